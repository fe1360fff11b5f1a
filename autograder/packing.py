"""Baked test data: nested Python/NumPy values <-> a compact ASCII string.

Hidden test cells carry their inputs and the reference outputs as one string
produced at build time (``nnlab build``) from ``solutions/``, so grading never
needs the reference importable inside the student's kernel.  The format is
JSON (never pickle: unpacking must not execute anything), zlib-compressed and
base64-encoded.
"""
import base64
import json
import zlib

import numpy as np


def _encode(value):
    if isinstance(value, np.ndarray):
        arr = np.asarray(value)  # not ascontiguousarray: it turns 0-d arrays into 1-d
        if arr.dtype == object:
            raise TypeError("object arrays cannot be baked")
        return {"__nd__": [arr.dtype.str, list(arr.shape),
                           base64.b64encode(arr.tobytes()).decode("ascii")]}
    if isinstance(value, np.generic):
        return _encode(np.asarray(value))
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[k, _encode(v)] for k, v in value.items()]}
    from autograder.problems import REGISTRY
    if type(value).__name__ in REGISTRY and type(value) is REGISTRY[type(value).__name__]:
        return {"__problem__": [type(value).__name__, _encode(dict(value.params))]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if value is Ellipsis:  # a constant's untouched placeholder (`THETA_AND = ...`)
        return {"__ellipsis__": []}
    raise TypeError(f"cannot bake a value of type {type(value).__name__}")


def _decode(obj):
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    if isinstance(obj, dict):
        if "__nd__" in obj:
            dtype, shape, data = obj["__nd__"]
            dtype = np.dtype(dtype)
            if dtype.kind not in "biufc":  # numbers only: data never becomes objects
                raise ValueError(f"cannot unpack an array of dtype {dtype}")
            arr = np.frombuffer(base64.b64decode(data), dtype=dtype)
            arr = arr.reshape(shape).copy()
            return arr[()] if arr.ndim == 0 else arr
        if "__tuple__" in obj:
            return tuple(_decode(v) for v in obj["__tuple__"])
        if "__dict__" in obj:
            return {k: _decode(v) for k, v in obj["__dict__"]}
        if "__ellipsis__" in obj:
            return Ellipsis
        if "__problem__" in obj:
            from autograder.problems import REGISTRY
            name, params = obj["__problem__"]
            return REGISTRY[name](**_decode(params))
    return obj


def pack(value):
    """Encode ``value`` (nested tuples/lists/dicts of arrays and scalars) as ASCII."""
    raw = json.dumps(_encode(value), separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def unpack(text, limit=None):
    """Inverse of :func:`pack`.  With ``limit``, refuse to inflate more than ``limit`` bytes
    (the grader reads results sent from a student's kernel: no decompression bombs)."""
    raw = base64.b64decode(text, validate=True)
    if limit is None:
        return _decode(json.loads(zlib.decompress(raw)))
    inflater = zlib.decompressobj()
    data = inflater.decompress(raw, limit)
    if inflater.unconsumed_tail:
        raise ValueError(f"packed data inflates beyond {limit} bytes")
    return _decode(json.loads(data))

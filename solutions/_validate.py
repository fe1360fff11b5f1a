"""Input conversion shared by the reference modules.

Every public function converts its inputs with these helpers so that lists
and arrays are both accepted and a wrong shape raises ``ValueError`` naming
the argument, the expected and the received shape (syllabus convention).
"""
import numpy as np


def as_float_array(name, value, ndim=None):
    """Return ``value`` as a float64 array, checking its number of dimensions."""
    arr = np.asarray(value, dtype=float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, expected ndim={ndim}, "
            f"received shape {arr.shape}"
        )
    return arr


def check_shape(name, arr, expected):
    """Raise ``ValueError`` unless ``arr.shape`` matches ``expected`` (``None`` = any size)."""
    ok = len(arr.shape) == len(expected) and all(
        e is None or e == s for e, s in zip(expected, arr.shape)
    )
    if not ok:
        dims = ["?" if e is None else str(e) for e in expected]
        shown = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
        raise ValueError(f"{name} has the wrong shape: expected {shown}, received {arr.shape}")
    return arr

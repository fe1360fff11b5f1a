"""Is a built notebook (or key file) still what the current inputs build?

A lesson's source notebook carries values the reference computed at build
time: baked cases, expected values and mistakes' outputs, packed as
``ag.unpack("...")`` payloads (see :mod:`autograder.packing`).  Their last
bits depend on the machine: summation order of the BLAS, its thread count, the
CPU's vector width.  Comparing the notebook byte for byte would therefore call
a notebook built on one machine stale on another although nothing an author
changed.

So freshness is judged structurally: the notebook's JSON must be equal,
except that every packed payload inside a cell's source is decoded and its
floating-point numbers are compared with a tolerance (``RTOL``/``ATOL``) that
is far below the grading tolerance; text, integers, booleans, dtypes, shapes
and the baked reference source code must be identical.  A real change to a
reference function (a constant, a formula) moves its outputs by far more than
the tolerance and is reported as stale.

Building itself is made as deterministic as one machine allows:
:func:`pinned_threads` runs the build with one BLAS/OpenMP thread, so the
summation order does not depend on how many cores the machine has.
"""
import base64
import binascii
import contextlib
import json
import math
import re
import zlib

import nbformat
import numpy as np

# Cross-machine noise in a baked float is a few ulps (~1e-15 relative) where the
# reference only multiplies and sums, but finite differences amplify it: a
# central difference with eps = 1e-4 turns round-off in the cost into ~1e-12
# absolute, a numerical Hessian (eps^2) into ~1e-10 relative.  Measured by
# rebuilding lessons 01-08 under five OpenBLAS kernels (OPENBLAS_CORETYPE): the
# worst were 2.2e-12 absolute (05, a gradient check) and ~1e-10 relative (08, a
# numerical Hessian); every lesson still passed with both bounds below divided
# by 10, none with RTOL divided by 100.  The grading tolerance is RTOL = 1e-7,
# ATOL = 1e-9 (autograder/tolerances.py) and the smallest genuine mistake we
# seed moves a value by ~1e-3: ten times below grading on each side, a drift
# within these bounds cannot change a grade, and a real edit of the reference
# lands far outside them.
RTOL = 1e-8
ATOL = 1e-10

# A quoted run of base64 characters long enough to be a packed payload; the
# named calls are the builder's own, any other such string counts as a
# payload only if it actually unpacks.
PAYLOAD_CALL = re.compile(r"""ag\.(?:unpack|load_trusted|load_reference)\(\s*(["'])([A-Za-z0-9+/=]+)\1"""
                          r"""|ag\.cases\(\s*["']\w+["']\s*,\s*(["'])([A-Za-z0-9+/=]+)\3""")
QUOTED_BASE64 = re.compile(r"""(["'])([A-Za-z0-9+/]{16,}={0,2})\1""")
# How many differences a report lists before it stops.
MAX_REPORTED = 20


# ------------------------------------------------------------ determinism

@contextlib.contextmanager
def pinned_threads():
    """Run the enclosed code with one BLAS/OpenMP thread.

    The summation order of a threaded BLAS (``X @ theta`` in the reference)
    depends on how many threads it splits the work into, that is on the
    machine's core count; with one thread it is fixed for a given BLAS build.
    """
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    with threadpool_limits(limits=1):
        yield


# ------------------------------------------------------------ payloads

def decode_payload(text):
    """The JSON tree inside a packed payload (arrays still encoded), or None if ``text`` is not one."""
    try:
        raw = zlib.decompress(base64.b64decode(text, validate=True))
        return json.loads(raw)
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        return None


def _split(source):
    """Split cell source into [text, payload, text, payload, ..., text] (payloads as strings).

    A candidate that does not unpack stays part of the text around it, so it
    is compared exactly.
    """
    spans = {}
    for pattern in (PAYLOAD_CALL, QUOTED_BASE64):
        for m in pattern.finditer(source):
            g = 2 if m.group(2) is not None else 4  # which alternative of PAYLOAD_CALL matched
            if m.start(g) not in spans and decode_payload(m.group(g)) is not None:
                spans[m.start(g)] = m.end(g)
    parts, pos = [], 0
    for start in sorted(spans):
        if start < pos:  # nested in one already taken (cannot happen for valid base64)
            continue
        parts += [source[pos:start], source[start:spans[start]]]
        pos = spans[start]
    return parts + [source[pos:]]


def _float_excess(a, b):
    """Worst element of two float arrays: (excess, |a-b|, |a-b| / max(|a|,|b|)).

    ``excess`` is |a-b| / (ATOL + RTOL*max(|a|,|b|)): at most 1 means equal
    within the tolerances.  NaN must meet NaN and an infinity the same infinity
    (else the excess is infinite).
    """
    a, b = np.asarray(a), np.asarray(b)
    same = (np.isnan(a) & np.isnan(b)) | (a == b)
    if not np.all(same | (np.isfinite(a) & np.isfinite(b))):
        return math.inf, math.inf, math.inf
    if same.all():
        return 0.0, 0.0, 0.0
    with np.errstate(all="ignore"):
        diff = np.where(same, 0.0, np.abs(a - b))
        scale = np.maximum(np.abs(a), np.abs(b))
        excess = diff / (ATOL + RTOL * scale)
    k = np.unravel_index(np.argmax(excess), excess.shape)
    return float(excess[k]), float(diff[k]), float(diff[k] / scale[k]) if scale[k] else math.inf


def _array(spec):
    dtype, shape, data = spec
    return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype)).reshape(shape)


def _diff_tree(a, b, where, out):
    """Append to ``out`` where two decoded payload trees differ beyond the tolerances."""
    if len(out) >= MAX_REPORTED:
        return
    if isinstance(a, dict) and isinstance(b, dict) and "__nd__" in a and "__nd__" in b and len(a) == len(b) == 1:
        (da, sa, _), (db, sb, _) = a["__nd__"], b["__nd__"]
        if da != db or list(sa) != list(sb):
            out.append(f"{where}: array {da}{tuple(sa)} vs {db}{tuple(sb)}")
            return
        xa, xb = _array(a["__nd__"]), _array(b["__nd__"])
        if xa.dtype.kind in "fc":
            excess, diff, rel = _float_excess(xa, xb)
            if excess > 1:
                out.append(f"{where}: {xa.dtype} values differ by up to {diff:.3g} (relative {rel:.3g})")
        elif not np.array_equal(xa, xb):
            out.append(f"{where}: {xa.dtype} values differ")
        return
    if type(a) is not type(b):
        out.append(f"{where}: {type(a).__name__} vs {type(b).__name__}")
    elif isinstance(a, dict):
        if list(a) != list(b):
            out.append(f"{where}: keys {sorted(a)} vs {sorted(b)}")
            return
        for k in a:
            _diff_tree(a[k], b[k], f"{where}.{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{where}: {len(a)} vs {len(b)} items")
            return
        for k, (x, y) in enumerate(zip(a, b)):
            _diff_tree(x, y, f"{where}[{k}]", out)
    elif isinstance(a, float):
        if _float_excess(a, b)[0] > 1:
            out.append(f"{where}: {a!r} vs {b!r}")
    elif isinstance(a, str) and decode_payload(a) is not None and decode_payload(b) is not None:
        _diff_tree(decode_payload(a), decode_payload(b), where, out)  # a payload packed inside a payload
    elif a != b:
        shown = (lambda v: repr(v) if len(repr(v)) < 80 else repr(v)[:77] + "...")
        out.append(f"{where}: {shown(a)} vs {shown(b)}")


def payload_differences(a, b, where="payload"):
    """Where two packed payload strings differ beyond the freshness tolerances ([] when equal).

    Either string not unpacking means both must be identical text.
    """
    if a == b:
        return []
    ta, tb = decode_payload(a), decode_payload(b)
    if ta is None or tb is None:
        return [f"{where}: text differs"]
    out = []
    _diff_tree(ta, tb, where, out)
    return out


def source_differences(a, b, where="source"):
    """Where two cell sources differ: text exactly, packed payloads within the tolerances."""
    if a == b:
        return []
    pa, pb = _split(a), _split(b)
    if len(pa) != len(pb):
        return [f"{where}: {len(pa) // 2} vs {len(pb) // 2} packed payloads"]
    out = []
    for k, (x, y) in enumerate(zip(pa, pb)):
        if k % 2:
            out += payload_differences(x, y, f"{where} payload {k // 2}")
        elif x != y:
            u, v = next(((u, v) for u, v in zip(x.splitlines() + [""], y.splitlines() + [""]) if u != v),
                        (x, y))
            out.append(f"{where}: text differs: {u.strip()[:70]!r} vs {v.strip()[:70]!r}")
    return out


# ------------------------------------------------------------ notebooks and key files

def _as_dict(nb):
    """A notebook (NotebookNode, dict, or a path as str or Path) as plain JSON data, normalised by nbformat."""
    if isinstance(nb, (str, bytes)) or hasattr(nb, "read_text"):
        nb = nbformat.read(str(nb), as_version=4)
    return json.loads(nbformat.writes(nbformat.from_dict(nb)))


def notebook_differences(a, b):
    """Where notebook ``a`` differs from ``b`` beyond cross-machine float noise ([] when fresh).

    Everything is compared exactly (cell types, ids, metadata, outputs,
    notebook metadata) except the packed payloads inside cell sources, which
    are decoded and their floats compared with ``RTOL``/``ATOL``.
    """
    da, db = _as_dict(a), _as_dict(b)
    ca, cb = da.pop("cells"), db.pop("cells")
    out = [] if da == db else ["notebook metadata or format differs"]
    if len(ca) != len(cb):
        return out + [f"{len(ca)} vs {len(cb)} cells"]
    for k, (x, y) in enumerate(zip(ca, cb)):
        name = f"cell {k} ({x.get('id', '?')})"
        # nbformat stores multi-line text as a list of lines
        sx, sy = ("".join(s) if isinstance(s, list) else s for s in (x.pop("source"), y.pop("source")))
        if x != y:
            out.append(f"{name}: type, id, metadata or outputs differ")
        out += source_differences(sx, sy, name)
        if len(out) >= MAX_REPORTED:
            break
    return out[:MAX_REPORTED]


def notebooks_match(a, b):
    """True when notebook ``a`` is ``b`` up to float noise far below the grading tolerance."""
    return not notebook_differences(a, b)


def _json_differences(a, b, where, out):
    """Walk two JSON trees: strings as payloads or as text with payloads inside, the rest exactly."""
    if len(out) >= MAX_REPORTED:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out.append(f"{where}: only in the first {sorted(set(a) - set(b))}, "
                       f"only in the second {sorted(set(b) - set(a))}")
        for k in sorted(set(a) & set(b)):
            _json_differences(a[k], b[k], f"{where}[{k!r}]", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b)):
            _json_differences(x, y, f"{where}[{k}]", out)
    elif isinstance(a, str) and isinstance(b, str):
        if decode_payload(a) is not None and decode_payload(b) is not None:
            out += payload_differences(a, b, where)
        else:
            out += source_differences(a, b, where)
    elif type(a) is not type(b) or a != b:
        out.append(f"{where}: values differ")


def key_differences(a, b):
    """Where two key files differ ([] when fresh).

    A key file is a JSON object whose string values (at any depth) are packed
    payloads or cell text with payloads inside; payloads are compared like
    those in notebooks, everything else exactly, key order ignored.  ``a`` and
    ``b`` are the parsed objects, JSON text, or paths.
    """
    def load(k):
        if hasattr(k, "read_text"):
            return json.loads(k.read_text())
        return json.loads(k) if isinstance(k, (str, bytes)) else k
    out = []
    _json_differences(load(a), load(b), "key", out)
    return out[:MAX_REPORTED]


def keys_match(a, b):
    """True when two key files are equal up to float noise far below the grading tolerance."""
    return not key_differences(a, b)

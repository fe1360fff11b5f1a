"""Compare a received value with an expected one and explain the difference.

:func:`compare` walks nested tuples/lists of arrays and returns ``None`` when
everything is close, or a :class:`Mismatch` whose ``message`` says where
(component, index, column), what was expected and what was received, and,
when the numbers fit a common pattern (sign flip, constant factor, transposed
matrix, only the bias entry/column wrong), what that pattern suggests.
"""
from dataclasses import dataclass

import numpy as np

from autograder.integrity import restore_numpy
from autograder.tolerances import ATOL, RTOL

# One number is always *some* multiple of another, and so is any constant array
# of a constant one: a constant factor is named only when at least this many
# nonzero expected entries, not all equal, share it.
MIN_FACTOR_ENTRIES = 2


@dataclass
class Mismatch:
    where: str         # e.g. "grads[1][2, 0]"; "" for the whole value
    facts: str         # where, expected, received: one line
    pattern: str = ""  # a simple relation the numbers fit (sign flip, factor, ...), if any

    @property
    def message(self):
        return f"{self.facts}; {self.pattern}" if self.pattern else self.facts


def fmt(x, width=10):
    """Short human form of a number or small array."""
    arr = np.asarray(x)
    if arr.ndim == 0:
        v = arr.item()
        return f"{v:.{width}g}" if isinstance(v, float) else repr(v)
    with np.printoptions(precision=6, suppress=False, threshold=12, edgeitems=3, linewidth=10**6):
        text = np.array2string(arr, separator=", ")
    return " ".join(text.split())  # one line: feedback is read line by line


def _to_float_array(value):
    """Convert a student's value to a plain float ndarray, or return None."""
    try:
        arr = np.array(value, dtype=float)  # a copy: the student's object is not touched again
    except (TypeError, ValueError, OverflowError):
        return None
    return arr


def _index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]" if len(idx) else ""


def relation(r, e, rtol=RTOL, atol=ATOL):
    """Name a simple relation between received ``r`` and expected ``e`` (same shape)."""
    close = np.isclose(r, e, rtol=rtol, atol=atol)
    if e.ndim == 2 and e.shape[1] > 1 and close[:, 1:].all() and not close[:, 0].all():
        return "only column 0 is wrong (in a weight or gradient matrix: the bias column)"
    if e.ndim == 1 and e.size > 2 and close[1:].all() and not close[0]:
        return "only entry 0 is wrong (in a weight or gradient vector: the bias term)"
    big = np.abs(e) > max(atol, 1e-12) * 10
    if big.any():
        ratios = r[big] / e[big]
        c = np.median(ratios)
        if np.allclose(r, c * e, rtol=1e-6, atol=atol) and not np.isclose(c, 1.0):
            if np.isclose(c, -1.0):
                return "the sign is flipped"
            if np.isclose(c, 0.0, atol=1e-12):
                return "received all zeros"
            support = e[big]
            if support.size >= MIN_FACTOR_ENTRIES and not np.allclose(support, support[0], rtol=1e-6, atol=0):
                return f"every entry is {c:.6g} times the expected value (a missing or extra constant factor)"
    if e.ndim == 2 and e.shape[0] == e.shape[1] and np.allclose(r, e.T, rtol=rtol, atol=atol):
        return "it equals the transpose of the expected matrix"
    return ""


def compare_array(received, expected, where="", rtol=RTOL, atol=ATOL):
    """Compare one numeric leaf; return None or a Mismatch."""
    # inf - inf, 0 * inf, x / 0 happen while explaining; never warn (stderr zeroes a cell)
    with np.errstate(all="ignore"):
        return _compare_array(received, expected, where, rtol, atol)


def _compare_array(received, expected, where, rtol, atol):
    e = np.asarray(expected, dtype=float)
    r = _to_float_array(received)
    label = where or "result"
    if r is None:
        return Mismatch(where, f"{label}: expected a number/array of shape {e.shape}, "
                               f"received a {type(received).__name__} that is not numeric")
    if r.shape != e.shape:
        hint = ""
        if r.ndim == 2 and r.T.shape == e.shape and np.allclose(r.T, e, rtol=rtol, atol=atol):
            hint = " — it is the transpose of the expected value"
        elif r.size == e.size and np.allclose(r.reshape(e.shape), e, rtol=rtol, atol=atol):
            hint = " — the numbers are right, reshape the result"
        elif r.size == e.size and e.ndim == 2 and np.allclose(
                r.reshape(e.shape, order="F"), e, rtol=rtol, atol=atol):
            hint = " — the numbers are right but in column-major (F) order"
        return Mismatch(where, f"{label}: expected shape {e.shape}, received shape {r.shape}{hint}")
    bad_r = ~np.isfinite(r) & np.isfinite(e)
    if bad_r.any():
        idx = np.argwhere(bad_r)[0] if r.ndim else ()
        return Mismatch(where, f"{label}{_index(idx)}: expected {fmt(e[tuple(idx)])}, "
                               f"received {fmt(r[tuple(idx)])} (not finite: overflow or log(0)?)")
    close = np.isclose(r, e, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    idx = tuple(np.argwhere(~close)[0]) if r.ndim else ()
    n_bad, n = int((~close).sum()), close.size
    msg = (f"{label}{_index(idx)}: expected {fmt(e[idx])}, received {fmt(r[idx])}"
           + (f" ({n_bad} of {n} entries differ)" if n > 1 else ""))
    return Mismatch(where, msg, relation(r, e, rtol, atol))


def _plain_numbers(x):
    return np.isscalar(x) or (isinstance(x, list) and all(_plain_numbers(v) for v in x))


def _is_sequence(expected):
    """Compared item by item: a tuple, or a list of arrays / tuples / ragged lists.

    A list of numbers, or a rectangular list of lists of numbers, is one array
    (``[[1, 2], [3, 4]]`` is a 2 x 2 matrix, positions ``[i, j]``).
    """
    if isinstance(expected, tuple):
        return True
    if not isinstance(expected, list):
        return False
    if not _plain_numbers(expected):
        return True
    try:
        np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return True  # ragged
    return False


def compare(received, expected, where="", rtol=RTOL, atol=ATOL):
    """Compare nested tuples/lists of arrays; return None or the first Mismatch.

    A list of plain numbers (or a rectangular list of such lists) is one array,
    not a sequence of items.
    """
    restore_numpy()
    if _is_sequence(expected):
        label = where or "result"
        items = None
        if not isinstance(received, (str, bytes, dict)):
            try:
                items = list(received)
            except TypeError:
                pass
        if items is None:
            return Mismatch(where, f"{label}: expected a sequence of {len(expected)} items, "
                                   f"received {type(received).__name__}")
        if len(items) != len(expected):
            return Mismatch(where, f"{label}: expected {len(expected)} items, received {len(items)}")
        for k, (r, e) in enumerate(zip(items, expected)):
            # Python indexing, so a position reads as the student would write it: grads[1][2, 0]
            m = compare(r, e, f"{label}[{k}]", rtol, atol)
            if m is not None:
                return m
        return None
    return compare_array(received, expected, where, rtol, atol)


def leaf_fraction(received, expected, rtol=RTOL, atol=ATOL):
    """Share of top-level components that are right (partial credit for tuples)."""
    if not _is_sequence(expected):
        return 1.0 if compare(received, expected, rtol=rtol, atol=atol) is None else 0.0
    try:
        items = list(received)
    except TypeError:
        return 0.0
    if len(items) != len(expected):
        return 0.0
    ok = [compare(r, e, rtol=rtol, atol=atol) is None for r, e in zip(items, expected)]
    return sum(ok) / len(ok)

"""The checks that test cells call.

Two families, one per kind of test cell:

* ``expect_*`` — for visible tests.  They raise :class:`CheckFailed` (an
  ``AssertionError``) with a message giving expected vs received and where;
  nbgrader scores a visible test cell all-or-nothing.
* :class:`Result`, :func:`check_cases` and :func:`score` — for hidden tests.
  They never raise; each check adds credit and a message to a ``Result`` and
  ``score(...)``, the last expression of the cell, prints the report and
  returns the points earned, which nbgrader reads as partial credit.

Nothing here writes to stderr: nbgrader gives 0 to a test cell that does.
"""
import sys

import numpy as np

from autograder import integrity
from autograder.compare import compare, fmt, leaf_fraction, relation
from autograder.packing import unpack as _unpack
from autograder.runner import call, swapped, swapped_in
from autograder.tolerances import ATOL, GRADCHECK_EPS, GRADCHECK_TOL, RTOL

MAX_MESSAGES = 6  # failures shown per task; the rest are counted


class CheckFailed(AssertionError):
    """A visible test found a wrong value; the message says which and why."""


def unpack(text):
    """Decode the baked cases of a hidden test cell (see ``autograder.packing``)."""
    return _unpack(text)


def load_trusted(text, names):
    """Trusted definitions baked into a hidden cell: ``{name: function}``.

    A function is graded with these in place of the student's versions of the
    functions it calls, so one mistake is not charged again downstream.
    """
    import math
    import operator

    import numpy
    namespace = {"np": numpy, "numpy": numpy, "math": math, "operator": operator}
    exec(_unpack(text), namespace)  # noqa: S102 - our own baked reference code
    return {n: namespace[n] for n in names}


def trust_in_this_cell(trusted):
    """Use the reference versions of ``trusted`` names until the current cell ends.

    Baked into visible test cells as a hidden line, so while grading a visible
    test checks the student's function, not also everything it calls.  The
    student's own definitions are restored when the cell finishes.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    swap = swapped_in(sys._getframe(1).f_globals, trusted)
    swap.__enter__()

    def restore(*_):
        swap.__exit__(None, None, None)
        ip.events.unregister("post_run_cell", restore)
    ip.events.register("post_run_cell", restore)


def _lookup(fn, depth=2):
    """Accept a function or the name of one defined in the notebook."""
    if not isinstance(fn, str):
        return fn, getattr(fn, "__name__", "function")
    user_globals = sys._getframe(depth).f_globals
    if fn not in user_globals:
        return None, fn
    return user_globals[fn], fn


def _not_defined(fname):
    return f"{fname} is not defined as a function — run its cell (and fix any error in it)"


def _describe(args, kwargs):
    def one(v):
        if isinstance(v, np.ndarray):
            return f"array{v.shape}" if v.size > 4 else fmt(v)
        if isinstance(v, (list, tuple)) and v and all(isinstance(x, np.ndarray) for x in v):
            return "[" + ", ".join(f"array{x.shape}" for x in v) + "]"
        return fmt(v) if isinstance(v, (int, float, np.generic)) else repr(v)
    parts = [one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def explain(received, expected, where="", *, rtol=RTOL, atol=ATOL, variants=None):
    """None if ``received`` matches ``expected``, else a one-line explanation.

    ``variants`` maps a mistake in plain words to the value it produces; when
    ``received`` equals one of them the explanation names that mistake.
    """
    mismatch = compare(received, expected, where, rtol, atol)
    if mismatch is None:
        return None
    for mistake, value in (variants or {}).items():
        if compare(received, value, where, rtol, atol) is None:
            return f"{mismatch.facts} — this is exactly what you get if you {mistake}"
    return mismatch.message


class Result:
    """Credit and messages collected for one task in a hidden test cell."""

    def __init__(self, name):
        self.name = name
        self.items = []  # (weight, credit in [0, 1], message)

    def record(self, credit, message="", weight=1.0):
        self.items.append((float(weight), min(max(float(credit), 0.0), 1.0), message))
        return credit >= 1.0

    def fail(self, message, weight=1.0):
        return self.record(0.0, message, weight)

    def check_close(self, received, expected, where="", *, rtol=RTOL, atol=ATOL,
                    variants=None, weight=1.0):
        """Record whether ``received`` matches ``expected``; name known mistakes.

        ``variants`` maps a plain-words mistake ("regularized the bias column")
        to the value that mistake produces; a match is reported by that name.
        """
        message = explain(received, expected, where, rtol=rtol, atol=atol, variants=variants)
        if message is None:
            return self.record(1.0, "", weight)
        return self.record(leaf_fraction(received, expected, rtol, atol), message, weight)

    @property
    def fraction(self):
        total = sum(w for w, _, _ in self.items)
        return sum(w * c for w, c, _ in self.items) / total if total else 0.0

    def report(self):
        passed = sum(1 for _, c, _ in self.items if c >= 1.0)
        failures = [m for _, c, m in self.items if c < 1.0 and m]
        mark = "PASS" if passed == len(self.items) and self.items else "FAIL"
        lines = [f"[{mark}] {self.name}: {passed}/{len(self.items)} checks passed"]
        lines += [f"    - {m}" for m in failures[:MAX_MESSAGES]]
        if len(failures) > MAX_MESSAGES:
            lines.append(f"    ... and {len(failures) - MAX_MESSAGES} more failing checks")
        return "\n".join(lines)


def check_call(result, fn, args=(), kwargs=None, expected=None, *, label="", rtol=RTOL,
               atol=ATOL, variants=None, allow_warnings=False, weight=1.0, trusted=None):
    """Call ``fn`` safely and check its value; return the value (or None).

    ``fn`` is a function or the name of one defined in the notebook;
    ``trusted`` ({name: function}) replaces those globals of ``fn`` during the call.
    """
    kwargs = kwargs or {}
    fn, fname = _lookup(fn)
    label = label or f"{fname if result.name == 'result' else result.name}({_describe(args, kwargs)})"
    if fn is None or not callable(fn):
        result.fail(_not_defined(fname), weight)
        return None
    out = call(fn, args, kwargs, swap=trusted)
    if not out.ok:
        result.fail(f"{label} raised {out.error}", weight)
        return None
    message = explain(out.value, expected, "", rtol=rtol, atol=atol, variants=variants)
    if message is not None:
        result.record(leaf_fraction(out.value, expected, rtol, atol), f"{label} -> {message}", weight)
        return out.value
    problems = []
    if out.warnings and not allow_warnings:
        problems.append(f"emitted {out.warnings[0]} (use a numerically stable formula)")
    if out.mutated:
        problems.append(f"modified its {', '.join(out.mutated)} in place")
    if problems:
        result.record(0.5, f"{label}: right value, but it {' and '.join(problems)}", weight)
    else:
        result.record(1.0, "", weight)
    return out.value


def check_cases(fn, cases, *, name=None, rtol=RTOL, atol=ATOL, allow_warnings=False, trusted=None):
    """Check a student function against baked reference cases.

    Parameters
    ----------
    fn : callable or str
        The student's function, or its name in the notebook.
    cases : list of dict
        Each with ``args`` (list), ``kwargs`` (dict), ``expected`` and
        optionally ``variants`` ({mistake in plain words: value}) and ``label``.
    trusted : dict, optional
        ``{name: function}`` used instead of the student's own versions of the
        functions ``fn`` calls (see :func:`load_trusted`).

    Returns
    -------
    Result
    """
    func, fname = _lookup(fn)
    result = Result(name or fname)
    if func is None or not callable(func):
        result.fail(_not_defined(fname))
        return result
    helpers = {n: f for n, f in (trusted or {}).items() if n != fname}  # never swap fn itself
    for k, case in enumerate(cases):
        if result.items and "raised timeout" in result.items[-1][2]:
            # one infinite loop is enough: do not wait for it again on every case
            result.fail(f"{len(cases) - k} more case(s) skipped after the timeout", weight=len(cases) - k)
            break
        check_call(result, func, case.get("args", ()), case.get("kwargs", {}), case["expected"],
                   label=case.get("label", ""), rtol=rtol, atol=atol,
                   variants=case.get("variants"), allow_warnings=allow_warnings, trusted=helpers)
    return result


def check_gradient(result, cost_grad, theta, name="gradient", *, trusted=None, weight=1.0):
    """Hidden-test form of :func:`expect_gradient`: records instead of raising.

    ``cost_grad`` is usually a lambda written in the notebook around the
    student's function; ``trusted`` ({name: function}) replaces those notebook
    globals while the check runs, as in :func:`check_cases`.
    """
    with swapped(cost_grad, trusted):
        out = call(expect_gradient, [cost_grad, theta, name])
    if out.ok:
        return result.record(1.0, "", weight)
    prefix = f"{CheckFailed.__name__}: "
    message = out.error[len(prefix):] if out.error.startswith(prefix) else f"{name}: raised {out.error}"
    return result.fail(message, weight)


def score(*results, points):
    """Print the report of the given results and return the points earned.

    Use as the last expression of a hidden test cell: nbgrader takes the
    number as the cell's partial credit.
    """
    fractions = [r.fraction for r in results]
    earned = points * (sum(fractions) / len(fractions) if fractions else 0.0)
    for r in results:
        print(r.report())
    if integrity.restored:
        print(f"note: your code replaced {', '.join(sorted(integrity.restored))}; "
              "the originals were put back for grading")
    print(f"score: {earned:.2f} / {points:g}")
    return round(float(earned), 4)


# --------------------------------------------------------------- visible tests

def _fail(message):
    # The expect_* frames are hidden (__tracebackhide__), so a student's
    # traceback ends at their test line and this one-line raise.
    raise CheckFailed(message) from None


def expect_close(received, expected, name="value", *, rtol=RTOL, atol=ATOL):
    """Raise :class:`CheckFailed` unless ``received`` matches ``expected``."""
    __tracebackhide__ = True
    mismatch = compare(received, expected, name, rtol, atol)
    if mismatch is not None:
        _fail(mismatch.message)


def expect_shape(received, shape, name="value"):
    """Raise :class:`CheckFailed` unless ``np.shape(received) == shape``."""
    __tracebackhide__ = True
    got = np.shape(received)
    if got != tuple(shape):
        _fail(f"{name}: expected shape {tuple(shape)}, received shape {got}")


def expect_no_warnings(fn, *args, name=None, **kwargs):
    """Call ``fn`` and fail if it raises or emits a warning; return its value."""
    __tracebackhide__ = True
    label = name or f"{getattr(fn, '__name__', 'function')}({_describe(args, kwargs)})"
    out = call(fn, args, kwargs)
    if not out.ok:
        _fail(f"{label} raised {out.error}")
    if out.warnings:
        _fail(f"{label} emitted {out.warnings[0]}; use a numerically stable formula")
    return out.value


def expect_raises(exc_type, fn, *args, mentions=(), **kwargs):
    """Fail unless ``fn(*args)`` raises ``exc_type`` whose message contains ``mentions``."""
    __tracebackhide__ = True
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        text = str(exc)
        missing = [m for m in mentions if m not in text]
        if missing:
            _fail(f"{exc_type.__name__} raised, but its message {text!r} does not mention {missing}")
        return
    except Exception as exc:  # noqa: BLE001
        _fail(f"expected {exc_type.__name__}, received {type(exc).__name__}: {exc}")
    _fail(f"expected {exc_type.__name__}, but no exception was raised")


def central_differences(f, x, eps=GRADCHECK_EPS):
    """Central-difference gradient of scalar ``f`` at array ``x`` (any shape)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = float(f(x))
        flat[i] = old - eps
        down = float(f(x))
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def expect_gradient(cost_grad, theta, name="gradient", *, tol=GRADCHECK_TOL):
    """Check an analytic gradient against central differences of the same cost.

    ``cost_grad(theta) -> (J, grad)`` with ``grad`` shaped like ``theta``;
    ``theta`` may also be a list of arrays (a network's weights), in which case
    ``grad`` is a list of the same shapes.
    """
    __tracebackhide__ = True
    is_list = isinstance(theta, (list, tuple))
    parts = [np.asarray(t, dtype=float) for t in theta] if is_list else [np.asarray(theta, dtype=float)]
    sizes = [p.size for p in parts]
    flat = np.concatenate([p.ravel() for p in parts])

    def rebuild(v):
        out, k = [], 0
        for p, s in zip(parts, sizes):
            out.append(v[k:k + s].reshape(p.shape))
            k += s
        return out if is_list else out[0]

    _, grad = cost_grad(rebuild(flat.copy()))
    grads = list(grad) if is_list else [grad]
    if [np.shape(g) for g in grads] != [p.shape for p in parts]:
        _fail(f"{name}: expected shapes {[p.shape for p in parts]}, received {[np.shape(g) for g in grads]}")
    analytic = np.concatenate([np.asarray(g, dtype=float).ravel() for g in grads])
    numeric = central_differences(lambda v: cost_grad(rebuild(v))[0], flat)
    # ||a - n|| / (||a|| + ||n||): in [0, 1], and still meaningful when a = -n.
    scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    diff = np.linalg.norm(numeric - analytic) / scale if scale else 0.0
    if not diff < tol:
        k = int(np.argmax(np.abs(numeric - analytic)))
        pattern = relation(analytic, numeric, rtol=1e-4, atol=1e-8) if analytic.size else ""
        _fail(
            f"{name}: relative difference to central differences is {diff:.3g} (must be < {tol:g}); "
            f"worst entry {k} of the unrolled gradient: analytic {fmt(analytic[k])}, "
            f"numerical {fmt(numeric[k])}" + (f"; compared with the numerical gradient, {pattern}" if pattern else ""))


# --------------------------------------------------------------- authoring API for judging

#: True where a hidden cell's judging code runs.  Judging (thresholds, statistics,
#: comparisons with ``ag.reference`` functions) goes inside ``if ag.GRADER:`` blocks.
GRADER = True


def student(name):
    """The value the student's notebook bound to ``name`` (None when it is not defined)."""
    return sys._getframe(1).f_globals.get(name)


def load_reference(text, names):
    """Reference functions for judging (``ag.reference("...")`` in an authoring file)."""
    return load_trusted(text, names)

"""The checks that test cells call.

Two families, one per kind of test cell:

* ``expect_*`` — visible tests.  They raise :class:`CheckFailed` (an
  ``AssertionError``) with a message giving expected vs received and where.
* :class:`Result`, :func:`check_cases`, :func:`call`, :func:`student`,
  :func:`check_gradient` and :func:`score` — hidden tests.

Where the student's code runs, every check goes through a *backend*:

* in the student's kernel, :class:`LiveBackend` runs the student's code
  (guarded: :func:`autograder.runner.call`) and, while nbgrader autogrades,
  records what it produced (:mod:`autograder.record`);
* in the grader, outside the kernel, ``nnlab.replay`` re-runs the same test
  code with a backend that hands back those records instead of running
  anything, and with the expected values the kernel never saw.  Scores are
  decided there: :data:`GRADER` is True only in the grader, and judging code
  in a hidden cell sits inside ``if ag.GRADER:``.

The judging helpers (:func:`explain`, :func:`judge_call`,
:func:`gradient_message`) are pure functions of the results, shared by both.
Nothing here writes to stderr: nbgrader gives 0 to a test cell that does.
"""
import sys

import numpy as np

from autograder import display, integrity, record
from autograder.compare import compare, fmt, leaf_fraction, relation
from autograder.packing import unpack as _unpack
from autograder.runner import Outcome, call as _guarded_call, swapped, swapped_in
from autograder.tolerances import ANSWER_RTOL, ATOL, GRADCHECK_EPS, GRADCHECK_TOL, RTOL

MAX_MESSAGES = 6  # failures shown per task; the rest are counted
# Floating-point warnings that mean "not numerically stable".  They cost points only
# where a check asks for stability (``stable=True``, ``expect_no_warnings``): the
# exercises whose text asks for a stable formula.  Any other warning a correct
# solution emits (its own UserWarning, a print to stderr) costs nothing.
UNSTABLE = ("overflow", "divide by zero", "invalid value")

#: True only in the grader's replay (outside the kernel).
GRADER = False


class CheckFailed(AssertionError):
    """A visible test found a wrong value; the message says which and why.

    ``str()`` is one line (the grader's feedback shows it as is); in a notebook
    IPython shows it wrapped into short lines, after the student's own frames
    only (:func:`autograder.display.render_failure`).
    """

    def _render_traceback_(self):
        return display.render_failure(self)


class NotInKernel(KeyError):
    """Reference code is only available to the grader, inside ``if ag.GRADER:``."""


# ------------------------------------------------------------------ baked data

def unpack(text):
    """Decode a baked payload (see ``autograder.packing``)."""
    return _unpack(text)


def cases(name, text):
    """The baked inputs of ``name``'s hidden cases (the kernel never gets expected values)."""
    return [{"expected": None, "variants": {}, **c} for c in _unpack(text)]


def reference(names):
    """Reference functions for judging: only in the grader (inside ``if ag.GRADER:``)."""
    raise NotInKernel(f"ag.reference({names!r}) is only available to the grader, inside `if ag.GRADER:`")


def load_trusted(text, names):
    """Trusted upstream definitions baked into a test cell: ``{name: function}``.

    A function is graded with these in place of the student's versions of the
    functions it calls, so one mistake is not charged again downstream.  They
    are the only reference code that enters the kernel.
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


# ------------------------------------------------------------------ judging (pure)

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


def _same(a, b):
    try:
        if a is None or b is None:
            return True  # not sent back (too large): not judged
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
        return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)
    except Exception:  # noqa: BLE001
        return bool(np.shape(a) == np.shape(b))


def mutated(args, kwargs, after):
    """Arguments the call changed, judged from the arguments it was given and ``after`` (the record)."""
    after = after if isinstance(after, dict) else {}
    changed = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(args, after.get("args") or []))
               if isinstance(a, (np.ndarray, list)) and not _same(a, b)]
    later = after.get("kwargs") if isinstance(after.get("kwargs"), dict) else {}
    changed += [f"argument {k}" for k, v in kwargs.items()
                if isinstance(v, (np.ndarray, list)) and k in later and not _same(v, later[k])]
    return changed


def unstable_warnings(warnings):
    return [w for w in warnings or [] if isinstance(w, str) and w.startswith("RuntimeWarning")
            and any(u in w for u in UNSTABLE)]


def judge_call(result, label, outcome, args, kwargs, expected, *, rtol=RTOL, atol=ATOL, variants=None,
               stable=False, allow_warnings=False, weight=1.0):
    """Record in ``result`` how a call's outcome compares with ``expected``.

    A right value earns full credit unless the call modified its arguments or,
    with ``stable=True`` (exercises whose text asks for a numerically stable
    formula), emitted an overflow / divide-by-zero / invalid-value warning: then
    half.  ``allow_warnings=True`` (older spelling) turns that off again.
    """
    if not outcome.ok:
        return result.fail(f"{label} raised {outcome.error}", weight)
    message = explain(outcome.value, expected, "", rtol=rtol, atol=atol, variants=variants)
    if message is not None:
        return result.record(leaf_fraction(outcome.value, expected, rtol, atol), f"{label} -> {message}", weight)
    problems = []
    unstable = unstable_warnings(outcome.warnings) if stable and not allow_warnings else []
    if unstable:
        problems.append(f"emitted {unstable[0]} (use a numerically stable formula)")
    changed = mutated(args, kwargs, outcome.after)
    if changed:
        problems.append(f"modified its {', '.join(changed)} in place")
    if problems:
        return result.record(0.5, f"{label}: right value, but it {' and '.join(problems)}", weight)
    return result.record(1.0, "", weight)


def _flatten(theta):
    is_list = isinstance(theta, (list, tuple))
    parts = [np.asarray(t, dtype=float) for t in theta] if is_list else [np.asarray(theta, dtype=float)]
    return is_list, parts, np.concatenate([p.ravel() for p in parts]) if parts else np.zeros(0)


def _rebuild(is_list, parts, v):
    out, k = [], 0
    for p in parts:
        out.append(v[k:k + p.size].reshape(p.shape))
        k += p.size
    return out if is_list else out[0]


def gradient_samples(cost_grad, theta, eps=GRADCHECK_EPS):
    """What a gradient check needs from the student's code: ``(J, grad)`` at ``theta``
    and ``J`` at every ``theta ± eps e_i`` (plain data; the verdict is :func:`gradient_message`)."""
    is_list, parts, flat = _flatten(theta)
    first = _guarded_call(lambda t: cost_grad(t), [_rebuild(is_list, parts, flat.copy())])
    if not first.ok:
        return {"ok": False, "error": first.error}
    try:
        J0, grad = first.value
        grads = list(grad) if is_list else [grad]
        grads = [np.asarray(g, dtype=float) for g in grads]
    except Exception as exc:  # noqa: BLE001 - whatever the student returned
        return {"ok": False, "error": f"expected (J, grad), received {type(first.value).__name__} ({exc})"}
    plus, minus = np.zeros(flat.size), np.zeros(flat.size)
    for i in range(flat.size):
        for sign, store in ((1.0, plus), (-1.0, minus)):
            v = flat.copy()
            v[i] += sign * eps
            out = _guarded_call(lambda t: float(cost_grad(t)[0]), [_rebuild(is_list, parts, v)])
            if not out.ok:
                return {"ok": False, "error": out.error}
            store[i] = out.value
    return {"ok": True, "error": "", "grads": grads, "plus": plus, "minus": minus, "eps": eps}


def gradient_message(samples, theta, name="gradient", tol=GRADCHECK_TOL):
    """None when the analytic gradient matches central differences of the same cost, else why not."""
    if not isinstance(samples, dict) or not samples.get("ok"):
        error = samples.get("error") if isinstance(samples, dict) else "no result"
        return f"{name}: raised {error}"
    is_list, parts, flat = _flatten(theta)
    grads = samples.get("grads")
    try:
        grads = [np.asarray(g, dtype=float) for g in grads]
        plus = np.asarray(samples["plus"], dtype=float).reshape(flat.size)
        minus = np.asarray(samples["minus"], dtype=float).reshape(flat.size)
        eps = float(samples["eps"])
    except Exception:  # noqa: BLE001 - a malformed record
        return f"{name}: the results of the gradient check are malformed"
    if [g.shape for g in grads] != [p.shape for p in parts]:
        return f"{name}: expected shapes {[p.shape for p in parts]}, received {[g.shape for g in grads]}"
    analytic = np.concatenate([g.ravel() for g in grads]) if grads else np.zeros(0)
    with np.errstate(all="ignore"):
        numeric = (plus - minus) / (2 * eps)
        # ||a - n|| / (||a|| + ||n||): in [0, 1], and still meaningful when a = -n.
        scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
        diff = np.linalg.norm(numeric - analytic) / scale if scale else 0.0
    if diff < tol:
        return None
    k = int(np.argmax(np.abs(numeric - analytic)))
    where = _position(parts, k, is_list)
    pattern = relation(analytic, numeric, rtol=1e-4, atol=1e-8) if analytic.size else ""
    return (f"{name}: relative difference to central differences is {diff:.3g} (must be < {tol:g}); "
            f"worst entry {where}: analytic {fmt(analytic[k])}, numerical {fmt(numeric[k])}"
            + (f"; compared with the numerical gradient, {pattern}" if pattern else ""))


def _position(parts, k, is_list):
    """Entry ``k`` of the unrolled parameters as ``grads[l][i, j]`` (or ``grad[i]``)."""
    for l, p in enumerate(parts):
        if k < p.size:
            idx = np.unravel_index(k, p.shape) if p.ndim else ()
            inner = f"[{', '.join(str(int(i)) for i in idx)}]" if idx else ""
            return f"grads[{l}]{inner}" if is_list else f"grad{inner}"
        k -= p.size
    return f"entry {k}"


# ------------------------------------------------------------------ hidden-test results

class Result:
    """Credit and messages collected for one task in a hidden test cell."""

    def __init__(self, name):
        self.name = name
        self.items = []  # (weight, credit in [0, 1], message)

    def record(self, credit, message="", weight=1.0):
        credit = float(credit)
        credit = 0.0 if not np.isfinite(credit) else credit
        self.items.append((float(weight), min(max(credit, 0.0), 1.0), message))
        return credit >= 1.0

    def fail(self, message, weight=1.0):
        return self.record(0.0, message, weight)

    def check_close(self, received, expected, where="", *, rtol=RTOL, atol=ATOL, variants=None, weight=1.0):
        """Record whether ``received`` matches ``expected``; name known mistakes."""
        message = explain(received, expected, where, rtol=rtol, atol=atol, variants=variants)
        if message is None:
            return self.record(1.0, "", weight)
        return self.record(leaf_fraction(received, expected, rtol, atol), message, weight)

    def check_answer(self, received, accepted, why="", *, rtol=ANSWER_RTOL, weight=1.0):
        """Judge a short answer (a quiz question) against ``accepted``.

        ``accepted`` is one answer or a list of equally right ones: a choice
        letter or word (case, spaces and a trailing full stop ignored), a number
        (within ``rtol``), or several choices (``{"a", "c"}`` or ``"a, c"``: order
        and separators of the student's ``"c a"`` ignored).  ``why`` — the reasoning,
        in a sentence — is shown with a wrong answer, so feedback teaches.
        """
        options = accepted if isinstance(accepted, list) else [accepted]
        if received is None or received is Ellipsis:
            return self.fail(f"{self.name}: no answer given (replace the ... with yours)", weight)
        if any(_same_answer(received, a, rtol) for a in options):
            return self.record(1.0, "", weight)
        shown = " or ".join(_show_answer(a) for a in options)
        message = f"{self.name}: you answered {_show_answer(received)}; the answer is {shown}"
        return self.fail(message + (f" — {why}" if why else ""), weight)

    @property
    def fraction(self):
        total = sum(w for w, _, _ in self.items)
        return sum(w * c for w, c, _ in self.items) / total if total else 0.0

    @property
    def messages(self):
        return [m for _, c, m in self.items if c < 1.0 and m]

    def report(self):
        passed = sum(1 for _, c, _ in self.items if c >= 1.0)
        failures = self.messages
        mark = "PASS" if passed == len(self.items) and self.items else "FAIL"
        lines = [f"[{mark}] {self.name}: {passed}/{len(self.items)} checks passed"]
        lines += [f"    - {m}" for m in failures[:MAX_MESSAGES]]
        if len(failures) > MAX_MESSAGES:
            lines.append(f"    ... and {len(failures) - MAX_MESSAGES} more failing checks")
        return "\n".join(lines)


def _choices(value):
    """A set of normalized choices from ``"a, c"``, ``["a", "c"]`` or ``{"a", "c"}``."""
    if isinstance(value, str):
        value = value.replace(",", " ").replace(";", " ").split()
    return {_normal(v) for v in value}


def _normal(text):
    return " ".join(str(text).strip().rstrip(".").lower().split())


def _same_answer(received, accepted, rtol):
    """Whether a student's short answer equals one accepted answer."""
    if isinstance(accepted, (set, frozenset)) or (isinstance(accepted, str) and "," in accepted):
        try:
            return _choices(received) == _choices(accepted)
        except TypeError:
            return False
    if isinstance(accepted, (int, float)) and not isinstance(accepted, bool):
        try:
            number = float(received)
        except (TypeError, ValueError):
            return False
        return bool(np.isclose(number, accepted, rtol=rtol, atol=0.0))
    return isinstance(received, (str, np.str_)) and _normal(received) == _normal(accepted)


def _show_answer(value):
    if isinstance(value, (set, frozenset)) or (isinstance(value, str) and "," in value):
        value = _choices(value)
        return "{" + ", ".join(repr(v) for v in sorted(value, key=str)) + "}"
    return repr(value) if isinstance(value, str) else fmt(value)


def earned(results, points):
    """Points for a hidden cell: the mean fraction of its results times ``points``."""
    fractions = [r.fraction for r in results]
    return round(float(points * (sum(fractions) / len(fractions) if fractions else 0.0)), 4)


# ------------------------------------------------------------------ backends

class LiveBackend:
    """Runs the student's code in this process (the kernel); records results while grading."""

    def call(self, fname, fn, args, kwargs, swap=None):
        if not callable(fn):
            out = Outcome(error=f"NameError: {fname} is not defined as a function — run its cell "
                                "(and fix any error in it)")
        else:
            out = _guarded_call(fn, args, kwargs, swap=swap)
        record.emit("call", **record.call_fields(fname, out, args, kwargs))
        return out

    def student(self, name, namespace):
        value = namespace.get(name)
        record.emit("student", name=name, defined=name in namespace, value=value)
        return value

    def gradient(self, name, cost_grad, theta, swap=None):
        with swapped(cost_grad, swap):
            samples = gradient_samples(cost_grad, theta)
        record.emit("gradient", name=name, **samples)
        return samples

    def received(self, kind, name, value):
        record.emit(kind, name=name, value=value)
        return value

    def tally(self, name, passed):
        display.tally(name, passed)

    def raised(self, fn, args, kwargs):
        try:
            fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the student's code may raise anything
            facts = {"raised": True, "type": type(exc).__name__,
                     "mro": [c.__name__ for c in type(exc).__mro__], "message": str(exc)[:1000]}
        else:
            facts = {"raised": False, "type": "", "mro": [], "message": ""}
        record.emit("raises", **facts)
        return facts


class Checker:
    """The test-cell API (``ag.*``), over a backend: live in the kernel, replayed in the grader."""

    def __init__(self, backend, grader=False):
        self.backend = backend
        self.GRADER = grader
        self.scored = ()  # the Results the last ag.score(...) scored

    # -- hidden tests --------------------------------------------------------
    def call(self, fn, args=(), kwargs=None, swap=None):
        """Run the student's ``fn`` (a function or the name of one) guarded; return an ``Outcome``."""
        fname, fn = _resolve(fn, sys._getframe(1).f_globals)
        return self.backend.call(fname, fn, list(args), dict(kwargs or {}), swap)

    def student(self, name):
        """The value the student's notebook bound to ``name`` (None when it is not defined)."""
        return self.backend.student(name, sys._getframe(1).f_globals)

    def check_call(self, result, fn, args=(), kwargs=None, expected=None, *, label="", rtol=RTOL, atol=ATOL,
                   variants=None, stable=False, allow_warnings=False, weight=1.0, trusted=None):
        """Call ``fn`` guarded and (in the grader) judge its value; return the value (or None).

        ``stable=True``: floating-point warnings cost half the credit (see :func:`judge_call`).
        """
        fname, fn = _resolve(fn, sys._getframe(1).f_globals)
        args, kwargs = list(args), dict(kwargs or {})
        label = label or f"{fname if result.name == 'result' else result.name}({_describe(args, kwargs)})"
        out = self.backend.call(fname, fn, args, kwargs, trusted)
        if self.GRADER or expected is not None:
            judge_call(result, label, out, args, kwargs, expected, rtol=rtol, atol=atol, variants=variants,
                       stable=stable, allow_warnings=allow_warnings, weight=weight)
        return out.value if out.ok else None

    def check_cases(self, fn, cases, *, name=None, rtol=RTOL, atol=ATOL, stable=False, allow_warnings=False,
                    trusted=None):
        """Check a student function against baked cases (``args``, ``kwargs``, ``expected``,
        ``variants``, ``label``); ``trusted`` ({name: function}) replaces the upstream
        functions ``fn`` calls while it runs.  Returns a :class:`Result`.

        ``stable=True`` for exercises whose text asks for a numerically stable
        formula: a right value that came with an overflow, divide-by-zero or
        invalid-value warning earns half its credit.  Without it, warnings cost nothing.
        """
        fname, func = _resolve(fn, sys._getframe(1).f_globals)
        result = Result(name or fname)
        helpers = {n: f for n, f in (trusted or {}).items() if n != fname}  # never swap fn itself
        timed_out = False
        for case in cases:
            args, kwargs = list(case.get("args", ())), dict(case.get("kwargs", {}))
            label = case.get("label") or f"{result.name}({_describe(args, kwargs)})"
            if timed_out:  # one infinite loop is enough: do not wait for it again on every case
                out = self.backend.call(fname, None, args, kwargs)
                result.fail(f"{label} skipped after the timeout")
                continue
            out = self.backend.call(fname, func, args, kwargs, helpers)
            timed_out = out.error.startswith("timeout")
            if self.GRADER or case.get("expected") is not None:
                judge_call(result, label, out, args, kwargs, case.get("expected"), rtol=rtol, atol=atol,
                           variants=case.get("variants"), stable=stable, allow_warnings=allow_warnings)
        return result

    def check_gradient(self, result, cost_grad, theta, name="gradient", *, trusted=None, weight=1.0):
        """Record whether ``cost_grad``'s gradient matches central differences of its own cost."""
        samples = self.backend.gradient(name, cost_grad, theta, trusted)
        message = gradient_message(samples, theta, name)
        return result.record(1.0, "", weight) if message is None else result.fail(message, weight)

    def score(self, *results, points):
        """Last line of a hidden cell.  In the grader: the points earned.  In the kernel: a note."""
        self.scored = results
        if not self.GRADER:
            if record.recording():
                print("Results recorded: this cell is scored by the grader, outside your notebook.")
            return None
        return earned(results, points)

    # -- visible tests ---------------------------------------------------------
    # Each raises CheckFailed on the first wrong value.  ``uses`` names earlier
    # functions of the student that the received value was computed with, so a
    # failure can point at them; it is not repeated in the grader, where a visible
    # test may run with reference versions of those functions.
    def _verdict(self, name, message, uses=()):
        __tracebackhide__ = True
        tally = getattr(self.backend, "tally", None)  # the pass line: live kernels only
        if tally is not None:
            tally(name, message is None)
        if message is not None:
            _fail(message if self.GRADER else message + uses_note(uses))

    def expect_close(self, received, expected, name="value", *, rtol=RTOL, atol=ATOL, mistakes=None, uses=()):
        """Raise :class:`CheckFailed` unless ``received`` matches ``expected``.

        ``mistakes`` maps a known mistake, in plain words, to the value it gives
        on these inputs (``{"used e^(+z) instead of e^(-z)": 1 / (1 + np.exp(z))}``);
        when ``received`` equals one, the message names it, as hidden tests do.
        Compute those values, like ``expected``, from the cell's public inputs
        with NumPy or given code, never with the student's functions: while
        grading, the cell is re-run outside the kernel with the reference
        solutions, and expected and mistake values are recomputed there.
        ``uses``: the student's earlier functions ``received`` was computed with.
        """
        __tracebackhide__ = True
        received = self.backend.received("close", name, received)
        self._verdict(name, explain(received, expected, name, rtol=rtol, atol=atol, variants=mistakes), uses)

    def expect_shape(self, received, shape, name="value", *, mistakes=None, uses=()):
        """Raise :class:`CheckFailed` unless ``np.shape(received) == shape``.

        ``mistakes`` maps a known mistake, in plain words, to the shape it gives
        (``{"added a row of ones instead of a column": (4, 2)}``).
        """
        __tracebackhide__ = True
        got = self.backend.received("shape", name, list(_shape(received)))
        try:
            got = tuple(int(n) for n in got) if isinstance(got, (list, tuple)) else got
        except (TypeError, ValueError):  # ("not an array",): a ragged list, e.g. matrices of several shapes
            got = None
        message = None
        if got is None:
            message = f"{name}: expected shape {tuple(shape)}, received a list of differently shaped parts (not an array)"
        elif got != tuple(shape):
            message = f"{name}: expected shape {tuple(shape)}, received shape {got}"
            named = [words for words, s in (mistakes or {}).items() if got == tuple(s)]
            message += f" — this is exactly what you get if you {named[0]}" if named else ""
        self._verdict(name, message, uses)

    def expect_no_warnings(self, fn, *args, name=None, uses=(), **kwargs):
        """Call ``fn`` and fail if it raises or emits a floating-point warning
        (overflow, divide by zero, invalid value); return its value.

        Use it where the exercise asks for a numerically stable formula.  Other
        warnings and anything ``fn`` prints are not judged.
        """
        __tracebackhide__ = True
        fname = getattr(fn, "__name__", "function")
        label = name or f"{fname}({_describe(args, kwargs)})"
        out = self.backend.call(fname, fn, list(args), kwargs)
        unstable = unstable_warnings(out.warnings)
        message = (f"{label} raised {out.error}" if not out.ok else
                   f"{label} emitted {unstable[0]}; use a numerically stable formula" if unstable else None)
        self._verdict(label, message, uses)
        return out.value

    def expect_raises(self, exc_type, fn, *args, mentions=(), uses=(), **kwargs):
        """Fail unless ``fn(*args)`` raises ``exc_type`` whose message contains ``mentions``."""
        __tracebackhide__ = True
        facts = self.backend.raised(fn, args, kwargs)
        text = str(facts.get("message", ""))
        missing = [m for m in mentions if m not in text]
        label = f"{getattr(fn, '__name__', 'function')}({_describe(args, kwargs)})"
        if not facts.get("raised"):
            message = f"{label}: expected {exc_type.__name__}, but no exception was raised"
        elif exc_type.__name__ not in (facts.get("mro") or []):
            message = f"{label}: expected {exc_type.__name__}, received {facts.get('type')}: {text}"
        elif missing:
            message = f"{label}: {exc_type.__name__} raised, but its message {text!r} does not mention {missing}"
        else:
            message = None
        self._verdict(label, message, uses)

    def expect_gradient(self, cost_grad, theta, name="gradient", *, tol=GRADCHECK_TOL, uses=()):
        """Check an analytic gradient against central differences of the same cost.

        ``cost_grad(theta) -> (J, grad)`` with ``grad`` shaped like ``theta``;
        ``theta`` may also be a list of arrays (a network's weights), in which case
        ``grad`` is a list of the same shapes and positions read ``grads[l][i, j]``.
        """
        __tracebackhide__ = True
        samples = self.backend.gradient(name, cost_grad, theta)
        self._verdict(name, gradient_message(samples, theta, name, tol), uses)


def uses_note(uses):
    """`` (computed with your logistic_unit: if its own test fails, fix that first)``, or ``""``."""
    names = [uses] if isinstance(uses, str) else list(uses or ())
    if not names:
        return ""
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    tail = "if its own test fails, fix that first" if len(names) == 1 else \
        "if one of their own tests fails, fix that first"
    return f" (computed with your {listed}: {tail})"


def _shape(value):
    try:
        return np.shape(value)
    except Exception:  # noqa: BLE001 - a ragged list has no shape
        return ("not an array",)


def _resolve(fn, namespace):
    """(name, function) for a function or the name of one defined in the notebook."""
    if isinstance(fn, str):
        return fn, namespace.get(fn)
    return getattr(fn, "__name__", "function"), fn


def _fail(message):
    __tracebackhide__ = True
    raise CheckFailed(message) from None  # shown without this library's frames (CheckFailed._render_traceback_)


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


def restored_note():
    if integrity.restored:
        return (f"note: your code replaced {', '.join(sorted(integrity.restored))}; "
                "the originals were put back for grading")
    return ""

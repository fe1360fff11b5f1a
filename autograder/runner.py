"""Call student code from a test cell without letting it disturb the cell.

:func:`call` runs ``fn(*args, **kwargs)`` on deep copies of the arguments with
stdout/stderr captured (nbgrader zeroes a test cell that writes to stderr),
NumPy/Python warnings recorded instead of printed, and a wall-clock limit.
It never raises: the :class:`Outcome` says what happened.
"""
import contextlib
import copy
import io
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from autograder.integrity import restore_numpy
from autograder.tolerances import CALL_TIMEOUT_S


class CallTimeout(Exception):
    """Raised inside the student's call when it runs past the time limit."""


@dataclass
class Outcome:
    value: object = None
    error: str = ""                      # "ZeroDivisionError: division by zero"
    warnings: list = field(default_factory=list)
    output: str = ""                     # what the call printed
    mutated: list = field(default_factory=list)  # argument positions/names the call modified
    after: dict = field(default_factory=dict)    # the mutable arguments after the call (for the grader)

    @property
    def ok(self):
        return not self.error


class _Deadline:
    """SIGALRM-based wall-clock limit that nests: an outer limit keeps running."""

    def __init__(self, seconds, exc_factory):
        self.seconds, self.exc_factory = seconds, exc_factory

    def __enter__(self):
        # SIGALRM only works in the main thread; ipykernel runs cells there.
        self.active = self.seconds is not None and threading.current_thread() is threading.main_thread()
        if not self.active:
            return self
        self.t0 = time.monotonic()
        self.old_handler = signal.signal(signal.SIGALRM, self._fire)
        self.outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
        first = self.seconds if not self.outer_left else min(self.seconds, self.outer_left)
        signal.setitimer(signal.ITIMER_REAL, first)
        return self

    def _fire(self, signum, frame):
        if self.outer_left and time.monotonic() - self.t0 >= self.outer_left - 1e-3:
            self.old_handler(signum, frame)  # the outer limit ran out first
        raise self.exc_factory()

    def __exit__(self, *exc):
        if not self.active:
            return False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old_handler)
        if self.outer_left:
            left = self.outer_left - (time.monotonic() - self.t0)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))
        return False


def _time_limit(seconds):
    return _Deadline(seconds, lambda: CallTimeout(f"did not finish within {seconds:g} s (infinite loop?)"))


def _same(a, b):
    try:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
        return bool(a == b)
    except Exception:
        return False


@contextlib.contextmanager
def swapped_in(namespace, swap):
    """Temporarily replace entries of ``namespace`` (a dict of globals) by ``swap``."""
    if not swap or namespace is None:
        yield
        return
    missing = object()
    saved = {k: namespace.get(k, missing) for k in swap}
    namespace.update(swap)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is missing:
                namespace.pop(k, None)
            else:
                namespace[k] = v


def swapped(fn, swap):
    """Temporarily replace globals of ``fn`` (the notebook namespace) by ``swap``."""
    return swapped_in(getattr(fn, "__globals__", None), swap)


def call(fn, args=(), kwargs=None, timeout=CALL_TIMEOUT_S, swap=None):
    """Run student code safely; return an :class:`Outcome`.

    ``swap`` ({name: object}) replaces those globals of ``fn`` during the call.
    ``fn`` may be the name of a function defined in the calling notebook.
    """
    if isinstance(fn, str):
        name, fn = fn, sys._getframe(1).f_globals.get(fn)
        if not callable(fn):
            return Outcome(error=f"NameError: {name} is not defined as a function — run its cell "
                                 "(and fix any error in it)")
    restore_numpy()
    kwargs = dict(kwargs or {})
    args_copy, kwargs_copy = copy.deepcopy(list(args)), copy.deepcopy(kwargs)
    out = Outcome()
    buf = io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf), \
                    np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"), \
                    swapped(fn, swap), _time_limit(timeout):
                out.value = fn(*args_copy, **kwargs_copy)
        except CallTimeout as exc:
            out.error = f"timeout: {exc}"
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
            out.error = f"{type(exc).__name__}: {exc}"
    out.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    out.output = buf.getvalue()
    out.mutated = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(args, args_copy)) if not _same(a, b)]
    out.mutated += [f"argument {k}" for k in kwargs if not _same(kwargs[k], kwargs_copy[k])]
    out.after = {"args": [_shippable(a) for a in args_copy],
                 "kwargs": {k: _shippable(v) for k, v in kwargs_copy.items()}}
    return out


AFTER_MAX_ELEMENTS = 200_000  # larger arguments are not sent back to the grader


def _shippable(value):
    """A mutable argument as it was after the call, if small enough to send; else None."""
    if isinstance(value, np.ndarray) and value.size <= AFTER_MAX_ELEMENTS:
        return value
    if isinstance(value, list):
        try:
            if sum(np.size(v) for v in value) <= AFTER_MAX_ELEMENTS:
                return value
        except Exception:  # noqa: BLE001
            return None
    return None

"""The kernel's half of grading: send the student's results out, decide nothing.

While nbgrader autogrades (``NBGRADER_EXECUTION=autograde``), every check in a
test cell *records* what the student's code produced — a return value, an
error, the warnings it emitted, its arguments after the call — and sends it
as a ``display_data`` output of MIME type :data:`MIME` (plain data packed by
:mod:`autograder.packing`: JSON, never pickle).  The grader, outside the
kernel, re-runs the test code with these records and the expected values the
kernel never sees, and decides every score (``nnlab.replay``).

Records are claims about the student's results and nothing more: a forged or
missing record can only describe results, never a score.
"""
import os

import numpy as np

from autograder.packing import pack

MIME = "application/x-nnlab-record"
MAX_VALUE_CHARS = 2_000_000  # one packed record; larger values are reported as too big
MAX_OUTPUT_CHARS = 2_000     # what a call printed, kept for feedback only


def recording():
    """True while nbgrader autogrades this kernel (then checks record instead of judging)."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde" or os.environ.get("NNLAB_RECORD") == "1"


def plain(value, depth=0):
    """``value`` as packable plain data (arrays, numbers, str, lists, tuples, dicts).

    Student code may return anything; what cannot be represented becomes
    ``{"__unsupported__": type name}``, which the grader reports as such.
    """
    from autograder.problems import REGISTRY
    if depth > 20:
        return {"__unsupported__": "nested too deeply"}
    if value is None or value is Ellipsis or isinstance(value, (bool, int, float, str)):
        return value  # Ellipsis: a constant the student has not replaced yet (`THETA_AND = ...`)
    if isinstance(value, np.generic):
        return value.item() if value.dtype != object else {"__unsupported__": "object"}
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind not in "biufc":
            try:
                return np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                return {"__unsupported__": f"array of {value.dtype}"}
        return np.array(value)  # a base-class copy: subclasses and views are not shipped
    if isinstance(value, tuple):
        return tuple(plain(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: plain(v, depth + 1) for k, v in value.items()}
    if type(value).__name__ in REGISTRY:
        return value
    try:
        return np.asarray(value, dtype=float)
    except Exception:  # noqa: BLE001 - anything a student's object does while converting
        return {"__unsupported__": type(value).__name__}


def emit(kind, **fields):
    """Send one record as an output of the running cell (only while recording)."""
    if not recording():
        return
    record = {"k": kind, **{k: plain(v) for k, v in fields.items()}}
    try:
        text = pack(record)
    except Exception as exc:  # noqa: BLE001
        text = pack({"k": kind, "broken": f"{type(exc).__name__}: {exc}"})
    if len(text) > MAX_VALUE_CHARS:
        text = pack({"k": kind, "broken": f"result too large ({len(text)} characters packed)"})
    from IPython.display import display
    display({MIME: text}, raw=True)


def call_fields(fn_name, outcome, args, kwargs):
    """The record of one guarded call (see :class:`autograder.runner.Outcome`)."""
    return {"fn": fn_name, "ok": outcome.ok, "value": outcome.value if outcome.ok else None,
            "error": outcome.error, "warnings": outcome.warnings,
            "output": outcome.output[:MAX_OUTPUT_CHARS], "after": outcome.after}

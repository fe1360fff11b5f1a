"""Scores decided outside the kernel: re-run the test code with the student's recorded results.

The student's kernel executes the notebook; its test cells only *record* what
the student's code produced (``autograder.record``).  Here, in the grader's
own process, :func:`score_notebook` runs the instructor's **source** notebook
— reference solutions, given code and every test cell, never a line of the
student's — with an ``ag`` whose checks take the student's results from
those records instead of running anything, and whose ``ag.baked`` cases and
``ag.reference`` functions come from the lesson's key (``keys/<id>.json``),
which never enters a kernel.  Every grade cell gets a :class:`CellScore`.

Records are untrusted data: size-capped, decoded as JSON (never pickle),
matched one by one against the checks the test code makes.  A missing,
malformed or mismatched record scores 0 for its check or cell, never more.
"""
import ast
import contextlib
import io
import json
import types
import warnings
from dataclasses import dataclass, field

import numpy as np

import autograder
from autograder import checks, record
from autograder.packing import unpack
from autograder.runner import Outcome
from nnlab import markers

MAX_RECORD_CHARS = record.MAX_VALUE_CHARS + 1000
MAX_NOTEBOOK_RECORD_CHARS = 64_000_000


class ReplayMismatch(Exception):
    """The recorded results do not fit the test code (a changed test cell or forged outputs)."""


class ReplayError(Exception):
    """The instructor's own code failed while replaying: a course problem, not the student's."""


@dataclass
class CellScore:
    cell_id: str
    score: float
    max_score: float
    messages: list = field(default_factory=list)   # what the student should read, one line each
    status: str = "scored"                          # scored | no results | mismatch

    @property
    def report(self):
        mark = "PASS" if self.score >= self.max_score else "FAIL"
        lines = [f"[{mark}] {self.cell_id}: score {round(self.score, 2):g} / {self.max_score:g}"]
        lines += [f"    - {m}" for m in self.messages]
        return "\n".join(lines)

    def to_dict(self):
        return {"cell_id": self.cell_id, "score": self.score, "max_score": self.max_score,
                "messages": list(self.messages), "status": self.status}


# ------------------------------------------------------------------ records

def cell_records(cell, budget):
    """The decoded records of one executed cell (raises ReplayMismatch if malformed)."""
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") not in ("display_data", "execute_result"):
            continue
        text = o.get("data", {}).get(record.MIME)
        if text is None:
            continue
        if isinstance(text, list):
            text = "".join(text)
        if not isinstance(text, str) or len(text) > MAX_RECORD_CHARS:
            raise ReplayMismatch("a result output is too large or not text")
        budget[0] -= len(text)
        if budget[0] < 0:
            raise ReplayMismatch("the notebook's result outputs are too large")
        try:
            rec = unpack(text, limit=4 * MAX_RECORD_CHARS)
        except Exception as exc:  # noqa: BLE001 - untrusted bytes
            raise ReplayMismatch(f"a result output is malformed ({type(exc).__name__})") from None
        if not isinstance(rec, dict) or not isinstance(rec.get("k"), str):
            raise ReplayMismatch("a result output is malformed")
        out.append(rec)
    return out


def kernel_error(cell):
    """The error the kernel reported for a cell (``Name: value``), if any."""
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            return f"{o.get('ename', 'Error')}: {o.get('evalue', '')}"[:500]
    return ""


class ReplayBackend:
    """Hands back the recorded results of one cell, in order, instead of running anything."""

    def __init__(self):
        self.load([], "")

    def load(self, records, error):
        self.records, self.pos, self.error = list(records), 0, error

    @property
    def leftover(self):
        return len(self.records) - self.pos

    def _missing(self):
        return (f"your code did not get this far ({self.error})" if self.error
                else "no result was recorded (the cell did not finish)")

    def _next(self, kinds, name=None, field_name="name"):
        if self.pos >= len(self.records):
            return None
        rec = self.records[self.pos]
        if rec.get("k") not in kinds or (name is not None and rec.get(field_name) != name):
            raise ReplayMismatch(f"expected a {'/'.join(kinds)} result for {name!r}, found a "
                                 f"{rec.get('k')!r} result for {rec.get(field_name)!r}")
        self.pos += 1
        return rec

    def call(self, fname, fn, args, kwargs, swap=None):
        rec = self._next(("call",), fname, "fn")
        if rec is None:
            return Outcome(error=f"did not run: {self._missing()}")
        if "broken" in rec:
            return Outcome(error=str(rec["broken"]))
        error = rec.get("error") if isinstance(rec.get("error"), str) else ""
        ok = rec.get("ok") is True and not error
        warnings_ = rec.get("warnings") if isinstance(rec.get("warnings"), list) else []
        return Outcome(value=rec.get("value") if ok else None, error="" if ok else (error or "an error"),
                       warnings=[w for w in warnings_ if isinstance(w, str)],
                       output=rec.get("output") if isinstance(rec.get("output"), str) else "",
                       after=rec.get("after") if isinstance(rec.get("after"), dict) else {})

    def student(self, name, namespace):
        rec = self._next(("student",), name)
        if rec is None or "broken" in rec or rec.get("defined") is not True:
            return None
        return rec.get("value")

    def gradient(self, name, cost_grad, theta, swap=None):
        rec = self._next(("gradient",), name)
        if rec is None:
            return {"ok": False, "error": self._missing()}
        if "broken" in rec:
            return {"ok": False, "error": str(rec["broken"])}
        return rec

    def received(self, kind, name, value):
        rec = self._next((kind,), name)
        if rec is None:
            raise checks.CheckFailed(f"{name}: {self._missing()}")
        if "broken" in rec:
            raise checks.CheckFailed(f"{name}: {rec['broken']}")
        return rec.get("value")

    def raised(self, fn, args, kwargs):
        rec = self._next(("raises",))
        if rec is None:
            raise checks.CheckFailed(self._missing())
        return rec


# ------------------------------------------------------------------ the grader's ``ag``

def grader_ag(backend, key):
    """A stand-in for ``autograder`` in the replay: same API, results from ``backend``."""
    checker = checks.Checker(backend, grader=True)
    ag = types.ModuleType("autograder")
    for name in autograder.__all__:
        setattr(ag, name, getattr(autograder, name))
    for name in ("call", "student", "check_call", "check_cases", "check_gradient", "score", "expect_close",
                 "expect_shape", "expect_no_warnings", "expect_raises", "expect_gradient"):
        setattr(ag, name, getattr(checker, name))
    ag.GRADER = True
    ag.checker = checker
    ag.key_cells = key.get("cells", {})
    ag.trust_in_this_cell = lambda trusted: None  # no student code runs here

    def cases(name, text):
        if name not in key.get("cases", {}):
            raise ReplayError(f"the key has no cases for {name!r}: rebuild the lesson (nnlab build)")
        return unpack(key["cases"][name])

    def reference(names):
        names = " ".join(names.split())
        if names not in key.get("reference", {}):
            raise ReplayError(f"the key has no reference for {names!r}: rebuild the lesson (nnlab build)")
        return checks.load_trusted(key["reference"][names], names.split())

    ag.cases, ag.reference = cases, reference
    return ag


# ------------------------------------------------------------------ running the source notebook

def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _grade_id(cell):
    return _nbgrader(cell).get("grade_id") or cell.get("id")


def _run(source, namespace, filename):
    """Execute ``source``; return the value of its last expression (as IPython would show it)."""
    tree = ast.parse(source, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - the instructor's own source notebook
    return eval(compile(last, filename, "eval"), namespace) if last is not None else None  # noqa: S307


def _score_value(value, max_points):
    try:
        points = float(value)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(points):
        return 0.0
    return min(max(points, 0.0), max_points)


def score_notebook(source_nb, executed_nb, key):
    """Score every grade cell of ``executed_nb`` (the student's, as the kernel ran it).

    Returns ``{grade_id: CellScore}``.  Raises :class:`ReplayError` when the
    instructor's code itself fails (a course problem).
    """
    executed = {}
    for cell in executed_nb.cells:
        if cell.cell_type == "code" and _grade_id(cell) not in executed:
            executed[_grade_id(cell)] = cell
    backend = ReplayBackend()
    ag = grader_ag(backend, key)
    namespace = {"__name__": "__nnlab_replay__", "ag": ag}
    budget = [MAX_NOTEBOOK_RECORD_CHARS]
    scores = {}
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings(), \
            np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for index, cell in enumerate(source_nb.cells):
            meta = _nbgrader(cell)
            if cell.cell_type != "code" or not meta:
                continue  # markdown, and plain demo cells (figures): not needed to score
            gid = _grade_id(cell)
            if not meta.get("grade") or meta.get("solution"):
                try:
                    _run(cell.source, namespace, f"<source cell {gid}>")
                except Exception as exc:  # noqa: BLE001
                    raise ReplayError(f"source cell {gid} failed in the grader: {type(exc).__name__}: {exc}") from exc
                namespace["ag"] = ag  # a locked cell's `import autograder as ag` must not undo the replay
                continue
            scores[gid] = _score_cell(cell, executed.get(gid), namespace, backend, budget)
            namespace["ag"] = ag
    return scores


def _score_cell(cell, done, namespace, backend, budget):
    gid, max_points = _grade_id(cell), float(_nbgrader(cell).get("points", 0))
    hidden = markers.BEGIN_HIDDEN in cell.source and "ag.score(" in cell.source
    if done is None:
        return CellScore(gid, 0.0, max_points, ["this test cell is missing from your notebook"], "no results")
    try:
        backend.load(cell_records(done, budget), kernel_error(done))
    except ReplayMismatch as exc:
        return CellScore(gid, 0.0, max_points, [f"your notebook's results could not be read: {exc}"], "mismatch")
    namespace["ag"].checker.scored = ()
    source = namespace["ag"].key_cells.get(gid, cell.source)  # hidden cells with their judging code
    try:
        value = _run(source, namespace, f"<test cell {gid}>")
    except checks.CheckFailed as exc:
        return CellScore(gid, 0.0, max_points, [str(exc)])
    except ReplayMismatch as exc:
        return CellScore(gid, 0.0, max_points, [f"your notebook's results do not match this test ({exc}): "
                                                 "was a test cell changed, or an output forged?"], "mismatch")
    except ReplayError:
        raise
    except Exception as exc:  # noqa: BLE001 - odd recorded data the test code could not digest
        return CellScore(gid, 0.0, max_points, [f"could not be scored: {type(exc).__name__}: {exc}"[:300]])
    if backend.leftover:
        return CellScore(gid, 0.0, max_points, [f"{backend.leftover} result(s) recorded beyond what this test "
                                                 "asked for: was a test cell changed, or an output forged?"],
                         "mismatch")
    if not hidden:
        return CellScore(gid, max_points, max_points)
    points = _score_value(value, max_points)
    if points is None:
        raise ReplayError(f"hidden cell {gid} did not end with ag.score(..., points=...)")
    return CellScore(gid, points, max_points, _messages_of(namespace["ag"].checker.scored))


def _messages_of(results):
    """The failure messages of the Results the cell's ``ag.score(...)`` line scored."""
    out = []
    for result in results:
        failures = result.messages
        out += failures[:checks.MAX_MESSAGES]
        if len(failures) > checks.MAX_MESSAGES:
            out.append(f"... and {len(failures) - checks.MAX_MESSAGES} more failing checks of {result.name}")
    return out


def load_key(path):
    with open(path) as f:
        return json.load(f)


__all__ = ["CellScore", "ReplayError", "ReplayMismatch", "load_key", "score_notebook"]

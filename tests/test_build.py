"""The builder's solution cells for constants: the release shows ``NAME = ...``, nothing that raises.

A constant's solution cell is built as a placeholder line ``NAME = ...  # note``
plus the assignment between the solution markers; nbgrader's ClearSolutions
replaces the region with its stub and ``KeepConstantPlaceholders`` (plugged in
after it by ``course_config``) drops that stub again after a placeholder line.
Expected texts here are written out by hand, not copied from the builder's output.
"""
import importlib
import sys

import nbformat
import pytest
from nbgrader.preprocessors import ClearSolutions
from traitlets.config import Config

import course_config
from autograder import checks, record
from autograder.packing import pack, unpack
from nnlab import build, markers, replay
from nnlab.cli.course import read_nb, release_notebook, source_notebook
from nnlab.nbgrader_ext import KeepConstantPlaceholders

STUB = ClearSolutions().code_stub["python"]

MODULE = '''\
import numpy as np


def helper(n):
    """A helper."""
    return list(range(n))


# stub: replace ... with a 2 x 2 matrix
MATRIX = np.array([[1.0, 2.0],
                   [3.0, 4.0]])
WORD = "b"
COMPUTED = helper(3)
'''


@pytest.fixture()
def lesson(tmp_path, monkeypatch):
    """A throw-away reference module with constants of every kind (literal, multi-line, computed)."""
    (tmp_path / "nnlab_fake_lesson.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("nnlab_fake_lesson", None)
    return importlib.import_module("nnlab_fake_lesson")


def release_cell(source):
    """What generate_assignment's ClearSolutions + KeepConstantPlaceholders make of one solution cell."""
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "grade": False, "grade_id": "x", "locked": False, "schema_version": 3, "solution": True, "task": False}})
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": build.KERNELSPEC})
    resources = {}
    for step in (ClearSolutions(), KeepConstantPlaceholders()):
        nb, resources = step.preprocess(nb, resources)
    return nb.cells[0].source


def test_constant_source_is_placeholder_then_marked_solution(lesson):
    assert build.definition_source(lesson, "MATRIX", solution=True) == "\n".join([
        "MATRIX = ...  # replace ... with a 2 x 2 matrix",
        markers.BEGIN_SOLUTION,
        "MATRIX = np.array([[1.0, 2.0],",
        "                   [3.0, 4.0]])",
        markers.END_SOLUTION])
    # Without a `# stub:` comment right above, the note is the default one.
    assert build.definition_source(lesson, "WORD", solution=True).splitlines()[0] == \
        "WORD = ...  # replace ... with your answer"
    # Given (not solution) code is the assignment alone.
    assert build.definition_source(lesson, "WORD", solution=False) == 'WORD = "b"'


@pytest.mark.parametrize("names", [["MATRIX"], ["WORD", "COMPUTED"], ["MATRIX", "WORD", "COMPUTED"]])
def test_constant_release_cell_shows_names_and_does_not_raise(lesson, names):
    source = build._join_definitions(lesson, names, solution=True)
    released = release_cell(source)
    assert [ln.split(" = ")[0] for ln in released.splitlines()] == names
    assert all(build.PLACEHOLDER.match(ln) for ln in released.splitlines())
    assert "raise" not in released and "YOUR CODE HERE" not in released
    namespace = {}
    exec(released, namespace)  # noqa: S102 - the released cell runs: every name is bound to Ellipsis
    assert all(namespace[n] is Ellipsis for n in names)
    # The reference (source) cell rebinds each name to its value after the placeholder.
    ref = {"np": lesson.np, "helper": lesson.helper}
    exec("\n".join(ln for ln in source.splitlines() if not ln.startswith("###")), ref)  # noqa: S102
    assert ref["WORD" if "WORD" in names else "MATRIX"] is not Ellipsis
    if "COMPUTED" in names:
        assert ref["COMPUTED"] == [0, 1, 2]


def test_function_next_to_constant_keeps_its_stub(lesson):
    released = release_cell(build._join_definitions(lesson, ["helper", "WORD"], solution=True))
    assert 'def helper(n):\n    """A helper."""\n    # YOUR CODE HERE\n    raise NotImplementedError()' in released
    assert released.rstrip().endswith("WORD = ...  # replace ... with your answer")


def test_stub_after_other_lines_is_kept():
    """Only a top-level stub right after a placeholder line goes; a constant without one keeps it."""
    released = release_cell("\n".join(["x = 1", markers.BEGIN_SOLUTION, "WORD = 'b'", markers.END_SOLUTION]))
    assert released == "x = 1\n" + STUB


def test_course_config_puts_placeholders_right_after_clear_solutions():
    c = Config()
    course_config.configure(c)
    steps = list(c.GenerateAssignment.preprocessors)
    assert steps[steps.index(ClearSolutions) + 1] is KeepConstantPlaceholders


LESSON_01_CONSTANTS = ["THETA_AND", "THETA_OR", "THETA_NOR", "THETA_NOT", "XNOR_THETAS", "XOR_THETAS", "ALPHA_OR",
                       "QUIZ_A", "QUIZ_B", "QUIZ_C"]


def test_lesson_01_release_shows_every_constant_by_name(cfg):
    released = [c for c in read_nb(release_notebook(cfg.ROOT, "01_logic_gates")).cells
                if c.get("metadata", {}).get("nbgrader", {}).get("solution") and "def " not in c.source]
    lines = [ln for c in released for ln in c.source.splitlines() if ln.strip()]
    assert sorted(ln.split(" = ...")[0] for ln in lines) == sorted(LESSON_01_CONSTANTS)
    assert all(build.PLACEHOLDER.match(ln) and "#" in ln for ln in lines)
    assert not any("raise" in c.source or "YOUR CODE HERE" in c.source for c in released)
    # The source notebook binds the reference value after each placeholder (full marks for the reference).
    source = "\n".join(c.source for c in read_nb(source_notebook(cfg.ROOT, "01_logic_gates")).cells)
    for name in LESSON_01_CONSTANTS:
        assert f"{name} = ...  # " in source and f"{markers.BEGIN_SOLUTION}\n{name} = " in source


# ------------------------------------------------------------ an untouched placeholder, while grading

def test_ellipsis_reaches_the_grader_as_ellipsis():
    """The kernel records `...`; the replay's ag.student hands back `...` (not None, not a dict)."""
    rec = unpack(pack({"k": "student", "name": "QUIZ_A", "defined": True, "value": record.plain(...)}))
    backend = replay.ReplayBackend()
    backend.load([rec, dict(rec, name="XOR_THETAS", value=record.plain([..., 1.0]))], "")
    assert backend.student("QUIZ_A", {}) is Ellipsis
    assert backend.student("XOR_THETAS", {}) == [Ellipsis, 1.0]


def test_unanswered_quiz_says_so():
    r = checks.Result("QUIZ_A")
    r.check_answer(..., "a", why="because")
    assert r.fraction == 0.0
    assert r.messages == ["QUIZ_A: no answer given (replace the ... with yours)"]


def test_placeholder_pattern():
    good = ["A = ...", "THETA_AND = ...  # replace ... with 3 weights", "A = B = ...  # two names"]
    bad = ["A = 1", "A = ...  1", "    A = ...", "A.b = ...", "A = ...\nraise NotImplementedError()"]
    assert all(build.PLACEHOLDER.match(t) for t in good)
    assert not any(build.PLACEHOLDER.match(t) for t in bad)

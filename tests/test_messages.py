"""What students see before grading: visible-test messages, the pass line, the install hint.

The kernel tests run one small notebook in a real IPython kernel (nbclient), the
way JupyterLab and ``nbgrader validate`` run a lesson, and read its outputs.
Expected values come from closed forms written here (the logistic function),
and the truncation is nbgrader's own (``Validator._indent``).
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbgrader.validator import Validator

from autograder.checks import Result
from scipy.special import expit

import autograder as ag
from autograder import display
from autograder.checks import Checker, LiveBackend
from nnlab.replay import ReplayBackend, grader_ag

ANSI = re.compile(r"\x1b\[[0-9;]*m")
MISTAKE = "used e^(+z) instead of e^(-z)"
Z = np.array([-1.0, 0.0, 1.0])


def logistic(z):
    """The course's sigmoid, from SciPy (no overflow warning at +-1000)."""
    return expit(np.asarray(z, dtype=float))


# ------------------------------------------------------------------ a real kernel

CELLS = {
    "setup": "import warnings, sys\nimport numpy as np\nimport autograder as ag",
    "define": (
        "def sigmoid(z):  # the catalogued mistake: e^(+z)\n"
        "    return 1 / (1 + np.exp(np.asarray(z, dtype=float)))\n"
        "def good_sigmoid(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        "    e = np.exp(-np.abs(z))\n"
        "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"
        "def chatty_sigmoid(z):  # right, but warns and writes to stderr\n"
        "    warnings.warn('my own debugging note')\n"
        "    print('debug: called', file=sys.stderr)\n"
        "    return good_sigmoid(z)\n"
        "def unit(theta, X):\n"
        "    return sigmoid(np.asarray(X) @ np.asarray(theta))\n"),
    "passes": (
        "ag.expect_close(good_sigmoid(0.0), 0.5, 'good_sigmoid(0)')\n"
        "ag.expect_shape(good_sigmoid(np.zeros((2, 3))), (2, 3), 'good_sigmoid(np.zeros((2, 3)))')\n"
        "ag.expect_close(ag.expect_no_warnings(good_sigmoid, np.array([-1000.0, 1000.0])), [0.0, 1.0],\n"
        "                'good_sigmoid([-1000, 1000])')"),
    "mistake": (
        "z = np.array([-1.0, 0.0, 1.0])\n"
        "ag.expect_close(sigmoid(z), 1 / (1 + np.exp(-z)), 'sigmoid([-1, 0, 1])',\n"
        f"                mistakes={{{MISTAKE!r}: 1 / (1 + np.exp(z))}})"),
    "uses": ("ag.expect_close(unit([0.0, 1.0], [[1.0, 2.0]]), 1 / (1 + np.exp(-2.0)), 'unit([0, 1], X)',\n"
             "                uses=['sigmoid'])"),
    "caught": ("try:\n    ag.expect_close(1.0, 2.0, 'x')\nexcept ag.CheckFailed:\n    pass\n"
               "ag.expect_close(1.0, 1.0, 'y')"),
    "no_checks": "print('hello')",
    "chatty": ("ag.expect_close(ag.expect_no_warnings(chatty_sigmoid, np.array([-1000.0, 1000.0])), [0.0, 1.0],\n"
               "                'chatty_sigmoid([-1000, 1000])')"),
    "grads": ("ag.expect_close([np.zeros((2, 2)), np.arange(6.0).reshape(3, 2)],\n"
              "                [np.zeros((2, 2)), np.where(np.arange(6.0).reshape(3, 2) == 4, 5.0, np.arange(6.0).reshape(3, 2))], 'grads')"),
    "missing": "import sys\nsys.modules['autograder'] = None  # as in a kernel without the course library\n"
               + display.INSTALL_SNIPPET,
}


@pytest.fixture(scope="module")
def kernel():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS.values()])
    saved = os.environ.pop("NNLAB_RECORD", None)
    try:
        NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    finally:
        if saved is not None:
            os.environ["NNLAB_RECORD"] = saved
    return dict(zip(CELLS, nb.cells))


def _streams(cell, name):
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def _traceback(cell):
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return ANSI.sub("", "\n".join(errors[0].traceback))


def _as_validate_prints(text):
    """What ``nbgrader validate`` prints for an error: its own indenting and cutting."""
    return Validator()._indent(text)


def _message_lines(shown, ename="CheckFailed"):
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{ename}:"))
    return lines[start:]


def test_a_passing_cell_prints_one_pass_line_at_its_end(kernel):
    assert _streams(kernel["passes"], "stdout") == "\u2713 good_sigmoid: 4 checks passed\n"
    assert _streams(kernel["chatty"], "stdout") == "\u2713 chatty_sigmoid: 2 checks passed\n"


def test_no_pass_line_when_a_check_failed_or_none_ran(kernel):
    for name in ("mistake", "uses", "caught", "grads", "missing"):
        assert "\u2713" not in _streams(kernel[name], "stdout"), name
    assert _streams(kernel["no_checks"], "stdout") == "hello\n"


def test_nothing_is_written_to_stderr(kernel):
    assert all(_streams(cell, "stderr") == "" for cell in kernel.values())


def test_a_visible_failure_names_the_catalogued_mistake(kernel):
    shown = _traceback(kernel["mistake"])
    flat = " ".join(shown.split())
    assert f"expected {logistic(-1.0):.10g}, received {logistic(1.0):.10g}" in flat
    assert f"this is exactly what you get if you {MISTAKE}" in flat


def test_the_traceback_shows_the_students_line_and_no_library_frame(kernel):
    for name in ("mistake", "uses", "grads"):
        shown = _traceback(kernel[name])
        assert "ag.expect_close(" in shown  # the failing line of the test cell
        assert "autograder" not in shown.replace("import autograder", "")
        assert "hidden" not in shown and "checks.py" not in shown and "__tracebackhide__" not in shown
        assert shown.count("Cell In[") == 1, shown


def test_nbgrader_validate_cutting_keeps_expected_received_and_the_mistake(kernel):
    shown = _as_validate_prints(_traceback(kernel["mistake"]))
    message = _message_lines(shown)
    assert not any(line.endswith("...") for line in message), message
    text = " ".join(" ".join(message).split())
    assert f"expected {logistic(-1.0):.10g}" in text and f"received {logistic(1.0):.10g}" in text
    assert MISTAKE in text


def test_uses_points_at_the_earlier_function_and_positions_read_like_python(kernel):
    uses = " ".join(_traceback(kernel["uses"]).split())
    assert "(computed with your sigmoid: if its own test fails, fix that first)" in uses
    grads = " ".join(_traceback(kernel["grads"]).split())
    assert "grads[1][2, 0]: expected 5, received 4" in grads


def test_the_install_hint_names_the_real_command_and_survives_validate(kernel):
    shown = _as_validate_prints(_traceback(kernel["missing"]))
    message = _message_lines(shown, "ModuleNotFoundError")
    assert not any(line.endswith("...") for line in message), message
    text = "\n".join(message)
    assert 'pip install ".[notebooks]"' in text and "nn-learning-lab-student" in text
    assert "No module named" not in shown  # the raw import error is replaced, not chained
    assert not re.search(r"^\s*pip install autograder", text, re.M)  # named only as what not to run


def test_the_install_snippet_works_in_plain_python():
    code = "import sys\nsys.modules['autograder'] = None\n" + display.INSTALL_SNIPPET
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.rstrip().endswith("that is an unrelated package).")
    assert 'pip install ".[notebooks]"' in run.stderr


def test_a_cell_time_limit_shows_the_students_loop_and_a_short_message():
    """While nbgrader runs a notebook, a runaway cell is stopped; the student sees where, not our alarm."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in (
        "import autograder as ag", "def spin():\n    while True:\n        pass", "spin()")])
    saved = {k: os.environ.get(k) for k in ("NBGRADER_EXECUTION", "NNLAB_CELL_TIME_LIMIT_S")}
    os.environ.update(NBGRADER_EXECUTION="validate", NNLAB_CELL_TIME_LIMIT_S="2")
    try:
        NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3").execute()
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    shown = _traceback(nb.cells[2])
    assert "spin()" in shown and "while True" in shown and "watchdog" not in shown and "_alarm" not in shown
    message = _message_lines(_as_validate_prints(shown), "CellTimeLimit")
    assert not any(line.endswith("...") for line in message), message
    assert "infinite loop" in " ".join(" ".join(message).split())


# ------------------------------------------------------------------ nbgrader validate itself

def test_nbgrader_validate_output_keeps_the_message(tmp_path):
    """The real ``nbgrader validate`` on a notebook with one failing grade cell."""
    test = nbformat.v4.new_code_cell(CELLS["mistake"])
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "test_sigmoid", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELLS["setup"]),
                                         nbformat.v4.new_code_cell(CELLS["define"]), test])
    nbformat.write(nb, str(tmp_path / "lesson.ipynb"))
    nbgrader = Path(sys.executable).with_name("nbgrader")
    run = subprocess.run([str(nbgrader), "validate", "--Validator.ignore_checksums=True", "lesson.ipynb"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert "VALIDATION FAILED ON 1 CELL" in run.stdout, run.stdout + run.stderr
    error = run.stdout.split("The error was:")[1]
    message = _message_lines(error)
    assert not any(line.endswith("...") for line in message), message
    text = " ".join(" ".join(message).split())
    assert f"expected {logistic(-1.0):.10g}, received {logistic(1.0):.10g}" in text and MISTAKE in text
    assert "checks.py" not in error and "skipping hidden" not in error


# ------------------------------------------------------------------ messages (no kernel)

def test_visible_and_hidden_tests_name_a_mistake_in_the_same_words():
    wrong = 1 / (1 + np.exp(Z))
    with pytest.raises(ag.CheckFailed) as visible:
        ag.expect_close(wrong, logistic(Z), "sigmoid([-1, 0, 1])", mistakes={MISTAKE: logistic(-Z)})
    hidden = ag.Result("sigmoid")
    hidden.check_close(wrong, logistic(Z), "sigmoid([-1, 0, 1])", variants={MISTAKE: logistic(-Z)})
    assert str(visible.value) == hidden.messages[0]
    assert str(visible.value).endswith(f"— this is exactly what you get if you {MISTAKE}")


def test_shape_checks_name_a_mistake_by_its_shape():
    rows = np.vstack([np.ones((1, 2)), np.zeros((3, 2))])  # a row of ones added instead of a column
    mistakes = {"added a row of ones instead of a column": (4, 2)}
    with pytest.raises(ag.CheckFailed, match=r"expected shape \(3, 3\), received shape \(4, 2\) — this is "
                                             r"exactly what you get if you added a row of ones instead of a column"):
        ag.expect_shape(rows, (3, 3), "add_bias(X)", mistakes=mistakes)
    with pytest.raises(ag.CheckFailed) as plain:
        ag.expect_shape(np.zeros(9), (3, 3), "add_bias(X)", mistakes=mistakes)
    assert "exactly what you get" not in str(plain.value)


def test_a_value_matching_no_mistake_gets_the_plain_message():
    with pytest.raises(ag.CheckFailed) as failed:
        ag.expect_close(np.tanh(Z), logistic(Z), "sigmoid([-1, 0, 1])", mistakes={MISTAKE: logistic(-Z)})
    assert "exactly what you get" not in str(failed.value) and "expected" in str(failed.value)


def test_in_the_grader_mistakes_are_recomputed_and_the_uses_note_is_left_out():
    """While grading, the visible cell re-runs with recorded values and reference-computed expectations."""
    backend = ReplayBackend()
    grader = grader_ag(backend, {})
    backend.load([{"k": "close", "name": "unit(X)", "value": 1 / (1 + np.exp(Z))}], "")
    with pytest.raises(ag.CheckFailed) as failed:
        grader.expect_close(logistic(Z), logistic(Z), "unit(X)", mistakes={MISTAKE: logistic(-Z)}, uses=["sigmoid"])
    assert MISTAKE in str(failed.value) and "computed with your" not in str(failed.value)


def test_messages_stay_one_line_for_feedback_and_wrap_only_for_display():
    with pytest.raises(ag.CheckFailed) as failed:
        ag.expect_close(1 / (1 + np.exp(Z)), logistic(Z), "sigmoid([-1, 0, 1])",
                        mistakes={MISTAKE: logistic(-Z)}, uses=["add_bias", "logistic_unit"])
    one_line = str(failed.value)
    assert "\n" not in one_line
    assert one_line.endswith("(computed with your add_bias and logistic_unit: "
                             "if one of their own tests fails, fix that first)")
    wrapped = display.wrap(one_line).splitlines()
    assert len(display.PREFIX + wrapped[0]) <= display.LINE_WIDTH
    assert all(len(line) <= display.LINE_WIDTH for line in wrapped)
    assert " ".join(" ".join(wrapped).split()) == " ".join(one_line.replace("; ", " ").split())


@pytest.mark.parametrize("names, line", [
    (["sigmoid(0)", "sigmoid([-1, 0, 1])", "sigmoid(np.zeros((2, 3)))"], "\u2713 sigmoid: 3 checks passed"),
    (["THETA_AND on the truth table", "THETA_NOT on inputs 0, 1"], "\u2713 THETA_AND, THETA_NOT: 2 checks passed"),
    (["logistic_cost gradient, lam = 0.7", "J at theta = 0"], "\u2713 logistic_cost: 2 checks passed"),
    (["J at theta = 0"], "\u2713 all 1 check passed"),
    (["A_B", "C_D", "E_F", "G_H", "I_J"], "\u2713 A_B, C_D, E_F, 2 more: 5 checks passed"),
])
def test_pass_line_names_what_the_checks_are_about(names, line):
    """Names the notebook's own functions and constants that the labels mention, nothing else."""
    notebook = {"__name__": "__main__", "np": np, "THETA_AND": 0, "THETA_NOT": 0, "theta": np.zeros(3),
                **{c: 0 for c in ("A_B", "C_D", "E_F", "G_H", "I_J")}}
    exec("def sigmoid(z):\n    return z\ndef logistic_cost(t):\n    return t", notebook)  # noqa: S102
    assert display.pass_line(names, notebook) == line


# ------------------------------------------------------------------ warnings policy

def _chatty(z):
    """Right values, its own UserWarning and a line on stderr."""
    import warnings
    warnings.warn("my own debugging note")
    print("debug", file=sys.stderr)
    return logistic(z)


def _naive(z):
    """Right values at +-1000, but exp overflows (RuntimeWarning)."""
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def _cases():
    z = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    with np.errstate(over="ignore"):
        return [{"args": [z], "kwargs": {}, "expected": logistic(z), "variants": {}}]


@pytest.mark.parametrize("fn, stable, fraction", [
    (_chatty, False, 1.0), (_chatty, True, 1.0),   # its own warnings and stderr cost nothing
    (_naive, False, 1.0),                           # overflow costs nothing unless stability is asked
    (_naive, True, 0.5),
])
def test_only_floating_point_warnings_cost_and_only_where_stability_is_asked(fn, stable, fraction, capfd):
    result = Checker(LiveBackend(), grader=True).check_cases(fn, _cases(), name="sigmoid", stable=stable)
    assert result.fraction == fraction, result.report()
    if fraction < 1:
        assert "RuntimeWarning: overflow" in result.report()
    assert capfd.readouterr().err == ""


def test_expect_no_warnings_judges_floating_point_warnings_only(capfd):
    z = np.array([-1000.0, 1000.0])
    np.testing.assert_allclose(ag.expect_no_warnings(_chatty, z), [0.0, 1.0])
    with pytest.raises(ag.CheckFailed, match="RuntimeWarning: overflow"):
        ag.expect_no_warnings(_naive, z)
    assert capfd.readouterr().err == ""


# ---- short answers (quiz questions) ------------------------------------------
@pytest.mark.parametrize("received, accepted", [
    ("B", "b"), (" b. ", "b"), ("Sigmoid", "sigmoid"), (0.731, 0.7310585786), ("0.7311", 0.7310585786),
    ("c, a", {"a", "c"}), (["c", "a"], {"a", "c"}), ("a c", {"a", "c"}), ("c a", "a, c"), ("yes", ["yes", "true"]), ("TRUE", ["yes", "true"]),
])
def test_check_answer_accepts_equivalent_forms(received, accepted):
    r = Result("QUIZ")
    assert r.check_answer(received, accepted)
    assert r.fraction == 1.0 and r.messages == []


@pytest.mark.parametrize("received, accepted", [
    ("a", "b"), (0.75, 0.7310585786), ("x", 0.5), ("a", {"a", "c"}), ("a, b, c", {"a", "c"}), (None, "b"),
    (..., "b"), (True, "true"), (3, {"a"}),
])
def test_check_answer_rejects_and_explains(received, accepted):
    r = Result("QUIZ")
    assert not r.check_answer(received, accepted, why="because reasons")
    assert r.fraction == 0.0
    (message,) = r.messages
    assert message.startswith("QUIZ: ")
    if received is not None and received is not Ellipsis:
        assert "because reasons" in message and "the answer is" in message
    else:
        assert "no answer given" in message


def test_shape_check_of_a_ragged_list_says_so():
    parts = [np.zeros((2, 3)), np.zeros((1, 4))]
    with pytest.raises(ag.CheckFailed) as failed:
        ag.expect_shape(parts, (2,), "thetas")
    assert "differently shaped" in str(failed.value) and "(2,)" in str(failed.value)


def test_expect_raises_names_the_call():
    def unroll(x):
        return x
    with pytest.raises(ag.CheckFailed) as failed:
        ag.expect_raises(ValueError, unroll, 3)
    assert str(failed.value).startswith("unroll(3): expected ValueError")

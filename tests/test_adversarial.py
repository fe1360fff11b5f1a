"""Untrusted student code: grading stays correct and finishes.

One class of hostile or broken lesson-01 submissions, graded once with real
nbgrader through ``nnlab grade``'s machinery.
"""
import os

import pytest

from nnlab.cli import grade as grading
from nnlab.cli.course import nbgrader_meta, read_nb, release_notebook
from nnlab.cli.submissions import make_submission, write_submission
from tests.mutants import Mutant

pytestmark = pytest.mark.pipeline
AID = "01_logic_gates"
LAST_TASK_POINTS = 2  # test_count_weights (1) + hidden_count_weights (1)

BROKEN = {
    # os._exit kills the kernel in the last solution cell: the cells after it never run.
    "killer": [Mutant("count_weights", "kills the kernel", "import os\nos._exit(1)")],
    # an infinite loop in a graded function: the call and cell limits stop it.
    "looper": [Mutant("count_weights", "loops forever",
                      "def count_weights(layer_sizes):\n    while True:\n        pass")],
    # right answers, plus chatter on stderr from inside a graded function
    "chatty": [Mutant("sigmoid", "prints to stderr",
                      "import sys\n_reference_sigmoid = sigmoid\n"
                      "def sigmoid(z):\n    print('debug: sigmoid called', file=sys.stderr)\n"
                      "    return _reference_sigmoid(z)")],
    # one honest mistake upstream: it must cost points only where it is made
    "tanh": [Mutant("sigmoid", "uses tanh", "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=float))")],
    # text in the student's own code that the feedback guard must not publish
    "smuggler": [Mutant("count_weights", "pastes grader text", "# ag.unpack(\"...\")")],
    # a wrong sigmoid, and numpy patched so that everything looks "close"
    "patcher": [Mutant("sigmoid", "patches numpy",
                       "np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)\n"
                       "np.allclose = lambda *a, **k: True\n"
                       "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=float))")],
    # asks for ~29 GB: must fail in its own cell, not take the kernel or the machine down
    "hog": [Mutant("count_weights", "allocates far too much memory", "_big = np.ones((60000, 60000))")],
    # tries to use the hidden reference
    "importer": [Mutant("sigmoid", "imports the reference",
                        "del sigmoid\nfrom solutions.logic_gates import sigmoid")],
}


@pytest.fixture(scope="module")
def rows(cfg, tmp_path_factory):
    saved = {k: os.environ.get(k) for k in ("NNLAB_CALL_TIMEOUT_S", "NNLAB_CELL_TIME_LIMIT_S")}
    os.environ.update(NNLAB_CALL_TIMEOUT_S="2", NNLAB_CELL_TIME_LIMIT_S="4")
    try:
        tmp = tmp_path_factory.mktemp("adversarial")
        sub = tmp / "submitted"
        for student, mutants in BROKEN.items():
            write_submission(make_submission(cfg.ROOT, AID, mutants), sub, student, AID)
        # edits every test cell to claim full credit; nbgrader must restore them
        nb = read_nb(release_notebook(cfg.ROOT, AID))
        for cell in nb.cells:
            if nbgrader_meta(cell).get("grade"):
                cell.source = f"{nbgrader_meta(cell)['points']}"
        write_submission(nb, sub, "editor", AID)
        # a file that is not a notebook at all
        (sub / "corrupt" / AID).mkdir(parents=True)
        (sub / "corrupt" / AID / f"{AID}.ipynb").write_text("not json")
        result = grading.grade(cfg, sub, [cfg.get(AID)], tmp / "out", jobs=2, progress=lambda *_: None)
        return {r.student: r for r in result}
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


def _cell(row, cell_id):
    return next((score, max_score) for cid, score, max_score in row.cells if cid == cell_id)


def test_a_dead_kernel_scores_zero_for_every_cell_it_did_not_run(rows, cfg):
    row = rows["killer"]
    assert row.status == "graded"
    assert _cell(row, "hidden_count_weights")[0] == 0 and _cell(row, "test_count_weights")[0] == 0
    assert row.score == cfg.get(AID).points - LAST_TASK_POINTS
    assert any("DeadKernelError" in m for m in row.messages)


def test_an_infinite_loop_costs_only_its_own_cells(rows, cfg):
    row = rows["looper"]
    assert row.status == "graded"
    assert row.score == cfg.get(AID).points - LAST_TASK_POINTS
    assert any("timeout" in m or "ran longer" in m for m in row.messages), row.messages


def test_stderr_from_student_code_does_not_zero_a_test_cell(rows, cfg):
    row = rows["chatty"]
    assert row.score == cfg.get(AID).points, row.messages


def test_the_reference_is_not_importable_while_grading(rows, cfg):
    # the import fails in the student's cell, so sigmoid is simply missing
    row = rows["importer"]
    assert row.score < cfg.get(AID).points
    assert any("sigmoid is not defined" in m for m in row.messages), row.messages


def test_edited_test_cells_are_restored_before_grading(rows):
    assert rows["editor"].score == 0


def test_an_unreadable_notebook_is_reported_and_the_rest_still_graded(rows, cfg):
    row = rows["corrupt"]
    assert row.status.startswith("failed") and "NotJSONError" in row.status
    assert row.max_score == cfg.get(AID).points
    assert rows["chatty"].status == "graded"


def test_one_mistake_costs_points_only_in_its_own_cells(rows, cfg):
    """Hidden and visible tests of later functions run with the reference sigmoid."""
    row = rows["tanh"]
    lost = {cid for cid, score, max_score in row.cells if score < max_score}
    assert lost == {"test_sigmoid", "hidden_sigmoid"}, row.messages


def test_feedback_that_would_show_grader_text_is_withheld_not_published(rows, cfg):
    row = rows["smuggler"]
    assert row.score == cfg.get(AID).points
    assert row.status.startswith("graded (feedback withheld") and row.feedback == ""


def test_grade_cli_exit_codes_and_outputs(cfg, tmp_path):
    from nnlab.cli.main import main
    sub = tmp_path / "submitted"
    write_submission(read_nb(release_notebook(cfg.ROOT, AID)), sub, "blank", AID)
    assert main(["grade", str(sub), AID, "--out", str(tmp_path / "ok"), "--jobs", "1"]) == 0
    assert (tmp_path / "ok" / "grades.csv").read_text().splitlines()[1].startswith(f"blank,01_logic_gates,0,{cfg.get(AID).points:g},")
    assert (tmp_path / "ok" / "feedback" / "blank" / AID / f"{AID}.html").exists()
    (sub / "corrupt" / AID).mkdir(parents=True)
    (sub / "corrupt" / AID / f"{AID}.ipynb").write_text("{")
    assert main(["grade", str(sub), AID, "--out", str(tmp_path / "bad"), "--jobs", "2"]) == 2
    assert main(["grade", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")]) == 1


def test_monkeypatching_numpy_does_not_fool_the_grader(rows, cfg):
    row = rows["patcher"]
    lost = {cid for cid, score, max_score in row.cells if score < max_score}
    assert {"test_sigmoid", "hidden_sigmoid"} <= lost, row.messages


def test_a_memory_hog_fails_in_its_own_cell(rows, cfg):
    row = rows["hog"]
    assert row.status == "graded" and row.score == cfg.get(AID).points, row.messages

"""The grading engine at scale: resume after SIGKILL, CI outputs, single-submission mode, gradebook.

Everything is graded with real nbgrader through the ``nnlab grade`` command (a subprocess, as an
instructor or a CI job runs it), every kernel in the sandbox.  Expected scores come from the
source notebook's grade-cell points (reference: all of them; release as handed out: none) and
from an uninterrupted run of the same class.
"""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from nnlab.cli import grade as grading
from nnlab.cli.course import nbgrader_meta, read_nb, release_notebook, source_notebook
from nnlab.cli.submissions import load_mutants, make_submission, write_submission
from nnlab.grading import Row, content_hash

pytestmark = pytest.mark.pipeline
AID = "01_logic_gates"
ROOT = Path(__file__).resolve().parents[1]
NNLAB = str(Path(sys.executable).parent / "nnlab")
WORKFLOW = ROOT / ".github" / "workflows" / "grade-submission.yml"
KILL_AFTER = 2  # submissions recorded in the manifest before the run is killed
RUN_TIMEOUT_S = 1200  # a whole small class on a loaded 2-core machine, generously
SCORE_TOL = 1e-9  # scores are sums of integer-valued cell points


def _points(aid):
    """{grade cell id: points}, read from the source notebook's nbgrader metadata."""
    return {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
            for c in read_nb(source_notebook(ROOT, aid)).cells if nbgrader_meta(c).get("grade")}


def _env():
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _nnlab_grade(*args, cwd=ROOT):
    """Start ``nnlab grade ...`` in its own session (so the whole run can be killed at once)."""
    return subprocess.Popen([NNLAB, "grade", *map(str, args)], cwd=cwd, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _finish(proc):
    out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    return proc.returncode, out


def _grades(out):
    with open(Path(out) / "grades.csv", newline="") as f:
        return {(r["student"], r["assignment"]): r for r in csv.DictReader(f)}


def _manifest_keys(out):
    return [tuple(e["key"]) for e in grading.read_manifest(out)]


@pytest.fixture(scope="module")
def klass(cfg, tmp_path_factory):
    """Five lesson-01 submissions: two references, the blank release, two different mistakes."""
    sub = tmp_path_factory.mktemp("grading") / "submitted"
    mutants = load_mutants(cfg, cfg.get(AID))
    write_submission(make_submission(cfg.ROOT, AID), sub, "ada", AID)
    write_submission(read_nb(release_notebook(cfg.ROOT, AID)), sub, "blank", AID)
    write_submission(make_submission(cfg.ROOT, AID, [mutants[0]]), sub, "mistake1", AID)
    write_submission(make_submission(cfg.ROOT, AID, [mutants[-1]]), sub, "mistake2", AID)
    write_submission(make_submission(cfg.ROOT, AID), sub, "zed", AID)
    return sub


@pytest.fixture(scope="module")
def uninterrupted(klass, tmp_path_factory):
    """One plain run over the whole class, into a fresh SQLite gradebook too."""
    out = tmp_path_factory.mktemp("uninterrupted")
    url = f"sqlite:///{out / 'course_gradebook.db'}"
    code, log = _finish(_nnlab_grade(klass, AID, "--out", out / "graded", "--jobs", 2, "--gradebook", url))
    assert code == 0, log
    return out / "graded", url, log


def test_scores_match_the_notebook_points(uninterrupted):
    out, _, log = uninterrupted
    grades = _grades(out)
    total = sum(_points(AID).values())
    assert set(grades) == {(s, AID) for s in ("ada", "blank", "mistake1", "mistake2", "zed")}
    for student in ("ada", "zed"):
        assert abs(float(grades[(student, AID)]["score"]) - total) < SCORE_TOL
    assert float(grades[("blank", AID)]["score"]) == 0.0
    for student in ("mistake1", "mistake2"):
        assert 0.0 <= float(grades[(student, AID)]["score"]) < total
    assert all(float(g["max_score"]) == total and g["status"] == "graded" for g in grades.values())
    # the end-of-run report: table, slowest notebooks; progress lines in a non-terminal log
    assert "slowest notebooks (autograde + feedback):" in log and "[5/5]" in log and "ETA" in log


def test_resume_after_sigkill_grades_each_submission_once(klass, uninterrupted, tmp_path):
    out = tmp_path / "graded"
    proc = _nnlab_grade(klass, AID, "--out", out, "--jobs", 2)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while len(_manifest_keys(out)) < KILL_AFTER:
        assert proc.poll() is None, "the run ended before it could be killed half-way"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its workers, their kernels
    proc.wait()
    killed_with = len(_manifest_keys(out))
    assert KILL_AFTER <= killed_with < 5, "not killed half-way"
    assert not (out / "grades.csv").exists()

    code, log = _finish(_nnlab_grade(klass, AID, "--out", out, "--jobs", 2))
    assert code == 0, log
    assert f"grading {5 - killed_with} of 5 submissions" in log
    keys = _manifest_keys(out)
    assert len(keys) == len(set(keys)) == 5, "a submission graded twice or lost"
    expected = _grades(uninterrupted[0])
    got = _grades(out)
    assert {k: (g["score"], g["max_score"], g["status"]) for k, g in got.items()} == \
        {k: (g["score"], g["max_score"], g["status"]) for k, g in expected.items()}
    for student, aid in got:
        assert list((out / "feedback" / student / aid).glob("*.html")), f"{student}: feedback lost"

    # idempotent: nothing left to grade
    code, log = _finish(_nnlab_grade(klass, AID, "--out", out, "--jobs", 2))
    assert code == 0 and "grading 0 of 5 submissions" in log, log
    assert len(_manifest_keys(out)) == 5

    # a changed submission (blank now handed in complete) is the only one graded again
    changed = tmp_path / "submitted"
    shutil.copytree(klass, changed)
    write_submission(make_submission(ROOT, AID), changed, "blank", AID)
    code, log = _finish(_nnlab_grade(changed, AID, "--out", out, "--jobs", 2))
    assert code == 0 and "grading 1 of 5 submissions" in log, log
    got = _grades(out)
    assert len(got) == 5 and abs(float(got[("blank", AID)]["score"]) - sum(_points(AID).values())) < SCORE_TOL


def test_gradebook_holds_the_scores_the_formgrader_shows(uninterrupted, klass):
    from nbgrader.api import Gradebook

    out, url, _ = uninterrupted
    grades = _grades(out)
    points = _points(AID)

    def view():
        with Gradebook(url) as gb:
            assignment = gb.find_assignment(AID)
            subs = {d["student"]: d for d in gb.submission_dicts(AID)}  # the formgrader's listing
            cells = {s: {g.name: (g.score, g.max_score) for g in gb.find_submission_notebook(AID, AID, s).grades}
                     for s in subs}
            return float(assignment.max_score), subs, cells, len(assignment.submissions)

    max_score, subs, cells, n = view()
    assert max_score == sum(points.values())
    assert n == 5 and set(subs) == {s for s, _ in grades}
    for (student, _), g in grades.items():
        assert abs(subs[student]["score"] - float(g["score"])) < SCORE_TOL
        assert {name: mx for name, (_, mx) in cells[student].items()} == points
        assert not subs[student]["needs_manual_grade"]

    # writing the same results again (a resumed run) counts nothing twice
    code, log = _finish(_nnlab_grade(klass, AID, "--out", out, "--gradebook", url))
    assert code == 0 and "grading 0 of 5" in log, log
    assert view() == (max_score, subs, cells, n)


def _results_are_gradescope(results, aid):
    """Gradescope's autograder results.json: a total score and one test per graded cell."""
    points = _points(aid)
    assert isinstance(results["score"], float)
    assert [t["name"] for t in results["tests"]] == list(points)
    for t in results["tests"]:
        assert set(t) >= {"name", "score", "max_score", "output"}
        assert t["max_score"] == points[t["name"]] and 0.0 <= t["score"] <= t["max_score"]
    assert abs(sum(t["score"] for t in results["tests"]) - results["score"]) < SCORE_TOL


def _workflow_steps(*ids):
    steps = {s.get("id"): s for s in yaml.safe_load(WORKFLOW.read_text())["jobs"]["grade"]["steps"]}
    assert set(ids) <= set(steps), f"{WORKFLOW.name} lost its steps {set(ids) - set(steps)}"
    return [steps[i]["run"] for i in ids]


def _grading_machine(tmp_path):
    """What the workflow's sparse checkout gives a runner: the course without solutions/.

    ``autograder/`` and ``nnlab/`` are not copied: the runner installs them (``pip install -e .``);
    here they are this virtualenv's installed copies, which the sandbox binds for the kernel.
    """
    machine = tmp_path / "course"
    for name in ("source", "keys"):
        shutil.copytree(ROOT / name, machine / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("course_config.py", "nbgrader_config.py"):
        shutil.copy2(ROOT / name, machine / name)
    return machine


@pytest.mark.parametrize("student, make, want_code", [
    ("ada", lambda: make_submission(ROOT, AID), 0),
    ("broken", None, 2),  # not a notebook at all: reported, exit code 2
])
def test_ci_workflow_grades_one_push(tmp_path, student, make, want_code):
    machine = _grading_machine(tmp_path)
    repo = tmp_path / "student-repo"
    repo.mkdir()
    if make is None:
        (repo / f"{AID}.ipynb").write_text("{ this is not json")
    else:
        write_submission(make(), tmp_path, "x", AID).replace(repo / f"{AID}.ipynb")
    summary = tmp_path / "step_summary.md"
    env = _env() | {"STUDENT": student, "ASSIGNMENT": AID, "SUBMISSION": str(repo), "OUT": str(tmp_path / "graded"),
                    "GITHUB_STEP_SUMMARY": str(summary)}
    codes = []
    for script in _workflow_steps("grade", "summary"):  # GitHub runs `bash -e -o pipefail` per step
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=machine,
                              env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        codes.append(proc.returncode)
    assert codes == [want_code, 0], proc.stdout + proc.stderr
    out = tmp_path / "graded"
    results = json.loads((out / "results" / student / AID / "results.json").read_text())
    assert f"| {student} | {AID} |" in summary.read_text()
    grades = _grades(out)
    assert list(grades) == [(student, AID)]
    if want_code == 0:
        _results_are_gradescope(results, AID)
        assert abs(results["score"] - sum(_points(AID).values())) < SCORE_TOL
        assert list((out / "feedback" / student / AID).glob("*.html"))
    else:
        assert grades[(student, AID)]["status"].startswith("failed")
        assert results["score"] == 0.0 and "failed" in results["output"]
        assert "Not fully graded" in summary.read_text()


# ---------------------------------------------------------------- no kernel needed

def test_manifest_ignores_a_line_torn_by_a_kill(tmp_path):
    row = vars(Row("ada", AID, 3.0, 22.0, content_hash="h1"))
    grading.append_manifest(tmp_path, row, "g")
    with open(tmp_path / grading.MANIFEST, "a") as f:
        f.write('{"key": ["bob", "01_logic_ga')  # SIGKILL mid-write
    grading.append_manifest(tmp_path, dict(row, student="cy"), "g")
    assert [e["row"]["student"] for e in grading.read_manifest(tmp_path)] == ["ada", "cy"]


def test_content_hash_follows_the_submitted_files(tmp_path):
    nb = tmp_path / "ada" / AID / f"{AID}.ipynb"
    nb.parent.mkdir(parents=True)
    nb.write_text("{}")
    first = content_hash(nb, AID)
    (nb.parent / ".ipynb_checkpoints").mkdir()
    (nb.parent / ".ipynb_checkpoints" / "x.ipynb").write_text("autosave")
    assert content_hash(nb, AID) == first  # Jupyter's autosaves are not part of a submission
    (nb.parent / "data.csv").write_text("1,2")
    second = content_hash(nb, AID)
    assert second != first
    nb.write_text("{ }")
    assert content_hash(nb, AID) not in (first, second)


def test_progress_bar_and_plain_lines(capsys):
    lines = []
    plain = grading.Progress(4, say=lines.append, tty=False)
    plain.update(vars(Row("ada", AID, 22.0, 22.0, seconds=2.0)))
    assert lines and lines[0].startswith("  [1/4] ada/01_logic_gates 22/22") and "ETA" in lines[0]
    bar = grading.Progress(2, say=lines.append, tty=True)
    bar.update(vars(Row("ada", AID, 1.0, 22.0, status="failed: boom")))
    bar.update(vars(Row("bo", AID, 2.0, 22.0)))
    drawn = capsys.readouterr().out
    assert drawn.count("\r") == 2 and "1/2" in drawn and "2/2" in drawn and drawn.endswith("\n")
    assert len(lines) == 1  # the bar prints no lines of its own


def test_nbgraders_own_converters_give_the_same_scores(klass, uninterrupted, monkeypatch, tmp_path):
    """If nbgrader's ``BaseConverter.start`` ever differs from the one nnlab reuses exporters
    around, grading falls back to nbgrader's converters unchanged: same scores, only slower."""
    from nnlab import grading as engine
    from nnlab import nbgrader_ext

    monkeypatch.setattr(nbgrader_ext, "NBGRADER_START_SHA256", set())
    assert not nbgrader_ext.reuse_is_safe()
    expected = _grades(uninterrupted[0])
    for student in ("ada", "mistake1"):
        row = engine.grade_submission(ROOT, klass / student / AID / f"{AID}.ipynb", student, AID,
                                      tmp_path / "out", tmp_path / "scratch")
        want = float(expected[(student, AID)]["score"])
        assert abs(row["score"] - want) <= SCORE_TOL, (student, row["score"], want, row["status"])
        assert row["feedback"], row["status"]


def test_a_submission_holding_symbolic_links_is_refused_not_followed(tmp_path):
    from nnlab.grading import GradingError, refusal, submission_files

    secret = tmp_path / "keys" / "key.json"
    secret.parent.mkdir()
    secret.write_text("the answer key")
    folder = tmp_path / "submitted" / "eve" / AID
    folder.mkdir(parents=True)
    nb = folder / f"{AID}.ipynb"
    nb.write_text("{}")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "old.ipynb").symlink_to(nb)  # not part of a submission
    assert refusal(nb, AID) is None
    assert [rel for rel, _ in submission_files(nb, AID)] == [f"{AID}.ipynb"]

    (folder / "data.txt").symlink_to(secret)
    reason = refusal(nb, AID)
    assert "data.txt" in reason and "symbolic link" in reason
    with pytest.raises(GradingError, match="symbolic link"):
        submission_files(nb, AID)

    (folder / "data.txt").unlink()
    nb.rename(folder / "real.ipynb")
    nb.symlink_to(folder / "real.ipynb")
    assert f"{AID}.ipynb" in refusal(nb, AID)
    elsewhere = tmp_path / "repo" / "mine.ipynb"  # single-submission mode: only the notebook counts
    elsewhere.parent.mkdir()
    elsewhere.symlink_to(folder / "real.ipynb")
    assert "mine.ipynb" in refusal(elsewhere, AID)

    (tmp_path / "submitted" / "mallory").symlink_to(tmp_path / "submitted" / "eve")  # a classmate's folder
    assert "mallory/" in refusal(tmp_path / "submitted" / "mallory" / AID / f"{AID}.ipynb", AID)

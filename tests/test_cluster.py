"""Grading on a Dask cluster (nnlab/cluster.py) gives the same scores as serial nbgrader.

A local cluster of two worker processes, each grading against a *stripped* course
root (course_config.py, source/ and keys/ only — what a worker machine gets, no
solutions/), grades lesson 01's reference, its blank release and two mutant
students.  Serial grading is nbgrader's own API run once per submission, one
after another, in a single course root (the way `nbgrader autograde` works).
"""
import shutil
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the cluster extra is not installed: pip install -e '.[cluster]'")

from nnlab import cluster  # noqa: E402
from nnlab.cli.course import checked, nbgrader_api, read_nb, release_notebook  # noqa: E402
from nnlab.cli.submissions import load_mutants, make_submission, write_submission  # noqa: E402
from nnlab.grading import content_hash  # noqa: E402

AID = "01_logic_gates"
# Two mutant students: one mistake, and two mistakes in different tasks.
MUTANT_STUDENTS = {
    "mutant_sign": [("sigmoid", "sign error in the exponent")],
    "mutant_two": [("add_bias", "bias column appended last"), ("THETA_OR", "OR weights that compute AND")],
}


def _mutants(cfg, wanted):
    by_key = {(m.task, m.mistake): m for m in load_mutants(cfg, cfg.get(AID))}
    return [by_key[k] for k in wanted]


def stripped_root(cfg, dest, aids):
    """What a worker machine holds: course_config.py, nbgrader_config.py, source/ and keys/."""
    from nnlab.build import key_path
    dest.mkdir(parents=True)
    for name in ("course_config.py", "nbgrader_config.py"):
        shutil.copy2(cfg.ROOT / name, dest / name)
    for aid in aids:
        shutil.copytree(cfg.ROOT / "source" / aid, dest / "source" / aid)
        key_path(dest, aid).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(key_path(cfg.ROOT, aid), key_path(dest, aid))
    return dest


@pytest.fixture(scope="module")
def submissions(cfg, tmp_path_factory):
    sub = tmp_path_factory.mktemp("cluster") / "submitted"
    paths = {"reference": write_submission(make_submission(cfg.ROOT, AID), sub, "reference", AID),
             "blank": write_submission(read_nb(release_notebook(cfg.ROOT, AID)), sub, "blank", AID)}
    for student, wanted in MUTANT_STUDENTS.items():
        paths[student] = write_submission(make_submission(cfg.ROOT, AID, _mutants(cfg, wanted)), sub, student, AID)
    return sub, paths


def serial_nbgrader(cfg, submitted, work):
    """Scores from nbgrader's autograde, one submission after another, in one course root."""
    from nbgrader.api import Gradebook
    root = stripped_root(cfg, work, [AID])
    shutil.copytree(submitted, root / "submitted")
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    api = nbgrader_api(cfg, root, db_url=db_url)
    checked(api.generate_assignment(AID, force=True, create=True), "generate_assignment")
    for student in sorted(p.name for p in Path(submitted).iterdir()):
        checked(api.autograde(AID, student, force=True, create=True), f"autograde {student}")
    with Gradebook(db_url) as gb:
        return {s.student_id: (float(s.score), sorted((g.name, float(g.score)) for nb in s.notebooks
                                                       for g in nb.grades))
                for s in gb.assignment_submissions(AID)}


@pytest.fixture(scope="module")
def dask_rows(cfg, submissions, tmp_path_factory):
    _, paths = submissions
    tmp = tmp_path_factory.mktemp("dask")
    worker_root = stripped_root(cfg, tmp / "worker-root", [AID])
    mp = pytest.MonkeyPatch()
    mp.setenv("NNLAB_COURSE_ROOT", str(worker_root))  # the spawned workers inherit it
    seen = []
    try:
        rows = cluster.grade_on_cluster([(s, AID, p) for s, p in sorted(paths.items())], tmp / "out", cfg.ROOT,
                                        n_workers=2, progress=lambda done, total, row: seen.append((done, total)))
    finally:
        mp.undo()
    return rows, seen, tmp / "out"


@pytest.mark.pipeline
def test_dask_scores_identical_to_serial_nbgrader(cfg, submissions, dask_rows, tmp_path):
    submitted, paths = submissions
    rows, _, _ = dask_rows
    serial = serial_nbgrader(cfg, submitted, tmp_path / "serial")
    assert set(serial) == set(paths)
    by_student = {r["student"]: r for r in rows}
    assert {s: (r["score"], sorted((name, score) for name, score, _ in r["cells"]))
            for s, r in by_student.items()} == serial
    # and the scores are the lesson's, not merely equal: full marks, zero, and points lost
    points = cfg.get(AID).points
    assert serial["reference"][0] == points
    assert serial["blank"][0] == 0
    assert 0 < serial["mutant_sign"][0] < points and 0 < serial["mutant_two"][0] < points


@pytest.mark.pipeline
def test_dask_rows_progress_and_feedback(cfg, submissions, dask_rows):
    _, paths = submissions
    rows, seen, out = dask_rows
    assert sorted(r["student"] for r in rows) == sorted(paths)
    assert seen == [(k, len(paths)) for k in range(1, len(paths) + 1)]
    for r in rows:
        assert set(cluster.ROW_KEYS) <= set(r), r
        assert r["status"] == "graded", r["status"]
        assert r["max_score"] == cfg.get(AID).points
        assert r["content_hash"] == content_hash(paths[r["student"]], AID)
        pages = list((out / "feedback" / r["student"] / AID).glob("*.html"))
        assert [p.name for p in pages] == [f"{AID}.html"]
    # the work was spread over both worker processes
    assert len({r["worker"] for r in rows}) == 2


# ------------------------------------------------------------------ refusals (no grading)

class FakeClient:
    """Just what check_workers asks of a distributed.Client."""

    def __init__(self, facts):
        self.facts = facts

    def scheduler_info(self):
        return {"workers": dict.fromkeys(self.facts)}

    def run(self, fn, *args):
        return self.facts


def _facts(cfg, **changes):
    facts = cluster.worker_facts(cfg.ROOT, [AID])
    facts.update(changes)
    return facts


def test_worker_facts_name_what_a_root_lacks(cfg, tmp_path):
    (tmp_path / "source" / AID).mkdir(parents=True)
    facts = cluster.worker_facts(tmp_path, [AID])
    assert str(tmp_path / "course_config.py") in facts["missing"]
    assert str(tmp_path / "keys" / f"{AID}.json") in facts["missing"]
    assert str(tmp_path / "source" / AID / f"{AID}.ipynb") in facts["missing"]
    assert not facts["has_solutions"]


def test_stripped_worker_root_has_everything_grading_needs(cfg, tmp_path):
    root = stripped_root(cfg, tmp_path / "w", [AID])
    facts = cluster.worker_facts(root, [AID])
    assert facts["missing"] == [] and not facts["has_solutions"]


def test_worker_without_bubblewrap_is_refused(cfg):
    client = FakeClient({"tcp://10.0.0.9:1": _facts(cfg, bwrap=None, host="w9")})
    with pytest.raises(cluster.ClusterError, match=r"tcp://10.0.0.9:1 \(w9.*bubblewrap"):
        cluster.check_workers(client, cfg.ROOT, [AID])
    cluster.check_workers(client, cfg.ROOT, [AID], unsafe=True)  # the instructor's explicit choice


def test_worker_with_other_versions_or_missing_key_is_refused(cfg):
    facts = _facts(cfg)
    facts["versions"] = {**facts["versions"], "nbgrader": "0.8.0"}
    facts["missing"] = ["/srv/course/keys/01_logic_gates.json"]
    with pytest.raises(cluster.ClusterError, match=r"keys/01_logic_gates.json.*nbgrader==\S+ \(has 0.8.0\)"):
        cluster.check_workers(FakeClient({"tcp://a:1": facts}), cfg.ROOT, [AID])


def test_worker_whose_source_or_key_differs_is_refused(cfg, tmp_path):
    """Its scores would not be the instructor's: a rebuilt lesson not copied to the worker."""
    facts = _facts(cfg, graders={AID: "0" * 64})
    with pytest.raises(cluster.ClusterError, match=r"source notebook and key of \['01_logic_gates'\]"):
        cluster.check_workers(FakeClient({"tcp://a:1": facts}), cfg.ROOT, [AID])
    root = stripped_root(cfg, tmp_path / "w", [AID])
    (root / "keys" / f"{AID}.json").write_text("{}")
    with pytest.raises(cluster.ClusterError, match="differs from the instructor's"):
        cluster.grade_task(str(root), "s1", AID, {}, f"{AID}.ipynb",
                           cluster.grader_hash(cfg.ROOT, AID))


def test_empty_cluster_is_refused(cfg):
    with pytest.raises(cluster.ClusterError, match="no workers"):
        cluster.check_workers(FakeClient({}), cfg.ROOT, [AID])


def test_feedback_outside_its_folder_or_showing_hidden_tests_is_not_written(tmp_path):
    from nnlab.markers import FEEDBACK_FORBIDDEN
    row = {"student": "s1", "assignment": AID, "status": "graded", "feedback": f"feedback/s1/{AID}",
           "files": {f"feedback/s1/{AID}/../../s2/{AID}/x.html": b"<p>ok</p>"}}
    with pytest.raises(ValueError, match="not under feedback/s1/01_logic_gates/"):
        cluster._store(dict(row), tmp_path)
    row["files"] = {f"feedback/s1/{AID}/{AID}.html": f"<pre>{FEEDBACK_FORBIDDEN[0]}</pre>".encode()}
    stored = cluster._store(dict(row), tmp_path)
    assert stored["status"].startswith("graded (feedback withheld") and stored["feedback"] == ""
    assert not list(tmp_path.rglob("*.html"))


def test_duplicate_or_missing_submission_is_a_value_error(tmp_path):
    nb = tmp_path / "a.ipynb"
    nb.write_text("{}")
    with pytest.raises(ValueError, match="s1/01_logic_gates appears twice"):
        cluster.grade_on_cluster([("s1", AID, nb), ("s1", AID, nb)], tmp_path / "out", tmp_path)
    with pytest.raises(ValueError, match="no notebook"):
        cluster.grade_on_cluster([("s1", AID, tmp_path / "missing.ipynb")], tmp_path / "out", tmp_path)


@pytest.mark.pipeline
def test_nnlab_grade_with_a_scheduler_address_grades_on_the_cluster(cfg, submissions, tmp_path):
    """The same command, `nnlab grade --scheduler tcp://...`, on a running cluster: same scores, resumable."""
    from distributed import LocalCluster

    from nnlab.cli import grade as grading
    from nnlab.cli.grade import read_manifest
    submitted, paths = submissions
    mp = pytest.MonkeyPatch()
    mp.setenv("NNLAB_COURSE_ROOT", str(stripped_root(cfg, tmp_path / "worker-root", [AID])))
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as local:
            rows = grading.grade(cfg, submitted, [cfg.get(AID)], tmp_path / "out", scheduler=local.scheduler_address,
                                 progress=lambda *_: None)
            again = grading.grade(cfg, submitted, [cfg.get(AID)], tmp_path / "out",
                                  scheduler=local.scheduler_address, progress=lambda *_: None)
    finally:
        mp.undo()
        from nnlab.sandbox import reap_orphans
        reap_orphans()  # closing the cluster killed its workers (tests/test_zz_leftovers.py checks the rest)
    by_student = {r.student: r.score for r in rows}
    assert by_student["reference"] == cfg.get(AID).points and by_student["blank"] == 0
    assert {r.student: r.score for r in again} == by_student
    assert len(read_manifest(tmp_path / "out")) == len(paths)  # the second run graded nothing again

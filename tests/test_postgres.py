"""Grades go into a real PostgreSQL gradebook through nbgrader's own models.

A throwaway PostgreSQL server (Debian's ``postgresql``: ``initdb``/``pg_ctl`` under
/usr/lib/postgresql/*/bin, installed by ``.ci/run`` when missing) listens on
127.0.0.1 only, with its data in a temporary folder, and is stopped at the end.

- ``nnlab grade --gradebook postgresql://...`` grades lesson 01's reference, its
  blank release and a mutant student; the database then holds their scores, and
  nbgrader's formgrader API (``NbGraderAPI.get_submissions``, ``get_students``,
  ``Gradebook.notebook_submission_dicts``) shows them.
- nbgrader's own ``autograde`` can write into the same server directly.
- Two writers at once (two grading runs of different students, and two runs of the
  same students) leave every score as written: no lost, doubled or torn rows.  Without
  a lock they do not: nbgrader's first-use table creation and its read-then-insert
  ``add_submission`` race (unique violations; a submission left without its grade rows
  fails every later write), so ``write_gradebook`` must hold ``nnlab.cluster.gradebook_lock``.
"""
import glob
import multiprocessing
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# SQLAlchemy's driver for postgresql:// URLs (psycopg 3)
psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")

from nnlab.cli.course import checked, nbgrader_api, read_nb, release_notebook, source_notebook  # noqa: E402
from nnlab.cli.submissions import load_mutants, make_submission, write_submission  # noqa: E402

AID = "01_logic_gates"
SERVER_START_TIMEOUT_S = 60
# Concurrent-writer rounds: students per writer (enough rows that two commits interleave).
STUDENTS_PER_WRITER = 12
# How long a writer is watched waiting for a held lock (it writes 2 students in well under this).
LOCK_WAIT_S = 20.0


def _pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL server in a temporary folder, on 127.0.0.1:<free port>, trust auth, user ``nnlab``."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="nnlab-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        # initdb refuses to run as root: run the server as Debian's `postgres` account then.
        self.prefix = []
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no `postgres` account to run the server as")
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *argv):
        subprocess.run([*self.prefix, *map(str, argv)], check=True, capture_output=True, text=True,
                       cwd=self.dir)

    def start(self):
        self._run(self.bindir / "initdb", "-D", self.data, "-U", "nnlab", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='{self.dir}' "
                f"-c fsync=off -c max_connections=50")
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-o", opts, "-l", self.dir / "server.log", "-w",
                  "-t", SERVER_START_TIMEOUT_S, "start")
        return self

    def stop(self):
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def new_database(self, name):
        with psycopg.connect(host="127.0.0.1", port=self.port, user="nnlab", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://nnlab@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="module")
def server():
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run installs it)")
    srv = Server(bindir).start()
    yield srv
    srv.stop()


def _gradebook(url):
    import warnings

    from nbgrader.api import Gradebook
    warnings.simplefilter("ignore")  # SQLAlchemy's SAWarnings from inside nbgrader
    return Gradebook(url)


# ---------------------------------------------------------------- grading into it

@pytest.fixture(scope="module")
def graded(cfg, server, tmp_path_factory):
    """``nnlab grade --gradebook URL`` on three lesson-01 submissions, as an instructor runs it."""
    tmp = tmp_path_factory.mktemp("pg-grade")
    sub = tmp / "submitted"
    mutant = [m for m in load_mutants(cfg, cfg.get(AID)) if m.mistake == "bias column appended last"]
    write_submission(make_submission(cfg.ROOT, AID), sub, "reference", AID)
    write_submission(read_nb(release_notebook(cfg.ROOT, AID)), sub, "blank", AID)
    write_submission(make_submission(cfg.ROOT, AID, mutant), sub, "mutant", AID)
    url = server.new_database("graded")
    nnlab = Path(sys.executable).parent / "nnlab"
    proc = subprocess.run([str(nnlab), "grade", str(sub), AID, "--out", str(tmp / "out"), "--jobs", "2",
                           "--gradebook", url], cwd=cfg.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import csv
    with open(tmp / "out" / "grades.csv") as f:
        csv_scores = {r["student"]: float(r["score"]) for r in csv.DictReader(f)}
    return url, csv_scores


@pytest.mark.pipeline
def test_nnlab_grade_writes_scores_into_postgres(cfg, graded):
    url, csv_scores = graded
    points = cfg.get(AID).points
    with _gradebook(url) as gb:
        scores = {s.student_id: (float(s.score), float(s.max_score)) for s in gb.assignment_submissions(AID)}
        assert gb.db.bind.dialect.name == "postgresql"
        # one grade per graded cell of the source notebook, for every student
        n_cells = sum(bool(c.metadata.get("nbgrader", {}).get("grade"))
                      for c in read_nb(source_notebook(cfg.ROOT, AID)).cells)
        for s in gb.assignment_submissions(AID):
            assert len(s.notebooks[0].grades) == n_cells
    assert scores["reference"] == (points, points)
    assert scores["blank"] == (0.0, points)
    assert 0 < scores["mutant"][0] < points
    assert {s: sc for s, (sc, _) in scores.items()} == csv_scores


@pytest.mark.pipeline
def test_formgrader_shows_the_postgres_scores(cfg, graded, tmp_path):
    """What the formgrader's pages read: NbGraderAPI over the same database URL."""
    url, csv_scores = graded
    api = nbgrader_api(cfg, tmp_path, db_url=url)
    subs = {s["student"]: s for s in api.get_submissions(AID)}
    assert {s: (d["score"], d["max_score"]) for s, d in subs.items()} == \
        {s: (sc, cfg.get(AID).points) for s, sc in csv_scores.items()}
    assert all(not d["needs_manual_grade"] for d in subs.values())
    students = {s["id"]: s for s in api.get_students()}
    assert set(students) == set(csv_scores)
    assert {s: d["score"] for s, d in students.items()} == csv_scores
    with _gradebook(url) as gb:
        per_nb = {d["student"]: d["score"] for d in gb.notebook_submission_dicts(AID, AID)}
    assert per_nb == csv_scores


@pytest.mark.pipeline
def test_nbgrader_autograde_writes_directly_into_postgres(cfg, server, tmp_path):
    """nbgrader's own autograde with a postgresql:// gradebook (no nnlab in between)."""
    from nnlab.build import key_path
    root = tmp_path / "course"
    shutil.copytree(cfg.ROOT / "source" / AID, root / "source" / AID)
    key_path(root, AID).parent.mkdir(parents=True)
    shutil.copy2(key_path(cfg.ROOT, AID), key_path(root, AID))
    write_submission(make_submission(cfg.ROOT, AID), root / "submitted", "reference", AID)
    url = server.new_database("direct")
    api = nbgrader_api(cfg, root, db_url=url)
    checked(api.generate_assignment(AID, force=True, create=True), "generate_assignment")
    checked(api.autograde(AID, "reference", force=True, create=True), "autograde")
    with _gradebook(url) as gb:
        sub = gb.find_submission(AID, "reference")
        assert (float(sub.score), float(sub.max_score)) == (cfg.get(AID).points, cfg.get(AID).points)


# ---------------------------------------------------------------- concurrent writers

def _cells(root):
    """(grade id, points) of every graded cell of the lesson's source notebook."""
    out = []
    for c in read_nb(source_notebook(root, AID)).cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade"):
            out.append((meta["grade_id"], float(meta["points"])))
    return out


def expected_score(student_index, cell_index, points):
    """A score each writer derives from the student and cell alone (no two cells alike)."""
    return float((student_index * 7 + cell_index * 3) % (int(points) + 1))


def _rows(root, students):
    from nnlab.grading import Row
    cells = _cells(root)
    rows = []
    for k in students:
        marks = [(name, expected_score(k, j, pts), pts) for j, (name, pts) in enumerate(cells)]
        rows.append(Row(f"s{k:03d}", AID, score=sum(m[1] for m in marks), max_score=sum(p for _, p in cells),
                        cells=marks))
    return rows


def _writer(root, url, students, start, errors, ready=None):
    """One grading run's final step, in its own process: write its rows into the gradebook."""
    try:
        from nnlab.cli import grade as grading
        from nnlab.cli.course import load_config
        cfg = load_config(root)
        start.wait()
        if ready is not None:
            ready.set()
        grading.write_gradebook(cfg, _rows(root, students), url)
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        import traceback
        errors.put(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")


def _run_writers(root, url, groups):
    ctx = multiprocessing.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(root), url, g, start, errors)) for g in groups]
    for p in procs:
        p.start()
    time.sleep(1.0)  # both imported and waiting: they start writing together
    start.set()
    for p in procs:
        p.join(timeout=300)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    return [p.exitcode for p in procs], problems


def _check(url, root, students):
    cells = _cells(root)
    with _gradebook(url) as gb:
        subs = {s.student_id: s for s in gb.assignment_submissions(AID)}
        assert sorted(subs) == [f"s{k:03d}" for k in students]
        for k in students:
            sub = subs[f"s{k:03d}"]
            grades = {g.name: float(g.score) for g in sub.notebooks[0].grades}
            assert len(sub.notebooks[0].grades) == len(cells)  # none doubled, none missing
            assert grades == {name: expected_score(k, j, pts) for j, (name, pts) in enumerate(cells)}
            assert float(sub.score) == sum(grades.values())
        assert len(gb.find_assignment(AID).notebooks) == 1
        assert len(gb.find_notebook(AID, AID).grade_cells) == len(cells)
        # no row outside a submission (what a torn write would leave)
        from nbgrader.api import Grade
        assert gb.db.query(Grade).count() == len(students) * len(cells)


@pytest.mark.parametrize("overlap", [False, True], ids=["different-students", "same-students"])
def test_two_concurrent_writers_never_corrupt_the_gradebook(cfg, server, overlap):
    n = STUDENTS_PER_WRITER
    groups = [list(range(n)), list(range(n))] if overlap else [list(range(n)), list(range(n, 2 * n))]
    url = server.new_database(f"concurrent_{'same' if overlap else 'different'}")
    codes, problems = _run_writers(cfg.ROOT, url, groups)
    assert codes == [0, 0] and not problems, "\n".join(problems)
    _check(url, cfg.ROOT, sorted(set(groups[0]) | set(groups[1])))
    # a second round on the now-initialised gradebook: re-writing the same scores doubles nothing
    codes, problems = _run_writers(cfg.ROOT, url, groups)
    assert codes == [0, 0] and not problems, "\n".join(problems)
    _check(url, cfg.ROOT, sorted(set(groups[0]) | set(groups[1])))


def test_write_gradebook_waits_for_the_writer_lock(cfg, server):
    """While another writer holds the lock, nnlab's gradebook writer writes nothing; then it writes."""
    from nnlab.cluster import gradebook_lock
    url = server.new_database("lock_wait")
    _gradebook(url).close()  # tables created here: the writer's own set-up is quick
    ctx = multiprocessing.get_context("spawn")
    start, ready, errors = ctx.Event(), ctx.Event(), ctx.Queue()
    with gradebook_lock(url):
        proc = ctx.Process(target=_writer, args=(str(cfg.ROOT), url, [0, 1], start, errors, ready))
        proc.start()
        start.set()
        assert ready.wait(timeout=120), "the writer process did not start"
        proc.join(timeout=LOCK_WAIT_S)
        assert proc.is_alive(), "write_gradebook finished while another writer held the gradebook lock"
        with _gradebook(url) as gb:
            assert gb.db.query(__import__("nbgrader.api").api.SubmittedAssignment).count() == 0
    proc.join(timeout=300)
    assert proc.exitcode == 0 and errors.empty()
    _check(url, cfg.ROOT, [0, 1])

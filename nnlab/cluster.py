"""Grade submissions on a Dask cluster (``dask.distributed``).

One task per submission, so the scheduler balances the work as it goes (a slow
notebook holds up one worker, not a pre-assigned stripe).  Each task ships the
notebook's bytes to a worker, which grades it with :func:`grade_submission` in a
scratch course root of its own — every kernel in the bubblewrap sandbox, every
score decided outside the kernel, exactly as on one machine — and sends back the
row and the feedback pages, which the client writes into ``out_dir``.  Workers
share no file system with the client or each other.

What each worker machine needs
------------------------------
- **bubblewrap** (``apt-get install bubblewrap``; on Ubuntu also the AppArmor
  user-namespace switch the sandbox's error names).  A worker without it is
  refused before any task runs, unless the run is ``unsafe``.
- **The same Python environment as the instructor's**: this repository installed
  (``pip install -e '.[cluster]'``, which brings ``nnlab``, the course's student
  library ``autograder``, nbgrader and dask), with the same versions: a worker
  reports its versions and a mismatch is refused.
- **A course root** holding ``course_config.py``, ``nbgrader_config.py``,
  ``source/<assignment>/`` and ``keys/<assignment>.json`` (what ``nnlab build``
  wrote), at the client's checkout path or at the path in the worker's
  ``NNLAB_COURSE_ROOT``.  It needs **no** ``solutions/``: the reference answers
  are in the source notebooks' solution cells and the key; copy a stripped root
  with ``rsync -a --include='/course_config.py' --include='/nbgrader_config.py'
  --include='/source/***' --include='/keys/***' --exclude='*' checkout/ worker:/srv/course/``.
- A writable scratch folder for the scratch roots (``/dev/shm`` when roomy, else
  ``TMPDIR``; ``NNLAB_SCRATCH`` overrides); it is emptied after each submission.
  When the course root's ``build/`` is writable, the workers of one machine
  generate each assignment there once (``build/grading-templates``) and copy it.

Starting a cluster
------------------
On the scheduler machine (any machine the workers and the instructor reach)::

    dask scheduler --port 8786

On each worker machine, one single-threaded worker process per core (each
process grades one notebook at a time; its kernel is the second process)::

    NNLAB_COURSE_ROOT=/srv/course dask worker tcp://SCHEDULER:8786 --nworkers 2 --nthreads 1

Then grade from the instructor's checkout with ``scheduler="tcp://SCHEDULER:8786"``.
The Dask ports carry student notebooks and grades unencrypted: keep them on a
private network or configure Dask's TLS.
"""
import atexit
import contextlib
import os
import shutil
import socket
import tempfile
import threading
import time
import warnings
from pathlib import Path, PurePosixPath

from nnlab.grading import (ROW_FIELDS, content_hash, grade_submission, grader_hash, persistent_templates, refusal,
                           scratch_parent, submission_files)
from nnlab.markers import FEEDBACK_FORBIDDEN

#: Keys of the plain dict every grading task returns (``nnlab.grading.grade_submission``'s row) ...
ROW_KEYS = ROW_FIELDS
#: ... plus where it was graded.
EXTRA_KEYS = ("worker",)
#: A task whose worker died (machine lost, process killed) is re-run this many times elsewhere;
#: grading is idempotent, so a re-run cannot count a submission twice.
DEFAULT_RETRIES = 2


class ClusterError(RuntimeError):
    """The cluster cannot grade (a worker lacks the sandbox, the course root, ...)."""


def worker_root(default):
    """The course root a worker grades against: ``NNLAB_COURSE_ROOT`` if set, else ``default``."""
    return Path(os.environ.get("NNLAB_COURSE_ROOT") or default)


def worker_facts(default_root, assignment_ids):
    """What a worker has (runs on each worker through ``Client.run``): tools, versions, course root.

    Returns a dict: host, pid, root, bwrap (path or None), versions {distribution: version},
    autograder (the student library's folder or None), graders {assignment id: sha256 of
    its source notebook and key}, missing [files or packages], has_solutions.
    """
    import importlib.metadata as md
    root = worker_root(default_root)
    facts = {"host": socket.gethostname(), "pid": os.getpid(), "root": str(root), "bwrap": shutil.which("bwrap"),
             "versions": {}, "graders": {}, "missing": [], "has_solutions": (root / "solutions").exists()}
    for dist in ("nn-learning-lab", "nbgrader", "nbclient", "numpy", "distributed"):
        try:
            facts["versions"][dist] = md.version(dist)
        except md.PackageNotFoundError:
            facts["versions"][dist] = None
    try:
        from nnlab.sandbox import checking_library_dir
        facts["autograder"] = str(checking_library_dir())
    except Exception as exc:  # noqa: BLE001 - reported to the instructor, not raised on the worker
        facts["autograder"] = None
        facts["missing"].append(f"the student library autograder ({exc})")
    if not (root / "course_config.py").is_file():
        facts["missing"].append(str(root / "course_config.py"))
    for aid in assignment_ids:
        for path in (root / "source" / aid / f"{aid}.ipynb", root / "keys" / f"{aid}.json"):
            if not path.is_file():
                facts["missing"].append(str(path))
        facts["graders"][aid] = grader_hash(root, aid)
    return facts


#: Packages whose version must match the instructor's: they decide scores and feedback.
SAME_VERSIONS = ("nn-learning-lab", "nbgrader", "nbclient", "numpy")


def check_workers(client, root, assignment_ids, unsafe=False):
    """Refuse a cluster any of whose workers cannot grade as the instructor's machine would.

    A worker must have bubblewrap (unless ``unsafe``), the student library, the packages of
    :data:`SAME_VERSIONS` at the instructor's versions, and a course root whose source
    notebook and key of every assignment are byte-identical to the instructor's.

    Returns ``{worker address: facts}`` (see :func:`worker_facts`); raises
    :class:`ClusterError` naming each worker and what it lacks.
    """
    if not client.scheduler_info().get("workers"):
        raise ClusterError("the Dask cluster has no workers (start them with `dask worker tcp://...`)")
    facts = client.run(worker_facts, str(root), list(assignment_ids))
    here = worker_facts(root, list(assignment_ids))
    problems = []
    for addr, f in sorted(facts.items()):
        lacks = list(f["missing"])
        if f["bwrap"] is None and not unsafe:
            lacks.append("bubblewrap (bwrap) to sandbox the kernels")
        for dist in SAME_VERSIONS:
            if f["versions"].get(dist) != here["versions"].get(dist):
                lacks.append(f"{dist}=={here['versions'].get(dist)} (has {f['versions'].get(dist)})")
        stale = [a for a in assignment_ids if f["graders"].get(a) != here["graders"].get(a)]
        if stale and not f["missing"]:
            lacks.append(f"the instructor's source notebook and key of {stale} (its copy differs: rsync it)")
        if lacks:
            problems.append(f"{addr} ({f['host']}, root {f['root']}): needs " + "; ".join(lacks))
    if problems:
        raise ClusterError("workers that cannot grade:\n  " + "\n  ".join(problems))
    return facts


# ---------------------------------------------------------------- on a worker

_LOCK = threading.Lock()  # one grading at a time per worker process, even with --nthreads > 1
_SCRATCH_BASE = []


def _scratch(root, assignment_id):
    """This process's scratch course root for one version of an assignment's grader.

    ``grade_submission`` sets a scratch root up once per process; a long-lived worker
    must not keep grading against a lesson that was rebuilt since, so the root is
    named by the grader's hash.
    """
    if not _SCRATCH_BASE:
        base = tempfile.mkdtemp(prefix=f"nnlab-dask-{os.getpid()}-", dir=scratch_parent())
        atexit.register(shutil.rmtree, base, True)
        _SCRATCH_BASE.append(Path(base))
    return _SCRATCH_BASE[0] / f"{assignment_id}-{grader_hash(root, assignment_id)[:16]}"


def grade_task(root, student, assignment_id, files, notebook, grader, unsafe=False):
    """Grade one submission on a worker; return its row plus ``files`` (feedback pages by relative path).

    Parameters
    ----------
    root : str
        The client's course root (a worker's ``NNLAB_COURSE_ROOT`` overrides it).
    student, assignment_id : str
        Who submitted what.
    files : dict of str to bytes
        The submission's files by relative path (``nnlab.grading.submission_files``).
    notebook : str
        Which of ``files`` is the notebook.
    grader : str
        The instructor's ``grader_hash`` of the assignment: a worker whose source notebook
        or key differs refuses (its scores would not be the instructor's).
    unsafe : bool
        Grade without the sandbox when bubblewrap is missing (trusted notebooks only).
    """
    here = worker_root(root)
    if grader_hash(here, assignment_id) != grader:
        raise ClusterError(f"{socket.gethostname()}: {here}'s source notebook or key of {assignment_id} "
                           f"differs from the instructor's")
    with _LOCK, tempfile.TemporaryDirectory(prefix="nnlab-dask-task-", dir=scratch_parent()) as tmp:
        tmp = Path(tmp)
        folder = tmp / "submitted" / student / assignment_id
        for rel, data in files.items():
            dest = folder / _safe_relpath(rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        out = tmp / "out"
        out.mkdir()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy's SAWarnings from inside nbgrader
            # workers of one host generate each assignment once, in the checkout's build/ when writable
            template = persistent_templates(here)
            row = dict(grade_submission(str(here), str(folder / notebook), student, assignment_id, str(out),
                                        str(_scratch(here, assignment_id)), unsafe=unsafe,
                                        template_dir=None if template is None else str(template)))
        pages = {}
        if row.get("feedback"):
            for page in sorted((out / row["feedback"]).rglob("*")):
                if page.is_file():
                    pages[page.relative_to(out).as_posix()] = page.read_bytes()
    row["files"] = pages
    row["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return row


# ---------------------------------------------------------------- on the client

def _safe_relpath(rel, *prefix):
    """``rel`` as a Path if it is relative, has no ``..`` and starts with ``prefix``; else ValueError."""
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or p.parts[:len(prefix)] != prefix or len(p.parts) <= len(prefix):
        raise ValueError(f"path {rel!r} is not under {'/'.join(prefix) or 'its folder'}/")
    return Path(*p.parts)


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _store(row, out_dir):
    """Write a task's feedback pages under ``out_dir``; return the row without them."""
    files = row.pop("files", {})
    for rel, data in files.items():
        _safe_relpath(rel, "feedback", row["student"], row["assignment"])
        hits = [m for m in FEEDBACK_FORBIDDEN if m.encode() in data]
        if hits:  # the worker checks this too; a page showing hidden tests never reaches out_dir
            row["status"] = f"graded (feedback withheld: {rel} would show {hits})"
            row["feedback"] = ""
            return row
    for rel, data in files.items():
        _write_atomically(Path(out_dir) / rel, data)
    return row


def _submission(path, assignment_id):
    """``(files by relative path, the notebook's relative path)`` of one submission."""
    listed = submission_files(path, assignment_id)
    files = {rel: p.read_bytes() for rel, p in listed}
    notebook = [rel for rel, p in listed if p == Path(os.path.abspath(path))]
    return files, (notebook[0] if notebook else f"{assignment_id}.ipynb")


def _failed_row(student, aid, max_score, status, digest):
    """The row of a submission that was not graded (score 0, no feedback)."""
    return {"student": student, "assignment": aid, "score": 0.0, "max_score": max_score, "status": status,
            "feedback": "", "cells": [], "messages": [], "seconds": 0.0, "content_hash": digest, "worker": ""}


def grade_on_cluster(submissions, out_dir, root, scheduler=None, n_workers=2, unsafe=False, progress=None,
                     retries=DEFAULT_RETRIES, client=None):
    """Grade ``submissions`` on a Dask cluster; return one row (dict) per submission, in completion order.

    Parameters
    ----------
    submissions : iterable of (str, str, path-like)
        ``(student, assignment id, notebook path)`` on this machine.  In nbgrader's layout
        (``.../<student>/<id>/<id>.ipynb``) the whole folder is sent, as ``nnlab grade`` grades it.
    out_dir : path-like
        Where the feedback pages go (``feedback/<student>/<assignment>/``).
    root : path-like
        The instructor's course root (``source/`` and ``keys/``; see the module docstring
        for what the workers need).
    scheduler : str, optional
        A running scheduler's address (``tcp://host:8786``).  Without one, a
        ``LocalCluster`` of ``n_workers`` single-threaded processes on 127.0.0.1 is
        started for this call.
    n_workers : int
        Worker processes of the local cluster (ignored with ``scheduler`` or ``client``).
    unsafe : bool
        Grade without the kernel sandbox where bubblewrap is missing (trusted notebooks only).
    progress : callable, optional
        ``progress(done, total, row)`` as each submission's row arrives (e.g. append it to
        ``nnlab grade``'s manifest, draw the bar).
    retries : int
        Times a task is re-run after its worker died.
    client : distributed.Client, optional
        An existing client (then ``scheduler`` and ``n_workers`` are ignored and it stays open).

    Returns
    -------
    list of dict
        Keys :data:`ROW_KEYS` plus :data:`EXTRA_KEYS`.  A submission whose task raised gets
        ``status = "failed: <reason>"`` and score 0 instead of stopping the class.
    """
    from distributed import Client, LocalCluster, as_completed

    from nnlab.cli.course import load_config

    subs = [(str(s), str(a), Path(p)) for s, a, p in submissions]
    seen = set()
    for student, aid, path in subs:
        if (student, aid) in seen:
            raise ValueError(f"submissions: {student}/{aid} appears twice")
        seen.add((student, aid))
        if not path.is_file():
            raise ValueError(f"submissions: no notebook {path} for {student}/{aid}")
    root = Path(root).resolve()
    cfg = load_config(root)
    aids = sorted({a for _, a, _ in subs})
    graders = {a: grader_hash(root, a) for a in aids}
    own = []
    try:
        if client is None:
            if scheduler is None:
                cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
                own.append(cluster)
                client = Client(cluster)
            else:
                client = Client(scheduler)
            own.insert(0, client)
        check_workers(client, root, aids, unsafe=unsafe)
        futures = {}
        rows = []
        for student, aid, path in subs:
            refused = refusal(path, aid)
            if refused:  # never read, never sent: a link names a file of this machine
                rows.append(_failed_row(student, aid, float(cfg.get(aid).points), f"failed: {refused}", ""))
                if progress is not None:
                    progress(len(rows), len(subs), rows[-1])
                continue
            files, notebook = _submission(path, aid)
            fut = client.submit(grade_task, str(root), student, aid, files, notebook, graders[aid], unsafe,
                                key=f"grade-{student}-{aid}-{content_hash(path, aid)[:16]}-{graders[aid][:8]}",
                                retries=retries, pure=False)
            futures[fut] = (student, aid, path)
        for fut in as_completed(futures):
            student, aid, path = futures[fut]
            try:
                row = _store(fut.result(), out_dir)
            except Exception as exc:  # noqa: BLE001 - one broken submission or worker must not stop the class
                row = _failed_row(student, aid, float(cfg.get(aid).points),
                                  f"failed: {type(exc).__name__}: {str(exc).strip()[:200]}", content_hash(path, aid))
            rows.append(row)
            if progress is not None:
                progress(len(rows), len(subs), row)
        return rows
    finally:
        for thing in own:
            thing.close()
        if own:  # closing our local cluster killed its workers: no sandbox of theirs may outlive them
            from nnlab.sandbox import reap_orphans
            reap_orphans()


# ---------------------------------------------------------------- a shared gradebook

#: PostgreSQL advisory-lock key every nnlab writer of a course gradebook takes ("nnlab-gb").
GRADEBOOK_LOCK_KEY = int.from_bytes(b"nnlab-gb", "big") & 0x7FFF_FFFF_FFFF_FFFF


@contextlib.contextmanager
def gradebook_lock(url, timeout_s=600.0):
    """Hold the course gradebook's writer lock while the ``with`` block writes to it.

    nbgrader's ``Gradebook(url)`` creates the tables of an empty database on first use and
    ``add_submission``/``update_or_create_student`` read-then-insert: two writers at once (two
    grading runs, two machines) race into unique-constraint errors, and one run's grades are
    lost.  Writers that hold this lock write one after another.  PostgreSQL: a session-level
    advisory lock (``pg_advisory_lock``) on its own connection, released when the block ends or
    the process dies.  SQLite: an exclusive ``flock`` on ``<database file>.lock``.

    Parameters
    ----------
    url : str
        The gradebook's SQLAlchemy URL (``postgresql://...`` or ``sqlite:///path``).
    timeout_s : float
        Give up (``TimeoutError``) after waiting this long for another writer.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    u = make_url(url)
    deadline = time.monotonic() + timeout_s
    if u.get_backend_name() == "postgresql":
        engine = create_engine(u, poolclass=_null_pool())
        try:
            with engine.connect() as conn:
                while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": GRADEBOOK_LOCK_KEY}).scalar():
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"another writer held the gradebook {u.render_as_string()} "
                                           f"for over {timeout_s:g} s")
                    time.sleep(0.2)
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": GRADEBOOK_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
    elif u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:"):
        import fcntl
        with open(f"{u.database}.lock", "a") as f:
            while True:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"another writer held the gradebook {u.database} "
                                           f"for over {timeout_s:g} s") from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    else:
        yield


def _null_pool():
    from sqlalchemy.pool import NullPool
    return NullPool

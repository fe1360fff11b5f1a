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
- A writable temporary directory (``TMPDIR``) for the scratch roots; it is
  emptied after each submission.

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
import hashlib
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path, PurePosixPath

from nnlab.markers import FEEDBACK_FORBIDDEN

#: Keys of the plain dict every grading task returns (what ``grade_submission`` returns).
ROW_KEYS = ("student", "assignment", "score", "max_score", "status", "feedback", "cells", "messages",
            "seconds", "content_hash")
#: A task whose worker died (machine lost, process killed) is re-run this many times elsewhere;
#: grading is idempotent, so a re-run cannot count a submission twice.
DEFAULT_RETRIES = 2


class ClusterError(RuntimeError):
    """The cluster cannot grade (a worker lacks the sandbox, the course root, ...)."""


def _grade_submission():
    """The single-submission grader (nnlab.grading, or nnlab.cli.grade before the split)."""
    try:
        from nnlab.grading import grade_submission
    except ImportError:
        from nnlab.cli import grade as cli_grade
        grade_submission = getattr(cli_grade, "grade_submission", None) or _shard_grade_submission
    return grade_submission


def _shard_grade_submission(root, notebook_path, student, assignment_id, out_dir, scratch_dir, unsafe=False):
    """Stand-in with ``grade_submission``'s contract, over ``nnlab grade``'s one-shard worker."""
    from nnlab.cli import grade as cli_grade
    notebook_path = Path(notebook_path)
    t0 = time.perf_counter()
    submitted = Path(scratch_dir) / "in"
    dest = submitted / student / assignment_id / notebook_path.name
    dest.parent.mkdir(parents=True)
    shutil.copy2(notebook_path, dest)
    if unsafe:
        os.environ["NNLAB_UNSAFE"] = "1"
    [row] = cli_grade._grade_shard(str(root), str(submitted), [(student, assignment_id)], str(out_dir),
                                   str(Path(scratch_dir) / "work"))
    row["seconds"] = time.perf_counter() - t0
    row["content_hash"] = hashlib.sha256(notebook_path.read_bytes()).hexdigest()
    return row


def worker_root(default):
    """The course root a worker grades against: ``NNLAB_COURSE_ROOT`` if set, else ``default``."""
    return Path(os.environ.get("NNLAB_COURSE_ROOT") or default)


def worker_facts(default_root, assignment_ids):
    """What a worker has (runs on each worker through ``Client.run``): tools, versions, course root."""
    import importlib.metadata as md
    root = worker_root(default_root)
    facts = {"host": socket.gethostname(), "pid": os.getpid(), "root": str(root),
             "bwrap": shutil.which("bwrap"), "unsafe_env": os.environ.get("NNLAB_UNSAFE", ""),
             "versions": {}, "missing": []}
    for dist in ("nn-learning-lab", "nbgrader", "nbclient", "numpy", "dask", "distributed"):
        try:
            facts["versions"][dist] = md.version(dist)
        except md.PackageNotFoundError:
            facts["versions"][dist] = None
    try:
        from nnlab.sandbox import checking_library_dir
        facts["autograder"] = str(checking_library_dir())
    except Exception as exc:  # noqa: BLE001 - reported to the instructor, not raised on the worker
        facts["autograder"] = None
        facts["missing"].append(f"student library autograder ({exc})")
    for name in ("course_config.py",):
        if not (root / name).is_file():
            facts["missing"].append(str(root / name))
    for aid in assignment_ids:
        for path in (root / "source" / aid / f"{aid}.ipynb", root / "keys" / f"{aid}.json"):
            if not path.is_file():
                facts["missing"].append(str(path))
    facts["has_solutions"] = (root / "solutions").exists()
    return facts


def check_workers(client, root, assignment_ids, unsafe=False):
    """Refuse a cluster any of whose workers cannot grade as the instructor's machine would.

    Returns ``{worker address: facts}`` (see :func:`worker_facts`); raises
    :class:`ClusterError` naming each worker and what it lacks.
    """
    if not client.scheduler_info().get("workers"):
        raise ClusterError("the Dask cluster has no workers (start them with `dask worker tcp://...`)")
    facts = client.run(worker_facts, str(root), list(assignment_ids))
    here = worker_facts(root, [])["versions"]
    problems = []
    for addr, f in sorted(facts.items()):
        lacks = list(f["missing"])
        if f["bwrap"] is None and not unsafe:
            lacks.append("bubblewrap (bwrap) to sandbox the kernels")
        for dist in ("nn-learning-lab", "nbgrader", "nbclient", "numpy"):
            if f["versions"].get(dist) != here.get(dist):
                lacks.append(f"{dist}=={here.get(dist)} (has {f['versions'].get(dist)})")
        if lacks:
            problems.append(f"{addr} ({f['host']}, root {f['root']}): needs " + "; ".join(lacks))
    if problems:
        raise ClusterError("workers that cannot grade:\n  " + "\n  ".join(problems))
    return facts


def grade_task(root, student, assignment_id, filename, notebook, unsafe=False):
    """Grade one submission on a worker; return its row plus ``files`` (feedback pages, by relative path).

    Parameters
    ----------
    root : str
        The client's course root (a worker's ``NNLAB_COURSE_ROOT`` overrides it).
    student, assignment_id : str
        Who submitted what.
    filename : str
        The notebook's file name (nbgrader matches submitted notebooks by name).
    notebook : bytes
        The submitted notebook, as found in the instructor's submissions folder.
    unsafe : bool
        Grade without the sandbox when bubblewrap is missing (trusted notebooks only).
    """
    grade_submission = _grade_submission()
    with tempfile.TemporaryDirectory(prefix="nnlab-dask-") as tmp:
        tmp = Path(tmp)
        nb_path = tmp / "submitted" / student / assignment_id / filename
        nb_path.parent.mkdir(parents=True)
        nb_path.write_bytes(notebook)
        out = tmp / "out"
        out.mkdir()
        row = dict(grade_submission(str(worker_root(root)), str(nb_path), student, assignment_id, str(out),
                                    str(tmp / "scratch"), unsafe=unsafe))
        files = {}
        if row.get("feedback"):
            for page in sorted((out / row["feedback"]).rglob("*")):
                if page.is_file():
                    files[page.relative_to(out).as_posix()] = page.read_bytes()
    row["files"] = files
    row["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return row


def _safe_relpath(rel, student, assignment_id):
    """``rel`` if it lies under ``feedback/<student>/<assignment>/``; else ValueError."""
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or p.parts[:3] != ("feedback", student, assignment_id):
        raise ValueError(f"feedback path {rel!r} is not under feedback/{student}/{assignment_id}/")
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
        hits = [m for m in FEEDBACK_FORBIDDEN if m.encode() in data]
        if hits:  # the worker checks this too; a page showing hidden tests never reaches out_dir
            row["status"] = f"graded (feedback withheld: {rel} would show {hits})"
            row["feedback"] = ""
            return row
    for rel, data in files.items():
        _write_atomically(Path(out_dir) / _safe_relpath(rel, row["student"], row["assignment"]), data)
    return row


def _failed_row(student, assignment_id, notebook, reason):
    return {"student": student, "assignment": assignment_id, "score": 0.0, "max_score": 0.0,
            "status": f"failed: {reason}"[:300], "feedback": "", "cells": [], "messages": [], "seconds": 0.0,
            "content_hash": hashlib.sha256(notebook).hexdigest(), "worker": ""}


def grade_on_cluster(submissions, out_dir, root, scheduler=None, n_workers=2, unsafe=False, progress=None,
                     retries=DEFAULT_RETRIES, client=None):
    """Grade ``submissions`` on a Dask cluster; return one row (dict) per submission, in completion order.

    Parameters
    ----------
    submissions : iterable of (str, str, path-like)
        ``(student, assignment id, notebook path)`` on this machine.
    out_dir : path-like
        Where the feedback pages go (``feedback/<student>/<assignment>/``).
    root : path-like
        The instructor's course root (``source/`` and ``keys/``; see the module docstring
        for what the workers need).
    scheduler : str, optional
        A running scheduler's address (``tcp://host:8786``).  Without one, a
        ``LocalCluster`` of ``n_workers`` single-threaded processes is started for this call.
    n_workers : int
        Worker processes of the local cluster (ignored with ``scheduler`` or ``client``).
    unsafe : bool
        Grade without the kernel sandbox where bubblewrap is missing (trusted notebooks only).
    progress : callable, optional
        ``progress(done, total, row)`` after each submission is graded.
    retries : int
        Times a task is re-run after its worker died.
    client : distributed.Client, optional
        An existing client (then ``scheduler`` and ``n_workers`` are ignored).

    Returns
    -------
    list of dict
        Keys :data:`ROW_KEYS` plus ``worker``.  A submission whose task raised gets
        ``status = "failed: <reason>"`` and score 0 instead of aborting the run.
    """
    from distributed import Client, LocalCluster, as_completed

    subs = [(str(s), str(a), Path(p)) for s, a, p in submissions]
    seen = set()
    for student, aid, path in subs:
        if (student, aid) in seen:
            raise ValueError(f"submissions: {student}/{aid} appears twice")
        seen.add((student, aid))
        if not path.is_file():
            raise ValueError(f"submissions: no notebook {path} for {student}/{aid}")
    root = Path(root).resolve()
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
        check_workers(client, root, sorted({a for _, a, _ in subs}), unsafe=unsafe)
        futures = {}
        for student, aid, path in subs:
            data = path.read_bytes()
            fut = client.submit(grade_task, str(root), student, aid, path.name, data, unsafe,
                                key=f"grade-{student}-{aid}-{hashlib.sha256(data).hexdigest()[:16]}",
                                retries=retries, pure=False)
            futures[fut] = (student, aid, data)
        rows = []
        for fut in as_completed(futures):
            student, aid, data = futures[fut]
            try:
                row = _store(fut.result(), out_dir)
            except Exception as exc:  # noqa: BLE001 - one broken submission or worker must not stop the class
                row = _failed_row(student, aid, data, f"{type(exc).__name__}: {exc}")
            rows.append(row)
            if progress is not None:
                progress(len(rows), len(futures), row)
        return rows
    finally:
        for thing in own:
            thing.close()

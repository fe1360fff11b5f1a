"""Grading engine: one submitted notebook at a time, in any process.

``grade_submission`` is the unit of work every backend shares: the local
process pool of ``nnlab grade`` and the Dask workers of ``nnlab.cluster``.  It
grades one notebook with real nbgrader in a scratch course root *outside the
course checkout* (student code cannot reach ``solutions/``), every kernel in
the bubblewrap sandbox, scores decided outside the kernel (``ScoreOutsideKernel``),
and returns a plain dict.  A worker needs the course checkout's ``source/`` and
``keys/`` (and the course's student library installed), never ``solutions/``.

A scratch root is reused by every call in the same process that names it: the
assignment is generated into its SQLite gradebook once (that gradebook has one
writer, the calling process), later submissions only autograde.
"""
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nnlab.markers import FEEDBACK_FORBIDDEN  # hidden-test text and baked data

# Row fields, in this order, are the public result of grading one submission.
ROW_FIELDS = ("student", "assignment", "score", "max_score", "status", "feedback", "cells", "messages",
              "seconds", "content_hash", "timings")


@dataclass
class Row:
    student: str
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"
    feedback: str = ""
    cells: list = field(default_factory=list)  # (cell id, score, max score)
    messages: list = field(default_factory=list)  # what the test cells told the student
    seconds: float = 0.0  # wall time of this submission's autograde + feedback
    content_hash: str = ""  # sha256 of the submitted files (see ``content_hash``)
    timings: dict = field(default_factory=dict)  # seconds per phase: setup, autograde, feedback, scores

    @property
    def percent(self):
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


class GradingError(Exception):
    """Grading cannot start at all (no sandbox, missing course files)."""


# ---------------------------------------------------------------- what is graded

def submission_files(notebook_path, assignment_id):
    """The files that make up one submission, as ``(relative path, absolute path)`` pairs.

    In nbgrader's layout (``.../<student>/<assignment_id>/<assignment_id>.ipynb``) the
    whole assignment folder is the submission (students may add data files); anywhere
    else (a student's repository in single-submission mode) only the notebook is.
    Checkpoint folders are not part of a submission.
    """
    refused = refusal(notebook_path, assignment_id)
    if refused:
        raise GradingError(refused)
    nb = Path(os.path.abspath(notebook_path))  # not resolve(): a link is refused, never followed
    if not nb.is_file():
        raise GradingError(f"no submitted notebook {nb}")
    if nb.parent.name != assignment_id:
        return [(f"{assignment_id}.ipynb", nb)]
    files = []
    for p in sorted(nb.parent.rglob("*")):
        rel = p.relative_to(nb.parent)
        if p.is_file() and ".ipynb_checkpoints" not in rel.parts:
            files.append((rel.as_posix(), p))
    return files


def submission_links(notebook_path, assignment_id):
    """The submission's symbolic links, relative to its folder (a folder's name ends in ``/``).

    A link in a submission (a student's git repository can carry them; so can an unpacked
    archive) names a file of the grading machine: a classmate's notebook, the answer key.
    Copying the submission would copy that file, so no link is followed: the notebook, its
    assignment and student folders (nbgrader's layout) and every file in the assignment
    folder must be regular files and folders.
    """
    nb = Path(os.path.abspath(notebook_path))
    if nb.parent.name != assignment_id:  # only the notebook is the submission
        return [nb.name] if nb.is_symlink() else []
    folders = [f"{d.name}/" for d in (nb.parent, nb.parent.parent) if d.is_symlink()]
    if folders:  # everything in it is somebody else's
        return folders
    return [p.relative_to(nb.parent).as_posix() for p in sorted(nb.parent.rglob("*"))
            if p.is_symlink() and ".ipynb_checkpoints" not in p.relative_to(nb.parent).parts]


def refusal(notebook_path, assignment_id):
    """Why the submission cannot be graded as it is (it holds symbolic links), or None."""
    links = submission_links(notebook_path, assignment_id)
    if not links:
        return None
    return (f"refused: {', '.join(links[:3])}{' …' if len(links) > 3 else ''} "
            f"{'is a symbolic link (symlink)' if len(links) == 1 else 'are symbolic links (symlinks)'}; "
            "a submission must hold regular files only, so replace each link by the file itself")


def content_hash(notebook_path, assignment_id):
    """sha256 over the submission's relative paths and bytes: changes iff what is graded changes."""
    h = hashlib.sha256()
    for rel, p in submission_files(notebook_path, assignment_id):
        h.update(rel.encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def grader_hash(root, assignment_id):
    """sha256 of what the grader grades against (source notebook and key): a rebuilt lesson regrades."""
    from nnlab.build import key_path
    h = hashlib.sha256()
    for p in (Path(root) / "source" / assignment_id / f"{assignment_id}.ipynb", key_path(root, assignment_id)):
        h.update(p.read_bytes() if p.exists() else b"missing")
    return h.hexdigest()


# ---------------------------------------------------------------- where and how many

SCRATCH_MIN_FREE = 2 << 30  # bytes a memory file system must have free to hold grading scratch
WORKER_MEMORY = 1 << 30     # bytes budgeted per worker (its process, a kernel, its sandbox copy)


def scratch_parent():
    """A folder for grading scratch: ``/dev/shm`` when it is a roomy memory file system, else the
    system's temporary folder.

    Scratch gradebooks and copies are thrown away after the run, so they need no durability:
    on tmpfs each SQLite commit (nbgrader commits per graded cell) skips the disk's fsync.
    ``NNLAB_SCRATCH`` overrides.
    """
    chosen = os.environ.get("NNLAB_SCRATCH")
    if chosen:
        return chosen
    shm = Path("/dev/shm")
    try:
        st = os.statvfs(shm)
        if os.access(shm, os.W_OK | os.X_OK) and st.f_bavail * st.f_frsize >= SCRATCH_MIN_FREE:
            return str(shm)
    except OSError:
        pass
    return None  # tempfile's default


def default_jobs():
    """Worker processes for this machine: one more than its cores, within its memory.

    A worker alternates between waiting for its kernel (a separate process) and
    its own work (scoring, feedback, gradebook); with one worker per core, a
    core idles during every kernel start and every wait, so one extra worker
    keeps both busy.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        memory = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        memory = WORKER_MEMORY * (cores + 1)
    return max(1, min(cores + 1, memory // WORKER_MEMORY))


# ---------------------------------------------------------------- one submission

def check_sandbox(unsafe=False):
    """Refuse to grade when kernels cannot be sandboxed, unless ``unsafe`` (trusted notebooks only)."""
    from nnlab import sandbox
    if unsafe:
        os.environ["NNLAB_UNSAFE"] = "1"  # read by the kernel manager configuration, inherited by workers
    elif not sandbox.unsafe_from_env() and shutil.which("bwrap") is None:
        raise GradingError(f"cannot sandbox the students' kernels: bubblewrap (bwrap) is not installed; "
                           f"{sandbox.INSTALL_HINT}")


def tools_on_path():
    """Put this interpreter's ``bin/`` on PATH: nbgrader's Gradebook runs ``alembic`` from there.

    (Only the grader's environment: kernels get an allow-listed environment in the sandbox.)
    """
    bindir = str(Path(sys.executable).parent)  # not resolved: a venv's python is a symlink
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


_SCRATCH = {}  # (root, assignment root) -> (db_url, converters): set up once per process
READY = ".nnlab-ready"  # in an assignment root: the grader hash it was generated for


def _generate(root, work, assignment_id):
    """``work`` = a fresh course root holding one generated assignment (its own SQLite gradebook)."""
    from nnlab.build import key_path
    from nnlab.cli.course import checked, load_config, nbgrader_api

    src = Path(root) / "source" / assignment_id
    if not src.is_dir() or not key_path(root, assignment_id).exists():
        raise GradingError(f"{assignment_id}: no source/ or keys/ in {root} (run nnlab build)")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(src, work / "source" / assignment_id)
    key_path(work, assignment_id).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(key_path(root, assignment_id), key_path(work, assignment_id))
    api = nbgrader_api(load_config(root), work, db_url=f"sqlite:///{work / 'gradebook.db'}")
    checked(api.generate_assignment(assignment_id, force=True, create=True), f"generate_assignment {assignment_id}")
    (work / READY).write_text(template_hash(root, assignment_id))


def template_hash(root, assignment_id):
    """What a generated assignment depends on: the grader (source notebook, key), the course's
    nbgrader configuration and plug-ins, and nbgrader's version."""
    import nbgrader
    h = hashlib.sha256(grader_hash(root, assignment_id).encode())
    h.update(nbgrader.__version__.encode())
    for p in (Path(root) / "course_config.py", Path(__file__).with_name("nbgrader_ext.py")):
        h.update(p.read_bytes() if p.exists() else b"missing")
    return h.hexdigest()


def persistent_templates(root):
    """``<root>/build/grading-templates`` (git-ignored) when writable, else None.

    An assignment generated there is reused by later grading runs until what it depends on
    changes (``template_hash``), as an instructor generates a lesson once, not once per run.
    """
    folder = Path(root) / "build" / "grading-templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def _copy_from_template(root, template, assignment_id, work):
    """Copy the generated assignment root in ``template`` to ``work``; generate it first if needed.

    Processes sharing ``template`` (one host, one file system; several workers, even several
    runs) take a file lock: one of them runs ``generate_assignment`` per assignment while the
    others wait, then each copies the result, gradebook included, under the same lock (a copy
    never sees a half-generated folder).
    """
    import fcntl

    ready = template_hash(root, assignment_id)
    made = Path(template) / assignment_id
    Path(template).mkdir(parents=True, exist_ok=True)
    with open(Path(template) / f"{assignment_id}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (made / READY).exists() or (made / READY).read_text() != ready:
            _generate(root, made, assignment_id)
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(made, work)


def _scratch_api(root, scratch, assignment_id, template=None):
    """(db_url, (autograde, feedback) converters, assignment root) of ``scratch/<assignment_id>``,
    generated once per process."""
    from nnlab.cli.course import load_config, nbgrader_api

    work = Path(scratch) / assignment_id
    key = (str(root), str(work))
    if key not in _SCRATCH:
        if template is not None:
            _copy_from_template(root, template, assignment_id, work)
        else:
            _generate(root, work, assignment_id)
        from nnlab.nbgrader_ext import reusable_converters
        db_url = f"sqlite:///{work / 'gradebook.db'}"
        api = nbgrader_api(load_config(root), work, db_url=db_url)
        _SCRATCH[key] = (db_url, reusable_converters(api))
    return (*_SCRATCH[key], work)


def grade_submission(root, notebook_path, student, assignment_id, out_dir, scratch_dir, unsafe=False,
                     template_dir=None):
    """Grade one submitted notebook; write its feedback; return its Row as a dict.

    Parameters
    ----------
    root : path
        The course checkout (needs ``course_config.py``, ``source/<id>/`` and ``keys/<id>.json``;
        ``solutions/`` is not read).
    notebook_path : path
        The submitted ``<id>.ipynb`` (its folder is copied when it is named ``<id>``).
    student, assignment_id : str
    out_dir : path
        Feedback goes to ``out_dir/feedback/<student>/<id>/*.html``, each file written atomically.
    scratch_dir : path
        This process's scratch folder, created if missing; reuse it across calls in one process
        (``scratch_dir/<id>/`` is a course root where the assignment is generated once).  Must not
        be shared between processes.
    template_dir : path, optional
        A folder shared by the processes of one host: the assignment is generated there once
        and copied (see ``_copy_from_template``) rather than generated by every process.
    unsafe : bool
        Run kernels without the sandbox (only when bubblewrap is missing and notebooks are trusted).

    Returns
    -------
    dict
        Row fields: student, assignment, score, max_score, status (``"graded"`` or the reason it
        is not fully graded), feedback (path relative to ``out_dir`` or ``""``), cells
        ``[(cell id, score, max)]``, messages, seconds, content_hash.
    """
    from nbgrader.api import Gradebook

    from nnlab.cli.course import CourseError
    from nnlab.nbgrader_ext import run_converter

    t0 = time.perf_counter()
    check_sandbox(unsafe)
    tools_on_path()
    os.environ["MPLBACKEND"] = "Agg"  # kernels inherit it: figures are not rendered while grading
    root, out = Path(root).resolve(), Path(out_dir).resolve()
    row = Row(student, assignment_id, content_hash=content_hash(notebook_path, assignment_id))
    clock = [time.perf_counter()]

    def lap(phase):  # where the time goes, for the benchmark's profile
        now = time.perf_counter()
        row.timings[phase] = round(row.timings.get(phase, 0.0) + now - clock[0], 3)
        clock[0] = now

    try:
        db_url, (autograde, feedback), work = _scratch_api(root, Path(scratch_dir).resolve(), assignment_id,
                                                           None if template_dir is None else Path(template_dir).resolve())
    except CourseError as exc:
        raise GradingError(str(exc)) from None
    sub_dir = work / "submitted" / student / assignment_id
    for kind in ("submitted", "autograded", "feedback"):
        shutil.rmtree(work / kind / student / assignment_id, ignore_errors=True)
    sub_dir.mkdir(parents=True)
    for rel, p in submission_files(notebook_path, assignment_id):
        (sub_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, sub_dir / rel)
    lap("setup")  # first call in a process: generate_assignment; later calls: copying the submission

    result = run_converter(autograde, assignment_id, student)
    lap("autograde")
    if not result.get("success"):
        row.status = "failed: " + _reason(result)
    else:
        row.messages = feedback_messages(work / "autograded" / student / assignment_id)
        fb = run_converter(feedback, assignment_id, student)
        if fb.get("success") and (work / "feedback" / student / assignment_id).is_dir():
            withheld = _collect_feedback(work, out, student, assignment_id)
            if withheld:
                row.status = f"graded (feedback withheld: {withheld})"
            else:
                row.feedback = str(Path("feedback") / student / assignment_id)
        else:
            row.status = "graded (no feedback)"
        lap("feedback")
    with Gradebook(db_url) as gb:
        sub = gb.find_submission(assignment_id, student) if row.status.startswith("graded") else None
        if sub is not None:
            row.score, row.max_score = float(sub.score), float(sub.max_score)
            for nb in sub.notebooks:
                row.cells += [(g.name, float(g.score), float(g.max_score)) for g in nb.grades]
        else:
            row.max_score = float(gb.find_assignment(assignment_id).max_score)
    lap("scores")
    for kind in ("submitted", "autograded", "feedback"):  # a MOOC's worth of copies would fill the disk
        shutil.rmtree(work / kind / student / assignment_id, ignore_errors=True)
    row.seconds = round(time.perf_counter() - t0, 3)
    return asdict(row)


def _reason(result):
    """The most telling error line of a failed nbgrader API call (its own summary line says nothing)."""
    text = f"{result.get('log') or ''}\n{result.get('error') or ''}"
    errors = [ln.strip() for ln in text.splitlines()
              if re.match(r"^[\w.]*(Error|Exception|Timeout)\w*: ", ln.strip()) and "NbGraderException" not in ln]
    return (errors[-1] if errors else "autograde error (see logs/)")[:200]


def feedback_messages(autograded_dir):
    """The grader's verdict messages for every test cell of autograded notebooks, as
    ``[cell id] message`` lines (read from the data ScoreOutsideKernel stored, not from printed text)."""
    from nnlab.cli.course import nbgrader_meta, read_nb
    messages = []
    for path in sorted(Path(autograded_dir).glob("*.ipynb")):
        for cell in read_nb(path).cells:
            verdict = cell.get("metadata", {}).get("nnlab")
            if cell.cell_type == "code" and nbgrader_meta(cell).get("grade") and verdict:
                messages += [f"[{nbgrader_meta(cell).get('grade_id', cell.id)}] {m}" for m in verdict["messages"]]
    return messages


def quiet(log_path):
    """Send this process's stderr (nbgrader's log, kernel chatter) to a log file."""
    import logging
    import warnings

    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    warnings.simplefilter("ignore")  # SQLAlchemy's SAWarnings from inside nbgrader


def _collect_feedback(work, out, student, aid):
    """Copy a student's feedback to ``out``; return why it was withheld, if it was."""
    src_dir = work / "feedback" / student / aid
    pages = sorted(src_dir.glob("*.html"))
    for html in pages:
        hits = [m for m in FEEDBACK_FORBIDDEN if m in html.read_text()]
        if hits:  # never hand out a feedback file that shows hidden tests
            return f"{html.name} would show {hits}"
    dest_dir = Path(out) / "feedback" / student / aid
    dest_dir.mkdir(parents=True, exist_ok=True)
    for html in pages:
        write_atomically(dest_dir / html.name, lambda f, html=html: f.write(html.read_text()))
    return ""


def write_atomically(path, write):
    """Write ``path`` through a temporary file and a rename: readers see the old or the new file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", newline="") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)

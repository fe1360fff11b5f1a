"""``nnlab grade``: autograde a folder of submissions with real nbgrader.

Input is nbgrader's layout, ``<submitted>/<student>/<assignment>/<assignment>.ipynb``.
Output (``--out``): ``grades.csv``, ``feedback/<student>/<assignment>/*.html``
and ``details.csv`` (one row per graded cell).

Submissions are split into shards; each shard is graded in its own process,
in its own scratch course root *outside the course checkout* (so student code
cannot reach ``solutions/``) with its own SQLite gradebook (SQLite is not safe
for concurrent writers, and nbgrader autograde is serial, #174).

Exit code: 0 when every submission was graded with feedback, 2 when some was not.
"""
import concurrent.futures as cf
import csv
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty

from nnlab.markers import FEEDBACK_FORBIDDEN  # hidden-test text and baked data
from nnlab.cli.course import (CourseError, checked, load_config, nbgrader_api, nbgrader_meta, read_nb,
                                   select)

# Hidden-test text and baked data; a student's own code (even the reference's) may be shown.


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

    @property
    def percent(self):
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def find_submissions(submitted, assignment_ids):
    pairs = []
    for student_dir in sorted(p for p in Path(submitted).iterdir() if p.is_dir()):
        for aid in assignment_ids:
            if (student_dir / aid).is_dir():
                pairs.append((student_dir.name, aid))
    return pairs


def _grade_shard(root, submitted, pairs, out, scratch, progress_queue=None):
    """Worker: grade ``pairs`` in a fresh course root; return Rows as dicts.

    Each autograded submission is announced on ``progress_queue`` as it finishes.
    """
    work = Path(scratch)
    work.mkdir(parents=True)
    _quiet(Path(out) / "logs" / f"{work.name}.log")
    # Kernels inherit this: figures are not rendered while grading (faster, smaller feedback).
    os.environ["MPLBACKEND"] = "Agg"
    cfg = load_config(root)
    from nbgrader.api import Gradebook

    from nnlab.build import key_path
    for aid in sorted({aid for _, aid in pairs}):
        shutil.copytree(Path(root) / "source" / aid, work / "source" / aid)
        key_path(work, aid).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(key_path(root, aid), key_path(work, aid))
    db_url = f"sqlite:///{work / 'gradebook.db'}"
    api = nbgrader_api(cfg, work, db_url=db_url)
    for aid in sorted({aid for _, aid in pairs}):
        checked(api.generate_assignment(aid, force=True, create=True), f"generate_assignment {aid}")
    rows = []
    for student, aid in pairs:
        shutil.copytree(Path(submitted) / student / aid, work / "submitted" / student / aid)
        row = Row(student, aid)
        result = api.autograde(aid, student, force=True, create=True)
        if not result.get("success"):
            row.status = "failed: " + _reason(result)
        else:
            row.messages = feedback_messages(work / "autograded" / student / aid)
        rows.append(row)
        if progress_queue is not None:
            progress_queue.put((student, aid, "" if row.status == "graded" else row.status))
    # one feedback run per assignment for the whole shard (an nbgrader app start each is slow)
    for aid in sorted({r.assignment for r in rows if r.status == "graded"}):
        fb = api.generate_feedback(aid, force=True)
        for row in (r for r in rows if r.assignment == aid and r.status == "graded"):
            if fb.get("success") and (work / "feedback" / row.student / aid).is_dir():
                withheld = _collect_feedback(work, out, row.student, aid)
                if withheld:
                    row.status = f"graded (feedback withheld: {withheld})"
                else:
                    row.feedback = str(Path("feedback") / row.student / aid)
            else:
                row.status = "graded (no feedback)"
    with Gradebook(db_url) as gb:
        for row in rows:
            sub = gb.find_submission(row.assignment, row.student) if row.status.startswith("graded") else None
            if sub is not None:
                row.score, row.max_score = float(sub.score), float(sub.max_score)
                for nb in sub.notebooks:
                    row.cells += [(g.name, float(g.score), float(g.max_score)) for g in nb.grades]
            else:
                row.max_score = float(gb.find_assignment(row.assignment).max_score)
    return [asdict(r) for r in rows]


def _reason(result):
    """The most telling error line of a failed nbgrader API call (its own summary line says nothing)."""
    text = f"{result.get('log') or ''}\n{result.get('error') or ''}"
    errors = [ln.strip() for ln in text.splitlines()
              if re.match(r"^[\w.]*(Error|Exception|Timeout)\w*: ", ln.strip()) and "NbGraderException" not in ln]
    return (errors[-1] if errors else "autograde error (see logs/)")[:200]


def feedback_messages(autograded_dir):
    """The grader's verdict messages for every test cell of autograded notebooks, as
    ``[cell id] message`` lines (read from the data ScoreOutsideKernel stored, not from printed text)."""
    messages = []
    for path in sorted(Path(autograded_dir).glob("*.ipynb")):
        for cell in read_nb(path).cells:
            verdict = cell.get("metadata", {}).get("nnlab")
            if cell.cell_type == "code" and nbgrader_meta(cell).get("grade") and verdict:
                messages += [f"[{nbgrader_meta(cell).get('grade_id', cell.id)}] {m}" for m in verdict["messages"]]
    return messages


def _quiet(log_path):
    """Send this worker's stderr (nbgrader's log, kernel chatter) to a log file."""
    import logging
    import warnings

    log_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
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
        _write_atomically(dest_dir / html.name, lambda f, html=html: f.write(html.read_text()))
    return ""


def grade(cfg, submitted, assignments, out, jobs=1, progress=print, unsafe=False):
    """Grade every submission found; return the list of Rows.

    Every kernel runs in the sandbox (``nnlab.sandbox``); without bubblewrap this
    refuses to start unless ``unsafe`` (then kernels run with your permissions).
    """
    from nnlab import sandbox
    if unsafe:
        os.environ["NNLAB_UNSAFE"] = "1"  # the worker processes inherit it
    elif not sandbox.unsafe_from_env() and shutil.which("bwrap") is None:
        raise CourseError(f"cannot sandbox the students' kernels: bubblewrap (bwrap) is not installed; "
                          f"{sandbox.INSTALL_HINT}")
    submitted, out = Path(submitted).resolve(), Path(out).resolve()
    if not submitted.is_dir():
        raise CourseError(f"no submissions folder {submitted}")
    pairs = find_submissions(submitted, [a.id for a in assignments])
    if not pairs:
        raise CourseError(f"no submissions under {submitted} for {[a.id for a in assignments]}")
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs, len(pairs)))
    shards = [pairs[k::jobs] for k in range(jobs)]
    progress(f"grading {len(pairs)} submissions with {jobs} worker(s)")
    rows, t0 = [], time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nnlab-grade-") as scratch:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager, cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            queue = manager.Queue()
            futures = [pool.submit(_grade_shard, str(cfg.ROOT), str(submitted), shard, str(out),
                                   str(Path(scratch) / f"shard-{k}"), queue) for k, shard in enumerate(shards)]
            done = 0
            while done < len(pairs) and not all(f.done() for f in futures):
                try:
                    student, aid, problem = queue.get(timeout=0.5)
                except Empty:
                    continue
                done += 1
                progress(f"  [{done}/{len(pairs)}] autograded {student}/{aid} "
                         f"({time.perf_counter() - t0:.0f} s){' — ' + problem if problem else ''}")
            progress("  writing feedback ...")
            for fut in futures:
                rows += [Row(**r) for r in fut.result()]
    progress(f"graded in {time.perf_counter() - t0:.1f} s")
    rows.sort(key=lambda r: (r.student, r.assignment))
    write_csv(rows, out)
    return rows


def _write_atomically(path, write):
    """Write ``path`` through a temporary file and a rename: readers see the old or the new file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", newline="") as f:
        write(f)
    os.replace(tmp, path)


def write_csv(rows, out):
    def grades(f):
        w = csv.writer(f)
        w.writerow(["student", "assignment", "score", "max_score", "percent", "status", "feedback"])
        for r in rows:
            w.writerow([r.student, r.assignment, f"{r.score:g}", f"{r.max_score:g}", f"{r.percent:.1f}",
                        r.status, r.feedback])

    def details(f):
        w = csv.writer(f)
        w.writerow(["student", "assignment", "cell", "score", "max_score"])
        for r in rows:
            for name, score, max_score in r.cells:
                w.writerow([r.student, r.assignment, name, f"{score:g}", f"{max_score:g}"])
    _write_atomically(Path(out) / "grades.csv", grades)
    _write_atomically(Path(out) / "details.csv", details)


def table(rows):
    """Students x assignments, plus a total column, as text."""
    students = sorted({r.student for r in rows})
    aids = sorted({r.assignment for r in rows})
    cell = {(r.student, r.assignment): r for r in rows}
    width = max(len(s) for s in students + ["student"])
    head = f"{'student':<{width}}  " + "  ".join(f"{a[:16]:>16}" for a in aids) + f"  {'total':>13}"
    lines = [head, "-" * len(head)]
    for s in students:
        parts, tot, tot_max = [], 0.0, 0.0
        for a in aids:
            r = cell.get((s, a))
            if r is None:
                parts.append(f"{'—':>16}")
                continue
            tot, tot_max = tot + r.score, tot_max + r.max_score
            mark = "" if r.status == "graded" else " !"
            parts.append(f"{f'{round(r.score, 2):g}/{r.max_score:g}{mark}':>16}")
        lines.append(f"{s:<{width}}  " + "  ".join(parts) + f"  {f'{round(tot, 2):g}/{tot_max:g}':>13}")
    return "\n".join(lines)


def run(args):
    cfg = load_config()
    assignments = select(cfg, args.assignments)
    rows = grade(cfg, args.submitted, assignments, args.out, jobs=args.jobs, unsafe=args.unsafe)
    print()
    print(table(rows))
    print(f"\ngrades: {Path(args.out) / 'grades.csv'}\nfeedback: {Path(args.out) / 'feedback'}/")
    problems = [r for r in rows if r.status != "graded"]  # not graded, or no feedback to publish
    for r in problems:
        print(f"{r.student}/{r.assignment}: {r.status}", file=sys.stderr)
    return 2 if problems else 0


def add_parser(sub):
    p = sub.add_parser("grade", help="autograde submitted/<student>/<assignment>/ with nbgrader")
    p.add_argument("submitted", help="folder in nbgrader's submitted/ layout")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.add_argument("--out", default="graded", help="where grades.csv and feedback/ go (default: graded)")
    p.add_argument("--jobs", type=int, default=2, help="parallel grading processes (default: 2)")
    p.add_argument("--unsafe", action="store_true",
                   help="grade without the kernel sandbox when bubblewrap is missing (student code then runs "
                        "with your permissions: only for trusted notebooks)")
    p.set_defaults(func=run)

"""``nnlab grade``: autograde a folder of submissions with real nbgrader.

Input is nbgrader's layout, ``<submitted>/<student>/<assignment>/<assignment>.ipynb``
(or one notebook with ``--single``).  Output (``--out``): ``grades.csv``,
``details.csv`` (one row per graded cell), ``feedback/<student>/<assignment>/*.html``,
a Gradescope ``results/<student>/<assignment>/results.json`` per submission,
``summary.md`` (for a CI job summary) and ``manifest.jsonl``.

Work is balanced per submission: a pool of worker processes takes the next
submission as it frees up; each worker keeps one scratch course root *outside
the course checkout* (student code cannot reach ``solutions/``) with its own
SQLite gradebook, set up once per assignment (``nnlab.grading``).

Resumable and idempotent: every graded submission is appended (and fsynced) to
``manifest.jsonl`` keyed by (student, assignment, content hash of what was
submitted, hash of the grader's source notebook and key); a re-run grades only
what is missing or changed.  ``--gradebook URL`` then writes the final scores
into a course gradebook through nbgrader's models, from this one process.

Exit code: 0 when every submission was graded with feedback, 2 when some was not.
"""
import concurrent.futures as cf
import csv
import json
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from nnlab import grading as engine
from nnlab.cli.course import CourseError, load_config, select
from nnlab.grading import Row, _reason, feedback_messages, grade_submission  # noqa: F401 (public names)

MANIFEST = "manifest.jsonl"


def find_submissions(submitted, assignment_ids):
    pairs = []
    for student_dir in sorted(p for p in Path(submitted).iterdir() if p.is_dir()):
        for aid in assignment_ids:
            if (student_dir / aid).is_dir():
                pairs.append((student_dir.name, aid))
    return pairs


# ---------------------------------------------------------------- worker processes

_WORKER = {}


def _init_worker(root, out, scratch_base, unsafe):
    """Pool initializer: one scratch folder and one log per worker process; a template folder shared
    by the workers, where each assignment is generated once for all of them."""
    scratch = Path(scratch_base) / f"worker-{os.getpid()}"
    engine.quiet(Path(out) / "logs" / f"worker-{os.getpid()}.log")
    _WORKER.update(root=root, out=out, scratch=str(scratch), unsafe=unsafe,
                   template=str(engine.persistent_templates(root) or Path(scratch_base) / "template"))


def _work(notebook, student, aid):
    try:
        return grade_submission(_WORKER["root"], notebook, student, aid, _WORKER["out"], _WORKER["scratch"],
                                unsafe=_WORKER["unsafe"], template_dir=_WORKER["template"])
    except Exception as exc:  # one broken submission must not stop the class
        import traceback
        traceback.print_exc()
        return asdict(Row(student, aid, status=f"failed: {type(exc).__name__}: {str(exc).strip().splitlines()[0]}"[:200],
                          content_hash=engine.content_hash(notebook, aid)))


# ---------------------------------------------------------------- manifest (resume)

def read_manifest(out):
    """Manifest entries, latest last; a line torn by a kill mid-write is ignored."""
    entries = []
    path = Path(out) / MANIFEST
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("row"), dict):
                entries.append(entry)
    return entries


def append_manifest(out, row, grader):
    """Append one graded submission; fsync so a SIGKILL right after loses nothing that was reported."""
    line = json.dumps({"key": [row["student"], row["assignment"], row["content_hash"]], "grader": grader,
                       "row": row}, sort_keys=True) + "\n"
    fd = os.open(Path(out) / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        data = line.encode()
        # a kill may have torn the previous line: start on a fresh one
        if os.fstat(fd).st_size and not _ends_with_newline(Path(out) / MANIFEST):
            data = b"\n" + data
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with_newline(path):
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def _reusable(entry, out, grader):
    """A manifest entry can stand for this run: same grader, and its feedback is still there."""
    row = entry["row"]
    if entry.get("grader") != grader or row["status"].startswith("failed"):
        return False  # failures are retried: they may have been the machine's fault
    return not row["feedback"] or any((Path(out) / row["feedback"]).glob("*.html"))


# ---------------------------------------------------------------- progress

class Progress:
    """done/total, rate and ETA: a bar redrawn in place on a terminal, plain lines otherwise."""

    WIDTH = 24

    def __init__(self, total, say=print, tty=None):
        self.total, self.done, self.say = total, 0, say
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.t0 = time.perf_counter()

    def update(self, row):
        self.done += 1
        elapsed = time.perf_counter() - self.t0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        what = f"{row['student']}/{row['assignment']} {row['score']:g}/{row['max_score']:g}"
        if row["status"] != "graded":
            what += f" ({row['status'][:60]})"
        if self.tty:
            filled = int(self.WIDTH * self.done / max(self.total, 1))
            bar = "#" * filled + "." * (self.WIDTH - filled)
            sys.stdout.write(f"\r[{bar}] {self.done}/{self.total}  {rate * 60:5.1f}/min  "
                             f"ETA {eta:4.0f} s  {what[:50]:<50}")
            sys.stdout.flush()
            if self.done == self.total:
                sys.stdout.write("\n")
        else:
            self.say(f"  [{self.done}/{self.total}] {what}  {row['seconds']:.1f} s  "
                     f"({rate * 60:.1f}/min, ETA {eta:.0f} s)")


# ---------------------------------------------------------------- the class

def grade(cfg, submitted, assignments, out, jobs=1, progress=print, unsafe=False, *, resume=True,
          gradebook=None, tty=False, scheduler=None):
    """Grade every submission found; return the list of Rows.

    Every kernel runs in the sandbox (``nnlab.sandbox``); without bubblewrap this
    refuses to start unless ``unsafe`` (then kernels run with your permissions).
    With ``resume`` (default) submissions already in ``out``'s manifest with the same
    content and grader are not graded again.  ``gradebook`` (a database URL) receives
    the final scores through nbgrader's models.  ``tty`` draws a progress bar.
    """
    try:
        engine.check_sandbox(unsafe)
    except engine.GradingError as exc:
        raise CourseError(str(exc)) from None
    submitted, out = Path(submitted).resolve(), Path(out).resolve()
    if not submitted.is_dir():
        raise CourseError(f"no submissions folder {submitted}")
    pairs = find_submissions(submitted, [a.id for a in assignments])
    if not pairs:
        raise CourseError(f"no submissions under {submitted} for {[a.id for a in assignments]}")
    items = [(submitted / s / a / f"{a}.ipynb", s, a) for s, a in pairs]
    return grade_items(cfg, items, out, jobs=jobs, progress=progress, unsafe=unsafe, resume=resume,
                       gradebook=gradebook, tty=tty, scheduler=scheduler)


def grade_items(cfg, items, out, jobs=1, progress=print, unsafe=False, resume=True, gradebook=None, tty=False,
                scheduler=None):
    """Grade ``items`` = ``[(notebook path, student, assignment id)]`` into ``out``; return the Rows.

    Rows of submissions already graded (manifest) are reused; the rest go to a pool of
    ``jobs`` worker processes, one submission at a time, or, given a Dask ``scheduler``
    address, to that cluster's workers (``nnlab.cluster``).
    """
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    graders = {a: engine.grader_hash(cfg.ROOT, a) for a in sorted({a for _, _, a in items})}
    done, todo = {}, []
    latest = {tuple(e["key"]): e for e in read_manifest(out)} if resume else {}
    for nb, s, a in items:
        refused = engine.refusal(nb, a)
        if refused:
            done[(s, a)] = Row(s, a, status=f"failed: {refused}", max_score=float(cfg.get(a).points))
            continue
        if not Path(nb).is_file():  # nbgrader would fail on it too: say so instead of guessing a file
            done[(s, a)] = Row(s, a, status=f"failed: no {a}.ipynb in the submitted folder",
                               max_score=float(cfg.get(a).points))
            continue
        entry = latest.get((s, a, engine.content_hash(nb, a)))
        if entry is not None and _reusable(entry, out, graders[a]):
            done[(s, a)] = Row(**entry["row"])
        else:
            todo.append((str(nb), s, a))
    jobs = max(1, min(jobs or engine.default_jobs(), len(todo) or 1))
    progress(f"grading {len(todo)} of {len(items)} submissions with {jobs} worker(s)"
             + (f" ({len(items) - len(todo)} already graded)" if len(todo) < len(items) else ""))
    t0 = time.perf_counter()
    if todo and scheduler:
        from nnlab.cluster import grade_on_cluster
        bar = Progress(len(todo), say=progress, tty=tty)

        def arrived(_done, _total, row):
            row = {k: row[k] for k in engine.ROW_FIELDS if k in row}
            if not row.get("max_score"):
                row["max_score"] = float(cfg.get(row["assignment"]).points)
            append_manifest(out, row, graders[row["assignment"]])
            done[(row["student"], row["assignment"])] = Row(**row)
            bar.update(row)
        grade_on_cluster([(s, a, nb) for nb, s, a in todo], out, cfg.ROOT, scheduler=scheduler, unsafe=unsafe,
                         progress=arrived)
    elif todo:
        bar = Progress(len(todo), say=progress, tty=tty)
        with tempfile.TemporaryDirectory(prefix="nnlab-grade-", dir=engine.scratch_parent()) as scratch:
            ctx = multiprocessing.get_context("spawn")
            with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                        initargs=(str(cfg.ROOT), str(out), scratch, unsafe)) as pool:
                futures = [pool.submit(_work, *item) for item in todo]
                try:
                    for fut in cf.as_completed(futures):
                        row = fut.result()
                        if not row["max_score"]:  # not graded at all: still out of the lesson's points
                            row["max_score"] = float(cfg.get(row["assignment"]).points)
                        append_manifest(out, row, graders[row["assignment"]])
                        done[(row["student"], row["assignment"])] = Row(**row)
                        bar.update(row)
                except KeyboardInterrupt:  # what is in the manifest is kept: the next run resumes there
                    pool.shutdown(wait=False, cancel_futures=True)
                    progress(f"\ninterrupted: {len(done)} of {len(items)} graded so far are kept in "
                             f"{out / MANIFEST}; run the same command again to resume")
                    raise
    progress(f"graded in {time.perf_counter() - t0:.1f} s")
    rows = sorted(done.values(), key=lambda r: (r.student, r.assignment))
    write_outputs(rows, out)
    if gradebook:
        write_gradebook(cfg, rows, gradebook)
    return rows


def gradescope_results(row):
    """A Gradescope autograder ``results.json`` for one submission: one test per graded cell.

    Fields follow Gradescope's autograder specification: top-level ``score`` (the total,
    which Gradescope uses instead of summing tests), ``execution_time``, ``output``,
    ``visibility``; each test ``name``, ``score``, ``max_score``, ``status``, ``output``.
    """
    per_cell = {}
    for line in row.messages:  # "[cell id] message"
        cell, _, text = line.partition("] ")
        per_cell.setdefault(cell.lstrip("["), []).append(text)
    tests = [{"name": name, "score": score, "max_score": max_score,
              "status": "passed" if score >= max_score else "failed",
              "output": "\n".join(per_cell.get(name, []))}
             for name, score, max_score in row.cells]
    output = f"{row.assignment}: {row.score:g} / {row.max_score:g}"
    if row.status != "graded":
        output += f"\n{row.status}"
    return {"score": row.score, "max_score": row.max_score, "execution_time": round(row.seconds, 1),
            "output": output, "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def summary_markdown(rows, slowest=5):
    """The run as Markdown for a CI job summary: scores, failures with their reason, slowest notebooks."""
    graded = [r for r in rows if r.status == "graded"]
    lines = [f"## Grades: {len(graded)} of {len(rows)} submissions fully graded", "",
             "| student | assignment | score | max | % | status |", "|---|---|---:|---:|---:|---|"]
    esc = lambda t: str(t).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    for r in rows:
        lines.append(f"| {esc(r.student)} | {r.assignment} | {round(r.score, 2):g} | {r.max_score:g} | "
                     f"{r.percent:.1f} | {esc(r.status)} |")
    problems = [r for r in rows if r.status != "graded"]
    if problems:
        lines += ["", "### Not fully graded", ""]
        lines += [f"- **{esc(r.student)}/{r.assignment}**: {esc(r.status)}" for r in problems]
    timed = sorted((r for r in rows if r.seconds), key=lambda r: -grading_seconds(r))[:slowest]
    if timed:
        lines += ["", "### Slowest notebooks (autograde + feedback)", ""]
        lines += [f"- {esc(r.student)}/{r.assignment}: {grading_seconds(r):.1f} s" for r in timed]
    return "\n".join(lines) + "\n"


def write_outputs(rows, out):
    """grades.csv, details.csv, results/<student>/<id>/results.json and summary.md under ``out``."""
    out = Path(out)
    write_csv(rows, out)
    for r in rows:
        dest = out / "results" / r.student / r.assignment
        dest.mkdir(parents=True, exist_ok=True)
        engine.write_atomically(dest / "results.json",
                                lambda f, r=r: json.dump(gradescope_results(r), f, indent=1))
    engine.write_atomically(out / "summary.md", lambda f: f.write(summary_markdown(rows)))


def write_gradebook(cfg, rows, url):
    """Write final scores into the gradebook at ``url`` through nbgrader's models (one writer at a time).

    The assignment's cells are recorded with nbgrader's own ``SaveCells`` from the source
    notebook (what ``generate_assignment`` records); each graded submission is created with
    ``Gradebook.add_submission`` (which mirrors the assignment's cells) and its grade cells get
    their ``auto_score``.  Re-running overwrites the same rows' autograder scores: nothing is counted twice, manual
    scores the instructor gave in the formgrader are kept.
    Submissions that could not be graded are left as they are.
    """
    import warnings

    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import SaveCells

    from nnlab.cli.course import read_nb, source_notebook

    from nnlab.cluster import gradebook_lock

    engine.tools_on_path()
    # one writer at a time (two runs, two machines): nbgrader creates tables on first use and
    # add_submission reads then inserts, so concurrent writers would race into lost grades
    with gradebook_lock(url), warnings.catch_warnings(), Gradebook(url) as gb:
        # nbgrader's add_submission builds objects under autoflush: SQLAlchemy warns, the rows are right
        warnings.simplefilter("ignore")
        for aid in sorted({r.assignment for r in rows}):
            gb.update_or_create_assignment(aid, duedate=cfg.get(aid).due)
            try:
                has_cells = bool(gb.find_notebook(aid, aid).grade_cells)
            except MissingEntry:
                has_cells = False
            if not has_cells:
                nb = read_nb(source_notebook(cfg.ROOT, aid))
                SaveCells(db_url=url).preprocess(nb, {"nbgrader": {"db_url": url, "assignment": aid,
                                                                   "notebook": aid}})
        gb.db.expire_all()
        for r in rows:
            if not r.status.startswith("graded"):
                continue
            gb.update_or_create_student(r.student)
            try:
                gb.find_submission(r.assignment, r.student)
            except MissingEntry:
                gb.add_submission(r.assignment, r.student)
            for name, score, _max in r.cells:
                grade = gb.find_grade(name, r.assignment, r.assignment, r.student)
                grade.auto_score = score  # an instructor's manual_score, if any, still overrides it
                grade.needs_manual_grade = False  # as nbgrader's SaveAutoGrades leaves an autograded cell
            gb.db.commit()


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
    engine.write_atomically(Path(out) / "grades.csv", grades)
    engine.write_atomically(Path(out) / "details.csv", details)


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


def grading_seconds(row):
    """A submission's own grading time: without its worker's one-off set-up of the assignment."""
    return max(0.0, row.seconds - (row.timings or {}).get("setup", 0.0))


def report(rows, out, slowest=5):
    """The end-of-run text: scores table, failures with their reason, the slowest notebooks."""
    lines = ["", table(rows)]
    problems = [r for r in rows if r.status != "graded"]  # not graded, or no feedback to publish
    if problems:
        lines += ["", "not fully graded:"] + [f"  {r.student}/{r.assignment}: {r.status}" for r in problems]
    timed = sorted((r for r in rows if r.seconds), key=lambda r: -grading_seconds(r))[:slowest]
    if timed:
        lines += ["", "slowest notebooks (autograde + feedback):"]
        lines += [f"  {grading_seconds(r):6.1f} s  {r.student}/{r.assignment}" for r in timed]
    lines += ["", f"grades: {Path(out) / 'grades.csv'}", f"feedback: {Path(out) / 'feedback'}/",
              f"Gradescope results: {Path(out) / 'results'}/<student>/<assignment>/results.json",
              f"summary: {Path(out) / 'summary.md'}"]
    return "\n".join(lines)


def run(args):
    cfg = load_config()
    tty = sys.stdout.isatty()
    if args.single:
        if args.submitted or args.assignments or not (args.student and args.assignment):
            raise CourseError("--single NOTEBOOK takes --student NAME and --assignment ID, no submissions folder")
        try:  # not select(): a grading machine has source/ and keys/ but no solutions/ (authoring files)
            cfg.get(args.assignment)
        except ValueError as exc:
            raise CourseError(str(exc)) from None
        try:
            engine.check_sandbox(args.unsafe)
        except engine.GradingError as exc:
            raise CourseError(str(exc)) from None
        rows = grade_items(cfg, [(Path(args.single).resolve(), args.student, args.assignment)], args.out,
                           jobs=1, unsafe=args.unsafe, resume=not args.no_resume, gradebook=args.gradebook,
                           tty=tty)
    else:
        if not args.submitted:
            raise CourseError("name a submissions folder (or --single NOTEBOOK)")
        assignments = select(cfg, args.assignments)
        rows = grade(cfg, args.submitted, assignments, args.out, jobs=args.jobs, unsafe=args.unsafe,
                     resume=not args.no_resume, gradebook=args.gradebook, tty=tty, scheduler=args.scheduler)
    print(report(rows, args.out))
    return 2 if any(r.status != "graded" for r in rows) else 0


def add_parser(sub):
    p = sub.add_parser("grade", help="autograde submitted/<student>/<assignment>/ with nbgrader")
    p.add_argument("submitted", nargs="?", help="folder in nbgrader's submitted/ layout")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.add_argument("--out", default="graded", help="where grades.csv and feedback/ go (default: graded)")
    p.add_argument("--jobs", type=int, default=None,
                   help="parallel grading processes (default: one more than the cores, within memory)")
    p.add_argument("--single", metavar="NOTEBOOK",
                   help="grade one notebook (a student's repository on push) with --student and --assignment")
    p.add_argument("--student", help="student id for --single")
    p.add_argument("--assignment", help="assignment id for --single")
    p.add_argument("--no-resume", action="store_true",
                   help="grade everything again even if the manifest in --out says it was graded")
    p.add_argument("--gradebook", metavar="URL",
                   help="also write the final scores into this nbgrader gradebook (sqlite:///path or "
                        "postgresql://...), from this one process")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on a Dask cluster (tcp://host:8786); workers need the sandbox, the course's "
                        "source/ and keys/, never solutions/ (see nnlab/cluster.py)")
    p.add_argument("--unsafe", action="store_true",
                   help="grade without the kernel sandbox when bubblewrap is missing (student code then runs "
                        "with your permissions: only for trusted notebooks)")
    p.set_defaults(func=run)

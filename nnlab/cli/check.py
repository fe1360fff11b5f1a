"""``nnlab check``: the instructor's self-test of the course.

For each lesson: ``source/`` is up to date with its authoring file,
``release/`` is up to date with ``source/`` and free of leaks, the source
notebook submitted as is and the release filled in with the reference both
score full marks, and the untouched release scores 0 — all graded by real
nbgrader exactly as students are.
"""
import tempfile
from pathlib import Path

from nnlab import freshness
from nnlab.cli import build, grade as grading
from nnlab.cli.course import (CourseError, checked, load_config, nbgrader_api, read_nb, release_notebook,
                                   select, source_notebook)
from nnlab.cli.release import find_leaks, forbidden_blocks_for, forbidden_for
from nnlab.cli.submissions import make_submission, write_submission


def release_is_stale(cfg, assignment):
    """Regenerate the release in a scratch root and compare it with release/."""
    committed = release_notebook(cfg.ROOT, assignment.id)
    if not committed.exists():
        return True
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "source").symlink_to(cfg.ROOT / "source")
        api = nbgrader_api(cfg, tmp, db_url=f"sqlite:///{Path(tmp) / 'gb.db'}")
        checked(api.generate_assignment(assignment.id, force=True, create=True), "generate_assignment")
        fresh = read_nb(release_notebook(tmp, assignment.id))
    # The whole notebook must match; only baked floats may differ within float noise (none are released).
    return not freshness.notebooks_match(fresh, read_nb(committed))


def check(cfg, assignments, jobs=None, progress=print):
    problems = []
    for a in assignments:
        if build.is_stale(cfg, a):
            problems.append(f"{a.id}: source/ is stale — run `nnlab build {a.id}`")
        if release_is_stale(cfg, a):
            problems.append(f"{a.id}: release/ is stale — run `nnlab release {a.id}`")
        leaks = find_leaks(cfg.ROOT / "release" / a.id, forbidden_for(cfg, a), forbidden_blocks_for(cfg, a))
        problems += [f"{a.id}: LEAK in {p.name}: {what}" for p, what in leaks]
    if problems:
        return problems
    with tempfile.TemporaryDirectory(prefix="nnlab-check-") as tmp:
        submitted = Path(tmp) / "submitted"
        for a in assignments:
            write_submission(read_nb(source_notebook(cfg.ROOT, a.id)), submitted, "source_as_is", a.id)
            write_submission(make_submission(cfg.ROOT, a.id), submitted, "reference", a.id)
            write_submission(read_nb(release_notebook(cfg.ROOT, a.id)), submitted, "blank", a.id)
        rows = grading.grade(cfg, submitted, assignments, Path(tmp) / "out", jobs=jobs, progress=progress)
    for r in rows:
        want = 0.0 if r.student == "blank" else cfg.get(r.assignment).points
        if r.status != "graded" or r.score != want or r.max_score != cfg.get(r.assignment).points:
            problems.append(f"{r.assignment}: {r.student} submission scored {r.score:g}/{r.max_score:g} "
                            f"({r.status}), expected {want:g}/{cfg.get(r.assignment).points:g}"
                            + "".join(f"\n    {m}" for m in r.messages[:6]))
    return problems


def run(args):
    cfg = load_config()
    assignments = select(cfg, args.assignments)
    problems = check(cfg, assignments, jobs=args.jobs)
    for p in problems:
        print(f"FAIL {p}")
    if problems:
        raise CourseError(f"{len(problems)} problem(s)")
    print(f"check passed: {', '.join(a.id for a in assignments)} — reference full marks, release 0, no leaks")
    return 0


def add_parser(sub):
    p = sub.add_parser("check", help="self-test: sources fresh, no leaks, reference = full marks, release = 0")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.add_argument("--jobs", type=int, default=None,
                   help="parallel grading processes (default: one more than the cores, within memory)")
    p.set_defaults(func=run)

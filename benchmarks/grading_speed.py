"""Grading speed: `nnlab grade --jobs N` vs plain `nbgrader autograde`, same submissions, one run.

    python benchmarks/grading_speed.py [--students 8] [--jobs 2] [--assignment 01_logic_gates]

Both graders get the same class (the reference plus mutant students, from
tests/mutants/) and must agree on every score; the script prints both wall
times and their ratio.  Plain nbgrader runs as an instructor would: one
`nbgrader autograde <id>` in a course root holding all submissions.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnlab.cli import grade as grading  # noqa: E402
from nnlab.cli.course import load_config  # noqa: E402
from nnlab.cli.submissions import load_mutants, make_submission, one_per_task, write_submission  # noqa: E402


def make_class(cfg, aid, n, submitted):
    mutants = load_mutants(cfg, cfg.get(aid))
    for k in range(n):
        chosen = [] if k == 0 else one_per_task(mutants, offset=k - 1, stride=max(1, n - 1))
        write_submission(make_submission(cfg.ROOT, aid, chosen), submitted, f"s{k:03d}", aid)


def plain_nbgrader(cfg, aid, submitted, work):
    work.mkdir(parents=True)
    for name in ("course_config.py", "nbgrader_config.py"):
        shutil.copy(cfg.ROOT / name, work / name)
    shutil.copytree(cfg.ROOT / "source" / aid, work / "source" / aid)
    (work / "solutions" / "notebooks").mkdir(parents=True)
    (work / "solutions" / "notebooks" / f"{aid}.py").touch()
    shutil.copytree(submitted, work / "submitted")
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    subprocess.run([nbgrader, "generate_assignment", aid, "--force"], cwd=work, env=env, check=True,
                   capture_output=True)
    t0 = time.perf_counter()
    subprocess.run([nbgrader, "autograde", aid, "--force"], cwd=work, env=env, check=True, capture_output=True)
    autograde_s = time.perf_counter() - t0
    subprocess.run([nbgrader, "generate_feedback", aid, "--force"], cwd=work, env=env, check=True,
                   capture_output=True)
    elapsed = (autograde_s, time.perf_counter() - t0)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        scores = {s.student_id: float(s.score) for s in gb.assignment_submissions(aid)}
    return elapsed, scores


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=8)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--assignment", default="01_logic_gates")
    args = p.parse_args()
    cfg = load_config(ROOT)
    with tempfile.TemporaryDirectory(prefix="nnlab-bench-") as tmp:
        tmp = Path(tmp)
        make_class(cfg, args.assignment, args.students, tmp / "submitted")
        (plain_s, plain_fb_s), plain_scores = plain_nbgrader(cfg, args.assignment, tmp / "submitted", tmp / "plain")
        t0 = time.perf_counter()
        rows = grading.grade(cfg, tmp / "submitted", [cfg.get(args.assignment)], tmp / "ours", jobs=args.jobs,
                             progress=lambda *_: None)
        ours_s = time.perf_counter() - t0
    ours_scores = {r.student: r.score for r in rows}
    agree = ours_scores == plain_scores
    print(f"{args.students} submissions of {args.assignment} on {os.cpu_count()} cores")
    print(f"plain nbgrader, serial: autograde {plain_s:6.1f} s, autograde + generate_feedback {plain_fb_s:6.1f} s")
    print(f"nnlab grade --jobs {args.jobs}: autograde + feedback + CSV {ours_s:6.1f} s")
    print(f"speed-up (same work: autograde + feedback): {plain_fb_s / ours_s:.2f}x; "
          f"vs plain autograde alone: {plain_s / ours_s:.2f}x; scores agree: {agree}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())

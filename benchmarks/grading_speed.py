"""Grading speed: serial nbgrader vs `nnlab grade` vs a local Dask cluster, same submissions, one run.

    python benchmarks/grading_speed.py                       # all built lessons, K = 6 12 24
    python benchmarks/grading_speed.py --lessons 01_logic_gates --ks 2 4   # a quick small run

For each K, a class of K students (the reference, then students with mistakes
from tests/mutants/) submits every lesson named, and three graders grade it:

1. serial nbgrader, as an instructor runs it: ``nbgrader autograde <id>`` then
   ``nbgrader generate_feedback <id>`` per lesson, in one course root;
2. ``nnlab grade --jobs J --no-resume`` on this machine;
3. ``nnlab.cluster.grade_on_cluster`` on a local Dask cluster of J worker processes
   (started before the clock starts, as a long-lived cluster would be).

All three must give every submission the same score.  Printed: wall times and
ratios per K, the per-notebook cost against the floor (executing the lesson's
source notebook, hidden tests included, with a bare ``nbclient``: no nbgrader, no
sandbox), a linear fit of wall time against the number of notebooks, and the
projection for 300 students x 9 notebooks.  This machine is shared: the load
average is printed beside the numbers.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnlab.cli.course import load_config, read_nb, source_notebook  # noqa: E402
from nnlab.cli.submissions import load_mutants, make_submission, one_per_task, write_submission  # noqa: E402

# Targets of issue 10 (this 2-core machine).
TARGET_SPEEDUP = 1.9          # vs serial nbgrader autograde + generate_feedback
TARGET_FLOOR_RATIO = 1.3      # per-notebook grading cost vs the bare-nbclient floor
TARGET_PROJECTION_MIN = 45.0  # 300 students x 9 notebooks
PROJECT_STUDENTS, PROJECT_NOTEBOOKS = 300, 9
BIN = Path(sys.executable).parent


def _env():
    return {**os.environ, "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""), "MPLBACKEND": "Agg"}


def load():
    return os.getloadavg()[0]


def make_class(cfg, aids, k, submitted):
    """K students per lesson: s000 the reference, the others one mistake per task from the catalogue."""
    paths = {}
    for aid in aids:
        mutants = load_mutants(cfg, cfg.get(aid))
        for s in range(k):
            chosen = [] if s == 0 or not mutants else one_per_task(mutants, offset=s - 1, stride=max(1, k - 1))
            paths[(f"s{s:03d}", aid)] = write_submission(make_submission(cfg.ROOT, aid, chosen), submitted,
                                                         f"s{s:03d}", aid)
    return paths


# ---------------------------------------------------------------- the floor

def floor(cfg, aid, reps):
    """Seconds to execute the source notebook (hidden tests included) with a bare nbclient, and to
    start + stop a bare kernel; the median of ``reps`` runs each."""
    import statistics

    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    os.environ["MPLBACKEND"] = "Agg"
    runs, starts, errors = [], [], 0
    for _ in range(reps):
        nb = read_nb(source_notebook(cfg.ROOT, aid))
        t0 = time.perf_counter()
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(source_notebook(cfg.ROOT, aid).parent)}})
        client.execute()
        runs.append(time.perf_counter() - t0)
        errors = sum(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))
        t0 = time.perf_counter()
        km = KernelManager(kernel_name="python3")
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        starts.append(time.perf_counter() - t0)
    return statistics.median(runs), statistics.median(starts), errors


# ---------------------------------------------------------------- the three graders

def serial_nbgrader(cfg, aids, submitted, work):
    """``nbgrader autograde`` + ``generate_feedback`` per lesson in one course root: (seconds, scores)."""
    from nbgrader.api import Gradebook

    from nnlab.build import key_path
    work.mkdir(parents=True)
    for name in ("course_config.py", "nbgrader_config.py"):
        shutil.copy(cfg.ROOT / name, work / name)
    for aid in aids:
        shutil.copytree(cfg.ROOT / "source" / aid, work / "source" / aid)
        key_path(work, aid).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(key_path(cfg.ROOT, aid), key_path(work, aid))
        (work / "solutions" / "notebooks").mkdir(parents=True, exist_ok=True)
        (work / "solutions" / "notebooks" / f"{aid}.py").touch()  # course_config's `ready`; no solutions here
    shutil.copytree(submitted, work / "submitted")
    run = lambda *argv: subprocess.run([str(BIN / "nbgrader"), *argv], cwd=work, env=_env(), check=True,  # noqa: E731
                                       capture_output=True)
    for aid in aids:  # set-up an instructor does once per lesson, not per grading run
        run("generate_assignment", aid, "--force")
    t0 = time.perf_counter()
    for aid in aids:
        run("autograde", aid, "--force")
        run("generate_feedback", aid, "--force")
    seconds = time.perf_counter() - t0
    scores = {}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        for aid in aids:
            scores.update({(s.student_id, aid): float(s.score) for s in gb.assignment_submissions(aid)})
    return seconds, scores


def nnlab_grade(aids, submitted, out, jobs):
    """``nnlab grade --jobs J --no-resume`` as a command: (seconds, scores, per-notebook seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.run([str(BIN / "nnlab"), "grade", str(submitted), *aids, "--out", str(out), "--jobs",
                           str(jobs), "--no-resume"], cwd=ROOT, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 2):
        raise RuntimeError(f"nnlab grade failed:\n{proc.stdout}\n{proc.stderr}")
    import json
    per_nb = []
    for line in (out / "manifest.jsonl").read_text().splitlines():
        try:
            per_nb.append(json.loads(line)["row"])
        except (ValueError, KeyError):
            pass
    # full-precision scores (grades.csv rounds to 6 significant digits)
    scores = {(r["student"], r["assignment"]): float(r["score"]) for r in per_nb}
    with open(out / "grades.csv") as f:
        if {(r["student"], r["assignment"]) for r in csv.DictReader(f)} != set(scores):
            raise RuntimeError("nnlab grade: grades.csv and manifest.jsonl list different submissions")
    return seconds, scores, per_nb


def dask_grade(cfg, paths, out, jobs):
    """A local Dask cluster of J single-threaded workers: (seconds, scores, per-notebook seconds, start-up)."""
    from distributed import Client, LocalCluster

    from nnlab.cluster import grade_on_cluster
    t0 = time.perf_counter()
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = grade_on_cluster([(s, a, p) for (s, a), p in sorted(paths.items())], out, cfg.ROOT, client=client)
        seconds = time.perf_counter() - t0
    return seconds, {(r["student"], r["assignment"]): float(r["score"]) for r in rows}, rows, startup


# ---------------------------------------------------------------- report

def fit(xs, ys):
    """Least-squares line ys = a + b xs; returns (a, b, r^2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else (my / mx if mx else 0.0)
    a = my - b * mx if sxx else 0.0
    ss = sum((y - my) ** 2 for y in ys)
    r2 = 1 - sum((y - a - b * x) ** 2 for x, y in zip(xs, ys)) / ss if ss else 1.0
    return a, b, r2


def verdict(ok):
    return "met" if ok else "NOT met"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lessons", nargs="*", help="lesson ids (default: every built lesson)")
    p.add_argument("--ks", nargs="+", type=int, default=[6, 12, 24], help="students per lesson (default 6 12 24)")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes for nnlab grade and Dask (default: nnlab grade's, cores + 1)")
    p.add_argument("--floor-reps", type=int, default=2, help="bare-nbclient runs per lesson (median; default 2)")
    p.add_argument("--skip", nargs="*", default=[], choices=["nbgrader", "nnlab", "dask"],
                   help="graders to leave out")
    args = p.parse_args()
    from nnlab.grading import default_jobs
    args.jobs = args.jobs or default_jobs()
    cores = min(args.jobs, len(os.sched_getaffinity(0)))  # what the graders can occupy at once
    cfg = load_config(ROOT)
    aids = args.lessons or [a.id for a in cfg.ASSIGNMENTS if a.ready and source_notebook(ROOT, a.id).exists()]
    for aid in aids:
        cfg.get(aid)
    print(f"lessons {aids}; K = {args.ks} students per lesson; {args.jobs} workers; {os.cpu_count()} cores; "
          f"load average at start {load():.1f}")

    floors = {}
    for aid in aids:
        floors[aid] = floor(cfg, aid, args.floor_reps)
        print(f"floor {aid}: bare nbclient {floors[aid][0]:.2f} s per notebook "
              f"(bare kernel start+stop {floors[aid][1]:.2f} s, {floors[aid][2]} error outputs)", flush=True)

    results = []
    for k in args.ks:
        with tempfile.TemporaryDirectory(prefix="nnlab-bench-") as tmp:
            tmp = Path(tmp)
            paths = make_class(cfg, aids, k, tmp / "submitted")
            n = len(paths)
            floor_s = sum(floors[a][0] for _, a in paths)  # serial bare execution of all n notebooks
            r = {"k": k, "n": n, "floor": floor_s, "load": [load()]}
            scores = {}
            if "nbgrader" not in args.skip:
                r["nbgrader"], scores["nbgrader"] = serial_nbgrader(cfg, aids, tmp / "submitted", tmp / "plain")
                r["load"].append(load())
            if "nnlab" not in args.skip:
                r["nnlab"], scores["nnlab"], r["nnlab_nb"] = nnlab_grade(aids, tmp / "submitted", tmp / "ours",
                                                                         args.jobs)
                r["load"].append(load())
            if "dask" not in args.skip:
                r["dask"], scores["dask"], r["dask_nb"], r["dask_start"] = dask_grade(cfg, paths, tmp / "dask",
                                                                                      args.jobs)
                r["load"].append(load())
            first = next(iter(scores.values()), {})
            r["agree"] = all(s == first for s in scores.values()) and set(first) == set(paths)
            if not r["agree"]:
                for name, s in scores.items():
                    print(f"  scores by {name}: {sorted(s.items())}")
            results.append(r)
        line = f"K={k:3d} ({n} notebooks): floor {floor_s:6.1f} s serial"
        for g in ("nbgrader", "nnlab", "dask"):
            if g in r:
                line += f" | {g} {r[g]:6.1f} s"
        line += f" | scores agree: {r['agree']} | load {'/'.join(f'{x:.1f}' for x in r['load'])}"
        print(line, flush=True)

    print("\nratios (same work: autograde + feedback for every submission)")
    for r in results:
        parts = []
        if "nbgrader" in r and "nnlab" in r:
            parts.append(f"nbgrader/nnlab {r['nbgrader'] / r['nnlab']:.2f}x")
        if "nbgrader" in r and "dask" in r:
            parts.append(f"nbgrader/dask {r['nbgrader'] / r['dask']:.2f}x")
        if "nnlab" in r and "dask" in r:
            parts.append(f"nnlab/dask {r['nnlab'] / r['dask']:.2f}x")
        print(f"  K={r['k']}: " + ", ".join(parts))

    print(f"\nper-notebook cost vs the floor: machine-seconds per notebook = wall x cores used / notebooks "
          f"({cores} cores; serial nbgrader uses 1), against the floor = bare nbclient, one notebook at a time")
    for r in results:
        for g in ("nbgrader", "nnlab", "dask"):
            if g not in r:
                continue
            used = 1 if g == "nbgrader" else cores
            cost = r[g] * used / r["n"]
            extra = ""
            if r.get(f"{g}_nb"):
                extra = f"; in-worker {sum(x['seconds'] for x in r[g + '_nb']) / len(r[g + '_nb']):.2f} s/notebook"
            print(f"  K={r['k']} {g:8s}: {cost:5.2f} machine-s/notebook vs floor {r['floor'] / r['n']:.2f} "
                  f"-> {cost / (r['floor'] / r['n']):.2f}x floor (wall {r[g]:.1f} s vs ideal "
                  f"{r['floor'] / used:.1f} s){extra}")

    print("\nprofile: mean seconds per notebook in each phase of grade_submission (setup = copying the "
          "submission, and generate_assignment on a worker's first notebook of a lesson)")
    for r in results:
        for g in ("nnlab", "dask"):
            rows = r.get(f"{g}_nb") or []
            phases = {}
            for x in rows:
                for ph, sec in (x.get("timings") or {}).items():
                    phases[ph] = phases.get(ph, 0.0) + sec
            if rows and phases:
                print(f"  K={r['k']} {g:6s}: " + ", ".join(f"{ph} {sec / len(rows):.2f}" for ph, sec in phases.items())
                      + f" | floor {r['floor'] / r['n']:.2f} (bare kernel start "
                      f"{sum(floors[a][1] for a in aids) / len(aids):.2f})")
    if "dask" in results[0]:
        print(f"  (Dask local cluster start-up, not counted: {results[0]['dask_start']:.1f} s)")

    print("\nwall time against notebooks (linear fit wall = a + b n) and projection "
          f"for {PROJECT_STUDENTS} students x {PROJECT_NOTEBOOKS} notebooks at the largest K's wall time "
          "per notebook (the fit's slope is not trusted: a shared machine's load moves it)")
    projection = {}
    total = PROJECT_STUDENTS * PROJECT_NOTEBOOKS
    for g in ("nbgrader", "nnlab", "dask"):
        pts = [(r["n"], r[g]) for r in results if g in r]
        if not pts:
            continue
        a, b, r2 = fit([x for x, _ in pts], [y for _, y in pts])
        projection[g] = pts[-1][1] / pts[-1][0] * total / 60
        per = ", ".join(f"n={x}: {y / x:.2f} s/nb" for x, y in pts)
        note = "" if len(pts) >= 3 else " (fewer than 3 K: any line fits)"
        print(f"  {g:8s}: a = {a:5.1f} s, b = {b:5.2f} s/notebook, r^2 = {r2:.3f}{note} ({per}) "
              f"-> {projection[g]:6.1f} min")
    if len(aids) < PROJECT_NOTEBOOKS:
        print(f"  (measured on {len(aids)} lesson(s): the projection assumes the other notebooks cost the same)")

    print("\ntargets")
    last = results[-1]
    if "nbgrader" in last and "nnlab" in last:
        s = last["nbgrader"] / last["nnlab"]
        print(f"  >= {TARGET_SPEEDUP}x serial nbgrader + feedback: {s:.2f}x  {verdict(s >= TARGET_SPEEDUP)}")
    if "nnlab" in last:
        c = last["nnlab"] * cores / last["floor"]
        print(f"  per-notebook cost <= {TARGET_FLOOR_RATIO}x floor: {c:.2f}x  {verdict(c <= TARGET_FLOOR_RATIO)}")
    if "nnlab" in projection:
        print(f"  {PROJECT_STUDENTS} x {PROJECT_NOTEBOOKS} projected < {TARGET_PROJECTION_MIN:g} min: "
              f"{projection['nnlab']:.1f} min  {verdict(projection['nnlab'] < TARGET_PROJECTION_MIN)}")
        # what no grader on these cores can beat: the bare execution of the notebooks themselves
        at_floor = total * (last["floor"] / last["n"]) / cores / 60
        print(f"    (at exactly the floor, no grading overhead at all, on {cores} cores: {at_floor:.1f} min; "
              f"the target needs a floor of {TARGET_PROJECTION_MIN * 60 * cores / total:.2f} s per notebook "
              f"or {total * (last['floor'] / last['n']) / (TARGET_PROJECTION_MIN * 60):.1f} cores)")
    agree = all(r["agree"] for r in results)
    print(f"  identical scores across graders: {agree}")
    print(f"load average at end {load():.1f} (2 cores shared with other work: times are upper bounds)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())

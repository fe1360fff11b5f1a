"""Wall time of each lesson's source notebook (solutions + hidden tests), top to bottom.

    python benchmarks/notebook_times.py [assignment ...]

The budget is 30 s per lesson on the 2-core course machine.  Exit code 1 if a
notebook errors or runs over budget.  Besides wall time it prints the CPU time
the kernel used (less sensitive to other load) and the machine's load average.
"""
import os
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course_config  # noqa: E402

BUDGET_S = 30.0


def run(aid):
    path = ROOT / "source" / aid / f"{aid}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=course_config.CELL_TIMEOUT_S, resources={"metadata": {"path": str(path.parent)}}).execute()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel, once it has exited
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def main(ids):
    ok = True
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for aid in ids or [a.id for a in course_config.ASSIGNMENTS if a.ready]:
        seconds, cpu = run(aid)
        within = seconds < BUDGET_S
        ok &= within
        print(f"{aid:<22} {seconds:6.1f} s wall, {cpu:6.1f} s kernel CPU  "
              f"({seconds / BUDGET_S:.0%} of the {BUDGET_S:g} s budget)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

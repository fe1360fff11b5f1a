"""Wall time of each lesson's source notebook (solutions + hidden tests), top to bottom.

    python benchmarks/notebook_times.py [assignment ...]

The budget is 20 s per lesson on the 2-core course machine.  Exit code 1 if a
notebook errors or runs over budget.
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course_config  # noqa: E402

BUDGET_S = 20.0


def run(aid):
    path = ROOT / "source" / aid / f"{aid}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=course_config.CELL_TIMEOUT_S, resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def main(ids):
    ok = True
    for aid in ids or [a.id for a in course_config.ASSIGNMENTS if a.ready]:
        seconds = run(aid)
        within = seconds < BUDGET_S
        ok &= within
        print(f"{aid:<22} {seconds:6.1f} s  ({seconds / BUDGET_S:.0%} of the {BUDGET_S:g} s budget)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Time from opening a lesson in JupyterLab to all its visible tests run, in headless Chromium.

    python benchmarks/browser_times.py [--repeat N] [assignment ...]     # default: lessons 01-05

The same set-up as ``tests/test_browser.py`` (JupyterLab on loopback in a temporary
course, Debian ``chromium`` driven by Playwright): per lesson the reference answers
are filled in (``make_submission``), the notebook is opened with a new kernel and
Run > Run All Cells is clicked.  Columns:

* ``open``: from the open command to every cell rendered and the new kernel idle;
* ``to tests``: from the open command to the last visible test cell run (what a
  student waits for before seeing every visible verdict);
* ``run all``: from the open command to Run All finished;
* ``kernel CPU``: CPU seconds the kernel used (less sensitive to other load);
* ``load``: the 1-minute load average when the lesson started (2-core machine).

Exit code 1 if a Run All shows an error output (the numbers would mean nothing).
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnlab.cli.submissions import make_submission  # noqa: E402
from tests.test_browser import LESSONS, RAN_FROM_JS, Browser, Lab, LabServer, visible_test_cells  # noqa: E402


def measure(lab, aid):
    nb = make_submission(ROOT, aid)
    tests = visible_test_cells(nb)
    code = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
    path = lab.server.put(aid, nb)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    lab.open(path, len(nb.cells))
    t_open = time.perf_counter() - t0
    lab.menu("Run", "Run All Cells")
    lab.wait_ran(tests[-1], code[0])
    t_tests = time.perf_counter() - t0
    lab.page.wait_for_function(RAN_FROM_JS, arg=code[0], polling=50)
    t_all = time.perf_counter() - t0
    cpu = lab.kernel_cpu_seconds()
    errors = [o["ename"] for c in lab.state() for o in c["outputs"] if o["type"] == "error"]
    lab.close()
    return {"aid": aid, "open": t_open, "tests": t_tests, "all": t_all, "cpu": cpu, "load": load,
            "n_tests": len(tests), "errors": errors}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lessons", nargs="*", default=LESSONS)
    parser.add_argument("--repeat", type=int, default=1, help="runs per lesson (the table shows each)")
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    t_start = time.perf_counter()
    server = LabServer(args.lessons)
    browser = None
    rows = []
    try:
        server.start()
        print(f"JupyterLab server answered after {time.perf_counter() - t_start:.1f} s")
        browser = Browser()
        t0 = time.perf_counter()
        lab = Lab(server, browser)
        print(f"JupyterLab loaded in the browser after {time.perf_counter() - t0:.1f} s")
        for _ in range(args.repeat):
            for aid in args.lessons:
                rows.append(measure(lab, aid))
                r = rows[-1]
                print(f"  {aid}: {r['tests']:.1f} s to the visible tests", flush=True)
    finally:
        if browser is not None:
            browser.close()
        server.stop()
    print()
    header = f"{'lesson':<22} {'tests':>5} {'open':>7} {'to tests':>9} {'run all':>8} {'kernel CPU':>11} {'load':>5}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['aid']:<22} {r['n_tests']:>5} {r['open']:>6.1f}s {r['tests']:>8.1f}s {r['all']:>7.1f}s "
              f"{r['cpu']:>10.1f}s {r['load']:>5.1f}")
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}; total {time.perf_counter() - t_start:.1f} s")
    bad = [(r["aid"], r["errors"]) for r in rows if r["errors"]]
    for aid, errors in bad:
        print(f"{aid}: error outputs {errors}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Cost of the per-kernel sandbox: the same notebooks run with and without it, side by side.

    python benchmarks/sandbox_overhead.py [-n REPEATS] [assignment ...]

Each repeat runs every notebook once in a plain ``AsyncKernelManager`` kernel
and once in a ``SandboxedKernelManager`` kernel (alternating which goes first,
so machine load drifts hit both alike), through nbclient exactly as nbgrader
does: kernel start, every cell (solutions and hidden tests), shutdown.  The
first row, ``(empty)``, is a one-cell notebook: the fixed cost of a kernel.

Both kinds of kernel get the grading environment (``MPLBACKEND=Agg`` and one
BLAS thread), so the difference is the sandbox itself: namespaces and mounts,
the copied working folder, the run directory, and the teardown.

The target is an overhead under 10 % of a notebook's grading time; exit
code 1 if a lesson notebook's median overhead is above it.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course_config  # noqa: E402
from nnlab.sandbox import SandboxedKernelManager  # noqa: E402

TARGET = 0.10  # overhead / plain grading time
DEFAULT_IDS = ["01_logic_gates"]
GRADING_ENV = {"MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}


def empty_notebook():
    return new_notebook(cells=[new_code_cell("pass")],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                 "language": "python"}})


def run_once(nb, cwd, km_class):
    """Seconds to start a kernel of ``km_class``, run every cell of ``nb`` and shut it down."""
    nb = nbformat.from_dict(nb)  # fresh copy: outputs of an earlier run must not carry over
    client = NotebookClient(nb, kernel_manager_class=km_class, timeout=course_config.CELL_TIMEOUT_S,
                            allow_errors=True, resources={"metadata": {"path": str(cwd)}})
    t0 = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - t0
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    return seconds, len(errors)


def main(argv=None):
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeats", type=int, default=5)
    parser.add_argument("ids", nargs="*", default=DEFAULT_IDS)
    args = parser.parse_args(argv)
    os.environ.update(GRADING_ENV)
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "nnlab-bench-empty"
    scratch.mkdir(exist_ok=True)
    cases = [("(empty)", empty_notebook(), scratch)]
    for aid in args.ids:
        path = ROOT / "source" / aid / f"{aid}.ipynb"
        cases.append((aid, nbformat.read(str(path), as_version=4), path.parent))
    modes = {"plain": AsyncKernelManager, "sandbox": SandboxedKernelManager}
    times = {(name, m): [] for name, _, _ in cases for m in modes}
    errors = {}
    for rep in range(args.repeats):
        order = list(modes) if rep % 2 == 0 else list(modes)[::-1]
        for name, nb, cwd in cases:
            for m in order:
                seconds, n_err = run_once(nb, cwd, modes[m])
                times[name, m].append(seconds)
                errors[name, m] = n_err
        print(f"repeat {rep + 1}/{args.repeats} done", file=sys.stderr)

    print(f"{'notebook':<22} {'plain s':>8} {'sandbox s':>10} {'overhead s':>11} {'overhead':>9}   "
          f"(median of {args.repeats}; min plain/sandbox)")
    ok = True
    for name, _, _ in cases:
        plain, boxed = (statistics.median(times[name, m]) for m in modes)
        over = boxed - plain
        ratio = over / plain
        if name != "(empty)":
            ok &= ratio < TARGET
        flag = "" if errors[name, "plain"] == errors[name, "sandbox"] else \
            f"  ERRORS differ: plain {errors[name, 'plain']}, sandbox {errors[name, 'sandbox']}"
        print(f"{name:<22} {plain:8.2f} {boxed:10.2f} {over:11.2f} {ratio:9.1%}   "
              f"({min(times[name, 'plain']):.2f}/{min(times[name, 'sandbox']):.2f}){flag}")
    print(f"target: overhead < {TARGET:.0%} of a lesson notebook's grading time -> {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

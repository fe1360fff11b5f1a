"""How well ``nbgrader validate`` names a student's mistakes (the student's view before grading).

For a lesson, each catalogued mutant (``tests/mutants/``) is put alone into
the filled-in release notebook, on which the real ``nbgrader validate``
runs: the notebook a student has when one function still holds that mistake
(with several mistakes at once, a downstream visible test computed with a
wrong upstream function can only say so, not name its own mistake).  Each failing cell in its output is
attributed to its visible test cell, and so to the task that cell tests.
A mutant is

* *caught* when the visible test cell of its own task fails, and
* *named* when that cell's error text, as validate prints it, matches the
  mutant's ``words``.

Run ``python -m tests.validate_naming 02_cost_functions [--all]`` for a table
(default: the first catalogued mutant of each function);
``tests/test_validate_naming.py`` requires every caught mutant to be named.
"""
import argparse
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbgrader.validator import Validator

import course_config
from nnlab.cli.submissions import load_mutants, make_submission

ROOT = Path(__file__).resolve().parents[1]
SEPARATOR = "=" * 80
QUIZ = "QUIZ_"  # short-answer questions: graded by hidden tests only


def first_per_task(mutants):
    """The first catalogued mutant of each task."""
    firsts = {}
    for m in mutants:
        firsts.setdefault(m.task, m)
    return list(firsts.values())


def _visible_tests(nb, tasks):
    """``{source as validate prints it: tasks the cell tests}`` for the visible grade cells.

    A cell tests the task in its grade id and every task whose name its code
    uses (lesson 01's ``test_gates`` checks ``THETA_AND`` and the other gates).
    """
    printer = Validator()
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            own = re.sub(r"^test_", "", meta.get("grade_id", ""))
            cells[printer._indent(cell.source.strip())] = {own} | {
                t for t in tasks if re.search(rf"\b{re.escape(t)}\b", cell.source)}
    return cells


def _failed_blocks(stdout):
    """``[(printed source, printed error)]`` of each failed cell in validate's output."""
    blocks = []
    for chunk in stdout.split("The following cell failed:")[1:]:
        source, _, error = chunk.partition("The error was:")
        blocks.append((source.strip("\n").rstrip(), error.split(SEPARATOR)[0]))
    return blocks


def _joined(text):
    """Validate's indented, wrapped error as one line of words (what a student reads)."""
    return " ".join(text.split())


def validate_round(aid, group, workdir):
    """``{mutant: (caught, named, error text)}`` for one notebook holding ``group``'s mistakes."""
    workdir = Path(workdir) / "-".join(sorted({m.task for m in group}))[:60] / str(abs(hash(group[0].mistake)))
    workdir.mkdir(parents=True)
    nb = make_submission(ROOT, aid, group)
    path = Path(workdir) / f"{aid}.ipynb"
    nbformat.write(nb, str(path))
    nbgrader = Path(sys.executable).with_name("nbgrader")
    run = subprocess.run([str(nbgrader), "validate", "--Validator.ignore_checksums=True", path.name],
                         cwd=workdir, capture_output=True, text=True, timeout=900)
    sources = _visible_tests(nb, {m.task for m in group})
    errors = defaultdict(str)
    for source, error in _failed_blocks(run.stdout):
        tasks = sources.get(source) or next(
            (t for s, t in sources.items() if s.splitlines()[:3] == source.splitlines()[:3]), {"?"})
        for task in tasks:
            errors[task] += "\n" + error
    out = {}
    for m in group:
        text = _joined(errors.get(m.task, ""))
        out[m] = (bool(text), bool(text) and re.search(m.words, text, re.I | re.S) is not None, text)
    return out


def measure(aid, every=False, jobs=2):
    """``{mutant: (caught, named, error text)}``, each mutant validated alone."""
    # quiz answers have no visible test by design: a visible test would give the answer away
    mutants = [m for m in load_mutants(course_config, course_config.get(aid)) if not m.task.startswith(QUIZ)]
    mutants = mutants if every else first_per_task(mutants)
    results = {}
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(jobs) as pool:
        for found in pool.map(lambda m: validate_round(aid, [m], tmp), mutants):
            results.update(found)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+")
    parser.add_argument("--all", action="store_true", help="every catalogued mutant, not one per function")
    parser.add_argument("--verbose", action="store_true", help="print each unnamed mutant's error text")
    args = parser.parse_args(argv)
    for aid in args.lessons:
        results = measure(aid, args.all)
        caught = [m for m, (c, _, _) in results.items() if c]
        named = [m for m, (c, n, _) in results.items() if n]
        print(f"{aid}: {len(results)} mutants, visible tests catch {len(caught)}, name {len(named)}")
        for m, (c, n, text) in results.items():
            mark = "named " if n else "caught" if c else "missed"
            print(f"  {mark}  {m.task}: {m.mistake}")
            if args.verbose and c and not n:
                print(f"          words {m.words!r}\n          error {text[:400]}")


if __name__ == "__main__":
    main()

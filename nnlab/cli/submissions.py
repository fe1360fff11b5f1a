"""Make student submissions from the release: the reference, blank, or with mistakes.

Used by ``nnlab check`` and ``nnlab demo`` and by the pipeline tests.  A
submission is the released notebook with each solution cell filled in, as a
student would: with the reference code (taken from ``source/`` at run time)
and, for a mutant, the student's mistaken definition typed after it.
"""
import importlib
import re
from pathlib import Path

import nbformat

from nnlab.cli.course import nbgrader_meta, read_nb, release_notebook, source_notebook

MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def defines(code, name):
    return re.search(rf"^(def {re.escape(name)}\(|{re.escape(name)}\s*=)", code, re.M) is not None


def reference_code(source_cell):
    return "\n".join(line for line in source_cell.source.splitlines() if not MARKER.match(line))


def make_submission(root, aid, mutants=(), reference=True):
    """The release notebook filled in: reference code, then each mutant's code."""
    source = {c.get("id"): c for c in read_nb(source_notebook(root, aid)).cells}
    nb = read_nb(release_notebook(root, aid))
    pending = list(mutants)
    for cell in nb.cells:
        if not nbgrader_meta(cell).get("solution"):
            continue
        code = reference_code(source[cell.id]) if reference else cell.source
        for m in [m for m in pending if defines(code, m.task)]:
            code += f"\n\n\n# my version of {m.task}\n{m.code.strip()}\n"
            pending.remove(m)
        cell.source = code
    if pending:
        raise ValueError(f"{aid}: no solution cell defines {[m.task for m in pending]}")
    return nb


def write_submission(nb, submitted, student, aid):
    path = Path(submitted) / student / aid / f"{aid}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def _catalogue(assignment):
    """The lesson's catalogue module tests/mutants/<module>_<NN>.py, or None."""
    try:
        return importlib.import_module(f"tests.mutants.{assignment.module}_{assignment.id[:2]}")
    except ModuleNotFoundError:
        return None


def load_mutants(cfg, assignment):
    """The plausible student mistakes of a lesson (empty if it has no catalogue)."""
    return list(getattr(_catalogue(assignment), "MUTANTS", []))


def load_alternatives(cfg, assignment):
    """Correct solutions written differently from the reference (``ALTERNATIVES`` or ``CORRECT_CELLS``)."""
    module = _catalogue(assignment)
    if hasattr(module, "ALTERNATIVES"):
        return list(module.ALTERNATIVES)
    from tests.mutants import Mutant
    cells = getattr(module, "CORRECT_CELLS", {})
    return [Mutant(task, "correct, written differently", code) for task, code in cells.items()]


def one_per_task(mutants, offset=0, stride=1):
    """Every ``stride``-th mutant from ``offset``, at most one per task."""
    chosen, tasks = [], set()
    for m in mutants[offset::stride]:
        if m.task not in tasks:
            chosen.append(m)
            tasks.add(m.task)
    return chosen

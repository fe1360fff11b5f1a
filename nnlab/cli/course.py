"""What every subcommand needs: the course checkout and nbgrader's API.

The CLI runs from an instructor's checkout of the course repository: it finds
``course_config.py`` (the current directory or a parent) and puts that
directory on ``sys.path`` so ``course_config`` and ``solutions`` import.
"""
import importlib
import re
import sys
from pathlib import Path

import nbformat


class CourseError(Exception):
    """A problem the instructor must fix; the CLI prints it and exits 1."""


def find_root(start=None):
    here = Path(start or Path.cwd()).resolve()
    for d in [here, *here.parents]:
        if (d / "course_config.py").exists():
            return d
    raise CourseError(f"no course_config.py in {here} or its parents: run nnlab inside the course checkout")


def load_config(root=None):
    root = find_root(root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    cfg = importlib.import_module("course_config")
    if Path(cfg.__file__).resolve().parent != root:
        raise CourseError(f"course_config imported from {cfg.__file__}, expected {root}")
    return cfg


def select(cfg, assignment_ids):
    """The assignments named (all ready ones when none are), checked to exist."""
    if not assignment_ids:
        return [a for a in cfg.ASSIGNMENTS if a.ready]
    out = []
    for aid in assignment_ids:
        try:
            a = cfg.get(aid)
        except ValueError as exc:
            raise CourseError(str(exc)) from None
        if not a.ready:
            raise CourseError(f"{aid} has no authoring file yet ({a.authoring_file})")
        out.append(a)
    return out


def nbgrader_api(cfg, root, db_url=None):
    """An NbGraderAPI for a course root (the checkout, or a scratch grading root)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    c = Config()
    cfg.configure(c, root=Path(root), db_url=db_url)
    c.NbGraderAPI.log_level = "WARN"
    return NbGraderAPI(config=c)


def checked(result, what):
    """NbGraderAPI calls return {success, error, log} and never raise: raise here."""
    if not result.get("success"):
        raise CourseError(f"{what} failed:\n{result.get('error') or ''}\n{result.get('log') or ''}".rstrip())
    return result


# ---------------------------------------------------------------- notebooks

def source_notebook(root, aid):
    return Path(root) / "source" / aid / f"{aid}.ipynb"


def release_notebook(root, aid):
    return Path(root) / "release" / aid / f"{aid}.ipynb"


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
KINDS = ("SOLUTION", "HIDDEN TESTS")


def _regions(nb, kinds=KINDS):
    """Bodies of the solution and/or hidden-test regions of a notebook's cells."""
    for cell in nb.cells:
        for kind, body in REGION.findall(cell.source + "\n"):
            if kind in kinds:
                yield body


def _significant(text, min_len):
    # Short lines ("except TypeError:", "return out") are common Python, not evidence.
    out = set()
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= min_len and not line.startswith("#"):
            out.add(line)
    return out


def public_lines(nb, min_len=24):
    """Significant lines of a source notebook outside solution/hidden regions."""
    return _significant("\n".join(REGION.sub("", c.source + "\n") for c in nb.cells), min_len)


def secret_lines(nb, min_len=24, kinds=KINDS):
    """Significant lines found only inside solution and/or hidden-test regions of a source notebook.

    A line that also appears in the public part (say ``raise ValueError(`` in a
    given helper) is not evidence of a leak, so it is left out.
    """
    inside = set().union(*[_significant(body, min_len) for body in _regions(nb, kinds)])
    return inside - public_lines(nb, min_len)


def _squash(text):
    return "".join(text.split())


def secret_blocks(nb, min_len=40):
    """Whole solution/hidden-test regions, whitespace removed (for substring search in any text)."""
    blocks = set()
    for body in _regions(nb):
        code = _squash("\n".join(ln for ln in body.splitlines() if not ln.strip().startswith("#")))
        if len(code) >= min_len:
            blocks.add(code)
    return blocks


def shows_block(text, blocks):
    """The secret blocks that appear in ``text`` (whitespace ignored)."""
    flat = _squash(text)
    return [b for b in blocks if b in flat]

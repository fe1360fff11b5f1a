"""``nnlab release``: build, run nbgrader generate_assignment, check for leaks.

``release/`` is committed so students can fetch it.  After generating it the
command scans every released file for solution code, hidden-test text and
baked test data; any hit fails the command and removes nothing silently.
"""
import datetime as dt
from pathlib import Path

import nbformat

from nnlab.markers import RELEASE_FORBIDDEN
from nnlab import freshness
from nnlab.cli import build
from nnlab.cli.course import (CourseError, checked, load_config, nbgrader_api, public_lines, read_nb,
                                   secret_blocks, secret_lines, select, shows_block, source_notebook)

MARKERS = RELEASE_FORBIDDEN


def find_leaks(release_dir, forbidden_lines, forbidden_blocks=()):
    """(file, what) pairs for every released file that shows secret text.

    Three nets: nbgrader's region markers and our baked-data calls; single
    distinctive lines of solution/hidden regions; whole regions with the
    whitespace ignored (catches a re-indented or re-wrapped copy).
    """
    leaks = []
    for path in sorted(Path(release_dir).rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        leaks += [(path, f"marker {m!r}") for m in MARKERS if m in text]
        if path.suffix == ".ipynb":
            nb = read_nb(path)
            text = "\n".join(c.source for c in nb.cells)
        present = {line.strip() for line in text.splitlines()}
        leaks += [(path, f"line {line!r}") for line in sorted(forbidden_lines & present)]
        leaks += [(path, f"region {block[:60]!r}...") for block in shows_block(text, forbidden_blocks)]
    return leaks


def _own_and_later(cfg, assignment):
    """Source notebooks of this lesson and every lesson due after it.

    Earlier lessons' functions may be handed out as given code, later ones never.
    """
    for a in cfg.ASSIGNMENTS:
        path = source_notebook(cfg.ROOT, a.id)
        if a.ready and a.due >= assignment.due and path.exists():
            yield read_nb(path)


def forbidden_for(cfg, assignment):
    """Secret lines of this lesson and of later ones, minus what this lesson shows publicly."""
    lines = set().union(*[secret_lines(nb) for nb in _own_and_later(cfg, assignment)])
    own = source_notebook(cfg.ROOT, assignment.id)
    return lines - public_lines(read_nb(own)) if own.exists() else lines


def forbidden_blocks_for(cfg, assignment):
    """Whole solution/hidden regions of this lesson and of later ones."""
    return set().union(*[secret_blocks(nb) for nb in _own_and_later(cfg, assignment)])


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def _same_content(old, new, suffix):
    """Equal bytes, or notebooks equal as JSON (nbformat may serialize the same notebook differently)."""
    if old == new:
        return True
    if suffix != ".ipynb":
        return False
    try:
        return freshness.notebooks_match(nbformat.reads(old.decode(), as_version=4),
                                         nbformat.reads(new.decode(), as_version=4))
    except Exception:  # noqa: BLE001 - an unreadable file is simply different
        return False


def release_one(cfg, api, assignment):
    """Generate release/<id>/ with nbgrader; return the released files whose content changed.

    nbgrader rewrites every file; a file whose content did not change gets its
    committed bytes back, so releasing a fresh lesson leaves the checkout clean.
    """
    folder = cfg.ROOT / "release" / assignment.id
    before = _files(folder) if folder.is_dir() else {}
    checked(api.generate_assignment(assignment.id, force=True, create=True),
            f"nbgrader generate_assignment {assignment.id}")
    leaks = find_leaks(folder, forbidden_for(cfg, assignment), forbidden_blocks_for(cfg, assignment))
    if leaks:
        shown = "\n".join(f"  {p}: {what}" for p, what in leaks[:20])
        raise CourseError(f"LEAK: release/{assignment.id} shows secret text ({len(leaks)} hits):\n{shown}")
    changed = []
    for rel, new in _files(folder).items():
        old = before.get(rel)
        if old is not None and old != new and _same_content(old, new, rel.suffix):
            (folder / rel).write_bytes(old)
        elif old != new:
            changed.append(rel)
    due = dt.datetime.strptime(assignment.due, "%Y-%m-%d %H:%M:%S %Z")
    api.gradebook.update_or_create_assignment(assignment.id, duedate=due)
    return changed


def release(cfg, assignments, no_build=False):
    """Rebuild stale sources (unless ``no_build``), generate release/, check it for leaks.

    Only stale sources and changed released files are rewritten.
    """
    for a in assignments:
        if no_build:
            if build.is_stale(cfg, a):
                raise CourseError(f"source/{a.id} is stale: run nnlab build {a.id}")
        else:
            build.write_one(cfg, a)
    api = nbgrader_api(cfg, cfg.ROOT)
    for a in assignments:
        changed = release_one(cfg, api, a)
        what = f"{len(changed)} file(s) changed" if changed else "unchanged"
        print(f"released release/{a.id}/ ({what}) — leak check passed")


def run(args):
    cfg = load_config()
    release(cfg, select(cfg, args.assignments), no_build=args.no_build)
    return 0


def add_parser(sub):
    p = sub.add_parser("release", help="generate release/ with nbgrader and check it for leaks")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.add_argument("--no-build", action="store_true", help="fail instead of rebuilding a stale source/")
    p.set_defaults(func=run)

"""``nnlab dist``: write the student-facing distribution, with no answer key in it.

The course repository is the instructor's: it holds ``solutions/`` (the
reference) and ``source/`` (notebooks with solutions and hidden tests).
Students get a separate folder, optionally its own git repository::

    <folder>/
        README.md                  install / open / visible tests / validate / submit
        pyproject.toml             the installable student package (NumPy only)
        autograder/                the checking library the test cells import
        release/<id>/<id>.ipynb    every released lesson
        .gitignore
        .nnlab-dist.json           what this command wrote (so a re-run may replace it)

Before anything lands in the folder, the staged copy is scanned with the same
nets as ``nnlab release`` (markers, distinctive secret lines, whole secret
regions) plus structural rules (no ``solutions``/``nnlab``/``source``/keys, no
notebook other than the release notebooks); any hit fails the command.
"""
import base64
import binascii
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import tomllib
import zlib
from pathlib import Path

from nnlab.cli.course import CourseError, load_config, public_lines, read_nb, release_notebook, source_notebook
from nnlab.cli.release import find_leaks, forbidden_blocks_for, forbidden_for

PACKAGE = "nn-learning-lab-student"
LIBRARY = "autograder"  # the one import package students get
MANIFEST = ".nnlab-dist.json"
TEMPLATES = Path(__file__).resolve().parents[1] / "student"
# What the lesson notebooks import besides the library (figures, 04's scipy.optimize)
# and what `nbgrader validate` / JupyterLab need; the library itself imports only NumPy.
NOTEBOOK_EXTRAS = ("matplotlib>=3.8", "scipy>=1.11", "jupyterlab>=4.0,<5", "ipykernel>=6.29",
                   "nbgrader>=0.9.5,<0.10", "threadpoolctl>=3.1", "scikit-learn>=1.3")
# Never in a student's hands, at any depth of the distribution.
FORBIDDEN_DIRS = ("solutions", "nnlab", "source", "keys", "tests")
SKIP = ("__pycache__", ".ipynb_checkpoints")
PAYLOAD_MIN_CHARS = 120  # a base64 run this long that inflates with zlib is baked data
LIBRARY_MIN_LINE = 40  # shortest solution line that counts as a leak in library source (see scan)


# ---------------------------------------------------------------- what goes in

def released(cfg):
    """Ready lessons whose release notebook exists (``nnlab release`` has run)."""
    return [a for a in cfg.ASSIGNMENTS if a.ready and release_notebook(cfg.ROOT, a.id).exists()]


def library_files(root):
    """Files of the student library in the checkout (relative paths), caches left out."""
    base = Path(root) / LIBRARY
    out = []
    for p in sorted(base.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part in SKIP for part in rel.parts) and p.suffix != ".pyc":
            out.append(rel)
    return out


def _packages(files):
    return sorted(".".join(f.parent.parts) for f in files if f.name == "__init__.py")


def _render(name, **values):
    return string.Template((TEMPLATES / name).read_text()).substitute(values)


def _version(root):
    with open(Path(root) / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def install_block(url=None):
    """The README's install commands (indented Markdown code), for a clone of ``url`` or this folder."""
    if url:
        lines = [f"    git clone {url} {PACKAGE}", f"    cd {PACKAGE}"]
    else:
        lines = ["    cd <this folder>          # the student repository your instructor gave you"]
    lines += ["    python3 -m venv .venv",
              "    source .venv/bin/activate   # Windows: .venv\\Scripts\\activate",
              '    pip install ".[notebooks]"']
    text = "\n".join(lines)
    if url:
        text += ("\n\nThe checking library alone (without the notebooks) installs with\n"
                 f'`pip install "{PACKAGE} @ git+{url}"`.')
    return text


def readme(cfg, lessons, url=None):
    table = "\n".join(f"| {a.title} | `release/{a.id}/{a.id}.ipynb` |" for a in lessons)
    update = ("`git pull` fetches them (if git reports a conflict on a notebook you edited, "
              "move your copy aside first)."
              if url else "copy the new lesson folders from the updated copy your instructor hands out.")
    return _render("README.md.tmpl", title=cfg.COURSE_TITLE, package=PACKAGE, lessons_table=table,
                   install_block=install_block(url), first_id=lessons[0].id, update=update)


def pyproject(cfg, files):
    quoted = lambda xs: ", ".join(f'"{x}"' for x in xs)  # noqa: E731
    return _render("pyproject.toml.tmpl", package=PACKAGE, version=_version(cfg.ROOT), title=cfg.COURSE_TITLE,
                   extras=quoted(NOTEBOOK_EXTRAS), packages=quoted(_packages(files)))


# ---------------------------------------------------------------- the scan

def structure_problems(folder, lessons):
    """(path, why) for files a student distribution must not hold, whatever their text."""
    folder = Path(folder)
    allowed_nbs = {Path("release") / a.id / f"{a.id}.ipynb" for a in lessons}
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if rel.parts[0] == ".git":
            continue
        bad = [d for d in rel.parts[:-1] + ((rel.name,) if p.is_dir() else ()) if d in FORBIDDEN_DIRS]
        if bad:
            out.append((p, f"forbidden folder {bad[0]!r}"))
        elif p.is_file() and p.suffix == ".ipynb" and rel not in allowed_nbs:
            out.append((p, "notebook that is not a release notebook"))
        elif p.is_file() and (p.suffix in (".key", ".pem", ".npz", ".pkl", ".pickle") or p.name.startswith("id_")
                              or p.stem.lower().endswith(("key", "keys"))):
            out.append((p, "key file"))
    return out


def payloads(text):
    """Long base64 runs that decode and inflate: baked test data (``ag.unpack`` payloads) under any name."""
    found = []
    for run in re.findall(r"[A-Za-z0-9+/]{%d,}={0,2}" % PAYLOAD_MIN_CHARS, text):
        try:
            zlib.decompress(base64.b64decode(run, validate=True))
        except (binascii.Error, zlib.error, ValueError):
            continue
        found.append(run)
    return found


def scan(cfg, folder, lessons):
    """Every (path, what) in ``folder`` that shows solution or hidden-test text, or must not be there.

    ``release/<id>/`` is held to ``nnlab release``'s rule for that lesson (its own and
    later lessons' secrets; earlier lessons' code may be given).  Everything else
    (library, README, pyproject) must show no secret of any lesson.
    """
    folder = Path(folder)
    out = structure_problems(folder, lessons)
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".git" not in p.relative_to(folder).parts:
            out += [(p, f"baked data {run[:30]!r}...") for run in payloads(p.read_bytes().decode("utf-8", "replace"))]
    ready = [a for a in cfg.ASSIGNMENTS if a.ready and source_notebook(cfg.ROOT, a.id).exists()]
    if not ready:
        raise CourseError("no source notebook to scan against: run nnlab build first")
    first = min(ready, key=lambda a: a.due)
    public = set().union(*[public_lines(read_nb(source_notebook(cfg.ROOT, a.id))) for a in ready])
    all_lines = forbidden_for(cfg, first) - public
    all_blocks = forbidden_blocks_for(cfg, first)
    # Python source (the library) is NumPy code too: a short idiom it shares with a
    # solution (`with np.errstate(all="ignore"):`) is no evidence, so only long lines
    # count there; whole solution regions and the markers count at any length.
    long_lines = {line for line in all_lines if len(line) >= LIBRARY_MIN_LINE}
    for lines, python in ((all_lines, False), (long_lines, True)):
        out += [(p, w) for p, w in find_leaks(folder, lines, all_blocks)
                if p.relative_to(folder).parts[0] not in ("release", ".git") and (p.suffix == ".py") == python]
    for a in lessons:
        d = folder / "release" / a.id
        if d.exists():
            out += find_leaks(d, forbidden_for(cfg, a), forbidden_blocks_for(cfg, a))
    rel = folder / "release"
    if rel.exists():
        known = {a.id for a in lessons}
        out += [(p, "release folder of an unknown or unreleased lesson") for p in rel.iterdir() if p.name not in known]
    return out


# What the library may import in a student's kernel: NumPy and the standard library.
# The rest must not be needed; a guarded optional import (IPython) must survive its absence.
BLOCKED_IN_KERNEL = ("nbgrader", "nnlab", "solutions", "course_config", "scipy", "sklearn", "matplotlib",
                     "IPython", "nbformat", "nbconvert", "jupyter_client", "traitlets")
_CLOSURE_PROBE = """
import sys
from importlib.abc import MetaPathFinder
blocked, where = {blocked!r}, {where!r}

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError("not available in a student's kernel: " + name)

sys.meta_path.insert(0, Block())
sys.path.insert(0, where)
before = set(sys.modules)
import autograder
assert autograder.__file__.startswith(where), autograder.__file__
new = {{m.split(".")[0] for m in set(sys.modules) - before}} - set(sys.stdlib_module_names)
print(" ".join(sorted(m for m in new if m not in ("numpy", "autograder", "cython_runtime")
                      and not m.startswith("_cython"))))
"""


def import_problems(folder):
    """Why the library in ``folder`` would not import in a kernel with only NumPy, or ``[]``."""
    probe = _CLOSURE_PROBE.format(blocked=BLOCKED_IN_KERNEL, where=str(Path(folder).resolve()))
    r = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, cwd=folder)
    if r.returncode != 0:
        return [f"`import {LIBRARY}` fails with only NumPy: {r.stderr.strip().splitlines()[-1]}"]
    extra = r.stdout.split()
    return [f"`import {LIBRARY}` also imports {', '.join(extra)} (students install NumPy only)"] if extra else []


# ---------------------------------------------------------------- writing

def check_target(root, out):
    """Refuse the course checkout and foreign non-empty folders; the previous manifest, if any."""
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or root in out.parents:
        raise CourseError(f"{out} is inside the course checkout {root}: the student distribution must live "
                          "outside the instructor's repository (solutions/ and source/ are one `git add` away)")
    if out in root.parents:
        raise CourseError(f"{out} contains the course checkout {root}: choose a new or empty folder")
    if out.exists() and not out.is_dir():
        raise CourseError(f"{out} exists and is not a folder")
    if out.exists() and any(out.iterdir()):
        manifest = out / MANIFEST
        if not manifest.is_file():
            raise CourseError(f"{out} is not empty and is not a previous `nnlab dist` (no {MANIFEST}): "
                              "choose a new or empty folder, so nothing of yours is overwritten or shipped")
        try:
            return json.loads(manifest.read_text())
        except ValueError:
            raise CourseError(f"{manifest} is not valid JSON: remove the folder or choose another") from None
    return None


def _git(*args, cwd, check=True):
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True)


def _checkout_state(root):
    head = _git("rev-parse", "HEAD", cwd=root, check=False).stdout.strip() or None
    dirty = _git("status", "--porcelain", "--", LIBRARY, "release", cwd=root, check=False).stdout.split("\n")
    return head, [ln[3:] for ln in dirty if ln.strip()]


def stage(cfg, lessons, dest, url=None):
    """Write the distribution into the empty folder ``dest``; the relative paths written."""
    dest = Path(dest)
    files = library_files(cfg.ROOT)
    if not any(f.name == "__init__.py" and f.parent == Path(LIBRARY) for f in files):
        raise CourseError(f"{cfg.ROOT / LIBRARY} has no __init__.py: nothing to package")
    written = []

    def put(rel, data):
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        written.append(Path(rel))

    for a in lessons:
        put(Path("release") / a.id / f"{a.id}.ipynb", release_notebook(cfg.ROOT, a.id).read_bytes())
    for rel in files:
        put(rel, (cfg.ROOT / rel).read_bytes())
    put("pyproject.toml", pyproject(cfg, files))
    put("README.md", readme(cfg, lessons, url))
    put(".gitignore", (TEMPLATES / "gitignore.tmpl").read_text())
    head, dirty = _checkout_state(cfg.ROOT)
    manifest = {"tool": "nnlab dist", "course_id": cfg.COURSE_ID, "package": PACKAGE,
                "version": _version(cfg.ROOT), "url": url, "lessons": [a.id for a in lessons], "course_commit": head,
                "uncommitted": dirty, "files": sorted(str(p) for p in written + [Path(MANIFEST)])}
    put(MANIFEST, json.dumps(manifest, indent=1) + "\n")
    return written


def _remove_previous(out, manifest):
    for rel in manifest.get("files", []):
        p = (out / rel).resolve()
        if out in p.parents and p.is_file():  # a crafted manifest cannot delete outside the folder
            p.unlink()
    for d in sorted((p for p in out.rglob("*") if p.is_dir() and ".git" not in p.relative_to(out).parts),
                    key=lambda p: len(p.parts), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()


def _commit(out, lessons, progress):
    if not (out / ".git").exists():
        _git("init", "-q", "-b", "main", cwd=out)
    _git("add", "-A", cwd=out)
    if not _git("status", "--porcelain", cwd=out).stdout.strip():
        progress(f"git: {out} unchanged, nothing to commit")
        return
    ident = []
    if not _git("config", "user.email", cwd=out, check=False).stdout.strip():
        ident = ["-c", "user.name=nnlab dist", "-c", "user.email=nnlab-dist@localhost"]
    _git(*ident, "commit", "-q", "-m", f"Student distribution: {', '.join(a.id for a in lessons)}", cwd=out)
    sha = _git("rev-parse", "--short", "HEAD", cwd=out).stdout.strip()
    progress(f"git: committed {sha} in {out} (push it as the students' repository)")


def dist(cfg, out, url=None, git=False, progress=print):
    """Write the student distribution to ``out``; returns the relative paths written."""
    out = Path(out).resolve()
    previous = check_target(cfg.ROOT, out)
    if url is None and previous:
        url = previous.get("url")  # an update keeps the students' repository URL in the README
    lessons = released(cfg)
    if not lessons:
        raise CourseError("no released lesson (release/<id>/<id>.ipynb): run nnlab release first")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".nnlab-dist-", dir=out.parent))
    try:
        written = stage(cfg, lessons, staging, url)
        leaks = scan(cfg, staging, lessons)
        if leaks:
            shown = "\n".join(f"  {p.relative_to(staging)}: {what}" for p, what in leaks[:20])
            raise CourseError(f"LEAK: the student distribution would show secret text ({len(leaks)} hits); "
                              f"nothing written to {out}:\n{shown}")
        broken = import_problems(staging)
        if broken:
            raise CourseError(f"the student library is not self-contained; nothing written to {out}:\n  "
                              + "\n  ".join(broken))
        out.mkdir(exist_ok=True)
        if previous is not None:
            _remove_previous(out, previous)
        for rel in written:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # files the instructor added to a previous distribution stay; they must be clean too
    leaks = scan(cfg, out, lessons)
    if leaks:
        shown = "\n".join(f"  {p.relative_to(out)}: {what}" for p, what in leaks[:20])
        raise CourseError(f"LEAK in {out} (files not written by nnlab dist?), not committed:\n{shown}")
    for rel in written:
        progress(f"wrote {out / rel} ({(out / rel).stat().st_size} bytes)")
    _, dirty = _checkout_state(cfg.ROOT)
    if dirty:
        progress(f"note: copied uncommitted changes of the checkout: {', '.join(dirty)}")
    progress(f"{len(written)} files, {len(lessons)} lessons; leak scan and NumPy-only import passed. "
             "Students install with "
             f'`pip install ".[notebooks]"` in the folder' + (f" (a clone of {url})" if url else ""))
    if git:
        _commit(out, lessons, progress)
    return written


def run(args):
    cfg = load_config()
    dist(cfg, args.folder, url=args.url, git=args.git)
    return 0


def add_parser(sub):
    p = sub.add_parser("dist", help="write the student distribution (release notebooks, checking library, "
                                    "README) to a folder outside the course checkout")
    p.add_argument("folder", help="a new or empty folder, or a previous nnlab dist to update")
    p.add_argument("--git", action="store_true", help="make the folder a git repository and commit (students' repo)")
    p.add_argument("--url", help="the students' repository URL, shown in the README's clone/install commands")
    p.set_defaults(func=run)

"""``nnlab dist``: what students get holds no answer key, and installs as the README says.

The distribution is built into a temporary folder, its wheel built the way
``pip install`` builds it, and every file of both is scanned with the release
leak nets (nbgrader markers, distinctive secret lines, whole secret regions)
plus rules of this test's own: no reference or instructor package, no
``source/``, no notebook but the release ones, no key files, no baked
``ag.unpack`` payload (found by decoding any long base64 run, not by name).
A planted copy proves the scan can fail.
"""
import base64
import binascii
import json
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import nbformat
import numpy as np
import pytest

import course_config
from autograder.packing import pack
from nnlab.cli import dist as distmod
from nnlab.cli.course import (CourseError, public_lines, read_nb, release_notebook, secret_blocks,
                              secret_lines, shows_block, source_notebook)
from nnlab.cli.release import MARKERS, find_leaks, forbidden_blocks_for, forbidden_for

URL = "https://git.example.org/nn-learning-lab/students.git"
PACKAGE = "nn-learning-lab-student"
RELEASED = [a for a in course_config.ASSIGNMENTS if a.ready and release_notebook(course_config.ROOT, a.id).exists()]
# Library source is NumPy code like the solutions: shorter shared lines are idioms, not leaks
# (the same threshold nnlab dist applies, distmod.LIBRARY_MIN_LINE; asserted below).
LIBRARY_MIN_LINE = 40
PAYLOAD_MIN_CHARS = 120  # a base64 run this long that inflates with zlib is baked data
FORBIDDEN_PARTS = {"solutions", "nnlab", "source", "keys", "tests"}
# Blocked in the student's kernel: instructor code, the reference, and what the library must not need.
BLOCKED = ("nbgrader", "nnlab", "solutions", "course_config", "scipy", "sklearn", "matplotlib", "IPython")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def built(cfg, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "students"
    distmod.dist(cfg, out, url=URL, git=True, progress=lambda *_: None)
    return out


def _pip(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True)


def build_wheel(folder, dest):
    """The student wheel, built as ``pip install <folder>`` builds it (isolated; offline: this venv's tools)."""
    for extra in ([], ["--no-build-isolation"]):
        r = _pip("wheel", "--no-deps", "-q", *extra, "-w", str(dest), str(folder))
        if r.returncode == 0:
            return next(Path(dest).glob("*.whl"))
    raise AssertionError(f"could not build the student wheel:\n{r.stderr}")


@pytest.fixture(scope="module")
def wheel(built, tmp_path_factory):
    copy = tmp_path_factory.mktemp("wheelsrc") / "students"  # pip builds in-tree: keep `built` pristine
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git"))
    return build_wheel(copy, tmp_path_factory.mktemp("wheel"))


# ---------------------------------------------------------------- the scanner

def _secrets(cfg):
    ready = [a for a in cfg.ASSIGNMENTS if a.ready and source_notebook(cfg.ROOT, a.id).exists()]
    nbs = [read_nb(source_notebook(cfg.ROOT, a.id)) for a in ready]
    public = set().union(*[public_lines(nb) for nb in nbs])
    lines = set().union(*[secret_lines(nb) for nb in nbs]) - public
    blocks = set().union(*[secret_blocks(nb) for nb in nbs])
    assert len(lines) > 100 and len(blocks) > 20, "the scan would have nothing to look for"
    return lines, blocks


def _payloads(text):
    """Long base64 runs that decode and inflate: baked test data, whatever call wraps it."""
    found = []
    for run in re.findall(r"[A-Za-z0-9+/]{%d,}={0,2}" % PAYLOAD_MIN_CHARS, text):
        try:
            zlib.decompress(base64.b64decode(run, validate=True))
        except (binascii.Error, zlib.error, ValueError):
            continue
        found.append(run[:30])
    return found


def problems_in(name, text, lines, blocks):
    """What a non-notebook file (library, README, pyproject, wheel entry) shows that it must not."""
    parts = set(Path(name).parts[:-1])
    out = [f"forbidden folder {p}" for p in parts & FORBIDDEN_PARTS]
    if name.endswith(".ipynb"):
        out.append("a notebook outside release/")
    if re.search(r"(^|/)[^/]*keys?(\.\w+)?$", name, re.I) or name.endswith((".key", ".pem", ".npz", ".pkl")):
        out.append("key file")
    out += [f"marker {m!r}" for m in MARKERS if m in text]
    present = {ln.strip() for ln in text.splitlines()}
    min_len = LIBRARY_MIN_LINE if name.endswith(".py") else 0
    out += [f"line {ln!r}" for ln in sorted(lines & present) if len(ln) >= min_len]
    out += [f"region {b[:40]!r}" for b in shows_block(text, blocks)]
    out += [f"payload {p!r}" for p in _payloads(text)]
    return out


def scan_folder(cfg, folder):
    """Every problem in a distribution folder: ``{relative path: [what]}``."""
    folder = Path(folder)
    lines, blocks = _secrets(cfg)
    notebooks = {f"release/{a.id}/{a.id}.ipynb": a for a in RELEASED}
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts):
        rel = path.relative_to(folder).as_posix()
        if rel in notebooks:
            a = notebooks[rel]
            what = [w for _, w in find_leaks(path.parent, forbidden_for(cfg, a), forbidden_blocks_for(cfg, a))]
            nb = read_nb(path)
            what += [f"payload {p!r}" for p in _payloads("\n".join(c.source for c in nb.cells))]
        else:
            what = problems_in(rel, path.read_bytes().decode("utf-8", "replace"), lines, blocks)
        if what:
            found[rel] = what
    return found


def scan_wheel(cfg, wheel_path):
    lines, blocks = _secrets(cfg)
    found = {}
    with zipfile.ZipFile(wheel_path) as z:
        for name in z.namelist():
            top = name.split("/")[0]
            what = problems_in(name, z.read(name).decode("utf-8", "replace"), lines, blocks)
            if top != "autograder" and not top.endswith(".dist-info"):
                what.append(f"package {top!r} is not the student library")
            if what:
                found[name] = what
    return found


# ---------------------------------------------------------------- the real distribution

def test_threshold_matches_the_command():
    assert distmod.LIBRARY_MIN_LINE == LIBRARY_MIN_LINE


def test_dist_holds_exactly_the_student_files(cfg, built):
    assert RELEASED, "nothing released: the distribution would be empty"
    library = {p.relative_to(cfg.ROOT).as_posix() for p in (cfg.ROOT / "autograder").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    expected = ({f"release/{a.id}/{a.id}.ipynb" for a in RELEASED} | library
                | {"README.md", "pyproject.toml", ".gitignore", ".nnlab-dist.json"})
    present = {p.relative_to(built).as_posix() for p in built.rglob("*")
               if p.is_file() and ".git" not in p.relative_to(built).parts}
    assert present == expected
    for a in RELEASED:
        rel = f"release/{a.id}/{a.id}.ipynb"
        assert (built / rel).read_bytes() == release_notebook(cfg.ROOT, a.id).read_bytes(), rel


def test_dist_shows_no_solution_or_hidden_test_text(cfg, built):
    files = [p for p in built.rglob("*") if p.is_file() and ".git" not in p.relative_to(built).parts]
    assert len(files) >= len(RELEASED) + 5
    assert scan_folder(cfg, built) == {}
    assert distmod.scan(cfg, built, RELEASED) == []


def test_wheel_holds_only_the_library_and_no_secret_text(cfg, built, wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"autograder"}
    library = sorted(p.relative_to(built).as_posix() for p in (built / "autograder").rglob("*.py"))
    assert sorted(n for n in names if n.startswith("autograder/")) == library
    assert scan_wheel(cfg, wheel) == {}
    assert re.search(rf"^Name: {PACKAGE}$", meta, re.M)
    requires = re.findall(r"^Requires-Dist: (.*)$", meta, re.M)
    core = [r for r in requires if "extra ==" not in r]
    assert [re.match(r"[A-Za-z0-9_.-]+", r).group() for r in core] == ["numpy"], requires


def test_readme_install_commands_name_the_real_package(built):
    readme = (built / "README.md").read_text()
    commands = ([ln.strip() for ln in readme.splitlines() if ln.startswith("    ") and "pip install" in ln]
                + re.findall(r"`(pip install [^`]+)`", readme))
    warnings = [ln for ln in readme.splitlines() if "pip install autograder" in ln]
    assert warnings and all("not" in ln for ln in warnings), warnings  # named only to warn against it
    installs = [c.split("pip install", 1)[1] for c in commands if c != "pip install autograder"]
    assert installs, "the README shows no install command"
    assert f'pip install "{PACKAGE} @ git+{URL}"' in readme
    assert 'pip install ".[notebooks]"' in readme and f"git clone {URL}" in readme
    for cmd in installs:
        target = cmd.strip().strip('"')
        assert target.startswith((".", PACKAGE)), cmd  # this folder (named PACKAGE in its pyproject) or by name
        assert not re.match(r"autograder\b", target), cmd
    assert re.search(rf'^name = "{PACKAGE}"$', (built / "pyproject.toml").read_text(), re.M)
    for step in ("jupyter lab", "nbgrader validate", "Submit"):
        assert step in readme


def test_readme_install_command_works_and_library_needs_only_numpy(built, tmp_path):
    # The README's command, run in a copy of the distribution (pip builds in-tree), kept off this
    # environment (--target) and off PyPI (--no-deps).
    copy, site = tmp_path / "students", tmp_path / "site"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git"))
    r = _pip("install", "--no-deps", "-q", "--target", str(site), ".", cwd=copy)
    if r.returncode != 0:  # offline: build with this environment's tools
        r = _pip("install", "--no-deps", "--no-build-isolation", "-q", "--target", str(site), ".", cwd=copy)
    assert r.returncode == 0, r.stderr
    probe = textwrap.dedent(f"""
        import sys
        from importlib.abc import MetaPathFinder
        BLOCKED = {BLOCKED!r}

        class Block(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"blocked in the student's kernel: {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        sys.path.insert(0, {str(site)!r})
        before = {{m.split(".")[0] for m in sys.modules}}
        import numpy as np
        import autograder as ag
        assert ag.__file__.startswith({str(site)!r}), ag.__file__
        new = {{m.split(".")[0] for m in sys.modules}} - before - set(sys.stdlib_module_names)
        extra = sorted(m for m in new if m not in ("numpy", "autograder", "cython_runtime")
                       and not m.startswith("_cython"))
        assert not extra, f"autograder imported {{extra}}"
        ag.expect_close(np.array([0.5, 0.7310585786]), 1 / (1 + np.exp(-np.array([0.0, 1.0]))), "sigmoid")
        try:
            ag.expect_close(np.array([0.5, 0.5]), np.array([0.5, 0.7310585786]), "sigmoid")
        except ag.CheckFailed as exc:
            print("FAILED-AS-EXPECTED", exc)
        else:
            raise SystemExit("a wrong value passed the visible check")
    """)
    r = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "FAILED-AS-EXPECTED" in r.stdout


def test_the_import_blocker_blocks(tmp_path):
    # The probe above is only meaningful if its finder really stops an installed package.
    probe = ("import sys\nfrom importlib.abc import MetaPathFinder\n"
             "class B(MetaPathFinder):\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name.split('.')[0] == 'nbgrader': raise ImportError('blocked')\n"
             "sys.meta_path.insert(0, B())\nimport nbgrader\n")
    r = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode != 0 and "blocked" in r.stderr


def test_git_repository_has_one_commit_of_everything(built):
    def git(*a):
        return subprocess.run(["git", "-C", str(built), *a], capture_output=True, text=True, check=True).stdout
    assert len(git("log", "--oneline").splitlines()) == 1
    assert git("status", "--porcelain").strip() == ""
    tracked = set(git("ls-files").split())
    assert tracked == {p.relative_to(built).as_posix() for p in built.rglob("*")
                       if p.is_file() and ".git" not in p.relative_to(built).parts}


# ---------------------------------------------------------------- refusals and updates

def test_refuses_the_checkout_and_foreign_folders(cfg, tmp_path):
    with pytest.raises(CourseError, match="inside the course checkout"):
        distmod.dist(cfg, cfg.ROOT / "student-dist", progress=lambda *_: None)
    assert not (cfg.ROOT / "student-dist").exists()
    with pytest.raises(CourseError, match="inside the course checkout"):
        distmod.dist(cfg, cfg.ROOT, progress=lambda *_: None)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(CourseError, match="not a previous `nnlab dist`"):
        distmod.dist(cfg, foreign, progress=lambda *_: None)
    assert [p.name for p in foreign.iterdir()] == ["thesis.tex"]


def test_update_replaces_a_previous_dist_and_keeps_its_url(cfg, built, tmp_path):
    copy = tmp_path / "students"
    shutil.copytree(built, copy)
    manifest = json.loads((copy / ".nnlab-dist.json").read_text())
    (copy / "release" / "00_retired").mkdir()
    (copy / "release" / "00_retired" / "00_retired.ipynb").write_text("{}")
    manifest["files"].append("release/00_retired/00_retired.ipynb")
    (copy / ".nnlab-dist.json").write_text(json.dumps(manifest))
    def git(*a):
        return subprocess.run(["git", "-C", str(copy), "-c", "user.name=t", "-c", "user.email=t@t", *a],
                              capture_output=True, text=True, check=True).stdout
    git("add", "-A")
    git("commit", "-qm", "a lesson since withdrawn")
    distmod.dist(cfg, copy, git=True, progress=lambda *_: None)
    assert not (copy / "release" / "00_retired").exists()
    assert f"git clone {URL}" in (copy / "README.md").read_text()
    assert len(git("log", "--oneline").splitlines()) == 3  # the update is one new commit
    assert "00_retired" not in git("ls-files") and git("status", "--porcelain") == ""
    distmod.dist(cfg, copy, git=True, progress=lambda *_: None)  # nothing changed: no empty commit
    assert len(git("log", "--oneline").splitlines()) == 3


# ---------------------------------------------------------------- the scan can fail

def test_planted_leaks_are_found_in_the_folder_and_the_wheel(cfg, built, tmp_path):
    copy = tmp_path / "planted"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git"))
    aid = RELEASED[0].id
    source = read_nb(source_notebook(cfg.ROOT, aid))
    lines, _ = _secrets(cfg)
    long_line = sorted(ln for ln in lines if len(ln) >= LIBRARY_MIN_LINE)[0]
    region = next(c.source for c in source.cells if "### BEGIN SOLUTION" in c.source)
    body = region.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    payload = pack({"cases": [(np.linspace(-3, 3, 40),)], "expected": [np.tanh(np.linspace(-3, 3, 40))]})
    assert len(payload) >= PAYLOAD_MIN_CHARS
    with open(copy / "autograder" / "compare.py", "a") as f:       # a solution line in the library
        f.write(f"\n\ndef _planted():\n    {long_line}\n")
    with open(copy / "autograder" / "tolerances.py", "a") as f:    # baked data, renamed call
        f.write(f'\n_DATA = load("{payload}")\n')
    with open(copy / "README.md", "a") as f:                        # a whole region, re-indented
        f.write("\n".join("        " + ln.strip() for ln in body.splitlines()))
    nb = read_nb(copy / "release" / aid / f"{aid}.ipynb")          # a hidden line in a release notebook
    hidden = sorted(secret_lines(source, kinds=("HIDDEN TESTS",)))[0]
    nb.cells.append(nbformat.v4.new_code_cell(hidden))
    nbformat.write(nb, str(copy / "release" / aid / f"{aid}.ipynb"))
    (copy / "solutions").mkdir()
    (copy / "solutions" / "__init__.py").write_text("")
    (copy / "source" / aid).mkdir(parents=True)
    shutil.copy(source_notebook(cfg.ROOT, aid), copy / "source" / aid / f"{aid}.ipynb")
    (copy / "keys").mkdir()
    (copy / "keys" / f"{aid}.json").write_text("{}")
    key = cfg.ROOT / "keys" / f"{aid}.json"
    if key.exists():  # the grader-only lesson key, renamed, inside the library
        shutil.copy(key, copy / "autograder" / "lesson.json")

    found = scan_folder(cfg, copy)
    assert any(w.startswith("line") for w in found["autograder/compare.py"])
    assert any(w.startswith("payload") for w in found["autograder/tolerances.py"])
    assert any(w.startswith("region") for w in found["README.md"])
    assert any(hidden in w for w in found[f"release/{aid}/{aid}.ipynb"])
    assert "forbidden folder solutions" in found["solutions/__init__.py"]
    assert {"forbidden folder source", "a notebook outside release/"} <= set(found[f"source/{aid}/{aid}.ipynb"])
    assert "forbidden folder keys" in found[f"keys/{aid}.json"]
    if (copy / "autograder" / "lesson.json").exists():
        assert any(w.startswith("payload") for w in found["autograder/lesson.json"])
    # nnlab dist's own guard sees them too
    flagged = {p.relative_to(copy).as_posix() for p, _ in distmod.scan(cfg, copy, RELEASED)}
    assert {"autograder/compare.py", "autograder/tolerances.py", "README.md", f"release/{aid}/{aid}.ipynb",
            "solutions/__init__.py",
            f"source/{aid}/{aid}.ipynb", f"keys/{aid}.json"} <= flagged

    planted_wheel = build_wheel(copy, tmp_path / "wheel")
    in_wheel = scan_wheel(cfg, planted_wheel)
    assert any(w.startswith("line") for w in in_wheel["autograder/compare.py"])
    assert any(w.startswith("payload") for w in in_wheel["autograder/tolerances.py"])


def test_dist_writes_nothing_when_its_output_would_leak(cfg, tmp_path, monkeypatch):
    source = read_nb(source_notebook(cfg.ROOT, RELEASED[0].id))
    secret = sorted(secret_lines(source))[0]
    real = distmod.readme
    monkeypatch.setattr(distmod, "readme", lambda *a, **k: real(*a, **k) + f"\n    {secret}\n")
    out = tmp_path / "students"
    with pytest.raises(CourseError, match="LEAK"):
        distmod.dist(cfg, out, progress=lambda *_: None)
    assert not out.exists() or not any(out.iterdir())
    assert not list(tmp_path.glob(".nnlab-dist-*")), "staging folder left behind"


def test_dist_refuses_a_library_that_needs_more_than_numpy(built, tmp_path):
    assert distmod.import_problems(built) == []
    copy = tmp_path / "students"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(".git"))
    with open(copy / "autograder" / "__init__.py", "a") as f:
        f.write("\nfrom nnlab.cli import course as _course\n")
    assert "nnlab" in " ".join(distmod.import_problems(copy))
    shutil.copy(built / "autograder" / "__init__.py", copy / "autograder" / "__init__.py")
    with open(copy / "autograder" / "__init__.py", "a") as f:  # an unblocked third-party import
        f.write("\nimport yaml as _yaml\n")
    pytest.importorskip("yaml")
    assert any("yaml" in p for p in distmod.import_problems(copy))

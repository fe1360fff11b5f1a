"""Builds are reproducible across machines; no README command dirties the checkout.

"Another machine" is simulated two ways: every baked float of the committed
notebooks and keys moved by a relative 1e-13 (what a different BLAS or CPU
does to the last bits), and a real rebuild under a different OpenBLAS kernel.
Both must stay fresh, while real edits (a constant in ``solutions/``, a
markdown line, a solution line, a case input) must turn the lesson stale.
The payload walker below is written independently of ``nnlab.freshness`` so
that a payload the checker fails to find still gets perturbed here.
"""
import base64
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import zlib

import nbformat
import numpy as np
import pytest

import course_config
from nnlab import build as nbbuild, freshness
from nnlab.cli import build, release
from nnlab.cli.course import read_nb, source_notebook

LESSONS = [a.id for a in course_config.ASSIGNMENTS if a.ready]
AID = "01_logic_gates"
# What a different BLAS/CPU does to a baked float: ~450 ulps, still far beyond its own rounding.
MACHINE_NOISE = 1e-13
# A genuine change: ten times the grading RTOL (1e-7), far above the freshness tolerance.
REAL_CHANGE = 1e-6
# Any quoted base64 run long enough to hold a payload; kept only if it unpacks.
QUOTED = re.compile(r"""(["'])([A-Za-z0-9+/]{8,}={0,2})\1""")
CHILD_TIMEOUT_S = 300


# ------------------------------------------------------------ perturbing baked floats

def _unpacked(text):
    try:
        return json.loads(zlib.decompress(base64.b64decode(text, validate=True)))
    except Exception:  # noqa: BLE001 - not a payload
        return None


def _packed(tree):
    return base64.b64encode(zlib.compress(json.dumps(tree, separators=(",", ":")).encode(), 9)).decode()


class Perturb:
    """Multiply every baked float by (1 +- rel), alternating the sign element by element."""

    def __init__(self, rel):
        self.rel = rel
        self.floats = 0    # finite non-zero floats actually moved
        self.payloads = 0

    def tree(self, t):
        if isinstance(t, dict) and set(t) == {"__nd__"}:
            dtype, shape, data = t["__nd__"]
            arr = np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype))
            if arr.dtype.kind == "f":
                arr = (arr * (1 + self.rel * np.resize([1.0, -1.0], arr.shape))).astype(arr.dtype)
                self.floats += int(np.count_nonzero(np.isfinite(arr) & (arr != 0)))
            return {"__nd__": [dtype, shape, base64.b64encode(arr.tobytes()).decode()]}
        if isinstance(t, dict):
            return {k: self.tree(v) for k, v in t.items()}
        if isinstance(t, list):
            return [self.tree(v) for v in t]
        if isinstance(t, float):
            self.floats += bool(np.isfinite(t) and t != 0)
            return t * (1 + self.rel)
        if isinstance(t, str):
            return self.text(t)
        return t

    def payload(self, text):
        tree = _unpacked(text)
        if tree is None:
            return text
        self.payloads += 1
        return _packed(self.tree(tree))

    def text(self, s):
        """A bare payload, or text (cell source) with quoted payloads inside."""
        if _unpacked(s) is not None:
            return self.payload(s)
        return QUOTED.sub(lambda m: m.group(1) + self.payload(m.group(2)) + m.group(1), s)

    def notebook(self, nb):
        nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # a copy, sources as strings
        for cell in nb.cells:
            cell.source = self.text(cell.source)
        return nb


def _committed(cfg, aid):
    return read_nb(source_notebook(cfg.ROOT, aid)), json.loads(nbbuild.key_path(cfg.ROOT, aid).read_text())


def test_perturbation_reaches_every_kind_of_payload():
    """The walker finds payloads the checker may not know by name, nested ones included."""
    x = np.array([0.5, -2.0, 3.0])
    inner = _packed({"__nd__": ["<f8", [3], base64.b64encode(x.tobytes()).decode()]})
    src = f'ag.cases("f", "{inner}")\nag.anything("{_packed([1.5, inner])}")\nprint("not base64!")'
    p = Perturb(MACHINE_NOISE)
    out = p.text(src)
    assert p.payloads == 3 and p.floats == 3 + 1 + 3
    assert out != src and out.splitlines()[2] == 'print("not base64!")'
    assert freshness.source_differences(out, src) == []
    assert freshness.source_differences(Perturb(REAL_CHANGE).text(src), src) != []


@pytest.mark.parametrize("aid", LESSONS)
def test_another_machines_last_bits_are_fresh(cfg, aid):
    """Committed files as another machine would have built them: fresh against this machine's build."""
    nb, key = _committed(cfg, aid)
    p = Perturb(MACHINE_NOISE)
    nb_there, key_there = p.notebook(nb), p.tree(key)
    assert p.floats > 0, f"{aid}: no baked floats found to perturb"
    assert nbbuild.notebook_json(nb_there) != nbbuild.notebook_json(nb) or key_there != key
    built_nb, built_key = build.build_both(cfg, cfg.get(aid))
    assert freshness.notebook_differences(built_nb, nb_there) == []
    assert freshness.key_differences(built_key, key_there) == []
    # ... while the same walk with a genuine change is stale
    q = Perturb(REAL_CHANGE)
    assert (freshness.notebook_differences(built_nb, q.notebook(nb))
            + freshness.key_differences(built_key, q.tree(key))) != []


# ------------------------------------------------------------ a real rebuild elsewhere

CHILD_BUILD = """
import json, sys
from pathlib import Path
import nbformat, threadpoolctl
from nnlab.cli.course import load_config, select
from nnlab.cli import build
cfg = load_config()
out = Path(sys.argv[1])
for a in select(cfg, []):
    nb, key = build.build_both(cfg, a)
    (out / f"{a.id}.ipynb").write_text(nbformat.writes(nb))
    (out / f"{a.id}.json").write_text(json.dumps(key))
print(json.dumps([i.get("architecture") for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]))
"""


def _blas():
    """(kernel architectures, BLAS implementations) loaded here (NumPy's and SciPy's may both be)."""
    from threadpoolctl import threadpool_info
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return {i.get("architecture") for i in blas}, {i.get("internal_api") for i in blas}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="OpenBLAS x86 kernels only")
def test_a_build_with_another_blas_kernel_is_fresh(cfg, tmp_path):
    """Rebuild every lesson with OpenBLAS forced to an old x86 kernel (other blocking, no AVX)."""
    here, apis = _blas()
    if apis != {"openblas"}:
        pytest.skip(f"NumPy's BLAS is {apis}, not OpenBLAS: OPENBLAS_CORETYPE does nothing")
    env = {**os.environ, "OPENBLAS_CORETYPE": "Prescott"}
    run = subprocess.run([sys.executable, "-c", CHILD_BUILD, str(tmp_path)], cwd=cfg.ROOT, env=env,
                         capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    assert run.returncode == 0, run.stderr[-3000:]
    there = set(json.loads(run.stdout.strip().splitlines()[-1]))
    if there == here:
        pytest.skip(f"this CPU already runs the {here} kernel")
    differing_bytes = 0
    for aid in LESSONS:
        nb_there = nbformat.reads((tmp_path / f"{aid}.ipynb").read_text(), as_version=4)
        key_there = json.loads((tmp_path / f"{aid}.json").read_text())
        nb, key = build.build_both(cfg, cfg.get(aid))
        differing_bytes += (nbbuild.notebook_json(nb) != nbbuild.notebook_json(nb_there)
                            or nbbuild.key_json(key) != nbbuild.key_json(key_there))
        assert freshness.notebook_differences(nb, nb_there) == [], f"{aid} built on {there} vs {here}"
        assert freshness.key_differences(key, key_there) == [], f"{aid} built on {there} vs {here}"
    # The simulation simulates something: some last bits did move (else the check above proves nothing new).
    assert differing_bytes > 0


# ------------------------------------------------------------ edits in a copy of the course

CHILD_CHECK = """
import json, sys
from nnlab.cli.course import load_config
from nnlab.cli import build
from nnlab.cli.main import main
cfg = load_config()
a = cfg.get(sys.argv[1])
before = build.stale_reasons(cfg, a)
code = main(["build", a.id])
print(json.dumps({"before": before, "code": code, "after": build.stale_reasons(cfg, a)}))
"""


def _course_copy(cfg, tmp_path, aid=AID):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(cfg.ROOT / "course_config.py", root)
    shutil.copytree(cfg.ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(cfg.ROOT / "source" / aid, root / "source" / aid)
    nbbuild.key_path(root, aid).parent.mkdir(parents=True)
    shutil.copy(nbbuild.key_path(cfg.ROOT, aid), nbbuild.key_path(root, aid))
    return root


def _edit(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: expected exactly one {old!r}"
    path.write_text(text.replace(old, new))


def _check_copy(root, aid=AID):
    """Staleness before and after `nnlab build`, judged in a fresh interpreter (its own `solutions`)."""
    files = [source_notebook(root, aid), nbbuild.key_path(root, aid)]
    before = [f.read_bytes() for f in files]
    # `python -c` puts the current directory first on sys.path: the copy's course_config and solutions.
    run = subprocess.run([sys.executable, "-c", CHILD_CHECK, aid], cwd=root, capture_output=True, text=True,
                         timeout=CHILD_TIMEOUT_S)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["stdout"] = run.stdout
    result["rewritten"] = [f.name for f, b in zip(files, before) if f.read_bytes() != b]
    return result


def test_build_leaves_another_machines_files_alone(cfg, tmp_path):
    """Files with another machine's last bits: `nnlab build` says fresh and rewrites nothing."""
    root = _course_copy(cfg, tmp_path)
    p = Perturb(MACHINE_NOISE)
    nbbuild.write_notebook(p.notebook(read_nb(source_notebook(root, AID))), source_notebook(root, AID))
    key = nbbuild.key_path(root, AID)
    key.write_text(nbbuild.key_json(p.tree(json.loads(key.read_text()))))
    assert p.floats > 0
    result = _check_copy(root)
    assert result["before"] == [] and result["code"] == 0 and result["rewritten"] == []
    assert f"fresh {AID}" in result["stdout"]


# file (relative to the copy), text in it, replacement, and what the staleness report must mention
EDITS = {
    "constant in the reference": (
        "solutions/logic_gates.py", "1.0 / (1.0 + e), e / (1.0 + e)", "1.0 / (1.000001 + e), e / (1.000001 + e)",
        # the solution cell's text and the expected values in the key both change
        [f"source/{AID}/{AID}.ipynb: cell", f"keys/{AID}.json: key['cases']['sigmoid']"]),
    "markdown line": (
        f"solutions/notebooks/{AID}.py", "Logic gates with perceptrons", "Logic gates with perceptron",
        [f"source/{AID}/{AID}.ipynb: cell 0 (md-000): text differs: '# Lesson 01 — Logic gates with perceptron' "
         "vs '# Lesson 01 — Logic gates with perceptrons'"]),
    "solution line, same values": (
        "solutions/logic_gates.py", "return np.hstack([np.ones((X.shape[0], 1)), X])",
        "return np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)",
        [f"source/{AID}/{AID}.ipynb: cell"]),
    "a case input (only baked floats change)": (
        f"solutions/notebooks/{AID}.py", "case(0.0)\n", "case(1e-3)\n",
        [f"source/{AID}/{AID}.ipynb: cell", "float64 values differ", f"keys/{AID}.json: key['cases']['sigmoid']"]),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_real_edit_is_stale_and_build_repairs_it(cfg, tmp_path, edit):
    path, old, new, mentions = EDITS[edit]
    root = _course_copy(cfg, tmp_path)
    _edit(root / path, old, new)
    result = _check_copy(root)
    report = "\n".join(result["before"])
    assert result["before"], f"{edit}: judged fresh"
    for m in mentions:
        assert m in report, f"{edit}: {m!r} not in\n{report}"
    assert result["code"] == 0 and result["after"] == [] and f"{AID}.ipynb" in result["rewritten"]


# ------------------------------------------------------------ release and outputs

def test_release_keeps_the_committed_bytes_of_an_unchanged_notebook(cfg):
    committed = source_notebook(cfg.ROOT, AID).read_bytes()
    nb = nbformat.reads(committed.decode(), as_version=4)
    reformatted = json.dumps(json.loads(nbformat.writes(nb)), indent=2, sort_keys=False).encode()
    assert reformatted != committed
    assert release._same_content(committed, reformatted, ".ipynb")
    nb.cells[0].source += " "
    assert not release._same_content(committed, nbformat.writes(nb).encode(), ".ipynb")
    assert not release._same_content(b"a", b"b", ".txt")


def test_readme_command_outputs_are_ignored_by_git(cfg):
    """`nnlab demo`, `nnlab grade` (default --out) and the course gradebook write only git-ignored paths."""
    from nnlab.cli.main import parser
    if shutil.which("git") is None or not (cfg.ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    grade_out = parser().parse_args(["grade", "submitted"]).out
    gradebook = course_config.GRADEBOOK_URL.removeprefix("sqlite:///")
    outputs = ["demo/", f"{grade_out}/", os.path.relpath(gradebook, cfg.ROOT), "submitted/", "autograded/",
               "feedback/"]
    not_ignored = [p for p in outputs if subprocess.run(["git", "check-ignore", "-q", "--no-index", p],
                                                        cwd=cfg.ROOT).returncode != 0]
    assert not_ignored == [], f"not git-ignored: {not_ignored} (add them to .gitignore)"

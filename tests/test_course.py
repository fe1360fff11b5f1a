"""The course as a whole: config, freshness of generated files, plain nbgrader, quick start."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import course_config
from nnlab import build as nbbuild
from nnlab.cli import build, check
from nnlab.cli.course import read_nb, source_notebook
from nnlab.cli.submissions import make_submission, write_submission

LESSONS = [a for a in course_config.ASSIGNMENTS if a.ready]
SYLLABUS_IDS = ["01_logic_gates", "02_cost_functions", "03_backprop", "04_unrolling", "05_gradient_checking",
                "06_initialization", "07_optimizers", "08_newton", "09_digits"]


def test_course_has_the_nine_syllabus_assignments_in_order():
    assert [a.id for a in course_config.ASSIGNMENTS] == SYLLABUS_IDS
    dues = [a.due for a in course_config.ASSIGNMENTS]
    assert dues == sorted(dues) and len(set(dues)) == len(dues)


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_points_in_config_match_the_notebook(cfg, aid):
    assert nbbuild.total_points(read_nb(source_notebook(cfg.ROOT, aid))) == cfg.get(aid).points


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_source_notebook_is_built_from_the_current_reference(cfg, aid):
    """One source of truth: solution cells come from solutions/; a stale notebook fails here."""
    assert not build.is_stale(cfg, cfg.get(aid)), f"run `nnlab build {aid}`"


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_release_is_fresh(cfg, aid):
    assert not check.release_is_stale(cfg, cfg.get(aid)), f"run `nnlab release {aid}`"


@pytest.mark.pipeline
def test_plain_nbgrader_commands_work_in_the_course_root(cfg, tmp_path):
    """An instructor's own `nbgrader generate_assignment / autograde / generate_feedback`."""
    aid = LESSONS[0].id
    root = tmp_path / "course"
    root.mkdir()
    for name in ("course_config.py", "nbgrader_config.py"):
        shutil.copy(cfg.ROOT / name, root / name)
    shutil.copytree(cfg.ROOT / "source" / aid, root / "source" / aid)
    (root / "keys").mkdir()
    shutil.copy(nbbuild.key_path(cfg.ROOT, aid), nbbuild.key_path(root, aid))  # the grader's answer key
    (root / "solutions").mkdir()
    (root / "solutions" / "notebooks").mkdir()
    (root / "solutions" / "notebooks" / f"{aid}.py").touch()  # marks the lesson ready

    def nbgrader(*args):
        return subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=root,
                              capture_output=True, text=True)

    assert nbgrader("generate_assignment", aid, "--force").returncode == 0
    assert (root / "release" / aid / f"{aid}.ipynb").exists()
    write_submission(make_submission(cfg.ROOT, aid), root / "submitted", "ada", aid)
    run = nbgrader("autograde", aid, "--force")
    assert run.returncode == 0, run.stderr[-2000:]
    assert nbgrader("generate_feedback", aid, "--force").returncode == 0
    page = (root / "feedback" / "ada" / aid / f"{aid}.html").read_text()
    assert "BEGIN HIDDEN TESTS" not in page and "ag.unpack(" not in page
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        sub = gb.find_submission(aid, "ada")
        assert (sub.score, sub.max_score) == (cfg.get(aid).points, cfg.get(aid).points)


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one(cfg):
    readme = (cfg.ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick.splitlines() if line.startswith("    ")]
    assert len(commands) == 2
    assert commands[0].endswith("nnlab demo") and commands[1].endswith("python -m pytest")
    extracted = subprocess.run(["sed", "-n", r"s/^    \(python3 -m venv .venv .*pytest.*\)$/\1/p",
                                str(cfg.ROOT / "README.md")], capture_output=True, text=True).stdout.strip()
    assert extracted == commands[1]
    assert "README" in (cfg.ROOT / ".ci" / "run").read_text()

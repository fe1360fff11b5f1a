"""Released material never shows solution code or hidden tests.

Checked where students could look: ``release/``, the feedback files, and
the wheel a student installs.  The leak detector itself is tested on planted
leaks, so a green run means something.
"""
import html
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest

import course_config
from nnlab.cli import grade as grading
from nnlab.cli.course import (read_nb, release_notebook, secret_blocks, secret_lines, shows_block,
                                   source_notebook)
from nnlab.cli.release import find_leaks, forbidden_blocks_for, forbidden_for
from nnlab.cli.submissions import make_submission, write_submission

LESSONS = [a for a in course_config.ASSIGNMENTS if a.ready]
MARKERS = ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "ag.unpack(", "ag.load_trusted(")


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_release_has_no_solution_code_or_hidden_tests(cfg, aid):
    forbidden, blocks = forbidden_for(cfg, cfg.get(aid)), forbidden_blocks_for(cfg, cfg.get(aid))
    assert forbidden and blocks, "the leak check would have nothing to look for"
    assert find_leaks(cfg.ROOT / "release" / aid, forbidden, blocks) == []


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_release_solution_cells_are_stubs(cfg, aid):
    """A function's cell raises NotImplementedError; a constant's cell is only `NAME = ...  # note` lines."""
    from nnlab.build import PLACEHOLDER
    for cell in read_nb(release_notebook(cfg.ROOT, aid)).cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            lines = [ln for ln in cell.source.splitlines() if ln.strip()]
            placeholders = lines and all(PLACEHOLDER.match(ln) for ln in lines)
            assert placeholders or "raise NotImplementedError" in cell.source, cell.id


def test_leak_detector_finds_planted_leaks(cfg, tmp_path):
    aid = LESSONS[0].id
    source = read_nb(source_notebook(cfg.ROOT, aid))
    secret = sorted(secret_lines(source))[0]
    nb = read_nb(release_notebook(cfg.ROOT, aid))
    nb.cells.append(nbformat.v4.new_code_cell(f"x = 1\n    {secret}\n"))
    nbformat.write(nb, str(tmp_path / f"{aid}.ipynb"))
    (tmp_path / "notes.txt").write_text("### BEGIN HIDDEN TESTS\n")
    region = next(c for c in source.cells if "### BEGIN SOLUTION" in c.source).source
    body = region.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    (tmp_path / "reindented.py").write_text("\n".join("  " + ln.strip() for ln in body.splitlines()))
    leaks = find_leaks(tmp_path, forbidden_for(cfg, cfg.get(aid)), forbidden_blocks_for(cfg, cfg.get(aid)))
    assert any(secret in what for _, what in leaks)
    assert any(p.name == "notes.txt" for p, _ in leaks)
    assert any(p.name == "reindented.py" and what.startswith("region") for p, what in leaks)


def _visible_text(page):
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.pipeline
def test_feedback_shows_no_hidden_tests(cfg, tmp_path):
    aid = LESSONS[0].id
    sub = tmp_path / "submitted"
    write_submission(make_submission(cfg.ROOT, aid), sub, "good", aid)
    write_submission(read_nb(release_notebook(cfg.ROOT, aid)), sub, "blank", aid)
    broken = read_nb(release_notebook(cfg.ROOT, aid))  # deletes every solution cell: errors everywhere
    broken.cells = [c for c in broken.cells if not c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    write_submission(broken, sub, "broken", aid)
    grading.grade(cfg, sub, [cfg.get(aid)], tmp_path / "out", jobs=2, progress=lambda *_: None)
    pages = sorted((tmp_path / "out" / "feedback").rglob("*.html"))
    assert len(pages) == 3
    # the student's own code may be shown (even the reference's); hidden tests never
    secrets = secret_lines(read_nb(source_notebook(cfg.ROOT, aid)), min_len=16, kinds=("HIDDEN TESTS",))
    assert secrets
    for page in pages:
        text = _visible_text(page.read_text())
        assert not [m for m in MARKERS if m in text], page
        assert not [s for s in secrets if s in text], page
        assert "score" in text  # the report lines of hidden tests are still shown


def test_student_wheel_contains_no_reference_or_tests(cfg, tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(cfg.ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("*.whl"))
    blocks = set()
    for a in LESSONS:
        blocks |= secret_blocks(read_nb(source_notebook(cfg.ROOT, a.id)))
    assert len(blocks) > 20
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert not [n for n in names if n.startswith(("solutions/", "tests/", "source/"))], names
        for n in names:
            found = shows_block(z.read(n).decode("utf-8", "replace"), blocks)
            assert not found, (n, found[:2])


def test_block_search_finds_a_solution_pasted_into_a_file(cfg):
    nb = read_nb(source_notebook(cfg.ROOT, LESSONS[0].id))
    block = sorted(secret_blocks(nb))[0]
    assert shows_block("x = 1\n" + block + "\n", {block}) == [block]

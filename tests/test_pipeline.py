"""End to end with real nbgrader on the real notebooks.

For every ready lesson: the reference submission scores full marks, the
untouched release scores 0 without crashing the run, and every mutant in
``tests/mutants/`` loses points in a cell whose feedback names the mistake.
Each lesson is graded once (lazily, so ``-k 01_logic_gates`` grades only 01).
"""
import re
from collections import defaultdict

import pytest

import course_config
from nnlab.cli import grade as grading
from nnlab.cli.course import read_nb, release_notebook
from nnlab.cli.submissions import load_alternatives, load_mutants, make_submission, write_submission

pytestmark = pytest.mark.pipeline
LESSONS = [a for a in course_config.ASSIGNMENTS if a.ready]


def rounds(assignment):
    """Mutants grouped so that each round has at most one mutant per task."""
    by_task = defaultdict(list)
    for m in load_mutants(course_config, assignment):
        by_task[m.task].append(m)
    n = max((len(v) for v in by_task.values()), default=0)
    return [[v[r] for v in by_task.values() if r < len(v)] for r in range(n)]


MUTANT_PARAMS = [pytest.param(a.id, f"mutant{r:02d}", m, id=f"{a.id}-{m.task}-{m.mistake}")
                 for a in LESSONS for r, group in enumerate(rounds(a)) for m in group]


@pytest.fixture(scope="session")
def graded(cfg, tmp_path_factory):
    cache = {}

    def get(aid):
        if aid not in cache:
            a = cfg.get(aid)
            tmp = tmp_path_factory.mktemp(aid)
            sub = tmp / "submitted"
            write_submission(make_submission(cfg.ROOT, aid), sub, "reference", aid)
            write_submission(read_nb(release_notebook(cfg.ROOT, aid)), sub, "blank", aid)
            if load_alternatives(cfg, a):
                write_submission(make_submission(cfg.ROOT, aid, load_alternatives(cfg, a)), sub, "alternatives", aid)
            for r, group in enumerate(rounds(a)):
                write_submission(make_submission(cfg.ROOT, aid, group), sub, f"mutant{r:02d}", aid)
            try:
                rows = grading.grade(cfg, sub, [a], tmp / "out", jobs=2, progress=lambda *_: None)
                cache[aid] = {r.student: r for r in rows}
            except Exception as exc:  # grade once, fail every test of the lesson fast
                cache[aid] = exc
        if isinstance(cache[aid], Exception):
            raise cache[aid]
        return cache[aid]
    return get


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_reference_scores_full_marks(graded, cfg, aid):
    row = graded(aid)["reference"]
    assert row.status == "graded"
    assert (row.score, row.max_score) == (cfg.get(aid).points, cfg.get(aid).points), row.messages


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_correct_solutions_written_differently_score_full_marks(graded, cfg, aid):
    """Grade behaviour, not form: loops, other NumPy idioms, other valid weights."""
    if not load_alternatives(cfg, cfg.get(aid)):
        pytest.skip(f"{aid} has no catalogue of alternative solutions")
    row = graded(aid)["alternatives"]
    assert row.score == cfg.get(aid).points, row.messages


@pytest.mark.parametrize("aid", [a.id for a in LESSONS])
def test_untouched_release_scores_zero(graded, cfg, aid):
    row = graded(aid)["blank"]
    assert row.status == "graded"
    assert row.score == 0 and row.max_score == cfg.get(aid).points, row.cells


@pytest.mark.parametrize("aid, student, mutant", MUTANT_PARAMS)
def test_mutant_loses_points_with_a_named_message(graded, aid, student, mutant):
    row = graded(aid)[student]
    assert row.status == "graded"
    assert mutant.words, f"mutant {mutant.mistake!r} has no expected feedback words"
    named = [m for m in row.messages if re.search(mutant.words, m, re.I | re.S)]
    assert named, (f"no feedback matches {mutant.words!r} for {mutant.task}: {mutant.mistake}\n"
                   + "\n".join(row.messages))
    lost = {cid for cid, score, max_score in row.cells if score < max_score}
    cells = {m[1:m.index("]")] for m in named}
    assert cells & lost, f"cells {cells} name the mistake but did not lose points (lost: {lost})"

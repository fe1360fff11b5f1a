"""What a student sees before grading: the real ``nbgrader validate`` names each mistake.

For lessons 01–05, the first catalogued mistake of every graded function is put
alone into the filled-in release notebook (``tests/validate_naming.py``); when a
visible test catches it, validate's printed error must name it in the same
words the hidden tests use (the mutant's ``words``).
"""
import pytest

import course_config
from tests.validate_naming import measure

pytestmark = pytest.mark.pipeline
LESSONS = [a.id for a in course_config.ASSIGNMENTS if a.ready and a.id[:2] in {"01", "02", "03", "04", "05"}]


@pytest.mark.parametrize("aid", LESSONS)
def test_validate_names_every_mistake_its_visible_tests_catch(aid):
    results = measure(aid)
    assert results, f"{aid} has no catalogued mutants"
    unnamed = [f"{m.task}: {m.mistake} (words {m.words!r}); validate printed: {text[:300]}"
               for m, (caught, named, text) in results.items() if caught and not named]
    assert not unnamed, "caught but not named:\n" + "\n".join(unnamed)
    caught = sum(1 for caught, _, _ in results.values() if caught)
    assert caught >= len(results) / 2, f"{aid}: visible tests catch only {caught} of {len(results)} mistakes"

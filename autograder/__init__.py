"""NN Learning Lab checking library: what the notebooks' test cells call.

Test cells do ``import autograder as ag`` and use:

* visible tests: ``ag.expect_close``, ``ag.expect_shape``, ``ag.expect_gradient``,
  ``ag.expect_no_warnings``, ``ag.expect_raises``;
* hidden tests: ``ag.check_cases`` / ``ag.call`` / ``ag.student`` / ``ag.check_gradient``,
  judging inside ``if ag.GRADER:`` and ``ag.score(..., points=N)`` as the last line.

In the student's kernel these run the student's code and, while nbgrader
autogrades, record what it produced; every score is decided by the grader,
outside the kernel (``nnlab.replay``).  This package is all a student
installs: NumPy is its only dependency, and it holds no reference solutions,
no hidden tests and no expected values (``tests/test_leaks.py`` checks).
"""
from autograder import tolerances
from autograder.checks import (CheckFailed, Checker, LiveBackend, NotInKernel, Result, cases,
                               central_differences, explain, judge_call, load_trusted, mutated, reference, trust_in_this_cell,
                               unpack)
from autograder.compare import compare
from autograder.display import INSTALL_HINT
from autograder.watchdog import install as _install_watchdog

_live = Checker(LiveBackend())
GRADER = _live.GRADER
call = _live.call
student = _live.student
check_call = _live.check_call
check_cases = _live.check_cases
check_gradient = _live.check_gradient
score = _live.score
expect_close = _live.expect_close
expect_shape = _live.expect_shape
expect_no_warnings = _live.expect_no_warnings
expect_raises = _live.expect_raises
expect_gradient = _live.expect_gradient

_install_watchdog()

__all__ = [
    "INSTALL_HINT", "CheckFailed", "GRADER", "NotInKernel", "Result", "call", "cases", "central_differences", "check_call",
    "check_cases", "check_gradient", "compare", "expect_close", "expect_gradient", "expect_no_warnings",
    "expect_raises", "expect_shape", "explain", "judge_call", "load_trusted", "mutated", "reference", "score", "student",
    "tolerances", "trust_in_this_cell", "unpack",
]

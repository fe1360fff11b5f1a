"""NN Learning Lab checking library: what the notebooks' test cells call.

Test cells do ``import autograder as ag`` and use:

* visible tests: ``ag.expect_close``, ``ag.expect_shape``, ``ag.expect_gradient``,
  ``ag.expect_no_warnings``, ``ag.expect_raises``;
* hidden tests: ``ag.check_cases`` / ``ag.Result`` / ``ag.check_call`` and
  ``ag.score(..., points=N)`` as the cell's last expression.

This package is what students install; it holds no reference solutions and
no hidden tests (``tests/test_leaks.py`` checks the built wheel).
"""
from autograder.checks import (CheckFailed, Result, central_differences, check_call,
                               check_cases, check_gradient, expect_close, expect_gradient, expect_no_warnings,
                               expect_raises, expect_shape, explain, load_reference, load_trusted, score,
                               student, trust_in_this_cell, unpack, GRADER)
from autograder import tolerances
from autograder.compare import compare
from autograder.runner import call
from autograder.watchdog import install as _install_watchdog

_install_watchdog()

__all__ = [
    "CheckFailed", "Result", "call", "central_differences", "check_call", "check_cases", "check_gradient",
    "compare", "expect_close", "expect_gradient", "expect_no_warnings", "expect_raises",
    "expect_shape", "explain", "load_reference", "load_trusted", "student", "GRADER", "score", "tolerances", "trust_in_this_cell", "unpack",
]

"""The checking library: comparisons, messages, baked data, safe calls, scoring."""
import io
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import autograder as ag
from autograder.compare import compare
from autograder.packing import pack, unpack
from autograder.runner import call
from autograder.tolerances import ATOL, RTOL


# ------------------------------------------------------------------ packing

nested = st.recursive(
    st.one_of(st.floats(allow_nan=False), st.integers(-2**40, 2**40), st.text(max_size=5), st.none(),
              arrays(np.float64, st.tuples(st.integers(0, 3), st.integers(1, 3))),
              arrays(np.int64, st.integers(0, 4))),
    lambda children: st.one_of(st.lists(children, max_size=3), st.tuples(children, children),
                               st.dictionaries(st.text(max_size=3), children, max_size=2)),
    max_leaves=8)


def _equal(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.tobytes() == b.tobytes() \
            and a.shape == b.shape
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return a == b


@given(nested)
def test_pack_round_trips_exactly(value):
    assert _equal(unpack(pack(value)), value)


def test_pack_keeps_zero_d_arrays_scalar_shaped():
    assert np.shape(unpack(pack(np.float64(0.5)))) == ()
    assert np.shape(unpack(pack(np.array(0.5)))) == ()


def test_pack_refuses_objects():
    with pytest.raises(TypeError):
        pack(object())


# ------------------------------------------------------------------ compare

def test_close_values_pass_within_round_off():
    x = np.random.default_rng(0).normal(size=(4, 5))
    assert compare(x * (1 + 1e-12), x) is None


def test_message_says_where_expected_and_received():
    e = np.zeros((2, 3))
    r = e.copy()
    r[1, 2] = 5.0
    m = compare(r, e, "grad")
    assert "grad[1, 2]" in m.message and "expected 0" in m.message and "received 5" in m.message


@pytest.mark.parametrize("transform, words", [
    (lambda e: -e, "sign is flipped"),
    (lambda e: 2 * e, "2 times the expected"),
    (lambda e: np.where(np.arange(e.shape[1]) == 0, e + 1, e), "only column 0"),
    (lambda e: e.T, "transpose"),
    (lambda e: np.zeros_like(e), "all zeros"),
])
def test_patterns_are_named(transform, words):
    e = np.random.default_rng(1).normal(size=(3, 3)) + 3.0
    assert words in compare(transform(e), e).message


def test_a_constant_factor_is_named_only_from_two_distinct_entries():
    assert "times the expected" in compare(np.array([2.0, -4.0, 6.0]), np.array([1.0, -2.0, 3.0])).message
    assert "times the expected" not in compare(2.0, 1.0).message            # any number is a multiple of another
    assert "times the expected" not in compare(np.array([3.0, 3.0]), np.ones(2)).message  # a constant is too
    assert "times the expected" not in compare(np.array([0.0, 0.0, 6.0]), np.array([0.0, 0.0, 3.0])).message
    assert "sign is flipped" in compare(-0.25, 0.25).message              # a sign is still worth naming


def test_positions_in_lists_of_matrices_read_as_python_indexing():
    e = [np.zeros((2, 3)), np.arange(6.0).reshape(3, 2)]
    r = [e[0], e[1].copy()]
    r[1][2, 0] = -1.0
    assert compare(r, e, "grads").message.startswith("grads[1][2, 0]: expected 4, received -1")
    assert compare((0.5, r), (0.5, e)).message.startswith("result[1][1][2, 0]: expected 4, received -1")


def test_shape_mismatch_hints():
    e = np.arange(6.0).reshape(2, 3)
    assert "transpose" in compare(e.T, e).message
    assert "reshape" in compare(e.ravel(), e).message
    assert "column-major" in compare(e.ravel(order="F"), e).message


def test_non_numeric_and_non_finite_are_explained():
    assert "not numeric" in compare("abc", np.zeros(2)).message
    assert "not finite" in compare(np.array([np.nan, 0.0]), np.zeros(2)).message


def test_tuples_compare_item_by_item_and_lists_of_numbers_are_arrays():
    assert compare((1.0, [np.ones(2)]), (1.0, [np.ones(2)])) is None
    assert compare([1.0, 2.0], np.array([1.0, 2.0])) is None
    assert "expected 2 items, received 1" in compare((1.0,), (1.0, 2.0)).message
    # a nested list literal is a matrix: its shape and [i, j] positions, not "items"
    rows = np.vstack([np.ones((1, 2)), [[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]])
    m = compare(rows, [[1.0, 2.0, 3.0], [1.0, 4.0, 5.0], [1.0, 6.0, 7.0]], "add_bias(X)").message
    assert m.startswith("add_bias(X): expected shape (3, 3), received shape (4, 2)"), m
    m = compare(np.array([[1.0, 2.0], [3.0, 0.0]]), [[1.0, 2.0], [3.0, 4.0]], "W").message
    assert m.startswith("W[1, 1]: expected 4, received 0"), m
    # a ragged list stays a sequence of rows
    assert compare([[1.0], [2.0, 3.0]], [[1.0], [2.0, 4.0]]).message.startswith("result[1][1]: expected 4, received 3")


def test_a_hostile_eq_does_not_fool_the_comparison():
    class Liar(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__
    assert compare(Liar(3.0), 1.0) is not None


# ------------------------------------------------------------------ runner

def test_call_captures_output_warnings_and_errors():
    def noisy(x):
        print("to stdout")
        print("to stderr", file=sys.stderr)
        return np.exp(np.array([1000.0])) + x
    out = call(noisy, [1.0])
    assert out.ok and "to stderr" in out.output
    assert any("overflow" in w for w in out.warnings)
    assert "ZeroDivisionError" in call(lambda: 1 / 0).error
    assert "SystemExit" in call(lambda: sys.exit(3)).error


def test_call_writes_nothing_to_the_real_streams():
    err, std = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(std):
        call(lambda: print("x", file=sys.stderr))
    assert err.getvalue() == "" and std.getvalue() == ""


def test_call_times_out_an_infinite_loop():
    def spin():
        while True:
            pass
    t0 = time.perf_counter()
    out = call(spin, timeout=0.3)
    assert "timeout" in out.error and time.perf_counter() - t0 < 5


def test_call_detects_in_place_modification_and_protects_the_caller():
    x = np.zeros(3)

    def mutate(a):
        a += 1
        return a
    out = call(mutate, [x])
    assert out.mutated == ["argument 1"]
    assert np.all(x == 0)


def test_swap_replaces_globals_during_the_call_only():
    ns = {}
    exec("def helper():\n    return 'student'\ndef f():\n    return helper()", ns)
    assert call(ns["f"], swap={"helper": lambda: "trusted"}).value == "trusted"
    assert ns["f"]() == "student"


# ------------------------------------------------------------------ checks and scores

def _cases(fn, inputs):
    return [{"args": [x], "kwargs": {}, "expected": fn(x)} for x in inputs]


def test_check_cases_full_partial_and_zero_credit():
    cases = _cases(np.square, [np.arange(3.0), np.arange(4.0) - 2, np.array(3.0)])
    assert ag.check_cases(np.square, cases).fraction == 1.0
    half = ag.check_cases(lambda x: np.square(x) if np.ndim(x) else 0.0, cases)
    assert half.fraction == pytest.approx(2 / 3)
    assert ag.check_cases(lambda x: None, cases).fraction == 0.0


def test_check_cases_names_variants():
    cases = _cases(np.square, [np.arange(3.0) + 1])
    cases[0]["variants"] = {"doubled instead of squaring": np.array([2.0, 4.0, 6.0])}
    r = ag.check_cases(lambda x: 2 * x, cases)
    assert "exactly what you get if you doubled instead of squaring" in r.report()


def test_check_cases_with_a_missing_function_name():
    r = ag.check_cases("no_such_function", [{"args": [1.0], "kwargs": {}, "expected": 1.0}])
    assert r.fraction == 0 and "not defined" in r.report()


def test_score_is_decided_only_by_the_grader(capsys):
    r = ag.Result("task")
    r.record(1.0)
    r.fail("wrong at [0]")
    assert ag.score(r, points=3) is None  # in a kernel: no number for nbgrader to read
    from autograder.checks import Checker, LiveBackend
    assert Checker(LiveBackend(), grader=True).score(r, points=3) == 1.5
    assert "wrong at [0]" in r.report() and capsys.readouterr().err == ""


def test_right_value_with_a_warning_gets_half_credit_only_where_stability_is_asked():
    naive = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731 - overflows at z = -1000 but rounds right
    r = ag.Result("sigmoid")
    ag.check_call(r, naive, [np.array([1000.0, -1000.0])], expected=np.array([1.0, 0.0]), stable=True)
    assert r.fraction == 0.5 and "overflow" in r.report()
    lenient = ag.Result("sigmoid")
    ag.check_call(lenient, naive, [np.array([1000.0, -1000.0])], expected=np.array([1.0, 0.0]))
    assert lenient.fraction == 1.0
    clean = ag.Result("log1p")
    ag.check_call(clean, np.log1p, [np.array([0.0])], expected=np.array([0.0]), stable=True)
    assert clean.fraction == 1.0


def test_expect_close_raises_with_message():
    with pytest.raises(ag.CheckFailed, match=r"J: expected 1, received 2"):
        ag.expect_close(2.0, 1.0, "J")


def test_expect_gradient_accepts_right_and_rejects_wrong_gradients():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    ag.expect_gradient(lambda t: (t @ A @ t, 2 * A @ t), np.array([0.3, -0.7]))
    with pytest.raises(ag.CheckFailed, match="relative difference"):
        ag.expect_gradient(lambda t: (t @ A @ t, A @ t), np.array([0.3, -0.7]))
    thetas = [np.ones((2, 3)), np.arange(4.0).reshape(1, 4)]
    ag.expect_gradient(lambda ts: (sum((t ** 2).sum() for t in ts), [2 * t for t in ts]), thetas)


def test_expect_raises_checks_the_message():
    def bad(v):
        raise ValueError("vector has 3 entries, expected 4")
    ag.expect_raises(ValueError, bad, 1, mentions=["vector", "4"])
    with pytest.raises(ag.CheckFailed):
        ag.expect_raises(ValueError, bad, 1, mentions=["matrix"])
    with pytest.raises(ag.CheckFailed):
        ag.expect_raises(ValueError, lambda: None)


def test_tolerances_leave_room_for_round_off_but_not_for_mistakes():
    assert RTOL <= 1e-6 and ATOL <= 1e-8
    x = np.random.default_rng(2).normal(size=1000)
    looped = sum(float(v) ** 2 for v in x)
    assert compare(looped, np.dot(x, x)) is None


def test_check_gradient_records_instead_of_raising_and_uses_trusted_helpers():
    ns = {"np": np}
    exec("def helper(t):\n    return 3 * t\n"
         "def cost(t):\n    return float(t @ t), helper(t)\n", ns)  # gradient should be 2 t, not 3 t
    wrong = ag.Result("cost")
    ag.check_gradient(wrong, ns["cost"], np.array([0.5, -1.0]), "cost gradient")
    assert wrong.fraction == 0 and "relative difference" in wrong.report()
    fixed = ag.Result("cost")
    ag.check_gradient(fixed, ns["cost"], np.array([0.5, -1.0]), trusted={"helper": lambda t: 2 * t})
    assert fixed.fraction == 1.0
    assert ns["helper"](np.array([1.0]))[0] == 3.0  # the notebook's own helper is back


def test_monkeypatched_numpy_is_restored_before_comparing():
    from autograder import integrity
    real = np.isclose
    try:
        np.isclose = lambda *a, **k: True  # a student's "everything is close"
        assert compare(np.array([1.0]), np.array([2.0])) is not None
        assert np.isclose is real and "np.isclose" in integrity.restored
    finally:
        np.isclose = real
        integrity.restored.discard("np.isclose")

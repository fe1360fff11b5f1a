"""Lesson 01 reference against independent expectations.

Expected values come from the lecture (AND = [-30, 20, 20] gives g(-30), g(-10),
g(-10), g(10); a 3-5-1 network has 26 weights), from scipy.special.expit, from
truth tables, and from properties checked with hypothesis.
"""
import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit

from solutions.logic_gates import (ALPHA_AND, ALPHA_OR, THETA_AND, THETA_NOR, THETA_NOT, THETA_OR,
                                   XNOR_THETAS, XOR_THETAS, add_bias, count_weights, feedforward,
                                   logistic_unit, sigmoid, sign_aggregate, xor_by_aggregation)

CORNERS = np.array(list(itertools.product([0.0, 1.0], repeat=2)))  # (0,0), (0,1), (1,0), (1,1)
PM_PAIRS = np.array(list(itertools.product([-1.0, 1.0], repeat=2)))
TRUTH_TOL = 0.01  # syllabus: every output within 0.01 of its target
finite = st.floats(-1e3, 1e3, allow_nan=False)


def test_sigmoid_matches_scipy_expit():
    z = np.linspace(-40, 40, 161)
    np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-15, atol=0)


def test_sigmoid_saturates_without_warnings():
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        out = sigmoid(np.array([-1000.0, 1000.0]))
    assert out.tolist() == [0.0, 1.0]


@given(arrays(float, st.integers(1, 20), elements=finite))
def test_sigmoid_is_bounded_and_increasing(z):
    s = sigmoid(np.sort(z))
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) >= 0)


@given(finite)
def test_sigmoid_symmetry(z):
    assert sigmoid(z) + sigmoid(-z) == pytest.approx(1.0, abs=1e-15)


def test_add_bias_prepends_ones_column():
    X = np.arange(6.0).reshape(3, 2)
    expected = np.array([[1, 0, 1], [1, 2, 3], [1, 4, 5]], dtype=float)
    np.testing.assert_array_equal(add_bias(X), expected)
    np.testing.assert_array_equal(add_bias([[7.0]]), [[1.0, 7.0]])


def test_logistic_unit_lecture_and_unit():
    out = logistic_unit([-30, 20, 20], CORNERS)
    np.testing.assert_allclose(out, expit(np.array([-30.0, -10.0, -10.0, 10.0])), rtol=1e-14)


@pytest.mark.parametrize("theta, inputs, table", [
    (THETA_AND, CORNERS, [0, 0, 0, 1]),
    (THETA_OR, CORNERS, [0, 1, 1, 1]),
    (THETA_NOR, CORNERS, [1, 0, 0, 0]),
    (THETA_NOT, np.array([[0.0], [1.0]]), [1, 0]),
])
def test_gate_weights_reproduce_truth_tables(theta, inputs, table):
    assert np.all(np.abs(logistic_unit(theta, inputs) - table) <= TRUTH_TOL)


def test_lecture_and_weights_are_the_reference():
    np.testing.assert_array_equal(THETA_AND, [-30, 20, 20])


def test_feedforward_equals_explicit_layer_formula():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 3))
    t1, t2 = rng.normal(size=(5, 4)), rng.normal(size=(2, 6))
    hidden = expit(t1[:, 0] + X @ t1[:, 1:].T)
    out = expit(t2[:, 0] + hidden @ t2[:, 1:].T)
    np.testing.assert_allclose(feedforward([t1, t2], X), out, rtol=1e-14)


@pytest.mark.parametrize("thetas, table", [(XNOR_THETAS, [1, 0, 0, 1]), (XOR_THETAS, [0, 1, 1, 0])])
def test_two_layer_gates(thetas, table):
    assert [np.shape(t) for t in thetas] == [(2, 3), (1, 3)]
    assert np.all(np.abs(feedforward(thetas, CORNERS)[:, 0] - table) <= TRUTH_TOL)


def test_sign_aggregate_and_or():
    np.testing.assert_array_equal(sign_aggregate(ALPHA_AND, PM_PAIRS), [-1, -1, -1, 1])
    np.testing.assert_array_equal(sign_aggregate(ALPHA_OR, PM_PAIRS), [-1, 1, 1, 1])


@given(st.lists(st.sampled_from([-1.0, 1.0]), min_size=2, max_size=2), st.integers(1, 5))
def test_xor_by_aggregation_truth_table(pair, reps):
    G = np.tile(pair, (reps, 1))
    want = 1.0 if pair[0] != pair[1] else -1.0
    np.testing.assert_array_equal(xor_by_aggregation(G), np.full(reps, want))


def test_count_weights_lecture_values():
    assert count_weights([3, 5, 1]) == 26
    assert count_weights([10, 10, 10, 1]) == 231


@settings(max_examples=50)
@given(st.lists(st.integers(1, 30), min_size=2, max_size=6))
def test_count_weights_equals_sum_of_matrix_sizes(sizes):
    shapes = [(b, a + 1) for a, b in zip(sizes[:-1], sizes[1:])]
    assert count_weights(sizes) == sum(np.zeros(s).size for s in shapes)


@pytest.mark.parametrize("call, names", [
    (lambda: logistic_unit(np.zeros(4), np.ones((2, 2))), ["theta", "(3,)", "(4,)"]),
    (lambda: feedforward([np.zeros((2, 4))], np.ones((2, 2))), ["thetas[0]", "(2, 4)"]),
    (lambda: add_bias(np.ones(3)), ["X", "(3,)"]),
    (lambda: sign_aggregate([1.0, 1.0], np.ones((2, 2))), ["alphas", "(2,)"]),
])
def test_wrong_shapes_raise_value_error_naming_the_argument(call, names):
    with pytest.raises(ValueError) as err:
        call()
    for name in names:
        assert name in str(err.value)


# ------------------------------------------------------------ quick questions (QUIZ_*)
# Each answer is re-derived here from its question, independently of the reference functions.

def _letters(answer):
    return sorted(answer.replace(",", " ").split())


def test_quiz_a_reads_the_weights():
    """theta = (-10, 20, -20) on the corners, with scipy's expit; options as truth tables."""
    from solutions.logic_gates import QUIZ_A
    out = np.round(expit(-10 + 20 * CORNERS[:, 0] - 20 * CORNERS[:, 1]))
    options = {"a": [0, 0, 1, 0], "b": [0, 1, 0, 0], "c": [0, 1, 1, 0], "d": [1, 1, 1, 0]}
    assert [k for k, table in options.items() if list(out) == table] == _letters(QUIZ_A)


def test_quiz_b_is_exactly_the_non_separable_options():
    """A single unit computes a table iff some line separates its 1s from its 0s (an LP feasibility problem)."""
    from scipy.optimize import linprog

    from solutions.logic_gates import QUIZ_B
    options = {"a": [0, 0, 0, 1], "b": [1, 1, 1, 0], "c": [0, 1, 1, 0], "d": [0, 0, 1, 0], "e": [1, 0, 0, 1],
               "f": [1, 1, 1, 1]}
    X1 = np.column_stack([np.ones(4), CORNERS])

    def separable(table):
        # find theta with s_i * theta . x_i >= 1 for every corner (s_i = +1 for a 1, -1 for a 0)
        s = np.where(np.array(table) == 1, 1.0, -1.0)
        res = linprog(np.zeros(3), A_ub=-(s[:, None] * X1), b_ub=-np.ones(4), bounds=[(None, None)] * 3)
        return res.status == 0

    assert sorted(k for k, table in options.items() if not separable(table)) == _letters(QUIZ_B)


def test_quiz_c_votes():
    from solutions.logic_gates import QUIZ_C
    votes = np.sign(3.0 + PM_PAIRS.sum(axis=1))
    options = {"a": [-1, -1, -1, 1], "b": [-1, 1, 1, 1], "c": [-1, 1, 1, -1], "d": [1, 1, 1, 1]}
    assert [k for k, table in options.items() if list(votes) == table] == _letters(QUIZ_C)

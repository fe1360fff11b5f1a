"""Tests of the lesson-02 reference (solutions.cost_functions) and its mutants.

Expected values never come from the reference itself: they are closed forms,
naive per-example loops over the lecture's formulas, SciPy / scikit-learn,
central finite differences, or the lecture's published numbers.
"""
import contextlib
import math
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import log_loss, mean_squared_error

import solutions.cost_functions as cf
import solutions.logic_gates as lg
from solutions.cost_functions import (
    l2_penalty,
    logistic_cost,
    nn_cost,
    one_hot,
    softmax,
    softmax_cross_entropy,
    squared_error_cost,
    weight_elimination,
)
from tests.mutants.cost_functions_02 import MUTANTS

FAST = settings(max_examples=40, deadline=None, database=None)  # no .hypothesis/ left in the repo
finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@contextlib.contextmanager
def no_warnings():
    """Turn every warning and every floating-point overflow/0-division/invalid into an error.

    Underflow stays silent: ``exp(-2000) == 0`` is the intended, exact-enough result.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


def central_diff(f, x, eps=1e-6):
    """Central finite differences of scalar ``f`` at every entry of array ``x``."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        g[idx] = (f(xp) - f(xm)) / (2 * eps)
    return g


def random_net(rng, sizes):
    return [rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]


def naive_forward(thetas, x):
    """One example through the network, written independently of feedforward."""
    a = np.asarray(x, dtype=float)
    for t in thetas:
        a = scipy.special.expit(t @ np.concatenate([[1.0], a]))
    return a


def naive_l2(thetas, lam, m):
    """Triple loop over l, j and i >= 1 (column 0 skipped), as in the lecture."""
    total = 0.0
    for t in thetas:
        for j in range(t.shape[0]):
            for i in range(1, t.shape[1]):
                total += t[j, i] ** 2
    return lam / (2 * m) * total


# --------------------------------------------------------------------- one_hot


def test_one_hot_matches_loop_and_is_float64():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, size=12)
    expected = np.zeros((12, 5))
    for i, label in enumerate(y):
        expected[i, label] = 1.0
    Y = one_hot(list(y), 5)
    assert Y.dtype == np.float64 and Y.shape == (12, 5)
    np.testing.assert_array_equal(Y, expected)


def test_one_hot_keeps_unused_classes_and_accepts_integral_floats():
    np.testing.assert_array_equal(one_hot([0.0, 0.0], 3), [[1, 0, 0], [1, 0, 0]])


@pytest.mark.parametrize("y", [[0, 3], [-1, 0], [0.5, 1], [[0, 1]]])
def test_one_hot_rejects_bad_labels(y):
    with pytest.raises(ValueError, match="y"):
        one_hot(y, 3)


@FAST
@given(st.integers(1, 6).flatmap(lambda K: st.tuples(st.just(K), st.lists(st.integers(0, K - 1), max_size=20))))
def test_one_hot_rows_sum_to_one_and_argmax_recovers_labels(K_y):
    K, y = K_y
    Y = one_hot(y, K)
    assert Y.shape == (len(y), K)
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(len(y)))
    np.testing.assert_array_equal(Y.argmax(axis=1), y)


# --------------------------------------------------------------- logistic_cost


def logistic_data(seed, m=7, n=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n + 1), rng.normal(size=(m, n)), rng.integers(0, 2, m).astype(float)


@pytest.mark.parametrize("lam", [0.0, 0.8])
def test_logistic_cost_matches_naive_loop(lam):
    theta, X, y = logistic_data(1)
    m, n = X.shape
    J = 0.0
    for i in range(m):
        h = 1.0 / (1.0 + math.exp(-(theta[0] + sum(theta[j + 1] * X[i, j] for j in range(n)))))
        J -= y[i] * math.log(h) + (1 - y[i]) * math.log(1 - h)
    J = J / m + lam / (2 * m) * sum(theta[j] ** 2 for j in range(1, n + 1))
    got, _ = logistic_cost(theta, X, y, lam)
    assert got == pytest.approx(J, rel=1e-12)


def test_logistic_cost_matches_sklearn_log_loss():
    theta, X, y = logistic_data(2, m=20, n=4)
    lam = 1.3
    h = scipy.special.expit(theta[0] + X @ theta[1:])
    expected = log_loss(y, h, labels=[0, 1]) + lam / (2 * 20) * np.sum(theta[1:] ** 2)
    assert logistic_cost(theta, X, y, lam)[0] == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("seed, lam", [(3, 0.0), (4, 2.5), (5, 0.1)])
def test_logistic_cost_gradient_matches_central_differences(seed, lam):
    theta, X, y = logistic_data(seed)
    _, grad = logistic_cost(theta, X, y, lam)
    numeric = central_diff(lambda t: logistic_cost(t, X, y, lam)[0], theta)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_logistic_cost_does_not_regularize_theta0():
    theta, X, y = logistic_data(6)
    m, lam = X.shape[0], 3.0
    J0, g0 = logistic_cost(theta, X, y, 0.0)
    J1, g1 = logistic_cost(theta, X, y, lam)
    assert J1 - J0 == pytest.approx(lam / (2 * m) * np.sum(theta[1:] ** 2), rel=1e-10)
    np.testing.assert_allclose(g1 - g0, lam / m * np.r_[0.0, theta[1:]], rtol=1e-10, atol=1e-14)


def test_logistic_cost_lecture_and_gate():
    # The lecture's AND unit [-30, 20, 20]: z = -30, -10, -10, +10 on the truth
    # table and every prediction is right, so each example costs log(1 + e^-|z|).
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    J, _ = logistic_cost([-30, 20, 20], X, [0, 0, 0, 1], 0.0)
    expected = (math.log1p(math.exp(-30)) + 3 * math.log1p(math.exp(-10))) / 4
    assert J == pytest.approx(expected, rel=1e-10)


def test_logistic_cost_finite_when_h_saturates():
    # z = 1000 with y = 0 and z = -1000 with y = 1: h is exactly 1 and 0 in
    # float64, yet each costs log(1 + e^1000) = 1000 (+ e^-1000, negligible).
    X = [[1.0], [-1.0], [0.5]]
    y = [0, 1, 1]
    with no_warnings():
        J, grad = logistic_cost([0.0, 1000.0], X, y, 0.0)
    assert J == pytest.approx(2000.0 / 3, rel=1e-12)
    # h = [1, 0, 1]: grad = X_b^T (h - y) / m = [1 - 1 + 0, 1 + 1 + 0] / 3
    np.testing.assert_allclose(grad, [0.0, 2.0 / 3], atol=1e-15)


def test_logistic_cost_types_and_lists():
    J, grad = logistic_cost([0.1, 0.2], [[1.0], [2.0]], [0, 1], 0.5)
    assert isinstance(J, np.floating) and grad.dtype == np.float64 and grad.shape == (2,)


def test_logistic_cost_errors_name_argument_and_shapes():
    with pytest.raises(ValueError, match=r"theta.*\(3,\).*\(2,\)"):
        logistic_cost([0.0, 1.0], [[1, 2]], [1], 0.0)
    with pytest.raises(ValueError, match=r"y.*\(1,\).*\(2,\)"):
        logistic_cost([0.0, 1.0, 2.0], [[1, 2]], [1, 0], 0.0)


@FAST
@given(
    hnp.arrays(float, (6, 3), elements=finite),
    hnp.arrays(float, 4, elements=finite),
    st.lists(st.integers(0, 1), min_size=6, max_size=6),
    st.floats(0, 10),
)
def test_logistic_cost_is_non_negative(X, theta, y, lam):
    J, grad = logistic_cost(theta, X, y, lam)
    assert J >= 0 and np.all(np.isfinite(grad))


# --------------------------------------------------------------------- nn_cost


def nn_data(seed, sizes=(3, 4, 3), m=6):
    rng = np.random.default_rng(seed)
    thetas = random_net(rng, sizes)
    return thetas, rng.normal(size=(m, sizes[0])), rng.integers(0, sizes[-1], m)


@pytest.mark.parametrize("sizes, lam", [((3, 4, 3), 0.0), ((3, 4, 3), 1.5), ((2, 5, 4, 3), 0.7), ((4, 2), 2.0)])
def test_nn_cost_matches_lecture_double_loop(sizes, lam):
    thetas, X, y = nn_data(7, sizes)
    m, K = X.shape[0], sizes[-1]
    J = 0.0
    for i in range(m):
        h = naive_forward(thetas, X[i])
        for k in range(K):
            yk = 1.0 if y[i] == k else 0.0
            J -= yk * math.log(h[k]) + (1 - yk) * math.log(1 - h[k])
    J = J / m + naive_l2(thetas, lam, m)
    assert nn_cost(thetas, X, y, lam) == pytest.approx(J, rel=1e-12)


def test_nn_cost_is_sum_of_per_class_sklearn_log_losses():
    thetas, X, y = nn_data(8, (5, 6, 4), m=30)
    H = np.array([naive_forward(thetas, x) for x in X])
    expected = sum(log_loss((y == k).astype(int), H[:, k], labels=[0, 1]) for k in range(4))
    assert nn_cost(thetas, X, y, 0.0) == pytest.approx(expected, rel=1e-10)


def test_nn_cost_finite_when_outputs_saturate():
    # One layer, outputs g(1000 x) and g(-1000 x): the second example is
    # confidently wrong on both units, each costing log(1 + e^1000) = 1000.
    thetas = [[[0.0, 1000.0], [0.0, -1000.0]]]
    with no_warnings():
        J = nn_cost(thetas, [[1.0], [-1.0]], [0, 0], 0.0)
        J_reg = nn_cost(thetas, [[1.0], [-1.0]], [0, 0], 1.0)
    assert J == pytest.approx(2000.0 / 2, rel=1e-12)
    assert J_reg - J == pytest.approx(1.0 / 4 * 2 * 1000.0**2, rel=1e-12)


def test_nn_cost_ignores_bias_column_in_penalty():
    thetas, X, y = nn_data(9)
    m, lam = X.shape[0], 2.0
    extra = nn_cost(thetas, X, y, lam) - nn_cost(thetas, X, y, 0.0)
    assert extra == pytest.approx(naive_l2(thetas, lam, m), rel=1e-10)


def test_nn_cost_returns_numpy_float_from_lists():
    thetas, X, y = nn_data(10)
    J = nn_cost([t.tolist() for t in thetas], X.tolist(), y.tolist(), 0.1)
    assert isinstance(J, np.floating)


def test_nn_cost_errors():
    thetas, X, y = nn_data(11)
    with pytest.raises(ValueError, match=r"thetas\[1\].*5\).*\(3, 4\)"):
        nn_cost([thetas[0], thetas[1][:, :4]], X, y, 0.0)
    with pytest.raises(ValueError, match=r"y.*\(6,\).*\(5,\)"):
        nn_cost(thetas, X, y[:5], 0.0)
    with pytest.raises(ValueError, match="y"):
        nn_cost(thetas, X, np.full(6, 3), 0.0)  # K = 3 classes, label 3 is out of range


@FAST
@given(st.integers(0, 2**32 - 1), st.floats(0, 10), st.floats(0.1, 30))
def test_nn_cost_is_non_negative(seed, lam, scale):
    thetas, X, y = nn_data(seed)
    assert nn_cost([scale * t for t in thetas], X, y, lam) >= 0


# ---------------------------------------------------------- squared_error_cost


def test_squared_error_cost_matches_loop_and_sklearn():
    rng = np.random.default_rng(12)
    H, Y = rng.random((9, 4)), one_hot(rng.integers(0, 4, 9), 4)
    loop = sum(sum((H[i, k] - Y[i, k]) ** 2 for k in range(4)) for i in range(9)) / (2 * 9)
    assert squared_error_cost(H, Y) == pytest.approx(loop, rel=1e-12)
    # sklearn averages over all m*K entries; the lecture sums over K.
    assert squared_error_cost(H, Y) == pytest.approx(mean_squared_error(Y, H) * 4 / 2, rel=1e-12)


def test_squared_error_cost_closed_form_and_types():
    E = squared_error_cost([[1, 2], [0, 0]], [[0, 0], [0, 1]])
    assert isinstance(E, np.floating) and E == pytest.approx((1 + 4 + 1) / 4)


def test_squared_error_cost_shape_mismatch():
    with pytest.raises(ValueError, match=r"Y.*\(2, 2\).*\(2, 3\)"):
        squared_error_cost(np.zeros((2, 2)), np.zeros((2, 3)))


@FAST
@given(hnp.arrays(float, st.tuples(st.integers(1, 5), st.integers(1, 4)), elements=finite))
def test_squared_error_cost_non_negative_and_zero_on_targets(H):
    assert squared_error_cost(H, H) == 0.0
    assert squared_error_cost(H, np.zeros_like(H)) >= 0


# --------------------------------------------------------------------- softmax

EXTREME_Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1.0, 2.0, 3.0], [-1000.0, 1000.0, 1000.0]])


def test_softmax_matches_scipy():
    Z = np.random.default_rng(13).normal(scale=4, size=(8, 5))
    np.testing.assert_allclose(softmax(Z), scipy.special.softmax(Z, axis=1), rtol=1e-12)
    np.testing.assert_allclose(softmax(Z[0].tolist()), scipy.special.softmax(Z[0]), rtol=1e-12)


def test_softmax_stable_at_1000():
    with no_warnings():
        P = softmax(EXTREME_Z)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P[0], [1, 0, 0], atol=1e-300)
    np.testing.assert_allclose(P[1], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_allclose(P[3], [0, 0.5, 0.5], atol=1e-300)
    np.testing.assert_allclose(P, scipy.special.softmax(EXTREME_Z, axis=1), rtol=1e-12, atol=1e-300)


def test_softmax_rejects_3d():
    with pytest.raises(ValueError, match="Z"):
        softmax(np.zeros((2, 2, 2)))


@FAST
@given(
    hnp.arrays(float, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(-1000, 1000)),
    st.data(),
)
def test_softmax_rows_sum_to_one_and_shift_invariant(Z, data):
    shift = data.draw(hnp.arrays(float, (Z.shape[0], 1), elements=st.floats(-100, 100)))
    with no_warnings():
        P, Q = softmax(Z), softmax(Z + shift)
    assert np.all((P >= 0) & (P <= 1))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    # The shift changes the rounding of Z itself, so compare with a tolerance
    # that allows for the relative error of |Z + shift| ~ 1e3 * 1e-16.
    np.testing.assert_allclose(P, Q, atol=1e-9)


# ------------------------------------------------------- softmax_cross_entropy


def test_softmax_cross_entropy_matches_scipy_sklearn_and_loop():
    rng = np.random.default_rng(14)
    Z, y = rng.normal(scale=3, size=(10, 4)), rng.integers(0, 4, 10)
    J = softmax_cross_entropy(Z, y)
    scipy_value = -np.mean(scipy.special.log_softmax(Z, axis=1)[np.arange(10), y])
    assert J == pytest.approx(scipy_value, rel=1e-12)
    assert J == pytest.approx(log_loss(y, scipy.special.softmax(Z, axis=1), labels=range(4)), rel=1e-10)
    loop = -sum(math.log(math.exp(Z[i, y[i]]) / sum(math.exp(z) for z in Z[i])) for i in range(10)) / 10
    assert J == pytest.approx(loop, rel=1e-12)


def test_softmax_cross_entropy_uniform_scores_give_log_K():
    assert softmax_cross_entropy(np.full((3, 7), 2.5), [0, 3, 6]) == pytest.approx(math.log(7), rel=1e-14)


def test_softmax_cross_entropy_stable_at_1000():
    # Row 0, label 1: -log softmax = 1000 - (-1000) + log(1 + e^-1000 + e^-2000) = 2000.
    # Row 1: uniform -> log 3.  Row 2 (label 2): log(1 + e^-1 + e^-2).  Row 3, label 0: 2000 + log 2.
    y = [1, 0, 2, 0]
    expected = (2000 + math.log(3) + math.log1p(math.exp(-1) + math.exp(-2)) + 2000 + math.log(2)) / 4
    with no_warnings():
        J = softmax_cross_entropy(EXTREME_Z, y)
    assert isinstance(J, np.floating) and J == pytest.approx(expected, rel=1e-14)


def test_softmax_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"y.*\(2,\).*\(3,\)"):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match="y"):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 3])


@FAST
@given(hnp.arrays(float, (4, 3), elements=st.floats(-1000, 1000)), st.lists(st.integers(0, 2), min_size=4, max_size=4))
def test_softmax_cross_entropy_non_negative_and_finite(Z, y):
    with no_warnings():
        J = softmax_cross_entropy(Z, y)
    assert np.isfinite(J) and J >= 0


# ------------------------------------------------------------------ l2_penalty


def test_l2_penalty_matches_triple_loop_and_closed_form():
    thetas, _, _ = nn_data(15, (4, 5, 3, 2))
    assert l2_penalty(thetas, 0.9, 11) == pytest.approx(naive_l2(thetas, 0.9, 11), rel=1e-12)
    # All-ones (5, 4) and (2, 6): 5*3 + 2*5 = 25 non-bias weights.
    value = l2_penalty([np.ones((5, 4)).tolist(), np.ones((2, 6))], 2.0, 5)
    assert isinstance(value, np.floating) and value == pytest.approx(2.0 / 10 * 25)


def test_l2_penalty_rejects_bad_m_and_weights():
    with pytest.raises(ValueError, match="m"):
        l2_penalty([np.ones((2, 2))], 1.0, 0)
    with pytest.raises(ValueError, match=r"thetas\[1\]"):
        l2_penalty([np.ones((2, 2)), np.ones(3)], 1.0, 2)


@FAST
@given(st.integers(0, 2**32 - 1), hnp.arrays(float, 4, elements=finite), st.floats(0, 5), st.integers(1, 50))
def test_l2_penalty_ignores_bias_column(seed, new_bias, lam, m):
    thetas, _, _ = nn_data(seed, (2, 4, 3))
    changed = [t.copy() for t in thetas]
    changed[0][:, 0] = new_bias
    assert l2_penalty(changed, lam, m) == l2_penalty(thetas, lam, m) >= 0


# ---------------------------------------------------------- weight_elimination


def test_weight_elimination_matches_loop_and_central_differences():
    thetas, _, _ = nn_data(16, (3, 4, 2))
    value, grads = weight_elimination(thetas)
    loop = sum(t[j, i] ** 2 / (1 + t[j, i] ** 2) for t in thetas for j in range(t.shape[0]) for i in range(1, t.shape[1]))
    assert value == pytest.approx(loop, rel=1e-12)
    for l, t in enumerate(thetas):
        def R(w, l=l):
            return weight_elimination(thetas[:l] + [w] + thetas[l + 1:])[0]
        assert grads[l].shape == t.shape and grads[l].dtype == np.float64
        np.testing.assert_allclose(grads[l], central_diff(R, t), rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(grads[l][:, 0], 0.0)


def test_weight_elimination_lecture_fun_time():
    # Lecture "Fun Time": the derivative is 2w / (1 + w^2)^2 (answer 2).  At
    # w = 1: value 1/2, derivative 2/4; at w = 0 both vanish; bias ignored.
    value, grads = weight_elimination([[[7.0, 1.0, 0.0]]])
    assert isinstance(value, np.floating) and value == pytest.approx(0.5)
    np.testing.assert_allclose(grads[0], [[0.0, 0.5, 0.0]])


def test_weight_elimination_huge_weights():
    with no_warnings():
        value, grads = weight_elimination([[[0.0, 1e200, -1e200]]])
    assert value == pytest.approx(2.0) and np.all(np.isfinite(grads[0]))


@FAST
@given(
    st.lists(
        hnp.arrays(float, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=st.floats(-1e6, 1e6)),
        min_size=1,
        max_size=3,
    )
)
def test_weight_elimination_bounded_and_ignores_bias(thetas):
    value, grads = weight_elimination(thetas)
    n_weights = sum(t[:, 1:].size for t in thetas)
    assert 0 <= value <= n_weights
    shifted = [np.column_stack([t[:, 0] + 3.0, t[:, 1:]]) for t in thetas]
    assert weight_elimination(shifted)[0] == value
    for t, g in zip(thetas, grads):
        assert g.shape == t.shape
        np.testing.assert_array_equal(g[:, 0], 0.0)
        assert np.all(np.abs(g) <= 0.65)  # max of 2w/(1+w^2)^2 is 3*sqrt(3)/8 ~ 0.6495


# ---------------------------------------------------------------------- mutants


def _inputs(task):
    """Seeded random inputs per task, then the ±1000 edge cases where they apply."""
    cases = []
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        m, n, K = 5 + seed, 2 + seed, 3 + seed
        thetas = random_net(rng, (n, 4, K))
        X, y = rng.normal(size=(m, n)), rng.integers(0, K, m)
        cases.append({
            "one_hot": (y, K),
            "logistic_cost": (rng.normal(size=n + 1), X, rng.integers(0, 2, m).astype(float), 0.7),
            "nn_cost": (thetas, X, y, 0.7),
            "squared_error_cost": (rng.random((m, K)), one_hot(y, K)),
            "softmax": (rng.normal(scale=3, size=(m, K)),),
            "softmax_cross_entropy": (rng.normal(scale=3, size=(m, K)), y),
            "l2_penalty": (thetas, 0.7, m),
            "weight_elimination": (thetas,),
        }[task])
    cases.append({
        "one_hot": (np.array([0, 1, 1, 0]), 3),  # class 2 unused
        "logistic_cost": (np.array([0.0, 1000.0]), np.array([[1.0], [-1.0], [0.5]]), np.array([0.0, 1.0, 1.0]), 0.0),
        "nn_cost": ([np.array([[0.0, 1000.0], [0.0, -1000.0]])], np.array([[1.0], [-1.0]]), np.array([0, 0]), 0.0),
        "softmax": (EXTREME_Z,),
        "softmax_cross_entropy": (EXTREME_Z, np.array([1, 0, 2, 0])),
    }.get(task, cases[0]))
    return cases


def _run(fn, args):
    """``("ok", result)`` or ``("error", exception)``; warnings count as errors."""
    try:
        with no_warnings():
            return "ok", fn(*args)
    except Exception as exc:  # a crash on valid input is a visible mistake too
        return "error", exc


def _same(got, ref):
    if isinstance(ref, (tuple, list)):
        return isinstance(got, (tuple, list)) and len(got) == len(ref) and all(map(_same, got, ref))
    got, ref = np.asarray(got), np.asarray(ref)
    return (
        got.shape == ref.shape
        and got.dtype.kind == ref.dtype.kind
        and bool(np.all(np.isfinite(got)))
        and np.allclose(got, ref, rtol=1e-9, atol=1e-12)
    )


def _namespace():
    ns = {"np": np}
    for module in (lg, cf):
        ns.update({k: v for k, v in vars(module).items() if not k.startswith("_") and callable(v)})
    return ns


def test_mutant_catalogue_covers_every_function():
    counts = {task: sum(m.task == task for m in MUTANTS) for task in [
        "one_hot", "logistic_cost", "nn_cost", "squared_error_cost",
        "softmax", "softmax_cross_entropy", "l2_penalty", "weight_elimination",
    ]}
    assert min(counts.values()) >= 3, counts
    assert all(m.code.lstrip().startswith(f"def {m.task}(") and m.mistake for m in MUTANTS)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.task}-{i}" for i, m in enumerate(MUTANTS)])
def test_every_mutant_is_a_real_mistake(mutant):
    reference = getattr(cf, mutant.task)
    ns = _namespace()
    exec(compile(mutant.code, f"<mutant {mutant.task}>", "exec"), ns)
    student = ns[mutant.task]
    assert student is not reference
    for args in _inputs(mutant.task):
        status, ref = _run(reference, args)
        assert status == "ok", ref  # the reference handles every input cleanly
        status, got = _run(student, args)
        if status == "error" or not _same(got, ref):
            return
    pytest.fail(f"mutant '{mutant.mistake}' agrees with the reference on every input")


# ------------------------------------------------------------ quick questions (QUIZ_*)
# Each answer is re-derived here from its question, independently of the reference functions.

def _letters(answer):
    return sorted(answer.replace(",", " ").split())


def test_quiz_a_weight_decay_factor():
    """One gradient step on the penalty lam/(2m) sum w^2 alone (data term 0), its gradient by central
    differences: every non-bias weight is multiplied by the same factor."""
    alpha, lam, m, eps = 0.5, 2.0, 10, 1e-6
    w = np.array([3.0, -0.7, 12.0])

    def penalty(v):
        return lam / (2 * m) * sum(x * x for x in v)

    grad = np.array([(penalty(w + eps * e) - penalty(w - eps * e)) / (2 * eps) for e in np.eye(3)])
    factors = (w - alpha * grad) / w
    assert np.allclose(factors, factors[0], rtol=1e-6)
    assert cf.QUIZ_A == pytest.approx(factors[0], rel=1e-6)


def test_quiz_b_confidently_wrong_unit():
    """Target 1, z = -10: costs with scipy's log_expit / expit, slopes by central differences."""
    from scipy.special import expit, log_expit
    z, eps = -10.0, 1e-5

    def cross_entropy(t):
        return -log_expit(t)

    def squared(t):
        return 0.5 * (expit(t) - 1.0) ** 2

    def slope(f, t):
        return (f(t + eps) - f(t - eps)) / (2 * eps)

    truths = {
        "a": abs(cross_entropy(z) - 10) < 0.01 * 10,
        "b": abs(squared(z) - 10) < 0.01 * 10,
        "c": abs(slope(squared, z)) < 1e-4,
        "d": abs(slope(cross_entropy, z) + 1) < 0.01,
        # far out, does each slope vanish?
        "e": abs(slope(squared, -60.0)) < 1e-6 and abs(slope(cross_entropy, -60.0)) < 1e-6,
    }
    assert sorted(k for k, true in truths.items() if true) == _letters(cf.QUIZ_B)


def test_quiz_c_softmax_invariances():
    """Each change applied to random scores, compared with scipy's softmax of the original."""
    Z = np.random.default_rng(12).normal(scale=2.0, size=(4, 3))
    changes = {
        "a": lambda A: A + 5.0 * (np.arange(len(A)) == 0)[:, None],
        "b": lambda A: 2.0 * A,
        "c": lambda A: A + 5.0 * (np.arange(A.shape[1]) == 0)[None, :],
        "d": lambda A: A - A.min(axis=1, keepdims=True),
        "e": lambda A: A - A.max(),
    }
    before = scipy.special.softmax(Z, axis=1)
    unchanged = [k for k, f in changes.items() if np.allclose(scipy.special.softmax(f(Z), axis=1), before)]
    assert unchanged == _letters(cf.QUIZ_C)

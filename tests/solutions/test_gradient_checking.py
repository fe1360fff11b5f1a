"""Tests of the lesson 05 reference (solutions/gradient_checking.py).

Expected values come from independent computations: closed-form gradients,
Taylor error terms, scipy's ``approx_fprime``, an explicit Octave-style
column-major loop and a private forward pass written here, never from the
reference's own output.
"""
import importlib
import math
import types
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import approx_fprime

from solutions.gradient_checking import (
    BUG_LOCATION,
    QUIZ_A,
    QUIZ_B,
    buggy_backprop,
    check_nn_gradients,
    debug_initialize_weights,
    difference_by_layer,
    forward_difference_gradient,
    largest_difference,
    numerical_gradient,
    relative_difference,
    softmax_cross_entropy_gradient,
)
from tests.mutants import Mutant
from tests.mutants.gradient_checking_05 import MUTANTS

FAST = settings(max_examples=40, deadline=None, database=None)


def _quadratic(A):
    return lambda t: float(t @ A @ t)


def _sum_sin(t):
    return float(np.sum(np.sin(t)))


def _sum_exp(t):
    return float(np.sum(np.exp(t)))


# ---------------------------------------------------------------- numerical_gradient

def test_central_difference_of_quadratic_matches_closed_form():
    # d/dx x^T A x = (A + A^T) x; A deliberately non-symmetric.
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    # The central difference is exact for quadratics up to round-off.
    np.testing.assert_allclose(numerical_gradient(_quadratic(A), x), (A + A.T) @ x, rtol=0, atol=1e-9)


def test_central_difference_keeps_matrix_shape():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=(2, 3))
    grad = numerical_gradient(_sum_sin, theta)
    assert grad.shape == (2, 3) and grad.dtype == np.float64
    # Truncation error eps^2/6 * |cos'''| <= 1e-8/6.
    np.testing.assert_allclose(grad, np.cos(theta), rtol=0, atol=1e-8)


def test_central_difference_three_dimensional_exp():
    rng = np.random.default_rng(2)
    theta = rng.uniform(-1, 1, size=(2, 2, 3))
    np.testing.assert_allclose(numerical_gradient(_sum_exp, theta), np.exp(theta), rtol=1e-8)


def test_central_difference_scalar_and_list_inputs():
    g = numerical_gradient(lambda t: float(t) ** 3, 2.0)
    assert np.shape(g) == ()
    assert g == pytest.approx(12.0, abs=1e-7)  # 3 x^2 + eps^2 (exact: 12 + 1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda t: float(np.sum(t ** 2)), [1.0, -2.0]), [2.0, -4.0], atol=1e-9)


def test_integer_theta_is_treated_as_float():
    # theta + 1e-4 on an int array would truncate to theta and give 0.
    np.testing.assert_allclose(
        numerical_gradient(lambda t: float(np.sum(t ** 2)), np.array([1, 2, 3])), [2.0, 4.0, 6.0], atol=1e-8
    )


def test_perturbs_exactly_one_coordinate_per_call():
    theta = np.array([[0.5, -1.0], [2.0, 0.25]])
    seen = []

    def J(t):
        seen.append(np.array(t, copy=True))
        return float(np.sum(t ** 2))

    numerical_gradient(J, theta, eps=1e-3)
    assert len(seen) == 2 * theta.size
    hit = np.zeros(theta.shape, dtype=int)
    for t in seen:
        assert t.shape == theta.shape
        delta = t - theta
        changed = np.flatnonzero(delta)
        assert changed.size == 1, "each evaluation must move exactly one coordinate"
        assert abs(delta.flat[changed[0]]) == pytest.approx(1e-3, rel=1e-9)
        hit.flat[changed[0]] += 1
    assert np.all(hit == 2)  # once up, once down


@FAST
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
                  elements=st.floats(-10, 10, allow_nan=False)))
def test_theta_is_never_modified(theta):
    before = theta.copy()
    grad_c = numerical_gradient(_sum_sin, theta)
    grad_f = forward_difference_gradient(_sum_sin, theta)
    np.testing.assert_array_equal(theta, before)
    np.testing.assert_allclose(grad_c, np.cos(theta), atol=1e-7)
    np.testing.assert_allclose(grad_f, np.cos(theta), atol=1e-4)  # eps/2 * |sin|


def test_cost_that_mutates_its_argument_cannot_corrupt_the_result():
    theta = np.array([0.3, -0.7, 1.2])

    def J(t):
        value = _sum_sin(t)
        t[:] = 99.0  # hostile cost function
        return value

    np.testing.assert_allclose(numerical_gradient(J, theta), np.cos([0.3, -0.7, 1.2]), atol=1e-8)
    np.testing.assert_allclose(forward_difference_gradient(J, theta), np.cos([0.3, -0.7, 1.2]), atol=1e-4)
    np.testing.assert_array_equal(theta, [0.3, -0.7, 1.2])


@pytest.mark.parametrize("fn", [numerical_gradient, forward_difference_gradient])
def test_cost_returning_a_tuple_is_rejected(fn):
    with pytest.raises(ValueError, match=r"J must return a scalar.*tuple"):
        fn(lambda t: (float(np.sum(t)), t), np.ones(3))


@pytest.mark.parametrize("fn", [numerical_gradient, forward_difference_gradient])
@pytest.mark.parametrize("eps", [0.0, -1e-4, np.inf, np.nan])
def test_bad_eps_is_rejected(fn, eps):
    with pytest.raises(ValueError, match="eps"):
        fn(_sum_sin, np.ones(2), eps=eps)


def test_matches_scipy_approx_fprime():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(5, 5))

    def f(t):
        return float(np.sum(np.sin(t)) + t @ A @ t + np.exp(t[0] * t[1]))

    x = rng.normal(size=5)
    eps = 1e-4
    # scipy's approx_fprime is a forward difference with the same step.
    np.testing.assert_allclose(forward_difference_gradient(f, x, eps), approx_fprime(x, f, eps), rtol=1e-8, atol=1e-9)
    # Central and forward agree to O(eps).
    np.testing.assert_allclose(numerical_gradient(f, x, eps), approx_fprime(x, f, eps), atol=50 * eps)
    # scipy with a tiny step is a good stand-in for the exact gradient.
    np.testing.assert_allclose(numerical_gradient(f, x, eps), approx_fprime(x, f, 1e-8), atol=1e-6)


# ---------------------------------------------------------------- error orders

_X0 = np.array([0.3, -0.5, 1.1])


def _slope(fn):
    # The range is well above the round-off floor (~1e-16 / eps) for both methods.
    eps = np.geomspace(1e-1, 1e-3, 9)
    err = [np.max(np.abs(fn(_sum_exp, _X0, e) - np.exp(_X0))) for e in eps]
    return np.polyfit(np.log(eps), np.log(err), 1)[0]


def test_central_error_is_second_order():
    assert _slope(numerical_gradient) == pytest.approx(2.0, abs=0.05)


def test_forward_error_is_first_order():
    assert _slope(forward_difference_gradient) == pytest.approx(1.0, abs=0.05)


def test_leading_error_terms_match_taylor():
    # forward: (f(x+h) - f(x))/h - f'(x) = h/2 f''(x) + O(h^2)
    h = 1e-5
    lead_f = (forward_difference_gradient(_sum_exp, _X0, h) - np.exp(_X0)) / h
    np.testing.assert_allclose(lead_f, np.exp(_X0) / 2, rtol=1e-3)
    # central: h^2/6 f'''(x) + O(h^4)
    h = 1e-3
    lead_c = (numerical_gradient(_sum_exp, _X0, h) - np.exp(_X0)) / h ** 2
    np.testing.assert_allclose(lead_c, np.exp(_X0) / 6, rtol=1e-3)


def test_round_off_floor_for_tiny_eps():
    # Too small a step loses digits to cancellation: 1e-12 is worse than 1e-4.
    good = np.max(np.abs(numerical_gradient(_sum_exp, _X0, 1e-4) - np.exp(_X0)))
    bad = np.max(np.abs(numerical_gradient(_sum_exp, _X0, 1e-12) - np.exp(_X0)))
    assert bad > 100 * good


# ---------------------------------------------------------------- relative_difference

def test_relative_difference_both_zero_is_zero_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = relative_difference(np.zeros(4), np.zeros(4))
    assert d == 0.0 and isinstance(d, float)


def test_relative_difference_opposite_vectors_is_infinite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert relative_difference([1.0, -2.0], [-1.0, 2.0]) == np.inf


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 0.0),
        ([3.0, 0.0], [0.0, 4.0], 1.0),               # ||(3,-4)|| / ||(3,4)|| = 5/5
        ([1.0, 0.0], [0.0, 0.0], 1.0),               # one of them zero
        ([2.0, -6.0], [1.0, -3.0], 1.0 / 3.0),        # a = 2b: ||b|| / ||3b||
        ([[1.0, 2.0], [2.0, 0.0]], [[1.0, 2.0], [2.0, 2.0]], 2.0 / math.sqrt(40.0)),  # Frobenius: 2 / ||(2,4,4,2)||
    ],
)
def test_relative_difference_known_values(a, b, expected):
    assert relative_difference(a, b) == pytest.approx(expected, rel=1e-15, abs=0)


def test_relative_difference_small_perturbation():
    rng = np.random.default_rng(4)
    a = rng.normal(size=20)
    delta = 1e-7 * rng.normal(size=20)
    # ||delta|| / ||2a + delta|| ~= ||delta|| / (2 ||a||)
    expected = math.sqrt(sum(d * d for d in delta)) / (2 * math.sqrt(sum(x * x for x in a)))
    assert relative_difference(a, a + delta) == pytest.approx(expected, rel=1e-6)


vectors = hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3, allow_nan=False))


@FAST
@given(vectors, st.data(), st.floats(1e-3, 1e3))
def test_relative_difference_properties(a, data, c):
    b = data.draw(hnp.arrays(np.float64, a.shape, elements=st.floats(-1e3, 1e3, allow_nan=False)))
    d = relative_difference(a, b)
    assert d >= 0.0
    assert d == pytest.approx(relative_difference(b, a), rel=1e-12)
    if np.any(a + b):
        assert relative_difference(c * a, c * b) == pytest.approx(d, rel=1e-9)
        # ||a-b||^2 - ||a+b||^2 = -4 a.b, so d <= 1 exactly when a.b >= 0.
        if a @ b > 1e-6 * (a @ a + b @ b):
            assert d <= 1.0
        if a @ b < -1e-6 * (a @ a + b @ b):
            assert d > 1.0


def test_relative_difference_rejects_shape_mismatch():
    with pytest.raises(ValueError, match=r"b.*\(3,\).*\(4,\)"):
        relative_difference(np.ones(3), np.ones(4))


# ---------------------------------------------------------------- debug_initialize_weights

def _octave_debug_weights(fan_out, fan_in):
    """Octave's reshape(sin(1:numel(W)), size(W)) / 10, written as its column-major loop."""
    W = np.zeros((fan_out, fan_in + 1))
    k = 1  # Octave linear index, 1-based, running down each column first
    for j in range(fan_in + 1):
        for i in range(fan_out):
            W[i, j] = math.sin(k) / 10
            k += 1
    return W


@pytest.mark.parametrize("fan_out, fan_in", [(5, 3), (3, 5), (5, 2), (1, 1), (4, 4), (2, 0), (1, 7)])
def test_debug_weights_match_octave_loop(fan_out, fan_in):
    W = debug_initialize_weights(fan_out, fan_in)
    assert W.shape == (fan_out, fan_in + 1) and W.dtype == np.float64
    np.testing.assert_allclose(W, _octave_debug_weights(fan_out, fan_in), rtol=0, atol=1e-15)
    for i in range(fan_out):
        for j in range(fan_in + 1):
            assert W[i, j] == pytest.approx(math.sin(1 + i + j * fan_out) / 10, abs=1e-15)


def test_debug_weights_first_row_is_column_major():
    # Row 0 of the 5x4 matrix holds sin(1), sin(6), sin(11), sin(16) over 10.
    np.testing.assert_allclose(
        debug_initialize_weights(5, 3)[0],
        [math.sin(1) / 10, math.sin(6) / 10, math.sin(11) / 10, math.sin(16) / 10],
        atol=1e-15,
    )


def test_debug_weights_are_small_and_rows_distinct():
    W = debug_initialize_weights(5, 3)
    assert np.all(np.abs(W) <= 0.1)
    assert len({tuple(r) for r in W}) == 5  # no symmetric hidden units


def test_debug_weights_accept_numpy_integers():
    assert debug_initialize_weights(np.int64(3), np.int32(2)).shape == (3, 3)


@pytest.mark.parametrize("fan_out, fan_in, name", [(0, 3, "fan_out"), (3, -1, "fan_in"), (2.5, 3, "fan_out"), (2, "3", "fan_in")])
def test_debug_weights_reject_bad_sizes(fan_out, fan_in, name):
    with pytest.raises(ValueError, match=name):
        debug_initialize_weights(fan_out, fan_in)


# ---------------------------------------------------------------- check_nn_gradients

def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _private_nn_cost(params, lam):
    """Independent cost of the 3-5-3 debug network (no code shared with solutions)."""
    T1 = params[:20].reshape(5, 4)
    T2 = params[20:].reshape(3, 6)
    X = _octave_debug_weights(5, 2)
    labels = [1, 2, 0, 1, 2]  # 1 + mod(1:5, 3) in Octave, minus 1
    m = 5
    J = 0.0
    for i in range(m):
        a1 = np.concatenate([[1.0], X[i]])
        a2 = np.concatenate([[1.0], _sig(T1 @ a1)])
        h = _sig(T2 @ a2)
        for k in range(3):
            yk = 1.0 if labels[i] == k else 0.0
            J -= yk * math.log(h[k]) + (1 - yk) * math.log(1 - h[k])
    J /= m
    J += lam / (2 * m) * (np.sum(T1[:, 1:] ** 2) + np.sum(T2[:, 1:] ** 2))
    return J


def _debug_params():
    # C-order unrolling of [Theta1, Theta2], built from the Octave loop.
    return np.concatenate([_octave_debug_weights(5, 3).ravel(), _octave_debug_weights(3, 5).ravel()])


def _private_central(f, p, eps=1e-4):
    g = np.zeros_like(p)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = eps
        g[i] = (f(p + e) - f(p - e)) / (2 * eps)
    return g


@pytest.fixture(scope="module", params=[0.0, 3.0], ids=["lam0", "lam3"])
def checked(request):
    lam = request.param
    return lam, check_nn_gradients(lam)


def test_check_nn_gradients_shapes(checked):
    _, (numgrad, grad, diff) = checked
    assert numgrad.shape == (38,) and grad.shape == (38,)  # 5*4 + 3*6
    assert isinstance(diff, float)


def test_check_nn_gradients_diff_is_tiny(checked):
    lam, (numgrad, grad, diff) = checked
    assert diff < 1e-9, f"lam={lam}: relative difference {diff:.3e}"
    expected = np.linalg.norm(numgrad - grad) / np.linalg.norm(numgrad + grad)
    assert diff == pytest.approx(expected, rel=1e-12)


def test_check_nn_gradients_numgrad_matches_private_cost(checked):
    lam, (numgrad, grad, _) = checked
    expected = _private_central(lambda p: _private_nn_cost(p, lam), _debug_params())
    np.testing.assert_allclose(numgrad, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(grad, expected, rtol=0, atol=1e-9)


def test_check_nn_gradients_regularization_skips_bias():
    # grad(lam) - grad(0) = lam/m * Theta with column 0 zeroed, unrolled in C order.
    _, g0, _ = check_nn_gradients(0.0)
    _, g3, _ = check_nn_gradients(3.0)
    T1, T2 = _octave_debug_weights(5, 3), _octave_debug_weights(3, 5)
    T1[:, 0] = 0.0
    T2[:, 0] = 0.0
    np.testing.assert_allclose(g3 - g0, 3.0 / 5 * np.concatenate([T1.ravel(), T2.ravel()]), atol=1e-12)


@pytest.mark.parametrize("lam", [-1.0, np.nan])
def test_check_nn_gradients_rejects_bad_lam(lam):
    with pytest.raises(ValueError, match="lam"):
        check_nn_gradients(lam)


# ---------------------------------------------------------------- the bug hunt

HUNT_SHAPES = [(5, 4), (4, 6), (3, 5)]
HUNT_LABELS = [1, 2, 0, 1, 2]


def _private_deep_cost(params, lam):
    """Independent cost of the 3-5-4-3 debug network, one example at a time (no shared code)."""
    mats, k = [], 0
    for r, c in HUNT_SHAPES:
        mats.append(params[k:k + r * c].reshape(r, c))
        k += r * c
    X = _octave_debug_weights(5, 2)
    J = 0.0
    for i in range(5):
        a = X[i]
        for T in mats:
            a = _sig(T @ np.concatenate([[1.0], a]))
        for c in range(3):
            yc = 1.0 if HUNT_LABELS[i] == c else 0.0
            J -= yc * math.log(a[c]) + (1 - yc) * math.log(1 - a[c])
    return J / 5 + lam / 10 * sum(np.sum(T[:, 1:] ** 2) for T in mats)


def _hunt_thetas():
    return [_octave_debug_weights(r, c - 1) for r, c in HUNT_SHAPES]


@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_buggy_backprop_cost_is_right(lam):
    thetas = _hunt_thetas()
    params = np.concatenate([t.ravel() for t in thetas])
    J, _ = buggy_backprop(thetas, _octave_debug_weights(5, 2), np.array(HUNT_LABELS), lam)
    assert J == pytest.approx(_private_deep_cost(params, lam), rel=1e-12)


@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_buggy_backprop_is_wrong_exactly_in_the_bias_column_of_layer_1(lam):
    # Private central differences of the private cost: only grads[1][:, 0] disagrees, by a factor m = 5.
    thetas = _hunt_thetas()
    params = np.concatenate([t.ravel() for t in thetas])
    exact = _private_central(lambda p: _private_deep_cost(p, lam), params)
    _, grads = buggy_backprop(thetas, _octave_debug_weights(5, 2), np.array(HUNT_LABELS), lam)
    got = np.concatenate([g.ravel() for g in grads])
    wrong = np.flatnonzero(~np.isclose(got, exact, rtol=0, atol=1e-9))
    layer1 = 20 + np.arange(4) * 6  # grads[1][i, 0] in the unrolled vector (20 entries of layer 0 first)
    np.testing.assert_array_equal(wrong, layer1)
    np.testing.assert_allclose(got[layer1], 5 * exact[layer1], rtol=1e-7)


def test_bug_location_is_where_the_private_check_disagrees_most():
    thetas = _hunt_thetas()
    params = np.concatenate([t.ravel() for t in thetas])
    exact = _private_central(lambda p: _private_deep_cost(p, 0.0), params)
    _, grads = buggy_backprop(thetas, _octave_debug_weights(5, 2), np.array(HUNT_LABELS), 0.0)
    k = int(np.argmax(np.abs(np.concatenate([g.ravel() for g in grads]) - exact)))
    starts = np.cumsum([0] + [r * c for r, c in HUNT_SHAPES])
    layer = int(np.searchsorted(starts, k, side="right") - 1)
    row, col = divmod(k - starts[layer], HUNT_SHAPES[layer][1])
    assert BUG_LOCATION == (layer, row, col)
    # A clear winner (not a near-tie that round-off could flip): the runner-up is >= 3% smaller.
    d = np.sort(np.abs(np.concatenate([g.ravel() for g in grads]) - exact))
    assert d[-2] < 0.97 * d[-1]


def test_difference_by_layer_slices_by_hand():
    rng = np.random.default_rng(11)
    n, g = rng.normal(size=13), rng.normal(size=13)
    got = difference_by_layer(n, g, [(2, 3), (1, 7)])
    d = g - n
    np.testing.assert_array_equal(got[0], [[d[0], d[1], d[2]], [d[3], d[4], d[5]]])
    np.testing.assert_array_equal(got[1], [d[6:13]])
    lists = difference_by_layer(list(n), list(g), [(2, 3), (1, 7)])
    np.testing.assert_array_equal(lists[1], got[1])


@pytest.mark.parametrize("numgrad, grad, shapes, name", [
    (np.zeros(5), np.zeros(6), [(2, 3)], "grad"),
    (np.zeros(6), np.zeros(6), [(2, 2)], "vector"),
    (np.zeros((2, 3)), np.zeros((2, 3)), [(2, 3)], "numgrad"),
])
def test_difference_by_layer_rejects_bad_sizes(numgrad, grad, shapes, name):
    with pytest.raises(ValueError, match=name):
        difference_by_layer(numgrad, grad, shapes)


def _brute_largest(diffs):
    best, where = -1.0, None
    for l, d in enumerate(diffs):
        for i in range(d.shape[0]):
            for j in range(d.shape[1]):
                if abs(d[i, j]) > best:  # strict: the first maximum in unrolled order wins
                    best, where = abs(d[i, j]), (l, i, j)
    return where


@FAST
@given(st.lists(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=4),
                           elements=st.floats(-5, 5, allow_nan=False)), min_size=1, max_size=4))
def test_largest_difference_matches_brute_force(diffs):
    got = largest_difference(diffs)
    assert got == _brute_largest(diffs)
    assert all(type(v) is int for v in got)


def test_largest_difference_prefers_absolute_value_and_first_tie():
    assert largest_difference([np.array([[0.5, -2.0]]), np.array([[1.0], [2.0]])]) == (0, 0, 1)
    assert largest_difference([np.zeros((2, 2)), np.zeros((1, 3))]) == (0, 0, 0)


def test_largest_difference_rejects_empty_and_1d():
    with pytest.raises(ValueError, match="diffs"):
        largest_difference([])
    with pytest.raises(ValueError, match=r"diffs\[0\]"):
        largest_difference([np.zeros(3)])


# ---------------------------------------------------------------- softmax gradient

def _private_softmax_ce(Z, y):
    """Mean of log(sum_j e^{z_ij}) - z_{i,y_i}, with math.fsum per row (no NumPy softmax)."""
    total = 0.0
    for row, label in zip(np.asarray(Z, dtype=float), y):
        top = max(row)
        total += top + math.log(math.fsum(math.exp(v - top) for v in row)) - row[label]
    return total / len(y)


@pytest.mark.parametrize("shape, seed", [((6, 4), 0), ((1, 3), 1), ((3, 7), 2)])
def test_softmax_gradient_matches_finite_differences(shape, seed):
    rng = np.random.default_rng(seed)
    Z = rng.normal(scale=2.0, size=shape)
    y = rng.integers(0, shape[1], size=shape[0])
    numeric = _private_central(lambda v: _private_softmax_ce(v.reshape(shape), y), Z.ravel()).reshape(shape)
    got = softmax_cross_entropy_gradient(Z, y)
    assert got.shape == shape
    # Central-difference truncation ~eps^2/6 * |third derivative| <= 1e-9 here.
    np.testing.assert_allclose(got, numeric, rtol=0, atol=1e-9)


def test_softmax_gradient_closed_form_at_zero_and_row_sums():
    # Z = 0: every probability is 1/K, so dJ/dZ = (1/K - Y) / m exactly.
    got = softmax_cross_entropy_gradient(np.zeros((2, 4)), [3, 0])
    expected = (np.full((2, 4), 0.25) - np.array([[0, 0, 0, 1], [1, 0, 0, 0]])) / 2
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    big = softmax_cross_entropy_gradient([[1000.0, -1000.0, 0.0]], [1])
    np.testing.assert_allclose(big, [[1.0, -1.0, 0.0]], atol=1e-12)  # p = (1, 0, 0), target class 1
    rng = np.random.default_rng(3)
    np.testing.assert_allclose(softmax_cross_entropy_gradient(rng.normal(size=(5, 3)), [0, 1, 2, 0, 1]).sum(axis=1),
                               0.0, atol=1e-15)


@pytest.mark.parametrize("Z, y, name", [(np.zeros(3), [0], "Z"), (np.zeros((2, 3)), [0], "y"),
                                         (np.zeros((2, 3)), [0, 3], "y")])
def test_softmax_gradient_rejects_bad_input(Z, y, name):
    with pytest.raises(ValueError, match=name):
        softmax_cross_entropy_gradient(Z, y)


def test_quiz_answers():
    assert QUIZ_A == 2 * 10 ** 6 * 0.010  # two cost evaluations of 10 ms per weight
    assert sorted(QUIZ_B.replace(" ", "").split(",")) == ["a", "b", "e"]


# ---------------------------------------------------------------- mutants

TASKS = {
    "numerical_gradient",
    "forward_difference_gradient",
    "relative_difference",
    "debug_initialize_weights",
    "check_nn_gradients",
    "difference_by_layer",
    "largest_difference",
    "softmax_cross_entropy_gradient",
}
CONSTANTS = {"BUG_LOCATION", "QUIZ_A", "QUIZ_B"}

_LESSON_MODULES = ["logic_gates", "cost_functions", "backprop", "unrolling", "gradient_checking"]


def _public_names(module):
    """Names a student notebook of this lesson defines: functions and constants, no imports."""
    out = {}
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if callable(value) and getattr(value, "__module__", module.__name__) != module.__name__:
            continue  # imported from elsewhere (e.g. _validate helpers)
        out[name] = value
    return out


def _namespace():
    ns = {"np": np}
    for lesson in _LESSON_MODULES:
        try:
            module = importlib.import_module(f"solutions.{lesson}")
        except ModuleNotFoundError:
            continue  # cost_functions is optional here
        ns.update(_public_names(module))
    return ns


def _compile(mutant):
    ns = _namespace()
    exec(compile(mutant.code, f"<mutant {mutant.task}>", "exec"), ns)
    return ns[mutant.task]


def _same_answer(x, y):
    """Quiz-style equality: numbers by value, letter choices as sets, tuples entry by entry."""
    if isinstance(x, str) and isinstance(y, str):
        norm = lambda v: sorted(c for c in v.lower() if c.isalpha())
        return norm(x) == norm(y)
    return _same(tuple(x) if isinstance(x, list) else x, tuple(y) if isinstance(y, list) else y)


def _same(x, y):
    """True when two results agree (tuples elementwise, shapes exactly, nan == nan)."""
    if isinstance(x, list) and isinstance(y, list):  # lists of matrices (difference_by_layer)
        x, y = tuple(x), tuple(y)
    if isinstance(x, tuple) or isinstance(y, tuple):
        return (isinstance(x, tuple) and isinstance(y, tuple) and len(x) == len(y)
                and all(_same(u, v) for u, v in zip(x, y)))
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return x.shape == y.shape and np.allclose(x, y, rtol=1e-7, atol=1e-10, equal_nan=True)


def _gradient_cases():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(6, 6))
    return [
        (lambda t: float(np.sum(np.sin(t) * t ** 2)), rng.normal(size=4)),
        (lambda t: float(np.sum(np.exp(t))), rng.uniform(-1, 1, size=(2, 3))),
        (lambda t: float(t.ravel() @ A @ t.ravel()), rng.normal(size=(3, 2))),
    ]


def _differs(task, fn):
    """Return a reason if ``fn`` disagrees with the reference somewhere, else None."""
    import solutions.gradient_checking as ref

    reference = getattr(ref, task)
    rng = np.random.default_rng(6)
    if task in ("numerical_gradient", "forward_difference_gradient"):
        cases = [((J, theta), {}) for J, theta in _gradient_cases()]
        cases += [((J, theta), {"eps": 1e-3}) for J, theta in _gradient_cases()[:1]]
    elif task == "relative_difference":
        a = rng.normal(size=5)
        cases = [((a, rng.normal(size=5)), {}), ((a, a + 1e-6 * rng.normal(size=5)), {}),
                 ((np.zeros(3), np.zeros(3)), {}), ((a, 2 * a), {}), ((a, -a), {}),
                 ((rng.normal(size=(2, 3)), rng.normal(size=(2, 3))), {})]
    elif task == "debug_initialize_weights":
        cases = [((5, 3), {}), ((3, 5), {}), ((5, 2), {}), ((4, 4), {})]
    elif task == "difference_by_layer":
        n = rng.normal(size=14)
        cases = [((n, n + rng.normal(size=14), [(2, 3), (2, 4)]), {})]
    elif task == "largest_difference":
        cases = [(([rng.normal(size=(2, 3)), rng.normal(size=(3, 1)), rng.normal(size=(1, 4))],), {})
                 for _ in range(5)]
    elif task == "softmax_cross_entropy_gradient":
        cases = [((rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])), {})]
    else:
        cases = [((), {}), ((3.0,), {})]
    for args, kwargs in cases:
        mine = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        expected = reference(*args, **kwargs)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                got = fn(*mine, **kwargs)
        except Exception as exc:  # a crash also costs the student the points
            return f"raises {type(exc).__name__}"
        for before, after in zip(args, mine):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after):
                return "modifies its input in place"
        if not _same(got, expected):
            return f"differs on args {args!r:.60}"
        if task == "check_nn_gradients":
            # diff ~ 1e-11 is dominated by round-off, so values alone cannot tell
            # ||n - g|| from ||n - g|| / ||n + g|| (here ||n + g|| ~ 1); the
            # spec can: diff must be the relative difference of what is returned.
            numgrad, grad, diff = got
            if not np.isclose(diff, np.linalg.norm(numgrad - grad) / np.linalg.norm(numgrad + grad), rtol=1e-9, atol=0):
                return "diff is not the relative difference of the returned gradients"
    return None


def test_mutant_catalogue_is_well_formed():
    assert all(isinstance(m, Mutant) for m in MUTANTS)
    counts = {t: sum(m.task == t for m in MUTANTS) for t in TASKS}
    assert set(m.task for m in MUTANTS) == TASKS | CONSTANTS
    assert min(counts.values()) >= 3, counts
    assert len({m.code for m in MUTANTS}) == len(MUTANTS), "duplicate mutant code"
    for m in MUTANTS:
        head = f"{m.task} = " if m.task in CONSTANTS else f"def {m.task}("
        assert m.code.lstrip().startswith(head), m.mistake
        assert "import" not in m.code and "solutions" not in m.code, m.mistake
        assert m.mistake and m.words, m.mistake  # words: the feedback that must name the mistake


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.task}-{i}" for i, m in enumerate(MUTANTS)])
def test_mutant_is_really_a_mistake(mutant):
    if mutant.task in CONSTANTS:
        import solutions.gradient_checking as ref

        assert not _same_answer(_compile(mutant), getattr(ref, mutant.task)), mutant.mistake
        return
    reason = _differs(mutant.task, _compile(mutant))
    assert reason is not None, f"mutant agrees with the reference: {mutant.mistake}"


def test_in_place_mutant_changes_theta():
    (mutant,) = [m for m in MUTANTS if m.task == "numerical_gradient" and "in place" in m.mistake]
    theta = np.array([0.1, 0.2, 0.3])
    _compile(mutant)(_sum_sin, theta)
    assert not np.array_equal(theta, [0.1, 0.2, 0.3])


@pytest.mark.parametrize("task", sorted(TASKS))
def test_reference_passes_the_mutant_harness(task):
    # Sanity check of _differs itself: the reference never "differs" from itself.
    import solutions.gradient_checking as ref

    assert _differs(task, getattr(ref, task)) is None

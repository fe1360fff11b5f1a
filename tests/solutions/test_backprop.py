"""Tests of the lesson 03 reference (solutions/backprop.py).

Expected values come from sources independent of the code under test: the
lecture's published numbers, closed forms derived by hand, central finite
differences (``central_difference`` below), a per-example double loop written
with ``math``, and scipy's ``check_grad``.
"""
import ast
import copy
import math
import re
import warnings

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.backprop import (
    add_mul_graph,
    backprop,
    backprop_loop,
    forward_propagation,
    leaky_relu,
    leaky_relu_gradient,
    network_gradient_descent,
    relu,
    relu_gradient,
    sigmoid_gradient,
    sigmoid_neuron,
    squared_norm_wx,
    tanh_gradient,
    tanh_regression_backprop,
)
from autograder.problems import LayerQuadraticCostGrad
from solutions import backprop as backprop_module
from solutions.logic_gates import feedforward
from tests.mutants import backprop_03

FAST = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------------------
# Independent helpers
# ---------------------------------------------------------------------------


def central_difference(f, x, eps=1e-6):
    """``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry of ``x``."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = eps
        grad[idx] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def network_difference(cost, thetas, eps=1e-6):
    """Central differences of ``cost(thetas)`` with respect to every matrix, one at a time."""
    grads = []
    for l in range(len(thetas)):
        def cost_of_layer(t, l=l):
            return cost([t if k == l else thetas[k] for k in range(len(thetas))])
        grads.append(central_difference(cost_of_layer, thetas[l], eps))
    return grads


def random_network(rng, layer_sizes, scale=1.0):
    return [scale * rng.normal(size=(b, a + 1)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]


def random_problem(seed, layer_sizes, m=7):
    rng = np.random.default_rng(seed)
    thetas = random_network(rng, layer_sizes)
    X = rng.normal(size=(m, layer_sizes[0]))
    y = rng.integers(0, layer_sizes[-1], size=m)
    return thetas, X, y


def lecture_debug_network():
    """The lecture's gradient-checking network: 3 inputs, 5 hidden, 3 classes, m = 5.

    Weights are ``sin(1..size) / 10`` filled column by column (Octave's reshape).
    """
    def debug(fan_out, fan_in):
        size = fan_out * (fan_in + 1)
        return (np.sin(np.arange(1, size + 1)) / 10).reshape((fan_out, fan_in + 1), order="F")

    thetas = [debug(5, 3), debug(3, 5)]
    X = debug(5, 2)
    y = np.arange(1, 6) % 3
    return thetas, X, y


def loop_cost(thetas, X, y, lam, loss="cross_entropy"):
    """Cost written one example and one output at a time with the math module."""
    m, K = len(X), thetas[-1].shape[0]
    total = 0.0
    for i in range(m):
        h = list(X[i])
        for theta in thetas:
            inputs = [1.0] + h
            h = [
                1.0 / (1.0 + math.exp(-sum(theta[j, c] * inputs[c] for c in range(len(inputs)))))
                for j in range(theta.shape[0])
            ]
        for k in range(K):
            target = 1.0 if y[i] == k else 0.0
            if loss == "cross_entropy":
                total -= target * math.log(h[k]) + (1 - target) * math.log(1 - h[k])
            else:
                total += 0.5 * (h[k] - target) ** 2
    penalty = sum(
        theta[j, c] ** 2 for theta in thetas for j in range(theta.shape[0]) for c in range(1, theta.shape[1])
    )
    return total / m + lam / (2 * m) * penalty


def assert_grads_close(received, expected, rtol=1e-6, atol=1e-8):
    assert len(received) == len(expected)
    for l, (r, e) in enumerate(zip(received, expected)):
        assert r.shape == e.shape, f"layer {l}: shape {r.shape} != {e.shape}"
        np.testing.assert_allclose(r, e, rtol=rtol, atol=atol, err_msg=f"layer {l}")


# ---------------------------------------------------------------------------
# Computational graphs
# ---------------------------------------------------------------------------


def test_add_mul_graph_lecture_values():
    assert add_mul_graph(-2, 5, -4) == (-12, -4, -4, 3)


def test_add_mul_graph_matches_central_differences():
    rng = np.random.default_rng(1)
    for _ in range(3):
        v = rng.normal(size=3)
        _, *grad = add_mul_graph(*v)
        numeric = central_difference(lambda p: add_mul_graph(*p)[0], v)
        np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-9)


def test_add_mul_graph_broadcasts_elementwise():
    f, dx, dy, dz = add_mul_graph([1.0, 2.0], 3.0, [[1.0], [-1.0]])
    np.testing.assert_array_equal(f, [[4.0, 5.0], [-4.0, -5.0]])
    np.testing.assert_array_equal(dx, [[1.0, 1.0], [-1.0, -1.0]])
    np.testing.assert_array_equal(dy, dx)
    np.testing.assert_array_equal(dz, [[4.0, 5.0], [4.0, 5.0]])


def test_sigmoid_neuron_closed_form():
    # w = (2, -3, -3), x = (-1, -2): z = -2 + 6 - 3 = 1, f = 1/(1+e^-1), g'(1) = f (1 - f).
    f, dw, dx = sigmoid_neuron([2, -3, -3], [-1, -2])
    s = 1.0 / (1.0 + math.exp(-1.0))
    assert f == pytest.approx(s) and f == pytest.approx(0.7311, abs=1e-4)
    np.testing.assert_allclose(dw, s * (1 - s) * np.array([-1.0, -2.0, 1.0]))
    np.testing.assert_allclose(dx, s * (1 - s) * np.array([2.0, -3.0]))
    np.testing.assert_allclose(dw, [-0.20, -0.39, 0.20], atol=0.005)  # the classic graph's numbers
    np.testing.assert_allclose(dx, [0.39, -0.59], atol=0.005)


def test_sigmoid_neuron_matches_central_differences():
    rng = np.random.default_rng(2)
    w, x = rng.normal(size=3), rng.normal(size=2)
    _, dw, dx = sigmoid_neuron(w, x)
    np.testing.assert_allclose(dw, central_difference(lambda v: sigmoid_neuron(v, x)[0], w), rtol=1e-6)
    np.testing.assert_allclose(dx, central_difference(lambda v: sigmoid_neuron(w, v)[0], x), rtol=1e-6)


def test_squared_norm_wx_lecture_values():
    f, dW, dx = squared_norm_wx([[0.1, 0.5], [-0.3, 0.8]], [0.2, 0.4])
    assert f == pytest.approx(0.22**2 + 0.26**2)
    np.testing.assert_allclose(dW, [[0.088, 0.176], [0.104, 0.208]])
    np.testing.assert_allclose(dx, [-0.112, 0.636])


@pytest.mark.parametrize("p, n", [(2, 2), (3, 2), (1, 4)])
def test_squared_norm_wx_matches_central_differences(p, n):
    rng = np.random.default_rng(p * 10 + n)
    W, x = rng.normal(size=(p, n)), rng.normal(size=n)
    f, dW, dx = squared_norm_wx(W, x)
    assert f == pytest.approx(np.sum((W @ x) ** 2))
    assert dW.shape == (p, n) and dx.shape == (n,)
    np.testing.assert_allclose(dW, central_difference(lambda V: squared_norm_wx(V, x)[0], W), rtol=1e-6)
    np.testing.assert_allclose(dx, central_difference(lambda v: squared_norm_wx(W, v)[0], x), rtol=1e-6)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------


def test_sigmoid_gradient_at_zero_is_a_quarter():
    assert sigmoid_gradient(0) == 0.25


def test_activation_gradients_never_exceed_their_maximum():
    # e/(1+e)^2 rounds one ulp above 1/4 at some z near 0 (hypothesis found z = 2.44e-9).
    z = np.concatenate(([2.4394982308184562e-09], np.linspace(-1e-6, 1e-6, 20001)))
    assert np.max(sigmoid_gradient(z)) <= 0.25
    assert np.max(tanh_gradient(z)) <= 1.0


def test_activation_gradients_match_closed_forms_and_differences():
    z = np.linspace(-6, 6, 25)
    g = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(sigmoid_gradient(z), g * (1 - g), rtol=1e-12)
    np.testing.assert_allclose(tanh_gradient(z), 1 - np.tanh(z) ** 2, rtol=1e-12, atol=1e-15)

    def elementwise_difference(f, v, eps=1e-6):  # the activations act entry by entry
        return (f(v + eps) - f(v - eps)) / (2 * eps)

    logistic = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    np.testing.assert_allclose(sigmoid_gradient(z), elementwise_difference(logistic, z), rtol=1e-6)
    np.testing.assert_allclose(tanh_gradient(z), elementwise_difference(np.tanh, z), rtol=1e-6)
    away = z[np.abs(z) > 0.1]  # the kink at 0 has no derivative
    np.testing.assert_allclose(relu_gradient(away), elementwise_difference(relu, away))
    np.testing.assert_allclose(leaky_relu_gradient(away, 0.2), elementwise_difference(lambda v: leaky_relu(v, 0.2), away))


def test_activations_are_silent_and_finite_at_large_inputs():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [sigmoid_gradient(z), tanh_gradient(z), relu(z), leaky_relu(z)]
    assert all(np.all(np.isfinite(v)) for v in values)
    assert sigmoid_gradient(40.0) > 0  # not rounded to 0 through 1 - g(z)


def test_relu_family_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(relu(z), [0, 0, 0, 0.5, 2])
    np.testing.assert_array_equal(relu_gradient(z), [0, 0, 0, 1, 1])
    np.testing.assert_allclose(leaky_relu(z), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_allclose(leaky_relu(z, alpha=0.1), [-0.2, -0.05, 0, 0.5, 2])
    np.testing.assert_allclose(leaky_relu_gradient(z), [0.01, 0.01, 0.01, 1, 1])
    np.testing.assert_allclose(leaky_relu_gradient(z, alpha=0.3), [0.3, 0.3, 0.3, 1, 1])
    assert relu_gradient(0.0) == 0.0
    assert relu([[-1.0, 3.0]]).shape == (1, 2)


@FAST
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20))
def test_relu_gradient_is_zero_or_one(values):
    z = np.array(values)
    assert set(np.unique(relu_gradient(z))) <= {0.0, 1.0}
    np.testing.assert_array_equal(relu(z), z * relu_gradient(z))  # ReLU is positively homogeneous
    np.testing.assert_allclose(leaky_relu(z, 0.1), z * leaky_relu_gradient(z, 0.1))


@FAST
@given(st.floats(-300, 300))
def test_tanh_gradient_in_half_open_unit_interval(z):
    assert 0.0 < tanh_gradient(z) <= 1.0


@FAST
@given(st.floats(-700, 700))
def test_sigmoid_gradient_in_zero_quarter(z):
    value = sigmoid_gradient(z)
    assert 0.0 < value <= 0.25
    assert value == sigmoid_gradient(-z)  # g' is even


# ---------------------------------------------------------------------------
# forward_propagation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("layer_sizes", [[3, 2], [3, 4, 2], [2, 5, 3, 4]])
def test_forward_propagation_layers(layer_sizes):
    thetas, X, _ = random_problem(3, layer_sizes, m=6)
    a = forward_propagation(thetas, X)
    assert len(a) == len(layer_sizes)
    np.testing.assert_array_equal(a[0], np.column_stack([np.ones(6), X]))
    for l, s in enumerate(layer_sizes[1:-1], start=1):
        assert a[l].shape == (6, s + 1)
        np.testing.assert_array_equal(a[l][:, 0], 1.0)
    assert a[-1].shape == (6, layer_sizes[-1])
    np.testing.assert_allclose(a[-1], feedforward(thetas, X), rtol=1e-14)
    first = 1 / (1 + np.exp(-(np.column_stack([np.ones(6), X]) @ thetas[0].T)))
    np.testing.assert_allclose(a[1] if len(thetas) == 1 else a[1][:, 1:], first, rtol=1e-12)


def test_forward_propagation_accepts_lists():
    a = forward_propagation([[[0.0, 1.0, -1.0]]], [[2.0, 2.0]])
    np.testing.assert_allclose(a[-1], [[0.5]])


# ---------------------------------------------------------------------------
# backprop and backprop_loop
# ---------------------------------------------------------------------------

ARCHITECTURES = [[3, 2], [3, 4, 2], [2, 5, 3, 4], [4, 3, 3, 3, 2]]


@pytest.mark.parametrize("layer_sizes", ARCHITECTURES)
@pytest.mark.parametrize("lam", [0.0, 1.3])
@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_backprop_gradients_match_central_differences(layer_sizes, lam, loss):
    thetas, X, y = random_problem(len(layer_sizes), layer_sizes)
    J, grads = backprop(thetas, X, y, lam, loss=loss)
    assert J == pytest.approx(loop_cost(thetas, X, y, lam, loss), rel=1e-10)
    numeric = network_difference(lambda ts: backprop(ts, X, y, lam, loss=loss)[0], thetas)
    assert_grads_close(grads, numeric)


def test_backprop_on_the_lecture_debug_network():
    thetas, X, y = lecture_debug_network()
    for lam in (0.0, 3.0):
        _, grads = backprop(thetas, X, y, lam)
        numeric = network_difference(lambda ts: backprop(ts, X, y, lam)[0], thetas, eps=1e-4)
        flat = np.concatenate([g.ravel() for g in grads])
        flat_numeric = np.concatenate([g.ravel() for g in numeric])
        assert np.linalg.norm(flat - flat_numeric) / np.linalg.norm(flat + flat_numeric) < 1e-9


def test_backprop_passes_scipy_check_grad():
    thetas, X, y = random_problem(5, [4, 5, 3], m=10)
    shapes = [t.shape for t in thetas]
    ends = np.cumsum([np.prod(s) for s in shapes])

    def split(v):
        return [v[e - np.prod(s):e].reshape(s) for s, e in zip(shapes, ends)]

    x0 = np.concatenate([t.ravel() for t in thetas])
    error = scipy.optimize.check_grad(
        lambda v: backprop(split(v), X, y, 0.7)[0],
        lambda v: np.concatenate([g.ravel() for g in backprop(split(v), X, y, 0.7)[1]]),
        x0,
    )
    assert error < 1e-6


@pytest.mark.parametrize("layer_sizes", ARCHITECTURES)
@pytest.mark.parametrize("lam", [0.0, 2.0])
def test_backprop_loop_equals_vectorized(layer_sizes, lam):
    thetas, X, y = random_problem(11, layer_sizes)
    J, grads = backprop(thetas, X, y, lam)
    J_loop, grads_loop = backprop_loop(thetas, X, y, lam)
    assert J_loop == pytest.approx(J, rel=1e-12)
    assert_grads_close(grads_loop, grads, rtol=1e-10, atol=1e-14)


def test_regularization_never_touches_the_bias_column():
    thetas, X, y = random_problem(12, [3, 4, 3])
    m, lam = len(X), 2.5
    J0, g0 = backprop(thetas, X, y, 0.0)
    J1, g1 = backprop(thetas, X, y, lam)
    penalty = sum(np.sum(t[:, 1:] ** 2) for t in thetas)
    assert J1 - J0 == pytest.approx(lam / (2 * m) * penalty, rel=1e-10)
    for t, a, b in zip(thetas, g0, g1):
        np.testing.assert_array_equal(b[:, 0], a[:, 0])
        np.testing.assert_allclose(b[:, 1:] - a[:, 1:], lam / m * t[:, 1:], rtol=1e-9, atol=1e-14)


def test_cross_entropy_output_delta_closed_form():
    # No hidden layer: logistic regression per output, dJ/dTheta = (h - Y)^T [1, X] / m.
    thetas, X, y = random_problem(13, [3, 4])
    h = 1 / (1 + np.exp(-(np.column_stack([np.ones(len(X)), X]) @ thetas[0].T)))
    Y = np.eye(4)[y]
    _, grads = backprop(thetas, X, y, 0.0)
    np.testing.assert_allclose(grads[0], (h - Y).T @ np.column_stack([np.ones(len(X)), X]) / len(X))
    _, grads_se = backprop(thetas, X, y, 0.0, loss="squared_error")
    np.testing.assert_allclose(
        grads_se[0], ((h - Y) * h * (1 - h)).T @ np.column_stack([np.ones(len(X)), X]) / len(X)
    )


def test_backprop_is_stable_when_outputs_saturate():
    thetas, X, y = random_problem(14, [3, 4, 3])
    big = [1000 * t for t in thetas]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J, grads = backprop(big, X, y, 1.0)
        J_loop, _ = backprop_loop(big, X, y, 1.0)
    assert np.isfinite(J) and J > 1.0 and J_loop == pytest.approx(J)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_backprop_returns_float_and_matching_shapes():
    thetas, X, y = random_problem(15, [2, 3, 2])
    J, grads = backprop([t.tolist() for t in thetas], X.tolist(), y.tolist(), 0.1)
    assert np.ndim(J) == 0 and isinstance(J, float)
    assert [g.shape for g in grads] == [t.shape for t in thetas]


# ---------------------------------------------------------------------------
# tanh_regression_backprop
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("layer_sizes", [[3, 1], [3, 4, 1], [2, 3, 5, 1]])
def test_tanh_regression_matches_central_differences(layer_sizes):
    rng = np.random.default_rng(16)
    thetas = random_network(rng, layer_sizes)
    x, y = rng.normal(size=layer_sizes[0]), 0.7
    e, grads = tanh_regression_backprop(thetas, x, y)
    numeric = network_difference(lambda ts: tanh_regression_backprop(ts, x, y)[0], thetas)
    assert_grads_close(grads, numeric)
    assert e >= 0


def test_tanh_regression_one_hidden_layer_closed_form():
    rng = np.random.default_rng(17)
    W1, w2 = rng.normal(size=(4, 3)), rng.normal(size=(1, 5))
    x, y = np.array([0.5, -1.0]), -0.3
    x0 = np.array([1.0, 0.5, -1.0])
    x1 = np.concatenate(([1.0], np.tanh(W1 @ x0)))
    s = w2[0] @ x1
    e, (g1, g2) = tanh_regression_backprop([W1, w2], x, y)
    assert e == pytest.approx((y - s) ** 2)
    np.testing.assert_allclose(g2, (-2 * (y - s) * x1)[None, :])
    hidden_delta = -2 * (y - s) * w2[0, 1:] * (1 - np.tanh(W1 @ x0) ** 2)
    np.testing.assert_allclose(g1, np.outer(hidden_delta, x0))


def test_tanh_regression_without_hidden_layer_is_linear_regression():
    theta, x, y = np.array([[0.5, 2.0, -1.0]]), np.array([1.0, 3.0]), 2.0
    e, (g,) = tanh_regression_backprop([theta], x, y)
    residual = y - (0.5 + 2.0 - 3.0)  # = 2.5
    assert e == pytest.approx(6.25)
    np.testing.assert_allclose(g, [[-2 * residual, -2 * residual * 1.0, -2 * residual * 3.0]])


# ---------------------------------------------------------------------------
# Errors name the argument
# ---------------------------------------------------------------------------


def test_unknown_loss_names_allowed_values():
    thetas, X, y = random_problem(18, [2, 2])
    with pytest.raises(ValueError, match=r"loss.*cross_entropy.*squared_error.*'hinge'"):
        backprop(thetas, X, y, 0.0, loss="hinge")


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: sigmoid_neuron([1, 2], [1, 2]), r"w .*expected \(3,\).*received \(2,\)"),
        (lambda: sigmoid_neuron([1, 2, 3], [1, 2, 3]), r"x .*expected \(2,\).*received \(3,\)"),
        (lambda: squared_norm_wx(np.ones((2, 3)), np.ones(2)), r"x .*expected \(3,\).*received \(2,\)"),
        (lambda: forward_propagation([np.ones((4, 3)), np.ones((2, 4))], np.ones((5, 2))),
         r"thetas\[1\].*expected \('?\?'?, 5\).*received \(2, 4\)"),
        (lambda: forward_propagation([np.ones((4, 3))], np.ones(3)), r"X .*received shape \(3,\)"),
        (lambda: backprop([np.ones((2, 4))], np.ones((5, 2)), np.zeros(5, int), 0.0),
         r"thetas\[0\].*expected \('?\?'?, 3\).*received \(2, 4\)"),
        (lambda: backprop([np.ones((2, 3))], np.ones((5, 2)), np.zeros(4, int), 0.0),
         r"y .*expected \(5,\).*received \(4,\)"),
        (lambda: backprop([np.ones((2, 3))], np.ones((5, 2)), [0, 1, 2, 0, 1], 0.0), r"y .*0\.\.1"),
        (lambda: backprop_loop([np.ones((2, 3))], np.ones((5, 2)), np.zeros(4, int), 0.0),
         r"y .*expected \(5,\).*received \(4,\)"),
        (lambda: tanh_regression_backprop([np.ones((2, 3))], np.ones(2), 1.0),
         r"thetas\[0\].*expected \(1, '?\?'?\).*received \(2, 3\)"),
        (lambda: tanh_regression_backprop([np.ones((1, 3))], np.ones(3), 1.0),
         r"thetas\[0\].*expected \('?\?'?, 4\).*received \(1, 3\)"),
        (lambda: tanh_regression_backprop([np.ones((1, 3))], np.ones(2), [1.0, 2.0]), r"y .*received shape \(2,\)"),
    ],
)
def test_errors_name_the_argument(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


# ---------------------------------------------------------------------------
# Mutant catalogue: correct cells agree with the reference, every mutant differs
# ---------------------------------------------------------------------------


def _inputs(task):
    """A few seeded inputs per task, as ``(args, kwargs)`` pairs."""
    rng = np.random.default_rng(2024)
    z = np.concatenate(([0.0, -1e-3, 1e-3], 3 * rng.normal(size=8)))
    if task == "add_mul_graph":
        return [((-2.0, 5.0, -4.0), {})] + [(tuple(rng.normal(size=3)), {}) for _ in range(2)]
    if task == "sigmoid_neuron":
        return [((rng.normal(size=3), rng.normal(size=2)), {}) for _ in range(3)]
    if task == "squared_norm_wx":
        return [((rng.normal(size=(p, n)), rng.normal(size=n)), {}) for p, n in [(2, 2), (3, 2), (3, 3)]]
    if task in ("sigmoid_gradient", "tanh_gradient", "relu", "relu_gradient"):
        return [((z,), {}), ((z.reshape(1, -1),), {})]
    if task in ("leaky_relu", "leaky_relu_gradient"):
        return [((z,), {}), ((z,), {"alpha": 0.2})]
    nets = [[3, 4, 2], [2, 3, 3, 2], [2, 3, 4]]  # [2, 3, 4]: square matrices, so transposes still run
    problems = [random_problem(seed, sizes) for seed, sizes in enumerate(nets)]
    if task == "forward_propagation":
        return [((thetas, X), {}) for thetas, X, _ in problems]
    # Weights ~ +-60 saturate the outputs to exactly 0 or 1 in float64: J must still be finite.
    saturated = random_problem(len(nets), [3, 4, 2])
    saturated = ([60.0 * t for t in saturated[0]],) + saturated[1:]
    if task == "backprop":
        return [((thetas, X, y, 0.8), {}) for thetas, X, y in problems + [saturated]] + [
            ((thetas, X, y, 0.8), {"loss": "squared_error"}) for thetas, X, y in problems
        ]
    if task == "backprop_loop":
        return [((thetas, X, y, 0.8), {}) for thetas, X, y in problems + [saturated]]
    if task == "tanh_regression_backprop":
        return [
            ((random_network(rng, sizes), rng.normal(size=sizes[0]), 0.4), {})
            for sizes in ([3, 4, 1], [2, 3, 3, 1], [3, 1])
        ]
    if task == "network_gradient_descent":
        bowls = []
        for shapes, scales, lr, iters in [([(2, 3), (1, 3)], [1.0, 2.0], 0.25, 4), ([(3, 3)], [0.5], 0.3, 0),
                                          ([(3, 4), (2, 4), (1, 3)], [2.0, 1.0, 0.5], 0.1, 6)]:
            bowl = LayerQuadraticCostGrad([rng.normal(size=s) for s in shapes], scales)
            bowls.append(((bowl, [rng.normal(size=s) for s in shapes], lr, iters), {}))
        return bowls
    raise KeyError(task)


def _reference(task):
    return backprop_03.cell_namespace()[task]


def test_catalogue_covers_every_graded_function_three_times():
    counts = {task: 0 for task in backprop_03.CORRECT_CELLS}
    for mutant in backprop_03.MUTANTS:
        counts[mutant.task] += 1
    assert min(counts.values()) >= 3, counts
    for m in backprop_03.MUTANTS:  # the feedback the pipeline test expects: a valid, non-empty regex
        assert m.words and re.compile(m.words, re.I), m.mistake


@pytest.mark.parametrize("mutant", backprop_03.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_cell_is_one_plain_def(mutant):
    tree = ast.parse(mutant.code)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    assert tree.body[0].name == mutant.task
    assert not any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree))


@pytest.mark.parametrize("task", sorted(backprop_03.CORRECT_CELLS))
def test_correct_cell_matches_reference(task):
    cell = backprop_03.define(backprop_03.CORRECT_CELLS[task], task)
    reference = _reference(task)
    for args, kwargs in _inputs(task):
        expected = backprop_03.outcome(reference, args, kwargs)
        received = backprop_03.outcome(cell, args, kwargs)
        assert expected[0] == received[0] == "value"
        assert backprop_03.same(expected[1], received[1]), (task, args, kwargs)


@pytest.mark.parametrize("mutant", backprop_03.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_differs_from_reference(mutant):
    """A mutant returns other results than the reference, or changes the arguments it was given."""
    cell = backprop_03.define(mutant.code, mutant.task)
    reference = _reference(mutant.task)
    for args, kwargs in _inputs(mutant.task):
        kind, expected = backprop_03.outcome(reference, copy.deepcopy(args), kwargs)
        given = copy.deepcopy(args)
        received_kind, received = backprop_03.outcome(cell, given, kwargs)
        if received_kind == "value" and not backprop_03.same(expected, received):
            return
        if received_kind == "value" and not backprop_03.same(list(args[1:]), list(given[1:])):
            return  # same result, but the caller's arguments were modified in place
    pytest.fail(f"mutant gives the reference's results (or only crashes): {mutant.mistake}")


@pytest.mark.parametrize("alternative", backprop_03.ALTERNATIVES, ids=lambda m: f"{m.task}: {m.mistake}")
def test_alternative_matches_reference_and_keeps_its_arguments(alternative):
    cell = backprop_03.define(alternative.code, alternative.task)
    reference = _reference(alternative.task)
    for args, kwargs in _inputs(alternative.task):
        given = copy.deepcopy(args)
        expected = backprop_03.outcome(reference, args, kwargs)
        received = backprop_03.outcome(cell, given, kwargs)
        assert expected[0] == received[0] == "value"
        assert backprop_03.same(expected[1], received[1]), alternative.mistake
        assert backprop_03.same(list(args[1:]), list(given[1:])), alternative.mistake


# ---------------------------------------------------------------------------
# Gradient descent on a list of matrices; the quiz answers
# ---------------------------------------------------------------------------


def _bowl_by_hand(targets, scales, start, lr, iters):
    """Independent loop over every entry with ``math``: x := x - lr * s (x - c)."""
    thetas = [[[float(v) for v in row] for row in t] for t in start]
    costs = []
    for step in range(iters + 1):
        costs.append(sum(s / 2 * (x - c) ** 2 for t, T, s in zip(thetas, targets, scales)
                         for row, crow in zip(t, T) for x, c in zip(row, crow)))
        if step < iters:
            thetas = [[[x - lr * s * (x - c) for x, c in zip(row, crow)] for row, crow in zip(t, T)]
                      for t, T, s in zip(thetas, targets, scales)]
    return thetas, costs


@pytest.mark.parametrize("lr, iters", [(0.25, 3), (0.1, 0), (0.45, 7)])
def test_network_gradient_descent_matches_closed_form_and_a_scalar_loop(lr, iters):
    rng = np.random.default_rng(7)
    targets = [rng.normal(size=(2, 3)), rng.normal(size=(1, 3))]
    scales = [1.0, 2.0]
    start = [rng.normal(size=(2, 3)), rng.normal(size=(1, 3))]
    kept = [t.copy() for t in start]
    thetas, costs = network_gradient_descent(LayerQuadraticCostGrad(targets, scales), start, lr, iters)
    by_hand, costs_by_hand = _bowl_by_hand(targets, scales, start, lr, iters)
    for t, h, c, s, t0 in zip(thetas, by_hand, targets, scales, kept):
        np.testing.assert_allclose(t, np.array(h), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(t, c + (1 - lr * s) ** iters * (t0 - c), rtol=1e-12, atol=1e-14)  # closed form
    np.testing.assert_allclose(costs, costs_by_hand, rtol=1e-12, atol=1e-14)
    assert costs.shape == (iters + 1,)
    for t, t0 in zip(start, kept):
        np.testing.assert_array_equal(t, t0)


def test_network_gradient_descent_learns_xor_with_backprop():
    """From a seeded random start the cost falls monotonically and the net separates XOR."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    rng = np.random.default_rng(1)
    start = [rng.uniform(-1, 1, size=(2, 3)), rng.uniform(-1, 1, size=(2, 3))]
    thetas, costs = network_gradient_descent(lambda t: backprop(t, X, y, 0.0), start, 2.0, 1000)
    assert costs[-1] < 0.05 * costs[0]
    assert np.all(np.diff(costs) <= 1e-12)  # a small enough step never goes uphill on this run
    np.testing.assert_array_equal(np.argmax(forward_propagation(thetas, X)[-1], axis=1), y)


@pytest.mark.parametrize("call, pattern", [
    (lambda: network_gradient_descent(3.0, [np.zeros((1, 2))], 0.1, 2), r"cost_grad .*function"),
    (lambda: network_gradient_descent(LayerQuadraticCostGrad([np.zeros((1, 2))], [1.0]), [], 0.1, 2), r"thetas"),
    (lambda: network_gradient_descent(LayerQuadraticCostGrad([np.zeros((1, 2))], [1.0]), [np.zeros((1, 2))], 0.0, 2),
     r"lr .*positive.*0\.0"),
    (lambda: network_gradient_descent(LayerQuadraticCostGrad([np.zeros((1, 2))], [1.0]), [np.zeros((1, 2))], 0.1, -1),
     r"iters .*>= 0.*-1"),
    (lambda: network_gradient_descent(lambda t: (0.0, [np.zeros((2, 1))]), [np.zeros((1, 2))], 0.1, 1),
     r"grads\[0\].*expected \(1, 2\).*received \(2, 1\)"),
])
def test_network_gradient_descent_errors_name_the_argument(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_quiz_answers():
    sizes = [4, 6, 3]
    assert backprop_module.QUIZ_A == sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    thetas = [np.zeros((6, 5)), np.zeros((3, 7))]
    assert backprop_module.QUIZ_A == sum(g.size for g in backprop(thetas, np.zeros((2, 4)), [0, 2], 0.0)[1])
    # de/dw = -2 (y - s_L) x_i with x_i = tanh(s_i): zero for (a) s_L = y, (b) x_i = 0, (c) s_i = 0.
    assert {c.strip() for c in backprop_module.QUIZ_B.split(",")} == {"a", "b", "c"}
    e, grads = tanh_regression_backprop([np.array([[0.0, 1.0]]), np.array([[0.3, 0.0]])], [0.0], 0.3)
    assert e == 0.0 and not np.any(grads[1])  # (a), and (d) w = 0 does not zero its own gradient:
    e, grads = tanh_regression_backprop([np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]])], [0.5], 1.0)
    assert grads[1][0, 1] != 0.0
    assert backprop_module.QUIZ_C == "b"  # delta = dJ/dz (C.2)

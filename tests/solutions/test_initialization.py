"""Tests of the lesson 06 reference (solutions/initialization.py).

Expected values come from closed forms (``sqrt(6/425)`` for the lecture's
400-25 layer), from scipy's distributions (Kolmogorov-Smirnov tests against
the uniform and normal laws, chi-square bounds on the sample variance), from
an independently written forward pass and a tiny independently written
backprop (checked itself against central differences) for the symmetry
argument, and from hypothesis properties.

Statistical tolerances: every random check has a false-alarm probability
below ``P_FALSE`` = 1e-9 under the correct law (about 6 standard errors), so
the seeded tests are also valid for any other seed.
"""
import ast
import re

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.initialization import (gradient_descent_path, he_initialize, hidden_units_symmetric, init_epsilon,
                                      initialize_network, layer_activation_stats, rand_initialize_weights,
                                      xavier_initialize, zero_initialize)

FAST = settings(max_examples=40, deadline=None)
#: False-alarm probability of each statistical check (about a 6-sigma event).
P_FALSE = 1e-9
#: Central-difference step and tolerance for the tiny independent backprop.
FD_EPS, FD_RTOL = 1e-6, 1e-6


def ks_ok(sample, cdf):
    """Kolmogorov-Smirnov: the sample is compatible with ``cdf`` at level P_FALSE."""
    return scipy.stats.kstest(np.ravel(sample), cdf).pvalue > P_FALSE


def variance_ok(sample, sigma):
    """Sample second moment around 0 inside the chi-square interval for N(0, sigma^2), level P_FALSE.

    ``sum w^2 / sigma^2 ~ chi2(n)`` for n independent N(0, sigma^2) entries.
    """
    w = np.ravel(sample)
    stat = np.sum(w ** 2) / sigma ** 2
    lo, hi = scipy.stats.chi2.ppf([P_FALSE / 2, 1 - P_FALSE / 2], df=w.size)
    return lo < stat < hi


# ---------------------------------------------------------------------------
# zeros and the symmetry problem
# ---------------------------------------------------------------------------


def test_zero_initialize_shapes_and_values():
    thetas = zero_initialize([400, 25, 10])
    assert [t.shape for t in thetas] == [(25, 401), (10, 26)]
    assert all(t.dtype == np.float64 and not t.any() for t in thetas)


def test_zero_initialize_rejects_a_single_layer():
    with pytest.raises(ValueError, match="layer_sizes"):
        zero_initialize([3])


def test_hidden_units_symmetric_hand_made_networks():
    rows_equal = np.array([[0.5, 1.0, -2.0], [0.5, 1.0, -2.0], [0.5, 1.0, -2.0]])  # 3 identical units
    out_equal = np.array([[0.1, 0.7, 0.7, 0.7]])
    assert hidden_units_symmetric([rows_equal, out_equal])
    # Columns of Theta1 differ (w1 != w2): irrelevant, the units are the rows.
    assert hidden_units_symmetric([rows_equal, np.array([[9.0, -1.0, -1.0, -1.0], [2.0, 3.0, 3.0, 3.0]])])
    # Same incoming weights, but unit 2 leaves with a different weight: distinguishable.
    assert not hidden_units_symmetric([rows_equal, np.array([[0.1, 0.7, 0.7, 0.8]])])
    # Different incoming weights (only the bias of unit 1 differs).
    other_bias = rows_equal.copy()
    other_bias[1, 0] = 0.4
    assert not hidden_units_symmetric([other_bias, out_equal])
    # A symmetric first hidden layer does not make a non-symmetric second one symmetric.
    second = np.array([[0.0, 1.0, 1.0, 1.0], [0.0, 2.0, 2.0, 2.0]])
    assert not hidden_units_symmetric([rows_equal, second, np.array([[0.0, 1.0, 1.0]])])
    assert hidden_units_symmetric([rows_equal, np.tile([[0.0, 1.0, 1.0, 1.0]], (2, 1)), np.array([[0.0, 1.0, 1.0]])])


def test_hidden_units_symmetric_tolerance_and_edge_cases():
    base = [np.ones((2, 3)), np.ones((1, 3))]
    nudged = [np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0 + 1e-9]]), np.ones((1, 3))]
    assert hidden_units_symmetric(base)
    assert not hidden_units_symmetric(nudged)
    assert hidden_units_symmetric(nudged, atol=1e-6)
    assert hidden_units_symmetric([np.arange(6.0).reshape(2, 3)])  # no hidden layer: nothing to tell apart
    assert hidden_units_symmetric([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])  # one hidden unit


def test_hidden_units_symmetric_shape_errors_name_the_matrix():
    with pytest.raises(ValueError, match=r"thetas\[1\].*expected \(\?, 4\).*received \(1, 3\)"):
        hidden_units_symmetric([np.zeros((3, 3)), np.zeros((1, 3))])


def tiny_backprop(thetas, X, y):
    """Independent cross-entropy backprop of a sigmoid network (no regularization), loops over layers."""
    m, K = X.shape[0], thetas[-1].shape[0]
    Y = np.eye(K)[y]
    acts, zs = [np.column_stack([np.ones(m), X])], []
    for l, T in enumerate(thetas):
        z = acts[-1] @ T.T
        zs.append(z)
        h = 1.0 / (1.0 + np.exp(-z))
        acts.append(h if l == len(thetas) - 1 else np.column_stack([np.ones(m), h]))
    H = acts[-1]
    J = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H)) / m
    grads = [None] * len(thetas)
    d = H - Y
    for l in range(len(thetas) - 1, -1, -1):
        grads[l] = d.T @ acts[l] / m
        if l:
            s = 1.0 / (1.0 + np.exp(-zs[l - 1]))
            d = (d @ thetas[l][:, 1:]) * s * (1 - s)
    return J, grads


def _xor(m=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.2, 1.0, size=(m, 2)) * rng.choice([-1.0, 1.0], size=(m, 2))
    return X, (X[:, 0] * X[:, 1] < 0).astype(int)


def test_tiny_backprop_matches_central_differences():
    X, y = _xor(10)
    rng = np.random.default_rng(3)
    thetas = [rng.normal(size=(3, 3)), rng.normal(size=(2, 4))]
    _, grads = tiny_backprop(thetas, X, y)
    for l, T in enumerate(thetas):
        for idx in np.ndindex(T.shape):
            plus = [t.copy() for t in thetas]
            minus = [t.copy() for t in thetas]
            plus[l][idx] += FD_EPS
            minus[l][idx] -= FD_EPS
            numeric = (tiny_backprop(plus, X, y)[0] - tiny_backprop(minus, X, y)[0]) / (2 * FD_EPS)
            assert grads[l][idx] == pytest.approx(numeric, rel=FD_RTOL, abs=1e-9)


@pytest.mark.parametrize("sizes", [[2, 4, 2], [2, 3, 3, 2]])
def test_training_from_zeros_keeps_hidden_units_identical(sizes):
    X, y = _xor()
    path, costs = gradient_descent_path(zero_initialize(sizes), X, y, 0.0, 2.0, 30)
    # Independent gradient descent with the tiny backprop gives the same iterates ...
    mine = zero_initialize(sizes)
    for k in range(1, 31):
        mine = [t - 2.0 * g for t, g in zip(mine, tiny_backprop(mine, X, y)[1])]
        for T_ref, T in zip(path[k], mine):
            np.testing.assert_allclose(T_ref, T, rtol=1e-10, atol=1e-12)
        # ... and in every hidden layer all rows (incoming) and hidden-unit columns (outgoing) stay equal.
        for T_in, T_out in zip(mine[:-1], mine[1:]):
            assert np.allclose(T_in, T_in[0], rtol=0, atol=1e-12)
            assert np.allclose(T_out[:, 1:], T_out[:, 1:2], rtol=0, atol=1e-12)
        assert hidden_units_symmetric(path[k])
    assert costs.shape == (31,) and np.all(np.diff(costs) <= 1e-12)  # it does learn something: the cost falls
    assert np.abs(path[-1][-1]).max() > 0  # and the weights moved


def test_training_from_random_weights_breaks_the_symmetry():
    X, y = _xor()
    start = initialize_network([2, 4, 2], rng=np.random.default_rng(1), scheme="uniform")
    path, costs = gradient_descent_path(start, X, y, 0.0, 2.0, 30)
    assert not any(hidden_units_symmetric(p) for p in path)
    assert costs[-1] < costs[0]


def test_gradient_descent_path_does_not_modify_its_start():
    start = [np.ones((2, 3)), np.ones((1, 3))]
    X, y = _xor(6)
    gradient_descent_path(start, X, np.zeros(6, dtype=int), 0.0, 1.0, 3)
    assert all(np.array_equal(t, np.ones_like(t)) for t in start)


# ---------------------------------------------------------------------------
# epsilon and uniform initialization
# ---------------------------------------------------------------------------


def test_init_epsilon_lecture_value():
    assert init_epsilon(400, 25) == pytest.approx(np.sqrt(6 / 425), rel=1e-15)
    assert round(init_epsilon(400, 25), 2) == 0.12  # the lecture's default EPSILON_INIT
    assert init_epsilon(3, 3) == pytest.approx(1.0)


@FAST
@given(st.integers(1, 5000), st.integers(1, 5000))
def test_init_epsilon_gives_xavier_variance(L_in, L_out):
    # U(-eps, eps) has variance eps^2 / 3; it must equal 2 / (L_in + L_out).
    assert init_epsilon(L_in, L_out) ** 2 / 3 == pytest.approx(2 / (L_in + L_out), rel=1e-12)


@pytest.mark.parametrize("bad", [(0, 5), (5, 0), (-1, 3), (2.5, 3)])
def test_init_epsilon_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="L_in|L_out"):
        init_epsilon(*bad)


def test_rand_initialize_weights_shape_range_and_law():
    W = rand_initialize_weights(400, 25, rng=np.random.default_rng(0))
    assert W.shape == (25, 401)
    assert W.min() >= -0.12 and W.max() <= 0.12
    assert ks_ok(W, scipy.stats.uniform(loc=-0.12, scale=0.24).cdf)
    assert ks_ok(W[:, 0], scipy.stats.uniform(loc=-0.12, scale=0.24).cdf)  # the bias column too
    # n = 10025 draws: P(every entry below 0.99 eps) = 0.995^10025 ~ e^-50, so the extremes reach the ends.
    assert W.min() < -0.99 * 0.12 and W.max() > 0.99 * 0.12


def test_rand_initialize_weights_epsilon_argument():
    W = rand_initialize_weights(30, 20, rng=np.random.default_rng(1), epsilon_init=2.0)
    assert np.abs(W).max() <= 2.0
    assert ks_ok(W, scipy.stats.uniform(loc=-2.0, scale=4.0).cdf)
    with pytest.raises(ValueError, match="epsilon_init"):
        rand_initialize_weights(3, 2, rng=np.random.default_rng(1), epsilon_init=0.0)


def test_random_functions_need_a_keyword_generator():
    with pytest.raises(TypeError):
        rand_initialize_weights(3, 2, np.random.default_rng(0))  # rng is keyword-only
    for fn in (rand_initialize_weights, xavier_initialize, he_initialize):
        with pytest.raises(TypeError, match="rng"):
            fn(3, 2, rng=0)


@pytest.mark.parametrize("fn", [rand_initialize_weights, xavier_initialize, he_initialize])
def test_random_functions_use_only_rng(fn):
    state = np.random.get_state()[1].copy()
    a = fn(20, 7, rng=np.random.default_rng(5))
    b = fn(20, 7, rng=np.random.default_rng(5))
    c = fn(20, 7, rng=np.random.default_rng(6))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[:, 1:], c[:, 1:])
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # the global generator is untouched


@FAST
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1), st.floats(1e-3, 10.0))
def test_rand_initialize_weights_properties(L_in, L_out, seed, eps):
    W = rand_initialize_weights(L_in, L_out, rng=np.random.default_rng(seed), epsilon_init=eps)
    assert W.shape == (L_out, L_in + 1)
    assert np.all(np.abs(W) <= eps)
    np.testing.assert_array_equal(W, rand_initialize_weights(L_in, L_out, rng=np.random.default_rng(seed),
                                                              epsilon_init=eps))


# ---------------------------------------------------------------------------
# Xavier and He
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fn, sigma", [(xavier_initialize, lambda i, o: np.sqrt(2 / (i + o))),
                                       (he_initialize, lambda i, o: np.sqrt(2 / i))])
@pytest.mark.parametrize("L_in, L_out", [(400, 25), (25, 400), (100, 100)])
def test_normal_schemes_have_the_published_variance(fn, sigma, L_in, L_out):
    W = fn(L_in, L_out, rng=np.random.default_rng(L_in * 7 + L_out))
    assert W.shape == (L_out, L_in + 1)
    assert not W[:, 0].any()  # biases start at 0
    s = sigma(L_in, L_out)
    assert variance_ok(W[:, 1:], s)
    assert ks_ok(W[:, 1:], scipy.stats.norm(0.0, s).cdf)


def test_he_and_xavier_use_the_right_fan():
    # With L_in = 400 and L_out = 25 the candidate standard deviations are far apart.
    he = he_initialize(400, 25, rng=np.random.default_rng(2))[:, 1:]
    xa = xavier_initialize(400, 25, rng=np.random.default_rng(2))[:, 1:]
    assert not variance_ok(he, np.sqrt(2 / 25))         # fan-out instead of fan-in
    assert not variance_ok(xa, np.sqrt(1 / 400))        # LeCun's 1/L_in


@FAST
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_normal_schemes_shapes_and_reproducibility(L_in, L_out, seed):
    for fn in (xavier_initialize, he_initialize):
        W = fn(L_in, L_out, rng=np.random.default_rng(seed))
        assert W.shape == (L_out, L_in + 1) and not W[:, 0].any()
        np.testing.assert_array_equal(W, fn(L_in, L_out, rng=np.random.default_rng(seed)))


# ---------------------------------------------------------------------------
# initialize_network
# ---------------------------------------------------------------------------


def test_initialize_network_schemes():
    sizes = [300, 60, 40, 10]
    shapes = [(60, 301), (40, 61), (10, 41)]
    zeros = initialize_network(sizes, rng=np.random.default_rng(0), scheme="zeros")
    assert [t.shape for t in zeros] == shapes and not any(t.any() for t in zeros)
    uni = initialize_network(sizes, rng=np.random.default_rng(0), scheme="uniform")
    for T, (L_in, L_out) in zip(uni, [(300, 60), (60, 40), (40, 10)]):
        eps = np.sqrt(6) / np.sqrt(L_in + L_out)  # not the default 0.12
        assert np.abs(T).max() <= eps
        assert ks_ok(T, scipy.stats.uniform(loc=-eps, scale=2 * eps).cdf)
    for scheme, sigma in [("xavier", lambda i, o: np.sqrt(2 / (i + o))), ("he", lambda i, o: np.sqrt(2 / i))]:
        thetas = initialize_network(sizes, rng=np.random.default_rng(1), scheme=scheme)
        assert [t.shape for t in thetas] == shapes
        for T, (L_in, L_out) in zip(thetas, [(300, 60), (60, 40), (40, 10)]):
            assert not T[:, 0].any()
            assert variance_ok(T[:, 1:], sigma(L_in, L_out))


def test_initialize_network_draws_the_layers_in_order_from_one_rng():
    rng = np.random.default_rng(4)
    expected = [he_initialize(5, 4, rng=rng), he_initialize(4, 3, rng=rng)]
    for T, E in zip(initialize_network([5, 4, 3], rng=np.random.default_rng(4), scheme="he"), expected):
        np.testing.assert_array_equal(T, E)


def test_initialize_network_rejects_unknown_schemes():
    with pytest.raises(ValueError, match=r"scheme.*'normal'"):
        initialize_network([3, 2], rng=np.random.default_rng(0), scheme="normal")


# ---------------------------------------------------------------------------
# layer_activation_stats
# ---------------------------------------------------------------------------


def my_hidden_activations(thetas, X, g):
    """Independent forward pass: explicit bias column, one layer at a time."""
    out, a = [], np.asarray(X, dtype=float)
    for T in thetas[:-1]:
        a = g(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)
        out.append(a)
    return out


@pytest.mark.parametrize("activation, g", [("tanh", np.tanh), ("relu", lambda z: np.where(z > 0, z, 0.0)),
                                           ("sigmoid", lambda z: 1 / (1 + np.exp(-z)))])
def test_layer_activation_stats_matches_an_independent_forward_pass(activation, g):
    rng = np.random.default_rng(8)
    thetas = [rng.normal(size=s) for s in [(6, 4), (5, 7), (4, 6), (2, 5)]]
    X = rng.normal(size=(9, 3))
    stats = layer_activation_stats(thetas, X, activation)
    acts = my_hidden_activations(thetas, X, g)
    assert len(stats) == 3  # hidden layers only: not the output layer
    for (mean, std), a in zip(stats, acts):
        assert mean == pytest.approx(a.sum() / a.size, rel=1e-12)
        assert std == pytest.approx(np.sqrt(np.sum((a - a.mean()) ** 2) / a.size), rel=1e-12)


def test_layer_activation_stats_hand_computed():
    # One hidden unit with bias 0 and weight 1: its activations are g(-1) and g(1).
    thetas = [np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])]
    X = np.array([[-1.0], [1.0]])
    ((mean, std),) = layer_activation_stats(thetas, X, "tanh")
    assert mean == pytest.approx(0.0, abs=1e-15) and std == pytest.approx(np.tanh(1.0))
    ((mean, std),) = layer_activation_stats(thetas, X, "relu")
    assert (mean, std) == (pytest.approx(0.5), pytest.approx(0.5))


def test_deep_tanh_net_collapses_with_small_weights_and_saturates_with_large_ones():
    rng = np.random.default_rng(0)
    sizes = [100] * 11 + [10]
    X = rng.normal(size=(200, 100))

    def normal(std):
        return [np.hstack([np.zeros((b, 1)), rng.normal(0, std, size=(b, a))]) for a, b in zip(sizes[:-1], sizes[1:])]

    small = layer_activation_stats(normal(0.01), X, "tanh")
    # Each layer multiplies the std by about 0.01 * sqrt(100) = 0.1: ten layers give ~1e-10.
    assert small[-1][1] < 1e-8 and small[0][1] > 1e-2
    big = normal(1.0)
    acts = my_hidden_activations(big, X, np.tanh)
    assert np.mean(np.abs(acts[-1]) > 0.9) > 0.8  # saturated: |z| of order 10
    xavier = layer_activation_stats(initialize_network(sizes, rng=rng, scheme="xavier"), X, "tanh")
    assert 0.1 < xavier[-1][1] < 0.9
    he_relu = layer_activation_stats(initialize_network(sizes, rng=rng, scheme="he"), X, "relu")
    xa_relu = layer_activation_stats(initialize_network(sizes, rng=rng, scheme="xavier"), X, "relu")
    # Xavier halves E[a^2] at every ReLU layer; He keeps it.
    assert xa_relu[-1][1] < 0.2 * he_relu[-1][1]


def test_layer_activation_stats_errors():
    with pytest.raises(ValueError, match="activation"):
        layer_activation_stats([np.zeros((2, 3)), np.zeros((1, 3))], np.zeros((4, 2)), "softplus")
    with pytest.raises(ValueError, match=r"thetas\[0\].*expected \(\?, 3\).*received \(2, 4\)"):
        layer_activation_stats([np.zeros((2, 4)), np.zeros((1, 3))], np.zeros((4, 2)), "tanh")


# ---------------------------------------------------------------------------
# Mutant catalogue: correct cells reproduce the reference, every mutant differs,
# alternatives follow the laws the lesson asks for
# ---------------------------------------------------------------------------

from solutions import initialization as reference_module  # noqa: E402
from tests.mutants import backprop_03, initialization_06  # noqa: E402


def cell_namespace():
    """The notebook's globals: lessons 01-04 public names plus lesson 06's given and graded functions."""
    namespace = backprop_03.cell_namespace()
    namespace.update({k: v for k, v in vars(reference_module).items() if not k.startswith("_")})
    return namespace


def define(code, task):
    namespace = cell_namespace()
    exec(compile(code, f"<cell {task}>", "exec"), namespace)
    return namespace[task]


def _inputs(task):
    """Seeded inputs per task as ``(args, kwargs)`` pairs (fresh generators on every call)."""
    rng = np.random.default_rng(606)
    if task == "zero_initialize":
        return [(([400, 25, 10],), {}), (([2, 3, 1],), {}), (([3, 5, 4, 2],), {})]
    if task == "hidden_units_symmetric":
        rows = np.array([[0.5, 1.0, -2.0]] * 3)
        other_bias = rows.copy()
        other_bias[1, 0] = 0.4
        tiny = [np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0 + 1e-9]]), np.ones((1, 3))]
        nets = [[rows, np.array([[0.1, 0.7, 0.7, 0.7], [-2.0, 5.0, 5.0, 5.0]])],
                [rows, np.array([[0.1, 0.7, 0.7, 0.8]])],
                [other_bias, np.array([[0.1, 0.7, 0.7, 0.7]])],
                [rows, np.array([[0.0, 1.0, 1.0, 1.0], [0.0, 2.0, 2.0, 2.0]]), np.array([[0.0, 1.0, 1.0]])],
                tiny, [rng.normal(size=(3, 3)), rng.normal(size=(2, 4))]]
        return [((net,), {}) for net in nets]
    if task == "init_epsilon":
        return [((400, 25), {}), ((3, 3), {}), ((2, 7), {})]
    if task == "rand_initialize_weights":
        return [((400, 25), {"rng": np.random.default_rng(0)}),
                ((30, 20), {"rng": np.random.default_rng(1), "epsilon_init": 2.0})]
    if task in ("xavier_initialize", "he_initialize"):
        return [((400, 25), {"rng": np.random.default_rng(2)}), ((25, 400), {"rng": np.random.default_rng(3)})]
    if task == "initialize_network":
        return [(([20, 30, 5],), {"rng": np.random.default_rng(4), "scheme": "uniform"}),
                (([200, 100, 50],), {"rng": np.random.default_rng(5), "scheme": "xavier"}),
                (([200, 100, 50],), {"rng": np.random.default_rng(6), "scheme": "he"}),
                (([3, 2],), {"rng": np.random.default_rng(7), "scheme": "normal"})]
    if task == "layer_activation_stats":
        out = []
        for sizes, act in [([3, 5, 4, 2], "tanh"), ([4, 6, 5, 3], "relu"), ([2, 4, 4, 2], "sigmoid")]:
            thetas = [rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]
            out.append(((thetas, rng.normal(size=(7, sizes[0])), act), {}))
        out.append((([np.ones((2, 3)), np.ones((1, 3))], np.ones((4, 2)), "softplus"), {}))
        return out
    raise KeyError(task)


def test_catalogue_covers_every_graded_function_three_times():
    counts = {task: 0 for task in initialization_06.CORRECT_CELLS}
    for mutant in initialization_06.MUTANTS:
        counts[mutant.task] += 1
        assert mutant.words, mutant.mistake
        re.compile(mutant.words)
    assert min(counts.values()) >= 3, counts
    assert sorted({m.task for m in initialization_06.ALTERNATIVES}) == sorted(initialization_06.CORRECT_CELLS)


@pytest.mark.parametrize("mutant", initialization_06.MUTANTS + initialization_06.ALTERNATIVES,
                         ids=lambda m: f"{m.task}: {m.mistake}")
def test_cell_is_one_plain_def(mutant):
    tree = ast.parse(mutant.code)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    assert tree.body[0].name == mutant.task
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


@pytest.mark.parametrize("task", sorted(initialization_06.CORRECT_CELLS))
def test_correct_cell_matches_reference(task):
    cell = define(initialization_06.CORRECT_CELLS[task], task)
    reference = getattr(reference_module, task)
    for (args, kwargs), (args2, kwargs2) in zip(_inputs(task), _inputs(task)):
        expected = backprop_03.outcome(reference, args, kwargs)
        received = backprop_03.outcome(cell, args2, kwargs2)
        assert expected[0] == received[0], (task, args, kwargs)
        assert expected[0] == "raises" or backprop_03.same(expected[1], received[1]), (task, args, kwargs)


@pytest.mark.parametrize("mutant", initialization_06.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_differs_from_reference(mutant):
    cell = define(mutant.code, mutant.task)
    reference = getattr(reference_module, mutant.task)
    for (args, kwargs), (args2, kwargs2) in zip(_inputs(mutant.task), _inputs(mutant.task)):
        kind, expected = backprop_03.outcome(reference, args, kwargs)
        received_kind, received = backprop_03.outcome(cell, args2, kwargs2)
        if received_kind == "value" and (kind == "raises" or not backprop_03.same(expected, received)):
            return
    pytest.fail(f"mutant gives the reference's results (or only crashes): {mutant.mistake}")


@pytest.mark.parametrize("alternative", initialization_06.ALTERNATIVES, ids=lambda m: f"{m.task}: {m.mistake}")
def test_alternative_is_correct(alternative):
    task = alternative.task
    cell = define(alternative.code, task)
    if task in ("zero_initialize", "hidden_units_symmetric", "init_epsilon", "layer_activation_stats"):
        for (args, kwargs), (args2, kwargs2) in zip(_inputs(task), _inputs(task)):
            kind, expected = backprop_03.outcome(getattr(reference_module, task), args, kwargs)
            received_kind, received = backprop_03.outcome(cell, args2, kwargs2)
            assert kind == received_kind
            if kind == "value" and task == "layer_activation_stats":  # an array of (mean, std) rows is fine
                received = [tuple(row) for row in received]
            assert kind == "raises" or backprop_03.same(expected, received), (task, args)
        return
    if task == "rand_initialize_weights":
        W = cell(400, 25, rng=np.random.default_rng(9))
        assert W.shape == (25, 401) and np.abs(W).max() <= 0.12
        assert ks_ok(W, scipy.stats.uniform(loc=-0.12, scale=0.24).cdf)
    elif task in ("xavier_initialize", "he_initialize"):
        for L_in, L_out in [(400, 25), (25, 400)]:
            W = cell(L_in, L_out, rng=np.random.default_rng(9))
            sigma = np.sqrt(2 / (L_in + L_out)) if task == "xavier_initialize" else np.sqrt(2 / L_in)
            assert W.shape == (L_out, L_in + 1) and not W[:, 0].any()
            assert variance_ok(W[:, 1:], sigma) and ks_ok(W[:, 1:], scipy.stats.norm(0, sigma).cdf)
    else:  # initialize_network: same draws as the reference, which calls the same layer functions in order
        for (args, kwargs), (args2, kwargs2) in zip(_inputs(task), _inputs(task)):
            kind, expected = backprop_03.outcome(reference_module.initialize_network, args, kwargs)
            received_kind, received = backprop_03.outcome(cell, args2, kwargs2)
            assert kind == received_kind and (kind == "raises" or backprop_03.same(expected, received))
    draws = [cell(7, 5, rng=np.random.default_rng(s)) if task != "initialize_network"
             else cell([7, 5], rng=np.random.default_rng(s), scheme="he")[0] for s in (1, 1, 2)]
    assert np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[0], draws[2])

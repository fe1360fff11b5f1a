"""Tests of the lesson 07 reference (solutions/optimizers.py).

Expected values come from independently written updates (scalar loops with
``math``, closed forms for a constant gradient, the look-ahead
reparametrization of Nesterov), scikit-learn's own optimizers
(``sklearn.neural_network._stochastic_optimizers``: SGD with momentum and
Nesterov, Adam) and batch layout (``sklearn.utils.gen_batches``), the
closed-form minimizer of a quadratic (``np.linalg.solve``) and hand-made
validation curves.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer
from sklearn.utils import gen_batches

from solutions.optimizers import (adagrad, adam, decayed_learning_rate, early_stopping_epoch, minibatches,
                                  momentum, nesterov, rmsprop, sgd)

FAST = settings(max_examples=60, deadline=None)
#: Same formula, different order of floating-point operations: ~1e-16 relative.
TIGHT = dict(rtol=1e-12, atol=1e-14)


def problem(seed=0, shape=(3, 4)):
    """A parameter array, a gradient and non-negative state arrays of one shape."""
    rng = np.random.default_rng(seed)
    theta, grad, state = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
    return theta, grad, state, np.abs(rng.normal(size=shape))


def ill_conditioned(cond=50.0):
    """``J = theta^T A theta / 2 - b^T theta`` with eigenvalues 1 and ``cond``, axes rotated by 30 degrees."""
    c, s = math.cos(math.pi / 6), math.sin(math.pi / 6)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([1.0, cond]) @ R.T
    b = np.array([1.0, -2.0])
    return A, b


def elementwise(fn, *arrays):
    """Apply a scalar update ``fn`` to every entry of equally shaped arrays (a plain loop)."""
    flat = [np.asarray(a, dtype=float).ravel().tolist() for a in arrays]
    out = [fn(*vals) for vals in zip(*flat)]
    shape = np.shape(arrays[0])
    return [np.array(col).reshape(shape) for col in zip(*out)]


# ---------------------------------------------------------------------------
# Each rule against an independently written update
# ---------------------------------------------------------------------------


def test_sgd_is_theta_minus_lr_grad():
    np.testing.assert_allclose(sgd([1.0, 2.0], [0.5, -1.0], 0.1), [0.95, 2.1], **TIGHT)
    theta, grad, _, _ = problem(1)
    (expected,) = elementwise(lambda th, g: (th - 0.3 * g,), theta, grad)
    np.testing.assert_allclose(sgd(theta, grad, 0.3), expected, **TIGHT)


def test_momentum_matches_a_scalar_loop():
    theta, grad, velocity, _ = problem(2)
    exp_theta, exp_v = elementwise(lambda th, g, v: (th - (0.8 * v + 0.05 * g), 0.8 * v + 0.05 * g),
                                   theta, grad, velocity)
    got_theta, got_v = momentum(theta, grad, velocity, lr=0.05, rho=0.8)
    np.testing.assert_allclose(got_theta, exp_theta, **TIGHT)
    np.testing.assert_allclose(got_v, exp_v, **TIGHT)


def test_momentum_with_a_constant_gradient_follows_the_geometric_series():
    # v_t = lr g (1 + rho + ... + rho^(t-1)); theta_t = theta_0 - sum_{k<=t} v_k.
    lr, rho, g, steps = 0.1, 0.9, np.array([2.0, -1.0]), 25
    theta, v = np.zeros(2), np.zeros(2)
    for _ in range(steps):
        theta, v = momentum(theta, g, v, lr=lr, rho=rho)
    v_expected = lr * g * (1 - rho ** steps) / (1 - rho)
    moved = sum(lr * g * (1 - rho ** k) / (1 - rho) for k in range(1, steps + 1))
    np.testing.assert_allclose(v, v_expected, rtol=1e-12)
    np.testing.assert_allclose(theta, -moved, rtol=1e-12)


def test_momentum_with_rho_zero_is_sgd():
    theta, grad, velocity, _ = problem(3)
    np.testing.assert_allclose(momentum(theta, grad, velocity, lr=0.2, rho=0.0)[0], sgd(theta, grad, 0.2), **TIGHT)


def test_nesterov_takes_the_gradient_at_the_lookahead_point():
    theta, _, velocity, _ = problem(4, shape=(3,))
    seen = []

    def grad_fn(point):
        seen.append(np.array(point))
        return 2.0 * point

    new_theta, new_v = nesterov(theta, grad_fn, velocity, lr=0.1, rho=0.7)
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], theta - 0.7 * velocity, **TIGHT)  # not theta, not theta + rho v
    np.testing.assert_allclose(new_v, 0.7 * velocity + 0.1 * 2.0 * (theta - 0.7 * velocity), **TIGHT)
    np.testing.assert_allclose(new_theta, theta - new_v, **TIGHT)


def test_nesterov_matches_the_lookahead_reparametrization():
    # With phi = theta - rho v (the point where the gradient is taken):
    # phi_new = phi - lr g(phi) - rho v_new  (Sutskever et al. 2013; Bengio et al. 2012).
    A, b = ill_conditioned()
    lr, rho = 0.02, 0.9
    theta, v = np.array([3.0, -4.0]), np.zeros(2)
    phi, w = theta.copy(), np.zeros(2)
    for _ in range(40):
        theta, v = nesterov(theta, lambda p: A @ p - b, v, lr=lr, rho=rho)
        g = A @ phi - b
        w = rho * w + lr * g
        phi = phi - lr * g - rho * w
        np.testing.assert_allclose(theta - rho * v, phi, rtol=1e-10, atol=1e-12)


def test_momentum_and_nesterov_agree_with_scikit_learn():
    # sklearn keeps u = -v (it adds its velocity) and, for Nesterov, stores the
    # look-ahead point theta - rho v as the parameters.
    A, b = ill_conditioned()
    lr, rho = 0.015, 0.85
    for nest in (False, True):
        sk_params = [np.array([2.0, 1.0])]
        sk = SGDOptimizer(sk_params, learning_rate_init=lr, lr_schedule="constant", momentum=rho, nesterov=nest)
        theta, v = np.array([2.0, 1.0]), np.zeros(2)
        for _ in range(30):
            if nest:
                theta, v = nesterov(theta, lambda p: A @ p - b, v, lr=lr, rho=rho)
                ours = theta - rho * v
            else:
                theta, v = momentum(theta, A @ theta - b, v, lr=lr, rho=rho)
                ours = theta
            sk.update_params(sk_params, [A @ sk_params[0] - b])
            np.testing.assert_allclose(ours, sk_params[0], rtol=1e-10, atol=1e-12)


def test_adagrad_matches_a_scalar_loop():
    theta, grad, _, cache = problem(5)

    def step(th, g, c):
        c = c + g * g
        return th - 0.05 * g / (math.sqrt(c) + 1e-7), c

    exp_theta, exp_cache = elementwise(step, theta, grad, cache)
    got_theta, got_cache = adagrad(theta, grad, cache, lr=0.05)
    np.testing.assert_allclose(got_theta, exp_theta, **TIGHT)
    np.testing.assert_allclose(got_cache, exp_cache, **TIGHT)


def test_adagrad_step_shrinks_like_one_over_sqrt_t():
    # Constant gradient g: cache_t = t g^2, so step t moves by lr |g| / (sqrt(t) |g| + eps).
    g, lr, eps = np.array([3.0, -0.5]), 0.2, 1e-7
    theta, cache = np.zeros(2), np.zeros(2)
    for t in range(1, 31):
        new, cache = adagrad(theta, g, cache, lr=lr, eps=eps)
        np.testing.assert_allclose(theta - new, lr * g / (math.sqrt(t) * np.abs(g) + eps), rtol=1e-12)
        theta = new
    np.testing.assert_allclose(cache, 30 * g ** 2, rtol=1e-12)


def test_rmsprop_matches_a_scalar_loop():
    theta, grad, _, cache = problem(6)

    def step(th, g, c):
        c = 0.95 * c + 0.05 * g * g
        return th - 0.01 * g / (math.sqrt(c) + 1e-6), c

    exp_theta, exp_cache = elementwise(step, theta, grad, cache)
    got_theta, got_cache = rmsprop(theta, grad, cache, lr=0.01, decay=0.95, eps=1e-6)
    np.testing.assert_allclose(got_theta, exp_theta, **TIGHT)
    np.testing.assert_allclose(got_cache, exp_cache, **TIGHT)


def test_rmsprop_cache_forgets_old_gradients():
    # Constant g from zero: cache_t = (1 - decay^t) g^2, which tends to g^2 (AdaGrad's grows without bound).
    g, decay = np.array([2.0, -0.1]), 0.9
    theta, cache = np.zeros(2), np.zeros(2)
    for _ in range(12):
        theta, cache = rmsprop(theta, g, cache, lr=0.01, decay=decay)
    np.testing.assert_allclose(cache, (1 - decay ** 12) * g ** 2, rtol=1e-12)


def test_adam_matches_a_scalar_loop_with_t_counted_from_one():
    theta, grad, m, v = problem(7)
    for t in (1, 2, 10, 1000):
        def step(th, g, m_, v_):
            m_ = 0.8 * m_ + 0.2 * g
            v_ = 0.99 * v_ + 0.01 * g * g
            m_hat, v_hat = m_ / (1 - 0.8 ** t), v_ / (1 - 0.99 ** t)
            return th - 0.003 * m_hat / (math.sqrt(v_hat) + 1e-8), m_, v_

        expected = elementwise(step, theta, grad, m, v)
        got = adam(theta, grad, m, v, t, lr=0.003, beta1=0.8, beta2=0.99, eps=1e-8)
        for e, r in zip(expected, got):
            np.testing.assert_allclose(r, e, **TIGHT)


def test_adam_first_step_moves_every_parameter_by_about_lr():
    # t = 1, m = v = 0: m_hat = g and v_hat = g^2, so the step is lr g / (|g| + eps) ~ lr sign(g),
    # whatever the size of the gradient.
    g = np.array([1e-3, -5.0, 200.0, -0.02])
    lr, eps = 0.01, 1e-7
    new, m, v = adam(np.zeros(4), g, np.zeros(4), np.zeros(4), 1, lr=lr, eps=eps)
    np.testing.assert_allclose(new, -lr * g / (np.abs(g) + eps), rtol=1e-12)
    np.testing.assert_allclose(new, -lr * np.sign(g), rtol=1e-3)
    np.testing.assert_allclose(m, 0.1 * g, rtol=1e-12)
    np.testing.assert_allclose(v, 0.001 * g ** 2, rtol=1e-12)
    # Without the bias correction the first step would be (1 - b1)/sqrt(1 - b2) ~ 3.2 times lr.
    biased = 0.1 * g / (np.sqrt(0.001 * g ** 2) + eps)
    assert np.all(np.abs(biased) > 3 * np.abs(new / lr))


def test_adam_with_a_constant_gradient_always_steps_lr_sign_g():
    g, lr = np.array([0.3, -7.0]), 0.05
    theta, m, v = np.zeros(2), np.zeros(2), np.zeros(2)
    for t in range(1, 21):
        new, m, v = adam(theta, g, m, v, t, lr=lr, eps=0.0)
        np.testing.assert_allclose(theta - new, lr * np.sign(g), rtol=1e-10)
        theta = new


def test_adam_adds_eps_after_the_square_root():
    # A zero second moment is where the two placements differ most: g/(sqrt(v) + eps) vs g/sqrt(v + eps).
    theta, g = np.zeros(1), np.array([1e-6])
    new, _, _ = adam(theta, g, np.zeros(1), np.zeros(1), 1, lr=1.0, eps=1e-7)
    np.testing.assert_allclose(-new, 1e-6 / (1e-6 + 1e-7), rtol=1e-12)
    assert not np.isclose(-new[0], 1e-6 / math.sqrt(1e-12 + 1e-7), rtol=1e-3)


def test_adam_rejects_t_zero():
    with pytest.raises(ValueError, match=r"t must be an integer >= 1"):
        adam(np.zeros(2), np.ones(2), np.zeros(2), np.zeros(2), 0)


def test_adam_agrees_with_scikit_learn():
    # sklearn folds the bias correction into the rate: lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps),
    # which equals ours exactly when eps = 0.
    A, b = ill_conditioned()
    sk_params = [np.array([1.5, -0.5])]
    sk = AdamOptimizer(sk_params, learning_rate_init=0.05, beta_1=0.85, beta_2=0.995, epsilon=0.0)
    theta, m, v = sk_params[0].copy(), np.zeros(2), np.zeros(2)
    for t in range(1, 41):
        theta, m, v = adam(theta, A @ theta - b, m, v, t, lr=0.05, beta1=0.85, beta2=0.995, eps=0.0)
        sk.update_params(sk_params, [A @ sk_params[0] - b])
        np.testing.assert_allclose(theta, sk_params[0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("rule", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_rules_do_not_modify_their_inputs(rule):
    theta, grad, state, cache = problem(8)
    inputs = [a.copy() for a in (theta, grad, state, cache)]
    if rule == "sgd":
        sgd(theta, grad, 0.1)
    elif rule == "momentum":
        momentum(theta, grad, state)
    elif rule == "nesterov":
        nesterov(theta, lambda p: 3.0 * p, state)
    elif rule == "adagrad":
        adagrad(theta, grad, cache)
    elif rule == "rmsprop":
        rmsprop(theta, grad, cache)
    else:
        adam(theta, grad, state, cache, 3)
    for before, after in zip(inputs, (theta, grad, state, cache)):
        np.testing.assert_array_equal(before, after)


def test_rules_accept_lists():
    new, v = momentum([1.0, 2.0], [1.0, 1.0], [0.0, 0.0], lr=0.5, rho=0.9)
    np.testing.assert_allclose(new, [0.5, 1.5], **TIGHT)
    np.testing.assert_allclose(v, [0.5, 0.5], **TIGHT)


# ---------------------------------------------------------------------------
# Convergence on an ill-conditioned quadratic (minimizer from np.linalg.solve)
# ---------------------------------------------------------------------------


def run(rule, steps, theta0=(4.0, 3.0)):
    """Apply ``rule(theta, grad_fn, state, t) -> (theta, state)`` for ``steps`` steps on the quadratic."""
    A, b = ill_conditioned()
    theta, state = np.array(theta0), None
    for t in range(1, steps + 1):
        theta, state = rule(theta, lambda p: A @ p - b, state, t)
    return theta


def test_every_rule_reaches_the_closed_form_minimizer():
    A, b = ill_conditioned()
    target = np.linalg.solve(A, b)
    zero = np.zeros(2)
    rules = {
        # lr < 2 / lambda_max = 0.04 is the stability limit of gradient descent here.
        "sgd": (lambda th, f, s, t: (sgd(th, f(th), 0.035), None), 1500),
        "momentum": (lambda th, f, s, t: momentum(th, f(th), zero if s is None else s, lr=0.02, rho=0.8), 400),
        "nesterov": (lambda th, f, s, t: nesterov(th, f, zero if s is None else s, lr=0.02, rho=0.8), 400),
        "adagrad": (lambda th, f, s, t: adagrad(th, f(th), zero if s is None else s, lr=1.0), 3000),
        # Adam and RMSProp with a constant rate hover within ~lr of the minimum: decay the rate.
        "rmsprop": (lambda th, f, s, t: rmsprop(th, f(th), zero if s is None else s,
                                                lr=decayed_learning_rate(0.1, t - 1), decay=0.9), 4000),
        "adam": (lambda th, f, s, t: (lambda out: (out[0], out[1:]))(
            adam(th, f(th), *((zero, zero) if s is None else s), t, lr=decayed_learning_rate(0.2, t - 1))), 4000),
    }
    for name, (rule, steps) in rules.items():
        np.testing.assert_allclose(run(rule, steps), target, atol=1e-3, err_msg=name)


def test_momentum_needs_fewer_steps_than_gradient_descent_on_an_ill_conditioned_quadratic():
    A, b = ill_conditioned()
    target = np.linalg.solve(A, b)
    zero = np.zeros(2)
    gd = run(lambda th, f, s, t: (sgd(th, f(th), 0.02), None), 100)
    mom = run(lambda th, f, s, t: momentum(th, f(th), zero if s is None else s, lr=0.02, rho=0.8), 100)
    nag = run(lambda th, f, s, t: nesterov(th, f, zero if s is None else s, lr=0.02, rho=0.8), 100)
    gd_err, mom_err, nag_err = (np.linalg.norm(x - target) for x in (gd, mom, nag))
    assert mom_err < gd_err / 10 and nag_err < gd_err / 10, (gd_err, mom_err, nag_err)


# ---------------------------------------------------------------------------
# Learning-rate decay
# ---------------------------------------------------------------------------


def test_decayed_learning_rate_follows_the_lecture():
    assert decayed_learning_rate(0.1, 0) == pytest.approx(0.1, rel=1e-15)
    assert decayed_learning_rate(0.1, 3) == pytest.approx(0.05, rel=1e-15)
    assert decayed_learning_rate(2.0, 99) == pytest.approx(0.2, rel=1e-15)
    np.testing.assert_allclose(decayed_learning_rate(1.0, np.arange(4)), [1 / math.sqrt(k) for k in (1, 2, 3, 4)])


def test_decayed_learning_rate_rejects_bad_input():
    with pytest.raises(ValueError, match="t must be >= 0"):
        decayed_learning_rate(0.1, -1)
    with pytest.raises(ValueError, match="alpha"):
        decayed_learning_rate(0.0, 1)


# ---------------------------------------------------------------------------
# Minibatches
# ---------------------------------------------------------------------------


@FAST
@given(st.integers(1, 300), st.integers(1, 64), st.integers(0, 2**32 - 1))
def test_minibatches_cover_every_index_exactly_once(m, batch_size, seed):
    batches = minibatches(m, batch_size, rng=np.random.default_rng(seed))
    joined = np.concatenate(batches)
    assert joined.dtype.kind in "iu"
    np.testing.assert_array_equal(np.sort(joined), np.arange(m))
    # Same sizes as scikit-learn's gen_batches: full batches, then the remainder.
    assert [len(b) for b in batches] == [s.stop - s.start for s in gen_batches(m, batch_size)]


def test_minibatches_depend_only_on_rng():
    np.random.seed(1)
    first = minibatches(50, 8, rng=np.random.default_rng(123))
    np.random.seed(2)  # the global state must not matter
    second = minibatches(50, 8, rng=np.random.default_rng(123))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    other = minibatches(50, 8, rng=np.random.default_rng(124))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


def test_minibatches_are_shuffled_uniformly():
    # Over n = 4000 epochs, index 0 lands in the first batch of 10 (of m = 40) with p = 1/4;
    # 6 standard errors, 6 sqrt(p (1 - p) / n) ~ 0.04, bound the frequency.
    n, m, size = 4000, 40, 10
    rng = np.random.default_rng(7)
    hits = sum(0 in minibatches(m, size, rng=rng)[0] for _ in range(n))
    p = size / m
    assert abs(hits / n - p) < 6 * math.sqrt(p * (1 - p) / n)
    # and the epochs differ from one another (a reused permutation would not)
    assert not np.array_equal(minibatches(m, size, rng=rng)[0], minibatches(m, size, rng=rng)[0])


def test_minibatches_reject_bad_input():
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(10, 0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        minibatches(10, 2, rng=0)


# ---------------------------------------------------------------------------
# Early stopping on hand-made validation curves
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("losses, patience, expected", [
    ([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0], 3, 2),   # patience runs out at epoch 5: the later 2.0 is never seen
    ([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0], 4, 6),   # one more epoch of patience reaches it
    ([5.0, 4.0, 3.0, 2.0, 1.0], 1, 4),             # always improving: the last epoch
    ([1.0, 2.0, 0.5], 1, 0),                       # patience 1 stops at the first bad epoch
    ([1.0, 2.0, 0.5], 2, 2),
    ([3.0, 3.0, 3.0, 3.0], 5, 0),                  # a tie is no improvement: the first of equals
    ([2.0, 1.0, 1.0, 1.0, 0.9], 2, 1),             # two ties in a row use up patience 2
    ([2.0, 1.0, 1.0, 1.0, 0.9], 3, 4),
    ([7.0], 3, 0),
])
def test_early_stopping_on_hand_made_curves(losses, patience, expected):
    assert early_stopping_epoch(losses, patience) == expected


def test_early_stopping_matches_an_independent_counter():
    # Counter form (as in Keras' EarlyStopping with min_delta = 0): wait resets on improvement.
    rng = np.random.default_rng(11)
    for _ in range(300):
        losses = np.cumsum(rng.normal(0.0, 1.0, size=rng.integers(1, 30)))
        patience = int(rng.integers(1, 6))
        best_loss, best, wait = math.inf, 0, 0
        for epoch, loss in enumerate(losses):
            if loss < best_loss:
                best_loss, best, wait = loss, epoch, 0
            else:
                wait += 1
                if wait >= patience:
                    break
        assert early_stopping_epoch(losses, patience) == best


def test_early_stopping_rejects_bad_input():
    with pytest.raises(ValueError, match="patience"):
        early_stopping_epoch([1.0, 2.0], 0)
    with pytest.raises(ValueError, match=r"val_losses.*\(0,\)"):
        early_stopping_epoch([], 2)


# ---------------------------------------------------------------------------
# Errors on bad shapes name the argument, the expected and the received shape
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("call, name", [
    (lambda: sgd(np.zeros(3), np.zeros(2), 0.1), "grad"),
    (lambda: momentum(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros(4)), "velocity"),
    (lambda: nesterov(np.zeros(3), lambda p: np.zeros(2), np.zeros(3)), r"grad_fn"),
    (lambda: adagrad(np.zeros(3), np.zeros(3), np.zeros(2)), "cache"),
    (lambda: rmsprop(np.zeros(3), np.zeros(3), np.zeros((3, 1))), "cache"),
    (lambda: adam(np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(2), 1), "v"),
])
def test_shape_errors_name_the_argument_and_both_shapes(call, name):
    with pytest.raises(ValueError, match=rf"{name}.*expected \(.*received \("):
        call()


def test_hyperparameters_are_checked():
    with pytest.raises(ValueError, match="rho"):
        momentum(np.zeros(2), np.zeros(2), np.zeros(2), rho=1.0)
    with pytest.raises(ValueError, match="decay"):
        rmsprop(np.zeros(2), np.zeros(2), np.zeros(2), decay=-0.1)
    with pytest.raises(ValueError, match="beta2"):
        adam(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), 1, beta2=1.5)
    with pytest.raises(ValueError, match="lr"):
        sgd(np.zeros(2), np.zeros(2), -0.1)


# ---------------------------------------------------------------------------
# Mutant catalogue: correct cells and alternatives agree with the reference, every mutant differs
# ---------------------------------------------------------------------------

import ast  # noqa: E402
import re  # noqa: E402

from autograder.problems import QuadraticGradient  # noqa: E402
from solutions import optimizers  # noqa: E402
from tests.mutants import backprop_03, optimizers_07  # noqa: E402

TASKS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "decayed_learning_rate", "minibatches",
         "early_stopping_epoch"]


def define(code, task):
    """Run a solution cell with ``np`` and the reference optimizers as the notebook's globals."""
    namespace = {"np": np, **{n: getattr(optimizers, n) for n in TASKS}}
    exec(compile(code, f"<cell {task}>", "exec"), namespace)
    return namespace[task]


def inputs(task):
    """A few seeded inputs per task, as ``(args, kwargs)`` pairs (fresh arrays every call)."""
    rng = np.random.default_rng(77)
    shapes = [(3,), (2, 3), (4,)]
    if task == "sgd":
        return [((rng.normal(size=s), rng.normal(size=s), 0.1), {}) for s in shapes]
    if task == "momentum":
        return [((rng.normal(size=s), rng.normal(size=s), rng.normal(size=s)), {"lr": 0.1, "rho": 0.8})
                for s in shapes]
    if task == "nesterov":
        out = []
        for n in (2, 3):
            M = rng.normal(size=(n, n))
            out.append(((rng.normal(size=n), QuadraticGradient(M @ M.T + np.eye(n), rng.normal(size=n)),
                         rng.normal(size=n)), {"lr": 0.1, "rho": 0.7}))
        return out
    if task in ("adagrad", "rmsprop"):
        return [((rng.normal(size=s), scale * rng.normal(size=s), scale ** 2 * rng.uniform(0.5, 2, size=s)), {})
                for s, scale in zip(shapes, (1.0, 1e-3, 1.0))]
    if task == "adam":
        return [((rng.normal(size=s), scale * rng.normal(size=s), scale * rng.normal(size=s),
                  scale ** 2 * rng.uniform(0.5, 2, size=s), t), {"lr": 0.01})
                for s, scale, t in zip(shapes, (1.0, 1e-3, 1.0), (1, 3, 50))]
    if task == "decayed_learning_rate":
        return [((0.1, t), {}) for t in (1, 3, 8)]
    if task == "minibatches":
        return [((m, b), {"rng": np.random.default_rng(seed)}) for m, b, seed in [(10, 4, 0), (12, 3, 1), (20, 5, 2)]]
    if task == "early_stopping_epoch":
        curves = [([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0], 3), ([1.0, 2.0, 0.5], 1), ([2.0, 1.0, 1.0, 1.0, 0.9], 2),
                  ([0.9, 0.7, 0.8, 0.6, 0.65, 0.66, 0.64, 0.67, 0.3, 0.2], 3), ([3.0, 2.0, 1.0], 1),
                  ([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0], 4)]
        return [((losses, p), {}) for losses, p in curves]
    raise KeyError(task)


def valid_minibatches(batches, m, batch_size):
    flat = np.concatenate(batches)
    sizes = [len(b) for b in batches]
    return np.array_equal(np.sort(flat), np.arange(m)) and sizes == [s.stop - s.start for s in gen_batches(m, batch_size)]


def test_catalogue_covers_every_graded_function_three_times():
    counts = {task: 0 for task in TASKS}
    for mutant in optimizers_07.MUTANTS:
        counts[mutant.task] += 1
    assert min(counts.values()) >= 3, counts
    assert sorted(optimizers_07.CORRECT_CELLS) == sorted(TASKS)
    assert sorted(a.task for a in optimizers_07.ALTERNATIVES) == sorted(TASKS)
    for m in optimizers_07.MUTANTS:
        assert m.words, m.mistake
        re.compile(m.words)


@pytest.mark.parametrize("mutant", optimizers_07.MUTANTS + optimizers_07.ALTERNATIVES,
                         ids=lambda m: f"{m.task}: {m.mistake}")
def test_cell_is_one_plain_def_without_imports(mutant):
    tree = ast.parse(mutant.code)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    assert tree.body[0].name == mutant.task
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


@pytest.mark.parametrize("cell", [optimizers_07.Mutant(t, "correct cell", c) for t, c in optimizers_07.CORRECT_CELLS.items()]
                         + optimizers_07.ALTERNATIVES, ids=lambda m: f"{m.task}: {m.mistake}")
def test_correct_cells_and_alternatives_match_the_reference(cell):
    func, reference = define(cell.code, cell.task), getattr(optimizers, cell.task)
    for (args, kwargs), (args2, kwargs2) in zip(inputs(cell.task), inputs(cell.task)):
        kind, expected = backprop_03.outcome(reference, args, kwargs)
        received_kind, received = backprop_03.outcome(func, args2, kwargs2)
        assert kind == received_kind == "value"
        if cell.task == "minibatches":  # any uniform shuffle from rng is correct
            assert valid_minibatches(received, *args2)
            seed = kwargs["rng"].bit_generator.seed_seq.entropy
            again = func(*args2, rng=np.random.default_rng(seed))
            assert all(np.array_equal(a, b) for a, b in zip(again, func(*args2, rng=np.random.default_rng(seed))))
        else:
            assert backprop_03.same(expected, received), (cell.task, args, kwargs)
        for before, after in zip(args, args2):  # inputs are not modified
            if isinstance(before, np.ndarray):
                np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("mutant", optimizers_07.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_differs_from_reference(mutant):
    func, reference = define(mutant.code, mutant.task), getattr(optimizers, mutant.task)
    for (args, kwargs), (args2, kwargs2) in zip(inputs(mutant.task), inputs(mutant.task)):
        snapshot = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args2]
        kind, expected = backprop_03.outcome(reference, args, kwargs)
        with np.errstate(all="ignore"):
            received_kind, received = backprop_03.outcome(func, args2, kwargs2)
        if received_kind != "value":
            continue
        if kind == "raises" or not backprop_03.same(expected, received):
            return
        if any(isinstance(a, np.ndarray) and not np.array_equal(a, s) for a, s in zip(args2, snapshot)):
            return  # right value, but an argument was modified in place
    pytest.fail(f"mutant gives the reference's results (or only crashes): {mutant.mistake}")

"""Tests of the lesson 08 reference (solutions/newton.py).

Expected values come from NumPy's polynomial roots, closed forms (quadratic
costs, the Rosenbrock Hessian, gradient descent on a quadratic), central
differences written here, an independently written per-example Hessian and
the direct (B-form) BFGS update, and scipy.optimize / scikit-learn.
"""
import numpy as np
import pytest
import scipy.optimize
from sklearn.linear_model import LogisticRegression

from autograder.problems import (LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad,
                                 QuadraticGradient, RosenbrockCostGrad)
from solutions.newton import (ARMIJO_C1, bfgs, bfgs_update, gradient_descent, logistic_gradient_hessian,
                              newton_logistic_regression, newton_minimize_1d, newton_root, numerical_hessian)

ROOT_TOL = 1e-10       # Newton's roots vs np.roots (companion-matrix eigenvalues, ~1e-13 off)
FD_TOL = 1e-6          # analytic vs central-difference derivatives (eps^2 truncation ~1e-8)
SOLVER_TOL = 1e-6      # two optimizers run to convergence on the same strictly convex cost
MINIMIZER_TOL = 1e-6   # distance of a converged run from the known minimizer


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # an identity; no overflow, no branches


def logistic_problem(m=60, n=3, seed=0, noise=1.0):
    """Overlapping classes (not separable), so the unregularized optimum is finite too."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    w = rng.normal(size=n)
    y = (X @ w + 0.3 + noise * rng.normal(size=m) > 0).astype(float)
    return X, y


def my_cost(theta, X, y, lam):
    """Regularized cross-entropy written independently of solutions/ (for scipy)."""
    z = theta[0] + X @ theta[1:]
    return (np.mean(np.logaddexp(0, z) - y * z) + lam / (2 * len(y)) * theta[1:] @ theta[1:])


def central_jacobian(fn, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = eps
        cols.append((np.asarray(fn(x + e)) - np.asarray(fn(x - e))) / (2 * eps))
    return np.stack(cols, axis=-1)


# ---------------------------------------------------------------------------
# newton_root and newton_minimize_1d
# ---------------------------------------------------------------------------

ROOT_PROBLEMS = [  # coefficients lowest degree first, starting points
    ([-2.0, 0.0, 1.0], [1.0, -3.0, 10.0]),              # x^2 - 2
    ([-6.0, 11.0, -6.0, 1.0], [0.0, 1.6, 2.4, 5.0]),      # (x-1)(x-2)(x-3)
    ([1.0, -3.0, 0.0, 1.0], [-2.5, 0.2, 2.0]),            # x^3 - 3x + 1, three real roots
    ([-5.0, 1.0, 0.0, 0.0, 0.0, 1.0], [1.0, 3.0]),        # x^5 + x - 5, one real root
]


@pytest.mark.parametrize("coeffs, starts", ROOT_PROBLEMS)
def test_newton_root_finds_a_root_of_numpy(coeffs, starts):
    real = [r.real for r in np.roots(coeffs[::-1]) if abs(r.imag) < 1e-12]
    p = Polynomial(coeffs)
    for x0 in starts:
        root, iterates = newton_root(p, p.derivative(), x0)
        assert min(abs(root - r) for r in real) < ROOT_TOL
        assert iterates[0] == x0 and iterates[-1] == root
        assert abs(iterates[-1] - iterates[-2]) < 1e-12  # stopped by tol, not max_iter
        assert len(iterates) <= 51


def test_newton_root_converges_quadratically():
    p = Polynomial([-2.0, 0.0, 1.0])
    _, iterates = newton_root(p, p.derivative(), 3.0)
    err = np.abs(iterates - np.sqrt(2))
    # e_{k+1} = e_k^2 / (2 x_k) for x^2 - 2: the error squares every step
    ok = err[1:] > 1e-12  # below that the error is round-off, not Newton's
    np.testing.assert_allclose(err[1:][ok], (err[:-1] ** 2 / (2 * iterates[:-1]))[ok], rtol=1e-6)


def test_newton_root_first_steps_by_hand():
    # x^2 - 2 from 1: 1, 3/2, 17/12, 577/408 (the Babylonian square root)
    p = Polynomial([-2.0, 0.0, 1.0])
    _, iterates = newton_root(p, p.derivative(), 1.0)
    np.testing.assert_allclose(iterates[:4], [1.0, 1.5, 17 / 12, 577 / 408], rtol=1e-15)


def test_newton_root_stops_after_max_iter():
    p = Polynomial([-2.0, 0.0, 1.0])
    root, iterates = newton_root(p, p.derivative(), 100.0, max_iter=3)
    assert len(iterates) == 4 and root == iterates[-1]


def test_newton_root_double_root_converges_linearly():
    p = Polynomial([1.0, -2.0, 1.0])  # (x - 1)^2: the error only halves every step
    _, iterates = newton_root(p, p.derivative(), 2.0, max_iter=10)
    np.testing.assert_allclose(iterates - 1, 0.5 ** np.arange(11), rtol=1e-12)


def test_newton_root_rejects_bad_input():
    p = Polynomial([1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="fprime"):
        newton_root(p, p.derivative(), 0.0)  # f'(0) = 0
    with pytest.raises(ValueError, match="x0"):
        newton_root(p, p.derivative(), [1.0, 2.0])
    with pytest.raises(ValueError, match="max_iter"):
        newton_root(p, p.derivative(), 1.0, max_iter=0)
    with pytest.raises(ValueError, match="f must be a function"):
        newton_root(3.0, p.derivative(), 1.0)


@pytest.mark.parametrize("a, b, c, x0", [(1.0, -4.0, 1.0, 10.0), (0.5, 3.0, -2.0, -7.0), (4.0, 0.0, 0.0, 1e3)])
def test_newton_minimize_1d_solves_a_quadratic_in_one_step(a, b, c, x0):
    J = Polynomial([c, b, a])
    dJ = J.derivative()
    x_min, iterates = newton_minimize_1d(dJ, dJ.derivative(), x0)
    assert iterates[1] == pytest.approx(-b / (2 * a), abs=1e-12)
    assert len(iterates) == 3  # one step to the minimum, one step of ~0 to notice
    assert x_min == pytest.approx(-b / (2 * a), abs=1e-12)


def test_newton_minimize_1d_matches_scipy_minimize_scalar():
    J = Polynomial([0.0, -3.0, 1.0, 0.0, 1.0])  # x^4 + x^2 - 3x: strictly convex
    dJ = J.derivative()
    x_min, _ = newton_minimize_1d(dJ, dJ.derivative(), -2.0)
    ref = scipy.optimize.minimize_scalar(J, bracket=(-2, 0, 2), tol=1e-12)
    assert x_min == pytest.approx(ref.x, abs=1e-7)
    assert abs(dJ(x_min)) < 1e-12


def test_newton_minimize_1d_rejects_bad_input():
    with pytest.raises(ValueError, match="d2J"):
        newton_minimize_1d(Polynomial([1.0, 1.0]), None, 0.0)


# ---------------------------------------------------------------------------
# logistic_gradient_hessian
# ---------------------------------------------------------------------------


def test_logistic_gradient_hessian_matches_finite_differences():
    X, y = logistic_problem(40, 3, seed=1)
    theta = np.random.default_rng(2).normal(size=4)
    for lam in (0.0, 2.5):
        grad, H = logistic_gradient_hessian(theta, X, y, lam)
        np.testing.assert_allclose(grad, central_jacobian(lambda t: my_cost(t, X, y, lam), theta),
                                   rtol=FD_TOL, atol=1e-9)
        numeric = central_jacobian(lambda t: logistic_gradient_hessian(t, X, y, lam)[0], theta)
        np.testing.assert_allclose(H, numeric, rtol=FD_TOL, atol=1e-9)


def test_logistic_hessian_is_the_sum_of_per_example_outer_products():
    X, y = logistic_problem(25, 4, seed=3)
    theta = np.random.default_rng(4).normal(size=5)
    lam, m = 0.8, len(y)
    expected = np.zeros((5, 5))
    for i in range(m):  # H = (1/m) sum_i h_i (1 - h_i) x_i x_i^T + (lam/m) diag(0, 1, ..., 1)
        x = np.concatenate([[1.0], X[i]])
        h = sigmoid(x @ theta)
        expected += h * (1 - h) * np.outer(x, x) / m
    expected += lam / m * np.diag([0.0, 1, 1, 1, 1])
    _, H = logistic_gradient_hessian(theta, X, y, lam)
    np.testing.assert_allclose(H, expected, rtol=1e-12, atol=1e-15)
    assert np.all(np.linalg.eigvalsh(H) > 0)


def test_logistic_hessian_does_not_regularize_the_bias():
    X, y = logistic_problem(30, 2, seed=5)
    theta = np.array([0.3, -1.0, 2.0])
    _, H0 = logistic_gradient_hessian(theta, X, y, 0.0)
    _, H3 = logistic_gradient_hessian(theta, X, y, 3.0)
    np.testing.assert_allclose(H3 - H0, np.diag([0.0, 0.1, 0.1]), atol=1e-15)  # lam/m = 3/30


def test_logistic_gradient_hessian_rejects_bad_shapes():
    X, y = logistic_problem(10, 2)
    with pytest.raises(ValueError, match=r"theta.*expected \(3,\).*received \(2,\)"):
        logistic_gradient_hessian(np.zeros(2), X, y, 0.0)
    with pytest.raises(ValueError, match="lam"):
        logistic_gradient_hessian(np.zeros(3), X, y, -1.0)


# ---------------------------------------------------------------------------
# newton_logistic_regression
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [0.0, 1.0, 10.0])
def test_newton_logistic_regression_matches_scipy(lam):
    X, y = logistic_problem(80, 3, seed=6)
    theta, costs = newton_logistic_regression(X, y, lam, 15)
    ref = scipy.optimize.minimize(my_cost, np.zeros(4), args=(X, y, lam), method="BFGS",
                                  options={"gtol": 1e-10})
    np.testing.assert_allclose(theta, ref.x, rtol=SOLVER_TOL, atol=SOLVER_TOL)
    assert costs[-1] == pytest.approx(my_cost(ref.x, X, y, lam), rel=1e-10)


@pytest.mark.parametrize("lam", [0.5, 4.0])
def test_newton_logistic_regression_matches_sklearn(lam):
    # sklearn minimizes C * sum_i loss_i + ||w||^2 / 2 with the intercept unpenalized:
    # our m * J = sum_i loss_i + lam/2 ||w||^2, the same minimizer for C = 1/lam.
    X, y = logistic_problem(120, 4, seed=7)
    theta, _ = newton_logistic_regression(X, y, lam, 20)
    clf = LogisticRegression(C=1.0 / lam, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(theta, np.concatenate([clf.intercept_, clf.coef_[0]]),
                               rtol=SOLVER_TOL, atol=SOLVER_TOL)


def test_newton_logistic_regression_costs():
    X, y = logistic_problem(50, 2, seed=8)
    theta, costs = newton_logistic_regression(X, y, 1.0, 6)
    assert costs.shape == (7,)
    assert costs[0] == pytest.approx(np.log(2), rel=1e-14)  # theta = 0: h = 1/2 everywhere
    assert costs[-1] == pytest.approx(my_cost(theta, X, y, 1.0), rel=1e-12)
    assert np.all(np.diff(costs) <= 1e-15)
    gaps = costs[:-1] - costs[-1]
    assert gaps[5] < 1e-12 * gaps[0]  # quadratic convergence: a handful of steps suffice
    theta0, costs0 = newton_logistic_regression(X, y, 1.0, 0)
    np.testing.assert_array_equal(theta0, np.zeros(3))
    assert costs0.shape == (1,)


# ---------------------------------------------------------------------------
# gradient_descent
# ---------------------------------------------------------------------------


def test_gradient_descent_on_a_quadratic_follows_the_closed_form():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    theta_star = np.linalg.solve(A, b)
    theta0 = np.array([2.0, 2.0])
    lr, iters = 0.2, 30
    theta, costs = gradient_descent(QuadraticCostGrad(A, b), theta0, lr, iters)
    step = np.eye(2) - lr * A  # theta_k - theta* = (I - lr A)^k (theta_0 - theta*)
    path = [theta_star + np.linalg.matrix_power(step, k) @ (theta0 - theta_star) for k in range(iters + 1)]
    np.testing.assert_allclose(theta, path[-1], rtol=1e-12)
    np.testing.assert_allclose(costs, [0.5 * t @ A @ t - b @ t for t in path], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(theta0, [2.0, 2.0])


def test_gradient_descent_matches_a_hand_loop_on_logistic_regression():
    X, y = logistic_problem(30, 2, seed=9)
    cost_grad = LogisticCostGrad(X, y, 0.5)
    theta, costs = gradient_descent(cost_grad, np.zeros(3), 0.5, 5)
    t = np.zeros(3)
    for _ in range(5):
        t = t - 0.5 * central_jacobian(lambda v: my_cost(v, X, y, 0.5), t)
    np.testing.assert_allclose(theta, t, rtol=1e-7)
    assert costs.shape == (6,) and costs[0] == pytest.approx(np.log(2))


def test_gradient_descent_rejects_bad_input():
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(RosenbrockCostGrad(), [0.0, 0.0], -1.0, 3)
    with pytest.raises(ValueError, match="iters"):
        gradient_descent(RosenbrockCostGrad(), [0.0, 0.0], 0.1, 2.5)


# ---------------------------------------------------------------------------
# numerical_hessian
# ---------------------------------------------------------------------------


def test_numerical_hessian_of_a_quadratic_is_A():
    rng = np.random.default_rng(10)
    M = rng.normal(size=(4, 4))
    A = M + M.T
    H = numerical_hessian(QuadraticGradient(A, rng.normal(size=4)), rng.normal(size=4))
    np.testing.assert_allclose(H, A, rtol=1e-9, atol=1e-9)


def test_numerical_hessian_of_rosenbrock_matches_the_closed_form():
    x, y = -0.7, 1.3
    cost_grad = RosenbrockCostGrad()
    H = numerical_hessian(lambda t: cost_grad(t)[1], [x, y])
    exact = np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])
    np.testing.assert_allclose(H, exact, rtol=FD_TOL)


def test_numerical_hessian_matches_the_logistic_hessian_and_is_symmetric():
    X, y = logistic_problem(40, 3, seed=11)
    theta = np.random.default_rng(12).normal(size=4)
    before = theta.copy()
    H = numerical_hessian(LogisticGradient(X, y, 1.5), theta)
    np.testing.assert_allclose(H, logistic_gradient_hessian(theta, X, y, 1.5)[1], rtol=FD_TOL, atol=1e-9)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_array_equal(theta, before)


def test_numerical_hessian_uses_central_differences():
    # gradient of sum(t^4 / 4) is t^3: central difference in coordinate j is t_j^3 + t_j eps^2,
    # a one-sided one t_j^3 + 3/2 t_j^2 eps + ...
    eps = 0.1
    H = numerical_hessian(lambda t: t**3, np.array([1.0, 2.0]), eps=eps)
    np.testing.assert_allclose(H, np.diag([3 * 1.0 + eps**2, 3 * 4.0 + eps**2]), rtol=1e-12)


def test_numerical_hessian_rejects_a_wrong_gradient_shape():
    with pytest.raises(ValueError, match=r"grad_fn\(theta\).*expected \(2,\)"):
        numerical_hessian(lambda t: np.zeros(3), np.zeros(2))


# ---------------------------------------------------------------------------
# bfgs_update
# ---------------------------------------------------------------------------


def spd(n, seed):
    M = np.random.default_rng(seed).normal(size=(n, n))
    return M @ M.T + n * np.eye(n)


def step_pair(n, seed):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    y = spd(n, seed + 1) @ s  # y = B s for an SPD B: y^T s > 0
    return s, y


@pytest.mark.parametrize("n, seed", [(2, 0), (3, 1), (5, 2), (8, 3)])
def test_bfgs_update_satisfies_the_secant_condition_and_stays_spd(n, seed):
    H = np.linalg.inv(spd(n, 100 + seed))
    s, y = step_pair(n, seed)
    H_new = bfgs_update(H, s, y)
    np.testing.assert_allclose(H_new @ y, s, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H_new, H_new.T, rtol=1e-12, atol=1e-14)
    assert np.all(np.linalg.eigvalsh(H_new) > 0)
    assert np.linalg.matrix_rank(H_new - H, tol=1e-10 * np.abs(H).max()) <= 2  # a rank-2 change


@pytest.mark.parametrize("n, seed", [(3, 4), (6, 5)])
def test_bfgs_update_is_the_inverse_of_the_direct_bfgs_update(n, seed):
    # Direct form on B = H^{-1}: B_new = B - B s s^T B / (s^T B s) + y y^T / (y^T s).
    B = spd(n, 200 + seed)
    s, y = step_pair(n, seed)
    B_new = B - np.outer(B @ s, B @ s) / (s @ B @ s) + np.outer(y, y) / (y @ s)
    np.testing.assert_allclose(bfgs_update(np.linalg.inv(B), s, y), np.linalg.inv(B_new), rtol=1e-9, atol=1e-12)


def test_bfgs_update_rejects_bad_input():
    with pytest.raises(ValueError, match="curvature"):
        bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))
    with pytest.raises(ValueError, match=r"s has the wrong shape.*expected \(2,\).*received \(3,\)"):
        bfgs_update(np.eye(2), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="H_inv"):
        bfgs_update(np.ones((2, 3)), np.ones(2), np.ones(2))


# ---------------------------------------------------------------------------
# bfgs
# ---------------------------------------------------------------------------


def test_bfgs_reaches_the_rosenbrock_minimum():
    theta, costs = bfgs(RosenbrockCostGrad(), [-1.2, 1.0], 100)
    np.testing.assert_allclose(theta, [1.0, 1.0], atol=MINIMIZER_TOL)
    assert costs.shape == (101,) and costs[0] == pytest.approx(24.2)
    assert np.all(np.diff(costs) <= 0)  # Armijo: every accepted step lowers the cost
    ref = scipy.optimize.minimize(lambda t: RosenbrockCostGrad()(t), [-1.2, 1.0], jac=True, method="BFGS")
    np.testing.assert_allclose(theta, ref.x, atol=1e-5)


def test_bfgs_minimizes_a_quadratic():
    A = spd(5, 7)
    b = np.arange(5.0)
    theta, costs = bfgs(QuadraticCostGrad(A, b), np.zeros(5), 40)
    np.testing.assert_allclose(theta, np.linalg.solve(A, b), rtol=MINIMIZER_TOL, atol=MINIMIZER_TOL)


def test_bfgs_matches_newton_and_scipy_on_logistic_regression():
    X, y = logistic_problem(100, 3, seed=13)
    theta, costs = bfgs(LogisticCostGrad(X, y, 1.0), np.zeros(4), 60)
    newton, _ = newton_logistic_regression(X, y, 1.0, 15)
    ref = scipy.optimize.minimize(lambda t: LogisticCostGrad(X, y, 1.0)(t), np.zeros(4), jac=True, method="BFGS",
                                  options={"gtol": 1e-10})
    np.testing.assert_allclose(theta, newton, atol=SOLVER_TOL)
    np.testing.assert_allclose(theta, ref.x, atol=SOLVER_TOL)


def test_bfgs_first_step_is_a_backtracked_gradient_step():
    # H starts as I, so step 1 is theta - alpha g with the first alpha in 1, 1/2, 1/4, ... meeting Armijo.
    cost_grad = RosenbrockCostGrad()
    theta0 = np.array([-1.2, 1.0])
    J0, g0 = cost_grad(theta0)
    alpha = 1.0
    while cost_grad(theta0 - alpha * g0)[0] > J0 - ARMIJO_C1 * alpha * g0 @ g0:
        alpha /= 2
    theta, costs = bfgs(cost_grad, theta0, 1)
    np.testing.assert_allclose(theta, theta0 - alpha * g0, rtol=1e-14)
    assert costs[1] == pytest.approx(cost_grad(theta)[0], rel=1e-14)


# ---------------------------------------------------------------------------
# Mutant catalogue: correct cells and alternatives agree with the reference, every mutant differs
# ---------------------------------------------------------------------------

import ast  # noqa: E402
import re  # noqa: E402

import solutions.newton as newton_module  # noqa: E402
from solutions.cost_functions import logistic_cost  # noqa: E402
from solutions.logic_gates import add_bias  # noqa: E402
from tests.mutants import backprop_03, newton_08  # noqa: E402


def notebook_namespace():
    """What a solution cell of the notebook sees: np, the given code and the reference functions."""
    ns = {"np": np, "sigmoid": sigmoid, "add_bias": add_bias, "logistic_cost": logistic_cost}
    for name in ("ARMIJO_C1", "MAX_HALVINGS", "CURVATURE_TOL", "newton_root", "newton_minimize_1d",
                 "logistic_gradient_hessian", "newton_logistic_regression", "gradient_descent",
                 "numerical_hessian", "bfgs_update", "bfgs"):
        ns[name] = getattr(newton_module, name)
    return ns


def same(expected, received):
    """Like the grader: a tuple item by item, a list of numbers is an array, values within 1e-7."""
    if isinstance(expected, tuple):
        return isinstance(received, (tuple, list)) and len(received) == len(expected) and all(
            same(e, r) for e, r in zip(expected, received))
    try:
        r = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected, dtype=float)
    return r.shape == e.shape and bool(np.allclose(r, e, rtol=1e-7, atol=1e-9, equal_nan=True))


def define(code, task):
    ns = notebook_namespace()
    exec(compile(code, f"<cell {task}>", "exec"), ns)  # noqa: S102 - our own catalogue
    return ns[task]


def catalogue_inputs(task):
    """A few inputs per task as ``(args, kwargs)`` pairs (fresh objects every call)."""
    rng = np.random.default_rng(808)
    X, y = logistic_problem(30, 3, seed=14)
    if task == "newton_root":
        return [((Polynomial(c), Polynomial(c).derivative(), x0), kw) for c, x0, kw in [
            ([-2.0, 0.0, 1.0], 1.0, {}), ([-6.0, 11.0, -6.0, 1.0], 3.6, {}),
            ([-2.0, 0.0, 1.0], 50.0, {"max_iter": 4}), ([1.0, -2.0, 1.0], 2.0, {"max_iter": 8})]]
    if task == "newton_minimize_1d":
        return [((Polynomial(d), Polynomial(d).derivative(), x0), {}) for d, x0 in [
            ([-3.0, 4.0], 10.0), ([-3.0, 2.0, 0.0, 4.0], -2.0), ([-1.0, 0.0, 1.0], 0.5)]]
    if task == "logistic_gradient_hessian":
        return [((rng.normal(size=4), X, y, lam), {}) for lam in (0.0, 1.5)] + [
            ((rng.normal(size=3), rng.normal(size=(9, 2)), (rng.random(9) < 0.5) * 1.0, 2.0), {})]
    if task == "newton_logistic_regression":
        return [((X, y, 1.0, 5), {}), ((X[:, :2], y, 0.5, 3), {})]
    if task == "gradient_descent":
        return [((QuadraticCostGrad([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0]), np.array([2.0, 2.0]), 0.1, 10), {}),
                ((LogisticCostGrad(X, y, 0.5), np.zeros(4), 0.5, 6), {})]
    if task == "numerical_hessian":
        return [((LogisticGradient(X, y, 1.0), rng.normal(size=4)), {}),
                ((LogisticGradient(X, y, 2.0), rng.normal(size=4)), {"eps": 0.05})]
    if task == "bfgs_update":
        return [((np.linalg.inv(spd(n, n)), *step_pair(n, 10 + n)), {}) for n in (2, 4, 6)]
    if task == "bfgs":
        return [((RosenbrockCostGrad(), np.array([-1.2, 1.0]), 6), {}),
                ((LogisticCostGrad(X, y, 1.0), np.zeros(4), 5), {}),
                ((QuadraticCostGrad([[2.0]], [0.0]), np.array([1.0]), 3), {})]
    raise KeyError(task)


def test_catalogue_covers_every_graded_function():
    counts = {task: 0 for task in newton_08.CORRECT_CELLS}
    for mutant in newton_08.MUTANTS:
        counts[mutant.task] += 1
    assert min(counts.values()) >= 3, counts
    assert {a.task for a in newton_08.ALTERNATIVES} == set(newton_08.CORRECT_CELLS)
    for m in newton_08.MUTANTS:
        assert m.words, m.mistake
        re.compile(m.words)


@pytest.mark.parametrize("mutant", newton_08.MUTANTS + newton_08.ALTERNATIVES, ids=lambda m: f"{m.task}: {m.mistake}")
def test_catalogue_cell_is_one_plain_def(mutant):
    tree = ast.parse(mutant.code)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    assert tree.body[0].name == mutant.task
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


@pytest.mark.parametrize("task, code", list(newton_08.CORRECT_CELLS.items())
                         + [(a.task, a.code) for a in newton_08.ALTERNATIVES])
def test_correct_cell_matches_reference(task, code):
    cell, reference = define(code, task), getattr(newton_module, task)
    for (args, kwargs), (args2, kwargs2) in zip(catalogue_inputs(task), catalogue_inputs(task)):
        expected = backprop_03.outcome(reference, args, kwargs)
        received = backprop_03.outcome(cell, args2, kwargs2)
        assert expected[0] == received[0] == "value"
        assert same(expected[1], received[1]), (task, args, kwargs)


@pytest.mark.parametrize("mutant", newton_08.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_differs_from_reference(mutant):
    cell, reference = define(mutant.code, mutant.task), getattr(newton_module, mutant.task)
    for (args, kwargs), (args2, kwargs2) in zip(catalogue_inputs(mutant.task), catalogue_inputs(mutant.task)):
        kind, expected = backprop_03.outcome(reference, args, kwargs)
        with np.errstate(all="ignore"):
            received_kind, received = backprop_03.outcome(cell, args2, kwargs2)
        if received_kind == "value" and not same(expected, received):
            return
    pytest.fail(f"mutant gives the reference's results (or only crashes): {mutant.mistake}")

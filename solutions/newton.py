"""Lesson 08 reference: Newton's method vs first-order methods.

Newton's method replaces a function by its local linear (root finding) or
quadratic (minimization) model and jumps to that model's solution:
``x := x - f(x)/f'(x)`` for a root of ``f``, ``x := x - J'(x)/J''(x)`` for a
minimum of ``J`` (a root of ``J'``), ``theta := theta - H^{-1} grad`` in
several dimensions.  On a quadratic cost the model is exact, so one step lands
on the minimizer.  Each step needs the Hessian (``O(n^2)`` memory) and a linear
solve (``O(n^3)`` time), against ``O(n)`` for a gradient step.

Quasi-Newton methods keep an approximation ``H`` of the *inverse* Hessian and
correct it after every step from the change in the gradient.  BFGS changes
``H`` by a matrix of rank two (not one, as some slides say) so that the new
approximation satisfies the secant condition ``H_new y = s``.

Conventions (see SYLLABUS.md): ``X`` is ``(m, n)``, ``theta`` is ``(n + 1,)``
with ``theta[0]`` the unregularized bias; ``costs`` always holds the cost
before the first step and after every step, ``len(costs) == iters + 1``.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape
from solutions.cost_functions import logistic_cost
from solutions.logic_gates import add_bias, sigmoid

#: Sufficient-decrease constant of the Armijo condition (Nocedal & Wright's usual 1e-4).
ARMIJO_C1 = 1e-4
#: Backtracking halves the step at most this often (2^-50 ~ 1e-15: below that nothing moves).
MAX_HALVINGS = 50
#: BFGS skips its update unless y.s > CURVATURE_TOL * |y| |s| (curvature condition, scale free).
CURVATURE_TOL = 1e-10


def _check_callable(name, fn):
    if not callable(fn):
        raise ValueError(f"{name} must be a function, received {type(fn).__name__}")


def _check_count(name, value, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, received {value!r}")
    return int(value)


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, received {value!r}")
    return float(value)


def _check_lam(lam):
    if isinstance(lam, bool) or not isinstance(lam, (int, float, np.integer, np.floating)) \
            or not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a number >= 0, received {lam!r}")
    return float(lam)


def _as_scalar(name, value):
    arr = np.asarray(value, dtype=float)
    if arr.shape != () or not np.isfinite(arr):
        raise ValueError(f"{name} must be a finite number, expected shape (), received shape {arr.shape}")
    return float(arr)


def newton_root(f, fprime, x0, tol=1e-12, max_iter=50):
    """Newton's method for a root of a scalar function.

    ``x_{k+1} = x_k - f(x_k) / f'(x_k)``, starting from ``x_0 = x0``.  Stops
    after the first step with ``|x_{k+1} - x_k| < tol``, or after ``max_iter``
    steps.

    Parameters
    ----------
    f, fprime : callable, float -> float, the function and its derivative
    x0 : float, starting point
    tol : float > 0, step size at which to stop (default 1e-12)
    max_iter : int >= 1, most steps taken (default 50)

    Returns
    -------
    root : float, the last iterate
    iterates : ndarray, shape (steps + 1,), ``[x_0, x_1, ..., x_steps]``

    Raises
    ------
    ValueError
        on a bad argument, or when ``fprime`` is 0 at an iterate (the tangent
        is flat and never crosses zero).
    """
    _check_callable("f", f)
    _check_callable("fprime", fprime)
    x = _as_scalar("x0", x0)
    tol = _check_positive("tol", tol)
    max_iter = _check_count("max_iter", max_iter, 1)
    iterates = [x]
    for _ in range(max_iter):
        slope = float(fprime(x))
        if slope == 0.0:
            raise ValueError(f"fprime(x) is 0 at x = {x!r}: the Newton step f(x)/fprime(x) is undefined")
        x_new = x - float(f(x)) / slope
        iterates.append(x_new)
        converged = abs(x_new - x) < tol
        x = x_new
        if converged:
            break
    return x, np.array(iterates)


def newton_minimize_1d(dJ, d2J, x0, tol=1e-12, max_iter=50):
    """Newton's method for a stationary point of ``J``: ``x := x - J'(x) / J''(x)``.

    A minimum of a smooth ``J`` is a root of ``J'``, so this is
    :func:`newton_root` applied to ``J'`` with derivative ``J''``; it stops
    the same way (first step shorter than ``tol``, or ``max_iter`` steps).
    Where ``J'' > 0`` the step goes downhill; where ``J'' < 0`` it heads for a
    maximum, which Newton's method cannot tell apart.

    Parameters
    ----------
    dJ, d2J : callable, float -> float, ``J'`` and ``J''``
    x0 : float, starting point
    tol : float > 0 (default 1e-12)
    max_iter : int >= 1 (default 50)

    Returns
    -------
    x_min : float, the last iterate
    iterates : ndarray, shape (steps + 1,), ``[x_0, x_1, ...]``
    """
    _check_callable("dJ", dJ)
    _check_callable("d2J", d2J)
    return newton_root(dJ, d2J, x0, tol=tol, max_iter=max_iter)


def logistic_gradient_hessian(theta, X, y, lam):
    """Gradient and Hessian of the regularized logistic-regression cost.

    With ``X_b = [1, X]`` and ``h = g(X_b theta)``:
    ``grad = (1/m) X_b^T (h - y) + (lam/m) [0, theta_1, ..., theta_n]`` and
    ``H = (1/m) X_b^T diag(h (1 - h)) X_b + (lam/m) diag(0, 1, ..., 1)``.
    ``H`` is symmetric positive semi-definite (positive definite when
    ``lam > 0`` and ``X_b`` has full column rank): the cost is convex.

    Parameters
    ----------
    theta : array_like, shape (n + 1,), ``theta[0]`` is the bias (not regularized)
    X : array_like, shape (m, n)
    y : array_like, shape (m,), labels 0/1
    lam : float >= 0

    Returns
    -------
    grad : ndarray, shape (n + 1,)
    H : ndarray, shape (n + 1, n + 1)
    """
    lam = _check_lam(lam)
    _, grad = logistic_cost(theta, X, y, lam)  # also checks the shapes of theta, X, y
    Xb = add_bias(X)
    m, n1 = Xb.shape
    h = sigmoid(Xb @ as_float_array("theta", theta, ndim=1))
    # Scaling the rows of X_b by h(1-h) is X_b^T diag(h(1-h)) X_b without forming the m x m diagonal.
    H = Xb.T @ (Xb * (h * (1.0 - h))[:, None]) / m
    penalty = np.full(n1, lam / m)
    penalty[0] = 0.0  # the bias is not regularized
    return grad, H + np.diag(penalty)


def newton_logistic_regression(X, y, lam, iters):
    """Fit regularized logistic regression with Newton's method.

    Starting from ``theta = 0``: ``theta := theta - H^{-1} grad`` (solved with
    ``np.linalg.solve``, never an explicit inverse), ``iters`` times.

    Parameters
    ----------
    X : array_like, shape (m, n)
    y : array_like, shape (m,), labels 0/1
    lam : float >= 0 (with ``lam = 0`` and separable data ``H`` becomes singular)
    iters : int >= 0, number of Newton steps

    Returns
    -------
    theta : ndarray, shape (n + 1,)
    costs : ndarray, shape (iters + 1,), ``costs[k]`` = cost after ``k`` steps
    """
    lam = _check_lam(lam)
    iters = _check_count("iters", iters, 0)
    theta = np.zeros(add_bias(X).shape[1])
    costs = [logistic_cost(theta, X, y, lam)[0]]
    for _ in range(iters):
        grad, H = logistic_gradient_hessian(theta, X, y, lam)
        theta = theta - np.linalg.solve(H, grad)
        costs.append(logistic_cost(theta, X, y, lam)[0])
    return theta, np.array(costs, dtype=float)


def gradient_descent(cost_grad, theta0, lr, iters):
    """Batch gradient descent with a fixed learning rate.

    ``theta := theta - lr * grad J(theta)``, ``iters`` times.

    Parameters
    ----------
    cost_grad : callable, ``theta -> (J, grad)`` with ``grad`` shaped like ``theta``
    theta0 : array_like, shape (n,), starting point (not modified)
    lr : float > 0, learning rate alpha
    iters : int >= 0

    Returns
    -------
    theta : ndarray, shape (n,)
    costs : ndarray, shape (iters + 1,), ``costs[k] = J(theta_k)``
    """
    _check_callable("cost_grad", cost_grad)
    theta = as_float_array("theta0", theta0, ndim=1).copy()
    lr = _check_positive("lr", lr)
    iters = _check_count("iters", iters, 0)
    J, grad = cost_grad(theta)
    costs = [float(J)]
    for _ in range(iters):
        theta = theta - lr * np.asarray(grad, dtype=float)
        J, grad = cost_grad(theta)
        costs.append(float(J))
    return theta, np.array(costs)


def numerical_hessian(grad_fn, theta, eps=1e-4):
    """Hessian by central differences of the gradient, symmetrized.

    Column ``j`` is ``(grad(theta + eps e_j) - grad(theta - eps e_j)) / (2 eps)``
    (error ``O(eps^2)``); the result is ``(H + H^T) / 2``, since a Hessian is
    symmetric and the two estimates of ``d^2 J / d theta_i d theta_j`` differ
    by round-off and ``O(eps^2)``.

    Parameters
    ----------
    grad_fn : callable, ``theta -> grad`` of shape (n,)
    theta : array_like, shape (n,) (not modified)
    eps : float > 0 (default 1e-4)

    Returns
    -------
    ndarray, shape (n, n), symmetric
    """
    _check_callable("grad_fn", grad_fn)
    theta = as_float_array("theta", theta, ndim=1)
    eps = _check_positive("eps", eps)
    n = theta.size
    H = np.empty((n, n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = eps
        up = check_shape("grad_fn(theta)", as_float_array("grad_fn(theta)", grad_fn(theta + step)), (n,))
        down = check_shape("grad_fn(theta)", as_float_array("grad_fn(theta)", grad_fn(theta - step)), (n,))
        H[:, j] = (up - down) / (2 * eps)
    return (H + H.T) / 2


def bfgs_update(H_inv, s, y):
    """The BFGS update of an inverse-Hessian approximation (a rank-2 change).

    With ``rho = 1 / (y^T s)``:
    ``H_new = (I - rho s y^T) H_inv (I - rho y s^T) + rho s s^T``, computed
    multiplied out in ``O(n^2)`` operations.  ``H_new - H_inv`` has rank 2 and
    ``H_new`` is symmetric, satisfies the secant condition ``H_new y = s``
    and is positive definite when ``H_inv`` is and ``y^T s > 0``.

    Parameters
    ----------
    H_inv : array_like, shape (n, n), symmetric positive definite
    s : array_like, shape (n,), the step ``theta_new - theta``
    y : array_like, shape (n,), the gradient change ``grad_new - grad``

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    ValueError
        on a shape mismatch, or unless ``y^T s > 0`` (curvature condition).
    """
    H = as_float_array("H_inv", H_inv, ndim=2)
    n = H.shape[0]
    check_shape("H_inv", H, (n, n))
    s = check_shape("s", as_float_array("s", s, ndim=1), (n,))
    y = check_shape("y", as_float_array("y", y, ndim=1), (n,))
    sy = float(s @ y)
    if not sy > 0:
        raise ValueError(f"y @ s must be positive (curvature condition), received {sy!r}")
    rho = 1.0 / sy
    # Multiplied out (H symmetric): H - rho (s (Hy)^T + (Hy) s^T) + (rho^2 y^T H y + rho) s s^T.
    # Outer products and one matrix-vector product: O(n^2), where the product form costs O(n^3).
    Hy = H @ y
    return H - rho * (np.outer(s, Hy) + np.outer(Hy, s)) + (rho * rho * (y @ Hy) + rho) * np.outer(s, s)


def bfgs(cost_grad, theta0, iters):
    """BFGS with a backtracking (Armijo) line search.

    ``H`` starts as the identity.  Each iteration: direction ``p = -H g``;
    step ``alpha = 1``, halved while
    ``J(theta + alpha p) > J(theta) + ARMIJO_C1 * alpha * g^T p``
    (at most ``MAX_HALVINGS`` times); ``s = alpha p``, ``y = g_new - g``;
    ``H = bfgs_update(H, s, y)`` if ``y^T s > CURVATURE_TOL |y| |s|``, else
    ``H`` is kept (an Armijo-only search does not guarantee the curvature
    condition on a non-convex cost).

    Parameters
    ----------
    cost_grad : callable, ``theta -> (J, grad)``
    theta0 : array_like, shape (n,) (not modified)
    iters : int >= 0, number of iterations

    Returns
    -------
    theta : ndarray, shape (n,)
    costs : ndarray, shape (iters + 1,), ``costs[k] = J(theta_k)``
    """
    _check_callable("cost_grad", cost_grad)
    theta = as_float_array("theta0", theta0, ndim=1).copy()
    iters = _check_count("iters", iters, 0)
    H = np.eye(theta.size)
    J, g = cost_grad(theta)
    J, g = float(J), np.asarray(g, dtype=float)
    costs = [J]
    for _ in range(iters):
        p = -H @ g
        slope = float(g @ p)  # < 0 while H is positive definite and g != 0
        alpha = 1.0
        J_new, g_new = cost_grad(theta + alpha * p)
        for _ in range(MAX_HALVINGS):
            if J_new <= J + ARMIJO_C1 * alpha * slope:
                break
            alpha /= 2
            J_new, g_new = cost_grad(theta + alpha * p)
        s = alpha * p
        y = np.asarray(g_new, dtype=float) - g
        if s @ y > CURVATURE_TOL * np.linalg.norm(s) * np.linalg.norm(y):
            H = bfgs_update(H, s, y)
        theta, J, g = theta + s, float(J_new), np.asarray(g_new, dtype=float)
        costs.append(J)
    return theta, np.array(costs)

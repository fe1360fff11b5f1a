"""Callable test problems that can be baked into test cells as plain data.

Some course functions take functions as arguments (``nesterov(theta, grad_fn, ...)``,
``newton_root(f, fprime, x0)``, ``gradient_descent(cost_grad, theta0, ...)``).  A baked
case cannot hold arbitrary Python code, so such arguments are instances of the
small classes below: their parameters travel as data (``autograder.packing``
encodes them by class name), and calling them evaluates a textbook formula.

Every class is registered with :func:`problem`; ``packing`` encodes an instance
as ``{"__problem__": [class name, params]}`` and rebuilds it on the other side.
"""
import numpy as np

REGISTRY = {}


def problem(cls):
    """Class decorator: make ``cls`` bakeable (its ``params`` dict is all its state)."""
    REGISTRY[cls.__name__] = cls
    return cls


class _Problem:
    def __init__(self, **params):
        self.params = params

    def __repr__(self):
        return f"{type(self).__name__}(...)"

    def __eq__(self, other):
        return type(other) is type(self) and _equal(self.params, other.params)

    __hash__ = None


def _equal(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return np.array_equal(np.asarray(a), np.asarray(b))


@problem
class QuadraticGradient(_Problem):
    """``theta -> A @ theta - b``: the gradient of ``J = theta^T A theta / 2 - b^T theta``."""

    def __init__(self, A, b):
        super().__init__(A=np.asarray(A, dtype=float), b=np.asarray(b, dtype=float))

    def __call__(self, theta):
        return self.params["A"] @ np.asarray(theta, dtype=float) - self.params["b"]


@problem
class QuadraticCostGrad(_Problem):
    """``theta -> (J, grad)`` for ``J = theta^T A theta / 2 - b^T theta`` (A symmetric)."""

    def __init__(self, A, b):
        super().__init__(A=np.asarray(A, dtype=float), b=np.asarray(b, dtype=float))

    def __call__(self, theta):
        A, b = self.params["A"], self.params["b"]
        theta = np.asarray(theta, dtype=float)
        return float(0.5 * theta @ A @ theta - b @ theta), A @ theta - b


@problem
class RosenbrockCostGrad(_Problem):
    """``theta -> (J, grad)`` for ``J = (a - x)^2 + c (y - x^2)^2`` at ``theta = (x, y)``."""

    def __init__(self, a=1.0, c=100.0):
        super().__init__(a=float(a), c=float(c))

    def __call__(self, theta):
        a, c = self.params["a"], self.params["c"]
        x, y = np.asarray(theta, dtype=float)
        J = (a - x) ** 2 + c * (y - x ** 2) ** 2
        return float(J), np.array([-2 * (a - x) - 4 * c * x * (y - x ** 2), 2 * c * (y - x ** 2)])


@problem
class Polynomial(_Problem):
    """``x -> sum(coeffs[k] * x**k)`` (coefficients lowest degree first); ``.derivative()``."""

    def __init__(self, coeffs):
        super().__init__(coeffs=np.asarray(coeffs, dtype=float))

    def __call__(self, x):
        return np.polynomial.polynomial.polyval(x, self.params["coeffs"])

    def derivative(self):
        return Polynomial(np.polynomial.polynomial.polyder(self.params["coeffs"]))


def _logistic_parts(params, theta):
    """``(z, Xb, y, lam, m)`` for the logistic-regression problems below."""
    X, y, lam = params["X"], params["y"], float(params["lam"])
    Xb = np.hstack([np.ones((X.shape[0], 1)), X])
    return Xb @ np.asarray(theta, dtype=float), Xb, y, lam, X.shape[0]


@problem
class LogisticCostGrad(_Problem):
    """``theta -> (J, grad)`` of regularized logistic regression (``theta[0]`` not regularized).

    ``J = (1/m) sum_i [log(1 + e^-z_i) y_i + log(1 + e^z_i) (1 - y_i)] + lam/(2m) sum_{j>=1} theta_j^2``
    with ``z = [1, X] theta``; ``grad = (1/m) [1, X]^T (g(z) - y) + (lam/m) [0, theta_1, ...]``.
    """

    def __init__(self, X, y, lam=0.0):
        super().__init__(X=np.asarray(X, dtype=float), y=np.asarray(y, dtype=float), lam=float(lam))

    def __call__(self, theta):
        z, Xb, y, lam, m = _logistic_parts(self.params, theta)
        reg = np.array(theta, dtype=float)
        reg[0] = 0.0
        J = np.sum(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)) / m + lam / (2 * m) * reg @ reg
        h = np.exp(-np.logaddexp(0.0, -z))  # g(z) without overflow
        return float(J), Xb.T @ (h - y) / m + lam / m * reg


@problem
class LogisticGradient(_Problem):
    """``theta -> grad`` of :class:`LogisticCostGrad` with the same ``X, y, lam`` (for Hessians)."""

    def __init__(self, X, y, lam=0.0):
        super().__init__(X=np.asarray(X, dtype=float), y=np.asarray(y, dtype=float), lam=float(lam))

    def __call__(self, theta):
        return LogisticCostGrad(**self.params)(theta)[1]


@problem
class LayerQuadraticCostGrad(_Problem):
    """``thetas -> (J, grads)`` for a list of matrices: ``J = sum_k scales[k]/2 ||thetas[k] - targets[k]||^2``.

    ``grads[k] = scales[k] (thetas[k] - targets[k])`` (lesson 03's gradient descent on a
    network-shaped list of weights); a step with rate ``lr`` shrinks ``thetas[k] - targets[k]``
    by the factor ``1 - lr scales[k]``.
    """

    def __init__(self, targets, scales):
        super().__init__(targets=[np.asarray(t, dtype=float) for t in targets],
                         scales=np.asarray(scales, dtype=float))

    def __eq__(self, other):  # targets of different shapes: compare them one by one
        return (type(other) is type(self) and len(self.params["targets"]) == len(other.params["targets"])
                and all(np.array_equal(a, b) for a, b in zip(self.params["targets"], other.params["targets"]))
                and np.array_equal(self.params["scales"], other.params["scales"]))

    __hash__ = None

    def __call__(self, thetas):
        targets, scales = self.params["targets"], self.params["scales"]
        if len(thetas) != len(targets):
            raise ValueError(f"thetas must hold {len(targets)} matrices, received {len(thetas)}")
        diffs = []
        for k, (t, c) in enumerate(zip(thetas, targets)):
            t = np.asarray(t, dtype=float)
            if t.shape != c.shape:
                raise ValueError(f"thetas[{k}] has the wrong shape: expected {c.shape}, received {t.shape}")
            diffs.append(t - c)
        J = sum(s / 2 * np.sum(d ** 2) for s, d in zip(scales, diffs))
        return float(J), [s * d for s, d in zip(scales, diffs)]

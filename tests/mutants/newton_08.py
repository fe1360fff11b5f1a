"""Mutants for 08_newton: plausible student mistakes, one function at a time.

As in ``unrolling_04``: every mutant is a correct student-style cell from
``CORRECT_CELLS`` with exactly one change (``_variant`` checks that the text
it replaces occurs exactly once), and ``words`` is the regex its feedback must
match.  ``ALTERNATIVES`` are correct solutions written differently from both
the reference and ``CORRECT_CELLS`` (while loops, lists instead of arrays,
per-example loops, the explicit inverse, the expanded BFGS formula); they
must keep full marks.  ``tests/solutions/test_newton.py`` checks that the
correct cells and the alternatives match the reference and that every mutant
differs from it.

The cells use as globals only what the notebook provides: ``np``, the given
``sigmoid``, ``add_bias``, ``logistic_cost``, ``ARMIJO_C1``,
``MAX_HALVINGS``, ``CURVATURE_TOL`` and the student's earlier functions.
"""
from dataclasses import replace

from tests.mutants import Mutant
from tests.mutants.backprop_03 import _cell, _variant as _variant_of


def _variant(task, mistake, words, old, new):
    """A one-change mutant of ``CORRECT_CELLS[task]`` whose feedback must match ``words``."""
    return replace(_variant_of(task, mistake, old, new, cells=CORRECT_CELLS), words=words)


CORRECT_CELLS = {
    "newton_root": _cell(
        """
        def newton_root(f, fprime, x0, tol=1e-12, max_iter=50):
            x = float(x0)
            iterates = [x]
            for k in range(max_iter):
                slope = fprime(x)
                if slope == 0:
                    raise ValueError("fprime(x) is 0: the tangent is flat")
                x_new = x - f(x) / slope
                iterates.append(x_new)
                if abs(x_new - x) < tol:
                    return x_new, np.array(iterates)
                x = x_new
            return x, np.array(iterates)
        """
    ),
    "newton_minimize_1d": _cell(
        """
        def newton_minimize_1d(dJ, d2J, x0, tol=1e-12, max_iter=50):
            x = float(x0)
            iterates = [x]
            for k in range(max_iter):
                x_new = x - dJ(x) / d2J(x)
                iterates.append(x_new)
                if abs(x_new - x) < tol:
                    x = x_new
                    break
                x = x_new
            return x, iterates
        """
    ),
    "logistic_gradient_hessian": _cell(
        """
        def logistic_gradient_hessian(theta, X, y, lam):
            theta = np.asarray(theta, dtype=float)
            Xb = add_bias(X)
            m = Xb.shape[0]
            J, grad = logistic_cost(theta, X, y, lam)
            h = sigmoid(Xb @ theta)
            H = Xb.T @ np.diag(h * (1 - h)) @ Xb / m
            reg = (lam / m) * np.eye(len(theta))
            reg[0, 0] = 0
            return grad, H + reg
        """
    ),
    "newton_logistic_regression": _cell(
        """
        def newton_logistic_regression(X, y, lam, iters):
            X = np.asarray(X, dtype=float)
            theta = np.zeros(X.shape[1] + 1)
            costs = [logistic_cost(theta, X, y, lam)[0]]
            for _ in range(iters):
                grad, H = logistic_gradient_hessian(theta, X, y, lam)
                theta = theta - np.linalg.solve(H, grad)
                costs.append(logistic_cost(theta, X, y, lam)[0])
            return theta, costs
        """
    ),
    "gradient_descent": _cell(
        """
        def gradient_descent(cost_grad, theta0, lr, iters):
            theta = np.array(theta0, dtype=float)
            costs = []
            for k in range(iters + 1):
                J, grad = cost_grad(theta)
                costs.append(J)
                if k < iters:
                    theta = theta - lr * grad
            return theta, np.array(costs)
        """
    ),
    "numerical_hessian": _cell(
        """
        def numerical_hessian(grad_fn, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            n = len(theta)
            H = np.zeros((n, n))
            for j in range(n):
                step = np.zeros(n)
                step[j] = eps
                H[:, j] = (grad_fn(theta + step) - grad_fn(theta - step)) / (2 * eps)
            return (H + H.T) / 2
        """
    ),
    "bfgs_update": _cell(
        """
        def bfgs_update(H_inv, s, y):
            H = np.asarray(H_inv, dtype=float)
            s = np.asarray(s, dtype=float)
            y = np.asarray(y, dtype=float)
            sy = y @ s
            if sy <= 0:
                raise ValueError("y @ s must be positive (curvature condition)")
            rho = 1.0 / sy
            I = np.eye(len(s))
            return (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
        """
    ),
    "bfgs": _cell(
        """
        def bfgs(cost_grad, theta0, iters):
            theta = np.array(theta0, dtype=float)
            H = np.eye(len(theta))
            J, g = cost_grad(theta)
            costs = [J]
            for it in range(iters):
                p = -H @ g
                alpha = 1.0
                J_new, g_new = cost_grad(theta + alpha * p)
                halvings = 0
                while J_new > J + ARMIJO_C1 * alpha * (g @ p) and halvings < MAX_HALVINGS:
                    alpha = alpha / 2
                    J_new, g_new = cost_grad(theta + alpha * p)
                    halvings += 1
                s = alpha * p
                y = g_new - g
                if y @ s > CURVATURE_TOL * np.linalg.norm(y) * np.linalg.norm(s):
                    H = bfgs_update(H, s, y)
                theta = theta + s
                J, g = J_new, g_new
                costs.append(J)
            return theta, np.array(costs)
        """
    ),
}


ALTERNATIVES: list[Mutant] = [
    Mutant("newton_root", "while loop over a list of iterates, returns the list", _cell(
        """
        def newton_root(f, fprime, x0, tol=1e-12, max_iter=50):
            xs = [float(x0)]
            while len(xs) <= max_iter:
                d = fprime(xs[-1])
                if d == 0:
                    raise ValueError("zero derivative")
                xs.append(xs[-1] - f(xs[-1]) / d)
                if abs(xs[-1] - xs[-2]) < tol:
                    break
            return xs[-1], xs
        """)),
    Mutant("newton_minimize_1d", "reuses newton_root on J'", _cell(
        """
        def newton_minimize_1d(dJ, d2J, x0, tol=1e-12, max_iter=50):
            return newton_root(dJ, d2J, x0, tol=tol, max_iter=max_iter)
        """)),
    Mutant("logistic_gradient_hessian", "loops over the examples, own gradient", _cell(
        """
        def logistic_gradient_hessian(theta, X, y, lam):
            theta = np.asarray(theta, dtype=float)
            X = np.asarray(X, dtype=float)
            y = np.asarray(y, dtype=float)
            m, n = X.shape
            grad = np.zeros(n + 1)
            H = np.zeros((n + 1, n + 1))
            for i in range(m):
                x = np.concatenate([[1.0], X[i]])
                h = sigmoid(x @ theta)
                grad += (h - y[i]) * x / m
                H += h * (1 - h) * np.outer(x, x) / m
            for j in range(1, n + 1):
                grad[j] += lam / m * theta[j]
                H[j, j] += lam / m
            return grad, H
        """)),
    Mutant("newton_logistic_regression", "explicit inverse, costs as an array", _cell(
        """
        def newton_logistic_regression(X, y, lam, iters):
            theta = np.zeros(np.shape(X)[1] + 1)
            costs = np.zeros(iters + 1)
            costs[0] = logistic_cost(theta, X, y, lam)[0]
            for k in range(1, iters + 1):
                grad, H = logistic_gradient_hessian(theta, X, y, lam)
                theta = theta - np.linalg.inv(H) @ grad
                costs[k] = logistic_cost(theta, X, y, lam)[0]
            return theta, costs
        """)),
    Mutant("gradient_descent", "one evaluation per step, costs as a list", _cell(
        """
        def gradient_descent(cost_grad, theta0, lr, iters):
            theta = np.asarray(theta0, dtype=float)
            J, grad = cost_grad(theta)
            costs = [J]
            for _ in range(iters):
                theta = theta - lr * grad
                J, grad = cost_grad(theta)
                costs.append(J)
            return theta, costs
        """)),
    Mutant("numerical_hessian", "columns stacked, then symmetrized", _cell(
        """
        def numerical_hessian(grad_fn, theta, eps=1e-4):
            theta = np.asarray(theta, dtype=float)
            E = eps * np.eye(theta.size)
            H = np.column_stack([(grad_fn(theta + e) - grad_fn(theta - e)) / (2 * eps) for e in E])
            return 0.5 * (H + H.T)
        """)),
    Mutant("bfgs_update", "the expanded textbook formula", _cell(
        """
        def bfgs_update(H_inv, s, y):
            H, s, y = np.asarray(H_inv, float), np.asarray(s, float), np.asarray(y, float)
            sy = s @ y
            if not sy > 0:
                raise ValueError(f"curvature condition y @ s > 0 fails: {sy}")
            Hy = H @ y
            return (H + (sy + y @ Hy) * np.outer(s, s) / sy ** 2
                    - (np.outer(Hy, s) + np.outer(s, Hy)) / sy)
        """)),
    Mutant("bfgs", "while True line search, list of costs", _cell(
        """
        def bfgs(cost_grad, theta0, iters):
            theta = np.asarray(theta0, dtype=float).copy()
            n = theta.size
            Hinv = np.identity(n)
            J, g = cost_grad(theta)
            costs = [J]
            for _ in range(iters):
                d = -(Hinv @ g)
                slope = g @ d
                a, tries = 1.0, 0
                while True:
                    J_try, g_try = cost_grad(theta + a * d)
                    if J_try <= J + ARMIJO_C1 * a * slope or tries == MAX_HALVINGS:
                        break
                    a *= 0.5
                    tries += 1
                s, y = a * d, g_try - g
                if s @ y > CURVATURE_TOL * np.linalg.norm(s) * np.linalg.norm(y):
                    Hinv = bfgs_update(Hinv, s, y)
                theta, J, g = theta + s, J_try, g_try
                costs.append(J)
            return theta, costs
        """)),
]


MUTANTS: list[Mutant] = [
    # --- newton_root -----------------------------------------------------------
    _variant("newton_root", "adds the Newton step instead of subtracting it",
             r"added the step \(x \+ f\(x\)/f'\(x\)\)",
             "x_new = x - f(x) / slope", "x_new = x + f(x) / slope"),
    _variant("newton_root", "divides f' by f (the step upside down)",
             r"divided f'\(x\) by f\(x\)",
             "x_new = x - f(x) / slope", "x_new = x - slope / f(x)"),
    _variant("newton_root", "leaves x0 out of the iterates",
             r"left x0 out of iterates",
             "iterates = [x]", "iterates = []"),
    _variant("newton_root", "never stops early (ignores tol)",
             r"never stopped early",
             """
             if abs(x_new - x) < tol:
                 return x_new, np.array(iterates)
             """,
             ""),
    _variant("newton_root", "off by one: max_iter - 1 steps",
             r"max_iter - 1 steps",
             "for k in range(max_iter):", "for k in range(max_iter - 1):"),
    _variant("newton_root", "tests convergence before appending the new iterate",
             r"without appending the last",
             """
             iterates.append(x_new)
             if abs(x_new - x) < tol:
                 return x_new, np.array(iterates)
             """,
             """
             if abs(x_new - x) < tol:
                 return x_new, np.array(iterates)
             iterates.append(x_new)
             """),
    # --- newton_minimize_1d ---------------------------------------------------
    _variant("newton_minimize_1d", "x + J'/J'' (uphill)",
             r"moved uphill",
             "x_new = x - dJ(x) / d2J(x)", "x_new = x + dJ(x) / d2J(x)"),
    _variant("newton_minimize_1d", "plain gradient step x - J'(x)",
             r"plain gradient step",
             "x_new = x - dJ(x) / d2J(x)", "x_new = x - dJ(x)"),
    _variant("newton_minimize_1d", "divides by J' instead of J''",
             r"divided by J'\(x\) instead of J''\(x\)",
             "x_new = x - dJ(x) / d2J(x)", "x_new = x - dJ(x) / dJ(x)"),
    _variant("newton_minimize_1d", "J''/J' (ratio upside down)",
             r"ratio upside down",
             "x_new = x - dJ(x) / d2J(x)", "x_new = x - d2J(x) / dJ(x)"),
    _variant("newton_minimize_1d", "multiplies by J'' instead of dividing",
             r"multiplied by J''\(x\) instead of dividing",
             "x_new = x - dJ(x) / d2J(x)", "x_new = x - dJ(x) * d2J(x)"),
    # --- logistic_gradient_hessian -------------------------------------------
    _variant("logistic_gradient_hessian", "Hessian without 1/m",
             r"left out the 1/m",
             "H = Xb.T @ np.diag(h * (1 - h)) @ Xb / m", "H = Xb.T @ np.diag(h * (1 - h)) @ Xb"),
    _variant("logistic_gradient_hessian", "regularizes the bias in the Hessian",
             r"regularized the bias: the penalty",
             "reg[0, 0] = 0\n", ""),
    _variant("logistic_gradient_hessian", "lam instead of lam/m on the diagonal",
             r"added lam instead of lam/m",
             "reg = (lam / m) * np.eye(len(theta))", "reg = lam * np.eye(len(theta))"),
    _variant("logistic_gradient_hessian", "forgets the regularization term of H",
             r"forgot the regularization term",
             "return grad, H + reg", "return grad, H"),
    _variant("logistic_gradient_hessian", "diag(h) instead of diag(h(1-h))",
             r"weighted the examples by h instead of h\(1 - h\)",
             "np.diag(h * (1 - h))", "np.diag(h)"),
    _variant("logistic_gradient_hessian", "lam/(2m) (the cost's factor) on the diagonal",
             r"used lam/\(2m\)",
             "reg = (lam / m) * np.eye(len(theta))", "reg = (lam / (2 * m)) * np.eye(len(theta))"),
    # --- newton_logistic_regression --------------------------------------------
    _variant("newton_logistic_regression", "adds the Newton step",
             r"added the Newton step",
             "theta = theta - np.linalg.solve(H, grad)", "theta = theta + np.linalg.solve(H, grad)"),
    _variant("newton_logistic_regression", "multiplies by H instead of solving",
             r"multiplied the gradient by H",
             "theta = theta - np.linalg.solve(H, grad)", "theta = theta - H @ grad"),
    _variant("newton_logistic_regression", "gradient step instead of Newton step",
             r"took a gradient step",
             "theta = theta - np.linalg.solve(H, grad)", "theta = theta - grad"),
    _variant("newton_logistic_regression", "costs off by one: no starting cost",
             r"left the starting cost out of costs",
             "costs = [logistic_cost(theta, X, y, lam)[0]]", "costs = []"),
    _variant("newton_logistic_regression", "off by one: iters - 1 steps",
             r"took iters - 1 Newton steps",
             "for _ in range(iters):", "for _ in range(iters - 1):"),
    # --- gradient_descent ---------------------------------------------------------
    _variant("gradient_descent", "gradient descent with a + sign",
             r"moved uphill",
             "theta = theta - lr * grad", "theta = theta + lr * grad"),
    _variant("gradient_descent", "costs off by one: the cost after the last step is missing",
             r"did not record the cost after the last step",
             "for k in range(iters + 1):", "for k in range(iters):"),
    _variant("gradient_descent", "ignores lr",
             r"ignored lr",
             "theta = theta - lr * grad", "theta = theta - grad"),
    # --- numerical_hessian --------------------------------------------------------
    _variant("numerical_hessian", "one-sided differences",
             r"one-sided differences",
             "(grad_fn(theta + step) - grad_fn(theta - step)) / (2 * eps)",
             "(grad_fn(theta + step) - grad_fn(theta)) / eps"),
    _variant("numerical_hessian", "unsymmetrized Hessian",
             r"did not symmetrize",
             "return (H + H.T) / 2", "return H"),
    _variant("numerical_hessian", "divides by eps instead of 2 eps",
             r"divided by eps instead of 2 eps",
             "/ (2 * eps)", "/ eps"),
    _variant("numerical_hessian", "ignores the eps argument",
             r"ignored the eps argument",
             """
             theta = np.array(theta, dtype=float)
             n = len(theta)
             """,
             """
             theta = np.array(theta, dtype=float)
             n = len(theta)
             eps = 1e-4
             """),
    # --- bfgs_update ---------------------------------------------------------------
    _variant("bfgs_update", "rank-1 (SR1) update",
             r"rank-1 \(SR1\)",
             """
             I = np.eye(len(s))
             return (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
             """,
             """
             r = s - H @ y
             return H + np.outer(r, r) / (r @ y)
             """),
    _variant("bfgs_update", "swaps s and y",
             r"swapped s and y",
             "return (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)",
             "return (I - rho * np.outer(y, s)) @ H @ (I - rho * np.outer(s, y)) + rho * np.outer(y, y)"),
    _variant("bfgs_update", "leaves out rho s s^T",
             r"left out the \+ rho s s\^T term",
             " + rho * np.outer(s, s)", ""),
    _variant("bfgs_update", "rho = y^T s instead of its reciprocal",
             r"used rho = y\^T s",
             "rho = 1.0 / sy", "rho = sy"),
    _variant("bfgs_update", "multiplies the factors in the wrong order",
             r"multiplied in the wrong order",
             "(I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s))",
             "(I - rho * np.outer(y, s)) @ H @ (I - rho * np.outer(s, y))"),
    # --- bfgs --------------------------------------------------------------------------
    _variant("bfgs", "no line search (always alpha = 1)",
             r"without a line search",
             """
             while J_new > J + ARMIJO_C1 * alpha * (g @ p) and halvings < MAX_HALVINGS:
                 alpha = alpha / 2
                 J_new, g_new = cost_grad(theta + alpha * p)
                 halvings += 1
             """,
             ""),
    _variant("bfgs", "Armijo condition with the wrong sign",
             r"flipped the sign of the Armijo term",
             "J + ARMIJO_C1 * alpha * (g @ p)", "J - ARMIJO_C1 * alpha * (g @ p)"),
    _variant("bfgs", "rank-1 (SR1) update inside BFGS",
             r"rank-1 \(SR1\) update",
             "H = bfgs_update(H, s, y)", "H = H + np.outer(s - H @ y, s - H @ y) / ((s - H @ y) @ y)"),
    _variant("bfgs", "swaps s and y in the update",
             r"swapped s and y",
             "H = bfgs_update(H, s, y)", "H = bfgs_update(H, y, s)"),
    _variant("bfgs", "never updates H",
             r"never updated H",
             "H = bfgs_update(H, s, y)", "pass"),
    _variant("bfgs", "moves along +H g",
             r"uphill",
             "p = -H @ g", "p = H @ g"),
    _variant("bfgs", "costs off by one: no starting cost",
             r"left the starting cost out of costs",
             "costs = [J]", "costs = []"),
]

# %% [markdown]
# # Lesson 08 — Newton's method vs first-order methods
#
# Gradient descent uses one piece of local information, the slope, and a learning rate you have
# to pick.  Newton's method also uses the **curvature**: it fits a model to the function at the
# current point and jumps straight to where that model says the answer is.  Near a solution this
# converges extremely fast — the number of correct digits roughly doubles every step — and it needs
# no learning rate.  The price is the second derivative: in $n$ dimensions the Hessian is an
# $n \times n$ matrix, and solving with it costs $O(n^3)$ operations per step against $O(n)$ for
# a gradient step.  Quasi-Newton methods such as BFGS sit in between: they learn an approximation
# of the inverse Hessian from the gradients they see.
#
# In this notebook you will
#
# 1. find roots with Newton's method, $\theta := \theta - f(\theta)/f'(\theta)$ (`newton_root`),
# 2. minimize in one dimension with $\theta := \theta - J'(\theta)/J''(\theta)$ and see that a
#    quadratic is solved in **one** step (`newton_minimize_1d`),
# 3. derive the gradient and Hessian of regularized logistic regression
#    (`logistic_gradient_hessian`) and fit it with Newton's method (`newton_logistic_regression`),
# 4. write plain gradient descent for comparison (`gradient_descent`),
# 5. estimate a Hessian from gradients by central differences (`numerical_hessian`),
# 6. write the BFGS inverse-Hessian update (`bfgs_update`) and BFGS with a backtracking line
#    search (`bfgs`),
# 7. race gradient descent, Newton, BFGS and scipy's L-BFGS on logistic regression and on a small
#    network, per iteration and per second, and **measure** how the work per iteration grows with $n$.
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the same
# kind of check the grader runs) and a hidden test cell that checks more inputs when your notebook
# is graded.  Only edit the cells that say `YOUR CODE HERE`; keep names and signatures as they are.
# Conventions: `X` has one example per **row**, shape `(m, n)`; `theta` has shape `(n + 1,)` and
# `theta[0]` is the bias, never regularized; `costs` always holds the cost **before the first step
# and after every step**, so `len(costs) == iters + 1`.  Raise `ValueError` for bad input (the
# given checks below help).

# %% locked=true
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize

import autograder as ag
from autograder.problems import (LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad,
                                 QuadraticGradient, RosenbrockCostGrad)

try:  # one BLAS thread: the timings of sections 9-10 measure the algorithms, not threads competing for cores
    from threadpoolctl import threadpool_limits  # comes with scikit-learn
    _ONE_THREAD = threadpool_limits(1)
except ImportError:
    pass

# %% [markdown]
# ## Code you are given
#
# Input checks, the line-search constants of section 7, and lesson 01–02's `sigmoid`, `add_bias`
# and `logistic_cost(theta, X, y, lam) -> (J, grad)`, which you may call.  The function-valued
# arguments the tests pass are small objects you can call like functions:
# `Polynomial([c0, c1, c2])` is $c_0 + c_1 x + c_2 x^2$ and `.derivative()` gives its derivative;
# `QuadraticCostGrad(A, b)`, `RosenbrockCostGrad()` and `LogisticCostGrad(X, y, lam)` map
# `theta` to `(J, grad)`; `QuadraticGradient(A, b)` and `LogisticGradient(X, y, lam)` map `theta`
# to the gradient only.

# %% given="as_float_array check_shape _check_callable _check_count _check_positive _check_lam _as_scalar"

# %% given="ARMIJO_C1 MAX_HALVINGS CURVATURE_TOL"

# %% given="sigmoid add_bias logistic_cost"

# %% [markdown]
# ## 1. Newton's method for a root
#
# To solve $f(\theta) = 0$, replace $f$ near the current point $\theta_k$ by its tangent line
# $f(\theta_k) + f'(\theta_k)(\theta - \theta_k)$ and take the point where the *tangent* crosses
# zero as the next guess:
#
# $$\theta_{k+1} = \theta_k - \frac{f(\theta_k)}{f'(\theta_k)}.$$
#
# For $f(\theta) = \theta^2 - 2$ from $\theta_0 = 1$ this gives $1,\ 3/2,\ 17/12,\ 577/408, \dots$ —
# the fourth iterate already has six correct digits of $\sqrt 2$.  Near a simple root the error
# is squared at every step (**quadratic convergence**); at a double root such as
# $(\theta - 1)^2$ it is only halved.  Far from a root, or where $f'$ is nearly 0, the tangent
# can throw the iterate far away: Newton's method is fast, not safe.
#
# Write `newton_root(f, fprime, x0, tol=1e-12, max_iter=50)` returning `(root, iterates)`:
#
# * `iterates` starts with `x0` and gets every new $\theta_{k+1}$ appended (a list or a 1-D array);
# * stop after the **first step** with $|\theta_{k+1} - \theta_k| <$ `tol`, or after `max_iter`
#   steps, whichever comes first; `root` is the last iterate;
# * raise `ValueError` if `fprime` is exactly 0 at an iterate (the tangent is flat).

# %% solution="newton_root"

# %% test="newton_root" points=1
_p = Polynomial([-2.0, 0.0, 1.0])  # x^2 - 2, derivative 2x
_root, _its = newton_root(_p, _p.derivative(), 1.0)
ag.expect_close(np.asarray(_its)[:4], [1.0, 1.5, 17 / 12, 577 / 408],
                "first four iterates of newton_root(x^2 - 2, 2x, x0=1)")
ag.expect_close(_root, np.sqrt(2.0), "root of newton_root(x^2 - 2, 2x, x0=1)")
ag.expect_shape(newton_root(_p, _p.derivative(), 100.0, max_iter=3)[1], (4,),
                "iterates of newton_root(x^2 - 2, 2x, x0=100, max_iter=3): x0 and three steps")
ag.expect_raises(ValueError, newton_root, Polynomial([1.0, 0.0, 1.0]), Polynomial([0.0, 2.0]), 0.0)

# %% cases="newton_root"
from autograder.problems import LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad, QuadraticGradient, RosenbrockCostGrad
rng = np.random.default_rng(801)
for coeffs, x0 in [([-2.0, 0.0, 1.0], 1.0), ([-2.0, 0.0, 1.0], -5.0), ([-6.0, 11.0, -6.0, 1.0], 3.6),
                   ([1.0, -3.0, 0.0, 1.0], 0.2), ([-5.0, 1.0, 0.0, 0.0, 0.0, 1.0], 2.0)]:
    case(Polynomial(coeffs), Polynomial(coeffs).derivative(), x0)
_c = np.concatenate([rng.normal(size=3), [1.0]])  # a random monic cubic: it has a real root
case(Polynomial(_c), Polynomial(_c).derivative(), float(rng.normal()))
case(Polynomial([-2.0, 0.0, 1.0]), Polynomial([0.0, 2.0]), 50.0, max_iter=4)
case(Polynomial([-2.0, 0.0, 1.0]), Polynomial([0.0, 2.0]), 3.0, tol=1e-3)
case(Polynomial([1.0, -2.0, 1.0]), Polynomial([-2.0, 2.0]), 2.0, max_iter=8)  # double root: slow


def _newton(f, fp, x0, tol=1e-12, max_iter=50, step=lambda fx, d: fx / d, first=True, use_tol=True,
            keep_last=True, steps=0):
    x, its = float(x0), [float(x0)]
    for _ in range(max_iter + steps):
        x_new = x - step(float(f(x)), float(fp(x)))
        done = abs(x_new - x) < tol
        if done and not keep_last:
            break
        its.append(x_new)
        x = x_new
        if done and use_tol:
            break
    its = np.array(its)
    return its[-1], (its if first else its[1:])


mistake("added the step (x + f(x)/f'(x)) instead of subtracting it",
        lambda *a, **k: _newton(*a, step=lambda fx, d: -fx / d, **k))
mistake("divided f'(x) by f(x): the step is f(x)/f'(x)", lambda *a, **k: _newton(*a, step=lambda fx, d: d / fx, **k))
mistake("left x0 out of iterates (they start with x0)", lambda *a, **k: _newton(*a, first=False, **k))
mistake("never stopped early: stop after the first step shorter than tol",
        lambda *a, **k: _newton(*a, use_tol=False, **k))
mistake("stopped without appending the last, converged iterate", lambda *a, **k: _newton(*a, keep_last=False, **k))
mistake("took max_iter - 1 steps (off by one)", lambda *a, **k: _newton(*a, steps=-1, **k))

# %% hidden="newton_root" points=2
ag.score(ag.check_cases("newton_root", ag.baked("newton_root")), points=2)

# %% [markdown]
# The figure shows the tangents for $f(\theta) = \theta^2 - 2$ from $\theta_0 = 3$ and, on the
# right, the error $|\theta_k - \theta^*|$ on a log scale: for the simple root the exponent doubles
# every step, for the double root $(\theta - 1)^2$ the error only halves — and it stalls near
# $10^{-8}$, because there $f$ itself ($\approx 10^{-16}$) is lost in round-off.

# %%
try:
    _f = Polynomial([-2.0, 0.0, 1.0])
    _, _its = newton_root(_f, _f.derivative(), 3.0)
    _its = np.asarray(_its)
    _g = Polynomial([1.0, -2.0, 1.0])
    _, _its2 = newton_root(_g, _g.derivative(), 3.0)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    _t = np.linspace(0.8, 3.2, 200)
    axes[0].plot(_t, _f(_t), "k", label=r"$f(\theta) = \theta^2 - 2$")
    for _x in _its[:3]:
        axes[0].plot(_t, _f(_x) + _f.derivative()(_x) * (_t - _x), "--", lw=1)
        axes[0].plot([_x], [_f(_x)], "o")
    axes[0].axhline(0, color="grey", lw=0.5)
    axes[0].set(ylim=(-2, 8), xlabel=r"$\theta$", title="each tangent's zero is the next iterate")
    axes[0].legend()
    axes[1].semilogy(np.abs(_its - np.sqrt(2)) + 1e-17, "o-", label=r"simple root of $\theta^2 - 2$")
    axes[1].semilogy(np.abs(np.asarray(_its2) - 1.0) + 1e-17, "s-", label=r"double root of $(\theta - 1)^2$")
    axes[1].set(xlabel="step k", ylabel=r"$|\theta_k - \theta^*|$", title="quadratic vs linear convergence")
    axes[1].legend()
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement newton_root to see the tangents.")

# %% [markdown]
# ## 2. Newton's method for a minimum — one step solves a quadratic
#
# A smooth $J$ has zero slope at a minimum, so minimizing $J$ means finding a root of $J'$.
# Newton's method on $f = J'$ (whose derivative is $J''$) gives
#
# $$\theta_{k+1} = \theta_k - \frac{J'(\theta_k)}{J''(\theta_k)}.$$
#
# Seen directly: the second-order Taylor model
# $J(\theta_k) + J'(\theta_k)\,d + \tfrac12 J''(\theta_k)\,d^2$ is a parabola in the step $d$, and
# its lowest point is at $d = -J'(\theta_k)/J''(\theta_k)$.  If $J$ **is** a quadratic,
# $J(\theta) = a\theta^2 + b\theta + c$ with $a > 0$, the model is exact: from any $\theta_0$,
#
# $$\theta_1 = \theta_0 - \frac{2a\theta_0 + b}{2a} = -\frac{b}{2a},$$
#
# the minimizer, in **one** step and with no learning rate.  Compare gradient descent, which
# multiplies the slope by a step size you must choose: too small is slow, too large overshoots.
# In $n$ dimensions the same idea reads $\theta := \theta - H^{-1}\nabla J(\theta)$ with the
# Hessian $H_{ij} = \partial^2 J / \partial\theta_i \partial\theta_j$, and again a quadratic cost is
# minimized in one step.
#
# Two cautions.  Newton's method looks for $J' = 0$, so where $J'' < 0$ it heads for a **maximum**
# just as happily; and the step is only trustworthy where the quadratic model is.  (The lecture's
# "best step is |first derivative| / second derivative" is this ratio.)
#
# Write `newton_minimize_1d(dJ, d2J, x0, tol=1e-12, max_iter=50)` returning `(x_min, iterates)`
# with exactly the stopping rule of `newton_root` (you may call it).

# %% solution="newton_minimize_1d"

# %% test="newton_minimize_1d" points=1
# J(x) = 2x^2 - 3x + 1: J'(x) = 4x - 3, J''(x) = 4, minimum at x = 3/4, reached in one step.
_x_min, _its = newton_minimize_1d(Polynomial([-3.0, 4.0]), Polynomial([4.0]), 10.0)
ag.expect_close(np.asarray(_its)[1], 0.75, "first Newton step on J = 2x^2 - 3x + 1 from x0 = 10")
ag.expect_close(_x_min, 0.75, "newton_minimize_1d on J = 2x^2 - 3x + 1")
# J(x) = x^4 + x^2 - 3x is not quadratic: several steps, ending where J'(x) = 4x^3 + 2x - 3 = 0.
_dJ = Polynomial([-3.0, 2.0, 0.0, 4.0])
_x_min, _ = newton_minimize_1d(_dJ, _dJ.derivative(), -2.0)
ag.expect_close(_dJ(_x_min), 0.0, "J'(x_min) for J = x^4 + x^2 - 3x")

# %% cases="newton_minimize_1d"
from autograder.problems import LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad, QuadraticGradient, RosenbrockCostGrad
rng = np.random.default_rng(802)
for dJ, x0 in [([-3.0, 4.0], 10.0), ([5.0, 1.0], -3.0), ([-3.0, 2.0, 0.0, 4.0], -2.0),
               ([-3.0, 2.0, 0.0, 4.0], 3.0), ([-1.0, 0.0, 1.0], 0.5)]:
    case(Polynomial(dJ), Polynomial(dJ).derivative(), x0)
_a, _b, _c = rng.uniform(0.5, 2.0), rng.uniform(0.5, 2.0), rng.normal()
case(Polynomial([_c, 2 * _b, 0.0, 4 * _a]), Polynomial([2 * _b, 0.0, 12 * _a]), float(rng.normal()))
case(Polynomial([-3.0, 4.0]), Polynomial([4.0]), 10.0, max_iter=1)
case(Polynomial([-3.0, 2.0, 0.0, 4.0]), Polynomial([2.0, 0.0, 12.0]), 2.0, tol=1e-4)


def _newton(f, fp, x0, tol=1e-12, max_iter=50, step=lambda g, h: g / h):
    x, its = float(x0), [float(x0)]
    for _ in range(max_iter):
        x_new = x - step(float(f(x)), float(fp(x)))
        its.append(x_new)
        done = abs(x_new - x) < tol
        x = x_new
        if done:
            break
    return x, np.array(its)


mistake("moved uphill: x + J'(x)/J''(x) instead of x - J'(x)/J''(x)",
        lambda *a, **k: _newton(*a, step=lambda g, h: -g / h, **k))
mistake("took a plain gradient step x - J'(x) (no division by J''(x))",
        lambda *a, **k: _newton(*a, step=lambda g, h: g, **k))
mistake("divided by J'(x) instead of J''(x)", lambda *a, **k: _newton(*a, step=lambda g, h: g / g, **k))
mistake("turned the ratio upside down: J''(x)/J'(x) instead of J'(x)/J''(x)",
        lambda *a, **k: _newton(*a, step=lambda g, h: h / g, **k))
mistake("multiplied by J''(x) instead of dividing by it", lambda *a, **k: _newton(*a, step=lambda g, h: g * h, **k))

# %% hidden="newton_minimize_1d" points=1
ag.score(ag.check_cases("newton_minimize_1d", ag.baked("newton_minimize_1d"),
                        trusted=ag.trusted("newton_root")), points=1)

# %% [markdown]
# On the quadratic $J(\theta) = 2\theta^2 - 3\theta + 1$ Newton lands on the minimum at once,
# while gradient descent with a good learning rate creeps and with a too-large one oscillates.
# On the quartic $\theta^4 + \theta^2 - 3\theta$ Newton needs a few steps, because the quadratic
# model is only approximate — but the error still collapses quadratically.

# %%
try:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for ax, (coeffs, x0, lrs, title) in zip(axes, [
            ([1.0, -3.0, 2.0], 2.5, (0.1, 0.45), r"$J = 2\theta^2 - 3\theta + 1$"),
            ([0.0, -3.0, 1.0, 0.0, 1.0], -1.5, (0.02, 0.06), r"$J = \theta^4 + \theta^2 - 3\theta$")]):
        _J = Polynomial(coeffs)
        _x_min, _its = newton_minimize_1d(_J.derivative(), _J.derivative().derivative(), x0)
        _t = np.linspace(-1.8, 2.7, 300)
        ax.plot(_t, _J(_t), "k", lw=1)
        ax.plot(_its, _J(np.asarray(_its)), "o-", color="C3",
                label=f"Newton: {len(_its) - 1} steps (the last one ~0: converged)")
        for _lr, _col in zip(lrs, ["C0", "C2"]):
            _x, _path = x0, [x0]
            for _ in range(8):
                _x = _x - _lr * _J.derivative()(_x)
                _path.append(_x)
            ax.plot(_path, _J(np.asarray(_path)), ".--", color=_col, label=f"gradient descent, lr={_lr} (8 steps)")
        ax.set(title=title, xlabel=r"$\theta$", ylim=(min(_J(_t)) - 0.5, _J(x0) + 2))
        ax.legend(fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement newton_minimize_1d to see the comparison.")

# %% [markdown]
# ## 3. The Hessian of regularized logistic regression
#
# Lesson 02's cost, with $X_b = [\mathbf 1, X]$ (shape $m \times (n+1)$), $z = X_b\theta$ and
# $h = g(z)$:
#
# $$J(\theta) = -\frac1m \sum_{i=1}^m \big[y_i \log h_i + (1 - y_i)\log(1 - h_i)\big]
#   + \frac{\lambda}{2m}\sum_{j=1}^n \theta_j^2,
# \qquad
# \nabla J = \frac1m X_b^\top (h - y) + \frac{\lambda}{m}\,[0, \theta_1, \dots, \theta_n]^\top .$$
#
# Differentiate the gradient once more.  Only $h$ depends on $\theta$, and the sigmoid's derivative
# is $g'(z) = g(z)(1 - g(z))$, so $\partial h_i / \partial \theta_j = h_i(1 - h_i)\,x_{ij}$ and
#
# $$H = \frac1m X_b^\top\, \mathrm{diag}\big(h \odot (1 - h)\big)\, X_b
#      + \frac{\lambda}{m}\,\mathrm{diag}(0, 1, \dots, 1).$$
#
# Read it as a weighted sum of outer products, $\frac1m\sum_i h_i(1-h_i)\, x_i x_i^\top$: every
# example contributes a positive semi-definite matrix, weighted by how *uncertain* the model is
# about it ($h(1-h)$ is largest, $1/4$, at $h = 1/2$ and vanishes for confident predictions).  So
# $H$ is positive semi-definite and the cost is **convex**; with $\lambda > 0$ the penalty makes it
# positive definite.  The bias entry $H_{00}$ gets no $\lambda/m$, exactly as the bias gets no
# decay in the gradient.
#
# Write `logistic_gradient_hessian(theta, X, y, lam)` returning `(grad, H)`, `grad` of shape
# `(n + 1,)` and `H` of shape `(n + 1, n + 1)`.  Avoid building the $m \times m$ matrix
# `np.diag(...)`: scaling the rows of $X_b$ by $h(1-h)$ gives the same product in $O(mn^2)$.

# %% solution="logistic_gradient_hessian"

# %% test="logistic_gradient_hessian" points=1
_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]])
_y = np.array([1.0, 0.0, 0.0, 1.0])
_Xb = np.hstack([np.ones((4, 1)), _X])
# At theta = 0 every h is 1/2: grad = X_b^T (1/2 - y) / m and H = X_b^T X_b / (4 m) + (lam/m) diag(0, 1, 1).
_grad, _H = logistic_gradient_hessian(np.zeros(3), _X, _y, 2.0)
ag.expect_close(_grad, _Xb.T @ (0.5 - _y) / 4, "grad at theta = 0, lam = 2")
ag.expect_close(_H, _Xb.T @ _Xb / 16 + 0.5 * np.diag([0.0, 1.0, 1.0]), "H at theta = 0, lam = 2")
# Away from 0: H v must be the derivative of grad . v (checked by central differences).
_v = np.array([0.3, -1.0, 0.7])
ag.expect_gradient(lambda t: tuple(np.asarray(a) @ _v for a in logistic_gradient_hessian(t, _X, _y, 2.0)),
                   np.array([0.5, -1.0, 0.25]), "H @ v against central differences of grad @ v")

# %% cases="logistic_gradient_hessian"
rng = np.random.default_rng(803)
for m, n, lam in [(8, 2, 0.0), (12, 3, 1.0), (20, 4, 2.5), (7, 1, 0.3), (30, 5, 10.0)]:
    case(rng.normal(size=n + 1), rng.normal(size=(m, n)), (rng.random(m) < 0.5).astype(float), lam)
case([0.5, -1.0, 2.0], [[1.0, 2.0], [-1.0, 0.5], [0.0, 3.0]], [1, 0, 1], 0.5)  # plain lists
case(np.array([0.0, 30.0, -30.0]), rng.normal(size=(6, 2)), np.array([1.0, 0, 1, 0, 1, 1]), 1.0)  # h near 0/1


def _grad_hess(theta, X, y, lam, weight=lambda h: h * (1 - h), scale=True, reg=lambda lam, m: lam / m,
               bias=False, grad_bias=False):
    Xb, th = add_bias(X), np.asarray(theta, dtype=float)
    m = Xb.shape[0]
    h = sigmoid(Xb @ th)
    H = Xb.T @ (Xb * weight(h)[:, None]) / (m if scale else 1)
    d = np.full(th.size, reg(lam, m))
    if not bias:
        d[0] = 0.0
    grad = logistic_cost(th, X, y, lam)[1]
    if grad_bias:
        grad = grad + lam / m * np.eye(th.size)[0] * th[0]
    return grad, H + np.diag(d)


mistake("left out the 1/m of the data term of H", lambda *a: _grad_hess(*a, scale=False))
mistake("regularized the bias: the penalty is (lam/m) diag(0, 1, ..., 1), with 0 for theta_0",
        lambda *a: _grad_hess(*a, bias=True))
mistake("added lam instead of lam/m on the diagonal of H", lambda *a: _grad_hess(*a, reg=lambda lam, m: lam))
mistake("used lam/(2m), the factor of the cost, instead of lam/m on the diagonal of H (d/dtheta of "
        "lam/(2m) theta^2 is (lam/m) theta)", lambda *a: _grad_hess(*a, reg=lambda lam, m: lam / (2 * m)))
mistake("forgot the regularization term (lam/m) diag(0, 1, ..., 1) of H",
        lambda *a: _grad_hess(*a, reg=lambda lam, m: 0.0))
mistake("weighted the examples by h instead of h(1 - h)", lambda *a: _grad_hess(*a, weight=lambda h: h))
mistake("weighted the examples by h(1 - h) twice: (h(1 - h))^2", lambda *a: _grad_hess(*a, weight=lambda h: (h * (1 - h)) ** 2))
mistake("regularized the bias in the gradient", lambda *a: _grad_hess(*a, grad_bias=True))

# %% hidden="logistic_gradient_hessian" points=3
_r = ag.check_cases("logistic_gradient_hessian", ag.baked("logistic_gradient_hessian"))
# H must be the derivative of the student's own gradient: d(grad . v)/dtheta = H v (H symmetric).
_rng = np.random.default_rng(8031)
_X, _y, _v = _rng.normal(size=(15, 3)), (_rng.random(15) < 0.5).astype(float), _rng.normal(size=4)
ag.check_gradient(_r, lambda t: tuple(np.asarray(a) @ _v for a in logistic_gradient_hessian(t, _X, _y, 1.5)),
                  _rng.normal(size=4), "H @ v vs central differences of grad @ v (X (15, 3), lam=1.5)", weight=2)
ag.score(_r, points=3)

# %% [markdown]
# ## 4. Newton's method for logistic regression
#
# With the gradient and the Hessian, a Newton step is
#
# $$\theta := \theta - H^{-1}\nabla J(\theta).$$
#
# Never form $H^{-1}$: solve the linear system $H d = \nabla J$ with `np.linalg.solve(H, grad)`
# and subtract $d$ — it is cheaper and more accurate.  Because the logistic cost is convex and
# smooth, Newton's method from $\theta = 0$ typically converges in 5–10 steps, each of which
# costs $O(mn^2)$ to build $H$ plus $O(n^3)$ to solve (this is what statisticians call
# *iteratively reweighted least squares*).  With $\lambda = 0$ and data a line separates
# perfectly, the cost has no minimizer ($\theta$ wants to grow forever) and $H$ becomes singular.
#
# Write `newton_logistic_regression(X, y, lam, iters)` returning `(theta, costs)`: start from
# `theta = np.zeros(n + 1)`, take exactly `iters` Newton steps, `costs[k]` the cost after `k`
# steps (`costs[0]` at the start), `len(costs) == iters + 1`.  Use your
# `logistic_gradient_hessian` and the given `logistic_cost`.

# %% solution="newton_logistic_regression"

# %% test="newton_logistic_regression" points=1
_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0], [0.5, 0.5], [-2.0, -1.0]])
_y = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0])
_theta, _costs = newton_logistic_regression(_X, _y, 1.0, 5)
ag.expect_shape(_theta, (3,), "theta of newton_logistic_regression(X (6, 2), y, lam=1, iters=5)")
ag.expect_shape(_costs, (6,), "costs of newton_logistic_regression(..., iters=5): the start and 5 steps")
ag.expect_close(_costs[0], np.log(2.0), "costs[0]: at theta = 0 every h is 1/2, so J = log 2")
# One step from 0 by hand: h = 1/2 everywhere, so grad and H have closed forms (section 3).
_Xb = np.hstack([np.ones((6, 1)), _X])
_step1 = -np.linalg.solve(_Xb.T @ _Xb / 24 + np.diag([0.0, 1.0, 1.0]) / 6, _Xb.T @ (0.5 - _y) / 6)
ag.expect_close(newton_logistic_regression(_X, _y, 1.0, 1)[0], _step1, "theta after one Newton step from 0")

# %% cases="newton_logistic_regression"
rng = np.random.default_rng(804)
for m, n, lam, iters in [(30, 2, 1.0, 5), (50, 3, 0.5, 8), (20, 1, 2.0, 3), (40, 4, 0.0, 6), (25, 2, 1.0, 0)]:
    X = rng.normal(size=(m, n))
    y = (X @ rng.normal(size=n) + rng.normal(size=m) > 0).astype(float)  # noisy labels: not separable
    case(X, y, lam, iters)


def _newton_lr(X, y, lam, iters, direction=lambda g, H: np.linalg.solve(H, g), sign=-1.0, drop=None, steps=0):
    theta = np.zeros(np.shape(X)[1] + 1)
    costs = [logistic_cost(theta, X, y, lam)[0]]
    for _ in range(iters + steps):
        g, H = logistic_gradient_hessian(theta, X, y, lam)
        theta = theta + sign * direction(g, H)
        costs.append(logistic_cost(theta, X, y, lam)[0])
    costs = costs[1:] if drop == "first" else costs[:-1] if drop == "last" else costs
    return theta, np.array(costs)


mistake("added the Newton step (theta + H^-1 grad) instead of subtracting it",
        lambda *a: _newton_lr(*a, sign=1.0))
mistake("multiplied the gradient by H instead of solving H d = grad", lambda *a: _newton_lr(*a, direction=lambda g, H: H @ g))
mistake("took a gradient step (theta - grad) instead of a Newton step", lambda *a: _newton_lr(*a, direction=lambda g, H: g))
mistake("left the starting cost out of costs (it needs iters + 1 entries, costs[0] at theta = 0)",
        lambda *a: _newton_lr(*a, drop="first"))
mistake("did not record the cost after the last step (costs needs iters + 1 entries)",
        lambda *a: _newton_lr(*a, drop="last"))
mistake("took iters - 1 Newton steps (off by one)", lambda *a: _newton_lr(*a, steps=-1))

# %% hidden="newton_logistic_regression" points=2
ag.score(ag.check_cases("newton_logistic_regression", ag.baked("newton_logistic_regression"),
                        trusted=ag.trusted("logistic_gradient_hessian")), points=2)

# %% [markdown]
# ## 5. Gradient descent, for comparison
#
# The first-order method of the earlier lessons, written for any cost: `cost_grad(theta)` returns
# `(J, grad)`, and every step is $\theta := \theta - \alpha \nabla J(\theta)$ with a fixed learning
# rate $\alpha$ (`lr`).  Each step costs one gradient evaluation plus $O(n)$ arithmetic.
#
# Write `gradient_descent(cost_grad, theta0, lr, iters)` returning `(theta, costs)` with
# `costs[k]` $= J(\theta_k)$ for `k = 0, ..., iters` (so `iters + 1` entries).  Do not modify
# `theta0`.

# %% solution="gradient_descent"

# %% test="gradient_descent" points=1
# J(t) = t^2 - 2t (A = [[2]], b = [2]): from 0 with lr = 1/4 every step halves the distance to 1.
_theta, _costs = gradient_descent(QuadraticCostGrad([[2.0]], [2.0]), np.array([0.0]), 0.25, 3)
ag.expect_close(_theta, [0.875], "theta after 3 steps on J = t^2 - 2t from 0, lr = 0.25")
ag.expect_close(_costs, [0.0, -0.75, -0.9375, -0.984375], "costs of the same run (J at theta_0, ..., theta_3)")
_theta0 = np.array([-1.2, 1.0])
gradient_descent(RosenbrockCostGrad(), _theta0, 1e-3, 5)
ag.expect_close(_theta0, [-1.2, 1.0], "theta0 after gradient_descent (it must not change)")

# %% cases="gradient_descent"
from autograder.problems import LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad, QuadraticGradient, RosenbrockCostGrad
rng = np.random.default_rng(805)
_M = rng.normal(size=(4, 4))
_X = rng.normal(size=(25, 2))
_y = (_X @ [1.0, -1.0] + rng.normal(size=25) > 0).astype(float)
case(QuadraticCostGrad([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0]), np.array([2.0, 2.0]), 0.1, 10)
case(RosenbrockCostGrad(), np.array([-1.2, 1.0]), 1e-3, 20)
case(LogisticCostGrad(_X, _y, 0.5), np.zeros(3), 0.5, 15)
case(QuadraticCostGrad(_M @ _M.T + np.eye(4), rng.normal(size=4)), rng.normal(size=4), 0.05, 12)
case(QuadraticCostGrad(_M @ _M.T + np.eye(4), rng.normal(size=4)), [1.0, 0.0, -1.0, 2.0], 0.05, 0)  # a list


def _gd(cost_grad, theta0, lr, iters, sign=-1.0, drop=None, rate=None):
    theta = np.array(theta0, dtype=float)
    J, g = cost_grad(theta)
    costs = [J]
    for _ in range(iters):
        theta = theta + sign * (lr if rate is None else rate) * g
        J, g = cost_grad(theta)
        costs.append(J)
    costs = costs[1:] if drop == "first" else costs[:-1] if drop == "last" else costs
    return theta, np.array(costs)


mistake("moved uphill: theta + lr * grad instead of theta - lr * grad", lambda *a: _gd(*a, sign=1.0))
mistake("left the starting cost out of costs (it needs iters + 1 entries, costs[0] = J(theta0))",
        lambda *a: _gd(*a, drop="first"))
mistake("did not record the cost after the last step (costs needs iters + 1 entries)",
        lambda *a: _gd(*a, drop="last"))
mistake("ignored lr (stepped by the whole gradient)", lambda *a: _gd(*a, rate=1.0))

# %% hidden="gradient_descent" points=2
ag.score(ag.check_cases("gradient_descent", ag.baked("gradient_descent")), points=2)

# %% [markdown]
# ## 6. A numerical Hessian
#
# When the Hessian is hard to derive (a network's, say), it can be estimated from the gradient,
# just as lesson 05 estimated the gradient from the cost.  Column $j$ of $H$ is the derivative of
# the gradient along $\theta_j$, so with the **central** difference
#
# $$H_{:,j} \approx \frac{\nabla J(\theta + \varepsilon e_j) - \nabla J(\theta - \varepsilon e_j)}{2\varepsilon}$$
#
# (error $O(\varepsilon^2)$; the one-sided version has error $O(\varepsilon)$).  A true Hessian is
# symmetric, $H_{ij} = H_{ji}$, but the two estimates of the same mixed derivative differ by
# round-off and truncation error; return the symmetric part $(H + H^\top)/2$.  The cost is $2n$
# gradient evaluations — for a network with $n$ weights, $2n$ backprops *per Hessian*.
#
# Write `numerical_hessian(grad_fn, theta, eps=1e-4)` returning the symmetric $n \times n$ matrix.
# Perturb a **copy** of `theta` (the caller's array must not change) and use the `eps` you are given.

# %% solution="numerical_hessian"

# %% test="numerical_hessian" points=1
# The gradient of J = t^T A t / 2 - b^T t is A t - b, linear: the estimate is A.
_A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]])
ag.expect_close(numerical_hessian(QuadraticGradient(_A, [1.0, 0.0, 2.0]), np.array([0.5, -1.0, 2.0])), _A,
                "numerical_hessian of the quadratic with A = [[4, 1, 0], [1, 3, -1], [0, -1, 2]]")
# grad = t^3 (J = sum t^4 / 4): the central difference is 3 t^2 + eps^2 on the diagonal.
_theta = np.array([1.0, 2.0])
ag.expect_close(numerical_hessian(lambda t: t ** 3, _theta, eps=0.1), [[3.01, 0.0], [0.0, 12.01]],
                "numerical_hessian(grad = t^3, theta = [1, 2], eps = 0.1)")
ag.expect_close(_theta, [1.0, 2.0], "theta after numerical_hessian (it must not change)")
# Not a gradient (its Jacobian [[0, 1], [0, 0]] is not symmetric): the result is the symmetric part.
ag.expect_close(numerical_hessian(lambda t: np.array([t[1], 0.0]), np.zeros(2)), [[0.0, 0.5], [0.5, 0.0]],
                "numerical_hessian(theta -> [theta_1, 0]): (H + H^T) / 2")

# %% cases="numerical_hessian"
from autograder.problems import LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad, QuadraticGradient, RosenbrockCostGrad
rng = np.random.default_rng(806)
for m, n, lam, eps in [(20, 2, 1.0, 1e-4), (30, 3, 0.0, 1e-4), (15, 4, 2.0, 0.05), (25, 2, 0.5, 0.2)]:
    X = rng.normal(size=(m, n))
    y = (rng.random(m) < 0.5).astype(float)
    case(LogisticGradient(X, y, lam), rng.normal(size=n + 1), eps=eps)
_M = rng.normal(size=(3, 3))
case(QuadraticGradient(_M + _M.T, rng.normal(size=3)), [0.5, -1.0, 2.0])  # theta as a list
case(LogisticGradient(rng.normal(size=(10, 2)), (rng.random(10) < 0.5).astype(float), 1.0), rng.normal(size=3))


def _fd_hessian(grad_fn, theta, eps=1e-4, kind="central", symmetric=True, divide=2.0, use_eps=True):
    eps = eps if use_eps else 1e-4
    theta = np.array(theta, dtype=float)
    n = theta.size
    H = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = eps
        low = theta - e if kind == "central" else theta
        H[:, j] = (np.asarray(grad_fn(theta + e)) - np.asarray(grad_fn(low))) / (divide * eps if kind == "central" else eps)
    return (H + H.T) / 2 if symmetric else H


mistake("used one-sided differences (g(theta + eps e_j) - g(theta)) / eps instead of central ones",
        lambda *a, **k: _fd_hessian(*a, kind="forward", **k))
mistake("did not symmetrize: return (H + H^T) / 2", lambda *a, **k: _fd_hessian(*a, symmetric=False, **k))
mistake("divided by eps instead of 2 eps", lambda *a, **k: _fd_hessian(*a, divide=1.0, **k))
mistake("ignored the eps argument (always used 1e-4)", lambda *a, **k: _fd_hessian(*a, use_eps=False, **k))

# %% hidden="numerical_hessian" points=2
ag.score(ag.check_cases("numerical_hessian", ag.baked("numerical_hessian")), points=2)

# %% [markdown]
# ## 7. Quasi-Newton: the BFGS update (a rank-**2** correction)
#
# Newton's step needs $H^{-1}\nabla J$.  Quasi-Newton methods never compute a Hessian; they keep a
# matrix $H_k$ that *approximates the inverse Hessian* and improve it after every step from what
# the step revealed.  Write the step as $s = \theta_{k+1} - \theta_k$ and the change in the gradient
# as $y = \nabla J(\theta_{k+1}) - \nabla J(\theta_k)$.  For a quadratic cost $y = H s$ exactly, so
# we ask the new approximation to reproduce that: the **secant condition**
#
# $$H_{k+1}\, y = s .$$
#
# Among all symmetric matrices satisfying it, BFGS (Broyden, Fletcher, Goldfarb, Shanno, 1970)
# picks the one closest to $H_k$ in a suitable norm.  With $\rho = 1/(y^\top s)$:
#
# $$H_{k+1} = (I - \rho\, s y^\top)\, H_k\, (I - \rho\, y s^\top) + \rho\, s s^\top .$$
#
# Check it: $(I - \rho y s^\top) y = y - \rho y (s^\top y) = 0$, so the first term vanishes on $y$
# and $H_{k+1} y = \rho s (s^\top y) = s$.  Multiplied out, with $u = H_k y$,
#
# $$H_{k+1} = H_k - \rho\,(s u^\top + u s^\top) + (\rho^2\, y^\top u + \rho)\, s s^\top,$$
#
# which shows two things: the change $H_{k+1} - H_k$ lies in the span of $s$ and $u$, so it has
# **rank two**, and it costs $O(n^2)$ operations (outer products and one matrix–vector product),
# not the $O(n^3)$ of a linear solve.  If $H_k$ is symmetric positive definite and $y^\top s > 0$
# (the *curvature condition*, true for every step on a convex cost), $H_{k+1}$ is symmetric
# positive definite too, so $-H_{k+1}\nabla J$ always points downhill.
#
# > **A correction to the lecture slide.** The slide says BFGS "approximates the inverse Hessian
# > with rank 1 updates".  That is not right: the BFGS correction above has rank **two**.  Rank-1
# > quasi-Newton updates exist (SR1, $H + \frac{(s - Hy)(s - Hy)^\top}{(s - Hy)^\top y}$), but they
# > are a different method, and they do not keep $H$ positive definite.
#
# L-BFGS (limited-memory BFGS, used below through scipy) never stores $H$ at all: it keeps the last
# few pairs $(s, y)$ and applies the updates to a vector on the fly, $O(n)$ memory per pair.
#
# Write `bfgs_update(H_inv, s, y)` returning $H_{k+1}$; raise `ValueError` unless $y^\top s > 0$.

# %% solution="bfgs_update"

# %% test="bfgs_update" points=1
# By hand: H = I, s = [1, 0], y = [2, 1], rho = 1/2, I - rho s y^T = [[0, -1/2], [0, 1]].
_H = bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 1.0]))
ag.expect_close(_H, [[0.75, -0.5], [-0.5, 1.0]], "bfgs_update(I, s=[1, 0], y=[2, 1])")
_rng = np.random.default_rng(0)
_B = _rng.normal(size=(4, 4))
_H0, _s = np.linalg.inv(_B @ _B.T + 4 * np.eye(4)), _rng.normal(size=4)
_y = (_B.T @ _B + np.eye(4)) @ _s  # the gradient change of a convex quadratic: y^T s > 0
_H = bfgs_update(_H0, _s, _y)
ag.expect_close(_H @ _y, _s, "H_new @ y (the secant condition H_new y = s)")
ag.expect_close(_H - _H.T, np.zeros((4, 4)), "H_new - H_new^T (H_new must be symmetric)")
ag.expect_raises(ValueError, bfgs_update, np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))

# %% cases="bfgs_update"
rng = np.random.default_rng(807)
for n in (2, 3, 5, 8):
    M, Bm = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    s = rng.normal(size=n)
    case(np.linalg.inv(M @ M.T + n * np.eye(n)), s, (Bm @ Bm.T + np.eye(n)) @ s)
case(np.eye(3).tolist(), [1.0, 0.0, 0.5], [2.0, 0.5, 0.0])  # plain lists


def _as3(H, s, y):
    H, s, y = (np.asarray(a, dtype=float) for a in (H, s, y))
    return H, s, y, 1.0 / (s @ y), np.eye(len(s))


def _sr1(H, s, y):
    H, s, y, _, _ = _as3(H, s, y)
    r = s - H @ y
    return H + np.outer(r, r) / (r @ y)


def _no_sst(H, s, y):
    H, s, y, rho, I = _as3(H, s, y)
    return (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s))


def _rho_inverted(H, s, y):
    H, s, y, rho, I = _as3(H, s, y)
    rho = 1.0 / rho
    return (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)


def _swapped_order(H, s, y):
    H, s, y, rho, I = _as3(H, s, y)
    return (I - rho * np.outer(y, s)) @ H @ (I - rho * np.outer(s, y)) + rho * np.outer(s, s)


def _direct(H, s, y):
    H, s, y, rho, _ = _as3(H, s, y)
    return H - np.outer(H @ s, H @ s) / (s @ H @ s) + rho * np.outer(y, y)


mistake("made a rank-1 (SR1) update; BFGS changes H by a rank-2 matrix", _sr1)
mistake("swapped s and y (the result maps s to y instead of y to s)", lambda H, s, y: bfgs_update(H, y, s))
mistake("left out the + rho s s^T term", _no_sst)
mistake("used rho = y^T s instead of 1 / (y^T s)", _rho_inverted)
mistake("multiplied in the wrong order: (I - rho y s^T) H (I - rho s y^T)", _swapped_order)
mistake("applied the update of the Hessian B itself (B - B s s^T B / s^T B s + y y^T / y^T s), "
        "not of its inverse", _direct)

# %% hidden="bfgs_update" points=2
_r = ag.check_cases("bfgs_update", ag.baked("bfgs_update"))
# Properties on a larger case: the secant condition, symmetry, positive definiteness.
_rng = np.random.default_rng(8071)
_B, _C = _rng.normal(size=(6, 6)), _rng.normal(size=(6, 6))
_H0, _s = np.linalg.inv(_B @ _B.T + 6 * np.eye(6)), _rng.normal(size=6)
_y = (_C @ _C.T + np.eye(6)) @ _s
_out = ag.call("bfgs_update", [_H0, _s, _y])
_p = ag.Result("bfgs_update (secant condition, symmetry, positive definiteness)")
if ag.GRADER:
    _Hn = None
    if not _out.ok:
        _p.fail(f"bfgs_update(H (6, 6), s, y) raised {_out.error}", weight=3)
    else:
        try:
            _Hn = np.asarray(_out.value, dtype=float).reshape(6, 6)
        except (TypeError, ValueError):
            _p.fail(f"bfgs_update(H (6, 6), s, y): expected a (6, 6) matrix, received shape {np.shape(_out.value)}",
                    weight=3)
    if _Hn is not None:
        _p.check_close(_Hn @ _y, _s, "H_new @ y (the secant condition H_new y = s)", rtol=1e-8, atol=1e-10)
        _p.check_close(_Hn - _Hn.T, np.zeros((6, 6)), "H_new - H_new^T (H_new must be symmetric)", atol=1e-10)
        _eig = np.linalg.eigvalsh((_Hn + _Hn.T) / 2) if np.all(np.isfinite(_Hn)) else np.array([np.nan])
        if np.all(_eig > 0):
            _p.record(1.0)
        else:
            _p.fail(f"H_new is not positive definite (smallest eigenvalue {np.min(_eig):.3g}) although H was "
                    "and y^T s > 0: BFGS keeps H positive definite")
ag.score(_r, _p, points=2)

# %% [markdown]
# ## 8. BFGS with a backtracking (Armijo) line search
#
# A quasi-Newton direction $p = -H_k \nabla J$ is only a guess until $H_k$ has learned the
# curvature, so the step length is chosen by a **line search**.  The simplest good one is
# *backtracking*: try $\alpha = 1$ (the full quasi-Newton step) and halve $\alpha$ until the
# **Armijo** (sufficient-decrease) condition holds,
#
# $$J(\theta + \alpha p) \le J(\theta) + c_1\, \alpha\, \nabla J(\theta)^\top p, \qquad c_1 = 10^{-4}.$$
#
# Since $\nabla J^\top p < 0$, the right-hand side is a little *below* $J(\theta)$: the step must
# achieve at least a small fraction of the decrease the slope promises.  (Plain "$J$ went down" is
# not enough: it accepts steps so tiny that the method stalls.)  The algorithm,
# `bfgs(cost_grad, theta0, iters)`:
#
# 1. $H = I$; evaluate `J, g = cost_grad(theta0)`; `costs = [J]`.
# 2. Repeat `iters` times: $p = -Hg$; $\alpha = 1$, halved while
#    $J(\theta + \alpha p) > J + c_1 \alpha\, g^\top p$ (`ARMIJO_C1`; at most `MAX_HALVINGS` halvings);
#    $s = \alpha p$, $\theta := \theta + s$, $y = g_{\text{new}} - g$;
#    if $y^\top s >$ `CURVATURE_TOL` $\cdot \lVert y\rVert\,\lVert s\rVert$ set `H = bfgs_update(H, s, y)`
#    (otherwise keep $H$: with an Armijo-only search a non-convex cost can violate the curvature
#    condition); append the new cost.
# 3. Return `(theta, costs)` with `len(costs) == iters + 1`.
#
# The first iteration is a gradient step ($H = I$) with a backtracked step size; from then on the
# directions get better as $H$ absorbs curvature, and near the minimum the full step $\alpha = 1$
# is accepted and convergence becomes superlinear.

# %% solution="bfgs"

# %% test="bfgs" points=1
_theta, _costs = bfgs(RosenbrockCostGrad(), np.array([-1.2, 1.0]), 100)
ag.expect_close(_theta, [1.0, 1.0], "bfgs on Rosenbrock from (-1.2, 1) after 100 iterations", atol=1e-6)
ag.expect_shape(_costs, (101,), "costs of bfgs(..., iters=100)")
ag.expect_close(_costs[0], 24.2, "costs[0] = J(-1.2, 1) = 2.2^2 + 100 * 0.44^2")
ag.expect_close(np.all(np.diff(_costs) <= 0), True, "every step lowers the cost (Armijo), so costs never increase")

# %% cases="bfgs"
from autograder.problems import LogisticCostGrad, LogisticGradient, Polynomial, QuadraticCostGrad, QuadraticGradient, RosenbrockCostGrad
rng = np.random.default_rng(808)
_M = rng.normal(size=(3, 3))
_X = rng.normal(size=(40, 3))
_y = (_X @ rng.normal(size=3) + rng.normal(size=40) > 0).astype(float)
case(RosenbrockCostGrad(), np.array([-1.2, 1.0]), 6)
case(QuadraticCostGrad(_M @ _M.T + np.eye(3), rng.normal(size=3)), np.zeros(3), 4)
case(LogisticCostGrad(_X, _y, 1.0), np.zeros(4), 6)
case(RosenbrockCostGrad(a=2.0, c=10.0), [0.0, 0.0], 6)  # theta0 as a list
case(QuadraticCostGrad([[2.0, 0.5], [0.5, 1.0]], [1.0, 1.0]), np.array([1.0, -1.0]), 0)
case(QuadraticCostGrad([[2.0]], [0.0]), np.array([1.0]), 3)  # the full first step lands exactly level: J(-1) = J(1)


def _bfgs(cost_grad, theta0, iters, search="armijo", update="bfgs", drop=None, direction=-1.0):
    theta = np.array(theta0, dtype=float)
    H = np.eye(theta.size)
    J, g = cost_grad(theta)
    costs = [J]
    for _ in range(iters):
        p = direction * (H @ g)
        alpha = 1.0
        J_new, g_new = cost_grad(theta + alpha * p)
        for _ in range(MAX_HALVINGS if search != "none" else 0):
            bound = J + ARMIJO_C1 * alpha * (g @ p) if search == "armijo" else J - ARMIJO_C1 * alpha * (g @ p)
            if J_new <= bound:
                break
            alpha /= 2
            J_new, g_new = cost_grad(theta + alpha * p)
        s, yv = alpha * p, g_new - g
        if s @ yv > CURVATURE_TOL * np.linalg.norm(s) * np.linalg.norm(yv):
            if update == "bfgs":
                H = bfgs_update(H, s, yv)
            elif update == "swapped":
                H = bfgs_update(H, yv, s)
            elif update == "sr1":
                r = s - H @ yv
                H = H + np.outer(r, r) / (r @ yv) if abs(r @ yv) > 1e-12 else H
        theta, J, g = theta + s, J_new, g_new
        costs.append(J)
    costs = costs[1:] if drop == "first" else costs[:-1] if drop == "last" else costs
    return theta, np.array(costs)


mistake("flipped the sign of the Armijo term: the test must be J(theta + alpha p) <= J + c1 alpha g^T p "
        "(g^T p < 0, so the bound lies below J)", lambda *a: _bfgs(*a, search="wrong sign"))
mistake("took full steps (alpha = 1) without a line search", lambda *a: _bfgs(*a, search="none"))
mistake("made a rank-1 (SR1) update instead of the rank-2 BFGS update", lambda *a: _bfgs(*a, update="sr1"))
mistake("swapped s and y in the update (call bfgs_update(H, s, y))", lambda *a: _bfgs(*a, update="swapped"))
mistake("never updated H (that is gradient descent with a line search)", lambda *a: _bfgs(*a, update="none"))
mistake("moved along +H g (uphill) instead of p = -H g", lambda *a: _bfgs(*a, direction=1.0))
mistake("left the starting cost out of costs (it needs iters + 1 entries)", lambda *a: _bfgs(*a, drop="first"))
mistake("did not record the cost after the last step (costs needs iters + 1 entries)", lambda *a: _bfgs(*a, drop="last"))

# %% hidden="bfgs" points=3
_r = ag.check_cases("bfgs", ag.baked("bfgs"), trusted=ag.trusted("bfgs_update"))
# Long runs: BFGS must reach the minimizer, and the Armijo search must never let the cost rise.
_long = ag.Result("bfgs (long runs reach the minimum; the cost never rises)")
_runs = [("bfgs(Rosenbrock, theta0=(-1.2, 1), iters=100)", [RosenbrockCostGrad(), np.array([-1.2, 1.0]), 100],
          np.array([1.0, 1.0])),
         ("bfgs(Rosenbrock, theta0=(2, 3), iters=100)", [RosenbrockCostGrad(), np.array([2.0, 3.0]), 100],
          np.array([1.0, 1.0])),
         ("bfgs(quadratic with A = diag(1, 10, 100), b = (1, 1, 1), iters=40)",
          [QuadraticCostGrad(np.diag([1.0, 10.0, 100.0]), np.ones(3)), np.zeros(3), 40],
          np.array([1.0, 0.1, 0.01]))]
_swap = ag.trusted("bfgs_update")  # your bfgs_update is graded above, not again here
_outs = [ag.call("bfgs", _args, swap=_swap) for _, _args, _ in _runs]
if ag.GRADER:
    for (_label, _args, _best), _out in zip(_runs, _outs):
        if not _out.ok:
            _long.fail(f"{_label} raised {_out.error}")
            continue
        try:
            _theta, _costs = (np.asarray(v, dtype=float) for v in _out.value)
        except (TypeError, ValueError):
            _long.fail(f"{_label}: expected (theta, costs), received {type(_out.value).__name__}")
            continue
        if _theta.shape != _best.shape or not np.allclose(_theta, _best, atol=1e-5):
            _long.fail(f"{_label}: expected theta close to the minimizer {_best}, received {_theta}")
        elif _costs.shape != (_args[2] + 1,):
            _long.fail(f"{_label}: expected {_args[2] + 1} costs (the start and every step), received shape "
                       f"{_costs.shape}")
        elif not np.all(np.diff(_costs) <= 0):
            _k = int(np.argmax(np.diff(_costs) > 0))
            _long.fail(f"{_label}: the cost rose from {_costs[_k]:.6g} to {_costs[_k + 1]:.6g} at step {_k + 1}; "
                       "an Armijo step never increases the cost")
        else:
            _long.record(1.0)
ag.score(_r, _long, points=3)

# %% [markdown]
# ## 9. The race: cost per iteration and per second
#
# Now all four methods on the same problems: your `gradient_descent`, Newton (your
# `newton_logistic_regression`), your `bfgs`, and scipy's L-BFGS-B.  Two clocks matter: the number
# of **iterations** (Newton wins by far) and the **wall time** (where each Newton iteration pays
# for its Hessian).  For the wall-time plot every cost evaluation is time-stamped and the best cost
# so far is drawn; Newton's steps all cost the same, so its run time is spread evenly over them.
#
# First, logistic regression with $m = 2000$ examples and $n = 40$ features.

# %% locked=true
class Timed:
    """Wraps ``cost_grad``: records (seconds since creation, best J so far) at every evaluation."""

    def __init__(self, cost_grad):
        self.cost_grad, self.t0, self.times, self.best = cost_grad, time.perf_counter(), [], []

    def __call__(self, theta):
        J, grad = self.cost_grad(theta)
        self.times.append(time.perf_counter() - self.t0)
        self.best.append(min(float(J), self.best[-1]) if self.best else float(J))
        return J, grad


def race_data(m=2000, n=40, seed=8):
    """Two overlapping Gaussian classes in n dimensions (labels 0/1), features of different scales."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n)) * np.linspace(0.5, 3.0, n)
    y = (X @ rng.normal(size=n) / np.sqrt(n) + rng.normal(size=m) > 0).astype(float)
    return X, y


X_race, y_race = race_data()
LAM_RACE = 1.0

# %%
try:
    _cg = LogisticCostGrad(X_race, y_race, LAM_RACE)
    _n1 = X_race.shape[1] + 1
    # The largest stable learning rate for GD is 2/L, L = the largest eigenvalue of the Hessian,
    # at most max eig(X_b^T X_b)/(4m) + lam/m; we use 1/L.
    _Xb = np.hstack([np.ones((len(y_race), 1)), X_race])
    _L = np.linalg.eigvalsh(_Xb.T @ _Xb / (4 * len(y_race)))[-1] + LAM_RACE / len(y_race)
    _results = {}
    _t = Timed(_cg)
    _, _c = gradient_descent(_t, np.zeros(_n1), 1.0 / _L, 300)
    _results["gradient descent (lr = 1/L)"] = (_c, _t.times, _t.best)
    _t0 = time.perf_counter()
    _, _c = newton_logistic_regression(X_race, y_race, LAM_RACE, 10)
    _dt = time.perf_counter() - _t0
    _results["Newton"] = (_c, np.linspace(0, _dt, len(_c)), _c)
    _t = Timed(_cg)
    _, _c = bfgs(_t, np.zeros(_n1), 80)
    _results["BFGS (yours)"] = (_c, _t.times, _t.best)
    _t = Timed(_cg)
    _lb = [_cg(np.zeros(_n1))[0]]
    scipy.optimize.minimize(_t, np.zeros(_n1), jac=True, method="L-BFGS-B", options={"maxiter": 80},
                            callback=lambda v: _lb.append(_cg(v)[0]))
    _results["scipy L-BFGS-B"] = (np.array(_lb), _t.times, _t.best)
    _J_star = min(min(r[0]) for r in _results.values())

    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for _name, (_c, _times, _best) in _results.items():
        axes[0].semilogy(np.asarray(_c) - _J_star + 1e-16, label=_name)
        axes[1].semilogy(1000 * np.asarray(_times), np.asarray(_best) - _J_star + 1e-16, label=_name)
    axes[0].set(xlabel="iteration", ylabel=r"$J - J^*$", title="logistic regression: per iteration", xlim=(0, 80))
    axes[1].set(xlabel="wall time (ms)", ylabel=r"best $J - J^*$ so far", title="per second")
    axes[0].legend()
    plt.tight_layout()
    plt.show()
    for _name, (_c, _times, _) in _results.items():
        _k = int(np.argmax(np.asarray(_c) - _J_star < 1e-8)) if np.any(np.asarray(_c) - _J_star < 1e-8) else None
        print(f"{_name:28s} {'not within 1e-8 of J*' if _k is None else f'within 1e-8 of J* after {_k} iterations'}"
              f", {1000 * _times[-1]:.1f} ms in total")
except NotImplementedError:
    print("Implement gradient_descent, newton_logistic_regression and bfgs to run the race.")

# %% [markdown]
# On this convex problem Newton reaches machine precision in a handful of iterations — and here,
# with only 41 parameters, each iteration is cheap enough that it usually wins on the clock too.
# (scipy's L-BFGS-B stops as soon as its own tolerance is met, near $10^{-8}$.)  Gradient
# descent makes steady but slow progress: its rate depends on the *condition number* of the
# Hessian (the features have different scales), which Newton's method undoes by its $H^{-1}$.
# BFGS and L-BFGS land in between, without ever computing a Hessian.
#
# **The network cost.**  Now a small network from lessons 03–04 (its cost `nn_cost_function` is
# given below) on three classes: 2 inputs, 8 hidden units, 3 outputs, 51 weights.  The cost is
# **not convex**, so the Hessian can have negative eigenvalues and the pure Newton step may go
# uphill or head for a saddle point.  The Newton variant below therefore uses your
# `numerical_hessian` (102 backprops per iteration), shifts it to be positive definite
# ($H + \mu I$ with $\mu$ just above $-\lambda_{\min}$ when needed, a standard "modified Newton")
# and backtracks like BFGS.

# %% given="feedforward count_weights check_labels one_hot as_weight_list l2_penalty"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits sigmoid_gradient _network _targets forward_propagation"

# %% given="LOSSES backprop unroll roll layer_shapes nn_cost_function"

# %% locked=true
def three_clouds(m=150, seed=808):
    """m points in 2-D around three centres, labels 0, 1, 2 in turn."""
    rng = np.random.default_rng(seed)
    y = np.arange(m) % 3
    return np.array([[0.0, 1.5], [-1.5, -1.0], [1.5, -1.0]])[y] + 0.8 * rng.normal(size=(m, 2)), y


X_net, y_net = three_clouds()
SIZES_NET, LAM_NET = [2, 8, 3], 0.1
THETA0_NET = np.random.default_rng(3).uniform(-0.5, 0.5, size=count_weights(SIZES_NET))


def net_cost_grad(p):
    return nn_cost_function(p, SIZES_NET, X_net, y_net, LAM_NET)


def modified_newton(cost_grad, theta, iters, shift=1e-3):
    """Newton steps with the numerical Hessian made positive definite, plus Armijo backtracking."""
    J, g = cost_grad(theta)
    costs = [J]
    for _ in range(iters):
        H = numerical_hessian(lambda t: cost_grad(t)[1], theta)
        low = np.linalg.eigvalsh(H)[0]
        if low < shift:
            H = H + (shift - low) * np.eye(len(theta))
        p = -np.linalg.solve(H, g)
        alpha = 1.0
        while cost_grad(theta + alpha * p)[0] > J + ARMIJO_C1 * alpha * (g @ p) and alpha > 1e-10:
            alpha /= 2
        theta = theta + alpha * p
        J, g = cost_grad(theta)
        costs.append(J)
    return theta, np.array(costs)

# %%
try:
    _runs = {}
    _t = Timed(net_cost_grad)
    _, _c = gradient_descent(_t, THETA0_NET, 2.0, 400)
    _runs["gradient descent (lr = 2)"] = (_c, _t.times, _t.best)
    _t = Timed(net_cost_grad)
    _, _c = modified_newton(_t, THETA0_NET, 15)
    _runs["modified Newton (numerical H)"] = (_c, _t.times, _t.best)
    _t = Timed(net_cost_grad)
    _, _c = bfgs(_t, THETA0_NET, 150)
    _runs["BFGS (yours)"] = (_c, _t.times, _t.best)
    _t = Timed(net_cost_grad)
    _lb = [net_cost_grad(THETA0_NET)[0]]
    scipy.optimize.minimize(_t, THETA0_NET, jac=True, method="L-BFGS-B", options={"maxiter": 150},
                            callback=lambda v: _lb.append(net_cost_grad(v)[0]))
    _runs["scipy L-BFGS-B"] = (np.array(_lb), _t.times, _t.best)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for _name, (_c, _times, _best) in _runs.items():
        axes[0].plot(_c, label=_name)
        axes[1].plot(1000 * np.asarray(_times), _best, label=_name)
    axes[0].set(xlabel="iteration", ylabel="J", title="2-8-3 network: per iteration", yscale="log", xlim=(0, 150))
    axes[1].set(xlabel="wall time (ms)", ylabel="best J so far", title="per second", yscale="log")
    axes[0].legend()
    plt.tight_layout()
    plt.show()
    for _name, (_c, _times, _) in _runs.items():
        print(f"{_name:30s} J = {_c[-1]:.5f} after {len(_c) - 1} iterations, {1000 * _times[-1]:.0f} ms")
except NotImplementedError:
    print("Implement gradient_descent, numerical_hessian, bfgs_update and bfgs to run the race.")

# %% [markdown]
# Per iteration the Newton variant is again the fastest; per second it is the slowest, because
# every iteration pays $2n$ backprops for the Hessian plus an eigenvalue decomposition — and a
# network's cost is non-convex, so the plain Newton step needed repairing.  The quasi-Newton
# methods learn the curvature for the price of a few gradients, which is why L-BFGS (and, for very
# large networks, first-order methods with momentum and adaptive steps, lesson 07) are what is used
# in practice.  (Which minimum each method finds may differ too: the cost is not convex.)
#
# ## 10. How the work per iteration grows with $n$ — measured
#
# Leave the gradient aside (every method needs it) and time only what each method does **with**
# it in one iteration, for $n$ parameters:
#
# * gradient descent: $\theta - \alpha g$, a vector operation, $O(n)$;
# * BFGS: `bfgs_update` and the direction $-Hg$, outer products and matrix–vector products, $O(n^2)$;
# * Newton: solving $H d = g$, $O(n^3)$ (LU factorization), plus $O(mn^2)$ to build $H$ (not timed).
#
# If the time grows like $n^k$, then $\log t = k \log n + c$: the slope of the log-log plot *is*
# the exponent.  Each method is timed at sizes where its own work dominates Python's fixed cost per
# call (about a microsecond), and on one BLAS thread, so that the slope measures the algorithm.

# %%
def _best_time(fn, repeat=3, number=1):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


try:
    # Each method at sizes where its own work dominates Python's fixed cost per call (~1 microsecond).
    _rng = np.random.default_rng(0)
    _times = {}
    _ns, _t = np.array([3_000, 10_000, 30_000, 100_000]), []
    for _n in _ns:
        _th, _g, _out = _rng.normal(size=_n), _rng.normal(size=_n), np.empty(_n)
        # in place, as an optimizer would: allocating a fresh array each time would time the allocator
        _t.append(_best_time(lambda: np.subtract(_th, np.multiply(_g, 0.1, out=_out), out=_out), number=20))
    _times["gradient step (theta - lr g)"] = (_ns, _t)
    # From n = 800 on, every n x n temporary is fresh memory from the operating system: below that
    # size NumPy recycles memory and the times jump where the regime changes, not because of n.
    _ns, _t = np.array([800, 1131, 1600]), []
    for _n in _ns:
        _g, _s = _rng.normal(size=_n), _rng.normal(size=_n)
        _y = _s + 0.1 * _rng.normal(size=_n)  # y^T s > 0
        _Hm = np.eye(_n)
        _t.append(_best_time(lambda: bfgs_update(_Hm, _s, _y) @ _g, repeat=3))
    _times["BFGS update + direction -H g"] = (_ns, _t)
    _ns, _t = np.array([200, 400, 800, 1131]), []
    for _n in _ns:
        _Hm = np.eye(_n) + 0.01 * _rng.normal(size=(_n, _n))
        _g = _rng.normal(size=_n)
        _t.append(_best_time(lambda: np.linalg.solve(_Hm, _g), repeat=3))
    _times["Newton: solve H d = g"] = (_ns, _t)
    plt.figure(figsize=(7, 4))
    for _name, (_ns, _t) in _times.items():
        _k = np.polyfit(np.log(_ns), np.log(_t), 1)[0]
        plt.loglog(_ns, 1e3 * np.array(_t), "o-", label=f"{_name}: measured slope {_k:.2f}")
        print(f"{_name:30s} " + "  ".join(f"n={n}: {1e3 * t:.3g} ms" for n, t in zip(_ns, _t)) + f"   ~ n^{_k:.2f}")
    plt.xlabel("number of parameters n")
    plt.ylabel("time per iteration (ms)")
    plt.title("work per iteration besides the gradient")
    plt.legend(fontsize=8)
    plt.show()
except NotImplementedError:
    print("Implement bfgs_update to run the measurement.")

# %% [markdown]
# The slopes should come out near 1, 2 and 3.  Measurements are not operation counts: when the
# matrices outgrow the processor's caches, memory traffic adds to the time, and a busy machine adds
# noise, so read them to within a few tenths.  (A BFGS slope near 3 means `bfgs_update` multiplies
# whole matrices — the product form $(I - \rho s y^\top) H (I - \rho y s^\top)$ evaluated with `@` is
# $O(n^3)$; multiplied out it is $O(n^2)$.)
# Doubling $n$ doubles a gradient step's work but multiplies Newton's by eight: at $n = 10^6$
# weights — a small modern network — the Hessian alone would need 8 TB of memory, and one solve
# some $10^{17}$ operations.  That is why deep learning uses first-order methods.
#
# ## Summary
#
# * Newton's method follows the tangent to its zero: $\theta := \theta - f/f'$ for roots,
#   $\theta := \theta - J'/J''$ (in $n$ dimensions $\theta := \theta - H^{-1}\nabla J$) for minima.
#   It converges quadratically near a solution, needs no learning rate, and solves a quadratic in
#   one step; far from the solution, or on a non-convex cost, it needs safeguards.
# * Regularized logistic regression has the Hessian
#   $\frac1m X_b^\top \mathrm{diag}(h(1-h)) X_b + \frac\lambda m \mathrm{diag}(0, 1, \dots, 1)$:
#   positive semi-definite, so the cost is convex and Newton converges in a few steps.
# * A Hessian can be estimated by central differences of the gradient ($2n$ gradient evaluations),
#   symmetrized.
# * BFGS updates an inverse-Hessian approximation by a **rank-2** correction that satisfies the
#   secant condition $H y = s$ and keeps $H$ positive definite when $y^\top s > 0$; with a
#   backtracking Armijo line search it is robust and superlinearly convergent.  L-BFGS stores only
#   a few $(s, y)$ pairs.
# * Per iteration: Newton $O(n^3)$ (plus the Hessian), BFGS $O(n^2)$, gradient descent $O(n)$ —
#   measured above, not just claimed.

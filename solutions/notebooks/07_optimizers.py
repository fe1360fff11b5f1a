# %% [markdown]
# # Lesson 07 — First-order optimizers
#
# Backprop (lesson 03) tells us the gradient of the cost; lesson 04 handed cost and gradient to a
# ready-made optimizer.  This lesson opens that black box.  Everything here uses only the
# gradient — first derivatives — which is why these methods are called *first-order*: one step
# costs one gradient, and they scale to networks with millions of weights.
#
# Plain gradient descent has two weaknesses that the other methods repair:
#
# * on a long, narrow valley (an *ill-conditioned* cost) it zig-zags across the valley and crawls
#   along it — **momentum** and **Nesterov momentum** build up speed along the valley floor;
# * one learning rate has to suit every parameter, steep and flat directions alike —
#   **AdaGrad**, **RMSProp** and **Adam** give each parameter its own step size.
#
# Then come the things every training loop needs: a **decaying learning rate**, **shuffled
# minibatches**, and **early stopping** on a validation set.  At the end you train a network on
# handwritten digits with your own optimizers and watch the training curves.
#
# **One convention for every update rule** (state in, state out).  Each rule performs *one*
# step and returns new arrays — it never changes its inputs:
#
# ```python
# theta, velocity = momentum(theta, grad, velocity, lr=0.01, rho=0.9)
# theta, m, v     = adam(theta, grad, m, v, t, lr=1e-3)
# ```
#
# `theta` may have any shape (a weight matrix, a vector); `grad` and the optimizer's memory
# (velocity, cache, moments) have the same shape, and the memory starts as zeros.  The velocity
# collects `+ lr * grad` and is **subtracted** from `theta`.  `eps` is always added **after**
# the square root, and Adam counts its steps from `t = 1`.
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the
# same kind of check the grader runs) and a hidden test cell that checks more inputs when your
# notebook is graded.  Only edit the cells that say `YOUR CODE HERE`; keep names and signatures
# as they are.  Never modify an argument in place (`theta -= ...` on the array you were given
# changes the caller's array): the tests check this.

# %% locked=true
import time

import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

import autograder as ag

# %% [markdown]
# The helpers below are what the reference solutions use to check their inputs: `_like(name,
# value, theta)` turns `value` into a float array and raises a `ValueError` naming `name` unless
# it has `theta`'s shape; `_positive` and `_in_range` check a hyperparameter.  You may use them
# (you do not have to).

# %% given="as_float_array check_shape _like _in_range _positive"

# %% [markdown]
# ## 1. Gradient descent, and a valley that defeats it
#
# The simplest rule moves against the gradient:
#
# $$\theta \leftarrow \theta - \alpha\, \nabla J(\theta).$$
#
# With the gradient of the full cost this is *batch* gradient descent; with the gradient of the
# cost of a small random subset of the examples (a minibatch, section 8) it is *stochastic*
# gradient descent, SGD.  The update is the same line either way, so we call it `sgd`.
#
# Our test problem is a quadratic bowl
#
# $$J(\theta) = \tfrac12\, \theta^\top A\, \theta - b^\top \theta, \qquad \nabla J(\theta) = A\theta - b,
# \qquad \theta^* = A^{-1} b,$$
#
# with $A = \operatorname{diag}(1, 25)$: the cost is 25 times steeper along $\theta_2$ than along
# $\theta_1$.  The ratio of the largest to the smallest eigenvalue of $A$, the **condition number**
# $\kappa = 25$, measures how elongated the valley is.  Gradient descent is stable only for
# $\alpha < 2/\lambda_{\max} = 0.08$; with such a step the flat direction moves by at most
# $\alpha \lambda_{\min} < 8\%$ of its distance per step.  A step large enough for the flat direction
# makes the steep one explode, a step small enough for the steep one crawls along the flat one.
#
# Write `sgd(theta, grad, lr)`: return the new parameters, a new array of `theta`'s shape.

# %% solution="sgd"

# %% test="sgd" points=1
ag.expect_close(sgd(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1), [0.95, 2.1],
                "sgd([1, 2], grad=[0.5, -1], lr=0.1)")
_theta = np.array([[1.0, -1.0], [0.0, 2.0]])
_new = sgd(_theta, np.array([[2.0, 0.0], [-4.0, 1.0]]), 0.25)
ag.expect_close(_new, [[0.5, -1.0], [1.0, 1.75]], "sgd on a 2 x 2 weight matrix, lr=0.25")
ag.expect_close(_theta, [[1.0, -1.0], [0.0, 2.0]], "theta after calling sgd (it must not change)")

# %% cases="sgd"
rng = np.random.default_rng(701)
case(rng.normal(size=3), rng.normal(size=3), 0.1)
case(rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), 0.05)
case(rng.normal(size=(2, 5)), rng.normal(size=(2, 5)), 0.7)
case([1.0, -2.0, 0.5], [0.5, 0.25, -3.0], 1.0)
mistake("added the gradient (theta + lr * grad): that climbs uphill",
        lambda theta, grad, lr: np.asarray(theta, dtype=float) + lr * np.asarray(grad, dtype=float))
mistake("forgot to multiply the gradient by the learning rate lr",
        lambda theta, grad, lr: np.asarray(theta, dtype=float) - np.asarray(grad, dtype=float))
mistake("divided the gradient by lr instead of multiplying",
        lambda theta, grad, lr: np.asarray(theta, dtype=float) - np.asarray(grad, dtype=float) / lr)

# %% hidden="sgd" points=1
ag.score(ag.check_cases("sgd", ag.baked("sgd")), points=1)

# %% [markdown]
# The function below runs any of this lesson's rules for a number of steps and returns the
# points it visits; we use it for every picture.  Here is gradient descent on the valley, with
# the largest step that still shrinks the steep direction quickly, and with a smaller one.

# %%
QUAD_A = np.diag([1.0, 25.0])
QUAD_B = np.array([1.0, -2.0])
QUAD_MIN = np.linalg.solve(QUAD_A, QUAD_B)  # the closed-form minimizer A^-1 b


def quad_grad(p):
    return QUAD_A @ p - QUAD_B


def quad_cost(P):
    """J at every point of an array of shape (..., 2)."""
    return 0.5 * np.einsum("...i,ij,...j->...", P, QUAD_A, P) - P @ QUAD_B


def run(rule, grad_fn, theta0, steps, lr, rho=0.9):
    """The points visited by ``rule`` (a name) in ``steps`` steps from ``theta0``: shape (steps + 1, 2)."""
    theta = np.array(theta0, dtype=float)
    first, second = np.zeros_like(theta), np.zeros_like(theta)  # velocity / cache / moments
    path = [theta]
    for t in range(1, steps + 1):
        if rule == "SGD":
            theta = sgd(theta, grad_fn(theta), lr)
        elif rule == "momentum":
            theta, first = momentum(theta, grad_fn(theta), first, lr=lr, rho=rho)
        elif rule == "Nesterov":
            theta, first = nesterov(theta, grad_fn, first, lr=lr, rho=rho)
        elif rule == "AdaGrad":
            theta, second = adagrad(theta, grad_fn(theta), second, lr=lr)
        elif rule == "RMSProp":
            theta, second = rmsprop(theta, grad_fn(theta), second, lr=lr)
        elif rule == "Adam":
            theta, first, second = adam(theta, grad_fn(theta), first, second, t, lr=lr)
        path.append(theta)
    return np.array(path)


def contours(ax, cost, xlim, ylim, levels):
    u, w = np.linspace(*xlim, 200), np.linspace(*ylim, 200)
    grid = np.stack(np.meshgrid(u, w), axis=-1)
    ax.contour(u, w, cost(grid), levels=levels, colors="0.75", linewidths=0.8, linestyles="solid")
    ax.set(xlim=xlim, ylim=ylim, xlabel=r"$\theta_1$", ylabel=r"$\theta_2$")


QUAD_VIEW = dict(xlim=(-4.5, 3.2), ylim=(-1.2, 1.8), levels=np.geomspace(0.05, 60, 14) - 0.58)

try:
    fig, ax = plt.subplots(figsize=(7, 3.4))
    contours(ax, quad_cost, **QUAD_VIEW)
    for lr, color in [(0.075, "C3"), (0.02, "C0")]:
        P = run("SGD", quad_grad, [-4.0, 1.5], 40, lr)
        ax.plot(P[:, 0], P[:, 1], ".-", color=color, ms=3, lw=1,
                label=f"lr = {lr}: distance to the minimum after 40 steps {np.linalg.norm(P[-1] - QUAD_MIN):.2f}")
    ax.plot(*QUAD_MIN, "k*", ms=12)
    ax.set_title("gradient descent on J = (θ₁² + 25 θ₂²)/2 − bᵀθ: zig-zag or crawl")
    ax.legend(loc="lower left", fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement sgd to see the picture.")

# %% [markdown]
# ## 2. Momentum
#
# A ball rolling down the valley does not stop and restart at every step: it keeps its speed.
# Momentum gives the parameters a **velocity** $v$ that remembers the previous steps:
#
# $$v \leftarrow \rho\, v + \alpha\, \nabla J(\theta), \qquad \theta \leftarrow \theta - v,
# \qquad v = 0 \text{ at the start}.$$
#
# $\rho \in [0, 1)$ (typically 0.9) acts as friction: each step keeps a fraction $\rho$ of the
# old velocity.  Across the valley the gradients alternate in sign and cancel in $v$; along the
# valley they agree and add up, so with a constant gradient the step grows to
# $\alpha/(1-\rho)$ times the gradient — ten times plain gradient descent for $\rho = 0.9$.
#
# **Sign convention.**  Here $v$ accumulates $+\alpha \nabla J$ (it points *uphill*) and is
# *subtracted* from $\theta$.  Many texts (and code such as cs231n's) use the mirror image,
# $v \leftarrow \rho v - \alpha \nabla J$ and $\theta \leftarrow \theta + v$: the same method, with
# $v$ pointing downhill.  Both are fine; mixing the two signs is not — that moves uphill.
#
# Write `momentum(theta, grad, velocity, lr=0.01, rho=0.9)` returning `(theta, velocity)`, both
# new arrays.

# %% solution="momentum"

# %% test="momentum" points=1
_theta, _v = momentum(np.array([1.0, 2.0]), np.array([1.0, -2.0]), np.array([0.5, 0.5]), lr=0.1, rho=0.9)
# v = 0.9 [0.5, 0.5] + 0.1 [1, -2] = [0.55, 0.25]; theta = [1, 2] - v
ag.expect_close(_v, [0.55, 0.25], "velocity returned by momentum")
ag.expect_close(_theta, [0.45, 1.75], "theta returned by momentum")
_theta, _v = momentum(np.zeros(2), np.array([2.0, -1.0]), np.zeros(2))
ag.expect_close(_theta, [-0.02, 0.01], "first step with the defaults lr=0.01, rho=0.9 (from v = 0)")

# %% cases="momentum"
rng = np.random.default_rng(702)
case(rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.1, 0.9)
case(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), lr=0.05, rho=0.5)
case(rng.normal(size=2), rng.normal(size=2), rng.normal(size=2))
case(rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), np.zeros((2, 3)), lr=0.3, rho=0.99)
case([1.0, -1.0], [0.5, 2.0], [0.25, -0.75], 0.2, 0.8)


def _mom(theta, grad, velocity, lr=0.01, rho=0.9, sign_v=1.0, sign_step=-1.0, friction=True, average=False,
         old=False):
    theta, grad, velocity = (np.asarray(a, dtype=float) for a in (theta, grad, velocity))
    new_v = (rho if friction else 1.0) * velocity + sign_v * ((1 - rho) if average else lr) * grad
    step = velocity if old else (lr * new_v if average else new_v)
    return theta + sign_step * step, new_v


mistake("added the velocity to theta (theta + v): with v = rho v + lr grad the velocity points uphill, "
        "so it must be subtracted", lambda *a, **k: _mom(*a, **k, sign_step=1.0))
mistake("subtracted lr * grad inside the velocity (v = rho v - lr grad) and then also subtracted v: "
        "the two signs belong to different conventions and together move uphill",
        lambda *a, **k: _mom(*a, **k, sign_v=-1.0))
mistake("moved theta with the old velocity (theta - v before updating v)", lambda *a, **k: _mom(*a, **k, old=True))
mistake("left out rho (v = v + lr grad): the velocity never decays", lambda *a, **k: _mom(*a, **k, friction=False))
mistake("used the averaging form v = rho v + (1 - rho) grad, theta - lr v, which is not this course's rule",
        lambda *a, **k: _mom(*a, **k, average=True))

# %% hidden="momentum" points=2
ag.score(ag.check_cases("momentum", ag.baked("momentum")), points=2)

# %% [markdown]
# ## 3. Nesterov momentum: look before you leap
#
# Momentum computes the gradient where the parameters *are*, then adds it to a velocity that
# will carry them somewhere else.  Nesterov's idea: since the velocity alone is about to move
# $\theta$ to $\theta - \rho v$, take the gradient **there**, at the look-ahead point, and
# correct the course before arriving:
#
# $$v \leftarrow \rho\, v + \alpha\, \nabla J(\theta - \rho\, v), \qquad \theta \leftarrow \theta - v.$$
#
# If the look-ahead point has already crossed the valley floor, its gradient points back and
# brakes the velocity; momentum notices this only one step later.  Because the gradient is needed
# at a point the function chooses, `nesterov` receives a **function** `grad_fn(point)` that
# returns the gradient at `point`, instead of a gradient.
#
# > **Careful with the lecture slide.** It writes the look-ahead gradient as
# > $\nabla J(\theta^t + \rho v^t)$ while updating $\theta^{t+1} = \theta^t - v^{t+1}$ with
# > $v = \rho v + \alpha \nabla J$.  That plus sign belongs to the *other* convention
# > ($v \leftarrow \rho v - \alpha \nabla J(\theta + \rho v)$, $\theta \leftarrow \theta + v$), where
# > $v$ points downhill and the parameters are about to move to $\theta + \rho v$.  In the
# > convention of this course $v$ points uphill, so $\theta + \rho v$ is a point *behind* the
# > parameters, on the side they are leaving: the "correction" then pushes the wrong way.  Use
# > $\theta - \rho v$.  (The figure after this section compares the two.)
#
# Write `nesterov(theta, grad_fn, velocity, lr=0.01, rho=0.9)` returning `(theta, velocity)`.
# Call `grad_fn` once, at the look-ahead point.  (You may use your `momentum` for the last two
# lines of the rule.)

# %% solution="nesterov"

# %% test="nesterov" points=1
_seen = []


def _grad_of_squared_norm(point):
    """Gradient of J(p) = ||p||^2; remembers where it was asked for."""
    _seen.append(np.array(point, dtype=float))
    return 2.0 * np.asarray(point, dtype=float)


_theta, _v = nesterov(np.array([1.0, 2.0]), _grad_of_squared_norm, np.array([0.5, -0.5]), lr=0.1, rho=0.9)
# look-ahead [1, 2] - 0.9 [0.5, -0.5] = [0.55, 2.45]; gradient there [1.1, 4.9]
ag.expect_close(_seen[-1] if _seen else None, [0.55, 2.45], "the point where nesterov asked grad_fn for the gradient")
ag.expect_close(_v, [0.56, 0.04], "velocity returned by nesterov")
ag.expect_close(_theta, [0.44, 1.96], "theta returned by nesterov")

# %% cases="nesterov"
from autograder.problems import QuadraticGradient

rng = np.random.default_rng(703)
for n, kw in [(2, {"lr": 0.1, "rho": 0.9}), (3, {"lr": 0.05, "rho": 0.5}), (2, {}), (4, {"lr": 0.2, "rho": 0.8})]:
    M = rng.normal(size=(n, n))
    problem = QuadraticGradient(M @ M.T + n * np.eye(n), rng.normal(size=n))
    case(rng.normal(size=n), problem, rng.normal(size=n), **kw)
case(np.array([3.0, -1.0]), QuadraticGradient(np.diag([1.0, 25.0]), [1.0, -2.0]), np.array([0.4, -0.6]), 0.02, 0.9)


def _nag(theta, grad_fn, velocity, lr=0.01, rho=0.9, at=-1.0, sign_step=-1.0):
    theta, velocity = np.asarray(theta, dtype=float), np.asarray(velocity, dtype=float)
    new_v = rho * velocity + lr * np.asarray(grad_fn(theta + at * velocity), dtype=float)
    return theta + sign_step * new_v, new_v


mistake("took the gradient at theta instead of at the look-ahead point theta - rho * velocity "
        "(that is plain momentum)", lambda t, f, v, lr=0.01, rho=0.9: _nag(t, f, v, lr, rho, at=0.0))
mistake("took the gradient at theta + rho * velocity, the slide's sign: it belongs to the convention "
        "v = rho v - lr grad, theta = theta + v; here v is subtracted, so the look-ahead is theta - rho * velocity",
        lambda t, f, v, lr=0.01, rho=0.9: _nag(t, f, v, lr, rho, at=rho))
mistake("looked ahead by the whole velocity (theta - velocity) instead of theta - rho * velocity",
        lambda t, f, v, lr=0.01, rho=0.9: _nag(t, f, v, lr, rho, at=-1.0))
mistake("added the velocity to theta (theta + v): the velocity points uphill and must be subtracted",
        lambda t, f, v, lr=0.01, rho=0.9: _nag(t, f, v, lr, rho, at=-rho, sign_step=1.0))

# %% hidden="nesterov" points=2
ag.score(ag.check_cases("nesterov", ag.baked("nesterov"), trusted=ag.trusted("momentum")), points=2)

# %% [markdown]
# Momentum and Nesterov on the valley of section 1, with the same learning rate as the slow
# gradient descent run, and the slide's version with the look-ahead at $\theta + \rho v$ for
# comparison (written out below for this picture only).  Momentum overshoots and swings around
# the minimum; Nesterov's look-ahead damps the swings.  With the slide's sign the method does not
# even converge on this valley: its "look-ahead" sits on the side the parameters are leaving,
# and its gradient pushes the swings further out.

# %%
def slide_nesterov_path(grad_fn, theta0, steps, lr, rho=0.9):
    """The slide's rule, kept for comparison only: look-ahead at theta + rho v with theta - v."""
    theta, vel = np.array(theta0, dtype=float), np.zeros(2)
    path = [theta]
    for _ in range(steps):
        vel = rho * vel + lr * grad_fn(theta + rho * vel)
        theta = theta - vel
        path.append(theta)
    return np.array(path)


try:
    fig, ax = plt.subplots(figsize=(7, 3.4))
    contours(ax, quad_cost, **QUAD_VIEW)
    paths = {"gradient descent": run("SGD", quad_grad, [-4.0, 1.5], 40, 0.02),
             "momentum": run("momentum", quad_grad, [-4.0, 1.5], 40, 0.02),
             "Nesterov (θ − ρv)": run("Nesterov", quad_grad, [-4.0, 1.5], 40, 0.02),
             "slide's sign (θ + ρv)": slide_nesterov_path(quad_grad, [-4.0, 1.5], 40, 0.02)}
    for (name, P), style in zip(paths.items(), ["C0.-", "C1.-", "C2.-", "C3.:"]):
        ax.plot(P[:, 0], P[:, 1], style, ms=3, lw=1,
                label=f"{name}: distance after 40 steps {np.linalg.norm(P[-1] - QUAD_MIN):.3f}")
    ax.plot(*QUAD_MIN, "k*", ms=12)
    ax.set_title("lr = 0.02, ρ = 0.9")
    ax.legend(loc="lower left", fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement sgd, momentum and nesterov to see the picture.")

# %% [markdown]
# ## 4. AdaGrad: a learning rate per parameter
#
# Momentum still uses one learning rate for every parameter.  AdaGrad divides each parameter's
# step by the root of the sum of all its squared past gradients, so parameters with large
# gradients take smaller steps and rarely-updated ones keep larger steps:
#
# $$c \leftarrow c + g \odot g, \qquad \theta \leftarrow \theta - \frac{\alpha}{\sqrt{c} + \varepsilon} \odot g,$$
#
# elementwise, with $g = \nabla J(\theta)$, the *cache* $c = 0$ at the start and a tiny
# $\varepsilon$ (default $10^{-7}$) added **after** the square root so that a zero cache does not
# divide by zero.
#
# > **Reading the slides.**  One slide writes the accumulation as
# > $u^{t+1} = u^t + \nabla J^\top \nabla J$.  Taken literally, $\nabla J^\top \nabla J$ is a single
# > number (the squared length of the whole gradient), which would give every parameter the
# > same rate — the opposite of AdaGrad's idea.  What is meant, and what the slide's own code
# > does (`grad_squared += dx * dx`), is the elementwise square.  The same holds for RMSProp and
# > Adam below.
#
# With a constant gradient the cache grows like $t\, g^2$ and the step shrinks like
# $\alpha/\sqrt t$: AdaGrad slows down by itself.  That is safe on convex problems, but on a long
# training run the steps can become too small to make progress.
#
# Write `adagrad(theta, grad, cache, lr=0.01, eps=1e-7)` returning `(theta, cache)`.

# %% solution="adagrad"

# %% test="adagrad" points=1
_theta, _c = adagrad(np.array([1.0, 1.0]), np.array([3.0, -4.0]), np.array([16.0, 9.0]), lr=0.5, eps=0.0)
# cache [16 + 9, 9 + 16] = [25, 25]; step 0.5 * [3, -4] / 5
ag.expect_close(_c, [25.0, 25.0], "cache returned by adagrad")
ag.expect_close(_theta, [0.7, 1.4], "theta returned by adagrad (eps=0)")
_theta, _c = adagrad(np.zeros(2), np.array([1e-3, -2.0]), np.zeros(2), lr=0.1)
ag.expect_close(_theta, -0.1 * np.array([1e-3, -2.0]) / (np.abs([1e-3, -2.0]) + 1e-7),
                "first adagrad step with eps=1e-7 added after the square root")

# %% cases="adagrad"
rng = np.random.default_rng(704)
case(rng.normal(size=3), rng.normal(size=3), rng.uniform(0.1, 2.0, size=3), 0.1)
case(rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.uniform(0.1, 2.0, size=(3, 2)), lr=0.05, eps=1e-4)
case(rng.normal(size=4), 1e-3 * rng.normal(size=4), 1e-6 * rng.uniform(0.5, 1.0, size=4))
case(rng.normal(size=2), rng.normal(size=2), np.zeros(2), lr=0.5)
case([1.0, 2.0], [3.0, -4.0], [16.0, 9.0], 0.5, 0.0)


def _ada(theta, grad, cache, lr=0.01, eps=1e-7, accumulate=True, inside=False, root=True, old=False):
    theta, grad, cache = (np.asarray(a, dtype=float) for a in (theta, grad, cache))
    new_c = cache + grad ** 2 if accumulate else grad ** 2
    c = cache if old else new_c
    denom = np.sqrt(c + eps) if inside else (np.sqrt(c) + eps if root else c + eps)
    return theta - lr * grad / denom, new_c


mistake("did not accumulate: cache = grad**2 replaces the sum of all past squared gradients (cache + grad**2)",
        lambda *a, **k: _ada(*a, **k, accumulate=False))
mistake("added eps inside the square root, sqrt(cache + eps), instead of after it, sqrt(cache) + eps",
        lambda *a, **k: _ada(*a, **k, inside=True))
mistake("forgot the square root of the cache", lambda *a, **k: _ada(*a, **k, root=False))
mistake("divided by the old cache (took the step before adding grad**2 to the cache)",
        lambda *a, **k: _ada(*a, **k, old=True))

# %% hidden="adagrad" points=1
ag.score(ag.check_cases("adagrad", ag.baked("adagrad")), points=1)

# %% [markdown]
# ## 5. RMSProp: a cache that forgets
#
# RMSProp replaces AdaGrad's ever-growing sum by a leaky average of the squared gradients:
#
# $$c \leftarrow \delta\, c + (1 - \delta)\, g \odot g, \qquad
#   \theta \leftarrow \theta - \frac{\alpha}{\sqrt{c} + \varepsilon} \odot g,$$
#
# with the decay rate $\delta$ (`decay`, typically 0.9): the **old cache** is multiplied by
# `decay`, the **new squared gradient** by `1 - decay`.  The cache now tracks the recent size of
# each gradient, $\sqrt c \approx |g|$, so every parameter moves by roughly $\alpha$ per step
# however steep its direction is, and the steps do not fade away as in AdaGrad.  (The slide's
# formula leaves out $\varepsilon$; its code has it.)
#
# Write `rmsprop(theta, grad, cache, lr=0.01, decay=0.9, eps=1e-7)` returning `(theta, cache)`.

# %% solution="rmsprop"

# %% test="rmsprop" points=1
_theta, _c = rmsprop(np.array([1.0, 1.0]), np.array([2.0, -1.0]), np.array([10.0, 0.0]), lr=0.1, decay=0.6, eps=0.0)
# cache 0.6 [10, 0] + 0.4 [4, 1] = [7.6, 0.4]
ag.expect_close(_c, [7.6, 0.4], "cache returned by rmsprop (decay=0.6)")
ag.expect_close(_theta, [1.0 - 0.2 / np.sqrt(7.6), 1.0 + 0.1 / np.sqrt(0.4)], "theta returned by rmsprop (eps=0)")

# %% cases="rmsprop"
rng = np.random.default_rng(705)
case(rng.normal(size=3), rng.normal(size=3), rng.uniform(0.1, 2.0, size=3), 0.1, 0.9)
case(rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.uniform(0.1, 2.0, size=(2, 3)), lr=0.05, decay=0.5)
case(rng.normal(size=4), 1e-3 * rng.normal(size=4), 1e-6 * rng.uniform(0.5, 1.0, size=4))
case(rng.normal(size=2), rng.normal(size=2), np.zeros(2), lr=0.01, decay=0.99, eps=1e-4)
case([1.0, 1.0], [2.0, -1.0], [10.0, 0.5], 0.1, 0.6, 0.0)


def _rms(theta, grad, cache, lr=0.01, decay=0.9, eps=1e-7, swap=False, no_one_minus=False, inside=False,
         old=False):
    theta, grad, cache = (np.asarray(a, dtype=float) for a in (theta, grad, cache))
    if swap:
        new_c = (1 - decay) * cache + decay * grad ** 2
    elif no_one_minus:
        new_c = decay * cache + grad ** 2
    else:
        new_c = decay * cache + (1 - decay) * grad ** 2
    c = cache if old else new_c
    return theta - lr * grad / (np.sqrt(c + eps) if inside else np.sqrt(c) + eps), new_c


mistake("applied the decay to the wrong term: (1 - decay) * cache + decay * grad**2 instead of "
        "decay * cache + (1 - decay) * grad**2", lambda *a, **k: _rms(*a, **k, swap=True))
mistake("left out the (1 - decay) factor of the new squared gradient",
        lambda *a, **k: _rms(*a, **k, no_one_minus=True))
mistake("added eps inside the square root, sqrt(cache + eps), instead of after it, sqrt(cache) + eps",
        lambda *a, **k: _rms(*a, **k, inside=True))
mistake("divided by the old cache (took the step before updating the cache)",
        lambda *a, **k: _rms(*a, **k, old=True))

# %% hidden="rmsprop" points=1
ag.score(ag.check_cases("rmsprop", ag.baked("rmsprop")), points=1)

# %% [markdown]
# ## 6. Adam: momentum plus RMSProp, bias-corrected
#
# Adam keeps two leaky averages — of the gradient (like momentum) and of its square (like
# RMSProp) — and divides one by the root of the other:
#
# $$m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g,$$
# $$\hat m = \frac{m}{1 - \beta_1^{\,t}}, \qquad \hat v = \frac{v}{1 - \beta_2^{\,t}}, \qquad
#   \theta \leftarrow \theta - \frac{\alpha\, \hat m}{\sqrt{\hat v} + \varepsilon}.$$
#
# $\beta_1$ (0.9) belongs to the **first** moment $m$, the average gradient; $\beta_2$ (0.999) to
# the **second** moment $v$, the average squared gradient.
#
# **Why the bias correction.**  $m$ and $v$ start at zero, so early on they are far too small:
# after the first step $m = 0.1\,g$ and $v = 0.001\,g^2$.  Dividing by $1 - \beta^t$ undoes exactly
# this shrinkage — $1 - 0.9^1 = 0.1$ and $1 - 0.999^1 = 0.001$ — so at the first step
# $\hat m = g$, $\hat v = g^2$ and every parameter moves by
# $\alpha\, g / (|g| + \varepsilon) \approx \alpha$ against the sign of its gradient, whatever the
# gradient's size.  Without the correction the first step is
# $\alpha \cdot 0.1\, g / (\sqrt{0.001}\, |g|) \approx 3.2\,\alpha$ — the slide's question "what happens
# at the first time step?" — and for larger $\beta_2$ (0.9999) it would be 10 times $\alpha$.  As
# $t$ grows, $\beta^t \to 0$ and the correction fades away.
#
# **Counting steps.**  $t$ is the number of the step being taken, **starting at 1**.  With
# $t = 0$ the correction would divide by $1 - \beta^0 = 0$.  In a training loop write
# `for t in range(1, n_steps + 1)`, not `range(n_steps)`.
#
# > **Careful with the lecture slide.**  Its formulas attach $\rho_1$ to the squared gradient
# > ($u$) and $\rho_2$ to the gradient ($v$), while its code — and the recommended values
# > $\beta_1 = 0.9$, $\beta_2 = 0.999$ — attach `beta1` to the first moment and `beta2` to the
# > second.  Follow the code: with the formulas' assignment the gradient would be averaged over
# > about 1000 steps and its square over only about 10.
#
# Write `adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7)` returning
# `(theta, m, v)`, where `m` and `v` are the **uncorrected** averages (the next step needs them;
# $\hat m$ and $\hat v$ are only used for this step).

# %% solution="adam"

# %% test="adam" points=1
_g = np.array([0.5, -2.0, 1e-3])
_theta, _m, _v = adam(np.ones(3), _g, np.zeros(3), np.zeros(3), 1, lr=0.1)
ag.expect_close(_m, 0.1 * _g, "m after the first step (0.1 g)")
ag.expect_close(_v, 0.001 * _g ** 2, "v after the first step (0.001 g**2)")
# first step: m_hat = g, v_hat = g**2, so theta moves by lr g / (|g| + eps), about lr against sign(g)
ag.expect_close(_theta, 1.0 - 0.1 * _g / (np.abs(_g) + 1e-7), "theta after the first Adam step (t=1)")
# second step with the same gradient: m = 0.19 g, v = 0.001999 g**2, corrections 1 - 0.9**2, 1 - 0.999**2
_theta2, _m2, _v2 = adam(_theta, _g, _m, _v, 2, lr=0.1)
_mh, _vh = 0.19 * _g / 0.19, 0.001999 * _g ** 2 / (1 - 0.999 ** 2)
ag.expect_close(_theta2, _theta - 0.1 * _mh / (np.sqrt(_vh) + 1e-7), "theta after the second Adam step (t=2)")

# %% cases="adam"
rng = np.random.default_rng(706)
case(rng.normal(size=3), rng.normal(size=3), np.zeros(3), np.zeros(3), 1)
case(rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), 0.1 * rng.normal(size=(2, 3)),
     rng.uniform(0.01, 0.1, size=(2, 3)), 2, lr=0.01)
case(rng.normal(size=4), rng.normal(size=4), 0.1 * rng.normal(size=4), rng.uniform(0.01, 0.1, size=4), 10,
     lr=0.05, beta1=0.8, beta2=0.99)
case(rng.normal(size=4), 1e-3 * rng.normal(size=4), 1e-4 * rng.normal(size=4), 1e-7 * rng.uniform(1, 2, size=4), 3)
case(rng.normal(size=3), rng.normal(size=3), 0.1 * rng.normal(size=3), rng.uniform(0.01, 0.1, size=3), 1000,
     lr=0.002, eps=1e-4)
case([1.0, -1.0], [0.5, -2.0], [0.0, 0.0], [0.0, 0.0], 1, 0.1, 0.9, 0.999, 1e-7)


def _adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7, correct=True, t_shift=0,
          inside=False, swap=False, store_hat=False, root=True):
    theta, grad, m, v = (np.asarray(a, dtype=float) for a in (theta, grad, m, v))
    b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad ** 2
    m_hat = m / (1 - b1 ** (t + t_shift)) if correct else m
    v_hat = v / (1 - b2 ** (t + t_shift)) if correct else v
    denom = np.sqrt(v_hat + eps) if inside else (np.sqrt(v_hat) + eps if root else v_hat + eps)
    new = theta - lr * m_hat / denom
    return (new, m_hat, v_hat) if store_hat else (new, m, v)


mistake("skipped the bias correction (used m and v instead of m / (1 - beta1**t) and v / (1 - beta2**t))",
        lambda *a, **k: _adam(*a, **k, correct=False))
mistake("counted t from 0: the bias correction used beta**(t + 1), but t is already the step number, "
        "starting at 1", lambda *a, **k: _adam(*a, **k, t_shift=1))
mistake("added eps inside the square root, sqrt(v_hat + eps), instead of after it, sqrt(v_hat) + eps",
        lambda *a, **k: _adam(*a, **k, inside=True))
mistake("swapped beta1 and beta2 (as the slide's formulas do): beta1 goes with the gradient m, "
        "beta2 with its square v", lambda *a, **k: _adam(*a, **k, swap=True))
mistake("returned the bias-corrected m_hat, v_hat as the new state instead of m and v",
        lambda *a, **k: _adam(*a, **k, store_hat=True))
mistake("forgot the square root of v_hat", lambda *a, **k: _adam(*a, **k, root=False))

# %% hidden="adam" points=3
ag.score(ag.check_cases("adam", ag.baked("adam")), points=3)

# %% [markdown]
# ## 7. All six on two landscapes, and at a saddle point
#
# Left: the valley of section 1.  Right: Rosenbrock's banana function
# $J(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$, whose minimum $(1, 1)$ lies at the end of a curved,
# flat-bottomed valley.  Each method runs from the same start with a learning rate that suits
# it (the legend shows it and the final distance to the minimum).  Tune them yourself: the
# picture changes a lot.

# %%
def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


def rosenbrock(P):
    return (1 - P[..., 0]) ** 2 + 100 * (P[..., 1] - P[..., 0] ** 2) ** 2


RULES = ["SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
try:
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    contours(axes[0], quad_cost, **QUAD_VIEW)
    for rule, lr in zip(RULES, [0.02, 0.02, 0.02, 1.0, 0.1, 0.2]):
        P = run(rule, quad_grad, [-4.0, 1.5], 60, lr)
        axes[0].plot(P[:, 0], P[:, 1], ".-", ms=2, lw=1, label=f"{rule} (lr {lr:g}): {np.linalg.norm(P[-1] - QUAD_MIN):.3f}")
    axes[0].plot(*QUAD_MIN, "k*", ms=12)
    axes[0].set_title("valley, 60 steps")
    contours(axes[1], rosenbrock, (-1.6, 1.6), (-0.6, 2.2), np.geomspace(0.5, 800, 14))
    for rule, lr in zip(RULES, [1e-3, 5e-4, 5e-4, 0.5, 0.01, 0.05]):
        P = run(rule, rosenbrock_grad, [-1.2, 1.0], 2000, lr)
        axes[1].plot(P[:, 0], P[:, 1], "-", lw=1.2, label=f"{rule} (lr {lr:g}): {np.linalg.norm(P[-1] - 1.0):.3f}")
    axes[1].plot(1, 1, "k*", ms=12)
    axes[1].set_title("Rosenbrock, 2000 steps from (-1.2, 1)")
    for ax in axes:
        ax.legend(fontsize=7, loc="lower left", title="distance to the minimum", title_fontsize=7)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement the six update rules to see the trajectories.")

# %% [markdown]
# **Saddle points.**  In many dimensions a point where the gradient vanishes is far more often a
# saddle than a minimum: downhill in some directions, uphill in others.  Take
# $J(x, y) = x^2/2 + y^4/4 - y^2/2$: a saddle at the origin and two minima at $(0, \pm 1)$.
# Starting at $(1, 10^{-4})$, almost exactly on the ridge line $y = 0$, the gradient in $y$ is
# about $-y$, tiny, so gradient descent escapes only as fast as $y$ grows by a factor
# $1 + \alpha$ per step.  Momentum accumulates those small pushes; RMSProp and Adam divide by the
# size of the gradient, so a tiny slope still gives a step of about $\alpha$ and they leave the
# saddle almost at once.

# %%
def saddle_grad(p):
    return np.array([p[0], p[1] ** 3 - p[1]])


def saddle(P):
    return P[..., 0] ** 2 / 2 + P[..., 1] ** 4 / 4 - P[..., 1] ** 2 / 2


try:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    contours(axes[0], saddle, (-1.1, 1.1), (-0.3, 1.3), np.linspace(-0.24, 0.6, 15))
    for rule, lr in [("SGD", 0.1), ("momentum", 0.05), ("RMSProp", 0.05), ("Adam", 0.05)]:
        P = run(rule, saddle_grad, [1.0, 1e-4], 150, lr)
        escape = int(np.argmax(np.abs(P[:, 1]) > 0.5))
        axes[0].plot(P[:, 0], P[:, 1], ".-", ms=2, lw=1, label=f"{rule} (lr {lr:g})")
        axes[1].semilogy(np.abs(P[:, 1]) + 1e-12, label=f"{rule}: |y| > 0.5 after {escape} steps")
    axes[0].plot(0, 0, "kx", ms=10)
    axes[0].set_title("J = x²/2 + y⁴/4 − y²/2 from (1, 1e-4): saddle at ×")
    axes[0].legend(fontsize=8)
    axes[1].set(title="distance from the ridge y = 0", xlabel="step", ylabel="|y|")
    axes[1].legend(fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement the update rules to see the saddle-point picture.")

# %% [markdown]
# ## 8. A decaying learning rate
#
# Far from the minimum a large step is welcome, close to it a large step keeps jumping around
# it — especially with minibatch gradients, which are noisy.  The lecture's simplest remedy
# shrinks the rate over time,
#
# $$\alpha_t = \frac{\alpha}{\sqrt{t + 1}}, \qquad t = 0, 1, 2, \dots$$
#
# so $\alpha_0 = \alpha$ and $\alpha_3 = \alpha/2$.  Here $t$ counts epochs (or steps) **from 0**
# — unlike Adam's step counter.
#
# Write `decayed_learning_rate(alpha, t)` (a number for a number $t$).

# %% solution="decayed_learning_rate"

# %% test="decayed_learning_rate" points=1
ag.expect_close(decayed_learning_rate(0.1, 0), 0.1, "decayed_learning_rate(0.1, 0)")
ag.expect_close(decayed_learning_rate(0.1, 3), 0.05, "decayed_learning_rate(0.1, 3)")
ag.expect_close(decayed_learning_rate(2.0, 99), 0.2, "decayed_learning_rate(2.0, 99)")

# %% cases="decayed_learning_rate"
for alpha, t in [(0.1, 0), (0.1, 1), (0.5, 3), (2.0, 8), (1.0, 99), (0.3, 24)]:
    case(alpha, t)
mistake("divided by sqrt(t) instead of sqrt(t + 1) (t starts at 0 here)", lambda a, t: a / np.sqrt(t))
mistake("divided by t + 1 without the square root", lambda a, t: a / (t + 1))
mistake("multiplied by sqrt(t + 1) instead of dividing", lambda a, t: a * np.sqrt(t + 1))

# %% hidden="decayed_learning_rate" points=1
ag.score(ag.check_cases("decayed_learning_rate", ag.baked("decayed_learning_rate")), points=1)

# %% [markdown]
# ## 9. Shuffled minibatches
#
# The gradient of the cost is an average over all $m$ examples.  An average over a random
# *minibatch* of, say, 50 examples is a noisy but unbiased estimate of it that costs $m/50$ times
# less, so in the time of one full-gradient step we can take $m/50$ small steps.  One pass
# over all the examples is an **epoch**.
#
# `minibatches(m, batch_size, *, rng)` returns the batches of one epoch as a list of integer
# index arrays (use them as `X[batch]`, `y[batch]`):
#
# * every index $0, \dots, m-1$ appears in **exactly one** batch — none repeated, none dropped;
# * the batches hold `batch_size` indices each, in order, except the **last**, which holds the
#   $m \bmod$ `batch_size` remaining ones when `batch_size` does not divide $m$;
# * the examples are **shuffled**: take one random permutation of $0..m-1$ from `rng`
#   (`rng.permutation(m)`) and cut it into consecutive pieces.  Without shuffling every epoch
#   would see the same batches, and data sorted by label (as data sets often are) would give
#   batches of one class only;
# * every random number comes from `rng`, never from `np.random.*`, so a run can be repeated.
#
# For $m = 10$ and `batch_size = 4` the result looks like
# `[array([4, 6, 2, 7]), array([3, 5, 9, 0]), array([8, 1])]`.

# %% solution="minibatches"

# %% test="minibatches" points=1
_batches = minibatches(10, 4, rng=np.random.default_rng(0))
ag.expect_close([len(b) for b in _batches], [4, 4, 2], "sizes of the batches of minibatches(10, 4, rng=...)")
ag.expect_close(np.sort(np.concatenate(_batches)), np.arange(10),
                "all indices of minibatches(10, 4, rng=...), sorted (each of 0..9 exactly once)")
_again = minibatches(10, 4, rng=np.random.default_rng(0))
ag.expect_close(all(np.array_equal(a, b) for a, b in zip(_batches, _again)), True,
                "two calls with rng=np.random.default_rng(0) give the same batches (1 = yes)")
_flat = np.concatenate(minibatches(30, 7, rng=np.random.default_rng(1)))
ag.expect_close(bool(np.all(np.diff(_flat) > 0)), False, "minibatches(30, 7, rng=...) come out sorted (1 = yes): shuffle them")

# %% hidden="minibatches" points=3
_r = ag.Result("minibatches")
# Reproducible whatever NumPy's global random state is; different for another seed.
np.random.seed(1)
_first = ag.call("minibatches", [40, 6], {"rng": np.random.default_rng(123)})
np.random.seed(2)
_second = ag.call("minibatches", [40, 6], {"rng": np.random.default_rng(123)})
_other = ag.call("minibatches", [40, 6], {"rng": np.random.default_rng(124)})
# Are the examples themselves shuffled?  5 epochs of m = 400, batch_size = 5.
_epochs = [ag.call("minibatches", [400, 5], {"rng": np.random.default_rng(2000 + _k)}) for _k in range(5)]
# Coverage, sizes and shuffling on several shapes.
_shapes = [(10, 4), (12, 3), (7, 7), (53, 8), (9, 2), (1, 5)]
_outs = [ag.call("minibatches", [_m, _bs], {"rng": np.random.default_rng(70 + _k)})
         for _k, (_m, _bs) in enumerate(_shapes)]
if ag.GRADER:
    def _batches_of(out, label):
        """(list of 1-D integer arrays, "") or (None, what is wrong)."""
        if not out.ok:
            return None, f"{label} raised {out.error}"
        try:
            batches = [np.asarray(b) for b in out.value]
        except TypeError:
            return None, f"{label}: expected a list of index arrays, received {type(out.value).__name__}"
        bad = [b for b in batches if b.ndim != 1 or (b.size and b.dtype.kind not in "iu")]
        if bad:
            return None, (f"{label}: every batch must be a 1-D array of integer indices (usable as X[batch]), "
                          f"received one of shape {bad[0].shape} and dtype {bad[0].dtype}")
        return batches, ""

    def _same_batches(a, b):
        return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))

    _label = "minibatches(40, 6, rng=np.random.default_rng(123))"
    _b1, _msg1 = _batches_of(_first, _label)
    _b2, _msg2 = _batches_of(_second, _label)
    _b3, _msg3 = _batches_of(_other, "minibatches(40, 6, rng=np.random.default_rng(124))")
    if _b1 is None or _b2 is None or _b3 is None:
        _r.fail(_msg1 or _msg2 or _msg3, weight=3)
    else:
        if _same_batches(_b1, _b2):
            _r.record(1.0, weight=2)
        else:
            _r.fail(f"two calls of {_label} returned different batches: take every random number from rng "
                    "(rng.permutation), not from np.random.* or a generator of your own", weight=2)
        if _same_batches(_b1, _b3):
            _r.fail("rng=np.random.default_rng(123) and rng=np.random.default_rng(124) gave the same batches: "
                    "the shuffle must come from rng")
        else:
            _r.record(1.0)

    # Under a uniform shuffle the examples 2k and 2k + 1 share a batch of 5 (of 400) with probability
    # p = 4/399.  Over n = 5 x 200 such pairs the frequency has standard error sqrt(p (1 - p) / n) ~ 0.003
    # (the pairs of one epoch are nearly independent); allow 6 of them.  Batches of consecutive examples
    # in shuffled order put 4 of every 5 pairs together.
    _together, _n, _broken = 0, 0, ""
    for _out in _epochs:
        _b, _msg = _batches_of(_out, "minibatches(400, 5, rng=...)")
        if _b is None or sorted(np.concatenate(_b).tolist()) != list(range(400)):
            _broken = _msg or "minibatches(400, 5, rng=...) does not hold every index 0..399 exactly once"
            break
        _batch_of = np.empty(400, dtype=int)
        for _j, _batch in enumerate(_b):
            _batch_of[_batch] = _j
        _n += 200
        _together += int(np.sum(_batch_of[0::2] == _batch_of[1::2]))
    _p = 4 / 399
    if _broken:
        _r.fail(_broken, weight=2)
    elif abs(_together / _n - _p) <= 6 * np.sqrt(_p * (1 - _p) / _n):
        _r.record(1.0, weight=2)
    else:
        _r.fail(f"in 5 epochs of minibatches(400, 5), {_together} of {_n} pairs of neighbouring examples "
                f"(2k, 2k + 1) were in the same batch; a uniform shuffle puts about {100 * _p:.0f}% of them "
                "together: shuffle the examples themselves (consecutive examples must not stay together), not "
                "only the order of the batches", weight=2)

    for (_m, _bs), _out in zip(_shapes, _outs):
        _label = f"minibatches({_m}, {_bs}, rng=...)"
        _b, _msg = _batches_of(_out, _label)
        if _b is None:
            _r.fail(_msg)
            continue
        _flat = np.concatenate(_b) if _b else np.zeros(0, dtype=int)
        _sizes = [len(b) for b in _b]
        _want = [_bs] * (_m // _bs) + ([_m % _bs] if _m % _bs else [])
        _outside = _flat[(_flat < 0) | (_flat >= _m)]
        _counts = np.bincount(_flat[(_flat >= 0) & (_flat < _m)], minlength=_m)
        _missing = np.flatnonzero(_counts == 0)
        if _outside.size:
            _r.fail(f"{_label}: index {_outside[0]} is outside 0..{_m - 1}")
        elif _counts.max(initial=0) > 1:
            _i = int(np.argmax(_counts))
            _r.fail(f"{_label}: index {_i} appears {_counts[_i]} times and {len(_missing)} indices never: examples "
                    "are repeated — draw a permutation (without replacement), not random indices with replacement")
        elif _missing.size:
            _r.fail(f"{_label}: {len(_missing)} examples dropped (indices {_missing[:5].tolist()} are in no batch; "
                    f"batch sizes {_sizes}, expected {_want}) — keep the last, shorter batch")
        elif _sizes != _want:
            _r.fail(f"{_label}: batch sizes {_sizes}, expected {_want} (full batches first, the remainder last)")
        elif _m >= 5 and np.array_equal(_flat, np.arange(_m)):
            _r.fail(f"{_label}: the batches list the indices in order 0, 1, 2, ...: they are not shuffled — "
                    "cut a random permutation rng.permutation(m) into batches")
        else:
            _r.record(1.0)
ag.score(_r, points=3)

# %% [markdown]
# ## 10. Early stopping
#
# A network trained for too long fits the noise of its training set: the training cost keeps
# falling while the cost on held-out **validation** data starts to rise.  Early stopping
# watches the validation loss after every epoch, remembers the epoch with the lowest loss
# so far, and stops when `patience` epochs in a row have not improved on it; the weights of
# that best epoch are the result.
#
# `early_stopping_epoch(val_losses, patience)` replays this on a list of validation losses
# (epochs counted from 0) and returns the index of the epoch whose weights are kept:
#
# * an epoch **improves** only if its loss is **strictly lower** than the best so far (a tie
#   does not count);
# * after epoch $e$, if the last `patience` epochs all failed to improve — that is, $e$ minus
#   the best epoch so far equals `patience` — training stops; epochs after $e$ are never seen,
#   even if one of them would be lower;
# * if patience never runs out, return the best epoch of the whole list (the first one on a tie).
#
# Example: losses `[5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0]` with `patience=3`: the best is epoch 2;
# epochs 3, 4 and 5 do not improve, so training stops after epoch 5 and the answer is **2** —
# the 2.0 of epoch 6 is never computed.  With `patience=4` training reaches epoch 6 and the
# answer is 6.

# %% solution="early_stopping_epoch"

# %% test="early_stopping_epoch" points=1
_losses = [5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0]
ag.expect_close(early_stopping_epoch(_losses, 3), 2, "early_stopping_epoch([5, 4, 3, 3.5, 3.6, 3.7, 2], patience=3)")
ag.expect_close(early_stopping_epoch(_losses, 4), 6, "early_stopping_epoch([5, 4, 3, 3.5, 3.6, 3.7, 2], patience=4)")
ag.expect_close(early_stopping_epoch([3.0, 2.0, 1.0], 1), 2, "early_stopping_epoch([3, 2, 1], patience=1)")

# %% cases="early_stopping_epoch"
case([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0], 3)
case([5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 2.0], 4)
case([1.0, 2.0, 0.5], 1)
case([1.0, 2.0, 0.5], 2)
case([2.0, 1.0, 1.0, 1.0, 0.9], 2)
case([2.0, 1.0, 1.0, 1.0, 0.9], 3)
case([2.0, 1.0, 1.0, 3.0, 3.0, 3.0, 0.5], 3)  # only a tie counted as an improvement gives 2
case([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2)  # rising from the start: the answer is epoch 0
case([4.0, 3.0, 2.0, 1.0], 2)
case([0.9, 0.7, 0.8, 0.6, 0.65, 0.66, 0.64, 0.67, 0.3, 0.2], 3)
case([3.0, 3.0, 3.0, 3.0, 3.0], 10)
case(list(np.round(1.0 / np.arange(1, 16) + 0.02 * np.arange(15), 4)), 4)
case([7.0], 2)


def _stop(losses, patience, late=0, tie=False, give="best"):
    """Early stopping with one thing changed (for the named mistakes)."""
    losses = [float(x) for x in losses]
    best, epoch = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best] or (tie and losses[epoch] == losses[best]):
            best = epoch
        elif epoch - best >= patience + late:
            break
    return {"best": best, "stop": epoch, "last": len(losses) - 1}[give]


mistake("returned the epoch at which training stopped instead of the best epoch",
        lambda losses, patience: _stop(losses, patience, give="stop"))
mistake("stopped one epoch too late (waited for patience + 1 epochs without improvement)",
        lambda losses, patience: _stop(losses, patience, late=1))
mistake("stopped one epoch too early (after patience - 1 epochs without improvement)",
        lambda losses, patience: _stop(losses, patience, late=-1))
mistake("ignored patience and returned the best epoch of the whole curve (argmin), including epochs "
        "training never reaches", lambda losses, patience: int(np.argmin(losses)))
mistake("counted a tie as an improvement (<= instead of <)", lambda losses, patience: _stop(losses, patience, tie=True))
mistake("returned the last epoch of the list", lambda losses, patience: len(losses) - 1)

# %% hidden="early_stopping_epoch" points=2
ag.score(ag.check_cases("early_stopping_epoch", ag.baked("early_stopping_epoch")), points=2)

# %% [markdown]
# ## 11. Training a network on handwritten digits
#
# Time to use everything.  scikit-learn ships a small digits data set with the library (nothing is
# downloaded): 1797 images of 8 × 8 pixels with values 0..16, labels 0..9.  We scale the pixels to
# $[0, 1]$ and fix the split: after one shuffle with seed 0, the first 1200 images are for
# training and the other 597 for validation.
#
# The network is 64-25-10 with sigmoid units, trained with `backprop` from lesson 03 (given
# below) on minibatches of 50, with each weight matrix updated by an optimizer of this lesson.
# Each optimizer has its own state per weight matrix.

# %% given="sigmoid add_bias"

# %% given="check_labels one_hot as_weight_list l2_penalty"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits"

# %% given="sigmoid_gradient _network _targets forward_propagation"

# %% given="LOSSES backprop"

# %% locked=true
_digits = load_digits()
_order = np.random.default_rng(0).permutation(len(_digits.target))
X_train, y_train = _digits.data[_order[:1200]] / 16.0, _digits.target[_order[:1200]]
X_val, y_val = _digits.data[_order[1200:]] / 16.0, _digits.target[_order[1200:]]
print(f"training set {X_train.shape}, validation set {X_val.shape}")


# %%
def initial_weights(layer_sizes, rng):
    """Uniform in [-eps, eps] with eps = sqrt(6) / sqrt(L_in + L_out) (lectures 04 and 06)."""
    return [rng.uniform(-e, e, size=(b, a + 1))
            for a, b in zip(layer_sizes[:-1], layer_sizes[1:]) for e in [np.sqrt(6) / np.sqrt(a + b)]]


def train(rule, lr, epochs, X, y, layer_sizes=(64, 25, 10), batch_size=50, lam=0.0, seed=0, decay=False):
    """Minibatch training; returns per-epoch (training cost, validation cost, validation accuracy)."""
    rng = np.random.default_rng(seed)
    thetas = initial_weights(list(layer_sizes), rng)
    first = [np.zeros_like(w) for w in thetas]
    second = [np.zeros_like(w) for w in thetas]
    step, history = 0, []
    for epoch in range(epochs):
        rate = decayed_learning_rate(lr, epoch) if decay else lr
        for batch in minibatches(len(y), batch_size, rng=rng):
            step += 1
            _, grads = backprop(thetas, X[batch], y[batch], lam)
            for l, g in enumerate(grads):
                if rule == "SGD":
                    thetas[l] = sgd(thetas[l], g, rate)
                elif rule == "momentum":
                    thetas[l], first[l] = momentum(thetas[l], g, first[l], lr=rate, rho=0.9)
                elif rule == "Adam":
                    thetas[l], first[l], second[l] = adam(thetas[l], g, first[l], second[l], step, lr=rate)
        accuracy = np.mean(np.argmax(forward_propagation(thetas, X_val)[-1], axis=1) == y_val)
        history.append((backprop(thetas, X, y, lam)[0], backprop(thetas, X_val, y_val, 0.0)[0], accuracy))
    return np.array(history)


# %% [markdown]
# First, three optimizers for 15 epochs each.  (The matrices here are small, so NumPy's
# multithreading only costs time: `threadpool_limits` keeps it to one thread.)

# %%
from threadpoolctl import threadpool_limits

try:
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):
        curves = {f"{rule}, lr {lr:g}": train(rule, lr, 15, X_train, y_train)
                  for rule, lr in [("SGD", 0.5), ("momentum", 0.1), ("Adam", 0.01)]}
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    for k, (name, h) in enumerate(curves.items()):
        epochs = np.arange(1, len(h) + 1)
        axes[0].plot(epochs, h[:, 0], "-", color=f"C{k}", label=f"{name}: training")
        axes[0].plot(epochs, h[:, 1], "--", color=f"C{k}", label=f"{name}: validation")
        axes[1].plot(epochs, h[:, 2], "-", color=f"C{k}", label=f"{name}: {h[-1, 2]:.3f}")
    axes[0].set(xlabel="epoch", ylabel="cost J", title="cost (sigmoid outputs, cross-entropy)", yscale="log")
    axes[1].set(xlabel="epoch", ylabel="accuracy", title="validation accuracy", ylim=(0.5, 1.0))
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=8)
    plt.tight_layout()
    plt.show()
    print(f"training time {time.perf_counter() - t0:.1f} s")
except NotImplementedError:
    print("Implement the update rules and minibatches to train the network.")

# %% [markdown]
# **Overfitting and early stopping.**  With only 100 training images and 50 hidden units, no
# regularization and a fast Adam, the network soon fits its training images almost perfectly;
# the validation cost reaches its lowest point and then climbs.  Your `early_stopping_epoch`
# (patience 10) picks the epoch to keep.

# %%
try:
    with threadpool_limits(limits=1):
        h = train("Adam", 0.05, 80, X_train[:100], y_train[:100], layer_sizes=(64, 50, 10), batch_size=20)
    best = early_stopping_epoch(h[:, 1], 10)
    stopped = min(best + 10, len(h) - 1)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(h[:, 0], label="training cost (100 images)")
    ax.plot(h[:, 1], label="validation cost (597 images)")
    ax.axvline(best, color="k", ls=":", label=f"kept: epoch {best}, validation accuracy {h[best, 2]:.3f}")
    ax.axvline(stopped, color="0.6", ls="--", label=f"training stops after epoch {stopped}")
    ax.set(xlabel="epoch", ylabel="cost J", ylim=(0, 1.5), title="early stopping with patience 10")
    ax.legend(fontsize=8)
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement the functions of this notebook to see early stopping at work.")

# %% [markdown]
# ## Summary
#
# * Gradient descent on an ill-conditioned cost zig-zags across the valley and crawls along it;
#   its learning rate is capped by the steepest direction ($\alpha < 2/\lambda_{\max}$).
# * **Momentum** adds up past steps ($v = \rho v + \alpha g$, $\theta = \theta - v$); **Nesterov**
#   takes the gradient at the look-ahead point $\theta - \rho v$ of this convention (the slide's
#   $\theta + \rho v$ belongs to the convention $\theta = \theta + v$).
# * **AdaGrad**, **RMSProp** and **Adam** divide by the root of (a sum or an average of) squared
#   gradients, elementwise, with $\varepsilon$ added after the square root.  Adam's bias
#   correction, with $t$ counted from 1, makes its first step about $\alpha$ per parameter;
#   $\beta_1$ goes with the gradient, $\beta_2$ with its square (the slide's formulas swap them).
# * Train on **shuffled minibatches** that cover every example once per epoch, shrink the rate
#   over time ($\alpha/\sqrt{t+1}$), and keep the weights of the best **validation** epoch.

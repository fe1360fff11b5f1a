# %% [markdown]
# # Lesson 05 — Gradient checking
#
# Backpropagation has many places to slip: a missing $1/m$, a transposed matrix, the bias
# column regularized by accident, an off-by-one layer index.  The treacherous part is that
# a slightly wrong gradient still points roughly downhill, so the cost keeps going down and
# nothing *looks* broken — the network just ends up worse than it should.
#
# **Gradient checking** tests the gradient against a second, independent estimate that
# uses nothing but the cost $J$ itself: nudge one parameter up and down by a tiny
# $\varepsilon$ and look at how much $J$ changes.  That estimate is far too slow to train
# with, but it is simple enough to trust, so it is the perfect referee for backprop.
#
# In this notebook you will
#
# 1. estimate a gradient with central differences, one coordinate at a time,
# 2. write the one-sided (forward) difference for comparison, and see on a plot why the
#    central one is so much more accurate — and why $\varepsilon$ must not be too small,
# 3. measure the disagreement of two gradients with a scale-free relative difference,
# 4. rebuild the lecture's deterministic debug weights (Octave's column-major order),
# 5. check backprop on the lecture's small debug network, with and without regularization,
# 6. hunt down a planted backprop bug: roll the disagreement back into one matrix per layer,
#    draw it, and name the layer and entry — and learn when a check raises a false alarm,
# 7. derive the softmax gradient $(\operatorname{softmax}(Z) - Y)/m$ and check it with your own code,
# 8. time the check, to see why it must be switched off before training (or done on a subset).
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the
# same kind of check the grader runs) and a hidden test cell that checks more inputs when
# your notebook is graded.  Only edit the cells that say `YOUR CODE HERE` or hold a `NAME = ...` placeholder (your answers); keep names and
# signatures as they are.  `backprop`, `unroll` and `roll` from lessons 03 and 04 are given
# to you further down, ready to use: here only the new functions are graded.

# %% locked=true
import time

import numpy as np
import matplotlib.pyplot as plt

try:
    import autograder as ag
except ImportError as _err:
    raise ImportError(
        "The course's checking library is not installed in this kernel. In a terminal, inside your clone "
        "of the students' repository (nn-learning-lab-student), run:  pip install \".[notebooks]\"  "
        "then restart the kernel. Do NOT run `pip install autograder`: that is an unrelated package."
    ) from _err

# %% [markdown]
# The helpers below are what the reference solutions use to validate their inputs; you may
# use them too (you do not have to).  `_cost(J, theta)` calls `J` and insists on a single
# number: passing a function that returns `(cost, grad)` — as `backprop` and
# `nn_cost_function` do — is the most common way to misuse a gradient checker, and it then
# tells you to wrap it as `lambda t: f(t)[0]`.  `_check_eps` rejects a step that is not
# positive and finite, `_as_count` a size that is not a whole number.

# %% given="as_float_array check_shape _check_eps _cost _as_count"

# %% [markdown]
# ## 1. The central difference
#
# For a function of one variable, Taylor's theorem gives
#
# $$J(\theta \pm \varepsilon) = J(\theta) \pm \varepsilon J'(\theta) + \frac{\varepsilon^2}{2} J''(\theta)
#   \pm \frac{\varepsilon^3}{6} J'''(\theta) + \dots$$
#
# Subtract the two expansions: the even powers cancel, and
#
# $$\frac{J(\theta + \varepsilon) - J(\theta - \varepsilon)}{2\varepsilon}
#   = J'(\theta) + \frac{\varepsilon^2}{6} J'''(\theta) + O(\varepsilon^4).$$
#
# The error of this **central** (two-sided) difference shrinks like $\varepsilon^2$: with
# the lecture's $\varepsilon = 10^{-4}$ it is about $10^{-9}$ times $J'''$.  For example
# $J(\theta) = \theta^3$ at $\theta = 2$ with $\varepsilon = 0.01$ gives exactly
# $3\theta^2 + \varepsilon^2 = 12.0001$ instead of 12.
#
# With many parameters $\theta = (\theta_1, \dots, \theta_n)$, move **one coordinate at a
# time**: with $e_i$ the $i$-th unit vector,
#
# $$\frac{\partial J}{\partial \theta_i} \approx \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon},
#   \qquad i = 1, \dots, n,$$
#
# which costs $2n$ evaluations of $J$.  Write `numerical_gradient(J, theta, eps=1e-4)`:
#
# * `theta` may have **any shape** (a vector, a weight matrix, ...) and may be a list or an
#   integer array: work on `np.array(theta, dtype=float)` (with integers, `theta + 1e-4`
#   would be rounded straight back).  Call `J` with arrays of `theta`'s shape and return the
#   gradient in that shape too.  `t.flat[i]` or a `t.reshape(-1)` view reach entry `i` of an
#   array of any shape.
# * Never modify the caller's `theta`.  Careful when you translate the lecture's Octave loop:
#   `thetaPlus = theta` **copies** in Octave but in NumPy both names then refer to the same
#   array, so `thetaPlus[i] += eps` changes `theta` as well.  Use `theta.copy()`.
# * Use the `eps` you are given (the tests pass other values).

# %% solution="numerical_gradient"

# %% test="numerical_gradient" points=1
# J(t) = sum of t^3: the central difference is exactly 3 t^2 + eps^2.
_cube = lambda t: float(np.sum(np.asarray(t) ** 3))
# The known mistakes give: one-sided 3 t^2 + 3 t eps + eps^2; all coordinates at once the sum of all
# entries (18.0003) everywhere; eps = 1e-4 hard-coded 3 t^2 + 1e-8.
_t3 = np.array([1.0, 2.0, -1.0])
ag.expect_close(numerical_gradient(_cube, _t3.copy(), eps=1e-2), [3.0001, 12.0001, 3.0001],
                "numerical_gradient(sum t^3, [1, 2, -1], eps=1e-2)",
                mistakes={"used the one-sided (forward) difference instead of the central one": 3 * _t3 ** 2 + 3e-2 * _t3 + 1e-4,
                          "divided by eps instead of 2 eps (the central difference spans 2 eps)":
                          2 * np.array([3.0001, 12.0001, 3.0001]),
                          "wrote theta_plus = theta: in NumPy that is the same array (Octave copies), so both "
                          "perturbations cancel; use theta.copy()": [0.0, 0.0, 0.0],
                          "perturbed all coordinates at once instead of one at a time": np.full(3, 18.0003),
                          "ignored the eps argument (used 1e-4 whatever eps is passed)": 3 * _t3 ** 2 + 1e-8})
# A matrix theta: the gradient of sum(exp(t)) is exp(t), same shape; theta must not change.
_theta = np.array([[0.5, -1.0, 0.0], [2.0, 0.25, -0.75]])
_before = _theta.copy()
_g = numerical_gradient(lambda t: float(np.sum(np.exp(t))), _theta)
ag.expect_close(_theta, _before, "theta after calling numerical_gradient: you modified theta in place (it must "
                "not change; perturb a copy or restore each entry)", rtol=0, atol=0)
ag.expect_close(_g, np.exp(_before), "numerical_gradient(sum exp(t), theta (2, 3))",
                mistakes={"returned a flat vector: received shape (6,) — the numbers are right, reshape it like theta":
                          np.exp(_before).ravel()})
ag.expect_shape(_g, (2, 3), "numerical_gradient(J, theta of shape (2, 3))")

# %% hidden="numerical_gradient" points=3
# Seeded cost functions with known gradients.  With the default eps the central difference
# is within ~1e-8 of the exact gradient; with eps = 1e-2 passed explicitly it is compared
# with the reference central difference, where a one-sided difference is far off.
_rng = np.random.default_rng(5051)
_ng_w, _ng_B = _rng.normal(size=4), _rng.normal(size=(2, 3))
_ng_A, _ng_c = _rng.normal(size=(6, 6)), _rng.uniform(1.0, 3.0, size=(3, 3))


def _ng_cost(f, shape):
    """J = f(t) for t of the given shape; a t of another shape gets a clear error."""
    def J(t):
        if np.shape(t) != shape:
            raise ValueError(f"J expects theta of shape {shape}, received shape {np.shape(t)} "
                             "(call J with arrays shaped like theta)")
        return float(f(np.asarray(t, dtype=float)))
    return J


_problems = [  # (J as text, J, exact gradient, theta, kwargs)
    ("sum(w * exp(t))", _ng_cost(lambda t: np.sum(_ng_w * np.exp(t)), (4,)), lambda t: _ng_w * np.exp(t),
     _rng.uniform(-1, 1, size=4), {}),
    ("sum(B * sin(t) * t^2)", _ng_cost(lambda t: np.sum(_ng_B * np.sin(t) * t ** 2), (2, 3)),
     lambda t: _ng_B * (np.cos(t) * t ** 2 + 2 * t * np.sin(t)), _rng.normal(size=(2, 3)), {}),
    ("vec(t) A vec(t)", _ng_cost(lambda t: t.ravel() @ _ng_A @ t.ravel(), (3, 2)),
     lambda t: ((_ng_A + _ng_A.T) @ np.ravel(t)).reshape(np.shape(t)), _rng.normal(size=(3, 2)), {}),
    ("sum(c * t^3)", _ng_cost(lambda t: np.sum(_ng_c * t ** 3), (3, 3)), lambda t: 3 * _ng_c * np.square(t),
     _rng.normal(size=(3, 3)), {}),
    ("sum(t^3), theta a list", _ng_cost(lambda t: np.sum(t ** 3), (3,)), lambda t: 3 * np.square(t),
     [0.5, -1.0, 2.0], {}),
    ("sum(t^3), theta an integer array", _ng_cost(lambda t: np.sum(t ** 3), (3,)), lambda t: 3 * np.square(t),
     np.array([1, -2, 3]), {}),
    ("sum(w * exp(t))", _ng_cost(lambda t: np.sum(_ng_w * np.exp(t)), (4,)), None,
     _rng.uniform(-1, 1, size=4), {"eps": 1e-2}),
    ("sum(c * t^3)", _ng_cost(lambda t: np.sum(_ng_c * t ** 3), (3, 3)), None,
     _rng.normal(size=(3, 3)), {"eps": 1e-2}),
]
_r = ag.Result("numerical_gradient")
_outs = [ag.call("numerical_gradient", (_J, _theta), _kw) for _text, _J, _exact, _theta, _kw in _problems]
if ag.GRADER:
    _ref = ag.reference("numerical_gradient forward_difference_gradient")
    _central, _forward = _ref["numerical_gradient"], _ref["forward_difference_gradient"]
    _mutated, _ran, _items = [], 0, []
    for (_text, _J, _exact, _theta, _kw), _out in zip(_problems, _outs):
        _shape = np.shape(_theta)
        _label = f"numerical_gradient(J = {_text}, theta of shape {_shape}" + (
            f", eps={_kw['eps']:g})" if _kw else ")")
        _t = np.asarray(_theta, dtype=float)
        _eps = _kw.get("eps", 1e-4)
        _step = (_J(_t + _eps) - _J(_t - _eps)) / (2 * _eps)
        _variants = {
            "used the one-sided (forward) difference (J(theta + eps e_i) - J(theta)) / eps": _forward(_J, _t, **_kw),
            "divided by eps instead of 2 eps": 2 * _central(_J, _t, **_kw),
            "perturbed all coordinates at once (theta + eps) instead of one at a time": np.full(_shape, _step),
            "wrote theta_plus = theta: in NumPy that is the same array, not a copy, so the +eps and -eps "
            "steps cancel": np.zeros(_shape),
        }
        if _kw:
            _variants["ignored the eps argument (always used 1e-4)"] = _central(_J, _t)
        if not _out.ok:
            _hint = " (convert theta with np.array(theta, dtype=float) first)" if "integer" in _text else ""
            _items.append((0.0, f"{_label} raised {_out.error}{_hint}"))
            continue
        _ran += 1
        if ag.mutated([_J, _theta], _kw, _out.after):
            _mutated.append(_label)
        if _exact is not None:  # default eps: the exact gradient, to central-difference accuracy
            _msg = ag.explain(_out.value, _exact(_t), rtol=1e-6, atol=1e-7, variants=_variants)
        else:
            _msg = ag.explain(_out.value, _central(_J, _t, **_kw), variants=_variants)
        _items.append((_msg is None, f"{_label} -> {_msg}" if _msg else ""))
    # Leaving theta untouched counts as much as two cases; it is reported first.
    if _mutated:
        _r.fail(f"{_mutated[0]} modified theta in place (the caller's array changed): perturb a copy, "
                "e.g. theta_plus = theta.copy()", weight=2)
    elif _ran:
        _r.record(1.0, weight=2)
    else:
        _r.fail("theta left unchanged: not checked, numerical_gradient never ran", weight=2)
    for _credit, _msg in _items:
        _r.record(_credit, _msg)
ag.score(_r, points=3)

# %% [markdown]
# ## 2. The one-sided difference
#
# The other natural estimate looks only forward:
#
# $$\frac{J(\theta + \varepsilon e_i) - J(\theta)}{\varepsilon}
#   = \frac{\partial J}{\partial \theta_i} + \frac{\varepsilon}{2} \frac{\partial^2 J}{\partial \theta_i^2} + O(\varepsilon^2).$$
#
# Nothing cancels this time, so the error is $O(\varepsilon)$: with $\varepsilon = 10^{-4}$
# roughly $10^{-4}$ relative — five orders of magnitude worse than the central difference,
# for about the same work ($n + 1$ evaluations, since $J(\theta)$ is shared by all
# coordinates).  For $\theta^3$ at $\theta = 2$ and $\varepsilon = 0.01$ it gives
# $3\theta^2 + 3\theta\varepsilon + \varepsilon^2 = 12.0601$.
#
# Write `forward_difference_gradient(J, theta, eps=1e-4)` with the same rules as above
# (any shape, `theta` untouched, the given `eps`).

# %% solution="forward_difference_gradient"

# %% test="forward_difference_gradient" points=1
# J(t) = sum of t^3: the forward difference is exactly 3 t^2 + 3 t eps + eps^2.
_cube = lambda t: float(np.sum(np.asarray(t) ** 3))
_fd = np.array([3.0301, 12.0601, 2.9701])
ag.expect_close(forward_difference_gradient(_cube, np.array([1.0, 2.0, -1.0]), eps=1e-2),
                _fd, "forward_difference_gradient(sum t^3, [1, 2, -1], eps=1e-2)",
                mistakes={"divided by 2 eps instead of eps (the one-sided difference spans eps)": _fd / 2,
                          "used the central difference instead of the one-sided one": [3.0001, 12.0001, 3.0001],
                          "computed (J(theta) - J(theta + eps)) / eps: the sign is flipped": -_fd,
                          "perturbed all coordinates at once instead of one at a time": np.full(3, _fd.sum())})
_theta = np.array([[0.5, -1.0], [2.0, 0.25]])
_before = _theta.copy()
_g = forward_difference_gradient(lambda t: float(np.sum(t ** 2)), _theta, eps=1e-3)
# For t^2 the forward difference is exactly 2 t + eps.
ag.expect_close(_g, 2 * _before + 1e-3, "forward_difference_gradient(sum t^2, theta (2, 2), eps=1e-3)")
ag.expect_close(_theta, _before, "theta after calling forward_difference_gradient (it must not change)",
                rtol=0, atol=0)

# %% hidden="forward_difference_gradient" points=2
_rng = np.random.default_rng(5052)
_fd_w, _fd_A = _rng.normal(size=(2, 3)), _rng.normal(size=(4, 4))
_fd_problems = [  # (J as text, J, theta, kwargs)
    ("sum(w * exp(t))", lambda t: float(np.sum(_fd_w * np.exp(t))), _rng.uniform(-1, 1, size=(2, 3)), {}),
    ("vec(t) A vec(t)", lambda t: float(np.ravel(t) @ _fd_A @ np.ravel(t)), _rng.normal(size=(2, 2)), {}),
    ("sum(sin(t) * t^2)", lambda t: float(np.sum(np.sin(t) * np.asarray(t) ** 2)), _rng.normal(size=5), {}),
    ("sum(t^3), theta a list", lambda t: float(np.sum(np.asarray(t) ** 3)), [0.5, -1.0, 2.0], {}),
    ("sum(w * exp(t))", lambda t: float(np.sum(_fd_w * np.exp(t))), _rng.uniform(-1, 1, size=(2, 3)),
     {"eps": 1e-2}),
    ("vec(t) A vec(t)", lambda t: float(np.ravel(t) @ _fd_A @ np.ravel(t)), _rng.normal(size=(2, 2)),
     {"eps": 1e-3}),
]
_r = ag.Result("forward_difference_gradient")
_outs = [ag.call("forward_difference_gradient", (_J, _theta), _kw) for _text, _J, _theta, _kw in _fd_problems]
if ag.GRADER:
    _ref = ag.reference("numerical_gradient forward_difference_gradient")
    _central, _forward = _ref["numerical_gradient"], _ref["forward_difference_gradient"]
    _mutated, _ran, _items = [], 0, []
    for (_text, _J, _theta, _kw), _out in zip(_fd_problems, _outs):
        _shape = np.shape(_theta)
        _label = f"forward_difference_gradient(J = {_text}, theta of shape {_shape}" + (
            f", eps={_kw['eps']:g})" if _kw else ")")
        _t = np.asarray(_theta, dtype=float)
        _eps = _kw.get("eps", 1e-4)
        _variants = {
            "used the central difference instead of the one-sided one": _central(_J, _t, **_kw),
            "divided by 2 eps instead of eps": _forward(_J, _t, **_kw) / 2,
            "perturbed all coordinates at once (theta + eps) instead of one at a time":
                np.full(_shape, (_J(_t + _eps) - _J(_t)) / _eps),
        }
        if _kw:
            _variants["ignored the eps argument (always used 1e-4)"] = _forward(_J, _t)
        if not _out.ok:
            _items.append((0.0, f"{_label} raised {_out.error}"))
            continue
        _ran += 1
        if ag.mutated([_J, _theta], _kw, _out.after):
            _mutated.append(_label)
        _msg = ag.explain(_out.value, _forward(_J, _t, **_kw), variants=_variants)
        _items.append((_msg is None, f"{_label} -> {_msg}" if _msg else ""))
    if _mutated:
        _r.fail(f"{_mutated[0]} modified theta in place (the caller's array changed): perturb a copy", weight=2)
    elif _ran:
        _r.record(1.0, weight=2)
    else:
        _r.fail("theta left unchanged: not checked, forward_difference_gradient never ran", weight=2)
    for _credit, _msg in _items:
        _r.record(_credit, _msg)
ag.score(_r, points=2)

# %% [markdown]
# ## 3. How small should $\varepsilon$ be?
#
# The Taylor error terms say "smaller is better", but a computer stores $J$ with a relative
# rounding error of about $u \approx 1.1 \times 10^{-16}$.  Subtracting two nearly equal
# values of $J$ keeps that absolute error (about $u\,|J|$) while the difference itself
# shrinks with $\varepsilon$; dividing by $\varepsilon$ then blows the rounding error up to
# roughly $u\,|J| / \varepsilon$.  So the total error is about
#
# $$\underbrace{\tfrac{\varepsilon}{2}|J''| + \tfrac{u |J|}{\varepsilon}}_{\text{one-sided}}
#   \qquad\text{and}\qquad
#   \underbrace{\tfrac{\varepsilon^2}{6}|J'''| + \tfrac{u |J|}{\varepsilon}}_{\text{central}}.$$
#
# The one-sided error is smallest near $\varepsilon \approx \sqrt{u} \approx 10^{-8}$ (and
# is then still about $10^{-8}$); the central one near $\varepsilon \approx u^{1/3} \approx
# 10^{-5}$, where it reaches about $10^{-11}$.  The lecture's $\varepsilon = 10^{-4}$ sits
# comfortably in the central difference's sweet spot.  The figure measures all of this on
# $J(\theta) = e^{\theta}$ at $\theta = 1$, where every derivative equals $e$: on a log-log
# plot an error $C \varepsilon^p$ is a straight line of slope $p$.

# %%
_eps_grid = np.logspace(-15, -1, 57)
_exp_cost = lambda t: float(np.exp(t[0]))  # J(t) = e^t: J' = J'' = J''' = e at t = 1
_u = np.finfo(float).eps
try:
    _err_f = np.array([abs(forward_difference_gradient(_exp_cost, np.array([1.0]), e)[0] - np.e)
                       for e in _eps_grid])
    _err_c = np.array([abs(numerical_gradient(_exp_cost, np.array([1.0]), e)[0] - np.e) for e in _eps_grid])
    _floor = 1e-17  # an error of exactly 0 cannot be drawn on a log scale
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.loglog(_eps_grid, np.maximum(_err_f, _floor), "o-", ms=3, label="one-sided difference")
    ax.loglog(_eps_grid, np.maximum(_err_c, _floor), "s-", ms=3, label="central difference")
    ax.loglog(_eps_grid, np.e / 2 * _eps_grid, "--", c="C0", alpha=0.6, label=r"slope 1: $\frac{e}{2}\,\varepsilon$")
    ax.loglog(_eps_grid, np.e / 6 * _eps_grid ** 2, "--", c="C1", alpha=0.6,
              label=r"slope 2: $\frac{e}{6}\,\varepsilon^2$")
    ax.loglog(_eps_grid, _u * np.e / _eps_grid, ":", c="k", label=r"round-off $u\,e/\varepsilon$ (slope $-1$)")
    ax.axvline(1e-4, c="gray", lw=0.8)
    ax.text(1.3e-4, 1e-15, r"$\varepsilon = 10^{-4}$", color="gray")
    ax.set(xlabel=r"$\varepsilon$", ylabel="absolute error of the derivative", ylim=(1e-17, 1),
           title=r"error of the numerical derivative of $e^\theta$ at $\theta = 1$")
    ax.legend(loc="lower left", fontsize=8)
    plt.show()
    _big = _eps_grid >= 1e-3  # well above the round-off floor: truncation error only
    _slope_f = np.polyfit(np.log(_eps_grid[_big]), np.log(_err_f[_big]), 1)[0]
    _slope_c = np.polyfit(np.log(_eps_grid[_big]), np.log(_err_c[_big]), 1)[0]
    print(f"measured slopes for eps >= 1e-3: one-sided {_slope_f:.2f}, central {_slope_c:.2f}")
    print(f"error at eps = 1e-4: one-sided {_err_f[np.argmin(abs(_eps_grid - 1e-4))]:.1e}, "
          f"central {_err_c[np.argmin(abs(_eps_grid - 1e-4))]:.1e}")
except NotImplementedError:
    print("Implement numerical_gradient and forward_difference_gradient to see this figure.")

# %% [markdown]
# Read the plot from right to left: both errors fall along their reference lines (slope 1
# for one-sided, slope 2 for central) until they hit the rising round-off line; below
# that, a smaller $\varepsilon$ only makes things worse, and near $10^{-15}$ the estimate
# is pure noise.

# %% [markdown]
# ## 4. Comparing two gradients
#
# Backprop gives a vector `grad`, the numerical check a vector `numgrad`.  Their plain
# distance $\lVert a - b \rVert$ is no good as a verdict: it scales with the gradient (a
# cost ten times larger has ten times larger gradients and ten times larger rounding
# errors).  Divide by the size of the gradients instead:
#
# $$d(a, b) = \frac{\lVert a - b \rVert}{\lVert a + b \rVert},$$
#
# with the Euclidean norm over **all** entries (for matrices: the Frobenius norm,
# `np.linalg.norm` of the flattened array).  $d$ does not change when both gradients are
# multiplied by the same factor; $d \approx 10^{-9}$ or below means they agree to about
# nine digits, while a bug typically gives $10^{-3}$ or worse.
#
# Two edge cases need care, and neither may produce a `RuntimeWarning`:
#
# * $a = b = 0$: there is nothing to disagree about, return `0.0` (not $0/0$ = `nan`);
# * $a = -b \neq 0$: the two gradients point in opposite directions — exactly what a
#   sign-flipped backprop produces — return `np.inf`, never 0.
#
# So compute numerator and denominator first and handle a zero denominator yourself.
#
# `a` and `b` may be arrays of any (common) shape or plain lists — the tests pass both — so
# convert with `np.asarray(..., dtype=float)` first.
#
# **Why this denominator?**  Courses differ here, and the grader checks this course's choice:
#
# | source | relative difference | verdict |
# |---|---|---|
# | this course = the lecture's `checkNNGradients` (Ng's ex4) | $\lVert a - b \rVert / \lVert a + b \rVert$ | one number, below $10^{-9}$ |
# | Deep Learning Specialization (`gradient_check`) | $\lVert a - b \rVert / (\lVert a \rVert + \lVert b \rVert)$ | one number, below about $10^{-7}$ |
# | CS231n notes | $\lvert a_i - b_i \rvert / \max(\lvert a_i \rvert, \lvert b_i \rvert)$ per entry | per entry, below about $10^{-7}$ |
#
# When the gradients nearly agree ($a \approx b$, the case that matters once your code works),
# $\lVert a + b \rVert \approx 2\lVert a \rVert \approx \lVert a \rVert + \lVert b \rVert$: the first
# two give the same number, and the per-entry version mainly differs by reporting the worst entry.
# They part ways on a **wrong** gradient: for a sign-flipped one ($b = -a$) ex4's
# $\lVert a + b \rVert = 0$ makes $d = \infty$, impossible to overlook, while
# $\lVert a \rVert + \lVert b \rVert$ caps $d$ at 1.  We follow the lecture (and its threshold
# $10^{-9}$, which `check_nn_gradients` uses below), so dividing by $\lVert a\rVert + \lVert b\rVert$
# here costs points even though it is a sensible choice elsewhere.

# %% solution="relative_difference"

# %% test="relative_difference" points=1
# a = (3, 0), b = (0, 4): ||a - b|| = ||a + b|| = 5, ||a|| = 3, ||b|| = 4, sum(a - b) = -1, sum(a + b) = 7.
ag.expect_close(relative_difference([3.0, 0.0], [0.0, 4.0]), 1.0, "relative_difference([3, 0], [0, 4])",
                mistakes={"divided by ||a|| + ||b|| instead of ||a + b|| (the DLAI denominator; this course uses ex4's)":
                          5 / 7,
                          "divided by ||a|| instead of ||a + b||": 5 / 3,
                          "used plain sums sum(a - b) / sum(a + b) instead of norms, so differences of opposite sign "
                          "cancel": -1 / 7})
# a = 2 b: ||a - b|| = sqrt(10), ||a + b|| = 3 sqrt(10), ||a|| = 2 sqrt(10).
ag.expect_close(relative_difference([2.0, -6.0], [1.0, -3.0]), 1 / 3, "relative_difference([2, -6], [1, -3])",
                mistakes={"used squared norms ||a - b||^2 / ||a + b||^2": 1 / 9,
                          "divided by ||a|| instead of ||a + b||": 1 / 2})
ag.expect_close(relative_difference(np.ones((2, 2)), np.ones((2, 2))), 0.0, "relative_difference(a, a)")
# Opposite gradients (what a sign-flipped backprop gives): ||a + b|| = 0 but ||a - b|| > 0.
ag.expect_close(relative_difference([1.0, -2.0], [-1.0, 2.0]), np.inf, "relative_difference(a, -a)",
                mistakes={"returned 0.0 whenever ||a + b|| = 0; but a = -b != 0 are opposite gradients (a sign-flip "
                          "bug): return inf": 0.0})
ag.expect_close(relative_difference(np.zeros(2), np.zeros(2)), 0.0, "relative_difference(zeros, zeros)",
                mistakes={"did not handle a = b = 0, where ||a - b|| / ||a + b|| is 0/0 = nan": np.nan})
ag.expect_close(ag.expect_no_warnings(relative_difference, np.zeros(3), np.zeros(3)), 0.0,
                "relative_difference(zeros, zeros) without a RuntimeWarning")

# %% cases="relative_difference"
rng = np.random.default_rng(503)
a = rng.normal(size=8)
case(a, a + 1e-6 * rng.normal(size=8))                   # nearly equal: d ~ 1e-7
case(rng.normal(size=5), rng.normal(size=5))             # unrelated vectors
case(rng.normal(size=(3, 4)), rng.normal(size=(3, 4)))   # matrices: norm over all entries
case([2.0, -6.0, 4.0], [1.0, -3.0, 2.0])                 # lists, a = 2 b: d = 1/3
case(np.zeros(4), np.zeros(4))                           # both zero: 0.0
case(np.zeros((2, 3)), np.zeros((2, 3)))
case(np.zeros(3), [1.0, -2.0, 0.5])                      # one of them zero: 1.0
case([1.0, -2.0, 3.0], [-1.0, 2.0, -3.0])                # a = -b: inf


def _norm(v):
    return float(np.sqrt(np.sum(np.square(np.asarray(v, dtype=float)))))


def _ratio(num, den):
    return 0.0 if den == 0 else num / den


# First: on a = -b several mistakes return 0.0, and this is the explanation that fits there.
mistake("returned 0.0 whenever ||a + b|| = 0; but a = -b != 0 are opposite gradients (a sign-flip bug): return inf",
        lambda a, b: 0.0 if _norm(np.add(a, b)) == 0 else relative_difference(a, b))
mistake("divided by ||a|| + ||b|| instead of ||a + b||",
        lambda a, b: _ratio(_norm(np.subtract(a, b)), _norm(a) + _norm(b)))
mistake("divided by ||a|| instead of ||a + b||", lambda a, b: _ratio(_norm(np.subtract(a, b)), _norm(a)))
mistake("used squared norms ||a - b||^2 / ||a + b||^2",
        lambda a, b: _ratio(_norm(np.subtract(a, b)) ** 2, _norm(np.add(a, b)) ** 2))
mistake("used plain sums sum(a - b) / sum(a + b) instead of norms, so differences of opposite sign cancel",
        lambda a, b: _ratio(float(np.sum(np.subtract(a, b))), float(np.sum(np.add(a, b)))))
mistake("did not handle a = b = 0, where ||a - b|| / ||a + b|| is 0/0 = nan",
        lambda a, b: np.nan if _norm(np.add(a, b)) == 0 and _norm(np.subtract(a, b)) == 0
        else relative_difference(a, b))

# %% hidden="relative_difference" points=2
# One expected value is inf; comparing a finite answer with it computes 0 * inf inside the
# checker, which must not print a RuntimeWarning into the graded cell.
with np.errstate(invalid="ignore"):
    _r = ag.check_cases("relative_difference", ag.baked("relative_difference"), stable=True)
ag.score(_r, points=2)

# %% [markdown]
# ## 5. Deterministic debug weights
#
# To check backprop we need weights that are
#
# * **not symmetric** — if two hidden units had equal weights, their gradients would be
#   equal too, and a bug that mixes them up could go unnoticed;
# * **small** — so the sigmoids work in their steep middle part rather than saturating,
#   where every gradient is nearly 0 and any two gradients "agree";
# * **reproducible** — the same numbers on every machine, with no random generator.
#
# The lecture's helper fills a `fan_out` $\times$ `(fan_in + 1)` matrix with
# $\sin(1), \sin(2), \dots, \sin(\text{fan\_out}\cdot(\text{fan\_in}+1))$, divided by 10.
# The sine of consecutive integers never repeats, and $|\sin| / 10 \le 0.1$.
#
# **The order matters.** In Octave, `reshape(sin(1:numel(W)), size(W))` fills the matrix
# **column by column** (column-major, "Fortran" order): the first `fan_out` values go down
# column 0.  NumPy's `reshape` fills **row by row** (row-major, "C" order) unless you pass
# `order="F"`.  For `fan_out = 2, fan_in = 1`:
#
# $$\text{Octave: } \frac{1}{10}\begin{pmatrix} \sin 1 & \sin 3 \\ \sin 2 & \sin 4 \end{pmatrix}
#   \qquad\text{NumPy default: } \frac{1}{10}\begin{pmatrix} \sin 1 & \sin 2 \\ \sin 3 & \sin 4 \end{pmatrix}.$$
#
# In 0-based indices, entry `(i, j)` of the Octave matrix is $\sin(1 + i + j \cdot
# \text{fan\_out}) / 10$.  Write `debug_initialize_weights(fan_out, fan_in)` to return exactly
# the lecture's (Octave's) matrix, shape `(fan_out, fan_in + 1)`.

# %% solution="debug_initialize_weights"

# %% test="debug_initialize_weights" points=1
ag.expect_close(debug_initialize_weights(2, 1), np.sin([[1.0, 3.0], [2.0, 4.0]]) / 10,
                "debug_initialize_weights(2, 1)",
                mistakes={"reshaped in NumPy's default row-major (C) order instead of Octave's column-major order "
                          "(use order='F')": np.sin([[1.0, 2.0], [3.0, 4.0]]) / 10,
                          "started at sin(0) instead of sin(1) (np.arange(n) instead of np.arange(1, n + 1))":
                          np.sin([[0.0, 2.0], [1.0, 3.0]]) / 10,
                          "forgot to divide by 10": np.sin([[1.0, 3.0], [2.0, 4.0]]),
                          "swapped fan_in and fan_out (the shape is (fan_out, fan_in + 1))": np.sin([[1.0, 2.0, 3.0]]) / 10,
                          "forgot the bias column (the matrix needs fan_in + 1 columns)": np.sin([[1.0], [2.0]]) / 10})
_W = debug_initialize_weights(5, 3)
ag.expect_shape(_W, (5, 4), "debug_initialize_weights(5, 3)")
# Row 0 runs across the columns, which Octave filled 5 values apart.
ag.expect_close(_W[0], np.sin([1.0, 6.0, 11.0, 16.0]) / 10, "row 0 of debug_initialize_weights(5, 3)")

# %% cases="debug_initialize_weights"
# (fan_out, fan_in + 1) square for (4, 3), (3, 2), (6, 5): there C and F order give transposes.
for fan_out, fan_in in [(5, 3), (3, 5), (4, 3), (3, 2), (5, 2), (6, 5), (3, 3), (1, 1), (2, 0), (1, 7)]:
    case(fan_out, fan_in)


def _sines(n, shape, order):
    return np.sin(np.arange(1, n + 1)).reshape(shape, order=order) / 10


mistake("reshaped in NumPy's default row-major (C) order instead of Octave's column-major order "
        "(use order='F')", lambda o, i: _sines(o * (i + 1), (o, i + 1), "C"))
mistake("started at sin(0) instead of sin(1) (np.arange(n) instead of np.arange(1, n + 1))",
        lambda o, i: np.sin(np.arange(o * (i + 1))).reshape((o, i + 1), order="F") / 10)
mistake("forgot to divide by 10", lambda o, i: 10 * _sines(o * (i + 1), (o, i + 1), "F"))
mistake("swapped fan_in and fan_out (the shape is (fan_out, fan_in + 1))",
        lambda o, i: _sines(i * (o + 1), (i, o + 1), "F"))
mistake("forgot the bias column (the matrix needs fan_in + 1 columns)",
        lambda o, i: _sines(o * i, (o, i), "F"))

# %% hidden="debug_initialize_weights" points=2
ag.score(ag.check_cases("debug_initialize_weights", ag.baked("debug_initialize_weights")), points=2)

# %% [markdown]
# ## 6. Checking backprop on the debug network
#
# Here are `backprop` (lesson 03) and `unroll` / `roll` (lesson 04), with everything they
# use.  Remember: `backprop(thetas, X, y, lam)` returns `(J, grads)` with `grads` shaped like
# `thetas`; `unroll` flattens a list of matrices in list order, each row by row (C order),
# and `roll(vector, shapes)` cuts such a vector back into matrices.

# %% given="sigmoid add_bias sigmoid_gradient"

# %% given="check_labels one_hot as_weight_list l2_penalty"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits"

# %% given="LOSSES _network _targets forward_propagation backprop"

# %% given="unroll roll"

# %% [markdown]
# The lecture checks backprop on a network small enough that $2n$ cost evaluations take no
# time at all:
#
# * 3 inputs, 5 hidden units, 3 classes: `Theta1 = debug_initialize_weights(5, 3)` of shape
#   `(5, 4)` and `Theta2 = debug_initialize_weights(3, 5)` of shape `(3, 6)`, 38 weights;
# * $m = 5$ examples, with inputs from the same helper: `X = debug_initialize_weights(5, 2)`
#   (shape `(5, 3)`: 5 rows, 3 features);
# * labels `y = np.arange(1, 6) % 3`, i.e. `[1, 2, 0, 1, 2]` — the lecture's
#   `1 + mod(1:m, 3)` shifted to our 0-based labels.
#
# The cost must be a function of **one vector** (the numerical gradient perturbs the entries
# of one array), so unroll the weights and let the cost roll them back:
# `cost(p) = backprop(roll(p, shapes), X, y, lam)[0]`.  Then
#
# * `numgrad = numerical_gradient(cost, unroll(thetas))`,
# * `grad = unroll(grads)` with `grads` from `backprop(thetas, X, y, lam)` — unrolled the
#   same way, so that entry `i` of both vectors belongs to the same weight,
# * `diff = relative_difference(numgrad, grad)`.
#
# `check_nn_gradients(lam=0.0)` returns `(numgrad, grad, diff)`; with a correct backprop,
# `diff` is below $10^{-9}$ with and without regularization.

# %% solution="check_nn_gradients"

# %% test="check_nn_gradients" points=2
# Expected values: the given backprop on the debug network, whose weights and inputs are built here
# with NumPy (Octave's column-major fill), and the known mistakes' values from the same ingredients.
_T = [np.sin(np.arange(1, 21)).reshape((5, 4), order="F") / 10,
      np.sin(np.arange(1, 19)).reshape((3, 6), order="F") / 10]
_Xd, _yd, _sh = np.sin(np.arange(1, 16)).reshape((5, 3), order="F") / 10, np.arange(1, 6) % 3, [(5, 4), (3, 6)]


def _dbg_grad(lam, X=_Xd, y=_yd, order="C"):
    return np.concatenate([g.ravel(order=order) for g in backprop(_T, X, y, lam)[1]])


def _dbg_forward(lam, eps=1e-4):
    _p = unroll(_T)
    _J = lambda q: backprop(roll(q, _sh), _Xd, _yd, lam)[0]
    _j0 = _J(_p)
    return np.array([(_J(_p + eps * np.eye(_p.size)[i]) - _j0) / eps for i in range(_p.size)])


_uses = ("debug_initialize_weights", "numerical_gradient", "relative_difference")
for _lam in (0.0, 3.0):
    _numgrad, _grad, _diff = check_nn_gradients(_lam)
    ag.expect_shape(_grad, (38,), f"grad of check_nn_gradients({_lam:g})", uses=_uses)
    _bias = np.concatenate([(_lam / 5 * np.column_stack([t[:, 0], np.zeros_like(t[:, 1:])])).ravel() for t in _T])
    ag.expect_close(_grad, _dbg_grad(_lam), f"grad of check_nn_gradients({_lam:g})", uses=_uses, mistakes={
        "regularized the bias column (column 0) in the analytic gradient": _dbg_grad(_lam) + _bias,
        "ignored lam (checked the unregularized cost)": _dbg_grad(0.0),
        "used the labels np.arange(5) % 3 = [0, 1, 2, 0, 1] instead of np.arange(1, 6) % 3 = [1, 2, 0, 1, 2]":
            _dbg_grad(_lam, y=np.arange(5) % 3),
        "unrolled the backprop gradient column-major (Octave's Theta(:)) instead of with unroll, so grad and "
        "numgrad list the weights in different orders": _dbg_grad(_lam, order="F"),
        "built X row-major (np.sin(1..15).reshape(5, 3) / 10) instead of with debug_initialize_weights(5, 2)":
            _dbg_grad(_lam, X=np.sin(np.arange(1, 16)).reshape(5, 3) / 10)})
    ag.expect_shape(_numgrad, (38,), f"numgrad of check_nn_gradients({_lam:g})", uses=_uses)
    # The central difference is within ~1e-11 of backprop's exact gradient here.
    ag.expect_close(_numgrad, _dbg_grad(_lam), f"numgrad of check_nn_gradients({_lam:g}) against backprop's gradient",
                    rtol=1e-6, atol=1e-9, uses=_uses,
                    mistakes={"used the one-sided (forward) difference for numgrad": _dbg_forward(_lam)})
    # diff must be the relative difference of the two vectors returned (received: their ratio, 1 when right).
    with np.errstate(all="ignore"):
        _ratio = float(_diff) / (np.linalg.norm(_numgrad - _grad) / np.linalg.norm(_numgrad + _grad))
    ag.expect_close(_ratio, 1.0, f"diff of check_nn_gradients({_lam:g}) / (||numgrad - grad|| / ||numgrad + grad||)",
                    rtol=1e-6, uses=_uses,
                    mistakes={"returned the unnormalized distance ||numgrad - grad|| instead of dividing it by "
                              "||numgrad + grad||": np.linalg.norm(_numgrad + _grad)})
    if not float(_diff) < 1e-9:
        raise ag.CheckFailed(f"check_nn_gradients({_lam:g}): diff = {float(_diff):.3g}, expected below 1e-9")

# %% cases="check_nn_gradients"
case(0.0)
case(3.0)


def _debug_check(lam, *, X=None, y=None, gradient=numerical_gradient, flatten=unroll, bias_reg=False,
                 lam_used=None):
    """check_nn_gradients with one ingredient swapped for a typical mistake."""
    thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
    X = debug_initialize_weights(5, 2) if X is None else X
    y = np.arange(1, 6) % 3 if y is None else y
    lam = lam if lam_used is None else lam_used
    shapes = [t.shape for t in thetas]
    numgrad = gradient(lambda p: backprop(roll(p, shapes), X, y, lam)[0], unroll(thetas))
    grads = backprop(thetas, X, y, lam)[1]
    if bias_reg:
        grads = [g + lam / 5 * np.column_stack([t[:, 0], np.zeros_like(t[:, 1:])]) for g, t in zip(grads, thetas)]
    grad = flatten(grads)
    return numgrad, grad, relative_difference(numgrad, grad)


mistake("regularized the bias column (column 0) in the analytic gradient",
        lambda lam: _debug_check(lam, bias_reg=True))
mistake("used the one-sided (forward) difference for numgrad",
        lambda lam: _debug_check(lam, gradient=forward_difference_gradient))
mistake("ignored lam (checked the unregularized cost)", lambda lam: _debug_check(lam, lam_used=0.0))
mistake("used the labels np.arange(5) % 3 = [0, 1, 2, 0, 1] instead of np.arange(1, 6) % 3 = [1, 2, 0, 1, 2]",
        lambda lam: _debug_check(lam, y=np.arange(5) % 3))
mistake("unrolled the backprop gradient column-major (Octave's Theta(:)) instead of with unroll, so grad "
        "and numgrad list the weights in different orders",
        lambda lam: _debug_check(lam, flatten=lambda gs: np.concatenate([g.ravel(order="F") for g in gs])))
mistake("built X row-major (np.sin(1..15).reshape(5, 3) / 10) instead of with debug_initialize_weights(5, 2)",
        lambda lam: _debug_check(lam, X=np.sin(np.arange(1, 16)).reshape(5, 3) / 10))

# %% hidden="check_nn_gradients" points=5
# Run with trusted backprop, unroll, roll, debug_initialize_weights, numerical_gradient
# and relative_difference, so only check_nn_gradients itself is judged here.
_trusted = ag.trusted("backprop unroll roll debug_initialize_weights numerical_gradient forward_difference_gradient relative_difference")
_r = ag.Result("check_nn_gradients")
_cases = ag.baked("check_nn_gradients")
_outs = [ag.call("check_nn_gradients", _case["args"], swap=_trusted) for _case in _cases]
if ag.GRADER:
    _relative = ag.reference("relative_difference")["relative_difference"]
    for _case, _out in zip(_cases, _outs):
        _label = f"check_nn_gradients({_case['args'][0]:g})"
        if not _out.ok:
            _r.fail(f"{_label} raised {_out.error}", weight=4)
            continue
        try:
            _numgrad, _grad, _diff = _out.value
            _numgrad = np.asarray(_numgrad, dtype=float)
            _grad = np.asarray(_grad, dtype=float)
            _diff = float(_diff)
        except (TypeError, ValueError) as _e:
            _r.fail(f"{_label} must return (numgrad, grad, diff) with two vectors and a number: {_e}", weight=4)
            continue
        for _k, _name, _value in [(0, "numgrad", _numgrad), (1, "grad", _grad)]:
            _msg = ag.explain(_value, _case["expected"][_k], f"{_label} {_name}",
                              variants={w: v[_k] for w, v in _case["variants"].items()})
            _r.record(_msg is None, _msg or "")
        if _diff < 1e-9:
            _r.record(1.0)
        else:
            _r.fail(f"{_label}: diff = {_diff:.3g}, expected below 1e-9 (numgrad and grad disagree)")
        try:
            _should = float(_relative(_numgrad, _grad))
        except Exception as _e:  # noqa: BLE001 - wrong shapes were reported above
            _r.fail(f"{_label}: diff not checked, relative_difference(numgrad, grad) failed: {_e}")
            continue
        if np.isclose(_diff, _should, rtol=1e-6, atol=0.0):
            _r.record(1.0)
        else:
            _plain = np.linalg.norm(_numgrad - _grad) if _numgrad.shape == _grad.shape else None
            _why = (": it is the unnormalized distance ||numgrad - grad||, not divided by ||numgrad + grad||"
                    if _plain is not None and np.isclose(_diff, _plain, rtol=1e-6, atol=0.0) else "")
            _r.fail(f"{_label}: diff = {_diff:.6g} is not the relative difference of the numgrad and grad you "
                    f"return, ||numgrad - grad|| / ||numgrad + grad|| = {_should:.6g}{_why}")
ag.score(_r, points=5)

# %% [markdown]
# The two gradients side by side (the first entries belong to `Theta1`, row by row):

# %%
try:
    _numgrad, _grad, _diff = check_nn_gradients(3.0)
    print("   numgrad          grad")
    for _a, _b in zip(_numgrad[:8], _grad[:8]):
        print(f"{_a: .10f} {_b: .10f}")
    print("...")
    print(f"relative difference with lam = 3: {_diff:.2e}  (should be below 1e-9)")
except NotImplementedError:
    print("Implement check_nn_gradients to see the comparison.")

# %% [markdown]
# ### What a bug looks like
#
# The point of the check is the contrast.  Below, two classic backprop mistakes are made on
# purpose by editing the correct gradients, and compared against the same numerical
# gradient: regularizing the bias column, and forgetting the $1/m$ in the regularization
# term's gradient.  The relative difference jumps by many orders of magnitude.  The heatmaps
# show `grad - numgrad` rolled back into one matrix per layer: the first bug lights up only
# the bias column (column 0), the second every other column.  `debug_gradients` and
# `draw_differences`, defined here, are used again for the bug hunt of section 7.

# %%
def debug_gradients(backprop_fn, layer_sizes, lam):
    """Both gradients of ``backprop_fn``'s cost on the debug network, with your functions.

    The network has ``layer_sizes`` (``thetas[l] = debug_initialize_weights(s_{l+1}, s_l)``) and the
    lecture's data ``X = debug_initialize_weights(5, 2)`` (shape (5, 3)), ``y = np.arange(1, 6) % 3``.
    Returns ``(numgrad, grad, thetas, shapes)``: your ``numerical_gradient`` of
    ``J(p) = backprop_fn(roll(p, shapes), X, y, lam)[0]`` and ``backprop_fn``'s gradient, both
    unrolled (shape ``(n,)``), the weights and their shapes.
    """
    thetas = [debug_initialize_weights(b, a) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    shapes = [t.shape for t in thetas]
    X, y = debug_initialize_weights(5, 2), np.arange(1, 6) % 3
    numgrad = numerical_gradient(lambda p: backprop_fn(roll(p, shapes), X, y, lam)[0], unroll(thetas))
    return numgrad, unroll(backprop_fn(thetas, X, y, lam)[1]), thetas, shapes


def draw_differences(diffs, title):
    """One heatmap per layer of ``diffs[l] = grad - numgrad`` (matrices shaped like ``thetas[l]``).

    All layers share one colour scale, symmetric around 0: red where backprop's derivative is too
    large, blue where it is too small, white where the two gradients agree.
    """
    top = max(float(np.max(np.abs(d))) for d in diffs)
    fig, axes = plt.subplots(1, len(diffs), figsize=(4 * len(diffs), 3.4), layout="constrained",
                             gridspec_kw={"width_ratios": [np.shape(d)[1] for d in diffs]}, squeeze=False)
    for l, (ax, D) in enumerate(zip(axes[0], diffs)):
        im = ax.imshow(D, cmap="RdBu_r", vmin=-top, vmax=top)
        ax.set(title=f"grad - numgrad, layer l = {l}", xlabel="column j (0 = bias)", ylabel="row i",
               xticks=range(np.shape(D)[1]), yticks=range(np.shape(D)[0]))
    fig.colorbar(im, ax=axes[0], shrink=0.8)
    fig.suptitle(title)
    plt.show()


def _bug_regularized_bias(thetas, grads, lam, m):
    return [g + lam / m * np.column_stack([t[:, 0], np.zeros((t.shape[0], t.shape[1] - 1))])
            for g, t in zip(grads, thetas)]


def _bug_missing_1_over_m(thetas, grads, lam, m):
    return [g + np.column_stack([np.zeros(t.shape[0]), (lam - lam / m) * t[:, 1:]]) for g, t in zip(grads, thetas)]


try:
    _numgrad, _grad, _thetas, _shapes = debug_gradients(backprop, [3, 5, 3], 3.0)
    _grads = roll(_grad, _shapes)
    print(f"correct backprop:               diff = {relative_difference(_numgrad, _grad):.1e}")
    for _name, _bug in [("bias column regularized:", _bug_regularized_bias),
                        ("1/m missing in the reg. term:", _bug_missing_1_over_m)]:
        _bad = unroll(_bug(_thetas, _grads, 3.0, 5))
        print(f"{_name:31s} diff = {relative_difference(_numgrad, _bad):.1e}")
    for _name, _bug in [("bias column regularized", _bug_regularized_bias),
                        ("1/m missing in the regularization term", _bug_missing_1_over_m)]:
        draw_differences(roll(unroll(_bug(_thetas, _grads, 3.0, 5)) - _numgrad, _shapes), _name)
except NotImplementedError:
    print("Implement the functions above to see this comparison.")

# %% [markdown]
# ## 7. A bug hunt
#
# A relative difference of $10^{-2}$ says *that* backprop is wrong, not *where*.  The
# numerical gradient knows more: `numgrad` and `grad` are unrolled the same way, so their
# difference can be rolled back into one matrix per layer, exactly like the weights.  Entry
# `[l][i, j]` of those matrices is how far the analytic derivative of `thetas[l][i, j]` is
# off.  A heatmap of each matrix then points at the wrong line of code: a whole layer lit up,
# one column (the bias), one unit (a row), or scattered entries.
#
# Write `difference_by_layer(numgrad, grad, shapes)`: `numgrad` and `grad` are 1-D (arrays or
# plain lists, the tests pass both) of the same length, `shapes` is the list of the weight
# matrices' shapes; return the list of matrices `grad - numgrad`, cut and reshaped exactly as
# `roll` does (row by row).  Keep the sign: *analytic minus numerical*, so a positive entry
# means backprop's derivative is too large.

# %% solution="difference_by_layer"

# %% test="difference_by_layer" points=1
# grad - numgrad = [1, -2, 3, -4, 5, -6, 7, -8], cut into a (2, 2) and a (1, 4) matrix.
_n = np.array([0.5, 1.0, 0.0, 2.0, -1.0, 0.0, 1.0, 3.0])
_d = np.array([1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0])
_dl = difference_by_layer(_n, _n + _d, [(2, 2), (1, 4)])
ag.expect_close(_dl, [_d[:4].reshape(2, 2), _d[4:].reshape(1, 4)],
                "difference_by_layer(numgrad, grad, [(2, 2), (1, 4)])",
                mistakes={"computed numgrad - grad instead of grad - numgrad (the sign is flipped)":
                          [-_d[:4].reshape(2, 2), -_d[4:].reshape(1, 4)],
                          "reshaped column by column (Octave's order) instead of row by row as roll does":
                          [_d[:4].reshape(2, 2, order="F"), _d[4:].reshape(1, 4)],
                          "took absolute values |grad - numgrad| (keep the sign: it says which one is larger)":
                          [np.abs(_d[:4]).reshape(2, 2), np.abs(_d[4:]).reshape(1, 4)],
                          "cut every layer from the start of the vector instead of after the layers before it":
                          [_d[:4].reshape(2, 2), _d[:4].reshape(1, 4)]})

# %% cases="difference_by_layer"
rng = np.random.default_rng(5071)
for shapes in ([(5, 4), (3, 6)], [(2, 3), (4, 3), (1, 5)], [(3, 3)], [(1, 2), (2, 2)]):
    n = sum(r * c for r, c in shapes)
    numgrad = rng.normal(size=n)
    case(numgrad, numgrad + rng.normal(scale=1e-3, size=n) * (rng.random(n) < 0.3), shapes)
case([0.5, 1.0, 0.0, 2.0, -1.0, 0.0], [1.5, -1.0, 3.0, -2.0, 4.0, -6.0], [(2, 2), (1, 2)])  # lists


def _cut(v, shapes, order="C", restart=False):
    out, k = [], 0
    for r, c in shapes:
        start = 0 if restart else k
        out.append(np.asarray(v[start:start + r * c], dtype=float).reshape((r, c), order=order))
        k += r * c
    return out


mistake("computed numgrad - grad instead of grad - numgrad (the sign is flipped)",
        lambda n, g, s: _cut(np.subtract(n, g), s))
mistake("reshaped column by column (Octave's order) instead of row by row as roll does",
        lambda n, g, s: _cut(np.subtract(g, n), s, order="F"))
mistake("took absolute values |grad - numgrad| (keep the sign: it says which one is larger)",
        lambda n, g, s: _cut(np.abs(np.subtract(g, n)), s))
mistake("cut every layer from the start of the vector instead of after the layers before it",
        lambda n, g, s: _cut(np.subtract(g, n), s, restart=True))

# %% hidden="difference_by_layer" points=1
ag.score(ag.check_cases("difference_by_layer", ag.baked("difference_by_layer")), points=1)

# %% [markdown]
# Next, let the computer read the heatmap for you: `largest_difference(diffs)` takes such a
# list of matrices and returns `(l, i, j)`, three integers: the layer index `l` (0-based, so
# `diffs[l]` belongs to `thetas[l]`), the row `i` and the column `j` of the entry with the
# largest **absolute** value.  If several entries tie, return the first one in unrolled order
# (layer by layer, each row by row) — what `np.argmax` gives.  `np.unravel_index` turns a
# position in a flattened matrix into `(row, column)`.

# %% solution="largest_difference"

# %% test="largest_difference" points=1
# The largest |entry| is -0.9 in diffs[1][0, 1]; the largest signed entry is 0.7 in diffs[2][0, 0];
# -0.9 is entry 5 of the unrolled vector (4 entries in layer 0 before it).
_diffs = [np.array([[0.1, -0.2], [0.3, 0.0]]), np.array([[0.05, -0.9, 0.4]]), np.array([[0.7], [-0.1]])]
ag.expect_close(largest_difference(_diffs), (1, 0, 1), "largest_difference(diffs) for the three matrices above",
                mistakes={"took the largest signed value instead of the largest absolute value (a bug can make a "
                          "derivative too small as well as too large)": (2, 0, 0),
                          "counted layers from 1 (the lecture's Theta^(2)) instead of the 0-based index l of "
                          "thetas[l]": (2, 0, 1),
                          "swapped row and column": (1, 1, 0),
                          "returned the position in the unrolled vector instead of (layer, row, column)": 5})

# %% cases="largest_difference"
rng = np.random.default_rng(5072)
for shapes in ([(5, 4), (3, 6)], [(2, 3), (4, 3), (1, 5)], [(3, 3)], [(1, 2), (2, 2), (3, 1)]):
    case([rng.normal(size=s) for s in shapes])
_neg = [rng.uniform(-0.5, 0.5, size=(3, 4)), rng.uniform(-0.5, 0.5, size=(2, 4))]
_neg[1][1, 2] = -3.0  # the largest |entry| is negative
case(_neg)
_col = [np.zeros((5, 4)), np.zeros((4, 6)), np.zeros((3, 5))]
_col[1][:, 0] = [-0.04, 0.03, -0.05, 0.02]  # one bias column, as in the bug hunt below
case(_col)


def _flat_abs(diffs):
    return np.concatenate([np.abs(np.asarray(d, dtype=float)).ravel() for d in diffs])


def _locate(diffs, key):
    mats = [np.asarray(d, dtype=float) for d in diffs]
    peaks = [np.max(key(d)) for d in mats]
    layer = int(np.argmax(peaks))
    i, j = np.unravel_index(int(np.argmax(key(mats[layer]))), mats[layer].shape)
    return layer, int(i), int(j)


mistake("took the largest signed value instead of the largest absolute value (a bug can make a derivative "
        "too small as well as too large)", lambda d: _locate(d, lambda x: x))
mistake("counted layers from 1 (the lecture's Theta^(2)) instead of the 0-based index l of thetas[l]",
        lambda d: (lambda l, i, j: (l + 1, i, j))(*_locate(d, np.abs)))
mistake("swapped row and column", lambda d: (lambda l, i, j: (l, j, i))(*_locate(d, np.abs)))
mistake("returned the position in the unrolled vector instead of (layer, row, column)",
        lambda d: int(np.argmax(_flat_abs(d))))

# %% hidden="largest_difference" points=1
ag.score(ag.check_cases("largest_difference", ag.baked("largest_difference")), points=1)

# %% [markdown]
# ### The hunt
#
# Below is `buggy_backprop(thetas, X, y, lam)`, a backprop for networks with **three** weight
# matrices, written layer by layer with the bias gradients apart from the weight gradients.
# Its cost `J` is right; exactly one term of its gradient is wrong.  Do not hunt by reading
# the code (in a real project the bug hides among thousands of lines): find it with your
# gradient check.

# %% given="buggy_backprop"

# %% [markdown]
# The debug network has layer sizes 3-5-4-3: `thetas = [debug_initialize_weights(5, 3),
# debug_initialize_weights(4, 5), debug_initialize_weights(3, 4)]` (shapes `(5, 4)`, `(4, 6)`,
# `(3, 5)`, 62 weights), the same `X = debug_initialize_weights(5, 2)` and
# `y = np.arange(1, 6) % 3` as before, and `lam = 0`.  The next cell computes, with **your**
# functions, `numgrad` (your `numerical_gradient` of `buggy_backprop`'s cost), `grad`
# (`buggy_backprop`'s gradient, unrolled), their relative difference and your
# `difference_by_layer`, and draws one heatmap per layer (red: backprop's derivative too large,
# blue: too small).

# %%
_hunt_shapes = [(5, 4), (4, 6), (3, 5)]


def _hunt(lam):
    """(numgrad, grad) of buggy_backprop on the 3-5-4-3 debug network, with your numerical_gradient."""
    return debug_gradients(buggy_backprop, [3, 5, 4, 3], lam)[:2]


try:
    _numgrad, _grad = _hunt(0.0)
    print(f"relative difference with lam = 0: {relative_difference(_numgrad, _grad):.2e}")
    _diffs = difference_by_layer(_numgrad, _grad, _hunt_shapes)
    draw_differences(_diffs, "buggy_backprop on the 3-5-4-3 debug network, lam = 0")
    print("largest difference at (l, i, j) =", largest_difference(_diffs))
except NotImplementedError:
    print("Implement debug_initialize_weights, numerical_gradient, relative_difference, difference_by_layer "
          "and largest_difference to see the heatmaps.")

# %% [markdown]
# **Your verdict** (2 points).  Set `BUG_LOCATION` to the `(l, i, j)` of the largest
# difference you found — you may write `BUG_LOCATION = largest_difference(...)` with the
# variables above, or type the three integers.  One point for the layer, one for the entry.
# Then look at the heatmap once more: which line of `buggy_backprop` computes that part of
# the gradient, and what is wrong with it?

# %% solution="BUG_LOCATION"

# %% hidden="BUG_LOCATION" points=2
_r = ag.Result("BUG_LOCATION")
_answer = ag.student("BUG_LOCATION")
if ag.GRADER:
    _right = tuple(ag.reference("BUG_LOCATION")["BUG_LOCATION"])
    try:
        if _answer is None or _answer is Ellipsis:
            raise TypeError
        _got = tuple(int(v) for v in _answer)
        if len(_got) != 3 or any(float(v) != int(v) for v in _answer):
            raise ValueError
    except (TypeError, ValueError):
        _r.fail("BUG_LOCATION: no answer given (replace the ... with yours)" if _answer is None or _answer is Ellipsis else
                f"BUG_LOCATION must be three integers (l, i, j), received {_answer!r}", weight=2)
    else:
        _why = ("the whole bias column of grads[1] is off while every other entry agrees: "
                "db2 = d3.sum(axis=0) in buggy_backprop is missing its / m")
        if _got[0] == _right[0]:
            _r.record(1.0)
        else:
            _r.fail(f"BUG_LOCATION: layer {_got[0]} is not where the gradient check disagrees most; the layer "
                    f"is l = {_right[0]} — {_why}")
        if _got == _right:
            _r.record(1.0)
        else:
            _r.fail(f"BUG_LOCATION: you answered {_got}; the largest |grad - numgrad| is at {_right} — {_why}")
ag.score(_r, points=2)

# %% [markdown]
# ### Regularization: check with $\lambda = 0$ first
#
# Run the check twice, first with $\lambda = 0$, then with regularization.  If the first passes
# and the second fails, the bug is in the regularization term (as with the regularized bias
# column in section 6).  And the order matters for another reason: the regularization
# gradient $\frac{\lambda}{m}\Theta$ is exact and easy, and with a large $\lambda$ it can
# dominate both `grad` and `numgrad`, so $\lVert a + b \rVert$ grows and the relative
# difference of a real bug in the data term shrinks.  The planted bug, at growing $\lambda$:

# %%
try:
    for _lam in (0.0, 3.0, 100.0, 10000.0):
        _numgrad, _grad = _hunt(_lam)
        print(f"lam = {_lam:7g}: relative difference {relative_difference(_numgrad, _grad):.1e}")
except NotImplementedError:
    print("Implement debug_initialize_weights, numerical_gradient and relative_difference to see this.")

# %% [markdown]
# The bug is the same in every line, yet with $\lambda = 10^4$ it hides behind the
# regularization term.  Check the unregularized cost first, then add $\lambda$.
#
# ### Kinks: false alarms from functions with corners
#
# The Taylor argument of section 1 needs $J$ to be smooth between $\theta - \varepsilon$ and
# $\theta + \varepsilon$.  The sigmoid is, but ReLU ($\max(0, z)$), $|z|$ and the hinge loss
# have a corner at 0.  If an input lies within $\varepsilon$ of a corner, the central
# difference straddles it and averages the two slopes, while backprop takes the slope of one
# side.  For $J(\theta) = \sum_i \max(0, \theta_i)$:

# %%
_kink_theta = np.array([-3e-5, 0.4, 5e-5, -1.0])
_kink_cost = lambda t: float(np.sum(np.maximum(0.0, t)))
_kink_grad = (_kink_theta > 0).astype(float)  # what backprop gives: the slope of one side
try:
    _kink_num = numerical_gradient(_kink_cost, _kink_theta)
    for _t, _a, _b in zip(_kink_theta, _kink_grad, _kink_num):
        print(f"theta = {_t: .0e}: backprop {_a:.2f}, numerical {_b:.2f}" + ("   <- within eps of the kink"
                                                                            if abs(_t) < 1e-4 else ""))
    print(f"relative difference: {relative_difference(_kink_num, _kink_grad):.1e}, although both are 'right'")
except NotImplementedError:
    print("Implement numerical_gradient and relative_difference to see this.")

# %% [markdown]
# Such a false alarm is easy to recognise: it sits on entries whose unit had $|z| < \varepsilon$,
# and it disappears when $\varepsilon$ shrinks or the point moves slightly.  With sigmoid or tanh
# units, as in this course, there are no kinks.  Networks with many ReLU units and many
# examples almost always have a few $z$ near 0, so checks there use few examples (fewer kinks)
# and look at *where* the differences are before suspecting backprop.

# %% [markdown]
# **Quick question B** (1 point).  Which of these make a gradient check report a large
# difference even though backprop is correct?
#
# (a) a ReLU unit whose input $z$ is $2 \cdot 10^{-5}$ at the checked point, with $\varepsilon = 10^{-4}$
# &nbsp;&nbsp; (b) $\varepsilon = 10^{-12}$ &nbsp;&nbsp; (c) checking only 50 randomly chosen weights
# instead of all of them &nbsp;&nbsp; (d) running the first check with $\lambda = 0$
# &nbsp;&nbsp; (e) dropout switched on, drawing a new random mask at every cost evaluation
#
# Write the letters as one string, e.g. `QUIZ_B = "a, d"` (order and spacing do not matter).

# %% solution="QUIZ_B"

# %% hidden="QUIZ_B" points=1
_r = ag.Result("QUIZ_B")
_answer = ag.student("QUIZ_B")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_B")["QUIZ_B"],
                    why="(a) the central difference straddles the kink, (b) round-off u|J|/eps swamps the "
                        "difference, (e) every cost evaluation is a different function; (c) and (d) only make "
                        "the check cheaper or sharper")
ag.score(_r, points=1)

# %% [markdown]
# ## 8. The softmax gradient
#
# Lesson 02's `softmax_cross_entropy(Z, y)` is the mean over the $m$ examples of
# $-\log \operatorname{softmax}(z_i)_{y_i}$, where row $z_i$ of `Z` holds the $K$ class scores
# of example $i$.  For one row, with $p = \operatorname{softmax}(z)$,
#
# $$-\log p_y = \log \sum_j e^{z_j} - z_y, \qquad
#   \frac{\partial}{\partial z_k}\Big(\log \sum_j e^{z_j} - z_y\Big) = \frac{e^{z_k}}{\sum_j e^{z_j}} - [k = y]
#   = p_k - [k = y].$$
#
# Stack the rows and divide by $m$ for the mean: with `Y = one_hot(y, K)`,
#
# $$\frac{\partial J}{\partial Z} = \frac{\operatorname{softmax}(Z) - Y}{m}.$$
#
# The same pattern "prediction minus target" appeared for the sigmoid output with
# cross-entropy ($\delta^{(L)} = a^{(L)} - y$): the right loss cancels the derivative of the
# output function.  Each row of the gradient sums to 0, since the probabilities and the
# one-hot row both sum to 1.
#
# Write `softmax_cross_entropy_gradient(Z, y)` → shape `(m, K)`, for integer labels `y` of
# shape `(m,)`.  `softmax` and `one_hot` are given (below and in section 6), with
# `softmax_cross_entropy`; use the given `softmax`: it stays finite for scores of $\pm 1000$,
# which the tests use.  `Z` may also be a list of lists.

# %% given="softmax softmax_cross_entropy"

# %% solution="softmax_cross_entropy_gradient"

# %% test="softmax_cross_entropy_gradient" points=1
# Z = 0: softmax is 1/3 everywhere, so the gradient is (1/3 - Y) / 2 with Y the one-hot rows of y = [0, 2].
_Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
_exp = (1 / 3 - _Y) / 2
ag.expect_close(softmax_cross_entropy_gradient(np.zeros((2, 3)), np.array([0, 2])), _exp,
                "softmax_cross_entropy_gradient(zeros (2, 3), y = [0, 2])",
                mistakes={"forgot to divide by m (the cost is a mean over the m examples)": 2 * _exp,
                          "flipped the sign: (Y - softmax(Z)) / m is minus the gradient": -_exp,
                          "left out the one-hot Y (returned softmax(Z) / m)": np.full((2, 3), 1 / 6),
                          "used the sigmoid instead of the softmax ((sigmoid(Z) - Y) / m)": (0.5 - _Y) / 2,
                          "divided by m K (a mean over all entries) instead of m": _exp / 3})
# Unequal scores: softmax([1, 2, 3]) from its definition.
_p = np.exp([1.0, 2.0, 3.0]) / np.sum(np.exp([1.0, 2.0, 3.0]))
ag.expect_close(softmax_cross_entropy_gradient([[1.0, 2.0, 3.0]], [1]), [_p - [0.0, 1.0, 0.0]],
                "softmax_cross_entropy_gradient([[1, 2, 3]], y = [1])",
                mistakes={"flipped the sign: (Y - softmax(Z)) / m is minus the gradient": [[0.0, 1.0, 0.0] - _p]})
# Against central differences of the given softmax_cross_entropy at a seeded random point.
_rng = np.random.default_rng(508)
_ys = np.array([0, 3, 1, 1, 2])
ag.expect_gradient(lambda t: (softmax_cross_entropy(t, _ys), softmax_cross_entropy_gradient(t, _ys)),
                   _rng.normal(size=(5, 4)), "softmax_cross_entropy_gradient vs softmax_cross_entropy")

# %% cases="softmax_cross_entropy_gradient"
rng = np.random.default_rng(5081)
case(rng.normal(size=(6, 4)), rng.integers(0, 4, size=6))
case(rng.normal(scale=5.0, size=(3, 5)), np.array([4, 0, 2]))
case(rng.normal(size=(1, 3)), np.array([2]))
case(np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]), np.array([0, 2]))  # stable softmax needed
case([[0.5, -1.0], [2.0, 0.0], [0.0, 0.0]], [1, 0, 1])  # lists


def _sm(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _oh(Z, y):
    Z = np.asarray(Z, dtype=float)
    return np.eye(Z.shape[1])[np.asarray(y, dtype=int)]


mistake("forgot to divide by m (the cost is a mean over the m examples)", lambda Z, y: _sm(Z) - _oh(Z, y))
mistake("flipped the sign: (Y - softmax(Z)) / m is minus the gradient",
        lambda Z, y: (_oh(Z, y) - _sm(Z)) / len(y))
mistake("left out the one-hot Y (returned softmax(Z) / m)", lambda Z, y: _sm(Z) / len(y))
mistake("used the sigmoid instead of the softmax ((sigmoid(Z) - Y) / m)",
        lambda Z, y: (1 / (1 + np.exp(-np.clip(np.asarray(Z, dtype=float), -500, 500))) - _oh(Z, y)) / len(y))
mistake("divided by m K (a mean over all entries) instead of m",
        lambda Z, y: (_sm(Z) - _oh(Z, y)) / np.size(Z))

# %% hidden="softmax_cross_entropy_gradient" points=2
_r = ag.check_cases("softmax_cross_entropy_gradient", ag.baked("softmax_cross_entropy_gradient"))
_rng = np.random.default_rng(5082)
_yg = np.array([2, 0, 1, 2])
ag.check_gradient(_r, lambda t: (softmax_cross_entropy(t, _yg), softmax_cross_entropy_gradient(t, _yg)),
                  _rng.normal(size=(4, 3)), "softmax_cross_entropy_gradient against central differences "
                  "of softmax_cross_entropy")
ag.score(_r, points=2)

# %% [markdown]
# Now check it yourself, the way you would check any new gradient: your `numerical_gradient`
# of the cost against your formula, compared with your `relative_difference`.

# %%
try:
    _Zc = np.random.default_rng(509).normal(size=(6, 4))
    _yc = np.array([0, 1, 2, 3, 0, 2])
    _num = numerical_gradient(lambda Z: softmax_cross_entropy(Z, _yc), _Zc)
    _ana = softmax_cross_entropy_gradient(_Zc, _yc)
    print(f"relative difference: {relative_difference(_num, _ana):.1e}  (below 1e-9: the formula is right)")
    print(f"largest |row sum| of the gradient: {np.max(np.abs(np.sum(_ana, axis=1))):.0e}  (0 up to round-off)")
except NotImplementedError:
    print("Implement numerical_gradient, relative_difference and softmax_cross_entropy_gradient to see the check.")

# %% [markdown]
# ## 9. Switch it off before training
#
# One numerical gradient costs $2n$ evaluations of the cost, against about one
# forward-plus-backward pass for backprop.  Below, both are timed on a 20-25-10 network
# ($25 \cdot 21 + 10 \cdot 26 = 785$ weights) with 100 examples.  Each cost evaluation here
# goes through `backprop`, which also computes a gradient we throw away; a cost-only forward
# pass would be maybe twice as fast, which changes nothing about the conclusion.

# %%
_rng = np.random.default_rng(0)
_sizes = [20, 25, 10]
_thetas = [_rng.uniform(-0.12, 0.12, size=(b, a + 1)) for a, b in zip(_sizes[:-1], _sizes[1:])]
_X, _y = _rng.normal(size=(100, 20)), _rng.integers(0, 10, size=100)
_shapes = [t.shape for t in _thetas]
_params = unroll(_thetas)
try:
    _runs = []
    for _ in range(5):  # best of 5 batches of 10 calls: the least disturbed by other programs
        _t0 = time.perf_counter()
        for _ in range(10):
            backprop(_thetas, _X, _y, 1.0)
        _runs.append((time.perf_counter() - _t0) / 10)
    _t_backprop = min(_runs)
    _t0 = time.perf_counter()
    numerical_gradient(lambda p: backprop(roll(p, _shapes), _X, _y, 1.0)[0], _params)
    _t_numerical = time.perf_counter() - _t0
    print(f"{_params.size} weights: the numerical gradient evaluates the cost {2 * _params.size} times")
    print(f"one backprop gradient:   {1e3 * _t_backprop:8.2f} ms")
    print(f"one numerical gradient:  {1e3 * _t_numerical:8.2f} ms  ({_t_numerical / _t_backprop:.0f} times slower; "
          f"2n = {2 * _params.size} if a cost evaluation cost as much as a backprop)")
    print(f"1000 training iterations would take {1000 * _t_backprop:.1f} s with backprop "
          f"and {1000 * _t_numerical / 60:.0f} min with the numerical gradient")
except NotImplementedError:
    print("Implement numerical_gradient to see the timing.")

# %% [markdown]
# ### Big networks: check a random subset
#
# When the network is too big even for one full check, check some entries only: pick a few
# dozen weights at random, let the cost depend on those alone (all other weights frozen), and
# compare the numerical derivatives of that small function with the same entries of
# backprop's gradient.  A bug that touches a whole layer or column is hit with high
# probability; to be sure about every layer, draw a few entries from each.  Your own
# `numerical_gradient` does this unchanged, on the 785-weight network above:

# %%
try:
    _idx = np.sort(np.random.default_rng(1).choice(_params.size, size=40, replace=False))

    def _cost_at(values):
        """The full cost, with only the chosen weights taken from ``values``."""
        _p = _params.copy()
        _p[_idx] = values
        return backprop(roll(_p, _shapes), _X, _y, 1.0)[0]

    _t0 = time.perf_counter()
    _num_sub = numerical_gradient(_cost_at, _params[_idx])
    _t_sub = time.perf_counter() - _t0
    _ana_sub = unroll(backprop(_thetas, _X, _y, 1.0)[1])[_idx]
    print(f"40 of {_params.size} entries: relative difference {relative_difference(_num_sub, _ana_sub):.1e}, "
          f"{1e3 * _t_sub:.0f} ms instead of {1e3 * _t_numerical:.0f} ms")
except (NameError, NotImplementedError):
    print("Implement numerical_gradient and relative_difference (and run the timing cell above) to see this.")

# %% [markdown]
# **Quick question A** (1 point).  A network has one million weights, and one evaluation of its
# cost takes 10 ms.  How many **seconds** does one full central-difference gradient take?
#
# Write the number, e.g. `QUIZ_A = 123.4`.

# %% solution="QUIZ_A"

# %% hidden="QUIZ_A" points=1
_r = ag.Result("QUIZ_A")
_answer = ag.student("QUIZ_A")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_A")["QUIZ_A"],
                    why="two cost evaluations per weight: 2 x 10^6 x 0.01 s = 20000 s, more than five hours "
                        "for a single gradient")
ag.score(_r, points=1)

# %% [markdown]
# The ratio grows with the number of weights: a network with a million weights would need
# two million cost evaluations *per step*.  So the recipe from the lecture is
#
# 1. implement backprop and unroll its gradient,
# 2. run the gradient check once, on a small network (like `check_nn_gradients`),
# 3. if `diff` is tiny, **turn the check off** and train with backprop alone.
#
# ## Summary
#
# * The central difference $\big(J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)\big)/2\varepsilon$
#   has error $O(\varepsilon^2)$, the one-sided one $O(\varepsilon)$; below
#   $\varepsilon \approx 10^{-5}$ round-off ($\approx u|J|/\varepsilon$) takes over.
# * Compare gradients with the relative difference $\lVert a - b\rVert / \lVert a + b\rVert$:
#   about $10^{-9}$ means correct, $10^{-3}$ means a bug.
# * Use small, non-symmetric, reproducible weights for the check — and mind Octave's
#   column-major order when porting its helpers to NumPy.
# * Roll `grad - numgrad` back into matrices: the heatmap shows the layer, row or column of a bug.
# * Check with $\lambda = 0$ first, then with regularization; beware of kinks (ReLU, $|z|$) within
#   $\varepsilon$ of the checked point.
# * Softmax with cross-entropy: $\partial J / \partial Z = (\operatorname{softmax}(Z) - Y)/m$.
# * A numerical gradient costs $2n$ cost evaluations: check once (or a random subset), then switch it off.

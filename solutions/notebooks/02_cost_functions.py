# %% [markdown]
# # Lesson 02 — Cost functions
#
# Training a network means choosing weights that make a **cost** small.  The cost turns
# "how wrong are the predictions on the training set" into one number $J$, and its
# gradient tells each weight which way to move.  Which cost we pick matters: it decides
# how strongly a badly wrong prediction is pushed back, and a careless formula can turn
# into `inf` or `nan` exactly when the network is most confident.
#
# In this notebook you will
#
# 1. write the regularized cross-entropy cost of logistic regression and its gradient,
# 2. turn integer labels into one-hot rows,
# 3. write the weight-decay (L2) penalty of a network and the network's cross-entropy cost,
# 4. write the squared-error cost and see why cross-entropy learns faster from big mistakes,
# 5. write a softmax and the softmax cross-entropy that stay finite for scores of $\pm 1000$,
# 6. write the weight-elimination regularizer and its derivative.
#
# **How this notebook is graded.** Each function has a visible test cell (the same kind of
# check the grader runs) and a hidden test cell that checks more inputs — several shapes,
# saturated outputs, the bias column — when your notebook is graded.  Only edit the cells
# that say `YOUR CODE HERE` and replace the `...` of each quick question; keep names and signatures as they are.  Conventions: `X` has
# one example per **row**, shape `(m, n)`; labels `y` are integers `0..K-1`; a network's
# weights are a list `thetas` in which `thetas[k]` (Python index $k = 0, 1, \dots$) is the
# lectures' $\Theta^{(k+1)}$, of shape `(layer_sizes[k+1], layer_sizes[k] + 1)` — i.e.
# $\Theta^{(l)}$ = `thetas[l-1]` has shape $(s_{l+1}, s_l + 1)$ — and whose **column 0 multiplies
# the bias unit**.
#
# Two rules hold for every function here, and the hidden tests check both: the tests pass
# NumPy arrays (and, for `thetas`, a Python list of arrays) — plain nested lists are not
# tested, so you need not accept them; and your function must **not change its arguments
# in place** (a right value computed by modifying the caller's array earns half the credit
# of that check: work on a copy, e.g. `theta = np.array(theta, dtype=float)`).  Each
# exercise ends with a line **Tested with** that lists the shapes it is called with and
# what it must return.

# %% locked=true
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
# Four helpers you may use (you do not have to): `as_float_array` and `check_shape` from
# lesson 01, `check_labels(y, K)`, which returns the labels as an integer array and raises
# `ValueError` unless they are integers in `0..K-1`, and `as_weight_list(thetas)`, which
# turns a list of weight matrices (arrays or nested lists) into a list of float arrays.

# %% given="as_float_array check_shape check_labels as_weight_list"

# %% [markdown]
# And the functions you wrote in lesson 01 (here in their reference versions):
# a stable `sigmoid`, `add_bias` (ones in column 0) and `feedforward(thetas, X)`.

# %% given="sigmoid add_bias feedforward"

# %% [markdown]
# ## 1. The logistic regression cost
#
# A logistic unit predicts $h_i = g(z_i)$ with $z_i = \theta^T x^{(i)}$ (bias input
# $x_0 = 1$ included), read as "the probability that $y_i = 1$".  The **cross-entropy**
# cost charges $-\log h_i$ when $y_i = 1$ and $-\log(1 - h_i)$ when $y_i = 0$; written as
# one expression and averaged over the $m$ examples, plus weight decay:
#
# $$J(\theta) = -\frac{1}{m}\sum_{i=1}^{m}\Big[y_i \log h_i + (1-y_i)\log(1-h_i)\Big]
#   + \frac{\lambda}{2m}\sum_{j=1}^{n}\theta_j^2 .$$
#
# The penalty starts at $j = 1$: **the bias weight $\theta_0$ is not regularized** (it only
# shifts the decision boundary; shrinking it towards 0 would not make the model simpler).
#
# Its gradient has the same simple form as for linear regression:
#
# $$\frac{\partial J}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^m (h_i - y_i)\,x^{(i)}_j
#   + \frac{\lambda}{m}\theta_j \quad (j \ge 1), \qquad
#   \frac{\partial J}{\partial \theta_0} = \frac{1}{m}\sum_{i=1}^m (h_i - y_i),$$
#
# or for all $j$ at once, with $X_b$ = `add_bias(X)`:
# $\nabla J = \frac{1}{m} X_b^T (h - y) + \frac{\lambda}{m}\,(0, \theta_1, \dots, \theta_n)$.
# The $\frac{1}{2}$ in $\frac{\lambda}{2m}$ is there so that the derivative of $\theta_j^2$
# leaves a clean $\frac{\lambda}{m}\theta_j$.  (Some slides write the penalty as
# $\frac{\lambda}{m}\sum\theta_j^2$ and then get $\frac{2\lambda}{m}\theta_j$ — the same
# idea with $\lambda$ scaled by 2.  This course always uses $\frac{\lambda}{2m}$.)
#
# **Numerical care.** Once $|z| \gtrsim 37$, $g(z)$ rounds to exactly $1.0$ in float64 (and
# for $z \le -746$ to exactly $0.0$), so `np.log(1 - h)` or `np.log(h)` becomes `log(0) = -inf`
# with a `RuntimeWarning`, even though the true cost is a perfectly ordinary number (about
# $|z|$).  Even before that, $1 - h$ loses most of its digits.  The way out is to never form
# $h$ for the logarithms.  Because $g(z) = 1/(1 + e^{-z})$ and $1 - g(z) = 1/(1 + e^{z})$,
#
# $$-\log h = \log(1 + e^{-z}), \qquad -\log(1-h) = \log(1 + e^{z}),$$
#
# and `np.logaddexp(0, t)` computes $\log(e^0 + e^t)$ without ever overflowing.  So the
# data term is `(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))` summed and divided
# by $m$.  (The gradient uses $h$ itself, which is harmless: $h - y$ is just a difference of
# numbers between 0 and 1.)
#
# `logistic_cost(theta, X, y, lam)` returns the pair `(J, grad)`, `grad` of shape `(n + 1,)`.
#
# **Tested with** `theta` of shape `(n + 1,)`, `X` of shape `(m, n)` (no bias column: add it
# with `add_bias`), `y` a 1-D array of shape `(m,)` holding 0.0 and 1.0 (not a column
# `(m, 1)`), `lam` a float $\ge 0$; $m = 1$ to 12 examples.  Return `J` as one number and
# `grad` as a 1-D array of shape `(n + 1,)` (not `(n + 1, 1)`).  Some hidden cases have
# $|z|$ up to 1000: there `J` must be finite and no overflow / divide-by-zero `RuntimeWarning`
# may be emitted (a right value that warns earns half).

# %% solution="logistic_cost"

# %% test="logistic_cost" points=1
_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0], [3.0, 1.0]])
_y = np.array([0.0, 1.0, 1.0, 0.0])
_Xb = np.column_stack([np.ones(4), _X])
# theta = 0: every h is 0.5, so every example costs log 2, and grad = X_b^T (0.5 - y) / m.
# The `mistakes` are what known slips give on these same inputs (m = 4), so a failure can name them.
_J, _grad = logistic_cost(np.zeros(3), _X, _y, 0.0)
ag.expect_close(_J, np.log(2.0), "J at theta = 0",
                mistakes={"summed the cross-entropy over the examples instead of averaging it": 4 * np.log(2.0),
                          "dropped the minus sign in front of the cross-entropy sum": -np.log(2.0)})
ag.expect_shape(_grad, (3,), "grad for theta of shape (3,)",
                mistakes={"returned grad as a column: use a 1-D array of shape (n + 1,)": (3, 1)})
ag.expect_close(_grad, _Xb.T @ (0.5 - _y) / 4, "grad at theta = 0",
                mistakes={"did not divide the gradient by m": _Xb.T @ (0.5 - _y),
                          "wrote (y - h) instead of (h - y) in the gradient": _Xb.T @ (_y - 0.5) / 4})
# The lecture's AND unit on its truth table: z = -30, -10, -10, +10, every prediction right,
# so each example costs log(1 + e^-|z|).
_J, _ = logistic_cost(np.array([-30.0, 20.0, 20.0]), np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
                      np.array([0.0, 0.0, 0.0, 1.0]), 0.0)
ag.expect_close(_J, (np.log1p(np.exp(-30.0)) + 3 * np.log1p(np.exp(-10.0))) / 4, "J of the AND unit")
# Regularization adds lam/(2m) * (theta_1^2 + theta_2^2) to J and lam/m * (0, theta_1, theta_2) to grad
# (lam = 3, m = 4); the gradient's part is checked first, as it tells the most slips apart.
_theta = np.array([5.0, 1.0, -2.0])
_J0, _g0 = logistic_cost(_theta, _X, _y, 0.0)
_J3, _g3 = logistic_cost(_theta, _X, _y, 3.0)
ag.expect_close(np.asarray(_g3) - np.asarray(_g0), 3.0 / 4 * np.array([0.0, 1.0, -2.0]),
                "grad(lam = 3) - grad(lam = 0)",
                mistakes={"regularized the bias weight theta[0]": 3.0 / 4 * _theta,
                          "used lam/(2m) instead of lam/m in the gradient's penalty term":
                              3.0 / 8 * np.array([0.0, 1.0, -2.0]),
                          "used the penalty lam/m * sum theta_j^2 (gradient 2 lam/m theta_j) instead of lam/(2m) "
                          "(gradient lam/m theta_j)": 2 * 3.0 / 4 * np.array([0.0, 1.0, -2.0])})
ag.expect_close(_J3 - _J0, 3.0 / 8 * (1.0 + 4.0), "J(lam = 3) - J(lam = 0): the bias theta_0 = 5 is not penalized",
                mistakes={"regularized the bias weight theta[0]": 3.0 / 8 * np.sum(_theta**2),
                          "used lam/m instead of lam/(2m) in the cost": 3.0 / 4 * (1.0 + 4.0)})
# Saturation: z = 1000, -1000, 500 with y = 0, 1, 1; the first two cost 1000 each.  The value first, then:
# no warnings.  np.log(1 - h) of h = g(1000), which rounds to exactly 1.0, is log(0) = -inf: an infinite J
# (np.errstate silences the warnings of computing that mistake's value here).
_args = (np.array([0.0, 1000.0]), np.array([[1.0], [-1.0], [0.5]]), np.array([0.0, 1.0, 1.0]), 0.0)
with np.errstate(all="ignore"):
    _h = 1 / (1 + np.exp(-np.array([1000.0, -1000.0, 500.0])))  # rounds to exactly 1, 0, 1
    _naive_J = -np.mean(_args[2] * np.log(_h) + (1 - _args[2]) * np.log(1 - _h))
_J, _grad = logistic_cost(*_args)
ag.expect_close(_J, 2000.0 / 3, "J with saturated outputs (z = 1000, y = 0 and z = -1000, y = 1)",
                mistakes={"took np.log(h) and np.log(1 - h) of the rounded sigmoid (compute them from z with "
                          "np.logaddexp)": _naive_J})
ag.expect_close(_grad, [0.0, 2.0 / 3], "grad with saturated outputs")
ag.expect_no_warnings(logistic_cost, *_args,
                      name="logistic_cost(theta = [0, 1000], X = [[1], [-1], [0.5]], y = [0, 1, 1], lam = 0)")

# %% [markdown]
# The next test checks your gradient against your own cost, by **central differences**:
# nudge one $\theta_j$ by $\pm\varepsilon$ and measure
# $\big(J(\theta + \varepsilon e_j) - J(\theta - \varepsilon e_j)\big) / 2\varepsilon$.
# If the two disagree, either the gradient formula or the cost has a mistake (lesson 05
# builds this check yourself).

# %% test="logistic_cost_gradient" points=1
_rng = np.random.default_rng(2)
_X, _y = _rng.normal(size=(6, 3)), np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
ag.expect_gradient(lambda t: logistic_cost(t, _X, _y, 0.7), _rng.normal(size=4), "logistic_cost gradient, lam = 0.7")
ag.expect_gradient(lambda t: logistic_cost(t, _X, _y, 0.0), _rng.normal(size=4), "logistic_cost gradient, lam = 0")

# %% cases="logistic_cost"
rng = np.random.default_rng(201)
for (m, n), lam in [((1, 1), 0.0), ((5, 2), 1.0), ((4, 3), 0.5), ((12, 4), 2.5), ((7, 2), 0.0)]:
    case(rng.normal(scale=1.5, size=n + 1), rng.normal(size=(m, n)), rng.integers(0, 2, m).astype(float), lam)
case(np.array([-30.0, 20.0, 20.0]), np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
     np.array([0.0, 0.0, 0.0, 1.0]), 1.0, _label="logistic_cost(AND weights [-30, 20, 20], truth table, lam = 1)")
# Saturated and nearly saturated outputs (confidently right and confidently wrong).
case(np.array([0.0, 1000.0]), np.array([[1.0], [-1.0], [0.5]]), np.array([0.0, 1.0, 1.0]), 0.0,
     _label="logistic_cost(theta = [0, 1000], X = [[1], [-1], [0.5]], y = [0, 1, 1], lam = 0) (z = 1000 with y = 0)")
case(np.array([1.0, -800.0, 3.0]), np.array([[1.0, 0.0], [-0.5, 2.0], [0.001, -1.0]]), np.array([1.0, 0.0, 1.0]), 0.0,
     _label="logistic_cost(theta = [1, -800, 3], X of shape (3, 2), lam = 0) (z = -799 with y = 1, z = 407 with y = 0)")
case(np.array([2.0, 30.0, -40.0]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]]),
     np.array([0.0, 1.0, 1.0, 0.0]), 0.3, _label="logistic_cost(theta = [2, 30, -40], X of shape (4, 2), lam = 0.3) "
                                              "(z = 32 with y = 0)")


def _naive_J(theta, X, y):
    h = sigmoid(add_bias(X) @ theta)
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))


def _parts(theta, X, y):
    theta, y = np.asarray(theta, float), np.asarray(y, float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    ce = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return theta, Xb, m, ce, Xb.T @ (sigmoid(z) - y) / m, np.r_[0.0, theta[1:]]


def _variant(J_of, grad_of):
    def f(theta, X, y, lam):
        theta, Xb, m, ce, g, reg = _parts(theta, X, y)
        return J_of(theta, m, ce, reg, lam), grad_of(theta, m, g, reg, lam, X, y)
    return f


mistake("regularized the bias weight theta[0]",
        _variant(lambda th, m, ce, reg, lam: ce + lam / (2 * m) * np.sum(th**2),
                 lambda th, m, g, reg, lam, X, y: g + lam / m * th))
mistake("did not divide the gradient by m",
        _variant(lambda th, m, ce, reg, lam: ce + lam / (2 * m) * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: m * g + lam * reg))
mistake("used lam/m instead of lam/(2m) in the cost",
        _variant(lambda th, m, ce, reg, lam: ce + lam / m * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: g + lam / m * reg))
mistake("used lam/(2m) instead of lam/m in the gradient's penalty term",
        _variant(lambda th, m, ce, reg, lam: ce + lam / (2 * m) * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: g + lam / (2 * m) * reg))
mistake("used the penalty lam/m * sum theta_j^2 (gradient 2 lam/m theta_j) instead of lam/(2m) (gradient lam/m theta_j)",
        _variant(lambda th, m, ce, reg, lam: ce + lam / m * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: g + 2 * lam / m * reg))
mistake("wrote (y - h) instead of (h - y) in the gradient",
        _variant(lambda th, m, ce, reg, lam: ce + lam / (2 * m) * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: -g + lam / m * reg))
mistake("dropped the minus sign in front of the cross-entropy sum",
        _variant(lambda th, m, ce, reg, lam: -ce + lam / (2 * m) * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: g + lam / m * reg))
mistake("summed the cross-entropy over the examples instead of averaging it",
        _variant(lambda th, m, ce, reg, lam: m * ce + lam / (2 * m) * np.sum(reg**2),
                 lambda th, m, g, reg, lam, X, y: g + lam / m * reg))


def _naive_logistic(theta, X, y, lam):
    theta, Xb, m, ce, g, reg = _parts(theta, X, y)
    return _naive_J(theta, X, y) + lam / (2 * m) * np.sum(reg**2), g + lam / m * reg


mistake("took np.log(h) and np.log(1 - h) of the rounded sigmoid (compute them from z with np.logaddexp)",
        _naive_logistic)

# %% hidden="logistic_cost" points=3
_trusted = ag.trusted("sigmoid add_bias")
_r = ag.check_cases(logistic_cost, ag.baked("logistic_cost"), trusted=_trusted, stable=True)
# Is the gradient the derivative of the student's own cost?  (Names a mismatch between the two.)
_rng = np.random.default_rng(2021)
for _m, _n, _lam in [(6, 3, 1.3), (4, 3, 0.0)]:
    _X, _y, _theta = _rng.normal(size=(_m, _n)), _rng.integers(0, 2, _m).astype(float), _rng.normal(size=_n + 1)
    ag.check_gradient(_r, lambda t: logistic_cost(t, _X, _y, _lam), _theta,
                      f"gradient check of your grad against your own J (lam = {_lam:g})", trusted=_trusted,
                      weight=2.0)
ag.score(_r, points=3)

# %% [markdown]
# ## 2. One-hot labels
#
# With $K$ classes a network has $K$ output units, and the target for an example of class
# $k$ is the vector with a 1 in position $k$ and 0 elsewhere — for example with $K = 4$,
# class 2 becomes $(0, 0, 1, 0)$.  `one_hot(y, K)` turns labels of shape `(m,)` into a
# matrix `Y` of shape `(m, K)`, one row per example.
#
# Two things to watch: the number of columns is the given `K`, even if some class does not
# occur in `y`; and labels here start at **0** (the lecture's Octave code uses 1-based
# labels, where class $k$ sits in column $k$ and `y == k` picks it).  Hint: `np.eye(K)`
# has the one-hot row of class $k$ in row $k$ — or compare `y[:, None] == np.arange(K)`.
#
# **Tested with** `y` a 1-D integer array of shape `(m,)` with labels in `0..K-1` and `K` an
# `int` ($m = 1$ to 8, $K = 1$ to 10, some classes absent from `y`).  Return a float (or
# integer) array of shape `(m, K)` — one row per example, not `(K, m)`.

# %% solution="one_hot"

# %% test="one_hot" points=1
# `mistakes`: what known slips give on the same labels (np.eye(K)[k] is the one-hot row of class k).
_y = np.array([0, 2, 1, 2])
ag.expect_close(one_hot(_y, 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], "one_hot([0, 2, 1, 2], 3)",
                mistakes={"treated the labels as 1-based (Octave style), so class k went to column k - 1":
                              np.eye(3)[_y - 1],
                          "set whole columns (Y[:, y] = 1) instead of one entry per row": np.ones((4, 3))})
ag.expect_close(one_hot(np.array([1, 1]), 4), [[0, 1, 0, 0], [0, 1, 0, 0]],
                "one_hot([1, 1], 4) (classes 0, 2 and 3 are unused but keep their columns)",
                mistakes={"took the number of classes from max(y) + 1 instead of K": np.eye(2)[[1, 1]]})
ag.expect_shape(one_hot(np.arange(5) % 3, 3), (5, 3), "one_hot(y of shape (5,), 3)")

# %% cases="one_hot"
rng = np.random.default_rng(202)
for m, K in [(6, 3), (5, 5), (1, 1), (8, 10), (4, 4)]:
    case(rng.integers(0, K, m), K)
case(np.array([0, 1, 1, 0]), 3)  # class 2 never occurs
mistake("treated the labels as 1-based (Octave style), so class k went to column k - 1",
        lambda y, K: np.eye(K)[np.asarray(y) - 1])
mistake("took the number of classes from max(y) + 1 instead of K",
        lambda y, K: np.eye(np.max(y) + 1)[np.asarray(y)])
mistake("set whole columns (Y[:, y] = 1) instead of one entry per row",
        lambda y, K: np.tile(np.isin(np.arange(K), y).astype(float), (len(y), 1)))

# %% hidden="one_hot" points=1
ag.score(ag.check_cases(one_hot, ag.baked("one_hot")), points=1)

# %% [markdown]
# ## 3. Weight decay for a network
#
# A network has one weight matrix per layer.  Its L2 penalty adds up the squares of all
# weights **except the bias column 0** of every matrix:
#
# $$\frac{\lambda}{2m}\sum_{l=1}^{L-1}\sum_{j=1}^{s_{l+1}}\sum_{i=1}^{s_l}\big(\Theta^{(l)}_{j,i}\big)^2 .$$
#
# Here $j$ runs over the units of the next layer (rows of $\Theta^{(l)}$) and $i$ over the
# units of layer $l$ **starting at 1** (columns 1, 2, …; column 0 holds the bias weights).
# In NumPy that is `theta[:, 1:]` for each matrix in the list.
# `l2_penalty(thetas, lam, m)` returns this number.
#
# **Tested with** `thetas` a Python list of 1 to 3 two-dimensional float arrays (one per
# layer, column 0 = bias), `lam` a float $\ge 0$ and `m` a positive `int`.  Return one number.

# %% solution="l2_penalty"

# %% test="l2_penalty" points=1
_thetas = [np.array([[100.0, 1.0, 2.0], [-100.0, 3.0, 4.0]]), np.array([[7.0, 0.5, -0.5]])]
# non-bias weights: 1 + 4 + 9 + 16 + 0.25 + 0.25 = 30.5; the biases 100, -100, 7 do not count
# `mistakes`: what known slips give on the same weights (lam = 2, m = 5), from NumPy sums of their squares.
_squares = [np.asarray(t) ** 2 for t in _thetas]
ag.expect_close(l2_penalty(_thetas, 2.0, 5), 2.0 / (2 * 5) * 30.5, "l2_penalty(2-2-1 net, lam = 2, m = 5)",
                mistakes={"included the bias column 0 in the penalty": 0.2 * sum(np.sum(q) for q in _squares),
                          "used lam/m instead of lam/(2m)": 2.0 / 5 * 30.5,
                          "used lam/2 instead of lam/(2m) (no division by m)": 2.0 / 2 * 30.5,
                          "skipped row 0 instead of column 0": 0.2 * sum(np.sum(q[1:, :]) for q in _squares),
                          "penalized only the first weight matrix": 0.2 * np.sum(_squares[0][:, 1:]),
                          "penalized only the last weight matrix": 0.2 * np.sum(_squares[-1][:, 1:]),
                          "summed the norms ||Theta|| instead of the squared weights":
                              0.2 * sum(np.sqrt(np.sum(q[:, 1:])) for q in _squares)})
ag.expect_close(l2_penalty(_thetas, 0.0, 5), 0.0, "l2_penalty with lam = 0")
ag.expect_close(l2_penalty([np.ones((4, 4))], 1.0, 2), 1.0 / 4 * 12, "l2_penalty(one (4, 4) matrix of ones)")

# %% cases="l2_penalty"
rng = np.random.default_rng(203)
for sizes, lam, m in [([2, 3, 4], 1.0, 5), ([3, 1], 0.5, 1), ([4, 5, 3], 2.0, 10), ([2, 3, 3, 2], 0.7, 4)]:
    case([rng.normal(scale=2.0, size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])], lam, m)
mistake("included the bias column 0 in the penalty",
        lambda thetas, lam, m: lam / (2 * m) * sum(np.sum(np.asarray(t) ** 2) for t in thetas))
mistake("used lam/m instead of lam/(2m)", lambda thetas, lam, m: 2 * l2_penalty(thetas, lam, m))
mistake("used lam/2 instead of lam/(2m) (no division by m)", lambda thetas, lam, m: m * l2_penalty(thetas, lam, m))
mistake("skipped row 0 instead of column 0",
        lambda thetas, lam, m: lam / (2 * m) * sum(np.sum(np.asarray(t)[1:, :] ** 2) for t in thetas))
mistake("penalized only the first weight matrix", lambda thetas, lam, m: l2_penalty(thetas[:1], lam, m))
mistake("penalized only the last weight matrix", lambda thetas, lam, m: l2_penalty(thetas[-1:], lam, m))
mistake("summed the norms ||Theta|| instead of the squared weights",
        lambda thetas, lam, m: lam / (2 * m) * sum(np.linalg.norm(np.asarray(t)[:, 1:]) for t in thetas))

# %% hidden="l2_penalty" points=1
ag.score(ag.check_cases(l2_penalty, ag.baked("l2_penalty")), points=1)

# %% [markdown]
# **Why "weight decay"?**  The penalty's derivative $\frac{\lambda}{m}\Theta_{j,i}$ is added to
# the gradient of every non-bias weight, so one gradient-descent step with learning rate
# $\alpha$ reads
#
# $$\Theta_{j,i} := \Theta_{j,i} - \alpha\Big(\frac{\partial J_{\text{data}}}{\partial \Theta_{j,i}}
#   + \frac{\lambda}{m}\Theta_{j,i}\Big)
#   = \Big(1 - \frac{\alpha\lambda}{m}\Big)\Theta_{j,i} - \alpha\,\frac{\partial J_{\text{data}}}{\partial \Theta_{j,i}} .$$
#
# Before the data pushes, every weight is multiplied by the same factor a little below 1: it
# *decays* towards 0, a large weight by more (in absolute terms) than a small one.  A weight
# the data keeps needing is pushed back up each step; the others fade.  The bias weights
# (column 0) get no decay term.
#
# **Quick question A** (1 point).  With $\alpha = 0.5$, $\lambda = 2$ and $m = 10$ examples, by
# which factor does one step multiply each non-bias weight before the data term is
# subtracted?  Write the number, e.g. `QUIZ_A = 0.75`.

# %% solution="QUIZ_A"

# %% hidden="QUIZ_A" points=1
_r = ag.Result("QUIZ_A")
_answer = ag.student("QUIZ_A")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_A")["QUIZ_A"],
                    why="the step subtracts alpha * lam/m * w = 0.5 * 2/10 * w = 0.1 w from each weight w, "
                        "which leaves (1 - 0.1) w = 0.9 w")
ag.score(_r, points=1)

# %% [markdown]
# ## 4. The cost of a network with $K$ outputs
#
# A classification network has $K$ sigmoid outputs $h_{ik}$ (example $i$, unit $k$), each
# a logistic unit of its own that should say "1" for its class and "0" otherwise.  The cost
# adds the logistic cross-entropy of **every output unit** (sum over $k$), averages over the
# examples, and adds the penalty of section 3:
#
# $$J(\Theta) = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=1}^{K}\Big[Y_{ik}\log h_{ik} + (1-Y_{ik})\log(1-h_{ik})\Big]
#   + \text{l2\_penalty}(\Theta, \lambda, m), \qquad Y = \text{one\_hot}(y, K).$$
#
# Note the $\frac{1}{m}$, not $\frac{1}{mK}$: each example contributes the sum over its $K$
# outputs.
#
# **Numerical care, again.** Computing $h$ with `feedforward(thetas, X)` and then taking
# logs fails for saturated outputs exactly as in section 1.  Instead, run the network up to
# the last hidden layer, `A = feedforward(thetas[:-1], X)` (with a one-matrix network this
# is just `X`), form the output layer's pre-activations `Z = add_bias(A) @ thetas[-1].T`
# (shape `(m, K)`), and use the `np.logaddexp` form of section 1 on `Z`.
#
# `nn_cost(thetas, X, y, lam)` returns $J$.  Use your `one_hot` and `l2_penalty`.
#
# **Tested with** `thetas` a Python list of 1 to 3 float arrays (`thetas[k]` of shape
# `(layer_sizes[k+1], layer_sizes[k] + 1)`), `X` of shape `(m, layer_sizes[0])`, `y` a 1-D
# integer array of shape `(m,)` with labels `0..K-1` (not one-hot, not a column; some classes
# may be absent), `lam` a float $\ge 0$.  Return one number.  Some hidden cases have output
# pre-activations of $\pm 1000$: `J` must stay finite without overflow / divide-by-zero
# `RuntimeWarning`s (a right value that warns earns half).  While grading, the hidden test
# runs your `nn_cost` with the reference `one_hot` and `l2_penalty` (a mistake there costs
# points once, in its own section); in your notebook the visible test below uses yours.

# %% solution="nn_cost"

# %% test="nn_cost" points=1
# A 2-2-3 net on 4 examples; the expected value was computed with an independent loop over i and k.
_thetas = [np.array([[0.1, 0.3, -0.5], [-0.2, 0.4, 0.2]]),
           np.array([[0.5, -1.0, 0.8], [-0.3, 0.6, -0.7], [0.2, 0.1, 0.9]])]
_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0], [3.0, 1.0]])
_y = np.array([0, 2, 1, 2])
# `mistakes`: what known slips give on these inputs (m = 4, K = 3), from this NumPy forward pass
# (outputs _H, nothing saturated here) and targets _Y = np.eye(3)[_y].
_H = 1 / (1 + np.exp(-np.column_stack([np.ones(4), 1 / (1 + np.exp(-np.column_stack([np.ones(4), _X])
                                                                     @ _thetas[0].T))]) @ _thetas[1].T))
_Y = np.eye(3)[_y]
_ce_sum = lambda Y: -np.sum(Y * np.log(_H) + (1 - Y) * np.log(1 - _H))  # summed over all i and k
ag.expect_close(nn_cost(_thetas, _X, _y, 0.0), 2.058632282947668, "nn_cost(2-2-3 net, lam = 0)",
                uses=("one_hot", "l2_penalty"),
                mistakes={"left out the (1 - y) log(1 - h) term": -np.sum(_Y * np.log(_H)) / 4,
                          "averaged over all m*K outputs instead of summing over the K outputs and averaging over "
                          "the m examples": _ce_sum(_Y) / (4 * 3),
                          "did not divide the cross-entropy by m": _ce_sum(_Y),
                          "used the integer labels y instead of their one-hot rows one_hot(y, K)":
                              _ce_sum(_y[:, None]) / 4,
                          "treated the labels as 1-based (Octave style), so class k went to column k - 1":
                              _ce_sum(np.eye(3)[_y - 1]) / 4})
# Non-bias squares: 0.09 + 0.25 + 0.16 + 0.04 + 1 + 0.64 + 0.36 + 0.49 + 0.01 + 0.81 = 3.85
ag.expect_close(nn_cost(_thetas, _X, _y, 1.5), 2.058632282947668 + 1.5 / (2 * 4) * 3.85,
                "nn_cost(2-2-3 net, lam = 1.5)", uses=("one_hot", "l2_penalty"),
                mistakes={"regularized the bias column 0 of the weight matrices":
                              2.058632282947668 + 1.5 / (2 * 4) * sum(np.sum(t**2) for t in _thetas),
                          "used lam/2 instead of lam/(2m) in the penalty (no division by m)":
                              2.058632282947668 + 1.5 / 2 * 3.85,
                          "used lam/m instead of lam/(2m) in the penalty": 2.058632282947668 + 1.5 / 4 * 3.85})
# All weights zero: every output is g(0) = 1/2, so each of the K = 3 outputs costs log 2 per example.
_zeros = [np.zeros((4, 3)), np.zeros((3, 5))]
ag.expect_close(nn_cost(_zeros, np.ones((6, 2)), np.array([0, 1, 2, 2, 1, 0]), 5.0), 3 * np.log(2.0),
                "nn_cost(all-zero 2-4-3 net)", uses=("one_hot", "l2_penalty"))
# Saturation: one layer, outputs g(1000 x) and g(-1000 x); the second example is wrong on both units.
# The value first, then: no warnings.  np.log of h = g(-1000), which rounds to exactly 0.0, is log(0) = -inf,
# and 0 * log(0) = nan (np.errstate silences the warnings of computing that mistake's value here).
_args = ([np.array([[0.0, 1000.0], [0.0, -1000.0]])], np.array([[1.0], [-1.0]]), np.array([0, 0]), 0.0)
with np.errstate(all="ignore"):
    _H = 1 / (1 + np.exp(-np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])))  # rounds to exactly 1 and 0
    _Y = np.eye(2)[_args[2]]
    _naive_J = -np.sum(_Y * np.log(_H) + (1 - _Y) * np.log(1 - _H)) / 2
ag.expect_close(nn_cost(*_args), 1000.0, "nn_cost with saturated outputs", uses=("one_hot", "l2_penalty"),
                mistakes={"took np.log of the sigmoid outputs, which round to exactly 0 or 1 when saturated "
                          "(compute the logs from the output layer's z with np.logaddexp)": _naive_J})
ag.expect_no_warnings(nn_cost, *_args, name="nn_cost(outputs saturated at z = +-1000)")

# %% cases="nn_cost"
rng = np.random.default_rng(204)


def _net(sizes, scale=1.0):
    return [rng.normal(scale=scale, size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]


for sizes, m, lam in [([2, 3], 5, 0.0), ([3, 4, 3], 6, 1.0), ([2, 3, 4], 4, 0.5), ([4, 5, 4, 2], 7, 2.0),
                      ([3, 2, 5], 9, 0.0)]:
    case(_net(sizes), rng.normal(size=(m, sizes[0])), rng.integers(0, sizes[-1], m), lam)
case(_net([2, 3, 4]), rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1]), 1.0)  # classes 2 and 3 unused
# Saturated outputs: a one-layer net at +-1000 and a two-layer net with large weights.
case([np.array([[0.0, 1000.0], [0.0, -1000.0]])], np.array([[1.0], [-1.0]]), np.array([0, 0]), 0.0,
     _label="nn_cost(one layer [[0, 1000], [0, -1000]], X = [[1], [-1]], y = [0, 0], lam = 0) (outputs at z = +-1000)")
case(_net([3, 4, 3], scale=40.0), rng.normal(size=(6, 3)), rng.integers(0, 3, 6), 0.1)


def _nn_parts(thetas, X, y):
    thetas = [np.asarray(t, float) for t in thetas]
    Z = add_bias(feedforward(thetas[:-1], X)) @ thetas[-1].T
    m, K = Z.shape
    return thetas, Z, m, K


def _ce(Z, Y):
    return np.sum(Y * np.logaddexp(0, -Z) + (1 - Y) * np.logaddexp(0, Z))


def _sq(thetas, bias=False):
    return sum(np.sum((t if bias else t[:, 1:]) ** 2) for t in thetas)


def _nn_variant(cost):
    def f(thetas, X, y, lam):
        thetas, Z, m, K = _nn_parts(thetas, X, y)
        return cost(thetas, Z, m, K, np.asarray(y), lam)
    return f


mistake("regularized the bias column 0 of the weight matrices",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, one_hot(y, K)) / m + lam / (2 * m) * _sq(th, bias=True)))
mistake("left out the (1 - y) log(1 - h) term",
        _nn_variant(lambda th, Z, m, K, y, lam: np.sum(one_hot(y, K) * np.logaddexp(0, -Z)) / m
                    + l2_penalty(th, lam, m)))
mistake("averaged over all m*K outputs instead of summing over the K outputs and averaging over the m examples",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, one_hot(y, K)) / (m * K) + l2_penalty(th, lam, m)))
mistake("did not divide the cross-entropy by m",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, one_hot(y, K)) + l2_penalty(th, lam, m)))
mistake("used lam/2 instead of lam/(2m) in the penalty (no division by m)",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, one_hot(y, K)) / m + m * l2_penalty(th, lam, m)))
mistake("used lam/m instead of lam/(2m) in the penalty",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, one_hot(y, K)) / m + 2 * l2_penalty(th, lam, m)))
mistake("used the integer labels y instead of their one-hot rows one_hot(y, K)",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, y.reshape(-1, 1).astype(float)) / m + l2_penalty(th, lam, m)))
mistake("treated the labels as 1-based (Octave style), so class k went to column k - 1",
        _nn_variant(lambda th, Z, m, K, y, lam: _ce(Z, np.eye(K)[y - 1]) / m + l2_penalty(th, lam, m)))
mistake("took np.log of the sigmoid outputs, which round to exactly 0 or 1 when saturated "
        "(compute the logs from the output layer's z with np.logaddexp)",
        _nn_variant(lambda th, Z, m, K, y, lam: -np.sum(one_hot(y, K) * np.log(sigmoid(Z))
                                                        + (1 - one_hot(y, K)) * np.log(1 - sigmoid(Z))) / m
                    + l2_penalty(th, lam, m)))

# %% hidden="nn_cost" points=3
ag.score(ag.check_cases(nn_cost, ag.baked("nn_cost"), stable=True,
                        trusted=ag.trusted("feedforward sigmoid add_bias one_hot l2_penalty")), points=3)

# %% [markdown]
# ## 5. Squared error, and why cross-entropy is preferred for sigmoid outputs
#
# The other classic cost is the (half) **squared error**, averaged over examples:
#
# $$E = \frac{1}{2m}\sum_{i=1}^{m}\big\lVert h^{(i)} - y^{(i)}\big\rVert^2
#     = \frac{1}{2m}\sum_{i=1}^{m}\sum_{k=1}^{K}\big(h_{ik} - Y_{ik}\big)^2 .$$
#
# `squared_error_cost(H, Y)` takes outputs and targets of the same shape `(m, K)` and returns $E$.
#
# **Tested with** `H` and `Y` two-dimensional float arrays of the same shape `(m, K)`
# ($m = 1$ to 10, $K = 1$ to 7; `Y` one-hot rows or any numbers).  Return one number.

# %% solution="squared_error_cost"

# %% test="squared_error_cost" points=1
# Errors h - y per example: (1, 2), (0, -1), (0.5, 1); m = 3 examples, K = 2 outputs.  `mistakes`: what
# known slips give on these inputs, from NumPy on the errors _D.
_H = np.array([[1.0, 2.0], [0.0, 0.0], [0.5, 1.0]])
_Y = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
_D = _H - _Y
ag.expect_close(squared_error_cost(_H, _Y), (1 + 4 + 0 + 1 + 0.25 + 1) / (2 * 3),
                "squared_error_cost: errors (1, 2), (0, -1), (0.5, 1), m = 3",
                mistakes={"left out the factor 1/2": np.sum(_D**2) / 3,
                          "did not divide by m": np.sum(_D**2) / 2,
                          "averaged over all m*K entries instead of over the m examples": np.sum(_D**2) / (2 * 3 * 2),
                          "used the norm ||h - y|| instead of its square":
                              np.sum(np.sqrt(np.sum(_D**2, axis=1))) / (2 * 3),
                          "summed absolute errors |h - y| instead of squared errors": np.sum(np.abs(_D)) / (2 * 3)})
ag.expect_close(squared_error_cost(np.full((3, 4), 0.5), np.zeros((3, 4))), 4 * 0.25 / 2,
                "squared_error_cost(all outputs 0.5, targets 0)")
ag.expect_shape(squared_error_cost(np.zeros((5, 2)), np.ones((5, 2))), (), "squared_error_cost(...) (a single number)")

# %% cases="squared_error_cost"
rng = np.random.default_rng(205)
for m, K in [(1, 1), (3, 3), (6, 4), (10, 1), (4, 7)]:
    case(rng.random((m, K)), one_hot(rng.integers(0, K, m), K))
case(rng.normal(size=(5, 3)), rng.normal(size=(5, 3)))
mistake("left out the factor 1/2", lambda H, Y: 2 * squared_error_cost(H, Y))
mistake("did not divide by m", lambda H, Y: len(H) * squared_error_cost(H, Y))
mistake("averaged over all m*K entries instead of over the m examples",
        lambda H, Y: squared_error_cost(H, Y) / np.shape(H)[1])
mistake("used the norm ||h - y|| instead of its square",
        lambda H, Y: np.sum(np.linalg.norm(np.asarray(H) - np.asarray(Y), axis=1)) / (2 * len(H)))
mistake("summed absolute errors |h - y| instead of squared errors",
        lambda H, Y: np.sum(np.abs(np.asarray(H) - np.asarray(Y))) / (2 * len(H)))

# %% hidden="squared_error_cost" points=1
ag.score(ag.check_cases(squared_error_cost, ag.baked("squared_error_cost")), points=1)

# %% [markdown]
# ### Saturation: which cost still pushes?
#
# Take one sigmoid output $h = g(z)$ with target $y = 1$ and look at both costs as functions
# of the pre-activation $z$.  Their slopes with respect to $z$ are
#
# $$\frac{\partial}{\partial z}\big[-\log g(z)\big] = g(z) - 1, \qquad
#   \frac{\partial}{\partial z}\Big[\tfrac{1}{2}\big(g(z) - 1\big)^2\Big] = \big(g(z) - 1\big)\,g(z)\big(1 - g(z)\big).$$
#
# The squared error's slope carries the extra factor $g'(z) = g(z)(1 - g(z))$, which is
# nearly 0 wherever the unit is saturated — **including where it is confidently wrong**
# ($z \ll 0$ while the target is 1).  Gradient descent then barely moves the weights of a unit
# that is badly wrong: learning stalls on a plateau.  With cross-entropy the logarithm
# cancels that factor, and the slope tends to $-1$: the more wrong, the harder the push.
# The figure below uses your `logistic_cost` (with one input $x = 1$ and $\theta = (0, z)$,
# its cost is $-\log g(z)$ and `grad[1]` is the slope in $z$) and your `squared_error_cost`.
# Its left panel shows the same two costs against the predicted probability $h$ itself: a
# confidently wrong $h = 0.01$ costs $-\log 0.01 \approx 4.6$ under cross-entropy, and the cost
# grows without bound as $h \to 0$, while the squared error can never exceed $\frac{1}{2}$.

# %%
_z = np.linspace(-10, 10, 401)
try:
    _ce_val, _ce_slope = np.array([[logistic_cost(np.array([0.0, z]), np.array([[1.0]]), np.array([1.0]), 0.0)[0],
                                    logistic_cost(np.array([0.0, z]), np.array([[1.0]]), np.array([1.0]), 0.0)[1][1]]
                                   for z in _z]).T
    _h = sigmoid(_z)
    _se_val = np.array([squared_error_cost(np.array([[h]]), np.array([[1.0]])) for h in _h])
    _se_slope = (_h - 1) * _h * (1 - _h)  # chain rule: dE/dh * dh/dz
    fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
    axes[0].plot(_h, _ce_val, label="cross-entropy  $-\\log h$")
    axes[0].plot(_h, _se_val, label="squared error  $\\frac{1}{2}(h - 1)^2$")
    axes[0].axvspan(0, 0.02, color="red", alpha=0.08, label="confidently wrong")
    axes[0].set(title="cost for target y = 1", xlabel="predicted probability h = g(z)", ylim=(-0.2, 5))
    axes[1].plot(_z, _ce_val, label="cross-entropy  $-\\log g(z)$")
    axes[1].plot(_z, _se_val, label="squared error  $\\frac{1}{2}(g(z) - 1)^2$")
    axes[1].set(title="cost for target y = 1", xlabel="z", ylim=(-0.2, 5))
    axes[2].plot(_z, _ce_slope, label="cross-entropy")
    axes[2].plot(_z, _se_slope, label="squared error")
    axes[2].axvspan(-10, -4, color="red", alpha=0.08, label="confidently wrong")
    axes[2].set(title="slope dCost/dz", xlabel="z")
    for ax in axes:
        ax.legend()
    plt.show()
    for z in (-10.0, -4.0, 0.0):
        k = np.argmin(np.abs(_z - z))
        print(f"z = {z:5.1f}: cross-entropy slope {_ce_slope[k]: .5f}, squared-error slope {_se_slope[k]: .2e}")
except (NotImplementedError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Implement logistic_cost and squared_error_cost (sections 1 and 5), then run this cell again.")

# %% [markdown]
# **Quick question B** (1 point).  A sigmoid output unit with target $y = 1$ has
# pre-activation $z = -10$: it is confidently wrong ($h \approx 4.5 \cdot 10^{-5}$).  Which
# statements are true?  Use the two slope formulas above (or the figure).
#
# (a) its cross-entropy cost is about 10 &nbsp;&nbsp;
# (b) its squared-error cost is about 10 &nbsp;&nbsp;
# (c) the squared error's slope $\partial E / \partial z$ is smaller than $10^{-4}$ in size &nbsp;&nbsp;
# (d) the cross-entropy's slope $\partial J / \partial z$ is about $-1$ &nbsp;&nbsp;
# (e) both slopes tend to 0 as $z \to -\infty$
#
# Write the letters as one string, e.g. `QUIZ_B = "a, d"` (order and spacing do not matter).

# %% solution="QUIZ_B"

# %% hidden="QUIZ_B" points=1
_r = ag.Result("QUIZ_B")
_answer = ag.student("QUIZ_B")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_B")["QUIZ_B"],
                    why="-log g(-10) = log(1 + e^10) = 10.00005, while (g - 1)^2 / 2 is at most 1/2; the squared "
                        "error's slope (g - 1) g (1 - g) = -4.5e-5 carries the vanishing factor g'(z), while "
                        "cross-entropy's slope g - 1 = -0.99995 tends to -1, not 0")
ag.score(_r, points=1)

# %% [markdown]
# ## 6. Softmax
#
# Instead of $K$ independent sigmoids, a **softmax** output layer turns the $K$ scores of an
# example into probabilities that add up to 1:
#
# $$p_{ik} = \frac{e^{z_{ik}}}{\sum_{j=1}^{K} e^{z_{ij}}}, \qquad \text{row by row.}$$
#
# **Numerical care.** `np.exp(1000)` overflows to `inf` (and `inf / inf = nan`), while
# `np.exp(-1000)` underflows to 0 (and a row of those gives `0 / 0 = nan`).  The fix: subtract
# any constant $c_i$ from every score of row $i$ — it cancels between numerator and
# denominator, $e^{z_{ik} - c_i} / \sum_j e^{z_{ij} - c_i} = p_{ik}$.  With $c_i = \max_j z_{ij}$
# (each row's own maximum: `Z.max(axis=1, keepdims=True)`) the largest exponent is exactly
# 0, so nothing overflows, and the denominator is at least $e^0 = 1$, so nothing is $0/0$.
#
# `softmax(Z)` takes `Z` of shape `(m, K)` and returns the same shape, each row summing to 1.
#
# **Tested with** `Z` a two-dimensional float array of shape `(m, K)` ($m$ and $K$ from 1 to
# 6, including a single row `(1, K)` and a single column `(m, 1)`; one example per **row**),
# with scores up to $\pm 1000$.  Return an array of the same shape; no `nan`, no `inf` and no
# overflow / invalid-value `RuntimeWarning` (a right value that warns earns half).

# %% solution="softmax"

# %% test="softmax" points=1
# `mistakes`: what known slips give on the same scores, computed with NumPy (np.errstate silences the
# overflow and 0/0 warnings that the unstable slips produce, so this cell prints none of its own).
_e = np.exp([1.0, 2.0, 3.0])
ag.expect_close(softmax(np.array([[1.0, 2.0, 3.0]])), [_e / _e.sum()], "softmax([[1, 2, 3]])",
                mistakes={"normalized over the columns (axis=0) instead of over each row": [[1.0, 1.0, 1.0]]})
# Z = log(A): the exponentials are the integers A, so softmax(Z) is A with each row divided by its sum
# (4, 8 and 8).  Z is square, so dividing by row sums without keepdims broadcasts instead of failing.
# _E is np.exp(Z - row maximum), as the stable formula forms it; slips are named with or without it.
_A = np.array([[1.0, 1.0, 2.0], [1.0, 3.0, 4.0], [1.0, 1.0, 6.0]])
_E = _A / _A.max(axis=1, keepdims=True)
ag.expect_close(softmax(np.log(_A)), [[1 / 4, 1 / 4, 1 / 2], [1 / 8, 3 / 8, 1 / 2], [1 / 8, 1 / 8, 3 / 4]],
                "softmax(log([[1, 1, 2], [1, 3, 4], [1, 1, 6]]))",
                mistakes={"normalized over the columns (axis=0) instead of over each row": _A / _A.sum(axis=0),
                          "divided by the sum of the whole matrix instead of each row's sum": _E / _E.sum(),
                          "divided by the sum of the whole matrix instead of each row's sum (and did not "
                          "subtract the row maxima)": _A / _A.sum(),
                          "divided by the row sums without keepdims=True, so column j was divided by the sum of "
                          "row j": _E / _E.sum(axis=1),
                          "divided by the row sums without keepdims=True, so column j was divided by the sum of "
                          "row j (and did not subtract the row maxima)": _A / _A.sum(axis=1)})
ag.expect_close(softmax(np.array([[0.0, 0.0], [5.0, 5.0], [-3.0, -3.0]])), np.full((3, 2), 0.5),
                "softmax of rows with equal scores")
_P = softmax(np.random.default_rng(6).normal(scale=3.0, size=(5, 4)))
ag.expect_shape(_P, (5, 4), "softmax(Z of shape (5, 4))")
ag.expect_close(np.sum(_P, axis=1), np.ones(5), "row sums of softmax(Z)")
# Scores of +-1000: the values first (a slip that overflows gives nan), then: no warnings.
_Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [-1000.0, 1000.0, 1000.0]])
with np.errstate(all="ignore"):
    _no_shift = np.exp(_Z) / np.sum(np.exp(_Z), axis=1, keepdims=True)
    _global_shift = np.exp(_Z - _Z.max()) / np.sum(np.exp(_Z - _Z.max()), axis=1, keepdims=True)
ag.expect_close(softmax(_Z), [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0, 0.5, 0.5]], "softmax with scores of +-1000",
                mistakes={"did not subtract each row's maximum before np.exp (overflow to inf, inf/inf = nan)":
                              _no_shift,
                          "subtracted the maximum of the whole matrix instead of each row's maximum "
                          "(a row far below it underflows to 0/0 = nan)": _global_shift})
ag.expect_no_warnings(softmax, _Z, name="softmax(scores of +-1000)")

# %% cases="softmax"
rng = np.random.default_rng(206)
for shape, scale in [((3, 3), 1.0), ((5, 4), 3.0), ((1, 6), 2.0), ((6, 1), 1.0), ((4, 2), 10.0)]:
    case(rng.normal(scale=scale, size=shape))
case(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1.0, 2.0, 3.0], [-1000.0, 1000.0, 1000.0]]),
     _label="softmax([[1000, -1000, 0], [-1000, -1000, -1000], [1, 2, 3], [-1000, 1000, 1000]])")
case(np.array([[800.0, 799.0], [-800.0, -801.0]]), _label="softmax([[800, 799], [-800, -801]])")
mistake("normalized over the columns (axis=0) instead of over each row",
        lambda Z: softmax(np.asarray(Z).T).T)
mistake("divided by the sum of the whole matrix instead of each row's sum",
        lambda Z: np.exp(np.asarray(Z) - np.max(Z, axis=1, keepdims=True))
        / np.sum(np.exp(np.asarray(Z) - np.max(Z, axis=1, keepdims=True))))
mistake("did not subtract each row's maximum before np.exp (overflow to inf, inf/inf = nan)",
        lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True))
mistake("divided by the row sums without keepdims=True, so column j was divided by the sum of row j",
        lambda Z: np.exp(np.asarray(Z) - np.max(Z, axis=1, keepdims=True))
        / np.sum(np.exp(np.asarray(Z) - np.max(Z, axis=1, keepdims=True)), axis=1))
mistake("subtracted the maximum of the whole matrix instead of each row's maximum "
        "(a row far below it underflows to 0/0 = nan)",
        lambda Z: np.exp(np.asarray(Z) - np.max(Z)) / np.sum(np.exp(np.asarray(Z) - np.max(Z)), axis=1, keepdims=True))

# %% hidden="softmax" points=2
ag.score(ag.check_cases(softmax, ag.baked("softmax"), stable=True), points=2)

# %% [markdown]
# **Quick question C** (1 point).  Which changes to the scores `Z` leave `softmax(Z)`
# unchanged?  (Think of which constant cancels between numerator and denominator, and of
# what each row's probabilities are computed from.)
#
# (a) adding 5 to every score of row 0 &nbsp;&nbsp;
# (b) multiplying every score by 2 &nbsp;&nbsp;
# (c) adding 5 to every score of column 0 &nbsp;&nbsp;
# (d) subtracting from each row its own minimum &nbsp;&nbsp;
# (e) subtracting the largest entry of the whole matrix from every entry
#
# Write the letters as one string, e.g. `QUIZ_C = "a, d"`.  (Two of the right answers are still
# bad ideas in code — which, and why?  Section 6's "numerical care" has the answer.)

# %% solution="QUIZ_C"

# %% hidden="QUIZ_C" points=1
_r = ag.Result("QUIZ_C")
_answer = ag.student("QUIZ_C")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_C")["QUIZ_C"],
                    why="a constant added to all scores of one row multiplies its numerator and denominator by "
                        "the same e^c, so (a), (d) and (e) cancel; (c) changes one score relative to the others in "
                        "each row, and (b) squares every e^z, which sharpens the probabilities")
ag.score(_r, points=1)

# %% [markdown]
# ## 7. Softmax cross-entropy
#
# With softmax outputs the cost of an example is $-\log$ of the probability given to its
# **correct** class, averaged over the examples:
#
# $$J = -\frac{1}{m}\sum_{i=1}^{m}\log p_{i, y_i}
#     \;=\; -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=1}^{K} Y_{ik}\log p_{ik}.$$
#
# Taking `np.log(softmax(Z))` is not safe: a probability that underflows to 0 gives
# $-\infty$, while the true loss is a finite number (about 2000 for a correct-class score
# 2000 below the best one).  Take the logarithm of the stable softmax **by hand** instead
# (the **log-sum-exp** form): with $s_{ik} = z_{ik} - \max_j z_{ij}$,
#
# $$\log p_{ik} = s_{ik} - \log\sum_{j} e^{s_{ij}} .$$
#
# Every term is finite: $s_{ik} \le 0$ and the sum is at least 1.  Picking entry
# $(i, y_i)$ of each row is `logp[np.arange(m), y]`.
# `softmax_cross_entropy(Z, y)` takes scores `Z` of shape `(m, K)` and labels `y` of shape
# `(m,)` and returns $J$.
#
# **Tested with** `Z` a two-dimensional float array of shape `(m, K)` ($m = 1$ to 8, $K = 2$
# to 5) with scores up to $\pm 1000$, and `y` a 1-D integer array of shape `(m,)` with labels
# `0..K-1` (not one-hot, not a column).  Return one number, finite, without overflow /
# divide-by-zero `RuntimeWarning`s (a right value that warns earns half).

# %% solution="softmax_cross_entropy"

# %% test="softmax_cross_entropy" points=1
_Z = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
_lse = np.log(np.exp(1.0) + np.exp(2.0) + np.exp(3.0))
# `mistakes`: what known slips give on the same scores (m = 2, K = 3); _logp = log softmax, row by row.
_logp = _Z - np.log(np.sum(np.exp(_Z), axis=1, keepdims=True))
ag.expect_close(softmax_cross_entropy(_Z, np.array([2, 0])), ((_lse - 3.0) + np.log(3.0)) / 2,
                "softmax_cross_entropy([[1, 2, 3], [1, 1, 1]], y = [2, 0])",
                mistakes={"summed the losses over the examples instead of averaging them": (_lse - 3.0) + np.log(3.0),
                          "left out the log-sum-exp normalizer (used -z[i, y_i] instead of -log p[i, y_i])":
                              -(3.0 + 1.0) / 2,
                          "indexed logp[:, y] (every row at every label) instead of logp[i, y_i]":
                              -np.mean(_logp[:, [2, 0]]),
                          "averaged -Y log p over all m*K entries instead of over the m examples":
                              ((_lse - 3.0) + np.log(3.0)) / (2 * 3)})
ag.expect_close(softmax_cross_entropy(np.zeros((4, 5)), np.array([0, 1, 2, 3])), np.log(5.0),
                "softmax_cross_entropy(all scores 0, K = 5)")
# Scores of +-1000: per-example losses 2000, log 3, 2000 + log 2.  The values first (slips give nan or
# inf here; np.errstate silences the warnings of computing them), then: no warnings.
_Z, _y = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [-1000.0, 1000.0, 1000.0]]), np.array([1, 0, 0])
with np.errstate(all="ignore"):
    _P_shifted = np.exp(_Z - _Z.max(axis=1, keepdims=True))
    _P_shifted = _P_shifted / _P_shifted.sum(axis=1, keepdims=True)  # 0.0 where the probability underflows
    _P_unshifted = np.exp(_Z) / np.sum(np.exp(_Z), axis=1, keepdims=True)  # nan where exp overflows
    _mistaken = {"took np.log of the softmax probabilities, which underflow to 0 (use the log-sum-exp form)":
                     -np.mean(np.log(_P_shifted[np.arange(3), _y])),
                 "did not subtract each row's maximum before np.exp (overflow to inf, inf/inf = nan)":
                     -np.mean(np.log(_P_unshifted[np.arange(3), _y]))}
ag.expect_close(softmax_cross_entropy(_Z, _y), (2000.0 + np.log(3.0) + 2000.0 + np.log(2.0)) / 3,
                "softmax_cross_entropy with scores of +-1000", mistakes=_mistaken)
ag.expect_no_warnings(softmax_cross_entropy, _Z, _y, name="softmax_cross_entropy(scores of +-1000)")

# %% cases="softmax_cross_entropy"
rng = np.random.default_rng(207)
for m, K in [(4, 3), (3, 3), (1, 5), (8, 2), (6, 4)]:
    case(rng.normal(scale=3.0, size=(m, K)), rng.integers(0, K, m))
case(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [1.0, 2.0, 3.0], [-1000.0, 1000.0, 1000.0]]),
     np.array([1, 0, 2, 0]),
     _label="softmax_cross_entropy([[1000, -1000, 0], [-1000, -1000, -1000], [1, 2, 3], [-1000, 1000, 1000]], "
            "y = [1, 0, 2, 0])")
case(np.array([[50.0, -50.0], [-800.0, -700.0], [3.0, 3.5]]), np.array([1, 0, 1]),
     _label="softmax_cross_entropy([[50, -50], [-800, -700], [3, 3.5]], y = [1, 0, 1])")


def _logp(Z):
    S = np.asarray(Z) - np.max(Z, axis=1, keepdims=True)
    return S - np.log(np.sum(np.exp(S), axis=1, keepdims=True))


mistake("summed the losses over the examples instead of averaging them",
        lambda Z, y: len(y) * softmax_cross_entropy(Z, y))
mistake("left out the log-sum-exp normalizer (used -z[i, y_i] instead of -log p[i, y_i])",
        lambda Z, y: -np.mean(np.asarray(Z)[np.arange(len(y)), y]))
mistake("indexed logp[:, y] (every row at every label) instead of logp[i, y_i]",
        lambda Z, y: -np.mean(_logp(Z)[:, y]))
mistake("averaged -Y log p over all m*K entries instead of over the m examples",
        lambda Z, y: softmax_cross_entropy(Z, y) / np.shape(Z)[1])
mistake("took np.log of the softmax probabilities, which underflow to 0 (use the log-sum-exp form)",
        lambda Z, y: -np.mean(np.log(softmax(Z)[np.arange(len(y)), y])))
mistake("did not subtract each row's maximum before np.exp (overflow to inf, inf/inf = nan)",
        lambda Z, y: -np.mean(np.log((np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True))[np.arange(len(y)), y])))

# %% hidden="softmax_cross_entropy" points=2
ag.score(ag.check_cases(softmax_cross_entropy, ag.baked("softmax_cross_entropy"), stable=True,
                        trusted=ag.trusted("softmax one_hot")), points=2)

# %% [markdown]
# ## 8. Weight elimination
#
# Weight decay charges $w^2$ per weight, so its push back towards 0, $2w$, is strongest on
# the largest weights.  Often we would rather have **few** non-zero weights than many small
# ones (a sparser network is a simpler one).  The L1 penalty $\sum |w|$ does that but has
# no derivative at 0.  The **weight-elimination** regularizer is a smooth compromise — a
# "scaled" L2:
#
# $$R(\Theta) = \sum_{l}\sum_{j}\sum_{i \ge 1}\frac{\big(\Theta^{(l)}_{j,i}\big)^2}{1 + \big(\Theta^{(l)}_{j,i}\big)^2}.$$
#
# For small $w$ each term is about $w^2$ (like weight decay); for large $w$ it levels off at
# 1, so a big weight costs hardly more than a medium one and is not shrunk much.  As with L2,
# the bias column 0 is left out.  By the quotient rule,
#
# $$\frac{d}{dw}\,\frac{w^2}{1 + w^2} = \frac{2w(1 + w^2) - w^2 \cdot 2w}{(1 + w^2)^2} = \frac{2w}{(1 + w^2)^2}$$
#
# (the lecture's "Fun Time" question; answer 2).
#
# `weight_elimination(thetas)` returns the pair `(value, grads)`: `value` is $R$, and
# `grads` is a list with one matrix per layer, `grads[k]` shaped like `thetas[k]`, holding
# $\partial R / \partial \Theta^{(l)}_{j,i}$ — with **zeros in column 0**.
#
# **Tested with** `thetas` a Python list of 1 to 3 two-dimensional float arrays (column 0 =
# bias; weights up to about $\pm 20$).  Return `value` as one number and `grads` as a Python
# list of arrays, `grads[k]` of the same shape as `thetas[k]`.

# %% solution="weight_elimination"

# %% test="weight_elimination" points=1
# w = 1 costs 1/2 with slope 2/4; w = 0 costs nothing; the bias 7 is ignored.  `mistakes`: what known
# slips give on these weights (w = 1: w^2 = 1, 2w = 2, 1 + w^2 = 2; the bias 7 would add 49/50).
_value, _grads = weight_elimination([np.array([[7.0, 1.0, 0.0]])])
ag.expect_close(_value, 0.5, "weight_elimination value for weights [bias 7, 1, 0]",
                mistakes={"included the bias column 0": 0.5 + 49 / 50,
                          "wrote w**2 / 1 + w**2 (operator precedence) instead of w**2 / (1 + w**2)": 2.0,
                          "returned the weight-decay value sum w^2 instead of sum w^2/(1 + w^2)": 1.0})
ag.expect_close(_grads[0], [[0.0, 0.5, 0.0]], "weight_elimination gradient for weights [bias 7, 1, 0]",
                mistakes={"left out the square in the denominator: 2w/(1 + w^2) instead of 2w/(1 + w^2)^2":
                              [[0.0, 2 / 2, 0.0]],
                          "cubed the denominator: 2w/(1 + w^2)^3 instead of 2w/(1 + w^2)^2": [[0.0, 2 / 2**3, 0.0]],
                          "used the weight-decay gradient 2w instead of 2w/(1 + w^2)^2": [[0.0, 2.0, 0.0]],
                          "included the bias column 0": [[2 * 7 / 50**2, 0.5, 0.0]]})
_thetas = [np.full((3, 3), 2.0), np.full((1, 4), -1.0)]
_value, _grads = weight_elimination(_thetas)
ag.expect_close(_value, 6 * 4 / 5 + 3 * 1 / 2, "weight_elimination value of a 2-3-1 net")
ag.expect_shape(_grads[0], (3, 3), "grads[0]")
ag.expect_shape(_grads[1], (1, 4), "grads[1]")
ag.expect_close(np.asarray(_grads[0])[:, 0], [0.0, 0.0, 0.0], "column 0 (bias) of grads[0]")

# %% test="weight_elimination_gradient" points=1
_rng = np.random.default_rng(8)
ag.expect_gradient(weight_elimination, [_rng.normal(scale=1.5, size=(3, 4)), _rng.normal(scale=1.5, size=(2, 4))],
                   "weight_elimination gradient (a 3-3-2 net)")

# %% cases="weight_elimination"
rng = np.random.default_rng(208)
for sizes, scale in [([2, 3, 4], 1.0), ([3, 1], 2.0), ([4, 5, 3], 0.5), ([2, 3, 3, 2], 3.0)]:
    case([rng.normal(scale=scale, size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])])
case([np.zeros((2, 3)), np.array([[1.0, -1.0, 20.0]])])


def _we_variant(value_of, grad_of, bias=False):
    def f(thetas):
        value, grads = 0.0, []
        for t in thetas:
            t = np.asarray(t, dtype=float)
            w = t if bias else t[:, 1:]
            value += np.sum(value_of(w))
            g = np.zeros_like(t)
            if bias:
                g = grad_of(w)
            else:
                g[:, 1:] = grad_of(w)
            grads.append(g)
        return value, grads
    return f


_we_value = lambda w: w**2 / (1 + w**2)
mistake("left out the square in the denominator: 2w/(1 + w^2) instead of 2w/(1 + w^2)^2",
        _we_variant(_we_value, lambda w: 2 * w / (1 + w**2)))
mistake("cubed the denominator: 2w/(1 + w^2)^3 instead of 2w/(1 + w^2)^2",
        _we_variant(_we_value, lambda w: 2 * w / (1 + w**2) ** 3))
mistake("included the bias column 0", _we_variant(_we_value, lambda w: 2 * w / (1 + w**2) ** 2, bias=True))
mistake("used the weight-decay gradient 2w instead of 2w/(1 + w^2)^2", _we_variant(_we_value, lambda w: 2 * w))
mistake("wrote w**2 / 1 + w**2 (operator precedence) instead of w**2 / (1 + w**2)",
        _we_variant(lambda w: 2 * w**2, lambda w: 2 * w / (1 + w**2) ** 2))
mistake("returned the weight-decay value sum w^2 instead of sum w^2/(1 + w^2)",
        _we_variant(lambda w: w**2, lambda w: 2 * w / (1 + w**2) ** 2))

# %% hidden="weight_elimination" points=2
_r = ag.check_cases(weight_elimination, ag.baked("weight_elimination"))
# Is the gradient the derivative of the student's own value?
_rng = np.random.default_rng(2081)
_thetas = [_rng.normal(scale=2.0, size=(4, 4)), _rng.normal(scale=0.7, size=(2, 5))]
ag.check_gradient(_r, lambda t: weight_elimination(t), _thetas,
                  "gradient check of your grads against your own value", weight=2.0)
ag.score(_r, points=2)

# %% [markdown]
# Weight decay against weight elimination, for one weight $w$: the value and the "push"
# $dR/dw$ that gradient descent applies.  Weight decay pushes hardest on large weights;
# weight elimination pushes hardest around $|w| \approx 0.58$ and lets large weights be.

# %%
_w = np.linspace(-4, 4, 401)
try:
    _we = [weight_elimination([np.array([[0.0, w]])]) for w in _w]
    _l2 = [2 * l2_penalty([np.array([[0.0, w]])], 1.0, 1) for w in _w]  # lam = 1, m = 1: w^2 / 2, times 2
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    axes[0].plot(_w, _l2, label="weight decay  $w^2$")
    axes[0].plot(_w, [v for v, _ in _we], label="weight elimination  $w^2/(1+w^2)$")
    axes[0].set(title="regularizer", xlabel="w", ylim=(-0.1, 4))
    axes[1].plot(_w, 2 * _w, label="weight decay  $2w$")
    axes[1].plot(_w, [np.asarray(g[0])[0, 1] for _, g in _we], label="weight elimination  $2w/(1+w^2)^2$")
    axes[1].set(title="derivative (push towards 0)", xlabel="w", ylim=(-2, 2))
    for ax in axes:
        ax.legend()
    plt.show()
except (NotImplementedError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Implement l2_penalty and weight_elimination (sections 3 and 8), then run this cell again.")

# %% [markdown]
# ## Summary
#
# * Cross-entropy $-[y\log h + (1-y)\log(1-h)]$ with $\frac{\lambda}{2m}\sum_{j\ge1}\theta_j^2$;
#   gradient $\frac1m X_b^T(h - y) + \frac{\lambda}{m}(0, \theta_1, \dots)$.  The bias is never
#   regularized.
# * Compute $\log g(z)$ and $\log(1 - g(z))$ from $z$ (`np.logaddexp`), and softmax
#   probabilities and their logs after subtracting each row's maximum: the costs stay finite
#   when the outputs saturate.
# * The network cost sums the cross-entropy over the $K$ outputs, averages over the $m$
#   examples, and penalizes every weight except column 0 of each matrix.
# * With sigmoid outputs the squared error's gradient vanishes when a unit is confidently
#   wrong; cross-entropy's does not.
# * Weight elimination $\sum w^2/(1+w^2)$ has derivative $2w/(1+w^2)^2$.  Near $w = 0$ that
#   push is about $2w$, like weight decay's, so it fades as a weight shrinks: small weights are
#   shrunk *towards* 0 but (unlike L1) never set to exactly 0.  It is strongest around
#   $|w| = 1/\sqrt{3} \approx 0.58$ and falls off like $2/|w|^3$, so large weights are left almost
#   alone: medium weights are driven down while the few large ones the data needs survive.

# %% [markdown]
# # Lesson 01 — Logic gates with perceptrons
#
# A single **logistic unit** takes inputs $x_1, \dots, x_n$, forms the weighted sum
# $z = \theta_0 + \theta_1 x_1 + \dots + \theta_n x_n$ and squashes it with the sigmoid
# $g(z) = 1 / (1 + e^{-z})$.  When the weights are large, $g(z)$ is almost exactly 0 or 1,
# so one unit behaves like a logic gate — and a few layers of them can compute any
# Boolean function.
#
# In this notebook you will
#
# 1. implement the sigmoid and a logistic unit,
# 2. choose weights that turn one unit into AND, OR, NOR and NOT,
# 3. write the forward pass of a network and wire two layers into XNOR and XOR,
# 4. build XOR a second way, by aggregating $\pm 1$ perceptrons with `sign`,
# 5. count the weights of a network,
# 6. answer three quick questions (short answers, 1 point each).
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the
# same check the grader runs) and a hidden test cell that checks more inputs when your
# notebook is graded.  Only edit the cells that say `YOUR CODE HERE` or assign `NAME = ...`
# (replace the `...`); keep names and signatures as they are.  Conventions used all course long: `X` has one example per
# **row**, shape `(m, n)`; a weight vector `theta` has its bias weight `theta[0]` first.

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

# The four corners of the unit square, one example per row: the inputs of every truth table below.
TRUTH_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
# The four (g1, g2) pairs of +-1 votes, in the same order, for sections 7 and 8.
PM_PAIRS = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])

# %% [markdown]
# The two helpers below convert inputs to float arrays and check shapes; the
# reference solutions use them, and you may too (you do not have to).

# %% given="as_float_array check_shape"

# %% [markdown]
# ## 1. The sigmoid
#
# $g(z) = \dfrac{1}{1 + e^{-z}}$ maps any real number into $(0, 1)$, with $g(0) = 0.5$.
#
# **Numerical care.** For $z = -1000$, `np.exp(-z)` overflows to `inf` and NumPy prints a
# `RuntimeWarning` (the value still comes out as 0, but a warning in a graded cell costs
# points).  Avoid ever exponentiating a large positive number: for $z \ge 0$ use
# $1 / (1 + e^{-z})$, and for $z < 0$ the equivalent form $e^{z} / (1 + e^{z})$.
# Both only ever compute $e^{-|z|} \le 1$.

# %% solution="sigmoid"

# %% test="sigmoid" points=1
# g(-1) = 1/(1 + e) = 0.2689..., g(1) = 1 - g(-1); tanh(0) = 0, tanh(1) = 0.7616...
ag.expect_close(sigmoid(0), 0.5, "sigmoid(0)",
                mistakes={"used np.tanh, whose range is (-1, 1), instead of the logistic 1/(1 + e^(-z))": 0.0})
ag.expect_close(sigmoid(np.array([-1.0, 0.0, 1.0])), [0.2689414213699951, 0.5, 0.7310585786300049],
                "sigmoid([-1, 0, 1])",
                mistakes={"used e^(+z) instead of e^(-z), which gives 1 - g(z)": [0.7310585786300049, 0.5,
                                                                                  0.2689414213699951],
                          "used np.tanh instead of the logistic function": np.tanh([-1.0, 0.0, 1.0])})
ag.expect_shape(sigmoid(np.zeros((2, 3))), (2, 3), "sigmoid(np.zeros((2, 3)))")
# Saturation: exactly 0 and 1 at +-1000, and no overflow warning.
ag.expect_close(ag.expect_no_warnings(sigmoid, np.array([-1000.0, 1000.0])), [0.0, 1.0],
                "sigmoid([-1000, 1000])")

# %% cases="sigmoid"
rng = np.random.default_rng(101)
case(0.0)
case(np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0]))
case(rng.normal(scale=4.0, size=(4, 3)))
case(rng.normal(scale=50.0, size=12))
mistake("used e^(+z) instead of e^(-z)", lambda z: sigmoid(-np.asarray(z, dtype=float)))
mistake("returned e^(-z) / (1 + e^(-z)), which is 1 - g(z)", lambda z: 1 - sigmoid(z))

# %% hidden="sigmoid" points=2
ag.score(ag.check_cases("sigmoid", ag.baked("sigmoid"), stable=True), points=2)

# %% [markdown]
# ## 2. Adding the bias unit
#
# Instead of writing $\theta_0$ separately, we prepend a constant input $x_0 = 1$ to every
# example, so that $z = \theta^T x$ with $x = (1, x_1, \dots, x_n)$.
# `add_bias(X)` returns `X` with a column of ones in **column 0**, shape `(m, n + 1)`.
# `X` may also be a list of lists (`add_bias([[0, 1], [1, 0]])`): the tests pass one, so
# convert with `np.asarray(X, dtype=float)` first.

# %% solution="add_bias"

# %% test="add_bias" points=1
_X = np.array([[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
Xb = add_bias(_X)
ag.expect_close(Xb, [[1.0, 2.0, 3.0], [1.0, 4.0, 5.0], [1.0, 6.0, 7.0]], "add_bias(X) for X of shape (3, 2)",
                mistakes={"put the bias column last instead of first": [[2.0, 3.0, 1.0], [4.0, 5.0, 1.0], [6.0, 7.0, 1.0]],
                          "filled the bias column with zeros instead of ones": [[0.0, 2.0, 3.0], [0.0, 4.0, 5.0],
                                                                                [0.0, 6.0, 7.0]],
                          "added a row of ones (np.vstack) instead of a column (np.hstack)":
                              [[1.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]})
ag.expect_shape(Xb, (3, 3), "add_bias(X) for X of shape (3, 2)")
ag.expect_close(Xb[:, 0], [1.0, 1.0, 1.0], "column 0 of add_bias(X)")
ag.expect_close(Xb[:, 1:], [[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]], "columns 1: of add_bias(X)")

# %% cases="add_bias"
rng = np.random.default_rng(102)
for shape in [(1, 1), (4, 2), (7, 5)]:
    case(rng.normal(size=shape))
case([[0.0, 1.0], [1.0, 0.0]])
mistake("put the bias column last instead of first",
        lambda X: np.hstack([np.asarray(X, dtype=float), np.ones((len(X), 1))]))
mistake("filled the bias column with zeros instead of ones",
        lambda X: np.hstack([np.zeros((len(X), 1)), np.asarray(X, dtype=float)]))

# %% hidden="add_bias" points=1
ag.score(ag.check_cases("add_bias", ag.baked("add_bias")), points=1)

# %% [markdown]
# ## 3. A logistic unit
#
# For all $m$ examples at once: $h = g(X_b\,\theta)$, where $X_b$ is `add_bias(X)` of shape
# `(m, n + 1)` and `theta` has shape `(n + 1,)`.  The result has shape `(m,)`.

# %% solution="logistic_unit"

# %% test="logistic_unit" points=1
# The lecture's AND unit: z = -30, -10, -10, +10 on the four corners.  The known mistakes give
# z = 20x1 + 20x2 (no bias weight) and z = -30x1 + 20x2 + 20 (bias taken from the end of theta).
_g = lambda z: 1 / (1 + np.exp(-np.asarray(z, dtype=float)))  # |z| <= 40 here: no overflow
ag.expect_close(logistic_unit([-30.0, 20.0, 20.0], TRUTH_INPUTS), _g([-30.0, -10.0, -10.0, 10.0]),
                "logistic_unit(AND weights, corners)", uses=("sigmoid", "add_bias"),
                mistakes={"forgot to apply the sigmoid (returned z)": [-30.0, -10.0, -10.0, 10.0],
                          "left out the bias weight theta[0]": _g([0.0, 20.0, 20.0, 40.0]),
                          "used the last weight as the bias instead of theta[0]": _g([20.0, 40.0, -10.0, 10.0])})
ag.expect_shape(logistic_unit(np.zeros(4), np.ones((5, 3))), (5,), "logistic_unit(theta (4,), X (5, 3))")

# %% cases="logistic_unit"
rng = np.random.default_rng(103)
for m, n in [(1, 1), (6, 2), (10, 4)]:
    case(rng.normal(scale=3.0, size=n + 1), rng.normal(size=(m, n)))
case(np.array([-30.0, 20.0, 20.0]), np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))
mistake("forgot to apply the sigmoid (returned z)", lambda theta, X: add_bias(X) @ np.asarray(theta))
mistake("used the last weight as the bias instead of theta[0]",
        lambda theta, X: sigmoid(np.asarray(X) @ np.asarray(theta)[:-1] + np.asarray(theta)[-1]))
mistake("left out the bias weight theta[0]",
        lambda theta, X: sigmoid(np.asarray(X) @ np.asarray(theta)[1:]))

# %% hidden="logistic_unit" points=1
ag.score(ag.check_cases("logistic_unit", ag.baked("logistic_unit"), trusted=ag.trusted("sigmoid add_bias")),
         points=1)

# %% [markdown]
# ## 4. One unit, four gates
#
# Choose weights so that `logistic_unit(theta, x)` reproduces each truth table to within
# 0.01 (inputs are 0/1).  The lecture's AND is $\theta = (-30, 20, 20)$: the bias makes
# $z$ negative unless **both** inputs add their 20.  Think about where the bias must sit
# for OR (one input is enough), for NOR (= NOT OR: flip every sign) and for NOT with its
# single input.  Any weights that pass the truth table are correct.
#
# | $x_1$ | $x_2$ | AND | OR | NOR |
# |---|---|---|---|---|
# | 0 | 0 | 0 | 0 | 1 |
# | 0 | 1 | 0 | 1 | 0 |
# | 1 | 0 | 0 | 1 | 0 |
# | 1 | 1 | 1 | 1 | 0 |
#
# and NOT: $0 \mapsto 1$, $1 \mapsto 0$.  Hint: $g(5) \approx 0.9933$, $g(10) \approx 0.99995$.
#
# **What to write.** The cell below has one line per gate, `THETA_AND = ...` and so on: replace
# each `...` with that gate's weights (the names are graded, keep them exactly), for example
#
# ```python
# THETA_AND = np.array([theta0, theta1, theta2])   # bias weight first, then x1's and x2's
# THETA_OR = np.array([...])                       # 3 numbers
# THETA_NOR = np.array([...])                      # 3 numbers
# THETA_NOT = np.array([theta0, theta1])           # 2 numbers: NOT has a single input
# ```
#
# Lists or tuples of numbers are accepted too.

# %% solution="THETA_AND THETA_OR THETA_NOR THETA_NOT"

# %% test="gates" points=1 trusted="logistic_unit"
# First, each name holds the right number of weights (a `...` still in place has shape ()).
for _name, _theta, _n in [("THETA_AND", THETA_AND, 3), ("THETA_OR", THETA_OR, 3), ("THETA_NOR", THETA_NOR, 3),
                          ("THETA_NOT", THETA_NOT, 2)]:
    ag.expect_shape(_theta, (_n,), _name,
                    mistakes={f"left `{_name} = ...` as it was (or gave one number): replace the ... with "
                              f"your {_n} weights": ()})
# Truth tables on the corners (0,0), (0,1), (1,0), (1,1): a unit that rounds to one of these computes that gate.
_TABLES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NOR": [1, 0, 0, 0], "NAND": [1, 1, 1, 0], "x1": [0, 0, 1, 1],
           "x2": [0, 1, 0, 1], "NOT x1": [1, 1, 0, 0], "NOT x2": [1, 0, 1, 0], "constant 0": [0, 0, 0, 0],
           "constant 1": [1, 1, 1, 1]}
for _name, _theta, _gate in [("THETA_AND", THETA_AND, "AND"), ("THETA_OR", THETA_OR, "OR"),
                             ("THETA_NOR", THETA_NOR, "NOR")]:
    _out = logistic_unit(_theta, TRUTH_INPUTS)
    ag.expect_close(np.round(_out), _TABLES[_gate], f"{_name}: outputs rounded to 0/1", uses="logistic_unit",
                    mistakes={f"chose weights whose unit computes {k}, not {_gate}": v for k, v in _TABLES.items()
                              if k != _gate})
    ag.expect_close(_out, _TABLES[_gate], f"{_name}: outputs within 0.01 of {_gate} (rounded right but not "
                    "within 0.01: the weights are too small, scale them up)", atol=0.01, uses="logistic_unit")
_out = logistic_unit(THETA_NOT, [[0.0], [1.0]])
ag.expect_close(np.round(_out), [1, 0], "THETA_NOT: outputs on inputs 0, 1 rounded to 0/1", uses="logistic_unit",
                mistakes={"chose weights that compute the identity x1 (no NOT)": [0, 1],
                          "chose weights that compute the constant 1": [1, 1],
                          "chose weights that compute the constant 0": [0, 0]})
ag.expect_close(_out, [1, 0], "THETA_NOT: outputs within 0.01 of NOT (rounded right but not within 0.01: "
                "the weights are too small, scale them up)", atol=0.01, uses="logistic_unit")

# %% hidden="gates" points=2
_r = ag.Result("gate weights")
_weights = {_name: ag.student(_name) for _name in ("THETA_AND", "THETA_OR", "THETA_NOR", "THETA_NOT")}
if ag.GRADER:
    # Judged with the reference logistic unit, so a mistake in logistic_unit does not cost twice.
    _unit = ag.reference("logistic_unit")["logistic_unit"]
    _tables = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NOR": [1, 0, 0, 0], "NAND": [1, 1, 1, 0],
               "XOR": [0, 1, 1, 0], "XNOR": [1, 0, 0, 1], "x1": [0, 0, 1, 1], "x2": [0, 1, 0, 1],
               "NOT x1": [1, 1, 0, 0], "NOT x2": [1, 0, 1, 0]}
    _corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    for _name, _gate, _inputs, _target in [("THETA_AND", "AND", _corners, _tables["AND"]),
                                           ("THETA_OR", "OR", _corners, _tables["OR"]),
                                           ("THETA_NOR", "NOR", _corners, _tables["NOR"]),
                                           ("THETA_NOT", "NOT", np.array([[0.0], [1.0]]), [1, 0])]:
        _theta = _weights[_name]
        if _theta is ... or _theta is None:
            _r.fail(f"{_name} is still ... — replace it with your weights" if _theta is ... else
                    f"{_name} is not defined — run its cell (it must assign {_name} = your weights)")
            continue
        try:
            _theta = np.asarray(_theta, dtype=float).ravel()
            assert _theta.size == _inputs.shape[1] + 1
        except Exception:
            _r.fail(f"{_name} must be {_inputs.shape[1] + 1} numbers, received {_theta!r}")
            continue
        _out = _unit(_theta, _inputs)
        if np.all(np.abs(_out - _target) <= ag.tolerances.TRUTH_TABLE_TOL):
            _r.record(1.0)
            continue
        _bits = (_out > 0.5).astype(int).tolist()
        if _bits == list(_target):
            _r.fail(f"{_name}: right decision boundary but outputs {np.round(_out, 4).tolist()} are not within "
                    f"0.01 of {_target}: the weights are too small — scale them all up (|z| >= 5 on every input)")
        else:
            _same = [k for k, v in _tables.items() if len(v) == len(_bits) and v == _bits]
            if _inputs.shape[1] == 1:
                _same = {(0, 1): ["the identity x1 (no NOT)"], (1, 1): ["constant 1"], (0, 0): ["constant 0"]}.get(
                    tuple(_bits), [])
            _r.fail(f"{_name}: outputs {np.round(_out, 4).tolist()} should be {_target} for {_gate}"
                    + (f"; this unit computes {_same[0]}, not {_gate}" if _same else ""))
ag.score(_r, points=2)

# %% [markdown]
# Let us look at what the unit does between the corners: each gate is a half-plane
# $\theta_0 + \theta_1 x_1 + \theta_2 x_2 > 0$ of the input square (yellow = output near 1).

# %%
def plot_regions(predict, title, ax):
    """Shade predict(points) over [-0.5, 1.5]^2 and mark the four corners."""
    u = np.linspace(-0.5, 1.5, 121)
    grid = np.array([[a, b] for b in u for a in u])
    ax.contourf(u, u, np.reshape(predict(grid), (u.size, u.size)), levels=20, cmap="viridis", vmin=0, vmax=1)
    ax.scatter(TRUTH_INPUTS[:, 0], TRUTH_INPUTS[:, 1], c="red", s=40)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")

try:
    _gates = [("AND", THETA_AND), ("OR", THETA_OR), ("NOR", THETA_NOR)]
    for _gate, _theta in _gates:
        if _theta is ...:
            raise ValueError(f"THETA_{_gate} is still ...")
    logistic_unit(THETA_AND, TRUTH_INPUTS)  # fails early (NotImplementedError) while logistic_unit is a stub
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    for ax, (name, theta) in zip(axes, _gates):
        plot_regions(lambda P, t=theta: logistic_unit(t, P), name, ax)
    plt.show()
except (NameError, NotImplementedError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Implement sigmoid, add_bias and logistic_unit (sections 1-3) and replace the ... of THETA_AND, THETA_OR "
          "and THETA_NOR (section 4), then run this cell again.")

# %% [markdown]
# **Quick question A** (1 point).  Reading weights: which function does the logistic unit with
# $\theta = (-10, 20, -20)$ compute on 0/1 inputs (to within 0.01)?  Work out $z$ on the four corners.
#
# (a) $x_1$ AND NOT $x_2$ &nbsp;&nbsp; (b) NOT $x_1$ AND $x_2$ &nbsp;&nbsp; (c) XOR &nbsp;&nbsp; (d) NAND
#
# Write the letter as a string, e.g. `QUIZ_A = "b"`.

# %% solution="QUIZ_A"

# %% hidden="QUIZ_A" points=1
_r = ag.Result("QUIZ_A")
_answer = ag.student("QUIZ_A")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_A")["QUIZ_A"],
                    why="z = -10 + 20 x1 - 20 x2 is +10 only at (x1, x2) = (1, 0) and -10 or -30 elsewhere, "
                        "so the unit is 1 exactly when x1 = 1 and x2 = 0")
ag.score(_r, points=1)

# %% [markdown]
# ## 5. Feedforward through a network
#
# A network with layer sizes `layer_sizes` $= (s_1, \dots, s_L)$ is a list `thetas` of $L - 1$
# matrices.  The lectures number layers and weight matrices from 1; Python indexes from 0.
# The convention used in every lesson of this course:
#
# > `thetas[k]` (Python index $k = 0, 1, \dots$) is the lectures' $\Theta^{(k+1)}$: it maps layer
# > $k+1$ to layer $k+2$ and has shape `(layer_sizes[k+1], layer_sizes[k] + 1)`, i.e.
# > $(s_{k+2},\ s_{k+1} + 1)$; its column 0 multiplies the bias unit.
#
# So a 2-2-1 network has `thetas[0]` $= \Theta^{(1)}$ of shape `(2, 3)` and `thetas[1]`
# $= \Theta^{(2)}$ of shape `(1, 3)`.  With one example per row, layer $l + 1$ is computed from
# layer $l$ as
#
# $$A^{(l+1)} = g\big(\operatorname{add\_bias}(A^{(l)})\; \Theta^{(l)\,T}\big), \qquad A^{(1)} = X,
# \qquad \Theta^{(l)} = \texttt{thetas[l-1]},$$
#
# and `feedforward(thetas, X)` returns the last $A$, shape $(m, s_L)$.  Mind the transpose:
# each **row** of $\Theta^{(l)}$ holds the weights of one unit of the next layer.
#
# The picture below is the 2-2-1 network with every weight on its edge: `thetas[k][i, j]` is the
# weight from unit $j$ of layer $k+1$ (unit 0 is the bias unit $+1$) to unit $i+1$ of layer $k+2$.
# Row $i$ of `thetas[k]` is everything that flows *into* one unit.

# %%
def draw_network(layer_sizes, ax, thetas=None, title=""):
    """Units as circles (bias units +1 as grey squares), one arrow per weight, each labelled with
    its place ``[k][i, j]`` in ``thetas`` or, given ``thetas``, with its value."""
    L = len(layer_sizes)
    pos = {}
    for k, s in enumerate(layer_sizes):
        units = s + (1 if k < L - 1 else 0)  # every layer but the output has a bias unit (unit 0)
        for u, y in enumerate(np.linspace(1, 0, units + 2)[1:-1]):
            pos[k, u] = (1.6 * k, y)
    for k in range(L - 1):
        for i in range(layer_sizes[k + 1]):
            dst = pos[k + 1, i + (1 if k + 1 < L - 1 else 0)]
            t = 0.3 + 0.4 * i / max(layer_sizes[k + 1] - 1, 1)  # labels of different units apart
            for j in range(layer_sizes[k] + 1):
                src = pos[k, j]
                ax.annotate("", dst, src, arrowprops=dict(arrowstyle="->", color="0.55", shrinkA=11, shrinkB=11))
                label = f"[{k}][{i},{j}]" if thetas is None else f"{np.asarray(thetas[k], dtype=float)[i, j]:g}"
                ax.text(src[0] + t * (dst[0] - src[0]), src[1] + t * (dst[1] - src[1]), label, fontsize=7,
                        ha="center", va="center", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    for (k, u), (x, y) in pos.items():
        bias = k < L - 1 and u == 0
        name = "+1" if bias else (f"$x_{u}$" if k == 0 else "out" if k == L - 1 else f"$a_{u}$")
        ax.scatter([x], [y], s=650, marker="s" if bias else "o", c="0.85" if bias else "tab:orange",
                   edgecolors="k", zorder=3)
        ax.text(x, y, name, ha="center", va="center", fontsize=9, zorder=4)
    ax.set(title=title, xlim=(-0.5, 1.6 * (L - 1) + 0.5), ylim=(-0.05, 1.05))
    ax.axis("off")


fig, ax = plt.subplots(figsize=(6, 3.2))
draw_network([2, 2, 1], ax, title="2-2-1 network: thetas[k][i, j] on each edge")
plt.show()

# %% solution="feedforward"

# %% test="feedforward" points=1
_thetas = [np.array([[0.1, 0.2, -0.3], [-0.4, 0.5, 0.6]]), np.array([[0.7, -0.8, 0.9]])]
_X = np.array([[1.0, 2.0], [-1.0, 0.5]])
# Written out layer by layer for this tiny net (g written out too: |z| < 2 here, no overflow):
_g = lambda z: 1 / (1 + np.exp(-z))
_a2 = _g(np.column_stack([np.ones(2), _X]) @ _thetas[0].T)
_z3 = np.column_stack([np.ones(2), _a2]) @ _thetas[1].T
_a3 = _g(_z3)
# A 2-3-4 net has square matrices (3, 3) and (4, 4), so forgetting the transpose runs but gives other numbers.
_sq = [np.array([[0.1, -0.2, 0.3], [0.4, 0.0, -0.5], [-0.6, 0.7, 0.2]]),
       np.array([[0.2, 0.1, -0.3, 0.4], [-0.1, 0.5, 0.2, 0.0], [0.3, -0.4, 0.1, 0.2], [0.0, 0.2, -0.2, 0.6]])]
_b = lambda A: np.column_stack([np.ones(len(A)), A])
ag.expect_close(feedforward(_sq, _X), _g(_b(_g(_b(_X) @ _sq[0].T)) @ _sq[1].T), "feedforward on a 2-3-4 net",
                uses=("sigmoid", "add_bias"),
                mistakes={"multiplied by theta instead of its transpose (a row of theta holds one unit's weights: "
                          "use add_bias(a) @ theta.T)": _g(_b(_g(_b(_X) @ _sq[0])) @ _sq[1]),
                          "did not apply the sigmoid to the output layer": _b(_g(_b(_X) @ _sq[0].T)) @ _sq[1].T,
                          "returned the first hidden layer only (stopped after thetas[0])": _g(_b(_X) @ _sq[0].T)})
ag.expect_close(feedforward(_thetas, _X), _a3, "feedforward on a 2-2-1 net", uses=("sigmoid", "add_bias"),
                mistakes={"did not apply the sigmoid to the output layer": _z3,
                          "returned the first hidden layer only (stopped after thetas[0])": _a2})
ag.expect_shape(feedforward([np.zeros((4, 3)), np.zeros((3, 5))], np.ones((7, 2))), (7, 3),
                "feedforward(2-4-3 net, X (7, 2))")

# %% cases="feedforward"
rng = np.random.default_rng(105)
for sizes, m in [([2, 1], 4), ([2, 3, 1], 5), ([4, 5, 3], 6), ([3, 4, 4, 2], 3)]:
    thetas = [rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]
    case(thetas, rng.normal(size=(m, sizes[0])))
mistake("did not apply the sigmoid to the output layer",
        lambda thetas, X: add_bias(feedforward(thetas[:-1], X)) @ np.asarray(thetas[-1]).T)

# %% hidden="feedforward" points=2
ag.score(ag.check_cases("feedforward", ag.baked("feedforward"), trusted=ag.trusted("sigmoid add_bias")),
         points=2)

# %% [markdown]
# ## 6. XNOR and XOR need a hidden layer
#
# XNOR is 1 when the inputs agree.  It is "both are 1" OR "both are 0": a hidden layer
# computes $a_1 = x_1 \text{ AND } x_2$ and $a_2 = (\text{NOT } x_1) \text{ AND } (\text{NOT } x_2)$,
# and the output unit ORs them.  XOR is the negation of XNOR — build it with a hidden layer
# too (for example OR and NAND in the hidden layer, AND at the output).
#
# Give each as a list of two matrices with shapes `(2, 3)` and `(1, 3)` (`thetas[0]` $= \Theta^{(1)}$,
# one row per hidden unit; `thetas[1]` $= \Theta^{(2)}$, the output unit).  In the cell below, replace the
# `...` of `XNOR_THETAS = ...` and `XOR_THETAS = ...` with your networks, for example
#
# ```python
# XNOR_THETAS = [np.array([[...], [...]]),   # (2, 3): hidden units a1, a2, each [bias, w1, w2]
#                np.array([[...]])]          # (1, 3): the output unit [bias, w_a1, w_a2]
# XOR_THETAS = [np.array([[...], [...]]), np.array([[...]])]
# ```

# %% solution="XNOR_THETAS XOR_THETAS"

# %% test="xnor_xor" points=1 trusted="feedforward"
for _name, _net, _gate, _table in [("XNOR_THETAS", XNOR_THETAS, "XNOR", [1, 0, 0, 1]),
                                   ("XOR_THETAS", XOR_THETAS, "XOR", [0, 1, 1, 0])]:
    # The shape of each matrix; a `...` still in place (not a list) has no matrices: [].
    _shapes = [list(np.shape(t)) for t in _net] if isinstance(_net, (list, tuple)) else []
    ag.expect_close(_shapes, [[2, 3], [1, 3]], f"{_name}: shapes of the two matrices",
                    mistakes={"gave a single layer: XOR/XNOR need a hidden layer, two matrices [(2, 3), (1, 3)]":
                              [[1, 3]],
                              f"left `{_name} = ...` as it was: replace the ... with a list of two matrices": []})
    _out = feedforward(_net, TRUTH_INPUTS)[:, 0]
    ag.expect_close(np.round(_out), _table, f"{_name}: outputs rounded to 0/1", uses="feedforward",
                    mistakes={f"built the opposite gate (negate the output unit to get {_gate})": [1 - t for t in _table],
                              "built OR": [0, 1, 1, 1], "built AND": [0, 0, 0, 1]})
    ag.expect_close(_out, _table, f"{_name}: outputs within 0.01 of {_gate} (rounded right but not within 0.01: "
                    "use larger weights)", atol=0.01, uses="feedforward")

# %% hidden="xnor_xor" points=2
_r = ag.Result("XNOR and XOR networks")
_nets = {_name: ag.student(_name) for _name in ("XNOR_THETAS", "XOR_THETAS")}
if ag.GRADER:
    _net = ag.reference("feedforward")["feedforward"]  # a mistake in feedforward is not charged twice
    _corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    for _name, _target in [("XNOR_THETAS", [1, 0, 0, 1]), ("XOR_THETAS", [0, 1, 1, 0])]:
        _thetas = _nets[_name]
        if _thetas is ... or _thetas is None:
            _r.fail(f"{_name} is still ... — replace it with your two weight matrices" if _thetas is ... else
                    f"{_name} is not defined — run its cell (it must assign {_name} = [Theta1, Theta2])")
            continue
        try:
            _shapes = [np.shape(t) for t in _thetas]
        except TypeError:
            _shapes = None
        if _shapes != [(2, 3), (1, 3)]:
            _r.fail(f"{_name}: expected two matrices of shapes [(2, 3), (1, 3)], received {_shapes or _thetas!r}")
            continue
        _out = _net([np.asarray(t, dtype=float) for t in _thetas], _corners)[:, 0]
        if np.all(np.abs(_out - _target) <= ag.tolerances.TRUTH_TABLE_TOL):
            _r.record(1.0)
        elif ((_out > 0.5).astype(int) == _target).all():
            _r.fail(f"{_name}: right truth table but outputs {np.round(_out, 4).tolist()} are not within 0.01: "
                    "use larger weights")
        else:
            _hint = "; it computes the opposite gate (negate the output unit)" if (
                (_out > 0.5).astype(int) == 1 - np.array(_target)).all() else ""
            _r.fail(f"{_name}: outputs {np.round(_out, 4).tolist()} should be {_target}{_hint}")
ag.score(_r, points=2)

# %% [markdown]
# ### Why one unit cannot do XOR
#
# A single unit outputs 1 on one side of the line $\theta_0 + \theta_1 x_1 + \theta_2 x_2 = 0$.
# XOR wants $(0,1)$ and $(1,0)$ on one side and $(0,0)$, $(1,1)$ on the other.  Adding the
# two "positive" conditions gives $2\theta_0 + \theta_1 + \theta_2 > 0$, adding the two
# "negative" ones gives $2\theta_0 + \theta_1 + \theta_2 < 0$ — a contradiction.  The search
# below tries many random lines: none gets more than 3 of the 4 corners right.  The hidden
# layer maps the corners to a space where they *are* separable (right: each corner is drawn at
# its hidden-unit values $(a_1, a_2)$; two corners can land on the same point, which the labels show,
# and the dashed line is where your output unit's $z$ is 0).

# %%
_rng = np.random.default_rng(0)
_W = _rng.normal(size=(20000, 3))
_xor = np.array([0, 1, 1, 0])
_correct = ((np.column_stack([np.ones(4), TRUTH_INPUTS]) @ _W.T > 0).T == _xor).sum(axis=1)
print("best single line gets", _correct.max(), "of 4 XOR corners right")
def plot_hidden_space(thetas, target, title, ax):
    """The four corners at their hidden-unit values (a1, a2), labelled, with the output unit's z = 0 line."""
    hidden = feedforward([thetas[0]], TRUTH_INPUTS)
    points = {}
    for corner, h, t in zip(TRUTH_INPUTS.astype(int), hidden, target):
        points.setdefault((round(h[0], 2), round(h[1], 2), t), []).append(f"({corner[0]},{corner[1]})")
    for t, colour, label in [(1, "tab:red", f"{title} = 1"), (0, "tab:blue", f"{title} = 0")]:
        xy = np.array([h for h, tt in zip(hidden, target) if tt == t])
        ax.scatter(xy[:, 0], xy[:, 1], c=colour, s=90, edgecolors="k", label=label, zorder=3)
    for (h1, h2, _), corners in points.items():
        ax.annotate(" & ".join(corners), (h1, h2), textcoords="offset points", xytext=(6, 6), fontsize=8)
    w = np.asarray(thetas[1], dtype=float)[0]
    u = np.linspace(-0.2, 1.2, 2)
    if abs(w[2]) > 1e-12:
        ax.plot(u, -(w[0] + w[1] * u) / w[2], "k--", lw=1, label="output $z = 0$")
    ax.set(title=f"{title}: corners in hidden-unit space", xlabel="$a_1$", ylabel="$a_2$",
           xlim=(-0.2, 1.35), ylim=(-0.2, 1.35), aspect="equal")
    ax.legend(fontsize=7, loc="center")


try:
    for _name, _net in [("XOR_THETAS", XOR_THETAS), ("XNOR_THETAS", XNOR_THETAS)]:
        if _net is ...:
            raise ValueError(f"{_name} is still ...")
    feedforward(XOR_THETAS, TRUTH_INPUTS)  # fails early while feedforward is a stub
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    plot_regions(lambda P: feedforward(XOR_THETAS, P)[:, 0], "XOR network", axes[0])
    plot_hidden_space(XOR_THETAS, _xor, "XOR", axes[1])
    plot_hidden_space(XNOR_THETAS, 1 - _xor, "XNOR", axes[2])
    plt.tight_layout()
    plt.show()
except (NameError, NotImplementedError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Implement feedforward (section 5) and replace the ... of XNOR_THETAS and XOR_THETAS (section 6), "
          "then run this cell again.")

# %% [markdown]
# Your XOR network drawn with its weights (run after defining `XOR_THETAS`): follow $(x_1, x_2) = (1, 0)$
# through it by hand and check that the output unit's $z$ comes out large and positive.

# %%
try:
    if XOR_THETAS is ...:
        raise ValueError("XOR_THETAS is still ...")
    fig, ax = plt.subplots(figsize=(6, 3.2))
    draw_network([2, 2, 1], ax, thetas=XOR_THETAS, title="your XOR_THETAS")
    plt.show()
except (NameError, TypeError, ValueError, IndexError) as _err:
    plt.close("all")
    print(f"No drawing yet ({type(_err).__name__}: {_err}).\n"
          "Replace the ... of XOR_THETAS (section 6) with two matrices of shapes (2, 3) and (1, 3), then run "
          "this cell again.")

# %% [markdown]
# **Quick question B** (1 point).  Which of these functions of two 0/1 inputs can a **single**
# logistic unit **not** compute (to within 0.01, whatever its weights)?  Choose every one that applies.
#
# (a) AND &nbsp;&nbsp; (b) NAND &nbsp;&nbsp; (c) XOR &nbsp;&nbsp; (d) $x_1$ AND NOT $x_2$ &nbsp;&nbsp;
# (e) XNOR &nbsp;&nbsp; (f) the constant 1
#
# Write the letters as one string, e.g. `QUIZ_B = "a, d"` (order and spacing do not matter).

# %% solution="QUIZ_B"

# %% hidden="QUIZ_B" points=1
_r = ag.Result("QUIZ_B")
_answer = ag.student("QUIZ_B")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_B")["QUIZ_B"],
                    why="one unit separates the corners with a line; XOR and XNOR put (0,1), (1,0) on one side "
                        "and (0,0), (1,1) on the other, which no line does, while AND, NAND, x1 AND NOT x2 and "
                        "a constant (all weights 0 except a large bias) are each one line")
ag.score(_r, points=1)

# %% [markdown]
# ## 7. Aggregating $\pm 1$ perceptrons
#
# A second view of the same idea: let $g_1, \dots, g_T$ be perceptrons that output $\pm 1$,
# and combine them with a weighted vote
#
# $$G(x) = \operatorname{sign}\Big(\alpha_0 + \sum_{t=1}^{T} \alpha_t\, g_t(x)\Big).$$
#
# `sign_aggregate(alphas, G)` takes the votes as a matrix `G` of shape `(m, T)` (row = example)
# and `alphas` of length `T + 1`, with `alphas[0]` the constant term.  With
# $\alpha = (-1, 1, 1)$ the vote is $+1$ only when both $g_1 = g_2 = +1$: that is AND.
# `alphas` may be a tuple, a list or an array (the tests pass all three).

# %% given="ALPHA_AND"

# %% solution="sign_aggregate"

# %% test="sign_aggregate" points=1
# With ALPHA_AND = (-1, 1, 1) the vote before sign is -1 + g1 + g2 = -3, -1, -1, 1.
ag.expect_close(sign_aggregate(ALPHA_AND, PM_PAIRS), [-1, -1, -1, 1], "sign_aggregate(ALPHA_AND, all +-1 pairs)",
                mistakes={"used alphas[1:] without the constant alphas[0]": [-1, 0, 0, 1],
                          "paired alphas[0] with g_1 (off by one: the constant must be alphas[0])": [1, 1, -1, 1],
                          "returned the vote alphas[0] + G @ alphas[1:] without taking its sign": [-3, -1, -1, 1]})
ag.expect_shape(sign_aggregate([0.5, 1.0, -2.0, 1.0], np.ones((6, 3))), (6,), "sign_aggregate with T = 3")

# %% cases="sign_aggregate"
rng = np.random.default_rng(107)
for m, T in [(4, 2), (9, 3), (5, 6)]:
    alphas = np.concatenate([[rng.choice([-1.5, -0.5, 0.5, 1.5])], rng.integers(-3, 4, size=T)])
    case(alphas, rng.choice([-1.0, 1.0], size=(m, T)))
mistake("used alphas[1:] without the constant alphas[0]",
        lambda alphas, G: np.sign(np.asarray(G) @ np.asarray(alphas)[1:]))
mistake("paired alphas[0] with g_1 (off by one: the constant must be alphas[0])",
        lambda alphas, G: np.sign(np.asarray(G) @ np.asarray(alphas)[:-1] + np.asarray(alphas)[-1]))

# %% hidden="sign_aggregate" points=1
ag.score(ag.check_cases("sign_aggregate", ag.baked("sign_aggregate")), points=1)

# %% [markdown]
# Now choose `ALPHA_OR` (a vote that is $+1$ unless both perceptrons say $-1$): in the first cell
# below replace the `...` of `ALPHA_OR = ...` with three numbers `(alpha0, alpha1, alpha2)`.
# Then build XOR
# from three aggregations, following $\text{XOR}(g_1, g_2) = \text{OR}\big(\text{AND}(-g_1, g_2),\ \text{AND}(g_1, -g_2)\big)$.
# `xor_by_aggregation(G)` takes `G` of shape `(m, 2)` and returns $\pm 1$ of shape `(m,)`.

# %% solution="ALPHA_OR"

# %% solution="xor_by_aggregation"

# %% test="xor_by_aggregation" points=1
ag.expect_shape(ALPHA_OR, (3,), "ALPHA_OR",
                mistakes={"left `ALPHA_OR = ...` as it was (or gave one number): replace the ... with 3 numbers": ()})
ag.expect_close(np.sign(np.asarray(ALPHA_OR, dtype=float)[0] + PM_PAIRS @ np.asarray(ALPHA_OR, dtype=float)[1:]),
                [-1, 1, 1, 1], "ALPHA_OR votes on all +-1 pairs", mistakes={"used the AND vote": [-1, -1, -1, 1]})
ag.expect_close(xor_by_aggregation(PM_PAIRS), [-1, 1, 1, -1], "xor_by_aggregation(all +-1 pairs)",
                uses="sign_aggregate",
                mistakes={"computed XNOR (the outputs are negated)": [1, -1, -1, 1],
                          "combined the two halves with AND (or used the AND vote as ALPHA_OR): the outer vote "
                          "must be OR": [-1, -1, -1, -1]})

# %% hidden="xor_by_aggregation" points=1
_pairs = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
_big = np.repeat(_pairs, 3, axis=0)
_r = ag.Result("ALPHA_OR and xor_by_aggregation")
_alpha = ag.student("ALPHA_OR")
_out = ag.call("xor_by_aggregation", [_big], swap=ag.trusted("sign_aggregate ALPHA_AND ALPHA_OR"))
if ag.GRADER:
    try:
        if _alpha is ... or _alpha is None:
            raise ValueError("ALPHA_OR is still ... — replace it with your 3 numbers" if _alpha is ... else
                             "ALPHA_OR is not defined — run its cell")
        _a = np.asarray(_alpha, dtype=float).ravel()
        _r.check_close(np.sign(_a[0] + _pairs @ _a[1:]), [-1, 1, 1, 1],
                       "ALPHA_OR votes on (g1, g2) = (-,-), (-,+), (+,-), (+,+)",
                       variants={"used the AND vote": [-1, -1, -1, 1]})
    except ValueError as _e:
        _r.fail(str(_e) if str(_e).startswith("ALPHA_OR is") else f"ALPHA_OR must be 3 numbers: ValueError: {_e}")
    except Exception as _e:
        _r.fail(f"ALPHA_OR must be 3 numbers: {type(_e).__name__}: {_e}")
    _xor = np.where(_big[:, 0] == _big[:, 1], -1.0, 1.0)
    ag.judge_call(_r, "xor_by_aggregation(12 pairs)", _out, [_big], {}, _xor,
                  variants={"computed XNOR (the outputs are negated)": -_xor})
ag.score(_r, points=1)

# %% [markdown]
# **Quick question C** (1 point).  With $\pm 1$ votes $g_1, g_2$, which function does
# $G = \operatorname{sign}(\alpha_0 + \alpha_1 g_1 + \alpha_2 g_2)$ compute for $\alpha = (+3, +1, +1)$?
#
# (a) AND &nbsp;&nbsp; (b) OR &nbsp;&nbsp; (c) XOR &nbsp;&nbsp; (d) always $+1$
#
# Write the letter as a string, e.g. `QUIZ_C = "b"`.

# %% solution="QUIZ_C"

# %% hidden="QUIZ_C" points=1
_r = ag.Result("QUIZ_C")
_answer = ag.student("QUIZ_C")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_C")["QUIZ_C"],
                    why="the smallest vote is 3 - 1 - 1 = +1 (both g = -1), so the sign is +1 on every input: "
                        "a constant term larger than the sum of the other weights decides alone")
ag.score(_r, points=1)

# %% [markdown]
# ## 8. Counting weights
#
# Between layers of sizes $s_l$ and $s_{l+1}$ there is a $(s_{l+1}) \times (s_l + 1)$ matrix:
# every unit of the next layer has one weight per unit below **plus one for the bias**.
# `count_weights(layer_sizes)` returns the total, e.g. a 3-5-1 network has
# $5 \cdot 4 + 1 \cdot 6 = 26$ weights.

# %% solution="count_weights"

# %% test="count_weights" points=1
# (3 + 1) * 5 + (5 + 1) * 1 = 26
ag.expect_close(count_weights([3, 5, 1]), 26, "count_weights([3, 5, 1])",
                mistakes={"forgot the bias weights (3 * 5 + 5 * 1)": 20,
                          "also gave the output layer a bias unit ((3 + 1) * (5 + 1) + (5 + 1) * (1 + 1))": 36,
                          "counted units, not weights (3 + 5 + 1)": 9})

# %% cases="count_weights"
for sizes in ([2, 1], [3, 5, 1], [10, 10, 10, 1], [400, 25, 10], [1, 1, 1, 1, 1]):
    case(sizes)
mistake("forgot the bias weights", lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])))
mistake("also gave the output layer a bias unit", lambda s: sum((a + 1) * (b + 1) for a, b in zip(s[:-1], s[1:])))
mistake("counted units, not weights", lambda s: sum(s))

# %% hidden="count_weights" points=1
ag.score(ag.check_cases("count_weights", ag.baked("count_weights")), points=1)

# %% [markdown]
# ## Summary
#
# * One logistic unit with large weights is a soft logic gate whose decision boundary is a line.
# * XOR/XNOR are not linearly separable, so they need a hidden layer — in a sigmoid network or
#   in an aggregation of $\pm 1$ perceptrons.
# * A layer from $s_l$ to $s_{l+1}$ units has $s_{l+1}(s_l + 1)$ weights.

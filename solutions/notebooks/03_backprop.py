# %% [markdown]
# # Lesson 03 — Backpropagation, derived and implemented
#
# Training a network means lowering its cost $J(\Theta)$ by gradient descent, and gradient
# descent needs $\partial J / \partial \Theta^{(l)}_{ij}$ for **every** weight.  A network with
# a few thousand weights would need a few thousand extra forward passes to estimate those
# numbers by finite differences.  **Backpropagation** gets all of them exactly for the price of
# about one more pass: it applies the chain rule once, from the output back to the input, and
# re-uses every intermediate result.
#
# The notebook climbs in four steps:
#
# 1. **computational graphs** — the chain rule on three small formulas, node by node;
# 2. **activation functions** and their derivatives (sigmoid, tanh, ReLU, leaky ReLU);
# 3. **whole networks** — forward propagation that keeps every layer, backpropagation for all
#    examples at once (two losses), the same computation one example at a time as in the
#    lecture's pseudo-code (and how much slower that is), and the tanh/squared-error network
#    of the second lecture;
# 4. **learning** — gradient descent that uses your backprop, trained on XOR from a random start.
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the
# same check the grader runs) and a hidden test cell that checks more inputs — random networks
# of several shapes, with and without regularization — when your notebook is graded.  The
# hidden tests of a function use the *reference* versions of the other functions it calls, so a
# mistake in, say, `forward_propagation` costs points only once.  Only edit the cells that say
# `YOUR CODE HERE`; keep names and signatures as they are.  Three short quiz questions (1 point
# each) ask you to set a constant such as `QUIZ_A = 51` in their cell.

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
# ### Helpers from lessons 01 and 02
#
# These are given (read-only).  You will use `sigmoid`, `add_bias`, `one_hot` and `l2_penalty`;
# `_cross_entropy_from_logits(Z, Y)` returns the **summed** cross-entropy
# $-\sum_{i,k} \big[Y_{ik} \log g(Z_{ik}) + (1 - Y_{ik}) \log(1 - g(Z_{ik}))\big]$ computed from the
# pre-activations `Z`, so it stays finite even when $g(Z)$ rounds to exactly 0 or 1.
# The others are the input checks these helpers use.

# %% given="as_float_array check_shape sigmoid add_bias"

# %% given="check_labels one_hot as_weight_list l2_penalty"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits"

# %% [markdown]
# ## Part A — The chain rule on computational graphs
#
# Write a formula as a graph of elementary operations.  The **forward pass** evaluates the
# nodes from the inputs to the output.  The **backward pass** visits them in reverse order;
# every node receives the derivative of the output with respect to *its own* value (the
# "upstream" gradient), multiplies it by its *local* derivative and hands the product on to its
# inputs.  That multiplication is the chain rule: if $f$ depends on $x$ only through $q$,
#
# $$\frac{\partial f}{\partial x} = \frac{\partial f}{\partial q}\,\frac{\partial q}{\partial x}.$$
#
# Two local rules cover most graphs:
#
# * an **addition** $q = x + y$ has $\partial q/\partial x = \partial q/\partial y = 1$: it copies
#   the upstream gradient to both inputs unchanged;
# * a **product** $f = q z$ has $\partial f/\partial q = z$ and $\partial f/\partial z = q$: each
#   input receives the upstream gradient times the *other* factor.
#
# ### A.1 $f(x, y, z) = (x + y)\,z$
#
# Forward: $q = x + y$, then $f = q z$.  Backward: first through the product, then through the
# sum.  `add_mul_graph(x, y, z)` returns `(f, dfdx, dfdy, dfdz)`.  At $(x, y, z) = (-2, 5, -4)$
# the lecture finds $q = 3$, $f = -12$ and the gradient $(-4, -4, 3)$.  Inputs may also be
# arrays of one common shape; then everything is computed elementwise.

# %% solution="add_mul_graph"

# %% test="add_mul_graph" points=1
# q = x + y = 3; the known mistakes' outputs at (-2, 5, -4) are written next to their names.
ag.expect_close(add_mul_graph(-2, 5, -4), (-12.0, -4.0, -4.0, 3.0), "add_mul_graph(-2, 5, -4)",
                mistakes={"flipped the sign of df/dx (the sum q = x + y passes its gradient on unchanged: dq/dx = +1)":
                          (-12.0, 4.0, -4.0, 3.0),
                          "returned the local derivatives dq/dx = dq/dy = 1 without multiplying them by the upstream "
                          "gradient df/dq = z (the chain rule)": (-12.0, 1.0, 1.0, 3.0),
                          "swapped the product's local gradients (df/dq must be z, and df/dz must be q)":
                          (-12.0, 3.0, 3.0, -4.0),
                          "computed f = x + y * z (the sum x + y must be formed first)": (-22.0, 1.0, -4.0, 5.0)})
ag.expect_close(add_mul_graph(np.array([1.0, 0.0]), np.array([2.0, 3.0]), np.array([-1.0, 0.5])),
                ([-3.0, 1.5], [-1.0, 0.5], [-1.0, 0.5], [3.0, 3.0]), "add_mul_graph on arrays of shape (2,)")
# Your gradient must agree with central differences of your f:
ag.expect_gradient(lambda v: (add_mul_graph(*v)[0], np.array(add_mul_graph(*v)[1:], dtype=float)),
                   np.array([1.5, -0.5, 2.0]), "gradient of (x + y) z at (1.5, -0.5, 2)")

# %% cases="add_mul_graph"
rng = np.random.default_rng(301)
case(-2.0, 5.0, -4.0)
for _ in range(3):
    case(*rng.normal(scale=3.0, size=3))
case(*rng.normal(size=(3, 4)))
case(*rng.normal(size=(3, 2, 3)))


def _parts(x, y, z):
    x, y, z = (np.asarray(v, dtype=float) for v in (x, y, z))
    return x, y, z, x + y


mistake("flipped the sign of df/dx (the sum q = x + y passes its gradient on unchanged: dq/dx = +1)",
        lambda x, y, z: (lambda x, y, z, q: (q * z, -z, z, q))(*_parts(x, y, z)))
mistake("returned the local derivatives dq/dx = dq/dy = 1 without multiplying them by the upstream "
        "gradient df/dq = z (the chain rule)",
        lambda x, y, z: (lambda x, y, z, q: (q * z, 1.0, 1.0, q))(*_parts(x, y, z)))
mistake("swapped the product's local gradients (df/dq must be z, and df/dz must be q)",
        lambda x, y, z: (lambda x, y, z, q: (q * z, q, q, z))(*_parts(x, y, z)))
mistake("computed f = x + y * z (the sum x + y must be formed first)",
        lambda x, y, z: (lambda x, y, z, q: (x + y * z, 1.0, z, y))(*_parts(x, y, z)))

# %% hidden="add_mul_graph" points=1
ag.score(ag.check_cases(add_mul_graph, ag.baked("add_mul_graph")), points=1)

# %% [markdown]
# ### A.2 One sigmoid neuron
#
# $f(w, x) = g(w_0 x_0 + w_1 x_1 + w_2)$ with the sigmoid $g$; here $w_2$ is the bias weight
# and its "input" is the constant 1.  Call the weighted sum $z$.  The graph is a few products,
# a sum and the sigmoid, and the only non-trivial local derivative is the sigmoid's:
#
# $$g'(z) = g(z)\,\big(1 - g(z)\big) = f\,(1 - f),$$
#
# so once the forward pass has produced $f$, the backward pass costs almost nothing.  Each
# weight then receives $g'(z)$ times its input, and each input receives $g'(z)$ times its weight:
#
# $$\frac{\partial f}{\partial w} = f(1-f)\,(x_0,\ x_1,\ 1), \qquad
#   \frac{\partial f}{\partial x} = f(1-f)\,(w_0,\ w_1).$$
#
# `sigmoid_neuron(w, x)` takes `w` of length 3 and `x` of length 2 (arrays or plain lists — the
# tests pass both) and returns `(f, dw, dx)`.
# For the lecture's neuron, $w = (2, -3, -3)$ and $x = (-1, -2)$: $z = 1$, $f = g(1) \approx 0.73$,
# $dw \approx (-0.20, -0.39, 0.20)$ and $dx \approx (0.39, -0.59)$.

# %% solution="sigmoid_neuron"

# %% test="sigmoid_neuron" points=1
_f1 = 0.7310585786300049           # g(1)
_s1 = _f1 * (1 - _f1)              # g'(1)
_gf = 1 / (1 + np.exp(-_f1))       # g(f): what g'(f) = g(f)(1 - g(f)) would use
_sf = _gf * (1 - _gf)
ag.expect_close(sigmoid_neuron([2.0, -3.0, -3.0], [-1.0, -2.0]),
                (_f1, _s1 * np.array([-1.0, -2.0, 1.0]), _s1 * np.array([2.0, -3.0])),
                "sigmoid_neuron(w = (2, -3, -3), x = (-1, -2))",
                mistakes={"applied the sigmoid's derivative to the output f instead of to z (g'(f) instead of g'(z))":
                          (_f1, _sf * np.array([-1.0, -2.0, 1.0]), _sf * np.array([2.0, -3.0])),
                          "left out the factor (1 - f) of the sigmoid's derivative g'(z) = f (1 - f)":
                          (_f1, _f1 * np.array([-1.0, -2.0, 1.0]), _f1 * np.array([2.0, -3.0])),
                          "gave the bias weight w2 a zero gradient (its input is the constant 1, so its gradient is g'(z))":
                          (_f1, _s1 * np.array([-1.0, -2.0, 0.0]), _s1 * np.array([2.0, -3.0])),
                          "swapped w and x in the gradients (a weight's gradient uses its input, an input's gradient "
                          "its weight)": (_f1, _s1 * np.array([2.0, -3.0, 1.0]), _s1 * np.array([-1.0, -2.0]))})
ag.expect_gradient(lambda v: (sigmoid_neuron(v[:3], v[3:])[0], np.concatenate(sigmoid_neuron(v[:3], v[3:])[1:])),
                   np.array([0.5, -1.2, 0.3, 0.8, 1.5]), "gradient (dw, dx) of the sigmoid neuron")

# %% cases="sigmoid_neuron"
rng = np.random.default_rng(302)
case(np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0]))
for scale in (0.5, 1.0, 2.0):
    case(rng.normal(scale=scale, size=3), rng.normal(size=2))
case([1.5, 0.5, -1.0], [0.25, -2.0])
case(np.array([40.0, 30.0, 5.0]), np.array([1.0, 1.0]), _label="sigmoid_neuron(saturated neuron, z = 75)")


def _neuron(w, x, s_of=None, bias_input=1.0, swap=False):
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    f = sigmoid(z)
    s = f * (1 - f) if s_of is None else s_of(z, f)
    if swap:
        return f, s * np.array([w[0], w[1], bias_input]), s * x
    return f, s * np.array([x[0], x[1], bias_input]), s * w[:2]


mistake("applied the sigmoid's derivative to the output f instead of to z (g'(f) instead of g'(z))",
        lambda w, x: _neuron(w, x, s_of=lambda z, f: sigmoid_gradient(f)))
mistake("left out the factor (1 - f) of the sigmoid's derivative g'(z) = f (1 - f)",
        lambda w, x: _neuron(w, x, s_of=lambda z, f: f))
mistake("gave the bias weight w2 a zero gradient (its input is the constant 1, so its gradient is g'(z))",
        lambda w, x: _neuron(w, x, bias_input=0.0))
mistake("swapped w and x in the gradients (a weight's gradient uses its input, an input's gradient its weight)",
        lambda w, x: _neuron(w, x, swap=True))

# %% hidden="sigmoid_neuron" points=1
ag.score(ag.check_cases(sigmoid_neuron, ag.baked("sigmoid_neuron"), trusted=ag.trusted("sigmoid")),
         points=1)

# %% [markdown]
# ### A.3 A vector example: $f(W, x) = \lVert W x \rVert^2$
#
# With vectors and matrices nothing changes except bookkeeping.  Let $q = W x$ (shape $(p,)$)
# and $f = q \cdot q = \sum_k q_k^2$, so $\partial f / \partial q = 2q$.  Now sum the chain rule
# over every path:
#
# * $q_k = \sum_j W_{kj} x_j$ depends on $W_{ij}$ only when $k = i$, with derivative $x_j$; hence
#   $\dfrac{\partial f}{\partial W_{ij}} = 2 q_i x_j$, i.e. $\nabla_W f = 2\,q\,x^T$ (an outer product);
# * $q_k$ depends on $x_i$ through $W_{ki}$ for every $k$; hence
#   $\dfrac{\partial f}{\partial x_i} = \sum_k 2 q_k W_{ki}$, i.e. $\nabla_x f = 2\,W^T q$.
#
# **Always check shapes:** a gradient has the shape of the variable it belongs to.
# $q x^T$ is $(p, n)$ like $W$, and $W^T q$ is $(n,)$ like $x$ — if you find yourself writing
# $x q^T$ or $W q$, the shapes (or, for a square $W$, the numbers) will tell you.
#
# `squared_norm_wx(W, x)` returns `(f, dW, dx)`.  `W` and `x` may be arrays or nested lists (the tests
# pass both; `np.asarray(W, dtype=float)` handles either).  The lecture's example,
# $W = \begin{pmatrix} 0.1 & 0.5 \\ -0.3 & 0.8 \end{pmatrix}$, $x = (0.2, 0.4)$, gives
# $q = (0.22, 0.26)$, $f = 0.116$, $\nabla_W f = \begin{pmatrix} 0.088 & 0.176 \\ 0.104 & 0.208 \end{pmatrix}$
# and $\nabla_x f = (-0.112, 0.636)$.

# %% solution="squared_norm_wx"

# %% test="squared_norm_wx" points=1
_Wl, _xl = np.array([[0.1, 0.5], [-0.3, 0.8]]), np.array([0.2, 0.4])
_dq = 2 * (_Wl @ _xl)                                  # 2 q = (0.44, 0.52)
_dW, _dx = np.array([[0.088, 0.176], [0.104, 0.208]]), np.array([-0.112, 0.636])
ag.expect_close(squared_norm_wx([[0.1, 0.5], [-0.3, 0.8]], [0.2, 0.4]), (0.116, _dW, _dx),
                "squared_norm_wx(lecture W, x)",
                mistakes={"forgot to transpose W in dx (W q instead of W^T q)": (0.116, _dW, _Wl @ _dq),
                          "took the outer product in the wrong order (x q^T, the transpose of dW = 2 q x^T)":
                          (0.116, _dW.T, _dx),
                          "dropped the factor 2 of d(q . q)/dq = 2 q": (0.116, _dW / 2, _dx / 2),
                          "returned the norm ||W x|| instead of its square as f": (np.sqrt(0.116), _dW, _dx)})
_W = np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]])
_out = squared_norm_wx(_W, [0.3, -0.7])
ag.expect_shape(_out[1], (3, 2), "dW for W of shape (3, 2)")
ag.expect_shape(_out[2], (2,), "dx for x of shape (2,)")
ag.expect_gradient(lambda W: squared_norm_wx(W, [0.3, -0.7])[:2], _W, "dW of ||W x||^2, W of shape (3, 2)")
ag.expect_gradient(lambda x: squared_norm_wx(_W, x)[::2], np.array([0.3, -0.7]), "dx of ||W x||^2, W of shape (3, 2)")

# %% cases="squared_norm_wx"
rng = np.random.default_rng(303)
# Labels keep each feedback line on one line (a small matrix would print over several).
case(np.array([[0.1, 0.5], [-0.3, 0.8]]), np.array([0.2, 0.4]), _label="squared_norm_wx(the lecture's W and x)")
for p, n in [(2, 2), (3, 2), (2, 3), (4, 4), (1, 5)]:
    case(rng.normal(size=(p, n)), rng.normal(size=n), _label=f"squared_norm_wx(random W of shape {(p, n)}, x)")
case([[1.0, 2.0, 3.0]], [0.5, -1.0, 2.0])


def _sq(W, x, dx_of=None, outer_of=None, factor=2.0, norm=False):
    W, x = np.asarray(W, dtype=float), np.asarray(x, dtype=float)
    q = W @ x
    dq = factor * q
    f = np.sqrt(q @ q) if norm else q @ q
    dW = np.outer(dq, x) if outer_of is None else outer_of(dq, x)
    dx = W.T @ dq if dx_of is None else dx_of(W, dq)
    return f, dW, dx


mistake("forgot to transpose W in dx (W q instead of W^T q)", lambda W, x: _sq(W, x, dx_of=lambda W, dq: W @ dq))
mistake("took the outer product in the wrong order (x q^T, the transpose of dW = 2 q x^T)",
        lambda W, x: _sq(W, x, outer_of=lambda dq, x: np.outer(x, dq)))
mistake("dropped the factor 2 of d(q . q)/dq = 2 q", lambda W, x: _sq(W, x, factor=1.0))
mistake("returned the norm ||W x|| instead of its square as f", lambda W, x: _sq(W, x, norm=True))

# %% hidden="squared_norm_wx" points=2
ag.score(ag.check_cases(squared_norm_wx, ag.baked("squared_norm_wx")), points=2)

# %% [markdown]
# ## Part B — Activation functions and their derivatives
#
# Inside a network every unit is "weighted sum, then activation" $a = g(z)$, so the backward
# pass needs $g'(z)$ for each unit.  Four common choices:
#
# | activation | $g(z)$ | $g'(z)$ | note |
# |---|---|---|---|
# | sigmoid | $\dfrac{1}{1+e^{-z}}$ | $g(z)\,(1-g(z))$ | largest value $g'(0) = 0.25$ |
# | tanh | $\dfrac{e^{z}-e^{-z}}{e^{z}+e^{-z}}$ | $1 - \tanh^2(z)$ | largest value $1$ at $z = 0$ |
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ | no derivative at 0: we use **0** there |
# | leaky ReLU | $z$ if $z > 0$, else $\alpha z$ | $1$ if $z > 0$, else $\alpha$ | default $\alpha = 0.01$; $\alpha$ at $z = 0$ |
#
# %% [markdown]
# ### B.1 Where $g'(z) = g(z)\,(1 - g(z))$ comes from: the sigmoid, gate by gate
#
# The sigmoid is itself a small computational graph of four elementary gates:
#
# $$z \xrightarrow{\ \times(-1)\ } u_1 = -z \xrightarrow{\ \exp\ } u_2 = e^{-z}
#   \xrightarrow{\ +1\ } u_3 = 1 + e^{-z} \xrightarrow{\ 1/x\ } g = \frac{1}{u_3}.$$
#
# Each gate knows only its local derivative: $\times(-1)$ has $-1$, $\exp$ has $e^{u_1} = u_2$,
# $+1$ has $1$ and $1/x$ has $-1/u_3^2$.  The figure runs both passes at $z = 1$ (the $z$ of the
# lecture's neuron in A.2): forward values above the arrows, and below them, in red, the
# gradient $\partial g / \partial(\cdot)$ that the backward pass delivers to each value, starting
# from $\partial g / \partial g = 1$ at the output.  Multiplying the four local derivatives,
#
# $$g'(z) = \underbrace{\Big(-\frac{1}{u_3^2}\Big)}_{1/x}\cdot\underbrace{1}_{+1}\cdot
#   \underbrace{e^{-z}}_{\exp}\cdot\underbrace{(-1)}_{\times(-1)}
#   = \frac{e^{-z}}{(1 + e^{-z})^2} = \frac{1}{1 + e^{-z}}\cdot\frac{e^{-z}}{1 + e^{-z}}
#   = g(z)\,\big(1 - g(z)\big),$$
#
# since $\frac{e^{-z}}{1 + e^{-z}} = 1 - \frac{1}{1 + e^{-z}}$.  At $z = 1$ the backward pass ends with
# $0.197$ at the input, and indeed $g(1)(1 - g(1)) = 0.731 \times 0.269 = 0.197$: the forward value
# $g$ is all the backward pass needs, which is why `sigmoid_gradient` can be written with `sigmoid`.

# %%
def draw_chain(ax, labels, values, grads, locals_, title):
    """Draw a chain of gates left to right: forward values above each arrow, gradients below (red)."""
    n = len(labels)
    for i, (label, local) in enumerate(zip(labels, locals_)):
        x = 1.6 * (i + 1)
        ax.add_patch(plt.Circle((x, 0), 0.42, fc="#e8eef8", ec="#34558b", lw=1.5))
        ax.text(x, 0, label, ha="center", va="center", fontsize=11)
        ax.text(x, -0.75, f"local: {local}", ha="center", va="top", fontsize=8.5, color="#555555")
    for i in range(n + 1):  # arrow i goes from node i-1 (or the input) to node i (or the output)
        x0, x1 = 1.6 * i + (0.42 if i else 0.1), 1.6 * (i + 1) - (0.42 if i < n else -0.2)
        ax.annotate("", xy=(x1, 0), xytext=(x0, 0), arrowprops=dict(arrowstyle="->", lw=1.4))
        xm = (x0 + x1) / 2
        ax.text(xm, 0.16, f"{values[i]:.3f}", ha="center", va="bottom", color="#1b7a3a", fontsize=10)
        ax.text(xm, -0.16, f"{grads[i]:.3f}", ha="center", va="top", color="#c0392b", fontsize=10)
    ax.text(0.0, 0.55, "forward value", color="#1b7a3a", fontsize=9)
    ax.text(0.0, -0.55, "gradient dg/d(.)", color="#c0392b", fontsize=9, va="top")
    ax.set(xlim=(-0.2, 1.6 * (n + 1) + 0.4), ylim=(-1.3, 1.0), title=title)
    ax.set_aspect("equal")
    ax.axis("off")


_z = 1.0
_u1 = -_z
_u2 = np.exp(_u1)
_u3 = 1.0 + _u2
_g = 1.0 / _u3
# Backward: start with dg/dg = 1 and multiply by each gate's local derivative, right to left.
_dg_du3 = 1.0 * (-1.0 / _u3 ** 2)
_dg_du2 = _dg_du3 * 1.0
_dg_du1 = _dg_du2 * np.exp(_u1)
_dg_dz = _dg_du1 * (-1.0)
fig, ax = plt.subplots(figsize=(10, 2.8))
draw_chain(ax, ["×(−1)", "exp", "+1", "1/x"], [_z, _u1, _u2, _u3, _g],
           [_dg_dz, _dg_du1, _dg_du2, _dg_du3, 1.0], ["−1", "e^u = u₂", "1", "−1/u₃²"],
           "the sigmoid at z = 1: g(1) = 0.731, and the backward pass gives g'(1) = 0.197")
plt.show()
print(f"gate by gate: g'(1) = {_dg_dz:.6f};  g(1) (1 - g(1)) = {_g * (1 - _g):.6f}")

# %% [markdown]
# ### B.2 The derivatives in code
#
# **Take the derivative at $z$.**  The formulas $a(1-a)$ and $1-a^2$ are written with the
# *activation* $a = g(z)$.  A very common bug is to feed them (or `sigmoid_gradient`) the wrong
# quantity: `z * (1 - z)`, or `sigmoid_gradient(a)` where `a` is already an activation.
# The functions below take the pre-activation `z`.
#
# All functions work elementwise on arrays of any shape, on plain numbers and on (nested)
# lists — the tests pass all three — and must not emit warnings at $z = \pm 1000$.

# %% solution="sigmoid_gradient"

# %% test="sigmoid_gradient" points=1
_zs = np.array([-1.0, 1.0])
_gs = 1 / (1 + np.exp(-_zs))   # g(-1), g(1)
ag.expect_close(sigmoid_gradient(0.0), 0.25, "sigmoid_gradient(0)",
                mistakes={"applied the formula a(1 - a) to z itself, z(1 - z): it needs the activation a = g(z)": 0.0,
                          "used 1 - g(z)^2, the form of tanh's derivative, instead of g(z)(1 - g(z))": 0.75,
                          "mixed the two: g(z)(1 - z) instead of g(z)(1 - g(z)) (or returned g(z) itself)": 0.5})
ag.expect_close(sigmoid_gradient(_zs), [0.19661193324148185, 0.19661193324148185], "sigmoid_gradient([-1, 1])",
                mistakes={"applied the formula a(1 - a) to z itself, z(1 - z): it needs the activation a = g(z)":
                          _zs * (1 - _zs),
                          "mixed the two: g(z)(1 - z) instead of g(z)(1 - g(z))": _gs * (1 - _zs),
                          "used 1 - g(z)^2, the form of tanh's derivative, instead of g(z)(1 - g(z))": 1 - _gs ** 2,
                          "returned g(z) itself instead of its derivative": _gs,
                          "flipped the sign: -g(z)(1 - g(z))": -_gs * (1 - _gs)})
ag.expect_shape(sigmoid_gradient(np.zeros((2, 3))), (2, 3), "sigmoid_gradient(np.zeros((2, 3)))")
ag.expect_close(ag.expect_no_warnings(sigmoid_gradient, np.array([-1000.0, 1000.0])), [0.0, 0.0],
                "sigmoid_gradient([-1000, 1000])")

# %% cases="sigmoid_gradient"
rng = np.random.default_rng(304)
case(0.0)
case(np.array([-1000.0, -40.0, -5.0, -1.0, -0.1, 0.0, 0.1, 1.0, 5.0, 40.0, 1000.0]))
case(rng.normal(scale=3.0, size=(3, 4)))
case([[2.0, -2.0]])
mistake("applied the formula a(1 - a) to z itself, z(1 - z): it needs the activation a = g(z)",
        lambda z: np.asarray(z, dtype=float) * (1 - np.asarray(z, dtype=float)))
mistake("mixed the two: g(z)(1 - z) instead of g(z)(1 - g(z))",
        lambda z: sigmoid(z) * (1 - np.asarray(z, dtype=float)))
mistake("used 1 - g(z)^2, the form of tanh's derivative, instead of g(z)(1 - g(z))",
        lambda z: 1 - sigmoid(z) ** 2)
mistake("returned g(z) itself instead of its derivative", lambda z: sigmoid(z))

# %% hidden="sigmoid_gradient" points=1
ag.score(ag.check_cases(sigmoid_gradient, ag.baked("sigmoid_gradient"), trusted=ag.trusted("sigmoid"), stable=True),
         points=1)

# %% [markdown]
# `tanh_gradient(z)` is $1 - \tanh^2(z)$ (use `np.tanh`).

# %% solution="tanh_gradient"

# %% test="tanh_gradient" points=1
_t = np.tanh(_zs)
ag.expect_close(tanh_gradient(0.0), 1.0, "tanh_gradient(0)",
                mistakes={"used the sigmoid's form tanh(z)(1 - tanh(z)) instead of 1 - tanh(z)^2 (or returned tanh(z) "
                          "itself)": 0.0})
ag.expect_close(tanh_gradient(_zs), [0.41997434161402614, 0.41997434161402614], "tanh_gradient([-1, 1])",
                mistakes={"forgot to square tanh: 1 - tanh(z)": 1 - _t,
                          "applied the formula 1 - a^2 to z itself, 1 - z^2: it needs the activation a = tanh(z)":
                          1 - _zs ** 2,
                          "used the sigmoid's form tanh(z)(1 - tanh(z)) instead of 1 - tanh(z)^2": _t * (1 - _t),
                          "wrote 1 + tanh(z)^2 (the derivative of tanh is 1 - tanh(z)^2)": 1 + _t ** 2})
ag.expect_close(ag.expect_no_warnings(tanh_gradient, np.array([-1000.0, 1000.0])), [0.0, 0.0],
                "tanh_gradient([-1000, 1000])")

# %% cases="tanh_gradient"
rng = np.random.default_rng(305)
case(0.0)
case(np.array([-1000.0, -20.0, -2.0, -0.5, 0.0, 0.5, 2.0, 20.0, 1000.0]))
case(rng.normal(scale=2.0, size=(4, 3)))
mistake("forgot to square tanh: 1 - tanh(z)", lambda z: 1 - np.tanh(z))
mistake("applied the formula 1 - a^2 to z itself, 1 - z^2: it needs the activation a = tanh(z)",
        lambda z: 1 - np.asarray(z, dtype=float) ** 2)
mistake("used the sigmoid's form tanh(z)(1 - tanh(z)) instead of 1 - tanh(z)^2",
        lambda z: np.tanh(z) * (1 - np.tanh(z)))
mistake("wrote 1 + tanh(z)^2 (the derivative of tanh is 1 - tanh(z)^2)", lambda z: 1 + np.tanh(z) ** 2)
mistake("returned tanh(z) itself instead of its derivative", lambda z: np.tanh(z))

# %% hidden="tanh_gradient" points=1
ag.score(ag.check_cases(tanh_gradient, ag.baked("tanh_gradient"), stable=True), points=1)

# %% [markdown]
# `relu(z)` is $\max(0, z)$ **elementwise** — careful, `np.max` reduces a whole array to one
# number; the elementwise function is `np.maximum`.

# %% solution="relu"

# %% test="relu" points=1
ag.expect_close(relu(np.array([-2.0, -0.5, 0.0, 0.5, 2.0])), [0.0, 0.0, 0.0, 0.5, 2.0], "relu([-2, -0.5, 0, 0.5, 2])",
                mistakes={"used np.max, which reduces the array to its largest value, instead of the elementwise "
                          "np.maximum": 2.0,
                          "kept the negative part, min(z, 0), instead of max(z, 0)": [-2.0, -0.5, 0.0, 0.0, 0.0],
                          "returned the step 1[z > 0] (ReLU's derivative) instead of max(z, 0)": [0.0, 0.0, 0.0, 1.0, 1.0],
                          "returned |z| instead of max(z, 0)": [2.0, 0.5, 0.0, 0.5, 2.0]})
ag.expect_shape(relu(np.ones((3, 2))), (3, 2), "relu(np.ones((3, 2)))")

# %% cases="relu"
rng = np.random.default_rng(306)
case(np.array([-1000.0, -3.0, -0.5, 0.0, 0.5, 3.0, 1000.0]))
case(rng.normal(size=(3, 4)))
case(-2.0)
case(2.5)
mistake("used np.max, which reduces the array to its largest value, instead of the elementwise np.maximum",
        lambda z: np.max(np.asarray(z, dtype=float), 0))
mistake("kept the negative part, min(z, 0), instead of max(z, 0)", lambda z: np.minimum(np.asarray(z, dtype=float), 0))
mistake("returned the step 1[z > 0] (ReLU's derivative) instead of max(z, 0)",
        lambda z: (np.asarray(z, dtype=float) > 0).astype(float))
mistake("returned |z| instead of max(z, 0)", lambda z: np.abs(np.asarray(z, dtype=float)))

# %% hidden="relu" points=1
ag.score(ag.check_cases(relu, ag.baked("relu")), points=1)

# %% [markdown]
# `relu_gradient(z)` is 1 where $z > 0$ and **0 where $z \le 0$** (including $z = 0$ exactly).

# %% solution="relu_gradient"

# %% test="relu_gradient" points=1
ag.expect_close(relu_gradient(np.array([-2.0, -0.5, 0.0, 0.5, 2.0])), [0.0, 0.0, 0.0, 1.0, 1.0],
                "relu_gradient([-2, -0.5, 0, 0.5, 2])",
                mistakes={"gave the gradient 1 at z = 0 (z >= 0); the course's convention is 0 there": [0.0, 0.0, 1.0, 1.0, 1.0],
                          "returned relu(z) instead of its derivative": [0.0, 0.0, 0.0, 0.5, 2.0],
                          "swapped the two sides: 1 for negative z and 0 for positive z": [1.0, 1.0, 0.0, 0.0, 0.0]})
ag.expect_shape(relu_gradient(np.ones((3, 2))), (3, 2), "relu_gradient(np.ones((3, 2)))")

# %% cases="relu_gradient"
rng = np.random.default_rng(307)
case(np.array([-1000.0, -3.0, -1e-9, 0.0, 1e-9, 3.0, 1000.0]))
case(np.where(rng.random((4, 3)) < 0.3, 0.0, rng.normal(size=(4, 3))))
case(0.0)
case(2.5)
mistake("gave the gradient 1 at z = 0 (z >= 0); the course's convention is 0 there",
        lambda z: (np.asarray(z, dtype=float) >= 0).astype(float))
mistake("returned relu(z) instead of its derivative", lambda z: np.maximum(np.asarray(z, dtype=float), 0))
mistake("swapped the two sides: 1 for negative z and 0 for positive z",
        lambda z: (np.asarray(z, dtype=float) < 0).astype(float))

# %% hidden="relu_gradient" points=1
ag.score(ag.check_cases(relu_gradient, ag.baked("relu_gradient"), trusted=ag.trusted("relu")), points=1)

# %% [markdown]
# `leaky_relu(z, alpha=0.01)` keeps a small slope $\alpha$ on the negative side, so a unit with
# $z < 0$ still passes some gradient back; `leaky_relu_gradient(z, alpha=0.01)` is 1 for
# $z > 0$ and $\alpha$ for $z \le 0$.  Use the `alpha` argument — the tests pass other values.

# %% solution="leaky_relu"

# %% test="leaky_relu" points=1
_z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
for _alpha, _want in [(0.01, [-0.02, -0.005, 0.0, 0.5, 2.0]), (0.2, [-0.4, -0.1, 0.0, 0.5, 2.0])]:
    ag.expect_close(leaky_relu(_z, alpha=_alpha), _want, f"leaky_relu([-2, -0.5, 0, 0.5, 2], alpha={_alpha})",
                    mistakes={"put alpha on the wrong side (scaled the positive part)": np.where(_z > 0, _alpha * _z, _z),
                              "took max(alpha, z), comparing z with alpha instead of scaling it": np.maximum(_alpha, _z),
                              "ignored the alpha argument (always used 0.01)": np.where(_z > 0, _z, 0.01 * _z),
                              "returned 0 for negative z (plain ReLU) instead of alpha z": np.maximum(_z, 0.0)})

# %% cases="leaky_relu"
rng = np.random.default_rng(308)
_z = np.array([-1000.0, -3.0, -0.5, 0.0, 0.5, 3.0, 1000.0])
case(_z)
case(_z, alpha=0.2)
case(rng.normal(size=(3, 4)), 0.3)
case(-2.0, alpha=0.05)
case(rng.normal(size=6), alpha=0.0)
mistake("put alpha on the wrong side (scaled the positive part)",
        lambda z, alpha=0.01: np.where(np.asarray(z) > 0, alpha * np.asarray(z, dtype=float), z))
mistake("took max(alpha, z), comparing z with alpha instead of scaling it",
        lambda z, alpha=0.01: np.maximum(alpha, np.asarray(z, dtype=float)))
mistake("ignored the alpha argument (always used 0.01)",
        lambda z, alpha=0.01: np.where(np.asarray(z) > 0, z, 0.01 * np.asarray(z, dtype=float)))
mistake("returned 0 for negative z (plain ReLU) instead of alpha z",
        lambda z, alpha=0.01: np.maximum(np.asarray(z, dtype=float), 0.0))

# %% hidden="leaky_relu" points=1
ag.score(ag.check_cases(leaky_relu, ag.baked("leaky_relu"), trusted=ag.trusted("relu")), points=1)

# %% solution="leaky_relu_gradient"

# %% test="leaky_relu_gradient" points=1
_z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
for _alpha in (0.01, 0.2):
    ag.expect_close(leaky_relu_gradient(_z, alpha=_alpha), [_alpha, _alpha, _alpha, 1.0, 1.0],
                    f"leaky_relu_gradient([-2, -0.5, 0, 0.5, 2], alpha={_alpha})",
                    mistakes={"put alpha on the wrong side (slope alpha for positive z, 1 for negative z)":
                              np.where(_z > 0, _alpha, 1.0),
                              "returned alpha * z (a value) instead of the slope alpha for negative z":
                              np.where(_z > 0, 1.0, _alpha * _z),
                              "returned 0 for negative z (the plain ReLU gradient) instead of alpha":
                              np.where(_z > 0, 1.0, 0.0),
                              "ignored the alpha argument (always used 0.01)": np.where(_z > 0, 1.0, 0.01),
                              "gave the slope 1 at z = 0 (z >= 0); the convention is alpha there":
                              np.where(_z >= 0, 1.0, _alpha)})

# %% cases="leaky_relu_gradient"
rng = np.random.default_rng(309)
_z = np.array([-1000.0, -3.0, -0.5, 0.0, 0.5, 3.0, 1000.0])
case(_z)
case(_z, alpha=0.2)
case(np.where(rng.random((3, 4)) < 0.3, 0.0, rng.normal(size=(3, 4))), 0.3)
case(-2.0, alpha=0.05)
mistake("put alpha on the wrong side (slope alpha for positive z, 1 for negative z)",
        lambda z, alpha=0.01: np.where(np.asarray(z) > 0, alpha, 1.0))
mistake("returned alpha * z (a value) instead of the slope alpha for negative z",
        lambda z, alpha=0.01: np.where(np.asarray(z) > 0, 1.0, alpha * np.asarray(z, dtype=float)))
mistake("returned 0 for negative z (the plain ReLU gradient) instead of alpha",
        lambda z, alpha=0.01: np.where(np.asarray(z) > 0, 1.0, 0.0))
mistake("ignored the alpha argument (always used 0.01)", lambda z, alpha=0.01: np.where(np.asarray(z) > 0, 1.0, 0.01))
mistake("gave the slope 1 at z = 0 (z >= 0); the convention is alpha there",
        lambda z, alpha=0.01: np.where(np.asarray(z) >= 0, 1.0, alpha))

# %% hidden="leaky_relu_gradient" points=1
ag.score(ag.check_cases(leaky_relu_gradient, ag.baked("leaky_relu_gradient"), trusted=ag.trusted("relu_gradient")),
         points=1)

# %% [markdown]
# The picture below shows why the sigmoid is a poor choice for deep hidden layers: its
# derivative never exceeds 0.25 and is practically 0 once $|z| > 5$ — every sigmoid layer the
# error passes through multiplies it by at most 0.25.  ReLU passes the gradient unchanged
# wherever the unit is active.

# %%
try:
    _zz = np.linspace(-5, 5, 401)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    for name, g, dg, style in [("sigmoid", sigmoid, sigmoid_gradient, "-"), ("tanh", np.tanh, tanh_gradient, "-"),
                               ("ReLU", relu, relu_gradient, "-"),
                               ("leaky ReLU (alpha = 0.1)", lambda z: leaky_relu(z, 0.1),
                                lambda z: leaky_relu_gradient(z, 0.1), "--")]:
        axes[0].plot(_zz, g(_zz), style, label=name)
        axes[1].plot(_zz, dg(_zz), style, label=name)
    axes[0].set(title="activation g(z)", xlabel="z", ylim=(-1.5, 3))
    axes[1].set(title="derivative g'(z)", xlabel="z", ylim=(-0.1, 1.1))
    axes[1].axhline(0.25, color="gray", lw=0.8, ls=":")
    axes[0].legend()
    plt.show()
except NotImplementedError:
    plt.close("all")
    print("Implement the activation functions of Part B to see this figure.")

# %% [markdown]
# ## Part C — Backpropagation in a network
#
# ### C.1 Forward propagation that remembers every layer
#
# Notation: the formulas number layers from 1 like the lectures ($l = 1, \dots, L$); Python
# indexes from 0.  One convention for the whole course: **`thetas[k]` is the lectures'
# $\Theta^{(k+1)}$, of shape `(layer_sizes[k+1], layer_sizes[k] + 1)`**, and likewise `a[k]` is
# $a^{(k+1)}$.  In the table, $k = l - 1$ and `s = layer_sizes` (so $s_l$ = `s[k]`):
#
# | formula (1-based) | Python (0-based, $k = l - 1$) | shape (rows = examples) |
# |---|---|---|
# | $a^{(1)} = [1, x]$, the input with its bias unit | `a[0]` | `(m, s[0] + 1)` |
# | $\Theta^{(l)}$, weights from layer $l$ to $l+1$ | `thetas[k]` | `(s[k+1], s[k] + 1)` |
# | $z^{(l+1)} = \Theta^{(l)} a^{(l)}$, one example as a column | `z = a[k] @ thetas[k].T` | `(m, s[k+1])` |
# | $a^{(l+1)} = [1, g(z^{(l+1)})]$ for a hidden layer | `a[k + 1]` | `(m, s[k+1] + 1)` |
# | $a^{(L)} = g(z^{(L)})$, the output (no bias unit) | `a[-1]`, i.e. `a[L - 1]` | `(m, s[-1])` |
#
# With one example per **row**, $\Theta a$ for every example at once becomes `a @ theta.T`.
# `forward_propagation(thetas, X)` returns the list `a` of length $L$ (number of layers,
# input and output included).  `thetas` and `X` may also be given as nested lists (the tests
# pass them that way too).  Lesson 01's `feedforward` returned only `a[-1]`; backprop needs
# the whole list, because every gradient uses the activations of the layer below it.
#
# The two helpers below (given) turn `thetas` into float matrices while checking that their
# shapes fit together, and turn labels into one-hot targets with a shape check; the reference
# solutions use them, and you may too (`LOSSES` lists the loss names `backprop` accepts).

# %% given="LOSSES _network _targets"

# %% solution="forward_propagation"

# %% test="forward_propagation" points=1
_thetas = [np.array([[0.1, 0.2, -0.3], [-0.4, 0.5, 0.6]]), np.array([[0.7, -0.8, 0.9]])]
_X = np.array([[1.0, 2.0], [-1.0, 0.5]])
# Written out layer by layer for this 2-2-1 network:
_a1 = np.column_stack([np.ones(2), _X])
_a2 = np.column_stack([np.ones(2), sigmoid(_a1 @ _thetas[0].T)])
_a3 = sigmoid(_a2 @ _thetas[1].T)
_a = forward_propagation(_thetas, _X)
ag.expect_close(len(_a), 3, "len(forward_propagation(...)) for a network with 3 layers")
_a2s = sigmoid(np.column_stack([np.ones(2), _a1 @ _thetas[0].T]))   # bias unit passed through g
ag.expect_close(_a, [_a1, _a2, _a3], "forward_propagation on a 2-2-1 network",
                mistakes={"passed the bias unit through the sigmoid (the hidden bias column holds g(1) = 0.73 instead "
                          "of 1)": [_a1, _a2s, sigmoid(_a2s @ _thetas[1].T)],
                          "added a bias column to the output layer too": [_a1, _a2, np.column_stack([np.ones(2), _a3])],
                          "stored a[0] = X without its bias column": [_X, _a2, _a3],
                          "left the output layer linear (no sigmoid on z of the last layer)":
                          [_a1, _a2, _a2 @ _thetas[1].T]})
ag.expect_close([np.shape(a_l) for a_l in forward_propagation([np.zeros((4, 3)), np.zeros((3, 5))], np.ones((7, 2)))],
                [(7, 3), (7, 5), (7, 3)], "shapes of a for a 2-4-3 network and m = 7")

# %% cases="forward_propagation"
rng = np.random.default_rng(310)
for sizes, m in [([2, 3, 4], 5), ([3, 4, 4, 4], 6), ([4, 2], 3), ([3, 5, 3], 1), ([2, 3, 3, 3, 2], 4)]:
    thetas = [rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]
    case(thetas, rng.normal(size=(m, sizes[0])))
case([t.tolist() for t in thetas], rng.normal(size=(2, 2)).tolist(),
     _label="forward_propagation(2-3-3-3-2 network and X (2, 2) given as nested lists)")
case([50.0 * rng.normal(size=(4, 4)), 50.0 * rng.normal(size=(2, 5))], rng.normal(size=(5, 3)),
     _label="forward_propagation(saturated 3-4-2 network, weights ~ +-50)")


def _fp(thetas, X, *, bias_through_sigmoid=False, output_bias=False, no_input_bias=False, linear_output=False):
    a = [add_bias(X)]
    for l, t in enumerate(thetas):
        z = a[-1] @ np.asarray(t, dtype=float).T
        last = l == len(thetas) - 1
        if last:
            h = z if linear_output else sigmoid(z)
            a.append(add_bias(h) if output_bias else h)
        else:
            a.append(sigmoid(add_bias(z)) if bias_through_sigmoid else add_bias(sigmoid(z)))
    if no_input_bias:
        a[0] = np.asarray(X, dtype=float)
    return a


mistake("passed the bias unit through the sigmoid (the hidden bias column holds g(1) = 0.73 instead of 1)",
        lambda thetas, X: _fp(thetas, X, bias_through_sigmoid=True))
mistake("added a bias column to the output layer too", lambda thetas, X: _fp(thetas, X, output_bias=True))
mistake("stored a[0] = X without its bias column", lambda thetas, X: _fp(thetas, X, no_input_bias=True))
mistake("left the output layer linear (no sigmoid on z of the last layer)",
        lambda thetas, X: _fp(thetas, X, linear_output=True))

# %% hidden="forward_propagation" points=2
ag.score(ag.check_cases(forward_propagation, ag.baked("forward_propagation"), trusted=ag.trusted("sigmoid add_bias")),
         points=2)

# %% [markdown]
# ### C.2 Deriving backpropagation
#
# Take one example $(x, y)$ and write $J$ for its cost (the mean over examples and the
# regularization come at the end).  Define the **error** of unit $j$ in layer $l$ as the
# derivative of the cost with respect to that unit's *pre-activation*:
#
# $$\delta^{(l)}_j = \frac{\partial J}{\partial z^{(l)}_j}.$$
#
# Everything follows from three uses of the chain rule.
#
# **1. Weight gradients come from deltas.**  $\Theta^{(l)}_{ij}$ enters the cost only through
# $z^{(l+1)}_i = \sum_j \Theta^{(l)}_{ij} a^{(l)}_j$, whose derivative with respect to it is
# $a^{(l)}_j$.  So
#
# $$\frac{\partial J}{\partial \Theta^{(l)}_{ij}} = \delta^{(l+1)}_i\, a^{(l)}_j
#   \qquad\text{i.e.}\qquad \nabla_{\Theta^{(l)}} J = \delta^{(l+1)}\,\big(a^{(l)}\big)^T,$$
#
# the same outer-product pattern as $\nabla_W \lVert Wx \rVert^2 = 2 q x^T$ in A.3.  Column 0
# (the bias weights) multiplies $a^{(l)}_0 = 1$, so its gradient is just $\delta^{(l+1)}$.
#
# **2. The output delta depends on the loss.**  With the sigmoid output $a^{(L)} = g(z^{(L)})$:
#
# * **cross-entropy** $J = -\sum_k \big[y_k \log a_k + (1 - y_k) \log(1 - a_k)\big]$:
#   $\dfrac{\partial J}{\partial a_k} = \dfrac{a_k - y_k}{a_k (1 - a_k)}$, and multiplying by
#   $g'(z_k) = a_k(1 - a_k)$ cancels the denominator:
#   $$\delta^{(L)} = a^{(L)} - y;$$
# * **squared error** $E = \tfrac12 \lVert a^{(L)} - y \rVert^2$: $\partial E/\partial a_k = a_k - y_k$
#   and nothing cancels:
#   $$\delta^{(L)} = \big(a^{(L)} - y\big) \odot g'\big(z^{(L)}\big).$$
#   When an output saturates on the wrong side ($a \approx 0$, $y = 1$) the factor $g'(z) \approx 0$
#   nearly stops learning — one reason cross-entropy is preferred for classification.
#
# **3. Hidden deltas flow backwards.**  A hidden unit $z^{(l)}_j$ affects the cost through its
# activation $a^{(l)}_j = g(z^{(l)}_j)$, which feeds every unit $i$ of the next layer with weight
# $\Theta^{(l)}_{ij}$.  Summing over those paths,
#
# $$\delta^{(l)}_j = \Big(\sum_i \Theta^{(l)}_{ij}\, \delta^{(l+1)}_i\Big)\, g'\big(z^{(l)}_j\big)
#   \qquad\text{i.e.}\qquad
#   \delta^{(l)} = \Big(\big(\Theta^{(l)}_{:,1:}\big)^T \delta^{(l+1)}\Big) \odot g'\big(z^{(l)}\big).$$
#
# **Why the bias column is dropped here.**  $\big(\Theta^{(l)}\big)^T \delta^{(l+1)}$ has one
# entry per unit of layer $l$ *including* the bias unit $a^{(l)}_0$.  But the bias unit is the
# constant 1: it has no pre-activation $z^{(l)}_0$, nothing below it influences it, so there is
# no $\delta^{(l)}_0$ to compute or to pass further down.  Using only columns $1, 2, \dots$ of
# $\Theta^{(l)}$ (or computing the full product and discarding entry 0) does exactly that.
# No delta is computed for the input layer either: the inputs are data, not weights.
#
# **All examples at once.**  Stack the per-example deltas as rows: $\delta^{(l+1)}$ becomes an
# `(m, s[k+1])` matrix and $a^{(l)}$ = `a[k]` is `(m, s[k] + 1)` (as in C.1, $k = l - 1$ and
# `s = layer_sizes`).  The sum over examples of the outer products $\delta^{(l+1)} (a^{(l)})^T$ is
# one matrix product, `delta.T @ a[k]`, of shape `(s[k+1], s[k] + 1)` like `thetas[k]` $= \Theta^{(l)}$,
# and the backward step from $\delta^{(l+1)}$ to $\delta^{(l)}$ (for $l \ge 2$, i.e. $k \ge 1$) becomes
# `delta = (delta @ thetas[k][:, 1:]) * g'(z)` with $z = z^{(l)}$ = `a[k - 1] @ thetas[k - 1].T`.
#
# **Mean and regularization.**  The cost is the mean over the $m$ examples plus
# $\frac{\lambda}{2m} \sum \Theta_{ij}^2$ over the non-bias columns, so
#
# $$D^{(l)} = \frac{1}{m} \sum_{\text{examples}} \delta^{(l+1)} \big(a^{(l)}\big)^T
#   + \frac{\lambda}{m} \big[\,0 \;\big|\; \Theta^{(l)}_{:,1:}\big],$$
#
# with $\lambda / m$ (the 2 of the square cancels the $\tfrac12$) and **nothing added to column 0**.

# %% [markdown]
# The picture below puts the bookkeeping of C.1 and C.2 on one 3-4-3 network (the size the
# tests of `backprop` use), for $m$ examples stored as rows.  Forward (black): each layer's
# $z$ is the layer below times $\Theta^T$, and its $a$ is $g(z)$ with a bias column in front
# (not for the output).  Backward (red): $\delta^{(3)} = a^{(3)} - Y$ at the output, then
# $\delta^{(2)}$ through $\Theta^{(2)}$ without its bias column.  Each gradient is
# "$\delta$ of the layer above, transposed, times $a$ of the layer below", so it has the shape of its $\Theta$;
# no $\delta$ exists for a bias unit or for the inputs.

# %%
def draw_network(ax, sizes, layer_notes, link_notes):
    """Units of each layer in a column (bias unit "+1" on top of every layer but the last), all links drawn."""
    xs = [5.0 * k for k in range(len(sizes))]
    ys = []
    for k, s in enumerate(sizes):
        n = s + (1 if k < len(sizes) - 1 else 0)
        ys.append(np.linspace(0.9 * (n - 1) / 2, -0.9 * (n - 1) / 2, n))
    for k in range(len(sizes) - 1):  # a link into every non-bias unit of the next layer
        first = 1 if k + 1 < len(sizes) - 1 else 0
        for y0 in ys[k]:
            for y1 in ys[k + 1][first:]:
                ax.plot([xs[k], xs[k + 1]], [y0, y1], color="#b8c4d6", lw=0.7, zorder=1)
    bottom = min(col[-1] for col in ys) - 0.6
    for k, (x, col) in enumerate(zip(xs, ys)):
        for j, y in enumerate(col):
            bias = j == 0 and k < len(sizes) - 1
            ax.add_patch(plt.Circle((x, y), 0.26, fc="#fdf2d0" if bias else "#e8eef8", ec="#34558b", zorder=2))
            ax.text(x, y, "+1" if bias else "", ha="center", va="center", fontsize=8, zorder=3)
        ax.text(x, bottom, layer_notes[k], ha="center", va="top", fontsize=9, linespacing=1.5)
    for k, note in enumerate(link_notes):
        ax.text((xs[k] + xs[k + 1]) / 2, max(col[0] for col in ys) + 0.5, note, ha="center", va="bottom", fontsize=9,
                linespacing=1.5)
    top = max(col[0] for col in ys) + 2.3
    ax.annotate("", xy=(xs[-1], top), xytext=(xs[0], top), arrowprops=dict(arrowstyle="->", lw=1.2))
    ax.text(xs[-1] / 2, top + 0.1, "forward: z = a Θᵀ, a = [1, g(z)]", ha="center", va="bottom", fontsize=9)
    ax.annotate("", xy=(xs[1], top - 0.45), xytext=(xs[-1], top - 0.45),
                arrowprops=dict(arrowstyle="->", lw=1.2, color="#c0392b"))
    ax.text((xs[1] + xs[-1]) / 2, top - 0.55, "backward: δ", ha="center", va="top", fontsize=9, color="#c0392b")
    ax.set(xlim=(xs[0] - 2.2, xs[-1] + 2.4), ylim=(bottom - 2.4, top + 0.6))
    ax.set_aspect("equal")
    ax.axis("off")


fig, ax = plt.subplots(figsize=(11, 6.5))
draw_network(ax, [3, 4, 3],
             ["layer 1 (input)\na⁽¹⁾ = a[0]: (m, 4)\n(X with its bias column)",
              "layer 2 (hidden)\nz⁽²⁾ = a[0] @ thetas[0].T: (m, 4)\na⁽²⁾ = a[1] = [1, g(z⁽²⁾)]: (m, 5)\n"
              "δ⁽²⁾ = (δ⁽³⁾ @ thetas[1][:, 1:]) * g'(z⁽²⁾): (m, 4)",
              "layer 3 (output)\nz⁽³⁾ = a[1] @ thetas[1].T: (m, 3)\na⁽³⁾ = a[2] = g(z⁽³⁾): (m, 3)\nδ⁽³⁾ = a⁽³⁾ − Y: (m, 3)"],
             ["Θ⁽¹⁾ = thetas[0]: (4, 4)\ngrads[0] = δ⁽²⁾ᵀ a⁽¹⁾ / m: (4, 4)",
              "Θ⁽²⁾ = thetas[1]: (3, 5)\ngrads[1] = δ⁽³⁾ᵀ a⁽²⁾ / m: (3, 5)"])
ax.set_title("a 3-4-3 network with m examples: what backprop computes, and the shapes")
plt.show()

# %% [markdown]
# **Quiz C (1 point).**  In the derivation above, $\delta^{(l)}_j$ is the derivative of the cost with
# respect to which quantity?
#
# (a) the activation $a^{(l)}_j$ of unit $j$ in layer $l$; (b) the pre-activation $z^{(l)}_j$ of that
# unit; (c) the weight $\Theta^{(l)}_{ij}$; (d) the target $y_j$.
#
# Answer with a letter: `QUIZ_C = "..."`.

# %% solution="QUIZ_C"

# %% hidden="QUIZ_C" points=1
r = ag.Result("QUIZ_C")
answer = ag.student("QUIZ_C")
if ag.GRADER:
    r.check_answer(answer, ag.reference("QUIZ_C")["QUIZ_C"],
                   why="delta is dJ/dz: the pre-activation is where g'(z) enters, and the weight gradient "
                       "dJ/dTheta_ij = delta_i a_j follows from it.")
ag.score(r, points=1)

# %% [markdown]
# ### C.3 `backprop` — vectorized over the examples
#
# `backprop(thetas, X, y, lam, loss="cross_entropy")` returns `(J, grads)` where `grads[k]` has
# the shape of `thetas[k]` and holds $D^{(k+1)} = \partial J / \partial \Theta^{(k+1)}$.  Labels `y` are
# integers `0..K-1` with `K = thetas[-1].shape[0]`; use `one_hot`.  `thetas`, `X` and `y` may be
# given as (nested) lists — the tests pass them that way too — and `grads` is a list of arrays.  The two losses (plus `l2_penalty(thetas, lam, m)` in both cases):
#
# * `"cross_entropy"`: $J = -\frac1m \sum_{i,k} \big[Y_{ik} \log a^{(L)}_{ik} + (1 - Y_{ik}) \log(1 - a^{(L)}_{ik})\big]$
#   (lesson 02's `nn_cost`), output delta $a^{(L)} - Y$;
# * `"squared_error"`: $E = \frac{1}{2m} \sum_i \lVert a^{(L)}_i - Y_i \rVert^2$, output delta
#   $(a^{(L)} - Y) \odot g'(z^{(L)})$.
#
# Hints: `forward_propagation` gives the activations; you also need the pre-activations for
# $g'(z)$: `z = a[k] @ thetas[k].T` is $z^{(k+2)}$, the input of the layer stored in `a[k + 1]`.  Do not loop over examples.  The hidden tests
# include **saturated** networks whose outputs round to exactly 0 or 1, where `np.log(a)` of the
# cross-entropy gives `-inf`/`nan`: compute $J$ from $z^{(L)}$, e.g. with the given
# `_cross_entropy_from_logits`.  Any other `loss` should raise a `ValueError`.

# %% solution="backprop"

# %% test="backprop" points=2
# A 2-3-4 network whose first layer is all zeros, on inputs X = 0: every hidden unit has z = 0, so a = 0.5 and
# g'(z) = 1/4, and every example gives the same output h = g(Theta2 @ [1, .5, .5, .5]).  With labels 0, 1, 2, 3, 0
# (class frequencies Ybar), delta3 averages to h - Ybar, so grads[1] = (h - Ybar) [1, .5, .5, .5]^T and only the
# bias column of grads[0] is non-zero: 1/4 * (h - Ybar) @ Theta2[:, 1:].  (Square matrices: a transpose still fits.)
_sq = [np.zeros((3, 3)), np.array([[0.2, 1.0, -1.0, 0.5], [-0.3, 0.5, 2.0, -1.0], [0.1, -2.0, 0.5, 1.5],
                                   [0.4, 1.0, 1.0, -0.5]])]
_sqX, _sqy = np.zeros((5, 2)), np.array([0, 1, 2, 3, 0])
_a2, _Ybar = np.array([1.0, 0.5, 0.5, 0.5]), np.array([0.4, 0.2, 0.2, 0.2])
_h = 1 / (1 + np.exp(-(_sq[1] @ _a2)))
_g5 = 1 / (1 + np.exp(-0.5))   # g(a) at the hidden a = 0.5: what g'(a) would use


def _sq_grads(d3, slope=0.25):
    """[grads[0], grads[1]] of this network when delta3 averages to d3 and the hidden g' is `slope`."""
    return [np.column_stack([slope * (d3 @ _sq[1][:, 1:]), np.zeros((3, 2))]), np.outer(d3, _a2)]


_sqG = _sq_grads(_h - _Ybar)
ag.expect_close(backprop(_sq, _sqX, _sqy, 0.0)[1], _sqG, "grads of a 2-3-4 network with zero first layer, X = 0",
                mistakes={"used g'(a) instead of g'(z) in the hidden deltas (sigmoid_gradient of the activation a, "
                          "not of the pre-activation z)": _sq_grads(_h - _Ybar, slope=_g5 * (1 - _g5)),
                          "left out the factor g'(z) in the hidden layers' deltas": _sq_grads(_h - _Ybar, slope=1.0),
                          "computed a^T delta, the transpose of the gradient delta^T a": [g.T for g in _sqG],
                          "forgot the 1/m in the gradient (summed over the examples instead of averaging)":
                          [5 * g for g in _sqG],
                          "multiplied the cross-entropy output delta by g'(z_L) (that factor belongs to the "
                          "squared-error delta only)": _sq_grads((_h - _Ybar) * _h * (1 - _h))})
# A network that is confidently wrong: output biases +40 and -40 make a_L round to exactly 1 and 0 in float64,
# against labels 1.  Each example costs log(1 + e^40) twice, so J = 2 log(1 + e^40) = 80.000 (finite).
_sat = [np.zeros((2, 3)), np.array([[40.0, 0.0, 0.0], [-40.0, 0.0, 0.0]])]
ag.expect_close(backprop(_sat, np.ones((3, 2)), np.array([1, 1, 1]), 0.5)[0], 2 * np.logaddexp(0.0, 40.0),
                "J of a saturated network (a_L rounds to exactly 0 and 1)",
                mistakes={"computed J with np.log(a_L): in a saturated network a_L rounds to exactly 0 or 1 and "
                          "log(0) = -inf, so J is not finite (compute it from z_L, e.g. with "
                          "_cross_entropy_from_logits)": np.inf,
                          # lam = 0.5, m = 3: the bias weights +-40 are the only non-zero ones
                          "included the bias column in the L2 term of J":
                          2 * np.logaddexp(0.0, 40.0) + 0.5 / (2 * 3) * (40.0 ** 2 + 40.0 ** 2)})
_rng = np.random.default_rng(3)
_thetas = [_rng.normal(size=(4, 4)), _rng.normal(size=(3, 5))]   # a 3-4-3 network
_X = _rng.normal(size=(6, 3))
_y = np.array([0, 1, 2, 2, 1, 0])
_J, _grads = backprop(_thetas, _X, _y, 1.0)
ag.expect_close([np.shape(g) for g in _grads], [(4, 4), (3, 5)], "shapes of the gradients")
# All-zero weights: every output is g(0) = 0.5, whatever the input.  Each class holds 2 of the 6 labels,
# so the output bias gradient is mean(0.5 - Y[:, k]) = 1/6 and the other output weights see a = 0.5.
_zero = [np.zeros((4, 4)), np.zeros((3, 5))]
_J0, _g0 = backprop(_zero, _X, _y, 2.0)
_G1 = np.column_stack([np.full(3, 1 / 6), np.full((3, 4), 1 / 12)])
ag.expect_close(_J0, 3 * np.log(2), "J at zero weights (cross-entropy: K log 2)")
ag.expect_close(_g0[1], _G1, "grads[1] at zero weights",
                mistakes={"forgot the 1/m in the gradient (summed over the examples instead of averaging)": 6 * _G1,
                          "multiplied the cross-entropy output delta by g'(z_L) (that factor belongs to the "
                          "squared-error delta only)": _G1 / 4,
                          "computed a^T delta, the transpose of the gradient delta^T a": _G1.T})
ag.expect_close(_g0[0], np.zeros((4, 4)), "grads[0] at zero weights")
_Jse, _gse = backprop(_zero, _X, _y, 2.0, loss="squared_error")
ag.expect_close(_Jse, 3 / 8, "J at zero weights (squared error: K/8)",
                mistakes={"dropped the 1/2 of the squared error E = 1/(2m) sum ||a_L - y||^2": 3 / 4})
# Squared error at zero weights: delta_L = (0.5 - Y) g'(0) = (0.5 - Y) / 4, so grads[1] is a quarter of the above.
ag.expect_close(_gse[1], _G1 / 4, "grads[1] at zero weights (squared error)",
                mistakes={"left out the factor g'(z_L) in the squared-error output delta (a_L - y) g'(z_L)": _G1})
# Only the bias columns non-zero: every hidden unit outputs g(b_j) for every example, the output unit k
# outputs g(c_k), and no error reaches layer 1 (its non-bias weights are 0).  So J is the cross-entropy of
# g(c) against labels that hold each class twice, grads[0] is 0 and the L2 term is 0 (bias never regularized).
_b, _c = np.array([0.5, -1.0, 1.5, 0.2]), np.array([-0.4, 0.3, 1.1])
_bias_only = [np.column_stack([_b, np.zeros((4, 3))]), np.column_stack([_c, np.zeros((3, 4))])]
_gc = 1 / (1 + np.exp(-_c))
_Jb, _gb = backprop(_bias_only, _X, _y, 2.0)
ag.expect_close(_Jb, -np.sum(np.log(_gc) / 3 + 2 * np.log(1 - _gc) / 3), "J with only bias weights, lam = 2",
                mistakes={"included the bias column in the L2 term of J":
                          -np.sum(np.log(_gc) / 3 + 2 * np.log(1 - _gc) / 3) + 2.0 / 12 * (_b @ _b + _c @ _c)})
ag.expect_close(_gb[0], np.zeros((4, 4)), "grads[0] with only bias weights, lam = 2",
                mistakes={"regularized the bias column (column 0) of the gradient":
                          np.column_stack([2.0 / 6 * _b, np.zeros((4, 3))])})
# lam enters J and every gradient linearly: grads(lam) - grads(0) = lam/m [0 | Theta[:, 1:]] exactly.
_gl, _gn = backprop(_thetas, _X, _y, 1.5)[1], backprop(_thetas, _X, _y, 0.0)[1]
_reg = [1.5 / 6 * np.column_stack([np.zeros(len(t)), t[:, 1:]]) for t in _thetas]
ag.expect_close([np.asarray(a) - np.asarray(b) for a, b in zip(_gl, _gn)], _reg,
                "grads(lam = 1.5) - grads(lam = 0), the regularization term of the gradients",
                mistakes={"used lam/(2m) instead of lam/m in the gradient's regularization term": [r / 2 for r in _reg],
                          "regularized the bias column (column 0) of the gradient": [1.5 / 6 * t for t in _thetas]})
# Your gradients must agree with central differences of your own J:
ag.expect_gradient(lambda t: backprop(t, _X, _y, 0.0), _thetas, "backprop, cross-entropy, lam = 0")
ag.expect_gradient(lambda t: backprop(t, _X, _y, 1.5), _thetas, "backprop, cross-entropy, lam = 1.5")
ag.expect_gradient(lambda t: backprop(t, _X, _y, 0.7, loss="squared_error"), _thetas,
                   "backprop, squared error, lam = 0.7")

# %% cases="backprop"
rng = np.random.default_rng(311)


def _net(sizes, scale=1.0):
    return [scale * rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]


# [2, 3, 4]: every weight matrix is square; [3, 4, 4, 4]: square hidden-to-hidden blocks.
for sizes, m, lam in [([2, 3, 4], 5, 0.0), ([2, 3, 4], 7, 1.3), ([3, 4, 4, 4], 6, 0.8), ([4, 2], 3, 0.5),
                      ([3, 5, 3], 1, 2.0), ([2, 3, 3, 3, 2], 7, 0.3)]:
    thetas, X, y = _net(sizes), rng.normal(size=(m, sizes[0])), rng.integers(0, sizes[-1], size=m)
    case(thetas, X, y, lam)
    case(thetas, X, y, lam, loss="squared_error")
case([t.tolist() for t in thetas], X.tolist(), y.tolist(), 1.0,
     _label="backprop(2-3-3-3-2 network, X and y given as lists, lam=1.0)")
# Saturation: weights ~ +-300 drive outputs to exactly 1.0 in float64, where log(1 - a) = -inf.
rng = np.random.default_rng(0)
thetas, X, y = [300.0 * rng.normal(size=(4, 4)), 300.0 * rng.normal(size=(2, 5))], rng.normal(size=(6, 3)), \
    np.array([0, 1, 1, 0, 1, 0])
assert (forward_propagation(thetas, X)[-1] == 1.0).any()
case(thetas, X, y, 0.4, _label="backprop(saturated 3-4-2 network, weights ~ +-300, lam=0.4)")
case(thetas, X, y, 0.4, loss="squared_error",
     _label="backprop(saturated 3-4-2 network, weights ~ +-300, lam=0.4, loss='squared_error')")


def _bp(thetas, X, y, lam, loss="cross_entropy", *, gprime="z", out=None, reg_bias=False, average=True,
        lam_scale=1.0, transposed=False, j_bias=False, se_half=True):
    """backprop with one deliberate mistake (the reference J, changed only where the mistake changes it)."""
    thetas = [np.asarray(t, dtype=float) for t in thetas]
    a = forward_propagation(thetas, X)
    m, K = a[-1].shape
    Y = one_hot(y, K)
    z = [a_l @ t.T for a_l, t in zip(a[:-1], thetas)]
    out = out or ("ce" if loss == "cross_entropy" else "se")
    delta = a[-1] - Y if out == "ce" else (a[-1] - Y) * sigmoid_gradient(z[-1])
    grads = [None] * len(thetas)
    for l in reversed(range(len(thetas))):
        grads[l] = (a[l].T @ delta if transposed else delta.T @ a[l]) / (m if average else 1)
        if l > 0:
            d = {"z": sigmoid_gradient(z[l - 1]), "a": sigmoid_gradient(a[l][:, 1:]), "none": 1.0}[gprime]
            delta = (delta @ thetas[l][:, 1:]) * d
    J = backprop(thetas, X, y, lam, loss)[0]
    if not se_half and loss == "squared_error":
        J = 2 * J - l2_penalty(thetas, lam, m)
    cols = slice(None) if reg_bias else slice(1, None)
    for t, g in zip(thetas, grads):
        J += lam / (2 * m) * np.sum(t[:, 0] ** 2) if j_bias else 0.0
        g[:, cols] += lam_scale * lam / m * t[:, cols]  # raises for a transposed, non-square gradient
    return J, grads


def _mistake(words, **how):
    mistake(words, lambda *args, **kwargs: _bp(*args, **kwargs, **how))


_mistake("used g'(a) instead of g'(z) in the hidden deltas (sigmoid_gradient of the activation a, "
         "not of the pre-activation z)", gprime="a")
_mistake("regularized the bias column (column 0) of the gradient", reg_bias=True)
_mistake("forgot the 1/m in the gradient (summed over the examples instead of averaging)", average=False)
_mistake("used lam/(2m) instead of lam/m in the gradient's regularization term", lam_scale=0.5)
_mistake("computed a^T delta, the transpose of the gradient delta^T a", transposed=True)
_mistake("left out the factor g'(z) in the hidden layers' deltas", gprime="none")
_mistake("multiplied the cross-entropy output delta by g'(z_L) (that factor belongs to the squared-error "
         "delta only)", out="se")
_mistake("left out the factor g'(z_L) in the squared-error output delta (a_L - y) g'(z_L)", out="ce")
_mistake("included the bias column in the L2 term of J", j_bias=True)
_mistake("dropped the 1/2 of the squared error E = 1/(2m) sum ||a_L - y||^2", se_half=False)

# %% hidden="backprop" points=5
ag.score(ag.check_cases(backprop, ag.baked("backprop"), stable=True,
                        trusted=ag.trusted("sigmoid add_bias sigmoid_gradient one_hot l2_penalty _cross_entropy_from_logits forward_propagation")),
         points=5)

# %% [markdown]
# **Quiz A (1 point).**  `grads` holds one number per weight of the network.  How many numbers in
# all does `backprop` return in `grads` for a 4-6-3 network (4 inputs, 6 hidden units, 3 outputs),
# bias weights included?  Answer with a number: `QUIZ_A = ...`.

# %% solution="QUIZ_A"

# %% hidden="QUIZ_A" points=1
r = ag.Result("QUIZ_A")
answer = ag.student("QUIZ_A")
if ag.GRADER:
    r.check_answer(answer, ag.reference("QUIZ_A")["QUIZ_A"],
                   why="grads[k] has the shape of thetas[k]: 6 x (4 + 1) = 30 plus 3 x (6 + 1) = 21, "
                       "so 51 (the bias column counts, one weight per unit of the next layer).")
ag.score(r, points=1)

# %% [markdown]
# ### C.4 The lecture's loop: one example at a time
#
# The lecture states the algorithm per example: set $\Delta^{(l)} = 0$; for each example do a
# forward pass with column vectors, compute $\delta^{(L)} = a^{(L)} - y^{(i)}$ (cross-entropy),
# the hidden deltas, and accumulate $\Delta^{(l)} := \Delta^{(l)} + \delta^{(l+1)} \big(a^{(l)}\big)^T$;
# finally $D^{(l)} = \frac1m \Delta^{(l)}$ plus $\frac{\lambda}{m}\Theta^{(l)}$ on the non-bias columns.
#
# `backprop_loop(thetas, X, y, lam)` does exactly that, with a Python loop over the rows of `X`
# (cross-entropy only).  It must give the same `(J, grads)` as `backprop(thetas, X, y, lam)`.
# Here `y[i]` is a label, so the target vector of example `i` is row `i` of `one_hot(y, K)`.
# `np.outer(u, v)` is $u v^T$.

# %% solution="backprop_loop"

# %% test="backprop_loop" points=1
# First the closed-form 2-3-4 network of backprop's test (zero first layer, X = 0, labels 0, 1, 2, 3, 0).
ag.expect_close(backprop_loop(_sq, _sqX, _sqy, 0.0)[1], _sqG,
                "backprop_loop: grads of the 2-3-4 network with zero first layer, X = 0",
                mistakes={"accumulated a delta^T (the transposed outer product) instead of delta a^T":
                          [g.T for g in _sqG],
                          "forgot to divide the accumulated Delta by m": [5 * g for g in _sqG],
                          "used the integer label y_i as the target of every output unit instead of its one-hot row":
                          _sq_grads(_h - 1.2),   # mean of the labels 0, 1, 2, 3, 0
                          "reset Delta inside the loop over examples, so only the last example is left":
                          _sq_grads((_h - np.array([1.0, 0.0, 0.0, 0.0])) / 5)})   # the last label is 0
_rng = np.random.default_rng(3)
_thetas = [_rng.normal(size=(4, 4)), _rng.normal(size=(3, 5))]   # the same 3-4-3 network as for backprop
_X = _rng.normal(size=(6, 3))
_y = np.array([0, 1, 2, 2, 1, 0])
_J0, _g0 = backprop_loop([np.zeros((4, 4)), np.zeros((3, 5))], _X, _y, 2.0)
ag.expect_close(_J0, 3 * np.log(2), "backprop_loop: J at zero weights (K log 2)")
_G1 = np.column_stack([np.full(3, 1 / 6), np.full((3, 4), 1 / 12)])
# With every output 0.5: a target of the integer label y_i gives delta = 0.5 - y_i (mean -0.5 over these labels);
# keeping only the last example (label 0) gives delta = (-0.5, 0.5, 0.5), divided by m = 6.
ag.expect_close(_g0[1], _G1, "backprop_loop: grads[1] at zero weights",
                mistakes={"forgot to divide the accumulated Delta by m": 6 * _G1,
                          "used the integer label y_i as the target of every output unit instead of its one-hot row":
                          np.column_stack([np.full(3, -0.5), np.full((3, 4), -0.25)]),
                          "reset Delta inside the loop over examples, so only the last example is left":
                          np.outer([-0.5, 0.5, 0.5], [1.0, 0.5, 0.5, 0.5, 0.5]) / 6,
                          "accumulated a delta^T (the transposed outer product) instead of delta a^T": _G1.T})
# Only the bias columns non-zero (as in backprop's test): grads[0] is 0, nothing is regularized.
_b, _c = np.array([0.5, -1.0, 1.5, 0.2]), np.array([-0.4, 0.3, 1.1])
_gb = backprop_loop([np.column_stack([_b, np.zeros((4, 3))]), np.column_stack([_c, np.zeros((3, 4))])], _X, _y, 2.0)[1]
ag.expect_close(_gb[0], np.zeros((4, 4)), "backprop_loop: grads[0] with only bias weights, lam = 2",
                mistakes={"regularized the bias column (column 0) of the gradient":
                          np.column_stack([2.0 / 6 * _b, np.zeros((4, 3))])})
ag.expect_gradient(lambda t: backprop_loop(t, _X, _y, 0.9), _thetas, "backprop_loop, lam = 0.9")

# %% cases="backprop_loop"
rng = np.random.default_rng(312)
for sizes, m, lam in [([2, 3, 4], 5, 0.0), ([2, 3, 4], 6, 1.1), ([3, 4, 4, 4], 6, 0.8), ([4, 2], 3, 0.5),
                      ([3, 5, 3], 1, 2.0), ([2, 3, 3, 3, 2], 7, 0.3)]:
    thetas = [rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]
    case(thetas, rng.normal(size=(m, sizes[0])), rng.integers(0, sizes[-1], size=m), lam)


def _split(thetas, X, y, lam):
    """Reference (J, unregularized grads, regularization terms)."""
    thetas = [np.asarray(t, dtype=float) for t in thetas]
    J, grads = backprop(thetas, X, y, lam)
    m = len(X)
    reg = [np.column_stack([np.zeros(len(t)), lam / m * t[:, 1:]]) for t in thetas]
    return J, [g - r for g, r in zip(grads, reg)], reg, thetas, m


def _label_target(thetas, X, y, lam):
    J, _, reg, thetas, m = _split(thetas, X, y, lam)
    a = forward_propagation(thetas, X)
    z = [a_l @ t.T for a_l, t in zip(a[:-1], thetas)]
    delta = a[-1] - np.asarray(y, dtype=float)[:, None]
    grads = [None] * len(thetas)
    for l in reversed(range(len(thetas))):
        grads[l] = delta.T @ a[l] / m + reg[l]
        if l > 0:
            delta = (delta @ thetas[l][:, 1:]) * sigmoid_gradient(z[l - 1])
    return J, grads


def _transposed(thetas, X, y, lam):
    J, raw, reg, _, _ = _split(thetas, X, y, lam)
    if any(g.shape[0] != g.shape[1] for g in raw):
        raise ValueError("shapes do not broadcast")
    return J, [g.T + r for g, r in zip(raw, reg)]


def _no_mean(thetas, X, y, lam):
    J, raw, reg, _, m = _split(thetas, X, y, lam)
    return J, [m * g + r for g, r in zip(raw, reg)]


def _reg_bias(thetas, X, y, lam):
    J, raw, reg, thetas, m = _split(thetas, X, y, lam)
    return J, [g + lam / m * t for g, t in zip(raw, thetas)]


def _last_only(thetas, X, y, lam):
    J, _, reg, thetas, m = _split(thetas, X, y, lam)
    last = backprop(thetas, np.asarray(X)[-1:], np.asarray(y)[-1:], 0.0)[1]
    return J, [g / m + r for g, r in zip(last, reg)]


mistake("used the integer label y_i as the target of every output unit instead of its one-hot row",
        _label_target)
mistake("accumulated a delta^T (the transposed outer product) instead of delta a^T", _transposed)
mistake("forgot to divide the accumulated Delta by m", _no_mean)
mistake("regularized the bias column (column 0) of the gradient", _reg_bias)
mistake("reset Delta inside the loop over examples, so only the last example is left", _last_only)

# %% hidden="backprop_loop" points=2
ag.score(ag.check_cases(backprop_loop, ag.baked("backprop_loop"),
                        trusted=ag.trusted("sigmoid add_bias sigmoid_gradient one_hot l2_penalty _cross_entropy_from_logits forward_propagation")),
         points=2)

# %% [markdown]
# ### C.5 How much does vectorizing buy?
#
# Both functions do the same arithmetic; the loop pays Python's overhead (and a handful of
# tiny NumPy calls) once per example, while the vectorized version hands whole matrices to
# optimized matrix-multiplication code.  The cell below times both on a 20-25-10 network and
# checks that they agree.
#
# **Timing fairly.**  A single wall-clock measurement of a few milliseconds is noisy: other
# programs, the first call's warm-up, and the BLAS library starting several threads for a small
# matrix product can each change it several-fold.  So the cell runs NumPy's BLAS on **one thread**
# (with `threadpoolctl`, when installed), calls each function enough times to last about 20 ms, and
# keeps the best of several such runs — the run least disturbed by everything else.

# %%
import contextlib

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # optional: without it BLAS may use several threads and the timings are noisier
    threadpool_limits = None


def best_time(fn, repeat=5, min_run=0.02):
    """Best time of one call of fn(), in seconds: `repeat` runs of n calls each, n chosen so a run lasts >= min_run."""
    t0 = time.perf_counter()
    fn()  # warm-up, and a first estimate of one call
    n = max(1, int(min_run / max(time.perf_counter() - t0, 1e-9)))
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n)
    return min(runs)


_one_thread = threadpool_limits(limits=1, user_api="blas") if threadpool_limits else contextlib.nullcontext()
try:
    with _one_thread:
        _rng = np.random.default_rng(0)
        _sizes = [20, 25, 10]
        _net_t = [_rng.normal(scale=0.5, size=(b, a + 1)) for a, b in zip(_sizes[:-1], _sizes[1:])]
        _ms, _t_vec, _t_loop = [10, 30, 100, 300, 1000], [], []
        for _m in _ms:
            _Xt, _yt = _rng.normal(size=(_m, _sizes[0])), _rng.integers(0, _sizes[-1], size=_m)
            _t_vec.append(best_time(lambda: backprop(_net_t, _Xt, _yt, 1.0)))
            _t_loop.append(best_time(lambda: backprop_loop(_net_t, _Xt, _yt, 1.0), repeat=2))
        _Jv, _gv = backprop(_net_t, _Xt, _yt, 1.0)
        _Jl, _gl = backprop_loop(_net_t, _Xt, _yt, 1.0)
        print(f"m = {_ms[-1]}: loop {1e3 * _t_loop[-1]:.1f} ms, vectorized {1e3 * _t_vec[-1]:.2f} ms, "
              f"loop / vectorized = {_t_loop[-1] / _t_vec[-1]:.0f}x")
        print("largest difference between their gradients:",
              max(np.max(np.abs(np.asarray(a) - np.asarray(b))) for a, b in zip(_gv, _gl)), "| J:", abs(_Jv - _Jl))
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        ax.loglog(_ms, 1e3 * np.array(_t_loop), "o-", label="backprop_loop (one example at a time)")
        ax.loglog(_ms, 1e3 * np.array(_t_vec), "s-", label="backprop (vectorized)")
        ax.set(xlabel="number of examples m", ylabel="time [ms]", title="20-25-10 network")
        ax.legend()
        plt.show()
except NotImplementedError:
    plt.close("all")
    print("Implement backprop and backprop_loop to see the timing.")

# %% [markdown]
# ### C.6 A tanh network for regression
#
# The second lecture derives the same algorithm for a regression network in its own notation:
# hidden units use $\tanh$, the single output unit is **linear** (its value is the score $s_L$
# itself), and the error on one example $(x, y)$ is $e = (y - s_L)^2$.  Call $s^{(l)}$ the
# scores (our $z$) and $x^{(l)} = [1, \tanh(s^{(l)})]$ the outputs (our $a$); the lecture writes
# the weight from unit $i$ to unit $j$ as $w_{ij}$, the transpose of our $\Theta_{ji}$ — the
# numbers are the same.
#
# Since the output is linear, its "activation derivative" is 1 and
#
# $$\delta_L = \frac{\partial e}{\partial s_L} = -2\,(y - s_L),$$
#
# then, exactly as before but with $\tanh'$,
# $\delta^{(l)} = \big((\Theta^{(l)}_{:,1:})^T \delta^{(l+1)}\big) \odot \tanh'(s^{(l)})$ and
# $\partial e / \partial \Theta^{(l)} = \delta^{(l+1)} \big(x^{(l)}\big)^T$.
#
# `tanh_regression_backprop(thetas, x, y)` takes **one** example `x` of shape `(n,)` and a number
# `y`; `thetas` follows the course convention (`thetas[k]` is $\Theta^{(k+1)}$), the last matrix has
# one row.  `thetas` and `x` may be nested lists (the tests pass them that way too).  It returns
# `(e, grads)`.  A network without hidden layer is plain linear regression:
# $e = (y - \theta \cdot [1, x])^2$ with gradient $-2(y - s)\,[1, x]$.

# %% solution="tanh_regression_backprop"

# %% test="tanh_regression_backprop" points=1
# Linear regression (no hidden layer): s = 0.5 - 1.0 + 2.0 * 0.5 = 0.5, e = 1.5^2, grad = -3 [1, 1, 0.5].
ag.expect_close(tanh_regression_backprop([np.array([[0.5, -1.0, 2.0]])], np.array([1.0, 0.5]), 2.0),
                (2.25, [[[-3.0, -3.0, -1.5]]]), "tanh_regression_backprop on a network without hidden layer",
                mistakes={"dropped the factor 2 of the output delta: -(y - s_L) instead of -2 (y - s_L)":
                          (2.25, [[[-1.5, -1.5, -0.75]]]),
                          "flipped the sign of the output delta: 2 (y - s_L) instead of -2 (y - s_L)":
                          (2.25, [[[3.0, 3.0, 1.5]]])})
# One hidden tanh unit (a 1-1-1 network): s1 = 0 + 1.0 * 0.5, x1 = tanh(s1), s_L = 0.2 + 1.0 * x1,
# delta_L = -2 (y - s_L) and delta_1 = 1.0 * delta_L * tanh'(s1), with tanh'(s1) = 1 - tanh(s1)^2.
_x1 = np.tanh(0.5)
_dL = -2 * (1.5 - (0.2 + _x1))


def _tanh_net(slope):
    """(e, grads) of this 1-1-1 network when tanh'(s1) is taken as `slope`."""
    return (1.5 - (0.2 + _x1)) ** 2, [[[slope * _dL, slope * _dL * 0.5]], [[_dL, _dL * _x1]]]


ag.expect_close(tanh_regression_backprop([np.array([[0.0, 1.0]]), np.array([[0.2, 1.0]])], np.array([0.5]), 1.5),
                _tanh_net(1 - _x1 ** 2), "tanh_regression_backprop on a 1-1-1 network, x = 0.5, y = 1.5",
                mistakes={"took tanh' at the activation tanh(s) instead of at the score s": _tanh_net(1 - np.tanh(_x1) ** 2),
                          "wrote tanh'(s) as 1 - s^2 (the formula 1 - x^2 needs the activation x = tanh(s), not s)":
                          _tanh_net(1 - 0.5 ** 2)})
_rng = np.random.default_rng(4)
_tnet = [_rng.normal(size=(4, 4)), _rng.normal(size=(3, 5)), _rng.normal(size=(1, 4))]   # 3-4-3-1
_tx = _rng.normal(size=3)
ag.expect_gradient(lambda t: tanh_regression_backprop(t, _tx, 0.7), _tnet, "tanh_regression_backprop, 3-4-3-1 network")

# %% cases="tanh_regression_backprop"
rng = np.random.default_rng(313)
for sizes in ([3, 4, 1], [2, 3, 3, 1], [3, 1], [4, 4, 4, 1], [1, 2, 1]):
    thetas = [rng.normal(size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])]
    case(thetas, rng.normal(size=sizes[0]), float(rng.normal(scale=2.0)))
case([t.tolist() for t in thetas], rng.normal(size=1).tolist(), 2,
     _label="tanh_regression_backprop(1-2-1 network and x given as lists, y = 2)")
case([30.0 * rng.normal(size=(4, 4)), rng.normal(size=(1, 5))], rng.normal(size=3), 1.5,
     _label="tanh_regression_backprop(saturated tanh layer, weights ~ +-30)")


def _tanh_bp(thetas, x, y, *, factor=-2.0, slope="s"):
    thetas = [np.asarray(t, dtype=float) for t in thetas]
    xs, s = [np.concatenate(([1.0], np.asarray(x, dtype=float)))], []
    for l, t in enumerate(thetas):
        s.append(t @ xs[-1])
        if l < len(thetas) - 1:
            xs.append(np.concatenate(([1.0], np.tanh(s[-1]))))
    r = y - s[-1][0]
    delta = np.array([factor * r])
    grads = [None] * len(thetas)
    for l in reversed(range(len(thetas))):
        grads[l] = np.outer(delta, xs[l])
        if l > 0:
            d = {"s": tanh_gradient(s[l - 1]), "x": tanh_gradient(xs[l][1:]), "1-s2": 1 - s[l - 1] ** 2}[slope]
            delta = (thetas[l][:, 1:].T @ delta) * d
    return r ** 2, grads


mistake("dropped the factor 2 of the output delta: -(y - s_L) instead of -2 (y - s_L)",
        lambda thetas, x, y: _tanh_bp(thetas, x, y, factor=-1.0))
mistake("flipped the sign of the output delta: 2 (y - s_L) instead of -2 (y - s_L)",
        lambda thetas, x, y: _tanh_bp(thetas, x, y, factor=2.0))
mistake("took tanh' at the activation tanh(s) instead of at the score s",
        lambda thetas, x, y: _tanh_bp(thetas, x, y, slope="x"))
mistake("wrote tanh'(s) as 1 - s^2 (the formula 1 - x^2 needs the activation x = tanh(s), not s)",
        lambda thetas, x, y: _tanh_bp(thetas, x, y, slope="1-s2"))

# %% hidden="tanh_regression_backprop" points=3
ag.score(ag.check_cases(tanh_regression_backprop, ag.baked("tanh_regression_backprop"),
                        trusted=ag.trusted("tanh_gradient")),
         points=3)

# %% [markdown]
# **Quiz B (1 point).**  In the lecture's notation, the gradient of the error with respect to a
# weight into the output unit is
# $\partial e / \partial w^{(L)}_{i1} = -2\,(y - s_L)\, x^{(L-1)}_i$.  For a hidden tanh unit $i \ge 1$,
# which of these make that gradient zero?  Several may hold.
#
# (a) the network is exactly right on this example, $s_L = y$; (b) the unit's output
# $x^{(L-1)}_i$ is 0; (c) the unit's score $s^{(L-1)}_i$ is 0; (d) the weight $w^{(L)}_{i1}$ itself is 0.
#
# Answer with every letter that applies, e.g. `QUIZ_B = "a, d"`.

# %% solution="QUIZ_B"

# %% hidden="QUIZ_B" points=1
r = ag.Result("QUIZ_B")
answer = ag.student("QUIZ_B")
if ag.GRADER:
    r.check_answer(answer, ag.reference("QUIZ_B")["QUIZ_B"],
                   why="the product is zero when y - s_L = 0 (a) or x_i = 0 (b), and x_i = tanh(s_i) is 0 exactly "
                       "when s_i = 0 (c); the weight itself does not appear in the formula (d).")
ag.score(r, points=1)

# %% [markdown]
# ## Part D — Learning: gradient descent with your own backprop
#
# Backpropagation only *computes* the gradient.  Learning is what happens next: take a small
# step against it, recompute, repeat.  With a network's weights stored as a list of matrices,
# one step of batch gradient descent moves **every layer at once**, each with the gradient taken
# at the *current* weights:
#
# $$\Theta^{(l)} := \Theta^{(l)} - \alpha\, D^{(l)} \quad\text{for every } l, \qquad
#   \text{where } (J, D) = \texttt{cost\_grad}(\Theta) \text{ at the weights before the step.}$$
#
# ### D.1 `network_gradient_descent`
#
# `network_gradient_descent(cost_grad, thetas, lr, iters)` returns `(thetas, costs)`:
#
# * `cost_grad(thetas)` returns `(J, grads)` with one gradient per matrix — for a network,
#   `lambda t: backprop(t, X, y, lam)`;
# * `lr` is the learning rate $\alpha > 0$ and `iters` the number of steps (0 is allowed);
# * the returned `thetas` is a list of new arrays, the weights after `iters` steps;
# * `costs` is an array of `iters + 1` numbers: `costs[0]` is $J$ at the starting weights and
#   `costs[t]` is $J$ after `t` steps, so `costs[-1]` belongs to the returned weights.  One call of
#   `cost_grad` gives the cost *and* the gradients at the same weights: use both.
#
# **Do not modify the `thetas` you are given** — neither the list nor its arrays: the caller may
# want to start again from the same weights.  `t -= lr * g` or `thetas[k] = ...` on the
# caller's objects would change them; build new arrays (`t - lr * g`) in a new list.  Beware of
# `for t, g in zip(thetas, grads): t = t - lr * g`: it rebinds the loop variable `t` and leaves the
# list unchanged.  The tests pass `thetas` as a list of float arrays (nested lists are not graded).
# (Lesson 08 writes the same loop on one unrolled vector of weights.)
#
# **The test problem.** On the "bowl" $J = \sum_k \frac{s_k}{2} \lVert \Theta_k - T_k \rVert^2$ with
# gradients $s_k (\Theta_k - T_k)$, one step multiplies $\Theta_k - T_k$ by $r_k = 1 - \alpha s_k$,
# so after $t$ steps $\Theta_k = T_k + r_k^t\,(\Theta_k^{\text{start}} - T_k)$: gradient descent's
# iterates in closed form.  `LayerQuadraticCostGrad(targets, scales)` (from the course library)
# is this `cost_grad`; the tests use it with several shapes, rates and numbers of steps.

# %% locked=true
from autograder.problems import LayerQuadraticCostGrad

# %% solution="network_gradient_descent"

# %% test="network_gradient_descent" points=1
# The bowl J = sum_k s_k/2 ||thetas[k] - T_k||^2: a step multiplies thetas[k] - T_k by r_k = 1 - lr s_k, so
# after t steps thetas[k] = T_k + r_k^t (start[k] - T_k) and J_t = sum_k s_k/2 r_k^(2t) ||start[k] - T_k||^2.
_T = [np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -0.5]]), np.array([[0.5, 1.0, -1.0]])]
_s = np.array([1.0, 2.0])
_start = [np.zeros((2, 3)), np.array([[1.5, 0.0, 1.0]])]
_before = [t.copy() for t in _start]
_lr, _n = 0.25, 3
_d0 = [t - c for t, c in zip(_start, _T)]


_r = 1 - _lr * _s   # what one correct step multiplies thetas[k] - T_k by


def _run(factor, steps):
    """(thetas, costs) when t steps leave thetas[k] - T_k = factor(t)[k] * (start[k] - T_k), t = 0..steps."""
    thetas = [c + f * d for c, f, d in zip(_T, factor(steps), _d0)]
    costs = [sum(s / 2 * f ** 2 * np.sum(d ** 2) for s, f, d in zip(_s, factor(t), _d0)) for t in range(steps + 1)]
    return thetas, np.array(costs)


_want = _run(lambda t: _r ** t, _n)
_got = network_gradient_descent(LayerQuadraticCostGrad(_T, _s), _start, _lr, _n)
ag.expect_close(_got, _want, "network_gradient_descent on the bowl, lr = 0.25, iters = 3 (thetas, costs)",
                mistakes={"moved uphill: thetas + lr * grads instead of thetas - lr * grads":
                          _run(lambda t: (1 + _lr * _s) ** t, _n),
                          "computed the gradients once, before the loop, and reused them: every step needs the "
                          "gradients at the current weights": _run(lambda t: 1 - t * _lr * _s, _n),
                          "took iters - 1 steps (off by one: costs must hold iters + 1 values)":
                          _run(lambda t: _r ** t, _n - 1),
                          "took iters + 1 steps (off by one)": _run(lambda t: _r ** t, _n + 1),
                          "left the starting cost out of costs (costs[0] must be J at the starting weights: "
                          "iters + 1 values)": (_want[0], _want[1][1:]),
                          "did not record the cost after the last step (costs[-1] must be J at the returned "
                          "weights: iters + 1 values)": (_want[0], _want[1][:-1]),
                          "rebound the loop variable (for t, g in zip(...): t = t - lr * g), which leaves the list "
                          "unchanged: the weights never moved": (_before, np.full(_n + 1, _want[1][0])),
                          "ignored lr (stepped by the whole gradient)": _run(lambda t: (1 - _s) ** t, _n)})
ag.expect_close(_start, _before, "the thetas passed to network_gradient_descent, after the call (they must not change)",
                mistakes={"modified the thetas you were given in place (t -= lr * g or thetas[k] = ... changes the "
                          "caller's weights; build new arrays in a new list)": _want[0]})
_zero_steps = network_gradient_descent(LayerQuadraticCostGrad(_T, _s), _before, _lr, 0)
ag.expect_close(_zero_steps, (_before, [_want[1][0]]), "network_gradient_descent with iters = 0 (the start and its cost)")

# %% cases="network_gradient_descent"
from autograder.problems import LayerQuadraticCostGrad
rng = np.random.default_rng(314)
for shapes, scales, lr, iters in [([(3, 3), (2, 4)], [1.0, 0.5], 0.3, 5),
                                  ([(4, 3), (4, 5), (1, 5)], [2.0, 1.0, 0.5], 0.1, 8),
                                  ([(2, 3), (1, 3)], [1.0, 3.0], 0.2, 1),
                                  ([(2, 3), (2, 3)], [0.5, 1.5], 0.4, 0),
                                  ([(3, 4)], [2.0], 0.9, 6),
                                  ([(5, 4), (3, 6)], [0.2, 1.0], 0.5, 20)]:
    bowl = LayerQuadraticCostGrad([rng.normal(size=s) for s in shapes], scales)
    case(bowl, [rng.normal(size=s) for s in shapes], lr, iters,
         _label=f"network_gradient_descent(bowl over matrices {shapes}, scales {scales}, lr={lr}, iters={iters})")


def _gd(cost_grad, thetas, lr, iters, *, sign=-1.0, steps=None, keep=slice(None), stale=False, rate=None,
        frozen=False):
    """network_gradient_descent with one deliberate mistake."""
    thetas = [np.array(t, dtype=float) for t in thetas]
    J, grads = cost_grad(thetas)
    first, costs = grads, [J]
    for _ in range(iters if steps is None else max(steps(iters), 0)):
        if not frozen:
            step = lr if rate is None else rate
            thetas = [t + sign * step * g for t, g in zip(thetas, first if stale else grads)]
        J, grads = cost_grad(thetas)
        costs.append(J)
    return thetas, np.array(costs)[keep]


mistake("moved uphill: thetas + lr * grads instead of thetas - lr * grads", lambda *a: _gd(*a, sign=1.0))
mistake("computed the gradients once, before the loop, and reused them: every step needs the gradients at the "
        "current weights", lambda *a: _gd(*a, stale=True))
mistake("took iters - 1 steps (off by one: costs must hold iters + 1 values)", lambda *a: _gd(*a, steps=lambda n: n - 1))
mistake("took iters + 1 steps (off by one)", lambda *a: _gd(*a, steps=lambda n: n + 1))
mistake("left the starting cost out of costs (costs[0] must be J at the starting weights: iters + 1 values)",
        lambda *a: _gd(*a, keep=slice(1, None)))
mistake("did not record the cost after the last step (costs[-1] must be J at the returned weights: iters + 1 values)",
        lambda *a: _gd(*a, keep=slice(None, -1)))
mistake("rebound the loop variable (for t, g in zip(...): t = t - lr * g), which leaves the list unchanged: the "
        "weights never moved", lambda *a: _gd(*a, frozen=True))
mistake("ignored lr (stepped by the whole gradient)", lambda *a: _gd(*a, rate=1.0))

# %% hidden="network_gradient_descent" points=2
ag.score(ag.check_cases("network_gradient_descent", ag.baked("network_gradient_descent")), points=2)

# %% [markdown]
# ### D.2 Your backprop learns XOR
#
# In lesson 01 you *chose* XOR's weights by hand (`XOR_THETAS`, given below).  Now let your
# functions find weights themselves: start from small random weights (seeded, so the run is
# reproducible) and let `network_gradient_descent` follow your `backprop` on the four corners.
#
# `backprop` gives the output layer one sigmoid unit per class, so the learned network is 2-2-2:
# unit 0 says "XOR is 0", unit 1 says "XOR is 1", and the prediction is the larger one.  Lesson
# 01's hand-set network has a single output unit (1 when it exceeds 0.5).  Both cut the plane
# with the two lines of their two hidden units, leaving a band for one class: the hand-set
# network uses $x_1 + x_2 = 0.5$ and $x_1 + x_2 = 1.5$ (its OR and NAND units), the learned one
# found lines of its own — any pair that separates the corners will do.  Try other seeds,
# learning rates and numbers of hidden units: some starts take much longer, and a few settle in a
# poor local minimum — a network's cost is not convex.

# %% given="XOR_THETAS"

# %%
_XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_y = np.array([0, 1, 1, 0])
try:
    _rng = np.random.default_rng(1)
    _init = [_rng.uniform(-1, 1, size=(2, 3)), _rng.uniform(-1, 1, size=(2, 3))]  # 2-2-2, weights in [-1, 1]
    _t0 = time.perf_counter()
    _learned, _costs = network_gradient_descent(lambda t: backprop(t, _XOR_X, _XOR_y, 0.0), _init, 2.0, 1000)
    _secs = time.perf_counter() - _t0
    _out = forward_propagation(_learned, _XOR_X)[-1]
    print(f"1000 steps of gradient descent in {_secs:.2f} s: J from {_costs[0]:.3f} to {_costs[-1]:.4f}")
    print("learned predictions on (0,0), (0,1), (1,0), (1,1):", np.argmax(_out, axis=1), "(XOR: [0 1 1 0])")
    _g = np.linspace(-0.5, 1.5, 161)
    _G1, _G2 = np.meshgrid(_g, _g)
    _grid = np.column_stack([_G1.ravel(), _G2.ravel()])
    _p_learned = forward_propagation(_learned, _grid)[-1]
    _learned_says = (_p_learned[:, 1] > _p_learned[:, 0]).reshape(_G1.shape)
    _hand_says = (forward_propagation(XOR_THETAS, _grid)[-1][:, 0] > 0.5).reshape(_G1.shape)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    axes[0].semilogy(_costs)
    axes[0].set(title="cost J while learning XOR (2-2-2, lr = 2)", xlabel="step", ylabel="J (log scale)")
    for ax, says, title in [(axes[1], _learned_says, "learned by your gradient descent"),
                            (axes[2], _hand_says, "lesson 01's hand-set XOR_THETAS")]:
        ax.contourf(_G1, _G2, says.astype(float), levels=[-0.5, 0.5, 1.5], colors=["#dbe6f5", "#f7dcc8"])
        for label, marker, color in [(0, "o", "#2c5aa0"), (1, "s", "#c0504d")]:
            ax.scatter(*_XOR_X[_XOR_y == label].T, marker=marker, s=90, color=color, edgecolor="k",
                       label=f"XOR = {label}")
        ax.set(title=title, xlabel="x1", ylabel="x2", aspect="equal")
        ax.legend(loc="center", fontsize=8)
    plt.tight_layout()
    plt.show()
except (NotImplementedError, TypeError, ValueError) as _err:
    plt.close("all")
    print(f"Implement forward_propagation, backprop and network_gradient_descent to train XOR ({type(_err).__name__}).")

# %% [markdown]
# ## Summary
#
# * Backpropagation is the chain rule applied once, from the output to the input: each node
#   multiplies the upstream gradient by its local derivative.  Sums copy gradients, products
#   swap factors, and a gradient always has the shape of its variable ($2qx^T$, $2W^Tq$).
# * In a network, $\delta^{(l)} = \partial J/\partial z^{(l)}$; the weight gradient is
#   $\delta^{(l+1)} (a^{(l)})^T$, averaged over examples, plus $\frac{\lambda}{m}\Theta$ outside the
#   bias column.
# * The output delta is $a - y$ for sigmoid + cross-entropy, $(a - y)\,g'(z)$ for sigmoid + squared
#   error and $-2(y - s_L)$ for a linear output with $e = (y - s_L)^2$.
# * Hidden deltas go back through $\Theta$ without its bias column and are multiplied by $g'(z)$ —
#   at $z$, not at $a$.
# * The per-example loop and the vectorized code compute the same numbers; the vectorized one is
#   many times faster.
# * Learning is gradient descent on top of backprop: every layer steps against its gradient at
#   the current weights, and the cost is recorded at the start and after every step.  From a random
#   start, your functions find XOR weights that lesson 01 had to set by hand.  In the next lessons
#   the gradients are unrolled for an optimizer and verified numerically.

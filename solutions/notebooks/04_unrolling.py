# %% [markdown]
# # Lesson 04 — Unrolling parameters
#
# Lesson 03 gave us `backprop(thetas, X, y, lam) -> (J, grads)`: the cost of a network and the
# gradient with respect to every weight.  To *train* the network we hand these to an optimizer.
# Ready-made optimizers — Octave's `fminunc` in the lecture, `scipy.optimize.minimize` here —
# know nothing about layers: they minimize a function of **one flat vector**
# $\theta \in \mathbb{R}^n$ and expect the cost function to return the cost and a gradient
# vector of the same length $n$.
#
# Our weights, however, live in a list of matrices $\Theta^{(1)}, \Theta^{(2)}, \dots$.  So we
#
# * **unroll** the matrices into one long vector before calling the optimizer, and
# * **roll** the vector back into matrices inside the cost function, run backprop there, and
#   unroll the gradient matrices $D^{(1)}, D^{(2)}, \dots$ into a vector in *the same order*.
#
# In this notebook you will
#
# 1. write `unroll` and its exact inverse `roll`, and see why the reading order of a matrix
#    (row by row or column by column) matters,
# 2. compute the shapes of a network's weight matrices with `layer_shapes`,
# 3. wrap backprop into `nn_cost_function(nn_params, layer_sizes, X, y, lam) -> (J, grad_vec)`,
#    the function an optimizer wants,
# 4. reproduce a published checkpoint: the cost of fixed weights on real handwritten digits,
# 5. turn network outputs into class labels with `predict`,
# 6. train a network end to end with `train_network`, using `scipy.optimize.minimize`,
# 7. watch regularization at work on the digits: accuracy on training and validation images
#    for $\lambda \in \{0, 0.1, 1, 10\}$, and what the hidden units look for.
#
# Two short quiz questions along the way ask you to reason rather than code.
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the
# same kind of check the grader runs) and a hidden test cell that checks more inputs when your
# notebook is graded.  Only edit the cells that say `YOUR CODE HERE` or hold a `NAME = ...` placeholder (quick questions); keep names and
# signatures as they are.  Conventions: `X` has one example per **row**, shape `(m, n)`;
# labels `y` are integers `0..K-1`; `thetas[k]` (Python index $k = 0, 1, \dots$) is the lectures'
# $\Theta^{(k+1)}$, of shape `(layer_sizes[k+1], layer_sizes[k] + 1)`, and its column 0
# multiplies the bias unit.

# %% locked=true
import numpy as np
import matplotlib.pyplot as plt
import scipy.optimize
from sklearn.datasets import load_digits  # ships with scikit-learn: nothing is downloaded

try:  # the matrices here are small: BLAS threads only compete for the cores and slow training down
    from threadpoolctl import threadpool_limits  # comes with scikit-learn
    _ONE_THREAD = threadpool_limits(1)
except ImportError:
    pass

try:
    import autograder as ag
except ImportError as _err:
    raise ImportError(
        "The course's checking library is not installed in this kernel. In a terminal, inside your clone "
        "of the students' repository (nn-learning-lab-student), run:  pip install \".[notebooks]\"  "
        "then restart the kernel. Do NOT run `pip install autograder`: that is an unrelated package."
    ) from _err

# %% [markdown]
# ## Code from earlier lessons
#
# The cells below are the reference versions of what you wrote in lessons 01–03 (and the small
# helpers they use).  You will need `backprop` for the cost function and `feedforward` for
# predictions; `count_weights` and `as_float_array` may be handy too.  They are read-only.

# %% given="as_float_array check_shape"

# %% given="sigmoid add_bias feedforward count_weights"

# %% given="check_labels one_hot as_weight_list l2_penalty"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits"

# %% given="sigmoid_gradient _network _targets forward_propagation"

# %% given="LOSSES backprop"

# %% [markdown]
# ## 1. Reading a matrix into a vector: row by row or column by column?
#
# A matrix is stored in memory as one run of numbers, so "flattening" it only means choosing
# the order in which its entries are read.  There are two standard choices.  Take
#
# $$\Theta = \begin{pmatrix} 1 & 2 & 3 \\ 4 & 5 & 6 \end{pmatrix}
# \qquad (2 \times 3:\ \text{two units, each with a bias weight and two input weights}).$$
#
# * **Row-major, "C order"** — NumPy's default, `Theta.ravel()`, and **the convention of this
#   course**: read row 0 left to right, then row 1, ... giving $(1, 2, 3, 4, 5, 6)$.
#   In an $r \times c$ matrix, entry $(i, j)$ lands at position $i \cdot c + j$ (counting from 0).
# * **Column-major, "Fortran order"** — what Octave/MATLAB's `Theta(:)` does (the lecture's
#   `thetaVec = [Theta1(:); Theta2(:); Theta3(:)]`): read column 0 top to bottom, then column 1,
#   ... giving $(1, 4, 2, 5, 3, 6)$.  Entry $(i, j)$ lands at position $i + j \cdot r$.
#   In NumPy that is `Theta.ravel(order="F")`.
#
# Either order works, **as long as rolling uses the same order as unrolling**.  In the lecture
# both directions are column-major: `reshape(thetaVec(1:110), 10, 11)` also fills the matrix
# column by column, so Octave gets its matrices back exactly.
#
# **What goes wrong if you mix them.**  Unroll row by row, $(1, 2, 3, 4, 5, 6)$, and then fill
# a $2 \times 3$ matrix column by column:
#
# $$\begin{pmatrix} 1 & 3 & 5 \\ 2 & 4 & 6 \end{pmatrix} \ne
# \begin{pmatrix} 1 & 2 & 3 \\ 4 & 5 & 6 \end{pmatrix}.$$
#
# The shape is right, so **nothing raises an error** — but the weights are scrambled: unit 2's
# bias weight is now 2 instead of 4, unit 1 now has input weights 3 and 5 instead of 2 and 3.
# For a square matrix a mix-up is exactly a transpose:
# $\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$ comes back as
# $\begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}$.  In practice this shows up as
#
# * a cost function that evaluates a different network from the one you think you are training,
# * a gradient unrolled in a different order from the parameters: the optimizer then adds the
#   slope of one weight to another weight, the "gradient" is no longer a descent direction and
#   training stalls (you will see this below),
# * weights saved from Octave/MATLAB as one vector read back in NumPy with the default order:
#   such a vector must be rolled with `order="F"`.
#
# **Rule for this course:** NumPy's default C order in *both* directions, matrices in list order.
# The figure shows where each entry of a $3 \times 4$ matrix goes in the two orders.

# %%
_pos_c = np.arange(12).reshape(3, 4)             # entry (i, j) -> position 4 i + j
_pos_f = np.arange(12).reshape(3, 4, order="F")  # entry (i, j) -> position i + 3 j
fig, axes = plt.subplots(1, 2, figsize=(9, 2.8))
for ax, pos, title in [(axes[0], _pos_c, "row by row (C): this course, unroll"),
                       (axes[1], _pos_f, "column by column (F): Octave's Theta(:)")]:
    ax.imshow(pos, cmap="viridis")
    for (i, j), p in np.ndenumerate(pos):
        ax.text(j, i, str(p), ha="center", va="center", color="white" if p < 8 else "black")
    ax.set(title=title, xticks=range(4), yticks=range(3), xlabel="column j", ylabel="row i")
plt.suptitle("position of each matrix entry in the unrolled vector (counting from 0)")
plt.tight_layout()
plt.show()

_Theta = np.array([[1, 2, 3], [4, 5, 6]])
print("row by row, Theta.ravel():            ", _Theta.ravel())
print("column by column, Theta.ravel('F'):   ", _Theta.ravel(order="F"))
print("row-by-row vector refilled column by column (the mix-up):")
print(_Theta.ravel().reshape(2, 3, order="F"))

# %% [markdown]
# ## 2. `unroll`
#
# `unroll(matrices)` concatenates the matrices **in list order**, each one read **row by row**,
# into a single 1-D float vector whose length is the total number of entries.  For
# `A = [[1, 2, 3], [4, 5, 6]]` and `B = [[7, 8]]`, `unroll([A, B])` is `[1, 2, 3, 4, 5, 6, 7, 8]`.
# The matrices may be lists or arrays of any shapes.  (`np.ravel` and `np.concatenate` do most
# of the work.)

# %% solution="unroll"

# %% test="unroll" points=1
_A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
_B = np.array([[7.0, 8.0]])
ag.expect_close(unroll([_A, _B]), [1, 2, 3, 4, 5, 6, 7, 8], "unroll([A, B]) (A row by row, then B)",
                mistakes={"flattened each matrix column by column (order='F', like Octave's Theta(:)) instead of row "
                          "by row": [1, 4, 2, 5, 3, 6, 7, 8],
                          "left out the last matrix": [1, 2, 3, 4, 5, 6],
                          "left out the bias column (column 0) of every matrix": [2, 3, 5, 6, 8],
                          "put the matrices in reverse order": [7, 8, 1, 2, 3, 4, 5, 6]})
ag.expect_close(unroll([[[1.0, 2.0], [3.0, 4.0]]]), [1, 2, 3, 4], "unroll([[[1, 2], [3, 4]]]) (a square matrix)")
ag.expect_shape(unroll([np.zeros((10, 11)), np.zeros((10, 11)), np.zeros((1, 11))]), (231,),
                "unroll of the lecture's Theta1 (10, 11), Theta2 (10, 11), Theta3 (1, 11)")

# %% cases="unroll"
rng = np.random.default_rng(401)
for shapes in [[(3, 3)], [(4, 4), (3, 5)], [(2, 3), (3, 3), (1, 4)], [(5, 6), (6, 6), (2, 7)]]:
    case([rng.normal(size=s) for s in shapes])
case([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0, 7.0]]])  # plain nested lists
mistake("flattened each matrix column by column (order='F', like Octave's Theta(:)) instead of row by row",
        lambda mats: np.concatenate([np.asarray(M, dtype=float).ravel(order="F") for M in mats]))
mistake("left out the last matrix", lambda mats: unroll(mats[:-1]))
mistake("left out the bias column (column 0) of every matrix",
        lambda mats: unroll([np.asarray(M, dtype=float)[:, 1:] for M in mats]))
mistake("put the matrices in reverse order", lambda mats: unroll(mats[::-1]))

# %% hidden="unroll" points=2
ag.score(ag.check_cases("unroll", ag.baked("unroll")), points=2)

# %% [markdown]
# ## 3. `roll`, the exact inverse
#
# `roll(vector, shapes)` cuts the vector back into matrices: with sizes
# $n_l = r_l c_l$ of `shapes[l] = (r_l, c_l)`, matrix $l$ is made of the $n_l$ entries that
# follow the first $n_0 + \dots + n_{l-1}$ entries, filled **row by row** into shape
# $(r_l, c_l)$.  It returns a list with one matrix per shape, so that
#
# ```python
# roll(unroll(mats), [M.shape for M in mats])   # gives mats back exactly
# unroll(roll(v, shapes))                       # gives v back exactly
# ```
#
# The lecture does the same with explicit index ranges: `thetaVec(1:110)`, `(111:220)` and
# `(221:231)` in Octave's 1-based, inclusive indexing are `v[0:110]`, `v[110:220]` and
# `v[220:231]` in Python.
#
# `vector` may be an array or a plain list (the tests pass both), and `shapes` a list of tuples.
#
# If the vector's length is not the total size of the shapes, something upstream is wrong (a
# forgotten bias column, the wrong network): raise a `ValueError` that says what was expected
# and what was received, instead of silently dropping or inventing weights.

# %% solution="roll"

# %% test="roll" points=1
_shapes = [(2, 3), (3, 3), (1, 4)]
_rng = np.random.default_rng(0)
_mats = [_rng.normal(size=s) for s in _shapes]
ag.expect_close(roll(np.arange(1.0, 9.0), [(2, 3), (1, 2)]),
                [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[7.0, 8.0]])],
                "roll([1, ..., 8], [(2, 3), (1, 2)])",
                mistakes={"reshaped column by column (order='F', like Octave's reshape) while unroll reads row by row":
                          [np.array([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]), np.array([[7.0, 8.0]])],
                          "read every matrix from the start of the vector (the offset never moves on)":
                          [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[1.0, 2.0]])],
                          "swapped rows and columns in the reshape (shape (c, r) instead of (r, c))":
                          [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([[7.0], [8.0]])]})
ag.expect_close(roll(unroll(_mats), _shapes), _mats, "roll(unroll(mats), shapes)", uses="unroll")
ag.expect_raises(ValueError, roll, np.zeros(7), [(2, 3)])  # a wrong size must raise ValueError, not be cut silently

# %% cases="roll"
rng = np.random.default_rng(402)
for shapes in [[(3, 3)], [(4, 4), (3, 5)], [(2, 3), (3, 3), (1, 4)], [(10, 11), (10, 11), (1, 11)]]:
    case(rng.normal(size=sum(r * c for r, c in shapes)), shapes)
case([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [(2, 2), (2, 2)])  # a plain list


def _cut(vector, shapes, order="C", restart=False, swap=False):
    v, out, start = np.asarray(vector, dtype=float), [], 0
    for r, c in shapes:
        out.append(v[start:start + r * c].reshape((c, r) if swap else (r, c), order=order))
        start = 0 if restart else start + r * c
    return out


mistake("reshaped column by column (order='F', like Octave's reshape) while unroll reads row by row",
        lambda vector, shapes: _cut(vector, shapes, order="F"))
mistake("read every matrix from the start of the vector (the offset never moves on)",
        lambda vector, shapes: _cut(vector, shapes, restart=True))
mistake("swapped rows and columns in the reshape (shape (c, r) instead of (r, c))",
        lambda vector, shapes: _cut(vector, shapes, swap=True))

# %% hidden="roll" points=3
_r = ag.check_cases("roll", ag.baked("roll"))
# A size mismatch must raise ValueError, not be silently truncated or padded.
_mismatches = [(23, [(2, 3), (4, 4)]), (21, [(2, 3), (4, 4)]), (232, [(10, 11), (10, 11), (1, 11)])]
_outs = [ag.call("roll", [np.arange(float(_n)), _sh]) for _n, _sh in _mismatches]
if ag.GRADER:
    for (_n, _sh), _out in zip(_mismatches, _outs):
        _need = sum(r * c for r, c in _sh)
        _label = f"roll(vector of {_n} entries, {_sh})"
        if _out.ok:
            _r.fail(f"{_label} returned a result instead of raising ValueError: these shapes need exactly "
                    f"{_need} entries — check the vector's size before cutting it")
        elif _out.error.startswith("ValueError"):
            _r.record(1.0)
        else:
            _r.fail(f"{_label} raised {_out.error}; expected a ValueError (the shapes need {_need} entries)")
ag.score(_r, points=3)

# %% [markdown]
# ## 4. The shapes of a network's weights
#
# $\Theta^{(l)}$ maps layer $l$ (with $s_l$ units plus the bias unit) to layer $l + 1$
# ($s_{l+1}$ units), so it has **one row per unit of the next layer** and **one column per unit
# of this layer plus one for the bias**: shape $(s_{l+1},\ s_l + 1)$.
# `layer_shapes(layer_sizes)` returns these shapes for `layer_sizes = [s_1, ..., s_L]`, a list of
# $L - 1$ pairs; in Python's 0-based indexing, entry `k` is the shape of `thetas[k]` $= \Theta^{(k+1)}$,
# `(layer_sizes[k+1], layer_sizes[k] + 1)`.
#
# The lecture's network has four layers of sizes 10, 10, 10 and 1:
#
# | matrix | shape | entries | slice of the unrolled vector |
# |---|---|---|---|
# | $\Theta^{(1)}$ | $10 \times 11$ | 110 | `v[0:110]` |
# | $\Theta^{(2)}$ | $10 \times 11$ | 110 | `v[110:220]` |
# | $\Theta^{(3)}$ | $1 \times 11$ | 11 | `v[220:231]` |
#
# for a total of **231** parameters — the length of the vector the optimizer works on.

# %% solution="layer_shapes"

# %% test="layer_shapes" points=1
_s = layer_shapes([10, 10, 10, 1])
ag.expect_close(_s, [(10, 11), (10, 11), (1, 11)], "layer_shapes([10, 10, 10, 1])",
                mistakes={"forgot the bias: each matrix needs s_l + 1 columns": [(10, 10), (10, 10), (1, 10)],
                          "swapped the two numbers (transposed shapes): Theta^(l) has one row per unit of layer l + 1":
                          [(11, 10), (11, 10), (11, 1)],
                          "added the bias to the wrong layer: (s_{l+1} + 1, s_l) instead of (s_{l+1}, s_l + 1)":
                          [(11, 10), (11, 10), (2, 10)],
                          "stopped one layer early (one weight matrix too few)": [(10, 11), (10, 11)]})
ag.expect_close(sum(r * c for r, c in _s), 231, "number of parameters of the 10-10-10-1 network")
ag.expect_close(layer_shapes([3, 5, 2]), [(5, 4), (2, 6)], "layer_shapes([3, 5, 2])")

# %% cases="layer_shapes"
for sizes in ([10, 10, 10, 1], [3, 5, 2], [4, 1], [2, 3, 4, 2], [400, 25, 10], [1, 1, 1, 1, 1]):
    case(sizes)
mistake("forgot the bias: each matrix needs s_l + 1 columns",
        lambda s: [(b, a) for a, b in zip(s[:-1], s[1:])])
mistake("swapped the two numbers (transposed shapes): Theta^(l) has one row per unit of layer l + 1",
        lambda s: [(a + 1, b) for a, b in zip(s[:-1], s[1:])])
mistake("added the bias to the wrong layer: (s_{l+1} + 1, s_l) instead of (s_{l+1}, s_l + 1)",
        lambda s: [(b + 1, a) for a, b in zip(s[:-1], s[1:])])
mistake("stopped one layer early (one weight matrix too few)", lambda s: layer_shapes(s)[:-1])

# %% hidden="layer_shapes" points=1
ag.score(ag.check_cases("layer_shapes", ag.baked("layer_shapes")), points=1)

# %% [markdown]
# ### Quiz 1: where does a weight land?
#
# A network has `layer_sizes = [3, 4, 2]` and `nn_params = unroll(thetas)`.  At which position
# `k` of `nn_params` (counting from 0) is `thetas[1][1, 2]`, the entry in row 1, column 2 of the
# second matrix (rows and columns counted from 0; column 0 multiplies the bias)?  Work it out on
# paper from the shapes and the reading order, then check it with your functions if you like.
#
# In the cell below, replace the `...` of `QUIZ_POSITION = ...` with your answer, a whole number
# (1 point).

# %% solution="QUIZ_POSITION"

# %% hidden="QUIZ_POSITION" points=1
_r = ag.Result("QUIZ_POSITION")
_answer = ag.student("QUIZ_POSITION")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_POSITION")["QUIZ_POSITION"],
                    why="thetas[0] is 4 x (3 + 1), positions 0..15; in the 2 x 5 thetas[1] row 1 starts 5 entries "
                        "later, at 21, and column 2 is 2 further: 23 (Octave's column-major order would give "
                        "16 + 1 + 2 * 2 = 21)")
ag.score(_r, points=1)

# %% [markdown]
# ## 5. The cost function an optimizer can use
#
# The lecture's recipe for an advanced optimizer: write
# `function [jVal, gradientVec] = costFunction(thetaVec)` that
#
# 1. rolls `thetaVec` into $\Theta^{(1)}, \Theta^{(2)}, \dots$,
# 2. runs forward and back propagation to get $J(\Theta)$ and $D^{(1)}, D^{(2)}, \dots$,
# 3. unrolls the $D^{(l)}$ into `gradientVec`,
#
# and pass it to `fminunc(@costFunction, initialTheta, options)`.  In Python the optimizer is
# `scipy.optimize.minimize`; with `jac=True` it expects the function to return the pair
# `(J, gradient)`, because one forward/backward pass gives both:
#
# ```python
# result = scipy.optimize.minimize(nn_cost_function, initial_vector,
#                                  args=(layer_sizes, X, y, lam),   # the extra arguments
#                                  jac=True, method="L-BFGS-B", options={"maxiter": 100})
# trained = roll(result.x, layer_shapes(layer_sizes))
# ```
#
# `minimize` calls `nn_cost_function(v, layer_sizes, X, y, lam)` for many vectors `v`.
# Write `nn_cost_function(nn_params, layer_sizes, X, y, lam)` returning `(J, grad_vec)`: `J` is
# the regularized cross-entropy of `backprop` for the rolled weights and `grad_vec` the
# gradient matrices unrolled **in the same order** as the parameters, so `grad_vec[k]` is
# $\partial J / \partial$ `nn_params[k]`.  Use your `roll`, `unroll` and `layer_shapes` and the
# given `backprop`; this function is short.

# %% solution="nn_cost_function"

# %% test="nn_cost_function" points=2
_sizes = [3, 4, 3]
_rng = np.random.default_rng(4)
_params = _rng.normal(size=4 * 4 + 3 * 5)
_X = _rng.normal(size=(6, 3))
_y = np.array([0, 1, 2, 2, 1, 0])
_J, _grad = nn_cost_function(_params, _sizes, _X, _y, 0.7)
ag.expect_close(len(_grad), 31, "len(grad_vec) of nn_cost_function for a 3-4-3 network (31 parameters)",
                mistakes={"returned the list of gradient matrices instead of one unrolled vector": 2})
ag.expect_shape(_grad, (31,), "grad_vec of nn_cost_function for a 3-4-3 network (31 parameters)")
# The same network written out by hand: Theta1 is the first 16 entries, row by row.
_thetas = [_params[:16].reshape(4, 4), _params[16:].reshape(3, 5)]
_thetas_f = [_params[:16].reshape(4, 4, order="F"), _params[16:].reshape(3, 5, order="F")]
ag.expect_close(_J, backprop(_thetas, _X, _y, 0.7)[0], "J of nn_cost_function (vs backprop on the rolled weights)",
                mistakes={"rolled the parameters column by column (order='F') while the gradient is unrolled row by row":
                          backprop(_thetas_f, _X, _y, 0.7)[0],
                          "ignored lam (computed the unregularized cost and gradient)": backprop(_thetas, _X, _y, 0.0)[0]})
_D = backprop(_thetas, _X, _y, 0.7)[1]
ag.expect_close(_grad, np.concatenate([D.ravel() for D in _D]), "grad_vec of nn_cost_function (vs backprop's D1, D2)",
                mistakes={"unrolled the gradients in reverse layer order (last layer first)":
                          np.concatenate([D.ravel() for D in _D[::-1]]),
                          "unrolled the gradient matrices column by column (order='F', like Octave's D(:)) while the "
                          "parameters are rolled row by row": np.concatenate([D.ravel(order="F") for D in _D])})
# grad_vec[k] must be the slope of J along nn_params[k]: compare with central differences.
ag.expect_gradient(lambda p: nn_cost_function(p, _sizes, _X, _y, 0.7), _params, "grad_vec of nn_cost_function")

# %% cases="nn_cost_function"
rng = np.random.default_rng(404)
for sizes, m, lam in [([3, 4, 3], 6, 0.0), ([2, 3, 4, 2], 7, 0.8), ([4, 4, 5, 3], 9, 1.5), ([5, 6, 6, 2], 8, 0.3)]:
    n_params = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    case(rng.normal(size=n_params), sizes, rng.normal(size=(m, sizes[0])), rng.integers(0, sizes[-1], size=m), lam)


def _jd(p, sizes, X, y, lam, order="C"):
    """backprop on the parameters rolled in the given order."""
    thetas, start = [], 0
    for r, c in layer_shapes(sizes):
        thetas.append(np.asarray(p, dtype=float)[start:start + r * c].reshape((r, c), order=order))
        start += r * c
    return backprop(thetas, X, y, lam)


mistake("unrolled the gradients in reverse layer order (last layer first)",
        lambda p, s, X, y, lam: (_jd(p, s, X, y, lam)[0], unroll(_jd(p, s, X, y, lam)[1][::-1])))
mistake("unrolled the gradient matrices column by column (order='F', like Octave's D(:)) while the "
        "parameters are rolled row by row",
        lambda p, s, X, y, lam: (_jd(p, s, X, y, lam)[0],
                                 np.concatenate([g.ravel(order="F") for g in _jd(p, s, X, y, lam)[1]])))
mistake("rolled the parameters column by column (order='F') while the gradient is unrolled row by row",
        lambda p, s, X, y, lam: (_jd(p, s, X, y, lam, "F")[0], unroll(_jd(p, s, X, y, lam, "F")[1])))
mistake("returned the list of gradient matrices instead of one unrolled vector",
        lambda p, s, X, y, lam: _jd(p, s, X, y, lam))
mistake("ignored lam (computed the unregularized cost and gradient)",
        lambda p, s, X, y, lam: (_jd(p, s, X, y, 0.0)[0], unroll(_jd(p, s, X, y, 0.0)[1])))

# %% hidden="nn_cost_function" points=3
ag.score(ag.check_cases("nn_cost_function", ag.baked("nn_cost_function"),
                        trusted=ag.trusted("roll unroll layer_shapes backprop")), points=3)

# %% [markdown]
# ### Why the order of the gradient matters
#
# Below, the same small network is trained twice with `scipy.optimize.minimize`: once with your
# `nn_cost_function`, once with a copy whose gradient matrices are unrolled column by column
# while the parameters are still rolled row by row.  The cost and the set of numbers in the
# gradient are identical; only their order differs.  With the mixed order each weight is moved
# by the slope of another weight, and the optimizer soon cannot find a step that lowers the cost.

# %%
try:
    _sizes = [3, 5, 3]
    _rng = np.random.default_rng(1)
    _X = _rng.normal(size=(30, 3))
    _y = np.argmax(_X, axis=1)  # label = index of the largest input
    _p0 = _rng.uniform(-0.5, 0.5, size=count_weights(_sizes))

    def _mixed_cost(p, sizes, X, y, lam):
        J, g = nn_cost_function(p, sizes, X, y, lam)
        return J, np.concatenate([G.ravel(order="F") for G in roll(g, layer_shapes(sizes))])

    _J0 = nn_cost_function(_p0, _sizes, _X, _y, 0.1)[0]
    for _name, _fun in [("same order (correct)", nn_cost_function), ("mixed orders        ", _mixed_cost)]:
        _res = scipy.optimize.minimize(_fun, _p0, args=(_sizes, _X, _y, 0.1), jac=True,
                                       method="L-BFGS-B", options={"maxiter": 100})
        _how = "converged" if _res.success else "the line search failed: the 'gradient' does not point downhill"
        print(f"{_name}: J {_J0:.4f} -> {_res.fun:.4f} after {_res.nit:3d} iterations, {_how}")
except NotImplementedError:
    print("Implement roll, unroll, layer_shapes and nn_cost_function to run this comparison.")

# %% [markdown]
# ## 5.1 Checkpoint on real data: handwritten digits
#
# The lecture's programming exercise gives a checkpoint before any training: load the supplied
# weights, evaluate your cost function, and *the cost should be about 0.287629* (0.383770 with
# $\lambda = 1$).  A match to six decimals tells you the whole chain — shapes, unrolling order,
# rolling, the regularization term — is right, before you spend any time training.  Here is this
# course's own checkpoint.
#
# **The data.** scikit-learn ships a small set of handwritten digits
# (`sklearn.datasets.load_digits`, nothing is downloaded): 1797 images of $8 \times 8$ pixels, each
# pixel an ink count from 0 (blank) to 16 (full ink), and the digit $0, \dots, 9$ each image shows.
# The cell below makes each image one row of `X_digits` (64 numbers, ink divided by 16 so it lies in
# $[0, 1]$) and puts the digits in `y_digits`.
#
# **The weights.** A 64-25-10 network (`CHECKPOINT_LAYERS`: 64 pixels, 25 hidden units, one
# output unit per digit) with fixed weights, `CHECKPOINT_THETAS = checkpoint_thetas()`:
# `np.random.default_rng(2026)` draws every entry of $\Theta^{(1)}$ ($25 \times 65$), then of
# $\Theta^{(2)}$ ($10 \times 26$), uniformly from $[-1, 1]$.  They are not trained — the cost is
# even above $10 \log 2 \approx 6.93$, the cost of a network that answers $\tfrac12$ everywhere —
# but every correct cost function gives the same number for them.
#
# **The published numbers.** Unroll the two matrices and evaluate your `nn_cost_function` on all
# 1797 images:
#
# | $\lambda$ | $J(\Theta)$ at `CHECKPOINT_THETAS` |
# |---|---|
# | 0 | **8.092479** |
# | 1 | **8.263061** |
#
# The test below does exactly that (it is graded: 1 point).  If your numbers differ, the digit
# where they start to differ is a clue: a difference in the first decimals at $\lambda = 0$ means
# the network you evaluate is not the one in `CHECKPOINT_THETAS` (check the order in `roll`); a
# right value at $\lambda = 0$ but not at $\lambda = 1$ points at the regularization term.

# %% given="CHECKPOINT_SEED CHECKPOINT_LAYERS checkpoint_thetas"

# %% locked=true
_digits = load_digits()
X_digits = _digits.data / 16.0   # (1797, 64): one image per row, ink scaled to [0, 1]
y_digits = _digits.target        # (1797,): the digit each image shows, 0..9
CHECKPOINT_THETAS = checkpoint_thetas()
print(f"X_digits {X_digits.shape}, y_digits {y_digits.shape}, "
      f"CHECKPOINT_THETAS shapes {[t.shape for t in CHECKPOINT_THETAS]}")

# %% test="checkpoint" points=1 trusted="unroll roll layer_shapes"
_PUBLISHED = {0.0: 8.092479, 1.0: 8.263061}
_ROUNDING = 5e-7  # the published costs are rounded to 6 decimals
_p = unroll(CHECKPOINT_THETAS)
_t_f = [_p[:1625].reshape(25, 65, order="F"), _p[1625:].reshape(10, 26, order="F")]  # rolled column by column
_J0 = nn_cost_function(_p, CHECKPOINT_LAYERS, X_digits, y_digits, 0.0)[0]
ag.expect_close(_J0, _PUBLISHED[0.0], "checkpoint cost J at lam = 0 (published: 8.092479)", rtol=0, atol=_ROUNDING,
                uses=("unroll", "roll", "layer_shapes"),
                mistakes={"rolled the parameters column by column (order='F') while the gradient is unrolled row by row":
                          backprop(_t_f, X_digits, y_digits, 0.0)[0]})
_J1 = nn_cost_function(_p, CHECKPOINT_LAYERS, X_digits, y_digits, 1.0)[0]
ag.expect_close(_J1, _PUBLISHED[1.0], "checkpoint cost J at lam = 1 (published: 8.263061)", rtol=0, atol=_ROUNDING,
                uses=("unroll", "roll", "layer_shapes"),
                mistakes={"ignored lam (computed the unregularized cost and gradient)":
                          backprop(CHECKPOINT_THETAS, X_digits, y_digits, 0.0)[0]})

# %% [markdown]
# ## 6. From outputs to labels: `predict`
#
# The output layer has one sigmoid unit per class, and $h_k(x)$ is the network's confidence that
# $x$ belongs to class $k$.  The predicted label is the class with the **largest** output:
#
# $$\hat y^{(i)} = \arg\max_k\ h_k\big(x^{(i)}\big) \in \{0, \dots, K - 1\}.$$
#
# `predict(thetas, X)` returns these labels, one per row of `X`, shape `(m,)`.  (Octave's
# `[~, p] = max(h, [], 2)` gives 1-based labels; ours start at 0.)

# %% solution="predict"

# %% test="predict" points=1
# One layer, no hidden units: output k is g(10 x_k), so the label is the index of the largest input.
_thetas = [np.array([[0.0, 10.0, 0.0, 0.0], [0.0, 0.0, 10.0, 0.0], [0.0, 0.0, 0.0, 10.0]])]
_X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.1, 0.2, 0.3], [-1.0, -2.0, -3.0]])
_H = 1 / (1 + np.exp(-10 * _X))   # the network's outputs, one row per example
ag.expect_close(predict(_thetas, _X), [0, 1, 2, 0], "predict on a 3-3 network whose output k is g(10 x_k)",
                mistakes={"returned 1-based labels (added 1, as in Octave); labels here are 0..K-1": [1, 2, 3, 1],
                          "took the argmax over the examples (axis 0) instead of over the classes (axis 1)":
                          np.argmax(_H, axis=0),
                          "returned the largest output value (np.max) instead of its index (np.argmax)": _H.max(axis=1),
                          "thresholded every output unit at 0.5 instead of taking the argmax": (_H >= 0.5).astype(int)})
ag.expect_shape(predict([np.zeros((4, 3)), np.zeros((2, 5))], np.ones((7, 2))), (7,),
                "predict(2-4-2 network, X of shape (7, 2))")

# %% cases="predict"
rng = np.random.default_rng(406)
for sizes, m in [([2, 3], 5), ([3, 4, 3], 6), ([4, 5, 4, 4], 4), ([2, 6, 5], 12)]:
    case([rng.normal(scale=2.0, size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])],
         rng.normal(size=(m, sizes[0])))
mistake("returned 1-based labels (added 1, as in Octave); labels here are 0..K-1",
        lambda thetas, X: predict(thetas, X) + 1)
mistake("took the argmax over the examples (axis 0) instead of over the classes (axis 1)",
        lambda thetas, X: np.argmax(feedforward(thetas, X), axis=0))
mistake("returned the largest output value (np.max) instead of its index (np.argmax)",
        lambda thetas, X: np.max(feedforward(thetas, X), axis=1))
mistake("thresholded every output unit at 0.5 instead of taking the argmax",
        lambda thetas, X: (feedforward(thetas, X) >= 0.5).astype(int))

# %% hidden="predict" points=1
ag.score(ag.check_cases("predict", ag.baked("predict"), trusted=ag.trusted("feedforward")), points=1)

# %% [markdown]
# ## 7. Training a network: `train_network`
#
# Now put the pieces together, as the lecture's learning algorithm does:
#
# 1. **Initial weights.**  For every shape in `layer_shapes(layer_sizes)` draw a matrix uniformly
#    from $[-\varepsilon, \varepsilon]$ with $\varepsilon = \sqrt 6 / \sqrt{L_{in} + L_{out}}$, where
#    $L_{in} = s_l$ and $L_{out} = s_{l+1}$ (bias not counted).  Take every random number from
#    the generator `rng` you are given (`rng.uniform(low, high, size=...)`), never from
#    `np.random.*`, so that a run can be repeated exactly.  The weights must not all be equal
#    (for example all zero): hidden units that start equal get equal gradients and stay equal
#    forever, so the layer behaves like a single unit.  Lesson 06 looks at this closely.
# 2. **Unroll** them into the starting vector.
# 3. **Minimize** `nn_cost_function` with
#    `scipy.optimize.minimize(..., args=(layer_sizes, X, y, lam), jac=True, method="L-BFGS-B",
#    options={"maxiter": maxiter})`.
# 4. **Roll** the optimum `result.x` back into matrices and return that list.
#
# The data below are used by the test and the figures: three well-separated clouds of points
# (three classes), and an XOR-like set, class 1 where the two coordinates have opposite signs,
# which no straight line separates.

# %% locked=true
def three_blobs(m, seed):
    """m points in 2-D around three centres; labels 0, 1, 2 in turn."""
    rng = np.random.default_rng(seed)
    y = np.arange(m) % 3
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    return centres[y] + 0.6 * rng.normal(size=(m, 2)), y


def xor_quadrants(m, seed):
    """m points in the four quadrants; label 1 where x1 and x2 have opposite signs."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.2, 1.0, size=(m, 2)) * rng.choice([-1.0, 1.0], size=(m, 2))
    return X, (X[:, 0] * X[:, 1] < 0).astype(int)


X_blobs, y_blobs = three_blobs(60, 404)
X_xor, y_xor = xor_quadrants(80, 2024)

# %% solution="train_network"

# %% test="train_network" points=1
_trained = train_network([2, 4, 3], X_blobs, y_blobs, 0.1, rng=np.random.default_rng(0), maxiter=100)
ag.expect_close(len(_trained), 2, "number of matrices returned by train_network([2, 4, 3], ...)",
                mistakes={"returned the optimizer's result vector (4 * 3 + 3 * 5 = 27 numbers) instead of a list of "
                          "matrices: roll the optimizer's result back into matrices": 27})
ag.expect_close([np.shape(t) for t in _trained], [(4, 3), (3, 5)], "shapes of train_network([2, 4, 3], ...)")
# The starting weights.  With all-zero inputs the first layer's input weights (columns 1: of
# thetas[0]) get a zero gradient, so the optimizer leaves them exactly as they were drawn.
_X0, _y0 = np.zeros((6, 10)), np.array([0, 1, 0, 1, 0, 1])
_start = {s: train_network([10, 20, 2], _X0, _y0, 0.0, rng=np.random.default_rng(s), maxiter=5)[0][:, 1:]
          for s in (5, 6)}
ag.expect_close(len(np.unique(_start[5], axis=0)), 20,
                "number of different hidden units among the 20 of train_network([10, 20, 2], ...) at the start",
                mistakes={"started from equal weights (such as all zeros): the hidden units can never break the "
                          "symmetry": 1})
# 200 independent draws: the share of negative ones has standard error 0.5 / sqrt(200) = 0.035; 6 of them: 0.21.
ag.expect_close(np.mean(_start[5] < 0), 0.5, "share of negative starting weights (200 input weights of the first layer)",
                rtol=0, atol=0.21,
                mistakes={"drew the starting weights from [0, eps] (none negative: draw them from an interval "
                          "symmetric around 0, uniform in [-eps, eps])": 0.0})
_again = train_network([10, 20, 2], _X0, _y0, 0.0, rng=np.random.default_rng(5), maxiter=5)[0][:, 1:]
ag.expect_close(float(np.array_equal(_again, _start[5])), 1.0,
                "same starting weights for two calls with rng=np.random.default_rng(5) (1 = yes, 0 = no)",
                mistakes={"drew the starting weights from NumPy's global random state (np.random.*) or a generator "
                          "of your own: take every random number from rng": 0.0})
ag.expect_close(float(np.array_equal(_start[6], _start[5])), 0.0,
                "same starting weights for rng=np.random.default_rng(5) and default_rng(6) (1 = yes, 0 = no)")
# lam must reach the cost: with the same seed, lam = 0 and lam = 10 cannot give the same weights.
_free = train_network([2, 4, 3], X_blobs, y_blobs, 0.0, rng=np.random.default_rng(0), maxiter=20)
_tied = train_network([2, 4, 3], X_blobs, y_blobs, 10.0, rng=np.random.default_rng(0), maxiter=20)
ag.expect_close(float(all(np.array_equal(a, b) for a, b in zip(_free, _tied))), 0.0,
                "identical weights from train_network with lam=0 and with lam=10, same seed (1 = yes, 0 = no)",
                mistakes={"did not pass lam on to the cost function (trained without regularization)": 1.0})
_acc = np.mean(np.argmax(feedforward(_trained, X_blobs), axis=1) == y_blobs)
ag.expect_close(_acc, 1.0, "training accuracy of train_network([2, 4, 3], ...) on the three blobs (at least 0.95)",
                rtol=0, atol=0.05)

# %% hidden="train_network" points=3
_swap = ag.trusted("nn_cost_function unroll roll layer_shapes")  # your other functions are not charged twice
_r = ag.Result("train_network")


def _xor4(m, seed):
    g = np.random.default_rng(seed)
    X = g.uniform(0.2, 1.0, size=(m, 2)) * g.choice([-1.0, 1.0], size=(m, 2))
    return X, (X[:, 0] * X[:, 1] < 0).astype(int)


def _blobs3(m, seed):
    g = np.random.default_rng(seed)
    y = np.arange(m) % 3
    return np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])[y] + 0.6 * g.normal(size=(m, 2)), y


def _flat_cost(nn_params, *args, **kwargs):
    """A flat cost (zero gradient): the optimizer stays put, so train_network returns its initialization."""
    return 0.0, np.zeros_like(np.asarray(nn_params, dtype=float))


# The runs: (layer_sizes, X, y, lam, seed, maxiter, the helpers swapped in while train_network runs).
_Xx, _yx = _xor4(40, 7)
_runs = {
    "xor": ([2, 8, 2], *_xor4(80, 2024), 0.0, 11, 300, _swap),
    "blobs": ([2, 5, 4, 3], *_blobs3(60, 707), 0.1, 12, 150, _swap),
    "seed 5": ([2, 3, 2], _Xx, _yx, 0.1, 5, 10, _swap),
    "seed 5 again": ([2, 3, 2], _Xx, _yx, 0.1, 5, 10, _swap),
    "seed 6": ([2, 3, 2], _Xx, _yx, 0.1, 6, 10, _swap),
    "flat": ([10, 10, 10, 1], np.random.default_rng(9).normal(size=(12, 10)), np.zeros(12, dtype=int), 0.0, 13, 50,
             {**_swap, "nn_cost_function": _flat_cost}),
    "lam 0": ([2, 4, 2], _Xx, _yx, 0.0, 6, 100, _swap),
    "lam 1": ([2, 4, 2], _Xx, _yx, 1.0, 6, 100, _swap),
}
_out = {k: ag.call("train_network", [sizes, X, y, lam], {"rng": np.random.default_rng(seed), "maxiter": maxiter},
                   swap=swap)
        for k, (sizes, X, y, lam, seed, maxiter, swap) in _runs.items()}
if ag.GRADER:
    _ff = ag.reference("feedforward")["feedforward"]

    def _fit(key):
        """(thetas, label) when the call worked and returned the right shapes, else (None, message)."""
        sizes, X, y, lam, seed, maxiter, _ = _runs[key]
        out = _out[key]
        label = (f"train_network({sizes}, X of shape {X.shape}, y, lam={lam:g}, "
                 f"rng=np.random.default_rng({seed}), maxiter={maxiter})")
        if not out.ok:
            if out.error.startswith("NameError: train_network is not defined"):
                return None, "train_network is not defined as a function — run its cell (and fix any error in it)"
            return None, f"{label} raised {out.error}"
        want = [(b, a + 1) for a, b in zip(sizes[:-1], sizes[1:])]
        got = None
        if isinstance(out.value, (list, tuple)):
            try:
                got = [tuple(np.shape(t)) for t in out.value]
            except Exception:
                got = None
        if got != want:
            if got is not None:
                kind = f"a list of shapes {got}"
            else:
                kind = (f"an ndarray of shape {out.value.shape}" if isinstance(out.value, np.ndarray)
                        else f"a value of type {type(out.value).__name__}")
            hint = (" — roll the optimizer's result vector back into a list of matrices"
                    if isinstance(out.value, np.ndarray) and out.value.ndim == 1 else "")
            return None, f"{label}: expected a list of {len(want)} matrices with shapes {want}, received {kind}{hint}"
        return [np.asarray(t, dtype=float) for t in out.value], label

    def _identical_units(thetas):
        """Index of a hidden layer whose units all have the same weights, else None."""
        for l, t in enumerate(thetas[:-1]):
            if t.shape[0] > 1 and np.allclose(t, t[:1], rtol=1e-6, atol=1e-8):
                return l
        return None

    def _accuracy(thetas, X, y):
        with np.errstate(all="ignore"):
            return float(np.mean(np.argmax(_ff(thetas, X), axis=1) == y))

    # 1. It learns XOR-like data, which needs the hidden layer (weight 2).
    _th, _msg = _fit("xor")
    if _th is None:
        _r.fail(_msg, weight=2)
    else:
        _acc = _accuracy(_th, _runs["xor"][1], _runs["xor"][2])
        if _acc >= 0.85:
            _r.record(1.0, weight=2)
        else:
            _l = _identical_units(_th)
            _why = ("" if _l is None else f"; all units of hidden layer {_l + 2} ended with identical weights: the "
                    "starting weights did not break the symmetry (never start from equal weights such as zeros)")
            _r.fail(f"{_msg}: training accuracy {_acc:.2f} on XOR-like data, expected at least 0.85 "
                    f"(a correct run reaches about 0.97){_why}", weight=2)

    # 2. Three classes, two hidden layers: accuracy on new points from the same clouds.
    _Xt, _yt = _blobs3(150, 708)
    _th, _msg = _fit("blobs")
    if _th is None:
        _r.fail(_msg)
    else:
        _acc = _accuracy(_th, _Xt, _yt)
        if _acc >= 0.9:
            _r.record(1.0)
        else:
            _l = _identical_units(_th)
            _why = ("" if _l is None else f"; all units of hidden layer {_l + 2} have identical weights: "
                    "the starting weights did not break the symmetry")
            _r.fail(f"{_msg}: accuracy {_acc:.2f} on 150 new points of three well-separated clouds, "
                    f"expected at least 0.9{_why}", weight=1)

    # 3. Every random number comes from rng: same seed -> same weights, new seed -> new weights.
    _fits = [_fit(k) for k in ("seed 5", "seed 5 again", "seed 6")]
    _bad = [m for t, m in _fits if t is None]
    if _bad:
        _r.fail(_bad[0])
    elif not all(np.allclose(p, q, rtol=1e-9, atol=1e-12) for p, q in zip(_fits[0][0], _fits[1][0])):
        _r.fail("two calls with rng=np.random.default_rng(5) returned different weights: take every random "
                "number from rng (not from np.random.* or a generator of your own), so a run can be repeated")
    elif all(np.allclose(p, q) for p, q in zip(_fits[0][0], _fits[2][0])):
        _r.fail("rng=np.random.default_rng(5) and rng=np.random.default_rng(6) gave the same weights: "
                "the starting weights must be drawn from rng")
    else:
        _r.record(1.0)

    # 4. The starting weights: with a flat cost (zero gradient) the optimizer does not move, so
    #    train_network returns its initialization.
    _th, _msg = _fit("flat")
    if _th is None:
        _r.fail(_msg)
    else:
        _w = np.concatenate([t.ravel() for t in _th])
        _neg = float(np.mean(_w < 0))
        _l = _identical_units(_th)
        if not np.all(np.isfinite(_w)):
            _r.fail(f"{_msg} with a flat cost returned non-finite starting weights")
        elif _l is not None:
            _r.fail(f"{_msg} with a flat cost (zero gradient, so the optimizer stays put) returns the starting "
                    f"weights, and all units of hidden layer {_l + 2} start identical: initialize randomly "
                    "to break the symmetry")
        elif not 0.3 <= _neg <= 0.7:
            _r.fail(f"{_msg} with a flat cost returns the starting weights, and {100 * _neg:.0f}% of them are "
                    "negative: draw them from an interval symmetric around 0, uniform in [-eps, eps]")
        else:
            _r.record(1.0)

    # 5. lam reaches the cost: strong regularization must shrink the weights.
    _free, _m0 = _fit("lam 0")
    _tied, _m1 = _fit("lam 1")
    if _free is None or _tied is None:
        _r.fail(_m0 if _free is None else _m1)
    else:
        _n0, _n1 = (sum(float(np.sum(t[:, 1:] ** 2)) for t in ts) for ts in (_free, _tied))
        if _n1 < 0.5 * _n0:
            _r.record(1.0)
        else:
            _r.fail(f"the weights trained with lam=1 are not smaller than with lam=0 (sum of squared non-bias "
                    f"weights {_n1:.4g} vs {_n0:.4g}, same rng seed): pass lam on to the cost function")
ag.score(_r, points=3)

# %% [markdown]
# ## 8. Watching it learn
#
# `minimize` accepts a `callback` that it calls with the current vector after every iteration;
# recording the cost there gives the learning curve (left).  On the right, the decision regions
# of a network trained by your `train_network` on the XOR-like data: thanks to the hidden layer the
# class-0 region is a band between two boundaries, which a single logistic unit (one straight
# line) could never produce.

# %%
try:
    _sizes = [2, 8, 2]
    _rng = np.random.default_rng(3)
    _eps = [np.sqrt(6) / np.sqrt(r + c - 1) for r, c in layer_shapes(_sizes)]
    _p0 = unroll([_rng.uniform(-e, e, size=shape) for e, shape in zip(_eps, layer_shapes(_sizes))])
    _costs = [nn_cost_function(_p0, _sizes, X_xor, y_xor, 0.0)[0]]
    scipy.optimize.minimize(nn_cost_function, _p0, args=(_sizes, X_xor, y_xor, 0.0), jac=True,
                            method="L-BFGS-B", options={"maxiter": 200},
                            callback=lambda v: _costs.append(nn_cost_function(v, _sizes, X_xor, y_xor, 0.0)[0]))
    _net = train_network(_sizes, X_xor, y_xor, 0.0, rng=np.random.default_rng(3), maxiter=300)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].semilogy(_costs)
    axes[0].set(title="cost J during L-BFGS-B (2-8-2 network, XOR-like data)", xlabel="iteration",
                ylabel="J (log scale)")
    _u = np.linspace(-1.1, 1.1, 150)
    _grid = np.array([[a, b] for b in _u for a in _u])
    axes[1].contourf(_u, _u, predict(_net, _grid).reshape(_u.size, _u.size), levels=[-0.5, 0.5, 1.5],
                     cmap="coolwarm", alpha=0.35)
    axes[1].scatter(X_xor[:, 0], X_xor[:, 1], c=y_xor, cmap="coolwarm", edgecolors="k", s=25)
    axes[1].set(title=f"predict(train_network(...)): training accuracy "
                      f"{np.mean(predict(_net, X_xor) == y_xor):.2f}",
                xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement the functions of this notebook to see the learning curve and the decision regions.")

# %% [markdown]
# ## 9. Regularization at work on the digits
#
# A network with many weights and few examples can fit its training set perfectly and still be
# wrong on new images: it has learned the particular pixels of these examples (overfitting).
# The L2 term $\frac{\lambda}{2m} \sum w^2$ (biases excluded) pulls every weight towards 0; the larger
# $\lambda$, the smoother and simpler the network — and with too large a $\lambda$ it cannot even fit
# the training images (underfitting).
#
# Below, your `train_network` trains the 64-25-10 network on only **300** of the digit images
# for each $\lambda \in \{0, 0.1, 1, 10\}$ (same seed, at most 200 L-BFGS-B iterations), and we
# measure the accuracy of your `predict` on those 300 training images and on the other 1497
# images, which training never sees (the **validation** images).  The split is fixed: a
# permutation drawn from `np.random.default_rng(4)`.
#
# Then each hidden unit is drawn as an $8 \times 8$ image: its 64 input weights
# (`thetas[0][j, 1:]`, the bias left out) put back in the pixel grid, red for positive weights
# (ink there raises the unit's input $z$), blue for negative ones.  Look at how they change with
# $\lambda$.

# %%
try:
    _order = np.random.default_rng(4).permutation(len(y_digits))
    _tr, _va = _order[:300], _order[300:]
    _lams = [0.0, 0.1, 1.0, 10.0]
    _nets, _acc_tr, _acc_va = {}, [], []
    # scipy's L-BFGS-B is compiled code: a gradient of the wrong length can crash the kernel, and
    # every cell after it, so the sizes are checked before training
    _n = sum(b * (a + 1) for a, b in zip(CHECKPOINT_LAYERS[:-1], CHECKPOINT_LAYERS[1:]))
    _probe = nn_cost_function(np.zeros(_n), CHECKPOINT_LAYERS, X_digits[:5], y_digits[:5], 0.0)
    if [tuple(_s) for _s in layer_shapes(CHECKPOINT_LAYERS)] != [(25, 65), (10, 26)] \
            or np.shape(_probe[1]) != (_n,):
        raise ValueError(f"layer_shapes or nn_cost_function's gradient does not fit the {_n} weights yet "
                         "(see their tests)")
    for _lam in _lams:
        _nets[_lam] = train_network(CHECKPOINT_LAYERS, X_digits[_tr], y_digits[_tr], _lam,
                                    rng=np.random.default_rng(0), maxiter=200)
        # a wrong return value must not reach predict: it can blow up memory and kill the kernel
        if [np.shape(_t) for _t in (_nets[_lam] if isinstance(_nets[_lam], (list, tuple)) else [None])] \
                != [(25, 65), (10, 26)]:
            raise TypeError("train_network should return a list of two weight matrices, shapes (25, 65) and (10, 26)")
        _acc_tr.append(np.mean(predict(_nets[_lam], X_digits[_tr]) == y_digits[_tr]))
        _acc_va.append(np.mean(predict(_nets[_lam], X_digits[_va]) == y_digits[_va]))
    print(" lambda | training accuracy (300) | validation accuracy (1497)")
    for _lam, _a, _b in zip(_lams, _acc_tr, _acc_va):
        print(f"{_lam:7g} | {_a:23.3f} | {_b:26.3f}")

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(range(4), _acc_tr, "o-", label="training (300 images)")
    ax.plot(range(4), _acc_va, "s-", label="validation (1497 images)")
    ax.set(xticks=range(4), xticklabels=[f"{l:g}" for l in _lams], xlabel="$\\lambda$", ylabel="accuracy",
           title="accuracy of the 64-25-10 network vs regularization", ylim=(0, 1.05))
    ax.legend(loc="lower left")
    plt.tight_layout()
    plt.show()

    _cmap = plt.get_cmap("bwr").copy()
    _cmap.set_bad("0.55")  # grey gaps between the tiles
    fig, axes = plt.subplots(1, 4, figsize=(15, 4.4))
    for _ax, _lam in zip(axes, _lams):
        _W = _nets[_lam][0][:, 1:]                       # (25, 64): one row per hidden unit
        _grid = np.full((5 * 9 - 1, 5 * 9 - 1), np.nan)  # 5 x 5 tiles of 8 x 8 with 1-pixel gaps
        for _j, _w in enumerate(_W):
            _r, _c = divmod(_j, 5)
            _grid[9 * _r:9 * _r + 8, 9 * _c:9 * _c + 8] = _w.reshape(8, 8) / np.abs(_w).max()
        _ax.imshow(_grid, cmap=_cmap, vmin=-1, vmax=1)
        _ax.set(title=f"hidden units, $\\lambda$ = {_lam:g}\nlargest |w| = {np.abs(_W).max():.2f}",
                xticks=[], yticks=[])
    plt.tight_layout()
    plt.show()
except (NotImplementedError, TypeError, ValueError) as _err:
    print(f"Implement train_network and predict (sections 6 and 7) to run this experiment "
          f"({type(_err).__name__}: {_err}).")

# %% [markdown]
# What to read in the table and the pictures:
#
# * $\lambda = 0$: every training image right, clearly fewer validation images right — the gap is
#   overfitting.  Nothing holds the weights back: the largest grow to tens, and the tiles look like
#   noise, each unit keyed to a few single pixels of the 300 examples.
# * A small $\lambda$ (0.1 or 1) closes part of the gap: the validation accuracy goes *up* although
#   the training accuracy hardly moves, and the weights stay of order 1.
# * $\lambda = 10$: the penalty dominates the cost, all weights are small, and the network no longer
#   fits even the training images (underfitting).  The tiles turn into broad strokes — whole
#   regions of the image — and many units look alike: a smoother, simpler, too simple network.
#
# Choosing $\lambda$ by the validation accuracy — never by the training accuracy, which always
# prefers $\lambda = 0$ — is exactly what the validation images are for.  (Each unit's tile is
# scaled to that unit's own largest weight, so the tiles compare shapes; the largest weight of the
# whole layer, printed above each panel, compares sizes: it falls from tens to a fraction as
# $\lambda$ grows.)
#
# ### Quiz 2: what does weight decay do to a weight?
#
# Take one gradient-descent step, with learning rate $\alpha$, on the L2 term
# $\frac{\lambda}{2m} \sum w^2$ alone (ignore the data term).  A non-bias weight becomes
# $w - \alpha \frac{\lambda}{m} w = \left(1 - \frac{\alpha\lambda}{m}\right) w$.  Which statement is true?
#
# * (a) every weight is reduced by the same amount, so small weights become exactly 0 first;
# * (b) every weight is multiplied by the same factor, so a large weight loses more than a small
#   one and no weight becomes exactly 0;
# * (c) only the weights larger than $\lambda$ change;
# * (d) the bias weights shrink in the same way.
#
# In the cell below, replace the `...` of `QUIZ_WEIGHT_DECAY = ...` with the letter as a string,
# for example `"a"` (1 point).

# %% solution="QUIZ_WEIGHT_DECAY"

# %% hidden="QUIZ_WEIGHT_DECAY" points=1
_r = ag.Result("QUIZ_WEIGHT_DECAY")
_answer = ag.student("QUIZ_WEIGHT_DECAY")
if ag.GRADER:
    _r.check_answer(_answer, ag.reference("QUIZ_WEIGHT_DECAY")["QUIZ_WEIGHT_DECAY"],
                    why="the step multiplies each non-bias weight by the same factor 1 - alpha*lam/m: the change is "
                        "proportional to the weight (large weight, large shrink; small weight, small shrink), so a "
                        "nonzero weight never lands exactly on 0, and the bias column is not in the penalty")
ag.score(_r, points=1)

# %% [markdown]
# ## Summary
#
# * Optimizers work on one vector: **unroll** the weight matrices (list order, each row by row)
#   before calling them, **roll** the vector back inside the cost function, and unroll the
#   gradient in exactly the same order.
# * Row-major (NumPy's default) and column-major (Octave's `Theta(:)`) orders are both fine on
#   their own; mixing them scrambles the weights without any error — for a square matrix it is a
#   silent transpose.
# * A layer with $s_l$ inputs and $s_{l+1}$ units has an $s_{l+1} \times (s_l + 1)$ weight matrix;
#   the 10-10-10-1 network has 231 parameters.
# * `nn_cost_function` returning `(J, grad_vec)` plugs straight into
#   `scipy.optimize.minimize(..., jac=True)`, the Python counterpart of `fminunc`.
# * A published checkpoint (the cost at fixed weights, to six decimals) checks the whole chain
#   before any training.
# * Regularization trades training accuracy for validation accuracy: $\lambda$ is chosen on
#   validation data, and L2 shrinks each weight in proportion to its size.

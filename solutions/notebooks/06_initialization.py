# %% [markdown]
# # Lesson 06 — Random initialization
#
# Every optimizer we use — gradient descent, L-BFGS through `scipy.optimize.minimize` — starts
# from some initial weights $\Theta$ and improves them step by step.  For logistic regression
# the starting point hardly matters: its cost is convex, so every start leads to the same
# minimum, and starting from all zeros is perfectly fine.  A network is different in two ways.
#
# * **Symmetry.**  If two hidden units start with the same weights, they compute the same
#   activation, receive the same error term and therefore the same update.  They stay copies
#   of each other *forever*, and a layer of 25 such units is no better than one unit.  All
#   zeros is the extreme case: every unit of a layer is a copy of every other.
# * **Scale.**  In a deep network the signal is multiplied by one weight matrix per layer.
#   Weights that are a little too small make it shrink layer after layer until nothing is left;
#   weights that are a little too large drive tanh and sigmoid units into their flat, saturated
#   regions, where the gradient is practically zero.
#
# In this notebook you will
#
# 1. build all-zero weights and a test that detects identical hidden units, and watch gradient
#    descent from zeros keep the hidden units identical after every update,
# 2. break the symmetry with the lecture's uniform initialization in $[-\varepsilon, \varepsilon]$,
#    $\varepsilon = \sqrt 6 / \sqrt{L_{in} + L_{out}}$,
# 3. write the Xavier (Glorot and Bengio, 2010) and He (He et al., 2015) initializations and one
#    function that initializes a whole network with any of the schemes,
# 4. measure the activations layer by layer through a 10-layer tanh and ReLU network and see
#    which scales keep the signal alive,
# 5. see that different random starts end in different minima: the cost of a network is not
#    convex.
#
# **How this notebook is graded.** Each function has a visible test cell (run it: it is the
# same kind of check the grader runs) and a hidden test cell that checks more inputs when your
# notebook is graded.  Only edit the cells that say `YOUR CODE HERE`; keep names and
# signatures as they are.  Conventions: `thetas[l]` has shape $(s_{l+1}, s_l + 1)$ and its
# column 0 multiplies the bias unit; for one layer we write $L_{in} = s_l$ (units feeding the
# layer) and $L_{out} = s_{l+1}$ (units of the layer), **neither counting the bias unit**.
#
# **Randomness.** Every function that draws random numbers takes a keyword argument
# `rng`, a `numpy.random.Generator` (made with `np.random.default_rng(seed)`), and takes
# *all* its random numbers from it: `rng.uniform(low, high, size=...)`,
# `rng.normal(mean, std, size=...)`.  Never use `np.random.rand`, `np.random.seed` & co.: they
# share one hidden global state, so a run could not be repeated by passing the same seed.  The
# grader checks that the same seed gives the same weights and another seed different ones.

# %% locked=true
import numpy as np
import matplotlib.pyplot as plt
import scipy.optimize

import autograder as ag

# %% [markdown]
# ## Code from earlier lessons
#
# The read-only cells below are the reference versions of functions from lessons 01–05 and the
# small helpers they use: input checks (`as_float_array`, `check_shape`, `_as_count` for a
# whole-number size, `_check_rng` for the generator), the activations `sigmoid` and `relu`,
# `layer_shapes` from lesson 04, and `feedforward`, `backprop`, `nn_cost_function`, `roll` and
# `unroll` for the training experiments.  `gradient_descent_path` runs plain batch gradient
# descent with `backprop` and keeps every iterate, so we can look at the weights after each
# update.  You may use any of them.

# %% given="as_float_array check_shape _as_count _check_rng"

# %% given="sigmoid add_bias feedforward count_weights relu"

# %% given="check_labels one_hot as_weight_list l2_penalty"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits"

# %% given="sigmoid_gradient _network _targets forward_propagation"

# %% given="LOSSES backprop"

# %% given="unroll roll layer_shapes nn_cost_function"

# %% given="gradient_descent_path SCHEMES ACTIVATIONS"

# %% [markdown]
# ## 1. Starting from zeros
#
# `zero_initialize(layer_sizes)` returns one all-zero matrix per layer,
# `thetas[l]` of shape $(s_{l+1}, s_l + 1)$, for `layer_sizes` $= [s_1, \dots, s_L]$ — the
# Python version of `initialTheta = zeros(n, 1)` for a network.  (You will use it to see why
# this is a bad idea.)  For the lecture's digits network `[400, 25, 10]` the shapes are
# $(25, 401)$ and $(10, 26)$.

# %% solution="zero_initialize"

# %% test="zero_initialize" points=1
_z = zero_initialize([400, 25, 10])
ag.expect_close([np.shape(t) for t in _z], [(25, 401), (10, 26)], "shapes of zero_initialize([400, 25, 10])")
ag.expect_close(_z, [np.zeros((25, 401)), np.zeros((10, 26))], "zero_initialize([400, 25, 10])")

# %% cases="zero_initialize"
for sizes in ([400, 25, 10], [2, 3, 1], [3, 5, 4, 2], [1, 1], [6, 2, 2, 2, 3]):
    case(sizes)
mistake("forgot the bias column: each matrix needs s_l + 1 columns",
        lambda s: [np.zeros((b, a)) for a, b in zip(s[:-1], s[1:])])
mistake("transposed the shapes: thetas[l] has one row per unit of layer l + 1, shape (s_{l+1}, s_l + 1)",
        lambda s: [np.zeros((a + 1, b)) for a, b in zip(s[:-1], s[1:])])
mistake("stopped one layer early (one weight matrix too few)",
        lambda s: zero_initialize(s)[:-1])

# %% hidden="zero_initialize" points=1
ag.score(ag.check_cases("zero_initialize", ag.baked("zero_initialize")), points=1)

# %% [markdown]
# ### When are two hidden units the same unit?
#
# Hidden unit $i$ of layer $l + 1$ is described by two sets of weights:
#
# * its **incoming** weights: row $i$ of $\Theta^{(l)}$ (`thetas[l][i, :]`, the bias weight in
#   column 0 included) — they decide what the unit computes, $a_i = g(\Theta^{(l)}_{i,:}\,[1; a^{(l)}])$;
# * its **outgoing** weights: column $i + 1$ of $\Theta^{(l+1)}$ (`thetas[l + 1][:, i + 1]`; column 0
#   belongs to the bias unit) — they decide how the unit's activation is used by the next layer.
#
# If all units of a hidden layer have equal incoming rows *and* equal outgoing columns, they are
# interchangeable copies: same activation for every input, same error term
# $\delta_i = \big(\sum_k \Theta^{(l+1)}_{k, i+1} \delta_k\big)\, g'(z_i)$, same gradient, same update.
# Note which axis is which: a row of $\Theta^{(l)}$ holds *one unit's* weights, while a column of
# $\Theta^{(l)}$ holds the weights of *one input* into all units — two inputs may very well have
# different weights without making the units different.
#
# `hidden_units_symmetric(thetas, atol=1e-12)` returns `True` when **every** hidden layer
# (layers $2, \dots, L-1$; the input and output layers are not hidden) has all its units
# identical in this sense, entries counting as equal when they differ by at most `atol`, and
# `False` as soon as one hidden layer has two units that differ.  A network without hidden layers,
# or a layer of one unit, has nothing to tell apart: report `True` there.  Return a single
# `bool`.

# %% solution="hidden_units_symmetric"

# %% test="hidden_units_symmetric" points=1
ag.expect_close(hidden_units_symmetric([np.zeros((3, 3)), np.zeros((2, 4))]), True,
                "hidden_units_symmetric(all-zero 2-3-2 network)")
_same = [np.array([[0.5, 1.0, -2.0], [0.5, 1.0, -2.0]]), np.array([[0.1, 0.7, 0.7]])]
ag.expect_close(hidden_units_symmetric(_same), True,
                "hidden_units_symmetric: two hidden units with the same row [0.5, 1, -2] and outgoing weight 0.7")
_rand = [np.random.default_rng(0).normal(size=(3, 3)), np.random.default_rng(1).normal(size=(2, 4))]
ag.expect_close(hidden_units_symmetric(_rand), False, "hidden_units_symmetric(random 2-3-2 network)")

# %% cases="hidden_units_symmetric"
_rows = np.array([[0.5, 1.0, -2.0], [0.5, 1.0, -2.0], [0.5, 1.0, -2.0]])  # 3 identical units, unequal columns
case([np.zeros((3, 3)), np.zeros((1, 4))])
case([_rows, np.array([[0.1, 0.7, 0.7, 0.7], [-2.0, 5.0, 5.0, 5.0]])])   # True; output rows differ (fine)
case([np.full((3, 3), 0.5), np.array([[0.1, 0.7, 0.7, 0.7], [-2.0, 5.0, 5.0, 5.0]])])  # True: rows of Theta2 may differ
case([_rows, np.array([[0.1, 0.7, 0.7, 0.8]])])                            # unit 3 leaves with 0.8: False
_b = _rows.copy()
_b[1, 0] = 0.4
case([_b, np.array([[0.1, 0.7, 0.7, 0.7]])])                               # only a bias weight differs: False
case([_rows, np.array([[0.0, 1.0, 1.0, 1.0], [0.0, 2.0, 2.0, 2.0]]), np.array([[0.0, 1.0, 1.0]])])  # layer 3 differs
case([_rows, np.tile([[0.3, 1.0, 1.0, 1.0]], (2, 1)), np.array([[0.0, 1.0, 1.0], [1.0, -1.0, -1.0]])])  # True
_tiny = [np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0 + 1e-9]]), np.ones((1, 3))]
case(_tiny)                 # 1e-9 apart: different with the default atol = 1e-12
case(_tiny, atol=1e-6)      # ... and the same with atol = 1e-6
_rng = np.random.default_rng(603)
case([_rng.normal(size=(4, 3)), _rng.normal(size=(2, 5))])
_X = _rng.normal(size=(12, 2))
_path, _ = gradient_descent_path(zero_initialize([2, 4, 3]), _X, np.arange(12) % 3, 0.0, 1.0, 20)
case(_path[-1])             # after 20 updates from zeros: nonzero weights, units still identical
case([np.arange(6.0).reshape(2, 3)])  # no hidden layer


def _wrong_axis(thetas, atol=1e-12):
    return all(np.all(np.abs(t - t[:, :1]) <= atol) for t in thetas[:-1])


def _incoming_only(thetas, atol=1e-12):
    return all(np.all(np.abs(t - t[:1]) <= atol) for t in thetas[:-1])


def _no_bias(thetas, atol=1e-12):
    return all(np.all(np.abs(t[:, 1:] - t[:1, 1:]) <= atol)
               and np.all(np.abs(u[:, 1:] - u[:, 1:2]) <= atol) for t, u in zip(thetas[:-1], thetas[1:]))


def _outgoing_rows(thetas, atol=1e-12):
    return all(np.all(np.abs(t - t[:1]) <= atol) and np.all(np.abs(u - u[:1]) <= atol)
               for t, u in zip(thetas[:-1], thetas[1:]))


mistake("compared the columns of each matrix instead of its rows (a row of thetas[l] holds one unit's "
        "incoming weights)", _wrong_axis)
mistake("checked only the incoming weights; units whose outgoing weights (columns 1.. of thetas[l + 1]) differ "
        "are not identical", _incoming_only)
mistake("left out the bias column: units with different bias weights (column 0) are not identical", _no_bias)
mistake("compared the rows of the next matrix for the outgoing weights; a hidden unit's outgoing weights are a "
        "column of thetas[l + 1]", _outgoing_rows)
mistake("checked only the first hidden layer", lambda thetas, atol=1e-12: hidden_units_symmetric(thetas[:2], atol))
mistake("ignored atol (np.allclose's default tolerances, or exact ==)",
        lambda thetas, atol=1e-12: hidden_units_symmetric(thetas, 1e-8 if atol == 1e-12 else 0.0))

# %% hidden="hidden_units_symmetric" points=2
ag.score(ag.check_cases("hidden_units_symmetric", ag.baked("hidden_units_symmetric")), points=2)

# %% [markdown]
# ### Training from zeros
#
# Now watch it happen.  The cell below trains a 2-4-2 network (sigmoid units, cross-entropy) on
# an XOR-like data set — class 1 where the two coordinates have opposite signs, which needs the
# hidden layer — with 300 steps of batch gradient descent, once from `zero_initialize` and once
# from small random weights, and asks your `hidden_units_symmetric` after **every** update.
#
# From zeros, the very first update does not even change $\Theta^{(1)}$: the error terms of the
# hidden layer are $\delta^{(2)} = (\Theta^{(2)})^T \delta^{(3)} \odot g'(z^{(2)}) = 0$ because
# $\Theta^{(2)} = 0$.  Only $\Theta^{(2)}$ moves — by the same amount in every hidden unit's
# column, since all hidden activations are $g(0) = 0.5$.  From then on the four units get the
# same updates at every step: the left plot shows four lines drawn on top of each other, and the
# network can only do what a 2-1-2 network does.

# %%
def _xor_data(m, seed):
    """m points in the four quadrants; label 1 where x1 and x2 have opposite signs."""
    g = np.random.default_rng(seed)
    X = g.uniform(0.2, 1.0, size=(m, 2)) * g.choice([-1.0, 1.0], size=(m, 2))
    return X, (X[:, 0] * X[:, 1] < 0).astype(int)


X_xor, y_xor = _xor_data(80, 6)
try:
    _g = np.random.default_rng(6)
    _starts = {"zeros": zero_initialize([2, 4, 2]),
               "random": [_g.uniform(-0.5, 0.5, size=s) for s in layer_shapes([2, 4, 2])]}
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    for ax, (name, start) in zip(axes, _starts.items()):
        path, costs = gradient_descent_path(start, X_xor, y_xor, 0.0, 3.0, 300)
        flags = [hidden_units_symmetric(p) for p in path]
        acc = np.mean(feedforward(path[-1], X_xor).argmax(axis=1) == y_xor)
        print(f"from {name:6s}: symmetric after every update: {all(flags)}, after none: {not any(flags)}; "
              f"cost {costs[0]:.3f} -> {costs[-1]:.3f}, training accuracy {acc:.2f}")
        w = np.array([p[0][:, 1] for p in path])  # weight from input x1 into each hidden unit
        ax.plot(w)
        ax.set(title=f"start from {name}: weight x1 -> hidden unit i", xlabel="update", ylabel="weight")
        axes[2].plot(costs, label=f"from {name}")
    axes[2].set(title="cost during gradient descent", xlabel="update", ylabel="J")
    axes[2].legend()
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement zero_initialize and hidden_units_symmetric to run this experiment.")

# %% [markdown]
# ## 2. Breaking the symmetry: uniform in $[-\varepsilon, \varepsilon]$
#
# The lecture's remedy draws every weight independently and uniformly from
# $[-\varepsilon, \varepsilon]$: the units start different, so they receive different gradients
# and drift apart.  The interval is kept small so that the weighted sums $z$ start near 0, where
# the sigmoid is steep (not saturated) and learning is fast.  How small?  A popular rule that
# adapts to the layer's size is
#
# $$\varepsilon = \frac{\sqrt 6}{\sqrt{L_{in} + L_{out}}},$$
#
# with $L_{in}$ and $L_{out}$ the numbers of units on both sides of $\Theta^{(l)}$ (bias not
# counted).  For the lecture's first layer, 400 inputs and 25 hidden units,
# $\varepsilon = \sqrt 6 / \sqrt{425} \approx 0.1188$, which the lecture rounds to its default
# `EPSILON_INIT = 0.12`.  Where does $\sqrt 6$ come from?  A uniform variable on
# $[-\varepsilon, \varepsilon]$ has variance $\varepsilon^2 / 3$, so this choice gives the weights
# variance $2 / (L_{in} + L_{out})$ — exactly Xavier's variance of section 3.
#
# Write `init_epsilon(L_in, L_out)` returning $\sqrt 6 / \sqrt{L_{in} + L_{out}}$ as a float.

# %% solution="init_epsilon"

# %% test="init_epsilon" points=1
ag.expect_close(init_epsilon(400, 25), np.sqrt(6) / np.sqrt(425), "init_epsilon(400, 25)")
ag.expect_close(round(init_epsilon(400, 25), 2), 0.12, "init_epsilon(400, 25) rounded to 2 decimals (the lecture's 0.12)")
ag.expect_close(init_epsilon(3, 3), 1.0, "init_epsilon(3, 3)")

# %% cases="init_epsilon"
for L_in, L_out in [(400, 25), (25, 10), (3, 3), (1, 1), (784, 100), (2, 7)]:
    case(L_in, L_out)
mistake("forgot the square root around L_in + L_out: sqrt(6) / (L_in + L_out)",
        lambda L_in, L_out: np.sqrt(6) / (L_in + L_out))
mistake("forgot the square root of 6: 6 / sqrt(L_in + L_out)", lambda L_in, L_out: 6 / np.sqrt(L_in + L_out))
mistake("counted the bias unit: sqrt(6) / sqrt(L_in + 1 + L_out)",
        lambda L_in, L_out: np.sqrt(6) / np.sqrt(L_in + 1 + L_out))
mistake("used only L_in: sqrt(6) / sqrt(L_in)", lambda L_in, L_out: np.sqrt(6) / np.sqrt(L_in))
mistake("returned Xavier's standard deviation sqrt(2 / (L_in + L_out)) instead of the half-width eps",
        lambda L_in, L_out: np.sqrt(2 / (L_in + L_out)))

# %% hidden="init_epsilon" points=1
ag.score(ag.check_cases("init_epsilon", ag.baked("init_epsilon")), points=1)

# %% [markdown]
# Now `rand_initialize_weights(L_in, L_out, *, rng, epsilon_init=0.12)`: the weights of one layer,
# a matrix of shape $(L_{out}, L_{in} + 1)$ — one row per unit of the layer, one column per input
# plus the bias — whose entries, **the bias column included**, are independent and uniform in
# $[-\varepsilon, \varepsilon]$ with $\varepsilon$ = `epsilon_init`.  (The lecture's Octave
# line is `W = rand(L_out, 1 + L_in) * 2 * EPSILON_INIT - EPSILON_INIT`: `rand` is uniform in
# $[0, 1)$, and the scaling maps it to $[-\varepsilon, \varepsilon)$.)  Take the numbers from
# `rng`.  The `*` in the signature makes `rng` and `epsilon_init` keyword-only: call it as
# `rand_initialize_weights(400, 25, rng=rng)`.

# %% solution="rand_initialize_weights"

# %% test="rand_initialize_weights" points=1
_W = rand_initialize_weights(400, 25, rng=np.random.default_rng(0))
ag.expect_shape(_W, (25, 401), "rand_initialize_weights(400, 25, rng=np.random.default_rng(0))")
ag.expect_close(bool(np.all(np.abs(_W) <= 0.12)), True, "every weight inside [-0.12, 0.12]")
ag.expect_close(bool(np.min(_W) < -0.1 and np.max(_W) > 0.1), True,
                "weights spread over the whole interval, down to below -0.1 and up to above 0.1")
_W2 = rand_initialize_weights(400, 25, rng=np.random.default_rng(0))
ag.expect_close(_W2, _W, "a second call with rng=np.random.default_rng(0) (same seed, same weights)")

# %% hidden="rand_initialize_weights" points=2
# Only statistics of your draws are judged, so any correct way of drawing passes.  Each
# statistical check fails a correct solution with probability below P_FALSE = 1e-9.
_r = ag.Result("rand_initialize_weights")
_runs = [(400, 25, {}, 621), (30, 20, {"epsilon_init": 2.0}, 622), (1, 1, {}, 623)]
_outs = [ag.call("rand_initialize_weights", [i, o], {"rng": np.random.default_rng(s), **kw}) for i, o, kw, s in _runs]
_repeat = [ag.call("rand_initialize_weights", [7, 5], {"rng": np.random.default_rng(s)}) for s in (5, 5, 6)]
if ag.GRADER:
    P_FALSE = 1e-9

    def _judge_uniform(out, L_in, L_out, kw, seed, weight):
        eps = kw.get("epsilon_init", 0.12)
        label = (f"rand_initialize_weights({L_in}, {L_out}, rng=np.random.default_rng({seed})"
                 + "".join(f", {k}={v}" for k, v in kw.items()) + ")")
        if not out.ok:
            return _r.fail(f"{label} raised {out.error}", weight)
        try:
            W = np.asarray(out.value, dtype=float)
        except (TypeError, ValueError):
            return _r.fail(f"{label} returned a {type(out.value).__name__}, expected an array", weight)
        want = (L_out, L_in + 1)
        if W.shape != want:
            hint = (" — the bias column is missing" if W.shape == (L_out, L_in) else
                    " — rows and columns are swapped: one row per unit of the layer (L_out), one column per "
                    "input plus the bias (L_in + 1)" if W.shape in [(L_in + 1, L_out), (L_in, L_out + 1)] else "")
            return _r.fail(f"{label}: expected shape (L_out, L_in + 1) = {want}, received {W.shape}{hint}", weight)
        n = W.size
        if not np.all(np.isfinite(W)):
            return _r.fail(f"{label}: contains non-finite values", weight)
        if not W.any():
            return _r.fail(f"{label}: received all zeros — units that start equal stay equal (the symmetry "
                           "problem): draw the weights at random", weight)
        k = int(np.argmax(np.abs(W)))
        if abs(W.flat[k]) > eps:
            return _r.fail(f"{label}: entry {np.unravel_index(k, W.shape)} = {W.flat[k]:.6g} lies outside "
                           f"[-epsilon_init, epsilon_init] = [{-eps:g}, {eps:g}]", weight)
        # P(all n entries >= 0) = 2^-n for U(-eps, eps): meaningful once 2^-n < P_FALSE (n >= 30).
        if 0.5 ** n < P_FALSE and W.min() >= 0:
            return _r.fail(f"{label}: all {n} weights are >= 0 — draw from [-eps, eps], not from [0, eps] "
                           "(e.g. rng.uniform(-eps, eps, size=...))", weight)
        # P(max |w| < (1 - d) eps) = (1 - d)^n = P_FALSE gives the d below: the draws must reach the ends.
        d = 1.0 - P_FALSE ** (1.0 / n)
        if d < 0.5 and np.abs(W).max() < (1 - d) * eps:
            return _r.fail(f"{label}: the largest |weight| is {np.abs(W).max():.4g}, but {n} draws from "
                           f"U(-{eps:g}, {eps:g}) reach beyond {(1 - d) * eps:.4g} — the interval is too narrow"
                           + (": use the epsilon_init argument" if "epsilon_init" in kw else ""), weight)
        if n >= 1000:
            # Uniform law: std eps/sqrt(3); the sample std has relative standard error
            # sqrt((kurtosis - 1) / (4 n)) = sqrt(0.2 / n); the mean has standard error std / sqrt(n).
            sigma = eps / np.sqrt(3)
            tol = 6 * np.sqrt(0.2 / n)
            if abs(W.mean()) > 6 * sigma / np.sqrt(n):
                return _r.fail(f"{label}: the mean of the weights is {W.mean():.4g}, expected 0 "
                               f"(within ±{6 * sigma / np.sqrt(n):.2g}, 6 standard errors for {n} draws)", weight)
            if abs(W.std() / sigma - 1) > tol:
                return _r.fail(f"{label}: the standard deviation of the weights is {W.std():.4g}, expected "
                               f"eps/sqrt(3) = {sigma:.4g} for a uniform law on [-eps, eps] (within ±{tol:.1%})",
                               weight)
            if not W[:, 0].any():
                return _r.fail(f"{label}: the bias column (column 0) is all zeros — draw it like the other "
                               "weights (the whole matrix is uniform in [-eps, eps])", weight)
        return _r.record(1.0, "", weight)

    for (L_in, L_out, kw, seed), out in zip(_runs, _outs):
        _judge_uniform(out, L_in, L_out, kw, seed, 2 if L_in == 400 else 1)
    _a, _b, _c = _repeat
    if not (_a.ok and _b.ok and _c.ok):
        _r.fail("rand_initialize_weights(7, 5, rng=...) raised " + next(o.error for o in _repeat if not o.ok))
    elif np.shape(_a.value) != np.shape(_b.value) or not np.array_equal(_a.value, _b.value):
        _r.fail("two calls with rng=np.random.default_rng(5) returned different weights: take every random "
                "number from rng (not from np.random.* or a generator of your own), so a run can be repeated")
    elif np.shape(_a.value) == np.shape(_c.value) and np.array_equal(_a.value, _c.value):
        _r.fail("rng=np.random.default_rng(5) and rng=np.random.default_rng(6) gave the same weights: "
                "the weights must be drawn from rng")
    else:
        _r.record(1.0)
ag.score(_r, points=2)

# %% [markdown]
# ## 3. Xavier and He: scale the weights to the layer
#
# Why should the scale depend on the layer's size?  Take one unit with $n = L_{in}$ inputs
# $x_j$ of mean 0 and variance $v$, and independent weights $w_j$ of mean 0 and variance
# $\sigma^2$.  Its weighted sum $z = \sum_j w_j x_j$ has mean 0 and variance
#
# $$\operatorname{Var}(z) = \sum_{j=1}^{n} \operatorname{Var}(w_j)\operatorname{Var}(x_j)
#   = n\, \sigma^2\, v.$$
#
# So each layer multiplies the variance of the signal by $L_{in} \sigma^2$ (near 0 a tanh unit is
# the identity, so the activations inherit this).  If $L_{in}\sigma^2 < 1$, ten layers shrink it
# by $(L_{in}\sigma^2)^{10}$; if $L_{in}\sigma^2 > 1$ it explodes.  The same argument for the
# error terms flowing *backwards* gives the factor $L_{out}\sigma^2$.
#
# * **Xavier** (Glorot and Bengio, 2010, for tanh-like units) cannot make both factors 1 when
#   $L_{in} \neq L_{out}$ and compromises with their average:
#   $\sigma^2 = \dfrac{2}{L_{in} + L_{out}}$, i.e. weights $\sim \mathcal N\!\big(0, \tfrac{2}{L_{in} + L_{out}}\big)$.
# * **He** (He, Zhang, Ren and Sun, 2015, for ReLU units): a ReLU sets the negative half of its
#   inputs to 0, which halves the second moment passed on; doubling the variance compensates:
#   $\sigma^2 = \dfrac{2}{L_{in}}$.
#
# In both, **only the fan-in/fan-out numbers of non-bias units enter**, and the bias weights
# (column 0) start at exactly 0 — the random weights already make the units different.
#
# Write `xavier_initialize(L_in, L_out, *, rng)` and `he_initialize(L_in, L_out, *, rng)`, each
# returning a $(L_{out}, L_{in} + 1)$ matrix with column 0 all zeros and the other entries
# drawn from a normal distribution with mean 0 and standard deviation
# $\sqrt{2 / (L_{in} + L_{out})}$ (Xavier) or $\sqrt{2 / L_{in}}$ (He).  Careful: NumPy's
# `rng.normal(loc, scale, size)` takes the **standard deviation** as `scale`, not the variance.

# %% solution="xavier_initialize"

# %% test="xavier_initialize" points=1
_W = xavier_initialize(400, 25, rng=np.random.default_rng(0))
ag.expect_shape(_W, (25, 401), "xavier_initialize(400, 25, rng=np.random.default_rng(0))")
ag.expect_close(_W[:, 0], np.zeros(25), "the bias column of xavier_initialize(400, 25, ...)")
# 10000 normal draws: the sample std is within 5% of sqrt(2/425) = 0.0686 (7 standard errors).
ag.expect_close(bool(abs(np.std(_W[:, 1:]) / np.sqrt(2 / 425) - 1) < 0.05), True,
                "standard deviation of the weights within 5% of sqrt(2 / (400 + 25)) = 0.0686")

# %% hidden="xavier_initialize" points=1
# Only statistics of your draws are judged; each check fails a correct solution with probability < 1e-9.
_r = ag.Result("xavier_initialize")
_runs = [(400, 25, 631), (25, 400, 632)]
_outs = [ag.call("xavier_initialize", [i, o], {"rng": np.random.default_rng(s)}) for i, o, s in _runs]
_repeat = [ag.call("xavier_initialize", [7, 5], {"rng": np.random.default_rng(s)}) for s in (5, 5, 6)]
if ag.GRADER:
    def _judge_normal(name, out, L_in, L_out, seed, sigma, candidates):
        """Shape, zero bias column, mean, standard deviation and normality of one draw."""
        label = f"{name}({L_in}, {L_out}, rng=np.random.default_rng({seed}))"
        if not out.ok:
            return _r.fail(f"{label} raised {out.error}")
        try:
            W = np.asarray(out.value, dtype=float)
        except (TypeError, ValueError):
            return _r.fail(f"{label} returned a {type(out.value).__name__}, expected an array")
        if W.shape != (L_out, L_in + 1):
            hint = " — the bias column is missing" if W.shape == (L_out, L_in) else ""
            return _r.fail(f"{label}: expected shape (L_out, L_in + 1) = {(L_out, L_in + 1)}, "
                           f"received {W.shape}{hint}")
        if np.any(W[:, 0] != 0):
            return _r.fail(f"{label}: the bias column (column 0) must be all zeros, received "
                           f"{np.count_nonzero(W[:, 0])} nonzero entries — draw only columns 1..")
        w = W[:, 1:].ravel()
        n = w.size
        if not w.any():
            return _r.fail(f"{label}: received all zeros — draw the weights at random")
        # Normal law: the mean has standard error sigma / sqrt(n), the sample std a relative
        # standard error 1 / sqrt(2 n), the excess kurtosis a standard error sqrt(24 / n); 6 of each.
        if abs(w.mean()) > 6 * sigma / np.sqrt(n):
            return _r.fail(f"{label}: the mean of the weights is {w.mean():.4g}, expected 0 "
                           f"(within ±{6 * sigma / np.sqrt(n):.2g})")
        s, tol = np.sqrt(np.mean(w ** 2)), 6 / np.sqrt(2 * n)
        if abs(s / sigma - 1) > tol:
            named = [words for words, value in candidates if abs(s / value - 1) <= tol]
            return _r.fail(f"{label}: the standard deviation of the weights is {s:.4g}, expected {sigma:.4g} "
                           f"(within ±{tol:.1%})" + (" — this is what you get if you " + " or if you ".join(named) if named else ""))
        kurt = np.mean(w ** 4) / s ** 4 - 3.0
        if abs(kurt) > 6 * np.sqrt(24 / n):
            return _r.fail(f"{label}: the weights do not look normally distributed (excess kurtosis {kurt:.2f}, "
                           "0 for a normal law, -1.2 for a uniform one): draw them with rng.normal")
        return _r.record(1.0)

    def _judge_repeat(name, runs):
        a, b, c = runs
        if not (a.ok and b.ok and c.ok):
            return _r.fail(f"{name}(7, 5, rng=...) raised " + next(o.error for o in runs if not o.ok))
        if np.shape(a.value) != np.shape(b.value) or not np.array_equal(a.value, b.value):
            return _r.fail(f"two calls of {name} with rng=np.random.default_rng(5) returned different weights: "
                           "take every random number from rng (not from np.random.*), so a run can be repeated")
        if np.shape(a.value) == np.shape(c.value) and np.array_equal(a.value, c.value):
            return _r.fail(f"{name} gave the same weights for rng=np.random.default_rng(5) and (6): draw them from rng")
        return _r.record(1.0)

    for (L_in, L_out, seed), out in zip(_runs, _outs):
        _judge_normal("xavier_initialize", out, L_in, L_out, seed, np.sqrt(2 / (L_in + L_out)), [
            ("used only the fan-in L_in (He's sqrt(2 / L_in)) instead of L_in + L_out", np.sqrt(2 / L_in)),
            ("used only the fan-out L_out instead of L_in + L_out", np.sqrt(2 / L_out)),
            ("used sqrt(1 / L_in) (LeCun's scale) instead of sqrt(2 / (L_in + L_out))", np.sqrt(1 / L_in)),
            ("passed the variance 2 / (L_in + L_out) as the standard deviation (rng.normal takes the std)",
             2 / (L_in + L_out)),
            ("forgot the factor 2: sqrt(1 / (L_in + L_out))", np.sqrt(1 / (L_in + L_out))),
            ("used the uniform half-width sqrt(6 / (L_in + L_out)) as the standard deviation",
             np.sqrt(6 / (L_in + L_out))),
        ])
    _judge_repeat("xavier_initialize", _repeat)
ag.score(_r, points=1)

# %% solution="he_initialize"

# %% test="he_initialize" points=1
_W = he_initialize(400, 25, rng=np.random.default_rng(0))
ag.expect_shape(_W, (25, 401), "he_initialize(400, 25, rng=np.random.default_rng(0))")
ag.expect_close(_W[:, 0], np.zeros(25), "the bias column of he_initialize(400, 25, ...)")
# 10000 normal draws: the sample std is within 5% of sqrt(2/400) = 0.0707 (7 standard errors).
ag.expect_close(bool(abs(np.std(_W[:, 1:]) / np.sqrt(2 / 400) - 1) < 0.05), True,
                "standard deviation of the weights within 5% of sqrt(2 / 400) = 0.0707")

# %% hidden="he_initialize" points=1
# Only statistics of your draws are judged; each check fails a correct solution with probability < 1e-9.
_r = ag.Result("he_initialize")
_runs = [(400, 25, 641), (25, 400, 642)]
_outs = [ag.call("he_initialize", [i, o], {"rng": np.random.default_rng(s)}) for i, o, s in _runs]
_repeat = [ag.call("he_initialize", [7, 5], {"rng": np.random.default_rng(s)}) for s in (5, 5, 6)]
if ag.GRADER:
    def _judge_normal(name, out, L_in, L_out, seed, sigma, candidates):
        """Shape, zero bias column, mean, standard deviation and normality of one draw."""
        label = f"{name}({L_in}, {L_out}, rng=np.random.default_rng({seed}))"
        if not out.ok:
            return _r.fail(f"{label} raised {out.error}")
        try:
            W = np.asarray(out.value, dtype=float)
        except (TypeError, ValueError):
            return _r.fail(f"{label} returned a {type(out.value).__name__}, expected an array")
        if W.shape != (L_out, L_in + 1):
            hint = " — the bias column is missing" if W.shape == (L_out, L_in) else ""
            return _r.fail(f"{label}: expected shape (L_out, L_in + 1) = {(L_out, L_in + 1)}, "
                           f"received {W.shape}{hint}")
        if np.any(W[:, 0] != 0):
            return _r.fail(f"{label}: the bias column (column 0) must be all zeros, received "
                           f"{np.count_nonzero(W[:, 0])} nonzero entries — draw only columns 1..")
        w = W[:, 1:].ravel()
        n = w.size
        if not w.any():
            return _r.fail(f"{label}: received all zeros — draw the weights at random")
        # Normal law: the mean has standard error sigma / sqrt(n), the sample std a relative
        # standard error 1 / sqrt(2 n), the excess kurtosis a standard error sqrt(24 / n); 6 of each.
        if abs(w.mean()) > 6 * sigma / np.sqrt(n):
            return _r.fail(f"{label}: the mean of the weights is {w.mean():.4g}, expected 0 "
                           f"(within ±{6 * sigma / np.sqrt(n):.2g})")
        s, tol = np.sqrt(np.mean(w ** 2)), 6 / np.sqrt(2 * n)
        if abs(s / sigma - 1) > tol:
            named = [words for words, value in candidates if abs(s / value - 1) <= tol]
            return _r.fail(f"{label}: the standard deviation of the weights is {s:.4g}, expected {sigma:.4g} "
                           f"(within ±{tol:.1%})" + (" — this is what you get if you " + " or if you ".join(named) if named else ""))
        kurt = np.mean(w ** 4) / s ** 4 - 3.0
        if abs(kurt) > 6 * np.sqrt(24 / n):
            return _r.fail(f"{label}: the weights do not look normally distributed (excess kurtosis {kurt:.2f}, "
                           "0 for a normal law, -1.2 for a uniform one): draw them with rng.normal")
        return _r.record(1.0)

    def _judge_repeat(name, runs):
        a, b, c = runs
        if not (a.ok and b.ok and c.ok):
            return _r.fail(f"{name}(7, 5, rng=...) raised " + next(o.error for o in runs if not o.ok))
        if np.shape(a.value) != np.shape(b.value) or not np.array_equal(a.value, b.value):
            return _r.fail(f"two calls of {name} with rng=np.random.default_rng(5) returned different weights: "
                           "take every random number from rng (not from np.random.*), so a run can be repeated")
        if np.shape(a.value) == np.shape(c.value) and np.array_equal(a.value, c.value):
            return _r.fail(f"{name} gave the same weights for rng=np.random.default_rng(5) and (6): draw them from rng")
        return _r.record(1.0)

    for (L_in, L_out, seed), out in zip(_runs, _outs):
        _judge_normal("he_initialize", out, L_in, L_out, seed, np.sqrt(2 / L_in), [
            ("used the fan-out L_out instead of the fan-in L_in", np.sqrt(2 / L_out)),
            ("used Xavier's sqrt(2 / (L_in + L_out)) instead of sqrt(2 / L_in)", np.sqrt(2 / (L_in + L_out))),
            ("forgot the factor 2: sqrt(1 / L_in)", np.sqrt(1 / L_in)),
            ("passed the variance 2 / L_in as the standard deviation (rng.normal takes the std)", 2 / L_in),
        ])
    _judge_repeat("he_initialize", _repeat)
ag.score(_r, points=1)

# %% [markdown]
# ## 4. A whole network: `initialize_network`
#
# `initialize_network(layer_sizes, *, rng, scheme)` returns the list of initial weight matrices
# for `layer_sizes` $= [s_1, \dots, s_L]$, `thetas[l]` of shape $(s_{l+1}, s_l + 1)$, under
# one of the schemes (the tuple `SCHEMES` above):
#
# | `scheme` | layer $l$ with $L_{in} = s_l$, $L_{out} = s_{l+1}$ |
# |---|---|
# | `"zeros"` | all zeros (`rng` is not used) |
# | `"uniform"` | uniform in $[-\varepsilon_l, \varepsilon_l]$ with $\varepsilon_l$ = `init_epsilon(L_in, L_out)` — a different $\varepsilon$ for every layer, not the fixed 0.12 |
# | `"xavier"` | `xavier_initialize(L_in, L_out, rng=rng)` |
# | `"he"` | `he_initialize(L_in, L_out, rng=rng)` |
#
# Draw the layers in order, all from the one `rng` you are given.  Any other `scheme` is a
# mistake of the caller: raise a `ValueError` that names the scheme received and the valid ones.
# Use your functions from above.

# %% solution="initialize_network"

# %% test="initialize_network" points=1
for _scheme in ("zeros", "uniform", "xavier", "he"):
    _th = initialize_network([4, 5, 3], rng=np.random.default_rng(1), scheme=_scheme)
    ag.expect_close([np.shape(t) for t in _th], [(5, 5), (3, 6)], f"shapes for scheme={_scheme!r}")
ag.expect_close(initialize_network([4, 5, 3], rng=np.random.default_rng(1), scheme="zeros"),
                [np.zeros((5, 5)), np.zeros((3, 6))], "initialize_network([4, 5, 3], ..., scheme='zeros')")
_th = initialize_network([4, 5, 3], rng=np.random.default_rng(1), scheme="uniform")
ag.expect_close([bool(np.all(np.abs(t) <= e)) for t, e in zip(_th, [np.sqrt(6 / 9), np.sqrt(6 / 8)])], [True, True],
                "uniform weights inside [-init_epsilon(4, 5), init_epsilon(4, 5)] and [-init_epsilon(5, 3), ...]")
ag.expect_raises(ValueError, initialize_network, [4, 5, 3], rng=np.random.default_rng(1), scheme="normal")

# %% hidden="initialize_network" points=2
# Graded with the reference zero_initialize, init_epsilon, rand_initialize_weights, xavier_initialize
# and he_initialize in place of yours, so a mistake there is not charged twice.
_swap = ag.trusted("zero_initialize init_epsilon rand_initialize_weights xavier_initialize he_initialize")
_r = ag.Result("initialize_network")
_runs = [([3, 4, 2], "zeros", 650), ([20, 30, 5], "uniform", 651), ([200, 100, 50], "xavier", 652),
         ([200, 100, 50], "he", 653)]
_outs = [ag.call("initialize_network", [s], {"rng": np.random.default_rng(seed), "scheme": sc}, swap=_swap)
         for s, sc, seed in _runs]
_repeat = [ag.call("initialize_network", [[6, 4, 3]], {"rng": np.random.default_rng(s), "scheme": "he"}, swap=_swap)
           for s in (5, 5, 6)]
_bad = ag.call("initialize_network", [[3, 2]], {"rng": np.random.default_rng(0), "scheme": "normal"}, swap=_swap)
if ag.GRADER:
    P_FALSE = 1e-9

    def _layers(out, sizes, label):
        """The weight matrices when the call worked and the shapes are right, else None (failure recorded)."""
        if not out.ok:
            _r.fail(f"{label} raised {out.error}")
            return None
        want = [(b, a + 1) for a, b in zip(sizes[:-1], sizes[1:])]
        try:
            thetas = [np.asarray(t, dtype=float) for t in out.value]
            got = [t.shape for t in thetas]
        except (TypeError, ValueError):
            _r.fail(f"{label}: expected a list of {len(want)} matrices, received {type(out.value).__name__}")
            return None
        if got != want:
            hint = (" — each layer needs L_in = layer_sizes[l], L_out = layer_sizes[l + 1] (in this order)"
                    if got == [(a + 1, b) for a, b in zip(sizes[:-1], sizes[1:])]
                    or got == [(a, b + 1) for a, b in zip(sizes[:-1], sizes[1:])] else "")
            _r.fail(f"{label}: expected matrices of shapes {want}, received {got}{hint}")
            return None
        return thetas

    for (sizes, scheme, seed), out in zip(_runs, _outs):
        label = f"initialize_network({sizes}, rng=np.random.default_rng({seed}), scheme={scheme!r})"
        thetas = _layers(out, sizes, label)
        if thetas is None:
            continue
        problems = []
        for l, (T, L_in, L_out) in enumerate(zip(thetas, sizes[:-1], sizes[1:])):
            n = T.size
            if scheme == "zeros":
                if T.any():
                    problems.append(f"thetas[{l}] has {np.count_nonzero(T)} nonzero entries, expected all zeros")
                continue
            if not T.any():
                problems.append(f"thetas[{l}] is all zeros: scheme {scheme!r} draws random weights")
                continue
            if scheme == "uniform":
                eps = np.sqrt(6) / np.sqrt(L_in + L_out)
                top = np.abs(T).max()
                # (1 - d)^n = P_FALSE: n uniform draws reach beyond (1 - d) eps with probability 1 - P_FALSE.
                d = 1.0 - P_FALSE ** (1.0 / n)
                if top > eps:
                    problems.append(f"thetas[{l}] has |weight| {top:.4g} > init_epsilon({L_in}, {L_out}) = {eps:.4g}")
                elif top < (1 - d) * eps:
                    why = (" — this is what you get if you used the default epsilon_init=0.12 instead of "
                           "init_epsilon(L_in, L_out) for every layer" if top <= 0.12 else "")
                    problems.append(f"thetas[{l}]: largest |weight| {top:.4g}, but {n} draws from "
                                    f"U(-eps, eps) with eps = init_epsilon({L_in}, {L_out}) = {eps:.4g} reach "
                                    f"beyond {(1 - d) * eps:.4g}{why}")
                continue
            # xavier / he: zero bias column and the scheme's standard deviation (6 relative standard
            # errors 1 / sqrt(2 n) of a sample std of n normal draws).
            if np.any(T[:, 0] != 0):
                problems.append(f"thetas[{l}] column 0 (the biases) must be zeros for scheme {scheme!r}")
                continue
            w = T[:, 1:]
            s, tol = np.sqrt(np.mean(w ** 2)), 6 / np.sqrt(2 * w.size)
            sigmas = {"xavier": np.sqrt(2 / (L_in + L_out)), "he": np.sqrt(2 / L_in)}
            if abs(s / sigmas[scheme] - 1) > tol:
                other = "he" if scheme == "xavier" else "xavier"
                why = (f" — that is the {other!r} scheme's standard deviation: the schemes are swapped"
                       if abs(s / sigmas[other] - 1) <= tol else "")
                problems.append(f"thetas[{l}]: standard deviation {s:.4g}, expected {sigmas[scheme]:.4g} "
                                f"for scheme {scheme!r} (within ±{tol:.0%}){why}")
        if problems:
            _r.fail(f"{label}: " + "; ".join(problems))
        else:
            _r.record(1.0)
    _a, _b, _c = _repeat
    if not (_a.ok and _b.ok and _c.ok):
        _r.fail("initialize_network([6, 4, 3], rng=..., scheme='he') raised " + next(o.error for o in _repeat if not o.ok))
    elif not all(np.array_equal(p, q) for p, q in zip(_a.value, _b.value)):
        _r.fail("two calls of initialize_network with rng=np.random.default_rng(5) returned different weights: "
                "pass the rng you are given on to every layer, never a generator of your own")
    elif all(np.array_equal(p, q) for p, q in zip(_a.value, _c.value)):
        _r.fail("initialize_network gave the same weights for rng=np.random.default_rng(5) and (6): use rng")
    else:
        _r.record(1.0)
    if _bad.ok:
        _r.fail("initialize_network([3, 2], rng=..., scheme='normal') returned a result instead of raising "
                "ValueError: an unknown scheme must not silently fall back to another one")
    elif not _bad.error.startswith("ValueError"):
        _r.fail(f"initialize_network([3, 2], rng=..., scheme='normal') raised {_bad.error}; expected a ValueError")
    else:
        _r.record(1.0)
ag.score(_r, points=2)

# %% [markdown]
# ## 5. What the scale does to a deep network
#
# To see the variance argument at work, push data through a deep network and look at the
# activations of every hidden layer.  `layer_activation_stats(thetas, X, activation)` does the
# forward pass with the hidden activation `activation` — `"tanh"`, `"relu"` or `"sigmoid"` (the
# tuple `ACTIVATIONS`) —
#
# $$a^{(1)} = X, \qquad a^{(l+1)} = g\big([1,\ a^{(l)}]\ \Theta^{(l)T}\big), \qquad l = 1, \dots, L - 2,$$
#
# (rows are examples, the column of ones is the bias unit) and returns, for every **hidden**
# layer $2, \dots, L-1$ in order, the pair `(mean, std)` of all $m \cdot s_{l+1}$ activations
# of that layer: `np.mean` and `np.std` (population standard deviation, `ddof=0`) over the whole
# matrix $g(z)$, **without** the bias unit.  The output layer, `thetas[-1]`, is not a hidden layer
# and is not used.  So for `L - 1` weight matrices the result is a list of `L - 2` pairs.  An
# unknown `activation` raises a `ValueError`.

# %% solution="layer_activation_stats"

# %% test="layer_activation_stats" points=1
# One hidden unit with bias 0 and weight 1, inputs -1 and 1: activations g(-1) and g(1).
_th = [np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])]
_X = np.array([[-1.0], [1.0]])
ag.expect_close(layer_activation_stats(_th, _X, "tanh"), [(0.0, np.tanh(1.0))],
                "layer_activation_stats(one-unit network, X=[[-1], [1]], 'tanh')")
ag.expect_close(layer_activation_stats(_th, _X, "relu"), [(0.5, 0.5)],
                "layer_activation_stats(one-unit network, X=[[-1], [1]], 'relu')")
_th3 = [np.full((2, 2), 0.5), np.full((2, 3), 0.5), np.ones((1, 3))]
ag.expect_shape(layer_activation_stats(_th3, _X, "sigmoid"), (2, 2),
                "layer_activation_stats(1-2-2-1 network, ...): one (mean, std) pair per hidden layer")

# %% cases="layer_activation_stats"
rng = np.random.default_rng(660)
for sizes, m, act, scale in [([3, 5, 2], 7, "tanh", 1.0), ([4, 6, 5, 3], 9, "relu", 1.0),
                             ([2, 4, 4, 4, 2], 6, "sigmoid", 2.0), ([5, 8, 8, 8, 8, 3], 20, "tanh", 0.3),
                             ([3, 6, 6, 2], 10, "relu", 3.0), ([2, 1], 4, "tanh", 1.0)]:
    case([rng.normal(scale=scale, size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])],
         rng.normal(size=(m, sizes[0])), act)
_G = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def _stats(thetas, X, activation, *, output=False, bias=False, pre=False, ddof=0, per_unit=False,
           no_bias_weight=False, fixed=None):
    g = _G[fixed or activation]
    a, out = np.asarray(X, dtype=float), []
    for T in (thetas if output else thetas[:-1]):
        z = a @ T[:, 1:].T + (0.0 if no_bias_weight else T[:, 0])
        a = g(z)
        shown = z if pre else (np.column_stack([np.ones(len(a)), a]) if bias else a)
        out.append((float(shown.mean()), float(shown.std(axis=0).mean() if per_unit else shown.std(ddof=ddof))))
    return out


mistake("also included the output layer (thetas[-1] is not a hidden layer)",
        lambda th, X, act: _stats(th, X, act, output=True))
mistake("included the bias unit (the column of ones) in the statistics", lambda th, X, act: _stats(th, X, act, bias=True))
mistake("took the statistics of z, before the activation, instead of a = g(z)",
        lambda th, X, act: _stats(th, X, act, pre=True))
mistake("used the sample standard deviation (ddof=1); use np.std's default ddof=0",
        lambda th, X, act: _stats(th, X, act, ddof=1))
mistake("averaged the per-unit standard deviations (std over axis 0) instead of the std of all activations",
        lambda th, X, act: _stats(th, X, act, per_unit=True))
mistake("left out the bias weights (column 0 of thetas[l]) in z", lambda th, X, act: _stats(th, X, act, no_bias_weight=True))
mistake("used the sigmoid whatever the activation argument", lambda th, X, act: _stats(th, X, act, fixed="sigmoid"))
mistake("used tanh whatever the activation argument", lambda th, X, act: _stats(th, X, act, fixed="tanh"))

# %% hidden="layer_activation_stats" points=2
_r = ag.check_cases("layer_activation_stats", ag.baked("layer_activation_stats"))
_bad = ag.call("layer_activation_stats", [[np.ones((2, 3)), np.ones((1, 3))], np.ones((4, 2)), "softplus"])
if ag.GRADER:
    if _bad.ok:
        _r.fail("layer_activation_stats(..., 'softplus') returned a result instead of raising ValueError "
                "for an unknown activation")
    elif not _bad.error.startswith("ValueError"):
        _r.fail(f"layer_activation_stats(..., 'softplus') raised {_bad.error}; expected a ValueError "
                "naming the unknown activation")
    else:
        _r.record(1.0)
ag.score(_r, points=2)

# %% [markdown]
# ### Ten layers deep
#
# The network below has 256 inputs, ten hidden layers of 256 units and 10 outputs; 200 examples
# with standard normal features go in.  We compare four initializations (biases 0):
# a normal law with the small standard deviation $10^{-2}$ that is often used for small networks,
# Xavier, He, and a normal law with standard deviation 1.
#
# First the summary from your `layer_activation_stats`: the standard deviation of each hidden
# layer's activations (log scale).  Then the histograms of the activations of some layers.
#
# What to look for:
#
# * **std $10^{-2}$ collapses**: each layer multiplies the spread by about
#   $\sqrt{L_{in}}\,\sigma = 16 \times 0.01 = 0.16$, so after ten layers every activation is
#   practically 0 (tanh) — the histograms shrink to a spike at 0.  The gradients, which are
#   multiplied by the same small weights on the way back, vanish as well: nothing learns.
# * **std 1 saturates tanh**: $z$ has a standard deviation of about $\sqrt{256} = 16$, so almost
#   every tanh unit outputs $-1$ or $+1$, where $\tanh' \approx 0$ — gradients vanish again.
#   With ReLU the same weights make the activations *explode* by a factor of about 11 per layer.
# * **Xavier keeps tanh alive** (the spread decays only slowly, because tanh is a little flatter
#   than the identity), but with ReLU it halves the second moment at every layer.
# * **He keeps ReLU activations at a constant scale** through all ten layers.  On tanh, He's
#   variance (twice Xavier's for square layers) already pushes many units towards $\pm 1$:
#   each scheme fits the activation it was derived for.

# %%
_sizes = [256] * 11 + [10]
_Xdeep = np.random.default_rng(0).normal(size=(200, 256))


def _normal_net(std, seed):
    g = np.random.default_rng(seed)
    return [np.column_stack([np.zeros(b), g.normal(0.0, std, size=(b, a))]) for a, b in zip(_sizes[:-1], _sizes[1:])]


def _deep_nets():
    return {"std 1e-2": _normal_net(0.01, 1),
            "Xavier": initialize_network(_sizes, rng=np.random.default_rng(1), scheme="xavier"),
            "He": initialize_network(_sizes, rng=np.random.default_rng(1), scheme="he"),
            "std 1": _normal_net(1.0, 1)}


try:
    _nets = _deep_nets()
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    for ax, act in zip(axes, ("tanh", "relu")):
        for name, thetas in _nets.items():
            stds = [s for _, s in layer_activation_stats(thetas, _Xdeep, act)]
            ax.semilogy(range(1, 11), stds, "o-", label=name)
        ax.set(title=f"{act}: std of the activations of each hidden layer", xlabel="hidden layer",
               ylabel="std (log scale)")
        ax.legend()
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement xavier_initialize, he_initialize, initialize_network and layer_activation_stats "
          "to see this figure.")

# %%
def _activations(thetas, X, g):
    """Hidden activations of every layer (without bias unit), for the histograms."""
    out = [np.asarray(X, dtype=float)]
    for T in thetas[:-1]:
        out.append(g(out[-1] @ T[:, 1:].T + T[:, 0]))
    return out[1:]


try:
    _nets = _deep_nets()
    _shown = [0, 3, 6, 9]  # hidden layers 1, 4, 7 and 10
    fig, axes = plt.subplots(2, len(_nets), figsize=(15, 6.5))
    for row, (act, g) in enumerate((("tanh", np.tanh), ("relu", lambda z: np.maximum(z, 0.0)))):
        for col, (name, thetas) in enumerate(_nets.items()):
            acts = _activations(thetas, _Xdeep, g)
            ax = axes[row, col]
            for l in _shown:
                counts, edges = np.histogram(acts[l], bins=60)
                ax.stairs(counts / counts.sum(), edges, label=f"layer {l + 1}")
            ax.set_title(f"{act}, {name}", fontsize=10)
            if act == "relu":
                ax.set_yscale("log")  # half of the ReLU outputs are exactly 0: a log scale shows the rest
            ax.set_yticks([])
            ax.legend(fontsize=7)
    fig.suptitle("histograms of the hidden activations of layers 1, 4, 7 and 10 (note the different x scales; "
                 "ReLU counts on a log scale)")
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement xavier_initialize, he_initialize and initialize_network to see the histograms.")

# %% [markdown]
# ## 6. Different starts, different minima
#
# Random initialization has one more consequence.  The cost of a network with hidden layers is
# **not convex**: it has many local minima (and flat regions and saddle points).  Gradient
# descent and L-BFGS only go downhill from where they start, so different random starts can end
# in different places — sometimes in a good minimum, sometimes in a poor one.  (Swapping two
# hidden units gives the same network and the same cost, so every minimum comes with many
# mirror images: minima with *different costs* are the real difference.)
#
# The cell below trains a small 2-2-2 network on the XOR-like data from six random starts drawn
# by your `initialize_network(..., scheme="uniform")`, with `scipy.optimize.minimize` on
# `nn_cost_function` as in lesson 04, and reports the final cost of each run.  Several distinct
# final costs appear: some runs solve XOR, others are stuck with a network that gets only
# part of the points right.  In practice one trains from a few starts and keeps the best
# network on a validation set.

# %%
try:
    _sizes_small = [2, 2, 2]
    _final, _nets_small = [], []
    for seed in range(6):
        _p0 = unroll(initialize_network(_sizes_small, rng=np.random.default_rng(seed), scheme="uniform"))
        _res = scipy.optimize.minimize(nn_cost_function, _p0, args=(_sizes_small, X_xor, y_xor, 0.0), jac=True,
                                       method="L-BFGS-B", options={"maxiter": 150})
        _final.append(_res.fun)
        _nets_small.append(roll(_res.x, layer_shapes(_sizes_small)))
    _final = np.array(_final)
    print("final cost of each start:", np.round(_final, 3))
    _best, _worst = int(np.argmin(_final)), int(np.argmax(_final))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].bar(range(len(_final)), _final)
    axes[0].set(title=f"2-2-2 network on XOR: final cost from {len(_final)} random starts", xlabel="seed", ylabel="final J")
    _u = np.linspace(-1.1, 1.1, 80)
    _grid = np.array([[a, b] for b in _u for a in _u])
    for ax, k in zip(axes[1:], (_best, _worst)):
        ax.contourf(_u, _u, feedforward(_nets_small[k], _grid).argmax(axis=1).reshape(_u.size, _u.size), levels=[-0.5, 0.5, 1.5],
                    cmap="coolwarm", alpha=0.35)
        ax.scatter(X_xor[:, 0], X_xor[:, 1], c=y_xor, cmap="coolwarm", edgecolors="k", s=20)
        ax.set(title=f"seed {k}: J = {_final[k]:.3f}, accuracy {np.mean(feedforward(_nets_small[k], X_xor).argmax(axis=1) == y_xor):.2f}",
               xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    plt.tight_layout()
    plt.show()
except NotImplementedError:
    print("Implement initialize_network (and the functions it uses) to run this experiment.")

# %% [markdown]
# ## Summary
#
# * Hidden units that start with equal weights get equal gradients and stay equal: training from
#   zeros leaves every hidden layer a set of identical copies.  Random initial weights break
#   this symmetry.
# * The lecture's uniform initialization draws every weight from $[-\varepsilon, \varepsilon]$ with
#   $\varepsilon = \sqrt 6 / \sqrt{L_{in} + L_{out}}$ (0.12 for the 400-25 layer), which gives the
#   weights the variance $2 / (L_{in} + L_{out})$.
# * A layer multiplies the variance of its signal by about $L_{in}\sigma^2$.  Xavier
#   ($\sigma^2 = 2/(L_{in} + L_{out})$) keeps tanh networks in their useful range; He
#   ($\sigma^2 = 2/L_{in}$) does the same for ReLU networks.  Too small a scale (std $10^{-2}$)
#   makes deep activations collapse to 0, too large a scale saturates tanh or blows up ReLU.
# * Always draw from a `Generator` passed in as `rng`: the same seed then reproduces a run exactly.
# * Network costs are not convex: different random starts can end in different minima.

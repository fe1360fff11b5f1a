# %% [markdown]
# # Lesson 09 — Capstone: recognizing handwritten digits
#
# Eight lessons built the parts of a learning network one at a time: logistic units and
# forward propagation, the cross-entropy cost, backpropagation, unrolling for an optimizer,
# gradient checking, random initialization and optimizers.  Now we put them together on real
# data, following the recipe of the lectures:
#
# 1. **pick an architecture** — as many inputs as features, one output unit per class, and a
#    hidden layer (one is a sound default; more hidden units cost time but rarely hurt);
# 2. **initialize the weights at random**, small and different from each other;
# 3. **forward propagation**, 4. the **cost** $J(\Theta)$, 5. **backpropagation** for its gradient;
# 6. **check the gradient numerically** on a small piece of the problem, then switch the check off;
# 7. hand cost and gradient to an **optimizer**.
#
# Before trusting a long training run we do the two sanity checks the lectures recommend: the cost
# at the start must be what theory predicts ($K \log 2$ here), and the network must be able to learn
# a tiny subset of the data perfectly.  After training we look at learning curves, at which digits
# get confused with which, and at what the hidden units have learned.
#
# You will write
#
# * `scale_images(X)` — pixels to $[0, 1]$,
# * `initial_cost(K)` — the cost an untrained network must start at,
# * `train_digits(layer_sizes, X, y, lam, *, rng, maxiter)` — the recipe, steps 2–7,
# * `predict(thetas, X)` — labels from the network's outputs,
# * `LAYER_SIZES`, `LAM`, `MAXITER` and **`TRAINED_THETAS`** — your trained network,
# * `confusion_matrix(y_true, y_pred, K)` — which digit is mistaken for which.
#
# **How this notebook is graded** (30 points).  Each function has a visible test cell (run it: it
# is the same kind of check the grader runs) and a hidden test cell that checks more inputs when
# your notebook is graded.  `TRAINED_THETAS` is graded by its accuracy on the **held-out test
# split**, images your network never saw, predicted with **your** `predict` (11 points):
#
# | held-out accuracy | share of the 11 points |
# |---|---|
# | 0.95 or more | 100 % |
# | between 0.70 and 0.95 | linear: $(\text{accuracy} - 0.70) / 0.25$, e.g. 0.90 → 80 %, 0.80 → 40 % |
# | 0.70 or less | 0 % |
#
# A network trained on the test images gets 0 for this part: held-out means held out.  (If your
# `predict` is wrong, the accuracy is measured with the correct rule instead — that mistake is
# charged once, in `predict`'s own tests.)  Training must finish in seconds: the whole notebook
# runs in well under a minute.  Only edit the cells that say `YOUR CODE HERE` or assign
# `NAME = ...` (replace the `...`); keep names and signatures as they are.  Conventions: `X` has one example per **row**, shape `(m, n)`; labels
# `y` are integers `0..K-1`; `thetas[l]` has shape $(s_{l+1}, s_l + 1)$, column 0 multiplies the
# bias unit.

# %% locked=true
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize
from sklearn.datasets import load_digits

import autograder as ag

try:  # the matrices here are small: BLAS threads only compete for the cores and slow training down
    from threadpoolctl import threadpool_limits  # comes with scikit-learn
    _ONE_THREAD = threadpool_limits(1)
except ImportError:
    pass

# %% [markdown]
# ## Code from earlier lessons
#
# The read-only cells below are the reference versions of what you wrote in lessons 01–07, with
# the small helpers they use.  The ones you will want:
#
# * `feedforward(thetas, X)` — the `(m, K)` outputs of a sigmoid network (lesson 01);
# * `nn_cost(thetas, X, y, lam)` — the regularized cross-entropy (lesson 02);
# * `backprop(thetas, X, y, lam) -> (J, grads)` (lesson 03);
# * `unroll`, `roll`, `layer_shapes` and `nn_cost_function(nn_params, layer_sizes, X, y, lam) ->
#   (J, grad_vec)` for `scipy.optimize.minimize(..., jac=True)` (lesson 04);
# * `numerical_gradient(J, theta)` and `relative_difference(a, b)` (lesson 05);
# * `initialize_network(layer_sizes, *, rng, scheme)` with `scheme="uniform"` for the lecture's
#   $\pm\sqrt6/\sqrt{L_{in} + L_{out}}$ initialization (lesson 06);
# * `adam(theta, grad, m, v, t, lr)` and `minibatches(m, batch_size, *, rng)` (lesson 07), if you
#   prefer Adam on minibatches to L-BFGS.

# %% given="as_float_array check_shape _as_count _check_rng _check_eps _cost"

# %% given="sigmoid add_bias feedforward count_weights"

# %% given="check_labels one_hot as_weight_list l2_penalty nn_cost"

# %% given="_log_sigmoid_pair _cross_entropy_from_logits"

# %% given="sigmoid_gradient _network _targets forward_propagation"

# %% given="LOSSES backprop"

# %% given="unroll roll layer_shapes nn_cost_function"

# %% given="numerical_gradient relative_difference"

# %% given="SCHEMES zero_initialize init_epsilon rand_initialize_weights xavier_initialize he_initialize initialize_network"

# %% given="_like _in_range _positive adam minibatches"

# %% [markdown]
# ## 1. The data and the fixed split
#
# scikit-learn ships a small digits data set (`sklearn.datasets.load_digits`, nothing is
# downloaded): 1797 handwritten digits, each an $8 \times 8$ grid of pixels.  A pixel holds an ink
# count from 0 (blank) to 16 (fully inked), so an image is a vector of $n = 64$ numbers and the
# label is the digit, $0, \dots, 9$: $K = 10$ classes.
#
# We split the images **once, with a fixed seed**, into three parts with different jobs:
#
# * **training** (60 %): the optimizer sees only these;
# * **validation** (20 %): to choose the things the optimizer does not (the number of hidden
#   units, $\lambda$, how long to train) and to draw learning curves;
# * **test** (20 %): touched once, at the end, to estimate how well the network does on digits it
#   has never seen.  The grader measures your network on these.
#
# The split is *stratified*: each digit's images are shuffled separately with
# `np.random.default_rng(SPLIT_SEED)`, `SPLIT_SEED = 0`, and divided 60/20/20, so every part has
# every digit in the same proportion.  `load_digits_split()` below does it and returns the raw
# ink counts; everybody in the course gets exactly the same split.

# %% given="SPLIT_SEED SPLIT_FRACTIONS PIXEL_MAX N_CLASSES load_digits_split accuracy"

# %% locked=true
DIGITS = load_digits_split(SPLIT_SEED)
for _part in ("train", "val", "test"):
    print(f"{_part:>5}: X {DIGITS['X_' + _part].shape}, digits per class "
          f"{np.bincount(DIGITS['y_' + _part], minlength=10).tolist()}")

# %%
def mosaic(images, cols, pad=1):
    """One array showing 8x8 images side by side (one imshow is much faster than many axes)."""
    rows = int(np.ceil(len(images) / cols))
    out = np.full((rows * (8 + pad) - pad, cols * (8 + pad) - pad), np.nan)
    for k, image in enumerate(images):
        r, c = divmod(k, cols)
        out[r * (8 + pad):r * (8 + pad) + 8, c * (8 + pad):c * (8 + pad) + 8] = np.reshape(image, (8, 8))
    return out


_examples = [DIGITS["X_train"][DIGITS["y_train"] == k][row] for row in range(2) for k in range(10)]
plt.figure(figsize=(10, 2.3))
plt.imshow(mosaic(_examples, 10), cmap="gray_r")
plt.xticks(np.arange(10) * 9 + 3.5, range(10))
plt.yticks([])
plt.title("two training images of every digit (8 x 8 ink counts 0..16)")
plt.show()

# %% [markdown]
# ## 2. Scaling the pixels: `scale_images`
#
# Ink counts go up to 16.  Fed as they are, a first-layer unit with weights of size
# $\varepsilon \approx 0.3$ gets $z = \Theta x$ of size up to several tens: its sigmoid
# saturates at 0 or 1 before training starts, where $g'(z) \approx 0$ and the gradient that
# should teach it vanishes.  Scaling every pixel to $[0, 1]$ keeps $z$ near the sigmoid's
# sensitive range.
#
# Divide by the **largest possible** value, 16, the same for every image and pixel: then 0 is
# blank paper and 1 full ink in every image.  Not by 255 (that is for 8-bit photographs), not by
# each image's own maximum (a faint digit would be made as dark as a bold one) and not by the
# largest value that happens to be in the batch (the result would depend on which other images
# are in it).
#
# Write `scale_images(X)` returning `X / 16` as floats, same shape as `X` (`(m, 64)` for images).

# %% solution="scale_images"

# %% test="scale_images" points=1
ag.expect_close(scale_images(np.array([[0.0, 4.0, 8.0, 16.0]])), [[0.0, 0.25, 0.5, 1.0]],
                "scale_images([[0, 4, 8, 16]])")
ag.expect_close(scale_images(np.array([[1.0, 2.0], [3.0, 4.0]])), [[0.0625, 0.125], [0.1875, 0.25]],
                "scale_images([[1, 2], [3, 4]]) (a batch whose largest count is 4, not 16)")

# %% cases="scale_images"
rng = np.random.default_rng(901)
case(DIGITS["X_train"][:7])
case(DIGITS["X_test"][::40])
case(rng.integers(0, 9, size=(5, 64)).astype(float))  # faint images: no pixel reaches 16
case(rng.integers(0, 17, size=(1, 64)).astype(float))
case(np.array([[0.0, 16.0, 8.0, 3.0], [2.0, 5.0, 7.0, 1.0]]))
mistake("did not scale the pixels (returned the raw ink counts 0..16)", lambda X: np.asarray(X, dtype=float))
mistake("divided by 255 (8-bit photographs) instead of by 16, the largest ink count", lambda X: X / 255.0)
mistake("divided each image by its own largest pixel instead of by 16",
        lambda X: X / np.max(X, axis=1, keepdims=True))
mistake("divided by the largest value in this batch instead of by 16", lambda X: X / np.max(X))
mistake("standardized the pixels (subtracted the mean, divided by the standard deviation) instead of "
        "dividing by 16", lambda X: (X - X.mean()) / X.std())
mistake("used integer division (//), which rounds every pixel down to 0 or 1", lambda X: X // 16)

# %% hidden="scale_images" points=2
ag.score(ag.check_cases("scale_images", ag.baked("scale_images")), points=2)

# %% [markdown]
# The three parts, scaled with your `scale_images`.  From here on `X_train`, `X_val` and `X_test`
# have values in $[0, 1]$; `y_train`, `y_val`, `y_test` are the labels.

# %% locked=true
X_train, X_val, X_test = (scale_images(DIGITS["X_" + _part]) for _part in ("train", "val", "test"))
y_train, y_val, y_test = (DIGITS["y_" + _part] for _part in ("train", "val", "test"))

# %% [markdown]
# ## 3. Architecture and the cost at the start: `initial_cost`
#
# **Architecture.**  The input layer has one unit per pixel, $s_1 = 64$; the output layer one
# sigmoid unit per digit, $s_L = K = 10$, and the prediction is the unit with the largest output.
# In between we use one hidden layer.  With 25 hidden units the network has
# $25 \cdot 65 + 10 \cdot 26 = 1885$ weights for 1078 training images; more hidden units fit more
# complicated boundaries, cost more time per iteration and need more regularization.
#
# **What the cost must be at the start.**  Random initialization makes every weight small, so
# every $z$ is close to 0 and every output close to $g(0) = \tfrac12$.  In the limit of zero
# weights, each output unit $k$ contributes to the cost of an example
#
# $$-\big[y_k \log \tfrac12 + (1 - y_k) \log \tfrac12\big] = \log 2,$$
#
# whether its target $y_k$ is 0 or 1.  The cost is the sum over the $K$ units, averaged over the
# examples, so
#
# $$J(\Theta \approx 0) \approx K \log 2 = 6.93 \quad (K = 10).$$
#
# The lectures' advice: compute this number *before* training.  If the cost of your freshly
# initialized network is far from it — 2.3, or 70, or `nan` — something in the cost, the labels or
# the initialization is wrong, and no optimizer will fix that.  (A softmax output layer, which
# this course does not use here, starts at $\log K = 2.30$ instead: its outputs are all $1/K$.)
#
# Write `initial_cost(K)`: the cost of a network with $K$ sigmoid output units whose weights are all
# zero, as a float.  $K$ must be an integer $\ge 1$; raise `ValueError` otherwise.

# %% solution="initial_cost"

# %% test="initial_cost" points=1
ag.expect_close(initial_cost(10), 6.931471805599453, "initial_cost(10) (ten digits: 10 log 2)")
ag.expect_close(initial_cost(3), nn_cost([np.zeros((4, 65)), np.zeros((3, 5))], X_train[:20], y_train[:20] % 3, 0.0),
                "initial_cost(3) vs the cost nn_cost gives a 64-4-3 network whose weights are all 0")

# %% cases="initial_cost"
for K in (1, 2, 3, 10, 26):
    case(K)
mistake("forgot the factor K: every one of the K output units contributes log 2", lambda K: float(np.log(2.0)))
mistake("returned log K, the starting cost of a softmax output layer; K sigmoid units start at K log 2",
        lambda K: float(np.log(K)))
mistake("used the base-10 logarithm; the cross-entropy uses the natural log", lambda K: float(K * np.log10(2.0)))
mistake("returned K log 2 / 2", lambda K: float(K * np.log(2.0) / 2))

# %% hidden="initial_cost" points=1
ag.score(ag.check_cases("initial_cost", ag.baked("initial_cost")), points=1)

# %% [markdown]
# Check it on the real thing: the cost of a freshly initialized 64-25-10 network on the training
# images, with the lecture's $\varepsilon$-initialization and with weights 100 times smaller.  The
# smaller the weights, the closer to $K \log 2$.  With the lecture's $\varepsilon$ (0.29 and 0.41
# here) every output unit starts at some random offset from $z = 0$, which moves the cost up or
# down by some tenths (9 of the 10 targets of a unit are 0, so a unit that happens to start
# negative starts better); weights 100 times smaller give $K \log 2$ to two decimals.  A start at 2.3 or 70 would be a bug.

# %%
try:
    for _scale in (1.0, 0.01):
        _thetas0 = [_scale * t for t in initialize_network([64, 25, 10], rng=np.random.default_rng(0), scheme="uniform")]
        print(f"weights x {_scale:<4}: J = {nn_cost(_thetas0, X_train, y_train, 0.0):.4f}   "
              f"(K log 2 = {initial_cost(10):.4f})")
except NotImplementedError:
    print("Implement scale_images and initial_cost to run this check.")

# %% [markdown]
# ## 4. Gradient checking on a slice, then switching it off
#
# `backprop` is lesson 03's, already checked, but the recipe says to check the gradient of *the
# cost you are about to optimize*, on *this* architecture and *these* data, once.  The numerical
# gradient needs two cost evaluations per weight, so we check on a small slice of the problem: the
# real input and output layers with only 5 hidden units (385 weights) and only 10 images.  The relative difference
# $\lVert D - D_{num} \rVert / \lVert D + D_{num} \rVert$ should be around $10^{-9}$ or below.
#
# Then the check is **switched off**: run on every iteration with all 1078 images it would cost
# thousands of backprops per step.  The timing below shows the price.

# %%
GRADIENT_CHECK = True  # set to False once the check has passed

if GRADIENT_CHECK:
    _small = [64, 5, 10]  # the real input and output layers, 5 hidden units: 385 weights
    _params = unroll(initialize_network(_small, rng=np.random.default_rng(1), scheme="uniform"))
    _Xs, _ys = X_train[:10], y_train[:10]
    _t0 = time.perf_counter()
    _num = numerical_gradient(lambda p: nn_cost_function(p, _small, _Xs, _ys, 0.3)[0], _params)
    _t_num = time.perf_counter() - _t0
    _t0 = time.perf_counter()
    _, _grad = nn_cost_function(_params, _small, _Xs, _ys, 0.3)
    _t_bp = time.perf_counter() - _t0
    print(f"relative difference, 64-5-10 network on 10 images: {relative_difference(_grad, _num):.2e}")
    print(f"numerical gradient {_t_num:.2f} s vs backprop {1000 * _t_bp:.2f} ms: {_t_num / _t_bp:.0f} times "
          f"slower; it grows with the number of weights (1885 for 64-25-10) times the number of images")

# %% [markdown]
# ## 5. Training: `train_digits`
#
# Now steps 2–7 in one function.  `train_digits(layer_sizes, X, y, lam, *, rng, maxiter)`:
#
# 1. draws the starting weights at random — `initialize_network(layer_sizes, rng=rng,
#    scheme="uniform")` is the lecture's choice; every random number must come from `rng`, so that
#    the same seed gives the same network;
# 2. minimizes the regularized cost with an optimizer and returns the trained weights as a
#    **list of matrices**, shapes `layer_shapes(layer_sizes)`.
#
# The simplest optimizer is lesson 04's: unroll the starting weights, call
# `scipy.optimize.minimize(nn_cost_function, start, args=(layer_sizes, X, y, lam), jac=True,
# method="L-BFGS-B", options={"maxiter": maxiter})` and roll `result.x` back.  You may instead
# run Adam on shuffled minibatches (lesson 07's `adam` and `minibatches`), with `maxiter` as the
# number of epochs; the tests accept any optimizer that learns.
#
# **Sanity check first: overfit a tiny subset.**  Before spending time on all the data, train on
# a handful of images without regularization.  A correct network with more weights than examples
# must learn them perfectly; if it cannot, no amount of data will help — look for a bug.  The
# visible test below does exactly this with 20 images.

# %% solution="train_digits"

# %% test="train_digits" points=1
_th = train_digits([64, 25, 10], X_train[:20], y_train[:20], 0.0, rng=np.random.default_rng(0), maxiter=200)
ag.expect_shape(_th[0], (25, 65), "train_digits(...)[0] for layer_sizes [64, 25, 10]")
ag.expect_shape(_th[1], (10, 26), "train_digits(...)[1] for layer_sizes [64, 25, 10]")
ag.expect_close(np.argmax(feedforward(_th, X_train[:20]), axis=1), y_train[:20],
                "labels of the 20 training images the network was trained on (lam = 0): it must overfit them")

# %% cases="digit_labels"
# The images the grader classifies, as raw ink counts (inputs), and their labels (the grader's).
case(DIGITS["X_train"], _label="train")
case(DIGITS["X_val"], _label="val")
case(DIGITS["X_test"], _label="test")

# %% hidden="train_digits" points=5
_split = load_digits_split(SPLIT_SEED)  # inputs only; labels for judging come from the grader's cases
_X, _y = _split["X_train"] / 16.0, _split["y_train"]
_tiny = np.concatenate([np.flatnonzero(_y == k)[:3] for k in range(10)])  # 3 images of every digit
_runs = {
    "tiny": ([[64, 25, 10], _X[_tiny], _y[_tiny], 0.0], 11, 300),
    "small": ([[64, 25, 10], _X[:300], _y[:300], 0.3], 12, 100),
    "seed 5": ([[64, 10, 10], _X[:60], _y[:60], 1.0], 5, 10),
    "seed 5 again": ([[64, 10, 10], _X[:60], _y[:60], 1.0], 5, 10),
    "seed 6": ([[64, 10, 10], _X[:60], _y[:60], 1.0], 6, 10),
    "lam 0": ([[64, 8, 10], _X[:100], _y[:100], 0.0], 7, 100),
    "lam 10": ([[64, 8, 10], _X[:100], _y[:100], 10.0], 7, 100),
}
_out = {k: ag.call("train_digits", a, {"rng": np.random.default_rng(s), "maxiter": it}) for k, (a, s, it) in _runs.items()}
_val = [c for c in ag.baked("digit_labels") if c["label"] == "val"][0]
_r = ag.Result("train_digits")
if ag.GRADER:
    _ff = ag.reference("feedforward")["feedforward"]

    def _label(key):
        a, s, it = _runs[key]
        return (f"train_digits({a[0]}, {a[1].shape[0]} training images, lam={a[3]:g}, "
                f"rng=np.random.default_rng({s}), maxiter={it})")

    def _weights(key):
        """(thetas, None) for a list of matrices of the right shapes, else (None, message)."""
        out, sizes = _out[key], _runs[key][0][0]
        if not out.ok:
            return None, f"{_label(key)} raised {out.error}"
        want = [(b, a + 1) for a, b in zip(sizes[:-1], sizes[1:])]
        try:
            got = [tuple(np.shape(t)) for t in out.value] if isinstance(out.value, (list, tuple)) else None
        except TypeError:
            got = None
        if got != want:
            kind = (f"a list of shapes {got}" if got is not None else
                    f"an array of shape {np.shape(out.value)}" if isinstance(out.value, np.ndarray)
                    else f"a {type(out.value).__name__}")
            hint = (": roll the optimizer's result vector back into a list of matrices"
                    if isinstance(out.value, np.ndarray) and np.ndim(out.value) == 1 else "")
            return None, f"{_label(key)}: expected a list of {len(want)} matrices with shapes {want}, received {kind}{hint}"
        thetas = [np.asarray(t, dtype=float) for t in out.value]
        if not all(np.all(np.isfinite(t)) for t in thetas):
            return None, f"{_label(key)} returned weights that are not all finite (nan or inf)"
        return thetas, None

    def _acc(thetas, X, y):
        with np.errstate(all="ignore"):
            return float(np.mean(np.argmax(_ff(thetas, X), axis=1) == y))

    def _symmetric(thetas):
        """Index of a hidden layer whose units all have the same weights, else None."""
        for l, t in enumerate(thetas[:-1]):
            if t.shape[0] > 1 and np.allclose(t, t[:1], rtol=1e-6, atol=1e-8):
                return l
        return None

    # 1. The lecture's sanity check: overfit a tiny subset (3 images per digit, no regularization).
    _th, _msg = _weights("tiny")
    if _th is None:
        _r.fail(_msg, weight=2)
    elif _acc(_th, _X[_tiny], _y[_tiny]) == 1.0:
        _r.record(1.0, weight=2)
    else:
        _l = _symmetric(_th)
        _why = ("" if _l is None else f"; all units of hidden layer {_l + 2} ended with identical weights: the "
                "starting weights did not break the symmetry (never start from equal weights such as all zeros)")
        _r.fail(f"{_label('tiny')}: training accuracy {_acc(_th, _X[_tiny], _y[_tiny]):.2f} on the 30 images "
                f"it was trained on; a correct network overfits them (accuracy 1.00){_why}", weight=2)

    # 2. It generalizes: 300 training images, accuracy on the 359 validation images.
    _th, _msg = _weights("small")
    _Xv, _yv = np.asarray(_val["args"][0], dtype=float) / 16.0, np.asarray(_val["expected"])
    if _th is None:
        _r.fail(_msg)
    elif _acc(_th, _Xv, _yv) >= 0.85:
        _r.record(1.0)
    else:
        _l = _symmetric(_th)
        _why = ("" if _l is None else f"; all units of hidden layer {_l + 2} have identical weights: the "
                "starting weights did not break the symmetry")
        _r.fail(f"{_label('small')}: accuracy {_acc(_th, _Xv, _yv):.2f} on the validation images, expected at "
                f"least 0.85 (a correct run reaches about 0.93){_why}")

    # 3. Every random number comes from rng: same seed, same weights; another seed, other weights.
    _ws = [_weights(k) for k in ("seed 5", "seed 5 again", "seed 6")]
    _bad = [m for t, m in _ws if t is None]
    if _bad:
        _r.fail(_bad[0])
    elif not all(np.allclose(p, q, rtol=1e-9, atol=1e-12) for p, q in zip(_ws[0][0], _ws[1][0])):
        _r.fail("two calls with rng=np.random.default_rng(5) returned different weights: take every random "
                "number from rng (not from np.random.* or a generator of your own), so a run can be repeated")
    elif all(np.allclose(p, q) for p, q in zip(_ws[0][0], _ws[2][0])):
        _r.fail("rng=np.random.default_rng(5) and rng=np.random.default_rng(6) gave the same weights: "
                "draw the starting weights from rng")
    else:
        _r.record(1.0)

    # 4. lam reaches the cost: strong regularization shrinks the non-bias weights.
    _free, _m0 = _weights("lam 0")
    _tied, _m1 = _weights("lam 10")
    if _free is None or _tied is None:
        _r.fail(_m0 if _free is None else _m1)
    else:
        _n0, _n1 = (sum(float(np.sum(t[:, 1:] ** 2)) for t in ts) for ts in (_free, _tied))
        if _n1 < 0.5 * _n0:
            _r.record(1.0)
        else:
            _r.fail(f"the weights trained with lam=10 are not smaller than with lam=0 (sum of squared non-bias "
                    f"weights {_n1:.4g} vs {_n0:.4g}, same seed): pass lam on to the cost function")
ag.score(_r, points=5)

# %% [markdown]
# ## 6. From outputs to labels: `predict`
#
# The output unit $k$ estimates how likely the image is a $k$; the predicted digit is the unit
# with the **largest** output,
#
# $$\hat y^{(i)} = \arg\max_k\ h_k\big(x^{(i)}\big) \in \{0, \dots, 9\}.$$
#
# `predict(thetas, X)` returns one integer label per row of `X`, shape `(m,)` — not the `(m, K)`
# outputs, not one-hot rows, and 0-based (Octave's `max(h, [], 2)` gives 1-based indices).
# It must work for networks of any depth (use `feedforward`).

# %% solution="predict"

# %% test="predict" points=1
# One layer, no hidden units: output k is g(10 x_k), so the label is the index of the largest input.
_thetas = [np.array([[0.0, 10.0, 0.0, 0.0], [0.0, 0.0, 10.0, 0.0], [0.0, 0.0, 0.0, 10.0]])]
_X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.1, 0.2, 0.3], [-1.0, -2.0, -3.0]])
ag.expect_close(predict(_thetas, _X), [0, 1, 2, 0], "predict on a 3-3 network whose output k is g(10 x_k)")
ag.expect_shape(predict([np.zeros((4, 65)), np.zeros((10, 5))], X_train[:7]), (7,),
                "predict(64-4-10 network, 7 images)")

# %% cases="predict"
from solutions.cost_functions import one_hot
from solutions.logic_gates import feedforward, sigmoid

rng = np.random.default_rng(906)
for sizes, m in [([64, 25, 10], 12), ([64, 10, 10], 5), ([3, 4, 3], 6), ([4, 5, 4, 4], 4), ([2, 6, 5], 9)]:
    X = X_val[:m] if sizes[0] == 64 else rng.normal(size=(m, sizes[0]))
    case([rng.normal(scale=2.0, size=(b, a + 1)) for a, b in zip(sizes[:-1], sizes[1:])], X)
mistake("returned 1-based labels (added 1, as in Octave); labels here are 0..K-1",
        lambda thetas, X: predict(thetas, X) + 1)
mistake("took the argmax over the examples (axis 0) instead of over the classes (axis 1)",
        lambda thetas, X: np.argmax(feedforward(thetas, X), axis=0))
mistake("returned the (m, K) output probabilities instead of one label per example",
        lambda thetas, X: feedforward(thetas, X))
mistake("returned one-hot rows (m, K) instead of one integer label per example",
        lambda thetas, X: one_hot(predict(thetas, X), len(thetas[-1])))
mistake("returned the largest output value (np.max) instead of its index (np.argmax)",
        lambda thetas, X: np.max(feedforward(thetas, X), axis=1))


def _no_bias(thetas, X):
    a = np.asarray(X, dtype=float)
    for t in thetas:
        a = sigmoid(a @ np.asarray(t)[:, 1:].T)
    return np.argmax(a, axis=1)


mistake("left out the bias unit (the column of ones, which column 0 of every Theta multiplies)", _no_bias)

# %% hidden="predict" points=2
ag.score(ag.check_cases("predict", ag.baked("predict"), trusted=ag.trusted("feedforward")), points=2)

# %% [markdown]
# ## 7. Choosing λ on the validation split
#
# How strongly to regularize is not something the optimizer can decide: on the training images
# less regularization always fits better.  We train with a few values and compare on the
# **validation** images (never on the test images: a choice made by looking at the test split
# makes its accuracy an optimistic estimate).

# %%
try:
    print(" lam   training acc   validation acc   time")
    for _lam in (0.01, 0.3, 3.0):
        _t0 = time.perf_counter()
        _net = train_digits([64, 25, 10], X_train, y_train, _lam, rng=np.random.default_rng(0), maxiter=100)
        print(f"{_lam:5g}   {accuracy(y_train, predict(_net, X_train)):12.3f}   "
              f"{accuracy(y_val, predict(_net, X_val)):14.3f}   {time.perf_counter() - _t0:.1f} s")
except NotImplementedError:
    print("Implement train_digits and predict to compare values of lam.")

# %% [markdown]
# ## 8. Your network: `TRAINED_THETAS`
#
# The cell below has four lines `NAME = ...`: replace each `...` (the names are graded, keep them
# exactly).  The architecture `LAYER_SIZES` (a list starting with 64 and ending with 10), the
# regularization `LAM`, the training length `MAXITER`, and `TRAINED_THETAS`, the list of weight
# matrices your `train_digits` returns when it trains on the **training** split (`X_train`,
# `y_train`) with these settings and a seeded generator (`rng=np.random.default_rng(0)`, say).
# Keep it quick: this cell runs when your notebook is graded, within the notebook's time limit
# (a few seconds is plenty here).  The grader classifies the held-out
# **test** images with `predict(TRAINED_THETAS, X)` (pixels scaled to $[0, 1]$) and scores the
# accuracy on the scale at the top of the notebook: full marks from 0.95.  The reference reaches
# about 0.98.

# %% solution="LAYER_SIZES LAM MAXITER TRAINED_THETAS"

# %% test="TRAINED_THETAS" points=1
# First the four names, one by one: a `...` still in place fails here, by name, before anything uses it.
for _name, _value, _what in [("LAYER_SIZES", LAYER_SIZES, "a list such as [64, 25, 10]"),
                             ("LAM", LAM, "a number >= 0"),
                             ("MAXITER", MAXITER, "a number of iterations"),
                             ("TRAINED_THETAS", TRAINED_THETAS, "the weights your train_digits returns")]:
    ag.expect_close(int(_value is ...), 0, f"number of `...` still in {_name}",
                    mistakes={f"left `{_name} = ...` as it was: replace the ... with {_what}": 1})
_ends = ([LAYER_SIZES[0], LAYER_SIZES[-1]] if isinstance(LAYER_SIZES, (list, tuple, np.ndarray)) and len(LAYER_SIZES)
         else [])
ag.expect_close(_ends, [64, 10], "first and last of LAYER_SIZES (64 pixels in, 10 digits out)")


def _number(value):
    """Whether ``value`` is one real number (not a bool, a string or a list)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


ag.expect_close(bool(_number(LAM) and LAM >= 0), True, "LAM is a number >= 0")
ag.expect_close(bool(_number(MAXITER) and MAXITER >= 1), True, "MAXITER is a number >= 1")
ag.expect_close(bool(isinstance(TRAINED_THETAS, (list, tuple)) and len(TRAINED_THETAS)
                     and all(np.ndim(t) == 2 for t in TRAINED_THETAS)), True,
                "TRAINED_THETAS is a list of 2-D weight matrices, one per layer")
ag.expect_close(np.shape(TRAINED_THETAS[0])[1], 65, "columns of TRAINED_THETAS[0] (64 pixels + the bias)")
ag.expect_close(np.shape(TRAINED_THETAS[-1])[0], 10, "rows of TRAINED_THETAS[-1] (one output unit per digit)")
ag.expect_close(bool(accuracy(y_val, predict(TRAINED_THETAS, X_val)) >= 0.95), True,
                "validation accuracy of TRAINED_THETAS is at least 0.95")

# %% hidden="TRAINED_THETAS" points=11
_cases = ag.baked("digit_labels")  # images of the three splits; their labels only reach the grader
_thetas = ag.student("TRAINED_THETAS")
_settings = {_n: ag.student(_n) for _n in ("LAYER_SIZES", "LAM", "MAXITER")}  # only to name a `...` left in them
_pred = {c["label"]: ag.call("predict", [_thetas, np.asarray(c["args"][0], dtype=float) / 16.0]) for c in _cases}
_r = ag.Result("TRAINED_THETAS: accuracy on the held-out test images")
if ag.GRADER:
    _predict = ag.reference("predict")["predict"]
    _data = {c["label"]: (np.asarray(c["args"][0], dtype=float) / 16.0, np.asarray(c["expected"])) for c in _cases}

    def _structure(thetas):
        """None for a list of finite matrices of a 64-...-10 network, else what is wrong."""
        if thetas is ...:
            return ("TRAINED_THETAS is still ... — replace it with the weights your train_digits returns on "
                    "X_train, y_train (section 8)")
        if thetas is None:
            return "TRAINED_THETAS is not defined: run the cell that trains your network (and fix any error in it)"
        if isinstance(thetas, np.ndarray) and thetas.ndim == 1:
            return (f"TRAINED_THETAS is one vector of {thetas.size} numbers; expected the list of weight matrices "
                    "[Theta1, Theta2, ...]: roll the optimizer's vector back into matrices")
        if not isinstance(thetas, (list, tuple)) or not thetas:
            return f"TRAINED_THETAS must be a list of weight matrices, received {type(thetas).__name__}"
        shapes = [np.shape(t) for t in thetas]
        if any(len(s) != 2 for s in shapes):
            return f"TRAINED_THETAS must be a list of 2-D weight matrices, received shapes {shapes}"
        if shapes[0][1] != 65:
            bias = (" — the bias column (column 0, which multiplies the bias unit) is missing"
                    if shapes[0][1] == 64 else "")
            return f"TRAINED_THETAS[0] has {shapes[0][1]} columns, expected 65 (64 pixels + the bias){bias}"
        for l in range(1, len(shapes)):
            if shapes[l][1] != shapes[l - 1][0] + 1:
                return (f"TRAINED_THETAS[{l}] has {shapes[l][1]} columns, expected {shapes[l - 1][0] + 1} "
                        f"(the {shapes[l - 1][0]} units of the layer below + the bias)")
        if shapes[-1][0] != 10:
            return f"TRAINED_THETAS[-1] has {shapes[-1][0]} rows, expected 10 (one output unit per digit)"
        if not all(np.all(np.isfinite(np.asarray(t, dtype=float))) for t in thetas):
            return "TRAINED_THETAS holds weights that are not finite (nan or inf)"
        return None

    _problem = _structure(_thetas)
    _untouched = [_n for _n, _v in _settings.items() if _v is ...]
    if _problem and _untouched:  # the likely cause: training with a `...` raised before TRAINED_THETAS was set
        _problem += "; " + ", ".join(f"{_n} is still ... — replace it" for _n in _untouched)
    if _problem:
        _r.fail(_problem)
    else:
        _th = [np.asarray(t, dtype=float) for t in _thetas]
        with np.errstate(all="ignore"):
            _labels = {k: _predict(_th, X) for k, (X, _) in _data.items()}
        _ref = {k: float(np.mean(_labels[k] == _data[k][1])) for k in _data}
        _X_te, _y_te = _data["test"]
        _out = _pred["test"]
        _own = None
        if _out.ok and np.shape(_out.value) == _y_te.shape:
            _own = float(np.mean(np.asarray(_out.value) == _y_te))
        # The syllabus' measure is your predict on your weights; a wrong predict is charged in its own
        # cells, so here the correct argmax rule is used when it gives more.
        _acc = _ref["test"] if _own is None else max(_own, _ref["test"])
        _credit = min(1.0, max(0.0, (_acc - 0.70) / 0.25))
        # Trained on the training split, a network does at least as well there as on new images; the
        # reverse by more than 2 points (1.5 standard errors of a 360-image accuracy near 0.97) at a
        # high test accuracy means the test images were trained on.
        if _ref["test"] >= 0.9 and _ref["train"] < _ref["test"] - 0.02:
            _r.fail(f"the network does better on the held-out test images ({_ref['test']:.3f}) than on the training "
                    f"images ({_ref['train']:.3f}): it looks trained on the held-out test split. Train on X_train, "
                    "y_train only; the test images measure how well it does on digits it has never seen")
        elif _credit >= 1.0:
            _r.record(1.0)
        else:
            _hints = []
            with np.errstate(all="ignore"):
                _raw = float(np.mean(_predict(_th, 16.0 * _X_te) == _y_te))
            # A network trained on [0, 1] pixels does worse on inputs 16 times larger (the reference:
            # 0.86 instead of 0.99); one that does better there was trained on the raw counts.
            if _raw > _acc:
                _hints.append(f"on the raw ink counts 0..16 it does better ({_raw:.3f}): it looks trained on "
                              "unscaled images; train on the scaled X_train (values in [0, 1])")
            for _shift in (1, -1):
                _sh = float(np.mean(_labels["test"] == (_y_te + _shift) % 10))
                if _sh > 0.5:
                    _hints.append(f"{_sh:.0%} of its answers are the true digit {'+' if _shift > 0 else '-'} 1: "
                                  "it was trained with labels shifted by one; the labels are y itself, 0..9")
            if len(_th) > 1 and _th[0].shape[0] > 1 and np.allclose(_th[0], _th[0][:1], rtol=1e-6, atol=1e-8):
                _hints.append("all its hidden units have identical weights: the starting weights did not break "
                              "the symmetry")
            _hint = "; " + "; ".join(_hints) if _hints else (
                " — train longer or on all the training images, check training accuracy first")
            _r.record(_credit, f"held-out test accuracy {_acc:.3f} is below 0.95: {100 * _credit:.0f}% of the points "
                               f"(linear from 0.70 to 0.95){_hint}")
ag.score(_r, points=11)

# %% [markdown]
# ## 9. Learning curves
#
# Two kinds of curve tell us whether more data, more iterations or another $\lambda$ would help.
#
# * **Cost during training** (left and middle): the training cost at every evaluation L-BFGS-B
#   makes, and the validation accuracy after every iteration.  It starts at $K \log 2$ and the validation accuracy stops improving long
#   before the training cost stops falling — training longer would only fit the training images
#   more closely.
# * **Error vs training-set size** (right), the lectures' learning curve: train on the first
#   $m$ training images for growing $m$ and plot the error on those $m$ images and on the
#   validation images.  With few images the training error is 0 and the validation error high
#   (high variance); as $m$ grows they approach each other.  A gap that is still closing says more
#   data would help; two curves that meet at a high error would say the model is too simple
#   (high bias).

# %%
try:
    if LAM is ...:
        raise ValueError("LAM is still ...")
    _sizes = [64, 25, 10]
    _p0 = unroll(initialize_network(_sizes, rng=np.random.default_rng(0), scheme="uniform"))

    def _checked(J, grad):
        """(J, grad) as floats if J is one finite real number and grad has one finite real entry per weight."""
        # scipy's L-BFGS-B is compiled code: a gradient of the wrong length or a nan/inf/complex value
        # reaching it can crash the kernel and every cell after it, so it gets only checked floats
        if np.iscomplexobj(J) or np.iscomplexobj(grad) or np.shape(J) != () or np.shape(grad) != _p0.shape:
            raise ValueError(f"the cost must be one real number and its gradient a real vector of shape "
                             f"{_p0.shape}, received shapes {np.shape(J)} and {np.shape(grad)}")
        J, grad = float(J), np.asarray(grad, dtype=float)
        if not (np.isfinite(J) and np.all(np.isfinite(grad))):
            raise ValueError(f"the cost or its gradient is not finite (nan or inf) with LAM = {LAM!r}")
        return J, grad

    _checked(*nn_cost_function(_p0, _sizes, X_train[:5], y_train[:5], LAM))  # before scipy sees anything
    _costs, _val_acc = [], [accuracy(y_val, predict(roll(_p0, layer_shapes(_sizes)), X_val))]

    def _cost_and_record(p, *args):
        J, grad = _checked(*nn_cost_function(p, *args))
        _costs.append(J)  # every evaluation, line-search trials included
        return J, grad

    scipy.optimize.minimize(_cost_and_record, _p0, args=(_sizes, X_train, y_train, LAM), jac=True,
                            method="L-BFGS-B", options={"maxiter": 150},
                            callback=lambda p: _val_acc.append(accuracy(y_val, predict(roll(p, layer_shapes(_sizes)), X_val))))
    _ms = [40, 120, 360, 1078]
    _curve = []
    for _m in _ms:
        _net = train_digits(_sizes, X_train[:_m], y_train[:_m], LAM, rng=np.random.default_rng(0), maxiter=80)
        # a wrong return value must not reach predict: it can blow up memory and kill the kernel
        if [np.shape(_t) for _t in (_net if isinstance(_net, (list, tuple)) else [None])] != [(25, 65), (10, 26)]:
            raise TypeError("train_digits should return a list of two weight matrices, shapes (25, 65) and (10, 26)")
        _curve.append((1 - accuracy(y_train[:_m], predict(_net, X_train[:_m])),
                       1 - accuracy(y_val, predict(_net, X_val))))
    _curve = np.array(_curve)

    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    axes[0].plot(_costs, label="training cost J")
    axes[0].axhline(initial_cost(10), color="gray", ls=":", label="K log 2")
    axes[0].set(xlabel="cost evaluation", ylabel="J", yscale="log", title="cost during L-BFGS-B")
    axes[0].legend()
    axes[1].plot(_val_acc, color="C1")
    axes[1].set(xlabel="iteration", ylabel="accuracy", ylim=(0.5, 1), title="validation accuracy")
    axes[2].plot(_ms, _curve[:, 0], "o-", label="training error")
    axes[2].plot(_ms, _curve[:, 1], "o-", label="validation error")
    axes[2].set(xlabel="training images m", ylabel="error (1 - accuracy)", xscale="log",
                title="learning curve (lam = LAM, 80 iterations)")
    axes[2].legend()
    plt.tight_layout()
    plt.show()
except (NotImplementedError, NameError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Implement train_digits and predict and replace the ... of LAM (section 8) to draw the learning curves.")

# %% [markdown]
# ## 10. Which digits get confused: `confusion_matrix`
#
# Accuracy is one number; the confusion matrix shows *which* mistakes the network makes.
# `confusion_matrix(y_true, y_pred, K)` returns a `(K, K)` array of integer counts whose entry
# `C[i, j]` is the number of examples of digit `i` that were predicted as `j`: **rows are the
# truth, columns the prediction** (scikit-learn's convention).  The diagonal holds the correct
# answers, row `i` sums to the number of examples of digit `i`, and `trace(C) / m` is the accuracy.
#
# Careful with NumPy's fancy indexing: `C[y_true, y_pred] += 1` adds 1 **once** for every distinct
# pair even if the pair occurs many times.  Count with a loop or with `np.add.at`.  Labels outside
# `0..K-1` should raise `ValueError` (the given `check_labels(y, K)` does that).

# %% solution="confusion_matrix"

# %% test="confusion_matrix" points=1
ag.expect_close(confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0]), 3),
                [[1, 1, 0], [0, 1, 0], [1, 0, 2]], "confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], 3)")
ag.expect_shape(confusion_matrix(y_val, y_val), (10, 10), "confusion_matrix(y_val, y_val) (K = 10 by default)")

# %% cases="confusion_matrix"
rng = np.random.default_rng(910)
case(rng.integers(0, 10, 60), rng.integers(0, 10, 60))
case(rng.integers(0, 3, 25), rng.integers(0, 3, 25), 3)
case(np.array([0, 0, 0, 1, 1, 3]), np.array([0, 0, 1, 1, 1, 0]), 4)  # repeated pairs; class 2 never occurs
case(y_val[:80], np.where(np.arange(80) % 7 == 0, (y_val[:80] + 3) % 10, y_val[:80]))
mistake("swapped rows and columns: rows must be the true digit, columns the prediction",
        lambda t, p, K=10: confusion_matrix(p, t, K))


def _fancy(t, p, K=10):
    C = np.zeros((K, K), dtype=int)
    C[np.asarray(t), np.asarray(p)] += 1
    return C


mistake("counted each (true, predicted) pair at most once: C[y_true, y_pred] += 1 does not add up repeated "
        "pairs; use a loop or np.add.at", _fancy)
mistake("normalized the rows (divided by the class sizes) instead of returning counts",
        lambda t, p, K=10: (lambda C: C / np.maximum(C.sum(axis=1, keepdims=True), 1))(confusion_matrix(t, p, K)))
mistake("ignored K and always made a 10 x 10 matrix", lambda t, p, K=10: confusion_matrix(t, p, 10))

# %% hidden="confusion_matrix" points=3
ag.score(ag.check_cases("confusion_matrix", ag.baked("confusion_matrix")), points=3)

# %% [markdown]
# The confusion matrix of your network on the test images (shown once, at the very end, as the
# final report — we did not use it to choose anything).

# %%
try:
    if TRAINED_THETAS is ...:
        raise ValueError("TRAINED_THETAS is still ...")
    _pred_test = predict(TRAINED_THETAS, X_test)
    _C = confusion_matrix(y_test, _pred_test, 10)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(_C, cmap="Blues")
    for (i, j), n in np.ndenumerate(_C):
        if n:
            ax.text(j, i, str(n), ha="center", va="center", color="white" if n > _C.max() / 2 else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
           title=f"test images: accuracy {np.trace(_C) / _C.sum():.3f}")
    plt.show()
    _off = _C - np.diag(np.diag(_C))
    _i, _j = np.unravel_index(np.argmax(_off), _off.shape)
    print(f"most frequent confusion: {_off[_i, _j]} image(s) of a {_i} read as a {_j}")
except (NotImplementedError, NameError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Implement predict and confusion_matrix and replace the ... of TRAINED_THETAS (section 8) to see the "
          "confusion matrix.")

# %% [markdown]
# ## 11. What the hidden units look at
#
# Row $j$ of $\Theta^{(1)}$ without its bias, `TRAINED_THETAS[0][j, 1:]`, holds one weight per pixel:
# reshaped to $8 \times 8$ it is the *pattern* hidden unit $j$ responds to — its activation is
# $g(\theta_{j0} + \sum_p \theta_{jp} x_p)$, largest for images with ink where the weights are
# positive (red) and none where they are negative (blue).  Many units look like pieces of strokes
# or like contrasts between two digits.

# %%
try:
    if TRAINED_THETAS is ...:
        raise ValueError("TRAINED_THETAS is still ...")
    _W = np.asarray(TRAINED_THETAS[0], dtype=float)[:, 1:]
    _W = _W / np.abs(_W).max(axis=1, keepdims=True)  # each unit on its own scale, -1..1
    plt.figure(figsize=(10, 1.2 * np.ceil(len(_W) / 10)))
    plt.imshow(mosaic(_W, 10), cmap="RdBu_r", vmin=-1, vmax=1)
    plt.axis("off")
    plt.title("hidden units of TRAINED_THETAS[0], left to right, top to bottom: weights on the 64 pixels "
              "(red +, blue -)")
    plt.show()
except (NotImplementedError, NameError, IndexError, TypeError, ValueError) as _err:
    print(f"No figure yet ({type(_err).__name__}: {_err}).\n"
          "Train your network: replace the ... of TRAINED_THETAS (section 8) to see its hidden units.")

# %% [markdown]
# ## Summary
#
# * The recipe: choose the architecture (64 inputs, 10 sigmoid outputs, a hidden layer), initialize
#   at random in $[-\varepsilon, \varepsilon]$, forward propagation, cost, backprop, check the
#   gradient once on a slice and switch the check off, then let an optimizer minimize the cost.
# * Scale the inputs (here: divide the ink counts by 16) so the sigmoids start in their sensitive range.
# * Sanity checks before a long run: the starting cost of $K$ sigmoid outputs is $K \log 2$, and
#   the network must overfit a tiny subset perfectly.
# * Choose $\lambda$, the size of the network and the training length on the validation split;
#   the test split is used once, for the final estimate.
# * Learning curves show whether more data or a bigger model would help; the confusion matrix
#   shows which digits are mistaken for which; the first layer's weights, drawn as images, show
#   what the hidden units look for.

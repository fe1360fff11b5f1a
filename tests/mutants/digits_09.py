"""Mutants for 09_digits: plausible student mistakes in the capstone.

As in ``backprop_03``: every mutant is a correct student-style cell from
``CORRECT_CELLS`` with exactly one change; ``tests/solutions/test_digits.py``
checks that the correct cells match the reference and every mutant differs.

The cells use ``np``, the given functions of the notebook (lessons 01-07:
``feedforward``, ``sigmoid``, ``add_bias``, ``one_hot``, ``backprop``,
``nn_cost_function``, ``unroll``, ``roll``, ``layer_shapes``,
``initialize_network``, ``adam``, ``minibatches``) and, for
``TRAINED_THETAS``, the notebook's data (``X_train``, ``y_train``,
``X_test``, ``y_test``, ``DIGITS``) and the student's own ``train_digits``.

Order matters for ``TRAINED_THETAS``: the pipeline grades the r-th mutant of
every task in one submission, and a mistake in ``scale_images`` or
``train_digits`` spoils the network too.  So its first four mutants are ones
the grader names whatever else went wrong (a structural mistake, or
"accuracy below 0.95"), and its finer diagnoses (trained on the test split,
on unscaled images, with shifted labels) come at positions where those two
tasks have no mutant.
"""
from dataclasses import replace

from tests.mutants import Mutant
from tests.mutants.backprop_03 import _cell, _variant as _variant_of


def _variant(task, mistake, words, old, new):
    """A one-change mutant of ``CORRECT_CELLS[task]`` whose feedback must match ``words``."""
    return replace(_variant_of(task, mistake, old, new, cells=CORRECT_CELLS), words=words)


CORRECT_CELLS = {
    "scale_images": _cell(
        """
        def scale_images(X):
            X = np.asarray(X, dtype=float)
            return X / 16.0
        """
    ),
    "initial_cost": _cell(
        """
        def initial_cost(K):
            if int(K) != K or K < 1:
                raise ValueError(f"K must be an integer >= 1, received {K!r}")
            return K * np.log(2)
        """
    ),
    "train_digits": _cell(
        """
        def train_digits(layer_sizes, X, y, lam, *, rng, maxiter=150):
            from scipy.optimize import minimize
            initial = initialize_network(layer_sizes, rng=rng, scheme="uniform")
            result = minimize(nn_cost_function, unroll(initial), args=(layer_sizes, X, y, lam),
                              jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
            return roll(result.x, layer_shapes(layer_sizes))
        """
    ),
    "predict": _cell(
        """
        def predict(thetas, X):
            a = np.asarray(X, dtype=float)
            for theta in thetas:
                a = sigmoid(add_bias(a) @ np.asarray(theta).T)
            return np.argmax(a, axis=1)
        """
    ),
    "confusion_matrix": _cell(
        """
        def confusion_matrix(y_true, y_pred, K=10):
            C = np.zeros((K, K), dtype=int)
            for t, p in zip(y_true, y_pred):
                C[int(t), int(p)] += 1
            return C
        """
    ),
    "TRAINED_THETAS": _cell(
        """
        LAYER_SIZES = [64, 25, 10]
        LAM = 0.3
        MAXITER = 150
        TRAINED_THETAS = train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER)
        """
    ),
}


MUTANTS: list[Mutant] = [
    # --- scale_images --------------------------------------------------------
    _variant("scale_images", "does not scale: returns the raw ink counts",
             r"did not scale the pixels",
             "return X / 16.0", "return X"),
    _variant("scale_images", "divides by 255 (the 8-bit photograph habit)",
             r"divided by 255",
             "return X / 16.0", "return X / 255.0"),
    _variant("scale_images", "divides every image by its own largest pixel",
             r"each image by its own largest pixel",
             "return X / 16.0", "return X / X.max(axis=1, keepdims=True)"),
    _variant("scale_images", "integer division rounds the pixels to 0 or 1",
             r"integer division",
             "return X / 16.0", "return X // 16"),
    # --- initial_cost ----------------------------------------------------------
    _variant("initial_cost", "forgets the factor K",
             r"forgot the factor K",
             "return K * np.log(2)", "return np.log(2)"),
    _variant("initial_cost", "returns log K, the softmax's starting cost",
             r"returned log K",
             "return K * np.log(2)", "return np.log(K)"),
    _variant("initial_cost", "uses the base-10 logarithm",
             r"base-10 logarithm",
             "return K * np.log(2)", "return K * np.log10(2)"),
    # --- train_digits ----------------------------------------------------------
    _variant("train_digits", "starts from all-zero weights (no symmetry breaking)",
             r"did not break the symmetry",
             'scheme="uniform"', 'scheme="zeros"'),
    _variant("train_digits", "returns the optimizer's vector instead of the list of matrices",
             r"expected a list of \d+ matrices.*roll the optimizer's result vector",
             "return roll(result.x, layer_shapes(layer_sizes))", "return result.x"),
    _variant("train_digits", "ignores rng: draws the starting weights from a fresh unseeded generator",
             r"take every random number from rng",
             "rng=rng", "rng=np.random.default_rng()"),
    _variant("train_digits", "ignores lam: trains without regularization",
             r"pass lam on to the cost function",
             "args=(layer_sizes, X, y, lam)", "args=(layer_sizes, X, y, 0.0)"),
    # --- predict -----------------------------------------------------------------
    _variant("predict", "returns 1-based labels (Octave habit): off by one",
             r"1-based labels",
             "return np.argmax(a, axis=1)", "return np.argmax(a, axis=1) + 1"),
    _variant("predict", "returns the (m, K) output probabilities instead of labels",
             r"output probabilities instead of one label",
             "return np.argmax(a, axis=1)", "return a"),
    _variant("predict", "returns one-hot rows instead of labels",
             r"one-hot rows",
             "return np.argmax(a, axis=1)", "return one_hot(np.argmax(a, axis=1), a.shape[1])"),
    _variant("predict", "forgets the bias unit: drops column 0 of every Theta",
             r"left out the bias unit",
             "a = sigmoid(add_bias(a) @ np.asarray(theta).T)", "a = sigmoid(a @ np.asarray(theta)[:, 1:].T)"),
    _variant("predict", "takes the argmax over the examples (axis 0)",
             r"argmax over the examples \(axis 0\)",
             "return np.argmax(a, axis=1)", "return np.argmax(a, axis=0)"),
    # --- confusion_matrix ----------------------------------------------------------
    _variant("confusion_matrix", "rows are the predictions, columns the truth (transposed)",
             r"swapped rows and columns",
             "C[int(t), int(p)] += 1", "C[int(p), int(t)] += 1"),
    _variant("confusion_matrix", "fancy-index += counts repeated pairs once",
             r"counted each \(true, predicted\) pair at most once",
             """
             for t, p in zip(y_true, y_pred):
                 C[int(t), int(p)] += 1
             """,
             "C[np.asarray(y_true), np.asarray(y_pred)] += 1"),
    _variant("confusion_matrix", "normalizes the rows instead of counting",
             r"normalized the rows",
             "return C", "return C / np.maximum(C.sum(axis=1, keepdims=True), 1)"),
    _variant("confusion_matrix", "ignores K: always 10 x 10",
             r"ignored K",
             "C = np.zeros((K, K), dtype=int)", "C = np.zeros((10, 10), dtype=int)"),
    # --- TRAINED_THETAS: first four named whatever else is wrong (see the docstring) ---
    _variant("TRAINED_THETAS", "stops training after 3 iterations",
             r"held-out test accuracy 0\.\d+ is below 0\.95",
             "MAXITER = 150", "MAXITER = 3"),
    _variant("TRAINED_THETAS", "exposes the unrolled vector instead of the list of matrices",
             r"TRAINED_THETAS is one vector of \d+ numbers",
             "TRAINED_THETAS = train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER)",
             "TRAINED_THETAS = unroll(train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER))"),
    _variant("TRAINED_THETAS", "drops the bias column of every matrix",
             r"the bias column \(column 0, which multiplies the bias unit\) is missing",
             "TRAINED_THETAS = train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER)",
             "TRAINED_THETAS = [t[:, 1:] for t in train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER)]"),
    _variant("TRAINED_THETAS", "trains on the first 40 training images only",
             r"held-out test accuracy 0\.\d+ is below 0\.95",
             "X_train, y_train, LAM", "X_train[:40], y_train[:40], LAM"),
    # --- TRAINED_THETAS: finer diagnoses -------------------------------------------------
    _variant("TRAINED_THETAS", "trains on the held-out test split",
             r"looks trained on the held-out test split",
             "X_train, y_train, LAM", "X_test, y_test, LAM"),
    _variant("TRAINED_THETAS", "forgets to scale: trains on the raw ink counts 0..16",
             r"looks trained on unscaled images",
             "X_train, y_train, LAM", "DIGITS[\"X_train\"], y_train, LAM"),
    _variant("TRAINED_THETAS", "off-by-one labels: trains on (y + 1) mod 10",
             r"labels shifted by one",
             "X_train, y_train, LAM", "X_train, (y_train + 1) % 10, LAM"),
    # --- TRAINED_THETAS: a released `NAME = ...` line left as it was ------------------
    _variant("TRAINED_THETAS", "leaves the released line `TRAINED_THETAS = ...` as it was",
             r"TRAINED_THETAS is still \.\.\. — replace it",
             "TRAINED_THETAS = train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER)",
             "TRAINED_THETAS = ..."),
    # As released: the placeholder line of TRAINED_THETAS runs first, then training raises on LAM's `...`.
    _variant("TRAINED_THETAS", "leaves `LAM = ...` as it was: training raises, TRAINED_THETAS stays ...",
             r"TRAINED_THETAS is still \.\.\..*LAM is still \.\.\. — replace it",
             "LAM = 0.3\nMAXITER = 150\n", "LAM = ...\nMAXITER = 150\nTRAINED_THETAS = ...\n"),
]


# Correct solutions written differently: the loop/explicit-forward cells above where the reference
# is vectorized, and Adam on minibatches instead of L-BFGS-B with another architecture.
ALTERNATIVES: list[Mutant] = [
    Mutant("scale_images", "multiplies by 1/16", _cell(
        """
        def scale_images(X):
            return np.array(X, dtype=float) * (1 / 16)
        """)),
    Mutant("initial_cost", "minus K log(1/2)", _cell(
        """
        def initial_cost(K):
            if K < 1 or K != int(K):
                raise ValueError("K must be a positive integer")
            return float(-K * np.log(0.5))
        """)),
    Mutant("train_digits", "Adam on shuffled minibatches, maxiter = epochs", _cell(
        """
        def train_digits(layer_sizes, X, y, lam, *, rng, maxiter=150):
            X, y = np.asarray(X, dtype=float), np.asarray(y)
            thetas = initialize_network(layer_sizes, rng=rng, scheme="uniform")
            first = [np.zeros_like(t) for t in thetas]
            second = [np.zeros_like(t) for t in thetas]
            step = 0
            for epoch in range(maxiter):
                for batch in minibatches(len(y), 32, rng=rng):
                    step += 1
                    # lam scaled by the batch's share: the same penalty per example as the full cost
                    _, grads = backprop(thetas, X[batch], y[batch], lam * len(batch) / len(y))
                    for l in range(len(thetas)):
                        thetas[l], first[l], second[l] = adam(thetas[l], grads[l], first[l], second[l], step, lr=0.01)
            return thetas
        """)),
    Mutant("predict", "explicit forward pass", CORRECT_CELLS["predict"]),
    Mutant("confusion_matrix", "a loop over the examples", CORRECT_CELLS["confusion_matrix"]),
    Mutant("TRAINED_THETAS", "64-40-10, Adam for 30 epochs", _cell(
        """
        LAYER_SIZES = [64, 40, 10]
        LAM = 0.1
        MAXITER = 30
        TRAINED_THETAS = train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(1), maxiter=MAXITER)
        """)),
]

"""Lesson 09 reference: the digits capstone, Ng's recipe end to end.

Data: scikit-learn's bundled ``load_digits`` (1797 images of 8x8 pixels, each
pixel an ink count 0..16, labels 0..9; nothing is downloaded).  The split is
fixed: per class, a permutation drawn from ``numpy.random.default_rng(SPLIT_SEED)``
sends 60 % of the images to training, 20 % to validation and 20 % to the
held-out test set (stratified, so every split has every digit in the same
proportion).  Pixels are scaled to [0, 1] by dividing by 16.

Recipe (the lecture's "putting it together"):

1. architecture: 64 inputs (one per pixel), one hidden layer, 10 sigmoid
   outputs (one per digit); ``LAYER_SIZES = [64, 25, 10]``;
2. random initialization, uniform in ``[-eps, eps]`` with
   ``eps = sqrt(6) / sqrt(L_in + L_out)`` (lesson 06's ``initialize_network``);
3. forward propagation, cost and backprop (lessons 02-04: ``nn_cost_function``);
4. gradient check on a small slice, then switched off (lesson 05; the
   notebook and ``tests/solutions/test_digits.py`` do it);
5. an optimizer on the unrolled weights: L-BFGS-B through
   ``scipy.optimize.minimize(nn_cost_function, ..., jac=True)``.

Sanity check from the lectures: with all weights near 0 every output unit is
``g(0) = 1/2``, so each of the K output units costs ``-log(1/2) = log 2``
whatever the label, and the initial cost is ``K log 2`` (``initial_cost``).

The reference reaches about 0.98 accuracy on the held-out test split
(``tests/solutions/test_digits.py`` requires >= 0.97) in about a second on
one core.

Importing this module trains the reference network (``TRAINED_THETAS``), as
the notebook's cell does: about a second with one BLAS thread.
"""
import numpy as np
import scipy.optimize
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits  # installed with scikit-learn

from solutions._validate import as_float_array, check_shape
from solutions.cost_functions import check_labels
from solutions.initialization import initialize_network
from solutions.unrolling import layer_shapes, nn_cost_function, roll, unroll
from solutions.unrolling import predict  # noqa: F401 - the syllabus' predict(thetas, X), lesson 04's

#: Seed of the fixed train/validation/test split (stated in the notebook).
SPLIT_SEED = 0
#: Shares of every class that go to training, validation and test.
SPLIT_FRACTIONS = (0.6, 0.2, 0.2)
#: Largest ink count of a pixel in ``load_digits`` (pixels are 0..16).
PIXEL_MAX = 16.0
#: Number of classes (digits 0..9).
N_CLASSES = 10


def load_digits_split(seed=SPLIT_SEED):
    """The fixed, stratified train/validation/test split of ``load_digits``.

    For every digit ``k`` separately, its image indices are permuted with
    ``rng = numpy.random.default_rng(seed)`` (digits in order 0..9, one
    ``rng.permutation`` each); the first 60 % (rounded) go to training, the
    next 20 % to validation, the rest to test.  Each split's indices are then
    sorted, so the examples keep the dataset's order.

    Parameters
    ----------
    seed : int, default ``SPLIT_SEED``

    Returns
    -------
    dict with ``"X_train"``, ``"X_val"``, ``"X_test"`` (float64, shape (m, 64),
    raw ink counts 0..16, **not** scaled), ``"y_train"``, ``"y_val"``,
    ``"y_test"`` (int, shape (m,)) and ``"idx_train"``, ``"idx_val"``,
    ``"idx_test"`` (positions in ``load_digits().data``).
    """
    digits = load_digits()
    X, y = digits.data.astype(float), digits.target.astype(int)
    rng = np.random.default_rng(seed)
    parts = {"train": [], "val": [], "test": []}
    for k in range(N_CLASSES):
        members = rng.permutation(np.flatnonzero(y == k))
        n_train = int(round(SPLIT_FRACTIONS[0] * members.size))
        n_val = int(round(SPLIT_FRACTIONS[1] * members.size))
        parts["train"].append(members[:n_train])
        parts["val"].append(members[n_train:n_train + n_val])
        parts["test"].append(members[n_train + n_val:])
    split = {}
    for name, chunks in parts.items():
        idx = np.sort(np.concatenate(chunks))
        split[f"X_{name}"], split[f"y_{name}"], split[f"idx_{name}"] = X[idx], y[idx], idx
    return split


def scale_images(X):
    """Scale raw ink counts 0..16 to [0, 1]: ``X / 16``.

    Dividing by the largest possible value (not by each image's own maximum,
    not by 255 as for 8-bit photos) keeps every pixel's meaning the same for
    every image: 0 is blank paper, 1 is full ink.  Inputs of size 1 keep the
    sigmoid units of the first layer in their sensitive range at the start
    of training.

    Parameters
    ----------
    X : array_like, shape (m, n), ink counts in 0..16

    Returns
    -------
    ndarray, shape (m, n), float64 in [0, 1]
    """
    X = as_float_array("X", X, ndim=2)
    return X / PIXEL_MAX


def initial_cost(K):
    """The cross-entropy of a K-output sigmoid network whose weights are all 0.

    Every output is ``g(0) = 1/2``, so each of the K units contributes
    ``-[y log(1/2) + (1 - y) log(1/2)] = log 2`` per example, whatever its
    label: ``J = K log 2`` (6.93 for the 10 digits).  A freshly initialized
    network (small weights) must start close to this value; a very different
    starting cost points to a bug in the cost or the initialization.

    Parameters
    ----------
    K : int >= 1, number of output units

    Returns
    -------
    float
    """
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
        raise ValueError(f"K must be an integer >= 1 (the number of output units), received {K!r}")
    return float(K * np.log(2.0))


def train_digits(layer_sizes, X, y, lam, *, rng, maxiter=150):
    """Train a sigmoid network on the digits: random init, then L-BFGS-B.

    ``thetas0 = initialize_network(layer_sizes, rng=rng, scheme="uniform")``
    (uniform in ``[-eps, eps]``, ``eps = sqrt(6) / sqrt(L_in + L_out)``), then
    ``scipy.optimize.minimize(nn_cost_function, unroll(thetas0),
    args=(layer_sizes, X, y, lam), jac=True, method="L-BFGS-B",
    options={"maxiter": maxiter})`` and the result rolled back into matrices.

    Parameters
    ----------
    layer_sizes : sequence of int, ``[s_1, ..., s_L]`` with ``s_1 = n`` and ``s_L = K``
    X : array_like, shape (m, n), scaled pixels
    y : array_like, shape (m,), integer labels 0..K-1
    lam : float >= 0, L2 regularization strength
    rng : numpy.random.Generator, the only source of randomness
    maxiter : int, maximum number of L-BFGS-B iterations (default 150)

    Returns
    -------
    list of ndarray, ``thetas[l]`` shape ``layer_shapes(layer_sizes)[l]``
    """
    shapes = layer_shapes(layer_sizes)
    initial = initialize_network(layer_sizes, rng=rng, scheme="uniform")
    result = scipy.optimize.minimize(
        nn_cost_function,
        unroll(initial),
        args=(layer_sizes, X, y, lam),
        jac=True,  # one backprop gives cost and gradient
        method="L-BFGS-B",
        options={"maxiter": int(maxiter)},
    )
    return roll(result.x, shapes)


def accuracy(y_true, y_pred):
    """Share of examples whose predicted label equals the true one.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (m,)

    Returns
    -------
    float in [0, 1]
    """
    y_true = as_float_array("y_true", y_true, ndim=1)
    y_pred = check_shape("y_pred", as_float_array("y_pred", y_pred, ndim=1), y_true.shape)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, K=N_CLASSES):
    """Counts of (true label, predicted label) pairs.

    ``C[i, j]`` is the number of examples of class ``i`` predicted as class
    ``j``: rows are the truth, columns the prediction (scikit-learn's
    convention), so the diagonal holds the correct predictions, each row
    sums to the number of examples of that class and ``trace(C) / m`` is the
    accuracy.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (m,), labels 0..K-1
    K : int, number of classes (default 10)

    Returns
    -------
    ndarray of int, shape (K, K)
    """
    y_true = check_labels(y_true, K)
    y_pred = check_labels(check_shape("y_pred", as_float_array("y_pred", y_pred, ndim=1), y_true.shape), K)
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)  # add.at counts repeated (i, j) pairs; C[i, j] += 1 would not
    return C


def digit_labels(pixels):
    """The true label of each image, looked up in the bundled dataset (a grading oracle).

    Every image of ``load_digits`` is distinct (checked in the tests), so its
    64 raw ink counts identify it.

    Parameters
    ----------
    pixels : array_like, shape (m, 64), raw ink counts 0..16 of images of ``load_digits``

    Returns
    -------
    ndarray of int, shape (m,)

    Raises
    ------
    ValueError
        if an image is not in the dataset.
    """
    pixels = check_shape("pixels", as_float_array("pixels", pixels, ndim=2), (None, 64))
    digits = load_digits()
    label_of = {row.astype(np.uint8).tobytes(): int(k) for row, k in zip(digits.data, digits.target)}
    labels = []
    for i, row in enumerate(pixels):
        key = row.astype(np.uint8).tobytes()
        if key not in label_of or not np.array_equal(row, np.round(row)):
            raise ValueError(f"pixels[{i}] is not an image of load_digits")
        labels.append(label_of[key])
    return np.array(labels, dtype=int)


# ---------------------------------------------------------------------------
# The fixed split and the reference network (the notebook's locked and solution cells)
# ---------------------------------------------------------------------------

DIGITS = load_digits_split(SPLIT_SEED)
X_train, X_val, X_test = (scale_images(DIGITS[f"X_{part}"]) for part in ("train", "val", "test"))
y_train, y_val, y_test = (DIGITS[f"y_{part}"] for part in ("train", "val", "test"))

#: 64 pixels -> 25 hidden sigmoid units -> 10 digits.
# (A ``# stub:`` line is what the student's placeholder line ``NAME = ...  # <note>`` says.)
# stub: replace ... with the layer sizes, a list [64, <hidden units>, 10]
LAYER_SIZES = [64, 25, 10]
#: Regularization strength, chosen on the validation split (see the notebook).
# stub: replace ... with lambda, a number >= 0 (compare a few in section 7)
LAM = 0.3
#: L-BFGS-B iterations: validation accuracy stops improving well before.
# stub: replace ... with the number of iterations, e.g. 100
MAXITER = 150

# Matrices this small gain nothing from BLAS threads, and on a busy shared machine threads that
# compete for cores make training many times slower: one thread while the module trains.
_one_thread = threadpool_limits(limits=1)
# stub: replace ... with what your train_digits returns on X_train, y_train with these settings
TRAINED_THETAS = train_digits(LAYER_SIZES, X_train, y_train, LAM, rng=np.random.default_rng(0), maxiter=MAXITER)
_one_thread.restore_original_limits()

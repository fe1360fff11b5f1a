"""Lesson 04 reference: unrolling parameters for an off-the-shelf optimizer.

General-purpose minimizers (Octave's ``fminunc``, ``scipy.optimize.minimize``)
work on one flat parameter vector and expect the cost function to return the
cost and a flat gradient of the same length.  A network keeps its weights as
a list of matrices, so we *unroll* them into one vector before calling the
optimizer and *roll* the vector back into matrices inside the cost function.

Order matters, and the only thing that matters is that ``unroll`` and ``roll``
agree.  The course flattens the matrices in list order, each in C
(row-major) order: ``Theta.ravel()`` reads row 0 left to right, then row 1,
and so on.  The lecture's Octave ``Theta1(:)`` is column-major (Fortran
order): it reads column 0 top to bottom, then column 1.  For
``Theta = [[1, 2], [3, 4]]`` NumPy's default gives ``[1, 2, 3, 4]`` while
``Theta(:)`` gives ``[1, 3, 2, 4]``.  Mixing the two conventions
(``ravel()`` with ``reshape(..., order="F")``, or Octave-made vectors rolled
with NumPy's default) silently scrambles the weights instead of raising an
error, because the sizes still match.

Conventions (see SYLLABUS.md): ``thetas[l]`` has shape ``(s_{l+1}, s_l + 1)``,
labels ``y`` are ints ``0..K-1`` and random functions take an
``rng: numpy.random.Generator``.
"""
import numpy as np
import scipy.optimize

from solutions._validate import as_float_array
from solutions.backprop import backprop
from solutions.logic_gates import count_weights, feedforward


def unroll(matrices):
    """Flatten a list of matrices into one vector.

    ``[M_0.ravel(), M_1.ravel(), ...]`` concatenated: list order, each matrix
    in C (row-major) order.

    Parameters
    ----------
    matrices : list of array_like, any shapes

    Returns
    -------
    ndarray, shape (sum of the sizes,)
    """
    flat = [as_float_array(f"matrices[{i}]", M).ravel(order="C") for i, M in enumerate(matrices)]
    return np.concatenate(flat) if flat else np.zeros(0)


def roll(vector, shapes):
    """Cut a vector back into matrices: the exact inverse of :func:`unroll`.

    Matrix ``l`` is ``vector[o_l : o_l + r_l c_l].reshape(r_l, c_l)`` (C order)
    with ``o_l`` the total size of the shapes before it.

    Parameters
    ----------
    vector : array_like, shape (sum_l r_l c_l,)
    shapes : list of tuple of int, e.g. ``layer_shapes(layer_sizes)``

    Returns
    -------
    list of ndarray, ``result[l]`` shape ``shapes[l]``; copies, so editing
    them never changes ``vector``.

    Raises
    ------
    ValueError
        if the size of ``vector`` is not the total size of ``shapes``.
    """
    vector = as_float_array("vector", vector, ndim=1)
    shapes = [tuple(int(d) for d in shape) for shape in shapes]
    sizes = [int(np.prod(shape)) for shape in shapes]
    if vector.size != sum(sizes):
        raise ValueError(
            f"vector has the wrong size for shapes {shapes}: expected {sum(sizes)} "
            f"entries, received {vector.size}"
        )
    # np.cumsum gives each matrix's end offset; the previous end is its start.
    ends = np.cumsum(sizes)
    return [
        vector[end - size : end].reshape(shape).copy()
        for shape, size, end in zip(shapes, sizes, ends)
    ]


def layer_shapes(layer_sizes):
    """Shapes of the weight matrices of a fully connected network.

    ``[(s_2, s_1 + 1), (s_3, s_2 + 1), ...]``: one row per unit of the next
    layer, one column per unit of this layer plus the bias.  For
    ``[10, 10, 10, 1]``: ``[(10, 11), (10, 11), (1, 11)]``, 231 weights.

    Parameters
    ----------
    layer_sizes : sequence of int, length L >= 2, ``[s_1, ..., s_L]``

    Returns
    -------
    list of tuple of int, length L - 1
    """
    count_weights(layer_sizes)  # same validation: >= 2 positive sizes
    sizes = [int(s) for s in layer_sizes]
    return [(s_next, s + 1) for s, s_next in zip(sizes[:-1], sizes[1:])]


def nn_cost_function(nn_params, layer_sizes, X, y, lam):
    """Network cost and unrolled gradient as a function of one parameter vector.

    ``thetas = roll(nn_params, layer_shapes(layer_sizes))``;
    ``J, grads = backprop(thetas, X, y, lam)``; returns ``(J, unroll(grads))``,
    the ``(value, gradient)`` pair that ``scipy.optimize.minimize(..., jac=True)``
    expects.

    Parameters
    ----------
    nn_params : array_like, shape (count_weights(layer_sizes),)
    layer_sizes : sequence of int, ``[s_1, ..., s_L]`` with ``s_1 = n`` and ``s_L = K``
    X : array_like, shape (m, n)
    y : array_like, shape (m,), integer labels 0..K-1
    lam : float, lambda >= 0

    Returns
    -------
    J : float
    grad_vec : ndarray, shape like ``nn_params``, in the same (list, C) order
    """
    shapes = layer_shapes(layer_sizes)
    nn_params = as_float_array("nn_params", nn_params, ndim=1)
    expected = sum(rows * cols for rows, cols in shapes)
    if nn_params.size != expected:
        raise ValueError(
            f"nn_params has the wrong size for layer_sizes {list(layer_sizes)}: "
            f"expected ({expected},), received {nn_params.shape}"
        )
    J, grads = backprop(roll(nn_params, shapes), X, y, lam)
    return J, unroll(grads)


def train_network(layer_sizes, X, y, lam, rng, maxiter=200):
    """Train a sigmoid network with L-BFGS-B on the regularized cross-entropy.

    Initialization breaks the symmetry between hidden units: every
    ``Theta^(l)`` is drawn uniformly from ``[-eps_l, eps_l]`` with
    ``eps_l = sqrt(6) / sqrt(s_l + s_{l+1})`` (lesson 06's ``init_epsilon``; it
    shrinks as layers get wider so that ``z`` starts in the sigmoid's linear
    range).  The unrolled weights are then minimized by
    ``scipy.optimize.minimize(nn_cost_function, ..., jac=True, method="L-BFGS-B")``.

    Parameters
    ----------
    layer_sizes : sequence of int, ``[s_1, ..., s_L]`` with ``s_1 = n`` and ``s_L = K``
    X : array_like, shape (m, n)
    y : array_like, shape (m,), integer labels 0..K-1
    lam : float, lambda >= 0
    rng : numpy.random.Generator, the only source of randomness
    maxiter : int, maximum number of L-BFGS-B iterations (default 200)

    Returns
    -------
    list of ndarray, ``thetas[l]`` shape ``layer_shapes(layer_sizes)[l]``
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"received {type(rng).__name__}"
        )
    shapes = layer_shapes(layer_sizes)
    initial = []
    for s_out, s_in_plus_bias in shapes:
        eps = np.sqrt(6.0) / np.sqrt(s_in_plus_bias - 1 + s_out)  # L_in + L_out, bias not counted
        initial.append(rng.uniform(-eps, eps, size=(s_out, s_in_plus_bias)))
    result = scipy.optimize.minimize(
        nn_cost_function,
        unroll(initial),
        args=(layer_sizes, X, y, lam),
        jac=True,  # nn_cost_function returns (J, grad): one backprop gives both
        method="L-BFGS-B",
        options={"maxiter": int(maxiter)},
    )
    return roll(result.x, shapes)


def predict(thetas, X):
    """Predicted class labels: the index of the largest output unit.

    ``label_i = argmax_k feedforward(thetas, X)[i, k]``, in ``0..K-1``.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    X : array_like, shape (m, s_1)

    Returns
    -------
    ndarray of int, shape (m,)
    """
    return np.argmax(feedforward(thetas, X), axis=1)


# ---------------------------------------------------------------- the digits checkpoint

#: Seed of the digits checkpoint's fixed weights (stated in the notebook).
CHECKPOINT_SEED = 2026
#: The checkpoint network: 64 pixels, 25 hidden units, 10 digits.
CHECKPOINT_LAYERS = [64, 25, 10]


def checkpoint_thetas(seed=CHECKPOINT_SEED):
    """The fixed weights of the digits checkpoint, a 64-25-10 network.

    ``numpy.random.default_rng(seed)`` draws every entry of ``Theta^(1)``
    (25 x 65), then of ``Theta^(2)`` (10 x 26), each filled row by row,
    uniformly from [-1, 1].  They are not trained: the checkpoint is about
    computing the cost at given weights, as the lecture's published one is.

    Parameters
    ----------
    seed : int, default ``CHECKPOINT_SEED``

    Returns
    -------
    list of ndarray, shapes ``[(25, 65), (10, 26)]``
    """
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, size=(25, 65)), rng.uniform(-1.0, 1.0, size=(10, 26))]


# ---------------------------------------------------------------- quiz answers

#: For ``layer_sizes = [3, 4, 2]``, the position of ``thetas[1][1, 2]`` in
#: ``unroll(thetas)``: the 4 x 4 ``thetas[0]`` fills positions 0..15, then
#: row 1 of the 2 x 5 ``thetas[1]`` starts at 16 + 5, and column 2 is 2 further.
QUIZ_POSITION = 23

#: One gradient step on the L2 term alone multiplies every non-bias weight by
#: the same factor ``1 - alpha * lam / m``: large weights lose more, none
#: reaches exactly 0, the bias column is untouched (choice "b").
QUIZ_WEIGHT_DECAY = "b"

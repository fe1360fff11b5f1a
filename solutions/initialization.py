"""Lesson 06 reference: initializing the weights of a network.

Gradient descent and L-BFGS need a starting point.  All zeros is the wrong
one: every hidden unit of a layer then computes the same function, receives
the same error signal and gets the same update, so the units stay identical
however long we train (the *symmetry* problem).  Drawing the weights at
random breaks the tie.  How large the random numbers should be depends on the
layer's size: the lecture's uniform ``[-eps, eps]`` with
``eps = sqrt(6) / sqrt(L_in + L_out)`` (0.12 for the 400-25 layer), Xavier
(Glorot and Bengio, 2010: normal with variance ``2 / (L_in + L_out)``) and He
(He et al., 2015: variance ``2 / L_in``, for ReLU layers).  With weights that
are too small the activations of a deep network shrink towards 0 layer after
layer; with weights that are too large tanh and sigmoid units saturate.
``layer_activation_stats`` measures this.

Conventions (see SYLLABUS.md): ``thetas[l]`` has shape ``(s_{l+1}, s_l + 1)``
and its column 0 multiplies the bias unit; ``L_in = s_l`` and
``L_out = s_{l+1}`` never count the bias.  Every random function takes an
``rng: numpy.random.Generator`` keyword argument and no global seeding is
done anywhere.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape
from solutions.backprop import backprop, relu
from solutions.gradient_checking import _as_count
from solutions.logic_gates import sigmoid
from solutions.unrolling import layer_shapes

#: Schemes accepted by :func:`initialize_network`.
SCHEMES = ("zeros", "uniform", "xavier", "he")
#: Hidden-layer activations accepted by :func:`layer_activation_stats`.
ACTIVATIONS = ("tanh", "relu", "sigmoid")


def _check_rng(rng):
    """Raise ``TypeError`` unless ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"received {type(rng).__name__}"
        )
    return rng


def zero_initialize(layer_sizes):
    """All-zero weight matrices for a network (the initialization *not* to use).

    ``thetas[l] = zeros((s_{l+1}, s_l + 1))``.

    Parameters
    ----------
    layer_sizes : sequence of int, length L >= 2, ``[s_1, ..., s_L]``

    Returns
    -------
    list of ndarray, length L - 1, ``thetas[l]`` shape (s_{l+1}, s_l + 1), all 0.0

    Raises
    ------
    ValueError
        if ``layer_sizes`` has fewer than 2 entries or a size below 1.
    """
    return [np.zeros(shape) for shape in layer_shapes(layer_sizes)]


def hidden_units_symmetric(thetas, atol=1e-12):
    """Whether, in every hidden layer, all units are interchangeable copies.

    Hidden layer ``l + 1`` (fed by ``thetas[l]``, ``l = 0 .. L-3``) is
    symmetric when all its units have the same incoming weights (all rows of
    ``thetas[l]``, bias column included, are equal) **and** the same outgoing
    weights (all columns ``1 ..`` of ``thetas[l + 1]`` are equal; column 0
    belongs to the bias unit).  Such units compute the same activation for
    every input and receive the same gradient, so gradient descent can never
    separate them.  Entries count as equal when they differ by at most
    ``atol``.  A network without hidden layers (one matrix) has no units that
    could differ and is reported symmetric, as is a layer of a single unit.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    atol : float >= 0, absolute tolerance (default 1e-12)

    Returns
    -------
    bool
        True when every hidden layer is symmetric, False as soon as one
        hidden layer has two distinguishable units.

    Raises
    ------
    ValueError
        if a matrix is not 2-D or consecutive matrices do not fit
        (``thetas[l + 1]`` needs ``thetas[l].shape[0] + 1`` columns).
    """
    thetas = [as_float_array(f"thetas[{l}]", t, ndim=2) for l, t in enumerate(thetas)]
    for l in range(len(thetas) - 1):
        check_shape(f"thetas[{l + 1}]", thetas[l + 1], (None, thetas[l].shape[0] + 1))
    for incoming, outgoing in zip(thetas[:-1], thetas[1:]):
        # rows = units of this layer; compare each with unit 0
        same_in = np.all(np.abs(incoming - incoming[:1]) <= atol)
        units_out = outgoing[:, 1:]  # column j + 1 = weights leaving hidden unit j
        same_out = np.all(np.abs(units_out - units_out[:, :1]) <= atol)
        if not (same_in and same_out):
            return False
    return True


def init_epsilon(L_in, L_out):
    """Half-width of the lecture's uniform initialization interval.

    ``eps = sqrt(6) / sqrt(L_in + L_out)``, chosen so that the weights have
    variance ``eps^2 / 3 = 2 / (L_in + L_out)``, Xavier's variance.  For the
    lecture's 400-25 layer ``eps = sqrt(6/425) = 0.1188...``, the default
    0.12 of :func:`rand_initialize_weights`.

    Parameters
    ----------
    L_in : int >= 1, units feeding the layer (bias not counted)
    L_out : int >= 1, units of the layer

    Returns
    -------
    float
    """
    L_in = _as_count("L_in", L_in, 1)
    L_out = _as_count("L_out", L_out, 1)
    return float(np.sqrt(6.0) / np.sqrt(L_in + L_out))


def rand_initialize_weights(L_in, L_out, *, rng, epsilon_init=0.12):
    """Weights of one layer, uniform in ``[-epsilon_init, epsilon_init]``.

    Every entry, the bias column included, is drawn independently:
    ``W_ij ~ U(-eps, eps)`` (the lecture's
    ``rand(L_out, 1 + L_in) * 2 * eps - eps``).  Mean 0, standard deviation
    ``eps / sqrt(3)``.

    Parameters
    ----------
    L_in : int >= 1, units feeding the layer (bias not counted)
    L_out : int >= 1, units of the layer
    rng : numpy.random.Generator, the only source of randomness
    epsilon_init : float > 0, half-width of the interval (default 0.12)

    Returns
    -------
    ndarray, shape (L_out, L_in + 1)
    """
    L_in = _as_count("L_in", L_in, 1)
    L_out = _as_count("L_out", L_out, 1)
    _check_rng(rng)
    eps = float(epsilon_init)
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"epsilon_init must be a finite number > 0, received {epsilon_init!r}")
    return rng.uniform(-eps, eps, size=(L_out, L_in + 1))


def xavier_initialize(L_in, L_out, *, rng):
    """Xavier (Glorot and Bengio, 2010) initialization of one layer.

    ``W[:, 1:] ~ N(0, 2 / (L_in + L_out))`` (standard deviation
    ``sqrt(2 / (L_in + L_out))``) and ``W[:, 0] = 0``.  The variance is the
    compromise between keeping the activations' variance (``1 / L_in``) and the
    back-propagated gradients' variance (``1 / L_out``) constant from layer to
    layer in a network of tanh-like units that are linear near 0.

    Parameters
    ----------
    L_in : int >= 1, fan-in (units feeding the layer, bias not counted)
    L_out : int >= 1, fan-out (units of the layer)
    rng : numpy.random.Generator, the only source of randomness

    Returns
    -------
    ndarray, shape (L_out, L_in + 1), column 0 all zeros
    """
    L_in = _as_count("L_in", L_in, 1)
    L_out = _as_count("L_out", L_out, 1)
    _check_rng(rng)
    W = np.zeros((L_out, L_in + 1))  # biases start at 0: randomness in the weights already breaks symmetry
    W[:, 1:] = rng.normal(0.0, np.sqrt(2.0 / (L_in + L_out)), size=(L_out, L_in))
    return W


def he_initialize(L_in, L_out, *, rng):
    """He (He et al., 2015) initialization of one layer, for ReLU networks.

    ``W[:, 1:] ~ N(0, 2 / L_in)`` (standard deviation ``sqrt(2 / L_in)``) and
    ``W[:, 0] = 0``.  A ReLU zeroes half of its inputs, halving the second
    moment; the factor 2 restores it, so ``E[z^2]`` stays constant through
    the layers.

    Parameters
    ----------
    L_in : int >= 1, fan-in (units feeding the layer, bias not counted)
    L_out : int >= 1, units of the layer
    rng : numpy.random.Generator, the only source of randomness

    Returns
    -------
    ndarray, shape (L_out, L_in + 1), column 0 all zeros
    """
    L_in = _as_count("L_in", L_in, 1)
    L_out = _as_count("L_out", L_out, 1)
    _check_rng(rng)
    W = np.zeros((L_out, L_in + 1))
    W[:, 1:] = rng.normal(0.0, np.sqrt(2.0 / L_in), size=(L_out, L_in))
    return W


def initialize_network(layer_sizes, *, rng, scheme):
    """Initial weights of a whole network under one scheme.

    For every pair ``L_in = s_l``, ``L_out = s_{l+1}``:

    * ``"zeros"``: :func:`zero_initialize` (``rng`` is not used);
    * ``"uniform"``: :func:`rand_initialize_weights` with
      ``epsilon_init = init_epsilon(L_in, L_out)``;
    * ``"xavier"``: :func:`xavier_initialize`;
    * ``"he"``: :func:`he_initialize`.

    The layers are drawn in order, first layer first, from the one ``rng``.

    Parameters
    ----------
    layer_sizes : sequence of int, length L >= 2, ``[s_1, ..., s_L]``
    rng : numpy.random.Generator
    scheme : {"zeros", "uniform", "xavier", "he"}

    Returns
    -------
    list of ndarray, length L - 1, ``thetas[l]`` shape (s_{l+1}, s_l + 1)

    Raises
    ------
    ValueError
        for an unknown ``scheme`` or invalid ``layer_sizes``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, received {scheme!r}")
    shapes = layer_shapes(layer_sizes)
    if scheme == "zeros":
        return zero_initialize(layer_sizes)
    _check_rng(rng)
    thetas = []
    for L_out, cols in shapes:
        L_in = cols - 1
        if scheme == "uniform":
            thetas.append(rand_initialize_weights(L_in, L_out, rng=rng, epsilon_init=init_epsilon(L_in, L_out)))
        elif scheme == "xavier":
            thetas.append(xavier_initialize(L_in, L_out, rng=rng))
        else:
            thetas.append(he_initialize(L_in, L_out, rng=rng))
    return thetas


def layer_activation_stats(thetas, X, activation):
    """Mean and standard deviation of every hidden layer's activations.

    Forward pass with the hidden activation ``g`` (``"tanh"``, ``"relu"`` or
    ``"sigmoid"``): ``a^(1) = X``, ``a^(l+1) = g([1, a^(l)] Theta^(l)^T)`` for
    the hidden layers ``l = 1 .. L-2``.  For each hidden layer, the mean and
    the (population, ``ddof=0``) standard deviation of all its ``m * s_{l+1}``
    activations, bias unit excluded.  The output layer (``thetas[-1]``) is not
    a hidden layer and is not used.

    Parameters
    ----------
    thetas : list of array_like, length L - 1 >= 1, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    X : array_like, shape (m, s_1)
    activation : {"tanh", "relu", "sigmoid"}

    Returns
    -------
    list of tuple (float, float), length L - 2: ``(mean, std)`` of hidden
    layer 2, 3, ..., L - 1.

    Raises
    ------
    ValueError
        for an unknown ``activation`` or shapes that do not fit.
    """
    functions = {"tanh": np.tanh, "relu": relu, "sigmoid": sigmoid}
    if activation not in functions:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, received {activation!r}")
    g = functions[activation]
    a = as_float_array("X", X, ndim=2)
    thetas = [as_float_array(f"thetas[{l}]", t, ndim=2) for l, t in enumerate(thetas)]
    stats = []
    for l, theta in enumerate(thetas[:-1]):
        check_shape(f"thetas[{l}]", theta, (None, a.shape[1] + 1))
        a = g(a @ theta[:, 1:].T + theta[:, 0])  # [1, a] Theta^T without building [1, a]
        stats.append((float(np.mean(a)), float(np.std(a))))
    return stats


def gradient_descent_path(thetas, X, y, lam, alpha, iters):
    """Batch gradient descent on the network cost, keeping every iterate.

    ``Theta^(l) := Theta^(l) - alpha D^(l)`` with ``(J, D) = backprop(thetas,
    X, y, lam)`` (lesson 03: sigmoid units, cross-entropy), ``iters`` times.

    Parameters
    ----------
    thetas : list of array_like, the starting weights (not modified)
    X : array_like, shape (m, s_1)
    y : array_like, shape (m,), integer labels 0..K-1
    lam : float >= 0
    alpha : float > 0, learning rate
    iters : int >= 0, number of updates

    Returns
    -------
    path : list of list of ndarray, length iters + 1; ``path[k]`` are the
        weights after ``k`` updates (``path[0]`` a copy of the start)
    costs : ndarray, shape (iters + 1,), ``J`` at each ``path[k]``
    """
    iters = _as_count("iters", iters, 0)
    current = [as_float_array(f"thetas[{l}]", t, ndim=2).copy() for l, t in enumerate(thetas)]
    path, costs = [current], []
    for _ in range(iters):
        J, grads = backprop(current, X, y, lam)
        costs.append(J)
        current = [t - alpha * g for t, g in zip(current, grads)]
        path.append(current)
    costs.append(backprop(current, X, y, lam)[0])
    return path, np.array(costs)

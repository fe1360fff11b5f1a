"""Lesson 05 reference: gradient checking.

Backpropagation is easy to get subtly wrong and still produce a cost that
goes down.  Gradient checking compares the analytic gradient against a
numerical estimate built only from cost evaluations:

    dJ/dtheta_i ~= (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)

where ``e_i`` is the i-th unit vector.  The check is run once, on a tiny
network, and then switched off: it costs two full cost evaluations per
parameter.

Conventions (see SYLLABUS.md): a cost function ``J`` takes a float array
``theta`` and returns a scalar; networks are lists ``thetas`` with
``thetas[l]`` of shape ``(s_{l+1}, s_l + 1)``, column 0 the bias weights;
unrolled vectors list the matrices in order, each flattened in C order.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape
from solutions.backprop import backprop, sigmoid_gradient
from solutions.cost_functions import one_hot, softmax
from solutions.logic_gates import add_bias, sigmoid
from solutions.unrolling import roll, unroll


def _check_eps(eps):
    """Return ``eps`` as a float, rejecting steps that are not positive and finite."""
    eps = float(eps)
    if not np.isfinite(eps) or eps <= 0.0:
        raise ValueError(f"eps must be a positive finite step, received {eps!r}")
    return eps


def _cost(J, theta):
    """Evaluate ``J(theta)`` and insist on a scalar.

    A cost function that returns ``(J, grad)`` (as ``nn_cost_function`` does)
    is the most common way to misuse the checker, so it gets its own message
    instead of an obscure ``float()`` error.
    """
    value = J(theta)
    if isinstance(value, tuple):
        raise ValueError(
            f"J must return a scalar cost, expected shape (), received a tuple of "
            f"length {len(value)}; if your function returns (J, grad), pass "
            f"lambda t: f(t)[0]"
        )
    value = np.asarray(value, dtype=float)
    if value.size != 1:
        raise ValueError(f"J must return a scalar cost, expected shape (), received shape {value.shape}")
    return float(value.reshape(()))


def numerical_gradient(J, theta, eps=1e-4):
    """Central-difference estimate of the gradient of ``J`` at ``theta``.

    For every coordinate ``i`` separately (the lecture's loop)::

        grad_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)

    The truncation error is ``O(eps^2)`` (``eps^2 / 6 * d^3J/dtheta_i^3``),
    against ``O(eps)`` for a one-sided difference.

    Parameters
    ----------
    J : callable
        ``J(t) -> float`` where ``t`` has the shape of ``theta``.  It must
        return the cost only, not a ``(cost, grad)`` tuple.
    theta : array_like, any shape (n entries in total)
        Point at which to differentiate.  Never modified.
    eps : float, default 1e-4
        Perturbation size (the lecture's ``EPSILON``).

    Returns
    -------
    ndarray, same shape as ``theta``, float64.

    Notes
    -----
    ``J`` is called ``2 n`` times, which is why the check is switched off
    before training.
    """
    eps = _check_eps(eps)
    # np.array copies, so neither theta nor the caller's data is ever touched;
    # float64 matters for integer input, where theta + 1e-4 would truncate.
    base = np.array(theta, dtype=float)
    flat_grad = np.empty(base.size)
    for i in range(base.size):
        # Fresh copies per evaluation (the lecture's thetaPlus = theta): in
        # NumPy plain assignment would alias base, and a J that keeps or
        # mutates its argument could not corrupt later coordinates.
        plus = base.copy()
        plus.reshape(-1)[i] += eps
        minus = base.copy()
        minus.reshape(-1)[i] -= eps
        flat_grad[i] = (_cost(J, plus) - _cost(J, minus)) / (2.0 * eps)
    return flat_grad.reshape(base.shape)


def forward_difference_gradient(J, theta, eps=1e-4):
    """One-sided (forward) difference estimate of the gradient, for comparison.

    ``grad_i = (J(theta + eps e_i) - J(theta)) / eps``, error ``O(eps)``
    (``eps / 2 * d^2J/dtheta_i^2``), i.e. much less accurate than
    :func:`numerical_gradient` for the same ``eps``.

    Parameters
    ----------
    J : callable
        ``J(t) -> float`` where ``t`` has the shape of ``theta``.
    theta : array_like, any shape (n entries in total)
        Never modified.
    eps : float, default 1e-4

    Returns
    -------
    ndarray, same shape as ``theta``, float64.

    Notes
    -----
    ``J`` is called ``n + 1`` times: ``J(theta)`` is shared by all coordinates.
    """
    eps = _check_eps(eps)
    base = np.array(theta, dtype=float)
    j0 = _cost(J, base.copy())  # a copy, in case J mutates its argument
    flat_grad = np.empty(base.size)
    for i in range(base.size):
        plus = base.copy()
        plus.reshape(-1)[i] += eps
        flat_grad[i] = (_cost(J, plus) - j0) / eps
    return flat_grad.reshape(base.shape)


def relative_difference(a, b):
    """Scale-free distance between two gradients.

    ``||a - b|| / ||a + b||`` with the Euclidean norm over all entries (the
    Frobenius norm for matrices).  Dividing by ``||a + b||`` makes the number
    independent of the gradient's overall size; a correct backprop gives
    values around 1e-9 or below with ``eps = 1e-4``.

    Parameters
    ----------
    a, b : array_like, same shape (any)

    Returns
    -------
    numpy.float64, >= 0.
        ``0.0`` when both are zero (nothing to disagree about, no 0/0), and
        ``inf`` when ``a = -b != 0`` (opposite gradients are as different as
        it gets).
    """
    a = as_float_array("a", a)
    b = as_float_array("b", b)
    check_shape("b", b, a.shape)
    num = np.linalg.norm((a - b).ravel())
    den = np.linalg.norm((a + b).ravel())
    if den == 0.0:
        # den == 0 means b == -a; then num == 0 exactly when both are zero.
        return np.float64(0.0) if num == 0.0 else np.float64(np.inf)
    return np.float64(num / den)


def _as_count(name, value, minimum):
    """Return ``value`` as an int >= ``minimum`` or raise ``ValueError``.

    Python and NumPy integers are accepted; floats (even 3.0) and strings are not.
    """
    if not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, received {value!r}")
    count = int(value)
    if count < minimum:
        raise ValueError(f"{name} must be >= {minimum}, received {count}")
    return count


def debug_initialize_weights(fan_out, fan_in):
    """Deterministic, non-symmetric weights for debugging (lecture's helper).

    ``W = reshape(sin(1:fan_out*(fan_in+1)), fan_out, fan_in+1) / 10`` in
    Octave, which fills **column by column**; so element ``(i, j)``
    (0-based) is ``sin(1 + i + j * fan_out) / 10``.

    Parameters
    ----------
    fan_out : int >= 1
        Number of units in the layer the weights feed (rows).
    fan_in : int >= 0
        Number of incoming units, without the bias (columns = fan_in + 1).

    Returns
    -------
    ndarray, shape (fan_out, fan_in + 1), entries in [-0.1, 0.1].

    Notes
    -----
    ``sin`` of consecutive integers never repeats, so no two units start
    equal (no symmetry to break), and the result is reproducible without a
    random generator.  ``order="F"`` reproduces Octave's column-major
    ``reshape``; NumPy's default C order would give different matrices.
    """
    fan_out = _as_count("fan_out", fan_out, 1)
    fan_in = _as_count("fan_in", fan_in, 0)
    n = fan_out * (fan_in + 1)
    return np.sin(np.arange(1, n + 1)).reshape((fan_out, fan_in + 1), order="F") / 10.0


def check_nn_gradients(lam=0.0):
    """Compare backprop with central differences on the lecture's debug network.

    Network 3 -> 5 -> 3 (sigmoid, cross-entropy, one output per class) with
    ``Theta1 = debug_initialize_weights(5, 3)`` (5, 4),
    ``Theta2 = debug_initialize_weights(3, 5)`` (3, 6), ``m = 5`` examples
    ``X = debug_initialize_weights(5, 2)`` (5, 3) and labels
    ``y = arange(1, 6) % 3`` = ``[1, 2, 0, 1, 2]`` (the lecture's
    ``1 + mod(1:m, 3)`` shifted to 0-based).

    Parameters
    ----------
    lam : float >= 0, default 0.0
        L2 regularization strength (bias column excluded).

    Returns
    -------
    numgrad : ndarray, shape (38,)
        ``numerical_gradient`` of the unrolled cost at the unrolled weights.
    grad : ndarray, shape (38,)
        Backprop gradient, unrolled the same way (list order, C order).
    diff : numpy.float64
        ``relative_difference(numgrad, grad)``; below 1e-9 when backprop is
        correct.
    """
    lam = float(lam)
    if not np.isfinite(lam) or lam < 0.0:
        raise ValueError(f"lam must be a finite number >= 0, received {lam!r}")
    # The lecture's debug network: small enough that 2n cost evaluations are cheap.
    n_inputs, n_hidden, n_classes, m = 3, 5, 3, 5
    thetas = [
        debug_initialize_weights(n_hidden, n_inputs),
        debug_initialize_weights(n_classes, n_hidden),
    ]
    # Same helper for the inputs: reproducible, non-degenerate features.
    X = debug_initialize_weights(m, n_inputs - 1)
    y = np.arange(1, m + 1) % n_classes
    shapes = [t.shape for t in thetas]

    def cost(params):
        return backprop(roll(params, shapes), X, y, lam)[0]

    numgrad = numerical_gradient(cost, unroll(thetas))
    grad = unroll(backprop(thetas, X, y, lam)[1])
    return numgrad, grad, relative_difference(numgrad, grad)


# ------------------------------------------------------------------ the bug hunt

def buggy_backprop(thetas, X, y, lam):
    """Backprop of a 3-layer sigmoid network (three weight matrices) with ONE planted bug.

    Written layer by layer, with the bias gradient kept apart from the weight
    gradient (as many courses write it), so that the notebook's bug hunt has a
    realistic target.  The cost ``J`` is right; one line of the gradient is not.
    Find it with a gradient check, not by reading.

    Parameters
    ----------
    thetas : list of 3 array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    X : array_like, shape (m, s_1)
    y : array_like, shape (m,), integer labels 0..K-1 with ``K = s_4``
    lam : float >= 0

    Returns
    -------
    J : numpy.float64, the regularized cross-entropy cost (correct)
    grads : list of 3 ndarray shaped like ``thetas`` (one of them wrong)
    """
    if len(thetas) != 3:
        raise ValueError(f"thetas must hold 3 weight matrices, received {len(thetas)}")
    T1, T2, T3 = (np.asarray(t, dtype=float) for t in thetas)
    X = np.asarray(X, dtype=float)
    m = X.shape[0]
    Y = one_hot(y, T3.shape[0])
    # forward
    a1 = add_bias(X)
    z2 = a1 @ T1.T
    a2 = add_bias(sigmoid(z2))
    z3 = a2 @ T2.T
    a3 = add_bias(sigmoid(z3))
    z4 = a3 @ T3.T
    h = sigmoid(z4)
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * sum(np.sum(t[:, 1:] ** 2) for t in (T1, T2, T3))
    # backward: delta4, delta3, delta2 are dJ/dz per example (no 1/m yet)
    d4 = h - Y
    d3 = (d4 @ T3[:, 1:]) * sigmoid_gradient(z3)
    d2 = (d3 @ T2[:, 1:]) * sigmoid_gradient(z2)
    # weights (columns 1:) and biases (column 0), averaged over the m examples
    dW3, db3 = d4.T @ a3[:, 1:] / m, d4.sum(axis=0) / m
    dW2, db2 = d3.T @ a2[:, 1:] / m, d3.sum(axis=0)
    dW1, db1 = d2.T @ a1[:, 1:] / m, d2.sum(axis=0) / m
    grads = []
    for T, dW, db in ((T1, dW1, db1), (T2, dW2, db2), (T3, dW3, db3)):
        grads.append(np.column_stack([db, dW + lam / m * T[:, 1:]]))
    return np.float64(J), grads


def difference_by_layer(numgrad, grad, shapes):
    """Roll the disagreement ``grad - numgrad`` back into one matrix per layer.

    ``result[l] = roll(grad - numgrad, shapes)[l]``: entry ``result[l][i, j]``
    is how much the analytic derivative of ``Theta^(l+1)[i, j]`` exceeds the
    numerical one, so a heatmap of each matrix shows where a bug lives.

    Parameters
    ----------
    numgrad, grad : array_like, shape (n,), n = sum of the sizes of ``shapes``
        Unrolled the same way (list order, each matrix in C order).
    shapes : list of tuple of int, ``shapes[l]`` the shape of ``thetas[l]``

    Returns
    -------
    list of ndarray, ``result[l]`` shape ``shapes[l]``.
    """
    numgrad = as_float_array("numgrad", numgrad, ndim=1)
    grad = as_float_array("grad", grad, ndim=1)
    check_shape("grad", grad, numgrad.shape)
    return roll(grad - numgrad, shapes)


def largest_difference(diffs):
    """Where the largest disagreement sits: ``(l, i, j)`` with the largest ``|diffs[l][i, j]|``.

    Ties go to the first such entry in unrolled order (list order, C order
    inside a matrix), as ``np.argmax`` does.

    Parameters
    ----------
    diffs : list of array_like, each 2-D (e.g. from :func:`difference_by_layer`)

    Returns
    -------
    tuple of three int: the layer index ``l`` (``diffs[l]`` belongs to
    ``thetas[l]``), the row ``i`` and the column ``j``.
    """
    mats = [as_float_array(f"diffs[{l}]", d, ndim=2) for l, d in enumerate(diffs)]
    if not mats or sum(d.size for d in mats) == 0:
        raise ValueError("diffs must hold at least one non-empty matrix, received none")
    # The largest |entry| of each layer, then the first layer that reaches the overall maximum.
    peaks = [np.max(np.abs(d)) if d.size else -np.inf for d in mats]
    layer = int(np.argmax(peaks))
    i, j = np.unravel_index(int(np.argmax(np.abs(mats[layer]))), mats[layer].shape)
    return layer, int(i), int(j)


# ------------------------------------------------------------------ softmax gradient

def softmax_cross_entropy_gradient(Z, y):
    """Gradient of the mean softmax cross-entropy with respect to the scores ``Z``.

    With ``J(Z) = -(1/m) sum_i log softmax(Z)[i, y_i]`` and ``Y = one_hot(y, K)``::

        dJ/dZ = (softmax(Z) - Y) / m

    (for one row: ``d/dz_k [log sum_j e^{z_j} - z_y] = p_k - [k = y]``).

    Parameters
    ----------
    Z : array_like, shape (m, K), class scores
    y : array_like, shape (m,), integer labels 0..K-1

    Returns
    -------
    ndarray, shape (m, K); every row sums to 0.
    """
    Z = as_float_array("Z", Z, ndim=2)
    m, K = Z.shape
    y = check_shape("y", as_float_array("y", y, ndim=1), (m,))
    return (softmax(Z) - one_hot(y, K)) / m


# ------------------------------------------------------------------ answers

#: Where the bug of ``buggy_backprop`` shows up on the 3-5-4-3 debug network
#: (lam = 0): ``largest_difference(difference_by_layer(numgrad, grad, shapes))``.
# stub: replace ... with (layer, row, column) from your own check, e.g. (0, 2, 3)
BUG_LOCATION = (1, 0, 0)
#: A network has one million weights and one cost evaluation takes 10 ms: how many
#: seconds does one central-difference gradient take?
# stub: replace ... with a number of seconds
QUIZ_A = 20000
#: Which of these make a gradient check report a large difference although backprop
#: is correct?  (see the notebook for the options)
# stub: replace ... with the letters of all your choices, e.g. "a, d"
QUIZ_B = "a, b, e"

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
from solutions.backprop import backprop
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

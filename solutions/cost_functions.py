"""Lesson 02 reference: cost functions for logistic regression and networks.

Conventions (see SYLLABUS.md): ``X`` is ``(m, n)``, labels ``y`` are ints
``0..K-1`` of shape ``(m,)``, one-hot ``Y`` is ``(m, K)``, ``thetas[l]`` has
shape ``(s_{l+1}, s_l + 1)`` and its column 0 (the bias) is never regularized.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape
from solutions.logic_gates import add_bias, feedforward, sigmoid


def check_labels(y, K):
    """Return labels ``y`` as an int array of shape (m,); raise ValueError unless they are integers 0..K-1."""
    yf = as_float_array("y", y, ndim=1)
    if not np.all(np.isfinite(yf)) or np.any(yf != np.round(yf)):
        raise ValueError(f"y must hold integer labels 0..{K - 1}, received non-integer values")
    if yf.size and (yf.min() < 0 or yf.max() > K - 1):
        raise ValueError(
            f"y must hold labels in 0..{K - 1}, received values in "
            f"{int(yf.min())}..{int(yf.max())}"
        )
    return yf.astype(int)


def one_hot(y, K):
    """One-hot encode integer labels.

    ``Y[i, k] = 1`` if ``y[i] == k`` else ``0``.

    Parameters
    ----------
    y : array_like, shape (m,), integers in 0..K-1
    K : int, number of classes (>= 1)

    Returns
    -------
    ndarray, shape (m, K), float64, each row sums to 1.
    """
    if int(K) != K or K < 1:
        raise ValueError(f"K must be a positive integer, received {K!r}")
    K = int(K)
    y = check_labels(y, K)
    # Comparing against 0..K-1 broadcasts (m, 1) with (K,) into (m, K).
    return (y[:, None] == np.arange(K)).astype(float)


def _log_sigmoid_pair(z):
    """Return ``(log g(z), log(1 - g(z)))`` without ever taking ``log(0)``.

    ``log g(z) = -log(1 + e^-z)`` and ``log(1 - g(z)) = log g(-z) = -log(1 + e^z)``;
    ``np.logaddexp(0, t) = log(e^0 + e^t)`` never overflows, so both stay finite
    even where ``g(z)`` itself rounds to exactly 0 or 1.
    """
    return -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)


def _cross_entropy_from_logits(Z, Y):
    """Sum over all entries of ``-[Y log g(Z) + (1 - Y) log(1 - g(Z))]``."""
    log_h, log_1mh = _log_sigmoid_pair(Z)
    return -np.sum(Y * log_h + (1.0 - Y) * log_1mh)


def as_weight_list(thetas):
    """Return ``thetas`` as a list of 2-D float arrays (a wrong one is named ``thetas[l]`` in the error)."""
    return [as_float_array(f"thetas[{l}]", t, ndim=2) for l, t in enumerate(thetas)]


def logistic_cost(theta, X, y, lam):
    """Regularized cross-entropy cost of logistic regression and its gradient.

    ``h = g(X_b theta)`` with ``X_b = [1, X]``;
    ``J = -(1/m) sum_i [y_i log h_i + (1 - y_i) log(1 - h_i)] + lam/(2m) sum_{j>=1} theta_j^2``;
    ``grad = (1/m) X_b^T (h - y) + (lam/m) [0, theta_1, ..., theta_n]``.
    The logarithms are taken from ``z = X_b theta`` (``-log h = log(1 + e^-z)``),
    so the cost stays finite when ``h`` rounds to exactly 0 or 1.

    Parameters
    ----------
    theta : array_like, shape (n + 1,), ``theta[0]`` is the bias (not regularized)
    X : array_like, shape (m, n)
    y : array_like, shape (m,), targets in [0, 1] (labels 0/1)
    lam : float, regularization strength lambda >= 0

    Returns
    -------
    J : float
    grad : ndarray, shape (n + 1,)
    """
    Xb = add_bias(X)
    m, n1 = Xb.shape
    theta = check_shape("theta", as_float_array("theta", theta, ndim=1), (n1,))
    y = check_shape("y", as_float_array("y", y, ndim=1), (m,))
    z = Xb @ theta
    reg = theta.copy()
    reg[0] = 0.0  # the bias weight is not penalized, so it gets no decay term
    # -log g(z) = log(1 + e^-z) and -log(1 - g(z)) = log(1 + e^z), taken from z
    # directly: logaddexp(0, t) = log(e^0 + e^t) never overflows, so the cost stays
    # finite even where g(z) itself rounds to exactly 0 or 1.
    J = np.sum(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)) / m \
        + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (sigmoid(z) - y) / m + (lam / m) * reg
    return np.float64(J), grad


def l2_penalty(thetas, lam, m):
    """L2 (weight decay) term of the network cost.

    ``lam/(2m) * sum_l sum_{j, i>=1} (Theta^(l)_{j,i})^2``; column 0 (bias) is excluded.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    lam : float, lambda >= 0
    m : int, number of training examples (> 0)

    Returns
    -------
    float
    """
    if not m > 0:
        raise ValueError(f"m must be a positive number of examples, received {m!r}")
    total = sum(np.sum(t[:, 1:] ** 2) for t in as_weight_list(thetas))
    return np.float64(lam / (2 * m) * total)


def nn_cost(thetas, X, y, lam):
    """Regularized cross-entropy cost of a sigmoid network with K output units.

    ``J = -(1/m) sum_i sum_k [Y_ik log h_ik + (1 - Y_ik) log(1 - h_ik)] + l2_penalty(thetas, lam, m)``
    with ``h = g(Z)`` the (m, K) outputs and ``Y = one_hot(y, K)``.  The logarithms
    are taken from the output layer's pre-activations ``Z`` (not from ``h``), so the
    cost stays finite when outputs saturate.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1), ``s_L = K``
    X : array_like, shape (m, s_1)
    y : array_like, shape (m,), integer labels 0..K-1
    lam : float, lambda >= 0

    Returns
    -------
    float
    """
    thetas = as_weight_list(thetas)
    if not thetas:
        raise ValueError("thetas must hold at least 1 weight matrix, received an empty list")
    A = feedforward(thetas[:-1], X)  # last hidden layer (or X itself), shape (m, s_{L-1})
    check_shape(f"thetas[{len(thetas) - 1}]", thetas[-1], (None, A.shape[1] + 1))
    # Keep the output pre-activations: the log of the sigmoid is taken from
    # them directly, so saturated outputs (h == 0 or 1 in float) stay finite.
    Z = add_bias(A) @ thetas[-1].T
    m, K = Z.shape
    y = check_shape("y", as_float_array("y", y, ndim=1), (m,))
    Y = one_hot(y, K)
    # Same stable form as logistic_cost, summed over the K output units.
    cross_entropy = np.sum(Y * np.logaddexp(0.0, -Z) + (1.0 - Y) * np.logaddexp(0.0, Z)) / m
    return np.float64(cross_entropy + l2_penalty(thetas, lam, m))


def squared_error_cost(H, Y):
    """Mean (over examples) half squared error.

    ``E = 1/(2m) sum_i ||h_i - y_i||^2``.

    Parameters
    ----------
    H : array_like, shape (m, K), network outputs
    Y : array_like, shape (m, K), targets (e.g. ``one_hot(y, K)``)

    Returns
    -------
    float
    """
    H = as_float_array("H", H, ndim=2)
    Y = check_shape("Y", as_float_array("Y", Y, ndim=2), H.shape)
    return np.float64(np.sum((H - Y) ** 2) / (2 * H.shape[0]))


def softmax(Z):
    """Row-wise softmax.

    ``p_ik = exp(z_ik) / sum_j exp(z_ij)``, computed after subtracting each
    row's maximum (which cancels in the ratio) so no ``exp`` overflows.

    Parameters
    ----------
    Z : array_like, shape (m, K) (or (K,) for a single example)

    Returns
    -------
    ndarray, same shape as ``Z``; every row is non-negative and sums to 1.
    """
    Z = np.asarray(Z, dtype=float)
    if Z.ndim not in (1, 2):
        raise ValueError(f"Z must be a 2-D array, expected shape (m, K), received shape {Z.shape}")
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))  # largest entry of each row becomes exp(0) = 1
    return E / E.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(Z, y):
    """Mean negative log-probability of the correct class under a row-wise softmax.

    ``J = -(1/m) sum_i log softmax(Z)[i, y_i]`` with
    ``log softmax(Z)[i, k] = z_ik - max_j z_ij - log sum_j exp(z_ij - max_j z_ij)``
    (log-sum-exp form, finite for any finite ``Z``).

    Parameters
    ----------
    Z : array_like, shape (m, K), class scores
    y : array_like, shape (m,), integer labels 0..K-1

    Returns
    -------
    float
    """
    Z = as_float_array("Z", Z, ndim=2)
    m, K = Z.shape
    y = check_shape("y", as_float_array("y", y, ndim=1), (m,))
    S = Z - Z.max(axis=1, keepdims=True)
    log_p = S - np.log(np.sum(np.exp(S), axis=1, keepdims=True))
    return np.float64(-np.mean(log_p[np.arange(m), check_labels(y, K)]))


def weight_elimination(thetas):
    """Weight-elimination regularizer and its gradient.

    ``R = sum_l sum_{j, i>=1} w^2 / (1 + w^2)``, ``dR/dw = 2 w / (1 + w^2)^2``;
    the bias column 0 is excluded, so its gradient is 0.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)

    Returns
    -------
    value : float, in [0, number of non-bias weights)
    grads : list of ndarray, ``grads[l]`` shape like ``thetas[l]``, column 0 all zeros
    """
    value, grads = 0.0, []
    for t in as_weight_list(thetas):
        # r = 1/sqrt(1 + w^2) and s = w r never overflow (hypot avoids forming
        # w^2), so w^2/(1+w^2) = s^2 and 2w/(1+w^2)^2 = 2 s r^3 hold for any finite w.
        r = 1.0 / np.hypot(1.0, t[:, 1:])
        s = t[:, 1:] * r
        value += np.sum(s**2)
        g = np.zeros_like(t)
        g[:, 1:] = 2.0 * s * r**3
        grads.append(g)
    return np.float64(value), grads


# Quiz answers (short answers, judged by ``Result.check_answer``; the questions are in the notebook).
#: Weight decay in one gradient step: with alpha = 0.5, lam = 2 and m = 10, by which factor does
#: theta_j := theta_j - alpha * (dJ_data/dtheta_j + lam/m * theta_j) multiply theta_j (j >= 1)?
# stub: replace ... with a number, e.g. 0.75
QUIZ_A = 0.9
#: A sigmoid output unit with target y = 1 has pre-activation z = -10 (confidently wrong).  Which are
#: true?  (a) its cross-entropy cost is about 10; (b) its squared-error cost is about 10; (c) the
#: squared error's slope dE/dz is below 1e-4 in size; (d) the cross-entropy's slope dJ/dz is about -1;
#: (e) both slopes tend to 0 as z -> -infinity.
# stub: replace ... with the letters of all your choices, e.g. "a, d"
QUIZ_B = "a, c, d"
#: Which changes to the scores Z leave softmax(Z) unchanged?  (a) adding 5 to every score of row 0;
#: (b) multiplying every score by 2; (c) adding 5 to every score of column 0; (d) subtracting from each
#: row its own minimum; (e) subtracting the largest entry of the whole matrix from every entry.
# stub: replace ... with the letters of all your choices, e.g. "a, d"
QUIZ_C = "a, d, e"

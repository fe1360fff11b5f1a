"""Lesson 03 reference: backpropagation, from computational graphs to networks.

The lesson climbs in three steps.  First, small computational graphs
(``(x + y) z``, one sigmoid neuron, ``||W x||^2``) whose gradients are the
chain rule applied node by node: every local derivative is written right
next to the forward operation it belongs to.  Second, the derivatives of the
activation functions.  Third, whole networks: ``forward_propagation`` keeps
every layer's activations, ``backprop`` sends the error terms ``delta`` back
through them for all examples at once, ``backprop_loop`` does the same one
example at a time exactly as the lecture's ``Delta := Delta + delta a^T``
pseudo-code, and ``tanh_regression_backprop`` is the tanh/squared-error
variant of the derivation for a single example.

Conventions (see SYLLABUS.md): ``X`` is ``(m, n)``, labels ``y`` are ints
``0..K-1``, ``thetas[k]`` (0-based) is the lectures' ``Theta^(k+1)``, of shape
``(layer_sizes[k+1], layer_sizes[k] + 1)``, and its column 0 multiplies the
bias unit, which is never regularized.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape
from solutions.cost_functions import _cross_entropy_from_logits, l2_penalty, one_hot
from solutions.logic_gates import add_bias, sigmoid

#: Loss names accepted by :func:`backprop`.
LOSSES = ("cross_entropy", "squared_error")


# ---------------------------------------------------------------------------
# Computational graphs
# ---------------------------------------------------------------------------


def add_mul_graph(x, y, z):
    """Value and gradient of ``f(x, y, z) = (x + y) z`` by backpropagation.

    Forward: ``q = x + y``, ``f = q z``.  Backward (chain rule, output to
    inputs): ``df/dq = z``, ``df/dz = q``, ``df/dx = df/dq * dq/dx = z``,
    ``df/dy = df/dq * dq/dy = z``.  At ``(-2, 5, -4)`` this gives
    ``(-12, -4, -4, 3)``.

    Parameters
    ----------
    x, y, z : float or array_like (broadcastable; elementwise)

    Returns
    -------
    f, dfdx, dfdy, dfdz : float or ndarray of the broadcast shape
    """
    x, y, z = (as_float_array(name, v) for name, v in (("x", x), ("y", y), ("z", z)))
    q = x + y
    dq_dx, dq_dy = 1.0, 1.0  # an addition passes its upstream gradient through unchanged
    f = q * z
    df_dq, df_dz = z, q  # a product routes each input the *other* factor
    # Broadcasting against ones gives every output the shape of f.
    ones = np.ones_like(f)
    return f, df_dq * dq_dx * ones, df_dq * dq_dy * ones, df_dz * ones


def sigmoid_neuron(w, x):
    """Value and gradients of one 2-input sigmoid neuron.

    ``f = g(w0 x0 + w1 x1 + w2)`` with ``g`` the sigmoid.  With
    ``s = g'(z) = f (1 - f)``: ``df/dw = s [x0, x1, 1]`` and ``df/dx = s [w0, w1]``.

    Parameters
    ----------
    w : array_like, shape (3,), ``w[2]`` is the bias weight
    x : array_like, shape (2,)

    Returns
    -------
    f : float
    dw : ndarray, shape (3,)
    dx : ndarray, shape (2,)
    """
    w = check_shape("w", as_float_array("w", w, ndim=1), (3,))
    x = check_shape("x", as_float_array("x", x, ndim=1), (2,))
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    f = np.float64(sigmoid(z))  # sigmoid returns a 0-d array for a scalar z
    df_dz = f * (1.0 - f)  # g'(z) written with the already computed output g(z)
    dw = df_dz * np.array([x[0], x[1], 1.0])  # dz/dw2 = 1: the bias sees a constant input
    dx = df_dz * w[:2]
    return f, dw, dx


def squared_norm_wx(W, x):
    """Value and gradients of ``f(W, x) = ||W x||^2``.

    Forward: ``q = W x``, ``f = q . q``.  Backward: ``df/dq = 2 q``,
    ``df/dW = 2 q x^T`` (outer product) and ``df/dx = 2 W^T q``.  Each gradient
    has the shape of the variable it belongs to.

    Parameters
    ----------
    W : array_like, shape (p, n)
    x : array_like, shape (n,)

    Returns
    -------
    f : float
    dW : ndarray, shape (p, n)
    dx : ndarray, shape (n,)
    """
    W = as_float_array("W", W, ndim=2)
    x = check_shape("x", as_float_array("x", x, ndim=1), (W.shape[1],))
    q = W @ x
    f = q @ q
    df_dq = 2.0 * q
    dW = np.outer(df_dq, x)  # dq_k/dW_ij = [k == i] x_j, so only row i of W feeds q_i
    dx = W.T @ df_dq  # dq_k/dx_i = W_ki: sum over k is a product with W transposed
    return f, dW, dx


# ---------------------------------------------------------------------------
# Activation functions and their derivatives
# ---------------------------------------------------------------------------


def sigmoid_gradient(z):
    """Derivative of the sigmoid, taken at the pre-activation ``z``.

    ``g'(z) = g(z) (1 - g(z)) = e^{-|z|} / (1 + e^{-|z|})^2``; ``g'(0) = 0.25``.
    The second form (``g'`` is even) keeps the result positive for large
    ``|z|`` instead of rounding ``1 - g(z)`` to 0 at ``|z| > 37``.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in [0, 0.25].
    """
    z = as_float_array("z", z)
    e = np.exp(-np.abs(z))  # exponent <= 0: no overflow at z = -1000
    # Near z = 0 rounding can land one ulp above the true maximum 1/4.
    return np.minimum(e / (1.0 + e) ** 2, 0.25)


def tanh_gradient(z):
    """Derivative of ``tanh`` at ``z``.

    ``tanh'(z) = 1 - tanh(z)^2 = 4 e^{-2|z|} / (1 + e^{-2|z|})^2``; equals 1
    at 0.  The second form stays positive up to ``|z| ~ 370`` where
    ``1 - tanh^2`` already rounds to 0 at ``|z| ~ 19``.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in [0, 1].
    """
    z = as_float_array("z", z)
    e = np.exp(-2.0 * np.abs(z))
    return np.minimum(4.0 * e / (1.0 + e) ** 2, 1.0)  # clip the ulp that rounding may add near 0


def relu(z):
    """Rectified linear unit, elementwise: ``max(0, z)``.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``.
    """
    return np.maximum(as_float_array("z", z), 0.0)


def relu_gradient(z):
    """Derivative of ReLU: 1 where ``z > 0``, 0 where ``z <= 0``.

    ReLU has no derivative at 0; choosing 0 there (a dead unit passes no
    gradient) is the convention of the course.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in {0.0, 1.0}.
    """
    return (as_float_array("z", z) > 0).astype(float)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: ``z`` where ``z > 0``, ``alpha z`` otherwise.

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, slope on the negative side (default 0.01)

    Returns
    -------
    ndarray, same shape as ``z``.
    """
    z = as_float_array("z", z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_gradient(z, alpha=0.01):
    """Derivative of leaky ReLU: 1 where ``z > 0``, ``alpha`` where ``z <= 0``.

    As for :func:`relu_gradient`, ``z = 0`` takes the negative side's slope.

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, slope on the negative side (default 0.01)

    Returns
    -------
    ndarray, same shape as ``z``, values in {alpha, 1.0}.
    """
    z = as_float_array("z", z)
    return np.where(z > 0, 1.0, float(alpha))


# ---------------------------------------------------------------------------
# Whole networks
# ---------------------------------------------------------------------------


def _network(thetas, n_inputs):
    """Return ``thetas`` as 2-D float arrays after checking that consecutive layers fit.

    ``thetas[l]`` must have ``s_l + 1`` columns where ``s_0 = n_inputs`` and
    ``s_l`` is the number of rows of ``thetas[l - 1]``.
    """
    thetas = [as_float_array(f"thetas[{l}]", t, ndim=2) for l, t in enumerate(thetas)]
    if not thetas:
        raise ValueError("thetas must hold at least 1 weight matrix, received an empty list")
    cols = n_inputs + 1
    for l, t in enumerate(thetas):
        check_shape(f"thetas[{l}]", t, (None, cols))
        cols = t.shape[0] + 1
    return thetas


def _targets(y, m, K):
    """One-hot targets ``(m, K)`` for labels ``y`` of shape ``(m,)``."""
    y = check_shape("y", as_float_array("y", y, ndim=1), (m,))
    return one_hot(y, K)


def forward_propagation(thetas, X):
    """Activations of every layer of a sigmoid network.

    ``a^(1) = [1, X]``, ``z^(l+1) = a^(l) Theta^(l)^T``,
    ``a^(l+1) = [1, g(z^(l+1))]`` for hidden layers and ``a^(L) = g(z^(L))``
    for the output (rows are examples, so ``Theta a`` becomes ``a Theta^T``).

    Parameters
    ----------
    thetas : list of array_like, length L - 1, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    X : array_like, shape (m, s_1)

    Returns
    -------
    list of ndarray, length L: ``a[0]`` shape (m, s_1 + 1) and every hidden
    ``a[l]`` shape (m, s_{l+1} + 1) start with a column of ones;
    ``a[-1]`` shape (m, s_L) is the output, without a bias column.
    """
    X = as_float_array("X", X, ndim=2)
    thetas = _network(thetas, X.shape[1])
    a = [add_bias(X)]
    for l, theta in enumerate(thetas):
        h = sigmoid(a[-1] @ theta.T)
        is_output = l == len(thetas) - 1
        a.append(h if is_output else add_bias(h))  # the output layer has no bias unit
    return a


def backprop(thetas, X, y, lam, loss="cross_entropy"):
    """Cost and gradients of a sigmoid network, vectorized over the examples.

    Forward: ``a = forward_propagation(thetas, X)``, ``z^(l+1) = a^(l) Theta^(l)^T``,
    ``Y = one_hot(y, K)`` with ``K = s_L``.

    Costs (plus ``lam/(2m) sum Theta[:, 1:]^2`` over all layers):

    * ``"cross_entropy"``: ``J = -(1/m) sum_ik [Y log a^(L) + (1 - Y) log(1 - a^(L))]``
      (as ``nn_cost``, taken from ``z^(L)`` so saturated outputs stay finite);
      output delta ``delta^(L) = a^(L) - Y``.
    * ``"squared_error"``: ``E = 1/(2m) sum_i ||a^(L)_i - Y_i||^2``;
      output delta ``delta^(L) = (a^(L) - Y) * g'(z^(L))``.

    Backward: ``delta^(l) = (delta^(l+1) Theta^(l)[:, 1:]) * g'(z^(l))`` and
    ``D^(l) = (1/m) delta^(l+1)^T a^(l) + (lam/m) [0, Theta^(l)[:, 1:]]``.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    X : array_like, shape (m, s_1)
    y : array_like, shape (m,), integer labels 0..K-1 with ``K = s_L``
    lam : float, lambda >= 0
    loss : {"cross_entropy", "squared_error"}

    Returns
    -------
    J : float
    grads : list of ndarray, ``grads[l]`` shape like ``thetas[l]``
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, received {loss!r}")
    X = as_float_array("X", X, ndim=2)
    thetas = _network(thetas, X.shape[1])
    a = forward_propagation(thetas, X)
    m, K = a[-1].shape
    Y = _targets(y, m, K)
    # forward_propagation keeps only activations; g'(z) needs the pre-activations.
    z = [a_l @ theta.T for a_l, theta in zip(a[:-1], thetas)]

    if loss == "cross_entropy":
        J = _cross_entropy_from_logits(z[-1], Y) / m
        # dJ/dz^(L): the sigmoid's g'(z) cancels the 1/(h(1-h)) of the log's derivative.
        delta = (a[-1] - Y) / m
    else:
        J = np.sum((a[-1] - Y) ** 2) / (2 * m)
        delta = (a[-1] - Y) * sigmoid_gradient(z[-1]) / m
    # delta carries the 1/m of the mean, so every grads[l] below is already averaged.

    grads = [None] * len(thetas)
    for l in reversed(range(len(thetas))):
        grads[l] = delta.T @ a[l]  # sum over examples of delta a^T: shape (s_{l+1}, s_l + 1)
        if l > 0:
            # Column 0 of Theta multiplies the constant bias unit, which has no
            # z and so no delta: drop it before going one layer down.
            delta = (delta @ thetas[l][:, 1:]) * sigmoid_gradient(z[l - 1])

    J = J + l2_penalty(thetas, lam, m)
    for theta, grad in zip(thetas, grads):
        grad[:, 1:] += (lam / m) * theta[:, 1:]  # d/dTheta of lam/(2m) Theta^2; never column 0
    return np.float64(J), grads


def backprop_loop(thetas, X, y, lam):
    """Cross-entropy cost and gradients, one example at a time (lecture pseudo-code).

    For each example: forward pass with column vectors ``a^(1) = [1; x]``,
    ``z^(l+1) = Theta^(l) a^(l)``; ``delta^(L) = a^(L) - y_onehot``;
    ``delta^(l) = (Theta^(l)[:, 1:]^T delta^(l+1)) * g'(z^(l))``; accumulate
    ``Delta^(l) := Delta^(l) + delta^(l+1) (a^(l))^T``.  Finally
    ``D^(l) = Delta^(l) / m + (lam/m) [0, Theta^(l)[:, 1:]]``.  Same numbers as
    ``backprop(thetas, X, y, lam)``, only slower.  ``Theta^(l)`` is ``thetas[l-1]``.

    Parameters
    ----------
    thetas : list of array_like (nested lists accepted), ``thetas[k]`` (= Theta^(k+1))
        shape (layer_sizes[k+1], layer_sizes[k] + 1)
    X : array_like, shape (m, layer_sizes[0])
    y : array_like, shape (m,), integer labels 0..K-1 with ``K = layer_sizes[-1]``
    lam : float, lambda >= 0

    Returns
    -------
    J : float
    grads : list of ndarray, ``grads[k]`` shape like ``thetas[k]``
    """
    X = as_float_array("X", X, ndim=2)
    thetas = _network(thetas, X.shape[1])
    m, last = X.shape[0], len(thetas) - 1
    Y = _targets(y, m, thetas[-1].shape[0])

    Delta = [np.zeros_like(theta) for theta in thetas]
    J = 0.0
    for x_i, y_i in zip(X, Y):
        a, z = [np.concatenate(([1.0], x_i))], []
        for l, theta in enumerate(thetas):
            z.append(theta @ a[-1])
            h = sigmoid(z[-1])
            a.append(h if l == last else np.concatenate(([1.0], h)))
        J += _cross_entropy_from_logits(z[-1], y_i)
        delta = a[-1] - y_i
        for l in reversed(range(len(thetas))):
            Delta[l] += np.outer(delta, a[l])
            if l > 0:
                delta = (thetas[l][:, 1:].T @ delta) * sigmoid_gradient(z[l - 1])

    grads = [D / m for D in Delta]
    for theta, grad in zip(thetas, grads):
        grad[:, 1:] += (lam / m) * theta[:, 1:]
    return np.float64(J / m + l2_penalty(thetas, lam, m)), grads


def tanh_regression_backprop(thetas, x, y):
    """Squared error and its gradients for one example of a tanh regression network.

    Forward: ``x^(0) = [1; x]``, ``s^(l) = Theta^(l-1) x^(l-1)``,
    ``x^(l) = [1; tanh(s^(l))]`` for hidden layers; the output ``s_L`` is
    linear (one unit) and ``e = (y - s_L)^2``.

    Backward: ``delta_L = de/ds_L = -2 (y - s_L)``,
    ``delta^(l) = (Theta^(l)[:, 1:]^T delta^(l+1)) * tanh'(s^(l))`` and
    ``de/dTheta^(l) = delta^(l+1) (x^(l))^T``.

    (The lecture writes weights ``w_ij`` from unit ``i`` to unit ``j``, the
    transpose of ``Theta``; the numbers are the same.)

    Parameters
    ----------
    thetas : list of array_like (nested lists accepted), ``thetas[k]`` (= Theta^(k+1))
        shape (layer_sizes[k+1], layer_sizes[k] + 1), ``thetas[-1]`` shape (1, layer_sizes[-2] + 1)
    x : array_like (a list is accepted), shape (n,), one example
    y : float, its target

    Returns
    -------
    e : float
    grads : list of ndarray, ``grads[k]`` shape like ``thetas[k]``
    """
    x = as_float_array("x", x, ndim=1)
    y = as_float_array("y", y, ndim=0)
    thetas = _network(thetas, x.shape[0])
    last = len(thetas) - 1
    check_shape(f"thetas[{last}]", thetas[last], (1, None))  # one linear output unit

    xs, s = [np.concatenate(([1.0], x))], []
    for l, theta in enumerate(thetas):
        s.append(theta @ xs[-1])
        if l < last:
            xs.append(np.concatenate(([1.0], np.tanh(s[-1]))))
    residual = y - s[-1][0]
    e = residual**2
    delta = np.array([-2.0 * residual])  # de/ds_L

    grads = [None] * len(thetas)
    for l in reversed(range(len(thetas))):
        grads[l] = np.outer(delta, xs[l])
        if l > 0:
            delta = (thetas[l][:, 1:].T @ delta) * tanh_gradient(s[l - 1])
    return np.float64(e), grads


# ---------------------------------------------------------------------------
# Learning: gradient descent on the list of weight matrices
# ---------------------------------------------------------------------------


def network_gradient_descent(cost_grad, thetas, lr, iters):
    """Batch gradient descent on a network's weights, a list of matrices.

    ``(J, grads) = cost_grad(thetas)`` gives the cost and one gradient per
    matrix (e.g. ``lambda t: backprop(t, X, y, lam)``).  Each of the ``iters``
    steps moves every layer at once, with the gradients taken at the current
    weights:  ``thetas[k] := thetas[k] - lr * grads[k]`` for every ``k``.
    (Lesson 08's ``gradient_descent`` is the same loop on one unrolled vector.)

    Parameters
    ----------
    cost_grad : callable, ``thetas -> (J, grads)``, ``grads[k]`` shaped like ``thetas[k]``
    thetas : list of array_like, the starting weights (not modified: neither the list nor its arrays)
    lr : float > 0, the learning rate alpha
    iters : int >= 0, number of steps

    Returns
    -------
    thetas : list of ndarray, the weights after ``iters`` steps, shapes as given
    costs : ndarray, shape (iters + 1,), ``costs[t]`` = J after ``t`` steps
        (``costs[0]`` at the start, ``costs[-1]`` at the returned weights)
    """
    if not callable(cost_grad):
        raise ValueError(f"cost_grad must be a function, received {type(cost_grad).__name__}")
    thetas = [np.array(t, dtype=float) for t in thetas]  # copies: the caller's weights stay as they were
    if not thetas:
        raise ValueError("thetas must hold at least 1 weight matrix, received an empty list")
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) \
            or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number, received {lr!r}")
    if isinstance(iters, bool) or not isinstance(iters, (int, np.integer)) or iters < 0:
        raise ValueError(f"iters must be an integer >= 0, received {iters!r}")

    J, grads = cost_grad(thetas)
    costs = [float(J)]
    for _ in range(iters):
        if len(grads) != len(thetas):
            raise ValueError(f"cost_grad returned {len(grads)} gradients, expected {len(thetas)} (one per matrix)")
        grads = [check_shape(f"grads[{k}]", as_float_array(f"grads[{k}]", g), t.shape)
                 for k, (t, g) in enumerate(zip(thetas, grads))]
        # Every layer steps with the gradient of the SAME weights, then the cost is re-evaluated.
        thetas = [t - lr * g for t, g in zip(thetas, grads)]
        J, grads = cost_grad(thetas)
        costs.append(float(J))
    return thetas, np.array(costs)


# ---------------------------------------------------------------------------
# Quiz answers (short answers, graded by Result.check_answer)
# ---------------------------------------------------------------------------

#: Entries of ``grads`` (= weights, biases included) of a 4-6-3 network: 6 * (4 + 1) + 3 * (6 + 1).
QUIZ_A = 51
#: When is de/dw_i1^(L) = -2 (y - s_L) x_i^(L-1) zero?  (a) y = s_L, (b) x_i^(L-1) = 0, (c) s_i^(L-1) = 0.
QUIZ_B = "a, b, c"
#: delta_j^(l) is the derivative of the cost with respect to (b) the pre-activation z_j^(l).
QUIZ_C = "b"

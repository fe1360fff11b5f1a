"""Lesson 07 reference: first-order optimizers, learning-rate decay, minibatches, early stopping.

Convention shared by every update rule (as in cs231n's ``optim.py``)
--------------------------------------------------------------------
Each rule performs **one step** and is a pure function::

    new_theta, *new_state = rule(theta, grad, *state, *, hyperparameters)

* ``theta`` is the parameter array (any shape; a network applies the rule to
  each weight matrix separately), ``grad`` the gradient of the cost at
  ``theta`` (same shape) and ``state`` the optimizer's memory (velocity,
  cache, moments), arrays of ``theta``'s shape that start at zero.
* Nothing is modified in place: the caller keeps the old values and
  receives new arrays (state in, state out).
* Signs: the state accumulates ``+ lr * grad`` and is **subtracted** from
  ``theta``, so momentum is ``v = rho v + lr g``, ``theta = theta - v``.
  Nesterov therefore looks ahead to ``theta - rho v``, where plain momentum
  is about to carry ``theta``.  (The lecture slide's ``theta + rho v`` belongs
  to the opposite convention, ``v = rho v - lr g``, ``theta = theta + v``.)
* ``eps`` is added **after** the square root (``sqrt(cache) + eps``) and the
  step counter ``t`` of Adam counts from 1 (the first step is ``t = 1``).

``decayed_learning_rate`` gives the ``alpha / sqrt(t + 1)`` schedule (epochs
counted from 0), ``minibatches`` shuffled index batches for one epoch and
``early_stopping_epoch`` the epoch whose weights early stopping keeps.
Wrong shapes or hyperparameters raise ``ValueError`` naming the argument.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _like(name, value, theta):
    """``value`` as a float array of ``theta``'s shape (state and gradients)."""
    return check_shape(name, as_float_array(name, value), theta.shape)


def _in_range(name, value, low, high, closed_high=False):
    """Raise ``ValueError`` unless ``low <= value < high`` (``<= high`` if ``closed_high``)."""
    value = float(value)
    ok = low <= value <= high if closed_high else low <= value < high
    if not ok:
        bracket = "]" if closed_high else ")"
        raise ValueError(f"{name} must be in [{low:g}, {high:g}{bracket}, received {value:g}")
    return value


def _positive(name, value):
    """Raise ``ValueError`` unless ``value`` is a finite number > 0."""
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, received {value:g}")
    return value


# ---------------------------------------------------------------------------
# Update rules
# ---------------------------------------------------------------------------


def sgd(theta, grad, lr):
    """One step of (stochastic) gradient descent: ``theta - lr * grad``.

    Parameters
    ----------
    theta : array_like, any shape
    grad : array_like, shape of ``theta``; the gradient at ``theta`` (of one
        minibatch's cost for the stochastic version)
    lr : float > 0, the learning rate alpha

    Returns
    -------
    ndarray, shape of ``theta``: the new parameters (``theta`` is not modified)
    """
    theta = as_float_array("theta", theta)
    grad = _like("grad", grad, theta)
    lr = _positive("lr", lr)
    return theta - lr * grad


def momentum(theta, grad, velocity, lr=0.01, rho=0.9):
    """One step of gradient descent with momentum.

    ``v_new = rho v + lr g`` (a running sum of past steps, older ones
    shrunk by ``rho``), then ``theta_new = theta - v_new``.

    Parameters
    ----------
    theta : array_like, any shape
    grad : array_like, shape of ``theta``; the gradient at ``theta``
    velocity : array_like, shape of ``theta``; zeros before the first step
    lr : float > 0
    rho : float in [0, 1), the momentum ("friction"); ``rho = 0`` is plain SGD

    Returns
    -------
    theta, velocity : ndarray, shape of ``theta`` each
    """
    theta = as_float_array("theta", theta)
    grad = _like("grad", grad, theta)
    velocity = _like("velocity", velocity, theta)
    lr, rho = _positive("lr", lr), _in_range("rho", rho, 0.0, 1.0)
    velocity = rho * velocity + lr * grad
    return theta - velocity, velocity


def nesterov(theta, grad_fn, velocity, lr=0.01, rho=0.9):
    """One step of Nesterov momentum (Nesterov accelerated gradient).

    Momentum alone would carry ``theta`` to ``theta - rho v``; Nesterov takes
    the gradient there, at the look-ahead point, instead of at ``theta``:
    ``g = grad_fn(theta - rho v)``, ``v_new = rho v + lr g``,
    ``theta_new = theta - v_new``.

    Parameters
    ----------
    theta : array_like, any shape
    grad_fn : callable, ``grad_fn(point) -> gradient`` of the cost at ``point``
        (an array of ``theta``'s shape)
    velocity : array_like, shape of ``theta``; zeros before the first step
    lr : float > 0
    rho : float in [0, 1)

    Returns
    -------
    theta, velocity : ndarray, shape of ``theta`` each
    """
    theta = as_float_array("theta", theta)
    velocity = _like("velocity", velocity, theta)
    lr, rho = _positive("lr", lr), _in_range("rho", rho, 0.0, 1.0)
    if not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function of the parameters, received {type(grad_fn).__name__}")
    lookahead = theta - rho * velocity  # where the velocity alone is about to take theta
    grad = _like("grad_fn(theta - rho * velocity)", grad_fn(lookahead), theta)
    velocity = rho * velocity + lr * grad
    return theta - velocity, velocity


def adagrad(theta, grad, cache, lr=0.01, eps=1e-7):
    """One step of AdaGrad: every parameter gets its own, shrinking learning rate.

    ``cache_new = cache + g**2`` (elementwise: the sum of all squared past
    gradients of each parameter), then
    ``theta_new = theta - lr g / (sqrt(cache_new) + eps)``.

    Parameters
    ----------
    theta : array_like, any shape
    grad : array_like, shape of ``theta``
    cache : array_like, shape of ``theta``; zeros before the first step
    lr : float > 0
    eps : float >= 0, keeps the division finite where ``cache`` is 0

    Returns
    -------
    theta, cache : ndarray, shape of ``theta`` each
    """
    theta = as_float_array("theta", theta)
    grad = _like("grad", grad, theta)
    cache = _like("cache", cache, theta)
    lr, eps = _positive("lr", lr), _in_range("eps", eps, 0.0, np.inf)
    cache = cache + grad ** 2
    return theta - lr * grad / (np.sqrt(cache) + eps), cache


def rmsprop(theta, grad, cache, lr=0.01, decay=0.9, eps=1e-7):
    """One step of RMSProp: AdaGrad with a leaky (exponentially weighted) cache.

    ``cache_new = decay cache + (1 - decay) g**2``, then
    ``theta_new = theta - lr g / (sqrt(cache_new) + eps)``.  Old gradients
    fade out, so the step size does not shrink towards zero as in AdaGrad.

    Parameters
    ----------
    theta : array_like, any shape
    grad : array_like, shape of ``theta``
    cache : array_like, shape of ``theta``; zeros before the first step
    lr : float > 0
    decay : float in [0, 1), the weight of the old cache
    eps : float >= 0

    Returns
    -------
    theta, cache : ndarray, shape of ``theta`` each
    """
    theta = as_float_array("theta", theta)
    grad = _like("grad", grad, theta)
    cache = _like("cache", cache, theta)
    lr, eps = _positive("lr", lr), _in_range("eps", eps, 0.0, np.inf)
    decay = _in_range("decay", decay, 0.0, 1.0)
    cache = decay * cache + (1.0 - decay) * grad ** 2
    return theta - lr * grad / (np.sqrt(cache) + eps), cache


def adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
    """One step of Adam: momentum on the gradient, RMSProp on its square, bias-corrected.

    ``m_new = beta1 m + (1 - beta1) g`` (first moment),
    ``v_new = beta2 v + (1 - beta2) g**2`` (second moment); both start at
    zero and so are too small early on, which the bias correction undoes:
    ``m_hat = m_new / (1 - beta1**t)``, ``v_hat = v_new / (1 - beta2**t)``.
    Then ``theta_new = theta - lr m_hat / (sqrt(v_hat) + eps)``.  At the first
    step (``t = 1``, ``m = v = 0``) ``m_hat = g`` and ``v_hat = g**2``, so every
    parameter moves by about ``lr`` against the sign of its gradient.

    Parameters
    ----------
    theta : array_like, any shape
    grad : array_like, shape of ``theta``
    m, v : array_like, shape of ``theta``; zeros before the first step
    t : int >= 1, the number of this step (1 for the first)
    lr : float > 0
    beta1, beta2 : float in [0, 1), decay rates of the first and second moment
    eps : float >= 0, added after the square root

    Returns
    -------
    theta, m, v : ndarray, shape of ``theta`` each
    """
    theta = as_float_array("theta", theta)
    grad = _like("grad", grad, theta)
    m, v = _like("m", m, theta), _like("v", v, theta)
    if isinstance(t, bool) or not float(t).is_integer() or t < 1:
        raise ValueError(f"t must be an integer >= 1 (the first step is t = 1), received {t!r}")
    lr, eps = _positive("lr", lr), _in_range("eps", eps, 0.0, np.inf)
    beta1, beta2 = _in_range("beta1", beta1, 0.0, 1.0), _in_range("beta2", beta2, 0.0, 1.0)
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad ** 2
    m_hat = m / (1.0 - beta1 ** t)
    v_hat = v / (1.0 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


# ---------------------------------------------------------------------------
# Schedules, minibatches, early stopping
# ---------------------------------------------------------------------------


def decayed_learning_rate(alpha, t):
    """The ``1/sqrt(t)`` decay of the lecture: ``alpha / sqrt(t + 1)``.

    Parameters
    ----------
    alpha : float > 0, the initial learning rate (``t = 0`` gives ``alpha``)
    t : int or array_like of int, >= 0, the epoch (or step) counted from 0

    Returns
    -------
    float, or ndarray of ``t``'s shape
    """
    alpha = _positive("alpha", alpha)
    t_arr = as_float_array("t", t)
    if np.any(t_arr < 0) or not np.all(np.isfinite(t_arr)):
        raise ValueError(f"t must be >= 0 (epochs are counted from 0), received {t!r}")
    rate = alpha / np.sqrt(t_arr + 1.0)
    return float(rate) if rate.ndim == 0 else rate


def minibatches(m, batch_size, *, rng):
    """Shuffled minibatches of example indices for one epoch.

    One random permutation of ``0..m-1`` (``rng.permutation(m)``) cut into
    consecutive pieces of ``batch_size``; the last piece is shorter when
    ``batch_size`` does not divide ``m``.  Every index occurs in exactly one
    batch, and the order depends only on ``rng``.

    Parameters
    ----------
    m : int >= 1, the number of examples
    batch_size : int >= 1
    rng : numpy.random.Generator

    Returns
    -------
    list of ndarray of int: ``ceil(m / batch_size)`` arrays, all of length
    ``batch_size`` except possibly the last (``m % batch_size``)
    """
    for name, value in (("m", m), ("batch_size", batch_size)):
        if isinstance(value, bool) or not float(value).is_integer() or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, received {value!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, received {type(rng).__name__}")
    m, batch_size = int(m), int(batch_size)
    order = rng.permutation(m)
    return [order[start:start + batch_size] for start in range(0, m, batch_size)]


def early_stopping_epoch(val_losses, patience):
    """The epoch whose weights early stopping keeps.

    Walk through the validation losses epoch by epoch (epochs counted from
    0), remembering the best (lowest) loss so far; an epoch improves only if
    its loss is strictly lower.  When ``patience`` epochs in a row have not
    improved, training stops and the best epoch so far is returned; a later,
    lower loss is never seen.  If patience never runs out, the best epoch of
    the whole curve is returned (the first one, on a tie).

    Parameters
    ----------
    val_losses : array_like, shape (n_epochs,), n_epochs >= 1
    patience : int >= 1

    Returns
    -------
    int, index of the best epoch seen before stopping
    """
    losses = as_float_array("val_losses", val_losses, ndim=1)
    if losses.size == 0:
        raise ValueError("val_losses must hold at least 1 epoch, received shape (0,)")
    if isinstance(patience, bool) or not float(patience).is_integer() or patience < 1:
        raise ValueError(f"patience must be an integer >= 1, received {patience!r}")
    best = 0
    for epoch in range(1, losses.size):
        if losses[epoch] < losses[best]:
            best = epoch
        elif epoch - best >= patience:  # patience epochs in a row without improvement
            break
    return best

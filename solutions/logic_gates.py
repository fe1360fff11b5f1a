"""Lesson 01 reference: logic gates with logistic units and sign perceptrons.

Conventions (see SYLLABUS.md): ``X`` is ``(m, n)`` with one example per row,
``theta`` for a single unit is ``(n + 1,)`` with ``theta[0]`` the bias weight,
and a network is a list ``thetas`` in which ``thetas[k]`` (0-based) is the
lectures' ``Theta^(k+1)``, of shape ``(layer_sizes[k+1], layer_sizes[k] + 1)``;
its column 0 multiplies the bias unit.
"""
import numpy as np

from solutions._validate import as_float_array, check_shape


def sigmoid(z):
    """Logistic function, elementwise.

    ``g(z) = 1 / (1 + exp(-z))``, evaluated as ``exp(-|z|)``-based branches so
    that ``z = +-1000`` gives 1 and 0 without an overflow warning.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in [0, 1].
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # never overflows: the exponent is <= 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def add_bias(X):
    """Prepend a column of ones (the bias unit ``x_0 = 1``).

    Parameters
    ----------
    X : array_like, shape (m, n)

    Returns
    -------
    ndarray, shape (m, n + 1), column 0 all ones.
    """
    X = as_float_array("X", X, ndim=2)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def logistic_unit(theta, X):
    """Output of one logistic unit for every example.

    ``h = g(theta_0 + theta_1 x_1 + ... + theta_n x_n)``.

    Parameters
    ----------
    theta : array_like, shape (n + 1,)
    X : array_like, shape (m, n)

    Returns
    -------
    ndarray, shape (m,)
    """
    theta = as_float_array("theta", theta, ndim=1)
    Xb = add_bias(X)
    check_shape("theta", theta, (Xb.shape[1],))
    return sigmoid(Xb @ theta)


# Weights that make one logistic unit a logic gate.  The weights are large so
# that |z| >= 10 on every corner of the truth table, where g(z) is within
# 5e-5 of 0 or 1.  (A ``# stub:`` line is what the student's placeholder line says.)
# stub: replace ... with 3 weights: np.array([bias, w1, w2])
THETA_AND = np.array([-30.0, 20.0, 20.0])
# stub: replace ... with 3 weights
THETA_OR = np.array([-10.0, 20.0, 20.0])
# stub: replace ... with 3 weights
THETA_NOR = np.array([10.0, -20.0, -20.0])
# stub: replace ... with 2 weights: np.array([bias, w1])
THETA_NOT = np.array([10.0, -20.0])


def feedforward(thetas, X):
    """Forward pass of a fully connected sigmoid network of any depth.

    ``a^(1) = x``, ``a^(l+1) = g(Theta^(l) [1; a^(l)])``.

    Parameters
    ----------
    thetas : list of array_like, ``thetas[l]`` shape (s_{l+1}, s_l + 1)
    X : array_like, shape (m, s_1)

    Returns
    -------
    ndarray, shape (m, s_L): the output layer for every example.
    """
    a = as_float_array("X", X, ndim=2)
    for l, theta in enumerate(thetas):
        theta = as_float_array(f"thetas[{l}]", theta, ndim=2)
        check_shape(f"thetas[{l}]", theta, (None, a.shape[1] + 1))
        a = sigmoid(add_bias(a) @ theta.T)
    return a


# XNOR = OR(AND(x1, x2), NOR(x1, x2)): hidden units are AND and NOR.
# stub: replace ... with [matrix of shape (2, 3), matrix of shape (1, 3)]
XNOR_THETAS = [
    np.array([[-30.0, 20.0, 20.0], [10.0, -20.0, -20.0]]),
    np.array([[-10.0, 20.0, 20.0]]),
]
# XOR = AND(OR(x1, x2), NAND(x1, x2)): hidden units are OR and NAND.
# stub: replace ... with [matrix of shape (2, 3), matrix of shape (1, 3)]
XOR_THETAS = [
    np.array([[-10.0, 20.0, 20.0], [30.0, -20.0, -20.0]]),
    np.array([[-30.0, 20.0, 20.0]]),
]


def sign_aggregate(alphas, G):
    """Linear aggregation of +-1 perceptron outputs followed by ``sign``.

    ``G(x) = sign(alpha_0 + sum_t alpha_t g_t(x))`` (``g_0 = +1``).

    Parameters
    ----------
    alphas : array_like, shape (T + 1,)
    G : array_like, shape (m, T), entries +-1

    Returns
    -------
    ndarray, shape (m,), entries in {-1, 0, +1}.
    """
    alphas = as_float_array("alphas", alphas, ndim=1)
    G = as_float_array("G", G, ndim=2)
    check_shape("alphas", alphas, (G.shape[1] + 1,))
    return np.sign(alphas[0] + G @ alphas[1:])


ALPHA_AND = (-1.0, 1.0, 1.0)
# stub: replace ... with 3 numbers (alpha0, alpha1, alpha2)
ALPHA_OR = (1.0, 1.0, 1.0)


def xor_by_aggregation(G):
    """XOR of two +-1 perceptrons built only from ``sign_aggregate``.

    ``XOR(g1, g2) = OR(AND(-g1, g2), AND(g1, -g2))``.

    Parameters
    ----------
    G : array_like, shape (m, 2), entries +-1

    Returns
    -------
    ndarray, shape (m,), +1 where exactly one of g1, g2 is +1, else -1.
    """
    G = as_float_array("G", G, ndim=2)
    check_shape("G", G, (None, 2))
    left = sign_aggregate(ALPHA_AND, G * np.array([-1.0, 1.0]))
    right = sign_aggregate(ALPHA_AND, G * np.array([1.0, -1.0]))
    return sign_aggregate(ALPHA_OR, np.column_stack([left, right]))


def count_weights(layer_sizes):
    """Number of weights, biases included, of a fully connected network.

    ``sum_l (s_l + 1) * s_{l+1}``; ``count_weights([3, 5, 1]) == 26``.

    Parameters
    ----------
    layer_sizes : sequence of int, length L >= 2

    Returns
    -------
    int
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"layer_sizes must list at least 2 positive sizes, received {list(layer_sizes)}"
        )
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


# Quiz answers (short answers, judged by ``Result.check_answer``; the questions are in the notebook).
#: Which function does the logistic unit with theta = (-10, 20, -20) compute on 0/1 inputs?
#: (a) x1 AND NOT x2, (b) NOT x1 AND x2, (c) XOR, (d) NAND.
# stub: replace ... with the letter of your choice, e.g. "b"
QUIZ_A = "a"
#: Which functions of two 0/1 inputs can a single logistic unit NOT compute (to within 0.01)?
#: (a) AND, (b) NAND, (c) XOR, (d) x1 AND NOT x2, (e) XNOR, (f) the constant 1.
# stub: replace ... with the letters of all your choices, e.g. "a, d"
QUIZ_B = "c, e"
#: Which function of two +-1 votes does sign(alpha0 + alpha1 g1 + alpha2 g2) compute with
#: alpha = (+3, +1, +1)?  (a) AND, (b) OR, (c) XOR, (d) always +1.
# stub: replace ... with the letter of your choice, e.g. "b"
QUIZ_C = "d"

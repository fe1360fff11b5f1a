"""Plausible mistakes in lesson 01 (logic gates)."""
from tests.mutants import Mutant

MUTANTS = [
    Mutant("sigmoid", "naive formula that overflows at z = -1000",
           "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))",
           r"RuntimeWarning: overflow"),
    Mutant("sigmoid", "sign error in the exponent",
           "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))\n"
           "    return np.where(z < 0, 1 / (1 + e), e / (1 + e))",
           r"e\^\(\+z\) instead of e\^\(-z\)"),
    Mutant("sigmoid", "returns 1 - g(z)",
           "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    return 1 - 1 / (1 + np.exp(-np.clip(z, -500, 500)))",
           r"1 - g\(z\)|e\^\(\+z\)"),
    Mutant("sigmoid", "uses tanh instead of the logistic function",
           "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=float))",
           r"sigmoid\(.*expected"),
    Mutant("add_bias", "bias column appended last",
           "def add_bias(X):\n    X = np.asarray(X, dtype=float)\n    return np.hstack([X, np.ones((X.shape[0], 1))])",
           r"bias column last"),
    Mutant("add_bias", "bias column of zeros",
           "def add_bias(X):\n    X = np.asarray(X, dtype=float)\n    return np.hstack([np.zeros((X.shape[0], 1)), X])",
           r"zeros instead of ones"),
    Mutant("add_bias", "adds a row of ones instead of a column",
           "def add_bias(X):\n    X = np.asarray(X, dtype=float)\n    return np.vstack([np.ones((1, X.shape[1])), X])",
           r"expected shape \(\d+, \d+\), received shape|added a row of ones"),
    Mutant("logistic_unit", "forgets the sigmoid",
           "def logistic_unit(theta, X):\n    return add_bias(X) @ np.asarray(theta, dtype=float)",
           r"forgot to apply the sigmoid"),
    Mutant("logistic_unit", "bias weight taken from the end of theta",
           "def logistic_unit(theta, X):\n    theta = np.asarray(theta, dtype=float)\n"
           "    return sigmoid(np.asarray(X, dtype=float) @ theta[:-1] + theta[-1])",
           r"last weight as the bias"),
    Mutant("logistic_unit", "drops the bias weight",
           "def logistic_unit(theta, X):\n    theta = np.asarray(theta, dtype=float)\n"
           "    return sigmoid(np.asarray(X, dtype=float) @ theta[1:])",
           r"left out the bias weight"),
    Mutant("THETA_AND", "AND weights that compute OR",
           "THETA_AND = np.array([-10.0, 20.0, 20.0])", r"THETA_AND.*computes OR, not AND"),
    Mutant("THETA_AND", "AND weights too small to saturate",
           "THETA_AND = np.array([-1.5, 1.0, 1.0])", r"THETA_AND: right decision boundary.*too small|THETA_AND: outputs within 0\.01.*too small"),
    Mutant("THETA_NOR", "NOR weights without the negation (OR)",
           "THETA_NOR = np.array([-10.0, 20.0, 20.0])", r"THETA_NOR.*computes OR, not NOR"),
    Mutant("THETA_NOT", "NOT weights that pass the input through",
           "THETA_NOT = np.array([-10.0, 20.0])", r"THETA_NOT.*identity"),
    Mutant("THETA_OR", "OR weights that compute AND",
           "THETA_OR = np.array([-30.0, 20.0, 20.0])", r"THETA_OR.*computes AND, not OR"),
    Mutant("feedforward", "no sigmoid on the output layer",
           "def feedforward(thetas, X):\n    a = np.asarray(X, dtype=float)\n"
           "    for l, theta in enumerate(thetas):\n        z = add_bias(a) @ np.asarray(theta).T\n"
           "        a = z if l == len(thetas) - 1 else sigmoid(z)\n    return a",
           r"did not apply the sigmoid to the output layer"),
    Mutant("feedforward", "multiplies by theta instead of its transpose",
           "def feedforward(thetas, X):\n    a = np.asarray(X, dtype=float)\n"
           "    for theta in thetas:\n        a = sigmoid(add_bias(a) @ np.asarray(theta))\n    return a",
           r"feedforward\(.*raised ValueError|expected shape|instead of its transpose"),
    Mutant("feedforward", "returns the first hidden layer only",
           "def feedforward(thetas, X):\n    return sigmoid(add_bias(X) @ np.asarray(thetas[0]).T)",
           r"feedforward\(.*expected|first hidden layer only"),
    Mutant("XNOR_THETAS", "XNOR network wired as XOR",
           "XNOR_THETAS = [np.array([[-10.0, 20.0, 20.0], [30.0, -20.0, -20.0]]), np.array([[-30.0, 20.0, 20.0]])]",
           r"XNOR_THETAS: outputs .* opposite gate"),
    Mutant("XOR_THETAS", "XOR as a single layer (wrong shapes)",
           "XOR_THETAS = [np.array([[-10.0, 20.0, 20.0]])]", r"XOR_THETAS: expected two matrices|XOR_THETAS: shapes.*single layer"),
    Mutant("XOR_THETAS", "XOR weights too small",
           "XOR_THETAS = [np.array([[-5.0, 10.0, 10.0], [15.0, -10.0, -10.0]]), np.array([[-6.0, 4.0, 4.0]])]",
           r"XOR_THETAS: right truth table .* larger weights|XOR_THETAS: outputs within 0\.01.*larger weights"),
    Mutant("sign_aggregate", "ignores the constant alphas[0]",
           "def sign_aggregate(alphas, G):\n    return np.sign(np.asarray(G, dtype=float) @ np.asarray(alphas, dtype=float)[1:])",
           r"without the constant alphas\[0\]"),
    Mutant("sign_aggregate", "off by one in the weights",
           "def sign_aggregate(alphas, G):\n    a = np.asarray(alphas, dtype=float)\n"
           "    return np.sign(np.asarray(G, dtype=float) @ a[:-1] + a[-1])",
           r"off by one"),
    Mutant("sign_aggregate", "returns the vote before sign",
           "def sign_aggregate(alphas, G):\n    a = np.asarray(alphas, dtype=float)\n"
           "    return a[0] + np.asarray(G, dtype=float) @ a[1:]",
           r"sign_aggregate\(.*expected"),
    Mutant("ALPHA_OR", "OR vote with AND's weights",
           "ALPHA_OR = (-1.0, 1.0, 1.0)", r"used the AND vote"),
    Mutant("xor_by_aggregation", "computes XNOR",
           "def xor_by_aggregation(G):\n    G = np.asarray(G, dtype=float)\n"
           "    return -sign_aggregate(ALPHA_OR, np.column_stack([sign_aggregate(ALPHA_AND, G * [-1, 1]),\n"
           "                                                       sign_aggregate(ALPHA_AND, G * [1, -1])]))",
           r"computed XNOR"),
    Mutant("xor_by_aggregation", "ANDs the two halves instead of ORing",
           "def xor_by_aggregation(G):\n    G = np.asarray(G, dtype=float)\n"
           "    return sign_aggregate(ALPHA_AND, np.column_stack([sign_aggregate(ALPHA_AND, G * [-1, 1]),\n"
           "                                                      sign_aggregate(ALPHA_AND, G * [1, -1])]))",
           r"xor_by_aggregation\(12 pairs\) -> result\[\d+\]: expected 1, received -1|combined the two halves with AND"),
    Mutant("count_weights", "forgets the bias weights",
           "def count_weights(layer_sizes):\n    s = list(layer_sizes)\n    return sum(a * b for a, b in zip(s[:-1], s[1:]))",
           r"forgot the bias weights"),
    Mutant("count_weights", "adds a bias to the output layer too",
           "def count_weights(layer_sizes):\n    s = list(layer_sizes)\n"
           "    return sum((a + 1) * (b + 1) for a, b in zip(s[:-1], s[1:]))",
           r"output layer a bias"),
    Mutant("count_weights", "counts units",
           "def count_weights(layer_sizes):\n    return sum(layer_sizes)", r"counted units"),
]

# Correct solutions written differently from the reference: each must keep full marks.
ALTERNATIVES = [
    Mutant("sigmoid", "log-sum-exp form",
           "def sigmoid(z):\n    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))"),
    Mutant("add_bias", "np.c_ and a list input",
           "def add_bias(X):\n    X = np.asarray(X, dtype=float)\n    return np.c_[np.ones(len(X)), X]"),
    Mutant("logistic_unit", "one example at a time",
           "def logistic_unit(theta, X):\n    return np.array([sigmoid(theta[0] + np.dot(theta[1:], x)) for x in X])"),
    Mutant("THETA_AND", "smaller but saturating weights", "THETA_AND = [-20, 15, 15]"),
    Mutant("THETA_NOT", "a tuple of ints", "THETA_NOT = (5, -10)"),
    Mutant("feedforward", "loop over layers with np.insert",
           "def feedforward(thetas, X):\n    a = np.asarray(X, dtype=float)\n    for t in thetas:\n"
           "        a = sigmoid(np.insert(a, 0, 1.0, axis=1) @ np.asarray(t).T)\n    return a"),
    Mutant("XOR_THETAS", "hidden layer (x1 AND NOT x2, NOT x1 AND x2), OR at the output",
           "XOR_THETAS = [np.array([[-10, 20, -20], [-10, -20, 20]]), np.array([[-10, 20, 20]])]"),
    Mutant("sign_aggregate", "np.where instead of np.sign",
           "def sign_aggregate(alphas, G):\n    v = alphas[0] + np.asarray(G) @ np.asarray(alphas[1:])\n"
           "    return np.where(v > 0, 1.0, -1.0)"),
    Mutant("ALPHA_OR", "a different valid vote", "ALPHA_OR = (0.5, 1, 1)"),
    Mutant("count_weights", "explicit loop, returns a NumPy integer",
           "def count_weights(layer_sizes):\n    total = np.int64(0)\n    for l in range(len(layer_sizes) - 1):\n"
           "        total += (layer_sizes[l] + 1) * layer_sizes[l + 1]\n    return total"),
]

"""Mutants for lesson 02_cost_functions: plausible student mistakes.

Each ``code`` is a complete solution cell.  It may use ``np`` and, as
globals, ``sigmoid``, ``add_bias``, ``feedforward`` (lesson 01) and the other
lesson-02 functions (``one_hot``, ``softmax``, ...), as in the notebook.
"""
from tests.mutants import Mutant

MUTANTS = [
    # ------------------------------------------------------------------ one_hot
    Mutant(
        task="one_hot",
        mistake="returns the transpose, shape (K, m) instead of (m, K)",
        code='''\
def one_hot(y, K):
    y = np.asarray(y, dtype=int)
    Y = np.zeros((K, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y
''',
        words=r"transpose",
    ),
    Mutant(
        task="one_hot",
        mistake="treats labels as 1-based (Octave style): class k goes to column k-1",
        code='''\
def one_hot(y, K):
    y = np.asarray(y, dtype=int)
    return np.eye(K)[y - 1]
''',
        words=r"1-based",
    ),
    Mutant(
        task="one_hot",
        mistake="takes the number of classes from max(y) + 1 instead of K",
        code='''\
def one_hot(y, K):
    y = np.asarray(y, dtype=int)
    return np.eye(y.max() + 1)[y]
''',
        words=r"max\(y\) \+ 1 instead of K",
    ),
    Mutant(
        task="one_hot",
        mistake="sets whole columns: Y[:, y] = 1 instead of one entry per row",
        code='''\
def one_hot(y, K):
    y = np.asarray(y, dtype=int)
    Y = np.zeros((y.size, K))
    Y[:, y] = 1.0
    return Y
''',
        words=r"whole columns",
    ),
    # ------------------------------------------------------------ logistic_cost
    Mutant(
        task="logistic_cost",
        mistake="regularizes the bias weight theta[0]",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    J = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / (2 * m) * np.sum(theta**2)
    grad = Xb.T @ (sigmoid(z) - y) / m + lam / m * theta
    return J, grad
''',
        words=r"regularized the bias weight theta\[0\]",
    ),
    Mutant(
        task="logistic_cost",
        mistake="gradient not divided by m",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (sigmoid(z) - y) + lam * reg
    return J, grad
''',
        words=r"did not divide the gradient by m",
    ),
    Mutant(
        task="logistic_cost",
        mistake="penalty lam/m instead of lam/(2m) in J (the 1/2 is missing)",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / m * np.sum(reg**2)
    grad = Xb.T @ (sigmoid(z) - y) / m + lam / m * reg
    return J, grad
''',
        words=r"lam/m instead of lam/\(2m\) in the cost",
    ),
    Mutant(
        task="logistic_cost",
        mistake="gradient of the penalty uses lam/(2m) instead of lam/m",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (sigmoid(z) - y) / m + lam / (2 * m) * reg
    return J, grad
''',
        words=r"lam/\(2m\) instead of lam/m in the gradient",
    ),
    Mutant(
        task="logistic_cost",
        mistake="sign flip in the gradient: (y - h) instead of (h - y)",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (y - sigmoid(z)) / m + lam / m * reg
    return J, grad
''',
        words=r"\(y - h\) instead of \(h - y\)",
    ),
    Mutant(
        task="logistic_cost",
        mistake="drops the leading minus sign of the cross-entropy",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.mean(y * -np.logaddexp(0, -z) + (1 - y) * -np.logaddexp(0, z)) + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (sigmoid(z) - y) / m + lam / m * reg
    return J, grad
''',
        words=r"dropped the minus sign",
    ),
    Mutant(
        task="logistic_cost",
        mistake="takes log(h) and log(1 - h) directly: infinite cost and warnings when h saturates",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    h = sigmoid(Xb @ theta)
    reg = np.r_[0.0, theta[1:]]
    J = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)) + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (h - y) / m + lam / m * reg
    return J, grad
''',
        words=r"rounded sigmoid|emitted RuntimeWarning",
    ),
    # ------------------------------------------------------------------ nn_cost
    Mutant(
        task="nn_cost",
        mistake="regularizes the bias column 0 of every weight matrix",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = one_hot(y, K)
    J = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H)) / m
    return J + lam / (2 * m) * sum(np.sum(np.asarray(t) ** 2) for t in thetas)
''',
        words=r"regularized the bias column 0",
    ),
    Mutant(
        task="nn_cost",
        mistake="keeps only the y log h term and drops (1 - y) log(1 - h)",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = one_hot(y, K)
    J = -np.sum(Y * np.log(H)) / m
    return J + lam / (2 * m) * sum(np.sum(np.asarray(t)[:, 1:] ** 2) for t in thetas)
''',
        words=r"left out the \(1 - y\) log\(1 - h\) term",
    ),
    Mutant(
        task="nn_cost",
        mistake="averages over all m*K outputs instead of summing over K and averaging over m",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = one_hot(y, K)
    J = -np.mean(Y * np.log(H) + (1 - Y) * np.log(1 - H))
    return J + lam / (2 * m) * sum(np.sum(np.asarray(t)[:, 1:] ** 2) for t in thetas)
''',
        words=r"averaged over all m\*K outputs",
    ),
    Mutant(
        task="nn_cost",
        mistake="penalty lam/2 instead of lam/(2m) (missing 1/m)",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = one_hot(y, K)
    J = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H)) / m
    return J + lam / 2 * sum(np.sum(np.asarray(t)[:, 1:] ** 2) for t in thetas)
''',
        words=r"lam/2 instead of lam/\(2m\)",
    ),
    Mutant(
        task="nn_cost",
        mistake="cost not divided by m (sum over examples instead of mean)",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = one_hot(y, K)
    J = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H))
    return J + lam / (2 * m) * sum(np.sum(np.asarray(t)[:, 1:] ** 2) for t in thetas)
''',
        words=r"did not divide the cross-entropy by m",
    ),
    Mutant(
        task="nn_cost",
        mistake="uses the integer labels y directly instead of their one-hot encoding",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = np.asarray(y, dtype=float).reshape(-1, 1)
    J = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H)) / m
    return J + lam / (2 * m) * sum(np.sum(np.asarray(t)[:, 1:] ** 2) for t in thetas)
''',
        words=r"integer labels y instead of their one-hot rows",
    ),
    Mutant(
        task="nn_cost",
        mistake="takes log of the sigmoid outputs: infinite cost and warnings when an output saturates to 0 or 1",
        code='''\
def nn_cost(thetas, X, y, lam):
    H = feedforward(thetas, X)
    m, K = H.shape
    Y = one_hot(y, K)
    J = -np.sum(Y * np.log(H) + (1 - Y) * np.log(1 - H)) / m
    return J + lam / (2 * m) * sum(np.sum(np.asarray(t)[:, 1:] ** 2) for t in thetas)
''',
        words=r"np\.log of the sigmoid outputs|emitted RuntimeWarning",
    ),
    # ------------------------------------------------------- squared_error_cost
    Mutant(
        task="squared_error_cost",
        mistake="missing the factor 1/2",
        code='''\
def squared_error_cost(H, Y):
    H = np.asarray(H, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return np.sum((H - Y) ** 2) / H.shape[0]
''',
        words=r"left out the factor 1/2",
    ),
    Mutant(
        task="squared_error_cost",
        mistake="missing the factor 1/m (sums over examples)",
        code='''\
def squared_error_cost(H, Y):
    H = np.asarray(H, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return np.sum((H - Y) ** 2) / 2
''',
        words=r"did not divide by m",
    ),
    Mutant(
        task="squared_error_cost",
        mistake="averages over all m*K entries instead of over the m examples",
        code='''\
def squared_error_cost(H, Y):
    H = np.asarray(H, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return np.mean((H - Y) ** 2) / 2
''',
        words=r"averaged over all m\*K entries",
    ),
    Mutant(
        task="squared_error_cost",
        mistake="uses the norm ||h - y|| instead of its square",
        code='''\
def squared_error_cost(H, Y):
    H = np.asarray(H, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return np.sum(np.linalg.norm(H - Y, axis=1)) / (2 * H.shape[0])
''',
        words=r"norm \|\|h - y\|\| instead of its square",
    ),
    Mutant(
        task="squared_error_cost",
        mistake="absolute errors instead of squared errors",
        code='''\
def squared_error_cost(H, Y):
    H = np.asarray(H, dtype=float)
    Y = np.asarray(Y, dtype=float)
    return np.sum(np.abs(H - Y)) / (2 * H.shape[0])
''',
        words=r"absolute errors",
    ),
    # ------------------------------------------------------------------ softmax
    Mutant(
        task="softmax",
        mistake="normalizes over columns (axis=0) instead of rows",
        code='''\
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
''',
        words=r"columns \(axis=0\)",
    ),
    Mutant(
        task="softmax",
        mistake="no max subtraction: exp overflows (nan and warnings) for entries near 1000",
        code='''\
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
''',
        words=r"did not subtract each row's maximum",
    ),
    Mutant(
        task="softmax",
        mistake="subtracts the global maximum instead of each row's maximum (0/0 in rows far below it)",
        code='''\
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)
''',
        words=r"maximum of the whole matrix",
    ),
    Mutant(
        task="softmax",
        mistake="divides by the sum of the whole matrix instead of each row's sum",
        code='''\
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum()
''',
        words=r"sum of the whole matrix",
    ),
    Mutant(
        task="softmax",
        mistake="row sums without keepdims, so the division broadcasts along the wrong axis",
        code='''\
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1)
''',
        words=r"keepdims",
    ),
    # ---------------------------------------------------- softmax_cross_entropy
    Mutant(
        task="softmax_cross_entropy",
        mistake="sums the losses over examples instead of averaging",
        code='''\
def softmax_cross_entropy(Z, y):
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y, dtype=int)
    S = Z - Z.max(axis=1, keepdims=True)
    log_p = S - np.log(np.sum(np.exp(S), axis=1, keepdims=True))
    return -np.sum(log_p[np.arange(len(y)), y])
''',
        words=r"summed the losses over the examples",
    ),
    Mutant(
        task="softmax_cross_entropy",
        mistake="no max subtraction: exp overflows (nan and warnings) for scores near 1000",
        code='''\
def softmax_cross_entropy(Z, y):
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y, dtype=int)
    P = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y]))
''',
        words=r"did not subtract each row's maximum",
    ),
    Mutant(
        task="softmax_cross_entropy",
        mistake="takes log of the softmax probabilities, which underflow to 0 (infinite loss) at large scores",
        code='''\
def softmax_cross_entropy(Z, y):
    y = np.asarray(y, dtype=int)
    P = softmax(Z)
    return -np.mean(np.log(P[np.arange(len(y)), y]))
''',
        words=r"np\.log of the softmax probabilities",
    ),
    Mutant(
        task="softmax_cross_entropy",
        mistake="forgets the log-sum-exp normalizer: uses -z_y instead of -log softmax(z)_y",
        code='''\
def softmax_cross_entropy(Z, y):
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y, dtype=int)
    return -np.mean(Z[np.arange(len(y)), y])
''',
        words=r"log-sum-exp normalizer",
    ),
    Mutant(
        task="softmax_cross_entropy",
        mistake="sign flip: returns the mean log-probability (negative) instead of its negative",
        code='''\
def softmax_cross_entropy(Z, y):
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y, dtype=int)
    S = Z - Z.max(axis=1, keepdims=True)
    log_p = S - np.log(np.sum(np.exp(S), axis=1, keepdims=True))
    return np.mean(log_p[np.arange(len(y)), y])
''',
        words=r"the sign is flipped",
    ),
    Mutant(
        task="softmax_cross_entropy",
        mistake="indexes P[:, y] (every row at every label) instead of P[i, y_i]",
        code='''\
def softmax_cross_entropy(Z, y):
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y, dtype=int)
    S = Z - Z.max(axis=1, keepdims=True)
    log_p = S - np.log(np.sum(np.exp(S), axis=1, keepdims=True))
    return -np.mean(log_p[:, y])
''',
        words=r"logp\[:, y\]",
    ),
    # --------------------------------------------------------------- l2_penalty
    Mutant(
        task="l2_penalty",
        mistake="includes the bias column 0",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / (2 * m) * sum(np.sum(np.asarray(t, dtype=float) ** 2) for t in thetas)
''',
        words=r"included the bias column 0 in the penalty",
    ),
    Mutant(
        task="l2_penalty",
        mistake="missing the factor 1/2: lam/m instead of lam/(2m)",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / m * sum(np.sum(np.asarray(t, dtype=float)[:, 1:] ** 2) for t in thetas)
''',
        words=r"used lam/m instead of lam/\(2m\)",
    ),
    Mutant(
        task="l2_penalty",
        mistake="missing the factor 1/m: lam/2 instead of lam/(2m)",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / 2 * sum(np.sum(np.asarray(t, dtype=float)[:, 1:] ** 2) for t in thetas)
''',
        words=r"lam/2 instead of lam/\(2m\)",
    ),
    Mutant(
        task="l2_penalty",
        mistake="skips row 0 instead of column 0 (transposed weights)",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / (2 * m) * sum(np.sum(np.asarray(t, dtype=float)[1:, :] ** 2) for t in thetas)
''',
        words=r"skipped row 0 instead of column 0",
    ),
    Mutant(
        task="l2_penalty",
        mistake="penalizes only the first weight matrix",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / (2 * m) * np.sum(np.asarray(thetas[0], dtype=float)[:, 1:] ** 2)
''',
        words=r"only the first weight matrix",
    ),
    Mutant(
        task="l2_penalty",
        mistake="uses the Frobenius norm instead of its square",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / (2 * m) * sum(np.linalg.norm(np.asarray(t, dtype=float)[:, 1:]) for t in thetas)
''',
        words=r"norms \|\|Theta\|\|",
    ),
    # ------------------------------------------------------- weight_elimination
    Mutant(
        task="weight_elimination",
        mistake="gradient 2w/(1+w^2): the square in the denominator is missing",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)[:, 1:]
        value += np.sum(w**2 / (1 + w**2))
        g = np.zeros(np.shape(t))
        g[:, 1:] = 2 * w / (1 + w**2)
        grads.append(g)
    return value, grads
''',
        words=r"left out the square in the denominator",
    ),
    Mutant(
        task="weight_elimination",
        mistake="gradient 2w/(1+w^2)^3: cubes the denominator",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)[:, 1:]
        value += np.sum(w**2 / (1 + w**2))
        g = np.zeros(np.shape(t))
        g[:, 1:] = 2 * w / (1 + w**2) ** 3
        grads.append(g)
    return value, grads
''',
        words=r"cubed the denominator",
    ),
    Mutant(
        task="weight_elimination",
        mistake="includes the bias column 0 (nonzero bias gradient)",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)
        value += np.sum(w**2 / (1 + w**2))
        grads.append(2 * w / (1 + w**2) ** 2)
    return value, grads
''',
        words=r"included the bias column 0",
    ),
    Mutant(
        task="weight_elimination",
        mistake="uses the weight-decay gradient 2w instead of 2w/(1+w^2)^2",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)[:, 1:]
        value += np.sum(w**2 / (1 + w**2))
        g = np.zeros(np.shape(t))
        g[:, 1:] = 2 * w
        grads.append(g)
    return value, grads
''',
        words=r"weight-decay gradient 2w",
    ),
    Mutant(
        task="weight_elimination",
        mistake="operator precedence: w**2 / 1 + w**2 instead of w**2 / (1 + w**2)",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)[:, 1:]
        value += np.sum(w**2 / 1 + w**2)
        g = np.zeros(np.shape(t))
        g[:, 1:] = 2 * w / (1 + w**2) ** 2
        grads.append(g)
    return value, grads
''',
        words=r"operator precedence",
    ),
    Mutant(
        task="weight_elimination",
        mistake="sign flip in the gradient",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)[:, 1:]
        value += np.sum(w**2 / (1 + w**2))
        g = np.zeros(np.shape(t))
        g[:, 1:] = -2 * w / (1 + w**2) ** 2
        grads.append(g)
    return value, grads
''',
        words=r"the sign is flipped",
    ),
    # ------------------------------------------------------- more plausible mistakes
    Mutant(
        task="logistic_cost",
        mistake="cross-entropy summed over the examples, not averaged",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    reg = np.r_[0.0, theta[1:]]
    J = np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / (2 * m) * np.sum(reg**2)
    grad = Xb.T @ (sigmoid(z) - y) / m + lam / m * reg
    return J, grad
''',
        words=r"summed the cross-entropy over the examples",
    ),
    Mutant(
        task="logistic_cost",
        mistake="the other slide convention: penalty lam/m sum theta^2 with gradient 2 lam/m theta",
        code='''\
def logistic_cost(theta, X, y, lam):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    Xb = add_bias(X)
    m = Xb.shape[0]
    z = Xb @ theta
    J = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) + lam / m * np.sum(theta[1:] ** 2)
    grad = Xb.T @ (sigmoid(z) - y) / m
    grad[1:] += 2 * lam / m * theta[1:]
    return J, grad
''',
        words=r"penalty lam/m \* sum theta_j\^2",
    ),
    Mutant(
        task="nn_cost",
        mistake="Octave-style 1-based labels: np.eye(K)[y - 1]",
        code='''\
def nn_cost(thetas, X, y, lam):
    thetas = [np.asarray(t, dtype=float) for t in thetas]
    A = feedforward(thetas[:-1], X)
    Z = add_bias(A) @ thetas[-1].T
    m, K = Z.shape
    Y = np.eye(K)[np.asarray(y) - 1]
    J = np.sum(Y * np.logaddexp(0, -Z) + (1 - Y) * np.logaddexp(0, Z)) / m
    return J + l2_penalty(thetas, lam, m)
''',
        words=r"1-based",
    ),
    Mutant(
        task="softmax_cross_entropy",
        mistake="averages -Y log P over all m*K entries",
        code='''\
def softmax_cross_entropy(Z, y):
    Z = np.asarray(Z, dtype=float)
    S = Z - Z.max(axis=1, keepdims=True)
    log_p = S - np.log(np.sum(np.exp(S), axis=1, keepdims=True))
    return -np.mean(one_hot(y, Z.shape[1]) * log_p)
''',
        words=r"averaged -Y log p over all m\*K entries",
    ),
    Mutant(
        task="l2_penalty",
        mistake="penalizes only the last weight matrix",
        code='''\
def l2_penalty(thetas, lam, m):
    return lam / (2 * m) * np.sum(np.asarray(thetas[-1], dtype=float)[:, 1:] ** 2)
''',
        words=r"only the last weight matrix",
    ),
    Mutant(
        task="weight_elimination",
        mistake="returns the weight-decay value sum w^2 with the right gradient",
        code='''\
def weight_elimination(thetas):
    value, grads = 0.0, []
    for t in thetas:
        w = np.asarray(t, dtype=float)[:, 1:]
        value += np.sum(w**2)
        g = np.zeros(np.shape(t))
        g[:, 1:] = 2 * w / (1 + w**2) ** 2
        grads.append(g)
    return value, grads
''',
        words=r"weight-decay value sum w\^2",
    ),
]

# Correct solutions written differently from the reference: each must keep full marks.
ALTERNATIVES = [
    Mutant("one_hot", "rows of the identity matrix", "def one_hot(y, K):\n    return np.eye(K)[np.asarray(y, dtype=int)]"),
    Mutant("squared_error_cost", "loop over examples",
           "def squared_error_cost(H, Y):\n    H, Y = np.asarray(H, dtype=float), np.asarray(Y, dtype=float)\n"
           "    return sum(float(np.sum((h - y) ** 2)) for h, y in zip(H, Y)) / (2 * len(H))"),
    Mutant("softmax", "scipy.special.softmax",
           "def softmax(Z):\n    from scipy.special import softmax as sm\n    return sm(np.asarray(Z, dtype=float), axis=1)"),
    Mutant("l2_penalty", "list comprehension over the non-bias columns",
           "def l2_penalty(thetas, lam, m):\n    return lam / (2 * m) * sum([float((np.asarray(t)[:, 1:] ** 2).sum()) for t in thetas])"),
]

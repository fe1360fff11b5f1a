"""Mutants for 03_backprop: plausible student mistakes, one function at a time.

Every mutant starts from a correct student-style solution cell in
``CORRECT_CELLS`` and changes exactly one thing (``_variant`` checks that the
text it replaces occurs exactly once).  ``tests/solutions/test_backprop.py``
checks that each correct cell matches the reference and that each mutant
does not, so every mutant is a real, single mistake.

The cells use only ``np`` and the public functions of lessons 01-04 as
globals.  The helpers at the end (``define``, ``outcome``, ``same``) run a
cell in exactly that namespace and compare its results with the reference;
``unrolling_04`` and the tests share them.
"""
import importlib
from textwrap import dedent, indent

import numpy as np

from tests.mutants import Mutant


def _cell(text):
    return dedent(text).strip() + "\n"


def _variant(task, mistake, old, new, cells=None, words=""):
    """Mutant of ``cells[task]`` with the one occurrence of ``old`` replaced by ``new``.

    ``cells`` defaults to this module's ``CORRECT_CELLS``.  ``old`` and ``new``
    are dedented; a multi-line ``old`` is matched at the indentation where it
    occurs in the cell and ``new`` is indented the same way.
    """
    base = (CORRECT_CELLS if cells is None else cells)[task]
    old, new = dedent(old).strip("\n"), dedent(new).strip("\n")
    for pad in ("", "    ", "        ", "            ", "                "):
        if base.count(indent(old, pad)) == 1:
            return Mutant(task=task, mistake=mistake, code=base.replace(indent(old, pad), indent(new, pad)),
                          words=words)
    raise AssertionError(f"{task}: {old!r} does not occur exactly once in the correct cell")


CORRECT_CELLS = {
    "add_mul_graph": _cell(
        """
        def add_mul_graph(x, y, z):
            q = x + y
            f = q * z
            dfdz = q
            dfdq = z
            dfdx = 1.0 * dfdq
            dfdy = 1.0 * dfdq
            return f, dfdx, dfdy, dfdz
        """
    ),
    "sigmoid_neuron": _cell(
        """
        def sigmoid_neuron(w, x):
            w = np.asarray(w, dtype=float)
            x = np.asarray(x, dtype=float)
            z = w[0] * x[0] + w[1] * x[1] + w[2]
            f = sigmoid(z)
            dz = f * (1 - f)
            dw = dz * np.array([x[0], x[1], 1.0])
            dx = dz * w[:2]
            return f, dw, dx
        """
    ),
    "squared_norm_wx": _cell(
        """
        def squared_norm_wx(W, x):
            W = np.asarray(W, dtype=float)
            x = np.asarray(x, dtype=float)
            q = W @ x
            f = np.sum(q ** 2)
            dq = 2 * q
            dW = np.outer(dq, x)
            dx = W.T @ dq
            return f, dW, dx
        """
    ),
    "sigmoid_gradient": _cell(
        """
        def sigmoid_gradient(z):
            z = np.asarray(z, dtype=float)
            return sigmoid(z) * (1 - sigmoid(z))
        """
    ),
    "tanh_gradient": _cell(
        """
        def tanh_gradient(z):
            z = np.asarray(z, dtype=float)
            return 1 - np.tanh(z) ** 2
        """
    ),
    "relu": _cell(
        """
        def relu(z):
            z = np.asarray(z, dtype=float)
            return np.maximum(z, 0)
        """
    ),
    "relu_gradient": _cell(
        """
        def relu_gradient(z):
            z = np.asarray(z, dtype=float)
            return (z > 0).astype(float)
        """
    ),
    "leaky_relu": _cell(
        """
        def leaky_relu(z, alpha=0.01):
            z = np.asarray(z, dtype=float)
            return np.where(z > 0, z, alpha * z)
        """
    ),
    "leaky_relu_gradient": _cell(
        """
        def leaky_relu_gradient(z, alpha=0.01):
            z = np.asarray(z, dtype=float)
            return np.where(z > 0, 1.0, alpha)
        """
    ),
    "forward_propagation": _cell(
        """
        def forward_propagation(thetas, X):
            a = [add_bias(X)]
            for l, theta in enumerate(thetas):
                z = a[-1] @ np.asarray(theta, dtype=float).T
                h = sigmoid(z)
                if l < len(thetas) - 1:
                    h = add_bias(h)
                a.append(h)
            return a
        """
    ),
    "backprop": _cell(
        """
        def backprop(thetas, X, y, lam, loss="cross_entropy"):
            if loss not in ("cross_entropy", "squared_error"):
                raise ValueError(f"loss must be 'cross_entropy' or 'squared_error', received {loss!r}")
            thetas = [np.asarray(t, dtype=float) for t in thetas]
            a = forward_propagation(thetas, X)
            m = a[0].shape[0]
            Y = one_hot(y, thetas[-1].shape[0])
            z = [a[l] @ thetas[l].T for l in range(len(thetas))]
            h = a[-1]
            if loss == "cross_entropy":
                # log g(z) = -log(1 + e^-z) and log(1 - g(z)) = -log(1 + e^z), finite even when h is 0 or 1
                J = np.sum(Y * np.logaddexp(0, -z[-1]) + (1 - Y) * np.logaddexp(0, z[-1])) / m
                delta = h - Y
            else:
                J = np.sum((h - Y) ** 2) / (2 * m)
                delta = (h - Y) * sigmoid_gradient(z[-1])
            grads = [None] * len(thetas)
            for l in range(len(thetas) - 1, -1, -1):
                grads[l] = delta.T @ a[l] / m
                if l > 0:
                    delta = (delta @ thetas[l][:, 1:]) * sigmoid_gradient(z[l - 1])
            for l, t in enumerate(thetas):
                J += lam / (2 * m) * np.sum(t[:, 1:] ** 2)
                grads[l][:, 1:] += lam / m * t[:, 1:]
            return J, grads
        """
    ),
    "backprop_loop": _cell(
        """
        def backprop_loop(thetas, X, y, lam):
            thetas = [np.asarray(t, dtype=float) for t in thetas]
            X = np.asarray(X, dtype=float)
            m = X.shape[0]
            Y = one_hot(y, thetas[-1].shape[0])
            Delta = [np.zeros_like(t) for t in thetas]
            J = 0.0
            for i in range(m):
                a = [np.concatenate(([1.0], X[i]))]
                z = []
                for l, t in enumerate(thetas):
                    z.append(t @ a[-1])
                    h = sigmoid(z[-1])
                    if l < len(thetas) - 1:
                        h = np.concatenate(([1.0], h))
                    a.append(h)
                J += np.sum(Y[i] * np.logaddexp(0, -z[-1]) + (1 - Y[i]) * np.logaddexp(0, z[-1]))
                delta = a[-1] - Y[i]
                for l in range(len(thetas) - 1, -1, -1):
                    Delta[l] = Delta[l] + np.outer(delta, a[l])
                    if l > 0:
                        delta = (thetas[l][:, 1:].T @ delta) * sigmoid_gradient(z[l - 1])
            J = J / m
            grads = []
            for l, t in enumerate(thetas):
                D = Delta[l] / m
                D[:, 1:] += lam / m * t[:, 1:]
                grads.append(D)
                J += lam / (2 * m) * np.sum(t[:, 1:] ** 2)
            return J, grads
        """
    ),
    "tanh_regression_backprop": _cell(
        """
        def tanh_regression_backprop(thetas, x, y):
            thetas = [np.asarray(t, dtype=float) for t in thetas]
            xs = [np.concatenate(([1.0], np.asarray(x, dtype=float)))]
            s = []
            for l, t in enumerate(thetas):
                s.append(t @ xs[-1])
                if l < len(thetas) - 1:
                    xs.append(np.concatenate(([1.0], np.tanh(s[-1]))))
            e = (y - s[-1][0]) ** 2
            delta = np.array([-2 * (y - s[-1][0])])
            grads = [None] * len(thetas)
            for l in range(len(thetas) - 1, -1, -1):
                grads[l] = np.outer(delta, xs[l])
                if l > 0:
                    delta = (thetas[l][:, 1:].T @ delta) * tanh_gradient(s[l - 1])
            return e, grads
        """
    ),
    "network_gradient_descent": _cell(
        """
        def network_gradient_descent(cost_grad, thetas, lr, iters):
            thetas = [np.array(t, dtype=float) for t in thetas]
            J, grads = cost_grad(thetas)
            costs = [J]
            for i in range(iters):
                thetas = [t - lr * g for t, g in zip(thetas, grads)]
                J, grads = cost_grad(thetas)
                costs.append(J)
            return thetas, np.array(costs)
        """
    ),
}


MUTANTS: list[Mutant] = [
    # --- add_mul_graph -----------------------------------------------------
    _variant("add_mul_graph", "sign flip: takes dq/dx = -1 in the derivative through the sum",
             "dfdx = 1.0 * dfdq", "dfdx = -1.0 * dfdq",
             words=r"flipped the sign of df/dx"),
    _variant("add_mul_graph", "forgets the chain rule: returns the local derivatives dq/dx = dq/dy = 1",
             """
                 dfdx = 1.0 * dfdq
                 dfdy = 1.0 * dfdq
             """,
             """
                 dfdx = 1.0
                 dfdy = 1.0
             """,
             words=r"without multiplying them by the upstream gradient"),
    _variant("add_mul_graph", "swaps the local gradients of the product (df/dz = z, df/dq = q)",
             """
                 dfdz = q
                 dfdq = z
             """,
             """
                 dfdz = z
                 dfdq = q
             """,
             words=r"swapped the product's local gradients"),
    _variant("add_mul_graph", "operator precedence: computes f = x + y * z",
             """
                 q = x + y
                 f = q * z
                 dfdz = q
                 dfdq = z
                 dfdx = 1.0 * dfdq
                 dfdy = 1.0 * dfdq
             """,
             """
                 f = x + y * z
                 dfdx = 1.0
                 dfdy = z
                 dfdz = y
             """,
             words=r"computed f = x \+ y \* z"),
    # --- sigmoid_neuron ----------------------------------------------------
    _variant("sigmoid_neuron", "applies the sigmoid's derivative to the output f instead of to z",
             "dz = f * (1 - f)", "dz = sigmoid(f) * (1 - sigmoid(f))",
             words=r"g'\(f\) instead of g'\(z\)"),
    _variant("sigmoid_neuron", "forgets the (1 - f) factor of the sigmoid's derivative",
             "dz = f * (1 - f)", "dz = f",
             words=r"left out the factor \(1 - f\)"),
    _variant("sigmoid_neuron", "gives the bias weight w2 a zero gradient",
             "np.array([x[0], x[1], 1.0])", "np.array([x[0], x[1], 0.0])",
             words=r"bias weight w2 a zero gradient"),
    _variant("sigmoid_neuron", "swaps w and x in the gradients (dw uses w, dx uses x)",
             """
                 dw = dz * np.array([x[0], x[1], 1.0])
                 dx = dz * w[:2]
             """,
             """
                 dw = dz * np.array([w[0], w[1], 1.0])
                 dx = dz * x
             """,
             words=r"swapped w and x in the gradients"),
    # --- squared_norm_wx ---------------------------------------------------
    _variant("squared_norm_wx", "dx = W q: forgets to transpose W (should be W^T q)",
             "dx = W.T @ dq", "dx = W @ dq",
             words=r"forgot to transpose W in dx"),
    _variant("squared_norm_wx", "dW = x q^T: outer product in the wrong order (transposed gradient)",
             "dW = np.outer(dq, x)", "dW = np.outer(x, dq)",
             words=r"outer product in the wrong order"),
    _variant("squared_norm_wx", "drops the factor 2 of d(q^2)/dq",
             "dq = 2 * q", "dq = q",
             words=r"dropped the factor 2 of d\(q \. q\)/dq"),
    _variant("squared_norm_wx", "computes ||W x|| instead of its square",
             "f = np.sum(q ** 2)", "f = np.sqrt(np.sum(q ** 2))",
             words=r"norm \|\|W x\|\| instead of its square"),
    # --- sigmoid_gradient --------------------------------------------------
    _variant("sigmoid_gradient", "applies the a(1 - a) formula to z itself instead of to g(z)",
             "return sigmoid(z) * (1 - sigmoid(z))", "return z * (1 - z)",
             words=r"to z itself, z\(1 - z\)"),
    _variant("sigmoid_gradient", "mixes z and g(z): g(z)(1 - z)",
             "return sigmoid(z) * (1 - sigmoid(z))", "return sigmoid(z) * (1 - z)",
             words=r"g\(z\)\(1 - z\) instead of g\(z\)\(1 - g\(z\)\)"),
    _variant("sigmoid_gradient", "uses the tanh-style derivative 1 - g(z)^2",
             "return sigmoid(z) * (1 - sigmoid(z))", "return 1 - sigmoid(z) ** 2",
             words=r"used 1 - g\(z\)\^2"),
    _variant("sigmoid_gradient", "sign flip: -g(z)(1 - g(z))",
             "return sigmoid(z) * (1 - sigmoid(z))", "return -sigmoid(z) * (1 - sigmoid(z))",
             words=r"sigmoid_gradient\(.*the sign is flipped"),
    # --- tanh_gradient -----------------------------------------------------
    _variant("tanh_gradient", "forgets the square: 1 - tanh(z)",
             "return 1 - np.tanh(z) ** 2", "return 1 - np.tanh(z)",
             words=r"forgot to square tanh"),
    _variant("tanh_gradient", "applies 1 - a^2 to z itself instead of to tanh(z)",
             "return 1 - np.tanh(z) ** 2", "return 1 - z ** 2",
             words=r"to z itself, 1 - z\^2"),
    _variant("tanh_gradient", "uses the sigmoid-style formula tanh(z)(1 - tanh(z))",
             "return 1 - np.tanh(z) ** 2", "return np.tanh(z) * (1 - np.tanh(z))",
             words=r"sigmoid's form tanh\(z\)\(1 - tanh\(z\)\)"),
    _variant("tanh_gradient", "sign flip: 1 + tanh(z)^2",
             "return 1 - np.tanh(z) ** 2", "return 1 + np.tanh(z) ** 2",
             words=r"wrote 1 \+ tanh\(z\)\^2"),
    # --- relu --------------------------------------------------------------
    _variant("relu", "np.max (a reduction over the array) instead of the elementwise np.maximum",
             "return np.maximum(z, 0)", "return np.max(z, 0)",
             words=r"np\.max, which reduces the array"),
    _variant("relu", "keeps the negative part: min(z, 0)",
             "return np.maximum(z, 0)", "return np.minimum(z, 0)",
             words=r"kept the negative part, min\(z, 0\)"),
    _variant("relu", "returns the step (the gradient) instead of the value",
             "return np.maximum(z, 0)", "return (z > 0).astype(float)",
             words=r"returned the step 1\[z > 0\]"),
    _variant("relu", "absolute value instead of clipping at 0",
             "return np.maximum(z, 0)", "return np.abs(z)",
             words=r"returned \|z\| instead of max\(z, 0\)"),
    # --- relu_gradient -----------------------------------------------------
    _variant("relu_gradient", "gradient 1 at z = 0 (uses z >= 0)",
             "return (z > 0).astype(float)", "return (z >= 0).astype(float)",
             words=r"gradient 1 at z = 0"),
    _variant("relu_gradient", "returns relu(z) instead of its derivative",
             "return (z > 0).astype(float)", "return np.maximum(z, 0)",
             words=r"returned relu\(z\) instead of its derivative"),
    _variant("relu_gradient", "sign flip: 1 for negative z, 0 for positive z",
             "return (z > 0).astype(float)", "return (z < 0).astype(float)",
             words=r"swapped the two sides"),
    # --- leaky_relu --------------------------------------------------------
    _variant("leaky_relu", "alpha on the wrong side: scales the positive part",
             "np.where(z > 0, z, alpha * z)", "np.where(z > 0, alpha * z, z)",
             words=r"put alpha on the wrong side"),
    _variant("leaky_relu", "max(alpha, z): compares with alpha instead of alpha * z",
             "return np.where(z > 0, z, alpha * z)", "return np.maximum(alpha, z)",
             words=r"took max\(alpha, z\)"),
    _variant("leaky_relu", "ignores the alpha argument (hard-coded 0.01)",
             "np.where(z > 0, z, alpha * z)", "np.where(z > 0, z, 0.01 * z)",
             words=r"ignored the alpha argument"),
    _variant("leaky_relu", "plain ReLU: 0 instead of alpha * z for negative z",
             "np.where(z > 0, z, alpha * z)", "np.where(z > 0, z, 0.0)",
             words=r"returned 0 for negative z \(plain ReLU\)"),
    # --- leaky_relu_gradient -----------------------------------------------
    _variant("leaky_relu_gradient", "alpha on the wrong side: slope alpha for positive z",
             "np.where(z > 0, 1.0, alpha)", "np.where(z > 0, alpha, 1.0)",
             words=r"put alpha on the wrong side"),
    _variant("leaky_relu_gradient", "returns alpha * z (the value) instead of the slope alpha",
             "np.where(z > 0, 1.0, alpha)", "np.where(z > 0, 1.0, alpha * z)",
             words=r"returned alpha \* z \(a value\)"),
    _variant("leaky_relu_gradient", "plain ReLU gradient: 0 instead of alpha for negative z",
             "np.where(z > 0, 1.0, alpha)", "np.where(z > 0, 1.0, 0.0)",
             words=r"plain ReLU gradient"),
    _variant("leaky_relu_gradient", "ignores the alpha argument (hard-coded 0.01)",
             "np.where(z > 0, 1.0, alpha)", "np.where(z > 0, 1.0, 0.01)",
             words=r"ignored the alpha argument"),
    # --- forward_propagation -----------------------------------------------
    _variant("forward_propagation", "passes the bias unit through the sigmoid (hidden bias 0.73 instead of 1)",
             """
                     h = sigmoid(z)
                     if l < len(thetas) - 1:
                         h = add_bias(h)
             """,
             """
                     h = sigmoid(z)
                     if l < len(thetas) - 1:
                         h = sigmoid(add_bias(z))
             """,
             words=r"passed the bias unit through the sigmoid"),
    _variant("forward_propagation", "adds a bias column to the output layer too",
             """
                     if l < len(thetas) - 1:
                         h = add_bias(h)
             """,
             """
                     h = add_bias(h)
             """,
             words=r"added a bias column to the output layer"),
    _variant("forward_propagation", "stores a[0] without its bias column",
             """
                 a = [add_bias(X)]
                 for l, theta in enumerate(thetas):
                     z = a[-1] @ np.asarray(theta, dtype=float).T
             """,
             """
                 a = [np.asarray(X, dtype=float)]
                 for l, theta in enumerate(thetas):
                     inputs = add_bias(a[-1]) if l == 0 else a[-1]
                     z = inputs @ np.asarray(theta, dtype=float).T
             """,
             words=r"stored a\[0\] = X without its bias column"),
    _variant("forward_propagation", "linear output layer: no sigmoid on the last layer",
             """
                     h = sigmoid(z)
                     if l < len(thetas) - 1:
                         h = add_bias(h)
             """,
             """
                     h = z
                     if l < len(thetas) - 1:
                         h = add_bias(sigmoid(z))
             """,
             words=r"left the output layer linear"),
    # --- backprop ----------------------------------------------------------
    _variant("backprop", "applies sigmoid_gradient to the activation a instead of to z (g'(a) for g'(z))",
             "* sigmoid_gradient(z[l - 1])", "* sigmoid_gradient(a[l][:, 1:])",
             words=r"used g'\(a\) instead of g'\(z\)"),
    _variant("backprop", "regularizes the bias column (column 0) in the gradient",
             "grads[l][:, 1:] += lam / m * t[:, 1:]", "grads[l] += lam / m * t",
             words=r"regularized the bias column \(column 0\) of the gradient"),
    _variant("backprop", "missing 1/m: sums the gradient over examples instead of averaging",
             "grads[l] = delta.T @ a[l] / m", "grads[l] = delta.T @ a[l]",
             words=r"forgot the 1/m in the gradient"),
    _variant("backprop", "lam/(2m) instead of lam/m in the gradient's regularization term",
             "grads[l][:, 1:] += lam / m * t[:, 1:]", "grads[l][:, 1:] += lam / (2 * m) * t[:, 1:]",
             words=r"lam/\(2m\) instead of lam/m"),
    _variant("backprop", "transposed gradient: a^T delta instead of delta^T a",
             "grads[l] = delta.T @ a[l] / m", "grads[l] = a[l].T @ delta / m",
             words=r"transpose of the gradient delta\^T a"),
    _variant("backprop", "forgets the factor g'(z) in the hidden layers' deltas",
             "delta = (delta @ thetas[l][:, 1:]) * sigmoid_gradient(z[l - 1])",
             "delta = delta @ thetas[l][:, 1:]",
             words=r"left out the factor g'\(z\) in the hidden layers' deltas"),
    _variant("backprop", "multiplies the cross-entropy output delta by g'(z) (the squared-error delta)",
             """
                     delta = h - Y
                 else:
             """,
             """
                     delta = (h - Y) * sigmoid_gradient(z[-1])
                 else:
             """,
             words=r"multiplied the cross-entropy output delta by g'\(z_L\)"),
    _variant("backprop", "squared-error output delta misses the factor g'(z_L)",
             "delta = (h - Y) * sigmoid_gradient(z[-1])", "delta = h - Y",
             words=r"left out the factor g'\(z_L\) in the squared-error output delta"),
    _variant("backprop", "includes the bias column in the L2 term of J",
             "J += lam / (2 * m) * np.sum(t[:, 1:] ** 2)", "J += lam / (2 * m) * np.sum(t ** 2)",
             words=r"included the bias column in the L2 term of J"),
    _variant("backprop", "drops the 1/2 of the squared error E = 1/(2m) sum ||a_L - y||^2",
             "J = np.sum((h - Y) ** 2) / (2 * m)", "J = np.sum((h - Y) ** 2) / m",
             words=r"dropped the 1/2 of the squared error"),
    _variant("backprop", "cross-entropy J from np.log(a_L): -inf/nan once the outputs saturate to 0 or 1",
             "J = np.sum(Y * np.logaddexp(0, -z[-1]) + (1 - Y) * np.logaddexp(0, z[-1])) / m",
             "J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m",
             words=r"saturated .*not finite"),
    # --- backprop_loop -----------------------------------------------------
    _variant("backprop_loop", "uses the integer label y[i] as the target instead of its one-hot row",
             "delta = a[-1] - Y[i]", "delta = a[-1] - y[i]",
             words=r"integer label y_i as the target"),
    _variant("backprop_loop", "accumulates a delta^T (transposed outer product) instead of delta a^T",
             "np.outer(delta, a[l])", "np.outer(a[l], delta)",
             words=r"transposed outer product"),
    _variant("backprop_loop", "forgets to divide the accumulated Delta by m",
             "D = Delta[l] / m", "D = Delta[l].copy()",
             words=r"forgot to divide the accumulated Delta by m"),
    _variant("backprop_loop", "regularizes the bias column (column 0) in the gradient",
             "D[:, 1:] += lam / m * t[:, 1:]", "D += lam / m * t",
             words=r"regularized the bias column \(column 0\) of the gradient"),
    _variant("backprop_loop", "resets Delta inside the loop over examples (keeps only the last example)",
             """
                 Delta = [np.zeros_like(t) for t in thetas]
                 J = 0.0
                 for i in range(m):
             """,
             """
                 J = 0.0
                 for i in range(m):
                     Delta = [np.zeros_like(t) for t in thetas]
             """,
             words=r"reset Delta inside the loop"),
    # --- tanh_regression_backprop --------------------------------------------
    _variant("tanh_regression_backprop", "output delta without the factor 2: -(y - s_L)",
             "delta = np.array([-2 * (y - s[-1][0])])", "delta = np.array([-(y - s[-1][0])])",
             words=r"dropped the factor 2 of the output delta"),
    _variant("tanh_regression_backprop", "sign flip in the output delta: 2 (y - s_L)",
             "delta = np.array([-2 * (y - s[-1][0])])", "delta = np.array([2 * (y - s[-1][0])])",
             words=r"flipped the sign of the output delta"),
    _variant("tanh_regression_backprop", "applies tanh_gradient to the activation tanh(s) instead of s",
             "tanh_gradient(s[l - 1])", "tanh_gradient(xs[l][1:])",
             words=r"tanh' at the activation tanh\(s\)"),
    _variant("tanh_regression_backprop", "writes tanh'(s) as 1 - s^2 (the activation formula applied to s)",
             "tanh_gradient(s[l - 1])", "(1 - s[l - 1] ** 2)",
             words=r"wrote tanh'\(s\) as 1 - s\^2"),
    # --- network_gradient_descent ----------------------------------------------
    _variant("network_gradient_descent", "adds the gradient: thetas + lr * grads (moves uphill)",
             "t - lr * g", "t + lr * g",
             words=r"moved uphill"),
    _variant("network_gradient_descent", "stale gradient: computes the gradients once before the loop and reuses them",
             """
                 J, grads = cost_grad(thetas)
                 costs.append(J)
             """,
             """
                 J = cost_grad(thetas)[0]
                 costs.append(J)
             """,
             words=r"computed the gradients once, before the loop"),
    _variant("network_gradient_descent", "off by one: range(1, iters) takes iters - 1 steps",
             "range(iters)", "range(1, iters)",
             words=r"took iters - 1 steps"),
    _variant("network_gradient_descent", "the cost history misses the start (costs[0] is J after the first step)",
             "costs = [J]", "costs = []",
             words=r"left the starting cost out of costs"),
    Mutant(task="network_gradient_descent", mistake="updates the caller's arrays in place (t -= lr * g)",
           code=_cell(
               """
               def network_gradient_descent(cost_grad, thetas, lr, iters):
                   J, grads = cost_grad(thetas)
                   costs = [J]
                   for i in range(iters):
                       for t, g in zip(thetas, grads):
                           t -= lr * g
                       J, grads = cost_grad(thetas)
                       costs.append(J)
                   return thetas, np.array(costs)
               """),
           words=r"modified .*in place"),
    Mutant(task="network_gradient_descent", mistake="rebinds the loop variable, so the weights never change",
           code=CORRECT_CELLS["network_gradient_descent"].replace(
               "        thetas = [t - lr * g for t, g in zip(thetas, grads)]\n",
               "        for t, g in zip(thetas, grads):\n            t = t - lr * g\n"),
           words=r"rebound the loop variable"),
    _variant("network_gradient_descent", "ignores lr: steps by the whole gradient",
             "t - lr * g", "t - g",
             words=r"ignored lr"),
]


# Correct solutions written differently from CORRECT_CELLS and from the reference: each must keep full marks.
ALTERNATIVES: list[Mutant] = [
    Mutant(task="network_gradient_descent", mistake="while loop, index updates on a copied list, preallocated costs",
           code=_cell(
               """
               def network_gradient_descent(cost_grad, thetas, lr, iters):
                   current = [np.copy(t) for t in thetas]
                   costs = np.empty(iters + 1)
                   costs[0], grads = cost_grad(current)
                   step = 0
                   while step < iters:
                       for k in range(len(current)):
                           current[k] = current[k] - lr * grads[k]
                       step += 1
                       costs[step], grads = cost_grad(current)
                   return current, costs
               """)),
    Mutant(task="network_gradient_descent", mistake="in-place steps on its own copies, the cost taken at the top of "
           "each pass", code=_cell(
               """
               def network_gradient_descent(cost_grad, thetas, lr, iters):
                   weights = [t.astype(float) for t in thetas]
                   history = []
                   for step in range(iters + 1):
                       J, grads = cost_grad(weights)
                       history.append(float(J))
                       if step == iters:
                           break
                       for w, g in zip(weights, grads):
                           w -= lr * np.asarray(g)
                   return weights, np.array(history)
               """)),
]


# ---------------------------------------------------------------------------
# Running a cell the way the notebook does, and comparing with the reference
# ---------------------------------------------------------------------------

#: Lessons whose public names a solution cell may use (as notebook globals).
LESSON_MODULES = (
    "solutions.logic_gates",
    "solutions.cost_functions",
    "solutions.backprop",
    "solutions.unrolling",
)


def cell_namespace():
    """``np`` plus every public function and constant defined by the lessons 01-04 references."""
    namespace = {"np": np}
    for module_name in LESSON_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            # Imported helpers (np, as_float_array, ...) belong to other modules: skip them.
            defined_here = getattr(value, "__module__", None) == module_name
            if not name.startswith("_") and (defined_here or name.isupper()):
                namespace[name] = value
    return namespace


def define(code, task):
    """Execute a solution cell in :func:`cell_namespace` and return the function it defines."""
    namespace = cell_namespace()
    exec(compile(code, f"<cell {task}>", "exec"), namespace)
    return namespace[task]


def outcome(func, args, kwargs):
    """``("value", result)`` or ``("raises", exception name)``.

    A ``NameError`` or ``ImportError`` means the cell itself is broken (it
    uses a name the notebook does not provide), not a student mistake, so
    those propagate.
    """
    try:
        return "value", func(*args, **kwargs)
    except (NameError, ImportError):
        raise
    except Exception as exc:  # a crash is a legitimate (if loud) way to differ
        return "raises", type(exc).__name__


def same(expected, received, rtol=1e-7, atol=1e-9):
    """True when two results agree: same nesting, shapes, integer-ness and values."""
    if isinstance(expected, (list, tuple)) or isinstance(received, (list, tuple)):
        return (
            isinstance(expected, (list, tuple))
            and isinstance(received, (list, tuple))
            and len(expected) == len(received)
            and all(same(e, r, rtol, atol) for e, r in zip(expected, received))
        )
    expected, received = np.asarray(expected), np.asarray(received)
    if expected.shape != received.shape:
        return False
    if expected.dtype.kind in "iu" and received.dtype.kind not in "iu":
        return False  # labels must stay integers
    try:
        return bool(np.allclose(expected.astype(float), received.astype(float), rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False

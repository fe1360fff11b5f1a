"""Mutants for lesson 05_gradient_checking: plausible student mistakes.

Each ``code`` is the complete text of the solution cell for ``task``.  It may
use ``np`` and the public names of lessons 01-05 (``backprop``, ``unroll``,
``roll``, ``numerical_gradient``, ...) as globals, exactly as a student's
notebook would, and never imports from ``solutions``.
"""
from textwrap import dedent

from tests.mutants import Mutant


def _m(task, mistake, code, words):
    return Mutant(task=task, mistake=mistake, code=dedent(code).strip() + "\n", words=words)


MUTANTS = [
    # ------------------------------------------------------------------ numerical_gradient
    _m("numerical_gradient", "uses a one-sided (forward) difference instead of the central difference", """
        def numerical_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            j0 = J(theta)
            for i in range(theta.size):
                plus = theta.copy()
                plus.flat[i] += eps
                grad.flat[i] = (J(plus) - j0) / eps
            return grad
    """, r"one-sided \(forward\) difference"),
    _m("numerical_gradient", "divides the central difference by eps instead of 2 eps (gradient twice too large)", """
        def numerical_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            for i in range(theta.size):
                plus = theta.copy()
                minus = theta.copy()
                plus.flat[i] += eps
                minus.flat[i] -= eps
                grad.flat[i] = (J(plus) - J(minus)) / eps
            return grad
    """, r"divided by eps instead of 2 eps"),
    _m("numerical_gradient", "perturbs theta in place and never restores it (the caller's theta is changed)", """
        def numerical_gradient(J, theta, eps=1e-4):
            grad = np.zeros(np.shape(theta))
            for i in range(theta.size):
                theta.flat[i] += eps
                j_plus = J(theta)
                theta.flat[i] -= 2 * eps
                j_minus = J(theta)
                grad.flat[i] = (j_plus - j_minus) / (2 * eps)
            return grad
    """, r"modified theta in place"),
    _m("numerical_gradient", "thetaPlus = theta aliases the same array in NumPy (Octave copies), so both "
       "perturbations cancel and the gradient is zero", """
        def numerical_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            for i in range(theta.size):
                theta_plus = theta
                theta_plus.flat[i] = theta_plus.flat[i] + eps
                theta_minus = theta
                theta_minus.flat[i] = theta_minus.flat[i] - eps
                grad.flat[i] = (J(theta_plus) - J(theta_minus)) / (2 * eps)
            return grad
    """, r"theta_plus = theta: in NumPy that is the same array"),
    _m("numerical_gradient", "perturbs all coordinates at once instead of one at a time", """
        def numerical_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            slope = (J(theta + eps) - J(theta - eps)) / (2 * eps)
            return np.full(theta.shape, slope)
    """, r"perturbed all coordinates at once"),
    _m("numerical_gradient", "returns a flat vector instead of an array shaped like theta", """
        def numerical_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros(theta.size)
            for i in range(theta.size):
                plus = theta.copy()
                minus = theta.copy()
                plus.flat[i] += eps
                minus.flat[i] -= eps
                grad[i] = (J(plus) - J(minus)) / (2 * eps)
            return grad
    """, r"received shape \(\d+,\) — the numbers are right, reshape"),
    _m("numerical_gradient", "ignores the eps argument: the lecture's EPSILON = 1e-4 is hard-coded", """
        def numerical_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            for i in range(theta.size):
                plus = theta.copy()
                minus = theta.copy()
                plus.flat[i] += 1e-4
                minus.flat[i] -= 1e-4
                grad.flat[i] = (J(plus) - J(minus)) / (2 * 1e-4)
            return grad
    """, r"ignored the eps argument"),
    # --------------------------------------------------------- forward_difference_gradient
    _m("forward_difference_gradient", "divides the one-sided difference by 2 eps (gradient half as large)", """
        def forward_difference_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            j0 = J(theta)
            for i in range(theta.size):
                plus = theta.copy()
                plus.flat[i] += eps
                grad.flat[i] = (J(plus) - j0) / (2 * eps)
            return grad
    """, r"divided by 2 eps instead of eps"),
    _m("forward_difference_gradient", "uses the central difference instead of the one-sided one", """
        def forward_difference_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            for i in range(theta.size):
                plus = theta.copy()
                minus = theta.copy()
                plus.flat[i] += eps
                minus.flat[i] -= eps
                grad.flat[i] = (J(plus) - J(minus)) / (2 * eps)
            return grad
    """, r"used the central difference instead of the one-sided one"),
    _m("forward_difference_gradient", "sign flip: computes (J(theta) - J(theta + eps)) / eps", """
        def forward_difference_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            j0 = J(theta)
            for i in range(theta.size):
                plus = theta.copy()
                plus.flat[i] += eps
                grad.flat[i] = (j0 - J(plus)) / eps
            return grad
    """, r"the sign is flipped"),
    _m("forward_difference_gradient", "perturbs all coordinates at once instead of one at a time", """
        def forward_difference_gradient(J, theta, eps=1e-4):
            theta = np.array(theta, dtype=float)
            slope = (J(theta + eps) - J(theta)) / eps
            return np.full(theta.shape, slope)
    """, r"perturbed all coordinates at once"),
    # ---------------------------------------------------------------- relative_difference
    _m("relative_difference", "divides by ||a|| + ||b|| instead of ||a + b||", """
        def relative_difference(a, b):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            den = np.linalg.norm(a) + np.linalg.norm(b)
            if den == 0:
                return 0.0
            return np.linalg.norm(a - b) / den
    """, r"divided by \|\|a\|\| \+ \|\|b\|\| instead of \|\|a \+ b\|\|"),
    _m("relative_difference", "divides by ||a|| only instead of ||a + b||", """
        def relative_difference(a, b):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            den = np.linalg.norm(a)
            if den == 0:
                return 0.0
            return np.linalg.norm(a - b) / den
    """, r"divided by \|\|a\|\| instead of \|\|a \+ b\|\|"),
    _m("relative_difference", "no special case: returns nan (0/0) when both vectors are zero", """
        def relative_difference(a, b):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            return np.linalg.norm(a - b) / np.linalg.norm(a + b)
    """, r"0/0 = nan"),
    _m("relative_difference", "uses plain sums instead of norms, so differences of opposite sign cancel", """
        def relative_difference(a, b):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            den = np.sum(a + b)
            if den == 0:
                return 0.0
            return np.sum(a - b) / den
    """, r"plain sums"),
    _m("relative_difference", "uses squared norms ||a - b||^2 / ||a + b||^2", """
        def relative_difference(a, b):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            den = np.sum((a + b) ** 2)
            if den == 0:
                return 0.0
            return np.sum((a - b) ** 2) / den
    """, r"squared norms"),
    _m("relative_difference", "returns 0.0 whenever ||a + b|| = 0, so opposite gradients a = -b count as equal", """
        def relative_difference(a, b):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            den = np.linalg.norm(a + b)
            if den == 0:
                return 0.0
            return np.linalg.norm(a - b) / den
    """, r"a = -b != 0 are opposite gradients"),
    # ----------------------------------------------------------- debug_initialize_weights
    _m("debug_initialize_weights", "reshapes in NumPy's row-major (C) order instead of Octave's column-major order", """
        def debug_initialize_weights(fan_out, fan_in):
            n = fan_out * (fan_in + 1)
            return np.sin(np.arange(1, n + 1)).reshape(fan_out, fan_in + 1) / 10
    """, r"row-major \(C\) order instead of Octave's column-major"),
    _m("debug_initialize_weights", "off by one: sin(0..n-1) instead of sin(1..n)", """
        def debug_initialize_weights(fan_out, fan_in):
            n = fan_out * (fan_in + 1)
            return np.sin(np.arange(n)).reshape((fan_out, fan_in + 1), order="F") / 10
    """, r"started at sin\(0\) instead of sin\(1\)"),
    _m("debug_initialize_weights", "forgets to divide by 10", """
        def debug_initialize_weights(fan_out, fan_in):
            n = fan_out * (fan_in + 1)
            return np.sin(np.arange(1, n + 1)).reshape((fan_out, fan_in + 1), order="F")
    """, r"forgot to divide by 10"),
    _m("debug_initialize_weights", "swaps the roles of fan_in and fan_out: shape (fan_in, fan_out + 1)", """
        def debug_initialize_weights(fan_out, fan_in):
            n = fan_in * (fan_out + 1)
            return np.sin(np.arange(1, n + 1)).reshape((fan_in, fan_out + 1), order="F") / 10
    """, r"swapped fan_in and fan_out"),
    _m("debug_initialize_weights", "forgets the bias column: shape (fan_out, fan_in)", """
        def debug_initialize_weights(fan_out, fan_in):
            n = fan_out * fan_in
            return np.sin(np.arange(1, n + 1)).reshape((fan_out, fan_in), order="F") / 10
    """, r"forgot the bias column"),
    # ---------------------------------------------------------------- check_nn_gradients
    _m("check_nn_gradients", "regularizes the bias column in the analytic gradient", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = debug_initialize_weights(5, 2)
            y = np.arange(1, 6) % 3
            m = X.shape[0]
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, lam)[0]
            numgrad = numerical_gradient(J, unroll(thetas))
            grads = backprop(thetas, X, y, lam)[1]
            grads = [g + (lam / m) * np.column_stack([t[:, 0], np.zeros_like(t[:, 1:])])
                     for g, t in zip(grads, thetas)]
            grad = unroll(grads)
            return numgrad, grad, relative_difference(numgrad, grad)
    """, r"regularized the bias column"),
    _m("check_nn_gradients", "returns the unnormalized distance ||numgrad - grad|| instead of the relative difference", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = debug_initialize_weights(5, 2)
            y = np.arange(1, 6) % 3
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, lam)[0]
            numgrad = numerical_gradient(J, unroll(thetas))
            grad = unroll(backprop(thetas, X, y, lam)[1])
            return numgrad, grad, np.linalg.norm(numgrad - grad)
    """, r"unnormalized distance \|\|numgrad - grad\|\|"),
    _m("check_nn_gradients", "uses the one-sided forward difference for the numerical gradient", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = debug_initialize_weights(5, 2)
            y = np.arange(1, 6) % 3
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, lam)[0]
            numgrad = forward_difference_gradient(J, unroll(thetas))
            grad = unroll(backprop(thetas, X, y, lam)[1])
            return numgrad, grad, relative_difference(numgrad, grad)
    """, r"one-sided \(forward\) difference for numgrad"),
    _m("check_nn_gradients", "ignores lam: always checks the unregularized cost", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = debug_initialize_weights(5, 2)
            y = np.arange(1, 6) % 3
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, 0.0)[0]
            numgrad = numerical_gradient(J, unroll(thetas))
            grad = unroll(backprop(thetas, X, y, 0.0)[1])
            return numgrad, grad, relative_difference(numgrad, grad)
    """, r"ignored lam"),
    _m("check_nn_gradients", "labels start at 0 (np.arange(5) % 3) instead of the lecture's 1 + mod(1:m, 3) shifted", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = debug_initialize_weights(5, 2)
            y = np.arange(5) % 3
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, lam)[0]
            numgrad = numerical_gradient(J, unroll(thetas))
            grad = unroll(backprop(thetas, X, y, lam)[1])
            return numgrad, grad, relative_difference(numgrad, grad)
    """, r"labels np\.arange\(5\) % 3"),
    _m("check_nn_gradients", "unrolls the backprop gradient in Octave's column-major order, so it is "
       "compared with the wrong entries of the numerical gradient", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = debug_initialize_weights(5, 2)
            y = np.arange(1, 6) % 3
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, lam)[0]
            numgrad = numerical_gradient(J, unroll(thetas))
            grad = np.concatenate([g.ravel(order="F") for g in backprop(thetas, X, y, lam)[1]])
            return numgrad, grad, relative_difference(numgrad, grad)
    """, r"column-major \(Octave's Theta\(:\)\)"),
    _m("check_nn_gradients", "builds the debug inputs X in row-major order instead of with debug_initialize_weights", """
        def check_nn_gradients(lam=0.0):
            thetas = [debug_initialize_weights(5, 3), debug_initialize_weights(3, 5)]
            X = np.sin(np.arange(1, 16)).reshape(5, 3) / 10
            y = np.arange(1, 6) % 3
            shapes = [t.shape for t in thetas]
            J = lambda p: backprop(roll(p, shapes), X, y, lam)[0]
            numgrad = numerical_gradient(J, unroll(thetas))
            grad = unroll(backprop(thetas, X, y, lam)[1])
            return numgrad, grad, relative_difference(numgrad, grad)
    """, r"built X row-major"),
    # ----------------------------------------------------------------- difference_by_layer
    _m("difference_by_layer", "computes numgrad - grad instead of grad - numgrad", """
        def difference_by_layer(numgrad, grad, shapes):
            return roll(np.asarray(numgrad, dtype=float) - np.asarray(grad, dtype=float), shapes)
    """, r"numgrad - grad instead of grad - numgrad"),
    _m("difference_by_layer", "reshapes each layer column by column (Octave's order)", """
        def difference_by_layer(numgrad, grad, shapes):
            d = np.asarray(grad, dtype=float) - np.asarray(numgrad, dtype=float)
            out, k = [], 0
            for r, c in shapes:
                out.append(d[k:k + r * c].reshape((r, c), order="F"))
                k += r * c
            return out
    """, r"column by column \(Octave's order\)"),
    _m("difference_by_layer", "takes absolute values, losing the sign", """
        def difference_by_layer(numgrad, grad, shapes):
            return roll(np.abs(np.asarray(grad, dtype=float) - np.asarray(numgrad, dtype=float)), shapes)
    """, r"took absolute values"),
    _m("difference_by_layer", "cuts every layer from the start of the vector (offset never advanced)", """
        def difference_by_layer(numgrad, grad, shapes):
            d = np.asarray(grad, dtype=float) - np.asarray(numgrad, dtype=float)
            return [d[:r * c].reshape(r, c) for r, c in shapes]
    """, r"cut every layer from the start of the vector"),
    # ------------------------------------------------------------------ largest_difference
    _m("largest_difference", "takes the largest signed value instead of the largest absolute value", """
        def largest_difference(diffs):
            mats = [np.asarray(d, dtype=float) for d in diffs]
            l = int(np.argmax([m.max() for m in mats]))
            i, j = np.unravel_index(np.argmax(mats[l]), mats[l].shape)
            return l, int(i), int(j)
    """, r"largest signed value instead of the largest absolute value"),
    _m("largest_difference", "counts layers from 1 (the lecture's Theta numbering)", """
        def largest_difference(diffs):
            mats = [np.abs(np.asarray(d, dtype=float)) for d in diffs]
            l = int(np.argmax([m.max() for m in mats]))
            i, j = np.unravel_index(np.argmax(mats[l]), mats[l].shape)
            return l + 1, int(i), int(j)
    """, r"counted layers from 1"),
    _m("largest_difference", "swaps row and column", """
        def largest_difference(diffs):
            mats = [np.abs(np.asarray(d, dtype=float)) for d in diffs]
            l = int(np.argmax([m.max() for m in mats]))
            i, j = np.unravel_index(np.argmax(mats[l]), mats[l].shape)
            return l, int(j), int(i)
    """, r"swapped row and column"),
    _m("largest_difference", "returns the index in the unrolled vector instead of (layer, row, column)", """
        def largest_difference(diffs):
            flat = np.concatenate([np.abs(np.asarray(d, dtype=float)).ravel() for d in diffs])
            return int(np.argmax(flat))
    """, r"position in the unrolled vector"),
    # ------------------------------------------------------- softmax_cross_entropy_gradient
    _m("softmax_cross_entropy_gradient", "forgets the 1/m of the mean", """
        def softmax_cross_entropy_gradient(Z, y):
            Z = np.asarray(Z, dtype=float)
            return softmax(Z) - one_hot(y, Z.shape[1])
    """, r"forgot to divide by m"),
    _m("softmax_cross_entropy_gradient", "sign flip: (Y - softmax(Z)) / m", """
        def softmax_cross_entropy_gradient(Z, y):
            Z = np.asarray(Z, dtype=float)
            return (one_hot(y, Z.shape[1]) - softmax(Z)) / Z.shape[0]
    """, r"flipped the sign"),
    _m("softmax_cross_entropy_gradient", "leaves out the one-hot targets: softmax(Z) / m", """
        def softmax_cross_entropy_gradient(Z, y):
            Z = np.asarray(Z, dtype=float)
            return softmax(Z) / Z.shape[0]
    """, r"left out the one-hot Y"),
    _m("softmax_cross_entropy_gradient", "uses the sigmoid instead of the softmax", """
        def softmax_cross_entropy_gradient(Z, y):
            Z = np.asarray(Z, dtype=float)
            return (sigmoid(Z) - one_hot(y, Z.shape[1])) / Z.shape[0]
    """, r"used the sigmoid instead of the softmax"),
    _m("softmax_cross_entropy_gradient", "divides by m K (mean over all entries) instead of m", """
        def softmax_cross_entropy_gradient(Z, y):
            Z = np.asarray(Z, dtype=float)
            return (softmax(Z) - one_hot(y, Z.shape[1])) / Z.size
    """, r"divided by m K"),
    # ------------------------------------------------------------ BUG_LOCATION and quizzes
    Mutant("BUG_LOCATION", "blames layer 0 (the first matrix)", "BUG_LOCATION = (0, 0, 0)\n",
           r"layer 0 is not where the gradient check disagrees most"),
    Mutant("BUG_LOCATION", "right layer, wrong entry", "BUG_LOCATION = (1, 1, 0)\n",
           r"you answered \(1, 1, 0\); the largest \|grad - numgrad\| is at \(1, 0, 0\)"),
    Mutant("BUG_LOCATION", "counts layers from 1 (Theta^(2))", "BUG_LOCATION = (2, 0, 0)\n",
           r"layer 2 is not where"),
    Mutant("QUIZ_A", "one cost evaluation per weight (forgets the minus side)", "QUIZ_A = 10000\n",
           r"QUIZ_A: you answered 10000; the answer is 20000 — two cost evaluations per weight"),
    Mutant("QUIZ_A", "answers in hours without saying so", "QUIZ_A = 5.6\n", r"QUIZ_A: you answered 5.6"),
    Mutant("QUIZ_B", "forgets round-off at a tiny eps", 'QUIZ_B = "a, e"\n',
           r"QUIZ_B: you answered .*the answer is .*round-off"),
    Mutant("QUIZ_B", "thinks lam = 0 is a false alarm", 'QUIZ_B = "a, b, d, e"\n', r"QUIZ_B: you answered"),
]

# Correct solutions written differently from the reference: each must keep full marks.
ALTERNATIVES = [
    Mutant("relative_difference", "explicit square roots",
           "def relative_difference(a, b):\n    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)\n"
           "    den = np.sqrt(np.sum((a + b) ** 2))\n    num = np.sqrt(np.sum((a - b) ** 2))\n"
           "    if num == 0:\n        return 0.0\n    return num / den if den else np.inf"),
    Mutant("debug_initialize_weights", "Octave-style double loop, column by column",
           "def debug_initialize_weights(fan_out, fan_in):\n    W = np.zeros((fan_out, fan_in + 1))\n    k = 1\n"
           "    for j in range(fan_in + 1):\n        for i in range(fan_out):\n            W[i, j] = np.sin(k) / 10\n"
           "            k += 1\n    return W"),
    Mutant("difference_by_layer", "explicit offsets and a loop over the layers, lists in",
           "def difference_by_layer(numgrad, grad, shapes):\n    out, start = [], 0\n    for shape in shapes:\n"
           "        size = shape[0] * shape[1]\n        block = [g - n for g, n in zip(grad[start:start + size], "
           "numgrad[start:start + size])]\n        out.append(np.array(block, dtype=float).reshape(shape))\n"
           "        start += size\n    return out"),
    Mutant("largest_difference", "plain loops over every entry, first maximum kept",
           "def largest_difference(diffs):\n    best, where = -1.0, None\n    for l, d in enumerate(diffs):\n"
           "        d = np.asarray(d, dtype=float)\n        for i in range(d.shape[0]):\n"
           "            for j in range(d.shape[1]):\n                if abs(d[i, j]) > best:\n"
           "                    best, where = abs(d[i, j]), (l, i, j)\n    return where"),
    Mutant("softmax_cross_entropy_gradient", "own stable softmax and np.eye one-hot",
           "def softmax_cross_entropy_gradient(Z, y):\n    Z = np.asarray(Z, dtype=float)\n"
           "    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n    P = E / E.sum(axis=1, keepdims=True)\n"
           "    P[np.arange(len(Z)), np.asarray(y, dtype=int)] -= 1.0\n    return P / len(Z)"),
    Mutant("BUG_LOCATION", "a list computed with the student's own functions",
           "BUG_LOCATION = list(largest_difference(difference_by_layer(*_hunt(0.0), _hunt_shapes)))"),
    Mutant("QUIZ_A", "a float in scientific notation", "QUIZ_A = 2e4"),
    Mutant("QUIZ_B", "upper case, other order, semicolons", 'QUIZ_B = "E; B; a"'),
]

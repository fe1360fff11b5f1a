"""Mutants for 04_unrolling: plausible student mistakes, one function at a time.

As in ``backprop_03``: every mutant is a correct student-style cell from
``CORRECT_CELLS`` with exactly one change, and
``tests/solutions/test_unrolling.py`` checks that the correct cells match the
reference while every mutant differs from it.

The cells use only ``np`` and the public functions of lessons 01-04 as
globals; ``train_network`` imports ``scipy.optimize.minimize`` inside the
function because the optimizer is not one of the course's functions.
"""
from dataclasses import replace

from tests.mutants import Mutant
from tests.mutants.backprop_03 import _cell, _variant as _variant_of


def _variant(task, mistake, words, old, new):
    """A one-change mutant of ``CORRECT_CELLS[task]`` whose feedback must match ``words``."""
    return replace(_variant_of(task, mistake, old, new, cells=CORRECT_CELLS), words=words)


CORRECT_CELLS = {
    "unroll": _cell(
        """
        def unroll(matrices):
            parts = []
            for i in range(len(matrices)):
                M = np.asarray(matrices[i], dtype=float)
                parts.append(M.ravel())
            return np.concatenate(parts)
        """
    ),
    "roll": _cell(
        """
        def roll(vector, shapes):
            vector = np.asarray(vector, dtype=float)
            sizes = [int(np.prod(shape)) for shape in shapes]
            if vector.size != sum(sizes):
                raise ValueError(f"vector has {vector.size} entries, expected {sum(sizes)}")
            matrices = []
            start = 0
            for shape, size in zip(shapes, sizes):
                matrices.append(vector[start:start + size].reshape(shape))
                start += size
            return matrices
        """
    ),
    "layer_shapes": _cell(
        """
        def layer_shapes(layer_sizes):
            shapes = []
            for l in range(len(layer_sizes) - 1):
                shapes.append((layer_sizes[l + 1], layer_sizes[l] + 1))
            return shapes
        """
    ),
    "nn_cost_function": _cell(
        """
        def nn_cost_function(nn_params, layer_sizes, X, y, lam):
            thetas = roll(nn_params, layer_shapes(layer_sizes))
            J, grads = backprop(thetas, X, y, lam)
            return J, unroll(grads)
        """
    ),
    "train_network": _cell(
        """
        def train_network(layer_sizes, X, y, lam, rng, maxiter=200):
            from scipy.optimize import minimize
            initial = []
            for L_in, L_out in zip(layer_sizes[:-1], layer_sizes[1:]):
                eps = np.sqrt(6) / np.sqrt(L_in + L_out)
                initial.append(rng.uniform(-eps, eps, size=(L_out, L_in + 1)))
            result = minimize(nn_cost_function, unroll(initial), args=(layer_sizes, X, y, lam),
                              jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
            return roll(result.x, layer_shapes(layer_sizes))
        """
    ),
    "predict": _cell(
        """
        def predict(thetas, X):
            h = feedforward(thetas, X)
            return np.argmax(h, axis=1)
        """
    ),
}


MUTANTS: list[Mutant] = [
    # --- unroll ------------------------------------------------------------
    _variant("unroll", "flattens each matrix in column-major (Fortran/Octave Theta(:)) order",
             r"column by column \(order='F'",
             "M.ravel()", "M.ravel(order=\"F\")"),
    _variant("unroll", "off-by-one loop: drops the last matrix",
             r"left out the last matrix",
             "for i in range(len(matrices)):", "for i in range(len(matrices) - 1):"),
    _variant("unroll", "leaves out the bias column of every matrix",
             r"left out the bias column",
             "parts.append(M.ravel())", "parts.append(M[:, 1:].ravel())"),
    # --- roll --------------------------------------------------------------
    _variant("roll", "reshapes in column-major (Fortran/Octave) order while unroll is row-major",
             r"reshaped column by column",
             ".reshape(shape)", ".reshape(shape, order=\"F\")"),
    _variant("roll", "forgets to advance the offset: every matrix is read from the start",
             r"from the start of the vector",
             """
                     matrices.append(vector[start:start + size].reshape(shape))
                     start += size
             """,
             """
                     matrices.append(vector[start:start + size].reshape(shape))
             """),
    _variant("roll", "no size check: a vector of the wrong size is silently truncated",
             r"instead of raising ValueError|expected ValueError, but no exception was raised",
             """
                 if vector.size != sum(sizes):
                     raise ValueError(f"vector has {vector.size} entries, expected {sum(sizes)}")
             """,
             ""),
    _variant("roll", "swaps rows and columns in the reshape (transposed shape)",
             r"swapped rows and columns in the reshape",
             ".reshape(shape)", ".reshape(tuple(shape)[::-1])"),
    # --- layer_shapes ------------------------------------------------------
    _variant("layer_shapes", "forgets the +1 column of the bias unit",
             r"forgot the bias",
             "(layer_sizes[l + 1], layer_sizes[l] + 1)", "(layer_sizes[l + 1], layer_sizes[l])"),
    _variant("layer_shapes", "transposed shapes: (s_l + 1, s_{l+1})",
             r"transposed shapes",
             "(layer_sizes[l + 1], layer_sizes[l] + 1)", "(layer_sizes[l] + 1, layer_sizes[l + 1])"),
    _variant("layer_shapes", "adds the bias to the wrong layer: (s_{l+1} + 1, s_l)",
             r"bias to the wrong layer",
             "(layer_sizes[l + 1], layer_sizes[l] + 1)", "(layer_sizes[l + 1] + 1, layer_sizes[l])"),
    _variant("layer_shapes", "off-by-one loop: one weight matrix too few",
             r"one weight matrix too few",
             "range(len(layer_sizes) - 1)", "range(len(layer_sizes) - 2)"),
    # --- nn_cost_function --------------------------------------------------
    _variant("nn_cost_function", "grad_vec lists the layers in reverse order",
             r"reverse layer order",
             "unroll(grads)", "unroll(grads[::-1])"),
    _variant("nn_cost_function", "unrolls the gradient column-major (Octave D(:)) while the parameters are row-major",
             r"unrolled the gradient matrices column by column",
             "unroll(grads)", "np.concatenate([g.ravel(order=\"F\") for g in grads])"),
    _variant("nn_cost_function", "returns the list of gradient matrices instead of the unrolled vector",
             r"list of gradient matrices instead of one unrolled vector",
             "return J, unroll(grads)", "return J, grads"),
    _variant("nn_cost_function", "rolls the parameters column-major (Octave reshape) while the gradient is unrolled row-major",
             r"rolled the parameters column by column",
             "thetas = roll(nn_params, layer_shapes(layer_sizes))",
             "thetas = [np.reshape(t.ravel(), t.shape, order=\"F\") for t in roll(nn_params, layer_shapes(layer_sizes))]"),
    _variant("nn_cost_function", "ignores lam: always computes the unregularized cost",
             r"ignored lam",
             "backprop(thetas, X, y, lam)", "backprop(thetas, X, y, 0.0)"),
    # --- train_network -----------------------------------------------------
    _variant("train_network", "initializes every weight to zero (no symmetry breaking)",
             r"break the symmetry",
             "rng.uniform(-eps, eps, size=(L_out, L_in + 1))", "np.zeros((L_out, L_in + 1))"),
    _variant("train_network", "draws the initial weights from [0, eps] instead of [-eps, eps]",
             r"negative: draw them from an interval symmetric around 0",
             "rng.uniform(-eps, eps, size=(L_out, L_in + 1))", "rng.uniform(0, eps, size=(L_out, L_in + 1))"),
    _variant("train_network", "ignores rng and draws from NumPy's global random state",
             r"take every random number from rng",
             "rng.uniform(-eps, eps, size=(L_out, L_in + 1))", "np.random.uniform(-eps, eps, size=(L_out, L_in + 1))"),
    _variant("train_network", "ignores lam: trains without regularization",
             r"pass lam on to the cost function",
             "args=(layer_sizes, X, y, lam)", "args=(layer_sizes, X, y, 0.0)"),
    _variant("train_network", "returns the unrolled vector instead of the list of matrices",
             r"roll the optimizer's result",
             "return roll(result.x, layer_shapes(layer_sizes))", "return result.x"),
    # --- predict -----------------------------------------------------------
    _variant("predict", "returns 1-based labels (Octave habit)",
             r"1-based labels",
             "return np.argmax(h, axis=1)", "return np.argmax(h, axis=1) + 1"),
    _variant("predict", "takes the argmax over examples (axis 0) instead of over classes",
             r"argmax over the examples \(axis 0\)",
             "return np.argmax(h, axis=1)", "return np.argmax(h, axis=0)"),
    _variant("predict", "returns the largest output probability instead of its index",
             r"largest output value",
             "return np.argmax(h, axis=1)", "return np.max(h, axis=1)"),
    _variant("predict", "thresholds every output unit at 0.5 instead of taking the argmax",
             r"thresholded every output unit",
             "return np.argmax(h, axis=1)", "return (h >= 0.5).astype(int)"),
]

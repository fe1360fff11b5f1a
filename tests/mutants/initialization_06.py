"""Mutants for 06_initialization: plausible student mistakes, one function at a time.

As in ``backprop_03`` and ``unrolling_04``: every mutant is a correct
student-style cell from ``CORRECT_CELLS`` with exactly one change, whose
feedback must match ``words``.  The correct cells draw their random numbers
exactly as the reference does, so ``tests/solutions/test_initialization.py``
can check that they reproduce the reference while every mutant differs from
it; ``ALTERNATIVES`` are correct solutions written differently (other draws,
other idioms), checked there against the laws the lesson asks for and graded
by the pipeline, where they must keep full marks.

The cells use only ``np`` and the notebook's public functions (``add_bias``,
``sigmoid``, ``relu``, ``layer_shapes`` and the lesson's own) as globals.
"""
from dataclasses import replace

from tests.mutants import Mutant
from tests.mutants.backprop_03 import _cell, _variant as _variant_of


def _variant(task, mistake, words, old, new):
    """A one-change mutant of ``CORRECT_CELLS[task]`` whose feedback must match ``words``."""
    return replace(_variant_of(task, mistake, old, new, cells=CORRECT_CELLS), words=words)


def _indented(task, mistake, words, old, new):
    """Like :func:`_variant` for an edit that changes indentation only (``old``/``new`` taken literally)."""
    assert CORRECT_CELLS[task].count(old) == 1, (task, old)
    return Mutant(task=task, mistake=mistake, code=CORRECT_CELLS[task].replace(old, new), words=words)


CORRECT_CELLS = {
    "zero_initialize": _cell(
        """
        def zero_initialize(layer_sizes):
            thetas = []
            for l in range(len(layer_sizes) - 1):
                thetas.append(np.zeros((layer_sizes[l + 1], layer_sizes[l] + 1)))
            return thetas
        """
    ),
    "hidden_units_symmetric": _cell(
        """
        def hidden_units_symmetric(thetas, atol=1e-12):
            for l in range(len(thetas) - 1):
                W_in = np.asarray(thetas[l], dtype=float)
                W_out = np.asarray(thetas[l + 1], dtype=float)
                if not np.all(np.abs(W_in - W_in[0, :]) <= atol):
                    return False
                if not np.all(np.abs(W_out[:, 1:] - W_out[:, 1:2]) <= atol):
                    return False
            return True
        """
    ),
    "init_epsilon": _cell(
        """
        def init_epsilon(L_in, L_out):
            return np.sqrt(6) / np.sqrt(L_in + L_out)
        """
    ),
    "rand_initialize_weights": _cell(
        """
        def rand_initialize_weights(L_in, L_out, *, rng, epsilon_init=0.12):
            return rng.uniform(-epsilon_init, epsilon_init, size=(L_out, L_in + 1))
        """
    ),
    "xavier_initialize": _cell(
        """
        def xavier_initialize(L_in, L_out, *, rng):
            std = np.sqrt(2 / (L_in + L_out))
            W = np.zeros((L_out, L_in + 1))
            W[:, 1:] = rng.normal(0, std, size=(L_out, L_in))
            return W
        """
    ),
    "he_initialize": _cell(
        """
        def he_initialize(L_in, L_out, *, rng):
            std = np.sqrt(2 / L_in)
            W = np.zeros((L_out, L_in + 1))
            W[:, 1:] = rng.normal(0, std, size=(L_out, L_in))
            return W
        """
    ),
    "initialize_network": _cell(
        """
        def initialize_network(layer_sizes, *, rng, scheme):
            if scheme not in ("zeros", "uniform", "xavier", "he"):
                raise ValueError(f"unknown scheme {scheme!r}; use 'zeros', 'uniform', 'xavier' or 'he'")
            thetas = []
            for L_in, L_out in zip(layer_sizes[:-1], layer_sizes[1:]):
                if scheme == "zeros":
                    thetas.append(np.zeros((L_out, L_in + 1)))
                elif scheme == "uniform":
                    thetas.append(rand_initialize_weights(L_in, L_out, rng=rng, epsilon_init=init_epsilon(L_in, L_out)))
                elif scheme == "xavier":
                    thetas.append(xavier_initialize(L_in, L_out, rng=rng))
                else:
                    thetas.append(he_initialize(L_in, L_out, rng=rng))
            return thetas
        """
    ),
    "layer_activation_stats": _cell(
        """
        def layer_activation_stats(thetas, X, activation):
            if activation == "tanh":
                g = np.tanh
            elif activation == "relu":
                g = relu
            elif activation == "sigmoid":
                g = sigmoid
            else:
                raise ValueError(f"unknown activation {activation!r}")
            a = np.asarray(X, dtype=float)
            stats = []
            for theta in thetas[:-1]:
                theta = np.asarray(theta, dtype=float)
                z = add_bias(a) @ theta.T
                a = g(z)
                stats.append((np.mean(a), np.std(a)))
            return stats
        """
    ),
}


MUTANTS: list[Mutant] = [
    # --- zero_initialize ----------------------------------------------------
    _variant("zero_initialize", "forgets the bias column", r"forgot the bias column",
             "np.zeros((layer_sizes[l + 1], layer_sizes[l] + 1))", "np.zeros((layer_sizes[l + 1], layer_sizes[l]))"),
    _variant("zero_initialize", "transposed shapes (s_l + 1, s_{l+1})", r"transposed the shapes",
             "np.zeros((layer_sizes[l + 1], layer_sizes[l] + 1))", "np.zeros((layer_sizes[l] + 1, layer_sizes[l + 1]))"),
    _variant("zero_initialize", "off-by-one loop: one matrix too few", r"one weight matrix too few",
             "range(len(layer_sizes) - 1)", "range(len(layer_sizes) - 2)"),
    # --- hidden_units_symmetric ---------------------------------------------
    _variant("hidden_units_symmetric", "compares the columns of the incoming matrix instead of its rows",
             r"compared the columns of each matrix instead of its rows",
             "W_in - W_in[0, :]", "W_in - W_in[:, :1]"),
    _variant("hidden_units_symmetric", "checks only the incoming weights",
             r"checked only the incoming weights",
             """
             if not np.all(np.abs(W_out[:, 1:] - W_out[:, 1:2]) <= atol):
                 return False
             """, ""),
    _variant("hidden_units_symmetric", "leaves the bias column out of the incoming comparison",
             r"left out the bias column",
             "W_in - W_in[0, :]", "W_in[:, 1:] - W_in[0, 1:]"),
    _variant("hidden_units_symmetric", "compares the rows of the next matrix for the outgoing weights",
             r"outgoing weights are a column",
             "np.abs(W_out[:, 1:] - W_out[:, 1:2])", "np.abs(W_out - W_out[0, :])"),
    _indented("hidden_units_symmetric", "returns after the first hidden layer (return True inside the loop)",
              r"checked only the first hidden layer",
              "\n    return True\n", "\n        return True\n"),
    _variant("hidden_units_symmetric", "uses np.allclose's default tolerances instead of atol",
             r"ignored atol",
             "np.all(np.abs(W_in - W_in[0, :]) <= atol)", "np.allclose(W_in, W_in[0, :])"),
    # --- init_epsilon -------------------------------------------------------
    _variant("init_epsilon", "no square root around L_in + L_out", r"forgot the square root around L_in \+ L_out",
             "np.sqrt(6) / np.sqrt(L_in + L_out)", "np.sqrt(6) / (L_in + L_out)"),
    _variant("init_epsilon", "6 instead of sqrt(6)", r"forgot the square root of 6",
             "np.sqrt(6) / np.sqrt(L_in + L_out)", "6 / np.sqrt(L_in + L_out)"),
    _variant("init_epsilon", "counts the bias unit in L_in", r"counted the bias unit",
             "np.sqrt(L_in + L_out)", "np.sqrt(L_in + 1 + L_out)"),
    _variant("init_epsilon", "uses only L_in", r"used only L_in",
             "np.sqrt(L_in + L_out)", "np.sqrt(L_in)"),
    # --- rand_initialize_weights --------------------------------------------
    _variant("rand_initialize_weights", "returns zeros (no symmetry breaking)", r"received all zeros",
             "rng.uniform(-epsilon_init, epsilon_init, size=(L_out, L_in + 1))", "np.zeros((L_out, L_in + 1))"),
    _variant("rand_initialize_weights", "draws from [0, eps] instead of [-eps, eps]", r"not from \[0, eps\]",
             "rng.uniform(-epsilon_init, epsilon_init,", "rng.uniform(0, epsilon_init,"),
    _variant("rand_initialize_weights", "shape (L_in, L_out + 1): rows and columns swapped",
             r"rows and columns are swapped",
             "size=(L_out, L_in + 1)", "size=(L_in, L_out + 1)"),
    _variant("rand_initialize_weights", "no bias column: shape (L_out, L_in)", r"bias column is missing",
             "size=(L_out, L_in + 1)", "size=(L_out, L_in)"),
    _variant("rand_initialize_weights", "draws from NumPy's global generator instead of rng",
             r"take every random number from rng",
             "rng.uniform(", "np.random.uniform("),
    _variant("rand_initialize_weights", "ignores epsilon_init (always 0.12)", r"use the epsilon_init argument",
             "rng.uniform(-epsilon_init, epsilon_init,", "rng.uniform(-0.12, 0.12,"),
    _variant("rand_initialize_weights", "normal with std eps instead of uniform in [-eps, eps]",
             r"outside \[-epsilon_init, epsilon_init\]",
             "rng.uniform(-epsilon_init, epsilon_init,", "rng.normal(0, epsilon_init,"),
    # --- xavier_initialize --------------------------------------------------
    _variant("xavier_initialize", "uses only the fan-in (He's formula)", r"used only the fan-in L_in",
             "np.sqrt(2 / (L_in + L_out))", "np.sqrt(2 / L_in)"),
    _variant("xavier_initialize", "uses sqrt(1 / L_in) (LeCun)", r"LeCun",
             "np.sqrt(2 / (L_in + L_out))", "np.sqrt(1 / L_in)"),
    _variant("xavier_initialize", "passes the variance as the standard deviation", r"passed the variance",
             "std = np.sqrt(2 / (L_in + L_out))", "std = 2 / (L_in + L_out)"),
    _variant("xavier_initialize", "draws the bias column too", r"bias column \(column 0\) must be all zeros",
             "W[:, 1:] = rng.normal(0, std, size=(L_out, L_in))", "W = rng.normal(0, std, size=(L_out, L_in + 1))"),
    _variant("xavier_initialize", "draws from NumPy's global generator instead of rng", r"take every random number from rng",
             "rng.normal(", "np.random.normal("),
    _variant("xavier_initialize", "Glorot's uniform law instead of the normal one (same std)",
             r"do not look normally distributed",
             "rng.normal(0, std, size=(L_out, L_in))", "rng.uniform(-np.sqrt(3) * std, np.sqrt(3) * std, size=(L_out, L_in))"),
    # --- he_initialize ------------------------------------------------------
    _variant("he_initialize", "uses the fan-out", r"fan-out L_out instead of the fan-in",
             "np.sqrt(2 / L_in)", "np.sqrt(2 / L_out)"),
    _variant("he_initialize", "uses Xavier's variance", r"used Xavier's",
             "np.sqrt(2 / L_in)", "np.sqrt(2 / (L_in + L_out))"),
    _variant("he_initialize", "forgets the factor 2", r"forgot the factor 2",
             "np.sqrt(2 / L_in)", "np.sqrt(1 / L_in)"),
    _variant("he_initialize", "passes the variance as the standard deviation", r"passed the variance",
             "std = np.sqrt(2 / L_in)", "std = 2 / L_in"),
    _variant("he_initialize", "draws the bias column too", r"bias column \(column 0\) must be all zeros",
             "W[:, 1:] = rng.normal(0, std, size=(L_out, L_in))", "W = rng.normal(0, std, size=(L_out, L_in + 1))"),
    _variant("he_initialize", "no bias column: shape (L_out, L_in)", r"bias column is missing",
             """
             W = np.zeros((L_out, L_in + 1))
             W[:, 1:] = rng.normal(0, std, size=(L_out, L_in))
             """,
             """
             W = rng.normal(0, std, size=(L_out, L_in))
             """),
    # --- initialize_network -------------------------------------------------
    _variant("initialize_network", "uniform scheme with the default 0.12 for every layer",
             r"default epsilon_init=0\.12",
             "rand_initialize_weights(L_in, L_out, rng=rng, epsilon_init=init_epsilon(L_in, L_out))",
             "rand_initialize_weights(L_in, L_out, rng=rng)"),
    _variant("initialize_network", "swaps the xavier and he schemes", r"schemes are swapped",
             'elif scheme == "xavier":', 'elif scheme == "he":'),
    _variant("initialize_network", "passes (L_out, L_in) to the layer function",
             r"L_in = layer_sizes\[l\], L_out = layer_sizes\[l \+ 1\]",
             "xavier_initialize(L_in, L_out, rng=rng)", "xavier_initialize(L_out, L_in, rng=rng)"),
    _variant("initialize_network", "an unknown scheme silently falls back to He", r"must not silently fall back",
             """
             if scheme not in ("zeros", "uniform", "xavier", "he"):
                 raise ValueError(f"unknown scheme {scheme!r}; use 'zeros', 'uniform', 'xavier' or 'he'")
             """, ""),
    _variant("initialize_network", "makes a new generator for every layer instead of using rng",
             r"pass the rng you are given",
             "he_initialize(L_in, L_out, rng=rng)", "he_initialize(L_in, L_out, rng=np.random.default_rng())"),
    # --- layer_activation_stats ---------------------------------------------
    _variant("layer_activation_stats", "includes the output layer", r"included the output layer",
             "for theta in thetas[:-1]:", "for theta in thetas:"),
    _variant("layer_activation_stats", "includes the bias unit in the statistics", r"included the bias unit",
             "stats.append((np.mean(a), np.std(a)))", "stats.append((np.mean(add_bias(a)), np.std(add_bias(a))))"),
    _variant("layer_activation_stats", "statistics of z instead of a", r"statistics of z",
             "stats.append((np.mean(a), np.std(a)))", "stats.append((np.mean(z), np.std(z)))"),
    _variant("layer_activation_stats", "sample standard deviation (ddof=1)", r"ddof=1",
             "np.std(a)", "np.std(a, ddof=1)"),
    _variant("layer_activation_stats", "averages per-unit standard deviations", r"per-unit standard deviations",
             "np.std(a)", "np.std(a, axis=0).mean()"),
    _variant("layer_activation_stats", "leaves out the bias weights", r"left out the bias weights",
             "z = add_bias(a) @ theta.T", "z = a @ theta[:, 1:].T"),
    _variant("layer_activation_stats", "an unknown activation silently becomes tanh",
             r"instead of raising ValueError",
             'raise ValueError(f"unknown activation {activation!r}")', "g = np.tanh"),
]


# Correct solutions written differently from CORRECT_CELLS (and from the reference): each must
# keep full marks.  One per task, because a submission keeps only the last definition of a name.
ALTERNATIVES = [
    Mutant("zero_initialize", "list comprehension over layer_shapes", _cell(
        """
        def zero_initialize(layer_sizes):
            return [np.zeros(shape) for shape in layer_shapes(layer_sizes)]
        """)),
    Mutant("hidden_units_symmetric", "unit by unit with np.allclose(rtol=0)", _cell(
        """
        def hidden_units_symmetric(thetas, atol=1e-12):
            mats = [np.array(t, dtype=float) for t in thetas]
            for incoming, outgoing in zip(mats, mats[1:]):
                for i in range(1, incoming.shape[0]):
                    if not np.allclose(incoming[i], incoming[0], rtol=0, atol=atol):
                        return False
                    if not np.allclose(outgoing[:, i + 1], outgoing[:, 1], rtol=0, atol=atol):
                        return False
            return True
        """)),
    Mutant("init_epsilon", "one square root of the quotient", _cell(
        """
        def init_epsilon(L_in, L_out):
            return float((6 / (L_in + L_out)) ** 0.5)
        """)),
    Mutant("rand_initialize_weights", "Octave style: rand * 2 eps - eps", _cell(
        """
        def rand_initialize_weights(L_in, L_out, *, rng, epsilon_init=0.12):
            return rng.random((L_out, 1 + L_in)) * 2 * epsilon_init - epsilon_init
        """)),
    Mutant("xavier_initialize", "standard normal scaled, zero column stacked in front", _cell(
        """
        def xavier_initialize(L_in, L_out, *, rng):
            weights = rng.standard_normal((L_out, L_in)) * np.sqrt(2.0 / (L_in + L_out))
            return np.hstack([np.zeros((L_out, 1)), weights])
        """)),
    Mutant("he_initialize", "divides by sqrt(L_in / 2), column_stack", _cell(
        """
        def he_initialize(L_in, L_out, *, rng):
            return np.column_stack([np.zeros(L_out), rng.normal(size=(L_out, L_in)) / np.sqrt(L_in / 2)])
        """)),
    Mutant("initialize_network", "dictionary of layer makers", _cell(
        """
        def initialize_network(layer_sizes, *, rng, scheme):
            makers = {
                "zeros": lambda i, o: np.zeros((o, i + 1)),
                "uniform": lambda i, o: rand_initialize_weights(i, o, rng=rng, epsilon_init=init_epsilon(i, o)),
                "xavier": lambda i, o: xavier_initialize(i, o, rng=rng),
                "he": lambda i, o: he_initialize(i, o, rng=rng),
            }
            if scheme not in makers:
                raise ValueError(f"scheme must be one of {sorted(makers)}, received {scheme!r}")
            return [makers[scheme](i, o) for i, o in zip(layer_sizes, layer_sizes[1:])]
        """)),
    Mutant("layer_activation_stats", "dictionary of activations, explicit moments, array result", _cell(
        """
        def layer_activation_stats(thetas, X, activation):
            funcs = {"tanh": np.tanh, "relu": lambda z: np.where(z > 0, z, 0.0),
                     "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
            if activation not in funcs:
                raise ValueError(f"activation must be tanh, relu or sigmoid, received {activation!r}")
            a = np.array(X, dtype=float)
            rows = []
            for theta in thetas[:-1]:
                a = funcs[activation](np.hstack([np.ones((a.shape[0], 1)), a]) @ np.asarray(theta, dtype=float).T)
                mean = a.sum() / a.size
                rows.append([mean, np.sqrt(np.mean((a - mean) ** 2))])
            return np.array(rows, dtype=float)
        """)),
]

"""Mutants for 07_optimizers: plausible student mistakes, one function at a time.

As in ``backprop_03`` and ``unrolling_04``: every mutant is a correct
student-style cell from ``CORRECT_CELLS`` with exactly one change, whose
feedback must match ``words``.  ``tests/solutions/test_optimizers.py`` checks
that the correct cells and ``ALTERNATIVES`` agree with the reference while
every mutant differs from it.

The cells use only ``np`` (and, in one alternative, the notebook's
``momentum``) as globals.
"""
from dataclasses import replace

from tests.mutants import Mutant
from tests.mutants.backprop_03 import _cell, _variant as _variant_of


def _variant(task, mistake, words, old, new):
    """A one-change mutant of ``CORRECT_CELLS[task]`` whose feedback must match ``words``."""
    return replace(_variant_of(task, mistake, old, new, cells=CORRECT_CELLS), words=words)


CORRECT_CELLS = {
    "sgd": _cell(
        """
        def sgd(theta, grad, lr):
            theta = np.asarray(theta, dtype=float)
            grad = np.asarray(grad, dtype=float)
            return theta - lr * grad
        """
    ),
    "momentum": _cell(
        """
        def momentum(theta, grad, velocity, lr=0.01, rho=0.9):
            theta = np.asarray(theta, dtype=float)
            grad = np.asarray(grad, dtype=float)
            velocity = np.asarray(velocity, dtype=float)
            new_velocity = rho * velocity + lr * grad
            new_theta = theta - new_velocity
            return new_theta, new_velocity
        """
    ),
    "nesterov": _cell(
        """
        def nesterov(theta, grad_fn, velocity, lr=0.01, rho=0.9):
            theta = np.asarray(theta, dtype=float)
            velocity = np.asarray(velocity, dtype=float)
            grad = grad_fn(theta - rho * velocity)
            new_velocity = rho * velocity + lr * grad
            return theta - new_velocity, new_velocity
        """
    ),
    "adagrad": _cell(
        """
        def adagrad(theta, grad, cache, lr=0.01, eps=1e-7):
            theta = np.asarray(theta, dtype=float)
            grad = np.asarray(grad, dtype=float)
            new_cache = np.asarray(cache, dtype=float) + grad ** 2
            new_theta = theta - lr * grad / (np.sqrt(new_cache) + eps)
            return new_theta, new_cache
        """
    ),
    "rmsprop": _cell(
        """
        def rmsprop(theta, grad, cache, lr=0.01, decay=0.9, eps=1e-7):
            theta = np.asarray(theta, dtype=float)
            grad = np.asarray(grad, dtype=float)
            cache = np.asarray(cache, dtype=float)
            new_cache = decay * cache + (1 - decay) * grad ** 2
            new_theta = theta - lr * grad / (np.sqrt(new_cache) + eps)
            return new_theta, new_cache
        """
    ),
    "adam": _cell(
        """
        def adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
            theta = np.asarray(theta, dtype=float)
            grad = np.asarray(grad, dtype=float)
            m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grad
            v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grad ** 2
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
            return theta, m, v
        """
    ),
    "decayed_learning_rate": _cell(
        """
        def decayed_learning_rate(alpha, t):
            return alpha / np.sqrt(t + 1)
        """
    ),
    "minibatches": _cell(
        """
        def minibatches(m, batch_size, *, rng):
            order = rng.permutation(m)
            batches = []
            for start in range(0, m, batch_size):
                batches.append(order[start:start + batch_size])
            return batches
        """
    ),
    "early_stopping_epoch": _cell(
        """
        def early_stopping_epoch(val_losses, patience):
            best_epoch = 0
            best_loss = val_losses[0]
            waited = 0
            for epoch in range(1, len(val_losses)):
                if val_losses[epoch] < best_loss:
                    best_loss = val_losses[epoch]
                    best_epoch = epoch
                    waited = 0
                else:
                    waited += 1
                    if waited >= patience:
                        break
            return best_epoch
        """
    ),
}


MUTANTS: list[Mutant] = [
    # --- sgd -----------------------------------------------------------------
    _variant("sgd", "adds the gradient: moves uphill",
             r"climbs uphill",
             "return theta - lr * grad", "return theta + lr * grad"),
    _variant("sgd", "forgets the learning rate",
             r"forgot to multiply the gradient by the learning rate",
             "return theta - lr * grad", "return theta - grad"),
    _variant("sgd", "updates theta in place (changes the caller's array)",
             r"modified its argument 1 in place",
             """
             grad = np.asarray(grad, dtype=float)
             return theta - lr * grad
             """,
             """
             grad = np.asarray(grad, dtype=float)
             theta -= lr * grad
             return theta
             """),
    # --- momentum --------------------------------------------------------------
    _variant("momentum", "momentum with the wrong sign: adds the velocity to theta",
             r"added the velocity to theta",
             "new_theta = theta - new_velocity", "new_theta = theta + new_velocity"),
    _variant("momentum", "mixes the two conventions: v = rho v - lr g, then theta - v",
             r"subtracted lr \* grad inside the velocity",
             "rho * velocity + lr * grad", "rho * velocity - lr * grad"),
    _variant("momentum", "moves theta with the old velocity",
             r"old velocity",
             "new_theta = theta - new_velocity", "new_theta = theta - velocity"),
    _variant("momentum", "leaves out rho: no friction",
             r"left out rho",
             "rho * velocity + lr * grad", "velocity + lr * grad"),
    # --- nesterov ----------------------------------------------------------------
    _variant("nesterov", "Nesterov evaluated at theta (no look-ahead): plain momentum",
             r"gradient at theta instead of at the look-ahead point",
             "grad_fn(theta - rho * velocity)", "grad_fn(theta)"),
    _variant("nesterov", "Nesterov with the slide's + sign: look-ahead at theta + rho v",
             r"slide's sign",
             "grad_fn(theta - rho * velocity)", "grad_fn(theta + rho * velocity)"),
    _variant("nesterov", "looks ahead by the whole velocity",
             r"whole velocity",
             "grad_fn(theta - rho * velocity)", "grad_fn(theta - velocity)"),
    _variant("nesterov", "adds the velocity to theta",
             r"added the velocity to theta",
             "return theta - new_velocity, new_velocity", "return theta + new_velocity, new_velocity"),
    # --- adagrad ---------------------------------------------------------------
    _variant("adagrad", "AdaGrad without accumulation: cache = grad**2",
             r"did not accumulate",
             "new_cache = np.asarray(cache, dtype=float) + grad ** 2", "new_cache = grad ** 2"),
    _variant("adagrad", "eps inside the square root",
             r"eps inside the square root",
             "np.sqrt(new_cache) + eps", "np.sqrt(new_cache + eps)"),
    _variant("adagrad", "forgets the square root",
             r"forgot the square root",
             "(np.sqrt(new_cache) + eps)", "(new_cache + eps)"),
    # --- rmsprop ---------------------------------------------------------------
    _variant("rmsprop", "RMSProp with the decay applied to the wrong term",
             r"decay to the wrong term",
             "decay * cache + (1 - decay) * grad ** 2", "(1 - decay) * cache + decay * grad ** 2"),
    _variant("rmsprop", "leaves out the (1 - decay) factor",
             r"left out the \(1 - decay\) factor",
             "decay * cache + (1 - decay) * grad ** 2", "decay * cache + grad ** 2"),
    _variant("rmsprop", "eps inside the square root",
             r"eps inside the square root",
             "np.sqrt(new_cache) + eps", "np.sqrt(new_cache + eps)"),
    _variant("rmsprop", "divides by the old cache",
             r"old cache",
             "np.sqrt(new_cache) + eps", "np.sqrt(cache) + eps"),
    # --- adam ----------------------------------------------------------------------
    _variant("adam", "Adam without bias correction",
             r"skipped the bias correction",
             """
             m_hat = m / (1 - beta1 ** t)
             v_hat = v / (1 - beta2 ** t)
             """,
             """
             m_hat = m
             v_hat = v
             """),
    _variant("adam", "t counted from 0: bias correction with beta**(t + 1)",
             r"counted t from 0",
             """
             m_hat = m / (1 - beta1 ** t)
             v_hat = v / (1 - beta2 ** t)
             """,
             """
             m_hat = m / (1 - beta1 ** (t + 1))
             v_hat = v / (1 - beta2 ** (t + 1))
             """),
    _variant("adam", "eps inside the square root",
             r"eps inside the square root",
             "np.sqrt(v_hat) + eps", "np.sqrt(v_hat + eps)"),
    _variant("adam", "swaps beta1 and beta2 as the slide's formulas do",
             r"swapped beta1 and beta2",
             """
             m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grad
             v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grad ** 2
             m_hat = m / (1 - beta1 ** t)
             v_hat = v / (1 - beta2 ** t)
             """,
             """
             m = beta2 * np.asarray(m, dtype=float) + (1 - beta2) * grad
             v = beta1 * np.asarray(v, dtype=float) + (1 - beta1) * grad ** 2
             m_hat = m / (1 - beta2 ** t)
             v_hat = v / (1 - beta1 ** t)
             """),
    _variant("adam", "returns the bias-corrected moments as the new state",
             r"bias-corrected m_hat, v_hat as the new state",
             "return theta, m, v", "return theta, m_hat, v_hat"),
    # --- decayed_learning_rate -----------------------------------------------------
    _variant("decayed_learning_rate", "decayed rate with t instead of t + 1",
             r"sqrt\(t\) instead of sqrt\(t \+ 1\)",
             "np.sqrt(t + 1)", "np.sqrt(t)"),
    _variant("decayed_learning_rate", "1/t decay without the square root",
             r"without the square root",
             "alpha / np.sqrt(t + 1)", "alpha / (t + 1)"),
    _variant("decayed_learning_rate", "multiplies instead of dividing",
             r"multiplied by sqrt\(t \+ 1\)",
             "alpha / np.sqrt(t + 1)", "alpha * np.sqrt(t + 1)"),
    # --- minibatches ---------------------------------------------------------------
    _variant("minibatches", "minibatches that repeat examples: indices drawn with replacement",
             r"examples are repeated",
             "order = rng.permutation(m)", "order = rng.integers(0, m, size=m)"),
    _variant("minibatches", "minibatches that drop examples: the last, shorter batch is left out",
             r"examples dropped",
             "range(0, m, batch_size)", "range(0, m - batch_size + 1, batch_size)"),
    _variant("minibatches", "unshuffled minibatches",
             r"not shuffled",
             "order = rng.permutation(m)", "order = np.arange(m)"),
    _variant("minibatches", "shuffles with NumPy's global random state instead of rng",
             r"take every random number from rng",
             "order = rng.permutation(m)", "order = np.random.permutation(m)"),
    _variant("minibatches", "shuffles only the order of the batches, not the examples",
             r"consecutive examples must not stay together",
             "order = rng.permutation(m)",
             "order = np.concatenate([np.arange(s, min(s + batch_size, m)) "
             "for s in rng.permutation(np.arange(0, m, batch_size))])"),
    # --- early_stopping_epoch --------------------------------------------------------
    _variant("early_stopping_epoch", "early stopping returns the epoch where training stopped",
             r"epoch at which training stopped",
             "break", "return epoch"),
    _variant("early_stopping_epoch", "early stopping off by one: waits patience + 1 epochs",
             r"one epoch too late",
             "if waited >= patience:", "if waited > patience:"),
    _variant("early_stopping_epoch", "early stopping off by one: stops after patience - 1 epochs",
             r"one epoch too early",
             "if waited >= patience:", "if waited >= patience - 1:"),
    _variant("early_stopping_epoch", "ignores patience: the best epoch of the whole curve",
             r"ignored patience",
             """
                     if waited >= patience:
                         break
             """,
             ""),
    _variant("early_stopping_epoch", "early stopping returns the last epoch of the list",
             r"returned the last epoch of the list",
             "return best_epoch", "return len(val_losses) - 1"),
    _variant("early_stopping_epoch", "counts a tie as an improvement",
             r"counted a tie as an improvement",
             "if val_losses[epoch] < best_loss:", "if val_losses[epoch] <= best_loss:"),
]


# Correct solutions written differently from the reference (one per task): each must keep full marks.
ALTERNATIVES = [
    Mutant("sgd", "NumPy ufuncs", _cell(
        """
        def sgd(theta, grad, lr):
            return np.subtract(np.asarray(theta, dtype=float), np.multiply(lr, grad))
        """)),
    Mutant("momentum", "one entry at a time", _cell(
        """
        def momentum(theta, grad, velocity, lr=0.01, rho=0.9):
            theta = np.array(theta, dtype=float)
            velocity = np.array(velocity, dtype=float)
            grad = np.asarray(grad, dtype=float)
            for i in np.ndindex(theta.shape):
                velocity[i] = rho * velocity[i] + lr * grad[i]
                theta[i] = theta[i] - velocity[i]
            return theta, velocity
        """)),
    Mutant("nesterov", "momentum on the look-ahead gradient", _cell(
        """
        def nesterov(theta, grad_fn, velocity, lr=0.01, rho=0.9):
            lookahead = np.asarray(theta, dtype=float) - rho * np.asarray(velocity, dtype=float)
            return momentum(theta, grad_fn(lookahead), velocity, lr=lr, rho=rho)
        """)),
    Mutant("adagrad", "np.add, np.square and np.divide", _cell(
        """
        def adagrad(theta, grad, cache, lr=0.01, eps=1e-7):
            cache = np.add(cache, np.square(grad))
            step = np.divide(np.multiply(lr, grad), np.sqrt(cache) + eps)
            return np.asarray(theta, dtype=float) - step, cache
        """)),
    Mutant("rmsprop", "the cache moves a fraction 1 - decay towards grad**2", _cell(
        """
        def rmsprop(theta, grad, cache, lr=0.01, decay=0.9, eps=1e-7):
            grad = np.asarray(grad, dtype=float)
            cache = np.asarray(cache, dtype=float)
            cache = cache + (1.0 - decay) * (grad * grad - cache)
            return np.asarray(theta, dtype=float) - lr * grad / (np.sqrt(cache) + eps), cache
        """)),
    Mutant("adam", "bias correction folded into the step size (as scikit-learn writes it)", _cell(
        """
        def adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
            grad = np.asarray(grad, dtype=float)
            m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grad
            v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * grad * grad
            root = np.sqrt(1 - beta2 ** t)
            step_size = lr * root / (1 - beta1 ** t)
            return np.asarray(theta, dtype=float) - step_size * m / (np.sqrt(v) + eps * root), m, v
        """)),
    Mutant("decayed_learning_rate", "a power instead of a square root", _cell(
        """
        def decayed_learning_rate(alpha, t):
            return alpha * (t + 1) ** -0.5
        """)),
    Mutant("minibatches", "rng.choice without replacement and a while loop", _cell(
        """
        def minibatches(m, batch_size, *, rng):
            order = rng.choice(m, size=m, replace=False)
            batches, start = [], 0
            while start < m:
                batches.append(order[start:start + batch_size])
                start = start + batch_size
            return batches
        """)),
    Mutant("early_stopping_epoch", "distance to the best epoch, while loop", _cell(
        """
        def early_stopping_epoch(val_losses, patience):
            losses = list(val_losses)
            best, epoch = 0, 1
            while epoch < len(losses) and epoch - best <= patience:
                if losses[epoch] < losses[best]:
                    best = epoch
                elif epoch - best == patience:
                    break
                epoch += 1
            return best
        """)),
]

"""Tests of the lesson 04 reference (solutions/unrolling.py).

Expected values come from the lecture (231 parameters, the ``thetaVec(1:110)``
slicing), hand-written vectors, central finite differences, scipy's
``check_grad`` and hypothesis round trips; training is judged by accuracy on
small separable problems.  The digits checkpoint's published costs are
computed twice without the course's code: with scikit-learn's
``MLPClassifier`` holding the checkpoint weights, and with a per-example
loop in plain Python floats.
"""
import ast
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier

from solutions.backprop import backprop
from solutions.unrolling import (CHECKPOINT_LAYERS, QUIZ_POSITION, QUIZ_WEIGHT_DECAY, checkpoint_thetas,
                                 layer_shapes, nn_cost_function, predict, roll, train_network, unroll)
from tests.mutants import backprop_03, unrolling_04

FAST = settings(max_examples=60, deadline=None)


def central_difference(f, x, eps=1e-6):
    """``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry of the vector ``x``."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def xor_data(m=80, seed=0):
    """Points in the four quadrants; class 1 where x1 and x2 have opposite signs (XOR)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.2, 1.0, size=(m, 2)) * rng.choice([-1.0, 1.0], size=(m, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(int)
    return X, y


def small_problem(seed=0, layer_sizes=(3, 4, 3), m=8):
    rng = np.random.default_rng(seed)
    params = rng.normal(size=sum(b * (a + 1) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))
    X = rng.normal(size=(m, layer_sizes[0]))
    y = rng.integers(0, layer_sizes[-1], size=m)
    return params, list(layer_sizes), X, y


# ---------------------------------------------------------------------------
# layer_shapes, unroll, roll
# ---------------------------------------------------------------------------


def test_layer_shapes_lecture_example():
    shapes = layer_shapes([10, 10, 10, 1])
    assert shapes == [(10, 11), (10, 11), (1, 11)]
    assert sum(r * c for r, c in shapes) == 231


def test_layer_shapes_small_network():
    assert layer_shapes([3, 5, 1]) == [(5, 4), (1, 6)]
    assert sum(r * c for r, c in layer_shapes([3, 5, 1])) == 26


def test_layer_shapes_rejects_a_single_layer():
    with pytest.raises(ValueError, match="layer_sizes"):
        layer_shapes([4])


def test_unroll_is_row_major_in_list_order():
    A = [[1, 2, 3], [4, 5, 6]]
    B = [[7, 8]]
    np.testing.assert_array_equal(unroll([A, B]), [1, 2, 3, 4, 5, 6, 7, 8])
    # Octave's [A(:); B(:)] reads columns first: not what the course uses.
    assert not np.array_equal(unroll([A, B]), [1, 4, 2, 5, 3, 6, 7, 8])


def test_unroll_returns_a_float_vector():
    v = unroll([np.arange(6).reshape(2, 3)])
    assert v.dtype == np.float64 and v.shape == (6,)
    assert unroll([]).shape == (0,)


def test_roll_follows_the_lecture_slices():
    # thetaVec(1:110) -> Theta1, (111:220) -> Theta2, (221:231) -> Theta3, each 10 or 1 by 11.
    v = np.arange(231.0)
    T1, T2, T3 = roll(v, layer_shapes([10, 10, 10, 1]))
    np.testing.assert_array_equal(T1[0], np.arange(11.0))  # row-major: first row = first 11 entries
    np.testing.assert_array_equal(T2[1, :2], [121.0, 122.0])
    np.testing.assert_array_equal(T3, np.arange(220.0, 231.0)[None, :])


def test_roll_returns_copies():
    v = np.arange(6.0)
    (M,) = roll(v, [(2, 3)])
    M[0, 0] = 99.0
    assert v[0] == 0.0


def test_roll_size_mismatch_names_vector():
    with pytest.raises(ValueError, match=r"vector.*expected 231.*received 230"):
        roll(np.zeros(230), layer_shapes([10, 10, 10, 1]))
    with pytest.raises(ValueError, match=r"vector.*expected 6.*received 7"):
        roll(np.zeros(7), [(2, 3)])
    with pytest.raises(ValueError, match=r"vector.*received shape \(2, 3\)"):
        roll(np.zeros((2, 3)), [(2, 3)])


shape_lists = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=4)


@FAST
@given(shape_lists, st.integers(0, 2**32 - 1))
def test_roll_inverts_unroll(shapes, seed):
    rng = np.random.default_rng(seed)
    matrices = [rng.normal(size=s) for s in shapes]
    back = roll(unroll(matrices), shapes)
    assert len(back) == len(matrices)
    for original, rolled in zip(matrices, back):
        np.testing.assert_array_equal(rolled, original)


@FAST
@given(shape_lists, st.integers(0, 2**32 - 1))
def test_unroll_inverts_roll(shapes, seed):
    v = np.random.default_rng(seed).normal(size=sum(r * c for r, c in shapes))
    np.testing.assert_array_equal(unroll(roll(v, shapes)), v)


# ---------------------------------------------------------------------------
# nn_cost_function
# ---------------------------------------------------------------------------


def test_nn_cost_function_is_backprop_unrolled():
    params, sizes, X, y = small_problem(1)
    J, grad_vec = nn_cost_function(params, sizes, X, y, 0.5)
    n1 = 4 * 4  # Theta1 is 4 by (3 + 1)
    thetas = [params[:n1].reshape(4, 4), params[n1:].reshape(3, 5)]
    J_ref, grads = backprop(thetas, X, y, 0.5)
    assert J == J_ref
    np.testing.assert_array_equal(grad_vec, np.concatenate([grads[0].ravel(), grads[1].ravel()]))


@pytest.mark.parametrize("sizes", [(3, 4, 3), (2, 3, 3, 2), (4, 2)])
def test_nn_cost_function_gradient_matches_central_differences(sizes):
    params, sizes, X, y = small_problem(2, sizes)
    _, grad_vec = nn_cost_function(params, sizes, X, y, 1.1)
    numeric = central_difference(lambda p: nn_cost_function(p, sizes, X, y, 1.1)[0], params)
    np.testing.assert_allclose(grad_vec, numeric, rtol=1e-6, atol=1e-8)


def test_nn_cost_function_passes_scipy_check_grad():
    params, sizes, X, y = small_problem(3, (5, 6, 4), m=12)
    error = scipy.optimize.check_grad(
        lambda p: nn_cost_function(p, sizes, X, y, 0.3)[0],
        lambda p: nn_cost_function(p, sizes, X, y, 0.3)[1],
        params,
    )
    assert error < 1e-6


def test_nn_cost_function_works_with_minimize_jac_true():
    params, sizes, X, y = small_problem(4)
    result = scipy.optimize.minimize(
        nn_cost_function, params, args=(sizes, X, y, 0.1), jac=True, method="L-BFGS-B", options={"maxiter": 50}
    )
    assert result.fun < nn_cost_function(params, sizes, X, y, 0.1)[0] - 0.5


def test_nn_cost_function_wrong_size_names_nn_params():
    params, sizes, X, y = small_problem(5)
    with pytest.raises(ValueError, match=rf"nn_params.*expected \({params.size},\).*received \({params.size - 1},\)"):
        nn_cost_function(params[:-1], sizes, X, y, 0.0)


# ---------------------------------------------------------------------------
# train_network and predict
# ---------------------------------------------------------------------------


def test_train_network_learns_xor():
    X, y = xor_data()
    thetas = train_network([2, 6, 2], X, y, 0.0, rng=np.random.default_rng(7), maxiter=300)
    assert [t.shape for t in thetas] == [(6, 3), (2, 7)]
    labels = predict(thetas, X)
    assert labels.dtype.kind == "i" and labels.shape == y.shape
    assert np.mean(labels == y) >= 0.95
    X_test, y_test = xor_data(200, seed=1)
    assert np.mean(predict(thetas, X_test) == y_test) >= 0.9


def test_train_network_three_classes():
    X, y = make_classification(
        n_samples=150, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, class_sep=2.0, random_state=0,
    )
    thetas = train_network([4, 5, 3], X, y, 0.1, np.random.default_rng(0), maxiter=200)
    assert set(np.unique(predict(thetas, X))) <= {0, 1, 2}
    assert np.mean(predict(thetas, X) == y) >= 0.95


def test_train_network_is_reproducible_and_uses_rng():
    X, y = xor_data(40)
    a = train_network([2, 3, 2], X, y, 0.1, rng=np.random.default_rng(3), maxiter=5)
    b = train_network([2, 3, 2], X, y, 0.1, rng=np.random.default_rng(3), maxiter=5)
    c = train_network([2, 3, 2], X, y, 0.1, rng=np.random.default_rng(4), maxiter=5)
    for ta, tb in zip(a, b):
        np.testing.assert_array_equal(ta, tb)
    assert not all(np.allclose(ta, tc) for ta, tc in zip(a, c))


def test_train_network_initialization_is_symmetric_uniform(monkeypatch):
    # Replace the optimizer by one that returns its starting point: the result is the initialization.
    def no_steps(fun, x0, **kwargs):
        assert kwargs["jac"] is True and kwargs["method"] == "L-BFGS-B"
        return scipy.optimize.OptimizeResult(x=x0)

    monkeypatch.setattr(scipy.optimize, "minimize", no_steps)
    X, y = xor_data(20)
    thetas = train_network([2, 30, 2], X, y, 0.0, rng=np.random.default_rng(5), maxiter=0)
    for t, (L_in, L_out) in zip(thetas, [(2, 30), (30, 2)]):
        eps = np.sqrt(6) / np.sqrt(L_in + L_out)
        assert np.max(np.abs(t)) <= eps and np.max(np.abs(t)) > 0.8 * eps
        assert np.min(t) < 0 < np.max(t)
    assert len({tuple(row) for row in thetas[0]}) == 30  # every hidden unit starts different


def test_train_network_regularization_shrinks_weights():
    X, y = xor_data(40)
    free = train_network([2, 4, 2], X, y, 0.0, rng=np.random.default_rng(6), maxiter=200)
    tied = train_network([2, 4, 2], X, y, 10.0, rng=np.random.default_rng(6), maxiter=200)
    norm = lambda ts: sum(np.sum(t[:, 1:] ** 2) for t in ts)  # noqa: E731
    assert norm(tied) < 0.5 * norm(free)


def test_train_network_requires_a_generator():
    X, y = xor_data(10)
    with pytest.raises(TypeError, match="rng"):
        train_network([2, 2, 2], X, y, 0.0, rng=0)


def test_predict_is_zero_based_argmax():
    # One layer, no hidden units: output k is sigmoid(10 x_k), so the label is argmax of the row.
    thetas = [np.array([[0.0, 10.0, 0.0, 0.0], [0.0, 0.0, 10.0, 0.0], [0.0, 0.0, 0.0, 10.0]])]
    X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.1, 0.2, 0.3], [-1.0, -2.0, -3.0]])
    labels = predict(thetas, X)
    np.testing.assert_array_equal(labels, [0, 1, 2, 0])
    assert labels.dtype.kind == "i"


def test_predict_shape_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"thetas\[0\]"):
        predict([np.ones((2, 5))], np.ones((3, 3)))


# ---------------------------------------------------------------------------
# The digits checkpoint (published costs) and the quiz answers
# ---------------------------------------------------------------------------

AUTHORING = Path(__file__).resolve().parents[2] / "solutions" / "notebooks" / "04_unrolling.py"
#: The notebook publishes the checkpoint costs rounded to 6 decimals.
PUBLISHED_DECIMALS = 6


def digits_scaled():
    digits = load_digits()
    return digits.data / 16.0, digits.target


def published_costs():
    """``{lam: cost}`` as the visible test cell states them (``_PUBLISHED = {0.0: ..., 1.0: ...}``)."""
    text = AUTHORING.read_text()
    match = re.search(r"_PUBLISHED = \{0\.0: (\d+\.\d{6}), 1\.0: (\d+\.\d{6})\}", text)
    assert match, "the checkpoint test cell must state _PUBLISHED = {0.0: ..., 1.0: ...} with 6 decimals"
    return {0.0: match.group(1), 1.0: match.group(2)}


def cost_with_scikit_learn(thetas, X, y, lam):
    """The checkpoint cost from scikit-learn's MLPClassifier holding the same weights.

    With a one-hot target matrix the classifier is multi-label: sigmoid
    outputs, one per class, as in the course.  ``predict_proba`` gives the
    outputs; the data term is scikit-learn's binary log loss summed over the
    10 outputs, the L2 term ``lam / (2 m)`` times the squared ``coefs_``
    (scikit-learn keeps the biases apart, in ``intercepts_``).
    """
    Y = np.eye(10)[y]
    clf = MLPClassifier(hidden_layer_sizes=(25,), activation="logistic", solver="lbfgs", alpha=lam,
                        max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y)  # one step, only to set up the fitted attributes; the weights are replaced below
    assert clf.out_activation_ == "logistic"
    clf.coefs_ = [thetas[0][:, 1:].T.copy(), thetas[1][:, 1:].T.copy()]
    clf.intercepts_ = [thetas[0][:, 0].copy(), thetas[1][:, 0].copy()]
    P = clf.predict_proba(X)
    data = sum(log_loss(Y[:, k], P[:, k], labels=[0, 1]) for k in range(10))
    return data + lam / (2 * len(y)) * sum(float(np.sum(W ** 2)) for W in clf.coefs_)


def cost_by_loops(thetas, X, y, lam):
    """The same cost, one example, one unit and one weight at a time (Python floats, math.fsum)."""
    T1, T2 = thetas[0].tolist(), thetas[1].tolist()
    total = []
    for x, label in zip(X.tolist(), y.tolist()):
        a1 = [1.0] + x
        a2 = [1.0] + [1 / (1 + math.exp(-math.fsum(w * v for w, v in zip(row, a1)))) for row in T1]
        for k, row in enumerate(T2):
            h = 1 / (1 + math.exp(-math.fsum(w * v for w, v in zip(row, a2))))
            total.append(-math.log(h) if label == k else -math.log(1 - h))
    squares = math.fsum(w * w for T in (T1, T2) for row in T for w in row[1:])
    return math.fsum(total) / len(y) + lam / (2 * len(y)) * squares


@pytest.mark.parametrize("lam", [0.0, 1.0])
def test_published_checkpoint_costs_are_reproduced_independently(lam):
    X, y = digits_scaled()
    thetas = checkpoint_thetas()
    published = published_costs()[lam]
    by_sklearn = cost_with_scikit_learn(thetas, X, y, lam)
    by_loops = cost_by_loops(thetas, X, y, lam)
    assert f"{by_sklearn:.{PUBLISHED_DECIMALS}f}" == published
    assert f"{by_loops:.{PUBLISHED_DECIMALS}f}" == published
    # and the reference, which the notebook's own figures use, agrees
    J, _ = nn_cost_function(unroll(thetas), CHECKPOINT_LAYERS, X, y, lam)
    assert J == pytest.approx(by_loops, rel=1e-12)


def test_published_checkpoint_costs_are_stated_in_the_notebook_text():
    text = AUTHORING.read_text()
    markdown = "\n".join(line for line in text.splitlines() if line.startswith("# "))
    for lam, value in published_costs().items():
        assert value in markdown, f"the text does not state the published cost {value} (lam = {lam:g})"


def test_checkpoint_weights_are_the_stated_recipe():
    rng = np.random.default_rng(2026)  # the seed the notebook states
    expected = [rng.uniform(-1, 1, size=(25, 65)), rng.uniform(-1, 1, size=(10, 26))]
    for got, want in zip(checkpoint_thetas(), expected):
        np.testing.assert_array_equal(got, want)
    assert [t.shape for t in checkpoint_thetas()] == layer_shapes(CHECKPOINT_LAYERS)


def test_quiz_position_is_where_unroll_puts_the_entry():
    # Fill each matrix with a unique tag, unroll, and look the tag up.
    thetas = [np.zeros((4, 4)), np.zeros((2, 5))]
    thetas[1][1, 2] = 1.0
    assert QUIZ_POSITION == int(np.flatnonzero(np.concatenate([t.ravel() for t in thetas]))[0])
    # Octave's column-major Theta(:) would put it elsewhere (16 + 1 + 2 * 2), the quiz's trap.
    assert QUIZ_POSITION != 16 + 1 + 2 * 2


def test_quiz_weight_decay_one_step_multiplies_by_one_factor():
    # A gradient step on lam / (2 m) * sum(w^2) alone: w <- w - alpha * lam / m * w, same factor for all.
    w = np.array([-4.0, -0.5, 0.01, 3.0])
    alpha, lam, m = 0.5, 2.0, 10
    step = w - alpha * (lam / m) * w
    np.testing.assert_allclose(step / w, np.full(4, 1 - alpha * lam / m))
    assert np.all(step != 0)
    np.testing.assert_allclose(np.abs(w - step), np.abs(w) * alpha * lam / m)  # large weight, large shrink
    assert QUIZ_WEIGHT_DECAY == "b"


# ---------------------------------------------------------------------------
# Mutant catalogue: correct cells agree with the reference, every mutant differs
# ---------------------------------------------------------------------------


def _inputs(task):
    """A few seeded inputs per task, as ``(args, kwargs)`` pairs (fresh generators every call)."""
    rng = np.random.default_rng(99)
    shape_sets = [[(4, 4), (3, 5)], [(2, 3), (3, 3), (1, 4)], [(5, 6)]]
    if task == "unroll":
        return [(([rng.normal(size=s) for s in shapes],), {}) for shapes in shape_sets]
    if task == "roll":
        return [((rng.normal(size=sum(r * c for r, c in shapes)), shapes), {}) for shapes in shape_sets] + [
            ((np.zeros(22), [(2, 3), (3, 5)]), {})  # one entry too many: must raise
        ]
    if task == "layer_shapes":
        return [(([10, 10, 10, 1],), {}), (([3, 5, 2],), {}), (([4, 1],), {})]
    if task == "nn_cost_function":
        return [((*small_problem(seed, sizes)[:4], 0.6), {}) for seed, sizes in [(0, (3, 4, 3)), (1, (2, 3, 3, 2))]]
    if task == "train_network":
        X, y = xor_data(30)
        return [(([2, 3, 2], X, y, 1.0), {"rng": np.random.default_rng(s), "maxiter": 15}) for s in (0, 1)]
    if task == "predict":
        params, sizes, X, _ = small_problem(2, (3, 4, 3))
        thetas = roll(params, layer_shapes(sizes))
        return [((thetas, X), {}), ((thetas, X[:3]), {})]
    raise KeyError(task)


def _reference(task):
    return backprop_03.cell_namespace()[task]


def test_catalogue_covers_every_graded_function_three_times():
    counts = {task: 0 for task in unrolling_04.CORRECT_CELLS}
    for mutant in unrolling_04.MUTANTS:
        counts[mutant.task] += 1
    assert min(counts.values()) >= 3, counts
    for m in unrolling_04.MUTANTS:  # every mutant names the feedback it must produce
        assert m.words, m.mistake
        re.compile(m.words)


@pytest.mark.parametrize("mutant", unrolling_04.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_cell_is_one_plain_def(mutant):
    tree = ast.parse(mutant.code)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    assert tree.body[0].name == mutant.task
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert module.split(".")[0] == "scipy", f"cell imports {module}"


@pytest.mark.parametrize("task", sorted(unrolling_04.CORRECT_CELLS))
def test_correct_cell_matches_reference(task):
    cell = backprop_03.define(unrolling_04.CORRECT_CELLS[task], task)
    reference = _reference(task)
    for (args, kwargs), (args2, kwargs2) in zip(_inputs(task), _inputs(task)):
        expected = backprop_03.outcome(reference, args, kwargs)
        received = backprop_03.outcome(cell, args2, kwargs2)
        assert expected[0] == received[0]
        assert expected[0] == "raises" or backprop_03.same(expected[1], received[1]), (task, args, kwargs)


@pytest.mark.parametrize("mutant", unrolling_04.MUTANTS, ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_differs_from_reference(mutant):
    cell = backprop_03.define(mutant.code, mutant.task)
    reference = _reference(mutant.task)
    for (args, kwargs), (args2, kwargs2) in zip(_inputs(mutant.task), _inputs(mutant.task)):
        kind, expected = backprop_03.outcome(reference, args, kwargs)
        received_kind, received = backprop_03.outcome(cell, args2, kwargs2)
        if received_kind == "value" and (kind == "raises" or not backprop_03.same(expected, received)):
            return
    pytest.fail(f"mutant gives the reference's results (or only crashes): {mutant.mistake}")

"""Tests of the lesson 09 reference (solutions/digits.py).

Expected values come from scikit-learn (the bundled data set, ``accuracy_score``,
``confusion_matrix``, ``LogisticRegression`` and ``MLPClassifier`` as independent
baselines on the same split), closed forms (the initial cost ``K log 2`` and its
Taylor bound), central finite differences written here, and a forward pass
written here.
"""
import re

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.neural_network import MLPClassifier

from solutions import digits
from solutions.cost_functions import nn_cost
from solutions.digits import (LAYER_SIZES, SPLIT_FRACTIONS, SPLIT_SEED, TRAINED_THETAS, accuracy,
                              confusion_matrix, digit_labels, initial_cost, load_digits_split, scale_images,
                              train_digits)
from solutions.initialization import initialize_network
from solutions.unrolling import nn_cost_function, predict, unroll

PARTS = ("train", "val", "test")
#: The capstone's bar for the reference (the students' full marks start at 0.95).
REFERENCE_MIN_ACCURACY = 0.97
#: Analytic vs central-difference gradient (eps = 1e-5): truncation ~eps^2, round-off ~1e-16/eps.
GRADCHECK_RTOL = 1e-7


@pytest.fixture(scope="module")
def data():
    d = load_digits()
    return d.data, d.target


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # an identity, so independent of the reference's formula


def forward(thetas, X):
    """Output layer of a sigmoid network, written here without the reference helpers."""
    a = X
    for theta in thetas:
        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ theta.T)
    return a


# ---------------------------------------------------------------------------
# The split and the scaling
# ---------------------------------------------------------------------------


def test_split_is_fixed_disjoint_and_complete(data):
    X, y = data
    split = load_digits_split()
    idx = [split[f"idx_{p}"] for p in PARTS]
    assert sum(len(i) for i in idx) == len(y) == 1797
    assert np.array_equal(np.sort(np.concatenate(idx)), np.arange(len(y)))  # disjoint and complete
    for p, i in zip(PARTS, idx):
        np.testing.assert_array_equal(split[f"X_{p}"], X[i])
        np.testing.assert_array_equal(split[f"y_{p}"], y[i])
    again = load_digits_split(SPLIT_SEED)
    for p in PARTS:
        np.testing.assert_array_equal(again[f"idx_{p}"], split[f"idx_{p}"])
    assert not np.array_equal(load_digits_split(SPLIT_SEED + 1)["idx_test"], split["idx_test"])
    assert isinstance(SPLIT_SEED, int)


def test_split_is_stratified_60_20_20(data):
    _, y = data
    split = load_digits_split()
    for k in range(10):
        n_k = np.sum(y == k)
        for p, share in zip(PARTS, SPLIT_FRACTIONS):
            # per class, each share is rounded once: within 1 example of the exact fraction
            assert abs(np.sum(split[f"y_{p}"] == k) - share * n_k) <= 1, (k, p)


def test_module_data_are_the_scaled_split():
    split = load_digits_split()
    for p in PARTS:
        np.testing.assert_array_equal(getattr(digits, f"X_{p}"), split[f"X_{p}"] / 16.0)
        np.testing.assert_array_equal(getattr(digits, f"y_{p}"), split[f"y_{p}"])


def test_raw_pixels_are_ink_counts_0_to_16(data):
    X, _ = data
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))


def test_scale_images_maps_to_unit_interval(data):
    X, _ = data
    scaled = scale_images(X)
    assert scaled.dtype == np.float64 and scaled.shape == X.shape
    assert scaled.min() == 0.0 and scaled.max() == 1.0
    np.testing.assert_array_equal(scaled * 16.0, X)  # division by a power of 2 is exact
    np.testing.assert_array_equal(scale_images([[0, 8, 16]]), [[0.0, 0.5, 1.0]])
    with pytest.raises(ValueError, match=r"X.*2-D"):
        scale_images(np.zeros(64))


def test_images_are_distinct_so_pixels_identify_labels(data):
    X, y = data
    assert len({row.astype(np.uint8).tobytes() for row in X}) == len(X)
    np.testing.assert_array_equal(digit_labels(X), y)
    with pytest.raises(ValueError, match=r"pixels\[1\]"):
        digit_labels(np.vstack([X[0], np.full(64, 16.0)]))


# ---------------------------------------------------------------------------
# Sanity checks of the recipe
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("K", [1, 2, 10])
def test_initial_cost_is_K_log_2_at_zero_weights(K):
    rng = np.random.default_rng(K)
    X, y = rng.uniform(size=(30, 5)), rng.integers(0, K, size=30)
    zeros = [np.zeros((4, 6)), np.zeros((K, 5))]
    assert initial_cost(K) == pytest.approx(K * np.log(2), rel=1e-15)
    assert initial_cost(K) == pytest.approx(nn_cost(zeros, X, y, 0.0), rel=1e-12)


def test_initial_cost_rejects_non_counts():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="K"):
            initial_cost(bad)


def test_small_weights_start_near_K_log_2():
    # Per output unit the cost is log(1 + e^{-z}) (y = 1) or log(1 + e^{z}) (y = 0), whose Taylor
    # expansion at 0 is log 2 -/+ z/2 + z^2/8 + O(z^4): so |J - K log 2| <= K (|z|max/2 + |z|max^2/8).
    thetas = [1e-3 * t for t in initialize_network(LAYER_SIZES, rng=np.random.default_rng(1), scheme="uniform")]
    X, y = digits.X_train, digits.y_train
    hidden = sigmoid(np.hstack([np.ones((len(X), 1)), X]) @ thetas[0].T)
    z_out = np.hstack([np.ones((len(X), 1)), hidden]) @ thetas[1].T
    zmax = np.abs(z_out).max()
    bound = 10 * (zmax / 2 + zmax**2 / 8)
    J = nn_cost(thetas, X, y, 0.0)
    assert abs(J - 10 * np.log(2)) <= bound
    assert abs(J - initial_cost(10)) < 0.01  # and the bound is small: 1e-3 * eps-init weights


def test_uniform_init_cost_is_close_to_K_log_2():
    # The lecture's eps-init keeps z small enough that the starting cost is within 10 % of K log 2.
    thetas = initialize_network(LAYER_SIZES, rng=np.random.default_rng(2), scheme="uniform")
    assert abs(nn_cost(thetas, digits.X_train, digits.y_train, 0.0) / initial_cost(10) - 1) < 0.1


def test_overfits_a_tiny_subset():
    # Three images per digit, no regularization: a 64-25-10 network must learn them all.
    pick = np.concatenate([np.flatnonzero(digits.y_train == k)[:3] for k in range(10)])
    X, y = digits.X_train[pick], digits.y_train[pick]
    thetas = train_digits(LAYER_SIZES, X, y, 0.0, rng=np.random.default_rng(3), maxiter=300)
    assert accuracy_score(y, np.argmax(forward(thetas, X), axis=1)) == 1.0
    assert nn_cost(thetas, X, y, 0.0) < 0.05


def test_gradient_check_on_a_slice():
    # The recipe's gradient check: the unrolled backprop gradient of the real architecture on ten
    # images against central differences of the cost, every one of the 1885 weights.
    rng = np.random.default_rng(4)
    params = unroll(initialize_network(LAYER_SIZES, rng=rng, scheme="uniform"))
    X, y = digits.X_train[:10], digits.y_train[:10]
    _, grad = nn_cost_function(params, LAYER_SIZES, X, y, 0.7)
    eps, numeric = 1e-5, np.zeros_like(params)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = eps
        numeric[i] = (nn_cost_function(params + step, LAYER_SIZES, X, y, 0.7)[0]
                      - nn_cost_function(params - step, LAYER_SIZES, X, y, 0.7)[0]) / (2 * eps)
    assert np.linalg.norm(grad - numeric) / np.linalg.norm(grad + numeric) < GRADCHECK_RTOL


def test_train_digits_is_reproducible_and_uses_rng():
    X, y = digits.X_train[:100], digits.y_train[:100]
    a = train_digits([64, 5, 10], X, y, 1.0, rng=np.random.default_rng(5), maxiter=5)
    b = train_digits([64, 5, 10], X, y, 1.0, rng=np.random.default_rng(5), maxiter=5)
    c = train_digits([64, 5, 10], X, y, 1.0, rng=np.random.default_rng(6), maxiter=5)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not all(np.allclose(p, q) for p, q in zip(a, c))


# ---------------------------------------------------------------------------
# The reference network
# ---------------------------------------------------------------------------


def test_trained_thetas_shapes_and_accuracy():
    assert [t.shape for t in TRAINED_THETAS] == [(25, 65), (10, 26)]
    for p in PARTS:
        X, y = getattr(digits, f"X_{p}"), getattr(digits, f"y_{p}")
        labels = predict(TRAINED_THETAS, X)
        np.testing.assert_array_equal(labels, np.argmax(forward(TRAINED_THETAS, X), axis=1))
        assert labels.dtype.kind == "i"
    acc = accuracy_score(digits.y_test, predict(TRAINED_THETAS, digits.X_test))
    assert acc >= REFERENCE_MIN_ACCURACY
    assert accuracy_score(digits.y_val, predict(TRAINED_THETAS, digits.X_val)) >= REFERENCE_MIN_ACCURACY


# 150 L-BFGS iterations amplify last-bit differences of BLAS summation (thread count, CPU
# kernel), so two runs of the recipe agree on the classifier, not on every weight's last digits.
SAME_PREDICTIONS = 0.98  # share of test images two runs of the recipe must label alike


def _same_classifier(a, b):
    shapes_match = [np.shape(t) for t in a] == [np.shape(t) for t in b]
    agree = np.mean(digits.predict(a, digits.X_test) == digits.predict(b, digits.X_test))
    return shapes_match and agree >= SAME_PREDICTIONS


def test_trained_thetas_are_reproduced_by_the_recipe():
    again = train_digits(digits.LAYER_SIZES, digits.X_train, digits.y_train, digits.LAM,
                         rng=np.random.default_rng(0), maxiter=digits.MAXITER)
    assert _same_classifier(again, TRAINED_THETAS)


def test_hidden_units_are_not_symmetric():
    W = TRAINED_THETAS[0]
    assert np.min(np.linalg.norm(W[:, None, :] - W[None, :, :], axis=2) + np.eye(len(W)) * 1e9) > 1e-3


def test_independent_baselines_on_the_same_split():
    # scikit-learn on the same split: multinomial logistic regression and a 25-unit sigmoid MLP.
    X_tr, y_tr, X_te, y_te = digits.X_train, digits.y_train, digits.X_test, digits.y_test
    logreg = LogisticRegression(max_iter=2000).fit(X_tr, y_tr)
    mlp = MLPClassifier(hidden_layer_sizes=(25,), activation="logistic", solver="lbfgs", alpha=1e-3,
                        max_iter=500, random_state=0).fit(X_tr, y_tr)
    acc_logreg, acc_mlp = logreg.score(X_te, y_te), mlp.score(X_te, y_te)
    ours = accuracy_score(y_te, predict(TRAINED_THETAS, X_te))
    assert acc_logreg > 0.93 and acc_mlp > 0.95  # the split is not a pathological one
    # 360 test images: one standard error of an accuracy near 0.97 is ~0.009; allow 2.
    assert ours >= max(acc_logreg, acc_mlp) - 0.02


# ---------------------------------------------------------------------------
# accuracy and confusion_matrix
# ---------------------------------------------------------------------------


def test_accuracy_matches_sklearn():
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 10, 50), rng.integers(0, 10, 50)
    assert accuracy(a, b) == pytest.approx(accuracy_score(a, b))
    with pytest.raises(ValueError, match="y_pred"):
        accuracy(a, b[:-1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_confusion_matrix_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 10, 80), rng.integers(0, 10, 80)
    C = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(C, sk_confusion_matrix(y_true, y_pred, labels=range(10)))
    assert C.dtype.kind == "i" and C.sum() == 80
    assert np.trace(C) / 80 == pytest.approx(accuracy(y_true, y_pred))


def test_confusion_matrix_rows_are_the_truth():
    C = confusion_matrix([0, 0, 1, 2], [0, 1, 1, 1], K=3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [0, 1, 0]])


def test_confusion_matrix_rejects_bad_labels():
    with pytest.raises(ValueError, match="y must hold labels in 0..2"):
        confusion_matrix([0, 3], [0, 1], K=3)
    with pytest.raises(ValueError, match=r"y_pred.*expected \(2,\)"):
        confusion_matrix([0, 1], [0, 1, 1], K=3)


# ---------------------------------------------------------------------------
# Mutant catalogue: correct cells agree with the reference, every mutant differs
# ---------------------------------------------------------------------------

from tests.mutants import backprop_03, digits_09  # noqa: E402


def _namespace():
    """What a solution cell of the notebook sees: np, the given functions and the data."""
    from solutions import backprop as bp, cost_functions, initialization, logic_gates, optimizers, unrolling
    ns = {"np": np}
    for module, names in [(logic_gates, "sigmoid add_bias feedforward"), (cost_functions, "one_hot nn_cost"),
                          (bp, "backprop"), (unrolling, "unroll roll layer_shapes nn_cost_function"),
                          (initialization, "initialize_network"), (optimizers, "adam minibatches"),
                          (digits, "DIGITS X_train y_train X_val y_val X_test y_test train_digits")]:
        ns.update({n: getattr(module, n) for n in names.split()})
    return ns


def _define(code, task):
    ns = _namespace()
    exec(compile(code, f"<cell {task}>", "exec"), ns)  # noqa: S102 - our own catalogue
    return ns[task]


def _inputs(task):
    """Seeded inputs per task, as ``(args, kwargs)`` pairs (fresh generators every call)."""
    rng = np.random.default_rng(909)
    if task == "scale_images":
        return [((digits.DIGITS["X_val"][:5],), {}), ((rng.integers(0, 9, (3, 64)).astype(float),), {})]
    if task == "initial_cost":
        return [((K,), {}) for K in (1, 3, 10)]
    if task == "train_digits":
        return [(([64, 8, 10], digits.X_train[:60], digits.y_train[:60], 1.0),
                 {"rng": np.random.default_rng(s), "maxiter": 15}) for s in (0, 1)]
    if task == "predict":
        net = [rng.normal(size=(6, 65)), rng.normal(size=(10, 7))]
        return [((TRAINED_THETAS, digits.X_val[:20]), {}), ((net, digits.X_val[:9]), {})]
    if task == "confusion_matrix":
        return [((rng.integers(0, 10, 40), rng.integers(0, 10, 40)), {}),
                ((np.array([0, 0, 1, 2, 2]), np.array([0, 0, 1, 1, 0]), 3), {})]
    raise KeyError(task)


FUNCTIONS = [t for t in digits_09.CORRECT_CELLS if t != "TRAINED_THETAS"]


def test_catalogue_covers_every_graded_task_three_times():
    counts = {task: 0 for task in digits_09.CORRECT_CELLS}
    for m in digits_09.MUTANTS:
        counts[m.task] += 1
        assert m.words, m.mistake
        re.compile(m.words)
    assert min(counts.values()) >= 3, counts


def test_trained_thetas_mutants_come_after_the_upstream_ones():
    # See digits_09's docstring: the finer TRAINED_THETAS diagnoses need rounds without upstream mutants.
    per_task = {t: [m for m in digits_09.MUTANTS if m.task == t] for t in digits_09.CORRECT_CELLS}
    upstream = max(len(per_task["scale_images"]), len(per_task["train_digits"]))
    for m in per_task["TRAINED_THETAS"][:upstream]:
        assert re.search(r"below|vector|bias", m.words), m.mistake


@pytest.mark.parametrize("task", FUNCTIONS)
def test_correct_cell_matches_reference(task):
    cell = _define(digits_09.CORRECT_CELLS[task], task)
    reference = getattr(digits, task)
    for (args, kwargs), (args2, kwargs2) in zip(_inputs(task), _inputs(task)):
        expected = backprop_03.outcome(reference, args, kwargs)
        received = backprop_03.outcome(cell, args2, kwargs2)
        assert expected[0] == received[0] == "value"
        assert backprop_03.same(expected[1], received[1], rtol=1e-6, atol=1e-8), (task, args)


def test_correct_trained_thetas_cell_is_the_reference():
    thetas = _define(digits_09.CORRECT_CELLS["TRAINED_THETAS"], "TRAINED_THETAS")
    assert _same_classifier(thetas, TRAINED_THETAS)


@pytest.mark.parametrize("mutant", [m for m in digits_09.MUTANTS if m.task in FUNCTIONS],
                         ids=lambda m: f"{m.task}: {m.mistake}")
def test_mutant_differs_from_reference(mutant):
    cell = _define(mutant.code, mutant.task)
    reference = getattr(digits, mutant.task)
    for (args, kwargs), (args2, kwargs2) in zip(_inputs(mutant.task), _inputs(mutant.task)):
        kind, expected = backprop_03.outcome(reference, args, kwargs)
        received_kind, received = backprop_03.outcome(cell, args2, kwargs2)
        if received_kind == "value" and not backprop_03.same(expected, received):
            return
    pytest.fail(f"mutant gives the reference's results (or only crashes): {mutant.mistake}")


@pytest.mark.parametrize("mutant", [m for m in digits_09.MUTANTS if m.task == "TRAINED_THETAS"],
                         ids=lambda m: m.mistake)
def test_trained_thetas_mutant_is_worse_on_held_out_images(mutant):
    ns = _namespace()
    lines = mutant.code.splitlines()
    if "TRAINED_THETAS = ..." in lines:
        # a released placeholder left in place: the cell leaves (or, raising, keeps) TRAINED_THETAS = ...
        try:
            exec(compile(mutant.code, "<cell TRAINED_THETAS>", "exec"), ns)  # noqa: S102 - our own catalogue
        except TypeError as err:  # training with a `...` setting fails on the first arithmetic
            assert "ellipsis" in str(err), err
        assert ns["TRAINED_THETAS"] is Ellipsis
        return
    thetas = _define(mutant.code, "TRAINED_THETAS")
    shapes = [np.shape(t) for t in thetas] if isinstance(thetas, list) else None
    if shapes != [(25, 65), (10, 26)]:
        return  # a structural mistake
    acc = accuracy_score(digits.y_test, np.argmax(forward(thetas, digits.X_test), axis=1))
    assert acc < 0.95 or accuracy_score(digits.y_train, predict(thetas, digits.X_train)) < acc - 0.02


@pytest.mark.parametrize("alt", digits_09.ALTERNATIVES, ids=lambda m: f"{m.task}: {m.mistake}")
def test_alternatives_are_correct(alt):
    if alt.task == "TRAINED_THETAS":
        ns = _namespace()
        exec(next(a.code for a in digits_09.ALTERNATIVES if a.task == "train_digits"), ns)  # noqa: S102
        exec(alt.code, ns)  # noqa: S102
        acc = accuracy_score(digits.y_test, predict(ns["TRAINED_THETAS"], digits.X_test))
        assert acc >= 0.95
    elif alt.task == "train_digits":
        train = _define(alt.code, "train_digits")
        pick = np.concatenate([np.flatnonzero(digits.y_train == k)[:3] for k in range(10)])
        thetas = train([64, 25, 10], digits.X_train[pick], digits.y_train[pick], 0.0,
                       rng=np.random.default_rng(11), maxiter=300)
        assert accuracy_score(digits.y_train[pick], predict(thetas, digits.X_train[pick])) == 1.0
        again = train([64, 25, 10], digits.X_train[pick], digits.y_train[pick], 0.0,
                      rng=np.random.default_rng(11), maxiter=300)
        assert all(np.array_equal(a, b) for a, b in zip(thetas, again))
    else:
        cell = _define(alt.code, alt.task)
        for (args, kwargs), (args2, kwargs2) in zip(_inputs(alt.task), _inputs(alt.task)):
            assert backprop_03.same(getattr(digits, alt.task)(*args, **kwargs), cell(*args2, **kwargs2))


@pytest.mark.parametrize("name", ["LAYER_SIZES", "LAM", "MAXITER", "TRAINED_THETAS"])
def test_constant_releases_as_a_placeholder_with_its_own_note(name):
    """The student's cell shows `NAME = ...  # replace ... with <what>`, from the `# stub:` line in solutions/."""
    from nnlab.build import DEFAULT_STUB_NOTE, definition_source
    first = definition_source(digits, name, solution=True).splitlines()[0]
    assert first.startswith(f"{name} = ...  # replace ... with "), first
    assert DEFAULT_STUB_NOTE not in first, first

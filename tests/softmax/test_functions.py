"""course_utils.softmax.functions: stable softmax, log-softmax and the cross-entropy."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import softmax

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(3, 5), (1, 10), (4, 7, 3), (6,), (2, 2)])
def test_softmax_matches_scipy_and_keras(shape):
    logits = RNG.normal(0, 3, size=shape)
    got = softmax.softmax(logits)
    np.testing.assert_allclose(got, scipy.special.softmax(logits, axis=-1), atol=1e-12)
    keras_probs = keras.ops.convert_to_numpy(keras.ops.softmax(logits.astype("float32"), axis=-1))
    np.testing.assert_allclose(got, keras_probs, atol=1e-5)
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, atol=1e-12)


def test_softmax_is_stable_for_huge_and_mixed_logits():
    logits = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [0.0, 1.0, 2.0]])
    got = softmax.softmax(logits)
    expected_row = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(got[0], expected_row, atol=1e-12)
    np.testing.assert_allclose(got[1], expected_row[::-1], atol=1e-12)
    np.testing.assert_allclose(got[2], expected_row, atol=1e-12)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    assert np.isnan(naive[0]).all()  # the reason the shift is needed


def test_softmax_accepts_integers_and_leaves_input_alone():
    logits = np.array([[1, 2, 3]])
    before = logits.copy()
    np.testing.assert_allclose(softmax.softmax(logits), scipy.special.softmax([[1.0, 2, 3]], -1))
    np.testing.assert_array_equal(logits, before)


@pytest.mark.parametrize("shape", [(3, 5), (2, 10)])
def test_log_softmax_matches_scipy_and_keras(shape):
    logits = RNG.normal(0, 5, size=shape)
    got = softmax.log_softmax(logits)
    np.testing.assert_allclose(got, scipy.special.log_softmax(logits, axis=-1), atol=1e-12)
    keras_logs = keras.ops.convert_to_numpy(keras.ops.log_softmax(logits.astype("float32")))
    np.testing.assert_allclose(got, keras_logs, atol=1e-5)


def test_log_softmax_stays_finite_where_log_of_softmax_does_not():
    got = softmax.log_softmax(np.array([[0.0, 800.0]]))
    np.testing.assert_allclose(got, [[-800.0, 0.0]], atol=1e-12)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array(3.0), "last axis"),
        (np.zeros((2, 0)), "last axis"),
        (np.array([["a", "b"]]), "numeric array"),
        (np.array([[1.0, np.nan]]), "finite"),
        (np.array([[np.inf, 0.0]]), "finite"),
    ],
)
def test_softmax_rejects_bad_logits(bad, match):
    for function in (softmax.softmax, softmax.log_softmax):
        with pytest.raises(ValueError, match=match):
            function(bad)


@pytest.mark.parametrize("n, k", [(4, 3), (1, 10), (9, 2), (32, 10)])
def test_cross_entropy_matches_keras(n, k):
    probs = scipy.special.softmax(RNG.normal(0, 2, size=(n, k)), axis=-1)
    labels = RNG.integers(0, k, size=n)
    keras_loss = keras.losses.SparseCategoricalCrossentropy()(labels, probs.astype("float32"))
    got = softmax.cross_entropy(probs, labels)
    assert isinstance(got, float)
    assert got == pytest.approx(float(keras_loss), abs=1e-5)
    assert got == pytest.approx(-np.mean(np.log(probs[np.arange(n), labels])), abs=1e-12)


def test_cross_entropy_of_a_uniform_guess_is_log_k_and_zero_probability_is_clipped():
    assert softmax.cross_entropy(np.full((3, 10), 0.1), np.array([0, 5, 9])) == pytest.approx(
        np.log(10)
    )
    sure_and_wrong = np.array([[1.0, 0.0, 0.0]])
    keras_loss = keras.losses.SparseCategoricalCrossentropy()(np.array([1]), sure_and_wrong)
    got = softmax.cross_entropy(sure_and_wrong, np.array([1]))
    assert got == pytest.approx(-np.log(softmax.EPSILON))
    assert got == pytest.approx(float(keras_loss), abs=1e-4)


@pytest.mark.parametrize(
    "probs, labels, match",
    [
        (np.full(3, 1 / 3), np.array([0]), r"2D \(batch, num_classes\)"),
        (np.array([[2.0, -1.0, 0.5]]), np.array([0]), r"pass softmax\(logits\)"),
        (np.array([[0.2, 0.2, 0.2]]), np.array([0]), "summing to 1"),
        (np.full((2, 3), 1 / 3), np.array([0.0, 2.0]), r"astype\(int\)"),
        (np.full((2, 3), 1 / 3), np.eye(3)[[0, 2]], r"argmax\(axis=1\)"),
        (np.full((2, 3), 1 / 3), np.array([0, 3]), "below num_classes=3"),
        (np.full((2, 3), 1 / 3), np.array([0, -1]), "non-negative"),
        (np.full((2, 3), 1 / 3), np.array([0, 1, 2]), "3 entries but 2 were expected"),
    ],
)
def test_cross_entropy_rejects_bad_input(probs, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax.cross_entropy(probs, labels)


def test_check_labels_returns_int64_and_names_the_argument():
    np.testing.assert_array_equal(softmax.check_labels(np.array([1, 2], np.uint8)), [1, 2])
    assert softmax.check_labels(np.array([1, 2], np.uint8)).dtype == np.int64
    with pytest.raises(ValueError, match="`predictions` must be integer"):
        softmax.check_labels(np.array([0.5]), name="predictions")
    with pytest.raises(ValueError, match=r"reshape\(-1\)"):
        softmax.check_labels(np.array([[1], [2]]))


@pytest.mark.parametrize("n, k, scale", [(4, 3, 1.0), (1, 10, 3.0), (9, 2, 1000.0)])
def test_cross_entropy_from_logits_matches_keras_and_the_probability_version(n, k, scale):
    logits = RNG.normal(0, scale, size=(n, k))
    labels = RNG.integers(0, k, size=n)
    keras_loss = keras.losses.sparse_categorical_crossentropy(
        labels, logits.astype("float32"), from_logits=True
    )
    got = softmax.cross_entropy_from_logits(logits, labels)
    assert isinstance(got, float)
    assert got == pytest.approx(float(keras.ops.mean(keras_loss)), rel=1e-5)
    expected = -scipy.special.log_softmax(logits, axis=1)[np.arange(n), labels].mean()
    assert got == pytest.approx(expected, abs=1e-12)
    if scale == 1.0:  # no probability is below EPSILON, so the clipped loss agrees
        assert got == pytest.approx(softmax.cross_entropy(softmax.softmax(logits), labels))


def test_cross_entropy_from_logits_is_not_clipped():
    assert softmax.cross_entropy_from_logits(np.array([[0.0, 800.0]]), np.array([0])) == 800.0
    clipped = softmax.cross_entropy(softmax.softmax(np.array([[0.0, 800.0]])), np.array([0]))
    assert clipped == pytest.approx(-np.log(softmax.EPSILON))


@pytest.mark.parametrize(
    "logits, labels, match",
    [
        (np.zeros(3), np.array([0]), r"2D \(batch, num_classes\).*logits\[None\]"),
        (np.zeros((0, 3)), np.array([], dtype=int), "at least one row"),
        (np.array([[1.0, np.inf]]), np.array([0]), "finite"),
        (np.array([["a", "b"]]), np.array([0]), "numeric array"),
        (np.zeros((2, 3)), np.array([0, 3]), "below num_classes=3"),
        (np.zeros((2, 3)), np.array([0.0, 1.0]), r"astype\(int\)"),
    ],
)
def test_cross_entropy_from_logits_rejects_bad_input(logits, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax.cross_entropy_from_logits(logits, labels)


def test_check_logits_names_the_argument():
    np.testing.assert_array_equal(softmax.check_logits([[1, 2]]), [[1.0, 2.0]])
    assert softmax.check_logits([[1, 2]]).dtype == np.float64
    with pytest.raises(ValueError, match="`scores` must be 2D"):
        softmax.check_logits(np.zeros((2, 3, 4)), name="scores")

"""course_utils.classification.metrics: the confusion matrix and the surest mistakes."""

import numpy as np
import pytest
import tensorflow as tf

from course_utils import classification


@pytest.mark.parametrize("n, k", [(100, 10), (7, 3), (1, 2)])
def test_confusion_matrix_matches_tensorflow(n, k):
    rng = np.random.default_rng(n)
    labels = rng.integers(0, k, size=n)
    predictions = rng.integers(0, k, size=n)
    got = classification.confusion_matrix(labels, predictions, num_classes=k)
    expected = tf.math.confusion_matrix(labels, predictions, num_classes=k).numpy()
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got.sum(axis=1), np.bincount(labels, minlength=k))


def test_confusion_matrix_infers_its_size_and_orients_rows_as_truth():
    got = classification.confusion_matrix(np.array([0, 0, 2]), np.array([1, 1, 2]))
    np.testing.assert_array_equal(got, [[0, 2, 0], [0, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize(
    "labels, predictions, kwargs, match",
    [
        (np.array([0.0, 1.0]), np.array([0, 1]), {}, r"`labels` must be integer.*astype\(int\)"),
        (np.array([0, 1]), np.full((2, 3), 1 / 3), {}, r"predictions.argmax\(axis=1\)"),
        (np.array([0, 1]), np.array([0.2, 0.9]), {}, r"probs.argmax\(axis=1\)"),
        (np.array([0, 1, 1]), np.array([0, 1]), {}, "2 entries but 3 were expected"),
        (np.array([0, 5]), np.array([0, 1]), {"num_classes": 3}, "below num_classes=3"),
        (np.array([0, 1]), np.array([0, 1]), {"num_classes": 1}, "at least 2"),
    ],
)
def test_confusion_matrix_rejects_bad_input(labels, predictions, kwargs, match):
    with pytest.raises(ValueError, match=match):
        classification.confusion_matrix(labels, predictions, **kwargs)


def test_most_confident_mistakes_orders_by_confidence():
    probs = np.array([[0.6, 0.4], [0.1, 0.9], [0.99, 0.01], [0.3, 0.7], [0.8, 0.2]])
    labels = np.array([1, 1, 1, 0, 0])  # wrong: 0 (0.6), 2 (0.99), 3 (0.7)
    np.testing.assert_array_equal(classification.most_confident_mistakes(probs, labels), [2, 3, 0])
    np.testing.assert_array_equal(
        classification.most_confident_mistakes(probs, labels, count=2), [2, 3]
    )
    assert len(classification.most_confident_mistakes(probs, probs.argmax(axis=1))) == 0


@pytest.mark.parametrize(
    "probs, labels, count, match",
    [
        (np.array([0.2, 0.8]), np.array([1]), 4, r"\(n, num_classes\)"),
        (np.array([[0.2, 0.8]]), np.array([1.0]), 4, "integer"),
        (np.array([[0.2, 0.8]]), np.array([1]), 0, "positive integer"),
    ],
)
def test_most_confident_mistakes_rejects_bad_input(probs, labels, count, match):
    with pytest.raises(ValueError, match=match):
        classification.most_confident_mistakes(probs, labels, count)


@pytest.mark.parametrize("shape, k", [((4, 6, 5), 11), ((3, 7), 4), ((2, 3, 4, 5), 2)])
def test_confusion_matrix_counts_arrays_of_any_shape_entry_by_entry(shape, k):
    rng = np.random.default_rng(len(shape))
    labels = rng.integers(0, k, size=shape).astype(np.uint8)
    predictions = rng.integers(0, k, size=shape)
    got = classification.confusion_matrix(labels, predictions, num_classes=k)
    expected = tf.math.confusion_matrix(labels.ravel(), predictions.ravel(), num_classes=k)
    np.testing.assert_array_equal(got, expected.numpy())
    assert got.dtype == np.int64
    with pytest.raises(ValueError, match="`predictions` must be integer"):
        classification.confusion_matrix(labels, predictions.astype(float), num_classes=k)

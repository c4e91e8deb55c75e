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


def test_most_confused_on_a_seed_cnn_like_matrix():
    labels = np.repeat(np.arange(10), 50)
    predictions = labels.copy()
    predictions[:7] = 6  # seven 0s read as 6
    predictions[200:203] = 7  # three 4s read as 7
    predictions[450:455] = 4  # five 9s read as 4
    matrix = classification.confusion_matrix(labels, predictions, num_classes=10)
    assert classification.most_confused(matrix) == [(0, 6), (9, 4), (4, 7)]
    assert classification.most_confused(matrix, count=1) == [(0, 6)]


def test_most_confused_reads_the_largest_mistakes_first():
    matrix = np.array([[50, 7, 1], [2, 40, 9], [0, 3, 61]])
    assert classification.most_confused(matrix, count=2) == [(1, 2), (0, 1)]
    assert classification.most_confused(matrix, count=10) == [
        (1, 2),
        (0, 1),
        (2, 1),
        (1, 0),
        (0, 2),
    ]
    assert classification.most_confused(np.diag([3, 4])) == []
    tied = np.array([[9, 2, 2], [2, 9, 0], [0, 0, 9]])
    assert classification.most_confused(tied, count=2) == [(0, 1), (0, 2)]  # in matrix order


@pytest.mark.parametrize(
    "matrix, count, match",
    [
        (np.ones((2, 3), dtype=int), 1, "square 2D array"),
        (np.array([[1, -1], [0, 2]]), 1, "non-negative integer counts"),
        (np.array([[1.5, 0.0], [0.0, 2.0]]), 1, "integer counts"),
        (np.ones((3, 3), dtype=int), 0, "count"),
    ],
)
def test_most_confused_rejects_bad_arguments(matrix, count, match):
    with pytest.raises(ValueError, match=match):
        classification.most_confused(matrix, count=count)

"""Judging a classifier: the confusion matrix and the mistakes it was surest of.

    matrix = confusion_matrix(test_labels, probs.argmax(axis=1))
    index = most_confident_mistakes(probs, test_labels, count=16)

`confusion_matrix` counts pairs of class ids of any shape: one label per
image here, one per pixel for the masks of notebook 05 (`segmentation`).
"""

import numpy as np

from course_utils import checks
from course_utils.softmax import check_labels, check_num_classes


def confusion_matrix(labels, predictions, num_classes=None):
    """Counts how often each true class was predicted as each class.

    `matrix[i, j]` is the number of examples of true class `i` predicted as
    class `j`: rows are the truth, columns the prediction, the diagonal holds
    the right answers. Each row sums to the number of examples of its class.
    An example is one entry of the arrays: an image for labels of shape
    `(n,)`, a pixel for masks of shape `(n, height, width)`.

    Args:
        labels: integer array of the true classes, shape `(n,)` or any shape.
        predictions: integer array of the predicted classes, the same shape
            (`probs.argmax(axis=1)`; `probs.argmax(axis=-1)` for masks).
        num_classes: size of the matrix; by default the largest class seen + 1.

    Returns:
        int64 NumPy array of shape `(num_classes, num_classes)`.

    Raises:
        ValueError: if labels or predictions are not integer class indices of
            the same length, or `num_classes` is below 2 or too small.

    >>> confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]))
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    >>> confusion_matrix(np.array([[0, 1], [1, 1]]), np.array([[0, 1], [0, 1]]))  # 2x2 masks
    array([[1, 0],
           [1, 2]])
    """
    if num_classes is not None:
        num_classes = check_num_classes(num_classes)
    labels = np.asarray(labels)
    if labels.ndim > 1 and np.shape(predictions) == labels.shape:
        # Masks, or any other array of class ids: every entry is one example.
        labels, predictions = labels.reshape(-1), np.asarray(predictions).reshape(-1)
    labels = check_labels(labels, num_classes=num_classes)
    predictions = check_labels(
        predictions, num_classes=num_classes, size=len(labels), name="predictions"
    )
    if num_classes is None:
        num_classes = max(2, int(max(labels.max(initial=0), predictions.max(initial=0))) + 1)
    counts = np.bincount(labels * num_classes + predictions, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes).astype(np.int64, copy=False)


def most_confident_mistakes(probs, labels, count=16):
    """Indices of the wrong predictions the model was most sure of, surest first.

    Args:
        probs: array of shape `(n, num_classes)`, e.g. `model.predict(images)`.
        labels: integer array of shape `(n,)`, the true classes.
        count: how many to return at most.

    Returns:
        int64 NumPy array of at most `count` indices into the batch.

    Raises:
        ValueError: if the shapes do not match, `labels` are not integers or
            `count` is not a positive integer.

    >>> probs = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]])
    >>> most_confident_mistakes(probs, np.array([1, 0, 1, 1]))
    array([0, 3, 1])
    """
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.dtype.kind != "f":
        raise ValueError(
            "`probs` must be a float array of shape (n, num_classes), what model.predict "
            f"returns; received dtype {probs.dtype} and shape {probs.shape}."
        )
    labels = check_labels(labels, num_classes=probs.shape[1], size=len(probs))
    count = checks.positive_int(count, "count")
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probs[wrong, predicted[wrong]]
    order = np.argsort(-confidence, kind="stable")
    return wrong[order[:count]].astype(np.int64)


def most_confused(matrix, count=3):
    """The most frequent mistakes of a confusion matrix, as `(true, predicted)` pairs.

    The diagonal (the right answers) is left out; the off-diagonal cells are
    taken largest count first, equal counts in the order of the matrix (by
    true class, then predicted class), and only cells that occur at least once.

    Args:
        matrix: square array of counts, rows the true classes and columns the
            predictions, as `confusion_matrix` returns.
        count: how many pairs to return at most.

    Returns:
        A list of at most `count` pairs `(true_class, predicted_class)` of
        Python ints; `matrix[true_class, predicted_class]` is how often.

    Raises:
        ValueError: if `matrix` is not a square 2D array of non-negative
            integer counts, or `count` is not a positive integer.

    >>> most_confused(np.array([[5, 1, 0], [3, 4, 0], [0, 2, 9]]), count=2)
    [(1, 0), (2, 1)]
    >>> most_confused(np.eye(3, dtype=int))  # no mistakes
    []
    """
    counts = np.asarray(matrix)
    valid = (
        counts.ndim == 2
        and counts.shape[0] == counts.shape[1] >= 2
        and (counts.dtype.kind in "iu" or (counts.dtype.kind == "f" and np.all(counts % 1 == 0)))
        and np.all(counts >= 0)
    )
    if not valid:
        raise ValueError(
            "`matrix` must be a square 2D array of non-negative integer counts, rows the true "
            f"classes and columns the predictions; received dtype {counts.dtype} and shape "
            f"{counts.shape}. Make one with confusion_matrix(labels, predictions)."
        )
    count = checks.positive_int(count, "count")
    mistakes = counts.astype(np.int64)
    np.fill_diagonal(mistakes, 0)
    order = np.argsort(-mistakes, axis=None, kind="stable")[:count]
    pairs = [tuple(int(i) for i in np.unravel_index(index, mistakes.shape)) for index in order]
    return [(true, predicted) for true, predicted in pairs if mistakes[true, predicted] > 0]

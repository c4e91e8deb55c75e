"""The functions of y = softmax(Wx + b): stable softmax, its log, and the cross-entropy.

`softmax` and `log_softmax` subtract each row's maximum before `exp`, the trick
that keeps `exp` from overflowing; notebook 03 shows why it is needed.
`cross_entropy` takes probabilities (what a model's softmax layer outputs),
`cross_entropy_from_logits` takes the scores before the softmax.
"""

import numpy as np

# The smallest probability `cross_entropy` takes the log of, the same as Keras'
# default fuzz factor `keras.config.epsilon()`, so the two losses agree.
EPSILON = 1e-7


def softmax(logits):
    """Turns scores (logits) into probabilities over the last axis, stably.

    `softmax(z)_j = exp(z_j - m) / sum_i exp(z_i - m)` with `m` the largest
    `z_i` of the row. Subtracting `m` changes nothing mathematically (it
    cancels between numerator and denominator) but keeps every `exp` at most 1,
    so logits of 1000 or -1000 give probabilities instead of `nan`.

    Args:
        logits: array of shape `(..., num_classes)`, e.g. `(batch, 10)`.

    Returns:
        float64 NumPy array of the same shape; each row is non-negative and
        sums to 1.

    Raises:
        ValueError: if `logits` is not numeric, is 0-dimensional, has an empty
            last axis, or holds `nan` or infinite values.

    >>> softmax(np.array([[1000.0, 1001.0, 1002.0], [0.0, 0.0, 0.0]])).round(4)
    array([[0.09  , 0.2447, 0.6652],
           [0.3333, 0.3333, 0.3333]])
    """
    shifted = _shifted_logits(logits)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=-1, keepdims=True)


def log_softmax(logits):
    """The natural log of `softmax(logits)`, computed without taking `log(0)`.

    `log_softmax(z)_j = (z_j - m) - ln sum_i exp(z_i - m)`, with `m` the row's
    maximum. Taking `np.log(softmax(z))` instead gives `-inf` as soon as a
    probability underflows to 0 (a logit 800 below the row's largest).

    Args:
        logits: array of shape `(..., num_classes)`.

    Returns:
        float64 NumPy array of the same shape; every value is at most 0.

    Raises:
        ValueError: for the same inputs as `softmax`.

    >>> logits = np.array([[0.0, 800.0]])
    >>> float(log_softmax(logits)[0, 0])
    -800.0
    >>> float(softmax(logits)[0, 0])  # underflows to 0, whose log is -inf
    0.0
    """
    shifted = _shifted_logits(logits)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(probs, labels):
    """Mean cross-entropy of predicted probabilities and integer labels.

    `L = -(1/n) sum_i ln p[i, labels[i]]`: the average surprise of the model at
    the right answers. It is 0 for a model sure of every right answer and
    `ln(num_classes)` for one that guesses uniformly. Like Keras'
    `sparse_categorical_crossentropy`, probabilities are clipped to at least
    `EPSILON` before the log, so a confident mistake costs about 16, not infinity.

    Args:
        probs: array of shape `(batch, num_classes)` whose rows are probability
            distributions (values in [0, 1], each row summing to 1).
        labels: integer array of shape `(batch,)` with values in
            `0 .. num_classes - 1` (not one-hot).

    Returns:
        The mean loss, a Python float.

    Raises:
        ValueError: if `probs` is not 2D, is not a probability distribution per
            row (e.g. logits were passed), or `labels` are not integers of
            matching length within range.

    >>> probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    >>> round(cross_entropy(probs, np.array([0, 2])), 6)  # (-ln 0.7 - ln 0.8) / 2
    0.289909
    """
    probs = _as_float_array(probs, "probs")
    if probs.ndim != 2 or probs.shape[0] == 0 or probs.shape[1] == 0:
        raise ValueError(
            "`probs` must be 2D (batch, num_classes) with at least one row; received "
            f"shape {probs.shape}. For one example use probs[None]."
        )
    if (probs < 0).any() or (probs > 1).any() or not np.allclose(probs.sum(axis=1), 1, atol=1e-3):
        raise ValueError(
            "`probs` must hold probabilities: values in [0, 1] with each row summing to 1; "
            f"received values from {probs.min():.4g} to {probs.max():.4g} and row sums from "
            f"{probs.sum(axis=1).min():.4g} to {probs.sum(axis=1).max():.4g}. If these are "
            "logits (scores), pass softmax(logits) instead."
        )
    labels = check_labels(labels, num_classes=probs.shape[1], size=probs.shape[0])
    picked = probs[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(picked, EPSILON, 1.0)).mean())


def check_labels(labels, num_classes=None, size=None, name="labels"):
    """Returns `labels` as an int64 array after checking they are class indices.

    Args:
        labels: array-like of shape `(n,)` holding integers.
        num_classes: if given, every label must be below it.
        size: if given, the number of labels expected.
        name: the argument's name, used in the error message.

    Returns:
        int64 NumPy array of shape `(n,)`.

    Raises:
        ValueError: if the labels are not integers (floats, one-hot rows or
            probabilities), not 1D, of the wrong length, or out of range.

    >>> check_labels(np.array([3, 0, 9], dtype=np.uint8))
    array([3, 0, 9])
    """
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] > 1:
        raise ValueError(
            f"`{name}` must be class indices of shape (n,); received shape {array.shape}, "
            f"which looks like one-hot rows or probabilities. Use {name}.argmax(axis=1)."
        )
    if array.dtype.kind not in "iu":
        raise ValueError(
            f"`{name}` must be integer class indices; received dtype {array.dtype}. Labels "
            f"such as 3.0 should be converted with {name}.astype(int); for predicted "
            f"probabilities use probs.argmax(axis=1)."
        )
    if array.ndim != 1:
        raise ValueError(
            f"`{name}` must be 1D (n,); received shape {array.shape}. Use {name}.reshape(-1)."
        )
    if size is not None and len(array) != size:
        raise ValueError(
            f"`{name}` has {len(array)} entries but {size} were expected (one per example); "
            "pass the labels of the same examples."
        )
    if len(array) and array.min() < 0:
        raise ValueError(f"`{name}` must be non-negative class indices; received {array.min()}.")
    if num_classes is not None and len(array) and array.max() >= num_classes:
        raise ValueError(
            f"`{name}` must be below num_classes={num_classes}; received a label "
            f"{array.max()}. Check that the labels and the number of classes match."
        )
    return array.astype(np.int64)


def cross_entropy_from_logits(logits, labels):
    """Mean cross-entropy of the softmax of `logits` and integer labels, computed stably.

    `L = -(1/n) sum_i log_softmax(z_i)[labels[i]]`: the same loss as
    `cross_entropy(softmax(logits), labels)`, but taken from the scores
    directly, without clipping, so it stays exact for a confident mistake and
    smooth enough to differentiate numerically. Keras computes the same with
    `sparse_categorical_crossentropy(labels, logits, from_logits=True)`.

    Args:
        logits: array of shape `(batch, num_classes)`, the scores `xW + b`.
        labels: integer array of shape `(batch,)` with values in
            `0 .. num_classes - 1`.

    Returns:
        The mean loss, a Python float.

    Raises:
        ValueError: if `logits` is not a finite 2D array with at least one row,
            or `labels` are not integers of matching length within range.

    >>> round(cross_entropy_from_logits(np.zeros((2, 10)), np.array([3, 7])), 6)  # ln 10
    2.302585
    >>> cross_entropy_from_logits(np.array([[0.0, 800.0]]), np.array([0]))  # no clipping
    800.0
    """
    logits = check_logits(logits)
    labels = check_labels(labels, num_classes=logits.shape[1], size=logits.shape[0])
    return float(-log_softmax(logits)[np.arange(len(labels)), labels].mean())


def check_logits(logits, name="logits"):
    """Returns `logits` as a float64 array after checking it is a finite `(batch, classes)` array.

    Args:
        logits: array-like of shape `(batch, num_classes)`.
        name: the argument's name, used in the error message.

    Returns:
        float64 NumPy array of shape `(batch, num_classes)`.

    Raises:
        ValueError: if it is not numeric, not 2D with at least one row and one
            class, or holds `nan` or infinite values.

    >>> check_logits([[1, 2, 3]])
    array([[1., 2., 3.]])
    """
    logits = _as_float_array(logits, name)
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(
            f"`{name}` must be 2D (batch, num_classes) with at least one row and one class; "
            f"received shape {logits.shape}. For one example use {name}[None]."
        )
    if not np.isfinite(logits).all():
        raise ValueError(
            f"`{name}` must be finite numbers; received nan or inf. Look for an overflow "
            "earlier (e.g. a naive exp, or a learning rate so large that the weights blew "
            "up) and compute the scores again."
        )
    return logits


def _shifted_logits(logits):
    logits = _as_float_array(logits, "logits")
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(
            "`logits` must have a last axis of at least one class, e.g. shape (batch, "
            f"num_classes); received shape {logits.shape}. For one score vector use "
            "np.array([...]) with one entry per class."
        )
    if not np.isfinite(logits).all():
        raise ValueError(
            "`logits` must be finite numbers; received nan or inf. Look for an overflow "
            "earlier (e.g. a naive exp) and compute the scores again."
        )
    return logits - logits.max(axis=-1, keepdims=True)


def _as_float_array(values, name):
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"`{name}` must be a numeric array; received dtype {array.dtype}. "
            f"Pass a NumPy array of numbers, e.g. np.asarray({name}, dtype=float)."
        )
    return array.astype(np.float64)

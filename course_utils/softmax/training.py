"""Learning by hand: the gradient of the cross-entropy, one SGD step, a gradient check.

For scores z = xW + b (x a row of d pixels, W of shape `(d, classes)` as
Keras stores it) and the mean cross-entropy L of a batch of n examples:

    dL/dz = (softmax(z) - onehot(y)) / n     shape (n, classes)   cross_entropy_gradient
    dL/dW = x^T dL/dz                        shape (d, classes)
    dL/db = dL/dz summed over the batch      shape (classes,)

and one step of plain SGD moves W and b a little against their gradient:

    weights, bias = sgd_step(weights, bias, images, labels, learning_rate=0.5)

`numerical_gradient` estimates any gradient by central differences and
`relative_error` says how far the formula is from it: the gradient check.
"""

import math

import numpy as np

from course_utils import checks
from course_utils.softmax.functions import (
    _as_float_array,
    check_labels,
    check_logits,
    softmax,
)


def cross_entropy_gradient(logits, labels):
    """The gradient of the mean cross-entropy with respect to the logits.

    `dL/dz = (softmax(z) - onehot(y)) / n`. For one example the loss is
    `-ln softmax(z)_y = -z_y + ln sum_k exp(z_k)`, whose derivative with
    respect to `z_j` is `softmax(z)_j - [j == y]`: the predicted probability,
    less 1 at the true class. Averaging over the `n` examples of the batch
    divides every row by `n`. Each row sums to 0; only the true class's entry
    is negative, so a step against the gradient raises the true class's score
    and lowers the others.

    Args:
        logits: array of shape `(n, num_classes)`, the scores `z = xW + b`
            (before the softmax).
        labels: integer array of shape `(n,)` with values in
            `0 .. num_classes - 1` (not one-hot).

    Returns:
        float64 NumPy array of shape `(n, num_classes)`.

    Raises:
        ValueError: if `logits` is not a finite 2D array with at least one row,
            or `labels` are not integers of matching length within range.

    >>> cross_entropy_gradient(np.zeros((2, 4)), np.array([0, 3]))  # p = 1/4 each, n = 2
    array([[-0.375,  0.125,  0.125,  0.125],
           [ 0.125,  0.125,  0.125, -0.375]])
    """
    logits = check_logits(logits)
    count, num_classes = logits.shape
    labels = check_labels(labels, num_classes=num_classes, size=count)
    gradient = softmax(logits)
    gradient[np.arange(count), labels] -= 1.0
    return gradient / count


def sgd_step(weights, bias, images, labels, learning_rate):
    """One step of plain SGD on the mean cross-entropy of softmax(images · weights + bias).

    With `x` the images flattened to `(n, d)`, the whole step is:

        probs = softmax(x @ weights + bias)                       # (n, classes)
        grad_logits = (probs - onehot(labels)) / n                # cross_entropy_gradient
        new_weights = weights - learning_rate * x.T @ grad_logits # (d, classes)
        new_bias = bias - learning_rate * grad_logits.sum(axis=0) # (classes,)

    `keras.optimizers.SGD(learning_rate)` takes the same step on a
    `Dense(classes, activation="softmax")` layer whose kernel is `weights` and
    whose bias is `bias`, given the same batch.

    Args:
        weights: W, array of shape `(d, num_classes)` (Keras' `Dense` kernel:
            one column per class).
        bias: b, array of shape `(num_classes,)`.
        images: a batch of `n` examples of `d` numbers each: shape `(n, d)`, or
            any `(n, ...)` that flattens to it, e.g. `(n, 28, 28, 1)` for `d = 784`.
        labels: integer array of shape `(n,)`, the true classes.
        learning_rate: the step size, a positive number (e.g. 0.5).

    Returns:
        `(new_weights, new_bias)`, float64 NumPy arrays of the shapes of
        `weights` and `bias`; the arguments are not changed.

    Raises:
        ValueError: if the shapes do not fit together (`images` must have `d`
            numbers per example, `bias` one entry per class), a value is not
            finite, the labels are not class indices, or `learning_rate` is not
            a positive number.

    >>> weights, bias = sgd_step(np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 0.0]]),
    ...                          np.array([1]), learning_rate=1.0)
    >>> weights  # p = (0.5, 0.5) and the label is 1: class 1's weight for pixel 0 goes up
    array([[-0.5,  0.5],
           [ 0. ,  0. ]])
    >>> bias
    array([-0.5,  0.5])
    """
    weights = _as_float_array(weights, "weights")
    if weights.ndim != 2 or 0 in weights.shape or not np.isfinite(weights).all():
        raise ValueError(
            "`weights` must be a 2D array (d, num_classes) of finite numbers, one row per "
            f"input number and one column per class; received shape {weights.shape}. For "
            "MNIST: np.zeros((784, 10)), or the Dense layer's kernel."
        )
    pixels, num_classes = weights.shape
    bias = _as_float_array(bias, "bias")
    if bias.shape != (num_classes,) or not np.isfinite(bias).all():
        raise ValueError(
            f"`bias` must be {num_classes} finite numbers, shape ({num_classes},): one offset "
            f"per class, as `weights` of shape {weights.shape} has {num_classes} columns; "
            f"received shape {bias.shape}. Pass the Dense layer's bias, e.g. np.zeros("
            f"{num_classes})."
        )
    x = _flatten_images(images, pixels)
    labels = check_labels(labels, num_classes=num_classes, size=len(x))
    learning_rate = _check_learning_rate(learning_rate)
    grad_logits = cross_entropy_gradient(x @ weights + bias, labels)
    new_weights = weights - learning_rate * (x.T @ grad_logits)
    new_bias = bias - learning_rate * grad_logits.sum(axis=0)
    return new_weights, new_bias


def numerical_gradient(fn, values, epsilon=1e-5):
    """Estimates the gradient of a scalar function by central differences, entry by entry.

    For each entry `w` of `values` in turn, the others held fixed:
    `dL/dw ~ (L(w + epsilon) - L(w - epsilon)) / (2 epsilon)`. The estimate's
    error shrinks like `epsilon**2` until rounding takes over; in float64,
    `epsilon = 1e-5` agrees with an exact gradient to about 1e-10. It costs
    two calls of `fn` per entry, which is why training uses the formula.

    Args:
        fn: a function of one array, shaped like `values`, returning a number,
            e.g. `lambda w: cross_entropy_from_logits(x @ w + b, labels)`. It is
            given one working copy of `values` that changes between calls:
            compute from it, do not keep it.
        values: the point at which the gradient is wanted (not changed).
        epsilon: the step, a small positive number.

    Returns:
        float64 NumPy array of the shape of `values`.

    Raises:
        ValueError: if `fn` is not callable or does not return one finite
            number, `values` is not a finite numeric array, or `epsilon` is not
            a positive number.

    >>> numerical_gradient(lambda w: float((w**2).sum()), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    if not callable(fn):
        raise ValueError(
            f"`fn` must be a function of one array that returns a number; received "
            f"{type(fn).__name__}. E.g. fn=lambda w: cross_entropy_from_logits(x @ w + b, y)."
        )
    point = _as_float_array(values, "values").copy()
    if point.size == 0 or not np.isfinite(point).all():
        raise ValueError(
            "`values` must be a non-empty array of finite numbers, the point at which to "
            f"take the gradient; received shape {point.shape}."
        )
    if not checks.is_number(epsilon) or not 0 < epsilon < math.inf:
        raise ValueError(
            f"`epsilon` must be a small positive number; received {epsilon!r}. The default "
            "1e-5 suits float64."
        )
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + epsilon
        above = _number(fn(point))
        point[index] = original - epsilon
        below = _number(fn(point))
        point[index] = original
        gradient[index] = (above - below) / (2 * epsilon)
    return gradient


def relative_error(a, b):
    """How far apart two arrays are, relative to their size: `|a - b| / (|a| + |b|)`.

    `|.|` is the Euclidean norm of all entries. The result is 0 for equal
    arrays, 1 when one of them is zero and the other is not, and does not
    change when both are scaled. A gradient check in float64 passes with an
    error far below 1e-6 (about 1e-10 for a correct formula); a wrong formula
    gives something of the order of 1.

    Args:
        a, b: arrays of the same shape.

    Returns:
        A Python float in [0, 1]; 0 when both arrays are zero.

    Raises:
        ValueError: if the arrays are not numeric or their shapes differ.

    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> round(relative_error(np.array([1.0, 0.0]), np.array([1.1, 0.0])), 4)  # 0.1 / 2.1
    0.0476
    """
    a = _as_float_array(a, "a")
    b = _as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(
            f"`a` and `b` must have the same shape; received {a.shape} and {b.shape}. Compare "
            "a gradient with the estimate for the same array."
        )
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def _flatten_images(images, pixels):
    array = _as_float_array(images, "images")
    if array.ndim == 0 or len(array) == 0 or array[0].size != pixels:
        shape = array.shape
        raise ValueError(
            f"`images` must be a batch of n examples of {pixels} numbers each (the rows of "
            f"`weights`): shape (n, {pixels}) or e.g. (n, 28, 28, 1) for 784; received shape "
            f"{shape}. For one example use images[None]; to flatten a batch use "
            "images.reshape(len(images), -1)."
        )
    if not np.isfinite(array).all():
        raise ValueError("`images` must be finite numbers; received nan or inf.")
    return array.reshape(len(array), pixels)


def _check_learning_rate(learning_rate):
    if not checks.is_number(learning_rate) or not 0 < learning_rate < math.inf:
        raise ValueError(
            f"`learning_rate` must be a positive number; received {learning_rate!r}. "
            "E.g. learning_rate=0.5 for MNIST pixels in [0, 1]."
        )
    return float(learning_rate)


def _number(value):
    try:
        number = float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(
            "`fn` must return one finite number (the loss); received "
            f"{type(value).__name__} {value!r:.60}."
        )
    return number

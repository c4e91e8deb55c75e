"""Notebook 04's exercises: counting a Conv2D layer's parameters, a confusion matrix."""

import numpy as np

from course_utils import checks, convolution
from course_utils import classification as reference
from course_utils.exercises.core import Case, compare_arrays, compare_scalar, register, run_checks

register(
    "conv_params",
    hint="""
        A Conv2D layer has `filters` kernels. Each kernel covers a kh x kw window
        of every input channel, so it has kh * kw * in_channels weights, plus
        one bias. When kernel_size is an int k, the window is k x k; when it is
        a tuple, unpack it: kh, kw = kernel_size.
    """,
    solution="""
        def my_conv_params(kernel_size, in_channels, filters):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return (kh * kw * in_channels + 1) * filters
    """,
)

register(
    "confusion_matrix",
    hint="""
        Start from np.zeros((num_classes, num_classes), dtype=int). For every
        example, add 1 to the cell in the row of its true label and the column
        of its prediction: matrix[label, prediction] += 1. The size comes from
        num_classes, not from the largest label seen: a class may be missing.
    """,
    solution="""
        def my_confusion_matrix(labels, predictions, num_classes):
            matrix = np.zeros((num_classes, num_classes), dtype=int)
            for label, prediction in zip(labels, predictions):
                matrix[label, prediction] += 1
            return matrix
    """,
)


def _conv_params_cases():
    settings = [
        (3, 1, 32, "the seed CNN's first layer"),
        (3, 32, 64, "the seed CNN's second layer"),
        ((3, 5), 3, 8, "a 3x5 kernel on 3 channels"),
        ((5, 3), 7, 13, "a 5x3 kernel on 7 channels"),
        ((1, 1), 16, 4, "a 1x1 kernel"),
        (5, 3, 1, "a single filter"),
        (4, 6, 5, "an even kernel size"),
        ((7, 2), 1, 9, "a 7x2 kernel on one channel"),
    ]
    cases = []
    for kernel_size, in_channels, filters, what in settings:
        kh, kw = (kernel_size,) * 2 if checks.is_integer(kernel_size) else kernel_size
        value = convolution.count_conv2d_params(kernel_size, in_channels, filters)
        mistakes = [
            (kh * kw * in_channels * filters, "you left out the bias: one per filter"),
            (
                (kh * kw + 1) * filters,
                "each kernel spans every input channel: multiply the window by in_channels",
            ),
            (
                (kh * kw + 1) * in_channels * filters,
                "there is one bias per filter, not one per filter and input channel",
            ),
            (
                (kh * kh * in_channels + 1) * filters,
                "the window is kh x kw: use both sides of the kernel",
            ),
            (
                (kh * kw * in_channels + 1) * filters + in_channels,
                "there is nothing per input channel outside the kernels: drop the extra term",
            ),
        ]
        label = (
            f"kernel_size={kernel_size!r}, in_channels={in_channels}, filters={filters} ({what})"
        )
        cases.append(Case(label, (kernel_size, in_channels, filters), (value, mistakes)))
    return cases


def _compare_count(got, expected):
    value, mistakes = expected
    problem = compare_scalar(got, value, atol=1e-9, rtol=0)
    if problem is None:
        return None
    for wrong, explanation in mistakes:
        if wrong != value and compare_scalar(got, wrong, atol=1e-9, rtol=0) is None:
            return f"{problem}: {explanation}"
    return problem


def check_conv_params(fn):
    """Checks `fn(kernel_size, in_channels, filters)`: parameters of a Conv2D with bias.

    Returns:
        True when `fn` gives `(kh * kw * in_channels + 1) * filters` on every
        case, else False.

    >>> def count(kernel_size, in_channels, filters):
    ...     kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    ...     return (kh * kw * in_channels + 1) * filters
    >>> check_conv_params(count)
    ✓ Exercise 4.1 (Conv2D parameters): correct on all 8 cases.
    True
    """
    return run_checks("conv_params", fn, _conv_params_cases(), _compare_count)


def _confusion_cases():
    rng = np.random.default_rng(5)
    cases = []
    for n, k in [(50, 4), (37, 3), (120, 10)]:
        labels = rng.integers(0, k, size=n)
        predictions = np.where(rng.random(n) < 0.6, labels, rng.integers(0, k, size=n))
        cases.append(
            Case(f"{n} random labels and predictions, {k} classes", (labels, predictions, k), None)
        )
    labels = rng.integers(0, 7, size=40)  # classes 7, 8, 9 never occur
    predictions = np.where(rng.random(40) < 0.5, labels, rng.integers(0, 7, size=40))
    cases.append(
        Case(
            "10 classes of which 7, 8 and 9 never occur",
            (labels, predictions, 10),
            None,
            hint="the matrix is num_classes x num_classes even when some classes are missing.",
        )
    )
    labels = rng.integers(0, 5, size=30).astype(np.uint8)
    cases.append(Case("perfect predictions (uint8 labels)", (labels, labels.copy(), 5), None))
    cases.append(Case("one example", (np.array([2]), np.array([0]), 3), None))
    for case in cases:
        labels, predictions, k = case.args
        case.expected = reference.confusion_matrix(labels, predictions, num_classes=k)
    return cases


def _compare_matrix(got, expected):
    problem = compare_arrays(got, expected, atol=0, rtol=0)
    if problem is None:
        return None
    try:
        array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return problem
    if array.shape == expected.shape and not np.array_equal(expected, expected.T):
        if np.array_equal(array, expected.T):
            return (
                f"{problem}: rows are the true labels and columns the predictions, not the "
                "other way round"
            )
        if np.allclose(array, expected / np.maximum(expected.sum(axis=1, keepdims=True), 1)):
            return f"{problem}: return the counts, not fractions of each row"
    return problem


def check_confusion_matrix(fn):
    """Checks `fn(labels, predictions, num_classes)`: counts of (true, predicted) pairs.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> def count(labels, predictions, num_classes):
    ...     matrix = np.zeros((num_classes, num_classes), dtype=int)
    ...     np.add.at(matrix, (labels, predictions), 1)
    ...     return matrix
    >>> check_confusion_matrix(count)
    ✓ Exercise 4.2 (confusion matrix): correct on all 6 cases.
    True
    """
    return run_checks("confusion_matrix", fn, _confusion_cases(), _compare_matrix)

"""Notebook 00's exercise: the mean image of each digit."""

import numpy as np

from course_utils.exercises.convolution import _diagnosing_compare
from course_utils.exercises.core import Case, compare_arrays, register, run_checks

register(
    "mean_images",
    hint="""
        Pick the images of one digit with a boolean mask, images[labels == digit],
        and average them over the first axis, the images: .mean(axis=0) keeps
        every pixel, so the mean of 28x28 images is a 28x28 image. Do it for
        digit = 0, 1, ..., 9 in that order and stack the ten means with np.stack.
        The labels are in no particular order: never pick images by position.
    """,
    solution="""
        def my_mean_images(images, labels):
            return np.stack([images[labels == digit].mean(axis=0) for digit in range(10)])
    """,
)


def _reference(images, labels):
    return np.stack(
        [images[labels == digit].astype(np.float64).mean(axis=0) for digit in range(10)]
    )


def _shuffled_labels(rng, count):
    """`count` labels, every digit at least twice, unequal counts, in random order."""
    labels = np.concatenate([np.arange(10), np.arange(10), rng.integers(0, 10, count - 20)])
    return rng.permutation(labels).astype(np.uint8)


def _first_seen_order(images, labels):
    order = list(dict.fromkeys(np.asarray(labels).tolist()))
    return np.stack([images[labels == digit].astype(np.float64).mean(axis=0) for digit in order])


# Known wrong answers, recognised so that the message can name the mistake.
_MISTAKES = (
    (
        "averaging all the images, for every digit",
        lambda images, labels: np.repeat(images.astype(float).mean(axis=0)[None], 10, axis=0),
        "average only the images of one digit: images[labels == digit].",
    ),
    (
        "taking every tenth image (images[digit::10])",
        lambda images, labels: np.stack(
            [images[d::10].astype(float).mean(axis=0) for d in range(10)]
        ),
        "the labels are in no particular order: select by label, images[labels == digit].",
    ),
    (
        "keeping the first image of each digit",
        lambda images, labels: np.stack(
            [images[np.argmax(labels == d)].astype(float) for d in range(10)]
        ),
        "average all the images of the digit, not just one of them.",
    ),
    (
        "summing each digit's images",
        lambda images, labels: np.stack(
            [images[labels == d].astype(float).sum(axis=0) for d in range(10)]
        ),
        "divide by how many images the digit has: .mean(axis=0) does both.",
    ),
    (
        "taking the median of each digit's images",
        lambda images, labels: np.stack(
            [np.median(images[labels == d], axis=0) for d in range(10)]
        ),
        "this exercise asks for the mean.",
    ),
    (
        "ordering the digits as they first appear in the labels",
        _first_seen_order,
        "entry k is digit k: loop over range(10), not over the labels as they come.",
    ),
    (
        "rounding the means to whole numbers",
        lambda images, labels: np.round(_reference(images, labels)),
        "keep the fractions: a mean of whole numbers is rarely whole (no astype(np.uint8)).",
    ),
    (
        "cutting the means to whole numbers",
        lambda images, labels: np.floor(_reference(images, labels)),
        "keep the fractions: astype(np.uint8) cuts them off.",
    ),
    (
        "scaling the values to [0, 1]",
        lambda images, labels: _reference(images, labels) / 255.0,
        "keep the images' own units: do not divide by 255.",
    ),
)


def _cases():
    rng = np.random.default_rng(0)
    cases = []
    for count, shape in [(60, (5, 7)), (45, (28, 28)), (33, (6, 4))]:
        images = rng.integers(0, 256, size=(count, *shape), dtype=np.uint8)
        labels = _shuffled_labels(rng, count)
        cases.append(
            Case(f"{count} uint8 images {shape}, labels in random order", (images, labels), None)
        )
    # Each digit on its own scale, from 0.001 to 1000: a mix-up of digits cannot hide.
    labels = _shuffled_labels(rng, 40)
    scales = np.logspace(-3, 3, 10)[labels]
    images = rng.random(size=(40, 3, 5)) * scales[:, None, None]
    cases.append(
        Case(
            "40 float images (3, 5), each digit on its own scale (0.001 to 1000)",
            (images, labels),
            None,
        )
    )
    labels = np.sort(_shuffled_labels(rng, 30))
    images = rng.integers(0, 256, size=(30, 4, 6), dtype=np.uint8)
    cases.append(Case("30 images (4, 6) sorted by label", (images, labels), None))
    images = rng.random(size=(25, 3, 4, 3))
    labels = _shuffled_labels(rng, 25)
    cases.append(
        Case(
            "25 colour images (3, 4, 3)",
            (images, labels),
            None,
            hint="average over the first axis only, whatever the shape of one image.",
        )
    )
    for case in cases:
        case.expected = _reference(*case.args)
    return cases


def check_mean_images(fn):
    """Checks `fn(images, labels)`: the mean image of each digit, in the order 0 to 9.

    `fn` takes `n` images `(n, height, width)` (or with channels) and their
    labels 0-9 in any order, and returns `(10, height, width)` floats whose
    entry `k` is the mean of the images labelled `k`. The cases shuffle the
    labels, give each digit a different count and scale, and use odd sizes.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import data
    >>> check_mean_images(data.mean_images)
    ✓ Exercise 0.1 (the mean image of each digit): correct on all 6 cases.
    True
    """
    cases = _cases()
    compare = _diagnosing_compare(
        cases, _MISTAKES, lambda got, expected: compare_arrays(got, expected, atol=1e-8)
    )
    return run_checks("mean_images", fn, cases, compare)

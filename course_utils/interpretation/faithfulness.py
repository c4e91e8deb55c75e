"""Deletion curves: does removing what a map calls important hurt the model most?

A map is faithful to the model if the pixels it ranks highest are the ones
the model needs. The deletion test (Petsiuk et al. 2018) removes the pixels
in the map's order, most attributed first (sets them to 0, every channel),
and measures the model after each step; a faithful map makes the curve fall
fast, so its area is small. The same test with a random order
(`random_attributions`) is the baseline a method must beat.
"""

import dataclasses

import numpy as np

from course_utils import checks
from course_utils.interpretation import arguments
from course_utils.interpretation.scores import (
    DEFAULT_BATCH_SIZE,
    num_classes,
    predict_probabilities,
)

MEASURES = ("probability", "accuracy")


@dataclasses.dataclass(frozen=True)
class DeletionCurve:
    """The model's measure as more and more of the most attributed pixels are removed.

    Attributes:
        fractions: float array `(steps + 1,)`, the fraction of each image's
            pixels removed, from 0 to 1.
        values: float array `(steps + 1,)`, the measure after each step,
            averaged over the images.
        area: the area under the curve (trapezoid rule over fractions in
            [0, 1]); smaller is more faithful.
        measure: `"probability"` (of the true class) or `"accuracy"`.
    """

    fractions: np.ndarray
    values: np.ndarray
    area: float
    measure: str


def random_attributions(shape, seed=0):
    """Random attributions of `shape`: a random order of the pixels, the baseline of a deletion.

    Args:
        shape: the shape of the maps, e.g. `(n, height, width)`.
        seed: seed of NumPy's generator; the same seed gives the same order.

    Returns:
        float32 array of `shape`, uniform in [0, 1).

    Raises:
        ValueError: if `shape` is not a tuple of positive ints or `seed` not
            a non-negative int.

    >>> random_attributions((1, 2, 2), seed=0).shape
    (1, 2, 2)
    """
    try:
        dims = tuple(shape)
    except TypeError:
        dims = ()
    if not dims or not all(checks.is_integer(size) and size > 0 for size in dims):
        raise ValueError(
            f"`shape` must be a tuple of positive integers; received {shape!r}. Pass the "
            "shape of the maps to compare with, e.g. random_attributions(maps.shape)."
        )
    seed = checks.integer(seed, "seed", fix="E.g. seed=0.")
    return np.random.default_rng(seed).random(dims, dtype=np.float32)


def deletion_order(attributions):
    """Each image's pixel indices (flattened), most attributed first.

    Ties keep the pixels' order (row by row): the sort is stable.

    >>> deletion_order(np.array([[[0.1, 0.9], [0.5, 0.9]]])).tolist()
    [[1, 3, 2, 0]]
    """
    values = np.asarray(attributions, dtype=np.float64)
    flat = values.reshape(len(values), -1)
    return np.argsort(-flat, axis=1, kind="stable")


def deletion_curve(
    model,
    images,
    labels,
    attributions,
    steps=20,
    measure="probability",
    batch_size=DEFAULT_BATCH_SIZE,
):
    """Measures the model as the most attributed pixels are removed, step by step.

    At step k (k = 0, ..., steps) the `round(k / steps * height * width)`
    pixels with the largest attributions of each image are set to 0 (every
    channel), and the model is measured on the whole batch: by default the
    mean probability of the true class, which moves smoothly where the
    accuracy jumps; `measure="accuracy"` counts the images still classified
    right. All steps of all images go through the model in batches.

    Args:
        model: a built Keras classifier.
        images: array of shape `(n, height, width, channels)`.
        labels: int array of shape `(n,)`, the true classes.
        attributions: the maps that order the pixels, `(n, height, width)`,
            or `(n, height, width, channels)`, summed over the channels
            first. Signed maps keep their sign: the most positive pixels go
            first (pass `np.abs(...)` to rank by magnitude).
        steps: number of deletion steps after the intact images.
        measure: `"probability"` or `"accuracy"`.
        batch_size: images per forward pass.

    Returns:
        A `DeletionCurve` with `steps + 1` points.

    Raises:
        ValueError: if an argument is not as described.
    """
    model = arguments.check_model(model)
    images = arguments.check_images(images)
    arguments.check_images_fit(model, images)
    labels = arguments.check_class_index(labels, len(images), num_classes(model))
    steps = checks.positive_int(steps, "steps", "E.g. steps=20 (5% of the pixels per step).")
    measure = checks.one_of(measure, "measure", MEASURES)
    batch_size = arguments.check_batch_size(batch_size)
    maps = _check_attributions(attributions, images)
    count, height, width = images.shape[:3]
    pixels = height * width
    ranks = np.empty((count, pixels), dtype=np.int64)  # a pixel's place in the order
    np.put_along_axis(ranks, deletion_order(maps), np.arange(pixels)[None], axis=1)
    fractions = np.linspace(0.0, 1.0, steps + 1)
    removed = np.round(fractions * pixels).astype(np.int64)
    values = np.empty(steps + 1)
    per_batch = max(1, batch_size // count)  # several steps of the whole batch at once
    for start in range(0, steps + 1, per_batch):
        chunk = removed[start : start + per_batch]
        keep = ranks[None] >= chunk[:, None, None]  # (steps in chunk, n, pixels)
        kept = images[None] * keep.reshape(len(chunk), count, height, width, 1)
        probabilities = predict_probabilities(
            model, kept.reshape(-1, *images.shape[1:]).astype(np.float32), batch_size
        ).reshape(len(chunk), count, -1)
        if measure == "probability":
            scores = probabilities[:, np.arange(count), labels]
        else:
            scores = probabilities.argmax(axis=-1) == labels[None]
        values[start : start + len(chunk)] = scores.mean(axis=1)
    area = float(np.sum((values[1:] + values[:-1]) / 2 * np.diff(fractions)))
    return DeletionCurve(fractions, values, area, measure)


def _check_attributions(attributions, images):
    maps = arguments.as_numeric(attributions, "attributions").astype(np.float64)
    if maps.shape == images.shape:
        maps = maps.sum(axis=-1)
    if maps.shape != images.shape[:3]:
        raise ValueError(
            f"`attributions` must hold one map per image, shape {images.shape[:3]} (or "
            f"{images.shape}); received shape {maps.shape}. Compute them on the same images, "
            "e.g. saliency(model, images, labels)."
        )
    if not np.isfinite(maps).all():
        raise ValueError("`attributions` must hold finite numbers; it holds NaN or infinity.")
    return maps

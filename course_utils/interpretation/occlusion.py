"""Occlusion: how much the class probability drops when a square of the image is hidden.

Occlusion (Zeiler and Fergus 2014) needs no gradient: it covers a `patch` x
`patch` square with a fill value (0, black) at every position, asks the model
again, and records the drop `p(class | image) - p(class | occluded image)`.
A large drop means the model needed what the square hid.

The squares start at rows (and columns) 0, stride, 2 * stride, ... up to
`height - patch`; when `height - patch` is not a multiple of `stride` the
position `height - patch` is added, so the last rows and columns are covered
too (`occlusion_positions`).
"""

import numpy as np

from course_utils import checks
from course_utils.interpretation import arguments
from course_utils.interpretation.scores import (
    DEFAULT_BATCH_SIZE,
    num_classes,
    predict_probabilities,
)


def occlusion_positions(size, patch, stride):
    """Where the squares start along an axis of `size` pixels: 0, stride, ..., size - patch.

    The last position is always `size - patch`, so every pixel is covered
    when `stride <= patch`.

    Raises:
        ValueError: if `patch` is larger than `size`, or an argument is not a
            positive integer.

    >>> occlusion_positions(10, 4, 2), occlusion_positions(11, 4, 3), occlusion_positions(4, 4, 2)
    ([0, 2, 4, 6], [0, 3, 6, 7], [0])
    """
    size = checks.positive_int(size, "size")
    patch = checks.positive_int(patch, "patch", "E.g. patch=4 for a 4x4 square.")
    stride = checks.positive_int(stride, "stride", "E.g. stride=2 pixels between squares.")
    if patch > size:
        raise ValueError(
            f"`patch` ({patch}) must fit in the image ({size} pixels); use a patch of at "
            f"most {size} pixels."
        )
    positions = list(range(0, size - patch + 1, stride))
    if positions[-1] != size - patch:
        positions.append(size - patch)
    return positions


def occlusion_map(
    model, image, class_index, patch=4, stride=2, fill=0.0, batch_size=DEFAULT_BATCH_SIZE
):
    """Computes the drop of a class's probability for every position of a hidden square.

    Every occluded copy goes through the model in batches of `batch_size`.
    The probability is the model's output when it ends in a softmax, else the
    softmax of its output.

    Args:
        model: a built Keras classifier.
        image: one image, shape `(height, width, channels)`.
        class_index: the class whose probability is measured, an int.
        patch: side of the square, in pixels.
        stride: pixels between the squares' top-left corners.
        fill: the value of the hidden pixels (every channel).
        batch_size: images per forward pass.

    Returns:
        float32 array of shape `(len(rows), len(columns))`, the positions of
        `occlusion_positions(height, patch, stride)` and
        `occlusion_positions(width, patch, stride)`: entry `[i, j]` is
        `p(class | image) - p(class | image with rows[i]:rows[i] + patch,
        columns[j]:columns[j] + patch filled)`. Negative where hiding the
        square raises the probability.

    Raises:
        ValueError: if an argument is not as described.
    """
    model = arguments.check_model(model)
    image = arguments.check_image(image)
    arguments.check_images_fit(model, image[None])
    if not checks.is_integer(class_index):
        raise ValueError(
            f"`class_index` must be one int, the class to measure; received {class_index!r:.60}. "
            "E.g. class_index=int(label)."
        )
    index = arguments.check_class_index(class_index, 1, num_classes(model))[0]
    if not checks.is_number(fill):
        raise ValueError(f"`fill` must be a number, e.g. 0.0 (black); received {fill!r}.")
    rows = occlusion_positions(image.shape[0], patch, stride)
    columns = occlusion_positions(image.shape[1], patch, stride)
    copies = np.repeat(image[None], len(rows) * len(columns) + 1, axis=0)
    corners = [(row, column) for row in rows for column in columns]
    for number, (row, column) in enumerate(corners, start=1):
        copies[number, row : row + patch, column : column + patch, :] = fill
    probabilities = predict_probabilities(model, copies, arguments.check_batch_size(batch_size))[
        :, index
    ]
    drops = probabilities[0] - probabilities[1:]
    return drops.reshape(len(rows), len(columns)).astype(np.float32)


def occlusion_map_naive(predict, image, patch=4, stride=2, fill=0.0, class_index=None):
    """The occlusion map of one image with explicit loops, for any `predict` function.

    The teaching twin of `occlusion_map`: it takes a function rather than a
    Keras model, hides one square at a time, and asks `predict` once per
    square.

    Args:
        predict: a function from a batch of images `(n, height, width,
            channels)` to class probabilities `(n, classes)`, e.g.
            `lambda x: model.predict(x, verbose=0)`.
        image: one image, shape `(height, width, channels)`.
        patch: side of the square, in pixels.
        stride: pixels between the squares' top-left corners.
        fill: the value of the hidden pixels (every channel).
        class_index: the class whose probability is measured; None for the
            class `predict` gives the highest probability on the whole image.

    Returns:
        float64 array of shape `(len(rows), len(columns))`, as `occlusion_map`.

    Raises:
        ValueError: if `image` is not 3D or the square does not fit.

    >>> def predict(images):  # the probability of class 1 is the mean pixel
    ...     mean = images.mean(axis=(1, 2, 3))
    ...     return np.stack([1 - mean, mean], axis=1)
    >>> occlusion_map_naive(predict, np.ones((3, 4, 1)), patch=2, stride=2)
    array([[0.33333333, 0.33333333],
           [0.33333333, 0.33333333]])
    """
    arguments.check_image(image)
    image = np.asarray(image, dtype=np.float64)  # float64: the loop is the exact reference
    if not callable(predict):
        raise ValueError(
            f"`predict` must be a function of a batch of images; received "
            f"{type(predict).__name__}. E.g. predict=lambda x: model.predict(x, verbose=0)."
        )
    rows = occlusion_positions(image.shape[0], patch, stride)
    columns = occlusion_positions(image.shape[1], patch, stride)
    probabilities = np.asarray(predict(image[None]), dtype=np.float64)[0]
    if class_index is None:
        class_index = int(np.argmax(probabilities))
    drops = np.zeros((len(rows), len(columns)))
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            hidden = image.copy()
            hidden[row : row + patch, column : column + patch, :] = fill
            after = np.asarray(predict(hidden[None]), dtype=np.float64)[0, class_index]
            drops[i, j] = probabilities[class_index] - after
    return drops


def occlusion_attributions(
    model, images, class_index, patch=4, stride=2, fill=0.0, batch_size=DEFAULT_BATCH_SIZE
):
    """Occlusion maps of a batch as one value per pixel, like the other methods' maps.

    Each pixel gets the mean drop (see `occlusion_map`) of the squares that
    cover it; with `stride > patch` pixels no square covers get 0. The
    signature is that of `saliency`, so occlusion can go wherever a method
    is expected (`deletion_curve`, `randomization_check`, the figures).

    Args:
        model: a built Keras classifier.
        images: array of shape `(n, height, width, channels)`.
        class_index: an int, or one int per image.
        patch, stride, fill, batch_size: as in `occlusion_map`.

    Returns:
        float32 array of shape `(n, height, width)`.

    Raises:
        ValueError: if an argument is not as described.
    """
    model = arguments.check_model(model)
    images = arguments.check_images(images)
    arguments.check_images_fit(model, images)
    indices = arguments.check_class_index(class_index, len(images), num_classes(model))
    height, width = images.shape[1:3]
    rows = occlusion_positions(height, patch, stride)
    columns = occlusion_positions(width, patch, stride)
    counts = np.zeros((height, width))
    for row in rows:
        for column in columns:
            counts[row : row + patch, column : column + patch] += 1
    maps = np.zeros(images.shape[:3])
    for number, (image, index) in enumerate(zip(images, indices)):
        drops = occlusion_map(model, image, int(index), patch, stride, fill, batch_size)
        for i, row in enumerate(rows):
            for j, column in enumerate(columns):
                maps[number, row : row + patch, column : column + patch] += drops[i, j]
    return (maps / np.maximum(counts, 1)).astype(np.float32)

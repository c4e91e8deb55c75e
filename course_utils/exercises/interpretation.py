"""Notebook 09's exercises: an occlusion map, and the weights of Grad-CAM.

Each wrong answer a learner is likely to write (the drop's sign flipped, the
last rows skipped, the patch filled with the image's mean, the spatial sum in
place of the mean, ...) is computed for every case, so that a failing answer
that equals one of them is told which mistake it is.
"""

import numpy as np

from course_utils import interpretation as reference
from course_utils.exercises.core import (
    Case,
    arrays_match,
    compare_arrays_explained,
    register,
    run_checks,
)

NAMES = ("occlusion", "grad_cam_weights")


def _register():
    register(
        "occlusion",
        hint="""
            1. probs = predict(image[None])[0]: the probabilities of the whole
               image; the class is c = np.argmax(probs), fixed for every square.
            2. The squares start at rows 0, stride, 2 * stride, ... up to
               height - patch; if height - patch is not one of them, add it, so
               that the last rows are covered too. The same for the columns.
            3. For each (row, column), a copy of the image with
               copy[row:row + patch, column:column + patch] = 0 (every channel);
               the drop is probs[c] - predict(copy[None])[0, c].
            4. Return the drops as an array of shape (number of rows, number of
               columns): rows first, one row of the map per row position.
        """,
        solution="""
            def my_occlusion(predict, image, patch, stride):
                height, width = image.shape[:2]
                rows = list(range(0, height - patch + 1, stride))
                columns = list(range(0, width - patch + 1, stride))
                if rows[-1] != height - patch:
                    rows.append(height - patch)
                if columns[-1] != width - patch:
                    columns.append(width - patch)
                probs = predict(image[None])[0]
                c = int(np.argmax(probs))
                drops = np.zeros((len(rows), len(columns)))
                for i, row in enumerate(rows):
                    for j, column in enumerate(columns):
                        hidden = image.copy()
                        hidden[row:row + patch, column:column + patch] = 0
                        drops[i, j] = probs[c] - predict(hidden[None])[0, c]
                return drops
        """,
    )
    register(
        "grad_cam_weights",
        hint="""
            gradients[i, j, k] is d score / d A^k at pixel (i, j). The weight
            alpha_k of map k is the mean of its gradients over the pixels: average
            over the height and the width (axes 0 and 1), keep the channels.
            Keep the sign: Grad-CAM applies its ReLU to the weighted sum of the
            maps, not to the weights.
        """,
        solution="""
            def my_grad_cam_weights(gradients):
                return gradients.mean(axis=(0, 1))
        """,
    )


_register()

_ATOL, _RTOL = 1e-6, 1e-5


def _make_predict(shape, classes, scale, seed):
    """A linear softmax classifier of images of `shape`, as a function of a batch."""
    rng = np.random.default_rng(seed)
    pixels = int(np.prod(shape))
    weights = rng.normal(0, 3.0 / (scale * np.sqrt(pixels)), size=(pixels, classes))
    bias = rng.normal(0, 0.5, size=classes)

    def predict(images):
        images = np.asarray(images, dtype=np.float64)
        if images.ndim != 4 or images.shape[1:] != shape:
            raise ValueError(
                f"predict takes a batch of images of shape (n, {', '.join(map(str, shape))}); "
                f"it received shape {images.shape}. For one image use predict(image[None])"
            )
        logits = images.reshape(len(images), -1) @ weights + bias
        exps = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exps / exps.sum(axis=1, keepdims=True)

    return predict


def _occlusion(predict, image, patch, stride, fill=0.0, last=True, channels=slice(None), own=False):
    """The occlusion map, right or with one of the typical mistakes switched on."""
    image = np.asarray(image, dtype=np.float64)
    height, width = image.shape[:2]
    if last:
        rows = reference.occlusion_positions(height, patch, stride)
        columns = reference.occlusion_positions(width, patch, stride)
    else:
        rows = list(range(0, height - patch + 1, stride))
        columns = list(range(0, width - patch + 1, stride))
    probs = predict(image[None])[0]
    label = int(np.argmax(probs))
    copies = np.repeat(image[None], len(rows) * len(columns), axis=0)
    corners = [(row, column) for row in rows for column in columns]
    for copy, (row, column) in zip(copies, corners):
        copy[row : row + patch, column : column + patch, channels] = fill
    hidden = predict(copies)
    after = hidden.max(axis=1) if own else hidden[:, label]
    return (probs[label] - after).reshape(len(rows), len(columns)), probs[label]


def _occlusion_mistakes(predict, image, patch, stride):
    right, before = _occlusion(predict, image, patch, stride)
    return [
        (-right, "the sign is flipped: the drop is p(image) - p(occluded image), not the reverse"),
        (
            _occlusion(predict, image, patch, stride, last=False)[0],
            "the last rows or columns are never hidden: add the position height - patch "
            "(width - patch) when range(0, height - patch + 1, stride) stops before it",
        ),
        (
            _occlusion(predict, image, patch, stride, fill=float(np.mean(image)))[0],
            "the square is filled with the image's mean; fill it with 0",
        ),
        (right.T, "the map is transposed: one row of the map per row position of the square"),
        (
            before - right,
            "these are the probabilities of the occluded images; return the drops, "
            "p(image) - p(occluded image)",
        ),
        (
            _occlusion(predict, image, patch, stride, channels=0)[0],
            "only the first channel is hidden; fill every channel of the square "
            "(copy[row:row + patch, column:column + patch] = 0 covers them all)",
        ),
        (
            _occlusion(predict, image, patch, stride, own=True)[0],
            "the class changes from square to square; measure the class the model picks on "
            "the whole image, np.argmax(predict(image[None])[0]), every time",
        ),
    ]


def _occlusion_cases():
    specs = [
        # (height, width, channels, patch, stride, scale, classes, seed, label)
        (12, 10, 1, 4, 3, 1.0, 10, 0, "image (12, 10, 1), patch 4, stride 3"),
        (9, 13, 3, 3, 2, 1.0, 5, 1, "colour image (9, 13, 3), patch 3, stride 2"),
        (7, 11, 2, 2, 3, 1.0, 3, 2, "image (7, 11, 2), patch 2, stride 3"),
        (8, 11, 1, 3, 2, 1e-3, 4, 3, "pixels of the order of 0.001 (8, 11, 1), patch 3"),
        (10, 6, 1, 4, 4, 255.0, 10, 4, "pixels in [0, 255] (10, 6, 1), patch 4, stride 4"),
        (8, 6, 3, 3, 2, 1.0, 6, 5, "pixels in [-1, 1] (8, 6, 3), patch 3, stride 2"),
        (6, 4, 2, 1, 1, 1.0, 2, 6, "one-pixel patches (6, 4, 2), stride 1"),
        (5, 5, 1, 5, 2, 1.0, 3, 7, "a patch as large as the image (5, 5, 1)"),
        (
            11,
            7,
            1,
            3,
            5,
            1.0,
            10,
            8,
            "a stride larger than the patch (11, 7, 1), patch 3, stride 5",
        ),
    ]
    cases = []
    for height, width, channels, patch, stride, scale, classes, seed, label in specs:
        rng = np.random.default_rng(100 + seed)
        image = scale * rng.random((height, width, channels))
        if "[-1, 1]" in label:
            image = 2 * image - 1
        predict = _make_predict((height, width, channels), classes, scale, seed)
        cases.append(Case(label, (predict, image, patch, stride), None, hint=_OCCLUSION_HINT))
    rng = np.random.default_rng(9)
    image = rng.integers(0, 256, size=(9, 8, 1)).astype(np.uint8)
    cases.append(
        Case(
            "a uint8 image (9, 8, 1), patch 3, stride 2",
            (_make_predict((9, 8, 1), 10, 255.0, 9), image, 3, 2),
            None,
            hint="work on a copy of the image (image.copy()), one per square.",
        )
    )
    for case in cases:
        case.expected = (
            reference.occlusion_map_naive(*case.args),
            _occlusion_mistakes(*case.args),
        )
    return cases


_OCCLUSION_HINT = (
    "drops[i, j] = p_c(image) - p_c(image with the square at (rows[i], columns[j]) set to 0), "
    "c the class of the whole image, rows = 0, stride, ... and height - patch."
)


def check_occlusion(fn):
    """Checks `fn(predict, image, patch, stride)`: the occlusion map of one image.

    `predict` maps a batch of images `(n, height, width, channels)` to class
    probabilities `(n, classes)`; `image` has shape `(height, width,
    channels)`. The answer is the drop of the probability of the class the
    model picks on the whole image (`np.argmax(predict(image[None])[0])`)
    when a `patch` x `patch` square is set to 0 (every channel), for every
    position of the square: an array `(len(rows), len(columns))` with rows
    (and columns) 0, stride, 2 * stride, ... and `height - patch` (`width -
    patch`) added when the steps miss it (`interpretation.occlusion_positions`).

    The cases cover non-square images of odd sizes, one to three channels,
    pixels of the order of 0.001, in [0, 255] and in [-1, 1], a uint8 image,
    one-pixel patches, a patch as large as the image and a stride larger than
    the patch. A wrong answer that equals a typical mistake (the sign flipped,
    the last rows or columns skipped, the square filled with the image's
    mean, the map transposed, the occluded probabilities instead of the
    drops, one channel hidden, the class changing from square to square) is
    named.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> from course_utils import interpretation
    >>> check_occlusion(interpretation.occlusion_map_naive)  # doctest: +ELLIPSIS
    ✓ Exercise 9...: correct on all 10 cases.
    True
    """
    return run_checks("occlusion", fn, _occlusion_cases(), _compare_explained)


def _grad_cam_mistakes(gradients):
    gradients = np.asarray(gradients, dtype=np.float64)
    right = gradients.mean(axis=(0, 1))
    return [
        (
            gradients.sum(axis=(0, 1)),
            "this is the sum over the pixels; alpha_k is their mean (divide by height * width)",
        ),
        (
            gradients.mean(axis=-1),
            "this is a mean over the channels, one number per pixel; average over the height "
            "and the width (axis=(0, 1)) instead, one number per channel",
        ),
        (
            np.maximum(right, 0.0),
            "the weights went through a ReLU; keep their sign (Grad-CAM's ReLU comes after "
            "the weighted sum of the maps)",
        ),
        (np.abs(right), "these are absolute values; keep the sign of the mean"),
        (
            np.abs(gradients).mean(axis=(0, 1)),
            "this is the mean of the absolute gradients; average the gradients themselves",
        ),
        (
            gradients.mean(axis=0),
            "this averages over the height only; average over the width too, axis=(0, 1)",
        ),
        (
            gradients.mean(axis=1),
            "this averages over the width only; average over the height too, axis=(0, 1)",
        ),
        (
            gradients.max(axis=(0, 1)),
            "this is the largest gradient of each map; Grad-CAM takes their mean",
        ),
        (np.asarray(gradients.mean()), "this is one mean of everything; keep one per channel"),
    ]


def _grad_cam_cases():
    specs = [
        # (height, width, channels, scale, seed, label)
        (7, 5, 3, 1.0, 0, "gradients (7, 5, 3)"),
        (4, 9, 6, 1.0, 1, "gradients (4, 9, 6)"),
        (6, 6, 1, 1.0, 2, "one channel (6, 6, 1)"),
        (1, 1, 4, 1.0, 3, "one pixel (1, 1, 4)"),
        (5, 4, 4, 1.0, 4, "gradients (5, 4, 4)"),
        (13, 3, 8, 1000.0, 5, "gradients of the order of 1000 (13, 3, 8)"),
        (3, 11, 5, 1e-4, 6, "gradients of the order of 0.0001 (3, 11, 5)"),
    ]
    cases = []
    for height, width, channels, scale, seed, label in specs:
        rng = np.random.default_rng(200 + seed)
        signs = np.where(np.arange(channels) % 2 == 0, -1.0, 1.0)  # negative means in each case
        gradients = scale * (rng.normal(0, 1, (height, width, channels)) + signs)
        cases.append(Case(label, (gradients,), None, hint=_GRAD_CAM_HINT))
    rng = np.random.default_rng(210)
    cases.append(
        Case(
            "integer gradients (5, 3, 2)",
            (rng.integers(-5, 3, size=(5, 3, 2)),),
            None,
            hint=_GRAD_CAM_HINT,
        )
    )
    all_negative = -np.abs(rng.normal(0, 1, (4, 7, 3)))
    cases.append(
        Case(
            "every gradient negative (4, 7, 3)",
            (all_negative,),
            None,
            hint="the weights are negative here; keep them (no ReLU, no absolute value).",
        )
    )
    for case in cases:
        (gradients,) = case.args
        case.expected = (
            np.asarray(gradients, dtype=np.float64).mean(axis=(0, 1)),
            _grad_cam_mistakes(gradients),
        )
    return cases


_GRAD_CAM_HINT = (
    "alpha_k is the mean of gradients[:, :, k] over the pixels: gradients.mean(axis=(0, 1))."
)


def check_grad_cam_weights(fn):
    """Checks `fn(gradients)`: Grad-CAM's weight of each feature map.

    `gradients` has shape `(height, width, channels)`: the gradient of the
    class score with respect to each map of the layer. The answer is alpha of
    shape `(channels,)`, the mean of each map's gradients over its pixels.

    The cases cover non-square maps of odd sizes, one channel, one pixel,
    integer gradients, gradients of the order of 1000 and of 0.0001, and
    negative means (every gradient negative in one case). A wrong answer that
    equals a typical mistake (the sum in place of the mean, a mean over the
    channels or over one axis only, a ReLU or an absolute value applied to
    the weights, the mean of absolute gradients, the largest gradient) is
    named.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> check_grad_cam_weights(lambda gradients: gradients.mean(axis=(0, 1)))  # doctest: +ELLIPSIS
    ✓ Exercise 9...: correct on all 9 cases.
    True
    """
    return run_checks("grad_cam_weights", fn, _grad_cam_cases(), _compare_explained)


def _matches(array, expected):
    return arrays_match(array, expected, _ATOL, _RTOL)


def _compare_explained(got, expected):
    """What is wrong with array `got`, naming the typical mistake it equals, or None."""
    return compare_arrays_explained(got, expected, _ATOL, _RTOL)

"""Gradient attributions: saliency, SmoothGrad and integrated gradients.

Each explains the score of one class, the logit before the softmax (see
`scores`), for a batch of images, and computes its gradients with
`course_utils.backend.value_and_input_gradient` on batches of images:

- `saliency`: `|d score / d input|`, the largest over the channels, one map
  `(n, height, width)` per image (Simonyan et al. 2014);
- `smoothgrad`: the mean saliency of noisy copies of each image (Smilkov et
  al. 2017), a less speckled map of the same shape;
- `integrated_gradients`: `(x - x') * mean of d score / d input` along the
  straight path from a baseline `x'` to the image `x` (Sundararajan et al.
  2017), one signed number per pixel and channel `(n, height, width,
  channels)` that adds up to `score(x) - score(x')`.
"""

import numpy as np

from course_utils import backend, checks
from course_utils.interpretation import arguments
from course_utils.interpretation.scores import DEFAULT_BATCH_SIZE, _prepare, num_classes


def score_gradients(logits, images, indices, batch_size=DEFAULT_BATCH_SIZE):
    """The gradient of each image's class score with respect to the image.

    Args:
        logits: a Keras model (or layer) from images to logits, e.g.
            `build_logit_model(model)`.
        images: float32 array `(n, ...)` of its inputs.
        indices: int array `(n,)`, the class explained in each image.
        batch_size: images per gradient computation.

    Returns:
        float32 array of the shape of `images`.
    """
    import keras

    classes = int(logits.outputs[0].shape[-1])
    gradients = np.empty_like(images, dtype=np.float32)
    for start in range(0, len(images), batch_size):
        stop = start + batch_size
        one_hot = np.eye(classes, dtype=np.float32)[indices[start:stop]]
        # Images of a batch do not interact in inference: the gradient of the summed
        # scores holds each image's gradient of its own score.
        _, gradient = backend.value_and_input_gradient(
            lambda x, one_hot=one_hot: keras.ops.sum(
                keras.ops.multiply(logits(x, training=False), one_hot)
            ),
            images[start:stop],
        )
        gradients[start:stop] = backend.to_numpy(gradient)
    return gradients


def saliency(model, images, class_index, batch_size=DEFAULT_BATCH_SIZE):
    """Computes saliency maps: how much a small change of each pixel moves the class score.

    The map of an image is `|d score / d pixel|`, the largest over the
    channels, where `score` is the class's logit (its value before the
    softmax). Raw magnitudes, not normalised: maps of one model can be
    compared with each other.

    Args:
        model: a built Keras classifier (see `scores` for how its logits are found).
        images: array of shape `(n, height, width, channels)`.
        class_index: the class to explain: an int, or one int per image
            (e.g. each image's label or prediction).
        batch_size: images per gradient computation.

    Returns:
        float32 array of shape `(n, height, width)`, non-negative.

    Raises:
        ValueError: if `images` is not 4D, does not fit the model, or
            `class_index` is not a class of the model.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> weights = np.array([[1, 0], [-2, 0], [0, 0], [3, 0]], dtype="float32")
    >>> model.layers[-1].set_weights([weights, np.zeros(2, "float32")])
    >>> saliency(model, np.ones((1, 2, 2, 1)), class_index=0)[0]
    array([[1., 2.],
           [0., 3.]], dtype=float32)
    """
    images, logits = _prepare(model, images)
    indices = arguments.check_class_index(class_index, len(images), num_classes(logits))
    batch_size = arguments.check_batch_size(batch_size)
    return np.abs(score_gradients(logits, images, indices, batch_size)).max(axis=-1)


def smoothgrad(
    model, images, class_index, samples=25, noise=0.15, seed=0, batch_size=DEFAULT_BATCH_SIZE
):
    """Computes SmoothGrad maps: the mean saliency map of noisy copies of each image.

    Each copy adds Gaussian noise of standard deviation `noise * (max - min)`
    of that image's values (Smilkov et al. 2017 found 10-20% best); the map is
    the mean of the copies' `saliency` maps. Gradients of a ReLU network jump
    from pixel to pixel; the mean over nearby inputs keeps what is common.

    Args:
        model: a built Keras classifier.
        images: array of shape `(n, height, width, channels)`.
        class_index: the class to explain: an int, or one int per image.
        samples: noisy copies per image.
        noise: the noise's standard deviation as a fraction of each image's
            value range; 0 gives `saliency` exactly.
        seed: seed of the noise (NumPy's generator), so maps can be repeated;
            None for fresh noise every call.
        batch_size: images per gradient computation.

    Returns:
        float32 array of shape `(n, height, width)`, non-negative.

    Raises:
        ValueError: if an argument is not as described.
    """
    images, logits = _prepare(model, images)
    indices = arguments.check_class_index(class_index, len(images), num_classes(logits))
    samples = checks.positive_int(samples, "samples", "E.g. samples=25 noisy copies per image.")
    if not checks.is_number(noise) or not 0 <= noise < np.inf:
        raise ValueError(
            f"`noise` must be a non-negative number, a fraction of each image's value range; "
            f"received {noise!r}. E.g. noise=0.15."
        )
    if seed is not None:
        seed = checks.integer(seed, "seed", fix="E.g. seed=0, or None for fresh noise.")
    batch_size = arguments.check_batch_size(batch_size)
    rng = np.random.default_rng(seed)
    count = len(images)
    spread = (images.max(axis=(1, 2, 3)) - images.min(axis=(1, 2, 3))) * np.float32(noise)
    spread = spread.reshape(-1, 1, 1, 1)
    # Several noisy copies of the whole batch go through the model at once.
    per_batch = max(1, batch_size // count)
    total = np.zeros(images.shape[:3], dtype=np.float64)
    for start in range(0, samples, per_batch):
        copies = min(per_batch, samples - start)
        noisy = images[None] + spread[None] * rng.standard_normal(
            (copies, *images.shape), dtype=np.float32
        )
        gradients = score_gradients(
            logits, noisy.reshape(-1, *images.shape[1:]), np.tile(indices, copies), batch_size
        )
        total += np.abs(gradients).max(axis=-1).reshape(copies, *images.shape[:3]).sum(axis=0)
    return (total / samples).astype(np.float32)


def integrated_gradients(
    model, images, class_index, baseline=None, steps=50, batch_size=DEFAULT_BATCH_SIZE
):
    """Computes integrated gradients: each pixel's share of `score(image) - score(baseline)`.

    The attribution of pixel (and channel) i is

        (x_i - x'_i) * integral over a in [0, 1] of d score / d x_i at x' + a (x - x'),

    the gradient averaged along the straight path from the baseline x' to the
    image x (Sundararajan et al. 2017). The integral is computed with the
    midpoint rule, the gradients at a = (k + 1/2) / steps for k = 0, ...,
    steps - 1, all steps of several images in one batch. The attributions add
    up to `score(x) - score(x')` (completeness) up to the rule's error: for a
    smooth score it shrinks like 1 / steps**2; a ReLU network's gradient jumps
    wherever a unit switches on or off along the path, and there it shrinks
    like 1 / steps. At 50 steps the sum is typically within 1% of the
    difference; check it with `class_scores` and raise `steps` if not.

    Unlike `saliency`, the result keeps the sign (positive: evidence for the
    class) and the channel axis, so that the sum is exact; for one map per
    image sum over the channels, `attributions.sum(axis=-1)`.

    Args:
        model: a built Keras classifier.
        images: array of shape `(n, height, width, channels)`.
        class_index: the class to explain: an int, or one int per image.
        baseline: the image meaning "nothing": None for black (zeros), a
            number (e.g. 0.5 for grey), one image `(height, width,
            channels)`, or one per image `(n, height, width, channels)`.
        steps: points on the path (gradient computations per image).
        batch_size: images per gradient computation.

    Returns:
        float32 array of shape `(n, height, width, channels)`.

    Raises:
        ValueError: if an argument is not as described.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((1, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> model.layers[-1].set_weights([np.array([[2, 0], [-1, 0]], "float32"), np.ones(2, "float32")])
    >>> integrated_gradients(model, np.full((1, 1, 2, 1), 3.0), class_index=0)[0, 0, :, 0]
    array([ 6., -3.], dtype=float32)
    """
    images, logits = _prepare(model, images)
    indices = arguments.check_class_index(class_index, len(images), num_classes(logits))
    steps = checks.positive_int(steps, "steps", "E.g. steps=50 points on the path.")
    batch_size = arguments.check_batch_size(batch_size)
    baselines = _check_baseline(baseline, images)
    differences = images - baselines
    alphas = ((np.arange(steps) + 0.5) / steps).astype(np.float32)
    mean_gradients = np.zeros(images.shape, dtype=np.float64)
    for start in range(0, len(images) * steps, batch_size):
        pairs = np.arange(start, min(start + batch_size, len(images) * steps))
        which, step = pairs // steps, pairs % steps
        points = baselines[which] + alphas[step].reshape(-1, 1, 1, 1) * differences[which]
        gradients = score_gradients(logits, points, indices[which], batch_size)
        np.add.at(mean_gradients, which, gradients)
    return (differences * mean_gradients / steps).astype(np.float32)


def _check_baseline(baseline, images):
    if baseline is None:
        return np.zeros_like(images)
    if checks.is_number(baseline):
        return np.full_like(images, float(baseline))
    array = arguments.as_numeric(baseline, "baseline")
    if array.shape == images.shape[1:]:
        return np.broadcast_to(array, images.shape).astype(np.float32)
    if array.shape == images.shape:
        return array.astype(np.float32)
    raise ValueError(
        f"`baseline` must be None (black), a number, one image of shape {images.shape[1:]} "
        f"or one per image, shape {images.shape}; received shape {array.shape}."
    )

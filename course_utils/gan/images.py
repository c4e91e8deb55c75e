"""Images in and out of a GAN: scaling to and from tanh's [-1, 1], checks, sampling.

    real = to_tanh_range(images)                 # uint8 digits -> float32 in [-1, 1]
    samples = generate(generator, count=16)      # noise -> images in [0, 1]
    path = interpolate(generator, z0, z1)        # the images along a line in z

The generator ends in tanh, so it works in [-1, 1]; everything the course shows or
scores takes images in [0, 1], which is what `generate` and `interpolate` return.
"""

import numpy as np

from course_utils import checks, inference
from course_utils.gan.models import IMAGE_SHAPE


def to_tanh_range(images):
    """Scales uint8 images (0-255) to float32 in [-1, 1] with a channel axis.

    The generator ends in tanh, so real images are given to the discriminator
    on the same scale: `images / 127.5 - 1`.

    Args:
        images: uint8 array of shape `(n, height, width)`, as `data.load_mnist` gives.

    Returns:
        float32 array of shape `(n, height, width, 1)`.

    Raises:
        ValueError: if `images` is not uint8 of shape `(n, height, width)`.

    >>> to_tanh_range(np.array([[[0, 255]]], dtype=np.uint8))[..., 0]
    array([[[-1.,  1.]]], dtype=float32)
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 3 or len(images) == 0:
        raise ValueError(
            "`images` must be uint8 with shape (n, height, width), as data.load_mnist returns "
            f"them; received dtype {images.dtype} and shape {images.shape}."
        )
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def to_unit_range(images):
    """Maps generated images from [-1, 1] (tanh) to [0, 1], for plotting and evaluation.

    Args:
        images: float array with values in [-1, 1], e.g. `generator.predict(noise)`.

    Returns:
        float32 array of the same shape, `(images + 1) / 2` clipped to [0, 1].

    Raises:
        ValueError: if the values are not finite or reach outside [-1, 1].

    >>> to_unit_range(np.array([-1.0, 0.0, 1.0]))
    array([0. , 0.5, 1. ], dtype=float32)
    """
    array = np.asarray(images, dtype=np.float32)
    low, high = (float(array.min()), float(array.max())) if array.size else (np.nan, np.nan)
    if not (np.isfinite(low) and np.isfinite(high)) or low < -1.001 or high > 1.001:
        raise ValueError(
            "`images` must be finite values in [-1, 1], what the generator's tanh gives; "
            f"received shape {array.shape} with values from {low:.4g} to {high:.4g}. Images "
            "already in [0, 1] need no conversion."
        )
    return np.clip((array + 1.0) / 2.0, 0.0, 1.0)


def check_real_images(images, image_shape=IMAGE_SHAPE):
    """Checks that images are ready for the discriminator: float, right shape, in [-1, 1].

    Args:
        images: the real images to train on.
        image_shape: what the discriminator expects for one image.

    Returns:
        The images as a float32 array.

    Raises:
        ValueError: for the wrong shape, values outside [-1, 1], or images
            in [0, 1] (which the generator's tanh output would never match).

    >>> check_real_images(np.zeros((2, 28, 28, 1)) - 1).shape
    (2, 28, 28, 1)
    """
    array = np.asarray(images)
    expected = tuple(int(s) for s in image_shape)
    if array.ndim != 4 or tuple(array.shape[1:]) != expected or len(array) == 0:
        raise ValueError(
            f"The discriminator takes images of shape (n, {', '.join(map(str, expected))}); "
            f"received shape {array.shape}. Use gan.to_tanh_range(images) on the uint8 "
            "images from data.load_mnist: it scales them and adds the channel axis."
        )
    array = array.astype(np.float32)
    low, high = float(array.min()), float(array.max())
    if low < -1.001 or high > 1.001 or low >= 0:
        raise ValueError(
            "The discriminator takes images scaled to [-1, 1] (the generator ends in tanh); "
            f"received values from {low:.4g} to {high:.4g}. Use gan.to_tanh_range(images) on "
            "the uint8 images from data.load_mnist."
        )
    return array


def generate(generator, count=None, noise=None, seed=0):
    """Draws images from a generator, as float32 in [0, 1] of shape `(n, 28, 28, 1)`.

    Args:
        generator: a z -> image model in [-1, 1] (e.g. `gan.ema_generator`).
        count: number of images, with noise drawn from N(0, 1) with `seed`.
        noise: or the latent vectors themselves, shape `(n, latent_dim)`.
        seed: seed of the noise when `count` is given.

    Returns:
        float32 NumPy array in [0, 1].

    Raises:
        ValueError: if neither or both of `count` and `noise` are given, or
            `noise` does not have shape `(n, latent_dim)`.

    >>> from course_utils.gan.models import build_generator
    >>> generate(build_generator(latent_dim=4), count=3).shape
    (3, 28, 28, 1)
    """
    latent_dim = int(generator.input_shape[-1])
    if (count is None) == (noise is None):
        raise ValueError(
            "Pass either `count` (how many images, noise drawn for you) or `noise` (shape "
            f"(n, {latent_dim})), not both and not neither; received count={count!r}."
        )
    if noise is None:
        count = checks.positive_int(count, "count", "E.g. generate(generator, count=16).")
        noise = np.random.default_rng(seed).standard_normal((count, latent_dim))
    noise = np.asarray(noise, dtype=np.float32)
    if noise.ndim != 2 or noise.shape[1] != latent_dim or len(noise) == 0:
        raise ValueError(
            f"`noise` must have shape (n, {latent_dim}) for this generator; received "
            f"{noise.shape}. For one vector use noise[None]."
        )
    return to_unit_range(inference.run_in_batches(generator, noise)[0])


def interpolate(generator, start, end, steps=9):
    """Images along the straight line from latent vector `start` to `end`.

    `z_t = (1 - t) * start + t * end` for `t` from 0 to 1 in `steps` steps.

    Args:
        generator: a z -> image model.
        start, end: latent vectors of shape `(latent_dim,)`.
        steps: number of images, at least 2.

    Returns:
        float32 array in [0, 1] of shape `(steps, 28, 28, 1)`.

    Raises:
        ValueError: if the vectors do not have the generator's latent length
            or `steps` is not an integer of at least 2.

    >>> from course_utils.gan.models import build_generator
    >>> interpolate(build_generator(latent_dim=4), np.zeros(4), np.ones(4), steps=5).shape
    (5, 28, 28, 1)
    """
    latent_dim = int(generator.input_shape[-1])
    start, end = (np.asarray(v, dtype=np.float32) for v in (start, end))
    if start.shape != (latent_dim,) or end.shape != (latent_dim,):
        raise ValueError(
            f"`start` and `end` must be latent vectors of shape ({latent_dim},); received "
            f"{start.shape} and {end.shape}."
        )
    steps = checks.integer(steps, "steps", low=2, fix="It counts the two ends, e.g. steps=9.")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return generate(generator, noise=(1 - t) * start + t * end)

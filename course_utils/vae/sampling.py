"""Using a trained VAE: codes, decoded images, new samples, interpolations and the ELBO.

    codes = encode(vae, images)                  # the means of q(z | x), (n, latent_dim)
    images = decode(vae, codes)                  # pixel probabilities, (n, 28, 28, 1)
    samples = sample_images(vae, 16, seed=0)     # z ~ N(0, I), decoded
    path = interpolate(vae, image_a, image_b)    # decoded points between two codes
    rebuilt = reconstruct(vae, images)           # decoder(mean of q(z | x)), (n, 28, 28, 1)
    ink_overlap(images, rebuilt)                 # IoU of the pixels on, one per image
    grey_share(images)                           # the share of unsure (grey) pixels
    evaluate_elbo(vae, test_images)              # nats per image, e.g. -82.0

Each runs the model batch by batch (`inference.run_in_batches`) and returns
NumPy arrays.
"""

import numpy as np
from keras import ops

from course_utils import checks, inference
from course_utils.vae import _checks
from course_utils.vae.data import IMAGE_SHAPE
from course_utils.vae.losses import kl_divergence, reconstruction_loss, reparameterize


def evaluate_elbo(model, images, draws=5, batch_size=inference.BATCH_SIZE, seed=0):
    """The ELBO of `images` under a VAE, in nats per image (higher is better).

    For every image, the encoder gives q(z | x); z is drawn `draws` times with
    NumPy noise from `seed`, so the number does not depend on the model's own
    random state, and

        ELBO = mean over draws of log p(x | z) - KL(q(z | x) || N(0, I)),

    averaged over the images. It is a lower bound on log p(x): the closer to 0,
    the better the model explains the images.

    Args:
        model: a `VAE` (anything with `encoder` and `decoder` attributes like it).
        images: array of shape `(n, 28, 28, 1)` or `(n, 28, 28)` with values in
            [0, 1], normally binarized as in training.
        draws: noise draws per image, a positive integer.
        batch_size: images per forward pass.
        seed: seed of the noise.

    Returns:
        The mean ELBO, a float.

    Raises:
        ValueError: if `model` is not a VAE, `images` leave [0, 1] or have the
            wrong shape, or `draws` / `batch_size` are not positive integers.

    >>> from course_utils.vae import binarize, build_vae
    >>> vae = build_vae(2, seed=0)
    >>> images = binarize(np.random.default_rng(0).random((8, 28, 28, 1)))
    >>> -560 < evaluate_elbo(vae, images) < -530  # untrained: about 784 coin flips
    True
    """
    encoder, decoder_logits = _checks.vae_parts(model)
    images = _checks.model_images(images, encoder)
    draws = checks.positive_int(draws, "draws")
    mean, log_var = (
        part.astype(np.float64) for part in inference.run_in_batches(encoder, images, batch_size)
    )
    kl = ops.convert_to_numpy(kl_divergence(mean, log_var))
    rng = np.random.default_rng(seed)
    log_likelihood = np.zeros(len(images))
    for _ in range(draws):
        z = reparameterize(mean, log_var, rng.standard_normal(mean.shape)).astype(np.float32)
        logits = inference.run_in_batches(decoder_logits, z, batch_size)[0]
        log_likelihood -= ops.convert_to_numpy(
            reconstruction_loss(images, logits.astype(np.float64))
        )
    return float(np.mean(log_likelihood / draws - kl))


def encode(encoder, images, batch_size=inference.BATCH_SIZE):
    """The encoder's means (the centre of q(z | x)) for a batch of images.

    Args:
        encoder: a model images -> `[mean, log_var]`, a `VAE`, or a plain
            autoencoder's encoder (images -> z).
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` with values in [0, 1].
        batch_size: images per forward pass.

    Returns:
        float32 NumPy array of shape `(n, latent_dim)`.

    Raises:
        ValueError: if `images` leave [0, 1] or have the wrong shape.

    >>> from course_utils.vae import build_encoder
    >>> encode(build_encoder(3), np.zeros((5, 28, 28))).shape
    (5, 3)
    """
    encoder = getattr(encoder, "encoder", encoder)
    images = _checks.model_images(images, encoder)
    return inference.run_in_batches(encoder, images, batch_size)[0].astype(np.float32)


def decode(decoder, z, batch_size=inference.BATCH_SIZE):
    """Pixel probabilities the decoder gives for latent vectors `z`.

    Args:
        decoder: a model z -> images, or a `VAE`.
        z: array of shape `(n, latent_dim)`.
        batch_size: vectors per forward pass.

    Returns:
        float32 NumPy array of shape `(n, 28, 28, 1)` with values in [0, 1].

    Raises:
        ValueError: if `z` is not 2D with the decoder's latent size or not finite.

    >>> from course_utils.vae import build_decoder
    >>> decode(build_decoder(2), np.zeros((4, 2))).shape
    (4, 28, 28, 1)
    """
    decoder = getattr(decoder, "decoder", decoder)
    latent_dim = int(decoder.inputs[0].shape[-1])
    z = _checks.finite_array(z, "z")
    if z.ndim != 2 or z.shape[1] != latent_dim or not len(z):
        raise ValueError(
            f"`z` must have shape (n, {latent_dim}) for this decoder, n >= 1; received {z.shape}. "
            f"For one vector use z[None]."
        )
    return inference.run_in_batches(decoder, z.astype(np.float32), batch_size)[0].astype(np.float32)


def sample_images(decoder, count, seed=0):
    """Generates new images: z drawn from the prior N(0, I), then decoded.

    Args:
        decoder: a model z -> images, or a `VAE`.
        count: number of images, a positive integer.
        seed: seed of the draws.

    Returns:
        float32 NumPy array `(count, 28, 28, 1)`: pixel probabilities, the mean
        of the decoder's Bernoulli distribution (what VAE papers show).

    Raises:
        ValueError: if `count` is not a positive integer.

    >>> from course_utils.vae import build_decoder
    >>> sample_images(build_decoder(4), 3).shape
    (3, 28, 28, 1)
    """
    decoder = getattr(decoder, "decoder", decoder)
    count = checks.positive_int(count, "count")
    latent_dim = int(decoder.inputs[0].shape[-1])
    z = np.random.default_rng(seed).standard_normal((count, latent_dim))
    return decode(decoder, z)


def interpolate(model, image_a, image_b, steps=8):
    """Decodes evenly spaced points on the line between the codes of two images.

    Args:
        model: a `VAE` (its encoder's means are the end points).
        image_a, image_b: images of shape `(28, 28)` or `(28, 28, 1)` in [0, 1].
        steps: number of images, from `image_a`'s code to `image_b`'s; at least 2.

    Returns:
        float32 NumPy array `(steps, 28, 28, 1)`.

    Raises:
        ValueError: if the images have another shape or leave [0, 1], or
            `steps` is below 2.

    >>> from course_utils.vae import build_vae
    >>> vae = build_vae(2)
    >>> interpolate(vae, np.zeros((28, 28)), np.ones((28, 28)), steps=5).shape
    (5, 28, 28, 1)
    """
    encoder, _ = _checks.vae_parts(model)
    steps = checks.integer(steps, "steps", low=2, fix="The two end points count as steps.")
    pair = []
    for name, image in (("image_a", image_a), ("image_b", image_b)):
        image = np.asarray(image)
        if image.shape not in (IMAGE_SHAPE, IMAGE_SHAPE[:2]):
            raise ValueError(
                f"`{name}` must be one image of shape (28, 28) or (28, 28, 1); received "
                f"{image.shape}. Pick one with images[i]."
            )
        pair.append(image.reshape(IMAGE_SHAPE))
    codes = encode(encoder, np.stack(pair))
    weights = np.linspace(0.0, 1.0, steps)[:, None]
    return decode(model.decoder, (1 - weights) * codes[0] + weights * codes[1])


def reconstruct(model, images, batch_size=inference.BATCH_SIZE):
    """Rebuilds images through a VAE (decoding the encoder's mean, no noise) or an autoencoder.

    Args:
        model: a `VAE` (anything with `encoder` and `decoder` attributes like
            it), or a plain autoencoder, a model images -> images.
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` with values in [0, 1].
        batch_size: images per forward pass.

    Returns:
        float32 NumPy array `(n, 28, 28, 1)` of pixel probabilities.

    Raises:
        ValueError: if `images` leave [0, 1] or have the wrong shape.

    >>> from course_utils.vae import build_autoencoder, build_vae
    >>> reconstruct(build_vae(2), np.zeros((3, 28, 28))).shape
    (3, 28, 28, 1)
    >>> reconstruct(build_autoencoder(2), np.zeros((3, 28, 28, 1))).shape
    (3, 28, 28, 1)
    """
    if hasattr(model, "encoder") and hasattr(model, "decoder"):
        images = _checks.model_images(images, model.encoder)
        return decode(model.decoder, encode(model.encoder, images, batch_size), batch_size)
    images = _checks.model_images(images, model)
    return inference.run_in_batches(model, images, batch_size)[0].astype(np.float32)


def grey_share(images):
    """The share of pixels with a probability between 0.2 and 0.8."""
    return float(np.mean((images > 0.2) & (images < 0.8)))


def ink_overlap(images, rebuilt, threshold=0.5):
    """How much of each image's ink a reconstruction redraws: the IoU of the pixels that are on.

    A pixel is on where its value (or, for a reconstruction, its probability)
    is above `threshold`. For every image, with A its pixels on and B those of
    its reconstruction, the overlap is |A and B| / |A or B| (the IoU of
    notebook 05): 1 for a perfect copy, 0 when no pixel is on in both. Two
    blank images count as a perfect copy, 1.

    Args:
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` with values in [0, 1],
            normally binarized.
        rebuilt: array of the same shape with values in [0, 1], e.g. what
            `reconstruct` returns.
        threshold: a number strictly between 0 and 1.

    Returns:
        float64 NumPy array `(n,)`, each value in [0, 1].

    Raises:
        ValueError: if the two arrays differ in shape, hold no images, leave
            [0, 1], or `threshold` is not between 0 and 1.

    >>> image = np.zeros((1, 28, 28)); image[0, 10:14, 10:14] = 1  # 16 pixels on
    >>> half = image.copy(); half[0, 12:14] = 0.2                   # 8 of them redrawn
    >>> ink_overlap(image, half)
    array([0.5])
    """
    if not checks.is_number(threshold) or not 0 < float(threshold) < 1:
        raise ValueError(
            f"`threshold` must be a number strictly between 0 and 1; received {threshold!r}. "
            "Use 0.5: a pixel is on where it is more likely on than off."
        )
    images = _checks.unit_interval(images, "images", "ink_overlap")
    rebuilt = _checks.unit_interval(rebuilt, "rebuilt", "ink_overlap")
    if images.shape != rebuilt.shape or images.ndim < 2 or not len(images):
        raise ValueError(
            f"`images` and `rebuilt` must have the same shape (n, 28, 28) or (n, 28, 28, 1) "
            f"with n >= 1; received {images.shape} and {rebuilt.shape}. Pass the images and "
            "reconstruct(model, images)."
        )
    ink = images.reshape(len(images), -1) > threshold
    drawn = rebuilt.reshape(len(rebuilt), -1) > threshold
    both = np.sum(ink & drawn, axis=1)
    either = np.sum(ink | drawn, axis=1)
    return np.where(either == 0, 1.0, both / np.maximum(either, 1))

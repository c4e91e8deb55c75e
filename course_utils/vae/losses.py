"""The two terms of the ELBO and the reparameterization trick, in NumPy and in `keras.ops`.

    z = reparameterize(mean, log_var, epsilon)      # mean + exp(log_var / 2) * epsilon
    kl_divergence(mean, log_var)                    # KL(q(z | x) || N(0, I)), nats per image
    reconstruction_loss(images, logits)             # -log p(x | z), nats per image

The NumPy functions check their input and are what the notebook and the tests
compute by hand; `_kl_ops` and `_reconstruction_ops` are the same formulas in
`keras.ops`, which `VAE.compute_loss` trains with on any backend.
"""

import numpy as np
from keras import ops

from course_utils.vae import _checks


def reparameterize(mean, log_var, epsilon):
    """Draws z = mean + exp(log_var / 2) * epsilon, given the noise (NumPy).

    The reparameterization trick: instead of sampling z from N(mean, var),
    which has no gradient, sample epsilon from N(0, I) and shift and scale it.
    The standard deviation is exp(log_var / 2) = sqrt(exp(log_var)).

    Args:
        mean, log_var, epsilon: arrays of the same shape, e.g. `(batch, latent_dim)`.

    Returns:
        float64 NumPy array of that shape.

    Raises:
        ValueError: if the shapes differ or the values are not finite numbers.

    >>> reparameterize(np.array([1.0, 0.0]), np.array([0.0, np.log(4.0)]), np.array([0.5, 0.5]))
    array([1.5, 1. ])
    """
    mean, log_var = _checks.gaussian(mean, log_var, min_ndim=1)
    epsilon = _checks.finite_array(epsilon, "epsilon")
    if epsilon.shape != mean.shape:
        raise ValueError(
            f"`epsilon` must have the shape of `mean`, {mean.shape}; received {epsilon.shape}. "
            "Draw it with np.random.default_rng().standard_normal(mean.shape)."
        )
    return mean + np.exp(log_var / 2.0) * epsilon


def kl_divergence(mean, log_var):
    """KL divergence of each diagonal Gaussian N(mean, exp(log_var)) from N(0, I), in nats.

    For one sample with latent dimensions j:

        KL = -1/2 * sum_j (1 + log_var_j - mean_j**2 - exp(log_var_j))

    It is 0 exactly when mean = 0 and log_var = 0 (the prior itself) and
    positive otherwise.

    Args:
        mean: array of shape `(batch, latent_dim)`.
        log_var: array of the same shape, the log-variances.

    Returns:
        float64 NumPy array of shape `(batch,)`, summed over latent dimensions.

    Raises:
        ValueError: if the arrays are not 2D, their shapes differ, or they hold
            values that are not finite numbers.

    >>> kl_divergence(np.array([[0.0, 0.0], [1.0, 0.0]]), np.zeros((2, 2)))
    array([0. , 0.5])
    """
    mean, log_var = _checks.gaussian(mean, log_var, min_ndim=2, max_ndim=2)
    return 0.5 * np.sum(mean**2 + np.exp(log_var) - 1.0 - log_var, axis=-1)


def reconstruction_loss(images, logits):
    """Bernoulli negative log-likelihood of each image, summed over its pixels, in nats.

    With p = sigmoid(logit) the probability that a pixel is on,
    -log p(x | z) = -sum_pixels [x log p + (1 - x) log(1 - p)]. It is computed
    from the logits, as softplus(logit) - x * logit, which stays exact where
    p rounds to 0 or 1.

    Args:
        images: array of shape `(n, height, width, channels)` (or any shape with
            the batch first) with values in [0, 1]; usually binarized.
        logits: array of the same shape, the decoder's values before the sigmoid.

    Returns:
        float64 NumPy array of shape `(n,)`: nats per image (784 pixels on MNIST).

    Raises:
        ValueError: if `images` leave [0, 1] (e.g. uint8 0-255 images), the
            shapes differ, or the values are not finite.

    >>> images = np.array([[1.0, 0.0]])
    >>> reconstruction_loss(images, np.zeros((1, 2))).round(4)  # two coin flips: 2 log 2
    array([1.3863])
    """
    images = _checks.unit_interval(images, "images", "reconstruction_loss")
    logits = _checks.finite_array(logits, "logits")
    if images.ndim < 2 or logits.shape != images.shape:
        raise ValueError(
            "`images` and `logits` must have the same shape with the batch first, e.g. "
            f"(n, 28, 28, 1); received {images.shape} and {logits.shape}. Pass the "
            "decoder's logits for the same images."
        )
    per_pixel = np.logaddexp(0.0, logits) - images * logits
    return per_pixel.reshape(len(images), -1).sum(axis=1)


def _kl_ops(mean, log_var):
    """`kl_divergence` in `keras.ops`, unchecked: a tensor of shape `(batch,)`."""
    # Tensors first: on PyTorch a NumPy array minus a tensor is an error, not a tensor.
    mean, log_var = ops.convert_to_tensor(mean), ops.convert_to_tensor(log_var)
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def _reconstruction_ops(images, logits):
    """`reconstruction_loss` in `keras.ops`, unchecked: a tensor of shape `(batch,)`."""
    images, logits = ops.convert_to_tensor(images, "float32"), ops.convert_to_tensor(logits)
    per_pixel = ops.softplus(logits) - images * logits
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)

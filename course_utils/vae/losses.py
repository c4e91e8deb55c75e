"""The two terms of the ELBO, in `keras.ops`, and the reparameterization trick, in NumPy.

    kl_divergence(mean, log_var)                    # KL(q(z | x) || N(0, I)), nats per image
    reconstruction_loss(images, logits)             # -log p(x | z), nats per image
    z = reparameterize(mean, log_var, epsilon)      # mean + exp(log_var / 2) * epsilon

Notebook 07 writes `kl_divergence` and `reconstruction_loss` in its own cells,
as the lesson; these are the tested copies of the same text. Written with
`keras.ops`, they take NumPy arrays or tensors on every backend and return a
tensor of shape `(batch,)`: `VAE.compute_loss` trains with them and
`evaluate_elbo` measures with them.
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
    """KL(N(mean, exp(log_var)) || N(0, I)) of each sample, summed over the latent axis, in nats."""
    # Tensors first: PyTorch cannot subtract a tensor from a NumPy array.
    mean, log_var = ops.convert_to_tensor(mean), ops.convert_to_tensor(log_var)
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


def reconstruction_loss(images, logits):
    """-log p(x | z) of each image, its pixels Bernoulli with p = sigmoid(logits), in nats."""
    logits = ops.convert_to_tensor(logits)
    images = ops.cast(images, logits.dtype)
    per_pixel = ops.softplus(logits) - images * logits  # -[x log p + (1 - x) log(1 - p)]
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)

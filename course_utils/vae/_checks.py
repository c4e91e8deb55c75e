"""The VAE's own argument checks: latent sizes, image shapes, Gaussians and model parts.

Each raises a ValueError that says what was received and how to fix it; the
integer checks come from `course_utils.checks`.
"""

import numpy as np

from course_utils import checks


def latent_dim(value):
    """Returns `value` as an int, or raises: the latent size must be a positive integer."""
    return checks.positive_int(
        value,
        "latent_dim",
        "It is the size of z: use 2 to draw the latent space, or 16 for sharper samples.",
    )


def image_shape(shape, name="input_shape"):
    """Returns `(height, width, channels)` as ints, or raises for another shape."""
    try:
        height, width, channels = (int(side) for side in shape)
        valid = min(height, width) >= 4 and channels >= 1
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(
            f"`{name}` must be (height, width, channels) with sides of at least 4; received "
            f"{shape!r}. For MNIST use (28, 28, 1)."
        )
    return height, width, channels


def finite_array(values, name):
    """Returns `values` as a float64 array, or raises if they are not finite numbers."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a numeric array; received {type(values).__name__}."
        ) from None
    if not np.isfinite(array).all():
        raise ValueError(
            f"`{name}` must hold finite numbers; received {int((~np.isfinite(array)).sum())} "
            "NaN or infinite values. Check the model's outputs for divergence."
        )
    return array


def unit_interval(images, name, where):
    """Returns `images` as a float64 array with values in [0, 1], or raises."""
    array = np.asarray(images)
    if array.dtype.kind not in "fiub":
        raise ValueError(f"`{name}` must be a numeric array; received dtype {array.dtype}.")
    array = finite_array(array, name)
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(
            f"`{name}` for {where} must have values in [0, 1] (the Bernoulli likelihood needs "
            f"pixel probabilities); received values from {array.min():g} to {array.max():g}. "
            "Scale uint8 images with binarize(images) or data.normalize_images(images)."
        )
    return array


def gaussian(mean, log_var, min_ndim=1, max_ndim=None):
    """Returns `(mean, log_var)` as float64 arrays of one shape, or raises."""
    mean = finite_array(mean, "mean")
    log_var = finite_array(log_var, "log_var")
    if mean.shape != log_var.shape:
        raise ValueError(
            f"`mean` and `log_var` must have the same shape (batch, latent_dim); received "
            f"{mean.shape} and {log_var.shape}. Pass the two encoder outputs for the same batch."
        )
    if mean.ndim < min_ndim or (max_ndim is not None and mean.ndim > max_ndim):
        raise ValueError(
            f"`mean` and `log_var` must have shape (batch, latent_dim); received {mean.shape}. "
            "For one sample use mean[None]."
        )
    return mean, log_var


def pair_shapes(input_shape):
    """Returns the shapes of `[mean, log_var]` the `Sampling` layer is called on, or raises."""
    try:
        mean_shape, log_var_shape = input_shape
        mean_shape, log_var_shape = tuple(mean_shape), tuple(log_var_shape)
    except (TypeError, ValueError):
        raise ValueError(
            "Sampling must be called on [mean, log_var], two tensors of shape "
            f"(batch, latent_dim); received input shape {input_shape!r}."
        ) from None
    if mean_shape != log_var_shape:
        raise ValueError(
            f"Sampling needs `mean` and `log_var` of the same shape; received {mean_shape} and "
            f"{log_var_shape}. Give both Dense layers the same size, latent_dim."
        )
    return mean_shape, log_var_shape


def vae_parts(model):
    """Returns a VAE's `(encoder, decoder_logits)`, or raises for anything else."""
    encoder = getattr(model, "encoder", None)
    logits = getattr(model, "decoder_logits", None)
    if encoder is None or logits is None:
        raise ValueError(
            f"`model` must be a VAE (with an encoder and a decoder); received "
            f"{type(model).__name__}. Build one with build_vae(latent_dim), or wrap saved parts "
            "with VAE(encoder, decoder)."
        )
    return encoder, logits


def model_images(images, model):
    """Returns images in [0, 1] of `model`'s input shape as float32 (a channel axis added)."""
    array = unit_interval(images, "images", "the VAE")
    expected = tuple(model.inputs[0].shape[1:])
    if array.ndim == len(expected) and expected[-1] == 1:
        array = array[..., None]
    if array.ndim != len(expected) + 1 or tuple(array.shape[1:]) != expected or not len(array):
        raise ValueError(
            f"`images` must have shape (n, {', '.join(map(str, expected))}) with n >= 1; received "
            f"{array.shape}. For one image use images[None]."
        )
    return array.astype(np.float32)

"""The two networks of the course's GAN: the generator G and the discriminator D.

    generator = build_generator()          # z (64 numbers) -> 28x28x1 image in [-1, 1]
    discriminator = build_discriminator()  # image in [-1, 1] -> probability that it is real

Both are plain, uncompiled `keras.Sequential` models; `training.GAN` trains them
against each other. Notebook 06 writes the two builders in its own cells, with
the same text as here (a test holds the two copies together); here they also
check their arguments before building, in Keras' words.

>>> generator = build_generator(latent_dim=8)
>>> generator.input_shape, generator.output_shape
((None, 8), (None, 28, 28, 1))
>>> discriminator = build_discriminator()
>>> discriminator.output_shape, discriminator.count_params()
((None, 1), 286145)
"""

import functools
import inspect

import keras
from keras import layers

from course_utils import checks
from course_utils.layers import Conv2DTranspose  # Keras' layer; faster to train with JAX on a CPU

LATENT_DIM = 64  # the length of the noise vector z
IMAGE_SHAPE = (28, 28, 1)  # one MNIST digit, with its channel axis


def _checked_by(check):
    """Makes a builder run `check` on its arguments (all of them, by name) before it builds."""

    def decorate(build):
        signature = inspect.signature(build)

        @functools.wraps(build)
        def checked(*args, **kwargs):
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            return build(**check(**arguments.arguments))

        return checked

    return decorate


def _generator_arguments(latent_dim, filters):
    return {
        "latent_dim": checks.positive_int(
            latent_dim, "latent_dim", "It is the length of z, e.g. build_generator(latent_dim=64)."
        ),
        "filters": checks.positive_ints(
            filters, 3, "filters", "build_generator(filters=(128, 64, 32))"
        ),
    }


def _discriminator_arguments(input_shape, filters, dropout):
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else None
    if (
        shape is None
        or len(shape) != 3
        or not all(checks.is_integer(s) and s > 0 for s in shape)
        or shape[0] % 4
        or shape[1] % 4
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with height and width divisible "
            f"by 4 (two stride-2 convolutions); received {input_shape!r}. For MNIST use "
            "(28, 28, 1)."
        )
    return {
        "input_shape": shape,
        "filters": checks.positive_ints(
            filters, 3, "filters", "build_discriminator(filters=(64, 128, 128))"
        ),
        "dropout": checks.fraction(
            dropout, "dropout", high_inclusive=False, fix="Use e.g. 0.3, or 0 for none."
        ),
    }


@_checked_by(_generator_arguments)
def build_generator(latent_dim=LATENT_DIM, filters=(128, 64, 32)):
    """The generator G: a latent vector z -> a 28x28x1 image in [-1, 1]."""
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * filters[0], use_bias=False),  # BatchNorm adds the bias
            layers.BatchNormalization(),
            layers.LeakyReLU(0.2),
            layers.Reshape((7, 7, filters[0])),  # a 7x7 map
            Conv2DTranspose(filters[1], 4, strides=2, padding="same", use_bias=False),  # 14x14
            layers.BatchNormalization(),
            layers.LeakyReLU(0.2),
            Conv2DTranspose(filters[2], 4, strides=2, padding="same", use_bias=False),  # 28x28
            layers.BatchNormalization(),
            layers.LeakyReLU(0.2),
            layers.Conv2D(1, 3, padding="same", activation="tanh"),  # one channel in [-1, 1]
        ],
        name="generator",
    )


@_checked_by(_discriminator_arguments)
def build_discriminator(input_shape=IMAGE_SHAPE, filters=(64, 128, 128), dropout=0.3):
    """The discriminator D: an image in [-1, 1] -> the probability that it is real."""
    # Dropout before LeakyReLU computes the same function as after it (LeakyReLU(c x) =
    # c LeakyReLU(x) for c >= 0). After it, TensorFlow's graph optimizer tries to fuse
    # Conv2D + bias + LeakyReLU, fails under a gradient tape and prints an error.
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(filters[0], 4, strides=2, padding="same"),  # 14x14
            layers.Dropout(dropout),
            layers.LeakyReLU(0.2),
            layers.Conv2D(filters[1], 4, strides=2, padding="same"),  # 7x7
            layers.Dropout(dropout),
            layers.LeakyReLU(0.2),
            layers.Conv2D(filters[2], 3, padding="same"),  # 7x7 again: the whole digit in view
            layers.Dropout(dropout),
            layers.LeakyReLU(0.2),
            layers.Flatten(),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )

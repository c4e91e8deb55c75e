"""The two networks of the course's GAN: the generator G and the discriminator D.

    generator = build_generator()          # z (64 numbers) -> 28x28x1 image in [-1, 1]
    discriminator = build_discriminator()  # image in [-1, 1] -> probability that it is real

Both are plain, uncompiled `keras.Sequential` models; `training.GAN` trains them
against each other.
"""

import keras
from keras import layers

from course_utils import checks
from course_utils.layers import Conv2DTranspose  # Keras' layer; faster to train with JAX on a CPU

LATENT_DIM = 64  # the length of the noise vector z
IMAGE_SHAPE = (28, 28, 1)  # one MNIST digit, with its channel axis


def build_generator(latent_dim=LATENT_DIM, filters=(128, 64, 32), batch_norm=True):
    """Builds the generator G: a latent vector z -> a 28x28x1 image in [-1, 1].

    Dense(7 * 7 * filters[0]) -> Reshape(7, 7, filters[0]) -> Conv2DTranspose
    (filters[1], 4x4, stride 2) to 14x14 -> Conv2DTranspose(filters[2], 4x4,
    stride 2) to 28x28 -> Conv2D(1, 3x3, tanh). Every hidden layer is followed
    by batch normalization (when `batch_norm`) and LeakyReLU(0.2); the tanh
    output matches real images scaled to [-1, 1] with `to_tanh_range`.

    Args:
        latent_dim: length of the noise vector z, a positive integer.
        filters: channels of the 7x7, 14x14 and 28x28 feature maps.
        batch_norm: normalize each hidden layer over the batch.

    Returns:
        An uncompiled `keras.Sequential` named `"generator"`.

    Raises:
        ValueError: if `latent_dim` or a filter count is not a positive integer.

    >>> generator = build_generator(latent_dim=8)
    >>> generator.input_shape, generator.output_shape
    ((None, 8), (None, 28, 28, 1))
    """
    latent_dim = checks.positive_int(
        latent_dim, "latent_dim", "It is the length of z, e.g. build_generator(latent_dim=64)."
    )
    filters = checks.positive_ints(filters, 3, "filters", "build_generator(filters=(128, 64, 32))")

    def normalized():
        return [layers.BatchNormalization()] if batch_norm else []

    model = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * filters[0], use_bias=not batch_norm),
            *normalized(),
            layers.LeakyReLU(0.2),
            layers.Reshape((7, 7, filters[0])),
            Conv2DTranspose(filters[1], 4, strides=2, padding="same", use_bias=not batch_norm),
            *normalized(),
            layers.LeakyReLU(0.2),
            Conv2DTranspose(filters[2], 4, strides=2, padding="same", use_bias=not batch_norm),
            *normalized(),
            layers.LeakyReLU(0.2),
            layers.Conv2D(1, 3, padding="same", activation="tanh"),
        ],
        name="generator",
    )
    return model


def build_discriminator(input_shape=IMAGE_SHAPE, filters=(64, 128, 128), dropout=0.3):
    """Builds the discriminator D: an image -> the probability that it is real.

    Conv2D(filters[0], 4x4, stride 2) to 14x14 -> Conv2D(filters[1], 4x4,
    stride 2) to 7x7 -> Conv2D(filters[2], 3x3) at 7x7 -> Flatten -> Dense(1,
    sigmoid): one number in [0, 1] per image, the document's D: x -> [0, 1].
    Each convolution is followed by dropout and LeakyReLU(0.2). The third
    convolution is cheap at 7x7 and lets D judge the shape of a whole digit,
    not only its strokes. D expects images scaled to [-1, 1], like the
    generator's.

    Args:
        input_shape: `(height, width, channels)` of one image; sides divisible by 4.
        filters: channels of the three convolutions.
        dropout: fraction of activations dropped while training, in [0, 1).

    Returns:
        An uncompiled `keras.Sequential` named `"discriminator"`.

    Raises:
        ValueError: if `input_shape` is not `(height, width, channels)` with
            sides divisible by 4, `filters` is not three positive integers, or
            `dropout` is not in [0, 1).

    >>> discriminator = build_discriminator()
    >>> discriminator.output_shape, discriminator.count_params()
    ((None, 1), 286145)
    """
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
    filters = checks.positive_ints(
        filters, 3, "filters", "build_discriminator(filters=(64, 128, 128))"
    )
    dropout = checks.fraction(
        dropout, "dropout", high_inclusive=False, fix="Use e.g. 0.3, or 0 for none."
    )

    def block(channels, kernel_size, strides):
        # Dropout before LeakyReLU computes the same function as after it (LeakyReLU(c x)
        # = c LeakyReLU(x) for c >= 0), and spares TensorFlow's graph optimizer a fusion
        # of Conv2D + bias + LeakyReLU that fails under a gradient tape, with an error.
        return [
            layers.Conv2D(channels, kernel_size, strides=strides, padding="same"),
            layers.Dropout(dropout),
            layers.LeakyReLU(0.2),
        ]

    return keras.Sequential(
        [
            keras.Input(shape=shape),
            *block(filters[0], 4, 2),
            *block(filters[1], 4, 2),
            *block(filters[2], 3, 1),
            layers.Flatten(),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )

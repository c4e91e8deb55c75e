"""The VAE's networks: the encoder, the decoder, a plain autoencoder and the `VAE` model.

    encoder = build_encoder(latent_dim=16)   # images -> [mean, log_var]
    decoder = build_decoder(latent_dim=16)   # z -> a probability for every pixel
    vae = build_vae(latent_dim=16)           # VAE(encoder, decoder), compiled for fit()

Notebook 07 writes `build_encoder`, `build_decoder` and `VAE` in its own cells,
as the lesson; these are the tested copies of the same text, for reuse
(`build_vae`, notebook 08). `VAE.compute_loss` is the negative ELBO of
`losses`; `build_autoencoder` is the same networks without the noise and the
KL term, for comparison.
"""

import math

import keras
from keras import layers, ops

from course_utils import checks
from course_utils.layers import Conv2DTranspose  # Keras' layer; faster to train with JAX on a CPU
from course_utils.vae import _checks
from course_utils.vae.data import IMAGE_SHAPE
from course_utils.vae.layers import Sampling
from course_utils.vae.losses import kl_divergence, reconstruction_loss


def build_encoder(latent_dim, input_shape=(28, 28, 1)):
    """The encoder: images -> the mean and log-variance of q(z | x), each (batch, latent_dim)."""
    images = keras.Input(shape=input_shape, name="images")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    mean = layers.Dense(latent_dim, name="mean")(x)
    log_var = layers.Dense(latent_dim, name="log_var")(x)  # no activation: any real number
    return keras.Model(images, [mean, log_var], name="encoder")


def build_decoder(latent_dim, output_shape=(28, 28, 1)):
    """The decoder: z -> a probability per pixel, its sigmoid a layer of its own after the logits."""
    height, width, channels = output_shape
    if height % 4 or width % 4:  # two doublings: 7x7 -> 14x14 -> 28x28 for MNIST
        raise ValueError(f"height and width must be divisible by 4; got {output_shape}")
    z = keras.Input(shape=(latent_dim,), name="z")
    x = layers.Dense((height // 4) * (width // 4) * 32, activation="relu")(z)
    x = layers.Reshape((height // 4, width // 4, 32))(x)
    x = Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    logits = Conv2DTranspose(channels, 3, padding="same", name="logits")(x)
    probabilities = layers.Activation("sigmoid", name="pixel_probabilities")(logits)
    return keras.Model(z, probabilities, name="decoder")


def _convolutions(input_shape):
    """The plain autoencoder's convolutions: those of `build_encoder`, before its two heads."""
    shape = _checks.image_shape(input_shape)
    images = keras.Input(shape=shape, name="images")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    return images, layers.Flatten()(x)


def build_autoencoder(latent_dim, input_shape=IMAGE_SHAPE):
    """Builds a plain (not variational) autoencoder: z = encoder(x), x' = decoder(z).

    The same convolutions and decoder as the VAE, but the encoder gives one
    code z per image: no noise, no KL term. It learns to reconstruct; nothing
    makes its codes fill a known region, which is why it cannot generate.

    Args:
        latent_dim: size of z, a positive integer.
        input_shape: `(height, width, channels)` of one image; both sides
            divisible by 4.

    Returns:
        A functional `keras.Model` named "autoencoder" whose layers "encoder"
        (images -> z) and "decoder" (z -> pixel probabilities) are models
        themselves, compiled with Adam and binary cross-entropy: fit it with
        `fit(images, images)`.

    Raises:
        ValueError: if `latent_dim` is not a positive integer or `input_shape`
            is not `(height, width, channels)` with sides divisible by 4.

    >>> autoencoder = build_autoencoder(2)
    >>> tuple(autoencoder.get_layer("encoder").output.shape), tuple(autoencoder.output.shape)
    ((None, 2), (None, 28, 28, 1))
    """
    latent_dim = _checks.latent_dim(latent_dim)
    images, features = _convolutions(input_shape)
    encoder = keras.Model(images, layers.Dense(latent_dim, name="z")(features), name="encoder")
    decoder = build_decoder(latent_dim, input_shape)
    inputs = keras.Input(shape=tuple(input_shape), name="images")
    model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return model


class VAE(keras.Model):
    """A variational autoencoder: `fit(images)` minimizes the negative ELBO, in nats per image."""

    def __init__(self, encoder, decoder, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.latent_dim = decoder.inputs[0].shape[-1]
        self.sampling = Sampling(seed=seed, name="sampling")
        # The decoder without its last layer, the sigmoid: the loss starts from the logits.
        self.decoder_logits = keras.Model(decoder.input, decoder.layers[-1].input)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def call(self, images, training=False):
        mean, log_var = self.encoder(images, training=training)
        z = self.sampling([mean, log_var])  # mean + exp(log_var / 2) * epsilon
        logits = self.decoder_logits(z, training=training)
        return {"mean": mean, "log_var": log_var, "z": z, "logits": logits}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y_pred is None:  # fit passes the model's outputs; called on its own, run the model
            y_pred = self(x, training=training)
        reconstruction = reconstruction_loss(x, y_pred["logits"])
        kl = kl_divergence(y_pred["mean"], y_pred["log_var"])
        loss = ops.mean(reconstruction + kl)  # -ELBO, averaged over the batch
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(ops.mean(reconstruction))
        self.kl_tracker.update_state(ops.mean(kl))
        return loss

    @property
    def metrics(self):  # what fit reports, as running means that Keras resets every epoch
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]


def build_vae(latent_dim, learning_rate=1e-3, seed=None):
    """Builds and compiles a VAE from `build_encoder` and `build_decoder`.

    Args:
        latent_dim: size of z, a positive integer.
        learning_rate: Adam's learning rate, a positive number.
        seed: seed of the sampling noise, or `None`.

    Returns:
        A compiled `VAE`, ready for `fit(images, epochs=..., batch_size=...)`.

    Raises:
        ValueError: if `latent_dim` is not a positive integer or
            `learning_rate` is not a positive number.

    >>> vae = build_vae(16)
    >>> vae.encoder.count_params(), vae.decoder.count_params()
    (119200, 63905)
    """
    latent_dim = _checks.latent_dim(latent_dim)
    if not checks.is_number(learning_rate) or not 0 < learning_rate < math.inf:
        raise ValueError(
            f"`learning_rate` must be a positive number; received {learning_rate!r}. "
            "Adam's default, 1e-3, works well here."
        )
    model = VAE(build_encoder(latent_dim), build_decoder(latent_dim), seed=seed, name="vae")
    model.compile(optimizer=keras.optimizers.Adam(float(learning_rate)))
    return model

"""The VAE's networks: the encoder, the decoder, a plain autoencoder and the `VAE` model.

    encoder = build_encoder(latent_dim=16)   # images -> [mean, log_var]
    decoder = build_decoder(latent_dim=16)   # z -> a probability for every pixel
    vae = build_vae(latent_dim=16)           # VAE(encoder, decoder), compiled for fit()

`VAE.compute_loss` is the negative ELBO of `losses`, written with `keras.ops`
so it trains on every backend; `build_autoencoder` is the same networks
without the noise and the KL term, for comparison.
"""

import math

import keras
from keras import layers, ops

from course_utils import checks
from course_utils.layers import Conv2DTranspose  # Keras' layer; faster to train with JAX on a CPU
from course_utils.vae import _checks
from course_utils.vae.data import IMAGE_SHAPE
from course_utils.vae.layers import Sampling
from course_utils.vae.losses import _kl_ops, _reconstruction_ops


def build_encoder(latent_dim, input_shape=IMAGE_SHAPE):
    """Builds the encoder: convolutions, then the mean and log-variance of q(z | x).

    Conv2D(32, 3x3, stride 2, relu) -> Conv2D(64, 3x3, stride 2, relu) ->
    Flatten -> Dense(latent_dim) twice: `mean` and `log_var` (no activation:
    a log-variance can be any real number). The architecture of the TensorFlow
    VAE tutorial, with "same" padding so 28x28 halves to 14x14 and 7x7.

    Args:
        latent_dim: size of the latent vector z, a positive integer (2 to draw
            the latent space, 16 or more for sharper digits).
        input_shape: `(height, width, channels)` of one image.

    Returns:
        A functional `keras.Model` named "encoder": images -> `[mean, log_var]`,
        each of shape `(batch, latent_dim)`.

    Raises:
        ValueError: if `latent_dim` is not a positive integer or `input_shape`
            is not `(height, width, channels)` with sides of at least 4.

    >>> encoder = build_encoder(2)
    >>> [tuple(output.shape) for output in encoder.outputs]
    [(None, 2), (None, 2)]
    """
    latent_dim = _checks.latent_dim(latent_dim)
    images, features = _convolutions(input_shape)
    mean = layers.Dense(latent_dim, name="mean")(features)
    log_var = layers.Dense(latent_dim, name="log_var")(features)
    return keras.Model(images, [mean, log_var], name="encoder")


def _convolutions(input_shape):
    shape = _checks.image_shape(input_shape)
    images = keras.Input(shape=shape, name="images")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    return images, layers.Flatten()(x)


def build_decoder(latent_dim, output_shape=IMAGE_SHAPE):
    """Builds the decoder: z -> transposed convolutions -> a probability per pixel.

    Dense(7*7*32, relu) -> Reshape(7, 7, 32) -> Conv2DTranspose(64, 3x3,
    stride 2, relu) -> Conv2DTranspose(32, 3x3, stride 2, relu) ->
    Conv2DTranspose(channels, 3x3) giving the logits -> sigmoid. The sigmoid
    is a separate last layer, so the loss can use the logits before it.

    Args:
        latent_dim: size of z, a positive integer.
        output_shape: `(height, width, channels)` of the images; both sides
            divisible by 4 (two doublings).

    Returns:
        A functional `keras.Model` named "decoder": `(batch, latent_dim)` ->
        probabilities of shape `(batch, *output_shape)`.

    Raises:
        ValueError: if `latent_dim` is not a positive integer or a side of
            `output_shape` is not divisible by 4.

    >>> decoder = build_decoder(2)
    >>> tuple(decoder.output.shape), decoder.layers[-1].name
    ((None, 28, 28, 1), 'pixel_probabilities')
    """
    latent_dim = _checks.latent_dim(latent_dim)
    height, width, channels = _checks.image_shape(output_shape, name="output_shape")
    if height % 4 or width % 4:
        raise ValueError(
            f"`output_shape` sides must be divisible by 4 (the decoder doubles 7x7 twice for "
            f"MNIST); received {tuple(output_shape)}. Pad the images, e.g. to 32x32."
        )
    z = keras.Input(shape=(latent_dim,), name="z")
    x = layers.Dense((height // 4) * (width // 4) * 32, activation="relu")(z)
    x = layers.Reshape((height // 4, width // 4, 32))(x)
    x = Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    logits = Conv2DTranspose(channels, 3, padding="same", name="logits")(x)
    probabilities = layers.Activation("sigmoid", name="pixel_probabilities")(logits)
    return keras.Model(z, probabilities, name="decoder")


def build_autoencoder(latent_dim, input_shape=IMAGE_SHAPE):
    """Builds a plain (not variational) autoencoder: z = encoder(x), x' = decoder(z).

    The same convolutions and decoder as the VAE, but the encoder gives one
    code z per image: no noise, no KL term. It learns to reconstruct; nothing
    makes its codes fill a known region, which is why it cannot generate.

    Args:
        latent_dim: size of z, a positive integer.
        input_shape: `(height, width, channels)` of one image.

    Returns:
        A functional `keras.Model` named "autoencoder" whose layers "encoder"
        (images -> z) and "decoder" (z -> pixel probabilities) are models
        themselves, compiled with Adam and binary cross-entropy: fit it with
        `fit(images, images)`.

    Raises:
        ValueError: as `build_encoder` and `build_decoder`.

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


@keras.saving.register_keras_serializable(package="course_utils")
class VAE(keras.Model):
    """A variational autoencoder trained with `fit()` on the negative ELBO.

    Calling the model on images encodes them to `mean` and `log_var`, draws
    `z` with the `Sampling` layer, and decodes. `compute_loss` (which works
    on every Keras backend) returns the batch mean of

        reconstruction + kl = -log p(x | z) + KL(q(z | x) || N(0, I)),

    a one-sample estimate of the negative ELBO, and reports `loss`,
    `reconstruction` and `kl` in nats per image. `fit` takes only images
    (no labels): the images are their own targets.

    Args:
        encoder: a model images -> `[mean, log_var]` (see `build_encoder`).
        decoder: a model z -> pixel probabilities ending in a sigmoid layer
            (see `build_decoder`).
        seed: seed of the sampling noise, or `None`.

    Raises:
        ValueError: if the encoder does not give two outputs of the decoder's
            input size, or the decoder does not end in a sigmoid layer.

    >>> import numpy as np
    >>> vae = VAE(build_encoder(2), build_decoder(2), seed=0)
    >>> outputs = vae(np.zeros((3, 28, 28, 1), dtype="float32"))
    >>> sorted(outputs), tuple(outputs["reconstruction"].shape)
    (['log_var', 'logits', 'mean', 'reconstruction', 'z'], (3, 28, 28, 1))
    """

    def __init__(self, encoder, decoder, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = _checks.parts(encoder, decoder)
        self.encoder = encoder
        self.decoder = decoder
        self.seed = seed
        self.sampling = Sampling(seed=seed, name="sampling")
        self.decoder_logits = _logits_model(decoder)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def call(self, images, training=False):
        mean, log_var = self.encoder(images, training=training)
        z = self.sampling([mean, log_var])
        logits = self.decoder_logits(z, training=training)
        return {
            "mean": mean,
            "log_var": log_var,
            "z": z,
            "logits": logits,
            "reconstruction": ops.sigmoid(logits),
        }

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y_pred is None:
            y_pred = self(x, training=training)
        images = ops.cast(x, y_pred["logits"].dtype)
        reconstruction = _reconstruction_ops(images, y_pred["logits"])
        kl = _kl_ops(y_pred["mean"], y_pred["log_var"])
        loss = ops.mean(reconstruction + kl)
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(ops.mean(reconstruction))
        self.kl_tracker.update_state(ops.mean(kl))
        return loss

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`, after checking that NumPy images lie in [0, 1]."""
        _checks.fit_images(x, "x")
        validation = kwargs.get("validation_data")
        _checks.fit_images(
            validation[0] if isinstance(validation, (tuple, list)) else validation,
            "validation_data",
        )
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate`, after checking that NumPy images lie in [0, 1]."""
        _checks.fit_images(x, "x")
        return super().evaluate(x, y, *args, **kwargs)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def _logits_model(decoder):
    """The decoder up to its logits: the layers before its last, sigmoid layer."""
    last = decoder.layers[-1]
    activation = getattr(last, "activation", None)
    if not isinstance(last, layers.Activation) or getattr(activation, "__name__", "") != "sigmoid":
        raise ValueError(
            f"the decoder must end in a separate sigmoid layer, layers.Activation('sigmoid'), "
            f"so the loss can use the logits before it; its last layer is {type(last).__name__} "
            f"{last.name!r}. Build it with build_decoder(latent_dim)."
        )
    return keras.Model(decoder.input, last.input, name="decoder_logits")


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

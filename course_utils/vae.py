"""Variational autoencoders: an encoder, a decoder and the evidence lower bound.

    train_images, _ = load_binarized_mnist("train")      # pixels 0 or 1
    vae = build_vae(latent_dim=16)                       # compiled, ready for fit()
    vae.fit(train_images, epochs=10, batch_size=128)
    evaluate_elbo(vae, test_images)                      # nats per image, e.g. -82.0

The encoder maps an image x to the mean and log-variance of a Gaussian
q(z | x); the sampling layer draws z = mean + exp(log_var / 2) * epsilon (the
reparameterization trick); the decoder maps z to a probability for every pixel.
Training maximizes the evidence lower bound (ELBO) on log p(x):

    ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || N(0, I))

`VAE` reports both terms as metrics in nats per image: `reconstruction`
(the expected negative log-likelihood) and `kl`; its `loss` is their sum,
the negative ELBO.

Notebook 07 saves its trained models as `build/models/vae_latent<d>_encoder.keras`
and `..._decoder.keras`; notebook 08 gets them back with `load_or_train_vae`.
"""

import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers, ops

from course_utils import config, data, plotting

IMAGE_SHAPE = (28, 28, 1)
BINARIZE_THRESHOLD = 0.5  # as the TensorFlow VAE tutorial: pixel / 255 > 0.5 -> 1
# The TensorFlow VAE tutorial's test ELBO (latent 50, 100 epochs, statically binarized MNIST).
TUTORIAL_TEST_ELBO = -78.3


# --- data -------------------------------------------------------------------------------


def binarize(images, threshold=BINARIZE_THRESHOLD):
    """Statically binarizes images: a pixel becomes 1 where it is above `threshold`, else 0.

    uint8 images (0-255) are scaled to [0, 1] first, so `threshold=0.5` means
    "brighter than mid-grey" for both. The result is fixed once (static
    binarization), as in the TensorFlow VAE tutorial, so every epoch and the
    test ELBO see the same 0/1 images.

    Args:
        images: uint8 array with values 0-255, or a float array with values in
            [0, 1]; any shape, e.g. `(n, 28, 28)` or `(n, 28, 28, 1)`.
        threshold: a number strictly between 0 and 1.

    Returns:
        float32 array of the same shape holding only 0.0 and 1.0.

    Raises:
        ValueError: if float images leave [0, 1], the images are not numeric,
            or `threshold` is not between 0 and 1.

    >>> binarize(np.array([[0, 127, 128, 255]], dtype=np.uint8))
    array([[0., 0., 1., 1.]], dtype=float32)
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)):
        raise ValueError(f"`threshold` must be a number in (0, 1); received {threshold!r}.")
    if not 0 < float(threshold) < 1:
        raise ValueError(
            f"`threshold` must be strictly between 0 and 1; received {threshold}. "
            "Use 0.5 for the usual static binarization."
        )
    array = np.asarray(images)
    if array.dtype == np.uint8:
        array = array.astype(np.float32) / 255.0
    else:
        array = _check_unit_interval(array, "images", "binarize")
    return (array > threshold).astype(np.float32)


def load_binarized_mnist(split, limit=None):
    """Loads MNIST as the VAE uses it: statically binarized, shape `(n, 28, 28, 1)`.

    Args:
        split: `"train"` or `"test"`.
        limit: number of images, `None` for the whole split (see `data.load_mnist`).

    Returns:
        `(images, labels)`: float32 images of 0.0 and 1.0 with shape
        `(n, 28, 28, 1)`, and uint8 labels of shape `(n,)`.

    Raises:
        ValueError: as `data.load_mnist` does, for a bad split or limit.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # the data source, printed once
    ...     images, labels = load_binarized_mnist("test", limit=10)
    >>> images.shape, images.dtype, sorted(np.unique(images).tolist())
    ((10, 28, 28, 1), dtype('float32'), [0.0, 1.0])
    """
    images, labels = data.load_mnist(split, limit=limit)
    return binarize(images)[..., None], labels


# --- the two terms of the ELBO ----------------------------------------------------------


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
    mean, log_var = _check_gaussian(mean, log_var, min_ndim=1)
    epsilon = _finite_array(epsilon, "epsilon")
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
    mean, log_var = _check_gaussian(mean, log_var, min_ndim=2, max_ndim=2)
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
    images = _check_unit_interval(images, "images", "reconstruction_loss")
    logits = _finite_array(logits, "logits")
    if images.ndim < 2 or logits.shape != images.shape:
        raise ValueError(
            "`images` and `logits` must have the same shape with the batch first, e.g. "
            f"(n, 28, 28, 1); received {images.shape} and {logits.shape}. Pass the "
            "decoder's logits for the same images."
        )
    per_pixel = np.logaddexp(0.0, logits) - images * logits
    return per_pixel.reshape(len(images), -1).sum(axis=1)


def _kl_ops(mean, log_var):
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def _reconstruction_ops(images, logits):
    per_pixel = ops.softplus(logits) - images * logits
    return ops.sum(ops.reshape(per_pixel, (ops.shape(per_pixel)[0], -1)), axis=-1)


# --- the model --------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="course_utils")
class Sampling(layers.Layer):
    """Draws z = mean + exp(log_var / 2) * epsilon with epsilon ~ N(0, I).

    The reparameterization trick as a layer: called on `[mean, log_var]`, it
    uses Keras' seeded random numbers (`keras.random.normal` with a
    `SeedGenerator`), so it works on every backend and repeats with a seed.

    Args:
        seed: an integer for repeatable draws, or `None` (then
            `keras.utils.set_random_seed` decides).

    Raises:
        ValueError: when called on anything but two tensors of the same shape.

    >>> layer = Sampling(seed=0)
    >>> mean, log_var = np.full((2, 3), 5.0), np.full((2, 3), -50.0)  # tiny variance
    >>> np.round(keras.ops.convert_to_numpy(layer([mean, log_var])), 4)
    array([[5., 5., 5.],
           [5., 5., 5.]], dtype=float32)
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"`seed` must be an integer or None; received {seed!r}.")
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def build(self, input_shape):
        _check_pair_shapes(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(_check_pair_shapes(input_shape)[0])

    def call(self, inputs):
        mean, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


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
    latent_dim = _check_latent_dim(latent_dim)
    images, features = _convolutions(input_shape)
    mean = layers.Dense(latent_dim, name="mean")(features)
    log_var = layers.Dense(latent_dim, name="log_var")(features)
    return keras.Model(images, [mean, log_var], name="encoder")


def _convolutions(input_shape):
    shape = _check_image_shape(input_shape)
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
    latent_dim = _check_latent_dim(latent_dim)
    height, width, channels = _check_image_shape(output_shape, name="output_shape")
    if height % 4 or width % 4:
        raise ValueError(
            f"`output_shape` sides must be divisible by 4 (the decoder doubles 7x7 twice for "
            f"MNIST); received {tuple(output_shape)}. Pad the images, e.g. to 32x32."
        )
    z = keras.Input(shape=(latent_dim,), name="z")
    x = layers.Dense((height // 4) * (width // 4) * 32, activation="relu")(z)
    x = layers.Reshape((height // 4, width // 4, 32))(x)
    x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    logits = layers.Conv2DTranspose(channels, 3, padding="same", name="logits")(x)
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
    latent_dim = _check_latent_dim(latent_dim)
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

    >>> vae = VAE(build_encoder(2), build_decoder(2), seed=0)
    >>> outputs = vae(np.zeros((3, 28, 28, 1), dtype="float32"))
    >>> sorted(outputs), tuple(outputs["reconstruction"].shape)
    (['log_var', 'logits', 'mean', 'reconstruction', 'z'], (3, 28, 28, 1))
    """

    def __init__(self, encoder, decoder, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = _check_parts(encoder, decoder)
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
        _check_fit_images(x, "x")
        validation = kwargs.get("validation_data")
        _check_fit_images(
            validation[0] if isinstance(validation, (tuple, list)) else validation,
            "validation_data",
        )
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate`, after checking that NumPy images lie in [0, 1]."""
        _check_fit_images(x, "x")
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
    latent_dim = _check_latent_dim(latent_dim)
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, (int, float, np.number))
        or not 0 < learning_rate < math.inf
    ):
        raise ValueError(
            f"`learning_rate` must be a positive number; received {learning_rate!r}. "
            "Adam's default, 1e-3, works well here."
        )
    model = VAE(build_encoder(latent_dim), build_decoder(latent_dim), seed=seed, name="vae")
    model.compile(optimizer=keras.optimizers.Adam(float(learning_rate)))
    return model


# --- measuring --------------------------------------------------------------------------


def evaluate_elbo(model, images, draws=5, batch_size=500, seed=0):
    """The ELBO of `images` under a VAE, in nats per image (higher is better).

    For every image, the encoder gives q(z | x); z is drawn `draws` times with
    NumPy noise from `seed`, so the number does not depend on the model's own
    random state, and

        ELBO = mean over draws of log p(x | z) - KL(q(z | x) || N(0, I)),

    averaged over the images. It is a lower bound on log p(x): the closer to 0,
    the better the model explains the images. On statically binarized MNIST
    the TensorFlow tutorial reports -78.3 (latent 50, 100 epochs).

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

    >>> vae = build_vae(2, seed=0)
    >>> images = binarize(np.random.default_rng(0).random((8, 28, 28, 1)))
    >>> -560 < evaluate_elbo(vae, images) < -530  # untrained: about 784 coin flips
    True
    """
    encoder, decoder_logits = _vae_parts(model)
    images = _check_model_images(images, encoder)
    draws = config.positive_int(draws, "draws")
    batch_size = config.positive_int(batch_size, "batch_size")
    mean, log_var = (
        part.astype(np.float64) for part in config.run_in_batches(encoder, images, batch_size)
    )
    kl = kl_divergence(mean, log_var)
    rng = np.random.default_rng(seed)
    log_likelihood = np.zeros(len(images))
    for _ in range(draws):
        z = reparameterize(mean, log_var, rng.standard_normal(mean.shape)).astype(np.float32)
        logits = config.run_in_batches(decoder_logits, z, batch_size)[0]
        log_likelihood -= reconstruction_loss(images, logits.astype(np.float64))
    return float(np.mean(log_likelihood / draws - kl))


def encode(encoder, images, batch_size=500):
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

    >>> encode(build_encoder(3), np.zeros((5, 28, 28))).shape
    (5, 3)
    """
    encoder = getattr(encoder, "encoder", encoder)
    images = _check_model_images(images, encoder)
    batch_size = config.positive_int(batch_size, "batch_size")
    return config.run_in_batches(encoder, images, batch_size)[0].astype(np.float32)


def decode(decoder, z, batch_size=500):
    """Pixel probabilities the decoder gives for latent vectors `z`.

    Args:
        decoder: a model z -> images, or a `VAE`.
        z: array of shape `(n, latent_dim)`.
        batch_size: vectors per forward pass.

    Returns:
        float32 NumPy array of shape `(n, 28, 28, 1)` with values in [0, 1].

    Raises:
        ValueError: if `z` is not 2D with the decoder's latent size or not finite.

    >>> decode(build_decoder(2), np.zeros((4, 2))).shape
    (4, 28, 28, 1)
    """
    decoder = getattr(decoder, "decoder", decoder)
    latent_dim = int(decoder.inputs[0].shape[-1])
    z = _finite_array(z, "z")
    if z.ndim != 2 or z.shape[1] != latent_dim or not len(z):
        raise ValueError(
            f"`z` must have shape (n, {latent_dim}) for this decoder, n >= 1; received {z.shape}. "
            f"For one vector use z[None]."
        )
    batch_size = config.positive_int(batch_size, "batch_size")
    return config.run_in_batches(decoder, z.astype(np.float32), batch_size)[0].astype(np.float32)


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

    >>> sample_images(build_decoder(4), 3).shape
    (3, 28, 28, 1)
    """
    decoder = getattr(decoder, "decoder", decoder)
    count = config.positive_int(count, "count")
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

    >>> vae = build_vae(2)
    >>> interpolate(vae, np.zeros((28, 28)), np.ones((28, 28)), steps=5).shape
    (5, 28, 28, 1)
    """
    encoder, _ = _vae_parts(model)
    steps = config.positive_int(steps, "steps")
    if steps < 2:
        raise ValueError(f"`steps` must be at least 2 (the two end points); received {steps}.")
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


# --- pictures ---------------------------------------------------------------------------


def plot_elbo_history(history, title=None):
    """Plots the negative ELBO and its two terms per epoch, in nats per image.

    Args:
        history: the `History` that `VAE.fit` returns, or its `.history` dict,
            with `loss`, `reconstruction` and `kl` (and `val_` curves if any).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure: three panels, -ELBO = reconstruction + KL.

    Raises:
        ValueError: if the history lacks `loss`, `reconstruction` or `kl`.

    >>> fig = plot_elbo_history({"loss": [200.0, 150.0], "reconstruction": [190.0, 130.0],
    ...                          "kl": [10.0, 20.0]})
    >>> [ax.get_title() for ax in fig.axes]
    ['-ELBO (loss)', 'reconstruction: -log p(x|z)', 'KL(q(z|x) || N(0, I))']
    """
    logs = getattr(history, "history", history)
    names = ["loss", "reconstruction", "kl"]
    if not isinstance(logs, dict) or any(name not in logs for name in names):
        raise ValueError(
            "`history` must be what VAE.fit returns (or its .history dict), with 'loss', "
            f"'reconstruction' and 'kl'; received {sorted(logs) if isinstance(logs, dict) else type(logs).__name__}."
        )
    fig = plotting.plot_history(logs, metrics=names, title=title)
    titles = ["-ELBO (loss)", "reconstruction: -log p(x|z)", "KL(q(z|x) || N(0, I))"]
    for ax, text in zip(fig.axes, titles):
        ax.set_title(text)
        ax.set_ylabel("nats per image")
    fig.tight_layout()
    return fig


def plot_latent_space(encoder, images, labels, title=None, size=5.5):
    """Scatters the codes (encoder means) of images, one colour per digit.

    For a 2-dimensional latent space the axes are z1 and z2; for more
    dimensions the codes are projected on their first two principal axes.
    Circles of radius 1 and 2 mark where the prior N(0, I) puts most of its mass.

    Args:
        encoder: a model images -> `[mean, log_var]`, a `VAE`, or an
            autoencoder's encoder.
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` in [0, 1].
        labels: integer array `(n,)` of the digits, for the colours.
        title: optional title.
        size: width and height of the figure in inches.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `labels` does not hold one integer per image.

    >>> fig = plot_latent_space(build_encoder(2), np.zeros((4, 28, 28)), np.arange(4))
    >>> fig.axes[0].get_xlabel()
    'z1'
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) != len(np.asarray(images)):
        raise ValueError(
            "`labels` must hold one integer class per image; received dtype "
            f"{labels.dtype} and shape {labels.shape} for {len(np.asarray(images))} images."
        )
    codes = encode(encoder, images).astype(np.float64)
    axis_names = ("z1", "z2")
    if codes.shape[1] > 2:
        centred = codes - codes.mean(axis=0)
        _, _, directions = np.linalg.svd(centred, full_matrices=False)
        codes = centred @ directions[:2].T
        axis_names = ("principal axis 1 of z", "principal axis 2 of z")
    elif codes.shape[1] == 1:
        codes = np.column_stack([codes[:, 0], np.zeros(len(codes))])
    fig, ax = plt.subplots(figsize=(size + 1.0, size))
    picture = ax.scatter(
        codes[:, 0], codes[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=4, alpha=0.7
    )
    for radius in (1, 2):
        ax.add_patch(plt.Circle((0, 0), radius, fill=False, ls="--", lw=1, color="black"))
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    bar = fig.colorbar(picture, ax=ax, ticks=range(10), label="digit")
    bar.ax.set_yticklabels([str(digit) for digit in range(10)])
    ax.set_title(title or "codes of the test images (dashed: radius 1 and 2 of N(0, I))")
    fig.tight_layout()
    return fig


def plot_manifold(decoder, grid_size=15, title=None):
    """Draws what a 2-dimensional latent space holds: decoded images on a grid of z.

    The grid points are the quantiles 5% ... 95% of N(0, 1) along each axis
    (as in Kingma and Welling's figure), so equal steps hold equal prior mass
    and the picture covers where the prior puts 90% of its mass per axis.

    Args:
        decoder: a decoder with a 2-dimensional input, or such a `VAE`.
        grid_size: images per side, at least 2.
        title: optional title.

    Returns:
        The matplotlib Figure: one image of `grid_size` x `grid_size` digits.

    Raises:
        ValueError: if the latent space is not 2-dimensional or `grid_size` < 2.

    >>> fig = plot_manifold(build_decoder(2), grid_size=3)
    >>> fig.axes[0].get_xlabel()
    'z1'
    """
    from scipy.stats import norm

    decoder = getattr(decoder, "decoder", decoder)
    latent_dim = int(decoder.inputs[0].shape[-1])
    if latent_dim != 2:
        raise ValueError(
            f"plot_manifold needs a 2-dimensional latent space; this decoder takes "
            f"{latent_dim}. Use a model built with latent_dim=2, or show samples instead."
        )
    grid_size = config.positive_int(grid_size, "grid_size")
    if grid_size < 2:
        raise ValueError(f"`grid_size` must be at least 2; received {grid_size}.")
    values = norm.ppf(np.linspace(0.05, 0.95, grid_size))
    z1, z2 = np.meshgrid(values, values[::-1])  # z2 grows upwards, as on a plot
    images = decode(decoder, np.column_stack([z1.ravel(), z2.ravel()]))[..., 0]
    side = images.shape[1]
    canvas = (
        images.reshape(grid_size, grid_size, side, side)
        .transpose(0, 2, 1, 3)
        .reshape(grid_size * side, grid_size * side)
    )
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=1)
    centres = side * np.arange(grid_size) + side / 2 - 0.5
    last = grid_size - 1  # label symmetric pairs of cells: the ends, a quarter in, the middle
    show = sorted(
        {0, grid_size // 4, last - grid_size // 4, last, *([last // 2] * (grid_size % 2))}
    )
    ax.set_xticks(centres[show], [f"{values[i]:.2f}" for i in show])
    ax.set_yticks(centres[show], [f"{values[::-1][i]:.2f}" for i in show])
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    ax.set_title(title or f"decoder(z) on a {grid_size}x{grid_size} grid of the prior's quantiles")
    fig.tight_layout()
    return fig


def plot_reconstructions(model, images, count=10, title=None):
    """Shows images (top row) and their reconstructions (bottom row).

    The reconstruction decodes the encoder's mean (no noise) and shows pixel
    probabilities: grey where the model is unsure whether a pixel is on.

    Args:
        model: a `VAE`, or an autoencoder (a model images -> images).
        images: array `(n, 28, 28, 1)` or `(n, 28, 28)` in [0, 1].
        count: how many of the images to show (the first `count`).
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `images` leave [0, 1] or have the wrong shape.

    >>> fig = plot_reconstructions(build_vae(2), np.zeros((3, 28, 28)))
    >>> len(fig.axes), fig.axes[3].get_ylabel()
    (6, 'rebuilt')
    """
    count = config.positive_int(count, "count")
    if hasattr(model, "encoder") and hasattr(model, "decoder"):
        images = _check_model_images(images, model.encoder)[:count]
        rebuilt = decode(model.decoder, encode(model.encoder, images))
    else:
        images = _check_model_images(images, model)[:count]
        rebuilt = ops.convert_to_numpy(model(images))
    count = len(images)
    fig, axes = plt.subplots(2, count, figsize=(1.4 * count + 0.6, 3.4), squeeze=False)
    for row, (batch, name) in enumerate(((images, "input"), (rebuilt, "rebuilt"))):
        for col in range(count):
            ax = axes[row, col]
            ax.imshow(batch[col, ..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(name)
    fig.suptitle(title or "inputs (top) and their reconstructions (bottom)")
    fig.tight_layout()
    return fig


def plot_generators(samples, coverage=None, count=36, title=None):
    """Shows generators side by side: a grid of samples each, and what digits they make.

    Args:
        samples: dict from a name (e.g. "GAN", "VAE") to images of shape
            `(n, 28, 28, 1)` or `(n, 28, 28)` with values in [0, 1].
        coverage: optional dict from a name to the fraction of images predicted
            as each digit (an array of 10, or an `evaluation.Measures`, whose
            `coverage` is used), drawn as grouped bars in a last panel.
        count: images per grid (the first `count`; a square number fills the grid).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure: one panel per generator, then the bars.

    Raises:
        ValueError: if `samples` is empty or holds images outside [0, 1], or a
            coverage histogram has another length than the others.

    >>> fig = plot_generators({"A": np.zeros((4, 28, 28)), "B": np.ones((4, 28, 28))},
    ...                       coverage={"A": np.full(10, 0.1)}, count=4)
    >>> [ax.get_title() for ax in fig.axes]
    ['A', 'B', 'predicted digit of each sample']
    """
    if not isinstance(samples, dict) or not samples:
        raise ValueError(
            "`samples` must be a non-empty dict from a name to images, e.g. "
            f"{{'GAN': gan_images, 'VAE': vae_images}}; received {type(samples).__name__}."
        )
    count = config.positive_int(count, "count")
    grids = {}
    for name, images in samples.items():
        images = _check_unit_interval(images, f"samples[{name!r}]", "plot_generators")
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        if images.ndim != 3 or not len(images):
            raise ValueError(
                f"`samples[{name!r}]` must have shape (n, height, width) or (n, height, width, 1); "
                f"received {images.shape}."
            )
        grids[name] = _mosaic(images[:count])
    histograms = {}
    for name, value in (coverage or {}).items():
        histograms[name] = np.asarray(getattr(value, "coverage", value), dtype=np.float64)
    if len({h.shape for h in histograms.values()}) > 1:
        raise ValueError(
            "every coverage histogram must have the same length (one share per class); received "
            f"{ {name: h.shape for name, h in histograms.items()} }."
        )
    panels = len(grids) + bool(histograms)
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(3.6 * panels + (1.2 if histograms else 0), 3.9),
        squeeze=False,
        gridspec_kw={"width_ratios": [1] * len(grids) + ([1.4] if histograms else [])},
    )
    axes = axes[0]
    for ax, (name, grid) in zip(axes, grids.items()):
        ax.imshow(grid, cmap="gray", vmin=0, vmax=1)
        ax.set_title(name)
        ax.axis("off")
    if histograms:
        ax = axes[-1]
        classes = len(next(iter(histograms.values())))
        width = 0.8 / len(histograms)
        for i, (name, histogram) in enumerate(histograms.items()):
            share = histogram / max(histogram.sum(), 1e-12)
            offset = (i - (len(histograms) - 1) / 2) * width
            ax.bar(np.arange(classes) + offset, share, width, label=name)
        ax.axhline(1 / classes, color="black", ls="--", lw=1, label="uniform")
        ax.set_xticks(range(classes))
        ax.set_xlabel("digit (by the classifier)")
        ax.set_ylabel("fraction of samples")
        ax.set_title("predicted digit of each sample")
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def comparison_table(rows, columns):
    """A plain-text table comparing models: one row per measure, one column per model.

    Args:
        rows: dict from a row label to one value per column; numbers are shown
            with 4 significant digits, anything else as text ("none", "").
        columns: the column names, e.g. `["GAN", "VAE", "real test"]`.

    Returns:
        A string, one line per row under a header line.

    Raises:
        ValueError: if `rows` is empty or a row has another number of values
            than there are columns.

    >>> print(comparison_table({"score": [9.512, 7.0], "likelihood": ["none", -84.123]},
    ...                        ["GAN", "VAE"]))
                         GAN         VAE
    score              9.512           7
    likelihood          none      -84.12
    """
    columns = [str(name) for name in columns]
    if not isinstance(rows, dict) or not rows or not columns:
        raise ValueError(
            "`rows` must be a non-empty dict from a label to one value per column, and "
            f"`columns` a non-empty list of names; received {type(rows).__name__} and {columns!r}."
        )
    for label, values in rows.items():
        if len(values) != len(columns):
            raise ValueError(
                f"row {label!r} has {len(values)} values for {len(columns)} columns "
                f"({', '.join(columns)}); give one value per column ('' for none)."
            )

    def cell(value):
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            return f"{float(value) + 0.0:.4g}"
        return str(value)

    width = max(len(label) for label in rows) + 2
    lines = [" " * width + "".join(f"{name:>12}" for name in columns)]
    for label, values in rows.items():
        lines.append(f"{label:<{width}}" + "".join(f"{cell(v):>12}" for v in values))
    return "\n".join(line.rstrip() for line in lines)


def _mosaic(images, ncols=None):
    """Tiles `(n, h, w)` images into one picture, with a 1-pixel grey border."""
    count, height, width = images.shape
    ncols = ncols or math.ceil(math.sqrt(count))
    nrows = math.ceil(count / ncols)
    canvas = np.full((nrows * (height + 1) + 1, ncols * (width + 1) + 1), 0.5)
    for index, image in enumerate(images):
        row, col = divmod(index, ncols)
        top, left = 1 + row * (height + 1), 1 + col * (width + 1)
        canvas[top : top + height, left : left + width] = image
    return canvas


# --- saving and loading -----------------------------------------------------------------


def vae_paths(latent_dim):
    """Where notebook 07 saves a VAE: `build/models/vae_latent<d>_{encoder,decoder}.keras`.

    In the fast profile the files end in `.fast.keras` (see `config.model_path`),
    so a quick run never replaces a model trained for real.

    Returns:
        `(encoder_path, decoder_path)`, two `pathlib.Path`.

    Raises:
        ValueError: if `latent_dim` is not a positive integer.
    """
    stem = f"vae_latent{_check_latent_dim(latent_dim)}"
    return config.model_path(f"{stem}_encoder"), config.model_path(f"{stem}_decoder")


def save_vae(model, **facts):
    """Saves a trained VAE's encoder and decoder, with a JSON note of how it was trained.

    Args:
        model: a trained `VAE`.
        **facts: numbers worth keeping, e.g. `test_elbo=-82.1, epochs=10,
            train_seconds=300`.

    Returns:
        `(encoder_path, decoder_path)`; the note is next to the decoder, `.json`.

    Raises:
        ValueError: if `model` is not a VAE or a fact is not a number.
    """
    _vae_parts(model)
    encoder_path, decoder_path = vae_paths(model.latent_dim)
    # The note first (it checks the facts), next to the decoder.
    config.write_model_note(decoder_path, latent_dim=int(model.latent_dim), **facts)
    model.encoder.save(encoder_path)
    model.decoder.save(decoder_path)
    print(f"saved the encoder to {encoder_path} and the decoder to {decoder_path}")
    return encoder_path, decoder_path


def load_or_train_vae(latent_dim=16, epochs=1, train_limit=None, batch_size=128):
    """Loads the VAE notebook 07 saved, or trains a quick one and says so.

    Args:
        latent_dim: which saved model, by its latent size.
        epochs: epochs of the quick training when no saved model exists.
        train_limit: binarized MNIST training images for the quick training;
            by default the current profile's `train_limit`.
        batch_size: images per batch of the quick training.

    Returns:
        `(model, note)`: a compiled `VAE` and the dict saved with it
        (`profile`, `latent_dim`, `test_elbo`, `epochs`, `train_seconds`, ...).

    Raises:
        ValueError: if `latent_dim` or `epochs` is not a positive integer.
    """
    latent_dim = _check_latent_dim(latent_dim)
    epochs = config.positive_int(epochs, "epochs")
    encoder_path, decoder_path = vae_paths(latent_dim)
    if encoder_path.is_file() and decoder_path.is_file():
        encoder = keras.models.load_model(encoder_path)
        decoder = keras.models.load_model(decoder_path)
        model = VAE(encoder, decoder, name="vae")
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        note = config.read_model_note(decoder_path)
        described = config.describe_model_note(note)
        print(
            f"loaded the VAE from {decoder_path.parent}" + (f" ({described})" if described else "")
        )
        return model, note
    profile = config.profile()
    limit = profile.train_limit if train_limit is None else train_limit
    train_images, _ = load_binarized_mnist("train", limit=limit)
    test_images, _ = load_binarized_mnist("test", limit=profile.test_limit)
    print(
        f"No trained VAE at {decoder_path}: training a quick one now (latent {latent_dim}, "
        f"{epochs} epoch(s) on {len(train_images):,} images). Run notebook 07 for the real one."
    )
    config.set_seed(0)
    model = build_vae(latent_dim)
    start = time.perf_counter()
    model.fit(train_images, epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - start
    elbo = evaluate_elbo(model, test_images)
    print(f"quick VAE: test ELBO {elbo:.1f} nats per image, trained in {seconds:.0f} s")
    save_vae(
        model,
        test_elbo=elbo,
        epochs=epochs,
        train_images=len(train_images),
        train_seconds=seconds,
    )
    return model, config.read_model_note(decoder_path)


# --- checks -----------------------------------------------------------------------------


def _check_latent_dim(latent_dim):
    if (
        isinstance(latent_dim, bool)
        or not isinstance(latent_dim, (int, np.integer))
        or latent_dim < 1
    ):
        raise ValueError(
            f"`latent_dim` must be a positive integer (the size of z); received {latent_dim!r}. "
            "Use 2 to draw the latent space, or 16 for sharper samples."
        )
    return int(latent_dim)


def _check_image_shape(shape, name="input_shape"):
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


def _finite_array(values, name):
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


def _check_unit_interval(images, name, where):
    array = np.asarray(images)
    if array.dtype.kind not in "fiub":
        raise ValueError(f"`{name}` must be a numeric array; received dtype {array.dtype}.")
    array = _finite_array(array, name)
    if array.size and (array.min() < 0 or array.max() > 1):
        raise ValueError(
            f"`{name}` for {where} must have values in [0, 1] (the Bernoulli likelihood needs "
            f"pixel probabilities); received values from {array.min():g} to {array.max():g}. "
            "Scale uint8 images with binarize(images) or data.normalize_images(images)."
        )
    return array


def _check_gaussian(mean, log_var, min_ndim=1, max_ndim=None):
    mean = _finite_array(mean, "mean")
    log_var = _finite_array(log_var, "log_var")
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


def _check_pair_shapes(input_shape):
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


def _check_parts(encoder, decoder):
    outputs = getattr(encoder, "outputs", None)
    inputs = getattr(decoder, "inputs", None)
    if not outputs or len(outputs) != 2 or not inputs or len(inputs) != 1:
        raise ValueError(
            "`encoder` must be a functional model with two outputs, [mean, log_var], and "
            "`decoder` one with a single input z; received "
            f"{type(encoder).__name__} and {type(decoder).__name__}. Build them with "
            "build_encoder(latent_dim) and build_decoder(latent_dim)."
        )
    mean_shape, log_var_shape = (tuple(output.shape) for output in outputs)
    latent_dim = inputs[0].shape[-1]
    if mean_shape != log_var_shape or mean_shape[-1] != latent_dim:
        raise ValueError(
            f"the encoder's mean {mean_shape} and log_var {log_var_shape} must both have the "
            f"decoder's latent size {latent_dim}; build both parts with the same latent_dim."
        )
    return int(latent_dim)


def _logits_model(decoder):
    last = decoder.layers[-1]
    activation = getattr(last, "activation", None)
    if not isinstance(last, layers.Activation) or getattr(activation, "__name__", "") != "sigmoid":
        raise ValueError(
            f"the decoder must end in a separate sigmoid layer, layers.Activation('sigmoid'), "
            f"so the loss can use the logits before it; its last layer is {type(last).__name__} "
            f"{last.name!r}. Build it with build_decoder(latent_dim)."
        )
    return keras.Model(decoder.input, last.input, name="decoder_logits")


def _vae_parts(model):
    encoder = getattr(model, "encoder", None)
    logits = getattr(model, "decoder_logits", None)
    if encoder is None or logits is None:
        raise ValueError(
            f"`model` must be a VAE (with an encoder and a decoder); received "
            f"{type(model).__name__}. Build one with build_vae(latent_dim), or wrap saved parts "
            "with VAE(encoder, decoder)."
        )
    return encoder, logits


def _check_model_images(images, model):
    array = _check_unit_interval(images, "images", "the VAE")
    expected = tuple(model.inputs[0].shape[1:])
    if array.ndim == len(expected) and expected[-1] == 1:
        array = array[..., None]
    if array.ndim != len(expected) + 1 or tuple(array.shape[1:]) != expected or not len(array):
        raise ValueError(
            f"`images` must have shape (n, {', '.join(map(str, expected))}) with n >= 1; received "
            f"{array.shape}. For one image use images[None]."
        )
    return array.astype(np.float32)


def _check_fit_images(images, name):
    if isinstance(images, np.ndarray) and images.size:
        if images.min() < 0 or images.max() > 1:
            raise ValueError(
                f"`{name}` must hold images with values in [0, 1] for the Bernoulli "
                f"likelihood; received dtype {images.dtype} with values from {images.min()} "
                f"to {images.max()}. Use load_binarized_mnist(...) or binarize(images)."
            )

"""Generative adversarial networks: a generator G: z -> x and a discriminator D: x -> [0, 1].

    generator = build_generator()                 # z (64 numbers) -> 28x28x1 image in [-1, 1]
    discriminator = build_discriminator()         # image -> probability that it is real
    gan = GAN(generator, discriminator)
    gan.compile()                                 # one Adam optimizer for each network
    gan.fit(to_tanh_range(images), epochs=2, batch_size=32, callbacks=[SampleGrid()])
    samples = generate(gan.ema_generator, 16)     # images in [0, 1], ready to show or score

`GAN` trains both networks inside `fit()`: its own `train_step` runs compiled,
shows Keras' progress bar and works with callbacks. It needs the TensorFlow
backend (it computes gradients with `tf.GradientTape`).
"""

import pathlib
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from course_utils import config, data

LATENT_DIM = 64
# The course's recipe, measured in notebook 06 (section 8): small batches and a high
# learning rate for both networks, sampling from the moving average of the generator.
BATCH_SIZE = 32
LEARNING_RATE = 8e-4
IMAGE_SHAPE = (28, 28, 1)
EPSILON = 1e-7  # probabilities are clipped to [EPSILON, 1 - EPSILON], as Keras does


# --- the two networks -------------------------------------------------------------------


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
    latent_dim = config.positive_int(
        latent_dim, "latent_dim", "It is the length of z, e.g. build_generator(latent_dim=64)."
    )
    filters = _filters(filters, 3, "build_generator(filters=(128, 64, 32))")

    def normalized():
        return [layers.BatchNormalization()] if batch_norm else []

    model = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * filters[0], use_bias=not batch_norm),
            *normalized(),
            layers.LeakyReLU(0.2),
            layers.Reshape((7, 7, filters[0])),
            layers.Conv2DTranspose(
                filters[1], 4, strides=2, padding="same", use_bias=not batch_norm
            ),
            *normalized(),
            layers.LeakyReLU(0.2),
            layers.Conv2DTranspose(
                filters[2], 4, strides=2, padding="same", use_bias=not batch_norm
            ),
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
        or not all(isinstance(s, (int, np.integer)) and s > 0 for s in shape)
        or shape[0] % 4
        or shape[1] % 4
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with height and width divisible "
            f"by 4 (two stride-2 convolutions); received {input_shape!r}. For MNIST use "
            "(28, 28, 1)."
        )
    filters = _filters(filters, 3, "build_discriminator(filters=(64, 128, 128))")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(
            f"`dropout` must be a fraction in [0, 1); received {dropout!r}. Use e.g. 0.3, "
            "or 0 for none."
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


# --- the two losses, on the probabilities D outputs ------------------------------------


def discriminator_loss(real_scores, fake_scores, label_smoothing=0.0):
    """The discriminator's loss: binary cross-entropy, real -> 1 and fake -> 0.

    `-mean(ln D(x)) - mean(ln(1 - D(G(z))))`: the mean cross-entropy of the
    scores of real images against the label 1, plus that of the scores of
    generated images against 0. D minimizes it by scoring real images near 1
    and generated ones near 0. Probabilities are clipped to
    `[1e-7, 1 - 1e-7]`, as Keras does, so a score of exactly 0 or 1 gives a
    large but finite loss.

    Args:
        real_scores: D's probabilities for real images, any shape, values in [0, 1].
        fake_scores: D's probabilities for generated images, any shape.
        label_smoothing: target for real images is `1 - label_smoothing`
            (one-sided label smoothing; 0 for the plain loss).

    Returns:
        The loss, a Python float.

    Raises:
        ValueError: if the scores are empty, not finite or outside [0, 1].

    >>> round(discriminator_loss([0.9, 0.8], [0.1, 0.3]), 4)  # confident and right: small
    0.3953
    >>> round(discriminator_loss([0.5], [0.5]), 4)            # 2 ln 2: D cannot tell
    1.3863
    """
    real = _check_scores(real_scores, "real_scores")
    fake = _check_scores(fake_scores, "fake_scores")
    if not isinstance(label_smoothing, (int, float)) or not 0 <= label_smoothing < 0.5:
        raise ValueError(
            f"`label_smoothing` must be in [0, 0.5); received {label_smoothing!r}. Use 0 for "
            "the plain loss or e.g. 0.1 to aim real scores at 0.9."
        )
    target = 1.0 - label_smoothing
    return float(_binary_cross_entropy(target, real) + _binary_cross_entropy(0.0, fake))


def generator_loss(fake_scores):
    """The non-saturating generator loss: `mean(-ln D(G(z)))`.

    G wants D to score its images as real. The minimax game's generator
    minimizes `mean(ln(1 - D(G(z))))`, which is flat where D confidently
    rejects the fakes (whenever D gets far ahead of G, in many GANs early
    on); `-ln D(G(z))` has the same goal and a steep slope there. Probabilities are clipped like Keras'.

    Args:
        fake_scores: D's probabilities for generated images, any shape.

    Returns:
        The loss, a Python float.

    Raises:
        ValueError: if the scores are empty, not finite or outside [0, 1].

    >>> round(generator_loss([0.01, 0.02]), 3)   # D rejects the fakes: large loss
    4.259
    >>> round(generator_loss([0.5, 0.5]), 4)     # ln 2
    0.6931
    """
    return float(_binary_cross_entropy(1.0, _check_scores(fake_scores, "fake_scores")))


def plot_generator_losses():
    """Draws the two generator losses, and how hard each pushes, against D(G(z)).

    Left: the minimax game's (saturating) loss `ln(1 - D(G(z)))` and the
    non-saturating `-ln D(G(z))`, both minimized by the generator. Right: the
    size of their gradient with respect to the discriminator's logit `a`
    (`D = sigmoid(a)`), which is what reaches the generator's weights:
    `D(G(z))` for the saturating loss and `1 - D(G(z))` for the non-saturating
    one. Where D confidently rejects the fakes (`D(G(z))` near 0), the first
    is nearly 0 and the second nearly 1.

    Returns:
        The matplotlib Figure.

    >>> [ax.get_xlabel() for ax in plot_generator_losses().axes]
    ['D(G(z)): how real D finds a fake', 'D(G(z)): how real D finds a fake']
    """
    scores = np.linspace(0.001, 0.999, 500)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.plot(scores, np.log(1 - scores), label="saturating: ln(1 - D(G(z)))")
    left.plot(scores, -np.log(scores), label="non-saturating: -ln D(G(z))")
    left.set_ylabel("generator loss (minimized)")
    left.set_title("the two losses")
    right.semilogy(scores, scores, label="saturating: D(G(z))")
    right.semilogy(scores, 1 - scores, label="non-saturating: 1 - D(G(z))")
    right.set_ylabel("|gradient| at D's logit")
    right.set_title("how hard each loss pushes the generator")
    for ax in (left, right):
        ax.axvspan(0, 0.1, color="grey", alpha=0.15, label="where D rejects the fakes")
        ax.set_xlabel("D(G(z)): how real D finds a fake")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _binary_cross_entropy(target, scores):
    scores = np.clip(scores, EPSILON, 1.0 - EPSILON)
    return np.mean(-(target * np.log(scores) + (1.0 - target) * np.log(1.0 - scores)))


def _check_scores(scores, name):
    try:
        array = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.size == 0 or not np.isfinite(array).all():
        raise ValueError(
            f"`{name}` must be a non-empty array of finite probabilities; received "
            f"{scores!r:.80}. Pass what the discriminator returns, e.g. "
            "discriminator.predict(images)."
        )
    if array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"`{name}` must be probabilities in [0, 1]; received values from "
            f"{array.min():.4g} to {array.max():.4g}. The discriminator ends in a sigmoid; "
            "if you have logits, apply keras.ops.sigmoid first."
        )
    return array


# --- training both networks with fit() --------------------------------------------------


class GAN(keras.Model):
    """Trains a generator and a discriminator against each other with `fit()`.

    Each `train_step` makes two moves on one batch of real images:

    1. the discriminator: generate a batch, score real and generated images,
       and descend `discriminator_loss` (real -> 1, or `1 - label_smoothing`;
       fake -> 0);
    2. the generator: generate a fresh batch and descend `generator_loss`,
       the non-saturating `mean(-ln D(G(z)))`, through the discriminator.

    After each generator step, `ema_generator` (a copy of the generator)
    moves its weights a small step towards the generator's: an exponential
    moving average, `w_ema <- decay * w_ema + (1 - decay) * w`. It smooths out
    the oscillation of adversarial training; sample from it.

    The real images are the `x` given to `fit` (labels, if any, are ignored),
    float32 of shape `(n, 28, 28, 1)` scaled to [-1, 1] with `to_tanh_range`.

    Args:
        generator: a model from `build_generator` (or any z -> image model).
        discriminator: a model from `build_discriminator`.
        ema_decay: the moving average's decay, in [0, 1); 0 copies the weights.
        seed: seed of the noise drawn inside `train_step`.

    Raises:
        RuntimeError: if the Keras backend is not TensorFlow.
        ValueError: if the two models do not fit together.
    """

    def __init__(self, generator, discriminator, ema_decay=0.999, seed=0, **kwargs):
        _require_tensorflow()
        super().__init__(**kwargs)
        for name, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, keras.Model):
                raise ValueError(
                    f"`{name}` must be a keras.Model; received {type(model).__name__}. Build "
                    f"it with gan.build_{name}()."
                )
        if tuple(generator.output_shape[1:]) != tuple(discriminator.input_shape[1:]):
            raise ValueError(
                f"The generator makes images of shape {generator.output_shape[1:]} but the "
                f"discriminator expects {discriminator.input_shape[1:]}; build them for the "
                "same image shape."
            )
        if not isinstance(ema_decay, (int, float)) or not 0 <= ema_decay < 1:
            raise ValueError(
                f"`ema_decay` must be in [0, 1); received {ema_decay!r}. 0.999 averages about "
                "the last 1,000 steps; 0 keeps a plain copy of the generator."
            )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(generator.input_shape[-1])
        self.ema_decay = float(ema_decay)
        self.ema_generator = keras.models.clone_model(generator)
        self.ema_generator.set_weights(generator.get_weights())
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.label_smoothing = 0.0

    def compile(
        self,
        discriminator_optimizer=None,
        generator_optimizer=None,
        label_smoothing=0.0,
        **kwargs,
    ):
        """Sets the two optimizers (Adam, learning rate 8e-4, beta_1 0.5, by default).

        Args:
            discriminator_optimizer: a Keras optimizer for D.
            generator_optimizer: a Keras optimizer for G.
            label_smoothing: real images are scored against `1 - label_smoothing`.
            **kwargs: passed to `keras.Model.compile` (e.g. `steps_per_execution`).
        """
        if not isinstance(label_smoothing, (int, float)) or not 0 <= label_smoothing < 0.5:
            raise ValueError(
                f"`label_smoothing` must be in [0, 0.5); received {label_smoothing!r}."
            )
        super().compile(**kwargs)
        self.discriminator_optimizer = discriminator_optimizer or keras.optimizers.Adam(
            LEARNING_RATE, beta_1=0.5
        )
        self.generator_optimizer = generator_optimizer or keras.optimizers.Adam(
            LEARNING_RATE, beta_1=0.5
        )
        self.label_smoothing = float(label_smoothing)
        self.trackers = {
            name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "D(x)", "D(G(z))")
        }

    @property
    def metrics(self):
        return list(getattr(self, "trackers", {}).values())

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, after checking that array images are in [-1, 1]."""
        if isinstance(x, np.ndarray):
            check_real_images(x, self.discriminator.input_shape[1:])
        return super().fit(x, *args, **kwargs)

    def train_step(self, data):
        import tensorflow as tf

        real = data[0] if isinstance(data, (tuple, list)) else data
        batch = tf.shape(real)[0]
        # 1. The discriminator: real -> 1 (or 1 - smoothing), generated -> 0.
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        fake = self.generator(noise, training=True)
        with tf.GradientTape() as tape:
            scores = self.discriminator(keras.ops.concatenate([real, fake], 0), training=True)
            real_scores, fake_scores = scores[:batch], scores[batch:]
            d_loss = _keras_bce(1.0 - self.label_smoothing, real_scores) + _keras_bce(
                0.0, fake_scores
            )
        weights = self.discriminator.trainable_weights
        self.discriminator_optimizer.apply(tape.gradient(d_loss, weights), weights)
        # 2. The generator: make D score fresh fakes as real, -ln D(G(z)).
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            generated_scores = self.discriminator(
                self.generator(noise, training=True), training=True
            )
            g_loss = _keras_bce(1.0, generated_scores)
        weights = self.generator.trainable_weights
        self.generator_optimizer.apply(tape.gradient(g_loss, weights), weights)
        # 3. The moving average of the generator's weights (faster decay at first).
        step = keras.ops.cast(self.generator_optimizer.iterations, "float32")
        decay = keras.ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * weight)
        values = {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "D(x)": keras.ops.mean(real_scores),
            "D(G(z))": keras.ops.mean(fake_scores),
        }
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def _keras_bce(target, scores):
    # keras.ops.binary_crossentropy reads the sigmoid's logits when it can: stable.
    return keras.ops.mean(
        keras.ops.binary_crossentropy(keras.ops.full_like(scores, target), scores)
    )


def _require_tensorflow():
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"gan.GAN trains with tf.GradientTape and needs the TensorFlow backend; Keras is "
            f"running on {backend!r}. Set the environment variable KERAS_BACKEND=tensorflow "
            "before Python starts (or before the first `import keras`) and restart the kernel."
        )


# --- images in and out ------------------------------------------------------------------


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
        count = config.positive_int(count, "count", "E.g. generate(generator, count=16).")
        noise = np.random.default_rng(seed).standard_normal((count, latent_dim))
    noise = np.asarray(noise, dtype=np.float32)
    if noise.ndim != 2 or noise.shape[1] != latent_dim or len(noise) == 0:
        raise ValueError(
            f"`noise` must have shape (n, {latent_dim}) for this generator; received "
            f"{noise.shape}. For one vector use noise[None]."
        )
    return to_unit_range(config.run_in_batches(generator, noise)[0])


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
            or `steps` is below 2.

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
    steps = config.positive_int(steps, "steps", "Use at least 2, e.g. steps=9.")
    if steps < 2:
        raise ValueError(f"`steps` must be at least 2 (the two ends); received {steps}.")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return generate(generator, noise=(1 - t) * start + t * end)


# --- watching training -----------------------------------------------------------------


class SampleGrid(keras.callbacks.Callback):
    """Keeps the images of fixed noise vectors as training goes on.

    The same `count` latent vectors are decoded each time, so the grids show
    how the generator's answer to the same z evolves. By default a grid is
    taken before training and after every epoch; with `steps`, before
    training, after each of those training steps and at the end.

    Args:
        count: number of images in each grid.
        seed: seed of the fixed noise.
        use_ema: draw from the GAN's `ema_generator` (what is sampled after
            training) instead of the raw generator.
        steps: optional increasing training steps (counted across epochs)
            after which to take a grid, e.g. `(50, 200, 1000)`; the early
            steps are where the most happens.

    Attributes:
        grids: list of float32 arrays in [0, 1] of shape `(count, 28, 28, 1)`.
        labels: what each grid is, e.g. `"start"`, `"epoch 1"` or `"step 200"`.
        epochs: the epoch after which each grid was taken (0: before
            training), in the default mode.

    Raises:
        ValueError: if `count` is not a positive integer or `steps` is not
            increasing positive integers.
    """

    def __init__(self, count=10, seed=0, use_ema=True, steps=None):
        super().__init__()
        self.count = config.positive_int(count, "count", "E.g. SampleGrid(count=10).")
        if steps is not None:
            steps = [
                config.positive_int(s, "steps", "E.g. SampleGrid(steps=(50, 200, 1000)).")
                for s in steps
            ]
            if not steps or any(b <= a for a, b in zip(steps, steps[1:])):
                raise ValueError(
                    f"`steps` must be increasing training steps; received {steps!r}. E.g. "
                    "SampleGrid(steps=(50, 200, 1000))."
                )
        self.seed = seed
        self.use_ema = use_ema
        self.at_steps = steps
        self.grids = []
        self.labels = []
        self.epochs = []
        self.noise = None
        self._step = 0
        self._taken_at = None

    def _take(self, label):
        generator = self.model.ema_generator if self.use_ema else self.model.generator
        if self.noise is None:
            rng = np.random.default_rng(self.seed)
            self.noise = rng.standard_normal((self.count, self.model.latent_dim)).astype("float32")
        images = generator(self.noise, training=False)
        self.grids.append(to_unit_range(keras.ops.convert_to_numpy(images)))
        self.labels.append(label)

    def on_train_begin(self, logs=None):
        if not self.grids:
            self._take("start")
            self.epochs.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.at_steps and self._step in self.at_steps:
            self._take(f"step {self._step:,}")
            self._taken_at = self._step

    def on_epoch_end(self, epoch, logs=None):
        if self.at_steps is None:
            self.epochs.append((self.epochs[-1] if self.epochs else 0) + 1)
            self._take(f"epoch {self.epochs[-1]}")

    def on_train_end(self, logs=None):
        if self.at_steps is not None and self._taken_at != self._step:
            self._take(f"end, step {self._step:,}")
            self._taken_at = self._step


class GameCurves(keras.callbacks.Callback):
    """Records the game every few steps: the two losses and D's mean scores.

    Keras' `History` keeps one number per epoch, too coarse for a GAN trained
    for two epochs. This callback keeps the mean of each of `d_loss`,
    `g_loss`, `D(x)` and `D(G(z))` over every window of `every` steps. (The
    logs Keras passes after each batch are running means since the start of
    the epoch; the mean of a window follows from two of them.)

    Args:
        every: steps per window, a positive integer.
        report_every: optionally print the last window's values every this
            many steps: a compact progress report (use with `fit(verbose=2)`).

    Attributes:
        steps: the step at the end of each window (counted across epochs).
        curves: dict of lists, one value per window for each of the four names.
    """

    NAMES = ("d_loss", "g_loss", "D(x)", "D(G(z))")

    def __init__(self, every=50, report_every=None):
        super().__init__()
        self.every = config.positive_int(every, "every", "E.g. GameCurves(every=50).")
        self.report_every = (
            None
            if report_every is None
            else config.positive_int(report_every, "report_every", "E.g. report_every=500.")
        )
        self._reported = 0
        self.steps = []
        self.curves = {name: [] for name in self.NAMES}
        self._done = 0  # steps in earlier epochs
        self._seen = 0  # steps in this epoch
        self._mark = (0, None)  # (steps seen this epoch, running means then)

    def on_epoch_begin(self, epoch, logs=None):
        self._seen, self._mark = 0, (0, None)

    def on_train_batch_end(self, batch, logs=None):
        seen = self._seen = batch + 1
        if seen - self._mark[0] < self.every or not logs:
            return
        means = {name: float(logs[name]) for name in self.NAMES if name in logs}
        before, old = self._mark
        for name, value in means.items():
            previous = old[name] * before if old else 0.0
            self.curves[name].append((value * seen - previous) / (seen - before))
        self.steps.append(self._done + seen)
        self._mark = (seen, means)
        if self.report_every and self.steps[-1] // self.report_every > self._reported:
            self._reported = self.steps[-1] // self.report_every
            total = (self.params or {}).get("steps"), (self.params or {}).get("epochs")
            of = f"/{total[0] * total[1]:,}" if all(total) else ""
            values = ", ".join(f"{name} {self.curves[name][-1]:.3f}" for name in self.NAMES)
            print(f"step {self.steps[-1]:,}{of}: {values}", flush=True)

    def on_epoch_end(self, epoch, logs=None):
        self._done += self._seen


def plot_game(curves, title=None):
    """Draws a GAN's game as it was played: losses and D's scores against the step.

    Left: `d_loss` with its value when D cannot tell (2 ln 2) and `g_loss`
    with its value when D says 1/2 (ln 2). Right: D's mean score of real
    images, D(x), and of generated ones, D(G(z)), with the line at 1/2.

    Args:
        curves: a `GameCurves` callback after training (or its `.steps` and
            `.curves` as a tuple).
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if nothing was recorded (training shorter than `every` steps).
    """
    steps, values = (
        (curves.steps, curves.curves) if isinstance(curves, GameCurves) else tuple(curves)
    )
    if not len(steps) or any(len(values.get(name, ())) != len(steps) for name in GameCurves.NAMES):
        raise ValueError(
            "`curves` holds no recorded windows; train for at least `every` steps with the "
            "GameCurves callback (e.g. GameCurves(every=50)) and pass it after fit()."
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
    left.plot(steps, values["d_loss"], label="D's loss L_D")
    left.plot(steps, values["g_loss"], label="G's loss L_G")
    left.axhline(2 * np.log(2), color="C0", ls=":", lw=1, label="L_D when D cannot tell (2 ln 2)")
    left.axhline(np.log(2), color="C1", ls=":", lw=1, label="L_G when D says 1/2 (ln 2)")
    left.set_ylabel("loss (mean over the window)")
    left.set_title("the two losses")
    right.plot(steps, values["D(x)"], label="D(x): real images", color="C2")
    right.plot(steps, values["D(G(z))"], label="D(G(z)): generated images", color="C3")
    right.axhline(0.5, color="grey", ls=":", lw=1, label="1/2: D cannot tell")
    right.set_ylim(0, 1)
    right.set_ylabel("D's mean score")
    right.set_title("what D thinks of each")
    for ax in (left, right):
        ax.set_xlabel("training step")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_sample_evolution(grids, epochs=None, title=None, labels=None):
    """Shows the fixed-noise samples of `SampleGrid`: one row per grid.

    Args:
        grids: list of image arrays of equal shape `(count, height, width, 1)`,
            e.g. `SampleGrid.grids`.
        epochs: the epoch of each row (0 for the start), e.g. `SampleGrid.epochs`.
        title: optional title.
        labels: or the label of each row, e.g. `SampleGrid.labels`.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `grids` is empty, its arrays differ in shape, or the
            epochs or labels are not one per grid.
    """
    arrays = [np.asarray(grid) for grid in grids] if grids is not None else []
    if not arrays or any(a.shape != arrays[0].shape or a.ndim != 4 for a in arrays):
        raise ValueError(
            "`grids` must be a non-empty list of image batches of one shape (count, height, "
            "width, 1), such as SampleGrid.grids; received "
            f"{[a.shape for a in arrays] if arrays else grids!r}."
        )
    if labels is None:
        epochs = list(range(len(arrays))) if epochs is None else list(epochs)
        labels = ["start" if epoch == 0 else f"epoch {epoch}" for epoch in epochs]
        what = "epochs"
    else:
        labels, what = [str(label) for label in labels], "labels"
    if len(labels) != len(arrays):
        raise ValueError(
            f"`{what}` has {len(labels)} entries for {len(arrays)} grids; pass one per grid, "
            "e.g. labels=SampleGrid.labels."
        )
    rows, count = len(arrays), len(arrays[0])
    fig, axes = plt.subplots(
        rows, count, figsize=(0.9 * count + 1.3, 0.9 * rows + 0.5), squeeze=False
    )
    for row, (grid, label) in enumerate(zip(arrays, labels)):
        for col in range(count):
            ax = axes[row, col]
            ax.imshow(grid[col, ..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(label, fontsize=9)
    fig.suptitle(title or "The same noise vectors z, decoded as training goes on")
    fig.tight_layout()
    return fig


# --- saving the generator ---------------------------------------------------------------


def generator_path():
    """Where notebook 06 saves its generator: `build/models/gan_generator.keras`.

    In the fast profile `gan_generator.fast.keras`, so a quick run never
    replaces a generator trained for real (see `config.model_path`).
    """
    return config.model_path("gan_generator")


def save_generator(generator, path=None, **facts):
    """Saves a trained generator (a plain Keras model) with a JSON note of facts.

    Args:
        generator: the model to keep, e.g. `gan.ema_generator`.
        path: a `.keras` file; by default `generator_path()`.
        **facts: numbers worth keeping with it, e.g. `train_seconds=312.5, epochs=5`.

    Returns:
        The path of the saved model; the note is next to it, with `.json`.

    Raises:
        ValueError: if `path` does not end in `.keras` or a fact is not a number.
    """
    path = generator_path() if path is None else pathlib.Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"`path` must end in .keras; received {str(path)!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    config.write_model_note(path, **facts)  # first: it checks the facts
    generator.save(path)
    print(f"saved the generator to {path}")
    return path


def load_generator(path=None):
    """Loads a saved generator and the note saved with it.

    Args:
        path: a `.keras` file; by default `generator_path()`.

    Returns:
        `(generator, note)`: the Keras model and the dict of facts saved
        with it (`profile`, `epochs`, `train_seconds`, ...), empty if none.

    Raises:
        FileNotFoundError: if there is no saved generator at `path`.
    """
    path = generator_path() if path is None else pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No saved generator at {path}. Run notebook 06 (it saves one there), or use "
            "gan.load_or_train_generator() to train a quick one."
        )
    return keras.models.load_model(path), config.read_model_note(path)


def load_or_train_generator(epochs=1, train_limit=None, batch_size=BATCH_SIZE):
    """Loads the generator notebook 06 saved, or trains a quick one and says so.

    The quick one uses the course's recipe (`GAN` with its default
    optimizers, batch size 32, the moving-average generator) on fewer images,
    and is saved like notebook 06's, with a note of how it was trained.

    Args:
        epochs: epochs of the quick training when no saved generator exists.
        train_limit: MNIST training images for the quick training; by
            default the current profile's `train_limit`.
        batch_size: images per batch of the quick training.

    Returns:
        `(generator, note)`: a z -> image model in [-1, 1] and its note
        (`profile`, `epochs`, `train_images`, `train_seconds`, ...).

    Raises:
        ValueError: if `epochs`, `train_limit` or `batch_size` is not a
            positive integer.
    """
    epochs = config.positive_int(epochs, "epochs", "E.g. load_or_train_generator(epochs=1).")
    batch_size = config.positive_int(batch_size, "batch_size", "The course trains with 32.")
    if train_limit is not None:
        train_limit = config.positive_int(train_limit, "train_limit", "E.g. train_limit=20_000.")
    path = generator_path()
    if path.is_file():
        generator, note = load_generator(path)
        described = config.describe_model_note(note)
        print(f"loaded the GAN generator from {path}" + (f" ({described})" if described else ""))
        return generator, note
    limit = config.profile().train_limit if train_limit is None else train_limit
    images, _ = data.load_mnist("train", limit=limit)
    print(
        f"No trained generator at {path}: training a quick GAN now ({epochs} epoch(s) on "
        f"{len(images):,} images). Run notebook 06 for the real one."
    )
    config.set_seed(0)
    model = GAN(build_generator(), build_discriminator())
    model.compile()
    start = time.perf_counter()
    model.fit(to_tanh_range(images), epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - start
    print(f"quick GAN: trained in {seconds:.0f} s")
    save_generator(
        model.ema_generator, path, epochs=epochs, train_images=len(images), train_seconds=seconds
    )
    return load_generator(path)


def _filters(filters, count, example):
    try:
        values = tuple(filters)
    except TypeError:
        values = ()
    if len(values) != count or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ValueError(
            f"`filters` must be {count} positive integers; received {filters!r}. E.g. {example}."
        )
    return tuple(int(v) for v in values)

"""Training the generator and the discriminator against each other, and keeping the result.

    model = GAN(build_generator(), build_discriminator())
    model.compile()                                   # the course's recipe: Adam 8e-4, beta_1 0.5
    model.fit(to_tanh_range(images), epochs=2, batch_size=TRAIN_BATCH_SIZE)
    save_generator(model.ema_generator, epochs=2)     # models/gan_generator.<backend>.keras
    generator, note = load_or_train_generator()       # in a later notebook

`GAN.game_step` is the game: one move of each player on a batch of real images,
written once with `keras.ops`, `keras.random` and `backend.value_and_gradients`.
Notebook 06 writes the same class in a cell (a test holds the two copies together).
`AdversarialModel`, its base, is the plumbing: the two optimizers, the metrics, the
moving average of the generator, and a `train_step` that runs `game_step` inside
`fit()` on TensorFlow, JAX and PyTorch alike.
"""

import pathlib
import time

import keras
import numpy as np

from course_utils import backend, checks, config, curriculum, data, saving
from course_utils.gan.images import check_real_images, to_tanh_range
from course_utils.gan.losses import check_label_smoothing, cross_entropy
from course_utils.gan.models import build_discriminator, build_generator

# The course's recipe (notebook 06, section 5): small batches and a high learning rate
# for both networks, sampling from the moving average of the generator.
TRAIN_BATCH_SIZE = 32
LEARNING_RATE = 8e-4
# What `game_step` logs, and `callbacks.GameCurves` records.
METRICS = ("d_loss", "g_loss", "D(x)", "D(G(z))")
GENERATOR_NAME = "gan_generator"  # the saved generator's name in the build folder's models/


class AdversarialModel(keras.Model):
    """A generator and a discriminator in one `keras.Model`, for `fit()` to train.

    The plumbing of a GAN; a subclass writes the game itself, `game_step(real)`,
    which `fit()` calls on every batch of real images (see `GAN`). This class
    gives it:

    - `generator`, `discriminator`, `latent_dim` and `seed_generator` (the seed
      of the noise the step draws);
    - `compile(...)`: `discriminator_optimizer`, `generator_optimizer` and
      `label_smoothing`;
    - `update_moving_average()`: moves `ema_generator`, a copy of the generator,
      a small step towards it, `w_ema <- decay * w_ema + (1 - decay) * w`, with
      `decay = min(ema_decay, (1 + t) / (10 + t))` after optimizer step t;
    - `update_metrics(values)`: the running means that `fit()` shows;
    - `train_step`, which runs `game_step` on each backend: on JAX, whose
      compiled step cannot change anything outside it, inside a
      `keras.StatelessScope` over the values `fit()` passes in
      (`backend.train_step`).

    The real images are the `x` given to `fit` (labels, if any, are ignored),
    float32 of shape `(n, 28, 28, 1)` scaled to [-1, 1] with `to_tanh_range`.

    Args:
        generator: a model from `build_generator` (or any z -> image model).
        discriminator: a model from `build_discriminator`.
        ema_decay: the moving average's decay, in [0, 1); 0 copies the weights.
        seed: seed of the noise drawn inside `game_step`.

    Raises:
        RuntimeError: if the Keras backend has no gradient helper (see
            `backend.require_gradients`): it must be TensorFlow, JAX or PyTorch.
        ValueError: if the two models do not fit together.
    """

    def __init__(self, generator, discriminator, ema_decay=0.999, seed=0, **kwargs):
        backend.require_gradients("gan.GAN")
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
        ema_decay = checks.fraction(
            ema_decay,
            "ema_decay",
            high_inclusive=False,
            fix="0.999 averages about the last 1,000 steps; 0 keeps a plain copy of the generator.",
        )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(generator.input_shape[-1])
        self.ema_decay = ema_decay
        self.ema_generator = keras.models.clone_model(generator)
        self.ema_generator.set_weights(generator.get_weights())
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.label_smoothing = 0.0
        self.optimizer_state = []  # filled by compile()
        self.built = True  # its two networks are built: fit() has nothing to build

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
        label_smoothing = check_label_smoothing(label_smoothing)
        super().compile(**kwargs)
        self.discriminator_optimizer = discriminator_optimizer or keras.optimizers.Adam(
            LEARNING_RATE, beta_1=0.5
        )
        self.generator_optimizer = generator_optimizer or keras.optimizers.Adam(
            LEARNING_RATE, beta_1=0.5
        )
        self.label_smoothing = label_smoothing
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRICS}
        # Both optimizers' state (moments, step counts), built now and kept as the
        # model's own variables, so that every backend's fit() carries it from step
        # to step (Keras' JAX trainer threads only the variables a model tracks).
        self.discriminator_optimizer.build(self.discriminator.trainable_weights)
        self.generator_optimizer.build(self.generator.trainable_weights)
        self.optimizer_state.clear()  # a second compile() replaces the first one's
        self.optimizer_state.extend(
            [*self.discriminator_optimizer.variables, *self.generator_optimizer.variables]
        )

    @property
    def metrics(self):
        return list(getattr(self, "trackers", {}).values())

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, after checking that array images are in [-1, 1]."""
        if isinstance(x, np.ndarray):
            check_real_images(x, self.discriminator.input_shape[1:])
        return super().fit(x, *args, **kwargs)

    def train_step(self, *args):
        # One body for the three backends: on JAX, backend.train_step runs it on the
        # values fit() passes in and hands back the new ones (see its docstring).
        return backend.train_step(self, args, self._step)

    def _step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data  # fit(x): x is the batch
        return self.game_step(real)

    def game_step(self, real):
        """One move of each player on a batch of real images; returns the logs."""
        raise NotImplementedError(
            f"{type(self).__name__} must define game_step(self, real), the moves of one "
            "batch; see gan.GAN.game_step."
        )

    def update_moving_average(self):
        """Moves each weight of `ema_generator` towards the generator's (faster at first)."""
        step = keras.ops.cast(self.generator_optimizer.iterations, "float32")
        decay = keras.ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        # All of G's weights, BatchNorm's moving statistics too.
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * weight)

    def update_metrics(self, values):
        """Adds `values` (a dict by name of `METRICS`) to the running means; returns the logs."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


class GAN(AdversarialModel):
    """A generator and a discriminator that `fit()` trains against each other."""

    def game_step(self, real):
        """One move of each player on a batch of real images in [-1, 1]; returns the logs."""
        batch = keras.ops.shape(real)[0]
        # 1. D's move: real images -> 1 (or 1 - label smoothing), generated ones -> 0.
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)
        fake = self.generator(noise, training=True)  # made outside the loss: no gradient to G

        def discriminator_loss():
            # One call of D on the real and the generated images, then split in two.
            scores = self.discriminator(keras.ops.concatenate([real, fake], 0), training=True)
            on_real, on_fake = scores[:batch], scores[batch:]
            loss = cross_entropy(1.0 - self.label_smoothing, on_real) + cross_entropy(0.0, on_fake)
            return loss, (on_real, on_fake)  # L_D, and the scores for the metrics

        weights = self.discriminator.trainable_weights  # D's weights only
        (d_loss, (on_real, on_fake)), gradients = backend.value_and_gradients(
            discriminator_loss, weights, has_aux=True
        )
        self.discriminator_optimizer.apply(gradients, weights)  # one Adam step of D

        # 2. G's move: fresh z, and D should score the fakes as real.
        noise = keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)

        def generator_loss():
            # From z through G and then D: the gradient flows back through D into G.
            scores = self.discriminator(self.generator(noise, training=True), training=True)
            return cross_entropy(1.0, scores)  # L_G, the non-saturating loss

        weights = self.generator.trainable_weights  # G's weights only: D does not move here
        g_loss, gradients = backend.value_and_gradients(generator_loss, weights)
        self.generator_optimizer.apply(gradients, weights)  # one Adam step of G

        # 3. The moving average of G's weights, and the numbers fit() shows.
        self.update_moving_average()
        logs = {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "D(x)": keras.ops.mean(on_real),
            "D(G(z))": keras.ops.mean(on_fake),
        }
        return self.update_metrics(logs)


# --- keeping the generator ----------------------------------------------------------------


def generator_path():
    """Where notebook 06 saves its generator: `models/gan_generator.<backend>.keras`.

    In the build folder (`config.build_dir()`: `COURSE_BUILD_DIR`, or `build/`
    at the course's root). In the fast profile `gan_generator.fast.<backend>.keras`,
    so a quick run never replaces a generator trained for real (see
    `config.model_path`).
    """
    return saving.paths(GENERATOR_NAME)


def save_generator(generator, path=None, **facts):
    """Saves a trained generator (a plain Keras model) with a JSON note of facts, and says where.

    The model and its note are each written atomically (`saving.write_atomically`),
    the note first, so a wrong fact costs no saving. The message names the file
    from the build folder down, "models/gan_generator.jax.keras in the build
    folder", whatever the build folder's own name and place (`COURSE_BUILD_DIR`).

    Args:
        generator: the model to keep, e.g. `gan.ema_generator`.
        path: a `.keras` file; by default `generator_path()`.
        **facts: numbers worth keeping with it, e.g. `train_seconds=312.5, epochs=5`.

    Returns:
        The path of the saved model; the note is next to it, with `.json`.

    Raises:
        ValueError: if `path` does not end in `.keras` or a fact is not a number.
    """
    where = generator_path() if path is None else pathlib.Path(path)
    if where.suffix != ".keras":
        raise ValueError(
            "`path` must end in .keras (the Keras 3 model format); received "
            f"{str(path)!r}. E.g. save_generator(generator, path='generator.keras')."
        )
    saving.write_note(saving.note_path(GENERATOR_NAME, path), **facts)
    saving.write_atomically(where, generator.save)
    print(f"saved the generator as {_described(where)}")
    return where


def _described(path):
    """`models/<file> in the build folder`, or the file's name when it is elsewhere."""
    try:
        inside = path.resolve().relative_to(config.build_dir().resolve())
    except ValueError:
        return path.name
    return f"{inside.as_posix()} in the build folder"


def load_generator(path=None):
    """Loads a saved generator and the note saved with it.

    Args:
        path: a `.keras` file; by default `generator_path()`.

    Returns:
        `(generator, note)`: the Keras model and the dict of facts saved
        with it (`profile`, `epochs`, `train_seconds`, ...), empty if none.

    Raises:
        FileNotFoundError: if there is no saved generator at `path`.
        ValueError: if the default file is there but Keras cannot read it.
    """
    where = generator_path() if path is None else pathlib.Path(path)
    if not where.is_file():
        raise FileNotFoundError(
            f"No saved generator at {where}. Run {curriculum.notebook('gan')} (it saves one "
            "there), or use gan.load_or_train_generator() to train a quick one."
        )
    return saving.load(GENERATOR_NAME, path=path)


def load_or_train_generator(epochs=1, train_limit=None, batch_size=TRAIN_BATCH_SIZE):
    """Loads the generator notebook 06 saved, or trains a quick one and says so.

    The quick one uses the course's recipe (`GAN` with its default
    optimizers, batch size 32, the moving-average generator) on fewer images,
    and is saved like notebook 06's, with a note of how it was trained. It is
    trained with every seed set to 0; the caller's random state is the same
    after the call as before (see `saving.load_or_train`).

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
    epochs = checks.positive_int(epochs, "epochs", "E.g. load_or_train_generator(epochs=1).")
    batch_size = checks.positive_int(batch_size, "batch_size", "The course trains with 32.")
    if train_limit is not None:
        train_limit = checks.positive_int(train_limit, "train_limit", "E.g. train_limit=20_000.")
    limit = config.profile().train_limit if train_limit is None else train_limit

    def train():
        images, _ = data.load_mnist("train", limit=limit)
        model = GAN(build_generator(), build_discriminator())
        model.compile()
        start = time.perf_counter()
        model.fit(to_tanh_range(images), epochs=epochs, batch_size=batch_size, verbose=0)
        seconds = time.perf_counter() - start
        print(f"quick GAN: trained in {seconds:.0f} s")
        facts = {"epochs": epochs, "train_images": len(images), "train_seconds": seconds}
        return model.ema_generator, facts

    on = "all the MNIST training images" if limit is None else f"{limit:,} MNIST images"
    plan = f"{epochs} epoch(s) on {on}; run {curriculum.notebook('gan')} for the real one"
    return saving.load_or_train(GENERATOR_NAME, train, what="GAN generator", plan=plan)

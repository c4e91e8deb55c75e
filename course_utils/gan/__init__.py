"""Generative adversarial networks: a generator G: z -> x and a discriminator D: x -> [0, 1].

    generator = build_generator()                 # z (64 numbers) -> 28x28x1 image in [-1, 1]
    discriminator = build_discriminator()         # image -> probability that it is real
    gan = GAN(generator, discriminator)
    gan.compile()                                 # one Adam optimizer for each network
    gan.fit(to_tanh_range(images), epochs=2, batch_size=32, callbacks=[SampleGrid()])
    samples = generate(gan.ema_generator, 16)     # images in [0, 1], ready to show or score

`GAN` trains both networks inside `fit()`: its `game_step` makes one move of
each player per batch, with `backend.value_and_gradients`; `AdversarialModel`,
its base, runs it compiled on TensorFlow, JAX and PyTorch alike, with Keras'
progress bar and callbacks. Notebook 06 writes `build_generator`,
`build_discriminator` and `GAN` in its own cells, with the same text.

What lives where (every name below is also available here, as `gan.<name>`):

- `models`: the two networks, `build_generator` and `build_discriminator`,
  and `LATENT_DIM` and `IMAGE_SHAPE`.
- `losses`: `discriminator_loss` and `generator_loss`, in NumPy, and
  `cross_entropy`, the `keras.ops` loss of the training step.
- `training`: the `GAN` model, its base `AdversarialModel`, and its recipe (`TRAIN_BATCH_SIZE`,
  `LEARNING_RATE`), and keeping the generator: `generator_path`,
  `save_generator`, `load_generator`, `load_or_train_generator`.
- `callbacks`: `SampleGrid` and `GameCurves`, which watch training.
- `images`: scaling (`to_tanh_range`, `to_unit_range`, `check_real_images`)
  and sampling (`generate`, `interpolate`).
- `figures`: `plot_generator_losses`, `plot_game`, `plot_sample_evolution`.
"""

from course_utils.gan.callbacks import GameCurves, SampleGrid
from course_utils.gan.figures import plot_game, plot_generator_losses, plot_sample_evolution
from course_utils.gan.images import (
    check_real_images,
    generate,
    interpolate,
    to_tanh_range,
    to_unit_range,
)
from course_utils.gan.losses import cross_entropy, discriminator_loss, generator_loss
from course_utils.gan.models import IMAGE_SHAPE, LATENT_DIM, build_discriminator, build_generator
from course_utils.gan.training import (
    GAN,
    LEARNING_RATE,
    TRAIN_BATCH_SIZE,
    AdversarialModel,
    generator_path,
    load_generator,
    load_or_train_generator,
    save_generator,
)

__all__ = [
    "GAN",
    "AdversarialModel",
    "IMAGE_SHAPE",
    "LATENT_DIM",
    "LEARNING_RATE",
    "TRAIN_BATCH_SIZE",
    "GameCurves",
    "SampleGrid",
    "build_discriminator",
    "build_generator",
    "check_real_images",
    "cross_entropy",
    "discriminator_loss",
    "generate",
    "generator_loss",
    "generator_path",
    "interpolate",
    "load_generator",
    "load_or_train_generator",
    "plot_game",
    "plot_generator_losses",
    "plot_sample_evolution",
    "save_generator",
    "to_tanh_range",
    "to_unit_range",
]

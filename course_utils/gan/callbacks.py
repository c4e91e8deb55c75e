"""Callbacks that watch a GAN train: fixed-noise samples and the curves of the game.

    grid = SampleGrid(count=10, steps=(50, 200, 1000))   # the same z decoded as it trains
    curves = GameCurves(every=50, report_every=500)      # losses and D's scores per window
    model.fit(real, epochs=2, callbacks=[grid, curves])

`figures.plot_sample_evolution` and `figures.plot_game` draw what they kept.
"""

import keras
import numpy as np

from course_utils import backend, checks
from course_utils.gan.images import to_unit_range
from course_utils.gan.training import METRICS


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
        self.count = checks.positive_int(count, "count", "E.g. SampleGrid(count=10).")
        if steps is not None:
            steps = [
                checks.positive_int(s, "steps", "E.g. SampleGrid(steps=(50, 200, 1000)).")
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
        self.grids.append(to_unit_range(backend.to_numpy(images)))
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

    NAMES = METRICS  # what GAN.game_step logs

    def __init__(self, every=50, report_every=None):
        super().__init__()
        self.every = checks.positive_int(every, "every", "E.g. GameCurves(every=50).")
        self.report_every = (
            None
            if report_every is None
            else checks.positive_int(report_every, "report_every", "E.g. report_every=500.")
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

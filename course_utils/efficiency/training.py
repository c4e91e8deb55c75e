"""Training runs timed step by step: the first step (tracing, compiling) apart from the rest.

`time_fit` runs `model.fit` with a callback that notes the clock at the end of
every step, so one run gives both what a learner waits for first and the
steady pace after it:

    timing = time_fit(model, x, y, batch_size=64)
    timing.first_step, timing.median_step, timing.examples_per_second

`scaled_learning_rate` gives the learning rate for another batch size, by
the linear or the square-root rule.

`AugmentedDigits` is an input pipeline whose preparation costs real time (a
random rotation and shift of every image, in NumPy): the notebook feeds it to `fit` one
batch after the other, or with workers that prepare the next batches while
the model trains.
"""

import dataclasses
import math
import statistics
import time

import keras
import numpy as np

from course_utils import checks


@dataclasses.dataclass(frozen=True)
class FitTiming:
    """How long a `fit` took, step by step.

    Attributes:
        first_step: seconds from the start of training to the end of the first
            step: building the training function, tracing and compiling it (on
            backends that compile), then running it once.
        step_seconds: seconds of each later step, in order (a step of
            `steps_per_execution` batches counts as that many steps, each its share).
        total: seconds of the whole `fit`.
        batch_size: examples per step.
        history: `fit`'s `History.history` (the loss and metrics per epoch).
    """

    first_step: float
    step_seconds: tuple
    total: float
    batch_size: int
    history: dict

    @property
    def median_step(self):
        """The median of the steps after the first: the steady pace."""
        return statistics.median(self.step_seconds) if self.step_seconds else self.first_step

    @property
    def examples_per_second(self):
        """Examples per second at the steady pace."""
        return self.batch_size / self.median_step


class _StepClock(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.marks = [(-1, time.perf_counter())]

    def on_train_batch_end(self, batch, logs=None):
        self.marks.append((batch, time.perf_counter()))


def time_fit(model, x, y=None, batch_size=None, epochs=1, **fit_kwargs):
    """Trains `model` with `fit` and times its steps.

    Args:
        model: a compiled `keras.Model`.
        x: training inputs (an array), or a `keras.utils.PyDataset` / other
            source `fit` accepts that yields `(x, y)` batches.
        y: training targets when `x` is an array, else None.
        batch_size: examples per step when `x` is an array; for a dataset,
            the size of its batches (used for `examples_per_second`).
        epochs: epochs to train.
        **fit_kwargs: passed on to `fit` (e.g. `shuffle=False`); `verbose` is 0.

    Returns:
        A `FitTiming`.

    Raises:
        ValueError: if `model` is not a compiled Keras model, or `batch_size`
            or `epochs` is not a positive integer.

    >>> from course_utils import classification
    >>> timing = time_fit(classification.build_seed_cnn(), np.zeros((64, 28, 28, 1)),
    ...                   np.zeros(64, dtype=int), batch_size=16)
    >>> len(timing.step_seconds), timing.batch_size
    (3, 16)
    """
    if not isinstance(model, keras.Model) or not getattr(model, "compiled", False):
        raise ValueError(
            f"`model` must be a compiled keras.Model; received {type(model).__name__}. "
            "Call model.compile(...) first (classification.build_seed_cnn() returns one compiled)."
        )
    batch_size = checks.positive_int(batch_size, "batch_size", "E.g. batch_size=32.")
    epochs = checks.positive_int(epochs, "epochs", "E.g. epochs=1.")
    clock = _StepClock()
    arrays = {"y": y, "batch_size": batch_size} if y is not None else {}
    start = time.perf_counter()
    history = model.fit(x, epochs=epochs, verbose=0, callbacks=[clock], **arrays, **fit_kwargs)
    total = time.perf_counter() - start
    steps = []
    (_, before), *rest = clock.marks
    first = None
    previous_batch = -1
    for batch, now in rest:  # `batch` is the last step's number; it restarts every epoch
        count = batch - previous_batch if batch > previous_batch else batch + 1
        if first is None:
            first = now - before
        else:
            steps += [(now - before) / count] * count
        before, previous_batch = now, batch
    return FitTiming(
        first_step=first if first is not None else total,
        step_seconds=tuple(steps),
        total=total,
        batch_size=batch_size,
        history=dict(history.history),
    )


RULES = ("linear", "sqrt")  # of `scaled_learning_rate`


def scaled_learning_rate(base_learning_rate, base_batch_size, batch_size, rule="linear"):
    """The learning rate for `batch_size` when `base_learning_rate` worked with `base_batch_size`.

    The linear rule (Goyal et al., 2017, for SGD) multiplies the rate by
    `batch_size / base_batch_size`; the square-root rule, often used with
    Adam, by the square root of that ratio. Both are starting points to
    measure from, not laws.

    Args:
        base_learning_rate: a positive number, the rate that worked.
        base_batch_size: the batch size it worked with (positive integer).
        batch_size: the batch size to train with (positive integer).
        rule: `"linear"` or `"sqrt"`.

    Returns:
        The scaled learning rate, a float.

    Raises:
        ValueError: if a rate or size is not positive, or `rule` is unknown.

    >>> scaled_learning_rate(0.001, 32, 256), scaled_learning_rate(0.001, 32, 128, rule="sqrt")
    (0.008, 0.002)
    """
    if not (checks.is_number(base_learning_rate) and base_learning_rate > 0):
        raise ValueError(
            f"`base_learning_rate` must be a positive number; received {base_learning_rate!r}. "
            "E.g. 0.001, Adam's default."
        )
    base_batch_size = checks.positive_int(base_batch_size, "base_batch_size", "E.g. 32.")
    batch_size = checks.positive_int(batch_size, "batch_size", "E.g. 256.")
    rule = checks.one_of(rule, "rule", RULES)
    ratio = batch_size / base_batch_size
    return float(base_learning_rate) * (ratio if rule == "linear" else math.sqrt(ratio))


class AugmentedDigits(keras.utils.PyDataset):
    """Batches of digits, each turned by up to `max_degrees` and shifted by up to `max_shift`.

    The work is done image by image in NumPy (bilinear interpolation), on
    purpose: it stands for the decoding, resizing and augmenting that real
    input pipelines do on the CPU. With `workers=1` every batch is prepared when `fit` asks for it; with
    more, worker threads prepare the next batches while the model trains.

    Args:
        images: array `(n, height, width, channels)`.
        labels: array `(n,)`.
        batch_size: images per batch.
        max_shift: largest shift in pixels, up, down, left or right.
        max_degrees: largest rotation, either way.
        seed: seed of the shifts (the same batches in every run).
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size`, as in
            `keras.utils.PyDataset`.

    Raises:
        ValueError: if the images are not 4D, the labels do not match them, or
            `batch_size` / `max_shift` are not positive integers.
    """

    def __init__(
        self, images, labels, batch_size=32, max_shift=2, max_degrees=15, seed=0, **kwargs
    ):
        super().__init__(**kwargs)
        images, labels = np.asarray(images), np.asarray(labels)
        if images.ndim != 4 or len(labels) != len(images):
            raise ValueError(
                "`images` must be 4D (n, height, width, channels) with one label each; received "
                f"images of shape {images.shape} and {len(labels)} labels. Use "
                "data.normalize_images(...) for (n, 28, 28, 1) digits."
            )
        self.images, self.labels = images, labels
        self.batch_size = checks.positive_int(batch_size, "batch_size", "E.g. batch_size=32.")
        self.max_shift = checks.positive_int(max_shift, "max_shift", "E.g. max_shift=2.")
        if not (checks.is_number(max_degrees) and 0 <= max_degrees <= 180):
            raise ValueError(
                f"`max_degrees` must be a number of degrees from 0 to 180; received "
                f"{max_degrees!r}. E.g. max_degrees=15."
            )
        self.max_degrees = float(max_degrees)
        self.seed = seed

    def __len__(self):
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        rng = np.random.default_rng([self.seed, index])
        batch = self.images[rows]
        shifts = rng.uniform(-self.max_shift, self.max_shift, size=(len(batch), 2))
        angles = np.radians(rng.uniform(-self.max_degrees, self.max_degrees, size=len(batch)))
        moved = np.stack([_move(image, a, s) for image, a, s in zip(batch, angles, shifts)])
        return moved.astype(self.images.dtype), self.labels[rows]


def _move(image, angle, shift):
    """`image` (h, w, c) turned by `angle` radians about its centre and shifted by
    `shift` (rows, columns), sampled bilinearly; outside the image is 0."""
    h, w = image.shape[:2]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    cos, sin = np.cos(angle), np.sin(angle)
    y = cos * (rows - cy - shift[0]) - sin * (cols - cx - shift[1]) + cy  # where each pixel
    x = sin * (rows - cy - shift[0]) + cos * (cols - cx - shift[1]) + cx  # comes from
    padded = np.pad(image, ((1, 2), (1, 2), (0, 0)))
    y = np.clip(y + 1, 0, h + 1)
    x = np.clip(x + 1, 0, w + 1)
    y0, x0 = np.floor(y).astype(int), np.floor(x).astype(int)
    fy, fx = (y - y0)[..., None], (x - x0)[..., None]
    return (
        padded[y0, x0] * (1 - fy) * (1 - fx)
        + padded[y0, x0 + 1] * (1 - fy) * fx
        + padded[y0 + 1, x0] * fy * (1 - fx)
        + padded[y0 + 1, x0 + 1] * fy * fx
    )

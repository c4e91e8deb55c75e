"""Timing a piece of work reliably, and the machine's speed at the work a CNN does most.

A single measurement lies in two ways. The first call of a function often
does more than the work: a compiled function is traced and compiled, memory
is allocated, caches are cold. And later calls vary with whatever else the
machine is doing. `time_call` therefore reports the first (warm-up) calls
apart, repeats the call, and gives the median of the repeats (robust to an
unlucky run) next to the fastest one.

Frameworks may return before the work is done: a GPU runs the operations a
Python call queued while Python moves on, and JAX dispatches asynchronously.
`time_call` waits for the work behind what a call returns
(`backend.wait_until_done`) before it stops the clock, so the time includes
the work and nothing else: no copy of the result to NumPy.

`measure_matmul_throughput` times an `n x n` matrix product (`2 n^3` FLOPs), the
operation a convolution and a dense layer become, to say how many FLOPs per
second this machine can do at best.
"""

import dataclasses
import statistics
import time

import numpy as np

from course_utils import backend, checks, tables

LIBRARIES = ("numpy", "keras")


@dataclasses.dataclass(frozen=True)
class Timing:
    """How long a call took: the warm-up calls apart, then the timed repeats.

    Attributes:
        times: seconds of each timed repeat, in order.
        warmups: seconds of each warm-up call, in order (empty without warm-up).
        first: seconds of the first warm-up call (where compilation
            happens), or None when there was no warm-up.
        median: the median of `times`.
        min: the fastest of `times`.
    """

    times: tuple
    warmups: tuple = ()

    @property
    def first(self):
        return self.warmups[0] if self.warmups else None

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def min(self):
        return min(self.times)

    def __str__(self):
        text = (
            f"median {tables.format_short_seconds(self.median)}, min {tables.format_short_seconds(self.min)} "
            f"over {len(self.times)} calls"
        )
        if self.warmups:
            text += f"; first call {tables.format_short_seconds(self.first)}"
        return text


def time_call(fn, warmup=1, repeats=5, clock=time.perf_counter):
    """Times `fn()`: `warmup` calls reported apart, then `repeats` timed calls.

    Each call is timed on its own with `clock`, from just before the call to
    just after the work behind its result is done (`backend.wait_until_done`,
    also for a list, tuple or dict of tensors), so work a framework queued or
    dispatched asynchronously is included, and copying the result is not.

    Args:
        fn: a function of no arguments, e.g. `lambda: model(images)`.
        warmup: calls made before the timed ones (0 or more); the first one
            includes tracing and compilation.
        repeats: timed calls (1 or more).
        clock: a function returning the time in seconds; `time.perf_counter`
            (the most precise clock Python has) unless a test passes another.

    Returns:
        A `Timing`: `times`, `median`, `min`, and the warm-up calls apart
        (`warmups`, `first`).

    Raises:
        ValueError: if `fn` or `clock` is not callable, `warmup` is not an
            integer of at least 0, or `repeats` not a positive integer.

    >>> ticks = iter([0.0, 2.0, 2.0, 2.5, 2.5, 3.25, 3.25, 3.5])  # start, stop of each call
    >>> timing = time_call(lambda: None, warmup=1, repeats=3, clock=lambda: next(ticks))
    >>> timing.first, timing.times, timing.median, timing.min
    (2.0, (0.5, 0.75, 0.25), 0.5, 0.25)
    """
    if not callable(fn):
        raise ValueError(
            f"`fn` must be a function of no arguments; received {type(fn).__name__}. Wrap the "
            "work in a lambda without calling it, e.g. time_call(lambda: model(images))."
        )
    if not callable(clock):
        raise ValueError(
            f"`clock` must be a function returning seconds; received {type(clock).__name__}. "
            "Leave it out to use time.perf_counter."
        )
    warmup = checks.integer(warmup, "warmup", fix="E.g. warmup=1 to leave out compilation.")
    repeats = checks.positive_int(repeats, "repeats", "E.g. repeats=5.")
    warmups = tuple(_time_once(fn, clock) for _ in range(warmup))
    times = tuple(_time_once(fn, clock) for _ in range(repeats))
    return Timing(times, warmups)


def _time_once(fn, clock):
    start = clock()
    backend.wait_until_done(fn())
    return clock() - start


@dataclasses.dataclass(frozen=True)
class Throughput:
    """How fast a matrix product ran.

    Attributes:
        size: `n`, the side of the two `n x n` float32 matrices.
        flops: `2 * n**3`, the FLOPs of one product (`n**3` multiply-adds).
        timing: the `Timing` of the product.
        library: `"numpy"` or `"keras"` (`keras.ops.matmul` on the backend's device).
        flops_per_second: `flops / timing.median`.
    """

    size: int
    flops: int
    timing: Timing
    library: str

    @property
    def flops_per_second(self):
        return self.flops / self.timing.median


def measure_matmul_throughput(size=1024, repeats=5, library="numpy", seed=0):
    """Times an `n x n` float32 matrix product: the machine's FLOP/s at the work a CNN does.

    A convolution and a dense layer are computed as matrix products (see
    `convolution.conv2d_im2col`), so a large product's speed is about the
    best a training step can reach; dividing a step's FLOPs per second by it
    says how far from that limit the step runs. One product of two `n x n`
    matrices costs `n**3` multiply-adds, `2 n**3` FLOPs.

    Args:
        size: `n`, the side of the matrices (positive integer); large enough
            (1024 or more) that the product, not the call, takes the time.
        repeats: timed products (after one warm-up product).
        library: `"numpy"` (the CPU, through NumPy's BLAS) or `"keras"`
            (`keras.ops.matmul` on the device the Keras backend uses).
        seed: seed of the random matrices.

    Returns:
        A `Throughput`: `flops`, `timing` and `flops_per_second`.

    Raises:
        ValueError: if `size` or `repeats` is not a positive integer, `seed`
            not a non-negative integer, or `library` is unknown.

    >>> throughput = measure_matmul_throughput(size=64, repeats=3)
    >>> throughput.flops, len(throughput.timing.times), throughput.flops_per_second > 0
    (524288, 3, True)
    """
    size = checks.positive_int(size, "size", "E.g. size=1024 for two 1024 x 1024 matrices.")
    repeats = checks.positive_int(repeats, "repeats", "E.g. repeats=5.")
    seed = checks.integer(seed, "seed", fix="E.g. seed=0.")
    library = checks.one_of(library, "library", LIBRARIES)
    rng = np.random.default_rng(seed)
    a, b = (rng.standard_normal((size, size), dtype=np.float32) for _ in range(2))
    if library == "numpy":
        timing = time_call(lambda: a @ b, warmup=1, repeats=repeats)
    else:
        import keras

        a, b = keras.ops.convert_to_tensor(a), keras.ops.convert_to_tensor(b)
        timing = time_call(lambda: keras.ops.matmul(a, b), repeats=repeats)
    return Throughput(size, 2 * size**3, timing, library)

"""A training step of Keras' transposed convolution against the same layer computed by phases.

For the strided `Conv2DTranspose` layers of the course's GAN generator
(notebook 06) and VAE decoder (notebook 07), one compiled `train_on_batch` of
a model made of that layer alone, on the backend KERAS_BACKEND names:
Keras' own layer, and `layers.Conv2DTranspose` made to compute by phases
(`layers.conv_transpose_by_phases`) whatever the backend. Both start from the
same weights, and their outputs are checked equal before the times count.
The course computes by phases only where `backend.transposed_convolution_is_slow()`
(JAX on a CPU).

    KERAS_BACKEND=jax python bench/bench_conv_transpose.py [--repeats 10]
"""

import argparse
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils import backend  # noqa: E402

backend.quiet_start()
import keras  # noqa: E402
import numpy as np  # noqa: E402

from course_utils import layers, tables  # noqa: E402

# name, batch, input side, input channels, filters, kernel, stride
CASES = [
    ("GAN 7x7x128 -> 14x14x64", 32, 7, 128, 64, 4, 2),
    ("GAN 14x14x64 -> 28x28x32", 32, 14, 64, 32, 4, 2),
    ("VAE 7x7x32 -> 14x14x64", 128, 7, 32, 64, 3, 2),
    ("VAE 14x14x64 -> 28x28x32", 128, 14, 64, 32, 3, 2),
]


class ByPhases(layers.Conv2DTranspose):
    """The course's layer, computing by phases on every backend."""

    def _by_phases(self):
        return True


def step_seconds(layer, x, y, weights, repeats):
    model = keras.Sequential([keras.Input(x.shape[1:]), layer])
    model.layers[0].set_weights(weights)
    model.compile(optimizer="sgd", loss="mse")
    out = backend.to_numpy(model(x))
    model.train_on_batch(x, y)  # compiles
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    rows = []
    for name, batch, side, channels, filters, kernel, stride in CASES:
        options = {"filters": filters, "kernel_size": kernel, "strides": stride, "padding": "same"}
        x = rng.normal(size=(batch, side, side, channels)).astype("float32")
        y = rng.normal(size=(batch, side * stride, side * stride, filters)).astype("float32")
        reference = keras.layers.Conv2DTranspose(**options)
        reference.build(x.shape)
        weights = reference.get_weights()
        keras_seconds, keras_out = step_seconds(
            keras.layers.Conv2DTranspose(**options), x, y, weights, args.repeats
        )
        phase_seconds, phase_out = step_seconds(ByPhases(**options), x, y, weights, args.repeats)
        difference = float(np.max(np.abs(keras_out - phase_out)))
        if difference > 1e-3:
            raise SystemExit(f"{name}: the two layers differ by {difference:.3g}")
        rows.append(
            (
                name,
                f"{keras_seconds * 1e3:.1f}",
                f"{phase_seconds * 1e3:.1f}",
                f"{keras_seconds / phase_seconds:.1f}",
            )
        )
    print(f"One training step on {backend.title()} (median of {args.repeats}), milliseconds:")
    print(
        tables.format_table(
            rows,
            header=("layer", "Keras", "by phases", "Keras / by phases"),
            align="lrrr",
            rule=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Times the three convolutions of notebook 01 on the same inputs, at growing sizes.

`convolution.conv2d_naive` (Python loops), `convolution.conv2d_im2col` (one matrix
product) and `keras.layers.Conv2D` with the same kernels and a zero bias, on
random 28x28 one-channel images with 3x3 kernels. Every output is checked against
the others (to 1e-4) before its time counts. The fast versions report the best of
`--repeats` runs after one warm-up call; the loops run once (they are slow).

    python bench/bench_convolution.py [--batches 8 32 128] [--filters 8] [--repeats 5]
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from course_utils import convolution  # noqa: E402


def best_seconds(fn, repeats):
    fn()  # warm-up: Keras prepares the computation on its first call
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def bench(batch, filters, repeats, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((batch, 28, 28, 1), dtype=np.float32)
    kernels = rng.normal(size=(3, 3, 1, filters)).astype(np.float32)
    layer = keras.layers.Conv2D(filters, (3, 3), use_bias=False)
    layer.build(images.shape)
    layer.set_weights([kernels])

    started = time.perf_counter()
    naive = convolution.conv2d_naive(images, kernels)
    naive_seconds = time.perf_counter() - started
    fast = convolution.conv2d_im2col(images, kernels)
    by_keras = keras.ops.convert_to_numpy(layer(images))
    for name, out in (("conv2d_im2col", fast), ("Keras Conv2D", by_keras)):
        difference = float(np.abs(out - naive).max())
        if difference > 1e-4:
            raise SystemExit(
                f"{name} differs from conv2d_naive by {difference:.3g} (batch {batch})"
            )
    return {
        "naive": naive_seconds,
        "im2col": best_seconds(lambda: convolution.conv2d_im2col(images, kernels), repeats),
        "keras": best_seconds(lambda: layer(images), repeats),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--filters", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if min(args.batches) < 1 or args.filters < 1 or args.repeats < 1:
        parser.error("--batches, --filters and --repeats must be positive integers")
    print(
        f"28x28x1 images, {args.filters} filters of 3x3; best of {args.repeats} for the fast ones"
    )
    print(f"{'batch':>6} {'loops':>10} {'im2col':>10} {'Keras':>10} {'im2col x':>9} {'Keras x':>8}")
    for batch in args.batches:
        t = bench(batch, args.filters, args.repeats)
        print(
            f"{batch:>6} {t['naive']:>9.3f}s {t['im2col'] * 1e3:>8.2f}ms {t['keras'] * 1e3:>8.2f}ms "
            f"{t['naive'] / t['im2col']:>8.0f}x {t['naive'] / t['keras']:>7.0f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

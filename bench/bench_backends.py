"""The same work on each Keras backend: TensorFlow, JAX and PyTorch, one after the other.

Each backend runs in its own process (Keras chooses its backend once, at import),
with the same seed and data, and does two timed jobs:

- 1 epoch of the document's CNN (`classification.build_seed_cnn`, batch size 32)
  on the full MNIST training set, then its test accuracy;
- 300 steps of the course's GAN (`gan.GAN`, batch 32), after a warm-up of a few
  steps that pays for tracing and compiling.

The table gives the seconds and each backend's ratio to TensorFlow (above 1:
slower). The processes run one after the other, never at once, but a shared
machine still makes every time an upper bound: compare the ratios of one run.

    COURSE_DATA_DIR=path/to/data python bench/bench_backends.py
    python bench/bench_backends.py --backends jax torch --gan-steps 100
"""

import argparse
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils import processes  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")


def worker(gan_steps, seed):
    """Runs in a fresh process, on the backend KERAS_BACKEND names; returns its numbers."""
    from course_utils import backend, config

    backend.quiet_start()
    from course_utils import classification, data, gan

    config.set_seed(seed)
    images, labels = data.load_mnist("train")
    test_images, test_labels = data.load_mnist("test")
    x, x_test = data.normalize_images(images), data.normalize_images(test_images)
    model = classification.build_seed_cnn()
    start = time.perf_counter()
    model.fit(x, labels, epochs=1, batch_size=32, verbose=0)
    cnn_seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, test_labels, verbose=0)

    config.set_seed(seed)
    real = gan.to_tanh_range(images[: (gan_steps + 5) * gan.TRAIN_BATCH_SIZE])
    model = gan.GAN(gan.build_generator(), gan.build_discriminator(), seed=seed)
    model.compile()
    warm = 5 * gan.TRAIN_BATCH_SIZE
    model.fit(real[:warm], batch_size=gan.TRAIN_BATCH_SIZE, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(real[warm:], batch_size=gan.TRAIN_BATCH_SIZE, epochs=1, verbose=0, shuffle=False)
    gan_seconds = time.perf_counter() - start
    steps = int(backend.to_numpy(model.generator_optimizer.iterations)) - 5
    if steps != gan_steps:
        raise RuntimeError(f"the GAN made {steps} steps, not {gan_steps}: the benchmark is void")
    report = config.device_report()
    return {
        "backend": report["backend"],
        "version": report["version"],
        "cnn_seconds": cnn_seconds,
        "cnn_accuracy": float(accuracy),
        "gan_seconds": gan_seconds,
        "gan_steps": steps,
    }


def run_backend(name, gan_steps, seed):
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return processes.run_in_fresh_process(
        "bench.bench_backends:worker",
        {"gan_steps": gan_steps, "seed": seed},
        env={"KERAS_BACKEND": name, "PYTHONPATH": path},
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="*", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--gan-steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from course_utils import tables

    results = []
    for name in args.backends:
        print(f"{name}: 1 epoch of the seed CNN, then {args.gan_steps} GAN steps ...", flush=True)
        results.append(run_backend(name, args.gan_steps, args.seed))
        row = results[-1]
        print(f"  CNN {row['cnn_seconds']:.1f} s, GAN {row['gan_seconds']:.1f} s", flush=True)
    first = results[0]
    body = [
        (
            f"{row['backend']} {row['version']}",
            f"{row['cnn_seconds']:.1f}",
            f"{row['cnn_seconds'] / first['cnn_seconds']:.2f}",
            f"{100 * row['cnn_accuracy']:.2f}%",
            f"{row['gan_seconds']:.1f}",
            f"{row['gan_seconds'] / row['gan_steps']:.3f}",
            f"{row['gan_seconds'] / first['gan_seconds']:.2f}",
        )
        for row in results
    ]
    print()
    print(
        tables.format_table(
            body,
            header=(
                "backend",
                "CNN epoch s",
                f"x {first['backend']}",
                "CNN test acc.",
                f"GAN {args.gan_steps} steps s",
                "s/step",
                f"x {first['backend']}",
            ),
            align="lrrrrrr",
            rule=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

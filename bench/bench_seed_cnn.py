"""Times the seed CNN through course_utils against the document's code as written.

Both train 5 epochs on the full MNIST training set with the default batch size,
in one process, from the same seed; then both are evaluated on the 10,000 test
images. course_utils must cost no more than 5% extra time (ratio <= 1.05).

    COURSE_DATA_DIR=path/to/data python bench/bench_seed_cnn.py [--epochs 5] [--repeats 1]

A short warm-up fit of a throwaway model runs first, so neither timed run pays
TensorFlow's one-time start-up. With `--repeats N` the two are run N times in
alternating order and the medians are compared.
"""

import argparse
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from course_utils import classification, config, data  # noqa: E402


def document_run(train_images, train_labels, epochs):
    """The document's code, as written (`epochs` is 5 there)."""
    from keras import layers, models

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras 3 warns about input_shape on a layer
        model = models.Sequential()
        model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Conv2D(64, (3, 3), activation="relu"))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Conv2D(64, (3, 3), activation="relu"))
        model.add(layers.Flatten())
        model.add(layers.Dense(64, activation="relu"))
        model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_images, train_labels, epochs=epochs, verbose=0)
    return model


def course_utils_run(train_images, train_labels, epochs):
    """The same training through course_utils, as notebook 04 builds the model."""
    model = classification.build_seed_cnn()
    model.fit(train_images, train_labels, epochs=epochs, verbose=0)
    return model


RUNS = {"course_utils": course_utils_run, "document": document_run}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="epochs per run (default 5)")
    parser.add_argument("--repeats", type=int, default=1, help="timed pairs (default 1)")
    parser.add_argument("--limit", type=int, default=None, help="training images (default all)")
    args = parser.parse_args(argv)

    train_images, train_labels = data.load_mnist("train", limit=args.limit)
    test_images, test_labels = data.load_mnist("test")
    train_images = data.normalize_images(train_images)
    test_images = data.normalize_images(test_images)
    print(
        f"{len(train_labels):,} training images, {len(test_labels):,} test images, "
        f"{args.epochs} epochs, keras {keras.__version__}, {os.cpu_count()} CPUs"
    )

    config.set_seed(0)  # warm-up, not timed
    classification.build_seed_cnn().fit(train_images[:256], train_labels[:256], verbose=0)

    times = {name: [] for name in RUNS}
    accuracies = {name: [] for name in RUNS}
    for repeat in range(args.repeats):
        order = list(RUNS) if repeat % 2 == 0 else list(RUNS)[::-1]
        for name in order:
            config.set_seed(0)
            start = time.perf_counter()
            model = RUNS[name](train_images, train_labels, args.epochs)
            seconds = time.perf_counter() - start
            _, accuracy = model.evaluate(test_images, test_labels, verbose=0)
            times[name].append(seconds)
            accuracies[name].append(accuracy)
            print(f"  {name:<13} {seconds:7.1f} s   test accuracy {accuracy:.4f}", flush=True)

    ours = statistics.median(times["course_utils"])
    theirs = statistics.median(times["document"])
    ratio = ours / theirs
    print(f"course_utils: {ours:.1f} s, test accuracy {np.median(accuracies['course_utils']):.4f}")
    print(f"document:     {theirs:.1f} s, test accuracy {np.median(accuracies['document']):.4f}")
    print(f"ratio course_utils / document: {ratio:.3f} (must be <= 1.05)")
    return 0 if ratio <= 1.05 else 1


if __name__ == "__main__":
    sys.exit(main())

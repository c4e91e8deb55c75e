"""Fixtures of the interpretation tests: tiny models on 12x12 toy images, trained in seconds."""

import numpy as np
import pytest

from course_utils import config

SIZE = 12
CLASSES = 3


def make_bars(count, seed):
    """Toy images of 3 classes on a black background: a vertical bar, a horizontal bar, a square."""
    rng = np.random.default_rng(seed)
    images = np.zeros((count, SIZE, SIZE, 1), dtype=np.float32)
    labels = rng.integers(0, CLASSES, count)
    for image, label in zip(images, labels):
        place = rng.integers(1, SIZE - 3)
        if label == 0:
            image[:, place : place + 2] = 1.0
        elif label == 1:
            image[place : place + 2, :] = 1.0
        else:
            other = rng.integers(1, SIZE - 4)
            image[place : place + 3, other : other + 3] = 1.0
    images *= rng.uniform(0.6, 1.0, images.shape).astype(np.float32)  # uneven ink
    return images, labels


@pytest.fixture(scope="session")
def bars():
    """16 toy images and their labels, not seen in training."""
    return make_bars(16, seed=1)


@pytest.fixture(scope="session")
def cnn():
    """Conv2D -> MaxPooling2D -> Conv2D -> Flatten -> Dense(3, softmax), trained on the bars."""
    import keras

    images, labels = make_bars(192, seed=0)
    with config.seeded(0):
        model = keras.Sequential(
            [
                keras.Input((SIZE, SIZE, 1)),
                keras.layers.Conv2D(4, 3, activation="relu", name="conv1"),
                keras.layers.MaxPooling2D(name="pool"),
                keras.layers.Conv2D(6, 3, activation="relu", name="conv2"),
                keras.layers.Flatten(name="flatten"),
                keras.layers.Dense(CLASSES, activation="softmax", name="dense"),
            ],
            name="toy_cnn",
        )
        model.compile(keras.optimizers.Adam(0.02), "sparse_categorical_crossentropy")
        model.fit(images, labels, epochs=6, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="session")
def mlp():
    """Flatten -> Dense(16, relu) -> Dense(3, softmax), trained on the bars."""
    import keras

    images, labels = make_bars(192, seed=0)
    with config.seeded(0):
        model = keras.Sequential(
            [
                keras.Input((SIZE, SIZE, 1)),
                keras.layers.Flatten(name="flatten"),
                keras.layers.Dense(16, activation="relu", name="hidden"),
                keras.layers.Dense(CLASSES, activation="softmax", name="output"),
            ],
            name="toy_mlp",
        )
        model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        model.fit(images, labels, epochs=6, batch_size=32, verbose=0)
    return model


def build_linear(input_shape, classes=CLASSES, seed=0, activation="softmax"):
    """Flatten -> Dense(classes) with seeded random weights; returns the model, W and b."""
    import keras

    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(classes, activation=activation),
        ]
    )
    kernel = rng.normal(0, 0.3, (int(np.prod(input_shape)), classes)).astype(np.float32)
    bias = rng.normal(0, 0.3, classes).astype(np.float32)
    model.layers[-1].set_weights([kernel, bias])
    return model, kernel, bias


@pytest.fixture(scope="session")
def linear():
    """A linear classifier of (12, 12, 1) images: the model, its kernel W and bias b."""
    return build_linear((SIZE, SIZE, 1))

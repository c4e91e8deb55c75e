"""course_utils.classification.models: the seed CNN, its layer table and its parameter count."""

import warnings

import keras
import numpy as np
import pytest

from course_utils import classification


def document_model():
    """The source document's code, as written (minus fit)."""
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
    return model


def test_seed_cnn_is_the_source_documents_model():
    model = classification.build_seed_cnn()
    reference = document_model()
    assert model.count_params() == classification.SEED_CNN_PARAMS == 93_322
    assert classification.layer_table(model) == classification.layer_table(reference)
    for mine, theirs in zip(model.layers, reference.layers, strict=True):
        assert type(mine) is type(theirs)
        ours = {k: v for k, v in mine.get_config().items() if k not in ("name", "build_config")}
        document = {
            k: v for k, v in theirs.get_config().items() if k not in ("name", "build_config")
        }
        ours.pop("input_shape", None), document.pop("input_shape", None)
        assert ours == document
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss == reference.loss == "sparse_categorical_crossentropy"
    # Same architecture: with the source document model's weights, the same outputs.
    model.set_weights(reference.get_weights())
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        model.predict(images, verbose=0), reference.predict(images, verbose=0), atol=1e-6
    )


@pytest.mark.parametrize(
    "input_shape, num_classes, params",
    [((28, 28, 1), 2, 93_322 - 8 * 65), ((32, 32, 3), 10, None), ((18, 18, 1), 10, None)],
)
def test_seed_cnn_on_other_shapes(input_shape, num_classes, params):
    model = classification.build_seed_cnn(input_shape, num_classes)
    assert model.compute_output_shape((None, *input_shape)) == (None, num_classes)
    if params is not None:
        assert model.count_params() == params


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (28, 28)}, r"\(height, width, channels\).*normalize_images"),
        ({"input_shape": (16, 16, 1)}, "at least 18 pixels"),
        ({"input_shape": (28, 28, 0)}, "positive integers"),
        ({"num_classes": 1}, "at least 2"),
        ({"num_classes": "10"}, "at least 2"),
    ],
)
def test_seed_cnn_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        classification.build_seed_cnn(**kwargs)


@pytest.mark.parametrize(
    "kernel_size, in_channels, filters",
    [(3, 1, 32), ((3, 3), 32, 64), ((3, 5), 3, 8), ((5, 3), 7, 13), (1, 16, 4), ((7, 2), 1, 9)],
)
def test_count_conv2d_params_matches_keras(kernel_size, in_channels, filters):
    layer = keras.layers.Conv2D(filters, kernel_size)
    layer.build((None, 12, 12, in_channels))
    assert classification.count_conv2d_params(kernel_size, in_channels, filters) == (
        layer.count_params()
    )


@pytest.mark.parametrize(
    "args",
    [(0, 1, 32), ((3,), 1, 32), ((3, 3), 1.5, 32), (3, 1, -2), ("3", 1, 2), (True, 1, 2)],
)
def test_count_conv2d_params_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match=r"positive integers.*count_conv2d_params\(3, 1, 32\)"):
        classification.count_conv2d_params(*args)


def test_the_checked_builder_is_the_lesson_with_checks_in_front():
    """The package's copy checks its arguments, then runs the text notebook 04 shows."""
    assert classification.build_seed_cnn.__name__ == "build_seed_cnn"
    lesson = classification.build_seed_cnn.__wrapped__
    model = lesson((20, 30, 2), 3)
    assert model.compute_output_shape((None, 20, 30, 2)) == (None, 3)
    assert classification.layer_table(model) == classification.layer_table(
        classification.build_seed_cnn((20, 30, 2), 3)
    )


def test_layer_table_rejects_something_that_is_not_a_model():
    with pytest.raises(ValueError, match="built keras.Model"):
        classification.layer_table([1, 2, 3])


def test_count_conv2d_params_is_notebook_01s():
    from course_utils import convolution

    assert classification.count_conv2d_params is convolution.count_conv2d_params

"""The seed CNN of notebook 04, the source document's model, and a table of a model's layers.

    model = build_seed_cnn()          # compiled, 93,322 parameters on MNIST
    print(layer_table(model))         # type, output shape, parameters of each layer

Notebook 04 writes `build_seed_cnn` in a cell of its own, as the lesson; this is the
tested copy of the same text, which later notebooks and the tests call. It is the
source document's model exactly: Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) ->
Conv2D(64, 3x3, relu) -> MaxPooling2D(2x2) -> Conv2D(64, 3x3, relu) -> Flatten ->
Dense(64, relu) -> Dense(num_classes, softmax), compiled with `optimizer="adam"`,
`loss="sparse_categorical_crossentropy"` and `metrics=["accuracy"]`. The source
document passes `input_shape` to the first layer; Keras 3 prefers a `keras.Input`,
which gives the same model without a warning. The package's copy checks its
arguments first: `input_shape` must be `(height, width, channels)` with sides of at
least 18 pixels, `num_classes` at least 2, else `ValueError`.

>>> build_seed_cnn().count_params()
93322
"""

import keras
from keras import layers

from course_utils import tables
from course_utils.softmax.classifier import check_input_shape, with_checked_arguments

SEED_CNN_PARAMS = 93_322  # the seed model on 28x28x1 images and 10 classes
_SMALLEST_SIDE = 18  # three 3x3 convolutions and two 2x2 poolings need 18 pixels


def _check_image_shape(input_shape):
    shape = check_input_shape(input_shape)
    if len(shape) != 3 or min(shape[:2]) < _SMALLEST_SIDE:
        raise ValueError(
            "`input_shape` must be (height, width, channels) with height and width of at "
            f"least {_SMALLEST_SIDE} pixels (three 3x3 convolutions and two 2x2 poolings); "
            f"received {tuple(input_shape)!r}. For MNIST use (28, 28, 1): add the channel "
            "axis with data.normalize_images(images)."
        )
    return shape


@with_checked_arguments(_check_image_shape)
def build_seed_cnn(input_shape=(28, 28, 1), num_classes=10):
    """The course's seed CNN: the source document's model, compiled as it compiles it."""
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="seed_cnn",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def layer_table(model):
    """A plain-text table of a model's layers: type, output shape, parameters.

    Unlike `model.summary()` it leaves out the layer names (which depend on
    how many models were built before), so two builds of the same architecture
    give the same text.

    Args:
        model: a built `keras.Model`.

    Returns:
        A string, one line per layer and a total line.

    Raises:
        ValueError: if `model` is not a built Keras model.

    >>> print(layer_table(build_seed_cnn()))
    Conv2D         (26, 26, 32)            320
    MaxPooling2D   (13, 13, 32)              0
    Conv2D         (11, 11, 64)         18,496
    MaxPooling2D   (5, 5, 64)                0
    Conv2D         (3, 3, 64)           36,928
    Flatten        (576,)                    0
    Dense          (64,)                36,928
    Dense          (10,)                   650
    total                               93,322
    """
    model_layers = getattr(model, "layers", None)
    if model_layers is None or not getattr(model, "built", False):
        raise ValueError(
            f"`model` must be a built keras.Model; received {type(model).__name__}. Build it "
            "with an input shape first (e.g. keras.Input) or call it on a batch."
        )
    rows = [
        (type(layer).__name__, str(tuple(layer.output.shape[1:])), f"{layer.count_params():,}")
        for layer in model_layers
    ]
    rows.append(("total", "", f"{model.count_params():,}"))
    return tables.format_table(rows, align="llr", min_widths=(14, 15, 11), gap=1)

"""The classifier y = softmax(Wx + b) as a Keras model, and the checks of its arguments.

    model = build_softmax_classifier((28, 28, 1), 10)   # compiled, 784 * 10 + 10 parameters

Notebook 03 writes `build_softmax_classifier` in a cell of its own, as the lesson;
this is the tested copy of the same text. `Flatten` turns each image into a vector
x of `height * width * channels` numbers and one `Dense` layer computes softmax(xW +
b) (Keras stores W as `(inputs, num_classes)`: each column is one class's
template). W starts at zero (b always does): a linear classifier has no symmetry to
break, so every class starts at probability `1 / num_classes`, a loss of exactly
`ln(num_classes)`, and a picture of W shows only what training put there. The
package's copy checks its arguments first (`with_checked_arguments`): a malformed
`input_shape` or a `num_classes` below 2 raises `ValueError`.

>>> build_softmax_classifier((28, 28, 1), 10).count_params()  # 784 * 10 + 10
7850
"""

import functools

import keras

from course_utils import checks


def with_checked_arguments(check_shape):
    """A decorator: the builder checks `input_shape` (with `check_shape`) and `num_classes`.

    A notebook's copy of a builder is the lesson and has no checks; the package's
    copy, which later notebooks and the tests call, says what is wrong in the
    course's words before Keras would fail with its own.
    """

    def decorate(build):
        @functools.wraps(build)
        def checked(input_shape=(28, 28, 1), num_classes=10):
            return build(check_shape(input_shape), check_num_classes(num_classes))

        return checked

    return decorate


def check_input_shape(input_shape, ndim=None):
    """Returns `input_shape` as a tuple of ints after checking it.

    Args:
        input_shape: the shape of one example, without the batch axis.
        ndim: if given, the number of axes required.

    Raises:
        ValueError: if it is not a tuple of positive integers (of length `ndim`).

    >>> check_input_shape([28, 28, 1], ndim=3)
    (28, 28, 1)
    """
    try:
        shape = tuple(input_shape)
    except TypeError:
        shape = None
    valid = (
        shape is not None
        and len(shape) > 0
        and all(checks.is_integer(size) and size > 0 for size in shape)
    )
    if not valid or (ndim is not None and len(shape) != ndim):
        axes = f"{ndim} positive integers" if ndim else "positive integers"
        raise ValueError(
            f"`input_shape` must be a tuple of {axes}, the shape of one example without the "
            f"batch axis; received {input_shape!r}. For MNIST use (28, 28, 1): height, "
            "width and one (grayscale) channel."
        )
    return tuple(int(size) for size in shape)


def check_num_classes(num_classes):
    """Returns `num_classes` as an int after checking it is at least 2.

    Raises:
        ValueError: if it is not an integer of at least 2.

    >>> check_num_classes(10)
    10
    """
    return checks.integer(
        num_classes, "num_classes", low=2, fix="MNIST has 10 classes; a yes/no problem has 2."
    )


def check_class_names(class_names, num_classes):
    """Returns one name (a string) per class: `class_names`, or the class numbers if None.

    Raises:
        ValueError: if `class_names` does not hold exactly `num_classes` names.

    >>> check_class_names(None, 3), check_class_names(["cat", "dog"], 2)
    (['0', '1', '2'], ['cat', 'dog'])
    """
    if class_names is None:
        return [str(index) for index in range(num_classes)]
    names = [str(name) for name in class_names]
    if len(names) != num_classes:
        raise ValueError(
            f"`class_names` has {len(names)} names but there are {num_classes} classes; "
            "pass one name per class, or none."
        )
    return names


@with_checked_arguments(check_input_shape)
def build_softmax_classifier(input_shape=(28, 28, 1), num_classes=10):
    """The linear classifier y = softmax(xW + b), W and b starting at zero, compiled."""
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(num_classes, activation="softmax", kernel_initializer="zeros"),
        ],
        name="softmax_classifier",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

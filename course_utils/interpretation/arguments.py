"""Argument checks shared by the interpretation methods.

Each turns what was passed into what the methods need (a float32 batch of
images, one class index per image, a Keras classifier with one input) or
raises a ValueError that says what was received, what was expected and how to
fix it.
"""

import numpy as np

from course_utils import checks
from course_utils.convolution import arguments
from course_utils.convolution.arguments import as_numeric

__all__ = [
    "as_numeric",
    "check_batch_size",
    "check_class_index",
    "check_image",
    "check_images",
    "check_images_fit",
    "check_model",
]


def check_images(images, name="images"):
    """`images` as a float32 array `(n, height, width, channels)`, or raises.

    >>> check_images(np.zeros((2, 5, 4, 1), dtype=np.uint8)).dtype
    dtype('float32')
    >>> check_images(np.zeros((5, 4)))
    Traceback (most recent call last):
    ...
    ValueError: `images` must be 4D (n, height, width, channels); received shape (5, 4). For one greyscale image use image[None, :, :, None]; for a batch of greyscale images, images[..., None].
    """
    array = arguments.as_numeric(images, name)
    if array.ndim != 4 or min(array.shape) < 1:
        raise ValueError(
            f"`{name}` must be 4D (n, height, width, channels); received shape "
            f"{array.shape}. For one greyscale image use image[None, :, :, None]; for a "
            "batch of greyscale images, images[..., None]."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"`{name}` must hold finite numbers; it holds NaN or infinity.")
    return array.astype(np.float32)


def check_image(image):
    """One image as a float32 array `(height, width, channels)`, or raises.

    >>> check_image(np.zeros((5, 4, 3))).shape
    (5, 4, 3)
    """
    array = arguments.as_numeric(image, "image")
    if array.ndim != 3 or min(array.shape) < 1:
        raise ValueError(
            "`image` must be one image of shape (height, width, channels); received shape "
            f"{array.shape}. Take one image of a batch with images[0]; give a greyscale "
            "image its channel axis with image[..., None]."
        )
    return array.astype(np.float32)


def check_model(model):
    """`model` if it is a Keras model with one input, built, or raises."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model; received {type(model).__name__}. Pass the "
            "trained classifier itself, e.g. the model notebook 04 trains."
        )
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or len(inputs) != 1:
        raise ValueError(
            f"`model` must be a built model with one image input; {model.name!r} has "
            f"{len(inputs) if inputs else 'no'} inputs. Start a Sequential model with "
            "keras.Input(shape=(height, width, channels)), or build a functional model."
        )
    return model


def check_images_fit(model, images):
    """Raises if `images` (already checked) do not have the shape the model takes."""
    expected = tuple(model.inputs[0].shape[1:])
    received = images.shape[1:]
    if len(expected) != len(received) or any(
        want is not None and want != got for want, got in zip(expected, received)
    ):
        raise ValueError(
            f"The model takes images of shape {expected}; received images of shape "
            f"{received}. Pass images like those it was trained on."
        )


def check_class_index(class_index, count, num_classes):
    """One class index per image, as an int array of shape `(count,)`, or raises.

    `class_index` is one int (the same class for every image) or a sequence of
    `count` ints.

    >>> check_class_index(2, 3, 10).tolist(), check_class_index([0, 9], 2, 10).tolist()
    ([2, 2, 2], [0, 9])
    >>> check_class_index(10, 1, 10)
    Traceback (most recent call last):
    ...
    ValueError: `class_index` must be an int in [0, 10) or one such int per image (1 images); received 10. E.g. class_index=labels[:n] explains each image's true class.
    """
    if checks.is_integer(class_index):
        indices = np.full(count, int(class_index))
    else:
        try:
            indices = np.asarray(class_index)
        except (TypeError, ValueError):
            indices = np.array([None], dtype=object)
        if indices.ndim != 1 or len(indices) != count or indices.dtype.kind not in "iu":
            indices = None
    if indices is None or (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(
            f"`class_index` must be an int in [0, {num_classes}) or one such int per image "
            f"({count} images); received {class_index!r:.80}. E.g. class_index=labels[:n] "
            "explains each image's true class."
        )
    return indices.astype(np.int64)


def check_batch_size(batch_size):
    """`batch_size` as a positive int, or raises."""
    return checks.positive_int(
        batch_size, "batch_size", "It is how many images go through the model at once, e.g. 256."
    )

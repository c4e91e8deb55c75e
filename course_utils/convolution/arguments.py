"""Argument checks shared by the convolutions and the poolings of the course.

Each turns what a learner passed into what the loops need (a numeric array,
an `(rows, columns)` pair of ints, a lower-case padding name) or raises a
ValueError that says what was received and how to fix it. `course_utils.pooling`
takes its windows, strides and paddings through the same checks, so both
topics word a mistake the same way.
"""

import numpy as np

from course_utils import checks

PADDINGS = ("valid", "same")


def as_numeric(value, name):
    """`value` as a NumPy array of numbers, or a ValueError naming `name`.

    >>> as_numeric([[1, 2]], "images").shape
    (1, 2)
    >>> as_numeric(["a"], "images")
    Traceback (most recent call last):
    ...
    ValueError: `images` must hold numbers; received dtype <U1. Convert it with np.asarray(..., dtype=np.float32).
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(f"`{name}` must be a numeric array; received {error}.") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"`{name}` must hold numbers; received dtype {array.dtype}. Convert it with "
            "np.asarray(..., dtype=np.float32)."
        )
    return array


def check_images(images):
    """`images` as a non-empty numeric 4D array `(batch, height, width, channels)`, or raises."""
    return _as_4d(
        images,
        "images",
        "(batch, height, width, channels)",
        "For one greyscale image use image[None, :, :, None]; for a batch of greyscale "
        "images, images[..., None].",
    )


def _as_4d(value, name, layout, fix):
    """`value` as a non-empty numeric 4D array, or a ValueError giving its `layout`."""
    array = as_numeric(value, name)
    if array.ndim != 4:
        raise ValueError(f"`{name}` must be 4D {layout}; received shape {array.shape}. {fix}")
    if min(array.shape) < 1:
        raise ValueError(f"`{name}` must not be empty; received shape {array.shape}.")
    return array


def int_pair(value, name, fix=""):
    """An int or a pair of ints, as Keras takes `strides` and `kernel_size`.

    Args:
        value: a positive int, or a pair of them `(rows, columns)`.
        name: the argument's name, for the message.
        fix: what the message proposes; by default `{name}=2 or {name}=(2, 1)`.

    Returns:
        `(rows, columns)`, two ints.

    Raises:
        ValueError: if `value` is neither a positive int nor a pair of them.

    >>> int_pair(3, "strides"), int_pair((2, np.int64(1)), "strides")
    ((3, 3), (2, 1))
    """
    pair = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else (value, value)
    if len(pair) != 2 or not all(checks.is_integer(v) and v >= 1 for v in pair):
        fix = fix or f"For example {name}=2 or {name}=(2, 1)."
        raise ValueError(
            f"`{name}` must be a positive integer or a pair of them (rows, columns); "
            f"received {value!r}. {fix}"
        )
    return int(pair[0]), int(pair[1])


def check_padding(padding):
    """`"valid"` or `"same"` (in any case), lower-cased, or a ValueError that explains both.

    >>> check_padding("SAME")
    'same'
    """
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in PADDINGS:
        raise ValueError(
            f"`padding` must be 'valid' or 'same'; received {padding!r}. 'valid' keeps every "
            "window inside the input; 'same' pads with zeros so that stride 1 keeps the size."
        )
    return name


def check_conv_args(images, kernels, strides, padding):
    """Checks the arguments of a convolution; returns them as the loops need them.

    Returns:
        `(images, kernels, (step_down, step_right), padding)`: two numeric 4D
        arrays whose channels agree, two ints and `"valid"` or `"same"`.

    Raises:
        ValueError: if an array is not 4D or empty, the channels differ, a
            stride is not a positive integer, the padding is unknown, or the
            kernel does not fit in the images with `"valid"`.
    """
    images = check_images(images)
    kernels = _as_4d(
        kernels,
        "kernels",
        "(kernel_height, kernel_width, in_channels, out_channels), the layout of Conv2D's kernel",
        "For one 2D kernel use kernel[:, :, None, None]; for several, stack_kernels([...]).",
    )
    if kernels.shape[2] != images.shape[3]:
        raise ValueError(
            f"`images` have {images.shape[3]} channels (shape {images.shape}) but `kernels` "
            f"expect {kernels.shape[2]} input channels (shape {kernels.shape}); the third "
            "axis of the kernels must equal the last axis of the images."
        )
    strides = int_pair(strides, "strides")
    padding = check_padding(padding)
    if padding == "valid":
        for axis, name in ((0, "height"), (1, "width")):
            if kernels.shape[axis] > images.shape[axis + 1]:
                raise ValueError(
                    f"The kernel (shape {kernels.shape[:2]}) is larger than the images "
                    f"(height x width {images.shape[1:3]}) in {name}: with padding='valid' no "
                    "window fits. Use a smaller kernel, larger images, or padding='same'."
                )
    return images, kernels, strides, padding

"""Pooling by hand: max and average pooling, global pooling, and shift tolerance.

A pooling layer slides a window over each channel separately and keeps one
number per window: the largest (max pooling) or the mean (average pooling),

    out[b, i, j, c] = max (or mean) over (u, v) of images[b, i * s + u, j * s + v, c].

It has no weights to learn. `max_pool2d_naive` and `avg_pool2d_naive` equal
`keras.layers.MaxPooling2D` and `AveragePooling2D` (channels-last), including
Keras' "same" padding. `pool_windows` says which pixels each window covers; the
backward pass (`backward`) walks the same windows.
"""

import numpy as np

from course_utils import checks
from course_utils.convolution.arguments import as_numeric, check_images, check_padding, int_pair
from course_utils.convolution.ops import output_size, padding_amounts


def max_pool2d_naive(images, pool_size=2, strides=None, padding="valid"):
    """Max-pools a batch of images with explicit loops.

    The teaching twin of `keras.layers.MaxPooling2D` (channels-last): each
    channel of each image is pooled on its own. With `"same"` the window may
    hang over the border (Keras puts the extra row or column at the bottom or
    the right); only real pixels compete for the maximum.

    Args:
        images: array of shape `(batch, height, width, channels)`.
        pool_size: window height and width, an int or `(height, width)`.
        strides: step between windows, an int or a pair; defaults to
            `pool_size` (windows side by side, no overlap).
        padding: `"valid"` (drop what does not fill a window) or `"same"`
            (`ceil(size / stride)` windows; see `convolution.padding_amounts`).

    Returns:
        Array of shape `(batch, out_height, out_width, channels)`, float32
        unless `images` is float64.

    Raises:
        ValueError: if `images` is not 4D, a size or stride is not a positive
            integer, the padding is unknown, or the window does not fit in the
            images with `"valid"`.

    >>> max_pool2d_naive(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool_naive(images, pool_size, strides, padding, np.max)


def avg_pool2d_naive(images, pool_size=2, strides=None, padding="valid"):
    """Average-pools a batch of images with explicit loops.

    The teaching twin of `keras.layers.AveragePooling2D` (channels-last). With
    `"same"` a window that hangs over the border averages only the real
    pixels under it: Keras does not count the padding as zeros.

    Args, Returns, Raises: as `max_pool2d_naive`.

    >>> avg_pool2d_naive(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> avg_pool2d_naive(np.arange(9.0).reshape(1, 3, 3, 1), padding="same")[0, :, :, 0]
    array([[2. , 3.5],
           [6.5, 8. ]])
    """
    return _pool_naive(images, pool_size, strides, padding, np.mean)


def global_max_pool2d(images):
    """The largest value of each channel of each image.

    Equals `keras.layers.GlobalMaxPooling2D`: one number per channel, wherever
    in the image it is.

    Args:
        images: array of shape `(batch, height, width, channels)`.

    Returns:
        Array of shape `(batch, channels)`.

    Raises:
        ValueError: if `images` is not 4D.

    >>> global_max_pool2d(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[6., 7.]])
    """
    images = check_images(images)
    return images.max(axis=(1, 2)).astype(_float_dtype(images))


def global_avg_pool2d(images):
    """The mean of each channel of each image.

    Equals `keras.layers.GlobalAveragePooling2D`.

    Args, Returns, Raises: as `global_max_pool2d`.

    >>> global_avg_pool2d(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[3., 4.]])
    """
    images = check_images(images)
    return images.astype(np.float64).mean(axis=(1, 2)).astype(_float_dtype(images))


def shift_images(images, down=0, right=0):
    """Moves images by whole pixels, filling the uncovered border with zeros.

    Args:
        images: array of shape `(batch, height, width)` or
            `(batch, height, width, channels)`.
        down: pixels to move down (negative: up).
        right: pixels to move right (negative: left).

    Returns:
        Array of the same shape and dtype; what moves past the border is lost.

    Raises:
        ValueError: if `images` is not 3D or 4D, or a shift is not an integer
            smaller than the image.

    >>> shift_images(np.arange(1, 5).reshape(1, 2, 2), right=1)[0]
    array([[0, 1],
           [0, 3]])
    """
    images = as_numeric(images, "images")
    if images.ndim not in (3, 4):
        raise ValueError(
            "`images` must be 3D (batch, height, width) or 4D (batch, height, width, "
            f"channels); received shape {images.shape}. For one image use image[None]."
        )
    for name, value, limit in (("down", down, images.shape[1]), ("right", right, images.shape[2])):
        if not checks.is_integer(value) or abs(value) >= limit:
            raise ValueError(
                f"`{name}` must be an integer between {-limit + 1} and {limit - 1} for images "
                f"of shape {images.shape}; received {value!r}."
            )
    out = np.zeros_like(images)
    height, width = images.shape[1], images.shape[2]
    rows_to = slice(max(down, 0), height + min(down, 0))
    rows_from = slice(max(-down, 0), height + min(-down, 0))
    cols_to = slice(max(right, 0), width + min(right, 0))
    cols_from = slice(max(-right, 0), width + min(-right, 0))
    out[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return out


def relative_change(reference, changed):
    """How much `changed` differs from `reference`, relative to the reference's size.

    `||changed - reference|| / ||reference||` (Euclidean norms over each item),
    averaged over the batch: 0 means identical, 1 means a change as large as
    the features themselves.

    Args:
        reference: array of shape `(batch, ...)`.
        changed: array of the same shape.

    Returns:
        A float.

    Raises:
        ValueError: if the shapes differ or a reference item is all zeros.

    >>> relative_change(np.array([[3.0, 4.0]]), np.array([[3.0, 4.5]]))
    0.1
    """
    reference = as_numeric(reference, "reference").astype(np.float64)
    changed = as_numeric(changed, "changed").astype(np.float64)
    if reference.shape != changed.shape or reference.ndim < 1 or reference.size == 0:
        raise ValueError(
            "`reference` and `changed` must be non-empty arrays of one shape (batch, ...); "
            f"received shapes {reference.shape} and {changed.shape}."
        )
    flat_reference = reference.reshape(len(reference), -1)
    norms = np.linalg.norm(flat_reference, axis=1)
    if np.any(norms == 0):
        raise ValueError(
            f"`reference` item(s) {np.flatnonzero(norms == 0).tolist()} are all zeros: a change "
            "relative to nothing is undefined. Drop blank items first."
        )
    differences = np.linalg.norm(changed.reshape(len(changed), -1) - flat_reference, axis=1)
    return float(np.mean(differences / norms))


def pool_windows(images, pool_size=2, strides=None, padding="valid"):
    """Checks a pooling's arguments and lists the pixels each of its windows covers.

    With `"same"` a window may hang over the border; its slices are clipped to
    the real pixels, so padding never wins a maximum and never counts in an
    average (as in Keras).

    Args:
        images, pool_size, strides, padding: as in `max_pool2d_naive`.

    Returns:
        `(images, windows)`: `images` as a numeric 4D array, and `windows`, a
        list of `out_height` rows, each a list of `out_width` pairs
        `(rows, cols)` of slices: output `(i, j)` pools
        `images[:, rows, cols, :]`.

    Raises:
        ValueError: as `max_pool2d_naive`.

    >>> _, windows = pool_windows(np.zeros((1, 5, 5, 1)), 2)
    >>> len(windows), len(windows[0]), windows[1][0]
    (2, 2, (slice(2, 4, None), slice(0, 2, None)))
    """
    images = check_images(images)
    pool_height, pool_width = int_pair(pool_size, "pool_size")
    step_y, step_x = int_pair(pool_size if strides is None else strides, "strides")
    padding = check_padding(padding)
    if padding == "valid" and (pool_height > images.shape[1] or pool_width > images.shape[2]):
        raise ValueError(
            f"The pooling window {(pool_height, pool_width)} is larger than the images "
            f"(height x width {images.shape[1:3]}): with padding='valid' no window fits. "
            "Use a smaller pool_size or padding='same'."
        )
    height, width = images.shape[1:3]
    out_height = output_size(height, pool_height, step_y, padding)
    out_width = output_size(width, pool_width, step_x, padding)
    top = padding_amounts(height, pool_height, step_y, padding)[0]
    left = padding_amounts(width, pool_width, step_x, padding)[0]
    # Each window in padded coordinates, clipped to the real pixels.
    row_slices = [
        slice(max(i * step_y - top, 0), min(i * step_y - top + pool_height, height))
        for i in range(out_height)
    ]
    col_slices = [
        slice(max(j * step_x - left, 0), min(j * step_x - left + pool_width, width))
        for j in range(out_width)
    ]
    return images, [[(rows, cols) for cols in col_slices] for rows in row_slices]


def _pool_naive(images, pool_size, strides, padding, reduce):
    images, windows = pool_windows(images, pool_size, strides, padding)
    batch, _, _, channels = images.shape
    values = images.astype(np.float64)
    out = np.zeros((batch, len(windows), len(windows[0]), channels), dtype=np.float64)
    for b in range(batch):
        for i, row in enumerate(windows):
            for j, (rows, cols) in enumerate(row):
                for c in range(channels):
                    out[b, i, j, c] = reduce(values[b, rows, cols, c])
    return out.astype(_float_dtype(images))


def _float_dtype(images):
    return np.result_type(np.float32, images.dtype)

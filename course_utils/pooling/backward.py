"""The backward pass of pooling, loop by loop: where each window's gradient goes.

A pooling layer has no weights, so its backward pass only passes the gradient
on to its input, window by window:

- max pooling kept one pixel of each window, the largest; a small change of
  any other pixel does not change the output. So the window's gradient goes,
  whole, to the position of its maximum, and the other pixels get zero;
- average pooling kept the mean of the window's `n` pixels, and each of them
  moves the mean by `1 / n` of its own change: the window's gradient is spread
  evenly, `1 / n` to each.

Where windows overlap (a stride smaller than the window) a pixel receives from
every window it belongs to, and the contributions add up; pixels that no window
covers (a last row or column that "valid" pooling drops) get zero. Both
functions equal the automatic gradients of `keras.layers.MaxPooling2D` and
`AveragePooling2D`; notebook 02 shows `max_pool2d_backward_naive` as a cell a
learner can edit (the two are held to the same text).
"""

import numpy as np

from course_utils import pooling  # the package, as notebook 02 names it
from course_utils.convolution.arguments import as_numeric
from course_utils.pooling.ops import pool_windows


def max_pool2d_backward_naive(images, grad_output, pool_size=2, strides=None, padding="valid"):
    """Gradient of max pooling with respect to its input: each window's goes to its maximum."""
    images, grad_output, windows = pooling.backward_windows(
        images, grad_output, pool_size, strides, padding
    )  # checked arrays; windows[i][j] = (rows, cols), the pixels output (i, j) pooled
    grad_images = np.zeros(images.shape)
    batch, _, _, channels = images.shape
    for b in range(batch):
        for i, row in enumerate(windows):
            for j, (rows, cols) in enumerate(row):
                for c in range(channels):
                    window = images[b, rows, cols, c]
                    u, v = np.unravel_index(np.argmax(window), window.shape)  # the winner
                    grad_images[b, rows.start + u, cols.start + v, c] += grad_output[b, i, j, c]
    return grad_images


def avg_pool2d_backward_naive(images, grad_output, pool_size=2, strides=None, padding="valid"):
    """Gradient of average pooling with respect to its input, loop by loop.

    Each window's gradient is shared evenly among the pixels it averaged:
    `grad_output[b, i, j, c] / n` to each of its `n` pixels (with `"same"`
    padding, `n` counts only the real pixels under the window, as Keras
    averages them). The values of `images` do not matter, only its shape.

    Args:
        images: the forward pass's input, shape `(batch, height, width, channels)`.
        grad_output: the gradient of the loss with respect to the pooled
            output, shape `(batch, out_height, out_width, channels)`.
        pool_size, strides, padding: as in `avg_pool2d_naive`.

    Returns:
        A float64 array of the shape of `images`.

    Raises:
        ValueError: as `backward_windows`.

    >>> images = np.zeros((1, 2, 4, 1))
    >>> avg_pool2d_backward_naive(images, np.array([10.0, 20.0]).reshape(1, 1, 2, 1))[0, :, :, 0]
    array([[2.5, 2.5, 5. , 5. ],
           [2.5, 2.5, 5. , 5. ]])
    """
    images, grad_output, windows = backward_windows(
        images, grad_output, pool_size, strides, padding
    )
    batch, _, _, channels = images.shape
    grad_images = np.zeros(images.shape)
    for b in range(batch):
        for i, row in enumerate(windows):
            for j, (rows, cols) in enumerate(row):
                count = (rows.stop - rows.start) * (cols.stop - cols.start)
                for c in range(channels):
                    grad_images[b, rows, cols, c] += grad_output[b, i, j, c] / count
    return grad_images


def backward_windows(images, grad_output, pool_size=2, strides=None, padding="valid"):
    """Checks the arguments of a pooling's backward pass; lists the pixels each window pools.

    Args:
        images, pool_size, strides, padding: as in `max_pool2d_naive`.
        grad_output: the gradient of the loss with respect to the pooled
            output, shape `(batch, out_height, out_width, channels)`.

    Returns:
        `(images, grad_output, windows)`: the two arrays as float64, and the
        windows as `pool_windows` lists them (`windows[i][j]` is the pair of
        slices `(rows, cols)` that output `(i, j)` pools).

    Raises:
        ValueError: for the arguments `max_pool2d_naive` refuses, and if
            `grad_output` does not have the shape of the pooled output.

    >>> images, grad_output, windows = backward_windows(np.ones((1, 5, 4, 2)), np.ones((1, 2, 2, 2)))
    >>> windows[1][0]
    (slice(2, 4, None), slice(0, 2, None))
    """
    images, windows = pool_windows(images, pool_size, strides, padding)
    grad_output = as_numeric(grad_output, "grad_output")
    expected = (images.shape[0], len(windows), len(windows[0]), images.shape[3])
    if grad_output.shape != expected:
        raise ValueError(
            "`grad_output` must have the shape of the pooled output, (batch, out_height, "
            f"out_width, channels) = {expected}; received shape {grad_output.shape}. Pool "
            "with the same pool_size, strides and padding to get it, e.g. "
            "max_pool2d_naive(images, pool_size, strides, padding).shape."
        )
    return images.astype(np.float64), grad_output.astype(np.float64), windows

"""The backward pass of pooling, loop by loop: where each window's gradient goes.

A pooling layer has no weights, so its backward pass only passes the gradient
on to its input, window by window:

- **max pooling** kept one pixel of each window, the largest; a small change of
  any other pixel does not change the output. So the window's gradient goes,
  whole, to the position of its maximum, and the other pixels get zero;
- **average pooling** kept the mean of the window's `n` pixels, and each of them
  moves the mean by `1 / n` of its own change: the window's gradient is spread
  evenly, `1 / n` to each.

Where windows overlap (a stride smaller than the window) a pixel receives from
every window it belongs to, and the contributions add up; pixels that no window
covers (a last row or column that "valid" pooling drops) get zero. Both
functions equal the automatic gradients of `keras.layers.MaxPooling2D` and
`AveragePooling2D`.
"""

import numpy as np

from course_utils.convolution.arguments import as_numeric
from course_utils.pooling.ops import _float_dtype, pool_windows


def max_pool2d_backward_naive(images, grad_output, pool_size=2, strides=None, padding="valid"):
    """Gradient of max pooling with respect to its input, loop by loop.

    For every window of every channel, the window's gradient
    `grad_output[b, i, j, c]` goes to the pixel that won the maximum; the
    others get nothing from that window. A tie goes to the first maximum in
    row-major order, as in TensorFlow (with continuous inputs, ties do not
    happen).

    Args:
        images: the forward pass's input, shape `(batch, height, width, channels)`.
        grad_output: the gradient of the loss with respect to the pooled
            output, shape `(batch, out_height, out_width, channels)`.
        pool_size, strides, padding: as in `max_pool2d_naive`.

    Returns:
        Array of the shape of `images`, float32 unless an input is float64.

    Raises:
        ValueError: for the arguments `max_pool2d_naive` refuses, and if
            `grad_output` does not have the shape of the pooled output.

    >>> images = np.array([[1.0, 3.0, 0.0, 2.0], [4.0, 2.0, 1.0, 0.0]]).reshape(1, 2, 4, 1)
    >>> max_pool2d_backward_naive(images, np.array([10.0, 20.0]).reshape(1, 1, 2, 1))[0, :, :, 0]
    array([[ 0.,  0.,  0., 20.],
           [10.,  0.,  0.,  0.]])
    """
    images, windows, grad_output = _check(images, grad_output, pool_size, strides, padding)
    batch, _, _, channels = images.shape
    values = images.astype(np.float64)
    grad_images = np.zeros(images.shape, dtype=np.float64)
    for b in range(batch):
        for i, row in enumerate(windows):
            for j, (rows, cols) in enumerate(row):
                for c in range(channels):
                    window = values[b, rows, cols, c]
                    u, v = np.unravel_index(np.argmax(window), window.shape)  # the winner
                    grad_images[b, rows.start + u, cols.start + v, c] += grad_output[b, i, j, c]
    return grad_images.astype(np.result_type(_float_dtype(images), grad_output.dtype))


def avg_pool2d_backward_naive(images, grad_output, pool_size=2, strides=None, padding="valid"):
    """Gradient of average pooling with respect to its input, loop by loop.

    Each window's gradient is shared evenly among the pixels it averaged:
    `grad_output[b, i, j, c] / n` to each of its `n` pixels (with `"same"`
    padding, `n` counts only the real pixels under the window, as Keras
    averages them). The values of `images` do not matter, only its shape.

    Args, Returns, Raises: as `max_pool2d_backward_naive`.

    >>> images = np.zeros((1, 2, 4, 1))
    >>> avg_pool2d_backward_naive(images, np.array([10.0, 20.0]).reshape(1, 1, 2, 1))[0, :, :, 0]
    array([[2.5, 2.5, 5. , 5. ],
           [2.5, 2.5, 5. , 5. ]])
    """
    images, windows, grad_output = _check(images, grad_output, pool_size, strides, padding)
    batch, _, _, channels = images.shape
    grad_images = np.zeros(images.shape, dtype=np.float64)
    for b in range(batch):
        for i, row in enumerate(windows):
            for j, (rows, cols) in enumerate(row):
                count = (rows.stop - rows.start) * (cols.stop - cols.start)
                for c in range(channels):
                    grad_images[b, rows, cols, c] += grad_output[b, i, j, c] / count
    return grad_images.astype(np.result_type(_float_dtype(images), grad_output.dtype))


def _check(images, grad_output, pool_size, strides, padding):
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
    return images, windows, grad_output

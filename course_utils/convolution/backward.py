"""The backward pass of a convolution, loop by loop: what training needs from each layer.

To learn, a network needs the gradient of its loss with respect to every kernel
weight, and, to pass it on to the layers before, with respect to the layer's
input. The convolution's forward pass (see `ops`) computes, for every image,
output position and filter,

    out[b, i, j, o] = sum of window(b, i, j) * kernels[:, :, :, o],

where `window(b, i, j)` is the (padded) input under the kernel. Given the
gradient of the loss with respect to `out`, `grad_output`, the chain rule
differentiates each of these sums:

- the window's pixels receive `grad_output[b, i, j, o] * kernels[:, :, :, o]`:
  each output value's gradient flows back to the window it came from,
  weighted by the kernel (and adds up where windows overlap);
- the kernel receives `grad_output[b, i, j, o] * window(b, i, j)`, summed over
  every image and position: the correlation of the input with the output's
  gradient.

`conv2d_backward_naive` writes exactly this as loops. Both gradients are
convolutions again: notebook 01 shows that, for stride 1, the input's gradient
is the padded `grad_output` cross-correlated with the kernels flipped in both
spatial axes and with their input and output channels swapped.
"""

import numpy as np

from course_utils.convolution.arguments import as_numeric, check_conv_args
from course_utils.convolution.ops import output_size, padding_amounts


def conv2d_backward_naive(images, kernels, grad_output, strides=1, padding="valid"):
    """Gradients of a convolution with respect to its input and its kernels, loop by loop.

    The backward pass of `conv2d_naive` (and of `keras.layers.Conv2D` without a
    bias): for every image, output position and filter, the forward pass summed
    `window * kernels[:, :, :, o]`, so the window's pixels receive
    `grad_output[b, i, j, o] * kernels[:, :, :, o]` and the kernel receives
    `grad_output[b, i, j, o] * window`. Where windows overlap, the
    contributions add up; zeros of the padding take their share and are
    dropped at the end; pixels that no window covers get zero.

    Args:
        images: the forward pass's input, shape `(batch, height, width, in_channels)`.
        kernels: its kernels, shape `(kh, kw, in_channels, out_channels)`.
        grad_output: the gradient of the loss with respect to the forward
            pass's output, shape `(batch, out_height, out_width, out_channels)`.
        strides, padding: as in `conv2d_naive`.

    Returns:
        `(grad_images, grad_kernels)`: arrays of the shapes of `images` and
        `kernels`, float32 unless an input is float64.

    Raises:
        ValueError: for the arguments `conv2d_naive` refuses, and if
            `grad_output` does not have the shape of the forward pass's output.

    >>> image = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> kernel = np.array([[1.0, 0.0], [0.0, -1.0]])[:, :, None, None]
    >>> grad_images, grad_kernels = conv2d_backward_naive(image, kernel, np.ones((1, 2, 2, 1)))
    >>> grad_images[0, :, :, 0]
    array([[ 1.,  1.,  0.],
           [ 1.,  0., -1.],
           [ 0., -1., -1.]])
    >>> grad_kernels[:, :, 0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    images, kernels, (step_y, step_x), padding = check_conv_args(images, kernels, strides, padding)
    kernel_height, kernel_width, _, filters = kernels.shape
    batch, height, width, _ = images.shape
    out_height = output_size(height, kernel_height, step_y, padding)
    out_width = output_size(width, kernel_width, step_x, padding)
    grad_output = _check_grad_output(grad_output, (batch, out_height, out_width, filters))
    top, bottom = padding_amounts(height, kernel_height, step_y, padding)
    left, right = padding_amounts(width, kernel_width, step_x, padding)
    padded = np.pad(images.astype(np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    weights = kernels.astype(np.float64)

    grad_padded = np.zeros_like(padded)
    grad_kernels = np.zeros_like(weights)
    for b in range(batch):
        for i in range(out_height):
            for j in range(out_width):
                rows = slice(i * step_y, i * step_y + kernel_height)
                cols = slice(j * step_x, j * step_x + kernel_width)
                window = padded[b, rows, cols, :]
                for o in range(filters):
                    g = grad_output[b, i, j, o]  # how much the loss moves with out[b, i, j, o]
                    grad_padded[b, rows, cols, :] += g * weights[:, :, :, o]
                    grad_kernels[:, :, :, o] += g * window
    grad_images = grad_padded[:, top : top + height, left : left + width, :]  # drop the padding
    dtype = np.result_type(np.float32, images.dtype, kernels.dtype, grad_output.dtype)
    return grad_images.astype(dtype), grad_kernels.astype(dtype)


def _check_grad_output(grad_output, expected_shape):
    grad_output = as_numeric(grad_output, "grad_output")
    if grad_output.shape != expected_shape:
        raise ValueError(
            "`grad_output` must have the shape of the forward pass's output, (batch, "
            f"out_height, out_width, out_channels) = {expected_shape}; received shape "
            f"{grad_output.shape}. Compute the output with the same strides and padding, "
            "e.g. conv2d_naive(images, kernels, strides, padding).shape."
        )
    return grad_output

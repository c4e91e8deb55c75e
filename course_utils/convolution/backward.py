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

`conv2d_backward_naive` writes exactly this as loops; notebook 01 shows the
same function as a cell a learner can edit (the two are held to the same
text). `backward_arguments` checks its arguments and pads the images.
"""

import numpy as np

from course_utils import convolution  # the package, as notebook 01 names it
from course_utils.convolution.arguments import as_numeric, check_conv_args
from course_utils.convolution.ops import output_size, padding_amounts


def conv2d_backward_naive(images, kernels, grad_output, strides=1, padding="valid"):
    """Gradients of `conv2d_naive` with respect to its images and its kernels, loop by loop."""
    padded, kernels, grad_output, (step_y, step_x), (top, left) = convolution.backward_arguments(
        images, kernels, grad_output, strides, padding
    )  # checked arrays; the images zero-padded as the forward pass padded them
    kernel_height, kernel_width, _, filters = kernels.shape
    batch, out_height, out_width, _ = grad_output.shape
    grad_padded = np.zeros(padded.shape)
    grad_kernels = np.zeros(kernels.shape)
    for b in range(batch):
        for i in range(out_height):
            for j in range(out_width):
                rows = slice(i * step_y, i * step_y + kernel_height)
                cols = slice(j * step_x, j * step_x + kernel_width)
                window = padded[b, rows, cols, :]
                for o in range(filters):
                    g = grad_output[b, i, j, o]  # how much the loss moves with out[b, i, j, o]
                    grad_padded[b, rows, cols, :] += g * kernels[:, :, :, o]
                    grad_kernels[:, :, :, o] += g * window
    height, width = np.shape(images)[1:3]
    return grad_padded[:, top : top + height, left : left + width], grad_kernels  # drop the padding


def backward_arguments(images, kernels, grad_output, strides=1, padding="valid"):
    """Checks the arguments of a convolution's backward pass, and pads its images.

    Args:
        images, kernels, strides, padding: as in `conv2d_naive`.
        grad_output: the gradient of the loss with respect to the forward
            pass's output, shape `(batch, out_height, out_width, out_channels)`.

    Returns:
        `(padded, kernels, grad_output, (step_y, step_x), (top, left))`: the
        images zero-padded as the forward pass padded them, the kernels and
        the gradient as float64 arrays, the strides as a pair, and the zeros
        added above and on the left (to drop from the input's gradient).

    Raises:
        ValueError: for the arguments `conv2d_naive` refuses, and if
            `grad_output` does not have the shape of the forward pass's output.

    >>> padded, _, _, strides, corner = backward_arguments(
    ...     np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 2)), np.ones((1, 2, 2, 2)), 2, "same")
    >>> padded.shape, strides, corner
    ((1, 5, 5, 1), (2, 2), (0, 0))
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
    as_float = kernels.astype(np.float64), grad_output.astype(np.float64)
    return padded, *as_float, (step_y, step_x), (top, left)


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

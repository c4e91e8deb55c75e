"""Convolutions by hand: output sizes, Keras' padding, the loops and the matrix product.

What Keras calls a convolution is a cross-correlation: a small kernel slides
over the image and, at every position, the output is the sum of the products
of the kernel with the pixels under it,

    out[b, i, j, o] = sum over (u, v, c) of
                      images[b, i * s + u, j * s + v, c] * kernels[u, v, c, o]

for a stride `s`. `conv2d_naive` writes this out as loops (notebook 01 shows
it as a cell a learner can edit; the two are held to the same text);
`conv2d_im2col` gives the same numbers with one matrix product, as frameworks do. Both equal
`keras.layers.Conv2D` (channels-last) with the same kernels and a zero bias.
`output_size` and `padding_amounts` are the rules along one axis that both
follow, and `count_conv2d_params` is the course's one count of a `Conv2D`
layer's parameters.
"""

import numpy as np

from course_utils import checks, convolution  # the package, as notebook 01 names it
from course_utils.convolution.arguments import (
    check_conv_args,
    check_images,
    check_padding,
    int_pair,
)

_COUNT_FIX = (
    "count_conv2d_params needs positive integers: kernel_size as an int or a (kh, kw) "
    "tuple, in_channels and filters. E.g. count_conv2d_params(3, 1, 32)."
)


def output_size(input_size, kernel_size, stride=1, padding="valid"):
    """Length of a convolution's (or pooling's) output along one axis.

    With `"valid"` the window stays inside the input: `(n - k) // s + 1`
    positions. With `"same"` Keras pads the input so that there are
    `ceil(n / s)` positions (the input's size when the stride is 1).

    Args:
        input_size: length of the input along the axis (positive integer).
        kernel_size: length of the kernel (or pooling window) along the axis.
        stride: step between two windows (positive integer).
        padding: `"valid"` or `"same"`.

    Returns:
        The number of output positions, an int.

    Raises:
        ValueError: if a size or the stride is not a positive integer, the
            padding is unknown, or the kernel is longer than the input with
            `"valid"`.

    >>> output_size(28, 3), output_size(28, 3, padding="same"), output_size(7, 3, stride=2)
    (26, 28, 3)
    >>> output_size(7, 2, stride=3, padding="same")
    3
    """
    checks.positive_int(input_size, "input_size")
    checks.positive_int(kernel_size, "kernel_size")
    checks.positive_int(stride, "stride")
    padding = check_padding(padding)
    if padding == "same":
        return -(-int(input_size) // int(stride))
    if kernel_size > input_size:
        raise ValueError(
            f"`kernel_size` {kernel_size} is larger than `input_size` {input_size}: with "
            "padding='valid' no window fits. Use a smaller kernel or padding='same'."
        )
    return (int(input_size) - int(kernel_size)) // int(stride) + 1


def padding_amounts(input_size, kernel_size, stride=1, padding="valid"):
    """Zeros added before and after the input along one axis, as Keras adds them.

    `"same"` pads `max((out - 1) * s + k - n, 0)` zeros in all, where `out` is
    `ceil(n / s)`; when that number is odd the extra zero goes after (at the
    bottom or the right), as in TensorFlow. `"valid"` pads nothing.

    Args:
        input_size, kernel_size, stride, padding: as in `output_size`.

    Returns:
        `(before, after)`, two ints.

    Raises:
        ValueError: as `output_size`.

    >>> padding_amounts(28, 3, padding="same"), padding_amounts(28, 4, padding="same")
    ((1, 1), (1, 2))
    >>> padding_amounts(7, 3, stride=2, padding="same"), padding_amounts(7, 3, stride=2)
    ((1, 1), (0, 0))
    """
    size = output_size(input_size, kernel_size, stride, padding)
    if check_padding(padding) == "valid":
        return 0, 0
    total = max((size - 1) * int(stride) + int(kernel_size) - int(input_size), 0)
    return total // 2, total - total // 2


def conv2d_naive(images, kernels, strides=1, padding="valid"):
    """Cross-correlates a batch of images with a set of kernels, loop by loop."""
    padded, kernels, (step_y, step_x), (out_height, out_width) = convolution.conv2d_arguments(
        images, kernels, strides, padding
    )  # checked float64 arrays; the images zero-padded as Keras pads them
    kernel_height, kernel_width, _, filters = kernels.shape
    out = np.zeros((len(padded), out_height, out_width, filters))
    for b in range(len(padded)):
        for i in range(out_height):
            for j in range(out_width):
                rows = slice(i * step_y, i * step_y + kernel_height)
                cols = slice(j * step_x, j * step_x + kernel_width)
                window = padded[b, rows, cols, :]
                for o in range(filters):
                    out[b, i, j, o] = np.sum(window * kernels[:, :, :, o])
    return out


def conv2d_arguments(images, kernels, strides=1, padding="valid"):
    """Checks the arguments of a convolution, and pads its images as Keras does.

    `conv2d_naive` is the teaching twin of `keras.layers.Conv2D`
    (channels-last, no bias): for every image, output position and filter it
    multiplies the window of the padded input with that filter's kernel and
    sums. This function is its door: it checks what it was given and pads.

    Args:
        images: array of shape `(batch, height, width, in_channels)`.
        kernels: array of shape `(kh, kw, in_channels, out_channels)`, the
            layout of `Conv2D`'s kernel; see `stack_kernels` for 2D kernels.
        strides: step between windows, an int or `(step_down, step_right)`.
        padding: `"valid"` (windows inside the image) or `"same"` (zero
            padding as Keras adds it; see `padding_amounts`).

    Returns:
        `(padded, kernels, (step_y, step_x), (out_height, out_width))`: the
        zero-padded images and the kernels as float64 arrays, the strides as
        a pair, and the output's size (see `output_size`).

    Raises:
        ValueError: if `images` is not 4D, `kernels` is not 4D, their channel
            counts differ, a stride is not a positive integer, the padding is
            unknown, or the kernel does not fit in the image with `"valid"`.

    >>> padded, kernels, strides, size = conv2d_arguments(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1, 2)),
    ...                                                   2, "same")
    >>> padded.shape, strides, size
    ((1, 7, 7, 1), (2, 2), (3, 3))
    """
    images, kernels, strides, padding = check_conv_args(images, kernels, strides, padding)
    padded, out_height, out_width = _pad(images, kernels.shape[:2], strides, padding)
    return padded, kernels.astype(np.float64), strides, (out_height, out_width)


def im2col(images, kernel_size, strides=1, padding="valid"):
    """Gathers every window a convolution sees into one row of a matrix.

    "Image to columns": the window under the kernel at output position
    `(i, j)` of image `b` becomes the row `patches[b, i, j]`, flattened in the
    order `(kh, kw, in_channels)`, the same order as a `Conv2D` kernel
    reshaped to `(kh * kw * in_channels, out_channels)`.

    Args:
        images: array of shape `(batch, height, width, in_channels)`.
        kernel_size: an int or `(kh, kw)`.
        strides, padding: as in `conv2d_naive`.

    Returns:
        Array of shape `(batch, out_height, out_width, kh * kw * in_channels)`.

    Raises:
        ValueError: as `conv2d_naive`.

    >>> im2col(np.arange(12.0).reshape(1, 3, 4, 1), 2)[0, 0]
    array([[0., 1., 4., 5.],
           [1., 2., 5., 6.],
           [2., 3., 6., 7.]])
    """
    kernel_height, kernel_width = int_pair(kernel_size, "kernel_size")
    images = check_images(images)
    placeholder = np.zeros((kernel_height, kernel_width, images.shape[-1], 1), dtype=np.float32)
    images, _, (step_y, step_x), padding = check_conv_args(images, placeholder, strides, padding)
    padded, out_height, out_width = _pad(
        images, (kernel_height, kernel_width), (step_y, step_x), padding
    )
    # windows[b, i, j, c, u, v] = padded[b, i + u, j + v, c] for every position (i, j)
    windows = np.lib.stride_tricks.sliding_window_view(
        padded, (kernel_height, kernel_width), axis=(1, 2)
    )
    windows = windows[:, ::step_y, ::step_x][:, :out_height, :out_width]
    windows = windows.transpose(0, 1, 2, 4, 5, 3)  # (b, i, j, u, v, c): the kernel's order
    return windows.reshape(len(images), out_height, out_width, -1)


def conv2d_im2col(images, kernels, strides=1, padding="valid"):
    """The same cross-correlation as `conv2d_naive`, as one matrix product.

    `im2col` turns the images into a matrix with one row per output position;
    the kernels become a matrix with one column per filter; their product holds
    every output value. This is how frameworks compute convolutions: one large
    multiplication that optimised libraries run at full speed, instead of
    millions of small Python steps.

    Args, Returns, Raises: as `conv2d_naive`.

    >>> images = np.random.default_rng(0).normal(size=(2, 7, 6, 3))
    >>> kernels = np.random.default_rng(1).normal(size=(3, 2, 3, 4))
    >>> bool(np.allclose(conv2d_im2col(images, kernels, 2, "same"),
    ...                  conv2d_naive(images, kernels, 2, "same")))
    True
    """
    images, kernels, strides, padding = check_conv_args(images, kernels, strides, padding)
    patches = im2col(images, kernels.shape[:2], strides, padding)
    matrix = kernels.reshape(-1, kernels.shape[-1]).astype(np.float64)
    out = patches.reshape(-1, patches.shape[-1]) @ matrix
    return out.reshape(*patches.shape[:3], -1).astype(_result_dtype(images, kernels))


def count_conv2d_params(kernel_size, in_channels, filters, use_bias=True):
    """Number of trainable numbers in a `Conv2D` layer.

    Each of the `filters` kernels has `kh * kw * in_channels` weights, plus one
    bias per filter: `kh * kw * in_channels * filters + filters`. It does not
    depend on the size of the image. The one parameter count of the course:
    `classification.count_conv2d_params` is this function.

    Args:
        kernel_size: an int or `(kh, kw)`.
        in_channels: channels of the layer's input.
        filters: output channels (kernels) of the layer.
        use_bias: whether the layer adds a bias per filter (Keras' default).

    Returns:
        The parameter count, an int.

    Raises:
        ValueError: if a size is not a positive integer; the message names it
            and says "count_conv2d_params needs positive integers".

    >>> count_conv2d_params(3, 1, 32), count_conv2d_params((3, 3), 32, 64)
    (320, 18496)
    """
    kernel_height, kernel_width = int_pair(kernel_size, "kernel_size", _COUNT_FIX)
    in_channels = checks.positive_int(in_channels, "in_channels", _COUNT_FIX)
    filters = checks.positive_int(filters, "filters", _COUNT_FIX)
    weights = kernel_height * kernel_width * in_channels * filters
    return weights + (filters if use_bias else 0)


def _pad(images, kernel_size, strides, padding):
    """Zero-pads `images` as Keras does; returns it with the output height and width."""
    (top, bottom), (left, right) = (
        padding_amounts(images.shape[axis], kernel_size[axis - 1], strides[axis - 1], padding)
        for axis in (1, 2)
    )
    sizes = [
        output_size(images.shape[axis], kernel_size[axis - 1], strides[axis - 1], padding)
        for axis in (1, 2)
    ]
    padded = np.pad(images.astype(np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    return padded, sizes[0], sizes[1]


def _result_dtype(*arrays):
    return np.result_type(np.float32, *(array.dtype for array in arrays))

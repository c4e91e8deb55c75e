"""Notebook 02's exercises: max pooling, average pooling as a convolution, max pooling's gradient.

Exercise 2.1 max-pools with 2x2 windows and stride 2; Exercise 2.2 builds the
kernels with which a convolution average-pools; Exercise 2.3 is the backward
pass of max pooling: each window's gradient goes, whole, to its maximum.
"""

import textwrap

import numpy as np

from course_utils import convolution, pooling
from course_utils.exercises.convolution import _diagnosing_compare
from course_utils.exercises.core import (
    Case,
    arrays_match,
    as_numbers,
    compare_arrays,
    register,
    run_checks,
)

_POOL_HINT = """
    Pool each image and each channel on its own: the output has shape
    (batch, height // 2, width // 2, channels), and an odd last row or column
    is dropped ("valid"). Window (i, j) covers rows 2i, 2i + 1 and columns
    2j, 2j + 1. Either loop over i and j and reduce images[:, 2*i:2*i+2,
    2*j:2*j+2, :] over axes (1, 2), or crop to an even size and reshape to
    (batch, height // 2, 2, width // 2, 2, channels), then reduce axes (2, 4).
"""

register(
    "max_pool",
    hint=textwrap.dedent(_POOL_HINT) + "Keep the largest of the four values in each window.",
    solution="""
        def my_max_pool(images):
            batch, height, width, channels = images.shape
            h, w = height // 2, width // 2
            windows = images[:, : 2 * h, : 2 * w, :].reshape(batch, h, 2, w, 2, channels)
            return np.max(windows, axis=(2, 4))
    """,
)


def _pool(images, reduce, size=2, stride=2):
    """Reference: "valid" pooling of every channel, any window and stride."""
    windows = np.lib.stride_tricks.sliding_window_view(images, (size, size), axis=(1, 2))
    windows = windows[:, ::stride, ::stride]
    return reduce(windows.astype(np.float64), axis=(-2, -1))


def _max(images):
    return _pool(images, np.max)


def _cropped_blocks(images):
    batch, height, width, channels = images.shape
    h, w = height // 2, width // 2
    return images[:, : 2 * h, : 2 * w, :], batch, h, w, channels


def _channels_mixed(reduce):
    """Windows taken over (columns, channels) as if the channels were interleaved."""

    def wrong(images):
        cropped, batch, h, w, channels = _cropped_blocks(images)
        return reduce(cropped.reshape(batch, h, 2, w, channels, 2), axis=(2, 5))

    return wrong


def _across_channels(reduce):
    """The window reduced over the channels as well: one value for all channels."""

    def wrong(images):
        pooled = _pool(images, reduce)
        return np.repeat(reduce(pooled, axis=-1, keepdims=True), images.shape[-1], axis=-1)

    return wrong


_DROP_ODD = "'valid' pooling drops an odd last row or column: height // 2, width // 2."


def _pad_odd(images):
    pad = ((0, 0), (0, images.shape[1] % 2), (0, images.shape[2] % 2), (0, 0))
    return np.pad(images.astype(np.float64), pad)


def _partial(reduce):
    return pooling.max_pool2d_naive if reduce is np.max else pooling.avg_pool2d_naive


def _mistakes(reduce, other, other_name):
    return (
        (
            f"{other_name} pooling",
            lambda images: _pool(images, other),
            f"this exercise asks for the {'max' if reduce is np.max else 'average'} of each "
            "window.",
        ),
        (
            "overlapping windows (stride 1)",
            lambda images: _pool(images, reduce, stride=1),
            "the windows sit side by side: stride 2, so height and width halve.",
        ),
        (
            "mixing the channels into the windows",
            _channels_mixed(reduce),
            "pool each channel on its own: reshape to (batch, h, 2, w, 2, channels), "
            "not (..., channels, 2).",
        ),
        (
            "pooling across the channels too",
            _across_channels(reduce),
            "reduce over the window's rows and columns only, never over the channels.",
        ),
        (
            "keeping the top-left value of each window",
            lambda images: images[
                :, 0 : 2 * (images.shape[1] // 2) : 2, 0 : 2 * (images.shape[2] // 2) : 2
            ].astype(float),
            "reduce all four values of each window, not just the first.",
        ),
        (
            "swapping height and width",
            lambda images: _pool(images, reduce).transpose(0, 2, 1, 3),
            "keep the axes in the order (batch, height, width, channels).",
        ),
        (
            "pooling the axes (batch, height) instead of (height, width)",
            lambda images: _pool(images.transpose(1, 0, 2, 3), reduce).transpose(1, 0, 2, 3),
            "images are (batch, height, width, channels): pool axes 1 and 2.",
        ),
        (
            "pooling the axes (width, channels), as if the channels came first",
            lambda images: _pool(images.transpose(0, 3, 1, 2), reduce).transpose(0, 2, 3, 1),
            "the images are channels-last, (batch, height, width, channels): pool axes 1 and 2.",
        ),
        (
            "padding an odd last row or column with zeros",
            lambda images: _pool(_pad_odd(images), reduce),
            _DROP_ODD,
        ),
        (
            "keeping a partial window at an odd last row or column",
            lambda images: _partial(reduce)(images, padding="same"),
            _DROP_ODD,
        ),
    )


def _cases(reference):
    rng = np.random.default_rng(2)
    shapes = [  # non-square, odd sizes, several channels
        (2, 4, 6, 3),
        (1, 5, 7, 2),
        (3, 6, 4, 4),
        (2, 9, 3, 5),
        (1, 7, 8, 1),
        (1, 2, 2, 1),
    ]
    cases = []
    for shape in shapes:
        # Channels of very different scale, so that mixing them cannot go unnoticed.
        images = rng.normal(size=shape) * np.logspace(0, 2, shape[-1])
        odd = " (odd sizes)" if shape[1] % 2 or shape[2] % 2 else ""
        cases.append(Case(f"random images {shape}{odd}", (images,), reference(images)))
    images = rng.normal(size=(2, 6, 8, 3)) * np.logspace(-3, 3, 6)[None, :, None, None]
    cases.append(
        Case(
            "images (2, 6, 8, 3) whose rows range from 0.001 to 1000 in scale",
            (images,),
            reference(images),
        )
    )
    images = -rng.uniform(1, 5, size=(1, 4, 5, 2))
    cases.append(
        Case(
            "images (1, 4, 5, 2) whose values are all negative",
            (images,),
            reference(images),
            hint="do not start a running maximum at 0: start from the window's first value.",
        )
    )
    images = rng.integers(0, 256, size=(2, 5, 6, 3)).astype(np.float64)
    cases.append(Case("pixel values 0-255, images (2, 5, 6, 3)", (images,), reference(images)))
    return cases


def check_max_pool(fn):
    """Checks `fn(images)`: max pooling with a 2x2 window and stride 2 ("valid").

    `fn` takes `(batch, height, width, channels)` and returns
    `(batch, height // 2, width // 2, channels)`, the largest of the four
    values in each window, channel by channel, as `keras.layers.MaxPooling2D(2)`.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import convolution, pooling
    >>> check_max_pool(pooling.max_pool2d_naive)
    ✓ Exercise 2.1 (max_pool): correct on all 9 cases.
    True
    """
    cases = _cases(_max)
    return run_checks(
        "max_pool", fn, cases, _diagnosing_compare(cases, _mistakes(np.max, np.mean, "average"))
    )


register(
    "avg_pool_kernels",
    hint="""
        Filter o of a convolution adds up kernels[u, v, c, o] * window[u, v, c]
        over the window's pixels and over every input channel c. Average
        pooling keeps the channels apart: filter c reads channel c only (weight
        0 on every other channel) and gives each of the window's
        pool_size * pool_size pixels the same weight, 1 / pool_size**2. Start
        from np.zeros((pool_size, pool_size, channels, channels)) and fill
        kernels[:, :, c, c] for each channel c.
    """,
    solution="""
        def my_avg_pool_kernels(pool_size, channels):
            kernels = np.zeros((pool_size, pool_size, channels, channels))
            for c in range(channels):
                kernels[:, :, c, c] = 1 / pool_size**2
            return kernels
    """,
)


def _diagonal(pool_size, channels, weight):
    """Kernels that give each channel's window `weight` and ignore the other channels."""
    kernels = np.zeros((pool_size, pool_size, channels, channels))
    for c in range(channels):
        kernels[:, :, c, c] = weight
    return kernels


def _only_channel_zero(pool_size, channels):
    kernels = np.zeros((pool_size, pool_size, channels, channels))
    kernels[:, :, 0, :] = 1 / pool_size**2
    return kernels


def _top_left(pool_size, channels):
    weight = np.zeros((pool_size, pool_size))
    weight[0, 0] = 1.0
    return _diagonal(pool_size, channels, weight)


# Known wrong kernels, recognised so that the message can name the mistake.
_KERNEL_MISTAKES = (
    (
        "1 / pool_size**2 between every pair of channels",
        lambda p, c: np.full((p, p, c, c), 1 / p**2),
        "each filter then adds up the averages of all the channels; pooling keeps them apart: "
        "kernels[:, :, c, o] is 0 unless c == o.",
    ),
    (
        "1 / (pool_size**2 * channels) everywhere",
        lambda p, c: np.full((p, p, c, c), 1 / (p**2 * c)),
        "that averages over the channels too; pooling keeps them apart: kernels[:, :, c, o] is "
        "0 unless c == o.",
    ),
    (
        "weights of 1",
        lambda p, c: _diagonal(p, c, 1.0),
        "that sums the window; a mean divides by the number of pixels, pool_size**2.",
    ),
    (
        "weights of 1 / pool_size",
        lambda p, c: _diagonal(p, c, 1 / p),
        "a window holds pool_size**2 pixels, not pool_size.",
    ),
    (
        "weights of 1/4 whatever the pool size",
        lambda p, c: _diagonal(p, c, 0.25),
        "a window of pool_size x pool_size pixels needs weights of 1 / pool_size**2.",
    ),
    (
        "one weight of 1 at the top-left of each window",
        _top_left,
        "that keeps one pixel per window; the mean weighs all of them equally.",
    ),
    (
        "every filter reading channel 0",
        _only_channel_zero,
        "filter c reads channel c: put the weights at kernels[:, :, c, c].",
    ),
)


def _kernels_cases():
    rng = np.random.default_rng(5)
    settings = [  # (pool_size, channels, images the kernels are tried on): odd sizes
        (2, 1, (2, 6, 8, 1)),
        (2, 3, (2, 7, 9, 3)),
        (3, 4, (1, 9, 10, 4)),
        (2, 5, (3, 5, 6, 5)),
        (4, 2, (1, 9, 13, 2)),
    ]
    cases = []
    for pool_size, channels, shape in settings:
        # Channels of very different scale, so that mixing them cannot go unnoticed.
        images = rng.normal(size=shape) * np.logspace(-2, 2, channels)
        pooled = pooling.avg_pool2d_naive(images, pool_size)
        cases.append(
            Case(
                f"pool_size={pool_size}, channels={channels} (tried on random images {shape})",
                (pool_size, channels),
                (images, pool_size, pooled),
            )
        )
    return cases


def _compare_kernels(got, expected):
    images, pool_size, pooled = expected
    kernels, problem = as_numbers(got)
    if problem:
        return problem
    channels = images.shape[-1]
    shape = (pool_size, pool_size, channels, channels)
    if kernels.shape != shape:
        return (
            f"expected kernels of shape {shape}, (pool_size, pool_size, in_channels, filters), "
            f"got shape {kernels.shape}"
        )
    convolved = convolution.conv2d_im2col(images, kernels, strides=pool_size)
    problem = compare_arrays(convolved, pooled, atol=1e-8, rtol=1e-6)
    if problem is None:
        return None
    problem = f"a convolution with your kernels (stride {pool_size}) differs from average pooling: {problem}"
    for description, wrong, advice in _KERNEL_MISTAKES:
        if arrays_match(kernels, wrong(pool_size, channels), 1e-8, 1e-6):
            return f"{problem}. Your kernels have {description}: {advice.rstrip('.')}"
    return problem


def check_avg_pool_kernels(fn):
    """Checks `fn(pool_size, channels)`: kernels with which a convolution average-pools.

    `fn` returns kernels of shape `(pool_size, pool_size, channels, channels)`
    such that `convolution.conv2d_im2col(images, kernels, strides=pool_size)`
    equals `pooling.avg_pool2d_naive(images, pool_size)`: each filter averages
    its own channel's window. The checker tries them on random images of odd
    sizes whose channels have very different scales.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> def kernels(pool_size, channels):
    ...     return np.eye(channels) / pool_size**2 * np.ones((pool_size, pool_size, 1, 1))
    >>> check_avg_pool_kernels(kernels)
    ✓ Exercise 2.2 (average pooling as a convolution): correct on all 5 cases.
    True
    """
    return run_checks("avg_pool_kernels", fn, _kernels_cases(), _compare_kernels)


register(
    "max_pool_backward",
    hint="""
        Max pooling kept one value of each window, the largest, so only that
        pixel moved the output: the window's gradient goes, whole, to the
        position of its maximum, and the three other pixels get 0. Start from
        np.zeros(images.shape) (an odd last row or column, which no window
        covers, keeps 0). For window (i, j), image b and channel c, take
        window = images[b, 2*i:2*i+2, 2*j:2*j+2, c], find its largest value with
        u, v = np.unravel_index(np.argmax(window), window.shape), and put
        grad_output[b, i, j, c] at [b, 2*i + u, 2*j + v, c].
    """,
    solution="""
        def my_max_pool_backward(images, grad_output):
            grad_images = np.zeros(images.shape)
            batch, out_height, out_width, channels = grad_output.shape
            for b in range(batch):
                for i in range(out_height):
                    for j in range(out_width):
                        for c in range(channels):
                            window = images[b, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2, c]
                            u, v = np.unravel_index(np.argmax(window), window.shape)
                            grad_images[b, 2 * i + u, 2 * j + v, c] = grad_output[b, i, j, c]
            return grad_images
    """,
)


def _route(images, grad_output, pick):
    """The gradient sent to one position per 2x2 window: `pick(window) -> (u, v)`."""
    grad_images = np.zeros(images.shape)
    batch, out_height, out_width, channels = grad_output.shape
    for b in range(batch):
        for i in range(out_height):
            for j in range(out_width):
                for c in range(channels):
                    u, v = pick(images[b, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2, c])
                    grad_images[b, 2 * i + u, 2 * j + v, c] = grad_output[b, i, j, c]
    return grad_images


def _copied_to_window(images, grad_output):
    grad_images = np.zeros(images.shape)
    height, width = 2 * grad_output.shape[1], 2 * grad_output.shape[2]
    grad_images[:, :height, :width] = grad_output.repeat(2, axis=1).repeat(2, axis=2)
    return grad_images


def _first_above_zero(window):
    """Where a running maximum that starts at 0 (and at the top-left) ends up."""
    best, where = 0.0, (0, 0)
    for u, v in np.ndindex(window.shape):
        if window[u, v] > best:
            best, where = window[u, v], (u, v)
    return where


def _mask_only(images, grad_output):
    return pooling.max_pool2d_backward_naive(images, np.ones_like(grad_output))


_BACKWARD_MISTAKES = (
    (
        "spreading each gradient evenly over its window (average pooling's gradient)",
        pooling.avg_pool2d_backward_naive,
        "max pooling kept only the largest value, so only that pixel receives the window's "
        "gradient, whole; the other three get 0.",
    ),
    (
        "always the top-left position of each window",
        lambda images, grad: _route(images, grad, lambda window: (0, 0)),
        "the gradient goes to where the maximum is: np.unravel_index(np.argmax(window), "
        "window.shape).",
    ),
    (
        "the position of each window's minimum",
        lambda images, grad: _route(
            images, grad, lambda window: np.unravel_index(np.argmin(window), window.shape)
        ),
        "use the position of the largest value (np.argmax), not the smallest.",
    ),
    (
        "copying each gradient to all four pixels of its window",
        _copied_to_window,
        "only the maximum moved the output: the three other pixels get 0.",
    ),
    (
        "marking the maxima with 1 without the gradient",
        _mask_only,
        "put grad_output[b, i, j, c] at the maximum, not 1: the chain rule multiplies by the "
        "gradient that arrives.",
    ),
    (
        "a running maximum that starts at 0",
        lambda images, grad: _route(images, grad, _first_above_zero),
        "a window whose four values are negative has a negative maximum: start the running "
        "maximum from the window's first value (or use np.argmax).",
    ),
    (
        "swapping the row and the column of the maximum",
        lambda images, grad: _route(
            images, grad, lambda window: np.unravel_index(np.argmax(window), window.shape)[::-1]
        ),
        "np.unravel_index(np.argmax(window), window.shape) gives (row, column), in that order.",
    ),
)


def _backward_cases():
    rng = np.random.default_rng(3)
    shapes = [  # batch of 1 and more, odd and non-square sizes, one to five channels
        (2, 4, 6, 3),
        (1, 5, 7, 2),
        (3, 6, 4, 4),
        (1, 9, 3, 5),
        (2, 7, 8, 1),
        (1, 2, 2, 1),
    ]
    cases = []
    for shape in shapes:
        # Continuous random values (no ties); channels of very different scale.
        images = rng.normal(size=shape) * np.logspace(0, 2, shape[-1])
        grad_output = rng.normal(size=(shape[0], shape[1] // 2, shape[2] // 2, shape[3]))
        odd = " (odd sizes: the last row or column gets 0)" if shape[1] % 2 or shape[2] % 2 else ""
        cases.append(
            Case(
                f"random images {shape} and grad_output {grad_output.shape}{odd}",
                (images, grad_output),
                pooling.max_pool2d_backward_naive(images, grad_output),
            )
        )
    images = rng.normal(size=(2, 6, 8, 3)) * np.logspace(-3, 3, 6)[None, :, None, None]
    grad_output = rng.normal(size=(2, 3, 4, 3)) * 1000.0
    cases.append(
        Case(
            "images (2, 6, 8, 3) whose rows range from 0.001 to 1000 in scale, grad_output "
            "of order 1000",
            (images, grad_output),
            pooling.max_pool2d_backward_naive(images, grad_output),
        )
    )
    images = -rng.uniform(1, 5, size=(1, 4, 5, 2))
    grad_output = rng.normal(size=(1, 2, 2, 2))
    cases.append(
        Case(
            "images (1, 4, 5, 2) whose values are all negative",
            (images, grad_output),
            pooling.max_pool2d_backward_naive(images, grad_output),
            hint="the maximum of negative numbers is negative: do not start a running "
            "maximum at 0.",
        )
    )
    return cases


def check_max_pool_backward(fn):
    """Checks `fn(images, grad_output)`: the gradient of 2x2 max pooling with stride 2.

    `fn` takes the pooling's input `(batch, height, width, channels)` and the
    gradient of the loss with respect to its output
    `(batch, height // 2, width // 2, channels)`, and returns the gradient with
    respect to `images`: each window's gradient at the position of its
    maximum, 0 elsewhere, and 0 in an odd last row or column that no window
    covers ("valid"), as Keras' automatic gradient of `MaxPooling2D(2)`. The
    inputs are random and continuous, so there are no ties.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import convolution, pooling
    >>> check_max_pool_backward(pooling.max_pool2d_backward_naive)
    ✓ Exercise 2.3 (max pooling's gradient): correct on all 8 cases.
    True
    """
    cases = _backward_cases()
    compare = _diagnosing_compare(cases, _BACKWARD_MISTAKES, _readable(compare_arrays))
    return run_checks("max_pool_backward", fn, cases, _readable(compare))


def _readable(compare):
    """`compare`, answering with a message when the answer cannot be read as an array."""

    def guarded(got, expected):
        try:
            return compare(got, expected)
        except Exception as error:  # e.g. an object whose __array__ raises
            return (
                f"your answer could not be read as an array ({type(error).__name__}: "
                f"{error}); return a NumPy array of the shape of `images`"
            )

    return guarded

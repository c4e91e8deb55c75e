"""Notebook 01's exercises: a 2D cross-correlation by hand, and the gradient of its kernel."""

import numpy as np

from course_utils.exercises.core import Case, compare_arrays, register, run_checks

register(
    "conv2d",
    hint="""
        The output has (h - kh + 1) rows and (w - kw + 1) columns: one for every
        position where the whole kernel fits inside the image. At position (i, j)
        take the window image[i:i + kh, j:j + kw], multiply it element by element
        with the kernel as it is (do not flip or transpose it: that would be a
        true convolution, which Keras does not compute), and sum. Two nested
        loops over i and j are enough; return floats.
    """,
    solution="""
        def my_conv2d(image, kernel):
            kh, kw = kernel.shape
            out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
            out = np.zeros((out_h, out_w))
            for i in range(out_h):
                for j in range(out_w):
                    out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
            return out
    """,
)

register(
    "kernel_gradient",
    hint="""
        The weight kernel[u, v] multiplied image[i + u, j + v] in the output
        out[i, j], for every (i, j). So when the loss moves by grad_output[i, j]
        per unit of out[i, j], it moves by image[i + u, j + v] * grad_output[i, j]
        per unit of kernel[u, v], summed over every (i, j). The kernel is
        (h - out_h + 1, w - out_w + 1). That sum is a "valid" cross-correlation
        of the image with grad_output used as the kernel: your my_conv2d from
        Exercise 1.1 computes it.
    """,
    solution="""
        def my_kernel_gradient(image, grad_output):
            out_h, out_w = grad_output.shape
            kh, kw = image.shape[0] - out_h + 1, image.shape[1] - out_w + 1
            grad_kernel = np.zeros((kh, kw))
            for u in range(kh):
                for v in range(kw):
                    grad_kernel[u, v] = np.sum(image[u:u + out_h, v:v + out_w] * grad_output)
            return grad_kernel
    """,
)


def _correlate_valid(image, kernel):
    """Reference: the "valid" cross-correlation of one 2D image with one 2D kernel."""
    windows = np.lib.stride_tricks.sliding_window_view(image.astype(np.float64), kernel.shape)
    return np.einsum("ijuv,uv->ij", windows, kernel.astype(np.float64))


def _correlate_same(image, kernel):
    """The "same" version (Keras' zero padding), to recognise that mistake."""
    kh, kw = kernel.shape
    padded = np.pad(image, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    return _correlate_valid(padded, kernel)


# Known wrong answers, recognised so that the hint can name the mistake.
_CONV2D_MISTAKES = (
    (
        "a true convolution (the kernel flipped)",
        lambda image, kernel: _correlate_valid(image, kernel[::-1, ::-1]),
        "Keras' 'convolution' is a cross-correlation: use the kernel as it is, "
        "without flipping it (scipy.signal.convolve2d flips it; correlate2d does not).",
    ),
    (
        "the transposed kernel",
        lambda image, kernel: _correlate_valid(image, kernel.T),
        "kernel[u, v] multiplies image[i + u, j + v]: rows with rows, columns with columns.",
    ),
    (
        "the kernel turned upside down",
        lambda image, kernel: _correlate_valid(image, kernel[::-1]),
        "use the kernel as it is: do not reverse its rows.",
    ),
    (
        "the kernel mirrored left to right",
        lambda image, kernel: _correlate_valid(image, kernel[:, ::-1]),
        "use the kernel as it is: do not reverse its columns.",
    ),
    (
        "'same' padding",
        _correlate_same,
        "this exercise asks for 'valid': no padding, the output is smaller than the image.",
    ),
)


def _diagnosing_compare(cases, mistakes, compare=compare_arrays):
    """A compare function for `run_checks` that names a known mistake when it sees one.

    Args:
        cases: the list of `Case` passed to `run_checks`.
        mistakes: `(description, wrong_fn, advice)` triples; `wrong_fn` takes a
            case's arguments and returns that mistake's answer.
        compare: how to compare an answer with the expected one.

    Returns:
        `compare(got, expected) -> str | None`: when `got` is wrong but equals a
        mistake's answer for the same case, the message names the mistake.
    """
    args_of = {id(case.expected): case.args for case in cases}

    def diagnose(got, expected):
        problem = compare(got, expected)
        if problem is None:
            return None
        for description, wrong, advice in mistakes:
            try:
                candidate = wrong(*args_of[id(expected)])
            except Exception:  # a mistake that cannot happen on this case
                continue
            if compare(got, candidate) is None:
                return f"{problem}. Your output is what {description} gives: {advice.rstrip('.')}"
        return problem

    return diagnose


def _conv2d_cases():
    rng = np.random.default_rng(1)
    shapes = [  # (image shape, kernel shape): non-square, odd and even, tall and wide
        ((5, 7), (2, 3)),
        ((8, 6), (3, 2)),
        ((9, 11), (3, 3)),
        ((6, 10), (4, 5)),
        ((7, 5), (1, 3)),
        ((4, 9), (4, 2)),
    ]
    cases = []
    for image_shape, kernel_shape in shapes:
        image = rng.normal(size=image_shape)
        kernel = rng.normal(size=kernel_shape)
        cases.append(
            Case(
                f"a random image {image_shape} with a random kernel {kernel_shape}",
                (image, kernel),
                _correlate_valid(image, kernel),
            )
        )
    # Rows of very different scale: a mistake in one row cannot hide behind another.
    image = rng.normal(size=(7, 8)) * np.logspace(-3, 3, 7)[:, None]
    kernel = rng.normal(size=(3, 2))
    cases.append(
        Case(
            "an image (7, 8) whose rows range from 0.001 to 1000 in scale, kernel (3, 2)",
            (image, kernel),
            _correlate_valid(image, kernel),
        )
    )
    image, kernel = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    cases.append(
        Case(
            "a kernel (3, 4) as large as the image (3, 4)",
            (image, kernel),
            _correlate_valid(image, kernel),
            hint="when the kernel covers the whole image the output is one value, shape (1, 1).",
        )
    )
    image = rng.integers(0, 256, size=(6, 5)).astype(np.float64)
    kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0]])
    cases.append(
        Case(
            "pixel values 0-255 (6, 5) with an edge kernel (2, 3)",
            (image, kernel),
            _correlate_valid(image, kernel),
        )
    )
    return cases


def check_conv2d(fn):
    """Checks `fn(image, kernel)`: the "valid" cross-correlation of a 2D image.

    `fn` takes one 2D image `(h, w)` and one 2D kernel `(kh, kw)` and returns
    the array `(h - kh + 1, w - kw + 1)` with
    `out[i, j] = sum(image[i:i + kh, j:j + kw] * kernel)`, what
    `keras.layers.Conv2D` computes for one channel and one filter. The cases
    use random non-symmetric, non-square kernels and images, so a flipped or
    transposed kernel, "same" padding or an off-by-one size is caught.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import convolution
    >>> check_conv2d(lambda image, kernel: convolution.conv2d_naive(
    ...     image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0])
    ✓ Exercise 1.1 (conv2d): correct on all 9 cases.
    True
    """
    cases = _conv2d_cases()
    return run_checks("conv2d", fn, cases, _diagnosing_compare(cases, _CONV2D_MISTAKES))


def _kernel_gradient_cases():
    rng = np.random.default_rng(4)
    shapes = [  # (image shape, kernel shape): non-square, odd and even, tall and wide
        ((5, 7), (2, 3)),
        ((8, 6), (3, 2)),
        ((9, 11), (3, 3)),
        ((6, 10), (4, 5)),
        ((7, 5), (1, 3)),
    ]
    cases = []
    for image_shape, kernel_shape in shapes:
        image = rng.normal(size=image_shape)
        out_shape = (image_shape[0] - kernel_shape[0] + 1, image_shape[1] - kernel_shape[1] + 1)
        grad_output = rng.normal(size=out_shape)
        cases.append(
            Case(
                f"a random image {image_shape} and grad_output {out_shape} (a {kernel_shape} "
                "kernel)",
                (image, grad_output),
                _correlate_valid(image, grad_output),
            )
        )
    # Rows of very different scale, and a gradient of another scale again.
    image = rng.normal(size=(7, 8)) * np.logspace(-3, 3, 7)[:, None]
    grad_output = rng.normal(size=(5, 7)) * 1000.0
    cases.append(
        Case(
            "an image (7, 8) whose rows range from 0.001 to 1000 in scale, grad_output (5, 7) "
            "of order 1000",
            (image, grad_output),
            _correlate_valid(image, grad_output),
        )
    )
    image, grad_output = rng.normal(size=(3, 4)), rng.normal(size=(1, 1))
    cases.append(
        Case(
            "an image (3, 4) and grad_output (1, 1): a kernel as large as the image",
            (image, grad_output),
            _correlate_valid(image, grad_output),
            hint="with one output, each weight multiplied one pixel: the gradient is the image "
            "times grad_output[0, 0].",
        )
    )
    image = rng.integers(0, 256, size=(6, 5)).astype(np.float64)
    grad_output = np.ones((4, 3))
    cases.append(
        Case(
            "pixel values 0-255 (6, 5) and grad_output of ones (4, 3)",
            (image, grad_output),
            _correlate_valid(image, grad_output),
            hint="with every grad_output 1, weight (u, v) gets the sum of the pixels it "
            "multiplied: image[u:u + 4, v:v + 3].sum().",
        )
    )
    return cases


_KERNEL_GRADIENT_MISTAKES = (
    (
        "grad_output flipped (a true convolution)",
        lambda image, grad: _correlate_valid(image, grad[::-1, ::-1]),
        "weight (u, v) pairs grad_output[i, j] with image[i + u, j + v]: read grad_output "
        "in its own order, unflipped.",
    ),
    (
        "the right answer flipped in both axes",
        lambda image, grad: _correlate_valid(image, grad)[::-1, ::-1],
        "entry (u, v) belongs to kernel[u, v], the weight that multiplied image[i + u, j + v].",
    ),
    (
        "averaging over the positions instead of summing",
        lambda image, grad: _correlate_valid(image, grad) / grad.size,
        "the loss adds up what every output contributes: sum over (i, j), do not average.",
    ),
    (
        "only the first window, image[:kh, :kw] * grad_output[0, 0]",
        lambda image, grad: _first_window(image, grad) * grad[0, 0],
        "every output position used the kernel: add up the contributions of all of them.",
    ),
    (
        "the first window times the sum of grad_output",
        lambda image, grad: _first_window(image, grad) * grad.sum(),
        "each output position (i, j) saw a different window, image[i:i + kh, j:j + kw].",
    ),
)


def _first_window(image, grad_output):
    kh = image.shape[0] - grad_output.shape[0] + 1
    kw = image.shape[1] - grad_output.shape[1] + 1
    return image[:kh, :kw]


def _compare_gradient(got, expected):
    """`compare_arrays`, and a word on an answer of the image's shape."""
    problem = compare_arrays(got, expected)
    if problem and "got shape" in problem and np.shape(got)[:2] != expected.shape:
        problem += (
            "; the kernel's gradient has the kernel's shape, (h - out_h + 1, w - out_w + 1), "
            "not the image's"
        )
    return problem


def check_kernel_gradient(fn):
    """Checks `fn(image, grad_output)`: the gradient of the loss with respect to a kernel.

    The forward pass was `out = my_conv2d(image, kernel)`, the "valid"
    cross-correlation of one 2D image `(h, w)` with one 2D kernel; `fn` gets
    the image and `grad_output`, the gradient of the loss with respect to
    `out`, `(out_h, out_w)`, and returns the gradient with respect to the
    kernel, `(h - out_h + 1, w - out_w + 1)`:
    `sum over (i, j) of image[i + u, j + v] * grad_output[i, j]`. The cases
    use random, non-square sizes and very different scales.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import convolution
    >>> check_kernel_gradient(lambda image, grad: convolution.conv2d_backward_naive(
    ...     image[None, :, :, None],
    ...     np.zeros((image.shape[0] - grad.shape[0] + 1, image.shape[1] - grad.shape[1] + 1, 1, 1)),
    ...     grad[None, :, :, None])[1][:, :, 0, 0])
    ✓ Exercise 1.2 (the kernel's gradient): correct on all 8 cases.
    True
    """
    cases = _kernel_gradient_cases()
    compare = _diagnosing_compare(cases, _KERNEL_GRADIENT_MISTAKES, _compare_gradient)
    return run_checks("kernel_gradient", fn, cases, compare)

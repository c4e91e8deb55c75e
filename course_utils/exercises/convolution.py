"""Notebook 01's exercises: a 2D cross-correlation by hand, and the output-size formula."""

import numpy as np

from course_utils import checks
from course_utils.exercises.core import Case, compare_arrays, compare_scalar, register, run_checks

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
    "output_size",
    hint="""
        "valid": the window must fit, so its first row can start at 0, s, 2s, ...
        up to n - k: that is (n - k) // s + 1 positions (integer division rounds
        down). "same": Keras pads so that there is one output for every s input
        pixels, rounded up: ceil(n / s), which is -(-n // s) in integers. The
        kernel size does not matter for "same". Return an int.
    """,
    solution="""
        def my_output_size(input_size, kernel_size, stride=1, padding="valid"):
            if padding == "same":
                return -(-input_size // stride)  # ceil(input_size / stride)
            return (input_size - kernel_size) // stride + 1
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


def _reference_output_size(input_size, kernel_size, stride=1, padding="valid"):
    if padding == "same":
        return -(-input_size // stride)
    return (input_size - kernel_size) // stride + 1


def _output_size_cases():
    combos = [  # (input, kernel, stride, padding, why)
        (28, 3, 1, "valid", ""),
        (28, 5, 1, "valid", ""),
        (7, 3, 2, "valid", "(7 - 3) // 2 + 1 = 3."),
        (8, 3, 2, "valid", "the stride does not divide 8 - 3 = 5: round down."),
        (10, 4, 3, "valid", "(10 - 4) // 3 + 1 = 3."),
        (9, 2, 4, "valid", "(9 - 2) // 4 + 1 = 2: round down."),
        (5, 5, 1, "valid", "a kernel as long as the input fits once."),
        (13, 1, 1, "valid", "a 1-pixel kernel keeps the size."),
        (28, 3, 1, "same", "'same' with stride 1 keeps the size."),
        (28, 4, 1, "same", "'same' with stride 1 keeps the size, even for an even kernel."),
        (7, 3, 2, "same", "'same' gives ceil(7 / 2) = 4."),
        (8, 2, 2, "same", "'same' gives ceil(8 / 2) = 4, whatever the kernel size."),
        (10, 3, 3, "same", "'same' gives ceil(10 / 3) = 4."),
        (11, 5, 4, "same", "'same' gives ceil(11 / 4) = 3."),
        (3, 5, 1, "same", "with 'same' the kernel may be longer than the input."),
        (1, 1, 2, "same", "'same' gives ceil(1 / 2) = 1."),
    ]
    cases = []
    for n, k, s, padding, why in combos:
        expected = _reference_output_size(n, k, s, padding)
        cases.append(
            Case(
                f"input_size={n}, kernel_size={k}, stride={s}, padding={padding!r}",
                (n, k),
                expected,
                kwargs={"stride": s, "padding": padding},
                hint=why,
            )
        )
    cases.append(
        Case(
            "input_size=28, kernel_size=3 with the defaults (stride 1, 'valid')",
            (28, 3),
            26,
            hint="the defaults are stride=1 and padding='valid'.",
        )
    )
    return cases


def _compare_size(got, expected):
    if got is None:
        return "your function returned None: did you forget `return`?"
    if isinstance(got, (float, np.floating)):
        return (
            f"expected the int {expected}, got the float {got}: sizes are whole numbers; "
            "use // (or int(...)) rather than / or np.ceil"
        )
    if not checks.is_integer(got):
        return f"expected one int ({expected}), got {type(got).__name__} {got!r:.60}"
    return compare_scalar(got, expected)


def check_output_size(fn):
    """Checks `fn(input_size, kernel_size, stride=1, padding="valid")`, an output length.

    Keras' rules along one axis: `"valid"` gives `(n - k) // s + 1` and
    `"same"` gives `ceil(n / s)`, as an int. The cases include strides that
    do not divide the input evenly and even kernels.

    Returns:
        True when `fn` is right on every case, else False (with the reason printed).

    >>> from course_utils import convolution
    >>> check_output_size(convolution.output_size)
    ✓ Exercise 1.2 (output_size): correct on all 17 cases.
    True
    """
    return run_checks("output_size", fn, _output_size_cases(), _compare_size)

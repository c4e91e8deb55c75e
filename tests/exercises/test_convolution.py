"""Notebook 01's checkers: check_conv2d and check_output_size accept right answers only."""

import math

import numpy as np
import pytest
import scipy.signal

from course_utils import convolution, exercises


def reference_conv2d(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def loops(image, kernel, rows, cols, start=0, reduce=np.sum, transform=lambda k: k):
    """A loop version with a configurable mistake, for the wrong answers below."""
    kh, kw = kernel.shape
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = image[start + i : start + i + kh, start + j : start + j + kw]
            out[i, j] = reduce(window * transform(kernel))
    return out


def stub(image, kernel):
    raise NotImplementedError


def in_place(image, kernel):
    image *= 2
    return reference_conv2d(image, kernel) / 2


RIGHT_CONV2D = {
    "loops": reference_conv2d,
    "scipy correlate2d": lambda image, kernel: scipy.signal.correlate2d(image, kernel, "valid"),
    "course conv2d_naive": lambda image, kernel: convolution.conv2d_naive(
        image[None, :, :, None], kernel[:, :, None, None]
    )[0, :, :, 0],
    "float32": lambda image, kernel: reference_conv2d(image, kernel).astype(np.float32),
    "list of lists": lambda image, kernel: reference_conv2d(image, kernel).tolist(),
}

WRONG_CONV2D = {
    "true convolution (flipped kernel)": lambda image, kernel: scipy.signal.convolve2d(
        image, kernel, "valid"
    ),
    "transposed kernel": lambda image, kernel: scipy.signal.correlate2d(image, kernel.T, "valid"),
    "same instead of valid": lambda image, kernel: scipy.signal.correlate2d(image, kernel, "same"),
    "full instead of valid": lambda image, kernel: scipy.signal.correlate2d(image, kernel, "full"),
    "off by one: one row and column short": lambda image, kernel: loops(
        image, kernel, image.shape[0] - kernel.shape[0], image.shape[1] - kernel.shape[1]
    ),
    "off by one: output as large as the image minus one": lambda image, kernel: loops(
        image, kernel, image.shape[0] - 1, image.shape[1] - 1
    ),
    "kernel upside down": lambda image, kernel: scipy.signal.correlate2d(
        image, kernel[::-1], "valid"
    ),
    "kernel mirrored left to right": lambda image, kernel: scipy.signal.correlate2d(
        image, kernel[:, ::-1], "valid"
    ),
    "output transposed": lambda image, kernel: reference_conv2d(image, kernel).T,
    "mean instead of sum": lambda image, kernel: loops(
        image,
        kernel,
        image.shape[0] - kernel.shape[0] + 1,
        image.shape[1] - kernel.shape[1] + 1,
        reduce=np.mean,
    ),
    "absolute values summed": lambda image, kernel: loops(
        image,
        kernel,
        image.shape[0] - kernel.shape[0] + 1,
        image.shape[1] - kernel.shape[1] + 1,
        reduce=lambda x: np.sum(np.abs(x)),
    ),
    "kernel's last column ignored": lambda image, kernel: scipy.signal.correlate2d(
        image[:, :-1], kernel[:, :-1], "valid"
    )[:, : image.shape[1] - kernel.shape[1] + 1],
    "rounded to integers": lambda image, kernel: np.round(reference_conv2d(image, kernel)),
    "windows start one pixel late": lambda image, kernel: np.pad(
        reference_conv2d(image, kernel)[1:, 1:], ((0, 1), (0, 1))
    ),
    "returns nothing": lambda image, kernel: None,
    "returns a number": lambda image, kernel: float(np.sum(image)),
    "changes its input": in_place,
}


def test_conv2d_accepts_the_reference(capsys):
    assert exercises.check_conv2d(reference_conv2d) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 1.1 (conv2d): correct on all")


@pytest.mark.parametrize("name", RIGHT_CONV2D)
def test_conv2d_accepts_other_right_answers(name):
    assert exercises.check_conv2d(RIGHT_CONV2D[name]) is True


def test_conv2d_accepts_the_solution_it_prints(capsys):
    exercises.solution("conv2d")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {"np": np}
    exec(code, namespace)
    assert exercises.check_conv2d(namespace["my_conv2d"]) is True


@pytest.mark.parametrize("name", WRONG_CONV2D)
def test_conv2d_rejects_wrong_answers(name, capsys):
    assert exercises.check_conv2d(WRONG_CONV2D[name]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 1.1 (conv2d): on ")
    assert "exercises.hint('conv2d')" in out


@pytest.mark.parametrize(
    "name, words",
    [
        ("true convolution (flipped kernel)", "a true convolution (the kernel flipped)"),
        ("transposed kernel", "the transposed kernel"),
        ("same instead of valid", "'same' padding"),
        ("kernel upside down", "the kernel turned upside down"),
    ],
)
def test_conv2d_names_the_mistake(name, words, capsys):
    exercises.check_conv2d(WRONG_CONV2D[name])
    assert f"Your output is what {words} gives" in capsys.readouterr().out


def test_conv2d_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_conv2d(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_conv2d_reports_an_error_without_raising(capsys):
    assert exercises.check_conv2d(lambda image, kernel: image @ kernel) is False
    assert "your function raised ValueError" in capsys.readouterr().out


def test_conv2d_cases_use_non_symmetric_non_square_kernels():
    from course_utils.exercises.convolution import _conv2d_cases

    cases = _conv2d_cases()
    kernels = [case.args[1] for case in cases]
    images = [case.args[0] for case in cases]
    assert sum(k.shape[0] != k.shape[1] for k in kernels) >= 5
    assert all(not np.allclose(k, k[::-1, ::-1]) for k in kernels if k.size > 1)
    assert sum(image.shape[0] != image.shape[1] for image in images) >= 6


def reference_output_size(input_size, kernel_size, stride=1, padding="valid"):
    if padding == "same":
        return -(-input_size // stride)
    return (input_size - kernel_size) // stride + 1


def stub_output_size(input_size, kernel_size, stride=1, padding="valid"):
    raise NotImplementedError


RIGHT_OUTPUT_SIZE = {
    "course output_size": convolution.output_size,
    "math.ceil and floor": lambda n, k, stride=1, padding="valid": (
        math.ceil(n / stride) if padding == "same" else math.floor((n - k) / stride) + 1
    ),
    "ceil of (n - k + 1) / s": lambda n, k, stride=1, padding="valid": (
        math.ceil(n / stride) if padding == "same" else math.ceil((n - k + 1) / stride)
    ),
    "numpy integer": lambda n, k, stride=1, padding="valid": np.int64(
        reference_output_size(n, k, stride, padding)
    ),
}

WRONG_OUTPUT_SIZE = {
    "same treated as valid": lambda n, k, stride=1, padding="valid": (n - k) // stride + 1,
    "same keeps the size whatever the stride": lambda n, k, stride=1, padding="valid": (
        n if padding == "same" else (n - k) // stride + 1
    ),
    "same rounds down": lambda n, k, stride=1, padding="valid": (
        n // stride if padding == "same" else (n - k) // stride + 1
    ),
    "same as k // 2 zeros per side": lambda n, k, stride=1, padding="valid": (
        (n + 2 * (k // 2) - k) // stride + 1 if padding == "same" else (n - k) // stride + 1
    ),
    "valid without + 1": lambda n, k, stride=1, padding="valid": (
        -(-n // stride) if padding == "same" else (n - k) // stride
    ),
    "valid rounds up": lambda n, k, stride=1, padding="valid": (
        -(-n // stride) if padding == "same" else math.ceil((n - k) / stride) + 1
    ),
    "valid with (n - k + 1) // s": lambda n, k, stride=1, padding="valid": (
        -(-n // stride) if padding == "same" else (n - k + 1) // stride
    ),
    "valid ignores the stride": lambda n, k, stride=1, padding="valid": (
        -(-n // stride) if padding == "same" else n - k + 1
    ),
    "float from /": lambda n, k, stride=1, padding="valid": (
        math.ceil(n / stride) if padding == "same" else (n - k) / stride + 1
    ),
    "float from np.ceil": lambda n, k, stride=1, padding="valid": (
        np.ceil(n / stride) if padding == "same" else (n - k) // stride + 1
    ),
    "returns nothing": lambda n, k, stride=1, padding="valid": None,
    "returns a pair": lambda n, k, stride=1, padding="valid": (
        (reference_output_size(n, k, stride, padding),) * 2
    ),
    "returns a bool": lambda n, k, stride=1, padding="valid": True,
}


def test_output_size_accepts_the_reference(capsys):
    assert exercises.check_output_size(reference_output_size) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 1.2 (output_size): correct on all")


@pytest.mark.parametrize("name", RIGHT_OUTPUT_SIZE)
def test_output_size_accepts_other_right_answers(name):
    assert exercises.check_output_size(RIGHT_OUTPUT_SIZE[name]) is True


def test_output_size_accepts_the_solution_it_prints(capsys):
    exercises.solution("output_size")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {}
    exec(code, namespace)
    assert exercises.check_output_size(namespace["my_output_size"]) is True


@pytest.mark.parametrize("name", WRONG_OUTPUT_SIZE)
def test_output_size_rejects_wrong_answers(name, capsys):
    assert exercises.check_output_size(WRONG_OUTPUT_SIZE[name]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 1.2 (output_size): on ")
    assert "exercises.hint('output_size')" in out


def test_output_size_cases_include_uneven_strides():
    from course_utils.exercises.convolution import _output_size_cases

    uneven = [
        case
        for case in _output_size_cases()
        if case.kwargs.get("stride", 1) > 1
        and (case.args[0] - case.args[1]) % case.kwargs["stride"] != 0
    ]
    assert {case.kwargs["padding"] for case in uneven} == {"valid", "same"}


def test_output_size_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_output_size(stub_output_size) is False
    assert "not attempted" in capsys.readouterr().out


def test_output_size_reports_a_missing_keyword_without_raising(capsys):
    assert exercises.check_output_size(lambda n, k: n - k + 1) is False
    assert "unexpected keyword argument" in capsys.readouterr().out


def test_checkers_reject_something_that_is_not_a_function(capsys):
    assert exercises.check_conv2d(np.zeros(3)) is False
    assert exercises.check_output_size(26) is False
    assert capsys.readouterr().out.count("expected a function") == 2

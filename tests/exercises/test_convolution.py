"""Notebook 01's checkers: check_conv2d and check_kernel_gradient accept right answers only."""

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


GRADIENT_TITLE = "Exercise 1.2 (the kernel's gradient)"


def reference_kernel_gradient(image, grad_output):
    """By the chain rule, weight by weight: what each output contributes, summed."""
    out_h, out_w = grad_output.shape
    kh, kw = image.shape[0] - out_h + 1, image.shape[1] - out_w + 1
    grad = np.zeros((kh, kw))
    for u in range(kh):
        for v in range(kw):
            for i in range(out_h):
                for j in range(out_w):
                    grad[u, v] += image[i + u, j + v] * grad_output[i, j]
    return grad


def finite_differences(image, grad_output, step=1e-3):
    """The gradient measured: nudge each weight, see how L = sum(out * G) moves."""
    kh = image.shape[0] - grad_output.shape[0] + 1
    kw = image.shape[1] - grad_output.shape[1] + 1
    kernel = np.zeros((kh, kw))
    grad = np.zeros_like(kernel)
    for u, v in np.ndindex(kh, kw):
        nudge = np.zeros_like(kernel)
        nudge[u, v] = step
        up = np.sum(reference_conv2d(image, kernel + nudge) * grad_output)
        down = np.sum(reference_conv2d(image, kernel - nudge) * grad_output)
        grad[u, v] = (up - down) / (2 * step)
    return grad


def keras_kernel_gradient(image, grad_output):
    kh = image.shape[0] - grad_output.shape[0] + 1
    kw = image.shape[1] - grad_output.shape[1] + 1
    images = image[None, :, :, None]
    kernels = np.zeros((kh, kw, 1, 1))
    _, grad_kernels = convolution.conv2d_backward_naive(
        images, kernels, grad_output[None, :, :, None]
    )
    return grad_kernels[:, :, 0, 0]


RIGHT_KERNEL_GRADIENT = {
    "loops": reference_kernel_gradient,
    "my_conv2d of the image with grad_output": reference_conv2d,
    "scipy correlate2d": lambda image, grad: scipy.signal.correlate2d(image, grad, "valid"),
    "finite differences": finite_differences,
    "the course's conv2d_backward_naive": keras_kernel_gradient,
    "float32": lambda image, grad: reference_conv2d(image, grad).astype(np.float32),
}

# (wrong answer, words the message must contain: the named mistake or the case's hint)
WRONG_KERNEL_GRADIENT = {
    "grad_output flipped": (
        lambda image, grad: scipy.signal.convolve2d(image, grad, "valid"),
        "grad_output flipped (a true convolution)",
    ),
    "the answer flipped": (
        lambda image, grad: reference_conv2d(image, grad)[::-1, ::-1],
        "the right answer flipped in both axes",
    ),
    "mean instead of sum": (
        lambda image, grad: reference_conv2d(image, grad) / grad.size,
        "averaging over the positions",
    ),
    "the first window only": (
        lambda image, grad: (
            image[: image.shape[0] - grad.shape[0] + 1, : image.shape[1] - grad.shape[1] + 1]
            * grad[0, 0]
        ),
        "only the first window",
    ),
    "the first window times the total gradient": (
        lambda image, grad: (
            image[: image.shape[0] - grad.shape[0] + 1, : image.shape[1] - grad.shape[1] + 1]
            * grad.sum()
        ),
        "the first window times the sum of grad_output",
    ),
    "the gradient with respect to the image": (
        lambda image, grad: scipy.signal.convolve2d(grad, np.ones((3, 3)), "full")[
            : image.shape[0], : image.shape[1]
        ],
        "not the image's",
    ),
    "the output's shape": (lambda image, grad: grad * image.mean(), "expected an output of shape"),
    "transposed": (
        lambda image, grad: reference_conv2d(image, grad).T,
        "expected an output of shape",
    ),
    "grad_output correlated with the image": (
        lambda image, grad: scipy.signal.correlate2d(grad, image, "full")[
            : image.shape[0] - grad.shape[0] + 1, : image.shape[1] - grad.shape[1] + 1
        ],
        "the values differ",
    ),
    "returns nothing": (lambda image, grad: None, "returned None"),
    "returns a number": (
        lambda image, grad: float(np.sum(image * 0) + grad.sum()),
        "expected an output of shape",
    ),
}


@pytest.mark.parametrize("name", RIGHT_KERNEL_GRADIENT)
def test_kernel_gradient_accepts_right_answers(name, capsys):
    assert exercises.check_kernel_gradient(RIGHT_KERNEL_GRADIENT[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {GRADIENT_TITLE}: correct on all")


def test_kernel_gradient_accepts_the_solution_it_prints(capsys):
    exercises.solution("kernel_gradient")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {"np": np}
    exec(code, namespace)
    assert exercises.check_kernel_gradient(namespace["my_kernel_gradient"]) is True


@pytest.mark.parametrize("name", WRONG_KERNEL_GRADIENT)
def test_kernel_gradient_rejects_and_explains_wrong_answers(name, capsys):
    wrong, words = WRONG_KERNEL_GRADIENT[name]
    assert exercises.check_kernel_gradient(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {GRADIENT_TITLE}: on ")
    assert words in " ".join(out.split()), out
    assert "exercises.hint('kernel_gradient')" in out


def test_kernel_gradient_cases_are_non_square_and_of_very_different_scales():
    from course_utils.exercises.convolution import _kernel_gradient_cases

    cases = _kernel_gradient_cases()
    kernel_shapes = [case.expected.shape for case in cases]
    assert sum(shape[0] != shape[1] for shape in kernel_shapes) >= 4
    assert all(
        not np.allclose(g, g[::-1, ::-1])
        for _, g in (c.args for c in cases)
        if g.size > 1 and g.std() > 0
    )
    scales = [float(np.abs(case.args[0]).max()) for case in cases]
    assert max(scales) / min(scales) > 100


def test_kernel_gradient_reports_a_stub_as_not_attempted(capsys):
    assert (
        exercises.check_kernel_gradient(
            lambda image, grad: (_ for _ in ()).throw(NotImplementedError)
        )
        is False
    )
    assert "not attempted" in capsys.readouterr().out


def test_checkers_reject_something_that_is_not_a_function(capsys):
    assert exercises.check_conv2d(np.zeros(3)) is False
    assert exercises.check_kernel_gradient(26) is False
    assert capsys.readouterr().out.count("expected a function") == 2

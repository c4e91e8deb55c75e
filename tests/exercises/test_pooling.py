"""Notebook 02's checkers: check_max_pool, check_avg_pool_kernels and check_max_pool_backward
accept right answers only."""

import numpy as np
import pytest

from course_utils import exercises, pooling


def reshape_pool(images, reduce):
    batch, height, width, channels = images.shape
    h, w = height // 2, width // 2
    return reduce(images[:, : 2 * h, : 2 * w].reshape(batch, h, 2, w, 2, channels), axis=(2, 4))


def loop_pool(images, reduce, step=2, rows=None, cols=None, start=None):
    """A loop version with configurable mistakes, for the wrong answers below."""
    batch, height, width, channels = images.shape
    rows = height // 2 if rows is None else rows
    cols = width // 2 if cols is None else cols
    out = np.zeros((batch, rows, cols, channels))
    for i in range(rows):
        for j in range(cols):
            top, left = (i * step, j * step) if start is None else start(i, j)
            out[:, i, j, :] = reduce(images[:, top : top + 2, left : left + 2, :], axis=(1, 2))
    return out


def running_max_from_zero(images):
    out = np.zeros(reshape_pool(images, np.max).shape)
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            for u in range(2):
                for v in range(2):
                    out[:, i, j, :] = np.maximum(out[:, i, j, :], images[:, 2 * i + u, 2 * j + v])
    return out


def first_channel_only(reduce):
    def pool(images):
        out = np.zeros(reshape_pool(images, reduce).shape)
        out[..., 0] = reshape_pool(images, reduce)[..., 0]
        return out

    return pool


def stub(images):
    raise NotImplementedError


def in_place(reduce):
    def pool(images):
        images[:] = 0.5 * images
        return reshape_pool(images, reduce) * 2

    return pool


def common_mistakes(reduce, other):
    return {
        "stride 1": lambda x: loop_pool(x, reduce, 1, x.shape[1] - 1, x.shape[2] - 1),
        "windows start at i instead of 2i": lambda x: loop_pool(x, reduce, 1),
        "channels mixed by the reshape": lambda x: reduce(
            x[:, : x.shape[1] // 2 * 2, : x.shape[2] // 2 * 2].reshape(
                x.shape[0], x.shape[1] // 2, 2, x.shape[2] // 2, x.shape[3], 2
            ),
            axis=(2, 5),
        ),
        "reshape without splitting the windows": lambda x: reduce(
            x[:, : x.shape[1] // 2 * 2, : x.shape[2] // 2 * 2].reshape(
                x.shape[0], x.shape[1] // 2, x.shape[2] // 2, 2, 2, x.shape[3]
            ),
            axis=(3, 4),
        ),
        "pooled across the channels too": lambda x: np.repeat(
            reduce(reshape_pool(x, reduce), axis=-1, keepdims=True), x.shape[-1], axis=-1
        ),
        "only the first channel": first_channel_only(reduce),
        "wrong axes: (batch, height)": lambda x: reshape_pool(
            x.transpose(1, 0, 2, 3), reduce
        ).transpose(1, 0, 2, 3),
        "wrong axes: channels-first": lambda x: reshape_pool(
            x.transpose(0, 3, 1, 2), reduce
        ).transpose(0, 2, 3, 1),
        "height and width swapped": lambda x: reshape_pool(x, reduce).transpose(0, 2, 1, 3),
        "top-left value of each window": lambda x: x[
            :, 0 : x.shape[1] // 2 * 2 : 2, 0 : x.shape[2] // 2 * 2 : 2
        ],
        "odd sizes padded instead of dropped": lambda x: (
            pooling.avg_pool2d_naive(x, padding="same")
            if reduce is np.mean
            else pooling.max_pool2d_naive(x, padding="same")
        ),
        "odd sizes padded with zeros": lambda x: reshape_pool(
            np.pad(x, ((0, 0), (0, x.shape[1] % 2), (0, x.shape[2] % 2), (0, 0))), reduce
        ),
        "3x3 windows": lambda x: (
            pooling.max_pool2d_naive(x, 3, 2)
            if reduce is np.max
            else pooling.avg_pool2d_naive(x, 3, 2)
        ),
        "the other pooling": lambda x: reshape_pool(x, other),
        "rounded to integers": lambda x: np.round(reshape_pool(x, reduce)),
        "unchanged input": lambda x: x,
        "global pooling": lambda x: reduce(x, axis=(1, 2)),
        "returns nothing": lambda x: None,
        "changes its input": in_place(reduce),
    }


WRONG_MAX = common_mistakes(np.max, np.mean) | {
    "running maximum that starts at 0": running_max_from_zero,
    "median instead of max": lambda x: reshape_pool(x, np.median),
}

CHECKERS = {
    "max_pool": (exercises.check_max_pool, np.max, WRONG_MAX, "Exercise 2.1 (max_pool)"),
}
WRONG_CASES = [(name, wrong) for name in CHECKERS for wrong in CHECKERS[name][2]]


@pytest.mark.parametrize("name", CHECKERS)
def test_accepts_the_reference(name, capsys):
    check, reduce, _, title = CHECKERS[name]
    assert check(lambda images: reshape_pool(images, reduce)) is True
    assert capsys.readouterr().out.startswith(f"✓ {title}: correct on all")


@pytest.mark.parametrize("name", CHECKERS)
def test_accepts_loops_and_the_course_version(name):
    check, reduce, _, _ = CHECKERS[name]
    course = pooling.max_pool2d_naive if reduce is np.max else pooling.avg_pool2d_naive
    assert check(lambda images: loop_pool(images, reduce)) is True
    assert check(course) is True
    assert check(lambda images: course(images.astype(np.float32))) is True


@pytest.mark.parametrize("name", CHECKERS)
def test_accepts_the_solution_it_prints(name, capsys):
    exercises.solution(name)
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {"np": np}
    exec(code, namespace)
    assert CHECKERS[name][0](namespace[f"my_{name}"]) is True


@pytest.mark.parametrize("name, wrong", WRONG_CASES)
def test_rejects_wrong_answers(name, wrong, capsys):
    check, _, answers, title = CHECKERS[name]
    assert check(answers[wrong]) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {title}: on ")
    assert f"exercises.hint('{name}')" in out


@pytest.mark.parametrize(
    "name, wrong, words",
    [
        ("max_pool", "the other pooling", "average pooling"),
        ("max_pool", "stride 1", "overlapping windows (stride 1)"),
        ("max_pool", "channels mixed by the reshape", "mixing the channels into the windows"),
        ("max_pool", "pooled across the channels too", "pooling across the channels too"),
        ("max_pool", "odd sizes padded instead of dropped", "keeping a partial window"),
        ("max_pool", "wrong axes: channels-first", "pooling the axes (width, channels)"),
    ],
)
def test_names_the_mistake(name, wrong, words, capsys):
    check, _, answers, _ = CHECKERS[name]
    check(answers[wrong])
    assert f"Your output is what {words}" in capsys.readouterr().out


@pytest.mark.parametrize("name", CHECKERS)
def test_reports_a_stub_as_not_attempted(name, capsys):
    assert CHECKERS[name][0](stub) is False
    assert "not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("name", CHECKERS)
def test_reports_an_error_without_raising(name, capsys):
    assert CHECKERS[name][0](lambda images: images.reshape(-1, 7, 7)) is False
    assert "your function raised ValueError" in capsys.readouterr().out


def test_cases_cover_channels_odd_and_non_square_sizes():
    from course_utils.exercises.pooling import _cases, _max

    shapes = [case.args[0].shape for case in _cases(_max)]
    assert any(shape[1] % 2 and shape[2] % 2 for shape in shapes)
    assert sum(shape[1] != shape[2] for shape in shapes) >= 5
    assert max(shape[3] for shape in shapes) >= 4


# Exercise 2.3: the gradient of max pooling (2x2 windows, stride 2, "valid").

BACKWARD_TITLE = "Exercise 2.3 (max pooling's gradient)"


def backward_loops(images, grad_output):
    grad = np.zeros(images.shape)
    batch, rows, cols, channels = grad_output.shape
    for b, i, j, c in np.ndindex(batch, rows, cols, channels):
        window = images[b, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2, c]
        u, v = np.unravel_index(np.argmax(window), window.shape)
        grad[b, 2 * i + u, 2 * j + v, c] = grad_output[b, i, j, c]
    return grad


def backward_mask(images, grad_output):
    """The vectorised answer: a mask of the maxima times the upsampled gradient."""
    batch, rows, cols, channels = grad_output.shape
    cropped = images[:, : 2 * rows, : 2 * cols]
    upsampled = reshape_pool(images, np.max).repeat(2, axis=1).repeat(2, axis=2)
    grad = np.zeros(images.shape)
    grad[:, : 2 * rows, : 2 * cols] = (cropped == upsampled) * grad_output.repeat(2, 1).repeat(2, 2)
    return grad


def backward_keras(images, grad_output):
    """Keras' automatic gradient of MaxPooling2D(2)."""
    import keras

    from course_utils import backend

    inputs = keras.Variable(images.astype("float32"))
    layer = keras.layers.MaxPooling2D(2)
    _, (grad,) = backend.value_and_gradients(
        lambda: keras.ops.sum(keras.ops.multiply(layer(inputs), grad_output.astype("float32"))),
        [inputs],
    )
    return backend.to_numpy(grad)


RIGHT_BACKWARD = {
    "the course's version": pooling.max_pool2d_backward_naive,
    "loops": backward_loops,
    "a mask of the maxima": backward_mask,
    "Keras' automatic gradient": backward_keras,
}


def route(images, grad_output, pick):
    grad = np.zeros(images.shape)
    batch, rows, cols, channels = grad_output.shape
    for b, i, j, c in np.ndindex(batch, rows, cols, channels):
        u, v = pick(images[b, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2, c])
        grad[b, 2 * i + u, 2 * j + v, c] = grad_output[b, i, j, c]
    return grad


def copied_to_window(images, grad_output):
    grad = np.zeros(images.shape)
    rows, cols = grad_output.shape[1:3]
    grad[:, : 2 * rows, : 2 * cols] = grad_output.repeat(2, axis=1).repeat(2, axis=2)
    return grad


def running_max_from_zero_backward(images, grad_output):
    def pick(window):
        best, where = 0.0, (0, 0)
        for u, v in np.ndindex(2, 2):
            if window[u, v] > best:
                best, where = window[u, v], (u, v)
        return where

    return route(images, grad_output, pick)


class Unreadable:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("cannot convert")


# (wrong answer, words the message must contain: the named mistake or the case's hint)
WRONG_BACKWARD = {
    "spread evenly (average pooling's gradient)": (
        lambda x, g: pooling.avg_pool2d_backward_naive(x, g),
        "spreading each gradient evenly over its window",
    ),
    "always the top-left position": (
        lambda x, g: route(x, g, lambda w: (0, 0)),
        "always the top-left position of each window",
    ),
    "the minimum's position": (
        lambda x, g: route(x, g, lambda w: np.unravel_index(np.argmin(w), w.shape)),
        "the position of each window's minimum",
    ),
    "the gradient copied to the whole window": (
        copied_to_window,
        "copying each gradient to all four pixels of its window",
    ),
    "a mask of ones without the gradient": (
        lambda x, g: pooling.max_pool2d_backward_naive(x, np.ones_like(g)),
        "marking the maxima with 1 without the gradient",
    ),
    "row and column swapped": (
        lambda x, g: route(x, g, lambda w: np.unravel_index(np.argmax(w), w.shape)[::-1]),
        "swapping the row and the column of the maximum",
    ),
    "a running maximum that starts at 0": (
        running_max_from_zero_backward,
        "a running maximum that starts at 0",
    ),
    "the last row and column dropped from the output": (
        lambda x, g: pooling.max_pool2d_backward_naive(x, g)[:, : 2 * g.shape[1], : 2 * g.shape[2]],
        "expected an output of shape",
    ),
    "the gradient of the pooled shape returned": (lambda x, g: g, "expected an output of shape"),
    "returns nothing": (lambda x, g: None, "returned None"),
    "a ragged list": (lambda x, g: [[1.0, 2.0], [3.0]], "got a list"),
    "an answer that cannot be converted": (
        lambda x, g: Unreadable(),
        "could not be read as an array",
    ),
}


@pytest.mark.parametrize("name", RIGHT_BACKWARD)
def test_backward_checker_accepts_right_answers(name, capsys):
    assert exercises.check_max_pool_backward(RIGHT_BACKWARD[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {BACKWARD_TITLE}: correct on all")


def test_backward_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("max_pool_backward")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_max_pool_backward(namespace["my_max_pool_backward"]) is True


@pytest.mark.parametrize("name", WRONG_BACKWARD)
def test_backward_checker_rejects_and_explains_wrong_answers(name, capsys):
    wrong, words = WRONG_BACKWARD[name]
    assert exercises.check_max_pool_backward(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {BACKWARD_TITLE}: on ")
    assert words in out
    assert "exercises.hint('max_pool_backward')" in out


def test_backward_checker_reports_a_stub_and_an_error_without_raising(capsys):
    assert (
        exercises.check_max_pool_backward(lambda x, g: (_ for _ in ()).throw(NotImplementedError))
        is False
    )
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_max_pool_backward(lambda x, g: x.reshape(-1, 7)) is False
    assert "your function raised ValueError" in capsys.readouterr().out


def test_backward_cases_cover_odd_sizes_channels_scales_and_batches():
    from course_utils.exercises.pooling import _backward_cases

    cases = _backward_cases()
    shapes = [case.args[0].shape for case in cases]
    assert any(shape[1] % 2 and shape[2] % 2 for shape in shapes)
    assert {shape[0] for shape in shapes} >= {1, 2, 3}
    assert max(shape[3] for shape in shapes) >= 4
    for case in cases:
        images, grad_output = case.args
        # Continuous values: no window has a tie for its maximum.
        windows = images[:, : 2 * grad_output.shape[1], : 2 * grad_output.shape[2]]
        assert len(np.unique(windows)) == windows.size
        np.testing.assert_allclose(
            case.expected, backward_keras(images, grad_output), rtol=1e-5, atol=1e-3
        )


# Exercise 2.2: the kernels with which a convolution average-pools.

KERNELS_TITLE = "Exercise 2.2 (average pooling as a convolution)"


def diagonal_kernels(pool_size, channels, weight=None):
    kernels = np.zeros((pool_size, pool_size, channels, channels))
    for c in range(channels):
        kernels[:, :, c, c] = 1 / pool_size**2 if weight is None else weight
    return kernels


RIGHT_KERNELS = {
    "loops": diagonal_kernels,
    "an identity matrix times a window of ones": lambda p, c: (
        np.ones((p, p, 1, 1)) * np.eye(c) / p**2
    ),
    "float32": lambda p, c: diagonal_kernels(p, c).astype(np.float32),
    "nested lists": lambda p, c: diagonal_kernels(p, c).tolist(),
}


def top_left(p, c):
    kernels = np.zeros((p, p, c, c))
    for channel in range(c):
        kernels[0, 0, channel, channel] = 1.0
    return kernels


def channel_zero(p, c):
    kernels = np.zeros((p, p, c, c))
    kernels[:, :, 0, :] = 1 / p**2
    return kernels


# (wrong answer, words the message must contain: the named mistake or a shape)
WRONG_KERNELS = {
    "every pair of channels": (
        lambda p, c: np.full((p, p, c, c), 1 / p**2),
        "1 / pool_size**2 between every pair of channels",
    ),
    "averaged over the channels too": (
        lambda p, c: np.full((p, p, c, c), 1 / (p**2 * c)),
        "1 / (pool_size**2 * channels) everywhere",
    ),
    "a sum": (lambda p, c: diagonal_kernels(p, c, 1.0), "weights of 1:"),
    "1 / pool_size": (lambda p, c: diagonal_kernels(p, c, 1 / p), "weights of 1 / pool_size:"),
    "always 1/4": (lambda p, c: diagonal_kernels(p, c, 0.25), "1/4 whatever the pool size"),
    "the top-left pixel": (top_left, "one weight of 1 at the top-left"),
    "channel 0 only": (channel_zero, "every filter reading channel 0"),
    "no filter axis": (
        lambda p, c: np.full((p, p, c), 1 / p**2),
        "(pool_size, pool_size, in_channels, filters)",
    ),
    "channels first": (
        lambda p, c: diagonal_kernels(p, c).transpose(2, 3, 0, 1),
        "expected kernels of shape",
    ),
    "a gaussian window": (
        lambda p, c: diagonal_kernels(
            p,
            c,
            np.outer(np.hanning(p + 2)[1:-1], np.hanning(p + 2)[1:-1])
            / np.hanning(p + 2)[1:-1].sum() ** 2,
        ),
        "differs from average pooling",
    ),
    "returns nothing": (lambda p, c: None, "returned None"),
    "an answer that cannot be converted": (lambda p, c: Unreadable(), "cannot be read"),
}


@pytest.mark.parametrize("name", RIGHT_KERNELS)
def test_kernels_checker_accepts_right_answers(name, capsys):
    assert exercises.check_avg_pool_kernels(RIGHT_KERNELS[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {KERNELS_TITLE}: correct on all")


def test_kernels_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("avg_pool_kernels")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_avg_pool_kernels(namespace["my_avg_pool_kernels"]) is True


@pytest.mark.parametrize("name", WRONG_KERNELS)
def test_kernels_checker_rejects_and_explains_wrong_answers(name, capsys):
    wrong, words = WRONG_KERNELS[name]
    assert exercises.check_avg_pool_kernels(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {KERNELS_TITLE}: on ")
    assert words in " ".join(out.split()), out


def test_kernels_cases_try_odd_sizes_and_channels_of_different_scales():
    from course_utils.exercises.pooling import _kernels_cases

    cases = _kernels_cases()
    images = [case.expected[0] for case in cases]
    assert {case.args[0] for case in cases} >= {2, 3, 4}
    assert max(case.args[1] for case in cases) >= 4
    assert any(
        x.shape[1] % case.args[0] or x.shape[2] % case.args[0] for x, case in zip(images, cases)
    )
    spread = [
        np.abs(x[..., -1]).mean() / np.abs(x[..., 0]).mean() for x in images if x.shape[-1] > 1
    ]
    assert min(spread) > 10

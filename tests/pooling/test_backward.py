"""course_utils.pooling.backward: by-hand pooling gradients equal Keras' automatic gradients."""

import itertools

import keras
import numpy as np
import pytest

from course_utils import backend, pooling

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend

LAYERS = {
    "max": (keras.layers.MaxPooling2D, pooling.max_pool2d_naive, pooling.max_pool2d_backward_naive),
    "average": (
        keras.layers.AveragePooling2D,
        pooling.avg_pool2d_naive,
        pooling.avg_pool2d_backward_naive,
    ),
}
IMAGE_SHAPES = [(2, 7, 9, 1), (1, 8, 5, 3), (3, 6, 6, 4), (1, 9, 7, 2)]  # odd, even, non-square
POOL_SIZES = [2, 3, (2, 3)]
STRIDES = [None, 1, 2, 3]
PADDINGS = ["valid", "same"]


def keras_gradient(kind, images, grad_output, pool_size, strides, padding):
    """The independent reference: automatic differentiation through the Keras layer.

    `sum(layer(images) * grad_output)` has `grad_output` as its gradient with
    respect to the pooled output, so its gradient with respect to the images is
    what the backward pass must return.
    """
    layer = LAYERS[kind][0](pool_size, strides=strides, padding=padding)
    inputs = keras.Variable(images)
    pool = layer
    if kind == "average" and padding == "same" and backend.name() == "torch":
        # Keras on PyTorch pads an uneven "same" average with copies of the edge pixels
        # (notebook 02), another function; build TensorFlow's from "valid" Keras layers.
        pool = _average_leaving_out_the_padding(images.shape, pool_size, strides)
    _, (grad,) = backend.value_and_gradients(
        lambda: keras.ops.sum(keras.ops.multiply(pool(inputs), grad_output)), [inputs]
    )
    return backend.to_numpy(grad)


def _average_leaving_out_the_padding(shape, pool_size, strides):
    """A "same" average pool as TensorFlow defines it: zero padding (the extra row or
    column at the end), each window's sum divided by its number of real pixels."""
    size = (pool_size, pool_size) if isinstance(pool_size, int) else tuple(pool_size)
    step = size if strides is None else (strides, strides)
    pads = []
    for n, k, s in zip(shape[1:3], size, step):
        total = max((-(-n // s) - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    valid = keras.layers.AveragePooling2D(size, strides=step, padding="valid")
    padding = [(0, 0), *pads, (0, 0)]
    real = valid(keras.ops.pad(keras.ops.ones((1, *shape[1:])), padding))
    return lambda x: valid(keras.ops.pad(x, padding)) / real


def random_case(kind, shape, pool_size, strides, padding, seed=0):
    """Random continuous images (no ties for a maximum) and a random output gradient."""
    rng = np.random.default_rng(seed)
    images = rng.normal(size=shape).astype(np.float32)
    out_shape = LAYERS[kind][1](images, pool_size, strides, padding).shape
    return images, rng.normal(size=out_shape).astype(np.float32)


@pytest.mark.pairwise_off_tensorflow  # the grid on TensorFlow, a pairwise cover elsewhere
@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize(
    "shape, pool_size, strides, padding",
    list(itertools.product(IMAGE_SHAPES, POOL_SIZES, STRIDES, PADDINGS)),
)
def test_backward_equals_keras_gradient(kind, shape, pool_size, strides, padding):
    images, grad_output = random_case(kind, shape, pool_size, strides, padding)
    expected = keras_gradient(kind, images, grad_output, pool_size, strides, padding)
    got = LAYERS[kind][2](images, grad_output, pool_size, strides, padding)
    assert got.shape == images.shape
    assert got.dtype == np.float64  # NumPy's default
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)


def test_max_pooling_sends_each_window_gradient_to_its_maximum_only():
    images = np.array([[1.0, 3.0, 0.0, 2.0], [4.0, 2.0, 1.0, 0.0], [0.0, 1.0, 6.0, 3.0]])
    grad = pooling.max_pool2d_backward_naive(images[None, :, :, None], [[[[10.0], [20.0]]]])
    # Windows [[1, 3], [4, 2]] and [[0, 2], [1, 0]]; the last row fills no window.
    np.testing.assert_array_equal(grad[0, :, :, 0], [[0, 0, 0, 20], [10, 0, 0, 0], [0, 0, 0, 0]])


def test_average_pooling_spreads_each_window_gradient_evenly():
    grad = pooling.avg_pool2d_backward_naive(np.zeros((1, 3, 5, 1)), [[[[8.0], [4.0]]]])
    np.testing.assert_array_equal(
        grad[0, :, :, 0], [[2, 2, 1, 1, 0], [2, 2, 1, 1, 0], [0, 0, 0, 0, 0]]
    )


@pytest.mark.parametrize("kind", LAYERS)
def test_overlapping_windows_add_up_and_keep_the_total(kind):
    # Stride 1 and 3 x 3 windows: a pixel belongs to up to 9 windows. The gradient
    # is only moved, never lost: the input's gradient sums to the output's.
    images, grad_output = random_case(kind, (2, 6, 7, 3), 3, 1, "valid", seed=4)
    grad = LAYERS[kind][2](images, grad_output, 3, 1)
    np.testing.assert_allclose(grad.sum(axis=(1, 2)), grad_output.sum(axis=(1, 2)), rtol=1e-5)
    if kind == "max":  # the global maximum of an image wins every window it is in
        i, j = np.unravel_index(np.argmax(images[0, :, :, 0]), (6, 7))
        windows = [(y, x) for y in range(4) for x in range(5) if y <= i < y + 3 and x <= j < x + 3]
        expected = sum(grad_output[0, y, x, 0] for y, x in windows)
        np.testing.assert_allclose(grad[0, i, j, 0], expected, rtol=1e-5)


def test_a_tie_goes_to_the_first_maximum_as_in_tensorflow():
    images = np.zeros((1, 2, 2, 1), dtype=np.float32)  # four equal values
    grad = pooling.max_pool2d_backward_naive(images, np.ones((1, 1, 1, 1), dtype=np.float32))
    np.testing.assert_array_equal(grad[0, :, :, 0], [[1, 0], [0, 0]])
    np.testing.assert_array_equal(
        grad, keras_gradient("max", images, np.ones((1, 1, 1, 1)), 2, None, "valid")
    )


@pytest.mark.parametrize("kind", LAYERS)
def test_integer_inputs_give_float64(kind):
    images = np.arange(16, dtype=np.uint8).reshape(1, 4, 4, 1)
    grad = LAYERS[kind][2](images, np.ones((1, 2, 2, 1), dtype=np.int32))
    assert grad.dtype == np.float64 and grad.sum() == 4.0


def test_backward_windows_lists_the_windows_of_the_forward_pass():
    images, grad_output, windows = pooling.backward_windows(
        np.ones((1, 5, 4, 2), dtype=np.float32), [[[[1, 2]] * 2] * 3], 3, 2, "same"
    )
    assert images.dtype == grad_output.dtype == np.float64 and grad_output.shape == (1, 3, 2, 2)
    # "same" with 3x3 windows and stride 2 on 5 rows: one zero above, one below, clipped away.
    assert [rows for rows, _ in (row[0] for row in windows)] == [
        slice(0, 2),
        slice(1, 4),
        slice(3, 5),
    ]


BAD_INPUTS = [
    (
        "grad_output of the wrong shape",
        lambda: pooling.max_pool2d_backward_naive(np.zeros((1, 5, 5, 1)), np.zeros((1, 3, 3, 1))),
        r"`grad_output` must have the shape .* \(1, 2, 2, 1\); received shape \(1, 3, 3, 1\)",
    ),
    (
        "grad_output without the batch axis",
        lambda: pooling.avg_pool2d_backward_naive(np.zeros((1, 4, 4, 2)), np.zeros((2, 2, 2))),
        r"`grad_output` must have the shape .*received shape \(2, 2, 2\)",
    ),
    (
        "images of text",
        lambda: pooling.max_pool2d_backward_naive([[[["a"]]]], np.zeros((1, 1, 1, 1))),
        r"`images` must hold numbers",
    ),
    (
        "window larger than the images",
        lambda: pooling.max_pool2d_backward_naive(
            np.zeros((1, 2, 5, 1)), np.zeros((1, 1, 1, 1)), pool_size=3
        ),
        r"window \(3, 3\) is larger than the images",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()

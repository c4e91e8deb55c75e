"""course_utils.convolution.backward: the by-hand backward pass equals Keras' automatic gradient."""

import itertools

import keras
import numpy as np
import pytest

from course_utils import backend, convolution

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


def keras_gradients(images, kernels, grad_output, strides=1, padding="valid"):
    """The independent reference: automatic differentiation through a Conv2D layer.

    The loss `sum(Conv2D(images) * grad_output)` has `grad_output` as its
    gradient with respect to the layer's output, so its gradients with respect
    to the images and the kernel are what the backward pass must return.
    For a strided 1x1 kernel the reference is the same function written with
    unit stride: a 1x1 window with stride (sh, sw) reads exactly the pixels
    `images[:, ::sh, ::sw]`, with or without "same" padding (which pads
    nothing for a 1x1 kernel). oneDNN's strided 1x1 backward-weights kernel
    gives wrong gradients, or crashes, on AVX2-only CPUs
    (uxlfoundation/oneDNN#6035); the identity keeps the reference right there.
    """
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    one_by_one = tuple(kernels.shape[:2]) == (1, 1) and (sh, sw) != (1, 1)
    layer = keras.layers.Conv2D(
        kernels.shape[-1],
        kernels.shape[:2],
        strides=1 if one_by_one else strides,
        padding=padding,
        use_bias=False,
    )
    layer.build(images.shape)
    layer.set_weights([kernels])
    inputs = keras.Variable(images)

    def loss():
        seen = inputs[:, ::sh, ::sw, :] if one_by_one else inputs
        return keras.ops.sum(keras.ops.multiply(layer(seen), grad_output))

    _, (grad_images, grad_kernels) = backend.value_and_gradients(loss, [inputs, layer.kernel])
    return backend.to_numpy(grad_images), backend.to_numpy(grad_kernels)


def random_case(image_shape, kernel_shape, out_channels, strides=1, padding="valid", seed=0):
    rng = np.random.default_rng(seed)
    images = rng.normal(size=image_shape).astype(np.float32)
    kernels = rng.normal(size=(*kernel_shape, image_shape[-1], out_channels)).astype(np.float32)
    out_shape = convolution.conv2d_naive(images, kernels, strides, padding).shape
    grad_output = rng.normal(size=out_shape).astype(np.float32)
    return images, kernels, grad_output


IMAGE_SHAPES = [(2, 7, 9, 1), (1, 8, 5, 3), (3, 6, 6, 2)]  # non-square, one to three channels
KERNEL_SHAPES = [(3, 3), (2, 4), (1, 1)]  # odd, even and non-square, one pixel
STRIDES = [1, 2, 3, (1, 2)]
PADDINGS = ["valid", "same"]


@pytest.mark.pairwise_off_tensorflow  # the grid on TensorFlow, a pairwise cover elsewhere
@pytest.mark.parametrize(
    "image_shape, kernel_shape, strides, padding",
    list(itertools.product(IMAGE_SHAPES, KERNEL_SHAPES, STRIDES, PADDINGS)),
)
def test_backward_equals_keras_gradient(image_shape, kernel_shape, strides, padding):
    images, kernels, grad_output = random_case(
        image_shape, kernel_shape, image_shape[-1] + 1, strides, padding
    )
    expected_images, expected_kernels = keras_gradients(
        images, kernels, grad_output, strides, padding
    )
    grad_images, grad_kernels = convolution.conv2d_backward_naive(
        images, kernels, grad_output, strides, padding
    )
    assert grad_images.shape == images.shape and grad_kernels.shape == kernels.shape
    assert grad_images.dtype == grad_kernels.dtype == np.float64  # NumPy's default
    np.testing.assert_allclose(grad_images, expected_images, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(grad_kernels, expected_kernels, atol=1e-4, rtol=1e-4)


def test_one_output_value_sends_its_gradient_to_its_window_weighted_by_the_kernel():
    images = np.random.default_rng(1).normal(size=(1, 5, 6, 2))
    kernels = np.random.default_rng(2).normal(size=(3, 2, 2, 3))
    grad_output = np.zeros((1, 3, 5, 3))
    grad_output[0, 1, 2, 0] = 2.0  # only out[0, 1, 2, 0] matters to the loss
    grad_images, grad_kernels = convolution.conv2d_backward_naive(images, kernels, grad_output)
    expected = np.zeros_like(images)
    expected[0, 1:4, 2:4, :] = 2.0 * kernels[:, :, :, 0]
    np.testing.assert_allclose(grad_images, expected)
    np.testing.assert_allclose(grad_kernels[..., 0], 2.0 * images[0, 1:4, 2:4, :])
    np.testing.assert_array_equal(grad_kernels[..., 1:], 0.0)


def test_pixels_no_window_reaches_get_zero_gradient():
    # 7 columns, kernel 3, stride 3 ("valid"): windows cover columns 0-5; column 6 is skipped.
    images, kernels, grad_output = random_case((1, 4, 7, 1), (3, 3), 2, strides=3)
    grad_images, _ = convolution.conv2d_backward_naive(images, kernels, grad_output, strides=3)
    np.testing.assert_array_equal(grad_images[:, :, 6], 0.0)
    np.testing.assert_array_equal(grad_images[:, 3], 0.0)
    assert np.abs(grad_images[:, :3, :6]).min() > 0


def flipped_and_swapped(kernels):
    """Kernels rotated by 180 degrees, with input and output channels exchanged."""
    return kernels[::-1, ::-1].transpose(0, 1, 3, 2)


def dilate(grad_output, strides):
    """The gradient spread out: `stride - 1` zeros between two values, along each axis."""
    batch, rows, cols, channels = grad_output.shape
    out = np.zeros((batch, (rows - 1) * strides[0] + 1, (cols - 1) * strides[1] + 1, channels))
    out[:, :: strides[0], :: strides[1]] = grad_output
    return out


@pytest.mark.pairwise_off_tensorflow
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("strides", [(1, 1), (2, 2), (3, 2)])
@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 4)])
def test_the_input_gradient_is_a_convolution_with_the_flipped_kernels(
    kernel_shape, strides, padding
):
    # Stride 1: pad the gradient with k - 1 - before zeros before (k - 1 - after after) and
    # cross-correlate with the flipped kernels. Stride s: first put s - 1 zeros between values.
    images, kernels, grad_output = random_case((2, 8, 7, 3), kernel_shape, 4, strides, padding)
    grad_images, _ = convolution.conv2d_backward_naive(
        images, kernels, grad_output, strides, padding
    )
    spread = dilate(grad_output, strides)
    pads = []
    for axis in (0, 1):
        n, k = images.shape[axis + 1], kernel_shape[axis]
        before, _ = convolution.padding_amounts(n, k, strides[axis], padding)
        pads.append((k - 1 - before, n + before - spread.shape[axis + 1]))
    padded = np.pad(spread, ((0, 0), *pads, (0, 0)))
    as_convolution = convolution.conv2d_im2col(padded, flipped_and_swapped(kernels))
    np.testing.assert_allclose(as_convolution, grad_images, atol=1e-5, rtol=1e-5)


def test_the_kernel_gradient_is_the_input_correlated_with_the_output_gradient():
    images, kernels, grad_output = random_case((3, 7, 6, 2), (3, 2), 4)
    _, grad_kernels = convolution.conv2d_backward_naive(images, kernels, grad_output)
    # The images' channels play the batch, the batch the channels; grad_output is the kernel.
    correlation = convolution.conv2d_im2col(
        images.transpose(3, 1, 2, 0), grad_output.transpose(1, 2, 0, 3)
    )  # (in_channels, kh, kw, out_channels)
    np.testing.assert_allclose(correlation.transpose(1, 2, 0, 3), grad_kernels, atol=1e-4)


def test_a_small_case_worked_by_hand():
    image = np.arange(9.0).reshape(1, 3, 3, 1)
    kernel = np.array([[1.0, 0.0], [0.0, -1.0]])[:, :, None, None]
    grad_images, grad_kernels = convolution.conv2d_backward_naive(
        image, kernel, np.ones((1, 2, 2, 1))
    )
    # Each pixel receives the kernel weights of the windows that cover it; each weight the sum
    # of the pixels it multiplied: 0+1+3+4 = 8 for the top-left weight, 4+5+7+8 = 24 for the other.
    np.testing.assert_array_equal(grad_images[0, :, :, 0], [[1, 1, 0], [1, 0, -1], [0, -1, -1]])
    np.testing.assert_array_equal(grad_kernels[:, :, 0, 0], [[8, 12], [20, 24]])


def test_integer_and_list_inputs_give_float64_gradients():
    grads = convolution.conv2d_backward_naive(
        np.ones((1, 3, 3, 1), dtype=np.uint8), np.ones((2, 2, 1, 1)).tolist(), np.ones((1, 2, 2, 1))
    )
    assert [g.dtype for g in grads] == [np.float64, np.float64]
    np.testing.assert_array_equal(grads[1][:, :, 0, 0], [[4, 4], [4, 4]])


@pytest.mark.parametrize(
    "image_size, kernel_size, strides, padding, corner",
    [(4, 3, 2, "same", (0, 0)), (5, 3, 1, "same", (1, 1)), (6, 4, (1, 2), "same", (1, 1))],
)
def test_backward_arguments_pad_the_images_as_the_forward_pass(
    image_size, kernel_size, strides, padding, corner
):
    images = np.random.default_rng(0).normal(size=(2, image_size, image_size, 3))
    kernels = np.ones((kernel_size, kernel_size, 3, 2))
    out_shape = convolution.conv2d_naive(images, kernels, strides, padding).shape
    padded, _, grad_output, pair, (top, left) = convolution.backward_arguments(
        images, kernels, np.ones(out_shape, dtype=np.float32), strides, padding
    )
    assert (top, left) == corner and grad_output.dtype == np.float64
    assert pair == ((strides, strides) if isinstance(strides, int) else strides)
    np.testing.assert_array_equal(
        padded[:, top : top + image_size, left : left + image_size], images
    )
    assert padded.sum() == pytest.approx(images.sum())  # the rest is zeros


BAD_INPUTS = [
    (
        "grad_output of the wrong shape",
        lambda: convolution.conv2d_backward_naive(
            np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 2)), np.zeros((1, 5, 5, 2))
        ),
        r"`grad_output` must have the shape .* \(1, 3, 3, 2\); received shape \(1, 5, 5, 2\)",
    ),
    (
        "grad_output of text",
        lambda: convolution.conv2d_backward_naive(
            np.zeros((1, 3, 3, 1)), np.zeros((3, 3, 1, 1)), [[[["a"]]]]
        ),
        r"`grad_output` must hold numbers",
    ),
    (
        "channels that differ",
        lambda: convolution.conv2d_backward_naive(
            np.zeros((1, 5, 5, 2)), np.zeros((3, 3, 1, 1)), np.zeros((1, 3, 3, 1))
        ),
        r"`images` have 2 channels .* `kernels` expect 1 input channels",
    ),
    (
        "stride 0",
        lambda: convolution.conv2d_backward_naive(
            np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), np.zeros((1, 3, 3, 1)), strides=0
        ),
        r"`strides` must be a positive integer .*received 0",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()

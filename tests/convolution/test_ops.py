"""course_utils.convolution.ops: by-hand and im2col convolutions equal keras.layers.Conv2D."""

import itertools

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import convolution


def keras_conv2d(images, kernels, strides=1, padding="valid"):
    """The independent reference: a Conv2D layer with our kernels and a zero bias."""
    layer = keras.layers.Conv2D(
        kernels.shape[-1], kernels.shape[:2], strides=strides, padding=padding
    )
    layer.build(images.shape)
    layer.set_weights([kernels, np.zeros(kernels.shape[-1], dtype=np.float32)])
    return keras.ops.convert_to_numpy(layer(images))


def random_case(image_shape, kernel_shape, out_channels, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.normal(size=image_shape).astype(np.float32)
    kernels = rng.normal(size=(*kernel_shape, image_shape[-1], out_channels)).astype(np.float32)
    return images, kernels


IMAGE_SHAPES = [(2, 7, 9, 1), (1, 8, 5, 3), (3, 6, 6, 2)]  # non-square, one to three channels
KERNEL_SHAPES = [(3, 3), (2, 4), (4, 3), (1, 1)]  # odd, even, non-square
STRIDES = [1, 2, 3, (1, 2)]
PADDINGS = ["valid", "same"]


@pytest.mark.parametrize(
    "image_shape, kernel_shape, strides, padding",
    list(itertools.product(IMAGE_SHAPES, KERNEL_SHAPES, STRIDES, PADDINGS)),
)
def test_conv2d_naive_and_im2col_equal_keras(image_shape, kernel_shape, strides, padding):
    images, kernels = random_case(image_shape, kernel_shape, out_channels=image_shape[-1] + 1)
    expected = keras_conv2d(images, kernels, strides, padding)
    naive = convolution.conv2d_naive(images, kernels, strides, padding)
    fast = convolution.conv2d_im2col(images, kernels, strides, padding)
    assert naive.shape == expected.shape
    assert fast.shape == expected.shape
    np.testing.assert_allclose(naive, expected, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(fast, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("kernel_size", [2, 4])
def test_same_padding_puts_the_extra_zero_at_the_bottom_and_right(kernel_size):
    # A single 1 at the top-left corner: an even kernel sees it at the kernel's
    # position (before, before) when Keras pads `before` rows on top.
    images = np.zeros((1, 5, 5, 1), dtype=np.float32)
    images[0, 0, 0, 0] = 1.0
    kernels = np.arange(1.0, kernel_size**2 + 1, dtype=np.float32).reshape(
        kernel_size, kernel_size, 1, 1
    )
    before, after = convolution.padding_amounts(5, kernel_size, padding="same")
    assert after == before + 1
    out = convolution.conv2d_naive(images, kernels, padding="same")
    assert out[0, 0, 0, 0] == kernels[before, before, 0, 0]
    np.testing.assert_allclose(out, keras_conv2d(images, kernels, padding="same"), atol=1e-6)


def test_conv2d_naive_by_hand():
    image = np.array([[1, 2, 0, 3], [4, 1, 1, 0], [0, 2, 5, 1]], dtype=np.float32)
    kernel = np.array([[1, 0], [0, -1]], dtype=np.float32)  # top-left minus bottom-right
    out = convolution.conv2d_naive(image[None, :, :, None], kernel[:, :, None, None])
    np.testing.assert_array_equal(out[0, :, :, 0], [[0, 1, 0], [2, -4, 0]])


def test_output_dtype_follows_the_inputs():
    images, kernels = random_case((1, 5, 5, 1), (3, 3), 1)
    assert convolution.conv2d_naive(images, kernels).dtype == np.float64  # NumPy's default
    assert convolution.conv2d_im2col(images.astype(np.float64), kernels).dtype == np.float64
    uint8_images = np.arange(25, dtype=np.uint8).reshape(1, 5, 5, 1)
    out = convolution.conv2d_im2col(uint8_images, kernels)
    assert out.dtype == np.float32
    np.testing.assert_allclose(
        out, convolution.conv2d_naive(uint8_images.astype(np.float32), kernels), atol=1e-4
    )


def test_im2col_rows_are_the_windows_in_kernel_order():
    images, _ = random_case((2, 6, 7, 3), (1, 1), 1)
    patches = convolution.im2col(images, (2, 3), strides=(2, 1))
    assert patches.shape == (2, 3, 5, 2 * 3 * 3)
    np.testing.assert_array_equal(patches[1, 2, 4], images[1, 4:6, 4:7, :].reshape(-1))


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_output_size_equals_keras(kernel_size, stride, padding):
    for input_size in range(1 if padding == "same" else kernel_size, 14):
        layer = keras.layers.Conv2D(1, kernel_size, strides=stride, padding=padding)
        shape = layer.compute_output_shape((None, input_size, 11, 1))
        assert convolution.output_size(input_size, kernel_size, stride, padding) == shape[1]


def test_output_size_values_and_type():
    assert convolution.output_size(28, 3) == 26
    assert convolution.output_size(28, 3, padding="same") == 28
    assert convolution.output_size(8, 3, stride=2) == 3
    assert convolution.output_size(7, 2, stride=3, padding="same") == 3
    assert convolution.output_size(3, 5, padding="same") == 3
    assert type(convolution.output_size(np.int64(9), 3)) is int


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ((28, 3, 1, "same"), (1, 1)),
        ((28, 4, 1, "same"), (1, 2)),
        ((7, 3, 2, "same"), (1, 1)),
        ((8, 3, 2, "same"), (0, 1)),
        ((6, 1, 4, "same"), (0, 0)),
        ((28, 3, 1, "valid"), (0, 0)),
    ],
)
def test_padding_amounts(arguments, expected):
    assert convolution.padding_amounts(*arguments) == expected


@pytest.mark.parametrize(
    "kernel_size, in_channels, filters, use_bias",
    [(3, 1, 32, True), ((3, 3), 32, 64, True), ((5, 2), 3, 7, False), (1, 16, 4, True)],
)
def test_count_conv2d_params_equals_keras(kernel_size, in_channels, filters, use_bias):
    layer = keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)
    layer.build((None, 12, 12, in_channels))
    expected = layer.count_params()
    assert convolution.count_conv2d_params(kernel_size, in_channels, filters, use_bias) == expected


BAD_INPUTS = [
    (
        "3D images",
        lambda: convolution.conv2d_naive(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1))),
        r"`images` must be 4D .*received shape \(5, 5, 1\).*image\[None, :, :, None\]",
    ),
    (
        "2D kernel",
        lambda: convolution.conv2d_naive(np.zeros((1, 5, 5, 1)), np.zeros((3, 3))),
        r"`kernels` must be 4D .*received shape \(3, 3\).*kernel\[:, :, None, None\]",
    ),
    (
        "kernel larger than the image with valid",
        lambda: convolution.conv2d_naive(np.zeros((1, 4, 6, 1)), np.zeros((5, 3, 1, 1))),
        r"kernel \(shape \(5, 3\)\) is larger than the images .*\(4, 6\).*padding='same'",
    ),
    (
        "channel mismatch",
        lambda: convolution.conv2d_im2col(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 1, 2))),
        r"`images` have 3 channels .* `kernels` expect 1 input channels",
    ),
    (
        "stride 0",
        lambda: convolution.conv2d_naive(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), 0),
        r"`strides` must be a positive integer or a pair .*received 0",
    ),
    (
        "negative stride",
        lambda: convolution.conv2d_im2col(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), (1, -2)),
        r"`strides` must be a positive integer .*received \(1, -2\)",
    ),
    (
        "unknown padding",
        lambda: convolution.conv2d_naive(
            np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full"
        ),
        r"`padding` must be 'valid' or 'same'; received 'full'",
    ),
    (
        "text images",
        lambda: convolution.conv2d_naive(np.full((1, 3, 3, 1), "a"), np.zeros((1, 1, 1, 1))),
        r"`images` must hold numbers; received dtype <U1",
    ),
    (
        "empty batch",
        lambda: convolution.conv2d_naive(np.zeros((0, 3, 3, 1)), np.zeros((1, 1, 1, 1))),
        r"`images` must not be empty; received shape \(0, 3, 3, 1\)",
    ),
    (
        "im2col kernel size 0",
        lambda: convolution.im2col(np.zeros((1, 3, 3, 1)), 0),
        r"`kernel_size` must be a positive integer .*received 0",
    ),
    (
        "output_size stride 0",
        lambda: convolution.output_size(28, 3, stride=0),
        r"`stride` must be a positive integer; received 0",
    ),
    (
        "output_size float input",
        lambda: convolution.output_size(28.0, 3),
        r"`input_size` must be a positive integer; received 28.0",
    ),
    (
        "output_size kernel larger than input",
        lambda: convolution.output_size(4, 5),
        r"`kernel_size` 5 is larger than `input_size` 4: with padding='valid'",
    ),
    (
        "output_size unknown padding",
        lambda: convolution.output_size(4, 3, padding="causal"),
        r"`padding` must be 'valid' or 'same'; received 'causal'",
    ),
    (
        "padding_amounts negative kernel",
        lambda: convolution.padding_amounts(4, -3, padding="same"),
        r"`kernel_size` must be a positive integer; received -3",
    ),
    (
        "count_conv2d_params zero filters",
        lambda: convolution.count_conv2d_params(3, 1, 0),
        r"`filters` must be a positive integer; received 0",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
    plt.close("all")


@pytest.mark.parametrize(
    "args",
    [(0, 1, 32), ((3,), 1, 32), ((3, 3), 1.5, 32), (3, 1, -2), ("3", 1, 2), (True, 1, 2)],
)
def test_count_conv2d_params_names_the_fix(args):
    # classification.count_conv2d_params is this function: its tests match this text.
    with pytest.raises(ValueError, match=r"positive integers.*count_conv2d_params\(3, 1, 32\)"):
        convolution.count_conv2d_params(*args)
    with pytest.raises(ValueError, match="count_conv2d_params needs positive integers"):
        convolution.count_conv2d_params(*args)


def test_conv2d_arguments_pad_as_keras_and_give_the_output_size():
    images = np.random.default_rng(0).normal(size=(2, 6, 7, 3)).astype(np.float32)
    padded, kernels, strides, size = convolution.conv2d_arguments(
        images, np.ones((4, 3, 3, 2), dtype=np.float32), (2, 3), "same"
    )
    assert strides == (2, 3) and size == (3, 3) and kernels.dtype == np.float64
    # rows: (3 - 1) * 2 + 4 - 6 = 2 zeros, 1 above and 1 below; columns: (3 - 1) * 3 + 3 - 7 = 2.
    assert padded.shape == (2, 8, 9, 3) and padded.dtype == np.float64
    np.testing.assert_array_equal(padded[:, 1:7, 1:8], images)
    assert padded.sum() == pytest.approx(float(images.sum()), rel=1e-5)

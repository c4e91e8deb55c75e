"""course_utils.pooling.ops: by-hand pooling equals keras.layers.MaxPooling2D / AveragePooling2D."""

import itertools

import keras
import numpy as np
import pytest

from course_utils import pooling

LAYERS = {
    "max": (keras.layers.MaxPooling2D, pooling.max_pool2d_naive),
    "average": (keras.layers.AveragePooling2D, pooling.avg_pool2d_naive),
}
IMAGE_SHAPES = [(2, 7, 9, 1), (1, 8, 5, 3), (3, 5, 6, 4)]  # odd, even, non-square
POOL_SIZES = [2, 3, (2, 3)]
STRIDES = [None, 1, 2, (1, 2)]
PADDINGS = ["valid", "same"]


def images_of(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def keras_pool(kind, images, pool_size, strides, padding):
    layer = LAYERS[kind][0](pool_size, strides=strides, padding=padding)
    return keras.ops.convert_to_numpy(layer(images))


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize(
    "shape, pool_size, strides, padding",
    list(itertools.product(IMAGE_SHAPES, POOL_SIZES, STRIDES, PADDINGS)),
)
def test_pooling_equals_keras(kind, shape, pool_size, strides, padding):
    images = images_of(shape)
    expected = keras_pool(kind, images, pool_size, strides, padding)
    got = LAYERS[kind][1](images, pool_size, strides, padding)
    assert got.shape == expected.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)


def test_same_padding_keeps_the_partial_window_and_ignores_the_padding():
    # 3 x 3 input, 2 x 2 windows: Keras pads one row at the bottom and one
    # column at the right; padded cells neither win a max nor count in a mean.
    images = -np.arange(1.0, 10.0, dtype=np.float32).reshape(1, 3, 3, 1)  # all negative
    maximum = pooling.max_pool2d_naive(images, padding="same")[0, :, :, 0]
    average = pooling.avg_pool2d_naive(images, padding="same")[0, :, :, 0]
    np.testing.assert_array_equal(maximum, [[-1, -3], [-7, -9]])  # not 0 from the padding
    np.testing.assert_allclose(average, [[-3.0, -4.5], [-7.5, -9.0]])  # not diluted by zeros
    np.testing.assert_allclose(maximum, keras_pool("max", images, 2, None, "same")[0, :, :, 0])
    np.testing.assert_allclose(average, keras_pool("average", images, 2, None, "same")[0, :, :, 0])


def test_same_padding_with_overlapping_windows_pads_the_extra_cell_after():
    # 4 pixels, window 3, stride 2: ceil(4 / 2) = 2 windows, 1 padded cell in all,
    # which goes after: windows cover pixels [0, 1, 2] and [2, 3].
    images = np.array([1.0, 5.0, 2.0, 4.0], dtype=np.float32).reshape(1, 1, 4, 1)
    out = pooling.avg_pool2d_naive(images, (1, 3), strides=(1, 2), padding="same")
    np.testing.assert_allclose(out[0, 0, :, 0], [8 / 3, 3.0])
    np.testing.assert_allclose(out, keras_pool("average", images, (1, 3), (1, 2), "same"))


@pytest.mark.parametrize("shape", IMAGE_SHAPES)
def test_global_pooling_equals_keras(shape):
    images = images_of(shape, seed=1)
    expected_max = keras.ops.convert_to_numpy(keras.layers.GlobalMaxPooling2D()(images))
    expected_avg = keras.ops.convert_to_numpy(keras.layers.GlobalAveragePooling2D()(images))
    assert pooling.global_max_pool2d(images).shape == (shape[0], shape[3])
    np.testing.assert_allclose(pooling.global_max_pool2d(images), expected_max, atol=1e-6)
    np.testing.assert_allclose(pooling.global_avg_pool2d(images), expected_avg, atol=1e-6)


@pytest.mark.parametrize("kind", LAYERS)
def test_pooling_layers_have_no_parameters(kind):
    layer = LAYERS[kind][0](2)
    layer.build((None, 28, 28, 8))
    assert layer.count_params() == 0


def test_pooling_keeps_channels_apart():
    images = np.zeros((1, 4, 4, 3), dtype=np.float32)
    images[0, 1, 2, 1] = 7.0  # one bright pixel in channel 1 only
    out = pooling.max_pool2d_naive(images)
    assert out.shape == (1, 2, 2, 3)
    assert out[0, 0, 1, 1] == 7.0 and out.sum() == 7.0


@pytest.mark.parametrize("down, right", [(0, 1), (1, 0), (-2, 3), (0, 0)])
def test_shift_images_equals_np_roll_with_zeros(down, right):
    images = np.arange(1, 2 * 5 * 6 + 1).reshape(2, 5, 6)
    shifted = pooling.shift_images(images, down, right)
    expected = np.roll(images, (down, right), axis=(1, 2))
    if down > 0:
        expected[:, :down] = 0
    elif down < 0:
        expected[:, down:] = 0
    if right > 0:
        expected[:, :, :right] = 0
    elif right < 0:
        expected[:, :, right:] = 0
    np.testing.assert_array_equal(shifted, expected)
    assert shifted.dtype == images.dtype


def test_shift_images_keeps_a_channel_axis():
    images = np.ones((1, 3, 3, 2), dtype=np.float32)
    assert pooling.shift_images(images, right=1)[0, :, 0, :].sum() == 0.0


def test_relative_change():
    reference = np.array([[3.0, 4.0], [0.0, 2.0]])
    changed = np.array([[3.0, 4.0], [0.0, 3.0]])
    assert pooling.relative_change(reference, changed) == pytest.approx((0.0 + 0.5) / 2)
    assert pooling.relative_change(reference, reference) == 0.0


def test_max_pooling_tolerates_a_one_pixel_shift_of_its_window_pattern():
    # A single bright pixel moving within one 2 x 2 window: the pooled map does not change.
    images = np.zeros((1, 6, 6, 1), dtype=np.float32)
    images[0, 2, 2, 0] = 1.0
    shifted = pooling.shift_images(images, right=1)
    assert pooling.relative_change(images, shifted) == pytest.approx(np.sqrt(2))
    pooled, pooled_shifted = pooling.max_pool2d_naive(images), pooling.max_pool2d_naive(shifted)
    assert pooling.relative_change(pooled, pooled_shifted) == 0.0


@pytest.mark.parametrize("padding", PADDINGS)
def test_pool_windows_are_the_windows_the_pooling_reduces(padding):
    images = images_of((1, 7, 5, 2), seed=3)
    checked, windows = pooling.pool_windows(images, 3, 2, padding)
    expected = pooling.max_pool2d_naive(images, 3, 2, padding)
    assert (len(windows), len(windows[0])) == expected.shape[1:3]
    for i, row in enumerate(windows):
        for j, (rows, cols) in enumerate(row):
            np.testing.assert_allclose(checked[0, rows, cols].max(axis=(0, 1)), expected[0, i, j])


BAD_INPUTS = [
    (
        "3D images",
        lambda: pooling.max_pool2d_naive(np.zeros((4, 4, 1))),
        r"`images` must be 4D .*received shape \(4, 4, 1\)",
    ),
    (
        "window larger than the image with valid",
        lambda: pooling.avg_pool2d_naive(np.zeros((1, 2, 5, 1)), pool_size=3),
        r"window \(3, 3\) is larger than the images .*\(2, 5\).*padding='same'",
    ),
    (
        "stride 0",
        lambda: pooling.max_pool2d_naive(np.zeros((1, 4, 4, 1)), strides=0),
        r"`strides` must be a positive integer .*received 0",
    ),
    (
        "negative pool size",
        lambda: pooling.avg_pool2d_naive(np.zeros((1, 4, 4, 1)), pool_size=-2),
        r"`pool_size` must be a positive integer .*received -2",
    ),
    (
        "unknown padding",
        lambda: pooling.max_pool2d_naive(np.zeros((1, 4, 4, 1)), padding="SAME-ish"),
        r"`padding` must be 'valid' or 'same'; received 'SAME-ish'",
    ),
    (
        "global pooling of a 2D array",
        lambda: pooling.global_avg_pool2d(np.zeros((4, 4))),
        r"`images` must be 4D .*received shape \(4, 4\)",
    ),
    (
        "shift too far",
        lambda: pooling.shift_images(np.zeros((1, 4, 4)), right=4),
        r"`right` must be an integer between -3 and 3 .*received 4",
    ),
    (
        "shift of a 2D image",
        lambda: pooling.shift_images(np.zeros((4, 4)), right=1),
        r"`images` must be 3D .* or 4D .*received shape \(4, 4\)",
    ),
    (
        "relative change of different shapes",
        lambda: pooling.relative_change(np.ones((2, 3)), np.ones((2, 4))),
        r"one shape .*received shapes \(2, 3\) and \(2, 4\)",
    ),
    (
        "relative change to zero",
        lambda: pooling.relative_change(np.zeros((2, 3)), np.ones((2, 3))),
        r"item\(s\) \[0, 1\] are all zeros",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()

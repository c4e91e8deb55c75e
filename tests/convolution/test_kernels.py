"""course_utils.convolution.kernels: the named kernels, stack_kernels and the photograph."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import convolution


def test_named_kernels():
    for name, kernel in convolution.KERNELS.items():
        assert kernel.dtype == np.float32 and kernel.ndim == 2, name
        assert not kernel.flags.writeable, name
    for kernel in (
        convolution.VERTICAL_EDGE,
        convolution.HORIZONTAL_EDGE,
        convolution.SOBEL_X,
        convolution.SOBEL_Y,
    ):
        assert kernel.sum() == 0  # a flat image gives no edge
    for kernel in (
        convolution.BOX_BLUR,
        convolution.GAUSSIAN_BLUR,
        convolution.SHARPEN,
        convolution.IDENTITY,
    ):
        assert kernel.sum() == pytest.approx(1.0)  # a flat image keeps its brightness
    np.testing.assert_array_equal(convolution.SOBEL_Y, convolution.SOBEL_X.T)
    np.testing.assert_array_equal(convolution.HORIZONTAL_EDGE, convolution.VERTICAL_EDGE.T)
    # A ramp that brightens to the right: the vertical-edge kernel sees +2 per step.
    ramp = np.tile(np.arange(6.0), (5, 1))[None, :, :, None]
    edges = convolution.conv2d_naive(ramp, convolution.stack_kernels([convolution.VERTICAL_EDGE]))
    np.testing.assert_array_equal(edges, np.full((1, 3, 4, 1), 6.0))


def test_stack_kernels():
    stacked = convolution.stack_kernels([convolution.SOBEL_X, convolution.SOBEL_Y])
    assert stacked.shape == (3, 3, 1, 2) and stacked.dtype == np.float32
    np.testing.assert_array_equal(stacked[:, :, 0, 1], convolution.SOBEL_Y)


def test_load_photo():
    grey = convolution.load_photo()
    color = convolution.load_photo(color=True)
    assert grey.shape == (600, 512) and color.shape == (600, 512, 3)
    assert grey.dtype == np.float32 and 0.0 <= grey.min() and grey.max() <= 1.0
    assert grey.std() > 0.1  # a real photograph, not a blank
    np.testing.assert_allclose(grey, color @ np.array([0.299, 0.587, 0.114]), atol=1e-6)
    small = convolution.load_photo(downscale=3)
    assert small.shape == (200, 170)
    np.testing.assert_allclose(small[4, 7], grey[12:15, 21:24].mean(), atol=1e-6)


BAD_INPUTS = [
    (
        "stack_kernels of different shapes",
        lambda: convolution.stack_kernels([convolution.SOBEL_X, convolution.BOX_BLUR]),
        r"one shape \(kh, kw\); received shapes \[\(3, 3\), \(5, 5\)\]",
    ),
    (
        "load_photo downscale 0",
        lambda: convolution.load_photo(downscale=0),
        r"`downscale` must be a positive integer; received 0",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
    plt.close("all")

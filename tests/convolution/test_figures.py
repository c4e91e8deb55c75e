"""course_utils.convolution.figures: kernels, maps, padding and stride, and timings drawn."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import convolution

BAD_INPUTS = [
    (
        "plot_kernels 3D kernel",
        lambda: convolution.plot_kernels([np.zeros((3, 3, 1))]),
        r"list of 2D kernels; received shapes \[\(3, 3, 1\)\]",
    ),
    (
        "plot_maps titles",
        lambda: convolution.plot_maps([np.zeros((3, 3))], titles=["a", "b"]),
        r"`titles` has 2 entries for 1 maps",
    ),
    (
        "plot_maps 4D map",
        lambda: convolution.plot_maps([np.zeros((1, 3, 3, 1))]),
        r"2D arrays .* or RGB images .*received shapes \[\(1, 3, 3, 1\)\]",
    ),
    (
        "plot_maps signed flags",
        lambda: convolution.plot_maps([np.zeros((3, 3))], signed=[True, False]),
        r"`signed` has 2 entries for 1 maps",
    ),
    (
        "plot_maps negative limit",
        lambda: convolution.plot_maps([np.zeros((3, 3))], signed_limit=-1.0),
        r"`signed_limit` must hold positive numbers or None; received -1.0",
    ),
    (
        "plot_padding_strides empty",
        lambda: convolution.plot_padding_strides([]),
        r"`configs` must be a non-empty list of \(input_size, kernel_size, stride, padding\)",
    ),
    (
        "plot_padding_strides bad padding",
        lambda: convolution.plot_padding_strides([(5, 3, 1, "full")]),
        r"`padding` must be 'valid' or 'same'; received 'full'",
    ),
    (
        "plot_padding_stride too large",
        lambda: convolution.plot_padding_stride(28, 3),
        r"`input_size` must be at most 16 .*received 28",
    ),
    (
        "plot_timings negative",
        lambda: convolution.plot_timings({"loops": -1.0}),
        r"positive numbers of seconds; received \{'loops': -1.0\}",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
    plt.close("all")


def test_plot_kernels_writes_every_weight():
    fig = convolution.plot_kernels({"Sobel x": convolution.SOBEL_X, "blur": convolution.BOX_BLUR})
    texts = [[text.get_text() for text in ax.texts] for ax in fig.axes]
    assert texts[0] == ["-1", "0", "1", "-2", "0", "2", "-1", "0", "1"]
    assert texts[1] == ["1"] * 25
    assert [ax.get_title() for ax in fig.axes] == ["Sobel x", "blur (÷ 25)"]
    plt.close(fig)


def test_plot_maps_keeps_pixels_the_same_size():
    fig = convolution.plot_maps([np.zeros((8, 6)), np.ones((4, 3))], titles=["big", "small"])
    big, small = fig.axes
    assert big.get_xlim() == small.get_xlim() == (0.0, 6.0)
    assert small.images[0].get_extent() == [1.5, 4.5, 6.0, 2.0]  # centred, half the size
    plt.close(fig)


@pytest.mark.parametrize(
    "input_size, kernel_size, stride, padding, dots",
    [(5, 3, 1, "valid", 9), (7, 3, 2, "same", 16), (6, 2, 2, "valid", 9)],
)
def test_plot_padding_stride_marks_one_dot_per_output(
    input_size, kernel_size, stride, padding, dots
):
    fig = convolution.plot_padding_stride(input_size, kernel_size, stride, padding)
    assert len(fig.axes[0].lines) == dots
    side = convolution.output_size(input_size, kernel_size, stride, padding)
    assert f"output {side} x {side}" in fig.axes[0].get_title()
    plt.close(fig)


def test_plot_timings_labels_the_speed_up():
    fig = convolution.plot_timings({"loops": 2.0, "im2col": 0.02, "Keras": 0.004})
    labels = [text.get_text() for text in fig.axes[0].texts]
    assert labels == ["2.00 s", "20.0 ms  (100x faster)", "4.0 ms  (500x faster)"]
    plt.close(fig)


def test_plot_maps_colour_and_shared_signed_scale():
    rgb = np.random.default_rng(0).random((4, 5, 3))
    edges = np.array([[-1.0, 0.5], [0.25, 2.0]])
    fig = convolution.plot_maps([rgb, edges, edges], signed_limit=[None, None, 4.0])
    assert fig.axes[0].images[0].get_array().shape == (4, 5, 3)
    assert fig.axes[1].images[0].get_clim() == pytest.approx((-1.97, 1.97), abs=0.01)
    assert fig.axes[2].images[0].get_clim() == (-4.0, 4.0)
    plt.close(fig)


def test_plot_padding_strides_draws_each_configuration():
    configs = [(5, 3, 1, "valid"), (6, 4, 1, "same"), (8, 3, 3, "valid")]
    fig = convolution.plot_padding_strides(configs, ncols=2)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [
        "input 5, kernel 3, stride 1, valid\nno padding → output 3 x 3",
        "input 6, kernel 4, stride 1, same\npadding 1+2 → output 6 x 6",
        "input 8, kernel 3, stride 3, valid\nno padding → output 2 x 2",
    ]
    plt.close(fig)


def test_plot_maps_gives_each_signed_map_a_colour_bar_when_asked():
    edges = np.array([[-2.0, 0.0], [0.0, 2.0]])
    fig = convolution.plot_maps([np.ones((2, 2)), edges, edges], colorbar=True)
    bars = [ax.child_axes for ax in fig.axes[:3]]
    assert [len(b) for b in bars] == [0, 1, 1]
    assert bars[1][0].get_ylim() == pytest.approx((-2.0, 2.0))  # the map's own symmetric scale
    plain = convolution.plot_maps([edges])
    assert not plain.axes[0].child_axes
    plt.close("all")

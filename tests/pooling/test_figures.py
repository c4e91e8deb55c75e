"""course_utils.pooling.figures: the pooling figures draw the numbers they are given."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import pooling

BAD_INPUTS = [
    (
        "plot_pooling mode",
        lambda: pooling.plot_pooling(np.zeros((4, 4)), mode="min"),
        r"`mode` must be 'max' or 'average'; received 'min'",
    ),
    (
        "plot_pooling too large",
        lambda: pooling.plot_pooling(np.zeros((28, 28))),
        r"at most 12 x 12; received shape \(28, 28\)",
    ),
    (
        "plot_shift_tolerance lengths",
        lambda: pooling.plot_shift_tolerance([0, 1], {"conv": [0.0]}),
        r"needs 2 values, one per shift; received lengths \{'conv': 1\}",
    ),
    (
        "plot_pooling_gradient with a gradient of the wrong shape",
        lambda: pooling.plot_pooling_gradient(np.zeros((5, 6)), np.ones((3, 3))),
        r"`grad_output` must have the pooled shape \(2, 3\) .*received shape \(3, 3\)",
    ),
    (
        "plot_pooling_gradient too large",
        lambda: pooling.plot_pooling_gradient(np.zeros((14, 14)), np.ones((7, 7))),
        r"at most 12 x 12; received shape \(14, 14\)",
    ),
]


@pytest.mark.parametrize(
    "call, pattern", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_raises_a_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
    plt.close("all")


@pytest.mark.parametrize("mode", ["max", "average"])
def test_plot_pooling_writes_the_pooled_values(mode):
    grid = np.arange(30.0).reshape(5, 6)
    fig = pooling.plot_pooling(grid, mode=mode)
    left, right = fig.axes
    assert len(left.texts) == 30
    pool = pooling.max_pool2d_naive if mode == "max" else pooling.avg_pool2d_naive
    expected = pool(grid[None, :, :, None])[0, :, :, 0]
    assert [text.get_text() for text in right.texts] == [f"{v:.3g}" for v in expected.flat]
    assert "output 2 x 3" in right.get_title()
    plt.close(fig)


def test_plot_shift_tolerance():
    fig = pooling.plot_shift_tolerance([0, 1, 2], {"a": [0, 1, 1], "b": [0, 0.5, 1]}, title="t")
    assert [line.get_label() for line in fig.axes[0].lines] == ["a", "b"]
    plt.close(fig)


def test_plot_pooling_gradient_writes_where_the_gradient_goes():
    grid = np.array(
        [[1.0, 3.0, 0.0, 2.0, 9.0], [4.0, 2.0, 1.0, 0.0, 9.0], [5.0, 5.0, 5.0, 5.0, 9.0]]
    )
    fig = pooling.plot_pooling_gradient(grid, np.array([[8.0, 2.0]]))
    _, upstream, to_max, to_average = fig.axes
    assert [text.get_text() for text in upstream.texts] == ["8", "2"]
    # The 3 x 5 grid: the last row and column belong to no 2 x 2 window and get 0.
    assert [text.get_text() for text in to_max.texts] == (
        ["0", "0", "0", "2", "0"] + ["8", "0", "0", "0", "0"] + ["0"] * 5
    )
    assert [text.get_text() for text in to_average.texts] == (
        ["2", "2", "0.5", "0.5", "0"] * 2 + ["0"] * 5
    )
    assert "1/4 to each pixel" in to_average.get_title()
    circles = [patch for patch in to_max.patches if isinstance(patch, plt.Circle)]
    assert sorted(circle.center for circle in circles) == [(0.5, 1.5), (3.5, 0.5)]
    plt.close(fig)


def test_plot_shift_example_shares_one_scale_between_the_feature_differences():
    rng = np.random.default_rng(0)
    features = rng.random((2, 6, 6))
    pooled = features[:, ::2, ::2] * 0.1  # a smaller difference: paler on the shared scale
    fig = pooling.plot_shift_example(rng.random((2, 6, 6)), features, pooled, changes=(0.5, 0.25))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[6:] == ["difference", "difference (50%)", "difference (25%)"]
    limits = [ax.images[0].get_clim() for ax in fig.axes[7:9]]
    largest = float(np.abs(features[1] - features[0]).max())
    assert limits == [(-largest, largest)] * 2
    assert [len(ax.child_axes) for ax in fig.axes[:9]] == [0] * 6 + [1] * 3  # colour bars
    plt.close(fig)


def test_plot_shift_example_wants_two_maps_each():
    with pytest.raises(
        ValueError, match=r"`pooled` must hold two 2D maps.*received shape \(3, 2, 2\)"
    ):
        pooling.plot_shift_example(np.zeros((2, 4, 4)), np.zeros((2, 4, 4)), np.zeros((3, 2, 2)))

"""course_utils.efficiency.figures: the pictures draw what they are given, and refuse the rest."""

import matplotlib.pyplot as plt
import pytest

from course_utils import classification
from course_utils.efficiency import count_flops, figures


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_one_bar_per_layer_with_its_share():
    flops = count_flops(classification.build_seed_cnn())
    fig = figures.plot_layer_macs(flops)
    bars = fig.axes[0].patches
    assert len(bars) == len(flops.layers)
    assert max(bar.get_width() for bar in bars) == pytest.approx(
        max(layer.macs for layer in flops.layers) / 1e6
    )
    assert "2.79 million" in fig.axes[0].get_title()


def test_one_line_per_rule_in_each_panel():
    rows = [
        {"batch_size": size, "rule": rule, "seconds": 10 / size, "accuracy": 0.9}
        for size in (16, 64, 256)
        for rule in ("same rate", "linear")
    ]
    fig = figures.plot_batch_sizes(rows, title="t")
    left, right = fig.axes
    assert len(left.lines) == len(right.lines) == 2
    assert list(left.lines[0].get_xdata()) == [16, 64, 256]
    assert list(right.lines[1].get_ydata()) == pytest.approx([90, 90, 90])


def test_times_are_drawn_in_order():
    fig = figures.plot_times({"a": 1.0, "b": 3.0}, "seconds")
    assert [bar.get_width() for bar in fig.axes[0].patches] == [1.0, 3.0]
    assert fig.axes[0].get_xscale() == "linear"


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: figures.plot_layer_macs({"macs": 3}), "must be a ModelFlops"),
        (lambda: figures.plot_batch_sizes([]), "non-empty list"),
        (lambda: figures.plot_batch_sizes([{"batch_size": 2}]), "needs the keys"),
        (lambda: figures.plot_times({}, "s"), "non-empty dict"),
        (lambda: figures.plot_times({"a": 0}, "s"), "positive number"),
    ],
)
def test_bad_input_is_explained(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()

"""course_utils.interpretation.figures: the maps, the deletion curves, the randomization test."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import interpretation

RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def curve(values, measure="probability"):
    values = np.asarray(values, dtype=float)
    fractions = np.linspace(0, 1, len(values))
    area = float(np.sum((values[1:] + values[:-1]) / 2 * np.diff(fractions)))
    return interpretation.DeletionCurve(fractions, values, area, measure)


def test_attribution_maps_one_row_per_image_one_column_per_method():
    images = RNG.random((3, 8, 6, 1))
    maps = {
        "saliency": RNG.random((3, 8, 6)),
        "integrated gradients": RNG.normal(size=(3, 8, 6, 1)),
        "Grad-CAM": np.zeros((3, 8, 6)),
    }
    fig = interpretation.plot_attribution_maps(
        images, maps, labels=[0, 2, 1], class_names=["a", "b", "c"]
    )
    assert len(fig.axes) == 3 * 4 + 3 * 3  # the panels, then one colour bar per map
    assert [ax.get_title() for ax in fig.axes[:4]] == [
        "a",
        "saliency",
        "integrated gradients",
        "Grad-CAM",
    ]
    assert fig.axes[4].get_title() == "c"
    signed = fig.axes[2].images[0]
    largest = np.abs(maps["integrated gradients"][0]).max()
    assert signed.get_cmap().name == "bwr"
    assert signed.get_clim() == pytest.approx((-largest, largest))
    assert fig.axes[1].images[0].get_clim() == pytest.approx((0, maps["saliency"][0].max()))
    np.testing.assert_allclose(
        fig.axes[6].images[0].get_array(), maps["integrated gradients"][1, ..., 0]
    )
    bars = fig.axes[12:]
    assert bars[1].get_ylim() == pytest.approx((-largest, largest))  # row 0, integrated gradients
    assert bars[0].get_ylim() == pytest.approx((0, maps["saliency"][0].max()))
    assert bars[2].get_ylim() == pytest.approx((0, 1))  # an all-zero map keeps a readable scale
    assert all(
        bar.get_position().x0 >= panel.get_position().x1
        for bar, panel in zip(bars[:3], fig.axes[1:4])
    )  # each bar right of its map


def test_occlusion_figure_shows_the_image_and_the_signed_map_with_a_colour_bar():
    image = RNG.random((10, 10, 1))
    drops = np.array([[0.4, -0.1, 0.0], [0.2, 0.0, -0.3]])
    fig = interpretation.plot_occlusion(image, drops, label="7 read as 1")
    picture, shown, bar = fig.axes
    assert picture.get_title() == "7 read as 1"
    assert shown.get_title() == "probability drop, 2×3 positions"
    np.testing.assert_allclose(picture.images[0].get_array(), image[..., 0])
    np.testing.assert_allclose(shown.images[0].get_array(), drops)
    assert shown.images[0].get_cmap().name == "bwr"
    assert bar.get_ylim() == pytest.approx((-0.4, 0.4))  # symmetric: white is no change
    with pytest.raises(ValueError, match="one 2D map"):
        interpretation.plot_occlusion(image, drops[None])
    with pytest.raises(ValueError, match="non-empty batch"):
        interpretation.plot_occlusion(np.zeros((2, 3, 4, 5)), drops)


def test_kernel_matches_show_each_hand_made_kernel_above_its_match():
    hand_made = {"edge": np.array([[-1.0, 0, 1]] * 3), "blob": np.eye(3) * 4}
    learned = RNG.normal(size=(5, 3, 3))
    fig = interpretation.plot_kernel_matches(
        hand_made, learned, {"edge": (3, 0.9), "blob": (1, 0.25)}
    )
    panels, bars = fig.axes[:4], fig.axes[4:]
    assert [ax.get_title() for ax in panels] == ["edge", "blob", "#3, |cos| 0.90", "#1, |cos| 0.25"]
    np.testing.assert_allclose(panels[2].images[0].get_array(), learned[3])
    np.testing.assert_allclose(panels[1].images[0].get_array(), hand_made["blob"])
    assert len(bars) == 4
    largest = np.abs(learned[3]).max()
    assert bars[1].get_ylim() == pytest.approx((-largest, largest))  # per column: top, bottom
    assert bars[2].get_ylim() == pytest.approx((-4, 4))  # a kernel >= 0 is still drawn about 0
    with pytest.raises(ValueError, match="every name"):
        interpretation.plot_kernel_matches(hand_made, learned, {"edge": (3, 0.9)})
    with pytest.raises(ValueError, match="every name"):
        interpretation.plot_kernel_matches(hand_made, learned, {"edge": (5, 0.9), "blob": (0, 1)})
    with pytest.raises(ValueError, match=r"\(count, height, width\)"):
        interpretation.plot_kernel_matches(hand_made, learned[0], {"edge": (0, 1), "blob": (0, 1)})


@pytest.mark.parametrize(
    "images, maps, kwargs, match",
    [
        (np.zeros((2, 8, 8)), {}, {}, "non-empty dict"),
        (np.zeros((2, 8, 8)), {"a": np.zeros((3, 8, 8))}, {}, r"shape \(2, 8, 8\)"),
        (np.zeros((8, 8)), {"a": np.zeros((1, 8, 8))}, {}, "non-empty batch"),
        (np.zeros((2, 8, 8)), {"a": np.zeros((2, 8, 8))}, {"labels": [1]}, "one label per image"),
    ],
)
def test_attribution_maps_reject_bad_input(images, maps, kwargs, match):
    with pytest.raises(ValueError, match=match):
        interpretation.plot_attribution_maps(images, maps, **kwargs)


def test_deletion_curves_share_one_axes_with_random_dashed():
    curves = {
        "saliency": curve([0.9, 0.5, 0.2]),
        "occlusion": curve([0.9, 0.4, 0.1]),
        "random": curve([0.9, 0.8, 0.6]),
    }
    fig = interpretation.plot_deletion_curves(curves, title="Deletion")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert ax.lines[2].get_linestyle() == "--" and ax.lines[0].get_linestyle() == "-"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "saliency (area 0.525)",
        "occlusion (area 0.450)",
        "random (area 0.775)",
    ]
    assert ax.get_ylabel() == "mean true-class probability"
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.9, 0.4, 0.1])


def test_deletion_curves_reject_mixed_measures_and_other_values():
    with pytest.raises(ValueError, match="mixes measures"):
        interpretation.plot_deletion_curves(
            {"a": curve([1, 0]), "b": curve([1, 0], measure="accuracy")}
        )
    with pytest.raises(ValueError, match="DeletionCurve"):
        interpretation.plot_deletion_curves({"a": [1, 0]})


def test_randomization_draws_one_line_per_method_over_the_layers():
    layers = ("dense", "conv2", "conv1")
    results = {
        name: interpretation.RandomizationResult(name, layers, values, values[:, None])
        for name, values in [
            ("saliency", np.array([0.8, 0.6, 0.5])),
            ("Grad-CAM", np.array([0.5, 0.2, 0.0])),
        ]
    }
    fig = interpretation.plot_randomization(results)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines if not line.get_label().startswith("_")] == [
        "saliency",
        "Grad-CAM",
    ]
    assert [label.get_text() for label in ax.get_xticklabels()] == list(layers)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.5, 0.2, 0.0])
    assert len(interpretation.plot_randomization(results["saliency"]).axes) == 1


def test_randomization_rejects_results_of_different_models():
    first = interpretation.RandomizationResult("a", ("x",), np.ones(1), np.ones((1, 1)))
    second = interpretation.RandomizationResult("b", ("y",), np.ones(1), np.ones((1, 1)))
    with pytest.raises(ValueError, match="different layers"):
        interpretation.plot_randomization({"a": first, "b": second})
    with pytest.raises(ValueError, match="RandomizationResult"):
        interpretation.plot_randomization([first])

"""course_utils.segmentation.figures: coloured masks, scenes with their errors, IoU per class."""

import numpy as np
import pytest

from course_utils import segmentation


def test_colorize_masks_uses_one_colour_per_class():
    masks = np.arange(11).reshape(1, 11)
    colours = segmentation.colorize_masks(masks)
    assert colours.shape == (1, 11, 3)
    np.testing.assert_array_equal(colours[0], segmentation.CLASS_COLORS)
    assert len({tuple(c) for c in segmentation.CLASS_COLORS}) == 11
    with pytest.raises(ValueError, match=r"at most 11"):
        segmentation.colorize_masks(masks, num_classes=12)


def test_plot_scenes_shows_masks_errors_and_a_legend(random_masks):
    y_true, y_pred = random_masks(5, (3, 10, 12), 11)
    images = np.random.default_rng(0).random((3, 10, 12, 1))
    fig = segmentation.plot_scenes(images, y_true, y_pred, title="Scenes")
    assert len(fig.axes) == 4 * 3
    rows = [fig.axes[row * 3].get_ylabel() for row in range(4)]
    assert rows == ["image", "true mask", "predicted", "errors"]
    scores = segmentation.scene_iou(y_true, y_pred)
    assert [fig.axes[6 + k].get_title() for k in range(3)] == [f"IoU {s:.2f}" for s in scores]
    np.testing.assert_allclose(
        fig.axes[3].images[0].get_array(), segmentation.colorize_masks(y_true[0])
    )
    errors = np.asarray(fig.axes[9].images[0].get_array())
    red = np.all(errors == segmentation.ERROR_COLOR, axis=-1)
    np.testing.assert_array_equal(red, y_true[0] != y_pred[0])
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels == list(segmentation.CLASS_NAMES) + ["error"]


def test_plot_scenes_without_predictions(random_masks):
    y_true, _ = random_masks(6, (2, 8, 8), 11)
    fig = segmentation.plot_scenes(np.zeros((2, 8, 8)), y_true)
    assert len(fig.axes) == 2 * 2
    assert "error" not in [text.get_text() for text in fig.legends[0].get_texts()]


@pytest.mark.parametrize(
    "images, masks, match",
    [
        (
            np.zeros((2, 8, 8)),
            np.zeros((2, 8, 9), np.uint8),
            r"received \(2, 8, 8\) and \(2, 8, 9\)",
        ),
        (np.zeros((13, 8, 8)), np.zeros((13, 8, 8), np.uint8), r"1 <= n <= 12"),
        (np.zeros((8, 8)), np.zeros((8, 8), np.uint8), r"images\[:6\], masks\[:6\]"),
        (np.zeros((2, 8, 8)), np.zeros((2, 8, 8)), r"integer class ids"),
    ],
)
def test_plot_scenes_rejects_bad_input(images, masks, match):
    with pytest.raises(ValueError, match=match):
        segmentation.plot_scenes(images, masks)


def test_plot_class_iou_draws_one_bar_per_class_and_the_mean():
    values = np.linspace(0.4, 0.95, 11)
    values[3] = np.nan
    fig = segmentation.plot_class_iou(values, title="IoU per class")
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.nan_to_num(values))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(segmentation.CLASS_NAMES)
    (mean_line,) = ax.get_lines()
    assert mean_line.get_ydata()[0] == pytest.approx(np.nanmean(values))
    assert mean_line.get_linestyle() == "--"
    (entry,) = ax.get_legend().get_texts()  # the dashed mean, not a bar of one class's colour
    assert entry.get_text() == f"mean IoU {np.nanmean(values):.3f}"
    labels = [t.get_text() for t in ax.texts]  # bar labels, three decimals
    assert labels[0] == f"{values[0]:.3f}" and labels[3] == "nan"


def test_plot_class_iou_compares_models():
    fig = segmentation.plot_class_iou({"U-Net": np.full(11, 0.9), "no skips": np.full(11, 0.5)})
    assert len(fig.axes[0].patches) == 22
    with pytest.raises(
        ValueError, match=r"one IoU per class, shape \(11,\); received shape \(10,\)"
    ):
        segmentation.plot_class_iou(np.ones(10))


def test_plot_scenes_compares_models_row_by_row(random_masks):
    y_true, first = random_masks(7, (3, 10, 12), 11)
    _, second = random_masks(8, (3, 10, 12), 11)
    second = np.where(np.random.default_rng(1).random(second.shape) < 0.5, 0, second)
    images = np.zeros((3, 10, 12))
    fig = segmentation.plot_scenes(images, y_true, {"U-Net": first, "plain": second})
    assert len(fig.axes) == 4 * 3
    rows = [fig.axes[row * 3].get_ylabel() for row in range(4)]
    assert rows == ["image", "true mask", "U-Net", "plain"]
    for row, model_masks in ((2, first), (3, second)):
        scores = segmentation.scene_iou(y_true, model_masks)
        titles = [fig.axes[row * 3 + k].get_title() for k in range(3)]
        assert titles == [f"IoU {s:.2f}" for s in scores]
        np.testing.assert_allclose(
            fig.axes[row * 3 + 2].images[0].get_array(),
            segmentation.CLASS_COLORS[model_masks[2]],
        )
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels == list(segmentation.CLASS_NAMES)  # no error colour without error rows


@pytest.mark.parametrize(
    "predicted, match",
    [
        ({}, r"1 to 4 models.*received 0 entries"),
        ({str(k): np.zeros((2, 8, 8), np.uint8) for k in range(5)}, r"received 5 entries"),
        ({"a": np.zeros((2, 8, 9), np.uint8)}, r"same shape"),
    ],
)
def test_plot_scenes_rejects_a_bad_comparison(predicted, match):
    with pytest.raises(ValueError, match=match):
        segmentation.plot_scenes(np.zeros((2, 8, 8)), np.zeros((2, 8, 8), np.uint8), predicted)

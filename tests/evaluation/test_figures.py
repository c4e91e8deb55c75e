"""course_utils.evaluation.figures: coverage bars and the generators side by side."""

import numpy as np
import pytest
import scipy.stats

from course_utils import evaluation


def test_plot_coverage_draws_one_bar_per_digit_and_set():
    histogram = np.bincount([1, 1, 2, 9], minlength=10) / 4
    uniform = np.full(10, 0.1)
    fig = evaluation.plot_coverage({"GAN": histogram, "real": uniform})
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, np.concatenate([histogram, uniform]))
    labels = {text.get_text() for text in ax.get_legend().get_texts()}
    assert labels == {
        f"GAN (entropy {scipy.stats.entropy(histogram):.3f})",
        "real (entropy 2.303)",
        "uniform",
    }
    with pytest.raises(ValueError, match="same length"):
        evaluation.plot_coverage({"a": np.ones(10), "b": np.ones(9)})
    with pytest.raises(ValueError, match="non-empty dict"):
        evaluation.plot_coverage({})


def test_plot_generators_tiles_samples_and_draws_coverage():
    ones = np.ones((5, 28, 28, 1))
    zeros = np.zeros((9, 28, 28))
    fig = evaluation.plot_generators(
        {"A": ones, "B": zeros}, coverage={"A": np.eye(10)[3], "B": np.full(10, 0.1)}, count=4
    )
    assert [ax.get_title() for ax in fig.axes] == ["A", "B", "predicted digit of each sample"]
    grid = fig.axes[0].get_images()[0].get_array()
    assert grid.shape == (2 * 29 + 1, 2 * 29 + 1)  # 4 images, 2x2, 1-pixel borders
    assert grid[1:29, 1:29].min() == 1.0 and grid[0, :].max() == 0.5
    heights = [patch.get_height() for patch in fig.axes[2].patches]
    np.testing.assert_allclose(heights[:10], np.eye(10)[3])
    np.testing.assert_allclose(heights[10:], 0.1)
    assert len(evaluation.plot_generators({"A": ones}).axes) == 1


@pytest.mark.parametrize(
    "samples, coverage, match",
    [
        ({}, None, "non-empty dict"),
        ({"A": np.full((2, 28, 28), 255.0)}, None, r"\[0, 1\]"),
        ({"A": np.zeros((28, 28))}, None, r"samples\['A'\]` must have shape"),
        ({"A": np.zeros((2, 28, 28))}, {"A": np.ones(10), "B": np.ones(3)}, "same length"),
    ],
)
def test_plot_generators_rejects_bad_input(samples, coverage, match):
    with pytest.raises(ValueError, match=match):
        evaluation.plot_generators(samples, coverage=coverage)

"""course_utils.softmax.figures: loss curves, weight templates and predictions."""

import numpy as np
import pytest
import scipy.special

from course_utils import softmax

RNG = np.random.default_rng(0)


def test_plot_weight_templates_draws_each_column():
    kernel = RNG.normal(size=(784, 10))
    fig = softmax.plot_weight_templates(kernel, class_names=list("abcdefghij"))
    assert len(fig.axes) == 11
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), kernel[:, 3].reshape(28, 28))
    assert fig.axes[3].get_title() == "W for d"
    limit = np.percentile(np.abs(kernel), 99)  # the colour scale ends at the 99th percentile
    assert fig.axes[3].images[0].get_clim() == pytest.approx((-limit, limit))
    assert abs((np.abs(kernel) > limit).sum() - 0.01 * kernel.size) <= 1


@pytest.mark.parametrize(
    "kernel, kwargs, match",
    [
        (np.zeros((10, 784)), {}, r"\(784, num_classes\)"),
        (np.zeros((784, 10)), {"class_names": ["a"]}, "one name per class"),
        (np.zeros((784, 10)), {"image_shape": (28, 28, 1)}, "2 positive integers"),
    ],
)
def test_plot_weight_templates_rejects_bad_input(kernel, kwargs, match):
    with pytest.raises(ValueError, match=match):
        softmax.plot_weight_templates(kernel, **kwargs)


def test_plot_predictions_draws_bars_of_the_probabilities():
    probs = scipy.special.softmax(RNG.normal(0, 2, size=(3, 10)), axis=-1)
    labels = probs.argmax(axis=1)
    labels[1] = (labels[1] + 1) % 10  # one mistake
    fig = softmax.plot_predictions(np.zeros((3, 28, 28, 1)), probs, labels)
    assert len(fig.axes) == 6
    heights = [patch.get_height() for patch in fig.axes[3].patches]
    np.testing.assert_allclose(heights, probs[1])
    assert (
        fig.axes[2].get_title(loc="left")
        == f"predicted {probs[1].argmax()}: wrong (true {labels[1]})"
    )
    assert fig.axes[0].get_title(loc="left").endswith(": right")


@pytest.mark.parametrize(
    "images, probs, labels, match",
    [
        (np.zeros((28, 28)), np.full((1, 10), 0.1), None, "non-empty batch"),
        (np.zeros((2, 28, 28)), np.full((3, 10), 0.1), None, r"\(2, num_classes\)"),
        (np.zeros((2, 28, 28)), np.full((2, 10), 0.1), np.array([1.0, 2.0]), "integer"),
    ],
)
def test_plot_predictions_rejects_bad_input(images, probs, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax.plot_predictions(images, probs, labels)


def test_plot_learning_rates_draws_every_step_its_running_mean_and_validation():
    curves = {0.01: list(np.linspace(2.3, 1.0, 100)), 0.5: list(np.linspace(2.3, 0.3, 100))}
    fig = softmax.plot_learning_rates(curves, validation={0.5: [0.8, 0.4]}, title="SGD")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 5  # two runs of every step and their means, one validation line
    np.testing.assert_allclose(lines[0].get_ydata(), curves[0.01])
    np.testing.assert_allclose(lines[0].get_xdata(), np.arange(1, 101))
    assert lines[1].get_label() == "learning rate 0.01"
    means = lines[1].get_ydata()  # over the last 2 steps (2% of 100), from the first step on
    np.testing.assert_allclose(
        means[:3], [curves[0.01][0], *np.convolve(curves[0.01], [0.5, 0.5])[1:3]]
    )
    assert lines[4].get_label() == "learning rate 0.5: validation"
    np.testing.assert_allclose(lines[4].get_xdata(), [50, 100])  # the ends of the two epochs
    np.testing.assert_allclose(lines[4].get_ydata(), [0.8, 0.4])
    assert ax.get_yscale() == "linear" and ax.get_title() == "SGD"


def test_plot_learning_rates_uses_a_log_axis_for_a_wide_range():
    fig = softmax.plot_learning_rates({0.001: [2.3, 2.2], 50.0: [2.3, 150.0, 0.05]})
    assert fig.axes[0].get_yscale() == "log"


@pytest.mark.parametrize(
    "curves, validation, match",
    [
        ({}, None, r"non-empty dict \{learning_rate"),
        ([1.0, 2.0], None, "received list"),
        ({0.5: []}, None, r"`curves\[0.5\]` must be a non-empty list of finite losses"),
        ({0.5: [1.0, np.nan]}, None, "finite losses"),
        ({0.5: [[1.0, 2.0]]}, None, "finite losses"),
        ({0.5: [1.0, 2.0]}, {0.1: [1.0]}, "the learning rate 0.1, which `curves` does not"),
        ({0.5: [1.0, 2.0, 3.0]}, {0.5: [1.0, 2.0]}, "3 steps, which do not split evenly"),
        ({0.5: [1.0, 2.0]}, [1.0], "`validation` must be a dict"),
    ],
)
def test_plot_learning_rates_rejects_bad_input(curves, validation, match):
    with pytest.raises(ValueError, match=match):
        softmax.plot_learning_rates(curves, validation=validation)

"""course_utils.interpretation.faithfulness: deletion curves and their random baseline."""

import numpy as np
import pytest
import scipy.special

from course_utils import interpretation


def test_deletion_curve_starts_intact_and_ends_black(linear, bars):
    model, kernel, bias = linear
    images, labels = bars
    maps = interpretation.random_attributions(images.shape[:3], seed=0)
    curve = interpretation.deletion_curve(model, images, labels, maps, steps=4)
    np.testing.assert_allclose(curve.fractions, [0, 0.25, 0.5, 0.75, 1])
    intact = scipy.special.softmax(images.reshape(16, -1) @ kernel + bias, axis=1)
    black = scipy.special.softmax(bias)  # every pixel 0: only the bias is left
    assert curve.values[0] == pytest.approx(intact[np.arange(16), labels].mean(), abs=1e-6)
    assert curve.values[-1] == pytest.approx(black[labels].mean(), abs=1e-6)
    trapezoid = np.sum((curve.values[1:] + curve.values[:-1]) / 2) * 0.25
    assert curve.area == pytest.approx(trapezoid) and curve.measure == "probability"


def test_each_step_removes_the_most_attributed_pixels(cnn, bars):
    images, labels = bars[0][:3], bars[1][:3]
    maps = interpretation.saliency(cnn, images, labels)
    curve = interpretation.deletion_curve(cnn, images, labels, maps, steps=8, batch_size=5)
    removed = round(3 / 8 * 144)  # step 3 of 8
    by_hand = images.copy()
    for image, saliency_map in zip(by_hand, maps):
        top = np.argsort(-saliency_map.ravel(), kind="stable")[:removed]
        image.reshape(144, 1)[top] = 0.0
    probabilities = interpretation.class_probabilities(cnn, by_hand)
    assert curve.values[3] == pytest.approx(probabilities[np.arange(3), labels].mean(), abs=1e-6)


def test_exact_attributions_drop_faster_than_random_ones(linear, bars):
    """For a linear model x_j W[j, y] is pixel j's exact share of the true class's logit."""
    model, kernel, _ = linear
    images, labels = bars
    exact = images[..., 0] * kernel[:, labels].T.reshape(16, 12, 12)
    faithful = interpretation.deletion_curve(model, images, labels, exact)
    random = [
        interpretation.deletion_curve(
            model, images, labels, interpretation.random_attributions(exact.shape, seed)
        )
        for seed in range(3)
    ]
    backwards = interpretation.deletion_curve(model, images, labels, -exact)
    assert faithful.area < min(curve.area for curve in random) < backwards.area
    assert faithful.values[5] < np.mean([curve.values[5] for curve in random])


def test_accuracy_and_maps_with_channels(cnn, bars):
    images, labels = bars
    maps = interpretation.integrated_gradients(cnn, images, labels, steps=8)  # (n, h, w, 1)
    curve = interpretation.deletion_curve(cnn, images, labels, maps, steps=5, measure="accuracy")
    predictions = interpretation.class_probabilities(cnn, images).argmax(axis=1)
    assert curve.values[0] == pytest.approx(np.mean(predictions == labels))
    assert set(np.round(curve.values * 16, 6)) <= set(range(17))  # whole images right or wrong
    summed = interpretation.deletion_curve(
        cnn, images, labels, maps.sum(axis=-1), steps=5, measure="accuracy"
    )
    np.testing.assert_array_equal(curve.values, summed.values)


def test_random_attributions_repeat_with_their_seed():
    first = interpretation.random_attributions((2, 3, 4), seed=5)
    assert first.shape == (2, 3, 4) and first.dtype == np.float32
    np.testing.assert_array_equal(first, interpretation.random_attributions((2, 3, 4), seed=5))
    assert not np.array_equal(first, interpretation.random_attributions((2, 3, 4), seed=6))


def test_deletion_order_is_stable_for_ties():
    maps = np.array([[[0.0, 2.0, 2.0], [1.0, 2.0, 0.0]]])
    assert interpretation.deletion_order(maps).tolist() == [[1, 2, 4, 3, 0, 5]]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"attributions": np.zeros((16, 12))}, r"one map per image, shape \(16, 12, 12\)"),
        ({"measure": "loss"}, "`measure` must be one of 'probability', 'accuracy'"),
        ({"steps": 0}, "`steps` must be a positive integer"),
        ({"labels": np.zeros(3, dtype=int)}, "one such int per image"),
        ({"attributions": np.full((16, 12, 12), np.nan)}, "NaN or infinity"),
    ],
)
def test_bad_arguments_are_explained(linear, bars, kwargs, match):
    arguments = {"labels": bars[1], "attributions": np.zeros((16, 12, 12)), **kwargs}
    with pytest.raises(ValueError, match=match):
        interpretation.deletion_curve(linear[0], bars[0], **arguments)


def test_random_attributions_refuse_a_bad_shape():
    with pytest.raises(ValueError, match="tuple of positive integers"):
        interpretation.random_attributions((2, 0))

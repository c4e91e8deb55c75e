"""course_utils.interpretation.randomization: Spearman's correlation and the cascading test."""

import numpy as np
import pytest
import scipy.stats

from course_utils import interpretation


def test_rank_gives_ties_their_mean_rank():
    values = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0])
    np.testing.assert_array_equal(
        interpretation.rank(values), scipy.stats.rankdata(values, method="average") - 1
    )


def test_spearman_by_hand_and_against_scipy():
    # Ranks 0..4 against 1, 0, 3, 2, 4: d^2 sums to 4, so rho = 1 - 6 * 4 / (5 * (25 - 1)).
    assert interpretation.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    assert interpretation.spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, 6, (2, 8, 8))  # many ties
    expected = scipy.stats.spearmanr(first.ravel(), second.ravel()).statistic
    assert interpretation.spearman(first, second) == pytest.approx(expected, abs=1e-12)
    assert np.isnan(interpretation.spearman(np.zeros(5), np.arange(5)))  # constant: undefined


def test_spearman_refuses_arrays_of_different_sizes():
    with pytest.raises(ValueError, match="same number of values, at least 2; received 3 and 4"):
        interpretation.spearman([1, 2, 3], [1, 2, 3, 4])


def test_randomizing_every_layer_decorrelates_saliency(mlp, bars):
    images, labels = bars
    weights = [w.copy() for w in mlp.get_weights()]
    before = mlp.predict(images, verbose=0)
    result = interpretation.randomization_check(mlp, images, labels, interpretation.saliency)
    assert result.method == "saliency" and result.layers == ("output", "hidden")
    assert result.per_image.shape == (2, 16)
    np.testing.assert_allclose(result.correlations, np.nanmean(result.per_image, axis=1))
    assert abs(result.correlations[-1]) < 0.3  # a random model's gradients are unrelated
    assert result.pairs() == [
        ("output", pytest.approx(result.correlations[0])),
        ("hidden", pytest.approx(result.correlations[1])),
    ]
    # The trained model is untouched.
    for kept, now in zip(weights, mlp.get_weights()):
        np.testing.assert_array_equal(kept, now)
    np.testing.assert_array_equal(before, mlp.predict(images, verbose=0))


def test_the_same_seed_gives_the_same_result_and_cnn_layers_go_top_down(cnn, bars):
    images, labels = bars[0][:4], bars[1][:4]
    first = interpretation.randomization_check(cnn, images, labels, interpretation.grad_cam, seed=2)
    again = interpretation.randomization_check(cnn, images, labels, interpretation.grad_cam, seed=2)
    assert first.layers == ("dense", "conv2", "conv1")
    np.testing.assert_array_equal(first.per_image, again.per_image)


def test_maps_that_ignore_the_model_are_caught(cnn, bars):
    """An 'explanation' that only shows the image stays the same when the model is randomized."""
    images, labels = bars[0][:4], bars[1][:4]

    def edges(model, images, class_index):
        return np.abs(np.diff(images[..., 0], axis=2, prepend=0.0))

    result = interpretation.randomization_check(cnn, images, labels, edges)
    np.testing.assert_allclose(result.correlations, 1.0)
    assert result.method == "edges"


def test_method_keyword_arguments_are_passed_on(cnn, bars):
    calls = []

    def method(model, images, class_index, scale):
        calls.append(scale)
        return interpretation.saliency(model, images, class_index) * scale

    interpretation.randomization_check(cnn, bars[0][:2], 0, method, method_kwargs={"scale": 2.0})
    assert calls == [2.0] * 4  # the trained model, then 3 layers


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "saliency"}, "`method` must be a function"),
        ({"method_kwargs": [1]}, "`method_kwargs` must be a dict"),
        ({"seed": -1}, "`seed` must be an integer of at least 0"),
    ],
)
def test_bad_arguments_are_explained(cnn, bars, kwargs, match):
    arguments = {"method": interpretation.saliency, **kwargs}
    with pytest.raises(ValueError, match=match):
        interpretation.randomization_check(cnn, bars[0][:2], 0, **arguments)

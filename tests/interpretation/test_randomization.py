"""course_utils.interpretation.randomization: Spearman's correlation and the cascading test."""

import numpy as np
import pytest
import scipy.stats

from course_utils import interpretation

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


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


def test_pixels_restricts_the_comparison_to_a_mask(cnn, bars):
    """Maps that share many zeros look alike; a mask compares them where they may differ."""
    images, labels = bars[0][:4], bars[1][:4]
    rng = np.random.default_rng(0)
    noise = {}

    def zeros_outside(model, images, class_index):
        # 0 outside the first half of every row, random inside: the zeros tie in every model.
        key = id(model)
        noise.setdefault(key, rng.random(images.shape[:3]))
        maps = noise[key].copy()
        maps[:, :, images.shape[2] // 2 :] = 0.0
        return maps

    half = np.zeros(images.shape[:3], dtype=bool)
    half[:, :, : images.shape[2] // 2] = True
    whole = interpretation.randomization_check(cnn, images, labels, zeros_outside)
    masked = interpretation.randomization_check(cnn, images, labels, zeros_outside, pixels=half)
    trained = noise[id(cnn)]
    last = list(noise.values())[-1]
    expected = np.mean(
        [interpretation.spearman(a[m], b[m]) for a, b, m in zip(trained, last, half)]
    )
    assert masked.correlations[-1] == pytest.approx(expected)
    assert whole.correlations[-1] > masked.correlations[-1] + 0.3  # the tied zeros inflate it
    with pytest.raises(ValueError, match="`pixels` must be a boolean array of shape"):
        interpretation.randomization_check(cnn, images, labels, zeros_outside, pixels=half[:2])

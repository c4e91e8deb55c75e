"""course_utils.interpretation.attributions: saliency, SmoothGrad and integrated gradients."""

import numpy as np
import pytest

from course_utils import config, interpretation

from .conftest import build_linear

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


def test_saliency_of_a_linear_model_is_the_class_column_of_w(linear, bars):
    model, kernel, _ = linear
    maps = interpretation.saliency(model, bars[0][:4], class_index=2)
    assert maps.shape == (4, 12, 12) and maps.dtype == np.float32
    for saliency_map in maps:
        np.testing.assert_allclose(saliency_map, np.abs(kernel[:, 2]).reshape(12, 12), atol=1e-6)


def test_saliency_takes_one_class_per_image_and_the_largest_channel():
    model, kernel, _ = build_linear((5, 4, 3), classes=4)
    images = np.random.default_rng(0).random((3, 5, 4, 3))
    maps = interpretation.saliency(model, images, class_index=[3, 0, 1], batch_size=2)
    for saliency_map, index in zip(maps, [3, 0, 1]):
        expected = np.abs(kernel[:, index]).reshape(5, 4, 3).max(axis=-1)
        np.testing.assert_allclose(saliency_map, expected, atol=1e-6)


def test_saliency_of_an_image_does_not_depend_on_its_batch(cnn, bars):
    images, labels = bars
    together = interpretation.saliency(cnn, images, labels)
    one_by_one = interpretation.saliency(cnn, images, labels, batch_size=1)
    np.testing.assert_allclose(together, one_by_one, rtol=1e-5, atol=1e-6)
    assert together.min() >= 0 and together.max() > 0


def test_saliency_matches_a_finite_difference_of_the_logit(bars):
    # A smooth network (softplus, average pooling): a ReLU network is piecewise linear, and
    # at its kinks (common on a black background) a finite difference measures neither side.
    import keras

    with config.seeded(3):
        model = keras.Sequential(
            [
                keras.Input((12, 12, 1)),
                keras.layers.Conv2D(4, 3, activation="softplus"),
                keras.layers.AveragePooling2D(2),
                keras.layers.Conv2D(5, 3, activation="tanh"),
                keras.layers.Flatten(),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
    images, labels = bars
    maps = interpretation.saliency(model, images[:4], labels[:4])
    for index in range(4):
        image, label = images[index : index + 1], int(labels[index])
        for flat in np.argsort(maps[index], axis=None)[::-1][:5]:  # the strongest pixels
            row, column = np.unravel_index(flat, maps[index].shape)
            step = np.zeros_like(image)
            step[0, row, column, 0] = 1e-2
            higher = interpretation.class_scores(model, image + step, label)[0]
            lower = interpretation.class_scores(model, image - step, label)[0]
            slope = abs(higher - lower) / 2e-2
            assert slope == pytest.approx(maps[index, row, column], rel=1e-2, abs=1e-4)


def test_smoothgrad_without_noise_is_saliency(cnn, bars):
    images, labels = bars
    np.testing.assert_allclose(
        interpretation.smoothgrad(cnn, images, labels, samples=3, noise=0.0),
        interpretation.saliency(cnn, images, labels),
        rtol=1e-5,
        atol=1e-7,
    )


def test_smoothgrad_of_a_linear_model_is_its_saliency_whatever_the_noise(linear, bars):
    model, _, _ = linear
    np.testing.assert_allclose(
        interpretation.smoothgrad(model, bars[0][:3], 1, samples=4, noise=0.5),
        interpretation.saliency(model, bars[0][:3], 1),
        atol=1e-6,
    )


def test_smoothgrad_is_repeatable_with_a_seed_and_averages_noisy_saliency(cnn, bars):
    images, labels = bars[0][:4], bars[1][:4]
    first = interpretation.smoothgrad(cnn, images, labels, samples=6, seed=3)
    np.testing.assert_allclose(
        first,
        interpretation.smoothgrad(cnn, images, labels, samples=6, seed=3, batch_size=4),
        rtol=1e-5,
        atol=1e-7,
    )
    assert not np.allclose(first, interpretation.smoothgrad(cnn, images, labels, samples=6, seed=4))
    # The same noise drawn by hand: the mean of the noisy copies' saliency maps.
    rng = np.random.default_rng(3)
    spread = 0.15 * (images.max(axis=(1, 2, 3)) - images.min(axis=(1, 2, 3)))
    noise = rng.standard_normal((6, *images.shape), dtype=np.float32)
    noisy = images[None] + spread.reshape(1, -1, 1, 1, 1) * noise
    by_hand = np.mean([interpretation.saliency(cnn, copy, labels) for copy in noisy], axis=0)
    np.testing.assert_allclose(first, by_hand, rtol=1e-4, atol=1e-6)


def test_integrated_gradients_of_a_linear_model_are_x_times_w(linear, bars):
    model, kernel, _ = linear
    images = bars[0][:3]
    attributions = interpretation.integrated_gradients(model, images, 0, steps=4)
    assert attributions.shape == (3, 12, 12, 1) and attributions.dtype == np.float32
    np.testing.assert_allclose(attributions, images * kernel[:, 0].reshape(12, 12, 1), atol=1e-6)
    grey = interpretation.integrated_gradients(model, images, 0, baseline=0.5, steps=4)
    np.testing.assert_allclose(grey, (images - 0.5) * kernel[:, 0].reshape(12, 12, 1), atol=1e-6)


def test_integrated_gradients_are_complete_on_a_small_cnn(cnn, bars):
    """Sundararajan et al.'s completeness: the attributions add up to score(x) - score(x')."""
    images, labels = bars
    gain = interpretation.class_scores(cnn, images, labels) - interpretation.class_scores(
        cnn, np.zeros_like(images), labels
    )

    def errors(steps):
        attributions = interpretation.integrated_gradients(cnn, images, labels, steps=steps)
        return np.abs(attributions.sum(axis=(1, 2, 3)) - gain)

    at_100, at_50, at_10 = errors(100), errors(50), errors(10)
    assert at_50.sum() / np.abs(gain).sum() < 0.01  # within 1% over the batch
    assert (at_100 / np.abs(gain)).max() < 0.05  # each image within 5%, the paper's own check
    assert at_100.sum() < at_50.sum() < at_10.sum() / 2  # the midpoint rule converges


def test_integrated_gradients_from_a_baseline_per_image(cnn, bars):
    images, labels = bars[0][:4], bars[1][:4]
    baselines = images[::-1].copy()
    attributions = interpretation.integrated_gradients(
        cnn, images, labels, baseline=baselines, steps=50, batch_size=30
    )
    gain = interpretation.class_scores(cnn, images, labels) - interpretation.class_scores(
        cnn, baselines, labels
    )
    np.testing.assert_allclose(attributions.sum(axis=(1, 2, 3)), gain, rtol=0.01, atol=0.01)
    np.testing.assert_allclose(
        interpretation.integrated_gradients(cnn, images, labels, baseline=images[0], steps=5)[0],
        0.0,
    )


@pytest.mark.parametrize(
    "function, kwargs, match",
    [
        (interpretation.smoothgrad, {"samples": 0}, "`samples` must be a positive integer"),
        (interpretation.smoothgrad, {"noise": -0.1}, "`noise` must be a non-negative number"),
        (interpretation.smoothgrad, {"seed": 1.5}, "`seed` must be an integer"),
        (interpretation.integrated_gradients, {"steps": 0}, "`steps` must be a positive integer"),
        (
            interpretation.integrated_gradients,
            {"baseline": np.zeros((12, 12))},
            r"`baseline` must be None \(black\), a number, one image of shape \(12, 12, 1\)",
        ),
        (interpretation.saliency, {"class_index": -1}, r"an int in \[0, 3\)"),
    ],
)
def test_bad_arguments_are_explained(linear, bars, function, kwargs, match):
    arguments = {"class_index": 0, **kwargs}
    with pytest.raises(ValueError, match=match):
        function(linear[0], bars[0][:2], **arguments)

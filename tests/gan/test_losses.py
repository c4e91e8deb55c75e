"""gan.losses: the two losses in NumPy, against Keras' binary cross-entropy."""

import keras
import numpy as np
import pytest

from course_utils import gan

# --- the losses, against Keras ---------------------------------------------------------------


def keras_bce(target, scores):
    scores = np.asarray(scores, dtype="float32").reshape(-1, 1)
    return float(keras.losses.BinaryCrossentropy()(np.full_like(scores, target), scores))


@pytest.mark.parametrize("seed, n_real, n_fake", [(0, 8, 8), (1, 3, 17), (2, 64, 1)])
def test_losses_equal_keras_binary_cross_entropy(seed, n_real, n_fake):
    rng = np.random.default_rng(seed)
    real, fake = rng.uniform(0, 1, n_real), rng.uniform(0, 1, (n_fake, 1))
    expected = keras_bce(1.0, real) + keras_bce(0.0, fake)
    assert gan.discriminator_loss(real, fake) == pytest.approx(expected, abs=1e-5)
    assert gan.generator_loss(fake) == pytest.approx(keras_bce(1.0, fake), abs=1e-5)
    smoothed = keras_bce(0.9, real) + keras_bce(0.0, fake)
    assert gan.discriminator_loss(real, fake, label_smoothing=0.1) == pytest.approx(
        smoothed, abs=1e-5
    )


def test_losses_at_the_edges_are_large_but_finite():
    assert gan.discriminator_loss([1.0], [0.0]) == pytest.approx(2e-7, abs=1e-9)
    assert gan.generator_loss([0.0]) == pytest.approx(-np.log(1e-7), rel=1e-9)
    assert gan.generator_loss([0.5]) == pytest.approx(np.log(2), rel=1e-12)


@pytest.mark.parametrize(
    "scores, match",
    [
        ([], "non-empty"),
        ([0.5, np.nan], "finite"),
        ([0.5, 1.5], r"probabilities in \[0, 1\].*sigmoid"),
        ([-2.0, 0.1], "from -2 to 0.1"),
        ("abc", "non-empty array"),
    ],
)
def test_losses_reject_things_that_are_not_probabilities(scores, match):
    with pytest.raises(ValueError, match=match):
        gan.generator_loss(scores)
    with pytest.raises(ValueError, match=match):
        gan.discriminator_loss([0.5], scores)


def test_label_smoothing_must_be_small():
    with pytest.raises(ValueError, match=r"\[0, 0.5\)"):
        gan.discriminator_loss([0.5], [0.5], label_smoothing=0.6)

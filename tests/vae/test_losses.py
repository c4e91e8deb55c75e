"""course_utils.vae.losses: the reparameterization trick and the two terms of the ELBO."""

import keras
import numpy as np
import pytest
import scipy.special
import scipy.stats

from course_utils import vae
from course_utils.vae import losses

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(4, 3), (1, 1), (5, 16), (7,)])
def test_reparameterize(shape):
    mean, log_var, epsilon = (
        RNG.normal(size=shape),
        RNG.uniform(-3, 2, shape),
        RNG.normal(size=shape),
    )
    got = vae.reparameterize(mean, log_var, epsilon)
    np.testing.assert_allclose(got, mean + np.sqrt(np.exp(log_var)) * epsilon, atol=1e-12)


def test_reparameterize_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"same shape.*\(2, 3\) and \(2, 4\)"):
        vae.reparameterize(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="`epsilon` must have the shape of `mean`"):
        vae.reparameterize(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 2)))


@pytest.mark.parametrize("batch, latent_dim", [(4, 3), (1, 1), (6, 16), (3, 50)])
def test_kl_divergence_matches_the_textbook_form_and_keras(batch, latent_dim):
    mean = RNG.normal(0, 2, (batch, latent_dim))
    log_var = RNG.uniform(-4, 3, (batch, latent_dim))
    got = vae.kl_divergence(mean, log_var)
    sigma = np.exp(log_var / 2)
    textbook = np.sum(-np.log(sigma) + (sigma**2 + mean**2) / 2 - 0.5, axis=1)
    assert got.shape == (batch,)
    np.testing.assert_allclose(got, textbook, rtol=1e-12)
    in_keras = keras.ops.convert_to_numpy(
        losses._kl_ops(mean.astype("float32"), log_var.astype("float32"))
    )
    np.testing.assert_allclose(got, in_keras, rtol=1e-5, atol=1e-5)


def test_kl_divergence_agrees_with_monte_carlo():
    mean, log_var = np.array([[0.7, -1.2, 0.1]]), np.array([[0.5, -1.0, 1.5]])
    sigma = np.exp(log_var / 2)
    z = mean + sigma * np.random.default_rng(1).standard_normal((400_000, 3))
    log_q = scipy.stats.norm.logpdf(z, loc=mean, scale=sigma).sum(axis=1)
    log_p = scipy.stats.norm.logpdf(z).sum(axis=1)
    assert vae.kl_divergence(mean, log_var)[0] == pytest.approx(np.mean(log_q - log_p), abs=0.01)
    assert vae.kl_divergence(np.zeros((2, 5)), np.zeros((2, 5))).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "mean, log_var, match",
    [
        (
            np.zeros((2, 3)),
            np.zeros((2, 4)),
            r"same shape \(batch, latent_dim\); received \(2, 3\)",
        ),
        (np.zeros(3), np.zeros(3), r"shape \(batch, latent_dim\).*mean\[None\]"),
        (np.zeros((2, 3)), np.full((2, 3), np.nan), "finite"),
    ],
)
def test_kl_divergence_rejects_bad_input(mean, log_var, match):
    with pytest.raises(ValueError, match=match):
        vae.kl_divergence(mean, log_var)


@pytest.mark.parametrize("shape", [(3, 28, 28, 1), (2, 5, 7, 3), (4, 10)])
def test_reconstruction_loss_matches_keras_and_the_formula(shape):
    images = (RNG.random(shape) > 0.6).astype(np.float64)
    logits = RNG.normal(0, 4, shape)
    got = vae.reconstruction_loss(images, logits)
    pixels = int(np.prod(shape[1:]))
    per_pixel = keras.losses.binary_crossentropy(
        images.reshape(shape[0], -1).astype("float32"),
        logits.reshape(shape[0], -1).astype("float32"),
        from_logits=True,
    )
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(per_pixel) * pixels, rtol=1e-5)
    p = scipy.special.expit(logits)
    by_hand = -(images * np.log(p) + (1 - images) * np.log(1 - p)).reshape(shape[0], -1).sum(1)
    np.testing.assert_allclose(got, by_hand, rtol=1e-10)
    ops_value = losses._reconstruction_ops(images.astype("float32"), logits.astype("float32"))
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(ops_value), rtol=1e-5)


def test_reconstruction_loss_stays_exact_for_saturated_logits():
    got = vae.reconstruction_loss(np.array([[0.0, 1.0]]), np.array([[40.0, -40.0]]))
    assert got[0] == pytest.approx(80.0, rel=1e-12)  # log(1 - sigmoid(40)) is about -40


@pytest.mark.parametrize(
    "images, logits, match",
    [
        (np.full((2, 4), 255.0), np.zeros((2, 4)), r"values in \[0, 1\].*received values from 255"),
        (np.zeros((2, 4)), np.zeros((2, 5)), "same shape"),
        (np.zeros(4), np.zeros(4), "batch first"),
        (np.zeros((2, 4)), np.full((2, 4), np.inf), "finite"),
    ],
)
def test_reconstruction_loss_rejects_bad_input(images, logits, match):
    with pytest.raises(ValueError, match=match):
        vae.reconstruction_loss(images, logits)

"""course_utils.vae.losses: the reparameterization trick and the two terms of the ELBO."""

import keras
import numpy as np
import pytest
import scipy.special
import scipy.stats

from course_utils import vae

RNG = np.random.default_rng(0)


def numpy(tensor):
    return np.asarray(keras.ops.convert_to_numpy(tensor))


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


@pytest.mark.every_backend
@pytest.mark.parametrize("batch, latent_dim", [(4, 3), (1, 1), (6, 16), (3, 50)])
def test_kl_divergence_matches_the_textbook_form(batch, latent_dim):
    mean = RNG.normal(0, 2, (batch, latent_dim))
    log_var = RNG.uniform(-4, 3, (batch, latent_dim))
    sigma = np.exp(log_var / 2)
    textbook = np.sum(-np.log(sigma) + (sigma**2 + mean**2) / 2 - 0.5, axis=1)
    for dtype in ("float32", "float64"):  # NumPy arrays of either precision
        got = numpy(vae.kl_divergence(mean.astype(dtype), log_var.astype(dtype)))
        assert got.shape == (batch,)
        np.testing.assert_allclose(got, textbook, rtol=1e-5, atol=1e-5)
    as_tensors = vae.kl_divergence(
        keras.ops.convert_to_tensor(mean, "float32"),
        keras.ops.convert_to_tensor(log_var, "float32"),
    )
    np.testing.assert_allclose(numpy(as_tensors), textbook, rtol=1e-5, atol=1e-5)


@pytest.mark.every_backend
def test_kl_divergence_agrees_with_monte_carlo_and_is_zero_for_the_prior():
    mean, log_var = np.array([[0.7, -1.2, 0.1]]), np.array([[0.5, -1.0, 1.5]])
    sigma = np.exp(log_var / 2)
    z = mean + sigma * np.random.default_rng(1).standard_normal((400_000, 3))
    log_q = scipy.stats.norm.logpdf(z, loc=mean, scale=sigma).sum(axis=1)
    log_p = scipy.stats.norm.logpdf(z).sum(axis=1)
    got = numpy(vae.kl_divergence(mean, log_var))[0]
    assert got == pytest.approx(np.mean(log_q - log_p), abs=0.01)
    prior = numpy(vae.kl_divergence(np.zeros((2, 5)), np.zeros((2, 5))))
    assert prior.tolist() == [0.0, 0.0] and not np.signbit(prior).any()  # 0, not -0


@pytest.mark.every_backend
@pytest.mark.parametrize("shape", [(3, 28, 28, 1), (2, 5, 7, 3), (4, 10)])
def test_reconstruction_loss_matches_keras_and_the_formula(shape):
    images = (RNG.random(shape) > 0.6).astype(np.float64)
    logits = RNG.normal(0, 4, shape)
    got = numpy(vae.reconstruction_loss(images.astype("float32"), logits.astype("float32")))
    assert got.shape == (shape[0],)
    pixels = int(np.prod(shape[1:]))
    per_pixel = keras.losses.binary_crossentropy(
        images.reshape(shape[0], -1).astype("float32"),
        logits.reshape(shape[0], -1).astype("float32"),
        from_logits=True,
    )
    np.testing.assert_allclose(got, numpy(per_pixel) * pixels, rtol=1e-5)
    p = scipy.special.expit(logits)
    by_hand = -(images * np.log(p) + (1 - images) * np.log(1 - p)).reshape(shape[0], -1).sum(1)
    np.testing.assert_allclose(got, by_hand, rtol=1e-5)
    # float64 logits and integer images work too (compute_loss passes the batch as it is)
    mixed = vae.reconstruction_loss(images.astype("uint8"), logits)
    np.testing.assert_allclose(numpy(mixed), by_hand, rtol=1e-5)


@pytest.mark.every_backend
def test_reconstruction_loss_stays_exact_for_saturated_logits():
    got = numpy(vae.reconstruction_loss(np.array([[0.0, 1.0]]), np.array([[40.0, -40.0]])))
    assert got[0] == pytest.approx(80.0, rel=1e-6)  # log(1 - sigmoid(40)) is about -40
    coin_flips = numpy(vae.reconstruction_loss(np.zeros((1, 28, 28, 1)), np.zeros((1, 28, 28, 1))))
    assert coin_flips[0] == pytest.approx(784 * np.log(2), rel=1e-6)

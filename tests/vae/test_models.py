"""course_utils.vae.models: the encoder, the decoder, the autoencoder and the VAE model."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import backend, config, vae

RNG = np.random.default_rng(0)


def dense_params(inputs, units):
    return (inputs + 1) * units


def conv_params(kernel, inputs, filters):
    return (kernel * kernel * inputs + 1) * filters


@pytest.mark.parametrize("latent_dim", [1, 2, 16])
def test_encoder_and_decoder_shapes_and_parameters(latent_dim):
    encoder, decoder = vae.build_encoder(latent_dim), vae.build_decoder(latent_dim)
    convolutions = conv_params(3, 1, 32) + conv_params(3, 32, 64)
    assert encoder.count_params() == convolutions + 2 * dense_params(7 * 7 * 64, latent_dim)
    expected_decoder = (
        dense_params(latent_dim, 7 * 7 * 32)
        + conv_params(3, 32, 64)
        + conv_params(3, 64, 32)
        + conv_params(3, 32, 1)
    )
    assert decoder.count_params() == expected_decoder
    images = RNG.random((3, 28, 28, 1)).astype("float32")
    mean, log_var = (keras.ops.convert_to_numpy(t) for t in encoder(images))
    assert mean.shape == log_var.shape == (3, latent_dim)
    probabilities = keras.ops.convert_to_numpy(decoder(mean))
    assert probabilities.shape == (3, 28, 28, 1)
    assert probabilities.min() > 0 and probabilities.max() < 1


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, None, "16"])
def test_latent_dim_must_be_a_positive_integer(bad):
    for build in (vae.build_vae, vae.build_autoencoder):
        with pytest.raises(ValueError, match=r"`latent_dim` must be a positive integer.*16"):
            build(bad)


@pytest.mark.parametrize("bad", [0, -1e-3, float("inf"), "fast", None])
def test_build_vae_rejects_a_bad_learning_rate(bad):
    with pytest.raises(ValueError, match="`learning_rate` must be a positive number"):
        vae.build_vae(2, learning_rate=bad)


def test_decoder_and_autoencoder_reject_bad_image_shapes():
    with pytest.raises(ValueError, match=r"divisible by 4; got \(30, 30, 1\)"):
        vae.build_decoder(2, output_shape=(30, 30, 1))
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        vae.build_autoencoder(2, input_shape=(28, 28))


@pytest.mark.parametrize("latent_dim, shape", [(3, (32, 20, 3)), (1, (12, 8, 2))])
def test_builders_take_other_image_shapes(latent_dim, shape):
    encoder, decoder = vae.build_encoder(latent_dim, shape), vae.build_decoder(latent_dim, shape)
    images = RNG.random((2, *shape)).astype("float32")
    mean, log_var = encoder(images)
    assert tuple(mean.shape) == tuple(log_var.shape) == (2, latent_dim)
    assert tuple(decoder(mean).shape) == (2, *shape)
    model = vae.VAE(encoder, decoder, seed=0)
    assert model.latent_dim == latent_dim
    assert tuple(model(images)["logits"].shape) == (2, *shape)


@pytest.mark.every_backend
def test_vae_loss_is_the_negative_elbo_computed_with_numpy():
    model = vae.build_vae(4, seed=1)
    images = vae.binarize(RNG.random((6, 28, 28, 1)))
    seen = model(images)
    assert sorted(seen) == ["log_var", "logits", "mean", "z"]
    loss = float(keras.ops.convert_to_numpy(model.compute_loss(images, None, seen)))
    seen = {k: keras.ops.convert_to_numpy(v).astype(np.float64) for k, v in seen.items()}
    mean, log_var, logits = seen["mean"], seen["log_var"], seen["logits"]
    p = scipy.special.expit(logits)
    reconstruction = -(images * np.log(p) + (1 - images) * np.log(1 - p)).reshape(6, -1).sum(1)
    kl = np.sum(-log_var / 2 + (np.exp(log_var) + mean**2) / 2 - 0.5, axis=1)
    assert loss == pytest.approx(np.mean(reconstruction + kl), rel=1e-5)
    metrics = {m.name: float(m.result()) for m in model.metrics}
    assert metrics["reconstruction"] == pytest.approx(reconstruction.mean(), rel=1e-5)
    assert metrics["kl"] == pytest.approx(kl.mean(), rel=1e-5)
    decoded = keras.ops.convert_to_numpy(model.decoder(seen["z"].astype("float32")))
    np.testing.assert_allclose(decoded, scipy.special.expit(logits), rtol=1e-5, atol=1e-6)
    standardized = (seen["z"] - mean) / np.exp(log_var / 2)
    assert 0.5 < standardized.std() < 1.5  # z is drawn around the mean, not the mean itself
    on_its_own = keras.ops.convert_to_numpy(model.compute_loss(images))  # runs the model itself
    assert 500 < float(on_its_own) < 600  # untrained: about 784 coin flips, 543 nats


@pytest.mark.every_backend
def test_vae_fit_learns_and_reports_nats(tiny_images):
    images, _ = tiny_images
    config.set_seed(0)
    model = vae.build_vae(8, seed=0)
    before = vae.evaluate_elbo(model, images, draws=2)
    history = model.fit(images, epochs=4, batch_size=16, verbose=0)
    logs = history.history
    assert sorted(logs) == ["kl", "loss", "reconstruction"]
    for epoch in range(4):
        assert logs["loss"][epoch] == pytest.approx(
            logs["reconstruction"][epoch] + logs["kl"][epoch], rel=1e-4
        )
    assert 500 < logs["loss"][0]  # an untrained decoder: about 784 * log 2 = 543 nats
    assert logs["loss"][-1] < 0.8 * logs["loss"][0]
    after = vae.evaluate_elbo(model, images, draws=2)
    assert before < -500 and after > before + 100
    evaluated = model.evaluate(images, verbose=0, return_dict=True)
    # The same bound with other noise: one draw per image here, two there (and, on JAX, a
    # noise stream that differs by several nats on 64 images).
    tolerance = 15.0 if backend.name() == "jax" else 5.0
    assert -evaluated["loss"] == pytest.approx(after, abs=tolerance)


def test_autoencoder_reconstructs_without_noise():
    autoencoder = vae.build_autoencoder(2)
    encoder, decoder = autoencoder.get_layer("encoder"), autoencoder.get_layer("decoder")
    images = vae.binarize(RNG.random((3, 28, 28, 1)))
    direct = keras.ops.convert_to_numpy(autoencoder(images))
    np.testing.assert_allclose(direct, vae.decode(decoder, vae.encode(encoder, images)), atol=1e-6)
    assert len(encoder.outputs) == 1 and autoencoder.loss == "binary_crossentropy"


def test_a_vae_of_the_builders_is_the_one_build_vae_gives():
    """Notebook 07 builds VAE(build_encoder(2), build_decoder(2)) itself: the same model."""
    config.set_seed(0)
    built = vae.build_vae(2, seed=0)
    config.set_seed(0)
    by_hand = vae.VAE(vae.build_encoder(2), vae.build_decoder(2), seed=0)
    for a, b in zip(built.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    images = vae.binarize(RNG.random((3, 28, 28, 1)))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(built(images)["z"]),
        keras.ops.convert_to_numpy(by_hand(images)["z"]),
    )

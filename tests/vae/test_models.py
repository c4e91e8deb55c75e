"""course_utils.vae.models: the encoder, the decoder, the autoencoder and the VAE model."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import config, vae

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
    for build in (vae.build_encoder, vae.build_decoder, vae.build_vae, vae.build_autoencoder):
        with pytest.raises(ValueError, match=r"`latent_dim` must be a positive integer.*16"):
            build(bad)


@pytest.mark.parametrize("bad", [0, -1e-3, float("inf"), "fast", None])
def test_build_vae_rejects_a_bad_learning_rate(bad):
    with pytest.raises(ValueError, match="`learning_rate` must be a positive number"):
        vae.build_vae(2, learning_rate=bad)


def test_decoder_and_encoder_reject_bad_image_shapes():
    with pytest.raises(ValueError, match="divisible by 4"):
        vae.build_decoder(2, output_shape=(30, 30, 1))
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        vae.build_encoder(2, input_shape=(28, 28))


def test_vae_rejects_parts_that_do_not_fit():
    with pytest.raises(ValueError, match="same latent_dim"):
        vae.VAE(vae.build_encoder(3), vae.build_decoder(2))
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(784, activation="sigmoid")])
    with pytest.raises(ValueError, match=r"separate sigmoid layer.*build_decoder"):
        vae.VAE(vae.build_encoder(2), plain)
    with pytest.raises(ValueError, match="two outputs"):
        vae.VAE(vae.build_decoder(2), vae.build_decoder(2))


def test_vae_loss_is_the_negative_elbo_computed_with_numpy():
    model = vae.build_vae(4, seed=1)
    images = vae.binarize(RNG.random((6, 28, 28, 1)))
    seen = model(images)
    loss = float(keras.ops.convert_to_numpy(model.compute_loss(images, None, seen)))
    seen = {k: keras.ops.convert_to_numpy(v).astype(np.float64) for k, v in seen.items()}
    reconstruction = vae.reconstruction_loss(images, seen["logits"])
    kl = vae.kl_divergence(seen["mean"], seen["log_var"])
    assert loss == pytest.approx(np.mean(reconstruction + kl), rel=1e-5)
    metrics = {m.name: float(m.result()) for m in model.metrics}
    assert metrics["reconstruction"] == pytest.approx(reconstruction.mean(), rel=1e-5)
    assert metrics["kl"] == pytest.approx(kl.mean(), rel=1e-5)
    np.testing.assert_allclose(
        seen["reconstruction"], scipy.special.expit(seen["logits"]), rtol=1e-5
    )
    standardized = (seen["z"] - seen["mean"]) / np.exp(seen["log_var"] / 2)
    assert 0.5 < standardized.std() < 1.5  # z is drawn around the mean, not the mean itself


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
    assert -evaluated["loss"] == pytest.approx(after, abs=5.0)  # same bound, other noise


def test_vae_fit_and_evaluate_reject_unscaled_images():
    model = vae.build_vae(2)
    raw = np.full((4, 28, 28, 1), 255.0, dtype="float32")
    with pytest.raises(ValueError, match=r"\[0, 1\].*load_binarized_mnist"):
        model.fit(raw, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(raw / 255, epochs=1, verbose=0, validation_data=(raw,))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.evaluate(raw, verbose=0)


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_vae_round_trips_through_a_keras_file(tmp_path):
    model = vae.build_vae(3, seed=4)
    images = vae.binarize(RNG.random((2, 28, 28, 1)))
    model(images)
    model.save(tmp_path / "vae.keras")
    loaded = keras.models.load_model(tmp_path / "vae.keras")
    assert isinstance(loaded, vae.VAE) and loaded.latent_dim == 3
    np.testing.assert_allclose(vae.encode(loaded, images), vae.encode(model, images), atol=1e-6)


def test_autoencoder_reconstructs_without_noise():
    autoencoder = vae.build_autoencoder(2)
    encoder, decoder = autoencoder.get_layer("encoder"), autoencoder.get_layer("decoder")
    images = vae.binarize(RNG.random((3, 28, 28, 1)))
    direct = keras.ops.convert_to_numpy(autoencoder(images))
    np.testing.assert_allclose(direct, vae.decode(decoder, vae.encode(encoder, images)), atol=1e-6)
    assert len(encoder.outputs) == 1 and autoencoder.loss == "binary_crossentropy"

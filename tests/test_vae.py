"""course_utils.vae: the ELBO's terms, the sampling layer, the VAE model and its pictures."""

import json

import keras
import numpy as np
import pytest
import scipy.special
import scipy.stats

from course_utils import config, data, vae

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def tiny_images():
    """64 binarized MNIST training images (from whichever source is available)."""
    images, labels = vae.load_binarized_mnist("train", limit=64)
    return images, labels


# --- data ---------------------------------------------------------------------------------


def test_binarize_uint8_and_float_agree():
    pixels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    from_uint8 = vae.binarize(pixels)
    from_float = vae.binarize(pixels / 255.0)
    assert from_uint8.dtype == np.float32
    np.testing.assert_array_equal(from_uint8, from_float)
    assert from_uint8.sum() == 128  # 128 ... 255 are above mid-grey (127.5)
    np.testing.assert_array_equal(
        vae.binarize(np.array([0.2, 0.5, 0.51]), threshold=0.3), [0, 1, 1]
    )


@pytest.mark.parametrize(
    "images, threshold, match",
    [
        (np.array([0.0, 1.5]), 0.5, r"\[0, 1\].*binarize"),
        (np.array([-0.1, 0.5]), 0.5, r"values from -0.1"),
        (np.array([0.0, 1.0]), 1.0, "strictly between 0 and 1"),
        (np.array([0.0, 1.0]), "half", "threshold"),
        (np.array(["a"]), 0.5, "numeric"),
    ],
)
def test_binarize_rejects_bad_input(images, threshold, match):
    with pytest.raises(ValueError, match=match):
        vae.binarize(images, threshold=threshold)


def test_load_binarized_mnist_is_mnist_thresholded_at_half():
    images, labels = vae.load_binarized_mnist("test", limit=30)
    raw, raw_labels = data.load_mnist("test", limit=30)
    assert images.shape == (30, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(labels, raw_labels)
    np.testing.assert_array_equal(images[..., 0], (raw / 255.0 > 0.5).astype(np.float32))
    assert 0.05 < images.mean() < 0.3  # digits are thin strokes on black


# --- the terms of the ELBO ----------------------------------------------------------------


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
        vae._kl_ops(mean.astype("float32"), log_var.astype("float32"))
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
    ops_value = vae._reconstruction_ops(images.astype("float32"), logits.astype("float32"))
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


# --- layers and models --------------------------------------------------------------------


def test_sampling_draws_from_the_right_gaussian():
    mean = np.tile(np.array([[2.0, -1.0, 0.0]], dtype="float32"), (50_000, 1))
    log_var = np.tile(np.log(np.array([[0.25, 4.0, 1.0]], dtype="float32")), (50_000, 1))
    z = keras.ops.convert_to_numpy(vae.Sampling(seed=3)([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [2.0, -1.0, 0.0], atol=0.03)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0, 1.0], rtol=0.02)


def test_sampling_repeats_with_a_seed_and_draws_afresh_each_call():
    mean, log_var = np.zeros((2, 4), dtype="float32"), np.zeros((2, 4), dtype="float32")
    first, second = vae.Sampling(seed=5), vae.Sampling(seed=5)
    a, b = (keras.ops.convert_to_numpy(layer([mean, log_var])) for layer in (first, second))
    np.testing.assert_array_equal(a, b)
    again = keras.ops.convert_to_numpy(first([mean, log_var]))
    assert not np.allclose(a, again)


def test_sampling_rejects_mismatched_shapes_and_serializes():
    with pytest.raises(ValueError, match=r"same shape; received \(None, 3\) and \(None, 4\)"):
        vae.Sampling()([keras.Input((3,)), keras.Input((4,))])
    with pytest.raises(ValueError, match=r"called on \[mean, log_var\]"):
        vae.Sampling()(keras.Input((3,)))
    with pytest.raises(ValueError, match="seed"):
        vae.Sampling(seed="zero")
    assert keras.saving.get_registered_object("course_utils>Sampling") is vae.Sampling
    clone = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(vae.Sampling(seed=9))
    )
    assert isinstance(clone, vae.Sampling) and clone.seed == 9


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


# --- measuring ----------------------------------------------------------------------------


def test_evaluate_elbo_equals_a_hand_computation():
    model = vae.build_vae(3, seed=0)
    images = vae.binarize(RNG.random((5, 28, 28)))[..., None]
    got = vae.evaluate_elbo(model, images, draws=1, seed=11)
    mean, log_var = (
        keras.ops.convert_to_numpy(t).astype(np.float64) for t in model.encoder(images)
    )
    epsilon = np.random.default_rng(11).standard_normal(mean.shape)
    z = (mean + np.exp(log_var / 2) * epsilon).astype("float32")
    logits_model = keras.Model(model.decoder.input, model.decoder.get_layer("logits").output)
    logits = keras.ops.convert_to_numpy(logits_model(z)).astype(np.float64)
    p = scipy.special.expit(logits)
    log_likelihood = (images * np.log(p) + (1 - images) * np.log(1 - p)).reshape(5, -1).sum(1)
    kl = np.sum(-log_var / 2 + (np.exp(log_var) + mean**2) / 2 - 0.5, axis=1)
    assert got == pytest.approx(np.mean(log_likelihood - kl), rel=1e-5)
    assert got == pytest.approx(vae.evaluate_elbo(model, images[..., 0], draws=1, seed=11))


def test_evaluate_elbo_is_stable_across_noise_seeds(tiny_images):
    images, _ = tiny_images
    model = vae.build_vae(4, seed=0)
    model.fit(images, epochs=2, batch_size=16, verbose=0)
    values = [vae.evaluate_elbo(model, images, draws=4, seed=seed) for seed in range(3)]
    assert max(values) - min(values) < 0.01 * abs(np.mean(values))  # a few nats of ~500
    assert vae.evaluate_elbo(model, images, seed=0) == vae.evaluate_elbo(model, images, seed=0)


@pytest.mark.parametrize(
    "images, kwargs, match",
    [
        (np.full((2, 28, 28, 1), 255.0), {}, r"\[0, 1\].*binarize"),
        (np.zeros((2, 28, 28, 1), dtype=np.uint8) + 7, {}, r"\[0, 1\]"),
        (np.zeros((2, 14, 14, 1)), {}, r"shape \(n, 28, 28, 1\)"),
        (np.zeros((0, 28, 28, 1)), {}, "n >= 1"),
        (np.zeros((2, 28, 28, 1)), {"draws": 0}, "`draws` must be a positive integer"),
        (np.zeros((2, 28, 28, 1)), {"batch_size": -1}, "`batch_size`"),
    ],
)
def test_evaluate_elbo_rejects_bad_input(images, kwargs, match):
    model = vae.build_vae(2)
    with pytest.raises(ValueError, match=match):
        vae.evaluate_elbo(model, images, **kwargs)


def test_evaluate_elbo_needs_a_vae():
    with pytest.raises(ValueError, match=r"must be a VAE.*VAE\(encoder, decoder\)"):
        vae.evaluate_elbo(vae.build_encoder(2), np.zeros((1, 28, 28, 1)))


def test_sample_decode_and_interpolate():
    model = vae.build_vae(2, seed=0)
    samples = vae.sample_images(model, 5, seed=3)
    assert samples.shape == (5, 28, 28, 1) and 0 < samples.min() and samples.max() < 1
    np.testing.assert_array_equal(samples, vae.sample_images(model.decoder, 5, seed=3))
    z = np.random.default_rng(3).standard_normal((5, 2))
    np.testing.assert_allclose(samples, vae.decode(model, z), atol=1e-7)
    a, b = vae.binarize(RNG.random((2, 28, 28, 1)))
    path = vae.interpolate(model, a, b[..., 0], steps=4)
    ends = vae.decode(model, vae.encode(model, np.stack([a, b])))
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-6)
    with pytest.raises(ValueError, match="at least 2"):
        vae.interpolate(model, a, b, steps=1)
    with pytest.raises(ValueError, match=r"`image_a` must be one image.*images\[i\]"):
        vae.interpolate(model, np.zeros((2, 28, 28)), b)
    with pytest.raises(ValueError, match=r"shape \(n, 2\) for this decoder"):
        vae.decode(model, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="`count` must be a positive integer"):
        vae.sample_images(model, 0)


# --- pictures -----------------------------------------------------------------------------


def test_plot_elbo_history():
    fig = vae.plot_elbo_history(
        {"loss": [200, 150], "reconstruction": [190, 130], "kl": [10, 20], "val_kl": [11, 19]}
    )
    assert [ax.get_ylabel() for ax in fig.axes] == ["nats per image"] * 3
    kl_lines = fig.axes[2].get_lines()
    assert [list(line.get_ydata()) for line in kl_lines] == [[10, 20], [11, 19]]
    with pytest.raises(ValueError, match=r"'loss', 'reconstruction' and 'kl'.*\['loss'\]"):
        vae.plot_elbo_history({"loss": [1.0]})


def test_plot_latent_space_for_two_and_more_dimensions():
    images = vae.binarize(RNG.random((12, 28, 28, 1)))
    labels = np.arange(12) % 10
    fig = vae.plot_latent_space(vae.build_encoder(2), images, labels)
    assert fig.axes[0].get_xlabel() == "z1"
    fig = vae.plot_latent_space(vae.build_encoder(5), images, labels)
    assert fig.axes[0].get_xlabel() == "principal axis 1 of z"
    with pytest.raises(ValueError, match="one integer class per image"):
        vae.plot_latent_space(vae.build_encoder(2), images, labels[:3])


def test_plot_latent_space_shows_the_codes():
    encoder = vae.build_encoder(2)
    images = vae.binarize(RNG.random((6, 28, 28, 1)))
    fig = vae.plot_latent_space(encoder, images, np.arange(6))
    np.testing.assert_allclose(
        fig.axes[0].collections[0].get_offsets(), vae.encode(encoder, images), atol=1e-6
    )


def test_plot_manifold_covers_the_prior_quantiles():
    decoder = vae.build_decoder(2)
    fig = vae.plot_manifold(decoder, grid_size=4)
    picture = fig.axes[0].get_images()[0].get_array()
    assert picture.shape == (4 * 28, 4 * 28)
    quantiles = scipy.stats.norm.ppf([0.05, 0.35, 0.65, 0.95])
    top_left = vae.decode(decoder, np.array([[quantiles[0], quantiles[-1]]]))[0, :, :, 0]
    np.testing.assert_allclose(picture[:28, :28], top_left, atol=1e-6)
    with pytest.raises(ValueError, match="2-dimensional latent space; this decoder takes 3"):
        vae.plot_manifold(vae.build_decoder(3))
    with pytest.raises(ValueError, match="at least 2"):
        vae.plot_manifold(decoder, grid_size=1)


def test_plot_reconstructions_for_vae_and_autoencoder():
    images = vae.binarize(RNG.random((5, 28, 28, 1)))
    fig = vae.plot_reconstructions(vae.build_vae(2), images, count=3)
    assert len(fig.axes) == 6
    assert [ax.get_ylabel() for ax in fig.axes] == ["input", "", "", "rebuilt", "", ""]
    shown = np.stack([ax.get_images()[0].get_array() for ax in fig.axes[:3]])
    np.testing.assert_array_equal(shown, images[:3, ..., 0])
    fig = vae.plot_reconstructions(vae.build_autoencoder(2), images, count=2)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vae.plot_reconstructions(vae.build_vae(2), images * 255)


def test_plot_generators_tiles_samples_and_draws_coverage():
    ones = np.ones((5, 28, 28, 1))
    zeros = np.zeros((9, 28, 28))
    fig = vae.plot_generators(
        {"A": ones, "B": zeros}, coverage={"A": np.eye(10)[3], "B": np.full(10, 0.1)}, count=4
    )
    assert [ax.get_title() for ax in fig.axes] == ["A", "B", "predicted digit of each sample"]
    grid = fig.axes[0].get_images()[0].get_array()
    assert grid.shape == (2 * 29 + 1, 2 * 29 + 1)  # 4 images, 2x2, 1-pixel borders
    assert grid[1:29, 1:29].min() == 1.0 and grid[0, :].max() == 0.5
    heights = [patch.get_height() for patch in fig.axes[2].patches]
    np.testing.assert_allclose(heights[:10], np.eye(10)[3])
    np.testing.assert_allclose(heights[10:], 0.1)
    assert len(vae.plot_generators({"A": ones}).axes) == 1


@pytest.mark.parametrize(
    "samples, coverage, match",
    [
        ({}, None, "non-empty dict"),
        ({"A": np.full((2, 28, 28), 255.0)}, None, r"\[0, 1\]"),
        ({"A": np.zeros((28, 28))}, None, r"samples\['A'\]` must have shape"),
        ({"A": np.zeros((2, 28, 28))}, {"A": np.ones(10), "B": np.ones(3)}, "same length"),
    ],
)
def test_plot_generators_rejects_bad_input(samples, coverage, match):
    with pytest.raises(ValueError, match=match):
        vae.plot_generators(samples, coverage=coverage)


def test_comparison_table_formats_numbers_and_text():
    text = vae.comparison_table(
        {
            "score": [9.51234, np.float32(7.0)],
            "entropy": [-0.0, 2.302585],
            "bound": ["none", -84.1],
        },
        columns=["GAN", "VAE"],
    )
    lines = text.splitlines()
    assert lines[0].split() == ["GAN", "VAE"]
    assert lines[1].split() == ["score", "9.512", "7"]
    assert lines[2].split() == ["entropy", "0", "2.303"]  # no "-0"
    assert lines[3].split() == ["bound", "none", "-84.1"]
    with pytest.raises(ValueError, match=r"row 'score' has 1 values for 2 columns"):
        vae.comparison_table({"score": [1.0]}, ["GAN", "VAE"])
    with pytest.raises(ValueError, match="non-empty dict"):
        vae.comparison_table({}, ["GAN"])


# --- saving and loading -------------------------------------------------------------------


def test_save_then_load_gives_the_same_model(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    model = vae.build_vae(3, seed=0)
    encoder_path, decoder_path = vae.save_vae(model, test_elbo=-99.5, epochs=2)
    assert encoder_path.name == "vae_latent3_encoder.keras" and decoder_path.is_file()
    assert encoder_path.parent == config.build_dir() / "models"
    note = json.loads(decoder_path.with_suffix(".json").read_text())
    assert note["test_elbo"] == -99.5 and note["latent_dim"] == 3
    loaded, note = vae.load_or_train_vae(3)
    assert "loaded the VAE" in capsys.readouterr().out
    assert note["epochs"] == 2
    z = np.random.default_rng(0).standard_normal((4, 3))
    np.testing.assert_allclose(vae.decode(loaded, z), vae.decode(model, z), atol=1e-6)
    with pytest.raises(ValueError, match="must be a number"):
        vae.save_vae(model, test_elbo="good")


def test_fast_profile_models_do_not_replace_full_ones(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    full = vae.vae_paths(16)
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    fast = vae.vae_paths(16)
    assert [p.name for p in full] == ["vae_latent16_encoder.keras", "vae_latent16_decoder.keras"]
    assert [p.name for p in fast] == [
        "vae_latent16_encoder.fast.keras",
        "vae_latent16_decoder.fast.keras",
    ]
    with pytest.raises(ValueError, match="latent_dim"):
        vae.vae_paths(0)


def test_load_or_train_trains_a_quick_one_and_says_so(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")  # measures on 500 test images
    model, note = vae.load_or_train_vae(2, epochs=1, train_limit=64)
    out = capsys.readouterr().out
    assert "No trained VAE" in out and "training a quick one" in out
    assert note["train_images"] == 64 and note["train_seconds"] > 0
    assert -600 < note["test_elbo"] < -100
    assert all(path.is_file() for path in vae.vae_paths(2))
    assert isinstance(model, vae.VAE) and model.latent_dim == 2

"""course_utils.gan: the two networks, their losses, training with fit(), samples."""

import json

import keras
import numpy as np
import pytest

from course_utils import config, gan

# --- the two networks ------------------------------------------------------------------------


@pytest.mark.parametrize("latent_dim", [1, 8, 64])
def test_generator_maps_noise_to_images_in_tanh_range(latent_dim):
    config.set_seed(0)
    generator = gan.build_generator(latent_dim)
    assert generator.input_shape == (None, latent_dim)
    assert generator.output_shape == (None, 28, 28, 1)
    noise = np.random.default_rng(0).normal(0, 30, size=(5, latent_dim)).astype("float32")
    images = generator.predict(noise, verbose=0)
    assert images.shape == (5, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    assert np.abs(images[0] - images[1]).max() > 1e-3  # another z, another image


def test_generator_layers_and_parameters():
    generator = gan.build_generator(64, filters=(128, 64, 32), batch_norm=True)
    kinds = [type(layer).__name__ for layer in generator.layers]
    assert kinds == [
        "Dense",
        "BatchNormalization",
        "LeakyReLU",
        "Reshape",
        "Conv2DTranspose",
        "BatchNormalization",
        "LeakyReLU",
        "Conv2DTranspose",
        "BatchNormalization",
        "LeakyReLU",
        "Conv2D",
    ]
    # Dense without bias, BN (4 numbers per channel), transposed convolutions 4x4.
    expected = (
        64 * 7 * 7 * 128
        + 4 * 7 * 7 * 128
        + 4 * 4 * 128 * 64
        + 4 * 64
        + 4 * 4 * 64 * 32
        + 4 * 32
        + 3 * 3 * 32 * 1
        + 1
    )
    assert generator.count_params() == expected
    plain = gan.build_generator(16, filters=(8, 4, 2), batch_norm=False)
    assert "BatchNormalization" not in [type(layer).__name__ for layer in plain.layers]
    assert plain.count_params() == (
        16 * 7 * 7 * 8 + 7 * 7 * 8 + 4 * 4 * 8 * 4 + 4 + 4 * 4 * 4 * 2 + 2 + 3 * 3 * 2 + 1
    )


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5, True, "64", None])
def test_generator_rejects_a_bad_latent_dim(latent_dim):
    with pytest.raises(ValueError, match=r"`latent_dim` must be a positive integer.*latent_dim=64"):
        gan.build_generator(latent_dim)


def test_generator_rejects_bad_filters():
    with pytest.raises(ValueError, match=r"3 positive integers.*\(128, 64, 32\)"):
        gan.build_generator(8, filters=(128, 64))
    with pytest.raises(ValueError, match=r"3 positive integers.*\(64, 128, 128\)"):
        gan.build_discriminator(filters=(64, 0, 128))


def test_discriminator_gives_one_probability_per_image():
    config.set_seed(0)
    discriminator = gan.build_discriminator()
    assert discriminator.input_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    images = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    scores = discriminator.predict(images * 50, verbose=0)
    assert scores.shape == (6, 1) and scores.min() >= 0 and scores.max() <= 1
    assert discriminator.layers[-1].get_config()["activation"] == "sigmoid"
    convolutions = [
        layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [tuple(c.output.shape[1:]) for c in convolutions] == [
        (14, 14, 64),
        (7, 7, 128),
        (7, 7, 128),
    ]
    expected = (16 * 64 + 64) + (16 * 64 * 128 + 128) + (9 * 128 * 128 + 128) + (7 * 7 * 128 + 1)
    assert discriminator.count_params() == expected


@pytest.mark.parametrize("input_shape", [(28, 28), (30, 30, 1), (28, 28, 0), "mnist"])
def test_discriminator_rejects_a_bad_input_shape(input_shape):
    with pytest.raises(ValueError, match=r"divisible by 4.*\(28, 28, 1\)"):
        gan.build_discriminator(input_shape)


@pytest.mark.parametrize("dropout", [-0.1, 1.0, "0.3", True])
def test_discriminator_rejects_a_bad_dropout(dropout):
    with pytest.raises(ValueError, match=r"fraction in \[0, 1\)"):
        gan.build_discriminator(dropout=dropout)


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


# --- training with fit() -----------------------------------------------------------------------


def zero_generator(latent_dim=4):
    """A generator whose weights are all zero: it draws the image 0 for every z."""
    generator = gan.build_generator(latent_dim, filters=(4, 4, 4), batch_norm=False)
    generator.set_weights([np.zeros_like(w) for w in generator.get_weights()])
    return generator


def real_batch(n=16, seed=0):
    return np.random.default_rng(seed).uniform(-1, 0.9, (n, 28, 28, 1)).astype("float32")


def test_train_step_reports_the_documented_losses():
    """With frozen weights (learning rate 0) and a generator that always draws 0,
    the logged losses equal discriminator_loss and generator_loss computed by hand."""
    config.set_seed(0)
    generator = zero_generator()
    discriminator = gan.build_discriminator(filters=(4, 8, 8), dropout=0.0)
    model = gan.GAN(generator, discriminator)
    model.compile(keras.optimizers.Adam(0.0), keras.optimizers.Adam(0.0), label_smoothing=0.1)
    real = real_batch()
    history = model.fit(real, batch_size=16, epochs=2, verbose=0)
    real_scores = discriminator.predict(real, verbose=0)
    fake_scores = discriminator.predict(np.zeros_like(real), verbose=0)
    d_loss = gan.discriminator_loss(real_scores, fake_scores, label_smoothing=0.1)
    g_loss = gan.generator_loss(fake_scores)
    np.testing.assert_allclose(history.history["d_loss"], [d_loss] * 2, atol=1e-5)
    np.testing.assert_allclose(history.history["g_loss"], [g_loss] * 2, atol=1e-5)
    np.testing.assert_allclose(history.history["D(x)"], [real_scores.mean()] * 2, atol=1e-6)
    np.testing.assert_allclose(history.history["D(G(z))"], [fake_scores.mean()] * 2, atol=1e-6)


def test_one_step_moves_both_networks_and_the_moving_average():
    config.set_seed(0)
    generator = gan.build_generator(8, filters=(8, 4, 4))
    discriminator = gan.build_discriminator(filters=(4, 8, 8))
    model = gan.GAN(generator, discriminator, ema_decay=0.999)
    model.compile()
    before_g = [w.copy() for w in generator.get_weights()]
    before_d = [w.copy() for w in discriminator.get_weights()]
    np.testing.assert_array_equal(model.ema_generator.get_weights()[0], before_g[0])
    model.fit(real_batch(), batch_size=16, epochs=1, verbose=0)
    after_g = generator.get_weights()
    assert not np.allclose(after_g[0], before_g[0])
    assert not np.allclose(discriminator.get_weights()[0], before_d[0])
    # After step 1 the average's decay is min(0.999, (1 + 1) / (10 + 1)) = 2/11.
    decay = 2 / 11
    for ema, old, new in zip(model.ema_generator.get_weights(), before_g, after_g):
        np.testing.assert_allclose(ema, decay * old + (1 - decay) * new, atol=1e-6)


def test_training_teaches_the_generator_something():
    """On a data set of one dark grey image, 150 steps bring the samples close to it."""
    config.set_seed(0)
    target = np.full((512, 28, 28, 1), -0.5, dtype="float32")
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 8, 8)), gan.build_discriminator(filters=(4, 8, 8))
    )
    model.compile(keras.optimizers.Adam(2e-3, 0.5), keras.optimizers.Adam(2e-3, 0.5))
    before = gan.generate(model.generator, count=32) * 2 - 1
    model.fit(target, batch_size=32, epochs=150 // 16, verbose=0, shuffle=False)
    after = gan.generate(model.ema_generator, count=32) * 2 - 1
    assert np.abs(before + 0.5).mean() > 0.3
    assert np.abs(after + 0.5).mean() < 0.5 * np.abs(before + 0.5).mean()


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((4, 28, 28), "float32") - 1, r"shape \(n, 28, 28, 1\).*to_tanh_range"),
        (np.zeros((4, 32, 32, 1), "float32") - 1, r"received shape \(4, 32, 32, 1\)"),
        (np.full((4, 28, 28, 1), 255.0, "float32"), r"\[-1, 1\].*from 255 to 255"),
        (np.random.default_rng(0).random((4, 28, 28, 1)), r"\[-1, 1\].*to_tanh_range"),
    ],
)
def test_fit_rejects_images_the_discriminator_cannot_take(images, match):
    model = gan.GAN(gan.build_generator(4), gan.build_discriminator())
    model.compile()
    with pytest.raises(ValueError, match=match):
        model.fit(images, epochs=1, verbose=0)


def test_gan_needs_the_tensorflow_backend(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(
        RuntimeError, match=r"needs the TensorFlow backend.*KERAS_BACKEND=tensorflow"
    ):
        gan.GAN(gan.build_generator(4), gan.build_discriminator())


def test_gan_rejects_models_that_do_not_fit_together():
    with pytest.raises(ValueError, match=r"makes images of shape \(28, 28, 1\).*\(32, 32, 1\)"):
        gan.GAN(gan.build_generator(4), gan.build_discriminator((32, 32, 1)))
    with pytest.raises(ValueError, match="build_generator"):
        gan.GAN("generator", gan.build_discriminator())
    with pytest.raises(ValueError, match=r"`ema_decay` must be in \[0, 1\)"):
        gan.GAN(gan.build_generator(4), gan.build_discriminator(), ema_decay=1.0)


# --- samples, grids and interpolation ---------------------------------------------------------


def test_sample_grid_keeps_fixed_noise_samples_after_each_epoch():
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 8, 8))
    )
    model.compile()
    grid = gan.SampleGrid(count=5, seed=3)
    model.fit(real_batch(32), batch_size=16, epochs=2, verbose=0, callbacks=[grid])
    assert grid.epochs == [0, 1, 2]
    assert [g.shape for g in grid.grids] == [(5, 28, 28, 1)] * 3
    assert not np.allclose(grid.grids[0], grid.grids[2])
    np.testing.assert_allclose(
        grid.grids[-1], gan.generate(model.ema_generator, noise=grid.noise), atol=1e-5
    )
    model.fit(real_batch(32), batch_size=16, epochs=1, verbose=0, callbacks=[grid])
    assert grid.epochs == [0, 1, 2, 3]
    fig = gan.plot_sample_evolution(grid.grids, grid.epochs)
    assert len(fig.axes) == 4 * 5
    assert fig.axes[0].get_ylabel() == "start" and fig.axes[15].get_ylabel() == "epoch 3"


def test_sample_grid_can_take_grids_at_chosen_steps():
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 8, 8))
    )
    model.compile()
    grid = gan.SampleGrid(count=3, seed=1, steps=(1, 3, 5))
    model.fit(real_batch(32), batch_size=8, epochs=2, verbose=0, callbacks=[grid])  # 8 steps
    assert grid.labels == ["start", "step 1", "step 3", "step 5", "end, step 8"]
    np.testing.assert_allclose(
        grid.grids[-1], gan.generate(model.ema_generator, noise=grid.noise), atol=1e-5
    )
    fig = gan.plot_sample_evolution(grid.grids, labels=grid.labels)
    assert [fig.axes[3 * row].get_ylabel() for row in range(5)] == grid.labels
    exact = gan.SampleGrid(count=2, steps=(2, 4))
    model.fit(real_batch(32), batch_size=8, epochs=1, verbose=0, callbacks=[exact])
    assert exact.labels == ["start", "step 2", "step 4"]  # the last step already has its grid
    for steps in [(5, 3), (), (0, 2)]:
        with pytest.raises(ValueError, match="steps"):
            gan.SampleGrid(steps=steps)


def test_plot_sample_evolution_rejects_mismatched_grids():
    with pytest.raises(ValueError, match="non-empty list"):
        gan.plot_sample_evolution([])
    with pytest.raises(ValueError, match="of one shape"):
        gan.plot_sample_evolution([np.zeros((3, 28, 28, 1)), np.zeros((4, 28, 28, 1))])
    with pytest.raises(ValueError, match="2 entries for 1 grids"):
        gan.plot_sample_evolution([np.zeros((3, 28, 28, 1))], epochs=[0, 1])
    with pytest.raises(ValueError, match="`labels` has 2 entries"):
        gan.plot_sample_evolution([np.zeros((3, 28, 28, 1))], labels=["start", "end"])


def test_generate_and_interpolate_agree():
    config.set_seed(0)
    generator = gan.build_generator(6, batch_norm=False)
    rng = np.random.default_rng(0)
    start, end = rng.normal(size=6), rng.normal(size=6)
    path = gan.interpolate(generator, start, end, steps=5)
    assert path.shape == (5, 28, 28, 1) and path.min() >= 0 and path.max() <= 1
    ends = gan.generate(generator, noise=np.stack([start, end]))
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-6)
    middle = gan.generate(generator, noise=((start + end) / 2)[None])
    np.testing.assert_allclose(path[2], middle[0], atol=1e-6)
    same = gan.generate(generator, count=4, seed=7), gan.generate(generator, count=4, seed=7)
    np.testing.assert_array_equal(*same)


def test_generate_and_interpolate_reject_bad_noise():
    generator = gan.build_generator(6)
    with pytest.raises(ValueError, match="either `count`"):
        gan.generate(generator)
    with pytest.raises(ValueError, match=r"shape \(n, 6\).*noise\[None\]"):
        gan.generate(generator, noise=np.zeros(6))
    with pytest.raises(ValueError, match=r"shape \(6,\)"):
        gan.interpolate(generator, np.zeros(5), np.zeros(6))
    with pytest.raises(ValueError, match="at least 2"):
        gan.interpolate(generator, np.zeros(6), np.zeros(6), steps=1)


def test_image_scaling_round_trip():
    pixels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    scaled = gan.to_tanh_range(pixels)
    assert scaled.shape == (1, 16, 16, 1) and scaled.dtype == np.float32
    assert scaled.min() == -1 and scaled.max() == 1
    np.testing.assert_allclose(gan.to_unit_range(scaled)[..., 0], pixels / 255, atol=1e-6)
    with pytest.raises(ValueError, match="uint8 with shape"):
        gan.to_tanh_range(pixels / 255)
    with pytest.raises(ValueError, match=r"\[-1, 1\].*from 0 to 255"):
        gan.to_unit_range(pixels.astype(float))


def test_save_generator_round_trip():
    generator = gan.build_generator(4, filters=(8, 4, 4))
    path = gan.save_generator(generator, train_seconds=12.5, epochs=np.int64(3))
    assert path == config.model_path("gan_generator") == gan.generator_path()
    loaded = keras.models.load_model(path)
    noise = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(
        loaded.predict(noise, verbose=0), generator.predict(noise, verbose=0), atol=1e-6
    )
    note = json.loads(path.with_suffix(".json").read_text())
    assert note["train_seconds"] == 12.5 and note["epochs"] == 3
    with pytest.raises(ValueError, match=r"end in \.keras"):
        gan.save_generator(generator, path="generator.h5")
    with pytest.raises(ValueError, match="must be a number"):
        gan.save_generator(generator, train_seconds="fast")


def test_fast_profile_generator_does_not_replace_the_full_one(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    full = gan.generator_path()
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    assert (full.name, gan.generator_path().name) == (
        "gan_generator.keras",
        "gan_generator.fast.keras",
    )


def test_load_generator_names_the_fix_when_there_is_none():
    with pytest.raises(FileNotFoundError, match="Run notebook 06"):
        gan.load_generator()


def test_load_or_train_generator_trains_a_quick_one_then_loads_it(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    generator, note = gan.load_or_train_generator(epochs=1, train_limit=64, batch_size=32)
    out = capsys.readouterr().out
    assert "No trained generator" in out and "training a quick GAN" in out
    assert note["train_images"] == 64 and note["epochs"] == 1 and note["train_seconds"] > 0
    assert note["profile"] == "fast" and gan.generator_path().is_file()
    assert generator.input_shape == (None, gan.LATENT_DIM)
    again, again_note = gan.load_or_train_generator()
    assert "loaded the GAN generator" in capsys.readouterr().out and again_note == note
    noise = np.random.default_rng(0).standard_normal((3, gan.LATENT_DIM))
    np.testing.assert_allclose(
        gan.generate(again, noise=noise), gan.generate(generator, noise=noise), atol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epochs": 0}, "epochs"),
        ({"train_limit": -5}, "train_limit"),
        ({"batch_size": 1.5}, "batch_size"),
    ],
)
def test_load_or_train_generator_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gan.load_or_train_generator(**kwargs)


def test_compile_defaults_are_the_course_recipe():
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    for optimizer in (model.generator_optimizer, model.discriminator_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(gan.LEARNING_RATE)
        assert float(optimizer.beta_1) == pytest.approx(0.5)


def test_game_curves_turns_running_means_into_window_means():
    rng = np.random.default_rng(3)
    per_epoch = [rng.normal(1.0, 0.3, size=(23, 4)), rng.normal(2.0, 0.3, size=(23, 4))]
    curves = gan.GameCurves(every=5)
    expected_steps, expected = [], []
    for epoch, values in enumerate(per_epoch):
        curves.on_epoch_begin(epoch)
        for batch in range(len(values)):
            running = values[: batch + 1].mean(axis=0)  # what Keras passes after each batch
            curves.on_train_batch_end(batch, dict(zip(gan.GameCurves.NAMES, running)))
        curves.on_epoch_end(epoch)
        for end in range(5, 24, 5):
            expected_steps.append(epoch * 23 + end)
            expected.append(values[end - 5 : end].mean(axis=0))
    assert curves.steps == expected_steps
    got = np.array([curves.curves[name] for name in gan.GameCurves.NAMES]).T
    np.testing.assert_allclose(got, np.array(expected), atol=1e-9)


def test_game_curves_follow_a_real_fit_and_plot():
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    real = gan.to_tanh_range(
        np.random.default_rng(0).integers(0, 256, (96, 28, 28), dtype=np.uint8)
    )
    curves = gan.GameCurves(every=2)
    history = model.fit(real, epochs=2, batch_size=16, callbacks=[curves], verbose=0)
    assert curves.steps == [2, 4, 6, 8, 10, 12]
    for name in gan.GameCurves.NAMES:  # the windows average to the epoch's mean
        windows = np.array(curves.curves[name]).reshape(2, 3).mean(axis=1)
        np.testing.assert_allclose(windows, history.history[name], rtol=1e-4)
    fig = gan.plot_game(curves)
    assert [ax.get_title() for ax in fig.axes] == ["the two losses", "what D thinks of each"]
    with pytest.raises(ValueError, match="no recorded windows"):
        gan.plot_game(gan.GameCurves(every=1000))
    with pytest.raises(ValueError, match="positive integer"):
        gan.GameCurves(every=0)


def test_game_curves_can_report_progress(capsys):
    config.set_seed(0)
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    curves = gan.GameCurves(every=2, report_every=4)
    model.fit(real_batch(48), epochs=2, batch_size=8, callbacks=[curves], verbose=0)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["step 4/12", "step 8/12", "step 12/12"]
    assert f"D(x) {curves.curves['D(x)'][-1]:.3f}" in lines[-1]
    with pytest.raises(ValueError, match="report_every"):
        gan.GameCurves(report_every=0)

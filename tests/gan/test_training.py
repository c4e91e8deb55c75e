"""gan.training: the GAN model trained with fit(), and keeping its generator."""

import json
import random

import keras
import numpy as np
import pytest

from course_utils import config, gan, saving

from .one_step import build_gan, values

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend

# --- training with fit() -----------------------------------------------------------------------


def zero_generator(latent_dim=4):
    """A generator whose weights are all zero: it draws the image 0 for every z."""
    generator = gan.build_generator(latent_dim, filters=(4, 4, 4))
    generator.set_weights([np.zeros_like(w) for w in generator.get_weights()])
    return generator


def test_train_step_reports_the_documented_losses(real_batch):
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


def test_one_step_moves_both_networks_and_the_moving_average(real_batch):
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


def test_fit_takes_the_same_steps_as_game_step_called_by_hand(real_batch):
    """Three steps of fit() (compiled: a tf.function, jax.jit) land where three plain
    calls of game_step from the same start land. On JAX this checks that train_step
    carries every piece of state from one step to the next: both optimizers' moments
    and step counts, the moving average, the batch-norm statistics and the noise seed."""

    def make():
        config.set_seed(0)
        return build_gan()

    start, fitted, by_hand = make(), make(), make()
    real = real_batch(48)
    fitted.fit(real, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for first in range(0, len(real), 16):
        by_hand.game_step(keras.ops.convert_to_tensor(real[first : first + 16]))
    assert len(fitted.variables) == len(by_hand.variables) == len(start.variables)
    moved = 0
    for variable, before, after_fit, after_hand in zip(
        start.variables, values(start), values(fitted), values(by_hand)
    ):
        np.testing.assert_allclose(
            after_fit, after_hand, rtol=1e-4, atol=1e-5, err_msg=variable.path
        )
        moved += not np.allclose(after_hand, before)
    assert moved > 10  # the weights, the moments and the average all moved


def test_training_teaches_the_generator_something():
    """On a data set of one dark grey image, about 300 steps bring the samples close to it."""
    config.set_seed(0)
    target = np.full((512, 28, 28, 1), -0.5, dtype="float32")
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 8, 8)), gan.build_discriminator(filters=(4, 8, 8))
    )
    model.compile(keras.optimizers.Adam(2e-3, 0.5), keras.optimizers.Adam(2e-3, 0.5))
    before = gan.generate(model.generator, count=32) * 2 - 1
    model.fit(target, batch_size=32, epochs=300 // 16, verbose=0, shuffle=False)
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


def test_gan_needs_a_backend_with_gradients(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "numpy")
    with pytest.raises(
        RuntimeError, match=r"needs the TensorFlow, JAX, PyTorch backend.*KERAS_BACKEND="
    ):
        gan.GAN(gan.build_generator(4), gan.build_discriminator())


def test_gan_rejects_models_that_do_not_fit_together():
    with pytest.raises(ValueError, match=r"makes images of shape \(28, 28, 1\).*\(32, 32, 1\)"):
        gan.GAN(gan.build_generator(4), gan.build_discriminator((32, 32, 1)))
    with pytest.raises(ValueError, match="build_generator"):
        gan.GAN("generator", gan.build_discriminator())
    with pytest.raises(ValueError, match=r"`ema_decay` must be a number in \[0, 1\)"):
        gan.GAN(gan.build_generator(4), gan.build_discriminator(), ema_decay=1.0)


def test_compile_defaults_are_the_course_recipe():
    model = gan.GAN(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    for optimizer in (model.generator_optimizer, model.discriminator_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(gan.LEARNING_RATE)
        assert float(optimizer.beta_1) == pytest.approx(0.5)


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
        f"gan_generator.{keras.backend.backend()}.keras",
        f"gan_generator.fast.{keras.backend.backend()}.keras",
    )


def test_load_generator_names_the_fix_when_there_is_none():
    with pytest.raises(FileNotFoundError, match="Run notebook 06"):
        gan.load_generator()


def test_load_or_train_generator_trains_a_quick_one_then_loads_it(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    generator, note = gan.load_or_train_generator(epochs=1, train_limit=64, batch_size=32)
    out = capsys.readouterr().out
    assert "No trained GAN generator" in out and "training a quick one now" in out
    assert "1 epoch(s) on 64 MNIST images; run notebook 06 for the real one" in out
    assert "quick GAN: trained in" in out
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


def test_load_or_train_generator_leaves_the_callers_random_state_alone(capsys, monkeypatch):
    """The quick training runs with the seeds set to 0, then gives back the caller's state."""
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    random.seed(123)
    np.random.seed(123)
    python_before, numpy_before = random.getstate(), np.random.get_state()
    generator, note = gan.load_or_train_generator(epochs=1, train_limit=32)
    assert "No trained GAN generator" in capsys.readouterr().out
    assert random.getstate() == python_before
    numpy_after = np.random.get_state()
    assert numpy_after[0] == numpy_before[0] and numpy_after[2:] == numpy_before[2:]
    np.testing.assert_array_equal(numpy_after[1], numpy_before[1])
    # The saved file is found again, by the loaders and by the next call.
    assert gan.generator_path().is_file() and gan.generator_path().with_suffix(".json").is_file()
    loaded, loaded_note = gan.load_generator()
    assert loaded_note == note and note["train_images"] == 32
    _, saved_note = saving.load("gan_generator")
    assert saved_note == note
    again, again_note = gan.load_or_train_generator(epochs=1, train_limit=32)
    out = capsys.readouterr().out
    assert "loaded the GAN generator" in out and "No trained" not in out
    assert again_note == note
    noise = np.random.default_rng(1).standard_normal((2, gan.LATENT_DIM))
    np.testing.assert_allclose(
        gan.generate(again, noise=noise), gan.generate(generator, noise=noise), atol=1e-6
    )


def test_load_or_train_generator_replaces_an_unreadable_file(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    path = gan.generator_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a keras file")
    with pytest.raises(ValueError, match="unreadable"):
        gan.load_generator()
    generator, note = gan.load_or_train_generator(epochs=1, train_limit=32)
    out = capsys.readouterr().out
    assert (
        f"gan_generator.fast.{keras.backend.backend()}.keras is unreadable" in out
        and "training a quick one" in out
    )
    assert note["train_images"] == 32
    loaded, _ = gan.load_generator()
    assert loaded.output_shape == (None, 28, 28, 1)


def test_save_generator_to_a_chosen_path(tmp_path):
    generator = gan.build_generator(4, filters=(8, 4, 4))
    path = gan.save_generator(generator, path=tmp_path / "mine.keras", epochs=2)
    assert path == tmp_path / "mine.keras" and not gan.generator_path().exists()
    loaded, note = gan.load_generator(path)
    assert note["epochs"] == 2 and loaded.count_params() == generator.count_params()
    with pytest.raises(FileNotFoundError, match="Run notebook 06"):
        gan.load_generator(tmp_path / "missing.keras")


@pytest.mark.parametrize("folder", ["build", "elsewhere"])
def test_save_generator_says_where_the_file_went(folder, tmp_path, monkeypatch, capsys):
    """From the build folder down, whatever the folder COURSE_BUILD_DIR names, and no
    machine path; a file of the caller's outside it by its name."""
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / folder))
    generator = gan.build_generator(4, filters=(8, 4, 4))
    path = gan.save_generator(generator, epochs=1)
    assert path.parent == tmp_path / folder / "models" and path.is_file()
    assert capsys.readouterr().out == (
        f"saved the generator as models/{path.name} in the build folder\n"
    )
    gan.save_generator(generator, path=tmp_path / "mine.keras")
    assert capsys.readouterr().out == "saved the generator as mine.keras\n"


def test_a_model_without_game_step_says_what_to_write(real_batch):
    model = gan.AdversarialModel(
        gan.build_generator(4, filters=(8, 4, 4)), gan.build_discriminator(filters=(4, 4, 4))
    )
    model.compile()
    with pytest.raises(NotImplementedError, match=r"must define game_step\(self, real\)"):
        model.fit(real_batch(), batch_size=16, epochs=1, verbose=0)


def test_cross_entropy_is_the_numpy_losses_in_keras_ops():
    scores = np.array([[1e-5], [0.2], [0.5], [0.97]], dtype="float32")
    np.testing.assert_allclose(
        float(gan.cross_entropy(1.0, scores)), gan.generator_loss(scores), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(gan.cross_entropy(0.9, scores) + gan.cross_entropy(0.0, scores[::-1])),
        gan.discriminator_loss(scores, scores[::-1], label_smoothing=0.1),
        rtol=1e-5,
    )


@pytest.mark.parametrize("logit", [-3.0, -20.0, -50.0])
def test_the_generator_loss_keeps_its_gradient_when_d_rejects_the_fakes(logit):
    # -ln sigmoid(z) has the derivative -(1 - sigmoid(z)): about -1 for a fake D rejects.
    from course_utils import backend

    z = keras.Variable([[logit], [logit + 1.0]])
    loss, (grad,) = backend.value_and_gradients(
        lambda: gan.cross_entropy(1.0, keras.activations.sigmoid(z)), [z]
    )
    expected = -(1.0 - 1.0 / (1.0 + np.exp(-np.array([[logit], [logit + 1.0]])))) / 2
    np.testing.assert_allclose(backend.to_numpy(grad), expected, rtol=1e-4)
    np.testing.assert_allclose(float(loss), np.mean(np.log1p(np.exp(-z.numpy()))), rtol=1e-4)

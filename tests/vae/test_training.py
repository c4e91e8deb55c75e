"""course_utils.vae.training: saving a VAE, loading it back, or training a quick one."""

import json
import random

import keras
import numpy as np
import pytest

from course_utils import config, saving, vae


def test_save_then_load_gives_the_same_model(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    model = vae.build_vae(3, seed=0)
    encoder_path, decoder_path = vae.save_vae(model, test_elbo=-99.5, epochs=2)
    assert encoder_path.name == f"vae_latent3_encoder{config.run_suffix()}.keras"
    assert decoder_path.is_file()
    assert encoder_path.parent == config.build_dir() / "models"
    note = json.loads(saving.note_path("vae_latent3").read_text())
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
    on = keras.backend.backend()
    assert [p.name for p in full] == [
        f"vae_latent16_encoder.{on}.keras",
        f"vae_latent16_decoder.{on}.keras",
    ]
    assert [p.name for p in fast] == [
        f"vae_latent16_encoder.fast.{on}.keras",
        f"vae_latent16_decoder.fast.{on}.keras",
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


def test_load_or_train_keeps_the_callers_random_state_and_is_found_again(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    random.seed(123)
    np.random.seed(456)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    model, note = vae.load_or_train_vae(2, epochs=1, train_limit=64)
    out = capsys.readouterr().out
    assert "No trained VAE" in out and "run notebook 07 for the real one" in out
    assert random.getstate() == python_state
    after = np.random.get_state()
    assert after[0] == numpy_state[0] and after[2:] == numpy_state[2:]
    np.testing.assert_array_equal(after[1], numpy_state[1])

    again, again_note = vae.load_or_train_vae(2, epochs=1, train_limit=64)
    out = capsys.readouterr().out
    assert "loaded the VAE" in out and "No trained VAE" not in out
    assert again_note == note and again_note["train_images"] == 64
    assert isinstance(again, vae.VAE) and again is not model and again.latent_dim == 2
    assert again.optimizer is not None  # compiled, ready for fit()
    z = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_allclose(vae.decode(again, z), vae.decode(model, z), atol=1e-6)

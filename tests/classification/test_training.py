"""course_utils.classification.training: comparing optimizers, and the saved seed CNN."""

import json
import random

import keras
import numpy as np
import pytest

from course_utils import backend, classification, config, data, saving


def test_a_fast_run_saves_beside_the_full_model(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert (
        classification.seed_cnn_path()
        == config.build_dir() / "models" / f"seed_cnn.{backend.name()}.keras"
    )
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    assert (
        classification.seed_cnn_path()
        == config.build_dir() / "models" / f"seed_cnn.fast.{backend.name()}.keras"
    )


def test_save_and_load_the_seed_cnn(capsys):
    model = classification.build_seed_cnn()
    rng = np.random.default_rng(1)
    model.fit(rng.random((8, 28, 28, 1)), rng.integers(0, 10, size=8), verbose=0)
    path = classification.save_seed_cnn(model, test_accuracy=np.float32(0.5), epochs=5)
    assert path == config.build_dir() / "models" / f"seed_cnn.{backend.name()}.keras"
    note = json.loads(path.with_suffix(".json").read_text())
    assert note["test_accuracy"] == 0.5 and note["epochs"] == 5 and note["profile"] == "full"
    loaded, loaded_note = classification.load_or_train_seed_cnn()
    assert loaded_note == note
    assert "loaded the seed CNN from" in capsys.readouterr().out
    images = rng.random((3, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(
        loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6
    )
    with pytest.raises(ValueError, match=r"end in \.keras"):
        classification.save_seed_cnn(model, path=path.with_suffix(".h5"))
    with pytest.raises(ValueError, match="must be a number"):
        classification.save_seed_cnn(model, note="good")


def test_load_or_train_trains_a_quick_model_when_none_is_saved(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    model, note = classification.load_or_train_seed_cnn(epochs=3, train_limit=256)
    out = capsys.readouterr().out
    assert "training a quick one now (3 epoch(s) on 256 images)" in out
    assert classification.seed_cnn_path().is_file()
    assert note["train_images"] == 256 and note["profile"] == "fast"
    assert note["test_accuracy"] > 0.5  # 24 steps of Adam; chance is 0.1
    test_images, test_labels = data.load_mnist("test", limit=500)
    accuracy = model.predict(data.normalize_images(test_images), verbose=0).argmax(1) == test_labels
    assert accuracy.mean() == pytest.approx(note["test_accuracy"], abs=1e-6)
    with pytest.raises(ValueError, match="`epochs` must be a positive integer"):
        classification.load_or_train_seed_cnn(path="elsewhere.keras", epochs=0)


def test_compare_training_sparse_and_one_hot_losses_agree():
    rng = np.random.default_rng(0)
    images = rng.random((96, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, size=96)
    runs = {
        "sparse": {"optimizer": "adam"},
        "one-hot": {"optimizer": keras.optimizers.Adam(), "loss": "categorical_crossentropy"},
        "sgd": {"optimizer": keras.optimizers.SGD(learning_rate=0.5)},
    }
    results = classification.compare_training(
        runs, images, labels, images[:32], labels[:32], epochs=2, batch_size=16
    )
    assert list(results) == list(runs)
    for run in results.values():
        assert len(run.batch_losses) == 12 and run.batch_size == 16
        # The recovered per-batch losses average to what Keras reports per epoch.
        epoch_means = run.batch_losses.reshape(2, 6).mean(axis=1)
        np.testing.assert_allclose(epoch_means, run.history["loss"], rtol=1e-4)
        assert 0 <= run.validation_accuracy <= 1 and run.seconds > 0
    sparse, one_hot = results["sparse"], results["one-hot"]
    np.testing.assert_allclose(sparse.batch_losses, one_hot.batch_losses, rtol=1e-3)
    assert sparse.batch_losses[0] == pytest.approx(one_hot.batch_losses[0], rel=1e-5)
    assert sparse.batch_losses[0] == pytest.approx(results["sgd"].batch_losses[0], rel=1e-5)
    assert not np.allclose(sparse.batch_losses[1:], results["sgd"].batch_losses[1:], rtol=1e-3)
    fig = classification.plot_comparison(results, smoothing=4)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 3


@pytest.mark.parametrize(
    "runs, images, labels, match",
    [
        ({}, np.zeros((4, 28, 28, 1), "float32"), np.zeros(4, int), "non-empty dict"),
        ({"a": {"lr": 1}}, np.zeros((4, 28, 28, 1), "float32"), np.zeros(4, int), "'optimizer'"),
        (
            {"a": {"optimizer": "adam"}},
            np.zeros((4, 28, 28), "uint8"),
            np.zeros(4, int),
            r"normalize_images\(images\)",
        ),
        (
            {"a": {"optimizer": "adam"}},
            np.zeros((4, 28, 28, 1), "float32"),
            np.zeros(4),
            r"astype\(int\)",
        ),
    ],
)
def test_compare_training_rejects_bad_input(runs, images, labels, match):
    with pytest.raises(ValueError, match=match):
        classification.compare_training(runs, images, labels, images, labels)


def _random_state():
    numpy_state = np.random.get_state()
    return random.getstate(), (numpy_state[0], numpy_state[1].tolist(), *numpy_state[2:])


def test_load_or_train_keeps_the_callers_random_state_and_loads_the_next_time(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    random.seed(123)
    np.random.seed(456)
    before = _random_state()
    model, note = classification.load_or_train_seed_cnn(epochs=1, train_limit=100)
    assert _random_state() == before  # the quick training ran in config.seeded(0)
    out = capsys.readouterr().out
    assert "training a quick one now (1 epoch(s) on 100 images)" in out
    assert "Run notebook 04 for the source document's 5-epoch model." in out
    assert note["train_images"] == 100 and note["epochs"] == 1
    again, again_note = classification.load_or_train_seed_cnn(epochs=1, train_limit=100)
    out = capsys.readouterr().out
    assert "loaded the seed CNN from" in out and "training" not in out
    assert again_note == note
    for ours, loaded in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, loaded)
    # Loading draws no NumPy random numbers (Keras seeds the layers it rebuilds from Python's).
    assert _random_state()[1] == before[1]


def test_load_or_train_at_a_path_of_ones_own(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    path = tmp_path / "elsewhere" / "mine.keras"
    model, note = classification.load_or_train_seed_cnn(path=path, epochs=1, train_limit=100)
    out = capsys.readouterr().out
    assert (
        f"No trained seed CNN at {saving.shown(path)}: training a quick one now (1 epoch(s)" in out
    )
    assert path.is_file() and json.loads(path.with_suffix(".json").read_text()) == note
    assert not classification.seed_cnn_path().exists()
    again, again_note = classification.load_or_train_seed_cnn(path=str(path))
    assert f"loaded the seed CNN from {saving.shown(path)}" in capsys.readouterr().out
    assert again_note == note
    np.testing.assert_array_equal(model.get_weights()[0], again.get_weights()[0])

import json
import random

import keras
import numpy as np
import pytest

from course_utils import config, saving


def _tiny(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])


def test_save_then_load_gives_the_same_weights_and_the_note():
    model = _tiny()
    path = saving.save("tiny", model, test_accuracy=0.5, epochs=np.int64(2))
    assert path == config.model_path("tiny") and path.is_file()
    loaded, note = saving.load("tiny")
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert note["test_accuracy"] == 0.5 and note["epochs"] == 2
    assert note["profile"] == config.profile().name
    assert not list(path.parent.glob(".*partial*")), "no temporary file is left behind"


def test_parts_are_saved_side_by_side():
    parts = {"encoder": _tiny(1), "decoder": _tiny(2)}
    files = saving.save("pair", parts, parts=("encoder", "decoder"), train_seconds=1.5)
    assert {p.name for p in files.values()} == {
        config.model_path("pair_encoder").name,
        config.model_path("pair_decoder").name,
    }
    loaded, note = saving.load("pair", parts=("encoder", "decoder"))
    np.testing.assert_array_equal(
        loaded["decoder"].get_weights()[0], parts["decoder"].get_weights()[0]
    )
    assert note["train_seconds"] == 1.5


def test_a_fact_that_is_not_a_number_saves_nothing():
    with pytest.raises(ValueError, match="must be a number"):
        saving.save("tiny", _tiny(), epochs="five")
    assert not config.model_path("tiny").exists()


def test_parts_must_match():
    with pytest.raises(ValueError, match=r"dict with the parts \['encoder', 'decoder'\]"):
        saving.save("pair", {"encoder": _tiny()}, parts=("encoder", "decoder"))


def test_missing_model_is_file_not_found():
    with pytest.raises(FileNotFoundError, match="No saved model at"):
        saving.load("nothing_here")


def test_truncated_model_is_reported_as_unreadable():
    path = saving.save("tiny", _tiny())
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match=r"saved model tiny.*keras is unreadable"):
        saving.load("tiny")


def _counting_train(calls):
    def train():
        calls.append(np.random.rand())
        return _tiny(), {"epochs": 1}

    return train


def test_load_or_train_trains_once_then_loads(capsys):
    calls = []
    model, note = saving.load_or_train("tiny", _counting_train(calls), "tiny model", plan="1 epoch")
    out = capsys.readouterr().out
    assert "No trained tiny model at" in out and "training a quick one now (1 epoch)." in out
    assert note["epochs"] == 1 and len(calls) == 1
    again, _ = saving.load_or_train("tiny", _counting_train(calls), "tiny model")
    assert len(calls) == 1
    assert "loaded the tiny model from" in capsys.readouterr().out
    np.testing.assert_array_equal(again.get_weights()[0], model.get_weights()[0])


def test_load_or_train_replaces_an_unreadable_model(capsys):
    path = saving.save("tiny", _tiny())
    path.write_bytes(b"not a zip file")
    calls = []
    saving.load_or_train("tiny", _counting_train(calls), "tiny model")
    out = capsys.readouterr().out
    assert "is unreadable" in out and "training a quick one now" in out
    assert len(calls) == 1
    saving.load("tiny")  # readable again


def test_load_or_train_is_seeded_and_leaves_the_callers_random_state_alone():
    calls = []
    np.random.seed(5)
    random.seed(5)
    numpy_before, python_before = np.random.get_state()[1].copy(), random.getstate()
    saving.load_or_train("first", _counting_train(calls), "tiny model", seed=3)
    assert (np.random.get_state()[1] == numpy_before).all()
    assert random.getstate() == python_before
    saving.load_or_train("second", _counting_train(calls), "tiny model", seed=3)
    assert calls[0] == calls[1]


def test_note_is_json_next_to_the_model():
    saving.save("tiny", _tiny(), epochs=3)
    note = json.loads(saving.note_path("tiny").read_text())
    assert note["epochs"] == 3 and "saved" in note
    assert saving.describe_note(note).startswith(f"profile {config.profile().name}, epochs 3")


def test_a_path_of_the_callers_goes_through_the_same_mechanism(tmp_path, capsys):
    path = tmp_path / "mine" / "model.keras"
    calls = []
    model, note = saving.load_or_train("tiny", _counting_train(calls), "tiny model", path=path)
    assert path.is_file() and path.with_suffix(".json").is_file() and note["epochs"] == 1
    assert not config.model_path("tiny").exists(), "the default file is left alone"
    path.write_bytes(b"cut short")
    saving.load_or_train("tiny", _counting_train(calls), "tiny model", path=path)
    assert "is unreadable" in capsys.readouterr().out and len(calls) == 2
    loaded, _ = saving.load("tiny", path=path)
    assert loaded.count_params() == model.count_params()
    with pytest.raises(ValueError, match=r"end in \.keras"):
        saving.save("tiny", model, path=tmp_path / "model.h5")


def test_shown_names_a_model_from_the_build_folder_whatever_that_folder_is(tmp_path, monkeypatch):
    monkeypatch.setenv(config.BUILD_DIR_ENV, str(tmp_path / "b89"))
    path = config.build_dir() / "models" / "seed_cnn.tensorflow.keras"
    assert saving.shown(path) == "models/seed_cnn.tensorflow.keras in the build folder"
    assert saving.shown(tmp_path / "elsewhere" / "mine.keras") == "elsewhere/mine.keras"

"""A saved model cut short by an interrupted run (or saved by another version) is reported
and replaced by every loading helper, never used silently and never a crash."""

import pytest

from course_utils import classification, gan, saving, vae


def _seed_cnn():
    return classification.seed_cnn_path(), lambda: classification.load_or_train_seed_cnn(
        train_limit=64
    )


def _generator():
    return gan.generator_path(), lambda: gan.load_or_train_generator(train_limit=64)


def _vae():
    return vae.vae_paths(2)[1], lambda: vae.load_or_train_vae(latent_dim=2, train_limit=64)


@pytest.mark.parametrize("helper", [_seed_cnn, _generator, _vae], ids=["seed_cnn", "gan", "vae"])
@pytest.mark.parametrize("damage", ["truncated"])
def test_an_unreadable_saved_model_is_reported_and_replaced(helper, damage, capsys):
    path, load_or_train = helper()
    load_or_train()  # trains and saves a quick one
    capsys.readouterr()
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 3] if damage == "truncated" else b"PK not a model")
    model, note = load_or_train()
    out = capsys.readouterr().out
    assert f"saved model {path.name} is unreadable (" in out
    assert "training a quick one now" in out
    assert model is not None and note["profile"]
    load_or_train()  # the replacement is readable: it loads
    assert "loaded the" in capsys.readouterr().out


def test_saving_never_leaves_a_partial_file_where_a_notebook_looks(tmp_path):
    class Interrupted(Exception):
        pass

    class Model:
        def save(self, path):
            path.write_bytes(b"half a model")
            raise Interrupted

    with pytest.raises(Interrupted):
        saving.save("interrupted", Model())
    folder = saving.paths("interrupted").parent
    assert not saving.paths("interrupted").exists()
    assert not [p for p in folder.iterdir() if p.suffix == ".keras"]

import numpy as np
import pytest

from course_utils import backend, config


@pytest.mark.parametrize(
    ("value", "name", "limit"),
    [(None, "full", None), ("full", "full", None), ("fast", "fast", 2000)],
)
def test_profile_reads_course_profile(monkeypatch, value, name, limit):
    if value is None:
        monkeypatch.delenv("COURSE_PROFILE", raising=False)
    else:
        monkeypatch.setenv("COURSE_PROFILE", value)
    profile = config.profile()
    assert profile.name == name
    assert profile.train_limit == limit
    assert profile.epochs(5) == (1 if name == "fast" else 5)
    assert profile.pick(full=60_000, fast=2_000) == (2_000 if name == "fast" else 60_000)


@pytest.mark.parametrize("value", ["quick", "FULLL", "1"])
def test_unknown_profile_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("COURSE_PROFILE", value)
    with pytest.raises(ValueError, match=r"not a known profile; expected one of full, fast"):
        config.profile()


def test_fast_profile_limits_fit_the_offline_sample():
    # The offline MNIST sample has 4,000 training and 1,000 test images.
    assert config.FAST.train_limit <= 4000 and config.FAST.test_limit <= 1000


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_epochs_must_be_positive_integers(bad):
    with pytest.raises(ValueError, match="must be a positive integer"):
        config.FULL.epochs(bad)


def test_set_seed_makes_numpy_and_keras_repeatable():
    import keras

    config.set_seed(3)
    first = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    config.set_seed(3)
    second = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("bad", [-1, 1.5, "0"])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match="non-negative integer"):
        config.set_seed(bad)


def test_seeded_repeats_a_block_and_gives_back_the_random_state():
    import random

    import keras

    def draws():
        return (
            random.random(),
            np.random.rand(),
            float(keras.random.uniform(())),
            float(keras.initializers.GlorotUniform()((1,))[0]),
        )

    np.random.seed(7)
    random.seed(7)
    python_before, numpy_before = random.getstate(), np.random.get_state()
    with config.seeded(3):
        first = draws()
    assert random.getstate() == python_before
    after = np.random.get_state()
    assert after[0] == numpy_before[0] and (after[1] == numpy_before[1]).all()
    assert after[2:] == numpy_before[2:]
    with config.seeded(3):
        second = draws()
    assert first == second
    with config.seeded(4):
        other = draws()
    assert other != first


def test_seeded_gives_back_the_state_when_the_block_fails():
    np.random.seed(1)
    expected = np.random.get_state()[1].copy()
    with pytest.raises(ZeroDivisionError), config.seeded(0):
        np.random.rand()
        raise ZeroDivisionError
    assert (np.random.get_state()[1] == expected).all()


@pytest.mark.every_backend
def test_device_report_names_the_backend_and_its_version():
    import importlib

    import keras

    report = config.device_report()
    assert report["keras"] == keras.__version__
    assert report["keras"].startswith("3.")
    current = keras.backend.backend()
    assert (
        report["backend"] == {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}[current]
    )
    assert report["version"] == importlib.import_module(current).__version__
    assert isinstance(report["gpus"], list)
    assert report["cpus"] >= 1


@pytest.mark.every_backend
def test_set_seed_repeats_keras_and_the_frameworks_random_numbers():
    import keras

    def draw():
        config.set_seed(3)
        # An unseeded Keras layer's initial weights: what a notebook's model starts from.
        layer = keras.layers.Dense(4)
        layer.build((None, 5))
        return backend.to_numpy(keras.random.normal((3,))), layer.get_weights()[0]

    first, second = draw(), draw()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    config.set_seed(4)
    assert not np.array_equal(backend.to_numpy(keras.random.normal((3,))), first[0])


def test_build_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "out"))
    assert config.build_dir() == tmp_path / "out"
    assert (tmp_path / "out").is_dir()


def test_build_dir_is_found_from_the_notebooks_folder(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.delenv("COURSE_BUILD_DIR", raising=False)
    monkeypatch.chdir(tmp_path / "notebooks")
    assert config.build_dir() == tmp_path / "build"


def test_model_path_keeps_fast_models_apart(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert config.model_path("vae") == config.build_dir() / "models" / f"vae.{backend.name()}.keras"
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    assert (
        config.model_path("vae")
        == config.build_dir() / "models" / f"vae.fast.{backend.name()}.keras"
    )
    with pytest.raises(ValueError, match="must be a model name such as 'seed_cnn'"):
        config.model_path("../vae")


def test_seed_reads_course_seed(monkeypatch):
    monkeypatch.delenv(config.SEED_ENV, raising=False)
    assert config.seed() == 0
    monkeypatch.setenv(config.SEED_ENV, " 7 ")
    assert config.seed() == 7
    assert config.set_seed() == 7
    first = np.random.random()
    config.set_seed(7)
    assert np.random.random() == first


@pytest.mark.parametrize("bad", ["-1", "one", "1.5"])
def test_seed_rejects_a_bad_course_seed(monkeypatch, bad):
    monkeypatch.setenv(config.SEED_ENV, bad)
    with pytest.raises(ValueError, match="COURSE_SEED") as info:
        config.seed()
    assert repr(bad) in str(info.value) and "non-negative integer" in str(info.value)

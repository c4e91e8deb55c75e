"""course_utils.segmentation.scenes: the digit scenes and their masks."""

import numpy as np
import pytest
from scipy import ndimage

from course_utils import data, segmentation


@pytest.fixture(scope="module")
def scenes():
    """A few hundred real scenes of each split (MNIST from wherever `data` finds it)."""
    with data.isolated_cache():
        made = {
            split: segmentation.make_digit_scenes(300, split=split, seed=3)
            for split in ("train", "test")
        }
        made["crowded"] = segmentation.make_digit_scenes(200, split="test", max_digits=4, seed=1)
    return made


@pytest.mark.parametrize("kind", ["train", "test", "crowded"])
def test_scenes_have_the_promised_format(scenes, kind):
    images, masks = scenes[kind]
    assert images.shape == (len(masks), 64, 64, 1) and images.dtype == np.float32
    assert masks.shape == (len(masks), 64, 64) and masks.dtype == np.uint8
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert set(np.unique(masks)) <= set(range(segmentation.NUM_CLASSES))
    # A pixel is a digit's exactly where it is at least half bright (white ink on black).
    np.testing.assert_array_equal(masks > 0, images[..., 0] >= 128 / 255)
    assert (images.reshape(len(images), -1).max(axis=1) > 0.5).all(), "a scene without a digit"


@pytest.mark.parametrize("kind, max_digits", [("train", 3), ("test", 3), ("crowded", 4)])
def test_digits_never_touch_and_each_has_one_class(scenes, kind, max_digits):
    images, masks = scenes[kind]
    digits_per_scene = []
    for image, mask in zip(images[..., 0], masks):
        # 8-connected blobs of ink: one digit never touches another, so a blob has one class.
        blobs, count = ndimage.label(image > 0, structure=np.ones((3, 3)))
        for blob in range(1, count + 1):
            classes = set(np.unique(mask[blobs == blob])) - {0}
            assert len(classes) <= 1, f"two digits touch: classes {classes}"
        digits_per_scene.append(len(set(np.unique(mask)) - {0}))
    counts = np.bincount(digits_per_scene, minlength=max_digits + 1)
    assert counts[0] == 0 and len(counts) == max_digits + 1
    # 1 to max_digits digits, equally likely: scenes with the most classes are common.
    assert counts[max_digits - 1] > 0.1 * len(masks)


def test_scenes_are_deterministic_and_differ_by_seed_and_split(scenes):
    images, masks = segmentation.make_digit_scenes(300, split="train", seed=3)
    np.testing.assert_array_equal(images, scenes["train"][0])
    np.testing.assert_array_equal(masks, scenes["train"][1])
    other, _ = segmentation.make_digit_scenes(300, split="train", seed=4)
    assert not np.array_equal(other, images)
    test_images, _ = segmentation.make_digit_scenes(300, split="test", seed=3)
    assert not np.array_equal(test_images, images)


def test_class_balance_of_scenes(scenes):
    _, masks = scenes["train"]
    share = np.bincount(masks.ravel(), minlength=11) / masks.size
    assert 0.85 < share[0] < 0.99  # mostly background
    assert (share[1:] > 0.002).all()  # every digit appears


def _fake_mnist(monkeypatch, sizes):
    """MNIST stand-in: image i of a split carries its index in pixels (0, 0) and (0, 1)."""
    fake = {}
    for split, size in sizes.items():
        images = np.zeros((size, 28, 28), dtype=np.uint8)
        images[:, 0, 0] = np.arange(size) % 256
        images[:, 0, 1] = np.arange(size) // 256
        images[:, 8:20, 10:16] = 255 if split == "train" else 200
        fake[split] = (images, (np.arange(size) % 10).astype(np.uint8))
    monkeypatch.setattr(data, "load_mnist", lambda split, limit=None: fake[split])
    return fake


def test_train_validation_and_test_digits_are_disjoint(monkeypatch):
    _fake_mnist(monkeypatch, {"train": 600, "test": 100})
    index = {}
    for split in segmentation.SCENE_SPLITS:
        images, _ = segmentation.digit_pool(split)
        index[split] = images[:, 0, 0].astype(int) + 256 * images[:, 0, 1].astype(int)
        assert len(set(index[split])) == len(images)
    assert len(index["validation"]) == 100  # a sixth of a small training set
    assert set(index["train"]).isdisjoint(index["validation"])
    assert set(index["train"]) | set(index["validation"]) == set(range(600))
    assert set(index["test"]) == set(range(100))
    test_images, _ = segmentation.make_digit_scenes(20, split="test")
    assert test_images.max() == pytest.approx(200 / 255)  # built from test digits only


def test_real_validation_split_holds_6000_digits():
    images, labels = segmentation.digit_pool("validation")
    train_images, _ = segmentation.digit_pool("train")
    total = len(data.load_mnist("train")[1])
    assert len(images) == min(segmentation.VALIDATION_DIGITS, total // 6)
    assert len(images) + len(train_images) == total
    assert set(np.unique(labels)) == set(range(10))


@pytest.mark.parametrize("size, max_digits", [(28, 1), (56, 4), (100, 9), (64, 4)])
def test_any_canvas_that_fits_works(size, max_digits):
    images, masks = segmentation.make_digit_scenes(
        12, split="test", size=size, max_digits=max_digits, seed=2
    )
    assert images.shape == (12, size, size, 1)
    np.testing.assert_array_equal(masks > 0, images[..., 0] >= 128 / 255)
    for mask in masks:
        assert 1 <= len(set(np.unique(mask)) - {0}) <= max_digits


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, r"`n` must be an integer of at least 1; received 0"),
        ({"n": -5}, r"received -5"),
        ({"n": 2.5}, r"`n` must be an integer"),
        ({"n": 4, "split": "val"}, r"`split` must be one of 'train', 'validation', 'test'"),
        ({"n": 4, "size": 20}, r"`size` must be an integer of at least 28.*use size=64"),
        ({"n": 4, "max_digits": 5}, r"5 digits cannot fit.*at most 4.*max_digits<=4.*size>=84"),
        ({"n": 4, "size": 40, "max_digits": 2}, r"at most 1 digits of 28x28 fit"),
        ({"n": 4, "max_digits": 0}, r"`max_digits` must be an integer of at least 1"),
        ({"n": 4, "seed": -1}, r"`seed` must be an integer of at least 0"),
    ],
)
def test_make_digit_scenes_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        segmentation.make_digit_scenes(**kwargs)

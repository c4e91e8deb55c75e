"""course_utils.vae.data: static binarization and the binarized MNIST."""

import numpy as np
import pytest

from course_utils import data, vae


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

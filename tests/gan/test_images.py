"""gan.images: scaling images to and from [-1, 1], generating and interpolating."""

import numpy as np
import pytest

from course_utils import config, gan

# --- generating and interpolating ----------------------------------------------------------


def test_generate_and_interpolate_agree():
    config.set_seed(0)
    generator = gan.build_generator(6)
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

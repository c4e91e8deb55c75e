"""Fixtures of the VAE tests."""

import pytest

from course_utils import vae


@pytest.fixture(scope="module")
def tiny_images():
    """64 binarized MNIST training images (from whichever source is available)."""
    images, labels = vae.load_binarized_mnist("train", limit=64)
    return images, labels

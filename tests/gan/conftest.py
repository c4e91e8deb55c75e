"""Fixtures shared by the GAN tests."""

import numpy as np
import pytest


@pytest.fixture
def real_batch():
    """Makes `n` "real" images: uniform noise in [-1, 0.9], shape (n, 28, 28, 1)."""

    def make(n=16, seed=0):
        return np.random.default_rng(seed).uniform(-1, 0.9, (n, 28, 28, 1)).astype("float32")

    return make

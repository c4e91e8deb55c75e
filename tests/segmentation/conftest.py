"""Shared by the segmentation tests: figures are closed after each test, and random masks."""

import matplotlib.pyplot as plt
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _random_masks(seed, shape, num_classes, absent=()):
    rng = np.random.default_rng(seed)
    weights = rng.random(num_classes) ** 3 + 0.01  # very different class sizes
    weights[list(absent)] = 0
    y_true = rng.choice(num_classes, size=shape, p=weights / weights.sum())
    y_pred = np.where(rng.random(shape) < 0.3, rng.integers(0, num_classes, shape), y_true)
    present = [c for c in range(num_classes) if c not in absent]
    y_pred[np.isin(y_pred, absent)] = present[0]  # absent classes are absent from both masks
    return y_true.astype(np.uint8), y_pred.astype(np.int64)


@pytest.fixture
def random_masks():
    """`random_masks(seed, shape, num_classes, absent=())`: a true and a predicted mask."""
    return _random_masks

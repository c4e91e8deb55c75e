"""Fixtures of the evaluation tests: the measures computed directly, with SciPy."""

import math
import warnings

import numpy as np
import pytest
import scipy.linalg
import scipy.stats


def _direct_score(probabilities):
    """exp(mean KL(p(y|x) || p(y))) with scipy's KL divergence."""
    marginal = probabilities.mean(axis=0)
    return math.exp(np.mean([scipy.stats.entropy(p, marginal) for p in probabilities]))


def _direct_frechet(a, b):
    """The textbook formula with scipy's matrix square root."""
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns when the product is nearly singular
        root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * root))


@pytest.fixture
def direct_score():
    """exp(mean KL(p(y|x) || p(y))) with scipy's KL divergence, as a function."""
    return _direct_score


@pytest.fixture
def direct_frechet():
    """The textbook Fréchet distance with scipy's matrix square root, as a function."""
    return _direct_frechet

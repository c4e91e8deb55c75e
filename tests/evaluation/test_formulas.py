"""course_utils.evaluation.formulas: the score, the coverage and the Fréchet distance on arrays."""

import numpy as np
import pytest
import scipy.special
import scipy.stats

from course_utils import evaluation


@pytest.mark.parametrize("seed, n, classes", [(0, 40, 10), (1, 7, 3), (2, 500, 10)])
def test_score_from_probabilities_matches_scipy(seed, n, classes, direct_score):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(n, classes)) * rng.uniform(0.1, 5, size=(n, 1))
    probabilities = scipy.special.softmax(logits, axis=1)
    assert evaluation.score_from_probabilities(probabilities) == pytest.approx(
        direct_score(probabilities), rel=1e-10
    )
    counts = np.bincount(probabilities.argmax(1), minlength=classes)
    histogram, entropy = evaluation.coverage_from_probabilities(probabilities)
    np.testing.assert_allclose(histogram, counts / n)
    assert entropy == pytest.approx(scipy.stats.entropy(counts), rel=1e-12)


@pytest.mark.parametrize("seed, n, m, d", [(0, 200, 300, 5), (1, 100, 100, 16), (2, 70, 900, 64)])
def test_frechet_distance_matches_scipy(seed, n, m, d, direct_frechet):
    rng = np.random.default_rng(seed)
    mix_a, mix_b = rng.normal(size=(d, d)), rng.normal(size=(d, d))
    a = rng.normal(size=(n, d)) @ mix_a * rng.uniform(0.1, 10, size=d) + rng.normal(size=d)
    b = rng.normal(size=(m, d)) @ mix_b + 3.0
    expected = direct_frechet(a, b)
    assert evaluation.frechet_distance_from_features(a, b) == pytest.approx(expected, rel=1e-6)
    assert evaluation.frechet_distance_from_features(b, a) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_known_cases():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(1000, 8)) @ rng.normal(size=(8, 8))
    assert evaluation.frechet_distance_from_features(a, a) == pytest.approx(0.0, abs=1e-8)
    shift = rng.normal(size=8)
    assert evaluation.frechet_distance_from_features(a, a + shift) == pytest.approx(
        np.sum(shift**2), rel=1e-9
    )
    # Two large samples of the same Gaussian: close to 0.
    b = rng.normal(size=(20000, 4))
    c = rng.normal(size=(20000, 4))
    assert evaluation.frechet_distance_from_features(b, c) < 0.01
    # Diagonal covariances: sum of (sqrt(var_a) - sqrt(var_b))^2.
    var_a, var_b = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((np.sqrt(var_a) - np.sqrt(var_b)) ** 2) + 2.0**2
    assert evaluation.gaussian_frechet_distance(
        np.zeros(3), np.diag(var_a), np.array([2.0, 0, 0]), np.diag(var_b)
    ) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "probabilities",
    [np.ones((3, 10)), np.zeros((0, 10)), np.full((3, 1), 1.0), -np.eye(3), np.ones(10) / 10],
)
def test_probabilities_must_be_distributions(probabilities):
    with pytest.raises(ValueError, match="probability distributions"):
        evaluation.score_from_probabilities(probabilities)


def test_frechet_features_must_agree():
    with pytest.raises(ValueError, match="same d"):
        evaluation.frechet_distance_from_features(np.zeros((20, 3)), np.zeros((20, 4)))

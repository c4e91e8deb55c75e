"""The measures as formulas on arrays: a classifier's probabilities and features in, a number out.

    score_from_probabilities(p)                     # exp(mean KL(p(y|x) || p(y)))
    coverage_from_probabilities(p)                  # (histogram, entropy)
    frechet_distance_from_features(f_real, f_gen)   # |m1 - m2|^2 + Tr(C1 + C2 - 2 (C1 C2)^(1/2))

No model runs here: `measures` computes the probabilities and features with
the classifier and hands them to these.
"""

import numpy as np


def score_from_probabilities(probabilities):
    """The classifier score of a batch of predicted class probabilities.

    Args:
        probabilities: array of shape `(n, classes)`, rows summing to 1.

    Returns:
        `exp(mean_x KL(p(y|x) || p(y)))`, a float between 1 and `classes`.

    Raises:
        ValueError: if the rows are not probability distributions.

    >>> round(score_from_probabilities(np.eye(10)), 6)    # ten sure, different answers
    10.0
    >>> round(score_from_probabilities(np.tile(np.eye(10)[3], (5, 1))), 6)   # always "3"
    1.0
    """
    p = _check_probabilities(probabilities)
    marginal = p.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(marginal)), 0.0)
    return float(np.exp(terms.sum(axis=1).mean()))


def coverage_from_probabilities(probabilities):
    """The histogram of predicted classes and its entropy, from probabilities.

    Args:
        probabilities: array of shape `(n, classes)`, rows summing to 1.

    Returns:
        `(histogram, entropy)`: fractions per class and their entropy in nats.

    Raises:
        ValueError: if the rows are not probability distributions.

    >>> histogram, entropy = coverage_from_probabilities(np.eye(4)[[0, 0, 1, 2]])
    >>> histogram.tolist(), round(entropy, 4)
    ([0.5, 0.25, 0.25, 0.0], 1.0397)
    """
    p = _check_probabilities(probabilities)
    counts = np.bincount(p.argmax(axis=1), minlength=p.shape[1])
    histogram = counts / counts.sum()
    return histogram, entropy(histogram)


def entropy(shares):
    """The entropy in nats of a histogram of shares summing to 1 (empty classes count 0).

    >>> round(entropy(np.full(10, 0.1)), 3), round(entropy(np.array([0.5, 0.5, 0.0])), 4)
    (2.303, 0.6931)
    """
    nonzero = shares[shares > 0]
    return float(-(nonzero * np.log(nonzero)).sum())


def frechet_distance_from_features(features_a, features_b):
    """The Fréchet distance between Gaussians fitted to two sets of feature vectors.

    Args:
        features_a: array of shape `(n, d)`, n > d.
        features_b: array of shape `(m, d)`, m > d.

    Returns:
        `|m_a - m_b|^2 + Tr(C_a + C_b - 2 (C_a C_b)^(1/2))`, a float >= 0.

    Raises:
        ValueError: if the arrays are not 2D with the same `d`, or either
            has `d` rows or fewer (its covariance would be singular).

    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal((4000, 2))
    >>> round(frechet_distance_from_features(a, a + [3.0, 4.0]), 6)  # shift by 5: 25
    25.0
    """
    a, b = (np.asarray(f, dtype=np.float64) for f in (features_a, features_b))
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or not a.shape[1]:
        raise ValueError(
            "The features must be two arrays of shape (n, d) with the same d; received shapes "
            f"{a.shape} and {b.shape}."
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("The features hold NaN or infinite values; check the images.")
    d = a.shape[1]
    for name, features in (("first", a), ("second", b)):
        if len(features) <= d:
            raise ValueError(
                f"The Fréchet distance needs more images than features: the {name} set has "
                f"{len(features)} images for {d} features, so its covariance cannot be "
                f"estimated. Use at least {d + 1} images (a few thousand for a stable value)."
            )
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    return gaussian_frechet_distance(mean_a, cov_a, mean_b, cov_b)


def gaussian_frechet_distance(mean_a, cov_a, mean_b, cov_b):
    """The Fréchet (2-Wasserstein) distance between two Gaussians, squared.

    `|m_a - m_b|^2 + Tr(C_a) + Tr(C_b) - 2 Tr((C_a C_b)^(1/2))`. The trace of
    the matrix square root is computed as the sum of the square roots of the
    eigenvalues of `C_a^(1/2) C_b C_a^(1/2)`, which has the same eigenvalues
    as `C_a C_b` and is symmetric, so no complex round-off appears.

    Args:
        mean_a, mean_b: vectors of length `d`.
        cov_a, cov_b: symmetric positive semi-definite matrices `(d, d)`.

    Returns:
        The distance, a float >= 0.

    Raises:
        ValueError: if the shapes do not agree.

    >>> gaussian_frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), 4 * np.eye(2))
    2.0
    """
    mean_a, mean_b = np.asarray(mean_a, float), np.asarray(mean_b, float)
    cov_a, cov_b = np.asarray(cov_a, float), np.asarray(cov_b, float)
    d = mean_a.shape[0] if mean_a.ndim == 1 else -1
    if mean_b.shape != (d,) or cov_a.shape != (d, d) or cov_b.shape != (d, d):
        raise ValueError(
            "Expected two means of shape (d,) and two covariances of shape (d, d); received "
            f"{mean_a.shape}, {cov_a.shape}, {mean_b.shape}, {cov_b.shape}."
        )
    values, vectors = np.linalg.eigh((cov_a + cov_a.T) / 2)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = root_a @ ((cov_b + cov_b.T) / 2) @ root_a
    trace_root = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(distance, 0.0))


def _check_probabilities(probabilities):
    p = np.asarray(probabilities, dtype=np.float64)
    if (
        p.ndim != 2
        or p.shape[0] == 0
        or p.shape[1] < 2
        or not np.isfinite(p).all()
        or p.min() < 0
        or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3)
    ):
        raise ValueError(
            "`probabilities` must be an array of shape (n, classes) whose rows are "
            f"probability distributions (non-negative, summing to 1); received shape {p.shape}. "
            "Pass the classifier's softmax output, e.g. classifier.predict(images)."
        )
    return p

"""Measures of generated digits, taken with the course's own MNIST classifier.

    classifier, _ = classification.load_or_train_seed_cnn()
    classifier_score(classifier, images)                 # 1 (useless) ... 10 (perfect)
    frechet_distance(classifier, real_images, images)    # 0 = same feature statistics
    histogram, entropy = class_coverage(classifier, images)   # entropy ln 10 = all digits
    results = measure_generated(classifier, images, test_images, train_images)

Every measure takes the classifier as an argument: its softmax output gives
the probabilities p(y | x), its penultimate layer (the seed CNN's Dense(64))
the features. Images are float32 in [0, 1] of shape `(n, 28, 28, 1)`, as
`data.normalize_images` and `gan.to_unit_range` give them.
"""

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import config

BATCH_SIZE = 500


@dataclasses.dataclass(frozen=True)
class Measures:
    """The three measures of one set of images.

    Attributes:
        classifier_score: `exp(mean KL(p(y|x) || p(y)))`, from 1 to the number
            of classes.
        frechet_distance: between the features of these images and of the
            real images they were compared with; 0 is a perfect match.
        coverage: fraction of the images predicted as each class.
        coverage_entropy: entropy of `coverage` in nats; `ln(classes)` when
            every class is equally common, 0 when one class takes all.
        count: number of images measured.
    """

    classifier_score: float
    frechet_distance: float
    coverage: np.ndarray
    coverage_entropy: float
    count: int


def classifier_outputs(classifier, images, batch_size=BATCH_SIZE):
    """Runs the classifier once: penultimate-layer features and class probabilities.

    Args:
        classifier: a Keras classifier whose last layer gives softmax
            probabilities and whose layer before it gives a feature vector
            (the seed CNN: Dense(64) then Dense(10, softmax)).
        images: float images in [0, 1] of the classifier's input shape.
        batch_size: images per forward pass.

    Returns:
        `(features, probabilities)`: float64 arrays of shape `(n, features)`
        and `(n, classes)`.

    Raises:
        ValueError: if the classifier or the images are not as described.
    """
    import keras

    check_classifier(classifier)
    images = check_images(images, classifier.input_shape[1:])
    both = keras.Model(classifier.inputs[0], [classifier.layers[-2].output, classifier.outputs[0]])
    features, probabilities = config.run_in_batches(both, images, batch_size)
    return features.astype(np.float64), probabilities.astype(np.float64)


def classifier_score(classifier, images):
    """The Inception Score, computed with an MNIST classifier instead of Inception.

    `exp(mean over x of KL(p(y|x) || p(y)))`, where `p(y|x)` is the
    classifier's prediction for image x and `p(y)` its average over all the
    images. High when each image is confidently one digit (sharp `p(y|x)`)
    and all digits appear equally (flat `p(y)`): at most the number of
    classes, 1 when every image gets the same prediction.

    Args:
        classifier: see `classifier_outputs`.
        images: float images in [0, 1], shape `(n, 28, 28, 1)`.

    Returns:
        The score, a float.

    Raises:
        ValueError: if the classifier or the images are not as described.
    """
    return score_from_probabilities(classifier_outputs(classifier, images)[1])


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


def class_coverage(classifier, images):
    """Which digits the images are: the histogram of predictions and its entropy.

    Mode collapse, a generator that makes only a few kinds of digit, shows as
    a lopsided histogram and a low entropy.

    Args:
        classifier: see `classifier_outputs`.
        images: float images in [0, 1], shape `(n, 28, 28, 1)`.

    Returns:
        `(histogram, entropy)`: the fraction of images predicted as each class
        (sums to 1) and its entropy in nats (`ln 10 = 2.303` when all ten
        digits are equally common, 0 when one digit takes all).

    Raises:
        ValueError: if the classifier or the images are not as described.
    """
    return coverage_from_probabilities(classifier_outputs(classifier, images)[1])


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
    nonzero = histogram[histogram > 0]
    return histogram, float(-(nonzero * np.log(nonzero)).sum())


def frechet_distance(classifier, real_images, generated_images):
    """The Fréchet distance between the classifier's features of two sets of images.

    Each set's features (the penultimate layer's outputs) are summarized by a
    Gaussian, mean `m` and covariance `C`; the distance between the two
    Gaussians is `|m1 - m2|^2 + Tr(C1 + C2 - 2 (C1 C2)^(1/2))` (the FID,
    with the MNIST classifier instead of Inception). 0 when the statistics
    match; lower is better. It shrinks as the sets grow, so compare values
    computed on equal numbers of images.

    Args:
        classifier: see `classifier_outputs`.
        real_images: float images in [0, 1], shape `(n, 28, 28, 1)`.
        generated_images: the same, any number `m`; both sets need more
            images than the classifier has features (65 for the seed CNN).

    Returns:
        The distance, a float >= 0.

    Raises:
        ValueError: if the classifier or the images are not as described,
            or a set has too few images.
    """
    real_features = classifier_outputs(classifier, real_images)[0]
    generated_features = classifier_outputs(classifier, generated_images)[0]
    return frechet_distance_from_features(real_features, generated_features)


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


def measure(classifier, images, real_images):
    """All three measures of `images`, the distance taken against `real_images`.

    Args:
        classifier: see `classifier_outputs`.
        images: the images to measure, float in [0, 1], `(n, 28, 28, 1)`.
        real_images: real images to compare features with (the same number,
            for a fair Fréchet distance).

    Returns:
        A `Measures`.

    Raises:
        ValueError: if the classifier or the images are not as described.
    """
    features, probabilities = classifier_outputs(classifier, images)
    return _measures(features, probabilities, classifier_outputs(classifier, real_images)[0])


def _measures(features, probabilities, real_features):
    histogram, entropy = coverage_from_probabilities(probabilities)
    return Measures(
        classifier_score=score_from_probabilities(probabilities),
        frechet_distance=frechet_distance_from_features(real_features, features),
        coverage=histogram,
        coverage_entropy=entropy,
        count=len(features),
    )


def measure_generated(classifier, generated_images, test_images, train_images):
    """Measures generated images, and real test images the same way as a reference.

    The generated images are compared with the real test images. The
    reference measures the real test images themselves, compared with as many
    real training images: the score and coverage a perfect generator would
    reach, and the Fréchet distance that two real samples of this size
    already have (no generator can expect to go below it).

    Args:
        classifier: see `classifier_outputs`.
        generated_images: float in [0, 1], `(n, 28, 28, 1)`; use as many as
            there are test images.
        test_images: real test images, float in [0, 1].
        train_images: real training images, at least as many as test images.

    Returns:
        `{"generated": Measures, "real": Measures}`.

    Raises:
        ValueError: if the images are not as described or there are fewer
            training than test images.
    """
    test = check_images(test_images, classifier.input_shape[1:], "test_images")
    train = check_images(train_images, classifier.input_shape[1:], "train_images")
    if len(train) < len(test):
        raise ValueError(
            f"`train_images` must hold at least as many images as `test_images` ({len(test)}) "
            f"so the reference compares equal numbers; received {len(train)}."
        )
    generated = classifier_outputs(classifier, generated_images)
    test_features, test_probabilities = classifier_outputs(classifier, test)
    train_features = classifier_outputs(classifier, train[: len(test)])[0]
    return {
        "generated": _measures(*generated, test_features),
        "real": _measures(test_features, test_probabilities, train_features),
    }


def measures_table(results):
    """A text table of `Measures`, one column per name (e.g. generated and real).

    Args:
        results: dict from a name to `Measures`, such as `measure_generated` returns.

    Returns:
        A string.

    Raises:
        ValueError: if `results` is not a non-empty dict of `Measures`.

    >>> m = Measures(9.5, 1.25, np.full(10, 0.1), math.log(10), 1000)
    >>> print(measures_table({"real": m}))
    measure                               real
    classifier score (max 10)             9.50
    Fréchet distance (lower better)       1.25
    coverage entropy (max 2.303)         2.303
    images                                1000
    """
    if (
        not isinstance(results, dict)
        or not results
        or not all(isinstance(m, Measures) for m in results.values())
    ):
        raise ValueError(
            "`results` must be a non-empty dict from a name to Measures, such as "
            f"measure_generated returns; received {type(results).__name__}."
        )
    classes = len(next(iter(results.values())).coverage)
    rows = [
        (f"classifier score (max {classes})", lambda m: f"{m.classifier_score:.2f}"),
        ("Fréchet distance (lower better)", lambda m: f"{m.frechet_distance:.2f}"),
        (f"coverage entropy (max {math.log(classes):.3f})", lambda m: f"{m.coverage_entropy:.3f}"),
        ("images", lambda m: f"{m.count}"),
    ]
    width = max(10, *(len(name) + 2 for name in results))
    lines = [f"{'measure':<32}" + "".join(f"{name:>{width}}" for name in results)]
    for label, cell in rows:
        lines.append(f"{label:<32}" + "".join(f"{cell(m):>{width}}" for m in results.values()))
    return "\n".join(lines)


def plot_coverage(results, title=None):
    """Bar charts of the fraction of images predicted as each digit.

    Args:
        results: dict from a name to `Measures` (or to a histogram array),
            e.g. `{"GAN": ..., "real test images": ...}`.
        title: optional title.

    Returns:
        The matplotlib Figure: grouped bars, a dashed line at the uniform
        share `1 / classes`, the entropy of each histogram in the legend.

    Raises:
        ValueError: if `results` is empty or the histograms differ in length.

    >>> fig = plot_coverage({"real": np.full(10, 0.1)})
    >>> fig.axes[0].get_xlabel()
    'predicted digit'
    """
    if not isinstance(results, dict) or not results:
        raise ValueError(
            "`results` must be a non-empty dict from a name to Measures or a histogram; "
            f"received {type(results).__name__}."
        )
    histograms = {
        name: np.asarray(m.coverage if isinstance(m, Measures) else m, dtype=float)
        for name, m in results.items()
    }
    lengths = {h.shape for h in histograms.values()}
    if len(lengths) != 1 or next(iter(lengths))[0:1] == (0,) or len(next(iter(lengths))) != 1:
        raise ValueError(
            f"Every histogram must be 1D and of the same length; received shapes {sorted(lengths)}."
        )
    classes = len(next(iter(histograms.values())))
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    width = 0.8 / len(histograms)
    for i, (name, histogram) in enumerate(histograms.items()):
        share = histogram / max(histogram.sum(), 1e-12)
        nonzero = share[share > 0]
        entropy = float(-(nonzero * np.log(nonzero)).sum())
        ax.bar(
            np.arange(classes) + (i - (len(histograms) - 1) / 2) * width,
            share,
            width,
            label=f"{name} (entropy {entropy:.3f})",
        )
    ax.axhline(1 / classes, color="black", linestyle="--", linewidth=1, label="uniform")
    ax.set_xticks(range(classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("fraction of images")
    ax.set_title(title or f"Class coverage (entropy max ln {classes} = {math.log(classes):.3f})")
    tallest = max(float(h.max() / max(h.sum(), 1e-12)) for h in histograms.values())
    ax.set_ylim(0, max(tallest, 1 / classes) * 1.45)  # room for the legend above the bars
    ax.legend(fontsize=8, loc="upper right", ncols=2)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_by_predicted_class(classifier, images, per_class=8, seed=0):
    """Shows images grouped by the digit the classifier reads in them, one row per digit.

    Each row holds up to `per_class` images predicted as that digit, drawn at
    random, with the classifier's confidence above each. A short or empty row
    is a digit the images rarely or never show: mode collapse at a glance.

    Args:
        classifier: see `classifier_outputs`.
        images: float images in [0, 1], shape `(n, 28, 28, 1)`.
        per_class: images per row.
        seed: seed of the random choice within each row.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the classifier or the images are not as described, or
            `per_class` is not a positive integer.
    """
    if isinstance(per_class, bool) or not isinstance(per_class, (int, np.integer)) or per_class < 1:
        raise ValueError(f"`per_class` must be a positive integer; received {per_class!r}.")
    images = check_images(
        images, classifier.input_shape[1:] if hasattr(classifier, "input_shape") else (28, 28, 1)
    )
    probabilities = classifier_outputs(classifier, images)[1]
    predicted = probabilities.argmax(axis=1)
    classes = probabilities.shape[1]
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(
        classes, per_class, figsize=(0.95 * per_class + 0.8, 1.05 * classes), squeeze=False
    )
    for digit in range(classes):
        members = np.flatnonzero(predicted == digit)
        chosen = rng.permutation(members)[:per_class]
        for col in range(per_class):
            ax = axes[digit, col]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(col < len(chosen))
            if col == 0:
                ax.set_ylabel(f"{digit}: {len(members) / len(images):.0%}", fontsize=9)
            if col < len(chosen):
                index = chosen[col]
                ax.imshow(images[index, ..., 0], cmap="gray", vmin=0, vmax=1)
                ax.set_title(f"{probabilities[index, digit]:.0%}", fontsize=7, pad=2)
    fig.suptitle(
        "Images grouped by the digit the classifier reads (row label: share of images; "
        "above each: confidence)",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def check_classifier(classifier):
    """Checks that `classifier` is a built Keras model ending in class probabilities.

    Raises:
        ValueError: if it is not a Keras model with at least two layers, one
            image input, a `(batch, classes)` output and a flat feature layer
            before it.
    """
    layers = getattr(classifier, "layers", None)
    try:
        output_shape = tuple(classifier.outputs[0].shape)
        feature_shape = tuple(layers[-2].output.shape)
        input_shape = tuple(classifier.input_shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        output_shape = feature_shape = input_shape = None
    if (
        output_shape is None
        or len(output_shape) != 2
        or output_shape[1] < 2
        or len(feature_shape) != 2
        or len(input_shape) != 4
    ):
        raise ValueError(
            "`classifier` must be a built Keras model that maps images (n, height, width, "
            "channels) to class probabilities (n, classes), with a flat feature layer (such as "
            f"the seed CNN's Dense(64)) just before the output; received {type(classifier).__name__}"
            f" with output {output_shape} and penultimate output {feature_shape}. Use "
            "classification.load_or_train_seed_cnn()."
        )


def check_images(images, image_shape=(28, 28, 1), name="images"):
    """Checks that images are float in [0, 1] of shape `(n, *image_shape)`.

    Returns:
        The images as float32.

    Raises:
        ValueError: for another shape, an empty batch, or values outside [0, 1]
            (e.g. a generator's [-1, 1] output, or uint8 pixels).

    >>> check_images(np.zeros((2, 28, 28, 1))).dtype
    dtype('float32')
    """
    array = np.asarray(images)
    expected = tuple(int(s) for s in image_shape)
    if array.ndim != len(expected) + 1 or tuple(array.shape[1:]) != expected or not len(array):
        raise ValueError(
            f"`{name}` must have shape (n, {', '.join(map(str, expected))}); received "
            f"{array.shape}. Add the channel axis with data.normalize_images(images) for "
            "uint8 MNIST, or images[..., None]."
        )
    if array.dtype.kind not in "fiu":
        raise ValueError(f"`{name}` must be numbers; received dtype {array.dtype}.")
    array = array.astype(np.float32)
    low, high = float(array.min()), float(array.max())
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0 or high > 1:
        raise ValueError(
            f"`{name}` must be floats in [0, 1]; received values from {low:.4g} to {high:.4g}. "
            "For a generator's tanh output use gan.to_unit_range(images); for uint8 pixels "
            "use data.normalize_images(images)."
        )
    return array


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

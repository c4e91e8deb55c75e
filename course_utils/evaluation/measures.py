"""Measures of generated digits, taken with the course's own MNIST classifier.

    classifier_score(classifier, images)                 # 1 (useless) ... 10 (perfect)
    frechet_distance(classifier, real_images, images)    # 0 = same feature statistics
    histogram, entropy = class_coverage(classifier, images)   # entropy ln 10 = all digits
    results = measure_generated(classifier, images, test_images, train_images)

Every measure runs the classifier once per set of images (`classifier_outputs`)
and hands its probabilities and features to the formulas of `formulas`. This
module also holds the checks of the classifier and the images.
"""

import dataclasses

import numpy as np

from course_utils import inference
from course_utils.evaluation.formulas import (
    coverage_from_probabilities,
    frechet_distance_from_features,
    score_from_probabilities,
)


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


def classifier_outputs(classifier, images, batch_size=inference.BATCH_SIZE):
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
    features, probabilities = inference.run_in_batches(both, images, batch_size)
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

"""course_utils.evaluation.measures: the measures of images, taken with a classifier."""

import math

import keras
import numpy as np
import pytest

from course_utils import classification, config, data, evaluation

BANDS = 10  # the band classifier: class k <=> pixels lit in horizontal band k


def band_classifier(sharpness=60.0):
    """A hand-built classifier: the class of an image is the band of rows that is lit.

    Its penultimate layer (Dense(10), linear) gives the mean brightness of each
    of 10 horizontal bands of the image, and the softmax picks the brightest.
    """
    rows = np.array_split(np.arange(28), BANDS)
    band_weights = np.zeros((28 * 28, BANDS), dtype="float32")
    for k, band in enumerate(rows):
        mask = np.zeros((28, 28), dtype="float32")
        mask[band] = 1.0 / (len(band) * 28)
        band_weights[:, k] = mask.ravel()
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(BANDS),
            keras.layers.Dense(BANDS, activation="softmax"),
        ]
    )
    model.layers[1].set_weights([band_weights, np.zeros(BANDS, "float32")])
    model.layers[2].set_weights([np.eye(BANDS, dtype="float32") * sharpness, np.zeros(BANDS)])
    return model


def band_images(classes, rng=None, noise=0.0):
    """Images in [0, 1] with band `k` lit for each k in `classes`."""
    rows = np.array_split(np.arange(28), BANDS)
    images = np.zeros((len(classes), 28, 28, 1), dtype="float32")
    for i, k in enumerate(classes):
        images[i, rows[k], :, 0] = 1.0
    if noise:
        images = np.clip(images + noise * rng.random(images.shape), 0, 1).astype("float32")
    return images


def always_three_classifier():
    """Says "3" with certainty whatever the image."""
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    bias = np.zeros(10, "float32")
    bias[3] = 40.0
    model.layers[-1].set_weights([np.zeros((8, 10), "float32"), bias])
    return model


@pytest.fixture(scope="module")
def bands():
    return band_classifier()


def test_a_classifier_that_always_says_three_scores_one_with_no_coverage():
    images = np.random.default_rng(0).random((50, 28, 28, 1)).astype("float32")
    model = always_three_classifier()
    assert evaluation.classifier_score(model, images) == pytest.approx(1.0, abs=1e-9)
    histogram, entropy = evaluation.class_coverage(model, images)
    assert histogram.tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert entropy == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("per_class", [1, 7])
def test_ten_sure_different_answers_score_ten_with_full_coverage(bands, per_class):
    images = band_images(np.repeat(np.arange(10), per_class))
    assert evaluation.classifier_score(bands, images) == pytest.approx(10.0, rel=1e-4)
    histogram, entropy = evaluation.class_coverage(bands, images)
    np.testing.assert_allclose(histogram, np.full(10, 0.1))
    assert entropy == pytest.approx(math.log(10), abs=1e-12)


def test_mode_collapse_shows_in_score_and_coverage(bands):
    # Two digits only, 3 times as many of one: score exp(H(p(y))) with H of (0.75, 0.25).
    images = band_images([2] * 30 + [7] * 10)
    expected_entropy = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert evaluation.classifier_score(bands, images) == pytest.approx(
        math.exp(expected_entropy), rel=1e-4
    )
    histogram, entropy = evaluation.class_coverage(bands, images)
    assert histogram[2] == 0.75 and histogram[7] == 0.25
    assert entropy == pytest.approx(expected_entropy, abs=1e-12)


@pytest.fixture(scope="module")
def small_cnn():
    """A seed CNN trained briefly on a few hundred MNIST digits."""
    config.set_seed(0)
    images, labels = data.load_mnist("train", limit=600)
    model = classification.build_seed_cnn()
    model.fit(data.normalize_images(images), labels, epochs=3, batch_size=32, verbose=0)
    test_images, test_labels = data.load_mnist("test", limit=300)
    return model, data.normalize_images(test_images), test_labels


def test_measures_of_a_trained_seed_cnn_match_a_direct_computation(small_cnn, direct_score):
    model, images, labels = small_cnn
    probabilities = model.predict(images, verbose=0).astype(np.float64)
    features = keras.Model(model.inputs[0], model.layers[-2].output).predict(images, verbose=0)
    got_features, got_probabilities = evaluation.classifier_outputs(model, images, batch_size=64)
    np.testing.assert_allclose(got_probabilities, probabilities, atol=1e-5)
    np.testing.assert_allclose(got_features, features, atol=1e-4)
    assert got_features.shape == (len(images), 64)
    score = evaluation.classifier_score(model, images)
    assert score == pytest.approx(direct_score(probabilities), rel=1e-4)
    assert (probabilities.argmax(1) == labels).mean() > 0.7  # it did learn the digits
    assert score > 4.0
    # Shuffled pixels are no digit at all: a much lower score.
    rng = np.random.default_rng(0)
    scrambled = rng.permuted(images.reshape(len(images), -1), axis=1).reshape(images.shape)
    assert evaluation.classifier_score(model, scrambled) < score / 2


def test_measure_generated_compares_with_real_images(small_cnn):
    model, images, _ = small_cnn
    train, _ = data.load_mnist("train", limit=400)
    train = data.normalize_images(train)
    noise = np.random.default_rng(1).random(images.shape).astype("float32")
    results = evaluation.measure_generated(model, noise, images, train)
    real, fake = results["real"], results["generated"]
    assert real.count == fake.count == len(images)
    assert real.classifier_score == pytest.approx(evaluation.classifier_score(model, images))
    assert real.frechet_distance == pytest.approx(
        evaluation.frechet_distance(model, train[: len(images)], images), rel=1e-6
    )
    assert fake.frechet_distance == pytest.approx(
        evaluation.frechet_distance(model, images, noise), rel=1e-6
    )
    assert fake.frechet_distance > 5 * real.frechet_distance
    assert fake.coverage_entropy < real.coverage_entropy
    table = evaluation.measures_table(results)
    assert f"{real.classifier_score:.2f}" in table and f"{fake.frechet_distance:.2f}" in table


def test_frechet_distance_of_images_uses_the_penultimate_features(bands, direct_frechet):
    rng = np.random.default_rng(3)
    real = band_images(rng.integers(0, 10, 200), rng, noise=0.3)
    same = evaluation.frechet_distance(bands, real, real)
    assert same == pytest.approx(0.0, abs=1e-6)
    collapsed = band_images(np.full(200, 4), rng, noise=0.3)
    features = keras.Model(bands.inputs[0], bands.layers[-2].output)
    expected = direct_frechet(
        features.predict(real, verbose=0).astype(float),
        features.predict(collapsed, verbose=0).astype(float),
    )
    assert evaluation.frechet_distance(bands, real, collapsed) == pytest.approx(expected, rel=1e-4)


def test_too_few_images_for_the_frechet_distance(bands):
    images = band_images(np.arange(10))  # 10 images for 10 features
    with pytest.raises(ValueError, match=r"more images than features.*at least 11 images"):
        evaluation.frechet_distance(bands, band_images(np.arange(10).repeat(3)), images)
    with pytest.raises(ValueError, match="at least 65 images"):
        evaluation.frechet_distance_from_features(np.zeros((64, 64)), np.ones((100, 64)))


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((4, 28, 28)), r"shape \(n, 28, 28, 1\).*images\[\.\.\., None\]"),
        (np.zeros((4, 32, 32, 1)), r"received \(4, 32, 32, 1\)"),
        (np.zeros((0, 28, 28, 1)), r"shape \(n, 28, 28, 1\)"),
        (np.full((4, 28, 28, 1), -1.0), r"\[0, 1\].*gan\.to_unit_range"),
        (np.full((4, 28, 28, 1), 255, dtype=np.uint8), r"data\.normalize_images"),
        (np.full((4, 28, 28, 1), np.nan), r"\[0, 1\]"),
    ],
)
def test_images_must_be_floats_in_unit_range(bands, images, match):
    with pytest.raises(ValueError, match=match):
        evaluation.classifier_score(bands, images)


def test_the_classifier_must_end_in_class_probabilities():
    images = np.zeros((2, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match="load_or_train_seed_cnn"):
        evaluation.classifier_score("seed_cnn.keras", images)
    flat_out = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match=r"class probabilities \(n, classes\)"):
        evaluation.class_coverage(flat_out, images)


def test_measure_generated_needs_enough_training_images(bands):
    images = band_images(np.arange(10).repeat(2))
    with pytest.raises(ValueError, match=r"at least as many images as `test_images` \(20\)"):
        evaluation.measure_generated(bands, images, images, images[:5])

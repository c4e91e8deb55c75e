"""course_utils.evaluation: classifier score, Fréchet distance and class coverage."""

import math
import warnings

import keras
import numpy as np
import pytest
import scipy.linalg
import scipy.stats

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


# --- the classifier score ----------------------------------------------------------------


def direct_score(probabilities):
    """exp(mean KL(p(y|x) || p(y))) with scipy's KL divergence."""
    marginal = probabilities.mean(axis=0)
    return math.exp(np.mean([scipy.stats.entropy(p, marginal) for p in probabilities]))


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


@pytest.mark.parametrize("seed, n, classes", [(0, 40, 10), (1, 7, 3), (2, 500, 10)])
def test_score_from_probabilities_matches_scipy(seed, n, classes):
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


@pytest.fixture(scope="module")
def small_cnn():
    """A seed CNN trained briefly on a few hundred MNIST digits."""
    config.set_seed(0)
    images, labels = data.load_mnist("train", limit=600)
    model = classification.build_seed_cnn()
    model.fit(data.normalize_images(images), labels, epochs=3, batch_size=32, verbose=0)
    test_images, test_labels = data.load_mnist("test", limit=300)
    return model, data.normalize_images(test_images), test_labels


def test_measures_of_a_trained_seed_cnn_match_a_direct_computation(small_cnn):
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


# --- the Fréchet distance -----------------------------------------------------------------


def direct_frechet(a, b):
    """The textbook formula with scipy's matrix square root."""
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns when the product is nearly singular
        root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * root))


@pytest.mark.parametrize("seed, n, m, d", [(0, 200, 300, 5), (1, 100, 100, 16), (2, 70, 900, 64)])
def test_frechet_distance_matches_scipy(seed, n, m, d):
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


def test_frechet_distance_of_images_uses_the_penultimate_features(bands):
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


# --- bad input ----------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "probabilities",
    [np.ones((3, 10)), np.zeros((0, 10)), np.full((3, 1), 1.0), -np.eye(3), np.ones(10) / 10],
)
def test_probabilities_must_be_distributions(probabilities):
    with pytest.raises(ValueError, match="probability distributions"):
        evaluation.score_from_probabilities(probabilities)


def test_measure_generated_needs_enough_training_images(bands):
    images = band_images(np.arange(10).repeat(2))
    with pytest.raises(ValueError, match=r"at least as many images as `test_images` \(20\)"):
        evaluation.measure_generated(bands, images, images, images[:5])


def test_frechet_features_must_agree():
    with pytest.raises(ValueError, match="same d"):
        evaluation.frechet_distance_from_features(np.zeros((20, 3)), np.zeros((20, 4)))


# --- tables and figures ---------------------------------------------------------------------


def test_plot_coverage_draws_one_bar_per_digit_and_set(bands):
    histogram = np.bincount([1, 1, 2, 9], minlength=10) / 4
    uniform = np.full(10, 0.1)
    fig = evaluation.plot_coverage({"GAN": histogram, "real": uniform})
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, np.concatenate([histogram, uniform]))
    labels = {text.get_text() for text in ax.get_legend().get_texts()}
    assert labels == {
        f"GAN (entropy {scipy.stats.entropy(histogram):.3f})",
        "real (entropy 2.303)",
        "uniform",
    }
    with pytest.raises(ValueError, match="same length"):
        evaluation.plot_coverage({"a": np.ones(10), "b": np.ones(9)})
    with pytest.raises(ValueError, match="non-empty dict"):
        evaluation.plot_coverage({})


def test_measures_table_rejects_other_things():
    with pytest.raises(ValueError, match="dict from a name to Measures"):
        evaluation.measures_table({"GAN": 9.1})

"""course_utils.softmax: stable softmax, cross-entropy and the linear classifier."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import config, data, softmax

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(3, 5), (1, 10), (4, 7, 3), (6,), (2, 2)])
def test_softmax_matches_scipy_and_keras(shape):
    logits = RNG.normal(0, 3, size=shape)
    got = softmax.softmax(logits)
    np.testing.assert_allclose(got, scipy.special.softmax(logits, axis=-1), atol=1e-12)
    keras_probs = keras.ops.convert_to_numpy(keras.ops.softmax(logits.astype("float32"), axis=-1))
    np.testing.assert_allclose(got, keras_probs, atol=1e-5)
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, atol=1e-12)


def test_softmax_is_stable_for_huge_and_mixed_logits():
    logits = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0], [0.0, 1.0, 2.0]])
    got = softmax.softmax(logits)
    expected_row = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(got[0], expected_row, atol=1e-12)
    np.testing.assert_allclose(got[1], expected_row[::-1], atol=1e-12)
    np.testing.assert_allclose(got[2], expected_row, atol=1e-12)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    assert np.isnan(naive[0]).all()  # the reason the shift is needed


def test_softmax_accepts_integers_and_leaves_input_alone():
    logits = np.array([[1, 2, 3]])
    before = logits.copy()
    np.testing.assert_allclose(softmax.softmax(logits), scipy.special.softmax([[1.0, 2, 3]], -1))
    np.testing.assert_array_equal(logits, before)


@pytest.mark.parametrize("shape", [(3, 5), (2, 10)])
def test_log_softmax_matches_scipy_and_keras(shape):
    logits = RNG.normal(0, 5, size=shape)
    got = softmax.log_softmax(logits)
    np.testing.assert_allclose(got, scipy.special.log_softmax(logits, axis=-1), atol=1e-12)
    keras_logs = keras.ops.convert_to_numpy(keras.ops.log_softmax(logits.astype("float32")))
    np.testing.assert_allclose(got, keras_logs, atol=1e-5)


def test_log_softmax_stays_finite_where_log_of_softmax_does_not():
    got = softmax.log_softmax(np.array([[0.0, 800.0]]))
    np.testing.assert_allclose(got, [[-800.0, 0.0]], atol=1e-12)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array(3.0), "last axis"),
        (np.zeros((2, 0)), "last axis"),
        (np.array([["a", "b"]]), "numeric array"),
        (np.array([[1.0, np.nan]]), "finite"),
        (np.array([[np.inf, 0.0]]), "finite"),
    ],
)
def test_softmax_rejects_bad_logits(bad, match):
    for function in (softmax.softmax, softmax.log_softmax):
        with pytest.raises(ValueError, match=match):
            function(bad)


@pytest.mark.parametrize("n, k", [(4, 3), (1, 10), (9, 2), (32, 10)])
def test_cross_entropy_matches_keras(n, k):
    probs = scipy.special.softmax(RNG.normal(0, 2, size=(n, k)), axis=-1)
    labels = RNG.integers(0, k, size=n)
    keras_loss = keras.losses.SparseCategoricalCrossentropy()(labels, probs.astype("float32"))
    got = softmax.cross_entropy(probs, labels)
    assert isinstance(got, float)
    assert got == pytest.approx(float(keras_loss), abs=1e-5)
    assert got == pytest.approx(-np.mean(np.log(probs[np.arange(n), labels])), abs=1e-12)


def test_cross_entropy_of_a_uniform_guess_is_log_k_and_zero_probability_is_clipped():
    assert softmax.cross_entropy(np.full((3, 10), 0.1), np.array([0, 5, 9])) == pytest.approx(
        np.log(10)
    )
    sure_and_wrong = np.array([[1.0, 0.0, 0.0]])
    keras_loss = keras.losses.SparseCategoricalCrossentropy()(np.array([1]), sure_and_wrong)
    got = softmax.cross_entropy(sure_and_wrong, np.array([1]))
    assert got == pytest.approx(-np.log(softmax.EPSILON))
    assert got == pytest.approx(float(keras_loss), abs=1e-4)


@pytest.mark.parametrize(
    "probs, labels, match",
    [
        (np.full(3, 1 / 3), np.array([0]), r"2D \(batch, num_classes\)"),
        (np.array([[2.0, -1.0, 0.5]]), np.array([0]), r"pass softmax\(logits\)"),
        (np.array([[0.2, 0.2, 0.2]]), np.array([0]), "summing to 1"),
        (np.full((2, 3), 1 / 3), np.array([0.0, 2.0]), r"astype\(int\)"),
        (np.full((2, 3), 1 / 3), np.eye(3)[[0, 2]], r"argmax\(axis=1\)"),
        (np.full((2, 3), 1 / 3), np.array([0, 3]), "below num_classes=3"),
        (np.full((2, 3), 1 / 3), np.array([0, -1]), "non-negative"),
        (np.full((2, 3), 1 / 3), np.array([0, 1, 2]), "3 entries but 2 were expected"),
    ],
)
def test_cross_entropy_rejects_bad_input(probs, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax.cross_entropy(probs, labels)


def test_check_labels_returns_int64_and_names_the_argument():
    np.testing.assert_array_equal(softmax.check_labels(np.array([1, 2], np.uint8)), [1, 2])
    assert softmax.check_labels(np.array([1, 2], np.uint8)).dtype == np.int64
    with pytest.raises(ValueError, match="`predictions` must be integer"):
        softmax.check_labels(np.array([0.5]), name="predictions")
    with pytest.raises(ValueError, match=r"reshape\(-1\)"):
        softmax.check_labels(np.array([[1], [2]]))


@pytest.mark.parametrize(
    "input_shape, num_classes, params",
    [((28, 28, 1), 10, 7850), ((8, 8, 3), 4, 8 * 8 * 3 * 4 + 4), ((5,), 2, 12)],
)
def test_softmax_classifier_is_softmax_of_wx_plus_b(input_shape, num_classes, params):
    model = softmax.build_softmax_classifier(input_shape, num_classes)
    assert model.count_params() == params
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense"]
    assert model.loss == "sparse_categorical_crossentropy"
    images = RNG.random((6, *input_shape)).astype("float32")
    kernel, bias = model.layers[-1].get_weights()
    assert kernel.shape == (int(np.prod(input_shape)), num_classes)
    assert not kernel.any() and not bias.any()  # starts at zero: probability 1/k each
    np.testing.assert_allclose(model.predict(images, verbose=0), 1 / num_classes, atol=1e-7)
    kernel = RNG.normal(0, 0.1, size=kernel.shape).astype("float32")
    bias = RNG.normal(0, 1, size=bias.shape).astype("float32")
    model.layers[-1].set_weights([kernel, bias])
    expected = scipy.special.softmax(images.reshape(6, -1) @ kernel + bias, axis=-1)
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_classes": 1}, "at least 2"),
        ({"num_classes": 2.0}, "at least 2"),
        ({"input_shape": (28, 0, 1)}, r"For MNIST use \(28, 28, 1\)"),
        ({"input_shape": 28}, "tuple of positive integers"),
    ],
)
def test_softmax_classifier_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        softmax.build_softmax_classifier(**kwargs)


def test_softmax_classifier_learns_mnist_digits():
    train_images, train_labels = data.load_mnist("train", limit=500)
    test_images, test_labels = data.load_mnist("test", limit=500)
    config.set_seed(0)
    model = softmax.build_softmax_classifier()
    history = model.fit(data.normalize_images(train_images), train_labels, epochs=5, verbose=0)
    probs = model.predict(data.normalize_images(test_images), verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert (probs.argmax(axis=1) == test_labels).mean() > 0.7  # chance is 0.1
    assert softmax.cross_entropy(probs, test_labels) < np.log(10) / 2


def test_plot_weight_templates_draws_each_column():
    kernel = RNG.normal(size=(784, 10))
    fig = softmax.plot_weight_templates(kernel, class_names=list("abcdefghij"))
    assert len(fig.axes) == 11
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), kernel[:, 3].reshape(28, 28))
    assert fig.axes[3].get_title() == "W for d"
    limit = np.percentile(np.abs(kernel), 99)  # the colour scale ends at the 99th percentile
    assert fig.axes[3].images[0].get_clim() == pytest.approx((-limit, limit))
    assert abs((np.abs(kernel) > limit).sum() - 0.01 * kernel.size) <= 1


@pytest.mark.parametrize(
    "kernel, kwargs, match",
    [
        (np.zeros((10, 784)), {}, r"\(784, num_classes\)"),
        (np.zeros((784, 10)), {"class_names": ["a"]}, "one name per class"),
        (np.zeros((784, 10)), {"image_shape": (28, 28, 1)}, "2 positive integers"),
    ],
)
def test_plot_weight_templates_rejects_bad_input(kernel, kwargs, match):
    with pytest.raises(ValueError, match=match):
        softmax.plot_weight_templates(kernel, **kwargs)


def test_plot_predictions_draws_bars_of_the_probabilities():
    probs = scipy.special.softmax(RNG.normal(0, 2, size=(3, 10)), axis=-1)
    labels = probs.argmax(axis=1)
    labels[1] = (labels[1] + 1) % 10  # one mistake
    fig = softmax.plot_predictions(np.zeros((3, 28, 28, 1)), probs, labels)
    assert len(fig.axes) == 6
    heights = [patch.get_height() for patch in fig.axes[3].patches]
    np.testing.assert_allclose(heights, probs[1])
    assert (
        fig.axes[2].get_title(loc="left")
        == f"predicted {probs[1].argmax()}: wrong (true {labels[1]})"
    )
    assert fig.axes[0].get_title(loc="left").endswith(": right")


@pytest.mark.parametrize(
    "images, probs, labels, match",
    [
        (np.zeros((28, 28)), np.full((1, 10), 0.1), None, "non-empty batch"),
        (np.zeros((2, 28, 28)), np.full((3, 10), 0.1), None, r"\(2, num_classes\)"),
        (np.zeros((2, 28, 28)), np.full((2, 10), 0.1), np.array([1.0, 2.0]), "integer"),
    ],
)
def test_plot_predictions_rejects_bad_input(images, probs, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax.plot_predictions(images, probs, labels)


def test_check_class_names_gives_one_name_per_class():
    assert softmax.check_class_names(None, 3) == ["0", "1", "2"]
    assert softmax.check_class_names(("cat", 7), 2) == ["cat", "7"]
    with pytest.raises(ValueError, match="2 names but there are 3 classes"):
        softmax.check_class_names(["a", "b"], 3)

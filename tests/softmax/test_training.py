"""course_utils.softmax.training: the gradient p - y, one SGD step, the gradient check."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import backend, softmax

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend

RNG = np.random.default_rng(0)


def keras_gradient_of_logits(logits, labels):
    """Keras' automatic gradient of the mean sparse cross-entropy from logits."""
    variable = keras.Variable(logits.astype("float32"))

    def loss():
        losses = keras.losses.sparse_categorical_crossentropy(labels, variable, from_logits=True)
        return keras.ops.mean(losses)

    _, (gradient,) = backend.value_and_gradients(loss, [variable])
    return backend.to_numpy(gradient)


@pytest.mark.parametrize(
    "n, k, scale, seed",
    [(5, 3, 1.0, 0), (1, 2, 1.0, 1), (7, 10, 3.0, 2), (32, 10, 1.0, 3), (4, 6, 30.0, 4)],
)
def test_cross_entropy_gradient_equals_keras_autodiff(n, k, scale, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, scale, size=(n, k))
    labels = rng.integers(0, k, size=n)
    got = softmax.cross_entropy_gradient(logits, labels)
    assert got.shape == (n, k) and got.dtype == np.float64
    np.testing.assert_allclose(got, keras_gradient_of_logits(logits, labels), atol=1e-5)


@pytest.mark.parametrize("n, k, seed", [(5, 3, 0), (1, 2, 1), (6, 10, 2), (3, 4, 3)])
def test_cross_entropy_gradient_equals_central_differences(n, k, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2, size=(n, k))
    labels = rng.integers(0, k, size=n)
    numeric = softmax.numerical_gradient(
        lambda z: softmax.cross_entropy_from_logits(z, labels), logits
    )
    got = softmax.cross_entropy_gradient(logits, labels)
    np.testing.assert_allclose(got, numeric, atol=1e-8)
    assert softmax.relative_error(got, numeric) < 1e-7


def test_cross_entropy_gradient_is_probabilities_less_one_hot_over_n():
    logits = RNG.normal(0, 2, size=(6, 4))
    labels = np.array([0, 3, 3, 1, 0, 2])
    got = softmax.cross_entropy_gradient(logits, labels)
    expected = (scipy.special.softmax(logits, axis=1) - np.eye(4)[labels]) / 6
    np.testing.assert_allclose(got, expected, atol=1e-15)
    np.testing.assert_allclose(got.sum(axis=1), 0, atol=1e-15)  # every row sums to 0
    assert (got[np.arange(6), labels] < 0).all()
    assert (np.delete(got.ravel(), np.arange(6) * 4 + labels) > 0).all()


def test_cross_entropy_gradient_stays_finite_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])
    got = softmax.cross_entropy_gradient(logits, np.array([2, 1]))
    second = np.exp(-1) / (1 + np.exp(-1))  # the probability of the score 999 next to 1000
    expected = np.array([[1.0, 0.0, -1.0], [0.0, -second, second]]) / 2
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize(
    "logits, labels, match",
    [
        (np.zeros(3), np.array([0]), r"2D \(batch, num_classes\)"),
        (np.array([[0.0, np.nan]]), np.array([0]), "finite"),
        (np.zeros((2, 3)), np.eye(3)[[0, 1]], r"one-hot.*argmax\(axis=1\)"),
        (np.zeros((2, 3)), np.array([0]), "1 entries but 2 were expected"),
        (np.zeros((2, 3)), np.array([0, 5]), "below num_classes=3"),
    ],
)
def test_cross_entropy_gradient_rejects_bad_input(logits, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax.cross_entropy_gradient(logits, labels)


def keras_sgd_step(weights, bias, images, labels, learning_rate):
    """One step of keras.optimizers.SGD on a Dense(softmax) model with these weights."""
    model = softmax.build_softmax_classifier(images.shape[1:], weights.shape[1])
    model.layers[-1].set_weights([weights.astype("float32"), bias.astype("float32")])
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)

    def loss():
        return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, model(images)))

    _, gradients = backend.value_and_gradients(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(gradients, model.trainable_weights))
    return model.layers[-1].get_weights()


@pytest.mark.parametrize(
    "image_shape, n, k, learning_rate, seed",
    [
        ((28, 28, 1), 16, 10, 0.5, 0),
        ((1,), 1, 2, 0.1, 1),
        ((5,), 7, 3, 2.0, 2),
        ((4, 4, 1), 9, 4, 0.01, 3),
    ],
)
def test_sgd_step_equals_one_step_of_keras_sgd(image_shape, n, k, learning_rate, seed):
    rng = np.random.default_rng(seed)
    pixels = int(np.prod(image_shape))
    weights = rng.normal(0, 0.1, size=(pixels, k))
    bias = rng.normal(0, 0.5, size=k)
    images = rng.random((n, *image_shape)).astype("float32")
    labels = rng.integers(0, k, size=n)
    new_weights, new_bias = softmax.sgd_step(weights, bias, images, labels, learning_rate)
    keras_weights, keras_bias = keras_sgd_step(weights, bias, images, labels, learning_rate)
    assert new_weights.shape == weights.shape and new_bias.shape == bias.shape
    assert not np.allclose(new_weights, weights, atol=1e-4)  # the step is not a no-op
    np.testing.assert_allclose(new_weights, keras_weights, atol=1e-5)
    np.testing.assert_allclose(new_bias, keras_bias, atol=1e-5)


def test_sgd_step_moves_against_the_numerical_gradient():
    weights = RNG.normal(0, 0.3, size=(6, 3))
    bias = RNG.normal(0, 0.3, size=3)
    images = RNG.random((5, 6))
    labels = np.array([0, 2, 2, 1, 0])

    def loss(w, b):
        return softmax.cross_entropy_from_logits(images @ w + b, labels)

    grad_weights = softmax.numerical_gradient(lambda w: loss(w, bias), weights)
    grad_bias = softmax.numerical_gradient(lambda b: loss(weights, b), bias)
    new_weights, new_bias = softmax.sgd_step(weights, bias, images, labels, 0.3)
    np.testing.assert_allclose(new_weights, weights - 0.3 * grad_weights, atol=1e-9)
    np.testing.assert_allclose(new_bias, bias - 0.3 * grad_bias, atol=1e-9)
    assert loss(new_weights, new_bias) < loss(weights, bias)


def test_sgd_step_leaves_its_arguments_alone_and_returns_float64():
    weights = np.zeros((4, 3), dtype=np.float32)
    bias = np.zeros(3, dtype=np.float32)
    images = np.arange(8, dtype=np.uint8).reshape(2, 2, 2)  # flattened to (2, 4)
    labels = np.array([1, 2], dtype=np.uint8)
    new_weights, new_bias = softmax.sgd_step(weights, bias, images, labels, learning_rate=1)
    assert not weights.any() and not bias.any()
    assert new_weights.dtype == new_bias.dtype == np.float64
    x = images.reshape(2, 4).astype(float)
    grad = (np.full((2, 3), 1 / 3) - np.eye(3)[[1, 2]]) / 2
    np.testing.assert_allclose(new_weights, -x.T @ grad, atol=1e-12)
    np.testing.assert_allclose(new_bias, -grad.sum(axis=0), atol=1e-12)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"weights": np.zeros(4)}, r"`weights` must be a 2D array \(d, num_classes\)"),
        ({"weights": np.full((4, 3), np.nan)}, "finite numbers"),
        (
            {"bias": np.zeros(4)},
            r"`bias` must be 3 finite numbers, shape \(3,\).*received shape \(4,\)",
        ),
        ({"bias": np.zeros((1, 3))}, r"received shape \(1, 3\)"),
        ({"images": np.zeros((2, 5))}, r"4 numbers each.*received shape \(2, 5\)"),
        ({"images": np.zeros(4)}, r"images\[None\]"),
        ({"images": np.full((2, 4), np.inf)}, "`images` must be finite"),
        ({"labels": np.array([0, 3])}, "below num_classes=3"),
        ({"labels": np.array([0])}, "1 entries but 2 were expected"),
        ({"labels": np.array([0.0, 1.0])}, r"astype\(int\)"),
        ({"learning_rate": 0}, "`learning_rate` must be a positive number; received 0"),
        ({"learning_rate": -0.1}, "positive number"),
        ({"learning_rate": float("nan")}, "positive number"),
        ({"learning_rate": "0.5"}, "positive number; received '0.5'"),
        ({"learning_rate": True}, "positive number"),
    ],
)
def test_sgd_step_rejects_bad_input(change, match):
    arguments = {
        "weights": np.zeros((4, 3)),
        "bias": np.zeros(3),
        "images": np.ones((2, 4)),
        "labels": np.array([0, 2]),
        "learning_rate": 0.5,
        **change,
    }
    with pytest.raises(ValueError, match=match):
        softmax.sgd_step(**arguments)


def test_numerical_gradient_of_a_known_function_and_leaves_values_alone():
    values = RNG.normal(size=(3, 2))
    before = values.copy()
    got = softmax.numerical_gradient(lambda w: float(np.sum(np.sin(w))), values)
    np.testing.assert_allclose(got, np.cos(values), atol=1e-9)
    np.testing.assert_array_equal(values, before)
    coarse = softmax.numerical_gradient(lambda w: float(np.sum(w**3)), np.array([1.0]), 0.1)
    np.testing.assert_allclose(coarse, [3 + 0.1**2], atol=1e-12)  # central error: epsilon^2


@pytest.mark.parametrize(
    "fn, values, epsilon, match",
    [
        ("loss", np.zeros(2), 1e-5, "must be a function of one array"),
        (lambda w: w, np.zeros(2), 1e-5, "must return one finite number"),
        (lambda w: float("nan"), np.zeros(2), 1e-5, "must return one finite number"),
        (lambda w: 0.0, np.zeros(0), 1e-5, "non-empty array of finite numbers"),
        (lambda w: 0.0, np.array([np.inf]), 1e-5, "non-empty array of finite numbers"),
        (lambda w: 0.0, np.zeros(2), 0, "`epsilon` must be a small positive number"),
    ],
)
def test_numerical_gradient_rejects_bad_input(fn, values, epsilon, match):
    with pytest.raises(ValueError, match=match):
        softmax.numerical_gradient(fn, values, epsilon)


def test_relative_error_is_scale_free_and_zero_for_equal_arrays():
    a = RNG.normal(size=(4, 5))
    b = a + 1e-3 * RNG.normal(size=(4, 5))
    error = softmax.relative_error(a, b)
    assert error == pytest.approx(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))
    assert softmax.relative_error(1000 * a, 1000 * b) == pytest.approx(error)
    assert softmax.relative_error(a, a) == 0.0
    assert softmax.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert softmax.relative_error(a, np.zeros_like(a)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"same shape; received \(4, 5\) and \(5, 4\)"):
        softmax.relative_error(a, a.T)

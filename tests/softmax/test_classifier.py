"""course_utils.softmax.classifier: the Keras model softmax(xW + b) and its argument checks."""

import numpy as np
import pytest
import scipy.special

from course_utils import config, data, softmax

RNG = np.random.default_rng(0)


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


def test_check_class_names_gives_one_name_per_class():
    assert softmax.check_class_names(None, 3) == ["0", "1", "2"]
    assert softmax.check_class_names(("cat", 7), 2) == ["cat", "7"]
    with pytest.raises(ValueError, match="2 names but there are 3 classes"):
        softmax.check_class_names(["a", "b"], 3)

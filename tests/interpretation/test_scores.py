"""course_utils.interpretation.scores: the logits before the softmax, and the probabilities."""

import keras
import numpy as np
import pytest
import scipy.special

from course_utils import interpretation

from .conftest import build_linear


def test_logits_of_a_dense_softmax_layer_are_x_w_plus_b(linear, bars):
    model, kernel, bias = linear
    images = bars[0]
    logits = interpretation.class_scores(model, images)
    np.testing.assert_allclose(logits, images.reshape(len(images), -1) @ kernel + bias, atol=1e-5)
    np.testing.assert_allclose(
        scipy.special.softmax(logits, axis=1), model.predict(images, verbose=0), atol=1e-6
    )


def test_logits_of_the_cnn_give_its_probabilities(cnn, bars):
    logits = interpretation.class_scores(cnn, bars[0])
    assert logits.shape == (16, 3) and logits.dtype == np.float32
    np.testing.assert_allclose(
        scipy.special.softmax(logits, axis=1), cnn.predict(bars[0], verbose=0), atol=1e-6
    )
    assert len(cnn.layers) == 5 and cnn.layers[-1].activation.__name__ == "softmax"  # unchanged


def test_a_softmax_layer_and_a_logits_model():
    linear, kernel, bias = build_linear((3, 2, 1), activation=None)
    with_layer = keras.Sequential([linear, keras.layers.Softmax()])
    images = np.random.default_rng(0).normal(size=(4, 3, 2, 1)).astype(np.float32)
    expected = images.reshape(4, -1) @ kernel + bias
    for model in (linear, with_layer):
        np.testing.assert_allclose(interpretation.class_scores(model, images), expected, atol=1e-5)
        np.testing.assert_allclose(
            interpretation.class_probabilities(model, images),
            scipy.special.softmax(expected, axis=1),
            atol=1e-6,
        )
    assert interpretation.ends_in_softmax(with_layer) and not interpretation.ends_in_softmax(linear)


def test_class_scores_picks_one_class_per_image(linear, bars):
    model, _, _ = linear
    everything = interpretation.class_scores(model, bars[0])
    np.testing.assert_array_equal(
        interpretation.class_scores(model, bars[0], bars[1]), everything[np.arange(16), bars[1]]
    )
    np.testing.assert_array_equal(
        interpretation.class_scores(model, bars[0], 2, batch_size=3), everything[:, 2]
    )


@pytest.mark.parametrize(
    "model, images, kwargs, match",
    [
        ("not a model", np.zeros((1, 12, 12, 1)), {}, "must be a keras.Model; received str"),
        (None, np.zeros((12, 12, 1)), {}, r"must be 4D .*received shape \(12, 12, 1\)"),
        (None, np.zeros((2, 10, 12, 1)), {}, r"takes images of shape \(12, 12, 1\)"),
        (None, np.zeros((2, 12, 12, 1)), {"class_index": 3}, r"an int in \[0, 3\)"),
        (None, np.zeros((2, 12, 12, 1)), {"class_index": [0, 1, 2]}, "one such int per image"),
        (None, np.zeros((2, 12, 12, 1)), {"class_index": 1.0}, "one such int per image"),
        (None, np.full((1, 12, 12, 1), np.nan), {}, "NaN or infinity"),
        (None, np.zeros((1, 12, 12, 1)), {"batch_size": 0}, "positive integer"),
    ],
)
def test_bad_arguments_are_explained(linear, model, images, kwargs, match):
    with pytest.raises(ValueError, match=match):
        interpretation.class_scores(linear[0] if model is None else model, images, **kwargs)


def test_a_model_that_does_not_classify_is_refused():
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match=r"one score per class.*\(None, 4, 4, 2\)"):
        interpretation.build_logit_model(model)

"""course_utils.interpretation.cam: Grad-CAM, and its equality with CAM after global pooling."""

import keras
import numpy as np
import pytest

from course_utils import config, interpretation

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


@pytest.fixture(scope="module")
def gap_model():
    """Conv2D -> Conv2D -> GlobalAveragePooling2D -> Dense(4, softmax) on (11, 9, 2) images."""
    with config.seeded(1):
        return keras.Sequential(
            [
                keras.Input((11, 9, 2)),
                keras.layers.Conv2D(3, 3, activation="relu", name="first"),
                keras.layers.Conv2D(5, 3, strides=2, activation="relu", name="last"),
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(4, activation="softmax", name="dense"),
            ]
        )


def class_activation_maps(model, images, classes):
    """CAM (Zhou et al. 2016): sum over k of W[k, class] A^k, ReLU'd, at the layer's size."""
    maps = keras.Model(model.inputs[0], model.get_layer("last").output).predict(images, verbose=0)
    kernel = model.get_layer("dense").get_weights()[0]
    return np.maximum(np.einsum("nhwk,kn->nhw", maps, kernel[:, classes]), 0.0)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).random((5, 11, 9, 2)).astype(np.float32)


def test_grad_cam_after_global_pooling_is_cam_over_the_map_size(gap_model, images):
    classes = np.array([0, 1, 2, 3, 1])
    cams = class_activation_maps(gap_model, images, classes)
    assert cams.shape == (5, 4, 3) and cams.max() > 0
    grad_cams = interpretation.grad_cam(gap_model, images, classes, upsample=False)
    np.testing.assert_allclose(grad_cams, cams / (4 * 3), rtol=1e-4, atol=1e-6)


def test_grad_cam_is_upsampled_bilinearly_to_the_image(gap_model, images):
    cams = class_activation_maps(gap_model, images, np.full(5, 2))
    resized = keras.ops.convert_to_numpy(keras.ops.image.resize(cams[..., None], (11, 9)))[..., 0]
    grad_cams = interpretation.grad_cam(gap_model, images, 2)
    assert grad_cams.shape == (5, 11, 9) and grad_cams.min() >= 0
    ratio = grad_cams[resized > 1e-3] / resized[resized > 1e-3]
    np.testing.assert_allclose(ratio, 1 / 12, rtol=1e-3)  # CAM up to a positive factor


def test_grad_cam_uses_the_last_conv2d_layer_unless_told(gap_model, cnn, bars, images):
    assert interpretation.last_conv_layer_name(gap_model) == "last"
    assert interpretation.last_conv_layer_name(cnn) == "conv2"
    np.testing.assert_allclose(
        interpretation.grad_cam(cnn, bars[0], bars[1]),
        interpretation.grad_cam(cnn, bars[0], bars[1], layer_name="conv2", batch_size=3),
        rtol=1e-5,
        atol=1e-7,
    )
    first = interpretation.grad_cam(gap_model, images, 0, layer_name="first", upsample=False)
    assert first.shape == (5, 9, 7)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"layer_name": "nope"}, "'nope' is not a layer of"),
        ({"layer_name": "dense"}, r"outputs shape \(None, 4\), not \(n, height, width, channels\)"),
        ({"class_index": 4}, r"an int in \[0, 4\)"),
    ],
)
def test_bad_arguments_are_explained(gap_model, images, kwargs, match):
    arguments = {"class_index": 0, **kwargs}
    with pytest.raises(ValueError, match=match):
        interpretation.grad_cam(gap_model, images, **arguments)


def test_a_model_without_convolution_is_refused(linear, bars):
    with pytest.raises(ValueError, match="has no Conv2D layer for Grad-CAM"):
        interpretation.grad_cam(linear[0], bars[0], 0)


def test_grad_cam_works_on_a_saved_and_loaded_sequential_model(cnn, bars, tmp_path):
    """The seed CNN reaches notebook 09 through `keras.models.load_model`."""
    images, labels = bars
    path = tmp_path / "cnn.keras"
    cnn.save(path)
    loaded = keras.models.load_model(path)
    expected = interpretation.grad_cam(cnn, images[:4], labels[:4])
    np.testing.assert_allclose(
        interpretation.grad_cam(loaded, images[:4], labels[:4]), expected, rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        interpretation.saliency(loaded, images[:4], labels[:4]),
        interpretation.saliency(cnn, images[:4], labels[:4]),
        rtol=1e-5,
        atol=1e-7,
    )

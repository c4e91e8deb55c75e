"""segmentation.losses: the per-pixel cross-entropy, equal to Keras' and trainable on every backend."""

import keras
import numpy as np
import pytest

from course_utils import backend, segmentation
from course_utils.segmentation.losses import pixel_cross_entropy

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


@pytest.mark.parametrize("shape, classes", [((2, 5, 7), 4), ((1, 3, 2), 2), ((3, 4, 4), 11)])
def test_equals_keras_sparse_categorical_crossentropy(shape, classes):
    rng = np.random.default_rng(classes)
    logits = rng.normal(0, 3, size=(*shape, classes)).astype("float32")
    probabilities = backend.to_numpy(keras.ops.softmax(logits))
    masks = rng.integers(0, classes, size=shape)
    ours = backend.to_numpy(pixel_cross_entropy(masks, probabilities))
    theirs = backend.to_numpy(keras.losses.sparse_categorical_crossentropy(masks, probabilities))
    assert ours.shape == shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    by_hand = -np.log(np.take_along_axis(probabilities, masks[..., None], axis=-1)[..., 0])
    np.testing.assert_allclose(ours, by_hand, rtol=1e-5, atol=1e-6)


def test_accepts_masks_with_a_channel_axis():
    probabilities = np.full((1, 2, 2, 3), 1 / 3, dtype="float32")
    masks = np.zeros((1, 2, 2, 1), dtype="uint8")
    np.testing.assert_allclose(
        backend.to_numpy(pixel_cross_entropy(masks, probabilities)), np.log(3.0), rtol=1e-6
    )


def test_a_unet_trains_on_it_and_reloads(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((8, 16, 16, 1)).astype("float32")
    masks = (images[..., 0] > 0.5).astype("uint8")  # class 1 where the pixel is bright
    model = segmentation.build_unet((16, 16, 1), 2, depth=1, base_filters=4)
    model.compile(keras.optimizers.Adam(0.01), loss=pixel_cross_entropy)
    history = model.fit(images, masks, epochs=15, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    model.save(tmp_path / "unet.keras")
    loaded = keras.models.load_model(tmp_path / "unet.keras")  # the loss is found by name
    assert loaded.loss is pixel_cross_entropy

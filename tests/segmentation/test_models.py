"""course_utils.segmentation.models: the U-Net and the masks it predicts."""

import keras
import numpy as np
import pytest

from course_utils import config, segmentation


def _unet_params(channels, num_classes, base, depth, skips):
    """Parameter count from the architecture's description, layer by layer."""

    def block(cin, c):  # two 3x3 convs without bias, each with BN (4 values per channel)
        return 9 * cin * c + 4 * c + 9 * c * c + 4 * c

    total, cin, widths = 0, channels, []
    for level in range(depth):
        c = base * 2**level
        total += block(cin, c)
        widths.append(c)
        cin = c
    total += block(cin, base * 2**depth)
    cin = base * 2**depth
    for level in reversed(range(depth)):
        c = base * 2**level
        total += block(cin + (widths[level] if skips else 0), c)
        cin = c
    return total + cin * num_classes + num_classes


@pytest.mark.parametrize(
    "input_shape, num_classes, base, depth, skips",
    [
        ((64, 64, 1), 11, 16, 3, True),
        ((64, 64, 1), 11, 16, 3, False),
        ((32, 48, 3), 4, 8, 2, True),
        ((16, 16, 1), 2, 4, 1, True),
    ],
)
def test_unet_shapes_and_parameters(input_shape, num_classes, base, depth, skips):
    model = segmentation.build_unet(
        input_shape, num_classes, base_filters=base, depth=depth, skip_connections=skips
    )
    assert model.output_shape == (None, *input_shape[:2], num_classes)
    assert model.count_params() == _unet_params(input_shape[2], num_classes, base, depth, skips)
    names = [layer.name for layer in model.layers]
    assert sum(name.startswith("skip") for name in names) == (depth if skips else 0)
    assert sum(name.startswith("pool") for name in names) == depth
    assert sum(name.startswith("up") for name in names) == depth
    assert not model.compiled
    # Skips concatenate the encoder output of the same size.
    if skips:
        concat = model.get_layer("skip0")
        assert concat.output.shape[1:] == (*input_shape[:2], base * 3)
    probabilities = model.predict(np.random.default_rng(0).random((2, *input_shape)), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, atol=1e-5)


def test_unet_learns_a_per_pixel_rule():
    """A tiny smoke fit: class 1 where a pixel is bright, learnt in a few dozen steps."""
    config.set_seed(0)
    images = np.random.default_rng(0).random((32, 8, 8, 1)).astype("float32")
    masks = (images[..., 0] > 0.5).astype("uint8")
    model = segmentation.build_unet((8, 8, 1), 2, base_filters=4, depth=1)
    model.compile(keras.optimizers.Adam(0.03), "sparse_categorical_crossentropy")
    history = model.fit(images, masks, batch_size=8, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    predicted = segmentation.predict_masks(model, images)
    assert predicted.shape == masks.shape and predicted.dtype == np.uint8
    np.testing.assert_array_equal(predicted, model.predict(images, verbose=0).argmax(-1))
    assert segmentation.pixel_accuracy(masks, predicted) > 0.9


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (((64, 64), 11), {}, r"`input_shape` must be \(height, width, channels\)"),
        (((64, 64, 0), 11), {}, r"positive integers; received \(64, 64, 0\)"),
        (((60, 64, 1), 11), {}, r"divisible by 2\*\*depth = 8.*\(e.g. to 64\)"),
        (((64, 64, 1), 1), {}, r"`num_classes` must be an integer of at least 2"),
        (((64, 64, 1), 11), {"base_filters": 0}, r"`base_filters` must be an integer"),
        (((64, 64, 1), 11), {"depth": 0}, r"`depth` must be an integer of at least 1"),
    ],
)
def test_build_unet_rejects_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        segmentation.build_unet(*args, **kwargs)


def test_predict_masks_in_several_batches_and_bad_input():
    config.set_seed(1)
    model = segmentation.build_unet((16, 16, 1), 3, base_filters=2, depth=1)
    images = np.random.default_rng(1).random((12, 16, 16, 1))  # float64 is accepted
    predicted = segmentation.predict_masks(model, images, batch_size=5)
    expected = model.predict(images.astype("float32"), verbose=0).argmax(axis=-1)
    np.testing.assert_array_equal(predicted, expected)
    with pytest.raises(ValueError, match=r"received shape \(16, 16, 1\).*images\[None\]"):
        segmentation.predict_masks(model, np.zeros((16, 16, 1)))
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer of at least 1"):
        segmentation.predict_masks(model, images, batch_size=0)

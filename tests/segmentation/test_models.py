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


def test_build_unet_rejects_sizes_its_poolings_cannot_halve():
    with pytest.raises(ValueError, match=r"divisible by 8; got \(60, 64, 1\)"):
        segmentation.build_unet((60, 64, 1), 11)
    with pytest.raises(ValueError, match=r"divisible by 4; got \(64, 66, 1\)"):
        segmentation.build_unet((64, 66, 1), 11, depth=2, skip_connections=False)
    model = segmentation.build_unet((60, 64, 1), 3, base_filters=2, depth=2)  # 60 = 4 * 15
    assert model.output_shape == (None, 60, 64, 3)


def _conv_same_numpy(x, kernel):
    """A 3x3 cross-correlation with zero padding, "same" size, loop by loop over the window."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((*x.shape[:3], kernel.shape[-1]))
    for i in range(3):
        for j in range(3):
            window = padded[:, i : i + x.shape[1], j : j + x.shape[2], :]
            out += np.einsum("bhwc,cf->bhwf", window, kernel[i, j])
    return out


@pytest.mark.every_backend
def test_conv_block_is_two_rounds_of_conv_batch_norm_relu():
    inputs = keras.Input(shape=(7, 9, 3))
    block = keras.Model(inputs, segmentation.conv_block(inputs, 5, "level"))
    names = [layer.name for layer in block.layers[1:]]
    assert names == [f"level_{kind}{i}" for i in (1, 2) for kind in ("conv", "bn", "relu")]
    assert block.output_shape == (None, 7, 9, 5)  # "same" padding keeps the size
    assert block.count_params() == (9 * 3 * 5 + 4 * 5) + (9 * 5 * 5 + 4 * 5)  # no conv bias
    assert all(layer.momentum == 0.9 for layer in block.layers if "_bn" in layer.name)
    # With random weights and moving statistics, at inference it computes, twice,
    # relu(gamma * (conv(x) - mean) / sqrt(variance + epsilon) + beta).
    rng = np.random.default_rng(0)
    for layer in block.layers[1:]:
        layer.set_weights([rng.uniform(0.5, 1.5, w.shape) for w in layer.get_weights()])
    x = rng.normal(size=(2, 7, 9, 3))
    expected = x
    for index in (1, 2):
        (kernel,) = block.get_layer(f"level_conv{index}").get_weights()
        gamma, beta, mean, variance = block.get_layer(f"level_bn{index}").get_weights()
        normalized = (_conv_same_numpy(expected, kernel) - mean) / np.sqrt(variance + 1e-3)
        expected = np.maximum(gamma * normalized + beta, 0.0)
    got = keras.ops.convert_to_numpy(block(x.astype("float32"), training=False))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


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

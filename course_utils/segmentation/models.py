"""The segmentation model: a small U-Net, its block, and the masks it predicts.

    model = build_unet((64, 64, 1), NUM_CLASSES)
    masks = predict_masks(model, test_images)  # the most probable class of every pixel

Notebook 05 writes `conv_block` and `build_unet` in its own cells, as the
lesson; these are the tested copies of the same text, for reuse.
"""

import keras
import numpy as np
from keras import layers

from course_utils import checks, inference


def conv_block(x, filters, name):
    """Two 3x3 convolutions, each followed by batch normalization and a ReLU."""
    for index in (1, 2):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{index}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn{index}")(x)
        x = layers.ReLU(name=f"{name}_relu{index}")(x)
    return x


def build_unet(input_shape, num_classes, base_filters=16, depth=3, skip_connections=True):
    """A U-Net giving each pixel a softmax over `num_classes`; without skips, an encoder-decoder."""
    if input_shape[0] % 2**depth or input_shape[1] % 2**depth:  # each level halves the map
        raise ValueError(f"height and width must be divisible by {2**depth}; got {input_shape}")
    inputs = keras.Input(shape=input_shape, name="image")
    x, skips = inputs, []
    for level in range(depth):  # encoder: the map halves, the filters double
        x = conv_block(x, base_filters * 2**level, f"encoder{level}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{level}")(x)
    x = conv_block(x, base_filters * 2**depth, "bottleneck")
    for level in reversed(range(depth)):  # decoder: the map doubles, the filters halve
        height, width = x.shape[1], x.shape[2]  # "nearest": each pixel becomes a 2x2 block
        x = layers.Resizing(2 * height, 2 * width, "nearest", name=f"up{level}")(x)
        if skip_connections:
            x = layers.Concatenate(name=f"skip{level}")([x, skips[level]])
        x = conv_block(x, base_filters * 2**level, f"decoder{level}")
    outputs = layers.Conv2D(num_classes, 1, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="unet" if skip_connections else "encoder_decoder")


def predict_masks(model, images, batch_size=128):
    """Predicts a mask per image: the most probable class of every pixel.

    The model runs batch by batch (`inference.run_in_batches`) and only the
    argmax of each batch is kept, not its probabilities.

    Args:
        model: a segmentation model such as `build_unet` returns.
        images: float array of shape `(n, height, width, channels)`.
        batch_size: images per prediction step.

    Returns:
        uint8 masks of shape `(n, height, width)`.

    Raises:
        ValueError: if `images` is not a non-empty 4D array.
    """
    images = np.asarray(images)
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch of shape (n, height, width, channels); "
            f"received shape {images.shape}. For one image use images[None]."
        )
    batch_size = checks.integer(batch_size, "batch_size", 1, "Use e.g. batch_size=128.")
    (masks,) = inference.run_in_batches(
        model,
        images.astype(np.float32, copy=False),
        batch_size,
        reduce=lambda probabilities: probabilities.argmax(-1),
    )
    return masks.astype(np.uint8)

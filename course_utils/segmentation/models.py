"""The segmentation model: a small U-Net, and the masks it predicts.

model = build_unet((64, 64, 1), NUM_CLASSES)
masks = predict_masks(model, test_images)    # the most probable class of every pixel
"""

import numpy as np

from course_utils import checks, inference


def build_unet(input_shape, num_classes, base_filters=16, depth=3, skip_connections=True):
    """Builds a small U-Net that gives every pixel a softmax over `num_classes`.

    The encoder applies, at each of `depth` levels, two 3x3 convolutions (each
    followed by batch normalization and ReLU) and a 2x2 max pooling that halves
    the size, doubling the filters from `base_filters`. After a bottleneck block
    the decoder mirrors it: 2x upsampling, concatenation with the encoder's
    output of the same size (the skip connection), two convolutions. A 1x1
    convolution with softmax gives the class probabilities of each pixel.

    Without skip connections the decoder sees only the bottleneck, a map
    `2**depth` times smaller than the input: the model is then a plain
    encoder-decoder, for comparison.

    Args:
        input_shape: `(height, width, channels)`; height and width must be
            divisible by `2**depth`.
        num_classes: number of classes per pixel, at least 2.
        base_filters: filters of the first level; level `k` has
            `base_filters * 2**k`.
        depth: number of poolings (and upsamplings).
        skip_connections: concatenate encoder features into the decoder.

    Returns:
        An uncompiled `keras.Model` mapping `(batch, height, width, channels)`
        to probabilities of shape `(batch, height, width, num_classes)`.

    Raises:
        ValueError: for a malformed `input_shape`, sizes not divisible by
            `2**depth`, or non-positive counts.

    >>> model = build_unet((64, 64, 1), 11)
    >>> model.output_shape, model.count_params()
    ((None, 64, 64, 11), 489291)
    """
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else None
    if shape is None or len(shape) != 3 or not all(checks.is_integer(v) and v > 0 for v in shape):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with positive integers; "
            f"received {input_shape!r}. For 64x64 grey scenes use (64, 64, 1), or images.shape[1:]."
        )
    checks.integer(num_classes, "num_classes", 2, "For the digit scenes use NUM_CLASSES (11).")
    checks.integer(base_filters, "base_filters", 1, "Use e.g. base_filters=16.")
    checks.integer(depth, "depth", 1, "Use e.g. depth=3.")
    factor = 2**depth
    if shape[0] % factor or shape[1] % factor:
        raise ValueError(
            f"`input_shape` {shape} has a height and width that {depth} poolings cannot halve "
            f"evenly: both must be divisible by 2**depth = {factor}. Crop or pad the images "
            f"(e.g. to {factor * max(1, round(shape[0] / factor))}), or lower `depth`."
        )
    import keras  # imported here: the Keras backend is slow to start

    inputs = keras.Input(shape=shape, name="image")
    x, skips = inputs, []
    for level in range(depth):
        x = _conv_block(keras, x, base_filters * 2**level, f"encoder{level}")
        skips.append(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{level}")(x)
    x = _conv_block(keras, x, base_filters * 2**depth, "bottleneck")
    for level in reversed(range(depth)):
        # Nearest-neighbour upsampling, each pixel copied into a 2x2 block: what
        # UpSampling2D computes, without its shape arithmetic on the batch size, which
        # makes TensorFlow log an error-level oneDNN notice on the last, smaller batch.
        height, width = x.shape[1], x.shape[2]
        x = keras.layers.Resizing(2 * height, 2 * width, "nearest", name=f"up{level}")(x)
        if skip_connections:
            x = keras.layers.Concatenate(name=f"skip{level}")([x, skips[level]])
        x = _conv_block(keras, x, base_filters * 2**level, f"decoder{level}")
    outputs = keras.layers.Conv2D(num_classes, 1, activation="softmax", name="classes")(x)
    name = "unet" if skip_connections else "encoder_decoder"
    return keras.Model(inputs, outputs, name=name)


def _conv_block(keras, x, filters, name):
    for index in (1, 2):
        x = keras.layers.Conv2D(
            filters, 3, padding="same", use_bias=False, name=f"{name}_conv{index}"
        )(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn{index}")(x)
        x = keras.layers.ReLU(name=f"{name}_relu{index}")(x)
    return x


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

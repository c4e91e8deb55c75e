"""Grad-CAM: where in the image the last convolution's maps raise the class score.

Grad-CAM (Selvaraju et al. 2017) weighs each feature map A^k of a
convolution layer by alpha_k, the spatial mean of the gradient of the class
score (the logit) with respect to that map, and keeps the positive part:

    grad_cam = ReLU(sum over k of alpha_k A^k),  alpha_k = mean over (i, j) of d score / d A^k_ij

For a network whose last convolution is followed by global average pooling
and one Dense layer, alpha_k is W[k, class] / (height * width): Grad-CAM is
then the class activation map (CAM, Zhou et al. 2016) up to that factor.
"""

import numpy as np

from course_utils import backend
from course_utils.interpretation import arguments
from course_utils.interpretation.attributions import score_gradients
from course_utils.interpretation.scores import (
    DEFAULT_BATCH_SIZE,
    logit_tensor,
    logits_of_last_layer,
    num_classes,
    predict,
)


def last_conv_layer_name(model):
    """The name of the model's last `Conv2D` layer, the one Grad-CAM uses by default.

    Raises:
        ValueError: if the model has no `Conv2D` layer.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="a"),
    ...                           keras.layers.Conv2D(2, 3, name="b"), keras.layers.Flatten()])
    >>> last_conv_layer_name(model)
    'b'
    """
    import keras

    model = arguments.check_model(model)
    for layer in reversed(model.layers):
        if isinstance(layer, keras.layers.Conv2D):
            return layer.name
    raise ValueError(
        f"`model` {model.name!r} has no Conv2D layer for Grad-CAM; its layers are "
        f"{[layer.name for layer in model.layers]}. Pass layer_name= a layer whose output "
        "is a stack of maps (n, height, width, channels)."
    )


def grad_cam(
    model, images, class_index, layer_name=None, upsample=True, batch_size=DEFAULT_BATCH_SIZE
):
    """Computes Grad-CAM maps of `images` for a class.

    The maps are computed at the resolution of the layer's output, with the
    ReLU applied there, then (with `upsample=True`) resized to the input's
    height and width by bilinear interpolation (`keras.ops.image.resize`,
    pixel centres aligned as TensorFlow's `tf.image.resize` does). Raw
    values, not normalised: maps of one model can be compared.

    Args:
        model: a built Keras classifier.
        images: array of shape `(n, height, width, channels)`.
        class_index: the class to explain: an int, or one int per image.
        layer_name: the layer whose maps are weighed; by default the last
            `Conv2D` layer (`last_conv_layer_name(model)`).
        upsample: resize the maps to the images' size (True), or return them
            at the layer's resolution.
        batch_size: images per gradient computation.

    Returns:
        float32 array of shape `(n, height, width)` (or the layer's
        `(n, map_height, map_width)`), non-negative.

    Raises:
        ValueError: if an argument is not as described, or the layer's
            output is not a stack of maps.
    """
    import keras

    model = arguments.check_model(model)
    images = arguments.check_images(images)
    arguments.check_images_fit(model, images)
    batch_size = arguments.check_batch_size(batch_size)
    if layer_name is None:
        layer_name = last_conv_layer_name(model)
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(
            f"`layer_name` {layer_name!r} is not a layer of {model.name!r}; its layers are "
            f"{names}. Leave it out to use the last Conv2D layer."
        )
    layer = model.get_layer(layer_name)
    if len(layer.output.shape) != 4:
        raise ValueError(
            f"Grad-CAM weighs feature maps; layer {layer_name!r} outputs shape "
            f"{tuple(layer.output.shape)}, not (n, height, width, channels). Pick a "
            "convolution or pooling layer."
        )
    features = keras.Model(model.inputs[0], layer.output)
    head = _head(model, layer)
    indices = arguments.check_class_index(class_index, len(images), num_classes(head))
    maps = predict(features, images, batch_size)
    weights = score_gradients(head, maps, indices, batch_size).mean(axis=(1, 2))  # alpha_k
    cams = np.maximum(np.einsum("nhwk,nk->nhw", maps, weights), 0.0)
    if upsample and cams.shape[1:] != images.shape[1:3]:
        resized = keras.ops.image.resize(cams[..., None], images.shape[1:3], "bilinear")
        cams = backend.to_numpy(resized)[..., 0]  # a mean of non-negative values
    return cams.astype(np.float32)


def _head(model, layer):
    """The part of `model` after `layer`, ending in the class scores before the softmax.

    A Sequential model (such as the seed CNN, also once saved and loaded) is a
    chain: its later layers are applied to a new input of the layer's shape.
    A functional model is cut at the layer's output tensor.
    """
    import keras

    if isinstance(model, keras.Sequential):
        later = model.layers[model.layers.index(layer) + 1 :]
        inputs = keras.Input(shape=tuple(layer.output.shape[1:]))
        outputs = inputs
        for following in later[:-1]:
            outputs = following(outputs)
        outputs = logits_of_last_layer(later[-1], outputs) if later else outputs
        return keras.Model(inputs, outputs)
    return keras.Model(layer.output, logit_tensor(model))

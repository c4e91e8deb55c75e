"""The loss a segmentation model trains on: cross-entropy averaged over the pixels.

    model.compile("adam", loss=pixel_cross_entropy)

`pixel_cross_entropy(masks, probabilities)` is notebook 05's formula,
`-ln p_ij(y_ij)` at every pixel, written in `keras.ops`; Keras averages it over
the pixels and the batch. It equals `keras.losses.sparse_categorical_crossentropy`
on the same arguments (tests/segmentation/test_losses.py). The course uses its
own because Keras 3.15's cannot be differentiated through a per-pixel softmax on
PyTorch: it moves the class axis first for `torch.nn.functional.nll_loss`, and
the gradient reaches the softmax in a memory layout PyTorch's softmax refuses
("grad_input must be contiguous"). Picking each pixel's probability with
`take_along_axis` works on every backend.
"""

import keras

EPSILON = 1e-7  # probabilities are clipped to [EPSILON, 1 - EPSILON], as Keras does


@keras.saving.register_keras_serializable(package="course_utils")
def pixel_cross_entropy(masks, probabilities):
    """`-ln p(true class)` at each pixel: shape `(batch, height, width)`.

    Args:
        masks: integer class ids, `(batch, height, width)` (or with a last
            axis of 1).
        probabilities: the model's softmax output, `(batch, height, width,
            classes)`.

    >>> import numpy as np
    >>> probs = np.array([[[[0.5, 0.5], [0.9, 0.1]]]], dtype="float32")  # one 1x2 image
    >>> np.round(keras.ops.convert_to_numpy(pixel_cross_entropy(np.array([[[0, 1]]]), probs)), 4)
    array([[[0.6931, 2.3026]]], dtype=float32)
    """
    probabilities = keras.ops.convert_to_tensor(probabilities)
    labels = keras.ops.cast(keras.ops.convert_to_tensor(masks), "int32")
    if len(labels.shape) == len(probabilities.shape):
        labels = keras.ops.squeeze(labels, axis=-1)
    picked = keras.ops.take_along_axis(probabilities, keras.ops.expand_dims(labels, -1), axis=-1)
    picked = keras.ops.clip(keras.ops.squeeze(picked, axis=-1), EPSILON, 1.0 - EPSILON)
    return -keras.ops.log(picked)

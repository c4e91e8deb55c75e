"""The class scores the methods explain: the logits, before the softmax.

A saliency map or an integrated gradient explains one number per image, the
score of one class. The course explains the logit, the class's value before
the softmax: a probability saturates (a sure prediction has a gradient near
zero everywhere) and depends on every other class's score, a logit does not.

`build_logit_model` finds the logits of a classifier that ends in a softmax:

- a last layer with `activation="softmax"` (the course's `Dense(10,
  softmax)`): a copy of that layer with a linear activation and the same
  weights is applied to the last layer's input, giving `x @ W + b`;
- a last `Softmax` layer or `Activation("softmax")`: its input;
- anything else: the model's output is taken to be the scores already.
"""

import numpy as np

from course_utils import backend
from course_utils.interpretation import arguments

DEFAULT_BATCH_SIZE = 256


def _is_softmax(function):
    return getattr(function, "__name__", None) == "softmax"


def ends_in_softmax(model):
    """True when the model's last layer applies a softmax (so its output is probabilities).

    >>> import keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    >>> ends_in_softmax(model)
    True
    """
    last = model.layers[-1]
    return _is_softmax_layer(last) or _is_softmax(getattr(last, "activation", None))


def logit_tensor(model):
    """The symbolic tensor of the model's class scores before the softmax.

    Args:
        model: a built Keras classifier with one input.

    Returns:
        A KerasTensor of shape `(None, num_classes)` in the model's graph, so
        `keras.Model(model.inputs, logit_tensor(model))` computes the logits and
        `keras.Model(layer.output, logit_tensor(model))` computes them from an
        inner layer's activations (for a functional model).

    Raises:
        ValueError: if the scores are not of shape `(n, num_classes)`.
    """
    last = model.layers[-1]
    if ends_in_softmax(model):
        outputs = logits_of_last_layer(last, last.input)
    else:
        outputs = model.outputs[0]
    if len(outputs.shape) != 2:
        raise ValueError(
            f"`model` must output one score per class, shape (n, num_classes); "
            f"{model.name!r} outputs shape {tuple(outputs.shape)}. Interpretation explains "
            "a classifier, such as the CNN of notebook 04."
        )
    return outputs


def _is_softmax_layer(layer):
    import keras

    return isinstance(layer, keras.layers.Softmax) or (
        isinstance(layer, keras.layers.Activation) and _is_softmax(layer.activation)
    )


def logits_of_last_layer(last, inputs):
    """Applies a classifier's last layer to `inputs` without its softmax.

    A `Softmax` (or softmax `Activation`) layer is skipped; a layer with a
    softmax activation is replaced by a linear copy with the same weights; any
    other layer is applied as it is.

    Args:
        last: the model's last layer.
        inputs: a (symbolic or real) tensor of that layer's input.

    Returns:
        The tensor of class scores before the softmax.
    """
    if _is_softmax_layer(last):
        return inputs
    if not _is_softmax(getattr(last, "activation", None)):
        return last(inputs)
    config = last.get_config()
    config["activation"] = "linear"
    config["name"] = f"{last.name}_logits"
    linear = last.__class__.from_config(config)
    outputs = linear(inputs)
    linear.set_weights(last.get_weights())
    return outputs


def build_logit_model(model):
    """Builds the model that outputs `model`'s class scores before the softmax.

    It shares every layer and weight with `model` up to the last layer; a last
    layer with a softmax activation is replaced by a linear copy with the same
    weights (see the module's docstring).

    Args:
        model: a built Keras classifier with one input.

    Returns:
        A `keras.Model` from `model.inputs` to the logits `(n, num_classes)`.

    Raises:
        ValueError: if `model` is not a built Keras model with one input and
            one output of shape `(n, num_classes)`.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    >>> model.layers[-1].set_weights([np.eye(2, 3, dtype="float32"), np.zeros(3, "float32")])
    >>> build_logit_model(model)(np.array([[2.0, -1.0]])).numpy().tolist()
    [[2.0, -1.0, 0.0]]
    """
    import keras

    model = arguments.check_model(model)
    return keras.Model(model.inputs[0], logit_tensor(model), name=f"{model.name}_logits")


def num_classes(model):
    """The number of classes the model scores (the size of its last axis)."""
    return int(model.outputs[0].shape[-1])


def predict(model, images, batch_size=DEFAULT_BATCH_SIZE):
    """`model(images)` in batches of `batch_size`, as one float32 NumPy array."""
    outputs = [
        backend.to_numpy(model(images[start : start + batch_size], training=False))
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs).astype(np.float32)


def class_scores(model, images, class_index=None, batch_size=DEFAULT_BATCH_SIZE):
    """The class scores before the softmax (the logits) of `model` on `images`.

    Args:
        model: a built Keras classifier.
        images: array of shape `(n, height, width, channels)`.
        class_index: None for every class's score; an int, or one int per
            image, for that class's score only.
        batch_size: images per forward pass.

    Returns:
        float32 array of shape `(n, num_classes)`, or `(n,)` with `class_index`.

    Raises:
        ValueError: if the arguments do not fit the model.
    """
    images, logits = _prepare(model, images)
    scores = predict(logits, images, arguments.check_batch_size(batch_size))
    if class_index is None:
        return scores
    indices = arguments.check_class_index(class_index, len(images), scores.shape[1])
    return scores[np.arange(len(images)), indices]


def class_probabilities(model, images, batch_size=DEFAULT_BATCH_SIZE):
    """The class probabilities of `model` on `images`, `(n, num_classes)`.

    The model's output when it ends in a softmax; otherwise its output is
    taken to be logits and turned into probabilities with a softmax.

    Raises:
        ValueError: if the arguments do not fit the model.
    """
    model = arguments.check_model(model)
    images = arguments.check_images(images)
    arguments.check_images_fit(model, images)
    return predict_probabilities(model, images, arguments.check_batch_size(batch_size))


def predict_probabilities(model, images, batch_size=DEFAULT_BATCH_SIZE):
    """`class_probabilities` without the checks, for arguments already checked."""
    outputs = predict(model, images, batch_size)
    if ends_in_softmax(model):
        return outputs
    exps = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def _prepare(model, images):
    """The checked float32 images and the logit model of `model`."""
    model = arguments.check_model(model)
    images = arguments.check_images(images)
    arguments.check_images_fit(model, images)
    return images, build_logit_model(model)

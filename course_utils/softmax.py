"""The softmax classifier y = softmax(Wx + b): stable softmax, cross-entropy, a Keras model.

    probs = softmax(logits)                 # each row sums to 1, even for huge logits
    loss = cross_entropy(probs, labels)     # mean of -ln p[label] over the batch
    model = build_softmax_classifier((28, 28, 1), 10)

`softmax` and `log_softmax` subtract each row's maximum before `exp`, the
trick that keeps `exp` from overflowing; notebook 03 shows why it is needed.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks

# The smallest probability `cross_entropy` takes the log of, the same as Keras'
# default fuzz factor `keras.config.epsilon()`, so the two losses agree.
EPSILON = 1e-7


def softmax(logits):
    """Turns scores (logits) into probabilities over the last axis, stably.

    `softmax(z)_j = exp(z_j - m) / sum_i exp(z_i - m)` with `m` the largest
    `z_i` of the row. Subtracting `m` changes nothing mathematically (it
    cancels between numerator and denominator) but keeps every `exp` at most 1,
    so logits of 1000 or -1000 give probabilities instead of `nan`.

    Args:
        logits: array of shape `(..., num_classes)`, e.g. `(batch, 10)`.

    Returns:
        float64 NumPy array of the same shape; each row is non-negative and
        sums to 1.

    Raises:
        ValueError: if `logits` is not numeric, is 0-dimensional, has an empty
            last axis, or holds `nan` or infinite values.

    >>> softmax(np.array([[1000.0, 1001.0, 1002.0], [0.0, 0.0, 0.0]])).round(4)
    array([[0.09  , 0.2447, 0.6652],
           [0.3333, 0.3333, 0.3333]])
    """
    shifted = _shifted_logits(logits)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=-1, keepdims=True)


def log_softmax(logits):
    """The natural log of `softmax(logits)`, computed without taking `log(0)`.

    `log_softmax(z)_j = (z_j - m) - ln sum_i exp(z_i - m)`, with `m` the row's
    maximum. Taking `np.log(softmax(z))` instead gives `-inf` as soon as a
    probability underflows to 0 (a logit 800 below the row's largest).

    Args:
        logits: array of shape `(..., num_classes)`.

    Returns:
        float64 NumPy array of the same shape; every value is at most 0.

    Raises:
        ValueError: for the same inputs as `softmax`.

    >>> logits = np.array([[0.0, 800.0]])
    >>> float(log_softmax(logits)[0, 0])
    -800.0
    >>> float(softmax(logits)[0, 0])  # underflows to 0, whose log is -inf
    0.0
    """
    shifted = _shifted_logits(logits)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(probs, labels):
    """Mean cross-entropy of predicted probabilities and integer labels.

    `L = -(1/n) sum_i ln p[i, labels[i]]`: the average surprise of the model at
    the right answers. It is 0 for a model sure of every right answer and
    `ln(num_classes)` for one that guesses uniformly. Like Keras'
    `sparse_categorical_crossentropy`, probabilities are clipped to at least
    `EPSILON` before the log, so a confident mistake costs about 16, not infinity.

    Args:
        probs: array of shape `(batch, num_classes)` whose rows are probability
            distributions (values in [0, 1], each row summing to 1).
        labels: integer array of shape `(batch,)` with values in
            `0 .. num_classes - 1` (not one-hot).

    Returns:
        The mean loss, a Python float.

    Raises:
        ValueError: if `probs` is not 2D, is not a probability distribution per
            row (e.g. logits were passed), or `labels` are not integers of
            matching length within range.

    >>> probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    >>> round(cross_entropy(probs, np.array([0, 2])), 6)  # (-ln 0.7 - ln 0.8) / 2
    0.289909
    """
    probs = _as_float_array(probs, "probs")
    if probs.ndim != 2 or probs.shape[0] == 0 or probs.shape[1] == 0:
        raise ValueError(
            "`probs` must be 2D (batch, num_classes) with at least one row; received "
            f"shape {probs.shape}. For one example use probs[None]."
        )
    if (probs < 0).any() or (probs > 1).any() or not np.allclose(probs.sum(axis=1), 1, atol=1e-3):
        raise ValueError(
            "`probs` must hold probabilities: values in [0, 1] with each row summing to 1; "
            f"received values from {probs.min():.4g} to {probs.max():.4g} and row sums from "
            f"{probs.sum(axis=1).min():.4g} to {probs.sum(axis=1).max():.4g}. If these are "
            "logits (scores), pass softmax(logits) instead."
        )
    labels = check_labels(labels, num_classes=probs.shape[1], size=probs.shape[0])
    picked = probs[np.arange(len(labels)), labels]
    return float(-np.log(np.clip(picked, EPSILON, 1.0)).mean())


def check_labels(labels, num_classes=None, size=None, name="labels"):
    """Returns `labels` as an int64 array after checking they are class indices.

    Args:
        labels: array-like of shape `(n,)` holding integers.
        num_classes: if given, every label must be below it.
        size: if given, the number of labels expected.
        name: the argument's name, used in the error message.

    Returns:
        int64 NumPy array of shape `(n,)`.

    Raises:
        ValueError: if the labels are not integers (floats, one-hot rows or
            probabilities), not 1D, of the wrong length, or out of range.

    >>> check_labels(np.array([3, 0, 9], dtype=np.uint8))
    array([3, 0, 9])
    """
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] > 1:
        raise ValueError(
            f"`{name}` must be class indices of shape (n,); received shape {array.shape}, "
            f"which looks like one-hot rows or probabilities. Use {name}.argmax(axis=1)."
        )
    if array.dtype.kind not in "iu":
        raise ValueError(
            f"`{name}` must be integer class indices; received dtype {array.dtype}. Labels "
            f"such as 3.0 should be converted with {name}.astype(int); for predicted "
            f"probabilities use probs.argmax(axis=1)."
        )
    if array.ndim != 1:
        raise ValueError(
            f"`{name}` must be 1D (n,); received shape {array.shape}. Use {name}.reshape(-1)."
        )
    if size is not None and len(array) != size:
        raise ValueError(
            f"`{name}` has {len(array)} entries but {size} were expected (one per example); "
            "pass the labels of the same examples."
        )
    if len(array) and array.min() < 0:
        raise ValueError(f"`{name}` must be non-negative class indices; received {array.min()}.")
    if num_classes is not None and len(array) and array.max() >= num_classes:
        raise ValueError(
            f"`{name}` must be below num_classes={num_classes}; received a label "
            f"{array.max()}. Check that the labels and the number of classes match."
        )
    return array.astype(np.int64)


def build_softmax_classifier(input_shape=(28, 28, 1), num_classes=10):
    """Builds the linear classifier y = softmax(Wx + b) as a compiled Keras model.

    `Flatten` turns each image into a vector x of `height * width * channels`
    numbers; one `Dense` layer computes `xW + b` (Keras stores W as
    `(inputs, num_classes)`, so each column is one class's template) and
    applies softmax. Nothing more: no hidden layer. It is compiled like the
    course's CNN: Adam, sparse categorical cross-entropy, accuracy.

    W starts at zero (b always does): a linear classifier has no symmetry to
    break, so every class starts at probability `1 / num_classes` (a loss of
    exactly `ln(num_classes)`), and a picture of W shows only what training
    put there; pixels that are blank in every image keep weight 0.

    Args:
        input_shape: shape of one example, e.g. `(28, 28, 1)` for MNIST.
        num_classes: number of classes, at least 2.

    Returns:
        A compiled `keras.Sequential` with `prod(input_shape) * num_classes +
        num_classes` parameters.

    Raises:
        ValueError: if `input_shape` is not a tuple of positive integers or
            `num_classes` is not an integer of at least 2.

    >>> build_softmax_classifier((28, 28, 1), 10).count_params()  # 784 * 10 + 10
    7850
    """
    input_shape = check_input_shape(input_shape)
    num_classes = check_num_classes(num_classes)
    import keras  # imported here: importing this module should stay fast

    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(num_classes, activation="softmax", kernel_initializer="zeros"),
        ],
        name="softmax_classifier",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def check_input_shape(input_shape, ndim=None):
    """Returns `input_shape` as a tuple of ints after checking it.

    Args:
        input_shape: the shape of one example, without the batch axis.
        ndim: if given, the number of axes required.

    Raises:
        ValueError: if it is not a tuple of positive integers (of length `ndim`).

    >>> check_input_shape([28, 28, 1], ndim=3)
    (28, 28, 1)
    """
    try:
        shape = tuple(input_shape)
    except TypeError:
        shape = None
    valid = (
        shape is not None
        and len(shape) > 0
        and all(checks.is_integer(size) and size > 0 for size in shape)
    )
    if not valid or (ndim is not None and len(shape) != ndim):
        axes = f"{ndim} positive integers" if ndim else "positive integers"
        raise ValueError(
            f"`input_shape` must be a tuple of {axes}, the shape of one example without the "
            f"batch axis; received {input_shape!r}. For MNIST use (28, 28, 1): height, "
            "width and one (grayscale) channel."
        )
    return tuple(int(size) for size in shape)


def check_num_classes(num_classes):
    """Returns `num_classes` as an int after checking it is at least 2.

    Raises:
        ValueError: if it is not an integer of at least 2.

    >>> check_num_classes(10)
    10
    """
    return checks.integer(
        num_classes, "num_classes", low=2, fix="MNIST has 10 classes; a yes/no problem has 2."
    )


def check_class_names(class_names, num_classes):
    """Returns one name (a string) per class: `class_names`, or the class numbers if None.

    Raises:
        ValueError: if `class_names` does not hold exactly `num_classes` names.

    >>> check_class_names(None, 3), check_class_names(["cat", "dog"], 2)
    (['0', '1', '2'], ['cat', 'dog'])
    """
    if class_names is None:
        return [str(index) for index in range(num_classes)]
    names = [str(name) for name in class_names]
    if len(names) != num_classes:
        raise ValueError(
            f"`class_names` has {len(names)} names but there are {num_classes} classes; "
            "pass one name per class, or none."
        )
    return names


def plot_weight_templates(kernel, image_shape=(28, 28), class_names=None, title=None):
    """Shows each class's column of W as an image: the template the class matches.

    The score of class j is `x . W[:, j] + b_j`, a weighted sum of the pixels.
    Drawn as an image, `W[:, j]` shows where ink raises the score (red) and
    where it lowers it (blue); white is zero. All panels share one colour
    scale, so their strengths can be compared; it ends at the 99th percentile
    of |W|, so the few largest weights do not wash out the rest.

    Args:
        kernel: W, array of shape `(height * width, num_classes)` (Keras'
            `Dense` kernel).
        image_shape: `(height, width)` of the images W was trained on.
        class_names: optional names of the classes, one per column.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `kernel` is not 2D or its rows do not match `image_shape`.

    >>> fig = plot_weight_templates(np.zeros((784, 10)))
    >>> len(fig.axes)  # ten templates and the colour bar
    11
    """
    kernel = _as_float_array(kernel, "kernel")
    image_shape = check_input_shape(image_shape, ndim=2)
    pixels = image_shape[0] * image_shape[1]
    if kernel.ndim != 2 or kernel.shape[0] != pixels:
        raise ValueError(
            f"`kernel` must have shape ({pixels}, num_classes) for {image_shape} images; "
            f"received shape {kernel.shape}. Pass the Dense layer's kernel, "
            "model.layers[-1].get_weights()[0]."
        )
    num_classes = kernel.shape[1]
    names = check_class_names(class_names, num_classes)
    # A few weights of rarely inked pixels are much larger than the rest: clip the
    # colour scale at the 99th percentile of |W| so the templates' shapes show.
    limit = float(np.percentile(np.abs(kernel), 99)) or 1.0
    ncols = min(5, num_classes)
    nrows = math.ceil(num_classes / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(1.9 * ncols + 0.9, 2.0 * nrows + (0.4 if title else 0)),
        squeeze=False,
    )
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= num_classes:
            continue
        picture = ax.imshow(
            kernel[:, index].reshape(image_shape), cmap="bwr", vmin=-limit, vmax=limit
        )
        ax.set_title(f"W for {names[index]}", fontsize=10)
    fig.colorbar(picture, ax=axes.ravel().tolist(), shrink=0.8, label="weight", extend="both")
    if title:
        fig.suptitle(title)
    return fig


def plot_predictions(images, probs, labels=None, class_names=None, title=None):
    """Shows images next to the model's probabilities for every class.

    One row per image: the image, then a bar per class. The predicted class's
    bar is drawn dark; when `labels` are given, the true class's bar is green
    (or red, with the dark predicted bar, when the model is wrong).

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width, 1)`.
        probs: array of shape `(n, num_classes)`, e.g. `model.predict(images)`.
        labels: optional integer array of shape `(n,)`, the true classes.
        class_names: optional names of the classes.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the shapes do not match or `labels` are not integers.

    >>> fig = plot_predictions(np.zeros((2, 28, 28)), np.full((2, 10), 0.1), np.array([3, 4]))
    >>> len(fig.axes)
    4
    """
    images = _check_images(images)
    probs = _as_float_array(probs, "probs")
    if probs.ndim != 2 or probs.shape[0] != len(images):
        raise ValueError(
            f"`probs` must have shape ({len(images)}, num_classes), one row per image; "
            f"received shape {probs.shape}. Pass model.predict(images)."
        )
    num_classes = probs.shape[1]
    if labels is not None:
        labels = check_labels(labels, num_classes=num_classes, size=len(images))
    names = check_class_names(class_names, num_classes)
    count = len(images)
    fig, axes = plt.subplots(
        count,
        2,
        figsize=(6.4, 1.25 * count + (0.4 if title else 0)),
        gridspec_kw={"width_ratios": [1, 3.5]},
        squeeze=False,
    )
    for row in range(count):
        image_ax, bar_ax = axes[row]
        image_ax.imshow(images[row], cmap="gray")
        image_ax.axis("off")
        predicted = int(probs[row].argmax())
        colours = ["#bbbbbb"] * num_classes
        colours[predicted] = "#333333"
        if labels is not None:
            truth = int(labels[row])
            colours[truth] = "#2a9d3f" if truth == predicted else "#d62728"
            verdict = "right" if truth == predicted else f"wrong (true {names[truth]})"
            image_ax.set_title(f"predicted {names[predicted]}: {verdict}", fontsize=8, loc="left")
        bar_ax.bar(range(num_classes), probs[row], color=colours)
        bar_ax.set_ylim(0, 1)
        bar_ax.set_xticks(range(num_classes))
        bar_ax.set_xticklabels(names, fontsize=8, rotation=0 if num_classes <= 10 else 90)
        bar_ax.set_yticks([0, 0.5, 1])
        bar_ax.tick_params(axis="y", labelsize=7)
        bar_ax.spines[["top", "right"]].set_visible(False)
    axes[-1, 1].set_xlabel("class (bar height: predicted probability)", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _shifted_logits(logits):
    logits = _as_float_array(logits, "logits")
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(
            "`logits` must have a last axis of at least one class, e.g. shape (batch, "
            f"num_classes); received shape {logits.shape}. For one score vector use "
            "np.array([...]) with one entry per class."
        )
    if not np.isfinite(logits).all():
        raise ValueError(
            "`logits` must be finite numbers; received nan or inf. Look for an overflow "
            "earlier (e.g. a naive exp) and compute the scores again."
        )
    return logits - logits.max(axis=-1, keepdims=True)


def _as_float_array(values, name):
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"`{name}` must be a numeric array; received dtype {array.dtype}. "
            f"Pass a NumPy array of numbers, e.g. np.asarray({name}, dtype=float)."
        )
    return array.astype(np.float64)


def _check_images(images):
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch of shape (n, height, width) or "
            f"(n, height, width, 1); received shape {images.shape}. For one image use "
            "images[None]."
        )
    return images

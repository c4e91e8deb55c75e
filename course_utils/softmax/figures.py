"""The pictures of notebook 03: SGD's loss curves, W as templates, predicted probabilities."""

import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks
from course_utils.softmax.classifier import check_class_names, check_input_shape
from course_utils.softmax.functions import _as_float_array, check_labels


def plot_learning_rates(curves, validation=None, title=None):
    """Plots the loss of SGD runs, one colour per learning rate.

    Each run's training loss is drawn per SGD step: faint for every batch (the
    loss of the batch the step is about to use, which jumps from batch to
    batch), bold as its running mean over the last 2% of the steps (fewer at
    the start, so the curve begins at the first loss). The
    validation loss, measured after each epoch, is drawn as markers on the
    same axes. A loss axis that spans more than a factor of 30 is logarithmic.

    Args:
        curves: dict from a learning rate to the training losses of its SGD
            steps, in order, e.g. `{0.5: losses}`.
        validation: optional dict from a learning rate (of `curves`) to its
            validation loss after each epoch; a run's steps must split evenly
            into that many epochs.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `curves` is not a non-empty dict of non-empty 1D
            sequences of finite numbers, or `validation` does not match it.

    >>> fig = plot_learning_rates({0.1: [2.3, 1.5, 1.0, 0.8], 1.0: [2.3, 0.9, 0.7, 0.6]},
    ...                           validation={0.1: [1.4, 0.9]})
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['learning rate 0.1', 'learning rate 1', 'learning rate 0.1: validation']
    """
    curves = checks.non_empty_dict(
        curves, "curves", "a non-empty dict {learning_rate: losses of each SGD step}"
    )
    losses = {rate: _check_losses(values, f"curves[{rate!r}]") for rate, values in curves.items()}
    epoch_losses = {}
    if validation is not None:
        checks.non_empty_dict(
            validation, "validation", "a dict {learning_rate: validation loss after each epoch}"
        )
    for rate, values in (validation or {}).items():
        if rate not in losses:
            raise ValueError(
                f"`validation` has the learning rate {rate!r}, which `curves` does not; "
                f"`curves` has {list(losses)}. Use the same keys in both."
            )
        epoch_losses[rate] = _check_losses(values, f"validation[{rate!r}]")
        if len(losses[rate]) % len(epoch_losses[rate]):
            raise ValueError(
                f"The run with learning rate {rate!r} has {len(losses[rate])} steps, which do "
                f"not split evenly into {len(epoch_losses[rate])} epochs; pass one validation "
                "loss per epoch."
            )
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (rate, values) in enumerate(losses.items()):
        colour = colours[index % len(colours)]
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, color=colour, alpha=0.2, linewidth=0.8)
        ax.plot(
            steps, _running_mean(values), color=colour, linewidth=2, label=f"learning rate {rate:g}"
        )
    for index, (rate, values) in enumerate(losses.items()):
        if rate in epoch_losses:
            per_epoch = len(values) // len(epoch_losses[rate])
            ends = per_epoch * np.arange(1, len(epoch_losses[rate]) + 1)
            ax.plot(
                ends,
                epoch_losses[rate],
                "o--",
                color=colours[index % len(colours)],
                markeredgecolor="black",
                label=f"learning rate {rate:g}: validation",
            )
    every = np.concatenate([*losses.values(), *epoch_losses.values()])
    if every.min() > 0 and every.max() / every.min() > 30:
        ax.set_yscale("log")
    ax.set_xlabel("SGD step (one mini-batch each)")
    ax.set_ylabel("cross-entropy loss")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


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


def _running_mean(values):
    """The mean of each value and the ones before it, up to 2% of them in all.

    >>> _running_mean(np.arange(100.0))[:3]
    array([0. , 0.5, 1.5])
    """
    window = max(1, len(values) // 50)
    total = np.concatenate([[0.0], np.cumsum(values)])
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (total[ends] - total[starts]) / (ends - starts)


def _check_losses(values, name):
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1 or len(array) == 0 or not np.isfinite(array).all():
        raise ValueError(
            f"`{name}` must be a non-empty list of finite losses, one per step or epoch; "
            f"received {values!r:.80}. Append the loss of every step to a list."
        )
    return array

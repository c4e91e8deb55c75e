"""Pictures of a classifier's results: its confusion matrix, its surest mistakes, a comparison.

fig = plot_confusion_matrix(confusion_matrix(test_labels, predictions))
fig = plot_confident_mistakes(test_images, test_labels, probs)
fig = plot_comparison(compare_training(runs, ...))
"""

import math

import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np

from course_utils import checks, plotting
from course_utils.classification.metrics import most_confident_mistakes
from course_utils.classification.training import Run
from course_utils.softmax import check_class_names


def plot_confusion_matrix(matrix, class_names=None, title=None):
    """Draws a confusion matrix with the count in every cell.

    The mistakes (off the diagonal) are coloured on their own scale, so the
    few confusions that matter stand out instead of vanishing next to the
    thousands of right answers on the diagonal, which are shown in grey.

    Args:
        matrix: square array of counts from `confusion_matrix`.
        class_names: optional names of the classes.
        title: optional title; by default the accuracy it implies.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `matrix` is not a square array of non-negative counts.

    >>> fig = plot_confusion_matrix(np.array([[5, 1], [0, 4]]))
    >>> fig.axes[0].get_title()
    'accuracy 90.00% (9 of 10); mistakes coloured'
    """
    matrix = np.asarray(matrix)
    if (
        matrix.ndim != 2
        or matrix.shape[0] != matrix.shape[1]
        or matrix.shape[0] < 2
        or matrix.dtype.kind not in "iu"
        or matrix.min() < 0
    ):
        raise ValueError(
            "`matrix` must be a square array of non-negative integer counts, at least 2x2; "
            f"received dtype {matrix.dtype} and shape {matrix.shape}. Build it with "
            "confusion_matrix(labels, predictions)."
        )
    size = matrix.shape[0]
    names = check_class_names(class_names, size)
    mistakes = matrix.astype(float)
    np.fill_diagonal(mistakes, np.nan)
    largest = max(1.0, float(np.nanmax(mistakes)))
    fig, ax = plt.subplots(figsize=(0.55 * size + 2.4, 0.5 * size + 1.6))
    ax.imshow(np.where(np.eye(size, dtype=bool), 1.0, np.nan), cmap="Greys", vmin=0, vmax=4)
    picture = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=largest)
    for i in range(size):
        for j in range(size):
            count = int(matrix[i, j])
            dark = i != j and count > 0.6 * largest
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
                fontweight="bold" if i == j else None,
            )
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xticklabels(
        names,
        rotation=0 if max(map(len, names)) <= 2 else 45,
        ha="right" if max(map(len, names)) > 2 else "center",
    )
    ax.set_yticklabels(names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    total = int(matrix.sum())
    right = int(np.trace(matrix))
    ax.set_title(
        title
        or f"accuracy {right / max(total, 1):.2%} ({right:,} of {total:,}); mistakes coloured",
        fontsize=10,
    )
    fig.colorbar(picture, ax=ax, shrink=0.8, label="mistakes (count)")
    fig.tight_layout()
    return fig


def plot_confident_mistakes(images, labels, probs, count=16, class_names=None, ncols=8):
    """Shows the mistakes the model was most sure of, with truth and prediction.

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width, 1)`.
        labels: integer array of shape `(n,)`, the true classes.
        probs: array of shape `(n, num_classes)`, e.g. `model.predict(images)`.
        count: how many mistakes to show at most.
        class_names: optional names of the classes.
        ncols: images per row.

    Returns:
        The matplotlib Figure (a single message panel when there is no mistake).

    Raises:
        ValueError: if the shapes do not match or `labels` are not integers.

    >>> probs = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> fig = plot_confident_mistakes(np.zeros((2, 28, 28)), np.array([1, 1]), probs)
    >>> fig.axes[0].get_title()
    'true 1\\npred 0 (90%)'
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) != len(np.asarray(labels)):
        raise ValueError(
            "`images` must have shape (n, height, width) or (n, height, width, 1) with one "
            f"image per label; received shape {images.shape} for {len(np.asarray(labels))} "
            "labels."
        )
    index = most_confident_mistakes(probs, labels, count)
    probs = np.asarray(probs, dtype=np.float64)
    names = check_class_names(class_names, probs.shape[1])
    if len(index) == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        return fig
    labels = np.asarray(labels)
    captions = []
    for i in index:
        predicted = int(probs[i].argmax())
        captions.append(
            f"true {names[int(labels[i])]}\npred {names[predicted]} ({probs[i, predicted]:.0%})"
        )
    wrong = int((probs.argmax(axis=1) != labels).sum())
    fig = plotting.show_images(
        images[index],
        labels=captions,
        ncols=ncols,
        size=1.5,
        title=f"The {len(index)} most confident mistakes (of {wrong:,})",
    )
    rows = math.ceil(len(index) / max(1, min(int(ncols), len(index))))
    fig.set_figheight(fig.get_figheight() + 0.3 * rows)  # room for two-line captions
    fig.tight_layout()
    return fig


def plot_comparison(results, smoothing=50, title=None):
    """Plots the runs of `compare_training`: loss curves and validation accuracies.

    Left: the training loss of every batch, averaged over a sliding window
    of `smoothing` batches (fewer for short runs, at most a quarter of the
    batches), against the number of images seen. Right: the validation
    accuracy each run reached.

    Args:
        results: the dict `compare_training` returns.
        smoothing: batches in the moving average (1 for the raw losses).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `results` is not a non-empty dict of `Run`.
    """
    checks.non_empty_dict(
        results, "results", "the non-empty dict that compare_training returns", Run
    )
    smoothing = checks.positive_int(smoothing, "smoothing")
    fig, (loss_ax, accuracy_ax) = plt.subplots(
        1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1.7, 1]}
    )
    names = list(results)
    colours = plt.get_cmap("tab10")(np.arange(len(names)) % 10)
    # A short run keeps at least a few points: at most a quarter of its batches per window.
    shortest = min(len(results[name].batch_losses) for name in names)
    window = max(1, min(smoothing, shortest // 4))
    styles = ["-", "--", "-.", ":"]  # curves that coincide stay visible
    for index, (name, colour) in enumerate(zip(names, colours)):
        run = results[name]
        smooth = np.convolve(run.batch_losses, np.ones(window) / window, mode="valid")
        seen = (np.arange(len(smooth)) + window) * run.batch_size
        loss_ax.plot(seen, smooth, styles[index % 4], color=colour, label=name)
    loss_ax.set_yscale("log")
    loss_ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    loss_ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    loss_ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    loss_ax.set_xlabel("training images seen")
    loss_ax.set_ylabel(f"training loss (mean of {window} batches)")
    loss_ax.set_title("training loss (log scale)")
    loss_ax.grid(alpha=0.3, which="both")
    loss_ax.legend(fontsize=8)
    accuracies = [results[name].validation_accuracy for name in names]
    bars = accuracy_ax.barh(range(len(names)), accuracies, color=colours)
    accuracy_ax.set_yticks(range(len(names)))
    accuracy_ax.set_yticklabels(names, fontsize=8)
    accuracy_ax.invert_yaxis()
    low = min(accuracies)
    accuracy_ax.set_xlim(max(0.0, low - (1 - low) * 0.6 - 0.02), 1.0)
    for bar, value in zip(bars, accuracies):
        accuracy_ax.text(
            value, bar.get_y() + bar.get_height() / 2, f" {value:.2%}", va="center", fontsize=8
        )
    accuracy_ax.set_xlabel("validation accuracy")
    accuracy_ax.set_title("after training")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig

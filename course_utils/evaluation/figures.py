"""Notebook 08's figures: which digits the images are, and the generators side by side.

    plot_coverage({"GAN": gan_measures, "real": real_measures})   # bars per predicted digit
    plot_by_predicted_class(classifier, gan_images)               # one row per digit read
    plot_generators({"GAN": gan_images, "VAE": vae_images})       # sample grids, coverage bars

Each returns the matplotlib Figure.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks
from course_utils.evaluation.formulas import entropy
from course_utils.evaluation.measures import Measures, check_images, classifier_outputs


def plot_coverage(results, title=None):
    """Bar charts of the fraction of images predicted as each digit.

    Args:
        results: dict from a name to `Measures` (or to a histogram array),
            e.g. `{"GAN": ..., "real test images": ...}`.
        title: optional title.

    Returns:
        The matplotlib Figure: grouped bars, a dashed line at the uniform
        share `1 / classes`, the entropy of each histogram in the legend.

    Raises:
        ValueError: if `results` is empty or the histograms differ in length.

    >>> fig = plot_coverage({"real": np.full(10, 0.1)})
    >>> fig.axes[0].get_xlabel()
    'predicted digit'
    """
    checks.non_empty_dict(
        results, "results", "a non-empty dict from a name to Measures or a histogram"
    )
    histograms = {
        name: np.asarray(m.coverage if isinstance(m, Measures) else m, dtype=float)
        for name, m in results.items()
    }
    lengths = {h.shape for h in histograms.values()}
    if len(lengths) != 1 or next(iter(lengths))[0:1] == (0,) or len(next(iter(lengths))) != 1:
        raise ValueError(
            f"Every histogram must be 1D and of the same length; received shapes {sorted(lengths)}."
        )
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    classes = _bars_by_class(
        ax, histograms, label=lambda name, share: f"{name} (entropy {entropy(share):.3f})"
    )
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("fraction of images")
    ax.set_title(title or f"Class coverage (entropy max ln {classes} = {math.log(classes):.3f})")
    tallest = max(float(h.max() / max(h.sum(), 1e-12)) for h in histograms.values())
    ax.set_ylim(0, max(tallest, 1 / classes) * 1.45)  # room for the legend above the bars
    ax.legend(fontsize=8, loc="upper right", ncols=2)
    fig.tight_layout()
    return fig


def plot_by_predicted_class(classifier, images, per_class=8, seed=0):
    """Shows images grouped by the digit the classifier reads in them, one row per digit.

    Each row holds up to `per_class` images predicted as that digit, drawn at
    random, with the classifier's confidence above each. A short or empty row
    is a digit the images rarely or never show: mode collapse at a glance.

    Args:
        classifier: see `classifier_outputs`.
        images: float images in [0, 1], shape `(n, 28, 28, 1)`.
        per_class: images per row.
        seed: seed of the random choice within each row.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the classifier or the images are not as described, or
            `per_class` is not a positive integer.
    """
    per_class = checks.positive_int(per_class, "per_class", "E.g. per_class=8.")
    images = check_images(
        images, classifier.input_shape[1:] if hasattr(classifier, "input_shape") else (28, 28, 1)
    )
    probabilities = classifier_outputs(classifier, images)[1]
    predicted = probabilities.argmax(axis=1)
    classes = probabilities.shape[1]
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(
        classes, per_class, figsize=(0.95 * per_class + 0.8, 1.05 * classes), squeeze=False
    )
    for digit in range(classes):
        members = np.flatnonzero(predicted == digit)
        chosen = rng.permutation(members)[:per_class]
        for col in range(per_class):
            ax = axes[digit, col]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(col < len(chosen))
            if col == 0:
                ax.set_ylabel(f"{digit}: {len(members) / len(images):.0%}", fontsize=9)
            if col < len(chosen):
                index = chosen[col]
                ax.imshow(images[index, ..., 0], cmap="gray", vmin=0, vmax=1)
                ax.set_title(f"{probabilities[index, digit]:.0%}", fontsize=7, pad=2)
    fig.suptitle(
        "Images grouped by the digit the classifier reads (row label: share of images; "
        "above each: confidence)",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def plot_generators(samples, coverage=None, count=36, title=None):
    """Shows generators side by side: a grid of samples each, and what digits they make.

    Args:
        samples: dict from a name (e.g. "GAN", "VAE") to images of shape
            `(n, 28, 28, 1)` or `(n, 28, 28)` with values in [0, 1].
        coverage: optional dict from a name to the fraction of images predicted
            as each digit (an array of 10, or a `Measures`, whose `coverage`
            is used), drawn as grouped bars in a last panel.
        count: images per grid (the first `count`; a square number fills the grid).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure: one panel per generator, then the bars.

    Raises:
        ValueError: if `samples` is empty or holds images outside [0, 1], or a
            coverage histogram has another length than the others.

    >>> fig = plot_generators({"A": np.zeros((4, 28, 28)), "B": np.ones((4, 28, 28))},
    ...                       coverage={"A": np.full(10, 0.1)}, count=4)
    >>> [ax.get_title() for ax in fig.axes]
    ['A', 'B', 'predicted digit of each sample']
    """
    if not isinstance(samples, dict) or not samples:
        raise ValueError(
            "`samples` must be a non-empty dict from a name to images, e.g. "
            f"{{'GAN': gan_images, 'VAE': vae_images}}; received {type(samples).__name__}."
        )
    count = checks.positive_int(count, "count")
    grids = {}
    for name, images in samples.items():
        images = np.asarray(images)
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        if images.ndim != 3 or not len(images):
            raise ValueError(
                f"`samples[{name!r}]` must have shape (n, height, width) or (n, height, width, 1); "
                f"received {images.shape}."
            )
        images = check_images(images, images.shape[1:], f"samples[{name!r}]")
        grids[name] = _mosaic(images[:count])
    histograms = {}
    for name, value in (coverage or {}).items():
        histograms[name] = np.asarray(getattr(value, "coverage", value), dtype=np.float64)
    if len({h.shape for h in histograms.values()}) > 1:
        raise ValueError(
            "every coverage histogram must have the same length (one share per class); received "
            f"{ {name: h.shape for name, h in histograms.items()} }."
        )
    panels = len(grids) + bool(histograms)
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(3.6 * panels + (1.2 if histograms else 0), 3.9),
        squeeze=False,
        gridspec_kw={"width_ratios": [1] * len(grids) + ([1.4] if histograms else [])},
    )
    axes = axes[0]
    for ax, (name, grid) in zip(axes, grids.items()):
        ax.imshow(grid, cmap="gray", vmin=0, vmax=1)
        ax.set_title(name)
        ax.axis("off")
    if histograms:
        ax = axes[-1]
        _bars_by_class(ax, histograms)
        ax.set_xlabel("digit (by the classifier)")
        ax.set_ylabel("fraction of samples")
        ax.set_title("predicted digit of each sample")
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _bars_by_class(ax, histograms, label=lambda name, share: name):
    """Draws each histogram's shares as grouped bars, one group per class, and the uniform line.

    Returns:
        The number of classes.
    """
    classes = len(next(iter(histograms.values())))
    width = 0.8 / len(histograms)
    for i, (name, histogram) in enumerate(histograms.items()):
        share = histogram / max(histogram.sum(), 1e-12)
        offset = (i - (len(histograms) - 1) / 2) * width
        ax.bar(np.arange(classes) + offset, share, width, label=label(name, share))
    ax.axhline(1 / classes, color="black", linestyle="--", linewidth=1, label="uniform")
    ax.set_xticks(range(classes))
    ax.grid(axis="y", alpha=0.3)
    return classes


def _mosaic(images, ncols=None):
    """Tiles `(n, h, w)` images into one picture, with a 1-pixel grey border."""
    count, height, width = images.shape
    ncols = ncols or math.ceil(math.sqrt(count))
    nrows = math.ceil(count / ncols)
    canvas = np.full((nrows * (height + 1) + 1, ncols * (width + 1) + 1), 0.5)
    for index, image in enumerate(images):
        row, col = divmod(index, ncols)
        top, left = 1 + row * (height + 1), 1 + col * (width + 1)
        canvas[top : top + height, left : left + width] = image
    return canvas

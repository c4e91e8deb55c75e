"""Pictures the notebooks show: image grids and training curves.

Every function returns the matplotlib Figure (so a notebook can save it) and
changes no global matplotlib setting.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks


def show_images(
    images,
    labels=None,
    ncols=8,
    title=None,
    cmap="gray",
    size=1.4,
    vmin=None,
    vmax=None,
    class_names=None,
    colorbar=False,
):
    """Shows a batch of images as a grid, each with its label if given.

    Args:
        images: array of shape `(n, height, width)`, `(n, height, width, 1)` or
            `(n, height, width, 3)`; any numeric dtype.
        labels: optional sequence of `n` labels (numbers or strings) shown above
            the images.
        ncols: images per row.
        title: optional title of the whole figure.
        cmap: colour map for single-channel images.
        size: inches per image.
        vmin, vmax: value range mapped to black and white; by default each
            image is scaled to its own range (uint8 images use 0-255).
        class_names: optional names indexed by integer labels.
        colorbar: whether to draw one colour bar for the whole grid, so that a
            signed map (a kernel, a gradient, an attribution) can be read off.
            The images then share one scale: `vmin`/`vmax` if given, else
            symmetric about 0 for signed images and from 0 for the others.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `images` does not have 3 or 4 dimensions, is empty, or
            `labels` has a different length, or a colour bar is asked for
            colour images.

    >>> fig = show_images(np.zeros((3, 28, 28), dtype=np.uint8), labels=[0, 1, 2])
    >>> len(fig.axes)
    3
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if (
        images.ndim not in (3, 4)
        or (images.ndim == 4 and images.shape[-1] != 3)
        or len(images) == 0
    ):
        raise ValueError(
            "`images` must be a non-empty batch of shape (n, height, width), "
            f"(n, height, width, 1) or (n, height, width, 3); received shape {images.shape}. "
            "For one image use images[None]."
        )
    if labels is not None and len(labels) != len(images):
        raise ValueError(
            f"`labels` has {len(labels)} entries but there are {len(images)} images; "
            "pass one label per image, or none."
        )
    if colorbar and images.ndim == 4:
        raise ValueError(
            "`colorbar=True` needs single-channel images, whose values a colour map shows; "
            f"received colour images of shape {images.shape}. Pass one channel, e.g. images[..., 0]."
        )
    if images.dtype == np.uint8 and vmin is None and vmax is None:
        vmin, vmax = 0, 255
    if colorbar and vmin is None and vmax is None:
        largest = float(np.max(np.abs(images))) or 1.0
        vmin, vmax = (-largest if np.min(images) < 0 else 0.0), largest
    count = len(images)
    ncols = max(1, min(int(ncols), count))
    nrows = math.ceil(count / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if title else 0)), squeeze=False
    )
    shown = None
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        shown = ax.imshow(
            images[index], cmap=cmap if images.ndim == 3 else None, vmin=vmin, vmax=vmax
        )
        if labels is not None:
            label = labels[index]
            if class_names is not None and checks.is_integer(label):
                label = class_names[int(label)]
            ax.set_title(str(label), fontsize=9)
    for ax in list(axes.flat)[count:]:
        fig.delaxes(ax)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if colorbar:
        width = fig.get_figwidth()
        fig.subplots_adjust(right=1 - 0.9 / width)
        bar = fig.add_axes([1 - 0.75 / width, 0.15, 0.12 / width, 0.7])
        fig.colorbar(shown, cax=bar)
    return fig


def plot_history(history, metrics=None, title=None):
    """Plots training curves: one panel per metric, training and validation.

    Args:
        history: the `History` returned by `model.fit`, or its `.history` dict.
        metrics: names to plot (e.g. `["loss", "accuracy"]`); by default every
            metric that has no `val_` prefix.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `history` holds no metrics or a requested one is missing.

    >>> fig = plot_history({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(
            "`history` must be what model.fit returns (or its .history dict) with at "
            f"least one metric; received {type(history).__name__} {logs!r:.80}."
        )
    names = metrics or [name for name in logs if not name.startswith("val_")]
    missing = [name for name in names if name not in logs]
    if missing:
        raise ValueError(
            f"`history` has no {missing}; it records {sorted(logs)}. Pick metrics from those."
        )
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes.flat, names):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "o-", label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "s--", label="validation")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig

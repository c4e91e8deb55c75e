"""The pictures of notebook 09: kernels, maps side by side, deletion curves, the randomization test.

Every function returns the matplotlib Figure and changes no global setting.
"""

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from course_utils import checks
from course_utils.interpretation import arguments
from course_utils.interpretation.faithfulness import DeletionCurve
from course_utils.interpretation.randomization import RandomizationResult
from course_utils.softmax import check_class_names


def plot_attribution_maps(images, maps, labels=None, class_names=None, size=1.6, title=None):
    """Shows each image next to its map by every method: one row per image.

    Each map has its own colour scale and its own colour bar (the methods'
    units differ, and so do the images'): a map with negative values
    (integrated gradients) is drawn red for positive, blue for negative,
    white for zero, symmetric around 0; a non-negative map from 0 (dark) to
    its largest value (bright). A map of `(n, height, width, channels)` is
    summed over the channels first.

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width, 1 or 3)`.
        maps: dict from a method's name to its maps, `(n, height, width)`
            (or with a channel axis), e.g. `{"saliency": saliency(...)}`.
        labels: optional `n` labels shown above the images.
        class_names: optional names of the classes, indexed by the labels.
        size: inches per panel.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure: `n * (1 + len(maps))` panels, row by row, then
        one colour bar per map (`n * len(maps)` axes).

    Raises:
        ValueError: if `maps` is not a non-empty dict of maps that fit the images.

    >>> fig = plot_attribution_maps(np.zeros((2, 8, 8)), {"a": np.ones((2, 8, 8)),
    ...                             "b": np.zeros((2, 8, 8, 1))}, labels=[3, 4])
    >>> len(fig.axes), fig.axes[1].get_title()
    (10, 'a')
    """
    pictures = _check_pictures(images)
    count, height, width = pictures.shape[:3]
    maps = checks.non_empty_dict(maps, "maps", "a non-empty dict {method name: maps}")
    checked = {name: _check_maps(values, name, pictures.shape[:3]) for name, values in maps.items()}
    if labels is not None:
        labels = list(labels)
        if len(labels) != count:
            raise ValueError(
                f"`labels` has {len(labels)} entries but there are {count} images; pass one "
                "label per image, or none."
            )
        if class_names is not None:
            names = check_class_names(class_names, len(class_names))
            labels = [names[int(label)] if checks.is_integer(label) else label for label in labels]
    columns = 1 + len(checked)
    fig, axes = plt.subplots(
        count,
        columns,
        figsize=(1.3 * size * columns, size * count + (0.4 if title else 0)),
        squeeze=False,
    )
    shown = []
    for row in range(count):
        ax = axes[row, 0]
        picture = pictures[row]
        ax.imshow(picture if picture.shape[-1] == 3 else picture[..., 0], cmap="gray")
        if labels is not None:
            ax.set_title(str(labels[row]), fontsize=9)
        for column, (name, values) in enumerate(checked.items(), start=1):
            ax = axes[row, column]
            shown.append((ax, _show_map(ax, values[row])))
            if row == 0:
                ax.set_title(name, fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    for ax, image in shown:
        _colorbar(fig, ax, image)
    return fig


def plot_occlusion(image, drops, label=None, size=2.4):
    """Shows an image beside its occlusion map, the map with a colour bar.

    Args:
        image: one image, `(height, width)` or `(height, width, 1 or 3)`.
        drops: the map `occlusion_map` returns, one probability drop per
            position of the square, `(rows, columns)`; red where hiding the
            square lowers the probability, blue where it raises it.
        label: optional title of the image.
        size: inches per panel.

    Returns:
        The matplotlib Figure: the image, the map and the map's colour bar.

    Raises:
        ValueError: if `image` is not one image or `drops` is not 2D.

    >>> fig = plot_occlusion(np.zeros((8, 8)), np.array([[0.5, -0.1], [0.0, 0.2]]), label="3")
    >>> [ax.get_title() for ax in fig.axes]
    ['3', 'probability drop, 2×2 positions', '']
    """
    picture = _check_pictures(np.asarray(image)[None])[0]
    drops = arguments.as_numeric(drops, "drops").astype(np.float64)
    if drops.ndim != 2 or min(drops.shape) < 1:
        raise ValueError(
            f"`drops` must be one 2D map (rows, columns) of square positions; received shape "
            f"{drops.shape}. Pass what occlusion_map(model, image, class_index) returns."
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(2.3 * size, size + 0.3))
    left.imshow(picture if picture.shape[-1] == 3 else picture[..., 0], cmap="gray")
    left.set_title("" if label is None else str(label), fontsize=9)
    shown = _show_map(right, drops, signed=True)
    right.set_title(f"probability drop, {drops.shape[0]}×{drops.shape[1]} positions", fontsize=9)
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    _colorbar(fig, right, shown)
    return fig


def plot_kernel_matches(hand_made, learned, matches, size=1.6):
    """Shows hand-made kernels (top row) above the learned kernel most like each, with colour bars.

    Args:
        hand_made: dict from a name to a 2D kernel, e.g. from `convolution.KERNELS`.
        learned: array `(count, height, width)` of learned kernels.
        matches: dict from each name of `hand_made` to `(index, similarity)`:
            the learned kernel shown below it and the number written above it.
        size: inches per panel.

    Returns:
        The matplotlib Figure: `2 * len(hand_made)` panels, then one colour
        bar per panel (each kernel on its own scale, symmetric around 0).

    Raises:
        ValueError: if `matches` does not give a learned kernel for every
            hand-made one.

    >>> fig = plot_kernel_matches({"edge": np.eye(3)}, -np.eye(3)[None], {"edge": (0, 1.0)})
    >>> [ax.get_title() for ax in fig.axes]
    ['edge', '#0, |cos| 1.00', '', '']
    """
    hand_made = checks.non_empty_dict(hand_made, "hand_made", "a non-empty dict {name: kernel}")
    learned = arguments.as_numeric(learned, "learned").astype(np.float64)
    if learned.ndim != 3 or not len(learned):
        raise ValueError(
            f"`learned` must be kernels (count, height, width); received shape {learned.shape}."
        )
    if (
        not isinstance(matches, dict)
        or set(matches) != set(hand_made)
        or not all(
            checks.is_integer(match[0]) and 0 <= match[0] < len(learned)
            for match in matches.values()
        )
    ):
        raise ValueError(
            "`matches` must map every name of `hand_made` to (index of a learned kernel, "
            f"similarity); received {matches!r:.200}."
        )
    columns = len(hand_made)
    fig, axes = plt.subplots(2, columns, figsize=(1.35 * size * columns, 2 * size + 0.5))
    axes = np.asarray(axes).reshape(2, columns)
    shown = []
    for column, (name, kernel) in enumerate(hand_made.items()):
        index, similarity = matches[name]
        top, bottom = axes[0, column], axes[1, column]
        shown.append((top, _show_map(top, np.asarray(kernel, dtype=float), signed=True)))
        shown.append((bottom, _show_map(bottom, learned[int(index)], signed=True)))
        top.set_title(name, fontsize=9)
        bottom.set_title(f"#{int(index)}, |cos| {float(similarity):.2f}", fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("hand-made kernels (top) and the most similar learned kernel (below)", fontsize=10)
    fig.tight_layout()
    for ax, image in shown:
        _colorbar(fig, ax, image)
    return fig


def plot_deletion_curves(curves, title=None):
    """Draws the deletion curves of several methods (and a random order) on one axes.

    A curve named with "random" in it is drawn dashed grey: the baseline. The
    legend gives each curve's area; the smaller, the more faithful.

    Args:
        curves: dict from a name to its `DeletionCurve`, e.g.
            `{"saliency": ..., "random": ...}`.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure, one axes.

    Raises:
        ValueError: if `curves` is not a non-empty dict of `DeletionCurve`s of
            one measure.

    >>> curve = DeletionCurve(np.array([0.0, 0.5, 1.0]), np.array([0.9, 0.4, 0.1]), 0.45, "probability")
    >>> fig = plot_deletion_curves({"saliency": curve})
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['saliency (area 0.450)']
    """
    curves = checks.non_empty_dict(
        curves,
        "curves",
        "a non-empty dict {method name: DeletionCurve}, each from deletion_curve(...)",
        value_type=DeletionCurve,
    )
    measures = {curve.measure for curve in curves.values()}
    if len(measures) != 1:
        raise ValueError(
            f"`curves` mixes measures {sorted(measures)}; compute every curve with the same "
            "measure= to draw them on one axes."
        )
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for name, curve in curves.items():
        style = {"color": "grey", "linestyle": "--"} if "random" in str(name).lower() else {}
        ax.plot(
            curve.fractions,
            curve.values,
            marker=".",
            label=f"{name} (area {curve.area:.3f})",
            **style,
        )
    measure = measures.pop()
    ax.set_xlabel("fraction of pixels removed, most attributed first")
    ax.set_ylabel("mean true-class probability" if measure == "probability" else "accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_randomization(results, title=None):
    """Draws the rank correlations of the cascading randomization test, layer by layer.

    The x axis is the layer re-initialized at each step, from the output down
    (every layer to its left is random too); the y axis the Spearman
    correlation with the trained model's maps. A method whose maps explain
    the model falls towards 0.

    Args:
        results: a `RandomizationResult`, or a dict from a name to one.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure, one axes.

    Raises:
        ValueError: if `results` is not a result or a non-empty dict of
            results over the same layers.

    >>> result = RandomizationResult("saliency", ("dense", "conv"), np.array([0.5, 0.1]),
    ...                              np.array([[0.5], [0.1]]))
    >>> fig = plot_randomization(result)
    >>> [label.get_text() for label in fig.axes[0].get_xticklabels()]
    ['dense', 'conv']
    """
    if isinstance(results, RandomizationResult):
        results = {results.method: results}
    results = checks.non_empty_dict(
        results,
        "results",
        "a RandomizationResult or a non-empty dict {name: RandomizationResult}",
        value_type=RandomizationResult,
    )
    layers = {result.layers for result in results.values()}
    if len(layers) != 1:
        raise ValueError(
            "`results` come from models with different layers; compare methods on the same model."
        )
    layers = layers.pop()
    fig, ax = plt.subplots(figsize=(max(4.5, 0.9 * len(layers) + 2.5), 3.6))
    positions = np.arange(len(layers))
    for name, result in results.items():
        ax.plot(positions, result.correlations, "o-", label=str(name))
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(positions)
    ax.set_xticklabels(layers, rotation=30, ha="right")
    ax.set_xlabel("randomized down to this layer (from the output)")
    ax.set_ylabel("Spearman correlation with the trained model's maps")
    ax.set_ylim(-0.2, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _show_map(ax, values, signed=None):
    """Draws one map on its own scale: red-blue about 0 when signed, else dark to bright."""
    largest = float(np.abs(values).max()) or 1.0
    if signed or (signed is None and values.min() < 0):
        return ax.imshow(values, cmap="bwr", vmin=-largest, vmax=largest)
    return ax.imshow(values, cmap="inferno", vmin=0, vmax=largest)


def _colorbar(fig, ax, image):
    """Puts a slim colour bar right of `ax`, inside its panel, with a few small ticks."""
    box = ax.get_position()
    bar = fig.add_axes([box.x1 + 0.01 * box.width, box.y0, 0.07 * box.width, box.height])
    colorbar = fig.colorbar(image, cax=bar)
    colorbar.ax.tick_params(labelsize=6, length=2, pad=1)
    colorbar.locator = matplotlib.ticker.MaxNLocator(nbins=3)
    colorbar.formatter = matplotlib.ticker.FormatStrFormatter("%.2g")
    colorbar.update_ticks()
    return colorbar


def _check_pictures(images):
    array = arguments.as_numeric(images, "images")
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4 or array.shape[-1] not in (1, 3) or min(array.shape) < 1:
        raise ValueError(
            "`images` must be a non-empty batch of shape (n, height, width), (n, height, "
            f"width, 1) or (n, height, width, 3); received shape {array.shape}. For one image "
            "use images[None]."
        )
    return array.astype(np.float32)


def _check_maps(values, name, shape):
    maps = arguments.as_numeric(values, f"maps[{name!r}]").astype(np.float64)
    if maps.ndim == 4:
        maps = maps.sum(axis=-1)
    if maps.shape != shape:
        raise ValueError(
            f"`maps[{name!r}]` must hold one map per image, shape {shape}; received shape "
            f"{maps.shape}. Compute it on the images shown."
        )
    return maps

"""Pictures of segmentation: masks in colour, scenes with their errors, IoU per class.

fig = plot_scenes(test_images[:6], test_masks[:6], predicted[:6])
fig = plot_class_iou(per_class_iou(test_masks, predicted))
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from course_utils import checks
from course_utils.segmentation.metrics import check_masks, scene_iou
from course_utils.segmentation.scenes import CLASS_NAMES, NUM_CLASSES

# Background black, digits 0-9 in matplotlib's "tab10" colours, except that digit 3
# is gold instead of red: red marks errors in `plot_scenes`.
ERROR_COLOR = (1.0, 0.1, 0.1)
CLASS_COLORS = np.array(
    [
        (0.0, 0.0, 0.0),
        (0.122, 0.467, 0.706),
        (1.0, 0.498, 0.055),
        (0.173, 0.627, 0.173),
        (1.0, 0.843, 0.2),
        (0.580, 0.404, 0.741),
        (0.549, 0.337, 0.294),
        (0.890, 0.467, 0.761),
        (0.498, 0.498, 0.498),
        (0.737, 0.741, 0.133),
        (0.090, 0.745, 0.812),
    ]
)


def colorize_masks(masks, num_classes=NUM_CLASSES):
    """Turns integer masks into RGB pictures with one colour per class.

    Args:
        masks: integer array of any shape, values in `[0, num_classes)`.
        num_classes: number of classes; at most `len(CLASS_COLORS)`.

    Returns:
        float array of shape `masks.shape + (3,)`, values in [0, 1]
        (`CLASS_COLORS`: background black, each digit its own colour).

    Raises:
        ValueError: as `check_masks`, or for more classes than colours.

    >>> colorize_masks(np.array([[0, 1]]))[0, :, 0]
    array([0.   , 0.122])
    """
    if not checks.is_integer(num_classes) or num_classes > len(CLASS_COLORS):
        raise ValueError(
            f"`num_classes` can be at most {len(CLASS_COLORS)} (the colours in CLASS_COLORS); "
            f"received {num_classes!r}."
        )
    masks, _ = check_masks(masks, masks, num_classes)
    return CLASS_COLORS[masks.astype(np.int64)]


def plot_scenes(images, masks, predicted=None, class_names=CLASS_NAMES, size=1.6, title=None):
    """Shows scenes, their true masks and optionally predicted masks and errors.

    One column per scene. Rows: the image, the true mask, and with `predicted`
    the predicted mask (titled with the scene's mean IoU) and the errors (wrong
    pixels in red over the dimmed image). To compare models on the same scenes,
    pass `predicted` as a dict `{name: masks}`: one row of predicted masks per
    model, labelled with its name and titled with the scene's mean IoU (no
    error rows). A legend names the class colours.

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width, 1)`.
        masks: integer masks of shape `(n, height, width)`.
        predicted: optional predicted masks of the same shape, or a dict of
            them, one per model (at most 4).
        class_names: names of the classes, background first.
        size: inches per picture.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the shapes do not match, there are more than 12 scenes,
            or `predicted` is an empty dict or holds more than 4 models.

    >>> images, masks = np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8), dtype=np.uint8)
    >>> fig = plot_scenes(images, masks, predicted=masks)
    >>> len(fig.axes)
    8
    >>> fig = plot_scenes(images, masks, predicted={"a": masks, "b": masks, "c": masks})
    >>> [fig.axes[2 * row].get_ylabel() for row in range(5)]
    ['image', 'true mask', 'a', 'b', 'c']
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    masks = np.asarray(masks)
    if images.ndim != 3 or masks.shape != images.shape or not 1 <= len(images) <= 12:
        raise ValueError(
            "`images` must have shape (n, height, width) or (n, height, width, 1) and `masks` "
            f"(n, height, width), with 1 <= n <= 12; received {images.shape} and {masks.shape}. "
            "Pass the same few scenes to both, e.g. images[:6], masks[:6]."
        )
    num_classes = len(class_names)
    colored = colorize_masks(masks, num_classes)
    rows = [("image", images, None), ("true mask", colored, None)]
    compare = isinstance(predicted, dict)
    if compare:
        if not 1 <= len(predicted) <= 4:
            raise ValueError(
                "`predicted` as a dict must hold the masks of 1 to 4 models, {name: masks}; "
                f"received {len(predicted)} entries. Compare at most 4 models per figure."
            )
        for name, model_masks in predicted.items():
            model_masks = np.asarray(model_masks)
            check_masks(masks, model_masks, num_classes)
            scores = scene_iou(masks, model_masks, num_classes)
            rows.append((str(name), colorize_masks(model_masks, num_classes), scores))
    elif predicted is not None:
        predicted = np.asarray(predicted)
        check_masks(masks, predicted, num_classes)
        scores = scene_iou(masks, predicted, num_classes)
        dim = np.repeat(images[..., None] * 0.45, 3, axis=-1)
        errors = np.where((masks != predicted)[..., None], ERROR_COLOR, dim)
        rows += [
            ("predicted", colorize_masks(predicted, num_classes), scores),
            ("errors", errors, None),
        ]
    count = len(images)
    fig, axes = plt.subplots(
        len(rows),
        count,
        figsize=(size * count + 1.9, size * len(rows) + (0.4 if title else 0)),
        squeeze=False,
    )
    for row, (label, pictures, scores) in enumerate(rows):
        for column in range(count):
            ax = axes[row, column]
            ax.imshow(pictures[column], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if column == 0:
                ax.set_ylabel(label)
            if scores is not None:
                ax.set_title(f"IoU {scores[column]:.2f}", fontsize=9)
    handles = [
        Patch(facecolor=CLASS_COLORS[i], edgecolor="0.6", label=name)
        for i, name in enumerate(class_names)
    ]
    if predicted is not None and not compare:
        handles.append(Patch(facecolor=ERROR_COLOR, edgecolor="0.6", label="error"))
    fig.legend(handles=handles, loc="center right", fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1 - 1.6 / (size * count + 1.9), 1))
    return fig


def plot_class_iou(values, class_names=CLASS_NAMES, title=None):
    """Bar chart of the IoU of each class, with the mean as a dashed line.

    Args:
        values: per-class IoU, shape `(num_classes,)` (NaN for an absent
            class), or a dict `{name: values}` to compare models side by side.
        class_names: names of the classes.
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if a series has not one value per class name.

    >>> fig = plot_class_iou(np.linspace(0.5, 1.0, 11))
    >>> len(fig.axes[0].patches)
    11
    """
    series = dict(values) if isinstance(values, dict) else {"IoU": values}
    series = {name: np.asarray(v, dtype=np.float64) for name, v in series.items()}
    for name, v in series.items():
        if v.shape != (len(class_names),):
            raise ValueError(
                f"`values` ({name}) must hold one IoU per class, shape ({len(class_names)},); "
                f"received shape {v.shape}. Use per_class_iou(y_true, y_pred)."
            )
    positions = np.arange(len(class_names))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * len(class_names)), 3.6))
    for k, (name, v) in enumerate(series.items()):
        offset = (k - (len(series) - 1) / 2) * width
        alone = len(series) == 1 and len(class_names) <= len(CLASS_COLORS)
        colors = CLASS_COLORS[: len(class_names)] if alone else f"C{k}"  # as in the masks
        mean = np.nanmean(v)
        bars = ax.bar(
            positions + offset,
            np.nan_to_num(v),
            width,
            color=colors,
            edgecolor="0.4",
            linewidth=0.5,
            label=None if len(series) == 1 else f"{name} (mean {mean:.3f})",
        )
        if len(series) == 1:  # three decimals: well-trained classes differ in the third
            ax.bar_label(bars, labels=[f"{x:.3f}" for x in v], fontsize=8, padding=2)
        line_label = f"mean IoU {mean:.3f}" if len(series) == 1 else None
        ax.axhline(mean, color="0.3" if alone else f"C{k}", ls="--", lw=1, label=line_label)
    ax.set_xticks(positions, class_names)
    ax.set_ylim(0, 1.3)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("IoU")
    ax.legend(loc="upper center", ncol=len(series), fontsize=9, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig

"""The pictures of notebook 01: kernels, feature maps, padding and stride, run times.

`plot_kernels` writes each weight of a kernel in its cell; `plot_maps` shows
an image next to its filtered versions at the same pixel size;
`plot_padding_stride(s)` draws where a kernel's windows fall for a padding and
a stride; `plot_timings` compares measured run times on a log scale. Every
function returns the matplotlib Figure and changes no global setting.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, tables
from course_utils.convolution.ops import output_size, padding_amounts


def plot_kernels(kernels, titles=None, size=1.7):
    """Draws 2D kernels as small grids with each weight written in its cell.

    Red cells are positive weights, blue negative, white zero. Blur kernels
    show whole numbers and their common divisor in the title, e.g. "(÷ 25)".

    Args:
        kernels: a dict `{title: kernel}` or a list of 2D kernels.
        titles: titles for a list of kernels (ignored for a dict).
        size: inches per kernel.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if there is no kernel, one is not 2D, or the number of
            titles differs from the number of kernels.

    >>> from course_utils.convolution.kernels import BOX_BLUR, SOBEL_X
    >>> fig = plot_kernels({"Sobel x": SOBEL_X, "box blur": BOX_BLUR})
    >>> [ax.get_title() for ax in fig.axes]
    ['Sobel x', 'box blur (÷ 25)']
    """
    if isinstance(kernels, dict):
        titles, kernels = list(kernels), list(kernels.values())
    kernels = [np.asarray(kernel, dtype=np.float64) for kernel in kernels]
    if not kernels or any(kernel.ndim != 2 for kernel in kernels):
        raise ValueError(
            "`kernels` must be a non-empty dict or list of 2D kernels; received shapes "
            f"{[kernel.shape for kernel in kernels]}. Pass e.g. convolution.KERNELS."
        )
    if titles is not None and len(titles) != len(kernels):
        raise ValueError(
            f"`titles` has {len(titles)} entries for {len(kernels)} kernels; pass one per kernel."
        )
    fig, axes = plt.subplots(1, len(kernels), figsize=(size * len(kernels), size + 0.3))
    for index, (ax, kernel) in enumerate(zip(np.atleast_1d(axes), kernels)):
        limit = np.abs(kernel).max() or 1.0
        ax.imshow(
            kernel, cmap="bwr", vmin=-1.8 * limit, vmax=1.8 * limit
        )  # pale: text stays legible
        texts, denominator = _as_fractions(kernel)
        font = 9 if max(kernel.shape) <= 3 else 8
        for row, col in np.ndindex(*kernel.shape):
            ax.text(col, row, texts[row][col], ha="center", va="center", fontsize=font)
        ax.set_xticks([])
        ax.set_yticks([])
        title = "" if titles is None else str(titles[index])
        if denominator > 1:
            title = f"{title} (÷ {denominator})".strip()
        if title:
            ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_maps(
    maps, titles=None, signed=None, ncols=4, size=2.6, title=None, signed_limit=None, colorbar=False
):
    """Shows 2D arrays of any sizes side by side, e.g. an image and its filtered versions.

    Each map keeps its own pixel count, so a smaller output looks smaller.
    An RGB image `(height, width, 3)` with values in [0, 1] is shown in colour.
    Signed maps (edge responses) use a red-blue scale centred at zero (red
    positive, blue negative, full colour from the 99th percentile of the
    absolute values on, so that a few extreme pixels do not fade the rest);
    the others use grey, from their smallest value (black) to their largest.

    Args:
        maps: a list of 2D arrays or RGB images (or one 3D array, one map
            per entry).
        titles: optional titles, one per map.
        signed: `True`/`False` for all maps, a list with one of them per map,
            or `None` to decide per map (signed when it has values clearly
            below zero).
        ncols: maps per row.
        size: inches per panel.
        title: optional title of the whole figure.
        signed_limit: the value at which signed maps reach full colour, so
            that their colours compare: one positive number for all, or a
            list with one per map (`None` for a map's own scale, the default).
        colorbar: whether each signed map gets a colour bar beside it, so
            that its values can be read off.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if there is no map, one is neither 2D nor RGB, a limit is
            not a positive number, or a list of titles, flags or limits does
            not have one entry per map.

    >>> fig = plot_maps([np.eye(4), -np.eye(2)], titles=["a", "b"], colorbar=True)
    >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
    ['a', 'b']
    >>> [len(ax.child_axes) for ax in fig.axes]  # a colour bar beside the signed map
    [0, 1]
    """
    maps = [np.asarray(item, dtype=np.float64) for item in maps]
    if not maps or any(item.ndim != 2 and item.shape[-1:] != (3,) for item in maps):
        raise ValueError(
            "`maps` must be a non-empty list of 2D arrays (height, width) or RGB images "
            "(height, width, 3); received shapes "
            f"{[item.shape for item in maps]}. For a batch use list(x[:, :, :, 0])."
        )
    if titles is not None and len(titles) != len(maps):
        raise ValueError(
            f"`titles` has {len(titles)} entries for {len(maps)} maps; pass one per map."
        )
    signs = _per_map(signed, "signed", len(maps))
    limits = _per_map(signed_limit, "signed_limit", len(maps))
    if any(limit is not None and not _positive_number(limit) for limit in limits):
        raise ValueError(
            f"`signed_limit` must hold positive numbers or None; received {signed_limit!r}."
        )
    ncols = max(1, min(int(ncols), len(maps)))
    nrows = math.ceil(len(maps) / ncols)
    tallest = max(item.shape[0] for item in maps)
    widest = max(item.shape[1] for item in maps)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(
            (size + (0.6 if colorbar else 0)) * ncols,
            (size + 0.35) * nrows + (0.4 if title else 0),
        ),
        squeeze=False,
    )
    bars = []
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(maps):
            continue
        item = maps[index]
        low, high = float(item.min()), float(item.max())
        is_signed = (
            signs[index] if signs[index] is not None else low < -0.05 * max(abs(high), 1e-12)
        )
        # Same pixel size in every panel: a smaller map fills less of its panel.
        height, width = item.shape[:2]
        left, top = (widest - width) / 2, (tallest - height) / 2
        extent = (left, left + width, top + height, top)
        if item.ndim == 3:
            ax.imshow(np.clip(item, 0, 1), extent=extent)
        elif is_signed:
            limit = limits[index] or float(np.percentile(np.abs(item), 99))
            limit = limit or max(abs(low), abs(high)) or 1.0
            shown = ax.imshow(item, cmap="bwr", vmin=-limit, vmax=limit, extent=extent)
            if colorbar:
                bars.append((ax, shown))
        else:
            ax.imshow(item, cmap="gray", extent=extent)
        ax.set_xlim(0, widest)
        ax.set_ylim(tallest, 0)
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if bars:
        # Room for the colour bars and their numbers, between the panels and on the right.
        fig.subplots_adjust(wspace=0.55, right=1 - 0.8 / fig.get_figwidth())
    for ax, shown in bars:  # beside the panel, so that every panel keeps its size
        bar = fig.colorbar(shown, cax=ax.inset_axes([1.03, 0.1, 0.05, 0.8]))
        bar.ax.tick_params(labelsize=7)
    return fig


def plot_padding_stride(input_size, kernel_size, stride=1, padding="valid", ax=None):
    """Draws where a kernel's windows fall on an input, for one padding and stride.

    The input cells are white, the zeros of "same" padding grey; the first
    window is outlined, and every window's centre is marked with a dot, one dot
    per output pixel. The title gives the formula's answer.

    Args:
        input_size: side of a square input (at most 16, so it stays readable).
        kernel_size: side of the square kernel.
        stride, padding: as in `output_size`.
        ax: an Axes to draw on; a new figure when `None`.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: as `output_size`, or if `input_size` is above 16.

    >>> fig = plot_padding_stride(5, 3, stride=2, padding="same")
    >>> fig.axes[0].get_title()
    'input 5, kernel 3, stride 2, same\\npadding 1+1 → output 3 x 3'
    """
    size = output_size(input_size, kernel_size, stride, padding)
    if input_size > 16:
        raise ValueError(
            f"`input_size` must be at most 16 to stay readable; received {input_size}."
        )
    before, after = padding_amounts(input_size, kernel_size, stride, padding)
    total = before + int(input_size) + after
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.32 * total + 0.6, 0.32 * total + 0.9))
    else:
        fig = ax.figure
    for row in range(total):
        for col in range(total):
            inside = before <= row < before + input_size and before <= col < before + input_size
            ax.add_patch(
                plt.Rectangle(
                    (col, row),
                    1,
                    1,
                    facecolor="white" if inside else "#d0d0d0",
                    edgecolor="#888888",
                    linewidth=0.6,
                    hatch=None if inside else "//",
                )
            )
    ax.add_patch(
        plt.Rectangle(
            (0, 0), kernel_size, kernel_size, fill=False, edgecolor="tab:red", linewidth=2.2
        )
    )
    if size > 1:
        ax.add_patch(
            plt.Rectangle(
                (stride, 0),
                kernel_size,
                kernel_size,
                fill=False,
                edgecolor="tab:orange",
                linewidth=1.6,
                linestyle="--",
            )
        )
    centres = (np.arange(size) * stride + kernel_size / 2).tolist()
    for y in centres:
        for x in centres:
            ax.plot(x, y, "o", color="tab:blue", markersize=4)
    ax.set_xlim(-0.2, total + 0.2)
    ax.set_ylim(total + 0.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    pad_text = f"padding {before}+{after}" if padding == "same" else "no padding"
    ax.set_title(
        f"input {input_size}, kernel {kernel_size}, stride {stride}, {padding}\n"
        f"{pad_text} → output {size} x {size}",
        fontsize=9,
    )
    return fig


def plot_padding_strides(configs, ncols=3):
    """Draws `plot_padding_stride` for several configurations, side by side.

    Args:
        configs: a list of `(input_size, kernel_size, stride, padding)`.
        ncols: diagrams per row.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `configs` is empty or an entry is not such a 4-tuple,
            or as `plot_padding_stride`.

    >>> fig = plot_padding_strides([(5, 3, 1, "valid"), (5, 3, 1, "same")])
    >>> [ax.get_title().split(chr(10))[1] for ax in fig.axes]
    ['no padding → output 3 x 3', 'padding 1+1 → output 5 x 5']
    """
    configs = list(configs)
    if not configs or any(not isinstance(c, (tuple, list)) or len(c) != 4 for c in configs):
        raise ValueError(
            "`configs` must be a non-empty list of (input_size, kernel_size, stride, padding) "
            f"tuples; received {configs!r:.100}."
        )
    ncols = max(1, min(int(ncols), len(configs)))
    nrows = math.ceil(len(configs) / ncols)
    side = max(
        sum(padding_amounts(*config)) + config[0] for config in configs
    )  # the largest padded input
    panel = 0.3 * side + 0.8
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel * ncols, (panel + 0.3) * nrows), squeeze=False
    )
    for ax in axes.flat[len(configs) :]:
        ax.axis("off")
    for ax, setting in zip(axes.flat, configs):
        plot_padding_stride(*setting, ax=ax)
        ax.set_xlim(-0.2, side + 0.2)
        ax.set_ylim(side + 0.2, -0.2)
    fig.tight_layout()
    return fig


def plot_timings(seconds, title=None):
    """Bar chart of measured run times on a logarithmic axis, each bar labelled.

    Args:
        seconds: a dict `{name: seconds}` of positive times.
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the dict is empty or a time is not a positive number.

    >>> fig = plot_timings({"loops": 2.0, "matrix product": 0.01})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    checks.non_empty_dict(seconds, "seconds", "a non-empty dict {name: seconds}")
    bad = {name: value for name, value in seconds.items() if not _positive_number(value)}
    if bad:
        raise ValueError(f"Times must be positive numbers of seconds; received {bad}.")
    names, values = list(seconds), [float(value) for value in seconds.values()]
    fig, ax = plt.subplots(figsize=(6.4, 0.55 * len(names) + 0.9))
    bars = ax.barh(names, values, color="tab:blue")
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(min(values) / 3, max(values) * 40)
    slowest = max(values)
    for bar, value in zip(bars, values):
        label = f"{tables.format_short_seconds(value)}"
        if value < slowest:
            label += f"  ({slowest / value:,.0f}x faster)"
        ax.text(value * 1.15, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=9)
    ax.set_xlabel("seconds (log scale)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _per_map(value, name, count):
    """One value per map: a list as it is (checked), or a single value repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"`{name}` has {len(value)} entries for {count} maps; pass one per map, "
                "or a single value for all."
            )
        return list(value)
    return [value] * count


def _positive_number(value):
    return checks.is_number(value) and math.isfinite(value) and value > 0


def _as_fractions(kernel):
    """Writes weights briefly: `(texts, denominator)`, e.g. blur weights as
    whole numbers to be divided by 25 or 256; other weights with two digits."""
    for denominator in (1, 9, 16, 25, 256):
        scaled = kernel * denominator
        if np.allclose(scaled, np.round(scaled), atol=1e-4):
            numerators = np.round(scaled).astype(int)
            return [[str(value) for value in row] for row in numerators], denominator
    return [[f"{value:.2g}" for value in row] for row in kernel], 1

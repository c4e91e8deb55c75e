"""The figures of notebook 02: pooling windows, where the gradient goes, shift tolerance."""

import matplotlib.pyplot as plt
import numpy as np

from course_utils.convolution.arguments import as_numeric, int_pair
from course_utils.convolution.figures import plot_maps
from course_utils.pooling.backward import avg_pool2d_backward_naive, max_pool2d_backward_naive
from course_utils.pooling.ops import avg_pool2d_naive, max_pool2d_naive

_CELL = 0.55  # inches per grid cell
_COLOURS = plt.get_cmap("Pastel1")  # one colour per window


def plot_pooling(grid, pool_size=2, mode="max"):
    """Draws a small grid, its pooling windows, and the pooled result, values written in.

    Each window of the 2D `grid` gets its own colour; in max mode the winning
    cell of each window is circled. Cells that no window covers ("valid"
    pooling drops an odd last row or column) stay white.

    Args:
        grid: a 2D array, at most 12 x 12.
        pool_size: window side (the stride equals it).
        mode: `"max"` or `"average"`.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `grid` is not 2D, is larger than 12 x 12 or smaller
            than the window, or `mode` is unknown.

    >>> fig = plot_pooling(np.arange(20.0).reshape(4, 5))
    >>> [ax.get_title().split(":")[0] for ax in fig.axes]
    ['input 4 x 5', 'max pooling 2 x 2, stride 2']
    """
    grid, size = _check_grid(grid, pool_size)
    if mode not in ("max", "average"):
        raise ValueError(f"`mode` must be 'max' or 'average'; received {mode!r}.")
    pool = max_pool2d_naive if mode == "max" else avg_pool2d_naive
    pooled = pool(grid[None, :, :, None], size)[0, :, :, 0]
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(_CELL * (grid.shape[1] + pooled.shape[1]) + 1.6, _CELL * grid.shape[0] + 0.9),
        gridspec_kw={"width_ratios": [grid.shape[1], max(pooled.shape[1], 1)]},
    )
    _draw_cells(left, grid, _window_index(grid.shape, size, pooled.shape))
    _draw_windows(left, pooled.shape, size)
    if mode == "max":
        for row, col in zip(*np.nonzero(_winners(grid, size, pooled.shape))):
            _circle(left, row, col)
    _draw_cells(right, pooled, np.arange(pooled.size).reshape(pooled.shape), edge="black")
    name = "max" if mode == "max" else "average"
    _finish(left, grid.shape, f"input {grid.shape[0]} x {grid.shape[1]}")
    _finish(
        right,
        pooled.shape,
        f"{name} pooling {size} x {size}, stride {size}:\n"
        f"output {pooled.shape[0]} x {pooled.shape[1]}",
    )
    fig.tight_layout()
    return fig


def plot_pooling_gradient(grid, grad_output, pool_size=2):
    """Draws where the gradient of a pooled grid goes: max pooling against average pooling.

    Four panels: the input (each window in its colour, the maxima circled),
    the gradient of the pooled output (one number per window), and the
    gradient each pooling sends back to the input: max pooling gives each
    window's number, whole, to its maximum and zero to the others; average
    pooling shares it evenly among the window's pixels. Cells no window covers
    stay white and get zero. Values are written in every cell.

    Args:
        grid: a 2D array, at most 12 x 12 (the forward pass's input).
        grad_output: a 2D array of the pooled shape, the gradient of the loss
            with respect to the pooled output.
        pool_size: window side (the stride equals it).

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `grid` is not 2D, is larger than 12 x 12 or smaller than
            the window, or `grad_output` does not have the pooled shape.

    >>> fig = plot_pooling_gradient(np.arange(20.0).reshape(4, 5), np.ones((2, 2)))
    >>> [ax.get_title().split(":")[0] for ax in fig.axes]
    ['input 4 x 5', 'gradient of the output', 'max pooling', 'average pooling']
    """
    grid, size = _check_grid(grid, pool_size)
    pooled_shape = max_pool2d_naive(grid[None, :, :, None], size).shape[1:3]
    grad_output = as_numeric(grad_output, "grad_output").astype(np.float64)
    if grad_output.shape != pooled_shape:
        raise ValueError(
            f"`grad_output` must have the pooled shape {pooled_shape} (one number per "
            f"{size} x {size} window of the grid {grid.shape}); received shape "
            f"{grad_output.shape}."
        )
    upstream = grad_output[None, :, :, None]
    to_max = max_pool2d_backward_naive(grid[None, :, :, None], upstream, size)[0, :, :, 0]
    to_average = avg_pool2d_backward_naive(grid[None, :, :, None], upstream, size)[0, :, :, 0]
    index = _window_index(grid.shape, size, pooled_shape)
    winners = _winners(grid, size, pooled_shape)
    widths = [grid.shape[1], pooled_shape[1], grid.shape[1], grid.shape[1]]
    fig, axes = plt.subplots(
        1,
        4,
        figsize=(_CELL * sum(widths) + 2.6, _CELL * grid.shape[0] + 1.5),
        gridspec_kw={"width_ratios": widths},
    )
    _draw_cells(axes[0], grid, index)
    _draw_cells(axes[1], grad_output, np.arange(grad_output.size).reshape(pooled_shape), "black")
    _draw_cells(axes[2], to_max, np.where(winners, index, -1))
    _draw_cells(axes[3], to_average, index)
    for ax in (axes[0], axes[2], axes[3]):
        _draw_windows(ax, pooled_shape, size)
    for row, col in zip(*np.nonzero(winners)):
        _circle(axes[0], row, col)
        _circle(axes[2], row, col)
    titles = [
        f"input {grid.shape[0]} x {grid.shape[1]}:\nthe maxima circled",
        "gradient of the output:\none number per window",
        "max pooling: each number\ngoes to its window's maximum",
        f"average pooling: each number\nis shared, 1/{size * size} to each pixel",
    ]
    for ax, values, title in zip(axes, (grid, grad_output, to_max, to_average), titles):
        _finish(ax, values.shape, title)
    fig.tight_layout()
    return fig


def plot_shift_tolerance(shifts, changes, title=None):
    """Plots how much features change as the input moves, one line per stage.

    Args:
        shifts: the shifts in pixels (x axis).
        changes: a dict `{stage name: list of relative changes, one per shift}`.
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `changes` is empty or a list's length differs from `shifts`.

    >>> fig = plot_shift_tolerance([0, 1, 2], {"conv": [0, 1.0, 1.2], "pool": [0, 0.5, 1.0]})
    >>> len(fig.axes[0].lines)
    2
    """
    shifts = list(shifts)
    if not isinstance(changes, dict) or not changes:
        raise ValueError(
            "`changes` must be a non-empty dict {stage name: changes per shift}; received "
            f"{type(changes).__name__}."
        )
    wrong = {name: len(values) for name, values in changes.items() if len(values) != len(shifts)}
    if wrong:
        raise ValueError(
            f"Each list in `changes` needs {len(shifts)} values, one per shift; received "
            f"lengths {wrong}."
        )
    markers = "osD^vx"
    fig, ax = plt.subplots(figsize=(8.0, 3.6))
    for index, (name, values) in enumerate(changes.items()):
        ax.plot(shifts, values, marker=markers[index % len(markers)], label=name)
    ax.set_xticks(shifts)
    ax.set_xlabel("shift of the digit (pixels to the right)")
    ax.set_ylabel("relative change of the features")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_shift_example(images, features, pooled, changes=None, feature_name="feature map"):
    """Shows a digit and its shifted copy, a feature map of each, and its max-pooled version.

    Three rows: the originals, the shifted versions, and the differences
    (shifted minus original, red where the shifted one has more, with colour
    bars); the two feature differences share one colour scale, so their sizes
    compare.

    Args:
        images: `(2, height, width)`: the digit and the shifted digit.
        features: `(2, h, w)`: one feature map of each.
        pooled: `(2, h', w')`: the same feature map, pooled.
        changes: optional `(before, after)`: the relative change of the
            features before and after pooling, written into the titles.
        feature_name: the title of the feature maps.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if an array does not hold two 2D maps.

    >>> fig = plot_shift_example(np.eye(4)[None].repeat(2, 0), np.ones((2, 4, 4)),
    ...                          np.ones((2, 2, 2)), changes=(0.7, 0.5))
    >>> fig.axes[7].get_title()
    'difference (70%)'
    """
    arrays = []
    for name, value in (("images", images), ("features", features), ("pooled", pooled)):
        array = as_numeric(value, name).astype(np.float64)
        if array.ndim != 3 or len(array) != 2:
            raise ValueError(
                f"`{name}` must hold two 2D maps, (2, height, width): the original and the "
                f"shifted one; received shape {array.shape}."
            )
        arrays.append(array)
    differences = [array[1] - array[0] for array in arrays]
    labels = ["", ""] if changes is None else [f" ({change:.0%})" for change in changes]
    titles = ["digit", feature_name, "max pooled"]
    titles += ["shifted 1 pixel right", feature_name, "max pooled"]
    titles += ["difference", f"difference{labels[0]}", f"difference{labels[1]}"]
    limit = float(np.abs(differences[1]).max()) or 1.0  # one scale for both feature differences
    return plot_maps(
        [array[0] for array in arrays] + [array[1] for array in arrays] + differences,
        titles,
        signed=[False] * 6 + [True] * 3,
        ncols=3,
        size=2.4,
        signed_limit=[None] * 7 + [limit, limit],
        colorbar=True,
    )


def _check_grid(grid, pool_size):
    grid = as_numeric(grid, "grid").astype(np.float64)
    if grid.ndim != 2 or max(grid.shape) > 12:
        raise ValueError(
            f"`grid` must be a 2D array of at most 12 x 12; received shape {grid.shape}. "
            "Pass one channel of one image, e.g. maps[0, :6, :6, 0]."
        )
    size = int_pair(pool_size, "pool_size")[0]
    if size > min(grid.shape):
        raise ValueError(
            f"The {size} x {size} window does not fit in a grid of shape {grid.shape}; "
            "use a larger grid or a smaller pool_size."
        )
    return grid, size


def _window_index(shape, size, pooled_shape):
    """For each cell, the number of the window that covers it (row by row), or -1."""
    rows, cols = np.indices(shape) // size
    covered = (rows < pooled_shape[0]) & (cols < pooled_shape[1])
    return np.where(covered, rows * pooled_shape[1] + cols, -1)


def _winners(grid, size, pooled_shape):
    """True at the maximum of each window (the first one, on a tie)."""
    winners = np.zeros(grid.shape, dtype=bool)
    for row in range(pooled_shape[0]):
        for col in range(pooled_shape[1]):
            block = grid[row * size : (row + 1) * size, col * size : (col + 1) * size]
            u, v = np.unravel_index(np.argmax(block), block.shape)
            winners[row * size + u, col * size + v] = True
    return winners


def _draw_cells(ax, values, index, edge="#999999"):
    """One square per value, filled with its window's colour (white where `index` is -1)."""
    for (row, col), value in np.ndenumerate(values):
        colour = _COLOURS(index[row, col] % 9) if index[row, col] >= 0 else "white"
        ax.add_patch(plt.Rectangle((col, row), 1, 1, facecolor=colour, edgecolor=edge))
        ax.text(col + 0.5, row + 0.5, _short(value), ha="center", va="center", fontsize=8)


def _draw_windows(ax, pooled_shape, size):
    for row in range(pooled_shape[0]):
        for col in range(pooled_shape[1]):
            ax.add_patch(
                plt.Rectangle(
                    (col * size, row * size),
                    size,
                    size,
                    fill=False,
                    edgecolor="black",
                    linewidth=1.8,
                )
            )


def _circle(ax, row, col):
    ax.add_patch(plt.Circle((col + 0.5, row + 0.5), 0.42, fill=False, color="tab:red"))


def _finish(ax, shape, title):
    ax.set_xlim(-0.05, shape[1] + 0.05)
    ax.set_ylim(shape[0] + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=9)


def _short(value):
    value = float(value) + 0.0  # no "-0"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"

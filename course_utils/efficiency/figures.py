"""Pictures of where training time goes: FLOPs per layer, batch sizes, times side by side.

fig = plot_layer_macs(count_flops(model))
fig = plot_batch_sizes(rows)           # seconds per epoch and accuracy against the batch
fig = plot_times({"way": seconds, ...}, "seconds per step")
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks
from course_utils.efficiency.flops import ModelFlops


def plot_layer_macs(flops, title=None):
    """Draws each layer's share of one example's multiply-adds as horizontal bars.

    Args:
        flops: a `ModelFlops` from `count_flops`.
        title: optional title; by default the total.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `flops` is not a `ModelFlops`.

    >>> from course_utils import classification
    >>> from course_utils.efficiency.flops import count_flops
    >>> fig = plot_layer_macs(count_flops(classification.build_seed_cnn()))
    >>> len(fig.axes[0].patches)
    8
    """
    if not isinstance(flops, ModelFlops):
        raise ValueError(
            f"`flops` must be a ModelFlops; received {type(flops).__name__}. "
            "Use plot_layer_macs(efficiency.count_flops(model))."
        )
    labels = [f"{layer.kind} {layer.output_shape}" for layer in flops.layers]
    macs = np.array([layer.macs for layer in flops.layers], dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(labels) + 1.2))
    ax.barh(range(len(labels)), macs / 1e6, color="tab:blue")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    for row, value in enumerate(macs):
        share = value / flops.macs if flops.macs else 0
        ax.annotate(
            f"{share:.1%}",
            (value / 1e6, row),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("million operations per example, forward (pooling: comparisons or additions)")
    ax.set_title(title or f"{flops.macs / 1e6:.2f} million multiply-adds per example")
    ax.set_xlim(0, macs.max() / 1e6 * 1.18 if macs.max() else 1)
    fig.tight_layout()
    return fig


def plot_batch_sizes(rows, title=None):
    """Seconds per epoch and test accuracy against the batch size, one line per rule.

    Args:
        rows: a non-empty list of dicts with `batch_size`, `rule` (e.g. "same
            rate", "linear"), `seconds` (of the epoch) and `accuracy` (0-1).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure (two panels).

    Raises:
        ValueError: if `rows` is empty or a row lacks one of the keys.

    >>> fig = plot_batch_sizes([{"batch_size": 16, "rule": "same rate", "seconds": 2.0,
    ...                          "accuracy": 0.9}])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['batch size', 'batch size']
    """
    keys = ("batch_size", "rule", "seconds", "accuracy")
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ValueError(
            f"`rows` must be a non-empty list of dicts; received {rows!r:.80}. "
            'E.g. [{"batch_size": 32, "rule": "same rate", "seconds": 4.1, "accuracy": 0.95}].'
        )
    for row in rows:
        if not isinstance(row, dict) or not all(key in row for key in keys):
            raise ValueError(f"every row needs the keys {keys}; received {row!r:.120}.")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    for rule in dict.fromkeys(row["rule"] for row in rows):
        mine = sorted((row for row in rows if row["rule"] == rule), key=lambda r: r["batch_size"])
        sizes = [row["batch_size"] for row in mine]
        left.plot(sizes, [row["seconds"] for row in mine], "o-", label=rule)
        right.plot(sizes, [100 * row["accuracy"] for row in mine], "o-", label=rule)
    sizes = sorted({row["batch_size"] for row in rows})
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [str(size) for size in sizes])
        ax.minorticks_off()
        ax.set_xlabel("batch size")
        ax.grid(alpha=0.3)
    left.set_ylabel("seconds per epoch")
    left.set_ylim(bottom=0)
    right.set_ylabel("test accuracy (%)")
    right.legend(title="learning rate")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_times(times, ylabel, title=None, log=False):
    """Horizontal bars of a few measured times (or rates), one per way of doing the work.

    Args:
        times: a non-empty dict `{name: value}` of positive numbers, in the
            order to draw them.
        ylabel: what the numbers are, e.g. "seconds per step".
        title: optional title.
        log: a logarithmic axis, for values that differ by orders of magnitude.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `times` is empty or holds a value that is not a positive number.

    >>> fig = plot_times({"compiled": 0.01, "eager": 0.2}, "seconds per step", log=True)
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if not isinstance(times, dict) or not times:
        raise ValueError(
            f"`times` must be a non-empty dict of name: seconds; received {times!r:.80}. "
            'E.g. {"compiled": 0.012, "eager": 0.31}.'
        )
    for name, value in times.items():
        if not (checks.is_number(value) and value > 0):
            raise ValueError(f"every time must be a positive number; {name!r} is {value!r}.")
    names, values = list(times), np.array(list(times.values()), dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 0.4 * len(names) + 1.2))
    ax.barh(range(len(names)), values, color="tab:orange")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    for row, value in enumerate(values):
        ax.annotate(
            f"{value:.3g}",
            (value, row),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    if log:
        ax.set_xscale("log")
        ax.set_xlim(values.min() / 2, values.max() * 4)
    else:
        ax.set_xlim(0, values.max() * 1.2)
    ax.set_xlabel(ylabel)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_layer_times(times, title=None):
    """Each layer's share of the measured time beside its share of the multiply-adds.

    Args:
        times: a `LayerTimes` from `time_layers`.
        title: optional title; by default the batch size and the summed time.

    Returns:
        The matplotlib Figure: two bars per layer, time (orange) and
        multiply-adds (blue), in percent.

    Raises:
        ValueError: if `times` is not a `LayerTimes`.

    >>> from course_utils.efficiency.layer_times import LayerTime, LayerTimes
    >>> from course_utils.efficiency.timing import Timing
    >>> rows = [LayerTime("conv", "Conv2D", (26, 26, 32), 90, Timing((0.01,)), Timing((0.03,))),
    ...         LayerTime("pool", "MaxPooling2D", (13, 13, 32), 10, Timing((0.01,)), Timing((0.01,)))]
    >>> fig = plot_layer_times(LayerTimes(tuple(rows), 32))
    >>> [round(bar.get_width()) for bar in fig.axes[0].patches]
    [75, 25, 90, 10]
    """
    from course_utils.efficiency.layer_times import LayerTimes

    if not isinstance(times, LayerTimes):
        raise ValueError(
            f"`times` must be a LayerTimes; received {type(times).__name__}. "
            "Use plot_layer_times(efficiency.time_layers(model, images[:128]))."
        )
    labels = [f"{layer.kind} {layer.output_shape}" for layer in times.layers]
    time_shares = [100 * times.time_share(layer) for layer in times.layers]
    macs_shares = [100 * times.macs_share(layer) for layer in times.layers]
    rows = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(labels) + 1.4))
    ax.barh(rows - 0.2, time_shares, height=0.4, color="tab:orange", label="share of the time")
    ax.barh(rows + 0.2, macs_shares, height=0.4, color="tab:blue", label="share of multiply-adds")
    for offset, shares in ((-0.2, time_shares), (0.2, macs_shares)):
        for row, share in zip(rows, shares):
            ax.annotate(
                f"{share:.0f}%",
                (share, row + offset),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(time_shares + macs_shares) * 1.15 or 1)
    ax.set_xlabel("percent of the model's total (forward and backward pass, per layer)")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        title
        or f"Each layer timed on its own, batch of {times.batch_size}: "
        f"{times.total * 1e3:.0f} ms in all"
    )
    fig.tight_layout()
    return fig

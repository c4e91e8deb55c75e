"""The measurements of notebook 10 as text tables, one line per run.

print(batch_size_table(rows))              # batch, rule, learning rate, epoch, accuracy
print(fit_timing_table({"eager": timing})) # first step, steady step, the whole fit
print(backends_table(compare_backends(256)))
print(data_parallel_table(run_data_parallel()))
"""

from course_utils import tables
from course_utils.efficiency.fresh_runs import DataParallelResult
from course_utils.efficiency.training import FitTiming

_BATCH_KEYS = ("batch_size", "rule", "learning_rate", "seconds", "accuracy")
_BACKEND_KEYS = ("backend", "version", "first_step", "median_step", "epoch_seconds")


def _rows_with(rows, keys, what, example):
    if not isinstance(rows, (list, tuple)) or not rows:
        raise ValueError(
            f"`{what}` must be a non-empty list of dicts; received {rows!r:.80}. {example}"
        )
    for row in rows:
        if not isinstance(row, dict) or not all(key in row for key in keys):
            raise ValueError(f"every row of `{what}` needs the keys {keys}; received {row!r:.120}.")
    return rows


def batch_size_table(rows):
    """The batch-size runs: batch, rule, learning rate, seconds of a steady epoch, test accuracy.

    Args:
        rows: a non-empty list of dicts with `batch_size`, `rule`,
            `learning_rate`, `seconds` and `accuracy` (0-1).

    Returns:
        The table, a string.

    Raises:
        ValueError: if `rows` is empty or a row lacks one of the keys.

    >>> print(batch_size_table([{"batch_size": 256, "rule": "linear", "learning_rate": 0.008,
    ...                          "seconds": 1.5, "accuracy": 0.9}]))
    batch  learning rate  value  steady epoch  test accuracy
      256  linear         0.008        1.50 s         90.00%
    """
    rows = _rows_with(
        rows, _BATCH_KEYS, "rows", 'E.g. [{"batch_size": 32, "rule": "same rate", ...}].'
    )
    return tables.format_table(
        [
            (
                row["batch_size"],
                row["rule"],
                f"{row['learning_rate']:.4g}",
                tables.format_short_seconds(row["seconds"]),
                f"{row['accuracy']:.2%}",
            )
            for row in rows
        ],
        header=("batch", "learning rate", "value", "steady epoch", "test accuracy"),
        align="rllrr",
    )


def fit_timing_table(timings, label="way", total="whole fit (s)", accuracies=None):
    """Timed `fit` runs side by side: the first step, a steady step, the whole fit.

    Args:
        timings: a non-empty dict `{name: FitTiming}` (from `time_fit`).
        label: the header of the names' column.
        total: the header of the whole fit's column.
        accuracies: optional dict `{name: accuracy (0-1)}`, a last column.

    Returns:
        The table, a string.

    Raises:
        ValueError: if `timings` is not a non-empty dict of `FitTiming`, or
            `accuracies` lacks one of its names.

    >>> timing = FitTiming(1.25, (0.01, 0.02, 0.03), 1.5, 32, {})
    >>> print(fit_timing_table({"eager": timing}, accuracies={"eager": 0.5}))
    way    first step (s)  steady step (ms)  whole fit (s)  test accuracy
    eager            1.25             20.00            1.5         50.00%
    """
    if (
        not isinstance(timings, dict)
        or not timings
        or not all(isinstance(t, FitTiming) for t in timings.values())
    ):
        raise ValueError(
            f"`timings` must be a non-empty dict of name: FitTiming; received {timings!r:.80}. "
            'E.g. {"eager": efficiency.time_fit(model, x, y, batch_size=32)}.'
        )
    if accuracies is not None and not all(name in accuracies for name in timings):
        raise ValueError(
            f"`accuracies` must hold an accuracy for every name of `timings` {list(timings)}; "
            f"received {list(accuracies)}."
        )
    rows = [
        (name, f"{t.first_step:.2f}", f"{t.median_step * 1e3:.2f}", f"{t.total:.1f}")
        + ((f"{accuracies[name]:.2%}",) if accuracies is not None else ())
        for name, t in timings.items()
    ]
    header = (label, "first step (s)", "steady step (ms)", total)
    header += ("test accuracy",) if accuracies is not None else ()
    return tables.format_table(rows, header=header, align="l" + "r" * (len(header) - 1))


def backends_table(rows):
    """One epoch per backend (`compare_backends`): its steps, the epoch, and against the first.

    Args:
        rows: a non-empty list of dicts with `backend`, `version`,
            `first_step`, `median_step` and `epoch_seconds`.

    Returns:
        The table, a string; the last column divides each epoch by the first row's.

    Raises:
        ValueError: if `rows` is empty or a row lacks one of the keys.

    >>> print(backends_table([
    ...     {"backend": "JAX", "version": "0.5", "first_step": 2.0, "median_step": 0.004,
    ...      "epoch_seconds": 4.0},
    ...     {"backend": "PyTorch", "version": "2.4", "first_step": 0.5, "median_step": 0.01,
    ...      "epoch_seconds": 6.0}]))
    backend      first step (s)  steady step (ms)  epoch (s)  vs JAX
    JAX 0.5                2.00              4.00        4.0    1.00
    PyTorch 2.4            0.50             10.00        6.0    1.50
    """
    rows = _rows_with(rows, _BACKEND_KEYS, "rows", "Pass what compare_backends returns.")
    base = rows[0]["epoch_seconds"]
    return tables.format_table(
        [
            (
                f"{row['backend']} {row['version']}",
                f"{row['first_step']:.2f}",
                f"{row['median_step'] * 1e3:.2f}",
                f"{row['epoch_seconds']:.1f}",
                f"{row['epoch_seconds'] / base:.2f}",
            )
            for row in rows
        ],
        header=(
            "backend",
            "first step (s)",
            "steady step (ms)",
            "epoch (s)",
            f"vs {rows[0]['backend']}",
        ),
        align="lrrrr",
    )


def data_parallel_table(result):
    """The runs of `run_data_parallel`, and how far the weights of each pair ended apart.

    One line per run: its precision, devices, epoch, steady step and loss; the
    data-parallel runs also show the largest difference between their weights
    and the single-device run's, beside the largest change of a weight during
    that run (the scale to read the difference against). When both precisions
    ran, a last line gives float32's own rounding: the largest difference
    between the single-device weights in float32 and in float64.

    Args:
        result: a `DataParallelResult`.

    Returns:
        The table, a string.

    Raises:
        ValueError: if `result` is not a `DataParallelResult`.

    >>> result = DataParallelResult(
    ...     devices=("cpu:0", "cpu:1"), precisions=("float64",),
    ...     runs=({"precision": "float64", "devices": 1, "seconds": 3.0, "median_step": 0.02,
    ...            "loss": 1.5}, {"precision": "float64", "devices": 2, "seconds": 3.5,
    ...            "median_step": 0.025, "loss": 1.5}),
    ...     differences={"float64": 2e-15}, changes={"float64": 0.25}, rounding=None)
    >>> print(data_parallel_table(result))
    precision  devices  epoch (s)  steady step (ms)      loss  weights moved  apart from 1 device
    float64          1        3.0              20.0  1.500000          0.250
    float64          2        3.5              25.0  1.500000                             2.0e-15
    """
    if not isinstance(result, DataParallelResult):
        raise ValueError(
            f"`result` must be a DataParallelResult; received {type(result).__name__}. "
            "Pass what efficiency.run_data_parallel(...) returns."
        )
    rows = []
    for run in result.runs:
        precision, single = run["precision"], run["devices"] == 1
        rows.append(
            (
                precision,
                run["devices"],
                f"{run['seconds']:.1f}",
                f"{run['median_step'] * 1e3:.1f}",
                f"{run['loss']:.6f}",
                f"{result.changes[precision]:.3f}" if single else "",
                "" if single else f"{result.differences[precision]:.1e}",
            )
        )
    text = tables.format_table(
        rows,
        header=(
            "precision",
            "devices",
            "epoch (s)",
            "steady step (ms)",
            "loss",
            "weights moved",
            "apart from 1 device",
        ),
        align="lrrrrrr",
    )
    if result.rounding is not None:
        text += f"\nfloat32 against float64, 1 device (float32's rounding): {result.rounding:.1e}"
    return text

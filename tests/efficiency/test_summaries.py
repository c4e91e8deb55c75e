"""course_utils.efficiency.summaries: each run's numbers land in its row and column."""

import pytest

from course_utils.efficiency import summaries
from course_utils.efficiency.fresh_runs import DataParallelResult
from course_utils.efficiency.training import FitTiming


def columns(text):
    """Each line of a table as its cells (runs of 2+ spaces separate them)."""
    return [
        [cell.strip() for cell in line.split("  ") if cell.strip()] for line in text.splitlines()
    ]


def test_batch_size_rows_in_order():
    rows = [
        {
            "batch_size": 16,
            "rule": "same rate",
            "learning_rate": 0.001,
            "seconds": 2.5,
            "accuracy": 0.91,
        },
        {
            "batch_size": 256,
            "rule": "linear",
            "learning_rate": 0.008,
            "seconds": 0.0123,
            "accuracy": 0.8456,
        },
    ]
    header, first, second = columns(summaries.batch_size_table(rows))
    assert header == ["batch", "learning rate", "value", "steady epoch", "test accuracy"]
    assert first == ["16", "same rate", "0.001", "2.50 s", "91.00%"]
    assert second == ["256", "linear", "0.008", "12.3 ms", "84.56%"]


def test_fit_timings_with_and_without_accuracy():
    slow = FitTiming(2.0, (0.05, 0.07, 0.06), 2.25, 32, {})
    fast = FitTiming(0.5, (0.01,), 0.6, 32, {})
    header, *rows = columns(
        summaries.fit_timing_table({"eager": slow, "compiled": fast}, total="16 steps (s)")
    )
    assert header == ["way", "first step (s)", "steady step (ms)", "16 steps (s)"]
    assert rows == [["eager", "2.00", "60.00", "2.2"], ["compiled", "0.50", "10.00", "0.6"]]
    table = summaries.fit_timing_table(
        {"float32": fast}, label="policy", accuracies={"float32": 0.875}
    )
    assert columns(table)[0][0] == "policy" and columns(table)[1][-1] == "87.50%"


def test_backends_are_compared_with_the_first():
    rows = [
        {
            "backend": "TensorFlow",
            "version": "2.18",
            "first_step": 1.0,
            "median_step": 0.002,
            "epoch_seconds": 5.0,
        },
        {
            "backend": "JAX",
            "version": "0.5",
            "first_step": 3.0,
            "median_step": 0.001,
            "epoch_seconds": 2.0,
        },
    ]
    header, first, second = columns(summaries.backends_table(rows))
    assert header[-1] == "vs TensorFlow"
    assert first == ["TensorFlow 2.18", "1.00", "2.00", "5.0", "1.00"]
    assert second == ["JAX 0.5", "3.00", "1.00", "2.0", "0.40"]


def run(precision, devices, seconds):
    return {
        "precision": precision,
        "devices": devices,
        "seconds": seconds,
        "median_step": 0.01,
        "loss": 2.0,
    }


def test_data_parallel_rows_show_the_change_and_the_difference():
    result = DataParallelResult(
        devices=("cpu:0", "cpu:1"),
        precisions=("float32", "float64"),
        runs=(
            run("float32", 1, 3.0),
            run("float32", 2, 4.0),
            run("float64", 1, 5.0),
            run("float64", 2, 6.0),
        ),
        differences={"float32": 3e-7, "float64": 4e-16},
        changes={"float32": 0.125, "float64": 0.25},
        rounding=5e-6,
    )
    lines = summaries.data_parallel_table(result).splitlines()
    assert len(lines) == 6
    assert columns(lines[1])[0] == ["float32", "1", "3.0", "10.0", "2.000000", "0.125"]
    assert columns(lines[2])[0] == ["float32", "2", "4.0", "10.0", "2.000000", "3.0e-07"]
    assert columns(lines[4])[0][-1] == "4.0e-16" and columns(lines[3])[0][-1] == "0.250"
    assert lines[5].endswith("5.0e-06")


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: summaries.batch_size_table([]), "non-empty list"),
        (lambda: summaries.batch_size_table([{"batch_size": 2}]), "needs the keys"),
        (lambda: summaries.fit_timing_table({}), "non-empty dict of name: FitTiming"),
        (lambda: summaries.fit_timing_table({"a": 1.5}), "non-empty dict of name: FitTiming"),
        (
            lambda: summaries.fit_timing_table(
                {"a": FitTiming(1.0, (), 1.0, 8, {})}, accuracies={"b": 0.5}
            ),
            "an accuracy for every name",
        ),
        (lambda: summaries.backends_table([{"backend": "JAX"}]), "needs the keys"),
        (lambda: summaries.data_parallel_table({"runs": []}), "must be a DataParallelResult"),
    ],
)
def test_bad_input_is_explained(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()

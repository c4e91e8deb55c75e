"""course_utils.efficiency.fresh_runs: backends and devices that need a new process."""

import importlib.util

import pytest

from course_utils.efficiency import fresh_runs


def test_installed_backends_are_the_importable_frameworks():
    expected = [name for name in fresh_runs.BACKENDS if importlib.util.find_spec(name)]
    assert list(fresh_runs.installed_backends()) == expected


def test_one_backend_epoch_in_its_own_process():
    (row,) = fresh_runs.compare_backends(train_limit=64, batch_size=32, backends=["tensorflow"])
    assert row["backend"] == "TensorFlow" and row["version"]
    assert row["epoch_seconds"] >= row["first_step"] > 0 and row["median_step"] > 0
    assert 0 < row["loss"] < 10


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs JAX")
def test_data_parallel_weights_equal_the_single_device_ones():
    result = fresh_runs.run_data_parallel(devices=2, train_limit=128, batch_size=64)
    assert len(result.devices) == 2 and result.precisions == ("float32", "float64")
    assert [(r["precision"], r["devices"]) for r in result.runs] == [
        ("float32", 1),
        ("float32", 2),
        ("float64", 1),
        ("float64", 2),
    ]
    assert result.differences["float64"] < 1e-12  # two steps: the same sums, in another order
    assert result.differences["float32"] < 1e-5
    assert result.changes["float64"] > 1e-3  # the weights did move
    assert 0 < result.rounding < 1e-3


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs JAX")
def test_data_parallel_in_float64_alone():
    result = fresh_runs.run_data_parallel(
        devices=2, train_limit=64, batch_size=32, precisions=["float64"]
    )
    assert result.precisions == ("float64",)
    assert [(r["precision"], r["devices"]) for r in result.runs] == [("float64", 1), ("float64", 2)]
    assert list(result.differences) == ["float64"] and result.differences["float64"] < 1e-12
    assert result.changes["float64"] > 1e-3 and result.rounding is None


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: fresh_runs.compare_backends(0), "`train_limit` must be a positive integer"),
        (lambda: fresh_runs.compare_backends(64, backends=["theano"]), "installed ones are"),
        (
            lambda: fresh_runs.run_data_parallel(devices=1),
            "`devices` must be an integer of at least 2",
        ),
        (lambda: fresh_runs.run_data_parallel(batch_size=63), "must be a multiple of `devices`"),
        (
            lambda: fresh_runs.run_data_parallel(learning_rate=-1),
            "`learning_rate` must be a positive",
        ),
        (lambda: fresh_runs.run_data_parallel(precisions=()), "one or both of"),
        (lambda: fresh_runs.run_data_parallel(precisions="float64"), "one or both of"),
        (lambda: fresh_runs.run_data_parallel(precisions=["float16"]), "one or both of"),
        (
            lambda: fresh_runs.run_data_parallel(precisions=["float64", "float64"]),
            "each once",
        ),
    ],
)
def test_bad_arguments_are_explained(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_without_jax_the_data_parallel_run_says_it_needs_jax(monkeypatch):
    monkeypatch.setattr(fresh_runs, "installed_backends", lambda: ("tensorflow", "torch"))
    with pytest.raises(ValueError, match="needs JAX, which is not installed"):
        fresh_runs.run_data_parallel(devices=2, train_limit=64, batch_size=32)

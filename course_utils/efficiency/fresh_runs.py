"""Experiments that need a fresh Python process: another backend, or a CPU split into devices.

Keras picks its backend at the first `import keras`, and JAX fixes its devices
when it starts, so these run in new interpreters (`course_utils.processes`)
and hand back plain numbers:

- `compare_backends`: one epoch of the seed CNN on each installed backend;
- `run_data_parallel`: the same epoch on 1 device and on `devices` devices
  (JAX, the CPU split with `--xla_force_host_platform_device_count`), each
  run `fit_on_devices`, in float32, float64 or both, and how far apart the
  weights end up.
"""

import dataclasses
import importlib.util
import os
import pathlib
import tempfile

import keras
import numpy as np

from course_utils import checks, classification, processes
from course_utils.efficiency import training

BACKENDS = ("tensorflow", "jax", "torch")  # each is also the name of its framework's module
PRECISIONS = ("float32", "float64")  # of the data-parallel runs


def installed_backends():
    """The Keras backends whose framework is installed here, in the course's order.

    >>> "tensorflow" in installed_backends() or "jax" in installed_backends()
    True
    """
    return tuple(name for name in BACKENDS if importlib.util.find_spec(name))


def compare_backends(train_limit, batch_size=32, seed=0, backends=None, timeout=1800):
    """One epoch of the seed CNN on each backend, each in its own process, one after another.

    Args:
        train_limit: MNIST training images of the epoch.
        batch_size: examples per step.
        seed: `config.set_seed` in every process (the same initial weights
            and batch order on every backend).
        backends: names among `BACKENDS`; by default every installed one.
        timeout: seconds one backend's process may take.

    Returns:
        One dict per backend: `backend` (its title), `version`, `first_step`,
        `median_step` and `epoch_seconds` (seconds) and `loss` (the epoch's).

    Raises:
        ValueError: for a backend that is unknown or not installed, or bad sizes.
        RuntimeError: if a backend's process fails (the message holds its output).
    """
    train_limit = checks.positive_int(train_limit, "train_limit", "E.g. train_limit=6_000.")
    batch_size = checks.positive_int(batch_size, "batch_size", "E.g. batch_size=32.")
    available = installed_backends()
    backends = available if backends is None else tuple(backends)
    for name in backends:
        if name not in available:
            raise ValueError(
                f"Cannot run the backend {name!r}: the installed ones are {list(available)} "
                f"(known: {list(BACKENDS)}). Install it (see the README) or leave it out."
            )
    return [
        processes.run_in_fresh_process(
            "course_utils.efficiency.fresh_runs:_one_backend_epoch",
            {"train_limit": train_limit, "batch_size": batch_size, "seed": seed},
            env={"KERAS_BACKEND": name},
            timeout=timeout,
        )
        for name in backends
    ]


def _one_backend_epoch(train_limit, batch_size, seed):
    """In a fresh process, on the backend KERAS_BACKEND names."""
    from course_utils import backend

    backend.quiet_start()
    from course_utils import config, data

    config.set_seed(seed)
    images, labels = data.load_mnist("train", limit=train_limit)
    model = classification.build_seed_cnn()
    timing = training.time_fit(model, data.normalize_images(images), labels, batch_size)
    report = config.device_report()
    return {
        "backend": report["backend"],
        "version": report["version"],
        "first_step": timing.first_step,
        "median_step": timing.median_step,
        "epoch_seconds": timing.total,
        "loss": float(timing.history["loss"][-1]),
    }


@dataclasses.dataclass(frozen=True)
class DataParallelResult:
    """The seed CNN trained for one epoch on one device and on several, compared.

    Attributes:
        devices: the devices of the data-parallel runs, as JAX names them.
        precisions: the precisions that ran, among `PRECISIONS`.
        runs: one dict per run: `precision` ("float32" or "float64"),
            `devices` (1 or more), `seconds` (of the epoch), `first_step`,
            `median_step` (seconds) and `loss`.
        differences: for each precision, the largest absolute difference
            between a weight after the single-device epoch and the same
            weight after the data-parallel one.
        changes: for each precision, the largest change of a weight during
            the single-device epoch (the scale the difference is small against).
        rounding: the largest difference between the single-device weights
            in float32 and in float64: what float32's rounding alone does to
            this epoch, the tolerance float32 results can be held to; None
            unless both precisions ran.
    """

    devices: tuple
    precisions: tuple
    runs: tuple
    differences: dict
    changes: dict
    rounding: float


def run_data_parallel(
    devices=2,
    train_limit=2_048,
    batch_size=64,
    learning_rate=0.05,
    seed=0,
    precisions=PRECISIONS,
    timeout=1800,
):
    """Trains the seed CNN one epoch on 1 device and on `devices`, in a fresh JAX process.

    The process runs on the CPU, split into `devices` XLA devices
    (`XLA_FLAGS=--xla_force_host_platform_device_count`); on a machine with
    several GPUs or TPUs the same code would use those. Both runs start from
    the same weights and see the same global batches of `batch_size`
    (`shuffle=False`); the data-parallel one gives each device
    `batch_size / devices` examples of every batch and adds up the gradients.

    The model is the seed CNN trained with plain SGD: the two runs compute the
    same gradients but add them up in another order, and Adam, which divides
    each update by the gradient's recent size, would turn the rounding of a
    weight whose gradient is almost 0 into a full step.

    Args:
        devices: devices of the data-parallel run (2 or more); must divide
            `batch_size`.
        train_limit: MNIST training images of the epoch.
        batch_size: the global batch, examples per step over all devices.
        learning_rate: SGD's learning rate.
        seed: `config.set_seed` before each run.
        precisions: which of "float32" and "float64" to run, in that order;
            float64 shows the arithmetic itself, float32 what training uses.
        timeout: seconds the process may take.

    Returns:
        A `DataParallelResult`.

    Raises:
        ValueError: for bad sizes or precisions, or when JAX is not installed.
        RuntimeError: if the process fails (the message holds its output).
    """
    devices = checks.integer(devices, "devices", low=2, fix="E.g. devices=2.")
    train_limit = checks.positive_int(train_limit, "train_limit", "E.g. train_limit=2_048.")
    batch_size = checks.positive_int(batch_size, "batch_size", "E.g. batch_size=64.")
    if not (checks.is_number(learning_rate) and learning_rate > 0):
        raise ValueError(
            f"`learning_rate` must be a positive number; received {learning_rate!r}. "
            "E.g. learning_rate=0.05."
        )
    if batch_size % devices:
        raise ValueError(
            f"`batch_size` ({batch_size}) must be a multiple of `devices` ({devices}): every "
            "device takes an equal share of each batch. E.g. batch_size=64, devices=2."
        )
    chosen = tuple(precisions) if isinstance(precisions, (tuple, list)) else None
    if not chosen or any(p not in PRECISIONS for p in chosen) or len(set(chosen)) < len(chosen):
        raise ValueError(
            f"`precisions` must list one or both of {PRECISIONS}, each once; received "
            f"{precisions!r}. E.g. precisions=('float64',)."
        )
    chosen = tuple(p for p in PRECISIONS if p in chosen)
    if "jax" not in installed_backends():
        raise ValueError(
            "The data-parallel run needs JAX, which is not installed here; install it with "
            "`pip install jax` (the course's requirements include it)."
        )
    flags = os.environ.get("XLA_FLAGS", "")
    env = {
        "KERAS_BACKEND": "jax",
        "JAX_PLATFORMS": "cpu",
        "JAX_ENABLE_X64": "1",  # float64 exists only when enabled at start
        "XLA_FLAGS": f"{flags} --xla_force_host_platform_device_count={devices}".strip(),
    }
    with tempfile.TemporaryDirectory() as folder:
        weights_file = str(pathlib.Path(folder) / "weights.npz")
        arguments = {
            "devices": devices,
            "train_limit": train_limit,
            "batch_size": batch_size,
            "learning_rate": float(learning_rate),
            "seed": seed,
            "precisions": list(chosen),
            "weights_file": weights_file,
        }
        found = processes.run_in_fresh_process(
            "course_utils.efficiency.fresh_runs:_data_parallel_runs", arguments, env, timeout
        )
        with np.load(weights_file) as weights:
            differences, changes = {}, {}
            for precision in chosen:
                one, many = weights[f"{precision}-1"], weights[f"{precision}-{devices}"]
                differences[precision] = float(np.max(np.abs(one - many)))
                changes[precision] = float(np.max(np.abs(one - weights[f"{precision}-start"])))
            rounding = None
            if len(chosen) == len(PRECISIONS):
                rounding = float(np.max(np.abs(weights["float32-1"] - weights["float64-1"])))
    return DataParallelResult(
        devices=tuple(found["devices"]),
        precisions=chosen,
        runs=tuple(found["runs"]),
        differences=differences,
        changes=changes,
        rounding=rounding,
    )


def fit_on_devices(devices, x, y, weights, batch_size, learning_rate):
    """One epoch of the seed CNN from `weights`, each batch split over `devices`.

    Under `keras.distribution.DataParallel` every device holds a copy of the
    weights and takes `batch_size / len(devices)` examples of every batch; the
    gradients are averaged over the devices, so each copy makes the same
    update. `fit` is the same as on one device. Runs on the JAX backend.

    Args:
        devices: the devices, as `keras.distribution.list_devices()` names them.
        x: training images, `(n, 28, 28, 1)`, in the precision to train in.
        y: their labels, `(n,)`.
        weights: the starting weights, as `model.get_weights()` returns them.
        batch_size: the global batch, a multiple of `len(devices)`.
        learning_rate: SGD's learning rate.

    Returns:
        `(model, timing)`: the trained model and its `FitTiming`.
    """
    distribution = keras.distribution.DataParallel(devices=devices)
    with distribution.scope():  # build, compile and fit under the distribution
        model = classification.build_seed_cnn()
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate),  # plain SGD, not Adam: see the text
            loss="sparse_categorical_crossentropy",
        )
        model.set_weights(weights)  # every run starts from the same weights
        timing = training.time_fit(model, x, y, batch_size, shuffle=False)
    return model, timing


def _data_parallel_runs(
    devices, train_limit, batch_size, learning_rate, seed, precisions, weights_file
):
    """In a fresh JAX process with `devices` CPU devices: two epochs per precision, saved."""
    from course_utils import backend, config, data

    backend.quiet_start()

    found = keras.distribution.list_devices()
    if len(found) < devices:
        raise RuntimeError(f"JAX sees {len(found)} devices ({found}), not {devices}")
    images, labels = data.load_mnist("train", limit=train_limit)
    config.set_seed(seed)
    initial = classification.build_seed_cnn().get_weights()  # float32, the start of every run
    runs, weights = [], {}
    for precision in precisions:
        keras.config.set_floatx(precision)  # the variables' dtype ...
        keras.config.set_dtype_policy(precision)  # ... and the computations'
        x = data.normalize_images(images).astype(precision)
        start = [w.astype(precision) for w in initial]
        weights[f"{precision}-start"] = np.concatenate([np.ravel(w) for w in start])
        for count in (1, devices):
            config.set_seed(seed)
            model, timing = fit_on_devices(
                found[:count], x, labels, start, batch_size, learning_rate
            )
            weights[f"{precision}-{count}"] = np.concatenate(
                [np.ravel(w) for w in model.get_weights()]
            )
            runs.append(
                {
                    "precision": precision,
                    "devices": count,
                    "seconds": timing.total,
                    "first_step": timing.first_step,
                    "median_step": timing.median_step,
                    "loss": float(timing.history["loss"][-1]),
                }
            )
    keras.config.set_floatx("float32")
    keras.config.set_dtype_policy("float32")
    np.savez(weights_file, **weights)
    return {"devices": [str(device) for device in found[:devices]], "runs": runs}

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from course_utils import backend
from course_utils.backend import tensorflow as tensorflow_backend


def test_value_and_gradients_equal_the_derivative_of_a_dense_layer():
    rng = np.random.default_rng(0)
    layer = keras.layers.Dense(3)
    x = rng.normal(size=(5, 4)).astype("float32")
    target = rng.normal(size=(5, 3)).astype("float32")
    layer.build(x.shape)

    def loss():
        return keras.ops.mean((layer(x) - target) ** 2)

    value, (grad_kernel, grad_bias) = backend.value_and_gradients(loss, layer.trainable_weights)
    kernel, bias = (backend.to_numpy(w) for w in layer.trainable_weights)
    residual = x @ kernel + bias - target
    np.testing.assert_allclose(float(value), (residual**2).mean(), rtol=1e-5)
    np.testing.assert_allclose(
        backend.to_numpy(grad_kernel), 2 * x.T @ residual / residual.size, rtol=1e-4, atol=1e-6
    )
    np.testing.assert_allclose(
        backend.to_numpy(grad_bias), 2 * residual.sum(0) / residual.size, rtol=1e-4, atol=1e-6
    )


def test_value_and_gradients_needs_an_implemented_backend(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    if "jax" in backend.IMPLEMENTED:
        pytest.skip("JAX is implemented")
    with pytest.raises(RuntimeError, match=r"needs the TensorFlow backend.*KERAS_BACKEND="):
        backend.require_gradients("the test")


def test_to_numpy_converts_tensors_and_passes_arrays():
    array = np.arange(3.0)
    assert backend.to_numpy(array) is array
    np.testing.assert_array_equal(backend.to_numpy(keras.ops.ones((2,))), [1.0, 1.0])


def test_devices_names_the_framework():
    report = backend.devices()
    assert report["framework"] == keras.backend.backend()
    assert isinstance(report["version"], str) and report["version"][0].isdigit()
    assert isinstance(report["gpus"], list)


def test_random_state_round_trip_restores_keras_seed():
    keras.utils.set_random_seed(11)
    keras.random.uniform(())  # the global generator exists and has moved on
    state = backend.random_state()
    first = float(keras.random.uniform(()))
    keras.utils.set_random_seed(99)
    backend.restore_random_state(state)
    assert float(keras.random.uniform(())) == first


def test_no_other_module_imports_a_framework():
    import pathlib

    root = pathlib.Path(backend.__file__).parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        if path.parent.name == "backend":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            words = line.strip().split()
            if (
                len(words) >= 2
                and words[0] in ("import", "from")
                and (words[1].split(".")[0] in ("tensorflow", "jax", "torch"))
            ):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, offenders


def test_quiet_start_hides_start_up_notices_only(tmp_path):
    script = "from course_utils import backend; backend.quiet_start(); import keras"
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "0"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "oneDNN" not in run.stderr and "cuda" not in run.stderr.lower()


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("I0000 00:00:17 4883 port.cc:153] oneDNN custom operations are on.", True),
        ("W0000 00:00:17 4883 cudart_stub.cc:31] Could not find cuda drivers", True),
        ("E0000 00:00:17 4883 cuda_platform.cc:52] failed call to cuInit: INTERNAL", True),
        ("WARNING: All log messages before absl::InitializeLog() is called are written", True),
        ("E0000 00:00:17 4883 something.cc:1] Out of memory while allocating", False),
        ("Traceback (most recent call last):", False),
    ],
)
def test_only_known_notices_are_filtered(line, hidden):
    assert bool(tensorflow_backend.NOTICES.match(line)) is hidden

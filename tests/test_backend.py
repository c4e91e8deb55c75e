import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from course_utils import backend
from course_utils.backend import tensorflow as tensorflow_backend

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend


def test_value_and_gradients_equal_the_derivative_of_a_dense_layer():
    rng = np.random.default_rng(0)
    layer = keras.layers.Dense(3)
    x = rng.normal(size=(5, 4)).astype("float32")
    target = rng.normal(size=(5, 3)).astype("float32")
    layer.build(x.shape)

    def loss():  # keras.ops, not the `-` of a tensor and a NumPy array, which PyTorch refuses
        return keras.ops.mean(keras.ops.square(keras.ops.subtract(layer(x), target)))

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


def test_value_and_gradients_needs_a_supported_backend(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "numpy")
    with pytest.raises(
        RuntimeError, match=r"needs the TensorFlow, JAX, PyTorch backend.*KERAS_BACKEND="
    ):
        backend.require_gradients("the test")


def test_gradients_of_what_the_value_does_not_use_are_zeros():
    used, unused = keras.Variable([1.0, 2.0]), keras.Variable([[3.0]])
    value, (grad_used, grad_unused) = backend.value_and_gradients(
        lambda: keras.ops.sum(used**3), [used, unused]
    )
    assert float(value) == 9.0
    np.testing.assert_allclose(backend.to_numpy(grad_used), [3.0, 12.0])
    np.testing.assert_array_equal(backend.to_numpy(grad_unused), [[0.0]])


def test_has_aux_returns_the_extras_undifferentiated():
    w = keras.Variable(2.0)

    def loss():
        doubled = w * 2.0
        return doubled * doubled, {"doubled": doubled}

    (value, extras), (grad,) = backend.value_and_gradients(loss, [w], has_aux=True)
    assert float(value) == 16.0 and float(backend.to_numpy(extras["doubled"])) == 4.0
    assert float(backend.to_numpy(grad)) == 16.0  # d(4 w^2)/dw = 8 w


def test_assignments_inside_the_loss_take_effect_on_every_backend():
    # A batch norm in training mode moves its statistics while the loss runs.
    layer = keras.layers.BatchNormalization(momentum=0.5)
    x = np.random.default_rng(0).normal(3.0, 1.0, size=(64, 2)).astype("float32")
    layer.build(x.shape)
    _, grads = backend.value_and_gradients(
        lambda: keras.ops.sum(layer(x, training=True)), layer.trainable_weights
    )
    np.testing.assert_allclose(backend.to_numpy(layer.moving_mean), 0.5 * x.mean(0), rtol=1e-5)
    assert len(grads) == 2


def test_value_and_input_gradient_of_a_model_equals_the_formula():
    rng = np.random.default_rng(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="tanh")])
    x = rng.normal(size=(4, 3)).astype("float32")
    value, grad = backend.value_and_input_gradient(lambda t: keras.ops.sum(model(t)[:, 1]), x)
    kernel, bias = model.get_weights()
    hidden = x @ kernel + bias
    np.testing.assert_allclose(float(value), np.tanh(hidden[:, 1]).sum(), rtol=1e-5)
    expected = (1 - np.tanh(hidden[:, 1:2]) ** 2) * kernel[:, 1]
    np.testing.assert_allclose(backend.to_numpy(grad), expected, rtol=1e-4, atol=1e-6)


def test_value_and_input_gradient_is_zero_where_the_value_does_not_depend():
    _, grad = backend.value_and_input_gradient(
        lambda t: keras.ops.sum(t[:, 0] ** 2), np.ones((2, 3), dtype="float32")
    )
    np.testing.assert_array_equal(backend.to_numpy(grad), [[2.0, 0, 0], [2.0, 0, 0]])


class _HandStep(keras.Model):
    """A linear model trained by its own stateful train_step, through backend.train_step."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1, kernel_initializer="zeros")
        self.steps = keras.Variable(0, dtype="int32", trainable=False)
        self.tracker = keras.metrics.Mean(name="loss")

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, x):
        return self.dense(x)

    @property
    def metrics(self):
        return [self.tracker]

    def train_step(self, *args):
        return backend.train_step(self, args, self.step)

    def step(self, data):
        x, y = data
        weights = self.dense.trainable_weights
        loss, grads = backend.value_and_gradients(
            lambda: keras.ops.mean((self.dense(x)[:, 0] - y) ** 2), weights
        )
        self.optimizer.apply(grads, weights)
        self.steps.assign(self.steps + 1)
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}


def test_train_step_carries_a_stateful_step_through_fit_on_every_backend():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.25).astype("float32")
    model = _HandStep()
    model.build((None, 3))
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    history = model.fit(x, y, batch_size=16, epochs=20, shuffle=False, verbose=0)
    kernel, bias = model.dense.get_weights()
    np.testing.assert_allclose(kernel[:, 0], [1.0, -2.0, 0.5], atol=1e-3)
    np.testing.assert_allclose(bias, [0.25], atol=1e-3)
    assert int(backend.to_numpy(model.steps)) == 80  # 4 batches x 20 epochs
    assert history.history["loss"][-1] < 1e-5 < history.history["loss"][0]


def test_train_step_equals_one_hand_written_sgd_step():
    x = np.array([[1.0, 2.0], [3.0, -1.0]], dtype="float32")
    y = np.array([1.0, 0.0], dtype="float32")
    model = _HandStep()
    model.build((None, 2))
    model.compile(optimizer=keras.optimizers.SGD(0.5))
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    # From zero weights the prediction is 0: grad = 2/n X^T (0 - y), grad_b = 2/n sum(0 - y).
    grad_w = 2 / 2 * x.T @ (0 - y)
    kernel, bias = model.dense.get_weights()
    np.testing.assert_allclose(kernel[:, 0], -0.5 * grad_w, rtol=1e-6)
    np.testing.assert_allclose(bias, [-0.5 * 2 / 2 * (0 - y).sum()], rtol=1e-6)


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


@pytest.mark.every_backend
def test_wait_until_done_returns_its_argument_with_the_work_finished():
    import keras

    product = keras.ops.matmul(keras.ops.ones((64, 64)), keras.ops.ones((64, 64)))
    result = {"product": product, "parts": [keras.ops.sum(product)], "none": None}
    assert backend.wait_until_done(result) is result
    assert backend.to_numpy(result["parts"][0]) == 64.0**3

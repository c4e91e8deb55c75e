"""course_utils.efficiency.layer_times: each layer timed on its own, forward and backward."""

import keras
import numpy as np
import pytest

from course_utils import backend, classification, efficiency
from course_utils.efficiency import layer_times


@pytest.fixture(scope="module")
def seed_cnn():
    return classification.build_seed_cnn()


@pytest.fixture(scope="module")
def times(seed_cnn):
    images = np.random.default_rng(0).random((3, 28, 28, 1))
    return efficiency.time_layers(seed_cnn, images, warmup=1, repeats=2)


@pytest.mark.every_backend
def test_one_row_per_layer_with_its_count_and_its_times(seed_cnn, times):
    counted = efficiency.count_flops(seed_cnn).layers
    assert [row.name for row in times.layers] == [layer.name for layer in seed_cnn.layers]
    assert [row.kind for row in times.layers] == [layer.kind for layer in counted]
    products = [layer.macs if layer.operation == "multiply-add" else 0 for layer in counted]
    assert [row.macs for row in times.layers] == products  # pooling compares, multiplies none
    assert products[1] == products[3] == 0 and counted[1].macs == 21_632
    assert [row.output_shape for row in times.layers] == [layer.output_shape for layer in counted]
    assert times.batch_size == 3
    assert times.macs == efficiency.count_flops(seed_cnn).macs == 2_794_240
    for row in times.layers:
        for timing in (row.forward, row.training):
            assert len(timing.warmups) == 1 and len(timing.times) == 2
            assert all(seconds > 0 for seconds in timing.times)


def test_shares_sum_to_one_and_the_total_is_the_sum_of_medians(times):
    total = sum(row.training.median for row in times.layers)
    assert times.total == pytest.approx(total)
    assert sum(times.time_share(row) for row in times.layers) == pytest.approx(1.0)
    assert sum(times.macs_share(row) for row in times.layers) == pytest.approx(1.0)
    conv = times.layers[2]  # the second Conv2D: 2,230,272 of 2,794,240 multiply-adds
    assert times.macs_share(conv) == pytest.approx(2_230_272 / 2_794_240)
    assert times.time_share(conv) == pytest.approx(conv.training.median / total)


def test_the_table_names_every_layer_and_its_milliseconds(times):
    text = times.table()
    lines = text.splitlines()
    assert len(lines) == 1 + len(times.layers) + 1
    assert "share of time" in lines[0] and "share of multiply-adds" in lines[0]
    for line, row in zip(lines[1:], times.layers):
        assert line.split()[0] == row.name
        assert f"{row.training.median * 1e3:.2f}" in line
        assert f"{times.macs_share(row):.1%}" in line
    assert lines[-1].split()[0] == "total" and f"{times.total * 1e3:.2f}" in lines[-1]


@pytest.mark.every_backend
def test_backward_is_taken_for_the_weights_and_for_every_input_but_the_data(monkeypatch):
    model = keras.Sequential(
        [keras.Input((5, 4, 2)), keras.layers.Flatten(), keras.layers.Dense(3)], name="small"
    )
    model_first_weights = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4), keras.layers.Dense(2)], name="dense"
    )
    real = backend.value_and_gradients
    calls = []

    def recording(fn, variables, has_aux=False):
        value, grads = real(fn, variables, has_aux)
        calls.append(([tuple(v.shape) for v in variables], backend.to_numpy(value), grads))
        return value, grads

    monkeypatch.setattr(backend, "value_and_gradients", recording)
    rng = np.random.default_rng(1)
    data = rng.normal(size=(2, 5, 4, 2))
    efficiency.time_layers(model, data, warmup=0, repeats=1)
    flatten_call, dense_call = calls
    # Flatten has no weights: its input is differentiated even though it is the first layer.
    assert flatten_call[0] == [(2, 5, 4, 2)]
    np.testing.assert_allclose(backend.to_numpy(flatten_call[2][0]), np.ones((2, 5, 4, 2)))
    # Dense: kernel, bias, then the input it received (the flattened data).
    assert dense_call[0] == [(40, 3), (3,), (2, 40)]
    kernel = backend.to_numpy(model.layers[1].kernel)
    np.testing.assert_allclose(
        backend.to_numpy(dense_call[2][0]),
        np.repeat(data.reshape(2, 40).sum(0)[:, None], 3, axis=1),
        rtol=1e-5,
        atol=1e-5,
    )
    np.testing.assert_allclose(backend.to_numpy(dense_call[2][1]), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(
        backend.to_numpy(dense_call[2][2]), np.tile(kernel.sum(1), (2, 1)), rtol=1e-5
    )
    calls.clear()
    efficiency.time_layers(model_first_weights, rng.normal(size=(3, 6)), warmup=0, repeats=1)
    assert [shapes for shapes, _, _ in calls] == [[(6, 4), (4,)], [(4, 2), (2,), (3, 4)]]


@pytest.mark.parametrize(
    "model, message",
    [
        (lambda: keras.Model(*_functional()), "must be a keras.Sequential"),
        (lambda: keras.Sequential([keras.layers.Dense(2)]), "must be built"),
        (lambda: "seed_cnn", "received str"),
    ],
)
def test_a_model_that_is_not_a_built_sequential_is_explained(model, message):
    with pytest.raises(ValueError, match=message):
        efficiency.time_layers(model(), np.zeros((2, 3)))


def _functional():
    inputs = keras.Input((3,))
    return inputs, keras.layers.Dense(2)(inputs)


@pytest.mark.parametrize(
    "inputs, message",
    [
        (np.zeros((2, 28, 28)), r"received shape \(2, 28, 28\)"),
        (np.zeros((0, 28, 28, 1)), "at least one example"),
        (np.zeros((2, 14, 14, 1)), r"\(batch,\) \+ \(28, 28, 1\)"),
        ("images", "received str"),
        ([[1, 2], [3]], "received list"),
    ],
)
def test_inputs_of_the_wrong_shape_or_kind_are_explained(seed_cnn, inputs, message):
    with pytest.raises(ValueError, match=message):
        efficiency.time_layers(seed_cnn, inputs)


@pytest.mark.parametrize("warmup, repeats", [(-1, 3), (1, 0), (1, 2.5)])
def test_counts_that_are_not_counts_are_explained(seed_cnn, warmup, repeats):
    with pytest.raises(ValueError, match="warmup|repeats"):
        efficiency.time_layers(seed_cnn, np.zeros((1, 28, 28, 1)), warmup=warmup, repeats=repeats)


def test_the_figure_puts_each_layers_time_beside_its_multiply_adds(times):
    fig = efficiency.plot_layer_times(times)
    bars = fig.axes[0].patches
    assert len(bars) == 2 * len(times.layers)
    widths = [bar.get_width() for bar in bars]
    expected_time = [100 * times.time_share(row) for row in times.layers]
    expected_macs = [100 * times.macs_share(row) for row in times.layers]
    np.testing.assert_allclose(widths, expected_time + expected_macs)
    assert "batch of 3" in fig.axes[0].get_title()


def test_the_figure_wants_layer_times():
    with pytest.raises(ValueError, match="must be a LayerTimes; received dict"):
        efficiency.plot_layer_times({"conv": 0.1})


def test_the_module_is_the_public_one():
    assert efficiency.time_layers is layer_times.time_layers

import keras
import numpy as np
import pytest

from course_utils import inference


def _two_outputs():
    inputs = keras.Input((3,))
    return keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(4)(inputs)])


@pytest.mark.parametrize("batch_size", [1, 3, 7, 500])
def test_batches_join_to_one_call(batch_size):
    model = _two_outputs()
    x = np.random.default_rng(0).normal(size=(7, 3)).astype("float32")
    whole = [keras.ops.convert_to_numpy(out) for out in model(x)]
    parts = inference.run_in_batches(model, x, batch_size)
    assert [p.shape for p in parts] == [(7, 2), (7, 4)]
    for got, expected in zip(parts, whole):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_reduce_keeps_only_the_reduced_batches():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
    x = np.random.default_rng(1).normal(size=(9, 3)).astype("float32")
    (argmax,) = inference.run_in_batches(model, x, 4, reduce=lambda p: p.argmax(-1))
    full = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_array_equal(argmax, full.argmax(-1))


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        inference.run_in_batches(keras.layers.Dense(1), np.ones((2, 2)), bad)


def test_empty_inputs_are_a_clear_error():
    with pytest.raises(ValueError, match="at least one input"):
        inference.run_in_batches(keras.layers.Dense(1), np.ones((0, 2)))

"""course_utils.vae.layers: the Sampling layer."""

import keras
import numpy as np
import pytest

from course_utils import vae


def test_sampling_draws_from_the_right_gaussian():
    mean = np.tile(np.array([[2.0, -1.0, 0.0]], dtype="float32"), (50_000, 1))
    log_var = np.tile(np.log(np.array([[0.25, 4.0, 1.0]], dtype="float32")), (50_000, 1))
    z = keras.ops.convert_to_numpy(vae.Sampling(seed=3)([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [2.0, -1.0, 0.0], atol=0.03)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0, 1.0], rtol=0.02)


def test_sampling_repeats_with_a_seed_and_draws_afresh_each_call():
    mean, log_var = np.zeros((2, 4), dtype="float32"), np.zeros((2, 4), dtype="float32")
    first, second = vae.Sampling(seed=5), vae.Sampling(seed=5)
    a, b = (keras.ops.convert_to_numpy(layer([mean, log_var])) for layer in (first, second))
    np.testing.assert_array_equal(a, b)
    again = keras.ops.convert_to_numpy(first([mean, log_var]))
    assert not np.allclose(a, again)


def test_sampling_rejects_mismatched_shapes_and_serializes():
    with pytest.raises(ValueError, match=r"same shape; received \(None, 3\) and \(None, 4\)"):
        vae.Sampling()([keras.Input((3,)), keras.Input((4,))])
    with pytest.raises(ValueError, match=r"called on \[mean, log_var\]"):
        vae.Sampling()(keras.Input((3,)))
    with pytest.raises(ValueError, match="seed"):
        vae.Sampling(seed="zero")
    assert keras.saving.get_registered_object("course_utils>Sampling") is vae.Sampling
    clone = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(vae.Sampling(seed=9))
    )
    assert isinstance(clone, vae.Sampling) and clone.seed == 9

"""The VAE's sampling layer: the reparameterization trick as a Keras layer.

z = Sampling(seed=0)([mean, log_var])    # mean + exp(log_var / 2) * epsilon
"""

import keras
from keras import layers, ops

from course_utils import checks
from course_utils.vae import _checks


@keras.saving.register_keras_serializable(package="course_utils")
class Sampling(layers.Layer):
    """Draws z = mean + exp(log_var / 2) * epsilon with epsilon ~ N(0, I).

    The reparameterization trick as a layer: called on `[mean, log_var]`, it
    uses Keras' seeded random numbers (`keras.random.normal` with a
    `SeedGenerator`), so it works on every backend and repeats with a seed.

    Args:
        seed: an integer for repeatable draws, or `None` (then
            `keras.utils.set_random_seed` decides).

    Raises:
        ValueError: when called on anything but two tensors of the same shape.

    >>> import numpy as np
    >>> layer = Sampling(seed=0)
    >>> mean, log_var = np.full((2, 3), 5.0), np.full((2, 3), -50.0)  # tiny variance
    >>> np.round(keras.ops.convert_to_numpy(layer([mean, log_var])), 4)
    array([[5., 5., 5.],
           [5., 5., 5.]], dtype=float32)
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and not checks.is_integer(seed):
            raise ValueError(f"`seed` must be an integer or None; received {seed!r}.")
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def build(self, input_shape):
        _checks.pair_shapes(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(_checks.pair_shapes(input_shape)[0])

    def call(self, inputs):
        mean, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}

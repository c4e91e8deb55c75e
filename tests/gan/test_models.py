"""gan.models: the generator and the discriminator."""

import inspect

import keras
import numpy as np
import pytest

from course_utils import config, gan

# --- the two networks ------------------------------------------------------------------------


@pytest.mark.parametrize("latent_dim", [1, 8, 64])
def test_generator_maps_noise_to_images_in_tanh_range(latent_dim):
    config.set_seed(0)
    generator = gan.build_generator(latent_dim)
    assert generator.input_shape == (None, latent_dim)
    assert generator.output_shape == (None, 28, 28, 1)
    noise = np.random.default_rng(0).normal(0, 30, size=(5, latent_dim)).astype("float32")
    images = generator.predict(noise, verbose=0)
    assert images.shape == (5, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    assert np.abs(images[0] - images[1]).max() > 1e-3  # another z, another image


def test_generator_layers_and_parameters():
    generator = gan.build_generator(64, filters=(128, 64, 32))
    kinds = [type(layer).__name__ for layer in generator.layers]
    assert kinds == [
        "Dense",
        "BatchNormalization",
        "LeakyReLU",
        "Reshape",
        "Conv2DTranspose",
        "BatchNormalization",
        "LeakyReLU",
        "Conv2DTranspose",
        "BatchNormalization",
        "LeakyReLU",
        "Conv2D",
    ]
    # Dense without bias, BN (4 numbers per channel), transposed convolutions 4x4.
    expected = (
        64 * 7 * 7 * 128
        + 4 * 7 * 7 * 128
        + 4 * 4 * 128 * 64
        + 4 * 64
        + 4 * 4 * 64 * 32
        + 4 * 32
        + 3 * 3 * 32 * 1
        + 1
    )
    assert generator.count_params() == expected
    small = gan.build_generator(16, filters=(8, 4, 2))
    assert small.count_params() == (
        16 * 7 * 7 * 8
        + 4 * 7 * 7 * 8
        + 4 * 4 * 8 * 4
        + 4 * 4
        + 4 * 4 * 4 * 2
        + 4 * 2
        + 3 * 3 * 2
        + 1
    )


def test_builders_take_their_arguments_by_position_or_name():
    """The package's builders check their arguments first, and keep the lesson's signature."""
    assert list(inspect.signature(gan.build_generator).parameters) == ["latent_dim", "filters"]
    assert list(inspect.signature(gan.build_discriminator).parameters) == [
        "input_shape",
        "filters",
        "dropout",
    ]
    by_position = gan.build_discriminator([28, 28, 1], (4, 4, 4), 0.5)
    assert by_position.input_shape == (None, 28, 28, 1)
    assert [layer.rate for layer in by_position.layers if hasattr(layer, "rate")] == [0.5] * 3
    assert gan.build_generator(filters=[8, 4, 2], latent_dim=3).input_shape == (None, 3)
    assert "generator G" in gan.build_generator.__doc__


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5, True, "64", None])
def test_generator_rejects_a_bad_latent_dim(latent_dim):
    with pytest.raises(ValueError, match=r"`latent_dim` must be a positive integer.*latent_dim=64"):
        gan.build_generator(latent_dim)


def test_generator_rejects_bad_filters():
    with pytest.raises(ValueError, match=r"3 positive integers.*\(128, 64, 32\)"):
        gan.build_generator(8, filters=(128, 64))
    with pytest.raises(ValueError, match=r"3 positive integers.*\(64, 128, 128\)"):
        gan.build_discriminator(filters=(64, 0, 128))


def test_discriminator_gives_one_probability_per_image():
    config.set_seed(0)
    discriminator = gan.build_discriminator()
    assert discriminator.input_shape == (None, 28, 28, 1)
    assert discriminator.output_shape == (None, 1)
    images = np.random.default_rng(0).uniform(-1, 1, (6, 28, 28, 1)).astype("float32")
    scores = discriminator.predict(images * 50, verbose=0)
    assert scores.shape == (6, 1) and scores.min() >= 0 and scores.max() <= 1
    assert discriminator.layers[-1].get_config()["activation"] == "sigmoid"
    convolutions = [
        layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [tuple(c.output.shape[1:]) for c in convolutions] == [
        (14, 14, 64),
        (7, 7, 128),
        (7, 7, 128),
    ]
    expected = (16 * 64 + 64) + (16 * 64 * 128 + 128) + (9 * 128 * 128 + 128) + (7 * 7 * 128 + 1)
    assert discriminator.count_params() == expected


@pytest.mark.parametrize("input_shape", [(28, 28), (30, 30, 1), (28, 28, 0), "mnist"])
def test_discriminator_rejects_a_bad_input_shape(input_shape):
    with pytest.raises(ValueError, match=r"divisible by 4.*\(28, 28, 1\)"):
        gan.build_discriminator(input_shape)


@pytest.mark.parametrize("dropout", [-0.1, 1.0, "0.3", True])
def test_discriminator_rejects_a_bad_dropout(dropout):
    with pytest.raises(ValueError, match=r"`dropout` must be a number in \[0, 1\)"):
        gan.build_discriminator(dropout=dropout)

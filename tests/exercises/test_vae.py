"""Checkers of notebook 07: they pass the reference and reject known-wrong answers."""

import math
import random

import keras
import numpy as np
import pytest
from keras import layers

from course_utils import exercises, vae
from course_utils.exercises import vae as vae_exercises
from course_utils.layers import Conv2DTranspose


def decoder(
    latent_dim,
    output_shape=(28, 28, 1),
    *,
    kernel=3,
    filters=(64, 32),
    dense_relu=True,
    logits_activation=None,
    separate_sigmoid=True,
    final="sigmoid",
    fixed_map=None,
    channels=None,
    last_strides=1,
    base=32,
    upsample=False,
):
    """The VAE's decoder, written with Keras' own layers, or one of its typical mistakes."""
    height, width, out_channels = output_shape
    if fixed_map:
        height, width = 4 * fixed_map, 4 * fixed_map
    out_channels = channels or out_channels
    z = keras.Input(shape=(latent_dim,))
    x = layers.Dense(
        (height // 4) * (width // 4) * base, activation="relu" if dense_relu else None
    )(z)
    x = layers.Reshape((height // 4, width // 4, base))(x)
    for count in filters:
        if upsample:
            x = layers.UpSampling2D(2)(x)
            x = layers.Conv2D(count, kernel, padding="same", activation="relu")(x)
        else:
            x = layers.Conv2DTranspose(count, kernel, strides=2, padding="same", activation="relu")(
                x
            )
    last_activation = logits_activation if separate_sigmoid else final
    x = layers.Conv2DTranspose(
        out_channels, kernel, strides=last_strides, padding="same", activation=last_activation
    )(x)
    if separate_sigmoid and final:
        x = layers.Activation(final)(x)
    return keras.Model(z, x)


def sequential_decoder(latent_dim, output_shape=(28, 28, 1)):
    """Right, written as a Sequential with ReLU layers of their own."""
    height, width, channels = output_shape
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense((height // 4) * (width // 4) * 32),
            layers.ReLU(),
            layers.Reshape((height // 4, width // 4, 32)),
            Conv2DTranspose(64, 3, strides=2, padding="same"),
            layers.ReLU(),
            Conv2DTranspose(32, 3, strides=2, padding="same"),
            layers.ReLU(),
            Conv2DTranspose(channels, 3, padding="same"),
            layers.Activation(keras.activations.sigmoid),
        ]
    )


def stub(*args):
    raise NotImplementedError


@pytest.mark.every_backend
@pytest.mark.parametrize(
    "fn",
    [vae.build_decoder, decoder, sequential_decoder],
    ids=["package", "keras-layers", "sequential"],
)
def test_check_decoder_accepts_right_answers(fn, capsys):
    assert exercises.check_decoder(fn) is True
    assert "✓ Exercise 7.1 (the VAE's decoder): correct on all 4 cases" in capsys.readouterr().out


WRONG_DECODERS = {
    "sigmoid inside the last convolution": (
        lambda d, s: decoder(d, s, separate_sigmoid=False),
        'Activation("sigmoid") as a layer of its own',
    ),
    "no sigmoid: logits out": (lambda d, s: decoder(d, s, final=None), "the last layer is"),
    "softmax instead of sigmoid": (lambda d, s: decoder(d, s, final="softmax"), "the last layer"),
    "no relu after the dense layer": (
        lambda d, s: decoder(d, s, dense_relu=False),
        "other probabilities: check the activations",
    ),
    "relu on the logits": (
        lambda d, s: decoder(d, s, logits_activation="relu"),
        "other probabilities",
    ),
    "4x4 kernels": (lambda d, s: decoder(d, s, kernel=4), "layer 2 with weights"),
    "filters in the wrong order": (
        lambda d, s: decoder(d, s, filters=(32, 64)),
        "Conv2DTranspose(64, 3, strides=2, activation='relu')",
    ),
    "64 maps from the dense layer": (lambda d, s: decoder(d, s, base=64), "layer 1 with weights"),
    "a 7x7 map whatever the image size": (
        lambda d, s: decoder(d, s, fixed_map=7),
        "gives images of shape",
    ),
    "one channel whatever the image": (
        lambda d, s: decoder(d, s, channels=1),
        "gives images of shape",
    ),
    "a strided last layer": (lambda d, s: decoder(d, s, last_strides=2), "gives images of shape"),
    "one doubling too few": (lambda d, s: decoder(d, s, filters=(64,)), "gives images of shape"),
    "upsampling and convolutions": (
        lambda d, s: decoder(d, s, upsample=True),
        "layer 2 with weights is Conv2D",
    ),
    "the encoder instead": (lambda d, s: vae.build_encoder(d, s), "takes inputs of shape"),
    "no Input": (
        lambda d, s: keras.Sequential([layers.Dense(784, activation="sigmoid")]),
        "start it with z = keras.Input",
    ),
    "returns nothing": (lambda d, s: None, "returned None"),
    "returns the probabilities' shape": (lambda d, s: s, "expected a keras.Model"),
    "raises a TypeError": (lambda d, s: d + "x", "raised TypeError"),
}


@pytest.mark.parametrize("name", sorted(WRONG_DECODERS))
def test_check_decoder_rejects_wrong_answers(name, capsys):
    fn, phrase = WRONG_DECODERS[name]
    assert exercises.check_decoder(fn) is False
    out = capsys.readouterr().out
    assert "✗ Exercise 7.1" in out and "exercises.hint('decoder')" in out
    assert phrase in out, out


def test_check_decoder_tries_odd_sizes_and_several_channels():
    cases = vae_exercises._decoder_cases()
    shapes = [case.args[1] for case in cases]
    assert (28, 28, 1) in shapes and any(h != w and c > 1 for h, w, c in shapes)
    assert len({case.args[0] for case in cases}) == len(cases)  # a latent size each


def test_check_decoder_keeps_the_callers_random_state(capsys):
    random.seed(3)
    np.random.seed(4)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    exercises.check_decoder(vae.build_decoder)
    assert random.getstate() == python_state
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state[1])


def test_check_decoder_explains_a_model_passed_instead_of_a_function(capsys):
    assert exercises.check_decoder(vae.build_decoder(2)) is False
    assert "Pass the function itself" in capsys.readouterr().out


def test_check_decoder_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_decoder(stub) is False
    assert "○ Exercise 7.1" in capsys.readouterr().out


MEASURED = [
    {"reconstruction": 542.1, "kl": 0.0, "loss": 542.1},
    {"reconstruction": 545.04, "kl": 0.03, "loss": 545.07},
    {"reconstruction": 539.4, "kl": 0.01, "loss": 539.41},
]
LN2 = math.log(2)


def prediction(pixels, latent_dim):
    return pixels * LN2, 0.0


@pytest.mark.every_backend
@pytest.mark.parametrize("measured", [None, *MEASURED])
@pytest.mark.parametrize(
    "fn",
    [
        prediction,
        lambda pixels, latent_dim: [pixels * 0.69, 0],  # a list, rounded
        lambda pixels, latent_dim: np.array([pixels * LN2 * 1.02, 0.3], dtype="float32"),
        lambda pixels, latent_dim: (str(pixels * LN2), "0"),  # numbers as text
    ],
    ids=["reference", "rounded-list", "near-float32", "strings"],
)
def test_check_untrained_vae_accepts_close_predictions(fn, measured, capsys):
    assert exercises.check_untrained_vae(fn, measured=measured) is True
    out = capsys.readouterr().out
    assert "✓ Exercise 7.2" in out
    if measured is not None:
        assert f"measured: reconstruction {measured['reconstruction']:.1f}" in out


@pytest.mark.every_backend
def test_check_untrained_vae_accepts_the_measure_of_a_real_untrained_vae(capsys):
    images, _ = vae.load_binarized_mnist("train", limit=256)
    model = vae.build_vae(2, seed=0)
    measured = model.evaluate(images, batch_size=128, verbose=0, return_dict=True)
    assert exercises.check_untrained_vae(prediction, measured=measured) is True


def test_the_untrained_vaes_measured_are_near_the_reasoned_answer():
    """The honest answer passes with room: within a fifth of the tolerances."""
    for case in vae_exercises._untrained_cases(None):
        (reconstruction, kl), pixels = case.expected
        assert case.args[0] == pixels
        assert abs(reconstruction / (pixels * LN2) - 1) < vae_exercises.RECONSTRUCTION_RTOL / 2
        assert 0 <= kl < vae_exercises.KL_ATOL / 5


WRONG_PREDICTIONS = {
    "one pixel's cost": (lambda p, d: (LN2, 0.0), "one pixel's cost"),
    "bits instead of nats": (lambda p, d: (p, 0.0), "in bits"),
    "256 grey levels": (lambda p, d: (p * math.log(256), 0.0), "not 256 grey levels"),
    "MNIST's number whatever the size": (lambda p, d: (784 * LN2, 0.0), "MNIST's 784 pixels"),
    "a perfect decoder": (lambda p, d: (0, 0), "coin flip"),
    "half the pixels": (lambda p, d: (p * LN2 / 2, 0.0), "more than 5% off"),
    "ten percent high": (lambda p, d: (p * LN2 * 1.1, 0.0), "more than 5% off"),
    "the KL as large as the reconstruction": (
        lambda p, d: (p * LN2, p * LN2),
        "does not count pixels",
    ),
    "the KL as the latent size": (lambda p, d: (p * LN2, d), "more than 0.5 nats off"),
    "a KL of ln 2 per latent dimension": (lambda p, d: (p * LN2, d * LN2), "Gaussian"),
    "a negative KL": (lambda p, d: (p * LN2, -0.3), "never negative"),
    "terms swapped": (lambda p, d: (0.0, p * LN2), "reconstruction term is off"),
    "one number": (lambda p, d: p * LN2, "expected two numbers"),
    "three numbers": (lambda p, d: (p * LN2, 0.0, 0.0), "expected two numbers"),
    "returns nothing": (lambda p, d: None, "returned None"),
    "returns text": (lambda p, d: "about 543", "cannot be read"),
    "not a number": (lambda p, d: (float("nan"), 0.0), "two finite numbers"),
    "raises a TypeError": (lambda p, d: p + "x", "raised TypeError"),
}


@pytest.mark.parametrize("name", sorted(WRONG_PREDICTIONS))
@pytest.mark.parametrize("measured", [None, MEASURED[0]])
def test_check_untrained_vae_rejects_wrong_predictions(name, measured, capsys):
    fn, phrase = WRONG_PREDICTIONS[name]
    assert exercises.check_untrained_vae(fn, measured=measured) is False
    out = capsys.readouterr().out
    assert "✗ Exercise 7.2" in out and phrase in out, out
    assert "exercises.hint('untrained_vae')" in out


def test_check_untrained_vae_names_what_was_measured_when_wrong(capsys):
    exercises.check_untrained_vae(lambda p, d: (p, 0.0), measured=MEASURED[0])
    out = capsys.readouterr().out
    assert "you predicted (784, 0); an untrained VAE measured (542.1, 0)" in out


def test_check_untrained_vae_keeps_the_callers_random_state(capsys):
    random.seed(5)
    np.random.seed(6)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    exercises.check_untrained_vae(prediction)
    assert random.getstate() == python_state
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state[1])


def test_check_untrained_vae_reports_a_stub_and_a_non_function(capsys):
    assert exercises.check_untrained_vae(stub, measured=MEASURED[0]) is False
    out = capsys.readouterr().out
    assert "○ Exercise 7.2" in out and "not attempted" in out
    assert "measured" not in out  # nothing is given away before a prediction
    assert exercises.check_untrained_vae(543.0, measured=MEASURED[0]) is False
    assert "expected a function" in capsys.readouterr().out


def test_check_untrained_vae_needs_what_the_run_measured():
    with pytest.raises(ValueError, match="model.evaluate"):
        exercises.check_untrained_vae(prediction, measured={"loss": 543.0})


@pytest.mark.parametrize("name", ["decoder", "untrained_vae"])
def test_hint_and_solution_are_registered_and_right(name, capsys):
    exercises.hint(name)
    exercises.solution(name)
    out = capsys.readouterr().out
    namespace = {"np": np, "keras": keras, "layers": layers}
    exec(out.split("\n\n", 1)[1], namespace)  # the printed solution runs
    check = getattr(exercises, f"check_{name}")
    learner = {"decoder": "my_decoder", "untrained_vae": "my_untrained_loss"}[name]
    assert check(namespace[learner]) is True

"""Notebook 07's exercises: build the VAE's decoder; predict the untrained VAE's loss."""

import math

import numpy as np

from course_utils import config, curriculum
from course_utils.exercises import core
from course_utils.exercises.core import Case, register, run_checks

register(
    "decoder",
    hint="""
        Mirror the encoder. Start from keras.Input(shape=(latent_dim,)); a
        Dense layer with relu gives (height // 4) * (width // 4) * 32 numbers,
        which layers.Reshape turns into a (height // 4, width // 4, 32) map.
        Two Conv2DTranspose(filters, 3, strides=2, padding="same",
        activation="relu") layers, with 64 then 32 filters, double the map
        twice. A last Conv2DTranspose(channels, 3, padding="same") without
        activation gives the logits, and layers.Activation("sigmoid") after it
        the probabilities. Return keras.Model(z, probabilities).
    """,
    solution="""
        def my_decoder(latent_dim, output_shape=(28, 28, 1)):
            height, width, channels = output_shape
            z = keras.Input(shape=(latent_dim,))
            x = layers.Dense((height // 4) * (width // 4) * 32, activation="relu")(z)
            x = layers.Reshape((height // 4, width // 4, 32))(x)
            x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
            x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
            logits = layers.Conv2DTranspose(channels, 3, padding="same")(x)
            probabilities = layers.Activation("sigmoid")(logits)
            return keras.Model(z, probabilities)
    """,
)

register(
    "untrained_vae",
    hint="""
        Before training, the last layer of each network outputs numbers close
        to 0. For the decoder, a logit of 0 is a probability sigmoid(0) = 1/2
        for every pixel: what does one pixel then cost, -log p(x | z), whether
        it is on or off? An image has `pixels` of them. For the encoder, mean
        close to 0 and log_var close to 0 describe which Gaussian q(z | x),
        and how far is that from the prior N(0, I)? Return both numbers, in
        nats (natural logarithms): `return reconstruction, kl`.
    """,
    solution="""
        def my_untrained_loss(pixels, latent_dim):
            reconstruction = pixels * np.log(2)  # every pixel a coin flip: ln 2 nats each
            kl = 0.0  # mean 0 and log_var 0: q(z | x) is the prior itself
            return reconstruction, kl
    """,
)

_DECODER_CASES = [
    (2, (28, 28, 1), "latent_dim=2 on MNIST, output_shape=(28, 28, 1)"),
    (16, (28, 28, 1), "latent_dim=16 on MNIST"),
    (5, (32, 20, 3), "latent_dim=5, output_shape=(32, 20, 3): not square, 3 channels"),
    (3, (12, 8, 2), "latent_dim=3, output_shape=(12, 8, 2)"),
]
_LOGITS_FIX = (
    'end with a Conv2DTranspose(channels, 3, padding="same") without activation (the logits), '
    'then layers.Activation("sigmoid") as a layer of its own: the VAE computes its loss from '
    "the logits before it"
)


def _keras():
    import keras  # imported here: importing the exercises stays fast

    return keras


def _describe(layer):
    """A layer as it would be written, e.g. `Conv2DTranspose(64, 3, strides=2, activation='relu')`."""

    def size(pair):
        pair = tuple(pair)
        return str(pair[0]) if len(set(pair)) == 1 else str(pair)

    kind = type(layer).__name__
    activation = getattr(getattr(layer, "activation", None), "__name__", "linear")
    parts = []
    if hasattr(layer, "filters"):
        parts += [str(layer.filters), size(layer.kernel_size)]
        if max(layer.strides) > 1:
            parts.append(f"strides={size(layer.strides)}")
    elif hasattr(layer, "units"):
        parts.append(str(layer.units))
    if activation != "linear":
        parts.append(f"activation={activation!r}" if kind != "Activation" else repr(activation))
    return f"{kind}({', '.join(parts)})"


def _weighted(model):
    return [layer for layer in model.layers if layer.weights]


def _decoder_cases():
    from course_utils.vae import build_decoder  # imported here: it loads Keras

    keras = _keras()
    cases = []
    for latent_dim, output_shape, label in _DECODER_CASES:
        reference = build_decoder(latent_dim, output_shape)
        z = np.random.default_rng(latent_dim).normal(0, 2, (3, latent_dim)).astype("float32")
        expected = {
            "latent_dim": latent_dim,
            "output_shape": output_shape,
            "model": reference,
            "z": z,
            "outputs": keras.ops.convert_to_numpy(reference(z)),
        }
        cases.append(Case(label, (latent_dim, output_shape), expected))
    return cases


def _compare_decoder(got, expected):
    keras = _keras()
    reference = expected["model"]
    if got is None:
        return "your function returned None: end it with `return keras.Model(z, probabilities)`"
    if not isinstance(got, keras.Model):
        return f"expected a keras.Model, got a {type(got).__name__}"
    try:
        input_shape = tuple(got.inputs[0].shape[1:])
        output_shape = tuple(got.outputs[0].shape[1:])
    except (AttributeError, IndexError, ValueError, TypeError):
        return "the model has no input: start it with z = keras.Input(shape=(latent_dim,))"
    if len(got.inputs) != 1 or input_shape != (expected["latent_dim"],):
        return (
            f"the model takes inputs of shape {input_shape}; a decoder takes z, shape "
            f"({expected['latent_dim']},): start with keras.Input(shape=(latent_dim,))"
        )
    if len(got.outputs) != 1 or output_shape != tuple(expected["output_shape"]):
        return (
            f"the model gives images of shape {output_shape}, not {tuple(expected['output_shape'])}: "
            "the Dense layer must feed a (height // 4, width // 4, 32) map that two strided "
            "transposed convolutions double twice, and the last one must give `channels` maps"
        )
    ours, theirs = _weighted(got), _weighted(reference)
    for index, (mine, right) in enumerate(zip(ours, theirs), 1):
        mine_shapes = [tuple(w.shape) for w in mine.weights]
        right_shapes = [tuple(w.shape) for w in right.weights]
        if type(mine).__name__ != type(right).__name__ or mine_shapes != right_shapes:
            return (
                f"layer {index} with weights is {_describe(mine)} with {mine.count_params():,} "
                f"parameters; the decoder's is {_describe(right)} with {right.count_params():,}"
            )
    if len(ours) != len(theirs):
        return (
            f"the model has {len(ours)} layers with weights; the decoder has {len(theirs)}: "
            + ", ".join(_describe(layer) for layer in theirs)
        )
    last = got.layers[-1]
    if not (
        type(last).__name__ == "Activation"
        and getattr(last.activation, "__name__", "") == "sigmoid"
    ):
        return f"the last layer is {_describe(last)}: {_LOGITS_FIX}"
    got.set_weights(reference.get_weights())
    outputs = np.asarray(keras.ops.convert_to_numpy(got(expected["z"])))
    if not np.allclose(outputs, expected["outputs"], atol=1e-5, rtol=1e-4):
        activations = ", ".join(_describe(layer) for layer in theirs)
        return (
            "with the decoder's weights copied in, your model gives other probabilities: check "
            f"the activations ({activations}, then the sigmoid)"
        )
    return None


def _readable(compare):
    def guarded(got, expected):
        try:
            return compare(got, expected)
        except Exception as error:  # a model whose layers cannot be read or called
            return (
                f"your model could not be inspected ({type(error).__name__}: {error}); return "
                "the keras.Model itself"
            )

    return guarded


def check_decoder(build_fn):
    """Checks `build_fn(latent_dim, output_shape)`: it returns the VAE's decoder.

    The decoder maps z, shape `(latent_dim,)`, to pixel probabilities of shape
    `output_shape`: Dense((height // 4) * (width // 4) * 32, relu) -> Reshape ->
    Conv2DTranspose(64, 3x3, strides 2, relu) -> Conv2DTranspose(32, 3x3,
    strides 2, relu) -> Conv2DTranspose(channels, 3x3), the logits ->
    Activation("sigmoid"). For four latent sizes and image shapes (two not
    square, with several channels) the checker compares the input and
    output shapes, every layer's weights and the last, sigmoid layer with
    `vae.build_decoder`, then copies its weights into the learner's model and
    compares the probabilities on random z. It builds the models inside
    `config.seeded`, so the caller's random numbers are the same afterwards.

    Returns:
        True when the model is the VAE's decoder on every case, else False.

    >>> from course_utils import vae
    >>> check_decoder(vae.build_decoder)
    ✓ Exercise 7.1 (the VAE's decoder): correct on all 4 cases.
    True
    """
    if isinstance(build_fn, _keras().Model):  # a model is callable: say what went wrong
        core._say(
            f"✗ {curriculum.exercise_title('decoder')}: expected a function, received a "
            f"{type(build_fn).__name__} (a model).",
            "Pass the function itself, without calling it: check_decoder(my_decoder).",
        )
        return False
    with config.seeded(0):
        return run_checks("decoder", build_fn, _decoder_cases(), _readable(_compare_decoder))


# Exercise 7.2: how close a prediction must come to what an untrained VAE measures.
RECONSTRUCTION_RTOL = 0.05
KL_ATOL = 0.5
# Untrained VAEs the checker measures itself: (latent_dim, image shape, what it is).
_UNTRAINED = [
    (16, (28, 28, 1), "MNIST's 784 pixels, a 16-dimensional latent space"),
    (5, (32, 20, 3), "32x20 images with 3 channels (1,920 pixels), latent_dim=5"),
    (3, (12, 8, 2), "12x8 images with 2 channels (192 pixels), latent_dim=3"),
]


def _untrained_terms(latent_dim, shape):
    """What an untrained VAE's two terms measure on random binary images, in nats per image."""
    from keras import ops

    from course_utils.vae import VAE, build_decoder, build_encoder
    from course_utils.vae.losses import kl_divergence, reconstruction_loss

    images = (np.random.default_rng(latent_dim).random((64, *shape)) < 0.2).astype("float32")
    model = VAE(build_encoder(latent_dim, shape), build_decoder(latent_dim, shape), seed=0)
    outputs = model(images)
    reconstruction = reconstruction_loss(images, outputs["logits"])
    kl = kl_divergence(outputs["mean"], outputs["log_var"])
    return float(ops.mean(reconstruction)), float(ops.mean(kl))


def _untrained_cases(measured):
    cases = []
    if measured is not None:
        expected = _measured(measured)
        label = "this notebook's VAE: MNIST's 784 pixels, latent_dim=2"
        cases.append(Case(label, (784, 2), (expected, 784)))
    with config.seeded(0):
        for latent_dim, shape, label in _UNTRAINED:
            pixels = int(np.prod(shape))
            expected = (_untrained_terms(latent_dim, shape), pixels)
            cases.append(Case(label, (pixels, latent_dim), expected))
    return cases


def _measured(measured):
    try:
        return float(measured["reconstruction"]), float(measured["kl"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(
            "`measured` must be what model.evaluate(..., return_dict=True) returns, with "
            f"'reconstruction' and 'kl'; received {measured!r} ({type(error).__name__})."
        ) from None


def _reconstruction_mistakes(pixels):
    return [
        (math.log(2), "that is one pixel's cost; the term sums over all the pixels of an image"),
        (
            float(pixels),
            "that would be in bits (logarithms to base 2); the loss is in nats, natural logarithms",
        ),
        (pixels * math.log(256), "a pixel here is on or off: two outcomes, not 256 grey levels"),
        (784 * math.log(2), "that is MNIST's 784 pixels; this image has `pixels` of them"),
        (0.0, "an untrained decoder knows nothing yet: every pixel is a coin flip"),
    ]


def _compare_untrained(got, expected):
    (measured_reconstruction, measured_kl), pixels = expected
    values, problem = core.as_numbers(got)
    if problem:
        return problem
    if values.shape != (2,):
        return f"expected two numbers, (reconstruction, kl); got an answer of shape {values.shape}"
    reconstruction, kl = (float(value) for value in values)
    if not (np.isfinite(reconstruction) and np.isfinite(kl)):
        return f"expected two finite numbers; got ({reconstruction:g}, {kl:g})"
    measure = (
        f"you predicted ({reconstruction:.4g}, {kl:.4g}); an untrained VAE measured "
        f"({measured_reconstruction:.4g}, {measured_kl:.4g}) nats per image"
    )
    if (
        abs(reconstruction - measured_reconstruction)
        > RECONSTRUCTION_RTOL * measured_reconstruction
    ):
        for wrong, why in _reconstruction_mistakes(pixels):
            if math.isclose(reconstruction, wrong, rel_tol=0.02, abs_tol=1e-3):
                return f"{measure}: the reconstruction term is off; {why}"
        return f"{measure}: the reconstruction term is more than {RECONSTRUCTION_RTOL:.0%} off"
    if kl < 0:
        return f"{measure}: a KL divergence is never negative"
    if abs(kl - measured_kl) > KL_ATOL:
        why = (
            "the KL compares q(z | x) with the prior in the latent space; it does not count pixels"
            if math.isclose(kl, reconstruction, rel_tol=0.1)
            else "what Gaussian do a mean and a log-variance close to 0 describe?"
        )
        return f"{measure}: the KL is more than {KL_ATOL} nats off; {why}"
    return None


def check_untrained_vae(fn, measured=None):
    """Checks `fn(pixels, latent_dim)`: a prediction of an untrained VAE's two loss terms.

    The learner predicts, before any training, the reconstruction term and
    the KL term, in nats per image, of a VAE on images of `pixels` pixels
    that are 0 or 1, with `latent_dim` latent dimensions: `fn` returns
    `(reconstruction, kl)`. The checker compares them with what untrained
    VAEs measure: the notebook's own (`measured`, MNIST with latent_dim 2)
    and three it builds (odd sizes, several channels). The reconstruction
    must be within 5% of the measure, the KL within half a nat (and not
    negative). It builds its models inside `config.seeded`, so the caller's
    random numbers are the same afterwards, and prints what was measured.

    Args:
        fn: the learner's function.
        measured: `model.evaluate(images, return_dict=True)` of the notebook's
            untrained VAE, a dict with `reconstruction` and `kl`; or None.

    Returns:
        True when every prediction is close enough, else False.

    Raises:
        ValueError: if `measured` lacks `reconstruction` or `kl` (the
            notebook's mistake, not the learner's).

    >>> check_untrained_vae(lambda pixels, latent_dim: (pixels * np.log(2), 0.0))
    ✓ Exercise 7.2 (predict the untrained VAE's loss): correct on all 3 cases.
    True
    """
    cases = _untrained_cases(measured)
    passed = run_checks("untrained_vae", fn, cases, _compare_untrained)
    if passed and measured is not None:
        reconstruction, kl = cases[0].expected[0]
        print(
            f"  this notebook's untrained VAE measured: reconstruction {reconstruction:.1f}, "
            f"KL {kl:.2f} nats per image"
        )
    return passed

"""Checkers of notebook 06: they accept right answers and reject the usual wrong ones."""

import functools

import keras
import numpy as np
import pytest

from course_utils import backend, exercises, gan

pytestmark = pytest.mark.every_backend  # `make test` runs this module on each backend

EPS = 1e-7


def clipped(scores):
    return np.clip(np.asarray(scores, dtype=float), EPS, 1 - EPS)


def stub(*args):
    raise NotImplementedError


# --- Exercise 6.1: the discriminator loss -------------------------------------------------


def keras_discriminator_loss(real_scores, fake_scores):
    """An independent right answer: Keras' own binary cross-entropy."""
    bce = keras.losses.BinaryCrossentropy()
    real = np.asarray(real_scores, dtype="float32").reshape(-1, 1)
    fake = np.asarray(fake_scores, dtype="float32").reshape(-1, 1)
    return float(bce(np.ones_like(real), real)) + float(bce(np.zeros_like(fake), fake))


def numpy_discriminator_loss(real_scores, fake_scores):
    return np.mean(-np.log(real_scores)) + np.mean(-np.log(1 - fake_scores))


@pytest.mark.parametrize(
    "fn",
    [gan.discriminator_loss, keras_discriminator_loss, numpy_discriminator_loss],
    ids=["reference", "keras", "numpy"],
)
def test_discriminator_checker_accepts_right_answers(fn, capsys):
    assert exercises.check_discriminator_loss(fn) is True
    assert "✓" in capsys.readouterr().out


def bce(scores, label):
    s = clipped(scores)
    return np.mean(-(label * np.log(s) + (1 - label) * np.log(1 - s)))


DISCRIMINATOR_MISTAKES = {
    "swapped labels": (lambda r, f: bce(r, 0) + bce(f, 1), "swapped"),
    "ignores the fakes": (lambda r, f: bce(r, 1), "fake scores are missing"),
    "ignores the real images": (lambda r, f: bce(f, 0), "real scores are missing"),
    "Wasserstein difference": (lambda r, f: np.mean(f) - np.mean(r), "Wasserstein"),
    "difference the other way": (lambda r, f: np.mean(r) - np.mean(f), "difference of mean"),
    "average of the two terms": (lambda r, f: (bce(r, 1) + bce(f, 0)) / 2, "add the two means"),
    "mean over both sets together": (
        lambda r, f: bce(
            np.concatenate([np.ravel(r), np.ravel(f)]),
            np.concatenate([np.ones(np.size(r)), np.zeros(np.size(f))]),
        ),
        "add the two means",
    ),
    "sum instead of mean": (
        lambda r, f: np.sum(-np.log(clipped(r))) + np.sum(-np.log(1 - clipped(f))),
        "not the sum",
    ),
    "wrong sign": (lambda r, f: -(bce(r, 1) + bce(f, 0)), "sign"),
    "log10": (lambda r, f: np.mean(-np.log10(r)) + np.mean(-np.log10(1 - f)), "log10"),
    "real scores against 0.9 (smoothing)": (lambda r, f: bce(r, 0.9) + bce(f, 0), None),
    "flattens only the real scores": (
        lambda r, f: np.mean(-np.log(np.ravel(r))) + np.mean(-np.log(1 - f[:2])),
        None,
    ),
    "per-example losses": (
        lambda r, f: -np.log(clipped(r)) - np.log(1 - clipped(f))[: len(r)],
        None,
    ),
    "returns nothing": (lambda r, f: None, "return"),
}


@pytest.mark.parametrize("mistake", DISCRIMINATOR_MISTAKES)
def test_discriminator_checker_rejects_wrong_answers(mistake, capsys):
    fn, explanation = DISCRIMINATOR_MISTAKES[mistake]
    assert exercises.check_discriminator_loss(fn) is False
    out = capsys.readouterr().out
    assert "✗" in out
    if explanation:
        assert explanation in out


def test_discriminator_checker_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_discriminator_loss(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_discriminator_checker_never_raises_for_a_crash(capsys):
    assert exercises.check_discriminator_loss(lambda r, f: r.nope) is False
    assert "AttributeError" in capsys.readouterr().out


# --- Exercise 6.2: the generator loss ---------------------------------------------------


def keras_generator_loss(fake_scores):
    fake = np.asarray(fake_scores, dtype="float32").reshape(-1, 1)
    return float(keras.losses.BinaryCrossentropy()(np.ones_like(fake), fake))


@pytest.mark.parametrize(
    "fn",
    [gan.generator_loss, keras_generator_loss, lambda f: -np.log(f).mean()],
    ids=["reference", "keras", "numpy"],
)
def test_generator_checker_accepts_right_answers(fn, capsys):
    assert exercises.check_generator_loss(fn) is True
    assert "✓" in capsys.readouterr().out


GENERATOR_MISTAKES = {
    "saturating ln(1 - D)": (lambda f: np.mean(np.log(1 - f)), "saturating"),
    "cross-entropy against 0": (lambda f: np.mean(-np.log(1 - f)), "against 0"),
    "plain negative mean": (lambda f: -np.mean(f), "not the scores themselves"),
    "one minus the mean": (lambda f: 1 - np.mean(f), "1 minus"),
    "wrong sign": (lambda f: np.mean(np.log(f)), "sign"),
    "sum instead of mean": (lambda f: np.sum(-np.log(f)), "not the sum"),
    "log2": (lambda f: np.mean(-np.log2(f)), "log2"),
    "squared error against 1": (lambda f: np.mean((1 - f) ** 2), None),
    "per-example losses": (lambda f: -np.log(f), None),
    "median instead of mean": (lambda f: np.median(-np.log(f)), None),
    "returns nothing": (lambda f: None, "return"),
}


@pytest.mark.parametrize("mistake", GENERATOR_MISTAKES)
def test_generator_checker_rejects_wrong_answers(mistake, capsys):
    fn, explanation = GENERATOR_MISTAKES[mistake]
    assert exercises.check_generator_loss(fn) is False
    out = capsys.readouterr().out
    assert "✗" in out
    if explanation:
        assert explanation in out


def test_generator_checker_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_generator_loss(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_checkers_refuse_something_that_is_not_a_function(capsys):
    assert exercises.check_generator_loss(0.69) is False
    assert "expected a function" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["discriminator_loss", "generator_loss"])
def test_hint_and_solution_are_registered(name, capsys):
    exercises.hint(name)
    exercises.solution(name)
    out = capsys.readouterr().out
    assert "Hint for Exercise 6." in out and "def my_" in out


def test_registered_solutions_pass_their_checkers():
    namespace = {"np": np}
    for name in ("discriminator_loss", "generator_loss"):
        exec(exercises.core._lookup(name).solution, namespace)
    assert exercises.check_discriminator_loss(namespace["my_discriminator_loss"])
    assert exercises.check_generator_loss(namespace["my_generator_loss"])


# --- Exercise 6.3: the generator's gradient step -------------------------------------------


def generator_step(
    generator, discriminator, optimizer, noise, loss="bce", weights="generator", times=1
):
    """A right answer, and through its arguments the mistakes the checker must catch."""
    variables = {
        "generator": generator.trainable_weights,
        "both": generator.trainable_weights + discriminator.trainable_weights,
    }[weights]

    def loss_fn():
        scores = discriminator(generator(noise, training=True), training=True)
        if loss == "bce":
            return keras.ops.mean(
                keras.ops.binary_crossentropy(keras.ops.ones_like(scores), scores)
            )
        if loss == "log":
            return keras.ops.mean(-keras.ops.log(scores))
        if loss == "saturating":
            return keras.ops.mean(keras.ops.log(1 - scores))
        if loss == "against 0":
            return keras.ops.mean(
                keras.ops.binary_crossentropy(keras.ops.zeros_like(scores), scores)
            )
        raise AssertionError(loss)

    for _ in range(times):
        value, grads = backend.value_and_gradients(loss_fn, variables)
        optimizer.apply(grads, variables)
    return value


def keras_loss_step(generator, discriminator, optimizer, noise):
    """Another right answer: Keras' BinaryCrossentropy object, a float returned."""
    bce = keras.losses.BinaryCrossentropy()

    def loss_fn():
        scores = discriminator(generator(noise, training=True), training=True)
        return bce(keras.ops.ones_like(scores), scores)

    value, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
    optimizer.apply(grads, generator.trainable_weights)
    return float(value)


@pytest.mark.parametrize(
    "fn",
    [
        generator_step,
        functools.partial(generator_step, loss="log"),
        keras_loss_step,
    ],
    ids=["binary cross-entropy", "mean of -ln D", "keras BinaryCrossentropy"],
)
def test_generator_step_checker_accepts_right_answers(fn, capsys):
    assert exercises.check_generator_step(fn) is True
    assert "✓ Exercise 6.3" in capsys.readouterr().out


def test_generator_step_registered_solution_passes(capsys):
    namespace = {"keras": keras, "backend": backend}
    exec(exercises.core._lookup("generator_step").solution, namespace)
    assert exercises.check_generator_step(namespace["my_generator_step"]) is True


def step_twice_same_gradients(generator, discriminator, optimizer, noise):
    def loss_fn():
        return keras.ops.mean(-keras.ops.log(discriminator(generator(noise, training=True))))

    value, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
    optimizer.apply(grads, generator.trainable_weights)
    optimizer.apply(grads, generator.trainable_weights)
    return value


def step_in_inference_mode(generator, discriminator, optimizer, noise):
    def loss_fn():
        return keras.ops.mean(-keras.ops.log(discriminator(generator(noise, training=False))))

    value, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
    optimizer.apply(grads, generator.trainable_weights)
    return value


def step_with_fakes_outside_the_loss(generator, discriminator, optimizer, noise):
    fakes = generator(noise, training=True)  # the tape never sees G: no gradient reaches it

    def loss_fn():
        return keras.ops.mean(-keras.ops.log(discriminator(fakes)))

    value, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
    optimizer.apply(grads, generator.trainable_weights)
    return value


def step_discriminator_separately(generator, discriminator, optimizer, noise):
    generator_step(generator, discriminator, optimizer, noise)
    weights = discriminator.trainable_weights
    value, grads = backend.value_and_gradients(
        lambda: keras.ops.mean(discriminator(generator(noise))), weights
    )
    keras.optimizers.SGD(0.01).apply(grads, weights)  # its own optimizer: D moves
    return value


def loss_only(generator, discriminator, optimizer, noise):
    scores = discriminator(generator(noise, training=True), training=True)
    return keras.ops.mean(-keras.ops.log(scores))  # the loss, but no step


def returns_loss_after_the_step(generator, discriminator, optimizer, noise):
    generator_step(generator, discriminator, optimizer, noise)
    return loss_only(generator, discriminator, optimizer, noise)


def returns_per_example_losses(generator, discriminator, optimizer, noise):
    generator_step(generator, discriminator, optimizer, noise)
    scores = discriminator(generator(noise, training=True), training=True)
    return -keras.ops.log(scores)  # shape (batch, 1)


def sum_of_the_losses(generator, discriminator, optimizer, noise):
    def loss_fn():
        return keras.ops.sum(-keras.ops.log(discriminator(generator(noise, training=True))))

    value, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
    optimizer.apply(grads, generator.trainable_weights)
    return value / len(noise)  # the right number, the wrong step


GENERATOR_STEP_MISTAKES = {
    "updates D too": (functools.partial(generator_step, weights="both"), "discriminator's"),
    "updates D with its own optimizer": (step_discriminator_separately, "discriminator's"),
    "saturating loss": (functools.partial(generator_step, loss="saturating"), "saturating"),
    "cross-entropy against 0": (functools.partial(generator_step, loss="against 0"), "against 0"),
    "no step taken": (loss_only, "did not move"),
    "fakes made outside the loss": (step_with_fakes_outside_the_loss, "inside the loss"),
    "step taken twice": (functools.partial(generator_step, times=2), "two steps"),
    "gradients applied twice": (step_twice_same_gradients, "twice as far"),
    "generator in inference mode": (step_in_inference_mode, "training=True"),
    "sum over the batch": (sum_of_the_losses, "sum"),
    "loss after the step": (returns_loss_after_the_step, "after the step"),
    "negative loss": (lambda *args: -generator_step(*args), "sign"),
    "per-example losses": (returns_per_example_losses, "shape (8, 1)"),
    "returns nothing": (lambda *args: generator_step(*args) and None, "returned None"),
}


@pytest.mark.parametrize("mistake", GENERATOR_STEP_MISTAKES)
def test_generator_step_checker_rejects_wrong_answers(mistake, capsys):
    fn, explanation = GENERATOR_STEP_MISTAKES[mistake]
    if mistake == "fakes made outside the loss" and backend.name() == "torch":
        # PyTorch's autograd records every operation on the weights, wherever it runs, so
        # there the step is the reference's, and the checker must accept it.
        assert exercises.check_generator_step(fn) is True
        return
    assert exercises.check_generator_step(fn) is False
    out = capsys.readouterr().out
    assert "✗ Exercise 6.3" in out
    assert explanation in out


@pytest.mark.parametrize(
    "result",
    ["loss", {"loss": 1.0}, object(), [1.0, "two"]],
    ids=["a string", "a dict", "an object", "a mixed list"],
)
def test_generator_step_checker_rejects_unconvertible_answers(result, capsys):
    def step(*args):
        generator_step(*args)
        return result

    assert exercises.check_generator_step(step) is False
    assert "return the loss, one number" in capsys.readouterr().out


def test_generator_step_checker_never_raises_for_a_crash(capsys):
    def step(generator, discriminator, optimizer, noise):
        optimizer.apply([None], discriminator.trainable_weights)  # a Keras error inside

    assert exercises.check_generator_step(step) is False
    out = capsys.readouterr().out
    assert "your function raised" in out and "value=" not in out


def test_generator_step_checker_explains_one_optimizer_for_two_networks(capsys):
    def step(generator, discriminator, optimizer, noise):
        generator_step(generator, discriminator, optimizer, noise)
        return generator_step(
            discriminator=discriminator,
            generator=generator,
            optimizer=optimizer,
            noise=noise,
            weights="both",
        )

    assert exercises.check_generator_step(step) is False
    out = capsys.readouterr().out
    assert "Unknown variable" in out and "only those" in out
    assert "value=[" not in out  # Keras' message would print every weight


@pytest.mark.every_backend
def test_generator_step_checker_explains_a_loss_written_in_numpy(capsys):
    """6.2's NumPy loss has no gradient; each framework fails in its own words."""

    def step(generator, discriminator, optimizer, noise):
        def loss():
            scores = discriminator(generator(noise, training=True), training=True)
            return np.mean(-np.log(np.asarray(scores)))

        value, gradients = backend.value_and_gradients(loss, generator.trainable_weights)
        optimizer.apply(gradients, generator.trainable_weights)
        return value

    assert exercises.check_generator_step(step) is False
    assert "write it with keras.ops" in capsys.readouterr().out


def test_generator_step_checker_reports_a_stub(capsys):
    assert exercises.check_generator_step(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_generator_step_checker_refuses_a_non_function(capsys):
    assert exercises.check_generator_step("my_generator_step") is False
    assert "expected a function" in capsys.readouterr().out


def test_generator_step_checker_keeps_the_callers_random_state():
    np.random.seed(5)
    keras.utils.set_random_seed(5)
    expected = np.random.random(), float(keras.random.uniform(()))
    np.random.seed(5)
    keras.utils.set_random_seed(5)
    exercises.check_generator_step(generator_step)
    assert (np.random.random(), float(keras.random.uniform(()))) == expected


def test_generator_step_checker_moves_the_reference_measurably():
    """The cases must make the known mistakes visible: D rejects the fakes in the first."""
    cases = exercises.gan_step._step_cases()
    assert [round(case.expected.mean_score, 1) for case in cases][0] < 0.2
    for case in cases:
        assert exercises.gan_step._largest(case.expected.reference_move) > 1e-4

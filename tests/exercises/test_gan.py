"""Checkers of notebook 06: they accept right answers and reject the usual wrong ones."""

import keras
import numpy as np
import pytest

from course_utils import exercises, gan

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

"""Checkers of notebook 07: they pass the reference and reject known-wrong answers."""

import keras
import numpy as np
import pytest

from course_utils import exercises
from course_utils.exercises import vae as vae_exercises


def reference_reparameterize(mean, log_var, epsilon):
    return mean + np.exp(log_var / 2) * epsilon


def keras_reparameterize(mean, log_var, epsilon):
    return keras.ops.add(mean, keras.ops.exp(log_var / 2) * epsilon)  # a tensor, not NumPy


def reference_kl(mean, log_var):
    return -0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=-1)


def keras_kl(mean, log_var):
    return -0.5 * keras.ops.sum(
        1 + log_var - keras.ops.square(mean) - keras.ops.exp(log_var), axis=-1
    )


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize(
    "fn",
    [
        reference_reparameterize,
        keras_reparameterize,
        lambda m, lv, e: m + np.sqrt(np.exp(lv)) * e,
        lambda m, lv, e: (m + np.exp(lv / 2) * e).astype(np.float32),
    ],
    ids=["numpy", "keras-ops", "sqrt-of-variance", "float32"],
)
def test_check_reparameterize_accepts_right_answers(fn, capsys):
    assert exercises.check_reparameterize(fn) is True
    assert "✓ Exercise 7.1" in capsys.readouterr().out


WRONG_REPARAMETERIZE = {
    "variance instead of standard deviation": lambda m, lv, e: m + np.exp(lv) * e,
    "log_var used directly": lambda m, lv, e: m + lv * e,
    "noise ignored": lambda m, lv, e: m,
    "noise ignored, sigma added": lambda m, lv, e: m + np.exp(lv / 2),
    "terms mixed up": lambda m, lv, e: lv + np.exp(m / 2) * e,
    "mean and noise swapped": lambda m, lv, e: e + np.exp(lv / 2) * m,
    "mean ignored": lambda m, lv, e: np.exp(lv / 2) * e,
    "inverse standard deviation": lambda m, lv, e: m + np.exp(-lv / 2) * e,
    "half the variance": lambda m, lv, e: m + 0.5 * np.exp(lv) * e,
    "square root of log_var": lambda m, lv, e: m + np.sqrt(lv) * e,
    "noise subtracted": lambda m, lv, e: m - np.exp(lv / 2) * e,
    "mean multiplied": lambda m, lv, e: m * np.exp(lv / 2) * e,
    "rows of noise shuffled": lambda m, lv, e: m + np.exp(lv / 2) * e[::-1],
    "noise averaged": lambda m, lv, e: m + np.exp(lv / 2) * e.mean(),
    "rounded": lambda m, lv, e: np.round(m + np.exp(lv / 2) * e, 1),
    "first row only": lambda m, lv, e: (m + np.exp(lv / 2) * e)[:1],
    "transposed": lambda m, lv, e: (m + np.exp(lv / 2) * e).T,
    "returns nothing": lambda m, lv, e: None,
    "returns a string": lambda m, lv, e: "z",
    "changes its input": lambda m, lv, e: np.add(m, np.exp(lv / 2) * e, out=m),
}


@pytest.mark.parametrize("name", sorted(WRONG_REPARAMETERIZE))
def test_check_reparameterize_rejects_wrong_answers(name, capsys):
    assert exercises.check_reparameterize(WRONG_REPARAMETERIZE[name]) is False
    out = capsys.readouterr().out
    assert "✗ Exercise 7.1" in out
    assert "exercises.hint('reparameterize')" in out


def test_check_reparameterize_names_the_standard_deviation(capsys):
    exercises.check_reparameterize(WRONG_REPARAMETERIZE["variance instead of standard deviation"])
    out = capsys.readouterr().out
    assert "variance 9" in out and "exp(log_var / 2)" in out


@pytest.mark.parametrize(
    "fn",
    [reference_kl, keras_kl, lambda m, lv: 0.5 * (m**2 + np.exp(lv) - 1 - lv).sum(axis=1)],
    ids=["numpy", "keras-ops", "rearranged"],
)
def test_check_kl_divergence_accepts_right_answers(fn, capsys):
    assert exercises.check_kl_divergence(fn) is True
    assert "✓ Exercise 7.2" in capsys.readouterr().out


WRONG_KL = {
    "mean over dimensions": lambda m, lv: -0.5 * np.mean(1 + lv - m**2 - np.exp(lv), axis=-1),
    "flipped sign": lambda m, lv: 0.5 * np.sum(1 + lv - m**2 - np.exp(lv), axis=-1),
    "sum over the batch": lambda m, lv: -0.5 * np.sum(1 + lv - m**2 - np.exp(lv)),
    "mean over the batch": lambda m, lv: -0.5 * np.mean(np.sum(1 + lv - m**2 - np.exp(lv), -1)),
    "log_var instead of exp(log_var)": lambda m, lv: -0.5 * np.sum(1 + lv - m**2 - lv, axis=-1),
    "standard deviation instead of variance": lambda m, lv: (
        -0.5 * np.sum(1 + lv - m**2 - np.exp(lv / 2), axis=-1)
    ),
    "no factor 1/2": lambda m, lv: -np.sum(1 + lv - m**2 - np.exp(lv), axis=-1),
    "no constant 1": lambda m, lv: -0.5 * np.sum(lv - m**2 - np.exp(lv), axis=-1),
    "mean not squared": lambda m, lv: -0.5 * np.sum(1 + lv - m - np.exp(lv), axis=-1),
    "absolute mean": lambda m, lv: -0.5 * np.sum(1 + lv - np.abs(m) - np.exp(lv), axis=-1),
    "no reduction": lambda m, lv: -0.5 * (1 + lv - m**2 - np.exp(lv)),
    "sum over axis 0": lambda m, lv: -0.5 * np.sum(1 + lv - m**2 - np.exp(lv), axis=0),
    "kept dimensions": lambda m, lv: (
        -0.5 * np.sum(1 + lv - m**2 - np.exp(lv), axis=-1, keepdims=True)
    ),
    "log_var sign flipped": lambda m, lv: -0.5 * np.sum(1 - lv - m**2 - np.exp(-lv), axis=-1),
    "means ignored": lambda m, lv: -0.5 * np.sum(1 + lv - np.exp(lv), axis=-1),
    "variances ignored": lambda m, lv: 0.5 * np.sum(m**2, axis=-1),
    "returns nothing": lambda m, lv: None,
    "raises a TypeError": lambda m, lv: m + "x",
}


@pytest.mark.parametrize("name", sorted(WRONG_KL))
def test_check_kl_divergence_rejects_wrong_answers(name, capsys):
    assert exercises.check_kl_divergence(WRONG_KL[name]) is False
    out = capsys.readouterr().out
    assert "✗ Exercise 7.2" in out
    assert "exercises.hint('kl_divergence')" in out


def test_check_kl_divergence_explains_the_prior_case(capsys):
    exercises.check_kl_divergence(WRONG_KL["no constant 1"])
    assert "must be 0 here" in capsys.readouterr().out


@pytest.mark.parametrize(
    "checker, title",
    [
        (exercises.check_reparameterize, "Exercise 7.1"),
        (exercises.check_kl_divergence, "Exercise 7.2"),
    ],
)
def test_stub_is_not_attempted(checker, title, capsys):
    assert checker(stub) is False
    out = capsys.readouterr().out
    assert f"○ {title}" in out and "not attempted" in out


@pytest.mark.parametrize("checker", [exercises.check_reparameterize, exercises.check_kl_divergence])
def test_checker_rejects_a_non_function(checker, capsys):
    assert checker(np.zeros(3)) is False
    assert "expected a function" in capsys.readouterr().out


def test_cases_are_thorough():
    """Odd sizes, several latent dimensions and rows of very different scale."""
    for cases in (vae_exercises._reparameterize_cases(), vae_exercises._kl_cases()):
        shapes = {case.args[0].shape for case in cases}
        assert {(1, 1), (5, 7), (2, 16)} <= shapes
        assert any("very different scale" in case.label for case in cases)
        for case in cases:
            assert np.all(np.isfinite(case.expected))
            mean = case.args[0]
            if mean.shape[0] > 1 and np.abs(mean).max() > 0:
                assert not np.allclose(mean, mean[::-1])  # rows differ: order matters


@pytest.mark.parametrize("name", ["reparameterize", "kl_divergence"])
def test_hint_and_solution_are_registered(name, capsys):
    exercises.hint(name)
    exercises.solution(name)
    out = capsys.readouterr().out
    assert "exp(log_var" in out
    namespace = {"np": np}
    exec(out.split("\n\n", 1)[1], namespace)  # the printed solution is runnable and right
    check = getattr(exercises, f"check_{name}")
    assert check(namespace[f"my_{name}"]) is True

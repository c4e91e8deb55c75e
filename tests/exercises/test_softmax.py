"""Notebook 03's checkers: they accept right answers and reject known-wrong ones."""

import numpy as np
import pytest
import scipy.special

from course_utils import exercises, softmax
from course_utils.exercises import softmax as softmax_exercises


def stub(*args):
    raise NotImplementedError


def stable_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=-1, keepdims=True)


def softmax_in_place(logits):
    logits -= logits.max(axis=-1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)


RIGHT_SOFTMAX = {
    "reference": softmax.softmax,
    "stable": stable_softmax,
    "scipy": lambda logits: scipy.special.softmax(logits, axis=1),
    "via log-sum-exp": lambda z: np.exp(z - scipy.special.logsumexp(z, axis=1, keepdims=True)),
}

WRONG_SOFTMAX = {
    "naive (overflows)": lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True),
    "wrong axis": lambda z: (
        np.exp(z - z.max(axis=0, keepdims=True))
        / np.exp(z - z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True)
    ),
    "stable shift, sum over axis 0": lambda z: (
        np.exp(z - z.max(axis=-1, keepdims=True))
        / np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=0, keepdims=True)
    ),
    "plain normalization": lambda z: z / z.sum(axis=-1, keepdims=True),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "global maximum of the batch": lambda z: (
        np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=-1, keepdims=True)
    ),
    "sum over the whole batch": lambda z: (
        np.exp(z - z.max(axis=-1, keepdims=True)) / np.exp(z - z.max(axis=-1, keepdims=True)).sum()
    ),
    "subtracts the mean instead of the max": lambda z: (
        np.exp(z - z.mean(axis=-1, keepdims=True))
        / np.exp(z - z.mean(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True)
    ),
    "clips logits at 700": lambda z: (
        np.exp(np.minimum(z, 700)) / np.exp(np.minimum(z, 700)).sum(axis=-1, keepdims=True)
    ),
    "flattens the rows": lambda z: softmax.softmax(z.ravel()),
    "returns the argmax": lambda z: z.argmax(axis=-1),
    "one-hot of the argmax": lambda z: np.eye(z.shape[-1])[z.argmax(axis=-1)],
    "forgets to divide": lambda z: np.exp(z - z.max(axis=-1, keepdims=True)),
    "keepdims missing": lambda z: np.exp(z - z.max(axis=-1)) / np.exp(z - z.max(axis=-1)).sum(),
    "returns nothing": lambda z: None,
    "changes its input": softmax_in_place,
    "not attempted": stub,
}


@pytest.mark.parametrize("name", RIGHT_SOFTMAX)
def test_softmax_checker_accepts_right_answers(name, capsys):
    assert exercises.check_softmax(RIGHT_SOFTMAX[name]) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 3.1 (softmax): correct on all")


def test_softmax_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("softmax")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_softmax(namespace["my_softmax"]) is True


@pytest.mark.parametrize("name", WRONG_SOFTMAX)
def test_softmax_checker_rejects_wrong_answers(name, capsys):
    assert exercises.check_softmax(WRONG_SOFTMAX[name]) is False
    out = capsys.readouterr().out
    if name == "not attempted":
        assert out.startswith("○ Exercise 3.1 (softmax): not attempted yet")
    else:
        assert out.startswith("✗ Exercise 3.1 (softmax): on ")
        assert "exercises.hint('softmax')" in out


@pytest.mark.parametrize(
    "name, hint",
    [
        ("naive (overflows)", "subtract each row's maximum"),
        ("global maximum of the batch", "not one maximum of the whole batch"),
        ("wrong axis", "probabilities that sum to 1 across the classes"),
    ],
)
def test_softmax_checker_names_the_mistake(name, hint, capsys):
    exercises.check_softmax(WRONG_SOFTMAX[name])
    assert hint in capsys.readouterr().out


def test_softmax_cases_are_thorough():
    cases = softmax_exercises._softmax_cases()
    shapes = {case.args[0].shape for case in cases}
    assert any(rows != columns and columns > 2 for rows, columns in shapes)  # non-square
    assert any(rows == columns > 1 for rows, columns in shapes)  # square, not symmetric
    assert max(np.abs(case.args[0]).max() for case in cases) > 900
    mixed = [case.args[0] for case in cases if "different scale" in case.label][0]
    assert np.ptp(mixed.max(axis=1)) > 1500  # rows of very different scale
    for case in cases:
        np.testing.assert_allclose(case.expected, scipy.special.softmax(case.args[0], axis=-1))


def stub_loss(probs, labels):
    raise NotImplementedError


def pick(probs, labels):
    return probs[np.arange(len(labels)), labels]


RIGHT_CROSS_ENTROPY = {
    "reference": softmax.cross_entropy,
    "picked mean": lambda p, y: float(-np.log(pick(p, y)).mean()),
    "one-hot sum": lambda p, y: (
        -(np.eye(p.shape[1])[y] * np.log(np.clip(p, 1e-12, 1))).sum(1).mean()
    ),
    "returns a numpy scalar": lambda p, y: np.mean(-np.log(pick(p, y))),
    "loop": lambda p, y: sum(-np.log(p[i, y[i]]) for i in range(len(y))) / len(y),
}

WRONG_CROSS_ENTROPY = {
    "sum instead of mean": lambda p, y: -np.log(pick(p, y)).sum(),
    "base-10 log": lambda p, y: -np.log10(pick(p, y)).mean(),
    "base-2 log": lambda p, y: -np.log2(pick(p, y)).mean(),
    "ignores the labels (every class)": lambda p, y: -np.log(p).mean(),
    "ignores the labels (sum of rows)": lambda p, y: -np.log(p).sum(axis=1).mean(),
    "uses the predicted class": lambda p, y: -np.log(p.max(axis=1)).mean(),
    "forgets the minus sign": lambda p, y: np.log(pick(p, y)).mean(),
    "log of the mean": lambda p, y: -np.log(pick(p, y).mean()),
    "wrong fancy indexing p[:, y]": lambda p, y: -np.log(p[:, y]).mean(),
    "mean of 1 - p": lambda p, y: (1 - pick(p, y)).mean(),
    "per-example losses": lambda p, y: -np.log(pick(p, y)),
    "uses the first row only": lambda p, y: -np.log(p[0, y[0]]),
    "returns nothing": lambda p, y: None,
    "not attempted": stub_loss,
}


@pytest.mark.parametrize("name", RIGHT_CROSS_ENTROPY)
def test_cross_entropy_checker_accepts_right_answers(name, capsys):
    assert exercises.check_cross_entropy(RIGHT_CROSS_ENTROPY[name]) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 3.2 (cross-entropy): correct on all")


def test_cross_entropy_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("cross_entropy")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_cross_entropy(namespace["my_cross_entropy"]) is True


@pytest.mark.parametrize("name", WRONG_CROSS_ENTROPY)
def test_cross_entropy_checker_rejects_wrong_answers(name, capsys):
    assert exercises.check_cross_entropy(WRONG_CROSS_ENTROPY[name]) is False
    out = capsys.readouterr().out
    if name == "not attempted":
        assert out.startswith("○ Exercise 3.2 (cross-entropy): not attempted yet")
    else:
        assert out.startswith("✗ Exercise 3.2 (cross-entropy): on ")


@pytest.mark.parametrize(
    "name, explanation",
    [
        ("sum instead of mean", "this is the sum over the batch; take the mean"),
        ("base-10 log", "use the natural log np.log"),
        ("ignores the labels (every class)", "use only p[i, labels[i]]"),
        ("uses the predicted class", "use the one of the true label"),
        ("forgets the minus sign", "the sign is flipped"),
    ],
)
def test_cross_entropy_checker_explains_known_mistakes(name, explanation, capsys):
    exercises.check_cross_entropy(WRONG_CROSS_ENTROPY[name])
    assert explanation in capsys.readouterr().out


def test_cross_entropy_cases_agree_with_the_reference():
    for case in softmax_exercises._cross_entropy_cases():
        value, _ = case.expected
        assert value == pytest.approx(softmax.cross_entropy(*case.args), abs=1e-6)

"""Notebook 03's learning checkers (3.3, 3.4): right answers pass, each known mistake fails."""

import numpy as np
import pytest
import scipy.special

from course_utils import exercises, softmax
from course_utils.exercises import gradients


class Unreadable:
    """An answer that NumPy cannot convert: its __array__ raises."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")


def stub(*args):
    raise NotImplementedError


def one_hot(logits, labels):
    return np.eye(np.shape(logits)[1])[labels]


def probabilities(logits):
    return scipy.special.softmax(logits, axis=1)


def gradient_in_place(logits, labels):
    logits -= logits.max(axis=1, keepdims=True)  # changes the caller's array
    return (probabilities(logits) - one_hot(logits, labels)) / len(labels)


def gradient_by_loop(logits, labels):
    gradient = np.zeros(np.shape(logits))
    for i, row in enumerate(np.asarray(logits, dtype=float)):
        exps = np.exp(row - row.max())
        gradient[i] = exps / exps.sum()
        gradient[i, labels[i]] -= 1
    return gradient / len(labels)


RIGHT_GRADIENTS = {
    "reference": softmax.cross_entropy_gradient,
    "scipy softmax minus one-hot": lambda z, y: (probabilities(z) - one_hot(z, y)) / len(y),
    "loop over the rows": gradient_by_loop,
    "returns a list": lambda z, y: ((probabilities(z) - one_hot(z, y)) / len(y)).tolist(),
}

# name: (the wrong answer, a phrase of what the checker prints)
WRONG_GRADIENTS = {
    "no division by n": (
        lambda z, y: probabilities(z) - one_hot(z, y),
        "divide by n, the number of examples",
    ),
    "flipped sign": (
        lambda z, y: (one_hot(z, y) - probabilities(z)) / len(y),
        "the sign is flipped",
    ),
    "softmax over the wrong axis": (
        lambda z, y: (scipy.special.softmax(z, axis=0) - one_hot(z, y)) / len(y),
        "the softmax is taken over axis 0",
    ),
    "one-hot forgotten": (
        lambda z, y: probabilities(z) / len(y),
        "the one-hot labels are missing",
    ),
    "logits in place of probabilities": (
        lambda z, y: (z - one_hot(z, y)) / len(y),
        "uses the logits in place of the probabilities",
    ),
    "naive softmax (overflows)": (
        lambda z, y: (np.exp(z) / np.exp(z).sum(1, keepdims=True) - one_hot(z, y)) / len(y),
        "subtract each row's maximum before exp",
    ),
    "maximum of the whole batch": (
        lambda z, y: (
            (np.exp(z - z.max()) / np.exp(z - z.max()).sum(1, keepdims=True) - one_hot(z, y))
            / len(y)
        ),
        "subtract each row's maximum",
    ),
    "divides by the number of classes": (
        lambda z, y: (probabilities(z) - one_hot(z, y)) / np.shape(z)[1],
        "the values differ",
    ),
    "one-hot of the prediction": (
        lambda z, y: (probabilities(z) - one_hot(z, np.argmax(z, axis=1))) / len(y),
        "the values differ",
    ),
    "transposed": (
        lambda z, y: ((probabilities(z) - one_hot(z, y)) / len(y)).T,
        "expected an output of shape (5, 3), got shape (3, 5)",
    ),
    "changes its input": (gradient_in_place, "changed its input array in place"),
    "returns nothing": (lambda z, y: None, "did you forget `return`"),
    "an unconvertible object": (lambda z, y: Unreadable(), "cannot be read as an array"),
    "a ragged list": (lambda z, y: [[0.1, 0.2], [0.3]], "cannot be read as an array"),
}


@pytest.mark.parametrize("name", RIGHT_GRADIENTS)
def test_softmax_gradient_checker_accepts_right_answers(name, capsys):
    assert exercises.check_softmax_gradient(RIGHT_GRADIENTS[name]) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ Exercise 3.3 (the gradient of the cross-entropy): correct on all")


def test_softmax_gradient_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("softmax_gradient")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_softmax_gradient(namespace["my_softmax_gradient"]) is True


@pytest.mark.parametrize("name", WRONG_GRADIENTS)
def test_softmax_gradient_checker_rejects_and_names_each_mistake(name, capsys):
    answer, phrase = WRONG_GRADIENTS[name]
    assert exercises.check_softmax_gradient(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 3.3 (the gradient of the cross-entropy): on ")
    assert phrase in out
    assert "exercises.hint('softmax_gradient')" in out


def test_softmax_gradient_checker_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_softmax_gradient(stub) is False
    assert capsys.readouterr().out.startswith("○ Exercise 3.3 (the gradient of the cross-entropy)")


def test_softmax_gradient_cases_are_thorough():
    cases = gradients._softmax_gradient_cases()
    shapes = [case.args[0].shape for case in cases]
    assert (1, 2) in shapes  # one example, two classes
    assert any(rows == columns for rows, columns in shapes)  # square
    assert any(rows != columns and columns > 2 for rows, columns in shapes)
    assert max(np.abs(case.args[0]).max() for case in cases) > 900  # logits x 1000
    covered = [len(set(case.args[1].tolist())) == case.args[0].shape[1] for case in cases]
    assert any(covered) and not all(covered)  # labels covering every class, and not
    for case in cases:
        logits, labels = case.args
        expected, mistakes = case.expected
        want = (scipy.special.softmax(logits, axis=1) - np.eye(logits.shape[1])[labels]) / len(
            labels
        )
        np.testing.assert_allclose(expected, want, atol=1e-15)
        assert len(mistakes) == 5


def sgd_by_hand(weights, bias, images, labels, learning_rate):
    x = images.reshape(len(images), -1)
    logits = x @ weights + bias
    grad = (probabilities(logits) - one_hot(logits, labels)) / len(labels)
    return weights - learning_rate * x.T @ grad, bias - learning_rate * grad.sum(axis=0)


def sgd_variant(
    use_logits=False, keep_bias=False, mean=True, sign=-1, scale=1, transpose=False, axis=0
):
    """A known-wrong SGD step with one mistake switched on."""

    def step(weights, bias, images, labels, learning_rate):
        x = images.reshape(len(images), -1)
        logits = x @ weights + bias
        grad = (logits if use_logits else probabilities(logits)) - one_hot(logits, labels)
        grad = grad / len(labels) if mean else grad
        grad_weights = (grad.T @ x) if transpose else x.T @ grad
        move = sign * scale * learning_rate
        new_bias = bias if keep_bias else bias + move * grad.sum(axis=axis)
        return weights + move * grad_weights, new_bias

    return step


def sgd_twice(weights, bias, images, labels, learning_rate):
    once = sgd_by_hand(weights, bias, images, labels, learning_rate)
    return sgd_by_hand(*once, images, labels, learning_rate)


def sgd_in_place(weights, bias, images, labels, learning_rate):
    new_weights, new_bias = sgd_by_hand(weights, bias, images, labels, learning_rate)
    weights[...] = new_weights
    bias[...] = new_bias
    return weights, bias


def sgd_naive_softmax(weights, bias, images, labels, learning_rate):
    logits = images @ weights + bias
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    grad = (probs - one_hot(logits, labels)) / len(labels)
    return weights - learning_rate * images.T @ grad, bias - learning_rate * grad.sum(0)


RIGHT_STEPS = {
    "reference": softmax.sgd_step,
    "by hand": sgd_by_hand,
    "returns a list": lambda *args: list(sgd_by_hand(*args)),
    "with the gradient helper": lambda w, b, x, y, rate: (
        w - rate * x.T @ softmax.cross_entropy_gradient(x @ w + b, y),
        b - rate * softmax.cross_entropy_gradient(x @ w + b, y).sum(axis=0),
    ),
}

WRONG_STEPS = {
    "gradient ascent": (sgd_variant(sign=1), "this is gradient ascent"),
    "summed instead of averaged": (sgd_variant(mean=False), "summed over the batch"),
    "bias not updated": (sgd_variant(keep_bias=True), "the bias was not updated"),
    "step taken twice": (sgd_twice, "two SGD steps were taken"),
    "twice the learning rate": (sgd_variant(scale=2), "twice as long as it should be"),
    "logits in place of probabilities": (
        sgd_variant(use_logits=True),
        "uses the logits in place of the probabilities",
    ),
    "weights' gradient transposed": (
        sgd_variant(transpose=True),
        "your function raised ValueError: operands could not be broadcast",
    ),
    "returns the weights transposed": (
        lambda *args: (sgd_by_hand(*args)[0].T, sgd_by_hand(*args)[1]),
        "in the new weights, expected an output of shape (6, 3), got shape (3, 6)",
    ),
    "bias gradient over the classes": (
        sgd_variant(axis=1),
        "your function raised ValueError: operands could not be broadcast",
    ),
    "naive softmax (overflows)": (sgd_naive_softmax, "subtract each row's maximum before exp"),
    "updates in place": (sgd_in_place, "changed its input array in place"),
    "returns only the weights": (
        lambda *args: sgd_by_hand(*args)[0],
        "returned one array of shape (6, 3); return both",
    ),
    "returns three things": (
        lambda *args: (*sgd_by_hand(*args), 0.5),
        "expected a pair (new_weights, new_bias), got a tuple of 3 items",
    ),
    "returns a number": (lambda *args: 1.0, "expected a pair (new_weights, new_bias), got float"),
    "returns nothing": (
        lambda *args: None,
        "expected a pair (new_weights, new_bias), got NoneType",
    ),
    "an unconvertible weight array": (
        lambda w, b, *rest: (Unreadable(), b),
        "in the new weights, your answer, a Unreadable, cannot be read as an array",
    ),
    "a ragged bias": (
        lambda w, b, *rest: (w, [[1.0], [2.0, 3.0]]),
        "in the new bias, your answer, a list, cannot be read as an array",
    ),
    "an unreadable pair": (lambda *args: Unreadable(), "expected a pair"),
}


@pytest.mark.parametrize("name", RIGHT_STEPS)
def test_sgd_step_checker_accepts_right_answers(name, capsys):
    assert exercises.check_sgd_step(RIGHT_STEPS[name]) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 3.4 (one SGD step): correct on all")


def test_sgd_step_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("sgd_step")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_sgd_step(namespace["my_sgd_step"]) is True


@pytest.mark.parametrize("name", WRONG_STEPS)
def test_sgd_step_checker_rejects_and_names_each_mistake(name, capsys):
    answer, phrase = WRONG_STEPS[name]
    assert exercises.check_sgd_step(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 3.4 (one SGD step): on ")
    assert phrase in out
    assert "exercises.hint('sgd_step')" in out


def test_sgd_step_checker_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_sgd_step(stub) is False
    assert capsys.readouterr().out.startswith("○ Exercise 3.4 (one SGD step): not attempted")


def test_sgd_step_cases_are_thorough():
    cases = gradients._sgd_step_cases()
    shapes = [(case.args[2].shape, case.args[0].shape) for case in cases]
    assert ((1, 1), (1, 2)) in shapes  # one example of one number, two classes
    assert any(w[0] == w[1] for _, w in shapes)  # square weights
    assert len({case.args[4] for case in cases}) >= 5  # several learning rates
    assert max(np.abs(case.args[0]).max() for case in cases) > 900  # weights x 1000
    covered = [len(set(case.args[3].tolist())) == case.args[0].shape[1] for case in cases]
    assert any(covered) and not all(covered)
    for case in cases:
        (weights, bias), mistakes = case.expected
        want_weights, want_bias = sgd_by_hand(*case.args)
        np.testing.assert_allclose(weights, want_weights, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(bias, want_bias, rtol=1e-12, atol=1e-12)
        assert len(mistakes) == 7

"""Notebook 04's checkers: they accept right answers and reject known-wrong ones."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import classification, exercises
from course_utils.exercises import classification as classification_exercises


def stub(*args):
    raise NotImplementedError


def sides(kernel_size):
    return (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)


def with_keras(kernel_size, in_channels, filters):
    layer = keras.layers.Conv2D(filters, kernel_size)
    layer.build((None, 16, 16, in_channels))
    return layer.count_params()


def unpacked(kernel_size, in_channels, filters):
    kh, kw = sides(kernel_size)
    return kh * kw * in_channels * filters + filters


RIGHT_CONV_PARAMS = {
    "reference": classification.count_conv2d_params,
    "keras": with_keras,
    "weights plus biases": unpacked,
    "numpy product": lambda k, c, f: int(np.prod(sides(k)) * c * f + f),
}

WRONG_CONV_PARAMS = {
    "missing bias": lambda k, c, f: int(np.prod(sides(k))) * c * f,
    "missing input channels": lambda k, c, f: (int(np.prod(sides(k))) + 1) * f,
    "bias per input channel": lambda k, c, f: (int(np.prod(sides(k))) + 1) * c * f,
    "extra term per input channel": lambda k, c, f: (int(np.prod(sides(k))) * c + 1) * f + c,
    "extra bias per layer": lambda k, c, f: (int(np.prod(sides(k))) * c + 1) * f + 1,
    "square of the first side": lambda k, c, f: (sides(k)[0] ** 2 * c + 1) * f,
    "kernel_size squared (fails on tuples)": lambda k, c, f: (k**2 * c + 1) * f,
    "sum instead of product": lambda k, c, f: (sum(sides(k)) * c + 1) * f,
    "kh + kw + c": lambda k, c, f: (int(np.prod(sides(k))) + c + 1) * f,
    "returns a float ratio": lambda k, c, f: (int(np.prod(sides(k))) * c + 1) * f / 2,
    "returns nothing": lambda k, c, f: None,
    "not attempted": stub,
}


@pytest.mark.parametrize("name", RIGHT_CONV_PARAMS)
def test_conv_params_checker_accepts_right_answers(name, capsys):
    assert exercises.check_conv_params(RIGHT_CONV_PARAMS[name]) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 4.1 (Conv2D parameters): correct on all")


def test_conv_params_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("conv_params")
    namespace = {}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_conv_params(namespace["my_conv_params"]) is True


@pytest.mark.parametrize("name", WRONG_CONV_PARAMS)
def test_conv_params_checker_rejects_wrong_answers(name, capsys):
    assert exercises.check_conv_params(WRONG_CONV_PARAMS[name]) is False
    out = capsys.readouterr().out
    if name == "not attempted":
        assert out.startswith("○ Exercise 4.1 (Conv2D parameters): not attempted yet")
    else:
        assert out.startswith("✗ Exercise 4.1 (Conv2D parameters): on ")


@pytest.mark.parametrize(
    "name, explanation",
    [
        ("missing bias", "you left out the bias"),
        ("missing input channels", "multiply the window by in_channels"),
        ("bias per input channel", "one bias per filter"),
        ("extra term per input channel", "drop the extra term"),
        ("square of the first side", "use both sides of the kernel"),
    ],
)
def test_conv_params_checker_explains_known_mistakes(name, explanation, capsys):
    exercises.check_conv_params(WRONG_CONV_PARAMS[name])
    assert explanation in capsys.readouterr().out


def test_conv_params_cases_match_keras_and_include_the_seed_cnn():
    cases = classification_exercises._conv_params_cases()
    for case in cases:
        assert case.expected[0] == with_keras(*case.args)
    values = {case.expected[0] for case in cases}
    assert {320, 18_496} <= values  # the seed CNN's first two convolutions
    assert any(isinstance(case.args[0], tuple) and len(set(case.args[0])) == 2 for case in cases)
    assert any(isinstance(case.args[0], int) for case in cases)


def reference_loop(labels, predictions, num_classes):
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    for label, prediction in zip(labels, predictions):
        matrix[label, prediction] += 1
    return matrix


RIGHT_CONFUSION = {
    "reference": lambda y, p, k: classification.confusion_matrix(y, p, num_classes=k),
    "loop": reference_loop,
    "tensorflow": lambda y, p, k: tf.math.confusion_matrix(y, p, num_classes=k).numpy(),
    "bincount": lambda y, p, k: np.bincount(
        y.astype(int) * k + p.astype(int), minlength=k * k
    ).reshape(k, k),
}

WRONG_CONFUSION = {
    "transposed": lambda y, p, k: reference_loop(y, p, k).T,
    "size from the largest label": lambda y, p, k: reference_loop(y, p, max(y.max(), p.max()) + 1),
    "row fractions": lambda y, p, k: (
        reference_loop(y, p, k) / np.maximum(reference_loop(y, p, k).sum(axis=1, keepdims=True), 1)
    ),
    "marks instead of counts": lambda y, p, k: (reference_loop(y, p, k) > 0).astype(int),
    "diagonal only": lambda y, p, k: np.diag(np.diag(reference_loop(y, p, k))),
    "off by one class": lambda y, p, k: reference_loop(y, (p + 1) % k, k),
    "returns nothing": lambda y, p, k: None,
    "not attempted": stub,
}


@pytest.mark.parametrize("name", RIGHT_CONFUSION)
def test_confusion_checker_accepts_right_answers(name, capsys):
    assert exercises.check_confusion_matrix(RIGHT_CONFUSION[name]) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 4.2 (confusion matrix): correct on all")


def test_confusion_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("confusion_matrix")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_confusion_matrix(namespace["my_confusion_matrix"]) is True


@pytest.mark.parametrize("name", WRONG_CONFUSION)
def test_confusion_checker_rejects_wrong_answers(name, capsys):
    assert exercises.check_confusion_matrix(WRONG_CONFUSION[name]) is False
    out = capsys.readouterr().out
    if name == "not attempted":
        assert out.startswith("○ Exercise 4.2 (confusion matrix): not attempted yet")
    else:
        assert out.startswith("✗ Exercise 4.2 (confusion matrix): on ")


@pytest.mark.parametrize(
    "name, explanation",
    [
        ("transposed", "rows are the true labels"),
        ("row fractions", "return the counts"),
        ("size from the largest label", "even when some classes are missing"),
    ],
)
def test_confusion_checker_explains_known_mistakes(name, explanation, capsys):
    exercises.check_confusion_matrix(WRONG_CONFUSION[name])
    assert explanation in capsys.readouterr().out

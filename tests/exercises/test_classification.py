"""Notebook 04's checkers: they accept right answers and reject known-wrong ones, and the
rules they compare with are what Keras builds."""

import math

import numpy as np
import pytest

from course_utils import classification, exercises
from course_utils.exercises import classification as classification_exercises


def stub(*args):
    raise NotImplementedError


def keras_layers(input_shape, num_classes=10):
    return classification.build_seed_cnn(input_shape, num_classes).layers


# Exercise 4.1: the output shape after each layer.

SHAPES_TITLE = "Exercise 4.1 (output shapes)"


def with_keras_shapes(input_shape):
    return [tuple(layer.output.shape[1:]) for layer in keras_layers(input_shape)]


def shapes_loop(input_shape):
    height, width, channels = input_shape
    shapes = []
    for kind, size in [("conv", 32), ("pool", 2), ("conv", 64), ("pool", 2), ("conv", 64)]:
        if kind == "conv":
            height, width, channels = height - 3 + 1, width - 3 + 1, size
        else:
            height, width = math.floor(height / size), math.floor(width / size)
        shapes.append((height, width, channels))
    return shapes + [(height * width * channels,), (64,), (10,)]


def shapes_as_lists_and_ints(input_shape):
    shapes = shapes_loop(input_shape)
    return [list(shape) for shape in shapes[:5]] + [shapes[5][0], 64, np.int64(10)]


def shapes_with(**mistake):
    return lambda input_shape: classification_exercises.seed_cnn_shapes(input_shape, **mistake)


RIGHT_SHAPES = {
    "keras": with_keras_shapes,
    "a loop over the layers": shapes_loop,
    "lists, and ints for the 1D shapes": shapes_as_lists_and_ints,
    "a NumPy array per shape": lambda s: [np.array(shape) for shape in shapes_loop(s)],
}

# (wrong answer, words the message must contain)
WRONG_SHAPES = {
    "'same' padding": (shapes_with(shrink=0), "each convolution shrinks the map"),
    "shrinks by 3": (shapes_with(shrink=3), "not n - 3"),
    "pooling rounds up": (shapes_with(round_up=True), "rounding down"),
    "channels of the input": (
        shapes_with(conv_channels=lambda c_in, filters: c_in),
        "one channel per filter",
    ),
    "c_in * filters channels": (
        shapes_with(conv_channels=lambda c_in, filters: c_in * filters),
        "not c_in * filters",
    ),
    "pooling halves the channels": (shapes_with(pool_channels=2), "not the channels"),
    "height and width swapped": (
        lambda s: [(w, h, *rest) for h, w, *rest in shapes_loop(s)[:5]] + shapes_loop(s)[5:],
        "layer 1, Conv2D(32, (3, 3)): expected (27, 29, 32), got (29, 27, 32)",
    ),
    "flatten without the channels": (
        lambda s: (
            shapes_loop(s)[:5]
            + [(shapes_loop(s)[4][0] * shapes_loop(s)[4][1],)]
            + shapes_loop(s)[6:]
        ),
        "layer 6, Flatten(): expected (576,), got (9,)",
    ),
    "with the batch axis": (
        lambda s: [(None, *shape) for shape in shapes_loop(s)],
        "without the batch axis",
    ),
    "seven shapes (no Flatten)": (
        lambda s: shapes_loop(s)[:5] + shapes_loop(s)[6:],
        "expected 8 shapes, one per layer after the input",
    ),
    "the input shape first": (
        lambda s: [tuple(s)] + shapes_loop(s)[:7],
        "layer 1, Conv2D(32, (3, 3)): expected (26, 26, 32), got (28, 28, 1)",
    ),
    "a shape that is not numbers": (
        lambda s: ["26x26x32"] + shapes_loop(s)[1:],
        "layer 1, Conv2D(32, (3, 3)): expected a shape such as (26, 26, 32)",
    ),
    "a dict": (lambda s: {"conv": (26, 26, 32)}, "expected a list of 8 shapes"),
    "returns nothing": (lambda s: None, "returned None"),
    "not attempted": (stub, "not attempted yet"),
}


def test_the_shape_rules_are_what_keras_builds():
    for case in classification_exercises._shape_cases():
        (input_shape,) = case.args
        assert case.expected[0] == with_keras_shapes(input_shape), input_shape


def test_the_shape_cases_are_honest():
    cases = classification_exercises._shape_cases()
    shapes = [case.args[0] for case in cases]
    assert (28, 28, 1) in shapes and (18, 18, 1) in shapes  # MNIST, and the smallest input
    assert any(h != w and h % 2 and w % 2 for h, w, _ in shapes)  # odd, unequal sides
    assert len({c for _, _, c in shapes}) >= 4  # several numbers of channels
    for index in range(len(cases[0].expected[1])):  # each mistake is caught on MNIST
        right, mistakes = cases[0].expected
        assert mistakes[index][0] != right, mistakes[index][1]


@pytest.mark.parametrize("name", RIGHT_SHAPES)
def test_output_shapes_checker_accepts_right_answers(name, capsys):
    assert exercises.check_output_shapes(RIGHT_SHAPES[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {SHAPES_TITLE}: correct on all 7 cases")


def test_output_shapes_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("output_shapes")
    namespace = {}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_output_shapes(namespace["my_output_shapes"]) is True


@pytest.mark.parametrize("name", WRONG_SHAPES)
def test_output_shapes_checker_rejects_wrong_answers_and_names_the_mistake(name, capsys):
    answer, words = WRONG_SHAPES[name]
    assert exercises.check_output_shapes(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("○" if name == "not attempted" else f"✗ {SHAPES_TITLE}: on "), out
    assert words in out, out


def test_a_mistake_that_shows_only_on_odd_sides_is_caught_there(capsys):
    """A rule that is right on inputs of even sides only is caught on the odd ones."""

    def rounds_up_on_even_sides_only(input_shape):
        return classification_exercises.seed_cnn_shapes(
            input_shape, round_up=input_shape[0] % 2 == 1
        )

    assert exercises.check_output_shapes(rounds_up_on_even_sides_only) is False
    assert "input (29, 31, 2)" in capsys.readouterr().out


# Exercise 4.2: the parameters of each layer.

PARAMS_TITLE = "Exercise 4.2 (parameters per layer)"


def with_keras_params(input_shape, num_classes):
    return [layer.count_params() for layer in keras_layers(input_shape, num_classes)]


def params_from_shapes(input_shape, num_classes):
    shapes = shapes_loop(input_shape)
    inputs = [input_shape[2], *[shape[-1] for shape in shapes]]
    counts = []
    for index, kind in enumerate(["conv", "pool", "conv", "pool", "conv", "flat", "dense", "out"]):
        units = num_classes if kind == "out" else shapes[index][-1]
        if kind == "conv":
            counts.append(3 * 3 * inputs[index] * units + units)
        elif kind in ("dense", "out"):
            counts.append(inputs[index] * units + units)
        else:
            counts.append(0)
    return counts


def params_with(**mistake):
    return lambda s, k: classification_exercises.seed_cnn_params(s, k, **mistake)


RIGHT_PARAMS = {
    "keras": with_keras_params,
    "from the shapes": params_from_shapes,
    "a NumPy array": lambda s, k: np.array(params_from_shapes(s, k)),
    "floats that are whole numbers": lambda s, k: [float(n) for n in params_from_shapes(s, k)],
}

WRONG_PARAMS = {
    "no biases": (
        params_with(conv=lambda k, c, f, s: k * c * f, dense=lambda i, u: i * u),
        "+ 1 per filter or unit",
    ),
    "no conv biases": (params_with(conv=lambda k, c, f, s: k * c * f), "every filter has one bias"),
    "no dense biases": (params_with(dense=lambda i, u: i * u), "every Dense unit has one bias"),
    "without the input channels": (
        params_with(conv=lambda k, c, f, s: (k + 1) * f),
        "3 * 3 * c_in weights",
    ),
    "a bias per input channel": (
        params_with(conv=lambda k, c, f, s: (k + 1) * c * f),
        "one bias per filter",
    ),
    "conv params grow with the image": (
        params_with(conv=lambda k, c, f, s: s[0] * s[1] * (k * c + 1) * f),
        "do not depend on the image size",
    ),
    "flatten without the channels": (
        params_with(flatten_channels=False),
        "channels included",
    ),
    "always 10 classes": (lambda s, k: params_from_shapes(s, 10), "num_classes, not always 10"),
    "parameters for the pooling": (
        lambda s, k: [n or 4 for n in params_from_shapes(s, k)],
        "layer 2, MaxPooling2D((2, 2)): expected 0, got 4",
    ),
    "the Dense layer of the 28x28 model everywhere": (
        lambda s, k: params_from_shapes(s, k)[:6] + [36_928, params_from_shapes(s, k)[7]],
        "layer 7, Dense(64): expected 65,600, got 36,928",
    ),
    "only the total": (lambda s, k: sum(params_from_shapes(s, k)), "got a int"),
    "a fraction": (
        lambda s, k: [n / 3 for n in params_from_shapes(s, k)],
        "layer 1, Conv2D(32, (3, 3)): expected one whole number, got 106.6",
    ),
    "returns nothing": (lambda s, k: None, "returned None"),
    "not attempted": (stub, "not attempted yet"),
}


def test_the_parameter_rules_are_what_keras_builds():
    for case in classification_exercises._params_cases():
        assert case.expected[0] == with_keras_params(*case.args), case.label


def test_the_parameter_cases_are_honest():
    cases = classification_exercises._params_cases()
    assert ((28, 28, 1), 10) in [case.args for case in cases]
    assert len({case.args[1] for case in cases}) >= 4  # several numbers of classes
    for case in cases:
        right, mistakes = case.expected
        assert sum(right) == classification.build_seed_cnn(*case.args).count_params()
        assert all(wrong != right for wrong, _ in mistakes[:-1]), case.label
    assert any(case.expected[1][-1][0] != case.expected[0] for case in cases)  # num_classes


@pytest.mark.parametrize("name", RIGHT_PARAMS)
def test_layer_params_checker_accepts_right_answers(name, capsys):
    assert exercises.check_layer_params(RIGHT_PARAMS[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {PARAMS_TITLE}: correct on all 7 cases")


def test_layer_params_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("layer_params")
    namespace = {}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_layer_params(namespace["my_layer_params"]) is True


@pytest.mark.parametrize("name", WRONG_PARAMS)
def test_layer_params_checker_rejects_wrong_answers_and_names_the_mistake(name, capsys):
    answer, words = WRONG_PARAMS[name]
    assert exercises.check_layer_params(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("○" if name == "not attempted" else f"✗ {PARAMS_TITLE}: on "), out
    assert words in out, out


# Exercise 4.3: the most frequent mistakes of a confusion matrix.

CONFUSED_TITLE = "Exercise 4.3 (most frequent mistakes)"


def confused_loop(matrix, count):
    cells = [
        (int(matrix[t, p]), t, p)
        for t in range(len(matrix))
        for p in range(len(matrix))
        if t != p and matrix[t, p] > 0
    ]
    cells.sort(key=lambda cell: -cell[0])
    return [(t, p) for _, t, p in cells[:count]]


def confused_unstable(matrix, count):
    """Equal counts in another order than the reference's: still right."""
    cells = [
        (int(matrix[t, p]), t, p)
        for t in range(len(matrix))
        for p in range(len(matrix))
        if t != p and matrix[t, p] > 0
    ]
    cells.sort(key=lambda cell: (-cell[0], -cell[1], -cell[2]))
    return np.array([(t, p) for _, t, p in cells[:count]], dtype=np.int64).reshape(-1, 2)


def mistakes_of(matrix):
    mistakes = np.array(matrix)
    np.fill_diagonal(mistakes, 0)
    return mistakes


def top(mistakes, count):
    order = np.argsort(-mistakes, axis=None, kind="stable")[:count]
    return [tuple(int(i) for i in np.unravel_index(k, mistakes.shape)) for k in order]


RIGHT_CONFUSED = {
    "reference": lambda m, c: classification.most_confused(m, count=c),
    "a loop over the cells": confused_loop,
    "equal counts in another order, as an array": confused_unstable,
}

WRONG_CONFUSED = {
    "keeps the diagonal": (lambda m, c: top(np.array(m), c), "is on the diagonal"),
    "transposed pairs": (
        lambda m, c: [(p, t) for t, p in classification.most_confused(m, count=c)],
        "the cell (row, column) is the pair (true, predicted)",
    ),
    "smallest first": (
        lambda m, c: classification.most_confused(m, count=c)[::-1],
        "put the largest count first",
    ),
    "cells that never happen": (
        lambda m, c: top(mistakes_of(m), c),
        "return only off-diagonal cells whose count is above 0",
    ),
    "one pair too few": (
        lambda m, c: classification.most_confused(m, count=c)[:-1],
        "give `count` pairs",
    ),
    "one pair too many": (
        lambda m, c: classification.most_confused(m, count=c + 1),
        "give at most `count` pairs",
    ),
    "the least frequent mistakes": (
        lambda m, c: confused_loop(m, len(m) ** 2)[-c:],
        "take the off-diagonal cells with the largest counts",
    ),
    "flat indices": (
        lambda m, c: [int(np.ravel_multi_index(p, m.shape)) for p in confused_loop(m, c)],
        "np.unravel_index(index, matrix.shape)",
    ),
    "a pair twice": (
        lambda m, c: confused_loop(m, c)[:1] * 2 + confused_loop(m, c)[2:],
        "a pair appears twice",
    ),
    "changes the matrix in place": (
        lambda m, c: (np.fill_diagonal(m, 0), confused_loop(m, c))[1],
        "changed its input array in place",
    ),
    "returns nothing": (lambda m, c: None, "returned None"),
    "not attempted": (stub, "not attempted yet"),
}


def test_the_confusion_cases_are_honest():
    cases = classification_exercises._confusion_cases()
    for case in cases:
        matrix, count = case.args
        right = case.expected[2]
        assert right == confused_loop(matrix, count), case.label
    sizes = {len(case.args[0]) for case in cases}
    assert {3, 10} <= sizes and len(sizes) >= 4
    assert any(case.expected[2] == [] for case in cases)  # nothing to find
    assert any(not np.array_equal(case.args[0], case.args[0].T) for case in cases)


@pytest.mark.parametrize("name", RIGHT_CONFUSED)
def test_most_confused_checker_accepts_right_answers(name, capsys):
    assert exercises.check_most_confused(RIGHT_CONFUSED[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {CONFUSED_TITLE}: correct on all 7 cases")


def test_most_confused_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("most_confused")
    namespace = {"np": np}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_most_confused(namespace["my_most_confused"]) is True


@pytest.mark.parametrize("name", WRONG_CONFUSED)
def test_most_confused_checker_rejects_wrong_answers_and_names_the_mistake(name, capsys):
    answer, words = WRONG_CONFUSED[name]
    assert exercises.check_most_confused(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("○" if name == "not attempted" else f"✗ {CONFUSED_TITLE}: on "), out
    assert words in out, out

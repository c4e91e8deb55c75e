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
    assert capsys.readouterr().out.startswith("✓ Exercise 4.2 (Conv2D parameters): correct on all")


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
        assert out.startswith("○ Exercise 4.2 (Conv2D parameters): not attempted yet")
    else:
        assert out.startswith("✗ Exercise 4.2 (Conv2D parameters): on ")


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
    assert capsys.readouterr().out.startswith("✓ Exercise 4.3 (confusion matrix): correct on all")


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
        assert out.startswith("○ Exercise 4.3 (confusion matrix): not attempted yet")
    else:
        assert out.startswith("✗ Exercise 4.3 (confusion matrix): on ")


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


# Exercise 4.1: the document's CNN, built and compiled by the learner.

SEED_TITLE = "Exercise 4.1 (the document's CNN)"


def seed_cnn(
    kernel=(3, 3),
    last_filters=64,
    pooling=True,
    output="softmax",
    loss="sparse_categorical_crossentropy",
    optimizer="adam",
    compiled=True,
    dense=64,
    with_input=True,
    padding="valid",
):
    """A builder of the seed CNN with one of its settings changed."""

    def build():
        stack = [keras.Input(shape=(28, 28, 1))] if with_input else []
        stack += [
            keras.layers.Conv2D(32, kernel, activation="relu", padding=padding),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
        ]
        stack += [keras.layers.MaxPooling2D((2, 2))] if pooling else []
        stack += [
            keras.layers.Conv2D(last_filters, (3, 3), activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(dense, activation="relu"),
            keras.layers.Dense(10, activation=output),
        ]
        model = keras.Sequential(stack)
        if compiled:
            model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
        return model

    return build


def functional_seed_cnn():
    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(32, 3, activation=keras.activations.relu)(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(x))
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model


def document_style():
    """The document's code as written: input_shape= on the first layer (Keras 3 warns)."""
    model = keras.models.Sequential()
    model.add(keras.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(keras.layers.MaxPooling2D((2, 2)))
    model.add(keras.layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(keras.layers.MaxPooling2D((2, 2)))
    model.add(keras.layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(64, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


RIGHT_SEED_CNN = {
    "reference": classification.build_seed_cnn,
    "sequential with keras.Input": seed_cnn(),
    "functional, with objects for the loss and optimizer": functional_seed_cnn,
    "the document's code, input_shape=": document_style,
}


def raises():
    raise ValueError("Input 0 of layer is incompatible")


def stub():
    raise NotImplementedError


def unreadable():
    class Unreadable:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("cannot convert")

    return Unreadable()


# (wrong builder, words the message must contain: the first difference, named)
WRONG_SEED_CNN = {
    "5x5 kernels": (
        seed_cnn(kernel=(5, 5)),
        "layer 1: expected Conv2D(32, (3, 3), activation='relu'), got Conv2D(32, (5, 5)",
    ),
    "32 filters in the last conv": (
        seed_cnn(last_filters=32),
        "layer 5: expected Conv2D(64, (3, 3), activation='relu'), got Conv2D(32, (3, 3)",
    ),
    "missing pooling": (
        seed_cnn(pooling=False),
        "layer 4: expected MaxPooling2D((2, 2)), got Conv2D(64, (3, 3), activation='relu') "
        "(your model has 7 layers after the input, the document's 8)",
    ),
    "relu on the output": (
        seed_cnn(output="relu"),
        "layer 8: expected Dense(10, activation='softmax'), got Dense(10, activation='relu')",
    ),
    "no activation on the output": (
        seed_cnn(output=None),
        "layer 8: expected Dense(10, activation='softmax'), got Dense(10)",
    ),
    "'same' padding": (seed_cnn(padding="same"), "got Conv2D(32, (3, 3), padding='same'"),
    "categorical_crossentropy": (
        seed_cnn(loss="categorical_crossentropy"),
        "the loss is categorical_crossentropy; the document's is sparse_categorical_crossentropy",
    ),
    "from_logits=True with a softmax output": (
        seed_cnn(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
        "the loss is sparse_categorical_crossentropy with from_logits=True",
    ),
    "sgd": (seed_cnn(optimizer="sgd"), "the optimizer is SGD with learning rate 0.01"),
    "adam with another learning rate": (
        seed_cnn(optimizer=keras.optimizers.Adam(0.01)),
        "the optimizer is Adam with learning rate 0.01; the document's is Adam",
    ),
    "uncompiled": (seed_cnn(compiled=False), "the model is not compiled: call model.compile("),
    "Dense 128": (
        seed_cnn(dense=128),
        "layer 7: expected Dense(64, activation='relu'), got Dense(128, activation='relu')",
    ),
    "no input shape": (seed_cnn(with_input=False), "the model has no input shape"),
    "a build_fn that raises": (raises, "your function raised ValueError: Input 0 of layer"),
    "returns None": (lambda: None, "your function returned None: end it with `return model`"),
    "returns the class, not a model": (lambda: keras.Sequential, "expected a keras.Model, got a"),
    "returns an unreadable object": (unreadable, "expected a keras.Model, got a Unreadable"),
    "not attempted": (stub, "not attempted yet"),
}


@pytest.mark.parametrize("name", RIGHT_SEED_CNN)
def test_seed_cnn_checker_accepts_right_models(name, capsys):
    assert exercises.check_seed_cnn(RIGHT_SEED_CNN[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {SEED_TITLE}: correct on all 4 cases")


def test_seed_cnn_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("seed_cnn")
    namespace = {"keras": keras}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_seed_cnn(namespace["my_seed_cnn"]) is True


@pytest.mark.parametrize("name", WRONG_SEED_CNN)
def test_seed_cnn_checker_rejects_wrong_models_and_names_the_difference(name, capsys):
    build, words = WRONG_SEED_CNN[name]
    assert exercises.check_seed_cnn(build) is False
    out = capsys.readouterr().out
    assert out.startswith("○" if name == "not attempted" else f"✗ {SEED_TITLE}: on the model's")
    assert words in out, out


def test_seed_cnn_checker_builds_once_and_keeps_the_random_state(capsys):
    calls = []

    def build():
        calls.append(1)
        return classification.build_seed_cnn()

    np.random.seed(7)
    expected = np.random.get_state()[1][:4].copy()
    assert exercises.check_seed_cnn(build) is True
    assert len(calls) == 1
    np.testing.assert_array_equal(np.random.get_state()[1][:4], expected)


def test_seed_cnn_checker_refuses_something_that_is_not_a_function(capsys):
    assert exercises.check_seed_cnn(classification.build_seed_cnn()) is False
    assert "expected a function" in capsys.readouterr().out

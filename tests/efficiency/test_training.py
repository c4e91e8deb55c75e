"""course_utils.efficiency.training: fit timed step by step, and a pipeline with real work."""

import keras
import numpy as np
import pytest

from course_utils.efficiency import training


def tiny_model(**compile_options):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", **compile_options)
    return model


def test_every_step_after_the_first_is_timed():
    x, y = np.zeros((100, 4), np.float32), np.zeros(100, int)
    timing = training.time_fit(tiny_model(), x, y, batch_size=10, epochs=2)
    assert len(timing.step_seconds) == 2 * 10 - 1  # 10 steps an epoch, the first one apart
    assert all(seconds > 0 for seconds in timing.step_seconds)
    assert timing.first_step > timing.median_step  # building and compiling the step
    assert timing.total >= timing.first_step + sum(timing.step_seconds) * 0.99
    assert timing.examples_per_second == pytest.approx(10 / timing.median_step)
    assert len(timing.history["loss"]) == 2


def test_several_steps_per_execution_count_as_that_many_steps():
    x, y = np.zeros((80, 4), np.float32), np.zeros(80, int)
    timing = training.time_fit(tiny_model(steps_per_execution=4), x, y, batch_size=10)
    assert len(timing.step_seconds) == 8 - 4  # 2 executions of 4 steps, the first one apart
    assert timing.step_seconds[0] == timing.step_seconds[3]


def test_a_dataset_is_timed_with_its_batch_size():
    x, y = np.random.default_rng(0).random((60, 28, 28, 1)), np.zeros(60, int)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    digits = training.AugmentedDigits(x, y, batch_size=20)
    timing = training.time_fit(model, digits, batch_size=20)
    assert len(timing.step_seconds) == 2 and timing.batch_size == 20


@pytest.mark.parametrize(
    "arguments, pattern",
    [
        (
            (keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]), np.zeros((4, 4))),
            "compiled keras.Model",
        ),
        (("model", np.zeros((4, 4))), "compiled keras.Model"),
        ((None, np.zeros((4, 4)), np.zeros(4), 0), "`batch_size` must be a positive integer"),
    ],
)
def test_bad_arguments_are_explained(arguments, pattern):
    arguments = (tiny_model(), *arguments[1:]) if arguments[0] is None else arguments
    with pytest.raises(ValueError, match=pattern):
        training.time_fit(*arguments)


def test_the_augmentation_turns_and_shifts_the_ink_and_keeps_it():
    image = np.zeros((28, 28, 1), np.float32)
    image[10:18, 13:15] = 1  # a vertical bar, 8 x 2
    assert np.allclose(training._move(image, 0.0, (0.0, 0.0)), image)
    turned = training._move(image, np.pi / 2, (0.0, 0.0))  # now a horizontal bar
    assert np.allclose(turned[13:15, 10:18], 1) and turned.sum() == pytest.approx(16)
    assert np.allclose(training._move(image, 0.0, (1.0, -2.0))[11:19, 11:13], 1)


def test_batches_are_augmented_the_same_way_every_time():
    rng = np.random.default_rng(1)
    images, labels = rng.random((50, 28, 28, 1)).astype(np.float32), np.arange(50)
    digits = training.AugmentedDigits(images, labels, batch_size=16, seed=3)
    assert len(digits) == 4
    first, again = digits[1], training.AugmentedDigits(images, labels, batch_size=16, seed=3)[1]
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], labels[16:32])
    assert first[0].dtype == np.float32 and first[0].shape == (16, 28, 28, 1)
    assert not np.allclose(first[0], images[16:32])  # every image moved
    assert digits[3][0].shape == (2, 28, 28, 1)  # the last, smaller batch
    other = training.AugmentedDigits(images, labels, batch_size=16, seed=4)[1][0]
    assert not np.allclose(other, first[0])


@pytest.mark.parametrize(
    "arguments, pattern",
    [
        ((np.zeros((5, 28, 28)), np.zeros(5)), "must be 4D"),
        ((np.zeros((5, 28, 28, 1)), np.zeros(4)), "one label each"),
        ((np.zeros((5, 28, 28, 1)), np.zeros(5), 0), "`batch_size` must be a positive integer"),
        ((np.zeros((5, 28, 28, 1)), np.zeros(5), 4, 0), "`max_shift` must be a positive"),
        ((np.zeros((5, 28, 28, 1)), np.zeros(5), 4, 2, 200), "`max_degrees` must be"),
    ],
)
def test_bad_pipelines_are_explained(arguments, pattern):
    with pytest.raises(ValueError, match=pattern):
        training.AugmentedDigits(*arguments)


@pytest.mark.parametrize(
    "base, batch, rule, factor",
    [
        (32, 256, "linear", 8),
        (32, 128, "sqrt", 2),
        (48, 100, "linear", 100 / 48),
        (256, 16, "sqrt", 0.25),
        (64, 64, "sqrt", 1),
    ],
)
def test_the_learning_rate_scales_with_the_batch(base, batch, rule, factor):
    rate = training.scaled_learning_rate(3e-4, base, batch, rule=rule)
    assert rate == pytest.approx(3e-4 * factor, rel=1e-12) and isinstance(rate, float)


def test_the_linear_rule_is_the_default():
    assert training.scaled_learning_rate(0.1, 100, 48) == pytest.approx(0.048, rel=1e-12)


@pytest.mark.parametrize(
    "arguments, pattern",
    [
        ((0, 32, 64), "`base_learning_rate` must be a positive number"),
        (("0.1", 32, 64), "`base_learning_rate` must be a positive number"),
        ((0.1, 0, 64), "`base_batch_size` must be a positive integer"),
        ((0.1, 32, 2.5), "`batch_size` must be a positive integer"),
        ((0.1, 32, 64, "square"), "`rule` must be one of"),
    ],
)
def test_bad_scaling_arguments_are_explained(arguments, pattern):
    with pytest.raises(ValueError, match=pattern):
        training.scaled_learning_rate(*arguments)

"""The IoU, Dice and U-Net block checkers accept right answers and reject the usual wrong ones."""

import contextlib
import io

import keras
import numpy as np
import pytest

from course_utils import config, exercises, segmentation


def _areas(y_true, y_pred, class_id):
    a, b = np.asarray(y_true) == class_id, np.asarray(y_pred) == class_id
    return a, b, np.sum(a & b), np.sum(a | b)


def iou_reference_loops(y_true, y_pred, class_id):
    """An independent IoU written with a plain loop over pixels."""
    both = either = 0
    for t, p in zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()):
        both += t == class_id and p == class_id
        either += t == class_id or p == class_id
    return 1.0 if either == 0 else both / either


def dice_reference_loops(y_true, y_pred, class_id):
    both = total = 0
    for t, p in zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()):
        both += t == class_id and p == class_id
        total += int(t == class_id) + int(p == class_id)
    return 1.0 if total == 0 else 2 * both / total


def iou_with_sets(y_true, y_pred, class_id):
    a = set(np.flatnonzero(np.ravel(y_true) == class_id).tolist())
    b = set(np.flatnonzero(np.ravel(y_pred) == class_id).tolist())
    return len(a & b) / len(a | b) if a | b else 1.0


def dice_from_iou(y_true, y_pred, class_id):
    value = iou_with_sets(y_true, y_pred, class_id)
    return 2 * value / (1 + value)


def _stub(y_true, y_pred, class_id):
    raise NotImplementedError


# --- known-wrong answers ------------------------------------------------------------


def pixel_accuracy(y_true, y_pred, class_id):
    return float(np.mean(y_true == y_pred))


def recall(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return 1.0 if union == 0 else both / max(a.sum(), 1)


def precision(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return 1.0 if union == 0 else both / max(b.sum(), 1)


def dice(y_true, y_pred, class_id):
    return segmentation.dice(y_true, y_pred, class_id)


def iou(y_true, y_pred, class_id):
    return segmentation.iou(y_true, y_pred, class_id)


def iou_zero_when_absent(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return 0.0 if union == 0 else both / union


def iou_nan_when_absent(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return np.float64(both) / np.float64(union)


def iou_python_division_by_zero(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return int(both) / int(union)


def union_without_overlap(y_true, y_pred, class_id):  # |A| + |B|: half the Dice
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return 1.0 if union == 0 else both / (a.sum() + b.sum())


def integer_division(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return 1.0 if union == 0 else both // union


def binary_accuracy_of_class(y_true, y_pred, class_id):
    return float(np.mean((y_true == class_id) == (y_pred == class_id)))


def mean_iou_all_classes(y_true, y_pred, class_id):
    return segmentation.mean_iou(y_true, y_pred)


def off_by_one_class(y_true, y_pred, class_id):
    return segmentation.iou(y_true, y_pred, min(int(class_id) + 1, 10))


def per_pixel_array(y_true, y_pred, class_id):
    return ((y_true == class_id) & (y_pred == class_id)).astype(float)


def intersection_count(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return float(both) if union else 1.0


def first_mask_only(y_true, y_pred, class_id):  # uses only the first mask of a batch
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 3:
        y_true, y_pred = y_true[0], y_pred[0]
    return segmentation.iou(y_true, y_pred, class_id)


def off_by_one_class_dice(y_true, y_pred, class_id):
    return segmentation.dice(y_true, y_pred, min(int(class_id) + 1, 10))


def first_mask_only_dice(y_true, y_pred, class_id):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == 3:
        y_true, y_pred = y_true[0], y_pred[0]
    return segmentation.dice(y_true, y_pred, class_id)


def changes_input(y_true, y_pred, class_id):
    y_true[y_true != class_id] = 0
    return segmentation.iou(y_true, y_pred, class_id)


def dice_without_two(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    total = a.sum() + b.sum()
    return 1.0 if total == 0 else both / total


def dice_over_union(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    return 1.0 if union == 0 else min(1.0, 2 * both / union)


def dice_zero_when_absent(y_true, y_pred, class_id):
    a, b, both, union = _areas(y_true, y_pred, class_id)
    total = a.sum() + b.sum()
    return 0.0 if total == 0 else 2 * both / total


def returns_none(y_true, y_pred, class_id):
    2 * np.sum((y_true == class_id) & (y_pred == class_id))


def raises_type_error(y_true, y_pred, class_id):
    return len(class_id)


# --- the tests ----------------------------------------------------------------------


@pytest.mark.parametrize("fn", [segmentation.iou, iou_reference_loops, iou_with_sets])
def test_check_iou_accepts_right_answers(fn, capsys):
    assert exercises.check_iou(fn) is True
    assert "✓ Exercise 5.1" in capsys.readouterr().out


@pytest.mark.parametrize("fn", [segmentation.dice, dice_reference_loops, dice_from_iou])
def test_check_dice_accepts_right_answers(fn, capsys):
    assert exercises.check_dice(fn) is True
    assert "✓ Exercise 5.2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn",
    [
        pixel_accuracy,
        recall,
        precision,
        dice,
        iou_zero_when_absent,
        iou_nan_when_absent,
        iou_python_division_by_zero,
        union_without_overlap,
        integer_division,
        binary_accuracy_of_class,
        mean_iou_all_classes,
        off_by_one_class,
        per_pixel_array,
        intersection_count,
        first_mask_only,
        changes_input,
        returns_none,
        raises_type_error,
    ],
)
def test_check_iou_rejects_wrong_answers(fn, capsys):
    assert exercises.check_iou(fn) is False
    assert "✗ Exercise 5.1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn",
    [
        iou,
        pixel_accuracy,
        recall,
        precision,
        dice_without_two,
        dice_over_union,
        dice_zero_when_absent,
        off_by_one_class_dice,
        first_mask_only_dice,
        returns_none,
        raises_type_error,
    ],
)
def test_check_dice_rejects_wrong_answers(fn, capsys):
    assert exercises.check_dice(fn) is False
    assert "✗ Exercise 5.2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("check", "fn", "named"),
    [
        (exercises.check_iou, pixel_accuracy, "pixel accuracy"),
        (exercises.check_iou, recall, "recall"),
        (exercises.check_iou, dice, "Dice coefficient, not the IoU"),
        (exercises.check_dice, iou, "IoU, not the Dice coefficient"),
        (exercises.check_dice, pixel_accuracy, "pixel accuracy"),
    ],
)
def test_checkers_name_the_mistake(check, fn, named, capsys):
    assert check(fn) is False
    assert named in capsys.readouterr().out


@pytest.mark.parametrize(
    ("check", "fn", "hint"),
    [
        (exercises.check_iou, iou_zero_when_absent, "return 1.0"),
        (exercises.check_iou, iou_nan_when_absent, "return 1.0"),
        (exercises.check_dice, dice_zero_when_absent, "return 1.0"),
    ],
)
def test_checkers_explain_the_empty_class_convention(check, fn, hint, capsys):
    assert check(fn) is False
    out = capsys.readouterr().out
    assert "neither mask" in out and hint in out


@pytest.mark.parametrize("check", [exercises.check_iou, exercises.check_dice])
def test_stub_is_not_attempted(check, capsys):
    assert check(_stub) is False
    assert "not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("check", [exercises.check_iou, exercises.check_dice])
def test_not_a_function_is_reported(check, capsys):
    assert check(0.5) is False
    assert "expected a function" in capsys.readouterr().out


def test_cases_tell_iou_and_its_lookalikes_apart():
    # Every listed mistake differs from the IoU by more than the tolerance on some case.
    from course_utils.exercises import segmentation as checks

    cases = checks._cases(segmentation.iou)
    for wrong in (pixel_accuracy, recall, precision, dice):
        gaps = [abs(wrong(*case.args) - case.expected.value) for case in cases]
        assert max(gaps) > 0.05, wrong.__name__
    values = [case.expected.value for case in cases]
    assert 0.0 in values and 1.0 in values and any(0.1 < v < 0.9 for v in values)


@pytest.mark.parametrize("name", ["iou", "dice"])
def test_hint_and_solution_are_registered(name, capsys):
    exercises.hint(name)
    exercises.solution(name)
    out = capsys.readouterr().out
    assert f"def my_{name}(y_true, y_pred, class_id)" in out
    assert "1.0" in out


@pytest.mark.parametrize(
    ("check", "name"), [(exercises.check_iou, "iou"), (exercises.check_dice, "dice")]
)
def test_registered_solutions_pass(check, name, capsys):
    from course_utils.exercises import core

    namespace = {"np": np}
    exec(core._REGISTRY[name].solution, namespace)
    assert check(namespace[f"my_{name}"]) is True


# --- Exercise 5.3: the U-Net's block ---------------------------------------------------


def block_with_activation_layers(x, filters, name):
    for index in (1, 2):
        x = keras.layers.Conv2D(
            filters, (3, 3), padding="same", use_bias=False, name=f"{name}_conv{index}"
        )(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn{index}")(x)
        x = keras.layers.Activation("relu", name=f"{name}_relu{index}")(x)
    return x


def block_unrolled(x, filters, name):
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name + "_conv1")(x)
    x = keras.layers.BatchNormalization(momentum=0.9, name=name + "_bn1")(x)
    x = keras.layers.ReLU(name=name + "_relu1")(x)
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name + "_conv2")(x)
    x = keras.layers.BatchNormalization(momentum=0.9, name=name + "_bn2")(x)
    return keras.layers.ReLU(name=name + "_relu2")(x)


RIGHT_BLOCKS = {
    "reference": segmentation.conv_block,
    "Activation('relu') layers": block_with_activation_layers,
    "unrolled": block_unrolled,
}


def block(
    rounds=2,
    kernel_size=3,
    padding="same",
    use_bias=False,
    momentum=0.9,
    order=("conv", "bn", "relu"),
    named=True,
    filters_of=lambda filters, index: filters,
    conv_options=None,
    bn_options=None,
):
    """A block with one mistake, chosen by the arguments."""

    def build(x, filters, name):
        for index in range(1, rounds + 1):
            made = {
                "conv": keras.layers.Conv2D(
                    filters_of(filters, index),
                    kernel_size,
                    padding=padding,
                    use_bias=use_bias,
                    name=f"{name}_conv{index}" if named else None,
                    **(conv_options or {}),
                ),
                "bn": keras.layers.BatchNormalization(
                    momentum=momentum,
                    name=f"{name}_bn{index}" if named else None,
                    **(bn_options or {}),
                ),
                "relu": keras.layers.ReLU(name=f"{name}_relu{index}" if named else None),
            }
            for kind in order:
                x = made[kind](x)
        return x

    return build


WRONG_BLOCKS = {
    "with a bias": (block(use_bias=True), "so no bias"),
    "valid padding": (block(padding="valid"), 'padding="same" keeps the height and width'),
    "ReLU before batch normalization": (block(order=("conv", "relu", "bn")), "then a ReLU"),
    "no batch normalization": (block(order=("conv", "relu")), "then a ReLU"),
    "Keras' default momentum": (block(momentum=0.99), "momentum=0.9"),
    "one round only": (block(rounds=1), "the block has 3 layers, the U-Net's has 6"),
    "three rounds": (block(rounds=3), "the block has 9 layers, the U-Net's has 6"),
    "5x5 kernels": (block(kernel_size=5), "expected Conv2D(5, 3, padding='same'"),
    "16 filters whatever `filters` says": (
        block(filters_of=lambda filters, index: 16),
        "both convolutions have `filters` kernels",
    ),
    "doubles the filters in the second convolution": (
        block(filters_of=lambda filters, index: filters * index),
        "both convolutions have `filters` kernels",
    ),
    "ReLU inside the convolution": (
        block(order=("conv", "bn"), conv_options={"activation": "relu"}),
        "as a layer of its own",
    ),
    "layers left unnamed": (block(named=False), "a model's layer names must be unique"),
    "the same names in both rounds": (
        lambda x, filters, name: block()(block(rounds=1)(x, filters, name), filters, name),
        "two of your layers have the same name",
    ),
    "stride 2": (block(conv_options={"strides": 2}), "strides=(2, 2)"),
    "dilated kernels (same layers, other values)": (
        block(conv_options={"dilation_rate": 2}),
        "with the same weights, the block computes other values",
    ),
    "a larger epsilon": (block(bn_options={"epsilon": 0.1}), "epsilon=0.1"),
    "returns its input": (lambda x, filters, name: x, "returned its input unchanged"),
    "returns nothing": (lambda x, filters, name: None, "returned None"),
    "returns a model": (
        lambda x, filters, name: keras.Model(x, segmentation.conv_block(x, filters, name)),
        "expected the block's output tensor, got a Functional",
    ),
    "returns a layer": (
        lambda x, filters, name: keras.layers.ReLU(),
        "expected the block's output tensor, got a ReLU",
    ),
    "starts from a new input": (
        lambda x, filters, name: segmentation.conv_block(keras.Input(x.shape[1:]), filters, name),
        "not computed from `x`",
    ),
}


@pytest.mark.every_backend  # the checker builds Keras models: check it on each backend
@pytest.mark.parametrize("name", RIGHT_BLOCKS)
def test_conv_block_checker_accepts_right_answers(name, capsys):
    assert exercises.check_conv_block(RIGHT_BLOCKS[name]) is True
    assert capsys.readouterr().out.startswith(
        "✓ Exercise 5.3 (the U-Net's block): correct on all 3 cases."
    )


def test_conv_block_checker_accepts_the_solution_it_prints(capsys):
    exercises.solution("conv_block")
    namespace = {"layers": keras.layers}
    exec(capsys.readouterr().out.split("\n\n", 1)[1], namespace)
    assert exercises.check_conv_block(namespace["my_conv_block"]) is True


@pytest.mark.every_backend  # the checker builds Keras models: check it on each backend
@pytest.mark.parametrize("name", WRONG_BLOCKS)
def test_conv_block_checker_rejects_wrong_answers_and_names_the_mistake(name, capsys):
    answer, reason = WRONG_BLOCKS[name]
    assert exercises.check_conv_block(answer) is False
    out = " ".join(capsys.readouterr().out.split())  # the verdict, unwrapped
    assert out.startswith("✗ Exercise 5.3 (the U-Net's block): on a 9x7 input with 3 channels")
    assert reason in out


@pytest.mark.every_backend  # the checker builds Keras models: check it on each backend
def test_conv_block_checker_leaves_the_random_state_as_it_was():
    config.set_seed(3)
    expected = keras.random.uniform((3,), seed=None)
    config.set_seed(3)
    with contextlib.redirect_stdout(io.StringIO()):
        exercises.check_conv_block(segmentation.conv_block)
    np.testing.assert_allclose(keras.random.uniform((3,), seed=None), expected)

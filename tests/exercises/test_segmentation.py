"""The IoU and Dice checkers accept right answers and reject the usual wrong ones."""

import numpy as np
import pytest

from course_utils import exercises, segmentation


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

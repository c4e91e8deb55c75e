"""Notebook 05's exercises: the IoU and the Dice coefficient of one class."""

import dataclasses

import numpy as np

from course_utils import segmentation
from course_utils.exercises.core import Case, compare_scalar, register, run_checks

register(
    "iou",
    hint="""
        Turn each mask into a yes/no mask of the class: A = (y_true == class_id),
        B = (y_pred == class_id). The intersection counts pixels where both are
        True (A & B), the union pixels where at least one is (A | B). Divide the
        two counts. When the union is empty (the class is in neither mask) the
        masks agree perfectly: return 1.0 instead of dividing by zero.
    """,
    solution="""
        def my_iou(y_true, y_pred, class_id):
            a = y_true == class_id
            b = y_pred == class_id
            union = np.count_nonzero(a | b)
            if union == 0:
                return 1.0
            return np.count_nonzero(a & b) / union
    """,
)

register(
    "dice",
    hint="""
        With A = (y_true == class_id) and B = (y_pred == class_id), Dice is
        2 * |A & B| / (|A| + |B|): the overlap counted twice, over the two areas
        added up (not over the union, which is the IoU). When both areas are
        zero return 1.0.
    """,
    solution="""
        def my_dice(y_true, y_pred, class_id):
            a = y_true == class_id
            b = y_pred == class_id
            total = np.count_nonzero(a) + np.count_nonzero(b)
            if total == 0:
                return 1.0
            return 2 * np.count_nonzero(a & b) / total
    """,
)


@dataclasses.dataclass
class _Expected:
    """The right value of one case and what common mistakes would give instead."""

    value: float
    lookalikes: dict


def _lookalikes(y_true, y_pred, class_id):
    a, b = y_true == class_id, y_pred == class_id
    both, area_a, area_b = np.count_nonzero(a & b), np.count_nonzero(a), np.count_nonzero(b)
    values = {
        "IoU": segmentation.iou(y_true, y_pred, class_id),
        "Dice coefficient": segmentation.dice(y_true, y_pred, class_id),
        "pixel accuracy (all classes)": float(np.mean(y_true == y_pred)),
    }
    if area_a:
        values["recall |A ∩ B| / |A|"] = both / area_a
    if area_b:
        values["precision |A ∩ B| / |B|"] = both / area_b
    return values


def _noisy(rng, mask, fraction, num_classes):
    """`mask` with about `fraction` of its pixels replaced by random classes."""
    noisy = mask.copy()
    flip = rng.random(mask.shape) < fraction
    noisy[flip] = rng.integers(0, num_classes, size=int(flip.sum()))
    return noisy


def _mask_cases():
    """(label, y_true, y_pred, class_id, hint) for both exercises; classes 0-10."""
    rng = np.random.default_rng(5)
    cases = []

    def add(label, y_true, y_pred, class_id, hint=""):
        cases.append((label, y_true, y_pred, class_id, hint))

    y_true = rng.choice(4, size=(7, 9), p=[0.5, 0.25, 0.15, 0.1]).astype(np.int64)
    add("random 7x9 masks of classes 0-3, class 1", y_true, _noisy(rng, y_true, 0.35, 4), 1)

    y_true = np.zeros((12, 15), dtype=np.uint8)
    y_true[3:6, 4:8] = 3
    y_pred = _noisy(rng, y_true, 0.1, 3)
    y_pred[2:8, 3:10] = 3  # covers the true object and more around it
    add(
        "12x15 masks, class 3 predicted over a larger area than it covers",
        *(y_true, y_pred, 3),
        hint="pixels predicted as the class outside its true area are part of the union.",
    )

    y_true = np.zeros((11, 13), dtype=np.uint8)
    y_true[1:10, 2:12] = 2
    y_pred = y_true.copy()
    y_pred[1:10, 2:6] = 0  # finds only part of the object
    add(
        "11x13 masks, class 2 only partly found",
        *(y_true, y_pred, 2),
        hint="true pixels the prediction missed are part of the union.",
    )

    y_true = rng.choice(11, size=(3, 10, 11), p=[0.6] + [0.04] * 10).astype(np.uint8)
    add(
        "a batch of three 10x11 masks of 11 classes, class 0 (background)",
        *(y_true, _noisy(rng, y_true, 0.3, 11), 0),
        hint="count over every pixel of every mask in the batch.",
    )

    y_true = rng.choice(11, size=(2, 16, 16), p=[0.5] + [0.05] * 10).astype(np.int32)
    y_pred = _noisy(rng, y_true, 0.4, 11).astype(np.int64)
    add("a batch of two 16x16 masks, class 10 (the largest id)", y_true, y_pred, 10)

    y_true = rng.integers(0, 6, size=13)
    add("1D masks of 13 pixels, class 4", y_true, _noisy(rng, y_true, 0.4, 6), 4)

    y_true = rng.choice([0, 1, 5], size=(6, 7)).astype(np.uint8)
    y_pred = np.where(y_true == 5, 1, y_true).astype(np.uint8)
    add("class 5 in the true mask but never predicted", y_true, y_pred, 5, "no overlap means 0.0.")

    y_true = rng.choice([0, 1], size=(9, 8)).astype(np.uint8)
    y_pred = y_true.copy()
    y_pred[2:4, 3:6] = 7
    add("class 7 predicted but in no true pixel", y_true, y_pred, 7, "no overlap means 0.0.")

    y_true = rng.choice([0, 1, 2], size=(5, 9)).astype(np.uint8)
    add(
        "class 6 in neither mask",
        *(y_true, _noisy(rng, y_true, 0.5, 3), 6),
        hint="when the class is in neither mask both agree: return 1.0 (not 0 or nan).",
    )

    y_true = rng.choice([0, 3, 8], size=(8, 8)).astype(np.int64)
    add("identical masks, class 8", y_true, y_true.copy(), 8, "a perfect prediction scores 1.0.")

    y_true = rng.choice(11, size=(64, 64), p=[0.9] + [0.01] * 10).astype(np.uint8)
    add(
        "a 64x64 scene mostly background, class 9",
        *(y_true, _noisy(rng, y_true, 0.05, 11), np.int64(9)),
        hint="class_id may be a NumPy integer; compare the masks with it directly.",
    )
    return cases


def _cases(reference):
    return [
        Case(
            label,
            (y_true, y_pred, class_id),
            _Expected(reference(y_true, y_pred, class_id), _lookalikes(y_true, y_pred, class_id)),
            hint=hint,
        )
        for label, y_true, y_pred, class_id, hint in _mask_cases()
    ]


def _compare(name):
    def compare(got, expected):
        problem = compare_scalar(got, expected.value, atol=1e-6)
        if problem is None:
            return None
        for what, value in expected.lookalikes.items():
            if (
                what != name
                and abs(value - expected.value) > 1e-3
                and compare_scalar(got, value, atol=1e-6) is None
            ):
                return f"{problem}, which is the {what}, not the {name}"
        return problem

    return compare


def check_iou(fn):
    """Checks `fn(y_true, y_pred, class_id)`: the IoU of one class, 1.0 when absent.

    Args:
        fn: the learner's function; it receives two integer masks of the same
            shape and a class id, and returns one float.

    Returns:
        True when `fn` matches `segmentation.iou` on every case, else False.

    >>> from course_utils import segmentation
    >>> check_iou(segmentation.iou)
    ✓ Exercise 5.1 (IoU of one class): correct on all 11 cases.
    True
    """
    return run_checks("iou", fn, _cases(segmentation.iou), _compare("IoU"))


def check_dice(fn):
    """Checks `fn(y_true, y_pred, class_id)`: 2|A∩B| / (|A| + |B|), 1.0 when absent.

    Args:
        fn: the learner's function, with the signature of `check_iou`'s.

    Returns:
        True when `fn` matches `segmentation.dice` on every case, else False.

    >>> from course_utils import segmentation
    >>> check_dice(segmentation.dice)
    ✓ Exercise 5.2 (Dice of one class): correct on all 11 cases.
    True
    """
    return run_checks("dice", fn, _cases(segmentation.dice), _compare("Dice coefficient"))

"""Measuring predicted masks: pixel accuracy, IoU and Dice, per class and per scene.

    mean_iou(test_masks, predicted)          # equals keras.metrics.MeanIoU on the same masks
    per_class_iou(test_masks, predicted)     # one IoU per class, NaN where a class is absent

Every metric is a NumPy function of integer masks of any shape (one class id
per pixel). The counts come from notebook 04's `classification.confusion_matrix`:
a pixel is an example like an image.
"""

import numpy as np

from course_utils import checks, classification
from course_utils.segmentation.scenes import NUM_CLASSES


def confusion_matrix(y_true, y_pred, num_classes=NUM_CLASSES):
    """`classification.confusion_matrix` of two masks, with the checks of every metric here.

    Args:
        y_true: integer (or boolean) mask of any shape, values in `[0, num_classes)`.
        y_pred: a mask of the same shape.
        num_classes: number of classes, by default the digit scenes' `NUM_CLASSES`.

    Returns:
        int64 array of shape `(num_classes, num_classes)`: entry `[i, j]` counts
        the pixels of true class `i` predicted as class `j` (the layout of
        `keras.metrics.MeanIoU.total_cm`).

    Raises:
        ValueError: as `check_masks`: if the masks differ in shape, are not
            integers, or hold a class outside `[0, num_classes)`.

    >>> confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]), num_classes=3)
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    """
    y_true, y_pred = check_masks(y_true, y_pred, num_classes)
    return classification.confusion_matrix(
        y_true.astype(np.int64), y_pred.astype(np.int64), num_classes
    )


def pixel_accuracy(y_true, y_pred):
    """Fraction of pixels whose predicted class is the true one.

    Misleading when one class covers most pixels: predicting background
    everywhere scores the background's share of the image.

    Raises:
        ValueError: if the masks differ in shape or are not integers.

    >>> pixel_accuracy(np.array([[0, 0], [1, 2]]), np.array([[0, 0], [1, 1]]))
    0.75
    """
    y_true, y_pred = check_masks(y_true, y_pred, None)
    return float(np.mean(y_true == y_pred))


def iou(y_true, y_pred, class_id, num_classes=NUM_CLASSES):
    """Intersection over union of one class: |A ∩ B| / |A ∪ B|.

    `A` is the set of pixels of class `class_id` in `y_true`, `B` in `y_pred`.
    When the class is in neither mask, both agree perfectly: the IoU is 1.0.

    Args:
        y_true: integer mask of any shape.
        y_pred: integer mask of the same shape.
        class_id: the class to measure, in `[0, num_classes)`.
        num_classes: number of classes the masks may hold.

    Returns:
        A float in [0, 1].

    Raises:
        ValueError: for masks of different shapes, non-integer masks, or a
            class outside `[0, num_classes)`.

    >>> iou(np.array([[1, 1, 0], [0, 0, 0]]), np.array([[1, 0, 0], [1, 0, 0]]), 1)
    0.3333333333333333
    >>> iou(np.zeros((2, 2), int), np.zeros((2, 2), int), class_id=5)
    1.0
    """
    y_true, y_pred = check_masks(y_true, y_pred, num_classes)
    check_class_id(class_id, num_classes)
    a, b = y_true == class_id, y_pred == class_id
    union = np.count_nonzero(a | b)
    return 1.0 if union == 0 else float(np.count_nonzero(a & b) / union)


def dice(y_true, y_pred, class_id, num_classes=NUM_CLASSES):
    """Dice coefficient of one class: 2 |A ∩ B| / (|A| + |B|).

    Same arguments and conventions as `iou` (1.0 when the class is in neither
    mask). Dice = 2 IoU / (1 + IoU), so it ranks predictions as IoU does but
    is never smaller.

    Raises:
        ValueError: as `iou`.

    >>> dice(np.array([[1, 1, 0], [0, 0, 0]]), np.array([[1, 0, 0], [1, 0, 0]]), 1)
    0.5
    """
    y_true, y_pred = check_masks(y_true, y_pred, num_classes)
    check_class_id(class_id, num_classes)
    a, b = y_true == class_id, y_pred == class_id
    total = np.count_nonzero(a) + np.count_nonzero(b)
    return 1.0 if total == 0 else float(2 * np.count_nonzero(a & b) / total)


def per_class_iou(y_true, y_pred, num_classes=NUM_CLASSES):
    """IoU of every class over all pixels of the masks (a whole test set at once).

    Returns:
        float64 array of shape `(num_classes,)`; NaN for a class that is in
        neither mask, so that `np.nanmean` (and `mean_iou`) leaves it out.

    Raises:
        ValueError: as `confusion_matrix`.

    >>> per_class_iou(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), num_classes=3)
    array([0.5       , 0.66666667,        nan])
    """
    cm = confusion_matrix(y_true, y_pred, num_classes)
    intersection = np.diag(cm).astype(np.float64)
    union = cm.sum(axis=0) + cm.sum(axis=1) - intersection
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, intersection / union, np.nan)


def mean_iou(y_true, y_pred, num_classes=NUM_CLASSES):
    """Mean of the per-class IoU over the classes present in either mask.

    Equal to `keras.metrics.MeanIoU(num_classes)` updated with the same masks.

    Raises:
        ValueError: as `confusion_matrix`.

    >>> mean_iou(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), num_classes=3)
    0.5833333333333333
    """
    return float(np.nanmean(per_class_iou(y_true, y_pred, num_classes)))


def per_class_dice(y_true, y_pred, num_classes=NUM_CLASSES):
    """Dice of every class over all pixels; NaN for a class in neither mask.

    Raises:
        ValueError: as `confusion_matrix`.

    >>> per_class_dice(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), num_classes=3)
    array([0.66666667, 0.8       ,        nan])
    """
    cm = confusion_matrix(y_true, y_pred, num_classes)
    total = (cm.sum(axis=0) + cm.sum(axis=1)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2 * np.diag(cm) / total, np.nan)


def mean_dice(y_true, y_pred, num_classes=NUM_CLASSES):
    """Mean of the per-class Dice over the classes present in either mask.

    Raises:
        ValueError: as `confusion_matrix`.

    >>> round(mean_dice(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), num_classes=3), 4)
    0.7333
    """
    return float(np.nanmean(per_class_dice(y_true, y_pred, num_classes)))


def scene_iou(y_true, y_pred, num_classes=NUM_CLASSES):
    """Mean IoU of each scene on its own, over the classes present in that scene.

    For finding the scenes a model gets most wrong.

    Args:
        y_true: integer masks of shape `(n, height, width)`.
        y_pred: integer masks of the same shape.
        num_classes: number of classes.

    Returns:
        float64 array of shape `(n,)`.

    Raises:
        ValueError: as `confusion_matrix`, or if the masks are not 3D.

    >>> scene_iou(np.array([[[0, 1]], [[0, 2]]]), np.array([[[0, 1]], [[0, 0]]]), 3)
    array([1.  , 0.25])
    """
    y_true, y_pred = check_masks(y_true, y_pred, num_classes)
    if y_true.ndim != 3:
        raise ValueError(
            "`y_true` and `y_pred` must be batches of masks of shape (n, height, width); "
            f"received shape {y_true.shape}. For one mask use mask[None]."
        )
    n = len(y_true)
    scene = np.repeat(np.arange(n), y_true[0].size)
    true_ids = scene * num_classes + y_true.reshape(n, -1).ravel().astype(np.int64)
    pred_ids = scene * num_classes + y_pred.reshape(n, -1).ravel().astype(np.int64)
    size = n * num_classes
    true_count = np.bincount(true_ids, minlength=size)
    pred_count = np.bincount(pred_ids, minlength=size)
    both = np.bincount(true_ids[true_ids == pred_ids], minlength=size)
    union = (true_count + pred_count - both).reshape(n, num_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(union > 0, both.reshape(n, num_classes) / union, np.nan)
    return np.nanmean(values, axis=1)


def check_masks(y_true, y_pred, num_classes=NUM_CLASSES):
    """Returns the masks as NumPy arrays after checking they can be compared.

    Args:
        y_true: integer (or boolean) mask of any shape.
        y_pred: a mask of the same shape.
        num_classes: if not None, every class must be in `[0, num_classes)`.

    Raises:
        ValueError: if the masks differ in shape, are not integers, are empty,
            or hold a class outside `[0, num_classes)`.

    >>> [mask.shape for mask in check_masks(np.zeros((2, 3), int), np.ones((2, 3), int))]
    [(2, 3), (2, 3)]
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"`y_true` and `y_pred` must have the same shape; received {y_true.shape} and "
            f"{y_pred.shape}. Compare each true mask with the prediction for the same image "
            "(for probabilities of shape (..., classes) take np.argmax(p, axis=-1) first)."
        )
    for name, mask in (("y_true", y_true), ("y_pred", y_pred)):
        if mask.dtype.kind not in "iub":  # integers, or booleans for a yes/no mask
            raise ValueError(
                f"`{name}` must hold integer class ids; received dtype {mask.dtype}. For model "
                "outputs use np.argmax(probabilities, axis=-1); for float masks that hold whole "
                "numbers use mask.astype(int)."
            )
    if y_true.size == 0:
        raise ValueError(f"The masks are empty (shape {y_true.shape}); pass at least one pixel.")
    if num_classes is not None:
        checks.integer(num_classes, "num_classes", 1, "For the digit scenes use NUM_CLASSES (11).")
        for name, mask in (("y_true", y_true), ("y_pred", y_pred)):
            low, high = int(mask.min()), int(mask.max())
            if low < 0 or high >= num_classes:
                raise ValueError(
                    f"`{name}` holds classes {low}..{high}, outside 0..{num_classes - 1} "
                    f"(num_classes={num_classes}). Pass the right num_classes, or masks "
                    "of class ids 0..num_classes-1."
                )
    return y_true, y_pred


def check_class_id(class_id, num_classes=NUM_CLASSES):
    """Raises a ValueError unless `class_id` is an integer in `[0, num_classes)`.

    >>> check_class_id(3)
    """
    if not checks.is_integer(class_id) or not 0 <= class_id < num_classes:
        raise ValueError(
            f"`class_id` must be an integer in 0..{num_classes - 1} (num_classes="
            f"{num_classes}); received {class_id!r}. Class 0 is the background and class "
            "1 + d the digit d."
        )

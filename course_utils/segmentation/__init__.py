"""Notebook 05: semantic segmentation of MNIST digit scenes with a small U-Net, IoU and Dice.

Segmentation gives every pixel a class instead of giving the whole image one.
The course builds its data from real handwriting it already has: a few MNIST
digits placed on a dark canvas, with a mask that says, for every pixel, whether
it is background (class 0) or belongs to digit `d` (class `1 + d`).

    images, masks = make_digit_scenes(10_000, split="train")
    model = build_unet(images.shape[1:], NUM_CLASSES)
    predicted = predict_masks(model, test_images)
    mean_iou(test_masks, predicted)

What lives where:

- `scenes.py`: `make_digit_scenes`, `digit_pool` (the MNIST digits of each
  split), and the classes: `NUM_CLASSES`, `CLASS_NAMES`.
- `models.py`: `conv_block` and `build_unet` (notebook 05 writes both in its
  cells; these are the tested copies) and `predict_masks`.
- `losses.py`: `pixel_cross_entropy`, the loss the U-Net trains on.
- `metrics.py`: `pixel_accuracy`, `iou`, `dice`, `per_class_iou`, `mean_iou`,
  `per_class_dice`, `mean_dice`, `scene_iou`, `confusion_matrix` (notebook 04's
  `classification.confusion_matrix` on masks) and the mask checks
  `check_masks`, `check_class_id`.
- `figures.py`: `colorize_masks`, `plot_scenes`, `plot_class_iou` and the
  colours `CLASS_COLORS`, `ERROR_COLOR`.

Metrics are NumPy functions over integer masks; `mean_iou` equals
`keras.metrics.MeanIoU` on the same masks.
"""

from course_utils.segmentation.figures import (
    CLASS_COLORS,
    ERROR_COLOR,
    colorize_masks,
    plot_class_iou,
    plot_scenes,
)
from course_utils.segmentation.losses import pixel_cross_entropy
from course_utils.segmentation.metrics import (
    check_class_id,
    check_masks,
    confusion_matrix,
    dice,
    iou,
    mean_dice,
    mean_iou,
    per_class_dice,
    per_class_iou,
    pixel_accuracy,
    scene_iou,
)
from course_utils.segmentation.models import build_unet, conv_block, predict_masks
from course_utils.segmentation.scenes import (
    CLASS_NAMES,
    DIGIT_SIZE,
    INK_THRESHOLD,
    NUM_CLASSES,
    PLACEMENT_TRIES,
    SCENE_SPLITS,
    VALIDATION_DIGITS,
    digit_pool,
    make_digit_scenes,
)

__all__ = [
    "pixel_cross_entropy",
    "CLASS_COLORS",
    "CLASS_NAMES",
    "DIGIT_SIZE",
    "ERROR_COLOR",
    "INK_THRESHOLD",
    "NUM_CLASSES",
    "PLACEMENT_TRIES",
    "SCENE_SPLITS",
    "VALIDATION_DIGITS",
    "build_unet",
    "check_class_id",
    "check_masks",
    "colorize_masks",
    "confusion_matrix",
    "conv_block",
    "dice",
    "digit_pool",
    "iou",
    "make_digit_scenes",
    "mean_dice",
    "mean_iou",
    "per_class_dice",
    "per_class_iou",
    "pixel_accuracy",
    "plot_class_iou",
    "plot_scenes",
    "predict_masks",
    "scene_iou",
]

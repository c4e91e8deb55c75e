"""course_utils.segmentation.metrics: pixel accuracy, IoU and Dice against Keras and their definitions."""

import keras
import numpy as np
import pytest

from course_utils import classification, segmentation

MASK_CASES = [
    (0, (3, 17, 13), 11, ()),
    (1, (64, 64), 11, (4, 7)),
    (2, (5, 9), 3, ()),
    (3, (2, 31, 29), 11, (0, 10)),
]


@pytest.mark.parametrize("seed, shape, num_classes, absent", MASK_CASES)
def test_mean_iou_agrees_with_keras(seed, shape, num_classes, absent, random_masks):
    y_true, y_pred = random_masks(seed, shape, num_classes, absent)
    metric = keras.metrics.MeanIoU(num_classes=num_classes)
    metric.update_state(y_true, y_pred)
    expected = float(metric.result())
    assert segmentation.mean_iou(y_true, y_pred, num_classes) == pytest.approx(expected, abs=1e-5)
    np.testing.assert_array_equal(
        segmentation.confusion_matrix(y_true, y_pred, num_classes),
        np.asarray(metric.total_cm).astype(np.int64),
    )


@pytest.mark.parametrize("seed, shape, num_classes, absent", MASK_CASES)
def test_per_class_iou_agrees_with_keras_iou(seed, shape, num_classes, absent, random_masks):
    y_true, y_pred = random_masks(seed, shape, num_classes, absent)
    values = segmentation.per_class_iou(y_true, y_pred, num_classes)
    for class_id in range(num_classes):
        if class_id in absent:
            assert np.isnan(values[class_id])
            assert segmentation.iou(y_true, y_pred, class_id, num_classes) == 1.0
            continue
        metric = keras.metrics.IoU(num_classes=num_classes, target_class_ids=[class_id])
        metric.update_state(y_true, y_pred)
        assert values[class_id] == pytest.approx(float(metric.result()), abs=1e-5)
        single = segmentation.iou(y_true, y_pred, class_id, num_classes)
        assert single == pytest.approx(values[class_id], abs=1e-12)
        assert isinstance(single, float)


@pytest.mark.parametrize("seed, shape, num_classes, absent", MASK_CASES)
def test_dice_against_its_definition(seed, shape, num_classes, absent, random_masks):
    y_true, y_pred = random_masks(seed, shape, num_classes, absent)
    values = segmentation.per_class_dice(y_true, y_pred, num_classes)
    ious = segmentation.per_class_iou(y_true, y_pred, num_classes)
    for class_id in range(num_classes):
        a, b = y_true == class_id, y_pred == class_id
        if not (a.any() or b.any()):
            assert np.isnan(values[class_id])
            assert segmentation.dice(y_true, y_pred, class_id, num_classes) == 1.0
            continue
        expected = 2 * np.sum(a & b) / (np.sum(a) + np.sum(b))
        assert values[class_id] == pytest.approx(expected, abs=1e-12)
        assert segmentation.dice(y_true, y_pred, class_id, num_classes) == pytest.approx(expected)
        # Dice = 2 IoU / (1 + IoU)
        assert values[class_id] == pytest.approx(2 * ious[class_id] / (1 + ious[class_id]))
    assert segmentation.mean_dice(y_true, y_pred, num_classes) == pytest.approx(np.nanmean(values))


@pytest.mark.parametrize("seed, shape, num_classes, absent", MASK_CASES)
def test_pixel_accuracy_agrees_with_keras(seed, shape, num_classes, absent, random_masks):
    y_true, y_pred = random_masks(seed, shape, num_classes, absent)
    metric = keras.metrics.Accuracy()
    metric.update_state(y_true, y_pred)
    assert segmentation.pixel_accuracy(y_true, y_pred) == pytest.approx(
        float(metric.result()), abs=1e-6
    )


def test_scene_iou_is_mean_iou_of_each_scene(random_masks):
    y_true, y_pred = random_masks(4, (6, 12, 10), 11, absent=(3,))
    y_pred[2] = y_true[2]  # one perfect scene
    values = segmentation.scene_iou(y_true, y_pred)
    expected = [segmentation.mean_iou(t, p) for t, p in zip(y_true, y_pred)]
    np.testing.assert_allclose(values, expected, atol=1e-12)
    assert values[2] == 1.0


def test_metrics_of_a_perfect_and_an_all_background_prediction():
    y_true = np.zeros((2, 8, 8), dtype=np.uint8)
    y_true[:, 2:4, 2:5] = 6
    assert segmentation.mean_iou(y_true, y_true) == 1.0
    background = np.zeros_like(y_true)
    assert segmentation.pixel_accuracy(y_true, background) == pytest.approx(1 - 6 / 64)
    # Background IoU 58/64, digit IoU 0: the mean exposes what pixel accuracy hides.
    assert segmentation.mean_iou(y_true, background) == pytest.approx((58 / 64 + 0) / 2)


@pytest.mark.parametrize(
    "function",
    [
        segmentation.confusion_matrix,
        segmentation.pixel_accuracy,
        segmentation.per_class_iou,
        segmentation.mean_iou,
        segmentation.per_class_dice,
        segmentation.mean_dice,
        segmentation.scene_iou,
    ],
)
def test_metrics_reject_masks_of_different_shapes_and_floats(function):
    masks = np.zeros((2, 4, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"same shape; received \(2, 4, 4\) and \(2, 4, 5\)"):
        function(masks, np.zeros((2, 4, 5), dtype=np.uint8))
    with pytest.raises(
        ValueError,
        match=r"`y_pred` must hold integer class ids; received dtype "
        r"float32.*np.argmax",
    ):
        function(masks, masks.astype(np.float32))


@pytest.mark.parametrize("function", [segmentation.iou, segmentation.dice])
def test_single_class_metrics_reject_bad_input(function):
    y_true = np.array([[0, 1], [2, 3]])
    with pytest.raises(ValueError, match=r"same shape"):
        function(y_true, y_true[:1], 1)
    with pytest.raises(
        ValueError, match=r"`y_true` must hold integer class ids; received dtype float64"
    ):
        function(y_true.astype(float), y_true, 1)
    for class_id in (11, -1, 1.0, True):
        with pytest.raises(ValueError, match=r"`class_id` must be an integer in 0..10"):
            function(y_true, y_true, class_id)
    with pytest.raises(
        ValueError, match=r"`class_id` must be an integer in 0..3 \(num_classes=4\)"
    ):
        function(y_true, y_true, 4, num_classes=4)
    with pytest.raises(ValueError, match=r"`y_pred` holds classes 0..12, outside 0..10"):
        function(y_true, np.array([[0, 1], [2, 12]]), 1)
    with pytest.raises(ValueError, match=r"`y_true` holds classes -1..3"):
        function(np.array([[-1, 1], [2, 3]]), y_true, 1)


def test_scene_iou_wants_a_batch():
    with pytest.raises(ValueError, match=r"\(n, height, width\); received shape \(4, 4\)"):
        segmentation.scene_iou(np.zeros((4, 4), int), np.zeros((4, 4), int))


def test_confusion_matrix_of_masks_is_notebook_04s(random_masks):
    y_true, y_pred = random_masks(7, (3, 9, 8), 11)
    np.testing.assert_array_equal(
        segmentation.confusion_matrix(y_true, y_pred),
        classification.confusion_matrix(y_true, y_pred, num_classes=segmentation.NUM_CLASSES),
    )
    boolean = segmentation.confusion_matrix(y_true > 0, y_pred > 0, num_classes=2)
    np.testing.assert_array_equal(boolean.sum(axis=1), np.bincount((y_true > 0).ravel()))

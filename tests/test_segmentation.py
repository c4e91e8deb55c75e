"""course_utils.segmentation: digit scenes, the U-Net, IoU/Dice and the pictures."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import ndimage

from course_utils import config, data, segmentation


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scenes():
    """A few hundred real scenes of each split (MNIST from wherever `data` finds it)."""
    saved = dict(data._LOADED)
    made = {
        split: segmentation.make_digit_scenes(300, split=split, seed=3)
        for split in ("train", "test")
    }
    made["crowded"] = segmentation.make_digit_scenes(200, split="test", max_digits=4, seed=1)
    data._LOADED.clear()
    data._LOADED.update(saved)
    return made


# --- make_digit_scenes ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["train", "test", "crowded"])
def test_scenes_have_the_promised_format(scenes, kind):
    images, masks = scenes[kind]
    assert images.shape == (len(masks), 64, 64, 1) and images.dtype == np.float32
    assert masks.shape == (len(masks), 64, 64) and masks.dtype == np.uint8
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert set(np.unique(masks)) <= set(range(segmentation.NUM_CLASSES))
    # A pixel is a digit's exactly where the ink is at least half dark.
    np.testing.assert_array_equal(masks > 0, images[..., 0] >= 128 / 255)
    assert (images.reshape(len(images), -1).max(axis=1) > 0.5).all(), "a scene without a digit"


@pytest.mark.parametrize("kind, max_digits", [("train", 3), ("test", 3), ("crowded", 4)])
def test_digits_never_touch_and_each_has_one_class(scenes, kind, max_digits):
    images, masks = scenes[kind]
    digits_per_scene = []
    for image, mask in zip(images[..., 0], masks):
        # 8-connected blobs of ink: one digit never touches another, so a blob has one class.
        blobs, count = ndimage.label(image > 0, structure=np.ones((3, 3)))
        for blob in range(1, count + 1):
            classes = set(np.unique(mask[blobs == blob])) - {0}
            assert len(classes) <= 1, f"two digits touch: classes {classes}"
        digits_per_scene.append(len(set(np.unique(mask)) - {0}))
    counts = np.bincount(digits_per_scene, minlength=max_digits + 1)
    assert counts[0] == 0 and len(counts) == max_digits + 1
    # 1 to max_digits digits, equally likely: scenes with the most classes are common.
    assert counts[max_digits - 1] > 0.1 * len(masks)


def test_scenes_are_deterministic_and_differ_by_seed_and_split(scenes):
    images, masks = segmentation.make_digit_scenes(300, split="train", seed=3)
    np.testing.assert_array_equal(images, scenes["train"][0])
    np.testing.assert_array_equal(masks, scenes["train"][1])
    other, _ = segmentation.make_digit_scenes(300, split="train", seed=4)
    assert not np.array_equal(other, images)
    test_images, _ = segmentation.make_digit_scenes(300, split="test", seed=3)
    assert not np.array_equal(test_images, images)


def test_class_balance_of_scenes(scenes):
    _, masks = scenes["train"]
    share = np.bincount(masks.ravel(), minlength=11) / masks.size
    assert 0.85 < share[0] < 0.99  # mostly background
    assert (share[1:] > 0.002).all()  # every digit appears


def _fake_mnist(monkeypatch, sizes):
    """MNIST stand-in: image i of a split carries its index in pixels (0, 0) and (0, 1)."""
    fake = {}
    for split, size in sizes.items():
        images = np.zeros((size, 28, 28), dtype=np.uint8)
        images[:, 0, 0] = np.arange(size) % 256
        images[:, 0, 1] = np.arange(size) // 256
        images[:, 8:20, 10:16] = 255 if split == "train" else 200
        fake[split] = (images, (np.arange(size) % 10).astype(np.uint8))
    monkeypatch.setattr(data, "load_mnist", lambda split, limit=None: fake[split])
    return fake


def test_train_validation_and_test_digits_are_disjoint(monkeypatch):
    _fake_mnist(monkeypatch, {"train": 600, "test": 100})
    index = {}
    for split in segmentation.SCENE_SPLITS:
        images, _ = segmentation._digit_pool(split)
        index[split] = images[:, 0, 0].astype(int) + 256 * images[:, 0, 1].astype(int)
        assert len(set(index[split])) == len(images)
    assert len(index["validation"]) == 100  # a sixth of a small training set
    assert set(index["train"]).isdisjoint(index["validation"])
    assert set(index["train"]) | set(index["validation"]) == set(range(600))
    assert set(index["test"]) == set(range(100))
    test_images, _ = segmentation.make_digit_scenes(20, split="test")
    assert test_images.max() == pytest.approx(200 / 255)  # built from test digits only


def test_real_validation_split_holds_6000_digits():
    images, labels = segmentation._digit_pool("validation")
    train_images, _ = segmentation._digit_pool("train")
    total = len(data.load_mnist("train")[1])
    assert len(images) == min(segmentation.VALIDATION_DIGITS, total // 6)
    assert len(images) + len(train_images) == total
    assert set(np.unique(labels)) == set(range(10))


@pytest.mark.parametrize("size, max_digits", [(28, 1), (56, 4), (100, 9), (64, 4)])
def test_any_canvas_that_fits_works(size, max_digits):
    images, masks = segmentation.make_digit_scenes(
        12, split="test", size=size, max_digits=max_digits, seed=2
    )
    assert images.shape == (12, size, size, 1)
    np.testing.assert_array_equal(masks > 0, images[..., 0] >= 128 / 255)
    for mask in masks:
        assert 1 <= len(set(np.unique(mask)) - {0}) <= max_digits


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, r"`n` must be an integer of at least 1; received 0"),
        ({"n": -5}, r"received -5"),
        ({"n": 2.5}, r"`n` must be an integer"),
        ({"n": 4, "split": "val"}, r"`split` must be one of 'train', 'validation', 'test'"),
        ({"n": 4, "size": 20}, r"`size` must be an integer of at least 28.*use size=64"),
        ({"n": 4, "max_digits": 5}, r"5 digits cannot fit.*at most 4.*max_digits<=4.*size>=84"),
        ({"n": 4, "size": 40, "max_digits": 2}, r"at most 1 digits of 28x28 fit"),
        ({"n": 4, "max_digits": 0}, r"`max_digits` must be an integer of at least 1"),
        ({"n": 4, "seed": -1}, r"`seed` must be an integer of at least 0"),
    ],
)
def test_make_digit_scenes_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        segmentation.make_digit_scenes(**kwargs)


# --- build_unet -----------------------------------------------------------------------


def _unet_params(channels, num_classes, base, depth, skips):
    """Parameter count from the architecture's description, layer by layer."""

    def block(cin, c):  # two 3x3 convs without bias, each with BN (4 values per channel)
        return 9 * cin * c + 4 * c + 9 * c * c + 4 * c

    total, cin, widths = 0, channels, []
    for level in range(depth):
        c = base * 2**level
        total += block(cin, c)
        widths.append(c)
        cin = c
    total += block(cin, base * 2**depth)
    cin = base * 2**depth
    for level in reversed(range(depth)):
        c = base * 2**level
        total += block(cin + (widths[level] if skips else 0), c)
        cin = c
    return total + cin * num_classes + num_classes


@pytest.mark.parametrize(
    "input_shape, num_classes, base, depth, skips",
    [
        ((64, 64, 1), 11, 16, 3, True),
        ((64, 64, 1), 11, 16, 3, False),
        ((32, 48, 3), 4, 8, 2, True),
        ((16, 16, 1), 2, 4, 1, True),
    ],
)
def test_unet_shapes_and_parameters(input_shape, num_classes, base, depth, skips):
    model = segmentation.build_unet(
        input_shape, num_classes, base_filters=base, depth=depth, skip_connections=skips
    )
    assert model.output_shape == (None, *input_shape[:2], num_classes)
    assert model.count_params() == _unet_params(input_shape[2], num_classes, base, depth, skips)
    names = [layer.name for layer in model.layers]
    assert sum(name.startswith("skip") for name in names) == (depth if skips else 0)
    assert sum(name.startswith("pool") for name in names) == depth
    assert sum(name.startswith("up") for name in names) == depth
    assert not model.compiled
    # Skips concatenate the encoder output of the same size.
    if skips:
        concat = model.get_layer("skip0")
        assert concat.output.shape[1:] == (*input_shape[:2], base * 3)
    probabilities = model.predict(np.random.default_rng(0).random((2, *input_shape)), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, atol=1e-5)


def test_unet_learns_a_per_pixel_rule():
    """A tiny smoke fit: class 1 where a pixel is bright, learnt in a few dozen steps."""
    config.set_seed(0)
    images = np.random.default_rng(0).random((32, 8, 8, 1)).astype("float32")
    masks = (images[..., 0] > 0.5).astype("uint8")
    model = segmentation.build_unet((8, 8, 1), 2, base_filters=4, depth=1)
    model.compile(keras.optimizers.Adam(0.03), "sparse_categorical_crossentropy")
    history = model.fit(images, masks, batch_size=8, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    predicted = segmentation.predict_masks(model, images)
    assert predicted.shape == masks.shape and predicted.dtype == np.uint8
    np.testing.assert_array_equal(predicted, model.predict(images, verbose=0).argmax(-1))
    assert segmentation.pixel_accuracy(masks, predicted) > 0.9


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (((64, 64), 11), {}, r"`input_shape` must be \(height, width, channels\)"),
        (((64, 64, 0), 11), {}, r"positive integers; received \(64, 64, 0\)"),
        (((60, 64, 1), 11), {}, r"divisible by 2\*\*depth = 8.*\(e.g. to 64\)"),
        (((64, 64, 1), 1), {}, r"`num_classes` must be an integer of at least 2"),
        (((64, 64, 1), 11), {"base_filters": 0}, r"`base_filters` must be an integer"),
        (((64, 64, 1), 11), {"depth": 0}, r"`depth` must be an integer of at least 1"),
    ],
)
def test_build_unet_rejects_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        segmentation.build_unet(*args, **kwargs)


def test_predict_masks_in_several_batches_and_bad_input():
    config.set_seed(1)
    model = segmentation.build_unet((16, 16, 1), 3, base_filters=2, depth=1)
    images = np.random.default_rng(1).random((12, 16, 16, 1))  # float64 is accepted
    predicted = segmentation.predict_masks(model, images, batch_size=5)
    expected = model.predict(images.astype("float32"), verbose=0).argmax(axis=-1)
    np.testing.assert_array_equal(predicted, expected)
    with pytest.raises(ValueError, match=r"received shape \(16, 16, 1\).*images\[None\]"):
        segmentation.predict_masks(model, np.zeros((16, 16, 1)))
    with pytest.raises(ValueError, match=r"`batch_size` must be an integer of at least 1"):
        segmentation.predict_masks(model, images, batch_size=0)


# --- metrics --------------------------------------------------------------------------


def _random_masks(seed, shape, num_classes, absent=()):
    rng = np.random.default_rng(seed)
    weights = rng.random(num_classes) ** 3 + 0.01  # very different class sizes
    weights[list(absent)] = 0
    y_true = rng.choice(num_classes, size=shape, p=weights / weights.sum())
    y_pred = np.where(rng.random(shape) < 0.3, rng.integers(0, num_classes, shape), y_true)
    present = [c for c in range(num_classes) if c not in absent]
    y_pred[np.isin(y_pred, absent)] = present[0]  # absent classes are absent from both masks
    return y_true.astype(np.uint8), y_pred.astype(np.int64)


MASK_CASES = [
    (0, (3, 17, 13), 11, ()),
    (1, (64, 64), 11, (4, 7)),
    (2, (5, 9), 3, ()),
    (3, (2, 31, 29), 11, (0, 10)),
]


@pytest.mark.parametrize("seed, shape, num_classes, absent", MASK_CASES)
def test_mean_iou_agrees_with_keras(seed, shape, num_classes, absent):
    y_true, y_pred = _random_masks(seed, shape, num_classes, absent)
    metric = keras.metrics.MeanIoU(num_classes=num_classes)
    metric.update_state(y_true, y_pred)
    expected = float(metric.result())
    assert segmentation.mean_iou(y_true, y_pred, num_classes) == pytest.approx(expected, abs=1e-5)
    np.testing.assert_array_equal(
        segmentation.confusion_matrix(y_true, y_pred, num_classes),
        np.asarray(metric.total_cm).astype(np.int64),
    )


@pytest.mark.parametrize("seed, shape, num_classes, absent", MASK_CASES)
def test_per_class_iou_agrees_with_keras_iou(seed, shape, num_classes, absent):
    y_true, y_pred = _random_masks(seed, shape, num_classes, absent)
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
def test_dice_against_its_definition(seed, shape, num_classes, absent):
    y_true, y_pred = _random_masks(seed, shape, num_classes, absent)
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
def test_pixel_accuracy_agrees_with_keras(seed, shape, num_classes, absent):
    y_true, y_pred = _random_masks(seed, shape, num_classes, absent)
    metric = keras.metrics.Accuracy()
    metric.update_state(y_true, y_pred)
    assert segmentation.pixel_accuracy(y_true, y_pred) == pytest.approx(
        float(metric.result()), abs=1e-6
    )


def test_scene_iou_is_mean_iou_of_each_scene():
    y_true, y_pred = _random_masks(4, (6, 12, 10), 11, absent=(3,))
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


# --- pictures -------------------------------------------------------------------------


def test_colorize_masks_uses_one_colour_per_class():
    masks = np.arange(11).reshape(1, 11)
    colours = segmentation.colorize_masks(masks)
    assert colours.shape == (1, 11, 3)
    np.testing.assert_array_equal(colours[0], segmentation.CLASS_COLORS)
    assert len({tuple(c) for c in segmentation.CLASS_COLORS}) == 11
    with pytest.raises(ValueError, match=r"at most 11"):
        segmentation.colorize_masks(masks, num_classes=12)


def test_plot_scenes_shows_masks_errors_and_a_legend():
    y_true, y_pred = _random_masks(5, (3, 10, 12), 11)
    images = np.random.default_rng(0).random((3, 10, 12, 1))
    fig = segmentation.plot_scenes(images, y_true, y_pred, title="Scenes")
    assert len(fig.axes) == 4 * 3
    rows = [fig.axes[row * 3].get_ylabel() for row in range(4)]
    assert rows == ["image", "true mask", "predicted", "errors"]
    scores = segmentation.scene_iou(y_true, y_pred)
    assert [fig.axes[6 + k].get_title() for k in range(3)] == [f"IoU {s:.2f}" for s in scores]
    np.testing.assert_allclose(
        fig.axes[3].images[0].get_array(), segmentation.colorize_masks(y_true[0])
    )
    errors = np.asarray(fig.axes[9].images[0].get_array())
    red = np.all(errors == segmentation.ERROR_COLOR, axis=-1)
    np.testing.assert_array_equal(red, y_true[0] != y_pred[0])
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels == list(segmentation.CLASS_NAMES) + ["error"]


def test_plot_scenes_without_predictions():
    y_true, _ = _random_masks(6, (2, 8, 8), 11)
    fig = segmentation.plot_scenes(np.zeros((2, 8, 8)), y_true)
    assert len(fig.axes) == 2 * 2
    assert "error" not in [text.get_text() for text in fig.legends[0].get_texts()]


@pytest.mark.parametrize(
    "images, masks, match",
    [
        (
            np.zeros((2, 8, 8)),
            np.zeros((2, 8, 9), np.uint8),
            r"received \(2, 8, 8\) and \(2, 8, 9\)",
        ),
        (np.zeros((13, 8, 8)), np.zeros((13, 8, 8), np.uint8), r"1 <= n <= 12"),
        (np.zeros((8, 8)), np.zeros((8, 8), np.uint8), r"images\[:6\], masks\[:6\]"),
        (np.zeros((2, 8, 8)), np.zeros((2, 8, 8)), r"integer class ids"),
    ],
)
def test_plot_scenes_rejects_bad_input(images, masks, match):
    with pytest.raises(ValueError, match=match):
        segmentation.plot_scenes(images, masks)


def test_plot_class_iou_draws_one_bar_per_class_and_the_mean():
    values = np.linspace(0.4, 0.95, 11)
    values[3] = np.nan
    fig = segmentation.plot_class_iou(values, title="IoU per class")
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.nan_to_num(values))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(segmentation.CLASS_NAMES)
    (mean_line,) = ax.get_lines()
    assert mean_line.get_ydata()[0] == pytest.approx(np.nanmean(values))
    assert f"mean {np.nanmean(values):.3f}" in ax.get_legend().get_texts()[0].get_text()


def test_plot_class_iou_compares_models():
    fig = segmentation.plot_class_iou({"U-Net": np.full(11, 0.9), "no skips": np.full(11, 0.5)})
    assert len(fig.axes[0].patches) == 22
    with pytest.raises(
        ValueError, match=r"one IoU per class, shape \(11,\); received shape \(10,\)"
    ):
        segmentation.plot_class_iou(np.ones(10))

"""Semantic segmentation: scenes of MNIST digits, a small U-Net, IoU and Dice.

Segmentation gives every pixel a class instead of giving the whole image one.
The course builds its data from real handwriting it already has: a few MNIST
digits placed on a dark canvas, with a mask that says, for every pixel, whether
it is background (class 0) or belongs to digit `d` (class `1 + d`).

    images, masks = make_digit_scenes(10_000, split="train")
    model = build_unet(images.shape[1:], NUM_CLASSES)
    predicted = predict_masks(model, test_images)
    mean_iou(test_masks, predicted)

Metrics are NumPy functions over integer masks; `mean_iou` equals
`keras.metrics.MeanIoU` on the same masks.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from course_utils import data

DIGIT_SIZE = 28  # MNIST images are 28x28
NUM_CLASSES = 11  # background + the ten digits
CLASS_NAMES = ("background", *data.MNIST_CLASSES)
INK_THRESHOLD = 128  # a pixel belongs to a digit where its ink is at least half dark
SCENE_SPLITS = ("train", "validation", "test")
VALIDATION_DIGITS = 6_000  # MNIST training digits kept apart for the "validation" split
PLACEMENT_TRIES = 50
# Background black, digits 0-9 in matplotlib's "tab10" colours, except that digit 3
# is gold instead of red: red marks errors in `plot_scenes`.
ERROR_COLOR = (1.0, 0.1, 0.1)
CLASS_COLORS = np.array(
    [
        (0.0, 0.0, 0.0),
        (0.122, 0.467, 0.706),
        (1.0, 0.498, 0.055),
        (0.173, 0.627, 0.173),
        (1.0, 0.843, 0.2),
        (0.580, 0.404, 0.741),
        (0.549, 0.337, 0.294),
        (0.890, 0.467, 0.761),
        (0.498, 0.498, 0.498),
        (0.737, 0.741, 0.133),
        (0.090, 0.745, 0.812),
    ]
)


def make_digit_scenes(n, split="train", size=64, max_digits=3, seed=0):
    """Makes scenes of 1 to `max_digits` MNIST digits and their per-pixel masks.

    Each scene is a black `size` x `size` canvas with a random number of digits
    (1 to `max_digits`, equally likely) drawn at random positions. Digits never
    overlap: the bounding boxes of their ink keep at least one pixel of
    background between them (a scene where random positions keep colliding is
    laid out on a grid instead, one digit per cell), so every pixel belongs to
    at most one digit. A pixel is labelled with its digit's class where that
    digit's ink is at least half dark (`INK_THRESHOLD`), else background.

    The digits come from one split of MNIST only, so scenes of different splits
    never share a digit image: `"train"` uses the MNIST training images except
    `VALIDATION_DIGITS` of them that `"validation"` uses, and `"test"` uses the
    MNIST test images. The same arguments give the same scenes (for the same
    MNIST source, see `data.source_of("mnist")`).

    Args:
        n: number of scenes.
        split: `"train"`, `"validation"` or `"test"`.
        size: height and width of the canvas in pixels, at least 28.
        max_digits: most digits in one scene; at most `(size // 28) ** 2`, the
            number of 28x28 digits that fit side by side.
        seed: a non-negative integer; scenes differ between seeds and splits.

    Returns:
        `(images, masks)`: float32 images of shape `(n, size, size, 1)` with
        values in [0, 1], and uint8 masks of shape `(n, size, size)` with
        values 0 (background) and `1 + d` for digit `d` (see `CLASS_NAMES`).

    Raises:
        ValueError: if `n` is not a positive integer, `split` is unknown, the
            canvas is smaller than a digit, or `max_digits` digits cannot fit.

    >>> images, masks = make_digit_scenes(4, split="test", size=64)  # doctest: +ELLIPSIS
    MNIST...
    >>> images.shape, images.dtype, masks.shape, masks.dtype
    ((4, 64, 64, 1), dtype('float32'), (4, 64, 64), dtype('uint8'))
    >>> bool(((masks > 0) == (images[..., 0] >= 0.5)).all())
    True
    """
    _check_int(n, "n", 1, "Ask for at least one scene, e.g. make_digit_scenes(1000).")
    if split not in SCENE_SPLITS:
        raise ValueError(
            f"`split` must be one of {', '.join(map(repr, SCENE_SPLITS))}; received {split!r}. "
            "Train on 'train', pick weights or a schedule on 'validation', report on 'test'."
        )
    _check_int(size, "size", DIGIT_SIZE, "A digit is 28x28 pixels: use size=64.")
    per_side = size // DIGIT_SIZE
    _check_int(max_digits, "max_digits", 1, "Use max_digits=3.")
    if max_digits > per_side**2:
        raise ValueError(
            f"`max_digits`={max_digits} digits cannot fit without overlapping on a {size}x{size} "
            f"canvas: at most {per_side**2} digits of 28x28 fit side by side. Use "
            f"max_digits<={per_side**2}, or a larger canvas "
            f"(size>={DIGIT_SIZE * int(np.ceil(np.sqrt(max_digits)))})."
        )
    _check_int(seed, "seed", 0, "Use e.g. seed=0.")
    digits, labels = _digit_pool(split)
    rng = np.random.default_rng([int(seed), SCENE_SPLITS.index(split)])
    counts = rng.integers(1, max_digits + 1, size=n)
    chosen = rng.integers(0, len(labels), size=int(counts.sum()))
    boxes = _ink_boxes(digits[chosen])
    canvas = np.zeros((n, size, size), dtype=np.uint8)
    masks = np.zeros((n, size, size), dtype=np.uint8)
    start = 0
    for scene, count in enumerate(counts):
        picks = chosen[start : start + count]
        corners = _place(rng, boxes[start : start + count], size, per_side)
        for index, (top, left) in zip(picks, corners):
            window = (scene, slice(top, top + DIGIT_SIZE), slice(left, left + DIGIT_SIZE))
            digit = digits[index]
            canvas[window] = np.maximum(canvas[window], digit)
            masks[window] = np.where(digit >= INK_THRESHOLD, labels[index] + 1, masks[window])
        start += count
    return data.normalize_images(canvas), masks


def _digit_pool(split):
    """The MNIST images and labels one scene split draws its digits from."""
    if split == "test":
        return data.load_mnist("test")
    images, labels = data.load_mnist("train")
    order = np.random.default_rng(0).permutation(len(labels))
    held_out = min(VALIDATION_DIGITS, len(labels) // 6)  # a sixth of a small (offline) set
    index = order[:held_out] if split == "validation" else order[held_out:]
    return images[index], labels[index]


def _ink_boxes(digits):
    """(top, bottom, left, right) of the non-zero pixels of each 28x28 digit, inclusive."""
    rows, cols = digits.any(axis=2), digits.any(axis=1)
    empty = ~rows.any(axis=1)
    top, bottom = rows.argmax(axis=1), DIGIT_SIZE - 1 - rows[:, ::-1].argmax(axis=1)
    left, right = cols.argmax(axis=1), DIGIT_SIZE - 1 - cols[:, ::-1].argmax(axis=1)
    boxes = np.stack([top, bottom, left, right], axis=1)
    boxes[empty] = (0, -1, 0, -1)  # a blank image has no ink and collides with nothing
    return boxes


def _place(rng, boxes, size, per_side):
    """Top-left corners of the 28x28 frames so that ink boxes keep one pixel apart."""
    corners, placed = [], []
    for top, bottom, left, right in boxes:
        for _ in range(PLACEMENT_TRIES):
            y, x = rng.integers(0, size - DIGIT_SIZE + 1, size=2)
            ink = (y + top, y + bottom, x + left, x + right)
            if all(_apart(ink, other) for other in placed):
                corners.append((int(y), int(x)))
                placed.append(ink)
                break
        else:  # crowded: one digit per grid cell always fits
            cell = size // per_side
            cells = rng.permutation(per_side**2)[: len(boxes)]
            jitter = rng.integers(0, cell - DIGIT_SIZE + 1, size=(len(boxes), 2))
            return [
                (int(c // per_side * cell + dy), int(c % per_side * cell + dx))
                for c, (dy, dx) in zip(cells, jitter)
            ]
    return corners


def _apart(a, b, gap=1):
    """True when inclusive boxes (top, bottom, left, right) keep `gap` pixels between them."""
    return a[1] + gap < b[0] or b[1] + gap < a[0] or a[3] + gap < b[2] or b[3] + gap < a[2]


def build_unet(input_shape, num_classes, base_filters=16, depth=3, skip_connections=True):
    """Builds a small U-Net that gives every pixel a softmax over `num_classes`.

    The encoder applies, at each of `depth` levels, two 3x3 convolutions (each
    followed by batch normalization and ReLU) and a 2x2 max pooling that halves
    the size, doubling the filters from `base_filters`. After a bottleneck block
    the decoder mirrors it: 2x upsampling, concatenation with the encoder's
    output of the same size (the skip connection), two convolutions. A 1x1
    convolution with softmax gives the class probabilities of each pixel.

    Without skip connections the decoder sees only the bottleneck, a map
    `2**depth` times smaller than the input: the model is then a plain
    encoder-decoder, for comparison.

    Args:
        input_shape: `(height, width, channels)`; height and width must be
            divisible by `2**depth`.
        num_classes: number of classes per pixel, at least 2.
        base_filters: filters of the first level; level `k` has
            `base_filters * 2**k`.
        depth: number of poolings (and upsamplings).
        skip_connections: concatenate encoder features into the decoder.

    Returns:
        An uncompiled `keras.Model` mapping `(batch, height, width, channels)`
        to probabilities of shape `(batch, height, width, num_classes)`.

    Raises:
        ValueError: for a malformed `input_shape`, sizes not divisible by
            `2**depth`, or non-positive counts.

    >>> model = build_unet((64, 64, 1), 11)
    >>> model.output_shape, model.count_params()
    ((None, 64, 64, 11), 489291)
    """
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else None
    if (
        shape is None
        or len(shape) != 3
        or not all(isinstance(v, (int, np.integer)) and v > 0 for v in shape)
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with positive integers; "
            f"received {input_shape!r}. For 64x64 grey scenes use (64, 64, 1), or images.shape[1:]."
        )
    _check_int(num_classes, "num_classes", 2, "For the digit scenes use NUM_CLASSES (11).")
    _check_int(base_filters, "base_filters", 1, "Use e.g. base_filters=16.")
    _check_int(depth, "depth", 1, "Use e.g. depth=3.")
    factor = 2**depth
    if shape[0] % factor or shape[1] % factor:
        raise ValueError(
            f"`input_shape` {shape} has a height and width that {depth} poolings cannot halve "
            f"evenly: both must be divisible by 2**depth = {factor}. Crop or pad the images "
            f"(e.g. to {factor * max(1, round(shape[0] / factor))}), or lower `depth`."
        )
    import keras  # imported here: the Keras backend is slow to start

    inputs = keras.Input(shape=shape, name="image")
    x, skips = inputs, []
    for level in range(depth):
        x = _conv_block(keras, x, base_filters * 2**level, f"encoder{level}")
        skips.append(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{level}")(x)
    x = _conv_block(keras, x, base_filters * 2**depth, "bottleneck")
    for level in reversed(range(depth)):
        # Nearest-neighbour upsampling, each pixel copied into a 2x2 block: what
        # UpSampling2D computes, without its shape arithmetic on the batch size, which
        # makes TensorFlow log an error-level oneDNN notice on the last, smaller batch.
        height, width = x.shape[1], x.shape[2]
        x = keras.layers.Resizing(2 * height, 2 * width, "nearest", name=f"up{level}")(x)
        if skip_connections:
            x = keras.layers.Concatenate(name=f"skip{level}")([x, skips[level]])
        x = _conv_block(keras, x, base_filters * 2**level, f"decoder{level}")
    outputs = keras.layers.Conv2D(num_classes, 1, activation="softmax", name="classes")(x)
    name = "unet" if skip_connections else "encoder_decoder"
    return keras.Model(inputs, outputs, name=name)


def _conv_block(keras, x, filters, name):
    for index in (1, 2):
        x = keras.layers.Conv2D(
            filters, 3, padding="same", use_bias=False, name=f"{name}_conv{index}"
        )(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn{index}")(x)
        x = keras.layers.ReLU(name=f"{name}_relu{index}")(x)
    return x


def predict_masks(model, images, batch_size=128):
    """Predicts a mask per image: the most probable class of every pixel.

    Args:
        model: a segmentation model such as `build_unet` returns.
        images: float array of shape `(n, height, width, channels)`.
        batch_size: images per prediction step.

    Returns:
        uint8 masks of shape `(n, height, width)`.

    Raises:
        ValueError: if `images` is not a non-empty 4D array.
    """
    images = np.asarray(images)
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch of shape (n, height, width, channels); "
            f"received shape {images.shape}. For one image use images[None]."
        )
    _check_int(batch_size, "batch_size", 1, "Use e.g. batch_size=128.")
    images = images.astype(np.float32, copy=False)
    # Calling the model batch by batch (rather than `model.predict`) builds no
    # tf.function, so comparing several models does not warn about retracing.
    masks = [
        np.argmax(np.asarray(model(images[start : start + batch_size], training=False)), axis=-1)
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(masks).astype(np.uint8)


# ----------------------------------------------------------------------------- metrics


def confusion_matrix(y_true, y_pred, num_classes=NUM_CLASSES):
    """Counts pixels by (true class, predicted class).

    Args:
        y_true: integer mask of any shape, values in `[0, num_classes)`.
        y_pred: integer mask of the same shape.
        num_classes: number of classes.

    Returns:
        int64 array of shape `(num_classes, num_classes)`: entry `[i, j]` counts
        the pixels of true class `i` predicted as class `j` (the layout of
        `keras.metrics.MeanIoU.total_cm`).

    Raises:
        ValueError: if the masks differ in shape, are not integers, or hold a
            class outside `[0, num_classes)`.

    >>> confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]), num_classes=3)
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    """
    y_true, y_pred = _check_masks(y_true, y_pred, num_classes)
    flat = y_true.astype(np.int64).ravel() * num_classes + y_pred.astype(np.int64).ravel()
    counts = np.bincount(flat, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def pixel_accuracy(y_true, y_pred):
    """Fraction of pixels whose predicted class is the true one.

    Misleading when one class covers most pixels: predicting background
    everywhere scores the background's share of the image.

    Raises:
        ValueError: if the masks differ in shape or are not integers.

    >>> pixel_accuracy(np.array([[0, 0], [1, 2]]), np.array([[0, 0], [1, 1]]))
    0.75
    """
    y_true, y_pred = _check_masks(y_true, y_pred, None)
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
    y_true, y_pred = _check_masks(y_true, y_pred, num_classes)
    _check_class_id(class_id, num_classes)
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
    y_true, y_pred = _check_masks(y_true, y_pred, num_classes)
    _check_class_id(class_id, num_classes)
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
    y_true, y_pred = _check_masks(y_true, y_pred, num_classes)
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


def _check_masks(y_true, y_pred, num_classes):
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
        _check_int(num_classes, "num_classes", 1, "For the digit scenes use NUM_CLASSES (11).")
        for name, mask in (("y_true", y_true), ("y_pred", y_pred)):
            low, high = int(mask.min()), int(mask.max())
            if low < 0 or high >= num_classes:
                raise ValueError(
                    f"`{name}` holds classes {low}..{high}, outside 0..{num_classes - 1} "
                    f"(num_classes={num_classes}). Pass the right num_classes, or masks "
                    "of class ids 0..num_classes-1."
                )
    return y_true, y_pred


def _check_class_id(class_id, num_classes):
    if (
        isinstance(class_id, bool)
        or not isinstance(class_id, (int, np.integer))
        or not 0 <= class_id < num_classes
    ):
        raise ValueError(
            f"`class_id` must be an integer in 0..{num_classes - 1} (num_classes="
            f"{num_classes}); received {class_id!r}. Class 0 is the background and class "
            "1 + d the digit d."
        )


def _check_int(value, name, low, fix):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(
            f"`{name}` must be an integer of at least {low}; received {value!r}. {fix}"
        )


# ----------------------------------------------------------------------------- pictures


def colorize_masks(masks, num_classes=NUM_CLASSES):
    """Turns integer masks into RGB pictures with one colour per class.

    Args:
        masks: integer array of any shape, values in `[0, num_classes)`.
        num_classes: number of classes; at most `len(CLASS_COLORS)`.

    Returns:
        float array of shape `masks.shape + (3,)`, values in [0, 1]
        (`CLASS_COLORS`: background black, each digit its own colour).

    Raises:
        ValueError: as `confusion_matrix`, or for more classes than colours.

    >>> colorize_masks(np.array([[0, 1]]))[0, :, 0]
    array([0.   , 0.122])
    """
    if not isinstance(num_classes, (int, np.integer)) or num_classes > len(CLASS_COLORS):
        raise ValueError(
            f"`num_classes` can be at most {len(CLASS_COLORS)} (the colours in CLASS_COLORS); "
            f"received {num_classes!r}."
        )
    masks, _ = _check_masks(masks, masks, num_classes)
    return CLASS_COLORS[masks.astype(np.int64)]


def plot_scenes(images, masks, predicted=None, class_names=CLASS_NAMES, size=1.6, title=None):
    """Shows scenes, their true masks and optionally predicted masks and errors.

    One column per scene. Rows: the image, the true mask, and with `predicted`
    the predicted mask (titled with the scene's mean IoU) and the errors (wrong
    pixels in red over the dimmed image). A legend names the class colours.

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width, 1)`.
        masks: integer masks of shape `(n, height, width)`.
        predicted: optional predicted masks of the same shape.
        class_names: names of the classes, background first.
        size: inches per picture.
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the shapes do not match or there are more than 12 scenes.

    >>> images, masks = np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8), dtype=np.uint8)
    >>> fig = plot_scenes(images, masks, predicted=masks)
    >>> len(fig.axes)
    8
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    masks = np.asarray(masks)
    if images.ndim != 3 or masks.shape != images.shape or not 1 <= len(images) <= 12:
        raise ValueError(
            "`images` must have shape (n, height, width) or (n, height, width, 1) and `masks` "
            f"(n, height, width), with 1 <= n <= 12; received {images.shape} and {masks.shape}. "
            "Pass the same few scenes to both, e.g. images[:6], masks[:6]."
        )
    num_classes = len(class_names)
    colored = colorize_masks(masks, num_classes)
    rows = [("image", images, None), ("true mask", colored, None)]
    if predicted is not None:
        predicted = np.asarray(predicted)
        _check_masks(masks, predicted, num_classes)
        scores = scene_iou(masks, predicted, num_classes)
        dim = np.repeat(images[..., None] * 0.45, 3, axis=-1)
        errors = np.where((masks != predicted)[..., None], ERROR_COLOR, dim)
        rows += [
            ("predicted", colorize_masks(predicted, num_classes), scores),
            ("errors", errors, None),
        ]
    count = len(images)
    fig, axes = plt.subplots(
        len(rows),
        count,
        figsize=(size * count + 1.9, size * len(rows) + (0.4 if title else 0)),
        squeeze=False,
    )
    for row, (label, pictures, scores) in enumerate(rows):
        for column in range(count):
            ax = axes[row, column]
            ax.imshow(pictures[column], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if column == 0:
                ax.set_ylabel(label)
            if scores is not None:
                ax.set_title(f"IoU {scores[column]:.2f}", fontsize=9)
    handles = [
        Patch(facecolor=CLASS_COLORS[i], edgecolor="0.6", label=name)
        for i, name in enumerate(class_names)
    ]
    if predicted is not None:
        handles.append(Patch(facecolor=ERROR_COLOR, edgecolor="0.6", label="error"))
    fig.legend(handles=handles, loc="center right", fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1 - 1.6 / (size * count + 1.9), 1))
    return fig


def plot_class_iou(values, class_names=CLASS_NAMES, title=None):
    """Bar chart of the IoU of each class, with the mean as a dashed line.

    Args:
        values: per-class IoU, shape `(num_classes,)` (NaN for an absent
            class), or a dict `{name: values}` to compare models side by side.
        class_names: names of the classes.
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if a series has not one value per class name.

    >>> fig = plot_class_iou(np.linspace(0.5, 1.0, 11))
    >>> len(fig.axes[0].patches)
    11
    """
    series = dict(values) if isinstance(values, dict) else {"IoU": values}
    series = {name: np.asarray(v, dtype=np.float64) for name, v in series.items()}
    for name, v in series.items():
        if v.shape != (len(class_names),):
            raise ValueError(
                f"`values` ({name}) must hold one IoU per class, shape ({len(class_names)},); "
                f"received shape {v.shape}. Use per_class_iou(y_true, y_pred)."
            )
    positions = np.arange(len(class_names))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * len(class_names)), 3.6))
    for k, (name, v) in enumerate(series.items()):
        offset = (k - (len(series) - 1) / 2) * width
        alone = len(series) == 1 and len(class_names) <= len(CLASS_COLORS)
        colors = CLASS_COLORS[: len(class_names)] if alone else f"C{k}"  # as in the masks
        mean = np.nanmean(v)
        bars = ax.bar(
            positions + offset,
            np.nan_to_num(v),
            width,
            color=colors,
            edgecolor="0.4",
            linewidth=0.5,
            label=f"{name} (mean {mean:.3f})",
        )
        if len(series) == 1:
            ax.bar_label(bars, labels=[f"{x:.2f}" for x in v], fontsize=8, padding=2)
        ax.axhline(mean, color="0.3" if alone else f"C{k}", linestyle="--", linewidth=1)
    ax.set_xticks(positions, class_names)
    ax.set_ylim(0, 1.3)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("IoU")
    ax.legend(loc="upper center", ncol=len(series), fontsize=9, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig

"""Scenes of MNIST digits for segmentation, with a class for every pixel.

A scene is a few MNIST digits placed on a dark canvas; its mask says, for
every pixel, whether it is background (class 0) or belongs to digit `d`
(class `1 + d`).

    images, masks = make_digit_scenes(10_000, split="train")
"""

import numpy as np

from course_utils import checks, data

DIGIT_SIZE = 28  # MNIST images are 28x28
NUM_CLASSES = 11  # background + the ten digits
CLASS_NAMES = ("background", *data.MNIST_CLASSES)
INK_THRESHOLD = 128  # a digit's pixel where it is at least half bright (MNIST: white on black)
SCENE_SPLITS = ("train", "validation", "test")
VALIDATION_DIGITS = 6_000  # MNIST training digits kept apart for the "validation" split
PLACEMENT_TRIES = 50


def make_digit_scenes(n, split="train", size=64, max_digits=3, seed=0):
    """Makes scenes of 1 to `max_digits` MNIST digits and their per-pixel masks.

    Each scene is a black `size` x `size` canvas with a random number of digits
    (1 to `max_digits`, equally likely) drawn at random positions. Digits never
    overlap: the bounding boxes of their ink keep at least one pixel of
    background between them (a scene where random positions keep colliding is
    laid out on a grid instead, one digit per cell), so every pixel belongs to
    at most one digit. MNIST draws white ink on black: a pixel is labelled with
    its digit's class where it is at least half bright (`INK_THRESHOLD`, 128 of
    255), else background.

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
    checks.integer(n, "n", 1, "Ask for at least one scene, e.g. make_digit_scenes(1000).")
    checks.one_of(
        split,
        "split",
        SCENE_SPLITS,
        "Train on 'train', pick weights or a schedule on 'validation', report on 'test'.",
    )
    checks.integer(size, "size", DIGIT_SIZE, "A digit is 28x28 pixels: use size=64.")
    per_side = size // DIGIT_SIZE
    checks.integer(max_digits, "max_digits", 1, "Use max_digits=3.")
    if max_digits > per_side**2:
        raise ValueError(
            f"`max_digits`={max_digits} digits cannot fit without overlapping on a {size}x{size} "
            f"canvas: at most {per_side**2} digits of 28x28 fit side by side. Use "
            f"max_digits<={per_side**2}, or a larger canvas "
            f"(size>={DIGIT_SIZE * int(np.ceil(np.sqrt(max_digits)))})."
        )
    checks.integer(seed, "seed", 0, "Use e.g. seed=0.")
    digits, labels = digit_pool(split)
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


def digit_pool(split):
    """The MNIST images and labels one scene split draws its digits from.

    `"test"` is the MNIST test split; `"validation"` is a fixed random
    `VALIDATION_DIGITS` of the MNIST training images (a sixth of a smaller
    set) and `"train"` the rest of them, so no digit image is in two splits.

    Raises:
        ValueError: if `split` is not one of `SCENE_SPLITS`.
    """
    checks.one_of(split, "split", SCENE_SPLITS)
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

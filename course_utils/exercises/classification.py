"""Notebook 04's exercises: predict the seed CNN's output shapes and parameters for any
input, and read the most frequent mistakes off a confusion matrix.

The seed CNN's shapes and parameter counts are computed here from their rules (a 3x3
convolution without padding fits `n - 2` positions, a 2x2 pooling halves rounding
down, a layer has a weight per input and a bias per output); the tests hold these
rules to what Keras builds, case by case.
"""

import numpy as np

from course_utils import classification as reference
from course_utils.exercises.core import Case, register, run_checks

# The seed CNN's layers, as the messages name them, and the filters of its convolutions.
LAYERS = (
    "Conv2D(32, (3, 3))",
    "MaxPooling2D((2, 2))",
    "Conv2D(64, (3, 3))",
    "MaxPooling2D((2, 2))",
    "Conv2D(64, (3, 3))",
    "Flatten()",
    "Dense(64)",
    "Dense(num_classes)",
)
_FILTERS = (32, None, 64, None, 64)  # None: a pooling

register(
    "output_shapes",
    hint="""
        Follow one image through the layers, keeping (height, width, channels).
        A 3x3 convolution without padding fits n - 2 positions along a side of
        n pixels, and gives one channel per filter (32, then 64, then 64). A
        2x2 max pooling halves each side, rounding down (n // 2: a last odd
        row is dropped), and keeps the channels. Flatten lines up every value:
        (height * width * channels,). A Dense layer gives one value per unit:
        (64,), then (10,).
    """,
    solution="""
        def my_output_shapes(input_shape):
            height, width, _ = input_shape
            shapes = []
            for filters in (32, 64, 64):
                height, width = height - 2, width - 2  # Conv2D, 3x3, no padding
                shapes.append((height, width, filters))
                if len(shapes) < 5:
                    height, width = height // 2, width // 2  # MaxPooling2D, 2x2
                    shapes.append((height, width, filters))
            return shapes + [(height * width * 64,), (64,), (10,)]
    """,
)

register(
    "layer_params",
    hint="""
        A Conv2D layer has, per filter, one weight for every position of its
        3x3 window in every input channel, plus one bias: (3 * 3 * c_in + 1) *
        filters. It does not depend on the image size: the same kernels slide
        over every position. Pooling and Flatten have no parameters. A Dense
        layer has one weight per (input, unit) pair plus one bias per unit:
        (inputs + 1) * units, where the first Dense layer's inputs are what
        Flatten gives: height * width * 64 of the last convolution's map.
    """,
    solution="""
        def my_layer_params(input_shape, num_classes):
            height, width, channels = input_shape
            height, width = (height - 2) // 2, (width - 2) // 2  # Conv2D, MaxPooling2D
            height, width = (height - 2) // 2, (width - 2) // 2  # Conv2D, MaxPooling2D
            height, width = height - 2, width - 2  # the last Conv2D
            conv = [(3 * 3 * c_in + 1) * f for c_in, f in [(channels, 32), (32, 64), (64, 64)]]
            dense = [(height * width * 64 + 1) * 64, (64 + 1) * num_classes]
            return [conv[0], 0, conv[1], 0, conv[2], 0, dense[0], dense[1]]
    """,
)

register(
    "most_confused",
    hint="""
        Copy the matrix and set its diagonal to 0 (np.fill_diagonal): the
        diagonal holds the right answers. Then take the cells with the largest
        counts: np.argsort(-mistakes, axis=None) orders all cells, largest
        first, as flat indices, and np.unravel_index(index, mistakes.shape)
        turns one back into (row, column) = (true class, predicted class).
        Keep at most `count` of them, and only cells whose count is above 0.
    """,
    solution="""
        def my_most_confused(matrix, count):
            mistakes = np.array(matrix)  # a copy: the caller's matrix stays as it is
            np.fill_diagonal(mistakes, 0)  # the right answers are not mistakes
            order = np.argsort(-mistakes, axis=None, kind="stable")[:count]
            pairs = [np.unravel_index(index, mistakes.shape) for index in order]
            pairs = [(int(true), int(predicted)) for true, predicted in pairs]
            return [pair for pair in pairs if mistakes[pair] > 0]
    """,
)


def seed_cnn_shapes(
    input_shape, num_classes=10, shrink=2, round_up=False, conv_channels=None, pool_channels=1
):
    """The seed CNN's output shape after each layer, by the rules; the keywords make the
    shapes of typical mistakes (`shrink` per convolution, pooling rounding up, ...)."""
    height, width, channels = input_shape
    shapes = []
    for filters in _FILTERS:
        if filters is None:
            halve = (lambda n: -(-n // 2)) if round_up else (lambda n: n // 2)
            height, width = halve(height), halve(width)
            channels = channels // pool_channels
        else:
            height, width = height - shrink, width - shrink
            channels = filters if conv_channels is None else conv_channels(channels, filters)
        shapes.append((height, width, channels))
    return shapes + [(height * width * channels,), (64,), (num_classes,)]


def seed_cnn_params(input_shape, num_classes=10, conv=None, dense=None, flatten_channels=True):
    """The seed CNN's parameters per layer, by the rules; `conv(kernel, c_in, filters, shape)`
    and `dense(inputs, units)` replace the rules to make the counts of typical mistakes."""
    conv = conv or (lambda kernel, c_in, filters, shape: (kernel * c_in + 1) * filters)
    dense = dense or (lambda inputs, units: (inputs + 1) * units)
    shapes = seed_cnn_shapes(input_shape, num_classes)
    channels, params = input_shape[2], []
    for filters, shape in zip(_FILTERS, shapes):
        params.append(0 if filters is None else conv(3 * 3, channels, filters, shape))
        channels = shape[2]
    last = shapes[4]
    inputs = last[0] * last[1] * (last[2] if flatten_channels else 1)
    return params + [0, dense(inputs, 64), dense(64, num_classes)]


# (input_shape, what): odd sizes, height unlike width, several channels, the smallest input.
_SHAPES = (
    ((28, 28, 1), "MNIST"),
    ((32, 32, 3), "colour images"),
    ((29, 31, 2), "odd sides"),
    ((64, 48, 3), "taller than wide"),
    ((18, 18, 1), "the smallest input"),
    ((45, 20, 5), "tall and narrow"),
    ((100, 37, 4), "larger, 4 channels"),
)


def _described(input_shape, num_classes=None):
    classes = "" if num_classes is None else f", {num_classes} classes"
    return f"input {input_shape}{classes}"


def _shape_cases():
    cases = []
    for input_shape, what in _SHAPES:
        mistakes = [
            (
                seed_cnn_shapes(input_shape, shrink=0),
                "a 3x3 convolution without padding (Keras' default, padding='valid') fits "
                "n - 2 positions along a side of n pixels: each convolution shrinks the map",
            ),
            (
                seed_cnn_shapes(input_shape, shrink=3),
                "a 3x3 window fits n - 3 + 1 = n - 2 positions along a side of n pixels, not n - 3",
            ),
            (
                seed_cnn_shapes(input_shape, round_up=True),
                "a 2x2 pooling drops a last odd row or column, which fills no window: halve "
                "rounding down (n // 2)",
            ),
            (
                seed_cnn_shapes(input_shape, conv_channels=lambda c_in, filters: c_in),
                "a convolution gives one channel per filter (32, 64, 64), whatever its input has",
            ),
            (
                seed_cnn_shapes(input_shape, conv_channels=lambda c_in, filters: c_in * filters),
                "each filter spans all input channels and gives one channel: the output has "
                "`filters` channels, not c_in * filters",
            ),
            (
                seed_cnn_shapes(input_shape, pool_channels=2),
                "pooling works on each channel on its own: it halves height and width, not "
                "the channels",
            ),
        ]
        label = f"{_described(input_shape)} ({what})"
        cases.append(Case(label, (input_shape,), (seed_cnn_shapes(input_shape), mistakes)))
    return cases


def _params_cases():
    settings = [
        ((28, 28, 1), 10, "MNIST"),
        ((28, 28, 1), 2, "MNIST, yes or no"),
        ((32, 32, 3), 10, "colour images"),
        ((29, 31, 2), 3, "odd sides"),
        ((64, 48, 3), 100, "taller than wide"),
        ((18, 18, 1), 10, "the smallest input"),
        ((100, 37, 4), 7, "larger, 4 channels"),
    ]
    cases = []
    for input_shape, num_classes, what in settings:
        mistakes = [
            (
                seed_cnn_params(
                    input_shape,
                    num_classes,
                    conv=lambda k, c, f, shape: k * c * f,
                    dense=lambda inputs, units: inputs * units,
                ),
                "every filter and every Dense unit has a bias too: + 1 per filter or unit",
            ),
            (
                seed_cnn_params(input_shape, num_classes, conv=lambda k, c, f, shape: k * c * f),
                "every filter has one bias: (3 * 3 * c_in + 1) * filters",
            ),
            (
                seed_cnn_params(input_shape, num_classes, dense=lambda i, units: i * units),
                "every Dense unit has one bias: (inputs + 1) * units",
            ),
            (
                seed_cnn_params(input_shape, num_classes, conv=lambda k, c, f, s: (k + 1) * f),
                "a filter spans every input channel: 3 * 3 * c_in weights, not 3 * 3",
            ),
            (
                seed_cnn_params(input_shape, num_classes, conv=lambda k, c, f, s: (k + 1) * c * f),
                "there is one bias per filter, not one per filter and input channel",
            ),
            (
                seed_cnn_params(
                    input_shape, num_classes, conv=lambda k, c, f, s: s[0] * s[1] * (k * c + 1) * f
                ),
                "a convolution uses the same kernels at every position: its parameters do not "
                "depend on the image size",
            ),
            (
                seed_cnn_params(input_shape, num_classes, flatten_channels=False),
                "Flatten lines up height * width * 64 values: the first Dense layer has a "
                "weight for each of them, channels included",
            ),
            (
                seed_cnn_params(input_shape, 10),
                "the last Dense layer has one unit per class: num_classes, not always 10",
            ),
        ]
        label = f"{_described(input_shape, num_classes)} ({what})"
        cases.append(
            Case(
                label,
                (input_shape, num_classes),
                (seed_cnn_params(input_shape, num_classes), mistakes),
            )
        )
    return cases


def _as_items(got, count, what):
    """`got` as a list of `count` items, or None and what is wrong with it (never raises)."""
    if got is None:
        return None, "your function returned None: did you forget `return`?"
    if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__iter__"):
        return None, f"expected a list of {count} {what}, one per layer, got a {type(got).__name__}"
    try:
        items = list(got)
    except Exception as error:  # e.g. an object whose __iter__ raises
        return None, (
            f"your answer, a {type(got).__name__}, cannot be read as a list "
            f"({type(error).__name__}: {error}); return a list of {count} {what}"
        )
    if len(items) != count:
        return None, (
            f"expected {count} {what}, one per layer after the input ({', '.join(LAYERS)}), "
            f"got {len(items)}"
        )
    return items, None


def _as_shape(item):
    """One output shape as a tuple of ints (an int is a 1D shape), or None."""
    try:
        values = np.atleast_1d(np.asarray(item))
    except Exception:  # noqa: BLE001 - an answer that cannot be read is simply wrong
        return None
    if values.ndim != 1 or values.size == 0 or values.dtype.kind not in "iuf":
        return None
    if values.dtype.kind == "f" and not np.all(values % 1 == 0):
        return None
    return tuple(int(value) for value in values)


def _explain(got, mistakes, problem):
    for wrong, explanation in mistakes:
        if got == wrong:
            return f"{problem}: {explanation}"
    return problem


def _compare_shapes(got, expected):
    value, mistakes = expected
    items, problem = _as_items(got, len(value), "shapes")
    if problem:
        return problem
    shapes = [_as_shape(item) for item in items]
    for index, (shape, item) in enumerate(zip(shapes, items)):
        if isinstance(item, (tuple, list)) and len(item) > 1 and item[0] is None:
            return (
                "give the shape of one image's output, without the batch axis: e.g. "
                f"{value[index]}, not (None, *{value[index]})"
            )
        if shape is None:
            return (
                f"layer {index + 1}, {LAYERS[index]}: expected a shape such as {value[index]}, "
                f"got {item!r:.60}"
            )
    for index, (shape, right) in enumerate(zip(shapes, value)):
        if shape != right:
            problem = f"layer {index + 1}, {LAYERS[index]}: expected {right}, got {shape}"
            return _explain(shapes, mistakes, problem)
    return None


def _compare_params(got, expected):
    value, mistakes = expected
    items, problem = _as_items(got, len(value), "parameter counts")
    if problem:
        return problem
    counts = []
    for index, item in enumerate(items):
        number = _as_shape(item)
        if number is None or len(number) != 1:
            return (
                f"layer {index + 1}, {LAYERS[index]}: expected one whole number, got {item!r:.60}"
            )
        counts.append(number[0])
    for index, (count, right) in enumerate(zip(counts, value)):
        if count != right:
            problem = f"layer {index + 1}, {LAYERS[index]}: expected {right:,}, got {count:,}"
            return _explain(counts, mistakes, problem)
    return None


def check_output_shapes(fn):
    """Checks `fn(input_shape)`: the seed CNN's output shape after each of its 8 layers.

    `input_shape` is `(height, width, channels)` of one image; the answer is a
    list of 8 shapes without the batch axis, e.g. `[(26, 26, 32), ...,
    (576,), (64,), (10,)]` for MNIST (a 1D shape may be given as an int). The
    cases have odd sides, height unlike width and several channels.

    Returns:
        True when `fn` gives the shapes Keras builds on every case, else False.

    >>> check_output_shapes(seed_cnn_shapes)
    ✓ Exercise 4.1 (output shapes): correct on all 7 cases.
    True
    """
    return run_checks("output_shapes", fn, _shape_cases(), _compare_shapes)


def check_layer_params(fn):
    """Checks `fn(input_shape, num_classes)`: the parameters of each of the seed CNN's 8 layers.

    Returns:
        True when `fn` gives Keras' `layer.count_params()` for every layer on
        every case, else False.

    >>> check_layer_params(seed_cnn_params)
    ✓ Exercise 4.2 (parameters per layer): correct on all 7 cases.
    True
    """
    return run_checks("layer_params", fn, _params_cases(), _compare_params)


def _confusion_cases():
    rng = np.random.default_rng(11)
    cases = []

    def add(label, matrix, count, hint=""):
        cases.append(Case(label, (matrix, count), None, hint=hint))

    labels = rng.integers(0, 10, size=2_000)
    wrong = rng.random(2_000) < 0.05
    predictions = np.where(wrong, rng.integers(0, 10, size=2_000), labels)
    add("a 10-class matrix of 2,000 predictions, count=3", _matrix(labels, predictions, 10), 3)
    add("a 3x3 matrix, count=2", np.array([[50, 7, 1], [2, 40, 9], [0, 3, 61]]), 2)
    seven = rng.integers(0, 6, size=(7, 7)) + np.diag(rng.integers(100, 200, size=7))
    add("a 7x7 matrix with equal counts, count=5", seven, 5)
    scales = np.diag(rng.integers(4_000, 6_000, size=5)) + rng.integers(0, 40, size=(5, 5))
    add("a 5x5 matrix, thousands on the diagonal and tens off it, count=4", scales, 4)
    add(
        "perfect predictions (nothing off the diagonal), count=3",
        np.diag([30, 25, 41, 18]),
        3,
        hint="with no mistakes there is nothing to return: an empty list.",
    )
    one = np.diag([9, 8, 7])
    one[2, 0] = 4
    add(
        "a single mistake, count=3",
        one,
        3,
        hint="return only mistakes that happen (a count above 0), so here one pair.",
    )
    add("count=10 on a 3x3 matrix", np.array([[5, 1, 2], [0, 6, 3], [4, 0, 7]]), 10)
    for case in cases:
        matrix, count = case.args
        case.expected = (matrix, count, reference.most_confused(matrix, count=count))
    return cases


def _matrix(labels, predictions, num_classes):
    return reference.confusion_matrix(labels, predictions, num_classes=num_classes)


def _as_pairs(got):
    """`got` as a list of `(true, predicted)` int pairs, or None and what is wrong."""
    if got is None:
        return None, "your function returned None: did you forget `return`?"
    try:
        items = list(got)
    except Exception as error:  # not a sequence, or one that cannot be read
        return None, (
            f"expected a list of (true, predicted) pairs, got a {type(got).__name__} "
            f"({type(error).__name__}: {error})"
        )
    pairs = []
    for item in items:
        try:
            values = np.asarray(item)
        except Exception:  # noqa: BLE001 - an answer that cannot be read is simply wrong
            values = None
        if values is None or values.shape != (2,) or values.dtype.kind not in "iu":
            flat = values is not None and values.ndim == 0 and values.dtype.kind in "iu"
            advice = (
                ": that looks like a flat index; np.unravel_index(index, matrix.shape) gives "
                "(row, column)"
                if flat
                else ""
            )
            return (
                None,
                f"each mistake is a pair of ints (true, predicted), got {item!r:.40}{advice}",
            )
        pairs.append((int(values[0]), int(values[1])))
    return pairs, None


def _compare_confusions(got, expected):
    matrix, count, right = expected
    pairs, problem = _as_pairs(got)
    if problem:
        return problem
    size = len(matrix)
    for true, predicted in pairs:
        if not (0 <= true < size and 0 <= predicted < size):
            return f"({true}, {predicted}) is not a cell of a {size}x{size} matrix"
    padded = [pair for pair in pairs if pair[0] == pair[1] or matrix[pair] == 0]
    if len(right) < count and len(pairs) > len(right) and padded:
        return (
            f"only {len(right)} different mistakes occur here, but you returned {len(pairs)} "
            f"pairs, among them {padded[0]}: return only off-diagonal cells whose count is "
            "above 0, fewer than `count` when fewer occur"
        )
    diagonal = [pair for pair in pairs if pair[0] == pair[1]]
    if diagonal:
        return (
            f"{diagonal[0]} is on the diagonal, which holds the right answers: leave the "
            "diagonal out (np.fill_diagonal(mistakes, 0) on a copy)"
        )
    if len(set(pairs)) != len(pairs):
        return f"a pair appears twice in {pairs}"
    counts = [int(matrix[pair]) for pair in pairs]
    expected_counts = [int(matrix[pair]) for pair in right]
    if counts == expected_counts:
        return None  # the same counts: pairs with equal counts may come in any order
    shown = f"expected {right} (counts {expected_counts}), got {pairs} (counts {counts})"
    if right and sorted(pairs) == sorted((predicted, true) for true, predicted in right):
        return (
            f"{shown}: the rows are the true classes and the columns the predictions, so "
            "the cell (row, column) is the pair (true, predicted)"
        )
    never = [pair for pair in pairs if matrix[pair] == 0]
    if never:
        return f"{never[0]} never happens (its count is 0): return only mistakes that occur"
    if sorted(counts) == sorted(expected_counts):
        return f"{shown}: put the largest count first"
    if len(counts) < len(expected_counts):
        return f"{shown}: give `count` pairs (fewer only when fewer mistakes occur)"
    if len(counts) > len(expected_counts):
        return f"{shown}: give at most `count` pairs"
    return f"{shown}: take the off-diagonal cells with the largest counts"


def check_most_confused(fn):
    """Checks `fn(matrix, count)`: the `count` most frequent mistakes of a confusion matrix.

    The answer is a list of `(true, predicted)` pairs, largest count first,
    without the diagonal and without cells that never occur; equal counts may
    come in any order. The function must not change `matrix`.

    Returns:
        True when `fn` matches `classification.most_confused` on every case,
        else False.

    >>> check_most_confused(reference.most_confused)
    ✓ Exercise 4.3 (most frequent mistakes): correct on all 7 cases.
    True
    """
    return run_checks("most_confused", fn, _confusion_cases(), _compare_confusions)

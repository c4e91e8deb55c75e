"""Notebook 05's exercises: the IoU and the Dice coefficient of one class, the U-Net's block."""

import dataclasses

import numpy as np

from course_utils import config, segmentation
from course_utils.exercises.core import (
    Case,
    compare_arrays,
    compare_scalar,
    register,
    run_checks,
)

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


register(
    "conv_block",
    hint="""
        The block is one round of three layers, done twice (a loop over index 1
        and 2): a Conv2D with `filters` 3x3 kernels, padding="same" and
        use_bias=False, then BatchNormalization(momentum=0.9), then ReLU(). A
        layer is made, then called on the tensor the previous layer returned:
        x = layers.ReLU(name=...)(x). Name the layers f"{name}_conv{index}",
        f"{name}_bn{index}" and f"{name}_relu{index}", and return the last x.
    """,
    solution="""
        def my_conv_block(x, filters, name):
            for index in (1, 2):
                x = layers.Conv2D(
                    filters, 3, padding="same", use_bias=False, name=f"{name}_conv{index}"
                )(x)
                x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn{index}")(x)
                x = layers.ReLU(name=f"{name}_relu{index}")(x)
            return x
    """,
)

# (input shape, filters, name): odd sizes, several channels, filters unlike the channels.
_BLOCK_SETTINGS = (((9, 7, 3), 5, "block"), ((16, 16, 1), 16, "encoder0"), ((6, 13, 4), 3, "up2"))
_BN_EPSILON = 1e-3  # Keras' default

# What a layer whose text differs from the reference's most likely means.
_LAYER_ADVICE = (
    ("use_bias=False", "the batch normalization right after adds its own β, so no bias"),
    ("padding='same'", 'padding="same" keeps the height and width'),
    ("momentum=0.9", "the U-Net's batch normalization has momentum=0.9 (Keras' default: 0.99)"),
)


def _keras():
    import keras  # imported here: importing the exercises stays fast

    return keras


def _block_layer_text(layer):
    """A layer as it would be written, e.g. `Conv2D(5, 3, padding='same', use_bias=False)`."""
    kind = type(layer).__name__
    if kind == "Activation" and getattr(layer.activation, "__name__", "") == "relu":
        return "ReLU()"
    options = []
    if kind == "Conv2D":
        kernel_size = tuple(layer.kernel_size)
        square = len(set(kernel_size)) == 1
        options = [str(layer.filters), str(kernel_size[0] if square else kernel_size)]
        if tuple(layer.strides) != (1, 1):
            options.append(f"strides={tuple(layer.strides)}")
        options.append(f"padding={layer.padding!r}")
        options.append(f"use_bias={bool(layer.use_bias)}")
        activation = getattr(layer.activation, "__name__", "linear")
        if activation != "linear":
            options.append(f"activation={activation!r}")
    elif kind == "BatchNormalization":
        options = [f"momentum={float(layer.momentum):g}"]
        if layer.axis not in (-1, len(layer.input.shape) - 1):
            options.append(f"axis={layer.axis}")
        if not np.isclose(float(layer.epsilon), _BN_EPSILON):
            options.append(f"epsilon={float(layer.epsilon):g}")
        options += [f"{flag}=False" for flag in ("center", "scale") if not getattr(layer, flag)]
    elif kind == "ReLU":
        for setting, default in (("max_value", None), ("negative_slope", 0.0), ("threshold", 0.0)):
            value = getattr(layer, setting, default)
            value = None if value is None else float(np.asarray(value))
            if value != default:
                options.append(f"{setting}={value:g}")
    return f"{kind}({', '.join(options)})"


def _compare_block_layers(got, expected):
    for index, (text, reference) in enumerate(zip(got, expected), 1):
        if text != reference:
            advice = [
                fix for option, fix in _LAYER_ADVICE if option in reference and option not in text
            ]
            if "activation='relu'" in text:
                advice = ["the ReLU comes after the batch normalization, as a layer of its own"]
            elif _kind(text) == "Conv2D" and text.split(",")[0] != reference.split(",")[0]:
                advice = ["both convolutions have `filters` kernels"]
            elif _kind(text) != _kind(reference):
                advice = ["each convolution is followed by batch normalization, then a ReLU"]
            reason = f"; {advice[0]}" if advice else ""
            return f"layer {index}: expected {reference}, got {text}{reason}"
    if len(got) != len(expected):
        return (
            f"the block has {len(got)} layers, the U-Net's has {len(expected)}: twice "
            "Conv2D -> BatchNormalization -> ReLU"
        )
    return None


def _kind(text):
    return text.split("(", 1)[0]


def _randomize(layer, rng):
    """Random weights and moving statistics for one layer of the reference block."""
    weights = []
    for weight in layer.get_weights():
        weights.append(rng.normal(0.0, 0.3, size=weight.shape).astype("float32"))
    if type(layer).__name__ == "BatchNormalization":  # gamma, beta, moving mean, variance
        weights[0] = rng.uniform(0.5, 1.5, size=weights[0].shape).astype("float32")
        weights[3] = rng.uniform(0.5, 2.0, size=weights[3].shape).astype("float32")
    return weights


def _compare_block(got, expected):
    keras = _keras()
    inputs, shape, filters, name = expected
    if got is None:
        return "your function returned None: end it with `return x`"
    if got is inputs:
        return "your function returned its input unchanged: return the last layer's output"
    if not isinstance(got, keras.KerasTensor):
        return (
            f"expected the block's output tensor, got a {type(got).__name__}: call each layer "
            "on the tensor the previous one returned, x = layer(x), and return x"
        )
    try:
        model = keras.Model(inputs, got)
    except Exception as error:  # two layers of one name, or an output that is not from `x`
        if "unique" in str(error):
            return (
                "two of your layers have the same name, and a model's layer names must be "
                'unique: put the index in each name, e.g. name=f"{name}_conv{index}"'
            )
        return (
            f"the tensor you returned is not computed from `x` ({type(error).__name__}); start "
            "from the `x` your function receives"
        )
    reference_inputs = keras.Input(shape=shape)
    reference = keras.Model(
        reference_inputs, segmentation.conv_block(reference_inputs, filters, name)
    )
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    expected_layers = reference.layers[1:]
    problem = _compare_block_layers(
        [_block_layer_text(layer) for layer in layers],
        [_block_layer_text(layer) for layer in expected_layers],
    )
    if problem:
        return problem
    for index, (layer, expected_layer) in enumerate(zip(layers, expected_layers), 1):
        if layer.name != expected_layer.name:
            return (
                f"layer {index} is named {layer.name!r}; name it {expected_layer.name!r} "
                f'(name=f"{{name}}_{expected_layer.name[len(name) + 1 : -1]}{{index}}"): a '
                "model's layer names must be unique, and the U-Net has seven blocks"
            )
    rng = np.random.default_rng(len(name))
    for layer, expected_layer in zip(layers, expected_layers):
        weights = _randomize(expected_layer, rng)
        expected_layer.set_weights(weights)
        layer.set_weights(weights)
    images = rng.normal(0.0, 2.0, size=(2, *shape)).astype("float32")
    outputs = keras.ops.convert_to_numpy(model(images, training=False))
    wanted = keras.ops.convert_to_numpy(reference(images, training=False))
    problem = compare_arrays(outputs, wanted, atol=1e-4, rtol=1e-4)
    if problem:
        return f"with the same weights, the block computes other values: {problem}"
    return None


def _guarded_block_compare(got, expected):
    try:
        return _compare_block(got, expected)
    except Exception as error:  # an answer the checker cannot inspect
        return (
            f"your block could not be inspected ({type(error).__name__}: {error}); return "
            "the output tensor of its last layer"
        )


def _block_cases():
    keras = _keras()
    cases = []
    for shape, filters, name in _BLOCK_SETTINGS:
        inputs = keras.Input(shape=shape)
        label = (
            f"a {shape[0]}x{shape[1]} input with {shape[2]} channel{'s' * (shape[2] > 1)}, "
            f"filters={filters}, name={name!r}"
        )
        cases.append(Case(label, (inputs, filters, name), (inputs, shape, filters, name)))
    return cases


def check_conv_block(fn):
    """Checks `fn(x, filters, name)`: the U-Net's block, as `segmentation.conv_block`.

    The checker calls `fn` on a `keras.Input` of odd sizes and several
    channels, and compares the layers it adds (type, settings and names)
    with the reference's; then it gives both blocks the same random weights
    and moving statistics and compares what they compute. It runs inside
    `config.seeded(0)`, so the caller's random numbers are the same afterwards.

    Args:
        fn: the learner's function; it receives a Keras tensor `x`, a number
            of filters and a name, and returns the block's output tensor.

    Returns:
        True when `fn` builds the reference block on every case, else False.

    >>> check_conv_block(segmentation.conv_block)
    ✓ Exercise 5.3 (the U-Net's block): correct on all 3 cases.
    True
    """
    with config.seeded(0):
        cases = _block_cases() if callable(fn) else []
        return run_checks("conv_block", fn, cases, _guarded_block_compare)

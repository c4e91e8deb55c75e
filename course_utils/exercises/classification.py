"""Notebook 04's exercises: a Conv2D layer's parameters, a confusion matrix, the seed CNN."""

import numpy as np

from course_utils import checks, config, convolution, curriculum
from course_utils import classification as reference
from course_utils.exercises.core import Case, compare_arrays, compare_scalar, register, run_checks

register(
    "conv_params",
    hint="""
        A Conv2D layer has `filters` kernels. Each kernel covers a kh x kw window
        of every input channel, so it has kh * kw * in_channels weights, plus
        one bias. When kernel_size is an int k, the window is k x k; when it is
        a tuple, unpack it: kh, kw = kernel_size.
    """,
    solution="""
        def my_conv_params(kernel_size, in_channels, filters):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            kh, kw = kernel_size
            return (kh * kw * in_channels + 1) * filters
    """,
)

register(
    "confusion_matrix",
    hint="""
        Start from np.zeros((num_classes, num_classes), dtype=int). For every
        example, add 1 to the cell in the row of its true label and the column
        of its prediction: matrix[label, prediction] += 1. The size comes from
        num_classes, not from the largest label seen: a class may be missing.
    """,
    solution="""
        def my_confusion_matrix(labels, predictions, num_classes):
            matrix = np.zeros((num_classes, num_classes), dtype=int)
            for label, prediction in zip(labels, predictions):
                matrix[label, prediction] += 1
            return matrix
    """,
)


def _conv_params_cases():
    settings = [
        (3, 1, 32, "the seed CNN's first layer"),
        (3, 32, 64, "the seed CNN's second layer"),
        ((3, 5), 3, 8, "a 3x5 kernel on 3 channels"),
        ((5, 3), 7, 13, "a 5x3 kernel on 7 channels"),
        ((1, 1), 16, 4, "a 1x1 kernel"),
        (5, 3, 1, "a single filter"),
        (4, 6, 5, "an even kernel size"),
        ((7, 2), 1, 9, "a 7x2 kernel on one channel"),
    ]
    cases = []
    for kernel_size, in_channels, filters, what in settings:
        kh, kw = (kernel_size,) * 2 if checks.is_integer(kernel_size) else kernel_size
        value = convolution.count_conv2d_params(kernel_size, in_channels, filters)
        mistakes = [
            (kh * kw * in_channels * filters, "you left out the bias: one per filter"),
            (
                (kh * kw + 1) * filters,
                "each kernel spans every input channel: multiply the window by in_channels",
            ),
            (
                (kh * kw + 1) * in_channels * filters,
                "there is one bias per filter, not one per filter and input channel",
            ),
            (
                (kh * kh * in_channels + 1) * filters,
                "the window is kh x kw: use both sides of the kernel",
            ),
            (
                (kh * kw * in_channels + 1) * filters + in_channels,
                "there is nothing per input channel outside the kernels: drop the extra term",
            ),
        ]
        label = (
            f"kernel_size={kernel_size!r}, in_channels={in_channels}, filters={filters} ({what})"
        )
        cases.append(Case(label, (kernel_size, in_channels, filters), (value, mistakes)))
    return cases


def _compare_count(got, expected):
    value, mistakes = expected
    problem = compare_scalar(got, value, atol=1e-9, rtol=0)
    if problem is None:
        return None
    for wrong, explanation in mistakes:
        if wrong != value and compare_scalar(got, wrong, atol=1e-9, rtol=0) is None:
            return f"{problem}: {explanation}"
    return problem


def check_conv_params(fn):
    """Checks `fn(kernel_size, in_channels, filters)`: parameters of a Conv2D with bias.

    Returns:
        True when `fn` gives `(kh * kw * in_channels + 1) * filters` on every
        case, else False.

    >>> def count(kernel_size, in_channels, filters):
    ...     kh, kw = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    ...     return (kh * kw * in_channels + 1) * filters
    >>> check_conv_params(count)
    ✓ Exercise 4.2 (Conv2D parameters): correct on all 8 cases.
    True
    """
    return run_checks("conv_params", fn, _conv_params_cases(), _compare_count)


def _confusion_cases():
    rng = np.random.default_rng(5)
    cases = []
    for n, k in [(50, 4), (37, 3), (120, 10)]:
        labels = rng.integers(0, k, size=n)
        predictions = np.where(rng.random(n) < 0.6, labels, rng.integers(0, k, size=n))
        cases.append(
            Case(f"{n} random labels and predictions, {k} classes", (labels, predictions, k), None)
        )
    labels = rng.integers(0, 7, size=40)  # classes 7, 8, 9 never occur
    predictions = np.where(rng.random(40) < 0.5, labels, rng.integers(0, 7, size=40))
    cases.append(
        Case(
            "10 classes of which 7, 8 and 9 never occur",
            (labels, predictions, 10),
            None,
            hint="the matrix is num_classes x num_classes even when some classes are missing.",
        )
    )
    labels = rng.integers(0, 5, size=30).astype(np.uint8)
    cases.append(Case("perfect predictions (uint8 labels)", (labels, labels.copy(), 5), None))
    cases.append(Case("one example", (np.array([2]), np.array([0]), 3), None))
    for case in cases:
        labels, predictions, k = case.args
        case.expected = reference.confusion_matrix(labels, predictions, num_classes=k)
    return cases


def _compare_matrix(got, expected):
    problem = compare_arrays(got, expected, atol=0, rtol=0)
    if problem is None:
        return None
    try:
        array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return problem
    if array.shape == expected.shape and not np.array_equal(expected, expected.T):
        if np.array_equal(array, expected.T):
            return (
                f"{problem}: rows are the true labels and columns the predictions, not the "
                "other way round"
            )
        if np.allclose(array, expected / np.maximum(expected.sum(axis=1, keepdims=True), 1)):
            return f"{problem}: return the counts, not fractions of each row"
    return problem


def check_confusion_matrix(fn):
    """Checks `fn(labels, predictions, num_classes)`: counts of (true, predicted) pairs.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> def count(labels, predictions, num_classes):
    ...     matrix = np.zeros((num_classes, num_classes), dtype=int)
    ...     np.add.at(matrix, (labels, predictions), 1)
    ...     return matrix
    >>> check_confusion_matrix(count)
    ✓ Exercise 4.3 (confusion matrix): correct on all 6 cases.
    True
    """
    return run_checks("confusion_matrix", fn, _confusion_cases(), _compare_matrix)


register(
    "seed_cnn",
    hint="""
        Start a keras.Sequential with keras.Input(shape=(28, 28, 1)), so that
        Keras knows every layer's output shape, then the document's layers in
        order: Conv2D(32, (3, 3), activation="relu"), MaxPooling2D((2, 2)),
        Conv2D(64, (3, 3), activation="relu"), MaxPooling2D((2, 2)),
        Conv2D(64, (3, 3), activation="relu"), Flatten(),
        Dense(64, activation="relu") and Dense(10, activation="softmax").
        Then model.compile(optimizer="adam",
        loss="sparse_categorical_crossentropy", metrics=["accuracy"]), and
        return the model.
    """,
    solution="""
        def my_seed_cnn():
            model = keras.Sequential(
                [
                    keras.Input(shape=(28, 28, 1)),
                    keras.layers.Conv2D(32, (3, 3), activation="relu"),
                    keras.layers.MaxPooling2D((2, 2)),
                    keras.layers.Conv2D(64, (3, 3), activation="relu"),
                    keras.layers.MaxPooling2D((2, 2)),
                    keras.layers.Conv2D(64, (3, 3), activation="relu"),
                    keras.layers.Flatten(),
                    keras.layers.Dense(64, activation="relu"),
                    keras.layers.Dense(10, activation="softmax"),
                ]
            )
            model.compile(
                optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
            )
            return model
    """,
)

_INPUT_FIX = (
    "start the model with keras.Input(shape=(28, 28, 1)) (a batch of 28x28 images with one channel)"
)
_COMPILE_FIX = (
    'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", '
    'metrics=["accuracy"]) before returning the model'
)


def _layer_text(layer):
    """A layer as it would be written, e.g. `Conv2D(32, (3, 3), activation='relu')`."""
    kind = type(layer).__name__
    activation = getattr(getattr(layer, "activation", None), "__name__", "linear")
    options = [] if activation == "linear" else [f"activation={activation!r}"]
    if kind == "Conv2D":
        arguments = [str(layer.filters), str(tuple(layer.kernel_size))]
        if tuple(layer.strides) != (1, 1):
            options.insert(0, f"strides={tuple(layer.strides)}")
    elif kind in ("MaxPooling2D", "AveragePooling2D"):
        arguments = [str(tuple(layer.pool_size))]
        if tuple(layer.strides) != tuple(layer.pool_size):
            options.insert(0, f"strides={tuple(layer.strides)}")
    elif kind == "Dense":
        arguments = [str(layer.units)]
    else:
        arguments = []
    if getattr(layer, "padding", "valid") != "valid":
        options.insert(0, f"padding={layer.padding!r}")
    if getattr(layer, "use_bias", True) is False:
        options.append("use_bias=False")
    return f"{kind}({', '.join(arguments + options)})"


def _layers(model):
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def _describe(model):
    """What the checker compares, each aspect as text a learner can read."""
    if model is None:
        return None
    if not isinstance(model, _keras().Model):
        return type(model).__name__
    layers = _layers(model)
    built = bool(getattr(model, "built", False))
    try:
        shapes = [tuple(layer.output.shape[1:]) for layer in layers] if built else None
        input_shape = tuple(model.inputs[0].shape[1:]) if built else None
        params = model.count_params() if built else None
    except (AttributeError, ValueError):  # a layer that was never called on an input
        shapes = input_shape = params = None
    compiled = bool(getattr(model, "compiled", False))
    return {
        "layers": [_layer_text(layer) for layer in layers],
        "input": input_shape,
        "shapes": shapes,
        "params": params,
        "compiled": compiled,
        "loss": _loss_text(getattr(model, "loss", None)) if compiled else None,
        "optimizer": _optimizer_text(getattr(model, "optimizer", None)) if compiled else None,
    }


def _loss_text(loss):
    if isinstance(loss, str):
        return loss.lower()
    if loss is None:
        return "no loss"
    name = getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)
    get_config = getattr(loss, "get_config", None)
    settings = get_config() if callable(get_config) else {}
    if isinstance(settings, dict) and settings.get("from_logits"):
        name += " with from_logits=True"
    return name


def _optimizer_text(optimizer):
    if optimizer is None:
        return "no optimizer"
    name = type(optimizer).__name__
    try:
        rate = float(optimizer.learning_rate)
    except (AttributeError, TypeError, ValueError):
        return name
    return name if np.isclose(rate, 0.001) else f"{name} with learning rate {rate:g}"


def _keras():
    import keras  # imported here: importing the exercises stays fast

    return keras


def _seed_cnn_compare(got, expected):
    aspect, reference = expected
    model = _describe(got)
    if model is None:
        return "your function returned None: end it with `return model`"
    if not isinstance(model, dict):
        return f"expected a keras.Model, got a {model}"
    if aspect == "layers":
        return _compare_layers(model["layers"], reference["layers"])
    if model["shapes"] is None:
        return f"the model has no input shape, so Keras cannot tell its output shapes: {_INPUT_FIX}"
    if aspect == "shapes":
        if model["input"] != reference["input"]:
            return (
                f"expected the input shape {reference['input']}, got {model['input']}: {_INPUT_FIX}"
            )
        for index, (text, got_shape, shape) in enumerate(
            zip(model["layers"], model["shapes"], reference["shapes"]), 1
        ):
            if got_shape != shape:
                return f"layer {index}, {text}, gives the output shape {got_shape}; the document's gives {shape}"
        return None
    if aspect == "params":
        if model["params"] != reference["params"]:
            return f"expected {reference['params']:,} parameters, got {model['params']:,}"
        return None
    if not model["compiled"]:
        return f"the model is not compiled: call {_COMPILE_FIX}"
    for key, what in (("loss", "the loss"), ("optimizer", "the optimizer")):
        if model[key] != reference[key]:
            return (
                f"{what} is {model[key]}; the document's is {reference[key]}. Call {_COMPILE_FIX}"
            )
    return None


def _compare_layers(layers, reference):
    count = (
        ""
        if len(layers) == len(reference)
        else f" (your model has {len(layers)} layers after the input, the document's {len(reference)})"
    )
    for index, (got, expected) in enumerate(zip(layers, reference), 1):
        if got != expected:
            return f"layer {index}: expected {expected}, got {got}{count}"
    if len(layers) < len(reference):
        return f"layer {len(layers) + 1}: expected {reference[len(layers)]}, got nothing{count}"
    if len(layers) > len(reference):
        return f"layer {len(reference) + 1}: expected nothing, got {layers[len(reference)]}{count}"
    return None


def _seed_cnn_cases():
    with config.seeded(0):
        expected = _describe(reference.build_seed_cnn())
    aspects = [
        ("layers", "the model's layers (types, filters, kernel sizes, activations)"),
        ("shapes", "the model's output shapes on 28x28x1 images"),
        ("params", f"the model's parameter count ({expected['params']:,} in the document)"),
        ("compile", "the model's compilation (loss and optimizer)"),
    ]
    return [Case(label, (), (aspect, expected)) for aspect, label in aspects]


def check_seed_cnn(build_fn):
    """Checks `build_fn()`: it returns the document's CNN, compiled as the document does.

    `build_fn` takes no arguments and returns a compiled `keras.Model`:
    Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) -> Conv2D(64, 3x3, relu) ->
    MaxPooling2D(2x2) -> Conv2D(64, 3x3, relu) -> Flatten -> Dense(64, relu) ->
    Dense(10, softmax) on 28x28x1 images, with `optimizer="adam"` and
    `loss="sparse_categorical_crossentropy"`. The checker compares the layers
    (types, filters, kernel sizes, activations), every output shape, the
    parameter count (93,322), the loss and the optimizer with
    `classification.build_seed_cnn()`, and names the first difference. It
    calls `build_fn` once, inside `config.seeded`, so the caller's random
    numbers are the same afterwards.

    Returns:
        True when the model is the document's, else False (with the reason printed).

    >>> from course_utils import classification
    >>> check_seed_cnn(classification.build_seed_cnn)
    ✓ Exercise 4.1 (the document's CNN): correct on all 4 cases.
    True
    """
    if isinstance(build_fn, _keras().Model):  # a model is callable: say what went wrong
        print(
            f"✗ {curriculum.exercise_title('seed_cnn')}: expected a function, received a "
            f"{type(build_fn).__name__} (a model). Pass the function itself, without calling "
            "it: check_seed_cnn(my_seed_cnn)."
        )
        return False
    fn = _built_once(build_fn) if callable(build_fn) else build_fn
    return run_checks("seed_cnn", fn, _seed_cnn_cases(), _readable(_seed_cnn_compare))


def _built_once(build_fn):
    """`build_fn`, called once inside `config.seeded(0)`; later calls return the same model."""
    models = []

    def build():
        if not models:
            with config.seeded(0):
                models.append(build_fn())
        return models[0]

    return build


def _readable(compare):
    """`compare`, answering with a message when the answer cannot be inspected."""

    def guarded(got, expected):
        try:
            return compare(got, expected)
        except Exception as error:  # e.g. a model whose layers cannot be read
            return (
                f"your model could not be inspected ({type(error).__name__}: {error}); return "
                "the keras.Model itself"
            )

    return guarded

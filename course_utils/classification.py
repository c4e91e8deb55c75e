"""The seed CNN image classifier, and the tools to judge a classifier.

    model = build_seed_cnn()                       # the document's model, compiled
    model.fit(train_images, train_labels, epochs=5)
    matrix = confusion_matrix(test_labels, model.predict(test_images).argmax(axis=1))
    plot_confusion_matrix(matrix)

The trained model is saved to `build/models/seed_cnn.keras` by notebook 04;
later notebooks (GAN, VAE) get it back with `load_or_train_seed_cnn()` to
measure the digits they generate.
"""

import dataclasses
import math
import pathlib
import time

import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np

from course_utils import config, data, plotting
from course_utils.softmax import _class_names, check_input_shape, check_labels, check_num_classes

SEED_CNN_PARAMS = 93_322  # the seed model on 28x28x1 images and 10 classes
SEED_CNN_NAME = "seed_cnn"
_SMALLEST_SIDE = 18  # three 3x3 convolutions and two 2x2 poolings need 18 pixels


def build_seed_cnn(input_shape=(28, 28, 1), num_classes=10):
    """Builds and compiles the course's seed CNN, exactly as the document gives it.

    Conv2D(32, 3x3, relu) -> MaxPooling2D(2x2) -> Conv2D(64, 3x3, relu) ->
    MaxPooling2D(2x2) -> Conv2D(64, 3x3, relu) -> Flatten -> Dense(64, relu) ->
    Dense(num_classes, softmax), compiled with `optimizer="adam"`,
    `loss="sparse_categorical_crossentropy"` and `metrics=["accuracy"]`.
    The document passes `input_shape` to the first layer; Keras 3 prefers a
    `keras.Input`, which gives the same model without a warning.

    Args:
        input_shape: `(height, width, channels)` of one image; both sides at
            least 18 pixels.
        num_classes: number of classes, at least 2.

    Returns:
        A compiled `keras.Sequential` (93,322 parameters on MNIST).

    Raises:
        ValueError: if `input_shape` is not `(height, width, channels)` with
            sides of at least 18, or `num_classes` is below 2.

    >>> build_seed_cnn().count_params()
    93322
    """
    shape = _check_image_shape(input_shape)
    num_classes = check_num_classes(num_classes)
    import keras  # imported here: importing this module should stay fast
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input(shape=shape),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="seed_cnn",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def count_conv2d_params(kernel_size, in_channels, filters):
    """Number of parameters of a `Conv2D` layer with a bias.

    Each of the `filters` kernels has `kh * kw * in_channels` weights (it sees
    every input channel) plus one bias: `(kh * kw * in_channels + 1) * filters`.

    Args:
        kernel_size: an int for a square kernel, or a `(kh, kw)` tuple.
        in_channels: channels of the layer's input (1 for grayscale).
        filters: number of kernels, the channels of the output.

    Returns:
        The count, an int.

    Raises:
        ValueError: if any size is not a positive integer.

    >>> count_conv2d_params(3, 1, 32), count_conv2d_params((3, 3), 32, 64)
    (320, 18496)
    """
    if isinstance(kernel_size, (int, np.integer)) and not isinstance(kernel_size, bool):
        kernel_size = (kernel_size, kernel_size)
    try:
        kh, kw = (config.positive_int(size, "kernel_size") for size in kernel_size)
        in_channels = config.positive_int(in_channels, "in_channels")
        filters = config.positive_int(filters, "filters")
    except (TypeError, ValueError):
        raise ValueError(
            "count_conv2d_params needs positive integers: kernel_size as an int or a "
            f"(kh, kw) tuple, in_channels and filters; received kernel_size={kernel_size!r}, "
            f"in_channels={in_channels!r}, filters={filters!r}. E.g. "
            "count_conv2d_params(3, 1, 32)."
        ) from None
    return (kh * kw * in_channels + 1) * filters


def layer_table(model):
    """A plain-text table of a model's layers: type, output shape, parameters.

    Unlike `model.summary()` it leaves out the layer names (which depend on
    how many models were built before), so two builds of the same architecture
    give the same text.

    Args:
        model: a built `keras.Model`.

    Returns:
        A string, one line per layer and a total line.

    Raises:
        ValueError: if `model` is not a built Keras model.

    >>> print(layer_table(build_seed_cnn()))
    Conv2D         (26, 26, 32)            320
    MaxPooling2D   (13, 13, 32)              0
    Conv2D         (11, 11, 64)         18,496
    MaxPooling2D   (5, 5, 64)                0
    Conv2D         (3, 3, 64)           36,928
    Flatten        (576,)                    0
    Dense          (64,)                36,928
    Dense          (10,)                   650
    total                               93,322
    """
    layers = getattr(model, "layers", None)
    if layers is None or not getattr(model, "built", False):
        raise ValueError(
            f"`model` must be a built keras.Model; received {type(model).__name__}. Build it "
            "with an input shape first (e.g. keras.Input) or call it on a batch."
        )
    rows = [(type(layer).__name__, str(tuple(layer.output.shape[1:]))) for layer in layers]
    name_width = max([15] + [len(name) + 1 for name, _ in rows])
    shape_width = max([16] + [len(shape) + 1 for _, shape in rows])
    lines = [
        f"{name:<{name_width}}{shape:<{shape_width}}{layer.count_params():>11,}"
        for (name, shape), layer in zip(rows, layers)
    ]
    lines.append(f"{'total':<{name_width + shape_width}}{model.count_params():>11,}")
    return "\n".join(lines)


def seed_cnn_path():
    """Where notebook 04 saves the trained seed CNN: `build/models/seed_cnn.keras`
    (`seed_cnn.fast.keras` in the fast profile; see `config.model_path`)."""
    return config.model_path(SEED_CNN_NAME)


def save_seed_cnn(model, path=None, **facts):
    """Saves a trained seed CNN, with a JSON note of how it was trained.

    Args:
        model: the trained `keras.Model`.
        path: a `.keras` file; by default `seed_cnn_path()`.
        **facts: numbers worth keeping with the model, e.g.
            `test_accuracy=0.991, epochs=5, train_images=60000`.

    Returns:
        The path of the saved model. The note is next to it, with `.json`.

    Raises:
        ValueError: if `path` does not end in `.keras` or a fact is not a number.
    """
    path = _model_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    config.write_model_note(path, **facts)  # first: it checks the facts
    model.save(path)
    print(f"saved the model to {path}")
    return path


def load_or_train_seed_cnn(path=None, epochs=1, train_limit=None):
    """Loads the seed CNN that notebook 04 saved, or trains a quick one and says so.

    Args:
        path: a `.keras` file; by default `seed_cnn_path()`.
        epochs: epochs of the quick training when no saved model exists.
        train_limit: MNIST training images for the quick training; by default
            the current profile's `train_limit` (all 60,000 in the full profile).

    Returns:
        `(model, note)`: the compiled model and the dict saved with it
        (`profile`, `test_accuracy`, `epochs`, ...).

    Raises:
        ValueError: if `path` does not end in `.keras` or `epochs` is not a
            positive integer.
    """
    path = _model_path(path)
    epochs = config.positive_int(epochs, "epochs")
    if path.is_file():
        import keras

        model = keras.models.load_model(path)
        note = config.read_model_note(path)
        described = config.describe_model_note(note)
        print(f"loaded the seed CNN from {path}" + (f" ({described})" if described else ""))
        return model, note
    profile = config.profile()
    limit = profile.train_limit if train_limit is None else train_limit
    train_images, train_labels = data.load_mnist("train", limit=limit)
    test_images, test_labels = data.load_mnist("test", limit=profile.test_limit)
    print(
        f"No trained seed CNN at {path}: training a quick one now ({epochs} epoch(s) on "
        f"{len(train_labels):,} images). Run notebook 04 for the document's 5-epoch model."
    )
    config.set_seed(0)
    model = build_seed_cnn()
    model.fit(data.normalize_images(train_images), train_labels, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(data.normalize_images(test_images), test_labels, verbose=0)
    print(f"quick seed CNN: test accuracy {accuracy:.4f} on {len(test_labels):,} images")
    save_seed_cnn(
        model,
        path,
        test_accuracy=float(accuracy),
        epochs=epochs,
        train_images=len(train_labels),
    )
    return model, config.read_model_note(path)


def confusion_matrix(labels, predictions, num_classes=None):
    """Counts how often each true class was predicted as each class.

    `matrix[i, j]` is the number of examples of true class `i` predicted as
    class `j`: rows are the truth, columns the prediction, the diagonal holds
    the right answers. Each row sums to the number of examples of its class.

    Args:
        labels: integer array of shape `(n,)`, the true classes.
        predictions: integer array of shape `(n,)`, the predicted classes
            (`probs.argmax(axis=1)`).
        num_classes: size of the matrix; by default the largest class seen + 1.

    Returns:
        int64 NumPy array of shape `(num_classes, num_classes)`.

    Raises:
        ValueError: if labels or predictions are not integer class indices of
            the same length, or `num_classes` is below 2 or too small.

    >>> confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]))
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    """
    if num_classes is not None:
        num_classes = check_num_classes(num_classes)
    labels = check_labels(labels, num_classes=num_classes)
    predictions = check_labels(
        predictions, num_classes=num_classes, size=len(labels), name="predictions"
    )
    if num_classes is None:
        num_classes = max(2, int(max(labels.max(initial=0), predictions.max(initial=0))) + 1)
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def plot_confusion_matrix(matrix, class_names=None, title=None):
    """Draws a confusion matrix with the count in every cell.

    The mistakes (off the diagonal) are coloured on their own scale, so the
    few confusions that matter stand out instead of vanishing next to the
    thousands of right answers on the diagonal, which are shown in grey.

    Args:
        matrix: square array of counts from `confusion_matrix`.
        class_names: optional names of the classes.
        title: optional title; by default the accuracy it implies.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `matrix` is not a square array of non-negative counts.

    >>> fig = plot_confusion_matrix(np.array([[5, 1], [0, 4]]))
    >>> fig.axes[0].get_title()
    'accuracy 90.00% (9 of 10); mistakes coloured'
    """
    matrix = np.asarray(matrix)
    if (
        matrix.ndim != 2
        or matrix.shape[0] != matrix.shape[1]
        or matrix.shape[0] < 2
        or matrix.dtype.kind not in "iu"
        or matrix.min() < 0
    ):
        raise ValueError(
            "`matrix` must be a square array of non-negative integer counts, at least 2x2; "
            f"received dtype {matrix.dtype} and shape {matrix.shape}. Build it with "
            "confusion_matrix(labels, predictions)."
        )
    size = matrix.shape[0]
    names = _class_names(class_names, size)
    mistakes = matrix.astype(float)
    np.fill_diagonal(mistakes, np.nan)
    largest = max(1.0, float(np.nanmax(mistakes)))
    fig, ax = plt.subplots(figsize=(0.55 * size + 2.4, 0.5 * size + 1.6))
    ax.imshow(np.where(np.eye(size, dtype=bool), 1.0, np.nan), cmap="Greys", vmin=0, vmax=4)
    picture = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=largest)
    for i in range(size):
        for j in range(size):
            count = int(matrix[i, j])
            dark = i != j and count > 0.6 * largest
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
                fontweight="bold" if i == j else None,
            )
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xticklabels(
        names,
        rotation=0 if max(map(len, names)) <= 2 else 45,
        ha="right" if max(map(len, names)) > 2 else "center",
    )
    ax.set_yticklabels(names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    total = int(matrix.sum())
    right = int(np.trace(matrix))
    ax.set_title(
        title
        or f"accuracy {right / max(total, 1):.2%} ({right:,} of {total:,}); mistakes coloured",
        fontsize=10,
    )
    fig.colorbar(picture, ax=ax, shrink=0.8, label="mistakes (count)")
    fig.tight_layout()
    return fig


def most_confident_mistakes(probs, labels, count=16):
    """Indices of the wrong predictions the model was most sure of, surest first.

    Args:
        probs: array of shape `(n, num_classes)`, e.g. `model.predict(images)`.
        labels: integer array of shape `(n,)`, the true classes.
        count: how many to return at most.

    Returns:
        int64 NumPy array of at most `count` indices into the batch.

    Raises:
        ValueError: if the shapes do not match, `labels` are not integers or
            `count` is not a positive integer.

    >>> probs = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]])
    >>> most_confident_mistakes(probs, np.array([1, 0, 1, 1]))
    array([0, 3, 1])
    """
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.dtype.kind != "f":
        raise ValueError(
            "`probs` must be a float array of shape (n, num_classes), what model.predict "
            f"returns; received dtype {probs.dtype} and shape {probs.shape}."
        )
    labels = check_labels(labels, num_classes=probs.shape[1], size=len(probs))
    count = config.positive_int(count, "count")
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probs[wrong, predicted[wrong]]
    order = np.argsort(-confidence, kind="stable")
    return wrong[order[:count]].astype(np.int64)


def plot_confident_mistakes(images, labels, probs, count=16, class_names=None, ncols=8):
    """Shows the mistakes the model was most sure of, with truth and prediction.

    Args:
        images: array of shape `(n, height, width)` or `(n, height, width, 1)`.
        labels: integer array of shape `(n,)`, the true classes.
        probs: array of shape `(n, num_classes)`, e.g. `model.predict(images)`.
        count: how many mistakes to show at most.
        class_names: optional names of the classes.
        ncols: images per row.

    Returns:
        The matplotlib Figure (a single message panel when there is no mistake).

    Raises:
        ValueError: if the shapes do not match or `labels` are not integers.

    >>> probs = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> fig = plot_confident_mistakes(np.zeros((2, 28, 28)), np.array([1, 1]), probs)
    >>> fig.axes[0].get_title()
    'true 1\\npred 0 (90%)'
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) != len(np.asarray(labels)):
        raise ValueError(
            "`images` must have shape (n, height, width) or (n, height, width, 1) with one "
            f"image per label; received shape {images.shape} for {len(np.asarray(labels))} "
            "labels."
        )
    index = most_confident_mistakes(probs, labels, count)
    probs = np.asarray(probs, dtype=np.float64)
    names = _class_names(class_names, probs.shape[1])
    if len(index) == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        return fig
    labels = np.asarray(labels)
    captions = []
    for i in index:
        predicted = int(probs[i].argmax())
        captions.append(
            f"true {names[int(labels[i])]}\npred {names[predicted]} ({probs[i, predicted]:.0%})"
        )
    wrong = int((probs.argmax(axis=1) != labels).sum())
    fig = plotting.show_images(
        images[index],
        labels=captions,
        ncols=ncols,
        size=1.5,
        title=f"The {len(index)} most confident mistakes (of {wrong:,})",
    )
    rows = math.ceil(len(index) / max(1, min(int(ncols), len(index))))
    fig.set_figheight(fig.get_figheight() + 0.3 * rows)  # room for two-line captions
    fig.tight_layout()
    return fig


@dataclasses.dataclass
class Run:
    """What one training run of `compare_training` gave.

    Attributes:
        history: the per-epoch `History.history` dict.
        batch_losses: the training loss of every batch, in order.
        batch_size: images per batch.
        test_accuracy: accuracy on the test images after training.
        seconds: training time in seconds.
    """

    history: dict
    batch_losses: np.ndarray
    batch_size: int
    test_accuracy: float
    seconds: float


def compare_training(
    runs,
    train_images,
    train_labels,
    test_images,
    test_labels,
    epochs=1,
    batch_size=32,
    seed=0,
    build=build_seed_cnn,
):
    """Trains the same model with several optimizers or losses, on the same budget.

    Every run starts from the same initial weights and sees the same batches
    in the same order (the seed is reset before each), so the curves differ
    only by the choice being compared.

    Args:
        runs: dict from a name to the settings of a run: `{"optimizer": ...,
            "loss": ...}`; `optimizer` is a name ("adam") or a Keras optimizer
            (a fresh copy is made for the run), `loss` defaults to
            `"sparse_categorical_crossentropy"`. With
            `"categorical_crossentropy"` the labels are one-hot encoded first.
        train_images: float array `(n, height, width, channels)`, e.g. from
            `data.normalize_images`.
        train_labels: integer array `(n,)`.
        test_images, test_labels: the same for measuring accuracy afterwards.
        epochs: epochs per run.
        batch_size: images per batch.
        seed: the seed reset before each run.
        build: a function returning an uncompiled or compiled model for the
            images (it is compiled again with each run's settings).

    Returns:
        dict from each name to a `Run`.

    Raises:
        ValueError: if `runs` is empty or holds unknown settings, images are
            not 4D floats, or labels are not integer class indices.
    """
    if not isinstance(runs, dict) or not runs:
        raise ValueError(
            "`runs` must be a non-empty dict such as {'Adam': {'optimizer': 'adam'}, "
            f"'SGD': {{'optimizer': 'sgd'}}}}; received {runs!r:.80}."
        )
    for name, settings in runs.items():
        unknown = set(settings) - {"optimizer", "loss"} if isinstance(settings, dict) else None
        if unknown is None or unknown or "optimizer" not in settings:
            raise ValueError(
                f"run {name!r} must be a dict with 'optimizer' and optionally 'loss'; "
                f"received {settings!r}."
            )
    train_images = _check_model_images(train_images, "train_images")
    test_images = _check_model_images(test_images, "test_images")
    train_labels = check_labels(train_labels, size=len(train_images), name="train_labels")
    test_labels = check_labels(test_labels, size=len(test_images), name="test_labels")
    epochs = config.positive_int(epochs, "epochs")
    batch_size = config.positive_int(batch_size, "batch_size")
    import keras

    results = {}
    for name, settings in runs.items():
        config.set_seed(seed)
        model = build()
        num_classes = int(model.compute_output_shape((None, *train_images.shape[1:]))[-1])
        optimizer = settings["optimizer"]
        if isinstance(optimizer, keras.optimizers.Optimizer):
            optimizer = type(optimizer).from_config(optimizer.get_config())
        loss = settings.get("loss", "sparse_categorical_crossentropy")
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
        targets = train_labels
        if _is_one_hot_loss(loss):
            targets = keras.utils.to_categorical(train_labels, num_classes)
        recorder = _batch_loss_recorder()
        start = time.perf_counter()
        history = model.fit(
            train_images,
            targets,
            epochs=epochs,
            batch_size=batch_size,
            verbose=0,
            callbacks=[recorder],
        )
        seconds = time.perf_counter() - start
        predicted = model.predict(test_images, verbose=0).argmax(axis=1)
        accuracy = float((predicted == test_labels).mean())
        results[name] = Run(
            history.history, np.array(recorder.losses), batch_size, accuracy, seconds
        )
        print(
            f"{name:<24} final training loss {history.history['loss'][-1]:.4f}, "
            f"test accuracy {accuracy:.4f} ({seconds:.0f} s)"
        )
    return results


def plot_comparison(results, smoothing=50, title=None):
    """Plots the runs of `compare_training`: loss curves and test accuracies.

    Left: the training loss of every batch, averaged over a sliding window
    of `smoothing` batches (fewer for short runs, at most a quarter of the
    batches), against the number of images seen. Right: the test
    accuracy each run reached.

    Args:
        results: the dict `compare_training` returns.
        smoothing: batches in the moving average (1 for the raw losses).
        title: optional title of the figure.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `results` is not a non-empty dict of `Run`.
    """
    if (
        not isinstance(results, dict)
        or not results
        or not all(isinstance(run, Run) for run in results.values())
    ):
        raise ValueError(
            "`results` must be the non-empty dict that compare_training returns; received "
            f"{type(results).__name__}."
        )
    smoothing = config.positive_int(smoothing, "smoothing")
    fig, (loss_ax, accuracy_ax) = plt.subplots(
        1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1.7, 1]}
    )
    names = list(results)
    colours = plt.get_cmap("tab10")(np.arange(len(names)) % 10)
    # A short run keeps at least a few points: at most a quarter of its batches per window.
    shortest = min(len(results[name].batch_losses) for name in names)
    window = max(1, min(smoothing, shortest // 4))
    styles = ["-", "--", "-.", ":"]  # curves that coincide stay visible
    for index, (name, colour) in enumerate(zip(names, colours)):
        run = results[name]
        smooth = np.convolve(run.batch_losses, np.ones(window) / window, mode="valid")
        seen = (np.arange(len(smooth)) + window) * run.batch_size
        loss_ax.plot(seen, smooth, styles[index % 4], color=colour, label=name)
    loss_ax.set_yscale("log")
    loss_ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    loss_ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    loss_ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    loss_ax.set_xlabel("training images seen")
    loss_ax.set_ylabel(f"training loss (mean of {window} batches)")
    loss_ax.set_title("training loss (log scale)")
    loss_ax.grid(alpha=0.3, which="both")
    loss_ax.legend(fontsize=8)
    accuracies = [results[name].test_accuracy for name in names]
    bars = accuracy_ax.barh(range(len(names)), accuracies, color=colours)
    accuracy_ax.set_yticks(range(len(names)))
    accuracy_ax.set_yticklabels(names, fontsize=8)
    accuracy_ax.invert_yaxis()
    low = min(accuracies)
    accuracy_ax.set_xlim(max(0.0, low - (1 - low) * 0.6 - 0.02), 1.0)
    for bar, value in zip(bars, accuracies):
        accuracy_ax.text(
            value, bar.get_y() + bar.get_height() / 2, f" {value:.2%}", va="center", fontsize=8
        )
    accuracy_ax.set_xlabel("test accuracy")
    accuracy_ax.set_title("after training")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _batch_loss_recorder():
    """A Keras callback that keeps the loss of every training batch in `.losses`.

    Keras reports the running mean of the loss over the epoch so far; the
    loss of batch `i` is recovered as `(i + 1) * mean_i - i * mean_(i-1)`.
    """
    import keras

    class BatchLosses(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses = []
            self._previous = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self._previous = 0.0

        def on_train_batch_end(self, batch, logs=None):
            mean = float(logs["loss"])
            self.losses.append((batch + 1) * mean - batch * self._previous)
            self._previous = mean

    return BatchLosses()


def _is_one_hot_loss(loss):
    name = loss if isinstance(loss, str) else type(loss).__name__
    return name.replace("_", "").lower() == "categoricalcrossentropy"


def _check_image_shape(input_shape):
    shape = check_input_shape(input_shape)
    if len(shape) != 3 or min(shape[:2]) < _SMALLEST_SIDE:
        raise ValueError(
            "`input_shape` must be (height, width, channels) with height and width of at "
            f"least {_SMALLEST_SIDE} pixels (three 3x3 convolutions and two 2x2 poolings); "
            f"received {tuple(input_shape)!r}. For MNIST use (28, 28, 1): add the channel "
            "axis with data.normalize_images(images)."
        )
    return shape


def _check_model_images(images, name):
    array = np.asarray(images)
    if array.ndim != 4 or array.dtype.kind != "f" or len(array) == 0:
        raise ValueError(
            f"`{name}` must be float images of shape (n, height, width, channels); received "
            f"dtype {array.dtype} and shape {array.shape}. Scale uint8 images and add the "
            "channel axis with data.normalize_images(images)."
        )
    return array


def _model_path(path):
    path = seed_cnn_path() if path is None else pathlib.Path(path)
    if path.suffix != ".keras":
        raise ValueError(
            f"`path` must end in .keras (the Keras 3 model format); received {str(path)!r}. "
            "E.g. build/models/seed_cnn.keras."
        )
    return path

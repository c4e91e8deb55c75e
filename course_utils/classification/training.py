"""Training the seed CNN: comparing optimizers and losses, and the model later notebooks reuse.

    results = compare_training({"Adam": {"optimizer": "adam"}, "SGD": {"optimizer": "sgd"}},
                               train_images, train_labels, val_images, val_labels)
    save_seed_cnn(model, test_accuracy=0.991, epochs=5)   # notebook 04
    model, note = load_or_train_seed_cnn()                # notebooks 06 and 08

The trained model is saved to `build/models/seed_cnn.<backend>.keras` by notebook 04
(through `saving`, with a note of how it was trained); later notebooks (GAN,
VAE) get it back with `load_or_train_seed_cnn()` to measure the digits they
generate.
"""

import dataclasses
import pathlib
import time

import numpy as np

from course_utils import checks, config, curriculum, data, saving
from course_utils.classification.models import build_seed_cnn
from course_utils.softmax import check_labels

SEED_CNN_NAME = "seed_cnn"
SEED_CNN_WHAT = "seed CNN"


@dataclasses.dataclass
class Run:
    """What one training run of `compare_training` gave.

    Attributes:
        history: the per-epoch `History.history` dict.
        batch_losses: the training loss of every batch, in order.
        batch_size: images per batch.
        validation_accuracy: accuracy on the validation images after training.
        seconds: training time in seconds.
    """

    history: dict
    batch_losses: np.ndarray
    batch_size: int
    validation_accuracy: float
    seconds: float


def compare_training(
    runs,
    train_images,
    train_labels,
    validation_images,
    validation_labels,
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
        validation_images, validation_labels: the same for measuring accuracy
            afterwards: images held out of the training data, not the test
            set, since the comparison is used to choose.
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
    validation_images = _check_model_images(validation_images, "validation_images")
    train_labels = check_labels(train_labels, size=len(train_images), name="train_labels")
    validation_labels = check_labels(
        validation_labels, size=len(validation_images), name="validation_labels"
    )
    epochs = checks.positive_int(epochs, "epochs")
    batch_size = checks.positive_int(batch_size, "batch_size")
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
        recorder = batch_loss_recorder()
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
        predicted = model.predict(validation_images, verbose=0).argmax(axis=1)
        accuracy = float((predicted == validation_labels).mean())
        results[name] = Run(
            history.history, np.array(recorder.losses), batch_size, accuracy, seconds
        )
        print(
            f"{name:<24} final training loss {history.history['loss'][-1]:.4f}, "
            f"validation accuracy {accuracy:.4f} ({seconds:.0f} s)"
        )
    return results


def batch_loss_recorder():
    """A Keras callback that keeps the loss of every training batch in `.losses`.

    Keras reports the running mean of the loss over the epoch so far; the
    loss of batch `i` is recovered as `(i + 1) * mean_i - i * mean_(i-1)`.
    """
    import keras  # imported here: importing this module should stay fast

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


def seed_cnn_path():
    """Where notebook 04 saves the trained seed CNN: `build/models/seed_cnn.<backend>.keras`
    (`seed_cnn.fast.<backend>.keras` in the fast profile; see `config.model_path`)."""
    return saving.paths(SEED_CNN_NAME)


def save_seed_cnn(model, path=None, **facts):
    """Saves a trained seed CNN, with a JSON note of how it was trained.

    Args:
        model: the trained `keras.Model`.
        path: a `.keras` file; by default `seed_cnn_path()`, where
            `saving.save` writes it atomically.
        **facts: numbers worth keeping with the model, e.g.
            `test_accuracy=0.991, epochs=5, train_images=60000`.

    Returns:
        The path of the saved model. The note is next to it, with `.json`.

    Raises:
        ValueError: if `path` does not end in `.keras` or a fact is not a number.
    """
    return saving.save(SEED_CNN_NAME, model, path=_own_path(path), **facts)


def load_or_train_seed_cnn(path=None, epochs=1, train_limit=None):
    """Loads the seed CNN that notebook 04 saved, or trains a quick one and says so.

    The quick training runs inside `config.seeded(0)`: it is repeatable, and
    the caller's random state is the same after the call as before.

    Args:
        path: a `.keras` file; by default `seed_cnn_path()`.
        epochs: epochs of the quick training when no saved model exists.
        train_limit: MNIST training images for the quick training; by default
            the current profile's `train_limit` (all 60,000 in the full profile).

    Returns:
        `(model, note)`: the compiled model and the dict saved with it
        (`profile`, `test_accuracy`, `epochs`, ...).

    Raises:
        ValueError: if `path` does not end in `.keras`, or `epochs` or
            `train_limit` is not a positive integer.
    """
    path = _own_path(path)
    epochs = checks.positive_int(epochs, "epochs")
    profile = config.profile()
    limit = profile.train_limit if train_limit is None else train_limit
    if limit is not None:
        limit = checks.positive_int(limit, "train_limit", "E.g. train_limit=2000.")
    images = "the whole MNIST training split" if limit is None else f"{limit:,} images"
    plan = f"{epochs} epoch(s) on {images}"

    def train():
        print(
            f"Run {curriculum.notebook('classification')} for the source document's 5-epoch model."
        )
        return _train_quick_seed_cnn(epochs, limit, profile.test_limit)

    return saving.load_or_train(SEED_CNN_NAME, train, what=SEED_CNN_WHAT, plan=plan, path=path)


def _train_quick_seed_cnn(epochs, train_limit, test_limit):
    """Trains the seed CNN briefly on MNIST; returns `(model, facts)` for `saving`."""
    train_images, train_labels = data.load_mnist("train", limit=train_limit)
    test_images, test_labels = data.load_mnist("test", limit=test_limit)
    model = build_seed_cnn()
    model.fit(data.normalize_images(train_images), train_labels, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(data.normalize_images(test_images), test_labels, verbose=0)
    print(f"quick seed CNN: test accuracy {accuracy:.4f} on {len(test_labels):,} images")
    facts = {"test_accuracy": float(accuracy), "epochs": epochs, "train_images": len(train_labels)}
    return model, facts


def _is_one_hot_loss(loss):
    name = loss if isinstance(loss, str) else type(loss).__name__
    return name.replace("_", "").lower() == "categoricalcrossentropy"


def _check_model_images(images, name):
    array = np.asarray(images)
    if array.ndim != 4 or array.dtype.kind != "f" or len(array) == 0:
        raise ValueError(
            f"`{name}` must be float images of shape (n, height, width, channels); received "
            f"dtype {array.dtype} and shape {array.shape}. Scale uint8 images and add the "
            "channel axis with data.normalize_images(images)."
        )
    return array


def _own_path(path):
    """None for the default file, else the caller's `.keras` path (checked)."""
    if path is None:
        return None
    path = pathlib.Path(path)
    if path.suffix != ".keras":
        raise ValueError(
            f"`path` must end in .keras (the Keras 3 model format); received {str(path)!r}. "
            "E.g. build/models/seed_cnn.tensorflow.keras."
        )
    return path

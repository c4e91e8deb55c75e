"""Run profiles, seeds and a report of the machine the course runs on.

A notebook reads its profile once, at the top:

    PROFILE = config.profile()
    epochs = PROFILE.epochs(5)  # the document's 5 epochs; 1 in fast mode

`COURSE_PROFILE=full` (the default) gives real results on full data sets;
`COURSE_PROFILE=fast` is for CI: small subsets, one or two epochs, the same code.
"""

import dataclasses
import datetime
import importlib.util
import json
import os
import pathlib
import random
import re
import sys
import tempfile

import numpy as np

PROFILE_ENV = "COURSE_PROFILE"
BUILD_DIR_ENV = "COURSE_BUILD_DIR"
PROFILE_NAMES = ("full", "fast")


@dataclasses.dataclass(frozen=True)
class Profile:
    """How much work a notebook does: full data and epochs, or a fast subset.

    Attributes:
        name: `"full"` or `"fast"`.
        train_limit: training images to use, `None` for the whole split.
        test_limit: test images to use, `None` for the whole split.

    >>> fast = Profile("fast", train_limit=2000, test_limit=500)
    >>> fast.epochs(5), fast.pick(full=60_000, fast=2_000)
    (1, 2000)
    >>> Profile("full").epochs(5)
    5
    """

    name: str
    train_limit: int | None = None
    test_limit: int | None = None

    @property
    def is_fast(self):
        """True in the fast (CI) profile."""
        return self.name == "fast"

    def epochs(self, full, fast=1):
        """Returns `full` epochs in the full profile and `fast` in the fast one.

        Args:
            full: epochs a learner would train for (e.g. the document's 5).
            fast: epochs in the fast profile; 1 unless a notebook needs more.

        Raises:
            ValueError: if either count is not a positive integer.
        """
        for label, value in (("full", full), ("fast", fast)):
            positive_int(value, f"epochs({label}=...)")
        return fast if self.is_fast else full

    def pick(self, full, fast):
        """Returns the value for this profile: `full` or `fast`.

        For any size that differs between profiles (number of scenes, steps,
        samples), so the notebook shows both numbers where it uses them.
        """
        return fast if self.is_fast else full


FULL = Profile("full", train_limit=None, test_limit=None)
FAST = Profile("fast", train_limit=2000, test_limit=500)


def profile():
    """Returns the profile named by the `COURSE_PROFILE` environment variable.

    Returns:
        `FULL` when the variable is unset or `"full"`, `FAST` when `"fast"`.

    Raises:
        ValueError: for any other value.
    """
    name = os.environ.get(PROFILE_ENV, "full").strip().lower() or "full"
    if name not in PROFILE_NAMES:
        raise ValueError(
            f"{PROFILE_ENV}={os.environ.get(PROFILE_ENV)!r} is not a known profile; "
            f"expected one of {', '.join(PROFILE_NAMES)}. Unset it for full results, "
            f"or run `{PROFILE_ENV}=fast ...` for a quick check."
        )
    return FAST if name == "fast" else FULL


def set_seed(seed=0):
    """Seeds Python, NumPy and the Keras backend so runs can be repeated.

    Args:
        seed: a non-negative integer.

    Raises:
        ValueError: if `seed` is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"`seed` must be a non-negative integer; received {seed!r}. Use e.g. set_seed(0)."
        )
    random.seed(int(seed))
    np.random.seed(int(seed))
    import keras  # imported here: the Keras backend is slow to start

    keras.utils.set_random_seed(int(seed))


# Start-up notices TensorFlow's C++ core prints on a machine without a GPU.
_TENSORFLOW_NOTICES = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IW]\d{4} "  # absl INFO and WARNING lines, e.g. the oneDNN and CUDA notices
    r"|E\d{4} .*(failed call to cuInit|Unable to register cu\w+ factory)"
    r"|.*computation placer already registered)"
)


def quiet_tensorflow():
    """Imports TensorFlow without its C++ start-up notices; real errors still show.

    On a CPU machine TensorFlow prints notices such as "oneDNN custom operations
    are on" and "Could not find cuda drivers" when it starts. This function sets
    `TF_CPP_MIN_LOG_LEVEL=2` (unless already set), imports TensorFlow with the
    process's error stream captured, and passes on every line that is not one of
    those known notices. Call it at the top of a notebook, before `import keras`;
    it does nothing when TensorFlow is already imported or not installed.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules or importlib.util.find_spec("tensorflow") is None:
        return
    with tempfile.TemporaryFile(mode="w+b") as captured:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices("GPU")  # its CUDA notice comes now, not later
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        lines = captured.read().decode("utf-8", "replace").splitlines()
    kept = [line for line in lines if line.strip() and not _TENSORFLOW_NOTICES.match(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)


def device_report():
    """Describes the software and hardware the course runs on.

    Returns:
        A dict with `keras`, `backend`, `tensorflow`, `gpus` (names of the GPUs
        TensorFlow sees; empty on a CPU machine) and `cpus`.
    """
    import keras

    report = {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "tensorflow": None,
        "gpus": [],
        "cpus": os.cpu_count(),
    }
    try:
        import tensorflow as tf
    except ImportError:
        return report
    report["tensorflow"] = tf.__version__
    report["gpus"] = [gpu.name for gpu in tf.config.list_physical_devices("GPU")]
    return report


def build_dir():
    """Returns the folder where notebooks save results, models and figures.

    `COURSE_BUILD_DIR` when set; otherwise `build/` at the root of the course
    (the folder above `notebooks/` that holds `pyproject.toml`), found from the
    current directory; otherwise `./build`. The folder is created if missing.
    """
    if os.environ.get(BUILD_DIR_ENV):
        path = pathlib.Path(os.environ[BUILD_DIR_ENV])
    else:
        cwd = pathlib.Path.cwd().resolve()
        root = next(
            (
                p
                for p in (cwd, *cwd.parents)
                if (p / "pyproject.toml").is_file() and (p / "notebooks").is_dir()
            ),
            cwd,
        )
        path = root / "build"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_path(name):
    """Where a notebook saves a trained model, so that later notebooks can load it.

    `build/models/<name>.keras` in the full profile and `<name>.fast.keras` in
    the fast one, so a quick CI run never replaces a model trained for real.

    Args:
        name: the model's name, e.g. `"seed_cnn"` (letters, digits, `_`, `-`).

    Raises:
        ValueError: if `name` is empty or holds other characters.

    >>> model_path("seed_cnn").name in ("seed_cnn.keras", "seed_cnn.fast.keras")
    True
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(
            f"`name` must be a model name such as 'seed_cnn' (letters, digits, _ and -); "
            f"received {name!r}."
        )
    folder = build_dir() / "models"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".fast.keras" if profile().is_fast else ".keras"
    return folder / f"{name}{suffix}"


def write_model_note(model_file, **facts):
    """Writes the JSON note kept next to a saved model: how it was trained.

    The note holds the profile, the time of saving and the given facts; it is
    `model_file` with the suffix `.json` (`seed_cnn.keras` -> `seed_cnn.json`).

    Args:
        model_file: the path of the saved `.keras` model.
        **facts: numbers worth keeping, e.g. `test_accuracy=0.991, epochs=5`.

    Returns:
        The note, a dict.

    Raises:
        ValueError: if a fact is not a number.
    """
    for name, value in facts.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(
                f"fact {name}={value!r} must be a number (e.g. train_seconds=312.5); pass "
                "numbers only."
            )
    note = {
        "profile": profile().name,
        "saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        **{
            name: value.item() if hasattr(value, "item") else value for name, value in facts.items()
        },
    }
    pathlib.Path(model_file).with_suffix(".json").write_text(json.dumps(note, indent=2) + "\n")
    return note


def read_model_note(model_file):
    """The note `write_model_note` kept next to `model_file`, or `{}` if there is none."""
    try:
        return json.loads(pathlib.Path(model_file).with_suffix(".json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def describe_model_note(note):
    """The facts of a model note in one line, without the time of saving.

    >>> describe_model_note({"profile": "full", "saved": "2026-01-01", "train_seconds": 12.3456})
    'profile full, train_seconds 12.346'
    """
    return ", ".join(
        f"{key} {value:.5g}" if isinstance(value, float) else f"{key} {value}"
        for key, value in note.items()
        if key != "saved"
    )


def run_in_batches(model, inputs, batch_size=500):
    """Calls `model` on `inputs` batch by batch and returns NumPy arrays.

    Direct calls rather than `model.predict`: they trace no `tf.function`,
    so running several models (or one on a few hundred inputs) costs no
    compilation and warns about no retracing.

    Args:
        model: a Keras model (or any callable taking `training=False`).
        inputs: an array whose first axis is the batch.
        batch_size: inputs per call.

    Returns:
        A list of NumPy arrays, one per output of the model.

    >>> import keras
    >>> [out.shape for out in run_in_batches(keras.layers.Dense(3), np.ones((7, 2)), 4)]
    [(7, 3)]
    """
    import keras

    parts = []
    for start in range(0, len(inputs), batch_size):
        outputs = model(inputs[start : start + batch_size], training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        parts.append([keras.ops.convert_to_numpy(output) for output in outputs])
    return [np.concatenate(column) for column in zip(*parts)]


def positive_int(value, name, fix=""):
    """Returns `value` as an int, or raises a ValueError that names it and the fix.

    >>> positive_int(np.int64(3), "epochs")
    3
    >>> positive_int(0, "epochs", "E.g. epochs=5.")
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be a positive integer; received 0. E.g. epochs=5.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer; received {value!r}. {fix}".strip())
    return int(value)

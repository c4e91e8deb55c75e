"""Run profiles, seeds, the folders the course writes to, and a report of the machine.

A notebook reads its profile once, at the top:

    PROFILE = config.profile()
    epochs = PROFILE.epochs(5)  # the document's 5 epochs; 1 in fast mode

`COURSE_PROFILE=full` (the default) gives real results on full data sets;
`COURSE_PROFILE=fast` is for CI: small subsets, one or two epochs, the same code.

Saving models lives in `course_utils.saving`, argument checks in
`course_utils.checks`, and what depends on the Keras backend in
`course_utils.backend`.
"""

import contextlib
import dataclasses
import os
import pathlib
import random
import re

import numpy as np

from course_utils import backend, checks

PROFILE_ENV = "COURSE_PROFILE"
BUILD_DIR_ENV = "COURSE_BUILD_DIR"
SEED_ENV = "COURSE_SEED"
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
            checks.positive_int(value, f"epochs({label}=...)")
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


def seed():
    """The course's seed: `COURSE_SEED` when set, else 0.

    Every notebook seeds its training with it, so `COURSE_SEED=1 make run`
    repeats the whole course from other starting weights and batch orders:
    a way to see which results hold on every run and which were luck.

    Raises:
        ValueError: if `COURSE_SEED` is set to something other than a
            non-negative integer.

    >>> seed() if not os.environ.get(SEED_ENV) else 0
    0
    """
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return 0
    if not re.fullmatch(r"\d+", text):
        raise ValueError(
            f"{SEED_ENV}={os.environ[SEED_ENV]!r} is not a seed; expected a non-negative "
            f"integer such as {SEED_ENV}=1. Unset it for the default seed 0."
        )
    return int(text)


_course_seed = seed  # `set_seed`'s argument is called `seed` too


def set_seed(seed=None):
    """Seeds Python, NumPy, Keras and its backend's framework so runs can be repeated.

    `keras.utils.set_random_seed` does it all: Python's `random`, NumPy,
    Keras' own generator (what `keras.random` draws from, and the only one
    on JAX), TensorFlow's global seed (whenever TensorFlow is installed, for
    `tf.data`) and, on PyTorch, `torch.manual_seed`.

    Args:
        seed: a non-negative integer; `None` (the default) for the course's
            seed, `config.seed()` (0 unless `COURSE_SEED` says otherwise).

    Returns:
        The seed used.

    Raises:
        ValueError: if `seed` is not a non-negative integer.
    """
    if seed is None:
        seed = _course_seed()
    if not checks.is_integer(seed) or seed < 0:
        raise ValueError(
            f"`seed` must be a non-negative integer; received {seed!r}. Use e.g. set_seed(0)."
        )
    import keras  # imported here: the Keras backend is slow to start

    keras.utils.set_random_seed(int(seed))
    return int(seed)


@contextlib.contextmanager
def seeded(seed=0):
    """Runs a block with every seed set to `seed`, then gives back the random state.

    For library functions that train a model: the training is repeatable, and
    the caller's random numbers after the call are those it would have drawn
    without it (Python's, NumPy's, Keras' and the backend's global state).

    >>> np.random.seed(1); before = np.random.get_state()[1][:3]
    >>> with seeded(0):
    ...     _ = np.random.random()
    >>> bool((np.random.get_state()[1][:3] == before).all())
    True
    """
    saved = random.getstate(), np.random.get_state(), backend.random_state()
    try:
        set_seed(seed)
        yield
    finally:
        python_state, numpy_state, backend_state = saved
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        backend.restore_random_state(backend_state)


def device_report():
    """Describes the software and hardware the course runs on.

    Returns:
        A dict with `keras` (its version), `backend` (the framework under
        Keras: "TensorFlow", "JAX" or "PyTorch"), `version` (that
        framework's version, None if it is not installed), `gpus` (the GPUs
        it sees, through its own API; empty on a CPU machine) and `cpus`.

    >>> sorted(device_report())
    ['backend', 'cpus', 'gpus', 'keras', 'version']
    """
    import keras

    framework = backend.devices()
    return {
        "keras": keras.__version__,
        "backend": backend.title(framework["framework"]),
        "version": framework["version"],
        "gpus": framework["gpus"],
        "cpus": os.cpu_count(),
    }


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

    `build/models/<name>.<backend>.keras` in the full profile and
    `<name>.fast.<backend>.keras` in the fast one (e.g. `seed_cnn.jax.keras`),
    so a quick CI run never replaces a model trained for real, and a run on
    one backend never replaces another's.

    Args:
        name: the model's name, e.g. `"seed_cnn"` (letters, digits, `_`, `-`).

    Raises:
        ValueError: if `name` is empty or holds other characters.

    >>> model_path("seed_cnn").name == f"seed_cnn{run_suffix()}.keras"
    True
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(
            f"`name` must be a model name such as 'seed_cnn' (letters, digits, _ and -); "
            f"received {name!r}."
        )
    folder = build_dir() / "models"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}{run_suffix()}.keras"


def run_suffix():
    """What names a run's files: `.fast` in the fast profile, then the backend.

    >>> run_suffix() in (".tensorflow", ".fast.tensorflow", ".jax", ".fast.jax", ".torch", ".fast.torch")
    True
    """
    return (".fast" if profile().is_fast else "") + f".{backend.name()}"

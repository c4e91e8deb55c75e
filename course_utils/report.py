"""Records a notebook's headline numbers so `make run` can show them in one table.

    report.start("04_cnn_classifier")      # once, in the set-up cell
    report.record("test_accuracy", 0.9906)

Each notebook's numbers land in `build/results/<notebook>.<profile>.<backend>.json`.
"""

import datetime
import json
import math
import os
import pathlib
import re
import time

from course_utils import backend, checks, config, saving

NOTEBOOK_ENV = "COURSE_NOTEBOOK"
_current = {"notebook": None}
# The time this kernel has spent running the current notebook's cells since `start`.
_clock = {"seconds": 0.0, "cell_started": None}


def start(notebook):
    """Names the notebook whose numbers the following `record` calls store.

    Clears what an earlier run of the same notebook and profile recorded, so
    the file holds this run's numbers only. In Jupyter or Colab it also adds
    up the time of every cell the kernel runs from here on and keeps the sum as
    this notebook's time, which `run_line` prints the next time.

    Args:
        notebook: the notebook's file name without `.ipynb`, e.g. `"00_setup"`.

    Raises:
        ValueError: if the name is empty or holds characters other than
            letters, digits, `_` and `-`.
    """
    if not isinstance(notebook, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", notebook):
        raise ValueError(
            "`notebook` must be the notebook's file name without .ipynb, such as "
            f"'00_setup' (letters, digits, _ and -); received {notebook!r}."
        )
    _current["notebook"] = notebook
    path = results_path(notebook)
    if path.exists():
        path.unlink()
    _time_cells()
    return path


def _time_cells():
    """Registers `_cell_starts`/`_cell_ends` with the IPython kernel, if there is one."""
    _clock.update(seconds=0.0, cell_started=time.perf_counter())  # the set-up cell runs now
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "events"):
        return
    for event, callback in (("pre_run_cell", _cell_starts), ("post_run_cell", _cell_ends)):
        if callback not in shell.events.callbacks[event]:
            shell.events.register(event, callback)


def _cell_starts(*_):
    _clock["cell_started"] = time.perf_counter()


def _cell_ends(*_):
    """Adds the cell's time to the notebook's and keeps the sum, silently."""
    if _clock["cell_started"] is None or _current["notebook"] is None:
        return
    _clock["seconds"] += time.perf_counter() - _clock["cell_started"]
    _clock["cell_started"] = None
    try:
        write_timing(
            config.build_dir(), config.profile().name, _current["notebook"], _clock["seconds"]
        )
    except OSError:  # a read-only build folder costs the next run's line, nothing else
        pass


def record(name, value):
    """Stores one number under `name` for the current notebook, silently.

    What a learner reads is the notebook's own output; the recorded numbers are
    bookkeeping for `make run`'s table and front page.

    Args:
        name: a short identifier such as `"test_accuracy"`.
        value: a finite number (int or float, including NumPy scalars).

    Returns:
        None, so that a cell ending in `report.record(...)` shows nothing; the
        file is `results_path(current_notebook())`.

    Raises:
        ValueError: if `name` is not an identifier or `value` is not a finite number.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"`name` must be an identifier such as 'test_accuracy'; received {name!r}."
        )
    number = float(value) if checks.is_number(value) else math.nan
    if not math.isfinite(number):
        raise ValueError(
            f"`value` for {name!r} must be a finite number; received {value!r}. "
            "Record a float such as history.history['accuracy'][-1]."
        )
    notebook = current_notebook()
    path = results_path(notebook)
    results = read(path) or {
        "notebook": notebook,
        "profile": config.profile().name,
        "seed": config.seed(),
        "backend": backend.name(),
        "values": {},
    }
    results["values"][name] = int(value) if checks.is_integer(value) else number
    results["updated"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    saving.write_atomically(path, lambda tmp: tmp.write_text(json.dumps(results, indent=2) + "\n"))


def last_run(notebook=None):
    """How long `notebook` (the current one by default) took when the runner last ran it here.

    The runner (`make run`), and a kernel that ran the notebook in Jupyter or
    Colab, keep each notebook's time per profile and backend; a set-up cell
    prints this so a learner knows what to expect on this machine.

    Returns:
        A phrase such as `"5 min 38 s the last time it ran here"`, or `""`
        when this notebook has not been run here in this profile.

    >>> format_seconds(338.2), format_seconds(42.0)
    ('5 min 38 s', '42 s')
    """
    notebook = notebook or current_notebook()
    timings = read_timings(config.build_dir(), config.profile().name)
    if notebook not in timings:
        return ""
    return f"{format_seconds(timings[notebook])} the last time it ran here"


def run_line():
    """The set-up cell's line: profile, seed, and the last run's time here when known.

    >>> run_line().startswith("profile: ")
    True
    """
    last = last_run()
    when = (
        f"this notebook took {last}"
        if last
        else "no earlier run here yet (the next run prints how long this one took)"
    )
    title = backend.title()
    return f"profile: {config.profile().name}, seed: {config.seed()}, backend: {title}; {when}"


def format_seconds(seconds):
    """`338.2` as `"5 min 38 s"`, `42` as `"42 s"`."""
    seconds = round(float(seconds))
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def timings_path(out_dir, profile_name):
    """Where the runner keeps how long each notebook took, per profile and backend."""
    return pathlib.Path(out_dir) / "results" / f"timings.{profile_name}.{backend.name()}.json"


def write_timing(out_dir, profile_name, notebook, seconds):
    """Keeps how long `notebook` took, for the next run's set-up line."""
    timings = read_timings(out_dir, profile_name)
    timings[notebook] = round(float(seconds), 1)
    text = json.dumps(timings, indent=2) + "\n"
    saving.write_atomically(timings_path(out_dir, profile_name), lambda tmp: tmp.write_text(text))


def read_timings(out_dir, profile_name):
    """`{notebook: seconds}` of the last run on this machine, `{}` if none."""
    try:
        return json.loads(timings_path(out_dir, profile_name).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def reset():
    """Forgets the notebook named by `start` (for tests and scratch sessions)."""
    _current["notebook"] = None


def current_notebook():
    """The notebook named by `start`, else `$COURSE_NOTEBOOK`, else `"scratch"`."""
    return _current["notebook"] or os.environ.get(NOTEBOOK_ENV) or "scratch"


def results_path(notebook, profile_name=None):
    """Path of the JSON file for `notebook` in a profile (the current one by default),
    on the current backend: `build/results/<notebook>.<profile>.<backend>.json`."""
    name = profile_name or config.profile().name
    folder = config.build_dir() / "results"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{notebook}.{name}.{backend.name()}.json"


def read(path):
    """Returns the recorded results stored at `path`, or None if there are none."""
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def format_value(value):
    """A recorded number as the results table shows it.

    >>> format_value(60000), format_value(0.990612), format_value(123456.7)
    ('60000', '0.9906', '123457')
    """
    if isinstance(value, int):
        return str(value)
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.6g}"

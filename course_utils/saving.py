"""Saving trained models with a note of how they were trained, and getting them back.

A notebook that trains a model saves it under `build/models/` (see
`config.model_path`) with a JSON note next to it; a later notebook loads it,
or, when it is missing or unreadable, trains a quick one and says so:

    saving.save("seed_cnn", model, test_accuracy=0.99, epochs=5)
    model, note = saving.load_or_train("seed_cnn", train_quick_one, what="seed CNN")

A model can have parts saved side by side (a VAE's encoder and decoder):
pass a dict `{"encoder": ..., "decoder": ...}` and `parts=("encoder", "decoder")`.
Saving is atomic: each file is written under a temporary name, then renamed, so
an interrupted run never leaves half a model where a later notebook looks.
"""

import datetime
import json
import os
import pathlib

from course_utils import checks, config


def paths(name, parts=None):
    """The `.keras` file of model `name`, or of each of its `parts`, in this profile.

    Returns:
        A `pathlib.Path`, or a dict from each part to its path
        (`<name>_<part>.keras`).

    >>> paths("vae", parts=("encoder",))["encoder"].name == f"vae_encoder{config.run_suffix()}.keras"
    True
    """
    if parts is None:
        return config.model_path(name)
    return {part: config.model_path(f"{name}_{part}") for part in parts}


def shown(path):
    """A saved model's path as a learner reads it: from the build folder down.

    `models/seed_cnn.tensorflow.keras in the build folder` rather than the machine's full
    path, which differs from one computer to the next and says nothing to the learner; the
    build folder is `build/` unless `COURSE_BUILD_DIR` names another.
    """
    path = pathlib.Path(path)
    build = config.build_dir()
    try:
        return f"{pathlib.PurePosixPath(*path.relative_to(build).parts)} in the build folder"
    except ValueError:  # a path outside the build folder: its last two parts
        return str(pathlib.PurePosixPath(*path.parts[-2:]))


def note_path(name, path=None):
    """The JSON note of model `name` (or of the model at `path`): `.keras` -> `.json`."""
    return (config.model_path(name) if path is None else pathlib.Path(path)).with_suffix(".json")


def _files(name, parts, path):
    """The default files of `name`, or the caller's own `.keras` file."""
    if path is None:
        return paths(name, parts)
    path = pathlib.Path(path)
    if parts is not None or path.suffix != ".keras":
        raise ValueError(
            f"`path` must end in .keras (the Keras 3 model format) and hold a model in one "
            f"file; received {str(path)!r}"
            + (f" for a model in parts {list(parts)}" if parts else "")
            + "."
        )
    return path


def write_note(path, **facts):
    """Writes the JSON note kept with a saved model: the profile, the time, the facts.

    Args:
        path: where the note goes (a `.json` file, or the model's `.keras`
            path, whose suffix is replaced).
        **facts: numbers worth keeping, e.g. `test_accuracy=0.991, epochs=5`.

    Returns:
        The note, a dict.

    Raises:
        ValueError: if a fact is not a number.
    """
    for key, value in facts.items():
        if not checks.is_number(value):
            raise ValueError(
                f"fact {key}={value!r} must be a number (e.g. train_seconds=312.5); pass "
                "numbers only."
            )
    note = {
        "profile": config.profile().name,
        "saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        **{key: value.item() if hasattr(value, "item") else value for key, value in facts.items()},
    }
    write_atomically(
        pathlib.Path(path).with_suffix(".json"),
        lambda tmp: tmp.write_text(json.dumps(note, indent=2) + "\n"),
    )
    return note


def read_note(path):
    """The note kept with the model at `path` (or in the `.json` file), `{}` if none."""
    try:
        return json.loads(pathlib.Path(path).with_suffix(".json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def describe_note(note):
    """The facts of a model note in one line, without the time of saving.

    >>> describe_note({"profile": "full", "saved": "2026-01-01", "train_seconds": 12.3456})
    'profile full, train_seconds 12.346'
    """
    return ", ".join(
        f"{key} {value:.5g}" if isinstance(value, float) else f"{key} {value}"
        for key, value in note.items()
        if key != "saved"
    )


def save(name, model, parts=None, path=None, **facts):
    """Saves a trained model (or its parts) under `build/models/`, with a note.

    The note is checked and written first (a wrong fact costs no saving),
    then each file is written under a temporary name and renamed into place.

    Args:
        name: the model's name, e.g. `"seed_cnn"` (see `config.model_path`).
        model: a `keras.Model`, or a dict from each of `parts` to a model.
        parts: the names of the parts, e.g. `("encoder", "decoder")`, or None.
        path: optionally a `.keras` file of the caller's instead of the default
            one (for a model in one file); its note goes next to it.
        **facts: numbers worth keeping with it, e.g. `test_accuracy=0.991`.

    Returns:
        The path of the saved model, or a dict of the paths of its parts.

    Raises:
        ValueError: if a fact is not a number, or `model` does not hold the
            parts named.
    """
    files = _files(name, parts, path)
    models = _as_parts(model, parts)
    write_note(note_path(name, path), **facts)
    for part, file in _items(files):
        write_atomically(file, models[part].save)
    where = files if parts is None else files[parts[-1]].parent
    print(f"saved {name} to {shown(where)}")
    return files


def load(name, parts=None, path=None):
    """Loads a model (or its parts) saved with `save`, and its note.

    `path` is a `.keras` file of the caller's, as in `save`.

    Returns:
        `(model, note)`: the model, or a dict of its parts, and the note.

    Raises:
        FileNotFoundError: if a file is missing.
        ValueError: if a file is there but Keras cannot read it (cut short
            by an interrupted run, or saved by another version); the message
            says which file and why.
    """
    import keras

    loaded = {}
    for part, file in _items(_files(name, parts, path)):
        if not file.is_file():
            raise FileNotFoundError(f"No saved model at {file}.")
        try:
            loaded[part] = keras.models.load_model(file)
        except Exception as error:  # a damaged or foreign file: say which and why
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise ValueError(
                f"saved model {file.name} is unreadable ({type(error).__name__}: {reason[:160]})"
            ) from error
    model = loaded[None] if parts is None else loaded
    return model, read_note(note_path(name, path))


def load_or_train(name, train, what, plan="", parts=None, seed=0, path=None):
    """Loads the model a notebook saved, or trains a quick one, says so and saves it.

    Args:
        name: the saved model's name, e.g. `"seed_cnn"`.
        train: a function of no arguments that builds and trains the quick
            model and returns `(model, facts)`: the model (or dict of parts)
            and a dict of numbers for its note. It runs with the seeds set to
            `seed`; the caller's random state is given back afterwards.
        what: what the model is, for the messages, e.g. `"seed CNN"`.
        plan: how the quick one is trained and where the real one comes from,
            e.g. `"1 epoch on 2,000 images; run notebook 04 for the real one"`.
        parts: the names of the saved parts, or None for one file.
        seed: the seed of the quick training.
        path: optionally a `.keras` file of the caller's, as in `save`.

    Returns:
        `(model, note)`.
    """
    seed = checks.integer(seed, "seed", fix="E.g. seed=0.")
    files = _files(name, parts, path)
    where = files if parts is None else files[parts[-1]]
    try:
        model, note = load(name, parts, path)
    except FileNotFoundError:
        reason = f"No trained {what} at {shown(where)}"
    except ValueError as error:
        reason = f"The {error}"
    else:
        described = describe_note(note)
        source = where if parts is None else where.parent
        print(f"loaded the {what} from {shown(source)}" + (f" ({described})" if described else ""))
        return model, note
    print(f"{reason}: training a quick one now" + (f" ({plan})." if plan else "."))
    with config.seeded(seed):
        model, facts = train()
    save(name, model, parts, path, **facts)
    return model, read_note(note_path(name, path))


def _as_parts(model, parts):
    if parts is None:
        return {None: model}
    if not isinstance(model, dict) or set(model) != set(parts):
        raise ValueError(
            f"`model` must be a dict with the parts {list(parts)}; received "
            f"{type(model).__name__}"
            + (f" with {sorted(model)}" if isinstance(model, dict) else "")
            + "."
        )
    return model


def _items(files):
    return files.items() if isinstance(files, dict) else [(None, files)]


def write_atomically(path, write):
    """Calls `write(tmp)` on a temporary path beside `path`, then renames it to `path`.

    A reader of `path` sees the old file or the whole new one, never half of
    one: for models, their notes, recorded results and the runner's timings.
    The temporary name keeps the suffix (Keras insists on `.keras`).
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()

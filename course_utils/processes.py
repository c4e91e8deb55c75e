"""Running a function in a fresh Python process: another backend, other device flags.

Keras chooses its backend once, at the first `import keras`, and JAX fixes its
devices when it starts. So comparing backends, or splitting a CPU into two
devices (`XLA_FLAGS=--xla_force_host_platform_device_count=2`), needs a new
interpreter. `run_in_fresh_process` starts one with the environment it is
given, calls a function there by its dotted name and returns what the
function returned (anything JSON can carry).

The child prints one line that starts with `RESULT_MARK`, followed by the
JSON of the result; everything else it prints is kept for the error message.
"""

import importlib
import json
import os
import subprocess
import sys

from course_utils import checks

RESULT_MARK = "COURSE-RESULT "


def run_in_fresh_process(target, kwargs=None, env=None, timeout=None):
    """Calls `target(**kwargs)` in a new Python process and returns its result.

    Args:
        target: the function as `"package.module:function"`; it must be
            importable from the new process and return JSON-serializable data.
        kwargs: keyword arguments for it (JSON-serializable), or None.
        env: variables to set (or override) in the new process, e.g.
            `{"KERAS_BACKEND": "jax"}`; the rest of the environment is kept.
        timeout: seconds to wait before giving up, or None to wait.

    Returns:
        What the function returned, through JSON (tuples come back as lists).

    Raises:
        ValueError: if `target` is not `"module:function"`, or `kwargs` or
            `env` are not what they should be.
        RuntimeError: if the process fails or prints no result; the message
            holds the end of what it printed.

    >>> run_in_fresh_process("textwrap:shorten", {"text": "one two three", "width": 9})
    'one [...]'
    """
    module, function = _split_target(target)
    kwargs = {} if kwargs is None else kwargs
    if not isinstance(kwargs, dict):
        raise ValueError(
            f"`kwargs` must be a dict of keyword arguments; received {type(kwargs).__name__}. "
            'E.g. run_in_fresh_process("textwrap:shorten", {"text": "a b", "width": 9}).'
        )
    try:
        arguments = json.dumps(kwargs)
    except TypeError as error:
        raise ValueError(
            f"`kwargs` must be JSON-serializable (numbers, strings, lists, dicts); {error}. "
            "Pass plain Python values, e.g. int(n) instead of a NumPy integer."
        ) from None
    env = {} if env is None else env
    if not isinstance(env, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in env.items()
    ):
        raise ValueError(
            f"`env` must map variable names to strings; received {env!r}. "
            'E.g. env={"KERAS_BACKEND": "jax"}.'
        )
    if timeout is not None and not (checks.is_number(timeout) and timeout > 0):
        raise ValueError(
            f"`timeout` must be a positive number of seconds or None; received {timeout!r}. "
            "E.g. timeout=600."
        )
    command = [sys.executable, "-m", __name__, f"{module}:{function}", arguments]
    try:
        done = subprocess.run(
            command,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{target} did not finish within {timeout:g} s") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not lines:
        printed = (done.stdout + done.stderr).strip()[-3000:]
        raise RuntimeError(
            f"{target} failed in its own process (exit code {done.returncode}). "
            f"It printed:\n{printed}"
        )
    return json.loads(lines[-1][len(RESULT_MARK) :])


def _split_target(target):
    if not isinstance(target, str) or target.count(":") != 1 or not all(target.split(":")):
        raise ValueError(
            f'`target` must name a function as "package.module:function"; received {target!r}. '
            'E.g. "textwrap:shorten".'
        )
    return target.split(":")


def _main(argv):
    """The child's side: import, call, print the result line."""
    module, function = _split_target(argv[0])
    result = getattr(importlib.import_module(module), function)(**json.loads(argv[1]))
    print(RESULT_MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    _main(sys.argv[1:])

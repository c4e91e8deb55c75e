"""The GAN's step computes the same update on TensorFlow, JAX and PyTorch.

From one saved state (weights, both optimizers' moments, the moving average,
batch-norm statistics) and the same batch and noise, each backend makes one
`game_step` in its own process; the changes it makes to every variable must
agree. A bug in one backend's gradients, state or loss would show here.
"""

import importlib.util
import os
import pathlib

import numpy as np
import pytest

from course_utils import backend, config, processes

from .one_step import build_gan, values

ROOT = pathlib.Path(__file__).resolve().parents[2]  # the child imports tests.gan.one_step from here
PYTHONPATH = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
OTHERS = [
    name
    for name in ("tensorflow", "jax", "torch")
    if name != backend.name() and importlib.util.find_spec(name)
]


@pytest.mark.skipif(not OTHERS, reason="needs a second Keras backend installed")
def test_one_step_changes_every_variable_alike_on_every_backend(tmp_path):
    rng = np.random.default_rng(0)
    config.set_seed(0)
    model = build_gan()
    # A state worth testing: a few steps in, so the moments and the average are not zeros.
    warm = rng.uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    model.fit(warm, batch_size=16, epochs=1, shuffle=False, verbose=0)
    before = values(model)
    np.savez(tmp_path / "state.npz", *before)
    np.savez(
        tmp_path / "inputs.npz",
        real=rng.uniform(-1, 1, (16, 28, 28, 1)).astype("float32"),
        z_discriminator=rng.standard_normal((16, 16)).astype("float32"),
        z_generator=rng.standard_normal((16, 16)).astype("float32"),
    )
    here = backend.name()
    logs = {
        name: processes.run_in_fresh_process(
            "tests.gan.one_step:step_from_saved_state",
            {"folder": str(tmp_path)},
            env={"KERAS_BACKEND": name, "PYTHONPATH": PYTHONPATH},
            timeout=600,
        )
        for name in (here, *OTHERS)
    }
    for name in logs:
        for key, value in logs[name].items():
            assert value == pytest.approx(logs[here][key], rel=1e-4), (name, key)
    reference = np.load(tmp_path / f"after.{here}.npz")
    paths = [variable.path for variable in model.variables]
    moved = 0
    for name in OTHERS:
        after = np.load(tmp_path / f"after.{name}.npz")
        for i, path in enumerate(paths):
            expected = reference[f"arr_{i}"] - before[i]
            change = after[f"arr_{i}"] - before[i]
            scale = np.abs(expected).max()
            moved += scale > 0
            # Adam divides by the root of the second moment: a rounding difference in a
            # tiny gradient can move its step by a little, so compare to the largest step.
            worst = np.abs(change - expected).max()
            assert worst <= 1e-2 * scale + 1e-7, (
                f"{name} changed {path} differently from {here}: by up to {worst:.2e}, "
                f"where {here}'s largest change is {scale:.2e}"
            )
    assert moved > 20 * len(OTHERS)

"""One GAN step from a saved state, on the backend KERAS_BACKEND names.

`test_backends_agree.py` runs `step_from_saved_state` in a fresh process per
backend (Keras picks its backend once per process). Nothing here imports a
framework at the top, so the child chooses its backend before Keras starts.
"""

import pathlib

import numpy as np


def build_gan():
    """A small GAN with every kind of layer of the course's (dropout off: no random masks)."""
    from course_utils import gan

    generator = gan.build_generator(16, filters=(16, 8, 8))
    discriminator = gan.build_discriminator(filters=(8, 16, 16), dropout=0.0)
    model = gan.GAN(generator, discriminator, seed=0)
    model.compile()
    return model


def values(model):
    from course_utils import backend

    return [backend.to_numpy(variable.value) for variable in model.variables]


def step_from_saved_state(folder):
    """Loads `state.npz` (every variable), `inputs.npz` (a real batch, two z) from `folder`,
    makes one `game_step` there with those z, saves `after.<backend>.npz`, returns the logs."""
    from course_utils import backend

    backend.quiet_start()
    import keras

    folder = pathlib.Path(folder)
    model = build_gan()
    state = np.load(folder / "state.npz")
    saved = [state[f"arr_{i}"] for i in range(len(state.files))]
    if len(saved) != len(model.variables):
        raise RuntimeError(f"{len(saved)} saved values for {len(model.variables)} variables")
    for variable, value in zip(model.variables, saved):
        variable.assign(value)
    inputs = np.load(folder / "inputs.npz")
    noises = [inputs["z_discriminator"], inputs["z_generator"]]

    def given_normal(shape, *args, **kwargs):  # game_step draws z twice: D's move, then G's
        z = noises.pop(0)
        if tuple(shape) != z.shape:
            raise RuntimeError(f"game_step asked for z of shape {tuple(shape)}, not {z.shape}")
        return keras.ops.convert_to_tensor(z)

    keras.random.normal = given_normal
    logs = model.game_step(keras.ops.convert_to_tensor(inputs["real"]))
    if noises:
        raise RuntimeError("game_step drew z fewer than twice")
    np.savez(folder / f"after.{backend.name()}.npz", *values(model))
    return {name: float(backend.to_numpy(value)) for name, value in logs.items()}

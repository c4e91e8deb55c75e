"""The one place that knows which framework runs under Keras.

Keras 3 runs on TensorFlow, JAX or PyTorch (`KERAS_BACKEND`). Almost all of the
course is written with `keras.ops` and runs on any of them; what cannot be
(automatic gradients outside `fit`, a quiet start of TensorFlow, the devices a
framework sees, its global random state) goes through the functions below.
Each has one implementation per framework, in a module of this package named
after it (`course_utils/backend/tensorflow.py`); no other module of the course
imports tensorflow, jax or torch.

    loss, grads = backend.value_and_gradients(lambda: loss_of(model), model.trainable_weights)
    score, grad = backend.value_and_input_gradient(lambda x: score_of(model(x)), images)
    backend.to_numpy(model(images))        # a NumPy array, whatever the device
"""

import importlib
import importlib.util
import os
import sys

import numpy as np

SUPPORTED = ("tensorflow", "jax", "torch")
TITLES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
# Frameworks whose implementation of this module exists; the others follow.
IMPLEMENTED = ("tensorflow",)


def name():
    """The Keras backend in use: `"tensorflow"`, `"jax"` or `"torch"`.

    Read from `KERAS_BACKEND` before Keras is imported (so calling this never
    starts a framework), from Keras afterwards.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def _implementation(what):
    current = name()
    if current not in IMPLEMENTED:
        raise RuntimeError(
            f"{what} needs the {' or '.join(TITLES[i] for i in IMPLEMENTED)} backend for now; Keras is "
            f"running on {current!r}. Set the environment variable "
            f"KERAS_BACKEND={IMPLEMENTED[0]} before Python starts (or before the first "
            "`import keras`) and restart the kernel."
        )
    return importlib.import_module(f"course_utils.backend.{current}")


def require_gradients(what):
    """Raises a RuntimeError naming `what` if this backend has no gradient helper yet.

    Call it where an object is built (e.g. `gan.GAN(...)`), so the learner
    hears of it at once rather than in the middle of `fit`.
    """
    _implementation(what)


def value_and_gradients(fn, variables):
    """Calls `fn()` and returns its value and its gradients with respect to `variables`.

    The framework's automatic differentiation (TensorFlow: `tf.GradientTape`)
    records the operations `fn` runs on the current values of the variables.

    Args:
        fn: a function of no arguments returning a scalar tensor (a loss).
        variables: the Keras variables to differentiate with respect to,
            e.g. `model.trainable_weights`.

    Returns:
        `(value, gradients)`: the scalar tensor and a list of tensors, one per
        variable, in the same order.

    Raises:
        RuntimeError: on a backend this course has no gradient helper for yet.

    >>> import keras
    >>> w = keras.Variable(3.0)
    >>> value, (grad,) = value_and_gradients(lambda: w * w, [w])
    >>> float(value), float(grad)
    (9.0, 6.0)
    """
    return _implementation("value_and_gradients").value_and_gradients(fn, list(variables))


def value_and_input_gradient(fn, inputs):
    """Calls `fn(inputs)` and returns its value and its gradient with respect to `inputs`.

    The gradient with respect to data rather than weights: an input image
    (saliency maps) or a layer's activations (Grad-CAM). `inputs` is not a
    variable, so the framework is told to watch it (TensorFlow:
    `tape.watch`). Where the value does not depend on `inputs` the gradient
    is zero.

    Args:
        fn: a function of one tensor returning a scalar tensor, e.g. the sum
            over a batch of each image's class score (images of a batch do
            not interact in inference, so the gradient of the sum holds each
            image's own gradient).
        inputs: an array or tensor; converted to a float32 tensor.

    Returns:
        `(value, gradient)`: the scalar tensor and a tensor of the shape of
        `inputs`.

    Raises:
        RuntimeError: on a backend this course has no gradient helper for yet.

    >>> import keras
    >>> value, grad = value_and_input_gradient(
    ...     lambda x: keras.ops.sum(x * x), np.array([1.0, -2.0], dtype="float32"))
    >>> float(value), to_numpy(grad).tolist()
    (5.0, [2.0, -4.0])
    """
    return _implementation("value_and_input_gradient").value_and_input_gradient(fn, inputs)


def to_numpy(tensor):
    """A backend tensor (on any device) as a NumPy array; arrays pass through.

    >>> to_numpy([1, 2]).tolist()
    [1, 2]
    """
    if isinstance(tensor, np.ndarray):
        return tensor
    import keras

    return keras.ops.convert_to_numpy(tensor)


def quiet_start():
    """Starts the backend without its start-up notices; real errors still show.

    TensorFlow prints notices such as "oneDNN custom operations are on" and
    "Could not find cuda drivers" when it starts on a machine without a GPU;
    this hides those lines and passes on every other one. Call it at the top
    of a notebook, before `import keras`. It does nothing for a backend with
    nothing to hide, or when the framework is already imported.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if name() == "tensorflow" and importlib.util.find_spec("tensorflow") is not None:
        importlib.import_module("course_utils.backend.tensorflow").quiet_import()


def devices():
    """What the backend's framework reports about itself.

    Returns:
        A dict with `framework` (its name), `version` and `gpus` (the names of
        the GPUs it sees; empty on a CPU machine). `version` is None when the
        framework is not installed.
    """
    current = name()
    if importlib.util.find_spec(current) is None:
        return {"framework": current, "version": None, "gpus": []}
    module = importlib.import_module(f"course_utils.backend.{current}")
    return {"framework": current, **module.devices()}


_KERAS_RANDOM_STATE = ("global_random_seed", "global_seed_generator")


def random_state():
    """Keras' and the framework's global random state, for `restore_random_state`.

    Keras keeps the seed of `keras.utils.set_random_seed` and the generator
    that unseeded `keras.random` calls draw from; the framework keeps its own
    (TensorFlow: the global seed of `tf.random.set_seed`). Python's and
    NumPy's are the caller's to keep (see `config.seeded`).
    """
    from keras.src.backend.common import global_state

    keras_state = {key: global_state.get_global_attribute(key) for key in _KERAS_RANDOM_STATE}
    generator = keras_state["global_seed_generator"]
    # The generator is one object whose state moves on: keep a copy of where it is now.
    position = None if generator is None else to_numpy(generator.state.value).copy()
    framework = None
    if name() in IMPLEMENTED:
        framework = importlib.import_module(f"course_utils.backend.{name()}").random_state()
    return keras_state, position, framework


def restore_random_state(state):
    """Restores what `random_state()` returned."""
    from keras.src.backend.common import global_state

    keras_state, position, framework = state
    for key, value in keras_state.items():
        global_state.set_global_attribute(key, value)
    if position is not None:
        keras_state["global_seed_generator"].state.assign(position)
    if framework is not None and name() in IMPLEMENTED:
        importlib.import_module(f"course_utils.backend.{name()}").restore_random_state(framework)

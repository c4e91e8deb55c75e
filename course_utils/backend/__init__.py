"""The one place that knows which framework runs under Keras.

Keras 3 runs on TensorFlow, JAX or PyTorch (`KERAS_BACKEND`). Almost all of the
course is written with `keras.ops` and runs on any of them; what cannot be
(automatic gradients outside `fit`, a quiet start of TensorFlow, the devices a
framework sees, its global random state, waiting for work it runs asynchronously) goes through the functions below.
Each has one implementation per framework, in a module of this package named
after it (`tensorflow.py`, `jax.py`, `torch.py`); no other module of the
course imports tensorflow, jax or torch.

    loss, grads = backend.value_and_gradients(lambda: loss_of(model), model.trainable_weights)
    score, grad = backend.value_and_input_gradient(lambda x: score_of(model(x)), images)
    backend.to_numpy(model(images))        # a NumPy array, whatever the device
"""

import importlib
import importlib.util
import os
import sys
import warnings

import numpy as np

SUPPORTED = ("tensorflow", "jax", "torch")
TITLES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
# Frameworks whose implementation of this module exists.
IMPLEMENTED = ("tensorflow", "jax", "torch")


def name():
    """The Keras backend in use: `"tensorflow"`, `"jax"` or `"torch"`.

    Read from `KERAS_BACKEND` before Keras is imported (so calling this never
    starts a framework), from Keras afterwards.
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def title(backend_name=None):
    """The framework's own name for a backend (by default the current one).

    >>> title("torch"), title("jax"), title("tensorflow")
    ('PyTorch', 'JAX', 'TensorFlow')
    """
    current = backend_name or name()
    return TITLES.get(current, current)


def _implementation(what):
    current = name()
    if current not in IMPLEMENTED:
        raise RuntimeError(
            f"{what} needs the {', '.join(TITLES[i] for i in IMPLEMENTED)} backend; Keras is "
            f"running on {current!r}. Set the environment variable "
            f"KERAS_BACKEND={IMPLEMENTED[0]} before Python starts (or before the first "
            "`import keras`) and restart the kernel."
        )
    return importlib.import_module(f"course_utils.backend.{current}")


def require_gradients(what):
    """Raises a RuntimeError naming `what` if this backend has no gradient helper.

    Call it where an object is built (e.g. `gan.GAN(...)`), so the learner
    hears of it at once rather than in the middle of `fit`.
    """
    _implementation(what)


def value_and_gradients(fn, variables, has_aux=False):
    """Calls `fn()` and returns its value and its gradients with respect to `variables`.

    Each framework has its own way (see this package's modules):
    TensorFlow records the operations `fn` runs on a `tf.GradientTape`;
    PyTorch's autograd records them as they run and `torch.autograd.grad`
    walks back; JAX traces `fn` as a pure function of the variables' values
    (inside a `keras.StatelessScope`) and differentiates it with
    `jax.value_and_grad`. Variables that `fn` assigns (a batch norm's
    statistics, a seed generator's state) are updated on every backend.

    Args:
        fn: a function of no arguments returning a scalar tensor (a loss),
            or, with `has_aux=True`, a pair `(loss, extras)`.
        variables: the Keras variables to differentiate with respect to,
            e.g. `model.trainable_weights`.
        has_aux: True when `fn` returns `(loss, extras)`: extras (any tensors
            computed along the way, e.g. the scores behind a loss) come back
            with the loss and are not differentiated.

    Returns:
        `(value, gradients)`: the scalar tensor (or `(loss, extras)`) and a
        list of tensors, one per variable, in the same order; zeros for a
        variable the value does not depend on.

    Raises:
        RuntimeError: on a backend other than TensorFlow, JAX or PyTorch.

    >>> import keras
    >>> w = keras.Variable(3.0)
    >>> value, (grad,) = value_and_gradients(lambda: w * w, [w])
    >>> float(value), float(grad)
    (9.0, 6.0)
    """
    implementation = _implementation("value_and_gradients")
    return implementation.value_and_gradients(fn, list(variables), has_aux=bool(has_aux))


def value_and_input_gradient(fn, inputs):
    """Calls `fn(inputs)` and returns its value and its gradient with respect to `inputs`.

    The gradient with respect to data rather than weights: an input image
    (saliency maps) or a layer's activations (Grad-CAM). `inputs` is not a
    variable, so the framework is told to watch it (TensorFlow:
    `tape.watch`; PyTorch: `requires_grad`; JAX: it is the argument). Where the value does not depend on `inputs` the gradient
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
        RuntimeError: on a backend other than TensorFlow, JAX or PyTorch.

    >>> import keras
    >>> value, grad = value_and_input_gradient(
    ...     lambda x: keras.ops.sum(x * x), np.array([1.0, -2.0], dtype="float32"))
    >>> float(value), to_numpy(grad).tolist()
    (5.0, [2.0, -4.0])
    """
    return _implementation("value_and_input_gradient").value_and_input_gradient(fn, inputs)


def train_step(model, args, step):
    """Runs a stateful `train_step` body under any backend's `fit()`.

    TensorFlow and PyTorch call `model.train_step(data)` and let it change
    the variables; Keras' JAX trainer calls `model.train_step(state, data)`
    with the variables' values and takes new values back, since a compiled
    JAX function cannot change anything outside it. This runs `step(data)`,
    which reads and assigns variables as on the first two, and on JAX
    threads `state` through it in a `keras.StatelessScope`. Use it as:

        def train_step(self, *args):
            return backend.train_step(self, args, self._step)

    Args:
        model: the `keras.Model` whose `train_step` this is.
        args: the arguments `fit()` passed: `(data,)`, or `(state, data)` on JAX.
        step: a function of one batch returning the dict of logs.

    Returns:
        The logs (on JAX: `(logs, new state)`).
    """
    if name() == "jax":
        state, data = args
        module = _implementation("train_step")
        return module.stateless_train_step(model, state, lambda: step(data))
    (data,) = args
    return step(data)


def transposed_convolution_is_slow():
    """True where the framework's transposed convolution trains slowly.

    XLA on a CPU (JAX) computes the kernel gradient of a strided transposed
    convolution many times slower than that of an ordinary one (see
    `bench/bench_conv_transpose.py`); `layers.Conv2DTranspose` then computes
    the same function as ordinary convolutions. False on TensorFlow, on
    PyTorch and on JAX with a GPU or TPU.
    """
    return bool(_implementation("Conv2DTranspose").transposed_convolution_is_slow())


def to_numpy(tensor):
    """A backend tensor (on any device) as a NumPy array; arrays pass through.

    >>> to_numpy([1, 2]).tolist()
    [1, 2]
    """
    if isinstance(tensor, np.ndarray):
        return tensor
    import keras

    return keras.ops.convert_to_numpy(tensor)


def wait_until_done(result):
    """Waits until the work behind `result` (a tensor, or a list, tuple or dict of them) is done.

    A framework may return before its work is finished: JAX dispatches
    asynchronously, and a GPU runs the operations Python queued while Python
    moves on. Timing code must wait before it stops the clock. Unlike
    `to_numpy`, this copies nothing to the host, so the wait adds no work of
    its own (JAX: `jax.block_until_ready`; PyTorch: `torch.cuda.synchronize`
    when a GPU is in use; TensorFlow: each device synchronized).

    Returns:
        `result`, unchanged.

    >>> import keras
    >>> float(wait_until_done({"sum": keras.ops.sum(keras.ops.ones((3, 3)))})["sum"])
    9.0
    """
    _implementation("wait_until_done").wait_until_done(result)
    return result


def quiet_start(choice=""):
    """Chooses the Keras backend, then starts it without TensorFlow's start-up notices.

    Keras reads `KERAS_BACKEND` once, at the first `import keras`, so call
    this at the top of a notebook, before that import. A `choice` of
    "tensorflow", "jax" or "torch" sets `KERAS_BACKEND` (on Colab the set-up
    cell's form field passes it); "" keeps the environment's (TensorFlow
    when unset). TensorFlow prints notices such as "oneDNN custom operations
    are on" when it starts on a machine without a GPU; Keras imports it on
    every backend when it is installed (for `tf.data`), so this imports it
    first with those lines hidden and every other line passed on. On JAX it
    also picks the random-bit layout whose initializers compile fastest on a
    CPU (`JAX_THREEFRY_PARTITIONABLE=0`, unless the environment sets it).

    Args:
        choice: "", "tensorflow", "jax" or "torch".

    Raises:
        ValueError: if `choice` is not one of those.
        RuntimeError: if Keras already runs on another backend in this
            process: restart the kernel to change it.
    """
    if choice not in ("", *SUPPORTED):
        raise ValueError(
            f"The backend must be one of {', '.join(map(repr, SUPPORTED))} (or '' for the "
            f"KERAS_BACKEND environment variable); received {choice!r}."
        )
    if choice:
        if "keras" in sys.modules and name() != choice:
            raise RuntimeError(
                f"Keras already runs on {TITLES[name()]} in this kernel; it chooses its backend "
                f"once, at the first `import keras`. Restart the kernel (Colab: Runtime > "
                f"Restart session) and run this cell first to use {TITLES[choice]}."
            )
        os.environ["KERAS_BACKEND"] = choice
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if importlib.util.find_spec("tensorflow") is not None:
        importlib.import_module("course_utils.backend.tensorflow").quiet_import()
    if name() == "jax":
        # JAX's classic layout of random bits, unless the environment chooses: every new
        # weight shape compiles its initializer, and on a CPU this layout's generator
        # compiles several times faster than the newer, partitionable one's (see
        # bench/bench_jax_random.py). Only which random numbers come changes. JAX reads the
        # variable when it starts.
        os.environ.setdefault("JAX_THREEFRY_PARTITIONABLE", "0")
        # JAX computes in 32 bits unless told otherwise and says so each time a NumPy
        # int64 array (the default integer: every label array) becomes a tensor. The
        # course's integers (labels, class ids, counts) all fit in 32 bits.
        warnings.filterwarnings(
            "ignore", message="Explicitly requested dtype int64", category=UserWarning
        )


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

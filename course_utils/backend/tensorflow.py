"""The TensorFlow implementation of `course_utils.backend`."""

import os
import re
import sys
import tempfile

# Start-up notices TensorFlow's C++ core prints on a machine without a GPU.
NOTICES = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IW]\d{4} "  # absl INFO and WARNING lines, e.g. the oneDNN and CUDA notices
    r"|E\d{4} .*(failed call to cuInit|Unable to register cu\w+ factory)"
    r"|.*computation placer already registered"
    r"|To enable the following instructions: .* rebuild TensorFlow with)"
)


def quiet_import():
    """Imports TensorFlow with the process's error stream captured; passes on what is
    not one of the known start-up notices. Does nothing if TensorFlow is imported."""
    if "tensorflow" in sys.modules:
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
    kept = [line for line in lines if line.strip() and not NOTICES.match(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)


def value_and_gradients(fn, variables, has_aux=False):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        out = fn()
    value = out[0] if has_aux else out
    grads = tape.gradient(value, variables)
    return out, [tf.zeros_like(v) if g is None else g for v, g in zip(variables, grads)]


def value_and_input_gradient(fn, inputs):
    import tensorflow as tf

    inputs = tf.convert_to_tensor(inputs, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        value = fn(inputs)
    return value, tape.gradient(value, inputs, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def wait_until_done(result):
    import tensorflow as tf

    # Eager operations on a CPU finish before they return; a GPU's may be queued.
    if tf.config.list_logical_devices("GPU"):
        tf.test.experimental.sync_devices()


def transposed_convolution_is_slow():
    return False


def devices():
    import tensorflow as tf

    return {
        "version": tf.__version__,
        "gpus": [gpu.name for gpu in tf.config.list_physical_devices("GPU")],
    }


def random_state():
    """TensorFlow's global seed and the generator of op seeds drawn from it."""
    if "tensorflow" not in sys.modules:
        return None
    from tensorflow.python.eager import context

    ctx = context.context()
    rng = getattr(ctx, "_rng", None)
    return (getattr(ctx, "_seed", None), rng.getstate() if rng is not None else None)


def restore_random_state(state):
    if state is None:
        return
    from tensorflow.python.eager import context

    seed, rng_state = state
    ctx = context.context()
    try:
        ctx._set_global_seed(seed)
        if rng_state is not None and getattr(ctx, "_rng", None) is not None:
            ctx._rng.setstate(rng_state)
    except (AttributeError, TypeError):  # another TensorFlow version: keep its state
        pass

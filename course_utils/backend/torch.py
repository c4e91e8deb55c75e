"""The PyTorch implementation of `course_utils.backend`.

PyTorch records operations as they run (autograd); `torch.autograd.grad`
walks the record back from the loss to the tensors asked for. A Keras
variable on this backend holds a `torch.nn.Parameter`, its `.value`.
"""

import contextlib


def _detach(tree):
    import keras

    return keras.tree.map_structure(lambda t: t.detach() if hasattr(t, "detach") else t, tree)


@contextlib.contextmanager
def _recording(tensors):
    # Gradients are wanted even for tensors that do not usually need them
    # (a non-trainable variable), and even when the caller is under no_grad.
    import torch

    saved = [t.requires_grad for t in tensors]
    try:
        for t in tensors:
            t.requires_grad_(True)
        with torch.enable_grad():
            yield
    finally:
        for t, flag in zip(tensors, saved):
            t.requires_grad_(flag)


def _gradients(value, tensors):
    import torch

    grads = torch.autograd.grad(value, tensors, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g for t, g in zip(tensors, grads)]


def value_and_gradients(fn, variables, has_aux=False):
    tensors = [v.value for v in variables]
    with _recording(tensors):
        out = fn()
        value, aux = out if has_aux else (out, None)
        grads = _gradients(value, tensors)
    value = value.detach()
    return ((value, _detach(aux)) if has_aux else value), grads


def value_and_input_gradient(fn, inputs):
    import keras

    x = keras.ops.convert_to_tensor(inputs, dtype="float32").detach().clone()
    with _recording([x]):
        value = fn(x)
        (grad,) = _gradients(value, [x])
    return value.detach(), grad


def wait_until_done(result):
    import torch

    # Operations on a CPU finish before they return; CUDA's are queued on a stream.
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def transposed_convolution_is_slow():
    return False


def devices():
    import torch

    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    return {
        "version": torch.__version__,
        "gpus": [torch.cuda.get_device_name(i) for i in range(count)],
    }


def random_state():
    """PyTorch's global generator (`torch.manual_seed`), on the CPU and on each GPU."""
    import torch

    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    return torch.random.get_rng_state(), cuda


def restore_random_state(state):
    import torch

    cpu, cuda = state
    torch.random.set_rng_state(cpu)
    if cuda is not None:
        torch.cuda.set_rng_state_all(cuda)

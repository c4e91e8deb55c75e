"""Where a training step's time goes, layer by layer: each layer timed on its own.

`count_flops` says how much arithmetic each layer does; `time_layers`
measures how long each one takes. It runs a batch through a `Sequential`
model one layer at a time and times, for every layer, its forward pass and
its forward and backward pass together: the gradients with respect to the
layer's weights and, except for the first layer, with respect to its input,
which is what backpropagation computes in a training step.

    times = time_layers(model, images[:128])
    print(times.table())       # milliseconds, share of the time, share of the multiply-adds

Arithmetic is not time. A layer that multiplies little but reads and writes
much memory (max pooling, a convolution over a single input channel) takes a
far larger share of the time than of the multiply-adds, because the
processor waits for memory rather than computing.

Timed one at a time and eagerly, the layers lose what a compiled step gains
(operations fused, no Python between them), so the sum of their times is
larger than one compiled step; it shows which layers cost the time, not what
the step costs.
"""

import dataclasses

import numpy as np

from course_utils import backend, checks, tables
from course_utils.efficiency.flops import count_flops
from course_utils.efficiency.timing import Timing, time_call


@dataclasses.dataclass(frozen=True)
class LayerTime:
    """One layer's times on a batch.

    Attributes:
        name: the layer's name in the model.
        kind: its class name (`"Conv2D"`).
        output_shape: its output shape for one example.
        macs: its multiply-adds on one example (0 for a layer that makes
            no products, such as pooling, or that `count_flops` does not
            count).
        forward: the `Timing` of its forward pass on the batch.
        training: the `Timing` of its forward and backward pass on the batch.
    """

    name: str
    kind: str
    output_shape: tuple
    macs: int
    forward: Timing
    training: Timing


@dataclasses.dataclass(frozen=True)
class LayerTimes:
    """Every layer's times, in the model's order.

    Attributes:
        layers: one `LayerTime` per layer.
        batch_size: the examples in the timed batch.
        total: the sum of the layers' median training times, in seconds.
        macs: the model's multiply-adds on one example.
    """

    layers: tuple
    batch_size: int

    @property
    def total(self):
        return float(sum(layer.training.median for layer in self.layers))

    @property
    def macs(self):
        return int(sum(layer.macs for layer in self.layers))

    def time_share(self, layer):
        """The share of the summed training time taken by `layer` (a `LayerTime`)."""
        return layer.training.median / self.total if self.total else 0.0

    def macs_share(self, layer):
        """The share of the model's multiply-adds done by `layer` (a `LayerTime`)."""
        return layer.macs / self.macs if self.macs else 0.0

    def table(self):
        """The times as a text table: milliseconds, and the two shares side by side."""
        rows = [
            (
                layer.name,
                layer.kind,
                f"{layer.forward.median * 1e3:.2f}",
                f"{layer.training.median * 1e3:.2f}",
                f"{self.time_share(layer):.1%}",
                f"{self.macs_share(layer):.1%}",
            )
            for layer in self.layers
        ]
        rows.append(("total", "", "", f"{self.total * 1e3:.2f}", "100.0%", "100.0%"))
        headers = (
            "layer",
            "kind",
            "forward ms",
            "forward + backward ms",
            "share of time",
            "share of multiply-adds",
        )
        return tables.format_table(rows, headers, align="llrrrr")


def time_layers(model, inputs, warmup=1, repeats=3):
    """Times each layer of a `Sequential` model on a batch, forward and backward.

    The batch goes through the layers in order; each layer is timed on the
    output of the one before it (`time_call`: the warm-up calls apart, the
    median of the repeats), waiting for the work (`backend.wait_until_done`)
    without copying its result to NumPy. A layer's training time is one call of
    `backend.value_and_gradients` on the sum of its output, with respect to
    its trainable weights and to its input (the first layer's input is the
    data, whose gradient a training step does not compute, so there only the
    weights). Layers run in inference mode (dropout off, batch normalization
    on its moving statistics).

    Args:
        model: a built `keras.Sequential`, e.g. `classification.build_seed_cnn()`.
        inputs: a batch, an array of shape `(batch,) + the model's input shape`
            (at least one example); converted to float32.
        warmup: untimed calls of each layer first (0 or more).
        repeats: timed calls of each layer (1 or more).

    Returns:
        A `LayerTimes`: `layers` (one `LayerTime` each), `total`,
        `time_share(layer)`, `macs_share(layer)` and `table()`.

    Raises:
        ValueError: if `model` is not a built `Sequential`, `inputs` cannot be
            converted to a float array of the model's input shape, or
            `warmup`/`repeats` are not counts.

    >>> from course_utils.classification import build_seed_cnn
    >>> times = time_layers(build_seed_cnn(), np.zeros((4, 28, 28, 1)), warmup=0, repeats=1)
    >>> [layer.kind for layer in times.layers][:3], times.batch_size
    (['Conv2D', 'MaxPooling2D', 'Conv2D'], 4)
    >>> round(sum(times.time_share(layer) for layer in times.layers), 6)
    1.0
    """
    import keras

    if not isinstance(model, keras.Sequential):
        raise ValueError(
            f"`model` must be a keras.Sequential, whose layers each take the previous one's "
            f"output; received {type(model).__name__}. Time a Sequential model such as "
            "classification.build_seed_cnn()."
        )
    if not model.built or not model.layers:
        raise ValueError(
            f"`model` {model.name!r} must be built and have layers. Start it with "
            "keras.Input(shape=...), or call model.build((None, 28, 28, 1)) first."
        )
    warmup = checks.integer(warmup, "warmup", fix="E.g. warmup=1 to leave out compilation.")
    repeats = checks.positive_int(repeats, "repeats", "E.g. repeats=3.")
    expected = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    try:
        batch = np.asarray(inputs, dtype="float32")
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`inputs` must be a batch of examples as an array; received "
            f"{type(inputs).__name__} ({error}). Pass e.g. images[:128]."
        ) from None
    if batch.ndim < 2 or len(batch) == 0 or (expected and batch.shape[1:] != expected):
        raise ValueError(
            f"`inputs` must have shape (batch,) + {expected} with at least one example; "
            f"received shape {batch.shape}. Pass a batch of the model's inputs, e.g. "
            "images[:128] with images of shape (n, 28, 28, 1)."
        )
    counts = count_flops(model, skip_unknown=True).layers
    x = keras.ops.convert_to_tensor(batch)
    rows = []
    for index, (layer, counted) in enumerate(zip(model.layers, counts)):
        held = keras.Variable(x, trainable=True, name="layer_input")
        weights = list(layer.trainable_weights)
        wrt = weights + ([held] if index or not weights else [])

        # Each call waits for its work but returns nothing: time_call would copy a
        # returned tensor into NumPy, and that copy is not the layer's work.
        def forward(layer=layer, x=x):
            backend.wait_until_done(layer(x))

        def training(layer=layer, held=held, wrt=wrt):
            loss = lambda: keras.ops.sum(layer(held))  # noqa: E731
            backend.wait_until_done(backend.value_and_gradients(loss, wrt))

        rows.append(
            LayerTime(
                name=layer.name,
                kind=type(layer).__name__,
                output_shape=counted.output_shape,
                macs=int(counted.macs) if counted.operation == "multiply-add" else 0,
                forward=time_call(forward, warmup=warmup, repeats=repeats),
                training=time_call(training, warmup=warmup, repeats=repeats),
            )
        )
        x = layer(x)
    return LayerTimes(tuple(rows), len(batch))

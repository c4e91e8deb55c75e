"""How much arithmetic one example costs: multiply-adds per layer, FLOPs per training step.

Almost all of a CNN's work is in its products. A `Conv2D` layer computes, for
every output position and every filter, the sum of `kh * kw * in_channels`
products: one multiply-add (MAC) each,

    MACs(Conv2D) = out_height * out_width * kh * kw * in_channels * filters

and a `Dense` layer `in_features * units` of them. One multiply-add is two
floating-point operations (FLOPs), a multiply and an add, so a forward pass
costs `2 * MACs` FLOPs. The bias additions and the activations (one operation
per output) are left out: they are small next to the products.

A training step costs about three forward passes (`TRAINING_FACTOR`): the
forward pass, then the backward pass, which for every layer computes two
products of the same size as the forward one, the gradient with respect to the
layer's input (to pass back) and the gradient with respect to its weights (to
update them). `count_flops` gives all three numbers for a built model.
"""

import dataclasses
import math

from course_utils import checks, tables
from course_utils.convolution.arguments import check_padding, int_pair
from course_utils.convolution.ops import output_size

# A training step = the forward pass + a backward pass of about twice its cost.
TRAINING_FACTOR = 3

# Layers that compute no products: they move or drop values, or apply an
# elementwise function (one operation per value, not counted, like activations).
_FREE = (
    "Flatten",
    "Reshape",
    "Dropout",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softmax",
)
_SUPPORTED = (
    "Conv2D, Dense, MaxPooling2D, AveragePooling2D, GlobalMaxPooling2D, "
    f"GlobalAveragePooling2D, and InputLayer, {', '.join(_FREE)} (which count 0)"
)


def conv2d_macs(input_shape, filters, kernel_size, strides=1, padding="valid", dilation_rate=1):
    """Multiply-adds of one `Conv2D` forward pass on one image, bias excluded.

    Every output value is the sum of `kh * kw * in_channels` products, and
    there are `out_height * out_width * filters` output values; the output
    size follows Keras' rule along each axis (`convolution.output_size`). A
    dilated kernel covers `(k - 1) * dilation_rate + 1` pixels but still has
    `k` weights along that axis.

    Args:
        input_shape: `(height, width, in_channels)` of one image.
        filters: number of filters (output channels).
        kernel_size: an int or `(kh, kw)`.
        strides: an int or `(step_down, step_right)`.
        padding: `"valid"` or `"same"`.
        dilation_rate: an int or a pair, as in `keras.layers.Conv2D`.

    Returns:
        The number of multiply-adds, an int.

    Raises:
        ValueError: if a size is not a positive integer, the padding is
            unknown, or the kernel does not fit in the image with `"valid"`.

    >>> conv2d_macs((28, 28, 1), 32, 3)  # 26 * 26 * 3 * 3 * 1 * 32
    194688
    >>> conv2d_macs((7, 9, 3), 8, (3, 2), strides=2, padding="same")  # 4 * 5 * 3 * 2 * 3 * 8
    2880
    """
    height, width, channels = checks.positive_ints(
        input_shape, 3, "input_shape", "input_shape=(28, 28, 1), (height, width, channels)"
    )
    filters = checks.positive_int(filters, "filters", "E.g. filters=32.")
    out_height, out_width = _output_hw(
        (height, width), kernel_size, strides, padding, dilation_rate
    )
    kh, kw = int_pair(kernel_size, "kernel_size")
    return out_height * out_width * kh * kw * channels * filters


def _output_hw(input_hw, kernel_size, strides, padding, dilation_rate=1):
    """`(out_height, out_width)` of a convolution or pooling window, Keras' rule."""
    kernel = int_pair(kernel_size, "kernel_size")
    steps = int_pair(strides, "strides")
    dilation = int_pair(dilation_rate, "dilation_rate")
    padding = check_padding(padding)
    return tuple(
        output_size(n, (k - 1) * d + 1, s, padding)
        for n, k, s, d in zip(input_hw, kernel, steps, dilation)
    )


@dataclasses.dataclass(frozen=True)
class LayerFlops:
    """What one layer costs on one example.

    Attributes:
        name: the layer's name (it depends on how many layers were built before).
        kind: the layer's class, e.g. `"Conv2D"`.
        output_shape: the layer's output for one example, e.g. `(26, 26, 32)`.
        macs: multiply-adds; for a pooling layer, its comparisons (max) or
            additions (average), one per window element.
        operation: what `macs` counts: `"multiply-add"`, `"comparison"`,
            `"addition"`, `"none"` (a layer that computes no products), or
            `"not counted"` (a layer `count_flops(..., skip_unknown=True)`
            does not know).
    """

    name: str
    kind: str
    output_shape: tuple
    macs: int
    operation: str


@dataclasses.dataclass(frozen=True)
class ModelFlops:
    """The arithmetic of one example through a model, layer by layer.

    Attributes:
        layers: one `LayerFlops` per layer, in the model's order.
        macs: the multiply-adds of the layers that make products (`Conv2D`,
            `Dense`).
        other_operations: the pooling layers' comparisons and additions, one
            FLOP each (not multiply-adds).
        forward_flops: `2 * macs + other_operations`, the FLOPs of one forward pass.
        training_flops: `TRAINING_FACTOR * forward_flops`, the FLOPs of one
            example's forward and backward pass in a training step.
        skipped: names of the layers that were not counted (see `count_flops`).
    """

    layers: tuple
    skipped: tuple = ()

    @property
    def macs(self):
        return sum(layer.macs for layer in self.layers if layer.operation == "multiply-add")

    @property
    def other_operations(self):
        return sum(
            layer.macs for layer in self.layers if layer.operation in ("comparison", "addition")
        )

    @property
    def forward_flops(self):
        return 2 * self.macs + self.other_operations

    @property
    def training_flops(self):
        return TRAINING_FACTOR * self.forward_flops

    def step_flops(self, batch_size):
        """FLOPs of one training step on a batch of `batch_size` examples.

        The optimizer's update (a few operations per parameter, once per step)
        is left out: next to the batch's products it is small.

        Raises:
            ValueError: if `batch_size` is not a positive integer.
        """
        batch_size = checks.positive_int(batch_size, "batch_size", "E.g. batch_size=32.")
        return batch_size * self.training_flops

    def table(self):
        """A plain-text table: each layer's kind, output shape, operations and share.

        A product layer's operations are multiply-adds, and its share is of
        the model's multiply-adds; a pooling layer's are comparisons or
        additions, totalled apart. Layer names are left out (they depend on
        what was built before), so the same architecture always gives the same text.
        """
        total = self.macs
        rows = [
            (
                layer.kind,
                str(layer.output_shape),
                f"{layer.macs:,}",
                f"{100 * layer.macs / total:.1f}%"
                if total and layer.operation in ("multiply-add", "none")
                else "",
                layer.operation if layer.operation != "none" else "",
            )
            for layer in self.layers
        ]
        rows.append(("total", "", f"{total:,}", "100.0%" if total else "", "multiply-adds"))
        if self.other_operations:
            rows.append(("", "", f"{self.other_operations:,}", "", "other operations"))
        return tables.format_table(
            rows,
            header=("layer", "output shape", "operations", "share", "counts"),
            align="llrrl",
        )


def count_macs(layer, input_shape=None):
    """Multiply-adds of one layer's forward pass on one example.

    - `Conv2D`: `out_height * out_width * kh * kw * (in_channels / groups) * filters`
      (see `conv2d_macs`; strides, padding and dilation set the output size);
    - `Dense`: `in_features * units` for every position of the input (one
      for a flat input);
    - `MaxPooling2D`, `AveragePooling2D`: `out_height * out_width * channels
      * pool_height * pool_width` operations, one comparison or addition per
      window element (with `"same"` padding a window that hangs over the edge
      is counted whole); `GlobalMaxPooling2D`, `GlobalAveragePooling2D`:
      `height * width * channels`;
    - `InputLayer`, `Flatten`, `Reshape`, `Dropout` and the activation layers
      (`Activation`, `ReLU`, ...): 0.

    Biases and activations are not counted (one operation per output value).

    Args:
        layer: a Keras layer.
        input_shape: the shape of one example's input to the layer, without
            the batch axis, e.g. `(28, 28, 1)`; by default the layer's input in
            its model (`layer.input.shape`).

    Returns:
        The number of multiply-adds, an int.

    Raises:
        ValueError: if `layer` is not a Keras layer, its input shape is not
            known or not fixed, or its class is not one of those above.

    >>> import keras
    >>> count_macs(keras.layers.Conv2D(8, 3), input_shape=(7, 9, 3))  # 5 * 7 * 3 * 3 * 3 * 8
    7560
    >>> count_macs(keras.layers.Dense(10), input_shape=(64,))
    640
    """
    return _count(layer, input_shape)[1]


def count_flops(model, skip_unknown=False):
    """Counts the multiply-adds of one example through a built model, layer by layer.

    Each layer is counted with `count_macs` on the input shape it has in the
    model. The result gives the totals a training step needs:

    - `macs`: multiply-adds of one forward pass;
    - `forward_flops = 2 * macs`: a multiply-add is two FLOPs;
    - `training_flops = 3 * forward_flops`: the backward pass computes, for
      every layer, the gradient with respect to its input and the gradient
      with respect to its weights, each a product as large as the forward
      one, so it costs about twice the forward pass (`TRAINING_FACTOR`);
    - `step_flops(batch_size)`: one training step on a batch.

    Args:
        model: a built `keras.Model` (e.g. a `keras.Sequential` that starts
            with `keras.Input`).
        skip_unknown: what to do with a layer `count_macs` does not know:
            `False` raises a ValueError naming it; `True` counts it as 0,
            marks its row `"not counted"` and lists it in `skipped`, so the
            totals are a lower bound.

    Returns:
        A `ModelFlops`: `layers` (one `LayerFlops` per layer), `macs`,
        `forward_flops`, `training_flops`, `step_flops(batch_size)`, `table()`.

    Raises:
        ValueError: if `model` is not a built Keras model, a layer's input
            shape is not known, or a layer is unknown and `skip_unknown` is
            False.

    >>> from course_utils.classification import build_seed_cnn
    >>> flops = count_flops(build_seed_cnn())
    >>> flops.macs, flops.other_operations, flops.forward_flops, flops.training_flops
    (2794240, 28032, 5616512, 16849536)
    >>> print(flops.table())
    layer         output shape  operations   share  counts
    Conv2D        (26, 26, 32)     194,688    7.0%  multiply-add
    MaxPooling2D  (13, 13, 32)      21,632          comparison
    Conv2D        (11, 11, 64)   2,230,272   79.8%  multiply-add
    MaxPooling2D  (5, 5, 64)         6,400          comparison
    Conv2D        (3, 3, 64)       331,776   11.9%  multiply-add
    Flatten       (576,)                 0    0.0%
    Dense         (64,)             36,864    1.3%  multiply-add
    Dense         (10,)                640    0.0%  multiply-add
    total                        2,794,240  100.0%  multiply-adds
                                    28,032          other operations
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model; received {type(model).__name__}. Pass the model "
            "itself, e.g. count_flops(classification.build_seed_cnn())."
        )
    if not model.built:
        raise ValueError(
            f"`model` {model.name!r} is not built: its layers' input shapes are not known yet. "
            "Start a Sequential model with keras.Input(shape=(28, 28, 1)), or call "
            "model.build((None, 28, 28, 1)) before counting."
        )
    if not isinstance(skip_unknown, bool):
        raise ValueError(f"`skip_unknown` must be True or False; received {skip_unknown!r}.")
    rows, skipped = [], []
    for layer in model.layers:
        try:
            output_shape, macs, operation = _count(layer, None)
        except _UnknownLayer:
            if not skip_unknown:
                raise
            output_shape, macs, operation = _shape_of(layer.output), 0, "not counted"
            skipped.append(layer.name)
        rows.append(LayerFlops(layer.name, type(layer).__name__, output_shape, macs, operation))
    return ModelFlops(tuple(rows), tuple(skipped))


class _UnknownLayer(ValueError):
    """A layer whose cost `count_macs` does not know (a ValueError for the caller)."""


def _count(layer, input_shape):
    """`(output_shape, macs, operation)` of one layer on one example."""
    import keras
    from keras import layers

    if not isinstance(layer, keras.layers.Layer):
        raise ValueError(
            f"`layer` must be a Keras layer; received {type(layer).__name__}. Pass one of "
            "model.layers, or a layer with input_shape=(height, width, channels)."
        )
    if isinstance(layer, layers.InputLayer):  # it has no input: it is one
        return _shape_of(layer.output), 0, "none"
    shape = _input_shape(layer, input_shape)
    kind = type(layer).__name__
    if isinstance(layer, layers.Conv2D):
        return _conv(layer, shape)
    if isinstance(layer, layers.Dense):
        if not shape:
            raise ValueError(
                f"The Dense layer {layer.name!r} needs an input with a feature axis; received "
                "shape (). Pass e.g. input_shape=(64,)."
            )
        positions = math.prod(shape[:-1])
        return (*shape[:-1], layer.units), positions * shape[-1] * layer.units, "multiply-add"
    if isinstance(layer, (layers.MaxPooling2D, layers.AveragePooling2D)):
        return _pool(layer, shape)
    if isinstance(layer, (layers.GlobalMaxPooling2D, layers.GlobalAveragePooling2D)):
        height, width, channels = _image_axes(layer, shape)
        operation = "comparison" if isinstance(layer, layers.GlobalMaxPooling2D) else "addition"
        output_shape = _shape_of(layer.compute_output_shape((None, *shape)))
        return output_shape, height * width * channels, operation
    if kind in _FREE:
        return _shape_of(layer.compute_output_shape((None, *shape))), 0, "none"
    raise _UnknownLayer(
        f"count_macs does not know the layer {layer.name!r} of class {kind}; it counts "
        f"{_SUPPORTED}. Count it by hand, or pass skip_unknown=True to count_flops to leave "
        "it out (the totals are then a lower bound)."
    )


def _input_shape(layer, input_shape):
    """One example's input shape (no batch axis) as a tuple of positive ints, or raises."""
    if input_shape is None:
        try:
            shape = tuple(layer.input.shape)[1:]
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"The layer {layer.name!r} has no known input shape ({error}). Pass "
                "input_shape=(height, width, channels) for one example, or count the "
                "layers of a built model (one that starts with keras.Input)."
            ) from None
    else:
        try:
            shape = tuple(input_shape)
        except TypeError:
            shape = (input_shape,)
    if not all(checks.is_integer(size) and size > 0 for size in shape):
        raise ValueError(
            f"The input of the layer {layer.name!r} must have a fixed shape of positive "
            f"integers for one example (no batch axis); received {shape!r}. Give the model a "
            "fixed input, e.g. keras.Input(shape=(28, 28, 1)), or pass input_shape=(28, 28, 1)."
        )
    return tuple(int(size) for size in shape)


def _image_axes(layer, shape):
    """`(height, width, channels)` of a 2D layer's input, whatever its data format."""
    if len(shape) != 3:
        raise ValueError(
            f"The {type(layer).__name__} layer {layer.name!r} takes one image of 3 axes "
            f"(height, width, channels); received an input of shape {shape}."
        )
    if getattr(layer, "data_format", "channels_last") == "channels_first":
        return shape[1], shape[2], shape[0]
    return shape


def _arrange(layer, height, width, channels):
    """The output shape `(height, width, channels)` in the layer's data format."""
    if getattr(layer, "data_format", "channels_last") == "channels_first":
        return channels, height, width
    return height, width, channels


def _conv(layer, shape):
    height, width, channels = _image_axes(layer, shape)
    groups = getattr(layer, "groups", 1)
    macs = conv2d_macs(
        (height, width, channels // groups),
        layer.filters,
        layer.kernel_size,
        layer.strides,
        layer.padding,
        layer.dilation_rate,
    )
    out_hw = _output_hw(
        (height, width), layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate
    )
    return _arrange(layer, *out_hw, layer.filters), macs, "multiply-add"


def _pool(layer, shape):
    from keras import layers

    height, width, channels = _image_axes(layer, shape)
    out_height, out_width = _output_hw(
        (height, width), layer.pool_size, layer.strides, layer.padding
    )
    pool_height, pool_width = int_pair(layer.pool_size, "pool_size")
    operation = "comparison" if isinstance(layer, layers.MaxPooling2D) else "addition"
    macs = out_height * out_width * channels * pool_height * pool_width
    return _arrange(layer, out_height, out_width, channels), macs, operation


def _shape_of(tensor_or_shape):
    """One example's shape (no batch axis) of a Keras tensor or a batch shape."""
    shape = getattr(tensor_or_shape, "shape", tensor_or_shape)
    return tuple(shape)[1:]

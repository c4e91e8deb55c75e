"""A transposed convolution that trains as fast as an ordinary one on every backend.

    layer = layers.Conv2DTranspose(64, 4, strides=2, padding="same")  # as keras.layers'

`Conv2DTranspose` is `keras.layers.Conv2DTranspose`: the same arguments, the
same weights, the same outputs. Only where the framework trains a strided
transposed convolution slowly (`backend.transposed_convolution_is_slow`: JAX
on a CPU, whose kernel gradient is many times slower than that of an
ordinary convolution) does it compute the same function another way, with
`conv_transpose_by_phases`.

A transposed convolution with stride s spreads each input pixel over the
output through the kernel, s pixels apart. So output pixel (s*m + a, s*n + b)
only ever meets the kernel taps u with u = a + p (mod s) and v = b + p
(mod s), where p is the crop of "same" padding: the s x s output *phases*
are each an ordinary stride-1 convolution of the input with a sub-kernel of
about (k/s) x (k/s) taps, and interleaving the phases gives the output.
"""

import keras
from keras import ops

from course_utils import backend, checks


def _phase_taps(stride, kernel_size):
    """For each output phase a: the kernel taps u it uses and the input offsets d, d ascending.

    Output pixel s*m + a of a "same" transposed convolution sums input pixel
    m + d times kernel tap u, for u = a + p - s*d, p = (k - s) // 2.
    """
    crop = (kernel_size - stride) // 2
    phases = []
    for a in range(stride):
        pairs = [
            (u, (a + crop - u) // stride)
            for u in range(kernel_size)
            if (a + crop - u) % stride == 0
        ]
        phases.append(sorted(pairs, key=lambda pair: pair[1]))
    return phases


def conv_transpose_by_phases(inputs, kernel, strides):
    """A "same" 2-D transposed convolution, computed as s x s ordinary convolutions.

    Equal to `keras.ops.conv_transpose(inputs, kernel, strides, padding="same")`
    (to float rounding), values and gradients, with channels last.

    Args:
        inputs: a tensor (batch, height, width, in_channels).
        kernel: a tensor (kh, kw, out_channels, in_channels), the layout of
            `keras.layers.Conv2DTranspose`'s kernel.
        strides: an integer or a pair; each no larger than the kernel's side.

    Returns:
        A tensor (batch, height * sh, width * sw, out_channels).

    Raises:
        ValueError: if the shapes do not fit together or a stride exceeds
            the kernel's side.

    >>> import numpy as np
    >>> x = np.arange(2 * 3 * 3 * 1, dtype="float32").reshape(2, 3, 3, 1)
    >>> w = np.ones((4, 4, 2, 1), dtype="float32")
    >>> ours = conv_transpose_by_phases(x, w, 2)
    >>> theirs = keras.ops.conv_transpose(x, w, strides=2, padding="same")
    >>> tuple(ours.shape), float(keras.ops.max(keras.ops.abs(ours - theirs)))
    ((2, 6, 6, 2), 0.0)
    """
    if checks.is_integer(strides):
        strides = (strides, strides)
    if (
        not isinstance(strides, (tuple, list))
        or len(strides) != 2
        or not all(checks.is_integer(s) and s > 0 for s in strides)
    ):
        raise ValueError(
            f"`strides` must be a positive integer or a pair of them; received {strides!r}. "
            "E.g. strides=2."
        )
    strides = tuple(strides)
    inputs, kernel = ops.convert_to_tensor(inputs), ops.convert_to_tensor(kernel)
    if len(inputs.shape) != 4 or len(kernel.shape) != 4 or inputs.shape[-1] != kernel.shape[3]:
        raise ValueError(
            "Expected inputs (batch, height, width, in_channels) and a kernel (kh, kw, "
            f"out_channels, in_channels); received shapes {tuple(inputs.shape)} and "
            f"{tuple(kernel.shape)}. The kernel's last axis must equal the inputs' channels."
        )
    if any(s > k for s, k in zip(strides, kernel.shape[:2])):
        raise ValueError(
            f"Each stride must be at most the kernel's side; received strides {strides} "
            f"and a {kernel.shape[0]}x{kernel.shape[1]} kernel. Use "
            "keras.ops.conv_transpose for such a layer."
        )
    height, width = inputs.shape[1], inputs.shape[2]
    rows_taps, columns_taps = (_phase_taps(s, k) for s, k in zip(strides, kernel.shape[:2]))
    kernel = ops.transpose(kernel, (0, 1, 3, 2))  # (kh, kw, in, out): ops.conv's layout
    rows = []
    for row_taps in rows_taps:
        us, dus = zip(*row_taps)
        rows_kernel = ops.take(kernel, list(us), axis=0)  # this row phase's taps
        phases = []
        for column_taps in columns_taps:
            vs, dvs = zip(*column_taps)
            # the taps in ascending offset order; ops.conv is a correlation
            sub_kernel = ops.take(rows_kernel, list(vs), axis=1)
            padded = ops.pad(inputs, [(0, 0), (-dus[0], dus[-1]), (-dvs[0], dvs[-1]), (0, 0)])
            phases.append(ops.conv(padded, sub_kernel, strides=1, padding="valid"))
        rows.append(ops.stack(phases, axis=3))  # (batch, height, width, sw, out)
    out = ops.stack(rows, axis=2)  # (batch, height, sh, width, sw, out)
    return ops.reshape(out, (-1, height * strides[0], width * strides[1], out.shape[-1]))


@keras.saving.register_keras_serializable(package="course_utils")
class Conv2DTranspose(keras.layers.Conv2DTranspose):
    """`keras.layers.Conv2DTranspose`, computed by phases where that trains faster.

    Same arguments, weights and outputs as Keras' layer. With "same" padding,
    channels last, no dilation or output padding, a stride above 1 and no
    larger than the kernel, and `backend.transposed_convolution_is_slow()`,
    the call computes `conv_transpose_by_phases`; otherwise Keras' own call.

    >>> layer = Conv2DTranspose(8, 4, strides=2, padding="same")
    >>> tuple(layer.compute_output_shape((None, 7, 7, 16)))
    (None, 14, 14, 8)
    """

    def _by_phases(self):
        return (
            self.padding == "same"
            and self.data_format == "channels_last"
            and tuple(self.dilation_rate) == (1, 1)
            and self.output_padding is None
            and max(self.strides) > 1
            and all(s <= k for s, k in zip(self.strides, self.kernel_size))
            and backend.transposed_convolution_is_slow()
        )

    def call(self, inputs):
        if not self._by_phases():
            return super().call(inputs)
        outputs = conv_transpose_by_phases(inputs, self.kernel, self.strides)
        if self.use_bias:
            outputs = ops.add(outputs, ops.reshape(self.bias, (1, 1, 1, self.filters)))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

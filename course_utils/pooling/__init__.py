"""Pooling by hand: max and average pooling, their gradients, global pooling, shift tolerance.

A pooling layer slides a window over each channel separately and keeps one
number per window: the largest (max pooling) or the mean (average pooling). It
has no weights to learn. The loop-by-loop versions equal
`keras.layers.MaxPooling2D` and `AveragePooling2D` (channels-last, both
paddings), and their backward passes equal Keras' automatic gradients.

What lives where (every public name is importable from here,
`pooling.max_pool2d_naive(...)`):

- `ops`: `max_pool2d_naive`, `avg_pool2d_naive`, `global_max_pool2d`,
  `global_avg_pool2d`, `pool_windows` (the pixels each window covers), and the
  shift-tolerance measures `shift_images` and `relative_change`;
- `backward`: `max_pool2d_backward_naive` (each window's gradient goes to its
  maximum; notebook 02 holds a copy a learner can edit), `avg_pool2d_backward_naive`
  (it is spread evenly), and `backward_windows`, their argument check;
- `figures`: `plot_pooling`, `plot_pooling_gradient`, `plot_shift_example` and
  `plot_shift_tolerance`.
"""

from course_utils.pooling.backward import (
    avg_pool2d_backward_naive,
    backward_windows,
    max_pool2d_backward_naive,
)
from course_utils.pooling.figures import (
    plot_pooling,
    plot_pooling_gradient,
    plot_shift_example,
    plot_shift_tolerance,
)
from course_utils.pooling.ops import (
    avg_pool2d_naive,
    global_avg_pool2d,
    global_max_pool2d,
    max_pool2d_naive,
    pool_windows,
    relative_change,
    shift_images,
)

__all__ = [
    "avg_pool2d_backward_naive",
    "avg_pool2d_naive",
    "backward_windows",
    "global_avg_pool2d",
    "global_max_pool2d",
    "max_pool2d_backward_naive",
    "max_pool2d_naive",
    "plot_pooling",
    "plot_pooling_gradient",
    "plot_shift_example",
    "plot_shift_tolerance",
    "pool_windows",
    "relative_change",
    "shift_images",
]

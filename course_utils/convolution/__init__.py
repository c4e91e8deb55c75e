"""Convolution by hand: the loop-by-loop version, a fast version, its backward pass, kernels.

What Keras calls a convolution is a cross-correlation: a small kernel slides
over the image and each output is the sum of the products of the kernel with
the pixels under it (the formula is in `ops`). `conv2d_naive` computes it loop
by loop, `conv2d_im2col` with one matrix product, as frameworks do; both equal
`keras.layers.Conv2D` (channels-last) with the same kernels and a zero bias.
`conv2d_backward_naive` is the backward pass that training needs: the
gradients with respect to the input and the kernels, equal to Keras' automatic
gradient of `Conv2D`.

What lives where (every public name is importable from here,
`convolution.conv2d_naive(...)`):

- `kernels`: the named kernels (`SOBEL_X`, `BOX_BLUR`, ..., all in
  `KERNELS`), `stack_kernels`, and the photograph they filter (`load_photo`,
  `PHOTO_FILE`, `PHOTO_CREDIT`);
- `ops`: the rules along one axis (`output_size`, `padding_amounts`), the
  convolutions (`conv2d_naive` and its argument check `conv2d_arguments`,
  `im2col`, `conv2d_im2col`) and
  `count_conv2d_params`, the course's one parameter count of a `Conv2D`;
- `backward`: `conv2d_backward_naive`, the gradients of a convolution, loop by
  loop (notebook 01 holds a copy a learner can edit), and `backward_arguments`;
- `arguments`: the argument checks that the convolutions and
  `course_utils.pooling` share (`PADDINGS`, `check_images`, `int_pair`, ...);
- `figures`: `plot_kernels`, `plot_maps`, `plot_padding_stride`,
  `plot_padding_strides` and `plot_timings`.
"""

from course_utils.convolution.arguments import PADDINGS
from course_utils.convolution.backward import backward_arguments, conv2d_backward_naive
from course_utils.convolution.figures import (
    plot_kernels,
    plot_maps,
    plot_padding_stride,
    plot_padding_strides,
    plot_timings,
)
from course_utils.convolution.kernels import (
    BOX_BLUR,
    GAUSSIAN_BLUR,
    HORIZONTAL_EDGE,
    IDENTITY,
    KERNELS,
    PHOTO_CREDIT,
    PHOTO_FILE,
    SHARPEN,
    SOBEL_X,
    SOBEL_Y,
    VERTICAL_EDGE,
    load_photo,
    stack_kernels,
)
from course_utils.convolution.ops import (
    conv2d_arguments,
    conv2d_im2col,
    conv2d_naive,
    count_conv2d_params,
    im2col,
    output_size,
    padding_amounts,
)

__all__ = [
    "BOX_BLUR",
    "GAUSSIAN_BLUR",
    "HORIZONTAL_EDGE",
    "IDENTITY",
    "KERNELS",
    "PADDINGS",
    "PHOTO_CREDIT",
    "PHOTO_FILE",
    "SHARPEN",
    "SOBEL_X",
    "SOBEL_Y",
    "VERTICAL_EDGE",
    "backward_arguments",
    "conv2d_arguments",
    "conv2d_backward_naive",
    "conv2d_im2col",
    "conv2d_naive",
    "count_conv2d_params",
    "im2col",
    "load_photo",
    "output_size",
    "padding_amounts",
    "plot_kernels",
    "plot_maps",
    "plot_padding_stride",
    "plot_padding_strides",
    "plot_timings",
    "stack_kernels",
]

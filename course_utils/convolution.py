"""Convolution by hand: the loop-by-loop version, a fast version, and named kernels.

What Keras calls a convolution is a cross-correlation: a small kernel slides
over the image and, at every position, the output is the sum of the products
of the kernel with the pixels under it,

    out[b, i, j, o] = sum over (u, v, c) of
                      images[b, i * s + u, j * s + v, c] * kernels[u, v, c, o]

for a stride `s`. `conv2d_naive` writes this out as loops; `conv2d_im2col`
gives the same numbers with one matrix product, as frameworks do. Both equal
`keras.layers.Conv2D` (channels-last) with the same kernels and a zero bias.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from course_utils import config

PADDINGS = ("valid", "same")


def _kernel(rows, scale=1.0):
    kernel = np.asarray(rows, dtype=np.float32) * np.float32(scale)
    kernel.setflags(write=False)  # shared constants: copy before changing one
    return kernel


IDENTITY = _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
"""Leaves the image unchanged (with "valid", it crops one pixel per side)."""

VERTICAL_EDGE = _kernel([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
"""Prewitt kernel: positive where brightness rises from left to right."""

HORIZONTAL_EDGE = _kernel([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
"""Prewitt kernel: positive where brightness rises from top to bottom."""

SOBEL_X = _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
"""Sobel kernel for vertical edges: like `VERTICAL_EDGE`, the middle row counts double."""

SOBEL_Y = _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
"""Sobel kernel for horizontal edges: like `HORIZONTAL_EDGE`, the middle column counts double."""

BOX_BLUR = _kernel(np.ones((5, 5)), scale=1 / 25)
"""5x5 mean: every output pixel is the average of the 25 pixels under the kernel."""

GAUSSIAN_BLUR = _kernel(np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]), scale=1 / 256)
"""5x5 binomial approximation of a Gaussian: a weighted mean, heaviest at the centre."""

SHARPEN = _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
"""The pixel plus the difference to its four neighbours: boosts fine detail."""

KERNELS = {
    "identity": IDENTITY,
    "vertical edge": VERTICAL_EDGE,
    "horizontal edge": HORIZONTAL_EDGE,
    "Sobel x": SOBEL_X,
    "Sobel y": SOBEL_Y,
    "box blur": BOX_BLUR,
    "Gaussian blur": GAUSSIAN_BLUR,
    "sharpen": SHARPEN,
}
"""The named kernels, in the order the notebook shows them."""

PHOTO_FILE = "grace_hopper.jpg"
PHOTO_CREDIT = (
    "Grace Hopper, U.S. Navy photograph (public domain), the sample image that "
    "matplotlib ships as matplotlib.cbook.get_sample_data('grace_hopper.jpg')"
)


def load_photo(color=False, downscale=1):
    """Loads the photograph of Grace Hopper that ships with matplotlib.

    A public-domain U.S. Navy portrait (600 x 512 pixels) found in every
    matplotlib installation, so it needs no download. Greyscale uses the
    ITU-R BT.601 weights `0.299 R + 0.587 G + 0.114 B`.

    Args:
        color: return the three RGB channels instead of greyscale.
        downscale: a positive integer; each `downscale x downscale` block of
            pixels is averaged into one (a cropped edge is dropped).

    Returns:
        float32 array with values in [0, 1], of shape `(height, width)`, or
        `(height, width, 3)` when `color` is true.

    Raises:
        ValueError: if `downscale` is not a positive integer.

    >>> load_photo().shape, load_photo(color=True, downscale=2).shape
    ((600, 512), (300, 256, 3))
    """
    if isinstance(downscale, bool) or not isinstance(downscale, (int, np.integer)) or downscale < 1:
        raise ValueError(
            f"`downscale` must be a positive integer; received {downscale!r}. "
            "Use 1 for the full 600 x 512 photograph, 2 for half its size."
        )
    from matplotlib import cbook

    rgb = plt.imread(cbook.get_sample_data(PHOTO_FILE, asfileobj=False))
    rgb = rgb[..., :3].astype(np.float32) / 255.0
    image = rgb if color else rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    if downscale > 1:
        height = image.shape[0] // downscale * downscale
        width = image.shape[1] // downscale * downscale
        blocks = image[:height, :width].reshape(
            height // downscale, downscale, width // downscale, downscale, *image.shape[2:]
        )
        image = blocks.mean(axis=(1, 3))
    return np.ascontiguousarray(image, dtype=np.float32)


def stack_kernels(kernels):
    """Stacks 2D kernels into the 4D array that convolutions and `Conv2D` take.

    Args:
        kernels: a list of 2D kernels of the same shape `(kh, kw)`.

    Returns:
        float32 array of shape `(kh, kw, 1, len(kernels))`: one input channel,
        one output channel (filter) per kernel.

    Raises:
        ValueError: if the list is empty or the kernels are not 2D of one shape.

    >>> stack_kernels([SOBEL_X, SOBEL_Y]).shape
    (3, 3, 1, 2)
    """
    kernels = [np.asarray(kernel) for kernel in kernels]
    shapes = sorted({kernel.shape for kernel in kernels})
    if not kernels or len(shapes) != 1 or len(shapes[0]) != 2:
        raise ValueError(
            "`kernels` must be a non-empty list of 2D kernels of one shape (kh, kw); "
            f"received shapes {shapes}. Stack kernels of different sizes separately."
        )
    return np.stack(kernels, axis=-1)[:, :, None, :].astype(np.float32)


def output_size(input_size, kernel_size, stride=1, padding="valid"):
    """Length of a convolution's (or pooling's) output along one axis.

    With `"valid"` the window stays inside the input: `(n - k) // s + 1`
    positions. With `"same"` Keras pads the input so that there are
    `ceil(n / s)` positions (the input's size when the stride is 1).

    Args:
        input_size: length of the input along the axis (positive integer).
        kernel_size: length of the kernel (or pooling window) along the axis.
        stride: step between two windows (positive integer).
        padding: `"valid"` or `"same"`.

    Returns:
        The number of output positions, an int.

    Raises:
        ValueError: if a size or the stride is not a positive integer, the
            padding is unknown, or the kernel is longer than the input with
            `"valid"`.

    >>> output_size(28, 3), output_size(28, 3, padding="same"), output_size(7, 3, stride=2)
    (26, 28, 3)
    >>> output_size(7, 2, stride=3, padding="same")
    3
    """
    config.positive_int(input_size, "input_size")
    config.positive_int(kernel_size, "kernel_size")
    config.positive_int(stride, "stride")
    padding = _check_padding(padding)
    if padding == "same":
        return -(-int(input_size) // int(stride))
    if kernel_size > input_size:
        raise ValueError(
            f"`kernel_size` {kernel_size} is larger than `input_size` {input_size}: with "
            "padding='valid' no window fits. Use a smaller kernel or padding='same'."
        )
    return (int(input_size) - int(kernel_size)) // int(stride) + 1


def padding_amounts(input_size, kernel_size, stride=1, padding="valid"):
    """Zeros added before and after the input along one axis, as Keras adds them.

    `"same"` pads `max((out - 1) * s + k - n, 0)` zeros in all, where `out` is
    `ceil(n / s)`; when that number is odd the extra zero goes after (at the
    bottom or the right), as in TensorFlow. `"valid"` pads nothing.

    Args:
        input_size, kernel_size, stride, padding: as in `output_size`.

    Returns:
        `(before, after)`, two ints.

    Raises:
        ValueError: as `output_size`.

    >>> padding_amounts(28, 3, padding="same"), padding_amounts(28, 4, padding="same")
    ((1, 1), (1, 2))
    >>> padding_amounts(7, 3, stride=2, padding="same"), padding_amounts(7, 3, stride=2)
    ((1, 1), (0, 0))
    """
    size = output_size(input_size, kernel_size, stride, padding)
    if _check_padding(padding) == "valid":
        return 0, 0
    total = max((size - 1) * int(stride) + int(kernel_size) - int(input_size), 0)
    return total // 2, total - total // 2


def conv2d_naive(images, kernels, strides=1, padding="valid"):
    """Cross-correlates a batch of images with a set of kernels, loop by loop.

    The teaching twin of `keras.layers.Conv2D` (channels-last, no bias): for
    every image, every output position and every filter it multiplies the
    window of the (padded) input with that filter's kernel and sums. Slow on
    purpose: every loop is visible. `conv2d_im2col` gives the same numbers fast.

    Args:
        images: array of shape `(batch, height, width, in_channels)`.
        kernels: array of shape `(kh, kw, in_channels, out_channels)`, the
            layout of `Conv2D`'s kernel; see `stack_kernels` for 2D kernels.
        strides: step between windows, an int or `(step_down, step_right)`.
        padding: `"valid"` (windows inside the image) or `"same"` (zero
            padding as Keras adds it; see `padding_amounts`).

    Returns:
        Array of shape `(batch, out_height, out_width, out_channels)`
        (see `output_size`), float32 unless an input is float64.

    Raises:
        ValueError: if `images` is not 4D, `kernels` is not 4D, their channel
            counts differ, a stride is not a positive integer, the padding is
            unknown, or the kernel does not fit in the image with `"valid"`.

    >>> image = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> conv2d_naive(image, VERTICAL_EDGE[:, :, None, None])[0, :, :, 0]
    array([[6., 6.],
           [6., 6.]])
    """
    images, kernels, (step_y, step_x), padding = _check_conv_args(images, kernels, strides, padding)
    padded, out_height, out_width = _pad(images, kernels.shape[:2], (step_y, step_x), padding)
    batch, kernel_height, kernel_width = len(images), kernels.shape[0], kernels.shape[1]
    filters = kernels.shape[3]
    out = np.zeros((batch, out_height, out_width, filters), dtype=np.float64)
    for b in range(batch):
        for i in range(out_height):
            for j in range(out_width):
                top, left = i * step_y, j * step_x
                window = padded[b, top : top + kernel_height, left : left + kernel_width, :]
                for o in range(filters):
                    out[b, i, j, o] = np.sum(window * kernels[:, :, :, o])
    return out.astype(_result_dtype(images, kernels))


def im2col(images, kernel_size, strides=1, padding="valid"):
    """Gathers every window a convolution sees into one row of a matrix.

    "Image to columns": the window under the kernel at output position
    `(i, j)` of image `b` becomes the row `patches[b, i, j]`, flattened in the
    order `(kh, kw, in_channels)`, the same order as a `Conv2D` kernel
    reshaped to `(kh * kw * in_channels, out_channels)`.

    Args:
        images: array of shape `(batch, height, width, in_channels)`.
        kernel_size: an int or `(kh, kw)`.
        strides, padding: as in `conv2d_naive`.

    Returns:
        Array of shape `(batch, out_height, out_width, kh * kw * in_channels)`.

    Raises:
        ValueError: as `conv2d_naive`.

    >>> im2col(np.arange(12.0).reshape(1, 3, 4, 1), 2)[0, 0]
    array([[0., 1., 4., 5.],
           [1., 2., 5., 6.],
           [2., 3., 6., 7.]])
    """
    kernel_height, kernel_width = _pair(kernel_size, "kernel_size")
    images = _check_images(images)
    placeholder = np.zeros((kernel_height, kernel_width, images.shape[-1], 1), dtype=np.float32)
    images, _, (step_y, step_x), padding = _check_conv_args(images, placeholder, strides, padding)
    padded, out_height, out_width = _pad(
        images, (kernel_height, kernel_width), (step_y, step_x), padding
    )
    # windows[b, i, j, c, u, v] = padded[b, i + u, j + v, c] for every position (i, j)
    windows = np.lib.stride_tricks.sliding_window_view(
        padded, (kernel_height, kernel_width), axis=(1, 2)
    )
    windows = windows[:, ::step_y, ::step_x][:, :out_height, :out_width]
    windows = windows.transpose(0, 1, 2, 4, 5, 3)  # (b, i, j, u, v, c): the kernel's order
    return windows.reshape(len(images), out_height, out_width, -1)


def conv2d_im2col(images, kernels, strides=1, padding="valid"):
    """The same cross-correlation as `conv2d_naive`, as one matrix product.

    `im2col` turns the images into a matrix with one row per output position;
    the kernels become a matrix with one column per filter; their product holds
    every output value. This is how frameworks compute convolutions: one large
    multiplication that optimised libraries run at full speed, instead of
    millions of small Python steps.

    Args, Returns, Raises: as `conv2d_naive`.

    >>> images = np.random.default_rng(0).normal(size=(2, 7, 6, 3))
    >>> kernels = np.random.default_rng(1).normal(size=(3, 2, 3, 4))
    >>> bool(np.allclose(conv2d_im2col(images, kernels, 2, "same"),
    ...                  conv2d_naive(images, kernels, 2, "same")))
    True
    """
    images, kernels, strides, padding = _check_conv_args(images, kernels, strides, padding)
    patches = im2col(images, kernels.shape[:2], strides, padding)
    matrix = kernels.reshape(-1, kernels.shape[-1]).astype(np.float64)
    out = patches.reshape(-1, patches.shape[-1]) @ matrix
    return out.reshape(*patches.shape[:3], -1).astype(_result_dtype(images, kernels))


def count_conv2d_params(kernel_size, in_channels, filters, use_bias=True):
    """Number of trainable numbers in a `Conv2D` layer.

    Each of the `filters` kernels has `kh * kw * in_channels` weights, plus one
    bias per filter: `kh * kw * in_channels * filters + filters`. It does not
    depend on the size of the image.

    Args:
        kernel_size: an int or `(kh, kw)`.
        in_channels: channels of the layer's input.
        filters: output channels (kernels) of the layer.
        use_bias: whether the layer adds a bias per filter (Keras' default).

    Returns:
        The parameter count, an int.

    Raises:
        ValueError: if a size is not a positive integer.

    >>> count_conv2d_params(3, 1, 32), count_conv2d_params((3, 3), 32, 64)
    (320, 18496)
    """
    kernel_height, kernel_width = _pair(kernel_size, "kernel_size")
    config.positive_int(in_channels, "in_channels")
    config.positive_int(filters, "filters")
    weights = kernel_height * kernel_width * int(in_channels) * int(filters)
    return weights + (int(filters) if use_bias else 0)


def plot_kernels(kernels, titles=None, size=1.7):
    """Draws 2D kernels as small grids with each weight written in its cell.

    Red cells are positive weights, blue negative, white zero. Blur kernels
    show whole numbers and their common divisor in the title, e.g. "(÷ 25)".

    Args:
        kernels: a dict `{title: kernel}` or a list of 2D kernels.
        titles: titles for a list of kernels (ignored for a dict).
        size: inches per kernel.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if there is no kernel, one is not 2D, or the number of
            titles differs from the number of kernels.

    >>> fig = plot_kernels({"Sobel x": SOBEL_X, "box blur": BOX_BLUR})
    >>> [ax.get_title() for ax in fig.axes]
    ['Sobel x', 'box blur (÷ 25)']
    """
    if isinstance(kernels, dict):
        titles, kernels = list(kernels), list(kernels.values())
    kernels = [np.asarray(kernel, dtype=np.float64) for kernel in kernels]
    if not kernels or any(kernel.ndim != 2 for kernel in kernels):
        raise ValueError(
            "`kernels` must be a non-empty dict or list of 2D kernels; received shapes "
            f"{[kernel.shape for kernel in kernels]}. Pass e.g. convolution.KERNELS."
        )
    if titles is not None and len(titles) != len(kernels):
        raise ValueError(
            f"`titles` has {len(titles)} entries for {len(kernels)} kernels; pass one per kernel."
        )
    fig, axes = plt.subplots(1, len(kernels), figsize=(size * len(kernels), size + 0.3))
    for index, (ax, kernel) in enumerate(zip(np.atleast_1d(axes), kernels)):
        limit = np.abs(kernel).max() or 1.0
        ax.imshow(
            kernel, cmap="bwr", vmin=-1.8 * limit, vmax=1.8 * limit
        )  # pale: text stays legible
        texts, denominator = _as_fractions(kernel)
        font = 9 if max(kernel.shape) <= 3 else 8
        for row, col in np.ndindex(*kernel.shape):
            ax.text(col, row, texts[row][col], ha="center", va="center", fontsize=font)
        ax.set_xticks([])
        ax.set_yticks([])
        title = "" if titles is None else str(titles[index])
        if denominator > 1:
            title = f"{title} (÷ {denominator})".strip()
        if title:
            ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_maps(maps, titles=None, signed=None, ncols=4, size=2.6, title=None, signed_limit=None):
    """Shows 2D arrays of any sizes side by side, e.g. an image and its filtered versions.

    Each map keeps its own pixel count, so a smaller output looks smaller.
    An RGB image `(height, width, 3)` with values in [0, 1] is shown in colour.
    Signed maps (edge responses) use a red-blue scale centred at zero (red
    positive, blue negative, full colour from the 99th percentile of the
    absolute values on, so that a few extreme pixels do not fade the rest);
    the others use grey, from their smallest value (black) to their largest.

    Args:
        maps: a list of 2D arrays or RGB images (or one 3D array, one map
            per entry).
        titles: optional titles, one per map.
        signed: `True`/`False` for all maps, a list with one of them per map,
            or `None` to decide per map (signed when it has values clearly
            below zero).
        ncols: maps per row.
        size: inches per panel.
        title: optional title of the whole figure.
        signed_limit: the value at which signed maps reach full colour, so
            that their colours compare: one positive number for all, or a
            list with one per map (`None` for a map's own scale, the default).

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if there is no map, one is neither 2D nor RGB, a limit is
            not a positive number, or a list of titles, flags or limits does
            not have one entry per map.

    >>> fig = plot_maps([np.eye(4), -np.eye(2)], titles=["a", "b"])
    >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
    ['a', 'b']
    """
    maps = [np.asarray(item, dtype=np.float64) for item in maps]
    if not maps or any(item.ndim != 2 and item.shape[-1:] != (3,) for item in maps):
        raise ValueError(
            "`maps` must be a non-empty list of 2D arrays (height, width) or RGB images "
            "(height, width, 3); received shapes "
            f"{[item.shape for item in maps]}. For a batch use list(x[:, :, :, 0])."
        )
    if titles is not None and len(titles) != len(maps):
        raise ValueError(
            f"`titles` has {len(titles)} entries for {len(maps)} maps; pass one per map."
        )
    signs = _per_map(signed, "signed", len(maps))
    limits = _per_map(signed_limit, "signed_limit", len(maps))
    if any(limit is not None and not _positive_number(limit) for limit in limits):
        raise ValueError(
            f"`signed_limit` must hold positive numbers or None; received {signed_limit!r}."
        )
    ncols = max(1, min(int(ncols), len(maps)))
    nrows = math.ceil(len(maps) / ncols)
    tallest = max(item.shape[0] for item in maps)
    widest = max(item.shape[1] for item in maps)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(size * ncols, (size + 0.35) * nrows + (0.4 if title else 0)),
        squeeze=False,
    )
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(maps):
            continue
        item = maps[index]
        low, high = float(item.min()), float(item.max())
        is_signed = (
            signs[index] if signs[index] is not None else low < -0.05 * max(abs(high), 1e-12)
        )
        # Same pixel size in every panel: a smaller map fills less of its panel.
        height, width = item.shape[:2]
        left, top = (widest - width) / 2, (tallest - height) / 2
        extent = (left, left + width, top + height, top)
        if item.ndim == 3:
            ax.imshow(np.clip(item, 0, 1), extent=extent)
        elif is_signed:
            limit = limits[index] or float(np.percentile(np.abs(item), 99))
            limit = limit or max(abs(low), abs(high)) or 1.0
            ax.imshow(item, cmap="bwr", vmin=-limit, vmax=limit, extent=extent)
        else:
            ax.imshow(item, cmap="gray", extent=extent)
        ax.set_xlim(0, widest)
        ax.set_ylim(tallest, 0)
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_padding_stride(input_size, kernel_size, stride=1, padding="valid", ax=None):
    """Draws where a kernel's windows fall on an input, for one padding and stride.

    The input cells are white, the zeros of "same" padding grey; the first
    window is outlined, and every window's centre is marked with a dot, one dot
    per output pixel. The title gives the formula's answer.

    Args:
        input_size: side of a square input (at most 16, so it stays readable).
        kernel_size: side of the square kernel.
        stride, padding: as in `output_size`.
        ax: an Axes to draw on; a new figure when `None`.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: as `output_size`, or if `input_size` is above 16.

    >>> fig = plot_padding_stride(5, 3, stride=2, padding="same")
    >>> fig.axes[0].get_title()
    'input 5, kernel 3, stride 2, same\\npadding 1+1 → output 3 x 3'
    """
    size = output_size(input_size, kernel_size, stride, padding)
    if input_size > 16:
        raise ValueError(
            f"`input_size` must be at most 16 to stay readable; received {input_size}."
        )
    before, after = padding_amounts(input_size, kernel_size, stride, padding)
    total = before + int(input_size) + after
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.32 * total + 0.6, 0.32 * total + 0.9))
    else:
        fig = ax.figure
    for row in range(total):
        for col in range(total):
            inside = before <= row < before + input_size and before <= col < before + input_size
            ax.add_patch(
                plt.Rectangle(
                    (col, row),
                    1,
                    1,
                    facecolor="white" if inside else "#d0d0d0",
                    edgecolor="#888888",
                    linewidth=0.6,
                    hatch=None if inside else "//",
                )
            )
    ax.add_patch(
        plt.Rectangle(
            (0, 0), kernel_size, kernel_size, fill=False, edgecolor="tab:red", linewidth=2.2
        )
    )
    if size > 1:
        ax.add_patch(
            plt.Rectangle(
                (stride, 0),
                kernel_size,
                kernel_size,
                fill=False,
                edgecolor="tab:orange",
                linewidth=1.6,
                linestyle="--",
            )
        )
    centres = (np.arange(size) * stride + kernel_size / 2).tolist()
    for y in centres:
        for x in centres:
            ax.plot(x, y, "o", color="tab:blue", markersize=4)
    ax.set_xlim(-0.2, total + 0.2)
    ax.set_ylim(total + 0.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    pad_text = f"padding {before}+{after}" if padding == "same" else "no padding"
    ax.set_title(
        f"input {input_size}, kernel {kernel_size}, stride {stride}, {padding}\n"
        f"{pad_text} → output {size} x {size}",
        fontsize=9,
    )
    return fig


def plot_padding_strides(configs, ncols=3):
    """Draws `plot_padding_stride` for several configurations, side by side.

    Args:
        configs: a list of `(input_size, kernel_size, stride, padding)`.
        ncols: diagrams per row.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if `configs` is empty or an entry is not such a 4-tuple,
            or as `plot_padding_stride`.

    >>> fig = plot_padding_strides([(5, 3, 1, "valid"), (5, 3, 1, "same")])
    >>> [ax.get_title().split(chr(10))[1] for ax in fig.axes]
    ['no padding → output 3 x 3', 'padding 1+1 → output 5 x 5']
    """
    configs = list(configs)
    if not configs or any(not isinstance(c, (tuple, list)) or len(c) != 4 for c in configs):
        raise ValueError(
            "`configs` must be a non-empty list of (input_size, kernel_size, stride, padding) "
            f"tuples; received {configs!r:.100}."
        )
    ncols = max(1, min(int(ncols), len(configs)))
    nrows = math.ceil(len(configs) / ncols)
    side = max(
        sum(padding_amounts(*config)) + config[0] for config in configs
    )  # the largest padded input
    panel = 0.3 * side + 0.8
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel * ncols, (panel + 0.3) * nrows), squeeze=False
    )
    for ax in axes.flat[len(configs) :]:
        ax.axis("off")
    for ax, setting in zip(axes.flat, configs):
        plot_padding_stride(*setting, ax=ax)
        ax.set_xlim(-0.2, side + 0.2)
        ax.set_ylim(side + 0.2, -0.2)
    fig.tight_layout()
    return fig


def plot_timings(seconds, title=None):
    """Bar chart of measured run times on a logarithmic axis, each bar labelled.

    Args:
        seconds: a dict `{name: seconds}` of positive times.
        title: optional title.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if the dict is empty or a time is not a positive number.

    >>> fig = plot_timings({"loops": 2.0, "matrix product": 0.01})
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if not isinstance(seconds, dict) or not seconds:
        raise ValueError(
            "`seconds` must be a non-empty dict {name: seconds}; received "
            f"{type(seconds).__name__} {seconds!r:.80}."
        )
    bad = {name: value for name, value in seconds.items() if not _positive_number(value)}
    if bad:
        raise ValueError(f"Times must be positive numbers of seconds; received {bad}.")
    names, values = list(seconds), [float(value) for value in seconds.values()]
    fig, ax = plt.subplots(figsize=(6.4, 0.55 * len(names) + 0.9))
    bars = ax.barh(names, values, color="tab:blue")
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(min(values) / 3, max(values) * 40)
    slowest = max(values)
    for bar, value in zip(bars, values):
        label = f"{_format_seconds(value)}"
        if value < slowest:
            label += f"  ({slowest / value:,.0f}x faster)"
        ax.text(value * 1.15, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=9)
    ax.set_xlabel("seconds (log scale)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _per_map(value, name, count):
    """One value per map: a list as it is (checked), or a single value repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"`{name}` has {len(value)} entries for {count} maps; pass one per map, "
                "or a single value for all."
            )
        return list(value)
    return [value] * count


def _positive_number(value):
    try:
        return not isinstance(value, bool) and math.isfinite(float(value)) and float(value) > 0
    except (TypeError, ValueError):
        return False


def _format_seconds(value):
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def _as_fractions(kernel):
    """Writes weights briefly: `(texts, denominator)`, e.g. blur weights as
    whole numbers to be divided by 25 or 256; other weights with two digits."""
    for denominator in (1, 9, 16, 25, 256):
        scaled = kernel * denominator
        if np.allclose(scaled, np.round(scaled), atol=1e-4):
            numerators = np.round(scaled).astype(int)
            return [[str(value) for value in row] for row in numerators], denominator
    return [[f"{value:.2g}" for value in row] for row in kernel], 1


def _check_conv_args(images, kernels, strides, padding):
    images = _check_images(images)
    kernels = _as_numeric(kernels, "kernels")
    if kernels.ndim != 4:
        raise ValueError(
            "`kernels` must be 4D (kernel_height, kernel_width, in_channels, out_channels), "
            f"the layout of Conv2D's kernel; received shape {kernels.shape}. For one 2D "
            "kernel use kernel[:, :, None, None]; for several, stack_kernels([...])."
        )
    if min(kernels.shape) < 1:
        raise ValueError(f"`kernels` must not be empty; received shape {kernels.shape}.")
    if kernels.shape[2] != images.shape[3]:
        raise ValueError(
            f"`images` have {images.shape[3]} channels (shape {images.shape}) but `kernels` "
            f"expect {kernels.shape[2]} input channels (shape {kernels.shape}); the third "
            "axis of the kernels must equal the last axis of the images."
        )
    strides = _pair(strides, "strides")
    padding = _check_padding(padding)
    if padding == "valid":
        for axis, name in ((0, "height"), (1, "width")):
            if kernels.shape[axis] > images.shape[axis + 1]:
                raise ValueError(
                    f"The kernel (shape {kernels.shape[:2]}) is larger than the images "
                    f"(height x width {images.shape[1:3]}) in {name}: with padding='valid' no "
                    "window fits. Use a smaller kernel, larger images, or padding='same'."
                )
    return images, kernels, strides, padding


def _check_images(images):
    images = _as_numeric(images, "images")
    if images.ndim != 4:
        raise ValueError(
            "`images` must be 4D (batch, height, width, channels); received shape "
            f"{images.shape}. For one greyscale image use image[None, :, :, None]; for a "
            "batch of greyscale images, images[..., None]."
        )
    if min(images.shape) < 1:
        raise ValueError(f"`images` must not be empty; received shape {images.shape}.")
    return images


def _as_numeric(value, name):
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(f"`{name}` must be a numeric array; received {error}.") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"`{name}` must hold numbers; received dtype {array.dtype}. Convert it with "
            "np.asarray(..., dtype=np.float32)."
        )
    return array


def _pair(value, name):
    """An int or a pair of ints, as Keras takes `strides` and `kernel_size`."""
    pair = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else (value, value)
    if len(pair) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1 for v in pair
    ):
        raise ValueError(
            f"`{name}` must be a positive integer or a pair of them (rows, columns); "
            f"received {value!r}. For example {name}=2 or {name}=(2, 1)."
        )
    return int(pair[0]), int(pair[1])


def _check_padding(padding):
    name = padding.lower() if isinstance(padding, str) else padding
    if name not in PADDINGS:
        raise ValueError(
            f"`padding` must be 'valid' or 'same'; received {padding!r}. 'valid' keeps every "
            "window inside the input; 'same' pads with zeros so that stride 1 keeps the size."
        )
    return name


def _pad(images, kernel_size, strides, padding):
    """Zero-pads `images` as Keras does; returns it with the output height and width."""
    (top, bottom), (left, right) = (
        padding_amounts(images.shape[axis], kernel_size[axis - 1], strides[axis - 1], padding)
        for axis in (1, 2)
    )
    sizes = [
        output_size(images.shape[axis], kernel_size[axis - 1], strides[axis - 1], padding)
        for axis in (1, 2)
    ]
    padded = np.pad(images.astype(np.float64), ((0, 0), (top, bottom), (left, right), (0, 0)))
    return padded, sizes[0], sizes[1]


def _result_dtype(*arrays):
    return np.result_type(np.float32, *(array.dtype for array in arrays))

"""The named kernels of notebook 01, how to stack them, and the photograph they filter.

Every kernel is a read-only float32 2D array `(kh, kw)`; `KERNELS` lists them
by name in the order the notebook shows them, and `stack_kernels` turns a list
of them into the 4D `(kh, kw, in_channels, out_channels)` layout of a
`Conv2D` kernel. `load_photo` loads the public-domain portrait of Grace
Hopper that ships with matplotlib (`PHOTO_CREDIT` says where it comes from).
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks


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
    downscale = checks.positive_int(
        downscale,
        "downscale",
        "Use 1 for the full 600 x 512 photograph, 2 for half its size.",
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

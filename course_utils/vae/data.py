"""The VAE's data: MNIST statically binarized, each pixel 0 or 1.

train_images, train_labels = load_binarized_mnist("train")   # (60000, 28, 28, 1)
binarize(grey_images)                                         # pixel / 255 > 0.5
"""

import numpy as np

from course_utils import checks
from course_utils import data as course_data
from course_utils.vae import _checks

IMAGE_SHAPE = (28, 28, 1)
BINARIZE_THRESHOLD = 0.5  # as the TensorFlow VAE tutorial: pixel / 255 > 0.5 -> 1


def binarize(images, threshold=BINARIZE_THRESHOLD):
    """Statically binarizes images: a pixel becomes 1 where it is above `threshold`, else 0.

    uint8 images (0-255) are scaled to [0, 1] first, so `threshold=0.5` means
    "brighter than mid-grey" for both. The result is fixed once (static
    binarization), as in the TensorFlow VAE tutorial, so every epoch and the
    test ELBO see the same 0/1 images.

    Args:
        images: uint8 array with values 0-255, or a float array with values in
            [0, 1]; any shape, e.g. `(n, 28, 28)` or `(n, 28, 28, 1)`.
        threshold: a number strictly between 0 and 1.

    Returns:
        float32 array of the same shape holding only 0.0 and 1.0.

    Raises:
        ValueError: if float images leave [0, 1], the images are not numeric,
            or `threshold` is not between 0 and 1.

    >>> binarize(np.array([[0, 127, 128, 255]], dtype=np.uint8))
    array([[0., 0., 1., 1.]], dtype=float32)
    """
    if not checks.is_number(threshold):
        raise ValueError(f"`threshold` must be a number in (0, 1); received {threshold!r}.")
    if not 0 < float(threshold) < 1:
        raise ValueError(
            f"`threshold` must be strictly between 0 and 1; received {threshold}. "
            "Use 0.5 for the usual static binarization."
        )
    array = np.asarray(images)
    if array.dtype == np.uint8:
        array = array.astype(np.float32) / 255.0
    else:
        array = _checks.unit_interval(array, "images", "binarize")
    return (array > threshold).astype(np.float32)


def load_binarized_mnist(split, limit=None):
    """Loads MNIST as the VAE uses it: statically binarized, shape `(n, 28, 28, 1)`.

    Args:
        split: `"train"` or `"test"`.
        limit: number of images, `None` for the whole split (see `data.load_mnist`).

    Returns:
        `(images, labels)`: float32 images of 0.0 and 1.0 with shape
        `(n, 28, 28, 1)`, and uint8 labels of shape `(n,)`.

    Raises:
        ValueError: as `data.load_mnist` does, for a bad split or limit.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):  # the data source, printed once
    ...     images, labels = load_binarized_mnist("test", limit=10)
    >>> images.shape, images.dtype, sorted(np.unique(images).tolist())
    ((10, 28, 28, 1), dtype('float32'), [0.0, 1.0])
    """
    images, labels = course_data.load_mnist(split, limit=limit)
    return binarize(images)[..., None], labels

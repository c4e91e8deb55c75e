"""How alike a learned kernel and a hand-made one are, and how alike chance makes them.

    kernel_cosine(SOBEL_X, learned[5])              # 1: same pattern, 0: unrelated, -1: negative
    chance_cosine(SOBEL_X, candidates=32, seed=0)   # what the best of 32 random kernels reach

Notebook 09 writes `kernel_cosine` in a cell (this is its tested copy) and
compares the learned kernels of the seed CNN's first layer with the kernels
notebook 01 made by hand.
"""

import numpy as np

from course_utils import checks
from course_utils.interpretation import arguments


def kernel_cosine(a, b):
    """The cosine of two kernels seen as vectors, after subtracting each one's mean."""
    a, b = np.ravel(a - a.mean()), np.ravel(b - b.mean())
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def chance_cosine(kernel, candidates=40, draws=50, seed=0):
    """The `|cosine|` of the best match among random kernels, averaged over draws.

    Random kernels (standard normal weights) of the size of `kernel`: the
    best of `candidates` of them is what a layer of `candidates` kernels would
    match by chance, without having learned anything.

    Args:
        kernel: a 2D array.
        candidates: random kernels per draw, e.g. the number of learned kernels.
        draws: how many sets of random kernels the mean is taken over.
        seed: seed of NumPy's generator.

    Returns:
        The mean over the draws of the best `|kernel_cosine|`, a float in [0, 1].

    Raises:
        ValueError: if `kernel` is not 2D or a count is not a positive integer.

    >>> 0.5 < chance_cosine(np.eye(3), candidates=40) < 1.0
    True
    >>> chance_cosine(np.eye(3), candidates=40) < chance_cosine(np.eye(3), candidates=400)
    True
    """
    kernel = _check_kernel(kernel)
    candidates = checks.positive_int(candidates, "candidates", "E.g. candidates=40.")
    draws = checks.positive_int(draws, "draws", "E.g. draws=50.")
    seed = checks.integer(seed, "seed", fix="E.g. seed=0.")
    rng = np.random.default_rng(seed)
    random_kernels = rng.normal(size=(draws, candidates, *kernel.shape))
    best = [max(abs(kernel_cosine(kernel, r)) for r in draw) for draw in random_kernels]
    return float(np.mean(best))


def _check_kernel(kernel):
    kernel = arguments.as_numeric(kernel, "kernel").astype(np.float64)
    if kernel.ndim != 2 or min(kernel.shape) < 1:
        raise ValueError(
            f"`kernel` must be one 2D kernel (height, width); received shape {kernel.shape}. "
            "For a Conv2D kernel (height, width, 1, filters) take kernel[:, :, 0, k]."
        )
    return kernel

"""course_utils.interpretation.kernels: how alike two kernels are, and how alike chance makes them."""

import numpy as np
import pytest
import scipy.spatial.distance

from course_utils import interpretation

RNG = np.random.default_rng(0)


def test_kernel_cosine_is_the_cosine_of_the_centred_kernels():
    for shape in [(3, 3), (5, 3), (1, 7)]:
        a, b = RNG.normal(size=shape), RNG.normal(size=shape) * 40 + 3
        expected = 1 - scipy.spatial.distance.correlation(a.ravel(), b.ravel())
        assert interpretation.kernel_cosine(a, b) == pytest.approx(expected, abs=1e-9)


def test_kernel_cosine_ignores_brightness_and_scale_and_sees_polarity():
    sobel = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert interpretation.kernel_cosine(sobel, 0.01 * sobel + 5) == pytest.approx(1.0)
    assert interpretation.kernel_cosine(sobel, -sobel) == pytest.approx(-1.0)
    assert interpretation.kernel_cosine(sobel, sobel.T) == pytest.approx(0.0, abs=1e-12)
    assert interpretation.kernel_cosine(sobel, np.ones((3, 3))) == 0.0  # a flat kernel: no pattern


def test_chance_cosine_is_the_mean_best_match_of_random_kernels():
    kernel = RNG.normal(size=(3, 3))
    rng = np.random.default_rng(7)
    random_kernels = rng.normal(size=(6, 10, 3, 3))
    expected = np.mean(
        [max(abs(interpretation.kernel_cosine(kernel, r)) for r in draw) for draw in random_kernels]
    )
    got = interpretation.chance_cosine(kernel, candidates=10, draws=6, seed=7)
    assert got == pytest.approx(expected)
    assert interpretation.chance_cosine(kernel, candidates=10, draws=6, seed=7) == got
    few, many = (interpretation.chance_cosine(kernel, candidates=n, seed=1) for n in (4, 64))
    assert 0 < few < many < 1  # the more candidates, the closer the best one comes by chance


@pytest.mark.parametrize(
    "kernel, kwargs, match",
    [
        (np.ones((3, 3, 1)), {}, "one 2D kernel"),
        (np.ones(3), {}, "one 2D kernel"),
        (np.ones((3, 3)), {"candidates": 0}, "candidates"),
        (np.ones((3, 3)), {"draws": 2.5}, "draws"),
        (np.ones((3, 3)), {"seed": "a"}, "seed"),
    ],
)
def test_chance_cosine_rejects_bad_arguments(kernel, kwargs, match):
    with pytest.raises(ValueError, match=match):
        interpretation.chance_cosine(kernel, **kwargs)

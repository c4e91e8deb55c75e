"""Notebook 00's warm-up exercise: scaling pixel values to [0, 1]."""

import numpy as np

from course_utils.exercises.core import Case, compare_arrays, register, run_checks

register(
    "normalize",
    hint="""
        Pixels are uint8 integers from 0 (black) to 255 (white). Divide by the
        largest possible value, 255, not by the largest value in the image, so
        every image is scaled the same way. Return floats of the same shape.
    """,
    solution="""
        def my_normalize(images):
            return images.astype("float32") / 255.0
    """,
)


def _normalize_cases():
    rng = np.random.default_rng(0)
    dark = rng.integers(40, 101, size=(2, 6, 6), dtype=np.uint8)  # values 40..100 only
    cases = [
        Case(
            "dark images (values 40-100)",
            (dark,),
            dark / 255.0,
            hint="a dark image must stay dark: divide by 255, not by the image's own maximum "
            "or range.",
        )
    ]
    for shape in [(2, 5, 7), (1, 28, 28), (3, 4, 1)]:
        images = rng.integers(0, 256, size=shape, dtype=np.uint8)
        cases.append(Case(f"random uint8 images of shape {shape}", (images,), images / 255.0))
    extremes = np.array([[[0, 255], [255, 0]]], dtype=np.uint8)
    cases.append(
        Case(
            "black and white pixels (0 and 255)",
            (extremes,),
            extremes / 255.0,
            hint="0 must map to 0.0 and 255 to 1.0.",
        )
    )
    return cases


def check_normalize(fn):
    """Checks `fn(images)`: uint8 pixels 0..255 to floats in [0, 1] (divide by 255).

    Returns:
        True when `fn` matches `images / 255` on every case, else False.

    >>> check_normalize(lambda images: images / 255.0)
    ✓ Exercise 0.1 (normalize): correct on all 5 cases.
    True
    """
    return run_checks(
        "normalize",
        fn,
        _normalize_cases(),
        lambda got, expected: compare_arrays(got, expected, atol=1e-6, require_float=True),
    )

"""Notebook 03's exercises: a stable softmax and the cross-entropy loss."""

import numpy as np

from course_utils import softmax as reference
from course_utils.exercises.core import (
    Case,
    compare_arrays,
    compare_scalar_explained,
    register,
    run_checks,
)

register(
    "softmax",
    hint="""
        Work row by row (one row = one example, the last axis = the classes):
        subtract the row's own maximum, m = logits.max(axis=-1, keepdims=True),
        then exp, then divide by the row's sum (axis=-1, keepdims=True).
        Subtracting m leaves the answer unchanged but keeps exp from
        overflowing for logits such as 1000. Use each row's maximum, not the
        largest value of the whole batch: a row of scores near 0 next to a row
        near 1000 would otherwise underflow to 0 / 0.
    """,
    solution="""
        def my_softmax(logits):
            shifted = logits - logits.max(axis=-1, keepdims=True)
            exps = np.exp(shifted)
            return exps / exps.sum(axis=-1, keepdims=True)
    """,
)

register(
    "cross_entropy",
    hint="""
        For example i, pick the probability the model gave to its true class,
        probs[i, labels[i]]; with NumPy, probs[np.arange(n), labels] picks one
        per row. Take the natural log (np.log), negate, and average over the
        batch (.mean()), so the loss does not grow with the batch size.
    """,
    solution="""
        def my_cross_entropy(probs, labels):
            picked = probs[np.arange(len(labels)), labels]
            return float(-np.log(picked).mean())
    """,
)

_ROWS_HINT = (
    "each row (one example) must become probabilities that sum to 1 across the "
    "classes: exp, then divide by the sum over the last axis (axis=-1, keepdims=True)."
)
_LARGE_HINT = (
    "exp(1000) overflows to inf and inf / inf is nan: subtract each row's maximum "
    "before exp (logits.max(axis=-1, keepdims=True))."
)
_SCALE_HINT = (
    "subtract each row's own maximum (axis=-1, keepdims=True), not one maximum of the "
    "whole batch: exp(0 - 1000) underflows to 0 and the row becomes 0 / 0."
)


def _softmax_cases():
    rng = np.random.default_rng(3)
    cases = []
    for shape in [(3, 5), (4, 7), (1, 10)]:
        logits = rng.normal(0, 3, size=shape)
        cases.append(Case(f"random logits of shape {shape}", (logits,), None, hint=_ROWS_HINT))
    square = rng.normal(0, 2, size=(4, 4))
    cases.append(
        Case(
            "random square logits (4, 4)",
            (square,),
            None,
            hint="normalize over the last axis (the classes of one example), not axis 0.",
        )
    )
    large = np.array([[1000.0, 1001.0, 1002.0, 999.0]]) + rng.normal(0, 0.5, size=(1, 4))
    cases.append(Case("large logits around 1000", (large,), None, hint=_LARGE_HINT))
    small = np.array([[-1000.0, -1001.0, -1002.5]])
    cases.append(Case("very negative logits around -1000", (small,), None, hint=_LARGE_HINT))
    spread = np.array([[-1000.0, 0.0, 1000.0, 10.0, 995.0]])
    cases.append(
        Case(
            "one row spanning -1000 to 1000",
            (spread,),
            None,
            hint="subtract the row's maximum, not its mean: exp(1000 - mean) still overflows.",
        )
    )
    offsets = np.array([[1000.0], [0.0], [-1000.0], [50.0]])
    mixed = offsets + rng.normal(0, 2, size=(4, 6))
    cases.append(
        Case(
            "rows of very different scale (around 1000, 0, -1000 and 50)",
            (mixed,),
            None,
            hint=_SCALE_HINT,
        )
    )
    cases.append(
        Case(
            "equal logits in a row (0, 0, 0)",
            (np.zeros((2, 3)),),
            None,
            hint="equal scores give equal probabilities: 1/3 each.",
        )
    )
    cases.append(
        Case(
            "negative and positive logits, 2 classes",
            (rng.normal(-2, 4, size=(5, 2)),),
            None,
            hint=_ROWS_HINT,
        )
    )
    integers = rng.integers(-5, 6, size=(3, 4))
    cases.append(
        Case(
            "integer logits",
            (integers,),
            None,
            hint="convert to float before subtracting (e.g. logits.astype(float)); "
            "do not modify the input in place.",
        )
    )
    cases.append(
        Case(
            "a single class (2, 1)",
            (rng.normal(0, 1, size=(2, 1)),),
            None,
            hint="with one class its probability is 1.",
        )
    )
    for case in cases:
        case.expected = reference.softmax(case.args[0])
    return cases


def check_softmax(fn):
    """Checks `fn(logits)`: softmax over the last axis of a `(n, k)` array, stably.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> check_softmax(lambda z: np.exp(z - z.max(axis=-1, keepdims=True))
    ...               / np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True))
    ✓ Exercise 3.1 (softmax): correct on all 12 cases.
    True
    """
    return run_checks(
        "softmax",
        fn,
        _softmax_cases(),
        lambda got, expected: compare_arrays(got, expected, atol=1e-6, require_float=True),
    )


def _cross_entropy_cases():
    rng = np.random.default_rng(4)
    cases = []
    for n, k in [(4, 3), (7, 10), (1, 5), (6, 2)]:
        probs = reference.softmax(rng.normal(0, 2, size=(n, k)))
        labels = rng.integers(0, k, size=n)
        cases.append(Case(f"random probabilities ({n}, {k})", (probs, labels), None))
    probs = reference.softmax(rng.normal(0, 3, size=(5, 10)))
    labels = probs.argmin(axis=1)  # the model's least likely class is the right one
    cases.append(
        Case(
            "labels that the model rates least likely",
            (probs, labels),
            None,
            hint="use the given labels, not the predicted class (argmax).",
        )
    )
    probs = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    cases.append(Case("a certain, right model (loss 0)", (probs, np.array([0, 2])), None))
    probs = np.full((3, 4), 0.25)
    cases.append(
        Case("a uniform guess over 4 classes (loss ln 4)", (probs, np.array([0, 3, 1])), None)
    )
    probs = reference.softmax(rng.normal(0, 1, size=(8, 10))).astype(np.float32)
    labels = rng.integers(0, 10, size=8).astype(np.uint8)
    cases.append(
        Case("float32 probabilities with uint8 labels, as from MNIST", (probs, labels), None)
    )
    for case in cases:
        probs, labels = case.args
        probs = np.asarray(probs, dtype=np.float64)
        picked = probs[np.arange(len(labels)), labels]
        value = float(-np.log(picked).mean())
        with np.errstate(divide="ignore"):  # the certain model has p = 0 off its labels
            every_class = float(-np.log(probs).mean())
        mistakes = [
            (
                float(-np.log(picked).sum()),
                "this is the sum over the batch; take the mean (divide by the number of examples)",
            ),
            (
                float(-np.log10(picked).mean()),
                "this uses the base-10 log; use the natural log np.log",
            ),
            (float(np.log(picked).mean()), "the sign is flipped: the loss is -ln p"),
            (
                every_class,
                "this averages -ln p over every class; use only p[i, labels[i]], the true "
                "class of each row",
            ),
            (
                float(-np.log(probs.max(axis=1)).mean()),
                "this uses the predicted (largest) probability; use the one of the true label",
            ),
        ]
        case.expected = (value, mistakes)
    return cases


def check_cross_entropy(fn):
    """Checks `fn(probs, labels)`: the mean over the batch of -ln p[label].

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> check_cross_entropy(lambda p, y: -np.log(p[np.arange(len(y)), y]).mean())
    ✓ Exercise 3.2 (cross-entropy): correct on all 8 cases.
    True
    """
    return run_checks("cross_entropy", fn, _cross_entropy_cases(), compare_scalar_explained)

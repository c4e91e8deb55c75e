"""Notebook 03's exercises on learning: the gradient of the cross-entropy and one SGD step.

Each wrong answer a learner is likely to write (no division by n, the sign
flipped, the softmax over the wrong axis, ...) is computed for every case, so
that a failing answer that equals one of them is told which mistake it is.
"""

import numpy as np

from course_utils import softmax as reference
from course_utils.exercises.core import (
    Case,
    arrays_match,
    as_numbers,
    compare_arrays,
    compare_arrays_explained,
    register,
    run_checks,
)

register(
    "softmax_gradient",
    hint="""
        Three steps, row by row (one row = one example):
        1. probs = softmax(logits) over the classes (axis=-1), stably: subtract
           each row's maximum before exp (or call softmax.softmax).
        2. Subtract the one-hot labels: 1 at each row's true class,
           probs[np.arange(n), labels] -= 1. That is p - onehot(y).
        3. Divide by n = len(labels): the loss is the mean over the batch, so
           each example's share of the gradient is 1/n.
    """,
    solution="""
        def my_softmax_gradient(logits, labels):
            n = len(labels)
            shifted = logits - logits.max(axis=1, keepdims=True)
            probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            probs[np.arange(n), labels] -= 1.0  # p - onehot(y)
            return probs / n
    """,
)

register(
    "sgd_step",
    hint="""
        x = images.reshape(len(images), -1) has one row per example. The
        scores are logits = x @ weights + bias; their gradient is
        grad_logits = (softmax(logits) - onehot(labels)) / n (Exercise 3.3).
        The chain rule gives the gradients of the weights and the bias:
        grad_weights = x.T @ grad_logits (the shape of weights) and
        grad_bias = grad_logits.sum(axis=0) (one number per class). Step
        downhill, once: return weights - learning_rate * grad_weights and
        bias - learning_rate * grad_bias, as new arrays (not with -= on the
        arguments).
    """,
    solution="""
        def my_sgd_step(weights, bias, images, labels, learning_rate):
            x = images.reshape(len(images), -1)
            logits = x @ weights + bias
            shifted = logits - logits.max(axis=1, keepdims=True)
            probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            probs[np.arange(len(labels)), labels] -= 1.0
            grad_logits = probs / len(labels)
            new_weights = weights - learning_rate * x.T @ grad_logits
            new_bias = bias - learning_rate * grad_logits.sum(axis=0)
            return new_weights, new_bias
    """,
)

_ATOL, _RTOL = 1e-8, 1e-6
_GRADIENT_HINT = "the gradient is (softmax(logits) - onehot(labels)) / n, row by row."
_LARGE_HINT = (
    "exp(1000) overflows to inf: subtract each row's maximum before exp, as in Exercise 3.1 "
    "(or call softmax.softmax)."
)
_STEP_HINT = (
    "new weights = weights - learning_rate * x.T @ grad_logits and new bias = bias - "
    "learning_rate * grad_logits.sum(axis=0), with grad_logits = (softmax(x @ weights + "
    "bias) - onehot(labels)) / n."
)


def _probabilities_and_one_hot(logits, labels):
    probs = reference.softmax(logits)
    return probs, np.eye(logits.shape[1])[labels]


def _gradient_mistakes(logits, labels):
    """The answers of the typical mistakes, each with what it did wrong."""
    logits = np.asarray(logits, dtype=np.float64)
    probs, one_hot = _probabilities_and_one_hot(logits, labels)
    count = len(labels)
    shifted = logits - logits.max(axis=0, keepdims=True)
    over_examples = np.exp(shifted) / np.exp(shifted).sum(axis=0, keepdims=True)
    return [
        (
            probs - one_hot,
            "this is the gradient of the summed loss; the loss is the mean over the batch, "
            "so divide by n, the number of examples (rows)",
        ),
        (
            (one_hot - probs) / count,
            "the sign is flipped: the gradient is p - onehot(y), probabilities minus labels",
        ),
        (
            (over_examples - one_hot) / count,
            "the softmax is taken over axis 0, the examples; take it over each row's "
            "classes (axis=-1, keepdims=True)",
        ),
        (
            probs / count,
            "the one-hot labels are missing: subtract 1 at each row's true class, "
            "probs[np.arange(n), labels] -= 1",
        ),
        (
            (logits - one_hot) / count,
            "this uses the logits in place of the probabilities: apply softmax first",
        ),
    ]


def _softmax_gradient_cases():
    cases = []
    specs = [
        # (n, classes, scale, seed, label): shapes non-square and square, odd sizes, scales
        (5, 3, 2.0, 0, "random logits (5, 3)"),
        (4, 7, 3.0, 1, "random logits (4, 7)"),
        (4, 4, 2.0, 2, "random square logits (4, 4)"),
        (1, 2, 1.0, 3, "one example, 2 classes (1, 2)"),
        (6, 2, 2.0, 4, "2 classes (6, 2)"),
        (9, 10, 1.0, 5, "ten classes (9, 10)"),
    ]
    for count, classes, scale, seed, label in specs:
        rng = np.random.default_rng(seed)
        logits = rng.normal(0, scale, size=(count, classes))
        labels = rng.integers(0, classes, size=count)
        cases.append(Case(label, (logits, labels), None, hint=_GRADIENT_HINT))
    rng = np.random.default_rng(6)
    labels = np.tile(np.arange(4), 3)
    cases.append(
        Case(
            "labels covering every class (12, 4)",
            (rng.normal(0, 1, size=(12, 4)), rng.permutation(labels)),
            None,
            hint=_GRADIENT_HINT,
        )
    )
    cases.append(
        Case(
            "labels covering 2 of 10 classes (5, 10), as uint8",
            (rng.normal(0, 1, size=(5, 10)), np.array([2, 7, 7, 2, 2], dtype=np.uint8)),
            None,
            hint="subtract 1 at each row's own label, probs[np.arange(n), labels] -= 1.",
        )
    )
    large = 1000 * rng.normal(0, 1, size=(5, 6))
    cases.append(
        Case(
            "logits of the order of 1000 (5, 6)",
            (large, rng.integers(0, 6, 5)),
            None,
            hint=_LARGE_HINT,
        )
    )
    offsets = np.array([[1000.0], [0.0], [-1000.0]])
    cases.append(
        Case(
            "rows around 1000, 0 and -1000 (3, 4)",
            (offsets + rng.normal(0, 2, size=(3, 4)), np.array([0, 3, 1])),
            None,
            hint="subtract each row's own maximum (axis=-1, keepdims=True), not the batch's.",
        )
    )
    cases.append(
        Case(
            "integer logits (3, 5)",
            (rng.integers(-4, 5, size=(3, 5)), np.array([4, 0, 2])),
            None,
            hint="work on a float copy (logits.astype(float)); do not change the input.",
        )
    )
    for case in cases:
        logits, labels = case.args
        case.expected = (
            reference.cross_entropy_gradient(logits, labels),
            _gradient_mistakes(logits, labels),
        )
    return cases


def check_softmax_gradient(fn):
    """Checks `fn(logits, labels)`: the gradient `(softmax(logits) - onehot(labels)) / n`.

    The cases cover non-square and square logits, one example, two classes,
    labels that cover every class and labels that do not, logits of the
    order of 1000, and several seeds. A wrong answer that equals a typical
    mistake (no division by n, the sign flipped, the softmax over the wrong
    axis, the one-hot labels forgotten, logits in place of probabilities) is
    named.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> from course_utils import softmax
    >>> check_softmax_gradient(softmax.cross_entropy_gradient)
    ✓ Exercise 3.3 (the gradient of the cross-entropy): correct on all 11 cases.
    True
    """
    return run_checks("softmax_gradient", fn, _softmax_gradient_cases(), _compare_explained)


def _one_step(weights, bias, x, labels, learning_rate, use_logits=False, one_hot=True, mean=True):
    """One SGD step, right or with one of the typical mistakes switched on."""
    logits = x @ weights + bias
    scores = logits if use_logits else reference.softmax(logits)
    if one_hot:
        scores = scores - np.eye(weights.shape[1])[labels]
    grad_logits = scores / len(labels) if mean else scores
    return weights - learning_rate * x.T @ grad_logits, bias - learning_rate * grad_logits.sum(0)


def _step_mistakes(weights, bias, images, labels, learning_rate):
    x = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    weights = np.asarray(weights, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    right_weights, right_bias = _one_step(weights, bias, x, labels, learning_rate)
    twice = _one_step(right_weights, right_bias, x, labels, learning_rate)
    return [
        (
            (2 * weights - right_weights, 2 * bias - right_bias),
            "this is gradient ascent, a step uphill: subtract learning_rate * gradient",
        ),
        (
            _one_step(weights, bias, x, labels, learning_rate, mean=False),
            "the gradient is summed over the batch, not averaged: divide (p - onehot) by n",
        ),
        (
            (right_weights, bias),
            "the bias was not updated: it moves too, by -learning_rate * grad_logits.sum(axis=0)",
        ),
        (twice, "two SGD steps were taken; take one"),
        (
            (2 * right_weights - weights, 2 * right_bias - bias),
            "the step is twice as long as it should be: move by learning_rate * gradient, once",
        ),
        (
            _one_step(weights, bias, x, labels, learning_rate, use_logits=True),
            "the gradient uses the logits in place of the probabilities: apply softmax to "
            "x @ weights + bias first",
        ),
        (
            _one_step(weights, bias, x, labels, learning_rate, one_hot=False),
            "the one-hot labels are missing from the gradient: it is softmax(z) - onehot(y)",
        ),
    ]


def _sgd_step_cases():
    specs = [
        # (n, d, classes, learning rate, weight scale, seed, label)
        (8, 6, 3, 0.5, 0.5, 0, "8 examples of 6 numbers, 3 classes, learning rate 0.5"),
        (1, 1, 2, 0.1, 1.0, 1, "one example of one number, 2 classes"),
        (5, 4, 4, 1.0, 0.5, 2, "square weights (4, 4), learning rate 1"),
        (4, 16, 10, 0.3, 0.1, 3, "10 classes, 4 examples (labels cover few classes)"),
        (12, 5, 3, 0.05, 0.5, 4, "12 examples covering every class, learning rate 0.05"),
        (6, 3, 5, 0.01, 1000.0, 5, "weights of the order of 1000 (logits of about 1000)"),
        (7, 9, 2, 2.0, 0.3, 6, "2 classes, learning rate 2"),
    ]
    cases = []
    for count, pixels, classes, learning_rate, scale, seed, label in specs:
        rng = np.random.default_rng(seed)
        weights = rng.normal(0, scale, size=(pixels, classes))
        bias = rng.normal(0, scale, size=classes)
        images = rng.random((count, pixels))
        if "every class" in label:
            labels = rng.permutation(np.arange(count) % classes)
        else:
            labels = rng.integers(0, classes, size=count)
        hint = _LARGE_HINT if scale > 100 else _STEP_HINT
        cases.append(Case(label, (weights, bias, images, labels, learning_rate), None, hint=hint))
    for case in cases:
        case.expected = (reference.sgd_step(*case.args), _step_mistakes(*case.args))
    return cases


def check_sgd_step(fn):
    """Checks `fn(weights, bias, images, labels, learning_rate)`: one plain SGD step.

    It must return `(new_weights, new_bias)` after one step on the mean
    cross-entropy of `softmax(images @ weights + bias)` (images of shape
    `(n, d)`). The cases cover one example of one number, two and ten
    classes, square weights, weights of the order of 1000, several learning
    rates and seeds. A wrong answer that equals a typical mistake (gradient
    ascent, a summed gradient, the bias not updated, the step taken twice,
    logits in place of probabilities) is named.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> from course_utils import softmax
    >>> check_sgd_step(softmax.sgd_step)
    ✓ Exercise 3.4 (one SGD step): correct on all 7 cases.
    True
    """
    return run_checks("sgd_step", fn, _sgd_step_cases(), _compare_step)


def _matches(array, expected):
    return arrays_match(array, expected, _ATOL, _RTOL)


def _compare_explained(got, expected):
    """What is wrong with array `got`, naming the typical mistake it equals, or None."""
    return compare_arrays_explained(got, expected, _ATOL, _RTOL)


def _compare_step(got, expected):
    """What is wrong with the pair `got = (weights, bias)`, naming a typical mistake, or None."""
    (weights, bias), mistakes = expected
    if isinstance(got, np.ndarray):
        return (
            f"your function returned one array of shape {got.shape}; return both, "
            "`return new_weights, new_bias`"
        )
    try:
        parts = tuple(got)
    except Exception:  # not a sequence at all, or one that cannot be read
        parts = None
    if parts is None or len(parts) != 2:
        what = (
            type(got).__name__ if parts is None else f"a {type(got).__name__} of {len(parts)} items"
        )
        return f"expected a pair (new_weights, new_bias), got {what}"
    arrays = []
    for name, part, reference_part in (("weights", parts[0], weights), ("bias", parts[1], bias)):
        array, problem = as_numbers(part)
        if problem is None:
            problem = compare_arrays(array, reference_part, atol=_ATOL, rtol=_RTOL)
        if problem and array is None:
            return f"in the new {name}, {problem}"
        arrays.append((array, problem, name))
    problems = [f"in the new {name}, {problem}" for _, problem, name in arrays if problem]
    if not problems:
        return None
    for (wrong_weights, wrong_bias), explanation in mistakes:
        same_as_right = _matches(wrong_weights, weights) and _matches(wrong_bias, bias)
        if (
            not same_as_right
            and _matches(arrays[0][0], wrong_weights)
            and _matches(arrays[1][0], wrong_bias)
        ):
            return f"{problems[0]}: {explanation}"
    return problems[0]

"""Notebook 08's exercises: the classifier score and the entropy of the class coverage.

Both measure generated digits through the classifier's predictions: the score
from the probabilities `p(y|x)`, the coverage from the predicted labels.
"""

import math

import numpy as np

from course_utils import evaluation as reference
from course_utils.exercises.core import Case, compare_scalar_explained, register, run_checks

register(
    "classifier_score",
    hint="""
        Each row of `probabilities` is p(y|x) for one image. Average the rows
        (axis=0) to get p(y), one probability per class. For each image take
        KL(p(y|x) || p(y)) = sum over the classes of p(y|x) * ln(p(y|x) / p(y))
        (axis=1), with natural logs; a class with p(y|x) = 0 contributes 0,
        not NaN (0 * ln 0 counts as 0). Average the KLs over the images, then
        take np.exp: the score runs from 1 (every image gets the same
        prediction) to the number of classes (sure, evenly spread answers).
    """,
    solution="""
        def my_classifier_score(probabilities):
            p = np.asarray(probabilities, dtype=float)
            marginal = p.mean(axis=0)                                # p(y)
            ratio = np.divide(p, marginal, out=np.ones_like(p), where=p > 0)
            kl = np.sum(p * np.log(ratio), axis=1)                   # 0 ln 0 counts as 0
            return float(np.exp(kl.mean()))
    """,
)

register(
    "coverage_entropy",
    hint="""
        Count how often each class is predicted, with
        np.bincount(predicted_labels, minlength=num_classes), and divide by
        the number of labels to get fractions q that sum to 1. The entropy is
        -sum of q * ln(q) with the natural log (np.log), in nats. A class that
        is never predicted has q = 0 and contributes 0 (0 * ln 0 counts as 0):
        keep only q > 0 before taking the log. Return the entropy itself, from
        0 (one class takes all) to ln(num_classes) (every class equally often).
    """,
    solution="""
        def my_coverage_entropy(predicted_labels, num_classes):
            counts = np.bincount(predicted_labels, minlength=num_classes)
            fractions = counts / counts.sum()
            present = fractions[fractions > 0]                       # 0 ln 0 counts as 0
            return float(-np.sum(present * np.log(present)))
    """,
)


def _is_nan(value):
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return array.size == 1 and bool(np.isnan(array.reshape(())))


def _compare_number(explanation):
    """`compare_scalar_explained` that also refuses text and complex numbers and explains a NaN."""

    def compare(got, expected):
        try:
            kind = np.asarray(got).dtype.kind
        except Exception:  # a ragged list or an odd object: compare_scalar says what it is
            kind = ""
        if kind in ("U", "S"):  # NumPy would read "1.4" as a number
            return f"expected a number, got a {type(got).__name__}: return the number itself"
        if kind == "c":
            return "expected a real number, got a complex one"
        problem = compare_scalar_explained(got, expected)
        if problem and _is_nan(got):
            problem = f"{problem}: {explanation}"
        return problem

    return compare


def _xlogy(x, y):
    """`x * ln(y)`, 0 where `x` is 0 (ln 0 of a zero probability counts as 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, y, 1.0)), 0.0)


def _entropy(q, axis=-1):
    return -np.sum(_xlogy(q, q), axis=axis)


# --- classifier_score: the classifier score -----------------------------------------------

_SCORE_HINT = (
    "p(y) is the mean of the rows (axis=0); each image's KL is the sum over the classes "
    "(axis=1) of p(y|x) ln(p(y|x) / p(y)); the score is np.exp of the mean KL over the images."
)
_NAN_SCORE = (
    "a NaN usually comes from a probability of exactly 0: 0 * ln 0 = 0 * (-inf) = nan, "
    "and such a term counts as 0 "
    "(e.g. np.where(p > 0, p * np.log(...), 0), or scipy.special.rel_entr)"
)


def _score_mistakes(probabilities):
    p = np.asarray(probabilities, dtype=np.float64)
    n, classes = p.shape
    marginal = p.mean(axis=0)
    terms = _xlogy(p, p) - _xlogy(p, marginal[None, :])
    kl = terms.sum(axis=1)
    mean_kl = float(kl.mean())
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        m = np.broadcast_to(marginal, p.shape)
        reversed_kl = np.sum(_xlogy(m, m) - _xlogy(m, p), axis=1)  # inf where p = 0 < p(y)
        row_entropy = float(_entropy(p).mean())
        uniform_terms = _xlogy(p, p) + p * math.log(classes)  # p(y) = 1 / classes for all
        one_hot = np.eye(classes)[p.argmax(axis=1)]
        mistakes = [
            (
                float(np.exp(np.mean(reversed_kl))),
                "the KL is reversed: use KL(p(y|x) || p(y)) = sum p(y|x) ln(p(y|x) / p(y)), "
                "not KL(p(y) || p(y|x))",
            ),
            (mean_kl, "that is the mean KL, the log of the score: take np.exp of it"),
            (
                float(np.exp(mean_kl / math.log(2))),
                "use the natural logarithm (np.log) with np.exp, not log2",
            ),
            (
                float(np.exp(mean_kl / math.log(10))),
                "use the natural logarithm (np.log) with np.exp, not log10",
            ),
            (
                mean_kl / math.log(2),
                "that is the mean KL in bits: use np.log and take np.exp of the mean",
            ),
            (
                float(np.exp(_entropy(marginal))),
                "that is exp of the entropy of p(y) alone; the images' own entropies count "
                "too: exp(H(p(y)) - mean H(p(y|x))), which is exp(mean KL(p(y|x) || p(y)))",
            ),
            (
                float(np.exp(row_entropy)),
                "that is exp of the mean entropy of the rows p(y|x); compare each row with "
                "p(y): exp(mean KL(p(y|x) || p(y)))",
            ),
            (
                float(np.exp(_entropy(marginal) + row_entropy)),
                "subtract the mean entropy of the rows: exp(H(p(y)) - mean H(p(y|x)))",
            ),
            (
                float(np.exp(-mean_kl)),
                "the sign is flipped: KL = sum p(y|x) ln(p(y|x) / p(y)) is never negative, "
                "so the score is at least 1",
            ),
            (
                float(np.exp(uniform_terms.sum() / classes)),
                "the score was computed over the columns (the array transposed): each row is "
                "one image's p(y|x); average the rows (axis=0) into p(y), sum each KL over the "
                "classes (axis=1), then average over the images",
            ),
            (
                float(np.exp(uniform_terms.sum(axis=1).mean())),
                "p(y) is the mean of the rows (axis=0), one probability per class; you averaged "
                "over the classes (axis=1 or the whole array), which gives 1 / classes",
            ),
            (
                float(np.exp(terms.sum() / classes)),
                "sum each image's KL over the classes (axis=1), then average over the images "
                "(axis=0); you summed over the images and averaged over the classes",
            ),
            (
                float(np.exp(terms.mean())),
                "sum the KL over the classes (axis=1), then take the mean over the images; "
                "you averaged over the classes too",
            ),
            (
                float(np.exp(kl.sum())),
                "average the KL over the images (mean), do not sum it",
            ),
            (
                float(np.exp(kl).mean()),
                "take np.exp of the mean KL, not the mean of each image's exp(KL)",
            ),
            (
                float(np.exp(mean_kl - math.log(n))),
                "p(y) is the mean of the rows, not their sum",
            ),
            (
                float(np.exp(_entropy(one_hot.mean(axis=0)))),
                "use the probabilities themselves, not the one-hot of each image's predicted "
                "class (argmax)",
            ),
        ]
    return mistakes


def _dirichlet(rng, n, classes, low=0.3, high=2.0):
    """`n` random probability rows; the classes' concentrations differ (not symmetric)."""
    alpha = rng.uniform(low, high, size=classes)
    return rng.dirichlet(alpha, size=n)


def _score_cases():
    rng = np.random.default_rng(8)
    cases = []
    for n, classes in [(7, 10), (13, 3), (4, 6)]:
        cases.append(
            Case(
                f"{n} random probability rows over {classes} classes",
                (_dirichlet(rng, n, classes),),
                None,
                hint=_SCORE_HINT,
            )
        )
    rows = _dirichlet(rng, 50, 10).astype(np.float32)
    cases.append(
        Case(
            "50 float32 rows over 10 classes, as classifier.predict returns them",
            (rows / rows.sum(axis=1, keepdims=True),),
            None,
            hint=_SCORE_HINT,
        )
    )
    labels = rng.choice(10, size=20, p=rng.dirichlet(np.full(10, 1.0)))
    confident = 0.97 * np.eye(10)[labels] + 0.03 * rng.dirichlet(np.full(10, 0.5), size=20)
    cases.append(
        Case(
            "20 confident rows (about 0.97 on one class)",
            (confident,),
            None,
            hint="sure, varied predictions give a high score, near the number of classes used.",
        )
    )
    row = _dirichlet(rng, 1, 5)
    cases.append(
        Case(
            "6 identical rows (the score is exactly 1)",
            (np.repeat(row, 6, axis=0),),
            None,
            hint="when every image gets the same prediction, p(y|x) = p(y) and each KL is 0: "
            "exp(0) = 1.",
        )
    )
    zeros = _dirichlet(rng, 9, 6)
    zeros[rng.uniform(size=zeros.shape) < 0.3] = 0.0
    zeros[:, 4] = 0.0  # a class no image gives any probability
    zeros[np.arange(9), rng.integers(0, 4, size=9)] += 0.1  # no row left all zero
    zeros /= zeros.sum(axis=1, keepdims=True)
    cases.append(
        Case(
            "9 rows over 6 classes with exact zeros (class 4 always 0)",
            (zeros,),
            None,
            hint="a zero probability contributes 0 to the KL: 0 * ln 0 counts as 0.",
        )
    )
    one_hot = np.eye(4)[rng.permutation(np.repeat(np.arange(4), 3))]
    cases.append(
        Case(
            "12 one-hot rows, each of 4 classes 3 times (the score is exactly 4)",
            (one_hot,),
            None,
            hint="sure predictions spread evenly over the classes give the number of classes.",
        )
    )
    cases.append(
        Case(
            "a single row over 3 classes (the score is 1)",
            (_dirichlet(rng, 1, 3),),
            None,
            hint="with one image p(y) is that image's p(y|x).",
        )
    )
    cases.append(
        Case(
            "11 rows over 2 classes",
            (_dirichlet(rng, 11, 2),),
            None,
            hint=_SCORE_HINT,
        )
    )
    for case in cases:
        probabilities = case.args[0]
        case.expected = (
            reference.score_from_probabilities(probabilities),
            _score_mistakes(probabilities),
        )
    return cases


def check_classifier_score(fn):
    """Checks `fn(probabilities)`: the classifier score `exp(mean KL(p(y|x) || p(y)))`.

    `probabilities` has shape `(n, classes)`, one image's `p(y|x)` per row;
    `p(y)` is the mean of the rows. Natural logs, and `0 * ln 0` counts as 0.
    The answer is a float, the same as `evaluation.score_from_probabilities`.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> def score(p):
    ...     ratio = np.divide(p, p.mean(axis=0), out=np.ones_like(p), where=p > 0)
    ...     return np.exp(np.sum(p * np.log(ratio), axis=1).mean())
    >>> check_classifier_score(score)
    ✓ Exercise 8.1 (classifier score): correct on all 10 cases.
    True
    >>> check_classifier_score(lambda p: np.sum(p * np.log(p / p.mean(axis=0)), axis=1).mean())
    ... # doctest: +ELLIPSIS
    ✗ Exercise 8.1 (classifier score): on 7 random probability rows over 10 classes
      expected 1.40144, got 0.337501: that is the mean KL, the log of the score: take np.exp
    ...
    False
    """
    return run_checks("classifier_score", fn, _score_cases(), _compare_number(_NAN_SCORE))


# --- coverage_entropy: the entropy of the class coverage ---------------------------------

_COVERAGE_HINT = (
    "q = np.bincount(predicted_labels, minlength=num_classes) / len(predicted_labels), "
    "then the entropy -sum q ln q over the classes with q > 0, with np.log."
)
_NAN_COVERAGE = (
    "a NaN usually comes from a class that is never predicted: its fraction is 0, and "
    "0 * ln 0 = 0 * (-inf) = nan; it contributes 0: keep only the fractions > 0 before np.log"
)


def _coverage_mistakes(labels, num_classes):
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=num_classes)
    n = counts.sum()
    fractions = counts / n
    present = fractions[fractions > 0]
    entropy = float(_entropy(fractions))
    by_classes = counts / num_classes
    return [
        (entropy / math.log(2), "use the natural logarithm (np.log), not log2: nats, not bits"),
        (entropy / math.log(10), "use the natural logarithm (np.log), not log10"),
        (
            float(_entropy(counts.astype(np.float64))),
            "the counts are not normalized: divide them by the number of labels, so the "
            "fractions sum to 1",
        ),
        (
            float(_entropy(by_classes)),
            "divide the counts by the number of labels (len(predicted_labels)), not by num_classes",
        ),
        (-entropy, "the sign is flipped: the entropy is -sum q ln q, never negative"),
        (
            math.exp(entropy),
            "that is exp(entropy), the perplexity (the effective number of classes): "
            "return the entropy itself",
        ),
        (
            entropy / math.log(num_classes),
            "that is the entropy divided by ln(num_classes); return the entropy itself, in nats",
        ),
        (
            entropy / num_classes,
            "the entropy is the sum over the classes of -q ln q, not their mean",
        ),
        (
            entropy / present.size,
            "the entropy is the sum over the classes of -q ln q, not their mean",
        ),
        (
            float(-np.sum(np.log(present))),
            "weigh each -ln q by its fraction q: the entropy is -sum q ln q",
        ),
        (
            math.log(num_classes),
            "that is ln(num_classes), the entropy of an even histogram over every class; "
            "weigh each class by its fraction: -sum q ln q",
        ),
        (
            math.log(present.size),
            "that is ln(number of classes predicted), the entropy of an even histogram; "
            "weigh each class by its fraction: -sum q ln q",
        ),
        (
            float(1 - np.sum(fractions**2)),
            "that is the Gini impurity 1 - sum q^2, not the entropy -sum q ln q",
        ),
    ]


def _labels(rng, n, weights):
    weights = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def _coverage_cases():
    rng = np.random.default_rng(18)
    cases = []
    labels = _labels(rng, 40, [6, 1, 3, 2, 5, 1])
    labels[:6] = np.arange(6)  # every class at least once
    cases.append(
        Case(
            "40 labels over 6 classes, unevenly",
            (rng.permutation(labels), 6),
            None,
            hint=_COVERAGE_HINT,
        )
    )
    labels = _labels(rng, 25, [3, 1, 2, 0, 4, 1, 2, 0, 1, 0])
    cases.append(
        Case(
            "25 labels over 10 classes; classes 3, 7 and 9 never predicted",
            (labels, 10),
            None,
            hint="a class nobody predicts has the fraction 0 and contributes 0 (0 ln 0 = 0), "
            "not NaN.",
        )
    )
    cases.append(
        Case(
            "30 labels, all class 7 of 10 (mode collapse: entropy 0)",
            (np.full(30, 7), 10),
            None,
            hint="one class takes all: q = 1 for it, 0 for the others, entropy 0.",
        )
    )
    cases.append(
        Case(
            "each of 10 classes exactly 5 times (entropy ln 10)",
            (rng.permutation(np.repeat(np.arange(10), 5)), 10),
            None,
            hint="an even histogram over 10 classes has the entropy ln 10 = 2.303 nats.",
        )
    )
    weights = rng.dirichlet(np.full(10, 0.7))
    cases.append(
        Case(
            "1000 labels over 10 classes, as a generator's images get them",
            (_labels(rng, 1000, weights), 10),
            None,
            hint=_COVERAGE_HINT,
        )
    )
    cases.append(
        Case(
            "200 uint8 labels over 10 classes, as MNIST stores them",
            (_labels(rng, 200, [1, 2, 3, 4, 5, 5, 4, 3, 2, 1]).astype(np.uint8), 10),
            None,
            hint=_COVERAGE_HINT,
        )
    )
    cases.append(
        Case(
            "labels only from classes 0 and 1 of 5",
            (np.array([0, 1, 1, 0, 1, 1, 1]), 5),
            None,
            hint="classes 2, 3 and 4 have the fraction 0 and contribute 0.",
        )
    )
    cases.append(
        Case(
            "7 labels over 2 classes",
            (np.array([1, 0, 1, 1, 1, 0, 1]), 2),
            None,
            hint=_COVERAGE_HINT,
        )
    )
    cases.append(
        Case(
            "a single label (entropy 0)",
            (np.array([3]), 4),
            None,
            hint="one label is one class with q = 1: the entropy is 0.",
        )
    )
    for case in cases:
        labels, num_classes = case.args
        one_hot = np.eye(num_classes)[labels]
        _, entropy = reference.coverage_from_probabilities(one_hot)
        case.expected = (entropy, _coverage_mistakes(labels, num_classes))
    return cases


def check_coverage_entropy(fn):
    """Checks `fn(predicted_labels, num_classes)`: the entropy of the labels' histogram.

    The histogram is the fraction of the labels in each of the `num_classes`
    classes; its entropy is `-sum q ln q` in nats, a class with `q = 0`
    contributing 0. The answer is a float, the entropy that
    `evaluation.coverage_from_probabilities` gives for one-hot probabilities.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> def entropy(predicted_labels, num_classes):
    ...     q = np.bincount(predicted_labels, minlength=num_classes) / len(predicted_labels)
    ...     return -np.sum(q[q > 0] * np.log(q[q > 0]))
    >>> check_coverage_entropy(entropy)
    ✓ Exercise 8.2 (coverage entropy): correct on all 9 cases.
    True
    >>> check_coverage_entropy(lambda labels, k: np.exp(entropy(labels, k)))
    ... # doctest: +ELLIPSIS
    ✗ Exercise 8.2 (coverage entropy): on 40 labels over 6 classes, unevenly
      expected 1.63364, got 5.12249: that is exp(entropy), the perplexity (the effective
    ...
    False
    """
    return run_checks("coverage_entropy", fn, _coverage_cases(), _compare_number(_NAN_COVERAGE))

"""Notebook 08's checkers: they accept right answers and reject known-wrong ones."""

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats

from course_utils import evaluation, exercises
from course_utils.exercises import evaluation as evaluation_exercises


def stub(*args):
    raise NotImplementedError


def rel_entr_rows(p, q):
    """KL(p || q) of each row, with scipy's 0 ln 0 = 0."""
    return scipy.special.rel_entr(p, q).sum(axis=1)


def kl_to_marginal(p):
    return rel_entr_rows(p, p.mean(axis=0))


# --- Exercise 8.1: the classifier score ---------------------------------------------------


def score_numpy(probabilities):
    p = np.asarray(probabilities, dtype=float)
    marginal = p.mean(axis=0)
    ratio = np.divide(p, marginal, out=np.ones_like(p), where=p > 0)
    return float(np.exp(np.sum(p * np.log(ratio), axis=1).mean()))


def score_loop(probabilities):
    rows = probabilities.tolist()
    classes = len(rows[0])
    marginal = [sum(row[j] for row in rows) / len(rows) for j in range(classes)]
    total = 0.0
    for row in rows:
        total += sum(row[j] * math.log(row[j] / marginal[j]) for j in range(classes) if row[j] > 0)
    return math.exp(total / len(rows))


def score_clipped(probabilities):
    p = np.clip(probabilities, 1e-7, 1.0)  # the Keras habit: no exact zeros, no nan
    return np.exp(np.mean(np.sum(p * np.log(p / p.mean(axis=0)), axis=1)))


def score_from_entropies(probabilities):
    entropy_of_mean = scipy.special.entr(probabilities.mean(axis=0)).sum()
    mean_entropy = scipy.special.entr(probabilities).sum(axis=1).mean()
    return np.exp(entropy_of_mean - mean_entropy)


RIGHT_SCORE = {
    "reference": evaluation.score_from_probabilities,
    "numpy": score_numpy,
    "scipy rel_entr": lambda p: np.exp(kl_to_marginal(p).mean()),
    "scipy.stats.entropy": lambda p: np.exp(
        scipy.stats.entropy(p, np.broadcast_to(p.mean(axis=0), p.shape), axis=1).mean()
    ),
    "entropy of the mean minus mean entropy": score_from_entropies,
    "python loops": score_loop,
    "clipped at 1e-7": score_clipped,
    "in bits, then a power of 2": lambda p: 2 ** (kl_to_marginal(p) / np.log(2)).mean(),
    "float32 arithmetic": lambda p: score_numpy(p.astype(np.float32)),
    "a one-element array": lambda p: np.array([score_numpy(p)]),
}


@pytest.mark.parametrize("name", RIGHT_SCORE)
def test_score_checker_accepts_right_answers(name, capsys):
    assert exercises.check_classifier_score(RIGHT_SCORE[name]) is True
    assert capsys.readouterr().out.startswith(
        "✓ Exercise 8.1 (classifier score): correct on all 10 cases."
    )


def naive_kl(p, log=np.log):
    """KL per row without caring for zeros: 0 * log(0) gives nan."""
    return np.sum(p * log(p / p.mean(axis=0)), axis=1)


def score_over_columns(p):
    columns = p.T  # each column taken as a distribution
    return np.exp(rel_entr_rows(columns, columns.mean(axis=0)).mean())


WRONG_SCORE = {
    "KL reversed": (
        lambda p: np.exp(rel_entr_rows(np.broadcast_to(p.mean(axis=0), p.shape), p).mean()),
        "the KL is reversed",
    ),
    "mean KL without exp": (lambda p: kl_to_marginal(p).mean(), "take np.exp of it"),
    "log2 with exp": (lambda p: np.exp(naive_kl(p, np.log2).mean()), "not log2"),
    "log10 with exp": (lambda p: np.exp(naive_kl(p, np.log10).mean()), "not log10"),
    "mean KL in bits": (lambda p: naive_kl(p, np.log2).mean(), "the mean KL in bits"),
    "exp of the entropy of p(y)": (
        lambda p: np.exp(scipy.stats.entropy(p.mean(axis=0))),
        "exp of the entropy of p(y) alone",
    ),
    "exp of the mean entropy of the rows": (
        lambda p: np.exp(scipy.stats.entropy(p, axis=1).mean()),
        "exp of the mean entropy of the rows",
    ),
    "entropies added": (
        lambda p: np.exp(
            scipy.stats.entropy(p.mean(axis=0)) + scipy.stats.entropy(p, axis=1).mean()
        ),
        "subtract the mean entropy of the rows",
    ),
    "sign flipped": (lambda p: np.exp(-kl_to_marginal(p).mean()), "the sign is flipped"),
    "computed over the columns (transposed)": (score_over_columns, "over the columns"),
    "p(y) averaged over the classes": (
        lambda p: np.exp(rel_entr_rows(p, p.mean(axis=1, keepdims=True)).mean()),
        "you averaged over the classes (axis=1",
    ),
    "p(y) the mean of the whole array": (
        lambda p: np.exp(rel_entr_rows(p, p.mean()).mean()),
        "you averaged over the classes (axis=1 or the whole array)",
    ),
    "KL summed over the images, averaged over the classes": (
        lambda p: np.exp(scipy.special.rel_entr(p, p.mean(axis=0)).sum(axis=0).mean()),
        "you summed over the images",
    ),
    "mean over images and classes": (
        lambda p: np.exp(scipy.special.rel_entr(p, p.mean(axis=0)).mean()),
        "you averaged over the classes too",
    ),
    "sum over the images": (lambda p: np.exp(kl_to_marginal(p).sum()), "do not sum it"),
    "mean of exp(KL)": (lambda p: np.exp(kl_to_marginal(p)).mean(), "not the mean of each"),
    "p(y) the sum of the rows": (
        lambda p: np.exp(rel_entr_rows(p, p.sum(axis=0)).mean()),
        "not their sum",
    ),
    "one-hot of the predicted class": (
        lambda p: evaluation.score_from_probabilities(np.eye(p.shape[1])[p.argmax(axis=1)]),
        "not the one-hot",
    ),
    "nan from 0 ln 0": (lambda p: np.exp(naive_kl(p).mean()), "0 * ln 0"),
    "clipped at 1e-3": (
        lambda p: score_clipped(np.clip(p, 1e-3, 1)),
        None,
    ),
    "median KL": (lambda p: np.exp(np.median(kl_to_marginal(p))), None),
    "divides by n - 1": (lambda p: np.exp(kl_to_marginal(p).sum() / (len(p) - 1)), None),
    "score of each image": (lambda p: np.exp(kl_to_marginal(p)), "expected one number"),
    "p(y) from the first row": (lambda p: np.exp(rel_entr_rows(p, p[0]).mean()), None),
    "returns a string": (lambda p: repr(score_numpy(p)), "expected a number, got a str"),
    "returns a complex number": (lambda p: complex(score_numpy(p)), "complex"),
    "returns nothing": (lambda p: None, "forget `return`"),
}


@pytest.mark.parametrize("name", WRONG_SCORE)
def test_score_checker_rejects_wrong_answers(name, capsys):
    fn, explanation = WRONG_SCORE[name]
    assert exercises.check_classifier_score(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 8.1 (classifier score): on ")
    assert "exercises.hint('classifier_score')" in out
    if explanation:
        assert explanation in out


def test_score_checker_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_classifier_score(stub) is False
    assert capsys.readouterr().out.startswith(
        "○ Exercise 8.1 (classifier score): not attempted yet"
    )


def test_score_checker_never_raises_for_a_crash(capsys):
    assert exercises.check_classifier_score(lambda p: p.nope) is False
    assert "raised AttributeError" in capsys.readouterr().out


def test_score_checker_reports_a_changed_input(capsys):
    def in_place(p):
        p += 1e-12
        p /= p.sum(axis=1, keepdims=True)
        return score_numpy(p)

    assert exercises.check_classifier_score(in_place) is False
    assert "changed its input" in capsys.readouterr().out


def test_score_checker_refuses_something_that_is_not_a_function(capsys):
    assert exercises.check_classifier_score(1.4) is False
    assert "expected a function, received float" in capsys.readouterr().out


def test_score_cases_agree_with_an_independent_reference():
    cases = evaluation_exercises._score_cases()
    for case in cases:
        (p,) = case.args
        value, _ = case.expected
        assert value == evaluation.score_from_probabilities(p)
        assert value == pytest.approx(np.exp(kl_to_marginal(p.astype(float)).mean()), rel=1e-12)
        assert 1 - 1e-12 <= value <= p.shape[1] + 1e-9
    by_label = {case.label: case.expected[0] for case in cases}
    assert by_label["6 identical rows (the score is exactly 1)"] == pytest.approx(1, abs=1e-12)
    assert by_label[
        "12 one-hot rows, each of 4 classes 3 times (the score is exactly 4)"
    ] == pytest.approx(4, abs=1e-12)


def test_score_cases_are_thorough():
    cases = evaluation_exercises._score_cases()
    shapes = [case.args[0].shape for case in cases]
    assert {(7, 10), (13, 3), (50, 10)} <= set(shapes)
    assert any(n < classes for n, classes in shapes) and any(n > classes for n, classes in shapes)
    assert any(case.args[0].dtype == np.float32 for case in cases)
    with_zeros = [case.args[0] for case in cases if (case.args[0] == 0).any()]
    assert any(not p.any(axis=0).all() for p in with_zeros)  # a class with p(y) = 0
    assert any(((p > 0) & (p < 1)).any() for p in with_zeros)  # zeros in soft rows too
    for case in cases:
        np.testing.assert_allclose(case.args[0].sum(axis=1), 1, atol=1e-6)
        if "random" in case.label:
            assert case.args[0].min() > 1e-6  # exact zeros only where the label says so
            alphas = case.args[0].mean(axis=0)
            assert np.ptp(alphas) > 0.02  # not a symmetric Dirichlet


def test_score_mistakes_are_all_caught_and_told_apart_on_the_first_case():
    value, mistakes = evaluation_exercises._score_cases()[0].expected
    wrong = np.array([w for w, _ in mistakes])
    assert np.all(~np.isclose(wrong, value, rtol=1e-4))
    gaps = np.abs(wrong[:, None] - wrong[None, :]) / np.abs(wrong[None, :])
    assert np.all(gaps[~np.eye(len(wrong), dtype=bool)] > 1e-3)


# --- Exercise 8.2: the entropy of the class coverage -------------------------------------


def entropy_bincount(labels, num_classes):
    q = np.bincount(labels, minlength=num_classes) / len(labels)
    return -np.sum(q[q > 0] * np.log(q[q > 0]))


def entropy_unique(labels, num_classes):
    _, counts = np.unique(labels, return_counts=True)  # only the classes present
    q = counts / counts.sum()
    return float(-(q * np.log(q)).sum())


RIGHT_COVERAGE = {
    "reference": lambda labels, k: evaluation.coverage_from_probabilities(np.eye(k)[labels])[1],
    "bincount": entropy_bincount,
    "only the classes present (np.unique)": entropy_unique,
    "bincount without minlength": lambda labels, k: scipy.special.entr(
        np.bincount(labels) / len(labels)
    ).sum(),
    "scipy.stats.entropy of the counts": lambda labels, k: scipy.stats.entropy(
        np.bincount(labels, minlength=k)
    ),
    "nansum": lambda labels, k: (
        -np.nansum(
            np.bincount(labels, minlength=k)
            / len(labels)
            * np.log(np.bincount(labels, minlength=k) / len(labels))
        )
    ),
    "np.histogram with num_classes bins": lambda labels, k: scipy.stats.entropy(
        np.histogram(labels, bins=k)[0]
    ),
    "small epsilon in the log": lambda labels, k: (
        -np.sum(
            np.bincount(labels, minlength=k)
            / len(labels)
            * np.log(np.bincount(labels, minlength=k) / len(labels) + 1e-12)
        )
    ),
    "python loop": lambda labels, k: (
        -sum(
            c / len(labels) * math.log(c / len(labels))
            for c in (list(labels).count(j) for j in range(k))
            if c
        )
    ),
}


@pytest.mark.parametrize("name", RIGHT_COVERAGE)
def test_coverage_checker_accepts_right_answers(name, capsys):
    assert exercises.check_coverage_entropy(RIGHT_COVERAGE[name]) is True
    assert capsys.readouterr().out.startswith(
        "✓ Exercise 8.2 (coverage entropy): correct on all 9 cases."
    )


def fractions(labels, num_classes):
    return np.bincount(labels, minlength=num_classes) / len(labels)


WRONG_COVERAGE = {
    "log2": (lambda y, k: scipy.stats.entropy(fractions(y, k), base=2), "not log2"),
    "log10": (lambda y, k: scipy.stats.entropy(fractions(y, k), base=10), "not log10"),
    "counts not normalized": (
        lambda y, k: -sum(c * math.log(c) for c in np.bincount(y) if c),
        "the counts are not normalized",
    ),
    "nan from 0 ln 0": (
        lambda y, k: -np.sum(fractions(y, k) * np.log(fractions(y, k))),
        "0 * ln 0 = 0 * (-inf) = nan",
    ),
    "sign flipped": (
        lambda y, k: np.sum(
            fractions(y, k)[fractions(y, k) > 0] * np.log(fractions(y, k)[fractions(y, k) > 0])
        ),
        "the sign is flipped",
    ),
    "normalized by num_classes": (
        lambda y, k: scipy.special.entr(np.bincount(y, minlength=k) / k).sum(),
        "not by num_classes",
    ),
    "perplexity": (lambda y, k: np.exp(entropy_bincount(y, k)), "the perplexity"),
    "divided by ln(num_classes)": (
        lambda y, k: entropy_bincount(y, k) / np.log(k),
        "divided by ln(num_classes)",
    ),
    "mean over the classes": (
        lambda y, k: scipy.special.entr(fractions(y, k)).mean(),
        "not their mean",
    ),
    "mean over the classes present": (
        lambda y, k: scipy.special.entr(fractions(y, k)[fractions(y, k) > 0]).mean(),
        "not their mean",
    ),
    "unweighted -ln q": (
        lambda y, k: -np.log(fractions(y, k)[fractions(y, k) > 0]).sum(),
        "weigh each -ln q by its fraction q",
    ),
    "ln of the number of classes present": (
        lambda y, k: np.log(len(np.unique(y))),
        "weigh each class by its fraction",
    ),
    "ln(num_classes)": (lambda y, k: np.log(k), "weigh each class by its fraction"),
    "Gini impurity": (lambda y, k: 1 - np.sum(fractions(y, k) ** 2), "the Gini impurity"),
    "returns the histogram": (fractions, "expected one number, got an array of shape"),
    "entropy of the labels as values": (
        lambda y, k: scipy.stats.entropy(np.asarray(y, dtype=float) + 1),
        None,
    ),
    "normalized by the number of classes present": (
        lambda y, k: scipy.special.entr(np.bincount(y) / len(np.unique(y))).sum(),
        None,
    ),
    "counts without the last class": (
        lambda y, k: scipy.stats.entropy(np.bincount(y, minlength=k)[: k - 1]),
        None,
    ),
    "returns a string": (lambda y, k: str(entropy_bincount(y, k)), "got a str"),
    "returns nothing": (lambda y, k: None, "forget `return`"),
}


@pytest.mark.parametrize("name", WRONG_COVERAGE)
def test_coverage_checker_rejects_wrong_answers(name, capsys):
    fn, explanation = WRONG_COVERAGE[name]
    assert exercises.check_coverage_entropy(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 8.2 (coverage entropy): on ")
    assert "exercises.hint('coverage_entropy')" in out
    if explanation:
        assert explanation in out


def test_coverage_checker_reports_a_stub_as_not_attempted(capsys):
    assert exercises.check_coverage_entropy(stub) is False
    assert capsys.readouterr().out.startswith(
        "○ Exercise 8.2 (coverage entropy): not attempted yet"
    )


def test_coverage_checker_never_raises_for_a_crash(capsys):
    assert exercises.check_coverage_entropy(lambda labels, k: labels.nope) is False
    assert "raised AttributeError" in capsys.readouterr().out


def test_coverage_checker_refuses_something_that_is_not_a_function(capsys):
    assert exercises.check_coverage_entropy("entropy") is False
    assert "expected a function, received str" in capsys.readouterr().out


def test_coverage_cases_agree_with_an_independent_reference():
    cases = evaluation_exercises._coverage_cases()
    for case in cases:
        labels, num_classes = case.args
        value, _ = case.expected
        counts = np.bincount(labels, minlength=num_classes)
        assert value == pytest.approx(scipy.stats.entropy(counts), abs=1e-12)
        assert value <= np.log(num_classes) + 1e-12
    by_label = {case.label: case.expected[0] for case in cases}
    assert by_label["30 labels, all class 7 of 10 (mode collapse: entropy 0)"] == 0
    assert by_label["each of 10 classes exactly 5 times (entropy ln 10)"] == pytest.approx(
        np.log(10), abs=1e-12
    )


def test_coverage_cases_are_thorough():
    cases = evaluation_exercises._coverage_cases()
    first_labels, first_classes = cases[0].args
    assert len(first_labels) != first_classes  # normalizing by num_classes shows at once
    missing = [
        case for case in cases if np.bincount(case.args[0], minlength=case.args[1]).min() == 0
    ]
    assert any(case.args[0].max() + 1 < case.args[1] for case in missing)  # trailing classes
    assert any(
        0 in np.bincount(labels, minlength=k)[: labels.max()]
        for labels, k in (c.args for c in missing)
    )  # a class missing between present ones
    assert any(case.args[0].dtype == np.uint8 for case in cases)
    for case in missing:  # the labels say which classes are never predicted
        labels, num_classes = case.args
        absent = np.flatnonzero(np.bincount(labels, minlength=num_classes) == 0)
        if "never predicted" in case.label:
            assert case.label.endswith(
                f"classes {absent[0]}, {absent[1]} and {absent[2]} never predicted"
            )


def test_coverage_mistakes_are_all_caught_on_the_first_case():
    value, mistakes = evaluation_exercises._coverage_cases()[0].expected
    for wrong, _ in mistakes:
        assert not np.isclose(wrong, value, rtol=1e-4)


# --- Both ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, title",
    [
        ("classifier_score", "Exercise 8.1 (classifier score)"),
        ("coverage_entropy", "Exercise 8.2 (coverage entropy)"),
    ],
)
def test_hint_and_solution_are_registered(name, title, capsys):
    exercises.hint(name)
    exercises.solution(name)
    out = capsys.readouterr().out
    assert f"Hint for {title}:" in out and f"A solution to {title}:" in out
    assert "def my_" in out


def test_registered_solutions_pass_their_checkers(capsys):
    namespace = {"np": np}
    for name in ("classifier_score", "coverage_entropy"):
        exec(exercises.core._lookup(name).solution, namespace)
    assert exercises.check_classifier_score(namespace["my_classifier_score"]) is True
    assert exercises.check_coverage_entropy(namespace["my_coverage_entropy"]) is True


def test_checkers_are_exported():
    assert {"check_classifier_score", "check_coverage_entropy"} <= set(exercises.__all__)

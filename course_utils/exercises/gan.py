"""Notebook 06's exercises on the two losses (6.1, 6.2).

They work on the probabilities the discriminator outputs, D(x) in [0, 1], in
NumPy. Exercise 6.3, one gradient step of the generator, is in `gan_step`.
"""

import numpy as np

from course_utils import softmax
from course_utils.exercises.core import Case, compare_scalar_explained, register, run_checks

register(
    "discriminator_loss",
    hint="""
        The discriminator is a binary classifier: real images have the label 1,
        generated ones the label 0. Binary cross-entropy of a score s against
        label 1 is -ln(s); against label 0 it is -ln(1 - s). Take the mean over
        the real scores and the mean over the fake scores separately (there
        may be different numbers of each), and add the two means.
    """,
    solution="""
        def my_discriminator_loss(real_scores, fake_scores):
            real = np.clip(np.asarray(real_scores, dtype=float), 1e-7, 1 - 1e-7)
            fake = np.clip(np.asarray(fake_scores, dtype=float), 1e-7, 1 - 1e-7)
            return float(np.mean(-np.log(real)) + np.mean(-np.log(1 - fake)))
    """,
)

register(
    "generator_loss",
    hint="""
        The generator wants the discriminator to call its images real. The
        non-saturating loss is the cross-entropy of the fake scores against the
        label 1: the mean of -ln D(G(z)). It is large when D rejects the fakes
        (scores near 0), which is where the generator needs a strong gradient.
    """,
    solution="""
        def my_generator_loss(fake_scores):
            fake = np.clip(np.asarray(fake_scores, dtype=float), 1e-7, 1 - 1e-7)
            return float(np.mean(-np.log(fake)))
    """,
)


def _clip(scores):
    return np.clip(np.asarray(scores, dtype=np.float64), softmax.EPSILON, 1 - softmax.EPSILON)


def _bce(scores, label):
    s = _clip(scores)
    return float(np.mean(-(label * np.log(s) + (1 - label) * np.log(1 - s))))


def _scores(rng, shape, low=0.02, high=0.98):
    return rng.uniform(low, high, size=shape)


def _discriminator_mistakes(real, fake):
    r, f = _clip(real), _clip(fake)
    both = np.concatenate([r.ravel(), f.ravel()])
    labels = np.concatenate([np.ones(r.size), np.zeros(f.size)])
    right = _bce(r, 1) + _bce(f, 0)
    return [
        (_bce(r, 0) + _bce(f, 1), "the labels are swapped: real images are 1, fakes are 0"),
        (_bce(r, 1), "the fake scores are missing: add the mean of -ln(1 - D(G(z)))"),
        (_bce(f, 0), "the real scores are missing: add the mean of -ln D(x)"),
        (
            float(np.mean(f) - np.mean(r)),
            "that is a Wasserstein-style difference of mean scores, not cross-entropy",
        ),
        (
            float(np.mean(r) - np.mean(f)),
            "that is a difference of mean scores, not cross-entropy: take -ln of the scores",
        ),
        (
            right / 2,
            "add the two means (one over the real scores, one over the fakes); do not average them",
        ),
        (
            float(np.mean(-(labels * np.log(both) + (1 - labels) * np.log(1 - both)))),
            "add the two means (one over the real scores, one over the fakes), each taken on its own set",
        ),
        (
            float(np.sum(-np.log(r)) + np.sum(-np.log(1 - f))),
            "take the mean over the scores, not the sum",
        ),
        (-right, "the sign is wrong: cross-entropy is -ln(p), a positive number"),
        (right / np.log(10), "use the natural logarithm (np.log), not log10"),
        (right / np.log(2), "use the natural logarithm (np.log), not log2"),
    ]


def _discriminator_cases():
    rng = np.random.default_rng(6)
    settings = [
        ("8 real and 8 fake scores", (8,), (8,), (0.02, 0.98), (0.02, 0.98), ""),
        (
            "5 real and 12 fake scores",
            (5,),
            (12,),
            (0.02, 0.98),
            (0.02, 0.98),
            "there may be different numbers of real and fake scores: average each set on its own.",
        ),
        (
            "scores of shape (7, 1), what discriminator.predict returns",
            (7, 1),
            (9, 1),
            (0.02, 0.98),
            (0.02, 0.98),
            "",
        ),
        (
            "a confident discriminator (real near 1, fake near 0)",
            (6,),
            (6,),
            (0.9, 0.999),
            (0.001, 0.1),
            "the loss is small when D is right.",
        ),
        (
            "a fooled discriminator (real near 0, fake near 1)",
            (10,),
            (4,),
            (0.01, 0.2),
            (0.8, 0.99),
            "the loss is large when D is wrong.",
        ),
        ("one real and three fake scores", (1,), (3,), (0.3, 0.7), (0.3, 0.7), ""),
    ]
    cases = []
    for label, real_shape, fake_shape, real_range, fake_range, hint_text in settings:
        real = _scores(rng, real_shape, *real_range)
        fake = _scores(rng, fake_shape, *fake_range)
        value = _bce(real, 1) + _bce(fake, 0)
        cases.append(
            Case(
                label,
                (real, fake),
                (value, _discriminator_mistakes(real, fake)),
                hint=hint_text,
            )
        )
    real, fake = np.full(4, 0.5), np.full(4, 0.5)
    cases.append(
        Case(
            "every score 0.5 (D cannot tell): the loss is 2 ln 2",
            (real, fake),
            (2 * np.log(2), _discriminator_mistakes(real, fake)),
        )
    )
    return cases


def _generator_mistakes(fake):
    f = _clip(fake)
    right = _bce(f, 1)
    return [
        (
            float(np.mean(np.log(1 - f))),
            "that is the saturating loss ln(1 - D(G(z))) of the minimax game: it is flat where "
            "D rejects the fakes; use -ln D(G(z))",
        ),
        (
            _bce(f, 0),
            "that is cross-entropy against 0, the discriminator's target for fakes: the "
            "generator wants them scored as real (label 1)",
        ),
        (float(-np.mean(f)), "take -ln of the scores, not the scores themselves"),
        (float(1 - np.mean(f)), "take -ln of the scores, not 1 minus the scores"),
        (-right, "the sign is wrong: the loss is the mean of -ln D(G(z)), a positive number"),
        (float(np.sum(-np.log(f))), "take the mean over the scores, not the sum"),
        (right / np.log(10), "use the natural logarithm (np.log), not log10"),
        (right / np.log(2), "use the natural logarithm (np.log), not log2"),
    ]


def _generator_cases():
    rng = np.random.default_rng(7)
    settings = [
        ("9 random fake scores", (9,), (0.02, 0.98), ""),
        (
            "fakes the discriminator rejects (scores 0.001-0.05)",
            (6,),
            (0.001, 0.05),
            "early in training D rejects every fake: the loss must be large there.",
        ),
        ("fakes that fool the discriminator (scores 0.7-0.99)", (5,), (0.7, 0.99), ""),
        ("scores of shape (11, 1), what discriminator.predict returns", (11, 1), (0.02, 0.98), ""),
        ("one fake score", (1,), (0.2, 0.6), ""),
    ]
    cases = []
    for label, shape, score_range, hint_text in settings:
        fake = _scores(rng, shape, *score_range)
        cases.append(
            Case(label, (fake,), (_bce(fake, 1), _generator_mistakes(fake)), hint=hint_text)
        )
    fake = np.full(3, 0.5)
    cases.append(Case("every score 0.5: the loss is ln 2", (fake,), (np.log(2), [])))
    return cases


def check_discriminator_loss(fn):
    """Checks `fn(real_scores, fake_scores)`: binary cross-entropy, real -> 1, fake -> 0.

    The answer is `mean(-ln real_scores) + mean(-ln(1 - fake_scores))`, a float.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> def loss(real_scores, fake_scores):
    ...     return np.mean(-np.log(real_scores)) + np.mean(-np.log(1 - fake_scores))
    >>> check_discriminator_loss(loss)
    ✓ Exercise 6.1 (discriminator loss): correct on all 7 cases.
    True
    """
    return run_checks("discriminator_loss", fn, _discriminator_cases(), compare_scalar_explained)


def check_generator_loss(fn):
    """Checks `fn(fake_scores)`: the non-saturating generator loss `mean(-ln D(G(z)))`.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> check_generator_loss(lambda fake_scores: np.mean(-np.log(fake_scores)))
    ✓ Exercise 6.2 (generator loss): correct on all 6 cases.
    True
    """
    return run_checks("generator_loss", fn, _generator_cases(), compare_scalar_explained)

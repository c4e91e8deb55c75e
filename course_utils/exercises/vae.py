"""Notebook 07's exercises: the reparameterization trick and the KL term of the ELBO."""

import numpy as np

from course_utils.exercises.core import Case, compare_arrays, register, run_checks

register(
    "reparameterize",
    hint="""
        The encoder gives the mean and the log-variance log(sigma^2). The
        standard deviation is sigma = exp(log_var / 2), the square root of the
        variance exp(log_var). Scale the noise by sigma, then shift it by the
        mean: z = mean + sigma * epsilon. Work element by element; all three
        arrays have the shape (batch, latent_dim).
    """,
    solution="""
        def my_reparameterize(mean, log_var, epsilon):
            return mean + np.exp(log_var / 2) * epsilon
    """,
)

register(
    "kl_divergence",
    hint="""
        For one latent dimension, KL(N(m, s^2) || N(0, 1)) =
        -1/2 * (1 + log s^2 - m^2 - s^2), with s^2 = exp(log_var). It is never
        negative and is 0 only for m = 0, log_var = 0. Add it up over the latent
        dimensions (axis=-1) but not over the batch: one number per sample,
        shape (batch,).
    """,
    solution="""
        def my_kl_divergence(mean, log_var):
            return -0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=-1)
    """,
)

_REPARAMETERIZE_HINT = "z = mean + exp(log_var / 2) * epsilon, element by element."
_STD_HINT = (
    "the standard deviation is exp(log_var / 2), the square root of the variance exp(log_var)."
)


def _gaussian(rng, batch, latent_dim, scale=2.0):
    mean = rng.normal(0.3, scale, size=(batch, latent_dim))
    log_var = rng.uniform(-3.0, 2.0, size=(batch, latent_dim))
    return mean, log_var


def _reparameterize_cases():
    from course_utils import vae  # imported here: it loads Keras, which is slow to start

    rng = np.random.default_rng(7)
    cases = []
    mean = np.zeros((2, 3))
    log_var = np.full((2, 3), np.log(9.0))  # variance 9, standard deviation 3
    epsilon = rng.standard_normal((2, 3))
    cases.append(
        Case(
            "mean 0 and variance 9 (log_var = log 9), so z = 3 * epsilon",
            (mean, log_var, epsilon),
            3.0 * epsilon,
            hint=_STD_HINT,
        )
    )
    for batch, latent_dim in [(4, 3), (1, 1), (5, 7), (2, 16)]:
        mean, log_var = _gaussian(rng, batch, latent_dim)
        epsilon = rng.standard_normal((batch, latent_dim))
        cases.append(
            Case(
                f"random mean, log_var and epsilon of shape ({batch}, {latent_dim})",
                (mean, log_var, epsilon),
                vae.reparameterize(mean, log_var, epsilon),
                hint=_REPARAMETERIZE_HINT,
            )
        )
    mean, log_var = _gaussian(rng, 3, 5)
    mean *= np.array([[100.0], [1.0], [0.01]])
    log_var += np.array([[4.0], [0.0], [-6.0]])
    epsilon = rng.standard_normal((3, 5))
    cases.append(
        Case(
            "rows of very different scale (means near 100, 1 and 0.01)",
            (mean, log_var, epsilon),
            vae.reparameterize(mean, log_var, epsilon),
            hint=_REPARAMETERIZE_HINT,
        )
    )
    mean, log_var = _gaussian(rng, 3, 4)
    cases.append(
        Case(
            "epsilon = 0 (no noise), so z = mean",
            (mean, log_var, np.zeros((3, 4))),
            mean.copy(),
            hint="with no noise z is the mean itself: the noise is scaled, then added to the mean.",
        )
    )
    return cases


def check_reparameterize(fn):
    """Checks `fn(mean, log_var, epsilon)`: z = mean + exp(log_var / 2) * epsilon.

    All three arrays have the shape `(batch, latent_dim)`; the answer too.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> check_reparameterize(lambda mean, log_var, eps: mean + np.exp(log_var / 2) * eps)
    ✓ Exercise 7.1 (reparameterize): correct on all 7 cases.
    True
    """
    return run_checks(
        "reparameterize",
        fn,
        _reparameterize_cases(),
        lambda got, expected: compare_arrays(got, expected, atol=1e-5, rtol=1e-5),
    )


_KL_HINT = (
    "per sample, -1/2 * sum over latent dimensions of (1 + log_var - mean**2 - exp(log_var)); "
    "sum over axis=-1 only."
)


def _kl_cases():
    from course_utils import vae  # imported here: it loads Keras, which is slow to start

    rng = np.random.default_rng(8)
    cases = [
        Case(
            "mean 0 and log_var 0 (the prior itself), shape (3, 4)",
            (np.zeros((3, 4)), np.zeros((3, 4))),
            np.zeros(3),
            hint="a distribution does not diverge from itself: the KL must be 0 here. Check "
            "the constant 1 in the sum and that you use exp(log_var).",
        ),
        Case(
            "only the means differ from the prior: mean [[1, 0], [0, 2], [3, 4]], log_var 0",
            (np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]]), np.zeros((3, 2))),
            np.array([0.5, 2.0, 12.5]),
            hint="with log_var = 0 the KL is sum(mean**2) / 2 per sample, summed (not "
            "averaged) over the latent dimensions.",
        ),
        Case(
            "only the variances differ from the prior: mean 0, log_var [[1, -1, 2]]",
            (np.zeros((1, 3)), np.array([[1.0, -1.0, 2.0]])),
            vae.kl_divergence(np.zeros((1, 3)), np.array([[1.0, -1.0, 2.0]])),
            hint="the variance is exp(log_var), not log_var: -1/2 * (1 + log_var - "
            "exp(log_var)) per dimension.",
        ),
    ]
    for batch, latent_dim in [(4, 3), (1, 1), (5, 7), (2, 16), (6, 6)]:
        mean, log_var = _gaussian(rng, batch, latent_dim)
        cases.append(
            Case(
                f"random mean and log_var of shape ({batch}, {latent_dim})",
                (mean, log_var),
                vae.kl_divergence(mean, log_var),
                hint=_KL_HINT,
            )
        )
    mean, log_var = _gaussian(rng, 3, 5)
    mean *= np.array([[20.0], [1.0], [0.01]])
    log_var += np.array([[3.0], [0.0], [-5.0]])
    cases.append(
        Case(
            "rows of very different scale (means near 20, 1 and 0.01)",
            (mean, log_var),
            vae.kl_divergence(mean, log_var),
            hint=_KL_HINT,
        )
    )
    return cases


def check_kl_divergence(fn):
    """Checks `fn(mean, log_var)`: the KL divergence of N(mean, exp(log_var)) from N(0, I).

    The inputs have the shape `(batch, latent_dim)`; the answer is one number
    per sample, summed over the latent dimensions: shape `(batch,)`.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> check_kl_divergence(
    ...     lambda m, lv: -0.5 * np.sum(1 + lv - m**2 - np.exp(lv), axis=-1)
    ... )
    ✓ Exercise 7.2 (kl_divergence): correct on all 9 cases.
    True
    """
    return run_checks(
        "kl_divergence",
        fn,
        _kl_cases(),
        lambda got, expected: compare_arrays(got, expected, atol=1e-5, rtol=1e-5),
    )

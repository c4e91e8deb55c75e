"""The GAN's two losses, on the probabilities the discriminator outputs.

    discriminator_loss(real_scores, fake_scores)   # -mean(ln D(x)) - mean(ln(1 - D(G(z))))
    generator_loss(fake_scores)                    # the non-saturating mean(-ln D(G(z)))
    cross_entropy(1.0, scores)                     # the same, inside the training step

The first two are NumPy: the formulas the notebook teaches and the exercises
check. `training.GAN.game_step` computes the same two numbers with
`cross_entropy`, in `keras.ops`, with a gradient that lives on where D is sure.
"""

import keras
import numpy as np

from course_utils import checks
from course_utils.softmax import EPSILON  # probabilities are clipped as Keras does


def discriminator_loss(real_scores, fake_scores, label_smoothing=0.0):
    """The discriminator's loss: binary cross-entropy, real -> 1 and fake -> 0.

    `-mean(ln D(x)) - mean(ln(1 - D(G(z))))`: the mean cross-entropy of the
    scores of real images against the label 1, plus that of the scores of
    generated images against 0. D minimizes it by scoring real images near 1
    and generated ones near 0. Probabilities are clipped to
    `[1e-7, 1 - 1e-7]`, as Keras does, so a score of exactly 0 or 1 gives a
    large but finite loss.

    Args:
        real_scores: D's probabilities for real images, any shape, values in [0, 1].
        fake_scores: D's probabilities for generated images, any shape.
        label_smoothing: target for real images is `1 - label_smoothing`
            (one-sided label smoothing; 0 for the plain loss).

    Returns:
        The loss, a Python float.

    Raises:
        ValueError: if the scores are empty, not finite or outside [0, 1].

    >>> round(discriminator_loss([0.9, 0.8], [0.1, 0.3]), 4)  # confident and right: small
    0.3953
    >>> round(discriminator_loss([0.5], [0.5]), 4)            # 2 ln 2: D cannot tell
    1.3863
    """
    real = _check_scores(real_scores, "real_scores")
    fake = _check_scores(fake_scores, "fake_scores")
    label_smoothing = check_label_smoothing(
        label_smoothing, "Use 0 for the plain loss or e.g. 0.1 to aim real scores at 0.9."
    )
    target = 1.0 - label_smoothing
    return float(_binary_cross_entropy(target, real) + _binary_cross_entropy(0.0, fake))


def generator_loss(fake_scores):
    """The non-saturating generator loss: `mean(-ln D(G(z)))`.

    G wants D to score its images as real. The minimax game's generator
    minimizes `mean(ln(1 - D(G(z))))`, which is flat where D confidently
    rejects the fakes (whenever D gets far ahead of G, in many GANs early
    on); `-ln D(G(z))` has the same goal and a steep slope there. Probabilities are clipped like Keras'.

    Args:
        fake_scores: D's probabilities for generated images, any shape.

    Returns:
        The loss, a Python float.

    Raises:
        ValueError: if the scores are empty, not finite or outside [0, 1].

    >>> round(generator_loss([0.01, 0.02]), 3)   # D rejects the fakes: large loss
    4.259
    >>> round(generator_loss([0.5, 0.5]), 4)     # ln 2
    0.6931
    """
    return float(_binary_cross_entropy(1.0, _check_scores(fake_scores, "fake_scores")))


def cross_entropy(target, scores):
    """The mean binary cross-entropy of D's `scores` (probabilities) against the label `target`.

    `-mean(target ln s + (1 - target) ln(1 - s))`, in `keras.ops`, for the
    training step. On TensorFlow Keras' sigmoid keeps its logits beside the
    scores, and the loss is computed from them, exactly. Elsewhere the scores
    are clipped to [1e-30, 1 - 1e-7]: `keras.ops.binary_crossentropy` clips at
    1e-7, where its gradient is 0, so once D scored every fake below 1e-7,
    -ln D(G(z)) would tell G nothing and G would never learn again (a PyTorch
    run of the full profile did that from its first steps). Float32 still
    holds 1e-30: the gradient of -ln D(G(z)) lives on until D's logit for the
    fakes falls below about -69.

    Args:
        target: the label, a number: 1 for "real", 0 for "generated".
        scores: D's outputs, a tensor of probabilities.

    Returns:
        A scalar tensor.

    >>> round(float(cross_entropy(1.0, np.array([0.5, 0.5], "float32"))), 4)  # ln 2
    0.6931
    """
    logits = getattr(scores, "_keras_logits", None)
    if logits is not None:
        return keras.ops.mean(
            keras.ops.binary_crossentropy(
                keras.ops.full_like(logits, target), logits, from_logits=True
            )
        )
    p = keras.ops.clip(scores, _SMALLEST_SCORE, 1.0 - 1e-7)
    return -keras.ops.mean(target * keras.ops.log(p) + (1.0 - target) * keras.ops.log(1.0 - p))


_SMALLEST_SCORE = 1e-30


def check_label_smoothing(label_smoothing, fix=""):
    """Returns `label_smoothing` as a float in [0, 0.5), or raises a ValueError.

    Real images are scored against `1 - label_smoothing`: from 0.5 on, the
    target for a real image would be no higher than that for a fake (0).

    >>> check_label_smoothing(0.1)
    0.1
    """
    return checks.fraction(
        label_smoothing, "label_smoothing", high=0.5, high_inclusive=False, fix=fix
    )


def _binary_cross_entropy(target, scores):
    scores = np.clip(scores, EPSILON, 1.0 - EPSILON)
    return np.mean(-(target * np.log(scores) + (1.0 - target) * np.log(1.0 - scores)))


def _check_scores(scores, name):
    try:
        array = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.size == 0 or not np.isfinite(array).all():
        raise ValueError(
            f"`{name}` must be a non-empty array of finite probabilities; received "
            f"{scores!r:.80}. Pass what the discriminator returns, e.g. "
            "discriminator.predict(images)."
        )
    if array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"`{name}` must be probabilities in [0, 1]; received values from "
            f"{array.min():.4g} to {array.max():.4g}. The discriminator ends in a sigmoid; "
            "if you have logits, apply keras.ops.sigmoid first."
        )
    return array

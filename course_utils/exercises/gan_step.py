"""Notebook 06's Exercise 6.3: one gradient step of the generator, with autodiff.

The step works on two small Keras networks: the learner's function
differentiates the generator's loss and moves the generator's weights, and the
checker compares the weights with those of a reference step from the same
weights and noise (the discriminator's must not move at all).
"""

import re

import numpy as np

from course_utils.exercises.core import Case, register, run_checks

# --- Exercise 6.3: one gradient step of the generator --------------------------------------

register(
    "generator_step",
    hint="""
        Write a function of no arguments that scores the fakes, D(G(z)),
        calling both networks with training=True, and returns the mean of
        -ln D(G(z)) (binary cross-entropy against 1, the label "real").
        Differentiate it with respect to the generator's weights only,
            loss, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
        apply the gradients once,
            optimizer.apply(grads, generator.trainable_weights)
        and return the loss. The discriminator scores the fakes, but its weights
        must not move in this step.
    """,
    solution="""
        def my_generator_step(generator, discriminator, optimizer, noise):
            def loss_fn():
                scores = discriminator(generator(noise, training=True), training=True)
                real = keras.ops.ones_like(scores)  # G wants its images scored as real
                return keras.ops.mean(keras.ops.binary_crossentropy(real, scores))

            weights = generator.trainable_weights  # G's weights only: D stays put
            loss, gradients = backend.value_and_gradients(loss_fn, weights)
            optimizer.apply(gradients, weights)
            return loss
    """,
)

# (seed, noise vectors, latent size, bias of D's last unit, what D does with the fakes)
_STEP_SETTINGS = (
    (0, 8, 8, -3.0, "rejects"),
    (1, 5, 8, 0.0, "cannot judge"),
    (2, 16, 4, 1.5, "accepts"),
)
STEP_LEARNING_RATE = 0.01  # plain SGD: a weight moves by -learning_rate * its gradient
_STEP_RTOL = 1e-3  # of the reference's largest move; float32 gradients agree far closer


class _Raised:
    """What the learner's function raised, reported by the comparison (shortened)."""

    def __init__(self, error):
        self.error = error


def _short(error):
    text = re.sub(r", value=.*?\]>", ">", str(error), flags=re.DOTALL)  # Keras prints values
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


def _loss_of(kind, keras, scores):
    bce = keras.ops.binary_crossentropy
    if kind == "non-saturating":
        return keras.ops.mean(bce(keras.ops.ones_like(scores), scores))
    if kind == "saturating":
        return keras.ops.mean(keras.ops.log(1.0 - scores))
    if kind == "against 0":
        return keras.ops.mean(bce(keras.ops.zeros_like(scores), scores))
    if kind == "sum":
        return keras.ops.sum(bce(keras.ops.ones_like(scores), scores))
    return keras.ops.mean(keras.ops.log(scores))  # "sign": ln D, the loss turned upside down


def _reference_step(generator, discriminator, optimizer, noise, kind="non-saturating", **how):
    """The step the checker compares with, and the known mistakes (`kind`, `how`)."""
    import keras

    from course_utils import backend

    weights = generator.trainable_weights
    for _ in range(how.get("times", 1)):

        def loss_fn():
            images = generator(noise, training=how.get("training", True))
            return _loss_of(kind, keras, discriminator(images, training=True))

        loss, gradients = backend.value_and_gradients(loss_fn, weights)
        optimizer.apply(gradients, weights)
    return loss


def _mean_score(generator, discriminator, optimizer, noise):
    """The mean D(G(z)) at the start, with both networks in training mode."""
    import keras

    return keras.ops.mean(discriminator(generator(noise, training=True), training=True))


def _numpy(variables):
    return [np.array(v.numpy()) for v in variables]


def _largest(differences):
    return max((float(np.max(np.abs(d))) for d in differences if np.size(d)), default=0.0)


_STEP_MISTAKES = (
    (
        {"kind": "saturating"},
        "the generator moved as it does for the saturating loss, mean of ln(1 - D(G(z))): "
        "it is flat where D rejects the fakes; minimize the mean of -ln D(G(z))",
    ),
    (
        {"kind": "against 0"},
        "the generator moved as it does for cross-entropy against 0, the discriminator's "
        "target for fakes: the generator wants its images scored as real, the label 1",
    ),
    (
        {"kind": "sign"},
        "the generator moved the wrong way, up its loss: minimize the mean of -ln D(G(z)) "
        "(binary cross-entropy against 1), not of ln D(G(z))",
    ),
    (
        {"kind": "sum"},
        "the generator moved as it does for the sum of -ln D(G(z)) over the batch: take the mean",
    ),
    (
        {"times": 2},
        "the generator took two steps: call value_and_gradients and optimizer.apply once",
    ),
    (
        {"training": False},
        "the generator moved as it does when called with training=False: call it with "
        "training=True, as train_step does (in training mode BatchNorm normalizes the batch "
        "with its own statistics)",
    ),
)


class _StepCase:
    """One start (two small networks and a noise batch) and the reference step from it."""

    def __init__(self, seed, batch, latent_dim, bias):
        import keras

        from course_utils import config, gan

        with config.seeded(seed):  # the caller's random numbers stay as they were
            generator = gan.build_generator(latent_dim=latent_dim, filters=(8, 4, 4))
            discriminator = gan.build_discriminator(filters=(4, 4, 4), dropout=0)
        discriminator.layers[-1].bias.assign([bias])  # how strongly D rejects the fakes
        self.noise = np.random.default_rng(seed).standard_normal((batch, latent_dim))
        self.noise = self.noise.astype("float32")
        self.generator, self.discriminator = generator, discriminator  # the learner's
        self.optimizer = keras.optimizers.SGD(STEP_LEARNING_RATE)
        self.start = generator.get_weights(), discriminator.get_weights()
        self.start_generator = _numpy(generator.trainable_weights)
        self.start_discriminator = _numpy(discriminator.weights)
        self.mean_score = self.run(_mean_score)[1]
        reference, self.loss = self.run(_reference_step)
        self.reference_move = self.moves(reference)

    def run(self, step, **how):
        """Runs `step` on copies of the two networks as they were at the start.

        Returns:
            The copy of the generator, after the step, and what `step` returned.
        """
        import keras

        generator = keras.models.clone_model(self.generator)
        generator.set_weights(self.start[0])
        discriminator = keras.models.clone_model(self.discriminator)
        discriminator.set_weights(self.start[1])
        optimizer = keras.optimizers.SGD(STEP_LEARNING_RATE)
        value = step(generator, discriminator, optimizer, self.noise, **how)
        return generator, float(keras.ops.convert_to_numpy(value))

    def moves(self, generator):
        after = _numpy(generator.trainable_weights)
        return [a - b for a, b in zip(after, self.start_generator)]

    def problem(self, got):
        if isinstance(got, _Raised):
            error = got.error
            message = f"your function raised {type(error).__name__}: {_short(error)}"
            if "Unknown variable" in str(error):
                message += (
                    " (the optimizer serves one set of weights: give it the generator's, "
                    "generator.trainable_weights, and only those)"
                )
            elif re.search(r"numpy|[Cc]onvert|__array__|Tracer|DType", str(error)):
                message += (
                    " (a loss computed with NumPy, or with gan.generator_loss, has no gradient: "
                    "write it with keras.ops, e.g. keras.ops.binary_crossentropy)"
                )
            elif "No gradients provided" in str(error):
                message += (
                    " (the loss does not depend on the generator's weights as the gradient "
                    "sees it: call generator(noise, training=True) inside the loss function)"
                )
            return message
        problem = self._weights_problem()
        return problem or self._value_problem(got)

    def _weights_problem(self):
        discriminator = _numpy(self.discriminator.weights)
        generator = _numpy(self.generator.trainable_weights)
        shapes = [w.shape for w in self.start_generator + self.start_discriminator]
        if [w.shape for w in generator + discriminator] != shapes:
            return (
                "the networks' weights changed shape: change their values only, with the optimizer"
            )
        moved = _largest([a - b for a, b in zip(discriminator, self.start_discriminator)])
        if moved > 0:
            return (
                f"the discriminator's weights changed (by up to {moved:.3g}): in the "
                "generator's step only G moves; pass generator.trainable_weights (only) to "
                "value_and_gradients and to optimizer.apply"
            )
        move = self.moves(self.generator)
        if _largest(move) == 0:
            return (
                "the generator's weights did not move: apply the gradients with "
                "optimizer.apply(grads, generator.trainable_weights), and call "
                "generator(noise, training=True) inside the loss function so the gradient "
                "sees it"
            )
        scale = _largest(self.reference_move)
        off = _largest([a - b for a, b in zip(move, self.reference_move)])
        if off <= _STEP_RTOL * scale:
            return None
        return self._explain_move(move, off, scale)

    def _explain_move(self, move, off, scale):
        best = None
        for how, explanation in _STEP_MISTAKES:
            wrong = self.moves(self.run(_reference_step, **how)[0])
            distance = _largest([a - b for a, b in zip(move, wrong)])
            if distance <= 0.05 * max(_largest(wrong), 1e-12) and (
                best is None or distance < best[0]
            ):
                best = (distance, explanation)
        if best:
            return best[1]
        flat = np.concatenate([m.ravel() for m in move])
        reference = np.concatenate([m.ravel() for m in self.reference_move])
        ratio = float(flat @ reference / (reference @ reference))
        if np.abs(flat - ratio * reference).max() <= 0.01 * scale and abs(ratio - 1) > 0.01:
            if abs(ratio - 2) < 0.05:
                return "the generator moved twice as far as one step: apply the gradients once"
            return (
                f"the generator moved {ratio:.3g} times as far as one step of the mean of "
                "-ln D(G(z)) moves it: take the plain mean of the loss, and one step"
            )
        return (
            f"the generator's weights moved differently from one step down the mean of "
            f"-ln D(G(z)) (off by up to {off:.3g}, where the step moves them by up to "
            f"{scale:.3g})"
        )

    def _value_problem(self, got):
        if got is None:
            return "the step is right, but your function returned None: return the loss"
        try:
            import keras

            value = got
            if not isinstance(got, (int, float, np.ndarray, np.generic)):
                value = keras.ops.convert_to_numpy(got)
            array = np.asarray(value, dtype=np.float64)
        except Exception:  # anything that is not a number
            return f"the step is right, but your function returned a {type(got).__name__}: return the loss, one number"
        if array.size != 1:
            return (
                "the step is right, but your function returned an array of shape "
                f"{array.shape}: return the loss, one number (the mean over the batch)"
            )
        value = float(array.reshape(()))
        if np.isclose(value, self.loss, rtol=1e-4, atol=1e-6):
            return None
        problem = f"the step is right, but the loss returned is {value:.6g}, not {self.loss:.6g}"
        if np.isclose(value, -self.loss, rtol=1e-4, atol=1e-6):
            return f"{problem}: its sign is wrong"
        after = self._loss_after()
        if np.isclose(value, after, rtol=1e-4, atol=1e-6):
            return f"{problem}: that is the loss after the step; return the one value_and_gradients gave"
        return f"{problem}; return the loss that value_and_gradients gave"

    def _loss_after(self):
        return self.run(_reference_step, times=2)[1]  # the second step's loss: after the first


class _StepCases:
    """The cases of `check_generator_step`, each built when its turn comes.

    A case builds two networks and takes the reference step, so a stub (which
    fails on the first case) costs one case, not all of them.
    """

    def __len__(self):
        return len(_STEP_SETTINGS)

    def __iter__(self):
        for seed, batch, latent_dim, bias, what in _STEP_SETTINGS:
            start = _StepCase(seed, batch, latent_dim, bias)
            label = (
                f"{batch} noise vectors of length {latent_dim}, a discriminator that {what} "
                f"the fakes (mean D(G(z)) {start.mean_score:.2f})"
            )
            args = (start.generator, start.discriminator, start.optimizer, start.noise)
            yield Case(label, args, start)


def _step_cases():
    return list(_StepCases())


def _compare_step(got, start):
    try:
        return start.problem(got)
    except Exception as error:  # the learner's result broke the comparison: still no raise
        return (
            f"the checker could not read what your function left behind "
            f"({type(error).__name__}: {_short(error)})"
        )


def check_generator_step(fn):
    """Checks `fn(generator, discriminator, optimizer, noise)`: one step of G's loss.

    `fn` must take one gradient step of the non-saturating generator loss,
    the mean of `-ln D(G(z))` over the noise batch, with both networks in
    training mode: the gradients of the loss with respect to the generator's
    weights only (`backend.value_and_gradients`), applied once with
    `optimizer.apply`. It returns the loss (a number or a scalar tensor).

    On each case the checker builds a small generator and discriminator
    (`gan.build_generator(latent_dim, filters=(8, 4, 4))`,
    `gan.build_discriminator(filters=(4, 4, 4), dropout=0)`), takes the
    reference step on a copy of them, and compares: the generator's weights
    must move as the reference's, the discriminator's not at all, and the
    returned loss must be the reference's. The optimizer is plain SGD, so a
    wrong loss shows in the weights. The caller's random state is left as it was.

    Returns:
        True when `fn` matches the reference on every case, else False.

    >>> import keras
    >>> from course_utils import backend
    >>> def step(generator, discriminator, optimizer, noise):
    ...     def loss_fn():
    ...         scores = discriminator(generator(noise, training=True), training=True)
    ...         return keras.ops.mean(-keras.ops.log(scores))
    ...     loss, grads = backend.value_and_gradients(loss_fn, generator.trainable_weights)
    ...     optimizer.apply(grads, generator.trainable_weights)
    ...     return loss
    >>> check_generator_step(step)
    ✓ Exercise 6.3 (the generator's gradient step): correct on all 3 cases.
    True
    """
    if not callable(fn):
        return run_checks("generator_step", fn, [], _compare_step)  # says what fn should be

    from course_utils import config

    def call(*args):
        try:
            return fn(*args)
        except NotImplementedError:
            raise
        except Exception as error:  # reported by the comparison, shortened
            return _Raised(error)

    with config.seeded(0):  # copying networks draws initial weights: keep the caller's state
        return run_checks("generator_step", call, _StepCases(), _compare_step)

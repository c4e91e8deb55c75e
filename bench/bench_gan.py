"""GAN training speed: the classic Keras loop against the course's `fit()` training.

The classic loop (the Keras 2 era examples, e.g. Keras-GAN's dcgan.py) draws
fakes with `generator.predict`, trains the discriminator with `train_on_batch`
on the real batch and on the fake batch, then trains a combined model
(generator -> frozen discriminator) with `train_on_batch`: four calls from
Python per step. The course's `gan.GAN` does the same two moves in one compiled
`train_step` inside `fit()`. Both train the same architecture, with the same
batch size, for the same number of steps, in this process; the script prints
both times and the ratio, and checks that both loops really trained both
networks.

    python bench/bench_gan.py                 # 3 rounds of 200 steps of batch 32
    python bench/bench_gan.py --batch-size 64 --rounds 2

Batch 32 is what notebook 06 trains with. Both ways do the same arithmetic per step, so
the ratio measures the overhead the compiled step saves; it is smaller at batch 64.
"""

import argparse
import time

from course_utils import backend, config

backend.quiet_start()
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils import data, gan  # noqa: E402


def build_pair(seed):
    config.set_seed(seed)
    return gan.build_generator(), gan.build_discriminator()


def classic_loop(real, steps, batch_size, seed=0):
    """The classic loop: G.predict, D.train_on_batch twice, combined.train_on_batch."""
    generator, discriminator = build_pair(seed)
    discriminator.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="binary_crossentropy")
    # The combined model must see a frozen discriminator; Keras 3 fixes which weights a
    # model trains when its train function is first traced, so trace D's first.
    ones, zeros = np.ones((batch_size, 1), "float32"), np.zeros((batch_size, 1), "float32")
    discriminator.train_on_batch(real[:batch_size], ones)
    discriminator.trainable = False
    combined = keras.Sequential([generator, discriminator])
    combined.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="binary_crossentropy")
    latent_dim = generator.input_shape[-1]
    rng = np.random.default_rng(seed)
    before = [generator.get_weights()[0].copy(), discriminator.get_weights()[0].copy()]

    def step(i):
        batch = real[(i * batch_size) % len(real) :][:batch_size]
        noise = rng.standard_normal((batch_size, latent_dim)).astype("float32")
        fake = generator.predict(noise, verbose=0)  # as the classic examples do
        discriminator.train_on_batch(batch, ones)
        discriminator.train_on_batch(fake, zeros)
        noise = rng.standard_normal((batch_size, latent_dim)).astype("float32")
        combined.train_on_batch(noise, ones)

    for i in range(3):  # warm-up: trace every function once
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    seconds = time.perf_counter() - start
    _check_trained(before, generator, discriminator, "classic loop")
    return seconds


def course_fit(real, steps, batch_size, steps_per_execution, seed=0):
    """The course's GAN: one compiled train_step per batch, run by fit()."""
    generator, discriminator = build_pair(seed)
    model = gan.GAN(generator, discriminator)
    model.compile(  # the classic loop's optimizers, so only the way of training differs
        discriminator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        generator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        steps_per_execution=steps_per_execution,
    )
    dataset = (
        tf.data.Dataset.from_tensor_slices(real)
        .repeat()
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    before = [generator.get_weights()[0].copy(), discriminator.get_weights()[0].copy()]
    model.fit(dataset, steps_per_epoch=steps_per_execution * 3, verbose=0, shuffle=False)  # warm-up
    start = time.perf_counter()
    model.fit(dataset, steps_per_epoch=steps, verbose=0, shuffle=False)
    seconds = time.perf_counter() - start
    _check_trained(before, generator, discriminator, "fit()")
    return seconds


def _check_trained(before, generator, discriminator, name):
    for old, model in zip(before, (generator, discriminator)):
        if np.allclose(old, model.get_weights()[0]):
            raise RuntimeError(f"{name} did not train the {model.name}: the benchmark is void.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=gan.TRAIN_BATCH_SIZE)
    parser.add_argument("--steps-per-execution", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.steps % args.steps_per_execution:
        parser.error("--steps must be a multiple of --steps-per-execution")
    images, _ = data.load_mnist("train", limit=min(60_000, args.steps * args.batch_size))
    real = gan.to_tanh_range(images)
    print(
        f"{args.steps} steps of batch {args.batch_size}, generator "
        f"{gan.build_generator().count_params():,} and discriminator "
        f"{gan.build_discriminator().count_params():,} parameters, "
        f"{config.device_report()['cpus']} CPUs"
    )
    # Alternate the two, and keep each one's best round: a shared machine only slows runs down.
    classic, fitted = [], []
    for round_ in range(1, args.rounds + 1):
        classic.append(classic_loop(real, args.steps, args.batch_size))
        fitted.append(course_fit(real, args.steps, args.batch_size, args.steps_per_execution))
        print(f"round {round_}: classic {classic[-1]:.1f} s, fit() {fitted[-1]:.1f} s")
    classic, fitted = min(classic), min(fitted)
    print(f"classic loop (train_on_batch x3): {classic:7.1f} s  {classic / args.steps:.3f} s/step")
    print(f"course GAN.fit (compiled step):   {fitted:7.1f} s  {fitted / args.steps:.3f} s/step")
    print(f"speed-up: {classic / fitted:.2f}x")


if __name__ == "__main__":
    main()

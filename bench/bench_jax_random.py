"""Building the course's models on JAX with each of its two layouts of random bits.

On JAX every new weight shape compiles its initializer's random-number
generator (threefry) once. `backend.quiet_start` picks the classic layout
(`JAX_THREEFRY_PARTITIONABLE=0`) unless the environment sets one; this script
builds the seed CNN, notebook 05's U-Net and notebook 06's two GAN networks in
a fresh process for each layout, one after the other, and prints the seconds
and their ratio. Only which random numbers the initializers draw differs.

    python bench/bench_jax_random.py
"""

import argparse
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils import processes  # noqa: E402

LAYOUTS = {"classic (course default)": "0", "partitionable (JAX default)": "1"}


def worker():
    """In a fresh JAX process: seconds to build each model (initializers included)."""
    import time

    from course_utils import backend

    backend.quiet_start()
    from course_utils import classification, gan, segmentation

    builders = {
        "seed CNN": classification.build_seed_cnn,
        "U-Net (05)": lambda: segmentation.build_unet((64, 64, 1), 3),
        "GAN G and D (06)": lambda: (gan.build_generator(), gan.build_discriminator()),
    }
    seconds = {}
    for name, build in builders.items():
        start = time.perf_counter()
        build()
        seconds[name] = time.perf_counter() - start
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    from course_utils import tables

    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    found = {}
    for layout, value in LAYOUTS.items():
        print(f"building on JAX with the {layout} layout ...", flush=True)
        found[layout] = processes.run_in_fresh_process(
            "bench.bench_jax_random:worker",
            env={
                "KERAS_BACKEND": "jax",
                "JAX_PLATFORMS": "cpu",
                "JAX_THREEFRY_PARTITIONABLE": value,
                "PYTHONPATH": path,
            },
        )
    classic, partitionable = found.values()
    print()
    print(
        tables.format_table(
            [
                (
                    name,
                    f"{classic[name]:.1f}",
                    f"{partitionable[name]:.1f}",
                    f"{partitionable[name] / classic[name]:.1f}",
                )
                for name in classic
            ],
            header=("model", "classic s", "partitionable s", "partitionable / classic"),
            align="lrrr",
            rule=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

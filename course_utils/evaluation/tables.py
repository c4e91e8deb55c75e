"""Notebook 08's text tables: the measures of each set of images, and the final comparison.

    print(measures_table({"GAN": gan_measures, "real": real_measures}))
    print(comparison_table({"score": [9.5, 7.0]}, columns=["GAN", "VAE"]))

Both are laid out by the course's one table formatter, `tables.format_table`.
"""

import math

from course_utils import checks, tables
from course_utils.evaluation.measures import Measures


def measures_table(results):
    """A text table of `Measures`, one column per name (e.g. generated and real).

    Args:
        results: dict from a name to `Measures`, such as `measure_generated` returns.

    Returns:
        A string.

    Raises:
        ValueError: if `results` is not a non-empty dict of `Measures`.

    >>> import numpy as np
    >>> m = Measures(9.5, 1.25, np.full(10, 0.1), math.log(10), 1000)
    >>> print(measures_table({"real": m}))
    measure                               real
    classifier score (max 10)             9.50
    Fréchet distance (lower better)       1.25
    coverage entropy (max 2.303)         2.303
    images                                1000
    """
    checks.non_empty_dict(
        results,
        "results",
        "a non-empty dict from a name to Measures, such as measure_generated returns",
        Measures,
    )
    classes = len(next(iter(results.values())).coverage)
    rows = [
        (f"classifier score (max {classes})", lambda m: f"{m.classifier_score:.2f}"),
        ("Fréchet distance (lower better)", lambda m: f"{m.frechet_distance:.2f}"),
        (f"coverage entropy (max {math.log(classes):.3f})", lambda m: f"{m.coverage_entropy:.3f}"),
        ("images", lambda m: f"{m.count}"),
    ]
    width = max(10, *(len(name) + 2 for name in results))
    return tables.format_table(
        [[label, *(cell(m) for m in results.values())] for label, cell in rows],
        header=["measure", *results],
        align="l" + "r" * len(results),
        min_widths=[32] + [width] * len(results),
        gap=0,
    )


def comparison_table(rows, columns):
    """A plain-text table comparing models: one row per measure, one column per model.

    Args:
        rows: dict from a row label to one value per column; numbers are shown
            with 4 significant digits, anything else as text ("none", "").
        columns: the column names, e.g. `["GAN", "VAE", "real test"]`.

    Returns:
        A string, one line per row under a header line.

    Raises:
        ValueError: if `rows` is empty or a row has another number of values
            than there are columns.

    >>> print(comparison_table({"score": [9.512, 7.0], "likelihood": ["none", -84.123]},
    ...                        ["GAN", "VAE"]))
                         GAN         VAE
    score              9.512           7
    likelihood          none      -84.12
    """
    columns = [str(name) for name in columns]
    if not isinstance(rows, dict) or not rows or not columns:
        raise ValueError(
            "`rows` must be a non-empty dict from a label to one value per column, and "
            f"`columns` a non-empty list of names; received {type(rows).__name__} and {columns!r}."
        )
    for label, values in rows.items():
        if len(values) != len(columns):
            raise ValueError(
                f"row {label!r} has {len(values)} values for {len(columns)} columns "
                f"({', '.join(columns)}); give one value per column ('' for none)."
            )

    def cell(value):
        return f"{float(value) + 0.0:.4g}" if checks.is_number(value) else str(value)

    return tables.format_table(
        [[label, *(cell(value) for value in values)] for label, values in rows.items()],
        header=["", *columns],
        align="l" + "r" * len(columns),
        min_widths=[max(len(label) for label in rows) + 2] + [12] * len(columns),
        gap=0,
    )

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


def comparison_table(rows, columns, closer_to=None):
    """A plain-text table comparing models: one row per measure, one column per model.

    Args:
        rows: dict from a row label to one value per column; numbers are shown
            with 4 significant digits, anything else as text ("none", "").
        columns: the column names, e.g. `["GAN", "VAE", "real test"]`.
        closer_to: optional name of the reference column, e.g. `"real test"`.
            A last column then names, on every row whose cells are all
            numbers, the other column whose value is closest to the
            reference's ("tie" when two are equally close); other rows get "".

    Returns:
        A string, one line per row under a header line.

    Raises:
        ValueError: if `rows` is empty, a row has another number of values
            than there are columns, or `closer_to` is not one of the columns.

    >>> print(comparison_table({"score": [9.512, 7.0], "likelihood": ["none", -84.123]},
    ...                        ["GAN", "VAE"]))
                         GAN         VAE
    score              9.512           7
    likelihood          none      -84.12
    >>> print(comparison_table({"score": [8.0, 7.0, 9.5], "grey": [0.01, 0.2, 0.06]},
    ...                        ["GAN", "VAE", "real"], closer_to="real"))
                    GAN         VAE        real  closer to real
    score             8           7         9.5             GAN
    grey           0.01         0.2        0.06             GAN
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
    if closer_to is not None and (str(closer_to) not in columns or len(columns) < 2):
        raise ValueError(
            f"`closer_to` must name one of the columns {columns} and there must be another one "
            f"to compare with it; received {closer_to!r}."
        )

    def cell(value):
        return f"{float(value) + 0.0:.4g}" if checks.is_number(value) else str(value)

    table = [[label, *(cell(value) for value in values)] for label, values in rows.items()]
    header = ["", *columns]
    if closer_to is not None:
        header.append(f"closer to {closer_to}")
        for line, values in zip(table, rows.values()):
            line.append(_closest(dict(zip(columns, values)), str(closer_to)))
    return tables.format_table(
        table,
        header=header,
        align="l" + "r" * (len(header) - 1),
        min_widths=[max(len(label) for label in rows) + 2]
        + [max(12, len(h) + 2) for h in header[1:]],
        gap=0,
    )


def _closest(values, reference):
    """The name whose number is closest to `values[reference]`; "tie", or "" if not all numbers."""
    if not all(checks.is_number(value) for value in values.values()):
        return ""
    target = float(values.pop(reference))
    distances = {name: abs(float(value) - target) for name, value in values.items()}
    nearest = min(distances.values())
    winners = [name for name, distance in distances.items() if distance == nearest]
    return winners[0] if len(winners) == 1 else "tie"

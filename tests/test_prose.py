"""Every number a learner reads in a notebook's text is true on every run.

A measured number (an accuracy, a loss, a time, a score) changes from run to
run and from machine to machine, so markdown never states one: a code cell
prints what the run measured, and the prose teaches how to read it (no cell
builds markdown from numbers: tests/test_lessons.py). The markdown cells may
state the numbers the code itself uses (a learning rate, a bar of the
self-check, a layer size), constants of mathematics, and citations; each of
those is found in the notebook's code or listed below with its reason.
"""

import math
import pathlib
import re

import nbformat
import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXAMPLE_TAG = "example-run"  # an earlier run's numbers, typed into markdown: not allowed

# Decimals (0.91, −78.3), percentages (92%, 99.0%) and amounts of time or nats.
NUMBER = re.compile(
    r"(?P<value>[−-]?(?<![\w.])\d[\d,]*(?:\.\d+)?)"
    r"(?P<unit>%|\s?(?:s|min|minutes?|seconds?|hours?|nats)\b)?"
)
# Numbers of exercises and sections, and numbers inside links, are not claims.
NOT_A_CLAIM = re.compile(
    r"\*\*Exercise \d+\.\d+|^#+ \d+(\.\d+)?\.?|\]\([^)]*\)|\$\$.*?\$\$|CC BY-SA \d\.\d", re.M
)

# Numbers that are not measured and not in a notebook's code, with the reason:
# for every notebook (mathematics) ...
CONSTANTS = {
    "2.303": "ln 10",
    "1.386": "2 ln 2",
    "1.43": "1 / (1 - 0.3), dropout's scaling",
    "0.71": "the expected length ratio of a midpoint between two Gaussian vectors, 1/sqrt(2)",
    "88.7": "ln of float32's largest value",
    "0.299": "ITU-R BT.601 luma weight, as keras.ops.image.rgb_to_grayscale uses",
    "0.587": "ITU-R BT.601 luma weight",
    "0.114": "ITU-R BT.601 luma weight",
}
# ... and for one notebook (Keras' defaults the text explains, citations).
NOTEBOOK_CONSTANTS = {
    "03_softmax_classifier": {"0.9": "Adam's default beta_1", "0.999": "Adam's default beta_2"},
    "04_cnn_classifier": {
        "0.01": "SGD's default learning rate",
        "0.001": "the default learning rate of Adam and RMSprop",
    },
    "05_segmentation": {"0.1": "1 - momentum, the moving averages' step"},
    "08_gan_vs_vae": {
        "0.2": "the lower bound of a grey pixel, vae.grey_share (07 defines it)",
        "0.8": "the upper bound of a grey pixel, vae.grey_share",
    },
}


def claims(text):
    """The numbers a markdown text states as (value, unit, excerpt), decimals,
    percentages and amounts of time only; plain integers are counts and sizes."""
    text = NOT_A_CLAIM.sub(" ", text)
    found = []
    for match in NUMBER.finditer(text):
        value, unit = match.group("value"), (match.group("unit") or "").strip()
        if "." not in value and not unit:
            continue
        excerpt = text[max(0, match.start() - 40) : match.end() + 20].replace("\n", " ")
        found.append((value, unit, excerpt))
    return found


def as_number(text):
    return float(text.replace(",", "").replace("−", "-"))


def code_numbers(notebook):
    """Every numeric literal of the notebook's code cells, as floats."""
    numbers = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for literal in re.findall(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?", cell.source):
                numbers.add(float(literal.replace("_", "")))
    return numbers


def unexplained(notebook, name):
    """The claims of the markdown cells that are neither in the code nor constants."""
    in_code = code_numbers(notebook)
    constants = {**CONSTANTS, **NOTEBOOK_CONSTANTS.get(name, {})}
    bad = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for value, unit, excerpt in claims(cell.source):
            number = abs(as_number(value))
            if value.lstrip("−-") in constants:
                continue
            if unit in ("", "%") and any(
                math.isclose(number / (100 if unit == "%" else 1), x, rel_tol=1e-9)
                or math.isclose(number, x, rel_tol=1e-9)
                for x in in_code
            ):
                continue
            bad.append(f"cell {index}: {value}{unit!s} in ...{excerpt}...")
    return bad


def test_claims_finds_measured_numbers_and_skips_the_rest():
    text = (
        "## 3. Results\n**Exercise 4.1 — count.** It reached 99.13% in 4 minutes "
        "([link](https://x.org/v2.0)), a loss of 0.0412, on 60,000 images of 28×28."
    )
    assert [(v, u) for v, u, _ in claims(text)] == [
        ("99.13", "%"),
        ("4", "minutes"),
        ("0.0412", ""),
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_number_in_the_text_comes_from_the_code_or_is_a_constant(path):
    notebook = nbformat.read(path, as_version=4)
    bad = unexplained(notebook, path.stem)
    assert not bad, (
        f"{path.name} states numbers its run does not produce (print them from a code cell, "
        "and let the text teach how to read them):\n" + "\n".join(bad)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_text_quotes_an_earlier_run(path):
    """An earlier run's table in the text reads as this run's result; the README keeps the
    measurements of named runs, and a bench script reproduces them."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        assert EXAMPLE_TAG not in cell.metadata.get("tags", []), (
            f"{path.name} cell {index} quotes an earlier run; move its numbers to the README"
        )


LAST_RUN = "the set-up cell prints how long it took the last time it ran on this machine"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_first_cell_points_to_measured_times_instead_of_typing_one(path):
    """Run times differ by 2x between machines: the README gives measured ones, with the
    machine, and the set-up cell prints the last run's time here."""
    first = nbformat.read(path, as_version=4).cells[0].source
    text = " ".join(first.split())
    assert LAST_RUN in text, f"{path.name}'s first cell should say: ({LAST_RUN}; ...)"
    typed = re.findall(r"(?:under|about|in|within) (?:a|one|two|\d+)\b[^.;]*?\bminutes?", text)
    assert not typed, f"{path.name}'s first cell types a run time: {typed}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_the_text_names_exists(path):
    numbers = {p.name[:2] for p in NOTEBOOKS}
    text = " ".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    named = set(re.findall(r"\bnotebooks? (\d\d)\b", text))
    named |= {n for a, b in re.findall(r"\bnotebooks (\d\d)[-–](\d\d)\b", text) for n in (a, b)}
    assert named <= numbers, f"{path.name} names notebooks that do not exist: {named - numbers}"

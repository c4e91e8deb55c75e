"""course_utils.curriculum: the one table of notebooks and exercises agrees with the course."""

import importlib.util
import pathlib
import re

import nbformat
import pytest

from course_utils import curriculum, exercises
from course_utils.exercises import core

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parents[1] / "notebooks"
EXERCISE_MENTION = re.compile(r"Exercise (\d+\.\d+)")


def test_every_registered_exercise_is_in_the_curriculum_and_back():
    assert sorted(core._REGISTRY) == sorted(curriculum.exercise_names())
    assert len(set(curriculum.exercise_names())) == len(curriculum.exercise_names())


def test_every_exercise_has_its_checker():
    checkers = {name for name in exercises.__all__ if name.startswith("check_")}
    assert checkers == {f"check_{name}" for name in curriculum.exercise_names()}
    for name in curriculum.exercise_names():
        assert callable(getattr(exercises, f"check_{name}"))


def test_registered_titles_come_from_the_curriculum():
    for name, exercise in core._REGISTRY.items():
        assert exercise.title == curriculum.exercise_title(name)


def test_register_refuses_an_exercise_the_curriculum_does_not_know():
    with pytest.raises(ValueError, match=r"'pooling_fun'.*curriculum does not list it"):
        core.register("pooling_fun", hint="...", solution="...")
    assert "pooling_fun" not in core._REGISTRY


def test_every_notebook_file_is_in_the_curriculum_in_order():
    stems = sorted(path.stem for path in NOTEBOOK_DIR.glob("*.ipynb"))
    assert stems == [entry.stem for entry in curriculum.NOTEBOOKS]


def test_notebook_entries_are_consistent():
    numbers = [entry.number for entry in curriculum.NOTEBOOKS]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for entry in curriculum.NOTEBOOKS:
        assert re.fullmatch(r"\d\d", entry.number), entry
        assert entry.stem.startswith(f"{entry.number}_"), entry
        assert importlib.util.find_spec(f"course_utils.{entry.topic}") is not None, entry


@pytest.mark.parametrize("entry", curriculum.NOTEBOOKS, ids=lambda entry: entry.stem)
def test_exercise_numbers_in_a_notebook_are_its_own(entry):
    notebook = nbformat.read(NOTEBOOK_DIR / f"{entry.stem}.ipynb", 4)
    own = {curriculum.exercise_number(name) for name, _ in entry.exercises}
    mentioned = {
        match.group(1)
        for cell in notebook.cells
        if cell.cell_type in ("markdown", "code")
        for match in EXERCISE_MENTION.finditer(cell.source)
    }
    assert mentioned <= own, f"{entry.stem} mentions {sorted(mentioned - own)}; its own: {own}"
    assert mentioned == own, f"{entry.stem} never mentions {sorted(own - mentioned)}"


@pytest.mark.parametrize("entry", curriculum.NOTEBOOKS, ids=lambda entry: entry.stem)
def test_exercises_come_in_the_order_of_their_numbers(entry):
    """The learner meets Exercise 4.1 before 4.2: each checker cell, in notebook order."""
    notebook = nbformat.read(NOTEBOOK_DIR / f"{entry.stem}.ipynb", 4)
    called = [
        match.group(1)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for match in re.finditer(r"exercises\.check_(\w+)\(my_", cell.source)
    ]
    assert called == [name for name, _ in entry.exercises], (
        f"{entry.stem} checks the exercises in the order {called}"
    )


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("data", "notebook 00"),
        ("convolution", "notebook 01"),
        ("pooling", "notebook 02"),
        ("classification", "notebook 04"),
        ("gan", "notebook 06"),
        ("04", "notebook 04"),
        ("07_vae", "notebook 07"),
    ],
)
def test_notebook(topic, expected):
    assert curriculum.notebook(topic) == expected


def test_notebook_stem():
    assert curriculum.notebook_stem("evaluation") == "08_gan_vs_vae"


def test_unknown_topic_names_the_topics():
    with pytest.raises(ValueError, match=r"No notebook teaches 'gans'; the topics are: data, "):
        curriculum.notebook("gans")


@pytest.mark.parametrize(
    "name, number, title",
    [
        ("mean_images", "0.1", "Exercise 0.1 (the mean image of each digit)"),
        ("conv2d", "1.1", "Exercise 1.1 (conv2d)"),
        ("kernel_gradient", "1.2", "Exercise 1.2 (the kernel's gradient)"),
        ("avg_pool_kernels", "2.2", "Exercise 2.2 (average pooling as a convolution)"),
        ("cross_entropy", "3.2", "Exercise 3.2 (cross-entropy)"),
        ("layer_params", "4.2", "Exercise 4.2 (parameters per layer)"),
        ("dice", "5.2", "Exercise 5.2 (Dice of one class)"),
        ("generator_loss", "6.2", "Exercise 6.2 (generator loss)"),
        ("untrained_vae", "7.2", "Exercise 7.2 (predict the untrained VAE's loss)"),
        ("classifier_score", "8.1", "Exercise 8.1 (classifier score)"),
    ],
)
def test_exercise_number_and_title(name, number, title):
    assert curriculum.exercise_number(name) == number
    assert curriculum.exercise_title(name) == title


def test_unknown_exercise_names_the_exercises():
    with pytest.raises(
        ValueError, match=r"No exercise named 'conv3d'; the exercises are: mean_images"
    ):
        curriculum.exercise_title("conv3d")


def test_hint_prints_the_curriculum_title(capsys):
    exercises.hint("layer_params")
    assert capsys.readouterr().out.startswith("Hint for Exercise 4.2 (parameters per layer):\n")

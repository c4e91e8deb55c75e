"""The checker machinery (course_utils.exercises.core) and notebook 00's checker."""

import numpy as np
import pytest

from course_utils import exercises


def reference(images):
    return images.astype("float32") / 255.0


def stub(images):
    raise NotImplementedError


def crashes(images):
    return images.reshape(7, 7) / 255.0  # raises ValueError: the sizes do not fit


def in_place(images):
    images //= 2
    return images / 127.5


WRONG_NORMALIZE = {
    "divides by 256": lambda images: images / 256.0,
    "integer division": lambda images: images // 255,
    "own maximum": lambda images: images / images.max(),
    "min-max scaling": lambda images: (images - images.min()) / (images.max() - images.min()),
    "unchanged uint8": lambda images: images,
    "centred on zero": lambda images: images / 255.0 - 0.5,
    "adds a channel axis": lambda images: (images / 255.0)[..., None],
    "returns nothing": lambda images: None,
    "returns a float": lambda images: 0.5,
    "changes its input": in_place,
}


def test_normalize_accepts_the_reference(capsys):
    assert exercises.check_normalize(reference) is True
    assert capsys.readouterr().out.startswith("✓ Exercise 0.1 (normalize): correct on all")


def test_normalize_accepts_the_solution_it_prints(capsys):
    exercises.solution("normalize")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {}
    exec(code, namespace)
    assert exercises.check_normalize(namespace["my_normalize"]) is True


@pytest.mark.parametrize("name", WRONG_NORMALIZE)
def test_normalize_rejects_wrong_answers(name, capsys):
    assert exercises.check_normalize(WRONG_NORMALIZE[name]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Exercise 0.1 (normalize): on ")
    assert "exercises.hint('normalize')" in out


def test_own_maximum_gets_the_dark_image_hint(capsys):
    exercises.check_normalize(WRONG_NORMALIZE["own maximum"])
    assert "dark images" in capsys.readouterr().out


def test_stub_is_not_attempted_and_does_not_raise(capsys):
    assert exercises.check_normalize(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_exception_in_the_function_is_reported_not_raised(capsys):
    assert exercises.check_normalize(crashes) is False
    assert "your function raised ValueError" in capsys.readouterr().out


def test_not_a_function_is_reported(capsys):
    assert exercises.check_normalize(reference(np.zeros((1, 2, 2), np.uint8))) is False
    assert "expected a function, received ndarray" in capsys.readouterr().out


def test_hint_and_solution_print_help(capsys):
    exercises.hint("normalize")
    assert "255" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"No exercise named 'normalise'; the exercises are: .*"):
        exercises.hint("normalise")


@pytest.mark.parametrize(
    ("got", "expected", "problem"),
    [
        (np.ones((2, 3)), np.ones((3, 2)), "expected an output of shape (3, 2), got shape (2, 3)"),
        (None, np.ones(2), "returned None"),
        ("text", np.ones(2), "expected an array of shape (2,), got a str"),
        ([1.0, np.nan], np.ones(2), "got nan at index (1,)"),
        (np.array([1.0, 1.1]), np.ones(2), "at index (1,) expected 1, got 1.1"),
    ],
)
def test_compare_arrays_names_the_problem(got, expected, problem):
    assert problem in exercises.core.compare_arrays(got, expected)


def test_compare_arrays_accepts_close_values():
    assert exercises.core.compare_arrays(np.ones(3) + 1e-7, np.ones(3)) is None
    assert "floating-point" in exercises.core.compare_arrays(
        np.ones(3, np.uint8), np.ones(3), require_float=True
    )


@pytest.mark.parametrize(
    ("got", "problem"),
    [(0.6, "expected 0.5, got 0.6"), ([0.5, 0.5], "expected one number"), ("x", "got a str")],
)
def test_compare_scalar_names_the_problem(got, problem):
    assert problem in exercises.core.compare_scalar(got, 0.5)

"""The checker machinery (course_utils.exercises.core) and notebook 00's checker."""

import numpy as np
import pytest

from course_utils import data, exercises

TITLE = "Exercise 0.1 (the mean image of each digit)"


def reference(images, labels):
    return np.stack([images[labels == digit].mean(axis=0) for digit in range(10)])


def loops(images, labels):
    sums, counts = np.zeros((10, *images.shape[1:])), np.zeros(10)
    for image, label in zip(images, labels):
        sums[label] += image
        counts[label] += 1
    return sums / counts.reshape(10, *[1] * (images.ndim - 1))


def stub(images, labels):
    raise NotImplementedError


def crashes(images, labels):
    return images.reshape(7, 7)  # raises ValueError: the sizes do not fit


def in_place(images, labels):
    images[:] = 0
    return reference(images, labels)


def by_first_appearance(images, labels):
    return np.stack([images[labels == digit].mean(axis=0) for digit in dict.fromkeys(labels)])


RIGHT_MEAN_IMAGES = {
    "the reference": reference,
    "loops over the images": loops,
    "the course's data.mean_images": data.mean_images,
    "float32 means": lambda images, labels: reference(images, labels).astype(np.float32),
    "a list of ten arrays": lambda images, labels: list(reference(images, labels)),
}

# (wrong answer, words the message must contain: the named mistake or the case's hint)
WRONG_MEAN_IMAGES = {
    "the mean of all images, ten times": (
        lambda images, labels: np.stack([images.mean(axis=0)] * 10),
        "averaging all the images, for every digit",
    ),
    "every tenth image": (
        lambda images, labels: np.stack([images[d::10].mean(axis=0) for d in range(10)]),
        "taking every tenth image",
    ),
    "one image per digit": (
        lambda images, labels: np.stack([images[labels == d][0] for d in range(10)]),
        "keeping the first image of each digit",
    ),
    "sum instead of mean": (
        lambda images, labels: np.stack([images[labels == d].sum(axis=0) for d in range(10)]),
        "summing each digit's images",
    ),
    "median instead of mean": (
        lambda images, labels: np.stack([np.median(images[labels == d], 0) for d in range(10)]),
        "taking the median",
    ),
    "digits in the order they come": (by_first_appearance, "as they first appear"),
    "rounded to uint8": (
        lambda images, labels: reference(images, labels).astype(np.uint8),
        "to whole numbers",
    ),
    "rounded": (lambda images, labels: np.round(reference(images, labels)), "whole numbers"),
    "scaled to [0, 1]": (
        lambda images, labels: reference(images, labels) / 255.0,
        "scaling the values to [0, 1]",
    ),
    "the mean over the pixels": (
        lambda images, labels: np.array([images[labels == d].mean() for d in range(10)]),
        "expected an output of shape",
    ),
    "nine digits": (
        lambda images, labels: reference(images, labels)[:9],
        "expected an output of shape (10,",
    ),
    "images transposed": (
        lambda images, labels: reference(images, labels).swapaxes(1, 2),
        "expected an output of shape",
    ),
    "returns nothing": (lambda images, labels: None, "returned None"),
    "changes its input": (in_place, "changed its input array in place"),
}


@pytest.mark.parametrize("name", RIGHT_MEAN_IMAGES)
def test_mean_images_accepts_right_answers(name, capsys):
    assert exercises.check_mean_images(RIGHT_MEAN_IMAGES[name]) is True
    assert capsys.readouterr().out.startswith(f"✓ {TITLE}: correct on all")


def test_mean_images_accepts_the_solution_it_prints(capsys):
    exercises.solution("mean_images")
    code = capsys.readouterr().out.split("\n\n", 1)[1]
    namespace = {"np": np}
    exec(code, namespace)
    assert exercises.check_mean_images(namespace["my_mean_images"]) is True


@pytest.mark.parametrize("name", WRONG_MEAN_IMAGES)
def test_mean_images_rejects_and_explains_wrong_answers(name, capsys):
    wrong, words = WRONG_MEAN_IMAGES[name]
    assert exercises.check_mean_images(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {TITLE}: on ")
    assert words in " ".join(out.split()), out
    assert "exercises.hint('mean_images')" in out


def test_mean_images_cases_shuffle_the_labels_and_vary_the_counts_and_scales():
    from course_utils.exercises.basics import _cases

    cases = _cases()
    for case in cases:
        images, labels = case.args
        counts = np.bincount(labels, minlength=10)
        assert counts.min() >= 1 and counts.max() > counts.min()
    shuffled = [np.any(np.diff(case.args[1].astype(int)) < 0) for case in cases]
    assert sum(shuffled) >= len(cases) - 1
    assert any(case.args[0].ndim == 4 for case in cases)  # colour images
    assert any(case.args[0].shape[1] != case.args[0].shape[2] for case in cases)
    means = [float(np.abs(case.expected).max()) for case in cases]
    assert max(means) / min(means) > 1e2


def test_data_mean_images_refuses_a_class_without_images():
    with pytest.raises(ValueError, match=r"no image is labelled \[2\]"):
        data.mean_images(np.zeros((3, 2, 2)), [0, 1, 1], classes=3)
    with pytest.raises(ValueError, match=r"one label per image: 3 images"):
        data.mean_images(np.zeros((3, 2, 2)), [0, 1], classes=2)


def test_stub_is_not_attempted_and_does_not_raise(capsys):
    assert exercises.check_mean_images(stub) is False
    assert "not attempted" in capsys.readouterr().out


def test_exception_in_the_function_is_reported_not_raised(capsys):
    assert exercises.check_mean_images(crashes) is False
    assert "your function raised ValueError" in capsys.readouterr().out


def test_not_a_function_is_reported(capsys):
    assert exercises.check_mean_images(np.zeros((10, 2, 2))) is False
    assert "expected a function, received ndarray" in capsys.readouterr().out


def test_hint_and_solution_print_help(capsys):
    exercises.hint("mean_images")
    assert "labels == digit" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"No exercise named 'mean_image'; the exercises are: .*"):
        exercises.hint("mean_image")


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

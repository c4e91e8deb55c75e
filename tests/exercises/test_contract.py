"""The contract every checker keeps: a bool, a printed reason, never an exception for the
learner's mistake, even when the learner's answer cannot be converted to an array."""

import pytest

from course_utils import curriculum, exercises


class Unreadable:
    """An answer whose conversion to an array, a number or a sequence raises."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("cannot convert")

    def __float__(self):
        raise RuntimeError("cannot convert")

    def __int__(self):
        raise RuntimeError("cannot convert")

    def __len__(self):
        raise RuntimeError("cannot convert")

    def __iter__(self):
        raise RuntimeError("cannot convert")

    def __getitem__(self, index):
        raise RuntimeError("cannot convert")


@pytest.mark.parametrize("name", curriculum.exercise_names())
def test_an_unreadable_answer_is_false_with_a_reason(name, capsys):
    checker = getattr(exercises, f"check_{name}", None)
    if checker is None:
        pytest.skip(f"check_{name} is not written yet")
    assert checker(lambda *args, **kwargs: Unreadable()) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and "Exercise" in out


@pytest.mark.parametrize("name", curriculum.exercise_names())
def test_a_stub_is_not_attempted(name, capsys):
    checker = getattr(exercises, f"check_{name}", None)
    if checker is None:
        pytest.skip(f"check_{name} is not written yet")

    def stub(*args, **kwargs):
        raise NotImplementedError

    assert checker(stub) is False
    assert "not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("name", curriculum.exercise_names())
def test_not_a_function_is_false(name, capsys):
    checker = getattr(exercises, f"check_{name}", None)
    if checker is None:
        pytest.skip(f"check_{name} is not written yet")
    assert checker(42) is False
    assert "expected a function" in capsys.readouterr().out


def test_a_failure_gives_case_problem_hint_and_help_on_lines_of_their_own(monkeypatch, capsys):
    """A browser's notebook breaks a long output line wherever the panel ends, inside a
    number too; the checker breaks its own lines between words, at most 88 wide."""
    monkeypatch.setattr(exercises.core, "WIDTH", 88)
    exercises.check_conv2d(lambda image, kernel: image[:1, :1] * 1e9 - 12345.678)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✗ Exercise 1.1 (conv2d): on ")
    assert all(len(line) <= 88 for line in lines), lines
    assert any(line.startswith("  expected an output of shape") for line in lines), lines
    assert lines[-2].startswith("    ") or lines[-1].startswith("  exercises.hint('conv2d')")
    numbers = [word for line in lines for word in line.split() if word[:1].isdigit()]
    text = " ".join(lines)
    assert all(number in text for number in numbers)

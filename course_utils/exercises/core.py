"""The checker machinery shared by every exercise of the course.

The contract of every `check_<name>(fn)`:

- it calls `fn` on seeded random cases and edge cases and compares each answer
  with the reference;
- it returns `True` only when `fn` passes every case, printing one line;
- it returns `False`, printing the case and a hint, for a stub that raises
  `NotImplementedError` ("not attempted"), a wrong value, a wrong shape, or an
  exception inside `fn`. It never raises for a learner's mistake.

Topic modules build their checkers from `Case`, `run_checks`, `compare_arrays`
and `compare_scalar`, and register their hint and solution with `register`;
the title a learner reads (its number and short name) comes from
`course_utils.curriculum`, the one table of the course's exercise numbers.
"""

import dataclasses
import textwrap
import warnings

import numpy as np

from course_utils import curriculum


@dataclasses.dataclass
class Case:
    """One call of the learner's function and the answer it should give.

    Attributes:
        label: what the case is, as the learner will read it on failure,
            e.g. `"image (5, 7), kernel (2, 3)"`.
        args: positional arguments for the function (arrays are copied first).
        expected: the reference answer.
        kwargs: keyword arguments for the function.
        hint: a sentence shown when this case fails.
    """

    label: str
    args: tuple
    expected: object
    kwargs: dict = dataclasses.field(default_factory=dict)
    hint: str = ""


@dataclasses.dataclass
class Exercise:
    """Registry entry: title (from the curriculum), hint and solution of one exercise."""

    title: str
    hint: str
    solution: str


_REGISTRY = {}


def register(name, hint, solution):
    """Registers an exercise so `hint(name)` and `solution(name)` can show it.

    Its title comes from `curriculum.exercise_title(name)`, so the exercise
    numbers are written in one place.

    Raises:
        ValueError: if the curriculum has no exercise called `name`.
    """
    if name not in curriculum.exercise_names():
        raise ValueError(
            f"Cannot register the exercise {name!r}: the curriculum does not list it. Add "
            "(name, short title) to its notebook's `exercises` in "
            "course_utils/curriculum.py; the curriculum's exercises are: "
            f"{', '.join(curriculum.exercise_names())}."
        )
    _REGISTRY[name] = Exercise(
        curriculum.exercise_title(name),
        textwrap.dedent(hint).strip(),
        textwrap.dedent(solution).strip(),
    )


def _lookup(name):
    if name not in _REGISTRY:
        raise ValueError(
            f"No exercise named {name!r}; the exercises are: {', '.join(sorted(_REGISTRY))}."
        )
    return _REGISTRY[name]


def hint(name):
    """Prints a hint for exercise `name` (e.g. `hint("normalize")`)."""
    exercise = _lookup(name)
    print(f"Hint for {exercise.title}:\n{exercise.hint}")


def solution(name):
    """Prints a reference solution for exercise `name`."""
    exercise = _lookup(name)
    print(f"A solution to {exercise.title}:\n\n{exercise.solution}")


def run_checks(name, fn, cases, compare):
    """Runs `fn` on every case and reports the first failure.

    Args:
        name: the registered exercise name.
        fn: the learner's function.
        cases: a list of `Case`.
        compare: `compare(got, expected) -> str | None`, the problem or `None`.

    Returns:
        True when every case passes, False otherwise (with the reason printed).
    """
    exercise = _lookup(name)
    more = f"exercises.hint({name!r}) gives a hint, exercises.solution({name!r}) an answer."
    if not callable(fn):
        _say(
            f"✗ {exercise.title}: expected a function, received {type(fn).__name__}.",
            "Pass the function itself, without calling it: check(my_function).",
        )
        return False
    for case in cases:
        args = tuple(_copy(a) for a in case.args)
        kwargs = {k: _copy(v) for k, v in case.kwargs.items()}
        failed = f"✗ {exercise.title}: on {case.label}"
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                got = fn(*args, **kwargs)
        except NotImplementedError:
            _say(
                f"○ {exercise.title}: not attempted yet.",
                "Replace `raise NotImplementedError` with your code, then run this cell again.",
                more,
            )
            return False
        except Exception as error:  # the learner's bug, reported, never raised
            _say(failed, f"your function raised {type(error).__name__}: {error}", more)
            return False
        if any(not _same(a, b) for a, b in zip(args, case.args)):
            _say(
                failed,
                "your function changed its input array in place. Work on a copy "
                "(e.g. `x = x.astype(float)`).",
                more,
            )
            return False
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                problem = compare(got, case.expected)
        except Exception as error:  # the answer itself cannot be read (e.g. its __array__ raises)
            problem = (
                f"your answer could not be read as a number or array "
                f"({type(error).__name__}: {error}); return a NumPy array or a number"
            )
        if problem:
            _say(failed, f"{problem}.", f"Hint: {case.hint}" if case.hint else "", more)
            return False
    print(f"✓ {exercise.title}: correct on all {len(cases)} cases.")
    return True


# Output lines a checker prints are at most this wide: a browser's notebook then never
# breaks one inside a number.
WIDTH = 88


def _say(first, *lines):
    """Prints a checker's verdict: its first line, then each part on lines of its own,
    wrapped between words (never inside a number) and indented under the first."""
    print(textwrap.fill(first, width=WIDTH, subsequent_indent="    ", break_long_words=False))
    for line in filter(None, lines):
        print(
            textwrap.fill(
                line,
                width=WIDTH,
                initial_indent="  ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )


def compare_arrays(got, expected, atol=1e-5, rtol=1e-5, require_float=False):
    """Returns what is wrong with array `got` against `expected`, or None.

    >>> compare_arrays([1.0, 2.0], np.array([1.0, 2.5]))
    'the values differ: at index (1,) expected 2.5, got 2 (largest difference 0.5)'
    >>> compare_arrays(np.zeros((2, 3)), np.zeros((3, 2)))
    'expected an output of shape (3, 2), got shape (2, 3)'
    >>> compare_arrays(np.ones(3), np.ones(3)) is None
    True
    """
    expected = np.asarray(expected)
    if got is None:
        return "your function returned None: did you forget `return`?"
    try:
        array = np.asarray(got)
        values = array.astype(np.float64)
    except (TypeError, ValueError):
        return f"expected an array of shape {expected.shape}, got a {type(got).__name__}"
    if array.shape != expected.shape:
        return f"expected an output of shape {expected.shape}, got shape {array.shape}"
    if require_float and array.dtype.kind != "f":
        return f"expected floating-point values, got dtype {array.dtype}"
    finite = np.isfinite(values)
    if not finite.all() and np.isfinite(expected).all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        return f"got {values[where]} at index {where}, where a finite number was expected"
    if np.allclose(values, expected, atol=atol, rtol=rtol, equal_nan=True):
        return None
    difference = np.abs(values - expected)
    difference[np.isnan(difference)] = np.inf
    where = tuple(int(i) for i in np.unravel_index(np.argmax(difference), difference.shape))
    return (
        f"the values differ: at index {where} expected {expected[where]:.6g}, got "
        f"{values[where]:.6g} (largest difference {difference[where]:.3g})"
    )


def compare_scalar(got, expected, atol=1e-6, rtol=1e-5):
    """Returns what is wrong with number `got` against `expected`, or None.

    >>> compare_scalar(np.float32(0.5), 0.5) is None
    True
    >>> compare_scalar([0.5, 0.5], 0.5)
    'expected one number, got an array of shape (2,)'
    """
    if got is None:
        return "your function returned None: did you forget `return`?"
    try:
        array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected a number, got a {type(got).__name__}"
    if array.size != 1:
        return f"expected one number, got an array of shape {array.shape}"
    value = float(array.reshape(()))
    if np.isclose(value, expected, atol=atol, rtol=rtol):
        return None
    return f"expected {expected:.6g}, got {value:.6g}"


def compare_scalar_explained(got, expected):
    """Like `compare_scalar`, and names the known mistake a wrong number matches.

    Args:
        got: the learner's number.
        expected: `(value, mistakes)`: the right number and a list of
            `(wrong_value, explanation)` pairs, the numbers typical mistakes give.

    Returns:
        None when `got` is right; otherwise what is wrong, with the
        explanation of the first mistake `got` equals (mistakes that give
        nearly the right number are skipped, they explain nothing).

    >>> compare_scalar_explained(2.0, (1.0, [(2.0, "you doubled it")]))
    'expected 1, got 2: you doubled it'
    """
    value, mistakes = expected
    problem = compare_scalar(got, value, atol=1e-6, rtol=1e-5)
    if problem is None:
        return None
    for wrong, explanation in mistakes:
        if not np.isclose(wrong, value, rtol=1e-4) and compare_scalar(got, wrong) is None:
            return f"{problem}: {explanation}"
    return problem


def as_numbers(got):
    """`got` as a float64 array and None, or None and the reason it cannot be one (never raises).

    >>> as_numbers([1, 2])[0].tolist(), as_numbers(None)[1]
    ([1.0, 2.0], 'your function returned None: did you forget `return`?')
    """
    if got is None:
        return None, "your function returned None: did you forget `return`?"
    try:
        return np.asarray(got, dtype=np.float64), None
    except Exception as error:  # a ragged list, an object whose __array__ raises, ...
        return None, (
            f"your answer, a {type(got).__name__}, cannot be read as an array of numbers "
            f"({type(error).__name__}: {error}); return a NumPy array"
        )


def arrays_match(array, expected, atol, rtol):
    """True when two arrays have the same shape and values within the tolerances."""
    return array.shape == expected.shape and np.allclose(array, expected, atol=atol, rtol=rtol)


def compare_arrays_explained(got, expected, atol, rtol):
    """Like `compare_arrays`, and names the known mistake a wrong array matches.

    Args:
        got: the learner's array.
        expected: `(value, mistakes)`: the right array and a list of
            `(wrong_array, explanation)` pairs, the arrays typical mistakes give.
        atol, rtol: the tolerances of the comparison.

    Returns:
        None when `got` is right; otherwise what is wrong, with the explanation
        of the first mistake `got` equals (mistakes that give the right array
        are skipped: they explain nothing).

    >>> compare_arrays_explained([2.0], (np.ones(1), [(np.full(1, 2.0), "doubled")]), 1e-8, 1e-6)
    'the values differ: at index (0,) expected 1, got 2 (largest difference 1): doubled'
    """
    value, mistakes = expected
    array, problem = as_numbers(got)
    if problem:
        return problem
    problem = compare_arrays(array, value, atol=atol, rtol=rtol)
    if problem is None:
        return None
    for wrong, explanation in mistakes:
        if not arrays_match(wrong, value, atol, rtol) and arrays_match(array, wrong, atol, rtol):
            return f"{problem}: {explanation}"
    return problem


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _same(after, before):
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and np.array_equal(after, before, equal_nan=True)
    return True

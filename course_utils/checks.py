"""Argument checks shared by every module: each raises a ValueError that names the fix.

    epochs = checks.positive_int(epochs, "epochs", "E.g. epochs=5.")
    dropout = checks.fraction(dropout, "dropout", high_inclusive=False)

Every public helper of the course validates its input with these, so a
learner's mistake always reads the same way: what was received, what was
expected, and how to fix it.
"""

import numpy as np


def is_integer(value):
    """True for an int or NumPy integer that is not a bool.

    >>> is_integer(3), is_integer(np.int64(3)), is_integer(True), is_integer(3.0)
    (True, True, False, False)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_number(value):
    """True for an int, float or NumPy number that is not a bool.

    >>> is_number(0.5), is_number(np.float32(2)), is_number(False), is_number("1")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def integer(value, name, low=0, fix=""):
    """Returns `value` as an int of at least `low`, or raises a ValueError that names it.

    >>> integer(np.int64(0), "seed")
    0
    >>> integer(-1, "seed", fix="E.g. seed=0.")
    Traceback (most recent call last):
    ...
    ValueError: `seed` must be an integer of at least 0; received -1. E.g. seed=0.
    """
    if not is_integer(value) or value < low:
        raise ValueError(
            f"`{name}` must be an integer of at least {low}; received {value!r}. {fix}".strip()
        )
    return int(value)


def positive_int(value, name, fix=""):
    """Returns `value` as an int, or raises a ValueError that names it and the fix.

    >>> positive_int(np.int64(3), "epochs")
    3
    >>> positive_int(0, "epochs", "E.g. epochs=5.")
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be a positive integer; received 0. E.g. epochs=5.
    """
    if not is_integer(value) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer; received {value!r}. {fix}".strip())
    return int(value)


def fraction(value, name, low=0.0, high=1.0, high_inclusive=True, fix=""):
    """Returns `value` as a float in `[low, high]` (or `[low, high)`), or raises.

    >>> fraction(0.3, "dropout", high_inclusive=False)
    0.3
    >>> fraction(1, "dropout", high_inclusive=False, fix="Use e.g. 0.3.")
    Traceback (most recent call last):
    ...
    ValueError: `dropout` must be a number in [0, 1); received 1. Use e.g. 0.3.
    """
    inside = (
        is_number(value) and low <= value and (value <= high if high_inclusive else value < high)
    )
    if not inside:
        interval = f"[{low:g}, {high:g}{']' if high_inclusive else ')'}"
        raise ValueError(
            f"`{name}` must be a number in {interval}; received {value!r}. {fix}".strip()
        )
    return float(value)


def one_of(value, name, choices, fix=""):
    """Returns `value` if it is one of `choices`, or raises a ValueError listing them.

    >>> one_of("same", "padding", ("valid", "same"))
    'same'
    >>> one_of("full", "padding", ("valid", "same"))
    Traceback (most recent call last):
    ...
    ValueError: `padding` must be one of 'valid', 'same'; received 'full'.
    """
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"`{name}` must be one of {listed}; received {value!r}. {fix}".strip())
    return value


def positive_ints(values, count, name, example):
    """Returns `values` as a tuple of `count` positive ints, or raises.

    >>> positive_ints([64, 128], 2, "filters", "filters=(64, 128)")
    (64, 128)
    >>> positive_ints(64, 2, "filters", "filters=(64, 128)")
    Traceback (most recent call last):
    ...
    ValueError: `filters` must be 2 positive integers; received 64. E.g. filters=(64, 128).
    """
    try:
        items = tuple(values)
    except TypeError:
        items = ()
    if len(items) != count or not all(is_integer(v) and v > 0 for v in items):
        raise ValueError(
            f"`{name}` must be {count} positive integers; received {values!r}. E.g. {example}."
        )
    return tuple(int(v) for v in items)


def non_empty_dict(value, name, expected, value_type=None):
    """Returns `value` if it is a non-empty dict (of `value_type` values), or raises.

    Args:
        value: what was received.
        name: the argument's name.
        expected: what it should be, as the message says it, e.g.
            `"a non-empty dict from a name to Measures"`.
        value_type: optional type (or tuple of types) every value must have.

    >>> non_empty_dict({"a": 1}, "seconds", "a non-empty dict {name: seconds}")
    {'a': 1}
    >>> non_empty_dict([], "seconds", "a non-empty dict {name: seconds}")
    Traceback (most recent call last):
    ...
    ValueError: `seconds` must be a non-empty dict {name: seconds}; received list.
    """
    if (
        not isinstance(value, dict)
        or not value
        or (value_type is not None and not all(isinstance(v, value_type) for v in value.values()))
    ):
        raise ValueError(f"`{name}` must be {expected}; received {type(value).__name__}.")
    return value

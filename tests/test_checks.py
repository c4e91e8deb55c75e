import numpy as np
import pytest

from course_utils import checks


@pytest.mark.parametrize("good", [1, 7, np.int64(3), np.int8(1)])
def test_positive_int_returns_an_int(good):
    value = checks.positive_int(good, "epochs")
    assert value == int(good) and type(value) is int


@pytest.mark.parametrize("bad", [0, -2, 2.0, 1.5, True, "3", None, np.float32(2)])
def test_positive_int_names_the_argument_and_the_fix(bad):
    with pytest.raises(ValueError, match=r"`epochs` must be a positive integer; received .*E\.g\."):
        checks.positive_int(bad, "epochs", "E.g. epochs=5.")


def test_integer_has_a_lower_bound():
    assert checks.integer(0, "seed") == 0
    assert checks.integer(5, "size", low=5) == 5
    with pytest.raises(ValueError, match=r"`size` must be an integer of at least 5; received 4"):
        checks.integer(4, "size", low=5)
    with pytest.raises(ValueError, match="at least 0"):
        checks.integer(False, "seed")


@pytest.mark.parametrize(
    ("value", "inclusive", "ok"),
    [
        (0, True, True),
        (1, True, True),
        (1, False, False),
        (0.999, False, True),
        (-0.1, True, False),
        (True, True, False),
        ("0.5", True, False),
        (float("nan"), True, False),
    ],
)
def test_fraction_checks_the_interval(value, inclusive, ok):
    if ok:
        assert checks.fraction(value, "dropout", high_inclusive=inclusive) == float(value)
    else:
        with pytest.raises(ValueError, match=r"`dropout` must be a number in \[0, 1"):
            checks.fraction(value, "dropout", high_inclusive=inclusive)


def test_one_of_lists_the_choices():
    assert checks.one_of("valid", "padding", ("valid", "same")) == "valid"
    with pytest.raises(ValueError, match=r"one of 'valid', 'same'; received 'VALID'"):
        checks.one_of("VALID", "padding", ("valid", "same"))


def test_positive_ints_needs_the_count():
    assert checks.positive_ints((np.int64(2), 3), 2, "filters", "(2, 3)") == (2, 3)
    for bad in [(2,), (2, 0), (2, 3.0), 5, None, (True, 2)]:
        with pytest.raises(ValueError, match="must be 2 positive integers"):
            checks.positive_ints(bad, 2, "filters", "(2, 3)")


def test_is_number_and_is_integer_leave_out_bools():
    assert checks.is_number(np.float64(1)) and not checks.is_number(True)
    assert checks.is_integer(np.uint8(3)) and not checks.is_integer(np.bool_(True))

import pytest

from course_utils import tables


def test_columns_are_as_wide_as_their_longest_cell():
    text = tables.format_table(
        [("a", "1"), ("long name", "12345")], header=("name", "n"), align="lr", rule=True
    )
    assert text.splitlines() == [
        "name           n",
        "---------  -----",
        "a              1",
        "long name  12345",
    ]


def test_minimum_widths_and_gap():
    text = tables.format_table([("x", "1")], align="lr", min_widths=(4, 3), gap=0)
    assert text == "x     1"


def test_trailing_spaces_are_dropped():
    assert tables.format_table([("a", ""), ("bb", "")]) == "a\nbb"


def test_empty_table_is_empty_text():
    assert tables.format_table([]) == ""


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"rows": [("a", "b"), ("c",)]}, "same number of cells"),
        ({"rows": [("a", "b")], "align": "lx"}, "one letter per column"),
        ({"rows": [("a", "b")], "align": "l"}, "one letter per column"),
        ({"rows": [("a", "b")], "min_widths": (1,)}, "one width per column"),
        ({"rows": [("a", "b")], "rule": True}, "pass a `header`"),
    ],
)
def test_bad_tables_are_clear_errors(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        tables.format_table(**kwargs)

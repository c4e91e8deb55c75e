"""Plain-text tables: the one formatter behind every table the course prints.

print(tables.format_table([("Conv2D", "320"), ("Dense", "650")], align="lr"))
"""


def format_table(rows, header=None, align=None, min_widths=None, gap=2, rule=False):
    """Formats rows of cells as aligned plain text, one line per row.

    Each column is as wide as its longest cell (header included) or its
    minimum width, whichever is larger; columns are separated by `gap` spaces
    and trailing spaces are dropped.

    Args:
        rows: a sequence of rows, each a sequence of cells (converted with `str`).
        header: optional first row, e.g. `("notebook", "seconds")`.
        align: one letter per column, `"l"` (left) or `"r"` (right); all left
            by default.
        min_widths: optional minimum width of each column.
        gap: spaces between columns.
        rule: put a line of dashes under the header.

    Returns:
        The table as a string.

    Raises:
        ValueError: if the rows have different lengths, `align` has another
            length or other letters, or `rule` is asked for without a header.

    >>> print(format_table([("a", 1.5), ("bbb", 10)], header=("name", "value"), align="lr",
    ...                    rule=True))
    name  value
    ----  -----
    a       1.5
    bbb      10
    """
    body = [[str(cell) for cell in row] for row in rows]
    lines = ([[str(cell) for cell in header]] if header is not None else []) + body
    if not lines:
        return ""
    columns = len(lines[0])
    if any(len(line) != columns for line in lines):
        raise ValueError(
            "every row must have the same number of cells; received rows of "
            f"{sorted({len(line) for line in lines})} cells. Pad short rows with ''."
        )
    align = align or "l" * columns
    if len(align) != columns or set(align) - {"l", "r"}:
        raise ValueError(
            f"`align` must be one letter per column, 'l' or 'r'; received {align!r} for "
            f"{columns} columns, e.g. {'l' + 'r' * (columns - 1)!r}."
        )
    minimum = list(min_widths) if min_widths is not None else [0] * columns
    if len(minimum) != columns:
        raise ValueError(
            f"`min_widths` must give one width per column ({columns}); received {min_widths!r}."
        )
    if rule and header is None:
        raise ValueError("`rule=True` draws a line under the header: pass a `header` too.")
    widths = [max([minimum[i]] + [len(line[i]) for line in lines]) for i in range(columns)]
    if rule:
        lines.insert(1, ["-" * width for width in widths])

    def fmt(line):
        cells = [
            cell.rjust(widths[i]) if align[i] == "r" else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        return (" " * gap).join(cells).rstrip()

    return "\n".join(fmt(line) for line in lines)


def format_short_seconds(value):
    """A short duration with the unit that suits it: seconds, milliseconds or microseconds.

    >>> format_short_seconds(2.5), format_short_seconds(0.0123), format_short_seconds(4e-5)
    ('2.50 s', '12.3 ms', '40 µs')
    """
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"

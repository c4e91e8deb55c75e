"""Showing the course's own code in a notebook: the tested source, highlighted.

    listing.show_source(on_jax.value_and_gradients, docstring=False);  # a whole function

For code a learner reads but would not edit (how each backend takes a gradient,
a helper that runs in another process). The code that is the lesson (a model's
builder, a `train_step`, a loss) is a notebook cell instead, which the learner
can change and run, and `tests/test_lessons.py` holds it to its package copy so
that it cannot drift. In Jupyter the listing is highlighted (Pygments HTML, with its
styles scoped to the listing); anywhere else, and in the notebook's plain-text
output, it is the source itself.
"""

import ast
import html
import inspect
import sys
import textwrap

CSS_CLASS = "course-listing"  # the class of the listing's <div>; its styles are scoped to it
ELISION = "# ... ({count} {lines} left out)"


def source_text(obj, lines=None, start=None, end=None, docstring=True):
    """The source of a function, method or class, or of a part of it.

    The text is `inspect.getsource(obj)`, dedented (a method's `def` starts in
    column 0). A selection keeps the `def` (or `class`) line(s) and replaces
    each run of lines it leaves out with one comment, `# ... (12 lines left
    out)`; the docstring, when dropped, goes without a comment.

    Args:
        obj: the function, method or class itself (not its name, not a call).
        lines: `(first, last)`, the lines to show, counted from 1 at the
            first line of the source (its decorator or `def`), both included.
        start: show from the first line after the signature that contains
            this text, e.g. `"inputs = keras.Input"`.
        end: show up to the first line from `start` on that contains this
            text (included).
        docstring: keep the docstring; `False` leaves it out.

    Returns:
        The selected source, a string ending in a newline.

    Raises:
        ValueError: if `obj` is not a function, method or class with Python
            source, `lines` is not two line numbers within the source, or no
            line contains `start` or `end`.

    >>> def double(x):
    ...     '''Twice x.'''
    ...     return 2 * x
    >>> print(source_text(double, docstring=False), end="")
    def double(x):
        return 2 * x
    """
    source = _source(obj)
    all_lines = source.splitlines()
    header, docstring_lines, body_indent = _structure(source, len(all_lines))
    count = len(all_lines)
    shown = set(range(1, count + 1))
    if not docstring:
        shown -= docstring_lines
    if lines is not None:
        first, last = _line_range(lines, count, _name(obj))
        shown &= set(range(first, last + 1))
    after = max(header, default=0)
    if start is not None:
        begin = _find(all_lines, start, "start", shown, after, _name(obj))
        shown = {number for number in shown if number >= begin}
        after = begin - 1
    if end is not None:
        stop = _find(all_lines, end, "end", shown, after, _name(obj))
        shown = {number for number in shown if number <= stop}
    if shown and min(shown) > min(header, default=1):
        shown |= header  # a part of the body: still say which function it is
    silent = set() if docstring else docstring_lines  # left out without a comment
    return _render(all_lines, sorted(shown), silent, body_indent)


def show_source(obj, lines=None, start=None, end=None, docstring=True):
    """Displays the source of a function, method or class, highlighted, and returns it.

    In Jupyter the output holds two versions: highlighted HTML (what Jupyter,
    Colab and the HTML export show) and the plain source (`text/plain`, what
    nbval and a terminal read). Outside IPython it prints the plain source.
    The arguments select a part of the source as in `source_text`; end the
    cell's line with `;` so Jupyter does not echo the returned text.

    Args:
        obj: the function, method or class itself, e.g. `gan.GAN.game_step`.
        lines: `(first, last)` line numbers to show (from 1), both included.
        start: show from the first line after the signature containing this text.
        end: show up to the first line from `start` on containing this text.
        docstring: keep the docstring; `False` leaves it out.

    Returns:
        The source shown, a string.

    Raises:
        ValueError: as `source_text`.
    """
    text = source_text(obj, lines=lines, start=start, end=end, docstring=docstring)
    listing = Listing(text, title=title_of(obj))
    try:
        from IPython.display import display
    except ImportError:  # no IPython: a terminal
        print(listing)
    else:
        display(listing)
    return text


class Listing:
    """A source listing that Jupyter shows highlighted and a terminal shows as text.

    Args:
        text: the source code.
        title: one line said above it, e.g. `"course_utils/gan/training.py: GAN.game_step"`.

    >>> print(Listing("x = 1\\n", title="an example"))
    # an example
    x = 1
    """

    def __init__(self, text, title=""):
        self.text = text
        self.title = title

    def __repr__(self):
        head = f"# {self.title}\n" if self.title else ""
        return head + self.text.rstrip("\n")

    def _repr_html_(self):
        title = (
            f'<div class="{CSS_CLASS}-title">{html.escape(self.title)}</div>' if self.title else ""
        )
        return f"<style>{_styles()}</style>{title}{_highlight(self.text)}"


def title_of(obj):
    """Where `obj` lives, for a listing's title: its file in the package and its name.

    >>> from course_utils import checks
    >>> title_of(checks.fraction)
    'course_utils/checks.py: fraction'
    """
    obj = _unwrap(obj)
    name = obj.__qualname__
    module = getattr(obj, "__module__", None)
    if not module or module == "__main__":
        return name
    file = getattr(sys.modules.get(module), "__file__", "") or ""
    path = module.replace(".", "/") + ("/__init__.py" if file.endswith("__init__.py") else ".py")
    return f"{path}: {name}"


# --- the parts ----------------------------------------------------------------------------


def _unwrap(obj):
    return obj.__func__ if inspect.ismethod(obj) else obj


def _name(obj):
    return getattr(_unwrap(obj), "__qualname__", type(obj).__name__)


def _source(obj):
    if not (inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isclass(obj)):
        raise ValueError(_not_code_message(obj))
    try:
        source = inspect.getsource(obj)
    except (OSError, TypeError) as error:
        raise ValueError(
            f"Found no Python source for {_name(obj)!r} ({error}). Functions built into Python "
            "or written in C have none, nor have functions typed in an interactive prompt; "
            "show a function of course_utils or one defined in a notebook cell."
        ) from None
    return textwrap.dedent(source)


def _not_code_message(obj):
    received = f"{type(obj).__name__} {obj!r}" if isinstance(obj, str) else type(obj).__name__
    if isinstance(obj, str):
        fix = "Pass the function itself, not its name: show_source(gan.GAN.game_step)."
    elif inspect.ismodule(obj):
        fix = "Pass one function or class of it, e.g. show_source(segmentation.build_unet)."
    elif isinstance(obj, property):
        fix = "Pass the property's getter, e.g. show_source(SomeClass.name.fget)."
    else:
        fix = (
            "Pass the function or class itself, without calling it; for a method of an "
            "object use its class, e.g. show_source(type(model).train_step)."
        )
    return f"`obj` must be a function, a method or a class; received {received}. {fix}"


def _structure(source, count):
    """The `def`/`class` lines, the docstring's lines and the body's indentation."""
    try:
        node = ast.parse(source).body[0]
    except (SyntaxError, IndexError):  # e.g. a lambda cut out of a longer expression
        return set(), set(), "    "
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return set(), set(), "    "
    first_statement = node.body[0]
    lines = source.splitlines()
    header_end = first_statement.lineno - 1
    while header_end > 1 and lines[header_end - 1].strip()[:1] in ("", "#"):
        header_end -= 1  # comments and blank lines before the body belong to the body
    header = set(range(1, header_end + 1))
    docstring = set()
    if (
        isinstance(first_statement, ast.Expr)
        and isinstance(first_statement.value, ast.Constant)
        and isinstance(first_statement.value.value, str)
    ):
        docstring = set(range(first_statement.lineno, first_statement.end_lineno + 1))
        # and the blank lines that follow it
        following = first_statement.end_lineno + 1
        while following <= count and not lines[following - 1].strip():
            docstring.add(following)
            following += 1
    line = lines[first_statement.lineno - 1]
    return header, docstring, line[: len(line) - len(line.lstrip())] or "    "


def _line_range(lines, count, name):
    fix = (
        f"Use two line numbers from 1 to {count}, the first not after the last, e.g. (1, {count})."
    )
    valid = (
        isinstance(lines, (tuple, list))
        and len(lines) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
    )
    if not valid or not 1 <= lines[0] <= lines[1] <= count:
        raise ValueError(
            f"`lines` must be (first, last) within the {count} lines of {name!r}; received "
            f"{lines!r}. {fix}"
        )
    return lines[0], lines[1]


def _find(all_lines, text, what, shown, after, name):
    if not isinstance(text, str) or not text:
        raise ValueError(
            f"`{what}` must be a piece of text found on one line of the source; received "
            f"{text!r}. E.g. {what}='return'."
        )
    for number in sorted(shown):
        if number > after and text in all_lines[number - 1]:
            return number
    raise ValueError(
        f"No line of {name!r} contains {text!r} (`{what}`). The source may have changed: "
        f"print(listing.source_text(...)) and pick a text that is on the line to {what} at."
    )


def _render(all_lines, shown, silent, body_indent):
    out, previous = [], 0
    for number in shown + [len(all_lines) + 1]:
        skipped = [n for n in range(previous + 1, number) if n not in silent]
        if skipped and any(all_lines[n - 1].strip() for n in skipped):
            if number <= len(all_lines):
                line = all_lines[number - 1]
                indent = line[: len(line) - len(line.lstrip())] or body_indent
            else:
                indent = body_indent
            word = "line" if len(skipped) == 1 else "lines"
            out.append(indent + ELISION.format(count=len(skipped), lines=word))
        if number <= len(all_lines):
            out.append(all_lines[number - 1])
        previous = number
    return "\n".join(out) + "\n"


def _highlight(text):
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:  # Pygments comes with IPython; without it, plain monospace
        return f'<div class="{CSS_CLASS}"><pre>{html.escape(text)}</pre></div>'
    return highlight(text, PythonLexer(), HtmlFormatter(cssclass=CSS_CLASS))


def _styles():
    """Pygments' default colours, every rule scoped to the listing's class."""
    base = (
        f".{CSS_CLASS} pre {{ color: #1f1f1f; background: #f8f8f8; padding: 0.6em 0.8em; "
        "line-height: 1.35; overflow-x: auto; border-radius: 4px; margin: 0; }\n"
        f".{CSS_CLASS}-title {{ font-size: 0.85em; color: #666; margin: 0 0 0.2em 0.2em; }}"
    )
    try:
        from pygments.formatters import HtmlFormatter
    except ImportError:
        return base
    rules = HtmlFormatter().get_style_defs(f".{CSS_CLASS}").splitlines()
    return "\n".join([base] + [rule for rule in rules if rule.startswith(f".{CSS_CLASS}")])

"""The source listings notebooks show: the tested code itself, whole or in part."""

import inspect
import textwrap

import pytest

from course_utils import listing


def documented(x, y=1):
    """Adds two numbers.

    Args:
        x: a number.
    """

    total = x + y  # the sum
    return total


class Counter:
    """Counts."""

    def __init__(self):
        self.count = 0

    def add(self, step=1):
        """Adds `step`."""
        self.count += step
        return self.count


def long_function(values):
    """Sums, doubles and returns."""
    checked = list(values)
    if not checked:
        raise ValueError("empty")
    total = 0
    for value in checked:
        total += value
    doubled = 2 * total
    return doubled


@pytest.mark.parametrize("obj", [documented, Counter, long_function, listing.show_source])
def test_the_whole_source_is_inspect_getsource(obj):
    assert listing.source_text(obj) == inspect.getsource(obj)


def test_a_method_is_dedented():
    assert listing.source_text(Counter.add) == textwrap.dedent(inspect.getsource(Counter.add))
    assert listing.source_text(Counter().add).startswith("def add(self, step=1):\n")


def test_the_docstring_can_be_left_out():
    text = listing.source_text(documented, docstring=False)
    assert text == ("def documented(x, y=1):\n    total = x + y  # the sum\n    return total\n")
    assert "Counts." not in listing.source_text(Counter, docstring=False)
    assert "Adds `step`" in listing.source_text(Counter, docstring=True)  # a method's stays


def test_a_part_keeps_the_signature_and_says_what_it_leaves_out():
    text = listing.source_text(long_function, start="total = 0", end="total += value")
    assert text == (
        "def long_function(values):\n"
        "    # ... (4 lines left out)\n"
        "    total = 0\n"
        "    for value in checked:\n"
        "        total += value\n"
        "    # ... (2 lines left out)\n"
    )


def test_lines_selects_by_line_number():
    text = listing.source_text(long_function, lines=(3, 4), docstring=False)
    assert text == (
        "def long_function(values):\n"
        "    checked = list(values)\n"
        "    if not checked:\n"
        "    # ... (6 lines left out)\n"
    )
    assert listing.source_text(long_function, lines=(1, 2)) == (
        'def long_function(values):\n    """Sums, doubles and returns."""\n'
        "    # ... (8 lines left out)\n"
    )


def test_the_course_listings_of_notebooks_05_to_07_still_find_their_lines():
    from course_utils import gan, segmentation, vae

    unet = listing.source_text(segmentation.build_unet, docstring=False, start="inputs = ")
    assert unet.startswith("def build_unet(") and "skips[level]" in unet
    assert "`input_shape`" not in unet  # the checks of the arguments are left out
    assert "value_and_gradients" in listing.source_text(gan.GAN.game_step)
    assert "kl_divergence(" in listing.source_text(vae.VAE.compute_loss)


def test_show_source_displays_and_returns_the_text(capsys):
    text = listing.show_source(documented, docstring=False)
    assert text == listing.source_text(documented, docstring=False)
    out = capsys.readouterr().out  # outside IPython: the plain text, under its title
    assert out == f"# {listing.title_of(documented)}\n{text}"
    assert listing.title_of(documented).endswith("test_listing.py: documented")


def test_show_source_gives_jupyter_html_and_plain_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    text = listing.show_source(Counter.add)
    (shown,) = shown
    html = shown._repr_html_()
    assert '<span class="nf">add</span>' in html  # Pygments' class for a function's name
    assert 'class="course-listing"' in html and ".course-listing .nf" in html
    assert "pre { line-height" not in html  # every style rule is scoped to the listing
    assert repr(shown) == f"# {shown.title}\n{text.rstrip()}"
    assert shown.title == listing.title_of(Counter.add)
    assert shown.title.endswith("test_listing.py: Counter.add")


def test_the_html_escapes_the_code():
    html = listing.Listing("if a < b and c > d:\n    pass\n", title="a <b> title")._repr_html_()
    assert "a &lt;b&gt; title" in html
    assert "<b>" not in html.replace("<b> title", "")


def test_title_names_the_file_in_the_package_and_never_a_machine_path():
    from course_utils import gan, segmentation

    assert listing.title_of(gan.GAN.game_step) == "course_utils/gan/training.py: GAN.game_step"
    assert listing.title_of(segmentation.build_unet) == (
        "course_utils/segmentation/models.py: build_unet"
    )
    assert "/work" not in listing.title_of(gan.GAN)


@pytest.mark.parametrize(
    "obj, message",
    [
        ("documented", "received str 'documented'. Pass the function itself"),
        (documented(1), "received int. Pass the function or class itself, without calling it"),
        (Counter(), "received Counter.*type\\(model\\).train_step"),
        (listing, "received module. Pass one function or class of it"),
        (Counter.__dict__["add"].__get__, "received method-wrapper"),
        (len, "received builtin_function_or_method"),
    ],
)
def test_show_source_refuses_what_is_not_code(obj, message):
    with pytest.raises(ValueError, match=message):
        listing.show_source(obj)


def test_a_function_without_source_is_explained():
    namespace = {}
    exec("def made_by_exec():\n    return 1\n", namespace)
    with pytest.raises(ValueError, match="Found no Python source for 'made_by_exec'"):
        listing.source_text(namespace["made_by_exec"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lines": (0, 3)}, r"`lines` must be \(first, last\) within the 10 lines"),
        ({"lines": (4, 2)}, "the first not after the last"),
        ({"lines": (1, 99)}, "within the 10 lines"),
        ({"lines": 3}, "received 3"),
        ({"start": "no such line"}, "No line of 'long_function' contains 'no such line'"),
        ({"start": "total = 0", "end": "checked = "}, "contains 'checked = ' \\(`end`\\)"),
        ({"start": ""}, "`start` must be a piece of text"),
    ],
)
def test_bad_selections_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        listing.source_text(long_function, **kwargs)

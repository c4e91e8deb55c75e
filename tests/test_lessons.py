"""The notebooks read as lessons: the code a notebook teaches is a cell the learner can edit
and run, held to the package's one tested copy; cells are short; no cell writes prose from
numbers; nothing private is shown as the lesson."""

import ast
import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_LINES = 15
# The lessons' code that must be a notebook cell (and, through the twin rule, the same text
# as its package copy, which later notebooks and the tests use).
LESSONS = {
    "01_convolution": {"conv2d_naive", "conv2d_backward_naive"},
    "02_pooling": {"max_pool2d_backward_naive"},
    "03_softmax_classifier": {"build_softmax_classifier"},
    "04_cnn_classifier": {"build_seed_cnn"},
    "05_segmentation": {"conv_block", "build_unet"},
    "06_gan": {"build_generator", "build_discriminator", "GAN"},
    "07_vae": {"build_encoder", "build_decoder", "VAE", "kl_divergence", "reconstruction_loss"},
    "09_interpretation": {"kernel_cosine"},
}
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def code_of(cell):
    """A code cell's source as Python: IPython's `%magic` and `!shell` lines become `pass`."""
    return re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", cell.source)


def definitions(source):
    """`{name: (node, text)}` of the top-level functions and classes of `source`."""
    tree = ast.parse(source)
    return {
        node.name: (node, ast.get_source_segment(source, node))
        for node in tree.body
        if isinstance(node, DEFINITIONS)
    }


def package_definitions():
    """`{name: [(module, text), ...]}` of every top-level function and class of course_utils."""
    found = {}
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name, (_, text) in definitions(path.read_text()).items():
            found.setdefault(name, []).append((module, text))
    return found


PACKAGE = package_definitions()


def code_cells(path):
    notebook = nbformat.read(path, as_version=4)
    return [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]


def twins(path):
    """`{name: (cell index, notebook text, [(module, package text), ...])}`."""
    found = {}
    for index, cell in code_cells(path):
        for name, (_, text) in definitions(code_of(cell)).items():
            if name in PACKAGE:
                found[name] = (index, text, PACKAGE[name])
    return found


def is_lesson_definition(node, name):
    """A model builder, a model or layer class, or a twin of the package (a training step,
    a loss, a sampler): the cells allowed to be long."""
    if name in PACKAGE or name.startswith("build_"):
        return True
    return isinstance(node, ast.ClassDef)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_lesson_cell_is_the_same_text_as_its_package_twin(path):
    for name, (index, text, copies) in twins(path).items():
        assert any(text == copy for _, copy in copies), (
            f"{path.name} cell {index} defines {name}, which "
            f"{' and '.join(module for module, _ in copies)} also defines, in other words. "
            "The notebook's cell is the lesson and the package its tested copy: make them the "
            "same text (or rename the notebook's function if it is another idea)."
        )


@pytest.mark.parametrize("stem", sorted(LESSONS))
def test_the_lessons_code_is_a_cell_of_its_notebook(stem):
    (path,) = [p for p in NOTEBOOKS if p.stem == stem]
    missing = LESSONS[stem] - set(twins(path))
    assert not missing, f"{path.name} should define {sorted(missing)} in a code cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_code_cells_are_short_unless_they_define_the_lesson(path):
    long = []
    for index, cell in code_cells(path):
        source = code_of(cell)
        lines = source.strip().splitlines()
        if len(lines) <= MAX_LINES:
            continue
        defined = sum(
            node.end_lineno - node.lineno + 1
            for name, (node, _) in definitions(source).items()
            if is_lesson_definition(node, name)
        )
        if len(lines) - defined > 5:
            long.append(f"cell {index} ({len(lines)} lines)")
    assert not long, (
        f"{path.name}: code cells over {MAX_LINES} lines that are not a model builder or a "
        f"training step: {', '.join(long)}. Split them into one idea a cell, or move the "
        "plumbing into a tested helper."
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_cell_builds_prose_from_numbers(path):
    for index, cell in code_cells(path):
        assert not re.search(r"\b(Markdown|display_markdown|HTML)\(", cell.source), (
            f"{path.name} cell {index} writes markdown from the run's numbers: print the "
            "numbers, and let the markdown teach how to read them."
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_show_source_shows_whole_public_code_only(path):
    for index, cell in code_cells(path):
        for node in ast.walk(ast.parse(code_of(cell))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "show_source"):
                continue
            shown = ast.unparse(node.args[0]) if node.args else ""
            assert not any(part.startswith("_") for part in shown.split(".")), (
                f"{path.name} cell {index} shows the private {shown}: make the lesson a cell"
            )
            assert not any(k.arg == "start" for k in node.keywords), (
                f"{path.name} cell {index} shows part of {shown} (start=): show it whole, or "
                "write the part that is the lesson as a cell"
            )


def test_twins_and_long_cells_are_found():
    """The rules above catch what they are for."""
    cell = nbformat.v4.new_code_cell(
        "%pip install x\ndef build_seed_cnn(input_shape):\n    return 1\n\nprint(2)\n"
    )
    (name,) = definitions(code_of(cell))
    assert name == "build_seed_cnn" and name in PACKAGE
    node, text = definitions(code_of(cell))[name]
    assert text.startswith("def build_seed_cnn(") and text not in [t for _, t in PACKAGE[name]]
    assert is_lesson_definition(node, name)
    assert not is_lesson_definition(ast.parse("def helper(): pass").body[0], "helper")

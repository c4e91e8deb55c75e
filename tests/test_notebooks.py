"""What a learner reads in the committed notebooks: no test-harness markers, no machine
paths, outputs only in the cells nbval checks."""

import pathlib

import nbformat
import pytest

from course_utils import runner

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_test_harness_marker_in_what_a_learner_reads(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        assert "NBVAL" not in cell.source, f"cell {index}: use the cell tag, not a comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_only_checked_cells_keep_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and not runner.is_checked(cell):
            assert not cell.outputs, f"cell {index} has outputs but is not checked"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_outputs_name_no_machine_path(path):
    text = path.read_text()
    for marker in ("/home/", "/work/", "/tmp/", "PosixPath", ".venv/", "site-packages"):
        assert marker not in text, f"{path.name} shows {marker!r}"

"""`make run`'s runner: executes notebooks, names a failing cell, prints one table."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils import config, report, runner


def write_notebook(path, *sources):
    cells = [new_markdown_cell("# demo")] + [new_code_cell(source) for source in sources]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(
        folder / "00_demo.ipynb",
        "from course_utils import report\nreport.start('00_demo')",
        "# NBVAL_CHECK_OUTPUT\nprint(6 * 7)",
        "print('not kept')\nreport.record('answer', 42)",
    )
    write_notebook(folder / "01_broken.ipynb", "x = 1", "raise RuntimeError('boom')", "y = 2")
    (folder / "notes.ipynb").write_text("{}")  # not numbered: not part of the course
    return folder


def test_runner_executes_in_order_and_names_the_failing_cell(folder, capsys):
    status = runner.main([str(folder)])
    out = capsys.readouterr().out
    assert status == 1
    assert out.index("[1/2] 00_demo.ipynb") < out.index("[2/2] 01_broken.ipynb")
    assert "code cell 2/3" in out  # progress inside a notebook
    table = out[out.index("\nnotebook ") :]
    assert "00_demo" in table and "answer=42" in table
    assert (
        "FAILED: 01_broken.ipynb, cell 2 (\"raise RuntimeError('boom')\"): RuntimeError: boom"
        in out
    )
    build = config.build_dir()
    executed = nbformat.read(build / "notebooks" / "00_demo.ipynb", as_version=4)
    assert executed.cells[2].outputs[0]["text"] == "42\n"
    assert "boom" in (build / "html" / "01_broken.html").read_text()


def test_update_checked_keeps_only_checked_outputs(folder, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    assert runner.main([str(folder), "--only", "00", "--update-checked"]) == 0
    source = nbformat.read(folder / "00_demo.ipynb", as_version=4)
    outputs = [cell.outputs for cell in source.cells if cell.cell_type == "code"]
    assert outputs[0] == [] and outputs[2] == []
    assert outputs[1][0]["text"] == "42\n"


def test_update_checked_needs_the_fast_profile(folder, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with pytest.raises(SystemExit):
        runner.main([str(folder), "--update-checked"])


def test_find_notebooks_rejects_an_empty_selection(folder):
    assert [p.name for p in runner.find_notebooks(folder)] == ["00_demo.ipynb", "01_broken.ipynb"]
    with pytest.raises(ValueError, match=r"No numbered notebooks .* matching \['09'\]"):
        runner.find_notebooks(folder, only=["09"])
    with pytest.raises(ValueError, match="is not a folder"):
        runner.find_notebooks(folder / "missing")


def test_front_page_links_every_notebook_with_its_numbers_and_a_figure(tmp_path, capsys):
    folder = tmp_path / "course"
    folder.mkdir()
    write_notebook(
        folder / "00_plot.ipynb",
        "from course_utils import report\nreport.start('00_plot')\nreport.record('answer', 42)",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\nplt.show()",
    )
    write_notebook(folder / "01_text.ipynb", "print('no figure')")
    assert runner.main([str(folder)]) == 0
    index = config.build_dir() / "html" / "index.html"
    page = index.read_text()
    assert '<a href="00_plot.html">00_plot</a>' in page and "answer = 42" in page
    assert '<img src="thumbnails/00_plot.png"' in page
    assert (config.build_dir() / "html" / "thumbnails" / "00_plot.png").read_bytes()[:4] == (
        b"\x89PNG"
    )
    assert "01_text.png" not in page
    assert "front page:" in capsys.readouterr().out


def test_progress_says_how_long_the_last_run_took(tmp_path, capsys):
    folder = tmp_path / "course"
    folder.mkdir()
    write_notebook(folder / "00_quick.ipynb", "x = 1")
    runner.main([str(folder)])
    first = capsys.readouterr().out
    assert "last run here" not in first
    runner.main([str(folder)])
    second = capsys.readouterr().out
    assert "[1/1] 00_quick.ipynb (last run here: " in second
    seconds = report.read_timings(config.build_dir(), config.profile().name)["00_quick"]
    assert 0 < seconds < 120


def test_update_checked_keeps_the_outputs_of_tagged_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    folder = tmp_path / "course"
    folder.mkdir()
    write_notebook(folder / "00_tags.ipynb", "print('kept')", "print('cleared')")
    notebook = nbformat.read(folder / "00_tags.ipynb", as_version=4)
    notebook.cells[1].metadata["tags"] = [runner.CHECK_TAG]
    nbformat.write(notebook, folder / "00_tags.ipynb")
    assert runner.main([str(folder), "--update-checked"]) == 0
    source = nbformat.read(folder / "00_tags.ipynb", as_version=4)
    assert source.cells[1].outputs[0]["text"] == "kept\n"
    assert source.cells[2].outputs == []


def test_a_partial_run_keeps_the_front_page_whole(folder):
    """`--only 01` after a full run: 00's row stays on index.html, marked as an earlier run."""
    runner.main([str(folder)])
    assert runner.main([str(folder), "--only", "01"]) == 1
    page = (config.build_dir() / "html" / "index.html").read_text()
    assert "00_demo" in page and "01_broken" in page and "earlier run" in page
    assert "answer" in page  # 00's recorded number, read back from its results file

"""One repository name for the whole course, and the command that retargets a fork."""

import pathlib
import shutil

import nbformat
import pytest

from course_utils import repository, runner

ROOT = pathlib.Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _badges_and_setups(path):
    notebook = nbformat.read(path, as_version=4)
    badges = [c.source for c in notebook.cells if c.cell_type == "markdown" and "colab" in c.source]
    setups = [
        c.source
        for c in notebook.cells
        if c.cell_type == "code" and c.source.startswith(repository.INSTALL_FIRST_LINE)
    ]
    return badges, setups


def _ref(setup):
    line = next(line for line in setup.splitlines() if line.startswith("COURSE_REF = "))
    return line.split('"')[1]


REF = _ref(_badges_and_setups(NOTEBOOKS[0])[1][0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_names_the_one_repository(path):
    name = repository.read_repository(ROOT)
    badges, setups = _badges_and_setups(path)
    assert len(setups) == 1, "one Colab set-up cell"
    assert repository.badge_url(name, REF, path.name) in badges[0]
    assert setups[0] == repository.setup_cell(name, REF), "retarget with --set-repository"


@pytest.fixture
def fork(tmp_path):
    root = tmp_path / "fork"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    for path in NOTEBOOKS:
        shutil.copy(path, root / "notebooks" / path.name)
    return root


def test_set_repository_rewrites_every_badge_and_setup_cell(fork, capsys):
    assert (
        runner.main([str(fork / "notebooks"), "--set-repository", "my-school/dl", "--ref", "fall"])
        == 0
    )
    assert f"rewrote {len(NOTEBOOKS) + 1} files" in capsys.readouterr().out
    assert repository.read_repository(fork) == "my-school/dl"
    for path in sorted((fork / "notebooks").glob("*.ipynb")):
        badges, setups = _badges_and_setups(path)
        assert repository.badge_url("my-school/dl", "fall", path.name) in badges[0]
        assert 'COURSE_REPOSITORY = "my-school/dl"' in setups[0]
        assert 'COURSE_REF = "fall"' in setups[0]
        text = path.read_text()
        assert "open-keras-course" not in text
    # the rest of each notebook is untouched
    for path in NOTEBOOKS:
        old = nbformat.read(path, as_version=4)
        new = nbformat.read(fork / "notebooks" / path.name, as_version=4)
        assert [c.source for c in old.cells[2:]] == [c.source for c in new.cells[2:]]


def test_set_repository_twice_changes_nothing_the_second_time(fork):
    repository.set_repository(fork, "my-school/dl")
    assert repository.set_repository(fork, "my-school/dl") == []


@pytest.mark.parametrize("bad", ["my-school", "a/b/c", "", "has space/x", None])
def test_a_bad_repository_is_a_clear_error(fork, bad):
    with pytest.raises(ValueError, match="OWNER/NAME"):
        repository.set_repository(fork, bad)


def test_a_bad_ref_is_a_clear_error(fork):
    with pytest.raises(ValueError, match="branch, tag or commit"):
        repository.set_repository(fork, "me/course", ref="has space")


def test_the_setup_cell_is_valid_python_apart_from_its_magic():
    source = repository.setup_cell("me/course", "v1").replace("%pip", "pass  #")
    compile(source, "setup", "exec")

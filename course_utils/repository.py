"""The course's repository, named once, and the command that retargets a fork to it.

`pyproject.toml` names the repository (`[project.urls] Repository`). Every notebook's
"Open in Colab" badge and its Colab set-up cell (which installs the course package from
GitHub) are made from that name and a branch, tag or commit:

    python -m course_utils.runner --set-repository OWNER/NAME [--ref BRANCH]

rewrites `pyproject.toml`, every badge and every set-up cell, so an instructor's fork opens
and installs its own copy. `tests/test_repository.py` holds every notebook to the one name.
"""

import pathlib
import re

import nbformat

REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_URL_LINE = re.compile(r'^(Repository\s*=\s*")https://github\.com/([^"]+)(")', re.M)
_BADGE = re.compile(
    r"https://colab\.research\.google\.com/github/[^/\s]+/[^/\s]+/blob/[^/\s]+/notebooks/"
)
INSTALL_FIRST_LINE = "# Colab only: install the course package when it is missing"

SETUP_CELL = """\
# Colab only: install the course package when it is missing (does nothing locally).
COURSE_REPOSITORY = "{repository}"
COURSE_REF = "{ref}"  # @param {{type:"string"}} the branch, tag or commit to install
import importlib.util

if importlib.util.find_spec("course_utils") is None:
    %pip install --quiet "git+https://github.com/{{COURSE_REPOSITORY}}@{{COURSE_REF}}"
    import importlib.metadata
    import json

    installed = importlib.metadata.distribution("course-utils")
    commit = json.loads(installed.read_text("direct_url.json") or "{{}}")
    commit = commit.get("vcs_info", {{}}).get("commit_id", "?")[:10]
    print(f"installed course-utils {{installed.version}} from {{COURSE_REPOSITORY}} at {{commit}}")"""


def check_repository(repository):
    """Returns `repository` if it reads `OWNER/NAME`, else raises a ValueError.

    >>> check_repository("my-school/keras-course")
    'my-school/keras-course'
    """
    if not isinstance(repository, str) or not REPOSITORY.match(repository):
        raise ValueError(
            f"the repository must be OWNER/NAME as on GitHub, e.g. my-school/keras-course; "
            f"received {repository!r}."
        )
    return repository


def read_repository(root):
    """The `OWNER/NAME` that `pyproject.toml` under `root` names.

    Raises:
        ValueError: if `pyproject.toml` has no `Repository = "https://github.com/..."` line
            under `[project.urls]`.
    """
    text = (pathlib.Path(root) / "pyproject.toml").read_text()
    found = _URL_LINE.search(text)
    if not found:
        raise ValueError(
            "pyproject.toml names no repository: add\n[project.urls]\n"
            'Repository = "https://github.com/OWNER/NAME"'
        )
    return check_repository(found.group(2).rstrip("/"))


def badge_url(repository, ref, notebook_name):
    """The Colab URL that opens `notebook_name` of `repository` at `ref`.

    >>> badge_url("me/course", "main", "00_setup.ipynb")
    'https://colab.research.google.com/github/me/course/blob/main/notebooks/00_setup.ipynb'
    """
    return f"https://colab.research.google.com/github/{repository}/blob/{ref}/notebooks/{notebook_name}"


def setup_cell(repository, ref):
    """The source of the Colab set-up cell for `repository` at `ref`."""
    return SETUP_CELL.format(repository=check_repository(repository), ref=ref)


def retarget_notebook(path, repository, ref="main"):
    """Rewrites one notebook's badges and Colab set-up cell; returns True if it changed."""
    path = pathlib.Path(path)
    notebook = nbformat.read(path, as_version=4)
    changed = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and _BADGE.search(cell.source):
            source = re.sub(
                _BADGE.pattern + re.escape(path.name),
                badge_url(repository, ref, path.name),
                cell.source,
            )
            changed |= source != cell.source
            cell.source = source
        elif cell.cell_type == "code" and cell.source.startswith(INSTALL_FIRST_LINE):
            source = setup_cell(repository, ref)
            changed |= source != cell.source
            cell.source = source
    if changed:
        nbformat.write(notebook, path)
    return changed


def set_repository(root, repository, ref="main"):
    """Points `pyproject.toml` and every notebook under `root` at `repository` and `ref`.

    Args:
        root: the course's folder (holding `pyproject.toml` and `notebooks/`).
        repository: `OWNER/NAME` on GitHub.
        ref: the branch, tag or commit the badges open and the set-up cells install.

    Returns:
        The paths that changed.

    Raises:
        ValueError: for a repository that is not `OWNER/NAME`, a `ref` with spaces or
            slashes at its ends, or a `pyproject.toml` without a repository line.
    """
    check_repository(repository)
    if not isinstance(ref, str) or not re.fullmatch(r"[A-Za-z0-9_.-][A-Za-z0-9_./-]*", ref):
        raise ValueError(
            f"`ref` must be a branch, tag or commit such as main or v1.0; received {ref!r}."
        )
    root = pathlib.Path(root)
    pyproject = root / "pyproject.toml"
    read_repository(root)  # raises when there is no line to rewrite
    text = pyproject.read_text()
    new = _URL_LINE.sub(lambda m: f"{m.group(1)}https://github.com/{repository}{m.group(3)}", text)
    changed = []
    if new != text:
        pyproject.write_text(new)
        changed.append(pyproject)
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if retarget_notebook(path, repository, ref):
            changed.append(path)
    return changed

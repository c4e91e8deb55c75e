"""Executes the course notebooks in order and prints one table of their results.

    python -m course_utils.runner notebooks            # what `make run` does
    python -m course_utils.runner notebooks --only 00 04
    COURSE_PROFILE=fast python -m course_utils.runner notebooks --only 01 --update-checked

`--update-checked` is for authors: after the run it writes back into the source
notebook the outputs of the cells tagged `nbval-check-output` (which nbval
compares in the fast profile) and clears every other output.

Each notebook runs top to bottom in a fresh kernel (nbclient). The executed
notebook goes to `build/notebooks/`, an HTML page of it to `build/html/`, and
the numbers it recorded with `course_utils.report` into the closing table. A
failing notebook is named with the failing cell, the others still run, and
the exit status is 1.
"""

import argparse
import os
import pathlib
import sys
import time

from course_utils import backend, config, data, report, repository, site, tables

CHECK_TAG = "nbval-check-output"  # the cell tag nbval reads; learners never see it
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"  # the older comment form, still understood
DEFAULT_CELL_TIMEOUT = 1800  # seconds; the longest full-profile training cell is far below


def find_notebooks(folder, only=None):
    """Returns the numbered notebooks in `folder` (`NN_name.ipynb`), in order.

    Args:
        folder: the folder holding the notebooks.
        only: optional prefixes or names to keep (e.g. `["00", "04_cnn"]`).

    Raises:
        ValueError: if the folder is missing, holds no numbered notebook, or
            `only` matches none of them.
    """
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder; pass the course's notebooks/ folder.")
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        paths = [p for p in paths if any(p.stem.startswith(prefix) for prefix in only)]
    if not paths:
        raise ValueError(
            f"No numbered notebooks (NN_name.ipynb) in {folder}"
            + (f" matching {only}" if only else "")
            + "."
        )
    return paths


class _Progress:
    """Prints which cell of which notebook is running, and since when."""

    def __init__(self, name, cells):
        self.name = name
        self.code_cells = [i for i, cell in enumerate(cells) if cell.cell_type == "code"]
        self.started = time.perf_counter()
        self.current = None
        self.tty = sys.stdout.isatty()

    def on_cell_start(self, cell, cell_index, **_):
        if cell.cell_type != "code":
            return
        self.current = cell_index
        done = self.code_cells.index(cell_index) + 1
        line = (
            f"  {self.name}: code cell {done}/{len(self.code_cells)} "
            f"(cell {cell_index}), {time.perf_counter() - self.started:5.1f} s"
        )
        print(f"\r{line:<78}" if self.tty else line, end="" if self.tty else "\n", flush=True)

    def finish(self):
        if self.tty:
            print()


def run_notebook(path, out_dir, timeout=DEFAULT_CELL_TIMEOUT, update_checked=False):
    """Executes one notebook in a fresh kernel and writes it and its HTML page.

    Returns:
        A dict with `notebook`, `seconds`, `status` (`"ok"` or `"failed"`),
        `error` (the failing cell and message, or None) and `values` (what the
        notebook recorded).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from nbconvert import HTMLExporter

    path = pathlib.Path(path)
    notebook = nbformat.read(path, as_version=4)
    progress = _Progress(path.stem, notebook.cells)
    os.environ[report.NOTEBOOK_ENV] = path.stem
    results_file = report.results_path(path.stem)
    if results_file.exists():
        results_file.unlink()
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_start=progress.on_cell_start,
    )
    error = None
    started = time.perf_counter()
    (out_dir / "logs").mkdir(parents=True, exist_ok=True)
    kernel_log = out_dir / "logs" / f"{path.stem}.kernel.log"
    try:
        with open(kernel_log, "w") as log:  # the kernel's own messages, not the notebook's
            client.execute(stdout=log, stderr=log)
    except (CellExecutionError, CellTimeoutError) as exc:
        cell = notebook.cells[progress.current] if progress.current is not None else None
        first_line = cell.source.strip().splitlines()[0] if cell and cell.source.strip() else ""
        message = getattr(exc, "ename", type(exc).__name__)
        detail = getattr(exc, "evalue", str(exc).strip().splitlines()[-1:] or [""])
        error = f"cell {progress.current} ({first_line[:60]!r}): {message}: {detail}"
    except Exception as exc:  # the kernel died or could not start
        error = f"the kernel: {type(exc).__name__}: {exc} (see {kernel_log})"
    seconds = time.perf_counter() - started
    progress.finish()
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    (out_dir / "html").mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out_dir / "notebooks" / path.name)
    html, _ = HTMLExporter().from_notebook_node(notebook)
    (out_dir / "html" / f"{path.stem}.html").write_text(html, encoding="utf-8")
    recorded = report.read(results_file) or {}
    if update_checked and not error:
        store_checked_outputs(path, notebook)
    return {
        "notebook": path.stem,
        "seconds": seconds,
        "status": "failed" if error else "ok",
        "error": error,
        "values": recorded.get("values", {}),
        "thumbnail": site.write_thumbnail(notebook, path.stem, out_dir / "html"),
    }


def with_earlier_runs(rows, folder, out_dir, profile_name):
    """`rows`, plus a row for every other notebook of `folder` that an earlier run left in
    `out_dir` (its HTML page and recorded numbers, in this profile), in course order.

    So that `--only 04` keeps the front page whole: the notebooks it did not run keep
    their last page, time and numbers, marked "earlier run".
    """
    ran = {row["notebook"] for row in rows}
    merged = list(rows)
    timings = report.read_timings(out_dir, profile_name)
    for path in find_notebooks(folder):
        stem = path.stem
        recorded = report.read(out_dir / "results" / f"{stem}.{profile_name}.{backend.name()}.json")
        if stem in ran or recorded is None or not (out_dir / "html" / f"{stem}.html").is_file():
            continue
        thumbnail = f"{site.THUMBNAIL_FOLDER}/{stem}.png"
        merged.append(
            {
                "notebook": stem,
                "seconds": float(timings.get(stem, 0.0)),
                "status": "ok",
                "note": "earlier run",
                "error": None,
                "values": recorded.get("values", {}),
                "thumbnail": thumbnail if (out_dir / "html" / thumbnail).is_file() else None,
            }
        )
    return sorted(merged, key=lambda row: row["notebook"])


def store_checked_outputs(source_path, executed):
    """Writes `executed`'s outputs of checked cells (see `is_checked`) into the source
    notebook and clears all other outputs, so the committed file stays small."""
    import nbformat

    source = nbformat.read(source_path, as_version=4)
    for cell, done in zip(source.cells, executed.cells, strict=True):
        if cell.cell_type != "code":
            continue
        checked = is_checked(cell)
        cell.outputs = list(done.outputs) if checked else []
        cell.execution_count = done.execution_count if checked else None
    nbformat.write(source, source_path)


def is_checked(cell):
    """True for a cell whose output nbval compares: tagged `nbval-check-output`
    (or, in the older form, starting with the comment `# NBVAL_CHECK_OUTPUT`)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return CHECK_TAG in tags or cell.source.lstrip().startswith(CHECK_MARK)


def format_table(rows, backend_name=None):
    """Formats the results as a plain-text table, one notebook a row.

    >>> print(format_table([{"notebook": "00_setup", "seconds": 3.21, "status": "ok",
    ...                      "values": {"train_images": 60000}}], "jax"))
    notebook  seconds  backend  status  recorded
    --------  -------  -------  ------  ------------------
    00_setup      3.2  JAX      ok      train_images=60000
    """
    title = backend.title(backend_name)
    body = [
        (
            row["notebook"],
            f"{row['seconds']:.1f}",
            title,
            row["status"],
            ", ".join(f"{k}={report.format_value(v)}" for k, v in row["values"].items()) or "-",
        )
        for row in rows
    ]
    return tables.format_table(
        body,
        header=("notebook", "seconds", "backend", "status", "recorded"),
        align="lrlll",
        rule=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="notebooks")
    parser.add_argument("--only", nargs="*", help="notebook prefixes to run, e.g. 00 04")
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="seconds one cell may run"
    )
    parser.add_argument(
        "--update-checked",
        action="store_true",
        help="store the outputs of the cells tagged nbval-check-output (fast profile)",
    )
    parser.add_argument(
        "--set-repository",
        metavar="OWNER/NAME",
        help="point pyproject.toml, every Colab badge and set-up cell at this GitHub repository",
    )
    parser.add_argument(
        "--ref", default="main", help="with --set-repository: the branch or tag to open/install"
    )
    args = parser.parse_args(argv)
    if args.set_repository:
        root = pathlib.Path(args.folder).resolve().parent
        changed = repository.set_repository(root, args.set_repository, args.ref)
        print(
            f"{args.set_repository} at {args.ref}: rewrote {len(changed)} files"
            + "".join(f"\n  {path.relative_to(root)}" for path in changed)
        )
        return 0
    profile = config.profile()
    if args.update_checked and not profile.is_fast:
        parser.error("--update-checked stores what nbval compares: run it with COURSE_PROFILE=fast")
    out_dir = config.build_dir()
    os.environ[config.BUILD_DIR_ENV] = str(out_dir.resolve())
    # Kernels run in notebooks/: a relative data folder must not change meaning there.
    if os.environ.get(data.DATA_DIR_ENV):
        os.environ[data.DATA_DIR_ENV] = str(pathlib.Path(os.environ[data.DATA_DIR_ENV]).resolve())
    # Kernels start as `python -m ipykernel_launcher`: make that this environment's Python.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    paths = find_notebooks(args.folder, args.only)
    print(
        f"Running {len(paths)} notebooks in the {profile.name} profile on the "
        f"{backend.title()} backend; output in {out_dir}/"
    )
    rows = []
    total_started = time.perf_counter()
    last = report.read_timings(out_dir, profile.name)
    for number, path in enumerate(paths, 1):
        before = f" (last run here: {last[path.stem]:.0f} s)" if path.stem in last else ""
        print(f"[{number}/{len(paths)}] {path.name}{before}", flush=True)
        row = run_notebook(path, out_dir, args.timeout, args.update_checked)
        rows.append(row)
        if not row["error"]:
            report.write_timing(out_dir, profile.name, path.stem, row["seconds"])
        print(
            f"[{number}/{len(paths)}] {path.name}: {row['status']} in {row['seconds']:.1f} s",
            flush=True,
        )
        if row["error"]:
            print(f"    FAILED in {row['error']}", flush=True)
    index = site.write_index(
        with_earlier_runs(rows, args.folder, out_dir, profile.name), out_dir, profile.name
    )
    print()
    print(format_table(rows))
    print(
        f"\nTotal {time.perf_counter() - total_started:.1f} s on the "
        f"{backend.title()} backend. "
        f"Executed notebooks: {out_dir}/notebooks/, HTML pages: {out_dir}/html/ "
        f"(front page: {index})"
    )
    failed = [row for row in rows if row["error"]]
    for row in failed:
        print(f"FAILED: {row['notebook']}.ipynb, {row['error']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

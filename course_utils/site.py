"""The course's front page: `build/html/index.html`, written by `make run`.

    site.write_index(rows, build_dir)   # rows as `runner.run_notebook` returns them

One table of the notebooks that ran: each with its time, backend, status and
recorded numbers, a link to its HTML page, and a thumbnail of one of its figures
(the last one it drew), so an instructor can see the whole run at a glance.
"""

import base64
import datetime
import html
import pathlib

from course_utils import backend, report

THUMBNAIL_FOLDER = "thumbnails"

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 72rem; color: #222; padding: 0 1rem; }
h1 { margin-bottom: .2rem; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .5rem .6rem; text-align: left;
         vertical-align: middle; }
th { background: #f4f4f4; }
td.seconds { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.values { font-family: ui-monospace, monospace; font-size: .85rem; }
td.thumb img { height: 90px; max-width: 220px; object-fit: contain; border: 1px solid #eee; }
.ok { color: #1a7f37; font-weight: 600; }
.failed { color: #c62828; font-weight: 600; }
"""


def last_figure(notebook):
    """The PNG bytes of the last figure an executed notebook drew, or None.

    Args:
        notebook: an executed `nbformat` notebook.
    """
    found = None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                found = png
    return base64.b64decode(found) if found else None


def write_thumbnail(notebook, stem, html_dir):
    """Saves the last figure of `notebook` as `html_dir/thumbnails/<stem>.png`.

    Returns:
        The path relative to `html_dir`, or None when the notebook drew nothing.
    """
    png = last_figure(notebook)
    if png is None:
        return None
    folder = pathlib.Path(html_dir) / THUMBNAIL_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.png").write_bytes(png)
    return f"{THUMBNAIL_FOLDER}/{stem}.png"


def index_html(rows, profile_name, backend_name=None):
    """The front page as a string.

    Args:
        rows: dicts with `notebook`, `seconds`, `status`, `values`, and
            optionally `thumbnail` (a path relative to the page) and `error`.
        profile_name: the profile of the run, e.g. `"full"`.
        backend_name: the Keras backend; by default the current one.

    Raises:
        ValueError: if `rows` is empty or a row lacks a key.

    >>> page = index_html([{"notebook": "00_setup", "seconds": 3.2, "status": "ok",
    ...                     "values": {"train_images": 60000}}], "fast", "jax")
    >>> '<a href="00_setup.html">00_setup</a>' in page, "train_images = 60000" in page
    (True, True)
    """
    if not rows:
        raise ValueError("`rows` must hold at least one notebook's result; received none.")
    missing = [key for key in ("notebook", "seconds", "status", "values") if key not in rows[0]]
    if missing:
        raise ValueError(
            f"each row needs notebook, seconds, status and values; the first lacks {missing}. "
            "Pass what runner.run_notebook returns."
        )
    backend_name = backend_name or backend.name()
    body = []
    for row in rows:
        name = html.escape(row["notebook"])
        values = "<br>".join(
            f"{html.escape(key)} = {html.escape(report.format_value(value))}"
            for key, value in row["values"].items()
        )
        status = html.escape(row["status"])
        if row.get("error"):
            status += f"<br><small>{html.escape(row['error'])}</small>"
        if row.get("note"):
            status += f"<br><small>{html.escape(row['note'])}</small>"
        thumb = (
            f'<a href="{name}.html"><img src="{html.escape(row["thumbnail"])}" alt="a figure of '
            f'{name}"></a>'
            if row.get("thumbnail")
            else ""
        )
        body.append(
            f'<tr><td><a href="{name}.html">{name}</a></td><td class="thumb">{thumb}</td>'
            f'<td class="seconds">{row["seconds"]:.1f} s</td><td>{html.escape(backend_name)}</td>'
            f'<td class="{html.escape(row["status"])}">{status}</td>'
            f'<td class="values">{values or "&ndash;"}</td></tr>'
        )
    total = sum(row["seconds"] for row in rows)
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Deep learning with Keras: the course, executed</title>
<style>{_STYLE}</style></head>
<body>
<h1>Deep learning with Keras, one notebook at a time</h1>
<p class="meta">{len(rows)} notebooks run in the <b>{html.escape(profile_name)}</b> profile on
the <b>{html.escape(backend_name)}</b> backend in {total / 60:.1f} min, {when}.
Each name opens the executed notebook.</p>
<table>
<tr><th>notebook</th><th>a figure</th><th>time</th><th>backend</th><th>status</th>
<th>recorded numbers</th></tr>
{chr(10).join(body)}
</table>
</body></html>
"""


def write_index(rows, out_dir, profile_name):
    """Writes `out_dir/html/index.html` from the runner's rows; returns its path."""
    path = pathlib.Path(out_dir) / "html" / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(index_html(rows, profile_name), encoding="utf-8")
    return path

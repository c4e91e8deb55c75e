import json

import numpy as np
import pytest

from course_utils import backend, config, report


def test_record_writes_one_json_file_per_notebook_and_profile(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    path = report.start("04_cnn_classifier")
    report.record("test_accuracy", np.float32(0.9906))
    report.record("epochs", 5)
    assert path == config.build_dir() / "results" / f"04_cnn_classifier.fast.{backend.name()}.json"
    saved = json.loads(path.read_text())
    assert saved["notebook"] == "04_cnn_classifier" and saved["profile"] == "fast"
    assert saved["values"]["test_accuracy"] == pytest.approx(0.9906, abs=1e-6)
    assert saved["values"]["epochs"] == 5 and isinstance(saved["values"]["epochs"], int)
    assert capsys.readouterr().out == ""  # bookkeeping: nothing for the learner to read


def test_start_clears_an_earlier_run():
    report.start("00_setup")
    report.record("old_number", 1.0)
    path = report.start("00_setup")
    report.record("new_number", 2.0)
    assert report.read(path)["values"] == {"new_number": 2.0}


def test_notebook_name_falls_back_to_the_environment(monkeypatch):
    monkeypatch.setenv(report.NOTEBOOK_ENV, "07_vae")
    assert report.current_notebook() == "07_vae"
    monkeypatch.delenv(report.NOTEBOOK_ENV)
    assert report.current_notebook() == "scratch"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "0.9", None, True])
def test_record_rejects_what_is_not_a_finite_number(value):
    report.start("00_setup")
    with pytest.raises(ValueError, match="must be a finite number"):
        report.record("accuracy", value)


@pytest.mark.parametrize("name", ["test accuracy", "", "1st", None])
def test_record_rejects_bad_names(name):
    with pytest.raises(ValueError, match="must be an identifier"):
        report.record(name, 1.0)


@pytest.mark.parametrize("notebook", ["", "../evil", "00 setup", None])
def test_start_rejects_bad_notebook_names(notebook):
    with pytest.raises(ValueError, match="notebook's file name without .ipynb"):
        report.start(notebook)


def test_last_run_reads_the_runners_timings(tmp_path, monkeypatch):
    monkeypatch.setenv(config.BUILD_DIR_ENV, str(tmp_path))
    report.start("05_demo")
    assert report.last_run() == ""
    path = report.timings_path(tmp_path, config.profile().name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"05_demo": 338.2, "06_other": 12}))
    assert report.last_run() == "5 min 38 s the last time it ran here"
    assert report.last_run("06_other") == "12 s the last time it ran here"
    report.reset()


def test_a_kernel_keeps_the_sum_of_its_cells_times_as_the_notebooks_time(tmp_path, monkeypatch):
    """In Jupyter or Colab (no runner), the cells' times are summed and kept, so the next run's
    set-up line can say how long this one took."""
    monkeypatch.setenv(config.BUILD_DIR_ENV, str(tmp_path))
    clock = iter([10.0, 11.5, 20.0, 23.0, 30.0, 30.25, 40.0])
    monkeypatch.setattr(report.time, "perf_counter", lambda: next(clock))
    report.start("05_kernel")  # the set-up cell starts at 10.0
    report._cell_ends()  # ... and ends at 11.5
    report._cell_starts()  # a cell from 20.0
    report._cell_ends()  # to 23.0
    timings = report.read_timings(tmp_path, config.profile().name)
    assert timings == {"05_kernel": 4.5}
    report._cell_starts()
    report._cell_ends()
    assert report.read_timings(tmp_path, config.profile().name) == {"05_kernel": 4.8}
    report.start("05_kernel")  # a new run: the next set-up line shows the last run's time
    assert report.last_run() == "5 s the last time it ran here"
    report.reset()


def test_recorded_results_name_the_seed_and_backend(tmp_path, monkeypatch):
    monkeypatch.setenv(config.BUILD_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(config.SEED_ENV, "3")
    report.start("05_seeded")
    report.record("answer", 1)
    saved = report.read(report.results_path("05_seeded"))
    assert saved["seed"] == 3 and saved["backend"] == "tensorflow"
    report.reset()


def test_run_line_names_profile_seed_and_last_time(tmp_path, monkeypatch):
    monkeypatch.setenv(config.BUILD_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    monkeypatch.setenv(config.SEED_ENV, "2")
    report.start("05_line")
    title = backend.TITLES[backend.name()]
    assert report.run_line().startswith(
        f"profile: fast, seed: 2, backend: {title}; no earlier run here yet"
    )
    path = report.timings_path(tmp_path, "fast")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"05_line": 61}))
    assert (
        report.run_line()
        == f"profile: fast, seed: 2, backend: {title}; this notebook took 1 min 1 s the last "
        "time it ran here"
    )
    report.reset()

"""Shared fixtures: every test runs with its own build folder and a clean data cache."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(autouse=True)
def _isolated_course(tmp_path, monkeypatch):
    """Keeps tests from writing into the course's build/ or seeing a loaded data set."""
    from course_utils import data, report

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    report.reset()
    with data.isolated_cache():
        yield

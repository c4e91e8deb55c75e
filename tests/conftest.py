"""Shared fixtures: every test runs with its own build folder and a clean data cache."""

import pytest

from course_utils import backend

backend.quiet_start()  # as every notebook starts: TensorFlow's notices hidden, JAX's fast random


@pytest.fixture(autouse=True)
def _isolated_course(tmp_path, monkeypatch):
    """Keeps tests from writing into the course's build/ or seeing a loaded data set."""
    from course_utils import data, report

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    report.reset()
    with data.isolated_cache():
        yield


def pytest_collection_modifyitems(config, items):
    """Off TensorFlow, a test marked `pairwise_off_tensorflow` keeps a pairwise cover.

    On TensorFlow every parametrized case runs. The by-hand code under test is
    NumPy and the same on every backend; what another backend adds is its
    automatic gradient, so there a few cases that together take every pair of
    parameter values suffice (and JAX compiles each new shape anew).
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        return
    groups = {}
    for item in items:
        marker = item.get_closest_marker("pairwise_off_tensorflow")
        if marker is not None and hasattr(item, "callspec"):
            groups.setdefault((item.path, item.originalname), []).append(item)
    dropped = set()
    for group in groups.values():
        kept = _pairwise_cover(group)
        dropped.update(item.nodeid for item in group if item not in kept)
    if dropped:
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid in dropped])
        items[:] = [item for item in items if item.nodeid not in dropped]


def _pairwise_cover(group):
    """Greedily picks cases until every pair of parameter values seen in `group` is taken."""
    import itertools

    def pairs(item):
        values = sorted((name, repr(value)) for name, value in item.callspec.params.items())
        return set(itertools.combinations(values, 2)) | {(value,) for value in values}

    uncovered = set().union(*(pairs(item) for item in group))
    kept = []
    while uncovered:
        best = max(
            (item for item in group if item not in kept), key=lambda i: len(pairs(i) & uncovered)
        )
        kept.append(best)
        uncovered -= pairs(best)
    return kept

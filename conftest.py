"""Doctests that load a data set print where it came from: each starts with an empty cache,
so that line is there whatever ran before."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_data_cache_for_doctests(request):
    if type(request.node).__name__ == "DoctestItem":
        from course_utils import data

        data.clear_cache()

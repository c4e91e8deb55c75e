"""course_utils.evaluation.tables: the measures table and the GAN-vs-VAE comparison table."""

import numpy as np
import pytest

from course_utils import evaluation


def test_measures_table_rejects_other_things():
    with pytest.raises(ValueError, match="dict from a name to Measures"):
        evaluation.measures_table({"GAN": 9.1})


def test_comparison_table_formats_numbers_and_text():
    text = evaluation.comparison_table(
        {
            "score": [9.51234, np.float32(7.0)],
            "entropy": [-0.0, 2.302585],
            "bound": ["none", -84.1],
        },
        columns=["GAN", "VAE"],
    )
    lines = text.splitlines()
    assert lines[0].split() == ["GAN", "VAE"]
    assert lines[1].split() == ["score", "9.512", "7"]
    assert lines[2].split() == ["entropy", "0", "2.303"]  # no "-0"
    assert lines[3].split() == ["bound", "none", "-84.1"]
    with pytest.raises(ValueError, match=r"row 'score' has 1 values for 2 columns"):
        evaluation.comparison_table({"score": [1.0]}, ["GAN", "VAE"])
    with pytest.raises(ValueError, match="non-empty dict"):
        evaluation.comparison_table({}, ["GAN"])


def test_comparison_table_names_the_model_closest_to_the_reference():
    rows = {
        "score": [8.0, 7.5, 9.8],  # closer to real is higher here
        "distance": [300.0, 240.0, 1.0],  # ... and lower here
        "grey": [0.02, 0.8, 0.06],  # fewer is not better: 0.02 is nearer 0.06
        "entropy": [2.31, 2.28, 2.30],  # above the reference can be closer too
        "tied": [1.0, 3.0, 2.0],
        "likelihood": ["none", -90.0, ""],
    }
    text = evaluation.comparison_table(rows, ["GAN", "VAE", "real"], closer_to="real")
    lines = text.splitlines()
    assert lines[0].split()[-3:] == ["closer", "to", "real"]
    last = {line.split()[0]: line.split()[-1] for line in lines[1:]}
    assert last == {
        "score": "GAN",
        "distance": "VAE",
        "grey": "GAN",
        "entropy": "GAN",
        "tied": "tie",
        "likelihood": "-90",  # no verdict: the row's last cell is the VAE's value
    }
    assert len(lines[6]) < len(lines[1])  # the verdict cell of a text row is empty
    with pytest.raises(ValueError, match="`closer_to` must name one of the columns"):
        evaluation.comparison_table(rows, ["GAN", "VAE", "real"], closer_to="real test")
    with pytest.raises(ValueError, match="`closer_to`"):
        evaluation.comparison_table({"score": [1.0]}, ["real"], closer_to="real")

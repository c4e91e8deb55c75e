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

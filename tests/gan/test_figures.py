"""gan.figures: the figures of the GAN chapter."""

import numpy as np
import pytest

from course_utils import gan


def test_plot_sample_evolution_rejects_mismatched_grids():
    with pytest.raises(ValueError, match="non-empty list"):
        gan.plot_sample_evolution([])
    with pytest.raises(ValueError, match="of one shape"):
        gan.plot_sample_evolution([np.zeros((3, 28, 28, 1)), np.zeros((4, 28, 28, 1))])
    with pytest.raises(ValueError, match="2 entries for 1 grids"):
        gan.plot_sample_evolution([np.zeros((3, 28, 28, 1))], epochs=[0, 1])
    with pytest.raises(ValueError, match="`labels` has 2 entries"):
        gan.plot_sample_evolution([np.zeros((3, 28, 28, 1))], labels=["start", "end"])

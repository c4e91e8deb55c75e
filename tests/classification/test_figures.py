"""course_utils.classification.figures: the confusion matrix, the surest mistakes, the comparison."""

import numpy as np
import pytest

from course_utils import classification


def test_plot_confusion_matrix_shows_counts_and_accuracy():
    matrix = np.array([[50, 2, 0], [3, 40, 5], [0, 0, 60]])
    fig = classification.plot_confusion_matrix(matrix, class_names=["a", "b", "c"])
    ax = fig.axes[0]
    assert ax.get_title() == "accuracy 93.75% (150 of 160); mistakes coloured"
    texts = [text.get_text() for text in ax.texts]
    assert texts == [str(value) for value in matrix.ravel()]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "matrix", [np.zeros((2, 3), int), np.array([[1.5, 0], [0, 1]]), np.array([[1, -1], [0, 2]])]
)
def test_plot_confusion_matrix_rejects_bad_matrices(matrix):
    with pytest.raises(ValueError, match=r"square array.*confusion_matrix\(labels, predictions\)"):
        classification.plot_confusion_matrix(matrix)


def test_plot_confident_mistakes_captions_truth_and_prediction():
    probs = np.array([[0.6, 0.4], [0.1, 0.9], [0.95, 0.05]])
    labels = np.array([1, 1, 1])
    fig = classification.plot_confident_mistakes(
        np.zeros((3, 28, 28, 1)), labels, probs, class_names=["cat", "dog"]
    )
    assert [ax.get_title() for ax in fig.axes] == [
        "true dog\npred cat (95%)",
        "true dog\npred cat (60%)",
    ]
    assert fig._suptitle.get_text() == "The 2 most confident mistakes (of 2)"
    none = classification.plot_confident_mistakes(np.zeros((1, 5, 5)), [1], [[0.1, 0.9]])
    assert none.axes[0].texts[0].get_text() == "no mistakes"
    with pytest.raises(ValueError, match="one image per label"):
        classification.plot_confident_mistakes(np.zeros((2, 5, 5)), labels, probs)


def test_plot_comparison_rejects_what_compare_training_did_not_return():
    with pytest.raises(ValueError, match="compare_training returns"):
        classification.plot_comparison({"adam": 0.9})

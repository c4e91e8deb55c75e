"""Measures of generated digits, taken with the course's own MNIST classifier (notebook 08).

    from course_utils import evaluation
    classifier, _ = classification.load_or_train_seed_cnn()
    evaluation.classifier_score(classifier, images)               # 1 (useless) ... 10 (perfect)
    evaluation.frechet_distance(classifier, real_images, images)  # 0 = same feature statistics
    histogram, entropy = evaluation.class_coverage(classifier, images)  # ln 10 = all digits
    results = evaluation.measure_generated(classifier, images, test_images, train_images)
    print(evaluation.measures_table(results))

Every measure takes the classifier as an argument: its softmax output gives
the probabilities p(y | x), its penultimate layer (the seed CNN's Dense(64))
the features. Images are float32 in [0, 1] of shape `(n, 28, 28, 1)`, as
`data.normalize_images` and `gan.to_unit_range` give them.

What lives where (every name below is also available as `evaluation.<name>`):

- `formulas`: the measures on arrays, no model: `score_from_probabilities`,
  `coverage_from_probabilities`, `frechet_distance_from_features`,
  `gaussian_frechet_distance`.
- `measures`: the measures of images with a classifier: `Measures`,
  `classifier_outputs`, `classifier_score`, `class_coverage`,
  `frechet_distance`, `measure`, `measure_generated`, and the input checks
  `check_classifier`, `check_images`.
- `tables`: `measures_table`, `comparison_table` (GAN vs VAE, one column each).
- `figures`: `plot_coverage`, `plot_by_predicted_class`, `plot_generators`.
"""

from course_utils.evaluation.figures import plot_by_predicted_class, plot_coverage, plot_generators
from course_utils.evaluation.formulas import (
    coverage_from_probabilities,
    frechet_distance_from_features,
    gaussian_frechet_distance,
    score_from_probabilities,
)
from course_utils.evaluation.measures import (
    Measures,
    check_classifier,
    check_images,
    class_coverage,
    classifier_outputs,
    classifier_score,
    frechet_distance,
    measure,
    measure_generated,
)
from course_utils.evaluation.tables import comparison_table, measures_table

__all__ = [
    "Measures",
    "check_classifier",
    "check_images",
    "class_coverage",
    "classifier_outputs",
    "classifier_score",
    "comparison_table",
    "coverage_from_probabilities",
    "frechet_distance",
    "frechet_distance_from_features",
    "gaussian_frechet_distance",
    "measure",
    "measure_generated",
    "measures_table",
    "plot_by_predicted_class",
    "plot_coverage",
    "plot_generators",
    "score_from_probabilities",
]

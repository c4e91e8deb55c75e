"""Notebook 04: the seed CNN image classifier, and the tools to judge a classifier.

    model = build_seed_cnn()                       # the source document's model
    model.fit(train_images, train_labels, epochs=5)
    matrix = confusion_matrix(test_labels, model.predict(test_images).argmax(axis=1))
    plot_confusion_matrix(matrix)

What lives where:

- `models.py`: `build_seed_cnn` (the source document's CNN, also written in
  notebook 04's own cell), `SEED_CNN_PARAMS`, and
  `layer_table`, a plain-text table of any model's layers.
- `metrics.py`: `confusion_matrix` (for labels of any shape; notebook 05's masks
  use it too), `most_confused` (its most frequent mistakes) and
  `most_confident_mistakes`.
- `training.py`: `compare_training` of optimizers and losses (`Run`, the
  per-batch loss recorder), and the saved seed CNN: `seed_cnn_path`,
  `save_seed_cnn`, `load_or_train_seed_cnn` (through `course_utils.saving`).
- `figures.py`: `plot_confusion_matrix`, `plot_confident_mistakes`,
  `plot_comparison`.

`count_conv2d_params` is notebook 01's (`course_utils.convolution`), named here
too because notebook 04 counts the seed CNN's parameters with it.
"""

from course_utils.classification.figures import (
    plot_comparison,
    plot_confident_mistakes,
    plot_confusion_matrix,
)
from course_utils.classification.metrics import (
    confusion_matrix,
    most_confident_mistakes,
    most_confused,
)
from course_utils.classification.models import SEED_CNN_PARAMS, build_seed_cnn, layer_table
from course_utils.classification.training import (
    SEED_CNN_NAME,
    Run,
    batch_loss_recorder,
    compare_training,
    load_or_train_seed_cnn,
    save_seed_cnn,
    seed_cnn_path,
)
from course_utils.convolution import count_conv2d_params

__all__ = [
    "SEED_CNN_NAME",
    "SEED_CNN_PARAMS",
    "Run",
    "batch_loss_recorder",
    "build_seed_cnn",
    "compare_training",
    "confusion_matrix",
    "count_conv2d_params",
    "layer_table",
    "load_or_train_seed_cnn",
    "most_confident_mistakes",
    "most_confused",
    "plot_comparison",
    "plot_confident_mistakes",
    "plot_confusion_matrix",
    "save_seed_cnn",
    "seed_cnn_path",
]

"""Notebook 03: the softmax classifier y = softmax(Wx + b), trained by hand and by Keras.

    probs = softmax(logits)                          # each row sums to 1, even for huge logits
    loss = cross_entropy(probs, labels)              # mean of -ln p[label] over the batch
    grad = cross_entropy_gradient(logits, labels)    # (softmax(z) - onehot(y)) / n
    weights, bias = sgd_step(weights, bias, images, labels, learning_rate=0.5)
    model = build_softmax_classifier((28, 28, 1), 10)

What lives where (every public name is importable from here, `softmax.sgd_step(...)`):

- `functions`: `softmax`, `log_softmax` (both subtract each row's maximum
  before `exp`, so they never overflow), `cross_entropy` (of probabilities,
  clipped at `EPSILON` as Keras does), `cross_entropy_from_logits`, and the
  argument checks `check_labels` and `check_logits`;
- `training`: learning by hand: `cross_entropy_gradient`, `sgd_step`, and the
  gradient check's `numerical_gradient` and `relative_error`;
- `classifier`: `build_softmax_classifier` (Flatten and one Dense softmax
  layer) and the argument checks later models share (`check_input_shape`,
  `check_num_classes`, `check_class_names`);
- `figures`: `plot_learning_rates`, `plot_weight_templates`, `plot_predictions`.

The code's `x @ W + b` is the textbook's `Wx + b` with x a row vector: its W
of shape `(784, 10)` is the transpose of the textbook's.
"""

from course_utils.softmax.classifier import (
    build_softmax_classifier,
    check_class_names,
    check_input_shape,
    check_num_classes,
)
from course_utils.softmax.figures import (
    plot_learning_rates,
    plot_predictions,
    plot_weight_templates,
)
from course_utils.softmax.functions import (
    EPSILON,
    check_labels,
    check_logits,
    cross_entropy,
    cross_entropy_from_logits,
    log_softmax,
    softmax,
)
from course_utils.softmax.training import (
    cross_entropy_gradient,
    numerical_gradient,
    relative_error,
    sgd_step,
)

__all__ = [
    "EPSILON",
    "build_softmax_classifier",
    "check_class_names",
    "check_input_shape",
    "check_labels",
    "check_logits",
    "check_num_classes",
    "cross_entropy",
    "cross_entropy_from_logits",
    "cross_entropy_gradient",
    "log_softmax",
    "numerical_gradient",
    "plot_learning_rates",
    "plot_predictions",
    "plot_weight_templates",
    "relative_error",
    "sgd_step",
    "softmax",
]

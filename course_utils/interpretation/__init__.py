"""Notebook 09: what the CNN looks at, and whether the explanation can be trusted.

    maps = saliency(model, images, labels)                   # |d logit / d pixel|, (n, h, w)
    smooth = smoothgrad(model, images, labels, seed=0)       # mean over noisy copies
    ig = integrated_gradients(model, images, labels)         # sums to logit(x) - logit(0)
    cams = grad_cam(model, images, labels)                   # last Conv2D's maps, weighed
    drops = occlusion_map(model, images[0], labels[0])       # probability lost per hidden square
    curve = deletion_curve(model, images, labels, maps)      # faithfulness: area, smaller better
    result = randomization_check(model, images, labels, saliency)  # sanity: maps must change

Every method explains the score of one class before the softmax (the
logit; see `scores`), except occlusion and the deletion curve, which measure
the class probability.

What lives where (every public name is importable from here,
`interpretation.saliency(...)`):

- `scores`: `build_logit_model` (the logits of a model ending in softmax),
  `class_scores`, `class_probabilities`, `ends_in_softmax`;
- `attributions`: `saliency`, `smoothgrad`, `integrated_gradients`, and
  `score_gradients`, the batched gradient they share;
- `cam`: `grad_cam` and `last_conv_layer_name`;
- `occlusion`: `occlusion_map` (one image, one value per square position),
  its loop-by-loop twin for any `predict` function `occlusion_map_naive`,
  `occlusion_attributions` (a batch, one value per pixel) and
  `occlusion_positions`;
- `faithfulness`: `deletion_curve` (a `DeletionCurve`), `random_attributions`
  and `deletion_order`;
- `randomization`: `randomization_check` (a `RandomizationResult`),
  `spearman`, `rank`, `layers_with_weights`;
- `kernels`: `kernel_cosine` (how alike two kernels are) and
  `chance_cosine` (how alike the best of random kernels gets);
- `figures`: `plot_kernel_matches`, `plot_occlusion`,
  `plot_attribution_maps`, `plot_deletion_curves`, `plot_randomization`.
"""

from course_utils.interpretation.attributions import (
    integrated_gradients,
    saliency,
    score_gradients,
    smoothgrad,
)
from course_utils.interpretation.cam import grad_cam, last_conv_layer_name
from course_utils.interpretation.faithfulness import (
    MEASURES,
    DeletionCurve,
    deletion_curve,
    deletion_order,
    random_attributions,
)
from course_utils.interpretation.figures import (
    plot_attribution_maps,
    plot_deletion_curves,
    plot_kernel_matches,
    plot_occlusion,
    plot_randomization,
)
from course_utils.interpretation.kernels import chance_cosine, kernel_cosine
from course_utils.interpretation.occlusion import (
    occlusion_attributions,
    occlusion_map,
    occlusion_map_naive,
    occlusion_positions,
)
from course_utils.interpretation.randomization import (
    RandomizationResult,
    layers_with_weights,
    randomization_check,
    rank,
    spearman,
)
from course_utils.interpretation.scores import (
    build_logit_model,
    class_probabilities,
    class_scores,
    ends_in_softmax,
)

__all__ = [
    "MEASURES",
    "DeletionCurve",
    "RandomizationResult",
    "build_logit_model",
    "chance_cosine",
    "class_probabilities",
    "class_scores",
    "deletion_curve",
    "deletion_order",
    "ends_in_softmax",
    "grad_cam",
    "integrated_gradients",
    "kernel_cosine",
    "last_conv_layer_name",
    "layers_with_weights",
    "occlusion_attributions",
    "occlusion_map",
    "occlusion_map_naive",
    "occlusion_positions",
    "plot_attribution_maps",
    "plot_deletion_curves",
    "plot_kernel_matches",
    "plot_occlusion",
    "plot_randomization",
    "random_attributions",
    "randomization_check",
    "rank",
    "saliency",
    "score_gradients",
    "smoothgrad",
    "spearman",
]

"""Exercises: each `check_<name>(fn)` tests a learner's function against the reference.

    from course_utils import exercises
    exercises.check_normalize(my_normalize)   # True, or False with the reason
    exercises.hint("normalize")               # a nudge
    exercises.solution("normalize")           # a reference answer

Every checker returns a bool and never raises for a learner's mistake; see
`course_utils.exercises.core` for the contract. One module per notebook topic.
"""

from course_utils.exercises.basics import check_normalize
from course_utils.exercises.classification import (
    check_confusion_matrix,
    check_conv_params,
    check_seed_cnn,
)
from course_utils.exercises.convolution import check_conv2d, check_output_size
from course_utils.exercises.core import hint, solution
from course_utils.exercises.efficiency import check_conv_flops, check_scaled_learning_rate
from course_utils.exercises.evaluation import check_classifier_score, check_coverage_entropy
from course_utils.exercises.gan import check_discriminator_loss, check_generator_loss
from course_utils.exercises.gan_step import check_generator_step
from course_utils.exercises.gradients import check_sgd_step, check_softmax_gradient
from course_utils.exercises.interpretation import check_grad_cam_weights, check_occlusion
from course_utils.exercises.pooling import check_avg_pool, check_max_pool, check_max_pool_backward
from course_utils.exercises.segmentation import check_dice, check_iou
from course_utils.exercises.softmax import check_cross_entropy, check_softmax
from course_utils.exercises.vae import check_kl_divergence, check_reparameterize

__all__ = [
    "check_normalize",
    "check_conv2d",
    "check_output_size",
    "check_max_pool",
    "check_avg_pool",
    "check_max_pool_backward",
    "check_conv_params",
    "check_confusion_matrix",
    "check_seed_cnn",
    "check_cross_entropy",
    "check_softmax",
    "check_softmax_gradient",
    "check_sgd_step",
    "check_iou",
    "check_dice",
    "check_reparameterize",
    "check_kl_divergence",
    "check_discriminator_loss",
    "check_generator_loss",
    "check_generator_step",
    "check_classifier_score",
    "check_coverage_entropy",
    "check_occlusion",
    "check_grad_cam_weights",
    "check_conv_flops",
    "check_scaled_learning_rate",
    "hint",
    "solution",
]

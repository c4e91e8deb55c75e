"""Exercises: each `check_<name>(fn)` tests a learner's function against the reference.

    from course_utils import exercises
    exercises.check_mean_images(my_mean_images)   # True, or False with the reason
    exercises.hint("mean_images")                 # a nudge
    exercises.solution("mean_images")             # a reference answer

Every checker returns a bool and never raises for a learner's mistake; see
`course_utils.exercises.core` for the contract. One module per notebook topic.
"""

from course_utils.exercises.basics import check_mean_images
from course_utils.exercises.classification import (
    check_layer_params,
    check_most_confused,
    check_output_shapes,
)
from course_utils.exercises.convolution import check_conv2d, check_kernel_gradient
from course_utils.exercises.core import hint, solution
from course_utils.exercises.efficiency import check_conv_flops, check_scaled_learning_rate
from course_utils.exercises.evaluation import check_classifier_score, check_coverage_entropy
from course_utils.exercises.gan import check_discriminator_loss, check_generator_loss
from course_utils.exercises.gan_step import check_generator_step
from course_utils.exercises.gradients import check_sgd_step, check_softmax_gradient
from course_utils.exercises.interpretation import check_grad_cam_weights, check_occlusion
from course_utils.exercises.pooling import (
    check_avg_pool_kernels,
    check_max_pool,
    check_max_pool_backward,
)
from course_utils.exercises.segmentation import check_conv_block, check_dice, check_iou
from course_utils.exercises.softmax import check_cross_entropy, check_softmax
from course_utils.exercises.vae import check_decoder, check_untrained_vae

__all__ = [
    "check_mean_images",
    "check_conv2d",
    "check_kernel_gradient",
    "check_max_pool",
    "check_avg_pool_kernels",
    "check_max_pool_backward",
    "check_output_shapes",
    "check_layer_params",
    "check_most_confused",
    "check_cross_entropy",
    "check_softmax",
    "check_softmax_gradient",
    "check_sgd_step",
    "check_iou",
    "check_dice",
    "check_conv_block",
    "check_decoder",
    "check_untrained_vae",
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

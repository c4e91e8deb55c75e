"""The course's notebooks and exercises, named once.

Library messages that send a learner to a notebook ("Run notebook 06") and the
title of every exercise ("Exercise 6.1 (discriminator loss)") are made from
this table, so adding or reordering a notebook is one edit here.

    curriculum.notebook("gan")              # 'notebook 06'
    curriculum.exercise_title("max_pool")   # 'Exercise 2.1 (max_pool)'
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Notebook:
    """One notebook of the course.

    Attributes:
        number: its two-digit number, the order of the curriculum, e.g. `"06"`.
        stem: its file name without `.ipynb`, e.g. `"06_gan"`.
        topic: the `course_utils` module it teaches, e.g. `"gan"`.
        exercises: `(name, short title)` of its exercises, in order.
    """

    number: str
    stem: str
    topic: str
    exercises: tuple = ()


NOTEBOOKS = (
    Notebook("00", "00_setup", "data", (("mean_images", "the mean image of each digit"),)),
    Notebook(
        "01",
        "01_convolution",
        "convolution",
        (("conv2d", "conv2d"), ("kernel_gradient", "the kernel's gradient")),
    ),
    Notebook(
        "02",
        "02_pooling",
        "pooling",
        (
            ("max_pool", "max_pool"),
            ("avg_pool_kernels", "average pooling as a convolution"),
            ("max_pool_backward", "max pooling's gradient"),
        ),
    ),
    Notebook(
        "03",
        "03_softmax_classifier",
        "softmax",
        (
            ("softmax", "softmax"),
            ("cross_entropy", "cross-entropy"),
            ("softmax_gradient", "the gradient of the cross-entropy"),
            ("sgd_step", "one SGD step"),
        ),
    ),
    Notebook(
        "04",
        "04_cnn_classifier",
        "classification",
        (
            ("output_shapes", "output shapes"),
            ("layer_params", "parameters per layer"),
            ("most_confused", "most frequent mistakes"),
        ),
    ),
    Notebook(
        "05",
        "05_segmentation",
        "segmentation",
        (
            ("iou", "IoU of one class"),
            ("dice", "Dice of one class"),
            ("conv_block", "the U-Net's block"),
        ),
    ),
    Notebook(
        "06",
        "06_gan",
        "gan",
        (
            ("discriminator_loss", "discriminator loss"),
            ("generator_loss", "generator loss"),
            ("generator_step", "the generator's gradient step"),
        ),
    ),
    Notebook(
        "07",
        "07_vae",
        "vae",
        (("decoder", "the VAE's decoder"), ("untrained_vae", "predict the untrained VAE's loss")),
    ),
    Notebook(
        "08",
        "08_gan_vs_vae",
        "evaluation",
        (("classifier_score", "classifier score"), ("coverage_entropy", "coverage entropy")),
    ),
    Notebook(
        "09",
        "09_interpretation",
        "interpretation",
        (("occlusion", "occlusion map"), ("grad_cam_weights", "Grad-CAM weights")),
    ),
    Notebook(
        "10",
        "10_training_faster",
        "efficiency",
        (
            ("conv_flops", "Conv2D multiply-adds"),
            ("scaled_learning_rate", "learning rate for a larger batch"),
        ),
    ),
)


def _by_topic(topic):
    for entry in NOTEBOOKS:
        if topic in (entry.topic, entry.number, entry.stem):
            return entry
    raise ValueError(
        f"No notebook teaches {topic!r}; the topics are: "
        f"{', '.join(entry.topic for entry in NOTEBOOKS)}."
    )


def notebook(topic):
    """`"notebook NN"` for the notebook that teaches `topic` (a module name or number).

    >>> notebook("gan"), notebook("04")
    ('notebook 06', 'notebook 04')
    """
    return f"notebook {_by_topic(topic).number}"


def notebook_stem(topic):
    """The file name (without `.ipynb`) of the notebook that teaches `topic`.

    >>> notebook_stem("vae")
    '07_vae'
    """
    return _by_topic(topic).stem


def exercise_number(name):
    """`"N.M"`: exercise M of notebook N, for the exercise called `name`.

    >>> exercise_number("generator_loss")
    '6.2'
    """
    for entry in NOTEBOOKS:
        for index, (exercise, _) in enumerate(entry.exercises, 1):
            if exercise == name:
                return f"{int(entry.number)}.{index}"
    known = [exercise for entry in NOTEBOOKS for exercise, _ in entry.exercises]
    raise ValueError(f"No exercise named {name!r}; the exercises are: {', '.join(known)}.")


def exercise_title(name):
    """The title a learner reads for the exercise called `name`.

    >>> exercise_title("layer_params")
    'Exercise 4.2 (parameters per layer)'
    """
    number = exercise_number(name)
    short = next(
        title for entry in NOTEBOOKS for exercise, title in entry.exercises if exercise == name
    )
    return f"Exercise {number} ({short})"


def exercise_names():
    """Every exercise's name, in the order of the course."""
    return [exercise for entry in NOTEBOOKS for exercise, _ in entry.exercises]

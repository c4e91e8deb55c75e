"""The model randomization test: does a map change when the model forgets what it learned?

Adebayo et al. (2018) re-initialize a trained model's layers one after the
other, from the output down ("cascading"): first the last layer, then the
last two, ... until every layer with weights is random again. A map that
explains the model must change as its weights go; a map that stays the same
shows the image (its edges), not what the model learned. The change is
measured by the Spearman rank correlation between the maps of the trained and
of the randomized model, of their absolute values: 1 for the same ranking of
the pixels, about 0 for unrelated maps.
"""

import dataclasses

import numpy as np

from course_utils import checks, config
from course_utils.interpretation import arguments


@dataclasses.dataclass(frozen=True)
class RandomizationResult:
    """The correlations of a cascading randomization.

    Attributes:
        method: the name of the method whose maps were compared.
        layers: the layer re-initialized at each step, from the output down;
            step i has `layers[: i + 1]` random.
        correlations: float array `(len(layers),)`, the Spearman correlation
            at each step, the mean over the images (NaN where no image's maps
            could be ranked, see `spearman`).
        per_image: float array `(len(layers), n)`, the correlation of each image.
    """

    method: str
    layers: tuple
    correlations: np.ndarray
    per_image: np.ndarray

    def pairs(self):
        """`[(layer_name, correlation), ...]`, from the output down."""
        return [(name, float(value)) for name, value in zip(self.layers, self.correlations)]


def rank(values):
    """The ranks 0, 1, ... of the values of a 1D array; tied values share their mean rank.

    The values are sorted (`np.unique` sorts them and counts each); a value
    seen c times at sorted places s, ..., s + c - 1 gets the rank
    s + (c - 1) / 2, as `scipy.stats.rankdata(..., method="average")` minus 1.

    >>> rank(np.array([10.0, 30.0, 20.0, 30.0])).tolist()
    [0.0, 2.5, 1.0, 2.5]
    """
    values = np.asarray(values).ravel()
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    starts = np.cumsum(counts) - counts
    return (starts + (counts - 1) / 2.0)[inverse.ravel()]


def spearman(first, second):
    """Spearman's rank correlation of two arrays of the same size: Pearson's of their ranks.

    Tied values get their mean rank (`rank`). Where one array is constant its
    ranks do not vary and the correlation is undefined: the result is NaN.

    Raises:
        ValueError: if the arrays differ in size or hold fewer than 2 values.

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40]), spearman([1, 2, 3, 4], [4, 3, 2, 1])
    (1.0, -1.0)
    >>> round(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 6)  # 1 - 6 * 4 / (5 * 24)
    0.8
    """
    a = arguments.as_numeric(first, "first").astype(np.float64).ravel()
    b = arguments.as_numeric(second, "second").astype(np.float64).ravel()
    if a.size != b.size or a.size < 2:
        raise ValueError(
            f"`first` and `second` must hold the same number of values, at least 2; "
            f"received {a.size} and {b.size}. Compare two maps of the same image."
        )
    ranks_a, ranks_b = rank(a), rank(b)
    ranks_a -= ranks_a.mean()
    ranks_b -= ranks_b.mean()
    scale = np.sqrt((ranks_a**2).sum() * (ranks_b**2).sum())
    if scale == 0:
        return float("nan")
    return float(np.clip((ranks_a * ranks_b).sum() / scale, -1.0, 1.0))


def layers_with_weights(model):
    """The names of the model's layers that have weights, from the output down.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3, name="conv"),
    ...                           keras.layers.Flatten(), keras.layers.Dense(2, name="dense")])
    >>> layers_with_weights(model)
    ['dense', 'conv']
    """
    model = arguments.check_model(model)
    return [layer.name for layer in reversed(model.layers) if layer.weights]


def randomization_check(
    model, images, class_index, method, method_kwargs=None, seed=0, pixels=None
):
    """Runs the cascading randomization test of a method's maps (Adebayo et al. 2018).

    For each layer with weights, from the output down, a clone of the model
    gets fresh weights (the layer's own initializers, seeded) in that layer and
    all the layers above it, the trained weights below. The method's maps of
    the clone are compared with those of the trained model: the Spearman
    correlation of their absolute values, per image, then the mean over the
    images. `model` itself is not changed.

    Args:
        model: a trained Keras classifier (cloneable: Sequential or functional).
        images: array of shape `(n, height, width, channels)`.
        class_index: the class to explain, an int or one per image.
        method: a function `method(model, images, class_index, **method_kwargs)`
            returning one map per image, e.g. `saliency`, `grad_cam` or
            `integrated_gradients`.
        method_kwargs: optional dict of more keyword arguments for `method`.
        seed: seed of the re-initialization; the same seed, the same result.
        pixels: optional boolean array `(n, height, width)`: compare the maps
            on these pixels only, e.g. `images[..., 0] > 0` for the ink of a
            digit. Methods that multiply by the pixel (integrated gradients
            from a black baseline) give every black pixel 0 in any model, and
            so many tied zeros make any two maps look alike.

    Returns:
        A `RandomizationResult`.

    Raises:
        ValueError: if an argument is not as described.
    """
    import keras

    model = arguments.check_model(model)
    images = arguments.check_images(images)
    arguments.check_images_fit(model, images)
    if not callable(method):
        raise ValueError(
            f"`method` must be a function method(model, images, class_index); received "
            f"{type(method).__name__}. Pass it without calling it, e.g. method=saliency."
        )
    if method_kwargs is None:
        method_kwargs = {}
    elif not isinstance(method_kwargs, dict):
        raise ValueError(
            f"`method_kwargs` must be a dict of keyword arguments for `method`; received "
            f"{type(method_kwargs).__name__}. E.g. method_kwargs={{'steps': 20}}."
        )
    seed = checks.integer(seed, "seed", fix="E.g. seed=0.")
    if pixels is not None:
        pixels = np.asarray(pixels)
        if pixels.dtype != bool or pixels.shape != images.shape[:3]:
            raise ValueError(
                f"`pixels` must be a boolean array of shape {images.shape[:3]} (one mask per "
                f"image); received {pixels.dtype} of shape {pixels.shape}. E.g. "
                "pixels=images[..., 0] > 0."
            )
        pixels = pixels.reshape(len(images), -1)
    names = layers_with_weights(model)
    if not names:
        raise ValueError(f"`model` {model.name!r} has no layer with weights to randomize.")
    try:
        with config.seeded(seed):
            fresh = keras.models.clone_model(model)  # every layer newly initialized
        cascade = keras.models.clone_model(model)
    except Exception as error:  # a subclassed model, a custom layer without get_config
        raise ValueError(
            f"`model` {model.name!r} cannot be cloned ({type(error).__name__}: {error}); the "
            "randomization test needs a Sequential or functional model."
        ) from None
    cascade.set_weights(model.get_weights())
    trained = _absolute_maps(method(model, images, class_index, **method_kwargs), images)
    per_image = np.empty((len(names), len(images)))
    for step, name in enumerate(names):
        cascade.get_layer(name).set_weights(fresh.get_layer(name).get_weights())
        maps = _absolute_maps(method(cascade, images, class_index, **method_kwargs), images)
        per_image[step] = [
            spearman(a, b) if pixels is None else spearman(a[keep], b[keep])
            for a, b, keep in zip(trained, maps, pixels if pixels is not None else trained)
        ]
    with np.errstate(all="ignore"):
        counted = np.isfinite(per_image).sum(axis=1)
        correlations = np.where(
            counted > 0, np.nansum(per_image, axis=1) / np.maximum(counted, 1), np.nan
        )
    label = getattr(method, "__name__", None) or getattr(
        getattr(method, "func", None), "__name__", type(method).__name__
    )
    return RandomizationResult(label, tuple(names), correlations, per_image)


def _absolute_maps(maps, images):
    """|maps| as one row of pixels per image (a channel axis summed, as the figures do)."""
    count = len(images)
    array = np.abs(np.asarray(maps, dtype=np.float64))
    if array.ndim < 2 or len(array) != count:
        raise ValueError(
            f"`method` must return one map per image ({count}); it returned shape {array.shape}."
        )
    if array.ndim == 4 and array.shape[1:3] == images.shape[1:3]:
        array = array.sum(axis=-1)
    return array.reshape(count, -1)

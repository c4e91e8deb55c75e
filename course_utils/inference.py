"""Running a trained model on many inputs, batch by batch.

probabilities, = inference.run_in_batches(classifier, images)
masks, = inference.run_in_batches(unet, scenes, reduce=lambda p: p.argmax(-1))
"""

import numpy as np

from course_utils import backend, checks

BATCH_SIZE = 500  # inputs per call when running a trained model (not a training batch)


def run_in_batches(model, inputs, batch_size=BATCH_SIZE, reduce=None):
    """Calls `model` on `inputs` batch by batch and returns NumPy arrays.

    Direct calls rather than `model.predict`: they trace no compiled function,
    so running several models (or one on a few hundred inputs) costs no
    compilation and warns about no retracing. Each output is moved to NumPy
    from whatever device the backend computed it on.

    Args:
        model: a Keras model (or any callable taking `training=False`).
        inputs: an array whose first axis is the batch.
        batch_size: inputs per call, a positive integer.
        reduce: optional function applied to each output of each batch
            (a NumPy array) before the batches are joined, e.g.
            `lambda p: p.argmax(-1)`: only the reduced arrays are kept, which
            saves memory when the outputs are large.

    Returns:
        A list of NumPy arrays, one per output of the model.

    Raises:
        ValueError: if `inputs` is empty or `batch_size` is not a positive integer.

    >>> import keras
    >>> [out.shape for out in run_in_batches(keras.layers.Dense(3), np.ones((7, 2)), 4)]
    [(7, 3)]
    >>> run_in_batches(keras.layers.Dense(3), np.ones((7, 2)), 4, reduce=lambda p: p.argmax(-1))[0].shape
    (7,)
    """
    batch_size = checks.positive_int(batch_size, "batch_size", "E.g. batch_size=500.")
    if len(inputs) == 0:
        raise ValueError(
            "`inputs` must hold at least one input along its first axis; received an empty "
            "batch. For one input use inputs[None]."
        )
    parts = []
    for start in range(0, len(inputs), batch_size):
        outputs = model(inputs[start : start + batch_size], training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        arrays = [backend.to_numpy(output) for output in outputs]
        parts.append([reduce(array) for array in arrays] if reduce else arrays)
    return [np.concatenate(column) for column in zip(*parts)]

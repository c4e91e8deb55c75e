"""Helpers for the Keras course notebooks.

Importing the package has no side effects: each topic lives in its own module or
package, named after what its notebook teaches (`course_utils.convolution`,
`course_utils.gan`, ...), imported where needed. Shared jobs have one module each:
`config` (profile, seeds, folders, device report), `data`, `checks` (argument
validation), `saving` (models and their notes), `inference` (batched model calls),
`tables`, `plotting`, `report`, `runner`, `curriculum` (notebooks and exercise
numbers), `processes` (a function in a fresh interpreter), `layers` (a Keras layer
the generators share) and `backend` (the only place that imports TensorFlow, JAX or
PyTorch).
"""

__version__ = "0.1.0"

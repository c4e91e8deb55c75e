"""Helpers for the Keras course notebooks.

Importing the package has no side effects: each topic lives in its own module
(`course_utils.convolution`, `course_utils.data`, ...), imported where needed.
"""

__version__ = "0.1.0"

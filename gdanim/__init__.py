"""Lecture animations of gradient descent on linear regression, rendered with Manim.

From Python (manim is imported only to render)::

    import gdanim
    run = gdanim.train(df, x="hours", y="score")            # a Trajectory
    facts = gdanim.analyze(df, x="hours", y="score")         # an Analysis
    gdanim.render("descent-path", df, x="hours", y="score")  # shown under the cell
"""

from . import _blas  # noqa: F401  (first: OpenBLAS's kernels are chosen when numpy loads)
from .api import (
    Rendered,
    analyze,
    lecture,
    load_data,
    load_trajectory,
    render,
    scene_inputs,
    train,
)
from .datasets import Dataset
from .errors import InputError
from .landscape import Analysis
from .trajectory import Trajectory
from .version import __version__

__all__ = [
    "Analysis",
    "Dataset",
    "InputError",
    "Rendered",
    "Trajectory",
    "__version__",
    "analyze",
    "lecture",
    "load_data",
    "load_trajectory",
    "render",
    "scene_inputs",
    "train",
]

"""The loss landscape over (w, b): optimum, curvature, critical learning rates, view and grid.

- :mod:`~gdanim.landscape.analysis`: the optimum, the Hessian and the critical learning rates
  of each optimizer (:func:`analyze`, :class:`Analysis`);
- :mod:`~gdanim.landscape.framing`: the :class:`View` a scene shows and the :class:`Landscape`,
  the loss over it on a grid, with its contour levels.
"""

from __future__ import annotations

from .analysis import (
    LARGE_FACTOR,
    RIGHT_FRACTION,
    ROUND_RIGHT_FRACTION,
    ROUND_SMALL_FRACTION,
    SMALL_FRACTION,
    Analysis,
    analyze,
    hessian,
    optimum,
    optimum_features,
    round_rate,
    scaled,
    standardize,
    standardize_features,
)
from .framing import (
    GRID_POINTS_MAX,
    OPTIMUM_ROOM,
    Landscape,
    View,
    build_landscape,
    frame_view,
    sublevel_box,
)

__all__ = [
    "GRID_POINTS_MAX",
    "LARGE_FACTOR",
    "OPTIMUM_ROOM",
    "RIGHT_FRACTION",
    "ROUND_RIGHT_FRACTION",
    "ROUND_SMALL_FRACTION",
    "SMALL_FRACTION",
    "Analysis",
    "Landscape",
    "View",
    "analyze",
    "build_landscape",
    "frame_view",
    "hessian",
    "optimum",
    "optimum_features",
    "round_rate",
    "scaled",
    "standardize",
    "standardize_features",
    "sublevel_box",
]

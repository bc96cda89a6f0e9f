"""Reusable mobjects of the gdanim scenes.

Every widget takes a :class:`~gdanim.scenes.style.Theme` and plain numbers; those that move take a
``ValueTracker`` holding a fractional state index and follow it with one updater, so a whole
descent is one ``play()``.

The package: :mod:`.text` (labels, notes, numbers, ticks), :mod:`.panels` (a plot panel,
polylines), :mod:`.contours` (the loss contours and the descent's trail), :mod:`.data` (the
data panel), :mod:`.curves` (the loss curve) and :mod:`.readout`.
"""

from __future__ import annotations

from .contours import (
    MARKER_FILL,
    NOT_TO_SCALE,
    STEP_DOTS_UP_TO,
    DescentTrail,
    LossContours,
    scale_ratio,
)
from .curves import LossCurve, log_ticks
from .data import DataPanel, core_range
from .panels import Panel, Polyline, clip_segments, room_to_edge, state_follower
from .readout import GlyphNumber, Readout
from .text import (
    FONT,
    MONO_FONT,
    edge_box,
    fitted_label,
    fmt,
    label,
    nice_ticks,
    note,
    power_of_ten,
)

__all__ = [
    "FONT",
    "MARKER_FILL",
    "MONO_FONT",
    "NOT_TO_SCALE",
    "STEP_DOTS_UP_TO",
    "DataPanel",
    "DescentTrail",
    "GlyphNumber",
    "LossContours",
    "LossCurve",
    "Panel",
    "Polyline",
    "Readout",
    "clip_segments",
    "core_range",
    "edge_box",
    "fitted_label",
    "fmt",
    "label",
    "log_ticks",
    "nice_ticks",
    "note",
    "power_of_ten",
    "room_to_edge",
    "scale_ratio",
    "state_follower",
]

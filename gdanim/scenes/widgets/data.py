"""The data panel: the points, the fitted line, outliers framed."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Dot,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from .. import style
from ..style import Theme
from .panels import Panel, clip_segments
from .text import label

FloatArray = NDArray[np.float64]


def core_range(v: FloatArray) -> tuple[float, float]:
    """The data's range, or its bulk's where a few far outliers would squash the rest.

    With 20 points or more, when the full range is over three times the 2nd-98th percentile
    range, the view is that range widened by a quarter on each side (but never past the data).
    """
    lo, hi = float(np.min(v)), float(np.max(v))
    if v.size < 20:
        return lo, hi
    q_lo, q_hi = (float(q) for q in np.percentile(v, [2, 98]))
    core = q_hi - q_lo
    if core > 0 and hi - lo > 3 * core:
        return max(lo, q_lo - 0.25 * core), min(hi, q_hi + 0.25 * core)
    return lo, hi


class DataPanel(Panel):
    """The data as dots and the current line ``y = w x + b``, clipped to the panel."""

    def __init__(
        self,
        x: FloatArray,
        y: FloatArray,
        width: float,
        height: float,
        theme: Theme,
        x_label: str,
        y_label: str,
        y_extra: Sequence[float] = (),
    ) -> None:
        x_lo, x_hi = core_range(x)
        pad_x = 0.06 * (x_hi - x_lo)
        y_lo0, y_hi0 = core_range(y)
        ys = [y_lo0, y_hi0]
        span = ys[1] - ys[0] or 1.0
        for v in y_extra:
            # Include the starting line if it is not absurdly far from the data.
            if math.isfinite(v) and ys[0] - 2 * span <= v <= ys[1] + 2 * span:
                ys.append(v)
        y_lo, y_hi = min(ys), max(ys)
        pad_y = 0.08 * (y_hi - y_lo or 1.0)
        super().__init__(
            (x_lo - pad_x, x_hi + pad_x), (y_lo - pad_y, y_hi + pad_y), width, height, theme,
            x_label, y_label,
        )  # fmt: skip
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        beyond = (x < x0) | (x > x1) | (y < y0) | (y > y1)
        # Far outliers would squash the bulk into a corner: the view frames the bulk, and a
        # point beyond it is drawn hollow on the edge, in its direction.
        sx, sy = np.clip(x, x0, x1), np.clip(y, y0, y1)
        dots = VGroup()
        for p, out in zip(self.to_scene(sx, sy), beyond, strict=True):
            d = Dot(p, radius=style.DATA_DOT_RADIUS, color=theme.data, fill_opacity=0.85)
            if out:
                d.set_fill(opacity=0).set_stroke(theme.data, 1.5)
            dots.add(d)
        self.dots = dots
        self.beyond = int(beyond.sum())
        if self.beyond:
            word = "point" if self.beyond == 1 else "points"
            remark = label(f"○ {self.beyond} {word} off the scale", theme,
                           style.TICK_SIZE, theme.muted)  # fmt: skip
            if remark.width > self.frame.width * 0.95:
                remark.scale_to_fit_width(self.frame.width * 0.95)
            remark.move_to(self.emptiest_spot(remark.width, remark.height, inset=0.06))
            self.add(remark)
        self.add(dots)

    def emptiest_spot(
        self, width: float, height: float, inset: float = style.NOTE_INSET
    ) -> FloatArray:
        """The centre for a ``width`` x ``height`` note inside the panel, at an edge's middle
        or a corner, where it covers the fewest data points."""
        frame = self.frame
        centres = np.array([d.get_center()[:2] for d in self.dots]).reshape(-1, 2)
        best, fewest = frame.get_top() + DOWN * (height / 2 + inset), math.inf
        for corner in (UP, DOWN, UP + LEFT, UP + RIGHT, DOWN + LEFT, DOWN + RIGHT):
            edge = frame.get_corner(corner) if corner[0] else frame.get_edge_center(corner)
            spot = edge - np.array(
                [corner[0] * (width / 2 + inset), corner[1] * (height / 2 + inset), 0]
            )
            covered = int(
                (
                    (np.abs(centres[:, 0] - spot[0]) < width / 2 + 0.05)
                    & (np.abs(centres[:, 1] - spot[1]) < height / 2 + 0.05)
                ).sum()
            )
            if covered < fewest:
                best, fewest = spot, covered
        return best

    def line_through(self, w: float, b: float, color: str) -> VMobject:
        """The segment of ``y = w x + b`` inside the panel (empty when it misses)."""
        m = VMobject(stroke_color=color, stroke_width=style.STROKE * 1.4)
        self.set_line(m, w, b)
        return m

    def set_line(self, m: VMobject, w: float, b: float) -> None:
        x0, x1 = self.x_range
        p = np.array([[x0, w * x0 + b]])
        q = np.array([[x1, w * x1 + b]])
        box = (x0, x1, self.y_range[0], self.y_range[1])
        if not (np.isfinite(p).all() and np.isfinite(q).all()):
            m.clear_points()
            return
        t0, t1, ok = clip_segments(p, q, box)
        m.clear_points()
        if ok[0] and t1[0] > t0[0]:
            a = p[0] + t0[0] * (q[0] - p[0])
            c = p[0] + t1[0] * (q[0] - p[0])
            m.set_points_as_corners(self.to_scene(np.array([a[0], c[0]]), np.array([a[1], c[1]])))

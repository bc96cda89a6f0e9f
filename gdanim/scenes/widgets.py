"""Reusable mobjects of the gdanim scenes.

Every widget takes a :class:`~scenes.style.Theme` and plain numbers; those that move take a
``ValueTracker`` holding a fractional state index and follow it with one updater, so a whole
descent is one ``play()``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Circle,
    Dot,
    Line,
    Rectangle,
    Star,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from .. import numbers
from ..landscape import Landscape
from ..trajectory import Trajectory
from . import style
from .style import Theme

FloatArray = NDArray[np.float64]
FONT = "DejaVu Sans"
MARKER_FILL = 0.2  # the path's marker is a ring, so the optimum's star shows through
STEP_DOTS_UP_TO = 40  # runs of at most this many updates (or diverging) show each state
MONO_FONT = "DejaVu Sans Mono"


# ------------------------------------------------------------------------------ numbers


def nice_ticks(lo: float, hi: float, target: int = 5, least: int = 3) -> list[float]:
    """Round tick values inside ``[lo, hi]``: steps of 1, 2 or 5 times a power of ten.

    At least ``least`` ticks, so that every axis can be read off (one or two labels do not
    tell where zero or the scale is).
    """
    ticks = _nice_ticks(lo, hi, target)
    while len(ticks) < least and target < 4 * least:
        target += 1
        ticks = _nice_ticks(lo, hi, target)
    return ticks


def _nice_ticks(lo: float, hi: float, target: int) -> list[float]:
    span = hi - lo
    if not span > 0 or not math.isfinite(span):
        return [lo]
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + 1e-9 * step:
        ticks.append(0.0 if abs(v) < step * 1e-9 else v)
        v += step
    return ticks


def fmt(v: float, sig: int = 4) -> str:
    """A number for a label or a caption, in the house style of :mod:`gdanim.numbers`."""
    return numbers.fmt(v, sig)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(k: int) -> str:
    """``10⁻³``-style label."""
    return "10" + str(k).translate(_SUPERSCRIPT)


_TYPESET: dict[tuple[str, float, str], Text] = {}


def label(
    text: str, theme: Theme, size: float = style.LABEL_SIZE, color: str | None = None
) -> Text:
    """Plain text in the theme's ink.

    Typesetting costs tens of milliseconds and panels repeat their labels, so each distinct
    text is set once and copied.
    """
    key = (text, size, str(color or theme.ink))
    if key not in _TYPESET:
        typeset = Text(text, font=FONT, font_size=size, color=color or theme.ink)
        # The parsed SVG path each glyph keeps makes every later copy several times slower.
        for glyph in typeset.family_members_with_points():
            if hasattr(glyph, "path_obj"):
                glyph.path_obj = None  # type: ignore[attr-defined]
        _TYPESET[key] = typeset
    return _TYPESET[key].copy()


def fitted_label(text: str, theme: Theme, room: float, least: float = 0.84) -> Text:
    """An axis name that fits ``room``: shrunk to ``least`` of its size at most, then
    shortened with an ellipsis, so a long column name stays readable at 480p."""
    t = label(text, theme, style.LABEL_SIZE)
    if t.width <= room:
        return t
    if t.width * least <= room:
        return t.scale(room / t.width)
    # A trailing remark in parentheses goes first: "b (intercept)" reads better as "b" than
    # as "b (inte…", "Funds raised ($)" as "Funds raised".
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", text)
    if bare and bare != text:
        return fitted_label(bare, theme, room, least)
    keep = len(text)
    while keep > 4:
        keep -= 1
        short = text[:keep].rstrip(" _-.(") + "…"
        t = label(short, theme, style.LABEL_SIZE)
        if t.width * least <= room:
            return t.scale(min(1.0, room / t.width))
    return t.scale_to_fit_width(room)


# ------------------------------------------------------------------------------ panels


class Panel(VGroup):
    """A framed plot area: invisible manim ``Axes`` for ``c2p``, a frame, ticks and labels.

    Parameters
    ----------
    x_range, y_range
        ``(lo, hi)`` of the plotted coordinates.
    width, height
        Size of the plot area in scene units.
    x_ticks, y_ticks
        Tick positions and their label texts, in plotted coordinates.
    """

    def __init__(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        width: float,
        height: float,
        theme: Theme,
        x_label: str = "",
        y_label: str = "",
        x_ticks: Sequence[tuple[float, str]] | None = None,
        y_ticks: Sequence[tuple[float, str]] | None = None,
    ) -> None:
        super().__init__()
        self.theme = theme
        self.x_range, self.y_range = x_range, y_range
        self.axes = Axes(
            x_range=[x_range[0], x_range[1], (x_range[1] - x_range[0])],
            y_range=[y_range[0], y_range[1], (y_range[1] - y_range[0])],
            x_length=width,
            y_length=height,
            tips=False,
            axis_config={"stroke_opacity": 0, "include_ticks": False},
        )
        lo = self.axes.c2p(x_range[0], y_range[0])
        hi = self.axes.c2p(x_range[1], y_range[1])
        self.frame = Rectangle(width=hi[0] - lo[0], height=hi[1] - lo[1])
        self.frame.move_to((lo + hi) / 2)
        self.frame.set_stroke(theme.muted, style.THIN).set_fill(theme.panel, 1)
        ticks = VGroup()
        tick_len = style.AXIS_LABEL_BUFF * 0.5
        n_x = max(2, min(5, int(width / 1.1)))
        n_y = max(2, min(5, int(height / style.TICK_SPACING)))
        for v, text in x_ticks if x_ticks is not None else self._ticks(x_range, n_x):
            p = self.axes.c2p(v, y_range[0])
            ticks.add(Line(p, p + UP * tick_len, stroke_width=style.THIN, color=theme.muted))
            t = label(text, theme, style.TICK_SIZE, theme.muted)
            ticks.add(t.next_to(p, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6))
        for v, text in y_ticks if y_ticks is not None else self._ticks(y_range, n_y):
            p = self.axes.c2p(x_range[0], v)
            ticks.add(Line(p, p + RIGHT * tick_len, stroke_width=style.THIN, color=theme.muted))
            t = label(text, theme, style.TICK_SIZE, theme.muted)
            ticks.add(t.next_to(p, LEFT, buff=style.AXIS_LABEL_BUFF * 0.6))
        self.ticks = ticks
        self.labels = VGroup()
        if x_label:
            xl = fitted_label(x_label, theme, self.frame.width)
            xl.next_to(self.frame, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6 + 0.3)
            self.labels.add(xl)
        if y_label:
            yl = fitted_label(y_label, theme, self.frame.height)
            yl.rotate(math.pi / 2)
            left_edge = min([m.get_left()[0] for m in ticks if isinstance(m, Text)] or [lo[0]])
            yl.move_to([left_edge - style.AXIS_LABEL_BUFF - yl.width / 2, self.frame.get_y(), 0])
            self.labels.add(yl)
        self.add(self.frame, self.axes, ticks, self.labels)

    @staticmethod
    def _ticks(r: tuple[float, float], n: int) -> list[tuple[float, str]]:
        values = nice_ticks(r[0], r[1], n)
        return list(zip(values, numbers.tick_labels(values), strict=True))

    def to_scene(self, xs: FloatArray, ys: FloatArray) -> FloatArray:
        """Points ``(n, 3)`` for plotted coordinates, vectorised through ``axes.c2p``."""
        o = self.axes.c2p(0.0, 0.0)
        ex = self.axes.c2p(1.0, 0.0) - o
        ey = self.axes.c2p(0.0, 1.0) - o
        xs = np.asarray(xs, dtype=np.float64).reshape(-1, 1)
        ys = np.asarray(ys, dtype=np.float64).reshape(-1, 1)
        return o + xs * ex + ys * ey

    def contains(self, x: float, y: float) -> bool:
        return self.x_range[0] <= x <= self.x_range[1] and self.y_range[0] <= y <= self.y_range[1]


def clip_segments(
    p: FloatArray, q: FloatArray, box: tuple[float, float, float, float]
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Liang-Barsky clipping of segments ``p[i] -> q[i]`` (``(n, 2)``) to ``box``.

    Returns the parameters ``t0, t1`` of the visible part of each segment and whether any
    part is visible.
    """
    x0, x1, y0, y1 = box
    d = q - p
    t0 = np.zeros(len(p))
    t1 = np.ones(len(p))
    ok = np.ones(len(p), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for num_lo, num_hi, den in (
            (x0 - p[:, 0], x1 - p[:, 0], d[:, 0]),
            (y0 - p[:, 1], y1 - p[:, 1], d[:, 1]),
        ):
            par = den == 0
            ok &= ~(par & ((num_lo > 0) | (num_hi < 0)))
            ta = np.where(par, -np.inf, num_lo / den)
            tb = np.where(par, np.inf, num_hi / den)
            lo = np.minimum(ta, tb)
            hi = np.maximum(ta, tb)
            t0 = np.maximum(t0, lo)
            t1 = np.minimum(t1, hi)
    ok &= t0 <= t1
    return t0, t1, ok


class Polyline:
    """A recorded path in plotted coordinates, drawn up to a fractional state index.

    Consecutive states closer than ``min_step`` (in plotted units scaled to the panel) are
    merged, so 20,000 tiny late steps cost what a few do; the big early steps are all kept.
    """

    def __init__(
        self,
        panel: Panel,
        xs: FloatArray,
        ys: FloatArray,
        min_step: float,
        stop_at_exit: bool = False,
    ) -> None:
        self.panel = panel
        xr, yr = panel.x_range, panel.y_range
        sx = panel.frame.width / (xr[1] - xr[0])
        sy = panel.frame.height / (yr[1] - yr[0])
        # Keep a state each time the path has travelled another min_step on screen.
        step = np.hypot(np.diff(xs) * sx, np.diff(ys) * sy)
        with np.errstate(invalid="ignore", over="ignore"):
            travelled = np.concatenate([[0.0], np.cumsum(step)])
            bucket = np.floor(np.nan_to_num(travelled / min_step, posinf=np.finfo(float).max))
        first_in_bucket = np.concatenate([[True], bucket[1:] != bucket[:-1]])
        first_in_bucket[-1] = True
        keep = np.nonzero(first_in_bucket)[0]
        self.index = keep.astype(np.float64)
        self.xy = np.column_stack([xs[keep], ys[keep]])
        box = (xr[0], xr[1], yr[0], yr[1])
        if len(keep) > 1:
            self.t0, self.t1, self.ok = clip_segments(self.xy[:-1], self.xy[1:], box)
            if stop_at_exit:
                # Once the path has left the view, later segments only cross it back and
                # forth (a diverging zigzag): the edge arrow tells that story instead.
                inside = (
                    (self.xy[:, 0] >= xr[0]) & (self.xy[:, 0] <= xr[1])
                    & (self.xy[:, 1] >= yr[0]) & (self.xy[:, 1] <= yr[1])
                )  # fmt: skip
                out = np.nonzero(~inside)[0]
                if out.size:
                    self.ok[out[0] :] = False
        else:
            self.t0 = self.t1 = np.zeros(0)
            self.ok = np.zeros(0, dtype=bool)

    def position(self, s: float) -> tuple[int, float]:
        """Segment number and fraction along it at state index ``s``."""
        k = int(np.searchsorted(self.index, s, side="right")) - 1
        k = min(max(k, 0), len(self.index) - 1)
        if k >= len(self.index) - 1:
            return k, 0.0
        a, b = self.index[k], self.index[k + 1]
        return k, float((s - a) / (b - a))

    def point(self, s: float) -> FloatArray:
        k, f = self.position(s)
        if k >= len(self.xy) - 1:
            return self.xy[-1]
        return self.xy[k] + f * (self.xy[k + 1] - self.xy[k])

    def _segment_curves(self) -> FloatArray:
        """Each visible (clipped) segment as one straight cubic Bezier, ``(n, 4, 3)``.

        Invisible segments collapse to a point; manim starts a new subpath wherever one
        curve does not end where the next begins, so clipped runs come apart by themselves.
        """
        if self.ok.size == 0:
            return np.zeros((0, 4, 3))
        d = self.xy[1:] - self.xy[:-1]
        a = self.xy[:-1] + self.t0[:, None] * d
        b = self.xy[:-1] + self.t1[:, None] * d
        pa = self.panel.to_scene(a[:, 0], a[:, 1])
        pb = self.panel.to_scene(b[:, 0], b[:, 1])
        thirds = np.array([0.0, 1 / 3, 2 / 3, 1.0])[None, :, None]
        curves = pa[:, None, :] + thirds * (pb - pa)[:, None, :]
        curves[~self.ok] = np.nan
        return curves

    def draw(self, mob: VMobject, s: float) -> None:
        """Set ``mob``'s points to the visible path up to ``s`` (one slice, no loop)."""
        if not hasattr(self, "_curves"):
            self._curves = self._segment_curves()
        k, f = self.position(s)
        whole = self._curves[:k]
        parts = [whole[self.ok[:k]].reshape(-1, 3)]
        if f > 0 and k < len(self.ok) and self.ok[k]:
            t_hi = min(self.t1[k], f)
            if t_hi > self.t0[k]:
                d = self.xy[k + 1] - self.xy[k]
                ends = np.array([self.xy[k] + self.t0[k] * d, self.xy[k] + t_hi * d])
                pa, pb = self.panel.to_scene(ends[:, 0], ends[:, 1])
                parts.append(pa + np.array([0.0, 1 / 3, 2 / 3, 1.0])[:, None] * (pb - pa))
        points = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if len(points):
            mob.points = points
        else:
            mob.clear_points()


def state_follower(
    tracker: ValueTracker, draw: Callable[[float], None]
) -> Callable[[VMobject], None]:
    """An updater calling ``draw(s)`` with the tracker's state index."""

    def update(_: VMobject) -> None:
        draw(tracker.get_value())

    return update


# ------------------------------------------------------------------------------ contours


def scale_ratio(view: object, width: float, height: float) -> float:
    """Units of b per scene unit over units of w per scene unit: 1 when the axes are to scale."""
    v = view
    per_w = (v.w_max - v.w_min) / width  # type: ignore[attr-defined]
    per_b = (v.b_max - v.b_min) / height  # type: ignore[attr-defined]
    return float(per_b / per_w) if per_w > 0 else 1.0


#: Beyond this ratio of scales (either way) the axes say they are not to scale.
NOT_TO_SCALE = 1.5


class LossContours(Panel):
    """The loss contours over the framed (w, b) view, with the minimum marked.

    When one unit of b does not take about the length of one unit of w, the w axis's name
    says "not to scale": a step against the gradient crosses the contours at right angles
    only on axes to scale, and students are taught that it does.
    """

    def __init__(
        self,
        landscape: Landscape,
        width: float,
        height: float,
        theme: Theme,
        w_label: str = "w (slope)",
        b_label: str = "b (intercept)",
    ) -> None:
        v = landscape.view
        ratio = scale_ratio(v, width, height)
        self.to_scale = 1 / NOT_TO_SCALE <= ratio <= NOT_TO_SCALE
        if w_label and not self.to_scale:
            w_label = f"{w_label}   (axes not to scale)"
        super().__init__(
            (v.w_min, v.w_max), (v.b_min, v.b_max), width, height, theme, w_label, b_label
        )
        self.landscape = landscape
        lines = VGroup()
        paths = landscape.contour_paths()
        n = max(len(paths) - 1, 1)
        for i, (_level, segments) in enumerate(paths):
            color = theme.contour_color(i / n)
            for seg in segments:
                m = VMobject(stroke_width=style.STROKE * 0.7, stroke_color=color)
                m.set_points_as_corners(self.to_scene(seg[:, 0], seg[:, 1]))
                lines.add(m)
        self.lines = lines
        w_star, b_star = landscape.optimum
        self.optimum = VGroup()
        if self.contains(w_star, b_star):
            star = Star(n=5, outer_radius=style.DOT_RADIUS * 2.2, color=theme.optimum)
            star.set_fill(theme.optimum, 1).set_stroke(theme.background, 1)
            star.move_to(self.axes.c2p(w_star, b_star))
            self.optimum.add(star)
        self.add(lines, self.optimum)


_STEP_DOT = Circle(radius=style.DOT_RADIUS * 0.45)


class DescentTrail(VGroup):
    """The (w, b) path drawn as it goes, its marker, and an edge arrow when it leaves.

    Follows ``tracker`` (a fractional state index of ``trajectory``).
    """

    def __init__(
        self,
        panel: Panel,
        trajectory: Trajectory,
        tracker: ValueTracker,
        theme: Theme,
        color: str | None = None,
    ) -> None:
        super().__init__()
        color = color or theme.path
        self.panel = panel
        self.trajectory = trajectory
        self.poly = Polyline(
            panel, trajectory.w, trajectory.b, min_step=0.01, stop_at_exit=trajectory.diverged
        )
        self.line = VMobject(stroke_color=color, stroke_width=style.PATH_STROKE)
        self.start = Dot(
            panel.axes.c2p(trajectory.w[0], trajectory.b[0]),
            radius=style.DOT_RADIUS * 0.8,
            color=color,
        ).set_stroke(theme.background, 1.5)
        # A ring: where the run ends on the optimum, the star shows through it.
        self.marker = Dot(radius=style.DOT_RADIUS * 1.3, color=color, fill_opacity=MARKER_FILL)
        self.marker.set_stroke(color, 3)
        self.exit_arrow = Arrow(
            ORIGIN, RIGHT * 0.5, buff=0, color=theme.warn, stroke_width=5,
            max_tip_length_to_length_ratio=0.45,
        )  # fmt: skip
        self.exit_arrow.move_to(panel.frame).set_opacity(0)  # hidden until the path leaves
        self.template_arrow = self.exit_arrow.copy()
        self.tracker = tracker
        # Each visited state as a small dot where a run zig-zags along one line (a diverging
        # run) or takes few updates: the overdrawn path alone would read as one stroke.
        self.steps = VMobject(stroke_width=0).set_fill(color, 0.9)
        self._step_points = (
            self._state_points(trajectory)
            if (trajectory.diverged or trajectory.n_updates <= STEP_DOTS_UP_TO)
            else np.zeros((0, 3))
        )
        self.moving = VGroup(self.line, self.steps, self.marker, self.exit_arrow)
        self.add(self.start, self.moving)
        self.steps.add_updater(state_follower(tracker, self._show_steps))
        self._show_steps(tracker.get_value())
        self.line.add_updater(state_follower(tracker, lambda s: self.poly.draw(self.line, s)))
        self.marker.add_updater(state_follower(tracker, self._place_marker))
        self._place_marker(tracker.get_value())
        self.poly.draw(self.line, tracker.get_value())

    def _state_points(self, traj: Trajectory) -> FloatArray:
        """Scene points of the states inside the panel, one row per state (NaN outside)."""
        w, b = np.asarray(traj.w, dtype=np.float64), np.asarray(traj.b, dtype=np.float64)
        (x0, x1), (y0, y1) = self.panel.x_range, self.panel.y_range
        inside = (w >= x0) & (w <= x1) & (b >= y0) & (b <= y1)
        pts = self.panel.to_scene(np.where(inside, w, 0.0), np.where(inside, b, 0.0))
        pts[~inside] = np.nan
        return pts

    def _show_steps(self, s: float) -> None:
        k = math.floor(s + 1e-9)
        pts = self._step_points[1 : k + 1]
        pts = pts[np.isfinite(pts[:, 0])] if len(pts) else pts
        if not len(pts):
            self.steps.clear_points()
            return
        template = _STEP_DOT.points
        self.steps.points = (template[None, :, :] + pts[:, None, :]).reshape(-1, 3)

    def _place_marker(self, s: float) -> None:
        w, b = self.poly.point(s)
        if self.panel.contains(w, b):
            self.marker.move_to(self.panel.axes.c2p(w, b))
            self.marker.set_fill(opacity=MARKER_FILL).set_stroke(opacity=1)
            self.exit_arrow.set_opacity(0)
            return
        self.marker.set_opacity(0)
        xr, yr = self.panel.x_range, self.panel.y_range
        cx, cy = (xr[0] + xr[1]) / 2, (yr[0] + yr[1]) / 2
        # Direction in panel units, then the point where the ray from the centre exits.
        dx = (w - cx) / (xr[1] - xr[0])
        dy = (b - cy) / (yr[1] - yr[0])
        scale = 0.5 / max(abs(dx), abs(dy), 1e-12)
        ex, ey = cx + dx * scale * (xr[1] - xr[0]), cy + dy * scale * (yr[1] - yr[0])
        tip = self.panel.axes.c2p(ex, ey)
        direction = np.array([dx, dy, 0.0])
        direction /= np.linalg.norm(direction) or 1.0
        arrow = self.template_arrow.copy()
        arrow.put_start_and_end_on(tip - direction * 0.55, tip)
        self.exit_arrow.become(arrow).set_opacity(1)

    def clear_updaters_all(self) -> None:
        self.line.clear_updaters()
        self.marker.clear_updaters()


# ------------------------------------------------------------------------------ data


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


# ------------------------------------------------------------------------------ loss curve


def log_ticks(y_range: tuple[float, float], most: int) -> list[tuple[float, str]]:
    """Ticks of a log10 axis: at least three, at most ``most`` (when three fit).

    Powers of ten, every k-th where they are many; under three decades, 1, 2 and 5 times
    the powers of ten, written out (``20, 50, 100``), thinned the same way.
    """
    lo, hi = y_range
    decades = [float(k) for k in range(math.ceil(lo), math.floor(hi) + 1)]
    if len(decades) >= 3:
        step = max(1, math.ceil(len(decades) / most))
        while step > 1 and len(decades[::step]) < 3:
            step -= 1
        return [(k, power_of_ten(int(k))) for k in decades[::step]]
    values = [
        m * 10.0**k
        for k in range(math.floor(lo), math.ceil(hi) + 1)
        for m in (1.0, 2.0, 5.0)
        if lo <= math.log10(m * 10.0**k) <= hi
    ]
    if len(values) < 3:
        return [(k, power_of_ten(int(k))) for k in decades]
    step = max(1, math.ceil(len(values) / most))
    while step > 1 and len(values[::step]) < 3:
        step -= 1
    kept = values[::step]
    return [(math.log10(v), t) for v, t in zip(kept, numbers.tick_labels(kept), strict=True)]


class LossCurve(Panel):
    """Loss against update, log-scaled where it spans decades, drawn up to the tracker.

    The update axis is ``log10(1 + epoch)`` for long runs, so the early, fast fall gets room.
    """

    def __init__(
        self,
        trajectories: Sequence[Trajectory],
        width: float,
        height: float,
        theme: Theme,
        loss_floor: float | None = None,
        epochs: int | None = None,
    ) -> None:
        losses = np.concatenate([t.loss for t in trajectories if t.loss is not None])
        finite = losses[np.isfinite(losses)]
        lo, hi = float(np.min(finite)), float(np.max(finite))
        if loss_floor is not None and np.isfinite(loss_floor):
            lo = min(lo, loss_floor)
        self.log_y = lo > 0 and hi / lo > 100
        n = epochs if epochs is not None else max(t.n_updates for t in trajectories)
        n = max(n, 1)
        self.log_x = n > 300
        if self.log_y:
            y_range = (math.floor(math.log10(lo) * 4) / 4, math.ceil(math.log10(hi) * 4) / 4)
            if y_range[1] - y_range[0] < 0.5:
                y_range = (y_range[0] - 0.25, y_range[1] + 0.25)
            y_ticks = log_ticks(y_range, max(3, int(height / style.TICK_SPACING)))
        else:
            pad = 0.06 * (hi - lo or abs(hi) or 1.0)
            y_range = (max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad)
            most = max(2, min(4, int(height / style.TICK_SPACING)))
            values = nice_ticks(*y_range, most)
            y_ticks = list(zip(values, numbers.tick_labels(values), strict=True))
        if self.log_x:
            x_range = (0.0, math.log10(1 + n))
            x_ticks = [(0.0, "0")] + [
                (math.log10(1 + 10**k), numbers.count(10**k))
                for k in range(0, int(math.log10(n)) + 1)
            ]
            x_label = "update (log scale)"
        else:
            x_range = (0.0, float(n))
            values = nice_ticks(0, n, 4)
            x_ticks = list(zip(values, numbers.tick_labels(values), strict=True))
            x_label = "update"
        y_label = "loss (log)" if self.log_y else "loss"
        super().__init__(x_range, y_range, width, height, theme, x_label, y_label, x_ticks, y_ticks)
        self.epochs = n

    def coords(self, traj: Trajectory) -> tuple[FloatArray, FloatArray]:
        assert traj.loss is not None
        e = np.arange(traj.n_states, dtype=np.float64)
        xs = np.log10(1 + e) if self.log_x else e
        with np.errstate(divide="ignore"):
            ys = np.log10(np.maximum(traj.loss, 1e-300)) if self.log_y else traj.loss
        return xs, ys

    def curve(self, traj: Trajectory, tracker: ValueTracker, color: str) -> VGroup:
        """The curve of ``traj`` and a marker, following ``tracker``."""
        xs, ys = self.coords(traj)
        poly = Polyline(self, xs, ys, min_step=0.006)
        line = VMobject(stroke_color=color, stroke_width=style.STROKE)
        dot = Dot(radius=style.DOT_RADIUS, color=color).set_stroke(self.theme.background, 1.5)

        def place(s: float) -> None:
            px, py = poly.point(s)
            inside = self.contains(px, py)
            dot.move_to(self.axes.c2p(px, min(max(py, self.y_range[0]), self.y_range[1])))
            dot.set_opacity(1 if inside else 0)

        line.add_updater(state_follower(tracker, lambda s: poly.draw(line, s)))
        dot.add_updater(state_follower(tracker, place))
        poly.draw(line, tracker.get_value())
        place(tracker.get_value())
        return VGroup(line, dot)


# ------------------------------------------------------------------------------ readout


class GlyphNumber(VGroup):
    """A number set from cached glyphs of one monospace ``Text``.

    Changing the value copies a few glyph outlines instead of typesetting anew (a ``Text`` or
    ``MathTex`` per frame would cost a font or LaTeX run), and monospace digits keep the
    readout from jittering. The left end of the baseline stays put.
    """

    CHARS = "0123456789.-e,"
    _glyphs: ClassVar[
        dict[tuple[float, str], tuple[dict[str, tuple[VMobject, FloatArray]], float]]
    ] = {}

    def __init__(
        self,
        value: float,
        formatter: Callable[[float], str],
        size: float,
        color: str,
    ) -> None:
        super().__init__()
        self.formatter = formatter
        key = (size, str(color))
        if key not in self._glyphs:
            text = Text(self.CHARS, font=MONO_FONT, font_size=size, color=color)
            origin = text.get_corner(DOWN + LEFT)
            first, last = text.submobjects[0], text.submobjects[-1]
            advance = (last.get_center()[0] - first.get_center()[0]) / (len(self.CHARS) - 1)
            table = {}
            for i, (ch, glyph) in enumerate(zip(self.CHARS, text.submobjects, strict=True)):
                offset = glyph.get_center() - origin - RIGHT * advance * i
                table[ch] = (glyph, offset)
            self._glyphs[key] = (table, advance)
        self.table, self.advance = self._glyphs[key]
        # An invisible ruler one cell long: it moves and scales with the group, so the
        # glyphs can be laid out again after any transform.
        self.ruler = Line(ORIGIN, RIGHT * self.advance, stroke_opacity=0, stroke_width=0)
        # All glyphs live in one VMobject whose points are swapped in place: one path to draw
        # per frame, and manim (which draws the family it saw when play() began) never meets
        # a replaced submobject.
        sample = next(iter(self.table.values()))[0]
        self.ink = sample.copy()
        self.value = value
        self.shown: tuple[str, float, FloatArray] | None = None
        self.add(self.ruler, self.ink)
        self._compose()

    def _compose(self) -> None:
        start, end = self.ruler.get_start(), self.ruler.get_end()
        cell = float(np.linalg.norm(end - start)) or self.advance
        text = "".join(c for c in self.formatter(self.value) if c in self.table)
        shown = self.shown
        if shown and shown[0] == text and shown[1] == cell and np.array_equal(shown[2], start):
            return
        self.shown = (text, cell, start.copy())
        scale = cell / self.advance
        pieces = []
        for i, ch in enumerate(text):
            glyph, offset = self.table[ch]
            target = start + (offset + RIGHT * self.advance * i) * scale
            pieces.append((glyph.points - glyph.get_center()) * scale + target)
        if pieces:
            self.ink.points = np.concatenate(pieces)
        else:
            self.ink.clear_points()

    def set_value(self, value: float) -> GlyphNumber:
        self.value = value
        self._compose()
        return self

    def place(self, point: FloatArray) -> GlyphNumber:
        """Put the left end of the baseline at ``point``."""
        self.shift(np.asarray(point, dtype=np.float64) - self.ruler.get_start())
        return self


class Readout(VGroup):
    """``update k   w = ...   b = ...   loss = ...`` following the tracker.

    ``tags`` never change (add them with the static mobjects); ``values`` follow the tracker.
    """

    def __init__(
        self,
        trajectory: Trajectory,
        tracker: ValueTracker,
        theme: Theme,
        size: float = style.READOUT_SIZE,
        max_width: float | None = None,
    ) -> None:
        """``max_width``: where one row would have to shrink below 84% to fit, the
        fields go on two rows (update and w, then b and loss)."""
        super().__init__()
        t = trajectory
        assert t.loss is not None
        fields: list[tuple[str, Callable[[float], str], Sequence[float]]] = [
            ("update", lambda v: numbers.count(round(v)), [float(t.n_updates)]),
            ("w =", numbers.series_format(t.w), t.w),
            ("b =", numbers.series_format(t.b), t.b),
            ("loss =", numbers.series_format(t.loss), t.loss),
        ]
        self.tags = VGroup()
        self.values = VGroup()
        x = 0.0
        for name, formatter, series in fields:
            tag = label(name, theme, size, theme.muted)
            tag.move_to([x, 0, 0], aligned_edge=LEFT + DOWN)
            x = tag.get_right()[0] + 0.15
            first = 0.0 if name == "update" else float(series[0])
            num = GlyphNumber(first, formatter, size, theme.ink)
            num.place(np.array([x, tag.get_bottom()[1], 0.0]))
            # Room for the widest value the run will show, so nothing collides.
            sample = series[:: max(1, len(series) // 200)]
            chars = max(len(formatter(float(v))) for v in [*sample, series[-1]])
            x += num.advance * max(chars, 4) + style.READOUT_GAP
            self.tags.add(tag)
            self.values.add(num)
        self.add(self.tags, self.values)
        if max_width is not None and self.width * 0.84 > max_width:
            # Two rows: b and loss go under update and w.
            dx = self.tags[2].get_left()[0] - self.tags[0].get_left()[0]
            dy = self.height + style.READOUT_ROW_GAP
            for i in (2, 3):
                for m in (self.tags[i], self.values[i]):
                    m.shift(np.array([-dx, -dy, 0.0]))
        epoch, w_num, b_num, loss_num = self.values
        loss = t.loss

        def follow(_: VMobject) -> None:
            # One update's numbers together: w_k, b_k and loss_k, never a point part way
            # through a move (the marker glides; the readout names the state it passes).
            k = min(round(tracker.get_value()), t.n_states - 1)
            epoch.set_value(k)
            w_num.set_value(float(t.w[k]))
            b_num.set_value(float(t.b[k]))
            loss_num.set_value(float(loss[k]))

        self.values.add_updater(follow)


def note(text: str, theme: Theme, color: str | None = None) -> Text:
    """A one-line caption in the theme."""
    return label(text, theme, style.NOTE_SIZE, color)


def edge_box(width: float, height: float) -> Rectangle:
    """An invisible rectangle, for layout."""
    return Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)

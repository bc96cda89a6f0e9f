"""A plot panel (axes, ticks, labels) and the polylines drawn on panels."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import overload

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Line,
    Rectangle,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from ... import numbers
from .. import style
from ..style import Theme
from .text import fitted_label, label, nice_ticks, power_of_ten, stands_upright

FloatArray = NDArray[np.float64]


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

    #: A note elsewhere on screen that says for this panel (and its like in a column of
    #: small multiples) what its names have no room for: "axes not to scale", "log scale".
    said_by: VGroup | None = None

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
        same_power: bool = False,
    ) -> None:
        """``same_power``: where one axis counts in a power of ten, the other counts in it
        too if its labels fit so (a map to scale: "w′ (×10³)" beside a plain b′ in thousands
        hides that one unit is as long on both)."""
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
        n_x = x_tick_count(width)
        n_y = max(2, min(5, int(height / style.TICK_SPACING)))
        x_unit = y_unit = ""
        if x_ticks is None:
            x_ticks, x_unit = fitting_ticks(x_range, n_x, width, theme, across=True)
        if y_ticks is None:
            y_ticks, y_unit = fitting_ticks(y_range, n_y, height, theme, across=False)
        if same_power and bool(x_unit) != bool(y_unit):
            # Only where the name, with the power of ten, still reads at full size.
            def reads(name: str, room: float) -> bool:
                return label(name, theme, style.LABEL_SIZE).width <= room

            if x_unit and reads(with_unit(y_label, x_unit), height):
                shared = fitting_ticks(y_range, n_y, height, theme, across=False, unit=x_unit)
                if shared is not None:
                    y_ticks, y_unit = shared, x_unit
            elif y_unit and reads(with_unit(x_label, y_unit), width):
                shared = fitting_ticks(x_range, n_x, width, theme, across=True, unit=y_unit)
                if shared is not None:
                    x_ticks, x_unit = shared, y_unit
        elif same_power and x_unit and y_unit and x_unit != y_unit:
            # Two powers ("w′ (×10⁵)" beside "b′ (×10⁶)") on a map to scale: one for both,
            # the x axis's, else the y axis's, where its labels fit the other axis.
            y_in_x = fitting_ticks(y_range, n_y, height, theme, across=False, unit=x_unit)
            x_in_y = fitting_ticks(x_range, n_x, width, theme, across=True, unit=y_unit)
            if y_in_x is not None:
                y_ticks, y_unit = y_in_x, x_unit
            elif x_in_y is not None:
                x_ticks, x_unit = x_in_y, y_unit
        x_label = with_unit(x_label, x_unit)
        y_label = with_unit(y_label, y_unit)
        for v, text in x_ticks:
            p = self.axes.c2p(v, y_range[0])
            ticks.add(Line(p, p + UP * tick_len, stroke_width=style.THIN, color=theme.muted))
            t = label(text, theme, style.TICK_SIZE, theme.muted)
            ticks.add(t.next_to(p, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6))
        for v, text in y_ticks:
            p = self.axes.c2p(x_range[0], v)
            ticks.add(Line(p, p + RIGHT * tick_len, stroke_width=style.THIN, color=theme.muted))
            t = label(text, theme, style.TICK_SIZE, theme.muted)
            ticks.add(t.next_to(p, LEFT, buff=style.AXIS_LABEL_BUFF * 0.6))
        self.ticks = ticks
        #: The y axis's whole name (with the power of ten its ticks count in), before it is
        #: fitted to the side: a scene gives a panel too short for it more height.
        self.y_name = y_label
        thin_tick_labels(self)
        self.labels = VGroup()
        if x_label:
            # A name too long for the side breaks onto a second line before it is cut.
            xl = fitted_label(x_label, theme, self.frame.width, lines=2)
            xl.next_to(self.frame, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6 + 0.3)
            self.labels.add(xl)
        if y_label:
            # The y name runs up the side, where a second line takes width, not height.
            yl = fitted_label(y_label, theme, self.frame.height, lines=3)
            if not stands_upright(y_label):
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


def room_to_edge(panel: Panel, p: NDArray[np.float64], direction: NDArray[np.float64]) -> float:
    """How far from scene point ``p`` along the unit ``direction`` the panel's frame is."""
    lo, hi = panel.frame.get_corner(DOWN + LEFT), panel.frame.get_corner(UP + RIGHT)
    out = math.inf
    for k in (0, 1):
        d = float(direction[k])
        if d > 1e-9:
            out = min(out, (hi[k] - p[k]) / d)
        elif d < -1e-9:
            out = min(out, (lo[k] - p[k]) / d)
    return max(out, 0.0)


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


#: The least room between neighbouring tick labels.
LABEL_GAP = 0.08
#: Numbers side by side on one row keep a word space with room to spare (about 8 px at
#: 480p) between them, or "0 1" reads "01".
NUMBER_GAP = 0.14
#: An axis is read off from this many labelled ticks at least.
LEAST_TICK_LABELS = 3


def x_tick_count(width: float) -> int:
    """About how many ticks a bottom axis ``width`` long asks for."""
    return max(2, min(5, int(width / 1.1)))


def x_tick_labels(panel: Panel) -> int:
    """How many tick labels a panel's bottom axis kept (those that would touch are thinned)."""
    bottom = panel.frame.get_bottom()[1]
    return sum(1 for m in panel.ticks if isinstance(m, Text) and m.get_top()[1] <= bottom)


def y_tick_labels(panel: Panel) -> int:
    """How many tick labels a panel's y axis kept (those that would touch are thinned)."""
    left = panel.frame.get_left()[0]
    return sum(1 for m in panel.ticks if isinstance(m, Text) and m.get_right()[0] <= left)


@overload
def fitting_ticks(
    r: tuple[float, float], n: int, length: float, theme: Theme, across: bool
) -> tuple[list[tuple[float, str]], str]: ...


@overload
def fitting_ticks(
    r: tuple[float, float], n: int, length: float, theme: Theme, across: bool, unit: str
) -> list[tuple[float, str]] | None: ...


def fitting_ticks(
    r: tuple[float, float],
    n: int,
    length: float,
    theme: Theme,
    across: bool,
    unit: str | None = None,
) -> tuple[list[tuple[float, str]], str] | list[tuple[float, str]] | None:
    """Ticks for an axis of ``length`` scene units over ``r``, and the power of ten they
    count in (``""`` or ``"×10⁻³"``, for the axis name).

    About ``n`` ticks; where their labels would touch (long numbers on a narrow panel, which
    would then lose labels to thinning), the nearest count of round steps whose labels all
    fit, at least three; where none does, the same in fewer digits: the ticks count in a
    power of ten (``0 1 2`` on an axis named ``w (×10⁻³)``).

    ``across``: the labels sit side by side (a bottom axis), else one above the other.
    ``unit``: only ticks in that power of ten (as returned: ``"×10³"``), or ``None`` where
    their labels do not fit.
    """
    first = Panel._ticks(r, n)
    span = r[1] - r[0]
    if not span > 0 or not math.isfinite(span):
        return (first, "") if unit is None else None
    gap = NUMBER_GAP if across else LABEL_GAP / 2
    # Stacked labels are as tall as a line of digits, whatever their digits: a power of ten
    # must not win on a glyph's overshoot ("1 2 3" against "10 20 30"), at the cost of a
    # "(×10¹)" the axis name may have no room for.
    digits = label("0123456789", theme, style.TICK_SIZE, theme.muted).height

    def fit(unit: float) -> list[tuple[float, str]] | None:
        lo, hi = r[0] / unit, r[1] / unit
        tries = [[v / unit for v, _ in first]] + [
            nice_ticks(lo, hi, target, least=1)
            for target in sorted(range(2, 9), key=lambda t: (abs(t - n), -t))
        ]
        seen: set[tuple[float, ...]] = set()
        for values in tries:
            if len(values) < LEAST_TICK_LABELS or tuple(values) in seen:
                continue
            seen.add(tuple(values))
            texts = numbers.tick_labels(values)
            sizes = [
                (m.width if across else max(m.height, digits))
                for m in (label(t, theme, style.TICK_SIZE, theme.muted) for t in texts)
            ]
            room = (values[1] - values[0]) * length / (hi - lo)
            if all(room >= (a + b) / 2 + gap for a, b in itertools.pairwise(sizes)):
                return [(v * unit, t) for v, t in zip(values, texts, strict=True)]
        return None

    if unit is not None:
        forced = next((k for k in range(-30, 31) if f"×{power_of_ten(k)}" == unit), None)
        return fit(10.0**forced) if forced is not None else None
    plain = fit(1.0)
    # Numbers written in scientific notation ("−5e5 0 5e5 1e6") read better counted in a
    # power of ten ("−5 0 5 10 (×10⁵)"), where those fit.
    if plain is not None and not any("e" in t for _, t in plain):
        return plain, ""
    top = max(abs(r[0]), abs(r[1]))
    k = math.floor(math.log10(top)) if top > 0 else 0
    # In the power of ten of the largest number ("−1.5 −1 −0.5 0"), else one less, where
    # whole numbers are narrower ("−15 −10 −5 0"), but not ×10¹ for numbers in hundreds:
    # plain numbers thinned ("0 100") read better than "0 5 10 (×10¹)".
    for power in (k, k - 1) if abs(k - 1) >= 2 else (k,):
        scaled = fit(10.0**power) if power != 0 else None
        if scaled is not None:
            return scaled, f"×{power_of_ten(power)}"
    return (plain or first), ""


#: The most a range may grow, of its span, to carry three tick labels side by side.
MOST_REACH_ACROSS = 0.5


def across_ticks(lo: float, hi: float, width: float) -> list[float]:
    """The values a panel ``width`` long ticks over ``(lo, hi)`` (in a power of ten where
    plain numbers do not fit), if three or more keep apart as typeset; else none."""
    theme = style.THEMES["dark"]  # widths only: the theme changes colours
    ticks, _ = fitting_ticks((lo, hi), x_tick_count(width), width, theme, across=True)
    texts = [label(t, theme, style.TICK_SIZE) for _, t in ticks]
    xs = [(v - lo) / (hi - lo) * width for v, _ in ticks]
    apart = all(
        x2 - x1 >= (m.width + n.width) / 2 + NUMBER_GAP
        for (x1, m), (x2, n) in itertools.pairwise(zip(xs, texts, strict=True))
    )
    return [v for v, _ in ticks] if apart and len(ticks) >= 3 else []


def labelled_across(lo: float, hi: float, width: float) -> tuple[float, float]:
    """``(lo, hi)``, or up to :data:`MOST_REACH_ACROSS` wider, so an axis ``width`` long
    carries three round tick labels side by side, :data:`NUMBER_GAP` apart as typeset.

    Where some round step's multiples inside the range already fit, the range stays; else
    it grows, the least it can, to the next multiple beyond one end (and a quarter step
    more, so the new end label keeps clear of the corner) of the first step whose three
    labels then fit.
    """
    span = hi - lo
    if not (span > 0 and width > 0 and math.isfinite(span)):
        return lo, hi
    if across_ticks(lo, hi, width):
        return lo, hi
    mag = 10 ** math.floor(math.log10(span / 8))
    best: tuple[float, float] | None = None
    for step in (m * mag * 10**k for k in range(3) for m in (1, 2, 2.5, 5)):
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        pad = step * 0.25
        for end, a, b in (
            ((first - 1) * step, (first - 1) * step - pad, hi),
            ((last + 1) * step, lo, (last + 1) * step + pad),
        ):
            if b - a > span * (1 + MOST_REACH_ACROSS) or (best and b - a >= best[1] - best[0]):
                continue
            # Ticked at this step, at its new end: else the pad is not a quarter step.
            ticks = across_ticks(a, b, width)
            if any(abs(v - end) <= 1e-9 * step for v in ticks) and math.isclose(
                ticks[1] - ticks[0], step
            ):
                best = (a, b)
    return best or (lo, hi)


#: Room a tick label of a vertical axis takes, with the gap to the next one.
TICK_LABEL_ROOM = 0.3


def labelled_range(lo: float, hi: float, height: float) -> tuple[float, float]:
    """``(lo, hi)``, or a little wider, so an axis ``height`` tall carries three round tick
    values at least :data:`TICK_LABEL_ROOM` apart.

    The step is the least round one (1, 2, 2.5 or 5 times a power of ten) whose labels fit;
    where fewer than three of its multiples fall in the range, the range grows to the
    nearest ones beyond either end (the smaller growth first).
    """
    if not (hi > lo and height > 0 and math.isfinite(hi - lo)):
        return lo, hi
    for _ in range(4):
        span = hi - lo
        least = span * TICK_LABEL_ROOM / height
        mag = 10 ** math.floor(math.log10(least))
        step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= least * (1 - 1e-12))
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        if last - first + 1 >= 3:
            return lo, hi
        # A new end value keeps half a label's room inside the frame, clear of the corner
        # where the other axis's first label sits.
        pad = step * 0.25
        down, up = lo - (first - 1) * step, (last + 1) * step - hi
        if last - first + 1 == 1:
            lo, hi = (first - 1) * step - pad, (last + 1) * step + pad
        elif down <= up:
            lo = (first - 1) * step - pad
        else:
            hi = (last + 1) * step + pad
    return lo, hi


def labelled_view(
    view: tuple[float, float, float, float], width: float, height: float
) -> tuple[float, float, float, float]:
    """``(w_lo, w_hi, b_lo, b_hi)``, a view to scale for a map ``width`` by ``height``, grown
    the least it can so each axis carries three tick labels (:func:`labelled_across`,
    :func:`labelled_range`), b's lowest a quarter step above the corner, clear of w's first
    label (which may hang left of the plot where w grew to its next round value).

    The view stays to scale: each range grown takes the other along about its middle (a few
    rounds: growing one may crowd the other's numbers); where that crowds w's numbers past
    help, w keeps the last range whose numbers fit, a little out of scale (under the tenth
    or so a grown b asks for).
    """
    w_lo, w_hi, b_lo, b_hi = view
    shape = width / height
    kept: tuple[float, float] | None = None
    for _ in range(4):
        w_lo, w_hi = labelled_across(w_lo, w_hi, width)
        if across_ticks(w_lo, w_hi, width):
            kept = (w_lo, w_hi)
        elif kept is not None:
            w_lo, w_hi = kept
            break
        b_lo, b_hi = _about((b_lo + b_hi) / 2, max(b_hi - b_lo, (w_hi - w_lo) / shape))
        b_lo, b_hi = labelled_range(b_lo, b_hi, height)
        ticks, _ = fitting_ticks((b_lo, b_hi), 3, height, style.THEMES["dark"], across=False)
        if len(ticks) >= 2:
            b_lo = min(b_lo, ticks[0][0] - (ticks[1][0] - ticks[0][0]) / 4)
        if (b_hi - b_lo) * shape <= (w_hi - w_lo) * (1 + 1e-9):
            break
        w_lo, w_hi = _about((w_lo + w_hi) / 2, (b_hi - b_lo) * shape)
    return w_lo, w_hi, b_lo, b_hi


def _about(middle: float, span: float) -> tuple[float, float]:
    return middle - span / 2, middle + span / 2


def with_unit(name: str, unit: str) -> str:
    """An axis name with the power of ten its ticks count in: ``w′ (per sd of x) (×10⁵)``, put
    before a remark such as ``(axes not to scale)``, which may be dropped for room first."""
    if not unit or not name:
        return name
    head, sep, remark = name.partition("   (")
    return f"{head} ({unit}){sep}{remark}"


def thin_tick_labels(panel: Panel) -> None:
    """Drop tick labels that would touch the one before them (narrow panels, long labels)."""
    frame = panel.frame
    below = [
        m for m in panel.ticks if isinstance(m, Text) and m.get_top()[1] <= frame.get_bottom()[1]
    ]
    last = -math.inf
    for m in sorted(below, key=lambda t: t.get_x()):
        if m.get_left()[0] < last + NUMBER_GAP:
            panel.ticks.remove(m)
        else:
            last = m.get_right()[0]
    left = [
        m for m in panel.ticks if isinstance(m, Text) and m.get_right()[0] <= frame.get_left()[0]
    ]
    last = -math.inf
    for m in sorted(left, key=lambda t: t.get_y()):
        if m.get_bottom()[1] < last + LABEL_GAP / 2:
            panel.ticks.remove(m)
        else:
            last = m.get_top()[1]
    # At the corner the first label of each axis ("0" and "0") may meet: one gives way, from
    # the axis that keeps three labels without it.
    kept_x = sorted((m for m in below if m in panel.ticks.submobjects), key=lambda t: t.get_x())
    kept_y = sorted((m for m in left if m in panel.ticks.submobjects), key=lambda t: t.get_y())
    if kept_x and kept_y:
        a, b = kept_x[0], kept_y[0]
        gap = LABEL_GAP / 2
        apart = a.get_left()[0] > b.get_right()[0] + gap or a.get_top()[1] < b.get_bottom()[1] - gap
        if not apart:
            if len(kept_x) > 3:
                panel.ticks.remove(a)
            elif len(kept_y) > 3:
                panel.ticks.remove(b)
            else:
                # Neither keeps three without it: the other axis's lowest label rises clear
                # of the corner, where that is a nudge (under half its height) off its tick.
                rise = a.get_top()[1] + gap - b.get_bottom()[1]
                if 0 < rise < b.height / 2:
                    b.shift(UP * rise)

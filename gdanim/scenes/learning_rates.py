"""learning-rates: the same start, the same data, two to four learning rates side by side.

Each run gets its path on the loss contours and its loss curve; the loss axes are shared, so
the speeds compare at a glance. A log-scaled learning-rate line shows where each rate sits
against the critical rate ``2 / lambda_max`` and the fastest fixed rate. What each run did is
read from its trajectory (:mod:`gdanim.outcome`), never from its label.

Render with ``gdanim render learning-rates`` or, with its default data,
``manim render -ql scenes/learning_rates.py LearningRates``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    LaggedStart,
    Line,
    Mobject,
    Rectangle,
    Text,
    Triangle,
    ValueTracker,
    VGroup,
    VMobject,
    Wait,
    config,
)
from numpy.typing import NDArray

from ..config.names import REGIMES
from ..landscape import Analysis
from ..numbers import count, tick_labels
from ..outcome import Outcome
from ..pipeline.prepare import Run
from ..trajectory import Trajectory
from . import style
from .base import Box, GdScene
from .style import Theme
from .widgets import (
    DescentTrail,
    GlyphNumber,
    LossContours,
    LossCurve,
    Panel,
    fmt,
    label,
    nice_ticks,
)

FloatArray = NDArray[np.float64]

# ------------------------------------------------------------------------------ layout
# All in scene units (the short side of the frame is 8).
COL_GAP = 0.6  # between run columns: room for the edge tick labels of both neighbours
ROW_GAP = 0.3  # between run rows (portrait)
PAIR_GAP = 0.3  # between a run's contours and its loss curve (portrait)
Y_GUTTER = 1.0  # left of a plot: tick labels and the rotated axis label
X_PAD = 0.64  # below a plot: tick labels and the axis label
AXIS_LABEL_SIZE = 20
AXIS_LABEL_GAP = 0.08  # between tick labels and the axis label
X_PAD_BARE = 0.12  # below a plot whose x labels are shared with the row underneath
PANEL_GAP = 0.12  # between a run's contour panel and its loss panel (landscape)
CONTOUR_SHARE = 1.3  # contour plot height : loss plot height (landscape)
CONTOUR_WIDTH_SHARE = 1.15  # contour plot width : loss plot width (portrait)
HEADER_SIZE = 22  # in a column at least HEADER_FULL_WIDTH wide; narrower ones scale down
HEADER_FULL_WIDTH = 3.6
HEADER_MIN_SIZE = 20  # 12 px capitals at 480p; narrower columns wrap instead
SHRINK_BEFORE_WRAP = 0.85  # a line may shrink this far to fit before it wraps
HEADER_LINE_GAP = 0.08
HEADER_PAD = 0.12  # between a run's header and its plots
TITLE_LINE_GAP = 0.12
COUNTER_GAP = 0.4  # between the title and the update counter
STRIP_GAP = 0.22  # below the learning-rate line
LABEL_GAP = 0.08  # least room between neighbouring tick labels
RIGHT_OVERHANG = 0.3  # right of the last plot: its last tick label may stick out
COVER_PAD = 0.05  # a fade-in cover's margin around what it covers

# The learning-rate line.
RATE_PAD_DECADES = 0.3  # beyond the outermost rate
RATE_MIN_DECADES = 1.2
RATE_CAPTION_GAP = 0.3
RATE_DOT_RADIUS = 0.085
RATE_LABEL_SIZE = 20
RATE_LABEL_LIFT = 0.2  # from the axis to the bottom of a rate's label
RATE_LABEL_SPACING = 0.15
RATE_TICK = 0.08
RATE_TICK_LABEL_BUFF = 0.16  # leaves room for the fastest-rate mark above the tick labels
RATE_BAND_HEIGHT = 0.26
RATE_MARK_SIZE = 0.13  # the fastest-rate triangle
LEGEND_GAP = 0.22  # between the tick labels and the legend
LEGEND_ITEM_GAP = 0.5  # between the line and a legend beside it
RATE_MIN_AXIS_SHARE = 0.4  # the legend goes beside the line only if the line keeps this much
LEGEND_SWATCH = 0.2
LEGEND_ICON_GAP = 0.12  # between a legend item's icon and its words

REGIME_LABELS = REGIMES
# A run whose loss ends this many times above its start grows: the shared axis leaves it out.
LOSS_HEADROOM = 2.0
# Outcome captions fade in over this much log(1 + update) once their update is passed.
REVEAL_SPAN = 0.06
# Frames of the timing table that maps video time to the state index.
TIMING_SAMPLES = 2049

# Their critical rate bounds the stiffest point or batch: a run above it may still settle.
STOCHASTIC = ("sgd", "minibatch")
CRITICAL_SYMBOL = {
    "gd": "2/λmax",
    "momentum": "2(1+β)/λmax",
    "nesterov": "2(1+β)/((1+2β)λmax)",
    "sgd": "the stiffest point's 2/λ",
    "minibatch": "the stiffest batch's 2/λ",
}


# ------------------------------------------------------------------------------ helpers


@lru_cache(maxsize=512)
def _typeset(words: str, theme: str, size: float, color: str | None) -> Text:
    return label(words, style.THEMES[theme], size, color)


def typeset(
    words: str, theme: Theme, size: float = style.LABEL_SIZE, color: str | None = None
) -> Text:
    """``widgets.label``, typeset once per process: repeated labels are copies.

    Typesetting a ``Text`` costs tens of milliseconds; the panels repeat the same labels.
    """
    return _typeset(words, theme.name, float(size), color).copy()


def pt(x: float, y: float) -> FloatArray:
    """A scene point."""
    return np.array([x, y, 0.0])


def strip_labels(panel: Panel, side: str) -> None:
    """Drop the tick labels and the axis label on ``side`` (``"left"`` or ``"bottom"``).

    The tick marks stay: the panel shares that axis with its neighbour, which labels it.
    """
    frame = panel.frame
    for group in (panel.ticks, panel.labels):
        for m in list(group.submobjects):
            if not isinstance(m, Text):
                continue
            if (side == "left" and m.get_right()[0] <= frame.get_left()[0]) or (
                side == "bottom" and m.get_top()[1] <= frame.get_bottom()[1]
            ):
                group.remove(m)


def thin_tick_labels(panel: Panel) -> None:
    """Drop tick labels that would touch the one before them (narrow panels, long labels)."""
    frame = panel.frame
    below = [
        m for m in panel.ticks if isinstance(m, Text) and m.get_top()[1] <= frame.get_bottom()[1]
    ]
    last = -math.inf
    for m in sorted(below, key=lambda t: t.get_x()):
        if m.get_left()[0] < last + LABEL_GAP:
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


def retick_bottom(panel: Panel, theme: Theme) -> None:
    """Give a narrow panel's bottom axis at least two labelled ticks.

    A panel chooses its tick count from its width; a narrow one can end up with a single
    label, which gives no sense of scale. The marks and labels are drawn as the panel does.
    """
    frame = panel.frame
    bottom = frame.get_bottom()[1]
    labels = [m for m in panel.ticks if isinstance(m, Text) and m.get_top()[1] <= bottom]
    if len(labels) >= 2:
        return
    lo, hi = panel.x_range
    values: list[float] = []
    for target in range(3, 8):
        values = nice_ticks(lo, hi, target)
        if len(values) >= 2:
            break
    for m in list(panel.ticks):
        vertical = isinstance(m, Line) and abs(m.get_start()[0] - m.get_end()[0]) < 1e-9
        if m in labels or vertical:
            panel.ticks.remove(m)
    tick_len = style.AXIS_LABEL_BUFF * 0.5
    for v, text in zip(values, tick_labels(values), strict=True):
        p = panel.axes.c2p(v, panel.y_range[0])
        panel.ticks.add(Line(p, p + UP * tick_len, stroke_width=style.THIN, color=theme.muted))
        t = typeset(text, theme, style.TICK_SIZE, theme.muted)
        panel.ticks.add(t.next_to(p, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6))


def shrink_axis_labels(panel: Panel, theme: Theme, size: float) -> None:
    """Set the axis labels again in ``size`` and tuck them against the tick labels.

    Small multiples repeat their axis labels in every panel; at the panels' size they should
    not outweigh the headers. A label longer than its side is shortened (``"(log scale)"``
    to ``"(log)"``, then ``"b (intercept)"`` to ``"b"``) rather than shrunk out of sight.
    """
    frame = panel.frame
    ticks = [m for m in panel.ticks if isinstance(m, Text)]
    below = [m.get_bottom()[1] for m in ticks if m.get_top()[1] <= frame.get_bottom()[1]]
    beside = [m.get_left()[0] for m in ticks if m.get_right()[0] <= frame.get_left()[0]]
    for old in list(panel.labels):
        bottom = old.get_top()[1] <= frame.get_bottom()[1]
        side = frame.width if bottom else frame.height
        text = str(getattr(old, "original_text", old.text))
        new = typeset(text, theme, size)
        for shorter in (text.replace(" scale)", ")"), text.split(" (")[0]):
            if new.width > side and shorter != text:
                new = typeset(shorter, theme, size)
        if new.width > side:
            new.scale_to_fit_width(side)
        if bottom:
            top = min(below, default=frame.get_bottom()[1]) - AXIS_LABEL_GAP
            new.move_to(pt(frame.get_x(), top), aligned_edge=UP)
        else:
            new.rotate(math.pi / 2)
            right = min(beside, default=frame.get_left()[0]) - AXIS_LABEL_GAP
            new.move_to(pt(right, frame.get_y()), aligned_edge=RIGHT)
        panel.labels.remove(old)
        panel.labels.add(new)


def place_plot(panel: Panel, area: Box) -> None:
    """Move ``panel`` so its plot frame is centred on ``area``."""
    panel.shift(np.array([area.x, area.y, 0.0]) - panel.frame.get_center())


def spread(centres: Sequence[float], widths: Sequence[float], lo: float, hi: float) -> list[float]:
    """Centres of labels on a line moved apart just enough not to touch, kept in ``[lo, hi]``.

    ``centres`` must be sorted. Labels keep their order; each moves as little as it can.
    """
    out = list(centres)
    n = len(out)
    for _ in range(2):
        for i in range(1, n):  # push right
            least = out[i - 1] + (widths[i - 1] + widths[i]) / 2 + RATE_LABEL_SPACING
            out[i] = max(out[i], least)
        if n:
            out[-1] = min(out[-1], hi - widths[-1] / 2)
        for i in range(n - 2, -1, -1):  # push left
            most = out[i + 1] - (widths[i] + widths[i + 1]) / 2 - RATE_LABEL_SPACING
            out[i] = min(out[i], most)
        if n:
            out[0] = max(out[0], lo + widths[0] / 2)
    return out


def critical_text(analysis: Analysis, optimizer: str) -> str:
    """One line on the critical rate, or on why there is none."""
    crit = analysis.lr_critical
    if crit is None:
        rule = analysis.rule.removeprefix("none:").strip()
        return f"no critical rate: {rule}"
    return " ".join(critical_parts(analysis, optimizer))


def critical_parts(analysis: Analysis, optimizer: str) -> tuple[str, str]:
    """The critical rate's legend line in two: the rate, and what happens above it."""
    crit = analysis.lr_critical
    assert crit is not None
    symbol = CRITICAL_SYMBOL.get(optimizer, "the critical rate")
    if not analysis.can_diverge:
        effect = "steps overshoot (but stay bounded)"
    elif optimizer in STOCHASTIC:
        effect = "runs can diverge (a worst-case bound)"
    else:
        effect = "runs diverge"
    return f"above {symbol} = {fmt(crit, 3)}", effect


def run_name(run: Run, short: bool = False, word: str | None = "") -> str:
    """``small · lr = 0.00181`` for a regime, ``lr = 0.02`` for a number.

    ``short`` leaves out ``lr =`` after a regime name: ``small · 0.00181``. ``word`` names
    the lane instead of its label (``fastest``), ``None`` by its rate alone.
    """
    rate = f"lr = {fmt(run.lr, 3)}"
    label = run.label if word == "" else word
    if not label or (label not in REGIME_LABELS and not word):
        return rate
    return f"{label} · {fmt(run.lr, 3)}" if short else f"{label} · {rate}"


def outcome_color(outcome: Outcome, theme: Theme) -> str:
    return {"converged": theme.optimum, "diverged": theme.warn}.get(outcome.kind, theme.ink)


def loss_frame(runs: Sequence[Run], floor: float) -> Trajectory:
    """A two-state stand-in spanning the shared loss axis.

    From the best loss up to the start, or to the highest loss a run that does not diverge
    reaches: a diverging curve leaves through the top (where a mark says so) instead of
    squashing the others flat against the floor.
    """
    highs = []
    lows = [floor]
    for r in runs:
        loss = r.trajectory.loss
        assert loss is not None
        finite = loss[np.isfinite(loss)]
        grows = r.trajectory.diverged or float(finite[-1]) > LOSS_HEADROOM * float(loss[0])
        highs.append(float(loss[0]) if grows else float(np.max(finite)))
        lows.append(float(np.min(finite)))
    lo, hi = min(lows), max(highs)
    zero = np.zeros(2)
    return Trajectory(w=zero, b=zero, loss=np.array([lo, max(hi, lo)]))


# ------------------------------------------------------------------------------ rate line


class RateLine(VGroup):
    """A log-scaled learning-rate line: each run's rate, the critical and the fastest rate.

    Rates above the critical one sit on a shaded band; a legend under the line says what the
    band and the marks are, or why there is no critical rate.
    """

    def __init__(
        self,
        runs: Sequence[Run],
        colors: Sequence[str],
        analysis: Analysis,
        optimizer: str,
        width: float,
        theme: Theme,
    ) -> None:
        super().__init__()
        crit, fastest = analysis.lr_critical, analysis.lr_fastest
        values = [r.lr for r in runs] + [v for v in (crit, fastest) if v is not None]
        lo = math.log10(min(values)) - RATE_PAD_DECADES
        hi = math.log10(max(values)) + RATE_PAD_DECADES
        if hi - lo < RATE_MIN_DECADES:
            mid = (hi + lo) / 2
            lo, hi = mid - RATE_MIN_DECADES / 2, mid + RATE_MIN_DECADES / 2
        self.decades = (lo, hi)

        caption = VGroup(
            typeset("learning rate", theme, style.TICK_SIZE, theme.muted),
            typeset("(log scale)", theme, style.TICK_SIZE, theme.muted),
        ).arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        caption.move_to(np.zeros(3), aligned_edge=LEFT)
        left = caption.get_right()[0] + RATE_CAPTION_GAP
        # The legend goes beside the line when the line keeps most of the width, each item
        # on two lines if need be; else below the line, each item on one line where it fits.
        beside = False
        for split in (False, True):
            legend = self._legend(analysis, optimizer, theme, width, split)
            side = width - legend.width - LEGEND_ITEM_GAP
            if side - left >= RATE_MIN_AXIS_SHARE * width:
                beside = True
                break
        if not beside:
            legend = self._legend(analysis, optimizer, theme, width)
        right = side if beside else width

        axis = Line(pt(left, 0), pt(right, 0), color=theme.muted, stroke_width=style.STROKE)
        self.axis = axis
        band = VGroup()
        if crit is not None:
            xc = self.x(crit)
            rect = Rectangle(width=max(right - xc, 1e-3), height=RATE_BAND_HEIGHT)
            rect.set_stroke(width=0).set_fill(theme.warn, 0.22)
            rect.move_to(pt((xc + right) / 2, 0))
            edge = Line(
                pt(xc, -RATE_BAND_HEIGHT * 0.75),
                pt(xc, RATE_BAND_HEIGHT * 0.75),
                color=theme.warn,
                stroke_width=style.STROKE * 1.3,
            )
            band.add(rect, edge)
        self.band = band

        ticks = VGroup()
        tick_labels = VGroup()
        for v in self._tick_values(lo, hi):
            x = self.x(v)
            ticks.add(
                Line(pt(x, -RATE_TICK), pt(x, RATE_TICK), color=theme.muted, stroke_width=1.5)
            )
            t = typeset(fmt(v), theme, style.TICK_SIZE, theme.muted)
            t.next_to(pt(x, -RATE_TICK), DOWN, buff=RATE_TICK_LABEL_BUFF)
            tick_labels.add(t)
        self._thin(tick_labels)
        fast_mark = VGroup()
        if fastest is not None:
            # In ink, not in the converged green: it marks a property of the bowl, not a run.
            tri = Triangle().set_fill(theme.ink, 1).set_stroke(theme.background, 1)
            tri.scale_to_fit_height(RATE_MARK_SIZE)
            tri.move_to(pt(self.x(fastest), -RATE_TICK - 0.02), aligned_edge=UP)
            fast_mark.add(tri)

        # The runs: dots on the line, their rates above, moved apart when they crowd.
        dots = VGroup()
        rate_labels = VGroup()
        order = sorted(range(len(runs)), key=lambda i: runs[i].lr)
        texts = {i: typeset(fmt(runs[i].lr, 3), theme, RATE_LABEL_SIZE, colors[i]) for i in order}
        xs = [self.x(runs[i].lr) for i in order]
        # Kept right of the caption and left of a legend beside the line.
        lowest = left - RATE_CAPTION_GAP / 2
        centres = spread(xs, [texts[i].width for i in order], lowest, right)
        self.dots: dict[int, Dot] = {}
        self.rate_labels: dict[int, VGroup] = {}
        for i, x, cx in zip(order, xs, centres, strict=True):
            dot = Dot(pt(x, 0), radius=RATE_DOT_RADIUS, color=colors[i])
            dot.set_stroke(theme.background, 1.5)
            text = texts[i]
            text.move_to(pt(cx, 0)).align_to(pt(0, RATE_LABEL_LIFT), DOWN)
            tag = VGroup(text)
            if abs(cx - x) > 0.05:
                tag.add(
                    Line(
                        text.get_bottom() + DOWN * 0.03,
                        pt(x, RATE_DOT_RADIUS + 0.02),
                        color=colors[i],
                        stroke_width=1.2,
                    )
                )
            dots.add(dot)
            rate_labels.add(tag)
            self.dots[i] = dot
            self.rate_labels[i] = tag

        if beside:
            legend.move_to(pt(width, 0), aligned_edge=RIGHT)
        else:
            legend.next_to(tick_labels if len(tick_labels) else axis, DOWN, buff=LEGEND_GAP)
            legend.align_to(pt(0, 0), LEFT)
        self.legend = legend
        self.scale_part = VGroup(caption, band, axis, ticks, tick_labels, fast_mark, legend)
        self.add(self.scale_part, dots, rate_labels)
        self.run_dots, self.run_labels = dots, rate_labels

    def x(self, lr: float) -> float:
        """Where ``lr`` sits on the line, in scene units (wherever the line has moved)."""
        lo, hi = self.decades
        x0, x1 = self.axis.get_start()[0], self.axis.get_end()[0]
        return float(x0 + (math.log10(lr) - lo) / (hi - lo) * (x1 - x0))

    @staticmethod
    def _tick_values(lo: float, hi: float) -> list[float]:
        powers = [10.0**k for k in range(math.ceil(lo), math.floor(hi) + 1)]
        if len(powers) >= 3:
            return powers
        out = []
        for k in range(math.floor(lo), math.ceil(hi) + 1):
            for m in (1.0, 2.0, 5.0):
                v = m * 10.0**k
                if lo <= math.log10(v) <= hi:
                    out.append(v)
        return out

    @staticmethod
    def _thin(labels: VGroup) -> None:
        last = -math.inf
        for m in list(labels):
            if m.get_left()[0] < last + LABEL_GAP:
                labels.remove(m)
            else:
                last = m.get_right()[0]

    def _legend(
        self, analysis: Analysis, optimizer: str, theme: Theme, width: float, split: bool = False
    ) -> VGroup:
        """What the band and the fastest-rate mark are, or why there is no critical rate.

        Each item is a rate and a remark on it (``runs diverge``, ``(fewest updates)``): on
        one line, or the remark on a second line when ``split`` or when one line is wider
        than ``width``.
        """
        items = VGroup()
        if analysis.lr_critical is not None:
            swatch = VGroup(
                Rectangle(width=LEGEND_SWATCH * 1.6, height=LEGEND_SWATCH)
                .set_stroke(width=0)
                .set_fill(theme.warn, 0.22),
            )
            swatch.add(
                Line(
                    swatch[0].get_corner(DOWN + LEFT),
                    swatch[0].get_corner(UP + LEFT),
                    color=theme.warn,
                    stroke_width=style.STROKE * 1.3,
                )
            )
            says = critical_parts(analysis, optimizer)
            items.add(self._legend_item(swatch, says, theme, width, split))
        else:
            text = critical_text(analysis, optimizer)
            items.add(fitted_lines(text, theme, theme.ink, width, style.TICK_SIZE))
        if analysis.lr_fastest is not None:
            tri = Triangle().set_fill(theme.ink, 1).set_stroke(width=0)
            tri.scale_to_fit_height(RATE_MARK_SIZE)
            rate = f"fastest rate 2/(λmax+λmin) = {fmt(analysis.lr_fastest, 3)}"
            items.add(self._legend_item(tri, (rate, "(fewest updates)"), theme, width, split))
        items.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        if items.width > width:
            items.scale_to_fit_width(width)
        return items

    @staticmethod
    def _legend_item(
        icon: VMobject, says: tuple[str, str], theme: Theme, width: float, split: bool
    ) -> VGroup:
        """An icon and its words: on one line, or the remark under the rate."""
        one = " ".join(says)
        room = width - icon.width - LEGEND_ICON_GAP
        lines = list(says) if split or typeset(one, theme, style.TICK_SIZE).width > room else [one]
        words = VGroup(*[typeset(w, theme, style.TICK_SIZE) for w in lines])
        words.arrange(DOWN, buff=HEADER_LINE_GAP, aligned_edge=LEFT)
        icon.next_to(words[0], LEFT, buff=LEGEND_ICON_GAP)  # level with the first line
        return VGroup(icon, words)


# ------------------------------------------------------------------------------ layout


@dataclass(frozen=True)
class Cell:
    """Where one run goes: its header's top-left corner, its two plot areas, shared labels."""

    header: Box
    contour: Box
    loss: Box
    y_labels: bool  # draws the tick labels of its plots' left axes
    x_labels: bool  # draws the tick labels of its plots' bottom axes


def column_width(body: Box, n: int, portrait: bool) -> float:
    """The width a run's header has: its column (landscape) or the whole body (portrait)."""
    if portrait:
        return body.w
    return (body.w - Y_GUTTER - (n - 1) * COL_GAP) / n


def row_cells(body: Box, n: int, hh: float) -> list[Cell]:
    """Runs side by side (landscape): header, contours, loss curve stacked in each column.

    ``hh`` is the height of the tallest header. Only the first column labels the shared left
    axes.
    """
    pw = column_width(body, n, portrait=False)
    plots = body.h - hh - HEADER_PAD - 2 * X_PAD - PANEL_GAP
    lh = plots / (1 + CONTOUR_SHARE)
    ch = plots - lh
    cells = []
    top = body.top
    for i in range(n):
        x = body.left + Y_GUTTER + i * (pw + COL_GAP) + pw / 2
        header = Box(x, top - hh / 2, pw, hh)
        c_top = top - hh - HEADER_PAD
        contour = Box(x, c_top - ch / 2, pw, ch)
        l_top = c_top - ch - X_PAD - PANEL_GAP
        loss = Box(x, l_top - lh / 2, pw, lh)
        cells.append(Cell(header, contour, loss, y_labels=i == 0, x_labels=True))
    return cells


def column_cells(body: Box, n: int, hh: float) -> list[Cell]:
    """Runs stacked (portrait): a header over contours and loss curve side by side.

    Only the last row labels the shared bottom axes.
    """
    plots_w = body.w - 2 * Y_GUTTER - PAIR_GAP
    lw = plots_w / (1 + CONTOUR_WIDTH_SHARE)
    cw = plots_w - lw
    ph = (body.h - n * (hh + HEADER_PAD) - (n - 1) * (X_PAD_BARE + ROW_GAP) - X_PAD) / n
    cells = []
    top = body.top
    cx = body.left + Y_GUTTER + cw / 2
    lx = body.left + 2 * Y_GUTTER + cw + PAIR_GAP + lw / 2
    for i in range(n):
        header = Box(body.x, top - hh / 2, body.w, hh)
        p_top = top - hh - HEADER_PAD
        contour = Box(cx, p_top - ph / 2, cw, ph)
        loss = Box(lx, p_top - ph / 2, lw, ph)
        last = i == n - 1
        cells.append(Cell(header, contour, loss, y_labels=True, x_labels=last))
        top = p_top - ph - X_PAD_BARE - ROW_GAP
    return cells


def header_size(width: float) -> float:
    """Header font size for a column ``width`` wide."""
    return max(HEADER_MIN_SIZE, min(HEADER_SIZE, HEADER_SIZE * width / HEADER_FULL_WIDTH))


def fitted_lines(
    text: str, theme: Theme, color: str, width: float, size: float | None = None
) -> VGroup:
    """``text`` on one line, or broken between words onto two when one line is too wide.

    A line a little too wide is scaled down instead (to :data:`SHRINK_BEFORE_WRAP` at
    most). The break is where the longer line is shortest; what still does not fit is scaled
    down. ``size`` defaults to the header size for ``width``.
    """
    size = size if size is not None else header_size(width)
    one = typeset(text, theme, size, color)
    if one.width <= width / SHRINK_BEFORE_WRAP:
        if one.width > width:
            one.scale_to_fit_width(width)
        return VGroup(one)
    words = text.split(" ")
    # Balance the two lines by their length in characters (one Text per line, not per try).
    k = min(
        range(1, len(words)),
        key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))),
        default=0,
    )
    if k == 0:
        out = VGroup(one)
    else:
        out = VGroup(
            typeset(" ".join(words[:k]), theme, size, color),
            typeset(" ".join(words[k:]), theme, size, color),
        )
    out.arrange(DOWN, buff=HEADER_LINE_GAP, aligned_edge=LEFT)
    if out.width > width:
        out.scale_to_fit_width(width)
    return out


def run_colors(outcomes: Sequence[Outcome], theme: Theme) -> list[str]:
    """One colour per run: the warning colour for runs that diverged, the others in order.

    So the colour of divergence (the band past the critical rate, the edge arrow) never
    marks a run that settled, unless there are more settling runs than other colours.
    """
    calm = [c for c in theme.run_colors if c != theme.warn]
    out: list[str] = []
    k = 0
    for o in outcomes:
        if o.kind == "diverged" or k >= len(calm):
            out.append(theme.warn)
        else:
            out.append(calm[k])
            k += 1
    return out


# ------------------------------------------------------------------------------ the scene


@dataclass
class RunView:
    """The mobjects of one run."""

    run: Run
    outcome: Outcome
    color: str
    header: VGroup
    name: VGroup
    verdict: VGroup
    contours: LossContours
    trail: DescentTrail
    loss: LossCurve
    curve: VGroup
    settle_mark: VGroup
    off_scale: VGroup
    off_scale_at: int

    @property
    def group(self) -> VGroup:
        """Everything of this run that takes room on screen."""
        return VGroup(self.header, self.contours, self.loss)


class LearningRates(GdScene):
    """The same start under several learning rates, side by side, with what each one did."""

    scene_name = "learning-rates"

    def construct(self) -> None:
        self.build()
        with self.captioned(self.caption_rates()):
            self.unveil(self.heading)
            self.introduce_rates()
            self.introduce_panels()
        with self.captioned(self.caption_descent()):
            self.descend()
        with self.captioned(self.caption_verdicts()):
            self.finale()

    # -- captions: every number comes from the runs and the analysis
    def caption_rates(self) -> str:
        runs = self.inputs.runs
        w0, b0 = self.inputs.trajectory.w[0], self.inputs.trajectory.b[0]
        rates = [fmt(r.lr, 3) for r in runs]
        listed = ", ".join(rates[:-1]) + " and " + rates[-1]
        count = {2: "Two", 3: "Three", 4: "Four"}.get(len(runs), str(len(runs)))
        text = f"{count} learning rates from the same start (w, b) = ({fmt(w0)}, {fmt(b0)}): "
        text += f"{listed}."
        crit = self.inputs.analysis.lr_critical
        if crit is not None and self.inputs.analysis.can_diverge:
            text += f" Above the critical rate {fmt(crit, 3)} a run diverges."
        return text

    def caption_descent(self) -> str:
        n = self.longest_updates()
        return f"All runs share one clock, up to {count(n)} updates; each stops at its own end."

    def caption_verdicts(self) -> str:
        parts = [
            f"lr {fmt(r.lr, 3)}: {o.text}"
            for r, o in zip(self.inputs.runs, self.outcomes, strict=True)
        ]
        return ". ".join(parts) + "."

    # -- building (no animation): everything is placed before the first frame
    def build(self) -> None:
        inputs = self.inputs
        runs = inputs.runs
        self.outcomes = [r.outcome for r in runs]
        colors = run_colors(self.outcomes, self.theme)
        self.tracker = ValueTracker(0.0)
        self.longest = max(runs, key=lambda r: r.trajectory.n_updates).trajectory
        self.heading, below = self.title_and_counter()
        f = self.frame
        self.rates = RateLine(
            runs, colors, inputs.analysis, inputs.config.optimizer, f.w, self.theme
        )
        self.rates.move_to(pt(f.left, below), aligned_edge=UP + LEFT)
        strip_bottom = self.rates.get_bottom()[1] - STRIP_GAP
        bottom = -config.frame_height / 2 + style.MARGIN
        body = Box(
            f.x - RIGHT_OVERHANG / 2, (strip_bottom + bottom) / 2,
            f.w - RIGHT_OVERHANG, strip_bottom - bottom,
        )  # fmt: skip
        # Strictly taller than wide: the lanes stack (a square frame keeps them side by side).
        tall = config.frame_height > config.frame_width
        width = column_width(body, len(runs), tall)
        headers = [
            self.header(r, o, c, width, word)
            for r, o, c, word in zip(runs, self.outcomes, colors, self.lane_words(), strict=True)
        ]
        hh = max(h.height for h in headers)
        cells = (column_cells if tall else row_cells)(body, len(runs), hh)
        frame_traj = loss_frame(runs, inputs.analysis.optimum_loss)
        self.views = [
            self.run_view(run, outcome, color, cell, header, frame_traj)
            for run, outcome, color, cell, header in zip(
                runs, self.outcomes, colors, cells, headers, strict=True
            )
        ]

    def header(
        self, run: Run, outcome: Outcome, color: str, width: float, word: str | None = ""
    ) -> VGroup:
        """The run's name over what it did (the verdict, one or two lines)."""
        size = header_size(width)
        name = VGroup(typeset(run_name(run, word=word), self.theme, size, color))
        if name.width > width:
            name = VGroup(typeset(run_name(run, short=True, word=word), self.theme, size, color))
        if name.width > width:
            name.scale_to_fit_width(width)
        verdict = fitted_lines(outcome.text, self.theme, outcome_color(outcome, self.theme), width)
        verdict.next_to(name, DOWN, buff=HEADER_LINE_GAP).align_to(name, LEFT)
        return VGroup(name, verdict)

    def title_and_counter(self) -> tuple[VGroup, float]:
        """Title, subtitle and the shared update counter; returns the titles and the y below.

        The counter sits at the right of the title, or of the first subtitle line when the
        title leaves no room; the subtitle wraps between its parts when the frame is narrow.
        """
        inputs = self.inputs
        f = self.frame
        t = self.theme
        size = style.TITLE_SIZE * (0.85 if self.portrait else 1.0)
        title = typeset(self.title_text(), t, size)
        if title.width > f.w:
            title.scale_to_fit_width(f.w)
        top = config.frame_height / 2 - style.MARGIN
        title.move_to(pt(f.left, top), aligned_edge=UP + LEFT)

        n = self.longest_updates()
        tag = typeset("update", t, style.READOUT_SIZE, t.muted)
        number = GlyphNumber(0, lambda v: count(round(v)), style.READOUT_SIZE, t.ink)
        number.place(np.array([tag.get_right()[0] + 0.15, tag.get_bottom()[1], 0.0]))
        counter = VGroup(tag, number)
        counter_w = tag.width + 0.15 + typeset(count(n), t, style.READOUT_SIZE).width

        cfg = inputs.config
        w0, b0 = cfg.init or (0.0, 0.0)
        ds = inputs.dataset
        parts = [ds.caption, cfg.loss or "", self.optimizer_label()]
        if cfg.l2:
            parts.append(f"L2 = {fmt(cfg.l2)}")
        parts += [f"start (w, b) = ({fmt(w0)}, {fmt(b0)})", f"{count(n)} updates"]
        std_note = self.standardized_note()
        if std_note:
            parts.append(std_note)
        on_title = title.width + COUNTER_GAP + counter_w <= f.w
        first_room = f.w if on_title else f.w - counter_w - COUNTER_GAP
        lines = self.wrap([p for p in parts if p], [first_room, f.w])
        subtitle = VGroup(*lines).arrange(DOWN, buff=TITLE_LINE_GAP * 0.7, aligned_edge=LEFT)
        subtitle.next_to(title, DOWN, buff=TITLE_LINE_GAP).align_to(title, LEFT)
        beside = title if on_title else lines[0]
        counter.shift(
            np.array(
                [
                    f.left + f.w - counter_w - tag.get_left()[0],
                    beside.get_bottom()[1] - tag.get_bottom()[1],
                    0.0,
                ]
            )
        )

        tracker = self.tracker

        def follow(_: Mobject) -> None:
            number.set_value(min(tracker.get_value(), float(n)))

        number.add_updater(follow)
        self.counter = counter
        heading = VGroup(title, subtitle)
        return heading, min(subtitle.get_bottom()[1], counter.get_bottom()[1]) - style.TITLE_GAP

    def wrap(self, parts: list[str], widths: list[float]) -> list[Text]:
        """Subtitle lines: ``parts`` joined by dots, a line break where the next one won't fit.

        ``widths`` gives each line's room (the last entry for any further line).
        """
        t = self.theme
        size = style.LABEL_SIZE * 0.85

        def line(words: list[str]) -> Text:
            return typeset("  ·  ".join(words), t, size, t.muted)

        out: list[Text] = []
        current: list[str] = []
        for p in parts:
            room = widths[min(len(out), len(widths) - 1)]
            if current and line([*current, p]).width > room:
                out.append(line(current))
                current = []
            current.append(p)
        out.append(line(current))
        for i, m in enumerate(out):
            room = widths[min(i, len(widths) - 1)]
            if m.width > room:
                m.scale_to_fit_width(room)
        return out

    def regimes_hold(self) -> bool:
        """Whether the runs did what small, right and large promise."""
        runs, out = self.inputs.runs, self.outcomes
        if tuple(r.label for r in runs) != REGIMES:
            return False
        small, right, large = out
        slower = small.kind != "converged" or small.update > right.update
        return slower and right.kind == "converged" and large.kind in ("diverged", "oscillating")

    def lane_words(self) -> list[str | None]:
        """Each lane's name: its regime where the regimes hold, else what it did."""
        runs, out = self.inputs.runs, self.outcomes
        if self.regimes_hold() or all(r.label not in REGIME_LABELS for r in runs):
            return [r.label if r.label in REGIME_LABELS else None for r in runs]
        converged = [i for i, o in enumerate(out) if o.kind == "converged"]
        fastest = min(converged, key=lambda i: out[i].update) if len(converged) >= 2 else None
        words: list[str | None] = []
        for i, o in enumerate(out):
            if i == fastest:
                words.append("fastest")
            elif o.kind == "diverged":
                words.append("too large")
            elif o.kind == "slow" and any(out[j].kind == "converged" for j in range(len(out))):
                words.append("too small")
            else:
                words.append(None)
        return words

    def title_text(self) -> str:
        runs = self.inputs.runs
        if self.regimes_hold():
            return "Learning rate: too small, just right, too large"
        if len(runs) == 1:
            return "One learning rate"
        words = {2: "Two", 3: "Three", 4: "Four"}.get(len(runs), str(len(runs)))
        return f"{words} learning rates, one start"

    def longest_updates(self) -> int:
        return max(r.trajectory.n_updates for r in self.inputs.runs)

    def run_view(
        self,
        run: Run,
        outcome: Outcome,
        color: str,
        cell: Cell,
        header: VGroup,
        frame_traj: Trajectory,
    ) -> RunView:
        t = self.theme
        inputs = self.inputs
        traj = run.trajectory
        header.move_to(pt(cell.header.left, cell.header.top), aligned_edge=UP + LEFT)
        name, verdict = header.submobjects
        assert isinstance(name, VGroup) and isinstance(verdict, VGroup)

        contours = LossContours(
            inputs.landscape, cell.contour.w, cell.contour.h, t,
            b_label="b (intercept)" if cell.y_labels else "",
        )  # fmt: skip
        loss = LossCurve([frame_traj], cell.loss.w, cell.loss.h, t, epochs=self.longest_updates())
        for panel, area in ((contours, cell.contour), (loss, cell.loss)):
            if not cell.y_labels:
                strip_labels(panel, "left")
            if not cell.x_labels:
                strip_labels(panel, "bottom")
            else:
                retick_bottom(panel, t)
            thin_tick_labels(panel)
            shrink_axis_labels(panel, t, AXIS_LABEL_SIZE)
            place_plot(panel, area)

        trail = DescentTrail(contours, traj, self.tracker, t, color)
        # Out of sight until used, and inside its panel so it never widens the layout.
        trail.exit_arrow.move_to(contours.frame.get_center())
        curve = loss.curve(traj, self.tracker, color)
        settle_mark = VGroup()
        if outcome.kind == "converged" and outcome.update > 0:
            # A dashed line across the loss panel at the update the run settled.
            x = float(loss.coords(traj)[0][outcome.update])
            settle_mark.add(
                DashedLine(
                    loss.axes.c2p(x, loss.y_range[0]),
                    loss.axes.c2p(x, loss.y_range[1]),
                    color=t.optimum,
                    stroke_width=style.THIN * 1.5,
                    dash_length=0.08,
                )
            )
        off_scale, off_at = self.off_scale_mark(loss, traj, color)
        return RunView(
            run, outcome, color, header, name, verdict, contours, trail, loss, curve,
            settle_mark, off_scale, off_at,
        )  # fmt: skip

    def off_scale_mark(self, loss: LossCurve, traj: Trajectory, color: str) -> tuple[VGroup, int]:
        """An arrowhead where the run's loss curve leaves the top of the shared axis."""
        xs, ys = loss.coords(traj)
        top = loss.y_range[1]
        above = np.flatnonzero(~(ys <= top))
        if above.size == 0:
            return VGroup(), -1
        k = int(above[0])
        x = float(xs[k])
        tip = loss.axes.c2p(x, top)
        # Inside the panel, pointing up through its top edge where the curve leaves.
        mark = Triangle().set_fill(color, 1).set_stroke(self.theme.background, 1)
        mark.scale_to_fit_height(RATE_MARK_SIZE * 1.2)
        mark.move_to(tip + DOWN * (mark.height / 2 + 0.03))
        text = typeset("off the scale", self.theme, style.TICK_SIZE, color)
        text.next_to(mark, RIGHT, buff=0.06).align_to(mark, UP)
        if text.get_right()[0] > loss.frame.get_right()[0]:
            text.next_to(mark, LEFT, buff=0.06).align_to(mark, UP)
        return VGroup(mark, text), k

    # -- beats
    def introduce_rates(self) -> None:
        """The learning-rate line first: where the rates sit against the critical one."""
        rates = self.rates
        self.unveil(rates.scale_part)
        pairs = [VGroup(rates.dots[i], rates.rate_labels[i]) for i in range(len(self.views))]
        self.play(
            LaggedStart(*[FadeIn(p, shift=DOWN * 0.15) for p in pairs], lag_ratio=0.35),
            run_time=style.INTRO_TIME,
        )

    def introduce_panels(self) -> None:
        """The panels, each run's name, and the common start."""
        self.unveil(VGroup(*[VGroup(v.contours, v.loss, v.name) for v in self.views]))
        self.play(
            *[FadeIn(v.trail.start, scale=1.6) for v in self.views],
            FadeIn(self.counter),
            run_time=style.INTRO_TIME * 0.6,
        )

    def unveil(self, mob: VMobject) -> None:
        """Fade ``mob`` in by fading out a background-coloured cover laid over it.

        ``mob`` is static from its first frame (painted once per play); only the cover is
        redrawn, where fading ``mob`` itself in would redraw every contour line each frame.
        """
        cover = Rectangle(width=mob.width + 2 * COVER_PAD, height=mob.height + 2 * COVER_PAD)
        cover.set_stroke(width=0).set_fill(self.theme.background, 1).move_to(mob)
        self.add(mob, cover)
        self.play(FadeOut(cover), run_time=style.INTRO_TIME)

    def descend(self) -> None:
        """All runs together on one clock; each stops at its own end."""
        tracker = self.tracker
        for v in self.views:
            for m in (v.verdict, v.settle_mark, v.off_scale):
                m.set_opacity(0)
            if v.outcome.kind in ("converged", "diverged") and v.outcome.update > 0:
                self.reveal_at(v.verdict, v.outcome.update)
                self.reveal_at(v.settle_mark, v.outcome.update)
            if v.off_scale_at >= 0:
                self.reveal_at(v.off_scale, v.off_scale_at)
            self.add(v.verdict, v.settle_mark, v.off_scale, v.curve, v.trail)
        self.add(self.counter)
        n = self.longest_updates()
        if n == 0:
            return
        # Logarithmic time: each decade of updates gets the same share of the video, so the
        # first big steps (and an early divergence) are seen, and 20,000 updates cost what
        # 100 do.
        positions = self.longest.frame_positions(TIMING_SAMPLES, skew=1.0)
        times = np.linspace(0.0, 1.0, positions.size)

        def timing(t: float) -> float:
            return float(np.interp(t, times, positions)) / n

        self.play(
            tracker.animate.set_value(float(n)),
            rate_func=timing,
            run_time=self.inputs.spec.duration,
        )

    def reveal_at(self, mob: VMobject, update: int) -> None:
        """Fade ``mob`` in once the shared clock passes ``update``."""
        tracker = self.tracker
        start = math.log1p(update)

        def follow(m: Mobject) -> None:
            a = (math.log1p(max(tracker.get_value(), 0.0)) - start) / REVEAL_SPAN
            m.set_opacity(min(max(a, 0.0), 1.0))

        mob.add_updater(follow)

    def finale(self) -> None:
        """The remaining verdicts, a flash where a run settled, and a hold."""
        for v in self.views:
            v.trail.clear_updaters_all()
            v.trail.exit_arrow.clear_updaters()
            for m in (*v.curve, v.verdict, v.settle_mark, v.off_scale):
                m.clear_updaters()
            v.off_scale.set_opacity(1 if v.off_scale_at >= 0 else 0)
        self.counter[1].clear_updaters()
        late = []
        reached = math.log1p(self.longest_updates())
        for v in self.views:
            shown = v.outcome.kind in ("converged", "diverged") and v.outcome.update > 0
            if not shown or reached - math.log1p(v.outcome.update) < REVEAL_SPAN:
                v.verdict.set_opacity(1)
                v.settle_mark.set_opacity(1)
                late.append(FadeIn(VGroup(v.verdict, v.settle_mark)))
        flashes = [
            Flash(v.contours.optimum[0], color=self.theme.optimum)
            for v in self.views
            if v.outcome.kind == "converged" and len(v.contours.optimum)
        ]
        if late or flashes:
            self.play(*late, *flashes, run_time=0.8)
        self.play(Wait(style.HOLD_TIME))

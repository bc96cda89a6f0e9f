"""The learning-rate line: the rates on a log axis, the critical rate's band, the fastest
rate's mark and a legend that wraps."""

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
    Line,
    Rectangle,
    Triangle,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from ..landscape import Analysis
from ..optimizers import OPTIMIZERS
from ..pipeline.prepare import Run
from . import style
from .grid import HEADER_LINE_GAP, RATE_MARK_SIZE, fitted_lines, pt, spread, typeset
from .style import Theme
from .widgets import (
    fmt,
)

FloatArray = NDArray[np.float64]


# The learning-rate line.
# Sizes are in scene units (the short side of the frame is 8).
RATE_PAD_DECADES = 0.3  # beyond the outermost rate
RATE_MIN_DECADES = 1.2
RATE_CAPTION_GAP = 0.3
RATE_DOT_RADIUS = 0.085
RATE_LABEL_SIZE = 20
RATE_LABEL_LIFT = 0.2  # from the axis to the bottom of a rate's label
RATE_TICK = 0.08
RATE_TICK_LABEL_BUFF = 0.16  # leaves room for the fastest-rate mark above the tick labels
RATE_BAND_HEIGHT = 0.26
RATE_EDGE_REACH = 0.6  # of the band's height, the critical rate's edge above and below the axis
RATE_NUMBER_GAP = 0.16  # between tick labels side by side: ~10 px at 480p
LEGEND_GAP = 0.22  # between the tick labels and the legend
LEGEND_ITEM_GAP = 0.5  # between the line and a legend beside it
RATE_MIN_AXIS_SHARE = 0.4  # the legend goes beside the line only if the line keeps this much
LEGEND_SWATCH = 0.2
LEGEND_ICON_GAP = 0.12  # between a legend item's icon and its words


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
    method = OPTIMIZERS[optimizer]
    symbol = method.rule_screen
    if not analysis.can_diverge:
        effect = "steps overshoot (but stay bounded)"
    elif method.batch != "full":
        # The critical rate bounds the stiffest point or batch: a run above it may settle.
        effect = "runs can diverge (a worst-case bound)"
    else:
        effect = "runs diverge"
    return f"above {symbol} = {fmt(crit, 3)}", effect


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
            # Short of the rates' labels above the axis, which may stand across it.
            edge = Line(
                pt(xc, -RATE_BAND_HEIGHT * RATE_EDGE_REACH),
                pt(xc, RATE_BAND_HEIGHT * RATE_EDGE_REACH),
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
        """Drop tick labels closer to the one before them than a word space and more."""
        last = -math.inf
        for m in list(labels):
            if m.get_left()[0] < last + RATE_NUMBER_GAP:
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
            # Where rate and remark do not fit on a line, one shorter line says both.
            short = f"fewest updates at rate 2/(λmax+λmin) = {fmt(analysis.lr_fastest, 3)}"
            says = (rate, "(fewest updates)")
            items.add(self._legend_item(tri, says, theme, width, split, short))
        items.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        if items.width > width:
            items.scale_to_fit_width(width)
        return items

    @staticmethod
    def _legend_item(
        icon: VMobject,
        says: tuple[str, str],
        theme: Theme,
        width: float,
        split: bool,
        short: str = "",
    ) -> VGroup:
        """An icon and its words: on one line, or in ``short`` words where they fit on one,
        or the remark under the rate."""
        one = " ".join(says)
        room = width - icon.width - LEGEND_ICON_GAP
        lines = [one]
        if split or typeset(one, theme, style.TICK_SIZE).width > room:
            fits = short and not split and typeset(short, theme, style.TICK_SIZE).width <= room
            lines = [short] if fits else list(says)
        words = VGroup(*[typeset(w, theme, style.TICK_SIZE) for w in lines])
        words.arrange(DOWN, buff=HEADER_LINE_GAP, aligned_edge=LEFT)
        icon.next_to(words[0], LEFT, buff=LEGEND_ICON_GAP)  # level with the first line
        return VGroup(icon, words)

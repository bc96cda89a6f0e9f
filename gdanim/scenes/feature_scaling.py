"""feature-scaling: two features, raw beside standardised; the long valley and the round bowl.

Both runs descend the same data, centred (so the best intercept is the mean of ``y`` and the
loss is a bowl over ``(w1, w2)``): on the left in the features' own units, on the right with
each feature divided by its standard deviation. Each side shows its contours and path, its
condition number and critical rate; beside them (a wide frame and a valley up the map) or
below, the two loss curves and the predictions against the actual values. Every number on
screen and in the captions comes from the runs
(:func:`gdanim.pipeline.prepare.prepare_scaling`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    FadeIn,
    FadeOut,
    Flash,
    Line,
    Mobject,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    Wait,
    config,
    smooth,
)
from numpy.typing import NDArray

from ..landscape import Landscape
from ..landscape.framing import View, contour_levels
from ..landscape.plane import framed_part, weight_landscape
from ..numbers import count
from ..outcome import Outcome
from ..pipeline.prepare import Run, ScalingSide
from ..trajectory import Trajectory
from . import style
from .base import Box, GdScene, P, wide_frame
from .clock import eased_descent
from .runs import run_colors
from .style import Theme
from .widgets import DescentTrail, LossContours, LossCurve, Panel, fmt, label
from .widgets.contours import scale_ratio
from .widgets.data import core_range
from .widgets.panels import (
    LEAST_TICK_LABELS,
    labelled_across,
    labelled_range,
    x_tick_labels,
    y_tick_labels,
)
from .widgets.text import nice_ticks

FloatArray = NDArray[np.float64]

_POINT = Circle(radius=style.DATA_DOT_RADIUS)
#: A valley this many times longer than wide is drawn to scale as a needle.
NEEDLE = 30.0
#: Points drawn in the predicted-against-actual panel, at most.
MAX_PREDICTED = 120
#: The first updates played one at a time (both sides together), before the eased clock:
#: enough for the raw steps to cross the valley and back a few times.
FIRST_STEPS = 5
#: Frames this much wider than tall (4:3) give an upright valley the column layout too, its
#: maps taking this many times the width of the column of curves beside them.
COLUMN_FROM, MAPS_BESIDE = 1.3, 2.2
#: A header's condition number that would be set smaller than this share of the tick size
#: goes on a line of its own.
HEADER_LEAST = 0.99  # 12 px at 480p, the least a header is read at
#: The least share of its size an axis name of the predictions is set at, else it says
#: "actual" alone.
NAME_LEAST = 0.9
#: Seconds one of those updates takes.
STEP_TIME = 1.2
#: A plot area shorter than this grows into the room its axis names leave below it.
SHORT_PLOT = 1.2
BELOW_MARGIN = 0.08  # kept between a grown panel's axis name and what is under it
#: Contour levels of a map (weight_landscape's own count).
CONTOUR_LEVELS = 12
#: The most a map's view may grow, either way, to carry three tick labels on each axis.
MOST_GROWN = 1.6
#: The least room between two ticks one above the other that a label's height may fit.
TICK_ROOM = 0.2


def _short(name: str) -> str:
    """A feature's name without its unit: ``Size (sq ft)`` -> ``Size``."""
    bare = name.split(" (")[0].strip()
    return bare or name


def rounder_ranges(lo: float, hi: float) -> Iterator[tuple[float, float]]:
    """``[lo, hi]`` reaching out to the next round tick on one side or both, the least
    widened first: where a short axis keeps only two labels of a round step, its range out
    to a third."""
    steps = {round(b - a, 12) for t in (2, 3, 4, 5) for a, b in [nice_ticks(lo, hi, t)[:2]]}
    out = set()
    for step in (s for s in steps if s > 0):
        down = math.floor(lo / step + 1e-9) * step
        up = math.ceil(hi / step - 1e-9) * step
        out |= {(lo, up), (down, hi), (down, up)}
    yield from sorted(out - {(lo, hi)}, key=lambda r: r[1] - r[0])


def slid_windows(view: View, inside: View, height: float) -> Iterator[float]:
    """Shifts of a to-scale map's window along b (its height, its length on screen fixed)
    that keep ``inside`` in it and bring three ticks of a round step into it, the least
    first: a needle leaves room above and below, and where the window sits in it decides
    whether its axis reads ``0`` and ``-1.0`` or ``-1 0 1``."""
    lo, hi = view.b_min, view.b_max
    length = hi - lo
    free = (inside.b_max - hi, inside.b_min - lo)  # the shifts that keep ``inside`` in view
    shifts = set()
    for t in (2, 3, 4, 5):
        ticks = nice_ticks(lo, hi, t)
        if len(ticks) < 2:
            continue
        step = ticks[1] - ticks[0]
        # Three ticks in the window, and room between them for a label (0.21 tall).
        if 2 * step > length or step * height / length < TICK_ROOM:
            continue
        for m in range(math.floor(lo / step) - 1, math.ceil(hi / step) + 1):
            a = max(free[0], (m + 2) * step - hi)
            b = min(free[1], m * step - lo)
            if a <= b:
                shifts.add(min(max(0.0, a), b))
    yield from sorted(shifts - {0.0}, key=abs)


class PredictedPanel(Panel):
    """Predicted against actual ``y``, the diagonal where they agree, one colour per run."""

    def __init__(
        self,
        y: FloatArray,
        width: float,
        height: float,
        theme: Theme,
        y_label: str,
        span: tuple[float, float] | None = None,
    ) -> None:
        lo, hi = span if span is not None else self.span(y)
        x_label = f"actual {y_label}".rstrip()
        super().__init__((lo, hi), (lo, hi), width, height, theme, x_label, "ŷ (fit)")
        a, b = self.axes.c2p(lo, lo), self.axes.c2p(hi, hi)
        self.diagonal = Line(a, b, stroke_width=style.THIN, color=theme.muted)
        self.add(self.diagonal)
        self.y = y

    @staticmethod
    def span(y: FloatArray) -> tuple[float, float]:
        """Both axes' range: the values' core, padded."""
        lo, hi = core_range(y)
        pad = 0.08 * (hi - lo or 1.0)
        return lo - pad, hi + pad

    def clipped(self, actual: FloatArray, predicted: FloatArray) -> FloatArray:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return self.to_scene(np.clip(actual, x0, x1), np.clip(predicted, y0, y1))


#: A run whose weights have come this share of the way along the valley's floor has arrived.
ARRIVED = 0.99


class FeatureScaling(GdScene):
    """Raw and standardised side by side: contours and paths, loss curves, predictions."""

    scene_name = "feature-scaling"
    wrap_condition = False  # the headers' condition number on a line of its own

    def construct(self) -> None:
        inputs = self.inputs
        sc = inputs.scaling
        assert sc is not None
        ds = inputs.dataset
        raw_run, std_run = inputs.runs
        self.colors = run_colors([self.outcome(raw_run), self.outcome(std_run)], self.theme)
        f1, f2 = (_short(v) for v in ds.features)
        y = _short(ds.y_label)
        title, body = self.title_block(
            [
                f"Feature scaling: {f1} and {f2} against {y}",
                f"Feature scaling: two features against {y}",
                "Feature scaling",
            ],
            self.subtitle(),
        )
        body, self.verdict_box = self.verdict_strip(body)
        raw_box, std_box, curve_box, data_box = self.layout(body)
        tracker = ValueTracker(0.0)

        panels: list[LossContours] = []
        trails = []
        heads = VGroup()
        size = self.header_size([(sc.raw, raw_box), (sc.scaled, std_box)])
        for side, run, box, color in zip(
            (sc.raw, sc.scaled), (raw_run, std_run), (raw_box, std_box), self.colors, strict=True
        ):
            head, plot_box = self.header(side, box, color, size=size)
            if not side.standardized and not self.tag_room:
                # No line to spare above the map: its stretch goes in the header's name.
                note = f"stretched ×{fmt(self.stretch(side, plot_box), 2)}"
                head, plot_box = self.header(side, box, color, note, size)
            heads.add(head)
            path = Trajectory(
                w=side.path[:, 0],
                b=side.path[:, 1],
                loss=run.trajectory.loss,
                diverged_at=run.trajectory.diverged_at,
            )
            if side.standardized:
                boxes = [(plot_box, True)]
            elif not self.needle_room:
                # 4:3 and 1:1: two maps across, the raw one stretched where the steps show
                # (its true shape, a needle, is said in its header and the captions).
                boxes = [(plot_box, False)]
            else:
                # The valley to scale, a needle; beside it the same stretched across, where
                # the steps show.
                true_box, zoom_box = plot_box.split_h(1.05, 1.0, gap=style.GAP * 1.2)
                boxes = [(true_box, True), (zoom_box, False)]
            for sub, to_scale in boxes:
                tag = None
                if not side.standardized and self.tag_room:
                    tag, sub = self.tagged(sub, to_scale, side)
                    heads.add(tag)
                panel = self.contour_panel(side, sub, to_scale)
                if not side.standardized and not to_scale:
                    # The stretch said is the drawn map's (its plot grows and narrows to
                    # fit its labels after the words were set).
                    drawn = self.drawn_stretch(panel)
                    if tag is not None:
                        new = self.stretch_tag(drawn, tag, sub.w)
                        heads.remove(tag)
                        heads.add(new)
                    else:
                        new_head, _ = self.header(
                            side, box, color, f"stretched ×{fmt(drawn, 2)}", size
                        )
                        new_head.move_to(head, aligned_edge=UP + LEFT)
                        heads.remove(head)
                        heads.add(new_head)
                        head = new_head
                trails.append(DescentTrail(panel, path, tracker, self.theme, color))
                panels.append(panel)
        self.contour_panels = panels
        # The verdict goes where the steps show: the stretched raw panel, the standardised one.
        verdict_panels = panels[-2:]

        trajs = [raw_run.trajectory, std_run.trajectory]
        gaps = self.gaps(trajs, sc.raw.analysis.optimum_loss)
        curve = self.place_panel(curve_box, lambda w, h: self.loss_curve(gaps, w, h))
        curves = VGroup(
            *(curve.curve(t, tracker, c) for t, c in zip(gaps, self.colors, strict=True))
        )
        data, points = self.predicted(data_box, trajs, tracker)

        static = VGroup(title, heads, *panels, curve, data, *(t.start for t in trails))
        static.suspend_updating()
        moving = VGroup(*(t.moving for t in trails), curves, points)
        self.add(static)
        with self.captioned(self.caption_start()):
            self.play(FadeOut(self.curtain()), run_time=style.INTRO_TIME)
            self.play(FadeIn(moving), run_time=style.INTRO_TIME * 0.6)
        with self.captioned(self.caption_bowls()):
            self.play(Wait(style.HOLD_TIME))

        n = max(t.n_updates for t in trajs)
        k = min(FIRST_STEPS, n)
        if k > 0:
            # The first hops one at a time: across the valley and back on the raw side, a
            # straight step on the standardised one.
            with self.captioned(self.caption_first_steps(k)):
                for i in range(k):
                    self.play(
                        tracker.animate.set_value(float(i + 1)),
                        rate_func=smooth,
                        run_time=STEP_TIME,
                    )
        if n > k:
            eased_descent(self, tracker, k, n, self.caption_descent())
        moving.suspend_updating()
        with self.captioned(self.caption_verdict()):
            self.finale(verdict_panels, curve, gaps)
        with self.captioned(self.caption_end()):
            self.play(Wait(style.HOLD_TIME))

    # -- words: every number from the runs
    def subtitle(self) -> str:
        inputs = self.inputs
        sc = inputs.scaling
        assert sc is not None
        ds = inputs.dataset
        rate = self.rate_words()
        first = f"{ds.caption}  ·  {inputs.loss_name}  ·  {self.optimizer_label()}"
        if not self.wide:
            return f"{first}  ·  features centred\n{rate}"
        centred = f"features centred (the best b: the mean {_short(ds.y_label).lower()})"
        return f"{first}  ·  {rate}\n{centred}; right: each also divided by its sd"

    def caption_start(self) -> str:
        ds = self.inputs.dataset
        f1, f2 = (_short(v).lower() for v in ds.features)
        return (
            f"Two features now: {f1} and {f2}. The model is "
            f"{_short(ds.y_label).lower()} = w1 × {f1} + w2 × {f2} + b, and gradient "
            "descent steps w1, w2 and b together. With centred features, the best b is the "
            "mean, so the loss is a bowl over (w1, w2)."
            + "".join(
                f" The {run.label.split(' ')[0]} run is the one recorded in {self.recorded_name}: "
                "its b moved as well, and its (w1, w2) are drawn over the loss at the best b."
                for run in self.inputs.runs
                if run.label.endswith("(recorded)")
            )
        )

    @property
    def recorded_name(self) -> str:
        import os

        return os.path.basename(self.inputs.spec.trajectory_path or "the file")

    def caption_bowls(self) -> str:
        sc = self.inputs.scaling
        assert sc is not None
        f1, f2 = (_short(v).lower() for v in self.inputs.dataset.features)
        raw, std = sc.raw.analysis, sc.scaled.analysis
        big = 0 if sc.x_std[0] >= sc.x_std[1] else 1
        names = (f1, f2)
        return (
            f"In raw units the valley is {fmt(raw.valley_ratio, 3)} times longer than it is "
            f"wide (condition number {fmt(raw.condition_number, 3)}): {names[big]} varies by "
            f"{fmt(sc.x_std[big], 3)}, {names[1 - big]} by {fmt(sc.x_std[1 - big], 3)}, so "
            f"the loss is far steeper along w{big + 1}. Standardised, every feature varies "
            f"by 1: the bowl is {fmt(std.valley_ratio, 3)} times longer than wide."
        )

    def rate_words(self) -> str:
        """``rate: 0.9 of critical raw, 0.5 standardised``."""
        sc = self.inputs.scaling
        assert sc is not None
        a, b = sc.raw.fraction, sc.scaled.fraction
        if a is None or b is None:
            return f"each at its '{sc.rate}' rate"
        if fmt(a, 2) == fmt(b, 2):
            return f"each at {fmt(a, 2)} of its critical rate"
        return f"rate: {fmt(a, 2)} of critical raw, {fmt(b, 2)} standardised"

    @staticmethod
    def share(x: float) -> str:
        """A share of the way as a percentage: ``0.23%``, ``99.9%``."""
        pct = 100.0 * min(max(x, 0.0), 1.0)
        return f"{fmt(pct, 2 if pct < 10 else 3)}%"

    def caption_first_steps(self, k: int) -> str:
        sc = self.inputs.scaling
        assert sc is not None
        raw_run, std_run = self.inputs.runs
        raw = sc.raw.walk
        assert raw is not None
        head = f"The first {count(k)} updates, one at a time. "
        if raw_run.trajectory.diverged:
            return head + "In raw units each step overshoots further than the last."
        if raw.crossings:
            rw = (
                "In raw units the steps bounce across the narrow valley, from one steep wall "
                "to the other, each hop shorter than the last. "
            )
        elif raw.across >= 0.9:
            rw = "In raw units the first step drops onto the narrow valley's floor. "
        else:
            rw = "In raw units the steps creep down the steep wall toward the valley's floor. "
        if std_run.trajectory.diverged:
            return head + rw
        if self.outcome(std_run).kind == "converged" and self.outcome(std_run).update <= 2 * k:
            return (
                head
                + rw
                + (
                    "Standardised, the bowl is wide: a step or two reach its floor, a few more "
                    "its middle."
                )
            )
        return head + rw + "Standardised, the bowl is wide: no wall to bounce between."

    def caption_descent(self) -> str:
        sc = self.inputs.scaling
        assert sc is not None
        raw_run, std_run = self.inputs.runs
        raw, std = sc.raw.analysis, sc.scaled.analysis
        if raw.lr_critical and std.lr_critical:
            rates = (
                f"Raw steps take a rate of {fmt(raw_run.lr, 3)} (critical "
                f"{fmt(raw.lr_critical, 3)}), standardised ones {fmt(std_run.lr, 3)} "
                f"(critical {fmt(std.lr_critical, 3)})."
            )
        else:
            rates = (
                f"Each side at its '{sc.rate}' rate: {fmt(raw_run.lr, 3)} raw, "
                f"{fmt(std_run.lr, 3)} standardised."
            )
        if raw_run.trajectory.diverged or std_run.trajectory.diverged:
            return f"{rates} Above a critical rate the steps grow instead of shrinking."
        walk, walk_std = sc.raw.walk, sc.scaled.walk
        assert walk is not None and walk_std is not None
        n = count(raw_run.trajectory.n_updates)
        done_raw, done_std = self.outcome(raw_run), self.outcome(std_run)
        if done_raw.kind == "converged":
            # A valley only a little longer than wide: the raw steps get there too, more
            # slowly; nothing crawls.
            bounce = (
                f"the steps keep bouncing ({count(walk.crossings)} crossings in all) "
                "and still reach the floor"
                if walk.crossings
                else "the steps reach the valley's floor"
            )
            std_words = (
                f"standardised, they converge in {count(done_std.update)}."
                if done_std.kind == "converged"
                else f"standardised, they come {self.share(walk_std.along)} of the way."
            )
            return (
                f"{rates} In raw units {bounce}: a valley {fmt(raw.valley_ratio, 3)} times "
                f"longer than wide slows them, and they converge in {count(done_raw.update)} "
                f"updates; {std_words}"
            )
        # The first steps' caption said how they bounce: this one goes on from it.
        how = (
            f"the steps keep bouncing ({count(walk.crossings)} crossings in all) and crawl "
            "along the valley"
            if walk.crossings
            else "the steps drop to the narrow valley's floor and crawl along it"
            if walk.across >= 0.9
            else (
                f"the steps come {self.share(walk.across)} of the way down the steep wall "
                "and crawl along the valley"
            )
        )
        pace = ""
        if walk.to_arrive is not None and walk.along < 0.5:
            left = walk.to_arrive
            pace = f"; at this pace it needs about {fmt(left, 3)} updates to get there"
        return (
            f"{rates} In raw units {how}: the steep walls cap the rate, so after {n} updates "
            f"it has come {self.share(walk.along)} of the way along the floor{pace}. "
            f"Standardised, the same {n} updates come {self.share(walk_std.along)} of the way."
        )

    def outcome(self, run: Run) -> Outcome:
        """What ``run`` did, as its verdict and captions say: a run whose loss is within the
        bar of the best while its weights have come only part of the way along the valley's
        floor (the raw side's long, flat valley) has not converged, it crawls."""
        sc = self.inputs.scaling
        assert sc is not None
        side = sc.raw if run is self.inputs.runs[0] else sc.scaled
        said = run.outcome
        walk = side.walk
        if said.kind != "converged" or walk is None or walk.along >= ARRIVED:
            return said
        n = run.trajectory.n_updates
        text = f"{self.share(walk.along)} of the way along the valley"
        return dataclasses.replace(said, kind="slow", update=n, text=text)

    def caption_verdict(self) -> str:
        raw_run, std_run = self.inputs.runs
        best = self.inputs.analysis.optimum_loss
        return (
            f"Raw: {self.outcome(raw_run).text}, loss {self.final_loss(raw_run)}. Standardised: "
            f"{self.outcome(std_run).text}, loss {self.final_loss(std_run)}. The best loss is "
            f"{fmt(best)}; the extra-loss curves show each run's loss above it."
        )

    def caption_end(self) -> str:
        raw, std = (self.outcome(r) for r in self.inputs.runs)
        if std.kind == "converged" and raw.kind != "converged":
            return (
                "Normalise, then go fast: the same data and the same best fit, reached in "
                f"{count(std.update)} updates once every feature has the same scale."
            )
        if std.kind == "converged":
            return (
                f"Standardised, the descent converged in {count(std.update)} "
                f"updates; in raw units it took {count(raw.update)}."
            )
        return (
            "Scaling changes the bowl's shape, not its best fit: the condition number decides "
            "how fast gradient descent can go."
        )

    @staticmethod
    def gaps(trajs: list[Trajectory], best: float) -> list[Trajectory]:
        """Each run's excess loss (above the best), floored at a millionth of the start's: on a log
        axis a run that stalls and one that arrives part by orders of magnitude. A run's curve
        ends where it reaches the floor, rather than run flat along the axis as if its extra
        loss stayed there."""
        out = []
        for t in trajs:
            assert t.loss is not None
            gap = t.loss - best
            floor = max(float(gap[0]), 1e-300) * 1e-6
            gap = np.maximum(gap, floor)
            reached = np.flatnonzero(gap <= floor)
            end = int(reached[0]) + 1 if reached.size else gap.size
            out.append(Trajectory(w=t.b[:end], b=t.b[:end], loss=gap[:end]))
        return out

    def loss_curve(self, gaps: list[Trajectory], width: float, height: float) -> LossCurve:
        """The runs' extra loss over the updates. A short log axis whose every decade does
        not fit keeps every other one: it reaches down to a decade that makes them three."""
        curve = LossCurve(gaps, width, height, self.theme, y_name="extra loss")
        lowest = min(float(np.min(g.loss)) for g in gaps if g.loss is not None)
        if not curve.log_y or not lowest > 0:
            return curve
        decade = math.floor(math.log10(lowest))
        for k in (decade, decade - 1):
            if y_tick_labels(curve) >= LEAST_TICK_LABELS:
                break
            curve = LossCurve(
                gaps, width, height, self.theme, loss_floor=10.0**k, y_name="extra loss"
            )
        return curve

    @staticmethod
    def final_loss(run: Run) -> str:
        t = run.trajectory
        assert t.loss is not None
        return fmt(float(t.loss[-1]))

    # -- pieces
    def contour_panel(self, side: ScalingSide, box: Box, to_scale: bool) -> LossContours:
        """A side's contours and minimum: to scale (their true shape), or as framed."""
        w1, w2 = self.axis_names(side)

        def on(b: Box, shift: float = 0.0) -> LossContours:
            land = self.true_landscape(side, b, shift) if to_scale else side.landscape
            # A stretched map says its stretch above it or in its header ("stretched ×89").
            return self.place_panel(
                b,
                lambda w, h: LossContours(land, w, h, self.theme, w1, w2, say_scale=to_scale),
                # A map to scale keeps the shape its view was framed for.
                grow=not to_scale,
            )

        def across(found: LossContours, b: Box) -> LossContours:
            # An axis that keeps two labels ("−0.015 −0.005"): the view reaches out to its
            # next round value, where three fit ("−20 −10 0 (×10⁻³)"); on a map to scale
            # the other axis grows with it about its middle.
            # (A map to scale slides its window for w2's labels first: see below.)
            few_x = x_tick_labels(found) < LEAST_TICK_LABELS
            few_y = not to_scale and y_tick_labels(found) < LEAST_TICK_LABELS
            if not (few_x or few_y):
                return found
            v = found.landscape.view
            w_lo, w_hi, b_lo, b_hi = old = (v.w_min, v.w_max, v.b_min, v.b_max)
            width, height = found.frame.width, found.frame.height
            if to_scale:
                # w to its next round value, w2 with it about its middle.
                w_lo, w_hi = labelled_across(w_lo, w_hi, width)
                mid, half = (b_lo + b_hi) / 2, (b_hi - b_lo) / 2 * (w_hi - w_lo) / (old[1] - old[0])
                b_lo, b_hi = mid - half, mid + half
            else:
                if few_x:
                    w_lo, w_hi = labelled_across(w_lo, w_hi, width)
                if few_y:
                    b_lo, b_hi = labelled_range(b_lo, b_hi, height)
            new = (w_lo, w_hi, b_lo, b_hi)
            grown = max((w_hi - w_lo) / (old[1] - old[0]), (b_hi - b_lo) / (old[3] - old[2]))
            if new == old or grown > MOST_GROWN:
                return found
            land = self.seen_over(side, found.landscape, View(*new))
            wider = self.place_panel(
                b,
                lambda w, h: LossContours(land, w, h, self.theme, w1, w2, say_scale=to_scale),
                grow=not to_scale,
            )
            kept = min(x_tick_labels(wider), y_tick_labels(wider))
            return wider if kept >= LEAST_TICK_LABELS else found

        panel = on(box)
        if not to_scale:
            return across(panel, box)
        if y_tick_labels(panel) >= LEAST_TICK_LABELS:
            return across(panel, box)
        # A map to scale whose w2 axis keeps two labels: its window slides along w2 (a
        # valley leaves room above and below it) to where three round ticks fall, else the
        # map takes the room below it, its view framed again for that shape.
        grown = self.grown_box(box, panel)
        framed = self.true_landscape(side, box, to_scale=False).view
        for b in (box, grown) if grown is not None else (box,):
            view = self.true_landscape(side, b).view
            shifts = [0.0] if b is not box else []
            for shift in [*shifts, *slid_windows(view, framed, b.plot_area().h)]:
                found = on(b, shift)
                if y_tick_labels(found) >= LEAST_TICK_LABELS:
                    return across(found, b)
        # Else the view grows to the next round values that three labels fit on, w1 with w2
        # about its middle (the bowl drawn smaller, still to scale), as far as MOST_GROWN.
        v = panel.landscape.view
        b_lo, b_hi = labelled_range(v.b_min, v.b_max, panel.frame.height)
        growth = (b_hi - b_lo) / (v.b_max - v.b_min)
        mid, half = (v.w_min + v.w_max) / 2, (v.w_max - v.w_min) / 2 * growth
        grown_view = View(mid - half, mid + half, b_lo, b_hi)
        if 1 < growth <= MOST_GROWN:
            land = self.seen_over(side, panel.landscape, grown_view)
            smaller = self.place_panel(
                box,
                lambda w, h: LossContours(land, w, h, self.theme, w1, w2, say_scale=True),
                grow=False,
            )
            if min(x_tick_labels(smaller), y_tick_labels(smaller)) >= LEAST_TICK_LABELS:
                return smaller
        return across(panel, box)

    def place_panel(self, box: Box, make: Callable[[float, float], P], grow: bool = True) -> P:
        """A panel made to fit ``box``; a short one (a square frame, under the headers) also
        takes the room below it that its tick labels and axis name leave: three tick labels
        need the height, the margin kept for them is more than they take."""
        panel = super().place_panel(box, make)
        if not grow:
            return panel
        grown = self.grown_box(box, panel)
        return panel if grown is None else super().place_panel(grown, make)

    @staticmethod
    def grown_box(box: Box, panel: Panel) -> Box | None:
        """``box`` with the room below its short panel that the tick labels and axis name
        leave, or None where the plot is tall enough or no room is left."""
        if box.plot_area().h >= SHORT_PLOT:
            return None
        below = panel.frame.get_bottom()[1] - panel.get_bottom()[1]
        spare = style.PLOT_PAD_BOTTOM - below - BELOW_MARGIN
        if spare <= 0.02:
            return None
        return Box(box.x, box.y - spare / 2, box.w, box.h + spare)

    def true_landscape(
        self, side: ScalingSide, box: Box, shift: float = 0.0, to_scale: bool = True
    ) -> Landscape:
        """The side's loss over a view with both axes to scale for ``box``, its window moved
        ``shift`` along w2 (``to_scale=False``: the view that frames the path alone)."""
        ds = self.inputs.dataset
        x = self.side_x(side)
        area = box.plot_area()
        loss = self.inputs.config.make_loss()
        run = self.inputs.runs[1 if side.standardized else 0].trajectory
        shown = framed_part(side.path, run.loss, run.diverged)
        aspect = area.w / area.h if to_scale else None
        land = weight_landscape(x, ds.y, loss, [shown], aspect=aspect, reach_fraction=0.0)
        if shift == 0.0:
            return land
        v = land.view
        return self.seen_over(side, land, View(v.w_min, v.w_max, v.b_min + shift, v.b_max + shift))

    def side_x(self, side: ScalingSide) -> FloatArray:
        """The features as ``side``'s run saw them: centred, and standardised on its side."""
        sc = self.inputs.scaling
        assert sc is not None
        x = self.inputs.dataset.x - np.array(sc.x_mean)
        return x / np.array(sc.x_std) if side.standardized else x

    def seen_over(self, side: ScalingSide, land: Landscape, view: View) -> Landscape:
        """``land``, the side's loss, over another ``view`` (its grid and levels made again)."""
        ds = self.inputs.dataset
        x = self.side_x(side)
        loss = self.inputs.config.make_loss()
        w_grid = np.linspace(view.w_min, view.w_max, land.w_grid.size)
        b_grid = np.linspace(view.b_min, view.b_max, land.b_grid.size)
        grid = np.stack(np.meshgrid(w_grid, b_grid), axis=-1)
        z = loss.value_features(x, ds.y, grid, float(np.mean(ds.y)))
        levels = contour_levels(z, land.optimum_loss, land.start_loss, CONTOUR_LEVELS)
        return dataclasses.replace(
            land, view=view, w_grid=w_grid, b_grid=b_grid, z=z, levels=levels
        )

    def tagged(self, box: Box, to_scale: bool, side: ScalingSide) -> tuple[Text, Box]:
        """A small line above a raw panel: to scale, or stretched by how much."""
        if to_scale:
            # A needle where the valley is one; a valley a few times longer than wide is not.
            words = "to scale: a needle" if side.analysis.valley_ratio >= NEEDLE else "to scale"
        else:
            words = f"stretched ×{fmt(self.stretch(side, box), 2)} across"
        tag = self.tag_line(words, box.w)
        tag.move_to([box.x, box.top - tag.height / 2, 0])
        h = tag.height + 0.08
        return tag, Box(box.x, box.y - h / 2, box.w, box.h - h)

    def stretch_tag(self, stretch: float, old: Text, width: float) -> Text:
        """The "stretched ×…" line above a panel ``width`` wide, set again for ``stretch``,
        where ``old`` was."""
        return self.tag_line(f"stretched ×{fmt(stretch, 2)} across", width).move_to(old)

    def tag_line(self, words: str, width: float) -> Text:
        """``words`` in a line at most ``width`` wide: without a last word ("across") before
        the text would shrink."""
        tag = label(words, self.theme, style.TICK_SIZE, self.theme.muted)
        if tag.width > width and words.endswith(" across"):
            tag = label(words.removesuffix(" across"), self.theme, style.TICK_SIZE, tag.color)
        if tag.width > width:
            tag.scale_to_fit_width(width)
        return tag

    @staticmethod
    def drawn_stretch(panel: LossContours) -> float:
        """How many times more one axis of a drawn map is stretched than the other."""
        ratio = scale_ratio(panel.landscape.view, panel.frame.width, panel.frame.height)
        return max(ratio, 1 / ratio)

    @staticmethod
    def stretch(side: ScalingSide, box: Box) -> float:
        """How many times more one axis of ``side``'s framed map in ``box`` is drawn
        stretched than the other."""
        area = box.plot_area()
        ratio = scale_ratio(side.landscape.view, area.w, area.h)
        return max(ratio, 1 / ratio)

    def axis_names(self, side: ScalingSide) -> tuple[str, str]:
        f1, f2 = (_short(v).lower() for v in self.inputs.dataset.features)
        if side.standardized and not self.needle_room:
            return "w1 (per sd)", "w2 (per sd)"
        if side.standardized:
            return f"w1 ({f1}, per sd)", f"w2 ({f2}, per sd)"
        return f"w1 ({f1})", f"w2 ({f2})"

    def header_size(self, sides: list[tuple[ScalingSide, Box]]) -> float:
        """One text size for both sides' headers: the largest at which each fits its box.
        Where a side's condition number does not fit its box on one line at the tick size,
        both headers give it two lines ("condition number" over the number)."""
        self.wrap_condition = any(
            label(f"condition number {fmt(side.analysis.condition_number, 3)}", self.theme,
                  style.TICK_SIZE).width * HEADER_LEAST > box.w
            for side, box in sides
        )  # fmt: skip
        size = float(style.TICK_SIZE)
        for side, box in sides:
            group = self.header_lines(side, box, self.theme.ink, "", style.TICK_SIZE)
            size = min(size, style.TICK_SIZE * box.w / group.width)
        return size

    def header(
        self, side: ScalingSide, box: Box, color: str, note: str = "", size: float | None = None
    ) -> tuple[VGroup, Box]:
        """A side's name (and ``note``), condition number, critical rate and valley, in
        ``size`` (at most: shrunk to fit the box)."""
        group = self.header_lines(side, box, color, note, size or style.TICK_SIZE)
        if group.width > box.w:
            group.scale_to_fit_width(box.w)
        group.move_to([box.left + group.width / 2, box.top - group.height / 2, 0])
        h = group.height + 0.1
        return group, Box(box.x, box.y - h / 2, box.w, box.h - h)

    def header_lines(
        self, side: ScalingSide, box: Box, color: str, note: str, size: float
    ) -> VGroup:
        """The header's lines in ``size``, on one line each or, in a narrow box, more."""
        a = side.analysis
        name = "Standardised" if side.standardized else "Raw units"
        if note:
            name = f"{name}, {note}"
        crit = f"critical rate {fmt(a.lr_critical, 3)}" if a.lr_critical else "no critical rate"
        lines = [
            f"{name}: condition number {fmt(a.condition_number, 3)}, {crit}",
            f"the valley is {fmt(a.valley_ratio, 3)} times longer than it is wide",
        ]
        condition = f"condition number {fmt(a.condition_number, 3)}"
        if self.wrap_condition:
            condition = condition.replace("number ", "number\n")  # the number below
        narrow = [name, *condition.split("\n"), crit]
        if note and label(name, self.theme, style.TICK_SIZE).width > box.w:
            narrow[:1] = [f"{name.split(',')[0]},", note]  # "Raw units," / "stretched ×332"
        if self.wide:
            valley = f"valley {fmt(a.valley_ratio, 3)}× longer than wide"
            if label(valley, self.theme, style.TICK_SIZE).width > box.w:
                valley = valley.replace(" than", "\nthan")
            narrow += valley.split("\n")
        first = label(lines[0], self.theme, style.TICK_SIZE, color)
        if first.width > box.w:  # a narrow side: the rate on a line of its own
            lines = narrow
        return VGroup(
            *(label(v, self.theme, size, color if i == 0 else self.theme.muted)
              for i, v in enumerate(lines))
        ).arrange(DOWN, buff=0.06, aligned_edge=LEFT)  # fmt: skip

    def predicted(
        self, box: Box, trajs: list[Trajectory], tracker: ValueTracker
    ) -> tuple[PredictedPanel, VGroup]:
        ds = self.inputs.dataset
        keep = np.linspace(0, ds.n - 1, min(ds.n, MAX_PREDICTED)).round().astype(np.intp)
        order = np.argsort(ds.y, kind="stable")[keep]
        x, y = ds.x[order], ds.y[order]
        name = _short(ds.y_label).lower()

        def make(w: float, h: float, called: str = name) -> PredictedPanel:
            # Short (a square frame): the range out to a third round tick where its own
            # shows two. Narrow: "actual" alone, before "actual body_m… (×10³)" or a name
            # set too small to read.
            panel = PredictedPanel(y, w, h, self.theme, called)
            if any(self.squeezed(m) for m in panel.labels):
                called = ""
                panel = PredictedPanel(y, w, h, self.theme, called)
            for span in rounder_ranges(*PredictedPanel.span(y)):
                if y_tick_labels(panel) >= LEAST_TICK_LABELS:
                    break
                panel = PredictedPanel(y, w, h, self.theme, called, span)
            return panel

        panel = self.place_panel(box, make)
        if panel.get_bottom()[1] < box.y - box.h / 2 - 1e-6:
            # A name on two lines that runs out of its box (into the verdicts below): "actual"
            # alone, on one.
            panel = self.place_panel(box, lambda w, h: make(w, h, ""))
        template = _POINT.points
        groups = VGroup()
        for t, color in zip(trajs, self.colors, strict=True):
            dots = VMobject(stroke_width=0).set_fill(color, 0.8)

            def place(m: VMobject, t: Trajectory = t) -> None:
                w, b = t.at(tracker.get_value())
                pts = panel.clipped(y, x @ w + b)
                m.points = (template[None, :, :] + pts[:, None, :]).reshape(-1, 3)

            place(dots)
            dots.add_updater(place)
            groups.add(dots)
        return panel, groups

    def squeezed(self, m: Mobject) -> bool:
        """Whether the axis name ``m`` was shortened ("body_m…") or set smaller than
        :data:`NAME_LEAST` of its size to fit."""
        text = getattr(m, "original_text", "")
        if "…" in text:
            return True
        if not text.startswith("actual"):
            return False
        full = label(text, self.theme, style.LABEL_SIZE)
        return bool(m.height < full.height * NAME_LEAST)

    def verdict_lines(self) -> VGroup:
        """Each run's verdict in its colour: side by side where the frame is wide enough,
        else one under the other."""
        runs = self.inputs.runs
        lines = VGroup(
            *(
                label(f"{run.label}: {self.outcome(run).text}", self.theme, style.TICK_SIZE, color)
                for run, color in zip(runs, self.colors, strict=True)
            )
        )
        lines.arrange(RIGHT, buff=0.6, aligned_edge=DOWN)
        if lines.width > self.frame.w:
            lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        if lines.width > self.frame.w:
            lines.scale_to_fit_width(self.frame.w)
        return lines

    def verdict_strip(self, body: Box) -> tuple[Box, Box]:
        """The body less a strip along its bottom where the verdicts are written."""
        self.verdicts = self.verdict_lines()
        h = self.verdicts.height + 0.06
        strip = Box(body.x, body.y - body.h / 2 + h / 2, body.w, h)
        rest = Box(body.x, body.y + (h + 0.15) / 2, body.w, body.h - h - 0.15)
        return rest, strip

    def finale(self, panels: list[LossContours], curve: LossCurve, gaps: list[Trajectory]) -> None:
        """A flash on each minimum reached; each run's verdict in its colour, a line each, in
        the strip kept for them below the panels; and a dashed line across the loss panel, in
        its colour, at the update a run converged (its curve keeps falling on a log axis
        after it is within 1 % of the best)."""
        runs = self.inputs.runs
        flashes = [
            Flash(panel.optimum[0], color=self.theme.optimum)
            for panel, run in zip(panels, runs, strict=True)
            if self.outcome(run).kind == "converged" and len(panel.optimum)
        ]
        self.settle_marks = VGroup()
        for run, gap, color in zip(runs, gaps, self.colors, strict=True):
            outcome = self.outcome(run)
            if outcome.kind != "converged" or not 0 < outcome.update < gap.w.size:
                continue
            self.settle_marks.add(curve.settle_mark(gap, outcome.update, color))
        box = self.verdict_box
        lines = self.verdicts
        lines.move_to([box.left + lines.width / 2, box.y, 0])
        self.play(*flashes, FadeIn(lines), FadeIn(self.settle_marks), run_time=style.VERDICT_TIME)
        self.play(Wait(style.HOLD_TIME))

    # -- layout
    @property
    def wide(self) -> bool:
        """16:9 and wider."""
        return wide_frame()

    @property
    def needle_room(self) -> bool:
        """Whether the raw side has room for its valley to scale beside the stretched map: a
        wide frame (16:9) or a tall one (9:16), not 4:3 or 1:1."""
        w, h = config.frame_width, config.frame_height
        return w >= 1.5 * h or h >= 1.5 * w

    @property
    def upright_valley(self) -> bool:
        """Whether the raw side's valley, to scale, runs up the map (along w2): tall maps
        show it; one along w1 needs wide ones."""
        sc = self.inputs.scaling
        assert sc is not None
        x = self.side_x(sc.raw)
        # The valley's floor runs along the curvature's flattest direction.
        _, vectors = np.linalg.eigh(x.T @ x)
        flat = vectors[:, 0]
        return bool(abs(flat[1]) > abs(flat[0]))

    def layout(self, box: Box) -> tuple[Box, Box, Box, Box]:
        """The raw and standardised contours, the loss curves, the predictions."""
        w, h = config.frame_width, config.frame_height
        self.tag_room = self.needle_room
        if h >= 1.5 * w:  # tall: one column
            raw, std, curve, data = box.split_v(1.5, 1.3, 0.7, 0.7)
            return raw, std, curve, data
        if (self.wide or w >= COLUMN_FROM * h) and self.upright_valley:
            # Wide (16:9, 4:3), a valley up the map: the maps take the body's height under
            # their headers, the loss curves and predictions a column beside them; at 16:9
            # the raw map's stretch has a line above it.
            self.tag_room = self.wide
            maps, column = box.split_h(3.1 if self.wide else MAPS_BESIDE, 1.0, gap=style.GAP * 1.5)
            # The raw side has two maps: its valley to scale, and stretched across.
            raw, std = maps.split_h(1.35 if self.needle_room else 1.0, 1.0)
            curve, data = column.split_v(1.0, 1.0)
            return raw, std, curve, data
        # Else the maps above, the curves below (beside a column, the maps of a square
        # frame would be slivers, a valley along w1 a line).
        top, bottom = box.split_v(1.7, 1.0)
        raw, std = top.split_h(1.7 if self.needle_room else 1.1, 1.0)
        curve, data = bottom.split_h(1.0, 1.0)
        return raw, std, curve, data

"""learning-rates: the same start, the same data, two to four learning rates side by side.

Each run gets its path on the loss contours and its loss curve; the loss axes are shared, so
the speeds compare at a glance. A log-scaled learning-rate line shows where each rate sits
against the critical rate ``2 / lambda_max`` and the fastest fixed rate. What each run did is
read from its trajectory (:mod:`gdanim.outcome`), never from its label.

Render with ``gdanim render learning-rates`` (or ``gdanim.render`` from Python): the scene
is given its inputs, the trained runs and their surface, by :mod:`gdanim.pipeline`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    FadeIn,
    FadeOut,
    Flash,
    LaggedStart,
    Rectangle,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    Wait,
    config,
)
from numpy.typing import NDArray

from ..config.names import REGIMES
from ..numbers import count, listed
from ..outcome import Outcome
from ..pipeline.prepare import Run
from . import style
from .base import Box
from .clock import SharedClock
from .grid import (
    HEADER_LINE_GAP,
    column_cells,
    column_width,
    fitted_lines,
    header_size,
    pt,
    row_cells,
    typeset,
)
from .lanes import (
    NUMBER_GAP,
    RunView,
    lane_map,
    meets,
    part_rows,
    run_view,
    side_cells,
    side_header_width,
    side_row_height,
)
from .rateline import RateLine
from .runs import loss_frame, outcome_color, run_colors
from .widgets import (
    fmt,
)

FloatArray = NDArray[np.float64]

#: Of a map's span, what a run's dot has left to the minimum before the eye can tell (a
#: ring near the minimum under "still far" needs words); a header beside its lane's small
#: plots has room for them only where the dot is on the minimum.
SEEN_SHARE = 0.08
SEEN_SHARE_BRIEF = 0.03


STRIP_GAP = 0.22  # below the learning-rate line
RIGHT_OVERHANG = 0.3  # right of the last plot: its last tick label may stick out
COVER_PAD = 0.05  # a fade-in cover's margin around what it covers
OVERHANG_PAD = 0.05  # kept right of the last plot's last tick label
SIDE_BY_SIDE_FROM = 1.5  # width : height from which the lanes stand side by side
REGIME_LABELS = REGIMES


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


def brief_verdict(outcome: Outcome) -> str:
    """What a run did in the fewest words, its update count bare (the counter names it):
    ``settled at 565``, ``diverged at 27``, ``still far at 1500``."""
    n = count(outcome.update)
    if outcome.kind == "converged" and outcome.update > 0:
        return f"settled at {n}"
    if outcome.kind == "diverged":
        return f"diverged at {n}"
    if outcome.kind == "oscillating":
        return f"oscillating at {n}"
    if outcome.kind == "slow":
        return f"nearly there at {n}" if outcome.text.startswith("nearly") else f"still far at {n}"
    return outcome.text


#: The least room kept between the column's note and a map's own numbers beside it.
NOTE_GAP = 0.05


def overhang(views: list[RunView]) -> float:
    """How far the lanes' texts reach right of their rightmost plot frame."""
    panels = [p for v in views for p in (v.contours, v.loss)]
    right = max(p.frame.get_right()[0] for p in panels)
    texts = [m for p in panels for m in p.get_family() if isinstance(m, Text)]
    return max(m.get_right()[0] for m in texts) - right


#: Contour plot height : loss plot height for lanes side by side over a round bowl to scale.
ROUND_CONTOUR_SHARE = 1.8


class LearningRates(SharedClock):
    """The same start under several learning rates, side by side, with what each one did."""

    scene_name = "learning-rates"

    def construct(self) -> None:
        self.build()
        with self.captioned(self.caption_rates()):
            self.unveil(self.heading)
            self.introduce_rates()
            self.introduce_panels()
        self.descend_and_say(self.caption_descent(), self.said_verdicts())

    # -- captions: every number comes from the runs and the analysis
    def caption_rates(self) -> str:
        runs = self.inputs.runs
        w0, b0 = self.inputs.trajectory.w[0], self.inputs.trajectory.b[0]
        rates = [fmt(r.lr, 3) for r in runs]
        count = {2: "Two", 3: "Three", 4: "Four"}.get(len(runs), str(len(runs)))
        text = f"{count} learning rates, {listed(rates)}, from the same start: "
        text += f"w = {fmt(w0)}, b = {fmt(b0)}."
        crit = self.inputs.analysis.lr_critical
        if crit is not None and self.inputs.analysis.can_diverge:
            text += f" Above the critical rate {fmt(crit, 3)} a run diverges."
        return text

    def caption_descent(self) -> str:
        n = self.longest_updates()
        return f"All runs share one clock, up to {count(n)} updates; each stops at its own end."

    def caption_verdicts(self) -> str:
        """What each run did, in the order the verdicts came up on screen."""
        return " ".join(text for _, text in self.said_verdicts())

    def said_verdicts(self) -> list[tuple[int, str]]:
        """Each run's verdict as a sentence, with the update on the shared clock it comes up
        at (its run settled or left), in that order; those shown only at the end after them
        (update one past the clock's end)."""

        def shown_at(v: RunView) -> int:
            return self.comes_up_at(v.outcome)

        def said(r: Run, o: Outcome) -> str:
            way = self.way_done(r) if o.kind == "slow" else None
            # As its header says it: a ring near the minimum, its loss still far.
            return f"lr {fmt(r.lr, 3)}: {o.text}" + (f" ({way} % of the way)" if way else "") + "."

        views = sorted(self.views, key=shown_at)
        return [(shown_at(v), said(v.run, v.outcome)) for v in views]

    # -- building (no animation): everything is placed before the first frame
    def build(self) -> None:
        inputs = self.inputs
        runs = inputs.runs
        self.outcomes = [r.outcome for r in runs]
        colors = run_colors(self.outcomes, self.theme)
        self.tracker = ValueTracker(0.0)
        self.longest = max(runs, key=lambda r: r.trajectory.n_updates).trajectory
        self.heading, below = self.heading_with_counter(self.title_text(), self.subtitle_parts())
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
        self.lay_lanes(body, colors)
        # How low the lanes reach filling the body (their last tick names may hang a hair
        # under it): a note in the corner beside them may reach as low, no lower.
        floor = min(bottom, min(v.group.get_bottom()[1] for v in self.views))
        corner = self.corner_note(floor) if self.side else None
        if corner is not None:
            self.scale_note = corner
            self.said_for_all(corner)
            return
        note = self.shared_scale_note()
        if len(note):
            # Under the rate line, across the frame: the lanes give up its height.
            note.next_to(self.rates, DOWN, buff=STRIP_GAP / 2).align_to(pt(f.left, 0), LEFT)
            top = note.get_bottom()[1] - STRIP_GAP
            body = Box(body.x, (top + bottom) / 2, body.w, top - bottom)
            self.lay_lanes(body, colors)
            again = self.shared_scale_note()
            if len(again):
                note = again.move_to(note, aligned_edge=UP + LEFT)
            lowest = min(v.group.get_bottom()[1] for v in self.views)
            if lowest < bottom - 1e-6:
                # The lanes do not fit under it (rows no shorter than their headers): as
                # they were, the small panels unnamed rather than cut off.
                self.lay_lanes(Box(body.x, (strip_bottom + bottom) / 2, body.w,
                                   strip_bottom - bottom), colors)  # fmt: skip
                note = VGroup()
        self.scale_note = note
        self.said_for_all(note)

    def said_for_all(self, note: VGroup) -> None:
        """Tie ``note`` to the small panels it speaks for (what each has no room to say)."""
        for v in self.views:
            v.contours.said_by = note
            v.loss.said_by = note

    def lay_lanes(self, body: Box, colors: list[str]) -> None:
        """Each run's header, map and loss panel in its cell of ``body``."""
        inputs = self.inputs
        runs = inputs.runs
        # Strictly taller than wide: the lanes stack, headers above. Up to 3:2 wide, they
        # stack with the headers beside (columns would be too narrow to read); wider, side
        # by side.
        tall = config.frame_height > config.frame_width
        side = not tall and config.frame_width < SIDE_BY_SIDE_FROM * config.frame_height
        width = side_header_width(body) if side else column_width(body, len(runs), tall)
        headers = [
            self.header(r, o, c, width, word, brief=side)
            for r, o, c, word in zip(runs, self.outcomes, colors, self.lane_words(), strict=True)
        ]
        hh = max(h.height for h in headers)
        if side and len(runs) > 3 and side_row_height(body, len(runs)) < hh:
            # Four rows shorter than their headers: side by side.
            side = False
            width = column_width(body, len(runs), tall)
            headers = [
                self.header(r, o, c, width, word)
                for r, o, c, word in zip(
                    runs, self.outcomes, colors, self.lane_words(), strict=True
                )
            ]
            hh = max(h.height for h in headers)
        self.side = side
        layout = column_cells if tall else side_cells if side else row_cells
        if layout is row_cells and inputs.on_map is not None:
            # A round bowl drawn to scale in a wide column is as wide as the map is tall:
            # the map takes more of the height, or the paths are stubs.
            layout = partial(row_cells, contour_share=ROUND_CONTOUR_SHARE)
        frame_traj = loss_frame(runs, inputs.analysis.optimum_loss)

        def lanes(body: Box) -> list[RunView]:
            cells = layout(body, len(runs), hh)
            lane = partial(
                run_view,
                frame_traj=frame_traj,
                landscape=lane_map(inputs, cells[0].contour.w, cells[0].contour.h),
                tracker=self.tracker,
                epochs=self.longest_updates(),
                theme=self.theme,
                descents=[r.trajectory for r in runs],
                bare_log=side,
            )
            return [
                lane(run, outcome, color, cell, header)
                for run, outcome, color, cell, header in zip(
                    runs, self.outcomes, colors, cells, headers, strict=True
                )
            ]

        self.views = lanes(body)
        # The body leaves room right of the last plot for a tick label at its end: where
        # none sits there (a log update axis ends between its ticks), the plots take it.
        spare = RIGHT_OVERHANG - max(0.0, overhang(self.views)) - OVERHANG_PAD
        if spare > OVERHANG_PAD:
            self.views = lanes(Box(body.x + spare / 2, body.y, body.w + spare, body.h))
        if side:
            part_rows(self.views)
        # The lanes share one map: where it says "axes not to scale" on the plot, the first
        # lane says it for all, and the later runs' paths (a diverging one's wide hops)
        # stay uncovered.
        for v in self.views[1:]:
            v.contours.remove(v.contours.scale_tag)
            v.contours.scale_tag = VGroup()

    def unsaid(self) -> tuple[bool, list[str]]:
        """What the small panels have no room to say: whether the maps' axes are not to
        scale, and the names of the loss panels' log axes."""
        views = self.views
        maps = [v.contours for v in views]
        unscaled = not maps[0].to_scale and not any(
            c.says_not_to_scale() or len(c.scale_tag) for c in maps
        )
        return unscaled, [n for n in ("loss", "update") if any(n in v.unsaid for v in views)]

    def corner_note(self, floor: float) -> VGroup | None:
        """What the small panels have no room to say, once for the column, in the corner under
        the headers beside its bottom axis's numbers (headers beside the plots); ``None``
        where it does not fit there above ``floor``."""
        unscaled, unsaid = self.unsaid()
        if not unscaled and not unsaid:
            return VGroup()
        last = self.views[-1]
        panel = last.contours
        left = last.header.get_left()[0]
        under = [
            m
            for m in (*panel.ticks, *panel.labels)
            if isinstance(m, Text) and m.get_top()[1] <= panel.frame.get_bottom()[1]
        ]
        if not under:
            return None
        room_w = min(m.get_left()[0] for m in under) - NUMBER_GAP - left
        # The bottom map's own y numbers and name, which may reach down beside the note: it
        # goes where it keeps clear of them (below them, or under the header).
        beside = [
            m
            for m in (*panel.ticks, *panel.labels)
            if isinstance(m, Text) and m.get_right()[0] <= panel.frame.get_left()[0]
        ]
        room_h = last.header.get_bottom()[1] - 2 * HEADER_LINE_GAP - floor
        names = ", ".join(unsaid)
        th = self.theme
        for words in (
            ["maps: axes not to scale"] * unscaled + [f"{names}: log scale"] * bool(unsaid),
            ["maps not to scale"] * unscaled + [f"log: {names}"] * bool(unsaid),
            # Narrow and tight: three lines closer together.
            (["maps not", "to scale; log:", names] if unscaled and unsaid else []),
        ):
            if not words:
                continue
            lines = [typeset(w, th, style.TICK_SIZE, th.muted) for w in words]
            buff = HEADER_LINE_GAP / 2 if len(lines) > 2 else HEADER_LINE_GAP
            note = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=buff)
            if note.width <= room_w and note.height <= room_h:
                # Low beside the bottom axis's numbers, else high under the last header,
                # wherever it keeps clear of the map's own y numbers.
                top = last.header.get_bottom()[1] - 2 * HEADER_LINE_GAP
                for at, edge in ((pt(left, floor), DOWN + LEFT), (pt(left, top), UP + LEFT)):
                    note.move_to(at, aligned_edge=edge)
                    if not any(meets(note, m, NOTE_GAP) for m in beside):
                        return note
        return None

    def shared_scale_note(self) -> VGroup:
        """What the small panels have no room to say, once for all: the maps' axes not to
        scale, the loss panels' log axes (unplaced)."""
        unscaled, unsaid = self.unsaid()
        lines = ["maps: axes not to scale"] if unscaled else []
        if unsaid:
            lines.append(f"{', '.join(unsaid)}: log scale")
        if not lines:
            return VGroup()
        th = self.theme
        return fitted_lines("  ·  ".join(lines), th, th.muted, self.frame.w, style.TICK_SIZE)

    def header(
        self,
        run: Run,
        outcome: Outcome,
        color: str,
        width: float,
        word: str | None = "",
        brief: bool = False,
    ) -> VGroup:
        """The run's name over what it did (the verdict, one or two lines).

        ``brief`` (a header beside its lane's plots, whose row is as tall as the header):
        the short name and the verdict in its fewest words, each on one line, so the rows
        keep room for the notes the small panels have no room to say.
        """
        size = header_size(width)
        name = VGroup(typeset(run_name(run, short=brief, word=word), self.theme, size, color))
        if name.width > width:
            name = VGroup(typeset(run_name(run, short=True, word=word), self.theme, size, color))
        if name.width > width:
            name.scale_to_fit_width(width)
        words = brief_verdict(outcome) if brief else outcome.text
        way = self.way_done(run, SEEN_SHARE_BRIEF if brief else SEEN_SHARE)
        if outcome.kind == "slow" and way is not None:
            # Still far in loss, but its dot lies on the minimum as the shared map is framed
            # (a wide map, for a diverging run): how far it came says what the map cannot.
            words = f"{words} ({way} % of the way)"
        verdict = fitted_lines(words, self.theme, outcome_color(outcome, self.theme), width)
        verdict.next_to(name, DOWN, buff=HEADER_LINE_GAP).align_to(name, LEFT)
        return VGroup(name, verdict)

    def way_done(self, run: Run, share: float = SEEN_SHARE) -> int | None:
        """How much of the way to the minimum ``run`` came, in percent, where what is left
        is under ``share`` of the map's span either way (too short to see)."""
        land = self.inputs.map
        v, (w_star, b_star) = land.view, land.optimum
        t = run.on_map
        left_w, left_b = float(t.w[-1]) - w_star, float(t.b[-1]) - b_star
        if abs(left_w) >= share * (v.w_max - v.w_min) or abs(left_b) >= share * (v.b_max - v.b_min):
            return None
        start = math.hypot(float(t.w[0]) - w_star, float(t.b[0]) - b_star)
        if start <= 0:
            return None
        return math.floor(100 * (1 - math.hypot(left_w, left_b) / start))

    def subtitle_parts(self) -> list[str]:
        """The subtitle: the data, the loss, the optimizer, L2, the start, the updates."""
        inputs = self.inputs
        cfg = inputs.config
        w0, b0 = cfg.init or (0.0, 0.0)
        ds = inputs.dataset
        parts = [ds.caption, cfg.loss or "", self.optimizer_label()]
        if cfg.l2:
            parts.append(f"L2 = {fmt(cfg.l2)}")
        parts += [
            f"start w = {fmt(w0)}, b = {fmt(b0)}",
            f"{count(self.longest_updates())} updates",
        ]
        std_note = self.standardized_note()
        if std_note:
            halves = std_note.split("  ")  # its two halves wrap apart in a narrow frame
            if self.square_frame() and len(halves) > 1:
                # A square frame has no height for the second half: the lanes' rows would be
                # shorter than their headers. The first caption gives the condition number.
                halves = halves[:1]
                self._condition_to_say = True
            parts += halves
        return parts

    def square_frame(self) -> bool:
        """About as tall as wide (1:1, 4:3): under a long subtitle its lanes' rows are short."""
        w, h = config.frame_width, config.frame_height
        return h < 1.2 * w and w < 1.5 * h

    def with_data_note(self, text: str) -> str:
        """``text``; the first caption also gives the condition number the subtitle left out."""
        out = super().with_data_note(text)
        std = self.inputs.standardized
        if std is None or not getattr(self, "_condition_to_say", False):
            return out
        self._condition_to_say = False
        return (
            f"{out} Standardising takes the condition number from "
            f"{fmt(std.condition_raw, 3)} to {fmt(std.condition, 3)}."
        )

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
        panels = [VGroup(v.contours, v.loss, v.name) for v in self.views]
        self.unveil(VGroup(*panels, self.scale_note))
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
        if self.opens_still:
            self.add(mob)
            return
        cover = Rectangle(width=mob.width + 2 * COVER_PAD, height=mob.height + 2 * COVER_PAD)
        cover.set_stroke(width=0).set_fill(self.theme.background, 1).move_to(mob)
        self.add(mob, cover)
        self.play(FadeOut(cover), run_time=style.INTRO_TIME)

    def descend(self, cuts: Sequence[float] = ()) -> None:
        """All runs together on one clock; each stops at its own end."""
        for v in self.views:
            for m in (v.verdict, v.settle_mark, v.off_scale):
                m.set_opacity(0)
            if v.outcome.kind in ("converged", "diverged") and v.outcome.update > 0:
                self.reveal_at(v.verdict, v.outcome.update)
                self.reveal_at(v.settle_mark, v.outcome.update)
            if v.off_scale_at >= 0:
                self.reveal_at(v.off_scale, v.off_scale_at)
            # A note with nowhere clear of the curve is drawn over it, on its backing.
            over = [v.off_scale] if v.off_scale_backed else []
            under = [] if over else [v.off_scale]
            self.add(v.verdict, v.settle_mark, *under, v.curve, *over, v.trail)
        self.add(self.counter)
        n = self.longest_updates()
        if n == 0:
            return
        self.run_clock(n, cuts)

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
        for v in self.views:
            if not self.during_descent(self.comes_up_at(v.outcome)):
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

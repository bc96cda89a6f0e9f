"""Scenes of several runs on one clock: logarithmic time, and marks that fade in on cue."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, UP, Mobject, ValueTracker, VGroup, VMobject, config

from ..numbers import count
from ..outcome import Outcome
from ..trajectory import Trajectory
from . import style
from .base import GdScene
from .grid import SUBTITLE_SIZE, pt, typeset, wrap_parts
from .widgets import GlyphNumber

#: How long (in log1p of updates) a mark takes to fade in once its update is reached.
REVEAL_SPAN = 0.06
#: Resolution of the clock's timing curve.
TIMING_SAMPLES = 2049
TITLE_LINE_GAP = 0.12
COUNTER_GAP = 0.4  # between the title and the update counter
COUNTER_CLEAR = 0.06  # least room between the title and a counter on the line below it


def eased(m: int, t: float, skew: float = 0.75) -> float:
    """Updates done at time fraction ``t`` of a clock over ``m`` updates: the early ones get
    more of the time (see :meth:`~gdanim.trajectory.Trajectory.position`)."""
    if m <= 0 or t <= 0.0:
        return 0.0
    if t >= 1.0:
        return float(m)
    s = skew * math.expm1(t * math.log1p(m)) + (1.0 - skew) * t * m
    return min(max(s, 0.0), float(m))


def eased_descent(scene: GdScene, tracker: ValueTracker, done: int, n: int, caption: str) -> None:
    """Updates ``done`` to ``n`` in ``--duration`` seconds on a clock that eases (the early
    ones get more of the time), under ``caption``."""
    if n <= done:
        return
    m = n - done

    def timing(t: float) -> float:
        return eased(m, t) / m

    with scene.captioned(caption):
        scene.play(
            tracker.animate.set_value(float(n)),
            rate_func=timing,
            run_time=scene.inputs.spec.duration,
        )


def frames_time(k: int) -> float:
    """A run time manim plays as exactly ``k`` frames: ``k`` frames' seconds, or the float
    just under it (manim counts ``arange(0, run_time, 1 / fps)``, which at ``k / fps``
    often makes one frame more)."""
    step = 1.0 / config.frame_rate
    r = k * step
    while len(np.arange(0.0, r, step)) > k:
        r = float(np.nextafter(r, 0.0))
    return r


class SharedClock(GdScene):
    """A scene whose runs share ``tracker`` (the update shown) and ``longest`` (the run with
    the most updates), so all of them are drawn at the same update."""

    tracker: ValueTracker
    longest: Trajectory
    counter: VGroup

    def longest_updates(self) -> int:
        return self.longest.n_updates

    def heading_with_counter(self, title_text: str, parts: Sequence[str]) -> tuple[VGroup, float]:
        """Title, subtitle and the shared update counter; returns the titles and the y below.

        The counter (``self.counter``) sits at the right of the title, or of the first
        subtitle line when the title leaves no room; the subtitle wraps between its ``parts``
        when the frame is narrow.
        """
        f = self.frame
        t = self.theme
        size = style.TITLE_SIZE * (0.85 if self.portrait else 1.0)
        title = typeset(title_text, t, size)
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

        on_title = title.width + COUNTER_GAP + counter_w <= f.w
        first_room = f.w if on_title else f.w - counter_w - COUNTER_GAP
        kept = [p for p in parts if p]
        lines = wrap_parts(kept, [first_room, f.w], t)
        below_last = False
        if not on_title and kept and typeset(kept[0], t, SUBTITLE_SIZE).width > first_room:
            # The first part alone is too long to share its line with the counter (a long
            # file name, 20,000 updates): the lines take the width, the counter goes beside
            # the last one, or under it.
            lines = wrap_parts(kept, [f.w], t)
            below_last = True
        subtitle = VGroup(*lines).arrange(DOWN, buff=TITLE_LINE_GAP * 0.7, aligned_edge=LEFT)
        subtitle.next_to(title, DOWN, buff=TITLE_LINE_GAP).align_to(title, LEFT)
        beside = title if on_title else lines[-1] if below_last else lines[0]
        counter.shift(
            np.array(
                [
                    f.left + f.w - counter_w - tag.get_left()[0],
                    beside.get_bottom()[1] - tag.get_bottom()[1],
                    0.0,
                ]
            )
        )
        if below_last and lines[-1].width + COUNTER_GAP + counter_w > f.w:
            counter.shift(DOWN * (counter.get_top()[1] - lines[-1].get_bottom()[1] + COUNTER_CLEAR))
        elif not on_title:
            # Beside the first subtitle line, the counter stays clear of the title above.
            clash = counter.get_top()[1] - (title.get_bottom()[1] - COUNTER_CLEAR)
            if clash > 0:
                counter.shift(DOWN * clash)
        tracker = self.tracker

        def follow(_: Mobject) -> None:
            number.set_value(min(tracker.get_value(), float(n)))

        number.add_updater(follow)
        self.counter = counter
        heading = VGroup(title, subtitle)
        return heading, min(subtitle.get_bottom()[1], counter.get_bottom()[1]) - style.TITLE_GAP

    def run_clock(self, n: int, cuts: Sequence[float] = ()) -> None:
        """Play updates 0 to ``n`` in logarithmic time: each decade of updates gets the same
        share of the video, so the first big steps (and an early divergence) are seen, and
        20,000 updates cost what 100 do. ``cuts``: seconds into the clock where one play
        ends and the next begins (the same motion, in pieces)."""
        positions, times = self.clock_curve()
        run_time = self.inputs.spec.duration
        fps = config.frame_rate

        def shown(t: float) -> float:
            return float(np.interp(t, times, positions))

        # In whole frames: a piece of k frames is played as k frames, together as many as
        # the clock played at once.
        total = len(np.arange(0.0, run_time, 1.0 / fps))
        inner = sorted({round(c * fps) for c in cuts if 0 < round(c * fps) < total})
        edges = [0, *inner, total]
        if len(edges) == 2:
            pieces = [(0.0, 1.0, run_time)]
        else:
            pieces = [
                (a / total, b / total, frames_time(b - a)) for a, b in itertools.pairwise(edges)
            ]
        for a, b, seconds in pieces:
            lo, hi = shown(a), shown(b)

            def piece(
                t: float, a: float = a, b: float = b, lo: float = lo, hi: float = hi
            ) -> float:
                return (shown(a + t * (b - a)) - lo) / (hi - lo) if hi > lo else 1.0

            self.play(self.tracker.animate.set_value(hi), rate_func=piece, run_time=seconds)

    def descend(self, cuts: Sequence[float] = ()) -> None:
        """All runs on the shared clock (:meth:`run_clock`, cut at ``cuts``), each verdict
        shown as it comes."""
        raise NotImplementedError

    def finale(self) -> None:
        """The verdicts not shown during the descent, and a hold."""
        raise NotImplementedError

    def comes_up_at(self, outcome: Outcome) -> int:
        """The update on the shared clock at which ``outcome``'s verdict comes up: where its
        run settled or left, else one past the clock's end (shown at the end)."""
        if outcome.kind in ("converged", "diverged") and outcome.update > 0:
            return outcome.update
        return self.longest_updates() + 1

    def during_descent(self, update: int) -> bool:
        """Whether a verdict that comes up at ``update`` has faded in before the clock stops."""
        n = self.longest_updates()
        return 0 < update <= n and math.log1p(n) - math.log1p(update) >= REVEAL_SPAN

    def descend_and_say(self, descent: str, verdicts: Sequence[tuple[int, str]]) -> None:
        """The descent captioned ``descent``, then the finale. ``verdicts``: each run's said
        verdict with the update it comes up at on the shared clock (past the clock's end for
        those shown only at the end), in that order.

        A verdict that comes up during the descent is captioned from then, or once the
        caption before it has been read (and said); the descent is played in pieces cut
        there (after it, the still picture held in pieces), so each caption begins a segment
        of the video (a lecture's beat). The rest are captioned together over the finale."""
        start = self.time
        n = self.longest_updates()
        early = [(u, t) for u, t in verdicts if self.during_descent(u)]
        late = [t for u, t in verdicts if (u, t) not in early]
        fps = config.frame_rate
        spans: list[tuple[float, str]] = []  # (seconds after start, text), whole frames
        said_until = 0.0
        for at, text in [(0.0, descent), *[(self.clock_seconds(u), t) for u, t in early]]:
            text = self.with_data_note(text)
            at = math.ceil(max(at, said_until) * fps - 1e-6) / fps
            spans.append((at, text))
            said_until = at + self.caption_need(text, start + at)
        duration = self.inputs.spec.duration if n > 0 else 0.0
        self.descend([at for at, _ in spans[1:] if at < duration - 1e-6])
        for at, _ in spans[1:]:  # a caption read after the descent: a still segment from it
            self.hold_until(start + at)
        if not late:
            self.finale()
        ends = [at for at, _ in spans[1:]] + [max(said_until, self.time - start)]
        for (at, text), end in zip(spans, ends, strict=True):
            self.add_subcaption(text, duration=end - at, offset=start + at - self.time)
        self.hold_until(start + ends[-1])
        if late:
            with self.captioned(" ".join(late)):
                self.finale()

    def clock_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """The shared clock's updates and the fractions of its run time they are shown at."""
        positions = self.longest.frame_positions(TIMING_SAMPLES, skew=1.0)
        return positions, np.linspace(0.0, 1.0, positions.size)

    def clock_seconds(self, update: float) -> float:
        """Seconds into :meth:`run_clock` at which the shared clock reaches ``update``."""
        positions, times = self.clock_curve()
        return float(np.interp(update, positions, times)) * self.inputs.spec.duration

    def reveal_at(self, mob: VMobject, update: int) -> None:
        """Fade ``mob`` in once the shared clock passes ``update``."""
        tracker = self.tracker
        start = math.log1p(update)

        def follow(m: Mobject) -> None:
            a = (math.log1p(max(tracker.get_value(), 0.0)) - start) / REVEAL_SPAN
            m.set_opacity(min(max(a, 0.0), 1.0))

        mob.add_updater(follow)

"""Scenes of several runs on one clock: logarithmic time, and marks that fade in on cue."""

from __future__ import annotations

import math

import numpy as np
from manim import Mobject, ValueTracker, VMobject

from ..trajectory import Trajectory
from .base import GdScene

#: How long (in log1p of updates) a mark takes to fade in once its update is reached.
REVEAL_SPAN = 0.06
#: Resolution of the clock's timing curve.
TIMING_SAMPLES = 2049


class SharedClock(GdScene):
    """A scene whose runs share ``tracker`` (the update shown) and ``longest`` (the run with
    the most updates), so all of them are drawn at the same update."""

    tracker: ValueTracker
    longest: Trajectory

    def run_clock(self, n: int) -> None:
        """Play updates 0 to ``n`` in logarithmic time: each decade of updates gets the same
        share of the video, so the first big steps (and an early divergence) are seen, and
        20,000 updates cost what 100 do."""
        positions = self.longest.frame_positions(TIMING_SAMPLES, skew=1.0)
        times = np.linspace(0.0, 1.0, positions.size)

        def timing(t: float) -> float:
            return float(np.interp(t, times, positions)) / n

        self.play(
            self.tracker.animate.set_value(float(n)),
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

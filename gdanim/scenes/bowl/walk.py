"""The hiker-bowl timeline: how long each beat lasts, and the walk through the run's states.

The first steps are shown one at a time (feel, then step); the rest follow faster with the
trajectory's own frame timing, so the cost follows ``--duration`` and not the number of
updates. A diverging run is walked up to where it leaves the view, the rim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from manim import smooth

from ...trajectory import Trajectory
from ..widgets import clip_segments
from .geometry import BowlMap

# Timing, seconds.
RISE_TIME = 2.2
HIKER_IN_TIME = 0.9
FEEL_TIME = 1.2  # the first feel, as the loop's "feel" row lights up
BEAT_SHARE = 0.55  # of --duration for the steps shown one by one
MIN_BEAT = 0.55  # least seconds for one feel-then-step beat
MAX_BEATS = 3  # few enough that each feel lasts long enough to see what it feels
FEEL_SHARE = 0.5  # of a beat spent feeling the slope
FINALE_TIME = 1.0
OFF_RIM_TIME = 1.2
SETTLE_TIME = 2.8
FAST_FRAMES = 1025  # resolution of the fast part's timing curve

FEEL, STEP, REPEAT = 0, 1, 2


@dataclass(frozen=True)
class Moment:
    """Where the walk is at one instant."""

    s: float  # fractional state index
    phase: int  # FEEL, STEP or REPEAT
    feel: float  # 0..1 through the feel part of a beat
    progress: float  # 0..1 through the step part of a beat
    anchor: float  # state index the arrow starts from
    arrow_opacity: float
    fast: float  # 0..1 through the fast part (-1 during beats)


class Walk:
    """The timeline of the descent: beats of feel-then-step, then the fast remainder.

    ``at(t)`` for ``t`` in [0, 1] (the descent's play) gives the :class:`Moment`. A diverging
    run is shown up to the point where it leaves the view box (``exit``), the rim.
    """

    def __init__(self, traj: Trajectory, bowl: BowlMap, duration: float) -> None:
        self.traj = traj
        n = traj.n_updates
        view = bowl.view
        last = float(n)
        self.exit: float | None = None
        outside = [i for i in range(traj.n_states) if not view.contains(traj.w[i], traj.b[i])]
        if outside and outside[0] >= 1:
            j = outside[0]
            p = np.array([[traj.w[j - 1], traj.b[j - 1]]])
            q = np.array([[traj.w[j], traj.b[j]]])
            _, t1, ok = clip_segments(p, q, (view.w_min, view.w_max, view.b_min, view.b_max))
            f = float(t1[0]) if ok[0] else 0.0
            last = j - 1 + f
            self.exit = last
        self.last = last
        steps = math.ceil(last - 1e-9)
        room = max(1, int(duration * BEAT_SHARE / MIN_BEAT))
        self.beats = min(MAX_BEATS, steps, room)
        has_fast = steps > self.beats
        self.beat_time = duration * (BEAT_SHARE if has_fast else 1.0)
        self.duration = duration
        self.fast_time = duration - self.beat_time
        if self.beats:
            self.beat_dt = self.beat_time / self.beats
        else:
            self.beat_dt = 0.0
        if has_fast:
            lo = self.beats
            hi = min(math.ceil(last), n)
            tail = Trajectory(w=traj.w[lo : hi + 1], b=traj.b[lo : hi + 1])
            pos = tail.frame_positions(FAST_FRAMES)
            span = max(tail.n_updates, 1)
            self.fast_s = lo + pos * (last - lo) / span
        else:
            self.fast_s = np.array([last, last])
        self.fast_u = np.linspace(0.0, 1.0, self.fast_s.size)

    def at(self, t: float) -> Moment:
        time = min(max(t, 0.0), 1.0) * self.duration
        if self.beats and time < self.beat_time - 1e-9:
            i = min(int(time / self.beat_dt), self.beats - 1)
            local = time - i * self.beat_dt
            feel_t = self.beat_dt * FEEL_SHARE
            end = min(float(i + 1), self.last)
            if local < feel_t:
                return Moment(float(i), FEEL, local / feel_t, 0.0, float(i), 1.0, -1.0)
            p = (local - feel_t) / (self.beat_dt - feel_t)
            s = i + smooth(p) * (end - i)
            fade = max(0.0, 1.0 - 1.6 * p)
            return Moment(s, STEP, 1.0, p, float(i), fade, -1.0)
        if self.fast_time <= 0:
            return Moment(self.last, STEP, 1.0, 1.0, self.last, 0.0, -1.0)
        u = (time - self.beat_time) / self.fast_time
        s = float(np.interp(u, self.fast_u, self.fast_s))
        return Moment(s, REPEAT, 1.0, 0.0, s, 1.0, u)

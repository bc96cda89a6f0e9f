"""The walkers of hiker-bowl: the trail, the footprints, the downhill arrow and the hiker.

The downhill arrow is minus the recorded gradient in (w, b), drawn through the bowl's stretch
of w and b, so it points where a gradient-descent step goes; with unequal stretches it need
not cross the drawn level curves at a right angle (the descent-path contour map shares this).

One updater on the state tracker asks the :class:`~.walk.Walk` where the walk is at the
clock's value; the walkers' updaters draw that moment, each rewriting its points in place.
"""

from __future__ import annotations

import math

import numpy as np
from manim import Mobject, ValueTracker, VMobject, smooth

from ...trajectory import Trajectory
from .. import style
from ..style import Theme
from .camera import BowlCamera
from .figures import (
    ARROW_HEAD,
    ARROW_LENGTH,
    ARROW_STROKE,
    HIKER_SIZE,
    HIKER_STROKE,
    PRINT_LENGTH,
    PRINT_POINTS,
    PRINT_WIDTH,
    Hiker,
    HikerColors,
    SlopeArrow,
    footprint_beziers,
)
from .geometry import LIFT, DrapedPath, FloatArray, Ground, join_paths, rotate_towards
from .walk import FEEL, REPEAT, STEP, Moment, Walk

PRINT_SPACING = 0.24  # least distance between footprints, scene units
MAX_PRINTS = 60
TRAIL_SPACING = 0.02
TRAIL_SAMPLES = 8  # surface samples per kept step
OFF_RIM = 0.7  # how far the diverging hiker is seen walking past the rim
OFF_RIM_RISE = 0.25
#: The plumb line from the hiker's feet to the floor and the cross it marks there: the
#: hiker's height above the floor at every angle (seen from in front, a point high on the
#: near slope lies over the bowl's middle), and the point of the map under it.
DROP_STROKE = 1.6
DROP_OPACITY = 0.75
DROP_CROSS = 0.09  # half the cross's arm, scene units


def downhill(traj: Trajectory) -> tuple[FloatArray, FloatArray]:
    """Per state: the downhill direction (minus the gradient) in (w, b), and |gradient|.

    The recorded gradient is the optimizer's: on standardised x the bowl is drawn in the
    optimizer's coordinates (:func:`~.geometry.walked`), so it points where its step goes.
    """
    assert traj.dw is not None and traj.db is not None
    return np.column_stack([-traj.dw, -traj.db]), np.hypot(traj.dw, traj.db)


def spaced(xs: FloatArray, ys: FloatArray, end: int, spacing: float, first: int) -> FloatArray:
    """State indices up to ``end``: the first ``first`` ones, then ``spacing`` apart."""
    keep = list(range(min(first, end) + 1))
    lx, ly = xs[keep[-1]], ys[keep[-1]]
    for i in range(keep[-1] + 1, end + 1):
        if math.hypot(xs[i] - lx, ys[i] - ly) >= spacing or i == end:
            keep.append(i)
            lx, ly = xs[i], ys[i]
    return np.array(keep, dtype=np.float64)


def trail_to_rim(ground: Ground, traj: Trajectory, keep: FloatArray, exit_s: float) -> DrapedPath:
    """The trail up to the rim: the step that leaves the view ends at the view's edge."""
    idx = np.append(keep[keep < exit_s], exit_s)
    w, b = traj.at(idx)
    return DrapedPath(ground.bowl, ground.loss_at, idx, w, b, TRAIL_SAMPLES, LIFT)


class Walkers:
    """The trail, the prints, the arrow and the hiker, following ``walk`` as ``clock`` runs.

    ``state`` (the readout's tracker) takes the fractional state index of each moment, which
    is kept in ``now`` for the drawers and for anything else that follows the walk.
    """

    def __init__(
        self,
        ground: Ground,
        traj: Trajectory,
        walk: Walk,
        clock: ValueTracker,
        state: ValueTracker,
        cam: BowlCamera,
        theme: Theme,
        hiker_size: float = HIKER_SIZE,
    ) -> None:
        th = theme
        bw = ground.bowl
        loss_at = ground.loss_at
        self.walk = walk
        self.cam = cam
        self.bowl = bw
        self.traj = traj
        n_states = traj.n_states
        idx = np.arange(n_states, dtype=np.float64)
        end = min(math.ceil(walk.last - 1e-9), traj.n_updates)
        # Beyond the rim a diverging run has one more state, outside the view.
        xs, ys = bw.xy(traj.w, traj.b)
        steps = np.column_stack([np.diff(xs), np.diff(ys)])
        lengths = np.hypot(steps[:, 0], steps[:, 1])
        down, gnorm = downhill(traj)
        g0 = float(gnorm[0]) or 1.0

        def unit(v: np.ndarray) -> np.ndarray:
            d = bw.direction(float(v[0]), float(v[1]))
            return d if np.linalg.norm(d) > 0 else np.array([1.0, 0.0, 0.0])

        # Headings per step (display plane); a step of length 0 keeps the previous heading.
        prev = unit(down[0])
        headings = np.tile(prev, (max(len(steps), 1), 1))
        for i in range(len(steps)):
            if lengths[i] > 1e-12:
                prev = np.array([steps[i, 0] / lengths[i], steps[i, 1] / lengths[i], 0.0])
            headings[i] = prev
        cum = np.concatenate([[0.0], np.cumsum(lengths)])

        # Trail and prints: the beat steps always, later states once they are far enough apart.
        keep_trail = spaced(xs, ys, end, TRAIL_SPACING, walk.beats)
        trail_path = DrapedPath(
            bw, loss_at, keep_trail, traj.w[keep_trail.astype(int)],
            traj.b[keep_trail.astype(int)], TRAIL_SAMPLES, LIFT,
        )  # fmt: skip
        if walk.exit is not None:
            trail_path = trail_to_rim(ground, traj, keep_trail, walk.exit)
        spacing = PRINT_SPACING
        print_end = end if walk.exit is None else end - 1
        keep_prints = spaced(xs, ys, print_end, spacing, 0)
        while len(keep_prints) > MAX_PRINTS:
            spacing *= 1.5
            keep_prints = spaced(xs, ys, print_end, spacing, 0)
        k = keep_prints.astype(int)
        centres = bw.points(traj.w[k], traj.b[k], loss_at(traj.w[k], traj.b[k]))
        centres[:, 2] += LIFT
        print_heads = np.array([headings[max(i - 1, 0)] if i > 0 else unit(down[0]) for i in k])
        all_prints = footprint_beziers(centres, print_heads, PRINT_LENGTH, PRINT_WIDTH)

        trail = VMobject(stroke_color=th.path, stroke_width=style.PATH_STROKE * 0.8)
        trail.set_stroke(opacity=0.85)
        prints = VMobject(stroke_width=0).set_fill(th.path, 0.9)
        # A hiker drawn taller than HIKER_SIZE (a small bowl on screen) has its arrow grown
        # alike: at its own length the arrow was a stub under the hiker's feet.
        grown = max(hiker_size / HIKER_SIZE, 1.0)
        arrow = SlopeArrow(th.path, ARROW_STROKE, ARROW_HEAD * grown)
        colors = HikerColors(body=th.ink, blindfold=th.data, stick=th.muted, outline=th.background)
        hiker = Hiker(hiker_size, colors, HIKER_STROKE)
        drop = VMobject(stroke_color=th.muted, stroke_width=DROP_STROKE)
        drop.set_stroke(opacity=DROP_OPACITY)
        self.trail_path = trail_path
        self.print_index = keep_prints

        def position(s: float) -> np.ndarray:
            w, b = traj.at(s)
            p = bw.points(w, b, loss_at(w, b))[0]
            return p

        def heading_at(m: Moment) -> np.ndarray:
            if m.phase == FEEL:
                i = round(m.anchor)
                before = headings[i - 1] if i > 0 else unit(down[0])
                return rotate_towards(before, unit(down[min(i, n_states - 1)]), m.feel * 2)
            seg = min(max(math.floor(m.s), 0), len(headings) - 1)
            return headings[seg]

        def arrow_vector(s: float) -> tuple[np.ndarray, float]:
            gw = float(np.interp(s, idx, down[:, 0]))
            gb = float(np.interp(s, idx, down[:, 1]))
            g = float(np.interp(s, idx, gnorm))
            length = ARROW_LENGTH * grown * min(math.sqrt(g / g0), 1.0)
            return unit(np.array([gw, gb])), length

        self.position_at = position
        self.heading_at = heading_at

        def direct(tracker: Mobject) -> None:
            m = walk.at(clock.get_value())
            self.now = m
            tracker.set_value(m.s)

        def draw_trail(mob: Mobject) -> None:
            pts = trail_path.upto(self.now.s)
            mob.points = join_paths([pts]) if len(pts) >= 2 else np.zeros((0, 3))

        def draw_prints(mob: Mobject) -> None:
            count = int(np.searchsorted(keep_prints, self.now.s + 1e-9, side="right"))
            mob.points = all_prints[: count * PRINT_POINTS]

        def draw_arrow(mob: Mobject) -> None:
            m = self.now
            start = position(m.anchor)
            d, length = arrow_vector(m.anchor)
            if m.phase == FEEL:
                # The first feel may have begun before the walk (while the loop's "feel"
                # row is first highlighted): ``felt`` keeps that arrow grown.
                feel = max(m.feel, self.felt) if round(m.anchor) == 0 else m.feel
                length *= smooth(min(feel * 1.6, 1.0))
            tip_w, tip_b = bw.wb(start[0] + d[0] * length, start[1] + d[1] * length)
            tip = bw.points(tip_w, tip_b, loss_at(tip_w, tip_b))[0]
            lift = np.array([0.0, 0.0, LIFT * 2])
            arrow.put(start + lift, tip + lift, cam.axes_in_world()[2], m.arrow_opacity)

        def draw_hiker(mob: Mobject) -> None:
            m = self.now
            if m.phase == STEP:
                swing = math.sin(math.pi * m.progress)
            elif m.phase == REPEAT:
                dist = float(np.interp(m.s, idx, cum)) - float(cum[walk.beats])
                taper = min(1.0, (1.0 - m.fast) / 0.08)
                swing = math.sin(2 * math.pi * dist / (hiker_size * 0.9)) * taper
            else:
                swing = 0.0
            hiker.pose(position(m.s), heading_at(m), swing, cam.axes_in_world())

        def draw_drop(mob: Mobject) -> None:
            foot = position(self.now.s)
            base = np.array([foot[0], foot[1], bw.floor])
            dx, dy = np.array([DROP_CROSS, 0, 0]), np.array([0, DROP_CROSS, 0])
            mob.points = join_paths(
                [
                    np.array([base, foot]),
                    np.array([base - dx, base + dx]),
                    np.array([base - dy, base + dy]),
                ]
            )

        self.now = walk.at(0.0)
        self.felt = 0.0
        self.drawers = [
            (trail, draw_trail), (prints, draw_prints), (drop, draw_drop), (arrow, draw_arrow),
            (hiker, draw_hiker),
        ]  # fmt: skip
        state.add_updater(direct)
        for mob, draw in self.drawers:
            mob.add_updater(draw)
        for each in (state, trail, prints, drop, arrow, hiker):
            each.update(0)
        self.drop = drop
        self.trail = trail
        self.prints = prints
        self.hiker = hiker
        self.arrow = arrow

    def show_moment(self, t: float) -> None:
        """Put the walkers where the descent's play has them at fraction ``t``."""
        self.now = self.walk.at(t)
        for mob, draw in self.drawers:
            draw(mob)

    def step_off_rim(self, color: str) -> ValueTracker:
        """Take the hiker off the walk: :meth:`place_off_rim` follows the tracker returned as
        it goes from 0 to 1, and the downhill arrow gives way to ``warn_arrow`` in ``color``."""
        off = ValueTracker(0.0)
        self.hiker.clear_updaters()
        self.arrow.clear_updaters()
        self.arrow.set_opacity_parts(0.0)
        # The plumb line stays at the rim with the trail's end; the hiker walks on from it.
        self.warn_arrow = SlopeArrow(color, ARROW_STROKE, ARROW_HEAD)

        def step_off(_: Mobject) -> None:
            self.place_off_rim(off.get_value())

        self.hiker.add_updater(step_off)
        return off

    def place_off_rim(self, u: float) -> None:
        """The hiker ``u`` of the way from the rim to gone, and the arrow growing at the rim."""
        bw = self.bowl
        traj = self.traj
        exit_s = self.walk.exit
        assert exit_s is not None
        j = math.floor(exit_s)
        rim = self.position_at(exit_s)
        d = bw.direction(float(traj.w[j + 1] - traj.w[j]), float(traj.b[j + 1] - traj.b[j]))
        screen = self.cam.axes_in_world()
        foot = rim + d * OFF_RIM * u
        foot[2] = rim[2] + OFF_RIM_RISE * u
        self.hiker.pose(foot, d, math.sin(2 * math.pi * u), screen)
        self.hiker.set_opacity(max(0.0, 1.0 - u))
        self.warn_arrow.put(rim, rim + d * ARROW_LENGTH * u, screen[2], min(1.0, 2 * u))

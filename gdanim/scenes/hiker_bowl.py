"""hiker-bowl: a blindfolded hiker feels the slope and walks down the 3D loss bowl.

The lesson's picture of gradient descent: stand somewhere on the loss surface, feel which way
is downhill (minus the gradient), take a small step, repeat. The first steps are shown one at a
time (feel, then step); the rest follow faster with the trajectory's own frame timing, so the
cost follows ``--duration`` and not the number of updates. The camera orbits while the hiker
walks, then settles straight above the bowl, where the level curves become the contour map the
descent-path scene starts from (w to the right, b up).

The bowl stretches w and b onto one square and eases the height (:mod:`.bowl.geometry` says
how). The downhill arrow is minus the recorded gradient in (w, b), drawn through the same
stretch, so it points where a gradient-descent step goes; with unequal stretches of w and b it
need not cross the drawn level curves at a right angle (the descent-path contour map shares
this).

Render with ``gdanim render hiker-bowl`` or ``manim render -ql scenes/hiker_bowl.py HikerBowl``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    FadeIn,
    FadeOut,
    Mobject,
    Restore,
    Text,
    ThreeDScene,
    ValueTracker,
    VGroup,
    VMobject,
    Wait,
    linear,
    smooth,
)

from ..pipeline.prepare import SceneInputs
from ..trajectory import Trajectory
from . import style
from .base import Box, GdScene
from .bowl.camera import BowlCamera, CameraPlan, tween
from .bowl.figures import (
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
from .bowl.geometry import LIFT, DrapedPath, Ground, join_paths, rotate_towards
from .bowl.pieces import Floor, bowl_pieces, fit_points, floor_pieces, level_paths
from .bowl.side import SideText, closing_note, split_body
from .bowl.walk import (
    FEEL,
    FINALE_TIME,
    HIKER_IN_TIME,
    OFF_RIM_TIME,
    REPEAT,
    RISE_TIME,
    SETTLE_TIME,
    STEP,
    Moment,
    Walk,
)
from .widgets import Readout, fmt

# ------------------------------------------------------------------------------ layout
PRINT_SPACING = 0.24  # least distance between footprints, scene units
MAX_PRINTS = 60
TRAIL_SPACING = 0.02
TRAIL_SAMPLES = 8  # surface samples per kept step
OFF_RIM = 0.7  # how far the diverging hiker is seen walking past the rim
OFF_RIM_RISE = 0.25


# ------------------------------------------------------------------------------ rates


def early(t: float) -> float:
    """Done in the first third."""
    return smooth(min(1.0, 3.0 * t))


def late(t: float) -> float:
    """Only in the last third."""
    return smooth(max(0.0, 3.0 * t - 2.0))


# ------------------------------------------------------------------------------ the scene


class HikerBowl(GdScene, ThreeDScene):
    """The loss as a wire bowl, a hiker walking it down, then the view from straight above."""

    scene_name = "hiker-bowl"

    def __init__(self, inputs: SceneInputs, **kwargs: Any) -> None:
        super().__init__(inputs, camera_class=BowlCamera, **kwargs)

    def get_moving_mobjects(self, *animations: Any) -> list[Mobject]:
        """While the camera moves, manim's 3D scene repaints everything each frame; the
        fixed-in-frame text added before the bowl does not move with it, so it stays in the
        static picture painted once per play()."""
        moving = super().get_moving_mobjects(*animations)
        if moving is not self.mobjects:  # the camera stands still
            return moving
        fixed = self.cam.fixed_in_frame_mobjects
        family = self.get_mobject_family_members()
        i = next((k for k, m in enumerate(family) if m not in fixed), len(family))
        return family[i:]

    @property
    def cam(self) -> BowlCamera:
        cam = self.renderer.camera
        assert isinstance(cam, BowlCamera)
        return cam

    # ------------------------------------------------------------------ construct
    def construct(self) -> None:
        inputs = self.inputs
        traj = inputs.trajectory
        title, body = self.title_block(
            f"The blindfolded hiker on {inputs.dataset.name}", self.run_summary()
        )
        state = ValueTracker(0.0)
        readout = Readout(traj, state, self.theme, max_width=body.w)
        readout_box, rest = self.split_readout(body, readout.height)
        side = self.side = SideText(self.theme)
        message = closing_note(inputs, self.theme)
        bowl_box, text_box = split_body(rest, side.text.height + style.GAP * 1.5 + message.height)
        self.bowl_box = bowl_box
        highlight = side.place(text_box)
        self.setup_geometry(bowl_box)
        walk = Walk(traj, self.bowl, inputs.spec.duration)
        self.walk = walk

        floor = floor_pieces(self.bowl, self.levels, self.plan, self.theme)
        mesh, rim, curves, star = bowl_pieces(
            self.ground, self.levels, inputs.landscape.optimum, self.theme
        )
        self.add_fixed_in_frame_mobjects(title, side.loop, side.legend)
        self.add(floor.fill, floor.outline, floor.shadows)
        labels = [*floor.ticks, *floor.ends, floor.loss_label]
        self.add(*labels)
        self.remove(floor.loss_label)
        loss_axis = VGroup(floor.axis, floor.loss_label)
        self.add(mesh, rim, curves, star)
        with self.captioned(self.caption_start()):
            self.intro(VGroup(mesh, rim, curves, star), loss_axis)

            clock = ValueTracker(0.0)
            trail, prints, arrow, hiker = self.walkers(traj, walk, clock, state)
            readout.move_to(np.array([readout_box.x, readout_box.y, 0]))
            if readout.width > readout_box.w:
                readout.scale_to_fit_width(readout_box.w)
            self.add(state, trail, prints, arrow)
            self.add(hiker)
            self.add_fixed_in_frame_mobjects(readout, highlight)
            boxes = side.boxes

            def follow_phase(mob: Mobject) -> None:
                mob.points = boxes[self.now.phase].points.copy()

            highlight.add_updater(follow_phase)
            hiker.suspend_updating()
            self.play(
                FadeIn(hiker), FadeIn(readout), FadeIn(highlight), *self.plan.move("enter"),
                run_time=HIKER_IN_TIME,
            )  # fmt: skip
            hiker.resume_updating()
        with self.captioned(self.caption_walk()):
            self.play(
                tween(clock, 1.0, linear),
                *self.plan.move("walk"),
                run_time=inputs.spec.duration,
            )
        if message.width > text_box.w:
            message.scale_to_fit_width(text_box.w)
        with self.captioned(self.caption_end(message)):
            self.finale(hiker, arrow, message)
            self.settle(mesh, floor, loss_axis, highlight)
            for m in (state, trail, prints, arrow, hiker, readout, highlight):
                m.clear_updaters()
            self.play(Wait(style.HOLD_TIME))

    # ------------------------------------------------------------------ captions
    def caption_start(self) -> str:
        t = self.inputs.trajectory
        assert t.loss is not None
        return (
            f"Blindfolded on the loss bowl of {self.inputs.dataset.name}, the hiker starts at "
            f"w = {fmt(float(t.w[0]))}, b = {fmt(float(t.b[0]))}, where the loss is "
            f"{fmt(float(t.loss[0]))}. It can only feel which way is downhill."
        )

    def caption_walk(self) -> str:
        lr = fmt(self.inputs.runs[0].lr, 3)
        how = (
            "too long: each lands higher on the far side, and the next is longer still."
            if self.inputs.trajectory.diverged
            else "long where the ground is steep, shorter as it flattens."
        )
        return f"Each step goes against the slope it feels, scaled by the learning rate {lr}: {how}"

    def caption_end(self, message: Text) -> str:
        said = " ".join(message.original_text.split())
        top = "From straight above, the level curves are the contour map."
        return f"{said[0].upper()}{said[1:]}. {top}"

    # ------------------------------------------------------------------ geometry
    def setup_geometry(self, bowl_box: Box) -> None:
        """The bowl's ground, its level curves and the camera's plan to keep it in ``bowl_box``."""
        inputs = self.inputs
        self.ground = Ground.from_inputs(inputs)
        self.bowl = self.ground.bowl
        self.loss_at = self.ground.loss_at
        self.levels = level_paths(inputs.landscape, self.bowl, self.theme)
        points = fit_points(self.ground, inputs.trajectory)
        self.plan = CameraPlan(self.cam, points, bowl_box, self.bowl.half, inputs.spec.duration)

    # ------------------------------------------------------------------ the walkers
    def downhill(self, traj: Trajectory) -> tuple[np.ndarray, np.ndarray]:
        """Per state: the downhill direction (minus the gradient) in (w, b), and |gradient|.

        With standardised x the recorded gradient is the optimizer's; the chain rule turns
        its step into one of the line's ``(w, b)``.
        """
        assert traj.dw is not None and traj.db is not None
        gw, gb = -traj.dw, -traj.db
        std = self.inputs.standardized
        if traj.w_opt is not None and std is not None:
            mu, sd = std.x_mean, std.x_std
            gw, gb = gw / sd, gb - gw * mu / sd
        return np.column_stack([gw, gb]), np.hypot(traj.dw, traj.db)

    def walkers(
        self, traj: Trajectory, walk: Walk, clock: ValueTracker, state: ValueTracker
    ) -> tuple[VMobject, VMobject, SlopeArrow, Hiker]:
        th = self.theme
        bw = self.bowl
        cam = self.cam
        n_states = traj.n_states
        idx = np.arange(n_states, dtype=np.float64)
        end = min(math.ceil(walk.last - 1e-9), traj.n_updates)
        # Beyond the rim a diverging run has one more state, outside the view.
        xs, ys = bw.xy(traj.w, traj.b)
        steps = np.column_stack([np.diff(xs), np.diff(ys)])
        lengths = np.hypot(steps[:, 0], steps[:, 1])
        down, gnorm = self.downhill(traj)
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
        keep_trail = self.spaced(xs, ys, end, TRAIL_SPACING, walk.beats)
        trail_path = DrapedPath(
            bw, self.loss_at, keep_trail, traj.w[keep_trail.astype(int)],
            traj.b[keep_trail.astype(int)], TRAIL_SAMPLES, LIFT,
        )  # fmt: skip
        if walk.exit is not None:
            trail_path = self.trail_to_rim(trail_path, keep_trail, walk.exit)
        spacing = PRINT_SPACING
        print_end = end if walk.exit is None else end - 1
        keep_prints = self.spaced(xs, ys, print_end, spacing, 0)
        while len(keep_prints) > MAX_PRINTS:
            spacing *= 1.5
            keep_prints = self.spaced(xs, ys, print_end, spacing, 0)
        k = keep_prints.astype(int)
        centres = bw.points(traj.w[k], traj.b[k], self.loss_at(traj.w[k], traj.b[k]))
        centres[:, 2] += LIFT
        print_heads = np.array([headings[max(i - 1, 0)] if i > 0 else unit(down[0]) for i in k])
        all_prints = footprint_beziers(centres, print_heads, PRINT_LENGTH, PRINT_WIDTH)

        trail = VMobject(stroke_color=th.path, stroke_width=style.PATH_STROKE * 0.8)
        trail.set_stroke(opacity=0.85)
        prints = VMobject(stroke_width=0).set_fill(th.path, 0.9)
        arrow = SlopeArrow(th.fit, ARROW_STROKE, ARROW_HEAD)
        colors = HikerColors(body=th.ink, blindfold=th.data, stick=th.muted, outline=th.background)
        hiker = Hiker(HIKER_SIZE, colors, HIKER_STROKE)
        self.trail_path = trail_path
        self.print_index = keep_prints

        def position(s: float) -> np.ndarray:
            w, b = traj.at(s)
            p = bw.points(w, b, self.loss_at(w, b))[0]
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
            length = ARROW_LENGTH * min(math.sqrt(g / g0), 1.0)
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
                length *= smooth(min(m.feel * 1.6, 1.0))
            tip_w, tip_b = bw.wb(start[0] + d[0] * length, start[1] + d[1] * length)
            tip = bw.points(tip_w, tip_b, self.loss_at(tip_w, tip_b))[0]
            lift = np.array([0.0, 0.0, LIFT * 2])
            arrow.put(start + lift, tip + lift, cam.axes_in_world()[2], m.arrow_opacity)

        def draw_hiker(mob: Mobject) -> None:
            m = self.now
            if m.phase == STEP:
                swing = math.sin(math.pi * m.progress)
            elif m.phase == REPEAT:
                dist = float(np.interp(m.s, idx, cum)) - float(cum[walk.beats])
                taper = min(1.0, (1.0 - m.fast) / 0.08)
                swing = math.sin(2 * math.pi * dist / (HIKER_SIZE * 0.9)) * taper
            else:
                swing = 0.0
            hiker.pose(position(m.s), heading_at(m), swing, cam.axes_in_world())

        self.now = walk.at(0.0)
        self.drawers = [
            (trail, draw_trail), (prints, draw_prints), (arrow, draw_arrow), (hiker, draw_hiker)
        ]  # fmt: skip
        state.add_updater(direct)
        for mob, draw in self.drawers:
            mob.add_updater(draw)
        for each in (state, trail, prints, arrow, hiker):
            each.update(0)
        self.hiker = hiker
        self.arrow = arrow
        return trail, prints, arrow, hiker

    def show_moment(self, t: float) -> None:
        """Put the walkers where the descent's play has them at fraction ``t``."""
        self.now = self.walk.at(t)
        for mob, draw in self.drawers:
            draw(mob)

    @staticmethod
    def spaced(xs: np.ndarray, ys: np.ndarray, end: int, spacing: float, first: int) -> np.ndarray:
        """State indices up to ``end``: the first ``first`` ones, then ``spacing`` apart."""
        keep = list(range(min(first, end) + 1))
        lx, ly = xs[keep[-1]], ys[keep[-1]]
        for i in range(keep[-1] + 1, end + 1):
            if math.hypot(xs[i] - lx, ys[i] - ly) >= spacing or i == end:
                keep.append(i)
                lx, ly = xs[i], ys[i]
        return np.array(keep, dtype=np.float64)

    def trail_to_rim(self, path: DrapedPath, keep: np.ndarray, exit_s: float) -> DrapedPath:
        """The trail up to the rim: the step that leaves the view ends at the view's edge."""
        traj = self.inputs.trajectory
        idx = np.append(keep[keep < exit_s], exit_s)
        w, b = traj.at(idx)
        return DrapedPath(self.bowl, self.loss_at, idx, w, b, TRAIL_SAMPLES, LIFT)

    # ------------------------------------------------------------------ beats
    def intro(self, bowl: VGroup, axis: VGroup) -> None:
        """The floor and its contour shadows, then the bowl rises out of them."""
        f = self.bowl.floor
        bowl.save_state()
        bowl.stretch(0.02, 2, about_point=np.array([0.0, 0.0, f]))
        self.play(Restore(bowl), FadeIn(axis), *self.plan.move("rise"), run_time=RISE_TIME)

    def finale(self, hiker: Hiker, arrow: SlopeArrow, message: Text) -> None:
        """The closing note; a diverging hiker first walks off the rim."""
        self.place_note(message)
        if self.walk.exit is not None:
            self.walk_off(hiker, arrow, message)
        else:
            self.play(FadeIn(message), run_time=FINALE_TIME)

    def place_note(self, message: Text) -> None:
        message.next_to(self.side.text, DOWN, buff=style.GAP, aligned_edge=LEFT)
        self.add_fixed_in_frame_mobjects(message)
        self.remove(message)

    def walk_off(self, hiker: Hiker, arrow: SlopeArrow, message: Text) -> None:
        """The diverging hiker steps past the rim and is gone; an arrow marks where."""
        off = ValueTracker(0.0)
        hiker.clear_updaters()
        arrow.clear_updaters()
        arrow.set_opacity_parts(0.0)
        self.warn_arrow = SlopeArrow(self.theme.warn, ARROW_STROKE, ARROW_HEAD)

        def step_off(_: Mobject) -> None:
            self.place_off_rim(off.get_value())

        hiker.add_updater(step_off)
        self.add(self.warn_arrow)
        self.play(off.animate.set_value(1.0), FadeIn(message), run_time=OFF_RIM_TIME)
        hiker.clear_updaters()

    def place_off_rim(self, u: float) -> None:
        """The hiker ``u`` of the way from the rim to gone, and the arrow growing at the rim."""
        bw = self.bowl
        traj = self.inputs.trajectory
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

    def settle(self, mesh: VMobject, floor: Floor, loss_axis: VGroup, highlight: VMobject) -> None:
        """The camera comes to rest straight above: the level curves become the contour map."""
        names = floor.names
        self.play(
            *self.plan.move("settle"),
            mesh.animate.set_stroke(opacity=0.18),
            floor.fill.animate.set_fill(opacity=1.0),
            FadeOut(loss_axis, rate_func=early),
            FadeOut(VGroup(*floor.ends), rate_func=early),
            FadeIn(VGroup(*names), rate_func=late),
            FadeOut(highlight),
            run_time=SETTLE_TIME,
        )

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

Render with ``gdanim render hiker-bowl`` (or ``gdanim.render`` from Python): the scene is
given its inputs, the trained run and its surface, by :mod:`gdanim.pipeline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
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

from ..numbers import series_format
from ..pipeline.prepare import SceneInputs
from . import style
from .base import Box, GdScene
from .bowl.camera import FIT_MARGIN, BowlCamera, CameraPlan, tween
from .bowl.figures import HIKER_SIZE
from .bowl.geometry import Ground, walked
from .bowl.pieces import (
    B_NAME_ASIDE,
    Floor,
    bowl_pieces,
    end_spread,
    fit_points,
    floor_pieces,
    level_paths,
    scale_note_room,
)
from .bowl.side import (
    SIDE_WIDTH,
    STRIP_EDGE_GAP,
    SideText,
    closing_note,
    in_strips,
    rim_update,
    side_beside,
    side_width,
    split_body,
    strips,
)
from .bowl.walk import (
    FEEL,
    FEEL_TIME,
    FINALE_TIME,
    HIKER_IN_TIME,
    OFF_RIM_TIME,
    RISE_TIME,
    SETTLE_TIME,
    Walk,
)
from .bowl.walkers import Walkers
from .widgets import Readout, fmt

#: Between the readout and the bowl's box and the text above it.
READOUT_CLEARANCE = 0.2
#: The hiker's least height on screen, scene units (27 px at 480p).
HIKER_LEAST = 0.45
#: Of the framing's margin, what a bowl beside a narrow column keeps (a little more).
NARROW_MARGIN = 1.2
#: In a square frame, the most of the band's width the legend at the bowl's side takes.
ASIDE_SHARE = 0.4

# ------------------------------------------------------------------------------ rates


def early(t: float) -> float:
    """Done in the first third."""
    return smooth(min(1.0, 3.0 * t))


def late(t: float) -> float:
    """Only in the last third."""
    return smooth(max(0.0, 3.0 * t - 2.0))


@dataclass
class Layout:
    """Where the text and the bowl go: the loop and legend, the closing note, the bowl's
    box, the box of the loop (and of the note after it), in rows the legend's box and the
    box the map from above takes as the legend goes; the camera's plan for it, once made."""

    side: SideText
    message: Text
    bowl_box: Box
    text_box: Box
    below: Box | None = None
    top_box: Box | None = None
    #: The camera's plan for this layout and the hiker's size in it, once made.
    plan: CameraPlan | None = None
    hiker_size: float = 0.0


# ------------------------------------------------------------------------------ the scene


class HikerBowl(GdScene, ThreeDScene):
    """The loss as a wire bowl, a hiker walking it down, then the view from straight above."""

    scene_name = "hiker-bowl"

    def __init__(self, inputs: SceneInputs | None = None, **kwargs: Any) -> None:
        super().__init__(inputs, camera_class=BowlCamera, **kwargs)

    def get_moving_mobjects(self, *animations: Any) -> list[Mobject]:
        """While the camera moves, manim's 3D scene repaints everything each frame; the
        fixed-in-frame text added before the bowl does not move with it, so it stays in the
        static picture painted once per play(), up to the first text an animation changes
        (the loop fading out in a square frame: painted once, it stayed whole under the
        note fading in, then was gone at once)."""
        moving = super().get_moving_mobjects(*animations)
        if moving is not self.mobjects:  # the camera stands still
            return moving
        fixed = self.cam.fixed_in_frame_mobjects
        animated = {id(m) for a in animations for m in a.mobject.get_family()}
        family = self.get_mobject_family_members()
        i = next(
            (k for k, m in enumerate(family) if m not in fixed or id(m) in animated), len(family)
        )
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
        # Where the data's name makes the title too long, the subtitle names the file.
        title, body = self.title_block(
            [f"The blindfolded hiker on {inputs.dataset.name}", "The blindfolded hiker"],
            self.run_summary(),
        )
        state = self.state = ValueTracker(0.0)
        # On standardised x the floor is in the optimizer's w′, b′: the readout follows the
        # hiker in them, and a row under it gives the line on the data (whose intercept may
        # run the other way: b = b′ − w′·mean/sd).
        on_data = traj if inputs.on_map is not None else None
        readout = self.readout = Readout(
            walked(inputs), state, self.theme, max_width=body.w, line=on_data
        )
        readout_box, rest = self.split_readout(body, readout.height)
        # The floor's tick labels (outside the fitted bowl) and the note keep clear of it.
        rest = Box(rest.x, rest.y + READOUT_CLEARANCE / 2, rest.w, rest.h - READOUT_CLEARANCE)
        self.rest = rest
        self.setup_ground()
        layout = self.lay_out(rest)
        if in_strips(rest):
            # A square frame: the loop and the legend in rows above and below the bowl where
            # that shows the bowl larger than a column beside it does (a bowl seen from the
            # side is wide: with a tall readout, rows leave it less height than it gains).
            # Or the loop above and the legend at the bowl's side. The one that shows the
            # bowl largest.
            tries = [layout, self.lay_out(rest, rows=True), self.lay_out(rest, aside=True)]
            zooms = []
            for t in tries:
                self.setup_geometry(t)
                zooms.append(self.plan.zoom_3d)
            layout = tries[int(np.argmax(zooms))]
            self.setup_geometry(layout)
        else:
            self.setup_geometry(layout)
        self.layout = layout
        side, message = self.side, layout.message
        text_box, below = layout.text_box, layout.below
        highlight = side.place(text_box, below)
        self.walk = Walk(self.walked, self.bowl, inputs.spec.duration)
        floor, bowl = self.set_stage(title)
        self.floor = floor
        loss_axis = VGroup(floor.axis, floor.loss_label)
        with self.captioned(self.caption_start()):
            self.intro(bowl, loss_axis)
            clock = ValueTracker(0.0)
            walkers = self.enter(clock, state, readout, readout_box, highlight)
        with self.captioned(self.caption_walk()):
            self.play(
                tween(clock, 1.0, linear),
                *self.plan.move("walk"),
                run_time=inputs.spec.duration,
            )
        if message.width > text_box.w:
            message.scale_to_fit_width(text_box.w)
        with self.captioned(self.caption_end(message)):
            self.finale(message, highlight)
            self.settle(bowl[0], floor, loss_axis, highlight)
            moving = (walkers.trail, walkers.prints, walkers.drop, walkers.arrow, walkers.hiker)
            for m in (state, *moving, readout, highlight):
                m.clear_updaters()
            self.play(Wait(style.HOLD_TIME))

    # ------------------------------------------------------------------ subtitle
    def run_summary(self) -> str:
        """The subtitle; beside a narrow column (a square frame) in two lines, with x's mean,
        sd and condition number left to the first caption, so the bowl keeps the height."""
        line = super().run_summary()
        first, _, std_note = line.partition("\n")
        std = self.inputs.standardized
        if std is None or std.features or not side_beside() or side_width(self.frame) >= SIDE_WIDTH:
            return line
        self._standardising_to_say = True
        return f"{first}  ·  {std_note.split(':')[0]}"

    def with_data_note(self, text: str) -> str:
        """``text``; the first caption also gives what the subtitle left out."""
        out = super().with_data_note(text)
        std = self.inputs.standardized
        if std is None or not getattr(self, "_standardising_to_say", False):
            return out
        self._standardising_to_say = False
        mu, sd = std.x_mean, std.x_std
        assert not isinstance(mu, tuple) and not isinstance(sd, tuple)
        return (
            f"{out} Standardising x (mean {fmt(mu, 3)}, sd {fmt(sd, 3)}) takes the condition "
            f"number from {fmt(std.condition_raw, 3)} to {fmt(std.condition, 3)}."
        )

    # ------------------------------------------------------------------ captions
    def caption_start(self) -> str:
        t = self.inputs.trajectory
        assert t.loss is not None
        return (
            f"Blindfolded on the loss bowl of {self.inputs.dataset.name}, the hiker starts at "
            f"w = {fmt(float(t.w[0]))}, b = {fmt(float(t.b[0]))}, where the loss is "
            f"{series_format(t.loss)(float(t.loss[0]))}. It can only feel which way is downhill."
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

    # ------------------------------------------------------------------ building
    def lay_out(self, rest: Box, rows: bool = False, aside: bool = False) -> Layout:
        """The text and the bowl's box in ``rest``: in a column beside the bowl (below it in
        portrait), or in ``rows`` above and below it, or (``aside``) the loop in a row above
        and the legend in a column at the bowl's side, in the band's room a bowl seen from
        the side leaves (the bowl then has the height the legend's row took)."""
        inputs = self.inputs
        if aside:
            side = SideText(self.theme, rest.w, strip=True, aside=True)
            message = closing_note(inputs, self.theme, width=rest.w)
            top = max(side.loop.height, message.height)
            text_box, band = rest.split_v(top, rest.h - top - STRIP_EDGE_GAP, gap=STRIP_EDGE_GAP)
            column = min(side.legend.width, band.w * ASIDE_SHARE)
            legend_box, bowl_box = band.split_h(column, band.w - column - style.GAP)
            # The legend goes as the camera settles: the map from above has the band.
            return Layout(side, message, bowl_box, text_box, legend_box, band)
        if rows:
            # The loop in a row above the bowl, the legend in one below it, the bowl all the
            # width between; the closing note takes the loop's place.
            side = SideText(self.theme, rest.w, strip=True)
            message = closing_note(inputs, self.theme, width=rest.w)
            top = max(side.loop.height, message.height)
            text_box, bowl_box, below = strips(rest, top, side.legend.height)
            # The legend goes as the camera settles: the map from above has its room.
            bottom = below.y - below.h / 2
            top_box = Box(
                bowl_box.x, (bowl_box.top + bottom) / 2, bowl_box.w, bowl_box.top - bottom
            )
            return Layout(side, message, bowl_box, text_box, below, top_box)
        side = SideText(self.theme, side_width(rest))
        message = closing_note(inputs, self.theme)
        if side.note_for_loop:
            # A square frame: the column only as wide as its text, the bowl all the rest of
            # the height beside it; the closing note takes the loop's place at the end.
            text_h = side.text.height
            column = min(side_width(rest), max(side.text.width, message.width))
            bowl_box, text_box = split_body(rest, text_h, column)
        else:
            text_h = side.text.height + side.note_gap * 1.5 + message.height
            bowl_box, text_box = split_body(rest, text_h)
        if not side.narrow and text_h > text_box.h:
            # A long subtitle leaves the column short: its rows close up.
            side = SideText(self.theme, side_width(rest), short=True)
            text_h = side.text.height + side.note_gap * 1.5 + message.height
            bowl_box, text_box = split_body(rest, text_h)
        if not side.narrow and text_h > text_box.h:
            # Still short (a 4:3 frame over a readout of two rows): the closing note takes
            # the loop's place at the end, as in a square frame, not the room under it.
            side.note_for_loop = True
            text_h = side.text.height
            bowl_box, text_box = split_body(rest, text_h)
        if side.narrow and text_h > text_box.h:
            # A long subtitle or a tall readout leaves the column short: the loop's heading
            # takes one line; then the text shrinks rather than run into the readout.
            side = SideText(self.theme, side_width(rest), short=True)
            text_h = side.text.height
            column = min(side_width(rest), max(side.text.width, message.width))
            bowl_box, text_box = split_body(rest, text_h, column)
        if side.narrow and text_h > text_box.h:
            side.text.scale(text_box.h / text_h)
            message.scale(text_box.h / text_h)
        return Layout(side, message, bowl_box, text_box)

    def setup_ground(self) -> None:
        """The bowl's ground, the walk and the level curves, whatever the layout."""
        inputs = self.inputs
        self.ground = Ground.from_inputs(inputs)
        self.bowl = self.ground.bowl
        # On standardised x the bowl, its level curves and the walk are in the optimizer's
        # coordinates (a round bowl); the readout stays in data units.
        self.walked = walked(inputs)
        self.levels = level_paths(inputs.map, self.bowl, self.theme)

    def setup_geometry(self, layout: Layout) -> None:
        """The camera's plan to keep the bowl in the layout's bowl box (made once per
        layout); the layout's text becomes the scene's."""
        inputs = self.inputs
        self.side = layout.side
        self.bowl_box = bowl_box = layout.bowl_box
        # Beside a narrow column the bowl's box is as narrow as it is: the b name keeps to
        # its axis's line rather than take width from the bowl.
        self.b_aside = 0.0 if self.side.narrow else B_NAME_ASIDE
        if layout.plan is not None:
            self.plan, self.hiker_size = layout.plan, layout.hiker_size
            self.cam.set_pose(self.plan.poses["start"])
            return
        ground, path = self.ground, self.walked
        size = HIKER_SIZE
        reach = {
            "b_aside": self.b_aside,
            "name_spread": end_spread(self.theme, inputs.on_map is not None),
        }
        for _ in range(2):
            # A hiker at least HIKER_LEAST tall on screen in the widest view: in a small box
            # it stands taller on the bowl, and the framing keeps room for it.
            self.plan = CameraPlan(
                self.cam,
                partial(fit_points, ground, path, hiker_size=size, **reach),
                bowl_box,
                self.bowl.half,
                inputs.spec.duration,
                scale_note_room(self.bowl, self.theme),
                # A box the bowl fills across (beside a narrow column) leaves the camera's
                # moves between the fitted poses a little more room at its sides.
                FIT_MARGIN * (NARROW_MARGIN if self.side.narrow else 1.0),
                layout.top_box,
            )
            size = max(HIKER_SIZE, HIKER_LEAST / self.plan.zoom_3d)
        self.hiker_size = size
        layout.plan, layout.hiker_size = self.plan, size

    def set_stage(self, title: VGroup) -> tuple[Floor, VGroup]:
        """The still picture: the title, loop and legend fixed in the frame, the floor with
        its labels, and over it the bowl (mesh, rim, level curves, star) to rise."""
        floor = floor_pieces(
            self.bowl, self.levels, self.plan, self.theme, self.inputs.on_map is not None,
            self.b_aside,
        )  # fmt: skip
        mesh, rim, curves, star = bowl_pieces(
            self.ground, self.levels, self.inputs.map.optimum, self.theme
        )
        self.add_fixed_in_frame_mobjects(title, self.side.loop, self.side.legend)
        self.add(floor.fill, floor.outline, floor.shadows)
        self.add(*floor.ticks, *floor.ends, floor.loss_label)
        self.remove(floor.loss_label)  # it comes in with the loss axis
        self.add(mesh, rim, curves, star)
        return floor, VGroup(mesh, rim, curves, star)

    # ------------------------------------------------------------------ beats
    def intro(self, bowl: VGroup, axis: VGroup) -> None:
        """The floor and its contour shadows, then the bowl rises out of them."""
        f = self.bowl.floor
        bowl.save_state()
        bowl.stretch(0.02, 2, about_point=np.array([0.0, 0.0, f]))
        self.play(Restore(bowl), FadeIn(axis), *self.plan.move("rise"), run_time=RISE_TIME)

    def enter(
        self,
        clock: ValueTracker,
        state: ValueTracker,
        readout: Readout,
        readout_box: Box,
        highlight: VMobject,
    ) -> Walkers:
        """The hiker, the readout and the loop's highlight come in as the camera turns to the
        walk; from here the walkers follow ``clock`` and the highlight the walk's phase."""
        walkers = self.walkers = Walkers(
            self.ground, self.walked, self.walk, clock, state, self.cam, self.theme,
            self.hiker_size,
        )  # fmt: skip
        hiker = walkers.hiker
        readout.move_to(np.array([readout_box.x, readout_box.y, 0]))
        if readout.width > readout_box.w:
            readout.scale_to_fit_width(readout_box.w)
        self.add(state, walkers.trail, walkers.prints, walkers.drop, walkers.arrow)
        self.add(hiker)
        self.add_fixed_in_frame_mobjects(readout, highlight)
        boxes = self.side.boxes

        def follow_phase(mob: Mobject) -> None:
            mob.points = boxes[walkers.now.phase].points.copy()

        highlight.add_updater(follow_phase)
        hiker.suspend_updating()
        walkers.drop.suspend_updating()
        self.play(
            FadeIn(hiker), FadeIn(walkers.drop), FadeIn(readout), FadeIn(highlight),
            *self.plan.move("enter"), run_time=HIKER_IN_TIME,
        )  # fmt: skip
        hiker.resume_updating()
        walkers.drop.resume_updating()
        if walkers.now.phase == FEEL and self.walk.beats:
            # The loop's "feel which way is downhill" is highlighted from here: the hiker
            # feels, and the downhill arrow grows under its stick while the row is lit.
            felt = ValueTracker(0.0)
            felt.add_updater(lambda m: setattr(walkers, "felt", m.get_value()))
            self.add(felt)
            self.play(felt.animate.set_value(1.0), run_time=FEEL_TIME)
            felt.clear_updaters()
            self.remove(felt)
        return walkers

    def finale(self, message: Text, highlight: VMobject) -> None:
        """The closing note; a diverging hiker first walks off the rim. In a square frame
        the note takes the place of the loop, which goes with its highlight."""
        self.place_note(message)
        shown = [FadeIn(message)]
        if self.side.note_for_loop:
            # In the same place: the loop goes in the first half, the note comes in the
            # second, never the two at once (half-faded words over words).
            shown = [
                FadeIn(message, rate_func=late),
                FadeOut(self.side.loop, rate_func=early),
                FadeOut(highlight, rate_func=early),
            ]
        if self.walk.exit is not None:
            self.walk_off(shown)
        else:
            self.play(*shown, run_time=FINALE_TIME)

    def place_note(self, message: Text) -> None:
        side = self.side
        if side.strip:
            message.move_to(side.loop)
        elif side.note_for_loop:
            message.move_to(side.loop, aligned_edge=LEFT + UP)
        else:
            message.next_to(side.text, DOWN, buff=side.note_gap, aligned_edge=LEFT)
        self.add_fixed_in_frame_mobjects(message)
        self.remove(message)

    def walk_off(self, shown: list[Any]) -> None:
        """The diverging hiker steps past the rim and is gone; an arrow marks where."""
        walkers = self.walkers
        off = walkers.step_off_rim(self.theme.warn)
        self.add(walkers.warn_arrow)
        # The readout lands on the update past the rim, the one the note names.
        state = self.state
        state.clear_updaters()
        left = rim_update(self.inputs)
        landing = [state.animate.set_value(float(left))] if left is not None else []
        self.play(off.animate.set_value(1.0), *shown, *landing, run_time=OFF_RIM_TIME)
        walkers.hiker.clear_updaters()

    def settle(self, mesh: VMobject, floor: Floor, loss_axis: VGroup, highlight: VMobject) -> None:
        """The camera comes to rest straight above: the level curves become the contour map."""
        names = floor.names
        # From straight above the plumb line is a point under the hiker: it goes.
        drop = self.walkers.drop
        drop.clear_updaters()
        self.play(
            *self.plan.move("settle"),
            mesh.animate.set_stroke(opacity=0.18),
            floor.fill.animate.set_fill(opacity=1.0),
            FadeOut(loss_axis, rate_func=early),
            FadeOut(VGroup(*floor.ends), rate_func=early),
            FadeIn(VGroup(*names, *floor.top_ticks), rate_func=late),
            # Seen from straight above there is no height to read: its note goes.
            # In rows, the legend goes with it: the map from above takes its room.
            FadeOut(self.side.legend if self.side.strip else self.side.scale_note, rate_func=early),
            FadeOut(drop, rate_func=early),
            *([] if self.side.note_for_loop else [FadeOut(highlight)]),
            run_time=SETTLE_TIME,
        )

"""descent-path: the (w, b) path on the loss contours, the line fitting the data, the loss curve.

Render with ``gdanim render descent-path`` (or ``gdanim.render`` from Python): the scene is
given its inputs, the trained run and its surface, by :mod:`gdanim.pipeline`.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    FadeOut,
    Flash,
    GrowArrow,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Wait,
    smooth,
)

from .. import numbers
from ..numbers import count
from ..trajectory import Trajectory
from . import style
from .base import Box, GdScene, map_labels, to_scale
from .clock import eased_descent
from .widgets import (
    DataPanel,
    DescentTrail,
    LossContours,
    LossCurve,
    Readout,
    fmt,
    label,
    note,
    room_to_edge,
)
from .widgets.text import least_room

#: The first updates played one at a time, before the clock speeds up.
FIRST_STEPS = 3
#: Seconds one of those updates takes to land, and to show its arrows first.
STEP_TIME = 1.0
ARROW_TIME = 0.6
#: Least and most length of a drawn arrow, in scene units (the frame is 8 tall).
ARROW_MIN, ARROW_MAX = 0.35, 1.4
#: The gradient arrow's least length: it shows a direction, so it is drawn long enough to see.
GRADIENT_MIN = 0.8
#: A gradient arrow drawn under this share of its true length (1/η times the step's) says
#: it is shortened.
SHORTENED = 0.8


def first_steps(traj: Trajectory, most: int = FIRST_STEPS) -> int:
    """How many updates are played one at a time: up to ``most``, never past a divergence."""
    return max(0, min(most, traj.n_updates))


def inside(panel: LossContours, mob: VGroup, at: np.ndarray, pad: float = 0.06) -> np.ndarray:
    """``at`` moved so that ``mob`` centred there stays inside the panel's frame."""
    lo, hi = panel.frame.get_corner(DOWN + LEFT), panel.frame.get_corner(UP + RIGHT)
    half = np.array([mob.width / 2 + pad, mob.height / 2 + pad, 0.0])
    return np.clip(at, lo + half, hi - half)


def clear_spot(
    panel: LossContours, mob: VGroup, tries: list[np.ndarray], keep_off: list[np.ndarray]
) -> np.ndarray:
    """The first of ``tries`` (kept inside the panel) where ``mob`` covers none of the
    points ``keep_off`` (samples along arrows, around a ring), else the one covering fewest."""
    return spot_and_hits(panel, mob, tries, keep_off)[0]


def spot_and_hits(
    panel: LossContours, mob: VGroup, tries: list[np.ndarray], keep_off: list[np.ndarray]
) -> tuple[np.ndarray, int]:
    """:func:`clear_spot`, and how many of ``keep_off`` ``mob`` covers there."""
    pad = 0.05
    half = np.array([mob.width / 2 + pad, mob.height / 2 + pad])
    pts = np.vstack(keep_off)[:, :2] if keep_off else np.zeros((0, 2))
    best, fewest = None, None
    for at in tries:
        spot = inside(panel, mob, at)
        hits = int(np.sum(np.all(np.abs(pts - spot[:2]) < half, axis=1)))
        if hits == 0:
            return spot, 0
        if fewest is None or hits < fewest:
            best, fewest = spot, hits
    assert best is not None and fewest is not None
    return best, fewest


def along(a: np.ndarray, b: np.ndarray, step: float = 0.03) -> np.ndarray:
    """Points every ``step`` from ``a`` to ``b``."""
    n = max(2, int(np.linalg.norm(b - a) / step) + 1)
    return np.linspace(a, b, n)


def ring(at: np.ndarray, radius: float) -> np.ndarray:
    """Points around a ring of ``radius`` about ``at``, and its centre."""
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    around = np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1) * radius + at
    return np.vstack([around, at[None, :]])


def covered(mob: VGroup, step: float = 0.03) -> np.ndarray:
    """Points over ``mob``'s box, every ``step``."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)
    xs = np.linspace(x0, x1, max(2, int((x1 - x0) / step) + 1))
    ys = np.linspace(y0, y1, max(2, int((y1 - y0) / step) + 1))
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)], axis=1)


#: The start's ring (the path's marker) and the stroke around it, kept clear of names.
START_RING = style.DOT_RADIUS * 1.6

#: Width : height of the body from which the panels go side by side in any frame: a square
#: frame's (about 1.4 under a one-line subtitle) too, where the map above the data and loss
#: panels was flattened to 3:1 and left them 100 by 60 px.
WIDE_BODY = 1.2


def grown(upper: Box, lower: Box, by: float) -> tuple[Box, Box]:
    """``lower`` taller by ``by``, ``upper`` (above it) shorter (the other way for a
    negative ``by``): their outer edges stay."""
    if by == 0:
        return upper, lower
    return (
        Box(upper.x, upper.y + by / 2, upper.w, upper.h - by),
        Box(lower.x, lower.y + by / 2, lower.w, lower.h + by),
    )


class DescentPath(GdScene):
    """Contours with the path, the data with the current line, the loss curve, a readout."""

    scene_name = "descent-path"

    def construct(self) -> None:
        inputs = self.inputs
        traj = inputs.trajectory
        # Where the data's name makes the title too long, the subtitle names the file.
        title, body = self.title_block(
            [f"{self.method_name()} on {inputs.dataset.name}", self.method_name()],
            self.run_summary(),
        )
        tracker = ValueTracker(0.0)
        # On standardised x the map is in the optimizer's coordinates: the readout follows
        # the marker in them, and a row under it gives the line on the data panel (not in
        # a frame so narrow the readout takes two rows already: the panel draws the line,
        # and the first update's caption says its numbers).
        on_map = inputs.runs[0].on_map
        primed = inputs.on_map is not None
        readout = self.readout = Readout(
            on_map, tracker, self.theme, max_width=body.w, primed=primed
        )
        if primed and readout.rows == 1:
            readout = self.readout = Readout(
                on_map, tracker, self.theme, max_width=body.w, line=traj
            )
        readout_box, panels_box = self.split_readout(body, readout.height)
        contour_box, data_box, curve_box = self.layout(panels_box)

        def make_curve(w: float, h: float) -> LossCurve:
            return LossCurve([traj], w, h, self.theme, inputs.analysis.optimum_loss)

        curve = self.place_panel(curve_box, make_curve)
        # The loss axis's name keeps its word and its scale ("loss (×10¹¹)"): a loss panel
        # too short for them (a square frame, a large loss) takes the height from above it.
        short = least_room(curve.y_name, self.theme, lines=2) - curve.frame.height
        if short > 1e-6:
            contour_box, data_box, curve_box = self.layout(panels_box, short + 1e-3)
            curve = self.place_panel(curve_box, make_curve)

        data = self.data_panel(data_box)
        # The data panel's y name reads whole, if on two lines ("body_ / mass_g"): a panel
        # too short for it takes height from the loss panel, as far as that one can spare.
        need = least_room(data.y_name, self.theme, lines=2) - data.frame.height
        spare = curve.frame.height - least_room(curve.y_name, self.theme, lines=2)
        now = short + 1e-3 if short > 1e-6 else 0.0
        above = self.data_above_curve(panels_box)
        if need > 1e-6 and (spare > 1e-6 or not above):
            # Beside the loss panel both take the height from the map above them.
            taller = now - min(need, spare) - 1e-3 if above else max(now, need + 1e-3)
            contour_box, data_box, curve_box = self.layout(panels_box, taller)
            curve = self.place_panel(curve_box, make_curve)
            data = self.data_panel(data_box)

        w_label, b_label = map_labels(inputs.on_map is not None)

        def make_map(w: float, h: float) -> LossContours:
            made = LossContours(inputs.map, w, h, self.theme, w_label, b_label)
            if inputs.on_map is None:
                return made
            # On standardised x the bowl is round: its view widened to the plot's shape,
            # one unit of w′ as long as one of b′, shows it round.
            land = to_scale(inputs, made.frame.width / made.frame.height)
            return LossContours(land, w, h, self.theme, w_label, b_label)

        contours = self.place_panel(contour_box, make_map)
        self.contours = contours
        readout.move_to([readout_box.x, readout_box.y, 0])
        if readout.width > readout_box.w:
            readout.scale_to_fit_width(readout_box.w)

        fit = data.line_through(float(traj.w[0]), float(traj.b[0]), self.theme.fit)
        fit.add_updater(lambda m: data.set_line(m, *map(float, traj.at(tracker.get_value()))))
        # When the line leaves the data panel (a diverging run), the panel says so.
        message = note("the line is off the chart", self.theme, self.theme.warn)
        message.scale_to_fit_height(min(message.height, data.frame.height * 0.2))
        if message.width > data.frame.width * 0.9:
            message.scale_to_fit_width(data.frame.width * 0.9)
        message.move_to(data.emptiest_spot(message.width, message.height))
        backdrop = SurroundingRectangle(message, buff=0.06, stroke_width=0)
        backdrop.set_fill(self.theme.panel, 0.9)
        off_chart = VGroup(backdrop, message)
        off_chart.add_updater(
            lambda m: (
                m[0].set_fill(opacity=0 if fit.has_points() else 0.9),
                m[1].set_opacity(0 if fit.has_points() else 1),
            )
        )
        off_chart.update()
        trail = self.trail = DescentTrail(contours, inputs.runs[0].on_map, tracker, self.theme)
        loss_line = curve.curve(traj, tracker, self.theme.path)

        # Everything that never moves goes in first and stops updating: manim paints it
        # once per play() and redraws only what follows the first moving mobject.
        static = VGroup(title, contours, data, curve, readout.tags, trail.start)
        static.suspend_updating()
        moving = VGroup(
            fit, off_chart, loss_line, trail.moving, readout.values, *readout.line_values
        )
        self.add(static)
        with self.captioned(self.caption_start()):
            self.fade_in_frame()
            self.play(FadeIn(moving), run_time=style.INTRO_TIME * 0.6)

        n = traj.n_updates
        k = first_steps(traj)
        if k > 0:
            # The first updates one at a time: where the gradient points, the step against
            # it, and the readout landing on the step's numbers (the derivation's). Each is
            # its own beat, held until its caption is read: the numbers said are the ones
            # on screen.
            for i in range(k):
                # The arrows of a later update grow under the caption of the one before:
                # each "Update k lands on" comes up as the marker sets off to it.
                arrows = self.step_arrows(contours, i)
                if i > 0:
                    self.show_arrows(arrows)
                with self.captioned(self.caption_step(i)):
                    if i == 0:
                        self.show_arrows(arrows)
                    self.one_step(tracker, i, arrows)
        if n > k:
            eased_descent(self, tracker, k, n, self.caption_descent())
        moving.suspend_updating()  # the closing beats hold still: frozen frames are cheap
        with self.captioned(self.caption_end()):
            self.finale(contours, trail, readout_box)

    def show_arrows(self, arrows: tuple[list[Arrow], VGroup] | None) -> None:
        """An update's arrows grow (the uphill gradient and the step), and their names."""
        if arrows is not None:
            self.play(*(GrowArrow(a) for a in arrows[0]), run_time=ARROW_TIME)
            self.add(arrows[1])

    def one_step(
        self, tracker: ValueTracker, i: int, arrows: tuple[list[Arrow], VGroup] | None
    ) -> None:
        """Update ``i + 1`` lands along its arrows, which then go."""
        self.play(tracker.animate.set_value(float(i + 1)), rate_func=smooth, run_time=STEP_TIME)
        if arrows is not None:
            self.play(FadeOut(VGroup(*arrows[0], arrows[1])), run_time=ARROW_TIME * 0.5)

    def step_arrows(self, contours: LossContours, i: int) -> tuple[list[Arrow], VGroup] | None:
        """The arrows of update ``i + 1`` on the map, and their names.

        The step from state ``i`` to ``i + 1``; for plain gradient descent also the gradient,
        which points the other way (uphill), and the names ``∇L`` and ``−η∇L``. ``None`` when
        either end is off the map or the step is too short to draw.
        """
        traj = self.inputs.runs[0].on_map
        w0, b0, w1, b1 = (float(v) for v in (traj.w[i], traj.b[i], traj.w[i + 1], traj.b[i + 1]))
        if not (contours.contains(w0, b0) and contours.contains(w1, b1)):
            return None
        p0, p1 = contours.axes.c2p(w0, b0), contours.axes.c2p(w1, b1)
        step = p1 - p0
        length = float(np.linalg.norm(step))
        if length < ARROW_MIN * 0.5:
            return None
        t = self.theme
        plain = self.inputs.config.optimizer == "gd"
        ink = t.path
        arrow = Arrow(p0, p1, buff=0, color=ink, stroke_width=4, max_tip_length_to_length_ratio=0.2)
        arrows = [arrow]
        names = VGroup()
        unit = step / length
        side = np.array([-unit[1], unit[0], 0.0])
        step_name = label("−η∇L" if plain else "step", t, style.TICK_SIZE, ink)
        names.add(step_name)
        step_name.move_to(inside(contours, step_name, (p0 + p1) / 2 + side * 0.28))
        if plain and i == 0:
            # The gradient itself, on the first update only (the one the derivation
            # computes): it points uphill, the step the other way.
            room = room_to_edge(contours, p0, -unit) - 0.1
            g_len = min(max(length, GRADIENT_MIN), ARROW_MAX, room)
            if g_len >= ARROW_MIN * 0.6:
                g_end = p0 - unit * g_len
                grad = Arrow(
                    p0, g_end, buff=0, color=t.muted, stroke_width=4,
                    max_tip_length_to_length_ratio=0.25,
                )  # fmt: skip
                arrows.insert(0, grad)
                # Drawn about as long as the step, the gradient is 1/η times longer.
                lr = self.inputs.runs[0].lr
                short = g_len < SHORTENED * length / lr
                # On two lines where the map is too narrow for one.
                forms = ["∇L: uphill (shortened)", "∇L: uphill\n(shortened)"] if short else []
                fits = contours.frame.width - 0.2
                g_names = [
                    m for m in (label(f, t, style.TICK_SIZE, t.muted) for f in forms)
                    if m.width <= fits
                ] or [label("∇L: uphill", t, style.TICK_SIZE, t.muted)]  # fmt: skip
                # Clear of both arrows, the start's ring, the step's name and the map's
                # "axes not to scale": beside the arrow, else past its tip, else beside
                # the start; on one line where it is clear so, else on two.
                mid = (p0 + g_end) / 2
                keep_off = [
                    along(p0, g_end), along(p0, p1), ring(p0, START_RING),
                    covered(step_name), *(covered(tag) for tag in contours.scale_tag),
                ]  # fmt: skip
                placed = []
                for g_name in g_names:
                    reach = abs(unit[0]) * g_name.width / 2 + abs(unit[1]) * g_name.height / 2
                    wide = abs(side[0]) * g_name.width / 2 + abs(side[1]) * g_name.height / 2
                    tries = [
                        mid - side * 0.28, mid + side * 0.28,
                        g_end - unit * (reach + 0.12), mid - side * 0.42, mid + side * 0.42,
                    ] + [
                        p0 + unit * up + side * sign * (wide + START_RING + 0.08)
                        for up in (0.0, reach + START_RING) for sign in (-1, 1)
                    ]  # fmt: skip
                    spot, hits = spot_and_hits(contours, g_name, tries, keep_off)
                    placed.append((hits, g_name.move_to(spot)))
                    if hits == 0:
                        break
                names.add(min(placed, key=lambda p: p[0])[1])
        backed = VGroup()
        for name in names:
            backdrop = SurroundingRectangle(name, buff=0.04, stroke_width=0)
            backdrop.set_fill(t.panel, 0.85)
            backed.add(backdrop, name)
        return arrows, backed

    # -- captions: every number comes from the run
    def caption_step(self, i: int) -> str:
        """Update ``i + 1``, played on its own: where it lands, in the readout's numbers (on
        standardised x both the map's w′, b′ and the line's w, b)."""
        t = self.inputs.trajectory
        assert t.loss is not None
        k = i + 1
        loss = numbers.series_format(t.loss)(float(t.loss[k]))
        on_map = self.inputs.runs[0].on_map
        w, b = numbers.series_format(t.w), numbers.series_format(t.b)
        if self.inputs.on_map is not None:
            wp, bp = numbers.series_format(on_map.w), numbers.series_format(on_map.b)
            lands = (
                f"Update {k} lands on w′ = {wp(float(on_map.w[k]))}, b′ = {bp(float(on_map.b[k]))}"
            )
            # The line on the data once, on the first update (the readout's row under it).
            lands += (
                f", where the loss is {loss}; the line on the data: w = {w(float(t.w[k]))}, "
                f"b = {b(float(t.b[k]))}."
                if i == 0
                else f", where the loss is {loss}."
            )
        else:
            lands = (
                f"Update {k} lands on w = {w(float(t.w[k]))}, b = {b(float(t.b[k]))}, "
                f"where the loss is {loss}."
            )
        if i > 0:
            return lands
        plain = self.inputs.config.optimizer == "gd"
        # The ∇L arrow is drawn shortened (its name says so): the step is η times its length.
        eta = fmt(self.inputs.runs[0].lr, 3)
        how = (
            f"The gradient points uphill; the step −η∇L goes the other way, η = {eta} times "
            "as long. "
            if plain
            else "Each update steps downhill. "
        )
        return how + lands

    def caption_start(self) -> str:
        t = self.inputs.trajectory
        assert t.loss is not None
        return (
            f"Start at w = {fmt(t.w[0])}, b = {fmt(t.b[0])}, where the loss is "
            f"{numbers.series_format(t.loss)(float(t.loss[0]))}. Each update steps against "
            "the gradient, scaled by the "
            f"learning rate {fmt(self.inputs.runs[0].lr)}."
        )

    def caption_descent(self) -> str:
        t = self.inputs.trajectory
        assert t.loss is not None
        # Where the run ends is said at its end (caption_end), once the screen shows it.
        if t.diverged:
            return "The steps overshoot, and each lands higher up the far side than the last."
        return "Big steps first, where the slope is steep, then smaller ones." + self.scale_note()

    def scale_note(self) -> str:
        """Why the steps may not look perpendicular to the contours."""
        contours = getattr(self, "contours", None)
        if self.inputs.on_map is not None:
            return (
                " The map shows w and b on standardised x, where the optimizer steps: there "
                "the bowl is round."
            )
        if contours is None or contours.to_scale:
            return ""
        (w0, w1), (b0, b1) = contours.x_range, contours.y_range
        return (
            f" The axes are not to scale (w spans {fmt(w1 - w0, 2)}, b {fmt(b1 - b0, 2)}), so "
            "the steps do not look perpendicular to the contours."
        )

    def caption_end(self) -> str:
        t = self.inputs.trajectory
        a = self.inputs.analysis
        assert t.loss is not None
        if t.diverged:
            why = f"above the critical rate {fmt(a.lr_critical)}" if a.lr_critical else "too large"
            return (
                f"After {count(t.n_updates)} updates the loss has climbed from "
                f"{fmt(t.loss[0])} to {fmt(t.loss[-1])}: diverged at update {t.diverged_at}, "
                f"the learning rate is {why}."
            )
        w_star, b_star = a.optimum
        # Written as the readout and the steps' captions write them ("3,724" after "5,957").
        loss, w, b = (numbers.series_format(v) for v in (t.loss, t.w, t.b))
        return (
            f"After {count(t.n_updates)} updates the loss is {loss(float(t.loss[-1]))}. The "
            f"line ends at w = {w(float(t.w[-1]))}, b = {b(float(t.b[-1]))}; the best fit is "
            f"w = {w(float(w_star))}, b = {b(float(b_star))}."
        )

    # -- beats
    def finale(self, contours: LossContours, trail: DescentTrail, box: Box) -> None:
        traj = self.inputs.runs[0].on_map
        verdict = self.inputs.outcome
        w, b = float(traj.w[-1]), float(traj.b[-1])
        w_star, b_star = self.inputs.map.optimum
        off = np.hypot(
            (w - w_star) / (contours.x_range[1] - contours.x_range[0]),
            (b - b_star) / (contours.y_range[1] - contours.y_range[0]),
        )
        if verdict.kind == "converged" and off < 0.01 and contours.optimum:
            self.play(
                Flash(contours.optimum[0], color=self.theme.optimum), run_time=style.VERDICT_TIME
            )
            self.play(Wait(style.HOLD_TIME))
            return
        # Every other ending says what happened, in a note on the contour panel.
        color = self.theme.warn if verdict.kind == "diverged" else self.theme.ink
        text = verdict.text + (": lr too large" if verdict.kind == "diverged" else "")
        message = note(text, self.theme, color)
        inner = contours.frame.width - 2 * style.NOTE_INSET
        if message.width > inner:
            message.scale_to_fit_width(inner)
        corner = self.emptiest_corner(contours, trail)
        message.move_to(contours.frame.get_corner(corner), aligned_edge=corner)
        message.shift(-corner * style.NOTE_INSET)
        backdrop = SurroundingRectangle(message, buff=0.08, stroke_width=0)
        backdrop.set_fill(self.theme.panel, 0.9)
        self.play(FadeIn(VGroup(backdrop, message)), run_time=style.VERDICT_TIME)
        self.play(Wait(style.HOLD_TIME))

    @staticmethod
    def emptiest_corner(contours: LossContours, trail: DescentTrail) -> np.ndarray:
        """The corner of the contour panel farthest from the path, for a note."""
        xr, yr = contours.x_range, contours.y_range
        pts = trail.poly.xy
        u = (pts[:, 0] - xr[0]) / (xr[1] - xr[0])
        v = (pts[:, 1] - yr[0]) / (yr[1] - yr[0])
        best, room = UP + LEFT, -1.0
        for corner in (UP + LEFT, UP + RIGHT, DOWN + LEFT, DOWN + RIGHT):
            cu, cv = (corner[0] + 1) / 2, (corner[1] + 1) / 2
            gap = float(np.min(np.hypot(u - cu, v - cv))) if len(pts) else 1.0
            if gap > room + 1e-9:
                best, room = corner, gap
        return best

    # -- layout
    def layout(self, box: Box, taller: float = 0.0) -> tuple[Box, Box, Box]:
        """The map, the data and the loss curve; the loss curve ``taller`` than its share,
        taken from what is above it."""
        # A square frame under a long heading leaves a wide, short body: side by side too,
        # or the map above the data and loss panels would leave them all too short.
        if not self.portrait or box.w > box.h * WIDE_BODY:
            left, right = box.split_h(1.1, 1.0)
            upper, lower = right.split_v(1.15, 1.0)
            data, curve = grown(upper, lower, taller)
            return left, data, curve
        if box.h > box.w * 1.5:  # tall: stack all three
            top, mid, low = box.split_v(1.4, 1.0, 0.9)
            mid, low = grown(mid, low, taller)
            return top, mid, low
        top, bottom = box.split_v(1.4, 1.0)
        top, bottom = grown(top, bottom, taller)
        data, curve = bottom.split_h(1.0, 1.0)
        return top, data, curve

    def data_above_curve(self, box: Box) -> bool:
        """Whether :meth:`layout` puts the data panel above the loss panel (else beside it,
        both under the map)."""
        return not self.portrait or box.w > box.h * WIDE_BODY or box.h > box.w * 1.5

    @staticmethod
    def size(box: Box) -> tuple[float, float]:
        area = box.plot_area()
        return area.w, area.h

    @staticmethod
    def center(box: Box, panel: object) -> np.ndarray:
        area = box.plot_area()
        frame = panel.frame  # type: ignore[attr-defined]
        offset = panel.get_center() - frame.get_center()  # type: ignore[attr-defined]
        return np.array([area.x, area.y, 0.0]) + offset

    def data_panel(self, box: Box) -> DataPanel:
        ds = self.inputs.dataset
        traj = self.inputs.trajectory
        xs, ys = ds.subset(style.MAX_DATA_POINTS)
        x0, x1 = float(np.min(ds.x)), float(np.max(ds.x))
        extra = [traj.w[0] * x0 + traj.b[0], traj.w[0] * x1 + traj.b[0]]
        return self.place_panel(
            box, lambda w, h: DataPanel(xs, ys, w, h, self.theme, ds.x_label, ds.y_label, extra)
        )

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
    FadeIn,
    Flash,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Wait,
)

from ..numbers import count
from . import style
from .base import Box, GdScene
from .widgets import DataPanel, DescentTrail, LossContours, LossCurve, Readout, fmt, note


class DescentPath(GdScene):
    """Contours with the path, the data with the current line, the loss curve, a readout."""

    scene_name = "descent-path"

    def construct(self) -> None:
        inputs = self.inputs
        traj = inputs.trajectory
        title, body = self.title_block(
            f"{self.method_name()} on {inputs.dataset.name}", self.run_summary()
        )
        tracker = ValueTracker(0.0)
        readout = Readout(traj, tracker, self.theme, max_width=body.w)
        readout_box, panels_box = self.split_readout(body, readout.height)
        contour_box, data_box, curve_box = self.layout(panels_box)

        contours = self.place_panel(
            contour_box, lambda w, h: LossContours(inputs.landscape, w, h, self.theme)
        )
        self.contours = contours
        data = self.data_panel(data_box)
        curve = self.place_panel(
            curve_box,
            lambda w, h: LossCurve([traj], w, h, self.theme, inputs.analysis.optimum_loss),
        )
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
        trail = self.trail = DescentTrail(contours, traj, tracker, self.theme)
        loss_line = curve.curve(traj, tracker, self.theme.path)

        # Everything that never moves goes in first and stops updating: manim paints it
        # once per play() and redraws only what follows the first moving mobject.
        static = VGroup(title, contours, data, curve, readout.tags, trail.start)
        static.suspend_updating()
        moving = VGroup(fit, off_chart, loss_line, trail.moving, readout.values)
        self.add(static)
        with self.captioned(self.caption_start()):
            self.fade_in_frame()
            self.play(FadeIn(moving), run_time=style.INTRO_TIME * 0.6)

        n = traj.n_updates
        if n > 0:

            def timing(t: float) -> float:
                return traj.position(t) / n

            with self.captioned(self.caption_descent()):
                self.play(
                    tracker.animate.set_value(float(n)),
                    rate_func=timing,
                    run_time=inputs.spec.duration,
                )
        moving.suspend_updating()  # the closing beats hold still: frozen frames are cheap
        with self.captioned(self.caption_end()):
            self.finale(contours, trail, readout_box)

    # -- captions: every number comes from the run
    def caption_start(self) -> str:
        t = self.inputs.trajectory
        assert t.loss is not None
        return (
            f"Start at w = {fmt(t.w[0])}, b = {fmt(t.b[0])}, where the loss is "
            f"{fmt(t.loss[0])}. Each update steps against the gradient, scaled by the "
            f"learning rate {fmt(self.inputs.runs[0].lr)}."
        )

    def caption_descent(self) -> str:
        t = self.inputs.trajectory
        assert t.loss is not None
        if t.diverged:
            return (
                f"The steps overshoot and grow: after {t.n_updates} updates the loss has "
                f"climbed from {fmt(t.loss[0])} to {fmt(t.loss[-1])}."
            )
        return (
            f"Big steps first, where the slope is steep, then smaller ones: after "
            f"{count(t.n_updates)} updates the loss is {fmt(t.loss[-1])}." + self.scale_note()
        )

    def scale_note(self) -> str:
        """Why the steps may not look perpendicular to the contours."""
        contours = getattr(self, "contours", None)
        if self.inputs.config.normalize:
            return (
                " x is standardised: each step is taken in standardised units, so it need not "
                "cross these contours at right angles."
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
        if t.diverged:
            crit = f" above the critical rate {fmt(a.lr_critical)}" if a.lr_critical else ""
            return f"Diverged at update {t.diverged_at}: the learning rate is{crit}."
        w_star, b_star = a.optimum
        return (
            f"The line ends at w = {fmt(t.w[-1])}, b = {fmt(t.b[-1])}; the best fit is "
            f"w = {fmt(w_star)}, b = {fmt(b_star)}."
        )

    # -- beats
    def finale(self, contours: LossContours, trail: DescentTrail, box: Box) -> None:
        traj = self.inputs.trajectory
        verdict = self.inputs.outcome
        w, b = float(traj.w[-1]), float(traj.b[-1])
        w_star, b_star = self.inputs.landscape.optimum
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
    def layout(self, box: Box) -> tuple[Box, Box, Box]:
        if not self.portrait:
            left, right = box.split_h(1.1, 1.0)
            data, curve = right.split_v(1.15, 1.0)
            return left, data, curve
        if box.h > box.w * 1.5:  # tall: stack all three
            top, mid, low = box.split_v(1.4, 1.0, 0.9)
            return top, mid, low
        top, bottom = box.split_v(1.4, 1.0)
        data, curve = bottom.split_h(1.0, 1.0)
        return top, data, curve

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

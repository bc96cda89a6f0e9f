"""A scene of your own on gdanim's pieces: the first updates of a run, one at a time.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/first_steps.py FirstSteps

It is built from what every gdanim scene is built from: a recorded run and its landscape
(``gdanim.scene_inputs``), the scene base (title, boxes, captions held long enough to read,
the theme's colours) and the widgets (the loss contours, labels, numbers written one way).
Copy it, change ``construct`` and render.
"""

from manim import DOWN, LEFT, Arrow, Dot, FadeIn, FadeOut, GrowArrow, VGroup

import gdanim
from gdanim.scenes.base import GdScene
from gdanim.scenes.widgets import LossContours, fmt, label

# The run: the campaign lesson at its own rate; any option of `gdanim render` works here.
RUN = gdanim.scene_inputs("descent-path", "campaign")
# How many updates to take one at a time.
STEPS = 3


class FirstSteps(GdScene):
    inputs = RUN

    def construct(self) -> None:
        run = self.inputs
        t = run.trajectory
        lr = run.runs[0].lr
        title, body = self.title_block(
            "The first steps, one at a time", f"{run.dataset.name}: learning rate {fmt(lr)}"
        )
        map_box, side_box = body.split_h(0.62, 0.38)
        contours = self.place_panel(
            map_box, lambda w, h: LossContours(run.landscape, w, h, self.theme)
        )
        self.add(title, contours)

        def at(k: int):  # the k-th state of the run, on the map
            return contours.axes.c2p(float(t.w[k]), float(t.b[k]))

        def factor(v: float) -> str:  # a number as a factor: negatives in parentheses
            return f"({fmt(v)})" if v < 0 else fmt(v)

        marker = Dot(at(0), color=self.theme.path)
        with self.captioned(f"Start at w = {fmt(t.w[0])}, b = {fmt(t.b[0])}."):
            self.play(FadeIn(marker))

        shown = VGroup()
        for k in range(min(STEPS, t.n_updates)):
            lines = [
                f"update {k + 1}",
                f"∂L/∂w = {fmt(t.dw[k])}",
                f"∂L/∂b = {fmt(t.db[k])}",
                f"w = {fmt(t.w[k])} − {fmt(lr)} · {factor(t.dw[k])} = {fmt(t.w[k + 1])}",
                f"b = {fmt(t.b[k])} − {fmt(lr)} · {factor(t.db[k])} = {fmt(t.b[k + 1])}",
            ]
            text = VGroup(*(label(s, self.theme) for s in lines))
            text.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
            if text.width > side_box.w:
                text.scale_to_fit_width(side_box.w)
            text.move_to([side_box.x, side_box.y, 0])
            step = Arrow(
                at(k), at(k + 1), buff=0, color=self.theme.fit, stroke_width=4, tip_length=0.15
            )
            caption = (
                f"Update {k + 1}: step against the gradient, scaled by the rate, "
                f"to w = {fmt(t.w[k + 1])}, b = {fmt(t.b[k + 1])}."
            )
            with self.captioned(caption):
                self.play(FadeOut(shown), FadeIn(text), GrowArrow(step))
                self.play(marker.animate.move_to(at(k + 1)))
            shown = text

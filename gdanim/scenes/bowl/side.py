"""The text beside the bowl (below it in portrait): the lesson's loop, the legend, the verdict.

The loop is what the blindfolded hiker can do (feel which way is downhill, take a small step,
repeat); a highlight follows the walk from row to row. Under it the legend names the arrow and
the footprints and says how the height is scaled, and at the end a note says what the walk
came to.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, RoundedRectangle, Text, VGroup, VMobject, config

from ...pipeline.prepare import SceneInputs
from .. import style
from ..base import Box
from ..style import Theme
from ..widgets import fmt, label, note
from .figures import (
    ARROW_HEAD,
    ARROW_STROKE,
    PRINT_LENGTH,
    PRINT_WIDTH,
    SlopeArrow,
    footprint_beziers,
)
from .geometry import walked

HEIGHT_NOTE = "height: loss above its lowest,\non a ¾-power scale"
# In a square frame, where the loop and the legend run in rows above and below the bowl.
STRIP_HEIGHT_NOTE = "height: loss above its lowest, on a ¾-power scale"
STRIP_STEP = "2  take a\n    small step"
STRIP_GAP = 0.45  # between the rows' items
STRIP_EDGE_GAP = 0.2  # between the rows and the bowl's box
LEGEND = ("downhill: minus the gradient", "footprints: where it stepped")
# The same words in a column narrower than SIDE_WIDTH, broken rather than shrunk.
NARROW_HEIGHT_NOTE = "height: loss above\nits lowest, on a\n¾-power scale"
NARROW_FEEL = "1  feel which way\n    is downhill"
NARROW_LEGEND = ("downhill:\nminus the gradient", "footprints:\nwhere it stepped")
# Beside the bowl in a square frame's band: in short lines, the column narrow.
ASIDE_LEGEND = ("downhill:\nminus the\ngradient", "footprints:\nwhere it\nstepped")
ASIDE_HEIGHT_NOTE = "height: loss\nabove its\nlowest, on a\n¾-power scale"
CLOSE_ENOUGH = 0.02  # of the floor's side: the hiker is at the bottom

# Right-hand column (landscape) and the text below the bowl (portrait).
SIDE_WIDTH = 4.75  # the loop and legend at full size: 12 px capitals at 480p
SIDE_SHARE = 0.48  # of a narrow frame's width, for the text beside the bowl
SIDE_TEXT_ASPECT = 0.95  # frames at least this wide (width / height) put the text beside
SIDE_ROW_GAP = 0.16
LEGEND_SIZE = 20
PORTRAIT_TEXT_SHARE = 0.5  # most of the body the text may take below the bowl


def side_beside() -> bool:
    """Whether the loop and legend stand beside the bowl (landscape and square frames)."""
    return bool(config.frame_width >= config.frame_height * SIDE_TEXT_ASPECT)


def side_width(box: Box) -> float:
    """The width the loop and legend get: a column beside the bowl, or all of ``box``."""
    if side_beside():
        return min(SIDE_WIDTH, box.w * SIDE_SHARE)
    return box.w


def in_strips(box: Box) -> bool:
    """Whether the loop and the legend run in rows above and below the bowl: a square frame,
    whose column beside the bowl would be narrower than the text at full size (a bowl seen
    from the side is wider than tall: beside such a column it had a third of the frame)."""
    return (
        side_beside()
        and box.w * SIDE_SHARE < SIDE_WIDTH
        and config.frame_width < (config.frame_height * 1.2)
    )


def strips(box: Box, top: float, bottom: float) -> tuple[Box, Box, Box]:
    """``box`` as a row ``top`` tall, the bowl's box and a row ``bottom`` tall."""
    middle = box.h - top - bottom - 2 * STRIP_EDGE_GAP
    a, b, c = box.split_v(top, middle, bottom, gap=STRIP_EDGE_GAP)
    return a, b, c


def split_body(box: Box, text_height: float, side: float | None = None) -> tuple[Box, Box]:
    """The bowl's box and the box for the loop, the legend and the closing note (beside
    the bowl: ``side`` wide, or :func:`side_width`)."""
    if side_beside():
        # Square frames too: text below the bowl would leave it a few hundred pixels.
        side = side_width(box) if side is None else side
        left, right = box.split_h(box.w - side - style.GAP, side)
        return left, right
    text_h = min(text_height, box.h * PORTRAIT_TEXT_SHARE)
    top, bottom = box.split_v(box.h - text_h - style.GAP, text_h)
    return top, bottom


class SideText:
    """The lesson's loop (feel, step, repeat) and the legend, stacked in ``text``.

    Made unplaced, so the layout can take their height; :meth:`place` puts them in their box
    and makes the loop's highlight, with ``boxes``, one outline per row for it to take.
    In a column narrower than the text at full size (a square frame), the longer lines
    break in two rather than shrink below a readable size.
    """

    def __init__(
        self,
        theme: Theme,
        width: float = SIDE_WIDTH,
        short: bool = False,
        strip: bool = False,
        aside: bool = False,
    ) -> None:
        th = theme
        self.theme = theme
        self.strip = strip
        narrow = self.narrow = width < SIDE_WIDTH - 1e-9 and not strip
        self.width = width
        # Broken lines take more height: a narrow column (or a ``short`` one, under a long
        # subtitle) spaces its rows more tightly.
        tight = (0.5 if narrow and short else 0.6) if narrow or short else 1.0
        self.note_gap = style.GAP * (0.7 if narrow or short else 1.0)
        rows = VGroup(
            label(NARROW_FEEL if narrow else "1  feel which way is downhill", th, style.LABEL_SIZE),
            label("2  take a small step", th, style.LABEL_SIZE),
            label("3  repeat", th, style.LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=SIDE_ROW_GAP * 1.6 * tight)
        # A narrow column under a long subtitle or over a tall readout: the heading in one
        # line, the words the loop needs.
        words = (
            ("Blindfolded:" if short else "Blindfolded,\nyou can only:")
            if narrow
            else "Blindfolded, you can only:"
        )
        heading = label(words, th, style.LABEL_SIZE, th.muted)
        loop = VGroup(heading, rows).arrange(DOWN, aligned_edge=LEFT, buff=SIDE_ROW_GAP * 2 * tight)
        if strip:
            # One row, no heading (the title says who is blindfolded): the steps side by side.
            rows = VGroup(
                label(NARROW_FEEL, th, style.LABEL_SIZE),
                label(STRIP_STEP, th, style.LABEL_SIZE),
                label("3  repeat", th, style.LABEL_SIZE),
            ).arrange(RIGHT, aligned_edge=UP, buff=STRIP_GAP)
            loop = VGroup(rows)

        arrow_icon = SlopeArrow(th.path, ARROW_STROKE * 0.8, ARROW_HEAD * 0.8)
        arrow_icon.put(np.array([0.0, 0, 0]), np.array([0.55, 0, 0]), np.array([0, 0, 1.0]), 1)
        legend_words = NARROW_LEGEND if narrow else LEGEND
        prints_icon = VMobject(stroke_width=0).set_fill(th.path, 0.9)
        centres = np.array([[0.08, 0.0, 0.0], [0.38, 0.0, 0.0]])
        heads = np.array([[1.0, 0, 0], [1.0, 0, 0]])
        prints_icon.points = footprint_beziers(
            centres, heads, PRINT_LENGTH * 1.3, PRINT_WIDTH * 1.3
        )
        if strip:
            legend_words = ASIDE_LEGEND if aside else NARROW_LEGEND
        items = VGroup(
            VGroup(arrow_icon, label(legend_words[0], th, LEGEND_SIZE)),
            VGroup(prints_icon, label(legend_words[1], th, LEGEND_SIZE)),
        )
        for icon, text in items:
            text.next_to(icon, RIGHT, buff=0.2)
        if strip and not aside:
            items.arrange(RIGHT, buff=STRIP_GAP)
            scale_note = label(STRIP_HEIGHT_NOTE, th, LEGEND_SIZE, th.muted)
            legend = VGroup(items, scale_note).arrange(DOWN, buff=SIDE_ROW_GAP)
        else:
            # A column: beside the bowl, or (``aside``, in a square frame) in the room its
            # row leaves at the bowl's side, its lines broken.
            items.arrange(DOWN, aligned_edge=LEFT, buff=SIDE_ROW_GAP)
            words = ASIDE_HEIGHT_NOTE if aside else NARROW_HEIGHT_NOTE if narrow else HEIGHT_NOTE
            scale_note = label(words, th, LEGEND_SIZE, th.muted)
            legend = VGroup(items, scale_note).arrange(DOWN, aligned_edge=LEFT, buff=SIDE_ROW_GAP)
        self.scale_note = scale_note
        # In a narrow column (a square frame) the bowl takes the full height beside it: the
        # legend stays under the loop, and the closing note takes the loop's place at the end.
        self.note_for_loop = narrow or strip
        self.text = VGroup(loop, legend).arrange(
            DOWN, aligned_edge=LEFT, buff=style.GAP * 1.5 * tight
        )
        self.rows = rows
        self.loop = loop
        self.legend = legend
        self.boxes: list[RoundedRectangle] = []

    def place(self, box: Box, below: Box | None = None) -> VMobject:
        """Put the loop and the legend at the top left of ``box`` (in rows: the loop in
        ``box``, the legend in ``below``, each centred); the loop's highlight."""
        text = self.text
        if below is not None:
            for part, room in ((self.loop, box), (self.legend, below)):
                if part.width > room.w:
                    part.scale_to_fit_width(room.w)
                part.move_to(np.array([room.x, room.y, 0]))
        else:
            if text.width > box.w:
                text.scale_to_fit_width(box.w)
            text.move_to(np.array([box.x, box.y, 0])).align_to(
                np.array([box.left, box.top, 0]), LEFT + UP
            )
        pad = 0.08
        self.boxes = []
        for row in self.rows:
            r = RoundedRectangle(
                corner_radius=0.08, width=row.width + 2 * pad, height=row.height + 2 * pad
            )
            r.move_to(row)
            self.boxes.append(r)
        highlight = self.boxes[0].copy()
        highlight.set_stroke(self.theme.ink, style.STROKE).set_fill(opacity=0)
        return highlight


def rim_update(inputs: SceneInputs) -> int | None:
    """The first update whose state lies outside the bowl's view (past the rim), if any."""
    traj = walked(inputs)
    view = inputs.map.view
    for i, (w, b) in enumerate(zip(traj.w, traj.b, strict=True)):
        if not view.contains(w, b):
            return i
    return None


def closing_note(inputs: SceneInputs, theme: Theme, width: float | None = None) -> Text:
    """What the walk came to: the bottom, not there yet, or off the rim (on the bowl as
    drawn: the optimizer's coordinates on standardised x); the losses are the run's. Its
    lines are for a column; ``width``: set again in lines as long as that allows."""
    text, meaning = _closing_words(inputs)
    if width is not None:
        text = rewrapped(text, theme, width)
    return note(text, theme, getattr(theme, meaning) if meaning else None)


def rewrapped(text: str, theme: Theme, width: float) -> str:
    """``text``'s lines, each a phrase, joined into as few lines as a note ``width`` wide
    holds (each filled before the next; a phrase is never broken)."""
    lines: list[str] = []
    for phrase in text.split("\n"):
        if lines and note(f"{lines[-1]} {phrase}", theme).width <= width:
            lines[-1] = f"{lines[-1]} {phrase}"
        else:
            lines.append(phrase)
    return "\n".join(lines)


def _closing_words(inputs: SceneInputs) -> tuple[str, str]:
    """The closing note's text and its colour's name in the theme ('' for the ink)."""
    traj = walked(inputs)
    land = inputs.map
    assert traj.loss is not None
    loss = fmt(float(traj.loss[-1]), 3 if traj.diverged else 4)
    if traj.diverged or any(
        not land.view.contains(w, b) for w, b in zip(traj.w, traj.b, strict=True)
    ):
        at = traj.diverged_at or traj.n_updates
        left = rim_update(inputs)
        if left is not None and left < at:
            # The readout stops where the hiker went over the rim; the note names that
            # update too, then where the run ended.
            text = (
                "diverged: lr too large,\neach step overshoots:\n"
                f"off the rim at update {left},\nloss {loss} at update {at}"
            )
        else:
            text = (
                "diverged: lr too large,\neach step overshoots\nand climbs higher:\n"
                f"loss {loss} at update {at}"
            )
        return text, "warn"
    v = land.view
    w_star, b_star = land.optimum
    close = math.hypot(
        (traj.w[-1] - w_star) / (v.w_max - v.w_min), (traj.b[-1] - b_star) / (v.b_max - v.b_min)
    )
    if close < CLOSE_ENOUGH:
        return f"the bottom: flat ground,\nno way is downhill\n(loss {loss})", "optimum"
    lowest = fmt(land.optimum_loss)
    text = f"after {traj.n_updates} updates:\nloss {loss}, not at the\nbottom yet (lowest {lowest})"
    return text, ""

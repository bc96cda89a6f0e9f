"""The readout: update k with its w, b and loss, in fixed-width digits."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    Line,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from ... import numbers
from ...trajectory import Trajectory
from .. import style
from ..style import Theme
from .text import MONO_FONT, label, on_screen

FloatArray = NDArray[np.float64]


class GlyphNumber(VGroup):
    """A number set from cached glyphs of one monospace ``Text``.

    Changing the value copies a few glyph outlines instead of typesetting anew (a ``Text`` or
    ``MathTex`` per frame would cost a font or LaTeX run), and monospace digits keep the
    readout from jittering. The left end of the baseline stays put.
    """

    CHARS = "0123456789.-e,\u2212"
    _glyphs: ClassVar[
        dict[tuple[float, str], tuple[dict[str, tuple[VMobject, FloatArray]], float]]
    ] = {}

    def __init__(
        self,
        value: float,
        formatter: Callable[[float], str],
        size: float,
        color: str,
    ) -> None:
        super().__init__()
        self.formatter = formatter
        key = (size, str(color))
        if key not in self._glyphs:
            text = Text(self.CHARS, font=MONO_FONT, font_size=size, color=color)
            origin = text.get_corner(DOWN + LEFT)
            # The cell from the digits to the comma (the minus sign, set last, is centred
            # in its cell a little differently).
            n = self.CHARS.index(",")
            first, last = text.submobjects[0], text.submobjects[n]
            advance = (last.get_center()[0] - first.get_center()[0]) / n
            table = {}
            for i, (ch, glyph) in enumerate(zip(self.CHARS, text.submobjects, strict=True)):
                offset = glyph.get_center() - origin - RIGHT * advance * i
                table[ch] = (glyph, offset)
            self._glyphs[key] = (table, advance)
        self.table, self.advance = self._glyphs[key]
        # An invisible ruler one cell long: it moves and scales with the group, so the
        # glyphs can be laid out again after any transform.
        self.ruler = Line(ORIGIN, RIGHT * self.advance, stroke_opacity=0, stroke_width=0)
        # All glyphs live in one VMobject whose points are swapped in place: one path to draw
        # per frame, and manim (which draws the family it saw when play() began) never meets
        # a replaced submobject.
        sample = next(iter(self.table.values()))[0]
        self.ink = sample.copy()
        self.value = value
        self.shown: tuple[str, float, FloatArray] | None = None
        self.add(self.ruler, self.ink)
        self._compose()

    def _compose(self) -> None:
        start, end = self.ruler.get_start(), self.ruler.get_end()
        cell = float(np.linalg.norm(end - start)) or self.advance
        text = "".join(c for c in on_screen(self.formatter(self.value)) if c in self.table)
        shown = self.shown
        if shown and shown[0] == text and shown[1] == cell and np.array_equal(shown[2], start):
            return
        self.shown = (text, cell, start.copy())
        scale = cell / self.advance
        pieces = []
        for i, ch in enumerate(text):
            glyph, offset = self.table[ch]
            target = start + (offset + RIGHT * self.advance * i) * scale
            pieces.append((glyph.points - glyph.get_center()) * scale + target)
        if pieces:
            self.ink.points = np.concatenate(pieces)
        else:
            self.ink.clear_points()

    def set_value(self, value: float) -> GlyphNumber:
        self.value = value
        self._compose()
        return self

    def place(self, point: FloatArray) -> GlyphNumber:
        """Put the left end of the baseline at ``point``."""
        self.shift(np.asarray(point, dtype=np.float64) - self.ruler.get_start())
        return self


UNITS_GAP = 0.2  # between the line's row name and its first field
#: The row under a readout in the picture's coordinates that gives the line on the data.
LINE_ON_DATA = "the line on the data:"


class Readout(VGroup):
    """``update k   w = ...   b = ...   loss = ...`` following the tracker.

    ``tags`` never change (add them with the static mobjects); ``values`` follow the tracker.
    """

    def __init__(
        self,
        trajectory: Trajectory,
        tracker: ValueTracker,
        theme: Theme,
        size: float = style.READOUT_SIZE,
        max_width: float | None = None,
        line: Trajectory | None = None,
        primed: bool = False,
    ) -> None:
        """``max_width``: where one row would have to shrink below 84% to fit, the
        fields go on two rows (update and w, then b and loss).

        ``line``: ``trajectory`` is in the coordinates of the picture beside the readout
        (standardised x: w′, b′, named so) and ``line`` the same run in data units; a row
        under the others gives the line on the data as it goes (:data:`LINE_ON_DATA`).
        ``primed``: ``trajectory`` is in those coordinates (w′, b′) with no row for the line."""
        super().__init__()
        t = trajectory
        assert t.loss is not None
        prime = "′" if line is not None or primed else ""
        fields: list[tuple[str, Callable[[float], str], Sequence[float]]] = [
            ("update", lambda v: numbers.count(round(v)), [float(t.n_updates)]),
            (f"w{prime} =", numbers.series_format(t.w), t.w),
            (f"b{prime} =", numbers.series_format(t.b), t.b),
            ("loss =", numbers.series_format(t.loss), t.loss),
        ]
        self.tags = VGroup()
        self.values = VGroup()
        self._lay_fields(fields, theme, size, 0.0)
        self.add(self.tags, self.values)
        row_pitch = self.height + style.READOUT_ROW_GAP
        #: How many rows the readout takes (the line's row too).
        self.rows = 1 + (line is not None)
        if max_width is not None and self.width * 0.84 > max_width:
            self.rows += 1
            # Two rows: b and loss go under update and w.
            dx = self.tags[2].get_left()[0] - self.tags[0].get_left()[0]
            dy = self.height + style.READOUT_ROW_GAP
            for i in (2, 3):
                for m in (self.tags[i], self.values[i]):
                    m.shift(np.array([-dx, -dy, 0.0]))
        epoch, w_num, b_num, loss_num = self.values
        loss = t.loss
        # The line on the data, a row under the rest, its numbers following the same update.
        self.line_values: list[GlyphNumber] = []
        if line is not None:
            row_tag = label(LINE_ON_DATA, theme, size, theme.muted)
            left, lowest = self.tags[0].get_left()[0], min(m.get_bottom()[1] for m in self.tags)
            row_tag.move_to([left, lowest - row_pitch, 0], aligned_edge=LEFT + DOWN)
            self.tags.add(row_tag)
            start = len(self.values)
            self._lay_fields(
                [
                    ("w =", numbers.series_format(line.w), line.w),
                    ("b =", numbers.series_format(line.b), line.b),
                ],
                theme,
                size,
                row_tag.get_right()[0] + UNITS_GAP,
                row_tag.get_bottom()[1],
            )
            self.line_values = list(self.values[start:])
            self.values.remove(*self.line_values)
            self.add(*self.line_values)
        line_w, line_b = self.line_values or (None, None)

        def follow(_: VMobject) -> None:
            # One update's numbers together: w_k, b_k and loss_k, never a point part way
            # through a move. While the marker glides to update k the readout already names
            # where it lands (a readout that turned half-way would trail the marker).
            k = min(max(math.ceil(tracker.get_value() - 1e-6), 0), t.n_states - 1)
            epoch.set_value(k)
            w_num.set_value(float(t.w[k]))
            b_num.set_value(float(t.b[k]))
            loss_num.set_value(float(loss[k]))
            if line is not None and line_w is not None and line_b is not None:
                line_w.set_value(float(line.w[k]))
                line_b.set_value(float(line.b[k]))

        self.values.add_updater(follow)

    def _lay_fields(
        self,
        fields: list[tuple[str, Callable[[float], str], Sequence[float]]],
        theme: Theme,
        size: float,
        x: float,
        baseline: float = 0.0,
    ) -> float:
        """Each field's muted name and its number, left to right from ``x`` on ``baseline``,
        added to :attr:`tags` and :attr:`values`; the ``x`` after the last."""
        for name, formatter, series in fields:
            tag = label(name, theme, size, theme.muted)
            tag.move_to([x, baseline, 0], aligned_edge=LEFT + DOWN)
            x = tag.get_right()[0] + 0.15
            first = 0.0 if name == "update" else float(series[0])
            num = GlyphNumber(first, formatter, size, theme.ink)
            num.place(np.array([x, tag.get_bottom()[1], 0.0]))
            # Room for the widest value the run will show, so nothing collides.
            sample = series[:: max(1, len(series) // 200)]
            chars = max(len(formatter(float(v))) for v in [*sample, series[-1]])
            x += num.advance * max(chars, 4) + style.READOUT_GAP
            self.tags.add(tag)
            self.values.add(num)
        return x

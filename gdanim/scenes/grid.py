"""Generic layout for scenes of several runs: cells in columns or rows or a grid, strips of a
box, spreading labels, thinning and retyping tick labels, fitting headers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Line,
    Text,
    VGroup,
)
from numpy.typing import NDArray

from ..numbers import tick_labels
from . import style
from .base import Box
from .style import Theme
from .widgets import (
    Panel,
    label,
    nice_ticks,
)
from .widgets.text import stands_upright

FloatArray = NDArray[np.float64]


# Sizes are in scene units (the short side of the frame is 8).
COL_GAP = 0.6  # between run columns: room for the edge tick labels of both neighbours
ROW_GAP = 0.3  # between run rows (portrait)
PAIR_GAP = 0.3  # between a run's contours and its loss curve (portrait)
Y_GUTTER = 1.0  # left of a plot: tick labels and the rotated axis label
X_PAD = 0.64  # below a plot: tick labels and the axis label
AXIS_LABEL_GAP = 0.08  # between tick labels and the axis label
X_PAD_BARE = 0.12  # below a plot whose x labels are shared with the row underneath
PANEL_GAP = 0.12  # between a run's contour panel and its loss panel (landscape)
CONTOUR_SHARE = 1.3  # contour plot height : loss plot height (landscape)
CONTOUR_WIDTH_SHARE = 1.15  # contour plot width : loss plot width (portrait)
HEADER_SIZE = 22  # in a column at least HEADER_FULL_WIDTH wide; narrower ones scale down
HEADER_FULL_WIDTH = 3.6
HEADER_MIN_SIZE = 20  # 12 px capitals at 480p; narrower columns wrap instead
SHRINK_BEFORE_WRAP = 0.85  # a line may shrink this far to fit before it wraps
HEADER_LINE_GAP = 0.08
HEADER_PAD = 0.12  # between a run's header and its plots
RATE_LABEL_SPACING = 0.15
RATE_MARK_SIZE = 0.13  # the fastest-rate triangle
CELL_GAP = 0.3  # between the cells of grid_cells()


@lru_cache(maxsize=512)
def _typeset(words: str, theme: str, size: float, color: str | None) -> Text:
    return label(words, style.THEMES[theme], size, color)


def typeset(
    words: str, theme: Theme, size: float = style.LABEL_SIZE, color: str | None = None
) -> Text:
    """``widgets.label``, typeset once per process: repeated labels are copies.

    Typesetting a ``Text`` costs tens of milliseconds; the panels repeat the same labels.
    """
    return _typeset(words, theme.name, float(size), color).copy()


def pt(x: float, y: float) -> FloatArray:
    """A scene point."""
    return np.array([x, y, 0.0])


def strip_labels(panel: Panel, side: str) -> None:
    """Drop the tick labels and the axis label on ``side`` (``"left"`` or ``"bottom"``).

    The tick marks stay: the panel shares that axis with its neighbour, which labels it.
    """
    frame = panel.frame
    for group in (panel.ticks, panel.labels):
        for m in list(group.submobjects):
            if not isinstance(m, Text):
                continue
            if (side == "left" and m.get_right()[0] <= frame.get_left()[0]) or (
                side == "bottom" and m.get_top()[1] <= frame.get_bottom()[1]
            ):
                group.remove(m)


def retick_bottom(panel: Panel, theme: Theme) -> None:
    """Give a narrow panel's bottom axis at least two labelled ticks.

    A panel chooses its tick count from its width; a narrow one can end up with a single
    label, which gives no sense of scale. The marks and labels are drawn as the panel does.
    """
    frame = panel.frame
    bottom = frame.get_bottom()[1]
    labels = [m for m in panel.ticks if isinstance(m, Text) and m.get_top()[1] <= bottom]
    if len(labels) >= 2:
        return
    lo, hi = panel.x_range
    values: list[float] = []
    for target in range(3, 8):
        values = nice_ticks(lo, hi, target)
        if len(values) >= 2:
            break
    for m in list(panel.ticks):
        vertical = isinstance(m, Line) and abs(m.get_start()[0] - m.get_end()[0]) < 1e-9
        if m in labels or vertical:
            panel.ticks.remove(m)
    tick_len = style.AXIS_LABEL_BUFF * 0.5
    for v, text in zip(values, tick_labels(values), strict=True):
        p = panel.axes.c2p(v, panel.y_range[0])
        panel.ticks.add(Line(p, p + UP * tick_len, stroke_width=style.THIN, color=theme.muted))
        t = typeset(text, theme, style.TICK_SIZE, theme.muted)
        panel.ticks.add(t.next_to(p, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6))


def shrink_axis_labels(panel: Panel, theme: Theme, size: float) -> None:
    """Set the axis labels again in ``size`` and tuck them against the tick labels.

    Small multiples repeat their axis labels in every panel; at the panels' size they should
    not outweigh the headers. A label longer than its side is shortened (``"(log scale)"``
    to ``"(log)"``, then ``"b (intercept)"`` to ``"b"``) rather than shrunk out of sight.
    """
    frame = panel.frame
    ticks = [m for m in panel.ticks if isinstance(m, Text)]
    below = [m.get_bottom()[1] for m in ticks if m.get_top()[1] <= frame.get_bottom()[1]]
    beside = [m.get_left()[0] for m in ticks if m.get_right()[0] <= frame.get_left()[0]]
    for old in list(panel.labels):
        bottom = old.get_top()[1] <= frame.get_bottom()[1]
        side = frame.width if bottom else frame.height
        text = str(getattr(old, "original_text", old.text))
        new = typeset(text, theme, size)
        # A power of ten the ticks count in ("(×10⁵)") is part of their numbers, a log
        # scale how to read them: both kept.
        unit = re.search(r" \(×[^()]*\)", text)
        log = re.search(r" \(log(?: scale)?\)", text)
        bare = text.split(" (")[0] + (unit.group(0) if unit else "") + (" (log)" if log else "")
        for shorter in (text.replace(" scale)", ")"), bare):
            if new.width > side and shorter != text:
                new = typeset(shorter, theme, size)
        if new.width > side:
            new.scale_to_fit_width(side)
        if bottom:
            top = min(below, default=frame.get_bottom()[1]) - AXIS_LABEL_GAP
            new.move_to(pt(frame.get_x(), top), aligned_edge=UP)
        else:
            if not stands_upright(text):
                new.rotate(math.pi / 2)
            right = min(beside, default=frame.get_left()[0]) - AXIS_LABEL_GAP
            new.move_to(pt(right, frame.get_y()), aligned_edge=RIGHT)
        panel.labels.remove(old)
        panel.labels.add(new)
    # A contour panel whose w name lost "(axes not to scale)" says it on the plot instead.
    tag = getattr(panel, "tag_not_to_scale", None)
    if tag is not None and not panel.to_scale and not panel.says_not_to_scale():
        tag()


def place_plot(panel: Panel, area: Box) -> None:
    """Move ``panel`` so its plot frame is centred on ``area``."""
    panel.shift(np.array([area.x, area.y, 0.0]) - panel.frame.get_center())


def spread(centres: Sequence[float], widths: Sequence[float], lo: float, hi: float) -> list[float]:
    """Centres of labels on a line moved apart just enough not to touch, kept in ``[lo, hi]``.

    ``centres`` must be sorted. Labels keep their order; each moves as little as it can.
    """
    out = list(centres)
    n = len(out)
    for _ in range(2):
        for i in range(1, n):  # push right
            least = out[i - 1] + (widths[i - 1] + widths[i]) / 2 + RATE_LABEL_SPACING
            out[i] = max(out[i], least)
        if n:
            out[-1] = min(out[-1], hi - widths[-1] / 2)
        for i in range(n - 2, -1, -1):  # push left
            most = out[i + 1] - (widths[i] + widths[i + 1]) / 2 - RATE_LABEL_SPACING
            out[i] = min(out[i], most)
        if n:
            out[0] = max(out[0], lo + widths[0] / 2)
    return out


@dataclass(frozen=True)
class Cell:
    """Where one run goes: its header's top-left corner, its two plot areas, shared labels."""

    header: Box
    contour: Box
    loss: Box
    y_labels: bool  # draws the tick labels of its plots' left axes
    x_labels: bool  # draws the tick labels of its plots' bottom axes


def column_width(body: Box, n: int, portrait: bool) -> float:
    """The width a run's header has: its column (landscape) or the whole body (portrait)."""
    if portrait:
        return body.w
    return (body.w - Y_GUTTER - (n - 1) * COL_GAP) / n


def row_cells(body: Box, n: int, hh: float, contour_share: float = CONTOUR_SHARE) -> list[Cell]:
    """Runs side by side (landscape): header, contours, loss curve stacked in each column.

    ``hh`` is the height of the tallest header; ``contour_share`` the contour plot's height
    to the loss plot's. Only the first column labels the shared left axes.
    """
    pw = column_width(body, n, portrait=False)
    plots = body.h - hh - HEADER_PAD - 2 * X_PAD - PANEL_GAP
    lh = plots / (1 + contour_share)
    ch = plots - lh
    cells = []
    top = body.top
    for i in range(n):
        x = body.left + Y_GUTTER + i * (pw + COL_GAP) + pw / 2
        header = Box(x, top - hh / 2, pw, hh)
        c_top = top - hh - HEADER_PAD
        contour = Box(x, c_top - ch / 2, pw, ch)
        l_top = c_top - ch - X_PAD - PANEL_GAP
        loss = Box(x, l_top - lh / 2, pw, lh)
        cells.append(Cell(header, contour, loss, y_labels=i == 0, x_labels=True))
    return cells


def column_cells(body: Box, n: int, hh: float) -> list[Cell]:
    """Runs stacked (portrait): a header over contours and loss curve side by side.

    Only the last row labels the shared bottom axes.
    """
    plots_w = body.w - 2 * Y_GUTTER - PAIR_GAP
    lw = plots_w / (1 + CONTOUR_WIDTH_SHARE)
    cw = plots_w - lw
    ph = (body.h - n * (hh + HEADER_PAD) - (n - 1) * (X_PAD_BARE + ROW_GAP) - X_PAD) / n
    cells = []
    top = body.top
    cx = body.left + Y_GUTTER + cw / 2
    lx = body.left + 2 * Y_GUTTER + cw + PAIR_GAP + lw / 2
    for i in range(n):
        header = Box(body.x, top - hh / 2, body.w, hh)
        p_top = top - hh - HEADER_PAD
        contour = Box(cx, p_top - ph / 2, cw, ph)
        loss = Box(lx, p_top - ph / 2, lw, ph)
        last = i == n - 1
        cells.append(Cell(header, contour, loss, y_labels=True, x_labels=last))
        top = p_top - ph - X_PAD_BARE - ROW_GAP
    return cells


def grid_cells(box: Box, n: int, cols: int, gap: float = CELL_GAP) -> list[Box]:
    """``n`` cells in rows of ``cols``, left to right, top to bottom, filling ``box``."""
    rows = math.ceil(n / cols)
    w = (box.w - gap * (cols - 1)) / cols
    h = (box.h - gap * (rows - 1)) / rows
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        out.append(Box(box.left + c * (w + gap) + w / 2, box.top - r * (h + gap) - h / 2, w, h))
    return out


def top_box(box: Box, height: float) -> tuple[Box, Box]:
    """A strip ``height`` tall at the top of ``box``, and the rest below it."""
    strip = Box(box.x, box.top - height / 2, box.w, height)
    rest = Box(box.x, box.y - height / 2, box.w, box.h - height)
    return strip, rest


def bottom_box(box: Box, height: float, gap: float = 0.0) -> tuple[Box, Box]:
    """The rest of ``box`` above, and a strip ``height`` tall at its bottom."""
    rest_h = box.h - height - gap
    rest = Box(box.x, box.top - rest_h / 2, box.w, rest_h)
    strip = Box(box.x, box.top - rest_h - gap - height / 2, box.w, height)
    return rest, strip


def header_size(width: float) -> float:
    """Header font size for a column ``width`` wide."""
    return max(HEADER_MIN_SIZE, min(HEADER_SIZE, HEADER_SIZE * width / HEADER_FULL_WIDTH))


def fitted_lines(
    text: str, theme: Theme, color: str, width: float, size: float | None = None
) -> VGroup:
    """``text`` on one line, or broken between words onto two when one line is too wide.

    A line a little too wide is scaled down instead (to :data:`SHRINK_BEFORE_WRAP` at
    most). The break is where the longer line is shortest; what still does not fit is scaled
    down. ``size`` defaults to the header size for ``width``.
    """
    size = size if size is not None else header_size(width)
    one = typeset(text, theme, size, color)
    # Shrunk no smaller than the least readable header size.
    shrink = max(SHRINK_BEFORE_WRAP, min(1.0, HEADER_MIN_SIZE / size))
    if one.width <= width / shrink:
        if one.width > width:
            one.scale_to_fit_width(width)
        return VGroup(one)
    words = text.split(" ")
    # Balance the two lines by their length in characters (one Text per line, not per try).
    k = min(
        range(1, len(words)),
        key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))),
        default=0,
    )
    if k == 0:
        out = VGroup(one)
    else:
        out = VGroup(
            typeset(" ".join(words[:k]), theme, size, color),
            typeset(" ".join(words[k:]), theme, size, color),
        )
    out.arrange(DOWN, buff=HEADER_LINE_GAP, aligned_edge=LEFT)
    if out.width > width:
        out.scale_to_fit_width(width)
    return out


#: The size of a subtitle's words.
SUBTITLE_SIZE = style.SUBTITLE_SIZE


def wrap_parts(parts: Sequence[str], widths: Sequence[float], theme: Theme) -> list[Text]:
    """Subtitle lines: ``parts`` joined by dots, a break where the next one does not fit.

    ``widths`` gives each line's room (the last entry for any further line); a line that is
    one part too wide for its room is scaled to fit it.
    """

    def line(words: list[str]) -> Text:
        return typeset("  ·  ".join(words), theme, SUBTITLE_SIZE, theme.muted)

    out: list[Text] = []
    current: list[str] = []
    for p in parts:
        room = widths[min(len(out), len(widths) - 1)]
        if current and line([*current, p]).width > room:
            out.append(line(current))
            current = []
        current.append(p)
    out.append(line(current))
    for i, m in enumerate(out):
        room = widths[min(i, len(widths) - 1)]
        if m.width > room:
            m.scale_to_fit_width(room)
    return out

"""compare's legends: each run's line, title and verdict in its colour, wrapped to fit.

Names and verdicts wrap between words onto as many lines as they need rather than shrink to
fit: a shrunk line would fall under the 12 px the captions' readers need.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, UP, Line, VGroup

from ..outcome import Outcome
from ..pipeline.prepare import Run
from . import style
from .grid import header_size, pt, typeset
from .style import Theme

# Scene units (the short side of the frame is 8).
LEGEND_SIZE = 22
VERDICT_SIZE = style.TICK_SIZE
LEGEND_SWATCH = 0.42  # length of a legend's line
LEGEND_ICON_GAP = 0.14
LEGEND_ROW_GAP = 0.2  # between legend entries
LEGEND_COL_GAP = 0.45
LINE_GAP = 0.07  # between an entry's name and its verdict

#: A legend, each run's line and title, each run's verdict.
Legend = tuple[VGroup, list[VGroup], list[VGroup]]


def wrapped(text: str, theme: Theme, color: str, width: float, size: float) -> VGroup:
    """``text`` broken between words into as many lines as it needs at ``size``: it is never
    shrunk (a line shrunk to fit would fall under the 12 px the captions' readers need)."""
    words = text.split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if current and typeset(trial, theme, size, color).width > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    # A line that ends at a separator ("standardised x ·") ends at the words before it.
    lines = [line.removesuffix(" \u00b7") for line in lines]
    group = VGroup(*[typeset(line, theme, size, color) for line in lines])
    group.arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)
    for m in group:
        if m.width > width:  # a single word wider than the room
            m.scale_to_fit_width(width)
    return group


def verdict_color(outcome: Outcome, color: str, theme: Theme) -> str:
    """A compared run's verdict in the run's own colour, so it reads as that run's; a
    divergence in the warning colour, which means nothing else."""
    return theme.warn if outcome.kind == "diverged" else color


def run_legend(
    runs: Sequence[Run],
    colors: Sequence[str],
    titles: Sequence[str],
    theme: Theme,
    width: float,
    cols: int,
    inline: bool = False,
) -> Legend:
    """An entry per run (a line in its colour, its title, its verdict) in ``cols`` columns.

    ``inline`` puts each verdict on its name's line, in a column of its own. Returns the
    legend, each run's line and title, and each run's verdict.
    """
    t = theme
    col_w = (width - LEGEND_COL_GAP * (cols - 1)) / cols
    text_w = col_w - LEGEND_SWATCH - LEGEND_ICON_GAP
    heads, verdicts = [], []
    for run, color, title in zip(runs, colors, titles, strict=True):
        name = wrapped(title, t, color, text_w, LEGEND_SIZE)
        swatch = Line(pt(0, 0), pt(LEGEND_SWATCH, 0), color=color, stroke_width=5)
        swatch.next_to(name[0], LEFT, buff=LEGEND_ICON_GAP)
        o = run.outcome
        verdict = wrapped(o.text, t, verdict_color(o, color, t), text_w, VERDICT_SIZE)
        heads.append(VGroup(swatch, name))
        verdicts.append(verdict)
    if inline:
        name_w = max(h.width for h in heads)
        room = width - name_w - LEGEND_COL_GAP
        verdicts = [
            wrapped(r.outcome.text, t, verdict_color(r.outcome, c, t), room, VERDICT_SIZE)
            for r, c in zip(runs, colors, strict=True)
        ]
        y = 0.0
        for h, v in zip(heads, verdicts, strict=True):
            h.move_to(pt(0, y), aligned_edge=UP + LEFT)
            v.move_to(pt(name_w + LEGEND_COL_GAP, y), aligned_edge=UP + LEFT)
            v.shift(UP * (v[0].get_bottom()[1] - h[1][0].get_bottom()[1]) * -1)
            y = min(h.get_bottom()[1], v.get_bottom()[1]) - LEGEND_ROW_GAP * 0.6
        return VGroup(*heads, *verdicts), heads, verdicts
    entries = []
    for h, v in zip(heads, verdicts, strict=True):
        v.next_to(h, DOWN, buff=LINE_GAP).align_to(h[1], LEFT)
        entries.append(VGroup(h, v))
    row_h = max(e.height for e in entries)
    for i, e in enumerate(entries):
        r, c = divmod(i, cols)
        e.move_to(pt(c * (col_w + LEGEND_COL_GAP), -r * (row_h + LEGEND_ROW_GAP)), UP + LEFT)
    return VGroup(*entries), heads, verdicts


def run_header(
    title: str, outcome: Outcome, color: str, width: float, theme: Theme
) -> tuple[VGroup, VGroup]:
    """A run's title over its verdict, wrapped to ``width``: the header of its own map."""
    t = theme
    size = header_size(width)
    name = wrapped(title, t, color, width, size)
    o = outcome
    verdict = wrapped(o.text, t, verdict_color(o, color, t), width, VERDICT_SIZE)
    verdict.next_to(name, DOWN, buff=LINE_GAP).align_to(name, LEFT)
    return name, verdict


def line_legend(runs: Sequence[Run], colors: Sequence[str], theme: Theme, width: float) -> VGroup:
    """The data panel's key: a short line in each run's colour and its name."""
    t = theme
    items = []
    for run, color in zip(runs, colors, strict=True):
        words = typeset(run.label, t, style.TICK_SIZE, color)
        swatch = Line(pt(0, 0), pt(LEGEND_SWATCH, 0), color=color, stroke_width=5)
        swatch.next_to(words, LEFT, buff=LEGEND_ICON_GAP)
        items.append(VGroup(swatch, words))
    row = VGroup(*items).arrange(RIGHT, buff=LEGEND_COL_GAP)
    if row.width > width:
        row = VGroup(*items).arrange(DOWN, buff=LEGEND_ROW_GAP * 0.6, aligned_edge=LEFT)
    return row

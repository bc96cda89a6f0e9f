"""The derivation's page: where its lines go, and how a new line is built from old ones.

The beat's reference lines (kept from earlier beats) stack at the top of the page and its
work lines are centred in the room below (:class:`Page`). A new line is built from copies
of the lines it comes from, term by term (:func:`match`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    Animation,
    FadeIn,
    FadeOut,
    FadeTransform,
    MathTex,
    Mobject,
    ReplacementTransform,
    VGroup,
    VMobject,
)

from . import style
from .base import Box

# -- layout, in scene units (the frame's short side is 8)
EQ_FONT = 54  # work lines, before any scaling to fit
PIN_SCALE = 0.75  # lines kept above for reference, relative to work lines (12 px capitals)
LINE_GAP = 0.32  # between lines
SECTION_GAP = 0.55  # between the reference lines and the work lines
WORK_MAX_DROP = 1.6  # most room above the work lines when the frame is tall
HEADING_GAP = 0.3  # below the beat's heading
NOTE_FONT = style.NOTE_SIZE
# The least a line is drawn at: capitals a little over 12 px tall at 480p (a MathTex capital
# is 0.3833 / 54 units a point; text has 12 px capitals at style.TICK_SIZE).
MIN_EQ_FONT = 28.5
MIN_EQ_SCALE = MIN_EQ_FONT / EQ_FONT
MIN_NOTE_SCALE = style.TICK_SIZE / NOTE_FONT


def split_heading(body: Box, h: float) -> tuple[Box, Box]:
    """A row of height ``h`` for the beat's heading at the top of ``body``, and the rest."""
    heading = Box(body.x, body.top - h / 2, body.w, h)
    rest_h = body.h - h - HEADING_GAP
    return heading, Box(body.x, body.top - h - HEADING_GAP - rest_h / 2, body.w, rest_h)


class Page:
    """The box the lines are laid out in, and each line's natural size."""

    def __init__(self) -> None:
        self.box = Box(0.0, 0.0, 1.0, 1.0)
        self.sizes: dict[int, tuple[float, float]] = {}

    def remember(self, m: Mobject) -> None:
        """Record ``m``'s natural size: its size as typeset, before any placing."""
        self.sizes[id(m)] = (max(m.width, 1e-6), max(m.height, 1e-6))

    def natural(self, m: Mobject) -> tuple[float, float]:
        return self.sizes[id(m)]

    def layout(
        self, pinned: Sequence[Mobject], work: Sequence[Mobject]
    ) -> dict[Mobject, tuple[float, np.ndarray]]:
        """Scale (relative to the natural size) and centre of each line.

        Reference lines stack from the top of the box at :data:`PIN_SCALE`; work lines are
        centred in the room left below. A line wider than the box is scaled to its width;
        when the stack is taller than the box, everything shrinks together. Where that would
        make a line too small to read (a small frame, many work lines), the reference lines
        make way: the work lines get the box to themselves.
        """
        out = self.stack(pinned, work)
        if pinned and not all(self.readable(m, s) for m, (s, _) in out.items()):
            return self.stack([], work)
        return out

    @staticmethod
    def readable(m: Mobject, scale: float) -> bool:
        """Whether ``m`` at ``scale`` of its natural size keeps 12 px capitals at 480p."""
        least = MIN_EQ_SCALE if isinstance(m, MathTex) else MIN_NOTE_SCALE
        return scale >= least - 1e-9

    def stack(
        self, pinned: Sequence[Mobject], work: Sequence[Mobject]
    ) -> dict[Mobject, tuple[float, np.ndarray]]:
        """The lines of :meth:`layout`, reference lines above the work lines."""
        box = self.box
        rows = [(m, PIN_SCALE) for m in pinned] + [(m, 1.0) for m in work]
        scale = {id(m): min(r, box.w / self.natural(m)[0]) for m, r in rows}

        def height(ms: Sequence[Mobject]) -> float:
            if not ms:
                return 0.0
            return sum(self.natural(m)[1] * scale[id(m)] for m in ms) + LINE_GAP * (len(ms) - 1)

        section = SECTION_GAP if pinned and work else 0.0
        total = height(pinned) + section + height(work)
        shrink = min(1.0, box.h / total) if total > 0 else 1.0
        out: dict[Mobject, tuple[float, np.ndarray]] = {}
        y = box.top
        for m in pinned:
            h = self.natural(m)[1] * scale[id(m)] * shrink
            out[m] = (scale[id(m)] * shrink, np.array([box.x, y - h / 2, 0.0]))
            y -= h + LINE_GAP * shrink
        if pinned:
            y += LINE_GAP * shrink
            y -= section * shrink
        bottom = box.top - box.h
        work_h = height(work) * shrink
        # Centred in the room left, but not adrift far below the reference lines.
        y -= min((y - bottom - work_h) / 2, WORK_MAX_DROP)
        for m in work:
            h = self.natural(m)[1] * scale[id(m)] * shrink
            out[m] = (scale[id(m)] * shrink, np.array([box.x, y - h / 2, 0.0]))
            y -= h + LINE_GAP * shrink
        return out


def match(
    sources: Sequence[Mobject], target: MathTex, renames: dict[str, str]
) -> tuple[list[Animation], list[Mobject]]:
    """Animations building ``target`` from copies of ``sources``, term by term.

    Parts with the same TeX travel to their place in ``target``; when several sources
    hold a term, the first one's copy travels and the others fade. A part named in
    ``renames`` turns into the part it names (the exponent ``^{2}`` into the ``2`` in
    front); the rest fade out, and the target's own new parts fade in. Returns the
    animations and the temporary mobjects to remove once they have played.
    """
    copies = [src.copy() for src in sources]
    have: dict[str, list[VMobject]] = {}
    spare: list[VMobject] = []
    for line in copies:
        mine: dict[str, list[VMobject]] = {}
        for p in line.submobjects:
            if isinstance(p, VMobject):
                mine.setdefault(str(getattr(p, "tex_string", "")), []).append(p)
        for key, parts in mine.items():
            (spare if key in have else have.setdefault(key, [])).extend(parts)
    want: dict[str, list[VMobject]] = {}
    for p in target.submobjects:
        want.setdefault(str(getattr(p, "tex_string", "")), []).append(p)

    anims: list[Animation] = []
    temporary: list[Mobject] = list(copies)
    pairs = [(k, k) for k in want if k in have]
    pairs += [(a, b) for a, b in renames.items() if a in have and b in want and b not in have]
    done: set[str] = set()
    for a, b in pairs:
        if a not in have or b in done:
            continue
        landing = VGroup(*[p.copy() for p in want[b]])
        moving = VGroup(*have.pop(a))
        anim = ReplacementTransform if a == b else FadeTransform
        anims.append(anim(moving, landing))
        temporary.append(landing)
        done.add(b)
    leaving = [p for ps in have.values() for p in ps] + spare
    if leaving:
        anims.append(FadeOut(VGroup(*leaving)))
    arriving = [p.copy() for k, ps in want.items() if k not in done for p in ps]
    if arriving:
        group = VGroup(*arriving)
        anims.append(FadeIn(group))
        temporary.append(group)
    return anims, temporary


def boxes_meet(a: Mobject, b: Mobject, gap: float = 0.0) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` overlap, or come within ``gap``."""
    return bool(
        a.get_left()[0] < b.get_right()[0] + gap
        and b.get_left()[0] < a.get_right()[0] + gap
        and a.get_bottom()[1] < b.get_top()[1] + gap
        and b.get_bottom()[1] < a.get_top()[1] + gap
    )

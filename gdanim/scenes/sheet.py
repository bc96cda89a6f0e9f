"""The derivation's sheet: every line typeset once, before anything moves.

Lines are typeset in the theme's colours, a highlighted part in its role's colour, and
each line's natural size is recorded on the page it will be laid out on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from manim import MathTex, Mobject, VMobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text.tex_mobject import MathTexPart

from .. import derivation as formulas
from ..derivation import Eq, Plan
from ..derivation.vector import VectorPlan
from . import style
from .page import EQ_FONT, NOTE_FONT, Page
from .style import Theme
from .widgets import label

HEADING_SIZE = style.LABEL_SIZE + 2

HEADINGS = {
    "model": "1  The model",
    "loss": "2  The loss",
    "dw": "3  ∂L/∂w by the chain rule",
    "db": "4  ∂L/∂b",
    "update": "5  The update",
    "data": "6  With this data",
    "step": "7  One step",
}


@dataclass
class Sheet:
    """Every mobject of the derivation, built once before anything moves."""

    plan: Plan
    model: MathTex
    loss: MathTex
    loss_sub: MathTex
    outer: list[MathTex]
    inner_w: MathTex
    chain_w: MathTex
    grad_w: MathTex
    inner_b: MathTex
    chain_b: MathTex
    grad_b: MathTex
    symbol_w: MathTex  # dL/dw alone: flies from the gradient into the update rule
    symbol_b: MathTex
    updates: list[MathTex]
    setup: MathTex
    standardise: MathTex | None
    sum_g: MathTex | None
    sum_xg: MathTex | None
    num_w: MathTex
    num_b: MathTex
    eta: MathTex
    lead: list[MathTex]  # why the first step has its form (momentum's v_0 = 0, Adam's t = 1)
    step: list[MathTex]
    extra: list[MathTex]
    notes: list[VMobject]
    end: MathTex | None
    end_notes: list[VMobject]
    headings: dict[str, VMobject] = field(default_factory=dict)

    def tex(self) -> list[MathTex]:
        """All the typeset lines."""
        out: list[MathTex] = []
        for v in vars(self).values():
            items = v if isinstance(v, list) else [v]
            out.extend(m for m in items if isinstance(m, MathTex))
        return out


def tex_line(line: Eq, theme: Theme, page: Page, *, wrap: bool = False) -> MathTex:
    """One line in the theme: ink, with highlighted parts in their role's colour; its
    natural size recorded on ``page``."""
    colors = {"inner": theme.fit, "l2": theme.run_colors[1], "num": theme.data}
    strings = line.wrapped() if wrap else line.strings
    m = MathTex(*strings, font_size=EQ_FONT, color=theme.ink)
    if len(m.submobjects) != len(line.parts):
        raise RuntimeError(f"typeset {len(m.submobjects)} parts of {len(line.parts)}")
    for sub, tex in zip(m.submobjects, line.strings, strict=True):
        if isinstance(sub, MathTexPart):
            sub.tex_string = tex  # a wrapped part is still the same term
    for i, role in line.roles().items():
        m.submobjects[i].set_color(colors[role])
    _remember(m, page)
    return m


def note_line(text: str, theme: Theme, page: Page) -> VMobject:
    """A plain sentence below the lines (no update, divergence), in the warning colour."""
    m = label(text, theme, NOTE_FONT, theme.warn)
    _remember(m, page)
    return m


def _remember(m: Mobject, page: Page) -> None:
    # Each glyph keeps the parsed SVG path it was made from; nothing reads it again, and
    # it makes every copy (each move and transform copies its lines) ten times slower.
    for glyph in m.family_members_with_points():
        if isinstance(glyph, VMobjectFromSVGPath):
            glyph.path_obj = None
    page.remember(m)


def typeset(plan: Plan, theme: Theme, page: Page, *, wrap: bool = False) -> Sheet:
    """Typeset every line of ``plan`` (each TeX string once); ``wrap`` breaks long lines
    for a narrow frame."""

    def tex(line: Eq) -> MathTex:
        return tex_line(line, theme, page, wrap=wrap)

    def note_text(text: str) -> VMobject:
        return note_line(text, theme, page)

    p = plan
    f, d = p.forms, p.data
    t = tex
    sheet = Sheet(
        plan=p,
        model=t(p.model),
        loss=t(f.loss),
        loss_sub=t(f.loss_sub),
        outer=[t(e) for e in f.outer],
        inner_w=t(f.inner_w),
        chain_w=t(f.chain_w),
        grad_w=t(f.grad_w),
        inner_b=t(f.inner_b),
        chain_b=t(f.chain_b),
        grad_b=t(f.grad_b),
        symbol_w=t(formulas.eq(formulas.DLDW)),
        symbol_b=t(formulas.eq(formulas.DLDB)),
        updates=[t(e) for e in p.updates],
        setup=t(d.setup),
        standardise=t(d.standardise) if d.standardise else None,
        sum_g=t(d.sum_g) if d.sum_g else None,
        sum_xg=t(d.sum_xg) if d.sum_xg else None,
        num_w=t(d.grad_w),
        num_b=t(d.grad_b),
        eta=t(d.eta),
        lead=[t(e) for e in d.lead],
        step=[t(e) for e in d.step],
        extra=[t(e) for e in d.extra],
        notes=[note_text(n) for n in d.notes],
        end=t(d.end) if d.end else None,
        end_notes=[note_text(n) for n in d.end_notes],
    )
    for key, text in HEADINGS.items():
        h = label(text, theme, HEADING_SIZE, theme.muted)
        sheet.headings[key] = h
    return sheet


@dataclass
class VectorSheet:
    """The vector form's lines, notes and headings, typeset once before anything moves."""

    plan: VectorPlan
    lines: dict[str, MathTex]
    notes: dict[str, list[VMobject]]
    headings: dict[str, VMobject] = field(default_factory=dict)

    def tex(self) -> list[MathTex]:
        return list(self.lines.values())


def typeset_vector(
    plan: VectorPlan, theme: Theme, page: Page, *, wrap: bool = False
) -> VectorSheet:
    """Typeset every line of the vector form's ``plan`` (each once)."""
    sheet = VectorSheet(
        plan=plan,
        lines={k: tex_line(e, theme, page, wrap=wrap) for k, e in plan.lines.items()},
        notes={k: [note_line(t, theme, page) for t in v] for k, v in plan.notes.items()},
    )
    for key, text in plan.headings.items():
        sheet.headings[key] = label(text, theme, HEADING_SIZE, theme.muted)
    return sheet

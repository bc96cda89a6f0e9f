"""derivation: the gradient derived by the chain rule, then one update with this run's numbers.

Beats: the model, the loss (with its L2 term), dL/dw by the chain rule, dL/db, the update
rule of the run's optimizer, the sums and the gradient at the start, and the first step.
Every line is typeset once, in :meth:`Derivation.build`, part by part; parts with the same
TeX are the same term, and move from one line into the next (:meth:`Derivation.match`).
Each beat has a caption (written to the render's ``.srt``) and stays up for as long as its
caption and new lines take to read. ``--duration`` sets the pace: 8 s (the default) is the
natural reading pace, 16 s twice as slow, 4 s twice as fast.

The formulas and the numbers come from :mod:`gdanim.derivation`; every number of the first
update is read from the trajectory. Render with ``gdanim render derivation`` or, with its
default data, ``manim render -ql scenes/derivation.py Derivation``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from manim import (
    DOWN,
    LEFT,
    Animation,
    FadeIn,
    FadeOut,
    FadeTransform,
    MathTex,
    Mobject,
    MoveToTarget,
    ReplacementTransform,
    VGroup,
    VMobject,
    Write,
)
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text.tex_mobject import MathTexPart

from .. import derivation as formulas
from ..derivation import Eq, Plan
from . import style
from .base import Box, GdScene
from .widgets import label

# -- layout, in scene units (the frame's short side is 8)
EQ_FONT = 54  # work lines, before any scaling to fit
PIN_SCALE = 0.75  # lines kept above for reference, relative to work lines (12 px capitals)
LINE_GAP = 0.32  # between lines
SECTION_GAP = 0.55  # between the reference lines and the work lines
WORK_MAX_DROP = 1.6  # most room above the work lines when the frame is tall
HEADING_SIZE = style.LABEL_SIZE + 2
HEADING_GAP = 0.3  # below the beat's heading
NOTE_FONT = style.NOTE_SIZE
# The least a line is drawn at: capitals a little over 12 px tall at 480p (a MathTex capital
# is 0.3833 / 54 units a point; text has 12 px capitals at style.TICK_SIZE).
MIN_EQ_FONT = 28.5
MIN_EQ_SCALE = MIN_EQ_FONT / EQ_FONT
MIN_NOTE_SCALE = style.TICK_SIZE / NOTE_FONT

# -- timing, in seconds at the natural pace
NATURAL_DURATION = 8.0  # the --duration that means "natural pace"
WRITE_TIME = 1.3
TRANSFORM_TIME = 1.8
MOVE_TIME = 0.9
HEADING_TIME = 0.6
FINAL_HOLD = style.HOLD_TIME

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


class Derivation(GdScene):
    """The chain rule for dL/dw and dL/db, the update rule, and the first step in numbers."""

    scene_name = "derivation"

    # ------------------------------------------------------------------ building
    def plan(self) -> Plan:
        inputs = self.inputs
        cfg = inputs.config
        return formulas.plan(
            inputs.dataset.x,
            inputs.dataset.y,
            inputs.trajectory,
            inputs.loss_name,
            cfg.optimizer,
            l2=cfg.l2,
            delta=cfg.delta,
            lr=inputs.runs[0].lr,
            batch_size=cfg.batch_size,
        )

    def tex(self, line: Eq) -> MathTex:
        """One line in the theme: ink, with highlighted parts in their role's colour."""
        colors = {"inner": self.theme.fit, "l2": self.theme.run_colors[3], "num": self.theme.data}
        strings = line.wrapped() if self.portrait else line.strings
        m = MathTex(*strings, font_size=EQ_FONT, color=self.theme.ink)
        if len(m.submobjects) != len(line.parts):
            raise RuntimeError(f"typeset {len(m.submobjects)} parts of {len(line.parts)}")
        for sub, tex in zip(m.submobjects, line.strings, strict=True):
            if isinstance(sub, MathTexPart):
                sub.tex_string = tex  # a wrapped part is still the same term
        for i, role in line.roles().items():
            m.submobjects[i].set_color(colors[role])
        self._remember(m)
        return m

    def note_text(self, text: str, color: str | None = None) -> VMobject:
        m = label(text, self.theme, NOTE_FONT, color or self.theme.warn)
        self._remember(m)
        return m

    def _remember(self, m: Mobject) -> None:
        # Each glyph keeps the parsed SVG path it was made from; nothing reads it again, and
        # it makes every copy (each move and transform copies its lines) ten times slower.
        for glyph in m.family_members_with_points():
            if isinstance(glyph, VMobjectFromSVGPath):
                glyph.path_obj = None
        if not hasattr(self, "_natural"):
            self._natural: dict[int, tuple[float, float]] = {}
        self._natural[id(m)] = (max(m.width, 1e-6), max(m.height, 1e-6))

    def build(self) -> Sheet:
        """Typeset every line of the derivation (each TeX string once)."""
        p = self.plan()
        f, d = p.forms, p.data
        t = self.tex
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
            notes=[self.note_text(n) for n in d.notes],
            end=t(d.end) if d.end else None,
            end_notes=[self.note_text(n) for n in d.end_notes],
        )
        for key, text in HEADINGS.items():
            h = label(text, self.theme, HEADING_SIZE, self.theme.muted)
            sheet.headings[key] = h
        return sheet

    # ------------------------------------------------------------------ the lesson
    def construct(self) -> None:
        sheet = self.build()
        self.perform(sheet)

    def perform(self, s: Sheet) -> None:
        """Play the beats of a built sheet."""
        p = s.plan
        self.pace = self.inputs.spec.duration / NATURAL_DURATION
        self.captions = p.captions
        self.on_screen: list[Mobject] = []
        self.heading: Mobject | None = None
        dataset = self.inputs.dataset.name
        title, body = self.title_block(
            "The gradient, derived",
            self.run_summary()
            if self.inputs.dataset.source != "built-in"
            else f"{dataset}  ·  {self.run_summary()}",
        )
        self.add(title)
        self.play(FadeIn(title), run_time=style.INTRO_TIME * self.pace)
        tallest = max(h.height for h in s.headings.values())
        heading_box, self.eq_box = self.split_heading(body, tallest)
        for h in s.headings.values():
            h.move_to(np.array([heading_box.left, heading_box.y, 0.0]), aligned_edge=LEFT)

        # 1 the model
        self.set_heading(s, "model")
        self.beat("model", [], [s.model])

        # 2 the loss, then the model substituted into it
        huber_def = s.outer[:1] if p.forms.name == "huber" else []
        self.set_heading(s, "loss")
        self.beat("loss", [s.model], [s.loss, *huber_def])
        self.beat(
            "loss_sub",
            [s.model],
            [s.loss_sub, *huber_def],
            enter=[(s.loss_sub, [s.loss, s.model], {})],
        )
        outer: list[Mobject] = []
        if p.forms.name == "huber":
            outer = [s.outer[1]]
            self.beat(
                "outer", [s.model], [s.loss_sub, *outer], enter=[(s.outer[1], [s.outer[0]], {})]
            )
        elif p.forms.name == "mae":
            outer = [s.outer[0]]
            self.beat("outer", [s.model], [s.loss_sub, *outer])

        # 3 dL/dw: inner derivative, chain rule, constants gathered
        ref = [s.loss_sub, *outer]
        self.set_heading(s, "dw")
        self.beat("inner_w", ref, [s.inner_w])
        self.beat(
            "chain_w",
            ref,
            [s.inner_w, s.chain_w],
            enter=[(s.chain_w, [s.loss_sub, s.inner_w], p.forms.keys_chain_w)],
        )
        self.beat("grad_w", ref, [s.grad_w], enter=[(s.grad_w, [s.chain_w], p.forms.keys_grad)])

        # 4 dL/db the same way
        ref = [s.loss_sub, *outer, s.grad_w]
        self.set_heading(s, "db")
        self.beat("inner_b", ref, [s.inner_b])
        self.beat(
            "chain_b",
            ref,
            [s.inner_b, s.chain_b],
            enter=[(s.chain_b, [s.loss_sub, s.inner_b], p.forms.keys_chain_b)],
        )
        self.beat("grad_b", ref, [s.grad_b], enter=[(s.grad_b, [s.chain_b], p.forms.keys_grad)])

        # 5 the update rule: dL/dw and dL/db fly into it
        grads = [s.grad_w, s.grad_b]
        self.set_heading(s, "update")

        def cover() -> None:
            self.cover(s.symbol_w, s.grad_w, 0)
            self.cover(s.symbol_b, s.grad_b, 0)

        self.beat("update", grads, s.updates, enter=self.update_entries(s), before_enter=cover)

        # 6 with this data: the sums, then the gradient in numbers
        self.set_heading(s, "data")
        setup = [s.setup, *([s.standardise] if s.standardise else [])]
        if s.sum_g is not None and s.sum_xg is not None:
            self.beat("start", grads, [*setup, s.sum_g, s.sum_xg])
            enter = [
                (s.num_w, [s.grad_w, s.sum_xg], p.data.keys_grad_w),
                (s.num_b, [s.grad_b, s.sum_g], p.data.keys_grad_b),
            ]
        else:
            self.beat("start", grads, setup)
            enter = [(s.num_w, [s.grad_w], {}), (s.num_b, [s.grad_b], {})]
        self.beat("gradient", grads, [*setup, s.num_w, s.num_b], enter=enter)

        # 7 one step
        self.set_heading(s, "step")
        nums = [s.num_w, s.num_b]
        work: list[Mobject] = [s.eta, *s.lead, *s.step, *s.extra, *s.notes]
        enter = []
        if len(s.step) == 2:
            enter = [(s.step[0], [s.num_w], {}), (s.step[1], [s.num_b], {})]
        self.beat("step", nums, work, enter=enter)
        if "end" in self.captions:
            # Every run ends with its verdict: on screen as the last heading, and in words.
            verdict = self.inputs.outcome
            color = {"converged": self.theme.optimum, "diverged": self.theme.warn}.get(
                verdict.kind, self.theme.ink
            )
            end = label(f"8  {verdict.text[0].upper()}{verdict.text[1:]}", self.theme,
                        HEADING_SIZE, color)  # fmt: skip
            if end.width > self.frame.w:
                end.scale_to_fit_width(self.frame.w)
            s.headings["end"] = end.move_to(s.headings["step"], aligned_edge=LEFT)
            self.captions = {
                **self.captions,
                "end": f"{self.captions['end']} Verdict: {verdict.text}.",
            }
            self.set_heading(s, "end")
            closing: list[Mobject] = [s.end] if s.end is not None else list(s.end_notes)
            self.beat("end", nums, [*work, *closing])
        self.wait(FINAL_HOLD * self.pace)

    def update_entries(self, s: Sheet) -> list[tuple[MathTex, list[Mobject], dict[str, str]]]:
        """Which update lines take dL/dw and dL/db from the gradient lines above.

        For the stochastic optimizers the symbol turns into that of the batch loss ``L_B``.
        """
        renames = {formulas.DLDW: formulas.DLDW_BATCH, formulas.DLDB: formulas.DLDB_BATCH}
        out: list[tuple[MathTex, list[Mobject], dict[str, str]]] = []
        for line in s.updates:
            terms = {str(getattr(p, "tex_string", "")) for p in line.submobjects}
            srcs: list[Mobject] = []
            if terms & {formulas.DLDW, formulas.DLDW_BATCH}:
                srcs.append(s.symbol_w)
            if terms & {formulas.DLDB, formulas.DLDB_BATCH}:
                srcs.append(s.symbol_b)
            if srcs:
                out.append((line, srcs, renames))
        return out

    # ------------------------------------------------------------------ choreography
    def set_heading(self, s: Sheet, key: str) -> None:
        new = s.headings[key]
        # One heading leaves before the next comes: cross-faded they would overprint.
        if self.heading is not None:
            self.play(FadeOut(self.heading), run_time=HEADING_TIME * self.pace / 2)
            self.play(FadeIn(new, shift=DOWN * 0.1), run_time=HEADING_TIME * self.pace / 2)
        else:
            self.play(FadeIn(new, shift=DOWN * 0.1), run_time=HEADING_TIME * self.pace)
        self.heading = new

    def cover(self, symbol: Mobject, line: MathTex, index: int) -> None:
        """Put ``symbol`` exactly over part ``index`` of ``line`` (not shown)."""
        target = line.submobjects[index]
        symbol.scale_to_fit_height(target.height)
        symbol.move_to(target)

    def beat(
        self,
        key: str,
        pinned: Sequence[Mobject],
        work: Sequence[Mobject],
        enter: Sequence[tuple[MathTex, Sequence[Mobject], dict[str, str]]] = (),
        before_enter: Callable[[], None] | None = None,
    ) -> None:
        """One caption's worth: make room, bring the new lines in, hold while it is read.

        First the lines that stay slide to their new places and the others fade. Then the new
        lines come in: written, or built from others (``enter``: ``(line, sources, renames)``),
        their shared terms travelling into place. Sources on screen that the new layout drops
        are used up by the transform; the others stay where they are.
        """
        caption = self.with_data_note(self.captions[key])
        layout = self.layout(pinned, work)
        targets = {id(t) for t, _, _ in enter}
        consumed = [
            m for _, srcs, _ in enter for m in srcs if m not in layout and m in self.on_screen
        ]
        start = self.time
        reflow: list[Animation] = []
        # A line whose new place is still taken by a source of a new line slides there with
        # the transform that uses the source up, not before it.
        late: list[Animation] = []
        for m in list(self.on_screen):
            if m in layout:
                move = self.move(m, *layout[m])
                assert m.target is not None
                taken = any(boxes_meet(m.target, c) for c in consumed)
                (late if taken else reflow).append(move)
            elif m not in consumed:
                reflow.append(FadeOut(m))
                self.on_screen.remove(m)
        if reflow:
            self.play(*reflow, run_time=MOVE_TIME * self.pace)
        if before_enter is not None:
            before_enter()

        new = [m for m in layout if m not in self.on_screen]
        for m in new:
            self.place(m, *layout[m])
        anims: list[Animation] = list(late)
        temporary: list[Mobject] = []
        run = MOVE_TIME if late else 0.0
        for target, srcs, renames in enter:
            moves, temps = self.match(srcs, target, renames)
            anims.extend(moves)
            temporary.extend(temps)
            run = max(run, TRANSFORM_TIME)
        for m in new:
            if id(m) not in targets:
                anims.append(Write(m) if isinstance(m, MathTex) else FadeIn(m))
                run = max(run, WRITE_TIME)
        self.remove(*consumed)
        for m in consumed:
            self.on_screen.remove(m)
        if anims:
            self.play(*anims, run_time=run * self.pace)
        self.remove(*temporary)
        self.add(*new)
        self.on_screen.extend(new)
        self.wait(formulas.reading_time(caption, len(new)) * self.pace)
        # However fast the pace, a caption stays up long enough to be read.
        self.hold_until_read(caption, start)
        # Timed after the fact, so one caption ends exactly where the next begins.
        shown = self.time - start
        self.add_subcaption(caption, duration=shown, offset=-shown)

    @staticmethod
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

    # ------------------------------------------------------------------ layout
    @staticmethod
    def split_heading(body: Box, h: float) -> tuple[Box, Box]:
        """A row of height ``h`` for the beat's heading at the top of ``body``, and the rest."""
        heading = Box(body.x, body.top - h / 2, body.w, h)
        rest_h = body.h - h - HEADING_GAP
        return heading, Box(body.x, body.top - h - HEADING_GAP - rest_h / 2, body.w, rest_h)

    def natural(self, m: Mobject) -> tuple[float, float]:
        return self._natural[id(m)]

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

    def readable(self, m: Mobject, scale: float) -> bool:
        """Whether ``m`` at ``scale`` of its natural size keeps 12 px capitals at 480p."""
        least = MIN_EQ_SCALE if isinstance(m, MathTex) else MIN_NOTE_SCALE
        return scale >= least - 1e-9

    def stack(
        self, pinned: Sequence[Mobject], work: Sequence[Mobject]
    ) -> dict[Mobject, tuple[float, np.ndarray]]:
        """The lines of :meth:`layout`, reference lines above the work lines."""
        box = self.eq_box
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

    def place(self, m: Mobject, scale: float, centre: np.ndarray) -> None:
        m.scale(scale * self.natural(m)[0] / max(m.width, 1e-6))
        m.move_to(centre)

    def move(self, m: Mobject, scale: float, centre: np.ndarray) -> Animation:
        m.generate_target()
        assert m.target is not None
        m.target.scale(scale * self.natural(m)[0] / max(m.width, 1e-6))
        m.target.move_to(centre)
        return MoveToTarget(m)


def boxes_meet(a: Mobject, b: Mobject) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` overlap."""
    return bool(
        a.get_left()[0] < b.get_right()[0]
        and b.get_left()[0] < a.get_right()[0]
        and a.get_bottom()[1] < b.get_top()[1]
        and b.get_bottom()[1] < a.get_top()[1]
    )

"""derivation: the gradient derived by the chain rule, then one update with this run's numbers.

Beats: the model, the loss (with its L2 term), dL/dw by the chain rule, dL/db, the update
rule of the run's optimizer, the sums and the gradient at the start, and the first step.
Every line is typeset once, part by part (:func:`.sheet.typeset`); parts with the same TeX
are the same term, and move from one line into the next (:func:`.page.match`), on a page
that keeps the reference lines above the work lines (:class:`.page.Page`).
Each beat has a caption (written to the render's ``.srt``) and stays up for as long as its
caption and new lines take to read. ``--duration`` sets the pace: 8 s (the default) is the
natural reading pace, 16 s twice as slow, 4 s twice as fast.

The formulas and the numbers come from :mod:`gdanim.derivation`; every number of the first
update is read from the trajectory. Render with ``gdanim render derivation`` (or
``gdanim.render`` from Python): the scene is given its inputs by :mod:`gdanim.pipeline`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    Animation,
    FadeIn,
    FadeOut,
    MathTex,
    Mobject,
    MoveToTarget,
    Write,
)

from .. import derivation as formulas
from ..derivation import Plan
from ..errors import InputError
from ..pipeline.prepare import SceneInputs
from . import style
from .base import GdScene
from .page import Page, boxes_meet, match, split_heading
from .sheet import HEADING_SIZE, Sheet, typeset
from .widgets import label

# -- timing, in seconds at the natural pace
NATURAL_DURATION = 8.0  # the --duration that means "natural pace"
WRITE_TIME = 1.3
TRANSFORM_TIME = 1.8
MOVE_TIME = 0.9
HEADING_TIME = 0.6
FINAL_HOLD = style.HOLD_TIME
#: The longest loop a GIF of the derivation may have, in seconds. A GIF has no captions:
#: its beats are the animations alone, and a loop longer than this is not followed on a
#: slide. Beyond it the render stops with what to do instead.
GIF_LONGEST = 20.0
#: The loop the suggested --duration aims at.
GIF_AIM = 15.0


class Derivation(GdScene):
    """The chain rule for dL/dw and dL/db, the update rule, and the first step in numbers."""

    scene_name = "derivation"

    def __init__(self, inputs: SceneInputs | None = None, **kwargs: object) -> None:
        super().__init__(inputs, **kwargs)
        self.page = Page()

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
            lr_critical=inputs.analysis.lr_critical,
        )

    def build(self) -> Sheet:
        """Typeset every line of the derivation (each TeX string once)."""
        return typeset(self.plan(), self.theme, self.page, wrap=self.portrait)

    # ------------------------------------------------------------------ the lesson
    def construct(self) -> None:
        sheet = self.build()
        self.perform(sheet)

    def perform(self, s: Sheet) -> None:
        """Play the beats of a built sheet."""
        p = s.plan
        self.pace = self.inputs.spec.duration / NATURAL_DURATION
        self.captions = p.captions
        self.beats_played = 0
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
        if not self.opens_still:
            self.play(FadeIn(title), run_time=style.INTRO_TIME * self.pace)
        tallest = max(h.height for h in s.headings.values())
        heading_box, self.page.box = split_heading(body, tallest)
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
        self.check_gif_length(final=True)

    def check_gif_length(self, final: bool = False) -> None:
        """In a GIF, stop with one line once the loop is bound to exceed :data:`GIF_LONGEST`:
        the beats played so far, at their pace, tell how long all of them take."""
        if not self.opens_still:
            return
        done = self.beats_played
        total = max(len(self.captions), done, 1)
        if final:
            estimate = self.time
        elif done >= 3:
            estimate = self.time / done * total
        else:
            return
        if estimate <= GIF_LONGEST:
            return
        duration = self.inputs.spec.duration
        faster = max(0.5, math.floor(duration * GIF_AIM / estimate * 2) / 2)
        raise InputError(
            f"derivation: its GIF would loop for about {estimate:.0f} s at --duration "
            f"{duration:g} ({total} beats, no captions to follow); render it as a video with "
            f"its captions (--format mp4), or faster: --duration {faster:g} loops in about "
            f"{estimate * faster / duration:.0f} s"
        )

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
        self.check_gif_length()
        self.beats_played += 1
        caption = self.with_data_note(self.captions[key])
        layout = self.page.layout(pinned, work)
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
            moves, temps = match(srcs, target, renames)
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
        if not self.opens_still:  # a GIF has no caption to read: its animations alone
            self.wait(formulas.reading_time(caption, len(new)) * self.pace)
        # However fast the pace, a caption stays up long enough to be read.
        self.hold_until_read(caption, start)
        # Timed after the fact, so one caption ends exactly where the next begins.
        shown = self.time - start
        self.add_subcaption(caption, duration=shown, offset=-shown)

    # ------------------------------------------------------------------ placing
    def place(self, m: Mobject, scale: float, centre: np.ndarray) -> None:
        m.scale(scale * self.page.natural(m)[0] / max(m.width, 1e-6))
        m.move_to(centre)

    def move(self, m: Mobject, scale: float, centre: np.ndarray) -> Animation:
        m.generate_target()
        assert m.target is not None
        m.target.scale(scale * self.page.natural(m)[0] / max(m.width, 1e-6))
        m.target.move_to(centre)
        return MoveToTarget(m)

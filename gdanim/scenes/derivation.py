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
    UP,
    Animation,
    Arrow,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    MathTex,
    Mobject,
    MoveToTarget,
    SurroundingRectangle,
    VGroup,
    Write,
    config,
)

from .. import derivation as formulas
from ..derivation import FirstStep, Plan
from ..derivation.picture import MapStep, map_step, residuals
from ..derivation.vector import VectorFormError, VectorPlan, vector_plan, vector_step
from ..errors import GifTooLong, InputError
from ..numbers import count
from ..pipeline.prepare import SceneInputs
from . import style
from .base import Box, GdScene, map_labels
from .page import MIN_EQ_SCALE, Page, boxes_meet, match, split_heading
from .sheet import HEADING_SIZE, Sheet, VectorSheet, tex_line, typeset, typeset_vector
from .widgets import DataPanel, LossContours, Panel, label, room_to_edge

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

# -- the picture beside the lines
#: Share of the room below the heading that the picture takes: of the width in a wide frame,
#: of the height in a square or tall one.
PICTURE_SHARE = 0.4
PICTURE_SHARE_TALL = 0.58
#: Stroke widths of a residual, and of the least and most x-weighted ones.
RESIDUAL_STROKE = 2.0
WEIGHTED_STROKE = (0.6, 7.0)
#: The gradient arrow's least and largest length in scene units: it shows a direction.
GRADIENT_LENGTH = (0.8, 1.4)
#: Below this length (scene units) the step is drawn as its landing point alone.
STEP_LEAST = 0.08


class Derivation(GdScene):
    """The chain rule for dL/dw and dL/db, the update rule, and the first step in numbers."""

    scene_name = "derivation"

    def __init__(self, inputs: SceneInputs | None = None, **kwargs: object) -> None:
        super().__init__(inputs, **kwargs)
        self.page = Page()
        self.captions: dict[str, str] = {}
        self.on_screen: list[Mobject] = []
        self.heading: Mobject | None = None

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
            rate_origin=rate_origin(inputs),
        )

    def vector_plan(self) -> VectorPlan:
        """The vector form's plan: ``X_b`` with its ones column, the gradient ``X_bᵀ r``."""
        inputs = self.inputs
        cfg = inputs.config
        ds = inputs.dataset
        try:
            step = vector_step(
                ds.x, ds.y, inputs.trajectory, inputs.loss_name, cfg.optimizer,
                features=ds.features, l2=cfg.l2, lr=inputs.runs[0].lr,
            )  # fmt: skip
            return vector_plan(
                step, inputs.loss_name, inputs.analysis.lr_critical, rate_origin(inputs)
            )
        except VectorFormError as exc:
            raise InputError(f"derivation --form vector: {exc}") from None

    def build(self) -> Sheet:
        """Typeset every line of the derivation (each TeX string once)."""
        return typeset(self.plan(), self.theme, self.page, wrap=self.portrait)

    def build_vector(self) -> VectorSheet:
        """Typeset every line of the vector form (each TeX string once)."""
        return typeset_vector(self.vector_plan(), self.theme, self.page, wrap=self.portrait)

    @property
    def vector(self) -> bool:
        return self.inputs.spec.resolved_form == "vector"

    # ------------------------------------------------------------------ the lesson
    def construct(self) -> None:
        if self.vector:
            self.perform_vector(self.build_vector())
        else:
            self.perform(self.build())

    def open_page(self, headings: dict[str, Mobject], pictures: bool = True) -> Box:
        """The title, the heading row and the page's box; returns the picture's box."""
        dataset = self.inputs.dataset.name
        title, body = self.title_block(
            "The gradient, derived" if not self.vector else "The gradient, in vector form",
            self.run_summary()
            if self.inputs.dataset.source != "built-in"
            else f"{dataset}  ·  {self.run_summary()}",
        )
        self.add(title)
        if not self.opens_still:
            self.play(FadeIn(title), run_time=style.INTRO_TIME * self.pace)
        tallest = max(h.height for h in headings.values())
        heading_box, rest = split_heading(body, tallest)
        self.full_box = rest
        if pictures:
            self.narrow_box, picture_box = self.split_picture(rest)
        else:
            self.narrow_box, picture_box = rest, rest
        self.page.box = self.narrow_box
        self.shown: list[Mobject] = []
        for h in headings.values():
            h.move_to(np.array([heading_box.left, heading_box.y, 0.0]), aligned_edge=LEFT)
        return picture_box

    def verdict_heading(self, headings: dict[str, Mobject], number: int, under: str) -> None:
        """The run's verdict as the last heading (in place of ``under``'s), and in words."""
        verdict = self.inputs.outcome
        color = {"converged": self.theme.optimum, "diverged": self.theme.warn}.get(
            verdict.kind, self.theme.ink
        )
        text, said = verdict.text, verdict.text
        if verdict.kind == "converged" and 0 < verdict.update < verdict.n_updates:
            # The lines above give the run's last update: say that it went on past the
            # update at which it converged, so the two counts do not read as a contradiction.
            text = f"{text}; it ran to {count(verdict.n_updates)}"
            said = f"{said}, and ran on to update {count(verdict.n_updates)}"
        end = label(f"{number}  {text[0].upper()}{text[1:]}", self.theme, HEADING_SIZE, color)
        if end.width > self.frame.w:
            end.scale_to_fit_width(self.frame.w)
        headings["end"] = end.move_to(headings[under], aligned_edge=LEFT)
        self.captions = {**self.captions, "end": f"{self.captions['end']} Verdict: {said}."}

    def perform_vector(self, s: VectorSheet) -> None:
        """Play the vector form's beats: each plan beat with its lines and its picture."""
        p = s.plan
        self.vector_sheet = s
        self.pace = self.inputs.spec.duration / NATURAL_DURATION
        self.captions = dict(p.captions)
        self.beats_played = 0
        self.on_screen = []
        self.heading = None
        one = p.step.d == 1
        picture_box = self.open_page(s.headings, pictures=one)
        pics: Pictures | None = None
        if one:
            pics = self.pictures = Pictures(self, self.first_step(), picture_box)
        views: dict[str, list[Mobject]] = {"": []}
        if pics is not None:
            views.update(data=pics.data_view, residuals=pics.residual_view,
                         weighted=pics.weighted_view, step=pics.step_view)  # fmt: skip
        current = ""
        headings: dict[str, Mobject] = dict(s.headings)
        for b in p.beats:
            if b.key == "v_landing" and (pics is None or pics.landing is None):
                continue
            if b.key == "end":
                self.verdict_heading(headings, len(p.headings) + 1, "v_step")
            if self.heading is not headings[b.heading]:
                self.set_heading(headings, b.heading)
            work = [s.lines[k] for k in b.work]
            work += s.notes.get(b.key, [])
            if b.key == "v_landing":
                # The step's line stays beside the map where the frame is wide.
                work = [s.lines["update"]] if self.wide and "update" in s.lines else []
            current = b.picture if b.picture is not None else current
            picture = views.get(current, [])
            if self.portrait and any(p.lines[k].has_matrix for k in b.work):
                picture = []  # a matrix needs a square or tall frame's whole page
            elif any(self.too_wide_beside(s.lines[k]) for k in b.work):
                picture = []  # the picture makes way for a line it would shrink unread
            self.beat(b.key, [s.lines[k] for k in b.pinned], work, picture=picture)
        self.wait(FINAL_HOLD * self.pace)
        self.check_gif_length(final=True)

    def too_wide_beside(self, m: Mobject) -> bool:
        """Whether ``m``, fitted to the page beside the picture, would be too small to read."""
        return self.page.natural(m)[0] * MIN_EQ_SCALE > self.narrow_box.w * 0.95

    def first_step(self) -> FirstStep:
        """The scalar form's numbers of the first update (for the pictures)."""
        return self.plan().step

    def perform(self, s: Sheet) -> None:
        """Play the beats of a built sheet."""
        p = s.plan
        self.pace = self.inputs.spec.duration / NATURAL_DURATION
        self.captions = p.captions
        self.beats_played = 0
        self.on_screen = []
        self.heading = None
        picture_box = self.open_page(s.headings)
        pics = self.pictures = Pictures(self, p.step, picture_box)

        # A square or tall frame shows the picture only beside a line or two.
        hide: list[Mobject] | None = [] if self.portrait else None

        # 1 the model
        self.set_heading(s, "model")
        self.beat("model", [], [s.model], picture=pics.data_view)

        # 2 the loss, then the model substituted into it
        huber_def = s.outer[:1] if p.forms.name == "huber" else []
        self.set_heading(s, "loss")
        self.beat("loss", [s.model], [s.loss, *huber_def], picture=pics.residual_view)
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
                "outer",
                [s.model],
                [s.loss_sub, *outer],
                enter=[(s.outer[1], [s.outer[0]], {})],
                picture=hide,
            )
        elif p.forms.name == "mae":
            outer = [s.outer[0]]
            self.beat("outer", [s.model], [s.loss_sub, *outer], picture=hide)

        # 3 dL/dw: inner derivative, chain rule, constants gathered; 4 dL/db the same way
        # (with dL/dw kept above). Where dL/dw appears the residuals are weighted by x.
        for name, inner, chain, grad, keys, view, kept in (
            ("w", s.inner_w, s.chain_w, s.grad_w, p.forms.keys_chain_w, pics.weighted_view, []),
            ("b", s.inner_b, s.chain_b, s.grad_b, p.forms.keys_chain_b, pics.residual_view,
             [s.grad_w]),
        ):  # fmt: skip
            ref = [s.loss_sub, *outer, *kept]
            self.set_heading(s, f"d{name}")
            self.beat(f"inner_{name}", ref, [inner], picture=hide)
            self.beat(
                f"chain_{name}",
                ref,
                [inner, chain],
                enter=[(chain, [s.loss_sub, inner], keys)],
                picture=hide,
            )
            self.beat(
                f"grad_{name}",
                ref,
                [grad],
                enter=[(grad, [chain], p.forms.keys_grad)],
                picture=view,
            )

        # 5 the update rule: dL/dw and dL/db fly into it
        grads = [s.grad_w, s.grad_b]
        self.set_heading(s, "update")

        def cover() -> None:
            self.cover(s.symbol_w, s.grad_w, 0)
            self.cover(s.symbol_b, s.grad_b, 0)

        self.beat(
            "update",
            grads,
            s.updates,
            enter=self.update_entries(s),
            before_enter=cover,
            picture=hide,
        )

        # 6 with this data: the sums, then the gradient in numbers
        self.set_heading(s, "data")
        setup = [s.setup, *([s.standardise] if s.standardise else [])]
        if s.sum_g is not None and s.sum_xg is not None:
            self.beat("start", grads, [*setup, s.sum_g, s.sum_xg], picture=[])
            enter = [
                (s.num_w, [s.grad_w, s.sum_xg], p.data.keys_grad_w),
                (s.num_b, [s.grad_b, s.sum_g], p.data.keys_grad_b),
            ]
        else:
            self.beat("start", grads, setup, picture=[])
            enter = [(s.num_w, [s.grad_w], {}), (s.num_b, [s.grad_b], {})]
        self.beat("gradient", grads, [*setup, s.num_w, s.num_b], enter=enter)

        # 7 one step
        self.set_heading(s, "step")
        nums = [s.num_w, s.num_b]
        work: list[Mobject] = [s.eta, *s.lead, *s.step, *s.extra, *s.notes]
        enter = []
        if len(s.step) == 2:
            enter = [(s.step[0], [s.num_w], {}), (s.step[1], [s.num_b], {})]
        landing = "landing" in self.captions and pics.landing is not None
        # In a square or tall frame, what the step led to (data units, the loss) waits for
        # the verdict's beat, so that the step's own lines keep their size.
        later: list[Mobject] = []
        if self.portrait and landing and "end" in self.captions:
            later = list(s.extra)
            work = [m for m in work if m not in later]
        self.beat("step", nums, work, enter=enter)
        # The step's lines on two rows each, where one row beside the map would be too small
        # to read (long numbers): the terms slide into the rows and back after the map.
        rows: list[MathTex] = []
        if landing:
            # The map, with the gradient and the step: beside the step's two lines where the
            # frame is wide, alone where the lines would not be read beside it.
            beside: list[Mobject] = list(s.step) if self.wide else []
            if self.wide and any(self.too_wide_beside(m) for m in s.step):
                rows = [tex_line(e, self.theme, self.page, wrap=True) for e in p.data.step]
                beside = list(rows)
            self.beat(
                "landing",
                [],
                beside,
                enter=[(r, [m], {}) for r, m in zip(rows, s.step, strict=False)],
                picture=pics.step_view,
                lines_first=bool(rows),  # the one-row lines would run over the map
            )
        if "end" in self.captions:
            # Every run ends with its verdict: on screen as the last heading, and in words.
            self.verdict_heading(s.headings, 8, "step")
            self.set_heading(s, "end")
            closing: list[Mobject] = [s.end] if s.end is not None else list(s.end_notes)
            if later:
                self.beat("end", [], [*later, *closing], picture=[])
            else:
                back: list[tuple[MathTex, Sequence[Mobject], dict[str, str]]] = [
                    (m, [r], {}) for r, m in zip(rows, s.step, strict=False)
                ]
                self.beat("end", nums, [*work, *closing], enter=back, picture=[])
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
        raise GifTooLong(
            f"derivation: its GIF would loop for about {estimate:.0f} s at --duration "
            f"{duration:g} ({total} beats, no captions to follow); render it as a video with "
            f"its captions (--format mp4), or faster: --duration {faster:g} loops in about "
            f"{estimate * faster / duration:.0f} s",
            faster,
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
    def set_heading(self, s: Sheet | dict[str, Mobject], key: str) -> None:
        new = (s if isinstance(s, dict) else s.headings)[key]
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
        picture: Sequence[Mobject] | None = None,
        lines_first: bool = False,
    ) -> None:
        """One caption's worth: make room, bring the new lines in, hold while it is read.

        First the lines that stay slide to their new places and the others fade. Then the new
        lines come in: written, or built from others (``enter``: ``(line, sources, renames)``),
        their shared terms travelling into place. Sources on screen that the new layout drops
        are used up by the transform; the others stay where they are. ``picture``, when
        given, is what the picture beside the lines shows from this beat on; with
        ``lines_first`` it comes in once the new lines are in place, not with them.
        """
        self.check_gif_length()
        self.beats_played += 1
        caption = self.with_data_note(self.captions[key])
        if picture is not None:
            # The lines have the whole width (or height) when no picture is shown.
            self.page.box = self.narrow_box if picture else self.full_box
        layout = self.page.layout(pinned, work)
        # A reference line the page has no room for, and that is not on screen, does not fly
        # into a new line from where it last stood (across the lines now there): the new
        # line's own terms come in instead.
        gone = [m for m in pinned if m not in layout and m not in self.on_screen]
        if gone:
            enter = [(t, [m for m in srcs if m not in gone], r) for t, srcs, r in enter]
        targets = {id(t) for t, _, _ in enter}
        consumed = [
            m for _, srcs, _ in enter for m in srcs if m not in layout and m in self.on_screen
        ]
        start = self.time
        reflow: list[Animation] = []
        # A line whose new place is still taken by a source of a new line slides there with
        # the transform that uses the source up, not before it; so does a line whose new
        # place is still taken by such a late line (sliding early, it would run into it).
        late: list[Animation] = []
        sliding = {id(m): self.move(m, *layout[m]) for m in self.on_screen if m in layout}
        waiting = list(consumed)
        held: set[int] = set()
        while True:
            more = [
                m
                for m in self.on_screen
                if id(m) in sliding
                and id(m) not in held
                and any(boxes_meet(m.target, c) for c in waiting)
            ]
            if not more:
                break
            held.update(id(m) for m in more)
            waiting.extend(more)
        for m in list(self.on_screen):
            if id(m) in sliding:
                (late if id(m) in held else reflow).append(sliding[id(m)])
            elif m not in consumed:
                reflow.append(FadeOut(m))
                self.on_screen.remove(m)
        arriving: list[Mobject] = []
        if picture is not None:
            reflow.extend(FadeOut(m) for m in self.shown if m not in picture)
            arriving = [m for m in picture if m not in self.shown]
            self.shown = list(picture)
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
        showing: list[Animation] = []
        for m in arriving:
            parts = m.submobjects if isinstance(m, VGroup) and not isinstance(m, Panel) else [m]
            (showing if lines_first else anims).extend(
                GrowArrow(a) if isinstance(a, Arrow) else FadeIn(a) for a in parts
            )
            run = run if lines_first else max(run, WRITE_TIME)
        self.remove(*consumed)
        for m in consumed:
            self.on_screen.remove(m)
        if anims:
            self.play(*anims, run_time=run * self.pace)
        self.remove(*temporary)
        self.add(*new)
        self.on_screen.extend(new)
        if showing:
            self.play(*showing, run_time=WRITE_TIME * self.pace)
        if not self.opens_still:  # a GIF has no caption to read: its animations alone
            self.wait(formulas.reading_time(caption, len(new)) * self.pace)
        # However fast the pace, a caption stays up long enough to be read.
        self.hold_until_read(caption, start)
        # Timed after the fact, so one caption ends exactly where the next begins.
        shown = self.time - start
        self.add_subcaption(caption, duration=shown, offset=-shown)

    def split_picture(self, rest: Box) -> tuple[Box, Box]:
        """The page's box and the picture's: side by side in a wide frame, the picture
        below the lines in a square or tall one."""
        if self.portrait:
            page, pic = rest.split_v(1 - PICTURE_SHARE_TALL, PICTURE_SHARE_TALL)
        else:
            page, pic = rest.split_h(1 - PICTURE_SHARE, PICTURE_SHARE)
        return page, pic

    @property
    def wide(self) -> bool:
        """A frame wide enough (16:9) for lines of numbers beside the picture."""
        return config.frame_width >= config.frame_height * 1.6

    def rate_text(self, lr: float) -> str:
        # η as the lines write it: the same digits in the subtitle, the lines and captions.
        return f"η = {formulas.fmt_text(lr)}"

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


def rate_origin(inputs: SceneInputs) -> str | None:
    """How the run's learning rate was chosen, in a few words, where it was by name or by
    default (``None`` for a number given)."""
    asked = inputs.spec.train.lr
    if isinstance(asked, str):
        return f"the '{asked}' rate"
    if asked is not None:
        return None
    if inputs.standardized is not None and inputs.standardized.auto:
        return "the round bowl's 'right' rate"
    default = inputs.dataset.lr
    if isinstance(default, str) or inputs.config.optimizer == "adam":
        return f"the '{default if isinstance(default, str) else 'right'}' rate"
    return "the lesson's rate" if inputs.dataset.source == "built-in" else None


def _clamp_inside(frame: Mobject, mob: Mobject, at: np.ndarray, pad: float = 0.06) -> np.ndarray:
    """``at`` moved so that ``mob`` centred there stays inside ``frame``."""
    lo, hi = frame.get_corner(DOWN + LEFT), frame.get_corner(UP - LEFT)
    half = np.array([mob.width / 2 + pad, mob.height / 2 + pad, 0.0])
    return np.clip(at, lo + half, np.maximum(lo + half, hi - half))


class Pictures:
    """What the derivation shows beside its lines, every number from the run.

    The data with the start line and each residual as a segment from its point to the line
    (when the loss appears), the segments weighted by ``|x_i|`` (where ``∂L/∂w`` sums
    ``x_i e_i``); then the loss map with the start, the gradient (uphill) and the first
    step landing on the run's first update. The views are lists of mobjects; a beat passes
    the one it shows.
    """

    def __init__(self, scene: Derivation, step: FirstStep, box: Box) -> None:
        inputs = scene.inputs
        theme = self.theme = scene.theme
        ds = inputs.dataset
        xs, ys = ds.subset(style.MAX_DATA_POINTS)
        r = self.res = residuals(xs, ys, step)
        x_label = f"{ds.x_label}, standardised" if step.standardised else ds.x_label
        lo, hi = float(np.min(r.x)), float(np.max(r.x))
        extra = [r.w0 * lo + r.b0, r.w0 * hi + r.b0]
        self.data: DataPanel = scene.place_panel(
            box,
            lambda w, h: DataPanel(r.x, r.y, w, h, theme, x_label, ds.y_label, extra),
        )
        self.start_line = self.data.line_through(r.w0, r.b0, theme.path)
        # The start line's name, on one row or two; none where it would be too small.
        w0, b0 = formulas.fmt_text(r.w0), formulas.fmt_text(r.b0)
        room = self.data.frame.width * 0.9
        start: Mobject = label(f"start: w₀ = {w0}, b₀ = {b0}", theme, style.TICK_SIZE, theme.path)
        if start.width > room:
            start = VGroup(
                label("start line:", theme, style.TICK_SIZE, theme.path),
                label(f"w₀ = {w0}, b₀ = {b0}", theme, style.TICK_SIZE, theme.path),
            ).arrange(DOWN, buff=0.05, aligned_edge=LEFT)
        self.start_name = VGroup()
        if start.width <= room and start.height < self.data.frame.height * 0.4:
            start.move_to(self.data.emptiest_spot(start.width, start.height))
            self.start_name = self.backed(start)
        self.residuals = self.segments(theme.ink, weighted=False)
        self.weighted = self.segments(theme.fit, weighted=True)
        w_label, b_label = map_labels(inputs.on_map is not None)
        self.map: LossContours = scene.place_panel(
            box, lambda w, h: LossContours(inputs.map, w, h, theme, w_label, b_label)
        )
        self.step = map_step(step)
        self.build_map()

    # -- the data
    def segments(self, color: str, *, weighted: bool) -> VGroup:
        """Each residual as a segment from its point to the start line, inside the panel."""
        r, panel = self.res, self.data
        (x0, x1), (y0, y1) = panel.x_range, panel.y_range
        inside = (r.x >= x0) & (r.x <= x1)
        top = np.clip(r.y, y0, y1)
        foot = np.clip(r.y_hat, y0, y1)
        a = panel.to_scene(r.x, top)
        b = panel.to_scene(r.x, foot)
        group = VGroup()
        lo, hi = WEIGHTED_STROKE
        for i in np.flatnonzero(inside):
            if abs(top[i] - foot[i]) <= 0:
                continue
            line = Line(a[i], b[i], color=color, stroke_width=RESIDUAL_STROKE)
            if weighted:
                wt = float(r.weight[i])
                line.set_stroke(width=lo + (hi - lo) * wt, opacity=0.25 + 0.75 * wt)
            else:
                line.set_stroke(opacity=0.8)
            group.add(line)
        return group

    @property
    def data_view(self) -> list[Mobject]:
        return [self.data, self.start_line, self.start_name]

    @property
    def residual_view(self) -> list[Mobject]:
        return [self.data, self.residuals, self.start_line, self.start_name]

    @property
    def weighted_view(self) -> list[Mobject]:
        return [self.data, self.weighted, self.start_line, self.start_name]

    # -- the map
    def build_map(self) -> None:
        t, m, st = self.theme, self.map, self.step
        self.start_dot = VGroup()
        self.gradient = VGroup()
        self.stepped = VGroup()
        self.grad_arrow: Arrow | None = None
        self.step_arrow: Arrow | None = None
        self.landing: Dot | None = None
        (w0, b0) = st.start
        if not m.contains(w0, b0):
            return
        p0 = np.asarray(m.axes.c2p(w0, b0), dtype=np.float64)
        self.start_dot.add(Dot(p0, radius=style.DOT_RADIUS, color=t.path))
        names = VGroup()
        unit = self.uphill(p0)
        plain = self.is_plain_step(st)
        if st.end is not None and m.contains(*st.end):
            p1 = np.asarray(m.axes.c2p(*st.end), dtype=np.float64)
            length = float(np.linalg.norm(p1 - p0))
            if length >= STEP_LEAST:
                self.step_arrow = Arrow(
                    p0, p1, buff=0, color=t.path, stroke_width=4,
                    max_tip_length_to_length_ratio=0.2,
                )  # fmt: skip
                self.stepped.add(self.step_arrow)
            self.landing = Dot(p1, radius=style.DOT_RADIUS * 0.8, color=t.path)
            self.landing.set_stroke(t.background, 1.5)
            self.stepped.add(self.landing)
            w1, b1 = st.end
            away = (p1 - p0) / length if length > 1e-9 else np.array([1.0, 0.0, 0.0])
            # The gradient's name goes on one side of the start, the step's on the other.
            side = np.array([-away[1], away[0], 0.0])
            if side[1] > 0:
                side = -side
            name_text = "−η∇L" if plain else "first step"
            name = label(f"{name_text}, η = {formulas.fmt_text(st.eta)}", t, style.TICK_SIZE,
                         t.path)  # fmt: skip
            rows = [
                label(f"{p}₁ = {formulas.fmt_text(v)}", t, style.TICK_SIZE, t.path)
                for p, v in (("w", w1), ("b", b1))
            ]
            block = VGroup(name, *rows).arrange(DOWN, buff=0.06, aligned_edge=LEFT)
            at = p1 + side * (block.height / 2 + 0.12) + away * block.width * 0.25
            block.move_to(_clamp_inside(m.frame, block, at))
            names.add(block)
        if unit is not None:
            length = float(np.linalg.norm(self.step_arrow.get_vector())) if self.step_arrow else 0
            least, most = GRADIENT_LENGTH
            g_len = min(max(length, least), most, room_to_edge(m, p0, unit) - 0.1)
            if g_len >= least * 0.5:
                g_end = p0 + unit * g_len
                self.grad_arrow = Arrow(
                    p0, g_end, buff=0, color=t.muted, stroke_width=4,
                    max_tip_length_to_length_ratio=0.25,
                )  # fmt: skip
                side = np.array([-unit[1], unit[0], 0.0])
                if side[1] < 0:
                    side = -side
                g_name = label("∇L: uphill", t, style.TICK_SIZE, t.muted)
                at = (p0 + g_end) / 2 + side * (g_name.height / 2 + 0.12)
                g_name.move_to(_clamp_inside(m.frame, g_name, at))
                self.gradient.add(self.grad_arrow, self.backed(g_name))
        self.stepped.add(*(self.backed(n) for n in names))

    def uphill(self, p0: np.ndarray) -> np.ndarray | None:
        """The unit scene direction of the gradient at the start, or ``None`` at zero."""
        gw, gb = self.step.gradient
        if not (math.isfinite(gw) and math.isfinite(gb)):
            return None
        axes = self.map.axes
        o = np.asarray(axes.c2p(0.0, 0.0), dtype=np.float64)
        ex = np.asarray(axes.c2p(1.0, 0.0), dtype=np.float64) - o
        ey = np.asarray(axes.c2p(0.0, 1.0), dtype=np.float64) - o
        v = gw * ex + gb * ey
        norm = float(np.linalg.norm(v))
        return v / norm if norm > 0 and math.isfinite(norm) else None

    @staticmethod
    def is_plain_step(st: MapStep) -> bool:
        """Whether the first update is ``-η∇L`` (gradient descent's, momentum's from rest)."""
        if st.end is None:
            return False
        (w0, b0), (gw, gb), (w1, b1) = st.start, st.gradient, st.end
        tol = 1e-6 * (abs(w0) + abs(b0) + st.eta * (abs(gw) + abs(gb)) + 1e-12)
        return abs(w0 - st.eta * gw - w1) <= tol and abs(b0 - st.eta * gb - b1) <= tol

    def backed(self, m: Mobject) -> VGroup:
        """``m`` on a backdrop of the panel's colour, legible over the contours."""
        back = SurroundingRectangle(m, buff=0.04, stroke_width=0)
        back.set_fill(self.theme.panel, 0.85)
        return VGroup(back, m)

    @property
    def map_view(self) -> list[Mobject]:
        return [self.map, self.start_dot]

    @property
    def gradient_view(self) -> list[Mobject]:
        return [*self.map_view, self.gradient]

    @property
    def step_view(self) -> list[Mobject]:
        return [*self.gradient_view, self.stepped]

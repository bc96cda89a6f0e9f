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

import dataclasses
import math
from collections.abc import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
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
    Text,
    Transform,
    VGroup,
    Write,
    config,
    there_and_back_with_pause,
)

from .. import derivation as formulas
from ..datasets import standardized_data
from ..derivation import FirstStep, Plan
from ..derivation.picture import MapStep, map_step, residuals
from ..derivation.vector import VectorFormError, VectorPlan, vector_plan, vector_step
from ..errors import GifTooLong, InputError
from ..landscape import Landscape, View, build_landscape
from ..numbers import count
from ..pipeline.prepare import SceneInputs
from . import style
from .base import Box, GdScene, map_labels
from .page import MIN_EQ_SCALE, Page, boxes_meet, match, split_heading
from .sheet import HEADING_SIZE, Sheet, VectorSheet, tex_line, typeset, typeset_vector
from .widgets import DataPanel, LossContours, Panel, fitted_label, label, room_to_edge

# -- timing, in seconds at the natural pace
NATURAL_DURATION = 8.0  # the --duration that means "natural pace"
WRITE_TIME = 1.3
TRANSFORM_TIME = 1.8
MOVE_TIME = 0.9
#: How far a line fades while a new line's terms fly across it.
CROSSED_OPACITY = 0.2
#: A line sliding to where a line still waits to move must keep this clear of it (a line's
#: gap is wider): coming closer, it slides with the waiting line, not before it.
HOLD_CLEARANCE = 0.08
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
#: Where the frame is not wide, the map of the step's beat is at most this many times as
#: tall (tall frame) or wide as the page is the other way.
LANDING_MAP_RATIO = 1.15
#: Below this length (scene units) the step is drawn as its landing point alone.
STEP_LEAST = 0.08
#: Below this length (scene units, about 60 px at 480p) the step's map zooms in around the
#: start and the landing so that the arrow and its head read; the map says it is zoomed.
STEP_READ = 0.9
#: The step's share of the zoomed map's shorter side.
STEP_ZOOMED = 0.25
#: Contour levels of the zoomed map, evenly spaced over the loss it shows.
ZOOMED_LEVELS = 9


class Derivation(GdScene):
    """The chain rule for dL/dw and dL/db, the update rule, and the first step in numbers."""

    scene_name = "derivation"

    def __init__(self, inputs: SceneInputs | None = None, **kwargs: object) -> None:
        super().__init__(inputs, **kwargs)
        self.page = Page()
        self.captions: dict[str, str] = {}
        self.on_screen: list[Mobject] = []
        self.heading: Mobject | None = None
        self.next_heading: Mobject | None = None

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
        sheet = typeset(self.plan(), self.theme, self.page, wrap=self.portrait)
        # The step's lines on two rows each, for beside the map (a tall frame's are already).
        if not self.portrait:
            self.step_rows = [
                tex_line(e, self.theme, self.page, wrap=True) for e in sheet.plan.data.step
            ]
        return sheet

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
                self.set_heading(headings, b.heading)  # changes as the beat starts
            work = [s.lines[k] for k in b.work]
            work += s.notes.get(b.key, [])
            if b.key == "v_landing":
                # The step's line stays beside the map where the frame is wide; elsewhere
                # the map has the page.
                work = [s.lines["update"]] if self.wide and "update" in s.lines else []
                if not self.wide and pics is not None:
                    pics.use_map(pics.map_in(self.landing_boxes([])[0]))
                    views["step"] = pics.step_view
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
            # dL/db weighs every residual alike: its section opens on them so (the x-weighted
            # ones of dL/dw would stay beside ∂/∂b = −1 until its gradient appeared).
            first = pics.residual_view if name == "b" and hide is None else hide
            self.beat(f"inner_{name}", ref, [inner], picture=first)
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
            # The residuals the sums add up stay beside them where the lines are read there.
            lines = [*setup, s.sum_g, s.sum_xg]
            self.beat("start", grads, lines, picture=self.if_room(grads, lines, pics.residual_view))
            enter = [
                (s.num_w, [s.grad_w, s.sum_xg], p.data.keys_grad_w),
                (s.num_b, [s.grad_b, s.sum_g], p.data.keys_grad_b),
            ]
        else:
            self.beat("start", grads, setup, picture=[])
            enter = [(s.num_w, [s.grad_w], {}), (s.num_b, [s.grad_b], {})]
        lines = [*setup, s.num_w, s.num_b]
        self.beat("gradient", grads, lines, enter=enter,
                  picture=self.if_room(grads, lines, pics.residual_view))  # fmt: skip

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
        self.beat("step", nums, work, enter=enter, picture=[])
        # The step's lines on two rows each, where one row beside the map would be too small
        # to read (long numbers): the terms slide into the rows and back after the map.
        rows: list[MathTex] = []
        if landing:
            # The map, with the gradient and the step: beside the step's two lines where the
            # frame is wide; elsewhere above or beside them where they are read there, else
            # alone, the page's size.
            beside: list[Mobject] = list(s.step) if self.wide else []
            lines_box: Box | None = None
            if self.wide and any(self.too_wide_beside(m) for m in s.step):
                rows = self.rows_of(p)
                beside = list(rows)
            elif not self.wide:
                # A tall frame's lines are on two rows already: they stay, above the map.
                two: list[MathTex] = list(s.step) if self.portrait else self.rows_of(p)
                map_box, lines_box = self.landing_boxes(two)
                pics.use_map(pics.map_in(map_box))
                shown = two if lines_box is not None else []
                beside = list(shown)
                rows = [] if self.portrait else shown
            self.beat(
                "landing",
                [],
                beside,
                enter=[(r, [m], {}) for r, m in zip(rows, s.step, strict=False)],
                picture=pics.step_view,
                lines_first=bool(rows),  # the one-row lines would run over the map
                box=lines_box,
            )
        if "end" in self.captions:
            # Every run ends with its verdict: on screen as the last heading, and in words.
            self.verdict_heading(s.headings, 8, "step")
            self.set_heading(s, "end")
            closing: list[Mobject] = [s.end] if s.end is not None else list(s.end_notes)
            if later:
                last = [*later, *closing]
                self.beat("end", [], last, picture=self.if_room([], last, pics.fitted_view))
            else:
                back: list[tuple[MathTex, Sequence[Mobject], dict[str, str]]] = [
                    (m, [r], {}) for r, m in zip(rows, s.step, strict=False)
                ]
                last = [*work, *closing]
                self.beat("end", nums, last, enter=back,
                          picture=self.if_room(nums, last, pics.fitted_view))  # fmt: skip
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
        """The heading the next beat comes in under: it changes as that beat's caption
        starts, so a beat's last frame (a deck's poster, the handout's picture) shows its own
        heading, not the next one's."""
        self.next_heading = (s if isinstance(s, dict) else s.headings)[key]

    def change_heading(self) -> None:
        """The heading set for this beat, in place of the one before."""
        new, self.next_heading = self.next_heading, None
        if new is None or new is self.heading:
            return
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
        box: Box | None = None,
    ) -> None:
        """One caption's worth: make room, bring the new lines in, hold while it is read.

        First the lines that stay slide to their new places and the others fade. Then the new
        lines come in: written, or built from others (``enter``: ``(line, sources, renames)``),
        their shared terms travelling into place. Sources on screen that the new layout drops
        are used up by the transform; the others stay where they are. ``picture``, when
        given, is what the picture beside the lines shows from this beat on; with
        ``lines_first`` it comes in once the new lines are in place, not with them. ``box``
        is the lines' box where it is not the page's beside the picture.
        """
        self.check_gif_length()
        self.beats_played += 1
        caption = self.with_data_note(self.captions[key])
        if picture is not None:
            # The lines have the whole width (or height) when no picture is shown.
            self.page.box = self.narrow_box if picture else self.full_box
        if box is not None:
            self.page.box = box
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
        # The first beat's caption is up from the first frame (the title coming in is
        # part of it: no beat without words); each later one from its heading's change.
        start = 0.0 if self.beats_played == 1 else self.time
        self.change_heading()
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
                and any(boxes_meet(m.target, c, HOLD_CLEARANCE) for c in waiting)
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
        # A line that terms fly across on their way fades back while they pass, so the
        # two never read as one.
        still = [
            m for m in self.on_screen if m not in consumed and all(a.mobject is not m for a in late)
        ]
        anims.extend(
            Transform(m, m.copy().set_opacity(CROSSED_OPACITY), rate_func=there_and_back_with_pause)
            for m in crossed(enter, still)
        )
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

    def if_room(
        self, pinned: Sequence[Mobject], work: Sequence[Mobject], view: list[Mobject]
    ) -> list[Mobject]:
        """``view`` where the beat's lines, all of them, are read beside it (above it, in a
        tall frame); else none."""
        kept = self.page.box
        self.page.box = self.narrow_box
        out = self.page.layout(pinned, work)
        self.page.box = kept
        fits = len(out) == len(pinned) + len(work) and all(
            self.page.readable(m, sc) for m, (sc, _) in out.items()
        )
        return view if fits else []

    def rows_of(self, p: Plan) -> list[MathTex]:
        """The step's lines on two rows each, typeset with the sheet."""
        rows = getattr(self, "step_rows", None)
        if rows is None:
            rows = [tex_line(e, self.theme, self.page, wrap=True) for e in p.data.step]
        return list(rows)

    def landing_boxes(self, rows: Sequence[Mobject]) -> tuple[Box, Box | None]:
        """Where the frame is not wide: the map's box for the step's beat, and the box of
        the step's ``rows`` above it (tall frame) or beside it, or ``None`` where they would
        not be read there and the map has the page alone."""
        full = self.full_box
        if self.portrait:
            h = min(full.h, full.w * LANDING_MAP_RATIO)
            lines = Box(full.x, full.top - (full.h - h) / 2, full.w, full.h - h - style.GAP)
            pic = Box(full.x, full.top - full.h + h / 2, full.w, h)
            alone = Box(full.x, full.y, full.w, h)
        else:
            w = min(full.w, full.h * LANDING_MAP_RATIO)
            lines = Box(full.left + (full.w - w) / 2, full.y, full.w - w - style.GAP, full.h)
            pic = Box(full.left + full.w - w / 2, full.y, w, full.h)
            alone = Box(full.x, full.y, w, full.h)
        if rows and lines.w > 0 and lines.h > 0:
            kept = self.page.box
            self.page.box = lines
            fits = all(
                self.page.readable(m, sc) for m, (sc, _) in self.page.layout([], rows).items()
            )
            self.page.box = kept
            if fits:
                return pic, lines
        return alone, None

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


def _samples(m: Mobject, spacing: float = 0.04) -> np.ndarray:
    """Points along ``m``'s strokes (its family's), ``spacing`` apart (scene units), each
    curve taken as the chord from its start to its end."""
    out = []
    for sub in m.get_family():
        pts = getattr(sub, "points", np.zeros((0, 3)))
        for k in range(0, len(pts) - 3, 4):
            a, b = pts[k], pts[k + 3]
            n = max(2, math.ceil(float(np.linalg.norm(b - a)) / spacing) + 1)
            t = np.linspace(0.0, 1.0, n)[:, None]
            out.append(a + (b - a) * t)
    return np.concatenate(out) if out else np.zeros((0, 3))


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
        line_ends = [r.w0 * lo + r.b0, r.w0 * hi + r.b0]
        w0, b0 = formulas.fmt_text(r.w0), formulas.fmt_text(r.b0)
        one = label(f"start: w₀ = {w0}, b₀ = {b0}", theme, style.TICK_SIZE, theme.path)
        # Every point on one side of the start line (it starts under the data): the view
        # reaches past the line by a row, where its name sits by it, clear of the residuals.
        fitted = r.w0 * r.x + r.b0
        side = -1 if np.all(r.y >= fitted) else 1 if np.all(r.y <= fitted) else 0

        def panel(w: float, h: float) -> DataPanel:
            extra = list(line_ends)
            if side:
                first = DataPanel(r.x, r.y, w, h, theme, x_label, ds.y_label, extra)
                per = (first.y_range[1] - first.y_range[0]) / first.frame.height
                need = (one.height + NAME_ROW_PAD) * per
                edge = min(line_ends) if side < 0 else max(line_ends)
                have = (edge - first.y_range[0]) if side < 0 else (first.y_range[1] - edge)
                if have < need:
                    extra.append(edge + side * need)
            made = DataPanel(r.x, r.y, w, h, theme, x_label, ds.y_label, extra)
            # An x name cut short goes on two rows where that keeps it whole: the plot
            # gives up the height of the second row, so the panel keeps its box.
            name = made.labels[0] if len(made.labels) else None
            if name is None or "…" not in str(getattr(name, "original_text", "")):
                return made
            two = fitted_label(x_label, theme, made.frame.width, lines=2)
            if "…" in str(getattr(two, "original_text", "")):
                return made
            taller = two.height - name.height
            if taller <= 0 or h - 2 * taller < h * 0.6:
                return made
            made = DataPanel(r.x, r.y, w, h - 2 * taller, theme, x_label, ds.y_label, extra)
            old = made.labels[0]
            two.move_to([old.get_x(), old.get_top()[1] - two.height / 2, 0.0])
            made.labels.remove(old)
            made.labels.add(two)
            return made

        self.data: DataPanel = scene.place_panel(box, panel)
        self.start_line = self.data.line_through(r.w0, r.b0, theme.path)
        # The start line's name, on one row or two; none where it would be too small.
        room = self.data.frame.width * 0.9
        two = VGroup(
            label("start line:", theme, style.TICK_SIZE, theme.path),
            label(f"w₀ = {w0}, b₀ = {b0}", theme, style.TICK_SIZE, theme.path),
        ).arrange(DOWN, buff=0.05, aligned_edge=LEFT)
        self.start_name = VGroup()
        self.residuals = self.segments(theme.ink, weighted=False)
        self.weighted = self.segments(theme.fit, weighted=True)
        # On one row or two, whichever has a clear place nearer the line (one row where
        # both are about as near).
        best: tuple[float, Mobject, np.ndarray] | None = None
        for start, bonus in ((one, -0.3), (two, 0.0)):
            if start.width <= room and start.height < self.data.frame.height * 0.4:
                at, cost = self.by_the_line(start)
                if best is None or cost + bonus < best[0]:
                    best = (cost + bonus, start, at)
        if best is not None:
            self.start_name = self.backed(best[1].move_to(best[2]))
        last = inputs.runs[0].on_map  # the optimizer's coordinates, as the points here
        self.fitted = self.data.line_through(float(last.w[-1]), float(last.b[-1]), theme.fit)
        self.scene = scene
        self.step = map_step(step)
        self.use_map(self.map_in(box))

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

    def by_the_line(self, name: Mobject) -> tuple[np.ndarray, float]:
        """Where the start line's name goes: beside the line, clear of it, of the points and
        of the residual strokes (the heaviest drawn), where the panel has such a place."""
        panel = self.data
        strokes = [self.start_line, *self.weighted.submobjects]
        pts = [_samples(m) for m in strokes if len(m.points)]
        pts += [np.array([d.get_center() for d in panel.dots])] if len(panel.dots) else []
        crowd = np.concatenate(pts) if pts else np.zeros((0, 3))
        line = _samples(self.start_line) if len(self.start_line.points) else crowd[:0]
        lo, hi = panel.frame.get_corner(DOWN + LEFT), panel.frame.get_corner(UP + RIGHT)
        half = np.array([name.width, name.height]) / 2 + 0.06
        if np.any(hi[:2] - lo[:2] < 2 * half):
            return panel.emptiest_spot(name.width, name.height), math.inf
        xs = np.linspace(lo[0] + half[0], hi[0] - half[0], 21)
        ys = np.linspace(lo[1] + half[1], hi[1] - half[1], 21)
        best, best_cost = panel.emptiest_spot(name.width, name.height), math.inf
        for x in xs:
            for y in ys:
                inside = (np.abs(crowd[:, 0] - x) < half[0] + 0.04) & (
                    np.abs(crowd[:, 1] - y) < half[1] + 0.04
                )
                gap = float(np.min(np.hypot(line[:, 0] - x, line[:, 1] - y))) if len(line) else 0
                cost = CROWDED * int(np.count_nonzero(inside)) + gap
                if cost < best_cost:
                    best, best_cost = np.array([x, y, 0.0]), cost
        return best, best_cost

    @property
    def fitted_view(self) -> list[Mobject]:
        """The data with the run's last line, where it ended."""
        return [self.data, self.fitted]

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
    def map_in(self, box: Box) -> StepMap:
        """The loss map with the start, the gradient and the first step, fitted to ``box``."""
        return StepMap(self, box)

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

    def use_map(self, drawn: StepMap) -> None:
        """Show ``drawn`` as the map from now on."""
        self.drawn = drawn
        self.map: LossContours = drawn.map
        self.start_dot, self.gradient, self.stepped = drawn.start_dot, drawn.gradient, drawn.stepped
        self.grad_arrow, self.step_arrow, self.landing = (
            drawn.grad_arrow,
            drawn.step_arrow,
            drawn.landing,
        )

    @property
    def step_view(self) -> list[Mobject]:
        d = self.drawn
        return [d.map, d.start_dot, d.gradient, d.stepped]


#: Room the gradient arrow and its name need from the start towards the map's edge, in
#: scene units: the map's view is widened on that side where the start sits nearer.
UPHILL_ROOM = GRADIENT_LENGTH[0] + 0.35
#: What a stroke under the start line's name costs, against its distance from the line.
CROWDED = 100.0
#: Room around the start line's name, on a row of its own past the line.
NAME_ROW_PAD = 0.2
#: Least gap between a name on the map and the arrows, dots and the minimum it must not hide.
CLEAR = 0.1


def landscape_over(inputs: SceneInputs, view: View) -> Landscape:
    """The map's loss surface (its data, loss and contour levels) over ``view``."""
    data = inputs.dataset
    if inputs.on_map is not None and inputs.standardized is not None:
        data = standardized_data(data, inputs.standardized)
    tracks = [(r.on_map.w, r.on_map.b, r.on_map.loss, r.on_map.diverged) for r in inputs.runs]
    return build_landscape(data, inputs.config.make_loss(), tracks, view=view)


def widened(view: View, axis: int, low: bool, extra: float) -> View:
    """``view`` with its low or high edge along ``axis`` (0 w, 1 b) moved out by ``extra``."""
    w0, w1, b0, b1 = view.w_min, view.w_max, view.b_min, view.b_max
    if axis == 0:
        w0, w1 = (w0 - extra, w1) if low else (w0, w1 + extra)
    else:
        b0, b1 = (b0 - extra, b1) if low else (b0, b1 + extra)
    return View(w0, w1, b0, b1)


def free_spot(
    frame: Mobject,
    size: tuple[float, float],
    keep_off: Sequence[tuple[np.ndarray, np.ndarray]],
    crowd: np.ndarray,
    near: np.ndarray,
    pad: float = 0.06,
) -> np.ndarray | None:
    """The centre of a ``size`` box inside ``frame`` that meets none of the boxes
    ``keep_off`` (lower-left, upper-right corners) and covers the fewest ``crowd`` points
    (strokes), the nearest to ``near`` among equals; ``None`` where no such place is."""
    lo, hi = frame.get_corner(DOWN + LEFT)[:2], frame.get_corner(UP + RIGHT)[:2]
    half = np.array(size) / 2 + pad
    if np.any(hi - lo < 2 * half):
        return None
    xs = np.linspace(lo[0] + half[0], hi[0] - half[0], 15)
    ys = np.linspace(lo[1] + half[1], hi[1] - half[1], 15)
    cx, cy = np.meshgrid(xs, ys)
    c = np.stack([cx.ravel(), cy.ravel()], axis=1)
    ok = np.ones(len(c), dtype=bool)
    for a, b in keep_off:
        ok &= ~(
            (c[:, 0] - half[0] < b[0] + CLEAR)
            & (c[:, 0] + half[0] > a[0] - CLEAR)
            & (c[:, 1] - half[1] < b[1] + CLEAR)
            & (c[:, 1] + half[1] > a[1] - CLEAR)
        )
    if not ok.any():
        return None
    c = c[ok]
    pts = crowd[:, :2] if len(crowd) else np.zeros((0, 2))
    covered = np.array(
        [
            np.count_nonzero((np.abs(pts[:, 0] - x) < half[0]) & (np.abs(pts[:, 1] - y) < half[1]))
            for x, y in c
        ]
    )
    dist = np.linalg.norm(c - near[:2], axis=1)
    # Near what it names first (it has a backing), then over the fewest strokes.
    cost = dist / float(np.linalg.norm(hi - lo)) + 0.3 * covered / max(int(covered.max()), 1)
    best = int(np.argmin(cost))
    return np.array([c[best][0], c[best][1], 0.0])


def crossed(
    enter: Sequence[tuple[MathTex, Sequence[Mobject], dict[str, str]]],
    lines: Sequence[Mobject],
) -> list[Mobject]:
    """Which of ``lines`` (on screen, staying put) terms flying from a source to its new
    line pass over: those meeting the box that spans a source and the new line, other than
    the two."""
    found: list[Mobject] = []
    for target, srcs, _ in enter:
        for src in srcs:
            lo = np.minimum(src.get_corner(DOWN + LEFT), target.get_corner(DOWN + LEFT))
            hi = np.maximum(src.get_corner(UP + RIGHT), target.get_corner(UP + RIGHT))
            span = Line(lo, hi)  # its bounding box is the sweep's
            found += [
                m
                for m in lines
                if m is not src and m is not target and m not in found and boxes_meet(m, span)
            ]
    return found


def box_of(m: Mobject, pad: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    return m.get_corner(DOWN + LEFT)[:2] - pad, m.get_corner(UP + RIGHT)[:2] + pad


class StepMap:
    """The loss map with the start, the gradient (uphill) and the first step, fitted to one
    box. The view is the run's, widened where the start sits too near an edge for the
    gradient arrow; the names go where they hide no arrow, dot or the minimum."""

    def __init__(self, pics: Pictures, box: Box) -> None:
        scene, t, st = pics.scene, pics.theme, pics.step
        inputs = scene.inputs
        w_label, b_label = map_labels(inputs.on_map is not None)
        land = inputs.map

        def make(landscape: Landscape) -> LossContours:
            made = scene.place_panel(
                box,
                lambda w, h: LossContours(
                    landscape, w, h, theme=t, w_label=w_label, b_label=b_label
                ),
            )
            keep_ticks_in_frame(made)
            return made

        self.map = m = make(land)
        (w0, b0) = st.start
        gw, gb = st.gradient
        # Widen the view (a few rounds: the scales change with it) until the uphill arrow
        # has room from the start to the frame.
        for _ in range(4):
            if not (m.contains(w0, b0) and math.isfinite(gw) and math.isfinite(gb)):
                break
            p0 = np.asarray(m.axes.c2p(w0, b0), dtype=np.float64)
            unit = uphill(m, st)
            if unit is None or room_to_edge(m, p0, unit) >= UPHILL_ROOM:
                break
            v = land.view
            lo, hi = m.frame.get_corner(DOWN + LEFT), m.frame.get_corner(UP + RIGHT)
            spans = (v.w_max - v.w_min, v.b_max - v.b_min)
            for k in (0, 1):
                need = abs(float(unit[k])) * UPHILL_ROOM
                low = unit[k] < 0
                have = (p0[k] - lo[k]) if low else (hi[k] - p0[k])
                size = hi[k] - lo[k]
                if have >= need or need >= size * 0.6:
                    continue
                # The edge moves out by e (data units) so that the start's distance to it,
                # a share of the new span, is ``need`` in scene units.
                a = have / size * spans[k]
                e = (need * spans[k] - a * size) / (size - need) * 1.05
                v = widened(v, k, bool(low), min(e, spans[k]))
            if v == land.view:
                break
            land = landscape_over(inputs, v)
            self.map = m = make(land)
        self.zoomed = False
        zoom = zoomed_view(m, st)
        if zoom is not None:
            land = zoomed_landscape(landscape_over(inputs, zoom))
            self.map = m = make(land)
            self.zoomed = True
        self.build(pics)

    def build(self, pics: Pictures) -> None:
        t, m, st = pics.theme, self.map, pics.step
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
        dot = Dot(p0, radius=style.DOT_RADIUS, color=t.path)
        self.start_dot.add(dot)
        keep_off = [box_of(dot)]
        if len(m.optimum):
            keep_off.append(box_of(m.optimum))
        if len(m.scale_tag):
            keep_off.append(box_of(m.scale_tag))
        block: Mobject | None = None
        p1 = p0
        if st.end is not None and m.contains(*st.end):
            p1 = np.asarray(m.axes.c2p(*st.end), dtype=np.float64)
            if float(np.linalg.norm(p1 - p0)) >= STEP_LEAST:
                self.step_arrow = Arrow(
                    p0, p1, buff=0, color=t.path, stroke_width=4,
                    max_tip_length_to_length_ratio=0.2,
                )  # fmt: skip
                self.stepped.add(self.step_arrow)
                keep_off.append(box_of(self.step_arrow))
            self.landing = Dot(p1, radius=style.DOT_RADIUS * 0.8, color=t.path)
            self.landing.set_stroke(t.background, 1.5)
            self.stepped.add(self.landing)
            keep_off.append(box_of(self.landing))
            w1, b1 = st.end
            name_text = "−η∇L" if Pictures.is_plain_step(st) else "first step"
            name = label(f"{name_text}, η = {formulas.fmt_text(st.eta)}", t, style.TICK_SIZE,
                         t.path)  # fmt: skip
            rows = [
                label(f"{p}₁ = {formulas.fmt_text(v)}", t, style.TICK_SIZE, t.path)
                for p, v in (("w", w1), ("b", b1))
            ]
            block = VGroup(name, *rows).arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        unit = uphill(m, st)
        g_name: Mobject | None = None
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
                keep_off.append(box_of(self.grad_arrow))
                # Drawn at a length of its own, not to the step's scale: it says so.
                g_name = VGroup(
                    label("∇L: uphill", t, style.TICK_SIZE, t.muted),
                    label("(direction only)", t, style.TICK_SIZE, t.muted),
                ).arrange(DOWN, buff=0.05, aligned_edge=LEFT)
        crowd = np.concatenate(
            [c.points for c in m.lines.submobjects if len(c.points)] or [np.zeros((0, 3))]
        )
        # The gradient's name by its arrow, the step's by the landing point: each where it
        # hides none of the arrows, the dots, the minimum, and the fewest contour lines.
        if self.grad_arrow is not None and g_name is not None:
            mid = self.grad_arrow.get_center()
            at = free_spot(m.frame, (g_name.width, g_name.height), keep_off, crowd, mid)
            if at is not None:
                g_name.move_to(at)
                keep_off.append(box_of(g_name))
                self.gradient.add(self.grad_arrow, pics.backed(g_name))
            else:
                self.gradient.add(self.grad_arrow)
        if block is not None:
            at = free_spot(m.frame, (block.width, block.height), keep_off, crowd, p1)
            if at is None:
                at = _clamp_inside(m.frame, block, p1 + np.array([0.0, -block.height, 0.0]))
            block.move_to(at)
            self.stepped.add(pics.backed(block))
            keep_off.append(box_of(block))
        if self.zoomed:
            # The map shows a small patch around the start: it says so, where it hides nothing.
            corner = m.frame.get_corner(DOWN + RIGHT)
            for words in ("zoomed in on the step", "zoomed in"):
                note = label(words, t, style.TICK_SIZE, t.muted)
                at = free_spot(m.frame, (note.width, note.height), keep_off, crowd, corner)
                if at is not None:
                    self.stepped.add(pics.backed(note.move_to(at)))
                    break


def keep_ticks_in_frame(panel: Panel, pad: float = 0.05) -> None:
    """Keep the tick labels of ``panel`` inside the video frame: one that runs past its side
    (the last w tick, centred on the plot's right edge, of a map against the frame's right
    side) moves in, under its tick still, where that leaves a word space to its neighbour;
    otherwise it is dropped."""
    half_w, half_h = config.frame_width / 2 - pad, config.frame_height / 2 - pad
    texts = [m for m in panel.ticks.submobjects if isinstance(m, Text)]
    for m in texts:
        over = max(m.get_right()[0] - half_w, 0.0) - max(-half_w - m.get_left()[0], 0.0)
        if m.get_bottom()[1] < -half_h:
            panel.ticks.remove(m)
            continue
        if over == 0:
            continue
        m.shift(LEFT * over)
        row = [o for o in texts if o is not m and abs(o.get_y() - m.get_y()) < m.height / 2]
        gap = 0.15  # a word space at tick size, about 9 px at 480p
        clash = any(
            o.get_left()[0] - gap < m.get_right()[0] and m.get_left()[0] < o.get_right()[0] + gap
            for o in row
        )
        if clash or abs(over) > m.width / 2:
            panel.ticks.remove(m)


def zoomed_view(m: LossContours, st: MapStep) -> View | None:
    """A view around the start and the landing where the step on ``m`` is drawn shorter
    than :data:`STEP_READ`: each axis's span shrunk by the same factor (the arrow keeps its
    direction on screen), the step about :data:`STEP_ZOOMED` of the map's shorter side, the
    start placed so the step and the uphill arrow both have room. ``None`` where the map
    draws the step long enough already, or has no step to draw."""
    if st.end is None or not (m.contains(*st.start) and m.contains(*st.end)):
        return None
    p0 = np.asarray(m.axes.c2p(*st.start), dtype=np.float64)
    p1 = np.asarray(m.axes.c2p(*st.end), dtype=np.float64)
    length = float(np.linalg.norm(p1 - p0))
    if not math.isfinite(length) or length <= 0 or length >= STEP_READ:
        return None
    side = min(m.frame.width, m.frame.height)
    factor = length / max(STEP_ZOOMED * side, STEP_READ)
    v = m.landscape.view
    span_w, span_b = (v.w_max - v.w_min) * factor, (v.b_max - v.b_min) * factor
    w0, b0 = st.start
    # The step runs one way from the start, the uphill arrow (as long) the other: the start
    # sits at the middle.
    cw, cb = w0, b0
    return View(cw - span_w / 2, cw + span_w / 2, cb - span_b / 2, cb + span_b / 2)


def zoomed_landscape(land: Landscape) -> Landscape:
    """``land`` with contour levels spread evenly over the loss it covers: the lesson's
    levels, spaced for the whole bowl, leave a small view around the start nearly empty."""
    lo, hi = float(np.min(land.z)), float(np.max(land.z))
    levels = np.linspace(lo, hi, ZOOMED_LEVELS + 2)[1:-1]
    return dataclasses.replace(land, levels=levels)


def uphill(m: LossContours, st: MapStep) -> np.ndarray | None:
    """The unit scene direction of the gradient at the start on map ``m``, or ``None``."""
    gw, gb = st.gradient
    if not (math.isfinite(gw) and math.isfinite(gb)):
        return None
    axes = m.axes
    o = np.asarray(axes.c2p(0.0, 0.0), dtype=np.float64)
    ex = np.asarray(axes.c2p(1.0, 0.0), dtype=np.float64) - o
    ey = np.asarray(axes.c2p(0.0, 1.0), dtype=np.float64) - o
    v = gw * ex + gb * ey
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 and math.isfinite(norm) else None

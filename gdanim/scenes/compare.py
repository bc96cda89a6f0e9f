"""compare: the same lesson run 2 to 4 times with one option changed, the runs shown together.

When the runs share one loss surface (the optimizer, the rate, the start, momentum, the seed,
the batch size) their paths race on one contour map, one colour each, with one loss-curve
panel; the run that gets there first is drawn on top, a run under a path it runs along a
little wider (a jitter about gd's line), and a path that swings across the others thin and
faint underneath (its swings read as lines), so every one stays in sight. When the option
changes the surface (the loss, L2, scaling x, huber's delta) each run gets its own contour
panel (one view for all where their extents are alike; to scale on standardised x, where the
bowl is round), and their fitted lines are overlaid on one data panel. Every run ends with
its verdict, read from its trajectory; a closing line says what the comparison
shows, in the runs' numbers (:func:`gdanim.experiments.closing_line`).

Render with ``gdanim render compare --preset momentum`` or ``--vary optimizer=gd,momentum``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    Indicate,
    LaggedStart,
    LineJointType,
    Mobject,
    Rectangle,
    ValueTracker,
    VGroup,
    VMobject,
    Wait,
    config,
)

from ..datasets import standardized_data
from ..experiments import (
    PRESETS,
    VALLEY,
    chatter_words,
    closing_line,
    critical_shares,
    key_words,
    rate_note,
    swing_words,
    valley_words,
    value_text,
)
from ..landscape import Landscape, View, build_landscape
from ..numbers import count, listed, minus_signs
from ..outcome import Outcome
from ..pipeline.prepare import Comparison, Run, Surface
from ..trajectory import Trajectory
from . import style
from .base import Box, map_labels, wide_frame, widened_map
from .clock import SharedClock
from .grid import bottom_box, grid_cells, pt, top_box, wrap_parts
from .legends import Legend, line_legend, run_header, run_legend, wrapped
from .runs import loss_frame
from .widgets import DataPanel, DescentTrail, LossContours, LossCurve, fmt
from .widgets.contours import MARKER_FILL, NOT_TO_SCALE_WORDS
from .widgets.text import label

# ------------------------------------------------------------------------------ layout
# Scene units (the short side of the frame is 8).
CLOSING_SIZE = 22  # the closing line: a header's size, it is the scene's conclusion
CLOSING_GAP = 0.22  # between the panels and the closing line
HEADER_PAD = 0.05  # between a run's header and its panel's box
PANEL_GAP = 0.25  # between the panels of one layout
SIDE_SHARE = 0.42  # of the body's width: the loss panel and legend beside the map
SQUARE_DATA_HEIGHT = 2.1  # the least height of the data panel's row in a square frame (own maps)
MAPS_SHARE_43 = 2.1  # the maps' row against the data panel's width, own maps in a 4:3 frame
INLINE_SHARE = 0.55  # the legend goes on one line per run if it takes at most this share
WORDS = {2: "Two", 3: "Three", 4: "Four"}
#: The end's magnified map: each run's last updates (this share, at least this many) and the
#: optimum, this share of their extent around them, where it magnifies at least this much.
ZOOM_TAIL_SHARE, ZOOM_TAIL_LEAST, ZOOM_PAD, ZOOM_LEAST = 0.2, 20, 0.15, 3.0
#: Said of the hops there: the widest where they reach this many times the next's; a
#: settled run "barely moves" where its last updates span under this share of the view.
WIDER, STILL_REACH = 1.5, 0.05
COVER_PAD = 0.04  # around a map hidden until the caption comes to it
VARIABLES = ("x", "y", "w", "b")  # names a sentence starts in lower case
#: The most lines the whole subtitle takes in a frame not wide before it keeps to the short
#: one (the opening's last caption says the rest).
SUBTITLE_MOST = 3
RATE_PULSE = 1.12  # how far a run's name swells when the caption says its rate
#: How much wider each run's path is than the one drawn over it, on a shared map.
STROKE_STEP = 4.0
#: How much wider each later run's fitted line is than the one before, on the data panel.
FIT_STEP = 3.0


#: A space that does not break a line: a number stays on the line of the words it goes with.
NBSP = "\u00a0"


def on_screen(text: str) -> str:
    """``text`` as the screen writes it: a negative number with the minus sign, and a number
    glued to its words ("lr = 0.1", "in 1024"), so a line never breaks between them."""
    text = minus_signs(text)
    text = re.sub(r"(\S) = (?=\S)", rf"\1{NBSP}={NBSP}", text)
    return re.sub(r"\b(in|after|at|of) (?=[\d\u2212])", rf"\1{NBSP}", text)


#: Between a map's w name and the "axes not to scale" said under it.
SCALE_NOTE_GAP = 0.04
#: Own-surface maps share one view when it is at most this many times any one's extent.
SHARED_VIEW_GROWTH = 2.5
#: How much wider each run's loss curve is than the one drawn over it.
CURVE_STEP = 1.5
#: How much larger each run's end ring is than that of the run drawn over it.
RING_STEP = 0.45
#: Runs starting at one point: each start under the top run's dot a ring this much wider
#: (scene units) than the one inside it.
START_RING_STEP = 0.045
START_RING_STROKE = 2.5
#: Starts nearer than this (scene units) are drawn as one point's nested rings.
SAME_START = 0.03
#: A run's drawn path this many times as long as the shortest run's swings or jitters: it is
#: drawn thin and faint, so its swings read as lines and the paths it crosses show through.
SWING_LENGTH = 3.0
SWING_STROKE = 0.7  # of a plain path's width
SWING_OPACITY = 0.7
#: A run is drawn wider than a path over it where half its own path or more runs within
#: NEAR (scene units, about 5 px at 480p) of that path; elsewhere the paths show apart.
ALONG = 0.5
#: A swinging run runs along a path over it only where most of it does (a jitter about that
#: path, not swings across it, which cross the other paths half the time in a small map).
SWING_ALONG = 0.8
NEAR = 0.08
ALONG_SAMPLES = 200


def run_stroke(i: int) -> float:
    """The path width of a run under ``i`` widened runs it runs along: each wider than the
    one over it, so it shows as a band either side of that path."""
    return style.PATH_STROKE + STROKE_STEP * i


def drawn_length(contours: LossContours, path: Trajectory) -> float:
    """How long ``path`` is drawn on ``contours`` (scene units, the part in its view): a run
    that swings or jitters draws a long path, a straight one a short path."""
    w, b = np.ravel(path.w), np.ravel(path.b)
    v = contours.landscape.view
    inside = (w >= v.w_min) & (w <= v.w_max) & (b >= v.b_min) & (b <= v.b_max)
    pts = contours.to_scene(w[inside], b[inside])
    return float(np.sum(np.linalg.norm(np.diff(pts, axis=0), axis=1))) if len(pts) > 1 else 0.0


def swinging(lengths: list[float]) -> list[bool]:
    """Which runs swing or jitter over the map: their drawn path is many times as long as the
    shortest one's, so drawn as wide as the others it would print as one solid patch."""
    least = min(lengths) if lengths else 0.0
    return [n > SWING_LENGTH * least for n in lengths]


def stacking(lengths: list[float], firsts: list[int | None] | None = None) -> list[int]:
    """The runs from the bottom of a shared map to its top: the run that reached the optimum
    first (``firsts``: the update each run did, None for one that did not) on top, then the
    longest drawn path (the run that swings or jitters most) underneath, the straightest over
    it; ties keep the runs' order, the first on top."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], -i))
    done = [(u, i) for i, u in enumerate(firsts or []) if u is not None]
    if done:
        u, first = min(done)
        if sum(v == u for v, _ in done) == 1:  # a tie has no winner to show
            order.remove(first)
            order.append(first)
    return order


def along_share(path: np.ndarray, other: np.ndarray, near: float) -> float:
    """The share of ``path`` (scene points) that runs within ``near`` of ``other``, measured
    at even steps along it."""
    if len(path) < 2 or len(other) < 1:
        return 0.0
    seg = np.linalg.norm(np.diff(path[:, :2], axis=0), axis=1)
    at = np.concatenate([[0.0], np.cumsum(seg)])
    if at[-1] <= 0:
        return 0.0
    s = np.linspace(0.0, at[-1], ALONG_SAMPLES)
    xy = np.column_stack([np.interp(s, at, path[:, k]) for k in (0, 1)])
    o = other[:, :2]
    if len(o) > 4 * ALONG_SAMPLES:  # dense enough at a few samples a segment
        o = o[np.linspace(0, len(o) - 1, 4 * ALONG_SAMPLES).astype(int)]
    d = np.min(np.linalg.norm(xy[:, None, :] - o[None, :, :], axis=2), axis=1)
    return float(np.mean(d < near))


def widenings(
    paths: list[np.ndarray], order: list[int], swings: list[bool]
) -> tuple[list[int], list[bool]]:
    """How many steps wider than a plain path each run is drawn, and which runs are drawn
    thin. A run that runs along a path drawn over it (:data:`ALONG` of its length, within
    :data:`NEAR`; :data:`SWING_ALONG` of a swinging one) is one step wider than the widest
    such path, so it shows around it (the minibatch's jitter about gd's line); a run that
    swings or jitters away from the paths over it is drawn thin (momentum's swings across a
    valley), its swings read beside them; any other is plain. A thin run widens no run under
    it: the paths it crosses show through."""
    steps = [0] * len(paths)
    thin = [False] * len(paths)
    for k, i in reversed(list(enumerate(order))):  # top first
        over = [j for j in order[k + 1 :] if not thin[j]]
        need = SWING_ALONG if swings[i] else ALONG
        under = [steps[j] + 1 for j in over if along_share(paths[i], paths[j], NEAR) >= need]
        steps[i] = max(under, default=0)
        thin[i] = swings[i] and not under
    return steps, thin


@dataclass
class Zoom:
    """The end's map magnified about the optimum: what it replaces, itself, its caption."""

    old: VGroup
    new: VGroup
    caption: str


def sentence_start(text: str) -> str:
    """``text`` with a capital first letter, unless it begins with a variable's name ("x
    standardised: ...", as a formula writes it)."""
    first = text.split(" ", 1)[0].rstrip(":,")
    return text if first in VARIABLES else text[:1].upper() + text[1:]


@dataclass
class RunView:
    """The mobjects of one run."""

    run: Run
    color: str
    name: VGroup  # its name (legend entry or panel header)
    verdict: VGroup  # what it did, shown once it has done it
    trail: DescentTrail
    contours: LossContours
    curve: VGroup | None = None  # its loss curve (one surface) ...
    fit: VMobject | None = None  # ... or its line on the data panel (own surfaces)


class Compare(SharedClock):
    """Two to four runs, one option changed: their paths, their verdicts, the comparison."""

    scene_name = "compare"

    def construct(self) -> None:
        self.build()
        # The opening says its sentences one at a time and shows what each names: the runs
        # and their data; then the map (or a map per run), with the starts and, on maps of
        # their own, the runs' lines in the data panel; then why their rates differ. A GIF
        # opens on the whole picture.
        first, surface, *rest = self.intro_parts()
        covers = [] if self.opens_still else [self.cover(m) for m in self.maps]
        if not covers:
            with self.captioned(" ".join([first, surface, *rest])):
                self.fade_in_frame()
                self.bring_in_starts()
        else:
            with self.captioned(first):
                self.fade_in_frame()
            with self.captioned(surface):
                self.play(
                    LaggedStart(*(FadeOut(c) for c in covers), lag_ratio=0.6),
                    run_time=style.INTRO_TIME,
                )
                self.remove(*covers)
                self.bring_in_starts()
            if rest:
                with self.captioned(" ".join(rest)):
                    if rate_note(self.inputs) and self.rates_shown():
                        self.play(
                            *(
                                Indicate(v.name, color=v.color, scale_factor=RATE_PULSE)
                                for v in self.views
                            ),
                            run_time=style.INTRO_TIME,
                        )
        self.descend_and_say(self.caption_descent(), self.said_verdicts())
        zoom = self.zoom_on_optimum()
        if zoom is not None:
            with self.captioned(zoom.caption):
                self.play(FadeOut(zoom.old), FadeIn(zoom.new), run_time=style.INTRO_TIME)
                self.remove(*zoom.old)  # out of the static group that holds them
        with self.captioned(self.closing_text):
            self.play(FadeIn(self.closing), run_time=style.VERDICT_TIME)
            self.play(Wait(style.HOLD_TIME))

    def bring_in_starts(self) -> None:
        """The runs' starts come in on the map(s), with their start lines on a data panel
        the runs share (maps of their own): the caption says they share it while it is
        read."""
        fits = [v.fit for v in self.views if v.fit is not None]
        for fit in fits:
            fit.update(0)
            fit.suspend_updating()
        self.play(
            *[FadeIn(v.trail.start, scale=1.6) for v in self.views],
            *[FadeIn(fit) for fit in fits],
            FadeIn(self.counter),
            run_time=style.INTRO_TIME * 0.6,
        )
        for fit in fits:
            fit.resume_updating()

    def cover(self, m: Mobject) -> Rectangle:
        """A rectangle in the background colour over ``m`` (its starts with it), on top, to
        fade out when the caption comes to it: cheaper than fading the contours in."""
        rect = Rectangle(width=m.width + 2 * COVER_PAD, height=m.height + 2 * COVER_PAD)
        rect.move_to(m).set_stroke(width=0).set_fill(self.theme.background, 1)
        self.add(rect)
        return rect

    # -- the comparison
    @property
    def comparison(self) -> Comparison:
        comp = self.inputs.comparison
        assert comp is not None, "the compare scene needs runs prepared from vary or a preset"
        return comp

    @property
    def runs(self) -> tuple[Run, ...]:
        return self.inputs.runs

    def outcomes(self) -> list[Outcome]:
        return [r.outcome for r in self.runs]

    def rates_shown(self) -> bool:
        """Whether each run's name carries its rate: they differ, or the rate is varied."""
        comp = self.comparison
        if comp.key == "lr":
            return any(isinstance(v, str) for v in comp.values)
        return len({round(r.lr, 12) for r in self.runs}) > 1

    def common_rate(self) -> float | None:
        """The rate most runs share, when at least two share it and another differs."""
        rates = [round(r.lr, 12) for r in self.runs]
        best = max(set(rates), key=lambda v: (rates.count(v), -v))
        if rates.count(best) >= 2 and len(set(rates)) > 1 and self.comparison.key != "lr":
            return next(r.lr for r in self.runs if round(r.lr, 12) == best)
        return None

    def run_title(self, run: Run) -> str:
        common = self.common_rate()
        if self.rates_shown() and (common is None or round(run.lr, 12) != round(common, 12)):
            return on_screen(f"{run.label} · lr = {fmt(run.lr, 3)}")
        return on_screen(run.label)

    # -- captions: every number comes from the runs
    def caption_intro(self) -> str:
        return " ".join(self.intro_parts())

    def intro_parts(self) -> list[str]:
        """The opening's sentences, a caption each: the runs, the surface(s) they descend,
        and, where there is more to say, why their rates differ and what the subtitle left
        out."""
        comp = self.comparison
        ds = self.inputs.dataset
        labels = [r.label for r in self.runs]
        words = WORDS.get(len(self.runs), str(len(self.runs)))
        parts = [
            f"{words} runs on {ds.caption}, alike but for {key_words(comp.key)}: {listed(labels)}."
        ]
        if comp.shared:
            parts.append("They descend one loss surface, so every path is drawn on one map.")
        else:
            parts.append(
                f"{self.change_words()} changes the loss surface: each run has its "
                "own map, and their lines share the data panel."
            )
        rest = [n for n in [rate_note(self.inputs), *self.left_to_caption()] if n]
        if rest:
            parts.append(" ".join(f"{sentence_start(n)}." for n in rest))
        return parts

    def short_heading(self) -> bool:
        """Runs with maps of their own in a frame about as wide as tall, or taller: the
        subtitle keeps to one or two lines (the data, loss, optimizer, a rate all share), so
        the maps keep the height; each run's header names its own rate, the counter the
        updates, and the opening's last caption says the rest (the start, the rates' shares
        of their critical rates, how x was standardised). So too where the whole subtitle
        would take more than :data:`SUBTITLE_MOST` lines in a frame not wide (4:3, 1:1): on
        a shared map the legend names each run's rate."""
        if not self.comparison.shared and self.portrait:
            return True
        if wide_frame():
            return False
        known = getattr(self, "_short_heading", None)
        if known is None:
            rows = wrap_parts(self.subtitle_parts(short=False), [self.frame.w], self.theme)
            known = self._short_heading = len(rows) > SUBTITLE_MOST
        return bool(known)

    def left_to_caption(self) -> list[str]:
        """What a short subtitle leaves for the first caption to say."""
        if not self.short_heading():
            return []
        cfg = self.inputs.config
        out = []
        if self.comparison.key != "init":
            w0, b0 = cfg.init or (0.0, 0.0)
            out.append(f"every run starts at w = {fmt(w0)}, b = {fmt(b0)}")
        if self.comparison.key != "normalize":
            note = self.standardized_note()
            if note:
                out.append(" ".join(note.split()))
        return out

    def change_words(self) -> str:
        """What the comparison changes, as the subject of a sentence."""
        if self.comparison.key == "normalize":
            return "Standardising x"
        return f"Changing {key_words(self.comparison.key)}"

    def shown_runs(self) -> list[Run]:
        """The runs with their names and verdicts as the screen writes them."""
        return [
            dataclasses.replace(
                r,
                label=on_screen(r.label),
                outcome=dataclasses.replace(r.outcome, text=on_screen(r.outcome.text)),
            )
            for r in self.runs
        ]

    def caption_descent(self) -> str:
        n = self.longest_updates()
        return (
            f"All runs share one clock, up to {count(n)} updates; each stops at its own end."
            + swing_words(self.inputs)
            + chatter_words(self.inputs)
        )

    def caption_verdicts(self) -> str:
        """What each run did, in the order the verdicts came up on screen."""
        return " ".join(text for _, text in self.said_verdicts())

    def said_verdicts(self) -> list[tuple[int, str]]:
        """Each run's verdict as a sentence with the update it comes up at on the shared
        clock, in that order (those shown only at the end last, in the runs' order)."""

        def shown_at(r: Run) -> int:
            return self.comes_up_at(r.outcome)

        return [
            (shown_at(r), f"{r.label}: {r.outcome.text}.") for r in sorted(self.runs, key=shown_at)
        ]

    # -- building (no animation)
    def build(self) -> None:
        t = self.theme
        runs = self.runs
        self.colors = [t.run_colors[i % len(t.run_colors)] for i in range(len(runs))]
        self.tracker = ValueTracker(0.0)
        self.longest = max(runs, key=lambda r: r.trajectory.n_updates).trajectory
        self.heading, below = self.heading_with_counter(self.title_text(), self.subtitle_parts())
        f = self.frame
        bottom = -config.frame_height / 2 + style.MARGIN
        self.closing_text = closing_line(self.inputs)
        if self.square_own():
            # Two maps over the data panel and the closing line beside it.
            self.closing = wrapped(
                on_screen(self.closing_shown()), t, t.ink, (f.w - PANEL_GAP) / 2, CLOSING_SIZE
            )
            body = Box(f.x, (below + bottom) / 2, f.w, below - bottom)
        else:
            self.closing = wrapped(on_screen(self.closing_text), t, t.ink, f.w, CLOSING_SIZE)
            self.closing.move_to(pt(f.left, bottom), aligned_edge=DOWN + LEFT)
            top = self.closing.get_top()[1] + CLOSING_GAP
            body = Box(f.x, (below + top) / 2, f.w, below - top)
        if self.comparison.shared:
            self.views = self.build_shared(body)
        else:
            self.views = self.build_own(body)
        self.hide_unmoved_markers()
        static = [self.heading, *self.panels]
        for v in self.views:
            static += [v.name, v.trail.start]
        self.static = VGroup(*static)
        self.add(self.static)

    def closing_shown(self) -> str:
        """The closing line as the screen writes it. Beside the data panel of a square frame
        it keeps to the lesson (the valley's stretch) where there is one: the runs' headers
        already say which converged and when; the caption says it all."""
        lesson = valley_words(self.inputs).strip()
        return lesson if self.square_own() and lesson else self.closing_text

    def title_text(self) -> str:
        comp = self.comparison
        if comp.preset is not None and comp.preset in PRESETS:
            return PRESETS[comp.preset].title
        if all(isinstance(v, bool) for v in comp.values):
            # Named as the runs are: "Raw x against standardised x", not "false, true".
            labels = [r.label for r in self.runs]
            text = " against ".join(labels)
            return on_screen(text[0].upper() + text[1:])
        values = ", ".join(value_text(comp.key, v) for v in comp.values)
        words = key_words(comp.key)
        return on_screen(f"Changing {words}: {values}")

    def subtitle_parts(self, short: bool | None = None) -> list[str]:
        """The subtitle's parts; ``short`` (by default :meth:`short_heading`) leaves the
        start, the run's length, the rates' shares and how x was standardised to the
        opening's caption and the counter."""
        comp = self.comparison
        cfg = self.inputs.config
        key = comp.key
        parts = [self.inputs.dataset.caption]
        if key != "loss":
            parts.append(cfg.loss or "")
        if key != "optimizer":
            parts.append(self.optimizer_label())
        rates = {round(r.lr, 12) for r in self.runs}
        if short is None:
            short = self.short_heading()
        if key != "lr" and len(rates) == 1:
            parts.append(f"lr = {fmt(self.runs[0].lr, 3)}")
        elif key != "lr":
            common = self.common_rate()
            if common is not None:
                parts.append(f"lr = {fmt(common, 3)} where no other is named")
            elif short:
                pass  # each header names its run's rate; the opening says why they differ
            else:
                shares = critical_shares(self.inputs)
                if shares is None:
                    parts.append("each run its own safe rate")
                else:
                    # Unlike shares of their critical rates: the race is partly one of rates.
                    at = " and ".join(fmt(v, 2) for v in shares)
                    parts += ["each run its own safe rate", f"at {at} of its critical rate"]
        if key != "l2" and cfg.l2:
            parts.append(f"L2 = {fmt(cfg.l2)}")
        if key != "init" and not short:
            w0, b0 = cfg.init or (0.0, 0.0)
            parts.append(f"start w = {fmt(w0)}, b = {fmt(b0)}")
        if not short:  # the counter and the second caption say how far the clock runs
            parts.append(f"{count(self.longest_updates())} updates")
        if key != "normalize" and not short:
            note = self.standardized_note()
            if note:
                parts += note.split("  ")  # its two halves wrap apart in a narrow frame
        return [on_screen(p) for p in parts if p]

    def build_shared(self, body: Box) -> list[RunView]:
        inputs = self.inputs
        t = self.theme
        n = len(self.runs)
        tall = config.frame_height > config.frame_width * 1.3
        titles = [self.run_title(r) for r in self.runs]

        def make_legend(width: float, cols: int, inline: bool = False) -> Legend:
            return run_legend(self.shown_runs(), self.colors, titles, t, width, cols, inline)

        side_by_side = False
        if not self.portrait:
            # Beside the map: the loss panel over a legend of one line per run, if it fits.
            legend, names, verdicts = make_legend(INLINE_SHARE * body.w, 1, inline=True)
            name_w = max(h.width for h in names)
            side_by_side = name_w <= INLINE_SHARE * body.w * 0.5 and all(
                len(v) <= 2 for v in verdicts
            )
        if side_by_side:
            side_w = max(legend.width, SIDE_SHARE * body.w)
            map_w = body.w - side_w - PANEL_GAP
            map_box = Box(body.left + map_w / 2, body.y, map_w, body.h)
            side = Box(body.left + map_w + PANEL_GAP + side_w / 2, body.y, side_w, body.h)
            loss_box, legend_box = bottom_box(side, legend.height, PANEL_GAP)
        else:
            # The map and the loss panel in a row (or stacked, when tall), the legend below it
            # in whichever arrangement is shortest.
            options = [make_legend(body.w, 1, inline=True)]
            if n >= 3:
                options.append(make_legend(body.w, 2))
            legend, names, verdicts = min(options, key=lambda o: o[0].height)
            plots, legend_box = bottom_box(body, legend.height, PANEL_GAP)
            if tall:
                map_box, loss_box = plots.split_v(1.45, 1.0, gap=PANEL_GAP)
            else:
                map_box, loss_box = plots.split_h(1.15, 1.0, gap=PANEL_GAP)
        legend.move_to(pt(legend_box.left, legend_box.top), aligned_edge=UP + LEFT)
        w_label, b_label = map_labels(inputs.on_map is not None)
        surface = self.comparison.surfaces[0]
        paths = [r.on_map for r in self.runs]
        self.map_box = map_box
        contours = self.place_panel(
            map_box,
            lambda w, h: LossContours(
                self.to_scale(surface, paths, w / h), w, h, t, w_label, b_label
            ),
        )
        frame_traj = loss_frame(self.runs, inputs.analysis.optimum_loss)
        epochs = self.longest_updates()
        loss = self.place_panel(
            loss_box,
            lambda w, h: LossCurve(
                [frame_traj],
                w,
                h,
                t,
                inputs.analysis.optimum_loss,
                epochs,
                descents=[r.trajectory for r in self.runs],
            ),
        )
        self.panels: list[Mobject] = [contours, loss]
        self.maps = [contours]
        views = []
        # Every run stays in sight where paths share the map: the run that got there first on
        # top, a run under a path it runs along a step wider, so it shows around it, and one
        # that swings or jitters away from the others thin and faint underneath (its swings
        # read as lines, the paths it crosses show through); end rings nest, wider the deeper.
        lengths = [drawn_length(contours, r.on_map) for r in self.runs]
        firsts = [r.outcome.update if r.outcome.kind == "converged" else None for r in self.runs]
        self.order = stacking(lengths, firsts)
        trails = [
            DescentTrail(contours, run.on_map, self.tracker, t, color)
            for run, color in zip(self.runs, self.colors, strict=True)
        ]
        drawn = [tr.drawn_points() for tr in trails]
        widen, self.thin = widenings(drawn, self.order, swinging(lengths))
        for i, (run, color, name, verdict) in enumerate(
            zip(self.runs, self.colors, names, verdicts, strict=True)
        ):
            depth = len(self.runs) - 1 - self.order.index(i)  # 0: on top
            trail = trails[i]
            # Round joins: a sharp turn of a wide stroke (a swing, a jitter) would otherwise
            # end in a spike many times the stroke's width.
            trail.line.joint_type = LineJointType.ROUND
            if self.thin[i]:
                trail.line.set_stroke(width=style.PATH_STROKE * SWING_STROKE)
                if i != self.order[-1]:
                    trail.line.set_stroke(opacity=SWING_OPACITY)
                    trail.steps.set_fill(opacity=SWING_OPACITY)
            else:
                trail.line.set_stroke(width=run_stroke(widen[i]))
            trail.marker.scale(1 + RING_STEP * depth)
            trail.exit_arrow.move_to(contours.frame.get_center())
            curve = loss.curve(run.trajectory, self.tracker, color)
            curve[0].joint_type = LineJointType.ROUND
            if not self.thin[i]:  # a swinging loss curve plain, so its swings read too
                under = sum(not self.thin[j] for j in self.order[self.order.index(i) + 1 :])
                curve[0].set_stroke(width=curve[0].get_stroke_width() + CURVE_STEP * under)
            views.append(RunView(run, color, name, verdict, trail, contours, curve=curve))
        self.nest_starts(views)
        return views

    def nest_starts(self, views: list[RunView]) -> None:
        """Runs that start at one point show every start: the top run's start stays a dot,
        each run drawn under it a ring around it, wider the deeper the run is drawn."""
        placed: list[tuple[np.ndarray, int]] = []  # each start point and the rings around it
        for i in self.order[::-1]:  # top run first
            start = views[i].trail.start
            at = start.get_center()
            k = next((j for j, (p, _) in enumerate(placed) if np.linalg.norm(p - at) < SAME_START),
                     None)  # fmt: skip
            if k is None:
                placed.append((at, 0))
                continue
            rings = placed[k][1] + 1
            placed[k] = (placed[k][0], rings)
            radius = start.width / 2 + START_RING_STEP * rings
            start.scale(radius / (start.width / 2))
            start.set_fill(opacity=0).set_stroke(views[i].color, START_RING_STROKE, opacity=1)

    def hide_unmoved_markers(self) -> None:
        """A run's ring marks where it is once it has moved: at update 0 the rings would
        stack on the starts like a target."""
        tracker = self.tracker

        def follow(m: Mobject) -> None:
            moved = tracker.get_value() > 0
            m.set_fill(opacity=MARKER_FILL if moved else 0.0)
            m.set_stroke(opacity=1.0 if moved else 0.0)

        for v in self.views:
            v.trail.marker.add_updater(follow)
            follow(v.trail.marker)

    def square_own(self) -> bool:
        """Two runs on surfaces of their own in a frame about as tall as wide: a grid of
        four, the maps on top, the data panel and the closing line under them (a row of
        maps over the data panel and a line across would leave the maps too short)."""
        return (
            not self.comparison.shared
            and len(self.runs) == 2
            and self.portrait
            and not config.frame_height > config.frame_width * 1.3
        )

    # -- own surfaces: a map per run, their lines on one data panel
    def build_own(self, body: Box) -> list[RunView]:
        inputs = self.inputs
        t = self.theme
        comp = self.comparison
        n = len(self.runs)
        tall = config.frame_height > config.frame_width * 1.3
        end = body
        if self.square_own():
            key = line_legend(self.shown_runs(), self.colors, t, (body.w - PANEL_GAP) / 2)
            # The data panel's row as tall as the closing line and the key under it, or the
            # least a data panel reads at; the maps take the rest.
            row_h = max(SQUARE_DATA_HEIGHT, self.closing.height + PANEL_GAP + key.height)
            maps_box, rest = bottom_box(body, row_h, PANEL_GAP)
            side, end = rest.split_h(1.0, 1.0, gap=PANEL_GAP)
            cells = grid_cells(maps_box, 2, 2, gap=PANEL_GAP)
            self.closing.move_to(pt(end.left, end.top), aligned_edge=UP + LEFT)
        elif not self.portrait:
            if n <= 2:
                # In a 4:3 frame the maps take a larger share, or each is a narrow column.
                share = 1.6 if wide_frame() else MAPS_SHARE_43
                cells_box, side = body.split_h(share, 1.0, gap=PANEL_GAP * 1.6)
                cols = n
            else:
                cells_box, side = body.split_v(1.25, 1.0, gap=PANEL_GAP)
                cols = n
        else:
            cols = 2 if n in (2, 4) or tall else n
            rows = math.ceil(n / cols)
            cells_box, side = body.split_v(1.0 * rows * (1.1 if tall else 0.75), 1.0,
                                           gap=PANEL_GAP)  # fmt: skip
        if not self.square_own():
            cells = grid_cells(cells_box, n, cols)
        headers = [
            run_header(self.run_title(r), r.outcome, c, cell.w, t)
            for r, c, cell in zip(self.shown_runs(), self.colors, cells, strict=True)
        ]
        hh = max(VGroup(nm, vd).height for nm, vd in headers)
        if not self.square_own():
            key = line_legend(self.shown_runs(), self.colors, t, side.w)
        if self.square_own() and self.closing.height + PANEL_GAP + key.height <= end.h:
            # The data panel's key under the closing line, beside the panel.
            data_box = side
            key.next_to(self.closing, DOWN, buff=PANEL_GAP, aligned_edge=LEFT)
        else:
            data_box, key_box = bottom_box(side, key.height, PANEL_GAP * 0.6)
            key.move_to(pt(key_box.x, key_box.y))
        ds = inputs.dataset
        xs, ys = ds.subset(style.MAX_DATA_POINTS)
        x0, x1 = float(np.min(ds.x)), float(np.max(ds.x))
        extra = []
        for r in self.runs:
            w0, b0 = float(r.trajectory.w[0]), float(r.trajectory.b[0])
            extra += [w0 * x0 + b0, w0 * x1 + b0]
        data = self.place_panel(
            data_box,
            lambda w, h: DataPanel(xs, ys, w, h, t, ds.x_label, ds.y_label, extra),
        )
        # The runs' colours are the lines': the points step back into the theme's grey.
        data.dots.set_color(t.muted)
        self.panels = [data, key]
        self.maps = []
        self.order = list(reversed(range(n)))  # later runs' lines, wider, underneath
        shared_views = self.own_views()
        boxes = [top_box(cell, hh + HEADER_PAD)[1] for cell in cells]
        maps = [
            self.run_map(box, comp.surfaces[i], run.on_map, shared_views[i])
            for i, (run, box) in enumerate(zip(self.runs, boxes, strict=True))
        ]
        if any(self.scale_note_below(m) for m in maps):
            # A map not to scale whose w name has no room to say so says it under the name,
            # clear of its contours and paths; every map of the row leaves that room, so
            # they keep one height.
            notes = [self.scale_words(s) for s in comp.surfaces]
            note_h = max(n.height for n in notes) + SCALE_NOTE_GAP
            maps = [
                self.run_map(
                    Box(box.x, box.y + note_h / 2, box.w, box.h - note_h),
                    comp.surfaces[i],
                    run.on_map,
                    shared_views[i],
                )
                for i, (run, box) in enumerate(zip(self.runs, boxes, strict=True))
            ]
            for m, words in zip(maps, notes, strict=True):
                self.say_scale_below(m, words)
        views = []
        for i, (run, color, cell, (name, verdict)) in enumerate(
            zip(self.runs, self.colors, cells, headers, strict=True)
        ):
            head = VGroup(name, verdict)
            head.move_to(pt(cell.left, cell.top), aligned_edge=UP + LEFT)
            contours = maps[i]
            self.panels.append(contours)
            self.maps.append(contours)
            trail = DescentTrail(contours, run.on_map, self.tracker, t, color)
            trail.exit_arrow.move_to(contours.frame.get_center())
            fit = self.fitted_line(data, run.trajectory, color)
            # Later runs' lines wider, drawn under: where the lines meet, each still shows.
            fit.set_stroke(width=fit.get_stroke_width() + FIT_STEP * i)
            views.append(RunView(run, color, name, verdict, trail, contours, fit=fit))
        return views

    def scale_note_below(self, contours: LossContours) -> bool:
        """Whether a map is not to scale and its w name has no room to say so: it then says
        it under the name, not on the plot, where the note would cover contours (and, on a
        run that chatters down its valley, come near the path's end)."""
        if contours.to_scale or contours.says_not_to_scale() or not contours.say_scale:
            return False
        words = label(NOT_TO_SCALE_WORDS, self.theme, style.TICK_SIZE)
        return words.width <= contours.width

    def scale_words(self, surface: Surface) -> VGroup:
        """What a map not to scale says under it: that it is not, and where the lesson is
        the valley's shape (raw against standardised x), how long the valley truly is, which
        the map drawn to fit its panel does not show ("valley truly 48× longer than wide")."""
        t = self.theme
        lines = [NOT_TO_SCALE_WORDS]
        stretch = surface.analysis.valley_ratio
        # A wide frame has the room (a square one's maps would lose a sixth of their height).
        lesson = self.comparison.key == "normalize" and math.isfinite(stretch)
        if wide_frame() and lesson and stretch >= VALLEY:
            lines = [
                f"{NOT_TO_SCALE_WORDS}:",
                f"valley truly {fmt(stretch, 2)}×",
                "longer than wide",
            ]
        return VGroup(*(label(v, t, style.TICK_SIZE, t.muted) for v in lines)).arrange(
            DOWN, buff=0.05
        )

    def say_scale_below(self, contours: LossContours, words: VGroup) -> None:
        """A map not to scale says so under its w name (``words``), in the room left above
        the row below, instead of in a corner of its plot."""
        if not self.scale_note_below(contours):
            return
        if len(contours.scale_tag):
            contours.remove(contours.scale_tag)
            contours.scale_tag = VGroup()
        words.next_to(contours, DOWN, buff=SCALE_NOTE_GAP)
        # Under the plot, or as near as the panel's width allows (wide b tick labels).
        x = contours.frame.get_x()
        half = words.width / 2
        words.set_x(min(max(x, contours.get_left()[0] + half), contours.get_right()[0] - half))
        contours.add(words)  # not its scale_tag: that one moves to a corner of the plot

    def own_views(self) -> list[Landscape | None]:
        """The runs' own maps over one shared view, where their views are alike enough in
        extent that a view taking them all in keeps each run's path large (L2 moving the
        optimum, the loss moving the line): the move then reads as a move between maps.
        ``None`` for each where they keep their own views (standardised x, or extents far
        apart)."""
        comp = self.comparison
        n = len(self.runs)
        if any(s.on_map is not None for s in comp.surfaces):
            return [None] * n
        own = [s.map.view for s in comp.surfaces]
        view = View(
            min(v.w_min for v in own),
            max(v.w_max for v in own),
            min(v.b_min for v in own),
            max(v.b_max for v in own),
        )
        for v in own:
            if (view.w_max - view.w_min) > SHARED_VIEW_GROWTH * (v.w_max - v.w_min):
                return [None] * n
            if (view.b_max - view.b_min) > SHARED_VIEW_GROWTH * (v.b_max - v.b_min):
                return [None] * n
        ds = self.inputs.dataset
        out: list[Landscape | None] = []
        for s, r in zip(comp.surfaces, self.runs, strict=True):
            t = r.trajectory
            track = [(t.w, t.b, t.loss, t.diverged)]
            out.append(build_landscape(ds, s.config.make_loss(), track, view=view))
        return out

    def run_map(
        self, box: Box, surface: Surface, path: Trajectory, shared: Landscape | None = None
    ) -> LossContours:
        """A run's own contour panel, fitted to ``box``: in the optimizer's coordinates where
        x is standardised, to scale there; over ``shared``, the view the maps share, if any."""
        w_label, b_label = map_labels(surface.on_map is not None)

        def make(w: float, h: float) -> LossContours:
            land = shared if shared is not None else self.to_scale(surface, [path], w / h)
            return LossContours(land, w, h, self.theme, w_label, b_label)

        return self.place_panel(box, make)

    def to_scale(self, surface: Surface, paths: list[Trajectory], aspect: float) -> Landscape:
        """The surface's map; on standardised x its view widened along one axis to the
        panel's shape (``aspect``: width over height), so one unit of w takes the length of
        one unit of b and the round bowl shows round. A raw map stays framed on its paths
        (its axes say they are not to scale)."""
        land = surface.map
        std = surface.standardized
        if surface.on_map is None or std is None or not aspect > 0:
            return land
        data = standardized_data(self.inputs.dataset, std)
        return widened_map(land, data, surface.config.make_loss(), paths, aspect)

    def zoom_on_optimum(self) -> Zoom | None:
        """Where runs share a map and one ends hovering about the optimum (a stochastic
        gradient's steps never settle), the map framed again about the optimum on the runs'
        last updates, magnified enough that their hops read (the whole map shows them as one
        blot): each run's last steps in its colour. ``None`` where no run hovers, the map
        would not magnify them, or the scene opens on its final picture (a GIF)."""
        comp = self.comparison
        hovering = [v for v in self.views if v.run.outcome.hovering]
        if not comp.shared or not hovering or self.opens_still:
            return None
        old_map = self.maps[0]
        land = old_map.landscape
        cw, cb = land.optimum
        tails = []
        for run_view in self.views:
            path = run_view.run.on_map
            n = path.w.size
            k = max(n - max(ZOOM_TAIL_LEAST, int(n * ZOOM_TAIL_SHARE)), 0)
            tails.append((path.w[k:], path.b[k:]))
        # The optimum and every run's last updates, with room around them.
        ws = np.concatenate([[cw], *(w for w, _ in tails)])
        bs = np.concatenate([[cb], *(b for _, b in tails)])
        if not (np.all(np.isfinite(ws)) and np.all(np.isfinite(bs))):
            return None
        span_w, span_b = float(np.ptp(ws)), float(np.ptp(bs))
        if not (span_w > 0 and span_b > 0):
            return None
        pad_w, pad_b = span_w * ZOOM_PAD, span_b * ZOOM_PAD
        view = View(ws.min() - pad_w, ws.max() + pad_w, bs.min() - pad_b, bs.max() + pad_b)
        v = land.view
        power = min(
            (v.w_max - v.w_min) / (view.w_max - view.w_min),
            (v.b_max - v.b_min) / (view.b_max - view.b_min),
        )
        if power < ZOOM_LEAST:
            return None
        surface = comp.surfaces[0]
        data = self.inputs.dataset
        if surface.on_map is not None and surface.standardized is not None:
            data = standardized_data(data, surface.standardized)
        tracks = [(w, b, None, False) for w, b in tails]
        zoomed = build_landscape(data, surface.config.make_loss(), tracks, view=view)
        w_label, b_label = map_labels(self.inputs.on_map is not None)
        t = self.theme
        new_map = self.place_panel(
            self.map_box, lambda w, h: LossContours(zoomed, w, h, t, w_label, b_label)
        )
        # The settled runs' last steps lie on one point: those that hop are drawn over them.
        steps = VGroup()
        drawn = sorted(
            zip(self.views, tails, strict=True), key=lambda p: any(p[0] is h for h in hovering)
        )
        for run_view, (w, b) in drawn:
            line = VMobject(stroke_color=run_view.color, stroke_width=style.PATH_STROKE * 0.6)
            line.set_points_as_corners(new_map.to_scene(w, b))
            end = new_map.to_scene(w[-1:], b[-1:])[0]
            steps.add(line, Dot(end, radius=style.DOT_RADIUS, color=run_view.color))
        caption = (
            f"Magnified {fmt(power, 2)} times near the optimum (the star), each run's last "
            f"{count(min(w.size for w, _ in tails))} updates: "
        )
        # How far each run's last updates reach across the view, the widest first.
        reach = {
            id(rv): max(float(np.ptp(w)) / (view.w_max - view.w_min),
                        float(np.ptp(b)) / (view.b_max - view.b_min))
            for rv, (w, b) in zip(self.views, tails, strict=True)
        }  # fmt: skip
        hovering.sort(key=lambda rv: -reach[id(rv)])
        keep = "keeps" if len(hovering) == 1 else "keep"
        caption += f"{listed([h.run.label for h in hovering])} {keep} hopping"
        if len(hovering) > 1 and reach[id(hovering[0])] > WIDER * reach[id(hovering[1])]:
            caption += f", {hovering[0].run.label} the widest"
        settled = [rv for rv in self.views if rv.run.outcome.kind == "converged"]
        still = [rv.run.label for rv in settled if reach[id(rv)] < STILL_REACH]
        if still:
            caption += f"; {listed(still)} barely {'moves' if len(still) == 1 else 'move'}"
        # A settled run whose last steps still cover ground, each nearer the optimum than the
        # last (full-batch steps down the valley's floor, "converged" by its loss while still
        # short of the star): said, so the picture does not contradict its verdict.
        creeping = []
        for rv, (w, b) in zip(self.views, tails, strict=True):
            if rv.run.outcome.kind == "converged" and rv.run.label not in still:
                gap = np.hypot(w - cw, b - cb)
                if gap.size > 1 and np.all(np.diff(gap) <= 0):
                    creeping.append(rv.run.label)
        if creeping:
            creeps = "creeps" if len(creeping) == 1 else "creep"
            caption += f"; {listed(creeping)} still {creeps} toward it"
        old = VGroup(old_map, *(view_.trail for view_ in self.views))
        return Zoom(old, VGroup(new_map, steps), caption + ".")

    def fitted_line(self, data: DataPanel, traj: Trajectory, color: str) -> VMobject:
        """The run's line on the data panel, following the shared clock."""
        fit = data.line_through(float(traj.w[0]), float(traj.b[0]), color)
        tracker = self.tracker

        def follow(m: Mobject) -> None:
            data.set_line(m, *map(float, traj.at(tracker.get_value())))

        fit.add_updater(follow)
        return fit

    # -- beats
    def descend(self, cuts: Sequence[float] = ()) -> None:
        """All runs on one clock; each stops at its own end, its verdict shown when it has one."""
        # Bottom to top in the order the build chose (:func:`stacking`): the paths, loss
        # curves and lines over one another in the same order.
        for v in (self.views[i] for i in self.order):
            v.verdict.set_opacity(0)
            o = v.run.outcome
            if o.kind in ("converged", "diverged") and o.update > 0:
                self.reveal_at(v.verdict, o.update)
            moving: list[Mobject] = [v.verdict, v.trail]
            if v.curve is not None:
                moving.append(v.curve)
            if v.fit is not None:
                moving.append(v.fit)
            self.add(*moving)
        self.add(self.counter)
        n = self.longest_updates()
        if n == 0:
            return
        self.run_clock(n, cuts)

    def finale(self) -> None:
        """The verdicts not yet shown, and a flash at each optimum a run reached."""
        late = []
        for v in self.views:
            v.trail.clear_updaters_all()
            v.verdict.clear_updaters()
            if v.curve is not None:
                for m in v.curve:
                    m.clear_updaters()
            if v.fit is not None:
                v.fit.clear_updaters()
            if v.verdict.get_fill_opacity() < 1:
                v.verdict.set_opacity(1)
                late.append(FadeIn(v.verdict))
        self.counter[1].clear_updaters()
        reached = [v for v in self.views if v.run.outcome.kind == "converged"]
        flashes = []
        for m in self.maps:
            if len(m.optimum) and any(v.contours is m for v in reached):
                flashes.append(Flash(m.optimum[0], color=self.theme.optimum))
        if late or flashes:
            self.play(*late, *flashes, run_time=style.VERDICT_TIME)
        self.play(Wait(style.HOLD_TIME * 0.5))

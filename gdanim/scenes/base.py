"""The base of every gdanim scene: inputs, theme, frame geometry and the title."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from manim import DOWN, LEFT, UP, FadeOut, Rectangle, Scene, VGroup, config

from .. import interrupts
from ..datasets import Dataset, standardized_data
from ..errors import InputError
from ..landscape import Landscape, View, build_landscape
from ..landscape.plane import framed_part
from ..losses import Loss
from ..media.captions import min_seconds, reading_seconds
from ..numbers import minus_signs
from ..optimizers import OPTIMIZERS
from ..pipeline.prepare import SceneInputs
from ..trajectory import Trajectory
from . import style
from .widgets import fmt, label
from .widgets.panels import LEAST_TICK_LABELS, x_tick_labels, y_tick_labels
from .widgets.text import least_room

P = TypeVar("P", bound=Any)
#: How many times a panel is made narrower for its left labels, each measured anew.
NARROWINGS = 3
#: The least a title is shrunk to fit the frame's width (its capitals ~12 px at 480p)
#: before a shorter one is set.
TITLE_LEAST = 0.6


def wide_frame() -> bool:
    """Whether the frame is 16:9 or wider (not 4:3, 1:1 or portrait)."""
    return bool(config.frame_width >= 1.5 * config.frame_height)


def map_labels(standardized: bool) -> tuple[str, str]:
    """The contour map's axis names: on standardised x the map is in the optimizer's
    coordinates, the slope per standard deviation of x and the intercept there, which is
    the prediction at the mean x (the readouts stay in data units and say so)."""
    if standardized:
        return "w′ (per sd of x)", "b′ (ŷ at mean x)"
    return "w (slope)", "b (intercept)"


#: A path-framed round map's room beyond the start and around the bottom, in units of the
#: start's distance from the bottom: the gradient arrow points away from the bottom.
START_ROOM, BOTTOM_ROOM = 0.4, 0.25
#: And around all that, this share of its span on each side (the path's far hops show whole).
SQUARE_PAD = 0.08


def to_scale(inputs: SceneInputs, aspect: float) -> Landscape:
    """The map on standardised x, framed on the path (:func:`path_square`), with its view
    widened along one axis to a plot of shape ``aspect`` (width over height): one unit of w′
    takes the length of one unit of b′, so the round bowl shows round. On raw x the map as
    framed."""
    land = inputs.map
    std = inputs.standardized
    if inputs.on_map is None or std is None or not aspect > 0:
        return land
    paths = [r.on_map for r in inputs.runs if r.on_map is not None]
    data = standardized_data(inputs.dataset, std)
    square = path_square(land, paths)
    if square is not None:
        land = dataclasses.replace(land, view=square)
    return widened_map(land, data, inputs.config.make_loss(), paths, aspect)


def path_square(land: Landscape, paths: Sequence[Trajectory]) -> View | None:
    """A square view around the paths and the bottom, with room beyond the starts for the
    first arrows and around the bottom for its inner rings, where it is smaller than
    ``land``'s (centred on the bottom, which leaves a start's first steps a few pixels long
    and its uphill arrow no room). ``None`` where it would not be smaller."""
    cw, cb = land.optimum
    starts = [(float(p.w[0]), float(p.b[0])) for p in paths]
    reach = max((max(abs(w - cw), abs(b - cb)) for w, b in starts), default=0.0)
    if not (math.isfinite(reach) and reach > 0):
        return None
    ws, bs = (
        [cw - BOTTOM_ROOM * reach, cw + BOTTOM_ROOM * reach],
        [cb - BOTTOM_ROOM * reach, cb + BOTTOM_ROOM * reach],
    )
    for w, b in starts:
        ws += [w - START_ROOM * reach, w + START_ROOM * reach]
        bs += [b - START_ROOM * reach, b + START_ROOM * reach]
    for p in paths:
        part = framed_part(np.column_stack([p.w, p.b]), p.loss, p.diverged)
        ok = np.all(np.isfinite(part), axis=1)
        ws += part[ok, 0].tolist()
        bs += part[ok, 1].tolist()
    span = max(max(ws) - min(ws), max(bs) - min(bs)) * (1 + 2 * SQUARE_PAD)
    v = land.view
    if not span < min(v.w_max - v.w_min, v.b_max - v.b_min):
        return None
    mw, mb = (max(ws) + min(ws)) / 2, (max(bs) + min(bs)) / 2
    return View(mw - span / 2, mw + span / 2, mb - span / 2, mb + span / 2)


def widened_map(
    land: Landscape, data: Dataset, loss: Loss, paths: Sequence[Trajectory], aspect: float
) -> Landscape:
    """``land`` again over its view widened along one axis to a plot of shape ``aspect``
    (width over height), the same units per scene unit on both, ``paths`` drawn on it."""
    v = land.view
    sw, sb = v.w_max - v.w_min, v.b_max - v.b_min
    cw, cb = (v.w_max + v.w_min) / 2, (v.b_max + v.b_min) / 2
    sw, sb = max(sw, sb * aspect), max(sb, sw / aspect)
    view = View(cw - sw / 2, cw + sw / 2, cb - sb / 2, cb + sb / 2)
    tracks = [(p.w, p.b, p.loss, p.diverged) for p in paths]
    return build_landscape(data, loss, tracks, view=view)


@dataclass(frozen=True)
class Box:
    """A layout rectangle in scene units: centre ``(x, y)``, size ``w`` by ``h``."""

    x: float
    y: float
    w: float
    h: float

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def top(self) -> float:
        return self.y + self.h / 2

    def split_h(self, *fractions: float, gap: float = style.GAP) -> list[Box]:
        """Side by side, widths in proportion to ``fractions``."""
        usable = self.w - gap * (len(fractions) - 1)
        total = sum(fractions)
        out, x = [], self.left
        for f in fractions:
            w = usable * f / total
            out.append(Box(x + w / 2, self.y, w, self.h))
            x += w + gap
        return out

    def split_v(self, *fractions: float, gap: float = style.GAP) -> list[Box]:
        """Stacked top to bottom, heights in proportion to ``fractions``."""
        usable = self.h - gap * (len(fractions) - 1)
        total = sum(fractions)
        out, y = [], self.top
        for f in fractions:
            h = usable * f / total
            out.append(Box(self.x, y - h / 2, self.w, h))
            y -= h + gap
        return out

    def plot_area(self) -> Box:
        """The part left for the plot once tick labels and axis labels have their room."""
        left, bottom, top = style.PLOT_PAD_LEFT, style.PLOT_PAD_BOTTOM, style.PLOT_PAD_TOP
        return Box(
            self.x + left / 2, self.y + (bottom - top) / 2, self.w - left, self.h - bottom - top
        )


class GdScene(Scene):
    """A scene drawn from the :class:`~gdanim.pipeline.prepare.SceneInputs` it is given."""

    scene_name = "descent-path"
    #: Every beat is captioned once it has played (slides break at the captions).
    narrated = True

    #: What the scene draws. gdanim's renders pass it in; a scene file that manim's own
    #: command line renders (which makes scenes without arguments) sets it on the class:
    #: ``inputs = gdanim.scene_inputs("descent-path", "campaign")``.
    inputs: SceneInputs

    def __init__(self, inputs: SceneInputs | None = None, **kwargs: object) -> None:
        given = inputs if inputs is not None else getattr(type(self), "inputs", None)
        if not isinstance(given, SceneInputs):
            raise InputError(
                f"{type(self).__name__}: no run to draw; set `inputs = gdanim.scene_inputs(...)` "
                "in the class body"
            )
        self.inputs = given
        self.theme = style.THEMES[self.inputs.spec.theme]
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.camera.background_color = self.theme.background  # type: ignore[union-attr]

    def update_mobjects(self, dt: float) -> None:
        # Once per frame: a safe point to act on a Ctrl-C or SIGTERM Python swallowed.
        interrupts.check()
        super().update_mobjects(dt)

    @property
    def frame(self) -> Box:
        """The whole frame less its margins."""
        m = style.MARGIN
        return Box(0.0, 0.0, config.frame_width - 2 * m, config.frame_height - 2 * m)

    @property
    def portrait(self) -> bool:
        return config.frame_width < config.frame_height * 1.2

    def split_readout(self, body: Box, height: float = 0.0) -> tuple[Box, Box]:
        """A strip at the bottom of ``body`` for a readout ``height`` tall, and the rest."""
        h = max(style.READOUT_HEIGHT, height)
        readout = Box(body.x, body.y - body.h / 2 + h / 2, body.w, h)
        rest = Box(body.x, body.y + h / 2, body.w, body.h - h)
        return readout, rest

    def title_block(self, title: str | Sequence[str], subtitle: str) -> tuple[VGroup, Box]:
        """Title and subtitle at the top; returns them and the box left below.

        ``title`` may be a list, longest first: the first that fits the frame's width
        shrunk to no less than :data:`TITLE_LEAST` is set (long column names in a square
        frame), else the last, shrunk to fit.
        """
        f = self.frame
        size = style.TITLE_SIZE if not self.portrait else style.TITLE_SIZE * 0.85
        titles = [title] if isinstance(title, str) else list(title)
        # Never set smaller than the subtitle under it: a shorter title first.
        least = max(TITLE_LEAST, style.SUBTITLE_SIZE / size)
        for words in titles:
            t = label(words, self.theme, size)
            if t.width * least <= f.w:
                break
        if t.width > f.w:
            t.scale_to_fit_width(f.w)
        lines = []
        for line in subtitle.split("\n"):
            for part in self.wrap_subtitle(line, f.w):
                s = label(part, self.theme, style.SUBTITLE_SIZE, self.theme.muted)
                if s.width > f.w:
                    s.scale_to_fit_width(f.w)
                lines.append(s)
        group = VGroup(t, *lines).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        group.to_edge(UP, buff=style.MARGIN).align_to([f.left, 0, 0], LEFT)
        below = group.get_bottom()[1] - style.TITLE_GAP
        bottom = -config.frame_height / 2 + style.MARGIN
        return group, Box(f.x, (below + bottom) / 2, f.w, below - bottom)

    def wrap_subtitle(self, line: str, width: float) -> list[str]:
        """``line`` in rows that fit ``width`` at the subtitle's size, broken where it has a
        double space (between its parts); a part too long alone is shrunk when set."""
        if label(line, self.theme, style.SUBTITLE_SIZE).width <= width or "  " not in line:
            return [line]
        sep = "  ·  " if "  ·  " in line else "  "
        rows: list[str] = []
        for part in (p.strip() for p in line.split(sep) if p.strip()):
            trial = f"{rows[-1]}{sep}{part}" if rows else part
            if rows and label(trial, self.theme, style.SUBTITLE_SIZE).width <= width:
                rows[-1] = trial
            else:
                rows.append(part)
        return rows

    @contextlib.contextmanager
    def captioned(self, text: str) -> Iterator[None]:
        """Caption the beats played inside the block, for exactly as long as they last.

        The first caption also says when x was standardised by default.
        """
        text = self.with_data_note(text)
        start = self.time
        yield
        # Hold the beat until the caption can be read at READING_CPS.
        self.hold_until_read(text, start)
        elapsed = self.time - start
        if elapsed > 0:
            self.add_subcaption(text, duration=elapsed, offset=-elapsed)

    def place_panel(self, box: Box, make: Callable[[float, float], P]) -> P:
        """A panel made to fit ``box`` with its tick labels and axis names inside it.

        The plot area leaves a fixed margin on the left for them; wide tick labels
        (``110,000``) need more, so the plot is made narrower by what they take beyond it.
        """
        widest = box.plot_area().w

        def narrowed(area: Box) -> tuple[Box, P]:
            # A narrower plot may take other labels (a map to scale takes a new view, and
            # its numbers another width): measured again, a few times at most.
            panel = make(area.w, area.h)
            for _ in range(NARROWINGS):
                extra = (panel.frame.get_left()[0] - panel.get_left()[0]) - (area.left - box.left)
                if extra <= 1e-6 or area.w - extra <= widest * 0.5:
                    break
                area = Box(area.x + extra / 2, area.y, area.w - extra, area.h)
                panel = make(area.w, area.h)
            return area, panel

        area, panel = narrowed(box.plot_area())
        # An x name on two lines (a long column name on a narrow panel) takes its second
        # line from the plot's height, as far as the y name keeps the height it needs to
        # read whole; the rest runs into the gap below the box.
        room_below = (area.y - area.h / 2) - (box.y - box.h / 2)
        below = room_below - (panel.frame.get_bottom()[1] - panel.get_bottom()[1])
        if below < -1e-6 and area.h + below > area.h * 0.5:
            below -= style.GAP / 2
            y_name = getattr(panel, "y_name", "")
            keep = least_room(y_name, self.theme, lines=2) if y_name else 0.0
            below = max(below, min(keep - area.h, 0.0))
            if below < -1e-6:
                lower, shorter = narrowed(Box(area.x, area.y - below / 2, area.w, area.h + below))
                # Nor at the cost of either axis's third tick label (a map to scale made
                # shorter takes a wider view, and its w numbers may then crowd), nor of
                # labels wider than the room on the left ("750,000" for "7.5 (×10⁵)").
                left = shorter.frame.get_left()[0] - shorter.get_left()[0]
                if left <= lower.left - box.left + 1e-6 and all(
                    count(shorter) >= min(LEAST_TICK_LABELS, count(panel))
                    for count in (x_tick_labels, y_tick_labels)
                ):
                    area, panel = lower, shorter
        offset = panel.get_center() - panel.frame.get_center()
        panel.move_to(np.array([area.x, area.y, 0.0]) + offset)
        return panel

    def hold_until_read(self, text: str, since: float) -> None:
        """Wait until ``text``, shown since scene time ``since``, can be read at READING_CPS
        in cues that keep to broadcast practice (:func:`~gdanim.media.captions.to_practice`)
        and, in a narrated scene, has been said (its speech and a pause).

        The scene clock moves in whole frames, so the hold is rounded up to one. A GIF
        carries no captions: it shows the animation without the holds for reading them.
        """
        self.hold_until(since + self.caption_need(text, since))

    def add_subcaption(self, content: str, duration: float = 1, offset: float = 0) -> None:
        """A caption, its negative numbers with the minus sign the screen writes."""
        super().add_subcaption(minus_signs(content), duration=duration, offset=offset)

    def caption_need(self, text: str, since: float) -> float:
        """The seconds ``text``, captioned from scene time ``since``, needs to be read in cues
        that keep to broadcast practice and, in a narrated scene, to be said (its speech is
        set to begin at ``since``); none in a GIF, which carries no captions."""
        if self.inputs.spec.format == "gif":
            return 0.0
        text = minus_signs(text)
        said = self.inputs.narration.hold(text, since) if self.inputs.narration else 0.0
        return max(reading_seconds(text), min_seconds(text), said)

    def hold_until(self, t: float) -> None:
        """Hold the picture until scene time ``t``, rounded up to a whole frame."""
        short = t - self.time
        if short > 1e-9:
            fps = config.frame_rate
            self.wait(math.ceil(short * fps - 1e-6) / fps + 1e-6)

    def with_data_note(self, text: str) -> str:
        """``text``, and on the scene's first caption why x was standardised by default."""
        std = self.inputs.standardized
        if std is None or not std.auto or getattr(self, "_said_standardized", False):
            return text
        self._said_standardized = True
        return f"{text} x is standardised first: raw x is too ill-conditioned for gradient descent."

    def curtain(self) -> Rectangle:
        """A frame-filling rectangle in the background colour, for a cheap fade-in.

        Fading one rectangle out over static mobjects costs one mobject per frame; fading the
        mobjects in would copy and redraw every contour line on every frame.
        """
        rect = Rectangle(width=config.frame_width + 1, height=config.frame_height + 1)
        rect.set_stroke(width=0).set_fill(self.theme.background, 1)
        self.add(rect)
        return rect

    @property
    def opens_still(self) -> bool:
        """Whether the scene opens on its picture rather than fading it in from the
        background: a GIF loops and is also seen still (a printed slide, a thumbnail), so no
        frame of it is the bare background."""
        return self.inputs.spec.format == "gif"

    def fade_in_frame(self) -> None:
        """The opening: everything added so far fades in from the background (a curtain
        fading out), or, where the scene :attr:`opens_still`, is simply there."""
        if not self.opens_still:
            self.play(FadeOut(self.curtain()), run_time=style.INTRO_TIME)

    def method_name(self) -> str:
        """The optimizer's name as a title."""
        return OPTIMIZERS[self.inputs.config.optimizer].method

    def run_summary(self) -> str:
        """``loss, optimizer, lr`` of the first run, for subtitles."""
        cfg = self.inputs.config
        run = self.inputs.runs[0]
        parts = [cfg.loss or "", self.optimizer_label(), self.rate_text(run.lr)]
        if cfg.l2:
            parts.append(f"L2 = {fmt(cfg.l2)}")
        line = "  ·  ".join(p for p in parts if p)
        ds = self.inputs.dataset
        if ds.source != "built-in":
            line = f"{ds.caption}  ·  {line}"
        note = self.standardized_note()
        return f"{line}\n{note}" if note else line

    def rate_text(self, lr: float) -> str:
        """The learning rate as the subtitle writes it."""
        return f"lr = {fmt(lr, 3)}"

    def optimizer_label(self) -> str:
        """The optimizer's name; a minibatch as large as the data says it is full-batch."""
        cfg = self.inputs.config
        if cfg.optimizer == "minibatch" and cfg.batch_size >= self.inputs.dataset.n:
            return f"minibatch of {cfg.batch_size} ≥ all {self.inputs.dataset.n} points: full batch"
        return cfg.optimizer

    def standardized_note(self) -> str | None:
        """``x standardised: mean 68.3, sd 1.79 (condition number 6.83e6 → 1)``."""
        std = self.inputs.standardized
        if std is None:
            return "x standardised" if self.inputs.config.normalize else None
        return std.screen_text()

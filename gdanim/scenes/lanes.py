"""learning-rates' lanes: each run's header, contour panel and loss panel in the cell it gets.

Lanes share their axes: side by side only the first labels its left axes, stacked only the
last labels its bottom ones (the :class:`~gdanim.scenes.grid.Cell` says which). A lane's
marks, a dashed line where the run settled and an arrowhead where its loss leaves the shared
axis, are made here and shown by the scene once the shared clock gets there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Line,
    Mobject,
    Text,
    Triangle,
    ValueTracker,
    VGroup,
)

from ..datasets import standardized_data
from ..landscape import Landscape, View, build_landscape
from ..numbers import tick_labels
from ..outcome import Outcome
from ..pipeline.prepare import Run, SceneInputs
from ..trajectory import Trajectory
from . import style
from .base import Box, map_labels
from .grid import (
    PAIR_GAP,
    RATE_MARK_SIZE,
    X_PAD,
    X_PAD_BARE,
    Y_GUTTER,
    Cell,
    FloatArray,
    place_plot,
    pt,
    retick_bottom,
    shrink_axis_labels,
    strip_labels,
    typeset,
)
from .style import Theme
from .widgets import DescentTrail, LossContours, LossCurve, nice_ticks
from .widgets.panels import clip_segments, labelled_range, labelled_view, thin_tick_labels

AXIS_LABEL_SIZE = 20
SIDE_HEADER_SHARE = 0.3  # of the body's width, a run's header beside its plots
SIDE_CONTOUR_SHARE = 1.1  # contour plot width : loss plot width, beside a header
SIDE_HEADER_GAP = 0.15  # between a header and the tick labels right of it
SIDE_LOSS_GUTTER = 0.75  # left of a loss plot beside a contour plot: "10⁸" and "loss"
ROW_LABEL_GAP = 0.04  # between tick labels of stacked lanes, about 2 px at 480p


def side_header_width(body: Box) -> float:
    """The width a run's header has when it sits beside the run's plots."""
    return body.w * SIDE_HEADER_SHARE


def side_row_height(body: Box, n: int) -> float:
    """The height each of ``n`` rows of :func:`side_cells` gets in ``body``."""
    return (body.h - (n - 1) * X_PAD_BARE - X_PAD) / n


def side_cells(body: Box, n: int, hh: float) -> list[Cell]:
    """Runs stacked, each a row: its header, then contours and loss curve side by side.

    For frames about as tall as wide, where columns would be too narrow for a header and
    rows with the header above too short for three tick labels: the header takes the left
    of its row, so the plots get the row's whole height. ``hh`` is the tallest header's
    height (a row is at least that tall). Only the last row labels the shared bottom axes.
    """
    hw = side_header_width(body)
    left = body.left + hw + SIDE_HEADER_GAP
    plots_w = body.left + body.w - left - Y_GUTTER - SIDE_LOSS_GUTTER - PAIR_GAP
    lw = plots_w / (1 + SIDE_CONTOUR_SHARE)
    cw = plots_w - lw
    ph = max(side_row_height(body, n), hh)
    cells = []
    top = body.top
    cx = left + Y_GUTTER + cw / 2
    lx = left + Y_GUTTER + cw + PAIR_GAP + SIDE_LOSS_GUTTER + lw / 2
    for i in range(n):
        header = Box(body.left + hw / 2, top - hh / 2, hw, hh)
        contour = Box(cx, top - ph / 2, cw, ph)
        loss = Box(lx, top - ph / 2, lw, ph)
        cells.append(Cell(header, contour, loss, y_labels=True, x_labels=i == n - 1))
        top -= ph + X_PAD_BARE
    return cells


@dataclass
class RunView:
    """The mobjects of one run."""

    run: Run
    outcome: Outcome
    color: str
    header: VGroup
    name: VGroup
    verdict: VGroup
    contours: LossContours
    trail: DescentTrail
    loss: LossCurve
    curve: VGroup
    settle_mark: VGroup
    off_scale: VGroup
    off_scale_at: int
    #: The loss panel's log axes whose names have no room to say so ("loss", "update").
    unsaid: list[str] = field(default_factory=list)

    @property
    def off_scale_backed(self) -> bool:
        """Whether the "off the scale" note lies on a backing, to be drawn over the curve."""
        return any(isinstance(m, BackgroundRectangle) for m in self.off_scale.get_family())

    @property
    def group(self) -> VGroup:
        """Everything of this run that takes room on screen."""
        return VGroup(self.header, self.contours, self.loss)


def lane_map(inputs: SceneInputs, width: float, height: float) -> Landscape:
    """The landscape a lane's contour panel, ``width`` by ``height``, shows.

    On standardised x the bowl is round: its view (square in units) is widened, or made
    taller, to the panel's shape about the same centre, so the axes are to scale and the
    bowl looks round in a wide lane. On raw x the lanes show the framed view as it is (its
    w axis then says the axes are not to scale). Either way a short panel's b range is
    widened to the next round values where three tick labels would not fit in it otherwise,
    and a round bowl's narrow w range the same (``−100 0 100`` where ``−50 0 50`` would
    touch), the other with it (:func:`~.widgets.panels.labelled_view`).
    """
    land = inputs.map
    std = inputs.standardized
    paths = [r.path for r in inputs.runs]
    v = land.view
    if inputs.on_map is None or std is None or any(p is None for p in paths):
        b_lo, b_hi = labelled_range(v.b_min, v.b_max, height)
        if (b_lo, b_hi) == (v.b_min, v.b_max):
            return land
        view = View(v.w_min, v.w_max, b_lo, b_hi)
        tracks = [(t.w, t.b, t.loss, t.diverged) for t in (r.trajectory for r in inputs.runs)]
        return build_landscape(inputs.dataset, inputs.config.make_loss(), tracks, view=view)
    cw, cb = (v.w_min + v.w_max) / 2, (v.b_min + v.b_max) / 2
    hw, hb = (v.w_max - v.w_min) / 2, (v.b_max - v.b_min) / 2
    shape = width / height
    if hw / hb < shape:
        hw = hb * shape
    else:
        hb = hw / shape
    w_lo, w_hi, b_lo, b_hi = labelled_view((cw - hw, cw + hw, cb - hb, cb + hb), width, height)
    view = View(w_lo, w_hi, b_lo, b_hi)
    tracks = [(p.w, p.b, p.loss, p.diverged) for p in paths if p is not None]
    z = standardized_data(inputs.dataset, std)
    return build_landscape(z, inputs.config.make_loss(), tracks, view=view)


def run_view(
    run: Run,
    outcome: Outcome,
    color: str,
    cell: Cell,
    header: VGroup,
    frame_traj: Trajectory,
    landscape: Landscape,
    tracker: ValueTracker,
    epochs: int,
    theme: Theme,
    descents: Sequence[Trajectory] = (),
    bare_log: bool = False,
) -> RunView:
    """One run's lane in ``cell``: ``header`` put in its place, the contour panel with the
    run's path and the loss panel (spanning ``frame_traj``, ``epochs`` wide) with its curve,
    both following ``tracker``, and the marks shown when the run settles or leaves the axis.
    ``descents``, every lane's run, choose a log update axis where one falls at once.
    ``bare_log``: the loss panel's names start without their log note (headers beside the
    plots leave the panels narrow): "(log)" comes back where it fits on one line, else the
    scene says it once for the column.
    """
    t = theme
    traj = run.trajectory
    header.move_to(pt(cell.header.left, cell.header.top), aligned_edge=UP + LEFT)
    name, verdict = header.submobjects
    assert isinstance(name, VGroup) and isinstance(verdict, VGroup)

    w_label, b_label = map_labels(run.path is not None)
    contours = LossContours(
        landscape, cell.contour.w, cell.contour.h, t,
        w_label=w_label, b_label=b_label if cell.y_labels else "",
    )  # fmt: skip
    loss = LossCurve(
        [frame_traj], cell.loss.w, cell.loss.h, t, epochs=epochs, descents=descents,
        log_notes=not bare_log,
    )  # fmt: skip
    for panel, area in ((contours, cell.contour), (loss, cell.loss)):
        if not cell.y_labels:
            strip_labels(panel, "left")
        if not cell.x_labels:
            strip_labels(panel, "bottom")
        else:
            retick_bottom(panel, t)
        thin_tick_labels(panel)
        space_bottom_labels(panel, t)
        shrink_axis_labels(panel, t, AXIS_LABEL_SIZE)
        place_plot(panel, area)

    unsaid = say_log(loss, t)
    trail = DescentTrail(contours, run.on_map, tracker, t, color)
    # Out of sight until used, and inside its panel so it never widens the layout.
    trail.exit_arrow.move_to(contours.frame.get_center())
    curve = loss.curve(traj, tracker, color)
    settle_mark = VGroup()
    if outcome.kind == "converged" and outcome.update > 0:
        # A dashed line across the loss panel at the update the run settled.
        settle_mark.add(loss.settle_mark(traj, outcome.update, t.optimum))
    off_scale, off_at = off_scale_mark(loss, traj, color, t)
    return RunView(
        run, outcome, color, header, name, verdict, contours, trail, loss, curve,
        settle_mark, off_scale, off_at, unsaid,
    )  # fmt: skip


#: Between two numbers side by side under a panel: a word space and more (~10 px at 480p).
NUMBER_GAP = 0.16
#: The least of it a narrow panel may keep to, where no round step keeps its three numbers
#: :data:`NUMBER_GAP` apart: still more than a word space (~8.4 px at 480p).
NUMBER_GAP_LEAST = 0.14


def space_bottom_labels(panel: LossContours | LossCurve, theme: Theme) -> None:
    """Keep the bottom axis's tick labels :data:`NUMBER_GAP` apart, in a panel too narrow
    for that :data:`NUMBER_GAP_LEAST` (see :func:`_space_bottom_labels`)."""
    for gap in (NUMBER_GAP, NUMBER_GAP_LEAST):
        if _space_bottom_labels(panel, theme, gap):
            return


def _space_bottom_labels(panel: LossContours | LossCurve, theme: Theme, gap: float) -> bool:
    """Keep the bottom axis's tick labels ``gap`` apart: those that come closer to the one
    kept before them go (from the right, so the axis's end stays labelled, or from the left
    where that keeps more); where fewer than three are left on a linear axis, the axis is
    ticked again at the finest round step whose labels keep apart. Whether it could: where
    no step does (a panel too narrow for its numbers) the labels stay as they were."""
    frame = panel.frame
    below = [
        m for m in panel.ticks if isinstance(m, Text) and m.get_top()[1] <= frame.get_bottom()[1]
    ]
    if not below:
        return True  # a shared axis its neighbour labels
    kept = max(_apart_labels(below, -1, gap), _apart_labels(below, 1, gap), key=len)
    linear = not getattr(panel, "log_x", False)
    if linear and len(kept) < len(below):
        # Every other label where that keeps three apart: a linear axis read "−0.5 0 0.5
        # 1.5" with 1 dropped, unevenly; "−0.5 0.5 1.5" keeps its step.
        ordered = sorted(below, key=lambda m: m.get_x())
        for half in (ordered[::2], ordered[1::2]):
            if len(half) >= 3 and len(_apart_labels(half, 1, gap)) == len(half):
                kept = half
                break
    if len(kept) < 3 and linear:
        lo, hi = panel.x_range
        for target in (5, 4, 3):
            values = nice_ticks(lo, hi, target)
            labels = []
            for v, words in zip(values, tick_labels(values), strict=True):
                t = typeset(words, theme, style.TICK_SIZE, theme.muted)
                p = panel.axes.c2p(v, panel.y_range[0])
                labels.append(t.next_to(p, DOWN, buff=style.AXIS_LABEL_BUFF * 0.6))
            if len(labels) >= 3 and len(_apart_labels(labels, -1, gap)) == len(labels):
                # The marks go with them, drawn as retick_bottom draws them.
                for m in list(panel.ticks):
                    vertical = isinstance(m, Line) and abs(m.get_start()[0] - m.get_end()[0]) < 1e-9
                    if m in below or vertical:
                        panel.ticks.remove(m)
                for v in values:
                    p = panel.axes.c2p(v, panel.y_range[0])
                    up = p + UP * style.AXIS_LABEL_BUFF * 0.5
                    panel.ticks.add(Line(p, up, stroke_width=style.THIN, color=theme.muted))
                for m in labels:
                    if below:  # level with the labels they replace
                        m.align_to(below[0], UP)
                    panel.ticks.add(m)
                return True
    if len(kept) < min(3, len(below)):
        return False  # no round step keeps three apart: the labels stay as the panel set them
    for m in below:
        if m not in kept:
            panel.ticks.remove(m)
    return True


def _apart_labels(labels: list[Text], way: int, gap: float = NUMBER_GAP) -> list[Text]:
    """Of ``labels`` side by side, those at least ``gap`` from the one kept before them,
    taken from the right (``way`` -1) or from the left (1)."""
    kept: list[Text] = []
    for m in sorted(labels, key=lambda m: way * m.get_x()):
        if kept:
            apart = (
                m.get_left()[0] - kept[-1].get_right()[0]
                if way > 0
                else kept[-1].get_left()[0] - m.get_right()[0]
            )
            if apart < gap:
                continue
        kept.append(m)
    return kept


def say_log(loss: LossCurve, theme: Theme) -> list[str]:
    """Name the loss panel's log axes "(log)" where the name lost its remark for room and
    "name (log)" still fits the side; the names of those that do not fit."""
    frame = loss.frame
    unsaid = []
    for old in list(loss.labels):
        if not isinstance(old, Text):
            continue
        text = str(old.original_text)
        bottom = old.get_top()[1] <= frame.get_bottom()[1]
        if not (loss.log_x if bottom else loss.log_y) or "(" in text:
            continue
        new = typeset(f"{text} (log)", theme, AXIS_LABEL_SIZE)
        if new.width > (frame.width if bottom else frame.height):
            unsaid.append(text)
            continue
        if bottom:
            new.move_to(old, aligned_edge=UP)
        else:
            new.rotate(math.pi / 2).move_to(old, aligned_edge=RIGHT)
        loss.labels.remove(old)
        loss.labels.add(new)
    return unsaid


#: Room kept between the "off the scale" note and the curve or the panel's edge.
NOTE_CLEARANCE = 0.06


def off_scale_mark(
    loss: LossCurve, traj: Trajectory, color: str, theme: Theme
) -> tuple[VGroup, int]:
    """An arrowhead where the run's loss curve leaves the top of the shared axis, and the
    words "off the scale" where the curve does not run."""
    xs, ys = loss.coords(traj)
    top = loss.y_range[1]
    above = np.flatnonzero(~(ys <= top))
    if above.size == 0:
        return VGroup(), -1
    k = int(above[0])
    x = float(xs[k])
    tip = loss.axes.c2p(x, top)
    # Inside the panel, pointing up through its top edge where the curve leaves.
    mark = Triangle().set_fill(color, 1).set_stroke(theme.background, 1)
    mark.scale_to_fit_height(RATE_MARK_SIZE * 1.2)
    mark.move_to(tip + DOWN * (mark.height / 2 + 0.03))
    text = note_place(loss, mark, curve_points(loss, xs, ys), color, theme)
    return VGroup(mark, text), k


def curve_points(loss: LossCurve, xs: FloatArray, ys: FloatArray) -> FloatArray:
    """The loss curve's states on screen, ``(n, 2)`` (the panel clips what lies outside)."""
    keep = np.isfinite(xs) & np.isfinite(ys)
    (x0, x1), (y0, y1) = loss.x_range, loss.y_range
    origin = loss.axes.c2p(x0, y0)[:2]
    across = (loss.axes.c2p(x1, y0)[:2] - origin) / (x1 - x0)
    up = (loss.axes.c2p(x0, y1)[:2] - origin) / (y1 - y0)
    u, v = xs[keep] - x0, ys[keep] - y0
    return origin + np.outer(u, across) + np.outer(v, up)


def note_place(
    loss: LossCurve, mark: Triangle, curve: FloatArray, color: str, theme: Theme
) -> Text | VGroup:
    """The words "off the scale", on one line or two: right of the mark, else in a corner
    of the panel the curve does not reach (the lower right first: a curve that leaves
    through the top climbs from the left); else in the lower right on a backing that hides
    the curve under them."""
    frame = loss.frame
    left, right = frame.get_left()[0], frame.get_right()[0]
    bottom, top = frame.get_bottom()[1], frame.get_top()[1]
    inset = np.array([NOTE_CLEARANCE, NOTE_CLEARANCE, 0.0])
    panel = np.array([[left, bottom], [right, top]])
    one = typeset("off the scale", theme, style.TICK_SIZE, color)
    two = typeset("off the\nscale", theme, style.TICK_SIZE, color)

    def beside(text: Text) -> Text:
        return text.copy().next_to(mark, RIGHT, buff=0.06).align_to(mark, UP)

    def cornered(text: Text, corner: FloatArray) -> Text:
        at = frame.get_corner(corner) - corner * inset
        return text.copy().move_to(at, aligned_edge=corner)

    # Beside the mark it names first, on two lines where one does not fit the panel.
    placed = [beside(one), beside(two), cornered(one, DOWN + RIGHT), cornered(two, DOWN + RIGHT)]
    placed += [cornered(t, c) for c in (UP + LEFT, DOWN + LEFT) for t in (one, two)]
    for text in placed:
        lo, hi = text.get_corner(DOWN + LEFT)[:2], text.get_corner(UP + RIGHT)[:2]
        inside = lo[0] >= left and hi[0] <= right and lo[1] >= bottom and hi[1] <= top
        clear = not meets(text, mark, NOTE_CLEARANCE / 2)
        if inside and clear and not _on_curve(curve, lo, hi, panel):
            return text
    # Nowhere clear: the words on a backing in the lower right corner.
    text = cornered(two, DOWN + RIGHT)
    backing = BackgroundRectangle(text, color=theme.background, fill_opacity=0.9, buff=0.03)
    return VGroup(backing, text)


def part_rows(views: Sequence[RunView], gap: float = ROW_LABEL_GAP) -> None:
    """Stacked lanes: where a tick label at the bottom of one lane's plot comes within
    ``gap`` of one at the top of the plot under it ("10⁵" over "10⁹"), the two move apart,
    each by half what they lack, as far as that is a nudge (under half a label's height)
    off its tick."""
    for upper, lower in pairwise(views):
        above = [m for p in (upper.contours, upper.loss) for m in p.ticks if isinstance(m, Text)]
        below = [m for p in (lower.contours, lower.loss) for m in p.ticks if isinstance(m, Text)]
        for a in above:
            for b in below:
                if not meets(a, b, gap):
                    continue
                lack = b.get_top()[1] + gap - a.get_bottom()[1]
                if 0 < lack / 2 < min(a.height, b.height) / 2:
                    a.shift(UP * lack / 2)
                    b.shift(DOWN * lack / 2)


def meets(a: Mobject, b: Mobject, gap: float) -> bool:
    """Whether the boxes of ``a`` and ``b`` come within ``gap`` of each other."""
    (ax0, ay0), (ax1, ay1) = a.get_corner(DOWN + LEFT)[:2], a.get_corner(UP + RIGHT)[:2]
    (bx0, by0), (bx1, by1) = b.get_corner(DOWN + LEFT)[:2], b.get_corner(UP + RIGHT)[:2]
    return bool(ax0 < bx1 + gap and bx0 < ax1 + gap and ay0 < by1 + gap and by0 < ay1 + gap)


def _on_curve(curve: FloatArray, lo: FloatArray, hi: FloatArray, panel: FloatArray) -> bool:
    """Whether the polyline ``curve``, as drawn inside ``panel`` (its lower left and upper
    right corners), runs within :data:`NOTE_CLEARANCE` of the box ``lo``-``hi``."""
    if len(curve) < 2:
        return False
    p, q = curve[:-1], curve[1:]
    t0, t1, ok = clip_segments(p, q, (panel[0][0], panel[1][0], panel[0][1], panel[1][1]))
    d = q - p
    p, q = (p + t0[:, None] * d)[ok], (p + t1[:, None] * d)[ok]
    lo, hi = lo - NOTE_CLEARANCE, hi + NOTE_CLEARANCE
    t0, t1, hit = clip_segments(p, q, (lo[0], hi[0], lo[1], hi[1]))
    return bool(np.any(hit & (t0 <= t1)))

"""The loss curve over updates, on a log scale."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from manim import (
    DashedLine,
    Dot,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from ... import numbers
from ...trajectory import Trajectory
from .. import style
from ..style import Theme
from .panels import LABEL_GAP, LEAST_TICK_LABELS, Panel, Polyline, state_follower
from .text import label, nice_ticks, power_of_ten

FloatArray = NDArray[np.float64]


#: The least gap between the "0" and "1" of a log update axis.
ONE_APART = 0.2


def log_ticks(y_range: tuple[float, float], most: int) -> list[tuple[float, str]]:
    """Ticks of a log10 axis: at least three, at most ``most`` (when three fit).

    Powers of ten, every k-th where they are many; under three decades, 1, 2 and 5 times
    the powers of ten, written out (``20, 50, 100``), thinned the same way.
    """
    lo, hi = y_range
    decades = [float(k) for k in range(math.ceil(lo), math.floor(hi) + 1)]
    if len(decades) >= 3:
        step = max(1, math.ceil(len(decades) / most))
        while step > 1 and len(decades[::step]) < 3:
            step -= 1
        return [(k, power_of_ten(int(k))) for k in decades[::step]]
    values = [
        m * 10.0**k
        for k in range(math.floor(lo), math.ceil(hi) + 1)
        for m in (1.0, 2.0, 5.0)
        if lo <= math.log10(m * 10.0**k) <= hi
    ]
    if len(values) < 3:
        return [(k, power_of_ten(int(k))) for k in decades]
    step = max(1, math.ceil(len(values) / most))
    while step > 1 and len(values[::step]) < 3:
        step -= 1
    kept = values[::step]
    return [(math.log10(v), t) for v, t in zip(kept, numbers.tick_labels(kept), strict=True)]


#: How far above the highest loss a linear loss axis may reach for a third tick label, as a
#: share of its range.
MOST_REACH = 0.25
#: How far below the lowest loss a log axis may reach for a third decade label, as a share
#: of its range.
MOST_REACH_DOWN = 0.6


def spaced_decades(
    y_range: tuple[float, float], ticks: list[tuple[float, str]], height: float, theme: Theme
) -> tuple[tuple[float, float], list[tuple[float, str]]]:
    """A log axis ``height`` tall whose decade labels would touch (a short panel over a few
    decades, thinned to two: "10³ 10⁵"): every k-th decade, the least k whose labels keep
    apart, and the axis reaching down to a third such decade where it has fewer, as far as
    :data:`MOST_REACH_DOWN` of its range. Else ``y_range`` and ``ticks`` as they are."""
    lo, hi = y_range
    if len(ticks) < LEAST_TICK_LABELS or any(v != round(v) for v, _ in ticks):
        return y_range, ticks
    tall = max(label(t, theme, style.TICK_SIZE).height for _, t in ticks)

    def apart(step: float, span: float) -> bool:
        return step * height / span >= tall + LABEL_GAP / 2

    steps = [b - a for (a, _), (b, _) in itertools.pairwise(ticks)]
    if all(apart(d, hi - lo) for d in steps):
        return y_range, ticks
    for k in range(2, 6):
        top = math.floor(hi)
        kept = [float(v) for v in range(top, math.ceil(lo) - 1, -k)][::-1]
        low = lo
        if len(kept) < LEAST_TICK_LABELS:
            low = min(lo, top - k * (LEAST_TICK_LABELS - 1) - 0.25)
            kept = [float(top - k * i) for i in range(LEAST_TICK_LABELS)][::-1]
        if low < lo - MOST_REACH_DOWN * (hi - lo):
            continue
        if apart(k, hi - low):
            return (low, hi), [(v, power_of_ten(int(v))) for v in kept]
    return y_range, ticks


#: How many decades below its top a log loss axis reaches at most.
LOG_DEPTH = 8
#: A run whose loss has made this share of its whole fall by update ``n / FRONT_SHARE_AT``
#: falls "at once": its update axis is logarithmic.
FRONT_SHARE = 0.9
FRONT_SHARE_AT = 20


def front_loaded(
    trajectories: Sequence[Trajectory], n: int, log_y: bool, floor: float = 0.0
) -> bool:
    """Whether some run makes nearly all its fall in its first twentieth of the updates."""
    k = max(1, n // FRONT_SHARE_AT)
    for t in trajectories:
        if t.loss is None or t.n_states <= k + 1:
            continue
        loss = np.maximum(t.loss[np.isfinite(t.loss)], floor)
        if loss.size <= k + 1 or t.diverged:
            continue
        with np.errstate(divide="ignore"):
            y = np.log10(np.maximum(loss, 1e-300)) if log_y else loss
        y = np.maximum(y, y.min())
        fall = float(y[0] - y.min())
        if fall > 0 and float(y[0] - y[k]) >= FRONT_SHARE * fall:
            return True
    return False


class LossCurve(Panel):
    """Loss against update, log-scaled where it spans decades, drawn up to the tracker.

    The update axis is ``log10(1 + epoch)`` for long runs, so the early, fast fall gets room.
    """

    def __init__(
        self,
        trajectories: Sequence[Trajectory],
        width: float,
        height: float,
        theme: Theme,
        loss_floor: float | None = None,
        epochs: int | None = None,
        y_name: str = "loss",
        descents: Sequence[Trajectory] | None = None,
        log_notes: bool = True,
    ) -> None:
        """``trajectories`` span the axes; ``descents``, the runs to be drawn where they
        differ (an axis built from a stand-in for several runs' range), say whether the
        update axis needs to be logarithmic. ``log_notes``: the axis names say "(log
        scale)" of a log axis (off where the scene says it elsewhere, or once for a column
        of small panels)."""
        losses = np.concatenate([t.loss for t in trajectories if t.loss is not None])
        finite = losses[np.isfinite(losses)]
        lo, hi = float(np.min(finite)), float(np.max(finite))
        if loss_floor is not None and np.isfinite(loss_floor):
            lo = min(lo, loss_floor)
        # A run that fits exactly (two points, a line through them) heads for 0: on a log
        # axis that is 1e-31 at the bottom and every tick a power of ten, the descent
        # squeezed into one corner. The axis stops LOG_DEPTH decades below the top.
        lo = max(lo, hi * 10.0**-LOG_DEPTH) if lo > 0 or hi > 0 else lo
        self.log_y = lo > 0 and hi / lo > 100
        n = epochs if epochs is not None else max(t.n_updates for t in trajectories)
        n = max(n, 1)
        # A long run, or one whose fall is over within its first few updates, gets a log
        # update axis: on a linear one the whole descent is a cliff at update 1.
        shapes = descents if descents is not None else trajectories
        self.log_x = n > 300 or (n >= 20 and front_loaded(shapes, n, self.log_y, lo))
        self.loss_unit = 1.0
        if self.log_y:
            y_range = (math.floor(math.log10(lo) * 4) / 4, math.ceil(math.log10(hi) * 4) / 4)
            if y_range[1] - y_range[0] < 0.5:
                y_range = (y_range[0] - 0.25, y_range[1] + 0.25)
            y_ticks = log_ticks(y_range, max(3, int(height / style.TICK_SPACING)))
            y_range, y_ticks = spaced_decades(y_range, y_ticks, height, theme)
        else:
            pad = 0.06 * (hi - lo or abs(hi) or 1.0)
            if max(abs(lo), abs(hi)) >= numbers.PLAIN_MAX:
                # Ticks such as "4e8 3e8" read badly: the axis counts in a power of ten,
                # which its name gives ("loss (×10⁸)").
                self.loss_unit = 10.0 ** math.floor(math.log10(max(abs(lo), abs(hi))))
                lo, hi, pad = lo / self.loss_unit, hi / self.loss_unit, pad / self.loss_unit
            y_range = (max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad)
            most = max(2, min(4, int(height / style.TICK_SPACING)))
            values = nice_ticks(*y_range, most)
            if not self.labels_fit(values, y_range, height, theme):
                # A short panel whose round step leaves two labels apart (0 and 2 of
                # 0 1 2 3): the axis reaches up to the next tick of a longer step (0 2 4).
                for target in (3, 2):
                    longer = nice_ticks(*y_range, target, least=1)
                    if len(longer) < 2 or longer[1] - longer[0] <= values[1] - values[0]:
                        continue
                    step = longer[1] - longer[0]
                    top = math.ceil(y_range[1] / step - 1e-9) * step
                    reach = (y_range[0], top)
                    wider = nice_ticks(*reach, target, least=1)
                    if top - y_range[1] <= MOST_REACH * (y_range[1] - y_range[0]) and (
                        len(wider) >= 3 and self.labels_fit(wider, reach, height, theme)
                    ):
                        y_range, values = reach, wider
                        break
            y_ticks = list(zip(values, numbers.tick_labels(values), strict=True))
        # The last update's marker sits on the axis's end: the axis runs on by the marker's
        # radius, so the frame does not cut it in half.
        end = style.DOT_RADIUS * 1.2 / width
        if self.log_x:
            last = math.log10(1 + n)
            x_range = (0.0, last * (1 + end))
            x_ticks = [(0.0, "0")] + [
                (math.log10(1 + 10**k), numbers.count(10**k))
                for k in range(0, int(math.log10(n)) + 1)
            ]
            # "0" and "1" of a narrow log axis read as "01": the 1 gives way where the
            # axis keeps four labels without it (three once its "0" gives way to the loss
            # axis's at the corner).
            apart = math.log10(2) / x_range[1] * width
            sizes = [label(t, theme, style.TICK_SIZE, theme.muted).width for _, t in x_ticks[:2]]
            if len(x_ticks) > LEAST_TICK_LABELS + 1 and apart < sum(sizes) / 2 + ONE_APART:
                del x_ticks[1]
            x_label = "update (log scale)" if log_notes else "update"
        else:
            x_range = (0.0, float(n) * (1 + end))
            values = nice_ticks(0, n, 4)
            x_ticks = list(zip(values, numbers.tick_labels(values), strict=True))
            x_label = "update"
        y_label = f"{y_name} (log)" if self.log_y and log_notes else y_name
        if self.loss_unit != 1.0:
            y_label = f"{y_name} (×{power_of_ten(round(math.log10(self.loss_unit)))})"
        super().__init__(x_range, y_range, width, height, theme, x_label, y_label, x_ticks, y_ticks)
        self.epochs = n

    @staticmethod
    def labels_fit(
        values: Sequence[float], r: tuple[float, float], height: float, theme: Theme
    ) -> bool:
        """Whether tick labels at ``values`` up an axis over ``r`` of ``height`` are three or
        more and all keep apart (else the panel thins them)."""
        if len(values) < LEAST_TICK_LABELS:
            return False
        texts = numbers.tick_labels(list(values))
        sizes = [label(t, theme, style.TICK_SIZE, theme.muted).height for t in texts]
        room = (values[1] - values[0]) * height / (r[1] - r[0])
        return all(room >= (a + b) / 2 + LABEL_GAP / 2 for a, b in itertools.pairwise(sizes))

    def settle_mark(self, traj: Trajectory, update: int, color: str) -> DashedLine:
        """A dashed line across the panel at ``traj``'s ``update``: where a run converged
        (its curve may keep falling on a log axis after it is within 1 % of the best)."""
        x = float(self.coords(traj)[0][update])
        return DashedLine(
            self.axes.c2p(x, self.y_range[0]),
            self.axes.c2p(x, self.y_range[1]),
            color=color,
            stroke_width=style.THIN * 1.5,
            dash_length=0.08,
        )

    def coords(self, traj: Trajectory) -> tuple[FloatArray, FloatArray]:
        assert traj.loss is not None
        e = np.arange(traj.n_states, dtype=np.float64)
        xs = np.log10(1 + e) if self.log_x else e
        with np.errstate(divide="ignore"):
            if self.log_y:
                ys = np.log10(np.maximum(traj.loss, 1e-300))
            else:
                ys = traj.loss / self.loss_unit
        return xs, ys

    def curve(self, traj: Trajectory, tracker: ValueTracker, color: str) -> VGroup:
        """The curve of ``traj`` and a marker, following ``tracker``."""
        xs, ys = self.coords(traj)
        poly = Polyline(self, xs, ys, min_step=0.006)
        line = VMobject(stroke_color=color, stroke_width=style.STROKE)
        dot = Dot(radius=style.DOT_RADIUS, color=color).set_stroke(self.theme.background, 1.5)

        def place(s: float) -> None:
            px, py = poly.point(s)
            inside = self.contains(px, py)
            dot.move_to(self.axes.c2p(px, min(max(py, self.y_range[0]), self.y_range[1])))
            dot.set_opacity(1 if inside else 0)

        line.add_updater(state_follower(tracker, lambda s: poly.draw(line, s)))
        dot.add_updater(state_follower(tracker, place))
        poly.draw(line, tracker.get_value())
        place(tracker.get_value())
        return VGroup(line, dot)

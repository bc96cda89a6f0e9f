"""Where the bowl is drawn: ``(w, b, loss)`` to scene points, polylines, paths on the surface.

How the axes are scaled: each side of the landscape's view box is stretched onto the same
square, ``[-HALF, HALF]`` in scene units (w along x, b along y), so a badly conditioned bowl
is not drawn as a needle. The height is ``((L - L*) / E) ** HEIGHT_POWER``, where ``L*`` is the
lowest loss and ``E`` the largest excess loss in the view, times ``BOWL_HEIGHT``. It is a
monotone rescaling, so the level curves and the downhill directions are those of the real
loss. The power ¾ turns a quadratic bowl (excess growing like distance²) into one growing
like distance^1.5: still round at the bottom, where the ground flattens, but without the flat
plate and steep corners of the raw loss, nor the cone of its square root; mae's bowl (excess
growing like distance) keeps its edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...datasets import standardized_data
from ...landscape import GRID_POINTS_MAX, View
from ...pipeline.prepare import SceneInputs
from ...trajectory import Trajectory

FloatArray = NDArray[np.float64]
LossFn = Callable[[Any, Any], Any]

# World (before the camera's zoom): the view box fills [-HALF, HALF]^2; the bowl's lowest
# point sits FLOOR_GAP above the floor and its rim BOWL_HEIGHT above that.
HALF = 3.0
BOWL_HEIGHT = 2.6
FLOOR_GAP = 0.45
HEIGHT_POWER = 0.75
LIFT = 0.015  # paths and prints float this far above the surface


@dataclass(frozen=True)
class BowlMap:
    """``(w, b, loss)`` -> scene ``(x, y, z)``.

    ``x = half * (w - w_mid) / w_radius`` and likewise ``y`` for ``b``, so the view fills the
    square ``[-half, half]^2`` whatever the parameters' units. ``z = bottom + height * t`` with
    ``t = ((L - L*) / excess_top) ** power``: ``t = 0`` at the minimum and ``1`` at the highest
    point of the view.
    """

    view: View
    half: float
    height: float
    floor: float
    bottom: float
    loss_min: float
    excess_top: float
    power: float

    @property
    def w_mid(self) -> float:
        return (self.view.w_min + self.view.w_max) / 2

    @property
    def b_mid(self) -> float:
        return (self.view.b_min + self.view.b_max) / 2

    @property
    def sx(self) -> float:
        """Scene units per unit of w."""
        return 2 * self.half / (self.view.w_max - self.view.w_min)

    @property
    def sy(self) -> float:
        """Scene units per unit of b."""
        return 2 * self.half / (self.view.b_max - self.view.b_min)

    @property
    def top(self) -> float:
        return self.bottom + self.height

    def xy(self, w: Any, b: Any) -> tuple[FloatArray, FloatArray]:
        x = (np.asarray(w, dtype=np.float64) - self.w_mid) * self.sx
        y = (np.asarray(b, dtype=np.float64) - self.b_mid) * self.sy
        return x, y

    def wb(self, x: Any, y: Any) -> tuple[FloatArray, FloatArray]:
        """The inverse of :meth:`xy`."""
        w = np.asarray(x, dtype=np.float64) / self.sx + self.w_mid
        b = np.asarray(y, dtype=np.float64) / self.sy + self.b_mid
        return w, b

    def z(self, loss: Any) -> FloatArray:
        excess = np.maximum(np.asarray(loss, dtype=np.float64) - self.loss_min, 0.0)
        return self.bottom + self.height * (excess / self.excess_top) ** self.power

    def points(self, w: Any, b: Any, loss: Any) -> FloatArray:
        """``(n, 3)`` scene points."""
        x, y = self.xy(w, b)
        z = self.z(loss)
        x, y, z = np.broadcast_arrays(x, y, z)
        return np.column_stack([x.ravel(), y.ravel(), z.ravel()])

    def direction(self, dw: float, db: float) -> FloatArray:
        """A (w, b) direction as a unit vector in the floor plane (zero stays zero)."""
        v = np.array([dw * self.sx, db * self.sy, 0.0])
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v


@dataclass(frozen=True)
class Ground:
    """The run's loss surface as drawn: the bowl's map and the loss at any ``(w, b)``.

    ``loss_at`` takes every data point; ``grid_loss_at`` takes the subset the landscape's
    grid is computed on (all of them for a quadratic loss), for the wire mesh.
    """

    bowl: BowlMap
    loss_at: LossFn
    grid_loss_at: LossFn

    @classmethod
    def from_inputs(cls, inputs: SceneInputs) -> Ground:
        """The bowl the optimizer walks: on standardised x its own coordinates (the slope
        and intercept on standardised x, where the bowl is round), else data units."""
        land = inputs.map
        ds = inputs.dataset
        if inputs.on_map is not None and inputs.standardized is not None:
            ds = standardized_data(ds, inputs.standardized)
        loss = inputs.config.make_loss()
        x_all, y_all = ds.x, ds.y
        x_grid, y_grid = ds.subset(GRID_POINTS_MAX) if not loss.quadratic else (x_all, y_all)

        def loss_at(w: Any, b: Any) -> Any:
            return loss.value(x_all, y_all, np.asarray(w), np.asarray(b))

        def grid_loss_at(w: Any, b: Any) -> Any:
            return loss.value(x_grid, y_grid, np.asarray(w), np.asarray(b))

        l_min = min(land.optimum_loss, float(np.min(land.z)))
        top = float(np.max(land.z)) - l_min
        total = FLOOR_GAP + BOWL_HEIGHT
        bowl = BowlMap(
            view=land.view,
            half=HALF,
            height=BOWL_HEIGHT,
            floor=-total / 2,
            bottom=-total / 2 + FLOOR_GAP,
            loss_min=l_min,
            excess_top=max(top, 1e-12 * max(abs(l_min), 1.0)),
            power=HEIGHT_POWER,
        )
        return cls(bowl, loss_at, grid_loss_at)


def polyline_beziers(points: FloatArray) -> FloatArray:
    """Straight cubic pieces through ``points`` (``(k, 3)``): ``(4 (k - 1), 3)`` bezier points."""
    a, b = points[:-1], points[1:]
    d = b - a
    out = np.stack([a, a + d / 3, a + 2 * d / 3, b], axis=1)
    return out.reshape(-1, 3)


def join_paths(paths: Sequence[FloatArray]) -> FloatArray:
    """Several polylines as one bezier array: one mobject, one draw call, many subpaths."""
    parts = [polyline_beziers(p) for p in paths if len(p) >= 2]
    return np.concatenate(parts) if parts else np.zeros((0, 3))


def thin(points: FloatArray, most: int) -> FloatArray:
    """At most ``most`` points of a polyline, ends kept."""
    if len(points) <= most:
        return points
    idx = np.unique(np.linspace(0, len(points) - 1, most).round().astype(int))
    return points[idx]


def ellipse(center: FloatArray, along: FloatArray, across: FloatArray, n: int = 10) -> FloatArray:
    """A closed polygon: ``center + cos t * along + sin t * across``."""
    t = np.linspace(0.0, 2 * math.pi, n + 1)
    return center + np.outer(np.cos(t), along) + np.outer(np.sin(t), across)


def rotate_towards(a: FloatArray, b: FloatArray, f: float) -> FloatArray:
    """The horizontal unit vector ``f`` of the way from ``a`` to ``b`` (shortest turn)."""
    ta, tb = math.atan2(a[1], a[0]), math.atan2(b[1], b[0])
    d = (tb - ta + math.pi) % (2 * math.pi) - math.pi
    t = ta + d * min(max(f, 0.0), 1.0)
    return np.array([math.cos(t), math.sin(t), 0.0])


class DrapedPath:
    """A (w, b) path laid on the loss surface: straight in (w, b), following the ground.

    Segments between kept states are sampled ``samples`` times and lifted to the surface, so
    a long step that crosses the valley dips down and climbs the other side as the hiker does.

    Parameters
    ----------
    index
        The kept state indices (increasing), their ``(w, b)`` in ``w``, ``b``.
    """

    def __init__(
        self,
        bowl: BowlMap,
        loss_at: LossFn,
        index: FloatArray,
        w: FloatArray,
        b: FloatArray,
        samples: int,
        lift: float,
    ) -> None:
        self.index = np.asarray(index, dtype=np.float64)
        self.samples = samples
        t = np.linspace(0.0, 1.0, samples + 1)[:-1]
        if len(w) > 1:
            ws = (w[:-1, None] + (w[1:] - w[:-1])[:, None] * t[None, :]).ravel()
            bs = (b[:-1, None] + (b[1:] - b[:-1])[:, None] * t[None, :]).ravel()
            ws = np.append(ws, w[-1])
            bs = np.append(bs, b[-1])
        else:
            ws, bs = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
        pts = bowl.points(ws, bs, loss_at(ws, bs))
        pts[:, 2] += lift
        self.pts = pts

    def upto(self, s: float) -> FloatArray:
        """The path's points from the first kept state to fractional state index ``s``."""
        idx = self.index
        if len(idx) < 2 or s <= idx[0]:
            return self.pts[:1]
        k = int(np.searchsorted(idx, s, side="right")) - 1
        if k >= len(idx) - 1:
            return self.pts
        f = (s - idx[k]) / (idx[k + 1] - idx[k])
        u = f * self.samples
        m = int(u)
        base = k * self.samples
        head = self.pts[: base + m + 1]
        if u - m > 1e-9:
            a, c = self.pts[base + m], self.pts[base + m + 1]
            head = np.vstack([head, a + (c - a) * (u - m)])
        return head


def walked(inputs: SceneInputs) -> Trajectory:
    """The first run as the bowl draws it: on standardised x the optimizer's own states and
    gradients (those it recorded), else the run in data units. The readout keeps the run in
    data units (:attr:`SceneInputs.trajectory`)."""
    traj = inputs.trajectory
    if inputs.on_map is None or traj.w_opt is None or traj.b_opt is None:
        return traj
    return replace(traj, w=traj.w_opt, b=traj.b_opt, w_opt=None, b_opt=None)

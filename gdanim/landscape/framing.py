"""Framing the bowl for a scene: the :class:`View` around the runs and the optimum, and the
:class:`Landscape`, the loss evaluated over it with its contour levels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..datasets import Dataset
from ..losses import Loss
from .analysis import hessian, optimum

FloatArray = NDArray[np.float64]

# Points used to evaluate a non-quadratic loss on a grid; beyond this a representative subset.
GRID_POINTS_MAX = 20_000


@dataclass(frozen=True)
class View:
    """A parameter-space rectangle ``[w_min, w_max] x [b_min, b_max]``."""

    w_min: float
    w_max: float
    b_min: float
    b_max: float

    def contains(self, w: float, b: float) -> bool:
        return self.w_min <= w <= self.w_max and self.b_min <= b <= self.b_max

    def padded(self, frac: float) -> View:
        dw = (self.w_max - self.w_min) * frac
        db = (self.b_max - self.b_min) * frac
        return View(self.w_min - dw, self.w_max + dw, self.b_min - db, self.b_max + db)


def sublevel_box(h: FloatArray, center: tuple[float, float], excess: float) -> View:
    """Bounding box of the ellipse ``0.5 d^T H d <= excess`` around ``center``."""
    hinv = np.linalg.inv(h)
    ew = float(np.sqrt(max(2.0 * excess * hinv[0, 0], 0.0)))
    eb = float(np.sqrt(max(2.0 * excess * hinv[1, 1], 0.0)))
    return View(center[0] - ew, center[0] + ew, center[1] - eb, center[1] + eb)


@dataclass(frozen=True)
class Landscape:
    """The loss surface over a framed view, ready to draw.

    Attributes
    ----------
    view
        The framed rectangle.
    w_grid, b_grid
        Grid coordinates, shapes ``(nb,)`` and ``(nw,)`` ... see ``z``.
    z
        Loss on the grid, shape ``(len(b_grid), len(w_grid))`` (rows are b).
    levels
        Increasing contour levels.
    optimum, optimum_loss
        Minimiser and its loss.
    start_loss
        Loss at the trajectories' common start.
    """

    view: View
    w_grid: FloatArray
    b_grid: FloatArray
    z: FloatArray
    levels: FloatArray
    optimum: tuple[float, float]
    optimum_loss: float
    start_loss: float

    def contour_paths(self) -> list[tuple[float, list[FloatArray]]]:
        """For each level, its polylines as ``(k, 2)`` arrays of ``(w, b)``."""
        import contourpy

        gen = contourpy.contour_generator(
            self.w_grid, self.b_grid, self.z, line_type=contourpy.LineType.Separate
        )
        out: list[tuple[float, list[FloatArray]]] = []
        for lev in self.levels:
            lines = [np.asarray(seg, dtype=np.float64) for seg in gen.lines(float(lev))]
            out.append((float(lev), [s for s in lines if len(s) >= 2]))
        return out

    def loss_range(self) -> tuple[float, float]:
        return float(np.min(self.z)), float(np.max(self.z))


#: Of the view's span, the least room between the minimum and any edge (before padding).
OPTIMUM_ROOM = 0.2


def frame_view(
    dataset: Dataset,
    loss: Loss,
    paths: list[tuple[FloatArray, FloatArray, FloatArray | None, bool]],
    pad: float = 0.12,
) -> View:
    """A view around the start(s), the optimum and the converging parts of the paths.

    ``paths`` holds ``(w, b, loss, diverged)`` per run. A diverging run contributes only what
    it did before its loss climbed past 4x its start, so it leaves the view honestly. An axis
    along which the path barely moves still gets a quarter of the start's level set, so the
    bowl around it shows.
    """
    w_star, b_star = optimum(dataset.x, dataset.y, loss)
    l_star = float(loss.value(dataset.x, dataset.y, w_star, b_star))
    ws: list[float] = [w_star]
    bs: list[float] = [b_star]
    h = hessian(dataset.x, loss)
    reach_w = reach_b = 0.0
    for w, b, lv, diverged in paths:
        lv = lv if lv is not None else loss.value(dataset.x, dataset.y, w, b)
        l0 = float(lv[0])
        keep = np.ones(w.size, dtype=bool)
        if diverged:
            climbed = np.nonzero(lv > l0 * 4.0)[0]
            if climbed.size:
                keep[climbed[0] :] = False
        ws.extend(w[keep].tolist())
        bs.extend(b[keep].tolist())
        if loss.curvature > 0 and l0 > l_star and np.linalg.det(h) > 0:
            box = sublevel_box(h, (w_star, b_star), l0 - l_star)
            reach_w = max(reach_w, (box.w_max - box.w_min) * 0.25)
            reach_b = max(reach_b, (box.b_max - box.b_min) * 0.25)
    view = View(min(ws), max(ws), min(bs), max(bs))
    span_w = max(view.w_max - view.w_min, reach_w, 1e-9 * (1 + abs(w_star)))
    span_b = max(view.b_max - view.b_min, reach_b, 1e-9 * (1 + abs(b_star)))
    if span_w <= 1e-9 * (1 + abs(w_star)):
        span_w = max(abs(w_star), 1.0)
    if span_b <= 1e-9 * (1 + abs(b_star)):
        span_b = max(abs(b_star), 1.0)
    cw, cb = (view.w_min + view.w_max) / 2, (view.b_min + view.b_max) / 2
    view = View(cw - span_w / 2, cw + span_w / 2, cb - span_b / 2, cb + span_b / 2)
    # The minimum keeps room around it, so its inner contours are never cut by an edge.
    room = OPTIMUM_ROOM
    view = View(
        min(view.w_min, w_star - room * span_w),
        max(view.w_max, w_star + room * span_w),
        min(view.b_min, b_star - room * span_b),
        max(view.b_max, b_star + room * span_b),
    )
    return view.padded(pad)


def build_landscape(
    dataset: Dataset,
    loss: Loss,
    paths: list[tuple[FloatArray, FloatArray, FloatArray | None, bool]],
    resolution: int = 161,
    n_levels: int = 12,
    view: View | None = None,
) -> Landscape:
    """Evaluate ``loss`` over the framed view and choose contour levels.

    Levels are spaced geometrically in excess loss ``L - L*`` from the start's level down to
    1/1000 of it, so the bowl reads the same whatever the loss's units, plus three levels
    above the start to fill the corners (:func:`contour_levels`).
    """
    view = view or frame_view(dataset, loss, paths)
    wg = np.linspace(view.w_min, view.w_max, resolution)
    bg = np.linspace(view.b_min, view.b_max, resolution)
    x, y = dataset.subset(GRID_POINTS_MAX) if not loss.quadratic else (dataset.x, dataset.y)
    big_w, big_b = np.meshgrid(wg, bg)
    z = loss.value(x, y, big_w, big_b)
    w_star, b_star = optimum(dataset.x, dataset.y, loss)
    l_star = float(loss.value(dataset.x, dataset.y, w_star, b_star))
    starts = [float(loss.value(dataset.x, dataset.y, p[0][0], p[1][0])) for p in paths]
    l0 = max(starts) if starts else float(np.max(z))
    return Landscape(
        view=view,
        w_grid=wg,
        b_grid=bg,
        z=z,
        levels=contour_levels(z, l_star, l0, n_levels),
        optimum=(w_star, b_star),
        optimum_loss=l_star,
        start_loss=l0,
    )


def contour_levels(z: FloatArray, l_star: float, l0: float, n_levels: int) -> FloatArray:
    """Contour levels spaced geometrically in excess loss ``L - L*``: ``n_levels`` from the
    start's level ``l0`` down to 1/1000 of it, and three above it to fill the corners; only
    those the surface ``z`` crosses."""
    gap = max(l0 - l_star, 1e-12 * max(abs(l_star), 1.0))
    ratio = 1e-3 ** (1.0 / (n_levels - 1))
    below = l_star + gap * ratio ** np.arange(n_levels)
    above = l_star + gap * ratio ** -np.arange(1, 4)
    levels = np.unique(np.concatenate([below, above]))
    zmin, zmax = float(np.min(z)), float(np.max(z))
    return levels[(levels > zmin) & (levels < zmax)]

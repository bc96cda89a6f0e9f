"""The loss over two weights ``(w1, w2)`` at the best intercept: the feature-scaling bowls.

With centred features the best intercept is the mean of ``y`` whatever the weights, so the
loss over the weights is exact, and a run started there keeps it: its path lies on this
surface. The surface is drawn in the coordinates the run stepped in (raw or standardised
weights).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..losses import Loss
from .framing import OPTIMUM_ROOM, Landscape, View, contour_levels

FloatArray = NDArray[np.float64]


def weight_landscape(
    x: FloatArray,
    y: FloatArray,
    loss: Loss,
    paths: list[FloatArray],
    resolution: int = 161,
    n_levels: int = 12,
    pad: float = 0.1,
    aspect: float | None = None,
    reach_fraction: float = 0.5,
    frame_optimum: bool = True,
) -> Landscape:
    """The loss over ``(w1, w2)`` for centred ``x`` (shape ``(N, 2)``) at ``b = mean(y)``.

    ``paths`` are the runs' weights, ``(n_states, 2)`` each; the view frames them and the
    minimum (an axis along which the paths barely move gets ``reach_fraction`` of the
    start's level set's half-width on either side). The landscape's ``w``/``b`` axes hold
    ``w1``/``w2``. With ``aspect`` (a panel's width over its height) the view is widened
    along one axis so that both axes are to scale: the contours then have their true shape.
    ``frame_optimum=False`` frames the paths alone (a run that crawls far from the minimum,
    seen close up).
    """
    assert x.ndim == 2 and x.shape[1] == 2
    b_best = float(np.mean(y))
    n = y.size
    c = loss.curvature
    cov = x.T @ x / n
    rhs = x.T @ (y - b_best) / n
    star = np.linalg.solve(c * cov + loss.l2 * np.eye(2), c * rhs)
    l_star = float(loss.value_features(x, y, star, b_best))
    pts = np.vstack([star[None, :], *[p for p in paths]] if frame_optimum else list(paths))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    starts = [float(loss.value_features(x, y, p[0], b_best)) for p in paths]
    l0 = max(starts) if starts else l_star + 1.0
    h = c * cov + loss.l2 * np.eye(2)
    reach = reach_fraction * np.sqrt(
        np.maximum(2.0 * max(l0 - l_star, 0.0) * np.diag(np.linalg.inv(h)), 0)
    )
    span = np.maximum(np.maximum(hi - lo, reach), 1e-9 * (1 + np.abs(star)))
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    if frame_optimum:
        lo = np.minimum(lo, star - OPTIMUM_ROOM * span)
        hi = np.maximum(hi, star + OPTIMUM_ROOM * span)
    view = View(float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])).padded(pad)
    if aspect is not None:
        sw, sb = view.w_max - view.w_min, view.b_max - view.b_min
        cw, cb = (view.w_max + view.w_min) / 2, (view.b_max + view.b_min) / 2
        sw, sb = max(sw, sb * aspect), max(sb, sw / aspect)
        view = View(cw - sw / 2, cw + sw / 2, cb - sb / 2, cb + sb / 2)
    wg = np.linspace(view.w_min, view.w_max, resolution)
    bg = np.linspace(view.b_min, view.b_max, resolution)
    grid = np.stack(np.meshgrid(wg, bg), axis=-1)
    z = loss.value_features(x, y, grid, b_best)
    return Landscape(
        view=view,
        w_grid=wg,
        b_grid=bg,
        z=z,
        levels=contour_levels(z, l_star, l0, n_levels),
        optimum=(float(star[0]), float(star[1])),
        optimum_loss=l_star,
        start_loss=l0,
    )


def framed_part(path: FloatArray, loss: FloatArray | None, diverged: bool) -> FloatArray:
    """The states of a run a view frames: all of them, or for a diverging run those before
    its loss climbed past 4x its start (it then leaves the view honestly)."""
    if not diverged or loss is None:
        return path
    climbed = np.nonzero(loss > 4.0 * loss[0])[0]
    return path[: max(int(climbed[0]), 1)] if climbed.size else path

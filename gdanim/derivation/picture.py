"""The derivation's pictures, in numbers: the residuals at the start and the first step.

Everything the pictures draw comes from the run: the start line ``(w0, b0)`` and the first
update ``(w1, b1)`` from the trajectory, in the coordinates the optimizer stepped (``x``
standardised where it was), so the residuals drawn are the ``e_i`` of the formulas and the
step drawn on the map is the step the formulas compute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .first_step import FirstStep

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Residuals:
    """Each drawn point's residual at the start line, as a vertical segment.

    ``x`` and ``y`` are the points (``x`` standardised where the run standardised it),
    ``y_hat`` the start line's value at each ``x``: a segment runs from ``(x, y)`` to
    ``(x, y_hat)``. ``weight`` is ``|x_i|`` over the largest ``|x|`` shown: how hard each
    residual pulls on the slope, relative to the others (``∂L/∂w`` sums ``x_i e_i``).
    """

    x: FloatArray
    y: FloatArray
    y_hat: FloatArray
    w0: float
    b0: float
    weight: FloatArray

    @property
    def e(self) -> FloatArray:
        """The residuals ``y_i - y_hat_i``."""
        return self.y - self.y_hat


def residuals(x: FloatArray, y: FloatArray, step: FirstStep) -> Residuals:
    """The residuals of points ``(x, y)`` (in data units) at the run's start line.

    Where the run standardised x, the points are standardised with the run's own mean and
    standard deviation, so the line is the one the formulas start from.
    """
    xs = np.asarray(x, dtype=np.float64).reshape(-1)
    if step.standardised:
        xs = (xs - step.x_mean) / step.x_std
    ys = np.asarray(y, dtype=np.float64).reshape(-1)
    y_hat = step.w0 * xs + step.b0
    top = float(np.max(np.abs(xs))) if xs.size else 0.0
    weight = np.abs(xs) / top if top > 0 else np.ones_like(xs)
    return Residuals(x=xs, y=ys, y_hat=y_hat, w0=step.w0, b0=step.b0, weight=weight)


@dataclass(frozen=True)
class MapStep:
    """The first update on the loss map: from ``start`` against the gradient to ``end``.

    ``gradient`` is the recorded full-data gradient at the start; ``end`` is the recorded
    first update (``None`` when the run has none or it is not finite). ``eta`` is the rate.
    """

    start: tuple[float, float]
    gradient: tuple[float, float]
    end: tuple[float, float] | None
    eta: float

    @property
    def direction(self) -> tuple[float, float] | None:
        """The unit vector of ``-∇L`` in (w, b), or ``None`` at a zero gradient."""
        gw, gb = self.gradient
        norm = float(np.hypot(gw, gb))
        if not np.isfinite(norm) or norm == 0:
            return None
        return (-gw / norm, -gb / norm)


def map_step(step: FirstStep) -> MapStep:
    """The first update of ``step`` for the map, every number from the trajectory."""
    end: tuple[float, float] | None = None
    if step.has_update:
        assert step.w1 is not None and step.b1 is not None
        if np.isfinite(step.w1) and np.isfinite(step.b1):
            end = (step.w1, step.b1)
    return MapStep(start=(step.w0, step.b0), gradient=(step.dw, step.db), end=end, eta=step.lr)

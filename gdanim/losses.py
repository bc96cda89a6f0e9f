"""Losses of a line ``y_hat = w x + b``: values and exact gradients, vectorised over parameters.

With ``d`` features (``x`` of shape ``(N, d)``) the model is ``y_hat = w . x + b``; the
``*_features`` methods take the weight vector ``w`` (shape ``(d,)``, or ``(..., d)`` for a grid)
and the squared losses evaluate them from the data's moments in ``O(d^2)`` per parameter
vector.

Every loss is an average of a per-point penalty ``phi(r)`` of the residual ``r = y_hat - y``.
``value`` and ``grad`` take scalar parameters or whole grids of them (any broadcastable
shapes), so the same code draws the contour map and trains.

The squared losses are evaluated from the data's centred moments, which is exact, O(1) per
parameter pair whatever the number of points, and free of the cancellation that raw sums of
squares suffer when ``y`` is large.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# Data chunk for grid evaluation of the non-quadratic losses: grid size x chunk floats at once.
_CHUNK = 256


@dataclass(frozen=True)
class Moments:
    """Centred first and second moments of ``(x, y)``: all the squared losses need."""

    n: int
    x_mean: float
    y_mean: float
    x_var: float
    y_var: float
    xy_cov: float
    x_sq_mean: float

    @classmethod
    def of(cls, x: FloatArray, y: FloatArray) -> Moments:
        xm, ym = float(np.mean(x)), float(np.mean(y))
        xc, yc = x - xm, y - ym
        xv = float(np.mean(xc * xc))
        return cls(
            n=int(x.size),
            x_mean=xm,
            y_mean=ym,
            x_var=xv,
            y_var=float(np.mean(yc * yc)),
            xy_cov=float(np.mean(xc * yc)),
            x_sq_mean=xv + xm * xm,
        )


@dataclass(frozen=True)
class FeatureMoments:
    """Centred moments of ``d`` features and the target: means, covariances, ``y``'s variance."""

    n: int
    x_mean: FloatArray
    y_mean: float
    x_cov: FloatArray
    xy_cov: FloatArray
    y_var: float

    @classmethod
    def of(cls, x: FloatArray, y: FloatArray) -> FeatureMoments:
        n = int(y.size)
        xm = x.mean(axis=0)
        ym = float(np.mean(y))
        xc, yc = x - xm, y - ym
        return cls(
            n=n,
            x_mean=xm,
            y_mean=ym,
            x_cov=xc.T @ xc / n,
            xy_cov=xc.T @ yc / n,
            y_var=float(np.mean(yc * yc)),
        )


class Loss(ABC):
    """A loss ``L(w, b) = mean(phi(w x_i + b - y_i)) + (l2 / 2) w**2``.

    Attributes
    ----------
    name
        Registry name.
    curvature
        ``c`` such that the Hessian of the data term is at most ``c / N * X^T X`` with
        ``X = [x, 1]``: 2 for mse, 1 for half-mse and huber, 0 for mae (piecewise linear).
    quadratic
        True when the Hessian is that bound everywhere (a true bowl with elliptic contours).
    """

    name: str = ""
    title: str = ""
    curvature: float = 0.0
    quadratic: bool = False

    def __init__(self, l2: float = 0.0, delta: float = 1.0) -> None:
        if not np.isfinite(l2) or l2 < 0:
            raise ValueError("l2 must be a finite number >= 0")
        if not np.isfinite(delta) or delta <= 0:
            raise ValueError("delta must be a finite number > 0")
        self.l2 = float(l2)
        self.delta = float(delta)

    # per-point penalty and its derivative
    @abstractmethod
    def phi(self, r: FloatArray) -> FloatArray: ...

    @abstractmethod
    def dphi(self, r: FloatArray) -> FloatArray: ...

    def value(self, x: FloatArray, y: FloatArray, w: ArrayLike, b: ArrayLike) -> FloatArray:
        """Loss at parameters ``w, b`` (broadcast together); returns their broadcast shape."""
        wa, ba = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, float))
        out = self._data_value(x, y, wa, ba)
        if self.l2:
            out = out + 0.5 * self.l2 * wa * wa
        return np.asarray(out, dtype=np.float64)

    def grad(
        self, x: FloatArray, y: FloatArray, w: ArrayLike, b: ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Exact gradient ``(dL/dw, dL/db)`` at ``w, b`` (broadcast together)."""
        wa, ba = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, float))
        dw, db = self._data_grad(x, y, wa, ba)
        if self.l2:
            dw = dw + self.l2 * wa
        return np.asarray(dw, dtype=np.float64), np.asarray(db, dtype=np.float64)

    def value_and_grad(
        self, x: FloatArray, y: FloatArray, w: float, b: float
    ) -> tuple[float, float, float]:
        """Loss and gradient at one point ``(w, b)``: the trainer's inner loop."""
        r = w * x + b - y
        g = self.dphi(r)
        value = float(np.mean(self.phi(r))) + 0.5 * self.l2 * w * w
        return value, float(np.mean(g * x)) + self.l2 * w, float(np.mean(g))

    def _data_value(self, x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray) -> FloatArray:
        flat_w, flat_b = w.reshape(-1, 1), b.reshape(-1, 1)
        acc = np.zeros(flat_w.shape[0])
        for s in range(0, x.size, _CHUNK):
            r = flat_w * x[s : s + _CHUNK] + flat_b - y[s : s + _CHUNK]
            acc += self.phi(r).sum(axis=1)
        return (acc / x.size).reshape(w.shape)

    def _data_grad(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        if w.ndim == 0:
            g = self.dphi(w * x + b - y)
            return np.asarray(np.mean(g * x)), np.asarray(np.mean(g))
        flat_w, flat_b = w.reshape(-1, 1), b.reshape(-1, 1)
        gw = np.zeros(flat_w.shape[0])
        gb = np.zeros(flat_w.shape[0])
        for s in range(0, x.size, _CHUNK):
            xs = x[s : s + _CHUNK]
            g = self.dphi(flat_w * xs + flat_b - y[s : s + _CHUNK])
            gw += (g * xs).sum(axis=1)
            gb += g.sum(axis=1)
        return (gw / x.size).reshape(w.shape), (gb / x.size).reshape(w.shape)

    # ------------------------------------------------------------ d features
    def value_and_grad_features(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: float
    ) -> tuple[float, FloatArray, float]:
        """Loss, ``dL/dw`` (shape ``(d,)``) and ``dL/db`` at one point, ``x`` of shape
        ``(N, d)``: the trainer's inner loop with several features."""
        r = x @ w + b - y
        g = self.dphi(r)
        value = float(np.mean(self.phi(r))) + 0.5 * self.l2 * float(w @ w)
        return value, x.T @ g / y.size + self.l2 * w, float(np.mean(g))

    def value_features(
        self, x: FloatArray, y: FloatArray, w: ArrayLike, b: ArrayLike
    ) -> FloatArray:
        """Loss at weight vectors ``w`` (shape ``(..., d)``) and intercepts ``b`` (shape
        ``(...)``); returns their common leading shape."""
        wa = np.asarray(w, dtype=np.float64)
        ba = np.broadcast_to(np.asarray(b, dtype=np.float64), wa.shape[:-1])
        flat_w, flat_b = wa.reshape(-1, wa.shape[-1]), ba.reshape(-1)
        out = self._data_value_features(x, y, flat_w, flat_b)
        if self.l2:
            out = out + 0.5 * self.l2 * np.einsum("ij,ij->i", flat_w, flat_w)
        return np.asarray(out, dtype=np.float64).reshape(ba.shape)

    def grad_features(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: float
    ) -> tuple[FloatArray, float]:
        """``(dL/dw, dL/db)`` at one point over the points given (a batch, for SGD)."""
        return self.value_and_grad_features(x, y, w, b)[1:]

    def _data_value_features(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray
    ) -> FloatArray:
        acc = np.zeros(w.shape[0])
        for s in range(0, y.size, _CHUNK):
            r = w @ x[s : s + _CHUNK].T + b[:, None] - y[s : s + _CHUNK]
            acc += self.phi(r).sum(axis=1)
        return acc / y.size

    def describe(self) -> dict[str, float | str]:
        """Name and hyper-parameters, as recorded in trajectories."""
        out: dict[str, float | str] = {"loss": self.name, "l2": self.l2}
        if self.name == "huber":
            out["delta"] = self.delta
        return out


class _Squared(Loss):
    """``phi(r) = (c / 2) r**2``, evaluated from moments when the data are whole."""

    quadratic = True

    def phi(self, r: FloatArray) -> FloatArray:
        return 0.5 * self.curvature * r * r

    def dphi(self, r: FloatArray) -> FloatArray:
        return self.curvature * r

    @cached_property
    def _cache(self) -> list[tuple[FloatArray, FloatArray, Moments]]:
        return []

    def moments(self, x: FloatArray, y: FloatArray) -> Moments:
        """Moments of ``(x, y)``, remembered for the last read-only pair seen.

        The trainer asks thousands of times for the same data; only arrays that cannot
        change under us are remembered, by identity.
        """
        for cx, cy, m in self._cache:
            if cx is x and cy is y:
                return m
        m = Moments.of(x, y)
        if not x.flags.writeable and not y.flags.writeable:
            self._cache[:] = [(x, y, m)]
        return m

    def value_and_grad(
        self, x: FloatArray, y: FloatArray, w: float, b: float
    ) -> tuple[float, float, float]:
        if x.size <= 4:
            return super().value_and_grad(x, y, w, b)
        # Plain floats from the moments: O(1) per update whatever the number of points.
        m = self.moments(x, y)
        k = self.curvature
        c = w * m.x_mean + b - m.y_mean
        sq = max(w * w * m.x_var - 2.0 * w * m.xy_cov + m.y_var + c * c, 0.0)
        value = 0.5 * k * sq + 0.5 * self.l2 * w * w
        dw = k * (w * m.x_var - m.xy_cov + m.x_mean * c) + self.l2 * w
        return value, dw, k * c

    def feature_moments(self, x: FloatArray, y: FloatArray) -> FeatureMoments:
        """:class:`FeatureMoments` of ``(x, y)``, remembered as :meth:`moments` are."""
        for cx, cy, m in self._feature_cache:
            if cx is x and cy is y:
                return m
        m = FeatureMoments.of(x, y)
        if not x.flags.writeable and not y.flags.writeable:
            self._feature_cache[:] = [(x, y, m)]
        return m

    @cached_property
    def _feature_cache(self) -> list[tuple[FloatArray, FloatArray, FeatureMoments]]:
        return []

    def value_and_grad_features(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: float
    ) -> tuple[float, FloatArray, float]:
        if y.size <= 4 * w.size:
            return super().value_and_grad_features(x, y, w, b)
        # From the moments: O(d^2) per update whatever the number of points.
        m = self.feature_moments(x, y)
        k = self.curvature
        c = float(w @ m.x_mean) + b - m.y_mean
        cw = m.x_cov @ w
        sq = max(float(w @ cw) - 2.0 * float(w @ m.xy_cov) + m.y_var + c * c, 0.0)
        value = 0.5 * k * sq + 0.5 * self.l2 * float(w @ w)
        dw = k * (cw - m.xy_cov + m.x_mean * c) + self.l2 * w
        return value, dw, k * c

    def _data_value_features(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray
    ) -> FloatArray:
        if y.size <= 4 * w.shape[1]:
            return super()._data_value_features(x, y, w, b)
        m = self.feature_moments(x, y)
        c = w @ m.x_mean + b - m.y_mean
        sq = np.einsum("ij,jk,ik->i", w, m.x_cov, w) - 2.0 * (w @ m.xy_cov) + m.y_var + c * c
        return 0.5 * self.curvature * np.maximum(sq, 0.0)

    def _data_value(self, x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray) -> FloatArray:
        if x.size <= 4:
            return super()._data_value(x, y, w, b)
        m = self.moments(x, y)
        c = w * m.x_mean + b - m.y_mean
        sq = w * w * m.x_var - 2.0 * w * m.xy_cov + m.y_var + c * c
        return 0.5 * self.curvature * np.maximum(sq, 0.0)

    def _data_grad(
        self, x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        if x.size <= 4:
            return super()._data_grad(x, y, w, b)
        m = self.moments(x, y)
        c = w * m.x_mean + b - m.y_mean
        k = self.curvature
        return k * (w * m.x_var - m.xy_cov + m.x_mean * c), k * c


class MSE(_Squared):
    name = "mse"
    title = "mean squared error, 1/N"
    curvature = 2.0


class HalfMSE(_Squared):
    name = "half-mse"
    title = "half mean squared error, 1/(2N)"
    curvature = 1.0


class MAE(Loss):
    name = "mae"
    title = "mean absolute error"
    curvature = 0.0

    def phi(self, r: FloatArray) -> FloatArray:
        return np.abs(r)

    def dphi(self, r: FloatArray) -> FloatArray:
        return np.sign(r)


class Huber(Loss):
    name = "huber"
    title = "Huber loss"
    curvature = 1.0

    def phi(self, r: FloatArray) -> FloatArray:
        a = np.abs(r)
        d = self.delta
        return np.where(a <= d, 0.5 * r * r, d * (a - 0.5 * d))

    def dphi(self, r: FloatArray) -> FloatArray:
        return np.clip(r, -self.delta, self.delta)


LOSSES: dict[str, type[Loss]] = {cls.name: cls for cls in (MSE, HalfMSE, MAE, Huber)}


def make_loss(name: str, l2: float = 0.0, delta: float = 1.0) -> Loss:
    """The loss registered as ``name`` with its hyper-parameters."""
    return LOSSES[name](l2=l2, delta=delta)

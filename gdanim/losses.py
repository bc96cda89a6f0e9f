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
from typing import Any, TypeVar

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


_M = TypeVar("_M", Moments, FeatureMoments)


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
    # How the derivation writes this loss: TeX parts (a residual ``e`` inside
    # ``tex_open ... tex_close``) and words. ``$delta`` in a TeX part and ``{delta}`` and
    # ``{penalty}`` in words stand for the run's values.
    #: Before the sum in L; around the residual in L.
    tex_scale: str = r"\frac{1}{N}"
    tex_open: tuple[str, ...] = ()
    tex_close: tuple[str, ...] = ()
    #: The outer derivative before its bracket in the chain rule, and in the gradient.
    tex_outer_head: tuple[str, ...] = ()
    tex_g_head: tuple[str, ...] = ()
    #: Before the sum in the gradient.
    tex_grad_scale: str = r"\frac{1}{N}"
    #: Lines defining the outer function and its derivative, where it needs them; each line
    #: is parts, a part its TeX or ``(TeX, role)``.
    tex_outer: tuple[tuple[str | tuple[str, str], ...], ...] = ()
    #: The outer derivative at a residual, the gradient's factor, the chain rule's outer step.
    words_g: str = ""
    words_grad_scale: str = "1/N"
    words_outer: str = ""
    #: The loss, its outer derivative (where it has a line), dL/dw and dL/db in words.
    words_loss: str = ""
    words_outer_rule: str = ""
    words_grad_w: str = ""
    words_grad_b: str = ""

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
    def _cache(self) -> dict[type, tuple[FloatArray, FloatArray, Any]]:
        return {}

    def _remembered(self, kind: type[_M], x: FloatArray, y: FloatArray) -> _M:
        """``kind.of(x, y)``, remembered for the last read-only pair seen.

        The trainer asks thousands of times for the same data; only arrays that cannot
        change under us are remembered, by identity.
        """
        seen = self._cache.get(kind)
        if seen is not None and seen[0] is x and seen[1] is y:
            found: _M = seen[2]
            return found
        m = kind.of(x, y)
        if not x.flags.writeable and not y.flags.writeable:
            self._cache[kind] = (x, y, m)
        return m

    def moments(self, x: FloatArray, y: FloatArray) -> Moments:
        """:class:`Moments` of ``(x, y)`` (remembered: :meth:`_remembered`)."""
        return self._remembered(Moments, x, y)

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
        return self._remembered(FeatureMoments, x, y)

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
    tex_open = (r"\bigl(",)
    tex_close = (r"\bigr)", "^{2}")
    tex_outer_head = ("2",)
    tex_grad_scale = r"\frac{2}{N}"
    words_g = "(yᵢ − ŷᵢ)"
    words_grad_scale = "2/N"
    words_outer = "the square gives 2(yᵢ − ŷᵢ)"
    words_loss = (
        "The loss: the mean squared error. Each residual yᵢ − ŷᵢ is squared, so misses "
        "above and below the line both count, then averaged over the N points."
    )
    words_grad_w = (
        "Gather the constants: ∂L/∂w = −(2/N) Σ xᵢ (yᵢ − ŷᵢ){penalty}, the residuals "
        "weighted by xᵢ. Points far out in x pull hardest on the slope."
    )
    words_grad_b = (
        "∂L/∂b = −(2/N) Σ (yᵢ − ŷᵢ): minus twice the average residual. When the line "
        "sits too low on average this is negative, and the update raises b."
    )


class HalfMSE(_Squared):
    name = "half-mse"
    title = "half mean squared error, 1/(2N)"
    curvature = 1.0
    tex_scale = r"\frac{1}{2N}"
    tex_open = (r"\bigl(",)
    tex_close = (r"\bigr)", "^{2}")
    tex_outer_head = ("2",)
    words_g = "(yᵢ − ŷᵢ)"
    words_outer = "the square gives 2(yᵢ − ŷᵢ)"
    words_loss = (
        "The loss: half the mean squared error, 1/(2N). The 1/2 is there to cancel the 2 "
        "that differentiating the square brings down."
    )
    words_grad_w = (
        "The 2 cancels the 1/2: ∂L/∂w = −(1/N) Σ xᵢ (yᵢ − ŷᵢ){penalty}, the residuals "
        "weighted by xᵢ. Points far out in x pull hardest on the slope."
    )
    words_grad_b = (
        "∂L/∂b = −(1/N) Σ (yᵢ − ŷᵢ): minus the average residual. When the line sits too "
        "low on average this is negative, and the update raises b."
    )


class MAE(Loss):
    name = "mae"
    title = "mean absolute error"
    curvature = 0.0
    tex_open = (r"\bigl|",)
    tex_close = (r"\bigr|",)
    tex_outer_head = (r"\operatorname{sign}",)
    tex_g_head = (r"\operatorname{sign}",)
    tex_outer = ((r"\frac{d}{de}\,|e| = \operatorname{sign}(e) \in \{-1,\, 0,\, 1\}",),)
    words_g = "sign(yᵢ − ŷᵢ)"
    words_outer = "|·| gives sign(yᵢ − ŷᵢ)"
    words_loss = (
        "The loss: the mean absolute error, the average size of the residuals. A large miss "
        "counts in proportion, not squared, so outliers pull less."
    )
    words_outer_rule = (
        "The derivative of |e| is its sign, +1 or −1; at exactly 0 the trainer takes 0. "
        "So every point pulls equally hard, whatever its distance."
    )
    words_grad_w = (
        "Gather the constants: ∂L/∂w = −(1/N) Σ xᵢ sign(yᵢ − ŷᵢ){penalty}. Each point "
        "votes with its xᵢ, up or down, however large its miss."
    )
    words_grad_b = (
        "∂L/∂b = −(1/N) Σ sign(yᵢ − ŷᵢ): points below the line minus points above, over N. "
        "It is zero when the line splits the data in half."
    )

    def phi(self, r: FloatArray) -> FloatArray:
        return np.abs(r)

    def dphi(self, r: FloatArray) -> FloatArray:
        return np.sign(r)


class Huber(Loss):
    name = "huber"
    title = "Huber loss"
    curvature = 1.0
    tex_open = (r"H_\delta", r"\bigl(")
    tex_close = (r"\bigr)",)
    tex_outer_head = (r"H_\delta'",)
    tex_g_head = (r"H_\delta'",)
    tex_outer = (
        (
            r"H_\delta(e) = \begin{cases} \tfrac{1}{2} e^{2} & |e| \le \delta \\"
            r" \delta\,\bigl(|e| - \tfrac{1}{2}\delta\bigr) & |e| > \delta \end{cases}",
            r",\quad",
            (r"\delta = $delta", "num"),
        ),
        (
            r"H_\delta'(e) = \operatorname{clip}(e,\, -\delta,\, \delta)",
            r",\quad",
            (r"\delta = $delta", "num"),
        ),
    )
    words_g = "H′(yᵢ − ŷᵢ)"
    words_outer = "H gives H′(yᵢ − ŷᵢ)"
    words_loss = (
        "The loss: the Huber loss H with δ = {delta}, quadratic for residuals up to δ and linear "
        "beyond, so a far-off point pulls with a capped force."
    )
    words_outer_rule = (
        "Huber's derivative is the residual clipped to [−δ, δ]: a point's pull grows with "
        "its miss up to δ = {delta}, then stays there."
    )
    words_grad_w = (
        "Gather the constants: ∂L/∂w = −(1/N) Σ xᵢ H′(yᵢ − ŷᵢ){penalty}: squared-error "
        "pulls for small misses, capped at δ for large ones."
    )
    words_grad_b = (
        "∂L/∂b = −(1/N) Σ H′(yᵢ − ŷᵢ): minus the average clipped residual. When the "
        "line sits too low it is negative, and the update raises b."
    )

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

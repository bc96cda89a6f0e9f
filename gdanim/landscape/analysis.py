"""The loss bowl over (w, b): its optimum, its curvature and the critical learning rates.

Critical learning rates
-----------------------
On a quadratic bowl with Hessian ``H`` (largest eigenvalue ``lambda_max``), a fixed-rate
method is stable below:

========== ====================================== =============================================
optimizer  critical rate                          why
========== ====================================== =============================================
gd         ``2 / lambda_max``                     each eigen-direction scales by ``1 - lr*lam``
momentum   ``2 (1 + beta) / lambda_max``          heavy-ball characteristic roots inside the disc
nesterov   ``2 (1 + beta) / ((1 + 2 beta) lam)``  the same for the look-ahead gradient
sgd        ``2 / (c * max_i (x_i^2 + 1))``        the stiffest single point must not blow up
minibatch  ``2 / (c * mean of the B largest)``    a bound for the stiffest batch of B points
adam       none                                   steps are about ``lr`` per coordinate
========== ====================================== =============================================

``c`` is the loss's curvature (2 for mse, 1 for half-mse). With ``d`` features the bowl is over
``(w1, ..., wd, b)``, ``x_i^2`` is ``|x_i|^2`` and everything else reads the same; the optimum,
the eigenvalues and the condition number are of that ``(d + 1)``-dimensional bowl. Huber has
the same curvature as half-mse near the fit but bounded gradients far from it, and mae has no
curvature: for them the rate above which steps overshoot is reported, but a run cannot blow
up, only oscillate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..datasets import Dataset
from ..datasets.conditioning import design
from ..losses import Loss
from ..optimizers import OPTIMIZERS

FloatArray = NDArray[np.float64]

# Regimes as multiples of the critical rate: crawling, brisk without overshoot, diverging.
SMALL_FRACTION = 0.05
RIGHT_FRACTION = 0.5
LARGE_FACTOR = 1.15
#: Each regime's share of the critical rate.
REGIME_FRACTIONS = {"small": SMALL_FRACTION, "right": RIGHT_FRACTION, "large": LARGE_FACTOR}
# On standardised x the bowl is round: half the critical rate lands on the optimum in one
# update and a twentieth of it in a few dozen, so neither looks like what it is named. A
# tenth takes visible steps (each shrinks the gap by a fifth); a two-hundredth crawls.
ROUND_SMALL_FRACTION = 0.005
ROUND_RIGHT_FRACTION = 0.1
#: Significant digits of a chosen rate: it is written the same on screen and in the formulas.
RATE_DIGITS = 3


def round_rate(lr: float) -> float:
    """A chosen rate at :data:`RATE_DIGITS` significant digits (``0.172715`` -> ``0.173``)."""
    return float(f"{lr:.{RATE_DIGITS}g}")


def hessian(x: FloatArray, loss: Loss) -> FloatArray:
    """The Hessian of ``loss`` (or its curvature bound, for huber and mae), L2 included."""
    h = loss.curvature * design(x)
    d = h.shape[0] - 1
    h[range(d), range(d)] += loss.l2
    return h


def optimum(x: FloatArray, y: FloatArray, loss: Loss) -> tuple[float, float]:
    """The minimiser ``(w, b)``: closed form for the squared losses, IRLS for the others."""
    n = x.size
    xm, ym = float(np.mean(x)), float(np.mean(y))
    xc = x - xm
    sxx = float(np.dot(xc, xc)) / n
    sxy = float(np.dot(xc, y - ym)) / n
    if loss.quadratic:
        # Ridge on w only: (c sxx + l2) w = c sxy, intercept from the means.
        w = loss.curvature * sxy / (loss.curvature * sxx + loss.l2)
        return w, ym - w * xm
    # Iteratively reweighted least squares from the least-squares fit; for mae it converges
    # to a least-absolute-deviations line, for huber to its exact minimiser.
    w = sxy / sxx
    b = ym - w * xm
    for _ in range(200):
        r = w * x + b - y
        a = np.abs(r)
        if loss.name == "huber":
            wt = np.where(a <= loss.delta, 1.0, loss.delta / np.maximum(a, 1e-300))
        else:
            wt = 1.0 / np.maximum(a, 1e-9 * (1.0 + float(np.std(y))))
        sw = float(wt.sum())
        mx = float(np.dot(wt, x)) / sw
        my = float(np.dot(wt, y)) / sw
        dx = x - mx
        a11 = float(np.dot(wt, dx * dx)) / sw
        # Stationarity: (1/n) sum wt_i r_i x_i + l2 w = 0, so the ridge term scales by n/sw.
        reg = loss.l2 * n / sw
        w_new = float(np.dot(wt, dx * (y - my))) / sw / (a11 + reg)
        b_new = my - w_new * mx
        if abs(w_new - w) <= 1e-13 * (1 + abs(w)) and abs(b_new - b) <= 1e-13 * (1 + abs(b)):
            w, b = w_new, b_new
            break
        w, b = w_new, b_new
    return w, b


def optimum_features(x: FloatArray, y: FloatArray, loss: Loss) -> tuple[float, ...]:
    """The minimiser ``(w1, ..., wd, b)`` for ``d`` features (``x`` of shape ``(N, d)``): the
    normal equations for the squared losses, IRLS for the others."""
    n, d = x.shape
    xm, ym = x.mean(axis=0), float(np.mean(y))
    xc, yc = x - xm, y - ym
    sxx = xc.T @ xc / n
    sxy = xc.T @ yc / n
    if loss.quadratic:
        c = loss.curvature
        w = np.linalg.solve(c * sxx + loss.l2 * np.eye(d), c * sxy)
        return (*(float(v) for v in w), ym - float(w @ xm))
    w = np.linalg.solve(sxx, sxy)
    b = ym - float(w @ xm)
    for _ in range(200):
        a = np.abs(x @ w + b - y)
        if loss.name == "huber":
            wt = np.where(a <= loss.delta, 1.0, loss.delta / np.maximum(a, 1e-300))
        else:
            wt = 1.0 / np.maximum(a, 1e-9 * (1.0 + float(np.std(y))))
        sw = float(wt.sum())
        mx = wt @ x / sw
        my = float(wt @ y) / sw
        dx = x - mx
        a11 = (dx * wt[:, None]).T @ dx / sw
        reg = loss.l2 * n / sw
        w_new = np.linalg.solve(a11 + reg * np.eye(d), (dx * wt[:, None]).T @ (y - my) / sw)
        b_new = my - float(w_new @ mx)
        done = np.all(np.abs(w_new - w) <= 1e-13 * (1 + np.abs(w))) and abs(b_new - b) <= 1e-13 * (
            1 + abs(b)
        )
        w, b = w_new, b_new
        if done:
            break
    return (*(float(v) for v in w), b)


@dataclass(frozen=True)
class Analysis:
    """What the data and loss say about learning rates.

    ``hessian`` and ``eigenvalues`` are in the optimizer's coordinates (standardised x when
    ``normalize``); ``optimum`` is in data units: ``(w, b)``, or ``(w1, ..., wd, b)`` with
    ``d`` features. ``eigenvalues`` ascend, ``d + 1`` of them.
    """

    optimum: tuple[float, ...]
    optimum_loss: float
    hessian: FloatArray
    eigenvalues: tuple[float, ...]
    condition_number: float
    lr_critical: float | None
    lr_fastest: float | None
    lr_regimes: dict[str, float]
    rule: str
    can_diverge: bool
    notes: list[str] = field(default_factory=list)

    @property
    def weights(self) -> tuple[float, ...]:
        """The optimum's weights: ``(w,)``, or ``(w1, ..., wd)``."""
        return self.optimum[:-1]

    @property
    def valley_ratio(self) -> float:
        """How many times longer than wide the bowl's level sets are: the square root of the
        condition number (each axis of a level set goes as ``1 / sqrt(eigenvalue)``)."""
        return float(np.sqrt(self.condition_number))

    def to_dict(self) -> dict[str, Any]:
        w: Any = self.optimum[0] if len(self.optimum) == 2 else list(self.weights)
        return {
            "optimum": {"w": w, "b": self.optimum[-1], "loss": self.optimum_loss},
            "hessian": self.hessian.tolist(),
            "eigenvalues": list(self.eigenvalues),
            "condition_number": self.condition_number,
            "lr_critical": self.lr_critical,
            "lr_fastest": self.lr_fastest,
            "lr_regimes": self.lr_regimes,
            "rule": self.rule,
            "can_diverge": self.can_diverge,
            "notes": self.notes,
        }


def standardize(x: FloatArray) -> tuple[FloatArray, float, float]:
    """``((x - mean) / std, mean, std)``."""
    mu = float(np.mean(x))
    sd = float(np.std(x))
    return (x - mu) / sd, mu, sd


def standardize_features(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each feature (column of ``x``) standardised: ``((x - mean) / std, mean, std)``."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    return (x - mu) / sd, mu, sd


def scaled(x: FloatArray) -> FloatArray:
    """``x`` standardised: the feature, or each feature."""
    return standardize_features(x)[0] if x.ndim == 2 else standardize(x)[0]


def analyze(
    dataset: Dataset,
    loss: Loss,
    optimizer: str = "gd",
    *,
    momentum: float = 0.9,
    batch_size: int = 16,
    normalize: bool = False,
    init: tuple[float, ...] | None = None,
) -> Analysis:
    """Optimum, curvature and learning-rate regimes of ``loss`` on ``dataset``."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    x = scaled(dataset.x) if normalize else dataset.x
    h = hessian(x, loss)
    lam = np.linalg.eigvalsh(h)
    lam_min, lam_max = float(lam[0]), float(lam[-1])
    cond = lam_max / lam_min if lam_min > 0 else float("inf")
    best_point: tuple[float, ...]
    if dataset.d > 1:
        best_point = optimum_features(dataset.x, dataset.y, loss)
        w_vec = np.array(best_point[:-1])
        best = float(loss.value_features(dataset.x, dataset.y, w_vec, best_point[-1]))
    else:
        w_star, b_star = optimum(dataset.x, dataset.y, loss)
        best_point = (w_star, b_star)
        best = float(loss.value(dataset.x, dataset.y, w_star, b_star))
    c = loss.curvature
    notes: list[str] = []
    beta = momentum

    method = OPTIMIZERS[optimizer]

    def stiffest(k: int) -> float:
        """The mean curvature of the ``k`` stiffest points."""
        sq = (x * x).sum(axis=1) if x.ndim == 2 else x * x
        per_point = c * (sq + 1.0) + loss.l2
        k = max(1, min(k, per_point.size))
        return float(np.mean(np.sort(per_point)[-k:]))

    crit = None if c == 0 else method.critical_rate(lam_max, beta, stiffest, batch_size)
    rule = method.rule
    can_diverge = crit is not None and loss.quadratic
    if c == 0:
        rule = "none: mae has no curvature, so a fixed rate oscillates but never blows up"
    elif not loss.quadratic and crit is not None:
        notes.append(
            "huber's gradient is bounded far from the fit: above lr_critical it overshoots "
            "and oscillates, it cannot blow up"
        )

    fastest = method.fastest_rate(lam_min, lam_max) if crit is not None else None
    if crit is not None:
        small, right = (
            (ROUND_SMALL_FRACTION, ROUND_RIGHT_FRACTION)
            if normalize
            else (SMALL_FRACTION, RIGHT_FRACTION)
        )
        regimes = {
            "small": round_rate(small * crit),
            "right": round_rate(right * crit),
            "large": round_rate(LARGE_FACTOR * crit),
        }
    else:
        regimes = _scale_regimes(dataset, loss, optimizer, normalize, init, best_point)
        notes.append("no critical rate: regimes are scaled to reach the optimum in ~60 steps")
    if method.batch != "full":
        notes.append("stochastic: the critical rate is a worst-case bound over points/batches")
    return Analysis(
        optimum=best_point,
        optimum_loss=best,
        hessian=h,
        eigenvalues=tuple(float(v) for v in lam),
        condition_number=cond,
        lr_critical=crit,
        lr_fastest=fastest,
        lr_regimes=regimes,
        rule=rule,
        can_diverge=can_diverge,
        notes=notes,
    )


def _scale_regimes(
    dataset: Dataset,
    loss: Loss,
    optimizer: str,
    normalize: bool,
    init: tuple[float, ...] | None,
    best: tuple[float, ...],
) -> dict[str, float]:
    """Rates from the distance to cover when there is no critical rate to scale by, in the
    optimizer's coordinates, for any number of features (one feature's arithmetic as it
    always was, so its rates are unchanged)."""
    d = dataset.d
    x = dataset.x
    if d == 1:
        w0, b0 = init if init is not None else (0.0, float(np.mean(dataset.y)))
        start, goal = np.array([w0, b0]), np.array(best)
        if normalize:
            x, mu, sd = standardize(x)
            start = np.array([w0 * sd, b0 + w0 * mu])
            goal = np.array([best[0] * sd, best[1] + best[0] * mu])
    else:
        start = np.array(init if init is not None and len(init) == d + 1 else dataset.init, float)
        goal = np.array(best, dtype=np.float64)
        if normalize:
            x, mus, sds = standardize_features(x)
            start = np.append(start[:d] * sds, start[d] + start[:d] @ mus)
            goal = np.append(goal[:d] * sds, goal[d] + goal[:d] @ mus)
    delta = np.abs(goal - start)
    if optimizer == "adam":
        right = float(max(delta.max(), 1e-3)) / 60.0
    else:
        if d == 1:
            g = float(np.hypot(*loss.grad(x, dataset.y, float(start[0]), float(start[1]))))
            distance = float(np.hypot(*delta))
        else:
            gw, gb = loss.grad_features(x, dataset.y, start[:d], float(start[d]))
            g = float(np.sqrt(gw @ gw + gb * gb))
            distance = float(np.linalg.norm(delta))
        right = distance / (60.0 * max(g, 1e-12))
        right = right if right > 0 else 1e-3
    rates = {"small": right / 10.0, "right": right, "large": right * 8.0}
    return {k: round_rate(v) for k, v in rates.items()}

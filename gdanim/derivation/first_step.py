"""The numbers of a run's first update, recomputed from the data and checked against the
recorded gradient."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..trajectory import Trajectory
from .tex import CONSISTENT_RTOL, tidy

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class FirstStep:
    """A run's start and first update, in the coordinates its optimizer stepped.

    Every value named after the trajectory (``dw``, ``db``, ``w1``, ``b1``, ``lr``, losses) is
    read from it; only ``sum_g`` and ``sum_xg`` are computed, from the data at ``(w0, b0)``.

    Attributes
    ----------
    n
        Number of points.
    k, l2
        The loss's factor (2 for mse, else 1) and the L2 coefficient.
    w0, b0, dw, db
        Start and the full-data gradient there (``traj.dw[0]``, ``traj.db[0]``).
    sum_g, sum_xg
        ``sum g(e_i)`` and ``sum x_i g(e_i)`` at the start, residual ``e_i = y_i - y_hat_i``.
    consistent
        The sums give back ``dw`` and ``db``.
    w1, b1
        After the first update, or ``None`` when the run has none.
    standardised, x_mean, x_std
        x was standardised to ``(x - x_mean) / x_std``; ``w``, ``b`` above are for it.
    w1_data, b1_data
        The line after the first update in data units.
    """

    n: int
    k: int
    l2: float
    lr: float
    optimizer: str
    batch: str
    batch_size: int
    hyper: dict[str, float]
    w0: float
    b0: float
    dw: float
    db: float
    sum_g: float
    sum_xg: float
    consistent: bool
    loss0: float | None
    w1: float | None
    b1: float | None
    loss1: float | None
    standardised: bool
    x_mean: float
    x_std: float
    w1_data: float | None
    b1_data: float | None
    n_updates: int
    diverged_at: int | None
    w_last: float
    b_last: float
    n_above: int = 0
    n_below: int = 0
    n_clipped: int = 0

    @property
    def has_update(self) -> bool:
        return self.w1 is not None and self.b1 is not None

    @property
    def step_w(self) -> float:
        """``w1 - w0`` as recorded."""
        assert self.w1 is not None
        return self.w1 - self.w0

    @property
    def step_b(self) -> float:
        assert self.b1 is not None
        return self.b1 - self.b0

    @property
    def batch_dw(self) -> float:
        """The gradient a plain step with ``w1`` used: ``-(w1 - w0) / lr``."""
        return -self.step_w / self.lr

    @property
    def batch_db(self) -> float:
        return -self.step_b / self.lr


def outer_derivative(name: str, e: FloatArray, delta: float = 1.0) -> FloatArray:
    """``g(e)``: the outer function's derivative at the residuals ``e = y - y_hat``."""
    if name in ("mse", "half-mse"):
        return e
    if name == "mae":
        return np.sign(e)
    if name == "huber":
        return np.clip(e, -delta, delta)
    raise ValueError(f"no derivation for loss {name!r}")


def first_step(
    x: FloatArray,
    y: FloatArray,
    traj: Trajectory,
    loss: str,
    optimizer: str,
    *,
    l2: float = 0.0,
    delta: float = 1.0,
    lr: float | None = None,
    batch_size: int = 16,
) -> FirstStep:
    """The start and first update of ``traj`` on data ``(x, y)``.

    ``lr`` is used only when the trajectory does not record its own.
    """
    from ..optimizers import OPTIMIZERS

    if traj.dw is None or traj.db is None:
        raise ValueError("the trajectory needs its gradients (Trajectory.complete)")
    standardised = traj.w_opt is not None and traj.b_opt is not None
    mu, sd = 0.0, 1.0
    if standardised:
        mu = float(traj.config.get("x_mean", np.mean(x)))
        sd = float(traj.config.get("x_std", np.std(x)))
        x = (x - mu) / sd
        w_opt, b_opt = traj.w_opt, traj.b_opt
    else:
        w_opt, b_opt = traj.w, traj.b
    assert w_opt is not None and b_opt is not None
    rate = traj.lr if traj.lr is not None else lr
    if rate is None:
        raise ValueError("the learning rate is not known")
    w0, b0 = float(w_opt[0]), float(b_opt[0])
    e = y - (w0 * x + b0)
    g = outer_derivative(loss, e, delta)
    k = 2 if loss == "mse" else 1
    n = int(x.size)
    dw, db = float(traj.dw[0]), float(traj.db[0])
    # Rounding noise of a sum is about eps times the sum of its terms' sizes.
    mag_g = float(np.sum(np.abs(g)))
    mag_xg = float(np.sum(np.abs(x * g)))
    scale_w = k / n * mag_xg + l2 * abs(w0)
    scale_b = k / n * mag_g
    sum_g = tidy(float(np.sum(g)), mag_g)
    sum_xg = tidy(float(np.sum(x * g)), mag_xg)
    consistent = abs(-k / n * sum_xg + l2 * w0 - dw) <= CONSISTENT_RTOL * (
        scale_w + abs(dw)
    ) and abs(-k / n * sum_g - db) <= CONSISTENT_RTOL * (scale_b + abs(db))
    dw, db = tidy(dw, scale_w), tidy(db, scale_b)
    has = traj.n_states > 1
    # How large the parameters after one step can be, for telling rounding noise from values.
    size_w = abs(w0) + rate * (scale_w + 1.0)
    size_b = abs(b0) + rate * (scale_b + 1.0)
    hyper = {
        key: float(traj.config[key])
        for key in ("momentum", "beta2", "eps")
        if isinstance(traj.config.get(key), (int, float))
    }
    cls = OPTIMIZERS.get(optimizer)
    batch = cls.batch if cls is not None else "full"
    size = {"full": n, "one": 1, "mini": min(int(batch_size), n)}[batch]
    if size == n:  # a batch of every point is the full data: the trainer steps with it
        batch = "full"
    return FirstStep(
        n=n,
        k=k,
        l2=float(l2),
        lr=float(rate),
        optimizer=optimizer,
        batch=batch,
        batch_size=size,
        hyper=hyper,
        w0=w0,
        b0=b0,
        dw=dw,
        db=db,
        sum_g=sum_g,
        sum_xg=sum_xg,
        consistent=consistent,
        loss0=float(traj.loss[0]) if traj.loss is not None else None,
        w1=tidy(float(w_opt[1]), size_w) if has else None,
        b1=tidy(float(b_opt[1]), size_b) if has else None,
        loss1=float(traj.loss[1]) if has and traj.loss is not None else None,
        standardised=standardised,
        x_mean=mu,
        x_std=sd,
        w1_data=tidy(float(traj.w[1]), size_w / sd) if has else None,
        b1_data=tidy(float(traj.b[1]), size_b + size_w * abs(mu) / sd) if has else None,
        n_updates=traj.n_updates,
        diverged_at=traj.diverged_at,
        w_last=float(traj.w[-1]),
        b_last=float(traj.b[-1]),
        n_above=int(np.count_nonzero(e > 0)),
        n_below=int(np.count_nonzero(e < 0)),
        n_clipped=int(np.count_nonzero(np.abs(e) > delta)),
    )

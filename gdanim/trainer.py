"""The training loop: one optimizer, one loss, one dataset, every state recorded."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import numbers
from .config import TrainConfig
from .datasets import Dataset
from .datasets.conditioning import auto_epochs, moment_condition
from .landscape import ROUND_RIGHT_FRACTION, standardize
from .optimizers import OPTIMIZERS
from .trajectory import Trajectory

FloatArray = NDArray[np.float64]
# A run has diverged once its loss exceeds this multiple of the start (or is not finite).
DIVERGENCE_FACTOR = 1e6
#: The default rate on one's own standardised data, as a fraction of the critical rate: the
#: "right" regime of a round bowl.
STANDARDIZED_FRACTION = ROUND_RIGHT_FRACTION


def resolve(config: TrainConfig, dataset: Dataset) -> TrainConfig:
    """``config`` with every default filled in for ``dataset``, and ``lr`` a number."""
    loss = config.loss or dataset.loss
    init = config.init if config.init is not None else dataset.init
    normalize = config.standardizes(dataset)
    epochs = config.epochs
    if epochs is None:
        epochs = dataset.epochs
        if normalize and dataset.auto_standardize:
            epochs = auto_epochs(standardize(dataset.x)[0])
    lr = config.lr if config.lr is not None else dataset.lr
    if config.lr is None and config.optimizer == "adam" and not isinstance(lr, str):
        # A lesson's rate is gradient descent's: Adam steps about lr per coordinate, so
        # 0.01 would crawl towards an optimum a hundred units away. Its "right" regime is
        # scaled to the distance instead.
        lr = "right"
    cfg = config.replace(
        loss=loss,
        init=(float(init[0]), float(init[1])),
        epochs=epochs,
        normalize=normalize,
    )
    if config.lr is None and normalize and dataset.auto_standardize:
        # On standardised x the bowl is round: half the critical rate lands on the optimum
        # in one update, which shows no descent. The round bowl's "right" regime, a tenth of
        # it, takes visible steps, each shrinking the gap by a fifth.
        lr = cfg.analysis(dataset).lr_regimes["right"]
    if isinstance(lr, str):
        lr = cfg.analysis(dataset).lr_regimes[lr]
    return cfg.replace(lr=float(lr))


@dataclass(frozen=True)
class Standardization:
    """How and why x was standardised for a run, for notes, captions and the manifest."""

    auto: bool
    x_mean: float
    x_std: float
    condition_raw: float
    condition: float

    def text(self) -> str:
        """``x standardised: mean 68.3, sd 1.79; condition number 6.83e6 raw, now 1``."""
        f = numbers.fmt
        why = " (by default: raw x is too ill-conditioned)" if self.auto else ""
        return (
            f"x standardised{why}: mean {f(self.x_mean, 3)}, sd {f(self.x_std, 3)}; condition "
            f"number {f(self.condition_raw, 3)} raw, now {f(self.condition, 3)}"
        )

    def note(self) -> str:
        """What the user is told (stderr, the manifest) when x was standardised by default."""
        return f"{self.text()}; --no-normalize keeps raw x"

    def screen_text(self) -> str:
        """The scenes' subtitle line: ``x standardised: mean 68.3, sd 1.79 (... 6.83e6 → 1)``."""
        f = numbers.fmt
        return (
            f"x standardised: mean {f(self.x_mean, 3)}, sd {f(self.x_std, 3)}  "
            f"(condition number {f(self.condition_raw, 3)} → {f(self.condition, 3)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def standardization(dataset: Dataset, config: TrainConfig) -> Standardization | None:
    """What standardising x does for ``config`` on ``dataset``; ``None`` when it is raw."""
    if not config.standardizes(dataset):
        return None
    z, mu, sd = standardize(dataset.x)
    return Standardization(
        auto=config.normalize is None,
        x_mean=mu,
        x_std=sd,
        condition_raw=moment_condition(dataset.x),
        condition=moment_condition(z),
    )


def train(dataset: Dataset, config: TrainConfig | None = None) -> Trajectory:
    """Run ``config`` on ``dataset`` and record every state.

    Divergence is a result: training stops at the first update whose loss is not finite or
    exceeds :data:`DIVERGENCE_FACTOR` times the start, keeps every finite state up to it, and
    sets ``diverged_at``.
    """
    cfg = (config or TrainConfig()).resolve(dataset)
    assert cfg.init is not None and cfg.epochs is not None and isinstance(cfg.lr, float)
    loss = cfg.make_loss(dataset)
    x, y = dataset.x, dataset.y
    mu, sd = 0.0, 1.0
    if cfg.normalize:
        x, mu, sd = standardize(x)
        x.setflags(write=False)
    opt = OPTIMIZERS[cfg.optimizer](lr=cfg.lr, momentum=cfg.momentum)
    rng = np.random.default_rng(cfg.seed)
    n = x.size
    batch = {"full": n, "one": 1, "mini": min(cfg.batch_size, n)}[opt.batch]

    w0, b0 = cfg.init
    theta = np.array([w0 * sd, b0 + w0 * mu])  # the same line in the optimizer's coordinates
    epochs = cfg.epochs
    thetas = np.empty((epochs + 1, 2))
    losses = np.empty(epochs + 1)
    grads = np.empty((epochs + 1, 2))

    def full(th: FloatArray) -> tuple[float, FloatArray]:
        value, gw, gb = loss.value_and_grad(x, y, float(th[0]), float(th[1]))
        return value, np.array([gw, gb])

    diverged_at: int | None = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        thetas[0] = theta
        losses[0], grads[0] = full(theta)
        limit = DIVERGENCE_FACTOR * max(losses[0], 1e-12 * (1.0 + float(np.var(y))))
        count = epochs + 1
        for k in range(1, epochs + 1):
            probe = opt.probe(theta)
            if batch == n:
                g = grads[k - 1] if probe is theta else full(probe)[1]
            else:
                if batch == 1:
                    idx = rng.integers(n, size=1)
                else:
                    idx = rng.choice(n, size=batch, replace=False)
                gw, gb = loss.grad(x[idx], y[idx], probe[0], probe[1])
                g = np.array([float(gw), float(gb)])
            theta = opt.step(theta, g)
            lk, gk = full(theta) if np.isfinite(theta).all() else (np.inf, g)
            if not np.isfinite(lk) or lk > limit or not np.isfinite(gk).all():
                diverged_at = k
                if np.isfinite(lk) and np.isfinite(gk).all() and np.isfinite(theta).all():
                    thetas[k], losses[k], grads[k] = theta, lk, gk
                    count = k + 1
                else:
                    count = k
                break
            thetas[k], losses[k], grads[k] = theta, lk, gk

    thetas, losses, grads = thetas[:count], losses[:count], grads[:count]
    w_data = thetas[:, 0] / sd
    b_data = thetas[:, 1] - thetas[:, 0] * mu / sd
    info = cfg.to_dict()
    info.update(opt.hyperparameters())
    if cfg.normalize:
        info["x_mean"], info["x_std"] = mu, sd
    return Trajectory(
        w=w_data,
        b=b_data,
        loss=losses,
        dw=grads[:, 0],
        db=grads[:, 1],
        w_opt=thetas[:, 0] if cfg.normalize else None,
        b_opt=thetas[:, 1] if cfg.normalize else None,
        diverged_at=diverged_at,
        config=info,
        dataset=dataset.describe(),
    )

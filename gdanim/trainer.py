"""The training loop: one optimizer, one loss, one dataset, every state recorded."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import numbers
from .config import TrainConfig
from .datasets import Dataset
from .datasets.conditioning import MAX_AUTO_EPOCHS, auto_epochs, moment_condition
from .errors import InputError
from .landscape import scaled, standardize, standardize_features
from .optimizers import OPTIMIZERS
from .trajectory import Trajectory

FloatArray = NDArray[np.float64]
# A run has diverged once its loss exceeds this multiple of the start (or is not finite).
DIVERGENCE_FACTOR = 1e6
#: The default rate on one's own standardised data, as a fraction of the critical rate.
STANDARDIZED_FRACTION = 0.1


def resolve(config: TrainConfig, dataset: Dataset) -> TrainConfig:
    """``config`` with every default filled in for ``dataset``, and ``lr`` a number."""
    loss = config.loss or dataset.loss
    init = config.init if config.init is not None else dataset.init
    if len(init) != dataset.d + 1:
        d = dataset.d
        want = "'W,B'" if d == 1 else f"'{','.join(f'W{j + 1}' for j in range(d))},B'"
        who = "one feature starts" if d == 1 else f"{d} features start"
        raise InputError(f"init: {len(init)} numbers, but {who} from {d + 1}: {want}")
    normalize = config.standardizes(dataset)
    epochs = config.epochs
    if epochs is None:
        epochs = dataset.epochs
        if normalize and dataset.auto_standardize:
            epochs = auto_epochs(scaled(dataset.x))
            if dataset.d > 1:
                # Correlated features leave a valley even after scaling: at a tenth of the
                # critical rate its floor shrinks by 1 - 0.2 / kappa per update.
                kappa = moment_condition(scaled(dataset.x))
                need = math.ceil(8.0 * kappa / (2.0 * STANDARDIZED_FRACTION))
                epochs = min(max(epochs, need), MAX_AUTO_EPOCHS)
    lr = config.lr if config.lr is not None else dataset.lr
    if config.lr is None and config.optimizer == "adam" and not isinstance(lr, str):
        # A lesson's rate is gradient descent's: Adam steps about lr per coordinate, so
        # 0.01 would crawl towards an optimum a hundred units away. Its "right" regime is
        # scaled to the distance instead.
        lr = "right"
    cfg = config.replace(
        loss=loss,
        init=tuple(float(v) for v in init),
        epochs=epochs,
        normalize=normalize,
    )
    if config.lr is None and normalize and dataset.auto_standardize:
        # On standardised x the bowl is round: half the critical rate lands on the optimum
        # in one update, which shows no descent. A tenth of it takes visible steps, each
        # shrinking the gap by a fifth, and converges in a few dozen updates.
        a = cfg.analysis(dataset)
        lr = STANDARDIZED_FRACTION * a.lr_critical if a.lr_critical else a.lr_regimes["right"]
    if isinstance(lr, str):
        lr = cfg.analysis(dataset).lr_regimes[lr]
    return cfg.replace(lr=float(lr))


@dataclass(frozen=True)
class Standardization:
    """How and why x was standardised for a run, for notes, captions and the manifest."""

    auto: bool
    x_mean: float | tuple[float, ...]
    x_std: float | tuple[float, ...]
    condition_raw: float
    condition: float
    #: With several features, their labels (``x_mean`` and ``x_std`` then hold one each).
    features: tuple[str, ...] = ()

    def _each(self) -> str:
        """``size: mean 1,500, sd 400; bedrooms: mean 3, sd 0.9``."""
        f = numbers.fmt
        assert isinstance(self.x_mean, tuple) and isinstance(self.x_std, tuple)
        return "; ".join(
            f"{name}: mean {f(m, 3)}, sd {f(s, 3)}"
            for name, m, s in zip(self.features, self.x_mean, self.x_std, strict=True)
        )

    def text(self) -> str:
        """``x standardised: mean 68.3, sd 1.79; condition number 6.83e6 raw, now 1``."""
        f = numbers.fmt
        if self.features:
            why = " (by default: raw features are too ill-conditioned)" if self.auto else ""
            return (
                f"features standardised{why}: {self._each()}; condition number "
                f"{f(self.condition_raw, 3)} raw, now {f(self.condition, 3)}"
            )
        why = " (by default: raw x is too ill-conditioned)" if self.auto else ""
        mu, sd = self.x_mean, self.x_std
        assert not isinstance(mu, tuple) and not isinstance(sd, tuple)
        return (
            f"x standardised{why}: mean {f(mu, 3)}, sd {f(sd, 3)}; condition "
            f"number {f(self.condition_raw, 3)} raw, now {f(self.condition, 3)}"
        )

    def note(self) -> str:
        """What the user is told (stderr, the manifest) when x was standardised by default."""
        return f"{self.text()}; --no-normalize keeps raw x"

    def screen_text(self) -> str:
        """The scenes' subtitle line: ``x standardised: mean 68.3, sd 1.79 (... 6.83e6 → 1)``."""
        f = numbers.fmt
        if self.features:
            return (
                f"features standardised (condition number {f(self.condition_raw, 3)} → "
                f"{f(self.condition, 3)})"
            )
        mu, sd = self.x_mean, self.x_std
        assert not isinstance(mu, tuple) and not isinstance(sd, tuple)
        return (
            f"x standardised: mean {f(mu, 3)}, sd {f(sd, 3)}  "
            f"(condition number {f(self.condition_raw, 3)} → {f(self.condition, 3)})"
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if not self.features:
            del out["features"]
        else:
            out["x_mean"], out["x_std"] = list(self.x_mean), list(self.x_std)  # type: ignore[arg-type]
            out["features"] = list(self.features)
        return out


def standardization(dataset: Dataset, config: TrainConfig) -> Standardization | None:
    """What standardising x does for ``config`` on ``dataset``; ``None`` when it is raw."""
    if not config.standardizes(dataset):
        return None
    if dataset.d > 1:
        zs, mus, sds = standardize_features(dataset.x)
        return Standardization(
            auto=config.normalize is None,
            x_mean=tuple(float(v) for v in mus),
            x_std=tuple(float(v) for v in sds),
            condition_raw=moment_condition(dataset.x),
            condition=moment_condition(zs),
            features=dataset.features,
        )
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
    if dataset.d > 1:
        return _train_features(dataset, cfg)
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


def _train_features(dataset: Dataset, cfg: TrainConfig) -> Trajectory:
    """:func:`train` with ``d >= 2`` features: ``theta = [w1, ..., wd, b]``, the same loop."""
    assert cfg.init is not None and cfg.epochs is not None and isinstance(cfg.lr, float)
    loss = cfg.make_loss(dataset)
    x, y = dataset.x, dataset.y
    d = dataset.d
    mu, sd = np.zeros(d), np.ones(d)
    if cfg.normalize:
        x, mu, sd = standardize_features(x)
        x.setflags(write=False)
    opt = OPTIMIZERS[cfg.optimizer](lr=cfg.lr, momentum=cfg.momentum)
    rng = np.random.default_rng(cfg.seed)
    n = y.size
    batch = {"full": n, "one": 1, "mini": min(cfg.batch_size, n)}[opt.batch]

    w0, b0 = np.array(cfg.init[:d]), float(cfg.init[d])
    theta = np.append(w0 * sd, b0 + float(w0 @ mu))  # the same plane in the optimizer's units
    epochs = cfg.epochs
    thetas = np.empty((epochs + 1, d + 1))
    losses = np.empty(epochs + 1)
    grads = np.empty((epochs + 1, d + 1))

    def full(th: FloatArray) -> tuple[float, FloatArray]:
        value, gw, gb = loss.value_and_grad_features(x, y, th[:d], float(th[d]))
        return value, np.append(gw, gb)

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
                gw, gb = loss.grad_features(x[idx], y[idx], probe[:d], float(probe[d]))
                g = np.append(gw, gb)
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
    w_data = thetas[:, :d] / sd
    b_data = thetas[:, d] - w_data @ mu
    info = cfg.to_dict()
    info.update(opt.hyperparameters())
    if cfg.normalize:
        info["x_mean"], info["x_std"] = [float(v) for v in mu], [float(v) for v in sd]
    return Trajectory(
        w=w_data,
        b=b_data,
        loss=losses,
        dw=grads[:, :d],
        db=grads[:, d],
        w_opt=thetas[:, :d] if cfg.normalize else None,
        b_opt=thetas[:, d] if cfg.normalize else None,
        diverged_at=diverged_at,
        config=info,
        dataset=dataset.describe(),
    )

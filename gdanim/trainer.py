"""The training loop: one optimizer, one loss, one dataset, every state recorded."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from . import numbers
from .datasets import Dataset
from .datasets.conditioning import moment_condition
from .errors import InputError
from .landscape import ROUND_RIGHT_FRACTION, standardize, standardize_features
from .optimizers import OPTIMIZERS
from .settings import RunSettings
from .trajectory import Trajectory

FloatArray = NDArray[np.float64]
# A run has diverged once its loss exceeds this multiple of the start (or is not finite).
DIVERGENCE_FACTOR = 1e6
#: The default rate on one's own standardised data, as a fraction of the critical rate: the
#: "right" regime of a round bowl.
STANDARDIZED_FRACTION = ROUND_RIGHT_FRACTION


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


def standardization(dataset: Dataset, normalize: bool, auto: bool) -> Standardization | None:
    """What standardising x does on ``dataset``; ``None`` when x stays raw.

    ``auto``: x is standardised because the raw problem needs it, not because it was asked.
    """
    if not normalize:
        return None
    if dataset.d > 1:
        zs, mus, sds = standardize_features(dataset.x)
        return Standardization(
            auto=auto,
            x_mean=tuple(float(v) for v in mus),
            x_std=tuple(float(v) for v in sds),
            condition_raw=moment_condition(dataset.x),
            condition=moment_condition(zs),
            features=dataset.features,
        )
    z, mu, sd = standardize(dataset.x)
    return Standardization(
        auto=auto,
        x_mean=mu,
        x_std=sd,
        condition_raw=moment_condition(dataset.x),
        condition=moment_condition(z),
    )


#: Seeds are taken modulo this (numpy's generators take non-negative integers).
SEED_SPAN = 2**128


class Resolvable(Protocol):
    """Options that settle into a run's settings on a dataset (a ``TrainConfig``)."""

    def resolve(self, dataset: Dataset) -> RunSettings: ...


def train(dataset: Dataset, settings: RunSettings | Resolvable) -> Trajectory:
    """Run ``settings`` on ``dataset`` and record every state.

    ``settings`` are resolved ones, or options (a ``TrainConfig``) resolved here for the data.
    One loop for any number of features ``d``: ``theta = [w1, ..., wd, b]`` in the
    optimizer's coordinates (standardised x when ``normalize``). With one feature the loss
    is taken through its one-feature methods and the coordinates converted as they always
    were, so its runs stay byte for byte what they were.

    Divergence is a result: training stops at the first update whose loss is not finite or
    exceeds :data:`DIVERGENCE_FACTOR` times the start, keeps every finite state up to it, and
    sets ``diverged_at``.
    """
    cfg = settings if isinstance(settings, RunSettings) else settings.resolve(dataset)
    loss = cfg.make_loss()
    x, y = dataset.x, dataset.y
    d = dataset.d
    one = d == 1
    mu: Any
    sd: Any
    if one:
        mu, sd = 0.0, 1.0
        if cfg.normalize:
            x, mu, sd = standardize(x)
    else:
        mu, sd = np.zeros(d), np.ones(d)
        if cfg.normalize:
            x, mu, sd = standardize_features(x)
    if cfg.normalize:
        x.setflags(write=False)
    opt = OPTIMIZERS[cfg.optimizer](lr=cfg.lr, momentum=cfg.momentum)
    # Any whole number seeds a run: numpy takes non-negative ones, and this keeps each of
    # those as it is.
    rng = np.random.default_rng(cfg.seed % SEED_SPAN)
    n = y.size
    batch = {"full": n, "one": 1, "mini": min(cfg.batch_size, n)}[opt.batch]

    if one:
        w0, b0 = cfg.init
        theta = np.array([w0 * sd, b0 + w0 * mu])  # the same line in the optimizer's units
    else:
        wv, b0 = np.array(cfg.init[:d]), float(cfg.init[d])
        theta = np.append(wv * sd, b0 + float(wv @ mu))  # the same plane, likewise
    epochs = cfg.epochs
    thetas = np.empty((epochs + 1, d + 1))
    losses = np.empty(epochs + 1)
    grads = np.empty((epochs + 1, d + 1))

    def grad(xs: FloatArray, ys: FloatArray, th: FloatArray) -> FloatArray:
        if one:
            gw, gb = loss.grad(xs, ys, th[0], th[1])
            return np.array([float(gw), float(gb)])
        gws, gbs = loss.grad_features(xs, ys, th[:d], float(th[d]))
        return np.append(gws, gbs)

    def full(th: FloatArray) -> tuple[float, FloatArray]:
        if one:
            value, gw, gb = loss.value_and_grad(x, y, float(th[0]), float(th[1]))
            return value, np.array([gw, gb])
        value, gws, gbs = loss.value_and_grad_features(x, y, th[:d], float(th[d]))
        return value, np.append(gws, gbs)

    diverged_at: int | None = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        thetas[0] = theta
        losses[0], grads[0] = full(theta)
        if not (np.isfinite(losses[0]) and np.isfinite(grads[0]).all()):
            start = f"({w0:.4g}, {b0:.4g})" if one else str(tuple(float(v) for v in cfg.init))
            raise InputError(
                f"init {start}: the loss there is too large to compute; start nearer the data"
            )
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
                g = grad(x[idx], y[idx], probe)
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
    info = cfg.to_dict()
    info.update(opt.hyperparameters())
    if one:
        w_data = thetas[:, 0] / sd
        b_data = thetas[:, 1] - thetas[:, 0] * mu / sd
        if cfg.normalize:
            info["x_mean"], info["x_std"] = mu, sd
    else:
        w_data = thetas[:, :d] / sd
        b_data = thetas[:, d] - w_data @ mu
        if cfg.normalize:
            info["x_mean"], info["x_std"] = [float(v) for v in mu], [float(v) for v in sd]
    return Trajectory(
        w=w_data,
        b=b_data,
        loss=losses,
        dw=grads[:, 0] if one else grads[:, :d],
        db=grads[:, d],
        w_opt=(thetas[:, 0] if one else thetas[:, :d]) if cfg.normalize else None,
        b_opt=thetas[:, d] if cfg.normalize else None,
        diverged_at=diverged_at,
        config=info,
        dataset=dataset.describe(),
    )

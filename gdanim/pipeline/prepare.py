"""From a render spec to what a scene draws, in numpy alone (no manim).

:func:`prepare` loads the data, trains (or loads) the runs, reads each run's outcome and frames
the landscape around them: :class:`SceneInputs`. A scene only draws what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import RenderSpec, TrainConfig
from ..config.names import REGIMES
from ..datasets import Dataset, get_dataset, load_table
from ..errors import InputError
from ..landscape import Analysis, Landscape, build_landscape
from ..outcome import Outcome, classify
from ..trainer import Standardization, standardization, train
from ..trajectory import Trajectory

if TYPE_CHECKING:
    from ..speech.narration import Narration


@dataclass(frozen=True)
class Run:
    """One trajectory, its rate, its label for the scene and what it did."""

    trajectory: Trajectory
    lr: float
    label: str
    outcome: Outcome


@dataclass(frozen=True)
class Surface:
    """A compared run's own loss surface: its configuration, analysis and framed landscape."""

    config: TrainConfig
    analysis: Analysis
    landscape: Landscape
    loss_name: str
    standardized: Standardization | None = None


@dataclass(frozen=True)
class Comparison:
    """What the compare scene varied and how its runs relate.

    ``shared``: the runs descend one loss surface (one map for all paths); otherwise each has
    its own (``surfaces``, one per run either way). ``own_rates``: no rate was given, so each
    run took its own safe rate.
    """

    key: str
    values: tuple[Any, ...]
    shared: bool
    surfaces: tuple[Surface, ...]
    own_rates: bool
    preset: str | None = None


@dataclass(frozen=True)
class SceneInputs:
    """Everything a scene draws: computed in numpy before manim starts."""

    spec: RenderSpec
    dataset: Dataset
    runs: tuple[Run, ...]
    analysis: Analysis
    landscape: Landscape
    loss_name: str
    config: TrainConfig
    standardized: Standardization | None = None
    comparison: Comparison | None = None
    #: A narrated render's beats and their speech (:mod:`gdanim.speech`), else ``None``.
    narration: Narration | None = None

    @property
    def trajectory(self) -> Trajectory:
        return self.runs[0].trajectory

    @property
    def outcome(self) -> Outcome:
        """What the first (or only) run did."""
        return self.runs[0].outcome

    @property
    def notes(self) -> tuple[str, ...]:
        """What the user should hear about the data: columns chosen, rows left out, x scaled."""
        out = list(self.dataset.notes)
        if self.standardized is not None and self.standardized.auto:
            out.append(self.standardized.note())
        return tuple(out)


def load_spec_data(spec: RenderSpec) -> Dataset:
    if spec.data_path:
        return load_table(
            spec.data_path, spec.x_col, spec.y_col, sheet=spec.sheet, missing=spec.missing
        )
    return get_dataset(spec.dataset or "campaign")


def _dataset_for_trajectory(spec: RenderSpec, traj: Trajectory) -> Dataset:
    if spec.data_path or spec.dataset:
        return load_spec_data(spec)
    name = traj.dataset.get("name")
    if isinstance(name, str) and traj.dataset.get("source", "built-in") == "built-in":
        try:
            return get_dataset(name)
        except InputError:
            pass
    raise InputError(
        f"{spec.trajectory_path}: says nothing of a built-in dataset; give --dataset or --data"
    )


def prepare(spec: RenderSpec, dataset: Dataset | None = None) -> SceneInputs:
    """Train (or load) the runs the scene needs and frame the landscape around them.

    ``dataset`` is data held in memory (a DataFrame's columns, arrays); without it the spec
    names the data.
    """
    if spec.vary is not None:
        return prepare_comparison(spec, dataset if dataset is not None else load_spec_data(spec))
    if spec.trajectory_path:
        traj = Trajectory.load(spec.trajectory_path)
        ds = dataset if dataset is not None else _dataset_for_trajectory(spec, traj)
        sha = traj.dataset.get("sha256")
        if isinstance(sha, str) and sha != ds.sha256:
            raise InputError(
                f"{spec.trajectory_path}: was recorded on other data than {ds.name!r} "
                "(its sha256 differs)"
            )
        recorded = traj.config
        cfg = TrainConfig(
            loss=str(recorded.get("loss") or spec.train.loss or ds.loss),
            optimizer=str(recorded.get("optimizer", spec.train.optimizer)),
            lr=traj.lr if traj.lr is not None else spec.train.lr,
            epochs=traj.n_updates,
            init=(float(traj.w[0]), float(traj.b[0])),
            l2=float(recorded.get("l2", spec.train.l2)),
            delta=float(recorded.get("delta", spec.train.delta)),
            momentum=float(recorded.get("momentum", spec.train.momentum)),
            normalize=bool(recorded.get("normalize", False)),
        ).resolve(ds)
        std = standardization(ds, cfg)
        loss = cfg.make_loss(ds)
        traj = traj.complete(
            lambda w, b: loss.value(ds.x, ds.y, w, b),
            lambda w, b: loss.grad(ds.x, ds.y, w, b),
        )
        runs: list[tuple[Trajectory, float, str]] = [(traj, float(cfg.lr or 0.0), "recorded")]
    else:
        ds = dataset if dataset is not None else load_spec_data(spec)
        std = standardization(ds, spec.train)
        cfg = spec.train.resolve(ds)
        rates: tuple[float | str, ...] = spec.lrs or (
            REGIMES if spec.scene == "learning-rates" else (cfg.lr or 0.0,)
        )
        if spec.scene == "learning-rates" and not spec.lrs and isinstance(spec.train.lr, float):
            # --lr without --lrs: the asked rate takes the middle lane, between small and large.
            rates = ("small", spec.train.lr, "large")
        runs = []
        for r in rates:
            c = cfg.replace(lr=r).resolve(ds)
            lr = float(c.lr or 0.0)
            label = r if isinstance(r, str) else f"{lr:.3g}"
            runs.append((train(ds, c), lr, label))
    loss = cfg.make_loss(ds)
    analysis = cfg.analysis(ds)
    landscape = build_landscape(ds, loss, [(t.w, t.b, t.loss, t.diverged) for t, _, _ in runs])
    done = tuple(
        Run(t, lr, label, classify(t, analysis.optimum_loss, ds.x)) for t, lr, label in runs
    )
    return SceneInputs(spec, ds, done, analysis, landscape, loss.name, cfg, std)


def safe_config(cfg: TrainConfig, dataset: Dataset, asked_rate: bool) -> TrainConfig:
    """``cfg`` resolved; without an asked rate, at a rate that is safe for this run.

    The lesson's rate stays where it is below the run's critical rate; above it the run takes
    its ``right`` regime (half the critical rate). On standardised x it takes a tenth of the
    critical rate, as one's own standardised data does, so the descent takes visible steps.
    """
    from ..trainer import STANDARDIZED_FRACTION

    out = cfg.resolve(dataset)
    if asked_rate:
        return out
    a = out.analysis(dataset)
    crit = a.lr_critical
    lr = float(out.lr or 0.0)
    if out.normalize and crit:
        lr = STANDARDIZED_FRACTION * crit
    elif crit and a.can_diverge and lr >= crit:
        lr = float(a.lr_regimes["right"])
    return out.replace(lr=lr)


def prepare_comparison(spec: RenderSpec, ds: Dataset) -> SceneInputs:
    """One run per varied value, everything else alike; a surface per run."""
    from ..config.vary import OWN_SURFACE, value_label

    assert spec.vary is not None
    key, values = spec.vary
    asked_rate = key == "lr" or spec.train.lr is not None
    shared = key not in OWN_SURFACE
    configs = [safe_config(spec.train.replace(**{key: v}), ds, asked_rate) for v in values]
    trajs = [train(ds, c) for c in configs]
    losses = [c.make_loss(ds) for c in configs]
    analyses = [c.analysis(ds) for c in configs]
    if shared:
        one = build_landscape(ds, losses[0], [(t.w, t.b, t.loss, t.diverged) for t in trajs])
        landscapes = [one] * len(trajs)
    else:
        landscapes = [
            build_landscape(ds, lo, [(t.w, t.b, t.loss, t.diverged)])
            for lo, t in zip(losses, trajs, strict=True)
        ]
    surfaces = tuple(
        Surface(c, a, la, lo.name, standardization(ds, spec.train.replace(**{key: v})))
        for c, a, la, lo, v in zip(configs, analyses, landscapes, losses, values, strict=True)
    )
    runs = tuple(
        Run(
            t,
            float(c.lr or 0.0),
            value_label(key, v, c.batch_size),
            classify(t, a.optimum_loss, ds.x),
        )
        for t, c, a, v in zip(trajs, configs, analyses, values, strict=True)
    )
    comparison = Comparison(key, tuple(values), shared, surfaces, not asked_rate, spec.preset)
    first = surfaces[0]
    return SceneInputs(
        spec, ds, runs, first.analysis, first.landscape, first.loss_name, first.config,
        first.standardized, comparison,
    )  # fmt: skip

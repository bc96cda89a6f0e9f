"""From a render spec to what a scene draws, in numpy alone (no manim).

:func:`prepare` loads the data, trains (or loads) the runs, reads each run's outcome and frames
the landscape around them: :class:`SceneInputs`. A scene only draws what it is given.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..config import TRAIN_KEYS, RenderSpec, TrainConfig
from ..config.names import REGIMES
from ..datasets import Dataset, get_dataset, load_table, standardized_data
from ..errors import InputError
from ..landscape import Analysis, Landscape, View, build_landscape, frame_view, round_rate
from ..landscape.analysis import REGIME_FRACTIONS
from ..outcome import Outcome, classify
from ..scenes.registry import SCENES, load
from ..settings import RunSettings
from ..trainer import Standardization, train
from ..trajectory import Trajectory, TrajectoryConfig

if TYPE_CHECKING:
    from ..speech.narration import Narration


@dataclass(frozen=True)
class Run:
    """One trajectory, its rate, its label for the scene and what it did.

    ``path``: on standardised x, the run in the coordinates the optimizer steps in (the
    slope and intercept on standardised x), where its bowl is round; the maps draw it.
    ``trajectory`` stays in data units, for the readouts and the fitted line.
    """

    trajectory: Trajectory
    lr: float
    label: str
    outcome: Outcome
    path: Trajectory | None = None

    @property
    def on_map(self) -> Trajectory:
        """The run as the contour maps draw it: the optimizer's coordinates where x is
        standardised, else data units."""
        return self.path if self.path is not None else self.trajectory


def optimizer_path(traj: Trajectory) -> Trajectory | None:
    """``traj`` in the optimizer's own coordinates, or ``None`` when x was not standardised."""
    if traj.w_opt is None or traj.b_opt is None:
        return None
    return Trajectory(
        w=traj.w_opt, b=traj.b_opt, loss=traj.loss, diverged_at=traj.diverged_at,
        config=traj.config, dataset=traj.dataset,
    )  # fmt: skip


#: The round map's half-width, in units of the farthest start's distance from the bottom.
ROUND_ROOM = 1.35


def map_landscape(
    ds: Dataset, std: Standardization | None, loss: Any, paths: list[Trajectory | None]
) -> Landscape | None:
    """The loss over the optimizer's coordinates, framed around ``paths``; ``None`` on raw x."""
    if std is None or not paths or any(p is None for p in paths):
        return None
    z = standardized_data(ds, std)
    tracks = [(p.w, p.b, p.loss, p.diverged) for p in paths if p is not None]
    # The bowl is round here: a view as tall as it is wide (in units) shows it round,
    # centred on the bottom with room around the farthest start for the first steps.
    from ..landscape import optimum

    cw, cb = optimum(z.x, z.y, loss)
    reach = max(max(abs(p[0][0] - cw), abs(p[1][0] - cb)) for p in tracks)
    v = frame_view(z, loss, tracks)
    half = max(ROUND_ROOM * reach, v.w_max - cw, cw - v.w_min, v.b_max - cb, cb - v.b_min)
    if not (math.isfinite(half) and half > 0):
        half = 1.0
    square = View(cw - half, cw + half, cb - half, cb + half)
    return build_landscape(z, loss, tracks, view=square)


@dataclass(frozen=True)
class Surface:
    """A compared run's own loss surface: its configuration, analysis and framed landscape."""

    config: RunSettings
    analysis: Analysis
    landscape: Landscape
    loss_name: str
    standardized: Standardization | None = None
    #: On standardised x: the loss over the optimizer's coordinates, where the runs are drawn.
    on_map: Landscape | None = None

    @property
    def map(self) -> Landscape:
        return self.on_map if self.on_map is not None else self.landscape


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
class ScalingSide:
    """One side of feature-scaling: a run on centred features, raw or standardised.

    ``analysis`` is of the centred problem in the run's own coordinates, ``landscape`` the
    loss over its two weights at the best intercept, ``path`` the weights it stepped through
    (``(n_states, 2)``, standardised units on the standardised side).
    """

    standardized: bool
    config: RunSettings
    analysis: Analysis
    landscape: Landscape
    path: NDArray[np.float64]
    #: The run's rate as a share of its critical rate (``None`` without one).
    fraction: float | None = None
    #: How the path went through the valley (:func:`valley_walk`).
    walk: ValleyWalk | None = None


@dataclass(frozen=True)
class ValleyWalk:
    """A run's path through a two-weight valley, along the bowl's own axes.

    ``crossings``: how many updates carried the weights across the valley's floor (the line
    through the minimum along the shallow axis) from one wall to the other. ``along``: the
    share of the way to the minimum covered along the floor, from the start to the last
    update (1 arrives, 0 has not moved). ``across``: the same across the valley.
    """

    crossings: int
    along: float
    across: float
    #: Plain gradient descent at ``lr``: the updates it needs to come 99.9% of the way along
    #: the floor from where it started (each shrinks the rest by ``lr`` times the shallow
    #: curvature); ``None`` for other optimizers or a rate that never arrives.
    to_arrive: float | None = None


def valley_walk(
    path: NDArray[np.float64], hessian: NDArray[np.float64], best: Any, lr: float | None = None
) -> ValleyWalk:
    """How ``path`` (``(n_states, 2)`` weights) moved in the valley of ``hessian`` (2 x 2, in
    the path's coordinates, the loss's own: the squared loss's ``E x xᵀ`` times its
    curvature) around the minimum ``best``; ``lr``: plain gradient descent's rate."""
    lam, vecs = np.linalg.eigh(hessian)
    to_arrive = None
    if lr is not None:
        shrink = abs(1.0 - lr * float(lam[0]))
        if 0.0 < shrink < 1.0:
            to_arrive = math.log(1e-3) / math.log(shrink)
    rel = np.asarray(path, dtype=np.float64) - np.asarray(best, dtype=np.float64)
    along, across = rel @ vecs[:, 0], rel @ vecs[:, 1]
    # A crossing counts while the walls are still apart by more than a hundredth of the
    # start's distance from the floor: below that the hop is not there to see.
    seen = np.abs(across) > 0.01 * max(abs(float(across[0])), 1e-300)
    sign = np.sign(across)
    flips = (sign[1:] * sign[:-1] < 0) & (seen[1:] | seen[:-1])

    def covered(c: NDArray[np.float64]) -> float:
        start = abs(float(c[0]))
        return 1.0 - abs(float(c[-1])) / start if start > 0 else 1.0

    return ValleyWalk(int(np.count_nonzero(flips)), covered(along), covered(across), to_arrive)


@dataclass(frozen=True)
class Scaling:
    """What feature-scaling shows: the same data, centred, raw beside standardised.

    ``rate``: the regime each run's rate was taken from (``"right"`` unless ``--lr`` names
    another).
    """

    raw: ScalingSide
    scaled: ScalingSide
    x_mean: tuple[float, ...]
    x_std: tuple[float, ...]
    rate: str


@dataclass(frozen=True)
class SceneInputs:
    """Everything a scene draws: computed in numpy before manim starts."""

    spec: RenderSpec
    dataset: Dataset
    runs: tuple[Run, ...]
    analysis: Analysis
    landscape: Landscape
    loss_name: str
    config: RunSettings
    standardized: Standardization | None = None
    comparison: Comparison | None = None
    scaling: Scaling | None = None
    #: On standardised x: the loss over the optimizer's coordinates (a round bowl), where
    #: the maps draw the runs (:attr:`Run.on_map`); ``landscape`` stays in data units.
    on_map: Landscape | None = None
    #: A narrated render's beats and their speech (:mod:`gdanim.speech`), else ``None``.
    narration: Narration | None = None

    @property
    def map(self) -> Landscape:
        """The landscape the contour maps show: the optimizer's where x is standardised."""
        return self.on_map if self.on_map is not None else self.landscape

    @property
    def scene(self) -> str:
        """The scene that draws these inputs: the spec's, but a pair of runs on raw and
        standardised features (:func:`prepare_scaling`, which compare varying ``normalize``
        on two features also makes) is feature-scaling's picture."""
        return SCALING_SCENE if self.scaling is not None else self.spec.scene

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
    """The data ``spec`` names: its file, its built-in dataset, else its scene's default."""
    if spec.data_path:
        return load_table(
            spec.data_path, spec.x_col, spec.y_col, sheet=spec.sheet, missing=spec.missing
        )
    return get_dataset(spec.dataset or SCENES[spec.scene].default_dataset)


_COUNTS = {2: "two", 3: "three"}


def check_features(
    spec: RenderSpec, ds: Dataset, most: int = 1, what: str = "", more: str = ""
) -> None:
    """A scene gets the number of features it draws (its registry entry's ``features``); a
    scene of one feature takes up to ``most`` (the derivation in vector form: two), named
    ``what`` in its error; ``more`` names another way to draw two features."""
    features = SCENES[spec.scene].features
    if features > 1:
        word = _COUNTS.get(features, str(features))
        if ds.d != features:
            have = "one feature" if ds.d == 1 else f"{ds.d} features"
            raise InputError(
                f"{spec.scene} draws {word} features; {ds.name!r} has {have} (choose {word} "
                f"columns with --x a,b, or --dataset {SCENES[spec.scene].default_dataset})"
            )
    elif most > 1:
        if ds.d > most:  # X_b is written out with one or two feature columns
            raise InputError(
                f"{what or spec.scene} writes one or two features; {ds.name!r} has "
                f"{ds.d} ({', '.join(ds.features)}): choose one or two columns with --x"
            )
    elif ds.d > 1:
        also = " or compare --vary normalize=false,true" if ds.d == 2 else ""
        if more and ds.d == 2:
            also = more
        pick = ", or choose one column with --x" if ds.source != "built-in" else ""
        raise InputError(
            f"{spec.scene} draws one feature; {ds.name!r} has {ds.d} "
            f"({', '.join(ds.features)}): render feature-scaling{also}{pick}"
        )


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
    """Train (or load) the runs the scene needs and frame the landscape around them: the
    scene's registry entry names the function that does (``prepare``).

    ``dataset`` is data held in memory (a DataFrame's columns, arrays); without it the spec
    names the data.
    """
    made: SceneInputs = load(SCENES[spec.scene].prepare)(spec, dataset)
    return made


def prepare_features(spec: RenderSpec, dataset: Dataset | None = None) -> SceneInputs:
    """feature-scaling: two runs on the same two features, raw and standardised."""
    if dataset is None and spec.trajectory_path:
        dataset = _dataset_for_trajectory(spec, Trajectory.load(spec.trajectory_path))
    ds = dataset if dataset is not None else load_spec_data(spec)
    check_features(spec, ds)
    return prepare_scaling(spec, ds)


def prepare_compare(spec: RenderSpec, dataset: Dataset | None = None) -> SceneInputs:
    """compare: one run per varied value; varying ``normalize`` on two features is
    feature-scaling's pair."""
    assert spec.vary is not None
    ds = dataset if dataset is not None else load_spec_data(spec)
    key, values = spec.vary
    if ds.d == 2 and key == "normalize" and set(values) == {False, True}:
        return prepare_scaling(spec, ds)
    check_features(spec, ds)
    return prepare_comparison(spec, ds)


def prepare_run(spec: RenderSpec, dataset: Dataset | None = None) -> SceneInputs:
    """One run at the spec's rate, or the run ``--trajectory`` recorded."""
    return prepare_runs(spec, dataset, lambda rate: (rate,))


def prepare_derivation(spec: RenderSpec, dataset: Dataset | None = None) -> SceneInputs:
    """The derivation's run: in vector form of one or two features and a squared loss (its
    gradient is ``X_bᵀ r``), else of one feature."""
    if spec.resolved_form == "vector":
        return prepare_runs(
            spec, dataset, lambda rate: (rate,), most=2, what="derivation --form vector",
            check_loss=check_vector_loss,
        )  # fmt: skip
    more = ", or the derivation with --form vector"
    return prepare_runs(spec, dataset, lambda rate: (rate,), more=more)


def prepare_rates(spec: RenderSpec, dataset: Dataset | None = None) -> SceneInputs:
    """learning-rates: a run per rate of ``lrs``; by default small, right and large, and
    ``--lr`` without ``--lrs`` takes the middle lane."""

    def rates(rate: float) -> tuple[float | str, ...]:
        if spec.lrs:
            return spec.lrs
        if isinstance(spec.train.lr, float):
            return ("small", spec.train.lr, "large")
        return REGIMES

    return prepare_runs(spec, dataset, rates)


def prepare_runs(
    spec: RenderSpec,
    dataset: Dataset | None,
    rates: Callable[[float], tuple[float | str, ...]],
    most: int = 1,
    what: str = "",
    more: str = "",
    check_loss: Callable[[str], None] | None = None,
) -> SceneInputs:
    """Runs at ``rates(the spec's resolved rate)`` (each a number or a regime's name),
    everything else alike, or the one run ``--trajectory`` recorded. ``most``, ``what`` and
    ``more``: the features the scene takes (:func:`check_features`); ``check_loss`` refuses
    a loss the scene cannot draw."""
    if spec.trajectory_path:
        traj = Trajectory.load(spec.trajectory_path)
        ds = dataset if dataset is not None else _dataset_for_trajectory(spec, traj)
        check_features(spec, ds, most, what, more)
        if traj.d > 1 or ds.d > 1:
            raise InputError(
                f"{spec.trajectory_path}: {spec.scene} draws recorded runs of one feature; "
                "a run on several features is trained here (leave out --trajectory)"
            )
        sha = traj.dataset.get("sha256")
        if isinstance(sha, str) and sha != ds.sha256:
            raise InputError(
                f"{spec.trajectory_path}: was recorded on other data than {ds.name!r} "
                "(its sha256 differs)"
            )
        # The run's own options where it recorded them (every option gdanim records), the
        # spec's where it did not (a run recorded by another tool).
        recorded = {k: v for k, v in traj.config.items() if k in TRAIN_KEYS and v is not None}
        options = spec.train.replace(
            **{
                **recorded,
                "lr": traj.lr if traj.lr is not None else spec.train.lr,
                "epochs": traj.n_updates,
                "init": (float(traj.w[0]), float(traj.b[0])),
                "normalize": bool(recorded.get("normalize", False)),
            }
        )
        cfg = options.resolve(ds)
        std = options.standardization(ds)
        loss = cfg.make_loss()
        traj = traj.complete(
            lambda w, b: loss.value(ds.x, ds.y, w, b),
            lambda w, b: loss.grad(ds.x, ds.y, w, b),
        )
        runs: list[tuple[Trajectory, float, str]] = [(traj, cfg.lr, "recorded")]
    else:
        ds = dataset if dataset is not None else load_spec_data(spec)
        check_features(spec, ds, most, what, more)
        std = spec.train.standardization(ds)
        cfg = spec.train.resolve(ds)
        runs = []
        for r in rates(cfg.lr):
            c = spec.train.replace(lr=r).resolve(ds)
            label = r if isinstance(r, str) else f"{c.lr:.3g}"
            runs.append((train(ds, c), c.lr, label))
    loss = cfg.make_loss()
    if check_loss is not None:
        check_loss(loss.name)
    analysis = cfg.analysis(ds)
    if ds.d > 1:
        return prepare_weights(spec, ds, runs, loss, analysis, cfg, std)
    landscape = build_landscape(ds, loss, [(t.w, t.b, t.loss, t.diverged) for t, _, _ in runs])
    done = tuple(
        Run(t, lr, label, classify(t, analysis.optimum_loss, ds.x), optimizer_path(t))
        for t, lr, label in runs
    )
    on_map = map_landscape(ds, std, loss, [r.path for r in done])
    return SceneInputs(spec, ds, done, analysis, landscape, loss.name, cfg, std, on_map=on_map)


def check_vector_loss(name: str) -> None:
    """The vector form derives the squared losses only (their gradient is ``X_bᵀ r``)."""
    from ..derivation.vector import VECTOR_LOSSES

    if name not in VECTOR_LOSSES:
        raise InputError(
            f"derivation --form vector writes the squared losses' gradient X_b^T r; {name} "
            "weighs each residual through its own derivative first: use --form scalar, or "
            "--loss mse or half-mse"
        )


def prepare_weights(
    spec: RenderSpec,
    ds: Dataset,
    runs: list[tuple[Trajectory, float, str]],
    loss: Any,
    analysis: Any,
    cfg: RunSettings,
    std: Standardization | None,
) -> SceneInputs:
    """A run on several features (the derivation's vector form): its landscape is the loss
    over the weights at the best intercept (centred x, where that intercept is the mean of
    y), in data units."""
    from ..landscape.plane import framed_part, weight_landscape

    x = np.asarray(ds.x, dtype=np.float64)
    tracks = [framed_part(np.asarray(t.w), t.loss, t.diverged) for t, _, _ in runs]
    landscape = weight_landscape(x - x.mean(axis=0), ds.y, loss, tracks)
    done = tuple(
        Run(t, lr, label, classify(t, analysis.optimum_loss, ds.x), optimizer_path(t))
        for t, lr, label in runs
    )
    return SceneInputs(spec, ds, done, analysis, landscape, loss.name, cfg, std)


def safe_config(cfg: TrainConfig, dataset: Dataset, asked_rate: bool) -> RunSettings:
    """``cfg`` resolved; without an asked rate, at a rate that is safe for this run.

    The lesson's rate stays where it is below the run's critical rate; above it the run takes
    its ``right`` regime (half the critical rate). On standardised x it takes a tenth of the
    critical rate, as one's own standardised data does, so the descent takes visible steps.
    """
    out = cfg.resolve(dataset)
    if asked_rate:
        return out
    a = out.analysis(dataset)
    crit = a.lr_critical
    lr = out.lr
    if out.normalize and crit:
        lr = float(a.lr_regimes["right"])  # a tenth of the critical rate: the round bowl's
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
    losses = [c.make_loss() for c in configs]
    analyses = [c.analysis(ds) for c in configs]
    if shared:
        one = build_landscape(ds, losses[0], [(t.w, t.b, t.loss, t.diverged) for t in trajs])
        landscapes = [one] * len(trajs)
    else:
        landscapes = [
            build_landscape(ds, lo, [(t.w, t.b, t.loss, t.diverged)])
            for lo, t in zip(losses, trajs, strict=True)
        ]
    stds = [spec.train.replace(**{key: v}).standardization(ds) for v in values]
    paths = [optimizer_path(t) for t in trajs]
    if shared:
        one_map = map_landscape(ds, stds[0], losses[0], paths)
        maps = [one_map] * len(trajs)
    else:
        maps = [
            map_landscape(ds, sd, lo, [p]) for sd, lo, p in zip(stds, losses, paths, strict=True)
        ]
    surfaces = tuple(
        Surface(c, a, la, lo.name, sd, m)
        for c, a, la, lo, sd, m in zip(
            configs, analyses, landscapes, losses, stds, maps, strict=True
        )
    )
    runs = tuple(
        Run(
            t,
            c.lr,
            value_label(key, v, c.to_dict()),
            classify(t, a.optimum_loss, ds.x),
            p,
        )
        for t, c, a, v, p in zip(trajs, configs, analyses, values, paths, strict=True)
    )
    comparison = Comparison(key, tuple(values), shared, surfaces, not asked_rate, spec.preset)
    first = surfaces[0]
    return SceneInputs(
        spec, ds, runs, first.analysis, first.landscape, first.loss_name, first.config,
        first.standardized, comparison, on_map=first.on_map,
    )  # fmt: skip


#: The scene that draws :func:`prepare_scaling`'s pair of runs.
SCALING_SCENE = "feature-scaling"
#: Updates of a feature-scaling run unless --epochs says otherwise: enough for the raw side's
#: bounce across the valley to fade and its crawl along the floor to show beyond it, and for
#: the standardised side to arrive.
SCALING_EPOCHS = 30
#: ... with another optimizer than plain gradient descent (momentum, adam, stochastic ones),
#: whose standardised runs take longer than 30 updates to arrive.
SCALING_EPOCHS_OTHER = 1000
#: By default the raw side steps at this share of its critical rate: near the fastest it can
#: go along the valley's floor, and its steps bounce from wall to wall, shrinking by a fifth
#: each (``|1 - 2 x 0.9| = 0.8`` along the steep axis). The standardised side takes half its
#: own, which lands on the floor in one step and walks along it.
RAW_FRACTION = 0.9


def recorded_features_run(spec: RenderSpec, ds: Dataset) -> Trajectory:
    """The two-feature run ``--trajectory`` names, checked against ``ds``, every state's loss
    and gradient completed (a run recorded by another tool may have only the weights)."""
    assert spec.trajectory_path
    traj = Trajectory.load(spec.trajectory_path)
    if np.ndim(traj.w) != 2 or np.shape(traj.w)[1] != 2:
        d = 1 if np.ndim(traj.w) == 1 else np.shape(traj.w)[1]
        raise InputError(
            f"{spec.trajectory_path}: records {d} feature{'s' if d > 1 else ''}; "
            f"{spec.scene} draws a run of two (record one with gdanim train --x a,b)"
        )
    sha = traj.dataset.get("sha256")
    if isinstance(sha, str) and sha != ds.sha256:
        raise InputError(
            f"{spec.trajectory_path}: was recorded on other data than {ds.name!r} "
            "(its sha256 differs)"
        )
    if traj.lr is None:
        raise InputError(f"{spec.trajectory_path}: records no learning rate")
    loss = spec.train.replace(
        **{k: v for k, v in traj.config.items() if k in ("loss", "l2", "delta") and v}
    ).make_loss(ds)
    return traj.complete(
        lambda w, b: loss.value_features(ds.x, ds.y, w, b),
        lambda w, b: tuple(
            np.array(v)
            for v in zip(
                *(
                    loss.grad_features(ds.x, ds.y, wi, float(bi))
                    for wi, bi in zip(w, b, strict=True)
                ),
                strict=True,
            )
        ),
    )


def prepare_scaling(spec: RenderSpec, ds: Dataset) -> SceneInputs:
    """Two runs on the same two features, centred: in raw units and standardised.

    Centring moves the best intercept to the mean of ``y`` for every pair of weights, so the
    runs, started there, descend exactly the loss over ``(w1, w2)`` that the scene draws;
    what differs is the scale alone. By default the raw run steps at :data:`RAW_FRACTION` of
    its critical rate and the standardised one at half its own; ``--lr`` naming a regime puts
    both at its share. With ``--trajectory`` the recorded two-feature run takes its side.
    """
    from ..landscape.plane import framed_part, weight_landscape

    base = spec.train
    recorded: Trajectory | None = None
    if spec.trajectory_path:
        recorded = recorded_features_run(spec, ds)
        # The run's own options; the other side trained with them, for as many updates.
        options = {k: v for k, v in recorded.config.items() if k in TRAIN_KEYS and v is not None}
        for key in ("lr", "init", "epochs", "normalize"):
            options.pop(key, None)
        base = base.replace(**options, lr=None, epochs=recorded.n_updates)
        base = base.replace(init=(*(float(v) for v in recorded.w[0]), float(recorded.b[0])))
    if isinstance(base.lr, float):
        raise InputError(
            f"{spec.scene} runs each side at its own rate: --lr takes small, right or large "
            "here (by default 0.9 of the raw side's critical rate and half the standardised one's)"
        )
    loss = base.make_loss(ds)
    if not loss.quadratic:
        why = (
            "mae has no curvature, so neither"
            if loss.curvature == 0
            else f"{loss.name}'s curvature changes with the fit and its best b is not the mean"
        )
        raise InputError(
            f"{spec.scene} draws a squared loss's bowl, its best b the mean of y, its condition "
            f"number and critical rate fixed: {why} (--loss mse or half-mse)"
        )
    mu = ds.x.mean(axis=0)
    sd = ds.x.std(axis=0)
    y_mean = float(np.mean(ds.y))
    init = base.init if base.init is not None else (0.0, 0.0, y_mean)
    if len(init) != 3:
        raise InputError(f"init: {len(init)} numbers, but 2 features start from 3: 'W1,W2,B'")
    centred = Dataset(
        ds.x - mu, ds.y, ds.name, x_labels=ds.features, y_label=ds.y_label,
        init=(init[0], init[1], init[2] + init[0] * mu[0] + init[1] * mu[1]),
        loss=loss.name, epochs=ds.epochs, source=ds.source,
    )  # fmt: skip
    epochs = base.epochs
    if epochs is None:
        epochs = SCALING_EPOCHS if base.optimizer == "gd" else SCALING_EPOCHS_OTHER
    sides: list[ScalingSide] = []
    runs: list[Run] = []
    rate = base.lr if isinstance(base.lr, str) else "right"
    for standardized in (False, True):
        # Both sides at the named regime's share of their own critical rate, so that scale
        # alone differs; by default the raw side near its critical rate, where the bounce
        # across the valley and the crawl along it show, the standardised one at half its own.
        share = REGIME_FRACTIONS[rate]
        if base.lr is None and not standardized:
            share = RAW_FRACTION
        cfg0 = base.replace(
            loss=loss.name, normalize=standardized, epochs=epochs, init=centred.init, lr="right"
        )
        a = cfg0.analysis(centred)
        crit = a.lr_critical
        lr = round_rate(share * crit) if crit is not None else a.lr_regimes[rate]
        if recorded is not None and standardized == bool(recorded.config.get("normalize")):
            # The recorded run on its side: the same planes, with x centred.
            assert recorded.lr is not None
            lr = recorded.lr
            cfg = cfg0.replace(lr=float(lr)).resolve(centred)
            t = replace(
                recorded,
                b=recorded.b + recorded.w @ mu,
                w_opt=recorded.w * sd if standardized else None,
            )
        else:
            cfg = cfg0.replace(lr=float(lr)).resolve(centred)
            t = train(centred, cfg)
        path = t.w_opt if standardized and t.w_opt is not None else t.w
        shown = framed_part(np.asarray(path), t.loss, t.diverged)
        on_map = a.optimum[:2]
        if standardized:
            on_map = tuple(float(v) for v in np.asarray(on_map) * sd)
        plain = float(lr) if cfg.optimizer == "gd" else None
        walk = valley_walk(np.asarray(path), a.hessian[:2, :2], on_map, plain)
        # A run that crawls far from the minimum is seen close up, its path alone framed:
        # framed with the minimum, its zig-zag would be one short stroke.
        close_up = not standardized and not t.diverged and walk.along < 0.5
        land = weight_landscape(
            centred.x / (sd if standardized else 1.0), ds.y, loss, [shown],
            reach_fraction=0.0 if close_up else 0.5, frame_optimum=not close_up,
        )  # fmt: skip
        info = dict(t.config)
        info["init"] = [float(v) for v in init]
        info["centred"] = True
        if standardized:
            info["x_mean"], info["x_std"] = [float(v) for v in mu], [float(v) for v in sd]
        config = TrajectoryConfig.from_dict(info)
        data_units = replace(t, b=t.b - t.w @ mu, config=config, dataset=ds.describe())
        fraction = float(lr) / crit if crit else None
        sides.append(ScalingSide(standardized, cfg, a, land, np.asarray(path), fraction, walk))
        label = "standardised" if standardized else "raw"
        if recorded is not None and standardized == bool(recorded.config.get("normalize")):
            label += " (recorded)"
        runs.append(Run(data_units, float(lr), label, classify(data_units, a.optimum_loss)))
    analysis = base.replace(normalize=False).analysis(ds)
    scaling = Scaling(
        sides[0], sides[1], tuple(float(v) for v in mu), tuple(float(v) for v in sd), rate
    )
    std = Standardization(
        auto=False, x_mean=scaling.x_mean, x_std=scaling.x_std,
        condition_raw=sides[0].analysis.condition_number,
        condition=sides[1].analysis.condition_number, features=ds.features,
    )  # fmt: skip
    return SceneInputs(
        spec, ds, tuple(runs), analysis, sides[0].landscape, loss.name, sides[0].config,
        std, None, scaling,
    )  # fmt: skip

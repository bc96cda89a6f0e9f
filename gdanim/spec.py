"""RenderSpec: everything a render depends on, and the numbers a scene draws from it.

A spec is plain data (no arrays, no manim). :func:`prepare` turns it into
:class:`SceneInputs` (dataset, trajectories, analysis, landscape) in numpy alone, so the scene
only draws. The spec's :meth:`~RenderSpec.key` hashes it together with the data's and the
trajectory file's contents and the versions, naming the cache entry and the manifest.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from . import __version__
from .datasets import MISSING_POLICIES, Dataset, get_dataset, load_table
from .errors import InputError
from .landscape import Analysis, Landscape, analyze, build_landscape
from .trainer import Standardization, TrainConfig, standardization, train
from .trajectory import Trajectory


@dataclass(frozen=True)
class SceneInfo:
    """A scene's registry entry: where its class lives and what it teaches."""

    module: str
    cls: str
    summary: str
    needs_latex: bool = False


SCENES: dict[str, SceneInfo] = {
    "hiker-bowl": SceneInfo(
        "scenes.hiker_bowl", "HikerBowl", "a hiker feels the slope and walks down the 3D loss bowl"
    ),
    "derivation": SceneInfo(
        "scenes.derivation",
        "Derivation",
        "the gradient derived step by step, then one update with this run's numbers",
        needs_latex=True,
    ),
    "descent-path": SceneInfo(
        "scenes.descent_path",
        "DescentPath",
        "the (w, b) path on the loss contours, the line fitting the data, the loss curve",
    ),
    "learning-rates": SceneInfo(
        "scenes.learning_rates",
        "LearningRates",
        "too small, just right, too large: the same start side by side",
    ),
}

#: ``--quality``: (short side in pixels, frames per second); 16:9 gives 854x480 for low.
QUALITIES: dict[str, tuple[int, int]] = {
    "low": (480, 15),
    "medium": (720, 30),
    "high": (1080, 60),
    "4k": (2160, 60),
}
ASPECTS: dict[str, tuple[int, int]] = {
    "16:9": (16, 9),
    "4:3": (4, 3),
    "1:1": (1, 1),
    "9:16": (9, 16),
}
FORMATS = ("mp4", "gif", "webm", "png")
THEMES = ("dark", "light")
#: Quality each format renders at unless told: GIFs are for slides, videos for lectures.
DEFAULT_QUALITY = {"mp4": "medium", "webm": "medium", "gif": "low", "png": "high"}
MAX_PIXELS = 7680 * 4320
#: GIF frame delays are whole centiseconds: only these rates play at their true speed.
GIF_RATES = (10, 20, 25, 50)


def _even(v: float) -> int:
    return max(2, round(v / 2.0) * 2)


def frame_size(quality: str, aspect: str) -> tuple[int, int]:
    """Pixel size for a quality and an aspect: the quality fixes the short side."""
    short, _ = QUALITIES[quality]
    aw, ah = ASPECTS[aspect]
    if aw >= ah:
        return _even(short * aw / ah), short
    return short, _even(short * ah / aw)


def parse_resolution(text: str) -> tuple[int, int]:
    """``"WxH"`` with even positive sizes, else :class:`InputError`."""
    parts = text.lower().replace(" ", "").split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        raise InputError(f"--resolution {text!r}: expected WIDTHxHEIGHT, e.g. 1280x720") from None
    if w <= 0 or h <= 0:
        raise InputError(f"--resolution {text!r}: sizes must be positive")
    if w % 2 or h % 2:
        raise InputError(f"--resolution {text!r}: width and height must be even (video codecs)")
    if w * h > MAX_PIXELS:
        raise InputError(f"--resolution {text!r}: larger than 8K")
    return w, h


@dataclass(frozen=True)
class RenderSpec:
    """What to render and how; ``None`` fields take defaults when resolved.

    Attributes
    ----------
    scene
        A key of :data:`SCENES`.
    dataset, data_path, x_col, y_col, sheet, missing
        A built-in dataset, or a table file, its columns, its sheet (spreadsheets) and what
        to do with rows missing a value (``"skip"`` or ``"error"``).
    train
        The training configuration.
    trajectory_path
        A recorded trajectory to draw instead of training.
    lrs
        The learning-rates scene's rates (numbers or regime names), 2 to 4 of them.
    quality, width, height, fps, aspect, theme, duration, format
        Output settings; ``duration`` is the seconds the descent takes on screen.
    """

    scene: str = "descent-path"
    dataset: str | None = None
    data_path: str | None = None
    x_col: str | None = None
    y_col: str | None = None
    sheet: str | None = None
    missing: str = "skip"
    train: TrainConfig = field(default_factory=TrainConfig)
    trajectory_path: str | None = None
    lrs: tuple[float | str, ...] | None = None
    quality: str | None = None
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    aspect: str = "16:9"
    theme: str = "dark"
    duration: float = 8.0
    format: str = "mp4"

    def __post_init__(self) -> None:
        if self.scene not in SCENES:
            raise InputError(f"unknown scene {self.scene!r} (known: {', '.join(sorted(SCENES))})")
        if self.format not in FORMATS:
            raise InputError(f"unknown format {self.format!r}")
        if self.theme not in THEMES:
            raise InputError(f"unknown theme {self.theme!r}")
        if self.aspect not in ASPECTS:
            raise InputError(f"unknown aspect {self.aspect!r}")
        if self.quality is not None and self.quality not in QUALITIES:
            raise InputError(f"unknown quality {self.quality!r}")
        if not (0.5 <= self.duration <= 600):
            raise InputError("--duration must be between 0.5 and 600 seconds")
        if self.fps is not None and not 1 <= self.fps <= 120:
            raise InputError("--fps must be between 1 and 120")
        if (self.width is None) != (self.height is None):
            raise InputError("give both width and height")
        sizes = [v for v in (self.width, self.height) if v is not None]
        if any(v <= 0 or v % 2 for v in sizes):
            raise InputError("width and height must be positive and even")
        if self.dataset and self.data_path:
            raise InputError("give --dataset or --data, not both")
        if self.missing not in MISSING_POLICIES:
            raise InputError(f"missing {self.missing!r}: skip or error")
        if self.lrs is not None and not 2 <= len(self.lrs) <= 4:
            raise InputError("--lrs takes 2 to 4 learning rates")

    # -- derived output settings
    @property
    def resolved_quality(self) -> str:
        return self.quality or DEFAULT_QUALITY[self.format]

    @property
    def pixel_size(self) -> tuple[int, int]:
        if self.width is not None and self.height is not None:
            return self.width, self.height
        return frame_size(self.resolved_quality, self.aspect)

    @property
    def frame_rate(self) -> int:
        """Frames per second; a GIF's is snapped to a rate its centisecond delays keep."""
        fps = self.fps or QUALITIES[self.resolved_quality][1]
        if self.format == "gif":
            return min(GIF_RATES, key=lambda r: (abs(r - fps), -r))
        return fps

    @property
    def frame_aspect(self) -> float:
        w, h = self.pixel_size
        return w / h

    # -- identity
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["train"] = self.train.to_dict()
        d["lrs"] = list(self.lrs) if self.lrs is not None else None
        d["pixel_size"] = list(self.pixel_size)
        d["frame_rate"] = self.frame_rate
        return d

    def key(self, content: dict[str, str] | None = None) -> str:
        """Hash of the spec, the input files' contents and the versions."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            manim_version = version("manim")
        except PackageNotFoundError:  # pragma: no cover - manim is a dependency
            manim_version = "?"
        blob = {
            "spec": self.to_dict(),
            "content": content or {},
            "gdanim": __version__,
            "code": code_digest(),
            "manim": manim_version,
        }
        text = json.dumps(blob, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def default_name(self) -> str:
        """A readable output path under ``media/``."""
        data = self.dataset or (
            os.path.splitext(os.path.basename(self.data_path))[0] if self.data_path else "campaign"
        )
        w, h = self.pixel_size
        parts = [self.scene, data]
        if self.theme != "dark":
            parts.append(self.theme)
        parts.append(f"{h}p{self.frame_rate}" if self.format != "png" else f"{w}x{h}")
        return os.path.join("media", "renders", "-".join(parts) + "." + self.format)


@functools.cache
def code_digest() -> str:
    """Hash of gdanim's and the scenes' source, so an edited scene is a new render."""
    import scenes

    h = hashlib.sha256()
    for package in (os.path.dirname(__file__), os.path.dirname(scenes.__file__)):
        for name in sorted(os.listdir(package)):
            if name.endswith(".py"):
                with open(os.path.join(package, name), "rb") as fh:
                    h.update(name.encode() + b"\0" + fh.read())
    return h.hexdigest()


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Run:
    """One trajectory with its label for the scene."""

    trajectory: Trajectory
    lr: float
    label: str


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

    @property
    def trajectory(self) -> Trajectory:
        return self.runs[0].trajectory

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
    if spec.x_col or spec.y_col or spec.sheet:
        raise InputError("--x, --y and --sheet choose columns of a --data file")
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


def prepare(spec: RenderSpec) -> SceneInputs:
    """Train (or load) the runs the scene needs and frame the landscape around them."""
    if spec.trajectory_path:
        if spec.lrs:
            raise InputError("--lrs trains its own runs; it does not go with --trajectory")
        traj = Trajectory.load(spec.trajectory_path)
        ds = _dataset_for_trajectory(spec, traj)
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
        runs: tuple[Run, ...] = (Run(traj, float(cfg.lr or 0.0), "recorded"),)
    else:
        ds = load_spec_data(spec)
        std = standardization(ds, spec.train)
        cfg = spec.train.resolve(ds)
        rates: tuple[float | str, ...] = spec.lrs or (
            ("small", "right", "large") if spec.scene == "learning-rates" else (cfg.lr or 0.0,)
        )
        if spec.scene == "learning-rates" and not spec.lrs and isinstance(spec.train.lr, float):
            # --lr without --lrs: the asked rate takes the middle lane, between small and large.
            rates = ("small", spec.train.lr, "large")
        runs_list = []
        for r in rates:
            c = replace(cfg, lr=r).resolve(ds)
            lr = float(c.lr)  # type: ignore[arg-type]
            label = r if isinstance(r, str) else f"{lr:.3g}"
            runs_list.append(Run(train(ds, c), lr, label))
        runs = tuple(runs_list)
    loss = cfg.make_loss(ds)
    analysis = analyze(
        ds,
        loss,
        cfg.optimizer,
        momentum=cfg.momentum,
        batch_size=cfg.batch_size,
        normalize=bool(cfg.normalize),
        init=cfg.init,
    )
    paths = [
        (r.trajectory.w, r.trajectory.b, r.trajectory.loss, r.trajectory.diverged) for r in runs
    ]
    landscape = build_landscape(ds, loss, paths)
    return SceneInputs(spec, ds, runs, analysis, landscape, loss.name, cfg, std)


def content_hashes(spec: RenderSpec) -> dict[str, str]:
    """Hashes of the files a spec reads, so an edited CSV is a new render."""
    out: dict[str, str] = {}
    for label, path in (("data", spec.data_path), ("trajectory", spec.trajectory_path)):
        if path:
            try:
                out[label] = file_sha256(path)
            except OSError:
                out[label] = "unreadable"
    return out

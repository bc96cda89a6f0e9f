"""A render's manifest (``PATH.json`` beside the file) read back as typed records.

:func:`build_manifest` writes it; :meth:`Manifest.from_dict` reads the
parts the lecture uses: the render's key, the data and the training its scene shows, and each
run's rate, length, end and verdict. A part that is missing reads as absent (``None``, zero or
empty), so a manifest that lacks one still reads.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import fileio
from ..errors import InputError
from ..media.captions import Cue
from ..version import __version__

if TYPE_CHECKING:
    from ..config import RenderSpec
    from .prepare import SceneInputs


def _weights(v: Any) -> float | tuple[float, ...]:
    return tuple(float(u) for u in v) if isinstance(v, list) else float(v)


@dataclass(frozen=True)
class RunRecord:
    """One run as the render recorded it.

    ``diverged_at`` is the update at which the run was stopped (``None`` when it was not);
    ``verdict`` is the outcome in words (``"converged in 1,234 updates"``); ``w``, ``b`` and
    ``loss`` are where the run ended (``w`` a tuple with several features).
    """

    label: str = ""
    lr: float = 0.0
    updates: int = 0
    diverged_at: int | None = None
    verdict: str = ""
    w: float | tuple[float, ...] = 0.0
    b: float = 0.0
    loss: float | None = None

    @classmethod
    def from_dict(cls, run: Mapping[str, Any]) -> RunRecord:
        """A run entry of the manifest's ``runs``."""
        final = run.get("final", {})
        loss = final.get("loss")
        return cls(
            label=str(run.get("label", "")),
            lr=float(run.get("lr") or 0.0),
            updates=int(run.get("updates", 0)),
            diverged_at=int(run["diverged_at"]) if run.get("diverged_at") else None,
            verdict=str((run.get("outcome") or {}).get("text") or ""),
            w=_weights(final.get("w", 0.0)),
            b=float(final.get("b", 0.0)),
            loss=float(loss) if loss is not None else None,
        )


@dataclass(frozen=True)
class Manifest:
    """What the lecture reads of a render's manifest.

    ``dataset_name`` and ``points`` name the data, ``loss`` and ``optimizer`` the training;
    ``beats`` the scene's beats as captioned (one cue per beat, empty for a render that
    recorded none); ``recorded`` is the manifest as written, from which
    :meth:`scene_records` copies.
    """

    key: str | None = None
    dataset_name: str | None = None
    points: int | None = None
    loss: str | None = None
    optimizer: str | None = None
    runs: tuple[RunRecord, ...] = ()
    beats: tuple[Cue, ...] = ()
    recorded: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Manifest:
        """The manifest of a render, as :func:`~gdanim.pipeline.render.render` returns it."""
        dataset = data.get("dataset") or {}
        config = data.get("config") or {}
        return cls(
            key=data.get("key"),
            dataset_name=dataset.get("name"),
            points=dataset.get("n"),
            loss=config.get("loss"),
            optimizer=config.get("optimizer"),
            runs=tuple(RunRecord.from_dict(run) for run in data.get("runs", [])),
            beats=tuple(
                Cue(float(b["start"]), float(b["end"]), str(b["text"]))
                for b in data.get("beats") or []
            ),
            recorded=data,
        )

    def scene_records(self) -> dict[str, Any]:
        """The records of the data, the training and the runs, as the render wrote them: the
        lecture's manifest repeats them for the scene."""
        return {key: self.recorded.get(key) for key in ("dataset", "config", "runs")}


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"gdanim": __version__, "python": platform.python_version()}
    for pkg in ("manim", "numpy", "imageio-ffmpeg"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def read_json(path: str) -> dict[str, Any] | None:
    """A JSON object from ``path``, or ``None`` when it is missing, unreadable or not one."""
    try:
        data = fileio.read_json(path, "a manifest")
    except InputError:
        return None
    return data if isinstance(data, dict) else None


def build_manifest(
    spec: RenderSpec,
    inputs: SceneInputs,
    key: str,
    path: str,
    size: int,
    seconds: float,
    beats: Sequence[Cue] = (),
) -> dict[str, Any]:
    """The manifest of a render; ``beats`` are the scene's beats as captioned (one cue each,
    before the captions are split to practice), which the decks cut the video at."""
    w, h = spec.pixel_size
    runs = []
    comp = inputs.comparison
    for i, r in enumerate(inputs.runs):
        t = r.trajectory
        verdict = r.outcome
        extra: dict[str, Any] = {}
        if comp is not None:
            value = comp.values[i]
            surface = comp.surfaces[i]
            extra = {
                "varied": comp.key,
                "value": list(value) if isinstance(value, tuple) else value,
                "lr_critical": surface.analysis.lr_critical,
                "optimum": list(surface.analysis.optimum),
                "optimum_loss": surface.analysis.optimum_loss,
            }
        runs.append(
            {
                **extra,
                "label": r.label,
                "lr": r.lr,
                "updates": t.n_updates,
                "diverged_at": t.diverged_at,
                "outcome": {"kind": verdict.kind, "update": verdict.update, "text": verdict.text},
                "final": {
                    "w": float(t.w[-1]) if t.d == 1 else [float(v) for v in t.w[-1]],
                    "b": float(t.b[-1]),
                    "loss": float(t.loss[-1]) if t.loss is not None else None,
                },
            }
        )
    out: dict[str, Any] = {
        "format": "gdanim-render",
        "version": 1,
        "key": key,
        "output": {
            "path": os.path.basename(path),
            "format": spec.format,
            "width": w,
            "height": h,
            "fps": spec.frame_rate,
            "bytes": size,
        },
        "spec": spec.to_dict(),
        "dataset": inputs.dataset.describe(),
        "config": inputs.config.to_dict(),
        "standardized": inputs.standardized.to_dict() if inputs.standardized else None,
        "notes": list(inputs.notes),
        "runs": runs,
        "analysis": {
            "lr_critical": inputs.analysis.lr_critical,
            "optimum": list(inputs.analysis.optimum),
        },
        "versions": versions(),
        "render_seconds": round(seconds, 3),
        "beats": [{"start": b.start, "end": b.end, "text": b.text} for b in beats],
    }
    if comp is not None:
        out["comparison"] = {
            "key": comp.key,
            "shared_surface": comp.shared,
            "own_rates": comp.own_rates,
            "preset": comp.preset,
        }
    return out

"""A render's manifest (``PATH.json`` beside the file) read back as typed records.

:func:`gdanim.pipeline.render.build_manifest` writes it; :meth:`Manifest.from_dict` reads the
parts the lecture uses: the render's key, the data and the training its scene shows, and each
run's rate, length, end and verdict. A part that is missing reads as absent (``None``, zero or
empty), so a manifest that lacks one still reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunRecord:
    """One run as the render recorded it.

    ``diverged_at`` is the update at which the run was stopped (``None`` when it was not);
    ``verdict`` is the outcome in words (``"converged in 1,234 updates"``); ``w``, ``b`` and
    ``loss`` are where the run ended.
    """

    label: str = ""
    lr: float = 0.0
    updates: int = 0
    diverged_at: int | None = None
    verdict: str = ""
    w: float = 0.0
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
            w=float(final.get("w", 0.0)),
            b=float(final.get("b", 0.0)),
            loss=float(loss) if loss is not None else None,
        )


@dataclass(frozen=True)
class Manifest:
    """What the lecture reads of a render's manifest.

    ``dataset_name`` and ``points`` name the data, ``loss`` and ``optimizer`` the training;
    ``recorded`` is the manifest as written, from which :meth:`scene_records` copies.
    """

    key: str | None = None
    dataset_name: str | None = None
    points: int | None = None
    loss: str | None = None
    optimizer: str | None = None
    runs: tuple[RunRecord, ...] = ()
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
            recorded=data,
        )

    def scene_records(self) -> dict[str, Any]:
        """The records of the data, the training and the runs, as the render wrote them: the
        lecture's manifest repeats them for the scene."""
        return {key: self.recorded.get(key) for key in ("dataset", "config", "runs")}

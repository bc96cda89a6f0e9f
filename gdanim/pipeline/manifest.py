"""A render's manifest (``PATH.json`` beside the file), written and read by one class.

:meth:`RenderManifest.build` makes it from a render's spec and inputs,
:meth:`RenderManifest.to_json` gives the file's bytes and :meth:`RenderManifest.load` reads
one back, refusing a damaged or hand-edited file with one line that names the key. The
lecture reads what it repeats or says of a scene (the data, the training, each run's rate,
length, end and verdict, the beats) from its properties.

Keys written only sometimes (a compared run's value and surface, the output's hash, the
comparison, the narration) stay absent from a record made or read without them, so a file
read and written again has the same bytes.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from .. import fileio
from ..errors import InputError
from ..media.captions import Cue
from ..outcome import Kind
from ..version import __version__

if TYPE_CHECKING:
    from ..config import RenderSpec
    from .prepare import SceneInputs


class Record(BaseModel):
    """A record written to a file: strict types, no key it does not know, frozen.

    :meth:`to_dict` gives the JSON object as written (every key the record was made or read
    with, in the fields' order), :meth:`from_dict` reads one back.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    #: What a file of this record is, for the one-line error on another file.
    WHAT: ClassVar[str] = "a gdanim record"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object as written: every key the record was made or read with."""
        return self.model_dump(mode="python", exclude_unset=True)

    def to_json(self) -> str:
        """The file's text."""
        return json.dumps(self.to_dict(), indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: Any, where: str = "manifest.json") -> Self:
        """A record's JSON object; :class:`InputError` naming ``where`` and the first bad key."""
        if not isinstance(data, Mapping):
            raise InputError(f"{where}: not {cls.WHAT} (not a JSON object)")
        try:
            # Validated as JSON, so that a number stays the number the file holds.
            return cls.model_validate_json(json.dumps(data))
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "manifest"
            raise InputError(f"{where}: {key}: {first['msg']}") from None

    @classmethod
    def load(cls, path: str) -> Self:
        """Read ``path``; :class:`InputError` with one line when it is missing or damaged."""
        return cls.from_dict(fileio.read_json(path, cls.WHAT), where=path)


class OutputRecord(Record):
    """The rendered file: its name beside the manifest, format, size and hash."""

    path: str
    format: str
    width: int
    height: int
    fps: int
    bytes: int
    sha256: str | None = None


class DatasetRecord(Record):
    """The data the scene drew (:meth:`gdanim.datasets.Dataset.describe`)."""

    name: str
    n: int
    sha256: str
    source: str
    rows_in_file: int | None = None
    columns: dict[str, str | list[str]] | None = None
    features: list[str] | None = None


class StandardizedRecord(Record):
    """How x was standardised (:meth:`gdanim.trainer.Standardization.to_dict`)."""

    auto: bool
    x_mean: float | list[float]
    x_std: float | list[float]
    condition_raw: float | None
    condition: float | None
    features: list[str] | None = None


class OutcomeRecord(Record):
    kind: Kind
    update: int
    text: str


class FinalRecord(Record):
    """Where a run ended: ``w`` a list with several features."""

    w: float | list[float]
    b: float
    loss: float | None


class RunRecord(Record):
    """One run as the render recorded it; a compared run also has the value it was given
    and its own surface's critical rate and optimum."""

    varied: str | None = None
    value: Any = None
    lr_critical: float | None = None
    optimum: list[float] | None = None
    optimum_loss: float | None = None
    label: str
    lr: float
    updates: int
    #: The update at which the run was stopped (``None`` when it was not).
    diverged_at: int | None
    outcome: OutcomeRecord
    final: FinalRecord

    @property
    def verdict(self) -> str:
        """The outcome in words (``"converged in 1,234 updates"``)."""
        return self.outcome.text

    @property
    def w(self) -> float | tuple[float, ...]:
        """The weight(s) the run ended at (a tuple with several features)."""
        w = self.final.w
        return tuple(w) if isinstance(w, list) else w

    @property
    def b(self) -> float:
        return self.final.b

    @property
    def loss(self) -> float | None:
        return self.final.loss


class AnalysisRecord(Record):
    lr_critical: float | None
    optimum: list[float]


class BeatRecord(Record):
    """A beat of the scene as captioned: the decks cut the video at them."""

    start: float
    end: float
    text: str


class ComparisonRecord(Record):
    key: str
    shared_surface: bool
    own_rates: bool
    preset: str | None


class SpokenBeat(Record):
    id: str
    start: float
    speech_seconds: float
    text: str
    spoken: str


class NarrationRecord(Record):
    """A narrated render's voice and each beat's id, start, speech length and words."""

    voice: str
    synthesis_seconds: float
    pause: float
    beats: list[SpokenBeat]


class RenderManifest(Record):
    """A render's manifest: its key, file, spec, data, training, runs and beats."""

    WHAT: ClassVar[str] = "a gdanim render manifest"

    format: Literal["gdanim-render"]
    version: Literal[1]
    key: str
    output: OutputRecord
    spec: dict[str, Any]
    dataset: DatasetRecord
    config: dict[str, Any]
    standardized: StandardizedRecord | None
    notes: list[str]
    runs: list[RunRecord]
    analysis: AnalysisRecord
    versions: dict[str, str]
    render_seconds: float
    beats: list[BeatRecord]
    comparison: ComparisonRecord | None = None
    narration: NarrationRecord | None = None

    @classmethod
    def previous(cls, path: str) -> RenderManifest | None:
        """The manifest an earlier render left at ``path``, or ``None`` when there is none
        or it cannot be read (then the file is rendered again)."""
        try:
            return cls.load(path)
        except InputError:
            return None

    # -- what the lecture reads
    @property
    def dataset_name(self) -> str:
        return self.dataset.name

    @property
    def points(self) -> int:
        return self.dataset.n

    @property
    def loss(self) -> str | None:
        loss = self.config.get("loss")
        return loss if isinstance(loss, str) else None

    @property
    def optimizer(self) -> str | None:
        optimizer = self.config.get("optimizer")
        return optimizer if isinstance(optimizer, str) else None

    @property
    def cues(self) -> tuple[Cue, ...]:
        """The scene's beats as captioned (one cue per beat; none when it recorded none)."""
        return tuple(Cue(b.start, b.end, b.text) for b in self.beats)

    def scene_records(self) -> dict[str, Any]:
        """The records of the data, the training and the runs, as the render wrote them: the
        lecture's manifest repeats them for the scene."""
        out = self.to_dict()
        return {key: out[key] for key in ("dataset", "config", "runs")}

    # -- as a render writes it
    @classmethod
    def build(
        cls,
        spec: RenderSpec,
        inputs: SceneInputs,
        key: str,
        path: str,
        size: int,
        seconds: float,
        beats: Sequence[Cue] = (),
        sha256: str | None = None,
        narration: Mapping[str, Any] | None = None,
    ) -> RenderManifest:
        """The manifest of a render; ``beats`` are the scene's beats as captioned (one cue
        each, before the captions are split to practice), which the decks cut the video at;
        ``sha256`` the file's hash, ``narration`` a narrated render's record."""
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
                    "outcome": {
                        "kind": verdict.kind,
                        "update": verdict.update,
                        "text": verdict.text,
                    },
                    "final": {
                        "w": float(t.w[-1]) if t.d == 1 else [float(v) for v in t.w[-1]],
                        "b": float(t.b[-1]),
                        "loss": float(t.loss[-1]) if t.loss is not None else None,
                    },
                }
            )
        output: dict[str, Any] = {
            "path": os.path.basename(path),
            "format": spec.format,
            "width": w,
            "height": h,
            "fps": spec.frame_rate,
            "bytes": size,
        }
        if sha256 is not None:
            output["sha256"] = sha256
        out: dict[str, Any] = {
            "format": "gdanim-render",
            "version": 1,
            "key": key,
            "output": output,
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
        if narration is not None:
            out["narration"] = dict(narration)
        return cls.from_dict(out, where="the render's manifest")


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

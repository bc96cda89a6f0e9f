"""What crosses a file or a process in a lecture, as typed records.

:class:`JobResult` is what a render job hands back from its worker (a process of the pool or
a Dask worker); :class:`LectureManifest` is the lecture's ``manifest.json``, written and read
by the same class: :meth:`LectureManifest.to_json` gives the file's bytes and
:meth:`LectureManifest.load` reads one back, refusing a damaged or hand-edited file with one
line that names the key.

The manifest's models say which keys are always written and which only sometimes (a
scene's render details only when it rendered, its GIF only when one was asked, its beats only
when decks were cut); a record keeps which keys it was made or read with, so a file read and
written again has the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError
from ..fileio import read_json
from ..pipeline.manifest import Manifest

#: A job renders the scene's video or its GIF.
JobKind = Literal["video", "gif"]
#: What failed: a render job, reading a video back and captioning it, the join, a deck.
FailureKind = Literal["video", "gif", "captions", "join", "deck"]
#: Where a scene's captions came from: the scene's own, or sentences made of its run numbers.
CaptionSource = Literal["", "scene", "run numbers"]


@dataclass(frozen=True)
class JobResult:
    """What one render job hands back: where its file is, or the one line saying why not.

    Picklable, so it crosses from a pool's process or a Dask worker. ``manifest`` is what
    the render recorded (empty when it failed); ``traceback`` is set only with
    ``GDANIM_DEBUG``.
    """

    name: str
    kind: JobKind
    output: str
    error: str | None = None
    host: str | None = None
    pid: int | None = None
    path: str | None = None
    manifest_path: str | None = None
    reused: bool = False
    seconds: float = 0.0
    key: str | None = None
    manifest: Manifest = field(default_factory=Manifest)
    traceback: str | None = None
    wall_seconds: float = 0.0
    cpu_seconds: float | None = None
    #: What the render changed to make its file, in words (a GIF at a faster pace).
    note: str | None = None

    @property
    def ok(self) -> bool:
        """The job made (or reused) its file."""
        return self.error is None and self.path is not None


class Record(BaseModel):
    """A part of the manifest: strict types, no key it does not know."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Failure(Record):
    name: str
    kind: FailureKind
    error: str


class Options(Record):
    """How the lecture was asked for (the command line's and the file's flags)."""

    jobs: int | None
    scheduler: str | None
    gif: bool
    slides: bool
    pptx: bool
    handout: bool
    force: bool


class Timings(Record):
    render_wall_seconds: float
    join_seconds: float
    decks_seconds: float
    total_seconds: float
    jobs_cpu_seconds: float
    cpu_seconds: float


class Worker(Record):
    host: str | None
    pid: int | None


class CaptionFiles(Record):
    srt: str | None
    vtt: str | None
    source: CaptionSource
    cues: int


class GifEntry(Record):
    output: str | None
    key: str | None
    reused: bool
    seconds: float
    error: str | None


class BeatEntry(Record):
    start: float
    end: float
    clip: str
    poster: str
    text: str


class SceneEntry(Record):
    """One scene: always its name, spec and whether it rendered; what it made when it did."""

    name: str
    scene: str
    spec: dict[str, Any]
    ok: bool
    error: str | None
    key: str | None = None
    output: str | None = None
    manifest: str | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: str | None = None
    codec: str | None = None
    reused: bool | None = None
    render_seconds: float | None = None
    cpu_seconds: float | None = None
    worker: Worker | None = None
    captions: CaptionFiles | None = None
    #: The render's own records of its data, its training and its runs, repeated.
    dataset: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    runs: list[dict[str, Any]] | None = None
    gif: GifEntry | None = None
    beats: list[BeatEntry] | None = None


class Part(Record):
    name: str
    start: float


class JoinedCaptions(Record):
    srt: str
    vtt: str
    cues: int


class Joined(Record):
    """The joined video ``lecture.mp4``."""

    path: str
    key: str
    method: str
    reused: bool
    bytes: int
    sha256: str
    duration: float
    parts_duration: float
    parts: list[Part]
    width: int
    height: int
    fps: str
    captions: JoinedCaptions


class Deck(Record):
    """A deck: its path, its slides (or a handout's pages), the beats it shows."""

    path: str
    slides: int | None = None
    pages: int | None = None
    beats: int
    seconds: float


class LectureManifest(Record):
    """The lecture's ``manifest.json``."""

    format: Literal["gdanim-lecture"]
    version: Literal[1]
    title: str
    source: str | None
    created: str
    options: Options
    scenes: list[SceneEntry]
    lecture: Joined | None
    decks: dict[str, Deck]
    failures: list[Failure]
    complete: bool
    timings: Timings
    versions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object as written: every key the record was made or read with."""
        return self.model_dump(mode="python", exclude_unset=True)

    def to_json(self) -> str:
        """The file's text."""
        return json.dumps(self.to_dict(), indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: Any, where: str = "manifest.json") -> LectureManifest:
        """A manifest's JSON object; :class:`InputError` naming the first bad key."""
        if not isinstance(data, Mapping):
            raise InputError(f"{where}: not a gdanim lecture manifest (not a JSON object)")
        try:
            # Validated as JSON, so that a number stays the number the file holds.
            return cls.model_validate_json(json.dumps(data))
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "manifest"
            raise InputError(f"{where}: {key}: {first['msg']}") from None

    @classmethod
    def load(cls, path: str) -> LectureManifest:
        """Read ``path``; :class:`InputError` with one line when it is missing or damaged."""
        return cls.from_dict(read_json(path, "a manifest"), where=path)

    @classmethod
    def previous(cls, folder: str) -> LectureManifest | None:
        """The manifest an earlier run left in ``folder``, or ``None`` when there is none or
        it cannot be read (then nothing of that run is reused)."""
        path = os.path.join(folder, "manifest.json")
        if not os.path.isfile(path):
            return None
        try:
            return cls.load(path)
        except InputError:
            return None

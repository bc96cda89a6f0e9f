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

import os
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..errors import InputError
from ..pipeline.manifest import Record, RenderManifest

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
    the render recorded (``None`` when it failed); ``traceback`` is set only with
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
    manifest: RenderManifest | None = None
    traceback: str | None = None
    wall_seconds: float = 0.0
    cpu_seconds: float | None = None
    #: What the render changed to make its file, in words (a GIF at a faster pace).
    note: str | None = None

    @property
    def ok(self) -> bool:
        """The job made (or reused) its file."""
        return self.error is None and self.path is not None


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

    WHAT: ClassVar[str] = "a gdanim lecture manifest"

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

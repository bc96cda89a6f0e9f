"""The lecture's transcript: what is said, in order, with what is on screen that is not said.

Following the W3C's guidance on transcripts, each scene has a heading, a short description of
what the screen shows (the scene's panels, its data, its training and each run's outcome, from
the render's manifest), then its captions, one paragraph per beat, each with the time it
starts in the joined video as a link that seeks there. The text is the caption text as the
lecture wrote it (the scene's beats as its render recorded them), so captions made another way
flow in unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import numbers
from ..media.captions import Cue
from ..pipeline.manifest import RenderManifest
from ..scenes.registry import SCENES
from .narration import values_text

if TYPE_CHECKING:
    from .results import SceneResult


@dataclass(frozen=True)
class Line:
    """One beat's narration: where it starts in the joined video and what is said."""

    start: float
    clock: str
    text: str


@dataclass(frozen=True)
class Section:
    """One scene of the transcript."""

    name: str
    heading: str
    start: float
    clock: str
    on_screen: tuple[str, ...]
    lines: tuple[Line, ...]


def clock(seconds: float) -> str:
    """``m:ss`` as a video player counts."""
    s = int(seconds + 1e-6)
    return f"{s // 60}:{s % 60:02d}"


def on_screen(scene: str, manifest: RenderManifest) -> tuple[str, ...]:
    """What the scene shows, then its data and training and each run's outcome."""
    runs = manifest.runs
    words = {2: "two", 3: "three", 4: "four"}
    shows = SCENES[scene].shows.format(runs=words.get(len(runs), str(len(runs))))
    out = [f"On screen: {shows[:1].lower()}{shows[1:]}"] if shows else []
    facts = []
    if manifest.dataset_name:
        points = f" ({numbers.count(manifest.points)} points)" if manifest.points else ""
        facts.append(f"the {manifest.dataset_name} data{points}")
    if manifest.loss:
        facts.append(f"loss {manifest.loss}")
    if manifest.optimizer:
        facts.append(f"optimizer {manifest.optimizer}")
    if facts:
        out.append("Data and training: " + ", ".join(facts) + ".")
    for run in runs:
        rate = f"Learning rate {numbers.fmt(run.lr, 3)}"
        if run.diverged_at:
            out.append(f"{rate}: diverges, stopped at update {numbers.count(run.diverged_at)}.")
        elif run.verdict:
            out.append(f"{rate}: {run.verdict}; it ends at w = {values_text(run.w)}, "
                       f"b = {numbers.fmt(run.b)}.")  # fmt: skip
    return tuple(numbers.minus_signs(v) for v in out)


def beats_of(result: SceneResult) -> list[Cue]:
    """The scene's narration, one cue per beat (its captions where no beats were recorded)."""
    return list(result.beat_cues or result.manifest.cues or result.cues)


def sections(parts: list[SceneResult], starts: list[float]) -> list[Section]:
    """The transcript of the joined video: ``parts`` played from ``starts`` (seconds)."""
    out = []
    for k, (r, start) in enumerate(zip(parts, starts, strict=True), 1):
        lines = tuple(
            # To the millisecond: a seek link reads "#t=144.533", not "#t=144.53300000000002".
            Line(round(start + c.start, 3), clock(start + c.start), " ".join(c.text.split()))
            for c in beats_of(r)
        )
        out.append(
            Section(
                name=r.name,
                heading=f"{k}. {r.name}",
                start=start,
                clock=clock(start),
                on_screen=on_screen(r.spec.scene, r.manifest),
                lines=lines,
            )
        )
    return out

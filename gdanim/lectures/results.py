"""What became of each scene of a lecture: its renders, its captions, its beats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import RenderSpec
from ..media import captions
from ..media.probe import VideoInfo
from ..pipeline.manifest import Manifest
from .beats import Beat


@dataclass
class SceneResult:
    """What became of one scene of the lecture."""

    name: str
    spec: RenderSpec
    video: dict[str, Any] | None = None
    gif: dict[str, Any] | None = None
    beats: list[Beat] = field(default_factory=list)
    info: VideoInfo | None = None
    cues: list[captions.Cue] = field(default_factory=list)
    #: One cue per beat, as the scene captioned it (``cues`` are split to practice).
    beat_cues: list[captions.Cue] = field(default_factory=list)
    caption_source: str = ""
    poster: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.video is not None and not self.video.get("error") and self.info is not None

    @property
    def manifest(self) -> Manifest:
        """What the video's render recorded (nothing when it did not render)."""
        found: Manifest | None = (self.video or {}).get("manifest")
        return found or Manifest()

"""What became of each scene of a lecture: its renders, its captions, its beats."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import RenderSpec
from ..media import captions
from ..media.probe import VideoInfo
from ..pipeline.manifest import RenderManifest
from .beats import Beat
from .records import CaptionSource, JobResult


@dataclass
class SceneResult:
    """What became of one scene of the lecture."""

    name: str
    spec: RenderSpec
    video: JobResult | None = None
    gif: JobResult | None = None
    beats: list[Beat] = field(default_factory=list)
    info: VideoInfo | None = None
    cues: list[captions.Cue] = field(default_factory=list)
    #: One cue per beat, as the scene captioned it (``cues`` are split to practice).
    beat_cues: list[captions.Cue] = field(default_factory=list)
    caption_source: CaptionSource = ""
    poster: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.video is not None and self.video.ok and self.info is not None

    @property
    def rendered(self) -> JobResult:
        """The video's job, which must have made its file (:attr:`ok`)."""
        assert self.video is not None and self.video.path is not None
        return self.video

    @property
    def video_path(self) -> str:
        """The video's file, which must have been made (:attr:`ok`)."""
        path = self.rendered.path
        assert path is not None
        return path

    @property
    def manifest(self) -> RenderManifest:
        """What the video's render recorded; the video must have been made (:attr:`ok`)."""
        manifest = self.rendered.manifest
        assert manifest is not None
        return manifest

"""What a video file is: codec, size, rate and duration, read back with PyAV."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VideoInfo:
    """What joining needs to know of a video file."""

    codec: str
    width: int
    height: int
    fps: str
    pix_fmt: str
    time_base: str
    duration: float
    frames: int

    @property
    def joinable(self) -> tuple[str, int, int, str, str, str]:
        return (self.codec, self.width, self.height, self.fps, self.pix_fmt, self.time_base)


def video_info(path: str) -> VideoInfo:
    """Codec, size, rate, pixel format and duration, read back from the file."""
    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if container.duration is not None:
            duration = float(container.duration) / 1_000_000
        elif stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        else:  # pragma: no cover - every file gdanim writes has one
            raise RuntimeError(f"{path}: no duration")
        return VideoInfo(
            codec=str(ctx.name),
            width=int(ctx.width),
            height=int(ctx.height),
            fps=str(stream.guessed_rate or stream.base_rate or stream.average_rate),
            pix_fmt=str(ctx.pix_fmt),
            time_base=str(stream.time_base),
            duration=duration,
            frames=int(stream.frames or 0),
        )


def keyframes(path: str) -> list[float]:
    """The times (seconds) of the video's keyframes, read from its packets (no decoding)."""
    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        base = stream.time_base
        return sorted(
            float(p.pts * base)
            for p in container.demux(stream)
            if p.is_keyframe and p.pts is not None and base is not None
        )

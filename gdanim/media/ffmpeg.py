"""Every ffmpeg call: one binary, one way to run it, one error policy."""

from __future__ import annotations

import bisect
import contextlib
import os
import subprocess
from collections.abc import Sequence
from typing import Any

from ..fileio import private_dir
from .probe import VideoInfo

#: Options every call starts with: quiet but for errors, never waiting on stdin.
QUIET = ("-hide_banner", "-loglevel", "error", "-nostdin", "-y")


class FfmpegError(RuntimeError):
    """ffmpeg failed: the message says what was being made and ffmpeg's last words."""


def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped by imageio-ffmpeg."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run(args: Sequence[str], making: str, output: str | None = None) -> None:
    """Run ``ffmpeg QUIET args``; :class:`FfmpegError` naming ``making`` when it fails or
    leaves ``output`` missing or empty."""
    cmd = [ffmpeg_exe(), *QUIET, *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL)  # fmt: skip
    except OSError as exc:
        raise FfmpegError(f"ffmpeg could not start for {making}: {exc.strerror}") from None
    missing = output is not None and (not os.path.isfile(output) or os.path.getsize(output) == 0)
    if done.returncode != 0 or missing:
        msg = " ".join((done.stderr or "").split())[-300:]
        raise FfmpegError(f"ffmpeg could not make {making}: {msg or 'no output'}")


def join_videos(paths: Sequence[str], infos: Sequence[VideoInfo], dest: str) -> str:
    """Play ``paths`` one after another into ``dest``, atomically; returns the method.

    ``copy`` when every part has the same codec, size, rate, pixel format and time base (the
    concat demuxer, no re-encode); ``reencode`` otherwise (each part scaled and padded to the
    first one's size and rate, then concatenated).
    """
    if not paths:
        raise ValueError("nothing to join")
    first = infos[0]
    same = all(i.joinable == first.joinable for i in infos)
    with private_dir(dest) as tmp:
        part = os.path.join(tmp, "joined.mp4")
        if same:
            listing = os.path.join(tmp, "parts.txt")
            with open(listing, "w", encoding="utf-8") as fh:
                for p in paths:
                    quoted = os.path.abspath(p).replace("'", "'\\''")
                    fh.write(f"file '{quoted}'\n")
            cmd = ["-f", "concat", "-safe", "0", "-i", listing, "-map", "0:v", "-c", "copy"]
            method = "copy"
        else:
            w, h = first.width, first.height
            fps = first.fps
            chains = []
            inputs: list[str] = []
            for k, p in enumerate(paths):
                inputs += ["-i", os.path.abspath(p)]
                chains.append(
                    f"[{k}:v]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                    f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,fps={fps},setsar=1,format=yuv420p[v{k}]"
                )
            graph = ";".join(chains) + ";" + "".join(f"[v{k}]" for k in range(len(paths)))
            graph += f"concat=n={len(paths)}:v=1:a=0[out]"
            cmd = [*inputs, "-filter_complex", graph, "-map", "[out]", "-c:v", "libx264",
                   "-crf", "20", "-preset", "veryfast", "-pix_fmt", "yuv420p"]  # fmt: skip
            method = "reencode"
        cmd += ["-movflags", "+faststart", "-f", "mp4", part]
        run(cmd, "the joined video", part)
        os.replace(part, dest)
    return method


def poster(video: str, at: float) -> str | None:
    """A still of ``video`` at ``at`` seconds beside it (``NAME.jpg``) for the page; kept while
    newer than the video. ``None`` if ffmpeg cannot make one (the page does without)."""
    dest = os.path.splitext(video)[0] + ".jpg"
    if os.path.isfile(dest) and os.path.getmtime(dest) >= os.path.getmtime(video):
        return dest
    try:
        still(video, round(max(0.0, at), 3), dest)
    except FfmpegError:
        return None
    return dest


def split(src: str, starts: Sequence[float], dests: Sequence[str]) -> None:
    """Cut ``src`` at ``starts`` (seconds, the first 0) into ``dests`` without re-encoding.

    Each clip holds the frames shown from its start to the next one's, timed from 0. Exact when
    every start is a keyframe with nothing after it referring back across it: a scene's beats
    start where manim began a new animation segment, so they are. The packets are copied in
    one pass (PyAV), by their presentation time; a sound track is cut with the picture (at
    the audio frame nearest each start). Each file is written atomically.
    """
    import av

    if len(starts) != len(dests) or not starts:
        raise ValueError("one start per clip")
    with contextlib.ExitStack() as stack:
        tmps = [stack.enter_context(private_dir(d)) for d in dests]
        parts = [os.path.join(t, "clip.mp4") for t in tmps]
        inp = stack.enter_context(av.open(src))
        video = inp.streams.video[0]
        sound = inp.streams.audio[0] if inp.streams.audio else None
        base = video.time_base
        assert base is not None
        bounds = [round(float(t) / base) for t in starts]  # in the stream's ticks
        opened: dict[int, Any] = {}

        def output(k: int) -> Any:
            if k not in opened:
                out = stack.enter_context(
                    av.open(parts[k], "w", format="mp4", options={"movflags": "+faststart"})
                )
                streams: list[Any] = [out.add_stream_from_template(video)]
                if sound is not None:
                    streams.append(out.add_stream_from_template(sound))
                opened[k] = (out, streams)
            return opened[k]

        abounds: list[int] = []
        half = 0
        if sound is not None:
            assert sound.time_base is not None
            abounds = [round(float(t) / sound.time_base) for t in starts]
            half = (sound.codec_context.frame_size or 1024) // 2
        pending: list[Any] = []  # sound before its clip's first picture
        for packet in inp.demux(*([video, sound] if sound is not None else [video])):
            if packet.pts is None or packet.dts is None:
                continue
            if packet.stream.type == "audio":
                # Each audio frame goes to the clip its middle falls in.
                k = k_out(abounds, packet.pts + half)
                packet.pts -= abounds[k]
                packet.dts -= abounds[k]
                pending.append((k, packet))
            else:
                k = k_out(bounds, packet.pts + 1)
                out, streams = output(k)
                packet.pts -= bounds[k]
                packet.dts -= bounds[k]
                packet.stream = streams[0]
                out.mux(packet)
            while pending and pending[0][0] in opened:
                k, p = pending.pop(0)
                out, streams = opened[k]
                p.stream = streams[1]
                out.mux(p)
        for out, _ in opened.values():
            out.close()
        for part, dest in zip(parts, dests, strict=True):
            if not os.path.isfile(part) or os.path.getsize(part) == 0:
                raise FfmpegError(f"{os.path.basename(src)} has no frames for {dest}")
        for part, dest in zip(parts, dests, strict=True):
            os.replace(part, dest)


def faststart(src: str, dest: str) -> str:
    """``src`` copied into ``dest`` (MP4) with its index (the moov box) before the media, so
    players and editors read it without seeking to the end; returns ``dest``. The packets and
    the container's metadata are copied as they are (no encoding)."""
    import av

    with (
        av.open(src) as inp,
        av.open(dest, "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        out.metadata.update(inp.metadata)
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
    return dest


def k_out(bounds: Sequence[int], pts: int) -> int:
    """The clip a packet at ``pts`` belongs to."""
    return max(0, bisect.bisect_right(bounds, pts) - 1)


def still(src: str, at: float, dest: str) -> None:
    """The frame of ``src`` shown at ``at`` seconds, as an image (PNG or JPEG by ``dest``)."""
    with private_dir(dest) as tmp:
        part = os.path.join(tmp, "still" + os.path.splitext(dest)[1])
        quality = ["-q:v", "3"] if dest.lower().endswith((".jpg", ".jpeg")) else []
        run(
            ["-ss", f"{max(0.0, at):.6f}", "-i", src, "-frames:v", "1", *quality, part],
            f"a still of {os.path.basename(src)}", part,
        )  # fmt: skip
        os.replace(part, dest)

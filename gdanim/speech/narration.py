"""A render's narration: its beats, their speech, the track that carries it.

Before a narrated scene plays, :func:`beats_of` reads its captions (the scene is built once
with every animation skipped to its end), each beat gets an id (``descent-path-03``) and its
spoken text (:func:`gdanim.speech.spoken.spoken`), and the voice says them all
(:func:`synthesize`): the speech's lengths are known up front and handed to the scene in its
inputs (:class:`Narration`). The scene holds each beat until its speech and a short pause are
over (:meth:`gdanim.scenes.base.GdScene.hold_until_read`) and notes where each beat began;
:func:`track` lays each beat's speech at its start on a silent track as long as the video,
and :func:`mux` puts it into the file (AAC in MP4, Opus in WebM).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .spoken import spoken
from .voices import RATE, Samples, Speech, Voice

#: Seconds of quiet after a beat's speech before the next beat starts.
PAUSE = 0.6
#: Bit rates of the narration track.
AAC_BITRATE = "96k"
OPUS_BITRATE = "64k"


@dataclass(frozen=True)
class Beat:
    """One beat of narration: its id, the caption on screen and the words said."""

    id: str
    text: str
    spoken: str


def beat_id(name: str, index: int) -> str:
    """The id of a scene's ``index``-th beat (from 1): ``descent-path-03``."""
    return f"{name}-{index:02d}"


def make_beats(name: str, captions: Sequence[str]) -> list[Beat]:
    return [Beat(beat_id(name, k), text, spoken(text)) for k, text in enumerate(captions, 1)]


class Narration:
    """A narrated scene's beats, said as the scene reaches them.

    A beat's caption is known when the beat starts; its speech is needed when it ends, to
    hold the beat until the speech and a pause are over (:meth:`hold`). Each beat is said
    then, by ``voice``, and noted with the scene time it began. ``script``, where the beats
    were read up front (a folder of recordings is checked against them before the render),
    must match what the scene shows.
    """

    def __init__(self, voice: Voice, name: str, script: Sequence[Beat] | None = None) -> None:
        self.voice = voice
        self.name = name
        self.script = tuple(script) if script is not None else None
        self.beats: list[Beat] = []
        self.speech: list[Speech] = []
        self.starts: list[float] = []
        self.synthesis_seconds = 0.0

    def hold(self, text: str, since: float) -> float:
        """The seconds the beat captioned ``text``, begun at scene time ``since``, lasts at
        least: its speech and the pause after it."""
        k = len(self.beats) + 1
        beat = Beat(beat_id(self.name, k), text, spoken(text))
        if self.script is not None and (k > len(self.script) or self.script[k - 1].text != text):
            raise RuntimeError(f"narration out of step at beat {beat.id}: {text[:60]!r}")
        t0 = time.perf_counter()
        speech = self.voice.say(beat.id, beat.spoken)
        self.synthesis_seconds += time.perf_counter() - t0
        self.beats.append(beat)
        self.speech.append(speech)
        self.starts.append(since)
        return speech.seconds + PAUSE


def track(narration: Narration, duration: float) -> Samples:
    """A mono track ``duration`` seconds long: each beat's speech at the scene time it began."""
    n = round(duration * RATE)
    out = np.zeros(n, dtype=np.float32)
    starts = narration.starts
    if narration.script is not None and len(narration.beats) != len(narration.script):
        raise RuntimeError(
            f"the scene played {len(narration.beats)} beats of {len(narration.script)} narrated"
        )
    for start, speech in zip(starts, narration.speech, strict=True):
        at = round(start * RATE)
        end = min(n, at + len(speech.samples))
        if end > at:
            out[at:end] += speech.samples[: end - at]
    return np.clip(out, -1.0, 1.0)


def write_wav(path: str, samples: Samples) -> None:
    """16-bit mono WAV at :data:`RATE`."""
    import wave

    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def audio_args(fmt: str) -> list[str]:
    """The audio encoder of a container: AAC in MP4, Opus in WebM; bit-exact either way."""
    if fmt == "webm":
        return ["-c:a", "libopus", "-b:a", OPUS_BITRATE]
    return ["-c:a", "aac", "-b:a", AAC_BITRATE]


BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-flags:v", "+bitexact"]


def mux(video: str, wav: str, dest: str, fmt: str) -> None:
    """``video`` with ``wav`` as its sound, into ``dest`` (the picture copied, not encoded)."""
    from ..media.ffmpeg import run

    movflags = ["-movflags", "+faststart"] if fmt == "mp4" else []
    run(
        ["-i", video, "-i", wav, "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
         *audio_args(fmt), *BITEXACT, *movflags, "-f", fmt, dest],
        "the narrated video", dest,
    )  # fmt: skip


def video_seconds(path: str) -> float:
    """The length of a file's picture (frames shown), not of its container."""
    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        base = stream.time_base
        assert base is not None
        end = 0.0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            dur = packet.duration or 0
            end = max(end, float((packet.pts + dur) * base))
        return end


def add_narration(video: str, narration: Narration, fmt: str, workdir: str) -> str:
    """The narrated file made from ``video`` in ``workdir``; returns its path."""
    seconds = video_seconds(video)
    wav = os.path.join(workdir, "narration.wav")
    write_wav(wav, track(narration, seconds))
    dest = os.path.join(workdir, "narrated." + fmt)
    mux(video, wav, dest, fmt)
    return dest


def silence_args(seconds: float) -> list[str]:
    """An ffmpeg input of ``seconds`` of silence at :data:`RATE`, mono."""
    return ["-f", "lavfi", "-t", f"{seconds:.6f}", "-i", f"anullsrc=r={RATE}:cl=mono"]


def decode_track(path: str, seconds: float) -> Samples:
    """The audio of ``path`` as mono samples, exactly ``seconds`` long (silence if none)."""
    from ..media.ffmpeg import ffmpeg_exe

    n = round(seconds * RATE)
    if not has_sound(path):
        return np.zeros(n, dtype=np.float32)
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path,
           "-map", "0:a:0", "-ac", "1", "-ar", str(RATE), "-f", "f32le", "pipe:1"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        err = " ".join(done.stderr.decode(errors="replace").split())[-200:]
        raise InputError(f"{path}: cannot read its sound ({err})")
    samples = np.frombuffer(done.stdout, dtype="<f4").astype(np.float32)
    out = np.zeros(n, dtype=np.float32)
    out[: min(n, len(samples))] = samples[:n]
    return out


def has_sound(path: str) -> bool:
    """Whether a media file has an audio stream."""
    import av

    with av.open(path) as container:
        return bool(container.streams.audio)


def join_sound(parts: Sequence[tuple[str, float]], video: str, workdir: str) -> str:
    """``video`` (parts joined one after another) with the parts' sound joined the same way:
    each part's sound (silence where it has none) fitted to its length in the join, so every
    scene stays in sync however many come before it. Returns the new file, in ``workdir``."""
    samples = [decode_track(path, seconds) for path, seconds in parts]
    wav = os.path.join(workdir, "sound.wav")
    write_wav(wav, np.concatenate(samples) if samples else np.zeros(0, np.float32))
    dest = os.path.join(workdir, "with-sound.mp4")
    mux(video, wav, dest, "mp4")
    return dest

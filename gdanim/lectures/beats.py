"""A scene's beats: its video cut where its captions change, without rendering again.

Every caption cue of a scene starts a beat, and every beat starts where manim began a new
animation segment, on a keyframe: the scene's video splits there exactly, by copying packets
(:func:`gdanim.media.ffmpeg.split`). Each beat keeps its clip, its poster (the decks' still:
its last frame, what the beat has built, or the latest frame of the beat that is not one
flat colour), its last frame (the handout's picture) and the captions shown during it. The decks
(:mod:`.pptx`, :mod:`.reveal`) and the handout (:mod:`.handout`) are made from beats.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from fractions import Fraction

from ..fileio import atomic_write_text
from ..media import ffmpeg
from ..media.captions import Cue
from ..media.probe import VideoInfo, keyframes
from ..pipeline.manifest import read_json

FOLDER = "beats"
#: A caption that starts this close to a keyframe starts its beat there.
SNAP_SECONDS = 0.25
#: Where in a beat a poster is looked for when its last frame is blank (shares of the beat).
POSTER_TRIES = (0.75, 0.5, 0.25, 0.0)
#: How the posters are chosen; a change here makes the beats anew.
POSTER_RULE = "last frame, else the latest not blank"


@dataclass(frozen=True)
class Beat:
    """One beat of a scene: ``index`` from 1, its time span, its captions and its files
    (paths relative to the lecture's folder)."""

    scene: str
    index: int
    start: float
    end: float
    text: str
    clip: str
    poster: str
    last: str

    @property
    def duration(self) -> float:
        return self.end - self.start


def starts_of(cues: list[Cue], frames: list[float], duration: float) -> list[float]:
    """Where the beats start: 0, then each caption's start moved onto the nearest keyframe
    (captions that start between keyframes share the beat of the one before)."""
    out = [0.0]
    for cue in cues:
        if not frames or cue.start <= SNAP_SECONDS or cue.start >= duration - SNAP_SECONDS:
            continue
        near = min(frames, key=lambda t: abs(t - cue.start))
        if abs(near - cue.start) <= SNAP_SECONDS and near > out[-1] + 1e-6:
            out.append(near)
    return out


def _texts(cues: list[Cue], starts: list[float], duration: float) -> list[str]:
    ends = [*starts[1:], duration]
    texts = []
    for s, e in zip(starts, ends, strict=True):
        inside = [c.text for c in cues if s - SNAP_SECONDS <= c.start < e - SNAP_SECONDS]
        texts.append("\n".join(inside))
    return texts


def scene_beats(
    out: str, name: str, video: str, info: VideoInfo, cues: list[Cue], key: str | None,
    force: bool = False,
) -> list[Beat]:  # fmt: skip
    """The beats of the scene ``name`` (its video, its captions) in ``out/beats/``, reused
    while the video and its captions are unchanged."""
    folder = os.path.join(out, FOLDER)
    os.makedirs(folder, exist_ok=True)
    index = os.path.join(folder, f"{name}.json")
    frames = keyframes(video)
    starts = starts_of(cues, frames, info.duration)
    texts = _texts(cues, starts, info.duration)
    stamp = hashlib.sha256(
        json.dumps({"video": key, "starts": starts, "texts": texts, "poster": POSTER_RULE}).encode()
    ).hexdigest()
    old = read_json(index)
    if not force and old is not None and old.get("key") == stamp:
        beats = [Beat(**b) for b in old["beats"]]
        if all(os.path.isfile(os.path.join(out, p)) for b in beats for p in _files(b)):
            return beats
    ends = [*starts[1:], info.duration]
    rel = [f"{FOLDER}/{name}-{k:02d}" for k in range(1, len(starts) + 1)]
    ffmpeg.split(video, starts, [os.path.join(out, r + ".mp4") for r in rel])
    frame = float(1 / Fraction(info.fps)) if info.fps and info.fps != "0" else 1 / 30
    beats = []
    for k, (s, e, text, stem) in enumerate(zip(starts, ends, texts, rel, strict=True), 1):
        poster, last = os.path.join(out, stem + ".jpg"), os.path.join(out, stem + "-last.jpg")
        ffmpeg.still(video, max(s, e - frame), last)
        shutil.copyfile(last, poster)
        for share in POSTER_TRIES:  # a beat that ends blank (a fade out): its latest picture
            if not blank(poster):
                break
            ffmpeg.still(video, s + (e - s) * share, poster)
        files = (stem + ".mp4", stem + ".jpg", stem + "-last.jpg")
        beats.append(Beat(name, k, round(s, 6), round(e, 6), text, *files))
    atomic_write_text(
        index, json.dumps({"key": stamp, "beats": [asdict(b) for b in beats]}, indent=1) + "\n"
    )
    return beats


def blank(image: str) -> bool:
    """Whether a frame is one flat colour (nothing drawn yet)."""
    from PIL import Image, ImageStat

    with Image.open(image) as im:
        return max(ImageStat.Stat(im.convert("L")).stddev) < 2.0


def _files(beat: Beat) -> tuple[str, str, str]:
    return (beat.clip, beat.poster, beat.last)

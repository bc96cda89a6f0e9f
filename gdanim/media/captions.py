"""Captions: SubRip (.srt) and WebVTT (.vtt) read, shifted, joined and written.

A caption file is a list of :class:`Cue` (start and end in seconds, plain text). SubRip is
written by the ``srt`` library (installed with manim); both formats are read here, since a
fraction written short (``00:00:03,5``) means half a second, which ``srt`` reads as 5 ms.
Parsing is lenient where real files differ (byte-order mark, CRLF line ends, cue numbers
or ids present or not, VTT cue settings, hours left out) and strict where a wrong answer would
follow (a timestamp that does not parse is an error naming its line).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..errors import InputError
from ..fileio import atomic_write_text

#: Characters per second a viewer can read a caption at; every cue stays up at least its
#: length at this rate (the scenes hold a beat longer where it would be shorter).
READING_CPS = 17.0

_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})$")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class Cue:
    """One caption: shown from ``start`` to ``end`` seconds; ``text`` may hold line breaks."""

    start: float
    end: float
    text: str

    def __post_init__(self) -> None:
        if not (self.start >= 0 and self.end >= self.start):
            raise ValueError(f"a cue needs 0 <= start <= end, got {self.start} and {self.end}")

    def shifted(self, seconds: float) -> Cue:
        return replace(self, start=self.start + seconds, end=self.end + seconds)


def reading_seconds(text: str) -> float:
    """The least time a cue of ``text`` must stay up to be read."""
    return len(text) / READING_CPS


def parse_time(text: str) -> float:
    """``HH:MM:SS,mmm`` (SRT) or ``[HH:]MM:SS.mmm`` (VTT) -> seconds."""
    m = _TIME.match(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a timestamp like 00:01:02,500")
    hours, minutes, seconds, frac = m.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        raise ValueError(f"{text!r}: minutes and seconds run to 59")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(frac.ljust(3, "0")) / 1e3


def format_time(seconds: float, sep: str = ",") -> str:
    """Seconds -> ``HH:MM:SS,mmm`` (``sep="."`` for VTT); rounded to the millisecond."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the line number (1-based) each starts at."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = i
            current.append(line.rstrip())
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out


def _cue_of(block: list[str], line_no: int, where: str) -> Cue | None:
    """A cue from a block whose timing line is its first or second line."""
    for k, line in enumerate(block[:2]):
        if "-->" not in line:
            continue
        left, right = line.split("-->", 1)
        end_text = right.strip().split()[0] if right.strip() else ""
        try:
            start, end = parse_time(left), parse_time(end_text)
            text = "\n".join(block[k + 1 :])
            return Cue(start, max(start, end), text)
        except ValueError as exc:
            raise InputError(f"{where}: line {line_no + k}: {exc}") from None
    return None


def parse_srt(text: str, where: str = "captions") -> list[Cue]:
    """SubRip text -> cues (blocks with no timing line are skipped)."""
    cues = []
    for line_no, block in _blocks(text):
        cue = _cue_of(block, line_no, where)
        if cue is not None:
            cues.append(cue)
    return cues


def parse_vtt(text: str, where: str = "captions") -> list[Cue]:
    """WebVTT text -> cues; NOTE, STYLE and REGION blocks are skipped, entities decoded."""
    blocks = _blocks(text)
    if not blocks or not blocks[0][1][0].startswith("WEBVTT"):
        raise InputError(f"{where}: a WebVTT file starts with the line WEBVTT")
    cues = []
    for line_no, block in blocks[1:]:
        if block[0].split(" ")[0] in ("NOTE", "STYLE", "REGION"):
            continue
        cue = _cue_of(block, line_no, where)
        if cue is not None:
            cues.append(replace(cue, text=html.unescape(_TAG.sub("", cue.text))))
    return cues


def to_srt(cues: Iterable[Cue]) -> str:
    """Cues -> SubRip text, numbered from 1."""
    import datetime

    import srt

    def td(seconds: float) -> datetime.timedelta:
        return datetime.timedelta(milliseconds=max(0, round(seconds * 1000)))

    subs = [srt.Subtitle(i, td(c.start), td(c.end), c.text) for i, c in enumerate(cues, 1)]
    return srt.compose(subs, reindex=False, strict=False)


def _vtt_text(text: str) -> str:
    # "-->" may not appear in a cue's payload and a blank line would end the cue.
    lines = [ln for ln in text.split("\n") if ln.strip()]
    escaped = html.escape("\n".join(lines), quote=False)
    return escaped.replace("--&gt;", "→")


def to_vtt(cues: Iterable[Cue]) -> str:
    """Cues -> WebVTT text."""
    parts = ["WEBVTT\n"]
    for i, c in enumerate(cues, 1):
        times = f"{format_time(c.start, '.')} --> {format_time(c.end, '.')}"
        parts.append(f"{i}\n{times}\n{_vtt_text(c.text)}\n")
    return "\n".join(parts)


def shift(cues: Iterable[Cue], seconds: float) -> list[Cue]:
    """Every cue moved by ``seconds`` (cues that would start before 0 are clipped to it)."""
    out = []
    for c in cues:
        start, end = c.start + seconds, c.end + seconds
        if end > 0:
            out.append(Cue(max(0.0, start), end, c.text))
    return out


def join(parts: Sequence[tuple[Sequence[Cue], float]]) -> list[Cue]:
    """Captions of videos played one after another.

    ``parts`` holds each video's cues and its duration in seconds; each part's cues are shifted
    by the durations before it and clipped to its own length, so a caption never spills into the
    next video.
    """
    out: list[Cue] = []
    offset = 0.0
    for cues, duration in parts:
        for c in cues:
            start, end = c.start, min(c.end, duration)
            if start >= duration:
                continue
            out.append(Cue(start + offset, end + offset, c.text))
        offset += duration
    return out


def read(path: str) -> list[Cue]:
    """Read an .srt or .vtt file (by its extension)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if path.lower().endswith(".vtt"):
        return parse_vtt(text, path)
    return parse_srt(text, path)


def write(path: str, cues: Iterable[Cue]) -> None:
    """Write cues as .srt or .vtt (by the extension), atomically."""
    text = to_vtt(cues) if path.lower().endswith(".vtt") else to_srt(cues)
    atomic_write_text(path, text)


def convert(src: str, dst: str) -> list[Cue]:
    """Copy a caption file into the other format (or the same one, normalised)."""
    cues = read(src)
    write(dst, cues)
    return cues


def sibling(path: str, ext: str) -> str:
    """``lecture.mp4`` -> ``lecture.vtt``."""
    return os.path.splitext(path)[0] + "." + ext.lstrip(".")

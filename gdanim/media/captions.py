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
#: Broadcast practice (Netflix, DCMP, BBC): at most this many characters a line, lines a cue,
#: and a cue up from MIN_SECONDS to MAX_SECONDS.
MAX_LINE = 42
MAX_LINES = 2
#: A line shorter than this (characters) is a word or two left alone.
SHORT_LINE = 15
MIN_SECONDS = 1.0
#: A cue of fewer characters that ends a sentence begun in the cue before is a tail of it
#: ("at the bottom."): the breaks avoid it at this cost, as much as a phrase broken twice.
TAIL_CHARS = 24
TAIL_COST = 14.0
MAX_SECONDS = 7.0

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


# ---------------------------------------------------------------- cues to broadcast practice

#: Signs that bind the words on either side of them: ``w = 36.15`` stays on one line.
_BINDING = frozenset(
    ["=", "+", "−", "-", "×", "·", "/", "≈", "<", ">", "≤", "≥", "→", "←", "*", "±"]
)
#: Characters that make a word part of a formula: two such words in a row stay together.
_MATH = frozenset("=+−×·/≈<>≤≥→Σ∂√²ᵢ₀₁ŷ|")
#: Words a line may end before (a phrase starts with them) ...
_PHRASE_STARTS = frozenset(
    [
        "and",
        "but",
        "or",
        "so",
        "yet",
        "nor",
        "to",
        "of",
        "in",
        "on",
        "at",
        "with",
        "for",
        "from",
        "by",
        "than",
        "which",
        "that",
        "where",
        "while",
        "because",
        "as",
        "into",
        "after",
        "before",
        "until",
        "since",
        "when",
        "whose",
        "each",
        "every",
        "then",
        "if",
    ]
)
#: ... and words a line should not end with (the phrase would be cut after its first word).
_CLINGING = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "into",
        "its",
        "their",
        "his",
        "her",
        "this",
        "these",
        "those",
    ]
)


def _mathy(word: str) -> bool:
    return any(ch in _MATH for ch in word)


def _units(text: str) -> list[str]:
    """The words of ``text``, with what must stay together joined: a sign and its neighbours
    (``w = 36.15``), a bracket's contents (``(w, b)``) and a formula's terms
    (``Σ xᵢ (yᵢ − ŷᵢ)``)."""
    units: list[str] = []
    glue_next = False
    depth = 0
    previous = ""
    for word in text.split():
        opened = depth > 0
        depth = max(
            0, depth + word.count("(") + word.count("[") - word.count(")") - word.count("]")
        )
        binding = word in _BINDING
        formula = _mathy(previous) and _mathy(word) and not previous.endswith((",", ".", ":", ";"))
        if units and (glue_next or binding or opened or formula):
            units[-1] += " " + word
        else:
            units.append(word)
        glue_next = binding
        previous = word
    out: list[str] = []
    # A formula or an aside longer than a line is broken before an equals sign, else before
    # a term's sign (never between a factor and its times sign), else after a comma, else
    # where it leaves no word or two alone on the next line.
    for unit in units:
        while len(unit) > MAX_LINE:
            words = unit.split(" ")
            cuts = [k for k in range(1, len(words)) if len(" ".join(words[:k])) <= MAX_LINE]
            whole = [k for k in cuts if len(" ".join(words[k:])) >= SHORT_LINE]
            at = (
                [k for k in cuts if words[k] in ("=", "≈")]
                or [k for k in whole if words[k] in ("+", "−")]
                or [k for k in whole if words[k - 1].endswith(",")]
                or whole[-1:]
                or cuts[-1:]
            )
            out.append(" ".join(words[: at[-1]]))
            unit = " ".join(words[at[-1] :])
        out.append(unit)
    return out


def _break_cost(units: list[str], j: int) -> float:
    """How bad a break after ``units[j - 1]`` is: nothing at a sentence's end, little at a
    clause's or before a phrase, much inside a phrase."""
    if j >= len(units):
        return 0.0
    last, nxt = units[j - 1], units[j]
    if last.endswith((".", "!", "?")):
        return 0.0
    if last.endswith((":", ";")):
        return 0.5
    if last.endswith(","):
        # a point's coordinates (``w = 0, b = 73,673``) are read together
        return 8.0 if "=" in last and "=" in nxt else 1.0
    if last.split(" ")[-1].lower() in _CLINGING:
        return 12.0
    if re.fullmatch(r"[\d,.]+", last.split(" ")[-1]) and re.match(r"[^\W\d_]{2}", nxt):
        # a count and what it counts ("1500 updates") are read together
        return 12.0
    if nxt.startswith("("):  # an aside
        return 1.5
    if nxt.split(" ")[0].lower() in _PHRASE_STARTS:
        return 2.0
    return 6.0


def _chunks(text: str, max_lines: int = MAX_LINES) -> list[list[str]]:
    """``text`` as cues of at most ``max_lines`` lines of at most :data:`MAX_LINE` characters,
    broken where the phrases break (the cheapest breaks, found by dynamic programming)."""
    units = _units(text)
    n = len(units)
    if n == 0:
        return []
    inf = float("inf")
    # best[i][k]: the cheapest layout of units[:i] whose last line is line k (0-based) of its
    # cue; back[i][k] = (where that line starts, the line index before it).
    best = [[inf] * max_lines for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(-1, -1)] * max_lines for _ in range(n + 1)]
    stops = [u.endswith((".", "!", "?")) for u in units]

    def tail(i: int, q: int) -> float:
        """What the cue whose last line ends before ``units[i]`` (as line ``q``) costs for
        being a short tail of its sentence: begun inside the sentence, it ends it (or the
        text) with a few words alone on screen."""
        if best[i][q] == inf:
            return 0.0
        chars, pos, kk = 0, i, q
        while True:
            s, pk = back[pos][kk]
            chars += sum(len(u) for u in units[s:pos]) + (pos - s)
            if kk == 0:
                break
            pos, kk = s, pk
        if s == 0 or stops[s - 1] or not (i == n or stops[i - 1]):
            return 0.0
        return TAIL_COST if chars - 1 < TAIL_CHARS else 0.0

    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            width = sum(len(u) for u in units[i:j]) + (j - i - 1)
            if width > MAX_LINE and j - i > 1:
                break
            line = 1.0 + 0.5 * ((MAX_LINE - width) / MAX_LINE) ** 2 * (j < n)
            # a cue's second line of a word or two; where a cue is one line, that cue
            orphan = 6.0 if width < SHORT_LINE else 0.0
            # a sentence that ends inside a cue had better end the cue
            line += 6.0 * sum(u.endswith((".", "!", "?")) for u in units[i : j - 1])
            for k in range(max_lines):
                if k == 0:  # a new cue: at the start, or after a cue's last line
                    if i == 0:
                        cost, from_k = 0.0, -1
                    else:
                        from_k = min(range(max_lines), key=lambda q: best[i][q] + tail(i, q))
                        cost = best[i][from_k] + tail(i, from_k) + 2 * _break_cost(units, i)
                        # a formula broken over two lines stays in one cue
                        cost += 20.0 * units[i].startswith(("= ", "≈ "))
                    cost += 3.0 + (orphan if max_lines == 1 and n > 1 else 0.0)
                else:
                    if i == 0:
                        continue
                    ends = units[i - 1].endswith((".", "!", "?"))
                    cost = best[i][k - 1] + _break_cost(units, i) + 4.0 * ends + orphan
                    from_k = k - 1
                if cost == inf:
                    continue
                cost += line
                if cost < best[j][k]:
                    best[j][k] = cost
                    back[j][k] = (i, from_k)
    k = min(range(max_lines), key=lambda q: best[n][q] + tail(n, q))
    lines: list[tuple[str, int]] = []
    j = n
    while j > 0:
        i, prev_k = back[j][k]
        lines.append((" ".join(units[i:j]), k))
        j, k = i, prev_k
    lines.reverse()
    cues: list[list[str]] = []
    for text_line, k in lines:
        if k == 0:
            cues.append([])
        cues[-1].append(text_line)
    return cues


def min_seconds(text: str) -> float:
    """The least time a beat captioned ``text`` needs so that :func:`to_practice` can keep
    every cue of it up for at least :data:`MIN_SECONDS` and its reading time."""
    return sum(_floor(len(" ".join(c))) for c in _chunks(text))


def _floor(chars: int) -> float:
    """The least time a cue of ``chars`` characters stays up (2 ms to spare for the
    millisecond rounding of caption files)."""
    return max(MIN_SECONDS, chars / READING_CPS) + 0.002


def _spread(lengths: list[int], total: float) -> list[float]:
    """``total`` seconds shared in proportion to ``lengths``, each share at least its floor
    (one second, and its reading time) where the total allows."""
    floors = [_floor(n) for n in lengths]
    if total <= sum(floors):
        return [total * f / sum(floors) for f in floors]
    shares = [0.0] * len(lengths)
    free = list(range(len(lengths)))
    left = total
    while True:  # a share below its floor is fixed at it; the rest shared again
        weight = sum(lengths[i] for i in free) or 1
        fixed = [i for i in free if left * lengths[i] / weight < floors[i]]
        if not fixed:
            for i in free:
                shares[i] = left * lengths[i] / weight
            return shares
        for i in fixed:
            shares[i] = floors[i]
            left -= floors[i]
            free.remove(i)


def to_practice(text: str, start: float, end: float) -> list[Cue]:
    """A beat's caption ``text``, shown from ``start`` to ``end`` seconds, as cues that keep
    to broadcast practice.

    Each cue holds at most :data:`MAX_LINES` lines of at most :data:`MAX_LINE` characters,
    broken at phrase boundaries (after a sentence or a clause, before a conjunction or a
    preposition; never inside a number, a formula such as ``w = 36.15`` or brackets). The
    cues follow one another over the beat, each for a time in proportion to its length, at
    least :data:`MIN_SECONDS` and its reading time at :data:`READING_CPS` (when the beat is
    at least :func:`min_seconds` long), at most :data:`MAX_SECONDS`: a beat too long for
    its words splits its longest cues of two lines into two cues of one, then cuts lines
    shorter, where it can be, and a cue
    that would still stay longer ends early. A pure function: narration timed to speech calls
    it per phrase or per sentence with the words' times.
    """
    text = " ".join(text.split())
    if not text or end <= start:
        return []
    total = end - start
    chunks = _chunks(text)
    # Too few cues for the time: the longest cue of two lines becomes two cues of one, as
    # often as needed (not every line its own cue: a sentence would flicker by in pieces).
    while len(chunks) * MAX_SECONDS < total:
        pairs = [i for i, c in enumerate(chunks) if len(c) > 1]
        if not pairs:
            break
        longest = max(pairs, key=lambda i: len(" ".join(chunks[i])))
        chunks[longest : longest + 1] = [[line] for line in chunks[longest]]
    while len(chunks) * MAX_SECONDS < total:  # still too few: cut the longest line in two
        longest = max(range(len(chunks)), key=lambda i: len(chunks[i][0]))
        units = _units(chunks[longest][0])
        if len(units) < 2:
            break
        cut = _best_cut(units)
        chunks[longest : longest + 1] = [[" ".join(units[:cut])], [" ".join(units[cut:])]]
    shares = _spread([len(" ".join(c)) for c in chunks], total)
    cues = []
    t = start
    for chunk, share in zip(chunks, shares, strict=True):
        cues.append(Cue(round(t, 3), round(t + min(share, MAX_SECONDS), 3), "\n".join(chunk)))
        t += share
    return cues


def _best_cut(units: list[str]) -> int:
    """Where to cut a line in two: the best phrase boundary, nearest the middle."""
    middle = len(" ".join(units)) / 2

    def cost(j: int) -> float:
        return _break_cost(units, j) * 10 + abs(len(" ".join(units[:j])) - middle)

    return min(range(1, len(units)), key=cost)


def practice_problems(cue: Cue) -> list[str]:
    """What in ``cue`` breaks broadcast practice (none when it keeps to it)."""
    out = []
    lines = cue.text.split("\n")
    if len(lines) > MAX_LINES:
        out.append(f"{len(lines)} lines")
    out += [f"a line of {len(line)} characters" for line in lines if len(line) > MAX_LINE]
    shown = cue.end - cue.start
    if shown < MIN_SECONDS - 1e-3:
        out.append(f"up {shown:.3f} s")
    if shown > MAX_SECONDS + 1e-3:
        out.append(f"up {shown:.3f} s")
    chars = len(" ".join(lines))
    if shown > 0 and chars / shown > READING_CPS * 1.001:
        out.append(f"{chars / shown:.1f} characters a second")
    return out


def practice(cues: Iterable[Cue]) -> list[Cue]:
    """Each cue (one per beat) as the cues :func:`to_practice` makes of it."""
    return [c for cue in cues for c in to_practice(cue.text, cue.start, cue.end)]


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

"""Text of the scenes: labels, notes, number formats and tick positions."""

from __future__ import annotations

import math
import re

import numpy as np
from manim import (
    Rectangle,
    Text,
)
from numpy.typing import NDArray

from ... import numbers
from .. import style
from ..style import Theme

FloatArray = NDArray[np.float64]


FONT = "DejaVu Sans"
MONO_FONT = "DejaVu Sans Mono"


def nice_ticks(lo: float, hi: float, target: int = 5, least: int = 3) -> list[float]:
    """Round tick values inside ``[lo, hi]``: steps of 1, 2 or 5 times a power of ten.

    At least ``least`` ticks, so that every axis can be read off (one or two labels do not
    tell where zero or the scale is).
    """
    ticks = _nice_ticks(lo, hi, target)
    while len(ticks) < least and target < 4 * least:
        target += 1
        ticks = _nice_ticks(lo, hi, target)
    return ticks


def _nice_ticks(lo: float, hi: float, target: int) -> list[float]:
    span = hi - lo
    if not span > 0 or not math.isfinite(span):
        return [lo]
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + 1e-9 * step:
        ticks.append(0.0 if abs(v) < step * 1e-9 else v)
        v += step
    return ticks


def fmt(v: float, sig: int = 4) -> str:
    """A number for a label or a caption, in the house style of :mod:`gdanim.numbers`."""
    return numbers.fmt(v, sig)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(k: int) -> str:
    """``10⁻³``-style label."""
    return "10" + str(k).translate(_SUPERSCRIPT)


_TYPESET: dict[tuple[str, float, str], Text] = {}

#: A hyphen that is a minus sign: before a digit, at the start or after a space, "=", "(" or
#: ",". A hyphen between words or in "1e-5" stays one.
_MINUS = re.compile(r"(?:^|(?<=[\s=(,]))-(?=\d)")


def on_screen(text: str) -> str:
    """``text`` as it is set on screen: a minus sign (U+2212) where a hyphen stands for one,
    "−60" rather than "-60", as typeset mathematics has it."""
    return _MINUS.sub("\u2212", text)


def label(
    text: str, theme: Theme, size: float = style.LABEL_SIZE, color: str | None = None
) -> Text:
    """Plain text in the theme's ink, with minus signs where hyphens stand for them.

    Typesetting costs tens of milliseconds and panels repeat their labels, so each distinct
    text is set once and copied.
    """
    text = on_screen(text)
    key = (text, size, str(color or theme.ink))
    if key not in _TYPESET:
        typeset = Text(text, font=FONT, font_size=size, color=color or theme.ink)
        # The parsed SVG path each glyph keeps makes every later copy several times slower.
        for glyph in typeset.family_members_with_points():
            if hasattr(glyph, "path_obj"):
                glyph.path_obj = None  # type: ignore[attr-defined]
        _TYPESET[key] = typeset
    return _TYPESET[key].copy()


#: A name cut for room keeps at least this many letters before its ellipsis.
MIN_KEPT = 3


#: A note after an axis's name that is never dropped for room: the power of ten its ticks
#: count in ("(×10⁶)", part of their numbers) or that its scale is a log one.
#: So is what a standardised axis counts in ("(per sd)", "(per sd of x)"): without it a
#: standardised weight reads as the raw one.
_KEPT_NOTE = re.compile(r"(.*?)\s*(\((?:×[^()]*|log(?: scale)?|per sd[^()]*)\))\s*")


def _bare(text: str) -> str:
    """``text`` bare of its trailing remark; a remark that ends in what a standardised axis
    counts in keeps that part: "w1 (size, per sd)" reads "w1 (per sd)", which stays."""
    found = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", text)
    if found is None:
        return text
    head, remark = found.groups()
    last = remark.split(", ")[-1]
    if not last.startswith("per sd"):
        return head
    return text if last == remark else f"{head} ({last})"


def _note_forms(note: str) -> list[str]:
    """A kept note and its shorter forms: "(log scale)" may read "(log)"."""
    return [note, "(log)"] if note == "(log scale)" else [note]


def _two_lines(text: str) -> str | None:
    """``text`` broken at the space or underscore nearest its middle: "Number of / donations",
    "body_mass_ / g"; None for one word."""
    breaks = [i for i, c in enumerate(text) if c in " _"]
    if not breaks or "\n" in text:
        return None
    cut = min(breaks, key=lambda i: abs(i - len(text) / 2))
    if text[cut] == " ":
        return f"{text[:cut]}\n{text[cut + 1 :]}"
    return f"{text[: cut + 1]}\n{text[cut + 1 :]}"


def least_room(text: str, theme: Theme, least: float = 0.84, lines: int = 1) -> float:
    """The least room in which :func:`fitted_label` sets ``text`` uncut: on one line, or
    (``lines=2``) a scale on a line of its own or a plain name in two, at ``least`` of its
    size."""
    forms = [text]
    scaled = re.fullmatch(r"(.*?)\s*(\(×[^()]*\))\s*", text)
    if lines > 1 and scaled and scaled.group(1):
        forms.append("\n".join(scaled.groups()))
    elif not _KEPT_NOTE.fullmatch(text):
        # A plain name: bare of its remark, or broken in two ("body_ / mass_g").
        bare = _bare(text) or text
        broken = _two_lines(bare) if lines > 1 else None
        forms += [bare] + ([broken] if broken else [])
    return min(float(label(f, theme, style.LABEL_SIZE).width) for f in forms) * least


def stands_upright(name: str) -> bool:
    """Whether a y axis's name is set upright beside its axis rather than up it: a name of
    one or two letters ("b", "b′", "w2", "ŷ"), which turned on its side reads as another
    letter ("b" as "q") and upright takes no more room."""
    return len(name.strip().replace("′", "")) <= 2 and "\n" not in name.strip()


def fitted_label(text: str, theme: Theme, room: float, least: float = 0.84, lines: int = 1) -> Text:
    """An axis name that fits ``room``: shrunk to ``least`` of its size at most, then bare of
    a trailing remark, then (``lines=2``, where the side has room across) on two lines (three
    with ``lines=3``: a name broken and its scale or log note), and
    only then shortened with an ellipsis, so a long column name stays readable at 480p.

    A power of ten ("(×10⁶)") or a log scale ("(log scale)", else "(log)") after the name is
    never dropped: the name before it gives way instead."""
    t = label(text, theme, style.LABEL_SIZE)
    if t.width <= room:
        return t
    if t.width * least <= room:
        return t.scale(room / t.width)
    # A scale ("loss (×10⁶)") is part of the numbers on the axis, and the name says what
    # they count: neither is dropped. The scale takes a line of its own where the side has
    # room, else the name before it is shortened to a few letters; where even that does not
    # fit, it is set smaller than the least size (a panel too short for its name, which the
    # scene gives room: see least_room) rather than "(×10⁶)" alone. A log note likewise.
    kept = _KEPT_NOTE.fullmatch(text)
    if kept and kept.group(1):
        name, note = kept.groups()
        # Bare of a remark first, as below: "w (std. x) (×10⁻³)" as "w (×10⁻³)".
        bare = _bare(name)
        broken = _two_lines(name) if lines > 1 else None
        # "(log scale)" reads "(log)" on one line before either takes a line of its own.
        tries = [f"{name} {unit}" for unit in _note_forms(note)[1:]]
        for unit in _note_forms(note):
            tries += [f"{name}\n{unit}"] if lines > 1 else []
            if bare and bare != name:
                tries += [f"{bare} {unit}"] + ([f"{bare}\n{unit}"] if lines > 1 else [])
        if broken is not None:
            # Two lines still ("actual body_ / mass_g (×10³)"), or three where the side
            # takes them (up a short panel: "extra / loss / (log)").
            tries += [f"{broken} {unit}" for unit in _note_forms(note)]
            tries += [f"{broken}\n{unit}" for unit in _note_forms(note)] if lines > 2 else []
        per_sd = re.fullmatch(r"(.*?)\s*\((per sd[^()]*)\)", name)
        if per_sd and lines > 1:
            # A standardised name and its scale: "w′ (×10⁶) / per sd of x" before "w′… (×10⁶)".
            for unit in _note_forms(note):
                tries += [f"{per_sd.group(1)} {unit}\n{per_sd.group(2)}"]
        if note.startswith("(per sd") and lines > 1:
            # Up a short map: "w2 / per sd", then "w2 / per / sd" where the side takes three.
            inner = note[1:-1]
            tries += [f"{name}\n{inner}"]
            split = _two_lines(inner) if lines > 2 else None
            tries += [f"{name}\n{split}"] if split else []
        unit = _note_forms(note)[-1]
        tries += [
            f"{name[:keep].rstrip(' _-.(')}… {unit}"
            for keep in range(len(name) - 1, MIN_KEPT - 1, -1)
        ]
        for attempt in tries:
            t = label(attempt, theme, style.LABEL_SIZE)
            if t.width * least <= room:
                return t.scale(min(1.0, room / t.width))
        narrowest = min(tries or [text], key=lambda a: label(a, theme, style.LABEL_SIZE).width)
        return label(narrowest, theme, style.LABEL_SIZE).scale_to_fit_width(room)
    # A trailing remark in parentheses goes first: "b (intercept)" reads better as "b" than
    # as "b (inte…", "Funds raised ($)" as "Funds raised".
    bare = _bare(text)
    if bare and bare != text:
        return fitted_label(bare, theme, room, least, lines)
    # Then two lines, broken at the space or underscore nearest the middle: "Number of /
    # donations" reads whole where "Number of don…" does not.
    broken = _two_lines(text) if lines > 1 else None
    if broken is not None:
        t = label(broken, theme, style.LABEL_SIZE)
        if t.width * least <= room:
            return t.scale(min(1.0, room / t.width))
    keep = len(text)
    while keep > 4:
        keep -= 1
        short = text[:keep].rstrip(" _-.(") + "…"
        t = label(short, theme, style.LABEL_SIZE)
        if t.width * least <= room:
            return t.scale(min(1.0, room / t.width))
    return t.scale_to_fit_width(room)


def note(text: str, theme: Theme, color: str | None = None) -> Text:
    """A one-line caption in the theme."""
    return label(text, theme, style.NOTE_SIZE, color)


def edge_box(width: float, height: float) -> Rectangle:
    """An invisible rectangle, for layout."""
    return Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)

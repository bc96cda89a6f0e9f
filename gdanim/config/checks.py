"""Value checks shared by every way in: the command line, the lecture file and Python.

Each check takes a value and returns it in its canonical form, or raises :class:`Bad` with a
message that names the value and never the key: the caller knows where the value came from
(``--lr``, ``scenes[3].lr`` or ``lr=``) and :mod:`gdanim.config.errors` puts the two together.
Text from the command line is parsed first (``"0.01"`` is a number there, ``"60,300"`` a
point); values from a lecture file or from Python must already have their type.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .names import MAX_PIXELS, MIN_SIDE, REGIMES

Check = Callable[[Any, bool], Any]


class Bad(ValueError):
    """A value that fails its check. ``keys`` name the other options a message refers to:
    ``{data}`` in the message is spelt as the source spells it (``--data``, ``data``)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


def show(v: Any) -> str:
    """A value as the user wrote it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(show(x) for x in v) + "]"
    return str(v)


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _as_number(v: Any, text: bool) -> Any:
    if text and isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            raise Bad(f"{show(v)} is not a number") from None
    return v


def choice(options: Sequence[str]) -> Check:
    def check(v: Any, text: bool = False) -> Any:
        if text and isinstance(v, str):
            v = v.strip(" ")  # a line break or a control character is never a name
        if not isinstance(v, str) or v not in options:
            raise Bad(f"{show(v)} is not one of {', '.join(options)}")
        return v

    return check


def number(lo: float | None = None, hi: float | None = None, *, lo_open: bool = False,
           hi_open: bool = False) -> Check:  # fmt: skip
    def check(v: Any, text: bool = False) -> Any:
        given = v
        v = _as_number(v, text)
        if not is_number(v):
            raise Bad(f"{show(given)} is not a number")
        below = lo is not None and (v <= lo if lo_open else v < lo)
        above = hi is not None and (v >= hi if hi_open else v > hi)
        if below or above:
            left = "(" if lo_open else "["
            right = ")" if hi_open else "]"
            span = f"{left}{'-inf' if lo is None else f'{lo:g}'}, "
            span += f"{'inf' if hi is None else f'{hi:g}'}{right}"
            raise Bad(f"{show(given)} is outside {span}")
        return float(v)

    check.span = _span(lo, hi, lo_open, hi_open)  # type: ignore[attr-defined]
    return check


def _span(lo: float | None, hi: float | None, lo_open: bool = False, hi_open: bool = False) -> str:
    """``x > 0``, ``0 <= x < 1``: a range as the help shows it."""

    def f(v: float) -> str:
        return str(v) if isinstance(v, int) else f"{v:g}"

    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"x {'>' if lo_open else '>='} {f(lo)}"  # type: ignore[arg-type]
    left = "" if lo is None else f"{f(lo)} {'<' if lo_open else '<='} "
    return f"{left}x {'<' if hi_open else '<='} {f(hi)}"


def integer(lo: int | None = None, hi: int | None = None) -> Check:
    def check(v: Any, text: bool = False) -> Any:
        given = v
        if text and isinstance(v, str):
            try:
                v = int(v.strip())
            except ValueError:
                raise Bad(f"{show(v)} is not a whole number") from None
        if not isinstance(v, int) or isinstance(v, bool):
            raise Bad(f"{show(v)} is not a whole number")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise Bad(f"{show(given)} is outside [{lo if lo is not None else '-inf'}, "
                      f"{hi if hi is not None else 'inf'}]")  # fmt: skip
        return v

    check.span = _span(lo, hi)  # type: ignore[attr-defined]
    return check


def boolean(v: Any, text: bool = False) -> Any:
    if text and isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    if not isinstance(v, bool):
        raise Bad(f"{show(v)} is not true or false")
    return v


def nonempty(v: Any, text: bool = False) -> Any:
    if not isinstance(v, str) or not v.strip():
        raise Bad(f"{show(v)} is not a non-empty string")
    return v


def path(v: Any, text: bool = False) -> Any:
    """A file name: text, or an :class:`os.PathLike` (Python)."""
    import os

    if isinstance(v, os.PathLike):
        v = os.fspath(v)
    return nonempty(v, text)


def column(v: Any, text: bool = False) -> Any:
    """A column: its header, or its 0-based position."""
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return str(v)
    return nonempty(v, text)


def columns(v: Any, text: bool = False) -> Any:
    """One column, or several (a list; ``"a,b"`` as text is split where no column has that
    name, when the file is read)."""
    if isinstance(v, (list, tuple)):
        if not v:
            raise Bad("names no column")
        names = tuple(column(c, text) for c in v)
        if len(set(names)) != len(names):
            raise Bad(f"{show(list(v))} names a column twice")
        return names[0] if len(names) == 1 else names
    return column(v, text)


def rate(v: Any, text: bool = False) -> Any:
    """A learning rate: a number > 0, or a regime name."""
    given = v
    if isinstance(v, str):
        word = v.strip().lower() if text else v
        if word in REGIMES:
            return word
        if not text:
            raise Bad(f"{show(v)} is not a number nor one of {', '.join(REGIMES)}")
        try:
            v = float(word)
        except ValueError:
            raise Bad(f"{show(v)} is not a number nor one of {', '.join(REGIMES)}") from None
    if not is_number(v) or v <= 0:
        raise Bad(f"{show(given)} must be a number > 0 or one of {', '.join(REGIMES)}")
    return float(v)


def rates(v: Any, text: bool = False) -> Any:
    """2 to 4 learning rates: a list, or text separated by commas."""
    if text and isinstance(v, str):
        v = [p.strip() for p in v.split(",") if p.strip()]
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list) or not 2 <= len(v) <= 4:
        raise Bad(f"{show(v)}: give 2 to 4 learning rates, e.g. [0.001, 0.01, 0.04]")
    return tuple(rate(x, text) for x in v)


def point(v: Any, text: bool = False) -> Any:
    """A point ``(w, b)``: two finite numbers (``"W,B"`` as text); with several features
    ``(w1, ..., wd, b)``, checked against the data's features when a run is resolved."""
    if text and isinstance(v, str):
        parts = v.replace(" ", "").split(",")
        try:
            v = [float(p) for p in parts]
        except ValueError:
            raise Bad(f"{show(v)} is not two numbers 'W,B'") from None
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list) or len(v) < 2:
        raise Bad(f"{show(v)} is not two numbers [w, b]")
    try:
        out = [float(x) for x in v if not isinstance(x, (bool, str))]
    except (TypeError, ValueError):
        out = []
    if len(out) != len(v) or not all(math.isfinite(x) for x in out):
        raise Bad(f"{show(v)} is not two finite numbers [w, b]")
    return tuple(out)


def resolution(v: Any, text: bool = False) -> Any:
    """``"WIDTHxHEIGHT"`` (or a pair) with even sizes from :data:`MIN_SIDE` up to 8K."""
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(is_number(x) for x in v):
        w, h = v
    elif isinstance(v, str):
        parts = v.lower().replace(" ", "").split("x")
        try:
            w, h = (int(p) for p in parts)
        except ValueError:
            raise Bad(f"{show(v)}: expected WIDTHxHEIGHT, e.g. 1280x720") from None
    else:
        raise Bad(f'{show(v)} is not a string like "1280x720"')
    if w != int(w) or h != int(h):
        raise Bad(f"{show(v)}: sizes must be whole numbers")
    w, h = int(w), int(h)
    if w <= 0 or h <= 0:
        raise Bad(f"sizes must be positive, not {show(v)}")
    if w % 2 or h % 2:
        raise Bad(f"width and height must be even (video codecs), not {show(v)}")
    if min(w, h) < MIN_SIDE:
        raise Bad(f"{show(v)} is too small: each side at least {MIN_SIDE} pixels")
    if w * h > MAX_PIXELS:
        raise Bad(f"{show(v)} is larger than 8K")
    return (w, h)

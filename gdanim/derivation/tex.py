"""The TeX model of the derivation: symbols, parts and equations, and how its numbers are
written (significant digits, plain or powers of ten) and how long a line takes to read."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Part = tuple[str, str]

#: Significant digits of every number shown.
SIG = 6
#: Plain notation between these magnitudes, powers of ten outside.
PLAIN_MIN, PLAIN_MAX = 1e-4, 1e6
#: A thousands separator from here up (``60,171``; ``2309`` stays as it is), as in
#: :mod:`gdanim.numbers`.
GROUP_FROM = 10_000
#: Reading pace of a caption, characters per second (subtitle guidelines say 15 to 17 for
#: adults; mathematics reads slower).
READ_CPS = 13.0
#: Extra seconds to take in each new line of mathematics.
READ_PER_LINE = 1.2
#: Least time a beat stays up.
READ_MIN = 2.5
#: The sums are recomputed from the data; they are shown only when they give back the
#: recorded gradient to this relative precision.
CONSISTENT_RTOL = 1e-7
#: A value this small relative to the sizes of the terms it came from is rounding noise: 0.
TIDY_RTOL = 1e-12

# Symbols that recur across lines: the same string is the same term on screen.
DLDW = r"\frac{\partial L}{\partial w}"
DLDB = r"\frac{\partial L}{\partial b}"
DLDW_BATCH = r"\frac{\partial L_B}{\partial w}"  # the loss over a random batch B
DLDB_BATCH = r"\frac{\partial L_B}{\partial b}"
SUM = r"\sum_{i=1}^{N}"
YHAT = r"\hat{y}_i"
LOSS_LHS = "L(w,b)"
L2_VALUE = r"\frac{\lambda}{2}\, w^{2}"
L2_GRAD = r"\lambda\, w"
INNER_W = "-x_i"
INNER_W_PAREN = r"\bigl(-x_i\bigr)"
INNER_B = "-1"
INNER_B_PAREN = r"\bigl(-1\bigr)"
# A minus and an x_i carried from the inner derivative: braces keep them distinct terms from
# the residual's own minus and x_i while they typeset the same.
CARRIED_MINUS = "{-}"
CARRIED_X = "{x_i}"


def part(tex: str, role: str = "") -> Part:
    return (tex, role)


@dataclass(frozen=True)
class Eq:
    """One line of mathematics: its parts in order."""

    parts: tuple[Part, ...]
    #: Index of the part that starts a second row when the frame is narrow, or ``None``.
    wrap: int | None = None

    def __post_init__(self) -> None:
        # MathTex drops empty strings, which would shift every later part's colour.
        if any(not t.strip() for t, _ in self.parts):
            raise ValueError("an equation part must not be empty")
        if self.wrap is not None and not 0 < self.wrap < len(self.parts):
            raise ValueError("wrap must index a part after the first")

    def wrapped(self) -> list[str]:
        """The parts typeset on two left-aligned rows, the second indented at :attr:`wrap`."""
        out = self.strings
        if self.wrap is None:
            return out
        out[0] = "&" + out[0]
        out[self.wrap] = r"\\ &\qquad " + out[self.wrap]
        return out

    def wrap_at(self, tex: str, occurrence: int = 0) -> Eq:
        """This line, wrapping before the ``occurrence``-th part whose TeX is ``tex``."""
        hits = [i for i, (t, _) in enumerate(self.parts) if t == tex]
        return Eq(self.parts, hits[occurrence])

    @property
    def strings(self) -> list[str]:
        """The TeX of each part, as passed to ``MathTex``."""
        return [t for t, _ in self.parts]

    @property
    def tex(self) -> str:
        """The whole line as one TeX string."""
        return " ".join(self.strings)

    @property
    def has_matrix(self) -> bool:
        """Whether the line holds a matrix or a column vector."""
        return r"\begin{bmatrix}" in self.tex

    def roles(self) -> dict[int, str]:
        """Index of each highlighted part and its role."""
        return {i: r for i, (_, r) in enumerate(self.parts) if r}


def eq(*items: str | Part) -> Eq:
    """An equation from strings (plain parts) and ``(tex, role)`` pairs."""
    return Eq(tuple(part(i) if isinstance(i, str) else i for i in items))


def _split(v: float, sig: int) -> tuple[str, int | None]:
    """Mantissa text and exponent (``None`` in plain notation) of ``v`` at ``sig`` digits."""
    a = abs(v)
    if a >= PLAIN_MAX or a < PLAIN_MIN:
        m, e = f"{v:.{sig - 1}e}".split("e")
        if "." in m:
            m = m.rstrip("0").rstrip(".")
        return m, int(e)
    decimals = max(0, sig - 1 - math.floor(math.log10(a)))
    s = f"{v:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s, None


def _grouped(m: str, sep: str) -> str:
    """Plain mantissa ``m`` with ``sep`` between its whole part's thousands from
    :data:`GROUP_FROM` up (``60171`` to ``60,171``), as every scene writes its numbers."""
    whole, dot, frac = m.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    if not digits.isdigit() or int(digits) < GROUP_FROM:
        return m
    groups = f"{int(digits):,}".split(",")
    return sign + sep.join(groups) + dot + frac


def tidy(v: float, scale: float) -> float:
    """``v``, or 0 when it is zero up to the rounding noise of a computation of size ``scale``."""
    return 0.0 if abs(v) <= TIDY_RTOL * scale else v


def fmt_num(v: float, sig: int = SIG) -> str:
    """``v`` as plain text at ``sig`` significant digits (``1.5e-05`` style when tiny or huge,
    ``60,171`` from :data:`GROUP_FROM` up)."""
    if not math.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    m, e = _split(v, sig)
    out = _grouped(m, ",") if e is None else f"{m}e{e}"
    return "0" if out in ("-0", "") else out


def fmt_text(v: float, sig: int = SIG) -> str:
    """``v`` for a caption: :func:`fmt_num` with a typographic minus."""
    return fmt_num(v, sig).replace("-", "\u2212")


def tex_num(v: float, sig: int = SIG) -> str:
    """``v`` as TeX at ``sig`` significant digits (``1.5 \\times 10^{-5}`` when tiny or huge,
    ``60{,}171`` from :data:`GROUP_FROM` up)."""
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\mathrm{NaN}")
    if v == 0:
        return "0"
    m, e = _split(v, sig)
    if m in ("-0", ""):
        return "0"
    if e is None:
        return _grouped(m, "{,}")
    if m in ("1", "-1"):
        return f"{m[:-1]}10^{{{e}}}"
    return rf"{m} \times 10^{{{e}}}"


def displayed(v: float, sig: int = SIG) -> float:
    """The value a reader takes from ``fmt_num(v)``."""
    return float(fmt_num(v, sig).replace(",", ""))


def tex_factor(v: float, sig: int = SIG) -> list[str]:
    """A number as a factor after ``\\cdot``: in parentheses when negative."""
    t = tex_num(v, sig)
    return [r"\bigl(", t, r"\bigr)"] if t.startswith("-") else [t]


def reading_time(caption: str, new_lines: int = 0) -> float:
    """Seconds a beat stays up: its caption at :data:`READ_CPS`, plus its new lines."""
    return max(READ_MIN, len(caption) / READ_CPS + READ_PER_LINE * new_lines)

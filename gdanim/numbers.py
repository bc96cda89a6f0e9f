"""How numbers are written on screen, in captions and in notes: one style everywhere.

- 3 to 4 significant digits (a plain number keeps all digits of its whole part), no trailing
  zeros, no ``-0``;
- plain notation from 0.001 to under a million, scientific (``3.475e-5``, ``1.29e5``) outside;
- a thousands separator from 10,000 up (``154,546``; four-digit numbers such as years and
  ``1500`` stay as they are), except where one axis or one readout also shows a number of
  10,000 or more: then every number of it from 1,000 up has one (``5,000  10,000``,
  ``26,179.56`` then ``6,633.38``), so a quantity is written one way;
- tick labels of one axis share their decimals (``0.25, 0.5, 0.75`` becomes ``0.25, 0.50,
  0.75``), and as many as the step needs, so no two ticks read the same;
- a readout keeps one number of decimals and one notation for the whole run, so its digits
  do not jump (a descent from 2.9 million is written ``2,897,424`` down to ``154,546``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence

PLAIN_MIN, PLAIN_MAX = 1e-3, 1e6
GROUP_FROM = 1e4
SIG = 4


#: A readout that ends in plain notation stays plain up to here (grouped digits read well).
SERIES_PLAIN_MAX = 1e8


def _plain(v: float, decimals: int, group: bool | None = None) -> str:
    """``group``: thousands separators from 1,000 up (None: from 10,000 up)."""
    grouped = abs(v) >= GROUP_FROM if group is None else group
    s = f"{v:,.{decimals}f}" if grouped else f"{v:.{decimals}f}"
    return "0" if s.strip("-0.,") == "" else s


def _sci(v: float, sig: int) -> str:
    m, e = f"{v:.{sig - 1}e}".split("e")
    if "." in m:
        m = m.rstrip("0").rstrip(".")
    return f"{m}e{int(e)}"


def count(n: int) -> str:
    """A whole count: ``3959`` updates, ``20,000`` updates."""
    return f"{n:,}" if abs(n) >= GROUP_FROM else str(n)


def listed(items: Sequence[str]) -> str:
    """Items joined as a sentence says them: ``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def is_plain(v: float) -> bool:
    """Whether ``v`` is written in plain notation."""
    return v == 0 or PLAIN_MIN <= abs(v) < PLAIN_MAX


def fmt(v: float, sig: int = SIG) -> str:
    """``v`` at ``sig`` significant digits in the house style."""
    if not math.isfinite(v):
        return "∞" if v > 0 else ("-∞" if v < 0 else "nan")
    if v == 0:
        return "0"
    a = abs(v)
    if not is_plain(v):
        return _sci(v, sig)
    # Plain numbers keep every digit of their whole part (154,546, not 154,500): a number
    # on screen then reads the same in a caption, a note and a readout.
    rounded = round(v) if a >= 10 ** (sig - 1) else float(f"{v:.{sig - 1}e}")
    if not is_plain(rounded):
        return _sci(v, sig)
    decimals = max(0, sig - 1 - math.floor(math.log10(a)))
    s = _plain(rounded, decimals)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def tick_labels(values: Sequence[float]) -> list[str]:
    """Labels for evenly spaced ticks: one notation and one number of decimals for the axis,
    as many as it takes to write every tick exactly (``0.25, 0.50, 0.75``)."""
    vals = [float(v) for v in values]
    if not vals:
        return []
    nonzero = [abs(v) for v in vals if v != 0]
    if not nonzero:
        return ["0" for _ in vals]
    steps = [abs(b - a) for a, b in itertools.pairwise(vals) if b != a]
    tol = 1e-6 * (min(steps) if steps else max(nonzero))
    if max(nonzero) >= PLAIN_MAX or min(nonzero) < PLAIN_MIN:
        for sig in range(1, 8):
            labels = ["0" if v == 0 else _sci(v, sig) for v in vals]
            if all(abs(float(t) - v) <= tol for t, v in zip(labels, vals, strict=True)):
                return labels
        return labels
    for d in range(0, 10):
        if all(abs(round(v, d) - v) <= tol for v in vals):
            break
    group = max(nonzero) >= GROUP_FROM
    return [_plain(v, d, group) for v in vals]


def series_format(values: Sequence[float], sig: int = SIG) -> Callable[[float], str]:
    """One format for a readout that runs through ``values`` and ends at the last one.

    The decimals are those that show ``sig`` digits of the final value; a run that ends in
    scientific territory is written in scientific notation throughout; values far beyond the
    plain range on the way (a divergence past :data:`SERIES_PLAIN_MAX`) switch to scientific
    notation. Thousands separators go on every number from 1,000 up when the run reaches
    10,000 anywhere, so ``26,179.56`` is followed by ``6,633.38``, not ``6633.38``.
    """
    vals = [float(v) for v in values]
    finite = [abs(v) for v in vals if math.isfinite(v)]
    end = abs(vals[-1]) if vals and math.isfinite(vals[-1]) else 0.0
    ref = end or (max(finite) if finite else 0.0)
    if ref and not is_plain(ref):

        def sci(v: float) -> str:
            if not math.isfinite(v):
                return "-" if v < 0 else ""
            return "0" if v == 0 else _sci(v, sig)

        return sci
    decimals = 0 if ref == 0 else max(0, sig - 1 - math.floor(math.log10(ref)))
    decimals = min(decimals, 6)
    group = any(GROUP_FROM <= v < SERIES_PLAIN_MAX for v in finite)

    def plain(v: float) -> str:
        if not math.isfinite(v):
            return "-" if v < 0 else ""
        if abs(v) >= SERIES_PLAIN_MAX:
            return _sci(v, sig)
        return _plain(v, decimals, group)

    return plain


_HYPHEN_MINUS = re.compile(r"(?<![\w.)\]])-(?=\.?\d)")


def minus_signs(text: str) -> str:
    """``text`` with a negative number's hyphen as the minus sign, as the screen writes it
    ("b = −95.56", "(−0.1, 900)"); a hyphen inside a word, a range or an exponent stays
    ("1-7 s", "1.2e-6"). Speech reads either as "minus"."""
    return _HYPHEN_MINUS.sub("\u2212", text)

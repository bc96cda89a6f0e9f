"""What a cell holds: no value, a number as a formatted cell shows it, or text.

- numbers: a decimal comma where the delimiter is not a comma (European spreadsheets), grouped
  thousands (``"6,384.91"``, ``1.234,5``, ``1 234``), currency signs and a trailing ``%`` as
  formatted cells export them;
- missing values: empty cells and the tokens R, pandas, SAS, Stata and spreadsheets write.

:func:`cell_number` is the loader's reading of one cell: the number, of a size the losses can
square, or an error naming the line and column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from ...errors import InputError

#: Cells that mean "no value" (compared case-insensitively, after stripping).
MISSING_TOKENS = frozenset(
    {
        "",
        "na",
        "n/a",
        "nan",
        "null",
        "none",
        "nil",
        "missing",
        ".",
        "-",
        "--",
        "?",
        "#n/a",
        "#na",
        "#value!",
        "#div/0!",
        "#num!",
        "#ref!",
        "#name?",
        "#null!",
    }
)

Cell = str | float | None


def is_missing(cell: Cell) -> bool:
    """Whether a cell holds no value."""
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    return cell.strip().lower() in MISSING_TOKENS


# --------------------------------------------------------------------------- numbers

_CURRENCY = "$€£¥"
_GROUP_SPACES = " \u00a0\u202f'’"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DOT_GROUPED = re.compile(r"[+-]?\d{1,3}([,\u00a0\u202f '’]\d{3})+(\.\d*)?")
_COMMA_GROUPED = re.compile(r"[+-]?\d{1,3}([.\u00a0\u202f '’]\d{3})+(,\d*)?")
_COMMA_DECIMAL = re.compile(r"[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?")
_DECIMAL_COMMA_HINT = re.compile(r"^[+-]?[\d.\u00a0\u202f '’]*\d,\d+([eE][+-]?\d+)?$")
_DECIMAL_DOT_HINT = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def parse_number(cell: str, decimal: str = ".") -> float:
    """The number a formatted text cell shows; :class:`ValueError` when it is not one.

    ``decimal`` is ``"."`` or ``","``; the other mark, spaces and apostrophes may group
    thousands in threes. Currency signs around the number and a trailing ``%`` are dropped
    (the cell's number is kept as written: ``12.5%`` is 12.5).
    """
    s = cell.strip()
    if s and (s[0] in _CURRENCY or s[-1] in _CURRENCY or s[-1] == "%"):
        s = s.strip(_CURRENCY + "%").strip()
        if s.startswith(("-", "+")) and s[1:2] in _CURRENCY:
            s = s[0] + s[2:].strip()
    if decimal == ".":
        if PLAIN_NUMBER.fullmatch(s):
            return float(s)
        if _DOT_GROUPED.fullmatch(s):
            return float(re.sub(r"[,\u00a0\u202f '’]", "", s))
    else:
        if _COMMA_DECIMAL.fullmatch(s):
            return float(s.replace(",", "."))
        if _COMMA_GROUPED.fullmatch(s):
            return float(re.sub(r"[.\u00a0\u202f '’]", "", s).replace(",", "."))
        if PLAIN_NUMBER.fullmatch(s) and "." not in s:
            return float(s)
    raise ValueError(cell)


def to_number(cell: Cell, decimal: str = ".") -> float | None:
    """A cell as a float, ``None`` when missing; :class:`ValueError` when it is text."""
    if cell is None:
        return None
    if isinstance(cell, float):
        return None if math.isnan(cell) else cell
    if is_missing(cell):
        return None
    return parse_number(cell, decimal)


def is_number(cell: Cell, decimal: str = ".") -> bool:
    try:
        return to_number(cell, decimal) is not None
    except ValueError:
        return False


def detect_decimal(rows: Sequence[Sequence[Cell]], delimiter: str) -> str:
    """``","`` when the cells write decimals with a comma (possible only off comma files)."""
    if delimiter == ",":
        return "."
    commas = dots = 0
    for row in rows:
        for c in row:
            if not isinstance(c, str):
                continue
            s = c.strip().strip(_CURRENCY + "%").strip()
            if _DECIMAL_COMMA_HINT.match(s):
                commas += 1
            elif _DECIMAL_DOT_HINT.match(s) and not _THOUSANDS_DOT.match(s):
                dots += 1
    return "," if commas > dots else "."


# Beyond this, squares of the data overflow float64 in the loss.
MAX_ABS = 1e150


class NotNumeric(Exception):
    """A cell of text where a number was wanted, in ``column``: the loader may choose again."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message, self.column = message, column


def cell_number(table: Any, cell: Any, where: int, j: int, decimal: str) -> float | None:
    """The number in ``cell`` of column ``j`` at ``where``, ``None`` when it is missing."""
    try:
        v = to_number(cell, decimal)
    except ValueError:
        text = str(cell).strip()
        hint = ""
        if decimal == "." and table.delimiter not in (",", None) and "," in text:
            hint = " (mixed decimal marks?)"
        raise NotNumeric(
            f"{table.path}: {table.place(where)}, column {table.name(j)!r}: "
            f"not a number: {text[:40]!r}{hint}",
            j,
        ) from None
    if v is None:
        return None
    if not math.isfinite(v) or abs(v) > MAX_ABS:
        raise InputError(
            f"{table.path}: {table.place(where)}, column {table.name(j)!r}: "
            f"{str(cell).strip()[:40]!r} is not a finite number of usable size"
        )
    return v

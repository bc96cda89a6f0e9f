"""A cell's number as the loader takes it: parsed, and of a size the losses can square."""

from __future__ import annotations

import math
from typing import Any

from ...errors import InputError
from .tables import to_number

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

"""numpy's C parser for the tables that allow it; anything else goes to the row-by-row reader.

Both readers give the same numbers, notes and errors; these only read faster, and step aside
(``None``) wherever the careful reader is needed to read the file or to name the line and
column at fault.
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .cells import MAX_ABS

FloatArray = NDArray[np.float64]


def fast_matrix(table: Any, cols: list[int]) -> FloatArray | None:
    """:func:`fast_columns` for any columns: their numbers, a column each, or ``None``."""
    if not table.plain_text or '"' in (table.text or "")[:65536]:
        return None
    # Everything before the first data row: blank lines and the header.
    skip = table.first_data_line() - 1
    try:
        data = np.loadtxt(
            table.path,
            encoding=table.encoding,
            delimiter=table.delimiter,
            skiprows=skip,
            dtype=np.float64,
            comments=None,
            ndmin=2,
        )
    except (ValueError, IndexError, OSError, UnicodeDecodeError):
        return None
    if data.shape[1] != table.ncols or data.shape[0] < 2:
        return None
    picked = data[:, cols]
    if not np.isfinite(picked).all() or np.abs(picked).max() > MAX_ABS:
        return None
    return np.ascontiguousarray(picked)


def fast_columns(table: Any, xi: int, yi: int) -> tuple[FloatArray, FloatArray] | None:
    """numpy's C parser for a clean, all-numeric UTF-8 table; ``None`` sends it the careful way.

    Anything unusual (text or missing cells, quotes, comments, ragged rows, non-finite or huge
    numbers) returns ``None``, and the row-by-row reader finds the line and column to report.
    """
    cols = fast_matrix(table, [xi, yi])
    if cols is None:
        return None
    return np.ascontiguousarray(cols[:, 0]), np.ascontiguousarray(cols[:, 1])


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def vector_columns(
    table: Any, xi: int, yi: int
) -> tuple[FloatArray, FloatArray, int, NDArray[np.intp]] | None:
    """The careful reader's numbers at numpy's speed, for unquoted text with decimal commas,
    empty cells or ``NA``: the text is rewritten to plain numbers and ``nan`` and parsed in C.

    Returns x, y (``nan`` where missing), the row count and the rows missing a value; ``None``
    where anything else is in the file (quotes, grouped thousands, comments, blank lines,
    text cells, ragged rows), and the row-by-row reader takes over, to read it or to name
    the line and column at fault.
    """
    text = table.text
    if table.kind != "text" or text is None or table.comment_lines or table.delimiter == " ":
        return None
    d = table.delimiter
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = table.first_data_line()
    body = text.split("\n", start - 1)[-1] if start > 1 else text
    if body.startswith("\ufeff"):
        body = body[1:]
    body = body.rstrip("\n \t")
    if '"' in body or _BLANK_LINE.search(body):
        return None
    if table.decimal == ",":
        if "." in body:
            return None
        body = body.replace(",", ".")
    elif d != "," and "," in body:
        return None
    # Empty cells, and R's and spreadsheets' tokens, become nan.
    for _ in range(2):
        body = body.replace(d + d, d + "nan" + d)
    body = ("\n" + body).replace("\n" + d, "\nnan" + d)[1:]
    body = (body + "\n").replace(d + "\n", d + "nan\n")[:-1]
    for token in ("NA", "N/A", "#N/A", "null", "NULL"):
        if token in body:
            cell = re.escape(token)
            body = re.sub(rf"(?m)(^|{re.escape(d)}){cell}(?={re.escape(d)}|$)", r"\1nan", body)
    try:
        data = np.loadtxt(io.StringIO(body), delimiter=d, dtype=np.float64, comments=None, ndmin=2)
    except (ValueError, IndexError):
        return None
    if data.shape[1] != table.ncols or data.shape[0] < 1:
        return None
    xa, ya = np.ascontiguousarray(data[:, xi]), np.ascontiguousarray(data[:, yi])
    with np.errstate(invalid="ignore"):
        huge = (np.abs(xa) > MAX_ABS) | (np.abs(ya) > MAX_ABS)
    if np.isinf(xa).any() or np.isinf(ya).any() or huge.any():
        return None
    missing_at = np.flatnonzero(np.isnan(xa) | np.isnan(ya))
    return xa, ya, int(data.shape[0]), missing_at

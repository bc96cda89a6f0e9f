"""A :class:`Table`: a file's header and rows of cells, with the place each row came from.

The place lets every error name the file, the line (or sheet and row) and the column. The
readers (:mod:`~gdanim.datasets.files.text`, :mod:`~gdanim.datasets.files.spreadsheet`) hand
their rows to :func:`framed`, which finds the header and keeps a sample to choose columns by.

Nothing here decides which columns are used or what is done with a missing value: that is
:func:`gdanim.datasets.files.load.load_table`'s job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ...errors import InputError
from .cells import PLAIN_NUMBER, Cell, detect_decimal, is_missing, is_number

#: Rows looked at to detect the delimiter, the header and the number format.
SAMPLE_ROWS = 500
_EXCEL_ERROR = re.compile(r"#(n/?a|value!|div/0!|num!|ref!|name\?|null!)", re.IGNORECASE)


@dataclass
class Table:
    """A file's header and rows, and how it was read.

    Attributes
    ----------
    path
        The file, as the user gave it (messages name it so).
    header
        Column names, ``None`` when the file has no header row.
    ncols
        Number of columns.
    sample
        The first rows (up to :data:`SAMPLE_ROWS`), for choosing columns.
    decimal
        ``"."`` or ``","``.
    kind
        ``"text"`` or ``"spreadsheet"``.
    encoding, delimiter
        For text: how it was decoded and split.
    sheet
        For a spreadsheet: the sheet read.
    """

    path: str
    header: list[str] | None
    ncols: int
    sample: list[list[Cell]]
    decimal: str
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    comment_lines: int = 0
    text: str | None = field(default=None, repr=False)
    _rows: Iterator[tuple[int, list[Cell]]] | None = field(default=None, repr=False)
    _sample_places: list[int] = field(default_factory=list, repr=False)

    def name(self, j: int) -> str:
        """Column ``j``'s name for messages and labels."""
        if self.header is not None and self.header[j].strip():
            return self.header[j].strip()
        return f"column {j}"

    def place(self, where: int) -> str:
        """``line 12`` in a text file, ``sheet 'data', row 12`` in a spreadsheet."""
        if self.kind == "spreadsheet":
            return f"sheet {self.sheet!r}, row {where}"
        return f"line {where}"

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """Every data row with its line (or sheet row) number; once only."""
        yield from zip(self._sample_places, self.sample, strict=True)
        if self._rows is not None:
            rest, self._rows = self._rows, None
            yield from rest

    def first_data_line(self) -> int:
        """The line (or sheet row) of the first data row."""
        return self._sample_places[0]

    @property
    def plain_text(self) -> bool:
        """A UTF-8 text file whose sample is all plain numbers: numpy's parser can read it."""
        if self.kind != "text" or self.encoding not in ("utf-8", "utf-8-sig"):
            return False
        if self.decimal != "." or self.comment_lines or self.delimiter not in (",", ";", "\t"):
            return False
        return all(
            isinstance(c, str) and PLAIN_NUMBER.fullmatch(c.strip())
            for row in self.sample
            for c in row
        )


def is_comment(line: str) -> bool:
    s = line.lstrip()
    return s.startswith("#") and not _EXCEL_ERROR.match(s)


def framed(p: str, rows: Iterator[tuple[int, list[Cell]]], kind: str) -> Table:
    """Split off the header and the sample; the rest stays an iterator."""
    sample: list[list[Cell]] = []
    places: list[int] = []
    for where, row in rows:
        sample.append(row)
        places.append(where)
        if len(sample) > SAMPLE_ROWS:
            break
    if not sample:
        raise InputError(f"{p}: the file is empty")
    header: list[str] | None = None
    if _is_header(sample):
        header = [str(c).strip() if c is not None else "" for c in sample[0]]
        sample, places = sample[1:], places[1:]
    if not sample:
        raise InputError(f"{p}: no data rows (header only)")
    ncols = len(header) if header is not None else len(sample[0])
    return Table(p, header, ncols, sample, ".", kind, _rows=rows, _sample_places=places)


def _is_header(sample: Sequence[Sequence[Cell]]) -> bool:
    """The first row names the columns: text over numbers, or text in every cell."""
    first = sample[0]
    decimal = detect_decimal(sample[1:], ";") if len(sample) > 1 else "."
    texts = [
        isinstance(c, str) and not is_missing(c) and not _is_any_number(c, decimal) for c in first
    ]
    if not any(texts):
        return False
    if len(sample) == 1:
        return True
    second = sample[1]
    for j, t in enumerate(texts):
        if t and j < len(second) and _is_any_number(second[j], decimal):
            return True
    return all(t or is_missing(c) for t, c in zip(texts, first, strict=False))


def _is_any_number(cell: Cell, decimal: str) -> bool:
    if isinstance(cell, float):
        return not math.isnan(cell)
    return is_number(cell, decimal) or is_number(cell, "." if decimal == "," else ",")

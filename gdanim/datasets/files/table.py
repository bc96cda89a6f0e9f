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
    #: What the reader did that the user should know (title rows skipped, a sheet chosen).
    notes: list[str] = field(default_factory=list)
    #: The file was unpacked (gzip, zip) or read from a pipe: numpy cannot reread its path.
    unpacked: bool = False
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
        if self.kind == "records":
            return f"record {where}"
        return f"line {where}"

    def places(self, wheres: Sequence[int]) -> str:
        """``lines 1-2`` / ``sheet 'data', rows 1, 4`` for a note naming several rows."""
        parts: list[str] = []
        for w in wheres:
            if parts and parts[-1].split("-")[-1] == str(w - 1):
                parts[-1] = parts[-1].split("-")[0] + f"-{w}"
            else:
                parts.append(str(w))
        many = len(wheres) > 1
        listed = ", ".join(parts)
        if self.kind == "spreadsheet":
            return f"sheet {self.sheet!r}, row{'s' if many else ''} {listed}"
        if self.kind == "records":
            return f"record{'s' if many else ''} {listed}"
        return f"line{'s' if many else ''} {listed}"

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
        if self.kind != "text" or self.encoding not in ("utf-8", "utf-8-sig") or self.unpacked:
            return False
        if self.notes:
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
    """Split off the header and the sample; the rest stays an iterator.

    What surrounds a table in real exports is set aside with a note naming its lines: title
    rows above the header, a units row under it, notes after the data; and R's
    ``write.table`` header, one field shorter than its rows (the row names have none), gets
    an empty name for them.
    """
    sample: list[list[Cell]] = []
    places: list[int] = []
    whole = True
    for where, row in rows:
        sample.append(row)
        places.append(where)
        if len(sample) > SAMPLE_ROWS:
            whole = False
            break
    if not sample:
        raise InputError(f"{p}: the file is empty")
    notes: list[str] = []
    skipped: list[int] = []
    width = _usual_width(sample)
    # Title rows: lines of text above the header, shorter than the table's rows or above
    # another row of text that stands over the first row of numbers.
    while len(sample) > 2 and width > 1 and len(skipped) < 10 and _is_title(sample[0], width):
        skipped.append(places[0])
        sample, places = sample[1:], places[1:]
    first_data = next((i for i, r in enumerate(sample[:12]) if _mostly_numbers(r)), None)
    if first_data is not None and first_data >= 2:
        header_at = first_data - 1
        above = sample[header_at - 1]
        if (
            _is_units_row(sample[header_at], sample[first_data:])
            and all(is_text(c) or is_missing(c) for c in above)
            and _filled(above) >= _filled(sample[header_at])
        ):
            header_at -= 1  # a header, then a units row
        if all(_texts_first(r) for r in sample[:header_at]):
            skipped += places[:header_at]
            sample, places = sample[header_at:], places[header_at:]
    header: list[str] | None = None
    if _is_header(sample):
        header = [str(c).strip() if c is not None else "" for c in sample[0]]
        sample, places = sample[1:], places[1:]
        if (
            sample
            and len(header) == width - 1
            and sum(len(r) == width for r in sample) >= 0.9 * len(sample)
        ):
            header = ["", *header]  # R's write.table: no name above the row names
    if skipped:
        notes.append(f"skipped {_where(kind, skipped)} above the header (a title, not data)")
    if header is not None and len(sample) > 1 and _is_units_row(sample[0], sample[1:]):
        notes.append(f"skipped {_where(kind, places[:1])} under the header (units, not data)")
        sample, places = sample[1:], places[1:]
    if whole and header is not None:
        trailing = _trailing_notes(sample, len(header))
        if trailing:
            notes.append(
                f"skipped {_where(kind, places[-trailing:])} after the data (notes, not data)"
            )
            sample, places = sample[:-trailing], places[:-trailing]
    if not sample:
        raise InputError(f"{p}: no data rows (header only)")
    ncols = len(header) if header is not None else len(sample[0])
    table = Table(p, header, ncols, sample, ".", kind, _rows=rows, _sample_places=places)
    table.notes.extend(notes)
    return table


def _where(kind: str, wheres: list[int]) -> str:
    t = Table("", None, 0, [], ".", kind)
    t.sheet = "?"
    text = t.places(wheres)
    return text.split(", ", 1)[1] if kind == "spreadsheet" else text


def _filled(row: Sequence[Cell]) -> int:
    return sum(not is_missing(c) for c in row)


def _usual_width(sample: Sequence[Sequence[Cell]]) -> int:
    """The number of fields most rows have."""
    counts = [len(r) for r in sample]
    return max(set(counts), key=counts.count)


def is_text(cell: Cell) -> bool:
    """A cell of text: not missing, not a number in either decimal mark."""
    return isinstance(cell, str) and not is_missing(cell) and not _is_any_number(cell, ".")


def _mostly_numbers(row: Sequence[Cell]) -> bool:
    cells = [c for c in row if not is_missing(c)]
    return len(cells) >= 2 and 2 * sum(_is_any_number(c, ".") for c in cells) > len(cells)


def _texts_first(row: Sequence[Cell]) -> bool:
    cells = [c for c in row if not is_missing(c)]
    return bool(cells) and is_text(cells[0])


def _is_title(row: Sequence[Cell], width: int) -> bool:
    cells = [c for c in row if not is_missing(c)]
    if not cells or not is_text(cells[0]):
        return False
    return len(row) < width - 1 or (len(row) < width and len(cells) <= 1)


def _is_units_row(row: Sequence[Cell], below: Sequence[Sequence[Cell]]) -> bool:
    """A row of short texts (``in``, ``ft``, ``cu ft``, ``(kg)``) over columns of numbers."""
    over_numbers = 0
    for j, c in enumerate(row):
        if is_missing(c):
            continue
        if not is_text(c) or len(str(c).strip()) > 24:
            return False
        column = [r[j] for r in below[:50] if j < len(r) and not is_missing(r[j])]
        # Mostly numbers: a note under the data may be among the rows looked at.
        if column and sum(_is_any_number(v, ".") for v in column) >= 0.8 * len(column):
            over_numbers += 1
    return over_numbers >= 1


def _trailing_notes(sample: Sequence[Sequence[Cell]], ncols: int) -> int:
    """How many rows at the end are notes (``Source: ...``), not data."""
    count = 0
    for row in reversed(sample):
        if not is_note_row(row, ncols):
            break
        count += 1
    return count if count < len(sample) else 0


def is_note_row(row: Sequence[Cell], ncols: int) -> bool:
    """A line of prose among the rows: text in its first filled cell, and a different
    number of fields than the table's rows, or that text alone and written as a sentence."""
    if len(row) == ncols:  # the common case, checked cheaply: a full row is data
        first = row[0]
        if ncols < 2 or not isinstance(first, str) or not first[:1].isalpha():
            return False
        if any(not is_missing(c) for c in row[1:]):
            return False
        text = first.strip()
        return is_text(first) and (":" in text or " " in text)
    cells = [c for c in row if not is_missing(c)]
    return bool(cells) and is_text(cells[0])


def _is_header(sample: Sequence[Sequence[Cell]]) -> bool:
    """The first row names the columns: text over numbers, or text in every cell."""
    if not sample:
        return False
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

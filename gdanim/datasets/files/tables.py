"""Reading an instructor's own table: text exports of every common kind, and spreadsheets.

A :class:`Table` is a header (when the file has one) and rows of cells, with the place each
row came from, so that every error can name the file, the line (or sheet and row) and the
column. What real exports do is read as they do it:

- text: comma, semicolon, tab, pipe or space separated (detected); UTF-8 with or without a
  byte-order mark, UTF-16 with one (Excel's "Unicode text"), and legacy single-byte files
  (Windows-1252, a superset of Latin-1 for text); ``#`` comment lines and blank lines anywhere;
  quoted fields;
- numbers: a decimal comma where the delimiter is not a comma (European spreadsheets), grouped
  thousands (``"6,384.91"``, ``1.234,5``, ``1 234``), currency signs and a trailing ``%`` as
  formatted cells export them;
- missing values: empty cells and the tokens R, pandas, SAS, Stata and spreadsheets write;
- spreadsheets: ``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb`` and ``.ods`` through python-calamine,
  the first sheet unless one is named.

Nothing here decides which columns are used or what is done with a missing value: that is
:func:`gdanim.datasets.files.load.load_table`'s job.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ...errors import InputError

MAX_TEXT_BYTES = 2 * 1024**3
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
#: Rows looked at to detect the delimiter, the header and the number format.
SAMPLE_ROWS = 500

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
_EXCEL_ERROR = re.compile(r"#(n/?a|value!|div/0!|num!|ref!|name\?|null!)", re.IGNORECASE)

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
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
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
        if _PLAIN.fullmatch(s):
            return float(s)
        if _DOT_GROUPED.fullmatch(s):
            return float(re.sub(r"[,\u00a0\u202f '’]", "", s))
    else:
        if _COMMA_DECIMAL.fullmatch(s):
            return float(s.replace(",", "."))
        if _COMMA_GROUPED.fullmatch(s):
            return float(re.sub(r"[.\u00a0\u202f '’]", "", s).replace(",", "."))
        if _PLAIN.fullmatch(s) and "." not in s:
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


# --------------------------------------------------------------------------- the table


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
            isinstance(c, str) and _PLAIN.fullmatch(c.strip()) for row in self.sample for c in row
        )


def open_table(path: str | os.PathLike[str], sheet: str | None = None) -> Table:
    """Open a text export or a spreadsheet; :class:`InputError` says what is wrong in one line."""
    p = os.fspath(path)
    if os.path.isdir(p):
        raise InputError(f"{p}: is a directory, not a data file")
    if not os.path.exists(p):
        raise InputError(f"{p}: no such file")
    is_sheet = p.lower().endswith(SPREADSHEET_EXTENSIONS) or _looks_like_spreadsheet(p)
    if is_sheet:
        return _open_spreadsheet(p, sheet)
    if sheet is not None:
        raise InputError(f"{p}: --sheet applies to spreadsheets (.xlsx, .xls, .ods), not text")
    return _open_text(p)


def _looks_like_spreadsheet(p: str) -> bool:
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0")


# --------------------------------------------------------------------------- text


def read_bytes(p: str) -> bytes:
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a data file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise InputError(f"{p}: larger than 2 GiB")
    return raw


def decode(p: str, raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was in."""
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif _utf16_without_bom(raw) is not None:
        encoding = _utf16_without_bom(raw) or "utf-16"
    else:
        encoding = "utf-8"
    if encoding.startswith("utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count("\n".encode(encoding)[-2:]) + 1
            raise InputError(f"{p}: line {line}: not valid UTF-16 text") from None
    else:
        nul = raw.find(b"\x00")
        if nul >= 0:
            line = raw[:nul].count(b"\n") + 1
            raise InputError(f"{p}: line {line}: binary content, not a text table")
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            # Not UTF-8: a legacy single-byte export. Windows-1252 is what spreadsheets on
            # Windows write; it agrees with Latin-1 on every letter, and Latin-1 takes the
            # five bytes it leaves undefined.
            encoding = "cp1252"
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                encoding = "latin-1"
                text = raw.decode(encoding)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{p}: line {line}: binary content, not a text table")
    return text, encoding


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte of the start is zero (ASCII in UTF-16)."""
    head = raw[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    odd, even = head[1::2], head[0::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _is_comment(line: str) -> bool:
    s = line.lstrip()
    return s.startswith("#") and not _EXCEL_ERROR.match(s)


_DELIMITERS = ("\t", ";", ",", "|")


def _detect_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits the sample into one consistent number of fields (> 1).

    Tab, then semicolon, comma and pipe: a semicolon file's decimal commas must not pass for
    delimiters. Space-separated files (R's ``write.table``) come last.
    """
    best: tuple[float, str] | None = None
    for d in (*_DELIMITERS, " "):
        try:
            counts = [
                len(r)
                for r in csv.reader(lines, delimiter=d, skipinitialspace=d == " ")
                if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        share = counts.count(mode) / len(counts)
        if mode > 1 and share >= 0.9:
            return d
        if mode > 1 and (best is None or share > best[0]):
            best = (share, d)
    return best[1] if best else ","


def _open_text(p: str) -> Table:
    raw = read_bytes(p)
    text, encoding = decode(p, raw)
    del raw
    if not text.strip():
        raise InputError(f"{p}: the file is empty")

    lines = io.StringIO(text, newline=None)
    state = {"line": 0, "comments": 0}

    def content() -> Iterator[str]:
        for ln in lines:
            state["line"] += 1
            if not ln.strip():
                continue
            if _is_comment(ln):
                state["comments"] += 1
                continue
            yield ln

    # Detect the delimiter on the first content lines.
    probe: list[str] = []
    for ln in content():
        probe.append(ln)
        if len(probe) >= 50:
            break
    if not probe:
        raise InputError(f"{p}: no data rows (only comments or blank lines)")
    delimiter = _detect_delimiter(probe)
    comments_in_probe = state["comments"]
    lines.seek(0)
    state["line"] = 0
    state["comments"] = 0
    reader = csv.reader(
        content(), delimiter=delimiter, strict=True, skipinitialspace=delimiter == " "
    )

    def numbered() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for row in reader:
                yield state["line"], [c.strip() for c in row]
        except csv.Error as exc:
            raise InputError(f"{p}: line {state['line']}: {exc}") from None

    rows = numbered()
    table = _framed(p, rows, kind="text")
    table.encoding, table.delimiter, table.text = encoding, delimiter, text
    table.comment_lines = max(comments_in_probe, state["comments"])
    table.decimal = detect_decimal(table.sample, delimiter)
    return table


def _framed(p: str, rows: Iterator[tuple[int, list[Cell]]], kind: str) -> Table:
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


# --------------------------------------------------------------------------- spreadsheets


def _open_spreadsheet(p: str, sheet: str | None) -> Table:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency
        raise InputError(f"{p}: reading spreadsheets needs python-calamine") from None
    try:
        book = CalamineWorkbook.from_path(p)
    except Exception as exc:  # calamine's own error types
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{p}: not a readable spreadsheet ({reason[:80]})") from None
    names = list(book.sheet_names)
    if not names:
        raise InputError(f"{p}: the workbook has no sheets")
    if sheet is None:
        chosen = names[0]
    elif sheet in names:
        chosen = sheet
    elif sheet.lower() in (n.lower() for n in names):
        chosen = next(n for n in names if n.lower() == sheet.lower())
    elif sheet.isdigit() and int(sheet) < len(names):
        chosen = names[int(sheet)]
    else:
        listed = ", ".join(repr(n) for n in names)
        raise InputError(f"{p}: no sheet {sheet!r} (sheets: {listed})")
    try:
        values = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputError(f"{p}: sheet {chosen!r} cannot be read ({str(exc)[:80]})") from None

    def cells() -> Iterator[tuple[int, list[Cell]]]:
        for i, row in enumerate(values, start=1):
            out: list[Cell] = [_sheet_cell(v) for v in row]
            while out and (out[-1] is None or out[-1] == ""):
                out.pop()
            if not out or all(is_missing(c) and c in (None, "") for c in out):
                continue
            if isinstance(out[0], str) and _is_comment(out[0]) and len(out) == 1:
                continue
            yield i, out

    rows = cells()
    table = _framed(p, rows, kind="spreadsheet")
    table.sheet = chosen
    # A spreadsheet's rows may end early where trailing cells are empty: pad them.
    for row in table.sample:
        row.extend([None] * (table.ncols - len(row)))
    table._rows = _padded(table._rows, table.ncols)
    return table


def _padded(
    rows: Iterator[tuple[int, list[Cell]]] | None, ncols: int
) -> Iterator[tuple[int, list[Cell]]]:
    for where, row in rows or ():
        if len(row) < ncols:
            row = row + [None] * (ncols - len(row))
        yield where, row


def _sheet_cell(v: object) -> Cell:
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return float(v)
    return str(v)

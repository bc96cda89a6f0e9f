"""Spreadsheets: ``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb`` and ``.ods`` through python-calamine,
the first sheet unless one is named."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ...errors import InputError
from .cells import Cell, is_missing, is_number
from .source import is_stream, whole
from .table import Table, framed, is_comment

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

#: A workbook file larger than this is refused before it is opened.
MAX_SHEET_FILE_BYTES = 1024**3
#: What a workbook's parts may hold once decompressed, together.
MAX_UNPACKED_BYTES = 1024**3
#: Cells a sheet may span (its rows times its columns, empty ones included): the reader
#: holds every one of them in memory.
MAX_CELLS = 20_000_000

_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]{0,200}?\br="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension ref="([A-Z]{1,3})?([0-9]{1,7})?:?([A-Z]{1,3})?([0-9]{1,7})?"'
)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_bounds(p: str, source: str | io.BytesIO | None = None) -> None:
    """Refuse, before the reader allocates anything, a workbook too large to hold: the file's
    size, its parts' size decompressed (read and counted, not taken from the zip's own
    word) and each worksheet's extent (the cells it spans)."""
    src = p if source is None else source
    try:
        size = os.path.getsize(src) if isinstance(src, str) else len(src.getbuffer())
    except OSError:
        return
    if size > MAX_SHEET_FILE_BYTES:
        raise InputError(f"{p}: larger than {MAX_SHEET_FILE_BYTES // 1024**3} GiB")
    if not zipfile.is_zipfile(src):
        return
    try:
        with zipfile.ZipFile(src) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNPACKED_BYTES:
                raise _too_large(p, declared)
            total = 0
            for info in infos:
                sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(
                    ".xml"
                )
                with z.open(info) as fh:
                    rows = cols = 0
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            raise _too_large(p, total)
                        if sheet:
                            text = tail + chunk
                            r, c = _extent(text)
                            rows, cols = max(rows, r), max(cols, c)
                            tail = text[-256:]
                if sheet and cols < 27 and rows * 26 > MAX_CELLS:
                    cols = max(cols, _single_letter_columns(z, info))
                if rows * cols > MAX_CELLS:
                    name = os.path.splitext(os.path.basename(info.filename))[0]
                    raise InputError(
                        f"{p}: worksheet {name} spans {rows:,} rows by {cols:,} columns, "
                        f"more than the {MAX_CELLS:,} cells gdanim reads; delete the cells "
                        "far from the table (or save it as CSV)"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
        raise InputError(f"{p}: not a readable spreadsheet ({str(exc)[:80]})") from None
    except Exception as exc:  # zlib.error and the like: a damaged archive
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{p}: not a readable spreadsheet ({type(exc).__name__})") from None


_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]{0,200}?\br="([0-9]{1,7})"')
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})[0-9]')


def _extent(text: bytes) -> tuple[int, int]:
    """The last row and the widest column (of two or more letters) this part of a sheet's
    XML names, and its declared dimension. Rows come in order, so the last row tag is the
    largest; a table narrower than 27 columns costs one scan in C."""
    rows = cols = 0
    last = max(text.rfind(b"<row "), text.rfind(b":row "))
    if last >= 0:
        m = _ROW_REF.search(text, max(0, last - 8))
        if m:
            rows = int(m.group(1))
    for m in _WIDE_REF.finditer(text):
        cols = max(cols, _column_number(m.group(1)))
    for m in _CELL_REF.finditer(text[-65536:]):  # the last cells: a stray one far out
        cols = max(cols, _column_number(m.group(1)))
        rows = max(rows, int(m.group(2)))
    dim = _DIMENSION.search(text[:4096])
    if dim and dim.group(3) and dim.group(4):
        cols = max(cols, _column_number(dim.group(3)))
        rows = max(rows, int(dim.group(4)))
    return rows, cols


def _single_letter_columns(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The widest column of one letter a sheet uses (read again: only for very long sheets)."""
    found = 0
    with z.open(info) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            text = tail + chunk
            for k in range(26, found, -1):
                if text.find(b'r="' + bytes([64 + k])) >= 0:
                    found = k
                    break
            tail = text[-16:]
    return found


def _too_large(p: str, size: int) -> InputError:
    return InputError(
        f"{p}: unpacks to more than {MAX_UNPACKED_BYTES // 1024**3} GiB "
        f"({size / 1024**2:,.0f} MiB found), more than gdanim reads"
    )


def open_spreadsheet(p: str, sheet: str | None) -> Table:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency
        raise InputError(f"{p}: reading spreadsheets needs python-calamine") from None
    source: str | io.BytesIO = io.BytesIO(whole(p)) if is_stream(p) else p
    check_bounds(p, source)
    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        if isinstance(source, str):
            book = CalamineWorkbook.from_path(source)
        else:
            book = CalamineWorkbook.from_filelike(source)
    except Exception as exc:  # calamine's own error types
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{p}: not a readable spreadsheet ({reason[:80]})") from None
    names = list(book.sheet_names)
    if not names:
        raise InputError(f"{p}: the workbook has no sheets")
    if sheet is not None:
        return _sheet_table(p, book, _named_sheet(p, names, sheet))
    # The first sheet, unless it holds no table (a sheet of notes) and a later one does.
    for i, name in enumerate(names):
        try:
            table = _sheet_table(p, book, name)
        except InputError:
            continue
        if i == 0 and (len(names) == 1 or _holds_table(table)):
            return table
        if _holds_table(table):
            skipped = ", ".join(repr(n) for n in names[:i])
            table.notes.insert(
                0, f"read sheet {name!r}: {skipped} holds no table (choose with --sheet)"
            )
            return table
    listed = ", ".join(repr(n) for n in names)
    if len(names) > 1:
        raise InputError(
            f"{p}: no sheet holds a table of two numeric columns (sheets: {listed}); "
            "choose one with --sheet"
        )
    return _sheet_table(p, book, names[0])


def _named_sheet(p: str, names: list[str], sheet: str) -> str:
    if sheet in names:
        return sheet
    if sheet.lower() in (n.lower() for n in names):
        return next(n for n in names if n.lower() == sheet.lower())
    if sheet.isdigit() and int(sheet) < len(names):
        return names[int(sheet)]
    listed = ", ".join(repr(n) for n in names)
    raise InputError(f"{p}: no sheet {sheet!r} (sheets: {listed})")


def _holds_table(table: Table) -> bool:
    """At least two columns of numbers in the sheet's first rows."""
    numeric = 0
    for j in range(table.ncols):
        values = [r[j] for r in table.sample if j < len(r) and not is_missing(r[j])]
        if len(values) >= 2 and all(is_number(v) for v in values):
            numeric += 1
    return numeric >= 2


def _sheet_table(p: str, book: Any, chosen: str) -> Table:
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
            if isinstance(out[0], str) and is_comment(out[0]) and len(out) == 1:
                continue
            yield i, out

    rows = cells()
    try:
        table = framed(p, rows, kind="spreadsheet")
    except InputError as exc:
        raise InputError(f"{exc} (sheet {chosen!r})") from None
    table.sheet = chosen
    table.notes = [n.replace("skipped ", f"skipped sheet {chosen!r}, ", 1) for n in table.notes]
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

"""Spreadsheets: ``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb`` and ``.ods`` through python-calamine,
the first sheet unless one is named."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator

from ...errors import InputError
from .cells import Cell, is_missing
from .table import Table, framed, is_comment

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

#: A workbook file larger than this is refused before it is opened.
MAX_SHEET_FILE_BYTES = 1024**3
#: What a workbook's parts may hold once decompressed, together.
MAX_UNPACKED_BYTES = 1024**3
#: Cells a sheet may span (its rows times its columns, empty ones included): the reader
#: holds every one of them in memory.
MAX_CELLS = 20_000_000

_CELL_REF = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension ref="([A-Z]{1,3})?([0-9]{1,7})?:?([A-Z]{1,3})?([0-9]{1,7})?"'
)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_bounds(p: str) -> None:
    """Refuse, before the reader allocates anything, a workbook too large to hold: the file's
    size, its parts' size decompressed (read and counted, not taken from the zip's own
    word) and each worksheet's extent (the cells it spans)."""
    try:
        size = os.path.getsize(p)
    except OSError:
        return
    if size > MAX_SHEET_FILE_BYTES:
        raise InputError(f"{p}: larger than {MAX_SHEET_FILE_BYTES // 1024**3} GiB")
    if not zipfile.is_zipfile(p):
        return
    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNPACKED_BYTES:
                raise _too_large(p, declared)
            total = 0
            for info in infos:
                sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(
                    ".xml"
                )
                rows = cols = 0
                with z.open(info) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            raise _too_large(p, total)
                        if not sheet:
                            continue
                        text = tail + chunk
                        for m in _CELL_REF.finditer(text):
                            cols = max(cols, _column_number(m.group(1)))
                            rows = max(rows, int(m.group(2)))
                        dim = _DIMENSION.search(text)
                        if dim and dim.group(3) and dim.group(4):
                            cols = max(cols, _column_number(dim.group(3)))
                            rows = max(rows, int(dim.group(4)))
                        tail = text[-64:]
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


def _too_large(p: str, size: int) -> InputError:
    return InputError(
        f"{p}: unpacks to more than {MAX_UNPACKED_BYTES // 1024**3} GiB "
        f"({size / 1024**2:,.0f} MiB found), more than gdanim reads"
    )


def looks_like_spreadsheet(p: str) -> bool:
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0")


def open_spreadsheet(p: str, sheet: str | None) -> Table:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency
        raise InputError(f"{p}: reading spreadsheets needs python-calamine") from None
    check_bounds(p)
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
            if isinstance(out[0], str) and is_comment(out[0]) and len(out) == 1:
                continue
            yield i, out

    rows = cells()
    table = framed(p, rows, kind="spreadsheet")
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

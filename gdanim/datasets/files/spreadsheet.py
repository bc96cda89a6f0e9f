"""Spreadsheets: ``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb`` and ``.ods`` through python-calamine,
the first sheet unless one is named."""

from __future__ import annotations

from collections.abc import Iterator

from ...errors import InputError
from .cells import Cell, is_missing
from .table import Table, framed, is_comment

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


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

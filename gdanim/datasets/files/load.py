"""Loading one feature and one target from a user's file: :func:`load_table`.

The file is opened as a :class:`~gdanim.datasets.files.table.Table` (:func:`open_table`: a
spreadsheet by its name or its first bytes, else text), its columns chosen
(:mod:`~gdanim.datasets.files.columns`) and their numbers read, by numpy's parser where the
file allows (:mod:`~gdanim.datasets.files.fast`), else row by row.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np

from ...errors import InputError
from ..dataset import Dataset, feature_problem, own_dataset
from .cells import NotNumeric, cell_number
from .columns import feature_names, pick_columns, pick_feature_columns
from .fast import fast_columns, fast_matrix, vector_columns
from .records import json_table, pandas_table
from .source import (
    gunzip,
    gzip_name,
    head,
    is_stream,
    is_workbook_zip,
    refuse_kind,
    unzip_table,
    whole,
)
from .spreadsheet import SPREADSHEET_EXTENSIONS, open_spreadsheet
from .table import Table, is_note_row
from .text import open_text

#: ``--missing``: leave out rows with a missing value in a chosen column, or refuse the file.
MISSING_POLICIES = ("skip", "error")


def load_table(
    path: str | os.PathLike[str],
    x: str | tuple[str, ...] | None = None,
    y: str | None = None,
    *,
    sheet: str | None = None,
    missing: str = "skip",
) -> Dataset:
    """Load one feature and one target from a text table or a spreadsheet.

    Parameters
    ----------
    path
        A text export (comma, semicolon, tab, pipe or space separated; UTF-8, UTF-16 or a
        legacy single-byte encoding; see :mod:`gdanim.datasets.files.text`) or a
        spreadsheet (``.xlsx``, ``.xls``, ``.ods``).
    x, y
        Column names (exact, then ignoring case) or 0-based indices. By default the first two
        numeric columns that are not a row index. Several features: ``x`` a tuple of names,
        or ``"a,b"`` where no column is called that.
    sheet
        A spreadsheet's sheet by name or 0-based position; default the first.
    missing
        ``"skip"`` leaves out rows with a missing value in ``x`` or ``y`` (the dataset's notes
        say how many); ``"error"`` refuses the file at the first one.

    Raises
    ------
    InputError
        With one line naming the file, and the line (or sheet row) and column where it applies.
    """
    if missing not in MISSING_POLICIES:
        raise InputError(f"--missing {missing!r}: skip or error")
    p = os.fspath(path)
    if isinstance(x, tuple) and len(x) == 1:
        x = x[0]
    passed_over: set[int] = set()
    table = open_table(p, sheet)
    several = feature_names(table, x)
    if several is not None:
        xis, yi, note = pick_feature_columns(table, several, y)
        try:
            return _load_features(table, xis, yi, note, missing)
        except NotNumeric as exc:
            raise InputError(exc.message) from None
    assert not isinstance(x, tuple)
    while True:
        xi, yi, chosen_note = pick_columns(table, x, y, passed_over)
        try:
            return _load_columns(table, xi, yi, chosen_note, missing)
        except NotNumeric as exc:
            # A column chosen by default held numbers only in its first rows ("136A" below
            # "136"): it is not numeric after all, so choose again without it.
            if (exc.column == xi and x is None) or (exc.column == yi and y is None):
                passed_over.add(exc.column)
                table = open_table(p, sheet)
                continue
            raise InputError(exc.message) from None


#: Extensions of the formats read through pandas.
_PANDAS_EXTENSIONS = {".parquet": "parquet", ".pq": "parquet", ".feather": "feather",
                      ".arrow": "feather", ".dta": "stata"}  # fmt: skip


def open_table(path: str | os.PathLike[str], sheet: str | None = None) -> Table:
    """Open a text export, a workbook, a compressed table or a JSON, Parquet, Feather or
    Stata file; :class:`InputError` says what is wrong (or what the file is) in one line."""
    p = os.fspath(path)
    if os.path.isdir(p):
        raise InputError(f"{p}: is a directory, not a data file")
    if not os.path.exists(p):
        raise InputError(f"{p}: no such file")
    first = head(p)
    lower = p.lower()
    ext = os.path.splitext(lower)[1]
    fmt = _PANDAS_EXTENSIONS.get(ext)
    if first.startswith(b"PAR1"):
        fmt = "parquet"
    elif first.startswith(b"ARROW1"):
        fmt = "feather"
    elif first.startswith(b"<stata_dta>"):
        fmt = "stata"
    is_zip = first.startswith(b"PK\x03\x04")
    is_sheet = lower.endswith(SPREADSHEET_EXTENSIONS) or first.startswith(b"\xd0\xcf\x11\xe0")
    if is_zip and not is_sheet and not is_stream(p) and not is_workbook_zip(p):
        _no_sheet(p, sheet)
        member, data = unzip_table(p)
        table = _text_of(p, data)
        table.notes.insert(0, f"read {member} from the zip archive")
        return table
    if is_sheet or is_zip:
        return open_spreadsheet(p, sheet)
    _no_sheet(p, sheet)
    if fmt is not None:
        if is_stream(p):
            raise InputError(f"{p}: give a {fmt} file by its name, not through a pipe")
        return pandas_table(p, fmt)
    if first[:2] == b"\x1f\x8b":
        return _text_of(p, gunzip(p, whole(p)))
    refuse_kind(p, first)
    stripped = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext in (".json", ".jsonl", ".ndjson") or stripped[:1] in (b"[", b"{"):
        return json_table(p)
    return open_text(p, whole(p) if is_stream(p) else None, unpacked=is_stream(p))


def _text_of(p: str, data: bytes) -> Table:
    """Unpacked bytes read as a text table, after checking what they are."""
    refuse_kind(p, data[:4096])
    if data[:4] == b"PK\x03\x04" or data[:2] == b"\x1f\x8b":
        raise InputError(f"{p}: an archive inside an archive; unpack it and give the table")
    return open_text(p, data, unpacked=True)


def _no_sheet(p: str, sheet: str | None) -> None:
    if sheet is not None:
        raise InputError(f"{p}: --sheet applies to spreadsheets (.xlsx, .xls, .ods), not this file")


def _load_columns(table: Any, xi: int, yi: int, chosen_note: str | None, missing: str) -> Dataset:
    p = table.path
    notes: list[str] = list(table.notes)
    if chosen_note:
        notes.append(chosen_note)

    fast = fast_columns(table, xi, yi)
    dropped, first_dropped = 0, None
    vector = None if fast is not None else vector_columns(table, xi, yi)
    if fast is not None:
        xa, ya = fast
        total = xa.size
    elif vector is not None:
        xa, ya, total, missing_at = vector
        if missing_at.size:
            if missing == "error":
                row = int(missing_at[0])
                j = xi if np.isnan(xa[row]) else yi
                raise _missing_value(table, table.first_data_line() + row, j)
            dropped = int(missing_at.size)
            first_dropped = table.first_data_line() + int(missing_at[0])
            keep = np.ones(total, dtype=bool)
            keep[missing_at] = False
            xa, ya = xa[keep], ya[keep]
    else:
        xs, ys = array("d"), array("d")
        total = 0
        decimal = table.decimal
        # Rows of prose after the data (notes, a source) are set aside; data after them
        # makes them rows like any other, read (and refused) as such.
        aside: list[tuple[int, list[Any]]] = []
        for where, cells in _with_notes_aside(table, aside):
            if len(cells) != table.ncols and not (
                table.kind == "spreadsheet" and len(cells) > table.ncols
            ):
                raise InputError(
                    f"{p}: {table.place(where)}: expected {table.ncols} fields, found {len(cells)}"
                )
            total += 1
            vx = cell_number(table, cells[xi], where, xi, decimal)
            vy = cell_number(table, cells[yi], where, yi, decimal)
            if vx is None or vy is None:
                if missing == "error":
                    raise _missing_value(table, where, xi if vx is None else yi)
                dropped += 1
                if first_dropped is None:
                    first_dropped = where
                continue
            xs.append(vx)
            ys.append(vy)
        xa = np.frombuffer(xs, dtype=np.float64).copy()
        ya = np.frombuffer(ys, dtype=np.float64).copy()
        if aside:
            wheres = [w for w, _ in aside]
            notes.append(f"skipped {table.places(wheres)} after the data (notes, not data)")

    cols = f"{table.name(xi)!r} or {table.name(yi)!r}"
    if xa.size == 0 and dropped:
        raise InputError(f"{p}: no row has values in both {cols}")
    if xa.size < 2:
        raise InputError(f"{p}: needs at least 2 data rows, found {xa.size}")
    if np.ptp(xa) == 0:
        raise InputError(f"{p}: needs at least 2 distinct values in x column {table.name(xi)!r}")
    if dropped:
        assert first_dropped is not None
        notes.append(
            f"left out {dropped:,} of {total:,} rows with a missing value in {cols} "
            f"(the first at {table.place(first_dropped)}); --missing error refuses such files"
        )
    return own_dataset(
        xa, ya, os.path.splitext(gzip_name(p))[0] or "data", table.name(xi),
        table.name(yi), p, total, tuple(notes),
    )  # fmt: skip


def _with_notes_aside(
    table: Table, aside: list[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    """The table's rows, holding back rows of prose; those that end the file stay in
    ``aside``, those followed by data are given back in place."""
    for where, cells in table.rows():
        if is_note_row(cells, table.ncols) or (aside and _blankish(cells)):
            aside.append((where, cells))
            continue
        if aside:
            yield from aside
            aside.clear()
        yield where, cells


def _blankish(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _load_features(
    table: Any, xis: list[int], yi: int, chosen_note: str | None, missing: str
) -> Dataset:
    """Several feature columns and the target, row by row (every format, every fault named)."""
    p = table.path
    notes: list[str] = [*table.notes, *([chosen_note] if chosen_note else [])]
    cols = [*xis, yi]
    values: list[array[float]] = [array("d") for _ in cols]
    total, dropped, first_dropped = 0, 0, None
    decimal = table.decimal
    fast = fast_matrix(table, cols)
    rows = iter(()) if fast is not None else table.rows()
    for where, cells in rows:
        if len(cells) != table.ncols and not (
            table.kind == "spreadsheet" and len(cells) > table.ncols
        ):
            raise InputError(
                f"{p}: {table.place(where)}: expected {table.ncols} fields, found {len(cells)}"
            )
        total += 1
        row = [cell_number(table, cells[j], where, j, decimal) for j in cols]
        gap = next((j for j, v in zip(cols, row, strict=True) if v is None), None)
        if gap is not None:
            if missing == "error":
                raise _missing_value(table, where, gap)
            dropped += 1
            if first_dropped is None:
                first_dropped = where
            continue
        for out, v in zip(values, row, strict=True):
            out.append(float(v))  # type: ignore[arg-type]
    if fast is not None:
        arrays = [fast[:, k].copy() for k in range(len(cols))]
        total = int(fast.shape[0])
    else:
        arrays = [np.frombuffer(v, dtype=np.float64).copy() for v in values]
    names = tuple(table.name(j) for j in xis)
    listed = ", ".join(repr(table.name(j)) for j in cols)
    n = arrays[0].size
    if n == 0 and dropped:
        raise InputError(f"{p}: no row has values in all of {listed}")
    if n < 2:
        raise InputError(f"{p}: needs at least 2 data rows, found {n}")
    x = np.column_stack(arrays[:-1])
    problem = feature_problem(x, names)
    if problem:
        raise InputError(f"{p}: {problem}")
    if dropped:
        assert first_dropped is not None
        notes.append(
            f"left out {dropped:,} of {total:,} rows with a missing value in {listed} "
            f"(the first at {table.place(first_dropped)}); --missing error refuses such files"
        )
    return own_dataset(
        x, arrays[-1], os.path.splitext(os.path.basename(p))[0] or "data", ", ".join(names),
        table.name(yi), p, total, tuple(notes), names,
    )  # fmt: skip


def _missing_value(table: Any, where: int, j: int) -> InputError:
    return InputError(
        f"{table.path}: {table.place(where)}, column {table.name(j)!r}: missing value "
        "(--missing skip leaves such rows out)"
    )


def load_csv(path: str | os.PathLike[str], x: str | None = None, y: str | None = None) -> Dataset:
    """:func:`load_table` with its defaults (the name the first version gave it)."""
    return load_table(path, x, y)

"""Tables that are not text exports nor workbooks: JSON records (read here), and Parquet,
Feather and Stata files (read through pandas and pyarrow, the ``formats`` extra).

Each becomes a :class:`~gdanim.datasets.files.table.Table` of named columns whose rows are
numbered from 1 (``record 12``), so columns are chosen and numbers read as for any file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

from ...errors import InputError
from .cells import Cell
from .source import whole
from .table import SAMPLE_ROWS, Table

#: The formats read through pandas: their names, and the readers' names in pandas.
PANDAS_FORMATS = {
    "parquet": ("Parquet", "read_parquet"),
    "feather": ("Feather (Arrow)", "read_feather"),
    "stata": ("Stata (.dta)", "read_stata"),
}
INSTALL = "pip install 'gdanim[formats]'"
#: A JSON table larger than this is refused: parsed, it takes many times its size.
MAX_JSON_BYTES = 256 * 1024**2
#: Cells (rows times columns) a Parquet or Feather file may hold, checked from its metadata
#: before it is read.
MAX_CELLS = 20_000_000


def records_table(p: str, header: Sequence[str], rows: Iterator[list[Cell]]) -> Table:
    """A table of named columns from its rows (each the header's length)."""
    sample: list[list[Cell]] = []
    places: list[int] = []
    numbered = enumerate(rows, start=1)
    for where, row in numbered:
        sample.append(row)
        places.append(where)
        if len(sample) >= SAMPLE_ROWS:
            break
    if not sample:
        raise InputError(f"{p}: no data rows")
    names = [str(h) for h in header]
    return Table(p, names, len(names), sample, ".", "records", _rows=numbered,
                 _sample_places=places)  # fmt: skip


def _cell(p: str, value: Any, where: int, key: str) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    if isinstance(value, str):
        return value
    raise InputError(f"{p}: record {where}, {key!r}: a {type(value).__name__}, not a value")


def json_table(p: str) -> Table:
    """JSON records (``[{"x": 1, "y": 2}, ...]``), columns (``{"x": [...], "y": [...]}``),
    pandas' ``split`` orient, or JSON Lines (a record per line)."""
    raw = whole(p)
    if len(raw) > MAX_JSON_BYTES:
        raise InputError(
            f"{p}: a JSON table over {MAX_JSON_BYTES // 1024**2} MiB; save it as CSV or Parquet"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{p}: a JSON file must be UTF-8 text") from None
    try:
        doc = json.loads(text)
    except RecursionError:
        raise InputError(f"{p}: JSON nested too deeply to be a table") from None
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if exc.msg == "Extra data" and lines and lines[0].lstrip().startswith("{"):
            try:
                doc = [json.loads(ln) for ln in lines]
            except (json.JSONDecodeError, RecursionError):
                doc = None
            if doc is not None:
                return _records(p, doc)
        raise InputError(f"{p}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if isinstance(doc, dict) and isinstance(doc.get("columns"), list) and "data" in doc:
        header = [str(c) for c in doc["columns"]]
        data = doc["data"]
        if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
            raise InputError(f"{p}: 'data' is not a list of rows")
        return _rows_of_lists(p, header, data)
    if isinstance(doc, dict) and doc and all(isinstance(v, list) for v in doc.values()):
        lengths = {len(v) for v in doc.values()}
        if len(lengths) != 1:
            raise InputError(f"{p}: the columns have different lengths ({sorted(lengths)})")
        header = [str(k) for k in doc]
        return _rows_of_lists(p, header, [list(r) for r in zip(*doc.values(), strict=True)])
    if isinstance(doc, dict) and doc and all(isinstance(v, dict) for v in doc.values()):
        return _records(p, list(doc.values()))  # pandas' "index" orient
    if isinstance(doc, list):
        if doc and all(isinstance(r, dict) for r in doc):
            return _records(p, doc)
        if len(doc) > 1 and all(isinstance(r, list) for r in doc):
            first = doc[0]
            if all(isinstance(c, str) for c in first):
                return _rows_of_lists(p, [str(c) for c in first], doc[1:])
            return _rows_of_lists(p, [f"column {j}" for j in range(len(first))], doc)
    raise InputError(
        f'{p}: JSON, but not a table: give a list of records ([{{"x": 1, "y": 2}}, ...]) '
        'or columns ({"x": [...], "y": [...]})'
    )


def _records(p: str, doc: list[Any]) -> Table:
    header: dict[str, None] = {}
    for i, rec in enumerate(doc, start=1):
        if not isinstance(rec, dict):
            raise InputError(f"{p}: record {i} is not an object of named values")
        for k in rec:
            header.setdefault(str(k), None)
    keys = list(header)

    def rows() -> Iterator[list[Cell]]:
        for i, rec in enumerate(doc, start=1):
            named = {str(k): v for k, v in rec.items()}
            yield [_cell(p, named.get(k), i, k) for k in keys]

    return records_table(p, keys, rows())


def _rows_of_lists(p: str, header: list[str], data: list[Any]) -> Table:
    def rows() -> Iterator[list[Cell]]:
        for i, row in enumerate(data, start=1):
            if not isinstance(row, list) or len(row) != len(header):
                raise InputError(f"{p}: record {i}: expected {len(header)} values")
            yield [_cell(p, v, i, header[j]) for j, v in enumerate(row)]

    return records_table(p, header, rows())


def pandas_table(p: str, fmt: str) -> Table:
    """A Parquet, Feather or Stata file read by pandas (and pyarrow); one line naming the
    extra to install when they are missing."""
    title, reader = PANDAS_FORMATS[fmt]
    needs = f"{p}: reading {title} files needs pandas and pyarrow: {INSTALL}"
    try:
        import pandas as pd
    except ImportError:
        raise InputError(needs) from None
    _check_cells(p, fmt)
    try:
        frame = getattr(pd, reader)(p)
    except ImportError:
        raise InputError(needs) from None
    except MemoryError:
        raise InputError(f"{p}: too large to read into memory") from None
    except Exception as exc:  # each format's own errors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{p}: not a readable {title} file ({reason[:80]})") from None
    header = [str(c) for c in frame.columns]
    columns: list[list[Cell]] = []
    for name in frame.columns:
        col = frame[name]
        try:
            values = col.to_numpy(dtype="float64", na_value=float("nan"))
            columns.append([float(v) for v in values])
        except (TypeError, ValueError):
            columns.append([None if _na(v) else str(v) for v in col.tolist()])
    return records_table(p, header, (list(r) for r in zip(*columns, strict=True)))


def _check_cells(p: str, fmt: str) -> None:
    """Refuse, from its metadata, a Parquet or Feather file with more cells than are read."""
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(p).metadata
            rows, cols = meta.num_rows, meta.num_columns
        elif fmt == "feather":
            import pyarrow.ipc as ipc

            with ipc.open_file(p) as reader:
                cols = len(reader.schema)
                rows = sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
        else:
            return
    except Exception:  # the reader says what is wrong, or pyarrow is missing
        return
    if rows * cols > MAX_CELLS:
        raise InputError(
            f"{p}: {rows:,} rows by {cols:,} columns, more than the {MAX_CELLS:,} cells "
            "gdanim reads; select the two columns first"
        )


def _na(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False

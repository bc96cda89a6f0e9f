"""Choosing a table's x and y columns: the ones named, else the first two numeric columns that
are not a row index (two-valued codes last), with a note saying which were taken."""

from __future__ import annotations

import itertools
import re
from typing import Any

from ...errors import InputError
from .cells import is_missing, is_number, to_number

#: Column names that mark a row index when the column counts rows (an empty or pandas'
#: ``Unnamed: 0`` header marks one whatever it holds).
_INDEX_NAMES = frozenset(
    {"rownames", "row.names", "rowname", "row_names", "index", "id", "rowid", "row_id", "row"}
)
_UNNAMED = re.compile(r"unnamed: ?\d+", re.IGNORECASE)


def _is_index_column(table: Any, j: int) -> bool:
    """A row index: an empty or ``Unnamed: 0`` header, or a row-index name counting rows."""
    if table.header is None:
        return False
    name = table.header[j].strip()
    if not name or _UNNAMED.fullmatch(name):
        return True
    if name.lower() not in _INDEX_NAMES:
        return False
    try:
        values = [to_number(row[j], table.decimal) for row in table.sample if j < len(row)]
    except ValueError:
        return True  # text labels under an index name
    nums = [v for v in values if v is not None]
    if len(nums) < 2:
        return False
    steps = {round(b - a, 9) for a, b in itertools.pairwise(nums)}
    return steps == {1.0} and nums[0] in (0.0, 1.0)


def _distinct(table: Any, j: int) -> int:
    return len({str(row[j]).strip() for row in table.sample if j < len(row)})


def _explain_text_cells(table: Any, columns: list[int]) -> None:
    """Raise the not-a-number error of a column of numbers that holds some text."""
    places = table._sample_places
    for j in columns:
        cells = [(places[i], row[j]) for i, row in enumerate(table.sample) if j < len(row)]
        values = [(w, c) for w, c in cells if not is_missing(c)]
        numbers = sum(is_number(c, table.decimal) for _, c in values)
        if values and numbers >= max(1, len(values) // 2):
            where, cell = next((w, c) for w, c in values if not is_number(c, table.decimal))
            raise InputError(
                f"{table.path}: {table.place(where)}, column {table.name(j)!r}: "
                f"not a number: {str(cell).strip()[:40]!r}"
            )


def _other_sheets(table: Any) -> str:
    if table.kind != "spreadsheet":
        return ""
    return f" on sheet {table.sheet!r} (choose another with --sheet)"


def _resolve(table: Any, spec: str, what: str) -> int:
    """A column by header (exactly, else ignoring case) or 0-based index."""
    p, ncols, header = table.path, table.ncols, table.header
    spec_s = spec.strip()
    if header is not None:
        names = [h.strip() for h in header]
        if spec_s in names:
            return names.index(spec_s)
        folded = [h.casefold() for h in names]
        if folded.count(spec_s.casefold()) == 1:
            return folded.index(spec_s.casefold())
    if spec_s.lstrip("-").isdigit():
        idx = int(spec_s)
        if 0 <= idx < ncols:
            return idx
        raise InputError(f"{p}: --{what} column index {idx} is out of range (0..{ncols - 1})")
    listed = ", ".join(repr(h) for h in header) if header else f"0..{ncols - 1}"
    raise InputError(f"{p}: unknown --{what} column {spec!r} (columns: {listed})")


def feature_names(table: Any, x: str | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The several features ``x`` names (a tuple, or ``"a,b"`` that is no column's header),
    else ``None`` (one feature)."""
    if isinstance(x, tuple):
        return x if len(x) > 1 else None
    if x is None or "," not in x:
        return None
    if table.header is not None and x.strip() in [h.strip() for h in table.header]:
        return None
    return tuple(part.strip() for part in x.split(","))


def pick_feature_columns(
    table: Any, xs: tuple[str, ...], y: str | None
) -> tuple[list[int], int, str | None]:
    """Several x columns and the y column (named, else the first numeric column left)."""
    p = table.path
    xis = [_resolve(table, v, "x") for v in xs]
    if len(set(xis)) != len(xis):
        raise InputError(f"{p}: --x names a column twice")
    note = None
    if y is not None:
        yi = _resolve(table, y, "y")
    else:
        _, yi, _ = pick_columns(table, xs[0], None, set(xis[1:]))
        note = f"using y = {table.name(yi)} (the next numeric column); choose with --y"
    if yi in xis:
        raise InputError(f"{p}: y is also one of the x columns ({table.name(yi)!r})")
    return xis, yi, note


def pick_columns(
    table: Any, x: str | None, y: str | None, passed_over: set[int] | None = None
) -> tuple[int, int, str | None]:
    """The x and y columns, and a note saying which were taken when the user did not say."""
    p, ncols = table.path, table.ncols

    def resolve(spec: str, what: str) -> int:
        return _resolve(table, spec, what)

    xi = resolve(x, "x") if x is not None else None
    yi = resolve(y, "y") if y is not None else None
    note = None
    skip = passed_over or set()
    if xi is None or yi is None:
        decimal = table.decimal

        def numeric(j: int) -> bool:
            cells = [row[j] for row in table.sample if j < len(row)]
            values = [c for c in cells if not is_missing(c)]
            return bool(values) and all(is_number(c, decimal) for c in values)

        index = [j for j in range(ncols) if _is_index_column(table, j)]
        candidates = [
            j for j in range(ncols) if j not in (xi, yi) and j not in index and j not in skip
        ]
        usable = [j for j in candidates if numeric(j)]
        # A column of two values (a 0/1 or 1/2 code) is a group, not a measurement: taken by
        # default only when nothing else is left.
        if ncols > 2 and len(table.sample) >= 20:
            usable.sort(key=lambda j: _distinct(table, j) < 3)
        needed = (xi is None) + (yi is None)
        if len(usable) < needed:
            _explain_text_cells(table, [j for j in candidates if j not in usable])
            if xi is None and not usable:
                raise InputError(f"{p}: no numeric column left for x{_other_sheets(table)}")
            raise InputError(f"{p}: needs two numeric columns, found fewer{_other_sheets(table)}")
        if xi is None:
            xi = usable.pop(0)
        if yi is None:
            yi = usable.pop(0)
        skipped = [j for j in index if j not in (xi, yi)]
        if ncols == 2:
            return xi, yi, None  # no choice was made: the only two columns, in order
        which = "the first two numeric columns" if x is None and y is None else "the next numeric"
        note = f"using x = {table.name(xi)}, y = {table.name(yi)} ({which}"
        if skipped:
            note += ", after the row index " + ", ".join(
                repr(table.header[j].strip()) for j in skipped
            )
        note += "); choose with --x/--y"
    if xi == yi:
        raise InputError(f"{p}: x and y are the same column")
    return xi, yi, note

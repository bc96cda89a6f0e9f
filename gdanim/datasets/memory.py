"""Data held in memory: a DataFrame (pandas, polars, ...), a mapping of columns, or two arrays.

pandas is never imported here: anything with ``.columns`` and column access by name works,
as does a ``dict`` of lists. Columns are chosen and missing values handled as for a file
(:func:`gdanim.datasets.load_table`): by default the first two numeric columns, two-valued
ones last; rows missing x or y are left out and the dataset's notes say how many.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sized
from typing import Any

import numpy as np

from ..errors import InputError
from .dataset import MISSING_POLICIES, Dataset, feature_problem, own_dataset

#: The most values a column held in memory may have.
MAX_ROWS = 100_000_000
#: How a scene's subtitle names data that came from memory.
IN_MEMORY = "your data"


def is_frame(data: Any) -> bool:
    """A table held in memory: a DataFrame-like object or a mapping of columns."""
    if isinstance(data, Mapping):
        return True
    return hasattr(data, "columns") and hasattr(data, "__getitem__")


def _names(data: Any) -> list[str]:
    if isinstance(data, Mapping):
        return [str(k) for k in data]
    return [str(c) for c in list(data.columns)]


def _column(data: Any, name: str) -> Any:
    if isinstance(data, Mapping):
        for k in data:
            if str(k) == name:
                return data[k]
    for c in list(data.columns):
        if str(c) == name:
            return data[c]
    raise KeyError(name)  # pragma: no cover - names come from _names


def _floats(values: Any) -> np.ndarray | None:
    """A column as float64 with NaN for missing values, or ``None`` if it holds text."""
    if isinstance(values, Iterator) or (
        isinstance(values, Iterable) and not isinstance(values, (str, bytes, Sized))
    ):
        values = list(itertools.islice(values, MAX_ROWS + 1))  # a generator, read once
        if len(values) > MAX_ROWS:
            raise InputError(f"more than {MAX_ROWS:,} values")
    if hasattr(values, "to_numpy"):
        try:
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            try:
                values = values.to_numpy()
            except (TypeError, ValueError):
                return None
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError):
        return None
    if arr.ndim != 1:
        return None
    if arr.dtype.kind == "b":
        return None
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if arr.dtype.kind != "O":
        return None
    out = np.empty(arr.shape, dtype=np.float64)
    for i, v in enumerate(arr.tolist()):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out[i] = np.nan
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[i] = float(v)
        else:
            return None
    return out


def _pick(names: list[str], wanted: str) -> str:
    """A column by name (exact, then ignoring case) or 0-based position."""
    if wanted in names:
        return wanted
    folded = [n for n in names if n.lower() == wanted.lower()]
    if len(folded) == 1:
        return folded[0]
    if wanted.isdigit() and int(wanted) < len(names):
        return names[int(wanted)]
    raise InputError(f"no column {wanted!r} (the columns are: {', '.join(names)})")


def _drop_missing(gone: np.ndarray, missing: str, where: str, notes: list[str]) -> bool:
    """Whether rows must be left out (``gone`` marks those missing a value in ``where``, the
    columns in words): an error with ``missing="error"``, else a note saying how many."""
    if not gone.any():
        return False
    first = int(np.argmax(gone))
    if missing == "error":
        raise InputError(f"row {first}: a missing value in {where}")
    notes.append(
        f"left out {int(gone.sum()):,} of {gone.size:,} rows with a missing value in "
        f"{where} (the first at row {first})"
    )
    return True


def _from_frame_features(
    data: Any, xs: list[str], y: str | int | None, missing: str, name: str
) -> Dataset:
    """Several feature columns of ``data`` against ``y`` (named, else the next numeric one)."""
    names = _names(data)
    numeric = {n: a for n in names if (a := _floats(_column(data, n))) is not None}
    chosen = [_pick(names, v) for v in xs]
    if len(set(chosen)) != len(chosen):
        raise InputError("x names a column twice")
    notes: list[str] = []
    if y is None:
        free = [n for n in numeric if n not in chosen]
        if not free:
            raise InputError(f"no other numeric column for y (columns: {', '.join(names)})")
        yc = free[0]
        notes.append(f"using y = {yc} (the next numeric column); choose with y=")
    else:
        yc = _pick(names, str(y))
    for col in [*chosen, yc]:
        if col not in numeric:
            raise InputError(f"column {col!r} is not numeric")
    if yc in chosen:
        raise InputError(f"y is also one of the x columns ({yc!r})")
    xa = np.column_stack([numeric[c] for c in chosen])
    ya = numeric[yc]
    gone = np.isnan(xa).any(axis=1) | np.isnan(ya)
    total = int(ya.size)
    listed = ", ".join(repr(c) for c in [*chosen, yc])
    if _drop_missing(gone, missing, listed, notes):
        xa, ya = xa[~gone], ya[~gone]
    if ya.size == 0:
        raise InputError(f"no row has all of {listed}")
    return _dataset(xa, ya, name, ", ".join(chosen), yc, total, tuple(notes), tuple(chosen))


def from_frame(
    data: Any,
    x: str | int | list[Any] | tuple[Any, ...] | None = None,
    y: str | int | None = None,
    *,
    missing: str = "skip",
    name: str = IN_MEMORY,
) -> Dataset:
    """A :class:`~gdanim.datasets.Dataset` of two columns of ``data``; see the module."""
    if missing not in MISSING_POLICIES:
        raise InputError(f"missing {missing!r}: skip or error")
    if isinstance(x, (list, tuple)):
        if len(x) > 1:
            return _from_frame_features(data, [str(v) for v in x], y, missing, name)
        if not x:
            raise InputError("x names no column")
        x = x[0]
    names = _names(data)
    numeric = {n: a for n in names if (a := _floats(_column(data, n))) is not None}
    lengths = {n: len(a) for n, a in numeric.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{n!r}: {k}" for n, k in lengths.items())
        raise InputError(f"the columns have different lengths ({listed})")
    xs = None if x is None else str(x)
    ys = None if y is None else str(y)
    chosen = [_pick(names, v) for v in (xs, ys) if v is not None]
    for col in chosen:
        if col not in numeric:
            raise InputError(f"column {col!r} is not numeric")
    notes: list[str] = []
    if xs is None or ys is None:
        many = [n for n in numeric if len(np.unique(numeric[n][~np.isnan(numeric[n])])) > 2]
        order = many + [n for n in numeric if n not in many]
        free = [n for n in order if n not in chosen]
        if xs is None and ys is None:
            if len(free) < 2:
                raise InputError(
                    f"needs two numeric columns; found {len(numeric)} "
                    f"(the columns are: {', '.join(names)})"
                )
            xc, yc = free[0], free[1]
        elif xs is None:
            yc = chosen[0]
            if not free:
                raise InputError(f"no other numeric column for x (columns: {', '.join(names)})")
            xc = free[0]
        else:
            xc = chosen[0]
            if not free:
                raise InputError(f"no other numeric column for y (columns: {', '.join(names)})")
            yc = free[0]
        notes.append(f"using x = {xc}, y = {yc} (the first numeric columns); choose with x=, y=")
    else:
        xc, yc = chosen
    if xc == yc:
        raise InputError(f"x and y are the same column {xc!r}")
    xa, ya = numeric[xc], numeric[yc]
    gone = np.isnan(xa) | np.isnan(ya)
    total = int(xa.size)
    if _drop_missing(gone, missing, f"{xc!r} or {yc!r}", notes):
        xa, ya = xa[~gone], ya[~gone]
    if xa.size == 0:
        raise InputError(f"no row has both {xc!r} and {yc!r}")
    return _dataset(xa, ya, name, xc, yc, total, tuple(notes))


def from_arrays(x: Any, y: Any, *, name: str = IN_MEMORY) -> Dataset:
    """A dataset of two sequences of numbers of one length; or, for several features, ``x``
    a table of numbers with a row per ``y`` and a column per feature."""
    xa, ya = _floats(x), _floats(y)
    if xa is None and not isinstance(x, (str, bytes)):
        try:
            xa = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            xa = None
    if xa is None or ya is None:
        raise InputError("x and y must be sequences of numbers")
    if xa.ndim == 2 and xa.shape[1] > 1 and ya.ndim == 1 and xa.shape[0] == ya.size:
        labels = tuple(f"x{j + 1}" for j in range(xa.shape[1]))
        return _dataset(xa, ya, name, ", ".join(labels), "y", int(ya.size), (), labels)
    if xa.ndim == 2 and xa.shape[1] == 1:
        xa = xa[:, 0]
    if xa.ndim != 1 or ya.ndim != 1 or xa.shape != ya.shape:
        raise InputError(f"x and y must be 1-D of one length, not {xa.shape} and {ya.shape}")
    return _dataset(xa, ya, name, "x", "y", int(xa.size), ())


def _dataset(
    x: np.ndarray, y: np.ndarray, name: str, x_label: str, y_label: str, total: int,
    notes: tuple[str, ...], x_labels: tuple[str, ...] = (),
) -> Dataset:  # fmt: skip
    if y.size < 2:
        raise InputError(f"needs at least 2 data rows, found {y.size}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InputError("x and y must be finite")
    if x_labels:
        problem = feature_problem(x, x_labels)
        if problem:
            raise InputError(problem)
    elif np.ptp(x) == 0:
        raise InputError(f"needs at least 2 distinct values in x ({x_label!r})")
    return own_dataset(x, y, name, x_label, y_label, name, total, notes, x_labels)

"""Datasets: the built-in lessons' data and the CSV loader for an instructor's own.

A :class:`Dataset` is one feature ``x`` against one target ``y``. The built-ins reproduce the
data of the lesson texts gdanim teaches from; generated ones are seeded and rounded, so they
are the same numbers on every machine.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import os
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import InputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """One-feature regression data.

    Attributes
    ----------
    x, y
        Feature and target, float64 arrays of shape ``(N,)``, all finite, ``N >= 2`` with at
        least two distinct ``x``.
    name
        Short identifier (a built-in's registry name, or the CSV file's stem).
    x_label, y_label
        Axis labels including units, e.g. ``"Size (1000 sq ft)"``.
    source
        Where the data came from: ``"built-in"`` or the CSV path.
    init
        A sensible starting point ``(w, b)`` in data units.
    lr
        A sensible learning rate: a number, or a regime name (``"small"``, ``"right"``,
        ``"large"``) resolved by the analysis.
    loss
        The loss the lesson uses with this data.
    epochs
        How many updates a default run takes.
    description
        One line on what the data shows.
    rows_in_file
        For a loaded file: its data rows, including those left out for a missing value.
    notes
        What loading decided that the user should hear (columns chosen, rows left out).
    auto_standardize
        Standardise x by default when the raw problem is too ill-conditioned for gradient
        descent (own data; the built-in lessons keep their settings).
    """

    x: FloatArray
    y: FloatArray
    name: str
    x_label: str = "x"
    y_label: str = "y"
    source: str = "built-in"
    init: tuple[float, float] = (0.0, 0.0)
    lr: float | str = "right"
    loss: str = "mse"
    epochs: int = 200
    description: str = ""
    rows_in_file: int | None = None
    notes: tuple[str, ...] = ()
    auto_standardize: bool = False

    def __post_init__(self) -> None:
        x = np.array(self.x, dtype=np.float64, copy=True)
        y = np.array(self.y, dtype=np.float64, copy=True)
        if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
            raise ValueError(f"x and y must be 1-D of one length, got {x.shape} and {y.shape}")
        if x.size < 2:
            raise ValueError("a dataset needs at least 2 points")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("x and y must be finite")
        if np.ptp(x) == 0:
            raise ValueError("a dataset needs at least 2 distinct x values")
        x.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.x.size)

    @cached_property
    def sha256(self) -> str:
        """Hash of the numbers (not of the labels), naming the data in manifests."""
        h = hashlib.sha256()
        h.update(self.x.tobytes())
        h.update(self.y.tobytes())
        return h.hexdigest()

    def describe(self) -> dict[str, object]:
        """The identity recorded in trajectories and manifests."""
        out: dict[str, object] = {
            "name": self.name,
            "n": self.n,
            "sha256": self.sha256,
            "source": self.source,
        }
        if self.rows_in_file is not None:
            out["rows_in_file"] = self.rows_in_file
            out["columns"] = {"x": self.x_label, "y": self.y_label}
        return out

    @property
    def caption(self) -> str:
        """How scenes name the data: ``penguins.csv, 342 of 344 rows`` or a built-in's name."""
        if self.source == "built-in":
            return self.name
        base = os.path.basename(self.source)
        if self.rows_in_file is not None and self.rows_in_file != self.n:
            return f"{base}, {self.n:,} of {self.rows_in_file:,} rows"
        return f"{base}, {self.n:,} rows"

    def subset(self, max_points: int) -> tuple[FloatArray, FloatArray]:
        """A deterministic, representative subset of at most ``max_points`` points.

        Points are taken at evenly spaced ranks of ``x``, so the subset spans the same range
        and follows the same density as the full data. Used to draw large data at a cost that
        does not grow with ``N``.
        """
        if self.n <= max_points:
            return self.x, self.y
        order = np.argsort(self.x, kind="stable")
        pick = order[np.linspace(0, self.n - 1, max_points).round().astype(np.intp)]
        return self.x[pick], self.y[pick]


# --------------------------------------------------------------------------------------------
# Built-ins

_SHAPE_N = 60


def _normal(rng: np.random.Generator, size: int) -> FloatArray:
    """Standard normals by Box-Muller on uniform doubles: the same on every numpy version."""
    u1 = 1.0 - rng.random(size)
    u2 = rng.random(size)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def _shape(kind: str) -> tuple[FloatArray, FloatArray]:
    """The six data shapes of the 'visualized' lesson, x over [0, 50]."""
    seed = {
        "clean": 11,
        "noisy": 12,
        "outliers": 13,
        "saturating": 14,
        "heteroscedastic": 15,
        "mixture": 16,
    }[kind]
    rng = np.random.default_rng(seed)
    x = np.sort(rng.random(_SHAPE_N) * 50.0)
    eps = _normal(rng, _SHAPE_N)
    if kind == "clean":
        y = 0.3 * x + 5.0 + 0.8 * eps
    elif kind == "noisy":
        y = 0.3 * x + 5.0 + 4.0 * eps
    elif kind == "outliers":
        y = 0.3 * x + 5.0 + 0.8 * eps
        far = rng.choice(_SHAPE_N, size=6, replace=False)
        y[far] += 12.0 + 6.0 * rng.random(6)
    elif kind == "saturating":
        y = 20.0 * (1.0 - np.exp(-x / 12.0)) + 0.6 * eps
    elif kind == "heteroscedastic":
        y = 0.3 * x + 5.0 + (0.1 + 0.12 * x) * eps
    else:  # mixture: two populations with different trends
        group = rng.random(_SHAPE_N) < 0.5
        y = np.where(group, 0.35 * x + 1.0, 0.12 * x + 13.0) + 0.9 * eps
    return np.round(x, 2), np.round(y, 2)


def _campaign() -> tuple[FloatArray, FloatArray]:
    x = np.array([1, 2, 3, 5, 6, 7, 8], dtype=np.float64)
    y = np.array([155, 197, 244, 356, 409, 448, 500], dtype=np.float64)
    return x, y


def _rolling_downhill() -> tuple[FloatArray, FloatArray]:
    # The lesson's own generator: true w=2.5, b=5 plus N(0, 2) noise from seed 42. The legacy
    # RandomState stream is frozen, so these are the lesson's numbers exactly.
    x = np.arange(1, 11, dtype=np.float64)
    noise = np.random.RandomState(42).randn(10)
    return x, 2.5 * x + 5.0 + noise * 2.0


def uniform_lesson() -> tuple[FloatArray, FloatArray, tuple[float, float]]:
    """The 'from scratch' lesson's data and its random initial point, from ``default_rng(0)``."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 100)
    y = 3.0 * x + 2.0 + rng.normal(0, 1, 100)
    w0 = rng.standard_normal(2)
    return x, y, (float(w0[0]), float(w0[1]))


def _housing() -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(2002)
    n = 40
    size = np.sort(0.8 + 2.7 * rng.random(n))  # 1000 sq ft
    price = 185.0 * size + 40.0 + 35.0 * _normal(rng, n)  # $1000s
    return np.round(size, 3), np.round(price, 1)


def _shape_dataset(kind: str, description: str) -> Callable[[], Dataset]:
    def make() -> Dataset:
        x, y = _shape(kind)
        return Dataset(x, y, kind, lr="right", epochs=20000, description=description)

    return make


def _uniform() -> Dataset:
    x, y, init = uniform_lesson()
    return Dataset(
        x,
        y,
        "uniform",
        init=init,
        lr=0.01,
        epochs=200,
        description="100 points around y = 3x + 2, x uniform on [0, 10]",
    )


def _campaign_dataset() -> Dataset:
    return Dataset(
        *_campaign(),
        "campaign",
        x_label="Number of donations",
        y_label="Funds raised ($)",
        lr=0.01,
        epochs=1500,
        description="seven fundraising campaigns",
    )


def _rolling_downhill_dataset() -> Dataset:
    return Dataset(
        *_rolling_downhill(),
        "rolling-downhill",
        lr=0.01,
        loss="half-mse",
        epochs=1000,
        description="ten points around y = 2.5x + 5",
    )


def _housing_dataset() -> Dataset:
    return Dataset(
        *_housing(),
        "housing",
        x_label="Size (1000 sq ft)",
        y_label="Price ($1000s)",
        init=(-0.1, 900.0),
        lr="right",
        loss="half-mse",
        epochs=400,
        description="house prices against size, from a clearly bad start",
    )


#: Built-in datasets by name; each value builds a fresh :class:`Dataset`.
DATASETS: dict[str, Callable[[], Dataset]] = {
    "clean": _shape_dataset("clean", "a clean linear trend"),
    "noisy": _shape_dataset("noisy", "the same trend under heavy noise"),
    "outliers": _shape_dataset("outliers", "a clean trend with six points far above it"),
    "saturating": _shape_dataset("saturating", "a curve that levels off: no line fits it"),
    "heteroscedastic": _shape_dataset("heteroscedastic", "noise that grows with x"),
    "mixture": _shape_dataset("mixture", "two populations with different trends"),
    "campaign": _campaign_dataset,
    "rolling-downhill": _rolling_downhill_dataset,
    "uniform": _uniform,
    "housing": _housing_dataset,
}


def get_dataset(name: str) -> Dataset:
    """The built-in dataset called ``name``."""
    try:
        make = DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise InputError(f"unknown dataset {name!r} (known: {known})") from None
    return make()


# --------------------------------------------------------------------------------------------
# Your own data

# Beyond this, squares of the data overflow float64 in the loss.
_MAX_ABS = 1e150
#: ``--missing``: leave out rows with a missing value in a chosen column, or refuse the file.
MISSING_POLICIES = ("skip", "error")
#: Column names that mark a row index when the column counts rows (an empty or pandas'
#: ``Unnamed: 0`` header marks one whatever it holds).
_INDEX_NAMES = frozenset(
    {"rownames", "row.names", "rowname", "row_names", "index", "id", "rowid", "row_id", "row"}
)
_UNNAMED = re.compile(r"unnamed: ?\d+", re.IGNORECASE)


def load_table(
    path: str | os.PathLike[str],
    x: str | None = None,
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
        legacy single-byte encoding; see :mod:`gdanim.tables`) or a spreadsheet (``.xlsx``,
        ``.xls``, ``.ods``).
    x, y
        Column names (exact, then ignoring case) or 0-based indices. By default the first two
        numeric columns that are not a row index.
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
    from . import tables

    if missing not in MISSING_POLICIES:
        raise InputError(f"--missing {missing!r}: skip or error")
    p = os.fspath(path)
    passed_over: set[int] = set()
    while True:
        table = tables.open_table(p, sheet)
        xi, yi, chosen_note = _pick_columns(table, x, y, passed_over)
        try:
            return _load_columns(table, xi, yi, chosen_note, missing)
        except _NotNumeric as exc:
            # A column chosen by default held numbers only in its first rows ("136A" below
            # "136"): it is not numeric after all, so choose again without it.
            if (exc.column == xi and x is None) or (exc.column == yi and y is None):
                passed_over.add(exc.column)
                continue
            raise InputError(exc.message) from None


class _NotNumeric(Exception):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message, self.column = message, column


def _load_columns(table: Any, xi: int, yi: int, chosen_note: str | None, missing: str) -> Dataset:
    p = table.path
    notes: list[str] = []
    if chosen_note:
        notes.append(chosen_note)

    fast = _fast_columns(table, xi, yi)
    dropped, first_dropped = 0, None
    vector = None if fast is not None else _vector_columns(table, xi, yi)
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
        for where, cells in table.rows():
            if len(cells) != table.ncols and not (
                table.kind == "spreadsheet" and len(cells) > table.ncols
            ):
                raise InputError(
                    f"{p}: {table.place(where)}: expected {table.ncols} fields, found {len(cells)}"
                )
            total += 1
            vx = _number(table, cells[xi], where, xi, decimal)
            vy = _number(table, cells[yi], where, yi, decimal)
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
        xa, ya, os.path.splitext(os.path.basename(p))[0] or "data", table.name(xi),
        table.name(yi), p, total, tuple(notes),
    )  # fmt: skip


def own_dataset(
    x: FloatArray, y: FloatArray, name: str, x_label: str, y_label: str, source: str,
    total: int, notes: tuple[str, ...] = (),
) -> Dataset:  # fmt: skip
    """One's own data (a file, a DataFrame, arrays) with the defaults it trains with: the
    flat line through the mean, the "right" rate, mse, enough updates, x standardised when
    the raw problem needs it."""
    base = os.path.basename(source)
    rows_text = f"{x.size:,} of {total:,} rows" if x.size != total else f"{x.size:,} rows"
    return Dataset(
        x,
        y,
        name,
        x_label=x_label,
        y_label=y_label,
        source=source,
        init=(0.0, float(np.mean(y))),
        lr="right",
        loss="mse",
        epochs=auto_epochs(x),
        description=f"{rows_text} from {base}",
        rows_in_file=total,
        notes=notes,
        auto_standardize=True,
    )


def _missing_value(table: Any, where: int, j: int) -> InputError:
    return InputError(
        f"{table.path}: {table.place(where)}, column {table.name(j)!r}: missing value "
        "(--missing skip leaves such rows out)"
    )


def load_csv(path: str | os.PathLike[str], x: str | None = None, y: str | None = None) -> Dataset:
    """:func:`load_table` with its defaults (the name the first version gave it)."""
    return load_table(path, x, y)


def _number(table: Any, cell: Any, where: int, j: int, decimal: str) -> float | None:
    from .tables import to_number

    try:
        v = to_number(cell, decimal)
    except ValueError:
        text = str(cell).strip()
        hint = ""
        if decimal == "." and table.delimiter not in (",", None) and "," in text:
            hint = " (mixed decimal marks?)"
        raise _NotNumeric(
            f"{table.path}: {table.place(where)}, column {table.name(j)!r}: "
            f"not a number: {text[:40]!r}{hint}",
            j,
        ) from None
    if v is None:
        return None
    if not math.isfinite(v) or abs(v) > _MAX_ABS:
        raise InputError(
            f"{table.path}: {table.place(where)}, column {table.name(j)!r}: "
            f"{str(cell).strip()[:40]!r} is not a finite number of usable size"
        )
    return v


def auto_epochs(x: FloatArray) -> int:
    """Updates for gradient descent at the "right" rate to converge on this feature.

    At half the critical rate the slowest direction shrinks by ``1 - 1/kappa`` per update
    (``kappa`` the condition number of ``[[E x^2, E x], [E x, 1]]``), so ``8 kappa`` updates
    leave ``e^-8`` of the starting gap. Frames, not updates, set a render's cost.
    """
    kappa = moment_condition(x)
    if not math.isfinite(kappa):
        return MAX_AUTO_EPOCHS
    return int(min(max(math.ceil(8.0 * kappa), 200), MAX_AUTO_EPOCHS))


#: The update budget of a default run on one's own data.
MAX_AUTO_EPOCHS = 20_000


def design(x: FloatArray) -> FloatArray:
    """``[[E x^2, E x], [E x, 1]]``: the Hessian of half-mse (the squared losses' up to a
    factor)."""
    m1 = float(np.mean(x))
    m2 = float(np.mean(x * x))
    return np.array([[m2, m1], [m1, 1.0]])


def moment_condition(x: FloatArray) -> float:
    """Condition number of :func:`design`: the squared losses' Hessian's."""
    lam = np.linalg.eigvalsh(design(x))
    return float(lam[1] / lam[0]) if lam[0] > 0 else float("inf")


def needs_standardizing(x: FloatArray) -> bool:
    """Whether gradient descent on raw ``x`` cannot converge within the update budget.

    ``auto_epochs`` asks for ``8 kappa`` updates; past :data:`MAX_AUTO_EPOCHS` the default run
    would end "still far" in a needle-thin valley.
    """
    return 8.0 * moment_condition(x) > MAX_AUTO_EPOCHS


def _fast_columns(table: Any, xi: int, yi: int) -> tuple[FloatArray, FloatArray] | None:
    """numpy's C parser for a clean, all-numeric UTF-8 table; ``None`` sends it the careful way.

    Anything unusual (text or missing cells, quotes, comments, ragged rows, non-finite or huge
    numbers) returns ``None``, and the row-by-row reader finds the line and column to report.
    """
    if not table.plain_text or '"' in (table.text or "")[:65536]:
        return None
    # Everything before the first data row: blank lines and the header.
    skip = table.first_data_line() - 1
    try:
        data = np.loadtxt(
            table.path,
            encoding=table.encoding,
            delimiter=table.delimiter,
            skiprows=skip,
            dtype=np.float64,
            comments=None,
            ndmin=2,
        )
    except (ValueError, IndexError, OSError, UnicodeDecodeError):
        return None
    if data.shape[1] != table.ncols or data.shape[0] < 2:
        return None
    cols = data[:, [xi, yi]]
    if not np.isfinite(cols).all() or np.abs(cols).max() > _MAX_ABS:
        return None
    return np.ascontiguousarray(cols[:, 0]), np.ascontiguousarray(cols[:, 1])


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _vector_columns(
    table: Any, xi: int, yi: int
) -> tuple[FloatArray, FloatArray, int, NDArray[np.intp]] | None:
    """The careful reader's numbers at numpy's speed, for unquoted text with decimal commas,
    empty cells or ``NA``: the text is rewritten to plain numbers and ``nan`` and parsed in C.

    Returns x, y (``nan`` where missing), the row count and the rows missing a value; ``None``
    where anything else is in the file (quotes, grouped thousands, comments, blank lines,
    text cells, ragged rows), and the row-by-row reader takes over, to read it or to name
    the line and column at fault.
    """
    text = table.text
    if table.kind != "text" or text is None or table.comment_lines or table.delimiter == " ":
        return None
    d = table.delimiter
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = table.first_data_line()
    body = text.split("\n", start - 1)[-1] if start > 1 else text
    if body.startswith("\ufeff"):
        body = body[1:]
    body = body.rstrip("\n \t")
    if '"' in body or _BLANK_LINE.search(body):
        return None
    if table.decimal == ",":
        if "." in body:
            return None
        body = body.replace(",", ".")
    elif d != "," and "," in body:
        return None
    # Empty cells, and R's and spreadsheets' tokens, become nan.
    for _ in range(2):
        body = body.replace(d + d, d + "nan" + d)
    body = ("\n" + body).replace("\n" + d, "\nnan" + d)[1:]
    body = (body + "\n").replace(d + "\n", d + "nan\n")[:-1]
    for token in ("NA", "N/A", "#N/A", "null", "NULL"):
        if token in body:
            cell = re.escape(token)
            body = re.sub(rf"(?m)(^|{re.escape(d)}){cell}(?={re.escape(d)}|$)", r"\1nan", body)
    try:
        data = np.loadtxt(io.StringIO(body), delimiter=d, dtype=np.float64, comments=None, ndmin=2)
    except (ValueError, IndexError):
        return None
    if data.shape[1] != table.ncols or data.shape[0] < 1:
        return None
    xa, ya = np.ascontiguousarray(data[:, xi]), np.ascontiguousarray(data[:, yi])
    with np.errstate(invalid="ignore"):
        huge = (np.abs(xa) > _MAX_ABS) | (np.abs(ya) > _MAX_ABS)
    if np.isinf(xa).any() or np.isinf(ya).any() or huge.any():
        return None
    missing_at = np.flatnonzero(np.isnan(xa) | np.isnan(ya))
    return xa, ya, int(data.shape[0]), missing_at


def _is_index_column(table: Any, j: int) -> bool:
    """A row index: an empty or ``Unnamed: 0`` header, or a row-index name counting rows."""
    if table.header is None:
        return False
    name = table.header[j].strip()
    if not name or _UNNAMED.fullmatch(name):
        return True
    if name.lower() not in _INDEX_NAMES:
        return False
    from .tables import to_number

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
    from .tables import is_missing, is_number

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


def _pick_columns(
    table: Any, x: str | None, y: str | None, passed_over: set[int] | None = None
) -> tuple[int, int, str | None]:
    """The x and y columns, and a note saying which were taken when the user did not say."""
    from .tables import is_missing, is_number

    p, ncols, header = table.path, table.ncols, table.header

    def resolve(spec: str, what: str) -> int:
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

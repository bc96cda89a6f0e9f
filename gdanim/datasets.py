"""Datasets: the built-in lessons' data and the CSV loader for an instructor's own.

A :class:`Dataset` is one feature ``x`` against one target ``y``. The built-ins reproduce the
data of the lesson texts gdanim teaches from; generated ones are seeded and rounded, so they
are the same numbers on every machine.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

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
        return {"name": self.name, "n": self.n, "sha256": self.sha256, "source": self.source}

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
# CSV

_MAX_CSV_BYTES = 2 * 1024**3
# Beyond this, squares of the data overflow float64 in the loss.
_MAX_ABS = 1e150


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_csv(path: str | os.PathLike[str], x: str | None = None, y: str | None = None) -> Dataset:
    """Load one feature and one target from a CSV file.

    Parameters
    ----------
    path
        The file: comma, semicolon or tab separated (sniffed), UTF-8 with or without BOM, an
        optional header row.
    x, y
        Column header names or 0-based indices. By default the first two numeric columns.

    Raises
    ------
    InputError
        With one line naming the file, and the line and column where it applies.
    """
    p = os.fspath(path)
    text = _read_text(p)
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0]
        delimiter = max(",;\t", key=first.count)

    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows = (r for r in reader if r and any(c.strip() for c in r))
    try:
        first_row = [c.strip() for c in next(rows)]
        header: list[str] | None = None
        if not all(_is_number(c) for c in first_row if c):
            header = first_row
            first_data = [c.strip() for c in next(rows)]
        else:
            first_data = first_row
    except StopIteration:
        raise InputError(f"{p}: no data rows (header only)") from None
    except csv.Error as exc:
        raise InputError(f"{p}: line {reader.line_num}: {exc}") from None
    ncols = len(header) if header is not None else len(first_data)
    if len(first_data) != ncols:
        raise InputError(
            f"{p}: line {reader.line_num}: expected {ncols} fields, found {len(first_data)}"
        )

    xi, yi = _pick_columns(p, x, y, header, first_data)
    fast = _fast_columns(p, text, delimiter, header is not None, first_data, xi, yi)

    def name(j: int) -> str:
        return header[j] if header is not None and header[j] else f"column {j}"

    def number(cell: str, line: int, j: int) -> float:
        if not cell:
            raise InputError(f"{p}: line {line}, column {name(j)!r}: missing value")
        try:
            if "_" in cell:  # float() accepts 1_000; a CSV cell should not
                raise ValueError
            v = float(cell)
        except ValueError:
            raise InputError(
                f"{p}: line {line}, column {name(j)!r}: not a number: {cell[:40]!r}"
            ) from None
        if not math.isfinite(v) or abs(v) > _MAX_ABS:
            raise InputError(
                f"{p}: line {line}, column {name(j)!r}: {cell[:40]!r} is not a finite number "
                "of usable size"
            )
        return v

    if fast is not None:
        xa, ya = fast
    else:
        xs, ys = array("d"), array("d")
        cells, line = first_data, reader.line_num
        try:
            while True:
                if len(cells) != ncols:
                    raise InputError(
                        f"{p}: line {line}: expected {ncols} fields, found {len(cells)}"
                    )
                xs.append(number(cells[xi].strip(), line, xi))
                ys.append(number(cells[yi].strip(), line, yi))
                cells = next(rows)
                line = reader.line_num
        except StopIteration:
            pass
        except csv.Error as exc:
            raise InputError(f"{p}: line {reader.line_num}: {exc}") from None
        xa = np.frombuffer(xs, dtype=np.float64).copy()
        ya = np.frombuffer(ys, dtype=np.float64).copy()

    if xa.size < 2:
        raise InputError(f"{p}: needs at least 2 data rows, found {xa.size}")
    if np.ptp(xa) == 0:
        raise InputError(f"{p}: needs at least 2 distinct values in x column {name(xi)!r}")
    base = os.path.basename(p)
    return Dataset(
        xa,
        ya,
        os.path.splitext(base)[0] or "data",
        x_label=name(xi),
        y_label=name(yi),
        source=p,
        init=(0.0, float(np.mean(ya))),
        lr="right",
        loss="mse",
        epochs=auto_epochs(xa),
        description=f"{xa.size} rows from {base}",
    )


def auto_epochs(x: FloatArray) -> int:
    """Updates for gradient descent at the "right" rate to converge on this feature.

    At half the critical rate the slowest direction shrinks by ``1 - 1/kappa`` per update
    (``kappa`` the condition number of ``[[E x^2, E x], [E x, 1]]``), so ``8 kappa`` updates
    leave ``e^-8`` of the starting gap. Frames, not updates, set a render's cost.
    """
    m1, m2 = float(np.mean(x)), float(np.mean(x * x))
    lam = np.linalg.eigvalsh(np.array([[m2, m1], [m1, 1.0]]))
    kappa = float(lam[1] / lam[0]) if lam[0] > 0 else float("inf")
    if not math.isfinite(kappa):
        return 20_000
    return int(min(max(math.ceil(8.0 * kappa), 200), 20_000))


def _fast_columns(
    p: str, text: str, delimiter: str, has_header: bool, first: list[str], xi: int, yi: int
) -> tuple[FloatArray, FloatArray] | None:
    """numpy's C parser for a clean, all-numeric table; ``None`` sends it the careful way.

    Anything unusual (text cells, quotes, ragged rows, non-finite or huge numbers) returns
    ``None``, and the row-by-row reader finds the line and column to report.
    """
    if not all(_is_number(c) for c in first) or '"' in text[:65536]:
        return None
    try:
        # From the file itself: numpy reads it in chunks, no second copy of the text.
        table = np.loadtxt(
            p,
            encoding="utf-8-sig",
            delimiter=delimiter,
            skiprows=1 if has_header else 0,
            dtype=np.float64,
            comments=None,
            ndmin=2,
        )
    except (ValueError, IndexError, OSError, UnicodeDecodeError):
        return None
    if table.shape[1] != len(first) or table.shape[0] < 2:
        return None
    cols = table[:, [xi, yi]]
    if not np.isfinite(cols).all() or np.abs(cols).max() > _MAX_ABS:
        return None
    return np.ascontiguousarray(cols[:, 0]), np.ascontiguousarray(cols[:, 1])


def _read_text(p: str) -> str:
    try:
        with open(p, "rb") as fh:
            raw = fh.read(_MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a CSV file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if len(raw) > _MAX_CSV_BYTES:
        raise InputError(f"{p}: larger than 2 GiB")
    if b"\x00" in raw[:65536]:
        raise InputError(f"{p}: binary content, not a text CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}: line {line}: not UTF-8 text") from None
    if not text.strip():
        raise InputError(f"{p}: the file is empty")
    return text


def _pick_columns(
    p: str, x: str | None, y: str | None, header: list[str] | None, first: list[str]
) -> tuple[int, int]:
    ncols = len(first)

    def resolve(spec: str, what: str) -> int:
        if header is not None and spec in header:
            return header.index(spec)
        if spec.lstrip("-").isdigit():
            idx = int(spec)
            if 0 <= idx < ncols:
                return idx
            raise InputError(f"{p}: --{what} column index {idx} is out of range (0..{ncols - 1})")
        names = ", ".join(repr(h) for h in header) if header else f"0..{ncols - 1}"
        raise InputError(f"{p}: unknown --{what} column {spec!r} (columns: {names})")

    xi = resolve(x, "x") if x is not None else None
    yi = resolve(y, "y") if y is not None else None
    if xi is None or yi is None:
        numeric = [j for j in range(ncols) if _is_number(first[j]) and j not in (xi, yi)]
        if xi is None:
            if not numeric:
                raise InputError(f"{p}: no numeric column left for x")
            xi = numeric.pop(0)
        if yi is None:
            if not numeric:
                raise InputError(f"{p}: needs two numeric columns, found fewer")
            yi = numeric.pop(0)
    if xi == yi:
        raise InputError(f"{p}: x and y are the same column")
    return xi, yi

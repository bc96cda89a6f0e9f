"""The :class:`Dataset` type: one feature ``x`` (or several) against one target ``y``, and its
identity.

:func:`own_dataset` gives one's own data (a file, a DataFrame, arrays) the defaults it trains
with; the built-in lessons set theirs in :mod:`gdanim.datasets.lessons`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .conditioning import auto_epochs

#: What to do with rows missing x or y: leave them out (and say so), or refuse the file.
MISSING_POLICIES = ("skip", "error")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """Regression data: one feature, or ``d >= 2`` of them, against one target.

    Attributes
    ----------
    x, y
        Feature and target, float64 arrays, all finite, ``N >= 2`` points. One feature: ``x``
        of shape ``(N,)`` with at least two distinct values. ``d`` features: ``x`` of shape
        ``(N, d)``, each column with two distinct values and no column a combination of the
        others (the least-squares fit is unique).
    name
        Short identifier (a built-in's registry name, or the CSV file's stem).
    x_label, y_label
        Axis labels including units, e.g. ``"Size (1000 sq ft)"``; with several features
        ``x_label`` joins theirs.
    x_labels
        With several features, each one's label (``()`` for one feature).
    source
        Where the data came from: ``"built-in"`` or the CSV path.
    init
        A sensible starting point ``(w, b)`` in data units (``(w1, ..., wd, b)`` for ``d``
        features).
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
    init: tuple[float, ...] = (0.0, 0.0)
    lr: float | str = "right"
    loss: str = "mse"
    epochs: int = 200
    description: str = ""
    rows_in_file: int | None = None
    notes: tuple[str, ...] = ()
    auto_standardize: bool = False
    x_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        x = np.array(self.x, dtype=np.float64, copy=True)
        y = np.array(self.y, dtype=np.float64, copy=True)
        if x.ndim == 2 and x.shape[1] == 1:
            x = x[:, 0].copy()
        if x.ndim == 2:
            if y.ndim != 1 or x.shape[0] != y.size:
                raise ValueError(f"x must have a row per y, got {x.shape} and {y.shape}")
            labels = self.x_labels or tuple(f"x{j + 1}" for j in range(x.shape[1]))
            if len(labels) != x.shape[1]:
                raise ValueError(f"{x.shape[1]} features need as many labels, got {len(labels)}")
            object.__setattr__(self, "x_labels", tuple(labels))
            if self.x_label == "x":
                object.__setattr__(self, "x_label", ", ".join(labels))
        elif x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
            raise ValueError(f"x and y must be 1-D of one length, got {x.shape} and {y.shape}")
        elif self.x_labels:
            raise ValueError("x_labels name several features; one feature has x_label")
        if y.size < 2:
            raise ValueError("a dataset needs at least 2 points")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("x and y must be finite")
        if x.ndim == 2:
            problem = feature_problem(x, self.x_labels)
            if problem:
                raise ValueError(problem)
        elif np.ptp(x) == 0:
            raise ValueError("a dataset needs at least 2 distinct x values")
        x.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.y.size)

    @property
    def d(self) -> int:
        """Number of features."""
        return 1 if self.x.ndim == 1 else int(self.x.shape[1])

    @property
    def features(self) -> tuple[str, ...]:
        """Each feature's label: ``x_labels``, or ``(x_label,)`` for one feature."""
        return self.x_labels or (self.x_label,)

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
            x_col: object = list(self.x_labels) if self.d > 1 else self.x_label
            out["columns"] = {"x": x_col, "y": self.y_label}
        if self.d > 1 and self.rows_in_file is None:
            out["features"] = list(self.x_labels)
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
        does not grow with ``N``. With several features, ranks of ``y``.
        """
        if self.n <= max_points:
            return self.x, self.y
        order = np.argsort(self.x if self.d == 1 else self.y, kind="stable")
        pick = order[np.linspace(0, self.n - 1, max_points).round().astype(np.intp)]
        return self.x[pick], self.y[pick]


#: Beyond this, squares of the data overflow float64 in the loss.
MAX_MAGNITUDE = 1e150


def check_magnitudes(x: FloatArray, y: FloatArray, where: str, x_label: str, y_label: str) -> None:
    """One line when the losses cannot be computed on the data: a value too large to square,
    or x values so close together that their spread squared is below float64's range."""
    for values, label in ((x, x_label), (y, y_label)):
        big = float(np.max(np.abs(values))) if values.size else 0.0
        if not np.isfinite(big) or big > MAX_MAGNITUDE:
            raise InputError(
                f"{where}: {label!r} holds {big:.3g}: too large to square (at most "
                f"{MAX_MAGNITUDE:.0e}); rescale it"
            )
    spread = x - np.mean(x, axis=0)
    with np.errstate(under="ignore"):
        var = float(np.min(np.mean(spread * spread, axis=0)))  # per feature
    if not var >= np.finfo(np.float64).tiny:
        raise InputError(
            f"{where}: x {x_label!r} spreads over only {float(np.ptp(x)):.3g}: its squares "
            "underflow; rescale it (e.g. multiply by 1e6)"
        )


def feature_problem(x: FloatArray, labels: tuple[str, ...]) -> str | None:
    """Why the features ``x`` (shape ``(N, d)``) have no unique least-squares fit, or ``None``:
    a feature with one value, or one that is a combination of the others."""
    for j in range(x.shape[1]):
        if np.ptp(x[:, j]) == 0:
            return f"feature {labels[j]!r} has a single value: it needs at least 2 distinct"
    centred = x - x.mean(axis=0)
    if x.shape[0] <= x.shape[1] or np.linalg.matrix_rank(centred) < x.shape[1]:
        names = ", ".join(repr(v) for v in labels)
        return (
            f"the features {names} are collinear (one is a combination of the others, or "
            "there are too few rows): their weights have no unique fit"
        )
    return None


def own_dataset(
    x: FloatArray, y: FloatArray, name: str, x_label: str, y_label: str, source: str,
    total: int, notes: tuple[str, ...] = (), x_labels: tuple[str, ...] = (),
) -> Dataset:  # fmt: skip
    """One's own data (a file, a DataFrame, arrays) with the defaults it trains with: the
    flat line through the lowest y, the "right" rate, mse, enough updates, x standardised
    when the raw problem needs it. Several features start from zero weights.

    The start is off the valley's floor in both w and b (the flat line through the mean
    sits on it, and its descent only turns the line about the mean), and it is on the data
    panel, below every point: a line that is plainly wrong and plainly improves.
    """
    base = os.path.basename(source)
    check_magnitudes(x, y, base, x_label, y_label)
    n = y.size
    rows_text = f"{n:,} of {total:,} rows" if n != total else f"{n:,} rows"
    return Dataset(
        x,
        y,
        name,
        x_label=x_label,
        y_label=y_label,
        source=source,
        init=(*[0.0] * (1 if x.ndim == 1 else x.shape[1]), float(np.min(y))),
        lr="right",
        loss="mse",
        epochs=auto_epochs(x),
        description=f"{rows_text} from {base}",
        rows_in_file=total,
        notes=notes,
        auto_standardize=True,
        x_labels=x_labels,
    )


class Scale(Protocol):
    """How x is standardised: its mean and standard deviation (one per feature)."""

    @property
    def x_mean(self) -> float | tuple[float, ...]: ...

    @property
    def x_std(self) -> float | tuple[float, ...]: ...


def standardized_data(ds: Dataset, std: Scale) -> Dataset:
    """``ds`` with x standardised as the optimizer saw it (``std``: a run's
    :class:`~gdanim.trainer.Standardization`): the map's coordinates."""
    x = (np.asarray(ds.x, dtype=np.float64) - std.x_mean) / std.x_std
    return dataclasses.replace(ds, x=x, x_label=f"{ds.x_label}, standardised")

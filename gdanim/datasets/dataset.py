"""The :class:`Dataset` type: one feature ``x`` against one target ``y``, and its identity.

:func:`own_dataset` gives one's own data (a file, a DataFrame, arrays) the defaults it trains
with; the built-in lessons set theirs in :mod:`gdanim.datasets.lessons`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from .conditioning import auto_epochs

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


def own_dataset(
    x: FloatArray, y: FloatArray, name: str, x_label: str, y_label: str, source: str,
    total: int, notes: tuple[str, ...] = (),
) -> Dataset:  # fmt: skip
    """One's own data (a file, a DataFrame, arrays) with the defaults it trains with: the
    flat line through the lowest y, the "right" rate, mse, enough updates, x standardised
    when the raw problem needs it.

    The start is off the valley's floor in both w and b (the flat line through the mean
    sits on it, and its descent only turns the line about the mean), and it is on the data
    panel, below every point: a line that is plainly wrong and plainly improves.
    """
    base = os.path.basename(source)
    rows_text = f"{x.size:,} of {total:,} rows" if x.size != total else f"{x.size:,} rows"
    return Dataset(
        x,
        y,
        name,
        x_label=x_label,
        y_label=y_label,
        source=source,
        init=(0.0, float(np.min(y))),
        lr="right",
        loss="mse",
        epochs=auto_epochs(x),
        description=f"{rows_text} from {base}",
        rows_in_file=total,
        notes=notes,
        auto_standardize=True,
    )

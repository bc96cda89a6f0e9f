"""The built-in lessons' data.

The built-ins reproduce the data of the lesson texts gdanim teaches from; generated ones are
seeded and rounded, so they are the same numbers on every machine.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .dataset import Dataset

FloatArray = NDArray[np.float64]

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


def _houses() -> tuple[FloatArray, FloatArray]:
    """47 houses: size in square feet and bedrooms against price, the textbook's two features
    on scales a thousand times apart."""
    rng = np.random.default_rng(2047)
    n = 47
    size = np.round(850.0 + 3650.0 * rng.random(n) ** 1.3)  # sq ft, more small houses
    beds = np.clip(np.round(1.0 + size / 1500.0 + _normal(rng, n)), 1, 5)
    price = np.round(0.11 * size + 14.0 * beds + 60.0 + 30.0 * _normal(rng, n), 1)  # $1000s
    return np.column_stack([size, beds]), price


def _houses_dataset() -> Dataset:
    x, y = _houses()
    return Dataset(
        x,
        y,
        "houses",
        x_label="Size (sq ft), bedrooms",
        y_label="Price ($1000s)",
        x_labels=("Size (sq ft)", "Bedrooms"),
        init=(0.0, 0.0, round(float(np.mean(y)), 1)),
        lr="right",
        loss="mse",
        epochs=1000,
        description="47 houses: size and bedrooms against price, raw scales far apart",
    )


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
    "houses": _houses_dataset,
}


def get_dataset(name: str) -> Dataset:
    """The built-in dataset called ``name``."""
    try:
        make = DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise InputError(f"unknown dataset {name!r} (known: {known})") from None
    return make()

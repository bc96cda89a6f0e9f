"""Tables the tests write for themselves, shaped like the real data users bring."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_heights(folder: Path, rows: int = 200) -> Path:
    """Heights in cm against weights in kg (seeded): real magnitudes, standardised by default."""
    rng = np.random.default_rng(5)
    h = np.round(rng.normal(170, 10, rows), 1)
    w = np.round(0.9 * h - 90 + rng.normal(0, 6, rows), 1)
    path = Path(folder) / "heights.csv"
    lines = "".join(f"{a},{b}\n" for a, b in zip(h, w, strict=True))
    path.write_text("height_cm,weight_kg\n" + lines)
    return path


def write_houses(folder: Path, rows: int = 120) -> Path:
    """House prices in dollars (1e5-1e6) against living area in square feet (500-5000),
    seeded: large y magnitudes, x on its raw scale."""
    rng = np.random.default_rng(11)
    area = np.round(rng.uniform(500, 5000, rows))
    price = np.round(180 * area + 60_000 + rng.normal(0, 60_000, rows), -2)
    path = Path(folder) / "houses.csv"
    lines = "".join(f"{a:.0f},{p:.0f}\n" for a, p in zip(area, price, strict=True))
    path.write_text("area_sqft,price_usd\n" + lines)
    return path


def write_small(folder: Path, rows: int = 80) -> Path:
    """A small-magnitude table, values about 1e-3 (a concentration against a dose), seeded."""
    rng = np.random.default_rng(17)
    dose = np.round(rng.uniform(0.5e-3, 4e-3, rows), 6)
    conc = np.round(0.6 * dose + 0.4e-3 + rng.normal(0, 0.15e-3, rows), 7)
    path = Path(folder) / "small.csv"
    lines = "".join(f"{a},{b}\n" for a, b in zip(dose, conc, strict=True))
    path.write_text("dose_g,conc_g_per_l\n" + lines)
    return path


def write_clinic(folder: Path, rows: int = 442) -> Path:
    """A table shaped like the diabetes study scikit-learn ships: body-mass index and blood
    pressure already centred and scaled (about -0.09 to 0.17), against a disease score
    (25-346), seeded."""
    rng = np.random.default_rng(31)
    bmi = np.clip(rng.normal(0, 0.0476, rows), -0.09, 0.17)
    bp = np.clip(0.4 * bmi + rng.normal(0, 0.0436, rows), -0.11, 0.13)
    score = np.round(np.clip(152 + 950 * bmi + 400 * bp + rng.normal(0, 58, rows), 25, 346))
    path = Path(folder) / "clinic.csv"
    # Written as pandas writes floats: every digit of the double.
    rows_ = zip(bmi.tolist(), bp.tolist(), score.tolist(), strict=True)
    lines = "".join(f"{a!r},{b!r},{c:.1f}\n" for a, b, c in rows_)
    path.write_text("bmi,bp,target\n" + lines)
    return path


def write_cars(folder: Path, rows: int = 32) -> Path:
    """A two-feature table shaped like the classic car table: weight in 1000 lb (1.5-5.5)
    and horsepower (50-335) against miles per gallon (10-34), seeded."""
    rng = np.random.default_rng(23)
    wt = np.round(rng.uniform(1.5, 5.5, rows), 3)
    hp = np.round(np.clip(40 + 55 * wt + rng.normal(0, 40, rows), 50, 335))
    mpg = np.round(np.clip(37.2 - 3.9 * wt - 0.032 * hp + rng.normal(0, 2.0, rows), 10, 34), 1)
    path = Path(folder) / "cars.csv"
    lines = "".join(f"{a},{b:.0f},{c}\n" for a, b, c in zip(wt, hp, mpg, strict=True))
    path.write_text("wt,hp,mpg\n" + lines)
    return path


def write_penguins(folder: Path, rows: int = 342) -> Path:
    """A two-feature table shaped like the penguin measurements: flipper length (172-231 mm)
    and bill length (32-60 mm), correlated, against body mass (2700-6300 g), seeded; long
    column names as the table has them."""
    rng = np.random.default_rng(29)
    flipper = np.round(np.clip(rng.normal(201, 14, rows), 172, 231))
    bill = np.round(np.clip(0.2 * flipper + 3.9 + rng.normal(0, 4.2, rows), 32, 60), 1)
    mass = np.round(
        np.clip(50 * flipper + 6 * bill - 6100 + rng.normal(0, 390, rows), 2700, 6300), -1
    )
    path = Path(folder) / "penguins.csv"
    lines = "".join(f"{a:.0f},{b},{c:.0f}\n" for a, b, c in zip(flipper, bill, mass, strict=True))
    path.write_text("flipper_length_mm,bill_length_mm,body_mass_g\n" + lines)
    return path

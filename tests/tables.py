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

"""The fixed vocabularies and limits of the options (plain data: no manim)."""

from __future__ import annotations

from ..datasets.dataset import MISSING_POLICIES

__all__ = [
    "ASPECTS",
    "DEFAULT_QUALITY",
    "DURATION",
    "FORMATS",
    "FPS",
    "GIF_RATES",
    "MAX_EPOCHS",
    "MAX_PIXELS",
    "MISSING_POLICIES",
    "QUALITIES",
    "REGIMES",
    "THEMES",
]

#: Learning-rate regimes, from :func:`gdanim.landscape.analyze`.
REGIMES = ("small", "right", "large")
MAX_EPOCHS = 1_000_000

#: ``--quality``: (short side in pixels, frames per second); 16:9 gives 854x480 for low.
QUALITIES: dict[str, tuple[int, int]] = {
    "low": (480, 15),
    "medium": (720, 30),
    "high": (1080, 60),
    "4k": (2160, 60),
}
ASPECTS: dict[str, tuple[int, int]] = {
    "16:9": (16, 9),
    "4:3": (4, 3),
    "1:1": (1, 1),
    "9:16": (9, 16),
}
FORMATS = ("mp4", "gif", "webm", "png")
THEMES = ("dark", "light")
#: Quality each format renders at unless told: GIFs are for slides, videos for lectures.
DEFAULT_QUALITY = {"mp4": "medium", "webm": "medium", "gif": "low", "png": "high"}
MAX_PIXELS = 7680 * 4320
#: The shortest side a frame may have: the panels' text needs room.
MIN_SIDE = 128
#: GIF frame delays are whole centiseconds: only these rates play at their true speed.
GIF_RATES = (10, 20, 25, 50)
DURATION = (0.5, 600.0)
FPS = (1, 120)

"""What every deck and the handout show of a scene: its beats and its closing verdict."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from ..media.captions import Cue
from .beats import Beat

#: Every file a deck or handout writes carries this time, so the same lecture gives the same
#: bytes (a date would make each build differ).
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class SceneDeck:
    """One scene's part of a deck: ``name`` (its file name), what it teaches, its beats and
    the sentences of its closing slide (each run's verdict in numbers; none where a scene
    before it closed on the same runs, and its closing slide says what it teaches)."""

    name: str
    summary: str
    beats: tuple[Beat, ...]
    verdict: tuple[str, ...]
    #: The scene's caption cues (scene time), which the beats' clips show as they play.
    cues: tuple[Cue, ...] = ()


def closing_title(scene: SceneDeck) -> str:
    if not scene.verdict:
        return f"{scene.name}: in short"
    return (
        f"{scene.name}: what the run did" if len(scene.verdict) == 1 else f"{scene.name}: the runs"
    )


def fixed_zip_times(path: str) -> None:
    """Rewrite a zip file (a .pptx) with every entry dated :data:`FIXED_TIME`, in place."""
    part = path + ".times"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(part, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = item.compress_type
            info.external_attr = item.external_attr
            dst.writestr(info, src.read(item.filename))
    os.replace(part, path)

"""A lecture as configured: its scenes (each a render spec), its title and what is made
besides the videos, without reading or rendering anything.

The lecture file (:mod:`gdanim.lectures.file`), ``gdanim lecture`` and :func:`gdanim.lecture`
take their lists of names from here: :data:`FLAGS` (the lecture's on/off fields, with their
help) and :data:`EVERY_SCENE` (the render options applied to every scene).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .spec import RenderSpec

DEFAULT_TITLE = "Gradient descent on linear regression"


@dataclass(frozen=True)
class LectureScene:
    """One scene of a lecture: its output name (file stem) and its spec."""

    name: str
    spec: RenderSpec


def _flag(help_text: str) -> Any:
    """A lecture's on/off choice of what is made besides the videos: a key of the file's top
    level, a command-line flag and a keyword of :func:`gdanim.lecture`, each from this field."""
    return field(default=False, metadata={"help": help_text})


@dataclass(frozen=True)
class Lecture:
    """An ordered list of scenes and how the pack is written."""

    scenes: tuple[LectureScene, ...]
    title: str = DEFAULT_TITLE
    source: str | None = None
    gif: bool = _flag("Also a GIF of each scene (for slides).")
    slides: bool = _flag(
        "Also slides/, a reveal.js deck with a slide per beat, cut from the videos: one "
        "folder that plays offline when copied alone."
    )
    pptx: bool = _flag(
        "Also lecture.pptx: a slide per beat with its clip and its captions as notes "
        "(pip install 'gdanim[pptx]')."
    )
    handout: bool = _flag(
        "Also handout.pdf: a page per beat, its last frame beside its captions as searchable, "
        "tagged text (pip install 'gdanim[handout]')."
    )

    @property
    def theme(self) -> str:
        """The theme of the page and the decks: the first scene's."""
        return self.scenes[0].spec.theme if self.scenes else "dark"


#: The flags of the file's top level, the command line and :func:`gdanim.lecture`: what is made
#: besides the videos (the lecture's on/off fields, with their help).
FLAGS = tuple(f.name for f in dataclasses.fields(Lecture) if "help" in f.metadata)
FLAG_HELP = {f.name: str(f.metadata["help"]) for f in dataclasses.fields(Lecture) if f.metadata}
#: The render options a lecture's command line and :func:`gdanim.lecture` apply to every scene
#: (the spec's keys; ``resolution`` sets width and height).
EVERY_SCENE = ("quality", "theme", "aspect", "resolution", "fps", "duration", "narrate", "voice")

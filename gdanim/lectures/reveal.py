"""The lecture as a reveal.js deck in one folder that plays when copied alone, offline.

``slides/`` holds everything the deck shows: ``index.html`` (from its template), the beats'
clips and posters in ``slides/beats/``, and reveal.js with its theme and fonts in
``slides/reveal/``. reveal.js ships inside gdanim (``vendor/reveal.js``, MIT, its license
beside it), so nothing is fetched, neither when the deck is built nor when it is shown.
Speaker notes (the beat's captions) open with the S key.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from importlib import resources
from importlib.abc import Traversable

from ..fileio import atomic_write_text, private_dir
from ..media import captions
from ..media.captions import Cue
from .beats import FOLDER as BEATS
from .beats import Beat
from .decks import SceneDeck, closing_title

REVEAL_VERSION = "5.2.1"
#: reveal.js theme for each gdanim theme: its fonts and layout; the colours are gdanim's
#: (:mod:`gdanim.theme`), set over it by the deck's template.
REVEAL_THEMES = {"dark": "black", "light": "white"}
FOLDER = "slides"
#: The theme's fonts, loaded by the theme's stylesheet.
FONTS = "dist/theme/fonts/source-sans-pro"


def vendored() -> Traversable:
    """reveal.js as shipped in the package."""
    return resources.files("gdanim.lectures").joinpath("vendor", "reveal.js")


def needed(theme: str) -> list[str]:
    """The reveal.js files the deck loads for ``theme``, by their path in reveal.js."""
    fonts = vendored().joinpath(*FONTS.split("/"))
    return [
        "LICENSE",
        "dist/reveal.css",
        "dist/reveal.js",
        "plugin/notes/notes.js",
        f"dist/theme/{REVEAL_THEMES.get(theme, 'black')}.css",
        *sorted(f"{FONTS}/{f.name}" for f in fonts.iterdir() if f.is_file()),
    ]


def _link_or_copy(src: str, dst: str) -> None:
    """``dst`` as a hard link to ``src`` (the beats are replaced, never rewritten, so a link
    stays right), or a copy across file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _beat_files(scenes: Sequence[SceneDeck]) -> Iterator[str]:
    seen: set[str] = set()
    for scene in scenes:
        for beat in scene.beats:
            for rel in (beat.clip, beat.poster):
                if rel not in seen:
                    seen.add(rel)
                    yield rel


def beat_vtt(scene: SceneDeck, beat: Beat) -> str:
    """The captions a beat's clip shows: the scene's cues during the beat, in the clip's time."""
    span = beat.end - beat.start
    cues = [
        Cue(max(0.0, c.start - beat.start), min(span, c.end - beat.start), c.text)
        for c in scene.cues
        if c.end > beat.start + 1e-6 and c.start < beat.end - 1e-6
    ]
    return captions.to_vtt(c for c in cues if c.end - c.start > 1e-3)


def build_reveal(
    out: str, title: str, subtitle: str, scenes: Sequence[SceneDeck], theme: str,
    size: tuple[int, int],
) -> tuple[str, int]:  # fmt: skip
    """Write ``out/slides/``: ``index.html``, the beats it plays and reveal.js. Returns the
    deck's path and its number of slides."""
    from ..theme import theme as find_theme
    from .page import templates

    folder = os.path.join(out, FOLDER)
    dest = os.path.join(folder, "index.html")
    os.makedirs(folder, exist_ok=True)
    source = vendored()
    # Staged whole, then swapped in: an old deck's files never mix with a new one's.
    with private_dir(os.path.join(folder, "reveal")) as tmp:
        staged = {"reveal": os.path.join(tmp, "reveal"), BEATS: os.path.join(tmp, BEATS)}
        for rel in needed(theme):
            target = os.path.join(staged["reveal"], *rel.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(source.joinpath(*rel.split("/")).read_bytes())
        os.makedirs(staged[BEATS])
        for rel in _beat_files(scenes):
            _link_or_copy(os.path.join(out, rel), os.path.join(tmp, *rel.split("/")))
        for name, path in staged.items():
            old = os.path.join(tmp, f"old-{name}")
            live = os.path.join(folder, name)
            if os.path.isdir(live):
                os.replace(live, old)
            os.replace(path, live)
    from ..speech.narration import has_sound

    # A narrated beat's clip plays with its voice; the others stay muted (autoplay allows it).
    spoken = {b.clip for s in scenes for b in s.beats if has_sound(os.path.join(out, b.clip))}
    page = (
        templates()
        .get_template("deck.html")
        .render(
            title=title,
            subtitle=subtitle,
            scenes=scenes,
            closing_title=closing_title,
            theme_css=f"reveal/dist/theme/{REVEAL_THEMES.get(theme, 'black')}.css",
            c=find_theme(theme),
            width=size[0],
            height=size[1],
            spoken=spoken,
            captions={f"{s.name}-{b.index}": beat_vtt(s, b) for s in scenes for b in s.beats},
        )
    )
    atomic_write_text(dest, page)
    return dest, 1 + sum(len(s.beats) + 1 for s in scenes)

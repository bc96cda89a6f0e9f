"""The lecture as a reveal.js deck that works offline: a slide per beat, its clip playing.

The deck (``slides/index.html``, from its template) plays the beats' clips from
``beats/``; reveal.js itself is copied beside it from gdanim's cache, which is filled once
from the npm registry (``npm pack reveal.js``), so nothing is fetched when it is shown.
Speaker notes (the beat's captions) open with the S key.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..fileio import atomic_write_text, private_dir
from .decks import SceneDeck, closing_title

REVEAL_VERSION = "5.2.1"
#: reveal.js files the deck loads, by their path in the npm package.
REVEAL_FILES = ("dist/reveal.css", "dist/reveal.js", "plugin/notes/notes.js")
#: reveal.js theme for each gdanim theme.
REVEAL_THEMES = {"dark": "black", "light": "white"}
FOLDER = "slides"


def reveal_cache() -> Path:
    """Where gdanim keeps reveal.js (one folder per version)."""
    from ..pipeline.render import cache_dir

    return Path(cache_dir()) / f"reveal.js-{REVEAL_VERSION}"


def _needed(theme: str) -> list[str]:
    return [*REVEAL_FILES, f"dist/theme/{REVEAL_THEMES.get(theme, 'black')}.css"]


def ensure_assets(theme: str) -> Path:
    """reveal.js in the cache, fetched with ``npm pack`` if missing; one line if it cannot be."""
    cache = reveal_cache()
    missing = [p for p in _needed(theme) if not (cache / p).is_file()]
    if not missing:
        return cache
    if shutil.which("npm") is None:
        raise InputError(
            f"--slides needs reveal.js {REVEAL_VERSION} once: install npm (it is fetched with "
            f"'npm pack reveal.js@{REVEAL_VERSION}'), or put its package in {cache}"
        )
    with tempfile.TemporaryDirectory(prefix="gdanim-reveal-") as tmp:
        try:
            done = subprocess.run(
                ["npm", "pack", f"reveal.js@{REVEAL_VERSION}", "--silent",
                 "--pack-destination", tmp],
                capture_output=True, text=True, timeout=180, check=False,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(f"npm pack reveal.js@{REVEAL_VERSION} failed: {exc}") from None
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            msg = " ".join((done.stderr or "").split())[-200:]
            raise InputError(f"npm pack reveal.js@{REVEAL_VERSION} failed: {msg or 'no package'}")
        with tarfile.open(tarballs[0]) as tar:
            for rel in missing:
                member = tar.extractfile(f"package/{rel}")
                if member is None:
                    raise InputError(f"reveal.js {REVEAL_VERSION} has no {rel}")
                target = cache / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_name(f".{target.name}.part")
                part.write_bytes(member.read())
                os.replace(part, target)
    return cache


def build_reveal(
    out: str, title: str, subtitle: str, scenes: Sequence[SceneDeck], theme: str,
    size: tuple[int, int],
) -> tuple[str, int]:  # fmt: skip
    """Write ``out/slides/index.html`` and its reveal.js files; the deck's path and slides."""
    from .page import templates

    cache = ensure_assets(theme)
    folder = os.path.join(out, FOLDER)
    dest = os.path.join(folder, "index.html")
    os.makedirs(folder, exist_ok=True)
    with private_dir(os.path.join(folder, "reveal")) as tmp:
        staged = os.path.join(tmp, "reveal")
        for rel in _needed(theme):
            target = os.path.join(staged, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(cache / rel, target)
        old = os.path.join(tmp, "old")
        assets = os.path.join(folder, "reveal")
        if os.path.isdir(assets):
            os.replace(assets, old)
        os.replace(staged, assets)
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
            width=size[0],
            height=size[1],
            up="../",
            spoken=spoken,
        )
    )
    atomic_write_text(dest, page)
    return dest, 1 + sum(len(s.beats) + 1 for s in scenes)

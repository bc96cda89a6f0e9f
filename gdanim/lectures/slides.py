"""A reveal.js deck of the lecture through manim-slides, with a slide break at each beat.

The scenes stay plain manim scenes. :func:`slide_class` mixes manim-slides' ``Slide`` into a
scene class and decides where its beats end from what the scene already does:

* a hold (``self.wait(...)`` or ``self.play(Wait(...))``) closes a beat;
* a subcaption marks one: ``play(..., subcaption=...)`` opens a beat with that animation,
  ``add_subcaption(..., offset >= 0)`` opens one with the next animation, and a subcaption with a
  negative offset (a caption for what was just shown) closes the current one;
* until a scene's first subcaption, every animation is a beat of its own (a scene that does
  not narrate has nothing else to mark its beats with), unless the scene class says it is
  ``narrated``: its captions close its beats once they are played.

The next animation after a closed beat starts a new slide; each slide's speaker notes are the
subcaptions shown during it, so they carry the run's own numbers.

manim-slides is an optional extra (``pip install 'gdanim[slides]'``); reveal.js itself is read
from manim-slides' asset cache, filled once from the npm registry (``npm pack``) or from
manim-slides' own download, so the deck is written with ``offline`` on: no CDN at show time.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from ..config import RenderSpec
from ..errors import InputError
from ..pipeline.identity import content_hashes
from ..scenes.registry import SCENES

#: reveal.js files the manim-slides template loads, by their path in the npm package.
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
    "dist/plugin/highlight/zenburn.css",
)
#: reveal.js theme for each gdanim theme.
REVEAL_THEMES = {"dark": "black", "light": "white"}
PARTS = "parts"


def check_available() -> None:
    """One line when manim-slides is not installed."""
    try:
        import manim_slides  # noqa: F401
    except ImportError:
        raise InputError(
            "--slides needs manim-slides: pip install 'gdanim[slides]' (or manim-slides>=5)"
        ) from None


def slide_class(scene_cls: type) -> type:
    """``scene_cls`` with manim-slides' ``Slide`` mixed in and a slide break at each beat."""
    from manim import ManimColor, Wait, config
    from manim_slides.slide import Slide
    from manim_slides.slide.base import BaseSlide

    cls: type[Any]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        self._gd_beat_over = False
        # A scene that captions each beat once it has played (``narrated``) needs no
        # slide per animation before its first caption.
        self._gd_narrated = bool(getattr(scene_cls, "narrated", False))
        self._gd_in_play = False
        self._gd_notes = []
        self._gd_pending_notes = []
        if hasattr(type(config), "write_to_movie"):
            super(cls, self).__init__(*args, **kwargs)
        else:
            # Slide.__init__ only sets config["write_to_movie"], a key manim 0.22 dropped (it
            # raises there); the Cairo renderer writes the movie anyway. The rest of the chain
            # (BaseSlide, then the scene) runs as usual.
            BaseSlide.__init__(self, *args, **kwargs)

    def _gd_break(self: Any) -> None:
        """Close the current slide (with its notes) if it holds any animation."""
        if self._current_animation > self._start_animation:
            self._gd_set_notes()
            self.next_slide()
            self._gd_notes = []
        self._gd_notes += self._gd_pending_notes
        self._gd_pending_notes = []
        self._gd_beat_over = False

    def _gd_set_notes(self: Any) -> None:
        if self._gd_notes:
            text = "\n\n".join(self._gd_notes)
            self._base_slide_config = self._base_slide_config.model_copy(update={"notes": text})

    def play(self: Any, *animations: Any, **kwargs: Any) -> None:
        only_wait = bool(animations) and all(isinstance(a, Wait) for a in animations)
        opens = bool(
            kwargs.get("subcaption")
            or self._gd_beat_over
            or self._gd_pending_notes
            or not self._gd_narrated
        )
        if opens and not only_wait:
            self._gd_break()
        self._gd_in_play = True
        try:
            super(cls, self).play(*animations, **kwargs)
        finally:
            self._gd_in_play = False
        if only_wait:
            self._gd_beat_over = True

    def add_subcaption(self: Any, content: str, duration: float = 1, offset: float = 0) -> None:
        super(cls, self).add_subcaption(content, duration=duration, offset=offset)
        self._gd_narrated = True
        text = str(content)
        if self._gd_in_play or offset < 0:
            self._gd_notes.append(text)
            if offset < 0 and not self._gd_in_play:
                self._gd_beat_over = True
        elif self._current_animation > self._start_animation:
            self._gd_pending_notes.append(text)
        else:
            self._gd_notes.append(text)

    def _background_color(self: Any) -> str:
        # gdanim's scenes set the camera's background as a hex string, not a ManimColor.
        return str(ManimColor(self.renderer.camera.background_color).to_hex())

    def render(self: Any, *args: Any, **kwargs: Any) -> None:
        # Slide.render sets config["max_files_cached"] to infinity, which manim 0.22 rejects;
        # it matters only with manim's partial-movie cache, which gdanim keeps off. So: the
        # scene's render, then manim-slides' own step that cuts the slides out of it.
        super(Slide, self).render(*args, **kwargs)
        self._save_slides(use_cache=False, flush_cache=False, skip_reversing=True)

    def _add_last_slide(self: Any) -> None:
        self._gd_notes += self._gd_pending_notes
        self._gd_pending_notes = []
        self._gd_set_notes()
        super(cls, self)._add_last_slide()

    attrs = {
        "__init__": __init__,
        "_gd_break": _gd_break,
        "_gd_set_notes": _gd_set_notes,
        "play": play,
        "add_subcaption": add_subcaption,
        "render": render,
        "_background_color": property(_background_color),
        "_add_last_slide": _add_last_slide,
        # Slides play forwards; reversed copies would double the encoding time.
        "skip_reversing": True,
        "__module__": __name__,
    }
    cls = type(f"{scene_cls.__name__}Slides", (Slide, scene_cls), attrs)
    return cls


def _key_path(folder: str, name: str) -> str:
    return os.path.join(folder, PARTS, f"{name}.key")


def _config_path(folder: str, name: str) -> str:
    return os.path.join(folder, PARTS, f"{name}.json")


def render_slides(spec: RenderSpec, folder: str, name: str, force: bool = False) -> dict[str, Any]:
    """Render one scene as slides into ``folder/parts/NAME/`` with ``folder/parts/NAME.json``.

    Reused when the spec's key is unchanged. Returns ``path`` (the presentation file), ``key``,
    ``reused``, ``seconds`` and ``slides`` (how many).
    """
    import time

    from manim import tempconfig

    from ..fileio import atomic_write_text, private_dir
    from ..pipeline.prepare import prepare
    from ..pipeline.render import (
        check_toolchain,
        manim_config,
        publish_private_cache,
        seed_private_cache,
    )

    check_available()
    from manim_slides.config import PresentationConfig

    key = spec.key({**content_hashes(spec), "slides": "1"})
    config_path = _config_path(folder, name)
    parts = os.path.join(folder, PARTS)
    os.makedirs(parts, exist_ok=True)
    if not force and _reusable(folder, name, key):
        count = len(json.loads(Path(config_path).read_text(encoding="utf-8"))["slides"])
        return {"path": config_path, "key": key, "reused": True, "seconds": 0.0, "slides": count}

    logging.getLogger("manim-slides").setLevel(logging.WARNING)
    inputs = prepare(spec)
    info = SCENES[spec.scene]
    check_toolchain(needs_latex=info.needs_latex)
    scene_cls = getattr(importlib.import_module(info.module), info.cls)
    start = time.perf_counter()
    with private_dir(config_path) as tmp:
        seed_private_cache(tmp)
        out = Path(tmp) / "deck"
        with tempconfig(manim_config(spec, tmp, quiet=True)):
            scene = slide_class(scene_cls)(inputs, output_folder=out)
            scene.render()
        publish_private_cache(tmp)
        produced = sorted(out.glob("*.json"))
        if len(produced) != 1:
            raise RuntimeError(f"manim-slides wrote {len(produced)} presentation files")
        pres = PresentationConfig.from_file(produced[0])
        files = os.path.join(tmp, "files")
        os.makedirs(files)
        slides = []
        for i, slide in enumerate(pres.slides):
            target = f"{i:03d}{slide.file.suffix}"
            shutil.move(str(slide.file), os.path.join(files, target))
            # Paths relative to folder: manim-slides reads them against the json's grandparent.
            rel = f"{PARTS}/{name}/{target}"
            slides.append(
                {
                    **json.loads(slide.model_dump_json()),
                    "file": rel,
                    "rev_file": rel,
                }
            )
        final = os.path.join(parts, name)
        old = os.path.join(tmp, "old")
        if os.path.isdir(final):
            os.replace(final, old)
        os.replace(files, final)
        doc = json.loads(pres.model_dump_json())
        doc["slides"] = slides
        atomic_write_text(config_path, json.dumps(doc, indent=1) + "\n")
        atomic_write_text(_key_path(folder, name), key + "\n")
    seconds = time.perf_counter() - start
    count = len(slides)
    return {"path": config_path, "key": key, "reused": False, "seconds": seconds, "slides": count}


def _reusable(folder: str, name: str, key: str) -> bool:
    try:
        if Path(_key_path(folder, name)).read_text(encoding="utf-8").strip() != key:
            return False
        doc = json.loads(Path(_config_path(folder, name)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(os.path.isfile(os.path.join(folder, s["file"])) for s in doc.get("slides", []))


def reveal_cache(version: str) -> Path:
    """manim-slides' cache of reveal.js assets (flat: one folder per reveal.js version)."""
    from platformdirs import user_cache_path

    return Path(user_cache_path("manim-slides")) / f"revealjs{version}"


def _needed(theme: str) -> list[str]:
    return [*REVEAL_FILES, f"dist/theme/{theme}.css"]


def ensure_reveal_assets(version: str, theme: str) -> None:
    """Fill manim-slides' reveal.js cache from the npm package if it is not complete.

    Without npm (or when it fails), manim-slides downloads the files itself when the deck is
    written; without a network either, that is the one-line error the caller reports.
    """
    cache = reveal_cache(version)
    missing = [p for p in _needed(theme) if not (cache / os.path.basename(p)).is_file()]
    if not missing or shutil.which("npm") is None:
        return
    with tempfile.TemporaryDirectory(prefix="gdanim-reveal-") as tmp:
        try:
            done = subprocess.run(
                ["npm", "pack", f"reveal.js@{version}", "--silent", "--pack-destination", tmp],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired):
            return
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            return
        cache.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarballs[0]) as tar:
            for rel in missing:
                member = tar.extractfile(f"package/{rel}")
                if member is None:
                    continue
                data = member.read()
                part = cache / f".{os.path.basename(rel)}.part"
                part.write_bytes(data)
                os.replace(part, cache / os.path.basename(rel))


def build_deck(
    parts: list[tuple[str, str]], folder: str, title: str, theme: str = "dark"
) -> dict[str, Any]:
    """Join the rendered parts (``(name, presentation json)``) into ``folder/index.html``.

    The deck and its assets (``index_assets/``: the slide videos and reveal.js) are built in a
    temporary folder and moved into place, so a failed build keeps the previous deck.
    """
    check_available()
    from manim_slides.config import PresentationConfig
    from manim_slides.convert import RevealJS

    logging.getLogger("manim-slides").setLevel(logging.ERROR)
    configs = [PresentationConfig.from_file(Path(p)) for _, p in parts]
    reveal_theme = REVEAL_THEMES.get(theme, "black")
    version = str(RevealJS.model_fields["reveal_version"].default)
    ensure_reveal_assets(version, reveal_theme)
    from ..fileio import private_dir

    dest = os.path.join(folder, "index.html")
    with private_dir(dest) as tmp:
        tmp_dest = Path(tmp) / "index.html"
        converter = RevealJS.model_validate(
            {
                "presentation_configs": configs,
                "offline": True,
                "title": title,
                "reveal_theme": reveal_theme,
            }
        )
        try:
            converter.convert_to(tmp_dest)
        except RuntimeError as exc:
            raise RuntimeError(
                f"{exc}: reveal.js {version} is neither in manim-slides' cache "
                f"({reveal_cache(version)}) nor downloadable here (npm pack reveal.js@{version} "
                "fills it)"
            ) from None
        assets = os.path.join(folder, "index_assets")
        old = os.path.join(tmp, "old_assets")
        if os.path.isdir(assets):
            os.replace(assets, old)
        os.replace(os.path.join(tmp, "index_assets"), assets)
        os.replace(tmp_dest, dest)
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
    return {
        "path": dest,
        "slides": sum(len(c.slides) for c in configs),
        "reveal.js": version,
        "theme": reveal_theme,
    }

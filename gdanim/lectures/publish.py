"""The decks and the handout, from the scenes' videos as rendered (no second render).

Each scene is cut into its beats (:mod:`.beats`); the PowerPoint deck (:mod:`.pptx`), the
reveal.js deck (:mod:`.reveal`) and the PDF handout (:mod:`.handout`) are made from them,
each only when asked. A failure is reported for that deck alone; the lecture stands.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..pipeline.manifest import RenderManifest
from ..scenes.registry import SCENES
from .beats import scene_beats
from .decks import SceneDeck
from .narration import run_sentences
from .page import clock

if TYPE_CHECKING:
    from .file import Lecture
    from .results import SceneResult

#: What each deck is called in the manifest, and its file in the lecture's folder.
FILES = {"pptx": "lecture.pptx", "handout": "handout.pdf", "slides": "slides/index.html"}


def _verdict(manifest: RenderManifest) -> tuple[str, ...]:
    """The closing slide: what each run did, in words and in numbers."""
    out = []
    for run, sentence in zip(manifest.runs, run_sentences(manifest), strict=False):
        outcome = run.verdict
        if run.diverged_at or not outcome:  # the sentence already says it diverged
            out.append(sentence)
        else:
            out.append(f"{sentence} {outcome[0].upper()}{outcome[1:]}.")
    return tuple(out)


def scene_decks(
    out: str, ordered: list[SceneResult], force: bool, fail: Callable[[str, str, str], None]
) -> list[SceneDeck]:
    """Every rendered scene cut into its beats (reused while unchanged)."""
    decks: list[SceneDeck] = []
    for r in ordered:
        if not r.ok or r.info is None:
            continue
        try:
            cues = r.beat_cues or r.cues
            beats = scene_beats(out, r.name, r.video_path, r.info, cues, r.rendered.key, force)
        except Exception as exc:  # a scene that cannot be cut leaves the decks without it
            from .jobs import one_line

            fail(r.name, "beats", one_line(exc))
            continue
        r.beats = beats
        summary = SCENES[r.spec.scene].summary
        verdict = _verdict(r.manifest)
        if any(d.verdict == verdict for d in decks):
            # The same run as a scene before (the lesson's run, drawn another way): its
            # closing slide says what this scene showed rather than the verdict again.
            verdict = ()
        decks.append(SceneDeck(r.name, summary, tuple(beats), verdict, tuple(cues)))
    return decks


def publish(
    out: str, lecture: Lecture, ordered: list[SceneResult], joined: dict[str, Any] | None,
    kinds: tuple[str, ...], force: bool, fail: Callable[[str, str, str], None],
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The decks in ``kinds`` (``pptx``, ``slides``, ``handout``): what each manifest entry
    says (path, slides or pages, seconds)."""
    if not kinds:
        return {}
    start = time.perf_counter()
    decks = scene_decks(out, ordered, force, fail)
    cut_seconds = time.perf_counter() - start
    if not decks:
        return {}
    ok = [r for r in ordered if r.ok and r.info is not None]
    size = (ok[0].info.width, ok[0].info.height) if ok and ok[0].info else (1280, 720)
    total = joined["duration"] if joined else sum(r.info.duration for r in ok if r.info)
    subtitle = f"{len(decks)} scenes · {clock(total)} · made with gdanim"
    theme = lecture.theme
    made: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        t0 = time.perf_counter()
        dest = os.path.join(out, FILES[kind])
        try:
            if kind == "pptx":
                from .pptx import build_pptx

                count = build_pptx(dest, out, lecture.title, subtitle, decks, size, theme)
            elif kind == "slides":
                from .reveal import build_reveal

                dest, count = build_reveal(out, lecture.title, subtitle, decks, theme, size)
            else:
                from .handout import build_handout

                count = build_handout(dest, out, lecture.title, subtitle, decks)
        except Exception as exc:
            from .jobs import one_line

            fail(kind, "deck", one_line(exc))
            if os.path.isfile(dest):
                os.unlink(dest)  # an earlier run's deck would not match this lecture
            continue
        made[kind] = {
            "path": os.path.relpath(dest, out).replace(os.sep, "/"),
            "slides" if kind != "handout" else "pages": count,
            "beats": sum(len(d.beats) for d in decks),
            "seconds": round(time.perf_counter() - t0 + cut_seconds, 3),
        }
        cut_seconds = 0.0
    return made

"""A scene's beats read without drawing it, and the narration script of a render or lecture.

:func:`scene_captions` builds the scene once with every animation skipped to its end (no
frame is drawn or encoded) and returns its captions in order: the beats a narrator speaks.
:func:`script_text` writes them one line per beat, ``ID  words``, ready to read aloud; a folder
of recordings named by those ids is a voice (``--voice DIR``).
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Sequence

from ..config import RenderSpec
from ..pipeline.prepare import SceneInputs
from .narration import Beat, make_beats


def scene_captions(inputs: SceneInputs, media_dir: str | None = None) -> list[str]:
    """The captions ``inputs``' scene shows, in order, with nothing drawn.

    ``media_dir`` is the render's private folder (its typeset LaTeX is reused); without it a
    temporary one is used.
    """
    from manim import tempconfig

    from ..pipeline.painting import paint_only_the_last_frame
    from ..pipeline.scene import manim_config, seed_private_cache
    from ..scenes.registry import SCENES

    info = SCENES[inputs.scene]
    cls = getattr(importlib.import_module(info.module), info.cls)
    with tempfile.TemporaryDirectory(dir=media_dir) as tmp:
        if media_dir is None:
            seed_private_cache(tmp)
        cfg = manim_config(inputs.spec, media_dir or tmp, quiet=True)
        # A still output makes manim skip every animation to its end state.
        cfg.update({"format": "png", "write_to_movie": False, "save_last_frame": False,
                    "images_dir": os.path.join(tmp, "images"), "video_dir": tmp})  # fmt: skip
        with tempconfig(cfg):
            scene = cls(inputs)
            paint_only_the_last_frame(scene.renderer)  # no frame is looked at
            scene.render()
            return [str(s.content) for s in scene.renderer.file_writer.subcaptions]


def render_beats(inputs: SceneInputs, name: str, media_dir: str | None = None) -> list[Beat]:
    """The beats of one render, ids prefixed by ``name`` (a lecture's scene name)."""
    return make_beats(name, scene_captions(inputs, media_dir))


def script_text(parts: Sequence[tuple[str, Sequence[Beat]]], title: str) -> str:
    """The narration script: a heading per scene, then one line per beat, ``ID  words``."""
    lines = [
        f"# {title}: the narration script",
        "# One line per beat: its id, then the words to say. Record each beat as ID.wav (or",
        "# .mp3, .m4a) in one folder, then render with --voice FOLDER.",
    ]
    for name, beats in parts:
        lines += ["", f"# {name}"]
        lines += [f"{b.id}  {b.spoken}" for b in beats]
    return "\n".join(lines) + "\n"


def render_script(spec: RenderSpec, name: str | None = None) -> list[Beat]:
    """The beats of one render of ``spec`` (ids prefixed by ``name``, default the scene's)."""
    from ..pipeline.prepare import prepare
    from ..pipeline.scene import check_toolchain
    from ..scenes.registry import SCENES

    inputs = prepare(spec)
    check_toolchain(needs_latex=SCENES[spec.scene].needs_latex)
    return render_beats(inputs, name or spec.scene)


def lecture_script(scenes: Sequence[tuple[str, RenderSpec]], title: str) -> str:
    """The narration script of a lecture's scenes, in order."""
    return script_text([(name, render_script(spec, name)) for name, spec in scenes], title)


def render_beats_text(spec: RenderSpec) -> str:
    """The narration script of one render."""
    return script_text([(spec.scene, render_script(spec))], f"{spec.scene}")

"""A scene rendered by manim for a spec: the settings manim runs with, our encoders, the
typesetting cache shared between renders, and the system tools a render needs.

:mod:`gdanim.pipeline.render` puts the result in place; the narration script
(:mod:`gdanim.speech.script`) builds scenes with the same settings without drawing them.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import subprocess
from typing import Any

from ..config import RenderSpec
from ..errors import InputError
from ..media import gif
from ..scenes.registry import SCENES
from . import encoding, painting
from .prepare import SceneInputs

ENCODER_OPTIONS: dict[str, dict[str, str]] = {
    "mp4": {
        "crf": "20",
        "preset": "veryfast",
        "tune": "animation",
        "bf": "0",
        "threads": "1",
        "x264-params": "me=dia:subme=1",
    },
    "webm": {"crf": "32", "b": "0", "deadline": "good", "cpu-used": "5", "row-mt": "1"},
    "gif": {},
    "png": {},
}


def check_toolchain(needs_latex: bool = True) -> None:
    """One clear line when a system dependency is missing."""
    missing = []
    if needs_latex:
        for tool, package in (("latex", "texlive-latex-base"), ("dvisvgm", "dvisvgm")):
            if shutil.which(tool) is None:
                missing.append(package)
        if shutil.which("kpsewhich") is not None:
            found = subprocess.run(
                ["kpsewhich", "standalone.cls"], capture_output=True, text=True, check=False
            )
            if not found.stdout.strip():
                missing.append("texlive-latex-extra")
    if missing:
        raise InputError(
            "LaTeX is missing; install: apt-get install " + " ".join(missing) + " (or `make setup`)"
        )
    try:
        import cairo  # noqa: F401
        import manimpango  # noqa: F401
    except ImportError as exc:
        raise InputError(
            f"manim's graphics libraries are missing ({exc.name}); install libcairo2 and "
            "libpango-1.0-0 (apt-get), then `pip install manim` (or `make setup`)"
        ) from None


# Only typeset LaTeX is worth sharing (a LaTeX run per string); manim rewrites text SVGs in
# place on every use, so those stay private to each job.
CACHED_DIRS = ("Tex",)


def cache_dir() -> str:
    """Where typeset LaTeX and text outlines are kept between renders."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gdanim")


def seed_private_cache(media_dir: str) -> None:
    """Copy the shared typesetting cache into a job's private folder.

    Manim may rewrite cache files in place; a job that read another job's half-written file
    would fail, so every job works on its own copies (never links) and publishes what it adds.
    """
    for sub in CACHED_DIRS:
        src, dst = os.path.join(cache_dir(), sub), os.path.join(media_dir, sub)
        os.makedirs(dst, exist_ok=True)
        if not os.path.isdir(src):
            continue
        for name in os.listdir(src):
            target = os.path.join(dst, name)
            if name.startswith(".") or os.path.exists(target):
                continue
            with contextlib.suppress(OSError):
                shutil.copyfile(os.path.join(src, name), target)


def publish_private_cache(media_dir: str) -> None:
    """Add a finished job's new typesetting files to the shared cache, each atomically."""
    for sub in CACHED_DIRS:
        src, dst = os.path.join(media_dir, sub), os.path.join(cache_dir(), sub)
        if not os.path.isdir(src):
            continue
        try:
            os.makedirs(dst, exist_ok=True)
        except OSError:
            return
        for name in os.listdir(src):
            target = os.path.join(dst, name)
            path = os.path.join(src, name)
            if name.startswith(".") or os.path.exists(target) or not os.path.isfile(path):
                continue
            if os.path.getsize(path) == 0:
                continue
            with contextlib.suppress(OSError):
                tmp = os.path.join(dst, f".{name}.{os.getpid()}.part")
                shutil.copyfile(path, tmp)
                os.replace(tmp, target)


def manim_config(spec: RenderSpec, media_dir: str, quiet: bool) -> dict[str, Any]:
    """Every manim setting a render relies on (``tempconfig`` ignores unknown keys)."""
    from ..scenes.style import THEMES

    w, h = spec.pixel_size
    manim_format = {"mp4": "mp4", "webm": "webm", "gif": "png-sequence", "png": "png"}
    return {
        # First, so that setting the others logs nothing.
        "verbosity": "ERROR",
        "renderer": "cairo",
        "media_dir": media_dir,
        "video_dir": os.path.join(media_dir, "videos"),
        "images_dir": os.path.join(media_dir, "images"),
        "partial_movie_dir": os.path.join(media_dir, "partial"),
        "tex_dir": os.path.join(media_dir, "Tex"),
        "text_dir": os.path.join(media_dir, "texts"),
        "log_dir": os.path.join(media_dir, "logs"),
        "output_file": "scene",
        "format": manim_format[spec.format],
        "save_last_frame": spec.format == "png",
        "write_to_movie": spec.format != "png",
        "pixel_width": w,
        "pixel_height": h,
        "frame_rate": spec.frame_rate,
        # The short side is 8 units whatever the aspect, so text keeps its size.
        "frame_height": 8.0 * max(1.0, h / w),
        "frame_width": 8.0 * max(1.0, w / h),
        "background_color": THEMES[spec.theme].background,
        "background_opacity": 1.0,
        "transparent": False,
        "disable_caching": True,
        "flush_cache": False,
        "progress_bar": "none" if quiet else "leave",
        "preview": False,
        "show_in_file_browser": False,
        "write_all": False,
        "save_sections": False,
        "dry_run": False,
        "log_to_file": False,
        "from_animation_number": 0,
        "upto_animation_number": -1,
        "zero_pad": 5,
        "media_embed": False,
        # Flat-coloured animation: x264's animation tuning keeps edges crisp at a faster
        # preset; VP9 at a realtime-class speed setting, multithreaded. x264 runs in the
        # encoder thread alone: its own threads cost 12% more CPU for the same picture, and
        # the drawing beside it keeps the other core busy. Flat colours on a still ground
        # need little motion search: a diamond search and the first subpixel refinement
        # take 15-25% less of x264's time for 3-8% more bytes and 0.1-0.4 dB of PSNR.
        "video_encoder_options": encoder_options(spec),
    }


#: The longest a video goes between keyframes, in seconds: editors seek and platforms cut
#: there (YouTube asks for a closed group of pictures of half the frame rate).
KEYFRAME_SECONDS = 2.0


def encoder_options(spec: RenderSpec) -> dict[str, str]:
    """The encoder's options for ``spec``: its format's, with a keyframe at least every
    :data:`KEYFRAME_SECONDS` (a closed group of pictures: there are no B-frames)."""
    options = dict(ENCODER_OPTIONS[spec.format])
    if spec.format in ("mp4", "webm"):
        options["g"] = str(max(1, int(KEYFRAME_SECONDS * spec.frame_rate)))
    if spec.format == "mp4" and constant_rate(spec):
        # CAVLC, so that a hold's repeats can be written as skipped pictures (see encoding)
        options["x264-params"] += ":cabac=0"
    return options


def constant_rate(spec: RenderSpec) -> bool:
    """Whether every frame of a hold is stored (see :mod:`.encoding`): for every video, previews
    included, since a hold's repeats cost next to nothing (the README's speed section)."""
    return spec.format in ("mp4", "webm")


def render_scene(inputs: SceneInputs, media_dir: str, quiet: bool = True) -> str:
    """Render ``inputs`` with manim into ``media_dir``; return the produced file or folder."""
    from manim import tempconfig

    spec = inputs.spec
    info = SCENES[inputs.scene]
    cls = getattr(importlib.import_module(info.module), info.cls)
    with tempconfig(manim_config(spec, media_dir, quiet)):
        scene = cls(inputs)
        if spec.format == "gif":
            gif.count_repeats(scene.renderer.file_writer, media_dir)
        elif spec.format in ("mp4", "webm"):
            encoding.install(scene.renderer, constant_rate=constant_rate(spec))
        else:
            painting.paint_only_the_last_frame(scene.renderer)
        scene.render()
        writer = scene.renderer.file_writer
        if spec.format == "png":
            return str(writer.image_file_path)
        if spec.format == "gif":
            return str(writer.image_sequence_directory)
        return str(writer.movie_file_path)

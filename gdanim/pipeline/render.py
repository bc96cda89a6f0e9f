"""RenderSpec -> file: manim in a private media folder, our own encoders, an atomic move.

Every render runs in a temporary folder beside its target and is renamed into place at the
end, so a failed or interrupted render leaves the old file or none, never half of one. Beside
the output, ``PATH.json`` (the manifest) records the spec, its key, the data's hash, the
versions and the render time; the same key again reuses the file unless forced.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..config import RenderSpec
from ..datasets import Dataset
from ..errors import InputError
from ..fileio import atomic_move, atomic_write_text, private_dir
from ..media import gif
from ..scenes.registry import SCENES
from . import encoding
from .identity import content_hashes
from .manifest import build_manifest, read_json
from .prepare import SceneInputs, prepare

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


@dataclass(frozen=True)
class RenderResult:
    """Where the output went and whether it was reused."""

    path: str
    manifest_path: str
    reused: bool
    seconds: float
    manifest: dict[str, Any]


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
            if name.startswith("."):
                continue
            with contextlib.suppress(OSError):
                shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))


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
        "video_encoder_options": ENCODER_OPTIONS[spec.format],
    }


def render_scene(inputs: SceneInputs, media_dir: str, quiet: bool = True) -> str:
    """Render ``inputs`` with manim into ``media_dir``; return the produced file or folder."""
    from manim import tempconfig

    spec = inputs.spec
    info = SCENES[spec.scene]
    cls = getattr(importlib.import_module(info.module), info.cls)
    with tempconfig(manim_config(spec, media_dir, quiet)):
        scene = cls(inputs)
        if spec.format == "gif":
            gif.count_repeats(scene.renderer.file_writer, media_dir)
        elif spec.format in ("mp4", "webm"):
            encoding.install(scene.renderer)
        scene.render()
        writer = scene.renderer.file_writer
        if spec.format == "png":
            return str(writer.image_file_path)
        if spec.format == "gif":
            return str(writer.image_sequence_directory)
        return str(writer.movie_file_path)


def check_output_path(path: str, create_folders: bool = False) -> None:
    """One line when ``path`` cannot be written; creates nothing.

    An output named with ``-o`` goes into a folder that exists; the default path under
    ``media/`` may create its folders.
    """
    if os.path.isdir(path):
        raise InputError(f"{path}: is a folder; give a file name with -o")
    folder = os.path.dirname(os.path.abspath(path))
    if not create_folders and not os.path.isdir(folder):
        if os.path.exists(folder):
            raise InputError(f"{path}: {folder} is a file, not a folder")
        raise InputError(f"{path}: the folder {folder} does not exist")
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise InputError(f"{path}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK):
        raise InputError(f"{path}: the folder {existing} is not writable")


def render(
    spec: RenderSpec,
    output: str | None = None,
    *,
    force: bool = False,
    quiet: bool = False,
    notes: Callable[[str], None] | None = None,
    dataset: Dataset | None = None,
    name: str | None = None,
) -> RenderResult:
    """Render ``spec`` to ``output`` (default: a readable name under ``media/``).

    ``notes`` hears what the user should know about the data before the render starts
    (columns chosen by default, rows left out, x standardised by default). ``dataset`` is
    data held in memory, drawn instead of the data the spec names. ``name`` prefixes the ids
    of a narrated render's beats (a lecture's scene name; default: the scene's).
    """
    path = output or spec.default_name(dataset.name if dataset is not None else None)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext and ext != spec.format and ext in ("mp4", "gif", "webm", "png"):
        raise InputError(f"{path}: the extension says {ext} but --format is {spec.format}")
    check_output_path(path, create_folders=output is None)
    manifest_path = path + ".json"
    content = content_hashes(spec, dataset)
    voice = None
    if spec.narrated:
        from ..speech.render import voice_for

        voice = voice_for(spec)
        content["voice"] = voice.key(name or spec.scene)
    key = spec.key(content)
    if not force and os.path.isfile(path):
        old = read_json(manifest_path)
        if old is not None and old.get("key") == key:
            return RenderResult(path, manifest_path, True, 0.0, old)

    inputs = prepare(spec, dataset)
    if notes is not None:
        for text in inputs.notes:
            notes(text)
    check_toolchain(needs_latex=SCENES[spec.scene].needs_latex)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    start = time.perf_counter()
    with private_dir(path) as tmp:
        seed_private_cache(tmp)
        if voice is not None:
            from ..speech.render import narrate

            inputs = narrate(inputs, voice, name or spec.scene, tmp)
        produced = render_scene(inputs, tmp, quiet)
        publish_private_cache(tmp)
        if spec.format == "gif":
            out_gif = os.path.join(tmp, "out.gif")
            gif.encode_gif(produced, spec.frame_rate, out_gif, gif.read_repeats(tmp))
            produced = out_gif
        if not os.path.isfile(produced) or os.path.getsize(produced) == 0:
            raise RuntimeError(f"manim produced no output for {spec.scene}")
        captions = _captions_of(produced, tmp) if spec.format in ("mp4", "webm") else None
        if inputs.narration is not None:
            from ..speech.narration import add_narration

            produced = add_narration(produced, inputs.narration, spec.format, tmp)
        size = os.path.getsize(produced)
        atomic_move(produced, path)
        srt = os.path.splitext(path)[0] + ".srt"
        if captions:
            atomic_move(captions, srt)
        elif spec.format in ("mp4", "webm") and os.path.isfile(srt):
            os.unlink(srt)  # an older render's captions would not match this video
    seconds = time.perf_counter() - start
    manifest = build_manifest(spec, inputs, key, path, size, seconds)
    if inputs.narration is not None:
        from ..speech.render import narration_record

        manifest["narration"] = narration_record(inputs.narration)
    atomic_write_text(manifest_path, json.dumps(manifest, indent=1) + "\n")
    return RenderResult(path, manifest_path, False, seconds, manifest)


def _captions_of(produced: str, media_dir: str) -> str | None:
    """The .srt manim wrote for the scene's subcaptions, if any."""
    for candidate in (
        os.path.splitext(produced)[0] + ".srt",
        os.path.join(media_dir, "videos", "scene.srt"),
    ):
        if os.path.isfile(candidate) and os.path.getsize(candidate) > 0:
            return candidate
    return None

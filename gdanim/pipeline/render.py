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
from ..fileio import atomic_move, atomic_write_text, check_target, folder_lock, private_dir, shown
from ..media import captions, ffmpeg, gif
from ..scenes.registry import SCENES
from . import encoding
from .identity import content_hashes, file_sha256, spec_key
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
    # compare varying normalize on two features is feature-scaling's picture.
    info = SCENES["feature-scaling" if inputs.scaling is not None else spec.scene]
    cls = getattr(importlib.import_module(info.module), info.cls)
    with tempconfig(manim_config(spec, media_dir, quiet)):
        scene = cls(inputs)
        if spec.format == "gif":
            gif.count_repeats(scene.renderer.file_writer, media_dir)
        elif spec.format in ("mp4", "webm"):
            encoding.install(scene.renderer, constant_rate=constant_rate(spec))
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
        raise InputError(f"{shown(path)}: is a folder; give a file name with -o")
    folder = os.path.dirname(os.path.abspath(path))
    if not create_folders and not os.path.isdir(folder):
        if os.path.exists(folder):
            raise InputError(f"{shown(path)}: {shown(folder)} is a file, not a folder")
        raise InputError(f"{shown(path)}: the folder {shown(folder)} does not exist")
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise InputError(f"{shown(path)}: {shown(existing)} is a file, not a folder")
    if not os.access(existing, os.W_OK):
        raise InputError(f"{shown(path)}: the folder {shown(existing)} is not writable")


def output_path(spec: RenderSpec, output: str | None, data_name: str | None = None) -> str:
    """Where a render goes: ``output``, a file in ``output`` when it names a folder (which
    is created when it ends with a separator), or a readable name under ``media/``.

    The extension must be the format's, and the file must not be one of the render's
    inputs, a device, a pipe or a link to one: :class:`InputError` says so in one line,
    before anything is rendered.
    """
    default = spec.default_name(data_name)
    if output is None:
        path = default
    elif os.path.isdir(output) or output.endswith((os.sep, "/")):
        if not os.path.isdir(output):
            parent = os.path.dirname(os.path.abspath(output.rstrip("/" + os.sep)))
            if not os.path.isdir(parent):
                raise InputError(f"{shown(output)}: the folder {shown(parent)} does not exist")
            try:
                os.makedirs(output, exist_ok=True)
            except OSError as exc:
                raise InputError(
                    f"{shown(output)}: cannot create the folder ({exc.strerror})"
                ) from None
        path = os.path.join(output, os.path.basename(default))
    else:
        path = output
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext != spec.format:
        said = f"the extension says {ext}" if ext else "the file name has no extension"
        raise InputError(
            f"{shown(path)}: {said} but --format is {spec.format} (name it .{spec.format})"
        )
    check_target(path, [spec.data_path, spec.trajectory_path])
    for side in (path + ".json", os.path.splitext(path)[0] + ".srt"):
        check_target(side, [spec.data_path, spec.trajectory_path])
    check_output_path(path, create_folders=output is None)
    return path


def reusable(path: str, manifest: dict[str, Any] | None, key: str) -> bool:
    """An earlier render at ``path`` is this one: its manifest has the key, and the file
    has the size and hash the manifest recorded (a damaged or replaced file is rendered
    again)."""
    if manifest is None or manifest.get("key") != key:
        return False
    recorded = manifest.get("output") or {}
    try:
        if os.path.getsize(path) != recorded.get("bytes"):
            return False
        return bool(recorded.get("sha256")) and file_sha256(path) == recorded.get("sha256")
    except OSError:
        return False


def render(
    spec: RenderSpec,
    output: str | None = None,
    *,
    force: bool = False,
    quiet: bool = False,
    notes: Callable[[str], None] | None = None,
    dataset: Dataset | None = None,
) -> RenderResult:
    """Render ``spec`` to ``output`` (default: a readable name under ``media/``).

    ``notes`` hears what the user should know about the data before the render starts
    (columns chosen by default, rows left out, x standardised by default). ``dataset`` is
    data held in memory, drawn instead of the data the spec names.
    """
    path = output_path(spec, output, dataset.name if dataset is not None else None)
    manifest_path = path + ".json"
    key = spec_key(spec, content_hashes(spec, dataset))
    if not force and os.path.isfile(path):
        with folder_lock(path):
            old = read_json(manifest_path)
            if reusable(path, old, key):
                assert old is not None
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
        try:
            produced = render_scene(inputs, tmp, quiet)
        except Exception:
            _check_space(tmp)  # a full disk shows up as a truncated file deep in manim
            raise
        publish_private_cache(tmp)
        if spec.format == "gif":
            out_gif = os.path.join(tmp, "out.gif")
            gif.encode_gif(produced, spec.frame_rate, out_gif, gif.read_repeats(tmp))
            produced = out_gif
        if not os.path.isfile(produced) or os.path.getsize(produced) == 0:
            raise RuntimeError(f"manim produced no output for {spec.scene}")
        if spec.format == "mp4":
            produced = ffmpeg.faststart(produced, os.path.join(tmp, "out.mp4"))
        size = os.path.getsize(produced)
        digest = file_sha256(produced)
        found = _captions_of(produced, tmp) if spec.format in ("mp4", "webm") else None
        beats = captions.read(found) if found else []
        if beats:  # one cue per beat from the scene; the file holds them to practice
            found = os.path.join(tmp, "practice.srt")
            captions.write(found, captions.practice(beats))
        seconds = time.perf_counter() - start
        manifest = build_manifest(spec, inputs, key, path, size, seconds, beats)
        manifest["output"]["sha256"] = digest
        # The video, its captions and its manifest are replaced together: a render racing
        # to the same file waits here, so no file is left with another render's manifest.
        srt = os.path.splitext(path)[0] + ".srt"
        with folder_lock(path):
            atomic_move(produced, path)
            if found:
                atomic_move(found, srt)
            elif spec.format in ("mp4", "webm") and os.path.isfile(srt):
                os.unlink(srt)  # an older render's captions would not match this video
            atomic_write_text(manifest_path, json.dumps(manifest, indent=1) + "\n")
    return RenderResult(path, manifest_path, False, seconds, manifest)


#: Below this much free space, a failed render is put down to a full disk.
LOW_SPACE_BYTES = 64 * 1024**2


def _check_space(folder: str) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < LOW_SPACE_BYTES:
        raise InputError(
            f"{shown(folder)}: no space left on the device ({free / 1024**2:.0f} MiB free)"
        )


def _captions_of(produced: str, media_dir: str) -> str | None:
    """The .srt manim wrote for the scene's subcaptions, if any."""
    for candidate in (
        os.path.splitext(produced)[0] + ".srt",
        os.path.join(media_dir, "videos", "scene.srt"),
    ):
        if os.path.isfile(candidate) and os.path.getsize(candidate) > 0:
            return candidate
    return None

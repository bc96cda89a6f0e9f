"""RenderSpec -> file: manim in a private media folder, our own encoders, an atomic move.

Every render runs in a temporary folder beside its target and is renamed into place at the
end, so a failed or interrupted render leaves the old file or none, never half of one. Beside
the output, ``PATH.json`` (the manifest) records the spec, its key, the data's hash, the
versions and the render time; the same key again reuses the file unless forced.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..config import RenderSpec
from ..datasets import Dataset
from ..errors import InputError
from ..fileio import atomic_move, atomic_write_text, check_target, folder_lock, private_dir, shown
from ..media import captions, ffmpeg, gif
from ..scenes.registry import SCENES
from .identity import content_hashes, file_sha256, spec_key
from .manifest import RenderManifest
from .prepare import SceneInputs, prepare
from .scene import (
    check_toolchain,
    publish_private_cache,
    render_scene,
    seed_private_cache,
)


@dataclass(frozen=True)
class RenderResult:
    """Where the output went and whether it was reused."""

    path: str
    manifest_path: str
    reused: bool
    seconds: float
    manifest: RenderManifest


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


def reusable(path: str, manifest: RenderManifest | None, key: str) -> bool:
    """An earlier render at ``path`` is this one: its manifest has the key, and the file
    has the size and hash the manifest recorded (a damaged or replaced file is rendered
    again)."""
    if manifest is None or manifest.key != key:
        return False
    recorded = manifest.output
    try:
        if os.path.getsize(path) != recorded.bytes:
            return False
        return bool(recorded.sha256) and file_sha256(path) == recorded.sha256
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
    name: str | None = None,
) -> RenderResult:
    """Render ``spec`` to ``output`` (default: a readable name under ``media/``).

    ``notes`` hears what the user should know about the data before the render starts
    (columns chosen by default, rows left out, x standardised by default). ``dataset`` is
    data held in memory, drawn instead of the data the spec names. ``name`` prefixes the ids
    of a narrated render's beats (a lecture's scene name; default: the scene's).
    """
    path = output_path(spec, output, dataset.name if dataset is not None else None)
    manifest_path = path + ".json"
    content = content_hashes(spec, dataset)
    voice = None
    if spec.narrated:
        from ..speech.render import voice_for

        voice = voice_for(spec)
        content["voice"] = voice.key(name or spec.scene)
    key = spec_key(spec, content)
    if not force and os.path.isfile(path):
        with folder_lock(path):
            old = RenderManifest.previous(manifest_path)
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
            if voice is not None:
                from ..speech.render import narrate

                inputs = narrate(inputs, voice, name or spec.scene, tmp)
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
        if inputs.narration is not None:
            from ..speech.narration import add_narration

            produced = add_narration(produced, inputs.narration, spec.format, tmp)
        if spec.format == "mp4":
            produced = ffmpeg.faststart(produced, os.path.join(tmp, "out.mp4"))
        size = os.path.getsize(produced)
        digest = file_sha256(produced)
        found = _captions_of(produced, tmp) if spec.format in ("mp4", "webm") else None
        beats = captions.read(found) if found else []
        if beats:  # one cue per beat from the scene; the file holds them to practice
            found = os.path.join(tmp, "practice.srt")
            captions.write(found, captions.practice(_said(beats, inputs)))
        seconds = time.perf_counter() - start
        spoken = None
        if inputs.narration is not None:
            from ..speech.render import narration_record

            spoken = narration_record(inputs.narration)
        manifest = RenderManifest.build(
            spec, inputs, key, path, size, seconds, beats, sha256=digest, narration=spoken
        )
        # The video, its captions and its manifest are replaced together: a render racing
        # to the same file waits here, so no file is left with another render's manifest.
        srt = os.path.splitext(path)[0] + ".srt"
        with folder_lock(path):
            atomic_move(produced, path)
            if found:
                atomic_move(found, srt)
            elif spec.format in ("mp4", "webm") and os.path.isfile(srt):
                os.unlink(srt)  # an older render's captions would not match this video
            atomic_write_text(manifest_path, manifest.to_json())
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


def _said(beats: list[captions.Cue], inputs: SceneInputs) -> list[captions.Cue]:
    """A narrated scene's beats as the spans their words are said in: each caption from its
    beat's start for as long as its speech (or its reading time, where that is longer), not
    through the pause or the animation that follows; a silent scene's beats as they are."""
    said = inputs.narration
    if said is None or len(said.speech) != len(beats):
        return beats
    out = []
    for cue, speech in zip(beats, said.speech, strict=True):
        need = max(speech.seconds, captions.min_seconds(cue.text))
        out.append(captions.Cue(cue.start, min(cue.end, cue.start + need), cue.text))
    return out


def _captions_of(produced: str, media_dir: str) -> str | None:
    """The .srt manim wrote for the scene's subcaptions, if any."""
    for candidate in (
        os.path.splitext(produced)[0] + ".srt",
        os.path.join(media_dir, "videos", "scene.srt"),
    ):
        if os.path.isfile(candidate) and os.path.getsize(candidate) > 0:
            return candidate
    return None

"""Building scenes without writing video, and reading back rendered files."""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any
from unittest import mock

import numpy as np

from gdanim.config import RenderSpec
from gdanim.pipeline.prepare import prepare
from gdanim.pipeline.scene import manim_config, publish_private_cache, seed_private_cache
from gdanim.scenes.registry import SCENES


def build_scene(spec: RenderSpec, tmp_path: Any, draw: bool = False) -> Any:
    """Run the scene's construct with animations skipped to their end; returns the scene.

    The config is the one a real render uses (frame size from the aspect), so layout checks
    see what a viewer would. Nothing is painted unless ``draw`` (see :func:`painting_nothing`).
    """
    from manim import tempconfig

    inputs = prepare(spec)
    info = SCENES[spec.scene]
    cls = getattr(importlib.import_module(info.module), info.cls)
    cfg = manim_config(spec, str(tmp_path), quiet=True)
    # A still output makes manim skip every animation to its end state.
    cfg.update({"format": "png", "write_to_movie": False, "save_last_frame": True})
    # The run's typesetting cache in, what this build typeset out: each string once per run.
    # Typeset files go to one folder per process, so manim's memory of the outlines it has
    # read (keyed by file path) serves every later build of the process.
    shared = typesetting_dir()
    cfg.update({"tex_dir": os.path.join(shared, "Tex"), "text_dir": os.path.join(shared, "texts")})
    seed_private_cache(shared)
    with tempconfig(cfg), contextlib.nullcontext() if draw else painting_nothing():
        scene = cls(inputs)
        scene.render()
        scene.frame_size = (cfg["frame_width"], cfg["frame_height"])
    publish_private_cache(shared)
    return scene


#: What a manim camera paints pixels with, one method per kind of mobject.
PAINTERS = (
    "display_multiple_vectorized_mobjects",
    "display_multiple_point_cloud_mobjects",
    "display_multiple_image_mobjects",
)


def _paint_nothing(camera: Any, mobjects: list[Any], pixels: Any) -> None:
    """A camera's painter for builds whose pixels nobody looks at."""


@contextlib.contextmanager
def painting_nothing() -> Iterator[None]:
    """Cameras made inside paint no pixel; they still project and order every mobject.

    Even with every animation skipped, manim paints the picture's still parts at each
    ``play()``: a third to a half of a build's time, for checks that read no pixel.
    """
    from manim.camera.camera import Camera

    with contextlib.ExitStack() as stack:
        for name in PAINTERS:
            stack.enter_context(mock.patch.object(Camera, name, _paint_nothing))
        yield


@functools.cache
def typesetting_dir() -> str:
    """This process's folder for the LaTeX and text outlines its builds typeset."""
    folder = tempfile.mkdtemp(prefix="gdanim-build-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def find_all(scene: Any, typename: str) -> list[Any]:
    """Every mobject of the scene (at any depth) whose class is called ``typename``."""
    seen: dict[int, Any] = {}
    for top in scene.mobjects:
        for m in top.get_family():
            if type(m).__name__ == typename:
                seen[id(m)] = m
    return list(seen.values())


def find(scene: Any, typename: str) -> Any:
    found = find_all(scene, typename)
    assert found, f"no {typename} in the scene"
    return found[0]


def family_bounds(mobjects: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest corner of every drawn point of every mobject and its family.

    ValueTrackers keep their value in their points and are never drawn: they are skipped.
    """
    pts = [
        m.points
        for mob in mobjects
        for m in mob.get_family()
        if len(m.points) and type(m).__name__ != "ValueTracker"
    ]
    allp = np.concatenate(pts)
    return allp.min(axis=0), allp.max(axis=0)


def video_meta(path: str) -> dict[str, Any]:
    """Size, nominal frame rate, duration and frames shown of a video file (PyAV).

    ``frames`` counts frame times at the nominal rate: a hold written once with a long
    duration counts as every frame it is shown for, as a player shows it.
    """
    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        fps = float(stream.guessed_rate or stream.average_rate or 0)
        base = stream.time_base
        pts = [p.pts for p in container.demux(stream) if p.pts is not None]
        assert base is not None and container.duration is not None
        seconds = container.duration / 1_000_000
        tick = 1 / (fps * base) if fps else 1
        # every frame starts on the nominal frame clock (a hold written once included)
        whole = all(abs(t / tick - round(t / tick)) < 1e-6 for t in pts)
        size = (stream.codec_context.width, stream.codec_context.height)
    return {"size": size, "fps": fps, "duration": seconds, "frames": round(seconds * fps),
            "packets": len(pts), "whole_frames": whole}  # fmt: skip


def editor_facts(path: str) -> dict[str, Any]:
    """What video editors and platforms look at in an MP4: its frame count against its
    duration at the nominal rate, the longest stretch between keyframes (seconds) and whether
    the index (``moov``) comes before the media (``mdat``)."""
    import struct

    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        base = stream.time_base
        assert base is not None
        packets = [p for p in container.demux(stream) if p.pts is not None]
        keys = sorted(float(p.pts * base) for p in packets if p.is_keyframe)
        fps = float(stream.average_rate or 0)
        duration = (container.duration or 0) / 1_000_000
    ends = [*keys[1:], duration]
    gap = max(b - a for a, b in zip(keys, ends, strict=True))
    boxes = []
    with open(path, "rb") as fh:
        while head := fh.read(8):
            size, kind = struct.unpack(">I4s", head)
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0] - 8
            boxes.append(kind.decode("latin-1"))
            if size == 0:
                break
            fh.seek(size - 8, 1)
    return {"packets": len(packets), "fps": fps, "duration": duration,
            "frames": round(duration * fps), "keyframe_gap": gap,
            "moov_first": boxes.index("moov") < boxes.index("mdat")}  # fmt: skip

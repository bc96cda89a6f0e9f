"""GIFs: the frames of an image-sequence render, each held as long as in the video, in one
palette made from the frames themselves, starting on the scene's final picture.

A GIF on a slide is also seen still: in a printed or exported deck, a thumbnail, a page
before it plays. Its first frame is the one those show, so the loop is turned to start on
the scene's last frame (its final state, held as long as the scene holds it), then plays
from the opening picture: the same loop, entered where it shows the most.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from . import ffmpeg

#: GIF colours: 3-3-2 quantisation bands, a palette from the frames does not.
GIF_COLORS = 256
REPEATS_FILE = "repeats.txt"


def count_repeats(writer: Any, media_dir: str) -> None:
    """Record how often each frame of an image sequence shows.

    A still stretch (a hold, a wait) reaches manim's writer as one frame with a repeat
    count; video output repeats it, an image sequence writes it once. The GIF encoder reads
    the counts back so holds last as long as in the video.
    """
    original = writer.write_frame
    path = os.path.join(media_dir, REPEATS_FILE)

    def write_frame(pixels: Any, *, repeat: int = 1) -> None:
        original(pixels, repeat=repeat)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{repeat}\n")

    writer.write_frame = write_frame


def encode_gif(frames_dir: str, fps: int, out: str, repeats: list[int] | None = None) -> None:
    """Frames -> looping GIF with a palette made from the frames themselves.

    ``repeats`` says how many frame times each image lasts (a hold is one image). Holds are
    laid out as repeated links at the exact frame rate; the encoder stores an unchanged
    frame as a one-pixel update, so they cost next to nothing.
    """
    frames = sorted(f for f in os.listdir(frames_dir) if f.endswith(".png"))
    if not frames:
        raise RuntimeError("the scene produced no frames")
    if repeats is None or len(repeats) != len(frames):
        repeats = [1] * len(frames)
    frames, repeats = final_first(frames), final_first(repeats)
    timeline = os.path.join(frames_dir, "timeline")
    os.makedirs(timeline, exist_ok=True)
    k = 0
    for name, count in zip(frames, repeats, strict=True):
        for _ in range(max(count, 1)):
            target = os.path.join(timeline, f"{k:07d}.png")
            try:
                os.link(os.path.join(frames_dir, name), target)
            except OSError:
                shutil.copyfile(os.path.join(frames_dir, name), target)
            k += 1
    graph = (
        f"split[a][b];[a]palettegen=max_colors={GIF_COLORS}:stats_mode=full[p];"
        "[b][p]paletteuse=dither=sierra2_4a"
    )
    ffmpeg.run(
        ["-framerate", str(fps), "-i", os.path.join(timeline, "%07d.png"),
         "-vf", graph, "-loop", "0", "-pix_fmt", "pal8", "-f", "gif", out],
        "the GIF", out,
    )  # fmt: skip


def final_first(items: list[Any]) -> list[Any]:
    """The loop's items turned to start on the last one (the scene's final picture)."""
    return items[-1:] + items[:-1]


def read_repeats(media_dir: str) -> list[int] | None:
    """The counts :func:`count_repeats` wrote, or ``None`` when there are none."""
    try:
        with open(os.path.join(media_dir, REPEATS_FILE), encoding="utf-8") as fh:
            return [int(line) for line in fh if line.strip()]
    except (OSError, ValueError):
        return None

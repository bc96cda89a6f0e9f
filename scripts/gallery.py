"""Render the README's gallery: one looping GIF per scene into media/gallery/.

Run ``make gallery`` (or ``python scripts/gallery.py [SCENE ...]``) after changing a scene;
unchanged specs are reused, so re-running is cheap.
"""

from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from gdanim.config import RenderSpec  # noqa: E402
from gdanim.pipeline.render import render  # noqa: E402
from gdanim.scenes.registry import SCENES  # noqa: E402

#: What each gallery GIF shows: small enough for a README, sharp enough to read.
GALLERY: dict[str, RenderSpec] = {
    "descent-path": RenderSpec(
        scene="descent-path", dataset="campaign", format="gif", width=640, height=360,
        fps=20, duration=6.0,
    ),
    "descent-path-light": RenderSpec(
        scene="descent-path", dataset="housing", format="gif", width=640, height=360,
        fps=20, duration=6.0, theme="light",
    ),
    "learning-rates": RenderSpec(
        scene="learning-rates", dataset="campaign", format="gif", width=640, height=360,
        fps=20, duration=6.0,
    ),
    # The orbiting camera changes every pixel of every frame: fewer frames keep it small.
    "hiker-bowl": RenderSpec(
        scene="hiker-bowl", dataset="campaign", format="gif", width=640, height=360,
        fps=10, duration=6.0,
    ),
    # The derivation reads at its natural pace in a lecture; the gallery plays it faster.
    "derivation": RenderSpec(
        scene="derivation", dataset="campaign", format="gif", width=640, height=360,
        fps=10, duration=3.0,
    ),
    # compare, its two pictures: the runs on one bowl, and a bowl per run with one data panel.
    "compare-momentum": RenderSpec(
        scene="compare", preset="momentum", format="gif", width=640, height=360,
        fps=20, duration=6.0,
    ),
    "compare-mae-vs-mse": RenderSpec(
        scene="compare", preset="mae-vs-mse", format="gif", width=640, height=360,
        fps=20, duration=6.0, theme="light",
    ),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(GALLERY)}")
    parser.add_argument("--force", action="store_true", help="render even if unchanged")
    args = parser.parse_args()
    names = args.names or list(GALLERY)
    unknown = [n for n in names if n not in GALLERY]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    os.makedirs(os.path.join(ROOT, "media", "gallery"), exist_ok=True)
    for name in names:
        spec = GALLERY[name]
        assert spec.scene in SCENES
        out = os.path.join(ROOT, "media", "gallery", f"{name}.gif")
        result = render(spec, out, force=args.force, quiet=True)
        size = os.path.getsize(result.path) / 1024
        state = "reused" if result.reused else f"{result.seconds:.0f} s"
        print(f"{os.path.relpath(result.path, ROOT)}  {size:.0f} KiB  ({state})")


if __name__ == "__main__":
    main()

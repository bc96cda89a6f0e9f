"""How a still stretch of a scene is encoded: once, not once per frame.

manim writes a hold (a ``wait``, a pause to read a caption) as one frame with a repeat count,
and its segment encoder converts and encodes that frame once per repeat: for a derivation at
1080p60, most of the render. Here a hold is converted to the encoder's pixel format once and
encoded as two frames, its first and its last, with the presentation times between them left
out: the file's frame rate stays nominal (``r_frame_rate``), players show the first frame
until the second, and the video lasts as long as before. B-frames are off for such video
(``bf=0`` in the encoder options): with them x264 would give the frames after a gap decode
times that shorten the file. Measured on the derivation at 720p30 against a lossless render
(``scripts/bench.py``): the same or better PSNR and SSIM, the render in 0.4 of the time.

Each drawn frame is converted to the encoder's pixel format where it is drawn, straight from
the camera's pixels, and the encoder thread is handed the converted frame: manim would copy
the 8 MB RGBA frame for the thread and convert it there. The picture is the same bytes; a
frame costs one conversion instead of a copy and a conversion.

The hooks are the narrowest manim offers, patched on the one renderer and writer of one
render: the file writer's ``_create_segment_encoder`` and the Cairo renderer's ``render`` and
``freeze_current_frame`` (manim 0.22). Other manim versions keep manim's own.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

#: manim versions whose segment encoder this module knows.
KNOWN_MANIM = ("0.22.",)


def _supported() -> bool:
    from importlib.metadata import version

    try:
        import manim.scene.video_segment_encoder  # noqa: F401
    except ImportError:
        return False
    return version("manim").startswith(KNOWN_MANIM)


def encoder_class() -> Any:
    """manim's segment encoder with holds encoded once (see the module docstring).

    It takes frames already converted (:func:`.painting.to_video_frame`) as well as RGBA arrays.
    """
    import av
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    from .painting import to_video_frame

    class HeldFrameEncoder(VideoSegmentEncoder):
        def write_frame(self, pixels: Any, *, repeat: int = 1) -> None:
            converted = isinstance(pixels, av.VideoFrame)
            if not converted:
                self._validate_frame(pixels, repeat)
            rate = self.spec.frame_rate
            time_base = Fraction(rate.denominator, rate.numerator)
            stream: Any = self._stream
            try:
                frame = pixels if converted else to_video_frame(pixels, stream.pix_fmt)
                first = self._next_pts
                for pts in (first, first + repeat - 1) if repeat > 1 else (first,):
                    frame.pts = pts
                    frame.time_base = time_base
                    for packet in stream.encode(frame):
                        self._container.mux(packet)
                self._next_pts += repeat
            except BaseException as error:
                raise self._operation_error("encode", error) from error

    return HeldFrameEncoder


def install(renderer: Any, repaint_changed: bool = True) -> bool:
    """Make ``renderer`` (one render's CairoRenderer) convert each frame once where it is
    drawn (a 2D camera's only where it changed, see :mod:`.painting`, unless
    ``repaint_changed`` is false) and its file writer encode holds once; whether it could."""
    from manim.camera.three_d_camera import ThreeDCamera

    from .painting import Painter, to_video_frame

    writer = renderer.file_writer
    if not _supported() or not hasattr(writer, "_create_segment_encoder"):
        return False
    cls = encoder_class()
    flat = not isinstance(renderer.camera, ThreeDCamera)
    painter = Painter(renderer) if repaint_changed and flat else None
    if painter is not None:
        painter.install()

    def create(target: Any) -> Any:
        spec = writer.video_encoder
        if spec is None:
            raise RuntimeError("Video segment encoding requires resolved settings.")
        return cls(target=target, spec=spec)

    def converted() -> Any:
        spec = writer.video_encoder
        pixels = renderer.camera.pixel_array
        if spec is None:
            return pixels.copy()
        if painter is not None:
            return painter.frame(spec.pixel_format)
        return to_video_frame(pixels, spec.pixel_format)

    def render(scene: Any, time: float, moving_mobjects: Any = None) -> None:
        renderer.update_frame(scene, moving_mobjects)
        if not renderer.skip_animations:
            renderer.add_frame(converted())

    def freeze_current_frame(duration: float) -> None:
        dt = 1 / renderer.camera.frame_rate
        if not renderer.skip_animations:
            renderer.add_frame(converted(), num_frames=int(duration / dt))

    writer._create_segment_encoder = create
    renderer.render = render
    renderer.freeze_current_frame = freeze_current_frame
    return True

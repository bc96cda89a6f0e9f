"""How a still stretch of a scene is encoded: converted once, every frame stored cheaply.

manim writes a hold (a ``wait``, a pause to read a caption) as one frame with a repeat count,
and its segment encoder converts and encodes that frame once per repeat: for a derivation at
1080p60, most of the render. A file that stores a hold once, as one frame with a long
duration, is variable frame rate, which MLT reads as a slower rate and editors drift on. Here
a segment that is one frame held has the frame converted and encoded once, as a keyframe, and
every repeat written as an H.264 picture that skips every macroblock (:mod:`..media.h264`, a
few bytes each, which needs CAVLC: ``cabac=0``), with the keyframe copied again every group
of pictures. So the file is constant frame rate at its nominal rate with a keyframe at least
every group of pictures, for about what storing the hold once cost. A hold that follows drawn
frames in one segment, and a stream the repeats cannot be written for (VP9), has x264 or
libvpx encode every repeat from the frame converted once. B-frames are off (``bf=0``), so
every keyframe starts a closed group of pictures and beats can be cut there by copying
packets. ``constant_rate=False`` stores a hold as its first and last frame instead (the
variable-rate files gdanim wrote before, kept for comparison in ``scripts/bench.py``).

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

from ..media import h264

#: manim versions whose segment encoder this module knows.
KNOWN_MANIM = ("0.22.",)


def _supported() -> bool:
    from importlib.metadata import version

    try:
        import manim.scene.video_segment_encoder  # noqa: F401
    except ImportError:
        return False
    return version("manim").startswith(KNOWN_MANIM)


def encoder_class(constant_rate: bool = True) -> Any:
    """manim's segment encoder with holds converted once (see the module docstring); every
    frame of a hold encoded when ``constant_rate``, else its first and last only.

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
                if self._sealed:
                    raise RuntimeError("a segment that is one hold takes no further frames")
                if constant_rate and repeat > 1 and first == 0:
                    self._write_hold(frame, repeat, time_base)
                    self._next_pts += repeat
                    return
                if constant_rate or repeat == 1:
                    times: Any = range(first, first + repeat)
                else:
                    times = (first, first + repeat - 1)
                for pts in times:
                    frame.pts = pts
                    frame.time_base = time_base
                    for packet in stream.encode(frame):
                        self._container.mux(packet)
                self._next_pts += repeat
            except KeyboardInterrupt:
                raise  # a stop (Ctrl-C, SIGTERM), not an encoding fault
            except BaseException as error:
                raise self._operation_error("encode", error) from error

        _sealed = False

        def _write_hold(self, frame: Any, repeat: int, time_base: Fraction) -> None:
            """A segment that is one frame held: the frame encoded once, as a keyframe, then
            each repeat written as a picture that skips every macroblock (:mod:`..media.h264`),
            with the keyframe again every group of pictures. Where the stream's parameters do
            not allow that, x264 encodes every repeat."""
            stream: Any = self._stream
            frame.pts, frame.time_base = 0, time_base
            packets = list(stream.encode(frame))
            params = h264.parameters(bytes(stream.codec_context.extradata or b""))
            if params is None or stream.codec_context.name != "libx264":
                for packet in packets:
                    self._container.mux(packet)
                for pts in range(1, repeat):
                    frame.pts = pts
                    for packet in stream.encode(frame):
                        self._container.mux(packet)
                return
            packets += list(stream.encode(None))
            self._sealed = True
            if len(packets) != 1:
                raise RuntimeError(f"x264 gave {len(packets)} packets for one frame")
            key = bytes(packets[0])
            gop = int(dict(self.spec.options).get("g", 250))
            count = 0
            for pts in range(repeat):
                if pts % gop == 0:
                    data, count = key, 0
                else:
                    count += 1
                    data = h264.repeat_frame(params, count)
                packet = av.Packet(data)
                packet.pts = packet.dts = pts
                packet.time_base = time_base
                packet.stream = stream
                packet.is_keyframe = pts % gop == 0
                self._container.mux(packet)

        def finish(self) -> None:
            if not self._sealed or self._closed:
                super().finish()
                return
            self._closed = True  # the encoder is flushed already
            try:
                self._container.close()
            except Exception as error:
                raise self._operation_error("finish", error) from error

    return HeldFrameEncoder


def install(renderer: Any, repaint_changed: bool = True, constant_rate: bool = True) -> bool:
    """Make ``renderer`` (one render's CairoRenderer) convert each frame once where it is
    drawn (a 2D camera's only where it changed, see :mod:`.painting`, unless
    ``repaint_changed`` is false) and its file writer convert holds once (and encode only their
    first and last frame unless ``constant_rate``); whether it could."""
    from manim.camera.three_d_camera import ThreeDCamera

    from .painting import Painter, to_video_frame

    writer = renderer.file_writer
    if not _supported() or not hasattr(writer, "_create_segment_encoder"):
        return False
    cls = encoder_class(constant_rate)
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

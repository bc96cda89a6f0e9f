"""A hold's repeats as H.264 pictures that skip every macroblock: decoded, they are the frame."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from gdanim.media import h264


def _encode(path, cabac: bool, repeat: int, gop: int = 10):
    """A still frame (a gradient with a square) encoded once by x264 and repeated by hand;
    returns the stream's parameters."""
    import av

    y, x = np.mgrid[0:96, 0:160]
    rgb = np.stack([x * 1.5, y * 2.5, (x + y) % 256], axis=-1).astype(np.uint8)
    rgb[30:60, 40:90] = (250, 200, 30)
    base = Fraction(1, 30)
    params = None
    with av.open(str(path), "w") as out:
        options = {"crf": "20", "preset": "veryfast", "bf": "0", "g": str(gop),
                   "x264-params": f"cabac={int(cabac)}"}  # fmt: skip
        stream = out.add_stream("libx264", rate=30, options=options)
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
        frame.pts, frame.time_base = 0, base
        packets = [*stream.encode(frame), *stream.encode(None)]
        params = h264.parameters(bytes(stream.codec_context.extradata or b""))
        if params is None:
            return None
        key = bytes(packets[0])
        count = 0
        for pts in range(repeat):
            if pts % gop == 0:
                data, count = key, 0
            else:
                count += 1
                data = h264.repeat_frame(params, count)
            packet = av.Packet(data)
            packet.pts = packet.dts = pts
            packet.time_base = base
            packet.stream = stream
            packet.is_keyframe = pts % gop == 0
            out.mux(packet)
    return params


def test_repeats_decode_to_the_frame_exactly(tmp_path):
    import av

    path = tmp_path / "held.mp4"
    params = _encode(path, cabac=False, repeat=45)  # frame numbers wrap past 16
    assert params is not None and params.macroblocks == 10 * 6
    with av.open(str(path)) as video:
        frames = [f.to_ndarray(format="yuv420p") for f in video.decode(video=0)]
    assert len(frames) == 45
    assert all(np.array_equal(f, frames[0]) for f in frames)
    assert h264.repeat_frame(params, 3) != h264.repeat_frame(params, 4)
    assert len(h264.repeat_frame(params, 3)) < 20  # bytes, for a whole picture


def test_streams_it_cannot_extend_are_left_to_the_encoder(tmp_path):
    assert _encode(tmp_path / "cabac.mp4", cabac=True, repeat=3) is None
    assert h264.parameters(None) is None and h264.parameters(b"\x01\x64\x00") is None


@pytest.mark.parametrize("data", [b"\x00\x00\x00", b"\x00\x03\x01", b"\x00\x00\x03\x00\x01"])
def test_escaping_keeps_start_codes_out(data):
    escaped = h264._escaped(data)
    assert b"\x00\x00\x00" not in escaped and b"\x00\x00\x01" not in escaped
    assert h264._rbsp(b"\x21" + escaped) == data

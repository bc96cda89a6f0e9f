"""Captions: SRT and WebVTT parsing, writing, shifting and joining."""

from __future__ import annotations

import pytest

from gdanim.errors import InputError
from gdanim.media import captions
from gdanim.media.captions import Cue

SRT = """1
00:00:00,000 --> 00:00:01,920
Start at w = 0, b = 0.

2
00:00:01,933 --> 00:01:02,500
Two lines,
one cue.
"""


def test_srt_parses_times_and_multiline_text():
    cues = captions.parse_srt(SRT)
    assert cues == [
        Cue(0.0, 1.92, "Start at w = 0, b = 0."),
        Cue(1.933, 62.5, "Two lines,\none cue."),
    ]


def test_srt_tolerates_bom_crlf_and_missing_numbers():
    text = (
        "\ufeff00:00:01,000 --> 00:00:02,000\r\nHello\r\n\r\n\r\n"
        "3\r\n00:00:03,5 --> 00:00:04,250\r\nBye\r\n"
    )
    cues = captions.parse_srt(text)
    assert [(c.start, c.end, c.text) for c in cues] == [(1.0, 2.0, "Hello"), (3.5, 4.25, "Bye")]


def test_vtt_skips_notes_reads_settings_short_times_and_entities():
    text = (
        "WEBVTT - a lecture\n\nNOTE written by hand\n\nintro\n00:01.000 --> 00:02.500 "
        "align:start line:90%\nw &lt; 5 &amp; b &gt; 1\n\n01:00:00.000 --> 01:00:01.000\n"
        "<i>late</i>\n"
    )
    cues = captions.parse_vtt(text)
    assert cues == [Cue(1.0, 2.5, "w < 5 & b > 1"), Cue(3600.0, 3601.0, "late")]


def test_vtt_needs_its_header():
    with pytest.raises(InputError, match="WEBVTT"):
        captions.parse_vtt("00:01.000 --> 00:02.000\nx\n", "a.vtt")


def test_bad_timestamp_names_the_file_and_line():
    with pytest.raises(InputError, match=r"a\.srt: line 6: .*00:00:0x"):
        captions.parse_srt(
            "1\n00:00:00,000 --> 00:00:01,000\nok\n\n2\n00:00:0x,000 --> 1\nno\n", "a.srt"
        )


def test_times_format_and_round_to_the_millisecond():
    assert captions.format_time(3661.5) == "01:01:01,500"
    assert captions.format_time(59.9996, ".") == "00:01:00.000"
    assert captions.parse_time("01:01:01,500") == pytest.approx(3661.5)


def test_vtt_escapes_markup_and_arrows():
    text = captions.to_vtt([Cue(0, 1, "a < b & c --> d")])
    assert text.startswith("WEBVTT\n")
    body = text.split("\n\n", 1)[1]
    assert "a &lt; b &amp; c → d" in body
    assert captions.parse_vtt(text)[0].text == "a < b & c → d"


def test_srt_vtt_round_trip_keeps_every_cue():
    cues = captions.parse_srt(SRT)
    assert captions.parse_vtt(captions.to_vtt(cues)) == cues
    assert captions.parse_srt(captions.to_srt(cues)) == cues


def test_shift_moves_cues_and_clips_at_zero():
    cues = [Cue(0.5, 1.5, "a"), Cue(2.0, 3.0, "b")]
    assert captions.shift(cues, 10) == [Cue(10.5, 11.5, "a"), Cue(12.0, 13.0, "b")]
    assert captions.shift(cues, -1.0) == [Cue(0.0, 0.5, "a"), Cue(1.0, 2.0, "b")]
    assert captions.shift(cues, -5.0) == []


def test_join_offsets_by_durations_and_clips_each_part():
    first = [Cue(0.0, 2.0, "one"), Cue(2.0, 5.4, "spills past the end")]
    second = [Cue(0.0, 1.0, "two")]
    third = [Cue(0.5, 0.8, "three")]
    joined = captions.join([(first, 5.2), (second, 3.0), ([], 1.0), (third, 2.0)])
    assert joined == [
        Cue(0.0, 2.0, "one"),
        Cue(2.0, 5.2, "spills past the end"),
        Cue(5.2, 6.2, "two"),
        Cue(9.7, 10.0, "three"),
    ]


def test_files_convert_both_ways(tmp_path):
    src = tmp_path / "a.srt"
    src.write_text(SRT, encoding="utf-8")
    vtt = tmp_path / "a.vtt"
    cues = captions.convert(str(src), str(vtt))
    assert vtt.read_text(encoding="utf-8").startswith("WEBVTT")
    back = tmp_path / "b.srt"
    assert captions.convert(str(vtt), str(back)) == cues
    assert captions.read(str(back)) == cues
    assert captions.sibling(str(tmp_path / "x.mp4"), "vtt") == str(tmp_path / "x.vtt")


def test_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        captions.read(str(tmp_path / "missing.srt"))

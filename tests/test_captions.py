"""Captions: SRT and WebVTT parsing, writing, shifting and joining."""

from __future__ import annotations

import itertools

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


# --------------------------------------------------------------------------------------------
# Cues to broadcast practice


LONG = (
    "The loss of a line is the mean of its squared errors: L(w, b) = (1/N) Σ (ŷᵢ − yᵢ)². "
    "Gradient descent starts at w = 0, b = 73,673 and steps downhill, against the gradient, "
    "with learning rate η = 0.01."
)


def _ok(cue: captions.Cue) -> bool:
    return not captions.practice_problems(cue)


def test_a_long_beat_becomes_cues_to_practice_in_order():
    cues = captions.to_practice(LONG, 10.0, 28.5)
    assert len(cues) >= 3 and all(_ok(c) for c in cues), cues
    assert " ".join(c.text.replace("\n", " ") for c in cues) == LONG
    assert cues[0].start == 10.0 and cues[-1].end <= 28.5
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))
    lines = [line for c in cues for line in c.text.split("\n")]
    # never inside a number, a point, a formula or brackets
    assert any("w = 0, b = 73,673" in line for line in lines)
    assert any("η = 0.01." in line for line in lines)
    assert any("L(w, b) = (1/N) Σ (ŷᵢ − yᵢ)²." in line for line in lines)
    # a sentence ends a cue rather than run on inside it
    assert any(c.text.endswith("².") for c in cues)


def test_cues_share_the_beat_in_proportion_to_their_length():
    text = "A short one. Then a much longer sentence that needs two lines to be read, and more."
    cues = captions.to_practice(text, 0.0, 8.0)
    assert cues[0].text == "A short one."
    first, second = (c.end - c.start for c in cues)
    assert first / second == pytest.approx(12 / 71, abs=0.01)
    first, second = (c.end - c.start for c in captions.to_practice(text, 0.0, 6.0))
    assert first == pytest.approx(1.0, abs=0.01)  # its share would be less than a second
    assert second == pytest.approx(5.0, abs=0.01)


def test_a_beat_longer_than_its_words_splits_and_caps_cues():
    text = "After 1,234 updates the run settles at w = 36.15, b = 100.2."
    cues = captions.to_practice(text, 0, 18)
    assert len(cues) >= 2 and all(_ok(c) for c in cues)
    one = captions.to_practice("Done.", 3.0, 20.0)
    assert one == [captions.Cue(3.0, 10.0, "Done.")]  # up 7 s, then nothing to read


def test_min_seconds_is_what_every_cue_needs():
    need = captions.min_seconds(LONG)
    assert need >= captions.reading_seconds(LONG) - 0.5
    cues = captions.to_practice(LONG, 0.0, need)
    assert all(_ok(c) for c in cues), cues
    assert captions.min_seconds("Done.") == pytest.approx(1.0, abs=0.01)


def test_practice_problems_name_what_is_wrong():
    bad = captions.Cue(0.0, 9.0, "x" * 50 + "\nb\nc")
    problems = captions.practice_problems(bad)
    assert "3 lines" in problems and "a line of 50 characters" in problems
    assert any(p.startswith("up 9.000") for p in problems)
    assert captions.practice_problems(captions.Cue(0, 1, "too fast to read in one second")) == [
        "30.0 characters a second"
    ]
    assert captions.to_practice("", 0, 5) == [] and captions.to_practice("x", 5, 5) == []


def test_practice_splits_each_cue_of_a_file():
    beats = [captions.Cue(0.0, 18.0, LONG), captions.Cue(18.0, 20.0, "Done.")]
    cues = captions.practice(beats)
    assert cues[-1] == captions.Cue(18.0, 20.0, "Done.")
    assert all(_ok(c) for c in cues)


def test_no_cue_is_a_short_tail_of_its_sentence():
    """A sentence begun in one cue does not end in the next with a few words alone."""
    for text in (
        "Momentum overshoots the bottom and swings back: the bowl is round, so there is no "
        "valley to cross, and its velocity carries it past the optimum; it takes 4 times as "
        "many updates as gd, whose steps on a round bowl already point at the bottom.",
        "On the map: the gradient points uphill, and the step goes the other way, η times as long.",
    ):
        chunks = captions._chunks(text)
        for before, cue in itertools.pairwise(chunks):
            words = " ".join(cue)
            if not " ".join(before).endswith((".", "!", "?")):
                assert len(words) >= captions.TAIL_CHARS, chunks


def test_a_count_stays_with_what_it_counts():
    """ "up to 1500" / "updates" read as two things: a number and the word after it stay
    on one line, in one cue."""
    cues = captions.to_practice(
        "All runs share one clock, up to 1500 updates; each stops at its own end.", 0.0, 8.0
    )
    lines = [line for c in cues for line in c.text.split("\n")]
    assert not any(line.endswith("1500") for line in lines), lines
    assert any("1500 updates;" in line for line in lines)


def test_a_formula_longer_than_a_line_breaks_between_its_terms():
    """Long column names make a model longer than a line: it breaks before a term's sign,
    never between a factor and its times sign ('+ w2 ×' / 'bill_length_mm')."""
    text = (
        "The model is body_mass_g = w1 × flipper_length_mm + w2 × bill_length_mm + b, "
        "and gradient descent steps w1, w2 and b together."
    )
    lines = [ln for cue in captions.to_practice(text, 0.0, 9.0) for ln in cue.text.split("\n")]
    assert "= w1 × flipper_length_mm" in lines
    assert not [ln for ln in lines if ln.endswith("×")]
    assert any(ln.startswith("+ w2 × bill_length_mm + b,") for ln in lines)

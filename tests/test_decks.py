"""The decks and the handout: cut from the rendered videos, a slide per beat."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest

from gdanim.cli import cli
from gdanim.lectures.beats import starts_of
from gdanim.media import captions, ffmpeg, probe

SMALL = ["--quality", "low", "--resolution", "320x180", "--duration", "1"]
TOML = 'title = "Decks"\nscenes = ["descent-path", "learning-rates"]\n'


def test_beats_start_on_the_keyframes_nearest_their_captions():
    cues = [captions.Cue(0.0, 2.0, "a"), captions.Cue(2.02, 5.0, "b"), captions.Cue(5.6, 7, "c")]
    frames = [0.0, 1.0, 2.0, 4.0, 7.5]
    # 2.02 lands on the keyframe at 2.0; 5.6 is 1.6 s from any keyframe: it stays in beat 2
    assert starts_of(cues, frames, 9.0) == [0.0, 2.0]
    assert starts_of([], frames, 9.0) == [0.0]


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    from click.testing import CliRunner

    pytest.importorskip("pptx")
    folder = tmp_path_factory.mktemp("decks")
    (folder / "l.toml").write_text(TOML)
    old = os.getcwd()
    os.chdir(folder)
    try:
        args = ["lecture", "l.toml", "-o", "out", "--pptx", "--handout", "--slides", *SMALL]
        result = CliRunner().invoke(cli, args)
    finally:
        os.chdir(old)
    return folder / "out", result


def _manifest(out):
    return json.loads((out / "manifest.json").read_text())


@pytest.mark.render
def test_the_clips_are_the_scene_cut_exactly(decks):
    out, result = decks
    assert result.exit_code in (0, 1), result.output
    m = _manifest(out)
    for scene in m["scenes"]:
        beats = scene["beats"]
        video = str(out / scene["output"])
        # one beat per beat the scene captioned (each starts where it began a new segment),
        # however many cues its captions were split into
        recorded = json.loads((out / scene["manifest"]).read_text())["beats"]
        assert len(beats) == len(recorded)
        assert [b["text"] for b in beats] == [r["text"] for r in recorded]
        cues = captions.read(str(out / scene["captions"]["srt"]))
        assert len(cues) >= len(beats) and not [c for c in cues if captions.practice_problems(c)]
        clips = [probe.video_info(str(out / b["clip"])) for b in beats]
        assert sum(c.frames for c in clips) == probe.video_info(video).frames
        assert sum(c.duration for c in clips) == pytest.approx(scene["duration"], abs=0.1)
        for b in beats:
            assert (out / b["poster"]).is_file() and b["text"]
    # the second beat's first frame is the scene's frame at that time, bit for bit
    import av

    scene = m["scenes"][0]
    second = scene["beats"][1]

    def frame(path, at):
        with av.open(path) as c:
            for f in c.decode(video=0):
                if f.time is not None and f.time >= at - 1e-3:
                    return f.to_ndarray(format="rgb24")
        raise AssertionError("no frame")

    a = frame(str(out / scene["output"]), second["start"])
    b = frame(str(out / second["clip"]), 0.0)
    assert np.array_equal(a, b)


@pytest.mark.render
def test_the_pptx_has_a_slide_per_beat_with_its_clip_and_notes(decks):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out, _ = decks
    m = _manifest(out)
    prs = Presentation(str(out / "lecture.pptx"))
    beats = [b for s in m["scenes"] for b in s["beats"]]
    slides = list(prs.slides)
    assert len(slides) == 1 + len(beats) + len(m["scenes"]) == m["decks"]["pptx"]["slides"]
    assert slides[0].shapes.title.text == "Decks"
    k = 1
    for scene in m["scenes"]:
        for beat in scene["beats"]:
            slide = slides[k]
            movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
            assert len(movies) == 1
            parts = [r.target_part for r in slide.part.rels.values() if not r.is_external]
            assert any(p.content_type == "video/mp4" for p in parts)
            assert any(p.content_type.startswith("image/") for p in parts)  # the poster
            notes = slide.notes_slide.notes_text_frame.text
            assert beat["text"].split("\n")[0] in notes and re.search(r"\d", notes)
            k += 1
        closing = slides[k]
        body = closing.placeholders[1].text_frame.text
        assert "Learning rate" in body and re.search(r"\d", body)
        k += 1


@pytest.mark.render
def test_decks_are_the_same_bytes_when_built_again(decks, tmp_path):
    out, _ = decks
    first = {n: (out / n).read_bytes() for n in ("lecture.pptx", "handout.pdf")}
    from click.testing import CliRunner

    old = os.getcwd()
    os.chdir(out.parent)
    try:
        args = ["lecture", "l.toml", "-o", "out", "--pptx", "--handout", "--slides", "--force",
                *SMALL]  # fmt: skip
        CliRunner().invoke(cli, args)
    finally:
        os.chdir(old)
    for name, data in first.items():
        assert (out / name).read_bytes() == data, name


@pytest.mark.render
def test_the_handout_has_a_page_per_beat(decks):
    out, _ = decks
    m = _manifest(out)
    pdf = (out / "handout.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    beats = sum(len(s["beats"]) for s in m["scenes"])
    assert pages == 1 + beats + len(m["scenes"]) == m["decks"]["handout"]["pages"]


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.videos = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.videos += tag == "video"
        self.refs += [str(a[k]) for k in ("src", "href", "poster") if a.get(k)]


@pytest.mark.render
def test_the_reveal_deck_plays_the_clips_offline(decks):
    out, _ = decks
    m = _manifest(out)
    if "slides" not in m["decks"]:
        errors = [f["error"] for f in m["failures"]]
        if shutil.which("npm") is None or any("npm" in e for e in errors):
            pytest.skip(f"reveal.js cannot be had here: {errors}")
    deck = (out / "slides" / "index.html").read_text()
    page = _Refs()
    page.feed(deck)
    beats = sum(len(s["beats"]) for s in m["scenes"])
    assert page.videos == beats and deck.count('class="notes"') == beats + len(m["scenes"])
    for ref in page.refs:
        assert "://" not in ref, ref
        assert (out / "slides" / ref).exists(), ref
    assert 'href="slides/index.html"' in (out / "index.html").read_text()


@pytest.mark.render
def test_the_deck_opens_in_libreoffice(decks, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    out, _ = decks
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / "lecture.pptx")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    pdf = tmp_path / "lecture.pdf"
    assert pdf.is_file(), done.stderr
    slides = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert slides == _manifest(out)["decks"]["pptx"]["slides"]


@pytest.mark.render
def test_split_refuses_a_video_without_frames_for_a_clip(tmp_path, decks):
    out, _ = decks
    video = str(out / "descent-path.mp4")
    end = probe.video_info(video).duration
    with pytest.raises(ffmpeg.FfmpegError):
        ffmpeg.split(video, [0.0, end + 5], [str(tmp_path / "a.mp4"), str(tmp_path / "b.mp4")])
    assert not (tmp_path / "a.mp4").exists()  # nothing half written

"""The decks and the handout: cut from the rendered videos, a slide per beat."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
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
    assert result.exit_code == 0, result.output
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
    names = ("lecture.pptx", "handout.pdf", "slides/index.html")
    first = {n: (out / n).read_bytes() for n in names}
    from click.testing import CliRunner

    old = os.getcwd()
    os.chdir(out.parent)
    try:
        args = ["lecture", "l.toml", "-o", "out", "--pptx", "--handout", "--slides", "--force",
                *SMALL]  # fmt: skip
        again = CliRunner().invoke(cli, args)
    finally:
        os.chdir(old)
    assert again.exit_code == 0, again.output
    assert set(_manifest(out)["decks"]) == {"pptx", "handout", "slides"}
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


@pytest.mark.render
def test_the_handout_is_text_a_reader_can_find_copy_and_hear(decks):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils is not installed")
    out, _ = decks
    m = _manifest(out)
    done = subprocess.run(
        [pdftotext, "-layout", str(out / "handout.pdf"), "-"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    text = " ".join(done.stdout.split())
    assert "Decks" in text
    for scene in m["scenes"]:
        assert f"{scene['name']} · beat 1 of {len(scene['beats'])}" in text
        for beat in scene["beats"]:
            for line in beat["text"].split("\n"):
                # every caption's words, numbers included, in reading order (wrapped lines
                # are joined with a space by the collapse above)
                words = line.split()
                assert " ".join(words[:6]) in text, line
    assert re.search(r"Learning rate \S*\d", text)
    pdf = (out / "handout.pdf").read_bytes()
    # tagged: a structure tree with headings, paragraphs and figures, its language set
    assert b"/StructTreeRoot" in pdf and b"/MarkInfo" in pdf and b"/Lang" in pdf
    for role in (b"/H1", b"/H2", b"/P", b"/Figure"):
        assert b"/S " + role in pdf or b"/S" + role in pdf, role
    assert b"/Outlines" in pdf  # a bookmark per scene


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
def test_the_reveal_deck_plays_from_its_folder_copied_alone(decks, tmp_path):
    out, _ = decks
    m = _manifest(out)
    assert "slides" in m["decks"], m["failures"]
    # what one shares: the slides folder alone, somewhere else
    alone = tmp_path / "shared" / "slides"
    shutil.copytree(out / "slides", alone)
    deck = (alone / "index.html").read_text()
    page = _Refs()
    page.feed(deck)
    beats = sum(len(s["beats"]) for s in m["scenes"])
    assert page.videos == beats and deck.count('class="notes"') == beats + len(m["scenes"])
    assert page.refs
    for ref in page.refs:
        assert "://" not in ref and not ref.startswith(("/", "..")), ref
        assert (alone / ref).is_file(), ref
    # the stylesheets' own imports and fonts are inside the folder too
    for css in alone.rglob("*.css"):
        for ref in re.findall(r"@import url\(([^)]+)\)", css.read_text()):
            assert (css.parent / ref.strip("'\"")).is_file(), (css, ref)
    fonts = alone / "reveal/dist/theme/fonts/source-sans-pro"
    assert sorted(f.suffix for f in fonts.iterdir()).count(".woff") == 4
    assert (alone / "reveal" / "LICENSE").is_file()
    # the clips are the beats' own bytes, posters included
    for scene in m["scenes"]:
        for beat in scene["beats"]:
            assert (alone / beat["clip"]).read_bytes() == (out / beat["clip"]).read_bytes()
            assert (alone / beat["poster"]).is_file()
    assert 'href="slides/index.html"' in (out / "index.html").read_text()


#: Added to a copy of the deck: once the page has run, what the browser made of it.
PROBE = """<script>setTimeout(function () {
  var v = Array.from(document.querySelectorAll("video"));
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({
    ready: v.map(function (x) { return x.readyState; }),
    cues: v.map(function (x) { return Number(x.dataset.cues || 0); }),
    showing: v.map(function (x) {
      return Array.from(x.textTracks).filter(function (t) { return t.mode === "showing"; }).length;
    }),
    errors: v.filter(function (x) { return x.error; }).length,
    fonts: Array.from(document.fonts).filter(function (f) { return f.status === "loaded"; })
      .map(function (f) { return f.family; }),
    reveal: typeof Reveal !== "undefined" && Reveal.isReady(),
  });
  document.body.appendChild(out);
}, 4000);</script>"""


@pytest.mark.render
def test_the_copied_slides_folder_plays_in_chromium_offline(decks, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (make setup adds it)")
    out, _ = decks
    alone = tmp_path / "elsewhere" / "slides"
    shutil.copytree(out / "slides", alone)
    page = (alone / "index.html").read_text()
    (alone / "probe.html").write_text(page.replace("</body>", PROBE + "</body>"))
    with tempfile.TemporaryDirectory(prefix="gdanim-chromium-") as profile:
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--mute-audio", f"--user-data-dir={profile}",
            "--virtual-time-budget=8000", "--dump-dom", (alone / "probe.html").as_uri() + "#/1",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    probe = json.loads(html.unescape(found.group(1)))
    beats = sum(len(s["beats"]) for s in _manifest(out)["scenes"])
    assert probe["reveal"] is True
    assert probe["errors"] == 0 and len(probe["ready"]) == beats
    assert all(r >= 2 for r in probe["ready"]), probe  # every clip decodes from the copy
    assert "Source Sans Pro" in probe["fonts"]  # the theme's font, from the folder
    # every clip shows its beat's captions, opened from disk
    said = [b["text"] for s in _manifest(out)["scenes"] for b in s["beats"]]
    assert all(n == 1 for n in probe["showing"]), probe
    assert all(c >= 1 for c, t in zip(probe["cues"], said, strict=True) if t.strip()), probe


def _poster_spread(path) -> float:
    from PIL import Image, ImageStat

    with Image.open(path) as im:
        return max(ImageStat.Stat(im.convert("L")).stddev)


@pytest.mark.render
def test_every_poster_shows_its_beat_never_a_blank_frame(decks):
    out, _ = decks
    m = _manifest(out)
    for scene in m["scenes"]:
        posters = [out / b["poster"] for b in scene["beats"]]
        for poster in posters:
            assert _poster_spread(poster) > 8.0, poster
        # the poster is what the beat ends on: its last frame
        for b in scene["beats"]:
            last = out / b["poster"].replace(".jpg", "-last.jpg")
            assert (out / b["poster"]).read_bytes() == last.read_bytes()


P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


@pytest.mark.render
def test_each_clip_starts_on_the_presenters_click(decks):
    """The timing PowerPoint writes for a video set to "Start: On Click"."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out, _ = decks
    m = _manifest(out)
    prs = Presentation(str(out / "lecture.pptx"))
    slides = list(prs.slides)
    beats = [b for s in m["scenes"] for b in s["beats"]]
    clips = [s for s in slides if any(sh.shape_type == MSO_SHAPE_TYPE.MEDIA for sh in s.shapes)]
    assert len(clips) == len(beats)
    for slide, beat in zip(clips, beats, strict=True):
        (movie,) = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.MEDIA]
        spid = str(movie.shape_id)
        (timing,) = slide._element.findall(f"{P}timing")
        (main,) = [c for c in timing.iter(f"{P}cTn") if c.get("nodeType") == "mainSeq"]
        steps = main.find(f"{P}childTnLst").findall(f"{P}par")
        assert len(steps) == 1  # one click: the play
        step = steps[0].find(f"{P}cTn")
        assert [c.get("delay") for c in step.find(f"{P}stCondLst")] == ["indefinite"]
        (effect,) = [c for c in step.iter(f"{P}cTn") if c.get("presetClass") == "mediacall"]
        assert effect.get("nodeType") == "clickEffect" and effect.get("presetID") == "1"
        (cmd,) = effect.iter(f"{P}cmd")
        assert cmd.get("type") == "call" and cmd.get("cmd") == "playFrom(0.0)"
        assert [t.get("spid") for t in cmd.iter(f"{P}spTgt")] == [spid]
        ms = int(cmd.find(f"{P}cBhvr").find(f"{P}cTn").get("dur"))
        assert ms == pytest.approx((beat["end"] - beat["start"]) * 1000, abs=2)
        # the media node of the same video, and the seq's next/previous on the slide
        (node,) = timing.iter(f"{P}cMediaNode")
        assert [t.get("spid") for t in node.iter(f"{P}spTgt")] == [spid]
        seq = main.getparent()
        assert seq.find(f"{P}nextCondLst")[0].get("evt") == "onNext"
        # a click on the video itself pauses and resumes it
        toggles = [c for c in timing.iter(f"{P}cmd") if c.get("cmd") == "togglePause"]
        assert len(toggles) == 1
        ids = [c.get("id") for c in timing.iter(f"{P}cTn")]
        assert len(set(ids)) == len(ids)


@pytest.mark.render
def test_title_and_closing_slides_are_laid_out_for_the_wide_page(decks):
    from pptx import Presentation

    out, _ = decks
    prs = Presentation(str(out / "lecture.pptx"))
    sw, sh = prs.slide_width, prs.slide_height
    assert sw / sh == pytest.approx(16 / 9, abs=0.01)
    slides = list(prs.slides)
    texts = [slides[0], *[s for s in slides[1:] if s.shapes.title is not None]]
    assert len(texts) == 1 + len(_manifest(out)["scenes"])
    for slide in texts:
        for shape in slide.placeholders:
            centre = shape.left + shape.width / 2
            assert centre == pytest.approx(sw / 2, abs=sw * 0.01), shape.name
            assert shape.left >= 0 and shape.left + shape.width <= sw
            assert shape.top >= 0 and shape.top + shape.height <= sh
            assert shape.width > sw * 0.8


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


def test_the_handout_sets_a_caption_as_one_paragraph_never_breaking_an_equation():
    """The captions' own line breaks are for a screen ("… w = 0, b" / "= 0."): the handout
    sets a beat's caption as one paragraph, and never breaks "b = 0" at its sign."""
    from fpdf import FPDF

    from gdanim.lectures.handout import prose

    said = prose(
        "Three learning rates, 0.00181, 0.0181 and\n0.0416, from the same start: w = 0, b\n= 0."
    )
    assert "\n" not in said and said.endswith("w\u00a0=\u00a00, b\u00a0=\u00a00.")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "", 12)
    for width in (40, 50, 60, 70):
        lines = pdf.multi_cell(width, 6, said, dry_run=True, output="LINES")
        assert not any(line.rstrip().endswith(("=", " b", " w")) for line in lines), lines


@pytest.mark.render
def test_each_beat_of_the_reveal_deck_carries_its_captions(decks):
    """The audience sees the captions over each clip (speaker notes are the presenter's)."""
    out, _ = decks
    page = (out / "slides" / "index.html").read_text()
    for scene in _manifest(out)["scenes"]:
        for k, b in enumerate(scene["beats"], 1):
            vid = f"vtt-{scene['name']}-{k}"
            assert f'data-vtt="{vid}"' in page
            block = page.split(f'<script type="text/vtt" id="{vid}">', 1)[1].split("</script>")[0]
            assert block.lstrip().startswith("WEBVTT")
            times = re.findall(
                r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", block
            )
            ends = [int(t[4]) * 3600 + int(t[5]) * 60 + int(t[6]) + int(t[7]) / 1000 for t in times]
            assert all(e <= b["end"] - b["start"] + 1e-3 for e in ends)  # in the clip's time
            if b["text"].strip():
                first = b["text"].split("\n")[0]
                assert first.split()[0] in html.unescape(block), (vid, first)


def test_a_scene_on_the_runs_of_one_before_closes_on_what_it_teaches(monkeypatch):
    """hiker-bowl, derivation and descent-path draw the lesson's one run: their closing
    slides said its verdict three times. A scene whose runs a scene before closed on says
    what it teaches instead, in every deck."""
    from types import SimpleNamespace

    from gdanim.lectures import publish
    from gdanim.lectures.decks import closing_title
    from gdanim.scenes.registry import SCENES

    verdicts = {"a": ("w = 50 … Converged.",), "b": ("w = 50 … Converged.",), "c": ("x", "y")}
    monkeypatch.setattr(publish, "scene_beats", lambda *a, **k: [])
    monkeypatch.setattr(publish, "_verdict", lambda m: verdicts[m])

    def result(name, scene):
        spec = SimpleNamespace(scene=scene)
        return SimpleNamespace(
            ok=True, info=object(), beat_cues=[], cues=[], video_path="", name=name,
            rendered=SimpleNamespace(key=""), spec=spec, manifest=name,
        )  # fmt: skip

    ordered = [result("a", "hiker-bowl"), result("b", "descent-path"), result("c", "compare")]
    decks = publish.scene_decks("", ordered, False, lambda *a: None)
    assert [d.verdict for d in decks] == [verdicts["a"], (), verdicts["c"]]
    assert closing_title(decks[1]) == "b: in short"
    assert decks[1].summary == SCENES["descent-path"].summary
    assert closing_title(decks[0]) == "a: what the run did"
    assert closing_title(decks[2]) == "c: the runs"

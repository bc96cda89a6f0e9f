"""``gdanim lecture``: the lecture file, the jobs, the pack it writes, reuse, failures, Dask,
the slide deck and the page in a real browser."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdanim import lectures as lecture
from gdanim.cli import cli
from gdanim.config import RenderSpec
from gdanim.lectures.records import JobResult, LectureManifest
from gdanim.media import captions, ffmpeg, probe
from gdanim.pipeline.manifest import RenderManifest
from gdanim.scenes.registry import SCENES, SceneInfo
from tests.scene_tools import video_meta

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--quality", "low", "--resolution", "320x180", "--duration", "1"]
TWO = """
title = "Two descents"
[[scenes]]
scene = "descent-path"
[[scenes]]
scene = "descent-path"
dataset = "housing"
"""


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


# --------------------------------------------------------------------------------------------
# The lecture file


def test_example_lecture_file_parses(tmp_path):
    lec = lecture.load_lecture(str(ROOT / "examples" / "lecture.toml"))
    assert lec.title.startswith("Gradient descent")
    names = [s.name for s in lec.scenes]
    assert names == [
        "hiker-bowl",
        "derivation",
        "descent-path",
        "descent-path-grades",
        "learning-rates",
        "feature-scaling",
    ]
    grades = lec.scenes[3].spec
    # Paths are relative to the lecture file, wherever it is run from.
    assert grades.data_path == str(ROOT / "examples" / "grades.csv")
    assert (grades.x_col, grades.y_col) == ("hours", "score")
    assert grades.dataset is None  # a scene's own data replaces the file's dataset
    assert grades.train.lr == "right" and grades.train.epochs == 400
    assert grades.train.loss == "mse" and grades.quality == "high"
    rates = lec.scenes[4].spec
    assert rates.lrs == ("small", "right", "large") and rates.dataset == "campaign"
    assert all(s.spec.lrs is None for s in lec.scenes[:4])
    scaling = lec.scenes[5].spec
    # Each side at its own share of its critical rate, the scene's default.
    assert scaling.dataset == "houses" and scaling.train.lr is None
    assert all(s.spec.duration == 8.0 and s.spec.theme == "dark" for s in lec.scenes)


def test_lecture_file_forms_and_defaults(tmp_path):
    path = tmp_path / "l.toml"
    path.write_text(
        'scenes = ["descent-path", "descent-path", {scene = "learning-rates", '
        'lrs = [0.001, 0.01], theme = "light"}]\nresolution = "640x360"\nfps = 12\n'
        'init = [1, 2]\nnormalize = true\noptimizer = "momentum"\nmomentum = 0.5\n'
    )
    lec = lecture.load_lecture(str(path))
    assert [s.name for s in lec.scenes] == ["descent-path", "descent-path-2", "learning-rates"]
    first, _, rates = (s.spec for s in lec.scenes)
    assert first.dataset == "campaign" and first.pixel_size == (640, 360)
    assert first.frame_rate == 12 and first.train.init == (1.0, 2.0)
    assert first.train.normalize and first.train.optimizer == "momentum"
    assert first.train.momentum == 0.5
    assert rates.lrs == (0.001, 0.01) and rates.theme == "light" and rates.format == "mp4"


BAD = [
    ('[[scenes]]\nscene = "descent-path"\n[[scenes]]\nscene = "descent-path"\nloss = "mse2"\n',
     "scenes[2].loss: 'mse2' is not one of half-mse, huber, mae, mse"),
    ('los = "mse"\n', "los: unknown key (did you mean loss?)"),
    ('[[scenes]]\nscene = "nope"\n', "scenes[1].scene: 'nope' is not one of"),
    ('scenes = ["descent-path", 3]\n', "scenes[2]: 3 is neither"),
    ('scenes = ["descnt-path"]\n', "scenes[1]: 'descnt-path' is not one of"),
    ("scenes = []\n", "scenes: the lecture has no scenes"),
    ('[scenes.descent-path]\nlr = 0.1\n', "scenes: expected a list"),
    ("[[scenes]]\nlr = 0.1\n", 'scenes[1]: needs scene = "NAME"'),
    ("lr = -1\n", "lr: -1 must be a number > 0"),
    ('lr = "huge"\n', "lr: 'huge' is not a number nor one of small, right, large"),
    ("epochs = 1.5\n", "epochs: 1.5 is not a whole number"),
    ("epochs = 2000000\n", "epochs: 2000000 is outside"),
    ("duration = 0.1\n", "duration: 0.1 is outside [0.5, 600]"),
    ("momentum = 1\n", "momentum: 1 is outside [0, 1)"),
    ('resolution = "321x180"\n', "resolution: width and height must be even"),
    ('theme = "blue"\n', "theme: 'blue' is not one of dark, light"),
    ('aspect = "2:1"\n', "aspect: '2:1' is not one of"),
    ("init = [1]\n", "init: [1] is not two numbers [w, b]"),
    ("normalize = 1\n", "normalize: 1 is not true or false"),
    ('[[scenes]]\nscene = "learning-rates"\nlrs = [0.1]\n', "scenes[1].lrs: [0.1]: give 2 to 4"),
    ('data = "missing.csv"\n', "data: 'missing.csv': no such file"),
    ('x = "hours"\n', "x: chooses a column of a data file"),
    ('dataset = "housing"\ndata = "g.csv"\n', "data: give dataset or data, not both"),
    ('data = "g.csv"\nx = "nope"\n', "data: "),
    ('[[scenes]]\nscene = "descent-path"\nname = "lecture"\n', "scenes[1].name: 'lecture' is"),
    ('[[scenes]]\nscene = "descent-path"\nname = "a b"\n', "scenes[1].name: 'a b': use letters"),
    ('[[scenes]]\nscene = "descent-path"\nname = "a"\n[[scenes]]\nscene = "derivation"\n'
     'name = "a"\n', "scenes[2].name: 'a' is already used by scenes[1]"),
    ('scene = "descent-path"\n', "scene: only inside a [[scenes]] table"),
    ('[[scenes]]\nscene = "descent-path"\ngif = true\n', "scenes[1].gif: only at the top"),
    ('[[scenes]]\nscene = "learning-rates"\ntrajectory = "t.json"\nlrs = [0.1, 0.2]\n',
     "scenes[1].lrs: trains its own runs"),
    ('[[scenes]]\nscene = "descent-path"\nlrs = [0.1, 0.2]\n',
     "scenes[1].lrs: only learning-rates takes lrs"),
    ("title = 3\n", "title: 3 is not a non-empty string"),
    ("slides = \"yes\"\n", "slides: 'yes' is not true or false"),
    ("loss = \n", "not valid TOML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[b[1][:40] for b in BAD])
def test_bad_lecture_file_is_one_line_naming_the_key(runner, tmp_path, text, expected):
    (tmp_path / "g.csv").write_text("hours,score\n1,2\n2,4\n3,5\n")
    (tmp_path / "t.json").write_text('{"w": [0, 1], "b": [0, 1]}')
    (tmp_path / "lecture.toml").write_text(text)
    result = runner.invoke(cli, ["lecture", "lecture.toml", "-o", "out"])
    line = one_error_line(result)
    assert line.startswith("gdanim: error: lecture.toml: "), line
    assert expected in line, line
    assert not (tmp_path / "out").exists()


def test_missing_lecture_file_is_one_line(runner):
    line = one_error_line(runner.invoke(cli, ["lecture", "nope.toml", "--dry-run"]))
    assert "nope.toml: no such file" in line


# --------------------------------------------------------------------------------------------
# Jobs


def test_default_lecture_jobs(tmp_path):
    lec = lecture.default_lecture()
    assert [s.spec.scene for s in lec.scenes] == list(lecture.DEFAULT_SCENES)
    # Every scene but compare, which needs an experiment (vary or a preset) to run, and
    # feature-scaling, which needs two features.
    assert (
        tuple(s for s, info in SCENES.items() if "vary" not in info.options and info.features == 1)
        == lecture.DEFAULT_SCENES
    )
    jobs = lecture.plan(lec, str(tmp_path / "out"))
    assert [(j.kind, j.name) for j in jobs] == [("video", s) for s in lecture.DEFAULT_SCENES]
    for job in jobs:
        assert job.spec.dataset == "campaign" and job.spec.format == "mp4"
        assert job.output == str(tmp_path / "out" / f"{job.name}.mp4")
    high = lecture.with_options(lec, quality="high")
    assert {s.spec.pixel_size for s in high.scenes} == {(1920, 1080)}
    assert {s.spec.frame_rate for s in high.scenes} == {60}
    every = lecture.plan(high, str(tmp_path), gif=True)
    assert [j.kind for j in every] == ["video"] * 4 + ["gif"] * 4  # decks are cut, not rendered
    gif = every[4].spec
    assert gif.format == "gif" and gif.pixel_size == (854, 480)  # GIFs are for slides


def test_command_line_options_override_every_scene_and_dry_run_lists_jobs(runner, tmp_path):
    (tmp_path / "l.toml").write_text('quality = "low"\nscenes = ["derivation", "descent-path"]')
    args = ["lecture", "l.toml", "--dry-run", "--quality", "high", "--theme", "light", "--gif"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:3] == ["video", "derivation", "derivation"]
    assert "1920x1080@60" in lines[0] and "light" in lines[0]
    assert lines[2].startswith("gif") and lines[2].endswith("derivation.gif")
    assert not (tmp_path / "media").exists()


def test_a_job_is_a_picklable_pure_function_of_its_spec(tmp_path):
    import pickle

    job = lecture.plan(lecture.default_lecture(), str(tmp_path))[0]
    assert pickle.loads(pickle.dumps(job)) == job
    bad = tmp_path / "bad.json"
    bad.write_text('{"w": [1, 2], "b": "x"}')
    spec = RenderSpec(scene="descent-path", trajectory_path=str(bad), width=320, height=180)
    out = lecture.run_job(lecture.Job("x", "video", spec, str(tmp_path / "x.mp4")))
    assert out.error and "bad.json" in out.error
    assert "\n" not in out.error and not out.ok and out.path is None
    assert pickle.loads(pickle.dumps(out)) == out  # it crosses back from a worker


def test_a_gif_too_long_to_follow_is_made_at_the_pace_that_fits(tmp_path, monkeypatch):
    """`gdanim lecture --gif` asks a GIF of every scene: the derivation's, whose loop would
    be too long at the lecture's pace, is made faster and says so; a video never is."""
    from gdanim.errors import GifTooLong
    from gdanim.pipeline import render as render_module

    asked: list[float] = []

    def render(spec, output, **_):
        asked.append(spec.duration)
        if spec.duration > 3:
            raise GifTooLong("derivation: its GIF would loop for about 40 s", 3.0)
        golden = ROOT / "tests" / "golden" / "records" / "render-compare.json"
        return render_module.RenderResult(
            output, output + ".json", False, 1.0, RenderManifest.load(str(golden))
        )

    monkeypatch.setattr(render_module, "render", render)
    spec = RenderSpec(scene="derivation", format="gif", duration=8)
    out = lecture.run_job(lecture.Job("derivation", "gif", spec, str(tmp_path / "d.gif")))
    assert asked == [8, 3] and out.error is None
    assert out.note == "at --duration 3, to loop in time"
    asked.clear()
    video = spec.replace(format="mp4")
    out = lecture.run_job(lecture.Job("derivation", "video", video, str(tmp_path / "d.mp4")))
    assert asked == [8] and out.error and "would loop" in out.error and out.note is None


# --------------------------------------------------------------------------------------------
# A whole lecture, rendered once for the tests below (two processes, GIFs too)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lecture")
    (folder / "two.toml").write_text(TWO)
    out = folder / "out"
    result = _run(folder, ["two.toml", "-o", str(out), "--jobs", "2", "--gif", *SMALL])
    return folder, out, result


def _run(cwd: Path, args: list[str]):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["lecture", *args])
    finally:
        os.chdir(old)


@pytest.mark.render
def test_lecture_writes_every_output(two):
    _, out, result = two
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "index.html")
    names = ["descent-path", "descent-path-2"]
    for name in names:
        for ext in ("mp4", "mp4.json", "srt", "vtt", "gif", "jpg"):
            assert (out / f"{name}.{ext}").is_file(), f"{name}.{ext}"
    for f in ("lecture.mp4", "lecture.srt", "lecture.vtt", "manifest.json", "index.html"):
        assert (out / f).is_file(), f
    assert not [p for p in os.listdir(out) if p.startswith(".gdanim")]
    # one progress line per job, no manim bars
    assert "%|" not in result.stderr and "Animation" not in result.stderr
    assert result.stderr.count("lecture: [") == 4


@pytest.mark.render
def test_joined_video_is_the_parts_back_to_back(two):
    _, out, _ = two
    parts = [video_meta(str(out / f"{n}.mp4")) for n in ("descent-path", "descent-path-2")]
    whole = video_meta(str(out / "lecture.mp4"))
    assert whole["duration"] == pytest.approx(sum(p["duration"] for p in parts), abs=0.1)
    assert whole["frames"] == sum(p["frames"] for p in parts)
    assert tuple(whole["size"]) == (320, 180)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["lecture"]["method"] == "copy"  # same codec, size and rate: no re-encode


@pytest.mark.render
def test_captions_are_the_runs_numbers_shifted_by_real_durations(two):
    _, out, _ = two
    manifest = json.loads((out / "manifest.json").read_text())
    first = manifest["scenes"][0]
    assert first["captions"]["source"] == "scene"
    a = captions.read(str(out / "descent-path.srt"))
    b = captions.read(str(out / "descent-path-2.srt"))
    assert captions.read(str(out / "descent-path.vtt")) == a
    joined = captions.read(str(out / "lecture.srt"))
    assert captions.read(str(out / "lecture.vtt")) == joined
    assert len(joined) == len(a) + len(b)
    offset = first["duration"]
    assert offset == pytest.approx(video_meta(str(out / "descent-path.mp4"))["duration"], abs=0.05)
    for cue, own in zip(joined[len(a) :], b, strict=True):
        assert cue.text == own.text
        assert cue.start == pytest.approx(own.start + offset, abs=0.002)
    # every cue, of every scene and of the lecture, keeps to broadcast practice
    for cue in [*a, *b, *joined]:
        assert not captions.practice_problems(cue), cue
    # the text states each run's own numbers
    runs = {s["name"]: s["runs"][0] for s in manifest["scenes"]}
    updates = f"{runs['descent-path-2']['updates']:,}"
    assert any(updates in c.text for c in b)
    assert any("housing" in s["dataset"]["name"] for s in manifest["scenes"][1:])


@pytest.mark.render
def test_manifest_records_specs_keys_outputs_and_timings(two):
    _, out, _ = two
    m = json.loads((out / "manifest.json").read_text())
    assert m["format"] == "gdanim-lecture" and m["complete"] is True and m["failures"] == []
    assert m["title"] == "Two descents"
    for s in m["scenes"]:
        own = json.loads((out / s["manifest"]).read_text())
        assert s["key"] == own["key"]
        assert s["spec"]["width"] == 320 and s["output"] == f"{s['name']}.mp4"
        assert s["duration"] > 1 and s["gif"]["output"] == f"{s['name']}.gif"
        assert s["gif"]["error"] is None
    assert [s["spec"]["dataset"] for s in m["scenes"]] == ["campaign", "housing"]
    # Read as the typed record and written again, the file keeps its bytes.
    text = (out / "manifest.json").read_text()
    assert LectureManifest.load(str(out / "manifest.json")).to_json() == text
    assert m["lecture"]["parts"][1]["start"] == m["scenes"][0]["duration"]
    assert m["options"]["jobs"] == 2
    assert m["timings"]["total_seconds"] > 0


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.render
def test_index_page_is_offline_and_has_caption_tracks(two):
    _, out, _ = two
    text = (out / "index.html").read_text()
    page = _Page()
    page.feed(text)
    videos = [a for t, a in page.tags if t == "video"]
    tracks = [a for t, a in page.tags if t == "track"]
    assert [v["src"] for v in videos] == ["lecture.mp4", "descent-path.mp4", "descent-path-2.mp4"]
    assert tracks[0] == {
        "kind": "captions",
        "srclang": "en",
        "label": "English",
        "default": None,
        "src": "lecture.vtt",
    }
    assert [t["src"] for t in tracks[1:]] == ["descent-path.vtt", "descent-path-2.vtt"]
    for tag, attrs in page.tags:
        for key in ("src", "href", "poster"):
            value = attrs.get(key) or ""
            assert "://" not in value and not value.startswith("/"), (tag, value)
            if value and not value.startswith("#"):
                assert (out / value).exists(), value
    assert not [t for t, a in page.tags if t == "link"]  # inline CSS only
    assert "<style>" in text
    style = text[text.index("<style>") : text.index("</style>")]
    assert '"Segoe UI"' in style and "&#34;" not in style and "&quot;" not in style


@pytest.mark.render
def test_index_page_has_a_transcript_that_seeks_the_video(two):
    import html

    _, out, _ = two
    text = (out / "index.html").read_text()
    m = json.loads((out / "manifest.json").read_text())
    start, end = (
        text.index('id="transcript"'),
        text.index("</section>", text.index('id="transcript"')),
    )
    part = text[start:end]
    # a heading per scene, in order, each seeking to where its scene starts
    for scene, joined in zip(m["scenes"], m["lecture"]["parts"], strict=True):
        assert f'id="transcript-{scene["name"]}"' in part
        assert f'data-seek="{joined["start"]}"' in part
    assert part.index('transcript-descent-path"') < part.index("transcript-descent-path-2")
    # what the screen shows, with the run's numbers
    assert part.count('class="screen"') >= 2 * 2 and "contours" in part
    # every beat said, in order, each with a link that seeks the lecture to it
    said = [html.unescape(p.split("</a> ", 1)[1].split("</p>")[0])
            for p in part.split('<p class="said">')[1:]]  # fmt: skip
    beats = [
        b["text"]
        for s in m["scenes"]
        for b in json.loads((out / s["manifest"]).read_text())["beats"]
    ]
    assert said == [" ".join(b.split()) for b in beats] and said
    seeks = [float(x) for x in re.findall(r'data-seek="([0-9.]+)"', part)]
    assert seeks == sorted(seeks) and seeks[-1] < m["lecture"]["duration"]
    # to the millisecond, as a person would write a link
    assert all(len(x.partition(".")[2]) <= 3 for x in re.findall(r'#t=([0-9.]+)"', text))


@pytest.mark.render
def test_rerun_reuses_every_unchanged_scene(two):
    folder, out, _ = two
    before = (out / "lecture.mp4").stat().st_mtime_ns
    again = _run(folder, ["two.toml", "-o", str(out), "--jobs", "2", "--gif", *SMALL])
    assert again.exit_code == 0, again.output
    m = json.loads((out / "manifest.json").read_text())
    assert all(s["reused"] and s["gif"]["reused"] for s in m["scenes"])
    assert m["lecture"]["reused"] is True
    assert (out / "lecture.mp4").stat().st_mtime_ns == before
    assert "(0 rendered, 2 reused)" in again.stderr
    # a changed scene is rendered again, the other is reused, and the joined video follows
    copy = folder / "copy"
    shutil.copytree(out, copy)
    (folder / "three.toml").write_text(TWO.replace('"housing"', '"housing"\nepochs = 50'))
    changed = _run(folder, ["three.toml", "-o", str(copy), "--jobs", "1", *SMALL])
    assert changed.exit_code == 0, changed.output
    m = json.loads((copy / "manifest.json").read_text())
    assert [s["reused"] for s in m["scenes"]] == [True, False]
    assert m["lecture"]["reused"] is False


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.render
@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (make setup adds it)")
def test_index_page_plays_in_chromium_with_captions(two):
    _, out, _ = two
    with tempfile.TemporaryDirectory(prefix="gdanim-chromium-") as profile:
        cmd = [
            str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--mute-audio", f"--user-data-dir={profile}",
            "--virtual-time-budget=10000", "--dump-dom", (out / "index.html").as_uri(),
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    page = _Page()
    page.feed(done.stdout)
    videos = [a for t, a in page.tags if t == "video"]
    assert len(videos) == 3
    for v in videos:
        assert v.get("data-ready") == "1", v  # loadeddata fired: the browser decodes it
        assert int(v.get("data-cues") or 0) > 0, v  # the captions track loaded with cues
    status = next(a for t, a in page.tags if a.get("id") == "status")
    assert (status["data-ready"], status["data-tracks"]) == ("3", "3")
    lecture_video = videos[0]
    assert float(lecture_video["data-duration"]) == pytest.approx(
        json.loads((out / "manifest.json").read_text())["lecture"]["duration"], abs=0.1
    )


# --------------------------------------------------------------------------------------------
# Failures


@pytest.mark.render
def test_a_failing_scene_is_reported_and_the_rest_finish(runner, tmp_path):
    (tmp_path / "broken.json").write_text('{"w": [0, 1], "b": "not a list"}')
    (tmp_path / "l.toml").write_text(
        '[[scenes]]\nscene = "descent-path"\n[[scenes]]\nscene = "descent-path"\n'
        'name = "broken"\ntrajectory = "broken.json"\n'
    )
    result = runner.invoke(cli, ["lecture", "l.toml", "-o", "out", "--jobs", "2", *SMALL])
    assert result.exit_code == 1, result.output
    failed = [ln for ln in result.stderr.splitlines() if "broken.mp4 failed:" in ln]
    assert len(failed) == 1 and "broken.json" in failed[0]
    out = tmp_path / "out"
    assert (out / "descent-path.mp4").is_file() and not (out / "broken.mp4").exists()
    m = json.loads((out / "manifest.json").read_text())
    assert m["complete"] is False
    assert [(f["name"], f["kind"]) for f in m["failures"]] == [("broken", "video")]
    assert m["lecture"]["parts"] == [{"name": "descent-path", "start": 0.0}]
    assert (
        LectureManifest.load(str(out / "manifest.json")).to_json()
        == (out / "manifest.json").read_text()
    )
    page = (out / "index.html").read_text()
    assert 'class="failed" id="scene-broken"' in page and "broken.json" in page


def test_a_scene_not_written_yet_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setitem(
        SCENES, "future", SceneInfo("gdanim.scenes.not_written_yet", "Future", "later")
    )
    lec = lecture.Lecture(
        (lecture.LectureScene("future", RenderSpec(scene="future", width=320, height=180)),)
    )
    err = io.StringIO()
    report = lecture.make_lecture(lec, str(tmp_path / "out"), jobs=1, stream=err)
    assert not report.ok
    assert "No module named 'gdanim.scenes.not_written_yet'" in report.failures[0]["error"]
    assert "future.mp4 failed: ModuleNotFoundError" in err.getvalue()
    assert report.manifest["lecture"] is None
    assert (tmp_path / "out" / "index.html").is_file()
    # The file is the typed record's bytes, and reads back as it was written.
    written = (tmp_path / "out" / "manifest.json").read_text()
    assert report.record.to_json() == written
    back = LectureManifest.load(str(tmp_path / "out" / "manifest.json"))
    assert back == report.record and back.scenes[0].ok is False and back.scenes[0].key is None
    assert "key" not in report.manifest["scenes"][0]  # what a failed scene never had


def test_missing_extras_are_one_line(runner, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    line = one_error_line(runner.invoke(cli, ["lecture", "--scheduler", "tcp://x:1"]))
    assert "pip install 'gdanim[dask]'" in line
    monkeypatch.setitem(sys.modules, "pptx", None)
    line = one_error_line(runner.invoke(cli, ["lecture", "--pptx"]))
    assert "pip install 'gdanim[pptx]'" in line
    monkeypatch.setitem(sys.modules, "fpdf", None)
    line = one_error_line(runner.invoke(cli, ["lecture", "--handout"]))
    assert "pip install 'gdanim[handout]'" in line


def test_output_folder_that_is_a_file_is_one_line(runner, tmp_path):
    (tmp_path / "out").write_text("x")
    line = one_error_line(runner.invoke(cli, ["lecture", "-o", "out"]))
    assert "is a file" in line and "out" in line


# --------------------------------------------------------------------------------------------
# Joining, captions without subcaptions, progress


def _clip(path: Path, size: str, rate: int, seconds: float) -> None:
    ff = ffmpeg.ffmpeg_exe()
    subprocess.run(
        [ff, "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}",
         "-t", str(seconds), "-pix_fmt", "yuv420p", "-c:v", "libx264", str(path)],
        check=True,
    )  # fmt: skip


def test_join_copies_matching_parts_and_reencodes_others(tmp_path):
    a, b, c = tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "c.mp4"
    _clip(a, "160x90", 10, 1.0)
    _clip(b, "160x90", 10, 1.5)
    _clip(c, "320x240", 15, 1.0)
    infos = [probe.video_info(str(p)) for p in (a, b, c)]
    same = tmp_path / "same.mp4"
    assert ffmpeg.join_videos([str(a), str(b)], infos[:2], str(same)) == "copy"
    assert probe.video_info(str(same)).duration == pytest.approx(2.5, abs=0.1)
    mixed = tmp_path / "mixed.mp4"
    assert ffmpeg.join_videos([str(a), str(c)], [infos[0], infos[2]], str(mixed)) == "reencode"
    info = probe.video_info(str(mixed))
    assert (info.width, info.height) == (160, 90)
    assert info.duration == pytest.approx(2.0, abs=0.15)
    assert sorted(os.listdir(tmp_path)) == ["a.mp4", "b.mp4", "c.mp4", "mixed.mp4", "same.mp4"]


RENDER_GOLDEN = ROOT / "tests" / "golden" / "records" / "render-learning-rates-diverging.json"


def _render_manifest(**changes):
    """A render's manifest as written, with ``changes``."""
    return RenderManifest.from_dict({**json.loads(RENDER_GOLDEN.read_text()), **changes})


def test_scenes_without_subcaptions_get_captions_from_their_numbers():
    runs = [
        {"label": "small", "lr": 0.00181, "updates": 1500, "diverged_at": None,
         "outcome": {"kind": "slow", "update": 1500, "text": "still far after 1500 updates"},
         "final": {"w": 54.97, "b": 72.6, "loss": 194.4}},
        {"label": "large", "lr": 0.0416, "updates": 27, "diverged_at": 27,
         "outcome": {"kind": "diverged", "update": 27, "text": "diverged at update 27"},
         "final": {"w": 1e9, "b": 1e8, "loss": 1e20}},
    ]  # fmt: skip
    cues = lecture.generated_captions(_render_manifest(runs=runs), 8.0)
    assert [(c.start, c.end) for c in cues] == [(0.0, 4.0), (4.0, 8.0)]
    assert cues[0].text == (
        "Learning rate 0.00181 (small): w = 54.97, b = 72.6 after 1500 updates, loss 194.4."
    )
    assert (
        cues[1].text
        == "Learning rate 0.0416 (large): the run diverges; it is stopped at update 27."
    )


def test_a_render_manifest_reads_back_as_typed_records():
    written = json.loads(RENDER_GOLDEN.read_text())
    m = RenderManifest.from_dict(written)
    assert (m.key, m.dataset_name, m.points, m.loss, m.optimizer) == (
        "0" * 64, "campaign", 7, "mse", "gd"
    )  # fmt: skip
    assert [(r.label, r.lr, r.updates, r.diverged_at, r.verdict) for r in m.runs] == [
        ("0.001", 0.001, 1500, None, "still far after 1500 updates"),
        ("0.01", 0.01, 1500, None, "converged in 1024 updates"),
        ("5", 5.0, 2, 2, "diverged at update 2"),
    ]
    assert (m.runs[1].w, m.runs[1].b, m.runs[1].loss) == (
        50.25967815568154, 100.06924328094924, 25.30402133995529
    )  # fmt: skip
    assert m.scene_records() == {k: written[k] for k in ("dataset", "config", "runs")}
    assert [c.text for c in m.cues] == ["A beat.", "Another beat."]


def test_progress_is_one_line_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # a wide terminal: nothing is cut short

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    jobs = lecture.plan(lecture.default_lecture(), str(tmp_path))
    stream = Tty()
    with lecture.Progress(jobs, stream, 2, quiet=False) as progress:
        progress.done(jobs[1], JobResult(jobs[1].name, "video", jobs[1].output, reused=True))
        progress.done(
            jobs[0], JobResult(jobs[0].name, "video", jobs[0].output, error="RuntimeError: boom")
        )
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # without the colours
    lines = [ln for ln in re.split(r"[\r\n]", text) if ln.strip()]
    failures = [ln for ln in lines if "failed:" in ln]
    assert failures == ["lecture: [2/4] hiker-bowl.mp4 failed: RuntimeError: boom"]
    status = [ln for ln in lines if "failed:" not in ln]
    assert "2/4" in status[-1] and "1 reused, 1 failed" in status[-1], status[-1]
    assert "rendering descent-path.mp4" in status[-1]


# --------------------------------------------------------------------------------------------
# Dask


@pytest.mark.render
def test_jobs_run_on_a_dask_cluster(runner, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        args = ["lecture", "-o", "out", "--scheduler", cluster.scheduler_address, *SMALL]
        (tmp_path / "l.toml").write_text('scenes = ["descent-path"]\n')
        result = runner.invoke(cli, [*args[:1], "l.toml", *args[1:]])
    assert result.exit_code == 0, result.output
    m = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert m["options"]["scheduler"] == cluster.scheduler_address
    assert m["scenes"][0]["ok"] and (tmp_path / "out" / "lecture.mp4").is_file()
    assert m["scenes"][0]["worker"]["pid"] == os.getpid()  # an in-process worker ran it


def test_costliest_renders_start_first(tmp_path):
    """The derivation, the longest render, starts first and the shortest last, so the
    workers run out of work together."""
    from gdanim.lectures.jobs import costliest_first, estimated_cost

    jobs = lecture.plan(lecture.default_lecture(), str(tmp_path), gif=True)
    order = costliest_first(jobs)
    videos = [j.name for j in order if j.kind == "video"]
    assert videos == ["derivation", "hiker-bowl", "learning-rates", "descent-path"]
    costs = [estimated_cost(j) for j in order]
    assert costs == sorted(costs, reverse=True) and costs[-1] > 0
    assert sorted(order, key=jobs.index) == jobs  # every job, once

"""The render pipeline: formats, sizes, manifest, reuse, determinism, failures, frame checks."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gdanim.cli import cli
from gdanim.config import RenderSpec, TrainConfig, frame_size
from gdanim.media import captions
from gdanim.pipeline import render as render_mod
from tests.scene_tools import build_scene, editor_facts, family_bounds, find, video_meta

pytestmark = pytest.mark.render

SMALL = ["--resolution", "320x180", "--duration", "1", "-q"]


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def leftovers(folder) -> list[str]:
    return [f for f in os.listdir(folder) if f.startswith(".gdanim-")]


@pytest.mark.parametrize("fmt", ["mp4", "webm", "gif"])
def test_video_formats_have_the_asked_size_rate_and_duration(runner, tmp_path, fmt):
    out = tmp_path / f"dp.{fmt}"
    args = ["render", "descent-path", "--format", fmt, "--fps", "10", "-o", str(out), *SMALL]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    meta = video_meta(str(out))
    assert tuple(meta["size"]) == (320, 180)
    # intro beats, the first three updates one at a time, a 1 s descent and the closing beats,
    # each held until its caption is read: the video ends with the last beat
    assert 3.0 < meta["duration"] < 60.0
    if fmt != "gif":  # a GIF carries no captions and holds for none
        beats = json.loads(Path(f"{out}.json").read_text())["beats"]
        assert meta["duration"] == pytest.approx(beats[-1]["end"], abs=0.15)
    if fmt == "gif":
        # A hold is one GIF frame with a long delay; every delay is whole frames at 10 fps.
        with Image.open(out) as im:
            delays = [im.seek(i) or im.info["duration"] for i in range(im.n_frames)]
        assert all(d % 100 == 0 for d in delays), delays
        assert sum(delays) / 1000 == pytest.approx(meta["duration"], abs=0.15)
    else:
        assert meta["fps"] == pytest.approx(10, abs=0.01)
        assert meta["whole_frames"]
        if fmt == "mp4":  # what editors take: every frame in the file, keyframes, index first
            facts = editor_facts(str(out))
            assert facts["packets"] == facts["frames"] == meta["frames"]
            assert facts["keyframe_gap"] <= 2.0 + 1e-6
            assert facts["moov_first"]
        # the captions beside it keep to broadcast practice, a beat split into several cues
        cues = captions.read(str(tmp_path / "dp.srt"))
        assert cues and not [c for c in cues if captions.practice_problems(c)]
    manifest = json.loads((tmp_path / f"dp.{fmt}.json").read_text())
    assert manifest["output"]["format"] == fmt
    assert manifest["output"]["width"] == 320 and manifest["output"]["fps"] == 10
    assert manifest["dataset"]["name"] == "campaign"
    assert manifest["dataset"]["sha256"]
    assert manifest["versions"]["manim"]
    assert manifest["runs"][0]["updates"] == 1500
    assert leftovers(tmp_path) == []


def _gif_frames(path) -> tuple[list[int], list[float]]:
    """Each frame's delay (ms) and its grey-level spread (0: one flat colour)."""
    from PIL import ImageStat

    delays, spreads = [], []
    with Image.open(path) as im:
        for i in range(im.n_frames):
            im.seek(i)
            delays.append(im.info["duration"])
            spreads.append(ImageStat.Stat(im.convert("L")).stddev[0])
    return delays, spreads


def test_gif_shows_the_animation_without_the_captions_reading_holds(runner, tmp_path):
    lengths = {}
    for fmt, seconds in (("mp4", 1), ("gif", 1), ("gif", 3)):
        out = tmp_path / f"same-{seconds}.{fmt}"
        args = ["render", "descent-path", "--format", fmt, "--fps", "20", "-o", str(out),
                *SMALL[:2], "--duration", str(seconds), "-q"]  # fmt: skip
        assert runner.invoke(cli, args).exit_code == 0
        lengths[fmt, seconds] = video_meta(str(out))["duration"]
    # the video holds each beat until its caption is read; the GIF carries no captions
    assert lengths["gif", 1] < lengths["mp4", 1] - 5
    # --duration is the descent's time on screen, in a GIF as it says
    assert lengths["gif", 3] - lengths["gif", 1] == pytest.approx(2.0, abs=0.1)


def test_gif_opens_on_the_scene_not_a_blank_frame(runner, tmp_path):
    gif = tmp_path / "a.gif"
    png = tmp_path / "a.png"
    for out, fmt in ((gif, "gif"), (png, "png")):
        args = ["render", "descent-path", "--format", fmt, "-o", str(out), *SMALL]
        assert runner.invoke(cli, args).exit_code == 0
    delays, spreads = _gif_frames(gif)
    # the first frame is the final picture; no frame of the loop is blank
    assert spreads[0] > 8.0 and min(spreads) > 8.0, spreads[:8]
    assert sum(delays) > 3000
    with Image.open(gif) as im, Image.open(png) as still:
        first = np.asarray(im.convert("RGB"), dtype=float)
        final = np.asarray(still.convert("RGB").resize(im.size), dtype=float)
    assert np.abs(first - final).mean() < 6.0  # the same picture, palette and scale aside


def test_a_derivation_gif_too_long_to_follow_stops_early_with_what_to_do(tmp_path):
    from gdanim.errors import GifTooLong, InputError
    from gdanim.pipeline.render import render

    out = tmp_path / "d.gif"
    spec = RenderSpec(scene="derivation", format="gif", resolution="320x180")
    with pytest.raises(GifTooLong) as caught:  # --duration 8: the lecture's reading pace
        render(spec, str(out), quiet=True)
    message = str(caught.value)
    assert isinstance(caught.value, InputError)  # one line and exit code 2 on the command line
    assert "--format mp4" in message and "--duration 3 loops in about" in message, message
    # The error carries that pace, for a lecture to make its GIF at it.
    assert caught.value.duration == 3
    assert not out.exists() and leftovers(tmp_path) == []


def test_gif_is_a_looping_palette_gif(runner, tmp_path):
    out = tmp_path / "a.gif"
    assert (
        runner.invoke(
            cli, ["render", "descent-path", "--format", "gif", "-o", str(out), *SMALL]
        ).exit_code
        == 0
    )
    with Image.open(out) as im:
        assert im.format == "GIF"
        assert im.mode == "P"
        assert im.info.get("loop") == 0
        assert im.n_frames > 10


def test_png_is_the_final_frame_at_quality_size(runner, tmp_path):
    out = tmp_path / "poster.png"
    args = ["render", "descent-path", "--format", "png", "--quality", "low", "-o", str(out), "-q"]
    assert runner.invoke(cli, args).exit_code == 0
    with Image.open(out) as im:
        assert im.size == (854, 480)


def test_gif_rates_snap_to_whole_centiseconds():
    assert RenderSpec(format="gif").frame_rate == 20  # low quality's 15 fps
    assert RenderSpec(format="gif", fps=12).frame_rate == 10
    assert RenderSpec(format="gif", fps=30).frame_rate == 25
    assert RenderSpec(format="mp4", fps=12).frame_rate == 12


def test_quality_and_aspect_sizes():
    assert frame_size("low", "16:9") == (854, 480)
    assert frame_size("medium", "16:9") == (1280, 720)
    assert frame_size("high", "16:9") == (1920, 1080)
    assert frame_size("4k", "16:9") == (3840, 2160)
    assert frame_size("high", "9:16") == (1080, 1920)
    assert frame_size("high", "1:1") == (1080, 1080)
    assert frame_size("medium", "4:3") == (960, 720)


@pytest.mark.parametrize("res", ["321x180", "320x181", "abc", "0x100", "-2x4", "20000x20000"])
def test_bad_resolution_is_one_line_and_exit_2(runner, tmp_path, res):
    out = tmp_path / "x.mp4"
    result = runner.invoke(cli, ["render", "descent-path", "--resolution", res, "-o", str(out)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_extension_must_match_format(runner, tmp_path):
    result = runner.invoke(cli, ["render", "descent-path", "-o", str(tmp_path / "a.gif")])
    assert result.exit_code == 2
    assert "gif" in result.stderr and "mp4" in result.stderr


def test_same_spec_is_reused_and_force_renders_again(runner, tmp_path):
    out = tmp_path / "a.mp4"
    args = ["render", "descent-path", "-o", str(out), *SMALL]
    assert runner.invoke(cli, args).exit_code == 0
    first = json.loads((tmp_path / "a.mp4.json").read_text())
    again = runner.invoke(cli, args)
    assert again.exit_code == 0
    assert "reused" in again.stderr
    assert json.loads((tmp_path / "a.mp4.json").read_text()) == first
    forced = runner.invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0 and "reused" not in forced.stderr
    # a changed option is a new render
    changed = runner.invoke(cli, [*args, "--theme", "light"])
    assert changed.exit_code == 0 and "reused" not in changed.stderr
    assert json.loads((tmp_path / "a.mp4.json").read_text())["key"] != first["key"]


def test_previews_are_constant_rate_too(runner, tmp_path):
    out = tmp_path / "preview.mp4"
    args = ["render", "descent-path", "--quality", "low", "-o", str(out), *SMALL]
    assert runner.invoke(cli, args).exit_code == 0
    facts = editor_facts(str(out))
    assert facts["packets"] == facts["frames"] and facts["fps"] == 15
    assert facts["keyframe_gap"] <= 2.0 + 1e-6 and facts["moov_first"]


@pytest.mark.parametrize("fmt", ["mp4", "gif", "png"])
def test_same_inputs_same_bytes(runner, tmp_path, fmt):
    paths = []
    for name in ("one", "two"):
        out = tmp_path / f"{name}.{fmt}"
        extra = ["--optimizer", "sgd", "--lr", "0.01", "--epochs", "300", "--seed", "3"]
        args = ["render", "descent-path", "--format", fmt, "-o", str(out), *SMALL, *extra]
        assert runner.invoke(cli, args).exit_code == 0
        paths.append(out)
    assert sha(paths[0]) == sha(paths[1])


def test_failure_midway_leaves_no_file_and_no_temporary_folder(runner, tmp_path, monkeypatch):
    out = tmp_path / "broken.mp4"

    def half_render(inputs, media_dir, quiet=True):
        partial = os.path.join(media_dir, "scene.mp4")
        with open(partial, "wb") as fh:
            fh.write(b"\x00" * 1000)
        raise KeyboardInterrupt

    monkeypatch.setattr(render_mod, "render_scene", half_render)
    result = runner.invoke(cli, ["render", "descent-path", "-o", str(out), *SMALL])
    assert result.exit_code == 130
    assert not out.exists()
    assert not (tmp_path / "broken.mp4.json").exists()
    assert leftovers(tmp_path) == []


def test_failure_keeps_the_previous_good_file(runner, tmp_path, monkeypatch):
    out = tmp_path / "keep.mp4"
    assert runner.invoke(cli, ["render", "descent-path", "-o", str(out), *SMALL]).exit_code == 0
    before = sha(out)

    def boom(inputs, media_dir, quiet=True):
        raise RuntimeError("encoder crashed")

    monkeypatch.setattr(render_mod, "render_scene", boom)
    result = runner.invoke(cli, ["render", "descent-path", "-o", str(out), *SMALL, "--force"])
    assert result.exit_code != 0
    assert sha(out) == before
    assert leftovers(tmp_path) == []


def test_unwritable_output_folder_is_one_line(runner, tmp_path):
    target = tmp_path / "file-not-folder"
    target.write_text("x")
    result = runner.invoke(cli, ["render", "descent-path", "-o", str(target / "a.mp4")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def _pixel(scene, point, size):
    fw, fh = scene.frame_size
    w, h = size
    return round((point[0] + fw / 2) / fw * w), round((fh / 2 - point[1]) / fh * h)


def test_final_marker_sits_on_the_optimum(tmp_path):
    spec = RenderSpec(
        scene="descent-path",
        train=TrainConfig(lr="right", epochs=4000),
        format="png",
        quality="low",
    )
    scene = build_scene(spec, tmp_path / "build")
    contours = find(scene, "LossContours")
    trail = scene.trail
    w_star, b_star = scene.inputs.landscape.optimum
    expected = contours.axes.c2p(w_star, b_star)
    assert np.allclose(trail.marker.get_center()[:2], expected[:2], atol=0.02)

    out = tmp_path / "final.png"
    render_mod.render(spec, str(out), quiet=True)
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    px, py = _pixel(scene, expected, (854, 480))
    window = img[py - 3 : py + 4, px - 3 : px + 4]
    path_rgb = np.array([int(scene.theme.path[i : i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(window - path_rgb).sum(axis=2) < 60).any(), "no marker pixel at the optimum"


@pytest.mark.parametrize("aspect", ["16:9", "4:3", "1:1", "9:16"])
@pytest.mark.parametrize("lr", ["right", "large"])
def test_nothing_is_drawn_outside_the_frame(tmp_path, aspect, lr):
    spec = RenderSpec(scene="descent-path", train=TrainConfig(lr=lr), aspect=aspect, format="png")
    scene = build_scene(spec, tmp_path)
    lo, hi = family_bounds(scene.mobjects)
    fw, fh = scene.frame_size
    assert lo[0] >= -fw / 2 and hi[0] <= fw / 2, (lo, hi, fw)
    assert lo[1] >= -fh / 2 and hi[1] <= fh / 2, (lo, hi, fh)


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_panels_do_not_overlap(tmp_path, aspect):
    spec = RenderSpec(scene="descent-path", aspect=aspect, format="png")
    scene = build_scene(spec, tmp_path)
    panels = [find(scene, name) for name in ("LossContours", "DataPanel", "LossCurve")]
    assert len(panels) == 3
    boxes = [(p.get_corner([-1, -1, 0]), p.get_corner([1, 1, 0])) for p in panels]
    for i in range(3):
        for j in range(i + 1, 3):
            (a0, a1), (b0, b1) = boxes[i], boxes[j]
            overlap = (min(a1[0], b1[0]) - max(a0[0], b0[0]) > 0) and (
                min(a1[1], b1[1]) - max(a0[1], b0[1]) > 0
            )
            assert not overlap, (type(panels[i]).__name__, type(panels[j]).__name__)


def test_diverging_run_renders_and_says_so(runner, tmp_path):
    out = tmp_path / "div.png"
    result = runner.invoke(
        cli, ["render", "descent-path", "--lr", "large", "--format", "png", "--quality", "low",
              "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "diverged at update" in result.stderr
    assert out.exists()


def test_foreign_trajectory_renders(runner, tmp_path):
    traj = tmp_path / "mine.json"
    ws = np.linspace(0, 50, 40).tolist()
    bs = np.linspace(0, 100, 40).tolist()
    traj.write_text(json.dumps({"w": ws, "b": bs}))
    out = tmp_path / "mine.png"
    args = ["render", "descent-path", "--trajectory", str(traj), "--dataset", "campaign",
            "--format", "png", "--quality", "low", "-o", str(out), "-q"]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "mine.png.json").read_text())
    assert manifest["runs"][0]["updates"] == 39


def test_trajectory_without_a_dataset_needs_one(runner, tmp_path):
    traj = tmp_path / "bare.json"
    traj.write_text(json.dumps({"w": [0, 1], "b": [0, 1]}))
    result = runner.invoke(cli, ["render", "descent-path", "--trajectory", str(traj), "--format",
                                 "png", "-o", str(tmp_path / "x.png")])  # fmt: skip
    assert result.exit_code == 2
    assert "--dataset" in result.stderr


def test_large_data_draws_a_bounded_subset(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 10, 50_000)
    y = 2 * x + 1 + rng.normal(0, 1, x.size)
    csv = tmp_path / "big.csv"
    np.savetxt(csv, np.column_stack([x, y]), delimiter=",", header="x,y", comments="")
    spec = RenderSpec(scene="descent-path", data_path=str(csv), format="png")
    scene = build_scene(spec, tmp_path / "b")
    data = find(scene, "DataPanel")
    assert 100 <= len(data.dots) <= 400

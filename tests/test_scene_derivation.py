"""The derivation scene: every loss and L2 term typesets, the numbers on screen are the run's,
every beat fits the frame at 16:9 and 9:16, no TeX is typeset while it plays, a missing LaTeX
is one clear line, and a short render leaves timed captions with the run's numbers.
"""

from __future__ import annotations

import itertools
import json
import os
import re

import numpy as np
import pytest
from manim import config, tempconfig
from manim.mobject.text.tex_mobject import SingleStringMathTex

from gdanim import derivation as F
from gdanim.cli import cli
from gdanim.config import RenderSpec
from gdanim.pipeline.prepare import prepare
from gdanim.pipeline.scene import manim_config, publish_private_cache, seed_private_cache
from gdanim.scenes.derivation import STEP_READ, Derivation
from gdanim.scenes.style import THEMES
from tests.scene_tools import video_meta
from tests.tables import write_heights

pytestmark = pytest.mark.slow  # scenes built, LaTeX typeset

EPS = 1e-6


def spec_for(**kw) -> RenderSpec:
    """A derivation spec: training keys may be given flat, as in a lecture file."""
    return RenderSpec(scene="derivation", format="png", quality="low", **kw)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One media folder for the module, seeded from the shared typesetting cache, so each
    line is typeset at most once per test run."""
    folder = tmp_path_factory.mktemp("derivation-media")
    seed_private_cache(str(folder))
    yield folder
    publish_private_cache(str(folder))


def built(media, **kw):
    """The scene with every line typeset (nothing played)."""
    spec = spec_for(**kw)
    inputs = prepare(spec)
    with tempconfig(manim_config(spec, str(media), True)):
        scene = Derivation(inputs)
        return scene, scene.build()


def color_of(part) -> str:
    """The fill colour of a typeset part's glyphs."""
    glyphs = part.family_members_with_points()
    colors = {g.get_fill_color().to_hex().lower() for g in glyphs}
    assert len(colors) == 1
    return colors.pop()


def box(m) -> tuple[float, float, float, float]:
    return (m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1])


def played(media, seen=None, **kw):
    """Play every beat without drawing; checks the layout after each beat. ``seen``: called
    with the scene and the beat's key after each beat."""
    spec = spec_for(**kw)
    inputs = prepare(spec)
    cfg = manim_config(spec, str(media), True)
    cfg.update({"format": None, "write_to_movie": False, "save_last_frame": False, "dry_run": True})
    problems: list[str] = []
    beats: list[str] = []
    with tempconfig(cfg):
        scene = Derivation(inputs, skip_animations=True)
        fw, fh = config.frame_width, config.frame_height
        original = scene.beat

        def checked(key, *args, **kwargs):
            original(key, *args, **kwargs)
            beats.append(key)
            if seen is not None:
                seen(scene, key)
            shown = list(scene.on_screen)
            for m in [*shown, scene.heading]:
                x0, x1, y0, y1 = box(m)
                if (
                    x0 < -fw / 2 - EPS
                    or x1 > fw / 2 + EPS
                    or y0 < -fh / 2 - EPS
                    or y1 > fh / 2 + EPS
                ):
                    problems.append(f"{key}: {m} leaves the frame")
            for i, a in enumerate(shown):
                for b in shown[i + 1 :]:
                    (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1) = box(a), box(b)
                    if ax0 < bx1 and bx0 < ax1 and ay0 < by1 - EPS and by0 < ay1 - EPS:
                        problems.append(f"{key}: lines overlap")
            top = scene.heading.get_bottom()[1]
            if any(m.get_top()[1] > top + EPS for m in shown):
                problems.append(f"{key}: a line reaches the heading")

        scene.beat = checked
        scene.render()
    return scene, beats, problems


# ------------------------------------------------------------------ typesetting


# Every loss with and without L2; the optimizers take turns, so each update rule typesets too.
COMBOS = [
    ("mse", 0.0, "gd"),
    ("mse", 0.1, "nesterov"),
    ("half-mse", 0.0, "sgd"),
    ("half-mse", 0.1, "minibatch"),
    ("mae", 0.0, "adam"),
    ("mae", 0.1, "momentum"),
    ("huber", 0.0, "momentum"),
    ("huber", 0.1, "gd"),
]


@pytest.mark.parametrize(("loss", "l2", "optimizer"), COMBOS)
def test_every_loss_and_l2_typesets_part_by_part(media, loss, l2, optimizer):
    _scene, sheet = built(media, loss=loss, l2=l2, optimizer=optimizer, batch_size=3)
    lines = sheet.tex()
    assert len(lines) >= 18
    assert sheet.updates and len(sheet.step) == 2
    for m in lines:
        # one submobject per part, each a term the transforms can match
        assert all(hasattr(p, "tex_string") for p in m.submobjects)
    ink = THEMES["dark"].ink.lower()
    assert color_of(sheet.model.submobjects[0]) == ink
    inner = next(p for p in sheet.chain_w.submobjects if p.tex_string == F.INNER_W_PAREN)
    assert color_of(inner) == THEMES["dark"].fit.lower()
    has_l2 = any(p.tex_string == F.L2_GRAD for p in sheet.grad_w.submobjects)
    assert has_l2 == bool(l2)


def test_displayed_numbers_are_the_trajectorys(media):
    scene, sheet = built(media, loss="huber", l2=0.1, delta=2.0)
    traj = scene.inputs.trajectory
    s = sheet.plan.step
    assert sheet.num_w.tex_string.endswith(F.tex_num(s.dw))
    assert F.displayed(s.dw) == pytest.approx(traj.dw[0], rel=5e-6)
    assert F.displayed(s.db) == pytest.approx(traj.db[0], rel=5e-6)
    assert sheet.step[0].tex_string.endswith(F.tex_num(traj.w[1]))
    assert sheet.step[1].tex_string.endswith(F.tex_num(traj.b[1]))
    assert F.tex_num(traj.config["lr"]) in sheet.eta.tex_string
    assert r"\delta = 2" in sheet.outer[0].tex_string


def test_light_theme_inks_the_lines_dark(media):
    _, sheet = built(media, theme="light")
    light = THEMES["light"]
    assert color_of(sheet.loss.submobjects[0]) == light.ink.lower()
    num = sheet.num_w.submobjects[-1]
    assert color_of(num) == light.data.lower()


# ------------------------------------------------------------------ playing every beat

PLAYS = [
    {"loss": "mse"},  # the campaign default: gd
    {"dataset": "rolling-downhill", "aspect": "9:16", "theme": "light"},
    {"loss": "huber", "l2": 0.1, "optimizer": "momentum", "normalize": True},
    {"loss": "mae", "optimizer": "adam", "aspect": "9:16"},
    {"loss": "half-mse", "l2": 0.1, "optimizer": "sgd", "aspect": "9:16"},
]


@pytest.mark.parametrize("kw", PLAYS, ids=lambda kw: "-".join(str(v) for v in kw.values()))
def test_every_beat_fits_the_frame_and_typesets_nothing_while_playing(media, kw, monkeypatch):
    typeset: list[str] = []
    real_init = SingleStringMathTex.__init__

    def counting(self, tex_string, *a, **k):
        typeset.append(tex_string)
        real_init(self, tex_string, *a, **k)

    monkeypatch.setattr(SingleStringMathTex, "__init__", counting)
    built_before: list[int] = []
    real_build = Derivation.build

    def build_then_mark(self):
        sheet = real_build(self)
        built_before.append(len(typeset))
        return sheet

    monkeypatch.setattr(Derivation, "build", build_then_mark)
    _scene, beats, problems = played(media, **kw)
    assert problems == []
    assert beats[:3] == ["model", "loss", "loss_sub"]
    assert {"inner_w", "chain_w", "grad_w", "update", "gradient", "step"} <= set(beats)
    # every line typeset in build(), each once; none while playing
    assert built_before and len(typeset) == built_before[0]
    assert len(typeset) == len(set(typeset))


def test_no_update_and_immediate_divergence_still_play(media):
    for kw in ({"epochs": 0}, {"lr": 1e200, "epochs": 5}):
        _, beats, problems = played(media, **kw)
        assert problems == [] and "step" in beats and "end" not in beats


# ------------------------------------------------------------------ the command line


def test_missing_latex_is_one_line_naming_texlive(runner, tmp_path, monkeypatch):
    import shutil

    real_which = shutil.which
    monkeypatch.setattr(
        shutil,
        "which",
        lambda name, *a, **k: (
            None if name in ("latex", "dvisvgm", "kpsewhich") else real_which(name)
        ),
    )
    out = tmp_path / "d.mp4"
    result = runner.invoke(cli, ["render", "derivation", "-o", str(out), "-q"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "texlive" in lines[0]
    assert not out.exists() and not os.path.exists(str(out) + ".json")


@pytest.mark.render
def test_short_render_leaves_captions_with_the_runs_numbers(runner, tmp_path):
    out = tmp_path / "x.mp4"
    args = ["render", "derivation", "-o", str(out), "--resolution", "320x180", "--fps", "10"]
    result = runner.invoke(cli, [*args, "--duration", "1", "-q"])
    assert result.exit_code == 0, result.output
    srt = (tmp_path / "x.srt").read_text(encoding="utf-8")
    stamps = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)", srt)
    times = [
        (
            int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000,
            int(h2) * 3600 + int(m2) * 60 + int(s2) + int(ms2) / 1000,
        )
        for h, m, s, ms, h2, m2, s2, ms2 in stamps
    ]
    beats = json.loads((tmp_path / "x.mp4.json").read_text())["beats"]
    # 15 beats: the 14 of the lines and the map's; a beat's caption split to practice
    assert len(beats) == 15 and len(times) >= 15
    assert all(a < b for a, b in times)
    assert all(b1 <= a2 + 1e-9 for (_, b1), (a2, _) in itertools.pairwise(times))
    for number in ("12,651", "2309", "−3614.57", "−659.714", "36.1457", "6.59714", "0.01"):
        assert number in srt
    meta = video_meta(str(out))
    assert tuple(meta["size"]) == (320, 180)
    assert times[-1][1] <= meta["duration"] + 0.2
    assert np.isclose(meta["fps"], 10)


# ------------------------------------------------------------------ the pictures


def pictured(media, tmp_path=None, **kw):
    """The scene's pictures beside a page box of the frame's shape, and the run."""
    from gdanim.scenes.base import Box
    from gdanim.scenes.derivation import Pictures

    spec = spec_for(**kw)
    inputs = prepare(spec)
    with tempconfig(manim_config(spec, str(media), True)):
        scene = Derivation(inputs)
        plan = scene.plan()
        _, box = scene.split_picture(Box(0.0, -0.5, config.frame_width - 1, 6.0))
        return inputs, plan, Pictures(scene, plan.step, box)


def test_residuals_run_from_each_point_to_the_start_line(media):
    inputs, _, pics = pictured(media)
    traj = inputs.trajectory
    x, y = inputs.dataset.x, inputs.dataset.y
    w0, b0 = float(traj.w[0]), float(traj.b[0])
    r = pics.res
    assert (r.w0, r.b0) == (w0, b0)
    np.testing.assert_allclose(r.x, x)
    np.testing.assert_allclose(r.y_hat, w0 * x + b0)
    # Every point is inside the panel here: one segment a point, from it to the line.
    assert len(pics.residuals) == len(pics.weighted) == x.size
    tops = pics.data.to_scene(x, y)
    feet = pics.data.to_scene(x, w0 * x + b0)
    for seg, top, foot in zip(pics.residuals, tops, feet, strict=True):
        np.testing.assert_allclose(seg.get_start(), top, atol=1e-9)
        np.testing.assert_allclose(seg.get_end(), foot, atol=1e-9)
    # Where dL/dw appears, each residual is drawn by its x: the farther out, the heavier.
    widths = np.array([seg.get_stroke_width() for seg in pics.weighted])
    order = np.argsort(np.abs(x))
    assert np.all(np.diff(widths[order]) >= -1e-9) and widths.max() > 3 * widths.min()


def test_the_start_lines_name_sits_by_the_line_under_the_data(media):
    """The lesson starts on y = 0, under every point: its name stood 120 px above it, beside
    the residuals. The view now reaches a row below the line, where the name sits."""
    _, _, pics = pictured(media)
    line = pics.start_line
    name = pics.start_name
    assert len(name)
    line_y = line.get_y()
    assert name.get_top()[1] < line_y  # under the line
    assert line_y - name.get_top()[1] < 0.25  # and by it (15 px at 480p)
    assert name.get_bottom()[1] > pics.data.frame.get_bottom()[1]  # inside the plot
    for seg in pics.residuals:  # clear of every residual
        assert seg.get_bottom()[1] >= name.get_top()[1]


def test_the_step_on_the_map_lands_on_the_runs_first_update(media):
    inputs, plan, pics = pictured(media)
    traj = inputs.trajectory
    w1, b1 = float(traj.w[1]), float(traj.b[1])
    assert (round(w1, 2), round(b1, 2)) == (36.15, 6.60)  # the lesson's numbers
    axes = pics.map.axes
    np.testing.assert_allclose(pics.step_arrow.get_end(), axes.c2p(w1, b1), atol=1e-9)
    np.testing.assert_allclose(pics.step_arrow.get_start(), axes.c2p(traj.w[0], traj.b[0]))
    # The gradient arrow points along (dL/dw, dL/db) as the map draws it: opposite the step.
    g = pics.grad_arrow.get_end() - pics.grad_arrow.get_start()
    s = pics.step_arrow.get_end() - pics.step_arrow.get_start()
    cos = float(np.dot(g, s) / np.linalg.norm(g) / np.linalg.norm(s))
    assert cos == pytest.approx(-1.0, abs=1e-9)
    assert pics.is_plain_step(pics.step)
    texts = {m.text for m in pics.stepped.get_family() if hasattr(m, "text")}
    lr = inputs.runs[0].lr
    assert f"−η∇L,η={F.fmt_num(lr)}" in texts, texts
    # η is named where it is shown, and written one way: the subtitle's, the lines' digits.
    eta_line = "".join(plan.data.eta.strings)
    # and on screen, as the caption says it, what share of the critical rate it is
    assert F.tex_num(lr) in eta_line and "(the lesson's rate," in eta_line
    assert r"0.28 $\times$ critical rate 0.03618)" in eta_line
    assert "(the lesson's rate, 0.28 × critical rate 0.03618)" in plan.captions["step"]
    assert (
        "η times as long, from w = 0, b = 0 to w = 36.1457, b = 6.59714, onto a lower contour"
        in plan.captions["landing"]
    )
    assert {f"w₁={F.fmt_num(w1)}", f"b₁={F.fmt_num(b1)}"} <= texts


def test_standardised_pictures_are_in_the_optimizers_coordinates(media, tmp_path):
    path = write_heights(tmp_path, 60)
    h = np.loadtxt(path, delimiter=",", skiprows=1)[:, 0]
    inputs, plan, pics = pictured(media, data_path=str(path))
    assert plan.step.standardised
    path_traj = inputs.runs[0].on_map
    std = inputs.standardized
    np.testing.assert_allclose(pics.res.x, (h - std.x_mean) / std.x_std)
    np.testing.assert_allclose(pics.res.y_hat, path_traj.w[0] * pics.res.x + path_traj.b[0])
    end = pics.map.axes.c2p(float(path_traj.w[1]), float(path_traj.b[1]))
    np.testing.assert_allclose(pics.landing.get_center(), end, atol=1e-9)


def _boxes_overlap(a, b) -> bool:
    (alo, ahi), (blo, bhi) = a, b
    return bool(np.all(alo < bhi) and np.all(blo < ahi))


def _box(m):
    return m.get_corner([-1, -1, 0])[:2], m.get_corner([1, 1, 0])[:2]


@pytest.mark.parametrize("aspect", ["16:9", "4:3", "1:1"])
@pytest.mark.parametrize("table", ["lesson", "heights"])
def test_the_maps_names_hide_none_of_its_arrows(media, tmp_path, aspect, table):
    """The gradient's arrow is drawn, and the step's and the gradient's names sit on the map
    clear of the start, both arrows and the landing point, whatever the frame."""
    kw = {"data_path": str(write_heights(tmp_path, 60))} if table == "heights" else {}
    _, _, pics = pictured(media, aspect=aspect, **kw)
    assert pics.grad_arrow is not None and pics.step_arrow is not None
    assert np.linalg.norm(pics.grad_arrow.get_vector()) >= 0.4  # an arrow, not a stub
    marks = [pics.start_dot, pics.grad_arrow, pics.step_arrow, pics.landing]
    names = [g for g in (*pics.gradient, *pics.stepped) if type(g).__name__ == "VGroup"]
    # "∇L: uphill" and "−η∇L, η = …" with w₁, b₁, each backed; "zoomed in" on a zoomed map
    assert len(names) == (3 if pics.drawn.zoomed else 2)
    # The step is long enough for its arrowhead to read (the map zooms in where not).
    assert np.linalg.norm(pics.step_arrow.get_vector()) >= STEP_READ - 1e-6
    frame = _box(pics.map.frame)
    for name in names:
        lo, hi = _box(name)
        assert np.all(lo >= frame[0] - 1e-6) and np.all(hi <= frame[1] + 1e-6)
        for mark in marks:
            assert not _boxes_overlap((lo, hi), _box(mark)), (aspect, table)


def test_the_residuals_are_weighted_by_x_only_where_dl_dw_is_derived(media):
    """∂L/∂w weighs each residual by its x, ∂L/∂b weighs them alike (∂/∂b = −1): the
    picture shows the x-weighted residuals from ∂L/∂w's gradient to the end of its section,
    and ∂L/∂b's section opens on them drawn alike."""
    pictures: dict[str, tuple[bool, bool]] = {}

    def seen(scene, key):
        family = set(scene.get_mobject_family_members())
        pics = scene.pictures
        pictures[key] = (pics.weighted[0] in family, pics.residuals[0] in family)

    played(media, seen)
    assert pictures["grad_w"] == (True, False)
    for key in ("inner_b", "chain_b", "grad_b"):
        assert pictures[key] == (False, True), key


def test_a_line_terms_fly_across_fades_while_they_pass(media, monkeypatch):
    """∂L/∂b's chain rule is built from the loss line at the top: its terms fly down across
    ∂L/∂w, which fades while they pass (and comes back), so the two never read as one."""
    import gdanim.scenes.derivation as scene_module

    real = scene_module.crossed
    current: list[str] = []

    def spy(enter, lines):
        found = real(enter, lines)
        current.extend(m.get_tex_string() for m in found)
        return found

    monkeypatch.setattr(scene_module, "crossed", spy)
    faded: dict[str, list[str]] = {}

    def seen(scene, key):
        faded[key] = list(current)
        current.clear()
        # faded only while the terms fly: every line is back at full opacity after the beat
        glyphs = [g for m in scene.on_screen for g in m.family_members_with_points()]
        assert all(g.get_fill_opacity() == pytest.approx(1) for g in glyphs), key

    played(media, seen)
    assert any(r"\partial w" in t for t in faded["chain_b"]), faded["chain_b"]
    # the model's line under the loss is not crossed by anything the loss builds
    assert faded["model"] == [] and faded["loss"] == []


@pytest.mark.parametrize("aspect", ["9:16", "16:9"])
def test_a_tall_frame_ends_on_the_fitted_line_below_the_last_lines(tmp_path, aspect):
    """At 9:16 the last beat left the lower half of the frame empty: the data with the run's
    last line now fills it, under the lines, as it does beside them where there is room."""
    from tests.scene_tools import build_scene

    scene = build_scene(RenderSpec(scene="derivation", aspect=aspect, quality="low"), tmp_path)
    fitted = scene.pictures.fitted
    if aspect == "16:9":  # the lines take the whole width: no room beside them
        assert fitted not in scene.mobjects
        return
    assert fitted in scene.mobjects and scene.pictures.data in scene.mobjects
    lines = [m for m in scene.on_screen if m.get_top()[1] > fitted.get_top()[1]]
    assert lines and all(m.get_bottom()[1] > scene.pictures.data.get_top()[1] for m in lines)

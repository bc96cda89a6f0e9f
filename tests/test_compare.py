"""The compare scene: --vary and --preset checked as one line, each preset's lesson in numbers,
the manifest's runs, the lecture file, and a short render of every preset."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import gdanim
from gdanim.cli import cli
from gdanim.config import RenderSpec
from gdanim.errors import InputError
from gdanim.experiments import PRESETS, VARY_KEYS, check_vary, closing_line, median_residual
from gdanim.lectures.file import parse_lecture
from gdanim.numbers import minus_signs
from gdanim.pipeline.prepare import prepare


def inputs_of(preset: str, **kw):
    return prepare(RenderSpec(scene="compare", preset=preset, **kw))


def by_label(inputs):
    return {r.label: r for r in inputs.runs}


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--vary", "optimizer=gd,momentum", "--preset", "momentum"],
         "--vary: give --vary or --preset, not both"),
        (["--vary", "optimizer=gd"], "--vary: optimizer: one value; give 2 to 4"),
        (["--vary", "optimizer=gd,momentum,adam,sgd,nesterov"], "--vary: optimizer: 5 values"),
        (["--vary", "epochs=1,2"], "--vary: 'epochs' is not an option it can vary"),
        (["--vary", "optimizer=gd,foo"], "--vary: optimizer: 'foo' is not one of adam, gd"),
        (["--vary", "lr=0.01,huge"], "--vary: lr: 'huge' is not a number"),
        (["--vary", "optimizer=gd,gd"], "--vary: optimizer: 'gd' is given twice"),
        (["--vary", "momentum=0.5,0.9"], "--vary: momentum changes only momentum, nesterov"),
        (["--vary", "delta=1,2"], "--vary: delta changes only huber runs: set --loss huber"),
        (["--vary", "optimizer"], "--vary: 'optimizer': give KEY=V1,V2"),
        ([], "--vary: compares runs: give --vary"),
    ],
)  # fmt: skip
def test_bad_vary_is_one_line_exit_2_and_no_file(runner, args, says):
    result = runner.invoke(cli, ["render", "compare", *args, "--format", "png", "-o", "x.png"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.output
    assert not os.listdir(".")


@pytest.mark.parametrize("scene", ["descent-path", "learning-rates"])
def test_vary_and_preset_belong_to_compare(runner, scene):
    for args, key in ((["--vary", "lr=0.01,0.02"], "--vary"), (["--preset", "ridge"], "--preset")):
        result = runner.invoke(cli, ["render", scene, *args])
        assert result.exit_code == 2
        assert f"{key}: only compare takes {key}" in result.output


def test_python_spells_the_keys_as_keywords():
    with pytest.raises(InputError, match=r"^vary: batch_size: 'x' is not a whole number$"):
        gdanim.render("compare", vary="batch-size=1,x", optimizer="minibatch")
    with pytest.raises(InputError, match=r"^vary: give vary or preset, not both$"):
        gdanim.render("compare", vary="l2=0,1", preset="ridge")


def test_every_key_parses_from_text_and_from_lists():
    examples = {
        "optimizer": "gd,adam", "loss": "mse,mae", "lr": "0.01,right", "normalize": "false,true",
        "l2": "0,10", "init": "0,0;60,300", "momentum": "0.5,0.9", "batch_size": "4,16",
        "delta": "1,5", "seed": "1,2",
    }  # fmt: skip
    assert set(examples) == set(VARY_KEYS)
    for key, text in examples.items():
        parsed = check_vary(f"{key.replace('_', '-')}={text}", True)
        assert parsed[0] == key and len(parsed[1]) == 2
    assert check_vary({"init": [[0, 0], [60, 300]]}) == ("init", ((0.0, 0.0), (60.0, 300.0)))
    assert check_vary({"lr": [0.01, "small"]}) == ("lr", (0.01, "small"))


# ------------------------------------------------------------------------------ the lessons


def test_momentum_converges_in_fewer_updates_than_gd():
    runs = by_label(inputs_of("momentum"))
    gd, mom = runs["gd"].outcome, runs["momentum"].outcome
    assert gd.kind == mom.kind == "converged"
    assert mom.update * 4 < gd.update  # 125 against 1,024 on the campaign data
    assert runs["gd"].lr == runs["momentum"].lr == 0.01


def test_optimizers_all_reach_the_optimum_and_nesterov_first():
    inputs = inputs_of("optimizers")
    assert [r.label for r in inputs.runs] == ["gd", "momentum", "nesterov", "adam"]
    out = {r.label: r.outcome for r in inputs.runs}
    assert all(o.kind == "converged" for o in out.values())
    assert out["nesterov"].update < out["momentum"].update < out["adam"].update < out["gd"].update


def test_the_standardised_run_converges_where_the_raw_one_crawls():
    inputs = inputs_of("normalize")
    runs = by_label(inputs)
    raw, std = runs["raw x"], runs["standardised x"]
    assert std.outcome.kind == "converged" and std.outcome.update < 100
    assert raw.outcome.kind == "slow" and raw.outcome.text.startswith("still far")
    # Each at its own safe rate, below its own critical rate.
    surfaces = inputs.comparison.surfaces
    for run, surface in zip(inputs.runs, surfaces, strict=True):
        assert run.lr < surface.analysis.lr_critical
    assert not inputs.comparison.shared and inputs.comparison.own_rates


def test_momentums_zig_zag_is_said_with_why():
    from gdanim.experiments import swing_words

    words = swing_words(inputs_of("momentum"))
    # Its steps swing across the valley (a quarter of them point against the one before),
    # yet it reaches the optimum in 125 updates against gd's 1024.
    assert words.startswith(" Momentum swings across the valley and back")
    assert words.endswith("8.2 times sooner than gd.")
    # Nesterov's look-ahead damps the swing: no such words for it, nor for runs without momentum.
    assert "Nesterov" not in swing_words(inputs_of("optimizers"))
    assert swing_words(inputs_of("ridge")) == ""


def test_the_ridge_slope_is_smaller():
    runs = by_label(inputs_of("ridge"))
    plain, ridge = runs["L2 = 0"].trajectory, runs["L2 = 10"].trajectory
    assert ridge.w[-1] < 0.6 * plain.w[-1]  # 27.3 against 50.3
    assert "shrinks the slope from w = 50.26" in closing_line(inputs_of("ridge"))


def test_the_mae_line_residuals_have_a_smaller_median():
    inputs = inputs_of("mae-vs-mse")
    labels = [r.label for r in inputs.runs]
    mse, mae = (abs(median_residual(inputs, labels.index(k))) for k in ("mse", "mae"))
    assert mae < 0.2 * mse
    assert closing_line(inputs).startswith("The mae line sits nearer the median")


def test_a_far_start_still_converges_in_more_updates():
    runs = inputs_of("bad-start").runs
    near, far = runs
    assert near.label == "start w = 0, b = 0" and far.label == "start w = -60, b = 1000"
    assert near.outcome.kind == far.outcome.kind == "converged"
    assert far.outcome.update > near.outcome.update
    assert near.trajectory.w[0] == 0 and far.trajectory.w[0] == -60
    # The bad start is clearly worse than the default one, not merely elsewhere.
    assert near.trajectory.loss[0] == pytest.approx(123_870.14, abs=0.01)
    assert far.trajectory.loss[0] == pytest.approx(229_144.43, abs=0.01)
    assert far.trajectory.loss[0] > 1.8 * near.trajectory.loss[0]


def test_the_full_batch_settles_and_the_stochastic_runs_jitter():
    runs = inputs_of("sgd-vs-batch").runs
    gd, sgd, mini = runs
    assert gd.outcome.kind == "converged"
    assert sgd.outcome.text.startswith("hovering") and mini.outcome.text.startswith("hovering")
    jitter = [float(np.std(r.trajectory.loss[-100:])) for r in runs]
    assert jitter[0] < jitter[2] < jitter[1]


def test_a_shared_surface_has_one_landscape_and_own_surfaces_one_each():
    shared = inputs_of("momentum").comparison
    assert shared.shared and shared.surfaces[0].landscape is shared.surfaces[1].landscape
    own = inputs_of("mae-vs-mse").comparison
    assert not own.shared
    assert own.surfaces[0].landscape is not own.surfaces[1].landscape
    assert [s.loss_name for s in own.surfaces] == ["mse", "mae"]


def test_vary_works_on_a_csv(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("hours,score\n1,52\n2,55\n3,61\n4,64\n5,70\n6,72\n7,75\n")
    spec = RenderSpec(scene="compare", data=str(path), vary="init=0,0;20,0")
    runs = prepare(spec).runs
    assert [r.label for r in runs] == ["start w = 0, b = 0", "start w = 20, b = 0"]
    assert all(r.outcome.kind == "converged" for r in runs)


def test_a_preset_keeps_the_users_own_options():
    spec = RenderSpec(scene="compare", preset="momentum", dataset="uniform", epochs=50)
    assert spec.dataset == "uniform" and spec.train.epochs == 50
    assert spec.replace(theme="light").vary == ("optimizer", ("gd", "momentum"))


# ------------------------------------------------------------------------------ lecture file


def test_a_lecture_file_lists_compare_with_its_vary_or_preset():
    lec = parse_lecture(
        {
            "dataset": "housing",
            "scenes": [
                "descent-path",
                {"scene": "compare", "preset": "sgd-vs-batch"},
                {"scene": "compare", "vary": {"optimizer": ["gd", "adam"]}},
            ],
        }
    )
    _, preset, own = (s.spec for s in lec.scenes)
    assert preset.dataset == "uniform" and preset.train.lr == 0.005  # the preset's lesson
    assert own.dataset == "housing" and own.vary == ("optimizer", ("gd", "adam"))
    with pytest.raises(InputError, match=r"scenes\[1\]\.vary: only compare takes vary"):
        parse_lecture({"scenes": [{"scene": "descent-path", "vary": "lr=1,2"}]})


# ------------------------------------------------------------------------------ rendering


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_renders_a_short_clip_and_lists_its_runs(runner, preset):
    result = runner.invoke(
        cli,
        ["render", "compare", "--preset", preset, "--quality", "low", "--duration", "0.5",
         "--fps", "5", "-o", "clip.mp4", "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert os.path.getsize("clip.mp4") > 0
    with open("clip.mp4.json", encoding="utf-8") as fh:
        manifest = json.load(fh)
    inputs = inputs_of(preset)
    assert manifest["comparison"]["preset"] == preset
    assert len(manifest["runs"]) == len(inputs.runs)
    for entry, run in zip(manifest["runs"], inputs.runs, strict=True):
        assert entry["varied"] == inputs.comparison.key
        assert entry["label"] == run.label
        assert entry["outcome"]["text"] == run.outcome.text
        assert entry["final"]["w"] == pytest.approx(float(run.trajectory.w[-1]))
        assert entry["final"]["b"] == pytest.approx(float(run.trajectory.b[-1]))
        assert entry["final"]["loss"] == pytest.approx(float(run.trajectory.loss[-1]))
    # the closing line is the last beat, said in full in the captions' cues
    # Captioned with the minus sign the screen writes ("start w = −60").
    assert manifest["beats"][-1]["text"] == minus_signs(closing_line(inputs))
    from gdanim.media import captions

    said = " ".join(c.text.replace("\n", " ") for c in captions.read("clip.srt"))
    assert minus_signs(closing_line(inputs)) in said


def test_the_raw_panel_of_normalize_says_its_axes_are_not_to_scale():
    """A narrow raw panel has no room for the words after its w name: it says them on the
    plot, clear of the minimum; the standardised run's round bowl is on axes to scale."""
    from gdanim.scenes.style import THEMES
    from gdanim.scenes.widgets import LossContours
    from gdanim.scenes.widgets.contours import NOT_TO_SCALE_WORDS

    comp = inputs_of("normalize").comparison
    raw, std = (s.map for s in comp.surfaces)
    theme = THEMES["dark"]
    narrow = LossContours(raw, 2.0, 3.0, theme)
    assert not narrow.to_scale and not narrow.says_not_to_scale()
    [tag] = narrow.scale_tag
    words = tag[1]
    assert words.original_text.split() == NOT_TO_SCALE_WORDS.split()
    f = narrow.frame
    assert f.get_left()[0] <= tag.get_left()[0] and tag.get_right()[0] <= f.get_right()[0]
    assert f.get_bottom()[1] <= tag.get_bottom()[1] and tag.get_top()[1] <= f.get_top()[1]
    star = narrow.optimum[0].get_center()
    assert not (tag.get_left()[0] <= star[0] <= tag.get_right()[0]
                and tag.get_bottom()[1] <= star[1] <= tag.get_top()[1])  # fmt: skip
    # Where the name has room it carries the words, and the plot stays clear.
    wide = LossContours(raw, 9.0, 3.0, theme)
    assert wide.says_not_to_scale() and len(wide.scale_tag) == 0
    # The standardised run's map, square in units, drawn square: to scale, nothing said.
    v = std.view
    square = LossContours(std, 3.0, 3.0 * (v.b_max - v.b_min) / (v.w_max - v.w_min), theme)
    assert square.to_scale and len(square.scale_tag) == 0
    assert not square.says_not_to_scale()


@pytest.mark.parametrize("aspect", [0.6, 1.0, 2.4])
def test_the_standardised_map_is_drawn_to_scale_in_any_panel(aspect):
    """The standardised run's bowl is round: its map is widened to the panel's shape, so one
    unit of w takes the length of one unit of b and the bowl shows round."""
    from types import SimpleNamespace

    from gdanim.scenes.compare import Compare
    from gdanim.scenes.widgets.contours import scale_ratio

    inputs = inputs_of("normalize")
    comp = inputs.comparison
    std = comp.surfaces[1]
    scene = SimpleNamespace(inputs=inputs)
    land = Compare.to_scale(scene, std, [inputs.runs[1].on_map], aspect)
    assert scale_ratio(land.view, aspect, 1.0) == pytest.approx(1.0)
    assert land.view.contains(*land.optimum)
    for a, b in ((std.map.view.w_min, land.view.w_min), (std.map.view.b_min, land.view.b_min)):
        assert b <= a + 1e-9  # widened, never cut
    # The raw map keeps its framing (it says its axes are not to scale).
    raw = comp.surfaces[0]
    assert Compare.to_scale(scene, raw, [inputs.runs[0].on_map], aspect) is raw.map


def test_the_screen_writes_minus_signs_and_keeps_numbers_with_their_words():
    from gdanim.scenes.compare import NBSP, on_screen

    assert on_screen("start w = -60, b = 1000") == f"start w{NBSP}={NBSP}−60, b{NBSP}={NBSP}1000"
    assert on_screen("median -0.0131 against -1.48") == "median −0.0131 against −1.48"
    assert on_screen("gd in 1024, x-axis, 1e-3") == f"gd in{NBSP}1024, x-axis, 1e-3"
    # A line breaks only at plain spaces, so "lr = 0.1" stays whole.
    assert on_screen("standardised x · lr = 0.1").split(" ")[-1] == f"lr{NBSP}={NBSP}0.1"


def test_normalize_names_its_runs_and_their_shares_of_the_critical_rate():
    from gdanim.experiments import critical_shares

    inputs = inputs_of("normalize")
    shares = critical_shares(inputs)
    crits = [s.analysis.lr_critical for s in inputs.comparison.surfaces]
    assert shares == pytest.approx([r.lr / c for r, c in zip(inputs.runs, crits, strict=True)])
    assert shares[1] == pytest.approx(0.1)
    # One rate for all runs (gd and momentum at 0.041): nothing to say.
    assert critical_shares(inputs_of("momentum")) is None


def test_the_winner_is_on_top_and_the_run_that_swings_most_underneath():
    """On one map every run stays in sight: the run that got there first on top, then the
    straightest paths over the longest, each lower one wider only where it runs along one
    over it (and its end ring larger)."""
    from gdanim.scenes.compare import run_stroke, stacking, swinging

    # optimizers: nesterov first on top, momentum's zig-zag underneath.
    lengths = [10.0, 40.0, 14.0, 9.0]  # gd, momentum, nesterov, adam
    assert stacking(lengths) == [1, 2, 0, 3]
    assert stacking(lengths, [1024, 125, 85, 682]) == [1, 0, 3, 2]
    assert swinging(lengths) == [False, True, False, False]
    # Ties keep the runs' order, the first on top; a tie for first has no winner to lift.
    assert stacking([5.0, 5.0, 5.0]) == [2, 1, 0]
    assert stacking([5.0, 5.0, 5.0], [10, None, 10]) == [2, 1, 0]
    assert run_stroke(0) < run_stroke(1) - 3  # a band of at least 1.5 either side shows


@pytest.mark.parametrize("aspect", ["16:9", "1:1"])
def test_swings_read_and_the_winner_shows_on_a_shared_map(tmp_path, aspect):
    """optimizers: nesterov, which wins, is drawn on top at a plain width; momentum's swings
    across the valley thin and faint under the rest, so they read as swings; gd, whose path
    nesterov's runs along, a step wider so it shows around it. sgd-vs-batch: the jittering
    runs lie along gd's line, each a step wider than the one over it. Every path and loss
    curve turns with round joins (a sharp turn of a wide stroke ends in no spike)."""
    from manim import LineJointType

    from gdanim.config import RenderSpec
    from gdanim.scenes import style
    from gdanim.scenes.compare import run_stroke
    from tests.scene_tools import build_scene

    spec = RenderSpec(scene="compare", preset="optimizers", aspect=aspect, quality="low")
    scene = build_scene(spec, tmp_path)
    labels = [r.label for r in scene.runs]
    gd, momentum, nesterov = (labels.index(k) for k in ("gd", "momentum", "nesterov"))
    assert scene.order[-1] == nesterov and scene.order[0] == momentum
    width = [v.trail.line.get_stroke_width() for v in scene.views]
    assert width[nesterov] == style.PATH_STROKE
    assert width[momentum] < style.PATH_STROKE
    assert scene.views[momentum].trail.line.get_stroke_opacity() < 1
    assert width[gd] == run_stroke(1)
    assert max(width) <= run_stroke(1)
    for v in scene.views:
        assert v.trail.line.joint_type == LineJointType.ROUND
        assert v.curve is not None and v.curve[0].joint_type == LineJointType.ROUND

    spec = RenderSpec(scene="compare", preset="sgd-vs-batch", aspect=aspect, quality="low")
    scene = build_scene(spec, tmp_path)
    assert not any(scene.thin)
    widths = [scene.views[i].trail.line.get_stroke_width() for i in scene.order]
    assert widths == [run_stroke(2), run_stroke(1), run_stroke(0)]


def test_mae_chatter_is_said_and_ridge_maps_share_one_view(tmp_path):
    from gdanim.experiments import chatter_words

    words = chatter_words(inputs_of("mae-vs-mse"))
    assert words.startswith(" The mae path thickens into a band near the fit")
    assert "by its sign alone" in words
    assert chatter_words(inputs_of("ridge")) == chatter_words(inputs_of("momentum")) == ""

    # ridge: the optimum's move from L2 = 0 to L2 = 10 reads between maps over one view.
    from gdanim.config import RenderSpec
    from tests.scene_tools import build_scene

    scene = build_scene(RenderSpec(scene="compare", preset="ridge", quality="low"), tmp_path)
    a, b = (m.landscape.view for m in scene.maps)
    assert a == b
    assert a.contains(*scene.maps[0].landscape.optimum) and a.contains(
        *scene.maps[1].landscape.optimum
    )


@pytest.mark.parametrize("aspect", ["16:9", "4:3", "1:1", "9:16"])
def test_every_normalize_map_says_how_it_is_drawn(tmp_path, aspect):
    """The raw map says "axes not to scale" in every frame shape (in a square frame under its
    w name, the plot being too short for it); the standardised one is to scale."""
    from gdanim.config import RenderSpec
    from gdanim.scenes.widgets.contours import NOT_TO_SCALE_WORDS
    from tests.scene_tools import build_scene

    def says(panel):
        texts = (m for m in panel.get_family() if type(m).__name__ == "Text")
        return any(
            NOT_TO_SCALE_WORDS in " ".join(getattr(m, "original_text", "").split()) for m in texts
        )

    spec = RenderSpec(scene="compare", preset="normalize", aspect=aspect, quality="low")
    raw, std = build_scene(spec, tmp_path).maps
    assert not raw.to_scale and says(raw)
    assert std.to_scale and not says(std)
    if aspect == "16:9":
        # Drawn to fit its panel the raw valley looks about 3 times longer than wide; the
        # note under it says how long it truly is, as the closing caption does.
        words = [getattr(m, "original_text", "") for m in raw.get_family()]
        assert "valley truly 48×" in words and "longer than wide" in words


@pytest.mark.parametrize("preset", ["normalize", "mae-vs-mse"])
def test_a_square_frame_gives_own_maps_the_room(tmp_path, preset):
    """At 1:1 the subtitle keeps to one line (the first caption says the start and the rates'
    shares), the closing line keeps to the lesson beside the data panel, and each map takes
    about a third of the frame's height; every map not to scale says so under its w name."""
    from manim import config, tempconfig

    from gdanim.config import RenderSpec
    from gdanim.scenes.widgets.contours import NOT_TO_SCALE_WORDS
    from tests.scene_tools import build_scene

    spec = RenderSpec(scene="compare", preset=preset, aspect="1:1", quality="low")
    scene = build_scene(spec, tmp_path)
    with tempconfig({"frame_width": 8.0, "frame_height": 8.0}):
        parts = " ".join(scene.subtitle_parts())
        intro = scene.caption_intro()
        shown = scene.closing_shown()
    assert "start" not in parts and "critical" not in parts
    assert "Every run starts at w = 0, b = 0." in intro
    assert len(scene.closing) <= 5
    for m in scene.maps:
        assert m.height >= 0.3 * config.frame_height
        assert not len(m.scale_tag)  # nothing on the plot, over its contours
        if not m.to_scale:
            below = [
                t
                for t in m.get_family()
                if getattr(t, "original_text", "").startswith(NOT_TO_SCALE_WORDS)
            ]
            assert below and below[0].get_top()[1] < m.frame.get_bottom()[1]
    if preset == "normalize":
        assert shown.startswith("The valley was 48 times longer than wide")
        assert scene.closing_text.startswith("Reached the optimum")


def test_runs_from_one_start_show_every_start_and_no_ring_before_they_move(tmp_path):
    """optimizers: four runs from (0, 0): the top run's start a dot, the others rings around
    it, each wider; the end rings show only once the runs have moved."""
    from gdanim.config import RenderSpec
    from tests.scene_tools import build_scene

    spec = RenderSpec(scene="compare", preset="optimizers", quality="low")
    scene = build_scene(spec, tmp_path)
    starts = [scene.views[i].trail.start for i in reversed(scene.order)]  # top first
    assert starts[0].get_fill_opacity() == 1
    radii = [s.width / 2 for s in starts]
    assert radii == sorted(radii) and len(set(np.round(radii, 6))) == len(radii)
    for s in starts[1:]:
        assert s.get_fill_opacity() == 0 and s.get_stroke_opacity() == 1
    scene.tracker.set_value(0)
    scene.hide_unmoved_markers()  # the build's own followers end with the descent
    for v in scene.views:
        assert v.trail.marker.get_stroke_opacity() == 0
    scene.tracker.set_value(3)
    for v in scene.views:
        v.trail.marker.update()
        assert v.trail.marker.get_stroke_opacity() == 1


@pytest.mark.slow
def test_the_runs_lines_are_on_the_data_panel_while_the_opening_says_so(tmp_path, monkeypatch):
    """'their lines share the data panel' is said before the clock starts: the start lines
    are there then, not from the first update."""
    from gdanim.scenes.compare import Compare
    from tests.scene_tools import build_scene

    seen: list[bool] = []
    descend = Compare.descend_and_say

    def recorded(self, *args, **kwargs):
        family = set(self.get_mobject_family_members())
        seen.append(all(v.fit in family for v in self.views))
        return descend(self, *args, **kwargs)

    monkeypatch.setattr(Compare, "descend_and_say", recorded)
    scene = build_scene(RenderSpec(scene="compare", preset="normalize", quality="low"), tmp_path)
    assert "their lines share the data panel" in scene.caption_intro()
    assert all(v.fit is not None for v in scene.views) and seen == [True]


@pytest.mark.parametrize("preset", ["normalize", "momentum"])
def test_the_opening_shows_the_maps_with_the_sentence_that_names_them(
    tmp_path, monkeypatch, preset
):
    """The opening says its sentences one caption each: the runs first, their map(s) hidden;
    the map (one shared, or one per run) comes in with the caption that says what it is."""
    from gdanim.scenes.compare import Compare
    from tests.scene_tools import build_scene

    covers: list = []
    real_cover = Compare.cover

    def cover(self, m):
        covers.append(real_cover(self, m))
        return covers[-1]

    said: list[tuple[str, int]] = []
    real_add = Compare.add_subcaption

    def add(self, text, *args, **kwargs):
        said.append((text, sum(c in self.mobjects for c in covers)))
        return real_add(self, text, *args, **kwargs)

    monkeypatch.setattr(Compare, "cover", cover)
    monkeypatch.setattr(Compare, "add_subcaption", add)
    scene = build_scene(RenderSpec(scene="compare", preset=preset, quality="low"), tmp_path)
    parts = scene.intro_parts()
    assert len(parts) == (3 if preset == "normalize" else 2)
    assert [text for text, _ in said[: len(parts)]] == parts
    assert len(covers) == len(scene.maps) == (2 if preset == "normalize" else 1)
    # hidden while the runs are named, shown from the sentence about the surface(s) on
    assert said[0][1] == len(covers) and all(n == 0 for _, n in said[1:])
    assert "loss surface" in parts[1]


def test_stochastic_runs_end_on_the_map_magnified_where_their_hops_read(tmp_path, monkeypatch):
    """On the whole map sgd's last hops are one blot at the optimum: the end magnifies the map
    about the optimum and the runs' last updates, each drawn in its colour, and says what
    they show; runs that all settle (momentum) keep the whole map."""
    from gdanim.scenes.compare import Compare
    from gdanim.scenes.widgets import LossContours
    from tests.scene_tools import build_scene

    zooms: list = []
    real = Compare.zoom_on_optimum

    def spy(self):
        zooms.append(real(self))
        return zooms[-1]

    monkeypatch.setattr(Compare, "zoom_on_optimum", spy)
    scene = build_scene(RenderSpec(scene="compare", preset="sgd-vs-batch", quality="low"), tmp_path)
    (zoom,) = zooms
    assert zoom is not None
    new_map = next(m for m in zoom.new if isinstance(m, LossContours))
    old_map = scene.maps[0]
    family = set(scene.get_mobject_family_members())
    assert new_map in family and old_map not in family
    old, new = old_map.landscape.view, new_map.landscape.view
    power = (old.w_max - old.w_min) / (new.w_max - new.w_min)
    assert power >= 3
    # the optimum (its star) and every run's last update are on the magnified map
    assert len(new_map.optimum) == 1
    for run in scene.runs:
        assert new_map.contains(float(run.on_map.w[-1]), float(run.on_map.b[-1]))
    assert zoom.caption.startswith("Magnified ") and "last 200 updates" in zoom.caption
    assert "sgd and minibatch of 10 keep hopping, sgd the widest" in zoom.caption
    # gd "converged" by its loss, its last steps still each nearer the star: said so
    assert zoom.caption.endswith("; gd still creeps toward it.")
    # one line and one end dot per run, in its colour
    _, steps = zoom.new
    assert len(steps) == 2 * len(scene.runs)
    colors = {m.get_color().to_hex().lower() for m in steps}
    assert colors == {v.color.lower() for v in scene.views}
    zooms.clear()
    build_scene(RenderSpec(scene="compare", preset="momentum", quality="low"), tmp_path)
    assert zooms == [None]


@pytest.mark.slow
def test_a_subtitle_too_long_for_a_square_frame_leaves_the_rest_to_the_opening(
    tmp_path, monkeypatch
):
    """Three optimizers on a penguin table at 1:1: the whole subtitle (the file, the loss,
    the rates, the start, the length, how x was standardised) took five lines and left the
    shared map a strip about 35 px tall. It keeps to the file and the loss; the opening's
    last caption says the start and the standardisation, the legend each run's rate."""
    from gdanim.scenes.compare import Compare
    from tests.scene_tools import build_scene
    from tests.tables import write_penguins

    said: list[str] = []
    real_add = Compare.add_subcaption

    def add(self, text, *args, **kwargs):
        said.append(text)
        return real_add(self, text, *args, **kwargs)

    monkeypatch.setattr(Compare, "add_subcaption", add)
    spec = RenderSpec(
        scene="compare", aspect="1:1", quality="low", vary="optimizer=gd,momentum,adam",
        data_path=str(write_penguins(tmp_path)), x_col="flipper_length_mm",
        y_col="body_mass_g",
    )  # fmt: skip
    scene = build_scene(spec, tmp_path)
    assert scene._short_heading is True
    assert scene.maps[0].frame.height > 1.5  # scene units: over 90 px at 480p
    opening = " ".join(said[:4])
    assert "Every run starts at w = 0" in opening
    assert "x standardised: mean" in opening and "X standardised" not in opening
    # The lesson's square frame keeps its whole subtitle (three lines).
    lesson = build_scene(RenderSpec(scene="compare", preset="optimizers", aspect="1:1",
                                    quality="low"), tmp_path)  # fmt: skip
    assert lesson._short_heading is False


@pytest.mark.slow
def test_axes_not_to_scale_keeps_off_every_path_in_a_square_frame(tmp_path):
    """bad-start at 1:1: on one line the tag spans the map's width, and every corner held a
    start or a path (it lay on gd's start). On two lines it finds a corner clear of them."""
    from tests.scene_tools import build_scene

    scene = build_scene(RenderSpec(scene="compare", preset="bad-start", aspect="1:1",
                                   quality="low"), tmp_path)  # fmt: skip
    contours = scene.maps[0]
    assert len(contours.scale_tag) == 1
    tag = contours.scale_tag[0]
    lo, hi = tag.get_corner(np.array([-1, -1, 0])), tag.get_corner(np.array([1, 1, 0]))
    pts = contours._avoided
    assert len(pts) > 100  # the paths drawn were given to it
    inside = np.all((pts[:, :2] >= lo[:2]) & (pts[:, :2] <= hi[:2]), axis=1)
    assert not inside.any()
    assert "\n" in tag[1].original_text  # the two-line form

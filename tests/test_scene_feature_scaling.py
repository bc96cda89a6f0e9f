"""feature-scaling: raw beside standardised, on the houses lesson and on a table of one's own."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdanim.cli import cli
from gdanim.config import RenderSpec
from gdanim.errors import InputError
from gdanim.pipeline.prepare import prepare
from tests.scene_tools import build_scene, family_bounds, find_all, video_meta


def _penguins(tmp_path, **options) -> RenderSpec:
    """feature-scaling on a penguin-shaped table: flipper and bill length against mass."""
    from tests.tables import write_penguins

    return RenderSpec(
        scene="feature-scaling", quality="low", format="png",
        data_path=str(write_penguins(tmp_path)),
        x_col=("flipper_length_mm", "bill_length_mm"), y_col="body_mass_g", **options,
    )  # fmt: skip


def test_the_runs_descend_the_drawn_surface():
    inputs = prepare(RenderSpec.parse({"scene": "feature-scaling"}, "python"))
    sc = inputs.scaling
    assert sc is not None and inputs.dataset.name == "houses"
    raw_run, std_run = inputs.runs
    # Centred features, started at the mean: every state's loss is the surface under it.
    for side, run in ((sc.raw, raw_run), (sc.scaled, std_run)):
        land = side.landscape
        assert run.trajectory.loss is not None
        w1, w2 = side.path[-1]
        i = int(np.argmin(np.abs(land.b_grid - w2)))
        j = int(np.argmin(np.abs(land.w_grid - w1)))
        # The surface is on a grid: compare with the loss the landscape's own formula gives.
        assert land.view.contains(float(w1), float(w2))
        assert land.z[i, j] >= land.optimum_loss * (1 - 1e-9)
        np.testing.assert_allclose(run.trajectory.loss[0], land.start_loss, rtol=1e-9)
    # The lesson: raw is needle-thin and stalls, standardised is nearly round and converges.
    assert sc.raw.analysis.condition_number > 1e5 > 10 > sc.scaled.analysis.condition_number
    assert std_run.outcome.kind == "converged" and raw_run.outcome.kind != "converged"
    # In data units both approach the same least-squares fit.
    design = np.column_stack([inputs.dataset.x, np.ones(inputs.dataset.n)])
    exact = np.linalg.lstsq(design, inputs.dataset.y, rcond=None)[0]
    np.testing.assert_allclose(std_run.trajectory.w[-1], exact[:2], rtol=1e-3)
    assert std_run.trajectory.b[-1] == pytest.approx(exact[2], rel=1e-5)


def test_raw_steps_bounce_across_the_valley_and_crawl_along_it():
    inputs = prepare(RenderSpec.parse({"scene": "feature-scaling"}, "python"))
    sc = inputs.scaling
    assert sc is not None and sc.raw.walk is not None and sc.scaled.walk is not None
    raw_run, std_run = inputs.runs
    # Raw near its critical rate, standardised at half its own; 30 updates each.
    assert sc.raw.fraction == pytest.approx(0.9, abs=0.01)
    assert sc.scaled.fraction == pytest.approx(0.5, abs=0.01)
    assert raw_run.trajectory.n_updates == std_run.trajectory.n_updates == 30
    # Each early raw update crosses the floor: the across-valley coordinate flips sign and
    # shrinks by |1 - 2 x 0.9| = 0.8 a step.
    _, vecs = np.linalg.eigh(sc.raw.analysis.hessian[:2, :2])
    across = (sc.raw.path - np.array(sc.raw.analysis.optimum[:2])) @ vecs[:, 1]
    assert np.all(np.sign(across[1:9]) == -np.sign(across[:8]))
    np.testing.assert_allclose(np.abs(across[1:9] / across[:8]), 0.8, atol=0.01)
    assert sc.raw.walk.crossings >= 15
    # ... and along the floor it crawls: a hundredth of a percent, millions to go.
    assert sc.raw.walk.along < 1e-4
    assert sc.raw.walk.to_arrive is not None and sc.raw.walk.to_arrive > 1e6
    # Standardised it walks straight in: all the way, at most one crossing.
    assert sc.scaled.walk.along > 0.999 and sc.scaled.walk.crossings <= 1
    # The raw close-up frames its path, not the far minimum; the standardised map has both.
    view = sc.raw.landscape.view
    assert not view.contains(*sc.raw.landscape.optimum)
    assert view.b_max - view.b_min < 0.01 and view.contains(*sc.raw.path[-1])
    assert sc.scaled.landscape.view.contains(*sc.scaled.landscape.optimum)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"dataset": "campaign"}, "feature-scaling draws two features; 'campaign' has one"),
        ({"lr": 0.01}, "--lr takes small, right or large here"),
        ({"loss": "mae"}, "draws a squared loss's bowl"),
    ],
)
def test_wrong_inputs_are_one_line(options, fragment):
    with pytest.raises(InputError, match=fragment.replace("(", r"\(")):
        prepare(RenderSpec.parse({"scene": "feature-scaling", **options}, "python"))


@pytest.mark.parametrize(
    ("loss", "why"),
    [("mae", "mae has no curvature"), ("huber", "huber's curvature changes with the fit")],
)
def test_losses_without_a_fixed_bowl_are_refused_with_the_reason(loss, why):
    with pytest.raises(InputError, match=f"best b the mean of y.*{why}"):
        prepare(RenderSpec.parse({"scene": "feature-scaling", "loss": loss}, "python"))


def test_other_optimizers_take_the_updates_they_need_to_arrive():
    spec = RenderSpec.parse({"scene": "feature-scaling", "optimizer": "momentum"}, "python")
    raw_run, std_run = prepare(spec).runs
    assert raw_run.trajectory.n_updates == std_run.trajectory.n_updates == 1000
    assert std_run.outcome.kind == "converged" and raw_run.outcome.kind != "converged"


def test_a_recorded_two_feature_run_takes_its_side(runner, tmp_path):
    _cars(tmp_path / "cars.csv")
    data = ["--data", str(tmp_path / "cars.csv"), "--x", "wt,hp", "--y", "mpg"]
    out = tmp_path / "run.json"
    result = runner.invoke(
        cli, ["train", *data, "--no-normalize", "--epochs", "40", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    recorded = json.loads(out.read_text())
    spec = RenderSpec.parse(
        {"scene": "feature-scaling", "data": str(tmp_path / "cars.csv"), "x": "wt,hp", "y": "mpg",
         "trajectory": str(out)},
        "python",
    )  # fmt: skip
    inputs = prepare(spec)
    raw_run, std_run = inputs.runs
    assert [r.label for r in inputs.runs] == ["raw (recorded)", "standardised"]
    # The recorded states as they were, in data units; the other side as many updates.
    from gdanim.trajectory import Trajectory

    file_run = Trajectory.load(str(out))
    np.testing.assert_array_equal(raw_run.trajectory.w, file_run.w)
    np.testing.assert_allclose(raw_run.trajectory.b, file_run.b, rtol=1e-12)
    assert raw_run.lr == file_run.lr == recorded["config"]["lr"]
    assert std_run.trajectory.n_updates == file_run.n_updates == 40
    # Its path is drawn on the raw map: (w1, w2) as recorded.
    assert inputs.scaling is not None
    np.testing.assert_array_equal(inputs.scaling.raw.path, file_run.w)


def test_a_recorded_run_goes_to_the_scene_that_draws_it(runner, tmp_path):
    two, one = tmp_path / "two.json", tmp_path / "one.json"
    assert runner.invoke(cli, ["train", "--dataset", "houses", "-o", str(two)]).exit_code == 0
    assert runner.invoke(cli, ["train", "--dataset", "campaign", "-o", str(one)]).exit_code == 0
    result = runner.invoke(cli, ["render", "descent-path", "--trajectory", str(two)])
    assert result.exit_code == 2
    assert "descent-path draws one feature; 'houses' has 2" in result.output
    assert "render feature-scaling" in result.output
    spec = RenderSpec.parse(
        {"scene": "feature-scaling", "dataset": "houses", "trajectory": str(one)}, "python"
    )
    with pytest.raises(InputError, match="records 1 feature; feature-scaling draws a run of two"):
        prepare(spec)


def test_one_feature_scenes_refuse_two_features():
    with pytest.raises(InputError, match="descent-path draws one feature; 'houses' has 2"):
        prepare(RenderSpec.parse({"scene": "descent-path", "dataset": "houses"}, "python"))


@pytest.mark.slow
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_nothing_is_drawn_outside_the_frame(tmp_path, aspect):
    spec = RenderSpec(scene="feature-scaling", aspect=aspect, format="png", quality="low")
    scene = build_scene(spec, tmp_path)
    lo, hi = family_bounds(scene.mobjects)
    fw, fh = scene.frame_size
    assert lo[0] >= -fw / 2 - 1e-6 and hi[0] <= fw / 2 + 1e-6, (lo, hi, fw)
    assert lo[1] >= -fh / 2 - 1e-6 and hi[1] <= fh / 2 + 1e-6, (lo, hi, fh)
    # 16:9 and 9:16: raw to scale, raw stretched, standardised; 1:1 has no room for the
    # needle drawn to scale, so raw stretched beside standardised.
    panels = find_all(scene, "LossContours")
    assert len(panels) == (2 if aspect == "1:1" else 3)
    # A stretched map says its stretch in words above it: no second note on the plot.
    stretched = [p for p in panels if not p.to_scale]
    assert stretched and all(len(p.scale_tag) == 0 for p in stretched)
    assert not any("not to scale" in getattr(m, "original_text", "") for p in panels
                   for m in p.labels)  # fmt: skip


@pytest.mark.render
def test_low_quality_render_on_a_table_of_ones_own(runner, tmp_path):
    rng = np.random.default_rng(9)
    wt = rng.uniform(1.5, 5.5, 32)
    hp = 40 * wt + rng.normal(0, 30, 32) + 20
    mpg = 38 - 3.5 * wt - 0.03 * hp + rng.normal(0, 2, 32)
    with open("cars.csv", "w") as fh:
        fh.write("model,wt,hp,mpg\n")
        for i, (a, b, c) in enumerate(zip(wt, hp, mpg, strict=True)):
            fh.write(f"car {i},{a:.3f},{b:.0f},{c:.1f}\n")
    out = tmp_path / "fs.mp4"
    args = ["render", "feature-scaling", "--data", "cars.csv", "--x", "wt,hp", "--y", "mpg"]
    result = runner.invoke(cli, [*args, "--quality", "low", "--duration", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    meta = video_meta(str(out))
    assert tuple(meta["size"]) == (854, 480)
    manifest = json.loads((tmp_path / "fs.mp4.json").read_text())
    labels = [r["label"] for r in manifest["runs"]]
    assert labels == ["raw", "standardised"]
    assert all(len(r["final"]["w"]) == 2 for r in manifest["runs"])
    assert manifest["dataset"]["columns"]["x"] == ["wt", "hp"]
    captions = (tmp_path / "fs.srt").read_text()
    assert "times longer than it is wide" in captions


def _cars(path) -> None:
    rng = np.random.default_rng(4)
    wt = rng.uniform(1.5, 5.5, 32)
    hp = 40 * wt + rng.normal(0, 30, 32) + 20
    mpg = 38 - 3.5 * wt - 0.03 * hp + rng.normal(0, 2, 32)
    with open(path, "w") as fh:
        fh.write(",wt,hp,mpg\n")
        for i, (a, b, c) in enumerate(zip(wt, hp, mpg, strict=True)):
            fh.write(f"{i},{a:.3f},{b:.0f},{c:.1f}\n")


def test_compare_varying_normalize_on_two_features_is_this_picture(tmp_path):
    _cars(tmp_path / "cars.csv")
    keys = {"scene": "compare", "data": str(tmp_path / "cars.csv"), "x": "wt,hp", "y": "mpg"}
    spec = RenderSpec.parse({**keys, "vary": "normalize=false,true"}, "python")
    inputs = prepare(spec)
    assert inputs.scaling is not None and [r.label for r in inputs.runs] == ["raw", "standardised"]
    other = RenderSpec.parse({**keys, "vary": "l2=0,1"}, "python")
    with pytest.raises(InputError, match="compare --vary normalize=false,true"):
        prepare(other)


def test_lecture_file_and_python_take_a_list_of_columns(tmp_path):
    from gdanim import lectures

    _cars(tmp_path / "cars.csv")
    (tmp_path / "lecture.toml").write_text(
        '[[scenes]]\nscene = "feature-scaling"\ndata = "cars.csv"\nx = ["wt", "hp"]\n'
        'y = "mpg"\n[[scenes]]\nscene = "feature-scaling"\n'
    )
    lec = lectures.load_lecture(str(tmp_path / "lecture.toml"))
    first, second = (prepare(s.spec) for s in lec.scenes)
    assert lec.scenes[0].spec.x_col == ("wt", "hp")
    assert first.dataset.features == ("wt", "hp")
    assert second.dataset.name == "houses"  # no data given: the two-feature lesson

    import gdanim

    frame = {"wt": [2.0, 3.0, 4.0, 3.5], "hp": [90.0, 150.0, 110.0, 200.0], "mpg": [30, 22, 20, 15]}
    with pytest.warns(UserWarning):
        facts = gdanim.analyze(frame, x=["wt", "hp"], y="mpg")
    assert len(facts.weights) == 2 and len(facts.eigenvalues) == 3


def test_a_short_axis_reaches_out_to_a_third_round_tick():
    """mpg 8.7 to 27.9 on a short panel shows 10 and 20 only: its range out to 30 (the
    least widening) shows 10, 20 and 30."""
    from gdanim.scenes.feature_scaling import rounder_ranges

    ranges = list(rounder_ranges(8.672, 27.928))
    assert ranges[0] == (8.672, 30.0)
    assert all(lo <= 8.672 and hi >= 27.928 for lo, hi in ranges)
    spans = [hi - lo for lo, hi in ranges]
    assert spans == sorted(spans)


def test_a_needle_window_slides_to_three_round_ticks():
    """A to-scale window 2.07 long about -0.05 holds -1 and 0; slid by 0.02 it holds -1, 0
    and 1, and what it frames stays in it."""
    from gdanim.landscape.framing import View
    from gdanim.scenes.feature_scaling import slid_windows

    view = View(-5.3, 0.5, -1.088, 0.98)
    framed = View(-5.0, 0.2, -0.2, 0.1)
    first = next(slid_windows(view, framed, height=1.01))
    assert first == pytest.approx(0.02)
    for shift in slid_windows(view, framed, height=1.01):
        assert view.b_min + shift <= framed.b_min and view.b_max + shift >= framed.b_max
    # Nothing to slide where the window holds only what it frames.
    assert list(slid_windows(view, View(-5.0, 0.2, -1.088, 0.98), height=1.01)) == []


@pytest.mark.slow
def test_a_title_too_long_for_the_frame_says_less_rather_than_shrink(tmp_path):
    """Long column names in a square frame: a shorter title, at a size that reads (no
    smaller than the subtitle), rather than all three names at 8 px."""
    from manim import Text

    from gdanim.scenes import style

    spec = _penguins(tmp_path, aspect="1:1")
    scene = build_scene(spec, tmp_path)
    texts = [m for m in scene.mobjects[0].get_family() if isinstance(m, Text)]
    title = texts[0]
    assert title.original_text.startswith("Feature scaling")
    assert "flipper_length_mm" not in title.original_text
    assert title.font_size >= style.SUBTITLE_SIZE
    wide = RenderSpec(**{**spec.model_dump(), "aspect": "16:9"})
    first = [m for m in build_scene(wide, tmp_path).mobjects[0].get_family() if isinstance(m, Text)]
    assert "flipper_length_mm and bill_length_mm" in first[0].original_text


def test_a_raw_side_that_gets_there_is_not_said_to_crawl(tmp_path):
    """On a penguin-shaped table the raw valley is only about 14 times longer than wide: the
    raw steps converge (in about twice the standardised updates). The captions say so, not
    that they crawl and have come "99.2 % of the way" beside a "converged" verdict."""
    spec = _penguins(tmp_path)
    scene = build_scene(spec, tmp_path)
    raw, std = (scene.outcome(r) for r in scene.inputs.runs)
    assert raw.kind == std.kind == "converged" and raw.update > std.update
    said = scene.caption_descent()
    assert "crawl" not in said and "of the way" not in said
    assert f"converge in {raw.update} updates" in said and f"converge in {std.update}." in said
    assert f"Raw: converged in {raw.update} updates" in scene.caption_verdict()
    # The lesson's own raw side still crawls, and says how far it came; its descent goes on
    # from the first steps' words rather than say them again.
    lesson = build_scene(RenderSpec(scene="feature-scaling", quality="low", format="png"), tmp_path)
    said = lesson.caption_descent()
    assert "crawl along the valley" in said and "of the way along the floor" in said
    assert "bounce across the narrow valley" in lesson.caption_first_steps(5)
    assert "bounce across the narrow valley" not in said


def test_an_extra_loss_curve_ends_where_it_reaches_its_floor():
    """The extra loss is floored at a millionth of its start for the log axis: a run that
    gets there ends its curve there, not in a flat line along the axis (read as an extra
    loss that stays)."""
    from gdanim.scenes.feature_scaling import FeatureScaling

    inputs = prepare(RenderSpec.parse({"scene": "feature-scaling"}, "python"))
    raw, std = (r.trajectory for r in inputs.runs)
    best = inputs.scaling.raw.analysis.optimum_loss
    raw_gap, std_gap = FeatureScaling.gaps([raw, std], best)
    floor = (std.loss[0] - best) * 1e-6
    assert std_gap.loss[-1] == pytest.approx(floor) and np.all(std_gap.loss[:-1] > floor)
    assert std_gap.n_updates < std.n_updates
    # The raw run, still oscillating, keeps every update.
    assert raw_gap.n_updates == raw.n_updates


@pytest.mark.slow
def test_a_wide_frame_gives_an_upright_valley_the_height(tmp_path):
    """16:9, a valley up the map (the lesson, penguins): the maps take the body's height and
    the loss curves and predictions a column beside them; the standardised bowl is drawn
    about as tall as wide, not as a strip. A valley along w1 (a car-shaped table) keeps the
    maps in a row above the curves. A column too narrow for "actual body_mass_g" says
    "actual" rather than cut the name short."""
    from tests.tables import write_cars

    lesson = build_scene(RenderSpec(scene="feature-scaling", quality="low", format="png"), tmp_path)
    assert lesson.upright_valley
    # The curves' axis says "extra loss": the verdict says what it is.
    assert "the extra-loss curves show each run's loss above it" in lesson.caption_verdict()
    _, fh = lesson.frame_size
    std = lesson.contour_panels[-1]
    assert len(lesson.contour_panels) == 3
    assert std.frame.height > 0.3 * fh  # was 0.13 of the frame in a row above the curves
    assert std.frame.height > 0.7 * std.frame.width
    curve = find_all(lesson, "LossCurve")[0]
    predicted = find_all(lesson, "PredictedPanel")[0]
    assert curve.frame.get_left()[0] > std.frame.get_right()[0]  # a column beside the maps
    assert predicted.frame.get_top()[1] < curve.frame.get_bottom()[1]
    heads = [m for m in lesson.mobjects[0].get_family() if getattr(m, "original_text", "")]
    tags = {m.original_text for m in heads}
    assert "to scale: a needle" in tags
    # Both headers in one size (the narrower side's decides).
    sizes = {round(m.height, 3) for m in heads if m.original_text in ("Raw units", "Standardised")}
    assert len(sizes) == 1

    scene = build_scene(_penguins(tmp_path), tmp_path)
    assert scene.upright_valley
    words = {getattr(m, "original_text", "") for m in scene.mobjects[0].get_family()}
    assert "to scale" in words and "to scale: a needle" not in words  # 14 times, not a needle
    names = [m.original_text for m in find_all(scene, "PredictedPanel")[0].labels]
    assert not any("…" in n for n in names) and any(n.startswith("actual") for n in names)

    cars = tmp_path / "cars.csv"
    write_cars(cars.parent)
    spec = RenderSpec(
        scene="feature-scaling", quality="low", format="png", data_path=str(cars),
        x_col=("wt", "hp"), y_col="mpg",
    )  # fmt: skip
    scene = build_scene(spec, tmp_path)
    assert not scene.upright_valley
    curve = find_all(scene, "LossCurve")[0]
    assert curve.frame.get_top()[1] < min(p.frame.get_bottom()[1] for p in scene.contour_panels)


@pytest.mark.slow
def test_a_classroom_frame_gives_an_upright_valley_the_height_too(tmp_path):
    """4:3, a projector's frame: an upright valley's two maps (the raw one stretched, the
    standardised one to scale) take the body's height beside a column of curves, as at
    16:9, where in a row above the curves they were strips ~45 px tall. A condition number
    too long for its header's line goes under its name in both headers alike."""
    lesson = build_scene(RenderSpec(scene="feature-scaling", aspect="4:3", quality="low"), tmp_path)
    _, fh = lesson.frame_size
    assert len(lesson.contour_panels) == 2
    for panel in lesson.contour_panels:
        assert panel.frame.height > 0.3 * fh  # 0.09 of the frame in the row
    curve = find_all(lesson, "LossCurve")[0]
    assert curve.frame.get_left()[0] > max(p.frame.get_right()[0] for p in lesson.contour_panels)
    words = [getattr(m, "original_text", "") for m in lesson.mobjects[0].get_family()]
    assert lesson.wrap_condition
    assert words.count("condition number") == 2 and "936,900" in words and "3.45" in words
    # the raw map's stretch is in its header ("Raw units," / "stretched ×…"), no line above it
    assert any(w.startswith("stretched ×") for w in words) and "Raw units," in words
    # a square frame keeps the row, its headers one line each where they fit
    square = build_scene(RenderSpec(scene="feature-scaling", aspect="1:1", quality="low"), tmp_path)
    assert not square.wrap_condition
    curve = find_all(square, "LossCurve")[0]
    assert curve.frame.get_top()[1] < min(p.frame.get_bottom()[1] for p in square.contour_panels)


@pytest.mark.slow
def test_the_loss_panel_marks_where_a_run_converged(tmp_path):
    """ "standardised: converged in 8 updates" stood beside a curve still falling steeply on
    its log axis to update 17: a dashed line in the run's colour marks update 8 on it; the
    raw run, which did not converge, has none."""
    scene = build_scene(RenderSpec(scene="feature-scaling", quality="low"), tmp_path)
    raw, std = (scene.outcome(r) for r in scene.inputs.runs)
    assert raw.kind != "converged" and std.kind == "converged" and std.update == 8
    assert len(scene.settle_marks) == 1
    mark = scene.settle_marks[0]
    assert any(mark in m.get_family() for m in scene.mobjects)
    (curve,) = find_all(scene, "LossCurve")
    x = curve.axes.p2c(mark.get_start())[0]
    assert x == pytest.approx(curve.coords(scene.inputs.runs[1].trajectory)[0][8], abs=1e-6)
    assert mark.get_color().to_hex().lower() == str(scene.colors[1]).lower()

"""Each scene shows the idea it is named for: the first updates get their own time, colours
mean one thing, a diverging run is seen to climb."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gdanim.config import RenderSpec
from gdanim.pipeline.prepare import prepare
from gdanim.scenes import descent_path
from gdanim.scenes.clock import eased
from gdanim.scenes.descent_path import DescentPath, first_steps
from tests.tables import write_heights

from .scene_tools import build_scene


class Recording(DescentPath):
    """descent-path that notes, after each animation, how long it ran and where the
    update tracker stood."""

    def play(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().play(*args, **kwargs)
        tracker = getattr(self, "_tracker", None)
        run_time = kwargs.get("run_time", 1.0)
        self.log.append((run_time, None if tracker is None else tracker.get_value()))

    def construct(self) -> None:
        import manim

        self.log: list[tuple[float, float | None]] = []
        make = manim.ValueTracker

        def spy(value: float = 0.0):  # type: ignore[no-untyped-def]
            t = make(value)
            if not hasattr(self, "_tracker"):
                self._tracker = t
            return t

        descent_path.ValueTracker = spy  # type: ignore[assignment,misc]
        try:
            super().construct()
        finally:
            descent_path.ValueTracker = make  # type: ignore[misc]


def test_the_eased_clock_starts_slow_and_ends_on_the_last_update():
    assert eased(97, 0.0) == 0.0 and eased(97, 1.0) == 97.0
    values = [eased(97, t) for t in np.linspace(0, 1, 50)]
    assert all(b >= a for a, b in itertools.pairwise(values))


def test_first_steps_never_pass_the_run():
    inputs = prepare(RenderSpec(scene="descent-path", epochs=2))
    assert first_steps(inputs.trajectory) == 2
    inputs = prepare(RenderSpec(scene="descent-path"))
    assert first_steps(inputs.trajectory) == 3


@pytest.mark.slow
def test_update_one_is_held_on_screen_at_the_derivations_numbers(tmp_path, monkeypatch):
    from gdanim.scenes.registry import SCENES

    spec = RenderSpec(scene="descent-path", quality="low")
    info = SCENES["descent-path"]
    monkeypatch.setattr(
        f"{info.module}.{info.cls}", Recording, raising=True
    )  # build_scene looks the class up by name
    scene = build_scene(spec, tmp_path)
    traj = scene.inputs.trajectory
    # The derivation's first update on the campaign data.
    assert round(float(traj.w[1]), 2) == 36.15 and round(float(traj.b[1]), 2) == 6.60
    log = scene.log
    # Seconds spent with the readout standing on update 1, 2 and 3, and moving towards them.
    held = {k: sum(t for t, v in log if v == k) for k in (1.0, 2.0, 3.0)}
    assert held[1.0] >= 0.8, log  # the arrows of update 2 grow while update 1 stands
    assert held[2.0] >= 0.8 and held[3.0] >= 0.2
    steps = [t for t, v in log if v in (1.0, 2.0, 3.0)]
    assert len(steps) >= 3
    # Then the rest of the run on the eased clock, landing on the last update.
    assert log[-1][1] == traj.n_updates or any(v == traj.n_updates for _, v in log)
    # Each step its own beat, in the readout's numbers.
    first = scene.caption_step(0)
    assert "Update 1 lands on w = 36.15, b = 6.6, where the loss is 26,179.56." in first
    # The ∇L arrow is drawn about as long as the step, 100 times shorter than it is: its
    # name says so, and the caption gives the step's share.
    assert "the step −η∇L goes the other way, η = 0.01 times as long." in first
    arrows = scene.step_arrows(scene.contours, 0)
    assert arrows is not None
    names = [m.original_text for m in arrows[1] if hasattr(m, "original_text")]
    assert "∇L: uphill (shortened)" in names
    assert scene.caption_step(1).startswith("Update 2 lands on w = 52.27, b = 9.8")


def _rgb(c: object) -> np.ndarray:
    from manim import ManimColor

    return np.array(ManimColor(c).to_rgb())


def _luma(c: object) -> float:
    r, g, b = _rgb(c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("name", ["dark", "light"])
def test_run_colours_are_distinct_and_outside_the_contour_ramp(name):
    from gdanim.scenes.style import THEMES

    t = THEMES[name]
    ramp = [_rgb(t.contour_color(u)) for u in np.linspace(0, 1, 41)]
    runs = [_rgb(c) for c in t.run_colors]
    for i, c in enumerate(runs):
        # Far from every contour colour (RGB distance; viridis' teal and green were 0.1 off).
        assert min(np.linalg.norm(c - r) for r in ramp) > 0.25, t.run_colors[i]
        # And from each other, the warning and the optimum's colours.
        for other in (*runs[:i], _rgb(t.warn), _rgb(t.optimum)):
            assert np.linalg.norm(c - other) > 0.25
    assert t.run_colors[0] == t.path  # the first run is drawn as the one-run scenes draw a path


def test_the_contour_ramp_runs_the_same_way_in_both_themes():
    from gdanim.scenes.style import THEMES

    for t in THEMES.values():
        # The lowest loss at the ramp's light end, the highest at its dark end.
        assert _luma(t.contour_color(0.0)) > _luma(t.contour_color(1.0)) + 0.3


def test_a_compared_runs_verdict_is_in_its_own_colour():
    from gdanim.outcome import Outcome
    from gdanim.scenes.legends import verdict_color
    from gdanim.scenes.style import THEMES

    t = THEMES["dark"]
    inputs = prepare(RenderSpec(scene="compare", preset="momentum"))
    colours = [
        verdict_color(r.outcome, c, t) for r, c in zip(inputs.runs, t.run_colors, strict=False)
    ]
    assert colours == list(t.run_colors[:2])  # both converged: each in its run's colour
    diverged = Outcome("diverged", 3, "diverged at update 3", 3, float("nan"))
    assert verdict_color(diverged, t.run_colors[1], t) == t.warn


def test_later_runs_are_drawn_wider_under_earlier_ones():
    from gdanim.scenes.compare import run_stroke

    assert run_stroke(0) < run_stroke(1) < run_stroke(2) < run_stroke(3)


def _heights_and_weights(tmp_path):
    """A real-magnitude table: heights in cm against weights in kg."""
    return write_heights(tmp_path)


def test_standardised_runs_are_drawn_on_the_round_bowl_the_optimizer_walks(tmp_path):
    path = _heights_and_weights(tmp_path)
    inputs = prepare(RenderSpec(scene="descent-path", data_path=str(path)))
    run = inputs.runs[0]
    assert inputs.standardized is not None and run.path is not None
    # The map draws the optimizer's own coordinates; the readouts keep data units.
    assert np.array_equal(run.on_map.w, run.trajectory.w_opt)
    assert np.array_equal(run.on_map.b, run.trajectory.b_opt)
    assert run.trajectory.w[-1] == pytest.approx(inputs.analysis.optimum[0], rel=1e-3)
    m = inputs.map
    assert m is inputs.on_map and m is not inputs.landscape
    v = m.view
    assert v.w_max - v.w_min == pytest.approx(v.b_max - v.b_min)  # a round bowl looks round
    w_star, b_star = m.optimum
    assert w_star == pytest.approx(float(run.on_map.w[-1]), rel=1e-3)
    assert b_star == pytest.approx(float(run.on_map.b[-1]), rel=1e-3)
    assert v.contains(float(run.on_map.w[0]), float(run.on_map.b[0]))
    # The raw landscape stays for the bowl scene, in data units.
    assert inputs.landscape.optimum[0] == pytest.approx(inputs.analysis.optimum[0])


@pytest.mark.parametrize("aspect", ["16:9", "1:1"])
def test_a_standardised_map_is_drawn_to_scale(tmp_path, aspect):
    # The caption says the bowl is round there: the map draws one unit of w′ as long as one
    # of b′, so it shows round (not merely under the "not to scale" threshold).
    from gdanim.scenes.widgets.contours import scale_ratio

    spec = RenderSpec(
        scene="descent-path",
        data_path=str(_heights_and_weights(tmp_path)),
        aspect=aspect,
        quality="low",
    )
    c = build_scene(spec, tmp_path).contours
    ratio = scale_ratio(c.landscape.view, c.frame.width, c.frame.height)
    assert ratio == pytest.approx(1.0, abs=0.02)
    assert c.to_scale and not c.says_not_to_scale()


def test_own_data_starts_off_the_valley_floor_with_each_regime_as_named(tmp_path):
    path = _heights_and_weights(tmp_path)
    inputs = prepare(RenderSpec(scene="learning-rates", data_path=str(path)))
    ds = inputs.dataset
    small, right, large = inputs.runs
    assert (small.trajectory.w[0], small.trajectory.b[0]) == (0.0, float(np.min(ds.y)))
    # Too small crawls, just right takes visible steps, too large climbs.
    assert small.outcome.kind != "converged"
    assert right.outcome.kind == "converged" and right.outcome.update >= 10
    assert large.outcome.kind == "diverged"


def test_compare_normalize_says_how_stretched_the_raw_valley_was():
    from gdanim.experiments import closing_line

    inputs = prepare(RenderSpec(scene="compare", preset="normalize"))
    raw, std = inputs.comparison.surfaces
    assert raw.on_map is None and std.on_map is not None
    stretch = np.sqrt(raw.analysis.condition_number)
    assert round(stretch) == 48
    assert closing_line(inputs).endswith(
        "The valley was 48 times longer than wide; now it is round."
    )


def test_a_loss_axis_shows_the_descent_not_the_decimals():
    from gdanim.scenes.style import THEMES
    from gdanim.scenes.widgets import LossCurve
    from gdanim.trajectory import Trajectory

    t = THEMES["dark"]
    zero = np.zeros(3)
    # A line through two points: the loss falls to 1e-31. The axis stops 8 decades down.
    exact = Trajectory(w=zero, b=zero, loss=np.array([50.0, 2.0, 1e-31]))
    curve = LossCurve([exact], 4.0, 2.5, t)
    assert curve.log_y and curve.y_range[0] >= np.log10(50.0) - 8.5
    # Losses in the hundreds of millions on a linear axis count in a power of ten.
    big = Trajectory(w=zero, b=zero, loss=np.array([4.2e8, 3.9e8, 3.1e8]))
    curve = LossCurve([big], 4.0, 2.5, t)
    assert not curve.log_y and curve.loss_unit == 1e8
    labels = [m.original_text for m in find_texts(curve)]
    assert "loss (×10⁸)" in labels and not any("e8" in s for s in labels)
    # A run whose whole fall is in its first updates gets a logarithmic update axis.
    n = 200
    fall = 30.0 + 1000.0 * 0.5 ** np.arange(n + 1)
    front = Trajectory(w=np.zeros(n + 1), b=np.zeros(n + 1), loss=fall)
    assert LossCurve([front], 4.0, 2.5, t).log_x
    steady = Trajectory(w=np.zeros(n + 1), b=np.zeros(n + 1), loss=1000.0 - 4.0 * np.arange(n + 1))
    assert not LossCurve([steady], 4.0, 2.5, t).log_x


def find_texts(mob):
    return [m for m in mob.get_family() if hasattr(m, "original_text")]


def test_the_derivation_names_its_rate_against_the_critical_one():
    from gdanim.derivation.data_lines import rate_name

    crit = 0.036176
    assert rate_name(0.0181, crit) == "half the critical rate 0.03618"
    assert rate_name(0.01, crit) == "0.28 × critical rate 0.03618"
    assert rate_name(0.0416, crit) == "1.15 × critical rate 0.03618"
    assert rate_name(0.1, None) is None
    # The rate the screen writes is the rate the run used: three significant digits.
    inputs = prepare(RenderSpec(scene="derivation", dataset="housing"))
    lr = inputs.runs[0].lr
    assert lr == float(f"{lr:.3g}")


def test_the_bias_gradient_caption_has_its_sign():
    from gdanim.derivation.narration import GRAD_B_CAPTION

    assert "minus twice the average residual" in GRAD_B_CAPTION["mse"]
    assert "minus the average residual" in GRAD_B_CAPTION["half-mse"]
    assert "points below the line minus points above" in GRAD_B_CAPTION["mae"]


@pytest.mark.slow
@pytest.mark.parametrize("aspect", ["16:9", "1:1"])
def test_a_standardised_descent_reads_out_where_the_marker_stands(tmp_path, aspect):
    """The map is in w′, b′: the readout follows the marker in them (the line's intercept
    runs the other way: b 31.7 → −95.6 while b′ rises to 62); in a wide frame a row under
    it gives the line on the data, and the first update's caption says both."""
    from gdanim.scenes.widgets.readout import LINE_ON_DATA

    spec = RenderSpec(scene="descent-path", quality="low", aspect=aspect, data_path=str(
        _heights_and_weights(tmp_path)
    ))  # fmt: skip
    scene = build_scene(spec, tmp_path)
    run, readout = scene.inputs.runs[0], scene.readout
    tags = [t.text for t in readout.tags]
    assert "w′=" in tags and "b′=" in tags
    _, w_num, b_num, _ = readout.values
    assert (w_num.value, b_num.value) == (run.on_map.w[-1], run.on_map.b[-1])
    if aspect == "16:9":
        assert LINE_ON_DATA.replace(" ", "") in tags
        line_w, line_b = readout.line_values
        assert (line_w.value, line_b.value) == (run.trajectory.w[-1], run.trajectory.b[-1])
    else:  # two rows already: the data panel draws the line
        assert not readout.line_values and readout.rows == 2
    first = scene.caption_step(0)
    assert "w′ = 1.792" in first and "the line on the data: w = 0.1863" in first
    assert "the line on the data" not in scene.caption_step(1)


@pytest.mark.slow
def test_where_the_descent_ends_is_said_once_the_screen_shows_it(tmp_path):
    """'after 1500 updates the loss is 25.3' was said while the clock was still near update
    300: the descent's caption now says how it goes, the closing one where it ended, written
    as the readout writes it."""
    from gdanim.numbers import series_format

    scene = build_scene(RenderSpec(scene="descent-path", quality="low"), tmp_path)
    traj = scene.inputs.trajectory
    last = series_format(traj.loss)(float(traj.loss[-1]))
    assert last == "25.30"
    assert "1500" not in scene.caption_descent() and last not in scene.caption_descent()
    assert scene.caption_end().startswith(f"After 1500 updates the loss is {last}.")
    diverging = build_scene(RenderSpec(scene="descent-path", quality="low", lr="large"), tmp_path)
    said = diverging.caption_end()
    assert said.startswith("After ") and "diverged at update" in said and "critical rate" in said
    assert "update" not in diverging.caption_descent()


@pytest.mark.slow
def test_a_round_map_frames_the_path_with_room_for_the_first_arrows(tmp_path):
    """On standardised x the map centred on the bottom put a start 30 units away about 11
    units from the edge, in a view 82 units across: the first step was drawn ~16 px long at
    480p and the uphill arrow, pointing away from the bottom, had ~27 px. Framed on the path,
    the start keeps half its distance to the edge and the view is about two thirds as wide."""
    from tests.tables import write_heights

    spec = RenderSpec(scene="descent-path", quality="low", data_path=str(write_heights(tmp_path)))
    scene = build_scene(spec, tmp_path)
    v = scene.contours.landscape.view
    traj = scene.inputs.runs[0].on_map
    w0, b0 = float(traj.w[0]), float(traj.b[0])
    cw, cb = scene.inputs.map.optimum
    reach = max(abs(w0 - cw), abs(b0 - cb))
    assert min(v.b_max - v.b_min, v.w_max - v.w_min) <= 2.0 * reach
    # The start lies below the bottom: room under it for the arrow pointing down, away.
    assert b0 < cb and b0 - v.b_min >= 0.45 * reach
    assert v.contains(cw, cb) and v.b_max - cb >= 0.3 * reach
    arrows, _ = scene.step_arrows(scene.contours, 0)
    grad = arrows[0]
    assert grad.get_length() >= 0.6  # scene units: ~36 px at 480p


@pytest.mark.slow
@pytest.mark.parametrize("scene", ["descent-path", "hiker-bowl"])
def test_the_first_caption_writes_the_loss_as_the_readout_does(tmp_path, scene):
    """On body mass against flipper length the start's loss was "2.897e6" in the first
    caption and "1,909,407" one caption later, as the readout writes the series."""
    from gdanim.numbers import series_format
    from tests.tables import write_penguins

    spec = RenderSpec(scene=scene, quality="low", data_path=str(write_penguins(tmp_path)),
                      x_col="flipper_length_mm", y_col="body_mass_g")  # fmt: skip
    built = build_scene(spec, tmp_path)
    loss = built.inputs.trajectory.loss
    said = built.caption_start()
    assert f"where the loss is {series_format(loss)(float(loss[0]))}." in said
    assert "e6" not in said and "," in series_format(loss)(float(loss[0]))

"""The learning-rates scene: its panels and texts at every aspect, bad --lrs, one short render.

Layout checks build the scene's mobjects without rendering (``LearningRates.build``) and
compare bounding boxes: the runs' groups must not overlap each other, the title or the
learning-rate line, and everything must lie inside the frame.
"""

from __future__ import annotations

import itertools
import json
import os

import numpy as np
import pytest
from manim import DL, UR, config, tempconfig

from gdanim.cli import cli
from gdanim.config import RenderSpec, TrainConfig
from gdanim.outcome import classify
from gdanim.pipeline.prepare import prepare
from gdanim.pipeline.scene import manim_config
from gdanim.scenes.grid import spread
from gdanim.scenes.learning_rates import LearningRates
from gdanim.scenes.rateline import RateLine
from gdanim.scenes.runs import loss_frame
from gdanim.scenes.widgets import LossCurve
from gdanim.scenes.widgets.panels import clip_segments

pytestmark = pytest.mark.slow  # scenes built, LaTeX typeset

EPS = 1e-6


_BUILT: dict[tuple, tuple[LearningRates, float, float]] = {}


def build(tmp_path, **kw) -> tuple[LearningRates, float, float]:
    """The scene with every mobject placed, and the frame's width and height.

    Built once per set of options (text is slow to typeset); tests only read it, except
    for the final-state check, which moves the clock to the end and is idempotent.
    """
    key = tuple(sorted(kw.items(), key=lambda kv: kv[0]))
    if key not in _BUILT:
        spec = RenderSpec(scene="learning-rates", format="png", quality="low", **kw)
        inputs = prepare(spec)
        with tempconfig(manim_config(spec, str(tmp_path), True)):
            scene = LearningRates(inputs)
            scene.build()
            _BUILT[key] = (scene, config.frame_width, config.frame_height)
    return _BUILT[key]


def box(mob) -> tuple[float, float, float, float]:
    return (mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1])


def overlap(a, b) -> bool:
    ax0, ax1, ay0, ay1 = box(a)
    bx0, bx1, by0, by1 = box(b)
    return ax0 < bx1 - EPS and bx0 < ax1 - EPS and ay0 < by1 - EPS and by0 < ay1 - EPS


def inside(mob, frame) -> bool:
    fx0, fx1, fy0, fy1 = frame
    x0, x1, y0, y1 = box(mob)
    return x0 >= fx0 - EPS and x1 <= fx1 + EPS and y0 >= fy0 - EPS and y1 <= fy1 + EPS


def finish(scene: LearningRates) -> None:
    """Move the shared clock to the end and let every follower catch up."""
    scene.tracker.set_value(float(scene.longest_updates()))
    for v in scene.views:
        for m in (v.trail.line, v.trail.marker, *v.curve):
            m.update()
    scene.counter.update()


FOUR = (0.001, 0.01, 0.02, 0.04)
CASES = [
    ("16:9", None, "dark"),
    ("9:16", None, "dark"),
    ("4:3", None, "dark"),
    ("1:1", None, "dark"),
    ("16:9", FOUR, "light"),
    ("1:1", FOUR, "dark"),
    ("9:16", (0.01, 0.04), "dark"),
]


@pytest.mark.parametrize(("aspect", "lrs", "theme"), CASES)
def test_panels_do_not_overlap_and_stay_in_frame(tmp_path, aspect, lrs, theme):
    scene, fw, fh = build(tmp_path, aspect=aspect, lrs=lrs, theme=theme)
    n = len(lrs) if lrs else 3
    assert len(scene.views) == n
    groups = [v.group for v in scene.views]
    for i in range(n):
        for j in range(i + 1, n):
            assert not overlap(groups[i], groups[j]), (aspect, i, j, box(groups[i]), box(groups[j]))
        for other in (scene.heading, scene.counter, scene.rates):
            assert not overlap(groups[i], other), (aspect, i, box(groups[i]), box(other))
    assert not overlap(scene.heading, scene.rates)
    title, subtitle = scene.heading
    for line in (title, *subtitle):  # beside the title or a subtitle line, never over one
        assert not overlap(scene.counter, line)
    assert not overlap(scene.counter, scene.rates)
    for v in scene.views:
        assert not overlap(v.header, v.contours)
        assert not overlap(v.contours, v.loss)
        assert not overlap(v.header, v.loss)

    finish(scene)
    frame = (-fw / 2, fw / 2, -fh / 2, fh / 2)
    for mob in (scene.heading, scene.counter, scene.rates, *groups):
        assert inside(mob, frame), (aspect, box(mob))
    for v in scene.views:
        # The drawn path, its exit arrow and the loss curve stay inside their own plots.
        plot = box(v.contours.frame)
        for m in (v.trail.line, v.trail.exit_arrow):
            if m.has_points():
                assert inside(m, plot), (aspect, v.run.label)
        if v.curve[0].has_points():
            assert inside(v.curve[0], box(v.loss.frame))
        assert inside(v.settle_mark, box(v.loss.frame)) or not v.settle_mark.submobjects


def test_landscape_is_a_row_and_portrait_a_column(tmp_path):
    wide, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    xs = [v.contours.frame.get_x() for v in wide.views]
    ys = [v.contours.frame.get_y() for v in wide.views]
    assert xs == sorted(xs) and len(set(np.round(ys, 6))) == 1
    # The loss axis is shared: the same range in every panel, labelled once at the left.
    assert len({v.loss.y_range for v in wide.views}) == 1
    assert [len(v.loss.labels) for v in wide.views] == [2, 1, 1]

    tall, _, _ = build(tmp_path, aspect="9:16", lrs=None, theme="dark")
    ys = [v.contours.frame.get_y() for v in tall.views]
    assert ys == sorted(ys, reverse=True)
    assert len({round(v.contours.frame.get_x(), 6) for v in tall.views}) == 1
    # Stacked rows share the bottom axes: only the last row labels them.
    assert [len(v.loss.labels) for v in tall.views] == [1, 1, 2]


def test_campaign_default_texts(tmp_path):
    """1,500 updates by default: small is still far, right converges, large diverges."""
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    inputs = scene.inputs
    assert inputs.config.epochs == 1500
    texts = [" ".join(t.original_text for t in v.verdict) for v in scene.views]
    large = inputs.runs[2].trajectory
    # Its ring ends a few pixels from the minimum on the shared map (the diverging lane
    # frames it wide): how far it came says what the map cannot.
    small = inputs.runs[0].trajectory
    w_star, b_star = inputs.map.optimum
    start = np.hypot(small.w[0] - w_star, small.b[0] - b_star)
    left = np.hypot(small.w[-1] - w_star, small.b[-1] - b_star)
    way = int(np.floor(100 * (1 - left / start)))
    assert texts[0] == f"still far after 1500 updates ({way} % of the way)"
    assert way == 75
    assert texts[1].startswith("converged in ") and texts[1].endswith(" updates")
    k = int(texts[1].split()[2].replace(",", ""))
    best = inputs.analysis.optimum_loss
    loss = inputs.runs[1].trajectory.loss
    assert loss[k - 1] - best > 0.01 * best and np.all(loss[k:] - best <= 0.01 * best)
    assert texts[2] == f"diverged at update {large.diverged_at}"
    names = [v.name[0].original_text for v in scene.views]
    assert names == [f"{r.label} · lr = {float(f'{r.lr:.3g}'):g}" for r in inputs.runs]
    assert scene.heading[0].original_text == "Learning rate: too small, just right, too large"
    # The diverging run wears the warning colour; the settled ones do not.
    assert scene.views[2].color == scene.theme.warn
    assert scene.theme.warn not in (scene.views[0].color, scene.views[1].color)


def test_custom_rates_title_and_texts_follow_the_runs(tmp_path):
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=FOUR, theme="light")
    assert scene.heading[0].original_text == "Four learning rates, one start"
    best = scene.inputs.analysis.optimum_loss
    for v in scene.views:
        expected = classify(v.run.trajectory, best, scene.inputs.dataset.x).text
        assert " ".join(t.original_text for t in v.verdict) == expected
    kinds = [v.outcome.kind for v in scene.views]
    assert kinds == ["slow", "converged", "converged", "diverged"]  # 0.02 converges
    assert [v.color == scene.theme.warn for v in scene.views] == [False, False, False, True]


def test_rate_line_marks_critical_and_fastest(tmp_path):
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    rates, a = scene.rates, scene.inputs.analysis
    assert a.lr_critical is not None and a.lr_fastest is not None
    legend = " ".join(
        t.original_text for t in rates.legend.get_family() if hasattr(t, "original_text")
    )
    assert "2/λmax = 0.0362" in legend and "diverge" in legend
    assert "0.0359" in legend
    # The band of unstable rates starts at the critical rate; the dots sit at the rates.
    assert rates.band[1].get_x() == pytest.approx(rates.x(a.lr_critical))
    for i, run in enumerate(scene.inputs.runs):
        assert rates.dots[i].get_x() == pytest.approx(rates.x(run.lr))
    xs = [rates.dots[i].get_x() for i in range(3)]
    assert xs == sorted(xs)
    # Labels never overlap, even where the rates crowd together.
    labels = [rates.rate_labels[i][0] for i in range(3)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not overlap(labels[i], labels[j])


def test_no_critical_rate_is_said_not_drawn(tmp_path):
    scene, fw, _ = build(tmp_path, train=TrainConfig(loss="mae"), aspect="9:16")
    assert scene.inputs.analysis.lr_critical is None
    assert len(scene.rates.band) == 0
    lines = scene.rates.legend[0]
    text = " ".join(t.original_text for t in lines)
    assert text.startswith("no critical rate: ")
    assert "mae" in text
    # Too long for a portrait frame's width: two lines rather than one shrunk line.
    assert len(lines) == 2
    assert scene.rates.width <= fw


def test_spread_keeps_order_and_room():
    centres = spread([1.0, 1.1, 1.15, 5.0], [0.5, 0.5, 0.5, 0.5], 0.0, 6.0)
    gaps = np.diff(centres)
    assert np.all(gaps >= 0.5 + 0.15 - 1e-9)
    assert centres[-1] == 5.0  # a label with room does not move
    edge = spread([0.1, 5.9], [0.6, 0.6], 0.0, 6.0)
    assert edge[0] >= 0.3 and edge[1] <= 5.7


def test_rate_line_spans_at_least_a_decade(tmp_path):
    inputs = prepare(RenderSpec(scene="learning-rates", lrs=(0.01, 0.011)))
    colors = ["#56B4E9", "#009E73"]
    with tempconfig(manim_config(inputs.spec, str(tmp_path), True)):
        from gdanim.scenes.style import THEMES

        line = RateLine(inputs.runs, colors, inputs.analysis, "gd", 12.0, THEMES["dark"])
    lo, hi = line.decades
    assert hi - lo >= 1.2 - 1e-9


@pytest.mark.parametrize(
    "lrs",
    ["abc,0.1", "0,0.1", "-0.01,0.1", "0.1", "0.1,0.2,0.3,0.4,0.5", "inf,0.1", "nan,0.1", ""],
)
def test_bad_lrs_exit_2_with_one_line(runner, lrs):
    result = runner.invoke(cli, ["render", "learning-rates", "--lrs", lrs, "-o", "out.mp4"])
    assert result.exit_code == 2, (result.exit_code, result.output)
    err = result.stderr
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "--lrs" in err
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not os.path.exists("out.mp4")


@pytest.mark.render
def test_short_low_quality_render(runner):
    result = runner.invoke(
        cli,
        [
            "render", "learning-rates", "--quality", "low", "--duration", "0.5",
            "--aspect", "9:16", "--theme", "light", "-o", "lr.mp4", "-q",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, (result.output, result.exception)
    assert os.path.getsize("lr.mp4") > 10_000
    with open("lr.mp4.json", encoding="utf-8") as fh:
        manifest = json.load(fh)
    assert manifest["output"]["width"] == 480 and manifest["output"]["height"] == 854
    runs = manifest["runs"]
    assert [r["label"] for r in runs] == ["small", "right", "large"]
    assert runs[2]["diverged_at"] is not None and runs[0]["diverged_at"] is None


def test_lanes_are_named_by_what_they_did_when_the_regimes_do_not_hold(tmp_path):
    # Adam has no critical rate: its "large" rate converges fastest.
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark", train=ADAM)
    assert not scene.regimes_hold()
    names = [v.name[0].original_text for v in scene.views]
    kinds = [v.outcome.kind for v in scene.views]
    assert kinds == ["slow", "converged", "converged"]
    assert names[0].startswith("too small ·") and names[2].startswith("fastest ·")
    assert not any(n.startswith(("small", "right", "large")) for n in names)
    assert scene.heading[0].original_text == "Three learning rates, one start"


ADAM = TrainConfig(optimizer="adam")


def test_lr_takes_the_middle_lane_and_l2_is_in_the_subtitle(tmp_path):
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark",
                        train=TrainConfig(lr=0.02, l2=0.5))  # fmt: skip
    rates = [r.lr for r in scene.inputs.runs]
    assert rates[1] == 0.02 and rates[0] < 0.02 < rates[2]
    subtitle = " ".join(t.original_text for t in scene.heading[1])
    assert "L2 = 0.5" in subtitle


def test_a_diverging_loss_curve_is_marked_where_it_leaves_the_axis(tmp_path):
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    large = scene.views[2]
    assert large.outcome.kind == "diverged"
    assert 0 <= large.off_scale_at < large.outcome.update
    _, text = large.off_scale
    assert text.original_text == "off the scale"
    assert inside(large.off_scale, box(large.loss.frame))
    # The shared axis leaves the diverging run three decades above the start to climb in,
    # so its cost is seen to grow before it leaves through the top.
    assert large.loss.log_y
    top = large.loss.y_range[1]
    start = float(scene.inputs.runs[0].trajectory.loss[0])
    assert np.log10(start) + 2.5 <= top <= np.log10(start) + 3.5
    loss = large.run.trajectory.loss
    shown = loss[: large.off_scale_at]
    assert shown.size >= 3 and float(shown.max()) > 100 * start  # seen to climb
    assert all(v.off_scale_at == -1 for v in scene.views[:2])


def _bow_sides(trail) -> list[float]:
    """Each hop's middle against its straight line, on one fixed side (+) or the other."""
    arcs = trail.arcs
    p, q = arcs[:, 0, :2], arcs[:, -1, :2]
    mid = arcs[:, arcs.shape[1] // 2, :2]
    ref = q[0] - p[0]
    normal = np.array([-ref[1], ref[0]])
    return [float(np.dot(m - (a + b) / 2, normal)) for m, a, b in zip(mid, p, q, strict=True)]


@pytest.mark.parametrize("l2", [0.0, 1000.0])
def test_a_diverging_run_hops_to_alternate_sides_and_is_marked_where_it_leaves(tmp_path, l2):
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark", train=TrainConfig(l2=l2))
    large = scene.views[2]
    assert large.outcome.kind == "diverged"
    trail = large.trail
    traj = large.run.on_map
    # Each hop runs from one state to the next, bowed to the side the one before was not.
    states = trail.panel.to_scene(traj.w[: len(trail.arcs) + 1], traj.b[: len(trail.arcs) + 1])
    assert np.allclose(trail.arcs[:, 0], states[:-1]) and np.allclose(trail.arcs[:, -1], states[1:])
    sides = _bow_sides(trail)
    assert len(sides) >= 3 and sides[0] > 0
    # Hop k bows to the first hop's side when k is even, away from it when odd (a hop
    # squeezed against the frame may run straight).
    assert all(s * (-1) ** k > 0 for k, s in enumerate(sides) if abs(s) > 1e-9)
    assert sum(1 for s in sides if abs(s) > 1e-9) >= 3
    # The exit arrow points where the drawn path meets the frame, on the hop to the first
    # state out of view, near where that hop's straight line crosses the frame; its tip
    # stops just inside the frame, so its head stays off the tick labels.
    from gdanim.scenes.widgets.contours import EXIT_INSET

    f = trail.panel.frame
    finish(scene)
    tip = trail.exit_arrow.get_end()
    assert trail.exit_arrow.get_stroke_opacity() == 1 and trail.marker.get_fill_opacity() == 0
    on_edge = min(
        abs(tip[0] - f.get_left()[0]), abs(tip[0] - f.get_right()[0]),
        abs(tip[1] - f.get_bottom()[1]), abs(tip[1] - f.get_top()[1]),
    )  # fmt: skip
    assert 0 < on_edge <= EXIT_INSET + 1e-6
    assert np.linalg.norm(tip - trail.arc_points[-1]) == pytest.approx(EXIT_INSET, rel=0.05)
    (x0, x1), (y0, y1) = trail.panel.x_range, trail.panel.y_range
    out = int(
        np.flatnonzero(~((traj.w >= x0) & (traj.w <= x1) & (traj.b >= y0) & (traj.b <= y1)))[0]
    )
    assert out - 1 < trail.arc_exit < out
    a, b = states[out - 1], trail.panel.to_scene(traj.w[out : out + 1], traj.b[out : out + 1])[0]
    box = (f.get_left()[0], f.get_right()[0], f.get_bottom()[1], f.get_top()[1])
    _, t1, _ = clip_segments(a[None, :2], b[None, :2], box)
    chord_exit = a + float(t1[0]) * (b - a)
    assert np.linalg.norm(tip - chord_exit) < 0.2 * f.width


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_a_standardised_run_shows_a_round_bowl_and_its_fast_fall(tmp_path, heights, aspect):
    scene, _, _ = build(tmp_path, aspect=aspect, lrs=None, theme="dark", data_path=heights)
    assert scene.inputs.standardized is not None
    for v in scene.views:
        c = v.contours
        # Axes to scale: a unit of b takes the length of a unit of w, so the bowl is round.
        per_w = (c.x_range[1] - c.x_range[0]) / c.frame.width
        per_b = (c.y_range[1] - c.y_range[0]) / c.frame.height
        assert per_b / per_w == pytest.approx(1.0, rel=1e-6)
        assert c.to_scale and len(c.scale_tag) == 0
        # The map still holds the start and the optimum.
        w0, b0 = v.run.on_map.w[0], v.run.on_map.b[0]
        assert c.contains(w0, b0) and len(c.optimum) == 1
    # The right rate makes its fall within a few updates: the shared update axis is
    # logarithmic, though it is built from a stand-in of two states that alone says linear.
    right = scene.views[1]
    assert right.outcome.kind == "converged"
    assert right.outcome.update * 10 <= scene.longest_updates()
    assert all(v.loss.log_x for v in scene.views)
    frame_traj = loss_frame(scene.inputs.runs, scene.inputs.analysis.optimum_loss)
    alone = LossCurve([frame_traj], 3.0, 1.0, scene.theme, epochs=scene.longest_updates())
    assert not alone.log_x


def test_raw_lanes_say_their_axes_are_not_to_scale(tmp_path):
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    assert not any(v.contours.to_scale for v in scene.views)
    # Their names have no room for it: the first lane's plot says it for the lanes' one map,
    # in a corner its path does not cross.
    first = scene.views[0].contours
    assert not first.says_not_to_scale()
    [tag] = first.scale_tag
    lo, hi = tag.get_corner(DL), tag.get_corner(UR)
    pts = scene.views[0].trail.drawn_points()
    assert not np.any((pts[:, 0] >= lo[0]) & (pts[:, 0] <= hi[0])
                      & (pts[:, 1] >= lo[1]) & (pts[:, 1] <= hi[1]))  # fmt: skip
    assert all(len(v.contours.scale_tag) == 0 for v in scene.views[1:])


def test_a_round_bowls_w_axis_reaches_its_next_round_value():
    """−50 0 50 touch on a narrow map (a minus sign is wide): the axis reaches −100 so that
    −100 0 100 keep a word space apart; plain numbers that fit are left as they are."""
    from gdanim.scenes.widgets.panels import across_ticks, labelled_across

    lo, hi = labelled_across(-85.5, 103.4, 1.41)
    assert (lo, hi) == (-125.0, 103.4)  # to -100, and a quarter step past it for the corner
    assert across_ticks(lo, hi, 1.41) == [-100.0, 0.0, 100.0]
    assert not across_ticks(-85.5, 103.4, 1.41)
    assert labelled_across(-85.5, 103.4, 4.0) == (-85.5, 103.4)


@pytest.mark.parametrize("table", ["heights", "houses", "small"])
def test_square_lanes_keep_round_bowls_round_and_three_numbers_a_side(tmp_path, table):
    """On a standardised table the square frame's small maps are drawn to scale (the bowl
    is round), however far their ranges grew to carry three numbers on each axis."""
    from manim import Text

    from tests.tables import write_heights, write_houses, write_small

    write = {"heights": write_heights, "houses": write_houses, "small": write_small}[table]
    data = str(write(tmp_path))
    scene, _, _ = build(tmp_path, aspect="1:1", data_path=data)
    for v in scene.views:
        c = v.contours
        x0, x1 = c.x_range
        y0, y1 = c.y_range
        ratio = ((x1 - x0) / c.frame.width) / ((y1 - y0) / c.frame.height)
        assert abs(ratio - 1) < 0.12, (table, ratio)
        assert c.to_scale
    bottom = scene.views[-1]
    for panel in (bottom.contours, bottom.loss):
        under = [
            m for m in panel.ticks
            if isinstance(m, Text) and m.get_top()[1] <= panel.frame.get_bottom()[1]
        ]  # fmt: skip
        assert len(under) >= 3, (table, [m.text for m in under])


def test_the_verdicts_are_captioned_in_the_order_they_came_up(tmp_path):
    """The diverging run's verdict comes up at update 27, the right one's at 565, the slow
    one's at the end: the captions say them in that order, not lane by lane."""
    scene, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    said = scene.caption_verdicts()
    order = [said.index(f"lr {r}") for r in ("0.0416", "0.0181", "0.00181")]
    assert order == sorted(order)
    assert said.startswith("lr 0.0416: diverged at update 27.")
    assert "lr 0.00181: still far after 1500 updates (75 % of the way)." in said


def test_a_thinned_linear_axis_keeps_its_step(tmp_path):
    """Where a lane's bottom axis has no room for all its numbers it keeps every other one:
    "−0.5 0.5 1.5", not "−0.5 0 0.5 1.5" with 1 dropped."""
    from manim import Text

    scene, _, _ = build(tmp_path, aspect="9:16", lrs=None, theme="dark")
    panel = scene.views[-1].contours
    under = sorted(
        (
            m
            for m in panel.ticks
            if isinstance(m, Text) and m.get_top()[1] <= panel.frame.get_bottom()[1]
        ),
        key=lambda m: m.get_x(),
    )
    values = [float(m.original_text.replace("\u2212", "-")) for m in under]
    assert len(values) >= 3
    steps = np.diff(values)
    assert np.allclose(steps, steps[0]), values
    xs = np.diff([m.get_x() for m in under])
    assert np.allclose(xs, xs[0], rtol=1e-6), xs


def test_a_verdict_is_captioned_as_it_comes_up_on_the_shared_clock(tmp_path):
    """The diverging run's verdict comes up at update 27, the right one's at 565, during the
    descent: each is captioned from then (or once the caption before it has been read), not
    all after the clock stops; the slow one's, shown at the end, comes last."""
    from tests.scene_tools import painting_nothing

    spec = RenderSpec(scene="learning-rates", quality="low")
    cfg = manim_config(spec, str(tmp_path), quiet=True)
    cfg.update(dry_run=True, from_animation_number=10**6)
    with tempconfig(cfg), painting_nothing():
        scene = LearningRates(prepare(spec))
        scene.render()
    cues = [
        (c.start.total_seconds(), c.end.total_seconds(), c.content)
        for c in scene.renderer.file_writer.subcaptions
    ]
    descent = next(c for c in cues if c[2].startswith("All runs share one clock"))
    for lr, update in (("0.0416", 27), ("0.0181", 565)):
        cue = next(c for c in cues if c[2].startswith(f"lr {lr}:"))
        shown = descent[0] + scene.clock_seconds(update)
        assert shown - 1e-6 <= cue[0] <= shown + 1.0, (lr, cue, shown)
        assert cue[0] < descent[0] + spec.duration  # during the descent
    # One after another, never two at once; the slow run's verdict last.
    assert all(a[1] <= b[0] + 1e-6 for a, b in itertools.pairwise(cues))
    assert cues[-1][2].startswith("lr 0.00181: still far")


def test_a_piece_of_the_clock_plays_exactly_its_frames():
    """A descent cut where its captions begin is played in pieces of whole frames: manim
    counts arange(0, run_time, 1 / fps), which at k / fps often makes k + 1 frames, and
    the pieces would add frames the clock in one play does not."""
    from gdanim.scenes.clock import frames_time

    for fps in (15, 30, 60):
        with tempconfig({"frame_rate": fps}):
            for k in range(1, 600):
                r = frames_time(k)
                assert len(np.arange(0.0, r, 1.0 / fps)) == k
                assert r == pytest.approx(k / fps, abs=1e-12)


def test_lanes_over_a_round_bowl_give_the_map_more_of_the_height(tmp_path):
    """A round bowl to scale in a wide column is as wide as the map is tall: side by side,
    its lanes' maps take more of the height than the lesson's stretched ones do."""
    from gdanim.scenes.grid import CONTOUR_SHARE
    from gdanim.scenes.learning_rates import ROUND_CONTOUR_SHARE
    from tests.tables import write_heights

    def share(scene) -> float:
        v = scene.views[0]
        return v.contours.frame.height / v.loss.frame.height

    lesson, _, _ = build(tmp_path, aspect="16:9", lrs=None, theme="dark")
    heights, _, _ = build(tmp_path, data_path=str(write_heights(tmp_path)))
    assert heights.inputs.on_map is not None and lesson.inputs.on_map is None
    assert share(lesson) == pytest.approx(CONTOUR_SHARE, rel=0.02)
    assert share(heights) == pytest.approx(ROUND_CONTOUR_SHARE, rel=0.02)

"""hiker-bowl: built for every loss, the hiker ends where the run ends and stays in frame.

Scenes are built with manim skipping every animation (each play() jumps to its end), so a
build costs a few frames, not a video.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from manim import Text, tempconfig

from gdanim.config import RenderSpec, TrainConfig
from gdanim.landscape import View
from gdanim.media import captions
from gdanim.media.captions import min_seconds, reading_seconds
from gdanim.numbers import fmt
from gdanim.pipeline.prepare import prepare
from gdanim.pipeline.render import render
from gdanim.pipeline.scene import manim_config
from gdanim.scenes import style
from gdanim.scenes.base import map_labels
from gdanim.scenes.bowl.side import rewrapped
from gdanim.scenes.bowl.walk import (
    FEEL,
    FINALE_TIME,
    HIKER_IN_TIME,
    MAX_BEATS,
    REPEAT,
    RISE_TIME,
    SETTLE_TIME,
    Walk,
)
from gdanim.scenes.bowl.walkers import downhill
from gdanim.scenes.hiker_bowl import HikerBowl
from gdanim.scenes.widgets.readout import LINE_ON_DATA
from gdanim.trajectory import Trajectory
from tests.scene_tools import painting_nothing, video_meta

pytestmark = pytest.mark.slow  # scenes built, LaTeX typeset

DURATION = 4.0
BUILDS: dict[str, dict[str, Any]] = {
    "mse": {"train": TrainConfig(loss="mse")},
    "half-mse": {"train": TrainConfig(loss="half-mse", epochs=100)},
    "mae": {"train": TrainConfig(loss="mae", epochs=20000)},
    "huber": {"train": TrainConfig(loss="huber")},
    "diverging": {"train": TrainConfig(lr="large")},
    "portrait": {"dataset": "housing", "aspect": "9:16", "theme": "light"},
    "standardised": {"train": TrainConfig(normalize=True, epochs=200)},
    "square-standardised": {"train": TrainConfig(normalize=True, epochs=200), "aspect": "1:1"},
    "square": {"aspect": "1:1"},
}


class Built:
    """A scene built under its own manim config, which checks can enter again."""

    def __init__(self, scene: HikerBowl, cfg: dict[str, Any]) -> None:
        self.scene = scene
        self.cfg = cfg

    def config(self) -> Any:
        return tempconfig(self.cfg)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Built]:
    """Builds a named configuration once per module."""
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            spec = RenderSpec(scene="hiker-bowl", quality="low", duration=DURATION, **BUILDS[name])
            media = tmp_path_factory.mktemp(name)
            cfg = manim_config(spec, str(media), quiet=True)
            # No output, and every play() skipped to its end.
            cfg.update(dry_run=True, from_animation_number=10**6)
            with tempconfig(cfg), painting_nothing():  # its checks read no pixel
                scene = HikerBowl(prepare(spec))
                scene.render()
            cache[name] = Built(scene, cfg)
        return cache[name]

    return get


def says(scene: HikerBowl, phrase: str) -> bool:
    """Whether some text on screen holds ``phrase`` (manim's Text keeps no spaces)."""
    words = phrase.replace(" ", "")
    return any(
        words in m.text.replace("\n", "")
        for m in scene.get_mobject_family_members()
        if isinstance(m, Text)
    )


@pytest.mark.parametrize("loss", ["mse", "half-mse", "mae", "huber"])
def test_every_loss_builds_and_the_hiker_ends_at_the_last_state(built: Any, loss: str) -> None:
    scene = built(loss).scene
    traj = scene.inputs.trajectory
    assert scene.inputs.loss_name == loss
    assert traj.loss is not None and not traj.diverged
    # The level curves on the bowl: one mobject per level of the landscape.
    assert len(scene.levels) == len(scene.inputs.landscape.levels) > 3
    expected = scene.bowl.points(traj.w[-1], traj.b[-1], traj.loss[-1])[0]
    np.testing.assert_allclose(scene.walkers.hiker.foot, expected, atol=1e-9)
    # And back: the foot's position reads as the run's final (w, b) and loss.
    w, b = scene.bowl.wb(scene.walkers.hiker.foot[0], scene.walkers.hiker.foot[1])
    assert math.isclose(float(w), traj.w[-1], rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(float(b), traj.b[-1], rel_tol=1e-9, abs_tol=1e-9)
    # Every footprint and the trail lie on the surface, up to the run's last state.
    assert scene.walkers.print_index[-1] == traj.n_updates
    end = scene.walkers.trail_path.upto(float(traj.n_updates))[-1]
    np.testing.assert_allclose(end[:2], expected[:2], atol=1e-9)


def test_the_bowl_is_lowest_at_the_optimum(built: Any) -> None:
    scene = built("mse").scene
    land = scene.inputs.landscape
    bw = scene.bowl
    z = bw.z(land.z)
    assert z.min() >= bw.bottom - 1e-9 and z.max() <= bw.top + 1e-9
    assert math.isclose(float(z.max()), bw.top)
    # The transform is monotone: higher loss, higher ground.
    order = np.argsort(land.z.ravel())
    assert np.all(np.diff(z.ravel()[order]) >= -1e-12)
    # w runs along x and b along y, each view side filling the same square.
    x0, y0 = bw.xy(land.view.w_min, land.view.b_min)
    x1, y1 = bw.xy(land.view.w_max, land.view.b_max)
    assert (float(x0), float(y0), float(x1), float(y1)) == pytest.approx((-3, -3, 3, 3))


def test_diverging_run_walks_off_the_rim_and_says_so(built: Any) -> None:
    scene = built("diverging").scene
    traj = scene.inputs.trajectory
    walk = scene.walk
    assert traj.diverged and walk.exit is not None
    # The rim: where the step that leaves the view crosses its edge.
    rim = scene.walkers.position_at(walk.exit)
    assert max(abs(rim[0]), abs(rim[1])) == pytest.approx(scene.bowl.half)
    j = math.floor(walk.exit)
    view = scene.inputs.landscape.view
    assert view.contains(traj.w[j], traj.b[j]) and not view.contains(traj.w[j + 1], traj.b[j + 1])
    # The hiker ended past the rim, faded out; the scene says what happened.
    assert max(abs(scene.walkers.hiker.foot[0]), abs(scene.walkers.hiker.foot[1])) > scene.bowl.half
    assert scene.walkers.hiker.head.get_fill_opacity() == pytest.approx(0.0)
    assert says(scene, "diverged: lr too large")


def test_a_converged_run_says_it_reached_the_bottom(built: Any) -> None:
    assert says(built("mse").scene, "the bottom: flat ground")
    # Far from its fit huber takes mae's fixed-size steps: the default run stops short.
    assert says(built("huber").scene, "not at the bottom yet")


def project(scene: HikerBowl, pts: np.ndarray) -> np.ndarray:
    return np.asarray(scene.cam.project_points(pts))[:, :2]


def assert_inside(scene: HikerBowl, pts: np.ndarray, what: str, box: Any = None) -> None:
    """Projected points inside the frame, or inside ``box`` (a layout Box) when given."""
    if box is None:
        x0, x1 = -scene.cam.frame_width / 2, scene.cam.frame_width / 2
        y0, y1 = -scene.cam.frame_height / 2, scene.cam.frame_height / 2
    else:
        x0, x1 = box.x - box.w / 2, box.x + box.w / 2
        y0, y1 = box.y - box.h / 2, box.y + box.h / 2
    p = project(scene, pts)
    assert p[:, 0].min() >= x0 and p[:, 0].max() <= x1, f"{what}: x {p[:, 0].min():.2f}.."
    assert p[:, 1].min() >= y0 and p[:, 1].max() <= y1, f"{what}: y {p[:, 1].min():.2f}.."


@pytest.mark.parametrize("name", ["mse", "diverging", "portrait"])
def test_the_hiker_stays_in_frame_at_every_camera_angle(built: Any, name: str) -> None:
    """Through every camera move, the hiker and its arrow stay inside the bowl's layout box
    (so inside the frame and clear of the text); past the rim, inside the frame."""
    b = built(name)
    scene = b.scene
    with b.config():
        for move in ("rise", "enter", "walk", "settle"):
            for u in np.linspace(0.0, 1.0, 13):
                scene.cam.set_pose(scene.plan.pose_during(move, float(u)))
                scene.walkers.show_moment(float(u) if move == "walk" else (move == "settle") * 1.0)
                where = f"{name} {move} {u:.2f}"
                assert_inside(scene, scene.walkers.hiker.points_3d(), where, scene.bowl_box)
                arrow = np.concatenate([m.points for m in scene.walkers.arrow.submobjects])
                assert_inside(scene, arrow, f"arrow {where}", scene.bowl_box)
        if scene.walk.exit is not None:
            scene.cam.set_pose(scene.plan.poses["late"])
            for u in np.linspace(0.0, 0.9, 7):
                scene.walkers.place_off_rim(float(u))
                assert_inside(scene, scene.walkers.hiker.points_3d(), f"{name} off the rim {u:.2f}")
            warn = np.concatenate([m.points for m in scene.walkers.warn_arrow.submobjects])
            scene.cam.set_pose(scene.plan.poses["top"])
            assert_inside(scene, warn, f"{name} rim arrow from above")


@pytest.mark.parametrize("name", ["mse", "standardised"])
def test_the_arrow_points_where_gradient_descent_steps(built: Any, name: str) -> None:
    """Plain gradient descent steps along minus the gradient: the arrow and the step agree,
    also when the optimizer's gradient is for standardised x."""
    scene = built(name).scene
    traj = scene.walked
    down, _ = downhill(traj)
    for i in (0, 1, 5, 50):
        step = np.array([traj.w[i + 1] - traj.w[i], traj.b[i + 1] - traj.b[i]])
        cos = step @ down[i] / (np.linalg.norm(step) * np.linalg.norm(down[i]))
        assert cos == pytest.approx(1.0, abs=1e-9)


def test_the_top_view_is_the_contour_map(built: Any) -> None:
    """From straight above, w runs right and b up, and each level curve lies over its shadow."""
    b = built("mse")
    scene = b.scene
    # Seen from above there is no height: the legend's note on how it is scaled has gone.
    assert scene.side.scale_note not in scene.get_mobject_family_members()
    assert scene.side.legend[0] in scene.get_mobject_family_members()
    with b.config():
        scene.cam.set_pose(scene.plan.poses["top"])
        h, f = scene.bowl.half, scene.bowl.floor
        corners = project(scene, np.array([[-h, -h, f], [h, -h, f], [-h, h, f]]))
        assert corners[1, 0] > corners[0, 0] and corners[1, 1] == pytest.approx(corners[0, 1])
        assert corners[2, 1] > corners[0, 1] and corners[2, 0] == pytest.approx(corners[0, 0])
        for _, paths in scene.levels:
            for p in paths:
                shadow = p.copy()
                shadow[:, 2] = f
                np.testing.assert_allclose(project(scene, p), project(scene, shadow), atol=2e-3)


def test_the_floor_counts_b_only_from_above(built: Any) -> None:
    """In 3D the b axis runs away up the floor's side, where its numbers would stand in a
    column beside the bowl like a scale of heights: the floor counts w along its front, and
    b's numbers come in with the view from above (in the final picture)."""
    scene = built("mse").scene  # the lesson: w from 0 to 75, b from −100 to 200
    floor = scene.floor
    in_3d = {t.text for t in floor.ticks}
    from_above = {t.text for t in floor.top_ticks}
    assert {"25", "50", "75"} <= in_3d
    assert {"−100", "100", "200"} <= from_above and not {"−100", "100", "200"} & in_3d
    shown = set(scene.get_mobject_family_members())
    assert all(t in shown for t in floor.top_ticks)


def _beats(duration: float) -> list[float]:
    """Seconds of the three captioned beats' animations: intro, walk, finale."""
    return [
        RISE_TIME + HIKER_IN_TIME,
        duration,
        FINALE_TIME + SETTLE_TIME + style.HOLD_TIME,
    ]


def _paced(beats: list[float], texts: list[str], fps: int = 15) -> list[float]:
    """Each beat lasts its animations, or longer where its caption needs the time to be read
    in cues to broadcast practice (the hold in whole frames)."""

    def held(b: float, t: str) -> float:
        short = max(reading_seconds(t), min_seconds(t)) - b
        return b if short <= 0 else b + math.ceil(short * fps - 1e-6) / fps

    return [held(b, t) for b, t in zip(beats, texts, strict=True)]


def test_cost_follows_the_duration_not_the_epochs(built: Any) -> None:
    runs = {name: built(name).scene for name in ("half-mse", "mse", "mae")}
    assert {s.inputs.trajectory.n_updates for s in runs.values()} == {100, 1500, 20000}
    for scene in runs.values():
        cues = scene.renderer.file_writer.subcaptions
        shown = [(c.end - c.start).total_seconds() for c in cues]
        expected = _paced(_beats(DURATION), [c.content for c in cues])
        assert shown == pytest.approx(expected, abs=1e-5)
        assert scene.renderer.time == pytest.approx(sum(expected), abs=1e-5)


def test_the_walk_shows_the_first_steps_one_by_one_then_the_rest() -> None:
    n = 20000
    k = np.arange(n + 1, dtype=np.float64)
    traj = Trajectory(w=1.0 - 0.999**k, b=0.5 * (1.0 - 0.999**k))

    bowl = types.SimpleNamespace(view=View(-0.1, 1.1, -0.1, 0.6))
    walk = Walk(traj, bowl, 8.0)  # type: ignore[arg-type]
    assert walk.beats == MAX_BEATS and walk.exit is None
    t = np.linspace(0.0, 1.0, 2001)
    s = np.array([walk.at(float(u)).s for u in t])
    assert s[0] == 0.0 and s[-1] == pytest.approx(n)
    assert np.all(np.diff(s) >= -1e-9)
    # Each beat feels the slope standing still, then steps exactly one update.
    beat = walk.beat_dt / walk.duration
    for i in range(walk.beats):
        feel = walk.at((i + 0.2) * beat)
        assert feel.phase == FEEL and feel.s == i
        assert walk.at((i + 0.999) * beat).s == pytest.approx(i + 1, abs=1e-3)
    assert walk.at(0.99).phase == REPEAT


@pytest.mark.render
def test_short_render(tmp_path: Any) -> None:
    out = tmp_path / "hiker.mp4"
    spec = RenderSpec(scene="hiker-bowl", quality="low", duration=1.0, format="mp4")
    result = render(spec, str(out), quiet=True)
    assert out.is_file() and out.stat().st_size > 10_000
    meta = video_meta(str(out))
    frames, seconds = meta["frames"], meta["duration"]
    beats = [b.text for b in result.manifest.beats]
    total = sum(_paced(_beats(1.0), beats))
    cues = captions.read(str(tmp_path / "hiker.srt"))
    assert len(cues) >= len(beats) and not [c for c in cues if captions.practice_problems(c)]
    assert seconds == pytest.approx(total, abs=0.2)
    assert frames == pytest.approx(total * spec.frame_rate, abs=3)
    assert result.manifest.runs[0].updates == 1500


def test_a_standardised_run_walks_the_round_bowl_of_the_optimizer(built: Any) -> None:
    """On standardised x the bowl is the loss over the optimizer's coordinates, round and
    centred on its bottom; the hiker walks the optimizer's own path; the readout and the
    captions stay in data units."""
    scene = built("standardised").scene
    inputs = scene.inputs
    assert inputs.on_map is not None and inputs.standardized is not None
    run = inputs.runs[0]
    bw = scene.bowl
    # The bowl's view is the optimizer's map, stretched alike in w and b: a round bowl.
    assert bw.view == inputs.on_map.view
    assert bw.sx == pytest.approx(bw.sy, rel=1e-12)
    # Its bottom (and the star) where on_map puts the optimum: the middle of the floor.
    w_star, b_star = inputs.on_map.optimum
    assert inputs.on_map.optimum != pytest.approx(inputs.landscape.optimum)
    np.testing.assert_allclose(bw.xy(w_star, b_star), (0.0, 0.0), atol=1e-9)
    bottom = scene.ground.loss_at(w_star, b_star)
    assert float(bottom) == pytest.approx(inputs.on_map.optimum_loss, rel=1e-9)
    # The walk is the optimizer's path, state by state, and the hiker ends on its last one.
    np.testing.assert_array_equal(scene.walked.w, run.on_map.w)
    np.testing.assert_array_equal(scene.walked.b, run.on_map.b)
    traj = run.trajectory
    assert traj.loss is not None
    end = bw.points(run.on_map.w[-1], run.on_map.b[-1], traj.loss[-1])[0]
    np.testing.assert_allclose(scene.walkers.hiker.foot, end, atol=1e-9)
    # The ground under each state is the run's recorded loss: the same fit in either units.
    np.testing.assert_allclose(
        scene.ground.loss_at(run.on_map.w, run.on_map.b), traj.loss, rtol=1e-9
    )
    # The readout follows the hiker in the floor's w′, b′, named so, and a row under it
    # gives the line on the data: its last slope and intercept in data units.
    readout = scene.readout
    _, w_num, b_num, loss_num = readout.values
    assert (w_num.value, b_num.value, loss_num.value) == (
        run.on_map.w[-1],
        run.on_map.b[-1],
        traj.loss[-1],
    )
    line_w, line_b = readout.line_values
    assert (line_w.value, line_b.value) == (traj.w[-1], traj.b[-1])
    assert not math.isclose(traj.w[-1], run.on_map.w[-1])
    tags = [t.text for t in readout.tags]
    assert {"w′=", "b′=", LINE_ON_DATA.replace(" ", "")} <= set(tags)
    # The row is under the others, inside the readout's box.
    row = readout.tags[-1]
    assert row.get_top()[1] < min(m.get_bottom()[1] for m in readout.values)
    # The hiker's plumb line reaches from its feet down to the floor.
    drop = scene.walkers.drop.points
    np.testing.assert_allclose(drop[0], [*end[:2], scene.bowl.floor], atol=1e-9)
    np.testing.assert_allclose(drop[3], end, atol=1e-9)
    # The floor's axes name the map's coordinates, as the contour map's do, and the
    # subtitle says x was standardised.
    assert says(scene, "w′ (per sd of x)") and says(scene, "b′ (ŷ at mean x)")
    floor = scene.floor
    names = (floor.names[0].text, floor.names[-1].text)
    assert names == tuple(t.replace(" ", "") for t in map_labels(True))
    # In 3D the far ends name them too, primed as the map's.
    assert [e.text for e in floor.ends] == ["w′", "b′"]
    assert says(scene, "x standardised")
    assert not says(scene, "w (slope)")


def test_a_bowl_in_data_units_has_no_row_for_the_line_and_plain_axis_names(built: Any) -> None:
    """On raw x the floor and the readout share w and b: nothing to say about units."""
    scene = built("mse").scene
    assert scene.inputs.on_map is None
    tags = [t.text for t in scene.readout.tags]
    assert LINE_ON_DATA.replace(" ", "") not in tags
    assert "w=" in tags and not scene.readout.line_values
    assert [e.text for e in scene.floor.ends] == ["w", "b"]
    assert says(scene, "w (slope)") and says(scene, "b (intercept)")


def test_a_square_frame_leaves_the_standardising_numbers_to_the_first_caption(built: Any) -> None:
    """Beside the narrow column of a square frame the subtitle only says x was standardised
    (the bowl keeps the height); the first caption gives its mean, sd and condition number."""
    scene = built("square-standardised").scene
    std = scene.inputs.standardized
    assert std is not None
    mu, sd = fmt(std.x_mean, 3), fmt(std.x_std, 3)
    assert says(scene, "x standardised") and not says(scene, f"sd {sd}")
    first = scene.renderer.file_writer.subcaptions[0].content
    assert f"mean {mu}, sd {sd}" in first
    assert f"from {fmt(std.condition_raw, 3)} to {fmt(std.condition, 3)}" in first
    # From above, w′ says what its prime means (on two lines where one does not fit).
    assert "persdofx" in scene.floor.names[0].text
    # A wide frame keeps them in the subtitle.
    wide = built("standardised").scene
    assert says(wide, f"sd {fmt(wide.inputs.standardized.x_std, 3)}")


@pytest.mark.parametrize("name", ["mse", "square-standardised", "portrait"])
def test_the_axes_names_stay_in_the_bowls_box_as_the_camera_turns(built: Any, name: str) -> None:
    """The far ends' names and the loss axis's name keep their size on screen and are set
    off by screen distances: the framing keeps them inside the bowl's box at every 3D pose."""
    b = built(name)
    scene = b.scene
    plan, box, floor = scene.plan, scene.bowl_box, scene.floor
    with b.config():
        for move in ("rise", "enter", "walk"):
            for u in np.linspace(0.0, 1.0, 9):
                plan.cam.set_pose(plan.pose_during(move, u))
                for m in (*floor.ends, floor.loss_label):
                    pts = np.concatenate(
                        [
                            plan.cam.transform_points_pre_display(g, g.points)[:, :2]
                            for g in m.family_members_with_points()
                        ]
                    )
                    assert pts[:, 0].min() >= box.left - 1e-6
                    assert pts[:, 0].max() <= box.left + box.w + 1e-6
                    assert pts[:, 1].min() >= box.y - box.h / 2 - 1e-6
                    assert pts[:, 1].max() <= box.top + 1e-6


def test_text_an_animation_changes_is_painted_each_frame_while_the_camera_moves(
    built: Any,
) -> None:
    """Fixed text is painted once per play() while the camera moves, except what the play
    changes: the loop fading out in a square frame stayed whole, then vanished at once."""
    from manim import FadeOut

    b = built("mse")
    scene = b.scene
    with b.config():
        turn = scene.cam.phi_tracker.animate.set_value(1.0).build()
        still = scene.get_moving_mobjects(turn)
        fading = scene.get_moving_mobjects(turn, FadeOut(scene.side.loop))
    loop = set(scene.side.loop.get_family())
    assert not loop & set(still)  # the loop in the static picture
    assert loop <= set(fading)  # repainted as it fades
    title = scene.mobjects[0]
    assert title not in fading  # text before it stays static


def test_a_square_frame_sets_the_text_in_rows_where_that_shows_the_bowl_larger(
    built: Any,
) -> None:
    """Beside a column a third of a square frame wide, a bowl seen from the side (wider than
    tall) had a third of the frame; in a row under it, the legend took the height the bowl
    needs. On the lesson the loop runs in a row above the bowl and the legend in a column at
    its side, in the room a bowl wider than tall leaves there: the bowl is drawn 22 % larger
    than with the legend in a row (camera zoom 0.372 against 0.306). Each way is tried and
    the one with the largest bowl kept."""
    b = built("square")
    scene = b.scene
    side, box = scene.side, scene.bowl_box
    assert side.strip and side.note_for_loop
    rows = list(side.rows)
    # The steps left to right, one row, above the bowl's box; the legend at its left.
    assert [r.get_left()[0] for r in rows] == sorted(r.get_left()[0] for r in rows)
    assert max(r.get_top()[1] for r in rows) - min(r.get_top()[1] for r in rows) < 1e-6
    assert min(r.get_bottom()[1] for r in rows) >= box.top - 1e-6
    assert side.legend.get_right()[0] <= box.left + 1e-6
    assert side.legend.get_top()[1] <= box.top + 1e-6
    assert box.h > box.w * 0.85  # the legend's row went to the bowl's height
    # The closing note takes the loop's place, its phrases in lines the frame's width holds.
    with b.config():
        frame_w = scene.frame.w
    notes = [m for m in scene.mobjects if isinstance(m, Text) and "thebottom" in m.text]
    assert len(notes) == 1
    note_box = notes[0]
    assert note_box.width <= frame_w + 1e-6
    assert note_box.get_bottom()[1] >= box.top - 1e-6
    # Each way is the one with the largest bowl: on the lesson standardised (a readout a
    # row taller) as well.
    for name in ("square", "square-standardised"):
        b = built(name)
        scene = b.scene
        with b.config():
            chosen = scene.plan.zoom_3d
            for other in (
                scene.lay_out(scene.rest),
                scene.lay_out(scene.rest, rows=True),
                scene.lay_out(scene.rest, aside=True),
            ):
                scene.setup_geometry(other)
                assert scene.plan.zoom_3d <= chosen + 1e-9
            scene.setup_geometry(scene.layout)  # as built, for other checks


def test_a_closing_note_in_a_row_keeps_its_phrases_whole() -> None:
    """Set again for a wider place, the note joins whole phrases, never breaks one."""
    theme = style.THEMES["dark"]
    text = "diverged: lr too large,\neach step overshoots:\noff the rim at update 3,\nloss 1e11"
    with tempconfig({"frame_width": 8.0, "frame_height": 8.0}):
        wide = rewrapped(text, theme, 7.8)
        narrow = rewrapped(text, theme, 0.5)
    assert wide.split("\n") == [
        "diverged: lr too large, each step overshoots:",
        "off the rim at update 3, loss 1e11",
    ]
    assert narrow == text

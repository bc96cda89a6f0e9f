"""Layout of every scene, aspect and theme: in frame, no texts overlapping, readable, ticked.

Each scene is built with every animation skipped (no pixels rendered) and
:func:`tests.layout_check.check_layout` runs after every ``play()``/``wait()`` and on the final
state. Cases that fail today are marked ``xfail(strict=True)`` with what is wrong, so the suite
stays green until they are fixed, and tells when one is (remove its entry from
``LESSON_KNOWN``, ``REAL_KNOWN`` or ``TABLES_KNOWN``).
"""

from __future__ import annotations

import shutil
from typing import Any

import numpy as np
import pytest
from manim import DOWN, ORIGIN, UP, Scene, Text, tempconfig

from gdanim.config import RenderSpec
from tests.layout_check import (
    MIN_TEXT_PX,
    Report,
    View,
    cap_height,
    check_layout,
    checked_build,
    checking_every_play,
)
from tests.scene_tools import find_all
from tests.tables import write_cars, write_clinic, write_houses, write_penguins, write_small

pytestmark = pytest.mark.slow  # scenes built, LaTeX typeset

SCENES = ["descent-path", "learning-rates", "hiker-bowl", "derivation", "feature-scaling"]
ASPECTS = ["16:9", "4:3", "1:1", "9:16"]


LESSON_KNOWN: dict[tuple[str, str, str], str] = {}


def _known(reason: str | None) -> list[Any]:
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _case(scene: str, aspect: str, theme: str) -> Any:
    marks = _known(LESSON_KNOWN.get((scene, aspect, theme)))
    return pytest.param(scene, aspect, theme, marks=marks, id=f"{scene}-{aspect}-{theme}")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One media folder for the module: LaTeX and text SVGs are made once, not per build."""
    return tmp_path_factory.mktemp("layout-media")


@pytest.mark.parametrize(
    ("scene", "aspect", "theme"),
    # The theme changes colours, never a position: the light theme at two aspects is enough
    # to see that it stays so.
    [_case(s, a, "dark") for s in SCENES for a in ASPECTS]
    + [_case(s, a, "light") for s in SCENES for a in ("16:9", "1:1")],
)
def test_layout(media: Any, scene: str, aspect: str, theme: str) -> None:
    spec = RenderSpec(scene=scene, aspect=aspect, theme=theme, quality="low")
    _, report = checked_build(spec, media)
    assert report.beats > 0
    assert not report.seen, "\n".join(report.lines())


# Compare: its two layouts (one map for a shared surface, a map per run for own surfaces),
# with two, three and four runs, at every aspect; the theme changes no position.
COMPARE_PRESETS = ["momentum", "optimizers", "sgd-vs-batch", "ridge", "mae-vs-mse", "normalize"]


def _compare_case(preset: str, aspect: str, theme: str) -> Any:
    marks = _known(LESSON_KNOWN.get((preset, aspect, theme)))
    return pytest.param(preset, aspect, theme, marks=marks, id=f"compare-{preset}-{aspect}-{theme}")


@pytest.mark.parametrize(
    ("preset", "aspect", "theme"),
    [_compare_case(p, a, "dark") for p in COMPARE_PRESETS for a in ASPECTS]
    + [_compare_case(p, "16:9", "light") for p in ("momentum", "ridge")],
)
def test_compare_layout(media: Any, preset: str, aspect: str, theme: str) -> None:
    spec = RenderSpec(scene="compare", preset=preset, aspect=aspect, theme=theme, quality="low")
    _, report = checked_build(spec, media)
    assert report.beats > 0
    assert not report.seen, "\n".join(report.lines())


# Real magnitudes: heights in cm against weights in kg, x standardised by default (the maps
# in the optimizer's coordinates, readouts and ticks in data units).
REAL_KNOWN: dict[tuple[str, str], str] = {}


def _real_case(scene: str, aspect: str) -> Any:
    reason = REAL_KNOWN.get((scene, aspect))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(scene, aspect, marks=marks, id=f"{scene}-{aspect}-heights")


@pytest.mark.parametrize(
    ("scene", "aspect"),
    # A table of one feature; feature-scaling, which needs two, has its own cases above.
    [
        _real_case(s, a)
        for s in [*SCENES, "compare"]
        if s != "feature-scaling"
        for a in ("16:9", "1:1")
    ],
)
def test_layout_on_real_magnitudes(media: Any, heights: str, scene: str, aspect: str) -> None:
    extra: dict[str, Any] = {"vary": "init=0,40;1,100"} if scene == "compare" else {}
    spec = RenderSpec(scene=scene, aspect=aspect, data_path=heights, quality="low", **extra)
    _, report = checked_build(spec, media)
    assert report.beats > 0
    assert not report.seen, "\n".join(report.lines())


# More real tables, written by the tests: house prices in dollars against living area in
# square feet (large y, raw scale), and a table of values about 1e-3; feature-scaling on
# two-feature tables shaped like the classic car table and the penguin measurements (long
# column names). 16:9 and 1:1 only (feature-scaling at every aspect: its layouts differ
# most): each build costs seconds.
TABLES_KNOWN: dict[tuple[str, str, str], str] = {}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("tables")
    return {
        "houses": str(write_houses(folder)),
        "small": str(write_small(folder)),
        "cars": str(write_cars(folder)),
        "penguins": str(write_penguins(folder)),
        "clinic": str(write_clinic(folder)),
    }


def _table_case(scene: str, aspect: str, table: str) -> Any:
    reason = TABLES_KNOWN.get((scene, aspect, table))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(scene, aspect, table, marks=marks, id=f"{scene}-{aspect}-{table}")


@pytest.mark.parametrize(
    ("scene", "aspect", "table"),
    [
        _table_case(s, a, t)
        for t in ("houses", "small")
        for s in [*SCENES, "compare"]
        if s != "feature-scaling"
        for a in ("16:9", "1:1")
    ]
    + [
        _table_case("feature-scaling", a, t)
        for t in ("cars", "penguins")
        for a in ("16:9", "4:3", "1:1", "9:16")
    ]
    # 4:3, a classroom projector's frame, on one penguin feature (body mass against flipper
    # length, x standardised): a two-row readout, a loss axis over five decades; the
    # stacked lanes of learning-rates at 1:1 too.
    + [_table_case(s, "4:3", "flippers") for s in [*SCENES, "compare"] if s != "feature-scaling"]
    + [_table_case("learning-rates", "1:1", "flippers")]
    # A table whose x is already centred and scaled (about ±0.1), like the diabetes study
    # scikit-learn ships: at 4:3 the derivation's gradient lines slide within a pixel of
    # each other unless a line waits for the one still in its way.
    + [_table_case(s, "4:3", "clinic") for s in ("derivation", "descent-path", "learning-rates")]
    + [_table_case("feature-scaling", "1:1", "clinic")],
)
def test_layout_on_more_tables(
    media: Any, tables: dict[str, str], scene: str, aspect: str, table: str
) -> None:
    extra: dict[str, Any] = {}
    if scene == "compare":
        extra["vary"] = "optimizer=gd,momentum"
    if table == "cars":
        extra.update(x_col=("wt", "hp"), y_col="mpg")
    if table == "penguins":
        extra.update(x_col=("flipper_length_mm", "bill_length_mm"), y_col="body_mass_g")
    if table == "flippers":
        extra.update(x_col="flipper_length_mm", y_col="body_mass_g")
    if table == "clinic":
        extra.update(x_col=("bmi", "bp") if scene == "feature-scaling" else "bmi", y_col="target")
    path = tables["penguins" if table == "flippers" else table]
    spec = RenderSpec(scene=scene, aspect=aspect, data_path=path, quality="low", **extra)
    _, report = checked_build(spec, media)
    assert report.beats > 0
    assert not report.seen, "\n".join(report.lines())


@pytest.mark.parametrize("aspect", ["4:3", "1:1"])
def test_compare_normalize_on_a_real_magnitude_table(
    media: Any, tables: dict[str, str], aspect: str, tmp_path: Any
) -> None:
    """Raw against standardised x on body mass and flipper length: a raw run of 20,000
    updates (a long counter beside a long file name) and a standardised map to scale, made
    shorter for a two-line name."""
    named = tmp_path / "palmer_penguins_measured.csv"
    shutil.copy(tables["penguins"], named)
    spec = RenderSpec(
        scene="compare", aspect=aspect, data_path=str(named), quality="low",
        x_col="flipper_length_mm", y_col="body_mass_g", vary="normalize=false,true",
    )  # fmt: skip
    _, report = checked_build(spec, media)
    assert report.beats > 0
    assert not report.seen, "\n".join(report.lines())


# ------------------------------------------------------------------------------ the check works


@pytest.fixture(scope="module")
def descent(media: Any) -> Any:
    return checked_build(RenderSpec(scene="descent-path", quality="low"), media)[0]


def _new(scene: Any, before: list[str]) -> list[str]:
    return [v for v in check_layout(scene) if v not in before]


def test_a_text_moved_onto_another_is_reported(descent: Any) -> None:
    before = check_layout(descent)
    curve = find_all(descent, "LossCurve")[0]
    name = next(m for m in curve.labels if m.original_text.startswith("update"))
    title = next(m for m in descent.mobjects[0].get_family() if isinstance(m, Text))
    saved = name.get_center()
    name.move_to(title)
    try:
        found = _new(descent, before)
        assert any(
            "overlaps" in v and repr(title.original_text[:10])[:-1] in v and "'update" in v
            for v in found
        ), found
    finally:
        name.move_to(saved)
    assert check_layout(descent) == before


def test_a_label_pushed_out_of_the_frame_is_reported(descent: Any) -> None:
    before = check_layout(descent)
    contours = find_all(descent, "LossContours")[0]
    w_name = next(m for m in contours.labels if m.original_text.startswith("w (slope)"))
    w_name.shift(DOWN * 3)
    try:
        found = _new(descent, before)
        assert any("'w (slope)" in v and "outside the frame: bottom" in v for v in found), found
    finally:
        w_name.shift(UP * 3)
    assert check_layout(descent) == before


def test_a_label_shrunk_below_12_px_is_reported(descent: Any) -> None:
    before = check_layout(descent)
    contours = find_all(descent, "LossContours")[0]
    w_name = next(m for m in contours.labels if m.original_text.startswith("w (slope)"))
    w_name.scale(0.5)
    try:
        found = _new(descent, before)
        assert any("'w (slope)" in v and "px tall at 480p" in v for v in found), found
    finally:
        w_name.scale(2.0)
    assert check_layout(descent) == before


def test_a_panel_short_of_tick_labels_is_reported(descent: Any) -> None:
    before = check_layout(descent)
    curve = find_all(descent, "LossCurve")[0]
    bottom = curve.frame.get_bottom()[1]
    below = [m for m in curve.ticks if isinstance(m, Text) and m.get_top()[1] <= bottom]
    assert len(below) >= 3
    for m in below[2:]:
        curve.ticks.remove(m)
    try:
        found = _new(descent, before)
        assert any("x axis 'update" in v and "has 2 tick label(s)" in v for v in found), found
        for m in below[:2]:
            curve.ticks.remove(m)
        found = _new(descent, before)
        assert any("x axis 'update" in v and "has 0 tick label(s)" in v for v in found), found
    finally:
        curve.ticks.add(*below)
    assert check_layout(descent) == before


def test_an_invisible_text_is_ignored(descent: Any) -> None:
    before = check_layout(descent)
    contours = find_all(descent, "LossContours")[0]
    b_name = next(m for m in contours.labels if m.original_text == "b (intercept)")
    b_name.shift(DOWN * 3).set_opacity(0)
    try:
        assert check_layout(descent) == before
    finally:
        b_name.shift(UP * 3).set_opacity(1)


def test_a_note_dropped_for_room_is_reported(descent: Any) -> None:
    """A log axis whose name lost "(log)", a map not to scale whose name lost its note."""
    before = check_layout(descent)
    curve = find_all(descent, "LossCurve")[0]
    contours = find_all(descent, "LossContours")[0]
    assert curve.log_x and curve.log_y and not contours.to_scale
    hidden = [
        m for m in [*curve.labels, *contours.labels] if "log" in m.original_text
        or "not to scale" in m.original_text
    ]  # fmt: skip
    assert len(hidden) == 3
    for m in hidden:
        m.set_opacity(0)
    try:
        found = _new(descent, before)
        assert sum("has no name to say it is log" in v for v in found) == 2, found
        assert any("is not to scale and does not say so" in v for v in found), found
    finally:
        for m in hidden:
            m.set_opacity(1)
    assert check_layout(descent) == before


def test_a_rotated_axis_label_is_judged_by_its_glyphs(descent: Any) -> None:
    view = View(descent)
    contours = find_all(descent, "LossContours")[0]
    upright = next(m for m in contours.labels if m.original_text.startswith("w (slope)"))
    rotated = next(m for m in contours.labels if m.original_text == "b (intercept)")
    assert rotated.height > 4 * rotated.width  # it does stand on its end
    assert cap_height(view, rotated) == pytest.approx(cap_height(view, upright), rel=1e-6)
    # A rotated copy shrunk below the limit is caught although its box is tall.
    small = rotated.copy().scale(0.5)
    assert small.height * view.px > 3 * MIN_TEXT_PX
    assert cap_height(view, small) * view.px < MIN_TEXT_PX


def test_a_state_between_beats_is_checked(tmp_path: Any) -> None:
    """A text out of the frame for one beat only is caught, though the end state is fine."""

    class Blink(Scene):
        def construct(self) -> None:
            t = Text("away", font="DejaVu Sans", font_size=24)
            self.add(t)
            t.shift(UP * 10)
            self.wait(0.1)
            t.move_to(ORIGIN)
            self.wait(0.1)

    report = Report()
    cfg = {"media_dir": str(tmp_path), "dry_run": True, "verbosity": "ERROR"}
    with tempconfig(cfg), checking_every_play(report):
        scene = Blink()
        scene.render()
    assert report.beats == 2
    [(message, where)] = report.seen.items()
    assert "'away'" in message and "outside the frame: top" in message
    assert where == ["beat 1 Wait"]
    assert check_layout(scene) == []


def _with_ticks_apart(descent: Any, px: float) -> list[str]:
    """What the check newly finds with the loss panel's second bottom tick label moved to
    ``px`` right of the first, on its row; the label goes back after."""
    before = check_layout(descent)
    view = View(descent)
    curve = find_all(descent, "LossCurve")[0]
    below = [m for m in curve.ticks if isinstance(m, Text)]
    a, b = below[0], below[1]
    saved = b.get_center()
    b.next_to(a, direction=np.array([1.0, 0.0, 0.0]), buff=px / view.px)
    b.align_to(a, DOWN)
    try:
        return _new(descent, before)
    finally:
        b.move_to(saved)
        assert check_layout(descent) == before


def test_texts_closer_than_the_gap_are_reported(descent: Any) -> None:
    """ "10" and "100" a pixel apart read as "10100": two texts keep a gap of a few px."""
    found = _with_ticks_apart(descent, 1.0)
    assert any("closer than" in v for v in found), found


def test_numbers_a_word_space_apart_at_most_are_reported(descent: Any) -> None:
    """ "0.001" and "0.002" 5 px apart read as "0.0010.002": two numbers side by side on one
    row keep more than a word space between them; an axis name beside a number is no
    number."""
    found = _with_ticks_apart(descent, 5.0)
    assert any("run together" in v for v in found), found
    assert not any("closer than" in v for v in found), found


def test_a_text_on_a_plotted_curve_is_reported(descent: Any) -> None:
    before = check_layout(descent)
    data = find_all(descent, "DataPanel")[0]
    curve = find_all(descent, "LossCurve")[0]
    name = next(m for m in curve.labels if m.original_text.startswith("update"))
    saved = name.get_center()
    # The fitted line ends on the optimum's line across the data panel: put a label on it.
    fit = next(
        m
        for top in descent.mobjects
        for m in top.get_family()
        if type(m).__name__ == "VMobject"
        and len(m.points)
        and data.frame.get_left()[0] - 1e-6 <= m.get_left()[0]
        and m.get_right()[0] <= data.frame.get_right()[0] + 1e-6
        and m.width > data.frame.width * 0.5
    )
    name.move_to(fit.get_center())
    try:
        found = _new(descent, before)
        assert any("'update" in v and "lies on a stroke" in v for v in found), found
    finally:
        name.move_to(saved)
    assert check_layout(descent) == before


@pytest.mark.parametrize(
    ("scene", "aspect"),
    [("feature-scaling", "1:1"), ("hiker-bowl", "9:16"), ("descent-path", "9:16")],
)
def test_a_title_is_never_set_smaller_than_its_subtitle(
    media: Any, tables: dict[str, str], tmp_path: Any, scene: str, aspect: str
) -> None:
    """ "Feature scaling: Size and Bedrooms against Price" at 1:1 and "The blindfolded hiker
    on palmer_penguins_measured" at 9:16 were shrunk to fit the width, below the size of the
    subtitle under them: a shorter title is set instead (the subtitle names the file)."""
    from manim import Text

    extra: dict[str, Any] = {}
    if scene != "feature-scaling":
        named = tmp_path / "palmer_penguins_measured.csv"
        shutil.copy(tables["penguins"], named)
        extra = {"data_path": str(named), "x_col": "flipper_length_mm", "y_col": "body_mass_g"}
    spec = RenderSpec(scene=scene, aspect=aspect, quality="low", **extra)
    built, _ = checked_build(spec, media)
    texts = [m for top in built.mobjects for m in top.get_family() if isinstance(m, Text)]
    top = max(texts, key=lambda m: m.get_top()[1])
    under = [m for m in texts if m is not top and abs(m.get_left()[0] - top.get_left()[0]) < 0.05
             and 0 < top.get_bottom()[1] - m.get_top()[1] < 0.6]  # fmt: skip
    assert under, "no subtitle line found under the title"
    assert top.font_size >= max(m.font_size for m in under) - 1e-6

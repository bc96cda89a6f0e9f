"""Axis names fitted to their room: shrunk a little, then bare of a remark, then (up the
side) on two lines, and only then cut with an ellipsis."""

from __future__ import annotations

import numpy as np
import pytest

from gdanim.scenes import style
from gdanim.scenes.style import THEMES
from gdanim.scenes.widgets.text import fitted_label, label, least_room

pytestmark = pytest.mark.slow  # text typeset with Pango

THEME = THEMES["dark"]


def width_of(text: str) -> float:
    return float(label(text, THEME, style.LABEL_SIZE).width)


def test_a_name_that_fits_is_kept_whole():
    t = fitted_label("weight_kg", THEME, 10.0)
    assert t.original_text == "weight_kg"


def test_a_long_name_goes_on_two_lines_before_it_is_cut():
    name = "Number of donations"
    room = width_of(name) * 0.6  # too narrow for one line even shrunk to 0.84
    t = fitted_label(name, THEME, room, lines=2)
    assert t.original_text == "Number of\ndonations"
    assert t.width <= room + 1e-9
    # Set at its full size: two lines instead of one shrunk out of sight.
    assert abs(t.width - width_of("Number of\ndonations")) < 1e-6


def test_a_remark_in_parentheses_goes_first():
    name = "Funds raised ($)"
    room = width_of("Funds raised") * 1.01
    t = fitted_label(name, THEME, room)
    assert t.original_text == "Funds raised"


def test_a_standardised_axis_keeps_per_sd():
    # The feature's name goes first; "per sd" stays, or a standardised weight reads as the raw one.
    name = "w1 (flipper, per sd)"
    t = fitted_label(name, THEME, width_of("w1 (per sd)") * 1.01)
    assert t.original_text == "w1 (per sd)"
    scaled = fitted_label(f"{name} (×10³)", THEME, width_of("w1 (per sd) (×10³)") * 1.01)
    assert scaled.original_text == "w1 (per sd) (×10³)"
    # Up a short map: on lines of its own rather than dropped or shrunk out of sight.
    short = fitted_label("w2 (per sd)", THEME, width_of("per") * 1.1, lines=3)
    assert short.original_text == "w2\nper\nsd"
    # With its scale under a narrow map: the scale beside the name, "per sd" below it,
    # rather than "w′… (×10⁶)".
    narrow = fitted_label("w′ (per sd of x) (×10⁶)", THEME, width_of("per sd of x") * 1.01, lines=2)
    assert narrow.original_text == "w′ (×10⁶)\nper sd of x"


def test_a_scale_is_never_dropped():
    """ "loss (×10⁶)" without its scale would read 3 for a loss of 3,000,000."""
    name = "loss (×10⁶)"
    room = width_of("(×10⁶)") * 1.05  # narrower than "loss (×10⁶)" even shrunk
    t = fitted_label(name, THEME, room, lines=2)
    assert t.original_text == "loss\n(×10⁶)"
    assert t.width <= room + 1e-9
    one = fitted_label("weight_kg (×10⁶)", THEME, width_of("weig (×10⁶)"))
    assert one.original_text.endswith("… (×10⁶)") and "\n" not in one.original_text
    assert one.width <= width_of("weig (×10⁶)") + 1e-9


@pytest.mark.parametrize("lines", [1, 2])
def test_a_name_keeps_its_word_beside_its_scale(lines: int) -> None:
    """ "(×10⁶)" alone does not say what counts in millions: where the room is too short
    even for the scale, the name is set smaller (the layout check reports it, and the scene
    gives the panel room) rather than dropped."""
    name = "loss (×10⁶)"
    room = width_of("(×10⁶)") * 0.8
    t = fitted_label(name, THEME, room, lines=lines)
    assert t.original_text.startswith("lo") and t.original_text.endswith("(×10⁶)")
    assert t.width <= room + 1e-9
    if lines == 2:
        assert t.original_text == "loss\n(×10⁶)"
    else:
        # A remark goes before the name is cut: "w (std. x) (×10⁻³)" as "w (×10⁻³)".
        room = width_of("w (×10⁻³)")
        assert fitted_label("w (std. x) (×10⁻³)", THEME, room).original_text == "w (×10⁻³)"


def test_least_room_sets_a_name_whole() -> None:
    """The room a scene gives a panel for its name: the name and its scale kept whole, at
    the least size at most shrunk."""
    for name, lines, whole in [
        ("loss (×10¹¹)", 2, "loss\n(×10¹¹)"),
        ("loss (×10¹¹)", 1, "loss (×10¹¹)"),
        ("extra loss", 1, "extra loss"),
    ]:
        room = least_room(name, THEME, lines=lines)
        t = fitted_label(name, THEME, room, lines=lines)
        assert t.original_text == whole
        assert t.width >= 0.84 * width_of(whole) - 1e-9
        shorter = fitted_label(name, THEME, room * 0.97, lines=lines)
        assert shorter.original_text != whole or shorter.width < 0.84 * width_of(whole)


def test_a_name_too_long_for_two_lines_is_cut_with_an_ellipsis():
    name = "Number of donations"
    room = width_of("donations") * 0.5
    t = fitted_label(name, THEME, room, lines=2)
    assert t.original_text.endswith("…") and "\n" not in t.original_text
    assert t.width <= room + 1e-9


def test_a_name_under_its_panel_stays_on_one_line():
    """Below a panel a second line would run into what sits under it."""
    name = "Number of donations"
    t = fitted_label(name, THEME, width_of(name) * 0.6)
    assert "\n" not in t.original_text and t.original_text.endswith("…")


def test_ticks_keep_three_labels_on_a_narrow_axis() -> None:
    """Long tick numbers on a narrow axis: a round step whose three labels fit, else the
    ticks count in a power of ten, which the axis name says."""
    from gdanim.scenes.widgets.panels import fitting_ticks, with_unit

    ticks, unit = fitting_ticks((-0.000992, 0.002055), 2, 2.35, THEME, across=True)
    assert [t for _, t in ticks] == ["0", "1", "2"]
    assert unit == "×10⁻³"
    assert [round(v, 6) for v, _ in ticks] == [0.0, 0.001, 0.002]
    assert with_unit("w (std. x)   (axes not to scale)", unit) == (
        "w (std. x) (×10⁻³)   (axes not to scale)"
    )
    # Room enough: the plain numbers, as before.
    ticks, unit = fitting_ticks((-0.000992, 0.002055), 2, 6.0, THEME, across=True)
    assert unit == ""
    assert len(ticks) >= 3 and all(t.startswith(("0", "-")) for _, t in ticks)


def test_ticks_count_in_one_power_less_where_whole_numbers_fit() -> None:
    """ "−1.5 −1.0 −0.5 0 (×10⁻²)" touch where "−15 −10 −5 0 (×10⁻³)" keep apart."""
    from gdanim.scenes.widgets.panels import fitting_ticks

    ticks, unit = fitting_ticks((-0.0177, 0.0016), 2, 2.75, THEME, across=True)
    assert unit == "×10⁻³"
    assert [t for _, t in ticks] == ["-15", "-10", "-5", "0"]


def test_stacked_ticks_take_no_power_of_ten_for_a_glyph_overshoot() -> None:
    """Miles per gallon (8.5-35.8) up a side 0.68 units tall: "1 2 3" are no shorter than
    "10 20 30" but for the round digits' overshoot, and "(×10¹)" would cost the axis name
    its room. The plain numbers, or none that fit (the panel then takes a rounder range)."""
    from gdanim.scenes.widgets.panels import fitting_ticks

    for height in (0.62, 0.6775, 0.75):
        _, unit = fitting_ticks((8.52, 35.78), 2, height, THEME, across=False)
        assert unit == ""
    ticks, unit = fitting_ticks((0.0, 40.0), 2, 0.6775, THEME, across=False)
    assert [t for _, t in ticks] == ["0", "20", "40"] and unit == ""


def test_a_map_to_scale_with_two_powers_of_ten_takes_one() -> None:
    """Standardised house prices at 1:1: w′ counted in ×10⁵ and b′ in ×10⁶ hid that one unit
    is as long on both axes of a map to scale. It takes one power where its labels fit."""
    from gdanim.scenes.widgets.panels import Panel

    def names(same: bool) -> list[str]:
        panel = Panel((-3.6e5, 5.2e5), (-5.8e5, 1.12e6), 2.4, 3.5, THEME, "w′", "b′",
                      same_power=same)  # fmt: skip
        return [m.original_text for m in panel.labels]

    assert names(False) == ["w′ (×10⁵)", "b′ (×10⁶)"]  # a plot not to scale: each its own
    assert names(True) == ["w′ (×10⁵)", "b′ (×10⁵)"]


def test_a_short_loss_axis_reaches_up_to_a_third_label() -> None:
    """A loss to 3.66 million on a panel under an inch tall: 0 1 2 3 do not keep apart and
    thinning would leave 0 and 2; the axis reaches up to 4 and reads 0 2 4."""
    from gdanim.scenes.widgets import LossCurve
    from gdanim.scenes.widgets.panels import y_tick_labels
    from gdanim.trajectory import Trajectory

    loss = 3.45e6 * np.exp(-np.arange(201) / 8.0) + 1.2e5
    run = Trajectory(w=np.zeros(201), b=np.zeros(201), loss=loss)
    curve = LossCurve([run], 2.2, 0.87, THEME)
    assert curve.y_range == (0.0, 4.0)
    assert y_tick_labels(curve) == 3
    assert curve.y_name == "loss (×10⁶)"
    # With room for 0 1 2 3, the axis keeps to the losses.
    tall = LossCurve([run], 2.2, 2.0, THEME)
    assert tall.y_range[1] < 4.0 and y_tick_labels(tall) >= 3


def test_a_one_or_two_letter_y_name_stands_upright() -> None:
    """Turned on its side "b" reads as "q": a name of one or two letters is set upright
    beside its axis; a longer one runs up it."""
    from gdanim.scenes.widgets.panels import Panel
    from gdanim.scenes.widgets.text import stands_upright

    assert all(stands_upright(n) for n in ("b", "b′", "w2", "ŷ", "y"))
    assert not any(stands_upright(n) for n in ("loss", "b (intercept)", "w2\nper\nsd"))
    short = Panel((0, 1), (0, 1), 3.0, 2.0, THEME, "w", "b")
    long = Panel((0, 1), (0, 1), 3.0, 2.0, THEME, "w", "b (intercept)")
    b_short, b_long = short.labels[1], long.labels[1]
    assert b_short.width >= b_short.height * 0.5  # upright
    assert b_long.height > 3 * b_long.width  # up the side


def test_a_map_to_scale_counts_both_axes_in_one_power_of_ten():
    """On a narrow map w′'s labels fit only in thousands ("−5 0 5", ×10³); a b′ in plain
    thousands beside it ("2000 5000") hides that a unit is as long on both axes. With
    ``same_power`` b′ counts in ×10³ too where its name still reads at full size; else, and
    without it, each axis keeps its own."""
    from manim import tempconfig

    from gdanim.scenes.widgets.panels import Panel

    theme = THEMES["dark"]
    with tempconfig({"frame_width": 8.0, "frame_height": 8.0}):
        args = ((-5000.0, 5000.0), (2000.0, 8000.0), 1.2, 3.0, theme, "w′", "b′")
        shared = Panel(*args, same_power=True)
        alone = Panel(*args)
        cramped = Panel((-5000.0, 5000.0), (2000.0, 8000.0), 1.2, 0.9, theme, "w′", "b′",
                        same_power=True)  # fmt: skip

    def names(panel: Panel) -> list[str]:
        return [m.original_text.replace("\n", " ") for m in panel.labels]

    assert names(shared) == ["w′ (×10³)", "b′ (×10³)"]
    assert all(abs(float(t.original_text.replace("−", "-"))) < 10 for t in shared.ticks
               if hasattr(t, "original_text"))  # fmt: skip
    assert names(alone)[0] == "w′ (×10³)" and names(alone)[1] == "b′"
    assert names(cramped)[1] == "b′"  # "b′ (×10³)" has no room up a short map

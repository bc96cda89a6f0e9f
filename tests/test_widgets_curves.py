"""The loss curve's log axis on a short panel: three decade labels that keep apart."""

from __future__ import annotations

from gdanim.scenes import style
from gdanim.scenes.widgets.curves import MOST_REACH_DOWN, log_ticks, spaced_decades
from gdanim.scenes.widgets.text import label

THEME = style.THEMES["dark"]


def test_a_short_log_axis_labels_every_other_decade_and_reaches_down_to_a_third():
    """A lane's loss panel about 45 px tall over three decades (R's cars: loss from about
    200 to 3e5): the decades' labels would touch, thinned to "10³ 10⁵". Every other decade
    is labelled instead, the axis reaching down to a third."""
    y_range, height = (2.25, 5.5), 0.75
    ticks = log_ticks(y_range, 3)
    assert [v for v, _ in ticks] == [3.0, 4.0, 5.0]
    (lo, hi), kept = spaced_decades(y_range, ticks, height, THEME)
    values = [v for v, _ in kept]
    assert len(values) == 3 and values[1] - values[0] == values[2] - values[1] == 2
    assert hi == 5.5 and lo <= values[0] and lo >= 2.25 - MOST_REACH_DOWN * 3.25
    tall = max(label(t, THEME, style.TICK_SIZE).height for _, t in kept)
    assert 2 * height / (hi - lo) >= tall  # the labels keep apart


def test_a_tall_enough_log_axis_is_left_as_it_is():
    y_range = (2.25, 5.5)
    ticks = log_ticks(y_range, 5)
    assert spaced_decades(y_range, ticks, 3.0, THEME) == (y_range, ticks)

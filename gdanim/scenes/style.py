"""Font sizes, spacing and timing: every layout number of the scenes has a name here.

The colours are :mod:`gdanim.theme`'s (the page and the decks read the same ones); their names
are repeated here so the scenes find everything about their look in one module.
"""

from __future__ import annotations

from ..theme import (
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    SKY,
    THEMES,
    VERMILLION,
    VIRIDIS,
    YELLOW,
    Theme,
)

__all__ = ["BLUE", "GREEN", "ORANGE", "PURPLE", "SKY", "THEMES", "VERMILLION", "VIRIDIS",
           "YELLOW", "Theme"]  # fmt: skip


# Font sizes (manim font_size units; 48 is manim's default).
TITLE_SIZE = 34
LABEL_SIZE = 24
SUBTITLE_SIZE = LABEL_SIZE * 0.85  # the line(s) under a title: what ran, on which data
TICK_SIZE = 20  # the smallest text: capitals 12 px tall at 480p
READOUT_SIZE = 24
READOUT_ROW_GAP = 0.14  # between the readout's two rows in narrow frames
NOTE_SIZE = 24

# Spacing, in scene units (the frame is 8 units tall).
MARGIN = 0.35  # from the frame edge
GAP = 0.35  # between panels
TITLE_GAP = 0.25  # below the title
AXIS_LABEL_BUFF = 0.15
STROKE = 2.5
THIN = 1.2
PATH_STROKE = 3.0
DOT_RADIUS = 0.07
DATA_DOT_RADIUS = 0.045
MAX_DATA_POINTS = 400  # drawn; larger data are drawn as a representative subset

# Timing, in seconds.
INTRO_TIME = 1.2
SETTLE_TIME = 1.6
HOLD_TIME = 1.5
VERDICT_TIME = 0.8  # the closing beat: a flash at the optimum, or a note saying why not

# Room around a plot area for tick labels and axis labels.
PLOT_PAD_LEFT = 1.1
PLOT_PAD_BOTTOM = 0.85
PLOT_PAD_TOP = 0.1
READOUT_HEIGHT = 0.5
TICK_SPACING = 0.55  # least room between tick labels on a vertical axis
NOTE_INSET = 0.15  # a note's distance from the panel corner it sits in
READOUT_GAP = 0.45  # between one readout value and the next tag

"""Themes, font sizes and spacing: every layout number of the scenes has a name here.

Colours come from the Okabe-Ito palette (distinguishable with every common colour-vision
deficiency); contour levels use a viridis ramp, which stays ordered in greyscale too. Each
colour means one thing in every scene: the path's (white or black) a run's path and the
steps it takes, ``fit`` the regression line, ``data`` the points, ``optimum`` the minimum
and a run that reached it, ``warn`` a divergence. Compared runs take the path's colour first,
then hues outside the contour ramp (pink, blue, orange or olive), so no path is drawn in a contour's
colour. The ramp runs the same way in both themes: the lowest loss at its light end.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import ManimColor, interpolate_color

# Okabe & Ito (2008), "Color Universal Design".
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"

# viridis at eight evenly spaced stops, dark to light.
_VIRIDIS = ["#440154", "#46327E", "#365C8D", "#277F8E", "#1FA187", "#4AC16D", "#A0DA39", "#FDE725"]


@dataclass(frozen=True)
class Theme:
    """Colours of one theme."""

    name: str
    background: str
    ink: str  # text and axes
    muted: str  # secondary text, grid, tick labels
    panel: str  # faint panel backgrounds
    data: str  # data points
    fit: str  # the current regression line
    path: str  # the descent path and its marker
    optimum: str
    warn: str  # divergence
    run_colors: tuple[str, ...]  # one per run in comparisons
    contour_low: float  # where on the viridis ramp the lowest level sits
    contour_high: float

    def contour_color(self, t: float) -> ManimColor:
        """Colour for a level at ``t`` in [0, 1] (0 = lowest loss)."""
        u = self.contour_low + (self.contour_high - self.contour_low) * min(max(t, 0.0), 1.0)
        pos = u * (len(_VIRIDIS) - 1)
        i = min(int(pos), len(_VIRIDIS) - 2)
        return interpolate_color(ManimColor(_VIRIDIS[i]), ManimColor(_VIRIDIS[i + 1]), pos - i)


THEMES: dict[str, Theme] = {
    "dark": Theme(
        name="dark",
        background="#101216",
        ink="#ECEFF4",
        muted="#9AA3AF",
        panel="#1B1F27",
        data=SKY,
        fit=ORANGE,
        # White, not Okabe-Ito's yellow: the innermost contour is viridis' yellow.
        path="#FFFFFF",
        optimum=GREEN,
        warn=VERMILLION,
        run_colors=("#FFFFFF", PURPLE, SKY, ORANGE),
        contour_low=0.95,
        contour_high=0.15,
    ),
    "light": Theme(
        name="light",
        background="#FFFFFF",
        ink="#1A1D23",
        muted="#5B6470",
        panel="#F2F4F7",
        data=BLUE,
        fit=VERMILLION,
        path="#000000",
        # Okabe-Ito's hues darkened to at least 4.5:1 on white, as text needs.
        optimum="#007A5A",
        warn="#B84E00",
        run_colors=("#000000", "#9E4F80", "#1F4FFF", "#6B6B00"),
        # The light end of the ramp at the lowest loss, as in the dark theme; it stops
        # before viridis' last yellows, which are faint on white.
        contour_low=0.78,
        contour_high=0.0,
    ),
}


# Font sizes (manim font_size units; 48 is manim's default).
TITLE_SIZE = 34
LABEL_SIZE = 24
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

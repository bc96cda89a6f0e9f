"""The two themes: every colour gdanim draws, named by what it means.

One definition serves the scenes (:mod:`gdanim.scenes.style` re-exports it), the lecture's
offline page, its reveal.js deck and its PowerPoint deck, so a colour changed here changes
everywhere. Nothing here imports manim (the page and the decks read it too); only
:meth:`Theme.contour_color`, which the scenes call, does.

Colours come from the Okabe-Ito palette (distinguishable with every common colour-vision
deficiency); contour levels use a viridis ramp, which stays ordered in greyscale too. Each
colour means one thing everywhere: ``path`` (white or black) a run's path and the steps it
takes, ``fit`` the regression line, ``data`` the points, ``optimum`` the minimum and a run
that reached it, ``warn`` a divergence or a failure, ``accent`` what can be clicked or is
picked out on a page. Compared runs take the path's colour first, then hues outside the
contour ramp (pink, blue, orange or olive), so no path is drawn in a contour's colour. The
ramp runs the same way in both themes: the lowest loss at its light end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from manim import ManimColor

# Okabe & Ito (2008), "Color Universal Design".
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"

# viridis at eight evenly spaced stops, dark to light.
VIRIDIS = ("#440154", "#46327E", "#365C8D", "#277F8E", "#1FA187", "#4AC16D", "#A0DA39", "#FDE725")


@dataclass(frozen=True)
class Theme:
    """Colours of one theme, each a ``#RRGGBB`` string."""

    name: str
    background: str
    ink: str  # text and axes
    muted: str  # secondary text, grid, tick labels
    panel: str  # faint panel backgrounds (the page's cards)
    data: str  # data points
    fit: str  # the current regression line
    path: str  # the descent path and its marker
    optimum: str  # the minimum, and a run that reached it
    warn: str  # a divergence; on the page and decks, a failure
    accent: str  # links and picked-out words on the page and decks
    run_colors: tuple[str, ...]  # one per run in comparisons
    contour_low: float  # where on the viridis ramp the lowest level sits
    contour_high: float

    def contour_color(self, t: float) -> ManimColor:
        """Colour for a level at ``t`` in [0, 1] (0 = lowest loss)."""
        from manim import ManimColor, interpolate_color

        u = self.contour_low + (self.contour_high - self.contour_low) * min(max(t, 0.0), 1.0)
        pos = u * (len(VIRIDIS) - 1)
        i = min(int(pos), len(VIRIDIS) - 2)
        return interpolate_color(ManimColor(VIRIDIS[i]), ManimColor(VIRIDIS[i + 1]), pos - i)


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
        accent=SKY,
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
        accent=BLUE,
        run_colors=("#000000", "#9E4F80", "#1F4FFF", "#6B6B00"),
        # The light end of the ramp at the lowest loss, as in the dark theme; it stops
        # before viridis' last yellows, which are faint on white.
        contour_low=0.78,
        contour_high=0.0,
    ),
}


def theme(name: str) -> Theme:
    """The theme called ``name`` (``dark`` for a name it does not know)."""
    return THEMES.get(name, THEMES["dark"])

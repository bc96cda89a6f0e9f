"""derivation, as a Manim scene: the gradient derived step by step, then the first update.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/derivation.py Derivation      # 480p15 preview; -qh for 1080p60

Change the run below and render again: the scene draws whatever run it is given.
"""

import gdanim
from gdanim.scenes import derivation

# The run to draw, in a line: a built-in lesson by name (`gdanim datasets` lists them),
# your own table, or a run recorded by `gdanim train -o run.json`. Any option of
# `gdanim render` goes here as a keyword (lr="right", theme="light", loss="mae", ...).
RUN = gdanim.scene_inputs("derivation", "campaign")
# RUN = gdanim.scene_inputs("derivation", "grades.csv", x="hours", y="score")
# RUN = gdanim.scene_inputs("derivation", "campaign", trajectory="run.json")


class Derivation(derivation.Derivation):
    inputs = RUN

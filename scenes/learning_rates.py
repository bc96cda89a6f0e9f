"""learning-rates, as a Manim scene: too small, just right and too large, side by side.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/learning_rates.py LearningRates      # 480p15 preview; -qh for 1080p60

Change the run below and render again: the scene draws whatever run it is given.
"""

import gdanim
from gdanim.scenes import learning_rates

# The run to draw, in a line: a built-in lesson by name (`gdanim datasets` lists them),
# your own table, or a run recorded by `gdanim train -o run.json`. Any option of
# `gdanim render` goes here as a keyword (lr="right", theme="light", loss="mae", ...).
RUN = gdanim.scene_inputs("learning-rates", "campaign")
# RUN = gdanim.scene_inputs("learning-rates", "grades.csv", x="hours", y="score")
# RUN = gdanim.scene_inputs("learning-rates", "campaign", trajectory="run.json")


class LearningRates(learning_rates.LearningRates):
    inputs = RUN

"""compare, as a Manim scene: one training option varied over 2 to 4 runs.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/compare.py Compare      # 480p15 preview; -qh for 1080p60

Change the run below and render again: the scene draws whatever run it is given.
"""

import gdanim
from gdanim.scenes import compare

# The run to draw, in a line: a built-in lesson by name (`gdanim datasets` lists them),
# your own table, or a run recorded by `gdanim train -o run.json`. Any option of
# `gdanim render` goes here as a keyword (lr="right", theme="light", loss="mae", ...).
RUN = gdanim.scene_inputs("compare", "campaign", preset="momentum")
# RUN = gdanim.scene_inputs("compare", "campaign", vary="optimizer=gd,momentum,adam")
# RUN = gdanim.scene_inputs("compare", "grades.csv", x="hours", y="score", vary="l2=0,10")


class Compare(compare.Compare):
    inputs = RUN

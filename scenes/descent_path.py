"""descent-path, as a Manim scene: the path on the loss contours, the line, the loss curve.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/descent_path.py DescentPath      # 480p15 preview; -qh for 1080p60

Change the run below and render again: the scene draws whatever run it is given.
"""

import gdanim
from gdanim.scenes import descent_path

# The run to draw, in a line: a built-in lesson by name (`gdanim datasets` lists them),
# your own table, or a run recorded by `gdanim train -o run.json`. Any option of
# `gdanim render` goes here as a keyword (lr="right", theme="light", loss="mae", ...).
RUN = gdanim.scene_inputs("descent-path", "campaign")
# RUN = gdanim.scene_inputs("descent-path", "grades.csv", x="hours", y="score")
# RUN = gdanim.scene_inputs("descent-path", "campaign", trajectory="run.json")


class DescentPath(descent_path.DescentPath):
    inputs = RUN

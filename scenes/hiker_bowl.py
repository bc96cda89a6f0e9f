"""hiker-bowl, as a Manim scene: a blindfolded hiker feels the slope and steps downhill.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/hiker_bowl.py HikerBowl      # 480p15 preview; -qh for 1080p60

Change the run below and render again: the scene draws whatever run it is given.
"""

import gdanim
from gdanim.scenes import hiker_bowl

# The run to draw, in a line: a built-in lesson by name (`gdanim datasets` lists them),
# your own table, or a run recorded by `gdanim train -o run.json`. Any option of
# `gdanim render` goes here as a keyword (lr="right", theme="light", loss="mae", ...).
RUN = gdanim.scene_inputs("hiker-bowl", "campaign")
# RUN = gdanim.scene_inputs("hiker-bowl", "grades.csv", x="hours", y="score")
# RUN = gdanim.scene_inputs("hiker-bowl", "campaign", trajectory="run.json")


class HikerBowl(hiker_bowl.HikerBowl):
    inputs = RUN

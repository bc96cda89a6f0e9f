"""feature-scaling, as a Manim scene: two features, the raw valley beside the standardised bowl.

Render it with manim's own command line, from the repository's top folder::

    manim -pql scenes/feature_scaling.py FeatureScaling      # 480p15 preview; -qh for 1080p60

Change the run below and render again: the scene draws whatever run it is given.
"""

import gdanim
from gdanim.scenes import feature_scaling

# The run to draw, in a line: a built-in lesson of two features by name (`gdanim datasets`
# lists them), or your own table with two x columns. Any option of `gdanim render` goes here
# as a keyword (optimizer="momentum", theme="light", ...).
RUN = gdanim.scene_inputs("feature-scaling", "houses")
# RUN = gdanim.scene_inputs("feature-scaling", "cars.csv", x=["wt", "hp"], y="mpg")
# RUN = gdanim.scene_inputs("feature-scaling", "houses", trajectory="run.json")


class FeatureScaling(feature_scaling.FeatureScaling):
    inputs = RUN

"""The scenes gdanim renders: name, class and what each teaches (plain data, no manim)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SceneInfo:
    """A scene's registry entry: where its class lives and what it teaches."""

    module: str
    cls: str
    summary: str
    needs_latex: bool = False
    #: CPU seconds its render of the default lesson takes at 1080p60 (measured): a lecture
    #: starts its costliest renders first, so no core is left idle at the end.
    cost: float = 30.0


SCENES: dict[str, SceneInfo] = {
    "hiker-bowl": SceneInfo(
        "gdanim.scenes.hiker_bowl",
        "HikerBowl",
        "a hiker feels the slope and walks down the 3D loss bowl",
        cost=49.0,
    ),
    "derivation": SceneInfo(
        "gdanim.scenes.derivation",
        "Derivation",
        "the gradient derived step by step, then one update with this run's numbers",
        needs_latex=True,
        cost=70.0,
    ),
    "descent-path": SceneInfo(
        "gdanim.scenes.descent_path",
        "DescentPath",
        "the (w, b) path on the loss contours, the line fitting the data, the loss curve",
        cost=16.0,
    ),
    "learning-rates": SceneInfo(
        "gdanim.scenes.learning_rates",
        "LearningRates",
        "too small, just right, too large: the same start side by side",
        cost=28.0,
    ),
    "feature-scaling": SceneInfo(
        "gdanim.scenes.feature_scaling",
        "FeatureScaling",
        "two features, raw beside standardised: the long thin valley and the round bowl",
        cost=18.0,
    ),
    "compare": SceneInfo(
        "gdanim.scenes.compare",
        "Compare",
        "one option changed (--vary or a lesson's --preset): the runs and their verdicts together",
    ),
}

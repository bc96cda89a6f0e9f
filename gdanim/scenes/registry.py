"""The scenes gdanim renders: name, class, what each teaches, the options only it takes and
how its runs are prepared (plain data, no manim).

An entry is all the rest of the package knows of a scene: :func:`gdanim.pipeline.prepare.prepare`
calls its ``prepare``, the configuration refuses its ``options`` on other scenes and runs its
``check``, the lecture file and the command line read both, and the data it draws by default
is its ``default_dataset``. Functions are named by ``"module:function"`` paths, so reading
the registry imports nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

#: The preparation of a scene that draws one run (or the run ``--trajectory`` recorded).
ONE_RUN = "gdanim.pipeline.prepare:prepare_run"


@dataclass(frozen=True)
class SceneInfo:
    """A scene's registry entry: where its class lives, what it teaches and what it takes."""

    module: str
    cls: str
    summary: str
    needs_latex: bool = False
    #: CPU seconds its render of the default lesson takes at 1080p60 (measured): a lecture
    #: starts its costliest renders first, so no core is left idle at the end.
    cost: float = 30.0
    #: ``"module:function"`` that turns a spec and its data (or ``None``: the spec names
    #: them) into the scene's ``SceneInputs``.
    prepare: str = ONE_RUN
    #: The options (``RenderSpec`` fields) only this scene takes: any other scene refuses
    #: them, and a lecture file's top-level value of one reaches only the scenes that take it.
    options: tuple[str, ...] = ()
    #: ``"module:function"`` checking a spec of this scene (options that go together),
    #: raising the configuration's ``rule`` errors; ``None``: nothing beyond the fields.
    check: str | None = None
    #: How many features of x the scene draws: 1, or 2 (two weights and their valley).
    features: int = 1
    #: The built-in dataset drawn when neither a dataset nor a data file is given.
    default_dataset: str = "campaign"
    #: What the scene shows, in words, for a reader who cannot see it (the transcript);
    #: ``{runs}`` stands for the number of runs in words.
    shows: str = ""


SCENES: dict[str, SceneInfo] = {
    "hiker-bowl": SceneInfo(
        "gdanim.scenes.hiker_bowl",
        "HikerBowl",
        "a hiker feels the slope and walks down the 3D loss bowl",
        cost=49.0,
        shows=(
            "The loss drawn as a 3D bowl over w and b. A hiker stands at the start, feels the "
            "slope and walks downhill step by step towards the lowest point."
        ),
    ),
    "derivation": SceneInfo(
        "gdanim.scenes.derivation",
        "Derivation",
        "the gradient derived step by step, then one update with this run's numbers",
        needs_latex=True,
        cost=70.0,
        prepare="gdanim.pipeline.prepare:prepare_derivation",
        options=("form",),
        shows=(
            "The formulas written out term by term: the model, the loss, its gradient by the "
            "chain rule, then the first update with this run's numbers."
        ),
    ),
    "descent-path": SceneInfo(
        "gdanim.scenes.descent_path",
        "DescentPath",
        "the (w, b) path on the loss contours, the line fitting the data, the loss curve",
        cost=16.0,
        shows=(
            "Three panels: the loss contours over w and b with the run's path across them, the "
            "data with the line being fitted, and the loss falling over the updates; a readout "
            "shows each update's w, b and loss."
        ),
    ),
    "learning-rates": SceneInfo(
        "gdanim.scenes.learning_rates",
        "LearningRates",
        "too small, just right, too large: the same start side by side",
        cost=28.0,
        prepare="gdanim.pipeline.prepare:prepare_rates",
        options=("lrs",),
        check="gdanim.config.spec:check_rates",
        shows=(
            "The same start run at {runs} learning rates side by side, each with its path on the "
            "loss contours and its loss curve, under a log-scale rate line that marks where runs "
            "start to diverge."
        ),
    ),
    "feature-scaling": SceneInfo(
        "gdanim.scenes.feature_scaling",
        "FeatureScaling",
        "two features, raw beside standardised: the long thin valley and the round bowl",
        cost=18.0,
        prepare="gdanim.pipeline.prepare:prepare_features",
        features=2,
        default_dataset="houses",
        shows=(
            "Two features, raw beside standardised: the loss over the two weights as contours. "
            "The raw features make a valley so long and thin that it is drawn to scale and "
            "stretched across, the run zig-zagging from wall to wall; standardised, it is a "
            "near-round bowl the run descends in a few updates. Below, both runs' loss over the "
            "updates and the fitted values against the actual ones."
        ),
    ),
    "compare": SceneInfo(
        "gdanim.scenes.compare",
        "Compare",
        "one option changed (--vary or a lesson's --preset): the runs and their verdicts together",
        prepare="gdanim.pipeline.prepare:prepare_compare",
        options=("preset", "vary"),
        check="gdanim.config.spec:check_compare",
        shows=(
            "{runs} runs that differ in one option, drawn together in their own colours: their "
            "paths on the loss contours, their fitted lines and their loss curves."
        ),
    ),
}


def scene_options() -> dict[str, tuple[str, ...]]:
    """Each scene-only option and the scenes that take it, in the registry's order."""
    out: dict[str, tuple[str, ...]] = {}
    for name, info in SCENES.items():
        for key in info.options:
            out[key] = (*out.get(key, ()), name)
    return out


def load(path: str) -> Any:
    """The object a ``"module:name"`` path names (imported now)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)

"""Every caption keeps to broadcast practice, in every scene and every option family.

A scene captions each beat once; the caption files hold that beat split by
:func:`gdanim.media.captions.to_practice` (what a render writes). Scenes are built with every
animation skipped to its end (the scene clock still runs), so the cues of many configurations
are checked at the cost of a few frames each: at most 42 characters a line, 2 lines a cue,
1 to 7 seconds a cue, 17 characters a second; math written for a reader; points that cannot
be misread.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gdanim.config import RenderSpec, TrainConfig
from gdanim.media import captions
from gdanim.media.captions import READING_CPS
from tests.scene_tools import build_scene

pytestmark = pytest.mark.slow  # scenes built, LaTeX typeset

SCENES = ("descent-path", "learning-rates", "hiker-bowl", "derivation")
#: Each option family, as the options a scene is rendered with.
FAMILIES: dict[str, dict[str, Any]] = {
    "default": {},
    "half-mse": {"train": TrainConfig(loss="half-mse")},
    "mae": {"train": TrainConfig(loss="mae"), "duration": 1.0},
    "huber-housing": {"dataset": "housing", "train": TrainConfig(loss="huber")},
    "ridge": {"train": TrainConfig(l2=0.5), "duration": 2.0},
    "sgd": {"train": TrainConfig(optimizer="sgd")},
    "minibatch": {"dataset": "housing", "train": TrainConfig(optimizer="minibatch")},
    "momentum": {"train": TrainConfig(optimizer="momentum"), "duration": 2.0},
    "nesterov": {"train": TrainConfig(optimizer="nesterov")},
    "adam": {"train": TrainConfig(optimizer="adam")},
    "diverging": {"train": TrainConfig(lr="large")},
    "standardised-csv": {"csv": True},
}
PRESETS = ("momentum", "optimizers", "normalize", "mae-vs-mse", "ridge", "bad-start",
           "sgd-vs-batch")  # fmt: skip

CASES = [(scene, family) for scene in SCENES for family in FAMILIES]
CASES += [("compare", preset) for preset in PRESETS]
# Two features: the squared losses only, the houses lesson.
CASES += [("feature-scaling", family) for family in ("default", "diverging")]

#: Math typed as code: ``x_i``, ``w_1``, ``H_δ``.
CODE_MATH = re.compile(r"\w_\w")
#: A point written as a pair of numbers, which thousands separators make ambiguous.
NUMBER_PAIR = re.compile(r"\(\s*[−-]?[\d.,]+\s*,\s*[−-]?[\d.,]+\s*\)")
#: Words a line must not end with: the phrase they start would be cut.
CLINGING = {"a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with"}
SIGNS = ("=", "+", "−", "×", "·", "≈", "→")


def _spec(scene: str, family: str, tmp_path: Any) -> RenderSpec:
    if scene == "compare":
        return RenderSpec(scene="compare", preset=family, quality="low")
    kw = dict(FAMILIES[family])
    if kw.pop("csv", False):
        path = tmp_path / "heights.csv"
        rows = "".join(f"{i},{60 + i * 0.3},{100 + i * 1.9 + (i % 3)}\n" for i in range(30))
        path.write_text(",height,weight\n" + rows)
        kw["data_path"] = str(path)
    return RenderSpec(scene=scene, quality="low", **kw)


def check_cue(cue: captions.Cue) -> None:
    """``cue`` keeps to practice and breaks its lines where a reader would."""
    assert not captions.practice_problems(cue), (cue, captions.practice_problems(cue))
    lines = cue.text.split("\n")
    assert 1 <= len(lines) <= 2 and all(0 < len(line) <= 42 for line in lines), cue
    for line in lines:
        assert line.split(" ")[-1].lower() not in CLINGING, (line, cue)
        # a formula too long for a line goes on after its equals sign, on the next one
        # (a negative number may begin a line: "−1.48 under mse.")
        opens = line.startswith(SIGNS[1:]) and not re.match(r"−\.?\d", line)
        assert not line.endswith(SIGNS) and not opens, (line, cue)
    shown = cue.end - cue.start
    assert 1.0 - 1e-3 <= shown <= 7.0 + 1e-3, cue
    assert len(" ".join(lines)) / shown <= READING_CPS * 1.001, cue


@pytest.mark.parametrize(("scene", "family"), CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_every_cue_keeps_to_broadcast_practice(tmp_path, scene, family):
    built = build_scene(_spec(scene, family, tmp_path), tmp_path)
    beats = built.renderer.file_writer.subcaptions
    assert beats, "the scene has captions"
    for beat in beats:
        text = beat.content
        start, end = beat.start.total_seconds(), beat.end.total_seconds()
        # the scene holds each beat until its cues can be read
        assert end - start >= captions.min_seconds(text) - 1e-3, (text, end - start)
        assert not CODE_MATH.search(text), text
        assert not NUMBER_PAIR.search(text), text
        cues = captions.to_practice(text, start, end)
        assert " ".join(c.text.replace("\n", " ") for c in cues) == " ".join(text.split())
        for cue in cues:
            check_cue(cue)
            assert start - 1e-3 <= cue.start and cue.end <= end + 1e-3
    if family == "standardised-csv":
        assert "x is standardised first" in beats[0].content

"""Every caption can be read: each cue stays up at least its length at 17 characters a second.

Scenes are built with every animation skipped to its end (the scene clock still runs), so the
cues of many configurations are checked at the cost of a few frames each.
"""

from __future__ import annotations

from typing import Any

import pytest

from gdanim.config import RenderSpec
from gdanim.media.captions import READING_CPS
from gdanim.trainer import TrainConfig
from tests.scene_tools import build_scene

pytestmark = pytest.mark.slow  # scenes built, LaTeX typeset

CASES: dict[str, dict[str, Any]] = {
    "descent-path": {},
    "descent-path-diverging": {"train": TrainConfig(lr="large")},
    "descent-path-mae-fast": {"train": TrainConfig(loss="mae"), "duration": 1.0},
    "descent-path-standardised-csv": {"csv": True},
    "learning-rates": {},
    "learning-rates-momentum": {"train": TrainConfig(optimizer="momentum"), "duration": 2.0},
    "hiker-bowl": {},
    "hiker-bowl-huber-housing": {"dataset": "housing", "train": TrainConfig(loss="huber")},
    "derivation-fast": {"train": TrainConfig(l2=0.5), "duration": 2.0},
    "feature-scaling-fast": {"duration": 1.0},
    "feature-scaling-large-rate": {"train": TrainConfig(lr="large"), "duration": 2.0},
}


def _spec(name: str, tmp_path: Any) -> RenderSpec:
    kw = dict(CASES[name])
    scene = next(s for s in ("descent-path", "learning-rates", "hiker-bowl", "derivation",
                             "feature-scaling") if name.startswith(s))  # fmt: skip
    if kw.pop("csv", False):
        path = tmp_path / "heights.csv"
        rows = "".join(f"{i},{60 + i * 0.3},{100 + i * 1.9 + (i % 3)}\n" for i in range(30))
        path.write_text(",height,weight\n" + rows)
        kw["data_path"] = str(path)
    return RenderSpec(scene=scene, quality="low", **kw)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_cue_can_be_read(tmp_path, name):
    scene = build_scene(_spec(name, tmp_path), tmp_path)
    cues = scene.renderer.file_writer.subcaptions
    assert cues, "the scene has captions"
    for cue in cues:
        shown = (cue.end - cue.start).total_seconds()
        # (cue times are kept to the microsecond)
        assert len(cue.content) / shown <= READING_CPS * 1.0001, (cue.content, shown)
    if "standardised" in name:
        assert "x is standardised first" in cues[0].content

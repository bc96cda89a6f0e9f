"""The Manim scene files in ``scenes/`` render under manim's own command line."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENES_DIR = os.path.join(ROOT, "scenes")
MANIM = os.path.join(os.path.dirname(sys.executable), "manim")

#: Each of gdanim's scenes has its file, and the own-scene example beside them.
FILES = {
    "descent_path.py": "DescentPath",
    "learning_rates.py": "LearningRates",
    "hiker_bowl.py": "HikerBowl",
    "derivation.py": "Derivation",
    "compare.py": "Compare",
    "feature_scaling.py": "FeatureScaling",
    "first_steps.py": "FirstSteps",
}


def scene_classes(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]


def manim(args: list[str], media: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MANIM, *args, "--disable_caching", "--media_dir", media],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_scene_has_a_file_and_one_class_each():
    assert sorted(f for f in os.listdir(SCENES_DIR) if f.endswith(".py")) == sorted(FILES)
    for name, cls in FILES.items():
        assert scene_classes(os.path.join(SCENES_DIR, name)) == [cls]


@pytest.mark.render
@pytest.mark.parametrize("name", sorted(FILES))
def test_scene_file_renders_its_last_frame(name, tmp_path):
    cls = FILES[name]
    done = manim(["-ql", "-s", f"scenes/{name}", cls], str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    pngs = [os.path.join(d, f) for d, _, fs in os.walk(tmp_path) for f in fs if f.endswith(".png")]
    frames = [p for p in pngs if os.path.basename(p).startswith(cls)]
    assert len(frames) == 1
    pixels = np.asarray(Image.open(frames[0]).convert("L"), dtype=np.float64)
    assert pixels.shape == (480, 854)
    assert pixels.std() > 10  # a picture, not an empty frame


@pytest.mark.render
def test_own_scene_renders_a_video_of_its_steps(tmp_path):
    done = manim(["-ql", "scenes/first_steps.py", "FirstSteps"], str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    video = os.path.join(tmp_path, "videos", "first_steps", "480p15", "FirstSteps.mp4")
    from gdanim.media.probe import video_info

    info = video_info(video)
    # A fade-in and three steps, each held until its caption can be read.
    assert 10 < info.duration < 40
    assert (info.width, info.height) == (854, 480)


def test_a_scene_without_a_run_says_how_to_give_one():
    pytest.importorskip("manim")
    from gdanim.errors import InputError
    from gdanim.scenes.descent_path import DescentPath

    with pytest.raises(InputError, match=r"inputs = gdanim.scene_inputs"):
        DescentPath()

"""Golden images of the widgets: each drawn alone and compared with its stored picture.

A widget that draws differently (a colour, a tick, a label moved or lost) changes many
pixels; text antialiasing that differs between cairo builds changes a few, by a little. The
comparison allows the second and catches the first. After an intended change, write the
pictures anew with ``GDANIM_UPDATE_GOLDEN=1 pytest tests/test_widgets_golden.py`` and look at
them before committing.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import pytest
from manim import Scene, ValueTracker, tempconfig
from PIL import Image

from gdanim.config import TrainConfig
from gdanim.datasets import get_dataset
from gdanim.landscape import build_landscape
from gdanim.scenes.style import THEMES
from gdanim.scenes.widgets import DataPanel, LossContours, LossCurve, Panel, Readout
from gdanim.trainer import train

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
SIZE = (480, 270)
#: The mean difference (0-255) and the share of pixels off by more than 48 that are allowed.
MEAN_TOLERANCE = 1.5
OFF_SHARE_TOLERANCE = 0.004

pytestmark = pytest.mark.slow

#: This worker's own manim media folder (LaTeX and text outlines), set for the module.
MEDIA: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def private_media(tmp_path_factory: pytest.TempPathFactory):
    """Typesetting in a folder of this process's own: two workers drawing the same label
    into one folder could read each other's half-written SVG."""
    MEDIA["dir"] = str(tmp_path_factory.mktemp("golden-media"))
    yield
    MEDIA.clear()


def campaign_run():
    ds = get_dataset("campaign")
    cfg = TrainConfig(lr=0.01, epochs=200)
    traj = train(ds, cfg)
    landscape = build_landscape(
        ds, cfg.resolve(ds).make_loss(), [(traj.w, traj.b, traj.loss, traj.diverged)]
    )
    return ds, traj, landscape


def widgets(theme_name: str) -> dict[str, Callable[[], object]]:
    theme = THEMES[theme_name]
    ds, traj, landscape = campaign_run()
    at = ValueTracker(40.0)  # the run's 40th update

    def curve() -> object:
        panel = LossCurve([traj], 10.0, 5.0, theme, 25.3)
        return panel.add(panel.curve(traj, at, theme.path))

    def data() -> object:
        panel = DataPanel(ds.x, ds.y, 10.0, 5.0, theme, ds.x_label, ds.y_label)
        w, b = map(float, traj.at(40.0))
        return panel.add(panel.line_through(w, b, theme.fit))

    return {
        "panel": lambda: Panel((0.0, 10.0), (-5.0, 5.0), 10.0, 5.0, theme, "x", "y"),
        "contours": lambda: LossContours(landscape, 10.0, 5.5, theme),
        "loss-curve": curve,
        "data": data,
        "readout": lambda: Readout(traj, at, theme, max_width=12.0),
    }


def draw(make: Callable[[], object], background: str) -> np.ndarray:
    """The mobject ``make`` builds, centred on a 16:9 frame, as an RGB array."""
    settings = {
        "pixel_width": SIZE[0],
        "pixel_height": SIZE[1],
        "frame_rate": 1,
        "background_color": background,
        "disable_caching": True,
        "write_to_movie": False,
        "verbosity": "ERROR",
        "media_dir": MEDIA["dir"],
        "tex_dir": os.path.join(MEDIA["dir"], "Tex"),
        "text_dir": os.path.join(MEDIA["dir"], "texts"),
    }
    with tempconfig(settings):
        scene = Scene()
        mob = make()
        mob.update()  # type: ignore[attr-defined]  # moving parts follow their tracker
        mob.move_to([0, 0, 0])  # type: ignore[attr-defined]
        scene.add(mob)  # type: ignore[arg-type]
        scene.renderer.update_frame(scene)
        frame = scene.renderer.get_frame()
    return np.asarray(frame[:, :, :3], dtype=np.uint8)


def differs(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    return float(diff.mean()), float((diff > 48).mean())


CASES = [(theme, name) for theme in ("dark", "light") for name in widgets("dark")]


@pytest.mark.parametrize(("theme", "name"), CASES)
def test_widget_draws_as_its_golden_image(theme, name):
    picture = draw(widgets(theme)[name], THEMES[theme].background)
    path = os.path.join(GOLDEN, f"{name}-{theme}.png")
    if os.environ.get("GDANIM_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        Image.fromarray(picture).save(path, optimize=True)
    golden = np.asarray(Image.open(path).convert("RGB"))
    assert golden.shape == picture.shape
    mean, off = differs(picture, golden)
    assert mean <= MEAN_TOLERANCE and off <= OFF_SHARE_TOLERANCE, (mean, off)


def test_the_comparison_sees_a_widget_drawn_otherwise():
    """The same widget in the other theme, or on other data, is far outside the tolerance."""
    dark = np.asarray(Image.open(os.path.join(GOLDEN, "contours-dark.png")).convert("RGB"))
    light = draw(widgets("light")["contours"], THEMES["dark"].background)
    mean, off = differs(dark, light)
    assert mean > MEAN_TOLERANCE or off > OFF_SHARE_TOLERANCE
    theme = THEMES["dark"]
    # A panel a tenth narrower, its ticks relabelled: a layout change of a few pixels.
    other = draw(lambda: Panel((0.0, 20.0), (-5.0, 5.0), 9.0, 5.0, theme, "x", "y"), "#101216")
    panel = np.asarray(Image.open(os.path.join(GOLDEN, "panel-dark.png")).convert("RGB"))
    mean, off = differs(other, panel)
    assert mean > MEAN_TOLERANCE or off > OFF_SHARE_TOLERANCE, (mean, off)

"""The scene registry drives everything scene-specific: a new entry is all a scene needs.

A toy scene is registered (the registry monkeypatched) and the spec's checks, prepare, the
lecture file and the default data follow its entry, with nothing else changed.
"""

from __future__ import annotations

import dataclasses

import pytest

from gdanim.config import RenderSpec
from gdanim.config.fields import rule
from gdanim.errors import InputError
from gdanim.lectures.file import parse_lecture
from gdanim.pipeline import prepare as pipeline
from gdanim.scenes import registry
from gdanim.scenes.registry import SCENES, SceneInfo, load, scene_options

CALLS: list[tuple[str, str | None]] = []


def prepare_toy(spec: RenderSpec, dataset: object = None) -> pipeline.SceneInputs:
    """The toy's preparation: learning-rates' runs, noted so the test sees the call."""
    CALLS.append((spec.scene, spec.dataset))
    return pipeline.prepare_rates(spec, None)


def check_toy(spec: RenderSpec) -> None:
    if spec.lrs is not None and len(spec.lrs) != 2:
        raise rule("takes exactly two rates in {lrs}", "lrs")


@pytest.fixture
def toy(monkeypatch):
    CALLS.clear()
    info = SceneInfo(
        "tests.toy_scene",
        "Toy",
        "two rates side by side, on the uniform lesson",
        prepare=f"{__name__}:prepare_toy",
        options=("lrs",),
        check=f"{__name__}:check_toy",
        default_dataset="uniform",
    )
    monkeypatch.setitem(SCENES, "toy", info)
    return info


def test_every_entry_names_functions_that_exist():
    for name, info in SCENES.items():
        assert callable(load(info.prepare)), name
        if info.check is not None:
            assert callable(load(info.check)), name
        assert info.features in (1, 2)
        assert info.shows.endswith("."), name  # the transcript says what it shows
        for option in info.options:
            assert option in RenderSpec.model_fields, (name, option)
    assert scene_options() == {
        "form": ("derivation",),
        "lrs": ("learning-rates",),
        "preset": ("compare",),
        "vary": ("compare",),
    }


def test_the_checks_follow_the_entry(toy):
    spec = RenderSpec.parse({"scene": "toy", "lrs": "0.001,0.01"}, "cli")
    assert spec.lrs == (0.001, 0.01)
    # Another scene refuses the option, naming every scene that takes it.
    with pytest.raises(InputError, match=r"^--lrs: only learning-rates, toy takes --lrs$"):
        RenderSpec.parse({"scene": "descent-path", "lrs": "0.001,0.01"}, "cli")
    # The toy's own check, as the source spells the key.
    with pytest.raises(InputError, match=r"^lrs: takes exactly two rates in lrs$"):
        RenderSpec.parse({"scene": "toy", "lrs": [0.001, 0.01, 0.1]}, "python")
    # The toy does not take compare's options, and learning-rates keeps its own check.
    with pytest.raises(InputError, match="only compare takes --preset"):
        RenderSpec.parse({"scene": "toy", "preset": "momentum"}, "cli")
    with pytest.raises(InputError, match="does not go with --trajectory"):
        RenderSpec.parse({"scene": "learning-rates", "lrs": "0.1,0.2", "trajectory": "x"}, "cli")


def test_prepare_calls_the_entry_and_its_default_data(toy):
    inputs = pipeline.prepare(RenderSpec.parse({"scene": "toy", "lrs": "0.001,0.01"}, "cli"))
    assert CALLS == [("toy", None)]
    assert inputs.dataset.name == "uniform"  # the entry's default_dataset
    assert [r.lr for r in inputs.runs] == [0.001, 0.01]
    # Without lrs the learning-rates preparation gives its three regimes.
    inputs = pipeline.prepare(RenderSpec(scene="toy"))
    assert [r.label for r in inputs.runs] == ["small", "right", "large"]


def test_features_follow_the_entry(monkeypatch, toy):
    monkeypatch.setitem(SCENES, "toy", dataclasses.replace(toy, features=2))
    campaign = pipeline.load_spec_data(RenderSpec())
    with pytest.raises(InputError) as err:
        pipeline.check_features(RenderSpec(scene="toy"), campaign)
    assert str(err.value) == (
        "toy draws two features; 'campaign' has one feature (choose two columns with --x a,b, "
        "or --dataset uniform)"
    )


def test_the_lecture_file_follows_the_entry(toy):
    lec = parse_lecture({"lrs": [0.001, 0.01], "scenes": ["descent-path", "toy", "learning-rates"]})
    # The file's rates reach the scenes that take them; its implicit data is the lesson's.
    assert [(s.spec.scene, s.spec.lrs) for s in lec.scenes] == [
        ("descent-path", None),
        ("toy", (0.001, 0.01)),
        ("learning-rates", (0.001, 0.01)),
    ]
    assert [s.spec.dataset for s in lec.scenes] == ["campaign", None, "campaign"]
    # The file's default is checked once at the top with the scene's own check.
    with pytest.raises(InputError, match=r"^lecture.toml: lrs: takes exactly two rates"):
        parse_lecture({"lrs": [0.001, 0.01, 0.1], "scenes": ["toy"]})


def test_a_file_sets_each_scenes_own_options_at_the_top():
    """Rates for the learning-rates scenes and an experiment for the compare scenes, both
    at the top: each reaches the scenes that take it."""
    lec = parse_lecture(
        {"lrs": [0.001, 0.01], "vary": "l2=0,10", "scenes": ["learning-rates", "compare"]}
    )
    assert [(s.spec.lrs, s.spec.vary) for s in lec.scenes] == [
        ((0.001, 0.01), None),
        (None, ("l2", (0.0, 10.0))),
    ]


def test_the_registry_imports_nothing_heavy():
    assert registry.__name__ == "gdanim.scenes.registry"
    with open(registry.__file__, encoding="utf-8") as fh:
        text = fh.read()
    assert "manim" not in text.replace("no manim", "")


def test_the_scene_that_draws_the_inputs():
    """compare varying normalize on two features makes feature-scaling's pair of runs, and
    feature-scaling draws them: the render and the narration script alike."""
    pair = pipeline.prepare(
        RenderSpec.parse({"scene": "compare", "vary": "normalize=false,true", "dataset": "houses"})
    )
    assert pair.scaling is not None and pair.scene == "feature-scaling"
    assert pipeline.prepare(RenderSpec(scene="learning-rates")).scene == "learning-rates"


def test_a_scenes_default_data_names_its_file_and_its_dry_run():
    from gdanim.lectures.command import describe_jobs
    from gdanim.lectures.jobs import plan

    assert (
        RenderSpec(scene="feature-scaling")
        .default_name()
        .startswith("media/renders/feature-scaling-houses-")
    )
    assert (
        RenderSpec(scene="descent-path")
        .default_name()
        .startswith("media/renders/descent-path-campaign-")
    )
    lec = parse_lecture({"scenes": ["feature-scaling", "descent-path"]})
    lines = describe_jobs(plan(lec, "out"), "out")
    assert [line.split()[3] for line in lines] == ["houses", "campaign"]

"""A lecture's lists of names have one home (:mod:`gdanim.config.lecture`): the file's keys,
the command line's options and :func:`gdanim.lecture`'s keywords follow it."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from click.testing import CliRunner

import gdanim
from gdanim.cli import cli
from gdanim.config.lecture import EVERY_SCENE, FLAG_HELP, FLAGS, Lecture, LectureScene
from gdanim.config.spec import RenderSpec
from gdanim.errors import InputError
from gdanim.lectures.file import TOP_KEYS, parse_lecture, with_flags, with_options


def test_the_flags_are_the_lectures_on_off_fields():
    assert FLAGS == ("gif", "slides", "pptx", "handout")
    assert tuple(f.name for f in dataclasses.fields(Lecture) if f.type == "bool") == FLAGS
    assert ("title", "scenes", *FLAGS) == TOP_KEYS
    lec = parse_lecture({"slides": True, "scenes": ["descent-path"]})
    assert [getattr(lec, k) for k in FLAGS] == [False, True, False, False]
    with pytest.raises(InputError, match=r"^lecture.toml: pptx: 'yes' is not true or false$"):
        parse_lecture({"pptx": "yes"})


def test_the_command_line_takes_each_flag_and_each_option_for_every_scene():
    text = CliRunner().invoke(cli, ["lecture", "--help"], terminal_width=200).output
    for key in FLAGS:
        assert f"--{key} " in text
        assert FLAG_HELP[key].split(":")[0] in " ".join(text.split())
    for key in EVERY_SCENE:
        assert f"--{key}" in text


def test_the_python_keywords_are_the_same_with_types_and_defaults():
    params = inspect.signature(gdanim.lecture).parameters
    for key in FLAGS:
        assert params[key].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[key].default is False and params[key].annotation is bool
    for key in EVERY_SCENE:
        # None: the lecture file's own value stays.
        assert params[key].kind is inspect.Parameter.KEYWORD_ONLY and params[key].default is None
    assert params["duration"].annotation == (float | None)
    with pytest.raises(InputError, match=r"^colour: not a lecture option \(options: quality,"):
        gdanim.lecture(colour="red")
    with pytest.raises(InputError, match=r"^gif: 'yes' is not true or false$"):
        gdanim.lecture(gif="yes")


def test_every_scene_options_and_flags_apply_to_a_lecture():
    lec = Lecture((LectureScene("a", RenderSpec(scene="descent-path", width=320, height=180)),))
    high = with_options(lec, quality="high", theme="light", fps=None)
    (scene,) = high.scenes
    assert (scene.spec.quality, scene.spec.width, scene.spec.theme) == ("high", None, "light")
    assert with_options(lec, fps=None) is lec
    assert with_flags(lec, gif=True, slides=False).gif and not with_flags(lec, slides=False).slides
    with pytest.raises(TypeError):
        with_options(lec, colour="red")
    with pytest.raises(TypeError):
        with_flags(lec, colour=True)


def test_the_manifest_records_each_flag():
    from gdanim.lectures.records import Options

    assert tuple(k for k in Options.model_fields if k in FLAGS) == FLAGS
    assert set(Options.model_fields) == {"jobs", "scheduler", "force", *FLAGS}

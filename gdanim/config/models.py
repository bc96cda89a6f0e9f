"""The configuration model: every option, its default, its check and its help, once.

:class:`TrainConfig` (a run), :class:`RenderSpec` (a render: data, training, output) are
frozen pydantic models. The command line (:mod:`gdanim.cli.options` builds its options from
the fields), the lecture file (:mod:`gdanim.lectures.file`) and the Python API all validate
through them, so an option is declared, checked and documented in one place. Each field's
:class:`Opt` carries its check (:mod:`gdanim.config.checks`) and its help line.

Keys are the lecture file's and the Python keywords' (``data``, ``x``, ``batch_size``); the
command line spells them ``--data``, ``--x``, ``--batch-size``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import Self

from . import checks
from .names import (
    ASPECTS,
    DEFAULT_QUALITY,
    DURATION,
    FORMATS,
    FPS,
    GIF_RATES,
    MAX_EPOCHS,
    MISSING_POLICIES,
    QUALITIES,
    THEMES,
)

if TYPE_CHECKING:
    from ..datasets import Dataset
    from ..landscape import Analysis
    from ..losses import Loss

Source = Literal["python", "cli", "toml"]


def _losses() -> list[str]:
    from ..losses import LOSSES

    return sorted(LOSSES)


def _optimizers() -> list[str]:
    from ..optimizers import OPTIMIZERS

    return sorted(OPTIMIZERS)


def _datasets() -> list[str]:
    from ..datasets import DATASETS

    return sorted(DATASETS)


def _presets() -> list[str]:
    from ..experiments import PRESETS

    return list(PRESETS)


def _check_vary(v: Any, text: bool = False) -> Any:
    from ..experiments import check_vary

    return check_vary(v, text)


def _scenes() -> list[str]:
    from ..scenes.registry import SCENES

    return list(SCENES)


@dataclass(frozen=True)
class Opt:
    """A field's check and its command-line form.

    ``choices`` (a list or a function giving one) makes the command-line option a choice;
    ``flag`` overrides the option's declaration (``--normalize/--no-normalize``).
    """

    check: checks.Check
    help: str
    choices: Sequence[str] | Callable[[], Sequence[str]] | None = None
    metavar: str | None = None
    flag: str | None = None

    def choice_list(self) -> list[str] | None:
        if self.choices is None:
            return None
        return list(self.choices() if callable(self.choices) else self.choices)

    def validate(self, value: Any, info: ValidationInfo) -> Any:
        text = bool(info.context and info.context.get("text"))
        try:
            return self.check(value, text)
        except checks.Bad as exc:
            raise PydanticCustomError("gdanim", "{message}", {"message": exc.message}) from None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.with_info_plain_validator_function(self.validate)


def _choice(names: Sequence[str] | Callable[[], Sequence[str]]) -> checks.Check:
    def check(v: Any, text: bool = False) -> Any:
        options = list(names() if callable(names) else names)
        return checks.choice(options)(v, text)

    return check


def rule(message: str, key: str) -> PydanticCustomError:
    """An error that concerns several options: ``{key}`` names in ``message`` are spelt as
    the source spells them (``{data}`` is ``--data`` on the command line)."""
    return PydanticCustomError("gdanim", "{message}", {"message": message, "key": key, "rule": 1})


def _drop_none(data: Any) -> Any:
    """``None`` means the default, whatever the field."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v is not None}
    return data


class Model(BaseModel):
    """A frozen, validated model: unknown keys are refused, ``None`` means the default.

    Built directly (``TrainConfig(lr=0.1)``) a bad value raises pydantic's
    ``ValidationError`` (a ``ValueError``); :meth:`parse` gives the one-line
    :class:`~gdanim.errors.InputError` the user reads.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True)

    @classmethod
    def parse(
        cls,
        data: dict[str, Any],
        source: Source = "python",
        label: Callable[[str], str] | None = None,
    ) -> Any:
        """Validate ``data`` from ``source`` (``"cli"``: values are the command line's text).

        Any problem is one :class:`~gdanim.errors.InputError` line naming the key as the source
        spells it; ``label`` maps a key to its place (``scenes[3].lr``).
        """
        from .errors import input_error

        try:
            return cls.model_validate(data, context={"text": source == "cli"})
        except ValidationError as exc:
            raise input_error(exc, source, label) from None

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, checked like the original."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        out: Self = type(self).parse(values)
        return out

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return _drop_none(data)


# --------------------------------------------------------------------------------------------
# A run


class TrainConfig(Model):
    """Everything a run depends on; ``None`` fields take the dataset's defaults.

    ``normalize=None`` (the default) standardises one's own data when gradient descent on raw
    x could not converge within the update budget
    (:func:`~gdanim.datasets.conditioning.needs_standardizing`); the built-in lessons keep raw x.
    """

    loss: Annotated[str | None, Opt(_choice(_losses), "Loss function.", choices=_losses)] = None
    optimizer: Annotated[str, Opt(_choice(_optimizers), "Update rule.", choices=_optimizers)] = "gd"
    lr: Annotated[
        float | str | None,
        Opt(checks.rate, "Learning rate: a number or small/right/large.", metavar="LR"),
    ] = None
    epochs: Annotated[
        int | None, Opt(checks.integer(0, MAX_EPOCHS), "Number of updates.", metavar="N")
    ] = None
    init: Annotated[
        tuple[float, float] | None,
        Opt(checks.point, "Starting point 'W,B' in data units.", metavar="W,B"),
    ] = None
    l2: Annotated[float, Opt(checks.number(0), "Ridge penalty (l2/2) w^2.", metavar="L2")] = 0.0
    delta: Annotated[
        float, Opt(checks.number(0, lo_open=True), "Huber threshold.", metavar="DELTA")
    ] = 1.0
    momentum: Annotated[
        float,
        Opt(checks.number(0, 1, hi_open=True), "Momentum/Nesterov beta, Adam beta1.", metavar="B"),
    ] = 0.9
    batch_size: Annotated[int, Opt(checks.integer(1), "Minibatch size.", metavar="N")] = 16
    seed: Annotated[int, Opt(checks.integer(), "Seed for sgd/minibatch.", metavar="N")] = 0
    normalize: Annotated[
        bool | None,
        Opt(
            checks.boolean,
            "Standardise x before training [default: on your own data where raw x is too "
            "ill-conditioned for gradient descent; off on the built-in lessons].",
            flag="--normalize/--no-normalize",
        ),
    ] = None

    def make_loss(self, dataset: Dataset) -> Loss:
        from ..losses import make_loss

        return make_loss(self.loss or dataset.loss, l2=self.l2, delta=self.delta)

    def resolve(self, dataset: Dataset) -> TrainConfig:
        """A copy with every default filled in and ``lr`` a number."""
        from ..trainer import resolve

        return resolve(self, dataset)

    def analysis(self, dataset: Dataset) -> Analysis:
        """The landscape's analysis for this (resolved) configuration."""
        from ..landscape import analyze

        return analyze(
            dataset,
            self.make_loss(dataset),
            self.optimizer,
            momentum=self.momentum,
            batch_size=self.batch_size,
            normalize=bool(self.normalize),
            init=self.init,
        )

    def standardizes(self, dataset: Dataset) -> bool:
        """Whether x is standardised: as asked, else where the raw problem needs it."""
        from ..datasets.conditioning import needs_standardizing

        if self.normalize is not None:
            return self.normalize
        return dataset.auto_standardize and needs_standardizing(dataset.x)

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["init"] = list(self.init) if self.init is not None else None
        return d


TRAIN_KEYS = tuple(TrainConfig.model_fields)


# --------------------------------------------------------------------------------------------
# A render

#: Scenes that train several runs side by side, from ``lrs``.
LRS_SCENES = ("learning-rates",)
#: Scenes that vary one training option, from ``vary`` or ``preset``.
VARY_SCENES = ("compare",)


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
    "Your own table: CSV/TSV/text export (any delimiter, decimal comma, UTF-8/UTF-16/Latin-1) "
    "or a spreadsheet (.xlsx, .xls, .ods)."
)
QUALITY_HELP = (
    "low 480p15, medium 720p30, high 1080p60, 4k 2160p60 [default: medium; gif: low; png: high]"
)
RESOLUTION_HELP = "WIDTHxHEIGHT (even), overrides --quality."
VARY_HELP = (
    "compare: one training option and 2 to 4 values, e.g. optimizer=gd,momentum, "
    "l2=0,10, 'init=0,0;150,-300' (any of optimizer, loss, lr, normalize, l2, init, "
    "momentum, batch-size, delta, seed)."
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

    scene: Annotated[str, Opt(_choice(_scenes), "The scene.", choices=_scenes)] = "descent-path"
    dataset: Annotated[
        str | None,
        Opt(_choice(_datasets), "A built-in dataset (see `gdanim datasets`).", choices=_datasets),
    ] = None
    data_path: Annotated[str | None, Opt(checks.path, DATA_HELP, metavar="PATH")] = Field(
        None, alias="data"
    )
    x_col: Annotated[
        str | None,
        Opt(checks.column, "x column: header name or 0-based index [default: first numeric]."),
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
            _choice(_presets),
            "compare: a lesson's experiment by name (listed below).",
            choices=_presets,
        ),
    ] = None
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

    #: Keys that are not fields: ``resolution`` sets width and height.
    EXTRA_KEYS: ClassVar[tuple[str, ...]] = ("resolution",)

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        """Training keys given flat go into ``train``; ``resolution`` into width and height."""
        if not isinstance(data, dict):
            return data
        data = _drop_none(data)
        if "preset" in data:
            from ..experiments import expand_preset

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
        if self.lrs is not None:
            if self.scene not in LRS_SCENES:
                raise rule(f"only {', '.join(LRS_SCENES)} takes {{lrs}}", "lrs")
            if self.trajectory_path:
                raise rule("trains its own runs; it does not go with {trajectory}", "lrs")
        for key, given in (("preset", self.preset is not None), ("vary", self.vary is not None)):
            if given and self.scene not in VARY_SCENES:
                raise rule(f"only {', '.join(VARY_SCENES)} takes {{{key}}}", key)
        if self.scene in VARY_SCENES:
            self._check_compare()
        return self

    def _check_compare(self) -> None:
        from ..experiments import USED_BY

        if self.vary is None:
            raise rule(
                "compares runs: give {vary} (e.g. optimizer=gd,momentum) or {preset}", "vary"
            )
        if self.trajectory_path:
            raise rule("trains its own runs; it does not go with {trajectory}", "vary")
        key = self.vary[0]
        users = USED_BY.get(key)
        if users and self.train.optimizer not in users:
            raise rule(
                f"{key.replace('_', '-')} changes only {', '.join(users)} runs; "
                f"the optimizer is {self.train.optimizer}: set {{optimizer}}",
                "vary",
            )
        if key == "delta" and self.train.loss != "huber":
            raise rule("delta changes only huber runs: set {loss} huber", "vary")

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``; a preset fills in its ``vary`` again."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        if self.preset is not None and "vary" not in changes:
            values.pop("vary")
        values.update(changes)
        out: Self = type(self).parse(values)
        return out

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

    def key(self, content: dict[str, str] | None = None) -> str:
        """Hash of the spec, the input files' contents and the versions."""
        from ..pipeline.identity import spec_key

        return spec_key(self, content)

    def default_name(self, data_name: str | None = None) -> str:
        """A readable output path under ``media/`` (``data_name``: data held in memory)."""
        import os

        data = (
            data_name
            or self.dataset
            or (
                os.path.splitext(os.path.basename(self.data_path))[0]
                if self.data_path
                else "campaign"
            )
        )
        w, h = self.pixel_size
        parts = [self.scene, data]
        if self.theme != "dark":
            parts.append(self.theme)
        parts.append(f"{h}p{self.frame_rate}" if self.format != "png" else f"{w}x{h}")
        return os.path.join("media", "renders", "-".join(parts) + "." + self.format)


def field_opt(model: type[BaseModel], name: str) -> Opt:
    """The :class:`Opt` of a field."""
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, Opt):
            return meta
    raise KeyError(name)


def key_of(model: type[BaseModel], name: str) -> str:
    """A field's key as the user writes it (its alias, else its name)."""
    return model.model_fields[name].alias or name


def all_keys() -> list[str]:
    """Every key a render takes, as the user writes them."""
    keys = [key_of(RenderSpec, n) for n in RenderSpec.model_fields if n != "train"]
    return [*keys, *TRAIN_KEYS, *RenderSpec.EXTRA_KEYS]

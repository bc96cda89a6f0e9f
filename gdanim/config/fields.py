"""The field machinery of the configuration models: :class:`Opt`, :func:`rule`, :class:`Model`.

Each model field's :class:`Opt` carries its check (:mod:`gdanim.config.checks`) and its help
line; :class:`Model` is the frozen base that refuses unknown keys and turns a validation error
into the one line the user reads. The models are :mod:`gdanim.config.train` (a run) and
:mod:`gdanim.config.spec` (a render).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from . import checks

Source = Literal["python", "cli", "toml"]


@dataclass(frozen=True)
class Varies:
    """How ``compare`` varies a training option, and how the screen speaks of it.

    ``words`` name the option in a title (``the momentum β``); ``label`` names a run from its
    value and the run's other options (``minibatch of 16``; by default ``KEY = VALUE``);
    ``surface``: the option changes the loss surface, so each run gets its own contour panel;
    ``used_by``: the optimizers that read it (``None``: every one), since varying it under
    another optimizer would change nothing.
    """

    words: str
    label: Callable[[Any, Mapping[str, Any]], str] | None = None
    surface: bool = False
    used_by: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Opt:
    """A field's check and its command-line form.

    ``choices`` (a list or a function giving one) makes the command-line option a choice;
    ``flag`` overrides the option's declaration (``--normalize/--no-normalize``); ``varies``
    lets ``compare`` vary a training option (:class:`Varies`).
    """

    check: checks.Check
    help: str
    choices: Sequence[str] | Callable[[], Sequence[str]] | None = None
    metavar: str | None = None
    flag: str | None = None
    varies: Varies | None = None

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


def choice_from(names: Sequence[str] | Callable[[], Sequence[str]]) -> checks.Check:
    """:func:`checks.choice` of ``names``, or of the list a function gives when a value is
    checked (registries imported only then)."""

    def check(v: Any, text: bool = False) -> Any:
        options = list(names() if callable(names) else names)
        return checks.choice(options)(v, text)

    return check


def rule(message: str, key: str) -> PydanticCustomError:
    """An error that concerns several options: ``{key}`` names in ``message`` are spelt as
    the source spells them (``{data}`` is ``--data`` on the command line)."""
    return PydanticCustomError("gdanim", "{message}", {"message": message, "key": key, "rule": 1})


def drop_none(data: Any) -> Any:
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
            raise input_error(exc, source, cls, cls.known_keys(), label) from None

    @classmethod
    def known_keys(cls) -> list[str]:
        """Every key the model takes, as the user writes them."""
        return [key_of(cls, name) for name in cls.model_fields]

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, checked like the original."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        out: Self = type(self).parse(values)
        return out

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return drop_none(data)


def field_opt(model: type[BaseModel], name: str) -> Opt:
    """The :class:`Opt` of a field."""
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, Opt):
            return meta
    raise KeyError(name)


def key_of(model: type[BaseModel], name: str) -> str:
    """A field's key as the user writes it (its alias, else its name)."""
    return model.model_fields[name].alias or name

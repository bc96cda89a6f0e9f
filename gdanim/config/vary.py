"""What ``vary`` and ``preset`` accept: one training option varied over 2 to 4 values, and
the lessons' experiments by name.

``vary`` names one training option and its values (``optimizer=gd,momentum``); the compare
scene trains one run per value, everything else alike. A preset is a lesson's experiment by
name: its data, its options and the values that make its lesson show plainly. Plain data
and checks (no numpy at import); :mod:`gdanim.experiments` says in words what the runs show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .checks import Bad, choice, show
from .fields import Varies, field_opt
from .train import TrainConfig


def _varies(name: str) -> Varies | None:
    return field_opt(TrainConfig, name).varies


def varies(key: str) -> Varies:
    """How ``compare`` varies the training option ``key``."""
    how = _varies(key)
    if how is None:
        raise KeyError(key)
    return how


#: The training options ``vary`` takes: those whose field says how (:class:`Varies`).
VARY_KEYS = tuple(name for name in TrainConfig.model_fields if _varies(name) is not None)
#: Options that change the loss surface (or the coordinates the optimizer sees): each run gets
#: its own contour panel. The others share one surface: one map, every path on it.
OWN_SURFACE = tuple(key for key in VARY_KEYS if varies(key).surface)
MIN_VALUES, MAX_VALUES = 2, 4
#: Which optimizers read an option; varying it under another optimizer changes nothing.
USED_BY = {key: users for key in VARY_KEYS if (users := varies(key).used_by) is not None}

Vary = tuple[str, tuple[Any, ...]]


def spell(key: str, text: bool) -> str:
    """A key as the command line (``batch-size``) or Python and TOML (``batch_size``) write it."""
    return key.replace("_", "-") if text else key


def _key(word: Any, text: bool) -> str:
    if not isinstance(word, str):
        raise Bad(f"{show(word)} is not an option name")
    key = word.strip().replace("-", "_")
    if key not in VARY_KEYS:
        known = ", ".join(spell(k, text) for k in VARY_KEYS)
        raise Bad(f"{show(word.strip())} is not an option it can vary (one of {known})")
    return key


def _split(key: str, values: str) -> list[str]:
    """``gd,momentum`` or, for points, ``0,0;60,300``."""
    sep = ";" if key == "init" else ","
    return [p.strip() for p in values.split(sep) if p.strip()]


def check_vary(v: Any, text: bool = False) -> Vary:
    """``KEY=V1,V2[,V3[,V4]]`` (text), ``{KEY: [V1, V2, ...]}`` or ``(KEY, [V1, ...])``.

    Returns ``(key, values)`` with each value checked by the option's own check.
    """
    example = "e.g. optimizer=gd,momentum"
    cli = text  # keys are spelt as the source spells them; values in text are parsed
    if isinstance(v, str):
        if "=" not in v:
            raise Bad(f"{show(v)}: give KEY=V1,V2, {example}")
        word, _, rest = v.partition("=")
        key = _key(word, cli)
        raw: list[Any] = _split(key, rest)
        text = True
    elif isinstance(v, dict) and len(v) == 1:
        word, given = next(iter(v.items()))
        key = _key(word, text)
        if isinstance(given, str):
            raw, text = _split(key, given), True
        elif isinstance(given, (list, tuple)):
            raw = list(given)
        else:
            raise Bad(f"{show(given)}: give the values of {spell(key, text)} as a list")
    elif isinstance(v, (list, tuple)) and len(v) == 2 and isinstance(v[1], (list, tuple)):
        key = _key(v[0], text)
        raw = list(v[1])
    else:
        raise Bad(f"{show(v)}: give KEY=V1,V2, {example}")
    name = spell(key, cli)
    if not MIN_VALUES <= len(raw) <= MAX_VALUES:
        what = "one value" if len(raw) == 1 else f"{len(raw)} values"
        raise Bad(f"{name}: {what}; give {MIN_VALUES} to {MAX_VALUES} to compare, {example}")
    check = field_opt(TrainConfig, key).check
    values = []
    for item in raw:
        try:
            value = check(item, text)
        except Bad as exc:
            raise Bad(f"{name}: {exc.message}") from None
        if value in values:
            raise Bad(f"{name}: {show(item)} is given twice")
        values.append(value)
    return key, tuple(values)


# --------------------------------------------------------------------------------------------
# Presets


@dataclass(frozen=True)
class Preset:
    """A lesson's experiment: its title, its one-line lesson, its data, options and values."""

    name: str
    title: str
    lesson: str
    dataset: str
    vary: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def varied(self) -> Vary:
        return check_vary(self.vary, True)

    def settings(self) -> dict[str, Any]:
        """The spec keys the preset fills in, as a lecture file or Python would give them."""
        return {"dataset": self.dataset, "vary": self.varied, **self.options}


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "momentum", "Momentum against plain gradient descent",
            "gd against momentum at one rate: the heavy ball cuts across the valley",
            "campaign", "optimizer=gd,momentum",
        ),
        Preset(
            "optimizers", "Four optimizers, one race",
            "gd, momentum, nesterov and adam from one start on one bowl",
            "campaign", "optimizer=gd,momentum,nesterov,adam",
        ),
        Preset(
            "normalize", "Standardise x, then go fast",
            "raw against standardised x on x over [0, 50]: one crawls, one converges",
            "clean", "normalize=false,true", {"epochs": 2000},
        ),
        Preset(
            "mae-vs-mse", "MAE against MSE on outliers",
            "outliers pull the mse line up; the mae line stays near the median",
            "outliers", "loss=mse,mae",
        ),
        Preset(
            "ridge", "Ridge: L2 pulls the slope toward zero",
            "no L2 against L2 = 10: the slope halves",
            "campaign", "l2=0,10",
        ),
        Preset(
            "bad-start", "A bad start still gets there",
            "the default start against a worse one: the same optimum, more updates",
            "campaign", "init=0,0;-60,1000", {"epochs": 2000},
        ),
        Preset(
            "sgd-vs-batch", "Full batch, single point, minibatch",
            "the full batch settles; single points and minibatches keep jittering",
            "uniform", "optimizer=gd,sgd,minibatch",
            {"lr": 0.005, "epochs": 1000, "batch_size": 10},
        ),
    )
}  # fmt: skip


#: A preset's name, checked as any choice is.
check_preset = choice(tuple(PRESETS))


def presets_help() -> str:
    """One line per preset, for the command's help."""
    width = max(len(n) for n in PRESETS)
    return "\n".join(f"  {p.name:<{width}}  {p.lesson}" for p in PRESETS.values())


def expand_preset(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its preset's settings filled in where ``data`` does not set them.

    Its own data (``dataset`` or ``data``) and any training option given win over the
    preset's; a ``vary`` is an error (the preset is one).
    """
    name = check_preset(data["preset"], False)
    preset = PRESETS[name]
    out = dict(data)
    if "vary" in out:
        raise Bad("give {vary} or {preset}, not both", "vary")
    out["vary"] = preset.varied
    if "dataset" not in out and "data" not in out:
        out["dataset"] = preset.dataset
    train: Any = out.get("train")
    fields = getattr(train, "model_fields_set", None)
    given = set(fields) if fields is not None else set(train or {})
    for key, value in preset.options.items():
        if key not in out and key not in given:
            out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# Reading a comparison


def number_text(v: float) -> str:
    """A varied number as the screen writes it."""
    from ..numbers import fmt

    return fmt(float(v))


def value_label(key: str, value: Any, options: Mapping[str, Any]) -> str:
    """A run's name on screen: ``momentum``, ``standardised x``, ``L2 = 10``,
    ``start w = 0, b = 0`` (a point as a pair would read as three numbers with a thousands
    separator).

    ``options`` are the run's other options (a minibatch run is named by its batch size).
    """
    how = varies(key)
    if how.label is None:
        return f"{key} = {number_text(value) if isinstance(value, float) else value}"
    return how.label(value, options)

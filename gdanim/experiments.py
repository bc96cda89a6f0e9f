"""The experiments of the lessons: one training option varied over 2 to 4 values, and presets.

``vary`` names one training option and its values (``optimizer=gd,momentum``); the compare
scene trains one run per value, everything else alike. A preset is a lesson's experiment by
name: its data, its options and the values that make its lesson show plainly.

Plain data and checks here (no numpy at import): the configuration checks ``vary`` and
``preset`` through :func:`check_vary` and :func:`check_preset`; :mod:`gdanim.pipeline.prepare`
trains the runs; :func:`closing_line` says in numbers what they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config.checks import Bad, show

if TYPE_CHECKING:
    from .pipeline.prepare import SceneInputs

#: The training options ``vary`` takes, in the order the help lists them.
VARY_KEYS = (
    "optimizer", "loss", "lr", "normalize", "l2", "init", "momentum", "batch_size", "delta",
    "seed",
)  # fmt: skip
#: Options that change the loss surface (or the coordinates the optimizer sees): each run gets
#: its own contour panel. The others share one surface: one map, every path on it.
OWN_SURFACE = ("loss", "l2", "normalize", "delta")
MIN_VALUES, MAX_VALUES = 2, 4
#: Which optimizers read an option; varying it under another optimizer changes nothing.
USED_BY = {
    "momentum": ("momentum", "nesterov", "adam"),
    "batch_size": ("minibatch",),
    "seed": ("sgd", "minibatch"),
}

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
    from .config.fields import field_opt
    from .config.train import TrainConfig

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


def check_preset(v: Any, text: bool = False) -> str:
    if text and isinstance(v, str):
        v = v.strip()
    if not isinstance(v, str) or v not in PRESETS:
        raise Bad(f"{show(v)} is not one of {', '.join(PRESETS)}")
    return v


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
            "the default start against a far corner: the same optimum, more updates",
            "campaign", "init=0,0;150,-300",
        ),
        Preset(
            "sgd-vs-batch", "Full batch, single point, minibatch",
            "the full batch settles; single points and minibatches keep jittering",
            "uniform", "optimizer=gd,sgd,minibatch",
            {"lr": 0.005, "epochs": 1000, "batch_size": 10},
        ),
    )
}  # fmt: skip


def presets_help() -> str:
    """One line per preset, for the command's help."""
    width = max(len(n) for n in PRESETS)
    return "\n".join(f"  {p.name:<{width}}  {p.lesson}" for p in PRESETS.values())


def expand_preset(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its preset's settings filled in where ``data`` does not set them.

    Its own data (``dataset`` or ``data``) and any training option given win over the
    preset's; a ``vary`` is an error (the preset is one).
    """
    name = check_preset(data["preset"])
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


def value_text(key: str, value: Any) -> str:
    """A varied value as the user writes it (``gd``, ``0.01``, ``true``, ``60,300``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "init":
        return ",".join(_num(v) for v in value)
    if isinstance(value, float):
        return _num(value)
    return str(value)


def _num(v: float) -> str:
    from .numbers import fmt

    return fmt(float(v))


def value_label(key: str, value: Any, batch_size: int = 16) -> str:
    """A run's name on screen: ``momentum``, ``standardised x``, ``L2 = 10``, ``start (0, 0)``."""
    if key == "optimizer":
        return f"minibatch of {batch_size}" if value == "minibatch" else str(value)
    if key == "loss":
        return str(value)
    if key == "normalize":
        return "standardised x" if value else "raw x"
    if key == "init":
        return f"start ({_num(value[0])}, {_num(value[1])})"
    if key == "lr":
        return str(value) if isinstance(value, str) else f"lr = {_num(value)}"
    symbol = {"l2": "L2", "momentum": "β", "delta": "δ"}.get(key)
    if symbol:
        return f"{symbol} = {_num(value)}"
    if key == "batch_size":
        return f"batch of {value}"
    return f"seed {value}"


def key_words(key: str) -> str:
    """The option in words, for titles: ``the optimizer``, ``the start``."""
    return {
        "optimizer": "the optimizer", "loss": "the loss", "lr": "the learning rate",
        "normalize": "scaling x", "l2": "the L2 penalty", "init": "the start",
        "momentum": "the momentum β", "batch_size": "the batch size", "delta": "huber's δ",
        "seed": "the seed",
    }[key]  # fmt: skip


def median_residual(inputs: SceneInputs, i: int) -> float:
    """The median of the data's residuals ``y - (w x + b)`` under run ``i``'s final line."""
    import numpy as np

    t = inputs.runs[i].trajectory
    ds = inputs.dataset
    return float(np.median(ds.y - (float(t.w[-1]) * ds.x + float(t.b[-1]))))


def closing_line(inputs: SceneInputs) -> str:
    """What the comparison shows, in the runs' numbers: the last words of the scene."""
    from .numbers import count, fmt

    comp = inputs.comparison
    assert comp is not None
    runs = inputs.runs
    if comp.key == "l2":
        order = sorted(range(len(runs)), key=lambda i: comp.values[i])
        slopes = [fmt(float(runs[i].trajectory.w[-1])) for i in order]
        names = [runs[i].label for i in order]
        if len(runs) == 2:
            return (
                f"{names[1]} shrinks the slope from w = {slopes[0]} ({names[0]}) "
                f"to w = {slopes[1]}."
            )
        listed = ", ".join(f"w = {s} with {n}" for s, n in zip(slopes, names, strict=True))
        return f"The slope shrinks as L2 grows: {listed}."
    if comp.key == "loss" and {"mse", "mae"} <= set(comp.values):
        med = {v: median_residual(inputs, i) for i, v in enumerate(comp.values)}
        others = [f"the {v} line's {fmt(med[v], 3)}" for v in comp.values if v != "mae"]
        return (
            f"The mae line sits nearer the median: the median residual is "
            f"{fmt(med['mae'], 3)} under mae, against {', '.join(others)}."
        )
    converged = sorted(
        (i for i, r in enumerate(runs) if r.outcome.kind == "converged"),
        key=lambda i: runs[i].outcome.update,
    )
    parts = []
    if converged:
        times = []
        for k, i in enumerate(converged):
            u = runs[i].outcome.update
            words = count(u) if k else f"{count(u)} update" + ("" if u == 1 else "s")
            times.append(f"{runs[i].label} in {words}")
        line = "Reached the optimum: " + ", ".join(times)
        fast, slow = runs[converged[0]].outcome.update, runs[converged[-1]].outcome.update
        if len(converged) >= 2 and fast > 0 and slow / fast >= 1.5:
            line += f", {fmt(slow / fast, 2)} times as many"
            if len(converged) > 2:
                line += f" as {runs[converged[0]].label}"
        parts.append(line)
    # Runs that did the same are named together: "sgd, minibatch of 10: hovering ...".
    alike: dict[str, list[str]] = {}
    for r in runs:
        if r.outcome.kind != "converged":
            alike.setdefault(r.outcome.text, []).append(r.label)
    parts += [f"{' and '.join(names)}: {text}" for text, names in alike.items()]
    return "; ".join(parts) + "."


def rate_note(inputs: SceneInputs) -> str | None:
    """Why the runs' rates differ, when they do: each took its own safe rate."""
    from .numbers import fmt

    comp = inputs.comparison
    if comp is None or not comp.own_rates:
        return None
    rates = {round(r.lr, 12) for r in inputs.runs}
    if len(rates) < 2:
        return None
    listed = ", ".join(f"{r.label} {fmt(r.lr, 3)}" for r in inputs.runs)
    return f"each run takes its own safe rate: {listed}"

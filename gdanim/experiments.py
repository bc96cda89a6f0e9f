"""The experiments of the lessons in words: each run's value as the screen names it, and the
closing line that says in numbers what the runs show.

What ``vary`` and ``preset`` accept, and the presets themselves, are part of the
configuration (:mod:`gdanim.config.vary`); they are named here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config.vary import (
    MAX_VALUES,
    MIN_VALUES,
    OWN_SURFACE,
    PRESETS,
    USED_BY,
    VARY_KEYS,
    Preset,
    Vary,
    check_preset,
    check_vary,
    expand_preset,
    number_text,
    presets_help,
    spell,
    value_label,
    varies,
)

if TYPE_CHECKING:
    from .pipeline.prepare import SceneInputs

__all__ = [
    "MAX_VALUES",
    "MIN_VALUES",
    "OWN_SURFACE",
    "PRESETS",
    "USED_BY",
    "VARY_KEYS",
    "Preset",
    "Vary",
    "chatter_words",
    "check_preset",
    "check_vary",
    "closing_line",
    "critical_shares",
    "expand_preset",
    "key_words",
    "median_residual",
    "presets_help",
    "rate_note",
    "spell",
    "value_label",
    "value_text",
]


def value_text(key: str, value: Any) -> str:
    """A varied value as the user writes it (``gd``, ``0.01``, ``true``, ``60,300``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "init":
        return ",".join(number_text(v) for v in value)
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def key_words(key: str) -> str:
    """The option in words, for titles: ``the optimizer``, ``the start``."""
    return varies(key).words


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
        others = [f"{fmt(med[v], 3)} under {v}" for v in comp.values if v != "mae"]
        return (
            f"The mae line sits nearer the median: median residual "
            f"{fmt(med['mae'], 3)} under mae, {', '.join(others)}."
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
    return "; ".join(parts) + "." + valley_words(inputs)


#: A momentum run whose steps across the valley (along the steep direction of the loss's
#: curvature) reverse this often swings across it: said in words, since it looks like a fault.
SWINGING = 0.15
#: A bowl whose level curves are this many times longer than wide has a valley; below it is
#: about round, and momentum's swings can only run through the bottom and back.
VALLEY = 3.0
#: A run that passes the bottom by this share of its start's distance from it overshoots.
OVERSHOOT = 0.05
MOMENTUM_FAMILY = ("momentum", "nesterov")


@dataclass(frozen=True)
class Swing:
    """How a run moved over its bowl, in the coordinates its optimizer stepped in.

    ``stretch``: how many times longer than wide the level curves are (the square root of the
    curvature's condition number); ``across``: the share of consecutive steps whose parts
    along the steep direction point against each other; ``along``: the share of steps that
    move toward the bottom along the flat direction; ``overshoot``: how far past the bottom
    the run went, along the line from its start, as a share of the start's distance.
    """

    stretch: float
    across: float
    along: float
    overshoot: float

    @property
    def valley(self) -> bool:
        return self.stretch >= VALLEY


def swing(path: Any, x: Any, optimum: tuple[float, float], end: int | None = None) -> Swing:
    """Measure ``path`` (a run's states ``w``, ``b`` to state ``end``) on the bowl of the data
    ``x`` it was trained on, with its bottom at ``optimum``.

    The curvature of a squared loss is ``2 E[(x, 1)(x, 1)ᵀ]`` (:func:`prediction_metric`): its
    eigenvectors are the valley's steep and flat directions.
    """
    import numpy as np

    from .outcome import prediction_metric

    pts = np.column_stack([np.ravel(path.w)[:end], np.ravel(path.b)[:end]]).astype(np.float64)
    vals, vecs = np.linalg.eigh(prediction_metric(x))
    stretch = float(np.sqrt(vals[-1] / vals[0])) if vals[0] > 0 else math.inf
    steep, flat = vecs[:, -1], vecs[:, 0]
    steps = np.diff(pts, axis=0)
    tiny = 1e-12 * max(float(np.max(np.abs(pts))), 1.0)
    a = steps @ steep
    a = a[np.abs(a) > tiny]
    across = float(np.mean(a[:-1] * a[1:] < 0)) if a.size >= 2 else 0.0
    star = np.asarray(optimum, dtype=np.float64)
    to_star = (star - pts[:-1]) @ flat
    moved = steps @ flat
    live = np.abs(moved) > tiny
    along = float(np.mean(moved[live] * to_star[live] > 0)) if live.any() else 0.0
    start = pts[0] - star
    dist = float(np.linalg.norm(start))
    overshoot = 0.0
    if dist > 0:
        overshoot = max(0.0, -float(np.min((pts - star) @ (start / dist))) / dist)
    return Swing(stretch, across, along, overshoot)


def run_swing(inputs: SceneInputs, i: int) -> Swing:
    """:func:`swing` of run ``i`` up to where it converged, in its optimizer's coordinates
    (standardised x where the optimizer saw it: there its bowl is round)."""
    import numpy as np

    from .landscape import optimum

    run = inputs.runs[i]
    x = np.asarray(inputs.dataset.x, dtype=np.float64)
    comp = inputs.comparison
    std = comp.surfaces[i].standardized if comp is not None else inputs.standardized
    if run.path is not None and std is not None:
        x = (x - std.x_mean) / std.x_std
    settings = comp.surfaces[i].config if comp is not None else inputs.config
    star = optimum(x, inputs.dataset.y, settings.make_loss())
    end = max(3, run.outcome.update) + 1
    return swing(run.on_map, x, star, end)


def swing_words(inputs: SceneInputs) -> str:
    """What a momentum run's swings are, where it swings: across a valley, the zig-zag its
    velocity makes past the floor while the swings add up along the valley (with how much
    sooner than plain gradient descent it got there); on a round bowl, an overshoot through
    the bottom and back (and how much later than plain gradient descent, when it is)."""
    from .numbers import fmt

    runs = inputs.runs
    plain = [r for r in runs if r.trajectory.config.optimizer == "gd"]
    for i, r in enumerate(runs):
        t = r.trajectory
        if t.config.optimizer not in MOMENTUM_FAMILY or t.diverged:
            continue
        sw = run_swing(inputs, i)
        name = f"{r.label[0].upper()}{r.label[1:]}"
        if sw.valley and sw.across >= SWINGING:
            text = (
                f" {name} swings across the valley and back: its velocity carries each step "
                "past the floor, and the swings still add up along the valley"
            )
        elif not sw.valley and sw.overshoot >= OVERSHOOT:
            text = (
                f" {name} overshoots the bottom and swings back: the bowl is round, so there "
                "is no valley to cross, and its velocity carries it past the optimum"
            )
        else:
            continue
        for g in plain:
            if not r.outcome.kind == g.outcome.kind == "converged":
                continue
            mine, theirs = r.outcome.update, g.outcome.update
            if mine > 0 and theirs / mine >= 1.5:
                times = fmt(theirs / mine, 2)
                text += f", so it reaches the optimum {times} times sooner than {g.label}"
                break
            if theirs > 0 and mine / theirs >= 1.5:
                text += f"; it takes {fmt(mine / theirs, 2)} times as many updates as {g.label}"
                if not sw.valley:
                    text += ", whose steps on a round bowl already point at the bottom"
                break
        return text + "."
    return ""


#: A run on a loss with a bounded gradient (mae, huber) whose steps point against the one
#: before this often chatters about the fit rather than settling: said in words.
CHATTER = 0.5
#: Losses whose gradient keeps its size near the fit (each residual counts by its sign there).
SIGN_LOSSES = ("mae", "huber")


def chatter_words(inputs: SceneInputs) -> str:
    """Why a run on mae (or huber's linear part) turns into a band near the fit: its gradient
    does not shrink there, so its steps chatter back and forth along the valley."""
    from .outcome import reversal_share

    for r in inputs.runs:
        t = r.trajectory
        loss = t.config.get("loss")
        if loss not in SIGN_LOSSES or t.diverged or t.n_updates < 3:
            continue
        if reversal_share(t, 0, inputs.dataset.x) < CHATTER:
            continue
        why = (
            "each residual counts by its sign alone"
            if loss == "mae"
            else "beyond delta each residual counts by its sign alone"
        )
        return (
            f" The {r.label} path thickens into a band near the fit: its gradient keeps its size "
            f"there ({why}), so its steps chatter back and forth along the valley instead of "
            "shrinking."
        )
    return ""


def valley_words(inputs: SceneInputs) -> str:
    """For raw against standardised x: how stretched the raw valley was, in words.

    A level curve of the loss is an ellipse whose axes are in the ratio of the square root of
    the Hessian's condition number: ``" The valley was 42 times longer than wide; now it is
    round."``
    """
    import math

    from .numbers import fmt

    comp = inputs.comparison
    if comp is None or comp.key != "normalize" or True not in comp.values:
        return ""
    raw = [s for s, v in zip(comp.surfaces, comp.values, strict=True) if not v]
    if not raw or not math.isfinite(raw[0].analysis.condition_number):
        return ""
    stretch = math.sqrt(raw[0].analysis.condition_number)
    return f" The valley was {fmt(stretch, 2)} times longer than wide; now it is round."


#: Shares of the critical rate further apart than this ratio are said with the runs' numbers.
UNLIKE_SHARES = 1.2


def critical_shares(inputs: SceneInputs) -> list[float] | None:
    """Each run's rate as a share of its own critical rate, where the runs took their own
    rates at unlike shares (a raw run at half its critical rate, a standardised one at a
    tenth): a race between them is then partly a race between rates."""
    comp = inputs.comparison
    if comp is None or not comp.own_rates or len({round(r.lr, 12) for r in inputs.runs}) < 2:
        return None
    crits = [s.analysis.lr_critical for s in comp.surfaces]
    shares = [r.lr / c for r, c in zip(inputs.runs, crits, strict=True) if c]
    if len(shares) < len(crits):
        return None
    if max(shares) <= UNLIKE_SHARES * min(shares):
        return None
    return shares


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
    note = f"each run takes its own safe rate: {listed}"
    shares = critical_shares(inputs)
    if shares is not None:
        note += f" ({' and '.join(fmt(s, 2) for s in shares)} of their critical rates)"
    return note

"""The derivation's captions, in English, with the run's numbers."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from .data_lines import no_update_note, rate_name
from .first_step import FirstStep
from .losses import LossForms
from .tex import fmt_text

FloatArray = NDArray[np.float64]

# The loss's and the optimizer's words live on their classes; these are views by name.
LOSS_CAPTION = {name: cls.words_loss for name, cls in LOSSES.items()}
OUTER_CAPTION = {name: cls.words_outer_rule for name, cls in LOSSES.items() if cls.words_outer_rule}
OUTER_NAME = {name: cls.words_outer for name, cls in LOSSES.items()}
GRAD_W_CAPTION = {name: cls.words_grad_w for name, cls in LOSSES.items()}
GRAD_B_CAPTION = {name: cls.words_grad_b for name, cls in LOSSES.items()}
UPDATE_CAPTION = {name: cls.update_words for name, cls in OPTIMIZERS.items()}


#: What the picture beside the lines shows, said after the beat's own words.
PICTURE_WORDS = {
    "loss": "In the picture, each segment is one residual at the start line.",
    "grad_w": "In the picture, each residual is drawn as heavy as its xᵢ is far from 0.",
    "grad_b": "For b every residual counts the same: its pull is 1, not xᵢ.",
}


def captions(
    forms: LossForms,
    step: FirstStep,
    rate_origin: str | None = None,
    lr_critical: float | None = None,
) -> dict[str, str]:
    """One caption per beat, with this run's numbers; ``rate_origin`` says how the rate was
    chosen (``"the lesson's rate"``), ``lr_critical`` what share of the critical rate it is."""
    f = fmt_text
    name = forms.name
    loss = LOSSES[name]
    delta = f(forms.delta)
    out: dict[str, str] = {
        "model": (
            "The model: a line with slope w and intercept b predicts ŷᵢ = w xᵢ + b "
            "for each of the N data points."
        ),
        "loss": loss.words_loss.format(delta=delta),
    }
    if forms.l2:
        out["loss"] += (
            f" Plus the L2 penalty (λ/2) w² with λ = {f(forms.l2)}: it pulls the slope "
            "toward 0 and leaves the intercept alone."
        )
    out["loss_sub"] = (
        "Substitute ŷᵢ = w xᵢ + b. Now the loss is a function of w and b alone: "
        "the xᵢ and yᵢ are fixed numbers from the data."
    )
    if loss.words_outer_rule:
        out["outer"] = loss.words_outer_rule.format(delta=delta)
    out["inner_w"] = (
        "The chain rule, inside first: the residual yᵢ − (w xᵢ + b) changes with w only "
        "through −w xᵢ, so with b held fixed its derivative is −xᵢ."
    )
    out["chain_w"] = (
        f"Then outside: {loss.words_outer}, times the inner derivative −xᵢ, term by term "
        "through the sum."
    )
    if forms.l2:
        out["chain_w"] += " The penalty (λ/2) w² gives λw."
    # The screen's ∂L/∂w carries the penalty's + λw; so does the caption.
    penalty = f" + λw (the penalty, λ = {f(forms.l2)})" if forms.l2 else ""
    out["grad_w"] = loss.words_grad_w.format(penalty=penalty)
    out["inner_b"] = (
        "The same for b: with w held fixed, the residual yᵢ − (w xᵢ + b) changes with b at rate −1."
    )
    out["chain_b"] = "The outer derivative is the same; the inner one is now −1."
    if forms.l2:
        out["chain_b"] += " The penalty has no b in it, so it drops out."
    out["grad_b"] = loss.words_grad_b
    beta = f(step.hyper.get("momentum", 0.9))
    out["update"] = OPTIMIZERS[step.optimizer].update_words.format(batch=step.batch_size, beta=beta)
    if step.optimizer == "minibatch" and step.batch_size == step.n:
        out["update"] += " Here that is all the data, so each update is a full-batch step."

    g = loss.words_g
    start = (
        f"With this data: N = {step.n} points, starting from w₀ = {f(step.w0)}, b₀ = {f(step.b0)}."
    )
    if step.standardised:
        start += (
            f" x was standardised (mean {f(step.x_mean)}, std {f(step.x_std)}): w and b here "
            "are the slope and intercept on standardised x, where the optimizer steps."
        )
    if name == "mae":
        start += f" {step.n_above} points lie above the line and {step.n_below} below it."
    elif name == "huber":
        start += f" {step.n_clipped} of the {step.n} residuals are beyond δ, so they count as ±δ."
    if step.consistent:
        start += f" The sums: Σ {g} = {f(step.sum_g)} and Σ xᵢ {g} = {f(step.sum_xg)}."
    out["start"] = start

    k = loss.words_grad_scale.replace("N", str(step.n))
    if step.consistent:
        pen = f" + {f(forms.l2)} · {f(step.w0)}" if forms.l2 else ""
        grad = (
            f"The gradient at the start: ∂L/∂w = −({k}) · {f(step.sum_xg)}{pen} = {f(step.dw)} "
            f"and ∂L/∂b = −({k}) · {f(step.sum_g)} = {f(step.db)}."
        )
    else:
        grad = (
            f"The gradient at the start, as recorded: ∂L/∂w = {f(step.dw)}, ∂L/∂b = {f(step.db)}."
        )
    if step.batch != "full":
        grad += " That is over all the data; the run's first update saw only a random batch."
    else:
        grad += " " + direction(step.dw, step.db)
    out["gradient"] = grad
    out["step"] = step_caption(step, rate_origin, lr_critical)
    if step.has_update and step.w1 is not None and step.b1 is not None:
        onto = "."
        if step.loss0 is not None and step.loss1 is not None:
            onto = ", onto a lower contour." if step.loss1 < step.loss0 else ", onto a higher one."
        plain = abs(step.w0 - step.lr * step.dw - step.w1) <= 1e-9 * (
            abs(step.w0) + abs(step.w1) + 1
        ) and abs(step.b0 - step.lr * step.db - step.b1) <= 1e-9 * (abs(step.b0) + abs(step.b1) + 1)
        how = (
            "the step goes the other way, η times as long"
            if plain
            else "the first step goes downhill"
        )
        out["landing"] = (
            f"On the map, the gradient at the start points uphill; {how}, from "
            f"w = {f(step.w0)}, b = {f(step.b0)} to w = {f(step.w1)}, b = {f(step.b1)}{onto}"
            " The grey arrow shows the gradient's direction only, not its length."
        )
    for key, words in PICTURE_WORDS.items():
        if key in out:
            out[key] += " " + words
    if step.n_updates > 1:
        if step.diverged_at is not None:
            out["end"] = f"Repeat, and this run blows up: it diverged at update {step.diverged_at}."
        else:
            out["end"] = (
                f"Repeat: after {step.n_updates} updates the line is "
                f"w = {f(step.w_last)}, b = {f(step.b_last)}."
            )
    return out


def direction(dw: float, db: float) -> str:
    """Which way a step against the gradient ``(dw, db)`` moves w and b."""

    def move(g: float) -> str:
        return "raises" if g < 0 else ("lowers" if g > 0 else "leaves")

    if move(dw) == move(db):
        return f"A step against the gradient {move(dw)} both w and b."
    return f"A step against the gradient {move(dw)} w and {move(db)} b."


def step_caption(
    step: FirstStep, rate_origin: str | None = None, lr_critical: float | None = None
) -> str:
    f = fmt_text
    if not step.has_update:
        return no_update_note(step)
    assert step.w1 is not None and step.b1 is not None
    eta = f"η = {f(step.lr)}"
    # A regime's share of the critical rate says it all; else how the rate was chosen and
    # its share.
    share = rate_name(step.lr, lr_critical)
    if rate_name(step.lr, lr_critical, short=True) or not rate_origin:
        said = f"{eta} ({share})" if share else eta
    else:
        said = f"{eta} ({rate_origin}, {share})" if share else f"{eta} ({rate_origin})"
    opt = step.optimizer
    if opt == "adam":
        text = (
            f"At t = 1 the corrections make m̂ = g and ŝ = g², so Adam's first step moves each "
            f"parameter by about {said} against its gradient's sign: "
            f"w₁ = {f(step.w1)}, b₁ = {f(step.b1)}."
        )
    elif step.batch != "full":
        size = "one random point" if step.batch_size == 1 else f"{step.batch_size} random points"
        text = (
            f"The first update used {size}: with {said}, w₁ = {f(step.w1)} and "
            f"b₁ = {f(step.b1)}. The full-data gradient would have given "
            f"{f(step.w0 - step.lr * step.dw)} and {f(step.b0 - step.lr * step.db)}."
        )
    else:
        text = (
            f"One step with {said}: w₁ = {f(step.w0)} − {f(step.lr)} · ({f(step.dw)}) = "
            f"{f(step.w1)} and b₁ = {f(step.b0)} − {f(step.lr)} · ({f(step.db)}) = {f(step.b1)}."
        )
        if opt in ("momentum", "nesterov"):
            text += " The velocity starts at 0, so this first step is plain gradient descent's."
    if step.standardised and step.w1_data is not None and step.b1_data is not None:
        text += f" In data units the line is w = {f(step.w1_data)}, b = {f(step.b1_data)}."
    if step.loss0 is not None and step.loss1 is not None:
        verb = "falls" if step.loss1 < step.loss0 else "rises"
        text += f" The loss {verb} from {f(step.loss0)} to {f(step.loss1)}."
    if step.diverged_at == 1:
        text += f" {eta} is too large: the run diverged at this update."
    return text

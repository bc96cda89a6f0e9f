"""The gradient and the update written out with this run's data and numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..numbers import fmt
from .first_step import FirstStep
from .losses import LossForms
from .tex import (
    CARRIED_MINUS,
    CARRIED_X,
    DLDB,
    DLDB_BATCH,
    DLDW,
    DLDW_BATCH,
    L2_GRAD,
    SUM,
    Eq,
    Part,
    eq,
    fmt_text,
    part,
    tex_factor,
    tex_num,
)

FloatArray = NDArray[np.float64]

ADAM_RATIO = r"\frac{\hat{m}}{\sqrt{\hat{s}} + \epsilon}"


@dataclass(frozen=True)
class DataLines:
    """The run's numbers as lines: the start, the sums, the gradient, the first step.

    ``sum_g`` and ``sum_xg`` are ``None`` when the sums do not give back the recorded
    gradient (a trajectory recorded elsewhere); the gradient lines then show the recorded
    values alone. ``step`` is empty when the run has no update; ``lead`` says why the first
    step has its form (momentum's ``v_0 = 0``, Adam's ``t = 1``) and goes before it, ``extra``
    after it; ``notes`` are plain sentences (no update, divergence) shown below the lines.
    """

    setup: Eq
    standardise: Eq | None
    sum_g: Eq | None
    sum_xg: Eq | None
    grad_w: Eq
    grad_b: Eq
    keys_grad_w: dict[str, str]
    keys_grad_b: dict[str, str]
    eta: Eq
    step: tuple[Eq, ...]
    extra: tuple[Eq, ...]
    notes: tuple[str, ...]
    lead: tuple[Eq, ...] = ()
    end: Eq | None = None
    end_notes: tuple[str, ...] = ()


def _n_scale(forms: LossForms, n: int) -> str:
    return forms.grad_scale.replace("N", str(n))


#: Rates named by their share of the critical rate (the regimes', the round bowl's).
RATE_NAMES = (
    (0.5, "half the critical rate"),
    (0.1, "a tenth of the critical rate"),
    (0.05, "5% of the critical rate"),
    (0.005, "0.5% of the critical rate"),
    (1.15, "1.15 × critical rate"),
)


def rate_name(lr: float, critical: float | None, short: bool = False) -> str | None:
    """What ``lr`` is, against the rate above which gradient descent diverges.

    ``half the critical rate 0.03618``; ``0.28 × critical rate 0.03618`` for a rate that
    is no regime's (above the critical rate gradient descent diverges). ``short``: the
    regime's words alone (``half the critical rate``), ``None`` for a rate that is none.
    """
    if not critical or not lr > 0:
        return None
    ratio = lr / critical
    crit = fmt(critical)
    for share, words in RATE_NAMES:
        if abs(ratio / share - 1.0) < 0.01:
            return words if short else f"{words} {crit}"
    return None if short else f"{fmt(ratio, 2)} × critical rate {crit}"


def _text(words: str) -> str:
    return words.replace("%", r"\%").replace("×", r"$\times$")


def eta_line(
    head: Sequence[str | Part], lr: float, critical: float | None, origin: str | None
) -> Eq:
    """The rate's line, ``head`` (``η = 0.01``) and what the rate is: the regime's share of
    the critical rate where it is one, else how it was chosen and its share of the critical
    rate (``the lesson's rate, 0.28 × critical rate 0.03618``, on a second row in a narrow
    frame), else that share alone, as the captions say it."""
    named = rate_name(lr, critical, short=True)
    share = None
    if named is None:
        named, share = (
            (origin, rate_name(lr, critical)) if origin else (rate_name(lr, critical), None)
        )
    if not named:
        return eq(*head)
    if share:
        second = rf"\ \text{{{_text(share)})}}"
        return eq(*head, rf"\quad\text{{({_text(named)},}}", second).wrap_at(second)
    # One row, short, so that the narrow frames' page does not shrink for it.
    return eq(*head, rf"\quad\text{{({_text(named)})}}")


def data_lines(
    forms: LossForms,
    step: FirstStep,
    lr_critical: float | None = None,
    origin: str | None = None,
) -> DataLines:
    """Lines of the run's first update, every number read from ``step``.

    ``lr_critical``, where there is one, and ``origin`` (how the rate was chosen) name the
    rate: ``η = 0.0181 (half the critical rate)``, ``η = 0.01 (the lesson's rate)``.
    """
    num = tex_num
    carried = part(CARRIED_MINUS, "inner")
    setup = eq(
        "N", "=", num(step.n), r",\quad", "w_0", "=", num(step.w0), r",\quad",
        "b_0", "=", num(step.b0),
    )  # fmt: skip
    standardise = None
    if step.standardised:
        # In a narrow frame the mean and the spread go on a second row: on one they shrink
        # the whole line below reading size.
        mean = part(rf"\bar{{x}} = {num(step.x_mean)}", "num")
        standardise = eq(
            r"x_i \;\to\; \frac{x_i - \bar{x}}{s_x}", r",\quad", mean, r",\quad",
            part(rf"s_x = {num(step.x_std)}", "num"),
        ).wrap_at(mean[0])  # fmt: skip
    scale_n = _n_scale(forms, step.n)
    keys_w = {forms.grad_scale: scale_n}
    keys_b = dict(keys_w)
    pen: list[Part] = []
    if forms.l2:
        pen_tex = rf"{num(forms.l2)} \cdot " + " ".join(tex_factor(step.w0))
        pen = [part("+", "l2"), part(pen_tex, "l2")]
        keys_w[L2_GRAD] = pen_tex
    sum_g: Eq | None = None
    sum_xg: Eq | None = None
    if step.consistent:
        sum_g = eq(SUM, *forms.g_parts, "=", num(step.sum_g))
        sum_xg = eq(SUM, part(CARRIED_X, "inner"), *forms.g_parts, "=", num(step.sum_xg))
        grad_w = eq(
            DLDW, "=", carried, scale_n, r"\cdot", *tex_factor(step.sum_xg), *pen, "=",
            part(num(step.dw), "num"),
        )  # fmt: skip
        grad_b = eq(
            DLDB, "=", carried, scale_n, r"\cdot", *tex_factor(step.sum_g), "=",
            part(num(step.db), "num"),
        )  # fmt: skip
    else:
        grad_w = eq(DLDW, "=", part(num(step.dw), "num"))
        grad_b = eq(DLDB, "=", part(num(step.db), "num"))

    eta = eta_line([r"\eta", "=", part(num(step.lr), "num")], step.lr, lr_critical, origin)
    lines: list[Eq] = []
    extra: list[Eq] = []
    lead: list[Eq] = []
    notes: list[str] = []
    if step.has_update:
        assert step.w1 is not None and step.b1 is not None
        opt = step.optimizer
        for p, p0, p1, g, g_batch, sym, sym_batch in (
            ("w", step.w0, step.w1, step.dw, step.batch_dw, DLDW, DLDW_BATCH),
            ("b", step.b0, step.b1, step.db, step.batch_db, DLDB, DLDB_BATCH),
        ):
            head: list[str | Part] = [f"{p}_1", "=", f"{p}_0"]
            tail: list[str | Part] = ["=", part(num(p1), "num")]
            body: list[str | Part]
            if opt == "adam":
                ratio = rf"\frac{{{num(g)}}}{{{num(abs(g))} + \epsilon}}"
                body = ["-", r"\eta", ADAM_RATIO, "=", num(p0), "-", num(step.lr), r"\cdot", ratio]
            elif step.batch != "full":
                body = ["-", r"\eta", sym_batch, "=", num(p0), "-", num(step.lr), r"\cdot",
                        *tex_factor(g_batch)]  # fmt: skip
            else:
                body = ["-", r"\eta", sym, "=", num(p0), "-", num(step.lr), r"\cdot",
                        *tex_factor(g)]  # fmt: skip
            lines.append(eq(*head, *body, *tail).wrap_at("=", 1))
        if opt in ("momentum", "nesterov"):
            lead.append(eq(r"v_0 = 0", r"\;\Rightarrow\;", r"v_1 = -\eta\, \nabla L"))
        elif opt == "adam":
            lead.append(eq(r"t = 1:\quad \hat{m} = g,\quad \hat{s} = g^{2}"))
        elif step.batch != "full":
            extra.append(
                eq(
                    r"\text{full batch: }",
                    r"w_0 - \eta",
                    DLDW,
                    "=",
                    num(step.w0 - step.lr * step.dw),
                    r",\quad",
                    r"b_0 - \eta",
                    DLDB,
                    "=",
                    num(step.b0 - step.lr * step.db),
                ).wrap_at(r"b_0 - \eta")
            )
        if step.standardised and step.w1_data is not None and step.b1_data is not None:
            extra.append(
                eq(
                    r"\text{data units: }",
                    r"w = w_1 / s_x =",
                    part(num(step.w1_data), "num"),
                    r",\quad",
                    r"b = b_1 - w_1 \bar{x} / s_x =",
                    part(num(step.b1_data), "num"),
                ).wrap_at(r"b = b_1 - w_1 \bar{x} / s_x =")
            )
        if step.loss0 is not None and step.loss1 is not None:
            extra.append(
                eq(
                    "L(w_0,b_0)",
                    "=",
                    num(step.loss0),
                    r"\;\to\;",
                    "L(w_1,b_1)",
                    "=",
                    part(num(step.loss1), "num"),
                ).wrap_at(r"\;\to\;")
            )
    else:
        notes.append(no_update_note(step))
    if step.diverged_at == 1 and step.has_update:
        notes.append(f"The loss blew up at this update: η = {fmt_text(step.lr)} is too large.")
    end = None
    end_notes: tuple[str, ...] = ()
    if step.n_updates > 1:
        if step.diverged_at is not None:
            end_notes = (
                f"Repeated, the steps grow: the run diverged at update {step.diverged_at}.",
            )
        else:
            units = [r"\ \text{(data units)}"] if step.standardised else []
            end = eq(
                r"\text{after}\ ", part(str(step.n_updates), "num"), r"\ \text{updates:}\quad",
                "w", "=", part(num(step.w_last), "num"), r",\quad",
                "b", "=", part(num(step.b_last), "num"), *units,
            ).wrap_at("w")  # fmt: skip
    return DataLines(
        end=end,
        end_notes=end_notes,
        setup=setup,
        standardise=standardise,
        sum_g=sum_g,
        sum_xg=sum_xg,
        grad_w=grad_w,
        grad_b=grad_b,
        keys_grad_w=keys_w,
        keys_grad_b=keys_b,
        eta=eta,
        step=tuple(lines),
        extra=tuple(extra),
        lead=tuple(lead),
        notes=tuple(notes),
    )


class Stepped(Protocol):
    """A first step as either form of the derivation records it."""

    @property
    def lr(self) -> float: ...

    @property
    def diverged_at(self) -> int | None: ...


def no_update_note(step: Stepped, what: str = "the line") -> str:
    """What a run without a finite first update shows: ``what`` stays at its start."""
    if step.diverged_at == 1:
        return (
            f"The first update left the finite numbers: with η = {fmt_text(step.lr)} "
            "the run diverged at once."
        )
    return f"This run has no updates, so {what} stays at its start."

"""Each optimizer and loss carries its own formulas: the derivation reads its update rules'
TeX and words from the optimizer classes and its derivatives' TeX and words from the loss
classes, and writes exactly the lines it wrote when they lived in tables of their own
(``tests/golden/derivation-formulas.json``, written from those tables)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gdanim import derivation as F
from gdanim.losses import LOSSES
from gdanim.optimizers import OPTIMIZERS

GOLDEN = Path(__file__).parent / "golden" / "derivation-formulas.json"
HYPER = {"momentum": 0.85, "beta2": 0.995, "eps": 1e-7}
FORMULA_BEATS = ("loss", "outer", "inner_w", "chain_w", "grad_w", "inner_b", "chain_b", "grad_b")


def step_for(optimizer: str, n: int = 12) -> F.FirstStep:
    """A first step with fixed numbers: the captions of the formula beats read only its kind."""
    return F.FirstStep(
        n=n, k=2, l2=0.0, lr=0.01, optimizer=optimizer, batch="full", batch_size=4,
        hyper=HYPER, w0=0.0, b0=1.0, dw=-2.0, db=-1.0, sum_g=3.0, sum_xg=5.0,
        consistent=True, loss0=2.0, w1=0.02, b1=1.01, loss1=1.5, standardised=False,
        x_mean=0.0, x_std=1.0, w1_data=None, b1_data=None, n_updates=1, diverged_at=None,
        w_last=0.02, b_last=1.01,
    )  # fmt: skip


def eq_json(e: F.Eq) -> list[Any]:
    return [[list(p) for p in e.parts], e.wrap]


def formulas() -> dict[str, Any]:
    """Every formula line and formula caption, for every loss (with and without L2) and
    every optimizer."""
    out: dict[str, Any] = {}
    for loss in ("mse", "half-mse", "mae", "huber"):
        for l2 in (0.0, 0.1):
            forms = F.loss_forms(loss, l2, 1.5)
            key = f"{loss}/l2={l2}"
            out[key] = {
                name: (
                    [eq_json(e) for e in value]
                    if isinstance(value, tuple) and value and isinstance(value[0], F.Eq)
                    else eq_json(value)
                    if isinstance(value, F.Eq)
                    else list(value)
                    if isinstance(value, tuple)
                    else value
                )
                for name, value in vars(forms).items()
            }
            words = F.captions(forms, step_for("gd"))
            out[key]["captions"] = {b: words[b] for b in FORMULA_BEATS if b in words}
    for opt in ("gd", "sgd", "minibatch", "momentum", "nesterov", "adam"):
        out[f"update/{opt}"] = {
            "lines": [eq_json(e) for e in F.update_lines(opt, HYPER, 4)],
            "caption": F.captions(F.loss_forms("mse"), step_for(opt))["update"],
        }
    return out


def test_the_derivation_writes_what_it_wrote() -> None:
    assert formulas() == json.loads(GOLDEN.read_text())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_the_update_rule_is_read_from_the_optimizers_class(name, monkeypatch):
    cls = OPTIMIZERS[name]
    assert cls.update_tex and cls.update_words
    monkeypatch.setattr(cls, "update_tex", ((r"\theta", (r"\beta = $beta", "num")),))
    monkeypatch.setattr(cls, "update_words", "Steps {batch} points at β = {beta}.")
    (line,) = F.update_lines(name, HYPER, 4)
    assert line.parts == ((r"\theta", ""), (r"\beta = 0.85", "num"))
    assert F.captions(F.loss_forms("mse"), step_for(name))["update"].startswith(
        "Steps 4 points at β = 0.85."
    )


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_the_derivative_is_read_from_the_losss_class(name, monkeypatch):
    cls = LOSSES[name]
    assert cls.words_loss and cls.words_grad_w and cls.words_grad_b and cls.words_g
    monkeypatch.setattr(cls, "tex_grad_scale", r"\frac{7}{N}")
    monkeypatch.setattr(cls, "words_grad_b", "The bias moves.")
    assert F.captions(F.loss_forms(name), step_for("gd"))["grad_b"].startswith("The bias moves.")
    forms = F.loss_forms(name)
    assert forms.grad_scale == r"\frac{7}{N}"
    assert r"\frac{7}{N}" in forms.grad_w.strings

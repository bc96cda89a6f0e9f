"""Each loss's formulas: the loss, its outer derivative and the gradient's shape."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

import numpy as np
from numpy.typing import NDArray

from ..losses import LOSSES, Loss
from .tex import (
    CARRIED_MINUS,
    CARRIED_X,
    DLDB,
    DLDW,
    INNER_B,
    INNER_B_PAREN,
    INNER_W,
    INNER_W_PAREN,
    L2_GRAD,
    L2_VALUE,
    LOSS_LHS,
    SUM,
    YHAT,
    Eq,
    Part,
    eq,
    part,
    tex_num,
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class _Shape:
    """How one loss writes its per-point penalty and the outer derivative."""

    scale: str  # before the sum in L
    open: tuple[str, ...]  # phi( ... around the residual
    close: tuple[str, ...]
    head: tuple[str, ...]  # the outer derivative, before its bracket, in the chain rule
    g_head: tuple[str, ...]  # g( ... in the simplified gradient
    grad_scale: str  # before the sum in the gradient (with the carried minus)


def _shape(cls: type[Loss]) -> _Shape:
    return _Shape(
        cls.tex_scale, cls.tex_open, cls.tex_close, cls.tex_outer_head, cls.tex_g_head,
        cls.tex_grad_scale,
    )  # fmt: skip


#: Plain-text name of g(e_i) in captions, and the gradient's factor.
G_TEXT = {name: cls.words_g for name, cls in LOSSES.items()}
SCALE_TEXT = {name: cls.words_grad_scale for name, cls in LOSSES.items()}


@dataclass(frozen=True)
class LossForms:
    """The derivation of one loss, line by line.

    Attributes
    ----------
    name
        Registry name of the loss.
    k
        The factor in ``dL/dw = -(k / N) sum x_i g(e_i)``: 2 for mse, else 1.
    grad_scale
        ``k / N`` (or ``1 / N``) as TeX, with ``N`` still a symbol.
    g_parts
        ``g(e_i)`` as parts, e.g. ``\\operatorname{sign} \\bigl( y_i - \\hat{y}_i \\bigr)``.
    loss, loss_sub
        ``L(w, b)`` with ``y_hat_i``, then with ``w x_i + b`` substituted.
    outer
        Lines defining the outer function and its derivative (Huber's), or the derivative of
        ``|e|`` (MAE); empty for the squares.
    inner_w, chain_w, grad_w, inner_b, chain_b, grad_b
        The inner derivative, the chain rule and the simplified gradient, for ``w`` and ``b``.
    keys_chain_w, keys_chain_b, keys_grad
        Terms that turn into other terms between lines (the transform's ``key_map``).
    """

    name: str
    k: int
    l2: float
    delta: float
    grad_scale: str
    g_parts: tuple[str, ...]
    loss: Eq
    loss_sub: Eq
    outer: tuple[Eq, ...]
    inner_w: Eq
    chain_w: Eq
    grad_w: Eq
    inner_b: Eq
    chain_b: Eq
    grad_b: Eq
    keys_chain_w: dict[str, str]
    keys_chain_b: dict[str, str]
    keys_grad: dict[str, str]


MODEL = eq(YHAT, "=", "w", "x_i", "+", "b")
SUBSTITUTED = ("(", "w", "x_i", "+", "b", ")")


def _residual(open_: tuple[str, ...], close: tuple[str, ...], substituted: bool) -> list[str]:
    inner = list(SUBSTITUTED) if substituted else [YHAT]
    return [*open_, "y_i", "-", *inner, *close]


def loss_forms(name: str, l2: float = 0.0, delta: float = 1.0) -> LossForms:
    """The derivation of loss ``name`` (with the L2 term when ``l2 > 0``)."""
    if name not in LOSSES:
        raise ValueError(f"no derivation for loss {name!r}")
    sh = _shape(LOSSES[name])
    pen = [part("+", "l2"), part(L2_VALUE, "l2")] if l2 else []
    # the loss lines say what lambda is; the gradient lines keep the symbol
    lam: list[str | Part] = [r",\quad", part(rf"\lambda = {tex_num(l2)}", "l2")] if l2 else []
    pen_grad = [part("+", "l2"), part(L2_GRAD, "l2")] if l2 else []

    loss = eq(LOSS_LHS, "=", sh.scale, SUM, *_residual(sh.open, sh.close, False), *pen, *lam)
    loss_sub = eq(LOSS_LHS, "=", sh.scale, SUM, *_residual(sh.open, sh.close, True), *pen, *lam)
    if l2:  # the penalty on a row of its own when the frame is narrow
        loss = Eq(loss.parts, len(loss.parts) - 4)
        loss_sub = Eq(loss_sub.parts, len(loss_sub.parts) - 4)
    chain_res = _residual((*sh.head, r"\bigl("), (r"\bigr)",), True)
    inner_res = [r"\bigl(", "y_i", "-", *SUBSTITUTED, r"\bigr)"]
    g_parts = (*sh.g_head, r"\bigl(", "y_i", "-", YHAT, r"\bigr)")
    carried = part(CARRIED_MINUS, "inner")

    keys_chain = {LOSS_LHS: DLDW}
    if "^{2}" in sh.close:
        keys_chain["^{2}"] = "2"  # the exponent comes down in front
    if name == "huber":
        keys_chain[r"H_\delta"] = r"H_\delta'"
    keys_chain_b = {**keys_chain, LOSS_LHS: DLDB, INNER_B: INNER_B_PAREN}
    keys_chain_w = {**keys_chain, INNER_W: INNER_W_PAREN}
    if l2:
        keys_chain_w[L2_VALUE] = L2_GRAD
    keys_grad = {INNER_W_PAREN: CARRIED_X, INNER_B_PAREN: CARRIED_MINUS}
    if sh.scale != sh.grad_scale:
        keys_grad[sh.scale] = sh.grad_scale

    values = {"delta": tex_num(delta)}
    outer = tuple(
        eq(*(Template(p).substitute(values) if isinstance(p, str) else
             part(Template(p[0]).substitute(values), p[1]) for p in line))
        for line in LOSSES[name].tex_outer
    )  # fmt: skip
    return LossForms(
        name=name,
        k=2 if name == "mse" else 1,
        l2=float(l2),
        delta=float(delta),
        grad_scale=sh.grad_scale,
        g_parts=g_parts,
        loss=loss,
        loss_sub=loss_sub,
        outer=outer,
        inner_w=eq(r"\frac{\partial}{\partial w}", *inner_res, "=", part(INNER_W, "inner")),
        chain_w=eq(
            DLDW,
            "=",
            sh.scale,
            SUM,
            *chain_res,
            r"\cdot",
            part(INNER_W_PAREN, "inner"),
            *pen_grad,
        ).wrap_at(r"\cdot"),
        grad_w=eq(
            DLDW, "=", carried, sh.grad_scale, SUM, part(CARRIED_X, "inner"), *g_parts, *pen_grad
        ),
        inner_b=eq(r"\frac{\partial}{\partial b}", *inner_res, "=", part(INNER_B, "inner")),
        chain_b=eq(
            DLDB, "=", sh.scale, SUM, *chain_res, r"\cdot", part(INNER_B_PAREN, "inner")
        ).wrap_at(r"\cdot"),
        grad_b=eq(DLDB, "=", carried, sh.grad_scale, SUM, *g_parts),
        keys_chain_w=keys_chain_w,
        keys_chain_b=keys_chain_b,
        keys_grad=keys_grad,
    )

"""Each optimizer's update rule as TeX lines."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from .tex import DLDB, DLDB_BATCH, DLDW, DLDW_BATCH, Eq, eq, part, tex_num

FloatArray = NDArray[np.float64]

GRAD_VEC = (r"\nabla L", "=", r"\Bigl(", DLDW, ",", DLDB, r"\Bigr)")


def update_lines(optimizer: str, hyper: Mapping[str, float], batch_size: int = 1) -> list[Eq]:
    """The update rule of ``optimizer`` as lines (``hyper``: its recorded constants)."""
    beta = part(rf"\beta = {tex_num(hyper.get('momentum', 0.9))}", "num")
    if optimizer == "gd":
        return [
            eq("w", r"\leftarrow", "w", "-", r"\eta", DLDW),
            eq("b", r"\leftarrow", "b", "-", r"\eta", DLDB),
        ]
    if optimizer in ("sgd", "minibatch"):
        return [
            eq("w", r"\leftarrow", "w", "-", r"\eta", DLDW_BATCH),
            eq("b", r"\leftarrow", "b", "-", r"\eta", DLDB_BATCH),
            eq(
                r"L_B:\ \text{the loss over a random batch } B,",
                part(rf"|B| = {batch_size}", "num"),
                r"\text{, drawn anew each update}",
            ).wrap_at(r"\text{, drawn anew each update}"),
        ]
    if optimizer in ("momentum", "nesterov"):
        at = r"\nabla L" if optimizer == "momentum" else r"\nabla L\bigl((w,b) + \beta v\bigr)"
        return [
            eq(*GRAD_VEC),
            eq("v", r"\leftarrow", r"\beta v", "-", r"\eta", at, r",\quad", beta),
            eq("(w,b)", r"\leftarrow", "(w,b)", "+", "v"),
        ]
    if optimizer == "adam":
        b1 = tex_num(hyper.get("momentum", 0.9))
        b2 = tex_num(hyper.get("beta2", 0.999))
        eps = tex_num(hyper.get("eps", 1e-8))
        return [
            eq("g", "=", *GRAD_VEC[2:]),
            eq(r"m \leftarrow \beta_1 m + (1 - \beta_1)\, g,\quad",
               r"s \leftarrow \beta_2 s + (1 - \beta_2)\, g^{2}").wrap_at(
                r"s \leftarrow \beta_2 s + (1 - \beta_2)\, g^{2}"),
            eq("(w,b)", r"\leftarrow", "(w,b)", "-", r"\eta",
               r"\frac{m / (1 - \beta_1^{\,t})}{\sqrt{s / (1 - \beta_2^{\,t})} + \epsilon}"),
            eq(part(rf"\beta_1 = {b1},\ \ \beta_2 = {b2},\ \ \epsilon = {eps}", "num")),
        ]  # fmt: skip
    raise ValueError(f"no update rule for optimizer {optimizer!r}")

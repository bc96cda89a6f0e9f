"""Each optimizer's update rule as TeX lines, read from its class
(:attr:`gdanim.optimizers.Optimizer.update_tex`)."""

from __future__ import annotations

from collections.abc import Mapping
from string import Template

import numpy as np
from numpy.typing import NDArray

from ..optimizers import OPTIMIZERS
from .tex import DLDB, DLDW, Eq, Part, part, tex_num

FloatArray = NDArray[np.float64]

GRAD_VEC = (r"\nabla L", "=", r"\Bigl(", DLDW, ",", DLDB, r"\Bigr)")


def update_lines(optimizer: str, hyper: Mapping[str, float], batch_size: int = 1) -> list[Eq]:
    """The update rule of ``optimizer`` as lines (``hyper``: its recorded constants)."""
    cls = OPTIMIZERS.get(optimizer)
    if cls is None:
        raise ValueError(f"no update rule for optimizer {optimizer!r}")
    beta = tex_num(hyper.get("momentum", 0.9))
    values = {
        "beta": beta,
        "beta1": beta,
        "beta2": tex_num(hyper.get("beta2", 0.999)),
        "eps": tex_num(hyper.get("eps", 1e-8)),
        "batch": str(batch_size),
    }
    lines: list[Eq] = []
    for spec in cls.update_tex:
        parts: list[Part] = []
        wrap: int | None = None
        for item in spec:
            tex, role = (item, "") if isinstance(item, str) else item
            if role == "wrap":
                wrap, role = len(parts), ""
            parts.append(part(Template(tex).substitute(values), role))
        lines.append(Eq(tuple(parts), wrap))
    return lines

"""How hard a feature is for gradient descent: the squared losses' Hessian and its condition.

A default run on one's own data takes as many updates as its condition asks for, up to a
budget; past the budget x is standardised (:func:`needs_standardizing`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def auto_epochs(x: FloatArray) -> int:
    """Updates for gradient descent at the "right" rate to converge on this feature.

    At half the critical rate the slowest direction shrinks by ``1 - 1/kappa`` per update
    (``kappa`` the condition number of :func:`design`), so ``8 kappa`` updates
    leave ``e^-8`` of the starting gap. Frames, not updates, set a render's cost.
    """
    kappa = moment_condition(x)
    if not math.isfinite(kappa):
        return MAX_AUTO_EPOCHS
    return int(min(max(math.ceil(8.0 * kappa), 200), MAX_AUTO_EPOCHS))


#: The update budget of a default run on one's own data.
MAX_AUTO_EPOCHS = 20_000


def design(x: FloatArray) -> FloatArray:
    """``[[E x^2, E x], [E x, 1]]``: the Hessian of half-mse (the squared losses' up to a
    factor).

    With ``d`` features (``x`` of shape ``(N, d)``) it is ``E [x; 1][x; 1]^T``, of size
    ``d + 1``: the weights first, the intercept last.
    """
    if x.ndim == 2:
        n, d = x.shape
        out = np.empty((d + 1, d + 1))
        out[:d, :d] = x.T @ x / n
        out[:d, d] = out[d, :d] = x.mean(axis=0)
        out[d, d] = 1.0
        return out
    m1 = float(np.mean(x))
    m2 = float(np.mean(x * x))
    return np.array([[m2, m1], [m1, 1.0]])


def moment_condition(x: FloatArray) -> float:
    """Condition number of :func:`design`: the squared losses' Hessian's."""
    lam = np.linalg.eigvalsh(design(x))
    return float(lam[-1] / lam[0]) if lam[0] > 0 else float("inf")


def needs_standardizing(x: FloatArray) -> bool:
    """Whether gradient descent on raw ``x`` cannot converge within the update budget.

    ``auto_epochs`` asks for ``8 kappa`` updates; past :data:`MAX_AUTO_EPOCHS` the default run
    would end "still far" in a needle-thin valley.
    """
    return 8.0 * moment_condition(x) > MAX_AUTO_EPOCHS

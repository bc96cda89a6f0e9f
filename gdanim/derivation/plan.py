"""The derivation's plan: every line and caption of the scene, built without manim."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..trajectory import Trajectory
from .data_lines import DataLines, data_lines
from .first_step import FirstStep, first_step
from .losses import MODEL, LossForms, loss_forms
from .narration import captions
from .tex import Eq
from .updates import update_lines

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Plan:
    """Everything the derivation writes, for one run."""

    forms: LossForms
    step: FirstStep
    updates: tuple[Eq, ...]
    data: DataLines
    captions: dict[str, str]
    model: Eq = MODEL


def plan(
    x: FloatArray,
    y: FloatArray,
    traj: Trajectory,
    loss: str,
    optimizer: str,
    *,
    l2: float = 0.0,
    delta: float = 1.0,
    lr: float | None = None,
    batch_size: int = 16,
    lr_critical: float | None = None,
    rate_origin: str | None = None,
) -> Plan:
    """The derivation of ``loss`` and ``optimizer`` with the numbers of ``traj``'s first update.

    ``lr_critical`` (gradient descent's, where the loss has one) and ``rate_origin`` (how
    the rate was chosen: ``"the lesson's rate"``) name the rate on screen and in words.
    """
    forms = loss_forms(loss, l2, delta)
    step = first_step(x, y, traj, loss, optimizer, l2=l2, delta=delta, lr=lr, batch_size=batch_size)
    return Plan(
        forms=forms,
        step=step,
        updates=tuple(update_lines(optimizer, step.hyper, step.batch_size)),
        data=data_lines(forms, step, lr_critical, rate_origin),
        captions=captions(forms, step, rate_origin, lr_critical),
    )

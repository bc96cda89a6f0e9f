"""What a run did, read from its recorded states: converged, still far, oscillating, diverged.

A learning rate's label (``small``, ``right``, ``large``) says how it was chosen, not what
happened; :func:`classify` looks only at the trajectory. Its criteria are free of the data's
units, so they read the same on any dataset:

``diverged``
    Training stopped because the loss blew up (``Trajectory.diverged_at``), or the excess loss
    ``L - L*`` ended more than :data:`DIVERGED_GROWTH` times its value at the start. The update
    is ``diverged_at``, or the first one past that growth.
``converged``
    The excess loss fell within :data:`CONVERGED_OF_BEST` of the best loss ``L*`` (within 1 %
    of the best fit) and stayed there to the end. The bar is never below
    :data:`CONVERGED_OF_START` of the start's excess, which decides only when ``L*`` is about
    zero (data a line fits exactly). The update is the first from which the run stayed within
    the bar.
``oscillating``
    Neither, and over the last :data:`TAIL_FRACTION` of the run the updates keep undoing each
    other: at least :data:`REVERSAL_SHARE` of consecutive steps point against each other, or
    the loss rises on at least :data:`RISE_SHARE` of them. Steps are compared by how they move
    the predictions ``w x + b`` over the data (the inner product ``mean(dy_k * dy_k+1)``), so
    the test does not depend on the units of ``w`` and ``b``.
``slow``
    Anything else: still making steady progress. Its caption says "nearly converged" when the
    loss is within :data:`NEARLY_OF_BEST` of the best (or :data:`NEARLY_OF_START` of the start's
    excess, when ``L*`` is about zero), else "still far".

An *update* is one optimizer step (for full-batch gradient descent, one pass over the data,
which lessons also call an epoch); update ``k`` is state ``k`` of the trajectory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .numbers import count
from .trajectory import Trajectory

FloatArray = NDArray[np.float64]

#: What a run did; mypy holds every comparison of a kind to these words.
Kind = Literal["converged", "slow", "oscillating", "diverged"]
KINDS: tuple[Kind, ...] = get_args(Kind)
#: Converged: the excess loss is within this fraction of the best loss ...
CONVERGED_OF_BEST = 0.01
#: ... or, when the best loss is about zero, within this fraction of the start's excess.
CONVERGED_OF_START = 1e-6
#: A slow run this close to the best is "nearly converged" rather than "still far".
NEARLY_OF_BEST = 0.1
NEARLY_OF_START = 1e-4
#: Diverged without the trainer stopping: the excess loss ended this many times the start's.
DIVERGED_GROWTH = 10.0
#: The stretch at the end of a run that says whether it oscillates.
TAIL_FRACTION = 0.2
TAIL_MIN = 8
#: Oscillating: this share of consecutive steps reverse direction ...
REVERSAL_SHARE = 0.5
#: ... or the loss rises on this share of the updates.
RISE_SHARE = 0.25


@dataclass(frozen=True)
class Outcome:
    """The behaviour of one run.

    Attributes
    ----------
    kind
        One of :data:`KINDS`.
    update
        ``converged``: the update from which the run stayed converged; ``diverged``: the update
        at which it blew up; otherwise the run's last update.
    text
        One line for a caption, e.g. ``"converged in 843 updates"``.
    n_updates
        Updates in the run.
    final_excess
        ``(L_end - L*) / (L_0 - L*)``: how much of the start's excess loss is left (``nan``
        when the run started at the optimum).
    hovering
        A stochastic run near the best fit that its random batches keep stirring (``slow``).
    """

    kind: Kind
    update: int
    text: str
    n_updates: int
    final_excess: float
    hovering: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown outcome {self.kind!r}")


def _plural(n: int, word: str = "update") -> str:
    return f"{count(n)} {word}" + ("" if n == 1 else "s")


def describe(kind: Kind, update: int, near: bool = False) -> str:
    """The caption for an outcome; ``near`` marks a slow run close to the best fit."""
    if kind == "converged":
        return "started at the minimum" if update == 0 else f"converged in {_plural(update)}"
    if kind == "diverged":
        return f"diverged at update {count(update)}"
    if kind == "oscillating":
        return f"still oscillating after {_plural(update)}"
    if near:
        return f"nearly converged after {_plural(update)}"
    return f"still far after {_plural(update)}"


def prediction_metric(x: ArrayLike) -> FloatArray:
    """``[[mean x^2, mean x], [mean x, 1]]``: ``d1 @ M @ d2`` is ``mean(dy1 * dy2)``.

    For parameter changes ``d = (dw, db)``, the change of the predictions is ``dw x + db``; this
    matrix turns two such changes into the mean product of the prediction changes.
    """
    xa = np.asarray(x, dtype=np.float64)
    if xa.ndim == 2:  # several features: E [x; 1][x; 1]^T
        from .datasets.conditioning import design

        return design(xa)
    m1, m2 = float(np.mean(xa)), float(np.mean(xa * xa))
    return np.array([[m2, m1], [m1, 1.0]])


def reversal_share(
    traj: Trajectory, start: int, x: ArrayLike | None = None, end: int | None = None
) -> float:
    """Share of consecutive steps from state ``start`` on (to state ``end``, excluded, when
    given) that point against each other.

    With ``x`` the steps are compared through :func:`prediction_metric`; without it ``w`` and
    ``b`` are each divided by their spread over the stretch. Steps that do not move are left
    out; ``0.0`` when fewer than two steps remain.
    """
    w = traj.w[start:end]
    d = np.column_stack([np.diff(w, axis=0), np.diff(traj.b[start:end])])
    if x is not None:
        metric = prediction_metric(x)
    else:
        spread = np.concatenate([np.ravel(np.ptp(w, axis=0)), [np.ptp(traj.b[start:end])]])
        spread[spread == 0] = 1.0
        metric = np.diag(1.0 / spread**2)
    moving = np.einsum("ij,jk,ik->i", d, metric, d) > 0
    inner = np.einsum("ij,jk,ik->i", d[:-1], metric, d[1:])
    pairs = moving[:-1] & moving[1:]
    if not pairs.any():
        return 0.0
    return float(np.mean(inner[pairs] < 0))


def tail_start(n_updates: int) -> int:
    """The first state of the stretch at the end of a run that decides oscillation."""
    length = max(TAIL_MIN, math.ceil(TAIL_FRACTION * n_updates))
    return max(0, n_updates - length)


def classify(traj: Trajectory, optimum_loss: float, x: ArrayLike | None = None) -> Outcome:
    """Read a run's behaviour from its losses and steps.

    Parameters
    ----------
    traj
        The run; it must carry ``loss``.
    optimum_loss
        ``L*``, the lowest loss there is (``Analysis.optimum_loss``).
    x
        The data's feature, to compare steps by how they move the predictions (see the module
        docstring). Optional.
    """
    if traj.loss is None:
        raise ValueError("classify needs the trajectory's loss (Trajectory.complete fills it)")
    n = traj.n_updates
    excess = np.maximum(traj.loss - optimum_loss, 0.0)
    start = float(excess[0])
    final = float(excess[-1]) / start if start > 0 else math.nan

    def outcome(kind: Kind, update: int, near: bool = False) -> Outcome:
        return Outcome(kind, update, describe(kind, update, near), n, final)

    if traj.diverged_at is not None:
        return outcome("diverged", traj.diverged_at)
    if start > 0 and excess[-1] > DIVERGED_GROWTH * start:
        first = int(np.argmax(excess > DIVERGED_GROWTH * start))
        return outcome("diverged", first)
    bar = max(CONVERGED_OF_BEST * abs(optimum_loss), CONVERGED_OF_START * start)
    above = np.nonzero(excess > bar)[0]
    if above.size == 0:
        return outcome("converged", 0)
    if above[-1] < n:
        return outcome("converged", int(above[-1]) + 1)
    near = excess[-1] <= max(NEARLY_OF_BEST * abs(optimum_loss), NEARLY_OF_START * start)
    if _stochastic(traj):
        # Random batches jitter the loss at a fixed rate: that is noise, not oscillation.
        text = hovering(n) if near else describe("slow", n)
        return Outcome("slow", n, text, n, final, hovering=bool(near))
    s = tail_start(n)
    rises = np.diff(traj.loss[s:]) > 0
    rising = float(np.mean(rises)) if rises.size else 0.0
    if n >= 2 and (reversal_share(traj, s, x) >= REVERSAL_SHARE or rising >= RISE_SHARE):
        return outcome("oscillating", n)
    return outcome("slow", n, bool(near))


def _stochastic(traj: Trajectory) -> bool:
    """Whether each update saw a random part of the data (sgd, or a smaller minibatch)."""
    opt = traj.config.get("optimizer")
    n = traj.dataset.get("n")
    if opt == "sgd":
        return not isinstance(n, int) or n > 1
    if opt == "minibatch":
        batch = traj.config.get("batch_size")
        return not (isinstance(n, int) and isinstance(batch, int) and batch >= n)
    return False


def hovering(n: int) -> str:
    """A stochastic run near the best fit that its random batches keep stirring."""
    return f"hovering near the optimum after {_plural(n)}"

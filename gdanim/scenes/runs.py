"""What the scenes of several runs share: a verdict's colour, the runs' colours, the loss axis.

learning-rates and compare both draw each run in a colour of its own, colour its verdict by
what it did, and put every run's loss curve on one axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..outcome import Outcome
from ..pipeline.prepare import Run
from ..trajectory import Trajectory
from .style import Theme

# A run whose loss ends this many times above its start grows.
LOSS_HEADROOM = 2.0
#: Room above the start the shared axis gives a growing run, so its loss is seen to climb
#: (three decades) before it leaves through the top.
CLIMB_ROOM = 1e3


def outcome_color(outcome: Outcome, theme: Theme) -> str:
    """A verdict's colour: the optimum's when the run converged, the warning's if it diverged."""
    return {"converged": theme.optimum, "diverged": theme.warn}.get(outcome.kind, theme.ink)


def loss_frame(runs: Sequence[Run], floor: float) -> Trajectory:
    """A two-state stand-in spanning the shared loss axis.

    From the best loss up to the highest loss a run reaches; a growing run (one that
    diverges) is given at most :data:`CLIMB_ROOM` times its start, so its curve is seen to
    climb, then leaves through the top (where a mark says so) instead of squashing the
    others flat against the floor.
    """
    highs = []
    lows = [floor]
    for r in runs:
        loss = r.trajectory.loss
        assert loss is not None
        finite = loss[np.isfinite(loss)]
        grows = r.trajectory.diverged or float(finite[-1]) > LOSS_HEADROOM * float(loss[0])
        top = float(np.max(finite))
        highs.append(min(top, CLIMB_ROOM * float(loss[0])) if grows else top)
        lows.append(float(np.min(finite)))
    lo, hi = min(lows), max(highs)
    zero = np.zeros(2)
    return Trajectory(w=zero, b=zero, loss=np.array([lo, max(hi, lo)]))


def run_colors(outcomes: Sequence[Outcome], theme: Theme) -> list[str]:
    """One colour per run: the warning colour for runs that diverged, the others in order.

    So the colour of divergence (the band past the critical rate, the edge arrow) never
    marks a run that settled, unless there are more settling runs than other colours.
    """
    calm = [c for c in theme.run_colors if c != theme.warn]
    out: list[str] = []
    k = 0
    for o in outcomes:
        if o.kind == "diverged" or k >= len(calm):
            out.append(theme.warn)
        else:
            out.append(calm[k])
            k += 1
    return out

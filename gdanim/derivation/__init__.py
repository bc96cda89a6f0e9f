"""The derivation's formulas as TeX parts, and the numbers of a run's first update.

Everything the ``derivation`` scene writes on screen is built here, without manim, so it can
be checked against the trainer: the TeX of each loss and optimizer, the captions, and the
numbers of the first update read from the trajectory.

Sign convention
---------------
The derivation follows the lessons: the residual is ``e_i = y_i - y_hat_i`` and the inner
derivative of ``e_i`` with respect to ``w`` is ``-x_i`` (``-1`` for ``b``). The trainer's
residual is ``r_i = y_hat_i - y_i = -e_i``; every loss here has ``phi(e) = phi(-e)`` and an odd
derivative, so the two agree:

``dL/dw = -(k / N) * sum x_i g(e_i) + l2 * w``  and  ``dL/db = -(k / N) * sum g(e_i)``,

with ``g(e) = e`` and ``k = 2`` (mse), ``g(e) = e`` and ``k = 1`` (half-mse),
``g(e) = sign(e)`` (mae) and ``g(e) = clip(e, -delta, delta)`` (huber), ``k = 1`` for the last
three. :class:`FirstStep` holds the two sums and checks them against the recorded gradient.

An equation is a tuple of parts ``(tex, role)``. Parts with the same ``tex`` are the same term:
the scene moves them from one line to the next. ``role`` names a highlight colour (``inner``
for the inner derivative, ``l2`` for the penalty, ``num`` for the run's numbers).

The package, in the order the scene uses it: :mod:`.tex` (parts, equations, how numbers are
written), :mod:`.losses`, :mod:`.updates`, :mod:`.first_step`, :mod:`.data_lines`,
:mod:`.narration` (the captions) and :mod:`.plan` (all of it for one run).
"""

from __future__ import annotations

from .data_lines import ADAM_RATIO, DataLines, data_lines, no_update_note  # noqa: F401
from .first_step import FirstStep, first_step, outer_derivative  # noqa: F401
from .losses import G_TEXT, MODEL, SCALE_TEXT, SUBSTITUTED, LossForms, loss_forms  # noqa: F401
from .narration import (  # noqa: F401
    GRAD_B_CAPTION,
    GRAD_W_CAPTION,
    LOSS_CAPTION,
    OUTER_CAPTION,
    OUTER_NAME,
    UPDATE_CAPTION,
    captions,
    direction,
    step_caption,
)
from .plan import Plan, plan  # noqa: F401
from .tex import (  # noqa: F401
    CARRIED_MINUS,
    CARRIED_X,
    CONSISTENT_RTOL,
    DLDB,
    DLDB_BATCH,
    DLDW,
    DLDW_BATCH,
    INNER_B,
    INNER_B_PAREN,
    INNER_W,
    INNER_W_PAREN,
    L2_GRAD,
    L2_VALUE,
    LOSS_LHS,
    PLAIN_MAX,
    PLAIN_MIN,
    READ_CPS,
    READ_MIN,
    READ_PER_LINE,
    SIG,
    SUM,
    TIDY_RTOL,
    YHAT,
    Eq,
    displayed,
    eq,
    fmt_num,
    fmt_text,
    part,
    reading_time,
    tex_factor,
    tex_num,
    tidy,
)
from .updates import GRAD_VEC, update_lines  # noqa: F401

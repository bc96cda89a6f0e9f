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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .trajectory import Trajectory

FloatArray = NDArray[np.float64]
Part = tuple[str, str]

#: Significant digits of every number shown.
SIG = 6
#: Plain notation between these magnitudes, powers of ten outside.
PLAIN_MIN, PLAIN_MAX = 1e-4, 1e6
#: Reading pace of a caption, characters per second (subtitle guidelines say 15 to 17 for
#: adults; mathematics reads slower).
READ_CPS = 13.0
#: Extra seconds to take in each new line of mathematics.
READ_PER_LINE = 1.2
#: Least time a beat stays up.
READ_MIN = 2.5
#: The sums are recomputed from the data; they are shown only when they give back the
#: recorded gradient to this relative precision.
CONSISTENT_RTOL = 1e-7
#: A value this small relative to the sizes of the terms it came from is rounding noise: 0.
TIDY_RTOL = 1e-12

# Symbols that recur across lines: the same string is the same term on screen.
DLDW = r"\frac{\partial L}{\partial w}"
DLDB = r"\frac{\partial L}{\partial b}"
DLDW_BATCH = r"\frac{\partial L_B}{\partial w}"  # the loss over a random batch B
DLDB_BATCH = r"\frac{\partial L_B}{\partial b}"
SUM = r"\sum_{i=1}^{N}"
YHAT = r"\hat{y}_i"
LOSS_LHS = "L(w,b)"
L2_VALUE = r"\frac{\lambda}{2}\, w^{2}"
L2_GRAD = r"\lambda\, w"
INNER_W = "-x_i"
INNER_W_PAREN = r"\bigl(-x_i\bigr)"
INNER_B = "-1"
INNER_B_PAREN = r"\bigl(-1\bigr)"
# A minus and an x_i carried from the inner derivative: braces keep them distinct terms from
# the residual's own minus and x_i while they typeset the same.
CARRIED_MINUS = "{-}"
CARRIED_X = "{x_i}"


def part(tex: str, role: str = "") -> Part:
    return (tex, role)


@dataclass(frozen=True)
class Eq:
    """One line of mathematics: its parts in order."""

    parts: tuple[Part, ...]
    #: Index of the part that starts a second row when the frame is narrow, or ``None``.
    wrap: int | None = None

    def __post_init__(self) -> None:
        # MathTex drops empty strings, which would shift every later part's colour.
        if any(not t.strip() for t, _ in self.parts):
            raise ValueError("an equation part must not be empty")
        if self.wrap is not None and not 0 < self.wrap < len(self.parts):
            raise ValueError("wrap must index a part after the first")

    def wrapped(self) -> list[str]:
        """The parts typeset on two left-aligned rows, the second indented at :attr:`wrap`."""
        out = self.strings
        if self.wrap is None:
            return out
        out[0] = "&" + out[0]
        out[self.wrap] = r"\\ &\qquad " + out[self.wrap]
        return out

    def wrap_at(self, tex: str, occurrence: int = 0) -> Eq:
        """This line, wrapping before the ``occurrence``-th part whose TeX is ``tex``."""
        hits = [i for i, (t, _) in enumerate(self.parts) if t == tex]
        return Eq(self.parts, hits[occurrence])

    @property
    def strings(self) -> list[str]:
        """The TeX of each part, as passed to ``MathTex``."""
        return [t for t, _ in self.parts]

    @property
    def tex(self) -> str:
        """The whole line as one TeX string."""
        return " ".join(self.strings)

    def roles(self) -> dict[int, str]:
        """Index of each highlighted part and its role."""
        return {i: r for i, (_, r) in enumerate(self.parts) if r}


def eq(*items: str | Part) -> Eq:
    """An equation from strings (plain parts) and ``(tex, role)`` pairs."""
    return Eq(tuple(part(i) if isinstance(i, str) else i for i in items))


# ------------------------------------------------------------------------------ numbers


def _split(v: float, sig: int) -> tuple[str, int | None]:
    """Mantissa text and exponent (``None`` in plain notation) of ``v`` at ``sig`` digits."""
    a = abs(v)
    if a >= PLAIN_MAX or a < PLAIN_MIN:
        m, e = f"{v:.{sig - 1}e}".split("e")
        if "." in m:
            m = m.rstrip("0").rstrip(".")
        return m, int(e)
    decimals = max(0, sig - 1 - math.floor(math.log10(a)))
    s = f"{v:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s, None


def tidy(v: float, scale: float) -> float:
    """``v``, or 0 when it is zero up to the rounding noise of a computation of size ``scale``."""
    return 0.0 if abs(v) <= TIDY_RTOL * scale else v


def fmt_num(v: float, sig: int = SIG) -> str:
    """``v`` as plain text at ``sig`` significant digits (``1.5e-05`` style when tiny or huge)."""
    if not math.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    m, e = _split(v, sig)
    out = m if e is None else f"{m}e{e}"
    return "0" if out in ("-0", "") else out


def fmt_text(v: float, sig: int = SIG) -> str:
    """``v`` for a caption: :func:`fmt_num` with a typographic minus."""
    return fmt_num(v, sig).replace("-", "\u2212")


def tex_num(v: float, sig: int = SIG) -> str:
    """``v`` as TeX at ``sig`` significant digits (``1.5 \\times 10^{-5}`` when tiny or huge)."""
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\mathrm{NaN}")
    if v == 0:
        return "0"
    m, e = _split(v, sig)
    if m in ("-0", ""):
        return "0"
    if e is None:
        return m
    if m in ("1", "-1"):
        return f"{m[:-1]}10^{{{e}}}"
    return rf"{m} \times 10^{{{e}}}"


def displayed(v: float, sig: int = SIG) -> float:
    """The value a reader takes from ``fmt_num(v)``."""
    return float(fmt_num(v, sig))


def tex_factor(v: float, sig: int = SIG) -> list[str]:
    """A number as a factor after ``\\cdot``: in parentheses when negative."""
    t = tex_num(v, sig)
    return [r"\bigl(", t, r"\bigr)"] if t.startswith("-") else [t]


def reading_time(caption: str, new_lines: int = 0) -> float:
    """Seconds a beat stays up: its caption at :data:`READ_CPS`, plus its new lines."""
    return max(READ_MIN, len(caption) / READ_CPS + READ_PER_LINE * new_lines)


# ------------------------------------------------------------------------------ losses


@dataclass(frozen=True)
class _Shape:
    """How one loss writes its per-point penalty and the outer derivative."""

    scale: str  # before the sum in L
    open: tuple[str, ...]  # phi( ... around the residual
    close: tuple[str, ...]
    head: tuple[str, ...]  # the outer derivative, before its bracket, in the chain rule
    g_head: tuple[str, ...]  # g( ... in the simplified gradient
    grad_scale: str  # before the sum in the gradient (with the carried minus)


_SHAPES: dict[str, _Shape] = {
    "mse": _Shape(r"\frac{1}{N}", (r"\bigl(",), (r"\bigr)", "^{2}"), ("2",), (), r"\frac{2}{N}"),
    "half-mse": _Shape(
        r"\frac{1}{2N}", (r"\bigl(",), (r"\bigr)", "^{2}"), ("2",), (), r"\frac{1}{N}"
    ),
    "mae": _Shape(
        r"\frac{1}{N}",
        (r"\bigl|",),
        (r"\bigr|",),
        (r"\operatorname{sign}",),
        (r"\operatorname{sign}",),
        r"\frac{1}{N}",
    ),
    "huber": _Shape(
        r"\frac{1}{N}",
        (r"H_\delta", r"\bigl("),
        (r"\bigr)",),
        (r"H_\delta'",),
        (r"H_\delta'",),
        r"\frac{1}{N}",
    ),
}
#: Plain-text name of g(e_i) in captions.
G_TEXT = {
    "mse": "(y_i − ŷ_i)",
    "half-mse": "(y_i − ŷ_i)",
    "mae": "sign(y_i − ŷ_i)",
    "huber": "H_δ'(y_i − ŷ_i)",
}
SCALE_TEXT = {"mse": "2/N", "half-mse": "1/N", "mae": "1/N", "huber": "1/N"}


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
    if name not in _SHAPES:
        raise ValueError(f"no derivation for loss {name!r}")
    sh = _SHAPES[name]
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

    outer: tuple[Eq, ...] = ()
    d = part(rf"\delta = {tex_num(delta)}", "num")
    if name == "huber":
        outer = (
            eq(
                r"H_\delta(e) = \begin{cases} \tfrac{1}{2} e^{2} & |e| \le \delta \\"
                r" \delta\,\bigl(|e| - \tfrac{1}{2}\delta\bigr) & |e| > \delta \end{cases}",
                r",\quad",
                d,
            ),
            eq(r"H_\delta'(e) = \operatorname{clip}(e,\, -\delta,\, \delta)", r",\quad", d),
        )
    elif name == "mae":
        outer = (eq(r"\frac{d}{de}\,|e| = \operatorname{sign}(e) \in \{-1,\, 0,\, 1\}"),)
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


# ------------------------------------------------------------------------------ optimizers

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


# ------------------------------------------------------------------------------ first step


@dataclass(frozen=True)
class FirstStep:
    """A run's start and first update, in the coordinates its optimizer stepped.

    Every value named after the trajectory (``dw``, ``db``, ``w1``, ``b1``, ``lr``, losses) is
    read from it; only ``sum_g`` and ``sum_xg`` are computed, from the data at ``(w0, b0)``.

    Attributes
    ----------
    n
        Number of points.
    k, l2
        The loss's factor (2 for mse, else 1) and the L2 coefficient.
    w0, b0, dw, db
        Start and the full-data gradient there (``traj.dw[0]``, ``traj.db[0]``).
    sum_g, sum_xg
        ``sum g(e_i)`` and ``sum x_i g(e_i)`` at the start, residual ``e_i = y_i - y_hat_i``.
    consistent
        The sums give back ``dw`` and ``db``.
    w1, b1
        After the first update, or ``None`` when the run has none.
    standardised, x_mean, x_std
        x was standardised to ``(x - x_mean) / x_std``; ``w``, ``b`` above are for it.
    w1_data, b1_data
        The line after the first update in data units.
    """

    n: int
    k: int
    l2: float
    lr: float
    optimizer: str
    batch: str
    batch_size: int
    hyper: dict[str, float]
    w0: float
    b0: float
    dw: float
    db: float
    sum_g: float
    sum_xg: float
    consistent: bool
    loss0: float | None
    w1: float | None
    b1: float | None
    loss1: float | None
    standardised: bool
    x_mean: float
    x_std: float
    w1_data: float | None
    b1_data: float | None
    n_updates: int
    diverged_at: int | None
    w_last: float
    b_last: float
    n_above: int = 0
    n_below: int = 0
    n_clipped: int = 0

    @property
    def has_update(self) -> bool:
        return self.w1 is not None and self.b1 is not None

    @property
    def step_w(self) -> float:
        """``w1 - w0`` as recorded."""
        assert self.w1 is not None
        return self.w1 - self.w0

    @property
    def step_b(self) -> float:
        assert self.b1 is not None
        return self.b1 - self.b0

    @property
    def batch_dw(self) -> float:
        """The gradient a plain step with ``w1`` used: ``-(w1 - w0) / lr``."""
        return -self.step_w / self.lr

    @property
    def batch_db(self) -> float:
        return -self.step_b / self.lr


def outer_derivative(name: str, e: FloatArray, delta: float = 1.0) -> FloatArray:
    """``g(e)``: the outer function's derivative at the residuals ``e = y - y_hat``."""
    if name in ("mse", "half-mse"):
        return e
    if name == "mae":
        return np.sign(e)
    if name == "huber":
        return np.clip(e, -delta, delta)
    raise ValueError(f"no derivation for loss {name!r}")


def first_step(
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
) -> FirstStep:
    """The start and first update of ``traj`` on data ``(x, y)``.

    ``lr`` is used only when the trajectory does not record its own.
    """
    from .optimizers import OPTIMIZERS

    if traj.dw is None or traj.db is None:
        raise ValueError("the trajectory needs its gradients (Trajectory.complete)")
    standardised = traj.w_opt is not None and traj.b_opt is not None
    mu, sd = 0.0, 1.0
    if standardised:
        mu = float(traj.config.get("x_mean", np.mean(x)))
        sd = float(traj.config.get("x_std", np.std(x)))
        x = (x - mu) / sd
        w_opt, b_opt = traj.w_opt, traj.b_opt
    else:
        w_opt, b_opt = traj.w, traj.b
    assert w_opt is not None and b_opt is not None
    rate = traj.lr if traj.lr is not None else lr
    if rate is None:
        raise ValueError("the learning rate is not known")
    w0, b0 = float(w_opt[0]), float(b_opt[0])
    e = y - (w0 * x + b0)
    g = outer_derivative(loss, e, delta)
    k = 2 if loss == "mse" else 1
    n = int(x.size)
    dw, db = float(traj.dw[0]), float(traj.db[0])
    # Rounding noise of a sum is about eps times the sum of its terms' sizes.
    mag_g = float(np.sum(np.abs(g)))
    mag_xg = float(np.sum(np.abs(x * g)))
    scale_w = k / n * mag_xg + l2 * abs(w0)
    scale_b = k / n * mag_g
    sum_g = tidy(float(np.sum(g)), mag_g)
    sum_xg = tidy(float(np.sum(x * g)), mag_xg)
    consistent = abs(-k / n * sum_xg + l2 * w0 - dw) <= CONSISTENT_RTOL * (
        scale_w + abs(dw)
    ) and abs(-k / n * sum_g - db) <= CONSISTENT_RTOL * (scale_b + abs(db))
    dw, db = tidy(dw, scale_w), tidy(db, scale_b)
    has = traj.n_states > 1
    # How large the parameters after one step can be, for telling rounding noise from values.
    size_w = abs(w0) + rate * (scale_w + 1.0)
    size_b = abs(b0) + rate * (scale_b + 1.0)
    hyper = {
        key: float(traj.config[key])
        for key in ("momentum", "beta2", "eps")
        if isinstance(traj.config.get(key), (int, float))
    }
    cls = OPTIMIZERS.get(optimizer)
    batch = cls.batch if cls is not None else "full"
    size = {"full": n, "one": 1, "mini": min(int(batch_size), n)}[batch]
    if size == n:  # a batch of every point is the full data: the trainer steps with it
        batch = "full"
    return FirstStep(
        n=n,
        k=k,
        l2=float(l2),
        lr=float(rate),
        optimizer=optimizer,
        batch=batch,
        batch_size=size,
        hyper=hyper,
        w0=w0,
        b0=b0,
        dw=dw,
        db=db,
        sum_g=sum_g,
        sum_xg=sum_xg,
        consistent=consistent,
        loss0=float(traj.loss[0]) if traj.loss is not None else None,
        w1=tidy(float(w_opt[1]), size_w) if has else None,
        b1=tidy(float(b_opt[1]), size_b) if has else None,
        loss1=float(traj.loss[1]) if has and traj.loss is not None else None,
        standardised=standardised,
        x_mean=mu,
        x_std=sd,
        w1_data=tidy(float(traj.w[1]), size_w / sd) if has else None,
        b1_data=tidy(float(traj.b[1]), size_b + size_w * abs(mu) / sd) if has else None,
        n_updates=traj.n_updates,
        diverged_at=traj.diverged_at,
        w_last=float(traj.w[-1]),
        b_last=float(traj.b[-1]),
        n_above=int(np.count_nonzero(e > 0)),
        n_below=int(np.count_nonzero(e < 0)),
        n_clipped=int(np.count_nonzero(np.abs(e) > delta)),
    )


# ------------------------------------------------------------------------------ with this data

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


def data_lines(forms: LossForms, step: FirstStep) -> DataLines:
    """Lines of the run's first update, every number read from ``step``."""
    num = tex_num
    carried = part(CARRIED_MINUS, "inner")
    setup = eq(
        "N", "=", num(step.n), r",\quad", "w_0", "=", num(step.w0), r",\quad",
        "b_0", "=", num(step.b0),
    )  # fmt: skip
    standardise = None
    if step.standardised:
        standardise = eq(
            r"x_i \;\to\; \frac{x_i - \bar{x}}{s_x}", r",\quad",
            part(rf"\bar{{x}} = {num(step.x_mean)}", "num"), r",\quad",
            part(rf"s_x = {num(step.x_std)}", "num"),
        )  # fmt: skip
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

    eta = eq(r"\eta", "=", part(num(step.lr), "num"))
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


def no_update_note(step: FirstStep) -> str:
    if step.diverged_at == 1:
        return (
            f"The first update left the finite numbers: with η = {fmt_text(step.lr)} "
            "the run diverged at once."
        )
    return "This run has no updates, so the line stays at its start."


# ------------------------------------------------------------------------------ captions

LOSS_CAPTION = {
    "mse": (
        "The loss: the mean squared error. Each residual y_i − ŷ_i is squared, so misses "
        "above and below the line both count, then averaged over the N points."
    ),
    "half-mse": (
        "The loss: half the mean squared error, 1/(2N). The 1/2 is there to cancel the 2 "
        "that differentiating the square brings down."
    ),
    "mae": (
        "The loss: the mean absolute error, the average size of the residuals. A large miss "
        "counts in proportion, not squared, so outliers pull less."
    ),
    "huber": (
        "The loss: Huber's H_δ with δ = {delta}, quadratic for residuals up to δ and linear "
        "beyond, so a far-off point pulls with a capped force."
    ),
}
OUTER_CAPTION = {
    "mae": (
        "The derivative of |e| is its sign, +1 or −1; at exactly 0 the trainer takes 0. "
        "So every point pulls equally hard, whatever its distance."
    ),
    "huber": (
        "Huber's derivative is the residual clipped to [−δ, δ]: a point's pull grows with "
        "its miss up to δ = {delta}, then stays there."
    ),
}
OUTER_NAME = {
    "mse": "the square gives 2(y_i − ŷ_i)",
    "half-mse": "the square gives 2(y_i − ŷ_i)",
    "mae": "|·| gives sign(y_i − ŷ_i)",
    "huber": "H_δ gives H_δ'(y_i − ŷ_i)",
}
GRAD_W_CAPTION = {
    "mse": (
        "Gather the constants: ∂L/∂w = −(2/N) Σ x_i (y_i − ŷ_i){penalty}, the residuals "
        "weighted by x_i. Points far out in x pull hardest on the slope."
    ),
    "half-mse": (
        "The 2 cancels the 1/2: ∂L/∂w = −(1/N) Σ x_i (y_i − ŷ_i){penalty}, the residuals "
        "weighted by x_i. Points far out in x pull hardest on the slope."
    ),
    "mae": (
        "Gather the constants: ∂L/∂w = −(1/N) Σ x_i sign(y_i − ŷ_i){penalty}. Each point "
        "votes with its x_i, up or down, however large its miss."
    ),
    "huber": (
        "Gather the constants: ∂L/∂w = −(1/N) Σ x_i H_δ'(y_i − ŷ_i){penalty}: squared-error "
        "pulls for small misses, capped at δ for large ones."
    ),
}
GRAD_B_CAPTION = {
    "mse": (
        "∂L/∂b = −(2/N) Σ (y_i − ŷ_i): twice the average residual. When the line sits too "
        "low on average this is negative, and the update raises b."
    ),
    "half-mse": (
        "∂L/∂b = −(1/N) Σ (y_i − ŷ_i): the average residual. When the line sits too low on "
        "average this is negative, and the update raises b."
    ),
    "mae": (
        "∂L/∂b = −(1/N) Σ sign(y_i − ŷ_i): points above the line minus points below, over N. "
        "It is zero when the line splits the data in half."
    ),
    "huber": (
        "∂L/∂b = −(1/N) Σ H_δ'(y_i − ŷ_i): the average clipped residual. When the line sits "
        "too low it is negative, and the update raises b."
    ),
}
UPDATE_CAPTION = {
    "gd": (
        "The update: step against the gradient, scaled by the learning rate η, and repeat. "
        "Where the gradient is zero the line stops moving."
    ),
    "sgd": (
        "Stochastic gradient descent: the same step, but each update takes the gradient over "
        "one random point, cheap and noisy."
    ),
    "minibatch": (
        "Minibatch gradient descent: the same step, but each update takes the gradient over "
        "a fresh random batch of {batch} points."
    ),
    "momentum": (
        "Momentum: a velocity v keeps β = {beta} of its last value and adds −η times the "
        "gradient; (w, b) moves by v, so steps build up along a steady downhill direction."
    ),
    "nesterov": (
        "Nesterov momentum: like momentum (β = {beta}), but the gradient is taken at the "
        "look-ahead point (w, b) + βv, where the velocity is about to carry the line."
    ),
    "adam": (
        "Adam: running averages of the gradient (m) and of its square (s), corrected for "
        "their start at zero, give w and b each their own step size."
    ),
}


def captions(forms: LossForms, step: FirstStep) -> dict[str, str]:
    """One caption per beat, with this run's numbers."""
    f = fmt_text
    name = forms.name
    delta = f(forms.delta)
    out: dict[str, str] = {
        "model": (
            "The model: a line with slope w and intercept b predicts ŷ_i = w x_i + b "
            "for each of the N data points."
        ),
        "loss": LOSS_CAPTION[name].format(delta=delta),
    }
    if forms.l2:
        out["loss"] += (
            f" Plus the L2 penalty (λ/2) w² with λ = {f(forms.l2)}: it pulls the slope "
            "toward 0 and leaves the intercept alone."
        )
    out["loss_sub"] = (
        "Substitute ŷ_i = w x_i + b. Now the loss is a function of w and b alone: "
        "the x_i and y_i are fixed numbers from the data."
    )
    if name in OUTER_CAPTION:
        out["outer"] = OUTER_CAPTION[name].format(delta=delta)
    out["inner_w"] = (
        "The chain rule, inside first: the residual y_i − (w x_i + b) changes with w only "
        "through −w x_i, so with b held fixed its derivative is −x_i."
    )
    out["chain_w"] = (
        f"Then outside: {OUTER_NAME[name]}, times the inner derivative −x_i, term by term "
        "through the sum."
    )
    if forms.l2:
        out["chain_w"] += " The penalty (λ/2) w² gives λw."
    # The screen's ∂L/∂w carries the penalty's + λw; so does the caption.
    penalty = f" + λw (the penalty, λ = {f(forms.l2)})" if forms.l2 else ""
    out["grad_w"] = GRAD_W_CAPTION[name].format(penalty=penalty)
    out["inner_b"] = (
        "The same for b: with w held fixed, the residual y_i − (w x_i + b) changes with b "
        "at rate −1."
    )
    out["chain_b"] = "The outer derivative is the same; the inner one is now −1."
    if forms.l2:
        out["chain_b"] += " The penalty has no b in it, so it drops out."
    out["grad_b"] = GRAD_B_CAPTION[name]
    beta = f(step.hyper.get("momentum", 0.9))
    out["update"] = UPDATE_CAPTION[step.optimizer].format(batch=step.batch_size, beta=beta)
    if step.optimizer == "minibatch" and step.batch_size == step.n:
        out["update"] += " Here that is all the data, so each update is a full-batch step."

    g = G_TEXT[name]
    start = (
        f"With this data: N = {step.n} points, starting from "
        f"w_0 = {f(step.w0)}, b_0 = {f(step.b0)}."
    )
    if step.standardised:
        start += (
            f" x was standardised (mean {f(step.x_mean)}, std {f(step.x_std)}): w and b here "
            "are the slope and intercept on standardised x, where the optimizer steps."
        )
    if name == "mae":
        start += f" {step.n_above} points lie above the line and {step.n_below} below it."
    elif name == "huber":
        start += f" {step.n_clipped} of the {step.n} residuals are beyond δ, so they count as ±δ."
    if step.consistent:
        start += f" The sums: Σ {g} = {f(step.sum_g)} and Σ x_i {g} = {f(step.sum_xg)}."
    out["start"] = start

    k = SCALE_TEXT[name].replace("N", str(step.n))
    if step.consistent:
        pen = f" + {f(forms.l2)} · {f(step.w0)}" if forms.l2 else ""
        grad = (
            f"The gradient at the start: ∂L/∂w = −({k}) · {f(step.sum_xg)}{pen} = {f(step.dw)} "
            f"and ∂L/∂b = −({k}) · {f(step.sum_g)} = {f(step.db)}."
        )
    else:
        grad = (
            f"The gradient at the start, as recorded: ∂L/∂w = {f(step.dw)}, ∂L/∂b = {f(step.db)}."
        )
    if step.batch != "full":
        grad += " That is over all the data; the run's first update saw only a random batch."
    else:
        grad += " " + direction(step.dw, step.db)
    out["gradient"] = grad
    out["step"] = step_caption(step)
    if step.n_updates > 1:
        if step.diverged_at is not None:
            out["end"] = f"Repeat, and this run blows up: it diverged at update {step.diverged_at}."
        else:
            out["end"] = (
                f"Repeat: after {step.n_updates} updates the line is "
                f"w = {f(step.w_last)}, b = {f(step.b_last)}."
            )
    return out


def direction(dw: float, db: float) -> str:
    """Which way a step against the gradient ``(dw, db)`` moves w and b."""

    def move(g: float) -> str:
        return "raises" if g < 0 else ("lowers" if g > 0 else "leaves")

    if move(dw) == move(db):
        return f"A step against the gradient {move(dw)} both w and b."
    return f"A step against the gradient {move(dw)} w and {move(db)} b."


def step_caption(step: FirstStep) -> str:
    f = fmt_text
    if not step.has_update:
        return no_update_note(step)
    assert step.w1 is not None and step.b1 is not None
    eta = f"η = {f(step.lr)}"
    opt = step.optimizer
    if opt == "adam":
        text = (
            f"At t = 1 the corrections make m̂ = g and ŝ = g², so Adam's first step moves each "
            f"parameter by about {eta} against its gradient's sign: "
            f"w_1 = {f(step.w1)}, b_1 = {f(step.b1)}."
        )
    elif step.batch != "full":
        size = "one random point" if step.batch_size == 1 else f"{step.batch_size} random points"
        text = (
            f"The first update used {size}: with {eta}, w_1 = {f(step.w1)} and "
            f"b_1 = {f(step.b1)}. The full-data gradient would have given "
            f"{f(step.w0 - step.lr * step.dw)} and {f(step.b0 - step.lr * step.db)}."
        )
    else:
        text = (
            f"One step with {eta}: w_1 = {f(step.w0)} − {f(step.lr)} · ({f(step.dw)}) = "
            f"{f(step.w1)} and b_1 = {f(step.b0)} − {f(step.lr)} · ({f(step.db)}) = {f(step.b1)}."
        )
        if opt in ("momentum", "nesterov"):
            text += " The velocity starts at 0, so this first step is plain gradient descent's."
    if step.standardised and step.w1_data is not None and step.b1_data is not None:
        text += f" In data units the line is w = {f(step.w1_data)}, b = {f(step.b1_data)}."
    if step.loss0 is not None and step.loss1 is not None:
        verb = "falls" if step.loss1 < step.loss0 else "rises"
        text += f" The loss {verb} from {f(step.loss0)} to {f(step.loss1)}."
    if step.diverged_at == 1:
        text += f" {eta} is too large: the run diverged at this update."
    return text


# ------------------------------------------------------------------------------ the plan


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
) -> Plan:
    """The derivation of ``loss`` and ``optimizer`` with the numbers of ``traj``'s first update."""
    forms = loss_forms(loss, l2, delta)
    step = first_step(x, y, traj, loss, optimizer, l2=l2, delta=delta, lr=lr, batch_size=batch_size)
    return Plan(
        forms=forms,
        step=step,
        updates=tuple(update_lines(optimizer, step.hyper, step.batch_size)),
        data=data_lines(forms, step),
        captions=captions(forms, step),
    )

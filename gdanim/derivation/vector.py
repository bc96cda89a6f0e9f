"""The derivation in vector form: ``ŷ = X_b θ``, the loss as a squared length, the gradient
``(k/N) X_bᵀ (X_b θ − y)``, and the first update with the run's numbers.

The design matrix is the lesson's: the data's columns with a column of ones last
(``np.hstack([X, np.ones((n, 1))])``), so ``θ = (w, b)`` with one feature and
``θ = (w_1, w_2, b)`` with two. The residual is the lesson code's ``r = X_b θ − y`` (the
scalar form's ``e = y − ŷ`` is ``−r``), so the gradient has no leading minus. Row ``j`` of
``X_bᵀ`` is feature ``j`` over every example; entry ``j`` of ``X_bᵀ r`` is that column
dotted with the residuals: the scalar form's sums are its rows.

Only the squared losses have a gradient of this shape (mae and huber weigh each residual
through ``g(e)``): :func:`vector_plan` refuses the others with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..losses import LOSSES
from ..numbers import listed
from ..trajectory import Trajectory
from .data_lines import eta_line, no_update_note, rate_name
from .tex import CONSISTENT_RTOL, Eq, Part, eq, fmt_text, part, tex_factor, tex_num, tidy

FloatArray = NDArray[np.float64]

#: The losses the vector form derives: the squares, whose gradient is ``X_bᵀ r``.
VECTOR_LOSSES = ("mse", "half-mse")
#: Features the vector form writes out (X_b has at most this many columns plus the ones).
MAX_FEATURES = 2
#: Rows of the data shown in a matrix before the dots.
SHOWN_ROWS = 3
#: Terms of each row's dot product with r written out before the dots.
DOT_TERMS = 2
#: Significant digits of the data's entries in a matrix (the results keep all of theirs).
ENTRY_SIG = 4

THETA = r"\theta"
XB = "X_b"
XBT = r"X_b^{\top}"
GRAD = r"\nabla L"


class VectorFormError(ValueError):
    """The vector form does not cover this run; the message says why."""


@dataclass(frozen=True)
class VectorStep:
    """The numbers of the first update in vector form, from the data and the trajectory.

    ``xb_head``/``y_head``/``r_head`` are the first :data:`SHOWN_ROWS` rows of ``X_b``,
    ``y`` and ``r = X_b θ₀ − y``; ``xtr`` is ``X_bᵀ r`` over every row (computed), ``grad``
    the full-data gradient (recorded, with ``xtr`` giving it back when ``consistent``),
    ``theta1`` the recorded first update (``None`` without one).
    """

    n: int
    d: int
    k: int
    l2: float
    lr: float
    optimizer: str
    names: tuple[str, ...]  # the parameters: ("w", "b") or ("w_1", "w_2", "b")
    features: tuple[str, ...]
    theta0: tuple[float, ...]
    xb_head: tuple[tuple[float, ...], ...]
    y_head: tuple[float, ...]
    r_head: tuple[float, ...]
    xtr: tuple[float, ...]
    grad: tuple[float, ...]
    consistent: bool
    theta1: tuple[float, ...] | None
    plain: bool  # the first update is theta0 - lr * grad
    loss0: float | None
    loss1: float | None
    standardised: bool
    x_mean: tuple[float, ...]
    x_std: tuple[float, ...]
    n_updates: int
    diverged_at: int | None
    theta_last: tuple[float, ...]  # where the run ended, in data units

    @property
    def has_update(self) -> bool:
        return self.theta1 is not None

    @property
    def plain_step(self) -> tuple[float, ...]:
        """``θ₀ − η ∇L`` over the full data."""
        return tuple(t - self.lr * g for t, g in zip(self.theta0, self.grad, strict=True))


def _columns(x: FloatArray) -> FloatArray:
    return x.reshape(-1, 1) if x.ndim == 1 else x


def vector_step(
    x: FloatArray,
    y: FloatArray,
    traj: Trajectory,
    loss: str,
    optimizer: str,
    *,
    features: Sequence[str] = ("x",),
    l2: float = 0.0,
    lr: float | None = None,
) -> VectorStep:
    """The start and first update of ``traj`` in vector form on data ``(x, y)``."""
    if loss not in VECTOR_LOSSES:
        raise VectorFormError(f"no vector form for loss {loss!r}")
    if traj.dw is None or traj.db is None:
        raise ValueError("the trajectory needs its gradients (Trajectory.complete)")
    xs = _columns(np.asarray(x, dtype=np.float64))
    n, d = xs.shape
    standardised = traj.w_opt is not None and traj.b_opt is not None
    mu = np.zeros(d)
    sd = np.ones(d)
    if standardised:
        mu = np.atleast_1d(np.asarray(traj.config.get("x_mean", xs.mean(axis=0)), dtype=float))
        sd = np.atleast_1d(np.asarray(traj.config.get("x_std", xs.std(axis=0)), dtype=float))
        xs = (xs - mu) / sd
        w_path, b_path = traj.w_opt, traj.b_opt
    else:
        w_path, b_path = traj.w, traj.b
    assert w_path is not None and b_path is not None
    w_all = np.asarray(w_path, dtype=np.float64).reshape(len(b_path), d)
    b_all = np.asarray(b_path, dtype=np.float64)
    rate = traj.lr if traj.lr is not None else lr
    if rate is None:
        raise ValueError("the learning rate is not known")
    xb = np.hstack([xs, np.ones((n, 1))])
    theta0 = np.append(w_all[0], b_all[0])
    r = xb @ theta0 - y
    xtr_raw = xb.T @ r
    k = 2 if loss == "mse" else 1
    mask = np.append(np.ones(d), 0.0)  # the penalty (λ/2)‖w‖² leaves b alone
    mags = np.abs(xb).T @ np.abs(r)  # each sum's rounding noise is about eps times this
    xtr = np.array([tidy(float(v), float(m)) for v, m in zip(xtr_raw, mags, strict=True)])
    recorded = np.append(np.asarray(traj.dw, dtype=np.float64).reshape(-1, d)[0], traj.db[0])
    scale = k / n * mags + l2 * np.abs(theta0) * mask
    computed = k / n * xtr_raw + l2 * theta0 * mask
    consistent = bool(
        np.all(np.abs(computed - recorded) <= CONSISTENT_RTOL * (scale + np.abs(recorded)))
    )
    grad = np.array([tidy(float(v), float(s)) for v, s in zip(recorded, scale, strict=True)])
    has = traj.n_states > 1
    theta1: tuple[float, ...] | None = None
    plain = False
    if has:
        size = np.abs(theta0) + rate * (scale + 1.0)
        t1 = np.append(w_all[1], b_all[1])
        theta1 = tuple(tidy(float(v), float(s)) for v, s in zip(t1, size, strict=True))
        tol = 1e-6 * (np.abs(theta0) + rate * np.abs(grad) + 1e-12)
        plain = bool(np.all(np.abs(theta0 - rate * grad - t1) <= tol))
    names = ("w", "b") if d == 1 else (*(f"w_{j + 1}" for j in range(d)), "b")
    last_w = np.asarray(traj.w, dtype=np.float64).reshape(len(traj.b), d)[-1]
    return VectorStep(
        n=int(n),
        d=int(d),
        k=k,
        l2=float(l2),
        lr=float(rate),
        optimizer=optimizer,
        names=names,
        features=tuple(features),
        theta0=tuple(float(v) for v in theta0),
        xb_head=tuple(tuple(float(v) for v in row) for row in xb[:SHOWN_ROWS]),
        y_head=tuple(float(v) for v in y[:SHOWN_ROWS]),
        r_head=tuple(float(v) for v in r[:SHOWN_ROWS]),
        xtr=tuple(float(v) for v in xtr),
        grad=tuple(float(v) for v in grad),
        consistent=consistent,
        theta1=theta1,
        plain=plain,
        loss0=float(traj.loss[0]) if traj.loss is not None else None,
        loss1=float(traj.loss[1]) if has and traj.loss is not None else None,
        standardised=standardised,
        x_mean=tuple(float(v) for v in mu),
        x_std=tuple(float(v) for v in sd),
        n_updates=traj.n_updates,
        diverged_at=traj.diverged_at,
        theta_last=(*(float(v) for v in last_w), float(traj.b[-1])),
    )


# ---------------------------------------------------------------------- TeX pieces
def column(entries: Sequence[str]) -> str:
    """A column vector of TeX entries."""
    return r"\begin{bmatrix} " + r" \\ ".join(entries) + r" \end{bmatrix}"


def matrix(rows: Sequence[Sequence[str]]) -> str:
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(r) for r in rows) + r" \end{bmatrix}"


def entry(v: float) -> str:
    return tex_num(v, ENTRY_SIG)


def symbolic_xb(d: int) -> str:
    """``X_b`` with symbols: ``x_i`` (or ``x_{i1}``, ``x_{i2}``) and the ones column."""

    def row(i: str) -> list[str]:
        xs = [f"x_{{{i}}}"] if d == 1 else [f"x_{{{i}{j + 1}}}" for j in range(d)]
        return [*xs, "1"]

    dots = [r"\vdots"] * (d + 1)
    return matrix([row("1"), row("2"), dots, row("N")])


def symbolic_xbt(d: int) -> str:
    """``X_bᵀ`` with symbols: row ``j`` is feature ``j`` over every example."""
    rows = []
    for j in range(d):
        sub = "" if d == 1 else str(j + 1)
        rows.append([f"x_{{1{sub}}}", f"x_{{2{sub}}}", r"\cdots", f"x_{{N{sub}}}"])
    rows.append(["1", "1", r"\cdots", "1"])
    return matrix(rows)


def theta_symbols(names: Sequence[str]) -> str:
    return column(list(names))


def numbers_column(values: Sequence[float], more: bool = False, sig: int = 6) -> str:
    out = [tex_num(v, sig) for v in values]
    if more:
        out.append(r"\vdots")
    return column(out)


def data_xb(rows: Sequence[Sequence[float]]) -> str:
    d1 = len(rows[0])
    return matrix([*([entry(v) for v in r] for r in rows), [r"\vdots"] * d1])


# ---------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class VectorBeat:
    """One caption's worth: its heading, the lines kept above and the new lines."""

    key: str
    heading: str
    pinned: tuple[str, ...]
    work: tuple[str, ...]
    #: What the picture beside the lines shows (one feature): a view's name or "" for none;
    #: ``None`` keeps what is shown.
    picture: str | None = None


@dataclass(frozen=True)
class VectorPlan:
    """Every line, beat and caption of the vector form, for one run."""

    step: VectorStep
    lines: dict[str, Eq]
    beats: tuple[VectorBeat, ...]
    headings: dict[str, str]
    captions: dict[str, str]
    notes: dict[str, tuple[str, ...]]


HEADINGS = {
    "v_model": "1  The model, every row at once",
    "v_loss": "2  The loss as a squared length",
    "v_grad": "3  The gradient, entry by entry",
    "v_why": "4  Why the transpose?",
    "v_data": "5  With this data",
    "v_step": "6  One step",
}


def _scale_tex(loss: str) -> tuple[str, str]:
    """The loss's factor before the sum and before the gradient's sum, as TeX."""
    cls = LOSSES[loss]
    return cls.tex_scale, cls.tex_grad_scale


def vector_plan(
    step: VectorStep,
    loss: str,
    lr_critical: float | None = None,
    rate_origin: str | None = None,
) -> VectorPlan:
    """The vector form's lines and captions for ``step`` (``loss``'s TeX and words)."""
    if loss not in VECTOR_LOSSES:
        raise VectorFormError(f"no vector form for loss {loss!r}")
    f = fmt_text
    num = tex_num
    d, n = step.d, step.n
    scale, grad_scale = _scale_tex(loss)
    grad_n = grad_scale.replace("N", str(n))
    k_text = LOSSES[loss].words_grad_scale  # "2/N" or "1/N"
    pen = step.l2 > 0
    pen_grad: list[str | Part] = [part("+", "l2"), part(r"\lambda\, \theta_w", "l2")] if pen else []
    lines: dict[str, Eq] = {}
    cols = d + 1
    p = step.names

    # 1 the model
    lines["model"] = eq(r"\hat{y}", "=", XB, THETA)
    # in a narrow frame θ starts the second row
    lines["shapes"] = eq(
        XB, "=", symbolic_xb(d), r",\quad", THETA, "=", theta_symbols(p)
    ).wrap_at(THETA)  # fmt: skip
    lines["sizes"] = eq(
        r"\underbrace{\hat{y}}_{N \times 1}", "=",
        rf"\underbrace{{X_b}}_{{N \times {cols}}}",
        rf"\underbrace{{\theta}}_{{{cols} \times 1}}",
    )  # fmt: skip
    lines["data_xb"] = eq(
        XB, "=", part(data_xb(step.xb_head), "num"), r"\quad",
        rf"\text{{({n} rows)}}",
    )  # fmt: skip
    # 2 the loss
    l2_value: list[str | Part] = (
        [part("+", "l2"), part(r"\frac{\lambda}{2}\, \lVert \theta_w \rVert^{2}", "l2")]
        if pen
        else []
    )
    lines["loss"] = eq(
        r"L(\theta)", "=", scale, r"\sum_{i=1}^{N}", r"\bigl(\hat{y}_i - y_i\bigr)^{2}", *l2_value
    )
    lines["residual"] = eq("r", "=", r"X_b\,\theta - y", r",\quad", r"r_i = \hat{y}_i - y_i")
    lines["loss_norm"] = eq(
        r"L(\theta)", "=", scale, r"\bigl\lVert X_b\,\theta - y \bigr\rVert^{2}", "=",
        scale, r"\, r^{\top} r", *l2_value,
    )  # fmt: skip
    # 3 the gradient, entry by entry
    lines["r_i"] = eq(
        "r_i",
        "=",
        r"\sum_{j} (X_b)_{ij}\, \theta_j - y_i",
        r"\quad\Rightarrow\quad",
        part(r"\frac{\partial r_i}{\partial \theta_j} = (X_b)_{ij}", "inner"),
    ).wrap_at(r"\quad\Rightarrow\quad")
    lines["chain"] = eq(
        r"\frac{\partial L}{\partial \theta_j}", "=", scale, r"\sum_{i=1}^{N}", "2 r_i",
        r"\cdot", part("(X_b)_{ij}", "inner"), "=", grad_scale, r"\sum_{i=1}^{N}",
        part("(X_b)_{ij}", "inner"), "r_i", *pen_grad,
    ).wrap_at("=", 1)  # fmt: skip
    lines["transpose"] = eq(
        r"\sum_{i=1}^{N} (X_b)_{ij}\, r_i", "=", r"(X_b^{\top} r)_j",
    )  # fmt: skip
    lines["gradient"] = eq(GRAD, "=", grad_scale, XBT, r"\bigl(X_b\,\theta - y\bigr)", *pen_grad)
    # 4 why X_b^T: its rows are the features
    lines["product"] = eq(
        r"X_b^{\top} r", "=", symbolic_xbt(d), column(["r_1", "r_2", r"\vdots", "r_N"]), "=",
        part(
            column(
                [*(rf"\sum_i x_{{i{'' if d == 1 else j + 1}}}\, r_i" for j in range(d)),
                 r"\sum_i r_i"]
            ),
            "inner",
        ),
    ).wrap_at("=", 1)  # fmt: skip
    # the scalar form's sums are the rows: the weights' with their x, b's alone
    xs_sym = ["x_i"] if d == 1 else [f"x_{{i{j + 1}}}" for j in range(d)]
    penalty = r" + \lambda " if pen else ""
    rows = [
        rf"\frac{{\partial L}}{{\partial {q}}} = {grad_scale} \sum_i {x}\, r_i"
        + (f"{penalty}{q}" if pen else "")
        for q, x in zip(p[:-1], xs_sym, strict=True)
    ]
    rows.append(rf"\frac{{\partial L}}{{\partial b}} = {grad_scale} \sum_i r_i")
    lines["rows"] = eq(*_between(rows, r",\quad"))
    if d > 1:  # b's entry on a second row in a narrow frame
        lines["rows"] = Eq(lines["rows"].parts, len(lines["rows"].parts) - 1)
    # 5 the numbers
    theta0_col = numbers_column(step.theta0)
    lines["theta0"] = eq(
        "N", "=", str(n), r",\quad", r"\theta_0", "=", theta0_col,
    )  # fmt: skip
    if step.standardised:
        lines["standardise"] = eq(
            r"x_{ij} \;\to\; \frac{x_{ij} - \bar{x}_j}{s_j}", r",\quad",
            part(r"\bar{x} = " + r";\ ".join(num(v, 4) for v in step.x_mean), "num"),
            r",\quad",
            part("s = " + r";\ ".join(num(v, 4) for v in step.x_std), "num"),
        ).wrap_at(r",\quad")  # fmt: skip
    lines["r_data"] = eq(
        "r", "=", r"X_b\,\theta_0 - y", "=", part(numbers_column(step.r_head, True, 5), "num"),
    )  # fmt: skip
    # Row j of X_b^T (column j of X_b) dotted with r, its first terms written out.
    dots: list[str] = []
    for j in range(cols):
        terms = [
            rf"{entry(row[j])} \cdot " + " ".join(tex_factor(ri, 5))
            for row, ri in zip(step.xb_head[:DOT_TERMS], step.r_head[:DOT_TERMS], strict=True)
        ]
        key = f"dot_{j}"
        lines[key] = eq(
            rf"(X_b^{{\top}} r)_{{{j + 1}}}", "=", " + ".join(terms), r"+ \cdots", "=",
            part(num(step.xtr[j]), "num"),
        ).wrap_at("=", 1)  # fmt: skip
        dots.append(key)
    if step.consistent:
        pen_num: list[str | Part] = []
        if pen:
            masked = [*step.theta0[:-1], 0.0]
            pen_num = [part("+", "l2"), part(num(step.l2) + numbers_column(masked), "l2")]
        lines["grad_data"] = eq(
            GRAD, "=", grad_n, r"\cdot", numbers_column(step.xtr), *pen_num, "=",
            part(numbers_column(step.grad), "num"),
        ).wrap_at("=", 1)  # fmt: skip
    else:
        lines["grad_data"] = eq(GRAD, "=", part(numbers_column(step.grad), "num"))
    # 6 one step
    lines["eta"] = eta_line(
        [r"\eta", "=", part(num(step.lr), "num")], step.lr, lr_critical, rate_origin
    )
    notes: dict[str, tuple[str, ...]] = {}
    step_lines: list[str] = ["eta"]
    if step.has_update:
        assert step.theta1 is not None
        if step.plain:
            lines["rule"] = eq(r"\theta_1", "=", r"\theta_0 - \eta\, \nabla L")
            lines["update"] = eq(
                r"\theta_1", "=", theta0_col, "-", num(step.lr), numbers_column(step.grad), "=",
                part(numbers_column(step.theta1), "num"),
            ).wrap_at("=", 1)  # fmt: skip
            step_lines += ["rule", "update"]
        else:
            lines["full_step"] = eq(
                r"\theta_0 - \eta\, \nabla L", "=", theta0_col, "-", num(step.lr),
                numbers_column(step.grad), "=", numbers_column(step.plain_step),
            ).wrap_at("=", 1)  # fmt: skip
            lines["update"] = eq(
                r"\theta_1", "=", part(numbers_column(step.theta1), "num"),
                rf"\quad\text{{({step.optimizer}'s first update)}}",
            )  # fmt: skip
            step_lines += ["full_step", "update"]
        if step.loss0 is not None and step.loss1 is not None:
            lines["losses"] = eq(
                r"L(\theta_0)", "=", num(step.loss0), r"\;\to\;", r"L(\theta_1)", "=",
                part(num(step.loss1), "num"),
            )  # fmt: skip
            step_lines.append("losses")
    else:
        notes["v_step"] = (no_update_note(step, "θ"),)
    if step.diverged_at == 1 and step.has_update:
        notes["v_step"] = (f"The loss blew up at this update: η = {f(step.lr)} is too large.",)
    if step.n_updates > 1:
        if step.diverged_at is not None:
            notes["end"] = (
                f"Repeated, the steps grow: the run diverged at update {step.diverged_at}.",
            )
        else:
            units = [r"\ \text{(data units)}"] if step.standardised else []
            # θ's entries named beside their values: which is w and which b is the order
            # of X_b's columns, set many lines before.
            lines["end"] = eq(
                r"\text{after}\ ", part(str(step.n_updates), "num"),
                r"\ \text{updates:}\quad", r"\theta", "=", theta_symbols(p), "=",
                part(numbers_column(step.theta_last), "num"), *units,
            )  # fmt: skip

    data_setup = ("theta0", *(("standardise",) if step.standardised else ()))
    beats = [
        VectorBeat("v_model", "v_model", (), ("model", "shapes"), "data"),
        VectorBeat("v_sizes", "v_model", ("model",), ("shapes", "sizes")),
        VectorBeat("v_rows", "v_model", ("model",), ("data_xb", "sizes")),
        VectorBeat("v_loss", "v_loss", ("model",), ("loss", "residual"), "residuals"),
        VectorBeat("v_norm", "v_loss", ("model", "residual"), ("loss", "loss_norm")),
        VectorBeat("v_inner", "v_grad", ("loss_norm",), ("r_i",), ""),
        VectorBeat("v_chain", "v_grad", ("loss_norm",), ("r_i", "chain")),
        VectorBeat("v_transpose", "v_grad", ("loss_norm",), ("chain", "transpose", "gradient")),
        VectorBeat("v_why", "v_why", ("gradient",), ("product", "rows"), "weighted"),
        VectorBeat("v_data", "v_data", ("gradient",), (*data_setup, "data_xb", "r_data"), ""),
        VectorBeat("v_xtr", "v_data", ("r_data",), tuple(dots)),
        VectorBeat("v_times", "v_data", ("gradient",), ("grad_data",)),
        VectorBeat("v_step", "v_step", ("grad_data",), tuple(step_lines)),
    ]
    caps = _captions(step, loss, k_text, rate_origin, lr_critical)
    if step.has_update and step.d == 1:
        beats.append(VectorBeat("v_landing", "v_step", (), (), "step"))
    if step.n_updates > 1:
        beats.append(VectorBeat("end", "end", (), ("end",) if "end" in lines else (), ""))
    return VectorPlan(
        step=step,
        lines=lines,
        beats=tuple(b for b in beats if b.key in caps),
        headings=dict(HEADINGS),
        captions=caps,
        notes=notes,
    )


def _between(items: Sequence[str], sep: str) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(items):
        out += [sep, item] if i else [item]
    return out


def _sum_texts(d: int, values: Sequence[float]) -> list[str]:
    """The entries of ``X_bᵀ r`` as the sums they are: ``Σ xᵢ rᵢ = −12651``."""
    xs = ["xᵢ"] if d == 1 else [f"xᵢ{SUBS[j]}" for j in range(d)]
    names = [f"Σ {x} rᵢ" for x in xs] + ["Σ rᵢ"]
    return [f"{name} = {fmt_text(v)}" for name, v in zip(names, values, strict=True)]


def _grad_text(values: Sequence[float]) -> str:
    """The gradient's entries by name: ``∂L/∂w = −3614.57, ∂L/∂b = −659.714``."""
    names = SPOKEN_NAMES.get(len(values) - 1) or tuple(f"θ{j}" for j in range(len(values)))
    return ", ".join(f"∂L/∂{p} = {fmt_text(v)}" for p, v in zip(names, values, strict=True))


#: Why an optimizer's first update is not ``θ₀ − η∇L`` over all the data.
NOT_PLAIN = {
    "adam": "Adam's first step moves each parameter by about η against its gradient's sign",
    "sgd": "the run's first update used one random point, not all of them",
    "minibatch": "the run's first update used a random batch, not all the data",
}
#: Subscripts of the features in captions.
SUBS = "₁₂₃₄₅₆₇₈₉"
#: The parameters' names in captions (no code-like ``w_1``).
SPOKEN_NAMES = {1: ("w", "b"), 2: ("w₁", "w₂", "b")}


def _vec_text(values: Sequence[float]) -> str:
    """A vector's entries by name: ``w = 36.1457, b = 6.59714`` (never a bare pair)."""
    names = SPOKEN_NAMES.get(len(values) - 1) or tuple(f"θ{j}" for j in range(len(values)))
    return ", ".join(f"{p} = {fmt_text(v)}" for p, v in zip(names, values, strict=True))


def _captions(
    step: VectorStep,
    loss: str,
    k_text: str,
    rate_origin: str | None,
    lr_critical: float | None,
) -> dict[str, str]:
    f = fmt_text
    d, n = step.d, step.n
    cols = d + 1
    theta = "w and b" if d == 1 else "w₁, w₂ and b"
    feats = "x" if d == 1 else " and ".join(step.features)
    loss_words = {"mse": "the mean of the squared residuals", "half-mse": "half that mean"}
    sums = (
        "Σ xᵢ rᵢ for w, Σ rᵢ for b"
        if d == 1
        else ", ".join(f"Σ xᵢ{SUBS[j]} rᵢ for w{SUBS[j]}" for j in range(d)) + ", Σ rᵢ for b"
    )
    out: dict[str, str] = {
        "v_model": (
            "Write all N predictions at once: ŷ = Xb θ. Xb is the data with a column of "
            f"ones added; θ holds {theta}."
        ),
        "v_sizes": (
            f"Shapes: Xb has N rows and {cols} columns, θ has {cols} entries, so ŷ has one "
            "entry per example. The ones column is what multiplies b."
        ),
        "v_rows": (
            f"Here Xb's first rows hold {feats} for the first examples, with a 1 beside "
            f"each; there are {n} rows in all."
        ),
        "v_loss": (
            f"The loss is {loss_words[loss]}, with rᵢ = ŷᵢ − yᵢ: "
            "the prediction minus the target, as the lesson's code computes it."
        ),
        "v_norm": (
            "Stack the residuals into one vector r = Xb θ − y. The sum of its squared "
            "entries is its squared length: r transposed times r."
        ),
        "v_inner": (
            "Inside first: rᵢ is row i of Xb times θ, minus yᵢ, so its derivative by θⱼ "
            "is the entry of Xb in row i, column j."
        ),
        "v_chain": (
            "Then the square: each term gives 2 rᵢ times that entry. "
            f"Gathered, ∂L/∂θⱼ is {k_text} times the sum over i of that entry times rᵢ."
        ),
        "v_transpose": (
            "That sum runs down column j of Xb, which is row j of Xb transposed: it is "
            "entry j of Xb transposed times r. All entries at once, the gradient is "
            f"{k_text} times Xb transposed times (Xb θ − y)."
        ),
        "v_why": (
            "Why the transpose? Row j of Xb transposed is feature j over every example, "
            "so each entry of the gradient is that feature dotted with the residuals. "
            f"The scalar form's sums are these rows: {sums}."
        ),
    }
    if step.l2:
        out["v_loss"] += (
            f" Plus (λ/2) times the weights' squared length, λ = {f(step.l2)}; b is not penalised."
        )
        out["v_transpose"] += " The penalty adds λ times the weights, and 0 for b."
    start = f"With this data: N = {n}, starting from {_vec_text(step.theta0)}."
    if step.standardised:
        start += (
            " Each feature was standardised, so Xb holds the standardised columns, "
            "where the optimizer steps."
        )
    firsts = ", ".join(f"r{SUBS[i]} = {f(v)}" for i, v in enumerate(step.r_head))
    out["v_data"] = f"{start} The residual vector starts {firsts}."
    out["v_xtr"] = (
        "Each column of Xb dotted with r gives an entry of Xb transposed times r: "
        f"{listed(_sum_texts(d, step.xtr))}."
    )
    if step.consistent:
        out["v_times"] = (
            f"Times {k_text.replace('N', str(n))}, that is the gradient: {_grad_text(step.grad)}."
        )
        if step.l2:
            out["v_times"] += " The penalty adds λ times each weight to its entry."
    else:
        out["v_times"] = f"The gradient at the start, as recorded: {_grad_text(step.grad)}."
    if step.has_update and step.theta1 is not None:
        share = rate_name(step.lr, lr_critical)
        eta = f"η = {f(step.lr)}"
        if rate_name(step.lr, lr_critical, short=True) or not rate_origin:
            said = f"{eta} ({share})" if share else eta
        else:
            said = f"{eta} ({rate_origin}, {share})" if share else f"{eta} ({rate_origin})"
        if step.plain:
            same = (
                "the scalar form's numbers, one parameter at a time"
                if d == 1
                else "each parameter stepped against its own entry of the gradient"
            )
            text = (
                f"One step with {said}: θ₁ = θ₀ − η times the gradient, so "
                f"{_vec_text(step.theta1)}: {same}."
            )
            if step.optimizer in ("momentum", "nesterov"):
                text += " The velocity starts at 0, so this first step is plain gradient descent's."
        else:
            why = NOT_PLAIN.get(step.optimizer, f"{step.optimizer} steps its own way")
            text = (
                f"With {said}, a plain step would give {_vec_text(step.plain_step)}; "
                f"{why}: {_vec_text(step.theta1)}."
            )
        if step.loss0 is not None and step.loss1 is not None:
            verb = "falls" if step.loss1 < step.loss0 else "rises"
            text += f" The loss {verb} from {f(step.loss0)} to {f(step.loss1)}."
        out["v_step"] = text
        if d == 1:
            out["v_landing"] = (
                "On the map: the gradient points uphill, and the step goes the other way, "
                "η times as long."
                if step.plain
                else "On the map: the gradient points uphill; the first step goes downhill."
            ) + " The grey arrow shows the gradient's direction only, not its length."
    else:
        out["v_step"] = no_update_note(step, "θ")
    if step.n_updates > 1:
        if step.diverged_at is not None:
            out["end"] = f"Repeat, and this run blows up: it diverged at update {step.diverged_at}."
        else:
            out["end"] = f"Repeat: after {step.n_updates} updates, {_vec_text(step.theta_last)}."
    return out

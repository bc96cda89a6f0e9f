"""The derivation's formulas and numbers, without manim.

The numbers the derivation shows must be the trajectory's (to the digits shown), the sums it
shows must give back the recorded gradient, and its sign convention (residual ``y - y_hat``,
inner derivative ``-x_i``) must agree with the losses' own gradients.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from gdanim import derivation as F
from gdanim.config import TrainConfig
from gdanim.datasets import get_dataset
from gdanim.losses import LOSSES, make_loss
from gdanim.optimizers import OPTIMIZERS
from gdanim.trainer import train

LOSS_NAMES = sorted(LOSSES)
OPT_NAMES = sorted(OPTIMIZERS)


def close_to_shown(value: float, shown: float, scale: float = 0.0) -> bool:
    """``shown`` is ``value`` at :data:`F.SIG` significant digits (or 0 for rounding noise)."""
    if shown == 0.0:
        return abs(value) <= F.TIDY_RTOL * max(scale, abs(value)) or value == 0.0
    return abs(shown - value) <= 0.51 * 10 ** (math.floor(math.log10(abs(value))) - F.SIG + 1)


def run(dataset="campaign", **kw):
    ds = get_dataset(dataset)
    cfg = TrainConfig(**{"epochs": 5, **kw})
    traj = train(ds, cfg)
    resolved = cfg.resolve(ds)
    plan = F.plan(
        ds.x,
        ds.y,
        traj,
        resolved.loss,
        resolved.optimizer,
        l2=resolved.l2,
        delta=resolved.delta,
        batch_size=resolved.batch_size,
    )
    return ds, traj, plan


# ------------------------------------------------------------------ number formatting


@pytest.mark.parametrize(
    ("v", "plain", "tex"),
    [
        (0.0, "0", "0"),
        (-3614.571428571428, "-3614.57", "-3614.57"),
        (36.145714285714284, "36.1457", "36.1457"),
        (0.01, "0.01", "0.01"),
        (12651.0, "12,651", "12{,}651"),
        (1.5e-05, "1.5e-5", r"1.5 \times 10^{-5}"),
        (1e-08, "1e-8", "10^{-8}"),
        (-2.5e7, "-2.5e7", r"-2.5 \times 10^{7}"),
        (123870.14285714284, "123,870", "123{,}870"),
        (-1e-300, "-1e-300", "-10^{-300}"),
    ],
)
def test_number_formats(v, plain, tex):
    assert F.fmt_num(v) == plain
    assert F.tex_num(v) == tex
    assert F.fmt_text(v) == plain.replace("-", "\u2212")


def test_displayed_numbers_round_to_six_digits():
    rng = np.random.default_rng(3)
    for v in rng.normal(size=200) * 10.0 ** rng.integers(-9, 9, size=200):
        assert close_to_shown(float(v), F.displayed(float(v)))


def test_tidy_turns_rounding_noise_into_zero_only():
    assert F.tidy(8.9e-16, 32.0) == 0.0
    assert F.tidy(1e-9, 32.0) == 1e-9
    assert F.tidy(-3.0, 1.0) == -3.0


def test_negative_factors_get_parentheses():
    assert F.tex_factor(-2.0) == [r"\bigl(", "-2", r"\bigr)"]
    assert F.tex_factor(2.0) == ["2"]


def test_reading_time_grows_with_the_caption_and_its_lines():
    short, long_ = "A short caption.", "A much longer caption. " * 8
    assert F.reading_time(short) == F.READ_MIN
    assert F.reading_time(long_) > F.reading_time(short)
    assert F.reading_time(long_, 2) == pytest.approx(F.reading_time(long_) + 2 * F.READ_PER_LINE)


# ------------------------------------------------------------------ equations


def test_equation_parts_must_not_be_empty_and_wraps_must_be_inside():
    with pytest.raises(ValueError):
        F.eq("a", " ", "b")
    with pytest.raises(ValueError):
        F.Eq((("a", ""), ("b", "")), wrap=0)
    e = F.eq("a", "=", "b").wrap_at("b")
    assert e.wrap == 2
    assert e.wrapped() == ["&a", "=", r"\\ &\qquad b"]
    assert e.strings == ["a", "=", "b"]


@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_every_loss_and_l2_has_its_lines(loss, l2):
    f = F.loss_forms(loss, l2=l2, delta=1.5)
    lines = [f.loss, f.loss_sub, f.inner_w, f.chain_w, f.grad_w, f.inner_b, f.chain_b, f.grad_b]
    for line in lines:
        assert line.parts and all(t.strip() for t in line.strings)
    # The penalty (l2/2) w^2 is on the slope only: its gradient l2 w appears for w, never for b.
    assert (F.L2_VALUE in f.loss.strings) == bool(l2)
    assert (F.L2_GRAD in f.grad_w.strings) == bool(l2)
    assert F.L2_GRAD not in f.grad_b.strings and F.L2_VALUE not in f.chain_b.strings
    # The inner derivative -x_i is carried, coloured, from the inner line to the gradient.
    assert ("-x_i", "inner") in f.inner_w.parts
    assert (F.INNER_W_PAREN, "inner") in f.chain_w.parts
    assert (F.CARRIED_X, "inner") in f.grad_w.parts and (F.CARRIED_MINUS, "inner") in f.grad_w.parts
    assert ("-1", "inner") in f.inner_b.parts
    # Renamed terms exist on both sides of their transform.
    for src, dst, renames in (
        (f.loss_sub, f.chain_w, f.keys_chain_w),
        (f.loss_sub, f.chain_b, f.keys_chain_b),
    ):
        for a, b in renames.items():
            if a in src.strings or a in f.inner_w.strings or a in f.inner_b.strings:
                assert b in dst.strings
    scale = {"mse": r"\frac{2}{N}", "half-mse": r"\frac{1}{N}"}.get(loss, r"\frac{1}{N}")
    assert scale in f.grad_w.strings and scale in f.grad_b.strings
    if loss == "huber":
        assert any(r"\delta = 1.5" in t for e in f.outer for t in e.strings)
    if loss == "mae":
        assert r"\operatorname{sign}" in f.grad_w.strings


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_sign_convention_matches_the_losses_gradients(loss):
    """-(k/N) sum x g(y - y_hat) + l2 w is gdanim's dL/dw, at random points."""
    ds = get_dataset("outliers")
    rng = np.random.default_rng(1)
    lo = make_loss(loss, l2=0.3, delta=2.0)
    k = F.loss_forms(loss).k
    for _ in range(10):
        w, b = rng.normal(0.3, 0.5), rng.normal(5.0, 5.0)
        e = ds.y - (w * ds.x + b)
        g = F.outer_derivative(loss, e, 2.0)
        gw, gb = lo.grad(ds.x, ds.y, w, b)
        assert -k / ds.n * np.sum(ds.x * g) + 0.3 * w == pytest.approx(float(gw), rel=1e-9)
        assert -k / ds.n * np.sum(g) == pytest.approx(float(gb), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("opt", OPT_NAMES)
def test_update_lines_use_the_gradient_symbols(opt):
    lines = F.update_lines(opt, {"momentum": 0.8, "beta2": 0.99, "eps": 1e-7}, 16)
    text = " ".join(e.tex for e in lines)
    if opt in ("sgd", "minibatch"):
        assert F.DLDW_BATCH in text and F.DLDB_BATCH in text
    else:
        assert F.DLDW in text and F.DLDB in text
    if opt in ("momentum", "nesterov"):
        assert r"\beta = 0.8" in text
    if opt == "nesterov":
        assert r"\beta v\bigr)" in text
    if opt == "adam":
        assert r"\beta_2 = 0.99" in text and r"10^{-7}" in text
    if opt == "minibatch":
        assert "|B| = 16" in text
    if opt == "sgd":
        assert "|B| = 1" in text


# ------------------------------------------------------------------ the run's numbers

CASES = [
    (loss, l2, opt, norm)
    for loss in LOSS_NAMES
    for l2 in (0.0, 0.1)
    for opt, norm in (("gd", False), ("momentum", True))
] + [
    ("mse", 0.0, "sgd", False),
    ("half-mse", 0.1, "minibatch", False),
    ("mae", 0.0, "adam", False),
    ("huber", 0.1, "nesterov", True),
    ("mse", 0.0, "adam", True),
]


@pytest.mark.parametrize(("loss", "l2", "opt", "norm"), CASES)
def test_numbers_shown_are_the_trajectorys_first_update(loss, l2, opt, norm):
    ds, traj, plan = run(loss=loss, l2=l2, optimizer=opt, normalize=norm)
    s, d = plan.step, plan.data
    w_opt = traj.w_opt if norm else traj.w
    b_opt = traj.b_opt if norm else traj.b
    assert s.standardised == norm
    assert s.lr == traj.config["lr"]
    # The plan's numbers are the run's: exactly, up to rounding noise around zero (on
    # standardised x the sum of x is zero only to about 1e-16).
    recorded = (w_opt[0], w_opt[1], b_opt[0], b_opt[1])
    scale = 1.0 + max(abs(float(v)) for v in recorded)
    assert (s.w0, s.w1, s.b0, s.b1) == pytest.approx(recorded, rel=1e-12, abs=1e-12 * scale)
    scale_w = s.k / s.n * np.sum(np.abs(ds.x)) * 1e3 + abs(traj.dw[0])
    assert close_to_shown(traj.dw[0], F.displayed(s.dw), scale_w)
    assert close_to_shown(traj.db[0], F.displayed(s.db), scale_w)
    assert close_to_shown(w_opt[1], F.displayed(s.w1), abs(w_opt[0]) + 1.0)
    assert close_to_shown(b_opt[1], F.displayed(s.b1), abs(b_opt[0]) + 1.0)
    # The sums shown give back the recorded gradient.
    assert s.consistent
    assert -s.k / s.n * s.sum_xg + l2 * s.w0 == pytest.approx(traj.dw[0], rel=1e-9, abs=1e-12)
    assert -s.k / s.n * s.sum_g == pytest.approx(traj.db[0], rel=1e-9, abs=1e-12)
    # The lines carry exactly those numbers.
    assert F.tex_num(s.dw) in d.grad_w.strings and F.tex_num(s.db) in d.grad_b.strings
    assert F.tex_num(s.sum_xg) in d.sum_xg.strings and F.tex_num(s.sum_g) in d.sum_g.strings
    assert F.tex_num(s.sum_xg) in d.grad_w.strings and F.tex_num(s.sum_g) in d.grad_b.strings
    w_line, b_line = d.step
    assert w_line.strings[-1] == F.tex_num(s.w1) and b_line.strings[-1] == F.tex_num(s.b1)
    assert F.tex_num(s.lr) in d.eta.strings and F.tex_num(s.lr) in w_line.strings
    assert f"N = {ds.n}" in plan.captions["start"]
    assert F.fmt_text(s.dw) in plan.captions["gradient"]
    assert F.fmt_text(s.w1) in plan.captions["step"] and F.fmt_text(s.b1) in plan.captions["step"]


@pytest.mark.parametrize("opt", ["gd", "momentum", "nesterov"])
def test_first_step_is_w0_minus_lr_times_gradient(opt):
    _, traj, plan = run(optimizer=opt)
    s = plan.step
    assert s.w1 == pytest.approx(s.w0 - s.lr * traj.dw[0], rel=1e-12)
    assert s.b1 == pytest.approx(s.b0 - s.lr * traj.db[0], rel=1e-12)
    w_line = plan.data.step[0]
    assert F.tex_num(traj.dw[0]) in w_line.strings  # the gradient it used, shown in the step


def test_adam_first_step_is_lr_against_the_sign():
    _, traj, plan = run(optimizer="adam")
    s = plan.step
    assert s.w1 - s.w0 == pytest.approx(-s.lr * np.sign(traj.dw[0]), rel=1e-6)
    assert any(F.tex_num(traj.dw[0]) in t for t in plan.data.step[0].strings)


@pytest.mark.parametrize("opt", ["sgd", "minibatch"])
def test_stochastic_first_step_is_shown_beside_the_full_gradient(opt):
    _, traj, plan = run(optimizer=opt, batch_size=3)
    s = plan.step
    # dw[0] is the full-data gradient; the actual step came from a random batch.
    assert s.batch_dw == pytest.approx(-(traj.w[1] - traj.w[0]) / s.lr)
    assert s.batch_dw != pytest.approx(traj.dw[0])
    assert F.tex_num(s.batch_dw) in plan.data.step[0].strings
    full = plan.data.extra[0].strings
    assert F.tex_num(s.w0 - s.lr * traj.dw[0]) in full
    assert "random" in plan.captions["step"] and "random batch" in plan.captions["gradient"]


def test_a_batch_as_large_as_the_data_is_a_full_batch_step():
    _, traj, plan = run(optimizer="minibatch", batch_size=16)
    s = plan.step
    assert s.batch == "full" and s.batch_size == s.n == 7
    assert s.w1 == pytest.approx(s.w0 - s.lr * traj.dw[0])
    assert "all the data" in plan.captions["update"]
    assert "|B| = 7" in " ".join(e.tex for e in plan.updates)


def test_standardised_run_says_so_and_gives_the_line_in_data_units():
    _, traj, plan = run(optimizer="gd", normalize=True)
    s = plan.step
    assert s.x_mean == traj.config["x_mean"] and s.x_std == traj.config["x_std"]
    assert "standardised" in plan.captions["start"]
    std = plan.data.standardise
    assert std is not None
    # In a narrow frame the mean and the spread take a row of their own.
    assert std.wrap is not None
    assert std.wrapped()[std.wrap].endswith(rf"\bar{{x}} = {F.tex_num(s.x_mean)}")
    units = next(e for e in plan.data.extra if r"\text{data units: }" in e.strings)
    assert F.tex_num(traj.w[1]) in units.strings and F.tex_num(traj.b[1]) in units.strings


def test_a_run_without_updates_shows_the_gradient_and_says_so():
    _, traj, plan = run(epochs=0)
    assert traj.n_updates == 0
    assert plan.step.w1 is None and plan.data.step == ()
    assert F.tex_num(traj.dw[0]) in plan.data.grad_w.strings
    assert "no updates" in plan.captions["step"] and plan.data.notes
    assert "end" not in plan.captions


def test_a_run_that_diverges_at_once_says_so():
    _, traj, plan = run(lr=1000.0, epochs=20)
    assert traj.diverged_at == 1 and traj.n_updates == 1
    assert plan.step.w1 == traj.w[1]
    assert "diverged" in plan.captions["step"]
    assert any("too large" in n for n in plan.data.notes)
    assert len(plan.data.step) == 2  # the step it took is still shown


def test_a_first_update_past_float_range_shows_the_gradient_and_says_so():
    _, traj, plan = run(lr=1e200, epochs=20)
    assert traj.diverged_at == 1 and traj.n_updates == 0
    assert plan.data.step == ()
    assert "diverged at once" in plan.captions["step"]
    assert F.tex_num(traj.dw[0]) in plan.data.grad_w.strings


def test_a_recorded_gradient_that_the_sums_do_not_give_back_is_shown_alone():
    ds, traj, _ = run()
    other = replace(traj, dw=traj.dw + 1.0)
    plan = F.plan(ds.x, ds.y, other, "mse", "gd")
    assert not plan.step.consistent
    assert plan.data.sum_g is None and plan.data.sum_xg is None
    assert plan.data.grad_w.strings[-1] == F.tex_num(other.dw[0])
    assert "as recorded" in plan.captions["gradient"]


def test_rolling_downhill_numbers_by_hand():
    """The lesson's data: dJ/dw = mean(x * (y_hat - y)) at w = b = 0 is -mean(x * y)."""
    ds, _traj, plan = run("rolling-downhill")
    x, y = ds.x, ds.y
    assert plan.step.sum_xg == pytest.approx(np.sum(x * y))
    assert plan.step.dw == pytest.approx(-np.mean(x * y))
    assert plan.step.w1 == pytest.approx(0.01 * np.mean(x * y))
    assert plan.step.b1 == pytest.approx(0.01 * np.mean(y))


@pytest.mark.parametrize("loss", ["mse", "half-mse", "mae", "huber"])
def test_the_gradient_caption_names_the_penalty_the_screen_shows(loss):
    _, _, plain = run(loss=loss)
    _, _, ridge = run(loss=loss, l2=0.5)
    assert "λw" not in plain.captions["grad_w"]
    assert "∂L/∂w = −" in ridge.captions["grad_w"]
    assert " + λw (the penalty, λ = 0.5)" in ridge.captions["grad_w"]

"""Landscape analysis: critical rates, conditioning, regimes, framing and contour levels."""

from __future__ import annotations

import numpy as np
import pytest

from gdanim.config import TrainConfig
from gdanim.datasets import get_dataset
from gdanim.landscape import (
    LARGE_FACTOR,
    RIGHT_FRACTION,
    ROUND_RIGHT_FRACTION,
    ROUND_SMALL_FRACTION,
    SMALL_FRACTION,
    analyze,
    build_landscape,
    frame_view,
    hessian,
)
from gdanim.losses import make_loss
from gdanim.trainer import train


def _design_hessian(x: np.ndarray, c: float = 2.0) -> np.ndarray:
    """``c / N X^T X`` with ``X = [x, 1]``."""
    big_x = np.column_stack([x, np.ones_like(x)])
    return c / x.size * big_x.T @ big_x


@pytest.fixture(scope="module")
def campaign():
    return get_dataset("campaign")


def test_campaign_critical_rate_is_2_over_lambda_max(campaign):
    a = analyze(campaign, make_loss("mse"))
    lam = np.linalg.eigvalsh(_design_hessian(campaign.x))
    assert a.lr_critical == 2.0 / lam[-1]  # integer data: exact
    assert a.lr_critical == pytest.approx(0.036177, rel=1e-4)
    np.testing.assert_allclose(a.hessian, _design_hessian(campaign.x), rtol=1e-15)
    np.testing.assert_allclose(a.eigenvalues, lam, rtol=1e-13)
    assert a.condition_number == pytest.approx(lam[1] / lam[0], rel=1e-12)
    assert a.condition_number == pytest.approx(np.linalg.cond(_design_hessian(campaign.x)))
    assert a.lr_fastest == pytest.approx(2.0 / (lam[0] + lam[1]), rel=1e-12)
    assert a.can_diverge
    assert a.rule == "2 / lambda_max"


@pytest.mark.parametrize("name", ["uniform", "housing", "clean", "rolling-downhill"])
def test_critical_rate_on_other_data(name):
    ds = get_dataset(name)
    loss = make_loss(ds.loss)
    a = analyze(ds, loss)
    lam = np.linalg.eigvalsh(_design_hessian(ds.x, loss.curvature))
    assert a.lr_critical == pytest.approx(2.0 / lam[-1], rel=1e-13)


def test_regimes_are_ordered_around_the_critical_rate(campaign):
    a = analyze(campaign, make_loss("mse"))
    r = a.lr_regimes
    assert set(r) == {"small", "right", "large"}
    assert r["small"] < r["right"] < a.lr_critical < r["large"]
    # Each at three significant digits, so that the screen and the formulas write it alike.
    assert r["small"] == pytest.approx(SMALL_FRACTION * a.lr_critical, rel=5e-3)
    assert r["right"] == pytest.approx(RIGHT_FRACTION * a.lr_critical, rel=5e-3)
    assert r["large"] == pytest.approx(LARGE_FACTOR * a.lr_critical, rel=5e-3)
    assert (r["small"], r["right"], r["large"]) == (0.00181, 0.0181, 0.0416)


def test_a_round_bowl_takes_slower_regimes_so_each_looks_like_its_name():
    # On standardised x, half the critical rate lands on the optimum in one update: there
    # "right" is a tenth of it and "small" a two-hundredth, and each run does what it says.
    ds = get_dataset("clean")
    a = analyze(ds, make_loss("mse"), normalize=True)
    assert a.condition_number == pytest.approx(1.0)
    r = a.lr_regimes
    assert r["small"] == pytest.approx(ROUND_SMALL_FRACTION * a.lr_critical, rel=5e-3)
    assert r["right"] == pytest.approx(ROUND_RIGHT_FRACTION * a.lr_critical, rel=5e-3)
    assert r["large"] > a.lr_critical
    from gdanim.outcome import classify

    def run(lr: float):
        t = train(ds, TrainConfig(normalize=True, lr=lr, epochs=200, init=(0.0, 0.0)))
        return t, classify(t, a.optimum_loss, ds.x)

    small, right, large = (run(r[k]) for k in ("small", "right", "large"))
    assert right[1].kind == "converged" and 10 <= right[1].update <= 100
    assert small[1].kind != "converged"
    assert large[1].kind == "diverged"


def test_optimum_matches_least_squares(campaign):
    a = analyze(campaign, make_loss("mse"))
    w, b = np.polyfit(campaign.x, campaign.y, 1)
    assert a.optimum == pytest.approx((w, b), rel=1e-12)
    assert a.optimum_loss == pytest.approx(np.mean((w * campaign.x + b - campaign.y) ** 2))
    d = a.to_dict()
    assert d["optimum"] == {"w": a.optimum[0], "b": a.optimum[1], "loss": a.optimum_loss}
    assert d["lr_critical"] == a.lr_critical


def test_mae_has_no_critical_rate(campaign):
    a = analyze(campaign, make_loss("mae"))
    assert a.lr_critical is None
    assert a.can_diverge is False
    assert a.lr_fastest is None
    r = a.lr_regimes
    assert 0 < r["small"] < r["right"] < r["large"]
    # The least-absolute-deviations line: no other nearby line has a smaller mean |r|.
    loss = make_loss("mae")
    w, b = a.optimum
    best = float(loss.value(campaign.x, campaign.y, w, b))
    for dw, db in [(0.1, 0), (-0.1, 0), (0, 1), (0, -1), (0.1, -0.5), (-0.1, 0.5)]:
        assert float(loss.value(campaign.x, campaign.y, w + dw, b + db)) >= best - 1e-9


def test_huber_reports_an_overshoot_rate_but_cannot_diverge(campaign):
    a = analyze(campaign, make_loss("huber"))
    assert a.lr_critical is not None
    assert a.can_diverge is False
    assert any("huber" in note for note in a.notes)


def test_adam_has_no_critical_rate(campaign):
    a = analyze(campaign, make_loss("mse"), "adam", init=(0.0, 0.0))
    assert a.lr_critical is None
    assert not a.can_diverge
    r = a.lr_regimes
    # Adam steps about lr per coordinate: "right" covers the largest distance in ~60 steps.
    assert r["right"] == pytest.approx(max(abs(a.optimum[0]), abs(a.optimum[1])) / 60.0, rel=5e-3)
    assert r["small"] < r["right"] < r["large"]


@pytest.mark.parametrize("name", ["campaign", "uniform", "clean", "housing"])
def test_stochastic_bounds_are_below_full_batch(name):
    ds = get_dataset(name)
    loss = make_loss("mse")
    gd = analyze(ds, loss, "gd").lr_critical
    sgd = analyze(ds, loss, "sgd").lr_critical
    mini = analyze(ds, loss, "minibatch", batch_size=4).lr_critical
    assert sgd < gd
    assert sgd <= mini
    assert sgd == pytest.approx(2.0 / (2.0 * np.max(ds.x**2 + 1.0)), rel=1e-14)


def test_momentum_and_nesterov_rates(campaign):
    loss = make_loss("mse")
    lam = np.linalg.eigvalsh(_design_hessian(campaign.x))[-1]
    beta = 0.5
    mom = analyze(campaign, loss, "momentum", momentum=beta).lr_critical
    nes = analyze(campaign, loss, "nesterov", momentum=beta).lr_critical
    assert mom == pytest.approx(2 * (1 + beta) / lam, rel=1e-14)
    assert nes == pytest.approx(2 * (1 + beta) / ((1 + 2 * beta) * lam), rel=1e-14)
    assert analyze(campaign, loss, "gd").lr_critical < mom


def test_normalize_makes_the_problem_well_conditioned():
    ds = get_dataset("clean")
    raw = analyze(ds, make_loss("mse"))
    std = analyze(ds, make_loss("mse"), normalize=True)
    assert raw.condition_number > 1000
    assert std.condition_number == pytest.approx(1.0)  # standardised x: H = 2 I
    assert std.lr_critical == pytest.approx(1.0)
    assert std.optimum == pytest.approx(raw.optimum, rel=1e-12)  # data units either way


def test_hessian_includes_l2(campaign):
    h0 = hessian(campaign.x, make_loss("mse"))
    h1 = hessian(campaign.x, make_loss("mse", l2=3.0))
    np.testing.assert_allclose(h1 - h0, [[3.0, 0.0], [0.0, 0.0]], atol=1e-12)


def test_unknown_optimizer_is_refused(campaign):
    with pytest.raises(ValueError):
        analyze(campaign, make_loss("mse"), "lbfgs")


# ------------------------------------------------------------------ view and landscape


def _paths(*trajs):
    return [(t.w, t.b, t.loss, t.diverged) for t in trajs]


@pytest.mark.parametrize(
    ("name", "init"), [("campaign", (0.0, 0.0)), ("housing", None), ("uniform", None)]
)
def test_frame_view_contains_start_and_optimum(name, init):
    ds = get_dataset(name)
    loss = make_loss(ds.loss)
    traj = train(ds, TrainConfig(lr="right", epochs=200, init=init))
    view = frame_view(ds, loss, _paths(traj))
    assert view.contains(traj.w[0], traj.b[0])
    assert view.contains(*analyze(ds, loss).optimum)
    assert all(view.contains(w, b) for w, b in zip(traj.w, traj.b, strict=True))
    assert view.w_max > view.w_min and view.b_max > view.b_min


def test_frame_view_keeps_a_diverging_run_from_blowing_up_the_frame(campaign):
    loss = make_loss("mse")
    good = train(campaign, TrainConfig(lr=0.01, epochs=200))
    bad = train(campaign, TrainConfig(lr=0.05, epochs=200))
    assert bad.diverged
    view = frame_view(campaign, loss, _paths(good, bad))
    assert view.contains(0.0, 0.0)
    assert not view.contains(bad.w[-1], bad.b[-1])  # the blown-up end leaves the view
    assert view.w_max - view.w_min < 1e4


def test_build_landscape_levels_and_contours(campaign):
    loss = make_loss("mse")
    traj = train(campaign, TrainConfig(lr=0.01, epochs=300))
    land = build_landscape(campaign, loss, _paths(traj), resolution=161, n_levels=10)
    assert land.z.shape == (161, 161)
    assert land.w_grid.shape == land.b_grid.shape == (161,)
    assert (np.diff(land.levels) > 0).all()
    assert len(land.levels) >= 8
    zmin, zmax = land.loss_range()
    assert zmin < land.levels[0] and land.levels[-1] < zmax
    assert land.optimum_loss == pytest.approx(analyze(campaign, loss).optimum_loss)
    assert land.optimum_loss <= zmin  # nothing on the grid beats the optimum
    assert land.start_loss == pytest.approx(traj.loss[0])
    # The grid is the loss itself (rows are b).
    i, j = 17, 40
    assert land.z[i, j] == pytest.approx(
        float(loss.value(campaign.x, campaign.y, land.w_grid[j], land.b_grid[i]))
    )
    paths = land.contour_paths()
    assert len(paths) == len(land.levels)
    for level, lines in paths:
        assert lines, f"no contour at level {level}"
        for seg in lines:
            assert seg.ndim == 2 and seg.shape[1] == 2 and len(seg) >= 2
            z_on = loss.value(campaign.x, campaign.y, seg[:, 0], seg[:, 1])
            # Linear interpolation on the grid: close to the level in excess loss L - L*.
            excess = level - land.optimum_loss
            np.testing.assert_allclose(z_on - land.optimum_loss, excess, rtol=0.1)


def test_build_landscape_for_a_non_quadratic_loss(campaign):
    loss = make_loss("mae")
    traj = train(campaign, TrainConfig(loss="mae", lr="right", epochs=100))
    land = build_landscape(campaign, loss, _paths(traj), resolution=41, n_levels=8)
    assert (np.diff(land.levels) > 0).all()
    assert sum(len(lines) for _, lines in land.contour_paths()) > 0

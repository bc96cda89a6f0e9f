"""Losses: exact gradients, grid evaluation and the moments fast path.

Every loss in :data:`gdanim.losses.LOSSES` is checked against central finite differences,
its grid evaluation against pointwise evaluation, and the squared losses' centred-moments
shortcut against the plain per-point sum, including data with a large offset.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from gdanim.datasets import get_dataset
from gdanim.losses import LOSSES, Moments, make_loss

L2_VALUES = (0.0, 0.7)


def _synthetic(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 5.0, n)
    y = 1.7 * x - 0.4 + rng.normal(0.0, 1.5, n)
    return x, y


def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "synthetic40":
        return _synthetic(40, 5)
    if name == "three-points":  # <= 4 points: the per-point path of the squared losses
        return np.array([0.5, 2.0, 3.5]), np.array([1.0, 2.6, 5.9])
    d = get_dataset(name)
    return np.array(d.x), np.array(d.y)


def _probe_points(x: np.ndarray, y: np.ndarray, count: int) -> list[tuple[float, float]]:
    """Parameter pairs spread around the least-squares fit."""
    w_ls, b_ls = np.polyfit(x, y, 1)
    rng = np.random.default_rng(17)
    spread_w = 0.5 * abs(w_ls) + 0.5
    spread_b = 0.5 * abs(b_ls) + 0.5 * float(np.std(y)) + 0.5
    out = [(0.0, 0.0), (float(w_ls), float(b_ls))]
    for _ in range(count):
        out.append(
            (
                float(w_ls + spread_w * rng.standard_normal()),
                float(b_ls + spread_b * rng.standard_normal()),
            )
        )
    return out


def _away_from_kinks(loss, x, y, w, b, h) -> bool:
    """True when no residual crosses a kink of the loss within the finite-difference step."""
    r = w * x + b - y
    reach = 10.0 * h * (np.abs(x) + 1.0)
    if loss.name == "mae":
        return bool(np.all(np.abs(r) > reach))
    if loss.name == "huber":
        return bool(np.all(np.abs(np.abs(r) - loss.delta) > reach))
    return True


def _central_difference(loss, x, y, w, b, h):
    dw = (loss.value(x, y, w + h, b) - loss.value(x, y, w - h, b)) / (2 * h)
    db = (loss.value(x, y, w, b + h) - loss.value(x, y, w, b - h)) / (2 * h)
    return float(dw), float(db)


@pytest.mark.parametrize("dataset", ["synthetic40", "three-points", "campaign", "rolling-downhill"])
@pytest.mark.parametrize("l2", L2_VALUES)
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_gradient_matches_central_differences(name, l2, dataset):
    x, y = _data(dataset)
    loss = make_loss(name, l2=l2, delta=1.0)
    h = 1e-5
    checked = 0
    for w, b in _probe_points(x, y, 8):
        if not _away_from_kinks(loss, x, y, w, b, h):
            continue
        gw, gb = loss.grad(x, y, w, b)
        fw, fb = _central_difference(loss, x, y, w, b, h)
        scale = 1.0 + abs(float(loss.value(x, y, w, b)))
        # Rounding in the difference quotient is about eps * L / h; allow well above it.
        tol = 1e-6 * scale
        assert abs(float(gw) - fw) <= tol + 1e-6 * abs(fw), (w, b, gw, fw)
        assert abs(float(gb) - fb) <= tol + 1e-6 * abs(fb), (w, b, gb, fb)
        checked += 1
    assert checked >= 5, "too few probe points away from the kinks"


def test_huber_probe_points_cover_both_branches():
    # The finite-difference check above is only meaningful for huber if its residuals fall on
    # both sides of delta: make sure they do at the least-squares fit.
    x, y = _data("synthetic40")
    w, b = np.polyfit(x, y, 1)
    r = np.abs(w * x + b - y)
    assert (r < 1.0).any()
    assert (r > 1.0).any()


def test_l2_adds_its_term_exactly():
    x, y = _data("synthetic40")
    for name in LOSSES:
        plain, ridge = make_loss(name), make_loss(name, l2=0.7)
        w, b = 1.3, -0.2
        assert float(ridge.value(x, y, w, b)) == pytest.approx(
            float(plain.value(x, y, w, b)) + 0.5 * 0.7 * w * w, rel=1e-14
        )
        (gw0, gb0), (gw1, gb1) = plain.grad(x, y, w, b), ridge.grad(x, y, w, b)
        assert float(gw1) == pytest.approx(float(gw0) + 0.7 * w, rel=1e-14)
        assert float(gb1) == float(gb0)


@pytest.mark.parametrize("l2", L2_VALUES)
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_grid_evaluation_equals_pointwise(name, l2):
    # 600 points: more than one data chunk of the non-quadratic losses' grid loop.
    x, y = _synthetic(600, 9)
    loss = make_loss(name, l2=l2)
    ws = np.linspace(0.5, 3.0, 5)
    bs = np.linspace(-2.0, 1.5, 4)
    big_w, big_b = np.meshgrid(ws, bs)
    z = loss.value(x, y, big_w, big_b)
    gw, gb = loss.grad(x, y, big_w, big_b)
    assert z.shape == gw.shape == gb.shape == big_w.shape
    for i in range(big_w.shape[0]):
        for j in range(big_w.shape[1]):
            w, b = float(big_w[i, j]), float(big_b[i, j])
            assert z[i, j] == pytest.approx(float(loss.value(x, y, w, b)), rel=1e-12)
            pw, pb = loss.grad(x, y, w, b)
            assert gw[i, j] == pytest.approx(float(pw), rel=1e-12, abs=1e-12)
            assert gb[i, j] == pytest.approx(float(pb), rel=1e-12, abs=1e-12)
    # Broadcasting a column of w against a row of b gives the same grid.
    z2 = loss.value(x, y, ws[None, :], bs[:, None])
    np.testing.assert_allclose(z2, z, rtol=1e-13)


def _direct(name: str, x, y, w: float, b: float) -> tuple[float, float, float]:
    """Value and gradient of a squared loss as the plain per-point sums (math.fsum)."""
    c = {"mse": 2.0, "half-mse": 1.0}[name]
    n = len(x)
    r = [w * xi + b - yi for xi, yi in zip(x.tolist(), y.tolist(), strict=True)]
    value = 0.5 * c * math.fsum(ri * ri for ri in r) / n
    dw = c * math.fsum(ri * xi for ri, xi in zip(r, x.tolist(), strict=True)) / n
    db = c * math.fsum(r) / n
    return value, dw, db


@pytest.mark.parametrize(
    "data",
    [
        "campaign",  # 7 points: moments path
        "synthetic40",  # 40 points: moments path
        "three-points",  # per-point path
        "four-points",  # the largest per-point size
        "five-points",  # the smallest moments size
    ],
)
@pytest.mark.parametrize("name", ["mse", "half-mse"])
def test_squared_losses_equal_direct_per_point_sum(name, data):
    if data == "four-points":
        x, y = np.array([1.0, 2.0, 4.0, 7.0]), np.array([3.0, 2.5, 9.0, 11.0])
    elif data == "five-points":
        x, y = np.array([1.0, 2.0, 4.0, 7.0, 8.0]), np.array([3.0, 2.5, 9.0, 11.0, 10.0])
    else:
        x, y = _data(data)
    loss = make_loss(name)
    for w, b in _probe_points(x, y, 6):
        value, dw, db = _direct(name, x, y, w, b)
        gw, gb = loss.grad(x, y, w, b)
        assert float(loss.value(x, y, w, b)) == pytest.approx(value, rel=1e-11, abs=1e-12)
        scale = 1e-11 * (abs(dw) + abs(db) + math.sqrt(value) * (1 + np.abs(x).max()))
        assert abs(float(gw) - dw) <= scale + 1e-12
        assert abs(float(gb) - db) <= scale + 1e-12


def test_moments_are_the_centred_moments():
    x, y = _data("campaign")
    m = Moments.of(x, y)
    assert m.n == 7
    assert m.x_mean == pytest.approx(np.mean(x), rel=1e-15)
    assert m.y_mean == pytest.approx(np.mean(y), rel=1e-15)
    assert m.x_var == pytest.approx(np.var(x), rel=1e-14)
    assert m.y_var == pytest.approx(np.var(y), rel=1e-14)
    assert m.xy_cov == pytest.approx(np.cov(x, y, bias=True)[0, 1], rel=1e-14)
    assert m.x_sq_mean == pytest.approx(np.mean(x * x), rel=1e-14)


def _exact(name: str, x, y, w: float, b: float) -> tuple[Fraction, Fraction, Fraction]:
    """Value and gradient in exact rational arithmetic from the float inputs."""
    c = Fraction({"mse": 2, "half-mse": 1}[name])
    fw, fb = Fraction(w), Fraction(b)
    xs = [Fraction(v) for v in x.tolist()]
    r = [fw * xi + fb - Fraction(yi) for xi, yi in zip(xs, y.tolist(), strict=True)]
    n = len(r)
    value = c / 2 * sum(ri * ri for ri in r) / n
    dw = c * sum(ri * xi for ri, xi in zip(r, xs, strict=True)) / n
    db = c * sum(r) / n
    return value, dw, db


@pytest.mark.parametrize("n", [3, 50])
@pytest.mark.parametrize("name", ["mse", "half-mse"])
def test_large_offset_stays_accurate(name, n):
    # y ~ 1e6 with residuals of order 1: a raw sum of squares would cancel away ~12 digits.
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(0.0, 10.0, n))
    y = 1e6 + 3.0 * x + rng.normal(0.0, 1.0, n)
    loss = make_loss(name)
    w_ls, b_ls = np.polyfit(x, y, 1)
    for w, b in [(float(w_ls), float(b_ls)), (float(w_ls) + 0.01, float(b_ls) - 0.3)]:
        value, dw, db = _exact(name, x, y, w, b)
        assert float(loss.value(x, y, w, b)) == pytest.approx(float(value), rel=1e-8)
        gw, gb = loss.grad(x, y, w, b)
        # Gradients near the optimum are tiny; compare against the residuals' scale.
        assert abs(float(gw) - float(dw)) <= 1e-7
        assert abs(float(gb) - float(db)) <= 1e-7
    # A naive raw-moment formula loses ~12 digits here; ours must stay far above that noise.
    value_at_fit = float(_exact(name, x, y, float(w_ls), float(b_ls))[0])
    assert value_at_fit < 1e-9 * float(np.mean(y)) ** 2


def test_same_x_array_with_a_new_y_is_not_served_stale_moments():
    x = np.arange(10.0)
    loss = make_loss("mse")
    y1, y2 = 2.0 * x + 1.0, -3.0 * x + 7.0
    assert float(loss.value(x, y1, 2.0, 1.0)) == 0.0
    fresh = float(make_loss("mse").value(x, y2, 2.0, 1.0))
    assert fresh > 100.0
    assert float(loss.value(x, y2, 2.0, 1.0)) == pytest.approx(fresh)


@pytest.mark.parametrize(("l2", "delta"), [(-1.0, 1.0), (float("nan"), 1.0), (0.0, 0.0)])
def test_bad_hyperparameters_are_refused(l2, delta):
    with pytest.raises(ValueError):
        make_loss("huber", l2=l2, delta=delta)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("n", [3, 40])
def test_value_and_grad_matches_value_and_grad(name, l2, n):
    rng = np.random.default_rng(n)
    x = rng.uniform(0, 10, n)
    y = 2 * x + 1 + rng.normal(0, 1, n)
    x.setflags(write=False)
    y.setflags(write=False)
    loss = make_loss(name, l2=l2, delta=0.7)
    for w, b in [(0.3, -1.0), (2.5, 4.0), (-7.0, 30.0)]:
        value, gw, gb = loss.value_and_grad(x, y, w, b)
        dw, db = loss.grad(x, y, w, b)
        assert value == pytest.approx(float(loss.value(x, y, w, b)), rel=1e-12)
        assert gw == pytest.approx(float(dw), rel=1e-12, abs=1e-12)
        assert gb == pytest.approx(float(db), rel=1e-12, abs=1e-12)

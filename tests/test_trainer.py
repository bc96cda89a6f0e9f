"""Trainer: closed-form convergence, hand-computed steps, critical rates and recording.

Each optimizer's first steps are recomputed here from the update rules alone; the critical
learning rates from :func:`gdanim.landscape.analyze` are checked against real runs just below
and just above them.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdanim.config import TrainConfig
from gdanim.datasets import Dataset, get_dataset
from gdanim.landscape import analyze, optimum
from gdanim.losses import make_loss
from gdanim.optimizers import OPTIMIZERS
from gdanim.trainer import DIVERGENCE_FACTOR, train

CURVATURE = {"mse": 2.0, "half-mse": 1.0}


def _grad(x, y, w, b, loss="mse"):
    """Gradient of the squared loss ``(c / 2N) sum (w x + b - y)^2``, written out."""
    c = CURVATURE[loss]
    r = w * x + b - y
    return np.array([c * np.mean(r * x), c * np.mean(r)])


def _lam_max(x, loss="mse", l2=0.0):
    """Largest eigenvalue of ``c / N X^T X`` (+ l2 on w) with ``X = [x, 1]``."""
    big_x = np.column_stack([x, np.ones_like(x)])
    h = CURVATURE[loss] / x.size * big_x.T @ big_x
    h[0, 0] += l2
    return float(np.linalg.eigvalsh(h)[-1])


def _least_squares(x, y):
    big_x = np.column_stack([x, np.ones_like(x)])
    (w, b), *_ = np.linalg.lstsq(big_x, y, rcond=None)
    return float(w), float(b)


# ------------------------------------------------------------------ closed form


@pytest.mark.parametrize(
    ("name", "normalize"),
    [
        ("campaign", False),
        ("uniform", False),
        ("rolling-downhill", False),
        ("housing", False),
        ("clean", True),  # ill-conditioned in data units: standardise to converge quickly
        ("noisy", True),
    ],
)
def test_gd_on_mse_converges_to_closed_form(name, normalize):
    ds = get_dataset(name)
    traj = train(ds, TrainConfig(loss="mse", lr="right", epochs=5000, normalize=normalize))
    w_ls, b_ls = _least_squares(ds.x, ds.y)
    w_opt, b_opt = optimum(ds.x, ds.y, make_loss("mse"))
    assert w_opt == pytest.approx(w_ls, rel=1e-10)
    assert b_opt == pytest.approx(b_ls, rel=1e-10, abs=1e-10)
    assert not traj.diverged
    assert traj.w[-1] == pytest.approx(w_ls, rel=1e-8)
    assert traj.b[-1] == pytest.approx(b_ls, rel=1e-8, abs=1e-8)
    assert abs(traj.dw[-1]) < 1e-6 * (1 + abs(traj.dw[0]))
    assert abs(traj.db[-1]) < 1e-6 * (1 + abs(traj.db[0]))


# ------------------------------------------------------------------ first steps by hand

X0 = (10.0, 20.0)
LR = 1e-3


def _campaign_run(optimizer: str, epochs: int, **kw) -> tuple[Dataset, object]:
    ds = get_dataset("campaign")
    cfg = TrainConfig(loss="mse", optimizer=optimizer, lr=LR, epochs=epochs, init=X0, **kw)
    return ds, train(ds, cfg)


def _states(traj) -> np.ndarray:
    return np.column_stack([traj.w, traj.b])


def test_every_optimizer_has_a_hand_computed_step_test():
    assert set(OPTIMIZERS) == {"gd", "sgd", "minibatch", "momentum", "nesterov", "adam"}


def test_gd_first_step_by_hand():
    ds, traj = _campaign_run("gd", 3)
    th0 = np.array(X0)
    g0 = _grad(ds.x, ds.y, *th0)
    th1 = th0 - LR * g0
    th2 = th1 - LR * _grad(ds.x, ds.y, *th1)
    np.testing.assert_allclose(_states(traj)[:3], [th0, th1, th2], rtol=1e-12)
    np.testing.assert_allclose([traj.dw[0], traj.db[0]], g0, rtol=1e-12)
    assert traj.loss[0] == pytest.approx(np.mean((th0[0] * ds.x + th0[1] - ds.y) ** 2), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 5])
def test_sgd_steps_by_hand_with_replayed_indices(seed):
    ds, traj = _campaign_run("sgd", 25, seed=seed)
    rng = np.random.default_rng(seed)
    th = np.array(X0)
    expected = [th]
    for _ in range(25):
        i = int(rng.integers(ds.n, size=1)[0])
        r = th[0] * ds.x[i] + th[1] - ds.y[i]
        th = th - LR * 2.0 * r * np.array([ds.x[i], 1.0])  # mse on the single point i
        expected.append(th)
    np.testing.assert_allclose(_states(traj), expected, rtol=1e-12)
    # The recorded gradient is the full-data one, not the sampled point's.
    np.testing.assert_allclose(
        [traj.dw[1], traj.db[1]], _grad(ds.x, ds.y, *expected[1]), rtol=1e-12
    )


@pytest.mark.parametrize("batch_size", [3, 5])
def test_minibatch_steps_by_hand_with_replayed_batches(batch_size):
    ds, traj = _campaign_run("minibatch", 10, seed=2, batch_size=batch_size)
    rng = np.random.default_rng(2)
    th = np.array(X0)
    expected = [th]
    for _ in range(10):
        idx = rng.choice(ds.n, size=batch_size, replace=False)
        assert len(set(idx.tolist())) == batch_size
        th = th - LR * _grad(ds.x[idx], ds.y[idx], *th)
        expected.append(th)
    np.testing.assert_allclose(_states(traj), expected, rtol=1e-12)


def test_minibatch_larger_than_data_is_full_batch_gd():
    _, mb = _campaign_run("minibatch", 20, batch_size=100)
    _, gd = _campaign_run("gd", 20)
    np.testing.assert_array_equal(mb.w, gd.w)
    np.testing.assert_array_equal(mb.b, gd.b)


def test_momentum_first_steps_by_hand():
    beta = 0.8
    ds, traj = _campaign_run("momentum", 3, momentum=beta)
    th0 = np.array(X0)
    v1 = -LR * _grad(ds.x, ds.y, *th0)
    th1 = th0 + v1
    v2 = beta * v1 - LR * _grad(ds.x, ds.y, *th1)
    th2 = th1 + v2
    np.testing.assert_allclose(_states(traj)[:3], [th0, th1, th2], rtol=1e-12)
    assert traj.config["momentum"] == beta


def test_nesterov_first_steps_by_hand():
    beta = 0.8
    ds, traj = _campaign_run("nesterov", 3, momentum=beta)
    th0 = np.array(X0)
    v1 = -LR * _grad(ds.x, ds.y, *th0)  # v starts at 0: the look-ahead is the start
    th1 = th0 + v1
    v2 = beta * v1 - LR * _grad(ds.x, ds.y, *(th1 + beta * v1))  # gradient at the look-ahead
    th2 = th1 + v2
    np.testing.assert_allclose(_states(traj)[:3], [th0, th1, th2], rtol=1e-12)
    # And it is not heavy ball: the second step differs from momentum's.
    _, heavy = _campaign_run("momentum", 3, momentum=beta)
    assert abs(traj.w[2] - heavy.w[2]) > 1e-6


def test_adam_first_steps_by_hand():
    b1, b2, eps = 0.9, 0.999, 1e-8
    ds, traj = _campaign_run("adam", 3, momentum=b1)
    th = np.array(X0)
    m, s = np.zeros(2), np.zeros(2)
    expected = [th]
    for t in (1, 2):
        g = _grad(ds.x, ds.y, *th)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        th = th - LR * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        expected.append(th)
    np.testing.assert_allclose(_states(traj)[:3], expected, rtol=1e-12)
    # Adam's first step is lr per coordinate against the gradient's sign.
    g0 = _grad(ds.x, ds.y, *X0)
    np.testing.assert_allclose(_states(traj)[1] - X0, -LR * np.sign(g0), rtol=1e-6)
    assert traj.config["beta2"] == b2


# ------------------------------------------------------------------ recording


@pytest.mark.parametrize("epochs", [0, 1, 1000])
def test_entries_are_epochs_plus_one(epochs):
    traj = train(get_dataset("campaign"), TrainConfig(optimizer="gd", lr=0.01, epochs=epochs))
    assert traj.n_states == epochs + 1
    assert traj.n_updates == epochs
    for arr in (traj.w, traj.b, traj.loss, traj.dw, traj.db):
        assert arr.shape == (epochs + 1,)
    assert traj.w_opt is None and traj.b_opt is None
    assert traj.config["epochs"] == epochs
    assert traj.dataset["name"] == "campaign"


def test_config_defaults_come_from_the_dataset():
    ds = get_dataset("rolling-downhill")
    traj = train(ds, TrainConfig(epochs=5))
    assert traj.config["loss"] == ds.loss == "half-mse"
    assert traj.config["lr"] == ds.lr
    assert (traj.w[0], traj.b[0]) == ds.init


@pytest.mark.parametrize(
    "bad",
    [
        {"lr": -1.0},
        {"lr": 0.0},
        {"lr": float("nan")},
        {"lr": "fast"},
        {"epochs": -1},
        {"init": (0.0, float("inf"))},
        {"momentum": 1.0},
        {"loss": "hinge"},
        {"optimizer": "lbfgs"},
        {"batch_size": 0},
    ],
)
def test_bad_config_is_refused(bad):
    with pytest.raises(ValueError):
        TrainConfig(**bad)


# ------------------------------------------------------------------ critical rates


def _beta_factor(optimizer: str, beta: float) -> float:
    """Critical ``lr * lambda_max`` from each method's characteristic polynomial."""
    return {
        "gd": 2.0,
        "momentum": 2.0 * (1.0 + beta),  # heavy ball: root -1 when lr*lam = 2(1+beta)
        "nesterov": 2.0 * (1.0 + beta) / (1.0 + 2.0 * beta),
    }[optimizer]


@pytest.mark.parametrize(
    ("name", "loss", "optimizer"),
    [
        ("campaign", "mse", "gd"),
        ("rolling-downhill", "half-mse", "gd"),
        ("uniform", "mse", "gd"),
        ("campaign", "mse", "momentum"),
        ("campaign", "mse", "nesterov"),
    ],
)
def test_critical_rate_separates_convergence_from_divergence(name, loss, optimizer):
    ds = get_dataset(name)
    beta = 0.9
    crit = analyze(ds, make_loss(loss), optimizer, momentum=beta).lr_critical
    assert crit == pytest.approx(_beta_factor(optimizer, beta) / _lam_max(ds.x, loss), rel=1e-12)
    best = float(make_loss(loss).value(ds.x, ds.y, *optimum(ds.x, ds.y, make_loss(loss))))

    below = train(ds, TrainConfig(loss=loss, optimizer=optimizer, lr=0.98 * crit, epochs=2500))
    assert not below.diverged
    assert below.n_states == 2501
    assert below.loss[-1] - best < 1e-8 * (below.loss[0] - best)

    above = train(ds, TrainConfig(loss=loss, optimizer=optimizer, lr=1.02 * crit, epochs=2500))
    assert above.diverged
    assert above.loss[-1] > DIVERGENCE_FACTOR * above.loss[0]
    assert above.n_states < 2501


def test_divergence_is_recorded_and_training_stops():
    ds = get_dataset("campaign")
    traj = train(ds, TrainConfig(lr=0.05, epochs=1000))  # above 2/lambda_max = 0.0362
    assert traj.diverged_at is not None
    assert traj.n_states == traj.diverged_at + 1  # the first blown-up state is finite: kept
    assert traj.n_states < 1001
    for arr in (traj.w, traj.b, traj.loss, traj.dw, traj.db):
        assert np.isfinite(arr).all()
    limit = DIVERGENCE_FACTOR * traj.loss[0]
    assert traj.loss[-1] > limit
    assert (traj.loss[:-1] <= limit).all()


def test_non_finite_states_are_dropped():
    ds = get_dataset("campaign")
    traj = train(ds, TrainConfig(lr=1e200, epochs=50))  # the first step's loss overflows
    assert traj.diverged_at == 1
    assert traj.n_states == 1
    assert np.isfinite(traj.loss).all() and np.isfinite(traj.w).all()
    assert (traj.w[0], traj.b[0]) == (0.0, 0.0)


# ------------------------------------------------------------------ normalisation


def test_normalize_records_data_line_and_optimizer_line():
    ds = get_dataset("clean")
    init = (0.5, 2.0)
    traj = train(ds, TrainConfig(lr="right", epochs=400, normalize=True, init=init))
    assert traj.w_opt is not None and traj.b_opt is not None
    mu, sd = float(np.mean(ds.x)), float(np.std(ds.x))
    assert traj.config["x_mean"] == pytest.approx(mu, rel=1e-15)
    assert traj.config["x_std"] == pytest.approx(sd, rel=1e-15)
    # The same line in both coordinates: w x + b == w_opt (x - mu) / sd + b_opt for all x.
    xs = np.array([ds.x.min(), 0.0, 17.0, ds.x.max()])
    data_line = traj.w[:, None] * xs + traj.b[:, None]
    opt_line = traj.w_opt[:, None] * (xs - mu) / sd + traj.b_opt[:, None]
    np.testing.assert_allclose(data_line, opt_line, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(traj.w, traj.w_opt / sd, rtol=1e-14)
    assert traj.w[0] == pytest.approx(init[0], rel=1e-14)
    assert traj.b[0] == pytest.approx(init[1], rel=1e-14)
    # dw, db are gradients in the optimizer's coordinates.
    z = (ds.x - mu) / sd
    for k in (0, 7, 399):
        np.testing.assert_allclose(
            [traj.dw[k], traj.db[k]],
            _grad(z, ds.y, traj.w_opt[k], traj.b_opt[k]),
            rtol=1e-10,
            atol=1e-12,
        )
    w_ls, b_ls = _least_squares(ds.x, ds.y)
    assert traj.w[-1] == pytest.approx(w_ls, rel=1e-9)
    assert traj.b[-1] == pytest.approx(b_ls, rel=1e-9)


def test_normalize_first_step_is_gd_on_standardised_x():
    ds = get_dataset("clean")
    traj = train(ds, TrainConfig(lr=0.1, epochs=1, normalize=True, init=(0.3, 1.0)))
    mu, sd = float(np.mean(ds.x)), float(np.std(ds.x))
    z = (ds.x - mu) / sd
    th0 = np.array([0.3 * sd, 1.0 + 0.3 * mu])
    th1 = th0 - 0.1 * _grad(z, ds.y, *th0)
    np.testing.assert_allclose([traj.w_opt[1], traj.b_opt[1]], th1, rtol=1e-12)


# ------------------------------------------------------------------ seeds


@pytest.mark.parametrize("optimizer", ["sgd", "minibatch"])
def test_same_seed_same_run_other_seed_other_run(optimizer):
    ds = get_dataset("uniform")

    def run(seed):
        return train(ds, TrainConfig(optimizer=optimizer, lr=0.002, epochs=200, seed=seed))

    a, b, c = run(3), run(3), run(4)
    for name in ("w", "b", "loss", "dw", "db"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.w, c.w)
    assert not np.array_equal(a.b, c.b)
    assert a.config["seed"] == 3 and c.config["seed"] == 4


# ------------------------------------------------------------------ L2


@pytest.mark.parametrize(("name", "l2"), [("campaign", 10.0), ("uniform", 3.0)])
def test_l2_converges_to_the_ridge_solution(name, l2):
    ds = get_dataset(name)
    x, y = ds.x, ds.y
    # Stationarity of mean((w x + b - y)^2) + (l2 / 2) w^2, solved as a 2x2 system.
    a = np.array([[2 * np.mean(x * x) + l2, 2 * np.mean(x)], [2 * np.mean(x), 2.0]])
    rhs = np.array([2 * np.mean(x * y), 2 * np.mean(y)])
    w_r, b_r = np.linalg.solve(a, rhs)
    loss = make_loss("mse", l2=l2)
    assert optimum(x, y, loss) == pytest.approx((w_r, b_r), rel=1e-10)
    traj = train(ds, TrainConfig(loss="mse", l2=l2, lr="right", epochs=4000))
    assert traj.w[-1] == pytest.approx(w_r, rel=1e-8)
    assert traj.b[-1] == pytest.approx(b_r, rel=1e-8)
    assert abs(traj.w[-1]) < abs(_least_squares(x, y)[0])  # the penalty shrinks the slope
    # The recorded loss includes the penalty.
    assert traj.loss[-1] == pytest.approx(
        np.mean((w_r * x + b_r - y) ** 2) + 0.5 * l2 * w_r**2, rel=1e-10
    )
    # And the critical rate accounts for it.
    crit = analyze(ds, loss).lr_critical
    assert crit == pytest.approx(2.0 / _lam_max(x, "mse", l2), rel=1e-12)

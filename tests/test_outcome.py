"""What a run did, read from its trajectory: gdanim.outcome on real and made-up runs."""

from __future__ import annotations

import numpy as np
import pytest

from gdanim.config import RenderSpec, TrainConfig
from gdanim.datasets import get_dataset
from gdanim.landscape import analyze
from gdanim.losses import make_loss
from gdanim.outcome import (
    CONVERGED_OF_BEST,
    DIVERGED_GROWTH,
    Outcome,
    classify,
    describe,
    reversal_share,
)
from gdanim.pipeline.prepare import prepare
from gdanim.trainer import train
from gdanim.trajectory import Trajectory


def _settled_at(loss: np.ndarray, best: float) -> int:
    """First update from which the loss stays within 1 % of the best (written out plainly)."""
    k = len(loss)
    while k > 0 and loss[k - 1] - best <= 0.01 * best:
        k -= 1
    return k


def _made_up(loss, w=None, b=None, diverged_at=None) -> Trajectory:
    loss = np.asarray(loss, dtype=float)
    n = loss.size
    w = np.linspace(0.0, 1.0, n) if w is None else np.asarray(w, dtype=float)
    b = np.zeros(n) if b is None else np.asarray(b, dtype=float)
    return Trajectory(w=w, b=b, loss=loss, diverged_at=diverged_at)


# ------------------------------------------------------------------ real runs


@pytest.fixture(scope="module")
def campaign_default():
    return prepare(RenderSpec(scene="learning-rates", dataset="campaign"))


def test_campaign_default_regimes_read_from_their_runs(campaign_default):
    inputs = campaign_default
    best = inputs.analysis.optimum_loss
    small, right, large = inputs.runs
    assert [r.label for r in inputs.runs] == ["small", "right", "large"]
    assert all(r.trajectory.n_updates == 1500 for r in (small, right))  # the dataset's default

    o_small = classify(small.trajectory, best, inputs.dataset.x)
    assert o_small.kind == "slow"
    assert o_small.text == "still far after 1500 updates"
    assert small.trajectory.loss[-1] > 5 * best  # really far: the loss is still 7x the best

    o_right = classify(right.trajectory, best, inputs.dataset.x)
    k = _settled_at(right.trajectory.loss, best)
    assert o_right.kind == "converged"
    assert o_right.update == k
    assert 0 < k < 1500
    assert o_right.text == f"converged in {k:,} updates"

    o_large = classify(large.trajectory, best, inputs.dataset.x)
    assert o_large.kind == "diverged"
    assert o_large.update == large.trajectory.diverged_at
    assert o_large.text == f"diverged at update {large.trajectory.diverged_at}"


def test_lesson_claim_that_0_02_diverges_does_not_hold_on_campaign():
    """The lesson suggests lr 0.02 overshoots or diverges here: it zigzags, then converges."""
    ds = get_dataset("campaign")
    a = analyze(ds, make_loss("mse"))
    assert a.lr_critical == pytest.approx(0.0362, abs=5e-5)
    assert a.lr_critical > 0.02
    traj = train(ds, TrainConfig(lr=0.02))
    assert traj.n_updates == 1500 and not traj.diverged
    out = classify(traj, a.optimum_loss, ds.x)
    assert out.kind == "converged"
    assert out.update == _settled_at(traj.loss, a.optimum_loss)
    # It does overshoot: above 1/lambda_max the second step undoes part of the first ...
    first_two = Trajectory(w=traj.w[:3], b=traj.b[:3], loss=traj.loss[:3])
    assert reversal_share(first_two, 0, ds.x) == 1.0
    # ... and still settles sooner than lr 0.01.
    slower = classify(train(ds, TrainConfig(lr=0.01)), a.optimum_loss, ds.x)
    assert slower.kind == "converged" and out.update < slower.update


def test_custom_rates_on_campaign():
    inputs = prepare(RenderSpec(scene="learning-rates", lrs=(0.001, 0.01, 0.02, 0.04)))
    best = inputs.analysis.optimum_loss
    kinds = [classify(r.trajectory, best, inputs.dataset.x).kind for r in inputs.runs]
    assert kinds == ["slow", "converged", "converged", "diverged"]


def test_housing_regimes():
    inputs = prepare(RenderSpec(scene="learning-rates", dataset="housing"))
    best = inputs.analysis.optimum_loss
    texts = [classify(r.trajectory, best, inputs.dataset.x).text for r in inputs.runs]
    assert texts[0] == "still far after 400 updates"
    assert texts[1].startswith("converged in ")
    assert texts[2] == f"diverged at update {inputs.runs[2].trajectory.diverged_at}"


def test_mae_never_settles_at_a_fixed_rate():
    """mae has no critical rate; a fixed step keeps hopping across the kink at the optimum."""
    inputs = prepare(RenderSpec(scene="learning-rates", train=TrainConfig(loss="mae")))
    assert inputs.analysis.lr_critical is None
    best = inputs.analysis.optimum_loss
    outs = [classify(r.trajectory, best, inputs.dataset.x) for r in inputs.runs]
    assert [o.kind for o in outs][1:] == ["oscillating", "oscillating"]
    assert not any(o.kind in ("converged", "diverged") for o in outs)


def test_a_rate_just_below_critical_oscillates_when_cut_short():
    ds = get_dataset("campaign")
    a = analyze(ds, make_loss("mse"))
    traj = train(ds, TrainConfig(lr=0.97 * a.lr_critical, epochs=100))
    assert classify(traj, a.optimum_loss, ds.x).text == "still oscillating after 100 updates"
    # Without the data, w and b are scaled by their spread instead: the same verdict.
    assert classify(traj, a.optimum_loss).kind == "oscillating"


# ------------------------------------------------------------------ made-up runs


def test_converged_counts_from_when_it_stays_close():
    best = 10.0
    # Dips under the bar at update 2, leaves it, and comes back for good at update 5.
    loss = [100.0, 30.0, 10.05, 12.0, 11.0, 10.05, 10.01, 10.0]
    out = classify(_made_up(loss), best)
    assert (out.kind, out.update) == ("converged", 5)
    assert out.text == "converged in 5 updates"


def test_leaving_the_bar_at_the_end_is_not_converged():
    out = classify(_made_up([100.0, 20.0, 10.0, 10.0, 30.0]), 10.0)
    assert out.kind != "converged"


def test_start_at_the_minimum():
    out = classify(_made_up([10.0, 10.0, 10.0]), 10.0)
    assert (out.kind, out.update, out.text) == ("converged", 0, "started at the minimum")


def test_one_update_is_singular():
    out = classify(_made_up([100.0, 10.0]), 10.0)
    assert out.text == "converged in 1 update"


def test_diverged_from_the_trainer_flag():
    out = classify(_made_up([100.0, 50.0, 1e9], diverged_at=2), 1.0)
    assert (out.kind, out.update, out.text) == ("diverged", 2, "diverged at update 2")


def test_diverged_from_growth_without_the_flag():
    best = 1.0
    start = 11.0  # excess 10
    loss = [start, 20.0, 60.0, 150.0, 400.0]  # excess passes 10 x 10 = 100 at update 3
    out = classify(_made_up(loss), best)
    assert out.kind == "diverged"
    assert out.update == 3
    assert loss[3] - best > DIVERGED_GROWTH * (start - best)


def test_oscillating_by_reversing_steps():
    n = 60
    w = 1.0 + 0.5 * (-1.0) ** np.arange(n)  # hops across w = 1 and never settles
    loss = 5.0 + (w - 1.0) ** 2
    out = classify(_made_up(loss, w=w), 5.0)
    assert out.kind == "oscillating"
    assert out.text == "still oscillating after 59 updates"


def test_oscillating_by_a_loss_that_keeps_rising_and_falling():
    n = 41
    loss = 50.0 + 5.0 * (np.arange(n) % 2)  # the path itself moves steadily
    assert classify(_made_up(loss), 1.0).kind == "oscillating"


def test_slow_is_still_far_or_nearly_converged():
    n = 100
    far = 10.0 + 90.0 * np.exp(-np.arange(n) / 500.0)
    assert classify(_made_up(far), 10.0).text == "still far after 99 updates"
    near = 10.0 + 90.0 * np.exp(-np.arange(n) / 15.0)  # ends 5 % above the best
    near = np.maximum(near, 10.5)
    near[-1] = 10.5
    out = classify(_made_up(near), 10.0)
    assert out.kind == "slow"
    assert out.text == "nearly converged after 99 updates"


def test_criteria_do_not_depend_on_units():
    """Rescaling the loss (and w, b) changes no verdict: the criteria are ratios."""
    ds = get_dataset("campaign")
    a = analyze(ds, make_loss("mse"))
    for lr in (0.002, 0.02, 0.04):
        traj = train(ds, TrainConfig(lr=lr))
        out = classify(traj, a.optimum_loss, ds.x)
        scaled = Trajectory(w=traj.w * 1e3, b=traj.b * 1e-3, loss=traj.loss * 1e4,
                            diverged_at=traj.diverged_at)  # fmt: skip
        again = classify(scaled, a.optimum_loss * 1e4)
        assert (again.kind, again.update) == (out.kind, out.update)


def test_a_line_that_fits_exactly_uses_the_start_bar():
    """With L* = 0 the bar is a millionth of the start's excess."""
    loss = np.array([1.0, 1e-3, 1e-5, 5e-7, 1e-8])
    out = classify(_made_up(loss), 0.0)
    assert (out.kind, out.update) == ("converged", 3)


def test_needs_a_loss_and_a_known_kind():
    with pytest.raises(ValueError, match="loss"):
        classify(Trajectory(w=[0.0, 1.0], b=[0.0, 0.0]), 1.0)
    with pytest.raises(ValueError, match="unknown outcome"):
        Outcome("wandering", 3, "?", 3, 0.5)


def test_describe_words():
    assert describe("converged", 1500) == "converged in 1500 updates"
    assert describe("diverged", 27) == "diverged at update 27"
    assert describe("oscillating", 10) == "still oscillating after 10 updates"
    assert describe("slow", 20000) == "still far after 20,000 updates"
    assert CONVERGED_OF_BEST == 0.01  # the "within 1 % of the best" the docs promise


def test_random_batches_hover_rather_than_oscillate():
    """At a fixed rate sgd's loss jitters at a noise floor: that is not an oscillation."""
    inputs = prepare(RenderSpec(scene="learning-rates", train=TrainConfig(optimizer="sgd")))
    best = inputs.analysis.optimum_loss
    outs = [classify(r.trajectory, best, inputs.dataset.x) for r in inputs.runs]
    assert all(o.kind == "slow" for o in outs)
    assert outs[1].text == "hovering near the optimum after 1500 updates"
    assert [o.hovering for o in outs] == [o.text.startswith("hovering") for o in outs]
    assert outs[1].hovering
    assert not any("oscillating" in o.text for o in outs)
    # A minibatch as large as the data is full-batch gradient descent: judged as such.
    full = prepare(RenderSpec(scene="learning-rates", train=TrainConfig(optimizer="minibatch")))
    kinds = [classify(r.trajectory, best, full.dataset.x).kind for r in full.runs]
    assert kinds == ["slow", "converged", "diverged"]


def _momentum_race(tmp_path, x):
    """gd against momentum on a line through ``x`` that the test makes (y = 3x + 5 + noise)."""

    rng = np.random.default_rng(7)
    y = 3.0 * x / np.std(x) + 5.0 + rng.normal(0, 0.3, x.size)
    path = tmp_path / "made.csv"
    rows = "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(x, y, strict=True))
    path.write_text("x,y\n" + rows)
    spec = RenderSpec(scene="compare", data=str(path), x="x", y="y", vary="optimizer=gd,momentum")
    return prepare(spec)


def test_momentum_swings_across_a_valley_and_overshoots_a_round_bowl(tmp_path):
    """Momentum's swings are read in the curvature's own directions: across a long valley it
    zig-zags (the steep part of its steps reverses) and beats gd; on a round bowl there is
    nothing to cross, it runs through the bottom and back, and gd gets there first."""
    from gdanim.experiments import run_swing, swing_words

    # x of mean 0 and spread 1: the bowl is round.
    round_ = _momentum_race(tmp_path, np.linspace(-1.7, 1.7, 40))
    gd, mom = (run_swing(round_, i) for i in range(2))
    assert mom.stretch == pytest.approx(1.0, abs=0.05) and not mom.valley
    assert mom.overshoot > 0.05 and gd.overshoot == 0.0
    words = swing_words(round_)
    assert words.startswith(" Momentum overshoots the bottom and swings back")
    assert "valley and back" not in words
    gd_n, mom_n = (r.outcome.update for r in round_.runs)
    assert mom_n > 1.5 * gd_n and "times as many updates as gd" in words

    # x centred with a small spread: b is steep, w flat, a valley 20 times longer than wide.
    valley = _momentum_race(tmp_path, np.linspace(-0.08, 0.08, 40))
    gd, mom = (run_swing(valley, i) for i in range(2))
    assert mom.valley and mom.stretch > 10
    assert mom.across > 0.5 and gd.across == 0.0  # the steep part of its steps reverses
    assert mom.along > 0.8  # while it keeps moving toward the bottom along the valley
    words = swing_words(valley)
    assert words.startswith(" Momentum swings across the valley and back")
    assert "times sooner than gd." in words

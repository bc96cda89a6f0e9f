"""The house style of numbers: one way to write a quantity on an axis, in a readout, in a note."""

from __future__ import annotations

import pytest

from gdanim import numbers


@pytest.mark.parametrize(
    ("v", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (36.1457, "36.15"),
        (1500.0, "1500"),
        (154546.2, "154,546"),
        (-659.714, "-659.7"),
        (3.4751e-5, "3.475e-5"),
        (1.29e7, "1.29e7"),
        (float("inf"), "∞"),
    ],
)
def test_a_single_number(v: float, text: str) -> None:
    assert numbers.fmt(v) == text


def test_lists_read_as_a_sentence() -> None:
    assert numbers.listed([]) == ""
    assert numbers.listed(["gd"]) == "gd"
    assert numbers.listed(["gd", "sgd"]) == "gd and sgd"
    assert numbers.listed(("gd", "sgd", "adam")) == "gd, sgd and adam"


def test_counts_group_from_ten_thousand() -> None:
    assert [numbers.count(n) for n in (7, 1500, 20000)] == ["7", "1500", "20,000"]


@pytest.mark.parametrize(
    ("ticks", "labels"),
    [
        ([0.25, 0.5, 0.75], ["0.25", "0.50", "0.75"]),
        ([1950, 1955, 1960], ["1950", "1955", "1960"]),  # years stay bare
        ([0, 5000, 10000], ["0", "5,000", "10,000"]),  # one axis, one way
        ([-5000, 0, 5000, 10000], ["-5,000", "0", "5,000", "10,000"]),
        ([0, 2e6, 4e6], ["0", "2e6", "4e6"]),
        ([0.0005, 0.001, 0.0015], ["5e-4", "1e-3", "1.5e-3"]),
    ],
)
def test_tick_labels_of_one_axis_share_one_format(ticks: list[float], labels: list[str]) -> None:
    assert numbers.tick_labels(ticks) == labels


def test_a_readout_writes_its_run_one_way() -> None:
    losses = [123870.14, 26179.56, 6633.38, 25.3]
    f = numbers.series_format(losses)
    assert [f(v) for v in losses] == ["123,870.14", "26,179.56", "6,633.38", "25.30"]
    # A descent from millions stays in grouped digits: no switch from 2.9e6 to 873,337.
    losses = [2.897424e6, 873337.0, 154546.0]
    f = numbers.series_format(losses)
    assert [f(v) for v in losses] == ["2,897,424", "873,337", "154,546"]
    # A run that never reaches 10,000 keeps four-digit numbers bare.
    w = [0.0, 1200.7, 2713.07]
    f = numbers.series_format(w)
    assert [f(v) for v in w] == ["0", "1201", "2713"]


def test_a_diverging_readout_switches_to_scientific_far_out() -> None:
    losses = [123870.0, 5.9e5, 3.2e9, 1.74e11]
    f = numbers.series_format(losses)
    assert f(1.74e11) == "1.74e11"
    assert f(3.2e9) == "3.2e9"

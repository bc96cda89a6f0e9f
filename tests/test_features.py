"""Several features: the model y = w.x + b, its gradients, its analysis, the command line.

One feature must stay exactly as it was: the trajectories and analyses below were written by
the one-feature code before several features existed, and their sha256 are kept here.
"""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pytest

from gdanim.cli import cli
from gdanim.config import TrainConfig
from gdanim.datasets import Dataset, get_dataset, load_table
from gdanim.errors import InputError
from gdanim.landscape import analyze, standardize_features
from gdanim.losses import LOSSES, make_loss
from gdanim.trainer import train
from gdanim.trajectory import Trajectory

# ------------------------------------------------------------------ one feature, as before

# (arguments of `gdanim train`/`analyze`, the sha256 of what the one-feature code writes
# without the d-feature paths; the rates written to three digits and own data's start at
# its lowest y are the one-feature code's own, and moved these once)
ONE_FEATURE = [
    (
        "train --dataset campaign",
        "e5e97c33d10b1dfc30c91895eb4a34bcc728b3c09fd2464900f308d342a09215",
    ),
    (
        "train --dataset campaign --optimizer momentum",
        "46ab5a58785e0bfc5bd68584cc37bb4a17b231d7edde46722dbc9488b4bb9a16",
    ),
    (
        "train --dataset campaign --optimizer nesterov",
        "f5f74496e385b4e819670ad5c22aad5c4e7e0c7d03f8b629b53737c1f93dd90f",
    ),
    (
        "train --dataset campaign --lr large",
        "cec9a472d6885a309e6dba656b15ced263f31e0f15083c72a3e4e5371720fec4",
    ),
    (
        "train --dataset uniform --optimizer adam --epochs 300",
        "b74a703b85fbfcceca9b7ea02a6758a23daf30df9f98edaa7fabc8f43f27aeaf",
    ),
    (
        "train --dataset uniform --optimizer sgd --lr 0.005",
        "ff8af1f43e024627e9f4d371f0fa25aa0ec1a47f060241cb01a04ca77f7ad07c",
    ),
    (
        "train --dataset uniform --optimizer minibatch --batch-size 10",
        "8e81c1e96d2c904badf69e03e87e648fbdce420f6529af6baf4c1948cf5c78eb",
    ),
    (
        "train --dataset outliers --loss huber --epochs 500",
        "10863caec023683bac05bf21d7c17811715a3bb23c371ec61b4db67393227625",
    ),
    (
        "train --dataset outliers --loss mae --l2 0.5 --epochs 500",
        "3497d86a1e1ea9c5a745faf1b8686e3dab87b6764ae3412bafde44678bc6d024",
    ),
    (
        "train --dataset housing",
        "59bc99a5b98123d5fe23565b0276bab8e2c3f657daa0b5026e40936c93da2626",
    ),
    (
        "train --dataset clean --normalize --epochs 300",
        "c20e55d0bb2bac886d23a2f76d38a10fdacbb6b5852d849d063c0043f623d181",
    ),
    (
        "train --data own.csv",
        "e9636f7730e149f1fe3cafc17db54e0b2852a53cea425e1b0f5936e1fec7daff",
    ),
    (
        "train --data own.csv --optimizer nesterov --epochs 300",
        "075b52e6e61528294a4d2172be965e8837fa9bd4dda3838b059245ff5d031684",
    ),
    (
        "analyze --dataset campaign --json",
        "344d1c6efce9c622cf62b67c11162b243da3ffd1e8011b5815975d4ff0298e80",
    ),
    (
        "analyze --data own.csv --json",
        "ad07651db84f394c62bb73e4953ef7ac872388674893af714ec053bfb8c39af8",
    ),
    (
        "analyze --dataset outliers --loss mae --json",
        "e960f4858358864481da0ac112512446ded90b2978a12a586307c116fd04ad78",
    ),
]


def _own_csv(path: str) -> None:
    """Flipper-like lengths against masses: raw x ill-conditioned, so standardised."""
    rng = np.random.default_rng(5)
    x = rng.uniform(150, 250, 80)
    y = 40 * x - 5000 + 300 * rng.standard_normal(80)
    with open(path, "w") as fh:
        fh.write("flipper,mass\n")
        for a, b in zip(x, y, strict=True):
            fh.write(f"{a:.1f},{b:.1f}\n")


@pytest.mark.parametrize(("args", "sha"), ONE_FEATURE, ids=[a for a, _ in ONE_FEATURE])
def test_one_feature_files_are_byte_identical(runner, args, sha):
    _own_csv("own.csv")
    words = args.split()
    if words[0] == "train":
        result = runner.invoke(cli, [*words, "-o", "out.json"])
        assert result.exit_code == 0, result.output
        with open("out.json", "rb") as fh:
            data = fh.read()
    else:
        result = runner.invoke(cli, words)
        assert result.exit_code == 0, result.output
        data = result.stdout.encode()
    assert hashlib.sha256(data).hexdigest() == sha


# ------------------------------------------------------------------ two features


def _houses(n: int = 40, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    size = rng.uniform(800, 3500, n)
    beds = np.clip(np.round(1 + size / 800 + rng.normal(0, 0.7, n)), 1, 6)
    price = 0.12 * size + 15 * beds + 40 + rng.normal(0, 20, n)
    return np.column_stack([size, beds]), price


def _numeric_grad(f, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h * max(1.0, abs(theta[i]))
        out[i] = (f(theta + e) - f(theta - e)) / (2 * e[i])
    return out


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("n", [4, 40])  # per point, and from the moments
def test_two_feature_gradients_match_finite_differences(name, n):
    x, y = _houses(n)
    x = (x - x.mean(axis=0)) / x.std(axis=0)  # a scale where differences are accurate
    x.setflags(write=False)
    y.setflags(write=False)
    loss = make_loss(name, l2=0.3, delta=5.0)
    theta = np.array([12.0, -7.0, 300.0])

    def f(th: np.ndarray) -> float:
        return loss.value_and_grad_features(x, y, th[:2], float(th[2]))[0]

    value, gw, gb = loss.value_and_grad_features(x, y, theta[:2], float(theta[2]))
    num = _numeric_grad(f, theta)
    np.testing.assert_allclose(np.append(gw, gb), num, rtol=1e-5, atol=1e-6)
    # The grid evaluation agrees with the single point, and with the per-point definition.
    grid = loss.value_features(x, y, np.array([[theta[:2], theta[:2] * 0.5]]), theta[2])
    assert grid.shape == (1, 2)
    assert grid[0, 0] == pytest.approx(value, rel=1e-10)
    r = x @ theta[:2] + theta[2] - y
    direct = float(np.mean(loss.phi(r))) + 0.15 * float(theta[:2] @ theta[:2])
    assert value == pytest.approx(direct, rel=1e-10)


def test_two_feature_analysis_against_lstsq_and_eigvalsh():
    x, y = _houses()
    ds = Dataset(x, y, "houses", x_labels=("size", "bedrooms"))
    a = analyze(ds, make_loss("mse"))
    design = np.column_stack([x, np.ones(len(y))])
    exact = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(a.optimum, exact, rtol=1e-9)
    h = 2.0 * design.T @ design / len(y)
    lam = np.linalg.eigvalsh(h)
    np.testing.assert_allclose(a.eigenvalues, lam, rtol=1e-9)
    assert a.condition_number == pytest.approx(lam[-1] / lam[0], rel=1e-9)
    assert a.lr_critical == pytest.approx(2.0 / lam[-1], rel=1e-12)
    assert a.valley_ratio == pytest.approx(np.sqrt(lam[-1] / lam[0]), rel=1e-12)
    # Standardised, each feature on its own: the bowl is nearly round.
    z, _, _ = standardize_features(x)
    s = analyze(ds, make_loss("mse"), normalize=True)
    zd = np.column_stack([z, np.ones(len(y))])
    np.testing.assert_allclose(s.eigenvalues, np.linalg.eigvalsh(2 * zd.T @ zd / len(y)))
    assert s.condition_number < 20 < 1e6 < a.condition_number
    # Ridge and mae: the minimiser is where the gradient vanishes.
    for loss in (make_loss("mse", l2=50.0), make_loss("huber", delta=10.0)):
        opt = analyze(ds, loss).optimum
        gw, gb = loss.grad_features(x, y, np.array(opt[:2]), opt[2])
        assert np.abs(gw).max() < 1e-6 * (1 + np.abs(y).max()) and abs(gb) < 1e-6


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "adam", "sgd", "minibatch"])
def test_every_optimizer_trains_two_features(optimizer):
    x, y = _houses()
    ds = Dataset(x, y, "houses", x_labels=("size", "bedrooms"), init=(0.0, 0.0, 200.0))
    cfg = TrainConfig(optimizer=optimizer, normalize=True, epochs=600, lr="right")
    if optimizer == "adam":
        cfg = cfg.replace(lr=2.0)
    run = train(ds, cfg)
    assert run.w.shape == (601, 2) and run.dw is not None and run.dw.shape == (601, 2)
    assert run.w_opt is not None and run.w_opt.shape == (601, 2)
    best = analyze(ds, make_loss("mse")).optimum_loss
    assert run.loss is not None and run.loss[-1] < best * (
        1.2 if optimizer in ("sgd", "minibatch") else 1.01
    )
    # The same run again: the same numbers.
    again = train(ds, cfg)
    assert again.to_json() == run.to_json()


def test_own_data_reaches_least_squares_by_default_and_the_file_round_trips(tmp_path):
    x, y = _houses()
    path = tmp_path / "houses.csv"
    with open(path, "w") as fh:
        fh.write("size,bedrooms,price\n")
        for (a, b), c in zip(x, y, strict=True):
            fh.write(f"{a:.1f},{b:.0f},{c:.2f}\n")
    ds = load_table(path, "size,bedrooms", "price")
    assert ds.d == 2 and ds.features == ("size", "bedrooms")
    assert load_table(path, ("size", "bedrooms"), "price").sha256 == ds.sha256
    run = train(ds, TrainConfig())  # standardised by default: raw is ill-conditioned
    assert run.config["normalize"] is True and run.d == 2
    design = np.column_stack([ds.x, np.ones(ds.n)])
    exact = np.linalg.lstsq(design, ds.y, rcond=None)[0]
    np.testing.assert_allclose(run.w[-1], exact[:2], rtol=2e-3)
    assert run.b[-1] == pytest.approx(exact[2], rel=2e-3)
    out = tmp_path / "run.json"
    run.save(out)
    data = json.loads(out.read_text())
    assert data["version"] == 2 and len(data["w"][0]) == 2 and len(data["dw"][-1]) == 2
    back = Trajectory.load(out)
    np.testing.assert_array_equal(back.w, run.w)
    assert back.to_json() == run.to_json()
    frame_w, frame_b = back.at(2.5)
    np.testing.assert_allclose(frame_w, (back.w[2] + back.w[3]) / 2)
    assert frame_b == pytest.approx((back.b[2] + back.b[3]) / 2)


def test_cli_train_and_analyze_two_features(runner):
    x, y = _houses()
    with open("h.csv", "w") as fh:
        fh.write("size,bedrooms,price\n")
        for (a, b), c in zip(x, y, strict=True):
            fh.write(f"{a:.1f},{b:.0f},{c:.2f}\n")
    result = runner.invoke(
        cli, ["train", "--data", "h.csv", "--x", "size,bedrooms", "-o", "r.json"]
    )
    assert result.exit_code == 0, result.output
    assert "features standardised" in result.stderr
    run = Trajectory.load("r.json")
    assert run.w.shape[1] == 2
    result = runner.invoke(cli, ["analyze", "--data", "h.csv", "--x", "size,bedrooms", "--json"])
    facts = json.loads(result.stdout)
    assert len(facts["optimum"]["w"]) == 2 and len(facts["eigenvalues"]) == 3
    np.testing.assert_allclose(run.w[-1], facts["optimum"]["w"], rtol=2e-3)
    text = runner.invoke(cli, ["analyze", "--data", "h.csv", "--x", "size,bedrooms"]).stdout
    assert "times longer than it is wide" in text and "features          size, bedrooms" in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--x", "size,size"], "names a column twice"),
        (["--x", "size,nope"], "unknown --x column 'nope'"),
        (["--x", "size,double"], "collinear"),
        (["--x", "size,bedrooms", "--y", "size"], "y is also one of the x columns"),
        (["--x", "size,bedrooms", "--init", "1,2"], "init: 2 numbers, but 2 features start from 3"),
    ],
)
def test_cli_two_feature_bad_input(runner, args, fragment):
    with open("h.csv", "w") as fh:
        fh.write("size,bedrooms,double,price\n")
        for i in range(6):
            fh.write(f"{1000 + 100 * i},{1 + i % 3},{2000 + 200 * i},{100 + 7 * i}\n")
    result = runner.invoke(cli, ["train", "--data", "h.csv", *args, "-o", "out.json"])
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr and "Traceback" not in result.output
    assert not os.path.exists("out.json")


def test_python_api_takes_a_list_of_columns():
    import gdanim

    x, y = _houses()
    frame = {"size": x[:, 0], "bedrooms": x[:, 1], "price": y}
    with pytest.warns(UserWarning, match="features standardised"):
        run = gdanim.train(frame, x=["size", "bedrooms"], y="price", epochs=50)
    assert run.w.shape == (51, 2)
    arrays = gdanim.train(x=x, y=y, normalize=True, epochs=50)
    assert arrays.w.shape == (51, 2)
    with pytest.raises(InputError, match="no column 'rooms'"):
        gdanim.train(frame, x=["size", "rooms"], y="price")


def test_builtin_houses_lesson():
    ds = get_dataset("houses")
    assert ds.d == 2 and ds.n >= 40
    again = get_dataset("houses")
    assert again.sha256 == ds.sha256
    # Rounded like the other lessons: whole square feet and bedrooms, prices to $100.
    np.testing.assert_array_equal(ds.x, np.round(ds.x))
    raw = analyze(ds, make_loss(ds.loss))
    assert raw.condition_number > 1e6


def test_numpys_parser_and_the_careful_reader_agree_on_several_columns(tmp_path, monkeypatch):
    import gdanim.datasets.files.load as load

    x, y = _houses(200)
    path = tmp_path / "h.csv"
    with open(path, "w") as fh:
        fh.write("size,bedrooms,price\n")
        for (a, b), c in zip(x, y, strict=True):
            fh.write(f"{a:.1f},{b:.0f},{c:.2f}\n")
    fast = load_table(path, "size,bedrooms", "price")
    monkeypatch.setattr(load, "fast_matrix", lambda table, cols: None)
    careful = load_table(path, "size,bedrooms", "price")
    assert fast.sha256 == careful.sha256 and fast.rows_in_file == careful.rows_in_file == 200
    # A missing cell goes the careful way, and the row is left out with a note.
    text = path.read_text().splitlines()
    text[5] = text[5].replace(text[5].split(",")[1], "", 1)
    path.write_text("\n".join(text) + "\n")
    monkeypatch.undo()
    gappy = load_table(path, "size,bedrooms", "price")
    assert gappy.n == 199 and any("left out 1 of 200 rows" in n for n in gappy.notes)
    with pytest.raises(InputError, match="line 6, column 'bedrooms': missing value"):
        load_table(path, "size,bedrooms", "price", missing="error")

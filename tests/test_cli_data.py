"""The command line's data commands: analyze, datasets, train, CSV loading and bad input.

Everything runs through click's ``CliRunner`` in an empty temporary folder (the ``runner``
fixture). Every bad input must end with exit code 2 and exactly one line on stderr that names
the file (and the line and column where they apply), with no traceback and no output file.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from gdanim.cli import cli
from gdanim.datasets import DATASETS, Dataset, load_csv

X = [1.0, 2.0, 3.0, 4.0, 5.0]
Y = [2.1, 3.9, 6.2, 7.8, 10.1]
SHA = Dataset(np.array(X), np.array(Y), "expected").sha256


def _input_error(result, *fragments: str) -> str:
    """Assert the one-line, exit-2 failure and return its message."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    err = result.stderr
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)
    for frag in fragments:
        assert frag in err, (frag, err)
    return err


def _no_output_written():
    assert not os.path.exists("out.json")
    assert not [n for n in os.listdir(".") if n.startswith(".gdanim-")]


def _read_json(name: str) -> dict:
    with open(name, encoding="utf-8") as fh:
        return json.load(fh)


def _write(name: str, content: bytes | str) -> str:
    data = content.encode() if isinstance(content, str) else content
    with open(name, "wb") as fh:
        fh.write(data)
    return name


def _table(sep: str, header: list[str] | None = None, extra=None) -> str:
    lines = [sep.join(header)] if header else []
    for i, (x, y) in enumerate(zip(X, Y, strict=True)):
        cells = [repr(x), repr(y)]
        if extra is not None:
            cells = extra(i, cells)
        lines.append(sep.join(cells))
    return "\n".join(lines) + "\n"


def _analyzed(runner, *args: str) -> dict:
    result = runner.invoke(cli, ["analyze", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------ analyze, datasets


def test_analyze_campaign_reports_the_critical_rate(runner):
    result = runner.invoke(cli, ["analyze", "--dataset", "campaign"])
    assert result.exit_code == 0, result.output
    crit_line = next(ln for ln in result.stdout.splitlines() if "critical rate" in ln)
    assert "0.03618" in crit_line
    assert "diverges" in crit_line
    assert "w = 50.2363" in result.stdout and "b = 100.205" in result.stdout
    assert result.stderr == ""


def test_analyze_json(runner):
    out = _analyzed(runner, "--dataset", "campaign")
    assert out["lr_critical"] == pytest.approx(0.0361774, rel=1e-5)
    assert set(out["lr_regimes"]) == {"small", "right", "large"}
    r = out["lr_regimes"]
    assert r["small"] < r["right"] < out["lr_critical"] < r["large"]
    assert set(out["optimum"]) == {"w", "b", "loss"}
    assert out["optimum"]["w"] == pytest.approx(50.2363, rel=1e-5)
    assert out["optimum"]["b"] == pytest.approx(100.2055, rel=1e-5)
    assert out["condition_number"] == pytest.approx(128.2148, rel=1e-5)
    assert out["dataset"]["name"] == "campaign" and out["dataset"]["n"] == 7


def test_analyze_mae_has_no_critical_rate(runner):
    out = _analyzed(runner, "--dataset", "campaign", "--loss", "mae")
    assert out["lr_critical"] is None
    assert out["can_diverge"] is False


def test_datasets_lists_all_eleven(runner):
    result = runner.invoke(cli, ["datasets"])
    assert result.exit_code == 0, result.output
    names = {ln.split()[0] for ln in result.stdout.splitlines()[1:] if ln.strip()}
    assert names == set(DATASETS)
    assert len(DATASETS) == 11
    rows = json.loads(runner.invoke(cli, ["datasets", "--json"]).stdout)
    assert sorted(r["name"] for r in rows) == sorted(DATASETS)
    campaign = next(r for r in rows if r["name"] == "campaign")
    assert campaign["n"] == 7 and campaign["lr_critical"] == pytest.approx(0.0361774, rel=1e-5)


# ------------------------------------------------------------------ train


def test_train_writes_epochs_plus_one_entries(runner):
    result = runner.invoke(cli, ["train", "--epochs", "1000", "-o", "t.json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1000 updates" in result.stderr
    data = _read_json("t.json")
    for key in ("w", "b", "loss", "dw", "db"):
        assert len(data[key]) == 1001, key
    assert data["diverged_at"] is None
    assert data["config"]["epochs"] == 1000 and data["config"]["optimizer"] == "gd"
    assert data["dataset"]["name"] == "campaign"
    assert not [n for n in os.listdir(".") if n.startswith(".gdanim-")]


def test_train_to_stdout_is_json(runner):
    result = runner.invoke(cli, ["train", "--epochs", "10", "--dataset", "uniform"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["w"]) == 11
    assert data["dataset"]["name"] == "uniform"


def test_diverging_run_exits_0_with_a_note(runner):
    result = runner.invoke(cli, ["train", "--lr", "0.05", "--epochs", "500", "-o", "t.json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("note: diverged at update")
    assert result.stderr.count("\n") == 1
    data = _read_json("t.json")
    assert data["diverged_at"] is not None
    assert len(data["w"]) == data["diverged_at"] + 1 < 501
    assert all(np.isfinite(data["loss"]))


# ------------------------------------------------------------------ CSV: good files


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("comma.csv", _table(",", ["x", "y"])),
        ("semicolon.csv", _table(";", ["x", "y"])),
        ("tab.tsv", _table("\t", ["x", "y"])),
        ("bom.csv", "\ufeff" + _table(",", ["x", "y"])),
        ("crlf.csv", _table(",", ["x", "y"]).replace("\n", "\r\n")),
        ("noheader.csv", _table(",")),
        ("spaces.csv", _table(", ", ["x", "y"])),
    ],
)
def test_csv_formats_load_the_same_numbers(runner, name, content):
    _write(name, content)
    out = _analyzed(runner, "--data", name)
    assert out["dataset"]["n"] == 5
    assert out["dataset"]["sha256"] == SHA
    assert out["dataset"]["source"] == name
    w, _ = np.polyfit(X, Y, 1)
    assert out["optimum"]["w"] == pytest.approx(w, rel=1e-10)


def test_csv_bom_header_names_work(runner):
    _write("bom.csv", "\ufeff" + _table(",", ["hours", "score"]))
    out = _analyzed(runner, "--data", "bom.csv", "--x", "hours", "--y", "score")
    assert out["dataset"]["sha256"] == SHA
    ds = load_csv("bom.csv")
    assert (ds.x_label, ds.y_label) == ("hours", "score")


def _three_columns(i, cells):
    return [cells[1], f"id{i}", cells[0]]  # y, text, x


def test_csv_columns_by_name_and_by_index(runner):
    _write("cols.csv", _table(",", ["score", "id", "hours"], _three_columns))
    by_name = _analyzed(runner, "--data", "cols.csv", "--x", "hours", "--y", "score")
    by_index = _analyzed(runner, "--data", "cols.csv", "--x", "2", "--y", "0")
    assert by_name["dataset"]["sha256"] == by_index["dataset"]["sha256"] == SHA
    swapped = _analyzed(runner, "--data", "cols.csv", "--x", "score", "--y", "hours")
    assert swapped["dataset"]["sha256"] == Dataset(np.array(Y), np.array(X), "s").sha256


def test_csv_default_is_first_two_numeric_columns(runner):
    def with_id(i, cells):
        return [f"P{i:03d}", *cells]

    _write("ids.csv", _table(",", ["id", "hours", "score"], with_id))
    out = _analyzed(runner, "--data", "ids.csv")
    assert out["dataset"]["sha256"] == SHA
    ds = load_csv("ids.csv")
    assert (ds.x_label, ds.y_label) == ("hours", "score")
    assert ds.name == "ids" and ds.n == 5


def test_csv_trains(runner):
    _write("d.csv", _table(",", ["x", "y"]))
    result = runner.invoke(cli, ["train", "--data", "d.csv", "--epochs", "50", "-o", "t.json"])
    assert result.exit_code == 0, result.output
    data = _read_json("t.json")
    assert len(data["w"]) == 51
    assert data["dataset"]["sha256"] == SHA
    # One's own data starts from the flat line through the lowest y: off the valley's floor.
    assert data["w"][0] == 0.0 and data["b"][0] == pytest.approx(np.min(Y))


# ------------------------------------------------------------------ CSV: bad files

BAD_CSV = {
    # name: (content or None for no file, extra args, fragments expected in the message)
    "missing": (None, [], ["missing.csv", "no such file"]),
    "empty": (b"", [], ["empty.csv", "empty"]),
    "blank": (b"\n   \n\n", [], ["blank.csv", "empty"]),
    "header-only": (b"x,y\n", [], ["header-only.csv", "no data rows"]),
    "one-row": (b"x,y\n1,2\n", [], ["one-row.csv", "2 data rows", "found 1"]),
    "same-x": (b"x,y\n3,1\n3,2\n3,5\n", [], ["same-x.csv", "distinct", "'x'"]),
    "non-numeric": (b"x,y\n1,2\n2,abc\n3,4\n", [], ["non-numeric.csv", "line 3", "'y'", "abc"]),
    "non-numeric-x": (b"x,y\n1,2\n2,3\nfoo,4\n", [], ["non-numeric-x.csv", "line 4", "'x'"]),
    "no-header-bad": (b"1,2\n3,oops\n", [], ["no-header-bad.csv", "line 2", "column 1"]),
    "missing-cell": (
        b"x,y\n1,2\n2,\n3,4\n",
        ["--missing", "error"],
        ["missing-cell.csv", "line 3", "'y'", "missing"],
    ),
    "nan": (
        b"x,y\n1,2\n2,nan\n3,4\n",
        ["--missing", "error"],
        ["nan.csv", "line 3", "'y'", "missing"],
    ),
    "inf": (b"x,y\n1,2\n-inf,3\n3,4\n", [], ["inf.csv", "line 3", "'x'", "-inf"]),
    "overflow": (b"x,y\n1,2\n2,1e400\n3,4\n", [], ["overflow.csv", "line 3", "'y'", "1e400"]),
    "ragged-long": (b"x,y\n1,2\n2,3,9\n3,4\n", [], ["ragged-long.csv", "line 3", "found 3"]),
    "ragged-short": (b"x,y,z\n1,2,3\n2,3,4\n3,4\n", [], ["ragged-short.csv", "line 4", "found 2"]),
    "unknown-column": (
        b"hours,score\n1,2\n2,4\n",
        ["--x", "minutes"],
        ["unknown-column.csv", "'minutes'", "'hours'"],
    ),
    "index-out-of-range": (
        b"hours,score\n1,2\n2,4\n",
        ["--y", "7"],
        ["index-out-of-range.csv", "index 7", "out of range"],
    ),
    "same-column": (b"a,b\n1,2\n2,4\n", ["--x", "a", "--y", "0"], ["same-column.csv", "same"]),
    "one-numeric-column": (b"id,v\nA,1\nB,2\n", [], ["one-numeric-column.csv", "numeric"]),
    "binary": (b"x,y\n1,2\x00\x01\n3,4\n", [], ["binary.csv", "binary"]),
    "nul-late": (b"x,y\n" + b"1,2\n" * 20000 + b"3,4\x00\n", [], ["nul-late.csv", "line"]),
    # Not UTF-8: read as Windows-1252, so the stray byte is a letter in a number.
    "latin-1": (b"x,y\n1,2\n3,4\n5,6\xe9\n", [], ["latin-1.csv", "line 4", "'y'", "'6é'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_is_one_line_exit_2(runner, case):
    content, extra, fragments = BAD_CSV[case]
    path = f"{case}.csv"
    if content is not None:
        _write(path, content)
    result = runner.invoke(cli, ["train", "--data", path, *extra, "-o", "out.json"])
    _input_error(result, "gdanim: error:", *fragments)
    _no_output_written()
    # analyze says the same.
    again = runner.invoke(cli, ["analyze", "--data", path, *extra])
    assert again.stderr == result.stderr


def test_directory_as_data(runner):
    os.mkdir("folder.csv")
    result = runner.invoke(cli, ["train", "--data", "folder.csv", "-o", "out.json"])
    _input_error(result, "folder.csv", "directory")
    _no_output_written()


def test_message_names_the_path_as_given(runner):
    os.mkdir("sub")
    _write(os.path.join("sub", "bad.csv"), b"x,y\n1,2\n2,x\n")
    result = runner.invoke(cli, ["analyze", "--data", os.path.join("sub", "bad.csv")])
    _input_error(result, os.path.join("sub", "bad.csv"), "line 3")


# ------------------------------------------------------------------ bad options


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--lr", "-1"], ["--lr", "-1"]),
        (["--lr", "abc"], ["--lr", "abc"]),
        (["--lr", "0"], ["--lr", "'0'"]),
        (["--lr", "nan"], ["--lr"]),
        (["--lr", "1e400"], ["--lr"]),
        (["--init", "1"], ["--init"]),
        (["--init", "a,b"], ["--init", "a,b"]),
        (["--init", "1,2,3"], ["init: 3 numbers, but one feature starts from 2: 'W,B'"]),
        (["--init", "1,inf"], ["--init", "finite"]),
        (["--epochs", "-5"], ["--epochs"]),
        (["--momentum", "1"], ["--momentum"]),
        (["--dataset", "nope"], ["--dataset", "nope"]),
        (["--loss", "hinge"], ["--loss"]),
        (["--dataset", "campaign", "--data", "d.csv"], ["--dataset", "--data"]),
        (["--x", "hours"], ["--x", "--data"]),
    ],
)
def test_bad_options_are_one_line_exit_2(runner, args, fragments):
    _write("d.csv", _table(",", ["x", "y"]))
    result = runner.invoke(cli, ["train", *args, "-o", "out.json"])
    _input_error(result, *fragments)
    _no_output_written()


def test_output_into_a_missing_folder(runner):
    result = runner.invoke(cli, ["train", "--epochs", "3", "-o", "nowhere/t.json"])
    _input_error(result, "nowhere", "does not exist")
    assert not os.path.exists("nowhere")


def test_csv_default_epochs_follow_the_conditioning(tmp_path):
    from gdanim.config import TrainConfig
    from gdanim.datasets import load_csv
    from gdanim.datasets.conditioning import auto_epochs
    from gdanim.landscape import analyze
    from gdanim.losses import make_loss
    from gdanim.trainer import train

    path = tmp_path / "grades.csv"
    xs = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7]
    ys = [52, 55, 61, 60, 66, 70, 71, 77, 78, 84, 85, 91]
    path.write_text("hours,score\n" + "".join(f"{a},{b}\n" for a, b in zip(xs, ys, strict=True)))
    ds = load_csv(path)
    assert ds.epochs == auto_epochs(ds.x)
    a = analyze(ds, make_loss("mse"))
    assert ds.epochs >= 8 * a.condition_number - 1
    traj = train(ds, TrainConfig())
    gap0 = traj.loss[0] - a.optimum_loss
    assert traj.loss[-1] - a.optimum_loss < 1e-3 * gap0  # the default run converges

"""One's own data: the files real exports produce load with the right numbers, missing values
are left out and said, row indices are never taken for data, and the default run converges.

Every fixture is written here, the way its program writes it: pandas' ``to_csv`` (with its
index), R's ``write.csv``, a European spreadsheet's semicolon-and-decimal-comma export in
Windows-1252, Excel's "Unicode text" (UTF-16 with a BOM, tabs, CRLF), a lab file with comment
lines, quoted thousands, ``.xlsx`` and ``.ods`` workbooks.
"""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdanim.cli import cli
from gdanim.config import TrainConfig
from gdanim.datasets import get_dataset, load_table
from gdanim.datasets.conditioning import needs_standardizing
from gdanim.datasets.files.cells import parse_number
from gdanim.errors import InputError
from gdanim.landscape import analyze
from gdanim.losses import make_loss
from gdanim.trainer import train

RNG = np.random.default_rng(7)
# Heights near 68 with a spread of 2: the raw problem's condition number is about 1e6.
HEIGHT = np.round(68 + 1.8 * RNG.standard_normal(40), 1)
WEIGHT = np.round(-250 + 5.8 * HEIGHT + 6 * RNG.standard_normal(40), 1)


def frame() -> pd.DataFrame:
    return pd.DataFrame({"height": HEIGHT, "weight": WEIGHT, "group": ["a", "b"] * 20})


def _err(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    return result.stderr


# ----------------------------------------------------------------------- the export families


def test_pandas_to_csv_index_is_never_data(tmp_path):
    path = tmp_path / "heights.csv"
    frame().to_csv(path)  # first column: the unnamed index 0..39
    ds = load_table(path)
    assert (ds.x_label, ds.y_label) == ("height", "weight")
    assert np.array_equal(ds.x, HEIGHT) and np.array_equal(ds.y, WEIGHT)
    assert any("using x = height, y = weight" in n and "row index" in n for n in ds.notes)


def test_r_write_csv_with_rownames_and_na(tmp_path):
    df = frame()
    df.loc[[3, 17], "weight"] = np.nan
    df.loc[5, "group"] = np.nan  # a column that is not used: ignored
    path = tmp_path / "r.csv"
    df.index = df.index + 1
    df.to_csv(path, index_label="", quoting=csv.QUOTE_NONNUMERIC, na_rep="NA")
    ds = load_table(path)
    keep = np.ones(40, bool)
    keep[[3, 17]] = False
    assert np.array_equal(ds.x, HEIGHT[keep]) and np.array_equal(ds.y, WEIGHT[keep])
    assert ds.n == 38 and ds.rows_in_file == 40
    assert ds.caption == "r.csv, 38 of 40 rows"
    (note,) = [n for n in ds.notes if n.startswith("left out")]
    assert "2 of 40 rows" in note and "'weight'" in note and "line 5" in note


def test_rownames_column_that_counts_rows_is_skipped_but_real_ids_are_not(tmp_path):
    df = frame()
    df.insert(0, "rownames", np.arange(1, 41))
    df.to_csv(tmp_path / "a.csv", index=False)
    assert load_table(tmp_path / "a.csv").x_label == "height"
    df["rownames"] = np.arange(1, 41) * 7  # not a row count: data
    df.to_csv(tmp_path / "b.csv", index=False)
    assert load_table(tmp_path / "b.csv").x_label == "rownames"
    # Asked for by name, an index column is used.
    assert load_table(tmp_path / "a.csv", "rownames", "weight").x_label == "rownames"


def test_european_semicolon_decimal_comma_cp1252(tmp_path):
    df = pd.DataFrame({"Größe (cm)": HEIGHT * 2.54, "Gewicht (kg)": WEIGHT * 0.4536})
    path = tmp_path / "de.csv"
    df.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")
    ds = load_table(path)
    assert (ds.x_label, ds.y_label) == ("Größe (cm)", "Gewicht (kg)")
    np.testing.assert_allclose(ds.x, df.iloc[:, 0], rtol=1e-15)
    np.testing.assert_allclose(ds.y, df.iloc[:, 1], rtol=1e-15)
    # A column by its name, in any case.
    assert load_table(path, "größe (cm)", "GEWICHT (KG)").x_label == "Größe (cm)"


def test_excel_unicode_text(tmp_path):
    text = frame().to_csv(sep="\t", index=False, lineterminator="\r\n")
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark
    ds = load_table(path)
    assert np.array_equal(ds.x, HEIGHT) and np.array_equal(ds.y, WEIGHT)


def test_lab_file_with_comments_and_blank_lines(tmp_path):
    rows = "".join(f"{a}\t{b}\n" + ("\n# calibrated again\n" if i == 9 else "")
                   for i, (a, b) in enumerate(zip(HEIGHT, WEIGHT, strict=True)))  # fmt: skip
    path = tmp_path / "lab.tsv"
    path.write_text("# measured 2019-04-02\n# units: inches, pounds\n\nheight\tweight\n" + rows)
    ds = load_table(path)
    assert ds.x_label == "height" and ds.n == 40
    assert np.array_equal(ds.x, HEIGHT)


def test_quoted_thousands_and_formatted_cells(tmp_path):
    income = np.round(RNG.uniform(1_000, 90_000, 40), 2)
    path = tmp_path / "income.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["income", "prestige"])
        for a, b in zip(income, WEIGHT, strict=True):
            w.writerow([f"{a:,.2f}", b])
    ds = load_table(path)
    assert np.array_equal(ds.x, income)
    assert parse_number("$1,234.50") == 1234.5
    assert parse_number("12.5%") == 12.5
    assert parse_number("1.234.567,8", ",") == 1234567.8
    assert parse_number("1 234,5", ",") == 1234.5
    for bad in ("1,23,4", "12abc", "1_000", "inf", "nan", "0x10"):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_xlsx_first_sheet_and_sheet_option(runner):
    with pd.ExcelWriter("book.xlsx", engine="openpyxl") as xw:
        pd.DataFrame({"note": ["measured in class"]}).to_excel(xw, sheet_name="notes")
        frame().to_excel(xw, sheet_name="data")  # with the index column
    ds = load_table("book.xlsx", sheet="data")
    assert (ds.x_label, ds.y_label) == ("height", "weight")
    assert np.array_equal(ds.x, HEIGHT) and np.array_equal(ds.y, WEIGHT)
    assert load_table("book.xlsx", sheet="1").n == 40
    # The first sheet holds notes, not a table: the sheet that holds one is read, and
    # stderr says so.
    out = runner.invoke(cli, ["analyze", "--data", "book.xlsx"])
    assert out.exit_code == 0, out.output
    assert "read sheet 'data': 'notes' holds no table (choose with --sheet)" in out.stderr
    err = _err(runner.invoke(cli, ["analyze", "--data", "book.xlsx", "--sheet", "Daten"]))
    assert "no sheet 'Daten'" in err and "'notes', 'data'" in err
    out = runner.invoke(cli, ["analyze", "--json", "--data", "book.xlsx", "--sheet", "data"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["dataset"]["n"] == 40


def test_ods(tmp_path):
    path = tmp_path / "messwerte.ods"
    frame().to_excel(path, engine="odf", index=False, sheet_name="Messwerte")
    ds = load_table(path)
    assert np.array_equal(ds.x, HEIGHT) and np.array_equal(ds.y, WEIGHT)


def test_a_bad_cell_in_a_spreadsheet_names_sheet_row_and_column(tmp_path):
    df = frame()[["height", "weight"]].astype(object)
    df.loc[6, "weight"] = "heavy"
    path = tmp_path / "bad.xlsx"
    df.to_excel(path, index=False, sheet_name="Sheet1")
    with pytest.raises(InputError, match=r"sheet 'Sheet1', row 8, column 'weight'.*'heavy'"):
        load_table(path)


def test_a_column_numeric_only_at_first_is_passed_over_by_default(tmp_path):
    family = [str(i // 4 + 1) for i in range(600)] + ["136A"] * 4
    n = len(family)
    df = pd.DataFrame(
        {"family": family, "father": RNG.normal(69, 2, n), "child": RNG.normal(66, 3, n)}
    )
    df.to_csv(tmp_path / "families.csv", index=False)
    ds = load_table(tmp_path / "families.csv")
    assert (ds.x_label, ds.y_label) == ("father", "child") and ds.n == n
    with pytest.raises(InputError, match=r"line 602, column 'family'.*'136A'"):
        load_table(tmp_path / "families.csv", "family", "child")


# ----------------------------------------------------------------------- missing values


def test_missing_policy_error_refuses_in_one_line(runner):
    frame().assign(weight=lambda d: d.weight.where(d.index != 4)).to_csv("m.csv", index=False)
    err = _err(runner.invoke(cli, ["train", "--data", "m.csv", "--missing", "error"]))
    assert "m.csv: line 6, column 'weight': missing value" in err
    ok = runner.invoke(cli, ["train", "--data", "m.csv", "--epochs", "5", "-o", "t.json"])
    assert ok.exit_code == 0, ok.output
    assert "note: left out 1 of 40 rows" in ok.stderr
    assert "note: using x = height, y = weight" in ok.stderr


def test_no_row_with_both_values(runner):
    with open("none.csv", "w") as fh:
        fh.write("a,b\n1,\n,2\nNA,NA\n")
    err = _err(runner.invoke(cli, ["analyze", "--data", "none.csv", "--x", "a", "--y", "b"]))
    assert "no row has values in both 'a' or 'b'" in err


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
            st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
        ),
        min_size=3,
        max_size=30,
    ),
    st.lists(st.booleans(), min_size=30, max_size=30),
    st.sampled_from(["index", "plain", "european"]),
)
def test_any_pandas_table_loads_with_the_same_numbers(tmp_path, rows, holes, style):
    df = pd.DataFrame(rows, columns=["x value", "y value"])
    for i in range(len(df)):
        if holes[i] and i % 2:
            df.iloc[i, i % 4 // 2] = np.nan
    path = tmp_path / "t.csv"
    if style == "index":
        df.to_csv(path)
    elif style == "plain":
        df.to_csv(path, index=False)
    else:
        df.to_csv(path, sep=";", decimal=",", index=False)
    complete = df.dropna()
    if len(complete) < 2 or complete["x value"].nunique() < 2:
        with pytest.raises(InputError):
            load_table(path)
        return
    xs = complete["x value"].to_numpy()
    with np.errstate(under="ignore"):
        spread = float(np.mean((xs - xs.mean()) ** 2))
    if not spread >= np.finfo(np.float64).tiny:  # x values a hair apart: refused, and said why
        with pytest.raises(InputError, match="underflow"):
            load_table(path)
        return
    ds = load_table(path)
    assert (ds.x_label, ds.y_label) == ("x value", "y value")
    assert np.array_equal(ds.x, complete["x value"].to_numpy())
    assert np.array_equal(ds.y, complete["y value"].to_numpy())
    assert ds.rows_in_file == len(df)


# ----------------------------------------------------------------------- the default run


def test_ill_conditioned_own_data_is_standardised_and_converges(tmp_path):
    frame().to_csv(tmp_path / "h.csv")
    ds = load_table(tmp_path / "h.csv")
    assert needs_standardizing(ds.x)
    cfg = TrainConfig()
    std = cfg.standardization(ds)
    assert std is not None and std.auto
    assert std.condition_raw > 1e5 and std.condition == pytest.approx(1.0)
    assert std.x_mean == pytest.approx(HEIGHT.mean()) and std.x_std == pytest.approx(HEIGHT.std())
    assert std.text().startswith("x standardised") and f"mean {HEIGHT.mean():.3g}" in std.text()
    best = analyze(ds, make_loss("mse")).optimum_loss
    traj = train(ds, cfg)
    assert traj.config["normalize"] is True
    assert traj.loss[-1] <= 1.01 * best
    # Steps a student can see: neither one jump nor a crawl.
    near = np.flatnonzero(traj.loss <= 1.01 * best)[0]
    assert 5 <= near <= 60
    # --no-normalize keeps the raw problem and its honest crawl.
    raw = train(ds, TrainConfig(normalize=False))
    assert raw.config["normalize"] is False and raw.loss[-1] > 1.01 * best


def test_well_conditioned_own_data_and_lessons_keep_raw_x(tmp_path):
    x = np.linspace(-2, 3, 30)
    pd.DataFrame({"x": x, "y": 2 * x + 1}).to_csv(tmp_path / "ok.csv", index=False)
    ds = load_table(tmp_path / "ok.csv")
    assert TrainConfig().standardization(ds) is None
    for name in ("campaign", "housing", "clean", "uniform"):
        assert TrainConfig().standardization(get_dataset(name)) is None


def test_cli_says_when_x_is_standardised(runner):
    frame().to_csv("h.csv")
    result = runner.invoke(cli, ["train", "--data", "h.csv", "-o", "t.json"])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stderr.splitlines() if "standardised" in ln)
    assert line.startswith("note: x standardised") and "--no-normalize" in line
    raw = runner.invoke(cli, ["train", "--data", "h.csv", "--no-normalize", "-o", "r.json"])
    assert "standardised" not in raw.stderr


def test_scene_inputs_carry_the_notes(tmp_path):
    from gdanim.config import RenderSpec
    from gdanim.pipeline.prepare import prepare

    df = frame()
    df.loc[2, "weight"] = np.nan
    df.to_csv(tmp_path / "h.csv")
    inputs = prepare(RenderSpec(scene="descent-path", data_path=str(tmp_path / "h.csv")))
    assert inputs.standardized is not None and inputs.config.normalize
    notes = " | ".join(inputs.notes)
    assert "left out 1 of 40 rows" in notes and "x standardised" in notes
    assert inputs.dataset.caption == "h.csv, 39 of 40 rows"


def test_render_into_a_missing_folder_is_exit_2(runner):
    result = runner.invoke(
        cli, ["render", "descent-path", "--format", "png", "-o", "no/such/dir/out.png"]
    )
    assert "does not exist" in _err(result)
    assert not os.path.exists("no")


@pytest.mark.parametrize(
    "text",
    [
        "a;b\n1,5;2\n;3\n4,25;\n5;6,5\nNA;7\n8;9\n",
        "a,b,c\n1,,2\n3,4,5\n6,7,NA\n8,9,10\n",
        "a\tb\r\n1\t2\r\n\t3\r\n4\t5\r\n6\t7\r\n",
        "x;y\n1;2\n3;inf\n",  # not for the fast reader: the careful one names the cell
    ],
)
def test_the_vector_reader_agrees_with_the_row_reader(tmp_path, monkeypatch, text):
    import gdanim.datasets.files.load as reader

    path = tmp_path / "t.csv"
    path.write_text(text)

    def load() -> object:
        try:
            ds = load_table(path, "0", "1")
        except InputError as exc:
            return str(exc)
        return ds.x.tolist(), ds.y.tolist(), ds.notes, ds.rows_in_file

    fast = load()
    monkeypatch.setattr(reader, "vector_columns", lambda *a: None)
    assert load() == fast


def test_far_outliers_do_not_squash_the_data_panel():
    from gdanim.scenes.style import THEMES
    from gdanim.scenes.widgets import DataPanel, core_range

    rng = np.random.default_rng(3)
    x = rng.normal(50, 10, 200)
    y = 2 * x + 5 + rng.normal(0, 8, 200)
    assert core_range(x) == (float(x.min()), float(x.max()))  # no outliers: the full range
    x[:3], y[:3] = [400, 380, 900], [60, 2000, 100]
    lo, hi = core_range(x)
    assert hi < 150 and lo > 0
    panel = DataPanel(x, y, 4.0, 3.0, THEMES["dark"], "hours", "score")
    assert panel.x_range[1] < 150 and panel.y_range[1] < 400
    assert panel.beyond >= 3
    hollow = [d for d in panel.dots if d.get_fill_opacity() == 0]
    assert len(hollow) == panel.beyond
    for d in hollow:  # on the edge, inside the frame
        assert panel.frame.get_left()[0] - 1e-6 <= d.get_x() <= panel.frame.get_right()[0] + 1e-6


def test_a_lecture_file_names_the_sheet_and_the_missing_policy(runner):
    with pd.ExcelWriter("book.xlsx", engine="openpyxl") as xw:
        pd.DataFrame({"note": ["measured in class"]}).to_excel(xw, sheet_name="notes")
        frame().to_excel(xw, sheet_name="data", index=False)
    with open("l.toml", "w") as fh:
        fh.write('data = "book.xlsx"\nsheet = "data"\nmissing = "error"\n')
        fh.write('scenes = ["descent-path"]\n')
    ok = runner.invoke(cli, ["lecture", "l.toml", "--dry-run", "-o", "out"])
    assert ok.exit_code == 0, ok.output
    assert "book.xlsx" in ok.stdout
    with open("bad.toml", "w") as fh:
        fh.write('data = "book.xlsx"\nsheet = "Daten"\nscenes = ["descent-path"]\n')
    err = _err(runner.invoke(cli, ["lecture", "bad.toml", "--dry-run", "-o", "out"]))
    assert "bad.toml: data:" in err and "no sheet 'Daten'" in err


def test_a_lecture_file_takes_the_python_spellings_of_its_data_keys(runner):
    """``data_path``, ``x_col``, ``y_col`` (as RenderSpec and the manifest spell them) in a
    scene's table said "data: give dataset or data, not both", though no dataset was given:
    they now mean data, x and y, the path relative to the file; both spellings at once is
    one line naming the key. The dry run's columns take the file's long name."""
    os.makedirs("sub", exist_ok=True)
    frame().to_csv("sub/penguin_measurements.csv", index=False)
    with open("sub/l.toml", "w") as fh:
        fh.write('[[scenes]]\nscene = "descent-path"\ndata_path = "penguin_measurements.csv"\n')
        fh.write('x_col = "height"\ny_col = "weight"\n')
        fh.write('[[scenes]]\nscene = "hiker-bowl"\ndata = "penguin_measurements.csv"\n')
        fh.write('x = "height"\ny = "weight"\n')
    ok = runner.invoke(cli, ["lecture", "sub/l.toml", "--dry-run", "-o", "out"])
    assert ok.exit_code == 0, ok.output
    rows = ok.stdout.splitlines()
    assert len(rows) == 2 and all("penguin_measurements.csv  " in r for r in rows)
    # the columns line up, whatever the length of the data's name
    assert len({r.index("dark") for r in rows}) == 1
    with open("sub/two.toml", "w") as fh:
        fh.write('[[scenes]]\nscene = "descent-path"\ndata_path = "penguin_measurements.csv"\n')
        fh.write('data = "penguin_measurements.csv"\n')
    err = _err(runner.invoke(cli, ["lecture", "sub/two.toml", "--dry-run", "-o", "out"]))
    assert err == "gdanim: error: sub/two.toml: scenes[1].data: given twice (under two spellings)\n"

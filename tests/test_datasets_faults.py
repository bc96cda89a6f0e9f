"""Real exports read as their programs write them, and bad input or faults that never lose a
file, never exhaust the machine and never end in a traceback.

Every fixture is written here: R's ``write.table`` shapes with pandas' options, UCI-style
``.data`` text, workbooks by openpyxl, gzip and zip archives, JSON, Parquet, Feather and
Stata files by pandas, a web page and a PDF's first bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gdanim
from gdanim import fileio
from gdanim.cli import cli
from gdanim.config import RenderSpec
from gdanim.datasets import load_table
from gdanim.datasets.files import spreadsheet
from gdanim.errors import InputError
from gdanim.pipeline.render import output_path, reusable
from gdanim.trajectory import Trajectory

GDANIM = [sys.executable, "-m", "gdanim"]
RNG = np.random.default_rng(11)
X = np.round(RNG.uniform(50, 80, 40), 1)
Y = np.round(3 * X + RNG.normal(0, 5, 40), 2)


def frame() -> pd.DataFrame:
    return pd.DataFrame({"height": X, "weight": Y, "name": [f"p {i}" for i in range(40)]})


def one_line(result) -> str:
    """The CLI refused: exit 2, one line on stderr, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr


def loads(path, **kw):
    ds = load_table(path, **kw)
    assert np.array_equal(ds.x, X) and np.array_equal(ds.y, Y)
    return ds


# ------------------------------------------------------------------ no file lost


def test_train_never_writes_over_its_data(runner):
    frame().to_csv("d.csv", index=False)
    before = Path("d.csv").read_bytes()
    os.symlink("d.csv", "alias.json")
    err = one_line(runner.invoke(cli, ["train", "--data", "d.csv", "-o", "d.csv"]))
    assert "name it .json" in err
    err = one_line(runner.invoke(cli, ["train", "--data", "d.csv", "-o", "alias.json"]))
    assert "would overwrite the input d.csv" in err
    assert Path("d.csv").read_bytes() == before


def test_render_refuses_an_extension_that_is_not_the_format(runner):
    frame().to_csv("d.csv", index=False)
    for args, said in (
        (["-o", "d.csv", "--format", "png"], "the extension says csv but --format is png"),
        (["-o", "x.avi"], "the extension says avi but --format is mp4"),
        (["-o", "notes.xlsx", "--format", "png"], "the extension says xlsx"),
        (["-o", "noext"], "no extension"),
    ):
        err = one_line(runner.invoke(cli, ["render", "descent-path", "--data", "d.csv", *args]))
        assert said in err
    assert not os.path.exists("x.avi") and not os.path.exists("notes.xlsx")


def test_an_input_with_the_output_name_is_refused_before_rendering(tmp_path):
    # A table saved under an image's name, and that name given as the output.
    (tmp_path / "plot.png").write_text("x,y\n1,2\n2,4\n3,7\n")
    with pytest.raises(InputError, match="would overwrite the input"):
        gdanim.render("descent-path", str(tmp_path / "plot.png"), format="png",
                      output=str(tmp_path / "plot.png"))  # fmt: skip
    assert (tmp_path / "plot.png").read_text().startswith("x,y")


def test_devices_pipes_and_links_to_them_are_never_replaced(runner, tmp_path):
    os.mkfifo("pipe.json")
    os.symlink("/dev/null", "null.json")
    for target, what in (("/dev/null", "a device"), ("null.json", "a device (a link to it)"),
                         ("pipe.json", "a named pipe")):  # fmt: skip
        err = one_line(runner.invoke(cli, ["train", "--dataset", "campaign", "-o", target]))
        assert what in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert os.path.islink("null.json") and stat.S_ISFIFO(os.stat("pipe.json").st_mode)
    # The writers check again at the last moment, whatever the caller checked.
    with pytest.raises(InputError, match="a device"):
        fileio.atomic_write_text("null.json", "{}")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_naming_a_folder(runner, tmp_path):
    spec = RenderSpec.parse({"scene": "descent-path", "format": "png"}, "python")
    path = output_path(spec, str(tmp_path / "newdir") + "/")
    assert os.path.isdir(tmp_path / "newdir")
    assert os.path.dirname(path) == str(tmp_path / "newdir") and path.endswith(".png")
    for folder in ("newdir/", "fresh/"):
        err = one_line(runner.invoke(cli, ["train", "--dataset", "campaign", "-o", folder]))
        assert "is a directory" in err or "is a folder" in err
        assert ".gdanim" not in err
    with pytest.raises(InputError, match="does not exist"):
        output_path(spec, str(tmp_path / "a" / "b") + "/")


def test_a_lecture_never_writes_over_its_inputs(runner, tmp_path):
    os.mkdir("out")
    # A data file that happens to sit where the lecture writes its page.
    (tmp_path / "out" / "index.html").write_text("hours,score\n1,2\n2,4\n3,5\n")
    (tmp_path / "l.toml").write_text('data = "out/index.html"\nscenes = ["descent-path"]\n')
    err = one_line(runner.invoke(cli, ["lecture", "l.toml", "-o", "out"]))
    assert "would overwrite the input" in err
    assert (tmp_path / "out" / "index.html").read_text().startswith("hours")


def test_a_newline_in_a_file_name_stays_on_one_line(runner):
    err = one_line(runner.invoke(cli, ["train", "--data", "no\nsuch.csv"]))
    assert "no\\nsuch.csv" in err


# ------------------------------------------------------------------ bounded resources


def test_a_workbook_spanning_the_whole_sheet_is_refused_before_reading(runner):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["x", "y"])
    for i in range(1, 6):
        ws.append([i, 2 * i])
    ws["XFD1048576"] = 1
    wb.save("far.xlsx")
    assert os.path.getsize("far.xlsx") < 10_000
    start = time.perf_counter()
    err = one_line(runner.invoke(cli, ["train", "--data", "far.xlsx"]))
    assert time.perf_counter() - start < 20
    assert "1,048,576 rows by 16,384 columns" in err and "20,000,000 cells" in err


def test_a_zip_bomb_is_refused_as_it_unpacks(tmp_path, monkeypatch):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["x", "y"], [1, 2], [2, 3], [3, 5]):
        ws.append(row)
    wb.save(tmp_path / "base.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "base.xlsx") as zin,
        zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b" " * 3_000_000 + b"</worksheet>")
            zout.writestr(info.filename, data)
    assert os.path.getsize(tmp_path / "bomb.xlsx") < 100_000
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 2_000_000)
    with pytest.raises(InputError, match="unpacks to more than"):
        load_table(tmp_path / "bomb.xlsx")
    assert load_table(tmp_path / "base.xlsx").n == 3


def test_deeply_nested_lecture_and_trajectory_files(runner, tmp_path):
    (tmp_path / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    err = one_line(runner.invoke(cli, ["lecture", "deep.toml", "--dry-run"]))
    assert "nested too deeply" in err
    (tmp_path / "deep.json").write_text('{"w": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError, match="nested too deeply"):
        Trajectory.load(tmp_path / "deep.json")
    (tmp_path / "deep-data.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        load_table(tmp_path / "deep-data.json")


# ------------------------------------------------------------------ numeric extremes


def test_a_start_whose_loss_overflows_is_one_line(runner):
    err = one_line(runner.invoke(cli, ["train", "--dataset", "campaign", "--init", "1e308,1e308"]))
    assert "init (1e+308, 1e+308)" in err
    with pytest.raises(InputError, match="too large to compute"):
        gdanim.train("campaign", init=(1e200, -1e200))


def test_any_whole_number_seeds_a_run():
    runs = [gdanim.train("campaign", optimizer="sgd", seed=s, epochs=30) for s in (-1, 2**128 - 1)]
    assert np.array_equal(runs[0].w, runs[1].w)
    big = gdanim.train("campaign", optimizer="minibatch", seed=10**40, epochs=30)
    assert np.isfinite(big.w).all()


def test_data_whose_squares_underflow_or_overflow(tmp_path):
    (tmp_path / "tiny.csv").write_text("x,y\n1e-170,1\n2e-170,2\n3e-170,4\n")
    with pytest.raises(InputError, match="underflow; rescale it"):
        gdanim.train(str(tmp_path / "tiny.csv"))
    with pytest.raises(InputError, match="too large to square"):
        gdanim.train(x=[1e200, 2e200, 3e200], y=[1, 2, 3])


def test_sizes_from_every_source_go_through_one_check(runner, tmp_path):
    for kw, said in (
        ({"width": 100_000, "height": 100_000}, "larger than 8K"),
        ({"width": 7682, "height": 4320}, "larger than 8K"),
        ({"width": 641, "height": 360}, "must be even"),
        ({"width": 2, "height": 2}, "too small"),
        ({"resolution": "2x2"}, "too small"),
    ):
        with pytest.raises(InputError, match=said):
            gdanim.render("descent-path", **kw)
    (tmp_path / "l.toml").write_text('width = 7682\nheight = 4320\nscenes = ["descent-path"]\n')
    assert "larger than 8K" in one_line(runner.invoke(cli, ["lecture", "l.toml", "--dry-run"]))


# ------------------------------------------------------------------ crash- and race-safe


def test_what_a_killed_run_left_is_removed_by_the_next(tmp_path):
    host = fileio._host()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".gdanim-job-{host}-{dead.pid}-abc"
    live = tmp_path / f".gdanim-job-{host}-{os.getpid()}-def"
    other = tmp_path / ".gdanim-job-elsewhere-1-ghi"
    old = tmp_path / ".gdanim-elsewhere-2-jkl.part"
    for folder in (stale, live, other):
        folder.mkdir()
        (folder / "partial.mp4").write_bytes(b"x")
    old.write_bytes(b"x")
    week = time.time() - 7 * 24 * 3600
    os.utime(old, (week, week))
    with fileio.private_dir(str(tmp_path / "out.mp4")) as tmp:
        assert os.path.basename(tmp).startswith(f".gdanim-job-{host}-{os.getpid()}-")
    assert not stale.exists() and not old.exists()
    assert live.exists() and other.exists()  # still running, or another machine's


def test_a_damaged_output_is_not_reused(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\x00" * 5000)
    import hashlib

    from gdanim.pipeline.manifest import RenderManifest

    digest = hashlib.sha256(video.read_bytes()).hexdigest()
    golden = RenderManifest.load(
        os.path.join(os.path.dirname(__file__), "golden", "records", "render-compare.json")
    )

    def recorded(**output: object) -> RenderManifest:
        return golden.model_copy(
            update={"key": "k", "output": golden.output.model_copy(update=output)}
        )

    manifest = recorded(bytes=5000, sha256=digest)
    assert reusable(str(video), manifest, "k")
    assert not reusable(str(video), manifest, "other")
    with open(video, "r+b") as fh:
        fh.truncate(1000)
    assert not reusable(str(video), manifest, "k")
    video.write_bytes(b"\x01" * 5000)  # the same size, other bytes
    assert not reusable(str(video), manifest, "k")
    assert not reusable(str(video), recorded(bytes=5000, sha256=None), "k")


def test_a_worker_dies_with_its_parent(tmp_path):
    marker = tmp_path / "grandchild.pid"
    (tmp_path / "child.py").write_text(
        "import os, time\nfrom gdanim import interrupts\ninterrupts.die_with_parent()\n"
        f"open({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n"
    )
    (tmp_path / "parent.py").write_text(
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, {str(tmp_path / 'child.py')!r}])\ntime.sleep(60)\n"
    )
    parent = str(tmp_path / "parent.py")
    proc = subprocess.Popen([sys.executable, parent])
    deadline = time.time() + 30
    while time.time() < deadline and not (marker.exists() and marker.read_text()):
        time.sleep(0.1)
    pid = int(marker.read_text())
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")


# ------------------------------------------------------------------ real exports


def test_r_write_table_default_and_write_csv(tmp_path):
    # write.table: space separated, strings quoted, row names without a header field.
    frame().to_csv(tmp_path / "r.txt", sep=" ", quoting=csv.QUOTE_NONNUMERIC, index_label=False)
    assert (tmp_path / "r.txt").read_text().splitlines()[0] == '"height" "weight" "name"'
    ds = loads(tmp_path / "r.txt")
    assert (ds.x_label, ds.y_label) == ("height", "weight")
    frame().to_csv(tmp_path / "r.csv", quoting=csv.QUOTE_NONNUMERIC, index_label="")
    loads(tmp_path / "r.csv")


def test_uci_data_file_whitespace_tabs_question_marks_no_header(tmp_path):
    lines = []
    for i, (a, b) in enumerate(zip(X, Y, strict=True)):
        shown = "?" if i == 3 else f"{b:.2f}"
        lines.append(f'{a:6.1f}   {shown:>7}    8\t"car {i}"\n')
    (tmp_path / "auto.data").write_text("".join(lines))
    ds = load_table(tmp_path / "auto.data")
    keep = np.arange(40) != 3
    assert np.array_equal(ds.x, X[keep]) and np.array_equal(ds.y, Y[keep])
    assert ds.x_label == "column 0" and any("left out 1 of 40" in n for n in ds.notes)
    ds = load_table(tmp_path / "auto.data", x="1", y="0")
    assert ds.x_label == "column 1" and np.array_equal(ds.y, X[keep])


def test_header_less_numbers_by_index(tmp_path):
    (tmp_path / "n.txt").write_text("".join(f"{a}\t{b}\n" for a, b in zip(X, Y, strict=True)))
    loads(tmp_path / "n.txt")
    ds = load_table(tmp_path / "n.txt", x="1", y="0")
    assert np.array_equal(ds.x, Y)


def test_title_blank_row_units_and_footnotes_are_set_aside(tmp_path, runner):
    body = "".join(f"{a},{b},ok\n" for a, b in zip(X, Y, strict=True))
    (tmp_path / "t.csv").write_text(
        "Survey of heights, 2020\n\nheight,weight,note\nin,lb,\n" + body
        + "\nSource: made up for this test\nNote: heights rounded, 0.1 in\n"
    )  # fmt: skip
    ds = loads(tmp_path / "t.csv")
    notes = " | ".join(ds.notes)
    assert "skipped line 1 above the header (a title, not data)" in notes
    assert "skipped line 4 under the header (units, not data)" in notes
    assert "skipped lines 46-47 after the data (notes, not data)" in notes
    # Past the first rows: the footnotes are found as the rows are read.
    many = "".join(f"{i},{2 * i + 1}\n" for i in range(1, 1001))
    (tmp_path / "long.csv").write_text("x,y\n" + many + "\nSource: a made-up table\n")
    ds = load_table(tmp_path / "long.csv")
    assert ds.n == 1000 and any("line 1003 after the data" in n for n in ds.notes)
    # Data after a note is data: the note line is refused, never skipped.
    (tmp_path / "mid.csv").write_text("x,y\n" + many + "Source: here\n5,6\n")
    err = one_line(runner.invoke(cli, ["train", "--data", str(tmp_path / "mid.csv")]))
    assert "line 1002" in err


def test_a_workbook_with_a_title_row(tmp_path):
    with pd.ExcelWriter(tmp_path / "t.xlsx", engine="openpyxl") as xw:
        pd.DataFrame([["Heights survey, spring 2020"]]).to_excel(xw, header=False, index=False)
        frame().to_excel(xw, index=False, startrow=2)
    ds = loads(tmp_path / "t.xlsx")
    assert any("row 1 above the header" in n for n in ds.notes)


def test_a_workbook_of_notes_only_lists_its_sheets(runner):
    with pd.ExcelWriter("notes.xlsx", engine="openpyxl") as xw:
        pd.DataFrame({"README": ["made by hand"]}).to_excel(xw, sheet_name="README")
        pd.DataFrame({"who": ["me", "you"]}).to_excel(xw, sheet_name="people")
    err = one_line(runner.invoke(cli, ["train", "--data", "notes.xlsx"]))
    assert "sheets: 'README', 'people'" in err and "--sheet" in err


def test_compressed_tables(tmp_path, runner):
    text = frame().to_csv(index=False).encode()
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(text, mtime=0))
    loads(tmp_path / "d.csv.gz")
    with zipfile.ZipFile(tmp_path / "one.zip", "w") as z:
        z.writestr("data/heights.csv", text)
        z.writestr("__MACOSX/._heights.csv", b"\x00")
    ds = loads(tmp_path / "one.zip")
    assert "read data/heights.csv from the zip archive" in ds.notes
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        z.writestr("a.csv", text)
        z.writestr("b.csv", text)
    err = one_line(runner.invoke(cli, ["train", "--data", str(tmp_path / "two.zip")]))
    assert "2 tables" in err and "a.csv, b.csv" in err


def test_json_records_and_columns(tmp_path):
    frame().to_json(tmp_path / "r.json", orient="records")
    loads(tmp_path / "r.json")
    frame().to_json(tmp_path / "c.json", orient="columns")  # {"height": {"0": ...}}
    (tmp_path / "l.json").write_text(json.dumps({"height": list(X), "weight": list(Y)}))
    loads(tmp_path / "l.json")
    frame().to_json(tmp_path / "lines.jsonl", orient="records", lines=True)
    loads(tmp_path / "lines.jsonl")
    (tmp_path / "bad.json").write_text('{"a": 1}')
    with pytest.raises(InputError, match="JSON, but not a table"):
        load_table(tmp_path / "bad.json")


@pytest.mark.parametrize("fmt", ["parquet", "feather", "stata"])
def test_parquet_feather_and_stata_through_pandas(tmp_path, fmt):
    if fmt != "stata":
        pytest.importorskip("pyarrow")
    path = tmp_path / f"d.{ {'parquet': 'parquet', 'feather': 'feather', 'stata': 'dta'}[fmt] }"
    getattr(frame(), f"to_{fmt}")(path, **({"write_index": False} if fmt == "stata" else {}))
    ds = loads(path)
    assert (ds.x_label, ds.y_label) == ("height", "weight")


def test_the_formats_extra_is_named_when_pandas_is_missing(tmp_path, monkeypatch):
    (tmp_path / "d.parquet").write_bytes(b"PAR1" + b"\x00" * 20 + b"PAR1")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(InputError, match=r"pip install 'gdanim\[formats\]'"):
        load_table(tmp_path / "d.parquet")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"<!DOCTYPE html>\n<html><body>Not found</body></html>", "an HTML page"),
        (b"  <html lang='en'><head></head></html>", "an HTML page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    ],
)
def test_a_file_that_cannot_be_a_table_is_named(runner, content, what):
    with open("download.csv", "wb") as fh:
        fh.write(content)
    err = one_line(runner.invoke(cli, ["train", "--data", "download.csv"]))
    assert f"is {what}" in err and "not a table" in err


def test_one_windows_1252_byte_in_a_utf8_file(tmp_path):
    raw = "Größe,Gewicht\n1,2\n2,4\n3,7\n".encode() + b"# caf\xe9 au lait\n"
    (tmp_path / "m.csv").write_bytes(raw)
    ds = load_table(tmp_path / "m.csv")
    assert (ds.x_label, ds.y_label) == ("Größe", "Gewicht")


def test_a_named_pipe_is_read_once(tmp_path, runner):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    text = frame().to_csv(index=False)

    def feed() -> None:
        with open(fifo, "w") as fh:
            fh.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = runner.invoke(cli, ["train", "--data", str(fifo), "-o", "run.json"])
    writer.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert json.loads(Path("run.json").read_text())["dataset"]["n"] == 40


def test_process_substitution_as_data(tmp_path):
    (tmp_path / "d.csv").write_text(frame().to_csv(index=False))
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m gdanim train --data <(cat d.csv) -o run.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "run.json").read_text())["dataset"]["n"] == 40


# ------------------------------------------------------------------ Python errors


def test_python_errors_are_one_line_input_errors(tmp_path):
    with pytest.raises(InputError, match="different lengths"):
        gdanim.train({"a": [1, 2, 3], "b": [1, 2]})
    with pytest.raises(InputError, match="output: int is not a file name"):
        gdanim.render("descent-path", output=123)
    # A table as x is several features; two rows cannot fit two weights and an intercept.
    with pytest.raises(InputError, match="too few rows"):
        gdanim.train(x=[[1, 2], [3, 4]], y=[1, 2])
    with pytest.raises(InputError, match="sequences of numbers"):
        gdanim.train(x=object(), y=[1, 2])
    run = gdanim.train(x=(v for v in [1.0, 2.0, 3.0, 4.0]), y=[3, 5, 7, 9], lr=0.05, epochs=50)
    assert run.n_states == 51
    with pytest.raises(InputError) as info:
        gdanim.lecture(str(tmp_path / "missing.toml"), str(tmp_path / "out"))
    assert "\n" not in str(info.value) and "no such file" in str(info.value)


def test_an_input_error_is_always_one_line():
    assert str(InputError("a\nb\tc\x1b")) == "a\\nb\\tc\\x1b"
    assert io.StringIO(str(InputError("plain"))).read() == "plain"


def test_a_deck_title_is_made_safe():
    from gdanim.lectures.pptx import deck_title

    assert deck_title("Gradient\x07 descent\n101") == "Gradient descent 101"
    long = deck_title("word " * 100)
    assert len(long) == 120 and long.endswith("…")


def test_a_damaged_joined_lecture_is_joined_again(tmp_path):
    import hashlib

    from gdanim.lectures.assemble import _intact

    video = tmp_path / "lecture.mp4"
    video.write_bytes(b"\x02" * 4000)
    sha = hashlib.sha256(video.read_bytes()).hexdigest()
    assert _intact(str(video), 4000, sha)
    video.write_bytes(b"\x02" * 1000)
    assert not _intact(str(video), 4000, sha)
    assert not _intact(str(tmp_path / "missing.mp4"), 4000, sha)


def test_standard_output_is_named_for_a_device(runner):
    err = one_line(runner.invoke(cli, ["train", "--dataset", "campaign", "-o", "/dev/stdout"]))
    assert "-o - writes to standard output" in err


def test_a_full_disk_during_a_render_is_one_line(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple
    from xml.etree.ElementTree import ParseError

    from gdanim.cli import main
    from gdanim.pipeline import render as render_mod

    def truncated_svg(*args, **kwargs):
        raise ParseError("no element found: line 1, column 0")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(render_mod, "render_scene", truncated_svg)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9, 4096))
    out = tmp_path / "a.png"
    with pytest.raises(SystemExit) as exc:
        main(["render", "descent-path", "--format", "png", "-o", str(out)])
    assert exc.value.code == 2
    assert not out.exists()
    assert [f for f in os.listdir(tmp_path) if f.startswith(".gdanim-")] == []


def test_a_source_line_under_a_long_sheet_is_a_note(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["x", "y"])
    for i in range(1, 601):
        ws.append([i, 2 * i + 1])
    ws.append([])
    ws.append(["Source: a made-up sheet"])
    wb.save(tmp_path / "long.xlsx")
    ds = load_table(tmp_path / "long.xlsx")
    assert ds.n == 600
    assert ds.notes == ("skipped sheet 'Sheet', row 603 after the data (notes, not data)",)

"""The Python API: the CLI's options as keywords, one set of checks, results shown inline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from click.testing import CliRunner

import gdanim
from gdanim.cli import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def df():
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(
        {
            "student": list("abcdefgh"),
            "hours": [1, 2, 3, 4, 5, 6, 7, np.nan],
            "score": [52.0, 55, 61, 64, 70, 72, 75, 81],
        }
    )


def test_import_and_training_never_import_manim_or_pandas():
    code = (
        "import sys, gdanim; gdanim.train(x=[1, 2, 3], y=[2, 4, 7], epochs=5);"
        "gdanim.analyze('campaign');"
        "print('manim' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_public_names_are_the_documented_ones():
    assert set(gdanim.__all__) == {
        "Analysis", "Dataset", "InputError", "Rendered", "Trajectory", "__version__",
        "analyze", "lecture", "load_data", "load_trajectory", "render", "scene_inputs", "train",
    }  # fmt: skip
    assert issubclass(gdanim.InputError, ValueError)


def test_a_dataframe_trains_like_its_csv_on_the_command_line(df, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match="left out 1 of 8 rows"):
        run = gdanim.train(df, x="hours", y="score", lr="right", epochs=50)
    df.to_csv("g.csv")  # pandas' default: with its index
    result = CliRunner().invoke(
        cli, ["train", "--data", "g.csv", "--x", "hours", "--y", "score", "--lr", "right",
              "--epochs", "50"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli_run = json.loads(result.stdout)
    np.testing.assert_array_equal(run.w, cli_run["w"])
    np.testing.assert_array_equal(run.loss, cli_run["loss"])
    api_file = gdanim.train("g.csv", x="hours", y="score", lr="right", epochs=50)
    np.testing.assert_array_equal(api_file.b, cli_run["b"])


def test_arrays_train_and_the_trajectory_round_trips(tmp_path):
    run = gdanim.train(x=[1, 2, 3, 4], y=[3, 5, 7, 9], lr=0.05, epochs=500)
    assert run.w[-1] == pytest.approx(2.0, abs=0.01) and run.b[-1] == pytest.approx(1.0, abs=0.03)
    run.save(tmp_path / "run.json")
    back = gdanim.load_trajectory(tmp_path / "run.json")
    np.testing.assert_array_equal(back.w, run.w)
    pytest.importorskip("pandas")
    frame = run.to_frame()
    assert list(frame.columns[:5]) == ["w", "b", "loss", "dw", "db"] and len(frame) == 501


def test_analysis_is_the_commands(df):
    a = gdanim.analyze("campaign")
    out = CliRunner().invoke(cli, ["analyze", "--json"])
    facts = json.loads(out.stdout)
    assert a.lr_critical == facts["lr_critical"] and a.lr_regimes == facts["lr_regimes"]
    assert a.optimum == pytest.approx((facts["optimum"]["w"], facts["optimum"]["b"]))
    assert a.condition_number == facts["condition_number"]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda d: gdanim.train(d, x="hourz"), ["no column 'hourz'", "hours", "score"]),
        (lambda d: gdanim.train(d, x="student"), ["'student' is not numeric"]),
        (lambda d: gdanim.train(d, lr="huge"), ["lr: 'huge' is not a number"]),
        (lambda d: gdanim.train(d, momentum=1.0), ["momentum: 1.0 is outside [0, 1)"]),
        (lambda d: gdanim.train(d, theme="light"), ["theme: not a training option"]),
        (lambda d: gdanim.train("campagin"), ["'campagin' is neither a built-in dataset"]),
        (lambda d: gdanim.train("campaign", x="a"), ["x, y and sheet choose columns"]),
        (lambda d: gdanim.render("descent-path", d, fps=500), ["fps: 500 is outside [1, 120]"]),
        (lambda d: gdanim.render("nope", d), ["scene: 'nope' is not one of"]),
        (lambda d: gdanim.render("descent-path", d, colour="red"), ["colour: unknown key"]),
        (lambda d: gdanim.render("descent-path", d, lrs=[0.1, 0.2]), ["only learning-rates"]),
    ],
)
def test_errors_are_one_line_input_errors_in_keyword_words(df, call, words):
    with pytest.raises(gdanim.InputError) as err:
        call(df)
    text = str(err.value)
    assert "\n" not in text and "--" not in text, text
    for w in words:
        assert w in text, text


def test_rendered_shows_itself_inline_and_links_what_is_too_big(tmp_path, monkeypatch):
    from gdanim import api

    png = tmp_path / "a.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    shown = gdanim.Rendered(str(png), {"output": {"width": 854}})._repr_html_()
    assert shown.startswith('<img src="data:image/png;base64,') and "854px" in shown
    mp4 = tmp_path / "a.mp4"
    mp4.write_bytes(b"\0" * 64)
    monkeypatch.setattr(api, "INLINE_BYTES", 16)
    monkeypatch.chdir(tmp_path)
    shown = gdanim.Rendered(str(mp4), {})._repr_html_()
    assert shown.startswith("<video controls loop") and 'src="a.mp4"' in shown


@pytest.mark.render
def test_a_render_is_byte_identical_to_the_commands(df, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    df.to_csv("g.csv", index=False)
    common = {"format": "png", "quality": "low", "lr": "large", "theme": "light"}
    made = gdanim.render("descent-path", "g.csv", output="api.png", **common)
    assert made.manifest["output"]["format"] == "png" and not made.reused
    args = ["render", "descent-path", "--data", "g.csv", "-o", "cli.png", "--format", "png",
            "--quality", "low", "--lr", "large", "--theme", "light"]  # fmt: skip
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert (tmp_path / "api.png").read_bytes() == (tmp_path / "cli.png").read_bytes()
    # A DataFrame renders too, named as the user's data, and a second call reuses the file.
    with pytest.warns(UserWarning):
        first = gdanim.render("descent-path", df, x="hours", y="score", output="df.png",
                              format="png", quality="low")  # fmt: skip
    assert first.manifest["dataset"]["columns"] == {"x": "hours", "y": "score"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reused: nothing is loaded, nothing to say
        again = gdanim.render("descent-path", df, x="hours", y="score", output="df.png",
                              format="png", quality="low")  # fmt: skip
    assert again.reused


@pytest.mark.render
def test_the_example_notebook_runs(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    with open(os.path.join(ROOT, "examples", "notebook.ipynb"), encoding="utf-8") as fh:
        nb = nbformat.read(fh, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # stripped
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    shown = nb.cells[7].outputs[0]["data"]
    assert "text/html" in shown and shown["text/html"].startswith("<video controls loop")
    assert (tmp_path / "descent.mp4").is_file()
    assert "no column 'hour'" in nb.cells[8].outputs[0]["text"]


@pytest.mark.render
def test_a_lecture_from_a_plain_script_renders_once(tmp_path):
    # A script without a main guard, as notebooks and quick scripts are: the renders must not
    # import it again in their worker processes.
    (tmp_path / "l.toml").write_text('scenes = ["descent-path", "learning-rates"]\n')
    (tmp_path / "make.py").write_text(
        "import gdanim\n"
        "print('started')\n"
        "report = gdanim.lecture('l.toml', 'out', quality='low', resolution='320x180',"
        " duration=1, pptx=True)\n"
        "print(report.ok, sorted(report.manifest['decks']))\n"
    )
    done = subprocess.run([sys.executable, "make.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["started", "True ['pptx']"]
    assert (tmp_path / "out" / "lecture.mp4").is_file()
    with pytest.raises(gdanim.InputError, match="fps: 500 is outside"):
        gdanim.lecture(tmp_path / "l.toml", tmp_path / "x", fps=500)


def test_signatures_list_every_option_with_its_default():
    import inspect

    from gdanim.config import TRAIN_KEYS

    train = inspect.signature(gdanim.train).parameters
    for key in TRAIN_KEYS:
        assert train[key].kind is inspect.Parameter.KEYWORD_ONLY
    assert train["momentum"].default == 0.9 and train["optimizer"].default == "gd"
    render = inspect.signature(gdanim.render).parameters
    for key in (*TRAIN_KEYS, "format", "quality", "theme", "aspect", "duration", "vary", "preset"):
        assert key in render, key
    assert render["theme"].default == "dark" and render["format"].default == "mp4"
    assert "lr" in inspect.signature(gdanim.scene_inputs).parameters

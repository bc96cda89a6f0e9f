"""Bad input, interruptions, concurrency and odd machines: nothing lost, one line each."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdanim.cli import cli
from gdanim.config import TrainConfig
from gdanim.datasets import Dataset, load_csv
from gdanim.errors import InputError
from gdanim.pipeline import render as render_mod
from gdanim.trainer import train
from tests.scene_tools import video_meta

GDANIM = [sys.executable, "-m", "gdanim"]
SMALL = ["--resolution", "320x180", "--duration", "1", "-q"]


def leftovers(folder) -> list[str]:
    return [f for f in os.listdir(folder) if f.startswith(".gdanim-")]


# ------------------------------------------------------------------ properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(finite, finite), min_size=2, max_size=40), st.sampled_from(",;\t"))
def test_any_finite_table_with_two_distinct_x_loads_or_says_why(tmp_path, rows, sep):
    path = tmp_path / "data.csv"
    path.write_text("a" + sep + "b\n" + "".join(f"{x!r}{sep}{y!r}\n" for x, y in rows))
    xs = np.array([r[0] for r in rows])
    if np.ptp(xs) == 0:
        with pytest.raises(InputError, match="distinct"):
            load_csv(path)
        return
    with np.errstate(under="ignore"):
        spread = float(np.mean((xs - xs.mean()) ** 2))
    if spread < np.finfo(np.float64).tiny:  # x so close together that squares underflow
        with pytest.raises(InputError, match="underflow"):
            load_csv(path)
        return
    ds = load_csv(path)
    assert ds.n == len(rows)
    assert np.array_equal(ds.x, xs)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(min_size=0, max_size=200))
def test_arbitrary_bytes_load_or_fail_with_one_line(tmp_path, blob):
    path = tmp_path / "blob.csv"
    path.write_bytes(blob)
    try:
        ds = load_csv(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        assert str(path) in str(exc)
    else:
        assert ds.n >= 2 and np.isfinite(ds.x).all() and np.isfinite(ds.y).all()


@settings(max_examples=80, deadline=None)
@given(
    st.floats(min_value=1e-12, max_value=1e12, allow_nan=False),
    st.sampled_from(["mse", "half-mse", "mae", "huber"]),
    st.sampled_from(["gd", "sgd", "minibatch", "momentum", "nesterov", "adam"]),
)
def test_any_learning_rate_gives_a_finite_trajectory(lr, loss, optimizer):
    ds = Dataset(np.array([1.0, 2.0, 3.0, 5.0]), np.array([2.0, 4.5, 5.5, 11.0]), "t")
    traj = train(ds, TrainConfig(loss=loss, optimizer=optimizer, lr=lr, epochs=200))
    assert traj.loss is not None
    for arr in (traj.w, traj.b, traj.loss, traj.dw, traj.db):
        assert np.isfinite(arr).all()
    if traj.diverged:
        assert traj.n_updates <= traj.diverged_at <= 200
    else:
        assert traj.n_updates == 200


@pytest.mark.render
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from([1e-9, 3e-3, 0.5, 1e3, 1e9]))
def test_any_learning_rate_renders(runner, tmp_path, lr):
    out = tmp_path / f"lr-{lr}.png"
    args = ["render", "descent-path", "--lr", str(lr), "--epochs", "300", "--format", "png",
            "--resolution", "320x180", "-o", str(out), "-q", "--force"]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


# ------------------------------------------------------------------ interruptions


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.render
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_interrupted_render_leaves_nothing_and_the_next_run_completes(tmp_path, sig):
    out = tmp_path / "a.mp4"
    # Large and long enough to be caught mid-render on a fast machine.
    args = [*GDANIM, "render", "descent-path", "--quality", "low", "--duration", "20",
            "-o", str(out), "-q"]  # fmt: skip
    # Ctrl-C as a terminal delivers it: a suite started in the background (`make test &`)
    # passes its children SIGINT ignored, and a render rightly keeps that.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                            preexec_fn=_default_sigint)  # fmt: skip
    # Wait until manim is writing frames, then interrupt.
    deadline = time.time() + 60
    while time.time() < deadline and not any(
        f.startswith(".gdanim-job-") and os.path.isdir(os.path.join(tmp_path, f, "partial"))
        for f in os.listdir(tmp_path)
    ):
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    assert b"Traceback" not in err
    assert not out.exists()
    assert leftovers(tmp_path) == []
    again = [*args[:-5], "--resolution", "256x144", "--duration", "1", "-o", str(out), "-q"]
    done = subprocess.run(again, cwd=tmp_path)
    assert done.returncode == 0
    assert video_meta(str(out))["frames"] > 10


# ------------------------------------------------------------------ concurrency


@pytest.mark.render
def test_two_renders_at_once_to_different_outputs(tmp_path):
    procs = []
    for name, theme in (("one", "dark"), ("two", "light")):
        args = [*GDANIM, "render", "descent-path", "--theme", theme, "-o",
                str(tmp_path / f"{name}.mp4"), *SMALL]  # fmt: skip
        procs.append(subprocess.Popen(args, stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    for name, theme in (("one", "dark"), ("two", "light")):
        meta = video_meta(str(tmp_path / f"{name}.mp4"))
        assert tuple(meta["size"]) == (320, 180)
        manifest = json.loads((tmp_path / f"{name}.mp4.json").read_text())
        assert manifest["spec"]["theme"] == theme
    assert leftovers(tmp_path) == []


@pytest.mark.render
def test_two_renders_at_once_to_the_same_output_one_wins_whole(tmp_path):
    out = tmp_path / "same.mp4"
    procs = []
    for theme in ("dark", "light"):
        args = [*GDANIM, "render", "descent-path", "--theme", theme, "-o", str(out), *SMALL]
        procs.append(subprocess.Popen(args, stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    meta = video_meta(str(out))
    assert tuple(meta["size"]) == (320, 180)
    assert meta["frames"] > 10
    # The manifest is the winner's: its size and hash are the video's.
    manifest = json.loads((tmp_path / "same.mp4.json").read_text())
    assert manifest["output"]["bytes"] == out.stat().st_size
    assert manifest["output"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ the machine


def test_disk_full_is_one_line_and_exit_2(runner, tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", dst)

    monkeypatch.setattr(render_mod, "atomic_move", full)
    out = tmp_path / "a.png"
    proc_args = ["render", "descent-path", "--format", "png", "--resolution", "320x180",
                 "-o", str(out)]  # fmt: skip
    from gdanim.cli import main

    with pytest.raises(SystemExit) as exc:
        main(proc_args)
    assert exc.value.code == 2
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_unwritable_folder_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    # Root may write anywhere, so the permission answer is simulated.
    monkeypatch.setattr(render_mod.os, "access", lambda path, mode: False)
    from gdanim.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["render", "descent-path", "-o", str(tmp_path / "a.mp4")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "not writable" in err


def test_missing_graphics_libraries_say_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "cairo", None)
    with pytest.raises(InputError, match="libcairo2"):
        render_mod.check_toolchain(needs_latex=False)


def test_missing_latex_says_what_to_install(monkeypatch):
    monkeypatch.setattr(render_mod.shutil, "which", lambda tool: None)
    with pytest.raises(InputError, match="texlive-latex-base"):
        render_mod.check_toolchain(needs_latex=True)


# ------------------------------------------------------------------ same inputs, same bytes


@pytest.mark.render
@pytest.mark.parametrize(
    ("scene", "fmt", "extra"),
    [
        ("learning-rates", "mp4", ["--optimizer", "sgd", "--seed", "4", "--epochs", "200"]),
        ("learning-rates", "gif", []),
        ("hiker-bowl", "mp4", ["--optimizer", "minibatch", "--batch-size", "3", "--seed", "2"]),
        ("derivation", "mp4", ["--optimizer", "sgd", "--seed", "9"]),
        ("hiker-bowl", "png", []),
    ],
)
def test_every_scene_is_deterministic(runner, tmp_path, scene, fmt, extra):
    digests = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.{fmt}"
        args = ["render", scene, "--format", fmt, "--resolution", "256x144", "--fps", "10",
                "--duration", "1", "-o", str(out), "-q", *extra]  # fmt: skip
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        digests.append(out.read_bytes())
    assert digests[0] == digests[1]

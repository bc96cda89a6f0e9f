"""Speed and size benchmarks: gdanim against baselines, as ratios measured in one run.

Machines are shared and noisy, so every case runs ours and its baseline alternately,
``--repeats`` times, and reports the median seconds of each and the ratio of the medians.

Cases
-----
descent-path
    Our scene at 1280x720@30 against the same content written the obvious ways: matplotlib
    ``FuncAnimation`` saved with ffmpeg, and manim with ``always_redraw`` updaters. Both
    baselines draw as many frames as our video has. Goals: <= 0.15x and <= 1.0x.
epochs
    20,000 updates on 200,000 points against 100 updates on 7 points, same duration and
    quality. Goal: <= 1.25x.
hiker-bowl
    Our 3D scene against a naive ``ThreeDScene`` with a shaded 32x32 ``Surface``, same
    duration and quality (480p15). Goal: <= 0.3x.
gif
    Our GIF (palette from the frames) against manim's own GIF output of the same scene: bytes
    and mean absolute error against the lossless frames (lower is truer).
csv
    Loading and training on a 5,000,000-row CSV: rows per second and peak memory.
lecture
    The default lecture at 1080p60 from nothing against ffmpeg re-encoding its joined video
    at libx264's defaults, every frame at 60 fps. Goal: <= 0.55x.
preview
    Each scene's low-quality preview (480p15), the edit loop.
quality
    The lecture's encoding against a lossless one (x264 at qp 0) of the same render of the
    derivation and of hiker-bowl at 1080p60: PSNR and SSIM, and the bytes of each.

Usage: ``python scripts/bench.py [case ...] [--repeats N] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from gdanim.config import RenderSpec  # noqa: E402
from gdanim.media.ffmpeg import ffmpeg_exe  # noqa: E402
from gdanim.media.gif import read_repeats  # noqa: E402
from gdanim.pipeline.prepare import prepare  # noqa: E402
from gdanim.pipeline.render import render  # noqa: E402
from gdanim.pipeline.scene import manim_config, render_scene  # noqa: E402
from gdanim.scenes.registry import SCENES  # noqa: E402

HD = {"width": 1280, "height": 720, "fps": 30}


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(cases: dict[str, Callable[[], Any]], repeats: int) -> dict[str, list[float]]:
    """Run each case ``repeats`` times, interleaved, so load affects all alike."""
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            times[name].append(timed(fn))
    return times


def summary(times: dict[str, list[float]], ours: str) -> dict[str, Any]:
    med = {k: statistics.median(v) for k, v in times.items()}
    out: dict[str, Any] = {"median_seconds": med, "runs": times}
    out["ratios"] = {k: med[ours] / v for k, v in med.items() if k != ours}
    return out


def video_frames(path: str) -> int:
    """Frames shown at the video's nominal rate (a hold written once counts as shown)."""
    from gdanim.media.probe import video_info

    info = video_info(path)
    return round(info.duration * float(Fraction(info.fps)))


# ------------------------------------------------------------------------------ baselines


def matplotlib_descent(spec: RenderSpec, frames: int, out: str) -> None:
    """The descent-path content the obvious matplotlib way: FuncAnimation + ffmpeg."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation

    plt.rcParams["animation.ffmpeg_path"] = ffmpeg_exe()
    inputs = prepare(spec)
    traj, land, ds = inputs.trajectory, inputs.landscape, inputs.dataset
    assert traj.loss is not None
    pos = traj.frame_positions(frames)
    w, h = spec.pixel_size
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=100)
    ax_c = fig.add_axes((0.06, 0.12, 0.42, 0.72))
    ax_d = fig.add_axes((0.57, 0.52, 0.4, 0.32))
    ax_l = fig.add_axes((0.57, 0.12, 0.4, 0.3))
    fig.suptitle(f"Gradient descent on {ds.name}")
    ax_c.contour(land.w_grid, land.b_grid, land.z, levels=land.levels)
    ax_c.plot(*land.optimum, "*")
    (path_line,) = ax_c.plot([], [], "-")
    (marker,) = ax_c.plot([], [], "o")
    ax_d.scatter(ds.x, ds.y, s=8)
    (fit,) = ax_d.plot([], [])
    xs = np.array([ds.x.min(), ds.x.max()])
    ax_l.set_yscale("log")
    ax_l.set_xscale("symlog")
    ax_l.set_xlim(0, traj.n_updates)
    ax_l.set_ylim(traj.loss.min() * 0.8, traj.loss.max() * 1.2)
    (curve,) = ax_l.plot([], [])
    text = fig.text(0.3, 0.02, "")

    def update(i: int) -> None:
        k = int(pos[i])
        path_line.set_data(traj.w[: k + 1], traj.b[: k + 1])
        marker.set_data([traj.w[k]], [traj.b[k]])
        fit.set_data(xs, traj.w[k] * xs + traj.b[k])
        curve.set_data(np.arange(k + 1), traj.loss[: k + 1])
        text.set_text(f"update {k}  w = {traj.w[k]:.4g}  b = {traj.b[k]:.4g}")

    anim = FuncAnimation(fig, update, frames=frames)
    anim.save(out, writer=FFMpegWriter(fps=spec.frame_rate))
    plt.close(fig)


def naive_manim_descent(spec: RenderSpec, frames: int, media: str) -> None:
    """The same content in manim the obvious way: always_redraw for everything that moves."""
    from manim import (
        DOWN,
        LEFT,
        RIGHT,
        UP,
        Axes,
        DecimalNumber,
        Dot,
        Line,
        Scene,
        Text,
        ValueTracker,
        VGroup,
        VMobject,
        always_redraw,
        tempconfig,
    )

    inputs = prepare(spec)
    traj, land, ds = inputs.trajectory, inputs.landscape, inputs.dataset
    assert traj.loss is not None
    pos = traj.frame_positions(frames)
    loss_log = np.log10(traj.loss)
    v = land.view

    class Naive(Scene):
        def construct(self) -> None:
            contour_ax = Axes(
                x_range=[v.w_min, v.w_max, (v.w_max - v.w_min) / 4],
                y_range=[v.b_min, v.b_max, (v.b_max - v.b_min) / 4],
                x_length=5.5,
                y_length=5,
            ).to_edge(LEFT)
            data_ax = Axes(
                x_range=[float(ds.x.min()), float(ds.x.max()), 1],
                y_range=[float(ds.y.min()), float(ds.y.max()), 100],
                x_length=5,
                y_length=2.5,
            ).to_corner(UP + RIGHT)
            loss_ax = Axes(
                x_range=[0, traj.n_updates, traj.n_updates / 4],
                y_range=[float(loss_log.min()), float(loss_log.max()), 1],
                x_length=5,
                y_length=2.5,
            ).to_corner(DOWN + RIGHT)
            for _level, segs in land.contour_paths():
                for seg in segs:
                    m = VMobject().set_points_as_corners([contour_ax.c2p(*p) for p in seg])
                    self.add(m)
            self.add(contour_ax, data_ax, loss_ax, Text(f"Gradient descent on {ds.name}"))
            self.add(
                *[Dot(data_ax.c2p(a, b), radius=0.04) for a, b in zip(ds.x, ds.y, strict=True)]
            )
            t = ValueTracker(0)
            idx = lambda: int(t.get_value())  # noqa: E731
            path = always_redraw(
                lambda: VMobject().set_points_as_corners(
                    [contour_ax.c2p(traj.w[i], traj.b[i]) for i in range(idx() + 1)]
                    + [contour_ax.c2p(traj.w[idx()], traj.b[idx()])]
                )
            )
            dot = always_redraw(lambda: Dot(contour_ax.c2p(traj.w[idx()], traj.b[idx()])))
            fit = always_redraw(
                lambda: Line(
                    data_ax.c2p(ds.x.min(), traj.w[idx()] * ds.x.min() + traj.b[idx()]),
                    data_ax.c2p(ds.x.max(), traj.w[idx()] * ds.x.max() + traj.b[idx()]),
                )
            )
            curve = always_redraw(
                lambda: VMobject().set_points_as_corners(
                    [loss_ax.c2p(i, loss_log[i]) for i in range(idx() + 1)]
                    + [loss_ax.c2p(idx(), loss_log[idx()])]
                )
            )
            readout = always_redraw(
                lambda: (
                    VGroup(
                        DecimalNumber(idx(), num_decimal_places=0),
                        DecimalNumber(traj.w[idx()]),
                        DecimalNumber(traj.b[idx()]),
                    )
                    .arrange(RIGHT)
                    .to_edge(DOWN)
                )
            )
            self.add(path, dot, fit, curve, readout)
            times = np.linspace(0, 1, frames)
            self.play(
                t.animate.set_value(float(traj.n_updates)),
                rate_func=lambda s: float(np.interp(s, times, pos)) / max(traj.n_updates, 1),
                run_time=frames / spec.frame_rate,
            )

    cfg = manim_config(spec, media, quiet=True)
    with tempconfig(cfg):
        Naive().render()


def naive_surface(duration: float, media: str) -> None:
    """A shaded 32x32 Surface in a ThreeDScene with an orbiting camera (the naive bowl)."""
    from manim import DEGREES, Dot3D, Surface, ThreeDScene, ValueTracker, linear, tempconfig

    class Bowl(ThreeDScene):
        def construct(self) -> None:
            self.set_camera_orientation(phi=65 * DEGREES, theta=-60 * DEGREES)
            surf = Surface(
                lambda u, v: np.array([u, v, 0.25 * (u * u + 2 * v * v)]),
                u_range=[-2, 2],
                v_range=[-2, 2],
                resolution=(32, 32),
                checkerboard_colors=["#1f77b4", "#2ca02c"],
            )
            self.add(surf)
            t = ValueTracker(0)
            dot = Dot3D(radius=0.1)
            dot.add_updater(
                lambda m: m.move_to(
                    [2 - t.get_value(), 1 - t.get_value() / 2, 0.25 * (2 - t.get_value()) ** 2]
                )
            )
            self.add(dot)
            self.begin_ambient_camera_rotation(rate=0.15)
            self.play(t.animate.set_value(2.0), run_time=duration, rate_func=linear)

    cfg = manim_config(RenderSpec(quality="low"), media, quiet=True)
    with tempconfig(cfg):
        Bowl().render()


# ------------------------------------------------------------------------------ cases


def case_descent(repeats: int) -> dict[str, Any]:
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    spec = RenderSpec(scene="descent-path", duration=5.0, **HD)
    probe = os.path.join(work, "probe.mp4")
    render(spec, probe, force=True, quiet=True)
    frames = video_frames(probe)

    cases = {
        "gdanim": lambda: render(spec, os.path.join(work, "ours.mp4"), force=True, quiet=True),
        "matplotlib": lambda: matplotlib_descent(spec, frames, os.path.join(work, "mpl.mp4")),
        "naive-manim": lambda: naive_manim_descent(
            spec, frames, tempfile.mkdtemp(dir=work, prefix="naive-")
        ),
    }
    out = summary(alternate(cases, repeats), "gdanim")
    out["frames"] = frames
    out["goals"] = {"matplotlib": 0.15, "naive-manim": 1.0}
    return out


def case_epochs(repeats: int) -> dict[str, Any]:
    """Whole ``gdanim render`` commands, as an instructor runs them: load, train, draw."""
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, 200_000)
    y = 3 * x + 2 + rng.normal(0, 1, x.size)
    big_csv = os.path.join(work, "big.csv")
    table = np.column_stack([x, y])
    np.savetxt(big_csv, table, delimiter=",", header="x,y", comments="", fmt="%.6f")
    common = ["render", "descent-path", "--duration", "5", "--quality", "low", "-q", "--force"]
    gdanim = [sys.executable, "-m", "gdanim"]
    big = [*gdanim, *common, "--data", big_csv, "--epochs", "20000", "--lr", "right"]
    small = [*gdanim, *common, "--dataset", "campaign", "--epochs", "100"]

    def run(args: list[str], out: str) -> None:
        subprocess.run(
            [*args, "-o", os.path.join(work, out)], check=True, cwd=work, stdout=subprocess.DEVNULL
        )

    cases = {
        "20000x200000": lambda: run(big, "big.mp4"),
        "100x7": lambda: run(small, "small.mp4"),
    }
    out = summary(alternate(cases, repeats), "20000x200000")
    out["frames"] = {
        "20000x200000": video_frames(os.path.join(work, "big.mp4")),
        "100x7": video_frames(os.path.join(work, "small.mp4")),
    }
    out["goals"] = {"100x7": 1.25}
    return out


def case_hiker(repeats: int) -> dict[str, Any]:
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    duration = 6.0
    spec = RenderSpec(scene="hiker-bowl", duration=duration, quality="low")
    probe = os.path.join(work, "probe.mp4")
    render(spec, probe, force=True, quiet=True)
    seconds = video_frames(probe) / spec.frame_rate
    cases = {
        "gdanim": lambda: render(spec, os.path.join(work, "ours.mp4"), force=True, quiet=True),
        "naive-surface": lambda: naive_surface(seconds, tempfile.mkdtemp(dir=work)),
    }
    out = summary(alternate(cases, repeats), "gdanim")
    out["video_seconds"] = seconds
    out["goals"] = {"naive-surface": 0.3}
    return out


def _frames_of(path: str) -> np.ndarray:
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(path, pix_fmt="rgb24")
    meta = next(reader)
    w, h = meta["size"]
    return np.stack([np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader])


def case_gif(repeats: int) -> dict[str, Any]:
    """Bytes and fidelity of our GIF and of manim's own, against the lossless frames."""
    import importlib

    from manim import tempconfig
    from PIL import Image

    del repeats  # sizes and errors are deterministic
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    spec = RenderSpec(scene="descent-path", format="gif", duration=4.0)
    ours = os.path.join(work, "ours.gif")
    render(spec, ours, force=True, quiet=True)

    inputs = prepare(spec)
    frames_dir = render_scene(inputs, os.path.join(work, "ref"), quiet=True)
    pngs = [
        np.asarray(Image.open(os.path.join(frames_dir, f)).convert("RGB"))
        for f in sorted(os.listdir(frames_dir))
        if f.endswith(".png")
    ]
    # Ours holds each frame as the scene does and opens on the final one (the loop turned);
    # manim's plays the frames from the first.
    counts = read_repeats(os.path.join(work, "ref")) or [1] * len(pngs)
    timeline = [p for p, k in zip(pngs, counts, strict=True) for _ in range(max(k, 1))]
    last = max(counts[-1], 1)
    refs = {"ours": np.stack(timeline[-last:] + timeline[:-last]), "manim": np.stack(pngs)}
    cfg = manim_config(spec, os.path.join(work, "manim"), quiet=True)
    cfg["format"] = "gif"
    info = SCENES[spec.scene]
    cls = getattr(importlib.import_module(info.module), info.cls)
    with tempconfig(cfg):
        scene = cls(inputs)
        scene.render()
        theirs = str(scene.renderer.file_writer.movie_file_path)

    def error(path: str, ref: np.ndarray) -> float:
        got = _frames_of(path)
        n = min(len(got), len(ref))
        return float(np.mean(np.abs(got[:n].astype(int) - ref[:n].astype(int))))

    result: dict[str, Any] = {
        "ours": {"bytes": os.path.getsize(ours), "mean_abs_error": error(ours, refs["ours"])},
        "manim": {
            "bytes": os.path.getsize(theirs),
            "mean_abs_error": error(theirs, refs["manim"]),
        },
    }
    result["size_ratio"] = result["ours"]["bytes"] / result["manim"]["bytes"]
    return result


_LOAD_CODE = (
    "import time, sys\n"
    "kind, path = sys.argv[1], sys.argv[2]\n"
    "t = time.perf_counter()\n"
    "if kind == 'ours':\n"
    "    from gdanim.datasets import load_table\n"
    "    n = load_table(path).n\n"
    "elif kind == 'numpy':\n"
    "    import numpy as np\n"
    "    n = len(np.loadtxt(path, delimiter=',', skiprows=1))\n"
    "else:\n"
    "    import pandas as pd\n"
    "    n = len(pd.read_csv(path, sep=';', decimal=',').dropna())\n"
    "seconds = time.perf_counter() - t\n"
    # VmHWM: ru_maxrss would carry the (large) parent's peak over across exec.
    "peak = next(int(l.split()[1]) for l in open('/proc/self/status')\n"
    "            if l.startswith('VmHWM')) / 1024\n"
    "print(n, seconds, peak)\n"
)


def _load(kind: str, path: str) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_CODE, kind, path], capture_output=True, text=True, check=True
    )
    n, seconds, peak = out.stdout.split()
    return int(n), float(seconds), float(peak)


def case_csv(repeats: int) -> dict[str, Any]:
    """5,000,000 rows: a clean CSV against numpy's own parser, and a European export with
    1% empty cells (semicolons, decimal commas) against pandas' ``read_csv``; alternating."""
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    clean = os.path.join(work, "rows.csv")
    messy = os.path.join(work, "rows-eu.csv")
    n = 5_000_000
    rng = np.random.default_rng(11)
    with open(clean, "w") as fh, open(messy, "w") as eu:
        fh.write("hours,score\n")
        eu.write("Stunden;Punkte\n")
        for _ in range(n // 500_000):
            x = rng.uniform(0, 40, 500_000)
            y = 1.5 * x + 40 + rng.normal(0, 6, x.size)
            block = np.char.mod("%.4f", np.column_stack([x, y]))
            fh.write("\n".join(",".join(r) for r in block) + "\n")
            cells = np.char.replace(block, ".", ",")
            cells[rng.random(cells.shape) < 0.005] = ""
            eu.write("\n".join(";".join(r) for r in cells) + "\n")
    runs: dict[str, list[tuple[int, float, float]]] = {k: [] for k in ("ours", "numpy")}
    runs.update({"ours_messy": [], "pandas": []})
    for _ in range(repeats):
        runs["ours"].append(_load("ours", clean))
        runs["numpy"].append(_load("numpy", clean))
        runs["ours_messy"].append(_load("ours", messy))
        runs["pandas"].append(_load("pandas", messy))

    def med(key: str, i: int) -> float:
        return float(np.median([r[i] for r in runs[key]]))

    ratio = [a[1] / b[1] for a, b in zip(runs["ours"], runs["numpy"], strict=True)]
    ratio_messy = [a[1] / b[1] for a, b in zip(runs["ours_messy"], runs["pandas"], strict=True)]
    from gdanim.config import TrainConfig
    from gdanim.datasets import load_table
    from gdanim.trainer import train

    ds = load_table(clean)
    t = time.perf_counter()
    train(ds, TrainConfig(epochs=1000, normalize=False))
    t_train = time.perf_counter() - t
    return {
        "rows": runs["ours"][0][0],
        "file_bytes": os.path.getsize(clean),
        "load_seconds": med("ours", 1),
        "peak_memory_mib": med("ours", 2),
        "numpy_loadtxt_seconds": med("numpy", 1),
        "ratio_to_numpy": float(np.median(ratio)),
        "messy_rows_kept": runs["ours_messy"][0][0],
        "messy_load_seconds": med("ours_messy", 1),
        "messy_peak_memory_mib": med("ours_messy", 2),
        "pandas_read_csv_seconds": med("pandas", 1),
        "messy_ratio_to_pandas": float(np.median(ratio_messy)),
        "train_1000_updates_seconds": t_train,
    }


def case_lecture(repeats: int) -> dict[str, Any]:
    """The default lecture at 1080p60 (``make lecture``), from nothing, against a yardstick of
    this machine's speed: ffmpeg re-encoding the joined lecture.mp4 with libx264 at its
    defaults, at its nominal 60 fps (``-fps_mode cfr``: every frame shown is encoded)."""
    from gdanim.media.probe import video_info

    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    gdanim = os.path.join(os.path.dirname(sys.executable), "gdanim")
    out = os.path.join(work, "lecture")

    def lecture() -> None:
        subprocess.run([gdanim, "lecture", "--quality", "high", "-o", out, "--force", "-q"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip

    def reencode() -> None:
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i",
             os.path.join(out, "lecture.mp4"), "-fps_mode", "cfr", "-r", "60", "-c:v",
             "libx264", os.path.join(work, "reencoded.mp4")],
            check=True,
        )  # fmt: skip

    lecture()  # the first run also fills the typesetting cache
    result = summary(alternate({"gdanim": lecture, "ffmpeg-reencode": reencode}, repeats),
                     "gdanim")  # fmt: skip
    joined = os.path.join(out, "lecture.mp4")
    info = video_info(joined)
    result["video_seconds"] = info.duration
    result["kbit_per_s"] = os.path.getsize(joined) * 8 / info.duration / 1000
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    result["scenes"] = {s["name"]: s["render_seconds"] for s in manifest["scenes"]}
    result["goals"] = {"ffmpeg-reencode": 0.55}
    return result


def case_preview(repeats: int) -> dict[str, Any]:
    """Each scene's low-quality preview (480p15), the instructor's edit loop."""
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    cases = {
        scene: (lambda s=scene: render(RenderSpec(scene=s, quality="low"),
                                       os.path.join(work, f"{s}.mp4"), force=True, quiet=True))
        for scene in ("hiker-bowl", "derivation", "descent-path", "learning-rates")
    }  # fmt: skip
    times = alternate(cases, repeats)
    return {"median_seconds": {k: statistics.median(v) for k, v in times.items()}, "runs": times}


def _compare_videos(ours: str, reference: str, metric: str) -> float:
    """ffmpeg's average ``psnr`` (dB) or ``ssim`` (All) of ``ours`` against ``reference``."""
    import re

    run = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", ours, "-i", reference, "-lavfi",
         f"[0:v][1:v]{metric}", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    pattern = r"average:([0-9.inf]+)" if metric == "psnr" else r"All:([0-9.]+)"
    found = re.findall(pattern, run.stderr)
    if not found:
        raise RuntimeError(f"no {metric} in ffmpeg's output")
    return float(found[-1])


def case_quality(repeats: int) -> dict[str, Any]:
    """The lecture's encoder settings against lossless x264 (qp 0) on the same frames."""
    from gdanim.pipeline import scene as render_module

    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    ours_options = dict(render_module.ENCODER_OPTIONS["mp4"])
    lossless = {**ours_options, "qp": "0", "preset": "ultrafast"}
    lossless.pop("crf", None)
    lossless.pop("tune", None)
    out: dict[str, Any] = {"encoder_options": ours_options, "lossless_options": lossless}
    for scene in ("derivation", "hiker-bowl"):
        spec = RenderSpec(scene=scene, quality="high")
        ours = os.path.join(work, f"{scene}.mp4")
        reference = os.path.join(work, f"{scene}-lossless.mp4")
        render(spec, ours, force=True, quiet=True)
        render_module.ENCODER_OPTIONS["mp4"] = lossless
        try:
            render(spec, reference, force=True, quiet=True)
        finally:
            render_module.ENCODER_OPTIONS["mp4"] = ours_options
        out[scene] = {
            "psnr_db": _compare_videos(ours, reference, "psnr"),
            "ssim": _compare_videos(ours, reference, "ssim"),
            "bytes": os.path.getsize(ours),
            "lossless_bytes": os.path.getsize(reference),
        }
    return out


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of the children it waited for."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def case_scenes(repeats: int) -> dict[str, Any]:
    """Each scene of the lessons at 1080p60, in turn: CPU-seconds, and per second of video,
    so that a new scene can be placed among the others on a shared machine (CPU time, unlike
    wall time, hardly moves with the load)."""
    work = tempfile.mkdtemp(prefix="gdanim-bench-")
    cpu: dict[str, list[float]] = {s: [] for s in SCENES if s != "compare"}
    video: dict[str, float] = {}
    for _ in range(repeats):
        for scene in cpu:
            out = os.path.join(work, f"{scene}.mp4")
            start = _cpu_seconds()
            render(RenderSpec(scene=scene, quality="high"), out, force=True, quiet=True)
            cpu[scene].append(_cpu_seconds() - start)
            video[scene] = video_frames(out) / 60.0
    med = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "cpu_seconds": med,
        "video_seconds": video,
        "cpu_per_video_second": {k: med[k] / video[k] for k in med},
        "runs": cpu,
    }


CASES: dict[str, Callable[[int], dict[str, Any]]] = {
    "descent-path": case_descent,
    "epochs": case_epochs,
    "hiker-bowl": case_hiker,
    "gif": case_gif,
    "csv": case_csv,
    "lecture": case_lecture,
    "preview": case_preview,
    "quality": case_quality,
    "scenes": case_scenes,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"any of {', '.join(CASES)}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    results = {}
    for name in args.cases or list(CASES):
        print(f"== {name}", flush=True)
        results[name] = CASES[name](args.repeats)
        print(json.dumps(results[name], indent=1, default=float), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1, default=float)


if __name__ == "__main__":
    main()

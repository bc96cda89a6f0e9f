"""``gdanim lecture``: the lecture pack, every scene rendered in parallel and joined.

A lecture is an ordered list of scenes, each a :class:`~gdanim.spec.RenderSpec`. The built-in
one is the four scenes on the ``campaign`` data; a TOML file sets another (schema below). Each
render is a job: a pure function of its spec (:func:`run_job`), run in a pool of processes or on
a Dask distributed cluster, each in its own media folder. Into the output folder go each scene's
video with its captions (.srt and .vtt), the joined ``lecture.mp4`` with its captions, GIFs and a
reveal.js deck when asked, ``manifest.json`` and an ``index.html`` that plays it all offline.

Lecture file schema (TOML; every key optional but the scenes' names)::

    title = "Gradient descent"           # the page's and the deck's title
    # Defaults for every scene:
    dataset = "campaign"                 # a built-in dataset, or:
    # data = "grades.csv"                # a table (relative to this file): CSV/TSV or
    #                                    #   .xlsx/.ods, with
    # x = "hours"                        #   its columns: header names or 0-based indices
    # y = "score"
    # sheet = "data"                     #   a spreadsheet's sheet (default: the first)
    # missing = "skip"                   #   rows missing x or y: "skip" or "error"
    loss = "mse"                         # mse, half-mse, mae, huber
    optimizer = "gd"                     # gd, sgd, minibatch, momentum, nesterov, adam
    lr = 0.01                            # a number or "small", "right", "large"
    epochs = 1500
    init = [0.0, 0.0]                    # the start (w, b)
    l2 = 0.0                             # ridge penalty on w
    delta = 1.0                          # Huber's threshold
    momentum = 0.9                       # momentum / Nesterov beta, Adam beta1
    batch_size = 16                      # minibatch size
    seed = 0                             # sgd / minibatch sampling
    # normalize = true                   # standardise x (default: own data that needs it)
    # trajectory = "run.json"            # draw a recorded run instead of training
    lrs = [0.001, "right", 0.04]         # the learning-rates scene's rates (2 to 4)
    theme = "dark"                       # dark, light
    quality = "high"                     # low, medium, high, 4k
    resolution = "1280x720"              # instead of quality
    fps = 30
    aspect = "16:9"                      # 16:9, 4:3, 1:1, 9:16
    duration = 8.0                       # seconds the descent takes on screen
    gif = false                          # also a GIF per scene
    slides = false                       # also a reveal.js deck

    # The scenes, in order: a list of names, e.g. scenes = ["hiker-bowl", "derivation"],
    # or [[scenes]] tables, each overriding the defaults above for its scene:
    [[scenes]]
    scene = "hiker-bowl"
    [[scenes]]
    scene = "descent-path"
    name = "descent-housing"             # output file name (default: the scene's name)
    dataset = "housing"
    [[scenes]]
    scene = "learning-rates"
    lrs = [0.001, 0.01, 0.04]

Without ``scenes``, the four built-in scenes in their usual order. A scene that sets any
of ``dataset``, ``data``, ``x``, ``y`` takes none of the file's data keys. Options given on the
command line (quality, theme, aspect, resolution, fps, duration) apply to every scene. Errors
name the key, ``scenes[N]`` counting from 1 as the tables appear in the file.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import IO, Any

from . import captions, interrupts, numbers
from .errors import InputError
from .fileio import atomic_write_text, private_dir
from .render import read_json
from .spec import ASPECTS, QUALITIES, SCENES, THEMES, RenderSpec, parse_resolution
from .trainer import MAX_EPOCHS, REGIMES, TrainConfig

DEFAULT_TITLE = "Gradient descent on linear regression"
DEFAULT_SCENES = ("hiker-bowl", "derivation", "descent-path", "learning-rates")
DEFAULT_DATASET = "campaign"
DEFAULT_DIR = os.path.join("media", "lecture")
JOINED = "lecture"
#: Output names the lecture's own files use.
RESERVED = frozenset({JOINED, "index", "manifest", "slides"})
#: GIFs are for slides: this quality unless a resolution is set.
GIF_QUALITY = "low"
#: Where in a scene the page's still of it is taken (fraction of its length): past the middle,
#: where the run has done most of its work.
POSTER_AT = 0.75
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


# --------------------------------------------------------------------------------------------
# The lecture


@dataclass(frozen=True)
class LectureScene:
    """One scene of a lecture: its output name (file stem) and its spec."""

    name: str
    spec: RenderSpec


@dataclass(frozen=True)
class Lecture:
    """An ordered list of scenes and how the pack is written."""

    scenes: tuple[LectureScene, ...]
    title: str = DEFAULT_TITLE
    source: str | None = None
    gif: bool = False
    slides: bool = False


def default_lecture() -> Lecture:
    """The four scenes on the default dataset."""
    return Lecture(
        tuple(LectureScene(s, RenderSpec(scene=s, dataset=DEFAULT_DATASET)) for s in DEFAULT_SCENES)
    )


class _Bad(Exception):
    """A value that fails its check; the message says why, the caller says where."""


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return str(v)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _choice(options: Sequence[str]) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, str) or v not in options:
            raise _Bad(f"{_show(v)} is not one of {', '.join(options)}")
        return v

    return check


def _number(lo: float | None = None, hi: float | None = None, *, lo_open: bool = False,
            hi_open: bool = False) -> Callable[[Any], Any]:  # fmt: skip
    def check(v: Any) -> Any:
        if not _is_number(v):
            raise _Bad(f"{_show(v)} is not a number")
        below = lo is not None and (v <= lo if lo_open else v < lo)
        above = hi is not None and (v >= hi if hi_open else v > hi)
        if below or above:
            left = "(" if lo_open else "["
            right = ")" if hi_open else "]"
            span = f"{left}{'-inf' if lo is None else f'{lo:g}'}, "
            span += f"{'inf' if hi is None else f'{hi:g}'}{right}"
            raise _Bad(f"{_show(v)} is outside {span}")
        return float(v)

    return check


def _integer(lo: int | None = None, hi: int | None = None) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, int) or isinstance(v, bool):
            raise _Bad(f"{_show(v)} is not a whole number")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise _Bad(f"{v} is outside [{lo if lo is not None else '-inf'}, "
                       f"{hi if hi is not None else 'inf'}]")  # fmt: skip
        return v

    return check


def _boolean(v: Any) -> Any:
    if not isinstance(v, bool):
        raise _Bad(f"{_show(v)} is not true or false")
    return v


def _text(v: Any) -> Any:
    if not isinstance(v, str) or not v.strip():
        raise _Bad(f"{_show(v)} is not a non-empty string")
    return v


def _rate(v: Any) -> Any:
    if isinstance(v, str):
        if v in REGIMES:
            return v
        raise _Bad(f"{_show(v)} is not a number nor one of {', '.join(REGIMES)}")
    if not _is_number(v) or v <= 0:
        raise _Bad(f"{_show(v)} must be a number > 0 or one of {', '.join(REGIMES)}")
    return float(v)


def _rates(v: Any) -> Any:
    if not isinstance(v, list) or not 2 <= len(v) <= 4:
        raise _Bad(f"{_show(v)}: give 2 to 4 learning rates, e.g. [0.001, 0.01, 0.04]")
    return tuple(_rate(x) for x in v)


def _point(v: Any) -> Any:
    if not isinstance(v, list) or len(v) != 2 or not all(_is_number(x) for x in v):
        raise _Bad(f"{_show(v)} is not two numbers [w, b]")
    return (float(v[0]), float(v[1]))


def _column(v: Any) -> Any:
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return str(v)
    return _text(v)


def _resolution(v: Any) -> Any:
    if not isinstance(v, str):
        raise _Bad(f'{_show(v)} is not a string like "1280x720"')
    try:
        return parse_resolution(v)
    except InputError as exc:
        raise _Bad(str(exc).split(": ", 1)[-1]) from None


def _checkers() -> dict[str, Callable[[Any], Any]]:
    from .datasets import DATASETS
    from .losses import LOSSES
    from .optimizers import OPTIMIZERS

    return {
        "dataset": _choice(sorted(DATASETS)),
        "data": _text,
        "x": _column,
        "y": _column,
        "sheet": _column,
        "missing": _choice(["skip", "error"]),
        "trajectory": _text,
        "loss": _choice(sorted(LOSSES)),
        "optimizer": _choice(sorted(OPTIMIZERS)),
        "lr": _rate,
        "epochs": _integer(0, MAX_EPOCHS),
        "init": _point,
        "l2": _number(0),
        "delta": _number(0, lo_open=True),
        "momentum": _number(0, 1, hi_open=True),
        "batch_size": _integer(1),
        "seed": _integer(),
        "normalize": _boolean,
        "lrs": _rates,
        "theme": _choice(THEMES),
        "quality": _choice(list(QUALITIES)),
        "resolution": _resolution,
        "fps": _integer(1, 120),
        "aspect": _choice(list(ASPECTS)),
        "duration": _number(0.5, 600),
    }


#: Keys of the file's top level only, and of a scene table only.
TOP_KEYS = ("title", "scenes", "gif", "slides")
SCENE_KEYS = ("scene", "name")
#: A scene that sets one of these takes none of the file's.
DATA_KEYS = ("dataset", "data", "x", "y", "sheet", "missing")
PATH_KEYS = ("data", "trajectory")
#: Scenes that draw several runs side by side, from ``lrs``.
LRS_SCENES = ("learning-rates",)


def _unknown(key: str, known: Iterable[str], elsewhere: str | None) -> str:
    if elsewhere:
        return f"{elsewhere}"
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return "unknown key" + (f" (did you mean {close[0]}?)" if close else "")


class _Where:
    """Builds ``FILE: KEY: message`` lines."""

    def __init__(self, file: str) -> None:
        self.file = file

    def __call__(self, key: str, message: str) -> InputError:
        return InputError(f"{self.file}: {key}: {message}")


def load_lecture(path: str) -> Lecture:
    """Read and check a lecture file; any problem is one :class:`InputError` line."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise InputError(f"{path}: reading TOML needs Python 3.11+ or tomli") from None
    if os.path.isdir(path):
        raise InputError(f"{path}: is a folder; give a lecture .toml file")
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    return parse_lecture(doc, path, os.path.dirname(os.path.abspath(path)))


def _values(
    table: dict[str, Any], prefix: str, where: _Where, base_dir: str, allowed: Sequence[str],
    misplaced: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    """Check every key of ``table`` against the spec keys plus ``allowed``."""
    checkers = _checkers()
    out: dict[str, Any] = {}
    for key, value in table.items():
        label = f"{prefix}{key}"
        if key in allowed:
            continue
        if key not in checkers:
            known = [*checkers, *allowed]
            raise where(label, _unknown(key, known, misplaced.get(key)))
        try:
            checked = checkers[key](value)
        except _Bad as exc:
            raise where(label, str(exc)) from None
        if key in PATH_KEYS:
            full = os.path.normpath(os.path.join(base_dir, os.path.expanduser(checked)))
            if not os.path.exists(full):
                raise where(label, f"{_show(value)}: no such file ({full})")
            if os.path.isdir(full):
                raise where(label, f"{_show(value)} is a folder ({full})")
            checked = full
        out[key] = checked
    return out


def parse_lecture(doc: dict[str, Any], file: str = "lecture.toml", base_dir: str = ".") -> Lecture:
    """A lecture from a parsed TOML document; paths are relative to ``base_dir``."""
    where = _Where(file)
    top = _values(
        doc,
        "",
        where,
        base_dir,
        TOP_KEYS,
        {k: "only inside a [[scenes]] table" for k in SCENE_KEYS},
    )
    title = DEFAULT_TITLE
    if "title" in doc:
        try:
            title = _text(doc["title"]).strip()
        except _Bad as exc:
            raise where("title", str(exc)) from None
    flags = {}
    for key in ("gif", "slides"):
        try:
            flags[key] = _boolean(doc.get(key, False))
        except _Bad as exc:
            raise where(key, str(exc)) from None

    items = doc.get("scenes", list(DEFAULT_SCENES))
    if not isinstance(items, list):
        raise where(
            "scenes",
            "expected a list of scene names or [[scenes]] tables, e.g. scenes = "
            '["hiker-bowl", "descent-path"]',
        )
    if not items:
        raise where("scenes", "the lecture has no scenes")
    if "dataset" not in top and "data" not in top:
        top["dataset"] = DEFAULT_DATASET

    scenes: list[LectureScene] = []
    used: dict[str, str] = {}
    pick_scene = _choice(list(SCENES))
    for i, item in enumerate(items, 1):
        label = f"scenes[{i}]"
        if isinstance(item, str):
            item = {"scene": item}
            scene_key = label
        elif isinstance(item, dict):
            scene_key = f"{label}.scene"
        else:
            raise where(label, f"{_show(item)} is neither a scene name nor a table")
        if "scene" not in item:
            raise where(label, f'needs scene = "NAME" (one of {", ".join(SCENES)})')
        try:
            scene = pick_scene(item["scene"])
        except _Bad as exc:
            raise where(scene_key, str(exc)) from None
        own = _values(
            item,
            f"{label}.",
            where,
            base_dir,
            SCENE_KEYS,
            {k: "only at the top of the file" for k in TOP_KEYS},
        )
        name = item.get("name")
        if name is not None:
            if not isinstance(name, str) or not _NAME.match(name):
                raise where(
                    f"{label}.name",
                    f"{_show(name)}: use letters, digits, '.', '_' and '-' (a file name)",
                )
            if name in RESERVED:
                raise where(f"{label}.name", f"{name!r} is the lecture's own file name")
            if name in used:
                raise where(f"{label}.name", f"{name!r} is already used by {used[name]}")
        else:
            name = scene
            n = 2
            while name in used or name in RESERVED:
                name = f"{scene}-{n}"
                n += 1
        used[name] = label
        merged = dict(top)
        if any(k in own for k in DATA_KEYS):
            for k in DATA_KEYS:
                merged.pop(k, None)
        merged.update(own)
        origin = {k: (f"{label}.{k}" if k in own else k) for k in merged}
        spec = _spec_of(scene, merged, origin, where, label)
        scenes.append(LectureScene(name, spec))
    return Lecture(tuple(scenes), title, file, flags["gif"], flags["slides"])


def _spec_of(
    scene: str, v: dict[str, Any], origin: dict[str, str], where: _Where, label: str
) -> RenderSpec:
    """The render spec of one scene from its checked values."""
    from .spec import load_spec_data

    if "dataset" in v and "data" in v:
        raise where(origin["data"], "give dataset or data, not both")
    for col in ("x", "y"):
        if col in v and "data" not in v:
            raise where(origin[col], "chooses a column of data = FILE; no data file is set")
    if "lrs" in v and scene not in LRS_SCENES:
        if origin["lrs"] != "lrs":
            raise where(origin["lrs"], f"only {', '.join(LRS_SCENES)} takes lrs")
        v = {k: x for k, x in v.items() if k != "lrs"}
    if "lrs" in v and "trajectory" in v:
        raise where(origin["lrs"], "trains its own runs; it does not go with trajectory")
    try:
        train = TrainConfig(
            loss=v.get("loss"),
            optimizer=v.get("optimizer", "gd"),
            lr=v.get("lr"),
            epochs=v.get("epochs"),
            init=v.get("init"),
            l2=v.get("l2", 0.0),
            delta=v.get("delta", 1.0),
            momentum=v.get("momentum", 0.9),
            batch_size=v.get("batch_size", 16),
            seed=v.get("seed", 0),
            normalize=v.get("normalize"),
        )
        width, height = v.get("resolution", (None, None))
        spec = RenderSpec(
            scene=scene,
            dataset=v.get("dataset"),
            data_path=v.get("data"),
            x_col=v.get("x"),
            y_col=v.get("y"),
            sheet=v.get("sheet"),
            missing=v.get("missing", "skip"),
            train=train,
            trajectory_path=v.get("trajectory"),
            lrs=v.get("lrs"),
            quality=v.get("quality"),
            width=width,
            height=height,
            fps=v.get("fps"),
            aspect=v.get("aspect", "16:9"),
            theme=v.get("theme", "dark"),
            duration=v.get("duration", 8.0),
            format="mp4",
        )
    except (ValueError, InputError) as exc:
        raise where(label, str(exc)) from None
    if spec.data_path:
        try:
            load_spec_data(spec)
        except InputError as exc:
            raise where(origin["data"], str(exc)) from None
    return spec


def with_options(
    lecture: Lecture,
    *,
    quality: str | None = None,
    theme: str | None = None,
    aspect: str | None = None,
    resolution: str | None = None,
    fps: int | None = None,
    duration: float | None = None,
) -> Lecture:
    """The command line's output options applied to every scene."""
    change: dict[str, Any] = {}
    if quality is not None:
        change.update(quality=quality, width=None, height=None)
    if resolution is not None:
        change["width"], change["height"] = parse_resolution(resolution)
    for key, value in (("theme", theme), ("aspect", aspect), ("fps", fps), ("duration", duration)):
        if value is not None:
            change[key] = value
    if not change:
        return lecture
    return replace(
        lecture, scenes=tuple(replace(s, spec=replace(s.spec, **change)) for s in lecture.scenes)
    )


# --------------------------------------------------------------------------------------------
# Jobs: each a pure function of its spec


@dataclass(frozen=True)
class Job:
    """One render: ``kind`` is ``video`` (mp4), ``gif`` or ``slides`` (a manim-slides part)."""

    name: str
    kind: str
    spec: RenderSpec
    output: str
    force: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} (slides)" if self.kind == "slides" else os.path.basename(self.output)


def plan(
    lecture: Lecture, out_dir: str, *, gif: bool = False, slides: bool = False, force: bool = False
) -> list[Job]:
    """The lecture's jobs: the videos in lecture order, then the GIFs and the slide parts."""
    out = os.path.abspath(out_dir)
    jobs = [
        Job(s.name, "video", s.spec, os.path.join(out, f"{s.name}.mp4"), force)
        for s in lecture.scenes
    ]
    if gif or lecture.gif:
        for s in lecture.scenes:
            spec = replace(s.spec, format="gif")
            if spec.width is None:
                spec = replace(spec, quality=GIF_QUALITY)
            jobs.append(Job(s.name, "gif", spec, os.path.join(out, f"{s.name}.gif"), force))
    if slides or lecture.slides:
        for s in lecture.scenes:
            jobs.append(Job(s.name, "slides", s.spec, os.path.join(out, "slides"), force))
    return jobs


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:397] + "..."


def run_job(job: Job) -> dict[str, Any]:
    """Render one job; never raises (an error is returned as one line).

    A pure function of ``job``: the same spec gives the same file, and a file whose manifest
    has the spec's key is reused. Picklable both ways, so it runs in a process pool or on a
    Dask worker alike.
    """
    import socket

    wall = time.time()
    start = time.perf_counter()
    cpu = _cpu_seconds()
    out: dict[str, Any] = {
        "name": job.name,
        "kind": job.kind,
        "output": job.output,
        "error": None,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    try:
        interrupts.check()
        if job.kind == "slides":
            from .slides import render_slides

            out.update(render_slides(job.spec, job.output, job.name, force=job.force))
        else:
            from .render import render

            result = render(job.spec, job.output, force=job.force, quiet=True)
            out.update(
                path=result.path,
                manifest_path=result.manifest_path,
                reused=result.reused,
                seconds=result.seconds,
                key=result.manifest.get("key"),
                manifest=result.manifest,
            )
            srt = captions.sibling(result.path, "srt")
            # A fresh render without subcaptions leaves the last render's captions behind.
            if not result.reused and os.path.isfile(srt) and os.path.getmtime(srt) < wall - 1:
                os.unlink(srt)
    except Exception as exc:
        out["error"] = _one_line(exc)
        if os.environ.get("GDANIM_DEBUG"):
            out["traceback"] = traceback.format_exc()
    out["wall_seconds"] = round(time.perf_counter() - start, 3)
    out["cpu_seconds"] = round(_cpu_seconds() - cpu, 3)
    return out


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (ffmpeg)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return time.process_time()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _failed(job: Job, exc: BaseException) -> dict[str, Any]:
    return {"name": job.name, "kind": job.kind, "output": job.output, "error": _one_line(exc)}


Done = Callable[[Job, dict[str, Any]], None]


def run_local(jobs: Sequence[Job], workers: int, on_done: Done) -> None:
    """Run the jobs in ``workers`` processes (in this one when 1)."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_done(job, run_job(job))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # A fresh interpreter per worker: manim keeps global state, and fork would copy threads.
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=ctx, initializer=_worker_init
    )
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # a worker that died (BrokenProcessPool)
                outcome = _failed(job, exc)
            on_done(job, outcome)
    except BaseException:
        _interrupt(pool)
        raise
    pool.shutdown()


def _worker_init() -> None:
    """A pool worker's Ctrl-C stops its job (which cleans up) and every job queued after it:
    :func:`run_job` checks for a stop that was asked for before it starts."""
    interrupts.install()


def _interrupt(pool: Any) -> None:
    """Stop the pool: queued jobs are dropped, running ones get Ctrl-C and clean up."""
    import signal

    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(OSError, ValueError):
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGINT)
    for proc in processes:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()


def check_dask() -> None:
    """One line when the Dask extra is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(
            "--scheduler needs Dask's distributed scheduler: pip install 'gdanim[dask]'"
        ) from None


def run_dask(jobs: Sequence[Job], address: str, on_done: Done) -> None:
    """Send the jobs to the Dask scheduler at ``address``.

    The workers need gdanim installed and the output folder on a file system they share.
    """
    check_dask()
    import uuid

    from distributed import Client, as_completed

    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {address}: cannot connect ({_one_line(exc)})") from None
    run = uuid.uuid4().hex[:8]
    with client:
        futures = {}
        for i, job in enumerate(jobs):
            key = f"gdanim-{job.kind}-{job.name}-{run}-{i}"
            futures[client.submit(run_job, job, key=key, pure=False, retries=0)] = job
        for fut in as_completed(list(futures), loop=client.loop):
            job = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # the worker died or could not unpickle the job
                outcome = _failed(job, exc)
            on_done(job, outcome)


# --------------------------------------------------------------------------------------------
# Progress: one line over the jobs


class Progress:
    """One status line on a terminal; one line per finished job otherwise (logs, CI)."""

    def __init__(self, jobs: Sequence[Job], stream: IO[str], workers: int | None, quiet: bool):
        self.jobs = list(jobs)
        self.stream = stream
        self.workers = workers
        self.quiet = quiet
        self.tty = bool(getattr(stream, "isatty", lambda: False)()) and not quiet
        self.finished: dict[int, dict[str, Any]] = {}
        self.start = time.perf_counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = shutil.get_terminal_size((100, 20)).columns

    def __enter__(self) -> Progress:
        if self.tty:
            self._draw()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self.tty:
            with self._lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                self._draw()

    def _line(self) -> str:
        n = len(self.jobs)
        done = len(self.finished)
        failed = sum(1 for o in self.finished.values() if o.get("error"))
        reused = sum(1 for o in self.finished.values() if o.get("reused"))
        width = 20
        filled = round(width * done / n) if n else width
        bar = "#" * filled + "-" * (width - filled)
        pending = [j for i, j in enumerate(self.jobs) if i not in self.finished]
        if self.workers:
            running = ", ".join(j.label for j in pending[: self.workers])
            now = f" · rendering {running}" if running else ""
        else:
            now = f" · {len(pending)} on the cluster" if pending else ""
        elapsed = int(time.perf_counter() - self.start)
        extra = f", {reused} reused" if reused else ""
        extra += f", {failed} failed" if failed else ""
        return f"lecture [{bar}] {done}/{n}{extra}{now} · {elapsed // 60}:{elapsed % 60:02d}"

    def _draw(self) -> None:
        line = self._line()
        if len(line) > self._width - 1:
            line = line[: self._width - 2] + "…"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()

    def say(self, text: str) -> None:
        """A message line above the status line."""
        with self._lock:
            if self.tty:
                self.stream.write("\r\x1b[K")
            self.stream.write(text + "\n")
            if self.tty:
                self._draw()
            self.stream.flush()

    def done(self, job: Job, outcome: dict[str, Any]) -> None:
        index = next(
            i for i, j in enumerate(self.jobs) if j is job or (j == job and i not in self.finished)
        )
        with self._lock:
            self.finished[index] = outcome
        count = f"[{len(self.finished)}/{len(self.jobs)}]"
        if outcome.get("error"):
            self.say(f"lecture: {count} {job.label} failed: {outcome['error']}")
            if outcome.get("traceback"):  # GDANIM_DEBUG=1
                self.say(str(outcome["traceback"]).rstrip())
        elif not self.quiet and not self.tty:
            seconds = float(outcome.get("seconds", 0.0))
            how = "reused" if outcome.get("reused") else f"rendered in {seconds:.1f} s"
            self.say(f"lecture: {count} {job.label} {how}")
        elif self.tty:
            with self._lock:
                self._draw()


# --------------------------------------------------------------------------------------------
# Assembly: durations, captions, the joined video, the page


@dataclass(frozen=True)
class VideoInfo:
    """What joining needs to know of a video file."""

    codec: str
    width: int
    height: int
    fps: str
    pix_fmt: str
    time_base: str
    duration: float
    frames: int

    @property
    def joinable(self) -> tuple[str, int, int, str, str, str]:
        return (self.codec, self.width, self.height, self.fps, self.pix_fmt, self.time_base)


def video_info(path: str) -> VideoInfo:
    """Codec, size, rate, pixel format and duration, read back from the file."""
    import av

    with av.open(path) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if container.duration is not None:
            duration = float(container.duration) / 1_000_000
        elif stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        else:  # pragma: no cover - every file gdanim writes has one
            raise RuntimeError(f"{path}: no duration")
        return VideoInfo(
            codec=str(ctx.name),
            width=int(ctx.width),
            height=int(ctx.height),
            fps=str(stream.guessed_rate or stream.base_rate or stream.average_rate),
            pix_fmt=str(ctx.pix_fmt),
            time_base=str(stream.time_base),
            duration=duration,
            frames=int(stream.frames or 0),
        )


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def join_videos(paths: Sequence[str], infos: Sequence[VideoInfo], dest: str) -> str:
    """Play ``paths`` one after another into ``dest``, atomically; returns the method.

    ``copy`` when every part has the same codec, size, rate, pixel format and time base (the
    concat demuxer, no re-encode); ``reencode`` otherwise (each part scaled and padded to the
    first one's size and rate, then concatenated).
    """
    if not paths:
        raise ValueError("nothing to join")
    first = infos[0]
    same = all(i.joinable == first.joinable for i in infos)
    with private_dir(dest) as tmp:
        part = os.path.join(tmp, "joined.mp4")
        base = [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
        if same:
            listing = os.path.join(tmp, "parts.txt")
            with open(listing, "w", encoding="utf-8") as fh:
                for p in paths:
                    quoted = os.path.abspath(p).replace("'", "'\\''")
                    fh.write(f"file '{quoted}'\n")
            cmd = [*base, "-f", "concat", "-safe", "0", "-i", listing, "-map", "0:v", "-c", "copy"]
            method = "copy"
        else:
            w, h = first.width, first.height
            fps = first.fps
            chains = []
            inputs: list[str] = []
            for k, p in enumerate(paths):
                inputs += ["-i", os.path.abspath(p)]
                chains.append(
                    f"[{k}:v]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                    f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,fps={fps},setsar=1,format=yuv420p[v{k}]"
                )
            graph = ";".join(chains) + ";" + "".join(f"[v{k}]" for k in range(len(paths)))
            graph += f"concat=n={len(paths)}:v=1:a=0[out]"
            cmd = [*base, *inputs, "-filter_complex", graph, "-map", "[out]", "-c:v", "libx264",
                   "-crf", "20", "-preset", "veryfast", "-pix_fmt", "yuv420p"]  # fmt: skip
            method = "reencode"
        cmd += ["-movflags", "+faststart", "-f", "mp4", part]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not os.path.isfile(part) or os.path.getsize(part) == 0:
            msg = " ".join((done.stderr or "").split())[-300:]
            raise RuntimeError(f"ffmpeg could not join the scenes: {msg or 'no output'}")
        os.replace(part, dest)
    return method


def poster(video: str, at: float) -> str | None:
    """A still of ``video`` at ``at`` seconds beside it (``NAME.jpg``) for the page; kept while
    newer than the video. ``None`` if ffmpeg cannot make one (the page does without)."""
    dest = os.path.splitext(video)[0] + ".jpg"
    if os.path.isfile(dest) and os.path.getmtime(dest) >= os.path.getmtime(video):
        return dest
    with private_dir(dest) as tmp:
        part = os.path.join(tmp, "poster.jpg")
        seek = f"{max(0.0, at):.3f}"
        cmd = [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-ss", seek, "-i", video, "-frames:v", "1", "-q:v", "3", part]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, check=False)
        if done.returncode != 0 or not os.path.isfile(part):
            return None
        os.replace(part, dest)
    return dest


def _num(v: float) -> str:
    return numbers.fmt(v)


def run_sentences(manifest: dict[str, Any]) -> list[str]:
    """One sentence per run, from the numbers the render recorded."""
    out = []
    for run in manifest.get("runs", []):
        lr = float(run.get("lr") or 0.0)
        label = str(run.get("label", ""))
        name = f"Learning rate {numbers.fmt(lr, 3)}" + (f" ({label})" if label in REGIMES else "")
        if run.get("diverged_at"):
            stop = numbers.count(int(run["diverged_at"]))
            out.append(f"{name}: the run diverges; it is stopped at update {stop}.")
            continue
        final = run.get("final", {})
        text = (
            f"{name}: w = {_num(final.get('w', 0.0))}, b = {_num(final.get('b', 0.0))} after "
            f"{numbers.count(int(run.get('updates', 0)))} updates"
        )
        if final.get("loss") is not None:
            text += f", loss {_num(final['loss'])}"
        out.append(text + ".")
    return out


def generated_captions(manifest: dict[str, Any], duration: float) -> list[captions.Cue]:
    """Captions for a scene that has none of its own: its runs' numbers, in equal turns."""
    sentences = run_sentences(manifest)
    if not sentences or duration <= 0:
        return []
    step = duration / len(sentences)
    return [
        captions.Cue(round(i * step, 3), round((i + 1) * step, 3), s)
        for i, s in enumerate(sentences)
    ]


@dataclass
class SceneResult:
    """What became of one scene of the lecture."""

    name: str
    spec: RenderSpec
    video: dict[str, Any] | None = None
    gif: dict[str, Any] | None = None
    slides: dict[str, Any] | None = None
    info: VideoInfo | None = None
    cues: list[captions.Cue] = field(default_factory=list)
    caption_source: str = ""
    poster: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.video is not None and not self.video.get("error") and self.info is not None


def _scene_captions(result: SceneResult) -> None:
    """The scene's own subcaptions, else captions made from its run numbers; .srt and .vtt."""
    assert result.video is not None and result.info is not None
    path = result.video["path"]
    srt = captions.sibling(path, "srt")
    generated = generated_captions(result.video.get("manifest", {}), result.info.duration)
    cues: list[captions.Cue] = []
    if os.path.isfile(srt):
        cues = captions.read(srt)
    if cues and captions.to_srt(cues) != captions.to_srt(generated):
        result.caption_source = "scene"
    else:
        cues = generated
        result.caption_source = "run numbers"
        captions.write(srt, cues)
    captions.write(captions.sibling(path, "vtt"), cues)
    result.cues = cues


def _json_key(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


@dataclass
class LectureReport:
    """The outcome of :func:`make_lecture`."""

    out_dir: str
    manifest: dict[str, Any]
    failures: list[dict[str, str]]

    @property
    def index(self) -> str:
        return os.path.join(self.out_dir, "index.html")

    @property
    def ok(self) -> bool:
        return not self.failures


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def check_out_dir(out_dir: str) -> str:
    """Create the output folder; one line when it cannot be."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise InputError(f"{out_dir}: is a file; -o takes a folder")
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the folder ({exc.strerror})") from None
    if not os.access(out_dir, os.W_OK):
        raise InputError(f"{out_dir}: the folder is not writable")
    return os.path.abspath(out_dir)


def make_lecture(
    lecture: Lecture,
    out_dir: str,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    gif: bool = False,
    slides: bool = False,
    force: bool = False,
    quiet: bool = False,
    stream: IO[str] | None = None,
) -> LectureReport:
    """Render the lecture into ``out_dir`` and write the pack; see the module docstring."""
    stream = stream or sys.stderr
    gif = gif or lecture.gif
    slides = slides or lecture.slides
    if slides:
        from .slides import check_available

        check_available()
    if scheduler:
        check_dask()
    out = check_out_dir(out_dir)
    workers = None if scheduler else (jobs or _cores())
    todo = plan(lecture, out, gif=gif, slides=slides, force=force)
    results = {s.name: SceneResult(s.name, s.spec) for s in lecture.scenes}
    failures: list[dict[str, str]] = []
    started = time.perf_counter()
    cpu0 = _cpu_seconds()
    with Progress(todo, stream, workers, quiet) as progress:

        def on_done(job: Job, outcome: dict[str, Any]) -> None:
            setattr(results[job.name], job.kind, outcome)
            if outcome.get("error"):
                failures.append({"name": job.name, "kind": job.kind, "error": outcome["error"]})
            progress.done(job, outcome)

        if scheduler:
            run_dask(todo, scheduler, on_done)
        else:
            run_local(todo, workers or 1, on_done)
    render_wall = time.perf_counter() - started

    # Read each video back: its real duration sets the caption offsets of the joined video.
    ordered = [results[s.name] for s in lecture.scenes]
    for r in ordered:
        if r.video is None or r.video.get("error"):
            continue
        try:
            r.info = video_info(r.video["path"])
            _scene_captions(r)
            r.poster = poster(r.video["path"], r.info.duration * POSTER_AT)
        except Exception as exc:
            r.info = None
            err = _one_line(exc)
            failures.append({"name": r.name, "kind": "captions", "error": err})
            stream.write(f"lecture: {r.name}: {err}\n")

    t_join = time.perf_counter()
    joined = _join(out, [r for r in ordered if r.ok], failures, stream, force)
    join_seconds = time.perf_counter() - t_join

    deck = None
    if slides:
        parts = [
            (r.name, r.slides["path"]) for r in ordered if r.slides and not r.slides.get("error")
        ]
        if parts:
            theme = lecture.scenes[0].spec.theme
            keys = [r.slides.get("key") for r in ordered if r.slides and not r.slides.get("error")]
            key = _json_key({"parts": keys, "names": [n for n, _ in parts], "title": lecture.title,
                             "theme": theme})  # fmt: skip
            old = (read_json(os.path.join(out, "manifest.json")) or {}).get("slides") or {}
            try:
                if (
                    not force
                    and old.get("key") == key
                    and os.path.isfile(os.path.join(out, str(old.get("path"))))
                ):
                    deck = {**old, "reused": True}
                else:
                    from .slides import build_deck

                    built = build_deck(parts, os.path.join(out, "slides"), lecture.title, theme)
                    built["path"] = os.path.relpath(built["path"], out).replace(os.sep, "/")
                    deck = {**built, "key": key, "reused": False}
            except Exception as exc:
                failures.append({"name": "slides", "kind": "deck", "error": _one_line(exc)})
                stream.write(f"lecture: the slide deck failed: {_one_line(exc)}\n")

    manifest = _manifest(
        lecture, out, ordered, joined, deck, failures,
        {
            "jobs": workers,
            "scheduler": scheduler,
            "gif": gif,
            "slides": slides,
            "force": force,
        },
        {
            "render_wall_seconds": round(render_wall, 3),
            "join_seconds": round(join_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
            "jobs_cpu_seconds": round(
                sum(
                    float(o.get("cpu_seconds", 0.0))
                    for r in ordered
                    for o in (r.video, r.gif, r.slides)
                    if o
                ),
                3,
            ),
            "cpu_seconds": round(_cpu_seconds() - cpu0, 3),
        },
    )  # fmt: skip
    atomic_write_text(os.path.join(out, "manifest.json"), json.dumps(manifest, indent=1) + "\n")
    write_index(out, lecture, ordered, joined, deck, failures)
    return LectureReport(out, manifest, failures)


def _join(
    out: str, parts: list[SceneResult], failures: list[dict[str, str]], stream: IO[str],
    force: bool,
) -> dict[str, Any] | None:  # fmt: skip
    """``lecture.mp4`` and its captions, reused when its parts are unchanged."""
    if not parts:
        return None
    dest = os.path.join(out, f"{JOINED}.mp4")
    keys = [r.video["key"] for r in parts if r.video]
    infos = [r.info for r in parts if r.info is not None]
    durations = [i.duration for i in infos]
    key = _json_key({"parts": keys, "durations": durations})
    old = (read_json(os.path.join(out, "manifest.json")) or {}).get("lecture") or {}
    reused = not force and os.path.isfile(dest) and old.get("key") == key
    method = old.get("method", "copy")
    try:
        if not reused:
            method = join_videos([r.video["path"] for r in parts if r.video], infos, dest)
        info = video_info(dest)
    except Exception as exc:
        failures.append({"name": JOINED, "kind": "join", "error": _one_line(exc)})
        stream.write(f"lecture: joining the scenes failed: {_one_line(exc)}\n")
        return None
    cues = captions.join([(r.cues, r.info.duration) for r in parts if r.info is not None])
    captions.write(os.path.join(out, f"{JOINED}.srt"), cues)
    captions.write(os.path.join(out, f"{JOINED}.vtt"), cues)
    starts, t = [], 0.0
    for d in durations:
        starts.append(round(t, 3))
        t += d
    return {
        "path": f"{JOINED}.mp4",
        "key": key,
        "method": method,
        "reused": reused,
        "duration": round(info.duration, 3),
        "parts_duration": round(sum(durations), 3),
        "parts": [{"name": r.name, "start": s} for r, s in zip(parts, starts, strict=True)],
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "captions": {"srt": f"{JOINED}.srt", "vtt": f"{JOINED}.vtt", "cues": len(cues)},
        "cues": cues,
    }


def _rel(out: str, path: str | None) -> str | None:
    return os.path.relpath(path, out) if path else None


def _manifest(
    lecture: Lecture, out: str, ordered: list[SceneResult], joined: dict[str, Any] | None,
    deck: dict[str, Any] | None, failures: list[dict[str, str]], options: dict[str, Any],
    timings: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    from .render import versions

    scenes = []
    for r in ordered:
        entry: dict[str, Any] = {"name": r.name, "scene": r.spec.scene, "spec": r.spec.to_dict()}
        v = r.video or {}
        entry["ok"] = r.ok
        entry["error"] = v.get("error")
        if r.ok:
            m = v.get("manifest", {})
            assert r.info is not None
            entry.update(
                key=v.get("key"),
                output=_rel(out, v.get("path")),
                manifest=_rel(out, v.get("manifest_path")),
                duration=round(r.info.duration, 3),
                width=r.info.width,
                height=r.info.height,
                fps=r.info.fps,
                codec=r.info.codec,
                reused=bool(v.get("reused")),
                render_seconds=round(float(v.get("seconds", 0.0)), 3),
                cpu_seconds=v.get("cpu_seconds"),
                worker={"host": v.get("host"), "pid": v.get("pid")},
                captions={
                    "srt": _rel(out, captions.sibling(v["path"], "srt")),
                    "vtt": _rel(out, captions.sibling(v["path"], "vtt")),
                    "source": r.caption_source,
                    "cues": len(r.cues),
                },
                dataset=m.get("dataset"),
                config=m.get("config"),
                runs=m.get("runs"),
            )
        for kind in ("gif", "slides"):
            o = getattr(r, kind)
            if o is not None:
                entry[kind] = {
                    "output": _rel(out, o.get("path")),
                    "key": o.get("key"),
                    "reused": bool(o.get("reused")),
                    "seconds": round(float(o.get("seconds", 0.0)), 3),
                    "error": o.get("error"),
                    **({"slides": o["slides"]} if "slides" in o else {}),
                }
        scenes.append(entry)
    lecture_entry = None
    if joined is not None:
        lecture_entry = {k: v for k, v in joined.items() if k != "cues"}
    return {
        "format": "gdanim-lecture",
        "version": 1,
        "title": lecture.title,
        "source": os.path.abspath(lecture.source) if lecture.source else None,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "options": options,
        "scenes": scenes,
        "lecture": lecture_entry,
        "slides": deck,
        "failures": failures,
        "complete": not failures,
        "timings": timings,
        "versions": versions(),
    }


# --------------------------------------------------------------------------------------------
# The page

#: Page colours per theme (Okabe-Ito accents, as in the scenes).
PAGE_COLORS = {
    "dark": {"bg": "#111418", "fg": "#e8e8e8", "muted": "#9aa3ad", "card": "#1b2027",
             "accent": "#56b4e9", "bad": "#e69f00"},
    "light": {"bg": "#ffffff", "fg": "#1d1d1f", "muted": "#5b6570", "card": "#f3f5f7",
              "accent": "#0072b2", "bad": "#d55e00"},
}  # fmt: skip

_CSS = """
body { margin: 0 auto; max-width: 1180px; padding: 1.5rem; background: %(bg)s; color: %(fg)s;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: .2rem 0 .4rem; }
a { color: %(accent)s; } .muted, .meta { color: %(muted)s; }
video { width: 100%%; height: auto; background: #000; border-radius: 6px; display: block; }
.scenes { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
  gap: 1.2rem; }
article { background: %(card)s; border-radius: 8px; padding: .8rem 1rem 1rem; }
article.failed { border-left: 4px solid %(bad)s; }
.failed .error, .status .bad { color: %(bad)s; }
ul.runs { padding-left: 1.1rem; margin: .5rem 0; font-size: .92rem; }
.files { font-size: .9rem; margin: .4rem 0 0; }
.status { font-size: .9rem; margin: .4rem 0 0; }
code { font-size: .9em; }
"""

_SCRIPT = """
(function () {
  var videos = Array.prototype.slice.call(document.querySelectorAll('video'));
  var status = document.getElementById('status');
  function update() {
    var ready = 0, tracks = 0, bad = 0;
    videos.forEach(function (v) {
      if (v.dataset.ready === '1') ready++;
      if (v.dataset.ready === 'error') bad++;
      if (Number(v.dataset.cues) > 0) tracks++;
    });
    status.dataset.videos = videos.length;
    status.dataset.ready = ready;
    status.dataset.tracks = tracks;
    status.textContent = ready + ' of ' + videos.length + ' videos ready, ' + tracks +
      ' with captions' + (bad ? ', ' + bad + ' could not be played' : '');
  }
  function loaded(v, t) {
    v.dataset.cues = t.track && t.track.cues ? t.track.cues.length : 0;
    update();
  }
  function failed(v) { v.dataset.cues = 'error'; update(); }
  function fallback(v, t) {
    // Browsers refuse a caption file beside a page opened from disk (file://):
    // the page carries a copy of each one, handed over as a blob.
    if (!t.parentNode) return;
    var copy = document.getElementById(v.dataset.vtt);
    if (!copy) { failed(v); return; }
    var n = document.createElement('track');
    n.kind = 'captions'; n.srclang = 'en'; n.label = t.label || 'English'; n.default = true;
    n.dataset.copyOf = t.getAttribute('src');
    n.addEventListener('load', function () { loaded(v, n); });
    n.addEventListener('error', function () { failed(v); });
    var text = copy.textContent.replace(/^\\s+/, '');
    n.src = URL.createObjectURL(new Blob([text], {type: 'text/vtt'}));
    t.parentNode.replaceChild(n, t);
    if (n.track) n.track.mode = 'showing';
  }
  videos.forEach(function (v) {
    v.addEventListener('loadeddata', function () {
      v.dataset.ready = '1'; v.dataset.duration = v.duration.toFixed(3); update();
    });
    v.addEventListener('error', function () { v.dataset.ready = 'error'; update(); });
    if (v.readyState >= 2) { v.dataset.ready = '1'; v.dataset.duration = v.duration.toFixed(3); }
    var t = v.querySelector('track');
    if (!t) return;
    t.addEventListener('load', function () { loaded(v, t); });
    t.addEventListener('error', function () { fallback(v, t); });
    if (t.readyState === 2) loaded(v, t);
    if (t.readyState === 3) fallback(v, t);
  });
  Array.prototype.forEach.call(document.querySelectorAll('a[data-seek]'), function (a) {
    a.addEventListener('click', function (event) {
      var v = document.querySelector('#lecture video');
      if (!v) return;
      event.preventDefault();
      v.currentTime = Number(a.dataset.seek);
      v.play();
    });
  });
  update();
})();
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _clock(seconds: float) -> str:
    s = int(seconds + 1e-6)  # as a video player counts
    return f"{s // 60}:{s % 60:02d}"


def _video_tag(
    src: str, vtt: str, vtt_id: str, info: VideoInfo | None, label: str, still: str | None
) -> str:
    size = f' width="{info.width}" height="{info.height}"' if info else ""
    if still:
        size += f' poster="{_e(still)}"'
    return (
        f'<video controls preload="metadata" playsinline src="{_e(src)}"{size} '
        f'data-vtt="{_e(vtt_id)}" aria-label="{_e(label)}">\n'
        f'  <track kind="captions" srclang="en" label="English" default src="{_e(vtt)}">\n'
        f"</video>"
    )


def _runs_html(manifest: dict[str, Any]) -> str:
    items = "".join(f"<li>{_e(s)}</li>" for s in run_sentences(manifest))
    return f'<ul class="runs">{items}</ul>' if items else ""


def write_index(
    out: str, lecture: Lecture, ordered: list[SceneResult], joined: dict[str, Any] | None,
    deck: dict[str, Any] | None, failures: list[dict[str, str]],
) -> str:  # fmt: skip
    """``index.html``: the lecture and each scene with captions; works from disk, offline."""
    theme = lecture.scenes[0].spec.theme if lecture.scenes else "dark"
    css = _CSS % PAGE_COLORS.get(theme, PAGE_COLORS["dark"])
    vtts: list[tuple[str, str]] = []
    body: list[str] = []
    total = joined["duration"] if joined else 0.0
    ok = sum(1 for r in ordered if r.ok)
    meta = f"{ok} of {len(ordered)} scenes"
    if joined:
        meta += f" · {_clock(total)} in all"
    meta += " · made " + datetime.now().strftime("%Y-%m-%d %H:%M")
    body.append(f'<header><h1>{_e(lecture.title)}</h1><p class="meta">{_e(meta)}</p>')
    body.append('<p id="status" class="status" data-ready="0" data-tracks="0">'
                "The videos load when the page runs its script.</p></header>")  # fmt: skip
    body.append("<main>")
    if joined:
        vtts.append(("vtt-lecture", captions.to_vtt(joined["cues"])))
        links = [
            f'<a href="{JOINED}.mp4">{JOINED}.mp4</a>',
            f'captions <a href="{JOINED}.srt">.srt</a> <a href="{JOINED}.vtt">.vtt</a>',
        ]
        if deck:
            links.append(f'<a href="{_e(deck["path"].replace(os.sep, "/"))}">slides</a>')
        links.append('<a href="manifest.json">manifest.json</a>')
        chapters = " · ".join(
            f'<a href="#t={p["start"]}" data-seek="{p["start"]}">{_clock(p["start"])} '
            f"{_e(p['name'])}</a>"
            for p in joined.get("parts", [])
        )
        first = next((r.poster for r in ordered if r.ok and r.poster), None)
        still = os.path.basename(first) if first else None
        body.append('<section class="lecture" id="lecture"><h2>The lecture</h2>')
        body.append(
            _video_tag(f"{JOINED}.mp4", f"{JOINED}.vtt", "vtt-lecture", None, "lecture", still)
        )
        body.append(f'<p class="files">{" · ".join(links)}</p>')
        body.append(f'<p class="muted files">{chapters}</p></section>')
    body.append('<section><h2>Scenes</h2><div class="scenes">')
    for n, r in enumerate(ordered, 1):
        summary = SCENES[r.spec.scene].summary
        head = f'<h3>{n}. {_e(r.name)}</h3><p class="muted">{_e(summary)}</p>'
        if not r.ok:
            err = (r.video or {}).get("error") or "not rendered"
            body.append(
                f'<article class="failed" id="scene-{_e(r.name)}">{head}'
                f'<p class="error">Failed: {_e(err)}</p></article>'
            )
            continue
        assert r.video is not None and r.info is not None
        video = os.path.basename(r.video["path"])
        stem = os.path.splitext(video)[0]
        vid = f"vtt-{stem}"
        vtts.append((vid, captions.to_vtt(r.cues)))
        m = r.video.get("manifest", {})
        ds = m.get("dataset") or {}
        cfg = m.get("config") or {}
        facts = (
            f"{ds.get('name', '?')} data ({ds.get('n', '?')} points) · {cfg.get('loss', '?')} · "
            f"{cfg.get('optimizer', '?')} · {_clock(r.info.duration)} · "
            f"{r.info.width}x{r.info.height}, {r.info.fps} fps"
        )
        links = [
            f'<a href="{_e(video)}">{_e(video)}</a>',
            f'captions <a href="{_e(stem)}.srt">.srt</a> <a href="{_e(stem)}.vtt">.vtt</a>',
        ]
        if r.gif and not r.gif.get("error") and r.gif.get("path"):
            g = os.path.basename(r.gif["path"])
            links.append(f'<a href="{_e(g)}">{_e(g)}</a>')
        body.append(f'<article id="scene-{_e(r.name)}">{head}')
        still = os.path.basename(r.poster) if r.poster else None
        body.append(_video_tag(video, f"{stem}.vtt", vid, r.info, r.name, still))
        body.append(f'<p class="muted files">{_e(facts)}</p>{_runs_html(m)}')
        body.append(f'<p class="files">{" · ".join(links)}</p></article>')
    body.append("</div></section>")
    if failures:
        items = "".join(
            f"<li><code>{_e(f['name'])}</code> ({_e(f['kind'])}): {_e(f['error'])}</li>"
            for f in failures
        )
        body.append(f'<section class="failed"><h2>What failed</h2><ul>{items}</ul></section>')
    body.append("</main>")
    for vid, text in vtts:
        # VTT cue text is escaped (no "<"), so it cannot close the script element.
        body.append(f'<script type="text/vtt" id="{_e(vid)}">{text}</script>')
    body.append(f"<script>{_SCRIPT}</script>")
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(lecture.title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    path = os.path.join(out, "index.html")
    atomic_write_text(path, page)
    return path


# --------------------------------------------------------------------------------------------
# The command


def describe_jobs(jobs: Sequence[Job], out_dir: str) -> list[str]:
    """One line per job, for ``--dry-run``."""
    lines = []
    width = max((len(j.name) for j in jobs), default=0) + 2
    for job in jobs:
        s = job.spec
        w, h = s.pixel_size
        data = s.dataset or (os.path.basename(s.data_path) if s.data_path else DEFAULT_DATASET)
        target = os.path.relpath(job.output, os.path.abspath(out_dir))
        lines.append(
            f"{job.kind:<7}{job.name:<{width}}{s.scene:<16}{data:<14}{w}x{h}@{s.frame_rate:<4}"
            f"{s.theme:<6} -> {target}"
        )
    return lines


def run_command(
    lecture_file: str | None,
    out_dir: str,
    *,
    quality: str | None = None,
    theme: str | None = None,
    aspect: str | None = None,
    resolution: str | None = None,
    fps: int | None = None,
    duration: float | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    gif: bool = False,
    slides: bool = False,
    force: bool = False,
    dry_run: bool = False,
    quiet: bool = False,
    echo: Callable[[str], None] = print,
    stream: IO[str] | None = None,
) -> int:
    """``gdanim lecture``: 0 when every scene rendered, 1 when any failed."""
    stream = stream or sys.stderr
    lecture = load_lecture(lecture_file) if lecture_file else default_lecture()
    lecture = with_options(
        lecture,
        quality=quality,
        theme=theme,
        aspect=aspect,
        resolution=resolution,
        fps=fps,
        duration=duration,
    )
    if dry_run:
        for line in describe_jobs(plan(lecture, out_dir, gif=gif, slides=slides), out_dir):
            echo(line)
        return 0
    report = make_lecture(
        lecture,
        out_dir,
        jobs=jobs,
        scheduler=scheduler,
        gif=gif,
        slides=slides,
        force=force,
        quiet=quiet,
        stream=stream,
    )
    m = report.manifest
    if not quiet:
        scenes = m["scenes"]
        rendered = sum(1 for s in scenes if s.get("ok") and not s.get("reused"))
        reused = sum(1 for s in scenes if s.get("ok") and s.get("reused"))
        line = f"lecture: {len(scenes)} scenes ({rendered} rendered, {reused} reused)"
        if m["lecture"]:
            j = m["lecture"]
            how = "reused" if j["reused"] else ("joined without re-encoding" if j["method"] ==
                                                "copy" else "joined, re-encoded")  # fmt: skip
            line += f"; {j['path']} {_clock(j['duration'])} ({how})"
        line += f"; {m['timings']['total_seconds']:.1f} s"
        stream.write(line + "\n")
    if report.failures:
        names = sorted({f["name"] for f in report.failures})
        where = os.path.join(out_dir, "manifest.json")
        stream.write(f"lecture: failed: {', '.join(names)} (see {where})\n")
    echo(report.index)
    return 0 if report.ok else 1

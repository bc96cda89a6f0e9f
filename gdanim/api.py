"""gdanim from Python: train, analyze and render from a DataFrame, shown inline in notebooks.

Every function takes the command line's options as keywords, with the same defaults and
the same checks (:mod:`gdanim.config`); a bad value raises :class:`~gdanim.errors.InputError`
with the command line's one-line message, the key spelt as a keyword (``lr: ...``).
Training and analysis never import manim; :func:`render` does, when it renders.
"""

from __future__ import annotations

import base64
import html
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config import TRAIN_KEYS, RenderSpec, TrainConfig
from .config.lecture import EVERY_SCENE as _LECTURE_OUTPUT
from .config.lecture import FLAGS as _LECTURE_FLAGS
from .errors import InputError

if TYPE_CHECKING:
    from .datasets import Dataset
    from .landscape import Analysis
    from .lectures import LectureReport
    from .pipeline.prepare import SceneInputs
    from .trajectory import Trajectory

#: Renders up to this size are embedded in the notebook (it works when shared); larger ones
#: are linked by a path relative to the notebook's folder.
INLINE_BYTES = 8 * 1024 * 1024
LECTURE_DIR = os.path.join("media", "lecture")
#: The data keys a spec takes, given to these functions as keywords beside ``data``.
_SHEET_KEYS = ("sheet", "missing")


def _data(
    data: Any, x: Any, y: Any, options: dict[str, Any]
) -> tuple[dict[str, Any], Dataset | None]:
    """The spec's data keys, or a dataset held in memory, from ``data``, ``x`` and ``y``."""
    from .datasets import DATASETS, Dataset
    from .datasets.memory import from_arrays, from_frame, is_frame

    sheet = {k: options.pop(k) for k in _SHEET_KEYS if k in options}
    if "dataset" in options:
        if data is not None:
            raise InputError("give data or dataset=, not both")
        data = options.pop("dataset")
    if data is None:
        if x is None and y is None:
            return sheet, None
        if x is None or y is None or isinstance(x, (str, int)) or isinstance(y, (str, int)):
            raise InputError("x and y name columns of data; without data give both as arrays")
        return {}, from_arrays(x, y)
    if isinstance(data, Dataset):
        if x is not None or y is not None:
            raise InputError("x and y choose columns of a table; a Dataset has its own")
        return {}, data
    if isinstance(data, (str, os.PathLike)):
        text = os.fspath(data)
        if text in DATASETS and not os.path.exists(text):
            if x is not None or y is not None or sheet.get("sheet") is not None:
                raise InputError(f"x, y and sheet choose columns of a data file, not of {text!r}")
            return {"dataset": text}, None
        if not os.path.exists(text) and os.sep not in text and "." not in text:
            from .datasets import DATASETS as known

            raise InputError(
                f"data: {text!r} is neither a built-in dataset ({', '.join(sorted(known))}) "
                "nor a file"
            )
        return {"data": text, "x": x, "y": y, **sheet}, None
    if is_frame(data):
        return {}, from_frame(data, x, y, missing=sheet.get("missing") or "skip")
    raise InputError(
        f"data: {type(data).__name__} is not a dataset name, a path, a DataFrame nor a Dataset"
    )


def _spec(scene: str, data: Any, x: Any, y: Any, options: dict[str, Any]) -> tuple[
    RenderSpec, Dataset | None
]:  # fmt: skip
    keys, dataset = _data(data, x, y, dict(options))
    rest = {k: v for k, v in options.items() if k not in (*_SHEET_KEYS, "dataset")}
    spec: RenderSpec = RenderSpec.parse({"scene": scene, **keys, **rest}, "python")
    return spec, dataset


def _prepared(data: Any, x: Any, y: Any, options: dict[str, Any]) -> tuple[Dataset, TrainConfig]:
    from .pipeline.prepare import load_spec_data

    unknown = [k for k in options if k not in (*TRAIN_KEYS, *_SHEET_KEYS, "dataset")]
    if unknown:
        raise InputError(f"{unknown[0]}: not a training option (options: {', '.join(TRAIN_KEYS)})")
    spec, dataset = _spec("descent-path", data, x, y, options)
    dataset = dataset if dataset is not None else load_spec_data(spec)
    for note in dataset.notes:
        _warn(note)
    st = spec.train.standardization(dataset)
    if st is not None and st.auto:
        _warn(st.note())
    return dataset, spec.train


def load_data(data: Any = None, *, x: Any = None, y: Any = None, **options: Any) -> Dataset:
    """The :class:`~gdanim.datasets.Dataset` that :func:`train` would train on.

    Examples
    --------
    >>> import gdanim
    >>> gdanim.load_data("campaign").n
    7
    """
    dataset, _ = _prepared(data, x, y, options)
    return dataset


def train(data: Any = None, *, x: Any = None, y: Any = None, **options: Any) -> Trajectory:
    """Train and return the recorded run.

    Parameters
    ----------
    data
        A built-in dataset's name (default ``"campaign"``), a path to a CSV or spreadsheet, a
        DataFrame (pandas, polars, or a ``dict`` of columns) or a
        :class:`~gdanim.datasets.Dataset`; or ``None`` with ``x`` and ``y`` given as arrays.
    x, y
        Column names (or 0-based positions) of ``data``; by default its first two numeric
        columns. Without ``data``: the numbers themselves.
    **options
        The command line's training options as keywords: ``loss``, ``optimizer``, ``lr`` (a
        number or ``"small"``, ``"right"``, ``"large"``), ``epochs``, ``init`` (``(w, b)``),
        ``l2``, ``delta``, ``momentum``, ``batch_size``, ``seed``, ``normalize``; and for files
        ``sheet`` and ``missing``.

    Returns
    -------
    Trajectory
        ``w``, ``b``, ``loss``, ``dw``, ``db`` per state; ``.to_frame()``, ``.save(path)``.

    Raises
    ------
    InputError
        A bad option or unreadable data, with the command line's one-line message.

    Examples
    --------
    >>> import gdanim
    >>> run = gdanim.train(x=[1, 2, 3, 4], y=[3, 5, 7, 9], lr=0.05, epochs=500)
    >>> round(run.w[-1], 2), round(run.b[-1], 2)
    (2.0, 1.0)
    """
    from .trainer import train as run

    dataset, config = _prepared(data, x, y, options)
    return run(dataset, config)


def analyze(data: Any = None, *, x: Any = None, y: Any = None, **options: Any) -> Analysis:
    """The optimum, the curvature and the learning rates of ``data``, as ``gdanim analyze``.

    Takes ``data``, ``x``, ``y`` and the options as :func:`train` does; the result has
    ``optimum``, ``optimum_loss``, ``condition_number``, ``lr_critical``, ``lr_fastest`` and
    ``lr_regimes`` (``{"small": ..., "right": ..., "large": ...}``).

    Examples
    --------
    >>> import gdanim
    >>> a = gdanim.analyze("campaign")
    >>> sorted(a.lr_regimes)
    ['large', 'right', 'small']
    """
    dataset, config = _prepared(data, x, y, options)
    st = config.standardization(dataset)
    init = config.init or dataset.init
    return config.replace(normalize=st is not None, init=init).analysis(dataset)


def load_trajectory(path: str | os.PathLike[str]) -> Trajectory:
    """A trajectory saved by :meth:`Trajectory.save` or ``gdanim train -o``."""
    from .trajectory import Trajectory

    return Trajectory.load(path)


@dataclass(frozen=True)
class Rendered:
    """A rendered file: ``path``, ``manifest`` (the JSON written beside it) and whether an
    unchanged earlier render was ``reused``. Shows itself in Jupyter and Colab."""

    path: str
    manifest: dict[str, Any]
    reused: bool = False
    seconds: float = 0.0

    @property
    def format(self) -> str:
        return os.path.splitext(self.path)[1].lstrip(".").lower()

    def _source(self) -> str:
        """The file as a data URI when small enough, else a path relative to the notebook."""
        size = os.path.getsize(self.path)
        if size <= INLINE_BYTES:
            mime = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif",
                    "png": "image/png"}[self.format]  # fmt: skip
            with open(self.path, "rb") as fh:
                return f"data:{mime};base64," + base64.b64encode(fh.read()).decode("ascii")
        try:
            rel = os.path.relpath(self.path)
        except ValueError:  # another drive (Windows)
            rel = os.path.abspath(self.path)
        return rel.replace(os.sep, "/")

    def _repr_html_(self) -> str:
        src = html.escape(self._source(), quote=True)
        name = html.escape(os.path.basename(self.path))
        output = self.manifest.get("output", {})
        width = int(output.get("width") or 0)
        style = f' style="max-width: 100%; width: {min(width, 960)}px"' if width else ""
        if self.format in ("mp4", "webm"):
            return (
                f'<video controls loop playsinline src="{src}"{style} aria-label="{name}"></video>'
            )
        return f'<img src="{src}" alt="{name}"{style}>'

    def __repr__(self) -> str:
        how = "reused" if self.reused else f"{self.seconds:.1f} s"
        return f"Rendered({self.path!r}, {how})"


def render(
    scene: str,
    data: Any = None,
    *,
    x: Any = None,
    y: Any = None,
    output: str | os.PathLike[str] | None = None,
    force: bool = False,
    quiet: bool = True,
    notes: Callable[[str], None] | None = None,
    **options: Any,
) -> Rendered:
    """Render ``scene`` to a file, as ``gdanim render``; returns when it is written.

    Parameters
    ----------
    scene
        ``"descent-path"``, ``"learning-rates"``, ``"hiker-bowl"``, ``"derivation"``,
        ``"compare"`` or ``"feature-scaling"``.
    data, x, y
        As for :func:`train`; ``feature-scaling`` takes two x columns
        (``x=["size", "bedrooms"]``).
    output
        The file (its folder must exist); by default a readable name under ``media/``.
    force
        Render even when the same spec was rendered there before.
    quiet
        No progress bar.
    notes
        Hears what the command line prints as ``note:`` (columns chosen, rows left out, x
        standardised); by default they are shown as warnings.
    **options
        The training options of :func:`train`, and ``format`` (``"mp4"``, ``"gif"``,
        ``"webm"``, ``"png"``), ``quality`` (``"low"``, ``"medium"``, ``"high"``, ``"4k"``),
        ``resolution`` (``"1280x720"``), ``fps``, ``aspect``, ``theme``, ``duration``,
        ``lrs`` (learning-rates), ``vary`` and ``preset`` (compare: ``vary="l2=0,10"``,
        ``vary={"optimizer": ["gd", "momentum"]}`` or ``preset="momentum"``), ``form``
        (derivation: ``"scalar"`` or ``"vector"``), ``trajectory`` (a recorded run to draw),
        ``narrate`` and ``voice`` (every beat spoken: ``narrate=True`` with eSpeak NG, or
        ``voice="recordings"``, a folder of one's own recordings named by beat id).

    Returns
    -------
    Rendered
        Shown under the cell in a notebook: a looping video, or the GIF or PNG.

    Examples
    --------
    >>> import gdanim
    >>> gdanim.render("descent-path", "campaign", format="png", quality="low",
    ...               output="campaign.png")  # doctest: +SKIP
    Rendered('campaign.png', 2.1 s)
    """
    from .pipeline.render import render as run

    if output is not None and not isinstance(output, (str, os.PathLike)):
        raise InputError(f"output: {type(output).__name__} is not a file name")
    spec, dataset = _spec(scene, data, x, y, options)
    result = run(
        spec,
        os.fspath(output) if output is not None else None,
        force=force,
        quiet=quiet,
        notes=notes or _warn,
        dataset=dataset,
    )
    return Rendered(result.path, result.manifest.to_dict(), result.reused, result.seconds)


def scene_inputs(
    scene: str = "descent-path", data: Any = None, *, x: Any = None, y: Any = None, **options: Any
) -> SceneInputs:
    """What ``scene`` draws for this data and these options: the runs, their outcomes, the
    landscape framed around them; for Manim scenes of one's own and manim's command line.

    Takes what :func:`render` takes (``trajectory="run.json"`` draws a recorded run);
    options about the file (``format``, ``quality``, ...) are checked and kept in ``.spec``
    but manim's command line decides the frame size and rate. Needs no manim.

    Examples
    --------
    >>> import gdanim
    >>> run = gdanim.scene_inputs("descent-path", "campaign")
    >>> run.trajectory.n_updates, round(run.analysis.lr_critical, 4)
    (1500, 0.0362)
    """
    from .pipeline.prepare import prepare

    spec, dataset = _spec(scene, data, x, y, options)
    inputs = prepare(spec, dataset)
    for text in inputs.notes:
        _warn(text)
    return inputs


#: The command line's words in the data's notes, as a Python caller writes them.
_KEYWORDS = (
    ("choose with --x/--y", "choose with x= and y="),
    ("--missing error", "missing='error'"),
    ("--no-normalize", "normalize=False"),
    ("--sheet", "sheet="),
)


def _warn(text: str) -> None:
    import warnings

    for cli_words, words in _KEYWORDS:
        text = text.replace(cli_words, words)
    warnings.warn(text, UserWarning, stacklevel=_caller_level())


def _caller_level() -> int:
    """The stack level of the first frame outside gdanim, so a warning names the user's line."""
    import sys

    level, frame = 1, sys._getframe(1)
    package = os.path.dirname(os.path.abspath(__file__))
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def lecture(
    file: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] = LECTURE_DIR,
    *,
    jobs: int | None = None,
    force: bool = False,
    quiet: bool = True,
    **options: Any,
) -> LectureReport:
    """Render a whole lecture, as ``gdanim lecture``: its scenes, the joined video, captions,
    ``manifest.json`` and ``index.html`` in ``output``.

    ``file`` is a lecture TOML file (default: the four scenes on the campaign data). The
    output options (``quality``, ``theme``, ``aspect``, ``resolution``, ``fps``, ``duration``,
    ``narrate``, ``voice``) apply to every scene; ``gif`` adds a GIF of each scene, and
    ``slides``, ``pptx`` and ``handout`` the reveal.js deck, the PowerPoint deck and the PDF
    handout, cut from the rendered videos. The report's ``index`` is the page's path,
    ``failures`` what failed.
    """
    import subprocess
    import sys

    from .config.checks import Bad, boolean
    from .lectures import LectureReport
    from .lectures.records import LectureManifest

    for key in options:
        if key not in (*_LECTURE_OUTPUT, *_LECTURE_FLAGS):
            allowed = ", ".join((*_LECTURE_OUTPUT, *_LECTURE_FLAGS))
            raise InputError(f"{key}: not a lecture option (options: {allowed})")
    flags = {k: options.pop(k) for k in _LECTURE_FLAGS if k in options}
    for key, on in flags.items():
        try:
            boolean(on)
        except Bad as exc:
            raise InputError(f"{key}: {exc.message}") from None
    checked = RenderSpec.parse(dict(options), "python")
    # The renders run in worker processes; started from a script or a notebook they would
    # import the caller's main module again, so the lecture runs as the command does.
    argv = [sys.executable, "-m", "gdanim", "lecture"]
    argv += [os.fspath(file)] if file is not None else []
    argv += ["-o", os.fspath(output)]
    for key in options:
        value = options[key] if key == "resolution" else getattr(checked, key)
        if key == "narrate":
            argv += ["--narrate" if value else "--no-narrate"]
        elif value is not None:
            argv += [f"--{key}", str(value)]
    argv += ["--jobs", str(jobs)] if jobs else []
    for flag, on in (*flags.items(), ("force", force), ("quiet", quiet)):
        argv += [f"--{flag}"] if on else []
    # The command stops when this process dies (its workers with it), and an interrupt here
    # stops it as Ctrl-C would, so nothing is left rendering.
    env = {**os.environ, "GDANIM_DIE_WITH_PARENT": "1"}
    err = subprocess.PIPE if quiet else None
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
    try:
        _, stderr = proc.communicate()
    except BaseException:
        _stop(proc)
        raise
    if proc.returncode == 130:
        raise KeyboardInterrupt
    lines = (stderr or "").strip().splitlines()
    last = lines[-1].removeprefix("gdanim: error: ") if lines else ""
    if proc.returncode == 2:
        raise InputError(last or "the lecture failed")
    out = os.path.abspath(os.fspath(output))
    path = os.path.join(out, "manifest.json")
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError):
        why = last or f"exit code {proc.returncode}"
        raise InputError(f"the lecture wrote no manifest ({why})") from None
    record = LectureManifest.from_dict(manifest, where=path)
    return LectureReport(out, record, list(manifest.get("failures", [])))


def _stop(proc: Any) -> None:
    """Stop a running ``gdanim lecture`` as Ctrl-C does (it cleans up), then for good."""
    import signal
    import subprocess

    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def manifest_of(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest written beside a rendered file (``PATH.json``), as the file has it; a
    missing or damaged one is an :class:`InputError` in one line."""
    from .pipeline.manifest import RenderManifest

    return RenderManifest.load(os.fspath(path) + ".json").to_dict()


# --------------------------------------------------------------------------------------------
# Signatures: the options as keyword parameters, for a notebook's completion and signature help


def _option_parameters(keys: tuple[str, ...], taken: set[str]) -> list[Any]:
    """The configuration's fields named ``keys`` as keyword-only parameters (type, default)."""
    import inspect

    from .config.fields import Model, key_of

    fields: dict[str, tuple[type[Model], str]] = {
        key_of(TrainConfig, n): (TrainConfig, n) for n in TrainConfig.model_fields
    }
    fields.update({key_of(RenderSpec, n): (RenderSpec, n) for n in RenderSpec.model_fields})
    out = []
    for key in keys:
        if key == "resolution" and key not in taken:  # not a field: it sets width and height
            out.append(
                inspect.Parameter(
                    key, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=str | None
                )
            )
        if key in taken or key not in fields:
            continue
        model, name = fields[key]
        info = model.model_fields[name]
        default = None if info.is_required() else info.default
        out.append(
            inspect.Parameter(
                key, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=info.annotation
            )
        )
    return out


def _flag_parameters(names: tuple[str, ...]) -> list[Any]:
    """On/off keywords, off by default."""
    import inspect

    return [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=bool)
        for n in names
    ]


def _show_options(fn: Callable[..., Any], keys: tuple[str, ...], unset: bool = False) -> None:
    """Give ``fn`` a signature that lists ``keys`` in place of its ``**options``.

    The function still takes them through ``**options`` and checks them with the command
    line's model; ``inspect.signature`` (and so Jupyter, IPython and IDEs that ask it) shows
    each with its type and default (``unset``: ``None`` for each option, which then keeps
    what a lecture's file says).
    """
    import inspect

    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    taken = {p.name for p in params}
    flags = tuple(k for k in keys if k in _LECTURE_FLAGS and k not in taken)
    options = _option_parameters(keys, taken | set(flags))
    if unset:
        options = [p.replace(default=None, annotation=p.annotation | None) for p in options]
    extra = [*_flag_parameters(flags), *options]
    fn.__signature__ = sig.replace(parameters=[*params, *extra])  # type: ignore[attr-defined]


_RENDER_KEYS = tuple(
    k
    for k in RenderSpec.known_keys()
    if k not in ("scene", "data", "x", "y", "dataset", "width", "height", "resolution")
)
_TRAIN_OPTIONS = (*TRAIN_KEYS, *_SHEET_KEYS)
_show_options(train, _TRAIN_OPTIONS)
_show_options(analyze, _TRAIN_OPTIONS)
_show_options(load_data, _TRAIN_OPTIONS)
_show_options(render, (*_RENDER_KEYS, "resolution"))
_show_options(scene_inputs, (*_RENDER_KEYS, "resolution"))
_show_options(lecture, (*_LECTURE_FLAGS, *_LECTURE_OUTPUT), unset=True)

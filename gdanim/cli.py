"""The ``gdanim`` command line: click wiring only.

Options become a :class:`~gdanim.trainer.TrainConfig` or a render spec, then one call does the
work. Nothing here imports manim, so ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__, interrupts
from .errors import InputError

if TYPE_CHECKING:
    from .datasets import Dataset
    from .trainer import TrainConfig
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .spec import SCENES

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """Report bad input as one line and exit with code 2."""
    raise InputError(message)


class _Group(click.Group):
    """Turns every user-facing error into one line on stderr and exit code 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except InputError as exc:
            click.echo(f"gdanim: error: {exc}", err=True)
            sys.exit(2)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.UsageError as exc:
            msg = exc.format_message()
            where = exc.ctx.command_path if exc.ctx else "gdanim"
            click.echo(f"{where}: error: {msg}".replace("\n", " "), err=True)
            sys.exit(2)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("gdanim: interrupted", err=True)
            sys.exit(130)
        except KeyboardInterrupt:
            click.echo("gdanim: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            click.echo(f"gdanim: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.exit(0)


class LearningRate(click.ParamType):
    """A positive number or a regime name."""

    name = "LR"

    def convert(self, value: Any, param: Any, ctx: Any) -> float | str:
        if isinstance(value, float):
            return value
        text = str(value).strip().lower()
        if text in ("small", "right", "large"):
            return text
        try:
            v = float(text)
        except ValueError:
            self.fail(f"{value!r} is not a number nor small/right/large", param, ctx)
        if not (v > 0 and v < float("inf")):
            self.fail(f"{value!r} must be a finite number > 0", param, ctx)
        return v


class Point(click.ParamType):
    """``W,B``: two finite numbers."""

    name = "W,B"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[float, float]:
        if isinstance(value, tuple):
            return value
        parts = str(value).replace(" ", "").split(",")
        try:
            w, b = (float(p) for p in parts)
        except ValueError:
            self.fail(f"{value!r} is not two numbers 'W,B'", param, ctx)
        if not all(abs(v) < float("inf") for v in (w, b)):
            self.fail(f"{value!r} must be finite", param, ctx)
        return (w, b)


def data_options(f: F) -> F:
    """``--dataset`` / ``--data FILE --x COL --y COL``."""
    from .datasets import DATASETS

    for opt in reversed(
        [
            click.option(
                "--dataset",
                type=click.Choice(sorted(DATASETS)),
                help="A built-in dataset (see `gdanim datasets`).",
            ),
            click.option(
                "--data",
                "data_path",
                type=click.Path(dir_okay=True),
                help="Your own table: CSV/TSV/text export (any delimiter, decimal comma, "
                "UTF-8/UTF-16/Latin-1) or a spreadsheet (.xlsx, .xls, .ods).",
            ),
            click.option(
                "--x",
                "x_col",
                help="x column: header name or 0-based index [default: first numeric].",
            ),
            click.option(
                "--y",
                "y_col",
                help="y column: header name or 0-based index [default: next numeric].",
            ),
            click.option(
                "--sheet", help="Spreadsheet sheet: name or 0-based position [default: the first]."
            ),
            click.option(
                "--missing",
                type=click.Choice(["skip", "error"]),
                default="skip",
                show_default=True,
                help="Rows with a missing x or y: leave them out (and say so) or refuse the file.",
            ),
        ]
    ):
        f = opt(f)
    return f


NORMALIZE_OPTION = click.option(
    "--normalize/--no-normalize",
    default=None,
    help="Standardise x before training [default: on your own data where raw x is too "
    "ill-conditioned for gradient descent; off on the built-in lessons].",
)


def train_options(f: F) -> F:
    """The training options shared by ``train``, ``analyze`` and ``render``."""
    for opt in reversed(
        [
            click.option("--loss", type=click.Choice(sorted(LOSSES)), help="Loss function."),
            click.option(
                "--optimizer",
                type=click.Choice(sorted(OPTIMIZERS)),
                default="gd",
                show_default=True,
                help="Update rule.",
            ),
            click.option(
                "--lr", type=LearningRate(), help="Learning rate: a number or small/right/large."
            ),
            click.option("--epochs", type=click.IntRange(0, 1_000_000), help="Number of updates."),
            click.option("--init", type=Point(), help="Starting point 'W,B' in data units."),
            click.option(
                "--l2",
                type=click.FloatRange(0, None),
                default=0.0,
                show_default=True,
                help="Ridge penalty (l2/2) w^2.",
            ),
            click.option(
                "--delta",
                type=click.FloatRange(0, None, min_open=True),
                default=1.0,
                show_default=True,
                help="Huber threshold.",
            ),
            click.option(
                "--momentum",
                type=click.FloatRange(0, 1, max_open=True),
                default=0.9,
                show_default=True,
                help="Momentum/Nesterov beta, Adam beta1.",
            ),
            click.option(
                "--batch-size",
                type=click.IntRange(1, None),
                default=16,
                show_default=True,
                help="Minibatch size.",
            ),
            click.option(
                "--seed", type=int, default=0, show_default=True, help="Seed for sgd/minibatch."
            ),
            NORMALIZE_OPTION,
        ]
    ):
        f = opt(f)
    return f


def load_data(kw: dict[str, Any]) -> Dataset:
    """The dataset the options name (default: ``campaign``); pops the data options."""
    from .datasets import get_dataset, load_table

    dataset, data_path = kw.pop("dataset"), kw.pop("data_path")
    x_col, y_col = kw.pop("x_col"), kw.pop("y_col")
    sheet, missing = kw.pop("sheet"), kw.pop("missing")
    if dataset and data_path:
        fail("give --dataset or --data, not both")
    if (x_col or y_col or sheet) and not data_path:
        fail("--x, --y and --sheet choose columns of a --data file")
    if data_path:
        ds = load_table(data_path, x_col, y_col, sheet=sheet, missing=missing)
        for note in ds.notes:
            click.echo(f"note: {note}", err=True)
        return ds
    return get_dataset(dataset or "campaign")


def report_standardization(ds: Dataset, cfg: TrainConfig) -> None:
    """One line on stderr when x is standardised by default."""
    from .trainer import standardization

    st = standardization(ds, cfg)
    if st is not None and st.auto:
        click.echo(f"note: {st.note()}", err=True)


def make_config(**kw: Any) -> TrainConfig:
    from .trainer import TrainConfig

    try:
        return TrainConfig(
            loss=kw["loss"],
            optimizer=kw["optimizer"],
            lr=kw["lr"],
            epochs=kw["epochs"],
            init=kw["init"],
            l2=kw["l2"],
            delta=kw["delta"],
            momentum=kw["momentum"],
            batch_size=kw["batch_size"],
            seed=kw["seed"],
            normalize=kw["normalize"],
        )
    except ValueError as exc:
        fail(str(exc))


def _fmt(v: float | None) -> str:
    return "none" if v is None else f"{v:.4g}"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gdanim")
def cli() -> None:
    """Lecture animations of gradient descent on linear regression.

    \b
    Quick start:
      gdanim datasets                         the built-in data
      gdanim analyze --dataset campaign       where that data diverges
      gdanim render descent-path              the flagship scene, to media/
    """


@cli.command("datasets")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def datasets_cmd(as_json: bool) -> None:
    """List the built-in datasets: size, x range and critical learning rate (gd)."""
    from .datasets import DATASETS, get_dataset
    from .landscape import analyze
    from .losses import make_loss

    rows: list[dict[str, Any]] = []
    for name in sorted(DATASETS):
        ds = get_dataset(name)
        a = analyze(ds, make_loss(ds.loss))
        rows.append(
            {
                "name": name,
                "n": ds.n,
                "x_min": float(ds.x.min()),
                "x_max": float(ds.x.max()),
                "loss": ds.loss,
                "lr_critical": a.lr_critical,
                "description": ds.description,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    click.echo(f"{'name':<17}{'n':>4}  {'x range':<15}{'loss':<9}{'lr_crit':>9}  description")
    for r in rows:
        xr = f"[{r['x_min']:.3g}, {r['x_max']:.3g}]"
        click.echo(
            f"{r['name']:<17}{r['n']:>4}  {xr:<15}{r['loss']:<9}{_fmt(r['lr_critical']):>9}"
            f"  {r['description']}"
        )


@cli.command("analyze")
@data_options
@click.option("--loss", type=click.Choice(sorted(LOSSES)), help="Loss function.")
@click.option("--optimizer", type=click.Choice(sorted(OPTIMIZERS)), default="gd", show_default=True)
@click.option("--l2", type=click.FloatRange(0, None), default=0.0, show_default=True)
@click.option("--delta", type=click.FloatRange(0, None, min_open=True), default=1.0)
@click.option("--momentum", type=click.FloatRange(0, 1, max_open=True), default=0.9)
@click.option("--batch-size", type=click.IntRange(1, None), default=16)
@NORMALIZE_OPTION
@click.option("--init", type=Point(), help="Start 'W,B' (scales rates where no critical one).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def analyze_cmd(
    loss: str | None,
    optimizer: str,
    l2: float,
    delta: float,
    momentum: float,
    batch_size: int,
    normalize: bool | None,
    init: tuple[float, float] | None,
    as_json: bool,
    **kw: Any,
) -> None:
    """The optimum, the curvature and the learning rate at which the data diverges."""
    from .landscape import analyze
    from .losses import make_loss
    from .trainer import TrainConfig, standardization

    ds = load_data(kw)
    lo = make_loss(loss or ds.loss, l2=l2, delta=delta)
    cfg = TrainConfig(normalize=normalize)
    st = standardization(ds, cfg)
    a = analyze(
        ds,
        lo,
        optimizer,
        momentum=momentum,
        batch_size=batch_size,
        normalize=st is not None,
        init=init or ds.init,
    )
    if as_json:
        out = {"dataset": ds.describe(), "loss": lo.describe(), "optimizer": optimizer}
        out["standardized"] = st.to_dict() if st is not None else None
        out.update(a.to_dict())
        click.echo(json.dumps(out, indent=1))
        return
    report_standardization(ds, cfg)
    lam_min, lam_max = a.eigenvalues
    w, b = a.optimum
    click.echo(f"{ds.name}: {ds.n} points, {lo.title}, {OPTIMIZERS[optimizer].title}")
    click.echo(f"  optimum           w = {w:.6g}, b = {b:.6g}, loss = {a.optimum_loss:.6g}")
    click.echo(
        f"  Hessian           eigenvalues {lam_min:.4g} and {lam_max:.4g}, "
        f"condition number {a.condition_number:.4g}"
    )
    if a.lr_critical is not None:
        verb = "diverges" if a.can_diverge else "overshoots and oscillates"
        click.echo(f"  critical rate     {a.lr_critical:.4g}  ({a.rule}): above it the run {verb}")
    else:
        click.echo(f"  critical rate     {a.rule}")
    if a.lr_fastest is not None:
        click.echo(f"  fastest rate      {a.lr_fastest:.4g}  (2 / (lambda_max + lambda_min))")
    r = a.lr_regimes
    click.echo(
        f"  regimes           small {r['small']:.4g}   right {r['right']:.4g}   "
        f"large {r['large']:.4g}"
    )
    for note in a.notes:
        click.echo(f"  note: {note}")


@cli.command("train")
@data_options
@train_options
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default="-", help="JSON file, - for stdout."
)
def train_cmd(output: str, **kw: Any) -> None:
    """Train and write the trajectory as JSON (format in gdanim.trajectory)."""
    from .trainer import train

    ds = load_data(kw)
    cfg = make_config(**kw)
    report_standardization(ds, cfg)
    traj = train(ds, cfg)
    if output == "-":
        click.echo(traj.to_json(), nl=False)
    else:
        _check_writable(output)
        traj.save(output)
    _report_run(traj)


def output_options(f: F) -> F:
    """Size, look and format of a render."""
    from .spec import ASPECTS, FORMATS, QUALITIES, THEMES

    for opt in reversed(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS),
                default="mp4",
                show_default=True,
                help="png: the final frame.",
            ),
            click.option(
                "--quality",
                type=click.Choice(list(QUALITIES)),
                help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60 "
                "[default: medium; gif: low; png: high]",
            ),
            click.option("--resolution", help="WIDTHxHEIGHT (even), overrides --quality."),
            click.option("--fps", type=click.IntRange(1, 120), help="Frames per second."),
            click.option(
                "--aspect",
                type=click.Choice(list(ASPECTS)),
                default="16:9",
                show_default=True,
                help="Frame shape; panels re-flow.",
            ),
            click.option(
                "--theme",
                type=click.Choice(THEMES),
                default="dark",
                show_default=True,
                help="light: white background for slides.",
            ),
            click.option(
                "--duration",
                type=click.FloatRange(0.5, 600),
                default=8.0,
                show_default=True,
                help="Seconds the descent takes on screen (derivation: its pace, 8 = natural "
                "reading speed, 16 = half speed).",
            ),
        ]
    ):
        f = opt(f)
    return f


def parse_lrs(text: str | None) -> tuple[float | str, ...] | None:
    """``a,b,c``: 2 to 4 positive numbers or regime names."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not 2 <= len(parts) <= 4:
        fail(f"--lrs {text!r}: give 2 to 4 learning rates separated by commas")
    out: list[float | str] = []
    for p in parts:
        if p.lower() in ("small", "right", "large"):
            out.append(p.lower())
            continue
        try:
            v = float(p)
        except ValueError:
            fail(f"--lrs {text!r}: {p!r} is not a number")
        if not (v > 0 and v < float("inf")):
            fail(f"--lrs {text!r}: {p!r} must be a finite number > 0")
        out.append(v)
    return tuple(out)


@cli.command("scenes")
def scenes_cmd() -> None:
    """List the scenes."""
    for name, info in SCENES.items():
        click.echo(f"{name:<16}{info.summary}")


@cli.command("render")
@click.argument("scene", type=click.Choice(list(SCENES)))
@data_options
@train_options
@output_options
@click.option(
    "--trajectory",
    "trajectory_path",
    type=click.Path(dir_okay=False),
    help="Draw a recorded trajectory (gdanim's or any JSON with lists w and b).",
)
@click.option("--lrs", help="learning-rates: 2 to 4 rates, e.g. 0.001,0.01,0.04.")
@click.option("-o", "--output", type=click.Path(), help="Output file [default: under media/].")
@click.option("--force", is_flag=True, help="Render even if the same spec is already there.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, only errors.")
def render_cmd(
    scene: str,
    fmt: str,
    quality: str | None,
    resolution: str | None,
    fps: int | None,
    aspect: str,
    theme: str,
    duration: float,
    trajectory_path: str | None,
    lrs: str | None,
    output: str | None,
    force: bool,
    quiet: bool,
    **kw: Any,
) -> None:
    """Render SCENE to MP4, GIF, WebM or PNG (the final frame)."""
    from .spec import RenderSpec, parse_resolution

    dataset, data_path = kw.pop("dataset"), kw.pop("data_path")
    x_col, y_col = kw.pop("x_col"), kw.pop("y_col")
    sheet, missing = kw.pop("sheet"), kw.pop("missing")
    if (x_col or y_col or sheet) and not data_path:
        fail("--x, --y and --sheet choose columns of a --data file")
    width = height = None
    if resolution:
        width, height = parse_resolution(resolution)
    spec = RenderSpec(
        scene=scene,
        dataset=dataset,
        data_path=data_path,
        x_col=x_col,
        y_col=y_col,
        sheet=sheet,
        missing=missing,
        train=make_config(**kw),
        trajectory_path=trajectory_path,
        lrs=parse_lrs(lrs),
        quality=quality,
        width=width,
        height=height,
        fps=fps,
        aspect=aspect,
        theme=theme,
        duration=duration,
        format=fmt,
    )
    from .render import render

    def note(text: str) -> None:
        click.echo(f"note: {text}", err=True)

    result = render(spec, output, force=force, quiet=quiet, notes=note)
    if result.reused:
        click.echo(f"{result.path} (unchanged spec: reused; --force renders again)", err=True)
    elif not quiet:
        click.echo(f"{result.path} ({result.seconds:.1f} s)", err=True)
    if not quiet:
        for run in result.manifest.get("runs", []):
            outcome = run.get("outcome") or {}
            if outcome.get("kind") in ("diverged", "oscillating"):
                click.echo(f"note: lr {run['lr']:.4g}: {outcome.get('text')}", err=True)
    click.echo(result.path)


def _report_run(traj: Any) -> None:
    lr = traj.config.get("lr")
    if traj.diverged:
        click.echo(
            f"note: diverged at update {traj.diverged_at} with lr {lr:.4g}; training stopped "
            f"there ({traj.n_states} states kept)",
            err=True,
        )
    else:
        click.echo(
            f"{traj.n_updates} updates with lr {lr:.4g}: w = {traj.w[-1]:.6g}, "
            f"b = {traj.b[-1]:.6g}, loss = {traj.loss[-1]:.6g}",
            err=True,
        )


def _check_writable(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        fail(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        fail(f"{path}: the folder {folder} is not writable")


def lecture_options(f: F) -> F:
    """Options of ``lecture``: output overrides for every scene, parallelism, extras."""
    from .spec import ASPECTS, QUALITIES, THEMES

    for opt in reversed(
        [
            click.option(
                "-o",
                "--output",
                "out_dir",
                type=click.Path(file_okay=False),
                default=os.path.join("media", "lecture"),
                show_default=True,
                help="Folder for the videos, captions, manifest.json and index.html.",
            ),
            click.option(
                "--quality",
                type=click.Choice(list(QUALITIES)),
                help="For every scene: low 480p15, medium 720p30, high 1080p60, 4k 2160p60 "
                "[default: the file's, else medium].",
            ),
            click.option("--theme", type=click.Choice(THEMES), help="For every scene."),
            click.option("--aspect", type=click.Choice(list(ASPECTS)), help="For every scene."),
            click.option("--resolution", help="WIDTHxHEIGHT (even), overrides --quality."),
            click.option("--fps", type=click.IntRange(1, 120), help="Frames per second."),
            click.option(
                "--duration",
                type=click.FloatRange(0.5, 600),
                help="Seconds each scene's descent takes on screen.",
            ),
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(1, None),
                help="Renders at once [default: the machine's cores].",
            ),
            click.option(
                "--scheduler",
                metavar="ADDRESS",
                help="Send the renders to a Dask scheduler (pip install 'gdanim[dask]'); "
                "the output folder must be shared with its workers.",
            ),
            click.option("--gif", is_flag=True, help="Also a GIF of each scene (for slides)."),
            click.option(
                "--slides",
                is_flag=True,
                help="Also a reveal.js deck, a slide per beat (pip install 'gdanim[slides]').",
            ),
            click.option("--force", is_flag=True, help="Render even unchanged scenes."),
            click.option("--dry-run", is_flag=True, help="List the renders and stop."),
            click.option("-q", "--quiet", is_flag=True, help="Only failures and the page's path."),
        ]
    ):
        f = opt(f)
    return f


@cli.command("lecture")
@click.argument("lecture_file", required=False, type=click.Path(dir_okay=True))
@lecture_options
def lecture_cmd(lecture_file: str | None, out_dir: str, **kw: Any) -> None:
    """Render a lecture: its scenes, one joined video, captions, manifest and index.html.

    \b
    With no LECTURE_FILE: the four scenes on the campaign data. A LECTURE_FILE (TOML) sets
    the data, the training, the look, the scenes and their order; see examples/lecture.toml.
    Unchanged scenes are reused; exit code 1 when any scene failed.
    """
    from .lecture import run_command

    code = run_command(lecture_file, out_dir, echo=click.echo, **kw)
    if code:
        sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    # SIGTERM unwinds like Ctrl-C, so temporary folders are removed on the way out.
    interrupts.install()
    if os.environ.get("GDANIM_DEBUG"):
        cli.main(args=argv, prog_name="gdanim")
        return
    try:
        cli.main(args=argv, prog_name="gdanim")
    except SystemExit:
        raise
    except MemoryError:
        click.echo("gdanim: error: out of memory", err=True)
        sys.exit(1)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            click.echo(f"gdanim: error: {where}no space left on the device", err=True)
            sys.exit(2)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            click.echo(f"gdanim: error: {where}permission denied", err=True)
            sys.exit(2)
        click.echo(f"gdanim: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)

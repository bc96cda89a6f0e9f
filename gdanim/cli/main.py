"""The ``gdanim`` command line: click wiring only.

Options become a :class:`~gdanim.trainer.TrainConfig` or a render spec, then one call does the
work. Nothing here imports manim, so ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import interrupts
from ..config.lecture import EVERY_SCENE, FLAG_HELP, FLAGS
from ..errors import InputError
from ..scenes.registry import SCENES
from ..version import __version__
from .options import (
    ANALYSIS,
    DATA,
    OUTPUT,
    SCENE_ONLY,
    TRAIN,
    F,
    option,
    options,
    spec_from,
)

if TYPE_CHECKING:
    from ..config import RenderSpec, TrainConfig
    from ..datasets import Dataset


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
        except Exception:
            # The stop lands inside a library that turns it into an error of its own (the
            # video writer closing a half-written segment): still a stop, not a fault.
            if interrupts.received():
                click.echo("gdanim: interrupted", err=True)
                sys.exit(130)
            raise


def load_data(spec: RenderSpec) -> Dataset:
    """The dataset a spec names (default: ``campaign``); the reader's notes on stderr."""
    from ..pipeline.prepare import load_spec_data

    ds = load_spec_data(spec)
    for note in ds.notes:
        click.echo(f"note: {note}", err=True)
    return ds


def report_standardization(ds: Dataset, cfg: TrainConfig) -> None:
    """One line on stderr when x is standardised by default."""
    st = cfg.standardization(ds)
    if st is not None and st.auto:
        click.echo(f"note: {st.note()}", err=True)


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
    from ..datasets import DATASETS, get_dataset
    from ..landscape import analyze
    from ..losses import make_loss

    rows: list[dict[str, Any]] = []
    for name in sorted(DATASETS):
        ds = get_dataset(name)
        a = analyze(ds, make_loss(ds.loss))
        row: dict[str, Any] = {
            "name": name,
            "n": ds.n,
            "x_min": float(ds.x.min()),
            "x_max": float(ds.x.max()),
            "loss": ds.loss,
            "lr_critical": a.lr_critical,
            "description": ds.description,
        }
        if ds.d > 1:
            row["features"] = list(ds.features)
            row["x_min"] = [float(v) for v in ds.x.min(axis=0)]
            row["x_max"] = [float(v) for v in ds.x.max(axis=0)]
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    click.echo(f"{'name':<17}{'n':>4}  {'x range':<15}{'loss':<9}{'lr_crit':>9}  description")
    for r in rows:
        if "features" in r:
            xr = f"{len(r['features'])} features"
        else:
            xr = f"[{r['x_min']:.3g}, {r['x_max']:.3g}]"
        click.echo(
            f"{r['name']:<17}{r['n']:>4}  {xr:<15}{r['loss']:<9}{_fmt(r['lr_critical']):>9}"
            f"  {r['description']}"
        )


@cli.command("analyze")
@options(DATA)
@options(ANALYSIS)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def analyze_cmd(as_json: bool, **kw: Any) -> None:
    """The optimum, the curvature and the learning rate at which the data diverges.

    \b
    --init scales the rates where there is no critical one (mae).
    """
    from ..optimizers import OPTIMIZERS

    spec = spec_from(kw)
    ds = load_data(spec)
    cfg = spec.train
    lo = cfg.make_loss(ds)
    st = cfg.standardization(ds)
    a = cfg.replace(normalize=st is not None, init=cfg.init or ds.init).analysis(ds)
    if as_json:
        out = {"dataset": ds.describe(), "loss": lo.describe(), "optimizer": cfg.optimizer}
        out["standardized"] = st.to_dict() if st is not None else None
        out.update(a.to_dict())
        click.echo(json.dumps(out, indent=1))
        return
    report_standardization(ds, cfg)
    click.echo(f"{ds.name}: {ds.n} points, {lo.title}, {OPTIMIZERS[cfg.optimizer].title}")
    if ds.d > 1:
        _analyze_features(ds, a)
    else:
        lam_min, lam_max = a.eigenvalues
        w, b = a.optimum
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


def _analyze_features(ds: Dataset, a: Any) -> None:
    """``analyze``'s optimum and curvature with several features."""
    click.echo(f"  features          {', '.join(ds.features)}")
    ws = ", ".join(f"{v:.6g}" for v in a.weights)
    click.echo(
        f"  optimum           w = ({ws}), b = {a.optimum[-1]:.6g}, loss = {a.optimum_loss:.6g}"
    )
    lams = ", ".join(f"{v:.4g}" for v in a.eigenvalues)
    click.echo(f"  Hessian           eigenvalues {lams}, condition number {a.condition_number:.4g}")
    click.echo(
        f"  valley            {a.valley_ratio:.4g} times longer than it is wide "
        "(the square root of the condition number)"
    )


@cli.command("train")
@options(DATA)
@options(TRAIN)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default="-", help="JSON file, - for stdout."
)
def train_cmd(output: str, **kw: Any) -> None:
    """Train and write the trajectory as JSON (format in gdanim.trajectory)."""
    from ..trainer import train

    spec = spec_from(kw)
    if output != "-":
        check_json_output(output, [spec.data_path])
    ds = load_data(spec)
    report_standardization(ds, spec.train)
    traj = train(ds, spec.train)
    if output == "-":
        click.echo(traj.to_json(), nl=False)
    else:
        traj.save(output)
    _report_run(traj)


@cli.command("scenes")
def scenes_cmd() -> None:
    """List the scenes."""
    for name, info in SCENES.items():
        click.echo(f"{name:<16}{info.summary}")


def _render_epilog() -> str:
    from ..config.vary import presets_help

    return (
        "\b\ncompare presets (--preset NAME), each a lesson's experiment:\n"
        + presets_help()
        + "\n\b\nExamples:\n  gdanim render compare --preset momentum\n"
        "  gdanim render compare --vary optimizer=gd,momentum,adam --dataset uniform\n"
        "  gdanim render compare --vary 'init=0,0;150,-300' --data grades.csv"
    )


@cli.command("render", epilog=_render_epilog())
@click.argument("scene", type=click.Choice(list(SCENES)))
@options(DATA)
@options(TRAIN)
@options(OUTPUT)
@option("trajectory_path")
@options(SCENE_ONLY)
@click.option("-o", "--output", type=click.Path(), help="Output file [default: under media/].")
@click.option("--force", is_flag=True, help="Render even if the same spec is already there.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, only errors.")
def render_cmd(scene: str, output: str | None, force: bool, quiet: bool, **kw: Any) -> None:
    """Render SCENE to MP4, GIF, WebM or PNG (the final frame)."""
    spec = spec_from(kw, scene=scene)
    from ..pipeline.render import render

    def note(text: str) -> None:
        click.echo(f"note: {text}", err=True)

    result = render(spec, output, force=force, quiet=quiet, notes=note)
    if result.reused:
        click.echo(f"{result.path} (unchanged spec: reused; --force renders again)", err=True)
    elif not quiet:
        click.echo(f"{result.path} ({result.seconds:.1f} s)", err=True)
    if not quiet:
        for run in result.manifest.runs:
            if run.outcome.kind in ("diverged", "oscillating"):
                name = run.label if "value" in run.model_fields_set else f"lr {run.lr:.4g}"
                click.echo(f"note: {name}: {run.verdict}", err=True)
    click.echo(result.path)


def _report_run(traj: Any) -> None:
    lr = traj.config.get("lr")
    if traj.diverged:
        click.echo(
            f"note: diverged at update {traj.diverged_at} with lr {lr:.4g}; training stopped "
            f"there ({traj.n_states} states kept)",
            err=True,
        )
    elif traj.d > 1:
        ws = ", ".join(f"{v:.6g}" for v in traj.w[-1])
        click.echo(
            f"{traj.n_updates} updates with lr {lr:.4g}: w = ({ws}), "
            f"b = {traj.b[-1]:.6g}, loss = {traj.loss[-1]:.6g}",
            err=True,
        )
    else:
        click.echo(
            f"{traj.n_updates} updates with lr {lr:.4g}: w = {traj.w[-1]:.6g}, "
            f"b = {traj.b[-1]:.6g}, loss = {traj.loss[-1]:.6g}",
            err=True,
        )


#: Extensions a trajectory file must not be given: another program's files.
_NOT_JSON = (".csv", ".tsv", ".txt", ".dat", ".data", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods",
             ".toml", ".mp4", ".gif", ".webm", ".png", ".pdf", ".pptx", ".html", ".gz",
             ".zip", ".parquet", ".feather", ".dta")  # fmt: skip


def check_json_output(path: str, inputs: list[str | None]) -> None:
    """One line when ``train -o`` cannot or must not write ``path``; creates nothing."""
    from ..fileio import shown

    ext = os.path.splitext(path)[1].lower()
    if ext in _NOT_JSON and not path.endswith((os.sep, "/")):
        fail(f"{shown(path)}: train writes JSON, not {ext}; name it .json")
    check_file_output(path, inputs, "run.json", "-o - writes to standard output")


def check_file_output(path: str, inputs: list[str | None], example: str, stdout: str) -> None:
    """One line when ``-o`` cannot or must not write the file ``path``; creates nothing."""
    from ..fileio import check_target, shown

    if path.endswith((os.sep, "/")) or os.path.isdir(path):
        fail(f"{shown(path)}: is a folder; give a file name with -o (e.g. {example})")
    try:
        check_target(path, inputs)
    except InputError as exc:
        if "system file" in str(exc) or "device" in str(exc) or "pipe" in str(exc):
            raise InputError(f"{exc}; {stdout}") from None
        raise
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        fail(f"{shown(path)}: the folder {shown(folder)} does not exist")
    if not os.access(folder, os.W_OK):
        fail(f"{shown(path)}: the folder {shown(folder)} is not writable")


def lecture_options(f: F) -> F:
    """Options of ``lecture``: output overrides for every scene, parallelism, extras."""
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
            options(EVERY_SCENE, for_every_scene=True),
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
            *(click.option(f"--{flag}", is_flag=True, help=FLAG_HELP[flag]) for flag in FLAGS),
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
    from ..lectures.command import run_command

    given = {k: kw.pop(k) for k in EVERY_SCENE}
    overrides = spec_from({k: v for k, v in given.items() if v is not None})
    fields = {k for k in given if given[k] is not None}
    checked = {k: getattr(overrides, k) for k in fields if k != "resolution"}
    if "resolution" in fields:
        checked["resolution"] = overrides.pixel_size
    code = run_command(lecture_file, out_dir, echo=click.echo, **checked, **kw)
    if code:
        sys.exit(code)


@cli.command("script")
@click.argument("target", required=False, metavar="[SCENE|LECTURE_FILE]")
@options(DATA)
@options(TRAIN)
@option("trajectory_path")
@options(SCENE_ONLY)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write [default: stdout]."
)
def script_cmd(target: str | None, output: str | None, **kw: Any) -> None:
    """Write the narration script: one line per beat, its id and the words to say.

    \b
    TARGET is a scene (with the render's data and training options) or a lecture file;
    with none, the default lecture. Record each line as ID.wav (or .mp3, .m4a) in one
    folder and render with --voice FOLDER: each beat lasts as long as your recording.
    """
    from ..fileio import atomic_write_text
    from ..speech.script import lecture_script, render_beats_text

    if target in SCENES:
        text = render_beats_text(spec_from(kw, scene=target))
    else:
        given = [k for k, v in kw.items() if v is not None]
        if given:
            fail(f"--{given[0].replace('_', '-')}: goes with a scene; a lecture file sets its own")
        from ..lectures.file import default_lecture, load_lecture

        if target is not None and not os.path.isfile(target):
            fail(f"{target}: neither a scene ({', '.join(SCENES)}) nor a lecture file")
        lecture = load_lecture(target) if target else default_lecture()
        if output and target and os.path.abspath(output) == os.path.abspath(target):
            fail(f"{output}: is the lecture file; the script goes to another file")
        text = lecture_script([(s.name, s.spec) for s in lecture.scenes], lecture.title)
    if output:
        check_file_output(output, [target], "script.txt", "without -o it goes to standard output")
        atomic_write_text(output, text)
        click.echo(output, err=True)
    else:
        click.echo(text, nl=False)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    # SIGTERM unwinds like Ctrl-C, so temporary folders are removed on the way out.
    interrupts.install()
    if os.environ.pop("GDANIM_DIE_WITH_PARENT", None):
        interrupts.die_with_parent()
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

"""``gdanim lecture`` from start to end: load, plan, render, report."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from .assemble import make_lecture
from .file import (
    EVERY_SCENE,
    FLAGS,
    default_lecture,
    load_lecture,
    with_flags,
    with_options,
)
from .jobs import Job, plan
from .page import clock


def describe_jobs(jobs: Sequence[Job], out_dir: str) -> list[str]:
    """One line per job, for ``--dry-run``."""
    lines = []
    width = max((len(j.name) for j in jobs), default=0) + 2

    def data_of(job: Job) -> str:
        s = job.spec
        return s.dataset or (
            os.path.basename(s.data_path) if s.data_path else s.scene_info.default_dataset
        )

    # Columns as wide as their longest entry ("real_penguins.csv") and two spaces.
    data_width = max([14, *(len(data_of(j)) + 2 for j in jobs)])
    for job in jobs:
        s = job.spec
        w, h = s.pixel_size
        target = os.path.relpath(job.output, os.path.abspath(out_dir))
        lines.append(
            f"{job.kind:<7}{job.name:<{width}}{s.scene:<16}{data_of(job):<{data_width}}"
            f"{f'{w}x{h}@{s.frame_rate}':<15}{s.theme:<6} -> {target}"
        )
    return lines


def run_command(
    lecture_file: str | None,
    out_dir: str,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    quiet: bool = False,
    echo: Callable[[str], None] = print,
    stream: IO[str] | None = None,
    **options: Any,
) -> int:
    """``gdanim lecture``: 0 when every scene rendered, 1 when any failed.

    ``options``: the output options for every scene (:data:`~.file.EVERY_SCENE`) and the
    flags (:data:`~.file.FLAGS`) the command line gave.
    """
    stream = stream or sys.stderr
    lecture = load_lecture(lecture_file) if lecture_file else default_lecture()
    lecture = with_options(lecture, **{k: options.pop(k) for k in EVERY_SCENE if k in options})
    lecture = with_flags(lecture, **{k: bool(options.pop(k)) for k in FLAGS if k in options})
    if options:
        raise TypeError(f"run_command: unknown option {next(iter(options))!r}")
    if dry_run:
        for line in describe_jobs(plan(lecture, out_dir, gif=lecture.gif), out_dir):
            echo(line)
        return 0
    report = make_lecture(
        lecture,
        out_dir,
        jobs=jobs,
        scheduler=scheduler,
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
            line += f"; {j['path']} {clock(j['duration'])} ({how})"
        line += f"; {m['timings']['total_seconds']:.1f} s"
        stream.write(line + "\n")
    if report.failures:
        names = sorted({f["name"] for f in report.failures})
        where = os.path.join(out_dir, "manifest.json")
        stream.write(f"lecture: failed: {', '.join(names)} (see {where})\n")
    echo(report.index)
    return 0 if report.ok else 1

"""The lecture's renders as jobs, each a pure function of its spec, run locally or on Dask."""

from __future__ import annotations

import contextlib
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, replace
from typing import Any

from .. import interrupts
from ..config import RenderSpec
from ..errors import GifTooLong, InputError
from .file import GIF_QUALITY, Lecture
from .records import JobKind, JobResult


@dataclass(frozen=True)
class Job:
    """One render: ``kind`` is ``video`` (mp4) or ``gif``."""

    name: str
    kind: JobKind
    spec: RenderSpec
    output: str
    force: bool = False

    @property
    def label(self) -> str:
        return os.path.basename(self.output)


def plan(lecture: Lecture, out_dir: str, *, gif: bool = False, force: bool = False) -> list[Job]:
    """The lecture's jobs: the videos in lecture order, then the GIFs. The decks need no job:
    they are cut from the videos."""
    out = os.path.abspath(out_dir)
    jobs = [
        Job(s.name, "video", s.spec, os.path.join(out, f"{s.name}.mp4"), force)
        for s in lecture.scenes
    ]
    if gif or lecture.gif:
        for s in lecture.scenes:
            spec = s.spec.replace(format="gif", narrate=False)  # a GIF has no sound
            if spec.width is None:
                spec = spec.replace(quality=GIF_QUALITY)
            jobs.append(Job(s.name, "gif", spec, os.path.join(out, f"{s.name}.gif"), force))
    return jobs


def estimated_cost(job: Job) -> float:
    """Roughly the CPU seconds ``job`` takes: its scene's measured cost at 1080p60, scaled
    by the pixels it draws per second."""
    from ..scenes.registry import SCENES

    w, h = job.spec.pixel_size
    return SCENES[job.spec.scene].cost * (w * h * job.spec.frame_rate) / (1920 * 1080 * 60)


def costliest_first(jobs: Sequence[Job]) -> list[Job]:
    """The order to start ``jobs`` in: the longest first, so the last to finish are short
    and the workers run out of work together (ties keep the lecture's order)."""
    return sorted(jobs, key=estimated_cost, reverse=True)


def one_line(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:397] + "..."


def run_job(job: Job) -> JobResult:
    """Render one job; never raises (an error is returned as one line).

    A pure function of ``job``: the same spec gives the same file, and a file whose manifest
    has the spec's key is reused. Picklable both ways, so it runs in a process pool or on a
    Dask worker alike.
    """
    import socket

    start = time.perf_counter()
    cpu = cpu_seconds()
    out = JobResult(job.name, job.kind, job.output, host=socket.gethostname(), pid=os.getpid())
    try:
        interrupts.check()
        from ..pipeline.render import render

        try:
            result = render(job.spec, job.output, force=job.force, quiet=True, name=job.name)
        except GifTooLong as slow:
            if job.kind != "gif":
                raise
            # A GIF for the slides of every scene: the one whose loop would be too long to
            # follow at the lecture's pace is made at the pace that fits, and says so.
            spec = job.spec.replace(duration=slow.duration)
            result = render(spec, job.output, force=job.force, quiet=True, name=job.name)
            out = replace(out, note=f"at --duration {slow.duration:g}, to loop in time")
        out = replace(
            out,
            path=result.path,
            manifest_path=result.manifest_path,
            reused=result.reused,
            seconds=result.seconds,
            key=result.manifest.key,
            manifest=result.manifest,
        )
    except Exception as exc:
        debug = traceback.format_exc() if os.environ.get("GDANIM_DEBUG") else None
        out = replace(out, error=one_line(exc), traceback=debug)
    return replace(
        out,
        wall_seconds=round(time.perf_counter() - start, 3),
        cpu_seconds=round(cpu_seconds() - cpu, 3),
    )


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (ffmpeg)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return time.process_time()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _failed(job: Job, exc: BaseException) -> JobResult:
    return JobResult(job.name, job.kind, job.output, error=one_line(exc))


Done = Callable[[Job, JobResult], None]


def run_local(jobs: Sequence[Job], workers: int, on_done: Done) -> None:
    """Run the jobs in ``workers`` processes (in this one when 1)."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_done(job, run_job(job))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A fresh interpreter per worker: manim keeps global state, and fork would copy threads.
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=ctx, initializer=_worker_init
    )
    try:
        drain(pool, jobs, on_done)
    except BaseException:
        _interrupt(pool)
        raise
    pool.shutdown()


def drain(executor: Executor, jobs: Sequence[Job], on_done: Done) -> None:
    """Submit every job to ``executor`` and report each as it finishes (any order)."""
    futures = {executor.submit(run_job, job): job for job in costliest_first(jobs)}
    for fut in as_completed(futures):
        job = futures[fut]
        try:
            outcome = fut.result()
        except Exception as exc:  # a worker that died, or could not unpickle the job
            outcome = _failed(job, exc)
        on_done(job, outcome)


def _worker_init() -> None:
    """A pool worker's Ctrl-C stops its job (which cleans up) and every job queued after it:
    :func:`run_job` checks for a stop that was asked for before it starts. A worker whose
    parent dies (killed, its terminal closed) is stopped the same way, never left running."""
    interrupts.install()
    interrupts.die_with_parent()


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


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the Dask scheduler at ``address``.

    The workers need gdanim installed and the output folder on a file system they share.
    """
    check_dask()
    from distributed import Client

    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {address}: cannot connect ({one_line(exc)})") from None
    with client:
        yield client.get_executor(pure=False, retries=0)


def run_dask(jobs: Sequence[Job], address: str, on_done: Done) -> None:
    """Send the jobs to the Dask scheduler at ``address``."""
    with dask_executor(address) as executor:
        drain(executor, jobs, on_done)

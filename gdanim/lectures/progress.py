"""The lecture's progress: a rich status line on a terminal, a line per job in logs and CI."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import IO, Any

from .jobs import Job
from .records import JobResult


class Progress:
    """On a terminal, one live line: a bar, jobs done, reused and failed, what is rendering,
    the time; messages (failures) print above it. Elsewhere one line per finished job."""

    def __init__(self, jobs: Sequence[Job], stream: IO[str], workers: int | None, quiet: bool):
        self.jobs = list(jobs)
        self.stream = stream
        self.workers = workers
        self.quiet = quiet
        self.tty = bool(getattr(stream, "isatty", lambda: False)()) and not quiet
        self.finished: dict[int, JobResult] = {}
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar
            from rich.table import Column

            console = Console(file=self.stream, force_terminal=True, highlight=False)
            self._bar = Bar(
                TextColumn("lecture"),
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                # What is rendering gives way (an ellipsis) before the bar and the counts do.
                TextColumn(
                    "{task.fields[extra]}",
                    table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis"),
                ),
                console=console,
                transient=True,
                refresh_per_second=2,
            )
            self._task = self._bar.add_task("lecture", total=len(self.jobs), extra=self._extra())
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _extra(self) -> str:
        """``1 reused, 1 failed · rendering a.mp4, b.mp4``: what the bar does not show."""
        failed = sum(1 for o in self.finished.values() if o.error)
        reused = sum(1 for o in self.finished.values() if o.reused)
        parts = [f"{reused} reused"] if reused else []
        if failed:
            parts.append(f"{failed} failed")
        pending = [j for i, j in enumerate(self.jobs) if i not in self.finished]
        if self.workers:
            running = ", ".join(j.label for j in pending[: self.workers])
            now = f"rendering {running}" if running else ""
        else:
            now = f"{len(pending)} on the cluster" if pending else ""
        text = ", ".join(parts)
        return " · ".join(t for t in (text, now) if t)

    def say(self, text: str) -> None:
        """A message line (above the live line on a terminal)."""
        with self._lock:
            if self._bar is not None:
                self._bar.console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                self.stream.write(text + "\n")
                self.stream.flush()

    def done(self, job: Job, outcome: JobResult) -> None:
        index = next(
            i for i, j in enumerate(self.jobs) if j is job or (j == job and i not in self.finished)
        )
        with self._lock:
            self.finished[index] = outcome
        count = f"[{len(self.finished)}/{len(self.jobs)}]"
        if outcome.error:
            self.say(f"lecture: {count} {job.label} failed: {outcome.error}")
            if outcome.traceback:  # GDANIM_DEBUG=1
                self.say(outcome.traceback.rstrip())
        elif not self.quiet and not self.tty:
            seconds = outcome.seconds
            how = "reused" if outcome.reused else f"rendered in {seconds:.1f} s"
            if outcome.note:
                how += f" ({outcome.note})"
            self.say(f"lecture: {count} {job.label} {how}")
        if self._bar is not None:
            self._bar.update(self._task, completed=len(self.finished), extra=self._extra())
            self._bar.refresh()

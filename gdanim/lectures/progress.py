"""One status line over the lecture's jobs."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from .jobs import Job


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

"""Ctrl-C, SIGTERM and a closed terminal (SIGHUP) stop a render cleanly, even when Python
swallows the first exception.

A signal handler's exception can land inside a weakref callback or a ``__del__``, where
Python prints "Exception ignored" with a traceback and carries on. So the handler also
records the signal, long loops call :func:`check` at safe points (every frame) to raise it
again, and the hook for such exceptions stays silent about a stop it knows of: the user
sees "interrupted", never a traceback.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from types import FrameType
from typing import Any

_received: list[int] = []


def _handler(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


def _signals() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


def _quiet_about_stops(unraisable: Any) -> None:
    """``sys.unraisablehook`` that drops a recorded stop and hands anything else on."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _received:
        return
    _previous_hook(unraisable)


_previous_hook = sys.unraisablehook


def install() -> None:
    """Route SIGINT, SIGTERM and SIGHUP through the recording handler (main thread only)."""
    global _previous_hook
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in _signals():
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _handler)
    if sys.unraisablehook is not _quiet_about_stops:
        _previous_hook = sys.unraisablehook
        sys.unraisablehook = _quiet_about_stops


def die_with_parent(sig: int = signal.SIGTERM, grace: float = 15.0) -> None:
    """Stop this process when its parent dies, so a worker never outlives the command that
    started it: the kernel sends ``sig`` (Linux), which unwinds the work and removes its
    temporary files, and a watchdog ends the process ``grace`` seconds later whatever it
    was doing (a pool worker would otherwise wait for its next job forever)."""
    import ctypes
    import ctypes.util
    import os
    import sys
    import time

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        with contextlib.suppress(OSError):
            os.kill(os.getpid(), sig)
        time.sleep(grace)
        os._exit(130)

    threading.Thread(target=watch, name="gdanim-parent-watch", daemon=True).start()


def received() -> bool:
    """Whether a stop was asked for: whatever fails after it (a video writer closing on a
    half-written segment) fails because of it."""
    return bool(_received)


def check() -> None:
    """Raise ``KeyboardInterrupt`` if a stop was asked for and not yet acted on."""
    if _received:
        raise KeyboardInterrupt


def clear() -> None:
    """Forget past signals (for tests, and long-lived callers that handled them)."""
    _received.clear()

"""Ctrl-C, SIGTERM and a closed terminal (SIGHUP) stop a render cleanly, even when Python
swallows the first exception.

A signal handler's exception can land inside a weakref callback or a ``__del__``, where
Python prints "Exception ignored" and carries on. So the handler also records the signal,
and long loops call :func:`check` at safe points (every frame) to raise it again.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

_received: list[int] = []


def _handler(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


def _signals() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


def install() -> None:
    """Route SIGINT, SIGTERM and SIGHUP through the recording handler (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in _signals():
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _handler)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux), so a
    worker never outlives the command that started it; elsewhere nothing happens."""
    import ctypes
    import ctypes.util
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os.kill(os.getpid(), sig)


def check() -> None:
    """Raise ``KeyboardInterrupt`` if a stop was asked for and not yet acted on."""
    if _received:
        raise KeyboardInterrupt


def clear() -> None:
    """Forget past signals (for tests, and long-lived callers that handled them)."""
    _received.clear()

"""Ctrl-C and SIGTERM stop a render cleanly, even when Python swallows the first exception.

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


def install() -> None:
    """Route SIGINT and SIGTERM through the recording handler (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _handler)


def check() -> None:
    """Raise ``KeyboardInterrupt`` if a stop was asked for and not yet acted on."""
    if _received:
        raise KeyboardInterrupt


def clear() -> None:
    """Forget past signals (for tests, and long-lived callers that handled them)."""
    _received.clear()

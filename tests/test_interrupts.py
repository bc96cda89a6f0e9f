"""A stop that lands where Python cannot raise it (a ``__del__``, a weakref callback) is
kept, raised again at the next safe point, and never shown as a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from gdanim import interrupts
    interrupts.install()

    class Dropped:
        def __del__(self):
            os.kill(os.getpid(), signal.{sig})
            total = 0
            for i in range(100000):  # the handler runs here, inside __del__
                total += i

    Dropped()
    print("carried on", flush=True)
    try:
        interrupts.check()
    except KeyboardInterrupt:
        print("raised again", flush=True)
        sys.exit(130)
    sys.exit(0)
    """
)


def _default_signals() -> None:
    # As a terminal delivers them: a suite started in the background (`make test &`) passes
    # its children SIGINT ignored, which install() rightly keeps.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_stop_inside_a_finaliser_is_raised_again_without_a_traceback(sig):
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(sig=sig)], capture_output=True,
                          text=True, timeout=60, preexec_fn=_default_signals)  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert done.stdout.split() == ["carried", "on", "raised", "again"]
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_other_unraisable_exceptions_are_still_reported():
    script = textwrap.dedent(
        """
        from gdanim import interrupts
        interrupts.install()

        class Broken:
            def __del__(self):
                raise ValueError("a real fault")

        Broken()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0
    assert "a real fault" in done.stderr


def test_install_twice_keeps_one_hook():
    from gdanim import interrupts

    before = sys.unraisablehook
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    def theirs(unraisable):  # a hook some other library set first
        before(unraisable)

    sys.unraisablehook = theirs
    try:
        interrupts.install()
        hook = sys.unraisablehook
        interrupts.install()
        assert sys.unraisablehook is hook is interrupts._quiet_about_stops
        assert interrupts._previous_hook is theirs
    finally:
        sys.unraisablehook = before
        for s, h in old.items():
            signal.signal(s, h)

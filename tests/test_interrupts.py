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


def test_a_stop_while_a_frame_is_encoded_stays_a_stop():
    """The segment encoder reports a failure to encode as an error of its own; a stop that
    lands there is still a stop ("interrupted", exit 130), not an encoding fault."""
    from fractions import Fraction
    from types import SimpleNamespace

    import av

    from gdanim.pipeline.encoding import encoder_class

    cls = encoder_class()
    enc = cls.__new__(cls)
    enc.target = "segment.mp4"
    enc.spec = SimpleNamespace(
        frame_rate=Fraction(15), container_format="mp4", codec="libx264",
        pixel_format="yuv420p", width=16, height=16,
    )  # fmt: skip
    enc._next_pts = 0
    frame = av.VideoFrame(16, 16, "yuv420p")

    def stopped(_frame):
        raise KeyboardInterrupt

    def broken(_frame):
        raise ValueError("no such codec state")

    enc._stream = SimpleNamespace(encode=stopped, pix_fmt="yuv420p")
    with pytest.raises(KeyboardInterrupt):
        enc.write_frame(frame)
    enc._stream = SimpleNamespace(encode=broken, pix_fmt="yuv420p")
    with pytest.raises(RuntimeError, match="Failed to encode"):
        enc.write_frame(frame)


def test_a_failure_after_a_stop_is_reported_as_the_stop(monkeypatch, capsys):
    """Whatever a library raises once a stop was asked for (its own error wrapping the
    interrupt) ends the command as a stop: one line, exit 130, no traceback."""
    import click

    from gdanim import interrupts
    from gdanim.cli.main import _Group

    @click.group(cls=_Group)
    def cli() -> None:
        pass

    @cli.command()
    def work() -> None:
        interrupts._received.append(signal.SIGTERM)
        raise RuntimeError("Failed to finish video segment")

    @cli.command()
    def fault() -> None:
        raise RuntimeError("a real fault")

    try:
        with pytest.raises(SystemExit) as stop:
            cli.main(["work"])
        assert stop.value.code == 130
        assert capsys.readouterr().err == "gdanim: interrupted\n"
    finally:
        interrupts.clear()
    with pytest.raises(RuntimeError, match="a real fault"):
        cli.main(["fault"])

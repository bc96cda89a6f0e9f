"""The one error type that reaches users as a one-line message and exit code 2."""

from __future__ import annotations


def one_line(text: str) -> str:
    """``text`` as one line: line breaks and other control characters written as escapes
    (a file name may hold a newline)."""
    if not any(ord(c) < 32 or ord(c) == 127 for c in text):
        return text
    return "".join(c if 32 <= ord(c) != 127 else repr(c)[1:-1] for c in text)


class InputError(ValueError):
    """Bad input from the user: a file, an option value, a combination of options.

    The CLI prints ``gdanim: error: <message>`` and exits with code 2; no traceback. The
    message is always one line.
    """

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(one_line(str(message)), *args)


class GifTooLong(InputError):
    """A GIF that would loop too long to follow at the pace asked; ``duration`` is the
    ``--duration`` at which its loop fits."""

    def __init__(self, message: object, duration: float) -> None:
        super().__init__(message)
        self.duration = duration

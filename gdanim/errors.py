"""The one error type that reaches users as a one-line message and exit code 2."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from the user: a file, an option value, a combination of options.

    The CLI prints ``gdanim: error: <message>`` and exits with code 2; no traceback.
    """

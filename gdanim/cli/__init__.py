"""The ``gdanim`` command line: click commands (:mod:`.main`) over options made from the
configuration's fields (:mod:`.options`). Nothing here imports manim, so ``--help`` is fast."""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]

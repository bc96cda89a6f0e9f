"""The command starts fast and does not need manim for help and version."""

from __future__ import annotations

import subprocess
import sys

from gdanim import __version__
from gdanim.cli import cli


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_does_not_import_manim():
    code = (
        "import sys\n"
        "from gdanim.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'manim' not in sys.modules, 'manim imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "render" in out.stdout or "train" in out.stdout

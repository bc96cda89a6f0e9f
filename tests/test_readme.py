"""The README stays true: its CLI reference is the commands' own help, its files exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def readme() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        return fh.read()


def test_cli_reference_is_current():
    script = os.path.join(ROOT, "scripts", "cli_reference.py")
    out = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_quick_start_is_the_two_make_commands():
    text = readme()
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", quick, flags=re.M)
    assert commands == ["make lecture", "make test"]


def test_gallery_images_exist():
    text = readme()
    for path in re.findall(r"\]\((media/gallery/[^)]+)\)", text):
        assert os.path.isfile(os.path.join(ROOT, path)), path

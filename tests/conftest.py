"""Shared fixtures: every test that writes does so in a temporary folder."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    """A CliRunner working in an empty temporary folder."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()

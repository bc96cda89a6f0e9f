"""Shared fixtures: every test that writes does so in a temporary folder.

The whole run keeps its render cache (LaTeX, text and manifests) in one temporary folder,
never in the user's ``~/.cache``; renders in worker processes inherit it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from click.testing import CliRunner


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``XDG_CACHE_HOME`` in a temporary folder for the whole run."""
    folder = str(tmp_path_factory.mktemp("cache"))
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = folder
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    """A CliRunner working in an empty temporary folder."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()

"""Shared fixtures: every test that writes does so in a temporary folder.

The whole run keeps its render cache (LaTeX, text and manifests) in one temporary folder,
never in the user's ``~/.cache``; renders in worker processes inherit it.
"""

from __future__ import annotations

# gdanim before numpy, as in the command line: it pins OpenBLAS's kernels, so the goldens'
# bytes hold on every x86-64 machine.
import gdanim  # noqa: F401  isort: skip

import os
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from tests.tables import write_heights


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first, a module's tests kept together and in their order.

    A module with scene builds (``slow``) goes before one with renders (``render``), which goes
    before the rest: with ``--dist worksteal`` the workers start on the long tests and share
    the short ones at the end, so they finish together. Every worker sorts the same way.
    """
    rank: dict[str, int] = {}
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        own = 0 if "slow" in marks else 1 if "render" in marks else 2
        rank[_module(item)] = min(own, rank.get(_module(item), 2))
    items.sort(key=lambda item: rank[_module(item)])


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """``XDG_CACHE_HOME`` in a temporary folder for the whole run.

    With pytest-xdist, every worker of the run shares one folder (the typesetting cache is
    safe across processes: each render works on copies and publishes files atomically), so a
    LaTeX string is typeset once per run, not once per worker.
    """
    base = tmp_path_factory.getbasetemp()
    folder = str(base.parent / "cache" if worker_id != "master" else base / "cache")
    os.makedirs(folder, exist_ok=True)
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = folder
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session", autouse=True)
def private_media(tmp_path_factory: pytest.TempPathFactory) -> None:
    """manim's media folder, for mobjects a test makes outside a render, in a temporary
    folder of this worker's own: manim parses a text through a scratch file beside its
    cached SVG, so two processes sharing ``./media`` race on it."""
    from manim import config

    config.media_dir = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    """A CliRunner working in an empty temporary folder."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture(scope="session")
def heights(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real-magnitude table: heights in cm against weights in kg, 200 rows."""
    return str(write_heights(tmp_path_factory.mktemp("real")))

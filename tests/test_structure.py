"""The package's imports run one way: no circles, and the numpy core never reads the options.

Every import counts: at the top of a module, inside a function, and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "gdanim")

#: The numpy core: data, training, the landscape, a run's record. None of it may import the
#: configuration, the pipeline, the scenes, the lectures or the command line.
CORE = (
    "gdanim.datasets",
    "gdanim.landscape",
    "gdanim.losses",
    "gdanim.numbers",
    "gdanim.optimizers",
    "gdanim.outcome",
    "gdanim.settings",
    "gdanim.trainer",
    "gdanim.trajectory",
)
ABOVE_CORE = ("gdanim.config", "gdanim.pipeline", "gdanim.scenes", "gdanim.lectures", "gdanim.cli")


def modules() -> dict[str, str]:
    """Every module of the package: dotted name -> file."""
    out = {}
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, ROOT)[: -len(".py")].split(os.sep)
                if rel[-1] == "__init__":
                    rel = rel[:-1]
                out[".".join(rel)] = path
    return out


def imports(name: str, path: str, known: dict[str, str]) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in its file."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    is_package = path.endswith("__init__.py")
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            mod = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # `from package import module` imports the module; `from module import name`,
            # the module. (A package's __init__ runs first either way, as for every import.)
            for a in node.names:
                targets.append(f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod)
        for t in targets:
            # The module itself, else the package it names.
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def reachable(g: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in g[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_no_module_imports_itself_back():
    g = graph()
    circles = []
    for name in sorted(g):
        for other in sorted(reachable(g, name)):
            # A package's __init__ gathers its own modules; that is not a circle.
            if within(other, name) or within(name, other):
                continue
            if name in reachable(g, other) and (other, name) not in circles:
                circles.append((name, other))
    assert circles == []


@pytest.mark.parametrize("core", CORE)
def test_the_core_never_imports_what_uses_it(core):
    g = graph()
    starts = [m for m in g if within(m, core)]
    bad = sorted(
        {dep for m in starts for dep in reachable(g, m) if any(within(dep, a) for a in ABOVE_CORE)}
    )
    assert bad == []

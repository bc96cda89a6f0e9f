"""What makes two renders the same: the spec, the input files' bytes, the code and versions."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from typing import TYPE_CHECKING

from ..version import __version__

if TYPE_CHECKING:
    from ..config import RenderSpec
    from ..datasets import Dataset

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@functools.cache
def code_digest() -> str:
    """Hash of gdanim's source (the scenes' included), so an edited scene is a new render."""
    h = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".html", ".css", ".js")):
                rel = os.path.relpath(os.path.join(folder, name), PACKAGE)
                with open(os.path.join(folder, name), "rb") as fh:
                    h.update(rel.encode() + b"\0" + fh.read())
    return h.hexdigest()


def file_sha256(path: str) -> str:
    from ..datasets.files.source import is_stream, read_stream

    if is_stream(path):  # a pipe is read once: its bytes are kept for the reader
        return hashlib.sha256(read_stream(path)).hexdigest()
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def content_hashes(spec: RenderSpec, dataset: Dataset | None = None) -> dict[str, str]:
    """Hashes of the files a spec reads, so an edited CSV is a new render; with data held in
    memory, of its numbers, its labels and what the scenes say of it."""
    out: dict[str, str] = {}
    if dataset is not None:
        identity = {**dataset.describe(), "labels": [dataset.x_label, dataset.y_label],
                    "caption": dataset.caption, "notes": list(dataset.notes)}  # fmt: skip
        blob = json.dumps(identity, sort_keys=True).encode()
        out["memory"] = hashlib.sha256(blob).hexdigest()
    for label, path in (("data", spec.data_path), ("trajectory", spec.trajectory_path)):
        if path:
            try:
                out[label] = file_sha256(path)
            except OSError:
                out[label] = "unreadable"
    return out


def spec_key(spec: RenderSpec, content: dict[str, str] | None = None) -> str:
    """Hash of the spec, the input files' contents and the versions."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        manim_version = version("manim")
    except PackageNotFoundError:  # pragma: no cover - manim is a dependency
        manim_version = "?"
    blob = {
        "spec": spec.to_dict(),
        "content": content or {},
        "gdanim": __version__,
        "code": code_digest(),
        "manim": manim_version,
    }
    text = json.dumps(blob, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()

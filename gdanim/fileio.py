"""Writing files so that a reader never sees half of one: temporary name, then rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator


def _temp_beside(path: str) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".gdanim-", suffix=".part", dir=folder)
    os.close(fd)
    # mkstemp makes the file private; give it the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return tmp


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    tmp = _temp_beside(path)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_move(src: str, dst: str) -> None:
    """Move ``src`` to ``dst`` so that ``dst`` is either the old file or the whole new one.

    A rename when both are on one file system; otherwise a copy to a temporary name beside
    ``dst`` and then a rename.
    """
    try:
        os.replace(src, dst)
        return
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: another file system
            raise
    tmp = _temp_beside(dst)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.unlink(src)


@contextlib.contextmanager
def private_dir(near: str, prefix: str = ".gdanim-job-") -> Iterator[str]:
    """A temporary folder beside ``near`` (same file system), removed on any exit."""
    folder = os.path.dirname(os.path.abspath(near))
    path = tempfile.mkdtemp(prefix=prefix, dir=folder)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)

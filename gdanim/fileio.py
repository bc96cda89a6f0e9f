"""Writing files so that a reader never sees half of one, and nothing is lost by a write.

Every write goes to a temporary name beside its target, then a rename. :func:`check_target`
refuses a target that is one of the inputs, or a device, FIFO, socket or folder (or a symbolic
link to one), before any work is done; the writers check again at the last moment, so even
as root a write never replaces ``/dev/null`` with a file. Temporary names carry the host and
the process: what a killed process left behind is removed by the next write into the folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import InputError

#: Temporary files and folders older than this are removed whoever made them.
STALE_SECONDS = 24 * 3600


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:24] or "host"


_TEMP = re.compile(r"^\.gdanim-(?:job-)?([A-Za-z0-9]+)-(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def clean_stale(folder: str) -> list[str]:
    """Remove the temporary files and folders that a killed gdanim left in ``folder``.

    Stale: made on this host by a process that is no longer running, or older than a day.
    Returns the names removed.
    """
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    host, now = _host(), time.time()
    for name in names:
        if not name.startswith(".gdanim-"):
            continue
        path = os.path.join(folder, name)
        try:
            age = now - os.lstat(path).st_mtime
        except OSError:
            continue
        m = _TEMP.match(name)
        dead = m is not None and m.group(1) == host and not _alive(int(m.group(2)))
        if not dead and age < STALE_SECONDS:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)
        removed.append(name)
    return removed


def _prefix(kind: str = "") -> str:
    return f".gdanim-{kind}{_host()}-{os.getpid()}-"


def _special(mode: int) -> str | None:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return None


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)


def check_target(path: str, inputs: Iterable[str | None] = (), what: str = "-o") -> None:
    """One line when writing ``path`` would destroy something.

    Refused: one of ``inputs`` (the same file by any name or link), a device, named pipe,
    socket or folder, or a symbolic link to one of those.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        st = None
    if st is not None:
        kind = _special(st.st_mode)
        if kind is not None:
            link = " (a link to it)" if os.path.islink(path) else ""
            raise InputError(f"{shown(path)}: is {kind}{link}, not a file {what} can write")
    if _system(path):
        raise InputError(f"{shown(path)}: is a system file, not a file {what} can write")
    for given in inputs:
        if given and os.path.exists(path) and _same(path, given):
            raise InputError(
                f"{shown(path)}: {what} would overwrite the input {shown(given)}; "
                "give another file name"
            )


def shown(path: str) -> str:
    """A path as one line of a message: control characters escaped."""
    text = os.fspath(path)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return repr(text)[1:-1]
    return text


def _system(path: str) -> bool:
    """Under ``/dev`` or ``/proc`` (``/dev/stdout`` is a link that a rename would replace)."""
    for p in (os.path.abspath(path), os.path.realpath(path)):
        if p.startswith(("/dev/", "/proc/", "/sys/")):
            return True
    return False


def _guard(dst: str) -> None:
    """The last check before a rename onto ``dst``."""
    try:
        kind = _special(os.stat(dst).st_mode)
    except OSError:
        kind = None
    if kind is not None:
        raise InputError(f"{shown(dst)}: is {kind}, not a file gdanim can write")
    if _system(dst):
        raise InputError(f"{shown(dst)}: is a system file, not a file gdanim can write")


def _temp_beside(path: str) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    clean_stale(folder)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(), suffix=".part", dir=folder)
    os.close(fd)
    # mkstemp makes the file private; give it the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return tmp


def read_json(path: str, what: str) -> Any:
    """The JSON in ``path``; :class:`InputError` in one line naming the file when it is
    missing, unreadable or not JSON (``what`` is what it should have been)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be {what}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    _guard(path)
    tmp = _temp_beside(path)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        _guard(path)
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
    _guard(dst)
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
    """A temporary folder beside ``near`` (same file system), removed on any exit.

    Its name carries this host and process, so a run that was killed (``kill -9``, a lost
    terminal) leaves a folder the next run into the same place removes.
    """
    folder = os.path.dirname(os.path.abspath(near))
    clean_stale(folder)
    kind = prefix.removeprefix(".gdanim-")
    path = tempfile.mkdtemp(prefix=_prefix(kind), dir=folder)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def folder_lock(path: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s folder: writes of several files that belong
    together (a video and its manifest) happen as one unit between processes."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

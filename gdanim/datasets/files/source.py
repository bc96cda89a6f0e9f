"""Where a data file's bytes come from, and what kind of file it is.

A named pipe or a process substitution (``--data <(cmd)``) can be read once only: its bytes
are read whole the first time (up to the text limit) and kept, so that hashing the input for
the render cache and reading it never wait on an empty pipe. Compressed files (``.gz``, and a
``.zip`` holding one table) are unpacked in memory within the same limit. :func:`kind_of`
names what a file is from its first bytes, so a web page or a PDF saved under a ``.csv`` name
is called what it is.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib

from ...errors import InputError

#: The largest text a table may be, after unpacking.
MAX_TEXT_BYTES = 2 * 1024**3

_STREAMS: dict[str, bytes] = {}

#: Members of a .zip that can hold a table.
TABLE_MEMBERS = (".csv", ".tsv", ".txt", ".dat", ".data", ".tab", ".psv")


def is_stream(p: str) -> bool:
    """A pipe, FIFO or character device: readable once, of unknown length."""
    try:
        mode = os.stat(p).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def read_stream(p: str) -> bytes:
    """The whole of a stream, read once and kept for every later reader."""
    if p not in _STREAMS:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            raise InputError(f"{p}: larger than 2 GiB")
        _STREAMS[p] = raw
    return _STREAMS[p]


def head(p: str, n: int = 4096) -> bytes:
    """The first ``n`` bytes, without using up a stream."""
    if is_stream(p):
        return read_stream(p)[:n]
    try:
        with open(p, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def whole(p: str) -> bytes:
    """Every byte of ``p`` (a stream read once); at most :data:`MAX_TEXT_BYTES`."""
    if is_stream(p):
        return read_stream(p)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a data file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise InputError(f"{p}: larger than 2 GiB")
    return raw


def gunzip(p: str, raw: bytes) -> bytes:
    """A gzip file's contents, refused past :data:`MAX_TEXT_BYTES` as it unpacks."""
    out = bytearray()
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = raw
        while data:
            out += d.decompress(data, MAX_TEXT_BYTES + 1 - len(out))
            if len(out) > MAX_TEXT_BYTES:
                raise InputError(f"{p}: unpacks to more than 2 GiB")
            data = d.unconsumed_tail
            if d.eof and d.unused_data[:2] == b"\x1f\x8b":  # another gzip member
                rest = d.unused_data
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest
    except zlib.error as exc:
        raise InputError(f"{p}: a damaged gzip file ({exc})") from None
    return bytes(out)


def unzip_table(p: str) -> tuple[str, bytes]:
    """The one table inside a .zip: its name and contents (within the size limit)."""
    try:
        with zipfile.ZipFile(p) as z:
            names = [
                i
                for i in z.infolist()
                if not i.is_dir()
                and not os.path.basename(i.filename).startswith((".", "__"))
                and "__MACOSX" not in i.filename
            ]
            tables = [i for i in names if i.filename.lower().endswith(TABLE_MEMBERS)]
            if len(tables) != 1:
                listed = ", ".join(i.filename for i in names[:8]) or "nothing"
                what = "no table" if not tables else f"{len(tables)} tables"
                raise InputError(
                    f"{p}: a zip archive with {what} (.csv, .tsv, .txt) inside; it holds "
                    f"{listed}; unpack it and give the table with --data"
                )
            info = tables[0]
            if info.file_size > MAX_TEXT_BYTES:
                raise InputError(f"{p}: {info.filename} unpacks to more than 2 GiB")
            with z.open(info) as fh:
                data = fh.read(MAX_TEXT_BYTES + 1)
            if len(data) > MAX_TEXT_BYTES:
                raise InputError(f"{p}: {info.filename} unpacks to more than 2 GiB")
            return info.filename, data
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise InputError(f"{p}: a damaged zip archive ({str(exc)[:80]})") from None


def is_workbook_zip(p: str) -> bool:
    """A zip that is a workbook (Office Open XML or OpenDocument), not an archive of files."""
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return True  # let the spreadsheet reader say what is wrong
    return "[Content_Types].xml" in names or "mimetype" in names or "content.xml" in names


_NOT_TABLES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh91AY&SY", "a bzip2-compressed file (unpack it first)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file (unpack it first)"),
    (b"RIFF", "a RIFF file (audio or video)"),
)


def kind_of(p: str, first: bytes) -> str | None:
    """What a file that is not a table is (``"a PDF document"``), else ``None``."""
    for magic, what in _NOT_TABLES:
        if first.startswith(magic):
            return what
    if first[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4V ") or first[4:8] == b"ftyp":
        return "a video (MP4)"
    if first.startswith(b"\x1aE\xdf\xa3"):
        return "a video (WebM/Matroska)"
    text = first.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<!--")) or (
        text.startswith(b"<") and b"<html" in first[:2048].lower()
    ):
        return "an HTML page (a web page saved instead of the data; download the file itself)"
    if text.startswith(b"<?xml") and b"<svg" in first[:2048].lower():
        return "an SVG image"
    return None


def refuse_kind(p: str, first: bytes) -> None:
    what = kind_of(p, first)
    if what is not None:
        raise InputError(f"{p}: is {what}, not a table; export the data as CSV or a workbook")


def gzip_name(p: str) -> str:
    """``data.csv`` for ``data.csv.gz``."""
    base = os.path.basename(p)
    return base[:-3] if base.lower().endswith(".gz") else base

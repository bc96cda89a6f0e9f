"""Text exports: comma, semicolon, tab, pipe or space separated (detected).

UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), and legacy
single-byte files (Windows-1252, a superset of Latin-1 for text); ``#`` comment lines and blank
lines anywhere; quoted fields.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence

from ...errors import InputError
from .cells import Cell, detect_decimal
from .table import Table, framed, is_comment

MAX_TEXT_BYTES = 2 * 1024**3


def read_bytes(p: str) -> bytes:
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


def decode(p: str, raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was in."""
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif _utf16_without_bom(raw) is not None:
        encoding = _utf16_without_bom(raw) or "utf-16"
    else:
        encoding = "utf-8"
    if encoding.startswith("utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count("\n".encode(encoding)[-2:]) + 1
            raise InputError(f"{p}: line {line}: not valid UTF-16 text") from None
    else:
        nul = raw.find(b"\x00")
        if nul >= 0:
            line = raw[:nul].count(b"\n") + 1
            raise InputError(f"{p}: line {line}: binary content, not a text table")
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            # Not UTF-8: a legacy single-byte export. Windows-1252 is what spreadsheets on
            # Windows write; it agrees with Latin-1 on every letter, and Latin-1 takes the
            # five bytes it leaves undefined.
            encoding = "cp1252"
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                encoding = "latin-1"
                text = raw.decode(encoding)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{p}: line {line}: binary content, not a text table")
    return text, encoding


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte of the start is zero (ASCII in UTF-16)."""
    head = raw[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    odd, even = head[1::2], head[0::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


_DELIMITERS = ("\t", ";", ",", "|")


def _detect_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits the sample into one consistent number of fields (> 1).

    Tab, then semicolon, comma and pipe: a semicolon file's decimal commas must not pass for
    delimiters. Space-separated files (R's ``write.table``) come last.
    """
    best: tuple[float, str] | None = None
    for d in (*_DELIMITERS, " "):
        try:
            counts = [
                len(r)
                for r in csv.reader(lines, delimiter=d, skipinitialspace=d == " ")
                if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        share = counts.count(mode) / len(counts)
        if mode > 1 and share >= 0.9:
            return d
        if mode > 1 and (best is None or share > best[0]):
            best = (share, d)
    return best[1] if best else ","


def open_text(p: str) -> Table:
    raw = read_bytes(p)
    text, encoding = decode(p, raw)
    del raw
    if not text.strip():
        raise InputError(f"{p}: the file is empty")

    lines = io.StringIO(text, newline=None)
    state = {"line": 0, "comments": 0}

    def content() -> Iterator[str]:
        for ln in lines:
            state["line"] += 1
            if not ln.strip():
                continue
            if is_comment(ln):
                state["comments"] += 1
                continue
            yield ln

    # Detect the delimiter on the first content lines.
    probe: list[str] = []
    for ln in content():
        probe.append(ln)
        if len(probe) >= 50:
            break
    if not probe:
        raise InputError(f"{p}: no data rows (only comments or blank lines)")
    delimiter = _detect_delimiter(probe)
    comments_in_probe = state["comments"]
    lines.seek(0)
    state["line"] = 0
    state["comments"] = 0
    reader = csv.reader(
        content(), delimiter=delimiter, strict=True, skipinitialspace=delimiter == " "
    )

    def numbered() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for row in reader:
                yield state["line"], [c.strip() for c in row]
        except csv.Error as exc:
            raise InputError(f"{p}: line {state['line']}: {exc}") from None

    rows = numbered()
    table = framed(p, rows, kind="text")
    table.encoding, table.delimiter, table.text = encoding, delimiter, text
    table.comment_lines = max(comments_in_probe, state["comments"])
    table.decimal = detect_decimal(table.sample, delimiter)
    return table

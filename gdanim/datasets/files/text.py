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
from .source import MAX_TEXT_BYTES, whole
from .table import Table, framed, is_comment

__all__ = ["MAX_TEXT_BYTES", "open_text", "read_bytes"]


def read_bytes(p: str) -> bytes:
    return whole(p)


def _mixed_utf8(raw: bytes) -> str | None:
    """UTF-8 text holding a few Windows-1252 bytes (a cell pasted from another program):
    each stray byte decoded as Windows-1252, the rest as UTF-8; ``None`` when the file has
    no valid UTF-8 beyond ASCII (then it is a legacy file throughout)."""
    strays = 0

    def handler(err: UnicodeError) -> tuple[str, int]:
        nonlocal strays
        assert isinstance(err, UnicodeDecodeError)
        strays += 1
        bad = err.object[err.start : err.start + 1]
        return bad.decode("cp1252", errors="ignore") or bad.decode("latin-1"), err.start + 1

    codecs.register_error("gdanim-cp1252", handler)
    text = raw.decode("utf-8", errors="gdanim-cp1252")
    wide = sum(1 for c in text if ord(c) > 127)
    return text if wide > strays else None


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
            mixed = _mixed_utf8(raw)
            if mixed is not None:
                return _no_nul(p, mixed), "utf-8 (with Windows-1252 bytes)"
            # Not UTF-8: a legacy single-byte export. Windows-1252 is what spreadsheets on
            # Windows write; it agrees with Latin-1 on every letter, and Latin-1 takes the
            # five bytes it leaves undefined.
            encoding = "cp1252"
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                encoding = "latin-1"
                text = raw.decode(encoding)
    return _no_nul(p, text), encoding


def _no_nul(p: str, text: str) -> str:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{p}: line {line}: binary content, not a text table")
    return text


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
#: Fields separated by any run of spaces and tabs (fixed-width and UCI-style ``.data`` files).
WHITESPACE = "whitespace"


def _fields(lines: Sequence[str], d: str) -> list[int]:
    if d == WHITESPACE:
        lines = [ln.replace("\t", " ").strip() + "\n" for ln in lines]
        d = " "
    return [
        len(r)
        for r in csv.reader(lines, delimiter=d, skipinitialspace=d == " ")
        if any(c.strip() for c in r)
    ]


def _consistent(counts: list[int]) -> tuple[int, float]:
    mode = max(set(counts), key=counts.count)
    return mode, counts.count(mode) / len(counts)


def detect_delimiter(lines: Sequence[str]) -> str:
    """:func:`_detect_delimiter`, with runs of spaces and tabs together as one delimiter
    where they split the lines into more fields than a tab alone does."""
    d = _detect_delimiter(lines)
    if d not in ("\t", " ") or not any("\t" in ln for ln in lines):
        return d
    if not any("  " in ln or " \t" in ln or "\t " in ln or (d == "\t" and " " in ln)
               for ln in lines):  # fmt: skip
        return d
    try:
        mode_ws, share_ws = _consistent(_fields(lines, WHITESPACE))
        mode_d, _ = _consistent(_fields(lines, d))
    except (csv.Error, ValueError):
        return d
    if share_ws >= 0.9 and mode_ws > mode_d:
        return WHITESPACE
    return d


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


def open_text(p: str, raw: bytes | None = None, unpacked: bool = False) -> Table:
    """A text export as a :class:`Table`; ``raw``: its bytes when already read (unpacked
    from an archive, or read once from a pipe)."""
    if raw is None:
        raw = read_bytes(p)
    text, encoding = decode(p, raw)
    del raw
    if not text.strip():
        raise InputError(f"{p}: the file is empty")

    lines = io.StringIO(text, newline=None)
    state = {"line": 0, "comments": 0}
    spaced = {"on": False}

    def content() -> Iterator[str]:
        for ln in lines:
            state["line"] += 1
            if not ln.strip():
                continue
            if is_comment(ln):
                state["comments"] += 1
                continue
            yield ln.replace("\t", " ").strip() + "\n" if spaced["on"] else ln

    # Detect the delimiter on the first content lines.
    probe: list[str] = []
    for ln in content():
        probe.append(ln)
        if len(probe) >= 50:
            break
    if not probe:
        raise InputError(f"{p}: no data rows (only comments or blank lines)")
    delimiter = detect_delimiter(probe)
    if delimiter in (WHITESPACE, " "):
        # Runs of spaces (and tabs) between fields, none at either end of a line.
        spaced["on"], delimiter = True, " "
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
    table.unpacked = unpacked or spaced["on"]
    table.comment_lines = max(comments_in_probe, state["comments"])
    table.decimal = detect_decimal(table.sample, delimiter)
    return table

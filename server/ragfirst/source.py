"""Decoding files and converting positions between byte, code-point and UTF-16 columns.

Python's `ast` reports columns as UTF-8 byte offsets, editors speak UTF-16 by default and
our findings use code points; all conversions live here so none are done ad hoc.
"""

from __future__ import annotations

import codecs
from array import array
from dataclasses import dataclass, field

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Files above this size are reported (RF000) instead of analysed; configurable."""


class DecodeError(Exception):
    """The bytes are not text we can analyse; carries the position for RF000."""

    def __init__(self, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


def decode_source(data: bytes) -> str:
    """Decode UTF-8 (a BOM is dropped); binary content and invalid UTF-8 raise DecodeError."""
    if b"\0" in data[:8192]:
        raise DecodeError("binary file (NUL byte found); not analysed")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Count lines as SourceText does: CRLF, lone CR and LF each end one line.
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace"))
        raise DecodeError(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", line, col) from None


@dataclass(slots=True)
class SourceText:
    """A decoded file with a line table; lines keep no terminators."""

    text: str
    lines: list[str] = field(init=False)
    is_ascii: bool = field(init=False)  # then byte columns are character columns
    # line number -> code-point column of each UTF-8 byte column (non-ASCII lines only,
    # built on first use): a minified 100k-character line converts each position in O(1).
    _columns: dict[int, array[int]] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # splitlines() also splits on form feeds and other separators that Python's
        # tokenizer does not treat as newlines; split only on \r\n, \r and \n.
        self.lines = self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.is_ascii = self.text.isascii()

    def line(self, lineno: int) -> str:
        """The 1-based line, or "" past the end."""
        if 1 <= lineno <= len(self.lines):
            return self.lines[lineno - 1]
        return ""

    def char_col(self, lineno: int, byte_col: int) -> int:
        """Convert a UTF-8 byte column (as `ast` reports it) to a code-point column."""
        table = self._columns.get(lineno)
        if table is None:
            line = self.line(lineno)
            if line.isascii():  # most lines of a file that is not all ASCII
                self._columns[lineno] = _ASCII_LINE
                return byte_col
            table = self._columns[lineno] = _byte_to_char_columns(line)
        if table is _ASCII_LINE:
            return byte_col
        if byte_col >= len(table):
            return table[-1]
        return table[byte_col] if byte_col > 0 else 0


_ASCII_LINE: array[int] = array("l")  # `_columns` entry of a line whose columns need no table


def _byte_to_char_columns(line: str) -> array[int]:
    """Entry b: how many whole characters the line's first b UTF-8 bytes hold (a byte
    column inside a character counts the characters before it, as decoding would)."""
    table = array("l")
    append = table.append
    for index, char in enumerate(line):
        code = ord(char)
        width = 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
        append(index)
        for _ in range(width - 1):
            append(index)
    append(len(line))
    return table


def utf16_col(line: str, char_col: int) -> int:
    """Code-point column to UTF-16 code units (LSP's default position encoding)."""
    prefix = line[:char_col]
    if prefix.isascii():
        return char_col
    return len(prefix.encode("utf-16-le")) // 2


def char_col_from_utf16(line: str, units: int) -> int:
    """UTF-16 code units back to a code-point column (clamped to the line)."""
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line)

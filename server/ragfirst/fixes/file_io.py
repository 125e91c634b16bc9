"""Reading a file to fix and writing it back exactly as it was, apart from the edits.

The text is decoded as the engine decodes it (UTF-8, a BOM dropped), so finding
positions are positions in this text. Writing puts the BOM back, keeps the bytes of every
untouched line (CRLF, no final newline) and goes through `write_atomic` (temp file and
rename, mode kept, no symlink followed). A file that changed since it was read is refused,
so a fix never lands on text it was not computed for.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from ragfirst.atomic_write import write_atomic
from ragfirst.source import DecodeError, decode_source


class FixWriteError(OSError):
    """A fixed file that could not be written (read-only, changed meanwhile, a link)."""


@dataclass(frozen=True, slots=True)
class FixableFile:
    path: Path
    data: bytes  # the bytes as read: the write is refused if the file no longer has them
    text: str
    bom: bool


def read_fixable(path: Path) -> FixableFile | None:
    """The file's text, or None when it is not UTF-8 text (the engine did not analyse it)."""
    data = path.read_bytes()
    try:
        text = decode_source(data)
    except DecodeError:
        return None
    return FixableFile(path, data, text, data.startswith(codecs.BOM_UTF8))


def encode_like(original: FixableFile, text: str) -> bytes:
    payload = text.encode("utf-8")
    return codecs.BOM_UTF8 + payload if original.bom else payload


def write_fixed(original: FixableFile, text: str) -> None:
    """Replace the file with `text`, refusing if it changed since `read_fixable`."""
    try:
        current = original.path.read_bytes()
    except OSError as exc:
        raise FixWriteError(f"{original.path}: cannot read it again: {exc.strerror or exc}") from None
    if current != original.data:
        raise FixWriteError(f"{original.path}: changed since it was analysed; not fixed")
    if not os.access(original.path, os.W_OK):
        raise FixWriteError(f"{original.path}: read-only; not fixed")
    try:
        write_atomic(original.path, encode_like(original, text))
    except OSError as exc:
        raise FixWriteError(f"{original.path}: cannot write: {exc.strerror or exc}") from None

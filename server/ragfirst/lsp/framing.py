"""Content-Length framing for LSP over a byte stream, with the standard library only.

The language server's first answer (`initialize`, lsp/boot.py) is written before pygls and
lsprotocol are imported, so the framing parser must not need them. `FrameParser` is a
sans-IO parser: header blocks are split at the first blank line, header names are
case-insensitive, a block without a valid `Content-Length` is skipped, and a header that
follows garbage on the same line (the rest of a frame whose length was wrong) is found
again. Header blocks and bodies are bounded in size.
"""

from __future__ import annotations

import re

MAX_HEADER_BYTES = 64 * 1024
# A didOpen of a big file is JSON-escaped text; a length above this is taken as broken
# framing (it would otherwise swallow every later message, or the machine's memory).
MAX_BODY_BYTES = 512 * 1024 * 1024
READ_CHUNK = 64 * 1024
MAX_QUEUED_MESSAGES = 64

_CONTENT_LENGTH = b"content-length:"
_DIGITS = re.compile(rb"[0-9]{1,12}")
_KEEP_TAIL = 64


class FramingError:
    """A framing problem found in the stream; `fatal` means the stream cannot go on."""

    __slots__ = ("fatal", "message")

    def __init__(self, message: str, fatal: bool = False) -> None:
        self.message = message
        self.fatal = fatal

    def __repr__(self) -> str:
        return f"FramingError({self.message!r}, fatal={self.fatal})"


class FrameParser:
    """Turns stream bytes into message bodies (`bytes`) and `FramingError`s."""

    def __init__(self, max_header: int = MAX_HEADER_BYTES, max_body: int = MAX_BODY_BYTES) -> None:
        self._buffer = bytearray()
        self._body_length: int | None = None
        self._max_header = max_header
        self._max_body = max_body
        self._resyncing = False  # garbage was reported; stay quiet until the next good frame
        self.closed = False

    def feed(self, data: bytes) -> list[bytes | FramingError]:
        if self.closed:
            return []
        self._buffer += data
        events: list[bytes | FramingError] = []
        while True:
            if self._body_length is None:
                block = self._take_header_block(events)
                if block is None:
                    break
                length = self._content_length(block, events)
                if length is None:
                    continue
                if length > self._max_body:
                    events.append(
                        FramingError(
                            f"message of {length} bytes is over the {self._max_body}-byte limit", True
                        )
                    )
                    self.closed = True
                    self._buffer.clear()
                    break
                self._body_length = length
            if len(self._buffer) < self._body_length:
                break
            body = bytes(self._buffer[: self._body_length])
            del self._buffer[: self._body_length]
            self._body_length = None
            self._resyncing = False
            events.append(body)
        return events

    def _take_header_block(self, events: list[bytes | FramingError]) -> list[bytes] | None:
        """The lines of the next complete header block (up to a blank line), or None."""
        buffer = self._buffer
        lines: list[bytes] = []
        pos = 0
        while True:
            newline = buffer.find(b"\n", pos)
            if newline < 0:
                if len(buffer) > self._max_header:
                    # No line end within the limit: garbage. Keep a short tail, which may hold
                    # the start of the next real header.
                    self._report(events, f"no header line end within {self._max_header} bytes")
                    del buffer[: len(buffer) - _KEEP_TAIL]
                return None
            line = bytes(buffer[pos:newline]).strip()
            if not line:
                del buffer[: newline + 1]
                if lines:
                    return lines
                pos = 0  # a stray blank line between messages
                continue
            if newline + 1 > self._max_header:
                # A header block this long is garbage: drop what came before this line, and
                # keep only the end of the line itself (a real header may follow garbage).
                self._report(events, f"header block longer than {self._max_header} bytes")
                del buffer[: max(pos, newline - _KEEP_TAIL)]
                lines, pos = [], 0
                continue
            lines.append(line)
            pos = newline + 1

    def _report(self, events: list[bytes | FramingError], message: str) -> None:
        """One error per run of garbage, however long the run."""
        if not self._resyncing:
            events.append(FramingError(message))
        self._resyncing = True

    def _content_length(self, block: list[bytes], events: list[bytes | FramingError]) -> int | None:
        length: int | None = None
        seen = False
        for line in block:
            at = line.lower().find(_CONTENT_LENGTH)
            if at < 0:
                continue  # Content-Type and unknown headers, or garbage
            seen = True
            value = line[at + len(_CONTENT_LENGTH) :].strip()
            length = int(value) if _DIGITS.fullmatch(value) else None
        if length is None:
            # Never echo the bytes: garbage may be the tail of a document holding a key.
            size = sum(len(line) + 2 for line in block)
            why = "an invalid Content-Length" if seen else "no Content-Length"
            self._report(events, f"a header block ({size} bytes) with {why}; skipped")
        return length

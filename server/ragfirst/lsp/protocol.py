"""Robust JSON-RPC over a byte stream, for the language server.

pygls 2.x reads `Content-Length` framing with a strict regular expression and logs, then
drops, anything it cannot structure. An editor (or a fuzzer) can therefore leave the
server alive but deaf (after one bad header it never finds a frame again), or waiting
forever for an answer that never comes (a request whose params have the wrong shape).
This module replaces the reading side:

- `FrameParser` is a sans-IO framing parser: header blocks are split at the first blank
  line, header names are case-insensitive, a block without a valid `Content-Length` is
  skipped, and a header that follows garbage on the same line (the rest of a frame whose
  length was wrong) is found again. Header blocks and bodies are bounded in size.
- `RagfirstProtocol.handle_body` answers every malformed message the JSON-RPC 2.0 way:
  parse error -32700 and invalid request -32600 (id null when the id cannot be known),
  invalid params -32602 for a known method with wrongly shaped params, method not found
  -32601 (pygls), and InvalidRequest -32600 for requests after `shutdown` (LSP). A
  request that has an id always gets an answer. Notifications and responses are never
  answered (JSON-RPC forbids it).
- `read_stdio` reads stdin in a daemon thread, so a blocked read never keeps the process
  alive after `exit`, and hands complete bodies to the event loop in order, with a bound
  on how many may wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest

log = logging.getLogger("ragfirst.lsp")

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

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


def _error(msg_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def _valid_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


class RagfirstProtocol(LanguageServerProtocol):
    """pygls's LSP protocol, with every malformed message answered per JSON-RPC 2.0."""

    def send_error(self, msg_id: Any, code: int, message: str) -> None:
        log.warning("answering %s with error %d: %s", msg_id, code, message)
        self._send_data(_error(msg_id, code, message))

    def handle_framing_error(self, error: FramingError) -> None:
        log.warning("broken framing on stdin: %s", error.message)
        # The id of whatever was lost is unknown: a parse error with id null tells the client.
        self.send_error(None, PARSE_ERROR, f"Parse error: {error.message}")

    def handle_body(self, body: bytes) -> None:
        """Parse, validate, structure and dispatch one message body."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            self.send_error(None, PARSE_ERROR, f"Parse error: {type(exc).__name__}: {str(exc)[:200]}")
            return
        if not isinstance(data, dict):
            what = "batch messages are not supported" if isinstance(data, list) else "not a JSON object"
            self.send_error(None, INVALID_REQUEST, f"Invalid request: {what}")
            return
        has_id = "id" in data
        msg_id = data.get("id")
        answer_id = msg_id if _valid_id(msg_id) else None
        if "method" not in data:
            if has_id and ("result" in data or "error" in data):
                self._dispatch(data, None)
            elif has_id:
                log.warning("a response without result or error for %r; ignored", msg_id)
            else:
                self.send_error(None, INVALID_REQUEST, "Invalid request: no method and no id")
            return
        method = data["method"]
        if not isinstance(method, str):
            self.send_error(answer_id, INVALID_REQUEST, "Invalid request: 'method' must be a string")
            return
        if data.get("jsonrpc") != "2.0":
            if has_id:
                self.send_error(answer_id, INVALID_REQUEST, "Invalid request: 'jsonrpc' must be \"2.0\"")
            else:
                log.warning("notification %r without jsonrpc 2.0; ignored", method)
            return
        if has_id and not _valid_id(msg_id):
            self.send_error(None, INVALID_REQUEST, "Invalid request: 'id' must be a string or an integer")
            return
        self._dispatch(data, msg_id if has_id else None, method)

    def _dispatch(self, data: dict[str, Any], msg_id: Any, method: str | None = None) -> None:
        is_request = method is not None and msg_id is not None
        try:
            message = self.structure_message(data)
        except JsonRpcException as exc:
            if is_request:
                code = INVALID_PARAMS if exc.code == INVALID_PARAMS else exc.code
                what = "Invalid params" if code == INVALID_PARAMS else "Cannot read the message"
                self.send_error(msg_id, code, f"{what} for {method}")
            elif method is None:
                self._fail_pending(data.get("id"), "a malformed response")
            else:
                log.warning("notification %s with invalid params; ignored", method)
            return
        try:
            self.handle_message(message)
        except Exception as exc:  # a bug of ours or of pygls: answer, keep serving
            log.exception("handling %s failed", method or "a response")
            if is_request:
                self.send_error(msg_id, INTERNAL_ERROR, f"Internal error: {type(exc).__name__}")

    def _fail_pending(self, msg_id: Any, why: str) -> None:
        future = self._request_futures.pop(msg_id, None) if _valid_id(msg_id) else None
        if future is not None and not future.done():
            future.set_exception(JsonRpcException(f"the client sent {why}"))
        else:
            log.warning("the client sent %s for %r; ignored", why, msg_id)

    def handle_message(self, message: Any) -> None:
        # LSP: after `shutdown`, every request but `exit` gets InvalidRequest, not silence.
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            self.send_error(message.id, INVALID_REQUEST, f"Invalid request: {message.method} after shutdown")
            return
        super().handle_message(message)


def read_stdio(
    stream: BinaryIO,
    loop: asyncio.AbstractEventLoop,
    on_event: Callable[[bytes | FramingError], None],
    on_close: Callable[[], None],
) -> threading.Thread:
    """Read framed messages from `stream` in a daemon thread; call back on the loop, in order."""
    slots = threading.Semaphore(MAX_QUEUED_MESSAGES)
    read: Callable[[int], bytes]
    try:
        # The raw file descriptor: a daemon thread blocked inside a buffered reader holds its
        # lock, and the interpreter aborts when it flushes that reader at exit.
        fd = stream.fileno()
        read = functools.partial(os.read, fd)
    except (AttributeError, OSError, ValueError):
        read = getattr(stream, "read1", None) or stream.read

    def deliver(event: bytes | FramingError) -> None:
        slots.release()
        on_event(event)

    def run() -> None:
        parser = FrameParser()
        try:
            while not parser.closed:
                try:
                    chunk = read(READ_CHUNK)
                except (OSError, ValueError):
                    break
                if not chunk:
                    break
                for event in parser.feed(chunk):
                    slots.acquire()
                    loop.call_soon_threadsafe(deliver, event)
        except RuntimeError:  # the loop closed under us: the server is exiting
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(on_close)

    thread = threading.Thread(target=run, name="ragfirst-stdin", daemon=True)
    thread.start()
    return thread

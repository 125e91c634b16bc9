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

from ragfirst.lsp.framing import (  # noqa: E402  (moved; imported here for callers)
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_QUEUED_MESSAGES,
    READ_CHUNK,
    FrameParser,
    FramingError,
)

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_HEADER_BYTES",
    "READ_CHUNK",
    "FrameParser",
    "FramingError",
    "RagfirstProtocol",
    "read_stdio",
]


def _error(msg_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def _valid_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


class RagfirstProtocol(LanguageServerProtocol):
    """pygls's LSP protocol, with every malformed message answered per JSON-RPC 2.0."""

    # Requests already answered before pygls was loaded (lsp/boot.py answers `initialize`
    # at once): pygls still handles them, to set itself up, but its answer is not sent.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answered_early: set[Any] = set()

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        if msg_id in self.answered_early:
            self.answered_early.discard(msg_id)
            return
        super()._send_response(msg_id, result, error)

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
    parser: FrameParser | None = None,
) -> threading.Thread:
    """Read framed messages from `stream` in a daemon thread; call back on the loop, in order.
    `parser` goes on where an earlier reader (lsp/boot.py) stopped."""
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
        nonlocal parser
        parser = parser or FrameParser()
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

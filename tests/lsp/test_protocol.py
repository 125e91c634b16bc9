"""Unit tests of the language server's own framing and JSON-RPC validation (lsp/protocol.py).

The end-to-end versions (a real server over stdio) are in tests/hardening/test_lsp_storms.py.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from pygls.lsp.server import LanguageServer

from ragfirst.lsp.protocol import FrameParser, FramingError, RagfirstProtocol


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def feed_all(parser: FrameParser, data: bytes, step: int | None = None) -> list[bytes | FramingError]:
    if step is None:
        return parser.feed(data)
    events: list[bytes | FramingError] = []
    for start in range(0, len(data), step):
        events.extend(parser.feed(data[start : start + step]))
    return events


STREAM = (
    frame(b'{"a": 1}')
    + b"Content-Length: abc\r\n\r\n{}"  # invalid length; "{}" then runs into the next header
    + frame(b'{"b": 2}')
    + b"garbage without a header\r\n\r\n"
    + b"Content-Length: -5\r\n\r\n{}"
    + frame(b'{"c": 3}')
    + b"\r\n"  # a stray blank line
    + b"content-length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nxyz"
)


@pytest.mark.parametrize("step", [None, 1, 7])
def test_frames_survive_broken_headers_and_any_chunking(step):
    events = feed_all(FrameParser(), STREAM, step)
    bodies = [e for e in events if isinstance(e, bytes)]
    errors = [e for e in events if isinstance(e, FramingError)]
    assert bodies == [b'{"a": 1}', b'{"b": 2}', b'{"c": 3}', b"xyz"]
    # One error per run of garbage: the header-less block and the "-5" one form a single run.
    assert len(errors) == 2 and not any(e.fatal for e in errors), errors


def test_a_long_run_of_garbage_is_one_error_and_bounded_memory():
    parser = FrameParser(max_header=1024)
    events = feed_all(parser, b"not a header\n" * 100_000, step=4096)
    assert len(events) == 1 and isinstance(events[0], FramingError)
    assert len(parser._buffer) <= 1024 + 4096
    events = feed_all(parser, b"x" * 1_000_000 + frame(b"{}"), step=65536)
    assert events == [b"{}"]  # no new error inside the same run, and the frame is found again


def test_a_length_over_the_limit_closes_the_stream():
    parser = FrameParser(max_body=100)
    events = parser.feed(b"Content-Length: 101\r\n\r\n" + b"x" * 101 + frame(b"{}"))
    assert len(events) == 1 and isinstance(events[0], FramingError) and events[0].fatal
    assert parser.closed and parser.feed(frame(b"{}")) == []


def test_framing_errors_do_not_echo_the_bytes():
    events = FrameParser().feed(b"sk-proj-SECRETSECRETSECRET\r\n\r\n")
    assert len(events) == 1 and "SECRET" not in events[0].message  # type: ignore[union-attr]


class Collector:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def write(self, data: bytes) -> None:
        _, _, body = data.partition(b"\r\n\r\n")
        self.messages.append(json.loads(body))

    def close(self) -> None:
        pass


def make_protocol() -> tuple[RagfirstProtocol, Collector]:
    server = LanguageServer("t", "0", protocol_cls=RagfirstProtocol)
    writer = Collector()
    server.protocol.set_writer(writer)
    return server.protocol, writer  # type: ignore[return-value]


CASES = [
    (b"{not json", None, -32700),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}', None, -32700),
    (b"[1, 2, 3]", None, -32600),
    (b"null", None, -32600),
    (b"{}", None, -32600),
    (b'{"jsonrpc": "2.0", "id": 2, "method": 123}', 2, -32600),
    (b'{"id": 3, "method": "textDocument/hover", "params": {}}', 3, -32600),
    (b'{"jsonrpc": "2.0", "id": [4], "method": "textDocument/hover"}', None, -32600),
    (b'{"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": "x"}', 5, -32602),
    (b'{"jsonrpc": "2.0", "id": "six", "method": "nope/nothing", "params": {}}', "six", -32601),
    (b"[" * 100_000 + b"]" * 100_000, None, -32700),
]


@pytest.mark.parametrize(
    ("body", "msg_id", "code"), CASES, ids=[str(c[2]) + ":" + repr(c[0][:30]) for c in CASES]
)
def test_every_malformed_message_is_answered_with_its_error(body, msg_id, code):
    protocol, writer = make_protocol()
    protocol.handle_body(body)
    assert len(writer.messages) == 1, writer.messages
    answer = writer.messages[0]
    assert answer["id"] == msg_id and answer["error"]["code"] == code, answer


def test_notifications_and_responses_are_never_answered():
    protocol, writer = make_protocol()
    protocol.handle_body(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": 3}')
    protocol.handle_body(b'{"jsonrpc": "2.0", "method": "nope/nothing"}')
    protocol.handle_body(b'{"jsonrpc": "2.0", "id": 77, "result": null}')  # to no request of ours
    protocol.handle_body(b'{"method": "textDocument/didClose", "params": {}}')  # no jsonrpc
    assert writer.messages == []


def test_requests_after_shutdown_get_invalid_request():
    async def scenario() -> list[dict]:
        protocol, writer = make_protocol()
        protocol.handle_body(b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}')
        await asyncio.sleep(0.05)
        protocol.handle_body(
            b'{"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": '
            b'{"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}}'
        )
        protocol.handle_body(b'{"jsonrpc": "2.0", "id": 3, "method": "shutdown"}')
        await asyncio.sleep(0.05)
        return writer.messages

    messages = asyncio.run(scenario())
    by_id = {m["id"]: m for m in messages}
    assert "result" in by_id[1], messages
    assert by_id[2]["error"]["code"] == -32600 and by_id[3]["error"]["code"] == -32600, messages

"""Answer `initialize` before the language server's libraries are loaded.

pygls and lsprotocol take ~0.45 s to import on a quiet machine (the engine another
0.3 s), and an editor waits for the `initialize` answer before it sends anything else.
The server's capabilities do not depend on anything those libraries compute, so this
module (standard library only) reads the first message itself, answers `initialize` at
once with the same result pygls would build (tests/lsp/test_startup.py compares the two
for each editor profile), then imports the server and hands it every message read so
far, the `initialize` first: pygls sets itself up from it and its own answer is not
sent again (RagfirstProtocol.answered_early).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ragfirst import __version__
from ragfirst.lsp.framing import READ_CHUNK, FrameParser, FramingError

COMMANDS = [
    "ragfirst.explainRule",
    "ragfirst.lintWorkspace",
    "ragfirst.openGuide",
    "ragfirst.serverStats",
    "ragfirst.showReport",
]
ENCODINGS = ("utf-8", "utf-16", "utf-32")
NOTEBOOK_SYNC = {
    "notebookSelector": [{"notebook": "jupyter-notebook", "cells": [{"language": "python"}]}],
    "save": True,
}


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def position_encoding(client: Any) -> str:
    """The client's first preferred encoding the server supports (pygls's rule)."""
    offered = _get(client, "general", "positionEncodings")
    if isinstance(offered, list):
        for encoding in offered:
            if encoding in ENCODINGS:
                return str(encoding)
    return "utf-16"


def initialize_result(params: Any) -> dict[str, Any]:
    """The InitializeResult for these InitializeParams, as JSON."""
    client = _get(params, "capabilities")
    capabilities: dict[str, Any] = {
        "positionEncoding": position_encoding(client),
        "textDocumentSync": {"openClose": True, "change": 2, "save": True},
        "hoverProvider": True,
        "codeActionProvider": {
            "codeActionKinds": ["quickfix", "source.fixAll.ragfirst"],
            "resolveProvider": False,
        },
        "executeCommandProvider": {"commands": COMMANDS},
        "inlayHintProvider": {"resolveProvider": False},
        "diagnosticProvider": {
            "identifier": "ragfirst",
            "interFileDependencies": True,
            "workspaceDiagnostics": False,
        },
        "workspace": {
            "workspaceFolders": {"supported": True, "changeNotifications": True},
            "fileOperations": {},
        },
    }
    # pygls: willSave* are false (no handler), and absent when the client does not say.
    synchronization = _get(client, "textDocument", "synchronization")
    for key in ("willSave", "willSaveWaitUntil"):
        if isinstance(synchronization, dict) and synchronization.get(key) is not None:
            capabilities["textDocumentSync"][key] = False
    if isinstance(client, dict) and client.get("notebookDocument") is not None:
        capabilities["notebookDocumentSync"] = NOTEBOOK_SYNC
    return {"capabilities": capabilities, "serverInfo": {"name": "ragfirst", "version": __version__}}


def _is_initialize(message: Any) -> bool:
    return (
        isinstance(message, dict)
        and message.get("jsonrpc") == "2.0"
        and message.get("method") == "initialize"
        and isinstance(message.get("id"), (int, str))
        and not isinstance(message.get("id"), bool)
        and isinstance(message.get("params"), dict)
        and isinstance(message["params"].get("capabilities"), dict)
    )


def _write(stream: Any, message: dict[str, Any]) -> None:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def run_server(args: argparse.Namespace) -> int:
    """`ragfirst server`: over TCP as it always was; over stdio, `initialize` first."""
    if getattr(args, "tcp", None) or os.environ.get("RAGFIRST_LSP_EARLY_INIT") == "0":
        return _serve(args, None, [], None)  # (tests compare the two answers)
    return run(args)


def run(args: argparse.Namespace) -> int:
    try:
        fd = sys.stdin.buffer.fileno()
    except (AttributeError, OSError, ValueError):
        return _serve(args, None, [], None)
    parser = FrameParser()
    early: list[bytes | FramingError] = []
    answered: Any = None
    while not early and not parser.closed:
        try:
            chunk = os.read(fd, READ_CHUNK)
        except OSError:
            break
        if not chunk:
            break
        early.extend(parser.feed(chunk))
        if early and isinstance(early[0], bytes):
            try:
                message = json.loads(early[0])
            except (ValueError, RecursionError):
                message = None
            if _is_initialize(message):
                result = initialize_result(message["params"])
                _write(sys.stdout.buffer, {"jsonrpc": "2.0", "id": message["id"], "result": result})
                answered = message["id"]
    # Anything else first (garbage, another method): the server answers it, as always.
    return _serve(args, parser, early, answered)


def _serve(args: argparse.Namespace, parser: FrameParser | None, early: list[Any], answered: Any) -> int:
    from ragfirst.lsp.server import serve

    return serve(args, parser, early, answered)

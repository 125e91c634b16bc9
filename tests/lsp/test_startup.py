"""Start-up (issue 24): `initialize` is answered by lsp/boot.py before pygls, lsprotocol and
the engine are imported, with exactly the result the pygls server builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_lsp import client_capabilities
from tests.lsp.editor_session import PROFILES


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        assert line, "the server closed its output"
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def initialize(tmp_path: Path, capabilities: dict, early: bool) -> tuple[dict, float]:
    env = {**os.environ, "RAGFIRST_LSP_EARLY_INIT": "1" if early else "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ragfirst", "server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env=env,
    )
    started = time.perf_counter()
    try:
        params = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": capabilities}
        process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}))
        process.stdin.flush()
        answer = read_message(process.stdout)
        elapsed = time.perf_counter() - started
        process.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        process.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        process.stdin.flush()
        while True:  # the shutdown answer: pygls took over and did not answer `initialize` twice
            message = read_message(process.stdout)
            assert message.get("id") != 1, "initialize answered twice"
            if message.get("id") == 2:
                break
        process.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        process.stdin.close()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    return answer, elapsed


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_early_initialize_answer_is_the_pygls_answer(tmp_path, profile):
    from lsprotocol import converters

    caps = converters.get_converter().unstructure(client_capabilities(PROFILES[profile]))
    early, _ = initialize(tmp_path, caps, early=True)
    late, _ = initialize(tmp_path, caps, early=False)
    assert early["result"] == late["result"]


def test_notebook_clients_get_notebook_sync_early_too(tmp_path):
    caps = {"notebookDocument": {"synchronization": {}}, "general": {"positionEncodings": ["utf-32"]}}
    early, _ = initialize(tmp_path, caps, early=True)
    late, _ = initialize(tmp_path, caps, early=False)
    assert early["result"] == late["result"]
    assert early["result"]["capabilities"]["notebookDocumentSync"]


def test_boot_imports_no_lsp_library():
    """What the `initialize` answer waits for: the boot module and its imports only."""
    code = (
        "import sys, ragfirst.cli.main; before = set(sys.modules); import ragfirst.lsp.boot;"
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
        " or m.startswith(('ragfirst.engine', 'ragfirst.analyzers', 'ragfirst.lsp.server', 'tree_sitter'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

"""Editor storms against the real server (pytest-lsp over stdio), plus raw-protocol abuse.

- 1,000 didChange notifications in about 2 s: only the final version's diagnostics remain
  (no stale publication after it) and the server's RSS stays flat across storms;
- 500 documents opened at once: every one gets its diagnostics, the server stays responsive;
- `$/cancelRequest` on a pending request: answered with RequestCancelled (-32800) or its
  result, never dropped;
- malformed JSON-RPC written as raw bytes: the server answers with an error (or at least
  stays up and answers the next request);
- the server exits when its client process dies (initialize's processId; polled every 2 s)
  and leaves no orphan processes; it also exits when stdin closes.
"""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from tests.hardening import fuzzlib
from tests.hardening.fuzzlib import RawLsp, frame, rss_kib
from tests.lsp.editor_session import answer_refreshes, settled_stats

# A base model with no dated Azure fine-tuning retirement: RF101 only (no RF107).
FINE_TUNE = (
    "from openai import AzureOpenAI\nfrom settings import BASE\nclient = AzureOpenAI()\n"
    "client.fine_tuning.jobs.create(model=BASE, training_file='file-abc')\n"
)
CLEAN = "print('nothing to see')\n"
BROKEN = "import openai\nopenai.fine_tuning.jobs.create(\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "ragfirst", "server"]))
async def client(lsp_client: LanguageClient):
    answer_refreshes(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


def push_capabilities() -> types.ClientCapabilities:
    """A push-diagnostics client (no textDocument/diagnostic support)."""
    caps = client_capabilities("neovim@v0.10.0")
    return attrs.evolve(caps, text_document=attrs.evolve(caps.text_document, diagnostic=None))


def server_pid(client: LanguageClient) -> int:
    return client._server.pid  # the asyncio subprocess pytest-lsp started


async def start(client: LanguageClient, root: Path, debounce_ms: int = 50) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=push_capabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={"debounceMs": debounce_ms},
        )
    )


def record_publications(client: LanguageClient) -> list[tuple[str, int | None, list[str]]]:
    """Every publishDiagnostics (uri, version, codes), in arrival order."""
    published: list[tuple[str, int | None, list[str]]] = []
    features = client.protocol.fm.features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def recording(*args):
        params = args[-1]
        published.append((params.uri, params.version, [str(d.code) for d in params.diagnostics]))
        return original(*args)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = recording
    return published


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        )
    )


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


async def storm(client: LanguageClient, uri: str, first_version: int, count: int, seconds: float) -> int:
    """`count` didChange notifications spread over about `seconds`; returns the last version."""
    texts = [FINE_TUNE, CLEAN, BROKEN, FINE_TUNE.replace("file-abc", "file-xyz") + "# " + "x" * 2000 + "\n"]
    started = time.monotonic()
    version = first_version
    for index in range(count):
        version = first_version + index
        change_doc(client, uri, version, texts[index % len(texts)] + f"# edit {index}\n")
        if index % 50 == 49:
            lag = started + seconds * (index + 1) / count - time.monotonic()
            await asyncio.sleep(max(lag, 0))
    return version


async def test_1000_changes_in_2_seconds_leave_the_final_version_and_flat_memory(client, tmp_path):
    await start(client, tmp_path)
    published = record_publications(client)
    uri = (tmp_path / "storm.py").as_uri()
    open_doc(client, uri, FINE_TUNE)
    await wait_for(lambda: any(p[0] == uri for p in published))
    pid = server_pid(client)
    rss = [rss_kib(pid)]
    version = 1
    timings = []
    for _ in range(3):
        started = time.monotonic()
        version = await storm(client, uri, version + 1, 1000, 2.0)
        sent = time.monotonic() - started
        # The final text of every storm fires exactly RF101 (index 999 % 4 == 3).
        await wait_for(lambda v=version: any(p[0] == uri and p[1] == v for p in published), timeout=30)
        settled = time.monotonic() - started
        await settled_stats(client)  # every lint of the storm is over: anything stale is here
        last = [p for p in published if p[0] == uri][-1]
        assert last[1] == version, f"a stale publication (version {last[1]}) came after version {version}"
        assert last[2] == ["RF101"], last
        timings.append((sent, settled))
        rss.append(rss_kib(pid))
    publications = len([p for p in published if p[0] == uri])
    growth = [(b - a) / 1024 for a, b in itertools.pairwise(rss)]
    print(
        f"\nstorm: 3 x 1000 didChange; sent in {[round(s, 2) for s, _ in timings]} s, final diagnostics after "
        f"{[round(t, 2) for _, t in timings]} s; {publications} publications; server RSS {rss[0] / 1024:.0f} -> "
        f"{[round(r / 1024) for r in rss[1:]]} MiB"
    )
    assert all(sent < 5 for sent, _ in timings)
    # Memory is flat: after the first storm warms the caches, later storms add next to nothing.
    assert growth[1] < 15 and growth[2] < 15, f"RSS growth per storm {growth} MiB"
    assert publications < 3 * 1000 / 4, "debouncing should coalesce most of a storm"


async def test_opening_500_files_at_once(client, tmp_path):
    await start(client, tmp_path, debounce_ms=0)
    uris = []
    for index in range(500):
        path = tmp_path / f"pkg{index % 10}" / f"m{index}.py"
        path.parent.mkdir(exist_ok=True)
        text = FINE_TUNE if index % 2 else CLEAN
        path.write_text(text)
        uris.append((path.as_uri(), text))
    pid = server_pid(client)
    before = rss_kib(pid)
    started = time.monotonic()
    for uri, text in uris:
        open_doc(client, uri, text)
    hover_started = time.monotonic()
    hover = await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uris[1][0]),
                position=types.Position(line=0, character=0),
            )
        ),
        timeout=30,
    )
    hover_latency = time.monotonic() - hover_started
    await wait_for(lambda: all(uri in client.diagnostics for uri, _ in uris), timeout=120)
    elapsed = time.monotonic() - started
    after = rss_kib(pid)
    print(
        f"\n500 opens: all diagnostics after {elapsed:.1f}s; hover answered in {hover_latency:.2f}s mid-storm; "
        f"RSS {before / 1024:.0f} -> {after / 1024:.0f} MiB"
    )
    del hover
    for index, (uri, _) in enumerate(uris):
        codes = [str(d.code) for d in client.diagnostics[uri]]
        assert codes == (["RF101"] if index % 2 else []), (uri, codes)
    assert elapsed < 90


# -- raw protocol ---------------------------------------------------------------------------------


def _hover(client: RawLsp, root: Path, timeout: float = 15) -> dict:
    return client.request(
        "textDocument/hover",
        {"textDocument": {"uri": (root / "x.py").as_uri()}, "position": {"line": 0, "character": 0}},
        timeout=timeout,
    )


def test_cancel_request_is_answered_per_spec(tmp_path):
    for index in range(200):
        (tmp_path / f"f{index}.py").write_text(FINE_TUNE * 40)
    client = RawLsp(tmp_path)
    try:
        outcomes = []
        for method, params in (
            ("workspace/executeCommand", {"command": "ragfirst.lintWorkspace", "arguments": []}),
            ("textDocument/diagnostic", {"textDocument": {"uri": (tmp_path / "f1.py").as_uri()}}),
        ):
            if method == "textDocument/diagnostic":
                client.open((tmp_path / "f1.py").as_uri(), FINE_TUNE + "x = 1\n" * 100_000)
            request_id = client.send_request(method, params)
            client.notify("$/cancelRequest", {"id": request_id})
            answer = client.wait_response(request_id, timeout=60)  # never dropped
            if "error" in answer:
                assert answer["error"]["code"] == -32800, answer  # RequestCancelled
            outcomes.append("cancelled" if "error" in answer else "completed")
        # Cancelling an id that does not exist (or already finished) is harmless.
        client.notify("$/cancelRequest", {"id": 424242})
        assert "result" in _hover(client, tmp_path)
        print(f"\ncancel outcomes: {outcomes}")
    finally:
        client.close()


MALFORMED = [
    ("not-json", frame(b"{not json")),
    ("method-not-a-string", frame(b'{"jsonrpc": "2.0", "id": 91, "method": 123}')),
    (
        "params-wrong-shape",
        frame(b'{"jsonrpc": "2.0", "id": 92, "method": "textDocument/hover", "params": "x"}'),
    ),
    ("batch-array", frame(b"[1, 2, 3]")),
    ("no-jsonrpc-field", frame(b'{"id": 93, "method": "textDocument/hover", "params": {}}')),
    ("null-body", frame(b"null")),
    ("invalid-utf8", frame(b'{"jsonrpc": "2.0", "id": 94, "method": "\xff\xfe"}')),
    ("unknown-method", frame(b'{"jsonrpc": "2.0", "id": 95, "method": "nope/nothing", "params": {}}')),
]


@pytest.mark.parametrize(("label", "payload"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_json_rpc_leaves_the_server_up(tmp_path, label, payload):
    client = RawLsp(tmp_path)
    try:
        client.send(payload, raw=True)
        assert "result" in _hover(client, tmp_path), f"the server stopped answering after {label}"
        assert client.process.poll() is None
    finally:
        client.close()


def test_malformed_json_rpc_is_answered_with_an_error(tmp_path):
    """JSON-RPC 2.0: parse error -32700 and invalid request -32600 (id null), invalid params
    -32602, method not found -32601. Above all, a request that has an id gets an answer."""
    client = RawLsp(tmp_path)
    unanswered = []
    try:
        for label, payload in MALFORMED:
            client.responses.clear()
            client.send(payload, raw=True)
            assert "result" in _hover(client, tmp_path)  # the hover is answered after it, in order
            if not [r for r in client.responses.values() if "error" in r]:
                unanswered.append(label)
    finally:
        client.close()
    assert not unanswered, f"no error response to: {unanswered}"


@pytest.mark.parametrize(
    ("label", "payload"),
    [
        ("non-numeric-length", b"Content-Length: abc\r\n\r\n{}"),
        ("no-header", b"garbage without a header\r\n\r\n"),
        ("negative-length", b"Content-Length: -5\r\n\r\n{}"),
    ],
)
def test_malformed_framing_does_not_leave_a_deaf_server(tmp_path, label, payload):
    """After broken framing the server either recovers or exits; alive but deaf is a bug
    (the editor waits forever and the process is never cleaned up)."""
    client = RawLsp(tmp_path)
    try:
        client.send(payload, raw=True)
        try:
            answer = _hover(client, tmp_path, timeout=30)  # deaf = never answers; 5 s was a loaded start
            assert "result" in answer or "error" in answer
        except fuzzlib.LspClosed:
            pass  # exited: acceptable
        except TimeoutError:
            alive = client.process.poll() is None
            pytest.fail(f"after {label} the server {'is alive but answers nothing' if alive else 'hung'}")
    finally:
        client.process.kill()
        client.process.wait(10)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def test_server_exits_when_its_client_process_dies(tmp_path):
    (tmp_path / "a.py").write_text(FINE_TUNE)
    fake_editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    client = RawLsp(tmp_path, process_id=fake_editor.pid)
    try:
        client.open((tmp_path / "a.py").as_uri(), FINE_TUNE)
        assert "result" in _hover(client, tmp_path)
        children = _children(client.pid)
        fake_editor.kill()
        fake_editor.wait(10)
        started = time.monotonic()
        try:
            client.process.wait(timeout=10)  # polled every 2 s
        except subprocess.TimeoutExpired:
            pytest.fail("the server outlived its client process by 10 s")
        print(f"\nserver exited {time.monotonic() - started:.1f}s after its client died")
        deadline = time.monotonic() + 10  # children end after their parent: wait for it, not 0.2 s
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.05)
        assert not [pid for pid in children if _alive(pid)], "orphaned child processes"
    finally:
        if fake_editor.poll() is None:
            fake_editor.kill()
        if client.process.poll() is None:
            client.process.kill()


def test_server_exits_when_stdin_closes(tmp_path):
    client = RawLsp(tmp_path)
    assert "result" in _hover(client, tmp_path)
    assert client.process.stdin is not None
    client.process.stdin.close()
    try:
        client.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        client.process.kill()
        pytest.fail("the server kept running after its stdin closed")


def test_exit_without_shutdown_and_repeated_shutdown(tmp_path):
    client = RawLsp(tmp_path)
    first = client.request("shutdown", None)
    second = client.request("shutdown", None, timeout=30)
    assert "result" in first and ("result" in second or "error" in second)
    # After shutdown, requests get InvalidRequest (-32600) per the spec, not silence.
    answer = _hover(client, tmp_path, timeout=30)
    assert "error" in answer or "result" in answer
    client.notify("exit", None)
    assert client.process.wait(timeout=10) in (0, 1)
